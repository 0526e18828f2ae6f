-- 70-hold-expiry.sql - holds expire on the database clock: an expired hold
-- is free at once (seat_map, listing, select_seat), paying it fails with
-- 'expired' and sells nothing, and part payments of it are given back; the
-- sweep (api.expire_holds) closes the last week's open orders (one range of
-- snowflake ids) and leaves older ones alone, whose holds are over anyway.
-- Holds are made 2.4 s long (SET marquee.hold_minutes = '0.04': long enough
-- that a loaded machine still checks them while they last); the api
-- reads statement_timestamp(), so time moves on between the statements of
-- this one transaction.
BEGIN;
\set day 405
\ir fixture.psql
SELECT plan(40);

CREATE FUNCTION pg_temp.state(st bigint, lbl text) RETURNS text
LANGUAGE sql AS $$ SELECT status FROM api.seat_map(st) WHERE seat = lbl $$;
CREATE FUNCTION pg_temp.ostatus(o bigint) RETURNS text
LANGUAGE sql AS $$ SELECT status FROM core.orders WHERE order_id = o $$;

-- the session may ask for shorter holds, never longer ones
SET LOCAL marquee.hold_minutes = '600';
SELECT expire_at AS h1, statement_timestamp() AS h1_at FROM api.select_seat(pg_temp.staff(), :st, '{H1}') \gset
SELECT is(:'h1'::timestamptz - :'h1_at'::timestamptz, interval '8 minutes',
          'a session asking for 600 minutes gets the 8 the database allows');
SET LOCAL marquee.hold_minutes = 'nonsense';
SELECT expire_at AS h2, statement_timestamp() AS h2_at FROM api.select_seat(pg_temp.staff(), :st, '{H2}') \gset
SELECT is(:'h2'::timestamptz - :'h2_at'::timestamptz, interval '8 minutes',
          'a setting that is not a number is ignored');

SET LOCAL marquee.hold_minutes = '0.04';
SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{B1}') \gset a_
SELECT ok(:'a_expire_at'::timestamptz BETWEEN statement_timestamp() + interval '1.9 s' AND statement_timestamp() + interval '2.4 s',
          'hold_minutes 0.04 makes a 2.4 second hold');
SELECT order_id AS c FROM api.select_seat(pg_temp.staff(), :st, '{B2}') \gset
-- B1's and B2's customers chose ticket types, which wrote their tickets.
SELECT api.set_ticket_types(pg_temp.staff(), o, '{}') FROM unnest(ARRAY[:a_order_id, :c]::bigint[]) o \g /dev/null
SELECT order_id AS d FROM api.select_seat(:'sa', :st, '{B3}') \gset
SELECT order_id AS e FROM api.select_seat(pg_temp.staff(), :st, '{B5}') \gset
SELECT order_id AS g FROM api.select_seat(pg_temp.staff(), :st, '{B6}') \gset
SELECT order_id AS p FROM api.select_seat(pg_temp.staff(), :st, '{B7}') \gset
SELECT order_id AS q FROM api.select_seat(pg_temp.staff(), :st, '{B8}') \gset
SELECT api.payment(pg_temp.staff(), :q, '{"method":"cash","amount_cents":300,"partial":true}') \g /dev/null
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :d, '{"method":"cash","amount_cents":500,"partial":true}')),
          'partial', 'B3 is paid in part before its hold runs out');
SELECT is((SELECT start_status FROM api.payment_start(pg_temp.staff(), :p)), 'pending', 'payment starts on B7');
SELECT is(pg_temp.state(:st, 'B1'), 'pending', 'B1 is pending while held');
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{B1}')), 'unavailable',
          'and cannot be taken by another');
SELECT is((SELECT seats_available FROM api.listing(now() + make_interval(days => :day - 1), 2) WHERE showtime_id = :st),
          469, 'the listing counts 9 held seats');

-- Sleep until every short hold has run out (H1, H2 and B7 hold for minutes).
SELECT pg_sleep(greatest(0, extract(epoch FROM max(held_until) - clock_timestamp())) + 0.3)
  FROM core.orders WHERE showtime_id = :st AND held_until < statement_timestamp() + interval '1 minute' \g /dev/null

SELECT ok(statement_timestamp() > :'a_expire_at'::timestamptz, 'time has moved past the holds, inside this transaction');
SELECT is(pg_temp.state(:st, 'B1'), 'available', 'an expired hold shows as available at once, before any sweep');
SELECT is((SELECT seats_available FROM api.listing(now() + make_interval(days => :day - 1), 2) WHERE showtime_id = :st),
          475, 'the listing counts the expired holds as free (B7 is being paid, H1 and H2 are long)');
SELECT is(pg_temp.ostatus(:a_order_id), 'initiated', 'no sweeper has touched the expired order');

-- an expired hold is taken by another
SELECT * FROM api.select_seat(:'sb', :st, '{B1,B4}') \gset b_
SELECT is(:'b_selection_status'::text, 'held', 'another order takes the expired seat B1 (with B4)');
SELECT is((SELECT state FROM core.ticket WHERE order_id = :a_order_id), 'held',
          'the old ticket is left to its own order (its refusal or the sweep releases it)');
SELECT is((SELECT order_id FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
            WHERE ss.showtime_id = :st AND s.label = 'B1'), :b_order_id, 'B1 belongs to the new order');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :a_order_id, '{"method":"cash","amount_cents":1250}')),
          'expired', 'paying the expired order fails: expired');
SELECT is((SELECT count(*)::int FROM core.payment WHERE order_id = :a_order_id), 0, 'no payment is recorded');
SELECT is(pg_temp.ostatus(:a_order_id) || '/' || (SELECT state FROM core.ticket WHERE order_id = :a_order_id),
          'expired/released', 'the old order is now expired, and its ticket released');
SELECT is((SELECT state FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
            WHERE ss.showtime_id = :st AND s.label = 'B1'), 'held', 'B1 was not sold: the new order still holds it');
SELECT is((SELECT count(*)::int FROM core.ticket WHERE showtime_id = :st AND state = 'sold'), 0, 'nothing was sold');
SELECT is((SELECT start_status FROM api.payment_start(pg_temp.staff(), :a_order_id)), 'not_open', 'payment cannot start on it');
SELECT is((SELECT cancellation_status FROM api.cancel(pg_temp.staff(), :a_order_id)), 'already_cancelled', 'nor can it be cancelled');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :b_order_id, '{"method":"cash","amount_cents":2500}')),
          'success', 'the new order pays for B1 and B4');

-- an expired hold nobody took
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :c, '{"method":"cash","amount_cents":1250}')), 'expired',
          'paying an expired hold nobody took still fails');
SELECT is(pg_temp.state(:st, 'B2') || '/' || (SELECT state FROM core.ticket WHERE order_id = :c), 'available/released',
          'its seat is free and its ticket released');

-- an expired hold that was paid in part: the part is given back
SELECT * FROM api.payment(pg_temp.staff(), :d, '{"method":"cash","amount_cents":750}') \gset d_
SELECT is(:'d_payment_status'::text, 'expired', 'the rest of an expired, partly paid order is refused');
SELECT alike(:'d_message'::text, '%500 cents%refunded%', 'the answer says the part paid was refunded');
SELECT is((SELECT sum(amount_cents)::int FROM core.refund WHERE order_id = :d), 500, 'a refund of 500 cents is recorded');
SELECT is((SELECT sum(amount_cents)::int FROM core.payment WHERE order_id = :d), 500, 'and no new payment');

-- a payment that began "in time" finds its seat taken: it must sell nothing
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{B5}')), 'held', 'B5 is taken by another after expiry');
UPDATE core.orders SET held_until = statement_timestamp() + interval '1 hour' WHERE order_id = :e;
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :e, '{"method":"cash","amount_cents":1250}')), 'expired',
          'an order whose clock says "in time" but whose seat was taken is refused');
SELECT is((SELECT count(*)::int FROM core.payment WHERE order_id = :e), 0, 'and nothing is charged');
SELECT is(pg_temp.state(:st, 'B5'), 'pending', 'B5 stays with the order that took it');

-- payment_start gave B7 three more minutes
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :p, '{"method":"cash","amount_cents":1250}')), 'success',
          'a hold extended by payment_start can still be paid');

-- the sweeper
SELECT ok(api.expire_holds() >= 1, 'expire_holds closes expired orders');
SELECT is(pg_temp.ostatus(:g) || '/' || pg_temp.state(:st, 'B6'), 'expired/available', 'B6''s order is expired and B6 free');
SELECT is(pg_temp.ostatus(:q) || '/' || (SELECT sum(amount_cents) FROM core.refund WHERE order_id = :q),
          'expired/300', 'a partly paid order it expires gets its part payment refunded');

-- The sweep's window: a hold that ran out an hour ago, and an open order
-- whose id says it was made eight days ago (as if the sweeper had been off
-- all that time).
RESET marquee.hold_minutes;
SELECT order_id AS recent FROM api.select_seat(pg_temp.staff(), :st, '{M1}') \gset
UPDATE core.orders SET held_until = statement_timestamp() - interval '1 hour' WHERE order_id = :recent;
UPDATE core.showtime_seat SET held_until = statement_timestamp() - interval '1 hour' WHERE order_id = :recent;
SELECT (((floor(extract(epoch FROM statement_timestamp() - interval '8 days') * 1000)::bigint
          - 1704067200000) << 22) | 4095) AS old \gset
INSERT INTO core.orders (order_id, booking_code, showtime_id, status, terminal, currency,
                         total_cents, held_until)
VALUES (:old, 'OLDSWEEP1', :st, 'initiated', 'tap', 'USD', 0, statement_timestamp() - interval '8 days');

SELECT cmp_ok(api.expire_holds(), '>=', 1, 'the sweep expires the recent order ...');
SELECT is((SELECT status FROM core.orders WHERE order_id = :recent), 'expired', '... which is marked expired');
SELECT is((SELECT status FROM core.orders WHERE order_id = :old), 'initiated',
          'an open order from before the last week is left alone');

SELECT * FROM finish();
ROLLBACK;
