-- 10-schema.sql - the rules the schema itself enforces: no two showtimes
-- overlap in one hall, one live ticket per seat, snowflake order ids and
-- Crockford base32 booking codes with a check symbol.
BEGIN;
\set day 402
\ir fixture.psql
SELECT plan(29);

-- The exclusion constraint.
SELECT throws_ok(format($q$
    INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
    SELECT movie_id, auditorium_id, starts_at + interval '1 hour', ends_at + interval '1 hour', price_plan_id
      FROM core.showtime WHERE showtime_id = %s $q$, :st),
    '23P01', NULL, 'a showtime overlapping another in the same hall is refused');
SELECT lives_ok(format($q$
    INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
    SELECT movie_id, auditorium_id, ends_at, ends_at + interval '2 hours', price_plan_id
      FROM core.showtime WHERE showtime_id = %s $q$, :st),
    'a showtime starting as the last one ends is accepted');
SELECT lives_ok(format($q$
    INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
    SELECT s.movie_id, a.auditorium_id, s.starts_at, s.ends_at, s.price_plan_id
      FROM core.showtime s, core.auditorium a WHERE s.showtime_id = %s AND a.name = 'Studio 2' $q$, :st),
    'the same times in another hall are accepted');
SELECT lives_ok(format($q$
    UPDATE core.showtime SET cancelled = true WHERE showtime_id = %s;
    INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
    SELECT movie_id, auditorium_id, starts_at, ends_at, price_plan_id
      FROM core.showtime WHERE showtime_id = %s $q$, :st, :st),
    'a cancelled showtime no longer blocks its hall');
SELECT is((SELECT seats_total FROM core.showtime WHERE showtime_id = :st), 478,
          'a new Grand showtime gets its 478 sellable seats (two are blocked)');
DELETE FROM core.showtime WHERE showtime_id > :past;
UPDATE core.showtime SET cancelled = false WHERE showtime_id = :st;

-- The unique live-ticket index: the last line of defence. A hold writes
-- its tickets when they are first needed (ticket types, or payment).
SELECT selection_status AS d4_status, order_id AS d4 FROM api.select_seat(NULL, :st, '{D4}', 'tap') \gset
SELECT is(:'d4_status'::text, 'held', 'D4 held');
SELECT is((SELECT count(*)::int FROM core.ticket WHERE showtime_id = :st), 0, 'with no ticket yet');
SELECT is((SELECT types_status FROM api.set_ticket_types(:d4, '{}')), 'repriced', 'choosing ticket types ...');
SELECT is((SELECT string_agg(type_code || ' ' || state, ',') FROM core.ticket WHERE order_id = :d4),
          'adult held', '... writes its held adult ticket');
SELECT throws_ok(format($q$
    INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
    SELECT order_id, showtime_id, seat_id, 'adult', 1, 'held' FROM core.ticket
     WHERE showtime_id = %s $q$, :st),
    '23505', NULL, 'a second live ticket for a held seat is refused by the unique index');
UPDATE core.ticket SET state = 'released' WHERE showtime_id = :st;
SELECT lives_ok(format($q$
    INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
    SELECT order_id, showtime_id, seat_id, 'adult', 1, 'sold' FROM core.ticket
     WHERE showtime_id = %s $q$, :st),
    'a released ticket does not count: a new live ticket for the seat is accepted');
SELECT throws_ok(format($q$
    INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
    SELECT order_id, showtime_id, seat_id, 'adult', 1, 'sold' FROM core.ticket
     WHERE showtime_id = %s AND state = 'sold' $q$, :st),
    '23505', NULL, 'a second sold ticket for one seat is refused');

-- Snowflake order ids: 41 bits of ms since 2024-01-01, 10 of node, 12 of sequence.
SELECT api.select_seat(NULL, :st, '{E1}', 'tap') \g /dev/null
SELECT order_id AS oid, created_at AS created FROM core.orders WHERE showtime_id = :st
 ORDER BY order_id DESC LIMIT 1 \gset
SELECT ok(:oid > 0, 'an order id is a positive bigint');
SELECT ok(to_timestamp(((:oid::bigint >> 22) + 1704067200000) / 1000.0)
          BETWEEN clock_timestamp() - interval '1 minute' AND clock_timestamp(),
          'its top 41 bits are milliseconds since 2024-01-01, close to now');
SELECT is(((:oid::bigint >> 12) & 1023)::int, core.setting_int('node_id', 1),
          'the next 10 bits are the node_id setting');
SELECT ok((:oid::bigint & 4095) BETWEEN 0 AND 4095, 'the low 12 bits are a sequence');
UPDATE core.setting SET value = '777' WHERE name = 'node_id';
SELECT is(((core.next_order_id() >> 12) & 1023)::int, 777, 'the node_id setting goes into new ids');
SELECT ok(core.next_order_id() < core.next_order_id(), 'ids made one after another increase');
SELECT is((SELECT count(DISTINCT core.next_order_id())::int FROM generate_series(1, 3000)), 3000,
          '3000 ids made in a burst are all different');

-- Booking codes.
SELECT api.select_seat(NULL, :st, '{E2}', 'tap') \g /dev/null
SELECT booking_code AS code FROM core.orders WHERE showtime_id = :st ORDER BY order_id DESC LIMIT 1 \gset
SELECT matches(:'code'::text, '^[0-9A-HJKMNP-TV-Z]{8}[0-9A-HJKMNP-TV-Z*~$=U]$',
               'a booking code is 8 Crockford base32 symbols and a check symbol');
SELECT is(core.parse_booking_code(:'code'), :'code'::text, 'a code parses as itself');
SELECT is(core.parse_booking_code(lower(substr(:'code', 1, 4)) || '-' || lower(substr(:'code', 5))),
          :'code'::text, 'lower case and a dash in the middle read the same');
SELECT is(core.crockford(0, 8), '000000000', 'value 0 is 00000000 with check 0');
SELECT is(core.crockford(1099511627775, 8), 'ZZZZZZZZ' || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U', (1099511627775 % 37)::int + 1, 1),
          'the largest 40-bit value is ZZZZZZZZ and its check symbol');
SELECT is(core.crockford((1::bigint << 30) | (1 << 20), 8), '01010000' || substr(core.crockford((1::bigint << 30) | (1 << 20), 8), 9),
          'bits land in the right symbols: 2^30 + 2^20 is 01010000');
SELECT is(core.parse_booking_code('oiol-0000' || substr(core.crockford((1::bigint << 30) | (1 << 20), 8), 9)),
          core.crockford((1::bigint << 30) | (1 << 20), 8), 'o, i and l typed for 0 and 1 are read as 0 and 1');
SELECT is(core.parse_booking_code(substr(:'code', 1, 8) ||
          CASE WHEN substr(:'code', 9) = '0' THEN '1' ELSE '0' END), NULL, 'a wrong check symbol is refused');
SELECT is(core.parse_booking_code(substr(:'code', 2, 1) || substr(:'code', 1, 1) || substr(:'code', 3)),
          CASE WHEN substr(:'code', 1, 1) = substr(:'code', 2, 1) THEN :'code'::text END,
          'two swapped symbols are caught by the check symbol');
SELECT ok(core.parse_booking_code('') IS NULL AND core.parse_booking_code(NULL) IS NULL
          AND core.parse_booking_code(substr(:'code', 1, 8)) IS NULL
          AND core.parse_booking_code(:'code' || '0') IS NULL
          AND core.parse_booking_code('''; DROP TABLE core.orders; --') IS NULL
          AND core.parse_booking_code('ÄÖÜ€ÄÖÜ€Ä') IS NULL,
          'empty, NULL, short, long, SQL and non-ASCII texts are not codes');

SELECT * FROM finish();
ROLLBACK;
