-- 83-exchange.sql - api.exchange: seats moved to dearer seats (the
-- difference then paid through api.payment) and to a cheaper show (the
-- difference back to the card), a partial exchange keeping ticket types
-- and later refunds of both halves from the tenders behind them, a retry
-- under one request_id, admitted seats and other people refused, old
-- tickets refused at the door, the cut-off, an unpaid difference whose
-- hold runs out giving the credit back, and the money adding up.
BEGIN;
\set day 483
\ir fixture.psql
SELECT plan(47);

-- A paid order of seats on showtime s held by Ada's session, paid by p
-- at the counter.
CREATE FUNCTION pg_temp.sold(s bigint, seats text[], p jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    o bigint;
BEGIN
    SELECT order_id INTO o FROM api.select_seat(current_setting('tap.ada'), s, seats);
    PERFORM api.payment(current_setting('tap.cs'), o, p);
    RETURN o;
END $$;
SELECT set_config('tap.ada', :'sa', true), set_config('tap.cs', :'sc', true) \g /dev/null
-- A hold of seats on showtime s by the staff session sess (its new order).
CREATE FUNCTION pg_temp.hold(sess text, s bigint, seats text[]) RETURNS bigint
LANGUAGE sql AS $$ SELECT order_id FROM api.select_seat(sess, s, seats) $$;
-- Exchange seats of order o for the new seats newseats on show s, held by
-- a new cashier session: "status due refunded".
CREATE FUNCTION pg_temp.swap(o bigint, seats text[], s bigint, newseats text[], why text DEFAULT NULL,
                             approver text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    sess text := pg_temp.staff();
    r api.exchange_result;
BEGIN
    r := api.exchange(sess, o, seats, pg_temp.hold(sess, s, newseats), why, approver);
    PERFORM set_config('tap.new', coalesce(r.new_order_id, 0)::text, true);
    RETURN r.exchange_status || ' ' || r.due_cents || ' ' || r.refunded_cents;
END $$;
CREATE FUNCTION pg_temp.seats_of(o bigint) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(s.label || '=' || t.state, ' ' ORDER BY s.row_no, s.col_no)
      FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = o
$$;
CREATE FUNCTION pg_temp.state(s bigint, lbl text) RETURNS text
LANGUAGE sql AS $$ SELECT status FROM api.seat_map(s) WHERE seat = lbl $$;
-- Money in = money kept (the price of sold tickets) + money refunded, over
-- the orders of this file's shows.
CREATE FUNCTION pg_temp.money_adds_up() RETURNS text
LANGUAGE sql AS $$
    SELECT (SELECT coalesce(sum(p.amount_cents), 0) FROM core.payment p JOIN core.orders o USING (order_id)
             WHERE o.showtime_id IN (current_setting('tap.st')::bigint, current_setting('tap.small')::bigint))
           || ' = ' ||
           (SELECT coalesce(sum(t.price_cents), 0) FROM core.ticket t
             WHERE t.state = 'sold' AND t.showtime_id IN (current_setting('tap.st')::bigint,
                                                          current_setting('tap.small')::bigint))
           || ' + ' ||
           (SELECT coalesce(sum(r.amount_cents), 0) FROM core.refund r JOIN core.orders o USING (order_id)
             WHERE o.showtime_id IN (current_setting('tap.st')::bigint, current_setting('tap.small')::bigint))
$$;
SELECT set_config('tap.st', :'st', true), set_config('tap.small', :'small', true) \g /dev/null

-- Up: two standard seats (25.00 cash) to two premium seats (31.00).
SELECT pg_temp.sold(:st, '{H1,H2}', '{"method":"cash","amount_cents":2500}') AS o1 \gset
SELECT token AS s1 FROM core.session_open(current_setting('tap.cashier')::bigint, 'cashier', 'tap') \gset
SELECT pg_temp.hold(:'s1', :st, '{K6,K7}') AS n1 \gset
SELECT * FROM api.exchange(:'s1', :o1, NULL, :n1, NULL, NULL, '83838383-8383-4838-8838-838383838383') \gset x_
SELECT is(:'x_exchange_status' || ' ' || :'x_old_cents' || ' ' || :'x_new_cents' || ' ' || :'x_due_cents'
          || ' ' || :'x_order_status', 'exchanged 2500 3100 600 pending',
          'to dearer seats: the difference is due on the new order, which waits for it');
SELECT is(pg_temp.seats_of(:o1), 'H1=exchanged H2=exchanged', 'the old tickets are exchanged');
SELECT is((SELECT status FROM core.orders WHERE order_id = :o1)::text, 'exchanged', 'and so is the old booking');
SELECT is(pg_temp.state(:st, 'H1') || ' ' || pg_temp.state(:st, 'K6'), 'available pending',
          'the old seats are on sale again; the new ones held');
SELECT is((SELECT paid_cents || ' ' || total_cents FROM api.order_status(:'s1', :n1)), '2500 3100',
          'the payment screen sees the credit as paid');
SELECT is((SELECT payment_status FROM api.payment(:'s1', :n1, '{"method":"cash","amount_cents":3100}')),
          'wrong_amount', 'the whole price is not what is due');
SELECT is((SELECT payment_status FROM api.payment(:'s1', :n1, '{"method":"cash","amount_cents":600}')),
          'success', 'the difference pays it through the normal payment');
SELECT is(pg_temp.seats_of(:n1) || ' ' || pg_temp.state(:st, 'K6'), 'K6=sold K7=sold sold', 'the new seats are sold');
SELECT is((SELECT user_id FROM core.orders WHERE order_id = :n1), :cust::bigint,
          'the new booking is the customer''s, as the old one was');
SELECT is((SELECT count(*)::int FROM core.outbox WHERE kind = 'exchange' AND recipient = 'ada483@example.com'), 1,
          'the customer is told through the outbox');
SELECT is((SELECT count(*)::int FROM core.audit_log WHERE action = 'exchange' AND detail->>'to' =
           (SELECT booking_code FROM core.orders WHERE order_id = :n1)), 1, 'the exchange is in the audit trail');
SELECT ok((SELECT bool_or(event = 'exchange') FROM api.booking_history(:'sc', :o1)),
          'and in the old booking''s history');

-- A retry under the same request_id answers the same and does nothing more.
SELECT is((SELECT exchange_status || ' ' || due_cents || ' ' || new_order_id
             FROM api.exchange(:'s1', :o1, NULL, :n1, NULL, NULL, '83838383-8383-4838-8838-838383838383')),
          'exchanged 600 ' || :n1, 'a retried exchange answers as the first');
SELECT is((SELECT count(*)::int FROM core.exchange WHERE from_order_id = :o1), 1, 'and exchanges nothing twice');
SELECT is((SELECT exchange_status FROM api.exchange(:'s1', :o1, NULL, :n1)), 'not_paid',
          'without the request_id it is a new request: the old booking has nothing left');

-- The old tickets no longer open the door; the new ones are valid tickets.
SELECT is((SELECT (api.admit(t.ticket_id, t.order_id, t.issue, :st)).verdict FROM core.ticket t
            WHERE t.order_id = :o1 ORDER BY t.ticket_id LIMIT 1), 'exchanged', 'an old ticket is refused at the door');
SELECT is((SELECT (api.admit(t.ticket_id, t.order_id, t.issue, :st)).verdict FROM core.ticket t
            WHERE t.order_id = :n1 ORDER BY t.ticket_id LIMIT 1), 'wrong_day',
          'a new one is a good ticket (for its own day)');

-- Down: a premium seat paid by card (15.50) to a standard seat of another
-- show (12.50): 3.00 back to the card, the new order sold at once.
SELECT pg_temp.sold(:st, '{K8}', '{"method":"card","amount_cents":1550,"last4":"4242","auth_code":"A1","terminal_ref":"T83-1"}') AS o2 \gset
SELECT * FROM api.exchange(pg_temp.staff(), :o2, NULL, 0) \gset y_
SELECT is(:'y_exchange_status'::text, 'new_order', 'the new seats must be a hold');
SELECT is(pg_temp.swap(:o2, NULL, :small, '{A1}'), 'exchanged 0 300', 'to a cheaper show: the difference is refunded');
SELECT current_setting('tap.new')::bigint AS n2 \gset
SELECT is((SELECT status FROM core.orders WHERE order_id = :n2)::text || ' ' || pg_temp.seats_of(:n2), 'success A1=sold',
          'the new booking is paid at once');
SELECT is((SELECT r.amount_cents || ' ' || c.state || ' ' || p.terminal_ref FROM core.refund r
             JOIN core.refund_card c USING (refund_id) JOIN core.payment p USING (payment_id) WHERE r.order_id = :o2),
          '300 pending T83-1', 'to the card that paid, a card refund for the terminal to make');

-- Partial: one of three seats (a child's) to another show; its type goes
-- with it, at that show's price for it.
SELECT order_id AS o3 FROM api.select_seat(:'sa', :st, '{H5,H6,H7}') \gset
SELECT is((SELECT types_status FROM api.set_ticket_types(:'sa', :o3, '{"H6":"child"}')), 'repriced', 'a child ticket');
SELECT is((SELECT payment_status FROM api.payment(:'sc', :o3, '{"method":"cash","amount_cents":3350}')), 'success',
          'paid in cash');
SELECT is(pg_temp.swap(:o3, '{H6,H7}', :small, '{B1}'), 'seat_count 0 0', 'as many new seats as old ones');
SELECT is(pg_temp.swap(:o3, '{h6}', :small, '{B2}'), 'exchanged 0 0', 'one seat of three moves');
SELECT current_setting('tap.new')::bigint AS n3 \gset
SELECT is((SELECT t.type_code || ' ' || t.price_cents FROM core.ticket t WHERE t.order_id = :n3), 'child 850',
          'keeping its type and price');
SELECT is(pg_temp.seats_of(:o3) || ' / ' || (SELECT status FROM core.orders WHERE order_id = :o3),
          'H5=sold H6=exchanged H7=sold / success', 'the rest of the booking stays paid');
SELECT is((SELECT refund_status || ' ' || refunded_cents FROM api.refund(:'sc', :o3)), 'refunded 2500',
          'refunding the rest gives back its two seats only');
SELECT is((SELECT refund_status || ' ' || refunded_cents FROM api.refund(:'sc', :n3)), 'refunded 850',
          'refunding the moved seat gives back its price');
SELECT is((SELECT p.order_id FROM core.refund r JOIN core.payment p USING (payment_id) WHERE r.order_id = :n3),
          :o3::bigint, 'out of the cash that paid the old booking');

-- Refused: admitted seats, other people, a customer's own session.
SELECT pg_temp.sold(:st, '{H9,H10}', '{"method":"cash","amount_cents":2500}') AS o4 \gset
UPDATE core.ticket SET admitted_at = now() FROM core.seat s
 WHERE core.ticket.order_id = :o4 AND s.seat_id = core.ticket.seat_id AND s.label = 'H9';
SELECT is(pg_temp.swap(:o4, NULL, :st, '{M1,M2}'), 'already_admitted 0 0', 'an admitted seat is not exchanged');
SELECT is(pg_temp.state(:st, 'H10') || ' ' || pg_temp.state(:st, 'M1'), 'sold pending',
          'nothing moved (the new hold is still the terminal''s to release)');
SELECT is(pg_temp.swap(:o4, '{H10}', :st, '{M3}'), 'exchanged 0 0', 'the seat not admitted moves');
SELECT token AS bob FROM core.session_open(:cust2, 'customer', 'tap') \gset
SELECT is((SELECT exchange_status FROM api.exchange(:'bob', :o4, NULL, pg_temp.hold(:'bob', :st, '{M5}'))),
          'not_staff', 'another customer cannot exchange Ada''s booking');
SELECT is((SELECT exchange_status FROM api.exchange(:'sa', :o4, NULL, pg_temp.hold(:'sa', :st, '{M6}'))),
          'not_staff', 'nor can Ada herself: exchanges are made at the box office');
SELECT is((SELECT exchange_status FROM api.exchange(:'sc', :o4, NULL, pg_temp.hold(:'sa', :st, '{M7}'))),
          'new_order', 'a cashier cannot take someone else''s hold as the new seats');
SELECT is((SELECT exchange_status FROM api.exchange('no-such-session', :o4, NULL, 1)), 'not_signed_in',
          'a dead session is refused');

-- After the cut-off of the old show a manager approves, with a reason.
SELECT pg_temp.sold(:st, '{N1}', '{"method":"cash","amount_cents":1250}') AS o5 \gset
UPDATE core.setting SET value = (:day * 24 * 60 + 24 * 60)::text WHERE name = 'cancel_cutoff_minutes';
SELECT is(pg_temp.swap(:o5, NULL, :st, '{N2}'), 'needs_approval 0 0', 'after the cut-off a cashier needs approval');
SELECT is(pg_temp.swap(:o5, NULL, :st, '{N3}', NULL, :'sm'), 'reason_needed 0 0', 'a manager approves with a reason');
SELECT is(pg_temp.swap(:o5, NULL, :st, '{N4}', 'wrong day', :'sm'), 'exchanged 0 0', 'and then it is made');
SELECT is((SELECT approver_id FROM core.exchange WHERE from_order_id = :o5),
          (SELECT user_id FROM core.app_user WHERE username = 'manager'), 'who approved is kept');
UPDATE core.setting SET value = '60' WHERE name = 'cancel_cutoff_minutes';

-- A difference never paid: when the new hold runs out the credit goes back
-- to the tenders that paid the old booking.
SELECT pg_temp.sold(:st, '{P1}', '{"method":"cash","amount_cents":1250}') AS o6 \gset
SELECT is(pg_temp.swap(:o6, NULL, :st, '{K10}'), 'exchanged 300 0', 'to a dearer seat, 3.00 due');
SELECT current_setting('tap.new')::bigint AS n6 \gset
UPDATE core.orders SET held_until = now() - interval '1 second' WHERE order_id = :n6;
UPDATE core.showtime_seat SET held_until = now() - interval '1 second' WHERE order_id = :n6;
SELECT ok(api.expire_holds() >= 1, 'its hold runs out');
SELECT is((SELECT sum(r.amount_cents)::int FROM core.refund r WHERE r.order_id = :n6), 1250,
          'and the old seat''s 12.50 goes back');
SELECT is(pg_temp.state(:st, 'K10') || ' ' || pg_temp.state(:st, 'P1'), 'available available', 'no seat is kept');

SELECT is((SELECT count(*)::int FROM core.ticket t WHERE t.state IN ('exchanged', 'refunded') AND t.admitted_at IS NOT NULL
              AND t.showtime_id IN (:st, :small)), 0, 'no exchanged or refunded ticket was admitted');
SELECT ok(split_part(pg_temp.money_adds_up(), ' = ', 1)::bigint =
          split_part(split_part(pg_temp.money_adds_up(), ' = ', 2), ' + ', 1)::bigint
          + split_part(pg_temp.money_adds_up(), ' + ', 2)::bigint,
          'money in = money kept + money refunded: ' || pg_temp.money_adds_up());

SELECT * FROM finish();
ROLLBACK;
