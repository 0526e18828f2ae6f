-- 70-hold-seat-rows.sql - a hold is written on the seat rows and the order
-- alone: the order records its seats and prices, and its tickets are
-- written by the first call that needs them (ticket types, or payment as
-- it sells), once; an order that never needs them never has any. A seat
-- whose holds ran out many times is taken over, and its live ticket
-- released by the next tickets written for it.
BEGIN;
\set day 414
\ir fixture.psql
SELECT plan(30);

CREATE FUNCTION pg_temp.tickets(o bigint) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(s.label || ' ' || t.type_code || ' ' || t.state || ' ' || t.price_cents, ', '
                               ORDER BY s.label), '')
      FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = o
$$;
CREATE FUNCTION pg_temp.seat(st bigint, lbl text) RETURNS text LANGUAGE sql AS $$
    SELECT ss.state || coalesce(' ' || ss.order_id, '') FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
     WHERE ss.showtime_id = st AND s.label = lbl
$$;

-- What a hold records: its seats in seat order (the order they were locked
-- in, whatever order they were asked in) and their prices.
SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{J11,J10}') \gset h_
SELECT is((SELECT array_agg(s.label ORDER BY x.i) FROM core.orders o,
                  unnest(o.hold_seats) WITH ORDINALITY x(seat_id, i) JOIN core.seat s USING (seat_id)
            WHERE o.order_id = :h_order_id), ARRAY['J10', 'J11'], 'the order records its seats in seat order');
SELECT is((SELECT hold_prices FROM core.orders WHERE order_id = :h_order_id), ARRAY[1550, 1550]::bigint[],
          'and their prices (premium: the adult price and the surcharge)');
SELECT is((SELECT sum(p) FROM core.orders, unnest(hold_prices) p WHERE order_id = :h_order_id),
          :h_total_cents::numeric, 'which add up to the total answered');
SELECT is(pg_temp.tickets(:h_order_id), '', 'it has no ticket');
SELECT is(pg_temp.seat(:st, 'J10'), 'held ' || :h_order_id, 'the seat rows carry it');
SELECT results_eq(format('SELECT seat, type_code, price_cents, state FROM api.order_lines(pg_temp.staff(), %s)', :h_order_id),
    $$VALUES ('J10', 'adult', 1550::bigint, 'held'), ('J11', 'adult', 1550::bigint, 'held')$$,
    'order_lines shows its held seats as adult lines');
SELECT results_eq(format('SELECT seat, ticket_id, ticket_state, status FROM api.order_tickets(pg_temp.staff(), %L)', :'h_booking_code'),
    $$VALUES ('J10', NULL::bigint, 'held', 'initiated'), ('J11', NULL, 'held', 'initiated')$$,
    'so does order_tickets, with no ticket ids yet');

-- Ticket types write the tickets, once.
SELECT is((SELECT types_status FROM api.set_ticket_types(pg_temp.staff(), :h_order_id, '{"J11":"child"}')), 'repriced',
          'choosing a child ticket for J11 ...');
SELECT is(pg_temp.tickets(:h_order_id), 'J10 adult held 1550, J11 child held 1150',
          '... writes both tickets, J11 as a child');
SELECT is((SELECT types_status FROM api.set_ticket_types(pg_temp.staff(), :h_order_id, '{"J11":"adult","J10":"child"}')), 'repriced',
          'choosing again ...');
SELECT is(pg_temp.tickets(:h_order_id), 'J10 child held 1150, J11 adult held 1550',
          '... changes those tickets and writes no more');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :h_order_id, '{"method":"cash","amount_cents":2700}')),
          'success', 'the order is paid at its new total');
SELECT is(pg_temp.tickets(:h_order_id), 'J10 child sold 1150, J11 adult sold 1550', 'its tickets are sold');

-- Paying without ticket types: payment writes the tickets as it sells.
SELECT order_id AS p FROM api.select_seat(:'sa', :st, '{K4,K5}') \gset
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :p, '{"method":"cash","amount_cents":1000,"partial":true}')),
          'partial', 'a part payment ...');
SELECT is(pg_temp.tickets(:p), '', '... writes no ticket');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :p, '{"method":"cash","amount_cents":1500}')),
          'success', 'paying the rest sells the order');
SELECT is(pg_temp.tickets(:p), 'K4 adult sold 1250, K5 adult sold 1250', 'with an adult ticket per seat at its held price');
SELECT is(pg_temp.seat(:st, 'K4') || ', ' || pg_temp.seat(:st, 'K5'), 'sold ' || :p || ', sold ' || :p,
          'and its seat rows sold to it');

-- An order that never needs tickets never has any.
SELECT order_id AS c FROM api.select_seat(pg_temp.staff(), :st, '{L1}') \gset
SELECT is((SELECT cancellation_status FROM api.cancel(pg_temp.staff(), :c)), 'cancelled', 'a cancelled hold ...');
SELECT is(pg_temp.tickets(:c) || '/' || pg_temp.seat(:st, 'L1'), '/available', '... leaves no ticket and a free seat');

-- A hold that ran out and was taken over: the taker has the seat, the old
-- order has no lines and cannot be paid.
SET LOCAL marquee.hold_minutes = '0.01';
SELECT order_id AS old FROM api.select_seat(pg_temp.staff(), :st, '{M2}') \gset
RESET marquee.hold_minutes;
SELECT pg_sleep(0.7) \g /dev/null
SELECT order_id AS taker FROM api.select_seat(pg_temp.staff(), :st, '{M2}') \gset
SELECT is(pg_temp.seat(:st, 'M2'), 'held ' || :taker, 'the seat of a hold that ran out is taken over');
SELECT is((SELECT count(*)::int FROM api.order_lines(pg_temp.staff(), :old)), 0, 'the old order has no lines left');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :old, '{"method":"cash","amount_cents":1250}')), 'expired',
          'paying it fails: expired');
SELECT is(pg_temp.tickets(:old) || '/' || pg_temp.seat(:st, 'M2'), '/held ' || :taker,
          'and writes no ticket: the seat is still the taker''s');

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
        SELECT order_id INTO o FROM api.select_seat(pg_temp.staff(), st, '{F7}');
        PERFORM api.set_ticket_types(pg_temp.staff(), o, '{}');
        UPDATE core.showtime_seat SET held_until = statement_timestamp() - interval '1 second'
         WHERE showtime_id = st AND order_id = o;
    END LOOP;
END $$;
SELECT order_id AS taker FROM api.select_seat(pg_temp.staff(), :st, '{F7}') \gset
SELECT is((SELECT count(*)::int FROM core.ticket t JOIN core.seat s USING (seat_id)
            WHERE t.showtime_id = :st AND s.label = 'F7' AND t.state = 'released'), 4,
          'four run-out holds'' tickets were released as the next hold wrote its own');
SELECT is((SELECT count(*)::int FROM core.ticket t JOIN core.seat s USING (seat_id)
            WHERE t.showtime_id = :st AND s.label = 'F7' AND t.state IN ('held', 'sold')
              AND t.order_id <> :taker), 1,
          'the last one''s is left to its order: taking the seat over writes no ticket');
SELECT is((SELECT string_agg(seat || ' ' || state, ',') FROM api.order_lines(pg_temp.staff(), :taker)), 'F7 held',
          'its one line is F7');
SELECT is((SELECT ss.order_id FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
            WHERE ss.showtime_id = :st AND s.label = 'F7'), :taker::bigint, 'and so is the seat');
SELECT api.set_ticket_types(pg_temp.staff(), :taker, '{}') \g /dev/null
SELECT is((SELECT string_agg(t.state, ',' ORDER BY t.state) FROM core.ticket t JOIN core.seat s USING (seat_id)
            WHERE t.showtime_id = :st AND s.label = 'F7' AND (t.state <> 'released' OR t.order_id <> :taker)),
          'held,released,released,released,released,released',
          'the taker''s tickets released the last old one: one live ticket, its own');

-- Writing the tickets of a hold that took a seat over reads that seat's
-- live ticket, not every live ticket of the showtime (a generic plan for
-- the seats as a list did).
SELECT count(api.set_ticket_types(pg_temp.staff(), h.order_id, '{}'))
  FROM generate_series(1, 30) n, LATERAL api.select_seat(pg_temp.staff(), :st, ARRAY['H' || n]) h \g /dev/null
UPDATE core.showtime_seat ss SET held_until = statement_timestamp() - interval '1 second'
  FROM core.seat s WHERE s.seat_id = ss.seat_id AND ss.showtime_id = :st AND s.label = 'H1';
SELECT order_id AS h1 FROM api.select_seat(pg_temp.staff(), :st, '{H1}') \gset
SELECT idx_tup_fetch AS before FROM pg_stat_xact_user_tables WHERE relid = 'core.ticket'::regclass \gset
SELECT api.set_ticket_types(pg_temp.staff(), :h1, '{}') \g /dev/null
SELECT cmp_ok((SELECT idx_tup_fetch FROM pg_stat_xact_user_tables WHERE relid = 'core.ticket'::regclass)
              - :before, '<=', 4::bigint,
              'H1''s new tickets read H1''s old live ticket, not the showtime''s 30');

SELECT * FROM finish();
ROLLBACK;
