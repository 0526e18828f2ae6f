-- 10-settings.sql - core.setting and what follows it: the settings a hold
-- reads are kept as one typed row (core.hold_policy, which also carries
-- the seat relay's lease) that follows every change of core.setting and
-- cannot be changed by hand; the hold_commit setting: 'fast' (the default)
-- lets holds, refused holds and releases of unpaid holds commit
-- asynchronously, never payments or refunds; 'durable' leaves every commit
-- synchronous.
BEGIN;
\set day 409
\ir fixture.psql
SELECT plan(25);

-- Every change of core.setting rewrites the hold policy row; taking that
-- row first makes the files that change settings wait for each other
-- rather than deadlock.
SELECT 1 FROM core.hold_policy FOR NO KEY UPDATE \g /dev/null

SELECT is(core.setting_text('hold_commit', NULL), 'fast', 'holds commit fast by default');
SELECT order_id AS o1 FROM api.select_seat(pg_temp.staff(), :st, '{L2}') \gset
SELECT is(current_setting('synchronous_commit'), 'off', 'a fast hold commits without waiting for the disk');
SET LOCAL synchronous_commit = on;
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{L2}')), 'unavailable', 'a refusal ...');
SELECT is(current_setting('synchronous_commit'), 'off', '... locked rows too, and does not wait either');
SELECT api.payment(pg_temp.staff(), :o1, '{"method":"cash","amount_cents":1250}') \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'a payment waits for the disk, even after a fast hold');
SELECT api.cancel(pg_temp.staff(), :o1) \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'so does a refund');
SELECT order_id AS o2 FROM api.select_seat(pg_temp.staff(), :st, '{L3}') \gset
SET LOCAL synchronous_commit = on;
SELECT api.cancel(pg_temp.staff(), :o2) \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'off', 'releasing an unpaid hold may be fast too');

UPDATE core.setting SET value = 'durable' WHERE name = 'hold_commit';
SET LOCAL synchronous_commit = on;
SELECT api.select_seat(pg_temp.staff(), :st, '{L1}') \g /dev/null
SELECT is(current_setting('synchronous_commit'), 'on', 'a durable hold leaves synchronous_commit on');
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{L1}')), 'unavailable', 'a durable refusal ...');
SELECT is(current_setting('synchronous_commit'), 'on', '... too');

-- The hold policy row.
SELECT is((SELECT count(*) FROM core.hold_policy), 1::bigint, 'there is one hold policy row');
SELECT results_eq('SELECT node, hold_max, fast FROM core.hold_policy',
    $$SELECT (SELECT value::int FROM core.setting WHERE name = 'node_id'),
             (SELECT value::int FROM core.setting WHERE name = 'hold_minutes'),
             (SELECT value = 'fast' FROM core.setting WHERE name = 'hold_commit')$$,
    'it says what core.setting says');

-- It follows every change of the settings, and a hold follows it.
UPDATE core.setting SET value = '3' WHERE name = 'hold_minutes';
SELECT is((SELECT hold_max FROM core.hold_policy), 3, 'a new hold_minutes reaches the policy');
SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{E1}') \gset a_
SELECT ok(:'a_expire_at'::timestamptz BETWEEN clock_timestamp() + interval '2 minutes'
                                          AND clock_timestamp() + interval '3 minutes',
          'and a hold then lasts 3 minutes');
UPDATE core.setting SET value = 'durable' WHERE name = 'hold_commit';
SELECT is((SELECT fast FROM core.hold_policy), false, 'hold_commit durable reaches it');
UPDATE core.setting SET value = 'fast' WHERE name = 'hold_commit';
SELECT is((SELECT fast FROM core.hold_policy), true, 'and fast again');
UPDATE core.setting SET value = '42' WHERE name = 'node_id';
SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{E2}') \gset b_
SELECT is(((:b_order_id::bigint >> 12) & 1023)::int, 42, 'a new node_id is in the next order id');
DELETE FROM core.setting WHERE name = 'hold_minutes';
SELECT is((SELECT hold_max FROM core.hold_policy), 8, 'a removed hold_minutes falls back to 8 minutes');
SELECT throws_ok($$UPDATE core.setting SET value = 'soon' WHERE name = 'node_id'$$, '22P02', NULL,
                 'a node_id that is not a number is refused when it is set');
SELECT is((SELECT node FROM core.hold_policy), 42, 'and the policy keeps the last good one');
SELECT throws_ok('DELETE FROM core.hold_policy', '55000', NULL,
                 'the policy row cannot be deleted by hand ...');
SELECT throws_ok('UPDATE core.hold_policy SET hold_max = 99', '55000', NULL, '... nor changed');
SELECT throws_ok($$UPDATE core.hold_policy SET fast = NOT fast, relay_until = clock_timestamp()$$, '55000', NULL,
                 '... not even beside the relay''s lease');
SELECT lives_ok($$UPDATE core.hold_policy SET relay_holder = 0, relay_until = '-infinity'$$,
                'but the relay''s lease alone may be moved');
SELECT is((SELECT hold_max FROM core.hold_policy), 8, 'so it still says what core.setting says');


SELECT * FROM finish();
