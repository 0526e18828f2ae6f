-- 95-admin.sql - what a manager does from the admin menu: films, showtimes,
-- prices, and the takings report. Every function takes the session first
-- and refuses any session that is not a live manager's; every change is
-- written to core.audit_log with the manager the session belongs to.

CREATE TABLE core.audit_log (
    audit_id   bigserial PRIMARY KEY,
    staff_id   bigint NOT NULL REFERENCES core.app_user,
    action     text NOT NULL,
    detail     jsonb NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);

-- Writes one staff action to core.audit_log as the account behind w (the
-- terminal it acted at goes into detail). Nothing is written for a session
-- that is not live.
CREATE FUNCTION core.audit(w core.who, p_action text, p_detail jsonb DEFAULT '{}') RETURNS void
LANGUAGE sql VOLATILE AS $$
    INSERT INTO core.audit_log (staff_id, action, detail)
    SELECT w.user_id, p_action, coalesce(p_detail, '{}') || jsonb_build_object('terminal', w.terminal)
     WHERE w.user_id IS NOT NULL
$$;

CREATE INDEX audit_log_at_idx ON core.audit_log (at);

-- The opening of a staff function that writes, as its result type (p_as,
-- the caller's still empty result): the answer request p_request_id of
-- p_fn already got; else, when w may not act in one of p_roles, the
-- refusal (core.staff_refusal in the type's first column, p_words or the
-- words for no_session in its message column), remembered for the
-- request; else p_as as it is, so the caller goes on while the first
-- column is NULL.
CREATE FUNCTION core.staff_call(p_request_id uuid, p_fn text, w core.who, p_roles text[], p_status text,
                                p_words text, p_as anyelement) RETURNS anyelement
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    prev jsonb := core.replay(p_request_id, p_fn);
    why text := core.staff_refusal(w, p_roles, p_status);
    res ALIAS FOR $0;
BEGIN
    IF prev IS NOT NULL THEN
        RETURN jsonb_populate_record(p_as, prev);
    END IF;
    IF why IS NULL THEN
        RETURN p_as;
    END IF;
    res := jsonb_populate_record(p_as, jsonb_build_object(
               (SELECT a.attname FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid
                 WHERE t.oid = pg_typeof(p_as) AND a.attnum = 1),
               why, 'message', CASE WHEN why = 'no_session' THEN core.refusal_words(why) ELSE p_words END));
    PERFORM core.remember(p_request_id, p_fn, to_jsonb(res));
    RETURN res;
END $$;

CREATE TYPE api.admin_result AS (
    admin_status text,       -- ok | no_session | not_manager | invalid | not_found | overlaps | has_sales
                             -- (overlaps: id names the showtime in the way)
    id           bigint,     -- the film, showtime ... that was saved
    message      text
);

-- Adds a film (movie_id NULL) or changes one.
CREATE FUNCTION api.admin_movie_save(session text, movie_id bigint, title text, synopsis text,
                                     runtime_min int, rating text DEFAULT 'NR', genre text DEFAULT '',
                                     request_id uuid DEFAULT NULL)
RETURNS api.admin_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.admin_result;
    w core.who := core.session_who(session);
BEGIN
    res := core.staff_call(request_id, 'admin_movie_save', w, '{manager}', 'not_manager',
                           'only a manager may change films', res);
    IF res.admin_status IS NOT NULL THEN RETURN res; END IF;
    IF coalesce(btrim(title), '') = '' OR length(title) > 200 THEN
        res := ROW('invalid', NULL, 'a film needs a title of at most 200 characters');
    ELSIF runtime_min IS NULL OR runtime_min NOT BETWEEN 1 AND 600 THEN
        res := ROW('invalid', NULL, 'running time must be 1 to 600 minutes');
    ELSIF EXISTS (SELECT 1 FROM core.movie m WHERE lower(m.title) = lower(btrim(admin_movie_save.title))
                     AND m.movie_id IS DISTINCT FROM admin_movie_save.movie_id) THEN
        res := ROW('invalid', NULL, 'another film already has this title');
    ELSIF movie_id IS NULL THEN
        INSERT INTO core.movie (title, synopsis, runtime_min, rating, genre)
        VALUES (btrim(title), coalesce(synopsis, ''), runtime_min, coalesce(nullif(btrim(rating), ''), 'NR'),
                coalesce(genre, ''))
        RETURNING core.movie.movie_id INTO res.id;
        res.admin_status := 'ok'; res.message := 'film added';
    ELSE
        UPDATE core.movie m SET title = btrim(admin_movie_save.title),
                                synopsis = coalesce(admin_movie_save.synopsis, ''),
                                runtime_min = admin_movie_save.runtime_min,
                                rating = coalesce(nullif(btrim(admin_movie_save.rating), ''), 'NR'),
                                genre = coalesce(admin_movie_save.genre, '')
         WHERE m.movie_id = admin_movie_save.movie_id
        RETURNING m.movie_id INTO res.id;
        res.admin_status := 'ok'; res.message := 'film saved';
        IF res.id IS NULL THEN
            res := ROW('not_found', NULL, 'no such film');
        END IF;
    END IF;
    IF res.admin_status = 'ok' THEN
        PERFORM core.audit(w, 'movie_save', jsonb_build_object('movie_id', res.id, 'title', title));
    END IF;
    PERFORM core.remember(request_id, 'admin_movie_save', to_jsonb(res));
    RETURN res;
END $$;

-- Schedules a film in a hall. The hall is booked for the running time plus
-- clean_minutes; two showtimes may never overlap in one hall.
CREATE FUNCTION api.admin_showtime_add(session text, movie_id bigint, auditorium_id bigint,
                                       starts_at timestamptz, price_plan text DEFAULT 'Standard',
                                       clean_minutes int DEFAULT 20, request_id uuid DEFAULT NULL)
RETURNS api.admin_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.admin_result;
    w core.who := core.session_who(session);
    m core.movie;
    plan_id bigint;
BEGIN
    res := core.staff_call(request_id, 'admin_showtime_add', w, '{manager}', 'not_manager',
                           'only a manager may schedule showtimes', res);
    IF res.admin_status IS NOT NULL THEN RETURN res; END IF;
    SELECT * INTO m FROM core.movie x WHERE x.movie_id = admin_showtime_add.movie_id;
    SELECT pp.price_plan_id INTO plan_id FROM core.price_plan pp WHERE pp.name = price_plan;
    IF m.movie_id IS NULL THEN
        res := ROW('not_found', NULL, 'no such film');
    ELSIF NOT EXISTS (SELECT 1 FROM core.auditorium a WHERE a.auditorium_id = admin_showtime_add.auditorium_id) THEN
        res := ROW('not_found', NULL, 'no such hall');
    ELSIF plan_id IS NULL THEN
        res := ROW('not_found', NULL, 'no such price plan');
    ELSIF starts_at IS NULL OR starts_at < statement_timestamp() THEN
        res := ROW('invalid', NULL, 'a showtime must start in the future');
    ELSIF clean_minutes IS NULL OR clean_minutes NOT BETWEEN 0 AND 120 THEN
        res := ROW('invalid', NULL, 'cleaning time must be 0 to 120 minutes');
    ELSE
        BEGIN
            INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
            VALUES (m.movie_id, auditorium_id, starts_at,
                    starts_at + make_interval(mins => m.runtime_min + clean_minutes), plan_id)
            RETURNING core.showtime.showtime_id INTO res.id;
            res.admin_status := 'ok'; res.message := 'showtime added';
        EXCEPTION WHEN exclusion_violation THEN
            -- Name the show in the way, in the cinema's time.
            SELECT 'overlaps', x.showtime_id,
                   format('the hall is busy then: %s runs %s-%s (cleaning included), showtime %s',
                          mv.title, to_char(x.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI'),
                          to_char(x.ends_at AT TIME ZONE l.timezone, 'HH24:MI'), x.showtime_id)
              INTO res
              FROM core.showtime x JOIN core.movie mv ON mv.movie_id = x.movie_id
              JOIN core.auditorium a ON a.auditorium_id = x.auditorium_id
              JOIN core.location l ON l.location_id = a.location_id
             WHERE x.auditorium_id = admin_showtime_add.auditorium_id AND NOT x.cancelled
               AND tstzrange(x.starts_at, x.ends_at)
                   && tstzrange(admin_showtime_add.starts_at,
                                admin_showtime_add.starts_at + make_interval(mins => m.runtime_min + admin_showtime_add.clean_minutes))
             ORDER BY x.starts_at LIMIT 1;
            IF res.admin_status IS NULL THEN
                res := ROW('overlaps', NULL, 'the hall is busy then: another showtime overlaps');
            END IF;
        END;
    END IF;
    IF res.admin_status = 'ok' THEN
        PERFORM core.audit(w, 'showtime_add', jsonb_build_object('showtime_id', res.id, 'movie_id', movie_id,
                'auditorium_id', auditorium_id, 'starts_at', starts_at));
    END IF;
    PERFORM core.remember(request_id, 'admin_showtime_add', to_jsonb(res));
    RETURN res;
END $$;

-- Cancels a showtime: unpaid holds are released and every paid order is
-- refunded in full (whatever the cancellation window), with an e-mail to
-- customers with an account. Returns how many orders were refunded in id.
CREATE FUNCTION api.admin_showtime_cancel(session text, showtime_id bigint,
                                          request_id uuid DEFAULT NULL)
RETURNS api.admin_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.admin_result;
    w core.who := core.session_who(session);
    o core.orders;
    n bigint := 0;
BEGIN
    res := core.staff_call(request_id, 'admin_showtime_cancel', w, '{manager}', 'not_manager',
                           'only a manager may cancel showtimes', res);
    IF res.admin_status IS NOT NULL THEN RETURN res; END IF;
    IF NOT EXISTS (SELECT 1 FROM core.showtime s WHERE s.showtime_id = admin_showtime_cancel.showtime_id
                         AND NOT s.cancelled) THEN
        res := ROW('not_found', NULL, 'no such showtime, or it is already cancelled');
    ELSE
        UPDATE core.showtime s SET cancelled = true WHERE s.showtime_id = admin_showtime_cancel.showtime_id;
        FOR o IN SELECT * FROM core.orders x
                  WHERE x.showtime_id = admin_showtime_cancel.showtime_id
                    AND x.status IN ('initiated', 'pending', 'success')
                  ORDER BY x.order_id FOR UPDATE LOOP
            PERFORM core.refund_payments(o.order_id, 'showtime cancelled');
            PERFORM core.release_order(o, CASE WHEN o.status = 'success' THEN 'refunded' ELSE 'released' END);
            UPDATE core.orders x SET status = CASE WHEN o.status = 'success' THEN 'refunded' ELSE 'cancelled' END,
                                     closed_at = statement_timestamp()
             WHERE x.order_id = o.order_id;
            IF o.status = 'success' THEN
                n := n + 1;
                INSERT INTO core.outbox (kind, recipient, subject, body)
                SELECT 'refund', u.email, 'Showtime cancelled: booking ' || o.booking_code,
                       format('We are sorry: the showtime of booking %s was cancelled. It has been refunded in full.',
                              o.booking_code)
                  FROM core.app_user u WHERE u.user_id = o.user_id AND u.email IS NOT NULL;
            END IF;
        END LOOP;
        res := ROW('ok', n, format('showtime cancelled; %s paid order(s) refunded', n));
        PERFORM core.audit(w, 'showtime_cancel', jsonb_build_object('showtime_id', showtime_id, 'refunded', n));
    END IF;
    PERFORM core.remember(request_id, 'admin_showtime_cancel', to_jsonb(res));
    RETURN res;
END $$;

-- Sets the price of a ticket type in a price plan (new sales only: held and
-- sold tickets keep the price they were given).
CREATE FUNCTION api.admin_price_set(session text, price_plan text, type_code text,
                                    amount_cents bigint, request_id uuid DEFAULT NULL)
RETURNS api.admin_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.admin_result;
    w core.who := core.session_who(session);
    plan_id bigint;
BEGIN
    res := core.staff_call(request_id, 'admin_price_set', w, '{manager}', 'not_manager',
                           'only a manager may change prices', res);
    IF res.admin_status IS NOT NULL THEN RETURN res; END IF;
    SELECT pp.price_plan_id INTO plan_id FROM core.price_plan pp WHERE pp.name = price_plan;
    IF plan_id IS NULL THEN
        res := ROW('not_found', NULL, 'no such price plan');
    ELSIF NOT EXISTS (SELECT 1 FROM core.ticket_type t WHERE t.type_code = admin_price_set.type_code) THEN
        res := ROW('not_found', NULL, 'no such ticket type');
    ELSIF amount_cents IS NULL OR amount_cents < 0 OR amount_cents > 100000000 THEN
        res := ROW('invalid', NULL, 'a price must be 0 to 1000000.00');
    ELSE
        INSERT INTO core.price (price_plan_id, type_code, amount_cents)
        VALUES (plan_id, type_code, amount_cents)
        ON CONFLICT (price_plan_id, type_code) DO UPDATE SET amount_cents = EXCLUDED.amount_cents;
        res := ROW('ok', plan_id, 'price saved');
        PERFORM core.audit(w, 'price_set', jsonb_build_object('price_plan', price_plan, 'type_code', type_code,
                'amount_cents', amount_cents));
    END IF;
    PERFORM core.remember(request_id, 'admin_price_set', to_jsonb(res));
    RETURN res;
END $$;

-- The prices of every plan, for the admin menu.
CREATE FUNCTION api.admin_prices(session text)
RETURNS TABLE (price_plan text, type_code text, type_name text, amount_cents bigint, currency text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT pp.name, t.type_code, t.name, p.amount_cents, pp.currency::text
      FROM core.price_plan pp
      JOIN core.price p USING (price_plan_id)
      JOIN core.ticket_type t USING (type_code)
     WHERE (SELECT core.session_manager($1)) IS NOT NULL
     ORDER BY pp.name, t.sort
$$;

-- The halls, for picking one when scheduling.
CREATE FUNCTION api.admin_halls(session text)
RETURNS TABLE (auditorium_id bigint, location text, auditorium text, seats int)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT a.auditorium_id, l.name, a.name,
           (SELECT count(*)::int FROM core.seat s JOIN core.seat_kind k USING (kind)
             WHERE s.auditorium_id = a.auditorium_id AND k.sellable)
      FROM core.auditorium a JOIN core.location l USING (location_id)
     WHERE (SELECT core.session_manager($1)) IS NOT NULL
     ORDER BY l.name, a.name
$$;

-- Takings per day, cinema and film between two days (inclusive, in each
-- cinema's time zone): tickets sold, gross by method, refunds, net.
-- Sales count on the day they were paid; refunds on the day they were made.
CREATE FUNCTION api.sales_report(session text, p_from date, p_to date,
                                 p_location_id bigint DEFAULT NULL)
RETURNS TABLE (day date, location text, title text, tickets int, cash_cents bigint,
               card_cents bigint, refunded_cents bigint, net_cents bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    WITH sold AS (   -- each order with its film and cinema
        SELECT o.order_id, o.paid_at, m.title, l.name AS location, l.timezone
          FROM core.orders o
          JOIN core.showtime st ON st.showtime_id = o.showtime_id
          JOIN core.movie m ON m.movie_id = st.movie_id
          JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
          JOIN core.location l ON l.location_id = a.location_id
         WHERE ($4 IS NULL OR l.location_id = $4)
    ), money AS (
        SELECT (p.created_at AT TIME ZONE o.timezone)::date AS day, o.location, o.title,
               0 AS tickets,
               CASE WHEN p.method = 'cash' THEN p.amount_cents ELSE 0 END AS cash,
               CASE WHEN p.method = 'card' THEN p.amount_cents ELSE 0 END AS card,
               0::bigint AS refunded
          FROM core.payment p
          JOIN sold o USING (order_id)
        UNION ALL
        SELECT (o.paid_at AT TIME ZONE o.timezone)::date, o.location, o.title,
               (SELECT count(*)::int FROM core.ticket t WHERE t.order_id = o.order_id
                  AND t.state IN ('sold', 'refunded')), 0, 0, 0
          FROM sold o
         WHERE o.paid_at IS NOT NULL
        UNION ALL
        SELECT (r.created_at AT TIME ZONE o.timezone)::date, o.location, o.title, 0, 0, 0, r.amount_cents
          FROM core.refund r
          JOIN sold o USING (order_id)
    )
    SELECT day, location, title, sum(tickets)::int, sum(cash)::bigint, sum(card)::bigint,
           sum(refunded)::bigint, (sum(cash) + sum(card) - sum(refunded))::bigint
      FROM money
     WHERE (SELECT core.session_manager($1)) IS NOT NULL AND day BETWEEN $2 AND $3
     GROUP BY day, location, title
     ORDER BY day, location, title
$$;
