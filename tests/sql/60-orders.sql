-- 60-orders.sql - what an order is made of: snowflake order ids (time,
-- node, sequence) and Crockford base32 booking codes with a check symbol,
-- both plain SQL that PostgreSQL inlines; the domains that check an
-- order's columns; a customer's bookings, an order's status and its
-- receipt by e-mail.
-- (A repeated request is 60-orders-replay.sql.)
BEGIN;
\set day 402
\ir fixture.psql
SELECT plan(49);

-- Every change of core.setting rewrites the hold policy row; taking that
-- row first makes the files that change settings wait for each other
-- rather than deadlock (this one sets node_id, as 10-settings does).
SELECT 1 FROM core.hold_policy FOR NO KEY UPDATE \g /dev/null

-- Snowflake order ids: 41 bits of ms since 2024-01-01, 10 of node, 12 of sequence.
SELECT api.select_seat(pg_temp.staff(), :st, '{E1}') \g /dev/null
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
SELECT api.select_seat(pg_temp.staff(), :st, '{E2}') \g /dev/null
SELECT booking_code AS code FROM core.orders WHERE showtime_id = :st ORDER BY order_id DESC LIMIT 1 \gset
SELECT matches(:'code'::text, '^[0-9A-HJKMNP-TV-Z]{9}$',
               'a booking code is 8 Crockford base32 symbols and a check symbol of the same 32');
SELECT is(core.parse_booking_code(:'code'), :'code'::text, 'a code parses as itself');
SELECT is(core.parse_booking_code(lower(substr(:'code', 1, 4)) || '-' || lower(substr(:'code', 5))),
          :'code'::text, 'lower case and a dash in the middle read the same');
SELECT is(core.crockford(0, 8), '000000000', 'value 0 is 00000000 with check 0');
SELECT is(core.crockford(1099511627775, 8), 'ZZZZZZZZ3',
          'the largest 40-bit value is ZZZZZZZZ and its check symbol (as src/ids.c)');
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

-- The helpers a hold calls are inlined, and give what the longer forms give.
SELECT unalike(pg_temp.plan_of('SELECT core.snowflake(5)'),
              '%snowflake%', 'core.snowflake is inlined');
SELECT unalike(pg_temp.plan_of('SELECT core.crockford8(42)'),
              '%crockford8%', 'core.crockford8 is inlined');
SELECT unalike(pg_temp.plan_of('SELECT core.crockford8(x) FROM generate_series(1, 2) x'),
              '%crockford%', 'and its table of symbol pairs is a constant in the plan');

SELECT is((SELECT count(*)::int FROM (SELECT (random() * 1099511627775)::bigint AS v
                                        FROM generate_series(1, 500)
                                      UNION ALL VALUES (0::bigint), (1), (31), (32), (1099511627775)) x
            WHERE core.crockford8(v) <> core.crockford(v, 8)), 0,
          'crockford8 gives what crockford(v, 8) gives');
SELECT is((SELECT count(*)::int FROM generate_series(0, 3) g, generate_series(1, 1023) x
            WHERE core.crockford8(x::bigint << (10 * (3 - g))) <> core.crockford(x::bigint << (10 * (3 - g)), 8)), 0,
          'every byte of the written-out check table is what core.crockford computes');
SELECT is((SELECT count(*)::int FROM (SELECT core.new_booking_code() AS c FROM generate_series(1, 300)) x
            WHERE core.parse_booking_code(c) IS DISTINCT FROM c), 0,
          'new booking codes carry a valid check symbol');
SELECT is(((core.snowflake(5) >> 12) & 1023)::int, 5, 'the node goes into the snowflake');
SELECT ok(core.snowflake(5) < core.snowflake(5), 'snowflakes made one after another increase');

-- The columns of an order are checked by their domains.
SELECT throws_ok(format($$UPDATE core.orders SET status = 'paid' WHERE order_id = %s$$, :oid), '23514',
                 NULL, 'an order status outside the list is refused');
SELECT throws_ok(format($$UPDATE core.orders SET total_cents = -1 WHERE order_id = %s$$, :oid), '23514',
                 NULL, 'so is a negative total');

-- A customer's bookings and an order's status.
SELECT order_id AS mine, total_cents AS mine_total FROM api.select_seat(:'sa', :st, '{E3,E4}') \gset
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :mine, jsonb_build_object('method', 'cash', 'amount_cents', :mine_total))),
          'success', 'a customer pays an order');
SELECT is((SELECT count(*)::int FROM api.my_bookings(:'sa') WHERE order_id = :mine AND status = 'success'), 1,
          'it is among the customer''s bookings');
SELECT is((SELECT status || '|' || paid_cents FROM api.order_status(pg_temp.staff(), :mine)), 'success|' || :mine_total,
          'its status says paid, and how much');
SELECT is((SELECT count(*)::int FROM api.my_bookings(:'sb')), 0, 'another customer sees none of them');
SELECT is((SELECT count(*)::int FROM api.my_bookings(:'sc')), 0, 'nor does a staff session (it has no bookings)');

-- A receipt by e-mail, queued in the outbox for marquee notify.
SELECT is(api.email_receipt(pg_temp.staff(), :mine, 'pat@example.com'), 'wrong_email',
          'a receipt of a customer''s order goes to the account''s address only');
SELECT is(api.email_receipt(pg_temp.staff(), :mine, ' Ada' || :day || '@Example.com '), 'queued',
          'a paid order''s receipt is queued to the account''s address, however written');
SELECT is(api.email_receipt(:'sa', :mine), 'queued', 'the customer may send it again with no address given');
SELECT is(api.email_receipt(:'sb', :mine), 'unknown_order', 'another customer may not');
SELECT is(api.email_receipt(repeat('0', 64), :mine), 'no_session', 'nor a forged session');
SELECT results_eq(format($$SELECT recipient, subject, body LIKE '%%Seats: E3 adult, E4 adult%%'
                            FROM core.outbox WHERE kind = 'receipt' AND subject LIKE '%%' || %L$$,
                         (SELECT core.booking_code_pretty(booking_code) FROM core.orders WHERE order_id = :mine)),
    format($$VALUES (%L, 'Your receipt: booking ' || %L, true), (%L, 'Your receipt: booking ' || %L, true)$$,
           'ada' || :day || '@example.com', (SELECT core.booking_code_pretty(booking_code) FROM core.orders WHERE order_id = :mine),
           'ada' || :day || '@example.com', (SELECT core.booking_code_pretty(booking_code) FROM core.orders WHERE order_id = :mine)),
    'to the address in lower case, naming the booking and its seats (the code spelt as on screens, ABCD-EFGHJ)');

-- A walk-up's or guest's order: the first receipt's address is recorded on
-- the order, and later receipts go there only; receipts per order are limited.
SELECT order_id AS walk, total_cents AS walk_total FROM api.select_seat(:'ga', :st, '{E8}') \gset
SELECT api.payment(:'ga', :walk, jsonb_build_object('method', 'card', 'amount_cents', :walk_total, 'last4', '4242',
                                                    'auth_code', 'A', 'terminal_ref', '60-walk')) \g /dev/null
SELECT is(api.email_receipt(:'ga', :walk, 'not an address'), 'invalid_email', 'a text that is not an address is refused');
SELECT is(api.email_receipt(:'ga', :walk, NULL), 'invalid_email', 'the first receipt needs an address');
SELECT is(api.email_receipt(:'ga', :walk, 'Pat@Example.com'), 'queued', 'the guest''s first receipt gives the address');
SELECT is((SELECT receipt_email FROM core.orders WHERE order_id = :walk), 'pat@example.com', 'which the order keeps');
SELECT is(api.email_receipt(:'ga', :walk, 'eve@example.com'), 'wrong_email', 'a later receipt to another address is refused');
SELECT is(api.email_receipt(:'ga', :walk), 'queued', 'a later one goes to the kept address');
UPDATE core.setting SET value = '3' WHERE name = 'receipts_per_order';
SELECT is(api.email_receipt(:'ga', :walk), 'queued', 'the third receipt is sent');
SELECT is(api.email_receipt(:'ga', :walk), 'too_many_receipts', 'the fourth is refused: receipts_per_order');
SELECT is((SELECT count(*)::int FROM core.outbox WHERE kind = 'receipt' AND recipient = 'eve@example.com'), 0,
          'nothing ever went to an address the order does not have');
SELECT is(api.email_receipt(pg_temp.staff(), :oid, 'pat@example.com'), 'not_paid', 'an unpaid order has no receipt');
SELECT is(api.email_receipt(pg_temp.staff(), -1, 'pat@example.com'), 'unknown_order', 'nor has an unknown one');

SELECT * FROM finish();
ROLLBACK;
