-- 002_api.sql - the booking api: the only door terminals use.
--
-- Every function runs as its owner (SECURITY DEFINER) with a fixed search_path.
-- Writing functions take an optional last argument request_id: a call that
-- repeats a request_id returns the first call's answer and changes nothing.
-- Lock order, everywhere, to stay free of deadlocks: an order row, then its
-- showtime_seat rows in seat_id order, then ticket rows.
--
-- The writing functions run with plan_cache_mode = force_generic_plan: their
-- statements look up rows by key, so one plan per session serves every call,
-- and planning them afresh each time cost more than running them.
--
-- Time is statement_timestamp(): when the call arrived. Unlike now() it
-- moves on between calls made inside one long transaction, and unlike
-- clock_timestamp() it is one instant for every check within a call.

CREATE SCHEMA api;

-- ---------------------------------------------------------------- helpers

-- The answer a request_id already got, or NULL. Takes a transaction-scoped
-- lock on the request_id so two concurrent retries do the work once.
CREATE FUNCTION core.replay(p_request_id uuid, p_fn text) RETURNS jsonb
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    r core.request_log;
BEGIN
    IF p_request_id IS NULL THEN RETURN NULL; END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(p_request_id::text, 7));
    SELECT * INTO r FROM core.request_log WHERE request_id = p_request_id;
    IF NOT FOUND THEN RETURN NULL; END IF;
    IF r.fn <> p_fn THEN
        RAISE EXCEPTION 'request_id % was already used by %', p_request_id, r.fn
            USING ERRCODE = '22023';
    END IF;
    RETURN r.answer;
END $$;

CREATE FUNCTION core.remember(p_request_id uuid, p_fn text, p_answer jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_request_id IS NOT NULL THEN
        INSERT INTO core.request_log (request_id, fn, answer) VALUES (p_request_id, p_fn, p_answer);
    END IF;
END $$;

-- Hold length for this session: the terminal may ask for fewer minutes
-- (SET marquee.hold_minutes), never more than the database allows (p_max,
-- when the caller has read the hold_minutes setting already).
CREATE FUNCTION core.hold_interval(p_max int DEFAULT NULL) RETURNS interval
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    max_min int := coalesce(p_max, core.setting_int('hold_minutes', 8));
    want text := current_setting('marquee.hold_minutes', true);
    m numeric := max_min;
BEGIN
    IF want ~ '^[0-9]+(\.[0-9]+)?$' THEN
        m := least(want::numeric, max_min);
    END IF;
    RETURN make_interval(secs => greatest(m, 0.01) * 60);
END $$;

-- With the hold_commit setting 'fast', lets this transaction commit without
-- waiting for the disk (only ever for holds and releases, never money).
CREATE FUNCTION core.hold_commit() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF core.setting_text('hold_commit', 'durable') = 'fast' THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
END $$;

-- Releases what an order still holds: its seats become available, its held
-- tickets released. Locks the seats in seat_id order.
CREATE FUNCTION core.release_order(p_order core.orders, p_ticket_state text) RETURNS void
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM 1 FROM core.showtime_seat
      WHERE showtime_id = p_order.showtime_id
        AND seat_id IN (SELECT seat_id FROM core.ticket WHERE order_id = p_order.order_id)
      ORDER BY seat_id FOR UPDATE;
    UPDATE core.showtime_seat
       SET state = 'available', order_id = NULL, held_until = NULL
     WHERE showtime_id = p_order.showtime_id AND order_id = p_order.order_id;
    UPDATE core.ticket SET state = p_ticket_state
     WHERE order_id = p_order.order_id AND state IN ('held', 'sold');
END $$;

-- Closes an open order whose hold has run out: frees what it still holds,
-- marks it expired and gives back any part payments. Returns the cents
-- refunded. The caller holds the order row.
CREATE FUNCTION core.expire_order(p_order core.orders) RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    back bigint;
BEGIN
    PERFORM core.release_order(p_order, 'released');
    UPDATE core.orders x SET status = 'expired', closed_at = statement_timestamp()
     WHERE x.order_id = p_order.order_id;
    WITH ins AS (
        INSERT INTO core.refund (order_id, payment_id, amount_cents, reason)
        SELECT p_order.order_id, p.payment_id, p.amount_cents, 'hold expired before fully paid'
          FROM core.payment p WHERE p.order_id = p_order.order_id
           AND NOT EXISTS (SELECT 1 FROM core.refund r WHERE r.payment_id = p.payment_id)
        RETURNING amount_cents)
    SELECT coalesce(sum(amount_cents), 0) INTO back FROM ins;
    RETURN back;
END $$;

-- True when p_user_id is an active account.
CREATE FUNCTION core.user_active(p_user_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM core.app_user u WHERE u.user_id = p_user_id AND u.active);
END $$;

-- ---------------------------------------------------------------- reading

CREATE FUNCTION api.listing(p_from timestamptz DEFAULT NULL, p_days int DEFAULT 14,
                            p_location_id bigint DEFAULT NULL)
RETURNS TABLE (showtime_id bigint, movie_id bigint, title text, starts_at timestamptz,
               location text, auditorium text, seats_total int, seats_available int,
               ends_at timestamptz, runtime_min int, rating text, location_id bigint,
               auditorium_id bigint, price_cents bigint, currency text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT st.showtime_id, m.movie_id, m.title, st.starts_at, l.name, a.name,
           st.seats_total,
           st.seats_total - (SELECT count(*) FROM core.showtime_seat ss
                              WHERE ss.showtime_id = st.showtime_id AND ss.state <> 'available'
                                AND (ss.state = 'sold' OR ss.held_until > statement_timestamp()))::int,
           st.starts_at + make_interval(mins => m.runtime_min), m.runtime_min, m.rating,
           l.location_id, a.auditorium_id,
           (SELECT p.amount_cents FROM core.price p
             WHERE p.price_plan_id = st.price_plan_id AND p.type_code = 'adult'),
           pp.currency::text
      FROM core.showtime st
      JOIN core.movie m USING (movie_id)
      JOIN core.auditorium a USING (auditorium_id)
      JOIN core.location l ON l.location_id = a.location_id
      JOIN core.price_plan pp ON pp.price_plan_id = st.price_plan_id
     WHERE NOT st.cancelled
       AND st.starts_at >= coalesce(p_from, statement_timestamp() - interval '20 minutes')
       AND st.starts_at < coalesce(p_from, statement_timestamp()) + make_interval(days => greatest(p_days, 1))
       AND (p_location_id IS NULL OR l.location_id = p_location_id)
     ORDER BY st.starts_at, l.name, a.name
$$;

-- Films matching any text a person may type: words (stemmed), prefixes of
-- words (search as you type), or a plain substring of the title. Never an
-- error, whatever the text. Filters: a day, a cinema, a time of day
-- (morning < 12:00 <= afternoon < 17:00 <= evening < 21:00 <= night), in the
-- cinema's own time zone; with a filter only films with such a showtime.
CREATE FUNCTION api.search(query text, p_day date DEFAULT NULL, p_location_id bigint DEFAULT NULL,
                           p_time_of_day text DEFAULT NULL)
RETURNS TABLE (movie_id bigint, title text, rank real, synopsis text, runtime_min int,
               rating text, genre text, next_showtime timestamptz, showtimes int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = core, pg_temp
    SET client_min_messages = warning AS $$
#variable_conflict use_column
DECLARE
    q text := left(coalesce(query, ''), 200);
    words tsquery;
    prefix tsquery;
    filtered boolean := p_day IS NOT NULL OR p_location_id IS NOT NULL OR p_time_of_day IS NOT NULL;
BEGIN
    words := websearch_to_tsquery('english', q);
    SELECT to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' & '))
      INTO prefix
      FROM regexp_split_to_table(lower(q), '[^[:alnum:]]+') AS w
     WHERE w <> '';
    RETURN QUERY
    WITH shows AS (
        SELECT st.movie_id, min(st.starts_at) AS next_at, count(*)::int AS n
          FROM core.showtime st
          JOIN core.auditorium a USING (auditorium_id)
          JOIN core.location l ON l.location_id = a.location_id
         WHERE NOT st.cancelled AND st.starts_at >= statement_timestamp() - interval '20 minutes'
           AND (p_location_id IS NULL OR l.location_id = p_location_id)
           AND (p_day IS NULL OR (st.starts_at AT TIME ZONE l.timezone)::date = p_day)
           AND (p_time_of_day IS NULL OR
                CASE WHEN extract(hour FROM st.starts_at AT TIME ZONE l.timezone) < 12 THEN 'morning'
                     WHEN extract(hour FROM st.starts_at AT TIME ZONE l.timezone) < 17 THEN 'afternoon'
                     WHEN extract(hour FROM st.starts_at AT TIME ZONE l.timezone) < 21 THEN 'evening'
                     ELSE 'night' END = lower(p_time_of_day))
         GROUP BY st.movie_id
    )
    SELECT m.movie_id, m.title,
           (CASE WHEN q = '' THEN 0 ELSE ts_rank(m.search, words) + ts_rank(m.search, coalesce(prefix, words)) END
            + CASE WHEN strpos(lower(m.title), lower(q)) > 0 AND q <> '' THEN 1 ELSE 0 END)::real AS rank,
           m.synopsis, m.runtime_min, m.rating, m.genre, s.next_at, coalesce(s.n, 0)
      FROM core.movie m
      LEFT JOIN shows s USING (movie_id)
     WHERE (NOT filtered OR s.movie_id IS NOT NULL)
       AND (btrim(q) = ''
            OR m.search @@ words
            OR (prefix IS NOT NULL AND m.search @@ prefix)
            OR strpos(lower(m.title), lower(q)) > 0)
     ORDER BY 3 DESC, s.next_at NULLS LAST, m.title;
END $$;

-- The seats of a showtime and their state: available, pending (held by a
-- live order) or sold. Blocked places are not seats for sale: seat_layout.
-- (plpgsql, so the query is planned once per session: a sql function
-- with SET options cannot be inlined and is planned again on every call.)
CREATE FUNCTION api.seat_map(showtime_id bigint)
RETURNS TABLE (seat text, status text, kind text, row_no int, col_no int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT s.label,
           CASE WHEN ss.state = 'sold' THEN 'sold'
                WHEN ss.state = 'held' AND ss.held_until > statement_timestamp() THEN 'pending'
                ELSE 'available' END,
           s.kind, s.row_no, s.col_no
      FROM core.showtime_seat ss JOIN core.seat s ON s.seat_id = ss.seat_id
     WHERE ss.showtime_id = seat_map.showtime_id
     ORDER BY s.row_no, s.col_no;
END $$;

-- The hall of a showtime, for drawing: its grid size and every place that
-- holds a seat, blocked ones too. Cells not listed are aisles.
CREATE FUNCTION api.seat_layout(showtime_id bigint)
RETURNS TABLE (seat text, kind text, row_no int, col_no int, rows int, cols int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT s.label, s.kind, s.row_no, s.col_no, a.rows, a.cols
      FROM core.showtime st
      JOIN core.auditorium a USING (auditorium_id)
      JOIN core.seat s ON s.auditorium_id = a.auditorium_id
     WHERE st.showtime_id = $1
     ORDER BY s.row_no, s.col_no
$$;

-- ---------------------------------------------------------------- writing

CREATE TYPE api.select_seat_result AS (
    selection_status text,   -- held | unknown_showtime | sales_closed | no_seats |
                             -- too_many_seats | duplicate_seats | unknown_seat |
                             -- unknown_user | unavailable
    order_id     bigint,
    expire_at    timestamptz,
    total_cents  bigint,
    booking_code text,
    currency     text,
    message      text
);

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

-- Holds all the given seats of a showtime for a new order, or none of them.
CREATE FUNCTION api.select_seat(user_id bigint, showtime_id bigint, seats text[],
                                terminal text, request_id uuid DEFAULT NULL)
RETURNS api.select_seat_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.select_seat_result;
    prev jsonb;
    st core.showtime;
    labels text[];
    ids bigint[];
    prices bigint[];
    free_ids bigint[];
    busy text[];
    oid bigint;
    until timestamptz;
    code text;
    cur text;
    node int;
    hold_max int;
    fast boolean;
BEGIN
    IF request_id IS NOT NULL THEN
        prev := core.replay(request_id, 'select_seat');
        IF prev IS NOT NULL THEN
            RETURN jsonb_populate_record(NULL::api.select_seat_result, prev);
        END IF;
    END IF;

    SELECT * INTO st FROM core.showtime s WHERE s.showtime_id = select_seat.showtime_id;
    SELECT array_agg(DISTINCT upper(btrim(x))) INTO labels FROM unnest(seats) x;
    IF st.showtime_id IS NULL OR st.cancelled THEN
        res.selection_status := 'unknown_showtime';
        res.message := 'no such showtime';
    ELSIF statement_timestamp() > st.starts_at + interval '20 minutes' THEN
        res.selection_status := 'sales_closed';
        res.message := 'this showtime has started; sales are closed';
    ELSIF seats IS NULL OR cardinality(seats) = 0 OR array_position(seats, NULL) IS NOT NULL THEN
        res.selection_status := 'no_seats';
        res.message := 'no seats were given';
    ELSIF cardinality(seats) > 20 THEN
        res.selection_status := 'too_many_seats';
        res.message := 'at most 20 seats can be held in one order';
    ELSIF cardinality(labels) <> cardinality(seats) THEN
        res.selection_status := 'duplicate_seats';
        res.message := 'a seat was given more than once';
    ELSIF user_id IS NOT NULL AND NOT core.user_active(user_id) THEN
        res.selection_status := 'unknown_user';
        res.message := 'no such customer';
    ELSE
        -- Lock the wanted seats in seat_id order (the lock order everywhere),
        -- see which are free now and what each costs at default prices: the
        -- plan's adult price plus the seat kind's surcharge (core.seat_price).
        SELECT array_agg(l.seat_id ORDER BY l.seat_id),
               array_agg(l.price ORDER BY l.seat_id), sum(l.price),
               array_agg(l.seat_id ORDER BY l.seat_id)
                   FILTER (WHERE l.state = 'available' OR
                                 (l.state = 'held' AND l.held_until <= statement_timestamp())),
               array_agg(l.label ORDER BY l.seat_id)
                   FILTER (WHERE NOT (l.state = 'available' OR
                                      (l.state = 'held' AND l.held_until <= statement_timestamp())))
          INTO ids, prices, res.total_cents, free_ids, busy
          FROM (SELECT ss.seat_id, ss.state, ss.held_until, s.label,
                       p.amount_cents + k.surcharge_cents AS price
                  FROM unnest(labels) AS w(label)
                  -- one index probe per label (OFFSET 0 keeps the generic
                  -- plan from scanning the whole hall for "label = ANY")
                  CROSS JOIN LATERAL (SELECT x.seat_id, x.label, x.kind FROM core.seat x
                                       WHERE x.auditorium_id = st.auditorium_id AND x.label = w.label
                                      OFFSET 0) s
                  JOIN core.showtime_seat ss ON ss.seat_id = s.seat_id AND ss.showtime_id = st.showtime_id
                  JOIN core.seat_kind k ON k.kind = s.kind
                  LEFT JOIN core.price p ON p.price_plan_id = st.price_plan_id AND p.type_code = 'adult'
                 ORDER BY ss.seat_id
                   FOR UPDATE OF ss) l;
        IF coalesce(cardinality(ids), 0) <> cardinality(labels) THEN
            res.selection_status := 'unknown_seat';
            SELECT 'not a seat for sale in this hall: ' || string_agg(x, ', ' ORDER BY x)
              INTO res.message
              FROM unnest(labels) x
             WHERE NOT EXISTS (SELECT 1 FROM core.seat s JOIN core.showtime_seat ss
                                 ON ss.seat_id = s.seat_id AND ss.showtime_id = st.showtime_id
                                WHERE s.auditorium_id = st.auditorium_id AND s.label = x);
        ELSIF coalesce(cardinality(free_ids), 0) <> cardinality(ids) THEN
            res.selection_status := 'unavailable';
            res.message := 'already taken: ' || array_to_string(busy, ', ');
        END IF;
    END IF;
    IF res.selection_status IS NOT NULL THEN
        res.total_cents := NULL;
        IF request_id IS NOT NULL THEN
            PERFORM core.remember(request_id, 'select_seat', to_jsonb(res));
        END IF;
        RETURN res;
    END IF;

    -- Tickets of expired holds on these seats are released; their orders
    -- are left alone (their rows are not ours to lock) and read as expired.
    UPDATE core.ticket t SET state = 'released'
     WHERE t.showtime_id = st.showtime_id AND t.seat_id = ANY (ids) AND t.state = 'held';

    -- The currency and the settings a hold needs, at once.
    SELECT pp.currency,
           coalesce(max(x.value) FILTER (WHERE x.name = 'node_id'), '1')::int,
           coalesce(max(x.value) FILTER (WHERE x.name = 'hold_minutes'), '8')::int,
           coalesce(max(x.value) FILTER (WHERE x.name = 'hold_commit'), '') = 'fast'
      INTO cur, node, hold_max, fast
      FROM core.price_plan pp
      LEFT JOIN core.setting x ON x.name IN ('node_id', 'hold_minutes', 'hold_commit')
     WHERE pp.price_plan_id = st.price_plan_id
     GROUP BY pp.currency;
    oid := core.next_order_id(node);
    until := statement_timestamp() + core.hold_interval(hold_max);
    LOOP
        code := core.new_booking_code();
        EXIT WHEN NOT EXISTS (SELECT 1 FROM core.orders o WHERE o.booking_code = code);
    END LOOP;

    INSERT INTO core.orders (order_id, booking_code, user_id, showtime_id, status, terminal,
                             staff_id, currency, total_cents, held_until)
    VALUES (oid, code, select_seat.user_id, st.showtime_id, 'initiated',
            coalesce(select_seat.terminal, ''), core.session_staff(), cur, res.total_cents, until);
    INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
    SELECT oid, st.showtime_id, x.seat_id, 'adult', x.price, 'held'
      FROM unnest(ids, prices) AS x(seat_id, price);
    UPDATE core.showtime_seat ss SET state = 'held', order_id = oid, held_until = until
     WHERE ss.showtime_id = st.showtime_id AND ss.seat_id = ANY (ids);

    IF fast THEN
        PERFORM set_config('synchronous_commit', 'off', true);	-- see core.hold_commit
    END IF;
    res.selection_status := 'held';
    res.order_id := oid;
    res.expire_at := until;
    res.booking_code := code;
    res.currency := cur;
    res.message := cardinality(ids) || ' seat(s) held';
    IF request_id IS NOT NULL THEN
        PERFORM core.remember(request_id, 'select_seat', to_jsonb(res));
    END IF;
    RETURN res;
END $$;

CREATE TYPE api.payment_result AS (
    payment_status text,     -- success | partial | unknown_order | not_owner | already_paid |
                             -- cancelled | expired | invalid_payment | invalid_amount |
                             -- wrong_amount | card_data_refused
    order_id     bigint,
    paid_cents   bigint,
    due_cents    bigint,
    booking_code text,
    message      text
);

-- Checks one payment part (cash or card) and returns it as a core.payment
-- row (without ids), or raises 'P0001' with the reason as message.
CREATE FUNCTION core.payment_part(p jsonb, p_currency text) RETURNS core.payment
LANGUAGE plpgsql IMMUTABLE AS $$
#variable_conflict use_column
DECLARE
    r core.payment;
    k text;
BEGIN
    IF jsonb_typeof(p) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'invalid_payment' USING DETAIL = 'payment_info must be a JSON object';
    END IF;
    FOR k IN SELECT jsonb_object_keys(p) LOOP
        IF lower(k) IN ('pan', 'card_number', 'number', 'cvv', 'cvc', 'track', 'track1',
                        'track2', 'expiry', 'exp') THEN
            RAISE EXCEPTION 'card_data_refused' USING DETAIL = 'card data is never stored: ' || k;
        END IF;
    END LOOP;
    r.method := p->>'method';
    IF r.method IS NULL OR r.method NOT IN ('cash', 'card') THEN
        RAISE EXCEPTION 'invalid_payment' USING DETAIL = 'method must be cash or card';
    END IF;
    IF jsonb_typeof(p->'amount_cents') IS DISTINCT FROM 'number'
       OR (p->>'amount_cents')::numeric <> trunc((p->>'amount_cents')::numeric)
       OR abs((p->>'amount_cents')::numeric) > 1e15 THEN
        RAISE EXCEPTION 'invalid_amount' USING DETAIL = 'amount_cents must be a whole number of cents';
    END IF;
    r.amount_cents := (p->>'amount_cents')::numeric::bigint;
    IF r.amount_cents <= 0 THEN
        RAISE EXCEPTION 'invalid_amount' USING DETAIL = 'amount_cents must be positive';
    END IF;
    IF p ? 'currency' AND p->>'currency' IS DISTINCT FROM p_currency THEN
        RAISE EXCEPTION 'invalid_payment' USING DETAIL = 'currency must be ' || p_currency;
    END IF;
    r.currency := p_currency;
    IF r.method = 'cash' THEN
        IF p ? 'tendered_cents' THEN
            IF jsonb_typeof(p->'tendered_cents') IS DISTINCT FROM 'number'
               OR (p->>'tendered_cents')::numeric < r.amount_cents
               OR (p->>'tendered_cents')::numeric > 1e12 THEN
                RAISE EXCEPTION 'invalid_amount' USING DETAIL = 'tendered_cents must cover the amount';
            END IF;
            r.tendered_cents := (p->>'tendered_cents')::numeric::bigint;
        END IF;
    ELSE
        r.card_last4 := p->>'last4';
        r.card_brand := left(p->>'brand', 20);
        r.terminal_ref := left(p->>'terminal_ref', 80);
        r.auth_code := left(p->>'auth_code', 40);
        IF r.card_last4 IS NULL OR r.card_last4 !~ '^[0-9]{4}$' THEN
            RAISE EXCEPTION 'invalid_payment' USING DETAIL = 'a card payment needs last4 (four digits)';
        END IF;
        IF coalesce(r.auth_code, '') = '' THEN
            RAISE EXCEPTION 'invalid_payment' USING DETAIL = 'a card payment needs the auth_code of an approval';
        END IF;
    END IF;
    RETURN r;
END $$;

-- Pays an order: cash, card (the card terminal's approved result), or split
-- ({"method":"split","parts":[...]}). The parts must add up to what is due;
-- with "partial": true a part may pay less, and the order waits for the rest.
CREATE FUNCTION api.payment(user_id bigint, order_id bigint, payment_info jsonb,
                            request_id uuid DEFAULT NULL)
RETURNS api.payment_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.payment_result;
    prev jsonb;
    o core.orders;
    parts jsonb;
    part core.payment;
    rows core.payment[] := '{}';
    sum_cents bigint := 0;
    paid bigint;
    mine int;
    partial boolean;
    back bigint;
BEGIN
    -- Money, and what it stands on, is on disk before the answer, even when
    -- an earlier call in this transaction was a fast hold.
    SET LOCAL synchronous_commit TO DEFAULT;
    prev := core.replay(request_id, 'payment');
    IF prev IS NOT NULL THEN
        RETURN jsonb_populate_record(NULL::api.payment_result, prev);
    END IF;
    res.order_id := payment.order_id;

    SELECT * INTO o FROM core.orders x WHERE x.order_id = payment.order_id FOR UPDATE;
    IF NOT FOUND THEN
        res.payment_status := 'unknown_order'; res.message := 'no such order';
    ELSIF o.user_id IS NOT NULL AND o.user_id IS DISTINCT FROM payment.user_id THEN
        res.payment_status := 'not_owner'; res.message := 'this order belongs to another customer';
    ELSIF o.status = 'success' THEN
        res.payment_status := 'already_paid'; res.message := 'this order is already paid';
    ELSIF o.status IN ('cancelled', 'refunded') THEN
        res.payment_status := 'cancelled'; res.message := 'this order was cancelled';
    ELSIF o.status IN ('expired', 'fail') OR o.held_until <= statement_timestamp() THEN
        res.payment_status := 'expired'; res.message := 'the hold on these seats has expired';
    ELSE
        -- Lock the order's seats and make sure it still holds every one: a
        -- call that began just before the hold ran out may have waited for
        -- these rows while a newer select_seat took them.
        PERFORM 1 FROM core.showtime_seat ss
          WHERE ss.showtime_id = o.showtime_id
            AND ss.seat_id IN (SELECT t.seat_id FROM core.ticket t WHERE t.order_id = o.order_id)
          ORDER BY ss.seat_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM core.ticket t
                     LEFT JOIN core.showtime_seat ss
                       ON ss.showtime_id = t.showtime_id AND ss.seat_id = t.seat_id
                    WHERE t.order_id = o.order_id
                      AND (t.state <> 'held' OR ss.state IS DISTINCT FROM 'held'
                           OR ss.order_id IS DISTINCT FROM o.order_id)) THEN
            res.payment_status := 'expired'; res.message := 'the hold on these seats has expired';
        END IF;
    END IF;
    IF res.payment_status = 'expired' AND o.status IN ('initiated', 'pending') THEN
        back := core.expire_order(o);
        IF back > 0 THEN
            res.message := res.message || format('; %s cents already paid were refunded', back);
        END IF;
    END IF;
    IF res.payment_status IS NOT NULL THEN
        res.booking_code := o.booking_code;
        PERFORM core.remember(request_id, 'payment', to_jsonb(res));
        RETURN res;
    END IF;

    SELECT coalesce(sum(p.amount_cents), 0) INTO paid FROM core.payment p WHERE p.order_id = o.order_id;
    res.booking_code := o.booking_code;
    BEGIN
        IF jsonb_typeof(payment_info) = 'object' AND payment_info->>'method' = 'split' THEN
            parts := payment_info->'parts';
            IF jsonb_typeof(parts) IS DISTINCT FROM 'array' OR jsonb_array_length(parts) = 0 THEN
                RAISE EXCEPTION 'invalid_payment' USING DETAIL = 'a split payment needs a list of parts';
            END IF;
        ELSE
            parts := jsonb_build_array(payment_info);
        END IF;
        FOR i IN 0 .. jsonb_array_length(parts) - 1 LOOP
            part := core.payment_part(parts->i, o.currency);
            rows := rows || part;
            sum_cents := sum_cents + part.amount_cents;
        END LOOP;
        partial := coalesce(payment_info->>'partial', 'false') = 'true';
        IF sum_cents > o.total_cents - paid OR (sum_cents < o.total_cents - paid AND NOT partial) THEN
            RAISE EXCEPTION 'wrong_amount' USING DETAIL = format('%s cents are due, not %s',
                                                              o.total_cents - paid, sum_cents);
        END IF;
    EXCEPTION WHEN raise_exception THEN
        GET STACKED DIAGNOSTICS res.payment_status = MESSAGE_TEXT, res.message = PG_EXCEPTION_DETAIL;
        res.paid_cents := paid;
        res.due_cents := o.total_cents - paid;
        PERFORM core.remember(request_id, 'payment', to_jsonb(res));
        RETURN res;
    END;

    INSERT INTO core.payment (order_id, method, amount_cents, currency, tendered_cents,
                              card_last4, card_brand, terminal_ref, auth_code)
    SELECT o.order_id, r.method, r.amount_cents, r.currency, r.tendered_cents,
           r.card_last4, r.card_brand, r.terminal_ref, r.auth_code
      FROM unnest(rows) r;
    paid := paid + sum_cents;
    res.paid_cents := paid;
    res.due_cents := o.total_cents - paid;

    IF res.due_cents > 0 THEN
        UPDATE core.orders x SET status = 'pending' WHERE x.order_id = o.order_id;
        res.payment_status := 'partial';
        res.message := format('%s cents still due', res.due_cents);
        PERFORM core.remember(request_id, 'payment', to_jsonb(res));
        RETURN res;
    END IF;

    -- Sell: the seats are locked and still held by this order (checked above).
    UPDATE core.showtime_seat ss SET state = 'sold', held_until = NULL
     WHERE ss.showtime_id = o.showtime_id AND ss.order_id = o.order_id AND ss.state = 'held';
    GET DIAGNOSTICS mine = ROW_COUNT;
    IF mine <> (SELECT count(*) FROM core.ticket t WHERE t.order_id = o.order_id AND t.state = 'held') THEN
        RAISE EXCEPTION 'order % lost a seat while held', o.order_id USING ERRCODE = 'P0002';
    END IF;
    UPDATE core.ticket t SET state = 'sold' WHERE t.order_id = o.order_id AND t.state = 'held';
    UPDATE core.orders x SET status = 'success', paid_at = statement_timestamp(), closed_at = statement_timestamp()
     WHERE x.order_id = o.order_id;
    INSERT INTO core.outbox (kind, recipient, subject, body)
    SELECT 'confirmation', u.email, 'Your tickets: ' || o.booking_code,
           format('Booking %s is paid: %s.', o.booking_code,
                  (SELECT string_agg(s.label, ', ' ORDER BY s.row_no, s.col_no)
                     FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = o.order_id))
      FROM core.app_user u WHERE u.user_id = o.user_id AND u.email IS NOT NULL;

    res.payment_status := 'success';
    res.message := 'paid';
    PERFORM core.remember(request_id, 'payment', to_jsonb(res));
    RETURN res;
END $$;

CREATE TYPE api.payment_start_result AS (
    start_status text,       -- pending | unknown_order | not_owner | expired | not_open
    expire_at    timestamptz,
    due_cents    bigint
);

-- Marks an order as "payment in progress" and gives its hold a little more
-- time, so a card being read does not see its seats expire under it.
CREATE FUNCTION api.payment_start(user_id bigint, order_id bigint, request_id uuid DEFAULT NULL)
RETURNS api.payment_start_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.payment_start_result;
    prev jsonb;
    o core.orders;
BEGIN
    -- Money, and what it stands on, is on disk before the answer, even when
    -- an earlier call in this transaction was a fast hold.
    SET LOCAL synchronous_commit TO DEFAULT;
    prev := core.replay(request_id, 'payment_start');
    IF prev IS NOT NULL THEN
        RETURN jsonb_populate_record(NULL::api.payment_start_result, prev);
    END IF;
    SELECT * INTO o FROM core.orders x WHERE x.order_id = payment_start.order_id FOR UPDATE;
    IF NOT FOUND THEN
        res.start_status := 'unknown_order';
    ELSIF o.user_id IS NOT NULL AND o.user_id IS DISTINCT FROM payment_start.user_id THEN
        res.start_status := 'not_owner';
    ELSIF o.status NOT IN ('initiated', 'pending') THEN
        res.start_status := 'not_open';
    ELSIF o.held_until <= statement_timestamp() THEN
        res.start_status := 'expired';
    ELSE
        res.expire_at := greatest(o.held_until,
                                  statement_timestamp() + make_interval(mins => core.setting_int('payment_extend_minutes', 3)));
        PERFORM 1 FROM core.showtime_seat ss
          WHERE ss.showtime_id = o.showtime_id
            AND ss.seat_id IN (SELECT t.seat_id FROM core.ticket t WHERE t.order_id = o.order_id)
          ORDER BY ss.seat_id FOR UPDATE;
        UPDATE core.showtime_seat ss SET held_until = res.expire_at
         WHERE ss.showtime_id = o.showtime_id AND ss.order_id = o.order_id AND ss.state = 'held';
        UPDATE core.orders x SET status = 'pending', held_until = res.expire_at
         WHERE x.order_id = o.order_id;
        res.start_status := 'pending';
        res.due_cents := o.total_cents - (SELECT coalesce(sum(p.amount_cents), 0)
                                            FROM core.payment p WHERE p.order_id = o.order_id);
    END IF;
    PERFORM core.remember(request_id, 'payment_start', to_jsonb(res));
    RETURN res;
END $$;

CREATE TYPE api.cancel_result AS (
    cancellation_status text, -- cancelled | unknown_order | not_owner | already_cancelled |
                              -- already_refunded | too_late | already_admitted
    refunded_cents bigint,
    message        text
);

-- Cancels an order: an unpaid one releases its seats; a paid one is refunded
-- in full (each payment back the way it came) while the cancellation window
-- is open.
CREATE FUNCTION api.cancel(user_id bigint, order_id bigint, request_id uuid DEFAULT NULL)
RETURNS api.cancel_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.cancel_result;
    prev jsonb;
    o core.orders;
    starts timestamptz;
BEGIN
    -- Money, and what it stands on, is on disk before the answer, even when
    -- an earlier call in this transaction was a fast hold.
    SET LOCAL synchronous_commit TO DEFAULT;
    prev := core.replay(request_id, 'cancel');
    IF prev IS NOT NULL THEN
        RETURN jsonb_populate_record(NULL::api.cancel_result, prev);
    END IF;
    res.refunded_cents := 0;
    SELECT * INTO o FROM core.orders x WHERE x.order_id = cancel.order_id FOR UPDATE;
    SELECT st.starts_at INTO starts FROM core.showtime st WHERE st.showtime_id = o.showtime_id;
    IF NOT FOUND OR o.order_id IS NULL THEN
        res.cancellation_status := 'unknown_order'; res.message := 'no such order';
    ELSIF o.user_id IS NOT NULL AND o.user_id IS DISTINCT FROM cancel.user_id THEN
        res.cancellation_status := 'not_owner'; res.message := 'this order belongs to another customer';
    ELSIF o.status IN ('cancelled', 'expired', 'fail') THEN
        res.cancellation_status := 'already_cancelled'; res.message := 'this order is no longer open';
    ELSIF o.status = 'refunded' THEN
        res.cancellation_status := 'already_refunded'; res.message := 'this order was already refunded';
    ELSIF o.status IN ('initiated', 'pending') THEN
        IF NOT EXISTS (SELECT 1 FROM core.payment p WHERE p.order_id = o.order_id) THEN
            PERFORM core.hold_commit();
        ELSE
            -- A partly paid order: give back what was paid.
            INSERT INTO core.refund (order_id, payment_id, amount_cents, reason)
            SELECT o.order_id, p.payment_id, p.amount_cents, 'cancelled before fully paid'
              FROM core.payment p WHERE p.order_id = o.order_id;
            SELECT coalesce(sum(p.amount_cents), 0) INTO res.refunded_cents
              FROM core.payment p WHERE p.order_id = o.order_id;
        END IF;
        PERFORM core.release_order(o, 'released');
        UPDATE core.orders x SET status = 'cancelled', closed_at = statement_timestamp() WHERE x.order_id = o.order_id;
        res.cancellation_status := 'cancelled'; res.message := 'the seats were released';
    ELSIF EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = o.order_id AND t.admitted_at IS NOT NULL) THEN
        res.cancellation_status := 'already_admitted'; res.message := 'a ticket of this order was used';
    ELSIF statement_timestamp() > starts - make_interval(mins => core.setting_int('cancel_cutoff_minutes', 60)) THEN
        res.cancellation_status := 'too_late';
        res.message := format('refunds close %s minutes before the show',
                              core.setting_int('cancel_cutoff_minutes', 60));
    ELSE
        INSERT INTO core.refund (order_id, payment_id, amount_cents, reason)
        SELECT o.order_id, p.payment_id, p.amount_cents, 'cancelled'
          FROM core.payment p WHERE p.order_id = o.order_id;
        SELECT coalesce(sum(p.amount_cents), 0) INTO res.refunded_cents
          FROM core.payment p WHERE p.order_id = o.order_id;
        PERFORM core.release_order(o, 'refunded');
        UPDATE core.orders x SET status = 'refunded', closed_at = statement_timestamp() WHERE x.order_id = o.order_id;
        INSERT INTO core.outbox (kind, recipient, subject, body)
        SELECT 'refund', u.email, 'Refund for booking ' || o.booking_code,
               format('Booking %s was cancelled and %s.%s %s refunded.', o.booking_code,
                      res.refunded_cents / 100, lpad((res.refunded_cents % 100)::text, 2, '0'), o.currency)
          FROM core.app_user u WHERE u.user_id = o.user_id AND u.email IS NOT NULL;
        res.cancellation_status := 'cancelled'; res.message := 'refunded in full';
    END IF;
    PERFORM core.remember(request_id, 'cancel', to_jsonb(res));
    RETURN res;
END $$;

-- Housekeeping a terminal or cron may call: marks orders whose hold expired,
-- and frees their seats. Correctness never waits for it. Returns how many.
CREATE FUNCTION api.expire_holds() RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    o core.orders;
    n int := 0;
BEGIN
    FOR o IN SELECT * FROM core.orders x
              WHERE x.status IN ('initiated', 'pending') AND x.held_until <= statement_timestamp()
              ORDER BY x.order_id FOR UPDATE SKIP LOCKED LOOP
        PERFORM core.expire_order(o);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
