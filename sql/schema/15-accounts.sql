-- 15-accounts.sql - staff and customer accounts (core.app_user), sign-in
-- decided here (the terminal sends an Argon2id proof; the database keeps
-- only its SHA-256 digest, compares, counts failures per account and per
-- device in a sliding window, core.rate_event, and issues a session),
-- sessions (core.session: random tokens stored hashed, bound to the database
-- login that opened them, idle and absolute expiry), password changes and
-- resets, customer registration, and the checks other files use: an active
-- account, the person behind a session, the rate limits' counts.
--
-- A proof is lower-case hex of libsodium crypto_pwhash (32 bytes,
-- Argon2id13) of the password, with the account's salt (16 bytes, hex) and
-- limits. It is as good as the password for signing in, so it is never
-- stored: core.proof_digest(proof) is.

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA core;

CREATE TABLE core.app_user (
    user_id    bigserial PRIMARY KEY,
    username   text UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,32}$'),
    email      text,
    full_name  text NOT NULL DEFAULT '',
    role       text NOT NULL CHECK (role IN ('customer', 'cashier', 'supervisor', 'manager')),
    pw_salt    text NOT NULL CHECK (pw_salt ~ '^[0-9a-f]{32}$'),
    pw_opslimit bigint NOT NULL CHECK (pw_opslimit BETWEEN 1 AND 16),
    pw_memlimit bigint NOT NULL CHECK (pw_memlimit BETWEEN 8192 AND 1073741824),
    pw_digest  bytea NOT NULL CHECK (length(pw_digest) = 32),
    active     boolean NOT NULL DEFAULT true,
    -- a one-time password (a new account, a reset): the next sign-in must
    -- change it (api.sign_in_must_change)
    must_change boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'customer' OR username IS NOT NULL),
    CHECK (role <> 'customer' OR email IS NOT NULL)
);
CREATE UNIQUE INDEX app_user_email_idx ON core.app_user (lower(email));

-- Sliding-window rate limits shared by all terminals (logins, ...).
CREATE TABLE core.rate_event (
    bucket text NOT NULL,
    at     timestamptz NOT NULL DEFAULT now(),
    ok     boolean NOT NULL
);
CREATE INDEX rate_event_idx ON core.rate_event (bucket, at);

-- Secrets of this database, readable by the owner alone: 'login_salt' keys
-- the salts that unknown logins are answered with.
CREATE TABLE core.secret (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);
INSERT INTO core.secret (name, value) VALUES ('login_salt', core.gen_random_bytes(32));

-- Sessions the database issued. token_digest is SHA-256 of the token the
-- terminal holds; user_id is NULL for a guest; db_login is the database
-- login (device) that opened it, the only one that may use it.
CREATE TABLE core.session (
    session_id   bigserial PRIMARY KEY,
    token_digest bytea NOT NULL UNIQUE CHECK (length(token_digest) = 32),
    user_id      bigint REFERENCES core.app_user,
    role         text NOT NULL CHECK (role IN ('guest', 'customer', 'cashier', 'supervisor', 'manager')),
    terminal     text NOT NULL DEFAULT '',
    db_login     name NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT statement_timestamp(),
    last_seen    timestamptz NOT NULL DEFAULT statement_timestamp(),
    expires_at   timestamptz NOT NULL,
    ended_at     timestamptz,
    CHECK ((role = 'guest') = (user_id IS NULL))
);
CREATE INDEX session_user_idx ON core.session (user_id) WHERE ended_at IS NULL;

-- The one-way digest kept of a proof (NULL when it is not 64 hex digits).
CREATE FUNCTION core.proof_digest(p_proof text) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_proof ~ '^[0-9a-fA-F]{64}$'
                THEN core.digest(convert_to(lower(p_proof), 'UTF8'), 'sha256') END
$$;

-- True when salt, opslimit and memlimit are what an account may have.
CREATE FUNCTION core.pw_params_ok(p_salt text, p_opslimit bigint, p_memlimit bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(p_salt ~ '^[0-9a-f]{32}$' AND p_opslimit BETWEEN 1 AND 16
                    AND p_memlimit BETWEEN 8192 AND 1073741824, false)
$$;

-- A login as accounts are looked up: staff by user name, customers by
-- e-mail (a login with an @), both trimmed and in lower case.
CREATE FUNCTION core.login_norm(p_login text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT lower(btrim(coalesce(p_login, '')))
$$;

-- The rate bucket of a login's sign-in attempts.
CREATE FUNCTION core.login_bucket(p_login text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'login:' || CASE WHEN strpos(core.login_norm(p_login), '@') > 0 THEN 'customer:' ELSE 'staff:' END
           || core.login_norm(p_login)
$$;

-- The kind of device this database login is (kiosk, counter or door: the
-- role it is a direct member of), or NULL for any other login (the owner,
-- tests). Membership is read from pg_auth_members, not pg_has_role, which
-- answers true for a superuser whatever the role.
CREATE FUNCTION core.device_kind() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT min(substr(g.rolname, 9)) FROM pg_auth_members m
      JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles d ON d.oid = m.member
     WHERE d.rolname = session_user AND g.rolname IN ('marquee_kiosk', 'marquee_counter', 'marquee_door')
$$;

-- The account a login names (active or not), or no row. p_kind 'staff' or
-- 'customer' keeps to that kind; NULL takes either.
CREATE FUNCTION core.login_account(p_login text, p_kind text DEFAULT NULL) RETURNS SETOF core.app_user
LANGUAGE sql STABLE AS $$
    SELECT * FROM core.app_user u
     WHERE CASE WHEN strpos(core.login_norm(p_login), '@') > 0
                THEN lower(u.email) = core.login_norm(p_login) AND u.role = 'customer'
                     AND coalesce(p_kind, 'customer') = 'customer'
                ELSE u.username = core.login_norm(p_login) AND u.role IN ('cashier', 'supervisor', 'manager')
                     AND coalesce(p_kind, 'staff') = 'staff' END
$$;

-- The account a login names that may sign in on this device: a kiosk knows
-- only customers and a counter only staff; to them a login of the other
-- kind is a login with no account.
CREATE FUNCTION core.login_account_here(p_login text, p_kind text DEFAULT NULL) RETURNS SETOF core.app_user
LANGUAGE sql STABLE AS $$
    SELECT * FROM core.login_account(p_login, p_kind) u
     WHERE CASE core.device_kind() WHEN 'kiosk' THEN u.role = 'customer'
                                   WHEN 'counter' THEN u.role IN ('cashier', 'supervisor', 'manager')
                                   WHEN 'door' THEN false ELSE true END
$$;

-- Events of p_bucket in the last p_window, counted up to p_cap: a busy
-- bucket costs at most p_cap index entries.
CREATE FUNCTION core.rate_count(p_bucket text, p_window interval, p_cap int) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM (SELECT 1 FROM core.rate_event e
                                WHERE e.bucket = p_bucket AND e.at > statement_timestamp() - p_window
                                LIMIT p_cap) x
$$;

-- Failures of a bucket inside the window since its last success, and when
-- the oldest of them leaves the window.
CREATE FUNCTION core.login_failures(p_bucket text, OUT failures int, OUT retry_after int)
LANGUAGE sql STABLE AS $$
    WITH w AS (
        SELECT e.at, e.ok FROM core.rate_event e
         WHERE e.bucket = p_bucket
           AND e.at > now() - make_interval(mins => core.setting_int('login_window_minutes', 5))
    ), f AS (
        SELECT w.at FROM w
         WHERE NOT w.ok AND w.at > coalesce((SELECT max(at) FROM w WHERE ok), '-infinity')
    )
    SELECT count(*)::int,
           greatest(1, ceil(extract(epoch FROM
               min(f.at) + make_interval(mins => core.setting_int('login_window_minutes', 5)) - now()))::int)
      FROM f
$$;

-- Failed sign-ins from this database login (device) inside the window; a
-- success does not wipe them, so one device cannot guess on by signing in
-- to an account of its own between guesses.
CREATE FUNCTION core.device_failures() RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM core.rate_event e
     WHERE e.bucket = 'login-device:' || session_user AND NOT e.ok
       AND e.at > now() - make_interval(mins => core.setting_int('login_window_minutes', 5))
$$;

-- The digest a session token is kept and looked up by (SHA-256; a NULL
-- token is the empty one, which no session has). Inlined.
CREATE FUNCTION core.token_digest(p_token text) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT core.digest(coalesce(p_token, ''), 'sha256')
$$;

-- Opens a session for p_user_id (NULL: a guest) in p_role at p_terminal for
-- this database login. Returns the token (64 hex digits, 256 random bits;
-- only its digest is kept) and when the session ends at the latest.
CREATE FUNCTION core.session_open(p_user_id bigint, p_role text, p_terminal text,
                                  OUT token text, OUT expires_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    token := encode(core.gen_random_bytes(32), 'hex');
    expires_at := statement_timestamp() + make_interval(mins => core.setting_int('session_max_minutes', 720));
    INSERT INTO core.session (token_digest, user_id, role, terminal, db_login, expires_at)
    VALUES (core.token_digest(token), p_user_id, p_role, left(coalesce(p_terminal, ''), 64), session_user,
            session_open.expires_at);
END $$;

-- Who acts through a session: the session's id, account (NULL for a guest),
-- role and terminal.
CREATE TYPE core.who AS (
    session_id bigint,
    user_id    bigint,
    role       text,
    terminal   text
);

-- An account that stops being active has its sessions ended in the same
-- transaction, whoever deactivates it: a session that has not ended
-- belongs to an active account (or to a guest), so core.session_live need
-- not read the account.
CREATE FUNCTION core.user_deactivated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE core.session s SET ended_at = statement_timestamp()
     WHERE s.user_id = NEW.user_id AND s.ended_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER app_user_deactivated AFTER UPDATE OF active ON core.app_user
    FOR EACH ROW WHEN (OLD.active AND NOT NEW.active) EXECUTE FUNCTION core.user_deactivated();

-- The live session whose token has digest p_digest (core.token_digest):
-- opened by this same database login, not signed out (nor ended with its
-- account, core.user_deactivated), not past its absolute expiry nor idle
-- longer than p_idle_minutes (session_idle_minutes, which callers read from
-- core.hold_policy). One row or none. Inlined (a plain SQL function), so
-- api.select_seat decides the session in the statement that reads its
-- showtime and policy; the caller computes the digest once, as a parameter,
-- rather than in the query, where a scan of a small session table would
-- compute it for every row.
CREATE FUNCTION core.session_live(p_digest bytea, p_idle_minutes int)
RETURNS TABLE (session_id bigint, user_id bigint, role text, terminal text, last_seen timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT x.session_id, x.user_id, x.role, x.terminal, x.last_seen
      FROM core.session x
     WHERE x.token_digest = p_digest
       AND x.db_login = session_user
       AND x.ended_at IS NULL
       AND x.expires_at > statement_timestamp()
       AND x.last_seen > statement_timestamp() - make_interval(mins => p_idle_minutes)
$$;

-- True when a live session last seen at p_last_seen has its idle clock
-- restarted (core.session_seen): at most once a minute, so a busy terminal
-- does not write its session row on every call. Inlined.
CREATE FUNCTION core.session_seen_due(p_last_seen timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_last_seen < statement_timestamp() - interval '1 minute'
$$;

-- Restarts the idle clock of session p_session_id.
CREATE FUNCTION core.session_seen(p_session_id bigint) RETURNS void
LANGUAGE sql VOLATILE AS $$
    UPDATE core.session x SET last_seen = statement_timestamp() WHERE x.session_id = p_session_id
$$;

-- Who acts through p_session (core.session_live), restarting its idle
-- clock when due; else a core.who whose fields are all NULL.
CREATE FUNCTION core.session_who(p_session text) RETURNS core.who
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    d bytea := core.token_digest(p_session);
    s record;
    w core.who;
BEGIN
    SELECT l.session_id, l.user_id, l.role, l.terminal, l.last_seen INTO s
      FROM core.hold_policy h CROSS JOIN LATERAL core.session_live(d, h.session_idle) l;
    IF NOT FOUND THEN
        RETURN w;
    END IF;
    IF core.session_seen_due(s.last_seen) THEN
        PERFORM core.session_seen(s.session_id);
    END IF;
    w := ROW(s.session_id, s.user_id, s.role, s.terminal);
    RETURN w;
END $$;

-- True when w is a staff session (cashier, supervisor or manager).
CREATE FUNCTION core.is_staff(w core.who) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(w.role IN ('cashier', 'supervisor', 'manager'), false)
$$;

-- Why session w may not act in one of p_roles, or NULL when it may:
-- no_session (not a live session) or p_status (the function's own word for
-- the wrong role: not_manager, not_allowed, not_staff).
CREATE FUNCTION core.staff_refusal(w core.who, p_roles text[], p_status text DEFAULT 'not_manager') RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN w.session_id IS NULL THEN 'no_session'
                WHEN NOT coalesce(w.role = ANY (p_roles), false) THEN p_status END
$$;

-- The account of w when it is a customer's session, else NULL (inlined).
CREATE FUNCTION core.who_customer(w core.who) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN w.role = 'customer' THEN w.user_id END
$$;

-- The staff member of w when it is a staff session (cashier, supervisor or
-- manager), else NULL (inlined).
CREATE FUNCTION core.who_staff(w core.who) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN w.role IN ('cashier', 'supervisor', 'manager') THEN w.user_id END
$$;

-- The result of every sign-in.
CREATE TYPE api.sign_in_result AS (
    sign_in_status text,        -- ok | wrong | locked | busy
    session        text,
    user_id        bigint,
    role           text,
    full_name      text,
    expires_at     timestamptz,
    message        text
);

-- Sign-in, step 1: the salt and Argon2id limits of a login. A login with no
-- account gets a salt derived from it with a secret of this database and
-- the default limits: stable, well-formed, and the same shape.
CREATE FUNCTION api.sign_in_salt(login text, OUT salt text, OUT opslimit bigint, OUT memlimit bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
DECLARE
    u core.app_user;
BEGIN
    SELECT * INTO u FROM core.login_account_here(login) LIMIT 1;
    IF u.user_id IS NOT NULL THEN
        salt := u.pw_salt; opslimit := u.pw_opslimit; memlimit := u.pw_memlimit;
        RETURN;
    END IF;
    salt := left(encode(core.hmac(convert_to(core.login_norm(login), 'UTF8'),
                                  (SELECT s.value FROM core.secret s WHERE s.name = 'login_salt'), 'sha256'),
                        'hex'), 32);
    opslimit := core.setting_int('pw_opslimit', 2);
    memlimit := core.setting_int('pw_memlimit', 67108864);
END $$;

-- Sign-in, step 2: checks proof against the login's account and, when it
-- matches, opens a session at terminal. Refused (locked) while the account
-- has login_max_failures failures in the window, even with the right proof,
-- or while this device has login_device_max_failures. p_kind 'staff' or
-- 'customer' keeps to that kind of account (a kiosk signs customers in).
CREATE FUNCTION api.sign_in(login text, proof text, terminal text, kind text DEFAULT NULL)
RETURNS api.sign_in_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.sign_in_result;
    bucket text := core.login_bucket(login);
    u core.app_user;
    lim record;
    given bytea := coalesce(core.proof_digest(proof), '\x00'::bytea);
    maxf int := core.setting_int('login_max_failures', 3);
    s record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(bucket, 11));
    lim := core.login_failures(bucket);
    IF lim.failures >= maxf THEN
        res.sign_in_status := 'locked';
        res.message := format('Too many wrong passwords. Locked for %s more minute(s); ask a manager.',
                              ceil(lim.retry_after / 60.0)::int);
        RETURN res;
    END IF;
    IF core.device_failures() >= core.setting_int('login_device_max_failures', 30) THEN
        res.sign_in_status := 'busy';
        res.message := 'Too many wrong passwords at this terminal. Wait a few minutes, or ask a manager.';
        RETURN res;
    END IF;
    SELECT * INTO u FROM core.login_account_here(login, kind) x WHERE x.active LIMIT 1;
    -- Both digests are always compared, whole, and against a digest of the
    -- same length when there is no account.
    IF u.user_id IS NOT NULL AND u.pw_digest = given AND length(given) = 32 THEN
        INSERT INTO core.rate_event (bucket, at, ok) VALUES (bucket, clock_timestamp(), true);
        s := core.session_open(u.user_id, u.role, terminal);
        res.sign_in_status := 'ok';
        res.session := s.token;
        res.user_id := u.user_id;
        res.role := u.role;
        res.full_name := u.full_name;
        res.expires_at := s.expires_at;
        res.message := 'ok';
        RETURN res;
    END IF;
    PERFORM coalesce(u.pw_digest, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
            = given;
    INSERT INTO core.rate_event (bucket, at, ok)
    VALUES (bucket, clock_timestamp(), false), ('login-device:' || session_user, clock_timestamp(), false);
    lim := core.login_failures(bucket);
    res.sign_in_status := 'wrong';
    IF lim.failures >= maxf THEN
        res.message := format('Wrong user name or password. Too many wrong passwords: locked for %s minute(s).',
                              ceil(lim.retry_after / 60.0)::int);
    ELSE
        res.message := format('Wrong user name or password (%s of %s tries left).', maxf - lim.failures, maxf);
    END IF;
    RETURN res;
END $$;

-- A session for one anonymous customer at a kiosk (terminal).
CREATE FUNCTION api.sign_in_guest(terminal text,
                                  OUT sign_in_status text, OUT session text, OUT expires_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    s record;
BEGIN
    s := core.session_open(NULL, 'guest', terminal);
    sign_in_status := 'ok';
    session := s.token;
    expires_at := s.expires_at;
END $$;

-- Ends a session (of this database login). True when it was live.
CREATE FUNCTION api.sign_out(session text, OUT signed_out boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
BEGIN
    UPDATE core.session s SET ended_at = statement_timestamp()
     WHERE s.token_digest = core.token_digest(session)
       AND s.db_login = session_user AND s.ended_at IS NULL;
    signed_out := FOUND;
END $$;

-- Who a session is: one row (user_id, role, full_name, terminal) while it
-- is live for this device, else no row.
CREATE FUNCTION api.session_whoami(session text)
RETURNS TABLE (user_id bigint, role text, full_name text, terminal text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT w.user_id, w.role, coalesce(u.full_name, ''), w.terminal
      FROM core.session_who($1) w LEFT JOIN core.app_user u ON u.user_id = w.user_id
     WHERE w.session_id IS NOT NULL
$$;

-- Sets an account's salt, limits and proof digest, and whether the next
-- sign-in must change it (p_must_change: a one-time password). Returns
-- false (and changes nothing) when they are not well-formed.
CREATE FUNCTION core.password_set(p_user_id bigint, p_salt text, p_opslimit bigint, p_memlimit bigint,
                                  p_proof text, p_must_change boolean DEFAULT false) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT core.pw_params_ok(p_salt, p_opslimit, p_memlimit) OR core.proof_digest(p_proof) IS NULL THEN
        RETURN false;
    END IF;
    UPDATE core.app_user u SET pw_salt = p_salt, pw_opslimit = p_opslimit, pw_memlimit = p_memlimit,
                               pw_digest = core.proof_digest(p_proof), must_change = p_must_change
     WHERE u.user_id = p_user_id;
    RETURN FOUND;
END $$;

-- Changes the password of the session's own account: old_proof (made with
-- the current salt) must match; a wrong one counts as a failed sign-in.
-- Every other session of the account ends. Returns changed | wrong |
-- locked | no_session | invalid, with words to show.
CREATE FUNCTION api.change_password(session text, old_proof text, new_salt text, new_opslimit bigint,
                                    new_memlimit bigint, new_proof text,
                                    OUT change_status text, OUT message text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    w core.who;
    u core.app_user;
    bucket text;
BEGIN
    w := core.session_who(session);
    IF w.user_id IS NULL THEN
        change_status := 'no_session'; message := 'Sign in first.';
        RETURN;
    END IF;
    SELECT * INTO u FROM core.app_user x WHERE x.user_id = w.user_id;
    bucket := core.login_bucket(coalesce(u.username, u.email));
    PERFORM pg_advisory_xact_lock(hashtextextended(bucket, 11));
    IF (core.login_failures(bucket)).failures >= core.setting_int('login_max_failures', 3) THEN
        change_status := 'locked'; message := 'Too many wrong passwords; ask a manager.';
        RETURN;
    END IF;
    IF u.pw_digest IS DISTINCT FROM core.proof_digest(old_proof) THEN
        INSERT INTO core.rate_event (bucket, at, ok) VALUES (bucket, clock_timestamp(), false);
        change_status := 'wrong'; message := 'The current password is wrong.';
        RETURN;
    END IF;
    IF NOT core.password_set(u.user_id, new_salt, new_opslimit, new_memlimit, new_proof) THEN
        change_status := 'invalid'; message := 'The new password could not be stored.';
        RETURN;
    END IF;
    UPDATE core.session s SET ended_at = statement_timestamp()
     WHERE s.user_id = u.user_id AND s.session_id <> w.session_id AND s.ended_at IS NULL;
    change_status := 'changed'; message := 'Password changed.';
END $$;

-- The manager behind a session, or NULL.
CREATE FUNCTION core.session_manager(p_session text) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    SELECT w.user_id FROM core.session_who(p_session) w WHERE w.role = 'manager'
$$;

-- A manager sets another account's password (login: a user name or an
-- e-mail address) and lifts its lock-out; the account's sessions end, and
-- its next sign-in must change the password (a one-time password). Written
-- to core.audit_log (96-back-office.sql). Returns reset | not_manager |
-- no_account | invalid, with words to show.
CREATE FUNCTION api.admin_password_reset(session text, login text, new_salt text, new_opslimit bigint,
                                         new_memlimit bigint, new_proof text,
                                         OUT reset_status text, OUT message text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    u core.app_user;
BEGIN
    reset_status := core.staff_refusal(core.session_who(session), '{manager}');
    IF reset_status IS NOT NULL THEN
        message := 'Only a signed-in manager may reset passwords.';
        RETURN;
    END IF;
    SELECT * INTO u FROM core.login_account(login) LIMIT 1;
    IF u.user_id IS NULL THEN
        reset_status := 'no_account'; message := 'There is no such account.';
    ELSIF NOT core.password_set(u.user_id, new_salt, new_opslimit, new_memlimit, new_proof, true) THEN
        reset_status := 'invalid'; message := 'The new password could not be stored.';
    ELSE
        PERFORM core.audit(core.session_who(session), 'password_reset', jsonb_build_object('login', core.login_norm(login)));
        INSERT INTO core.rate_event (bucket, at, ok) VALUES (core.login_bucket(login), clock_timestamp(), true);
        UPDATE core.session s SET ended_at = statement_timestamp()
         WHERE s.user_id = u.user_id AND s.ended_at IS NULL;
        reset_status := 'reset'; message := 'Password set and the account unlocked.';
    END IF;
END $$;

-- A manager or a supervisor lifts a login's lock-out (written to
-- core.audit_log). Returns unlocked | not_manager | no_session.
CREATE FUNCTION api.admin_unlock(session text, login text, OUT unlock_status text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
BEGIN
    unlock_status := core.staff_refusal(core.session_who(session), '{manager,supervisor}');
    IF unlock_status IS NOT NULL THEN
        RETURN;
    END IF;
    INSERT INTO core.rate_event (bucket, at, ok) VALUES (core.login_bucket(login), clock_timestamp(), true);
    PERFORM core.audit(core.session_who(session), 'unlock', jsonb_build_object('login', core.login_norm(login)));
    unlock_status := 'unlocked';
END $$;

-- Registers a customer with the salt and limits the terminal chose and the
-- proof it made of the password (only its digest is kept; the customer
-- then signs in with api.sign_in). Returns registered | email_taken |
-- invalid, and the new user_id.
CREATE FUNCTION api.customer_register(email text, full_name text, salt text, opslimit bigint,
                                      memlimit bigint, proof text, request_id uuid DEFAULT NULL,
                                      OUT register_status text, OUT user_id bigint, OUT message text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    prev jsonb;
    e text := lower(btrim(coalesce(customer_register.email, '')));
BEGIN
    prev := core.replay(request_id, 'customer_register');
    IF prev IS NOT NULL THEN
        register_status := prev->>'register_status';
        user_id := (prev->>'user_id')::bigint;
        message := prev->>'message';
        RETURN;
    END IF;
    IF e !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' OR length(e) > 200 THEN
        register_status := 'invalid'; message := 'that does not look like an e-mail address';
    ELSIF NOT core.pw_params_ok(salt, opslimit, memlimit) OR core.proof_digest(proof) IS NULL THEN
        register_status := 'invalid'; message := 'the password proof is not well-formed';
    ELSIF EXISTS (SELECT 1 FROM core.app_user u WHERE lower(u.email) = e) THEN
        register_status := 'email_taken'; message := 'an account with this e-mail already exists';
    ELSE
        INSERT INTO core.app_user (email, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
        VALUES (e, left(coalesce(full_name, ''), 100), 'customer', salt, opslimit, memlimit,
                core.proof_digest(proof))
        RETURNING app_user.user_id INTO user_id;
        register_status := 'registered'; message := 'welcome';
    END IF;
    PERFORM core.remember(request_id, 'customer_register',
                          jsonb_build_object('register_status', register_status,
                                             'user_id', user_id, 'message', message));
END $$;

-- Devices: each kiosk, counter and door scanner logs in to the database as
-- its own login, a member of its kind's role. core.device_add makes one
-- (NOLOGIN roles and the owner's own are never taken over) and answers
-- added or exists; core.device_remove ends its sessions, revokes its ticket
-- keys (84-ticket-keys.sql), closes its connections and drops the login,
-- answering removed or no_device. Run by
-- the owner (`marquee db device`), who needs CREATEROLE.
CREATE FUNCTION core.device_add(p_name text, p_kind text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    now_kind text;
BEGIN
    IF p_kind NOT IN ('kiosk', 'counter', 'door') THEN
        RAISE EXCEPTION 'a device is a kiosk, a counter or a door, not "%"', p_kind;
    END IF;
    IF p_name !~ '^[a-z][a-z0-9_]{0,62}$' OR p_name LIKE 'marquee%' OR p_name LIKE 'pg%' THEN
        RAISE EXCEPTION 'a device name is a lower-case letter, then letters, digits or _ (not "%")', p_name;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_name) THEN
        SELECT min(substr(g.rolname, 9)) INTO now_kind FROM pg_auth_members m
          JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles d ON d.oid = m.member
         WHERE d.rolname = p_name AND g.rolname IN ('marquee_kiosk', 'marquee_counter', 'marquee_door');
        IF now_kind IS DISTINCT FROM p_kind THEN
            RAISE EXCEPTION 'database login "%" exists and is not a % device', p_name, p_kind;
        END IF;
        RETURN 'exists';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', p_name, 'marquee_' || p_kind);
    RETURN 'added';
END $$;

CREATE FUNCTION core.device_remove(p_name text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                     JOIN pg_roles d ON d.oid = m.member
                    WHERE d.rolname = p_name
                      AND g.rolname IN ('marquee_kiosk', 'marquee_counter', 'marquee_door')) THEN
        RETURN 'no_device';
    END IF;
    UPDATE core.session s SET ended_at = statement_timestamp() WHERE s.db_login = p_name AND s.ended_at IS NULL;
    UPDATE core.ticket_key k SET revoked_at = now(), revoked_why = 'device removed'
     WHERE k.device = p_name AND k.revoked_at IS NULL;
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
    PERFORM pg_terminate_backend(a.pid) FROM pg_stat_activity a WHERE a.usename = p_name;
    EXECUTE format('DROP ROLE %I', p_name);
    RETURN 'removed';
END $$;

-- The devices: name, kind, whether it may log in, its live sessions.
CREATE FUNCTION core.devices() RETURNS TABLE (name text, kind text, can_login boolean, sessions bigint)
LANGUAGE sql STABLE AS $$
    SELECT d.rolname::text, substr(g.rolname, 9), d.rolcanlogin,
           (SELECT count(*) FROM core.session s
             WHERE s.db_login = d.rolname AND s.ended_at IS NULL AND s.expires_at > statement_timestamp())
      FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles d ON d.oid = m.member
     WHERE g.rolname IN ('marquee_kiosk', 'marquee_counter', 'marquee_door')
     ORDER BY 2, 1
$$;
