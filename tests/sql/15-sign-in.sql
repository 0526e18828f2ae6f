-- 15-sign-in.sql - sign-in decided by the database: salts that reveal
-- nothing, no hash or verifier in any output, proofs checked against a
-- digest, and sessions: random, stored hashed, bound to the database login
-- that opened them, ended by sign-out and by idle or absolute expiry.
BEGIN;
\set day 422
\ir fixture.psql
SELECT plan(39);

SELECT 'ada' || :day || '@example.com' AS ada, repeat('a1', 32) AS proof, 'sqlsignin' || :day AS staff \gset
INSERT INTO core.app_user (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
VALUES (:'staff', 'Sign In', 'manager', repeat('5a', 16), 2, 67108864, core.proof_digest(repeat('c3', 32)));

-- What the database gives out.
SELECT is((SELECT salt || '|' || opslimit || '|' || memlimit FROM api.sign_in_salt(:'ada')),
          repeat('0a', 16) || '|2|67108864', 'an account''s salt and limits');
SELECT ok((SELECT salt ~ '^[0-9a-f]{32}$' AND opslimit = 2 AND memlimit = 67108864
             FROM api.sign_in_salt('nobody' || :day)),
          'an unknown login gets a well-formed salt and the default limits');
SELECT is((SELECT salt FROM api.sign_in_salt('nobody' || :day)),
          (SELECT salt FROM api.sign_in_salt(' NoBody' || :day || ' ')),
          'stable for that login (as logins are looked up: trimmed, any case)');
SELECT isnt((SELECT salt FROM api.sign_in_salt('nobody' || :day)),
            (SELECT salt FROM api.sign_in_salt('nobody2' || :day)), 'and different for another login');
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api'
              AND (EXISTS (SELECT 1 FROM unnest(p.proargnames, p.proargmodes) a(name, mode)
                            WHERE a.mode IN ('o', 't', 'b') AND a.name ~* 'hash|digest|verifier|pw_|secret')
                   OR EXISTS (SELECT 1 FROM pg_type t JOIN pg_attribute at ON at.attrelid = t.typrelid
                               WHERE t.oid = p.prorettype AND at.attnum > 0
                                 AND at.attname ~* 'hash|digest|verifier|pw_|secret'))), 0,
          'no api function has an output column for a hash, digest, verifier or secret');
SELECT is((SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api' AND p.prosrc ~ 'pw_digest|pw_salt|secret'),
          'change_password,customer_register,sign_in,sign_in_salt,staff_add',
          'only these api functions touch salts, digests or secrets (a new one fails here until it is read for leaks)');

-- Sign-in.
SELECT * FROM api.sign_in(:'ada', :'proof', 'k1') \gset si_
SELECT is(:'si_sign_in_status' || '|' || :'si_user_id' || '|' || :'si_role' || '|' || :'si_full_name',
          'ok|' || :cust || '|customer|Ada', 'the right proof signs the customer in');
SELECT ok(:'si_session' ~ '^[0-9a-f]{64}$' AND :'si_expires_at'::timestamptz > now(),
          'with a session of 256 random bits, and when it ends');
SELECT ok(position(encode((SELECT pw_digest FROM core.app_user WHERE user_id = :cust), 'hex')
                   IN (SELECT r::text FROM api.sign_in(:'ada', :'proof', 'k1') r)) = 0
          AND position(encode((SELECT pw_digest FROM core.app_user WHERE user_id = :cust), 'hex')
                       IN (SELECT r::text FROM api.sign_in_salt(:'ada') r)) = 0,
          'neither sign-in answer holds the stored digest');
SELECT is((SELECT count(*)::int FROM core.session WHERE token_digest = core.digest(:'si_session', 'sha256')
             AND db_login = session_user AND terminal = 'k1'), 1,
          'the session is stored as a digest of its token, with its database login and terminal');
SELECT is((SELECT count(*)::int FROM core.session s WHERE position(:'si_session' IN s::text) > 0), 0,
          'the token itself is stored nowhere');
SELECT is((SELECT sign_in_status FROM api.sign_in(:'ada', repeat('a2', 32), 'k1')), 'wrong', 'a wrong proof is refused');
SELECT is((SELECT sign_in_status FROM api.sign_in(:'ada', 'a1', 'k1')), 'wrong', 'so is one that is not a proof');
SELECT is((SELECT sign_in_status FROM api.sign_in('nobody' || :day, :'proof', 'k1')), 'wrong',
          'an unknown login is answered as a wrong password');
SELECT is((SELECT sign_in_status FROM api.sign_in(:'ada', :'proof', 'k1', 'staff')), 'wrong',
          'a customer cannot sign in where only staff may');
SELECT is((SELECT sign_in_status || '|' || role FROM api.sign_in(:'staff', repeat('c3', 32), 'c1', 'staff')),
          'ok|manager', 'staff sign in by user name');

-- Sessions. (The three refusals above locked Ada's login; start afresh.)
DELETE FROM core.rate_event WHERE bucket = 'login:customer:' || :'ada';
SELECT is((SELECT user_id || '|' || role || '|' || terminal FROM api.session_whoami(:'si_session')),
          :cust || '|customer|k1', 'a live session says who acts, in which role, at which terminal');
SELECT is((SELECT count(*)::int FROM api.session_whoami(repeat('0', 64))), 0, 'a forged session is refused');
SELECT is((SELECT count(*)::int FROM api.session_whoami(upper(:'si_session'))), 0,
          'and so is a token changed in any way');
SELECT * FROM api.sign_in(:'ada', :'proof', 'k1') \gset s2_
UPDATE core.session SET last_seen = statement_timestamp() - interval '31 minutes'
 WHERE token_digest = core.digest(:'s2_session', 'sha256');
SELECT is((SELECT count(*)::int FROM api.session_whoami(:'s2_session')), 0, 'a session idle too long is refused');
SELECT * FROM api.sign_in(:'ada', :'proof', 'k1') \gset s3_
UPDATE core.session SET expires_at = statement_timestamp() - interval '1 second'
 WHERE token_digest = core.digest(:'s3_session', 'sha256');
SELECT is((SELECT count(*)::int FROM api.session_whoami(:'s3_session')), 0,
          'a session past its absolute expiry is refused');
SELECT * FROM api.sign_in(:'ada', :'proof', 'k1') \gset s4_
SELECT is((SELECT signed_out FROM api.sign_out(:'s4_session')), true, 'sign-out ends a session');
SELECT is((SELECT count(*)::int FROM api.session_whoami(:'s4_session')), 0, 'a signed-out session is refused');
SELECT is((SELECT signed_out FROM api.sign_out(:'s4_session')), false, 'and cannot be ended twice');
SELECT * FROM api.sign_in_guest('k1') \gset g_
SELECT is((SELECT coalesce(user_id::text, 'none') || '|' || role FROM api.session_whoami(:'g_session')),
          'none|guest', 'a guest session is an anonymous customer');

-- Another database login (another device) cannot use a session, even one
-- of the same kind of terminal.
SELECT 'tap_other_' || :day AS other \gset
CREATE ROLE :"other" LOGIN IN ROLE marquee_kiosk;
SET LOCAL SESSION AUTHORIZATION kiosk1;
SELECT sign_in_status AS t_status, session AS t_session FROM api.sign_in(:'ada', :'proof', 'k2') \gset
SELECT count(*) AS t_own FROM api.session_whoami(:'t_session') \gset
SET LOCAL SESSION AUTHORIZATION :"other";
SELECT count(*) AS o_theirs FROM api.session_whoami(:'t_session') \gset
SELECT signed_out AS o_out FROM api.sign_out(:'t_session') \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'t_status' || '|' || :t_own, 'ok|1', 'a device signs in and uses its own session');
SELECT is(:o_theirs::int, 0, 'another database login cannot use it');
SELECT is(:'o_out'::text, 'f', 'nor end it');

-- The kind of device decides which accounts sign in there: customers at a
-- kiosk, staff at a counter. To the other kind the login has no account
-- (its salt is an unknown login's, and the right proof is wrong).
SELECT salt AS own_salt FROM api.sign_in_salt(:'staff') \gset
SET LOCAL SESSION AUTHORIZATION kiosk1;
SELECT salt AS k_salt FROM api.sign_in_salt(:'staff') \gset
SELECT sign_in_status AS k_staff FROM api.sign_in(:'staff', repeat('c3', 32), 'k3') \gset
SET LOCAL SESSION AUTHORIZATION counter1;
SELECT sign_in_status AS c_customer FROM api.sign_in(:'ada', :'proof', 'c3') \gset
SELECT sign_in_status AS c_staff FROM api.sign_in(:'staff', repeat('c3', 32), 'c3') \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'own_salt'::text, repeat('5a', 16), 'the owner reads a staff login''s own salt');
SELECT ok(:'k_salt' <> :'own_salt' AND :'k_salt' ~ '^[0-9a-f]{32}$',
          'a kiosk gets an unknown login''s salt for a staff login');
SELECT is(:'k_staff' || '|' || :'c_customer', 'wrong|wrong',
          'staff cannot sign in at a kiosk, nor customers at a counter');
SELECT is(:'c_staff'::text, 'ok', 'staff sign in at a counter');

-- Devices: made by the owner, one login each, in its kind's role; removing
-- one ends its sessions, revokes its ticket keys and drops its login.
SELECT 'tapdev' || :day AS dev \gset
SELECT is(core.device_add(:'dev', 'kiosk') || ',' || core.device_add(:'dev', 'kiosk'), 'added,exists',
          'a device is added once');
SELECT throws_ok(format('SELECT core.device_add(%L, ''counter'')', :'dev'), 'P0001', NULL,
                 'an existing device is not made another kind');
SELECT throws_ok('SELECT core.device_add(''postgres'', ''kiosk'')', 'P0001', NULL,
                 'a login that is not a device (the owner) is not taken over');
SELECT throws_ok('SELECT core.device_add(''Bad Name'', ''kiosk'')', 'P0001', NULL, 'a name that is not a plain word is refused');
SELECT throws_ok('SELECT core.device_add(''tapdev2'', ''admin'')', 'P0001', NULL, 'a kind that does not exist is refused');
SET LOCAL SESSION AUTHORIZATION :"dev";
SELECT session AS dev_session FROM api.sign_in_guest('tapdev') \gset
SELECT register_status AS dev_key FROM api.ticket_key_register(encode(sha256(:'dev'::bytea), 'hex'), 'tapdev') \gset
RESET SESSION AUTHORIZATION;
SELECT is(core.device_remove(:'dev') || ',' || core.device_remove(:'dev'), 'removed,no_device',
          'a device is removed once');
SELECT ok((SELECT ended_at IS NOT NULL FROM core.session WHERE token_digest = core.digest(:'dev_session', 'sha256'))
          AND (SELECT revoked_at IS NOT NULL FROM core.ticket_key WHERE device = :'dev')
          AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'dev'),
          'its session ended, its ticket key revoked, its login gone');

SELECT * FROM finish();
ROLLBACK;
