-- 70-hold.sql - holding seats: api.select_seat (the hold), the ticket types
-- of a held order, how long a hold lasts and how it commits, the release of
-- a hold, and the minute's sweep of expired holds.

-- Hold length for this session: the terminal may ask for fewer minutes
-- (SET marquee.hold_minutes), never more than the database allows (p_max,
-- when the caller has read the hold_minutes setting already). Inlined.
CREATE FUNCTION core.hold_interval(p_max int DEFAULT NULL) RETURNS interval
LANGUAGE sql STABLE AS $$
    SELECT make_interval(secs => 60 * greatest(0.01,
               CASE WHEN current_setting('marquee.hold_minutes', true) ~ '^[0-9]+(\.[0-9]+)?$'
                    THEN least(current_setting('marquee.hold_minutes', true)::numeric,
                               coalesce(p_max, core.setting_int('hold_minutes', 8)))
                    ELSE coalesce(p_max, core.setting_int('hold_minutes', 8)) END))
$$;

-- With the hold_commit setting 'fast', lets this transaction commit without
-- waiting for the disk (only ever for holds and releases, never money).
CREATE FUNCTION core.hold_commit() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF core.setting_text('hold_commit', 'durable') = 'fast' THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
END $$;

-- Writes the tickets of a held order that has none yet: the lines
-- core.order_lines_of gives its hold (one adult ticket per seat whose row
-- still carries the order, at the held price). Call with the order row
-- locked. The seat rows are share-locked first, in seat order, by a
-- statement of their own; the insert reads with a new snapshot, so a seat
-- that a select_seat took over meanwhile is not written. A ticket of an
-- earlier hold on the same seat (its hold ran out and select_seat took the
-- seat over) is released first: it is dead and in the way of the unique
-- live-ticket index.
CREATE FUNCTION core.write_hold_tickets(p_order core.orders) RETURNS void
LANGUAGE sql VOLATILE AS $$
    SELECT 1 FROM core.showtime_seat ss
     WHERE ss.showtime_id = p_order.showtime_id AND ss.seat_id = ANY (p_order.hold_seats)
       AND ss.order_id = p_order.order_id AND ss.state = 'held'
     ORDER BY ss.seat_id FOR SHARE;
    -- Held tickets of an earlier hold on these seats, whose rows carry this
    -- order now: dead, and in the way of the unique live-ticket index. One
    -- probe of that index a seat (OFFSET 0 keeps it so), so the showtime's
    -- other live tickets and the seat's past ones are not read.
    UPDATE core.ticket t SET state = 'released'
     WHERE t.ticket_id IN (
           SELECT x.ticket_id
             FROM core.showtime_seat ss
            CROSS JOIN LATERAL (SELECT o.ticket_id FROM core.ticket o
                                 WHERE o.showtime_id = ss.showtime_id AND o.seat_id = ss.seat_id
                                   AND (CASE WHEN o.state IN ('held', 'sold') THEN 0 ELSE o.ticket_id END) = 0
                                   AND o.state = 'held' AND o.order_id <> p_order.order_id
                                OFFSET 0) x
            WHERE ss.showtime_id = p_order.showtime_id AND ss.seat_id = ANY (p_order.hold_seats)
              AND ss.order_id = p_order.order_id AND ss.state = 'held');
    INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
    SELECT p_order.order_id, p_order.showtime_id, l.seat_id, l.type_code, l.price_cents, l.state
      FROM core.order_lines_of(p_order.order_id) l
     WHERE l.ticket_id IS NULL;
$$;

-- Releases what an order still holds: its seat rows (found through
-- hold_seats, locked in seat_id order) become available, its live tickets
-- take p_ticket_state.
CREATE FUNCTION core.release_order(p_order core.orders, p_ticket_state text)
RETURNS void
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM 1 FROM core.showtime_seat
      WHERE showtime_id = p_order.showtime_id AND seat_id = ANY (p_order.hold_seats)
      ORDER BY seat_id FOR UPDATE;
    UPDATE core.showtime_seat
       SET state = 'available', order_id = NULL, held_until = NULL
     WHERE showtime_id = p_order.showtime_id AND seat_id = ANY (p_order.hold_seats) AND order_id = p_order.order_id;
    UPDATE core.ticket SET state = p_ticket_state
     WHERE order_id = p_order.order_id AND state IN ('held', 'sold');
END $$;

CREATE TYPE api.select_seat_result AS (
    selection_status text,   -- held | no_session | unknown_showtime | sales_closed | no_seats |
                             -- too_many_seats | duplicate_seats | unknown_seat |
                             -- unavailable | too_many_holds | terminal_busy
    order_id     bigint,
    expire_at    timestamptz,
    total_cents  bigint,
    booking_code text,
    currency     text,
    message      text
);

-- Why session w may not hold now, or NULL: the holds of the session
-- (p_per_session) and of this database login (p_per_device) in the last
-- minute; 0 is no limit. A hold that may go ahead is counted. Every attempt
-- counts, held or not: a limit on tries, not on seats.
CREATE FUNCTION core.hold_limit(w core.who, p_per_session int, p_per_device int) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF p_per_session > 0 AND
       core.rate_count('hold:' || w.session_id, interval '1 minute', p_per_session) >= p_per_session THEN
        RETURN 'too_many_holds';
    END IF;
    IF p_per_device > 0 AND
       core.rate_count('hold-device:' || session_user, interval '1 minute', p_per_device) >= p_per_device THEN
        RETURN 'terminal_busy';
    END IF;
    INSERT INTO core.rate_event (bucket, at, ok)
    SELECT b, statement_timestamp(), true
      FROM (VALUES ('hold:' || w.session_id, p_per_session), ('hold-device:' || session_user, p_per_device)) x(b, lim)
     WHERE x.lim > 0;
    RETURN NULL;
END $$;

-- Holds all the given seats of a showtime for a new order, or none of them.
-- A seat is taken when it is available or its hold has run out (by the
-- database clock); the order records the seats and their prices
-- (hold_seats, hold_prices) and its tickets are written only when ticket
-- types or payment need them. The order belongs to the session: its
-- terminal, its account (a customer's) and its staff member (a cashier's or
-- manager's) are the session's. At most max_seats_per_hold seats a hold,
-- and holds_per_minute a session (holds_per_minute_device a device). Three statements: the probe (showtime, price,
-- policy, relay, and why the call is refused if it is), the seat lock (not
-- needed for one seat that is free: the update that writes the order takes
-- it), and one statement writing the order, its seat rows and the change
-- log. It plans as for data in memory (random_page_cost 1.1): with the
-- default of 4 the probe read the showtimes one by one instead of probing
-- their primary key.
CREATE FUNCTION api.select_seat(session text, showtime_id bigint, seats text[],
                                request_id uuid DEFAULT NULL)
RETURNS api.select_seat_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 AS $$
#variable_conflict use_column
DECLARE
    res api.select_seat_result;
    prev jsonb;
    st record;
    labels text[];
    ids bigint[];
    prices bigint[];
    nfree int;
    bits bigint;
    code text;
    ignored text;
    w core.who;
    token bytea := core.token_digest(session);
BEGIN
    IF request_id IS NOT NULL THEN
        prev := core.replay(request_id, 'select_seat');
        IF prev IS NOT NULL THEN
            RETURN jsonb_populate_record(NULL::api.select_seat_result, prev);
        END IF;
    END IF;

    -- The showtime, its currency and adult price, the hold policy, whether
    -- a relay announces seat changes, the session (core.session_live), and
    -- why the call is refused if it is. One or two wanted labels (nearly
    -- every sale) are trimmed and upper-cased here too.
    SELECT l.session_id, l.user_id, l.role, l.terminal, l.last_seen,
           s.showtime_id, s.auditorium_id, pp.currency, pp.adult_cents AS adult, h.node, h.hold_max, h.fast,
           h.relay_until >= clock_timestamp() AS relay,
           CASE WHEN s.cancelled THEN 'unknown_showtime'
                WHEN statement_timestamp() > s.starts_at + interval '20 minutes' THEN 'sales_closed'
                WHEN seats IS NULL OR cardinality(seats) = 0 OR array_position(seats, NULL) IS NOT NULL
                    THEN 'no_seats'
                WHEN cardinality(seats) > h.max_seats THEN 'too_many_seats'
           END AS refusal,
           CASE cardinality(seats)
                WHEN 1 THEN ARRAY[upper(btrim(seats[1]))]
                WHEN 2 THEN ARRAY[upper(btrim(seats[1])), upper(btrim(seats[2]))]
           END AS labels, h.max_seats, h.per_session, h.per_device
      INTO st
      FROM core.showtime s
      JOIN core.price_plan pp ON pp.price_plan_id = s.price_plan_id
     CROSS JOIN core.hold_policy h
      LEFT JOIN LATERAL core.session_live(token, h.session_idle) l ON true
     WHERE s.showtime_id = select_seat.showtime_id;

    -- Under hold_commit 'fast' every outcome of a hold commits without
    -- waiting for the disk: a refused call has still locked rows.
    IF st.fast THEN
        ignored := set_config('synchronous_commit', 'off', true);
    END IF;

    -- Who holds: the session the probe found (its idle clock restarted
    -- when due, as core.session_who does), or, for a showtime that is not
    -- there, core.session_who.
    IF st.showtime_id IS NULL THEN
        w := core.session_who(session);
    ELSIF st.session_id IS NOT NULL THEN
        w := ROW(st.session_id, st.user_id, st.role, st.terminal);
        IF core.session_seen_due(st.last_seen) THEN
            PERFORM core.session_seen(st.session_id);
        END IF;
    END IF;
    IF w.session_id IS NULL THEN
        res.selection_status := 'no_session';
    ELSIF st.showtime_id IS NULL THEN
        res.selection_status := 'unknown_showtime';
    ELSIF st.refusal IS NOT NULL THEN
        res.selection_status := st.refusal;
    ELSE
        labels := st.labels;
        IF labels IS NULL THEN
            SELECT array_agg(DISTINCT upper(btrim(x))) INTO labels FROM unnest(seats) x;
        END IF;
        IF cardinality(labels) <> cardinality(seats) OR labels[1] = labels[2] THEN
            res.selection_status := 'duplicate_seats';
        ELSIF st.per_session > 0 OR st.per_device > 0 THEN
            res.selection_status := core.hold_limit(w, st.per_session, st.per_device);
        END IF;
    END IF;
    IF res.selection_status IS NOT NULL THEN
        res.message := CASE res.selection_status
                           WHEN 'no_session' THEN 'the session has ended: start again'
                           WHEN 'unknown_showtime' THEN 'no such showtime'
                           WHEN 'sales_closed' THEN 'this showtime has started; sales are closed'
                           WHEN 'no_seats' THEN 'no seats were given'
                           WHEN 'too_many_seats' THEN format('at most %s seats can be held in one order', st.max_seats)
                           WHEN 'duplicate_seats' THEN 'a seat was given more than once'
                           WHEN 'too_many_holds' THEN 'too many holds in a minute: wait a minute and try again'
                           WHEN 'terminal_busy' THEN 'this terminal made too many holds in a minute: wait a minute'
                           END;
    ELSE
        -- One seat that is free now, or whose hold has run out (nearly
        -- every single sale), is taken by the statement that writes its
        -- order, with no lock beforehand: its row is locked by the update,
        -- which reads it again if another has just changed it. A seat that
        -- is held, sold or not in the hall is left to the lock below, which
        -- says why. So is a booking code that is in use (the update then
        -- writes nothing).
        IF st.labels IS NOT NULL AND st.labels[2] IS NULL THEN
            bits := ('x' || right(gen_random_uuid()::text, 10))::bit(40)::bigint;
            code := core.crockford8(bits);
            WITH u AS (
                UPDATE core.showtime_seat ss
                   SET state = 'held', order_id = core.snowflake(st.node),
                       held_until = statement_timestamp() + core.hold_interval(st.hold_max)
                  FROM core.seat s JOIN core.seat_kind k ON k.kind = s.kind
                 WHERE s.auditorium_id = st.auditorium_id AND s.label = labels[1]
                   AND ss.showtime_id = st.showtime_id AND ss.seat_id = s.seat_id
                   AND core.seat_free(ss.state, ss.held_until)
                   AND NOT EXISTS (SELECT 1 FROM core.orders x WHERE x.booking_code = code)
                RETURNING ss.seat_id, ss.order_id, ss.held_until, st.adult + k.surcharge_cents AS price),
            o AS (
                INSERT INTO core.orders (order_id, booking_code, user_id, session_id, showtime_id, status,
                                         terminal, staff_id, currency, total_cents, held_until, hold_seats,
                                         hold_prices)
                SELECT u.order_id, code, core.who_customer(w), w.session_id, st.showtime_id, 'initiated',
                       w.terminal, core.who_staff(w), st.currency, u.price,
                       u.held_until, ARRAY[u.seat_id], ARRAY[u.price]
                  FROM u
                RETURNING order_id, held_until, total_cents),
            c AS (
                INSERT INTO core.seat_change (showtime_id)
                SELECT st.showtime_id FROM o WHERE st.relay)
            SELECT o.order_id, o.held_until, o.total_cents INTO res.order_id, res.expire_at, res.total_cents
              FROM o;
            IF FOUND THEN
                res.booking_code := code;
            END IF;
        END IF;
    END IF;
    IF res.selection_status IS NULL AND res.order_id IS NULL THEN
        -- Lock the wanted seats in seat_id order (the lock order everywhere)
        -- and see which are free now and what each costs: the adult price
        -- plus the seat kind's surcharge. Either way one index probe per
        -- label: one or two labels (nearly every sale) as a list, more
        -- through LATERAL (OFFSET 0 keeps the generic plan from scanning
        -- the whole hall for "label = ANY"). The rows arrive in seat_id
        -- order, and the aggregates keep it.
        IF st.labels IS NOT NULL THEN
            SELECT array_agg(l.seat_id), array_agg(l.price), sum(l.price), count(*) FILTER (WHERE l.free)
              INTO ids, prices, res.total_cents, nfree
              FROM (SELECT ss.seat_id, st.adult + k.surcharge_cents AS price,
                           core.seat_free(ss.state, ss.held_until) AS free
                      FROM core.seat s
                      JOIN core.showtime_seat ss ON ss.showtime_id = st.showtime_id AND ss.seat_id = s.seat_id
                      JOIN core.seat_kind k ON k.kind = s.kind
                     WHERE s.auditorium_id = st.auditorium_id AND s.label IN (labels[1], labels[2])
                     ORDER BY ss.seat_id
                       FOR UPDATE OF ss) l;
        ELSE
            SELECT array_agg(l.seat_id), array_agg(l.price), sum(l.price), count(*) FILTER (WHERE l.free)
              INTO ids, prices, res.total_cents, nfree
              FROM (SELECT ss.seat_id, st.adult + k.surcharge_cents AS price,
                           core.seat_free(ss.state, ss.held_until) AS free
                      FROM unnest(labels) AS w(label)
                     CROSS JOIN LATERAL (SELECT x.seat_id, x.kind FROM core.seat x
                                          WHERE x.auditorium_id = st.auditorium_id AND x.label = w.label
                                         OFFSET 0) s
                      JOIN core.showtime_seat ss ON ss.seat_id = s.seat_id AND ss.showtime_id = st.showtime_id
                      JOIN core.seat_kind k ON k.kind = s.kind
                     ORDER BY ss.seat_id
                       FOR UPDATE OF ss) l;
        END IF;
        -- Refusals say which seats; the rows are ours now, so reading them
        -- again sees what the lock saw.
        IF coalesce(cardinality(ids), 0) <> cardinality(labels) THEN
            res.selection_status := 'unknown_seat';
            SELECT 'not a seat for sale in this hall: ' || string_agg(x, ', ' ORDER BY x)
              INTO res.message
              FROM unnest(labels) x
             WHERE NOT EXISTS (SELECT 1 FROM core.seat s JOIN core.showtime_seat ss
                                 ON ss.seat_id = s.seat_id AND ss.showtime_id = st.showtime_id
                                WHERE s.auditorium_id = st.auditorium_id AND s.label = x);
        ELSIF nfree <> cardinality(labels) THEN
            res.selection_status := 'unavailable';
            SELECT 'already taken: ' || string_agg(s.label, ', ' ORDER BY ss.seat_id)
              INTO res.message
              FROM core.showtime_seat ss JOIN core.seat s ON s.seat_id = ss.seat_id
             WHERE ss.showtime_id = st.showtime_id AND ss.seat_id = ANY (ids)
               AND NOT core.seat_free(ss.state, ss.held_until);
        END IF;
    END IF;
    IF res.selection_status IS NOT NULL THEN
        res.total_cents := NULL;
        IF request_id IS NOT NULL THEN
            PERFORM core.remember(request_id, 'select_seat', to_jsonb(res));
        END IF;
        RETURN res;
    END IF;

    -- The order, its seat rows and, with a relay running, the change for it
    -- to announce, in one statement. The booking code is 40 random bits in
    -- Crockford base32 with its check symbol (core.crockford8); a code
    -- already in use writes nothing, and another is drawn.
    WHILE res.order_id IS NULL LOOP
        bits := ('x' || right(gen_random_uuid()::text, 10))::bit(40)::bigint;
        WITH o AS (
            INSERT INTO core.orders (order_id, booking_code, user_id, session_id, showtime_id, status,
                                     terminal, staff_id, currency, total_cents, held_until, hold_seats,
                                     hold_prices)
            VALUES (core.snowflake(st.node), core.crockford8(bits), core.who_customer(w), w.session_id,
                    st.showtime_id, 'initiated', w.terminal, core.who_staff(w), st.currency,
                    res.total_cents, statement_timestamp() + core.hold_interval(st.hold_max), ids, prices)
            ON CONFLICT (booking_code) DO NOTHING
            RETURNING order_id, booking_code, held_until),
        u AS (
            UPDATE core.showtime_seat ss SET state = 'held', order_id = o.order_id, held_until = o.held_until
              FROM o
             WHERE ss.showtime_id = st.showtime_id AND ss.seat_id = ANY (ids)),
        c AS (
            INSERT INTO core.seat_change (showtime_id)
            SELECT st.showtime_id FROM o WHERE st.relay)
        SELECT o.order_id, o.held_until, o.booking_code INTO res.order_id, res.expire_at, res.booking_code
          FROM o;
    END LOOP;
    IF NOT st.relay THEN
        PERFORM pg_notify('seat_change', st.showtime_id || ':' || core.seat_version_of(st.showtime_id));
    END IF;

    res.selection_status := 'held';
    res.currency := st.currency;
    res.message := cardinality(labels) || ' seat(s) held';
    IF request_id IS NOT NULL THEN
        PERFORM core.remember(request_id, 'select_seat', to_jsonb(res));
    END IF;
    RETURN res;
END $$;

-- Why ticket type p_type may not go on seat p_seat_id of order p_order_id,
-- or NULL when it may: a companion ticket goes only on a companion seat of
-- an order that also holds a wheelchair place.
CREATE FUNCTION core.type_refusal(p_order_id bigint, p_seat_id bigint, p_type text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_type IS DISTINCT FROM 'companion' THEN NULL
        WHEN (SELECT s.kind FROM core.seat s WHERE s.seat_id = p_seat_id) <> 'companion'
            THEN 'a companion ticket goes only on a companion seat'
        WHEN NOT EXISTS (SELECT 1 FROM core.ticket t JOIN core.seat s USING (seat_id)
                          WHERE t.order_id = p_order_id AND t.state IN ('held', 'sold')
                            AND s.kind = 'wheelchair')
            THEN 'a companion ticket goes with a wheelchair place in the same order'
    END
$$;

CREATE TYPE api.set_ticket_types_result AS (
    types_status text,       -- repriced | no_session | unknown_order | not_open | expired | paid_in_part |
                             -- unknown_seat | unknown_type | type_refused
    total_cents  bigint,
    expire_at    timestamptz,
    message      text
);

-- Sets the ticket type of seats of a held order ({"F12":"child", ...}) and
-- reprices it; the database decides every price. Seats not named keep their
-- type. All or nothing. The order's tickets are written first if they were
-- not; answers expired if a seat of the order has gone.
CREATE FUNCTION api.set_ticket_types(session text, order_id bigint, types jsonb, request_id uuid DEFAULT NULL)
RETURNS api.set_ticket_types_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.set_ticket_types_result;
    w core.who;
    o core.orders;
    k text;
    v text;
    tid bigint;
BEGIN
    res := core.replay_as(request_id, 'set_ticket_types', res);
    IF res.types_status IS NOT NULL THEN RETURN res; END IF;
    w := core.session_who(session);
    o := core.order_for(w, set_ticket_types.order_id);
    res.types_status := core.order_refusal(w, o);
    IF res.types_status IS NOT NULL THEN
        res.message := core.refusal_words(res.types_status);
    ELSIF o.status NOT IN ('initiated', 'pending') THEN
        res.types_status := 'not_open'; res.message := 'this order is no longer open';
    ELSIF o.held_until <= now() THEN
        res.types_status := 'expired'; res.message := 'the hold on these seats has expired';
    ELSIF core.order_paid(o.order_id) > 0 THEN
        res.types_status := 'paid_in_part'; res.message := 'part of this order is paid; prices are fixed';
    ELSIF jsonb_typeof(types) IS DISTINCT FROM 'object' THEN
        res.types_status := 'unknown_seat'; res.message := 'types must map seats to ticket types';
    END IF;
    IF res.types_status IS NULL THEN
        -- Its tickets, written now if they were not; a seat taken over the
        -- moment its hold ran out has none (write_hold_tickets).
        PERFORM core.write_hold_tickets(o);
        IF (SELECT count(*) FROM core.ticket t WHERE t.order_id = o.order_id AND t.state = 'held')
           <> cardinality(o.hold_seats) THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'expired',
                                  DETAIL = 'the hold on these seats has expired';
        END IF;
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
            res.message := core.type_refusal(o.order_id, (SELECT seat_id FROM core.ticket WHERE ticket_id = tid), v);
            IF res.message IS NOT NULL THEN
                res.types_status := 'type_refused';
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

CREATE TYPE api.select_accessible_result AS (
    selection_status text,   -- held | no_pair, or a refusal of api.select_seat
    order_id     bigint,
    expire_at    timestamptz,
    total_cents  bigint,
    booking_code text,
    currency     text,
    message      text,
    wheelchair   text,       -- the wheelchair place held
    companion    text        -- the companion seat beside it
);

-- Best available for a wheelchair user with a companion: holds, in one
-- order and all at once (api.select_seat), a free wheelchair place and the
-- free companion seat beside it in the same row, the pair nearest the
-- middle of the hall first; the companion seat gets the companion ticket
-- type when the showtime's plan prices it (else it stays adult, and the
-- message says so). A pair taken meanwhile by another terminal is passed
-- over for the next. no_pair: no such pair is free.
CREATE FUNCTION api.select_accessible(session text, showtime_id bigint, request_id uuid DEFAULT NULL)
RETURNS api.select_accessible_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.select_accessible_result;
    held api.select_seat_result;
    typed api.set_ticket_types_result;
    pair record;
    priced boolean;
BEGIN
    res := core.replay_as(request_id, 'select_accessible', res);
    IF res.selection_status IS NOT NULL THEN RETURN res; END IF;
    IF (core.session_who(session)).session_id IS NULL THEN
        res.selection_status := 'no_session';
        res.message := core.refusal_words('no_session');
        RETURN res;
    END IF;
    SELECT EXISTS (SELECT 1 FROM core.showtime st JOIN core.price p USING (price_plan_id)
                    WHERE st.showtime_id = select_accessible.showtime_id AND p.type_code = 'companion')
      INTO priced;
    FOR pair IN
        SELECT ws.label AS wheelchair, cs.label AS companion
          FROM core.showtime st
          JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
          JOIN core.seat ws ON ws.auditorium_id = st.auditorium_id AND ws.kind = 'wheelchair'
          JOIN core.seat cs ON cs.auditorium_id = st.auditorium_id AND cs.kind = 'companion'
                           AND cs.row_no = ws.row_no AND abs(cs.col_no - ws.col_no) = 1
          JOIN core.showtime_seat wss ON wss.showtime_id = st.showtime_id AND wss.seat_id = ws.seat_id
          JOIN core.showtime_seat css ON css.showtime_id = st.showtime_id AND css.seat_id = cs.seat_id
         WHERE st.showtime_id = select_accessible.showtime_id
           AND core.seat_free(wss.state, wss.held_until) AND core.seat_free(css.state, css.held_until)
         ORDER BY abs(2 * ws.col_no - a.cols - 1), ws.row_no DESC, ws.col_no
         LIMIT 6
    LOOP
        held := api.select_seat(session, select_accessible.showtime_id, ARRAY[pair.wheelchair, pair.companion]);
        EXIT WHEN held.selection_status <> 'unavailable';
    END LOOP;
    IF held.selection_status IS NULL OR held.selection_status = 'unavailable' THEN
        res.selection_status := 'no_pair';
        res.message := 'no wheelchair place with a free companion seat beside it';
    ELSIF held.selection_status <> 'held' THEN
        res.selection_status := held.selection_status;
        res.message := held.message;
    ELSE
        res := ROW(held.selection_status, held.order_id, held.expire_at, held.total_cents, held.booking_code,
                   held.currency, NULL, pair.wheelchair, pair.companion);
        IF priced THEN
            typed := api.set_ticket_types(session, held.order_id, jsonb_build_object(pair.companion, 'companion'));
            IF typed.types_status <> 'repriced' THEN
                RAISE EXCEPTION 'select_accessible: companion ticket refused: %', typed.message;
            END IF;
            res.total_cents := typed.total_cents;
            res.message := format('wheelchair place %s and companion seat %s held', pair.wheelchair,
                                  pair.companion);
        ELSE
            res.message := format('wheelchair place %s and companion seat %s held; this showtime has no'
                                  ' companion price, so the companion pays the full price',
                                  pair.wheelchair, pair.companion);
        END IF;
    END IF;
    PERFORM core.remember(request_id, 'select_accessible', to_jsonb(res));
    RETURN res;
END $$;
