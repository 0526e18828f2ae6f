-- 87-helpers.sql - the hold's helpers (064): the snowflake, the hold length
-- and the booking code are plain SQL that PostgreSQL inlines, and give what
-- the longer forms gave; a seat whose holds ran out many times is taken
-- over, and its live ticket released by the next tickets written (070).
BEGIN;
\set day 413
\ir fixture.psql
SELECT plan(18);

-- Inlined: the plan holds the helper's expression, not a call to it (a
-- sql function that is not inlined is planned again on every call).
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    out text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE) ' || q LOOP
        out := out || line || E'\n';
    END LOOP;
    RETURN out;
END $$;
SELECT unalike(pg_temp.plan_of('SELECT core.hold_interval(5)'),
              '%hold_interval%', 'core.hold_interval is inlined');
SELECT unalike(pg_temp.plan_of('SELECT core.snowflake(5)'),
              '%snowflake%', 'core.snowflake is inlined');
SELECT unalike(pg_temp.plan_of('SELECT core.crockford8(42)'),
              '%crockford8%', 'core.crockford8 is inlined');
SELECT unalike(pg_temp.plan_of('SELECT core.crockford8(x) FROM generate_series(1, 2) x'),
              '%crockford%', 'and its table of symbol pairs is a constant in the plan (068)');

SELECT is((SELECT count(*)::int FROM (SELECT (random() * 1099511627775)::bigint AS v
                                        FROM generate_series(1, 500)
                                      UNION ALL VALUES (0::bigint), (1), (31), (32), (1099511627775)) x
            WHERE core.crockford8(v) <> core.crockford(v, 8)), 0,
          'crockford8 gives what crockford(v, 8) gives');
SELECT is((SELECT count(*)::int FROM (SELECT core.new_booking_code() AS c FROM generate_series(1, 300)) x
            WHERE core.parse_booking_code(c) IS DISTINCT FROM c), 0,
          'new booking codes carry a valid check symbol');
SELECT is(((core.snowflake(5) >> 12) & 1023)::int, 5, 'the node goes into the snowflake');
SELECT ok(core.snowflake(5) < core.snowflake(5), 'snowflakes made one after another increase');

SET LOCAL marquee.hold_minutes = '600';
SELECT is(core.hold_interval(8), interval '8 minutes', 'a terminal cannot ask for more than the setting');
SET LOCAL marquee.hold_minutes = '0.5';
SELECT is(core.hold_interval(8), interval '30 seconds', 'a terminal may ask for less');
SET LOCAL marquee.hold_minutes = '0';
SELECT is(core.hold_interval(8), interval '0.6 seconds', 'never less than 0.01 minutes');
SET LOCAL marquee.hold_minutes = 'nonsense';
SELECT is(core.hold_interval(3), interval '3 minutes', 'a nonsense request is the setting');
RESET marquee.hold_minutes;

-- F7 held (its tickets written, as ticket types do) and run out five
-- times over, then taken: each hold's tickets released the one before's;
-- the last one's is left until the taker writes its own. The taker gets
-- the seat.
SELECT set_config('tap.st', :'st', true) \g /dev/null
DO $$
DECLARE
    st bigint := current_setting('tap.st')::bigint;
    o bigint;
BEGIN
    FOR i IN 1..5 LOOP
        SELECT order_id INTO o FROM api.select_seat(NULL, st, '{F7}', 'tap');
        PERFORM api.set_ticket_types(o, '{}');
        UPDATE core.showtime_seat SET held_until = statement_timestamp() - interval '1 second'
         WHERE showtime_id = st AND order_id = o;
    END LOOP;
END $$;
SELECT order_id AS taker FROM api.select_seat(NULL, :st, '{F7}', 'tap') \gset
SELECT is((SELECT count(*)::int FROM core.ticket t JOIN core.seat s USING (seat_id)
            WHERE t.showtime_id = :st AND s.label = 'F7' AND t.state = 'released'), 4,
          'four run-out holds'' tickets were released as the next hold wrote its own');
SELECT is((SELECT count(*)::int FROM core.ticket t JOIN core.seat s USING (seat_id)
            WHERE t.showtime_id = :st AND s.label = 'F7' AND t.state IN ('held', 'sold')
              AND t.order_id <> :taker), 1,
          'the last one''s is left to its order: taking the seat over writes no ticket');
SELECT is((SELECT string_agg(seat || ' ' || state, ',') FROM api.order_lines(:taker)), 'F7 held',
          'its one line is F7');
SELECT is((SELECT ss.order_id FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
            WHERE ss.showtime_id = :st AND s.label = 'F7'), :taker::bigint, 'and so is the seat');
SELECT api.set_ticket_types(:taker, '{}') \g /dev/null
SELECT is((SELECT string_agg(t.state, ',' ORDER BY t.state) FROM core.ticket t JOIN core.seat s USING (seat_id)
            WHERE t.showtime_id = :st AND s.label = 'F7' AND (t.state <> 'released' OR t.order_id <> :taker)),
          'held,released,released,released,released,released',
          'the taker''s tickets released the last old one: one live ticket, its own');

-- Writing the tickets of a hold that took a seat over reads that seat's
-- live ticket, not every live ticket of the showtime (a generic plan for
-- the seats as a list did).
SELECT count(api.set_ticket_types(h.order_id, '{}'))
  FROM generate_series(1, 30) n, LATERAL api.select_seat(NULL, :st, ARRAY['H' || n], 'tap') h \g /dev/null
UPDATE core.showtime_seat ss SET held_until = statement_timestamp() - interval '1 second'
  FROM core.seat s WHERE s.seat_id = ss.seat_id AND ss.showtime_id = :st AND s.label = 'H1';
SELECT order_id AS h1 FROM api.select_seat(NULL, :st, '{H1}', 'tap') \gset
SELECT idx_tup_fetch AS before FROM pg_stat_xact_user_tables WHERE relid = 'core.ticket'::regclass \gset
SELECT api.set_ticket_types(:h1, '{}') \g /dev/null
SELECT cmp_ok((SELECT idx_tup_fetch FROM pg_stat_xact_user_tables WHERE relid = 'core.ticket'::regclass)
              - :before, '<=', 4::bigint,
              'H1''s new tickets read H1''s old live ticket, not the showtime''s 30');

SELECT * FROM finish();
ROLLBACK;
