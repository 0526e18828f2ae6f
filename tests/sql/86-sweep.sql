-- 86-sweep.sql - api.expire_holds sweeps the last week's open orders (one
-- range of snowflake ids) and leaves older ones alone; their holds are over
-- either way (40-expiry.sql: an expired hold is free without a sweep).
BEGIN;
\set day 411
\ir fixture.psql
SELECT plan(3);

-- A hold that ran out an hour ago, and an open order whose id says it was
-- made eight days ago (as if the sweeper had been off all that time).
SELECT order_id AS recent FROM api.select_seat(NULL, :st, '{M1}', 'tap') \gset
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
