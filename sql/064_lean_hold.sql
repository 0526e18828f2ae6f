-- 064_lean_hold.sql - the hold through the shared helpers again, and the
-- tickets of expired holds found by their index.
--
-- * The snowflake id, the hold length and the booking code come from the
--   core helpers again, now plain SQL functions that PostgreSQL inlines
--   where they are called, so calling them costs no more than writing them
--   out (060 had copied them into select_seat for speed).
-- * The tickets of expired holds on the wanted seats are released by a
--   probe of the live-ticket index on all three of its keys. It read every
--   past ticket of the seat, so a hold grew slower as a seat's history
--   grew.
-- * The seat-change trigger logs for the relay in one statement (it was
--   two: is a relay running, then log).

-- ---------------------------------------------------------------- helpers

-- Snowflake order id for a node: 41 bits of milliseconds since 2024-01-01
-- UTC, 10 bits of node, 12 bits of sequence. Inlined where it is called.
CREATE FUNCTION core.snowflake(p_node int) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    SELECT ((floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint - 1704067200000) << 22)
         | ((p_node::bigint & 1023) << 12)
         | nextval('core.order_seq')
$$;

CREATE OR REPLACE FUNCTION core.next_order_id(p_node int DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN core.snowflake(coalesce(p_node, core.setting_int('node_id', 1)));
END $$;

-- The Crockford symbols of 40 bits and the mod-37 check symbol, as
-- core.crockford(v, 8) gives them, in one expression (inlined).
CREATE OR REPLACE FUNCTION core.crockford8(v bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((v >> 35) & 31)::int + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((v >> 30) & 31)::int + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((v >> 25) & 31)::int + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((v >> 20) & 31)::int + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((v >> 15) & 31)::int + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((v >> 10) & 31)::int + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((v >> 5) & 31)::int + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (v & 31)::int + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U', (v % 37)::int + 1, 1)
$$;

-- A new booking code: 40 random bits as 8 symbols plus a check symbol.
-- (The bits go through a variable: crockford8 is inlined only when its
-- argument is not volatile, as it reads it nine times.)
CREATE OR REPLACE FUNCTION core.new_booking_code() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v bigint := ('x' || left(replace(gen_random_uuid()::text, '-', ''), 10))::bit(40)::bigint;
BEGIN
    RETURN core.crockford8(v);
END $$;

-- Hold length for this session: the terminal may ask for fewer minutes
-- (SET marquee.hold_minutes), never more than the database allows (p_max,
-- when the caller has read the hold_minutes setting already). Inlined.
CREATE OR REPLACE FUNCTION core.hold_interval(p_max int DEFAULT NULL) RETURNS interval
LANGUAGE sql STABLE AS $$
    SELECT make_interval(secs => 60 * greatest(0.01,
               CASE WHEN current_setting('marquee.hold_minutes', true) ~ '^[0-9]+(\.[0-9]+)?$'
                    THEN least(current_setting('marquee.hold_minutes', true)::numeric,
                               coalesce(p_max, core.setting_int('hold_minutes', 8)))
                    ELSE coalesce(p_max, core.setting_int('hold_minutes', 8)) END))
$$;

-- ---------------------------------------------------------------- seat changes

-- Logs changed showtimes for the relay when one is running (one statement),
-- else NOTIFYs them itself (063).
CREATE OR REPLACE FUNCTION core.notify_seat_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.seat_change (showtime_id)
    SELECT DISTINCT c.showtime_id FROM changed c
     WHERE EXISTS (SELECT 1 FROM core.seat_relay_lease l WHERE l.until >= clock_timestamp());
    IF NOT FOUND THEN
        PERFORM pg_notify('seat_change', s.showtime_id::text)
           FROM (SELECT DISTINCT showtime_id FROM changed) s;
    END IF;
    RETURN NULL;
END $$;

-- ---------------------------------------------------------------- the hold

CREATE OR REPLACE FUNCTION api.select_seat(user_id bigint, showtime_id bigint, seats text[],
                                terminal text, request_id uuid DEFAULT NULL)
RETURNS api.select_seat_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.select_seat_result;
    prev jsonb;
    st record;
    n int := cardinality(seats);
    labels text[];
    ids bigint[];
    prices bigint[];
    nfree int;
    expired bigint[];
    sid bigint;
    busy text[];
    oid bigint;
    until timestamptz;
    code text;
BEGIN
    IF request_id IS NOT NULL THEN
        prev := core.replay(request_id, 'select_seat');
        IF prev IS NOT NULL THEN
            RETURN jsonb_populate_record(NULL::api.select_seat_result, prev);
        END IF;
    END IF;

    -- The showtime, its currency and adult price, and the settings a hold
    -- needs, in one probe.
    SELECT s.showtime_id, s.auditorium_id, s.starts_at, s.cancelled, pp.currency,
           p.amount_cents AS adult, x.node, x.hold_max, x.fast
      INTO st
      FROM core.showtime s
      JOIN core.price_plan pp ON pp.price_plan_id = s.price_plan_id
      LEFT JOIN core.price p ON p.price_plan_id = s.price_plan_id AND p.type_code = 'adult'
     CROSS JOIN (SELECT coalesce(max(value) FILTER (WHERE name = 'node_id'), '1')::int AS node,
                        coalesce(max(value) FILTER (WHERE name = 'hold_minutes'), '8')::int AS hold_max,
                        coalesce(max(value) FILTER (WHERE name = 'hold_commit'), 'fast') = 'fast' AS fast
                   FROM core.setting WHERE name IN ('node_id', 'hold_minutes', 'hold_commit')) x
     WHERE s.showtime_id = select_seat.showtime_id;

    -- Under hold_commit 'fast' every outcome of a hold commits without
    -- waiting for the disk: a refused call has still locked rows.
    IF st.fast THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;

    -- The wanted labels, trimmed and in upper case; one or two without a query.
    IF n = 1 THEN
        labels := ARRAY[upper(btrim(seats[1]))];
    ELSIF n = 2 AND upper(btrim(seats[1])) IS DISTINCT FROM upper(btrim(seats[2])) THEN
        labels := ARRAY[upper(btrim(seats[1])), upper(btrim(seats[2]))];
    ELSIF n > 0 THEN
        SELECT array_agg(DISTINCT upper(btrim(x))) INTO labels FROM unnest(seats) x;
    END IF;

    IF st.showtime_id IS NULL OR st.cancelled THEN
        res.selection_status := 'unknown_showtime';
        res.message := 'no such showtime';
    ELSIF statement_timestamp() > st.starts_at + interval '20 minutes' THEN
        res.selection_status := 'sales_closed';
        res.message := 'this showtime has started; sales are closed';
    ELSIF seats IS NULL OR n = 0 OR array_position(seats, NULL) IS NOT NULL THEN
        res.selection_status := 'no_seats';
        res.message := 'no seats were given';
    ELSIF n > 20 THEN
        res.selection_status := 'too_many_seats';
        res.message := 'at most 20 seats can be held in one order';
    ELSIF cardinality(labels) <> n THEN
        res.selection_status := 'duplicate_seats';
        res.message := 'a seat was given more than once';
    ELSIF user_id IS NOT NULL AND NOT core.user_active(user_id) THEN
        res.selection_status := 'unknown_user';
        res.message := 'no such customer';
    ELSE
        -- Lock the wanted seats in seat_id order (the lock order everywhere)
        -- and see which are free now and what each costs: the adult price
        -- plus the seat kind's surcharge. Either way one index probe per
        -- label: one or two labels (nearly every sale) as a list, more
        -- through LATERAL (OFFSET 0 keeps the generic plan from scanning
        -- the whole hall for "label = ANY"). The rows arrive in seat_id
        -- order, and the aggregates keep it.
        IF n <= 2 THEN
            SELECT array_agg(l.seat_id), array_agg(l.price), sum(l.price),
                   count(*) FILTER (WHERE l.free),
                   array_agg(l.seat_id) FILTER (WHERE l.free AND l.state = 'held'),
                   array_agg(l.label) FILTER (WHERE NOT l.free)
              INTO ids, prices, res.total_cents, nfree, expired, busy
              FROM (SELECT ss.seat_id, ss.state, s.label, st.adult + k.surcharge_cents AS price,
                           ss.state = 'available' OR
                               (ss.state = 'held' AND ss.held_until <= statement_timestamp()) AS free
                      FROM core.seat s
                      JOIN core.showtime_seat ss ON ss.showtime_id = st.showtime_id AND ss.seat_id = s.seat_id
                      JOIN core.seat_kind k ON k.kind = s.kind
                     WHERE s.auditorium_id = st.auditorium_id AND s.label IN (labels[1], labels[2])
                     ORDER BY ss.seat_id
                       FOR UPDATE OF ss) l;
        ELSE
            SELECT array_agg(l.seat_id), array_agg(l.price), sum(l.price),
                   count(*) FILTER (WHERE l.free),
                   array_agg(l.seat_id) FILTER (WHERE l.free AND l.state = 'held'),
                   array_agg(l.label) FILTER (WHERE NOT l.free)
              INTO ids, prices, res.total_cents, nfree, expired, busy
              FROM (SELECT ss.seat_id, ss.state, s.label, st.adult + k.surcharge_cents AS price,
                           ss.state = 'available' OR
                               (ss.state = 'held' AND ss.held_until <= statement_timestamp()) AS free
                      FROM unnest(labels) AS w(label)
                     CROSS JOIN LATERAL (SELECT x.seat_id, x.label, x.kind FROM core.seat x
                                          WHERE x.auditorium_id = st.auditorium_id AND x.label = w.label
                                         OFFSET 0) s
                      JOIN core.showtime_seat ss ON ss.seat_id = s.seat_id AND ss.showtime_id = st.showtime_id
                      JOIN core.seat_kind k ON k.kind = s.kind
                     ORDER BY ss.seat_id
                       FOR UPDATE OF ss) l;
        END IF;
        IF coalesce(cardinality(ids), 0) <> n THEN
            res.selection_status := 'unknown_seat';
            SELECT 'not a seat for sale in this hall: ' || string_agg(x, ', ' ORDER BY x)
              INTO res.message
              FROM unnest(labels) x
             WHERE NOT EXISTS (SELECT 1 FROM core.seat s JOIN core.showtime_seat ss
                                 ON ss.seat_id = s.seat_id AND ss.showtime_id = st.showtime_id
                                WHERE s.auditorium_id = st.auditorium_id AND s.label = x);
        ELSIF nfree <> n THEN
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
    -- One seat at a time, probing the live-seat index on all three of its
    -- keys, so a seat's past tickets are not read. (With the seats as a
    -- list the generic plan reads every live ticket of the showtime.)
    FOREACH sid IN ARRAY coalesce(expired, '{}') LOOP
        UPDATE core.ticket t SET state = 'released'
         WHERE t.showtime_id = st.showtime_id AND t.seat_id = sid
           AND (CASE WHEN t.state IN ('held', 'sold') THEN 0 ELSE t.ticket_id END) = 0
           AND t.state = 'held';
    END LOOP;

    oid := core.snowflake(st.node);
    until := statement_timestamp() + core.hold_interval(st.hold_max);
    LOOP
        code := core.new_booking_code();
        EXIT WHEN NOT EXISTS (SELECT 1 FROM core.orders o WHERE o.booking_code = code);
    END LOOP;

    WITH o AS (
        INSERT INTO core.orders (order_id, booking_code, user_id, showtime_id, status, terminal,
                                 staff_id, currency, total_cents, held_until)
        VALUES (oid, code, select_seat.user_id, st.showtime_id, 'initiated',
                coalesce(select_seat.terminal, ''), core.session_staff(), st.currency,
                res.total_cents, until)),
    t AS (
        INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
        SELECT oid, st.showtime_id, x.seat_id, 'adult', x.price, 'held'
          FROM unnest(ids, prices) AS x(seat_id, price))
    UPDATE core.showtime_seat ss SET state = 'held', order_id = oid, held_until = until
     WHERE ss.showtime_id = st.showtime_id AND ss.seat_id = ANY (ids);

    res.selection_status := 'held';
    res.order_id := oid;
    res.expire_at := until;
    res.booking_code := code;
    res.currency := st.currency;
    res.message := n || ' seat(s) held';
    IF request_id IS NOT NULL THEN
        PERFORM core.remember(request_id, 'select_seat', to_jsonb(res));
    END IF;
    RETURN res;
END $$;

REVOKE ALL ON FUNCTION core.snowflake(int) FROM PUBLIC;
