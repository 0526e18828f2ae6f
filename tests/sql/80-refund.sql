-- 80-refund.sql - api.cancel: an unpaid order releases its seats, a paid one
-- is refunded in full while the cancellation window is open, never twice,
-- and only by its owner.
BEGIN;
\set day 407
\ir fixture.psql
SELECT plan(29);

CREATE FUNCTION pg_temp.hold(st bigint, seats text[], usr text DEFAULT NULL) RETURNS bigint
LANGUAGE sql AS $$ SELECT order_id FROM api.select_seat(coalesce(usr, pg_temp.staff()), st, seats) $$;
CREATE FUNCTION pg_temp.cancel(o bigint, usr text DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$ SELECT cancellation_status FROM api.cancel(coalesce(usr, pg_temp.staff()), o) $$;
CREATE FUNCTION pg_temp.state(st bigint, lbl text) RETURNS text
LANGUAGE sql AS $$ SELECT status FROM api.seat_map(st) WHERE seat = lbl $$;

-- unpaid
SELECT pg_temp.hold(:st, '{G1,G2}') AS o1 \gset
SELECT * FROM api.cancel(pg_temp.staff(), :o1) \gset c_
SELECT is(:'c_cancellation_status'::text || ' ' || :'c_refunded_cents', 'cancelled 0', 'an unpaid order is cancelled, nothing to refund');
SELECT is(pg_temp.state(:st, 'G1') || pg_temp.state(:st, 'G2'), 'availableavailable', 'its seats are available again');
SELECT is((SELECT status FROM core.orders WHERE order_id = :o1), 'cancelled', 'the order is cancelled');
SELECT is((SELECT count(*)::int FROM api.order_lines(pg_temp.staff(), :o1)), 0, 'it has no lines left');
SELECT is(pg_temp.cancel(:o1), 'already_cancelled', 'cancelling twice: already_cancelled');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o1, '{"method":"cash","amount_cents":2500}')), 'cancelled',
          'a cancelled order cannot be paid');
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{G1,G2}')), 'held', 'the released seats can be held again');

-- paid, inside the window
SELECT pg_temp.hold(:st, '{G5,G6}', :'sa') AS o2 \gset
SELECT api.payment(pg_temp.staff(), :o2, '{"method":"split","parts":[{"method":"cash","amount_cents":1000},{"method":"card","terminal_ref":"80-re-1","amount_cents":1500,"last4":"4242","auth_code":"A"}]}') \g /dev/null
SELECT is(pg_temp.cancel(:o2, :'sb'), 'unknown_order', 'another customer cannot cancel it: it is unknown to them');
SELECT is(pg_temp.cancel(:o2, :'ga'), 'unknown_order', 'nor can a guest');
SELECT is(pg_temp.cancel(:o2, repeat('0', 64)), 'no_session', 'nor a forged session');
SELECT is(pg_temp.state(:st, 'G5'), 'sold', 'so it stays sold');
SELECT * FROM api.cancel(:'sa', :o2) \gset r_
SELECT is(:'r_cancellation_status'::text || ' ' || :'r_refunded_cents', 'cancelled 2500', 'the owner cancels: 2500 refunded');
SELECT is((SELECT status FROM core.orders WHERE order_id = :o2), 'refunded', 'the order is refunded');
SELECT is((SELECT string_agg(p.method || r.amount_cents, ',' ORDER BY p.payment_id) FROM core.refund r JOIN core.payment p USING (payment_id)
            WHERE r.order_id = :o2), 'cash1000,card1500', 'each payment goes back the way it came');
SELECT is((SELECT array_agg(DISTINCT state) FROM core.ticket WHERE order_id = :o2), ARRAY['refunded'], 'its tickets refunded');
SELECT is(pg_temp.state(:st, 'G5') || pg_temp.state(:st, 'G6'), 'availableavailable', 'its seats are for sale again');
SELECT is((SELECT count(*)::int FROM core.outbox WHERE kind = 'refund' AND recipient = 'ada' || :day || '@example.com'), 1,
          'the customer is told');
SELECT is(pg_temp.cancel(:o2, :'sa'), 'already_refunded', 'cancelling twice: already_refunded');
SELECT is((SELECT count(*)::int FROM core.refund WHERE order_id = :o2), 2, 'and nothing more is refunded');

-- partly paid
SELECT pg_temp.hold(:st, '{G8}') AS o3 \gset
SELECT api.payment(pg_temp.staff(), :o3, '{"method":"cash","amount_cents":500,"partial":true}') \g /dev/null
SELECT is((SELECT refunded_cents FROM api.cancel(pg_temp.staff(), :o3)), 500::bigint, 'a partly paid order gives back what was paid');
SELECT is(pg_temp.state(:st, 'G8'), 'available', 'and frees its seat');

-- outside the window
SELECT pg_temp.hold(:st, '{G9}') AS o4 \gset
SELECT api.payment(pg_temp.staff(), :o4, '{"method":"cash","amount_cents":1250}') \g /dev/null
UPDATE core.setting SET value = (:day * 24 * 60 + 24 * 60)::text WHERE name = 'cancel_cutoff_minutes';
SELECT * FROM api.cancel(pg_temp.staff(), :o4) \gset l_
SELECT is(:'l_cancellation_status'::text, 'too_late', 'a paid order cannot be cancelled once refunds have closed');
SELECT alike(:'l_message'::text, '%minutes before the show', 'the answer says why');
SELECT is(pg_temp.state(:st, 'G9') || (SELECT count(*) FROM core.refund WHERE order_id = :o4), 'sold0', 'it stays sold, nothing refunded');
SELECT pg_temp.hold(:st, '{G10}') AS o5 \gset
SELECT is(pg_temp.cancel(:o5), 'cancelled', 'an unpaid hold can still be released then');
UPDATE core.setting SET value = '60' WHERE name = 'cancel_cutoff_minutes';
SELECT is(pg_temp.cancel(:o4), 'cancelled', 'with the window open again it can');

-- odd calls
SELECT is(pg_temp.cancel(-1), 'unknown_order', 'an unknown order');
SELECT is(pg_temp.cancel(NULL), 'unknown_order', 'a NULL order');
SELECT pg_temp.hold(:st, '{G11}') AS o6 \gset
SELECT api.payment(pg_temp.staff(), :o6, '{"method":"cash","amount_cents":1250}') \g /dev/null
UPDATE core.ticket SET admitted_at = now() WHERE order_id = :o6;
SELECT is(pg_temp.cancel(:o6), 'already_admitted', 'a ticket that was used cannot be refunded');

SELECT * FROM finish();
ROLLBACK;
