-- 80-commit.sql - the hold_commit setting: 'durable' (the default) leaves
-- every commit synchronous; 'fast' lets holds and releases of unpaid holds
-- commit asynchronously, and never payments or refunds.
BEGIN;
\set day 409
\ir fixture.psql
SELECT plan(8);

SELECT is(core.setting_text('hold_commit', NULL), 'durable', 'holds are durable by default');
SELECT api.select_seat(NULL, :st, '{L1}', 'tap') \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'a durable hold leaves synchronous_commit on');

UPDATE core.setting SET value = 'fast' WHERE name = 'hold_commit';
SELECT order_id AS o1 FROM api.select_seat(NULL, :st, '{L2}', 'tap') \gset
SELECT is(current_setting('synchronous_commit'), 'off', 'a fast hold commits without waiting for the disk');
SET LOCAL synchronous_commit = on;
SELECT is((SELECT selection_status FROM api.select_seat(NULL, :st, '{L2}', 'tap')), 'unavailable', 'a refusal ...');
SELECT is(current_setting('synchronous_commit'), 'on', '... changes nothing');
SELECT api.payment(NULL, :o1, '{"method":"cash","amount_cents":1250}') \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'a payment stays synchronous');
SELECT api.cancel(NULL, :o1) \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'so does a refund');
SELECT order_id AS o2 FROM api.select_seat(NULL, :st, '{L3}', 'tap') \gset
SET LOCAL synchronous_commit = on;
SELECT api.cancel(NULL, :o2) \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'off', 'releasing an unpaid hold may be fast too');

SELECT * FROM finish();
ROLLBACK;
