-- 90-seat-row-check.sql - a seat row's state, order and expiry agree (071:
-- one check, core.seat_row_ok, instead of two): available has no order,
-- held has an order and an expiry, sold has an order and no expiry. Every
-- other combination is refused, whoever writes it.
BEGIN;
\set day 417
\ir fixture.psql
SELECT plan(12);

SELECT is((SELECT count(*)::int FROM pg_constraint
            WHERE conrelid = 'core.showtime_seat'::regclass AND contype = 'c'), 1,
          'core.showtime_seat has one check');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'core.showtime_seat'::regclass AND contype = 'c'),
          'CHECK (core.seat_row_ok(state, order_id, held_until))', 'and it is core.seat_row_ok');

SELECT * FROM api.select_seat(NULL, :st, '{C1}', 'tap') \gset h_
SELECT seat_id AS c1 FROM core.seat s JOIN core.showtime st USING (auditorium_id)
 WHERE st.showtime_id = :st AND s.label = 'C1' \gset
SELECT seat_id AS c2 FROM core.seat s JOIN core.showtime st USING (auditorium_id)
 WHERE st.showtime_id = :st AND s.label = 'C2' \gset
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'written';
EXCEPTION WHEN check_violation THEN
    RETURN 'refused';
END $$;
CREATE FUNCTION pg_temp.set(st bigint, seat bigint, s text, o text, u text) RETURNS text
LANGUAGE sql AS $$
    SELECT pg_temp.try(format('UPDATE core.showtime_seat SET state = %L, order_id = %s, held_until = %s
                                WHERE showtime_id = %s AND seat_id = %s', s, o, u, st, seat))
$$;

-- The three good shapes.
SELECT is(pg_temp.set(:st, :c2, 'available', 'NULL', 'NULL'), 'written', 'available, no order, no expiry');
SELECT is(pg_temp.set(:st, :c2, 'held', :'h_order_id', 'now() + interval ''1 minute'''), 'written',
          'held, an order and an expiry');
SELECT is(pg_temp.set(:st, :c2, 'sold', :'h_order_id', 'NULL'), 'written', 'sold, an order, no expiry');

-- Every other one, on a seat a hold really has.
SELECT is(pg_temp.set(:st, :c1, 'available', :'h_order_id', 'NULL'), 'refused', 'available with an order');
SELECT is(pg_temp.set(:st, :c1, 'available', 'NULL', 'now()'), 'refused', 'available with an expiry');
SELECT is(pg_temp.set(:st, :c1, 'held', 'NULL', 'now()'), 'refused', 'held without an order');
SELECT is(pg_temp.set(:st, :c1, 'held', :'h_order_id', 'NULL'), 'refused', 'held without an expiry');
SELECT is(pg_temp.set(:st, :c1, 'sold', 'NULL', 'NULL'), 'refused', 'sold without an order');
SELECT is(pg_temp.set(:st, :c1, 'sold', :'h_order_id', 'now()'), 'refused', 'sold with an expiry');
SELECT is((SELECT state::text || ' ' || (order_id = :h_order_id) FROM core.showtime_seat
            WHERE showtime_id = :st AND seat_id = :c1), 'held true', 'and the hold is as it was');

SELECT * FROM finish();
ROLLBACK;
