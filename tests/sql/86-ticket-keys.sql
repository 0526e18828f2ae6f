-- 86-ticket-keys.sql - ticket keys: a device registers its public key under
-- its own database login (idempotent, another login's or a revoked key
-- refused, a few a day); print_claim takes only a live key of the calling
-- login and records it for every ticket of the issue; the owner alone
-- revokes; admit then refuses what the revoked key signed; api.ticket_keys
-- shows public keys and revocations, never who registered them. Two device
-- logins are made for the test (and rolled back with it); the calls are
-- made as them (SET SESSION AUTHORIZATION), their answers kept in psql
-- variables and checked back as the owner.
BEGIN;
\set day 486
\ir fixture.psql
SELECT plan(30);

CREATE ROLE marquee_keys86_a LOGIN IN ROLE marquee_counter;
CREATE ROLE marquee_keys86_b LOGIN IN ROLE marquee_counter;
-- Public keys: the golden test key (its id is in tests/golden's QR codes)
-- and made-up 32-byte values (the database does not check the curve).
\set pka c4d3ca084c3fb7bf81e05b5741da024ce12505c05972ac0b389863391d8ced30
SELECT encode(sha256('keys86 b'), 'hex') AS pkb \gset
SELECT order_id AS o, booking_code AS code, total_cents AS total
  FROM api.select_seat(:'sa', :st, '{K1,K2}') \gset
SELECT payment_status AS paid FROM api.payment(:'sa', :o,
       jsonb_build_object('method', 'card', 'amount_cents', :total, 'last4', '4242', 'auth_code', 'T86',
                          'terminal_ref', 'keys86')) \gset
-- A cashier who signs in at each device (counters), to print there.
SELECT 'keys86cash' || :day AS k86staff \gset
INSERT INTO core.app_user (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
VALUES (:'k86staff', 'Keys Cashier', 'cashier', repeat('5a', 16), 2, 67108864, core.proof_digest(repeat('c3', 32)));

-- ---- as device A
SET SESSION AUTHORIZATION marquee_keys86_a;
SELECT session AS ssa FROM api.sign_in(:'k86staff', repeat('c3', 32), 'kiosk-a') \gset
SELECT register_status || ' ' || key_id AS a_reg FROM api.ticket_key_register(:'pka', 'kiosk-a') \gset
SELECT register_status AS a_again FROM api.ticket_key_register(upper(:'pka'), 'kiosk-a') \gset
SELECT register_status AS a_bad FROM api.ticket_key_register('c4d3ca', 'kiosk-a') \gset
SELECT register_status AS a_rid1 FROM api.ticket_key_register(:'pkb', 'kiosk-a', 'a0000000-0000-4000-8000-000000000086') \gset
SELECT print_status AS a_nokey FROM api.print_claim(:'ssa', :'code') \gset
SELECT print_status AS a_unknown FROM api.print_claim(:'ssa', :'code', NULL, 'ffffffffffffffff') \gset
SELECT print_status AS a_claim FROM api.print_claim(:'ssa', :'code', NULL, '6369ac64dcb1816b') \gset
SELECT api.print_release(:'ssa', :'code', 'test') \g /dev/null
SELECT pg_temp.attempt($$SELECT core.ticket_key_revoke('6369ac64dcb1816b')$$) AS a_revoke,
       pg_temp.attempt('SELECT * FROM core.ticket_key_list()') AS a_list,
       pg_temp.attempt('SELECT * FROM core.ticket_key') AS a_table,
       session_user AS a_who \gset
RESET SESSION AUTHORIZATION;

SELECT is(:'a_who'::text, 'marquee_keys86_a', 'the calls above ran as device login A');
SELECT is(:'paid'::text, 'success', 'a paid booking to print');
SELECT is(:'a_reg'::text, 'registered 6369ac64dcb1816b',
          'a device registers its public key; the key id is the one its tickets name');
SELECT is((SELECT device || ' ' || terminal FROM core.ticket_key WHERE key_id = '6369ac64dcb1816b'),
          'marquee_keys86_a kiosk-a', 'the key is recorded under the login that registered it');
SELECT is(:'a_again'::text, 'registered', 'registering the same key again changes nothing');
SELECT is(:'a_bad'::text, 'malformed', 'a public key is 64 hex digits');
SELECT is(:'a_rid1'::text, 'registered', 'a second key for the same device (its rotation)');
SELECT is((SELECT count(*)::int FROM core.ticket_key WHERE device = 'marquee_keys86_a'), 2,
          'two keys, the one registered twice once');
SELECT is(:'a_nokey'::text, 'key_refused', 'a device must name the key that signs');
SELECT is(:'a_unknown'::text, 'key_refused', 'an unregistered key is refused');
SELECT is(:'a_claim'::text, 'ok', 'its own registered key may print');
SELECT is((SELECT count(*)::int FROM core.ticket_key_use u JOIN core.ticket t USING (ticket_id)
            WHERE t.order_id = :o AND u.key_id = '6369ac64dcb1816b' AND u.issue = t.issue), 2,
          'which key signs each ticket of the issue is recorded');
SELECT is(:'a_revoke'::text, '42501', 'a device cannot revoke a key');
SELECT is(:'a_list'::text, '42501', 'nor list who registered which key');
SELECT is(:'a_table'::text, '42501', 'nor read the key table');

-- ---- as device B
SET SESSION AUTHORIZATION marquee_keys86_b;
SELECT session AS ssb FROM api.sign_in(:'k86staff', repeat('c3', 32), 'kiosk-b') \gset
SELECT register_status AS b_steal FROM api.ticket_key_register(:'pka', 'kiosk-b') \gset
SELECT register_status AS b_rid FROM api.ticket_key_register(:'pkb', 'kiosk-b', 'a0000000-0000-4000-8000-000000000086') \gset
SELECT print_status AS b_other FROM api.print_claim(:'ssb', :'code', NULL, '6369ac64dcb1816b') \gset
SELECT string_agg(register_status, ',' ORDER BY i) AS b_many
  FROM generate_series(1, 6) i, api.ticket_key_register(encode(sha256(('keys86 many ' || i)::bytea), 'hex'), 'kiosk-b') \gset
SELECT string_agg(p.parameter_name::text, ',' ORDER BY p.ordinal_position) AS b_cols
  FROM information_schema.routines r
  JOIN information_schema.parameters p USING (specific_schema, specific_name)
 WHERE r.routine_schema = 'api' AND r.routine_name = 'ticket_keys' AND p.parameter_mode = 'OUT' \gset
RESET SESSION AUTHORIZATION;

SELECT is(:'b_steal'::text, 'taken', 'another device cannot register a key that is registered');
SELECT is(:'b_rid'::text, 'registered', 'a repeated request_id gets the first answer');
SELECT is((SELECT device FROM core.ticket_key WHERE public_key = decode(:'pkb', 'hex')), 'marquee_keys86_a',
          'and changes nothing');
SELECT is(:'b_other'::text, 'key_refused', 'a device cannot print with another device''s key');
SELECT is(:'b_many'::text, 'registered,registered,registered,registered,registered,limit_reached',
          'a device registers at most five keys a day');

-- ---- the owner revokes
SELECT is(core.ticket_key_revoke('6369AC64DCB1816B', 'kiosk A stolen'), 'revoked', 'the owner revokes a key');
SELECT is(core.ticket_key_revoke('6369ac64dcb1816b'), 'already_revoked', 'once');
SELECT is(core.ticket_key_revoke('0000000000000000'), 'unknown_key', 'an unknown key is said so');
SELECT is((SELECT revoked_at IS NOT NULL AND revoked_why = 'kiosk A stolen' FROM core.ticket_key_list()
            WHERE key_id = '6369ac64dcb1816b'), true, 'the list shows when and why');
SELECT is((SELECT (api.admit(t.ticket_id, :o, t.issue, :st, 'door-86')).verdict
              FROM core.ticket t WHERE t.order_id = :o ORDER BY t.ticket_id LIMIT 1),
          'revoked_key', 'the door refuses an issue the revoked key signed');

SET SESSION AUTHORIZATION marquee_keys86_a;
SELECT print_status AS a_revoked FROM api.print_claim(:'ssa', :'code', NULL, '6369ac64dcb1816b') \gset
SELECT register_status AS a_rereg FROM api.ticket_key_register(:'pka', 'kiosk-a') \gset
SELECT string_agg(k.key_id || ':' || (k.revoked_at IS NOT NULL), ',' ORDER BY k.key_id <> '6369ac64dcb1816b') AS a_keys
  FROM api.ticket_keys() k
 WHERE k.key_id IN ('6369ac64dcb1816b', left(encode(sha256(decode(:'pkb', 'hex')), 'hex'), 16)) \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'a_revoked'::text, 'key_refused', 'a revoked key prints no more');
SELECT is(:'a_rereg'::text, 'revoked', 'nor is it registered again');
SELECT is(:'a_keys'::text, '6369ac64dcb1816b:true,' || left(encode(sha256(decode(:'pkb', 'hex')), 'hex'), 16) || ':false',
          'api.ticket_keys shows every key and whether it is revoked');
SELECT is(:'b_cols'::text, 'key_id,public_key,created_at,revoked_at', 'and nothing about the devices');
SELECT is((SELECT print_status FROM api.print_claim(:'sa', :'code')), 'ok',
          'the owner, no device, may claim without naming a key');

SELECT * FROM finish();
ROLLBACK;
