-- 92-accounts.sql - staff and customer accounts: the lock-out window of
-- sign-in (failures in the window since the last success lock the login at
-- every terminal, even against the right proof; the window slides; one
-- device has a budget of failures of its own), customer registration
-- (replayed by request_id; a proof's digest is stored), changing one's own
-- password, and a manager's reset and unlock.
BEGIN;
\set day 420
\ir fixture.psql
SELECT plan(28);

SELECT 'sqltest' || :day AS u, 'sqltesttwo' || :day AS v, 'pat' || :day || '@example.com' AS e,
       repeat('c3', 32) AS good, repeat('c4', 32) AS bad, repeat('5a', 16) AS salt \gset
INSERT INTO core.app_user (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
VALUES (:'u', 'SQL Test', 'cashier', :'salt', 2, 67108864, core.proof_digest(:'good')),
       (:'v', 'SQL Two', 'cashier', :'salt', 2, 67108864, core.proof_digest(:'good'));
SELECT user_id AS mgr FROM core.app_user WHERE username = 'manager' \gset
INSERT INTO core.session (token_digest, user_id, role, db_login, expires_at)
VALUES (core.digest(repeat('d1', 32), 'sha256'), :mgr, 'manager', session_user, now() + interval '1 hour'),
       (core.digest(repeat('d2', 32), 'sha256'), (SELECT user_id FROM core.app_user WHERE username = :'u'),
        'cashier', session_user, now() + interval '1 hour');
SELECT repeat('d1', 32) AS mgr_session, repeat('d2', 32) AS cashier_session \gset

-- Three failures in the window lock the login, at every terminal.
SELECT is((SELECT message FROM api.sign_in(:'u', :'bad', 't1')), 'Wrong user name or password (2 of 3 tries left).',
          'a wrong proof says how many tries are left');
SELECT is((SELECT count(*)::int FROM core.rate_event WHERE bucket = 'login:staff:' || :'u' AND NOT ok), 1,
          'and is counted against the account');
SELECT is((SELECT sign_in_status FROM api.sign_in(:'u', :'good', 't2')), 'ok', 'a right one at another terminal signs in');
SELECT is((SELECT message FROM api.sign_in(:'u', :'bad', 't1')), 'Wrong user name or password (2 of 3 tries left).',
          'a success ends the run of failures: the next one has two tries left again');
SELECT is((SELECT message FROM api.sign_in(:'u', :'bad', 't2')), 'Wrong user name or password (1 of 3 tries left).',
          'then one');
SELECT alike((SELECT message FROM api.sign_in(:'u', :'bad', 't3')), '%locked for%', 'the third failure locks the login');
SELECT is((SELECT sign_in_status || '|' || (session IS NULL) FROM api.sign_in(:'u', :'good', 't9')), 'locked|true',
          'then even the right proof is refused, at any terminal, with no session');
SELECT alike((SELECT message FROM api.sign_in(:'u', :'good', 't9')), 'Too many wrong passwords. Locked for % more minute(s)%',
          'and told when to try again');
-- The window slides: failures older than login_window_minutes do not count.
UPDATE core.rate_event SET at = at - interval '6 minutes' WHERE bucket = 'login:staff:' || :'u';
SELECT is((SELECT sign_in_status FROM api.sign_in(:'u', :'good', 't1')), 'ok',
          'failures that left the window no longer lock the login');
-- One device's failures over all logins are limited too.
UPDATE core.setting SET value = '4' WHERE name = 'login_device_max_failures';
SELECT api.sign_in('nobody' || g || '-' || :day, :'bad', 't1') FROM generate_series(1, 4) g \g /dev/null
SELECT is((SELECT sign_in_status FROM api.sign_in(:'v', :'good', 't1')), 'busy',
          'a device with too many failures in the window may not try again, whatever the login');
UPDATE core.setting SET value = '30' WHERE name = 'login_device_max_failures';

-- Customers.
SELECT register_status AS r_status, user_id AS r_uid
  FROM api.customer_register(:'e', 'Pat', :'salt', 2, 67108864, :'good', '88888888-8888-4888-8888-888888888888') \gset
SELECT is(:'r_status'::text, 'registered', 'a customer registers with an e-mail address, a salt, limits and a proof');
SELECT is((SELECT register_status || '|' || user_id
             FROM api.customer_register(:'e', 'Pat', :'salt', 2, 67108864, :'good', '88888888-8888-4888-8888-888888888888')),
          'registered|' || :r_uid, 'the same request_id again returns the same account');
SELECT is((SELECT pw_digest FROM core.app_user WHERE user_id = :r_uid), core.proof_digest(:'good'),
          'only the proof''s digest is stored');
SELECT is((SELECT register_status FROM api.customer_register(upper(:'e'), 'Pat', :'salt', 2, 67108864, :'good')),
          'email_taken', 'the same e-mail in another case is taken');
SELECT is((SELECT register_status FROM api.customer_register('nope', 'Pat', :'salt', 2, 67108864, :'good')), 'invalid',
          'a text that is not an e-mail address is refused');
SELECT is((SELECT register_status FROM api.customer_register('x' || :'e', 'Pat', :'salt', 2, 67108864, 'secret')),
          'invalid', 'a password that is not a proof is refused');
SELECT is((SELECT register_status FROM api.customer_register('x' || :'e', 'Pat', 'abc', 2, 67108864, :'good')),
          'invalid', 'so is a salt that is not 16 bytes of hex');
SELECT is((SELECT user_id FROM api.sign_in(:'e', :'good', 'k1', 'customer')), :r_uid::bigint,
          'the customer signs in by e-mail');

-- Changing one's own password.
SELECT session AS pat FROM api.sign_in(:'e', :'good', 'k1') \gset
SELECT session AS pat_other FROM api.sign_in(:'e', :'good', 'k2') \gset
SELECT is((SELECT change_status FROM api.change_password(:'pat', :'bad', repeat('6b', 16), 2, 67108864, repeat('e5', 32))),
          'wrong', 'a wrong current password changes nothing');
SELECT is((SELECT count(*)::int FROM core.rate_event WHERE bucket = 'login:customer:' || :'e' AND NOT ok), 1,
          'and counts as a failed sign-in');
SELECT is((SELECT change_status FROM api.change_password(:'pat', :'good', repeat('6b', 16), 2, 67108864, repeat('e5', 32))),
          'changed', 'the right one sets the new salt and proof');
SELECT is((SELECT salt FROM api.sign_in_salt(:'e')) || '|' || (SELECT sign_in_status FROM api.sign_in(:'e', repeat('e5', 32), 'k1')),
          repeat('6b', 16) || '|ok', 'the new password signs in');
SELECT is((SELECT count(*)::int FROM api.session_whoami(:'pat_other')), 0, 'and the account''s other sessions ended');
SELECT is((SELECT change_status FROM api.change_password(repeat('0', 64), :'good', :'salt', 2, 67108864, :'good')),
          'no_session', 'without a session nothing changes');

-- A manager resets and unlocks.
SELECT api.sign_in(:'v', :'bad', 't1') FROM generate_series(1, 3) \g /dev/null
SELECT is((SELECT reset_status FROM api.admin_password_reset(:'cashier_session', :'v', :'salt', 2, 67108864, repeat('f6', 32))),
          'not_manager', 'a cashier cannot reset a password');
SELECT is((SELECT reset_status FROM api.admin_password_reset(:'mgr_session', :'v', :'salt', 2, 67108864, repeat('f6', 32))),
          'reset', 'a manager can');
SELECT is((SELECT sign_in_status FROM api.sign_in(:'v', repeat('f6', 32), 't1')), 'ok',
          'which unlocks the login and sets its password');
SELECT api.sign_in(:'v', :'bad', 't1') FROM generate_series(1, 3) \g /dev/null
SELECT is((SELECT unlock_status FROM api.admin_unlock(:'cashier_session', :'v')) || '|'
          || (SELECT unlock_status FROM api.admin_unlock(:'mgr_session', :'v')) || '|'
          || (SELECT sign_in_status FROM api.sign_in(:'v', repeat('f6', 32), 't1')),
          'not_manager|unlocked|ok', 'only a manager unlocks a login');

SELECT * FROM finish();
ROLLBACK;
