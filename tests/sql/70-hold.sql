-- 30-seats.sql - api.seat_layout, api.seat_map and api.select_seat: what a
-- hall looks like, which seats are free, and holding seats all-or-nothing.
BEGIN;
\set day 404
\ir fixture.psql
SELECT plan(65);

CREATE FUNCTION pg_temp.sel(st bigint, seats text[], usr bigint DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$ SELECT selection_status FROM api.select_seat(usr, st, seats, 'tap') $$;
CREATE FUNCTION pg_temp.state(st bigint, lbl text) RETURNS text
LANGUAGE sql AS $$ SELECT status FROM api.seat_map(st) WHERE seat = lbl $$;
CREATE FUNCTION pg_temp.orders(st bigint) RETURNS int
LANGUAGE sql AS $$ SELECT count(*)::int FROM core.orders WHERE showtime_id = st $$;

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

-- select_seat: a good hold
SELECT * FROM api.select_seat(:cust, :st, '{C7,C8}', 'counter-3') \gset h_
SELECT is(:'h_selection_status'::text, 'held', 'two free seats are held');
SELECT ok(:'h_order_id' <> '', 'with an order id');
SELECT ok(:'h_expire_at'::timestamptz BETWEEN statement_timestamp() + interval '7 minutes 50 seconds'
                                        AND statement_timestamp() + interval '8 minutes 10 seconds',
          'expiring after the default 8 minutes');
SELECT is(:'h_total_cents'::bigint, 2500::bigint, 'costing two adult tickets at default prices');
SELECT is(core.parse_booking_code(:'h_booking_code'), :'h_booking_code'::text, 'with a valid booking code');
SELECT is(:'h_currency'::text, 'USD', 'in the price plan''s currency');
SELECT results_eq(format('SELECT status::text, user_id, terminal, total_cents::bigint, booking_code FROM core.orders WHERE order_id = %s', :h_order_id),
    format($$VALUES ('initiated', %s::bigint, 'counter-3', 2500::bigint, %L)$$, :cust, :'h_booking_code'),
    'the order is initiated, for the customer, from the terminal');
SELECT results_eq(format($q$SELECT s.label, o.p FROM core.orders, unnest(hold_seats, hold_prices) o(seat_id, p)
                             JOIN core.seat s USING (seat_id) WHERE order_id = %s ORDER BY 1$q$, :h_order_id),
    $$VALUES ('C7', 1250::bigint), ('C8', 1250::bigint)$$, 'it records its seats and their prices');
SELECT results_eq(format('SELECT seat, type_code, price_cents, state FROM api.order_lines(%s)', :h_order_id),
    $$VALUES ('C7', 'adult', 1250::bigint, 'held'), ('C8', 'adult', 1250::bigint, 'held')$$,
    'its lines are one held adult ticket per seat');
SELECT is((SELECT count(*)::int FROM core.ticket WHERE order_id = :h_order_id), 0,
          'written only when first needed');
SELECT is((SELECT count(*)::int FROM core.showtime_seat WHERE order_id = :h_order_id AND state = 'held'
             AND held_until = :'h_expire_at'::timestamptz), 2, 'both seat rows are held by it until expire_at');
SELECT is(pg_temp.state(:st, 'C7') || pg_temp.state(:st, 'C8') || pg_temp.state(:st, 'C9'),
          'pendingpendingavailable', 'seat_map shows them pending, the neighbour available');
SELECT is((SELECT total_cents FROM api.select_seat(NULL, :st, '{J10}', 'tap')), 1550::bigint,
          'a premium seat costs the surcharge more');

-- all-or-nothing
SELECT is(pg_temp.orders(:st), 2, 'two orders so far');
SELECT is(pg_temp.sel(:st, '{C6,C7}'), 'unavailable', 'a free seat with a held one: unavailable');
SELECT alike((SELECT message FROM api.select_seat(NULL, :st, '{C6,C7,C8}', 'tap')), '%C7, C8%',
            'the answer names the taken seats');
SELECT is(pg_temp.state(:st, 'C6'), 'available', 'and the free seat was not held');
SELECT is(pg_temp.orders(:st), 2, 'and no order was made');
SELECT is((SELECT count(*)::int FROM core.showtime_seat WHERE showtime_id = :st AND state <> 'available'), 3,
          'and no seat row changed');
SELECT is(pg_temp.sel(:st, '{C7}'), 'unavailable', 'a held seat cannot be held again');
SELECT is(pg_temp.sel(:st, '{c6}'), 'held', 'the free seat alone can be held');

-- what is refused
SELECT is(pg_temp.sel(999999999, '{C1}'), 'unknown_showtime', 'an unknown showtime');
SELECT is(pg_temp.sel(NULL, '{C1}'), 'unknown_showtime', 'a NULL showtime');
UPDATE core.showtime SET cancelled = true WHERE showtime_id = :small;
SELECT is(pg_temp.sel(:small, '{A1}'), 'unknown_showtime', 'a cancelled showtime');
UPDATE core.showtime SET cancelled = false WHERE showtime_id = :small;
SELECT is(pg_temp.sel(:past, '{C1}'), 'sales_closed', 'a showtime that started an hour ago');
SELECT is(pg_temp.sel(:st, '{}'), 'no_seats', 'an empty seat list');
SELECT is(pg_temp.sel(:st, NULL), 'no_seats', 'a NULL seat list');
SELECT is(pg_temp.sel(:st, '{NULL}'), 'no_seats', 'a list holding only NULL');
SELECT is(pg_temp.sel(:st, '{D1,NULL}'), 'no_seats', 'a list with a NULL in it');
SELECT is(pg_temp.sel(:st, '{D1,D1}'), 'duplicate_seats', 'the same seat twice');
SELECT is(pg_temp.sel(:st, '{d1," D1 "}'), 'duplicate_seats', 'the same seat twice, written differently');
SELECT is(pg_temp.sel(:st, '{D1,D2,D1}'), 'duplicate_seats', 'a duplicate among others');
SELECT is(pg_temp.sel(:st, '{Z99}'), 'unknown_seat', 'a label not in the hall');
SELECT alike((SELECT message FROM api.select_seat(NULL, :st, '{D1,Z99,ZZ1}', 'tap')), '%Z99, ZZ1%',
            'the answer names the labels that are not seats');
SELECT is(pg_temp.sel(:st, '{A1}'), 'unknown_seat', 'a blocked place is not a seat for sale');
SELECT is(pg_temp.sel(:st, '{D1,A2}'), 'unknown_seat', 'a blocked place among free seats: nothing held');
SELECT is(pg_temp.sel(:small, '{H13}'), 'unknown_seat', 'a label of another hall');
SELECT is(pg_temp.sel(:st, ARRAY['D1''; DELETE FROM core.orders; --']), 'unknown_seat', 'SQL as a label');
SELECT is(pg_temp.sel(:st, ARRAY['']), 'unknown_seat', 'a blank label');
SELECT is(pg_temp.sel(:st, ARRAY[repeat('D', 10000)]), 'unknown_seat', 'a 10 000 character label');
SELECT is(pg_temp.sel(:st, ARRAY['D١']), 'unknown_seat', 'a label with a non-ASCII digit');
SELECT is(pg_temp.sel(:st, (SELECT array_agg('E' || n) FROM generate_series(1, 21) n)), 'too_many_seats', '21 seats');
SELECT is(pg_temp.sel(:st, '{D1}', -5), 'unknown_user', 'an unknown customer');
SELECT is(pg_temp.orders(:st), 3, 'none of the refusals made an order');
SELECT is(pg_temp.state(:st, 'D1'), 'available', 'D1 is still available');
SELECT is((SELECT count(*)::int FROM core.showtime_seat WHERE showtime_id = :st AND state <> 'available'), 4,
          'only the four seats held so far are taken');

-- what is accepted
SELECT is(pg_temp.sel(:st, (SELECT array_agg('E' || n) FROM generate_series(1, 20) n)), 'held', '20 seats at once');
SELECT is(pg_temp.sel(:st, '{" d1 ",d2}'), 'held', 'lower case labels with spaces around them');
SELECT is(pg_temp.state(:st, 'D1') || pg_temp.state(:st, 'D2'), 'pendingpending', 'are the right seats');
SELECT is(pg_temp.sel(:st, '{T1,T4}', :cust2), 'held', 'wheelchair and companion places, for a customer');
SELECT is(pg_temp.sel(:small, '{C7}'), 'held', 'C7 of another showtime is another seat');

-- seat_map after a sale
SELECT api.payment(:cust, :h_order_id, '{"method":"cash","amount_cents":2500}') \g /dev/null
SELECT is(pg_temp.state(:st, 'C7') || pg_temp.state(:st, 'C8'), 'soldsold', 'paid seats show as sold');
SELECT is((SELECT count(*)::int FROM api.seat_map(:st) WHERE status <> 'available'), 28,
           'seat_map counts exactly the taken seats');

SELECT * FROM finish();
ROLLBACK;
