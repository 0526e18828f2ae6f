-- 010_screens.sql - what the counter and kiosk screens need beyond the booking
-- api: staff and customer sign-in (the Argon2id check runs in the terminal
-- with libsodium; the lock-out window lives here, shared by every terminal),
-- ticket types and repricing of a held order, listing with filters, a
-- customer's bookings and receipts by e-mail (sent by `marquee notify`, 040).

INSERT INTO core.setting (name, value, description) VALUES
  ('login_max_failures', '3', 'failed sign-ins in the window before an account is locked'),
  ('login_window_minutes', '5', 'sliding window of the sign-in lock-out')
ON CONFLICT (name) DO NOTHING;

-- ---------------------------------------------------------------- sign-in

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

CREATE FUNCTION api.staff_login_begin(username text, terminal text)
RETURNS api.login_begin_result
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT * FROM core.login_begin('staff', $1, $2)
$$;

-- Returns 'ok', or the words to show after a wrong password.
CREATE FUNCTION api.staff_login_finish(username text, ok boolean)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT core.login_finish('staff', $1, $2)
$$;

CREATE FUNCTION api.customer_login_begin(email text, terminal text)
RETURNS api.login_begin_result
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT * FROM core.login_begin('customer', $1, $2)
$$;

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

-- A customer's bookings, newest show first, with their seats.
CREATE FUNCTION api.my_bookings(user_id bigint)
RETURNS TABLE (order_id bigint, booking_code text, status text, title text,
               starts_at timestamptz, location text, auditorium text, seats text,
               total_cents bigint, currency text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT o.order_id, o.booking_code, o.status, m.title, st.starts_at, l.name, a.name,
           (SELECT string_agg(s.label, ' ' ORDER BY s.row_no, s.col_no)
              FROM core.ticket t JOIN core.seat s USING (seat_id)
             WHERE t.order_id = o.order_id AND t.state IN ('sold', 'held', 'refunded')),
           o.total_cents, o.currency::text
      FROM core.orders o
      JOIN core.showtime st USING (showtime_id)
      JOIN core.movie m USING (movie_id)
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     WHERE o.user_id = $1 AND o.status IN ('success', 'refunded')
     ORDER BY st.starts_at DESC
     LIMIT 50
$$;

-- ---------------------------------------------------------------- listing

-- The listing, narrowed by what is typed (words, prefixes, parts of titles:
-- api.search; "#123" is showtime 123), a cinema, a time of day (morning | afternoon | evening |
-- night, in the cinema's time zone) and a day.
CREATE FUNCTION api.listing_filtered(query text DEFAULT '', p_location_id bigint DEFAULT NULL,
                                     p_time_of_day text DEFAULT NULL, p_day date DEFAULT NULL,
                                     p_days int DEFAULT 14)
RETURNS TABLE (showtime_id bigint, movie_id bigint, title text, starts_at timestamptz,
               location text, auditorium text, seats_total int, seats_available int,
               rating text, runtime_min int, price_cents bigint, currency text,
               location_id bigint, time_of_day text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT l.showtime_id, l.movie_id, l.title, l.starts_at, l.location, l.auditorium,
           l.seats_total, l.seats_available, l.rating, l.runtime_min, l.price_cents, l.currency,
           l.location_id, tod.t
      FROM api.listing(NULL, p_days, p_location_id) l
      JOIN core.location loc ON loc.location_id = l.location_id
      CROSS JOIN LATERAL (SELECT CASE
                   WHEN extract(hour FROM l.starts_at AT TIME ZONE loc.timezone) < 12 THEN 'morning'
                   WHEN extract(hour FROM l.starts_at AT TIME ZONE loc.timezone) < 17 THEN 'afternoon'
                   WHEN extract(hour FROM l.starts_at AT TIME ZONE loc.timezone) < 21 THEN 'evening'
                   ELSE 'night' END AS t) tod
     WHERE (coalesce(btrim(query), '') = ''
            OR (btrim(query) ~ '^#[0-9]{1,18}$' AND l.showtime_id = substr(btrim(query), 2)::bigint)
            OR (btrim(query) !~ '^#' AND l.movie_id IN (SELECT s.movie_id FROM api.search(query) s)))
       AND (p_time_of_day IS NULL OR p_time_of_day = '' OR tod.t = lower(p_time_of_day))
       AND (p_day IS NULL OR (l.starts_at AT TIME ZONE loc.timezone)::date = p_day)
     ORDER BY l.starts_at, l.location, l.auditorium
$$;

CREATE FUNCTION api.locations()
RETURNS TABLE (location_id bigint, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT location_id, name FROM core.location ORDER BY name
$$;

-- ---------------------------------------------------------------- prices

-- Ticket types on sale for a showtime and their base price (a premium seat
-- adds its surcharge: seat_surcharges).
CREATE FUNCTION api.ticket_types(showtime_id bigint)
RETURNS TABLE (type_code text, name text, price_cents bigint, currency text, sort int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT t.type_code, t.name, p.amount_cents, pp.currency::text, t.sort
      FROM core.showtime st
      JOIN core.price_plan pp USING (price_plan_id)
      JOIN core.price p ON p.price_plan_id = st.price_plan_id
      JOIN core.ticket_type t ON t.type_code = p.type_code
     WHERE st.showtime_id = $1
     ORDER BY t.sort, t.type_code
$$;

-- The tickets of an order: seat, type, price.
CREATE FUNCTION api.order_lines(order_id bigint)
RETURNS TABLE (seat text, type_code text, price_cents bigint, kind text, state text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT s.label, t.type_code, t.price_cents, s.kind, t.state
      FROM core.ticket t JOIN core.seat s USING (seat_id)
     WHERE t.order_id = $1 AND t.state IN ('held', 'sold')
     ORDER BY s.row_no, s.col_no
$$;

CREATE TYPE api.set_ticket_types_result AS (
    types_status text,       -- repriced | unknown_order | not_open | expired | paid_in_part |
                             -- unknown_seat | unknown_type
    total_cents  bigint,
    expire_at    timestamptz,
    message      text
);

-- Sets the ticket type of seats of a held order ({"F12":"child", ...}) and
-- reprices it; the database decides every price. Seats not named keep their
-- type. All or nothing.
CREATE FUNCTION api.set_ticket_types(order_id bigint, types jsonb, request_id uuid DEFAULT NULL)
RETURNS api.set_ticket_types_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.set_ticket_types_result;
    prev jsonb;
    o core.orders;
    k text;
    v text;
    tid bigint;
BEGIN
    prev := core.replay(request_id, 'set_ticket_types');
    IF prev IS NOT NULL THEN
        RETURN jsonb_populate_record(NULL::api.set_ticket_types_result, prev);
    END IF;
    SELECT * INTO o FROM core.orders x WHERE x.order_id = set_ticket_types.order_id FOR UPDATE;
    IF NOT FOUND THEN
        res.types_status := 'unknown_order'; res.message := 'no such order';
    ELSIF o.status NOT IN ('initiated', 'pending') THEN
        res.types_status := 'not_open'; res.message := 'this order is no longer open';
    ELSIF o.held_until <= now() THEN
        res.types_status := 'expired'; res.message := 'the hold on these seats has expired';
    ELSIF EXISTS (SELECT 1 FROM core.payment p WHERE p.order_id = o.order_id) THEN
        res.types_status := 'paid_in_part'; res.message := 'part of this order is paid; prices are fixed';
    ELSIF jsonb_typeof(types) IS DISTINCT FROM 'object' THEN
        res.types_status := 'unknown_seat'; res.message := 'types must map seats to ticket types';
    END IF;
    IF res.types_status IS NULL THEN
        FOR k, v IN SELECT key, value FROM jsonb_each_text(types) LOOP
            SELECT t.ticket_id INTO tid
              FROM core.ticket t JOIN core.seat s USING (seat_id)
             WHERE t.order_id = o.order_id AND t.state = 'held' AND s.label = upper(btrim(k));
            IF tid IS NULL THEN
                res.types_status := 'unknown_seat'; res.message := 'not a seat of this order: ' || k;
                EXIT;
            END IF;
            IF core.seat_price(o.showtime_id, (SELECT seat_id FROM core.ticket WHERE ticket_id = tid), v) IS NULL THEN
                res.types_status := 'unknown_type'; res.message := 'no such ticket type here: ' || coalesce(v, 'null');
                EXIT;
            END IF;
            UPDATE core.ticket t SET type_code = v, price_cents = core.seat_price(o.showtime_id, t.seat_id, v)
             WHERE t.ticket_id = tid;
        END LOOP;
        IF res.types_status IS NOT NULL THEN
            -- all or nothing: undo what this call changed, keep the answer
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = res.types_status, DETAIL = res.message;
        END IF;
        UPDATE core.orders x SET total_cents = (SELECT sum(t.price_cents) FROM core.ticket t
                                                 WHERE t.order_id = o.order_id AND t.state = 'held')
         WHERE x.order_id = o.order_id
        RETURNING x.total_cents INTO res.total_cents;
        res.expire_at := o.held_until;
        res.types_status := 'repriced'; res.message := 'repriced';
    END IF;
    PERFORM core.remember(request_id, 'set_ticket_types', to_jsonb(res));
    RETURN res;
EXCEPTION WHEN raise_exception THEN
    GET STACKED DIAGNOSTICS res.types_status = MESSAGE_TEXT, res.message = PG_EXCEPTION_DETAIL;
    PERFORM core.remember(request_id, 'set_ticket_types', to_jsonb(res));
    RETURN res;
END $$;

-- The order as the payment screen needs it: status, total, what is paid and
-- seconds left on the hold by the database clock.
CREATE FUNCTION api.order_status(order_id bigint)
RETURNS TABLE (status text, total_cents bigint, paid_cents bigint, booking_code text,
               held_until timestamptz, seconds_left int, currency text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT o.status, o.total_cents,
           (SELECT coalesce(sum(p.amount_cents), 0)::bigint FROM core.payment p WHERE p.order_id = o.order_id),
           o.booking_code, o.held_until,
           greatest(0, ceil(extract(epoch FROM o.held_until - now())))::int, o.currency::text
      FROM core.orders o WHERE o.order_id = $1
$$;

-- ---------------------------------------------------------------- e-mail

-- Queues an e-mailed receipt of a paid order. Returns queued | not_paid |
-- invalid_email | unknown_order.
CREATE FUNCTION api.email_receipt(order_id bigint, email text, request_id uuid DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    prev jsonb;
    o core.orders;
    r text;
    e text := lower(btrim(coalesce(email, '')));
BEGIN
    prev := core.replay(request_id, 'email_receipt');
    IF prev IS NOT NULL THEN RETURN prev #>> '{}'; END IF;
    SELECT * INTO o FROM core.orders x WHERE x.order_id = email_receipt.order_id;
    IF NOT FOUND THEN
        r := 'unknown_order';
    ELSIF o.status <> 'success' THEN
        r := 'not_paid';
    ELSIF e !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' OR length(e) > 200 THEN
        r := 'invalid_email';
    ELSE
        INSERT INTO core.outbox (kind, recipient, subject, body)
        SELECT 'receipt', e, 'Your receipt: booking ' || o.booking_code,
               format(E'Booking %s\n%s\n%s, %s\nSeats: %s\nPaid: %s.%s %s\n',
                      o.booking_code, m.title, to_char(st.starts_at, 'Dy DD Mon YYYY HH24:MI'),
                      l.name || ' ' || a.name,
                      (SELECT string_agg(s.label || ' ' || t.type_code, ', ' ORDER BY s.row_no, s.col_no)
                         FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = o.order_id
                          AND t.state = 'sold'),
                      o.total_cents / 100, lpad((o.total_cents % 100)::text, 2, '0'), o.currency)
          FROM core.showtime st JOIN core.movie m USING (movie_id)
          JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
          JOIN core.location l ON l.location_id = a.location_id
         WHERE st.showtime_id = o.showtime_id;
        r := 'queued';
    END IF;
    PERFORM core.remember(request_id, 'email_receipt', to_jsonb(r));
    RETURN r;
END $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO marquee_terminal;
