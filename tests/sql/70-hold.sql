-- 70-hold.sql - api.select_seat: holding seats all-or-nothing (a good hold
-- in detail, every refusal changing nothing), one seat taken by the
-- statement that writes its order or, if not free, left to the lock; how
-- long a hold lasts (core.hold_interval); the staff member recorded with it.
BEGIN;
\set day 404
\ir fixture.psql
SELECT plan(69);

CREATE FUNCTION pg_temp.sel(st bigint, seats text[], usr text DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$ SELECT selection_status FROM api.select_seat(coalesce(usr, pg_temp.staff()), st, seats) $$;
CREATE FUNCTION pg_temp.state(st bigint, lbl text) RETURNS text
LANGUAGE sql AS $$ SELECT status FROM api.seat_map(st) WHERE seat = lbl $$;
CREATE FUNCTION pg_temp.orders(st bigint) RETURNS int
LANGUAGE sql AS $$ SELECT count(*)::int FROM core.orders WHERE showtime_id = st $$;

-- select_seat: a good hold
SELECT * FROM api.select_seat(:'sa', :st, '{C7,C8}') \gset h_
SELECT is(:'h_selection_status'::text, 'held', 'two free seats are held');
SELECT ok(:'h_order_id' <> '', 'with an order id');
SELECT ok(:'h_expire_at'::timestamptz BETWEEN statement_timestamp() + interval '7 minutes 50 seconds'
                                        AND statement_timestamp() + interval '8 minutes 10 seconds',
          'expiring after the default 8 minutes');
SELECT is(:'h_total_cents'::bigint, 2500::bigint, 'costing two adult tickets at default prices');
SELECT is(core.parse_booking_code(:'h_booking_code'), :'h_booking_code'::text, 'with a valid booking code');
SELECT is(:'h_currency'::text, 'USD', 'in the price plan''s currency');
SELECT results_eq(format('SELECT status::text, user_id, terminal, total_cents::bigint, booking_code FROM core.orders WHERE order_id = %s', :h_order_id),
    format($$VALUES ('initiated', %s::bigint, 'tap', 2500::bigint, %L)$$, :cust, :'h_booking_code'),
    'the order is initiated, for the customer, from the terminal');
SELECT results_eq(format($q$SELECT s.label, o.p FROM core.orders, unnest(hold_seats, hold_prices) o(seat_id, p)
                             JOIN core.seat s USING (seat_id) WHERE order_id = %s ORDER BY 1$q$, :h_order_id),
    $$VALUES ('C7', 1250::bigint), ('C8', 1250::bigint)$$, 'it records its seats and their prices');
SELECT results_eq(format('SELECT seat, type_code, price_cents, state FROM api.order_lines(pg_temp.staff(), %s)', :h_order_id),
    $$VALUES ('C7', 'adult', 1250::bigint, 'held'), ('C8', 'adult', 1250::bigint, 'held')$$,
    'its lines are one held adult ticket per seat');
SELECT is((SELECT count(*)::int FROM core.ticket WHERE order_id = :h_order_id), 0,
          'written only when first needed');
SELECT is((SELECT count(*)::int FROM core.showtime_seat WHERE order_id = :h_order_id AND state = 'held'
             AND held_until = :'h_expire_at'::timestamptz), 2, 'both seat rows are held by it until expire_at');
SELECT is(pg_temp.state(:st, 'C7') || pg_temp.state(:st, 'C8') || pg_temp.state(:st, 'C9'),
          'pendingpendingavailable', 'seat_map shows them pending, the neighbour available');
SELECT is((SELECT total_cents FROM api.select_seat(pg_temp.staff(), :st, '{J10}')), 1550::bigint,
          'a premium seat costs the surcharge more');

-- all-or-nothing
SELECT is(pg_temp.orders(:st), 2, 'two orders so far');
SELECT is(pg_temp.sel(:st, '{C6,C7}'), 'unavailable', 'a free seat with a held one: unavailable');
SELECT alike((SELECT message FROM api.select_seat(pg_temp.staff(), :st, '{C6,C7,C8}')), '%C7, C8%',
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
SELECT alike((SELECT message FROM api.select_seat(pg_temp.staff(), :st, '{D1,Z99,ZZ1}')), '%Z99, ZZ1%',
            'the answer names the labels that are not seats');
SELECT is(pg_temp.sel(:st, '{A1}'), 'unknown_seat', 'a blocked place is not a seat for sale');
SELECT is(pg_temp.sel(:st, '{D1,A2}'), 'unknown_seat', 'a blocked place among free seats: nothing held');
SELECT is(pg_temp.sel(:small, '{H13}'), 'unknown_seat', 'a label of another hall');
SELECT is(pg_temp.sel(:st, ARRAY['D1''; DELETE FROM core.orders; --']), 'unknown_seat', 'SQL as a label');
SELECT is(pg_temp.sel(:st, ARRAY['']), 'unknown_seat', 'a blank label');
SELECT is(pg_temp.sel(:st, ARRAY[repeat('D', 10000)]), 'unknown_seat', 'a 10 000 character label');
SELECT is(pg_temp.sel(:st, ARRAY['D١']), 'unknown_seat', 'a label with a non-ASCII digit');
SELECT is(pg_temp.sel(:st, (SELECT array_agg('E' || n) FROM generate_series(1, 11) n)), 'too_many_seats',
          '11 seats: more than max_seats_per_hold');
SELECT is(pg_temp.sel(:st, '{D1}', repeat('0', 64)), 'no_session', 'a forged session');
SELECT is(pg_temp.orders(:st), 3, 'none of the refusals made an order');
SELECT is(pg_temp.state(:st, 'D1'), 'available', 'D1 is still available');
SELECT is((SELECT count(*)::int FROM core.showtime_seat WHERE showtime_id = :st AND state <> 'available'), 4,
          'only the four seats held so far are taken');

-- what is accepted
SELECT is(pg_temp.sel(:st, (SELECT array_agg('E' || n) FROM generate_series(1, 10) n)), 'held', '10 seats at once');
SELECT is(pg_temp.sel(:st, '{" d1 ",d2}'), 'held', 'lower case labels with spaces around them');
SELECT is(pg_temp.state(:st, 'D1') || pg_temp.state(:st, 'D2'), 'pendingpending', 'are the right seats');
SELECT is(pg_temp.sel(:st, '{T1,T4}', :'sb'), 'held', 'wheelchair and companion places, for a customer');
SELECT is(pg_temp.sel(:small, '{C7}'), 'held', 'C7 of another showtime is another seat');

-- seat_map after a sale
SELECT api.payment(pg_temp.staff(), :h_order_id, '{"method":"cash","amount_cents":2500}') \g /dev/null
SELECT is(pg_temp.state(:st, 'C7') || pg_temp.state(:st, 'C8'), 'soldsold', 'paid seats show as sold');
SELECT is((SELECT count(*)::int FROM api.seat_map(:st) WHERE status <> 'available'), 18,
           'seat_map counts exactly the taken seats');

-- How long a hold lasts: the setting, or less if the session asks for less.
SELECT unalike(pg_temp.plan_of('SELECT core.hold_interval(5)'),
              '%hold_interval%', 'core.hold_interval is inlined');
SET LOCAL marquee.hold_minutes = '600';
SELECT is(core.hold_interval(8), interval '8 minutes', 'a terminal cannot ask for more than the setting');
SET LOCAL marquee.hold_minutes = '0.5';
SELECT is(core.hold_interval(8), interval '30 seconds', 'a terminal may ask for less');
SET LOCAL marquee.hold_minutes = '0';
SELECT is(core.hold_interval(8), interval '0.6 seconds', 'never less than 0.01 minutes');
SET LOCAL marquee.hold_minutes = 'nonsense';
SELECT is(core.hold_interval(3), interval '3 minutes', 'a nonsense request is the setting');
RESET marquee.hold_minutes;

-- One seat: a free one is taken by the writing statement; anything else is
-- left to the lock, which says why or takes over a hold that ran out.
RESET marquee.hold_minutes;
SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{ f3 }') \gset d_
SELECT is(:'d_selection_status'::text, 'held', 'a free single seat is held');
SELECT is((SELECT hold_seats FROM core.orders WHERE order_id = :d_order_id),
          ARRAY[(SELECT seat_id FROM core.seat s JOIN core.showtime st USING (auditorium_id)
                  WHERE st.showtime_id = :st AND s.label = 'F3')],
          'its order records the seat');
SELECT is((SELECT total_cents::bigint FROM core.orders WHERE order_id = :d_order_id), :d_total_cents::bigint,
          'and the total answered');
SELECT is((SELECT message FROM api.select_seat(pg_temp.staff(), :st, '{F3}')), 'already taken: F3',
          'a held single seat is refused by name');
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{Q99}')), 'unknown_seat',
          'a label not in the hall is not a seat');
SET LOCAL marquee.hold_minutes = '0.01';
SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{F5}') \gset e_
SELECT api.set_ticket_types(pg_temp.staff(), :e_order_id, '{"F5": "child"}') \g /dev/null
SELECT pg_sleep(0.7);
RESET marquee.hold_minutes;
SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{F5}') \gset f_
SELECT is(:'f_selection_status'::text, 'held', 'a single seat whose hold ran out is taken over');
SELECT is((SELECT string_agg(state, ',') FROM core.ticket WHERE order_id = :e_order_id), 'held',
          'the ticket of the hold that ran out is left to its own order');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :f_order_id,
                  jsonb_build_object('method', 'cash', 'amount_cents', :f_total_cents))), 'success',
          'the order that took the seat over pays for it');
SELECT is((SELECT string_agg(state, ',') FROM core.ticket WHERE order_id = :e_order_id) || '/' ||
          (SELECT string_agg(state, ',') FROM core.ticket WHERE order_id = :f_order_id), 'released/sold',
          'its sale released the old ticket and sold its own');

-- the session's staff member, account and session are recorded with each hold
SELECT order_id AS by_cashier FROM api.select_seat(:'sc', :st, ARRAY['C1']) \gset
SELECT is((SELECT staff_id || '|' || coalesce(user_id::text, '-') || '|' || (session_id IS NOT NULL)
             FROM core.orders WHERE order_id = :by_cashier),
          current_setting('tap.cashier') || '|-|true', 'a hold records the cashier selling it, and its session');
SELECT order_id AS by_guest FROM api.select_seat(:'ga', :st, ARRAY['C2']) \gset
SELECT is((SELECT count(*)::int FROM core.orders WHERE order_id = :by_guest AND staff_id IS NULL AND user_id IS NULL
              AND session_id = (SELECT session_id FROM core.session WHERE token_digest = core.digest(:'ga', 'sha256'))),
          1, 'a guest''s hold records its session only');

SELECT * FROM finish();
ROLLBACK;
