-- 50-seats.sql - what a hall looks like (api.seat_layout) and which seats
-- are free (api.seat_map); a seat row's state, order and expiry agree
-- (two checks): available has no order, held has an order
-- and an expiry, sold has an order and no expiry, and every other
-- combination is refused, whoever writes it; the unique live-ticket index
-- lets no seat have two live tickets.
BEGIN;
\set day 417
\ir fixture.psql
SELECT plan(33);

-- seat_layout
SELECT is((SELECT count(*)::int FROM api.seat_layout(:st)), 480, 'the Grand layout has 480 places');
SELECT results_eq(format('SELECT seat, kind, row_no, col_no, rows, cols FROM api.seat_layout(%s) LIMIT 3', :st),
    $$VALUES ('A1', 'blocked', 1, 1, 20, 26), ('A2', 'blocked', 1, 2, 20, 26), ('A3', 'standard', 1, 3, 20, 26)$$,
    'places come in row and column order with the grid size; blocked ones are listed');
SELECT is((SELECT count(*)::int FROM api.seat_layout(:st) WHERE col_no IN (6, 21)), 0, 'aisle columns hold no seat');
SELECT set_eq(format('SELECT DISTINCT kind FROM api.seat_layout(%s)', :st),
              ARRAY['standard', 'premium', 'wheelchair', 'companion', 'blocked'], 'all five seat kinds are there');
SELECT is((SELECT count(*)::int FROM api.seat_layout(-1)), 0, 'an unknown showtime has no layout');
SELECT is((SELECT count(*)::int FROM api.seat_layout(NULL)), 0, 'nor does NULL');

-- seat_map
SELECT is((SELECT count(*)::int FROM api.seat_map(:st)), 478, 'the map lists the 478 seats for sale');
SELECT is((SELECT count(*)::int FROM api.seat_map(:st) WHERE seat IN ('A1', 'A2')), 0, 'blocked places are not in it');
SELECT is((SELECT array_agg(DISTINCT status) FROM api.seat_map(:st)), ARRAY['available'], 'a new showtime is all available');
SELECT is((SELECT array_agg(seat) FROM (SELECT seat FROM api.seat_map(:st) LIMIT 4) s), ARRAY['A3', 'A4', 'A5', 'A6'],
          'seats come in row and column order');
SELECT is((SELECT count(*)::int FROM api.seat_map(-1)), 0, 'an unknown showtime has no seats');
SELECT is((SELECT count(*)::int FROM api.seat_map(:small)), 96, 'Screen 2 has 96 seats');

-- The seat row check.
SELECT is((SELECT count(*)::int FROM pg_constraint
            WHERE conrelid = 'core.showtime_seat'::regclass AND contype = 'c'), 2,
          'core.showtime_seat has two checks');
SELECT set_eq($$SELECT conname::text FROM pg_constraint
                WHERE conrelid = 'core.showtime_seat'::regclass AND contype = 'c'$$,
              ARRAY['showtime_seat_order_check', 'showtime_seat_expiry_check'],
              'one ties the state to the order, one to the expiry');

SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{C1}') \gset h_
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


-- The seat row's columns are checked by their domains.
SELECT throws_ok(format($$UPDATE core.showtime_seat SET state = 'reserved' WHERE showtime_id = %s$$, :st), '23514',
                 NULL, 'and a seat state outside the list');
SELECT throws_ok(format($$UPDATE core.showtime_seat SET held_until = NULL WHERE showtime_id = %s AND state = 'held'$$, :st),
                 '23514', NULL, 'a held seat still needs its expiry');

-- The unique live-ticket index: the last line of defence. A hold writes
-- its tickets when they are first needed (ticket types, or payment).
SELECT selection_status AS d4_status, order_id AS d4 FROM api.select_seat(pg_temp.staff(), :st, '{D4}') \gset
SELECT is(:'d4_status'::text, 'held', 'D4 held');
SELECT is((SELECT count(*)::int FROM core.ticket WHERE showtime_id = :st), 0, 'with no ticket yet');
SELECT is((SELECT types_status FROM api.set_ticket_types(pg_temp.staff(), :d4, '{}')), 'repriced', 'choosing ticket types ...');
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

SELECT * FROM finish();
ROLLBACK;
