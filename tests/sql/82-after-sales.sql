-- 82-after-sales.sql - after the sale: api.find_booking by each key and
-- only for who may see, api.refund of chosen seats back to the tenders in
-- their stated order, the cinema's fee, the cut-off (a second either side),
-- approval by a manager's session (not a cashier's), admitted seats
-- refused, replays, card refunds settled, the booking's tickets and history.
BEGIN;
\set day 482
\ir fixture.psql
SELECT plan(65);

INSERT INTO core.app_user (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
VALUES ('cash482', 'Cass', 'cashier', repeat('0c', 16), 2, 67108864, core.proof_digest(repeat('c3', 32)))
RETURNING user_id AS cashier \gset
INSERT INTO core.app_user (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
VALUES ('boss482', 'Meg', 'manager', repeat('0d', 16), 2, 67108864, core.proof_digest(repeat('d4', 32)))
RETURNING user_id AS boss \gset
SELECT token AS cs FROM core.session_open(:cashier, 'cashier', 'till-1') \gset
SELECT token AS ms FROM core.session_open(:boss, 'manager', 'till-1') \gset
SELECT token AS ada FROM core.session_open(:cust, 'customer', 'kiosk-1') \gset
SELECT token AS bob FROM core.session_open(:cust2, 'customer', 'kiosk-1') \gset
SELECT token AS guest FROM core.session_open(NULL, 'guest', 'kiosk-1') \gset

-- A paid order of seats on showtime s held by session holder (a customer's,
-- or the cashier's for a walk-up), paid by payment p at the counter (cash
-- needs staff) through session payer.
CREATE FUNCTION pg_temp.sold(s bigint, seats text[], p jsonb, holder text, payer text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    o bigint;
BEGIN
    SELECT order_id INTO o FROM api.select_seat(holder, s, seats);
    PERFORM api.payment(payer, o, p);
    RETURN o;
END $$;
CREATE FUNCTION pg_temp.code(o bigint) RETURNS text
LANGUAGE sql AS $$ SELECT booking_code FROM core.orders WHERE order_id = o $$;
CREATE FUNCTION pg_temp.found(sess text, q text) RETURNS bigint[]
LANGUAGE sql AS $$ SELECT coalesce(array_agg(order_id ORDER BY order_id), '{}') FROM api.find_booking(sess, q) $$;
CREATE FUNCTION pg_temp.refund(sess text, o bigint, seats text[] DEFAULT NULL, why text DEFAULT NULL,
                               approver text DEFAULT NULL, rid uuid DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$ SELECT refund_status || ' ' || refunded_cents FROM api.refund(sess, o, seats, why, approver, rid) $$;
CREATE FUNCTION pg_temp.state(s bigint, lbl text) RETURNS text
LANGUAGE sql AS $$ SELECT status FROM api.seat_map(s) WHERE seat = lbl $$;

-- Three seats of Ada's, paid 10.00 cash and 27.50 by card.
SELECT pg_temp.sold(:st, '{H1,H2,H3}', '{"method":"split","parts":[{"method":"cash","amount_cents":1000},
       {"method":"card","amount_cents":2750,"last4":"4242","auth_code":"A1","terminal_ref":"T1"}]}', :'ada', :'cs') AS o1 \gset
SELECT pg_temp.code(:o1) AS c1 \gset

-- find_booking
SELECT is(pg_temp.found(:'cs', :'c1'), ARRAY[:o1]::bigint[], 'a cashier finds a booking by its code');
SELECT is(pg_temp.found(:'cs', lower(:'c1')), ARRAY[:o1]::bigint[], 'typed in lower case without the dash');
SELECT is(pg_temp.found(:'cs', ' ' || core.booking_code_pretty(:'c1') || ' '), ARRAY[:o1]::bigint[],
          'or with the dash, as screens and tickets spell it');
SELECT is(pg_temp.found(:'cs', substr(:'c1', 1, 8) || CASE WHEN substr(:'c1', 9) = 'A' THEN 'B' ELSE 'A' END),
          '{}'::bigint[], 'a mistyped code finds nothing');
SELECT ok(core.booking_code_typed(substr(:'c1', 1, 8) || CASE WHEN substr(:'c1', 9) = 'A' THEN 'B' ELSE 'A' END) IS NOT NULL
          AND core.parse_booking_code(substr(:'c1', 1, 8) || CASE WHEN substr(:'c1', 9) = 'A' THEN 'B' ELSE 'A' END) IS NULL,
          'and is told apart as a code with a wrong check symbol');
SELECT ok(:o1 = ANY (pg_temp.found(:'cs', 'ada')), 'by a part of the customer''s name');
SELECT is(pg_temp.found(:'cs', 'ADA482@example.com'), ARRAY[:o1]::bigint[], 'by the customer''s e-mail');
SELECT ok(:o1 = ANY (pg_temp.found(:'cs', '4242')) AND NOT :o1 = ANY (pg_temp.found(:'cs', '4243')),
          'by the card''s last four digits (today)');
SELECT ok(:o1 = ANY (pg_temp.found(:'cs', '4242 ' || current_date)) AND :o1 = ANY (pg_temp.found(:'cs', '4242 today'))
          AND NOT :o1 = ANY (pg_temp.found(:'cs', '4242 yesterday'))
          AND NOT :o1 = ANY (pg_temp.found(:'cs', '4343 today')),
          'and the day it paid: another day or other digits do not find it');
SELECT is(pg_temp.found(:'cs', '#' || :st), ARRAY[:o1]::bigint[], 'by showtime: its orders');
SELECT is((SELECT seats::text || ' ' || status || ' ' || title FROM api.find_booking(:'cs', :'c1')),
          '{H1,H2,H3} success ' || (SELECT title FROM core.movie WHERE movie_id = (SELECT min(movie_id) FROM core.movie)),
          'a booking found says its seats, its state and its film');
SELECT is(pg_temp.found(:'ada', :'c1'), ARRAY[:o1]::bigint[], 'a customer finds their own booking');
SELECT is(pg_temp.found(:'bob', :'c1') || pg_temp.found(:'bob', 'Ada'), '{}'::bigint[],
          'another customer finds nothing of it, by code or by name');
SELECT is(pg_temp.found(:'guest', :'c1'), '{}'::bigint[], 'nor does a guest');
SELECT is(pg_temp.found('no-such-session', :'c1'), '{}'::bigint[], 'nor a dead session');

-- Refund one seat, then another, then the last: card first, then cash.
SELECT * FROM api.refund(:'cs', :o1, '{h2}', 'changed plans') \gset r_
SELECT is(:'r_refund_status' || ' ' || :'r_refunded_cents' || ' ' || :'r_cash_cents' || ' ' || :'r_order_status',
          'refunded 1250 0 part_refunded', 'one seat of three: 12.50 back, all of it to the card');
SELECT is((:'r_card_refunds'::jsonb)->0->>'amount_cents', '1250', 'the terminal is told the card refund to make');
SELECT is((:'r_card_refunds'::jsonb)->0->>'card_key', 'refund-' || :o1 || '-' || ((:'r_card_refunds'::jsonb)->0->>'refund_id'),
          'under an idempotency key of its own');
SELECT is(pg_temp.state(:st, 'H2') || ' ' || pg_temp.state(:st, 'H1'), 'available sold', 'the refunded seat is for sale again, the others sold');
SELECT is((SELECT string_agg(seat || '=' || state, ' ') FROM api.booking_tickets(:'cs', :o1)), 'H1=sold H2=refunded H3=sold',
          'the booking shows each seat''s state');
SELECT is(pg_temp.refund(:'cs', :o1, '{H2}'), 'unknown_seat 0', 'a seat refunded already is not refunded again');
SELECT is(pg_temp.refund(:'cs', :o1, '{H9}'), 'unknown_seat 0', 'nor a seat of another booking');
SELECT is((SELECT status FROM api.find_booking(:'cs', :'c1')), 'part_refunded', 'the booking reads part refunded');
SELECT is(pg_temp.refund(:'cs', :o1, '{H1}'), 'refunded 1250', 'a second seat');
SELECT * FROM api.refund(:'cs', :o1) \gset r_
SELECT is(:'r_refund_status' || ' ' || :'r_refunded_cents' || ' ' || :'r_cash_cents' || ' ' || :'r_order_status',
          'refunded 1250 1000 refunded', 'the rest: 2.50 left on the card, then 10.00 cash out of the drawer');
SELECT is((SELECT string_agg(p.method || r.amount_cents, ',' ORDER BY r.refund_id) FROM core.refund r JOIN core.payment p USING (payment_id)
            WHERE r.order_id = :o1), 'card1250,card1250,card250,cash1000', 'money in = money refunded, tender by tender');
SELECT is((SELECT status FROM core.orders WHERE order_id = :o1), 'refunded', 'with every seat refunded the order is refunded');
SELECT is(pg_temp.refund(:'cs', :o1), 'already_refunded 0', 'and refunding it again does nothing');
SELECT is((SELECT count(*)::int FROM core.outbox WHERE kind = 'refund' AND recipient = 'ada482@example.com'
             AND subject = 'Refund for booking ' || core.booking_code_pretty(:'c1')), 3, 'Ada hears of each refund, the code spelt with its dash');

-- Card refunds settled by the terminal, once.
SELECT (:'r_card_refunds'::jsonb)->0->>'refund_id' AS rf \gset
SELECT is((SELECT string_agg(amount_cents || ' ' || last4 || ' ' || charge_ref, ',' ORDER BY refund_id)
             FROM api.refund_cards_owed(:'cs', :o1)), '1250 4242 T1,1250 4242 T1,250 4242 T1',
          'the card refunds owed, for the terminal to make');
SELECT is((SELECT count(*)::int FROM api.refund_cards_owed(:'bob', :o1)), 0, 'only to who may act on the order');
SELECT is((SELECT settle_status FROM api.refund_card_done(:'cs', :rf, true, 'R9')), 'settled', 'the terminal settles a card refund');
SELECT is((SELECT settle_status FROM api.refund_card_done(:'cs', :rf, false)), 'already_settled', 'once');
SELECT is((SELECT settle_status FROM api.refund_card_done(:'bob', :rf, true)), 'unknown_refund', 'nobody else settles it');
SELECT is((SELECT count(*)::int FROM api.refund_cards_owed(:'cs', :o1)), 2, 'a settled one is owed no more');

-- Who may refund.
SELECT pg_temp.sold(:st, '{H4}', '{"method":"card","amount_cents":1250,"last4":"1111","auth_code":"A2","terminal_ref":"T2"}', :'ada', :'ada') AS o2 \gset
SELECT is(pg_temp.refund(:'bob', :o2), 'unknown_order 0', 'another customer cannot refund it');
SELECT is(pg_temp.refund(:'guest', :o2), 'unknown_order 0', 'nor a guest');
SELECT is(pg_temp.refund('dead', :o2), 'not_signed_in 0', 'nor a dead session');
SELECT is(pg_temp.refund(:'ada', :o2), 'refunded 1250', 'its customer cancels it inside the policy, back to the card');
SELECT pg_temp.sold(:st, '{H5}', '{"method":"cash","amount_cents":1250}', :'ada', :'cs') AS o3 \gset
SELECT is(pg_temp.refund(:'ada', :o3), 'ask_at_counter 0', 'cash is given back only at the counter');
SELECT is(pg_temp.state(:st, 'H5'), 'sold', 'so the seat stays sold');

-- An admitted seat is not refunded.
UPDATE core.ticket SET admitted_at = now() FROM core.seat s
 WHERE core.ticket.order_id = :o3 AND s.seat_id = core.ticket.seat_id AND s.label = 'H5';
SELECT is(pg_temp.refund(:'cs', :o3), 'already_admitted 0', 'a seat admitted at the door is not refunded');
SELECT is((SELECT string_agg(seat || '=' || state, ' ') FROM api.booking_tickets(:'cs', :o3)), 'H5=admitted',
          'and shows as admitted');

-- The cinema's fee per ticket.
INSERT INTO core.refund_policy (location_id, fee_cents)
SELECT a.location_id, 200 FROM core.showtime st JOIN core.auditorium a USING (auditorium_id) WHERE st.showtime_id = :st;
SELECT pg_temp.sold(:st, '{H6,H7}', '{"method":"cash","amount_cents":2500}', :'cs', :'cs') AS o4 \gset
SELECT * FROM api.refund(:'cs', :o4, '{H6}') \gset r_
SELECT is(:'r_refunded_cents' || ' ' || :'r_fee_cents' || ' ' || :'r_cash_cents', '1050 200 1050',
          'the cinema keeps its fee of 2.00 from the ticket refunded');
SELECT is((SELECT count(*)::int FROM api.find_booking(:'cs', '#' || :small)), 0, 'a showtime with no orders has none');

-- Replays: the same request_id answers the same and refunds once.
SELECT is(pg_temp.refund(:'cs', :o4, '{H7}', NULL, NULL, '82828282-8282-4828-8828-828282828282'), 'refunded 1050', 'a refund with a request_id');
SELECT is(pg_temp.refund(:'cs', :o4, '{H7}', NULL, NULL, '82828282-8282-4828-8828-828282828282'), 'refunded 1050', 'its retry answers the same');
SELECT is((SELECT count(*)::int FROM core.refund WHERE order_id = :o4), 2, 'and gives nothing back twice');

-- After the cut-off: a manager approves, with a reason, on this device.
DELETE FROM core.refund_policy;
SELECT pg_temp.sold(:st, '{J1,J2}', '{"method":"card","amount_cents":2500,"last4":"5555","auth_code":"A5","terminal_ref":"T5"}', :'ada', :'ada') AS o5 \gset
UPDATE core.setting SET value = (:day * 24 * 60 + 24 * 60)::text WHERE name = 'cancel_cutoff_minutes';
SELECT * FROM api.refund(:'cs', :o5, '{J1}') \gset r_
SELECT is(:'r_refund_status' || ' ' || :'r_refunded_cents', 'needs_approval 0', 'after the cut-off a cashier''s refund needs approval');
SELECT alike(:'r_message'::text, '%manager must approve%', 'and says so');
SELECT is(pg_temp.refund(:'ada', :o5, '{J1}'), 'too_late 0', 'a customer is simply too late');
SELECT is(pg_temp.refund(:'cs', :o5, '{J1}', 'film broke', :'cs'), 'not_manager 0', 'a cashier cannot approve it');
SELECT is(pg_temp.refund(:'cs', :o5, '{J1}', 'film broke', 'dead'), 'not_manager 0', 'nor a dead session');
SELECT is(pg_temp.refund(:'cs', :o5, '{J1}', ' ', :'ms'), 'reason_needed 0', 'a manager approves with a reason only');
SELECT is(pg_temp.state(:st, 'J1'), 'sold', 'so far nothing was refunded');
SELECT is(pg_temp.refund(:'cs', :o5, '{J1}', 'film broke', :'ms'), 'refunded 1250', 'approved by a manager''s session, the cashier refunds');
SELECT is((SELECT staff_id || ' ' || approver_id || ' ' || reason FROM core.refund_action WHERE order_id = :o5),
          :cashier || ' ' || :boss || ' film broke', 'who refunded, who approved and why are kept');
SELECT is(pg_temp.refund(:'ms', :o5, '{J2}', 'sick'), 'refunded 1250', 'a manager refunds alone, with a reason');
UPDATE core.setting SET value = '60' WHERE name = 'cancel_cutoff_minutes';

-- A second either side of the cut-off, in a hall of its own.
INSERT INTO core.auditorium (location_id, name, rows, cols) SELECT min(location_id), 'Edge482', 1, 2 FROM core.location
RETURNING auditorium_id AS hall \gset
INSERT INTO core.seat (auditorium_id, label, row_no, col_no) VALUES (:hall, 'A1', 1, 1), (:hall, 'A2', 1, 2);
INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
SELECT min(movie_id), :hall, statement_timestamp() + interval '2 hours', statement_timestamp() + interval '4 hours',
       (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard') FROM core.movie
RETURNING showtime_id AS edge \gset
SELECT pg_temp.sold(:edge, '{A1,A2}', '{"method":"cash","amount_cents":2500}', :'cs', :'cs') AS o6 \gset
UPDATE core.showtime SET starts_at = statement_timestamp() + interval '60 minutes 1 second' WHERE showtime_id = :edge;
SELECT is(pg_temp.refund(:'cs', :o6, '{A1}'), 'refunded 1250', 'one second before the cut-off a cashier refunds');
UPDATE core.showtime SET starts_at = statement_timestamp() + interval '60 minutes' - interval '1 second' WHERE showtime_id = :edge;
SELECT is(pg_temp.refund(:'cs', :o6, '{A2}'), 'needs_approval 0', 'one second after it, a manager must approve');

-- A booking's history, for staff only.
SELECT api.booking_note(:'cs', :o5, 'reprint', 'customer lost them') \g /dev/null
SELECT is((SELECT string_agg(event, ',' ORDER BY n) FROM api.booking_history(:'cs', :o5) WITH ORDINALITY h(at, event, detail, n)
            WHERE event <> 'held'),
          'paid,money back,money back,refund,refund,reprint reason', 'the history lists payments, refunds and reasons');
SELECT ok((SELECT bool_or(detail LIKE '%cash482, approved by boss482: film broke%') FROM api.booking_history(:'cs', :o5)),
          'with who refunded, who approved and why');
SELECT is((SELECT count(*)::int FROM api.booking_history(:'ada', :o5)), 0, 'a customer does not read it');
SELECT is((SELECT note_status FROM api.booking_note(:'ada', :o5, 'note', 'x')), 'not_staff', 'nor writes notes');
SELECT is((SELECT count(*)::int FROM api.booking_tickets(:'bob', :o5)), 0, 'another customer sees none of its tickets');

SELECT * FROM finish();
ROLLBACK;
