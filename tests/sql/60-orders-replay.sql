-- 60-orders-replay.sql - every writing api call takes a request_id: a call
-- repeating one returns the first call's answer and changes nothing.
BEGIN;
\set day 408
\ir fixture.psql
SELECT plan(20);

CREATE FUNCTION pg_temp.n(st bigint) RETURNS text LANGUAGE sql AS $$
    SELECT (SELECT count(*) FROM core.orders WHERE showtime_id = st) || ' orders, '
        || (SELECT count(*) FROM core.showtime_seat WHERE showtime_id = st AND state <> 'available') || ' seats taken, '
        || (SELECT count(*) FROM core.ticket WHERE showtime_id = st) || ' tickets, '
        || (SELECT count(*) FROM core.payment p JOIN core.orders o USING (order_id) WHERE o.showtime_id = st) || ' payments, '
        || (SELECT count(*) FROM core.refund r JOIN core.orders o USING (order_id) WHERE o.showtime_id = st) || ' refunds'
$$;

-- select_seat
SELECT row_to_json(r)::text AS first FROM api.select_seat(pg_temp.staff(), :st, '{K1,K2}', '11111111-1111-4111-8111-111111111111') r \gset
SELECT (:'first'::json->>'order_id')::bigint AS o1 \gset
SELECT is(pg_temp.n(:st), '1 orders, 2 seats taken, 0 tickets, 0 payments, 0 refunds', 'the first select_seat holds two seats');
SELECT is((SELECT row_to_json(r)::text FROM api.select_seat(pg_temp.staff(), :st, '{K1,K2}', '11111111-1111-4111-8111-111111111111') r),
          :'first', 'repeating its request_id returns the very same answer');
SELECT is((SELECT row_to_json(r)::text FROM api.select_seat(pg_temp.staff(), :st, '{K7}', '11111111-1111-4111-8111-111111111111') r),
          :'first', 'even with other arguments');
SELECT is(pg_temp.n(:st), '1 orders, 2 seats taken, 0 tickets, 0 payments, 0 refunds', 'and holds nothing more');
SELECT is((SELECT status FROM api.seat_map(:st) WHERE seat = 'K7'), 'available', 'K7 was not held');

SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{K2,K3}', '22222222-2222-4222-8222-222222222222')),
          'unavailable', 'a refused select_seat ...');
SELECT api.cancel(pg_temp.staff(), :o1) \g /dev/null
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{K2,K3}', '22222222-2222-4222-8222-222222222222')),
          'unavailable', '... stays refused when repeated, even after the seats came free');
SELECT is((SELECT status FROM api.seat_map(:st) WHERE seat = 'K3'), 'available', 'and holds nothing');

-- payment
SELECT order_id AS o2 FROM api.select_seat(pg_temp.staff(), :st, '{K5}') \gset
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o2, '{"method":"cash","amount_cents":999}', '33333333-3333-4333-8333-333333333333')),
          'wrong_amount', 'a refused payment ...');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o2, '{"method":"cash","amount_cents":1250}', '33333333-3333-4333-8333-333333333333')),
          'wrong_amount', '... repeated with the right amount returns the first answer');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o2, '{"method":"cash","amount_cents":1250}', '44444444-4444-4444-8444-444444444444')),
          'success', 'a payment with a new request_id succeeds');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o2, '{"method":"cash","amount_cents":1250}', '44444444-4444-4444-8444-444444444444')),
          'success', 'repeated (the answer was lost), it says success again, not already_paid');
SELECT is(pg_temp.n(:st), '2 orders, 1 seats taken, 1 tickets, 1 payments, 0 refunds', 'and takes the money once');

-- payment_start
SELECT order_id AS o3 FROM api.select_seat(pg_temp.staff(), :st, '{K9}') \gset
SELECT expire_at AS e1 FROM api.payment_start(pg_temp.staff(), :o3, '55555555-5555-4555-8555-555555555555') \gset
SELECT pg_sleep(0.05) \g /dev/null
SELECT is((SELECT expire_at FROM api.payment_start(pg_temp.staff(), :o3, '55555555-5555-4555-8555-555555555555')), :'e1'::timestamptz,
          'a repeated payment_start returns the first expire_at');

-- cancel
SELECT is((SELECT cancellation_status || ' ' || refunded_cents FROM api.cancel(pg_temp.staff(), :o2, '66666666-6666-4666-8666-666666666666')),
          'cancelled 1250', 'a cancel refunds');
SELECT is((SELECT cancellation_status || ' ' || refunded_cents FROM api.cancel(pg_temp.staff(), :o2, '66666666-6666-4666-8666-666666666666')),
          'cancelled 1250', 'repeated, it gives the same answer, not already_refunded');
SELECT is(pg_temp.n(:st), '3 orders, 1 seats taken, 1 tickets, 1 payments, 1 refunds', 'and refunds once');

-- misuse
SELECT throws_ok($$SELECT api.cancel(pg_temp.staff(), 1, '11111111-1111-4111-8111-111111111111')$$, '22023', NULL,
                 'a request_id of a select_seat cannot be replayed as a cancel');
SELECT is((SELECT count(*)::int FROM core.request_log WHERE request_id = '11111111-1111-4111-8111-111111111111'), 1,
          'each request_id is remembered once');
SELECT count(*) AS rl FROM core.request_log \gset
SELECT api.select_seat(pg_temp.staff(), :st, '{K11}') \g /dev/null
SELECT is((SELECT count(*)::int FROM core.request_log), :rl,
          'calls without a request_id are not remembered');

SELECT * FROM finish();
ROLLBACK;
