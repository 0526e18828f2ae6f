-- 15-accounts.sql - staff and customer accounts (core.app_user), sign-in
-- with its lock-out window (core.rate_event, shared by every terminal; the
-- Argon2id check runs in the terminal), customer registration, and the
-- checks other files use: an active account, the selling staff member.

CREATE TABLE core.app_user (
    user_id    bigserial PRIMARY KEY,
    username   text UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,32}$'),
    email      text,
    full_name  text NOT NULL DEFAULT '',
    role       text NOT NULL CHECK (role IN ('customer', 'cashier', 'manager')),
    pw_hash    text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
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

-- True when p_user_id is an active account.
CREATE FUNCTION core.user_active(p_user_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM core.app_user u WHERE u.user_id = p_user_id AND u.active);
END $$;

-- The staff member selling at this terminal (SET marquee.staff_id after
-- sign-in), if that is an active cashier or manager; else NULL.
CREATE FUNCTION core.session_staff() RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := current_setting('marquee.staff_id', true);
BEGIN
    IF v IS NULL OR v !~ '^[0-9]{1,18}$' THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT u.user_id FROM core.app_user u
             WHERE u.user_id = v::bigint AND u.role IN ('cashier', 'manager') AND u.active);
END $$;

-- True when p_staff_id is an active manager.
CREATE FUNCTION core.is_manager(p_staff_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM core.app_user u
                    WHERE u.user_id = p_staff_id AND u.role = 'manager' AND u.active);
END $$;

CREATE TYPE api.login_begin_result AS (
    login_status text,       -- check | locked
    user_id      bigint,     -- NULL when there is no such active account
    pw_hash      text,       -- a hash to check the password against (a dummy one when no account)
    full_name    text,
    role         text,
    retry_after  int,        -- seconds until a locked account may try again
    message      text
);

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

-- First half of a sign-in: refuses a locked account, otherwise records the
-- attempt as a failure (until login_finish says it succeeded, so a terminal
-- that never finishes still counts) and returns the hash to check.
-- p_kind: 'staff' (by user name) or 'customer' (by e-mail).
CREATE FUNCTION core.login_begin(p_kind text, p_name text, p_terminal text)
RETURNS api.login_begin_result
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    res api.login_begin_result;
    bucket text := 'login:' || p_kind || ':' || lower(btrim(coalesce(p_name, '')));
    u core.app_user;
    lim record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(bucket, 11));
    lim := core.login_failures(bucket);
    IF lim.failures >= core.setting_int('login_max_failures', 3) THEN
        res.login_status := 'locked';
        res.retry_after := lim.retry_after;
        res.message := format('Too many wrong passwords. Locked for %s more minute(s); ask a manager.',
                              ceil(lim.retry_after / 60.0)::int);
        RETURN res;
    END IF;
    IF p_kind = 'staff' THEN
        SELECT * INTO u FROM core.app_user x
         WHERE x.username = lower(btrim(p_name)) AND x.role IN ('cashier', 'manager') AND x.active;
    ELSE
        SELECT * INTO u FROM core.app_user x
         WHERE lower(x.email) = lower(btrim(p_name)) AND x.role = 'customer' AND x.active;
    END IF;
    INSERT INTO core.rate_event (bucket, at, ok) VALUES (bucket, clock_timestamp(), false);
    res.login_status := 'check';
    res.user_id := u.user_id;
    -- With no account the terminal still checks a (never matching) hash, so
    -- both answers take the same time and look alike on screen.
    res.pw_hash := coalesce(u.pw_hash, '$argon2id$v=19$m=65536,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    res.full_name := u.full_name;
    res.role := u.role;
    RETURN res;
END $$;

-- Second half: the terminal's verdict. A success marks the attempt good (and
-- so ends the run of failures); a failure leaves it counted.
CREATE FUNCTION core.login_finish(p_kind text, p_name text, p_ok boolean)
RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_bucket text := 'login:' || p_kind || ':' || lower(btrim(coalesce(p_name, '')));
    lim record;
BEGIN
    IF p_ok THEN
        UPDATE core.rate_event e SET ok = true
         WHERE e.bucket = v_bucket
           AND e.at = (SELECT max(x.at) FROM core.rate_event x WHERE x.bucket = v_bucket);
        RETURN 'ok';
    END IF;
    lim := core.login_failures(v_bucket);
    IF lim.failures >= core.setting_int('login_max_failures', 3) THEN
        RETURN format('Wrong user name or password. Too many wrong passwords: locked for %s minute(s).',
                      ceil(lim.retry_after / 60.0)::int);
    END IF;
    RETURN format('Wrong user name or password (%s of %s tries left).',
                  core.setting_int('login_max_failures', 3) - lim.failures,
                  core.setting_int('login_max_failures', 3));
END $$;

-- Sign-in of a member of staff, first half: core.login_begin by user name.
CREATE FUNCTION api.staff_login_begin(username text, terminal text)
RETURNS api.login_begin_result
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT * FROM core.login_begin('staff', $1, $2)
$$;

-- Second half: returns 'ok', or the words to show after a wrong password.
CREATE FUNCTION api.staff_login_finish(username text, ok boolean)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT core.login_finish('staff', $1, $2)
$$;

-- Sign-in of a customer, first half: core.login_begin by e-mail address.
CREATE FUNCTION api.customer_login_begin(email text, terminal text)
RETURNS api.login_begin_result
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT * FROM core.login_begin('customer', $1, $2)
$$;

-- Second half: returns 'ok', or the words to show after a wrong password.
CREATE FUNCTION api.customer_login_finish(email text, ok boolean)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT core.login_finish('customer', $1, $2)
$$;

-- Registers a customer (the terminal hashed the password with Argon2id).
-- Returns registered | email_taken | invalid, and the new user_id.
CREATE FUNCTION api.customer_register(email text, full_name text, pw_hash text,
                                      request_id uuid DEFAULT NULL,
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
    ELSIF coalesce(pw_hash, '') !~ '^\$argon2id\$' THEN
        register_status := 'invalid'; message := 'the password hash must be Argon2id';
    ELSIF EXISTS (SELECT 1 FROM core.app_user u WHERE lower(u.email) = e) THEN
        register_status := 'email_taken'; message := 'an account with this e-mail already exists';
    ELSE
        INSERT INTO core.app_user (email, full_name, role, pw_hash)
        VALUES (e, left(coalesce(full_name, ''), 100), 'customer', pw_hash)
        RETURNING app_user.user_id INTO user_id;
        register_status := 'registered'; message := 'welcome';
    END IF;
    PERFORM core.remember(request_id, 'customer_register',
                          jsonb_build_object('register_status', register_status,
                                             'user_id', user_id, 'message', message));
END $$;
