-- 92-accounts.sql - staff and customer accounts: sign-in (the terminal
-- checks the Argon2id hash; the database keeps the lock-out window, shared
-- by every terminal: failures in the window since the last success lock
-- the name, and an attempt counts from its start until it is finished),
-- customer registration (replayed by request_id) and a customer's sign-in.
BEGIN;
\set day 420
\ir fixture.psql
SELECT plan(16);

SELECT pw_hash AS hash FROM core.app_user WHERE username = 'cashier' \gset
SELECT 'sqltest' || :day AS u, 'sqltesttwo' || :day AS v, 'pat' || :day || '@example.com' AS e \gset
INSERT INTO core.app_user (username, full_name, role, pw_hash) VALUES (:'u', 'SQL Test', 'cashier', :'hash');

-- Staff sign-in: three failures in the window lock the name, at every terminal.
SELECT is((SELECT login_status || ' ' || (user_id IS NOT NULL) FROM api.staff_login_begin(:'u', 't1')), 'check true',
          'a sign-in begins with the hash to check');
SELECT is(api.staff_login_finish(:'u', false), 'Wrong user name or password (2 of 3 tries left).',
          'a wrong password says how many tries are left');
SELECT api.staff_login_begin(:'u', 't2') \g /dev/null
SELECT is(api.staff_login_finish(:'u', true), 'ok', 'a right one at another terminal signs in');
SELECT api.staff_login_begin(:'u', 't1') \g /dev/null
SELECT is(api.staff_login_finish(:'u', false), 'Wrong user name or password (2 of 3 tries left).',
          'a success ends the run of failures: the next one has two tries left again');
SELECT api.staff_login_begin(:'u', 't2') \g /dev/null
SELECT is(api.staff_login_finish(:'u', false), 'Wrong user name or password (1 of 3 tries left).',
          'then one');
SELECT api.staff_login_begin(:'u', 't3') \g /dev/null
SELECT alike(api.staff_login_finish(:'u', false), '%locked for%', 'the third failure locks the name');
SELECT is((SELECT login_status || '|' || (pw_hash IS NULL) || '|' || (retry_after > 0)
             FROM api.staff_login_begin(:'u', 't9')), 'locked|true|true',
          'a locked name gets no hash, and is told when to try again, at any terminal');
-- A terminal that never calls finish still counts: begin records the attempt.
SELECT api.staff_login_begin(:'v', 't1') FROM generate_series(1, 3) \g /dev/null
SELECT is((SELECT login_status FROM api.staff_login_begin(:'v', 't1')), 'locked',
          'attempts never finished count as failures');
-- The window slides: failures older than login_window_minutes do not count.
UPDATE core.rate_event SET at = at - interval '6 minutes' WHERE bucket = 'login:staff:' || :'v';
SELECT is((SELECT login_status FROM api.staff_login_begin(:'v', 't1')), 'check',
          'failures that left the window no longer lock the name');

-- Customers.
SELECT register_status AS r_status, user_id AS r_uid
  FROM api.customer_register(:'e', 'Pat', :'hash', '88888888-8888-4888-8888-888888888888') \gset
SELECT is(:'r_status'::text, 'registered', 'a customer registers with an e-mail address and an Argon2id hash');
SELECT is((SELECT register_status || '|' || user_id
             FROM api.customer_register(:'e', 'Pat', :'hash', '88888888-8888-4888-8888-888888888888')),
          'registered|' || :r_uid, 'the same request_id again returns the same account');
SELECT is((SELECT register_status FROM api.customer_register(upper(:'e'), 'Pat', :'hash')), 'email_taken',
          'the same e-mail in another case is taken');
SELECT is((SELECT register_status FROM api.customer_register('nope', 'Pat', :'hash')), 'invalid',
          'a text that is not an e-mail address is refused');
SELECT is((SELECT register_status FROM api.customer_register('x' || :'e', 'Pat', 'plaintext')), 'invalid',
          'a password that is not an Argon2id hash is refused');
SELECT is((SELECT user_id FROM api.customer_login_begin(:'e', 'k1')), :r_uid::bigint,
          'the customer signs in by e-mail');
SELECT api.customer_login_finish(:'e', true) AS c_finish \gset
SELECT is(:'c_finish' || '|' || (SELECT string_agg(ok::text, ',') FROM core.rate_event
                                  WHERE bucket = 'login:customer:' || :'e'),
          'ok|true', 'and the terminal''s verdict (right password) is recorded against the attempt');

SELECT * FROM finish();
ROLLBACK;
