-- 80-commit.sql - the hold_commit setting: 'fast' (the default) lets holds,
-- refused holds and releases of unpaid holds commit asynchronously, never
-- payments or refunds; 'durable' leaves every commit synchronous.
BEGIN;
\set day 409
\ir fixture.psql
SELECT plan(10);

SELECT is(core.setting_text('hold_commit', NULL), 'fast', 'holds commit fast by default');
SELECT order_id AS o1 FROM api.select_seat(NULL, :st, '{L2}', 'tap') \gset
SELECT is(current_setting('synchronous_commit'), 'off', 'a fast hold commits without waiting for the disk');
SET LOCAL synchronous_commit = on;
SELECT is((SELECT selection_status FROM api.select_seat(NULL, :st, '{L2}', 'tap')), 'unavailable', 'a refusal ...');
SELECT is(current_setting('synchronous_commit'), 'off', '... locked rows too, and does not wait either');
SELECT api.payment(NULL, :o1, '{"method":"cash","amount_cents":1250}') \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'a payment waits for the disk, even after a fast hold');
SELECT api.cancel(NULL, :o1) \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'so does a refund');
SELECT order_id AS o2 FROM api.select_seat(NULL, :st, '{L3}', 'tap') \gset
SET LOCAL synchronous_commit = on;
SELECT api.cancel(NULL, :o2) \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'off', 'releasing an unpaid hold may be fast too');

UPDATE core.setting SET value = 'durable' WHERE name = 'hold_commit';
SET LOCAL synchronous_commit = on;
SELECT api.select_seat(NULL, :st, '{L1}', 'tap') \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'a durable hold leaves synchronous_commit on');
SELECT is((SELECT selection_status FROM api.select_seat(NULL, :st, '{L1}', 'tap')), 'unavailable', 'a durable refusal ...');
SELECT is(current_setting('synchronous_commit'), 'on', '... too');

SELECT * FROM finish();
ROLLBACK;
