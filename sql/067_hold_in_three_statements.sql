-- 067_hold_in_three_statements.sql - a hold in three statements, with
-- less for PostgreSQL to set up in each.
--
-- Counted with callgrind over a single-user backend (bench/count.sh, `make
-- bench-count`), a spread hold ran 1.36 million instructions, 3.6 times a
-- pgbench -N transaction. Most of them set up plans and expressions again
-- for every call: PostgreSQL keeps a function's plans between calls, not
-- their executor state. So:
-- * The enumerated columns a hold writes (orders.status, orders.total_cents,
--   showtime_seat.state) are domains instead of CHECK constraints.
--   PostgreSQL reads a table's CHECK constraints back from their stored text
--   and plans them again for every statement that writes the table; a
--   domain's check is kept planned in its type cache. (The two checks that
--   tie a seat row's state to its order and expiry stay: they are about two
--   columns each.)
-- * The three settings a hold reads (node_id, hold_minutes, hold_commit) are
--   kept as one typed row, core.hold_policy, which a trigger on core.setting
--   writes again whenever a setting changes: one row read instead of an
--   aggregate over the settings. A value that is not a number is refused
--   when it is set, not at the next sale.
-- * select_seat plans as for data in memory (random_page_cost 1.1, the
--   value usually given for SSDs): with PostgreSQL's default of 4, the
--   probe read all 224 showtimes of the demo one by one rather than probe
--   their primary key, about a twelfth of a hold.
-- * A hold logs its own seat change for the relay, in the statement that
--   writes it. Other seat changes are logged row by row by a trigger that a
--   hold does not fire (its seats become 'held'; nothing else makes a seat
--   held): the statement-level trigger kept every updated row in a
--   transition table and ran a query over it for every hold.
-- * select_seat runs three statements: the probe (showtime, prices,
--   policy, whether a relay runs, and why the call is refused if it is),
--   the seat lock, and one statement writing the order, its seat rows and
--   the change log. The booking code is drawn in that statement; a code in
--   use (ON CONFLICT) writes nothing and another is drawn.
-- Callgrind (bench/count.sh, pairs of seats): 1.09 million instructions a
-- hold (1.36 before).

-- ---------------------------------------------------------------- domains

CREATE DOMAIN core.order_status AS text
    CHECK (VALUE IN ('initiated', 'pending', 'success', 'fail', 'cancelled', 'refunded', 'expired'));
CREATE DOMAIN core.seat_state AS text CHECK (VALUE IN ('available', 'held', 'sold'));
CREATE DOMAIN core.cents AS bigint CHECK (VALUE >= 0);

ALTER TABLE core.orders DROP CONSTRAINT orders_status_check,
                        DROP CONSTRAINT orders_total_cents_check,
                        ALTER COLUMN status TYPE core.order_status,
                        ALTER COLUMN total_cents TYPE core.cents;
ALTER TABLE core.showtime_seat DROP CONSTRAINT showtime_seat_state_check,
                               ALTER COLUMN state TYPE core.seat_state;

-- ---------------------------------------------------------------- hold policy

-- The settings every hold reads, as one typed row. Written only by the
-- trigger below.
CREATE TABLE core.hold_policy (
    one      boolean PRIMARY KEY DEFAULT true CHECK (one),
    node     int NOT NULL,       -- node_id: the snowflake node of this database
    hold_max int NOT NULL,       -- hold_minutes: the longest hold
    fast     boolean NOT NULL    -- hold_commit = 'fast': holds commit without waiting for the disk
);

CREATE FUNCTION core.hold_policy_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.hold_policy AS h (node, hold_max, fast)
    SELECT coalesce(max(value) FILTER (WHERE name = 'node_id'), '1')::int,
           coalesce(max(value) FILTER (WHERE name = 'hold_minutes'), '8')::int,
           coalesce(max(value) FILTER (WHERE name = 'hold_commit'), 'fast') = 'fast'
      FROM core.setting WHERE name IN ('node_id', 'hold_minutes', 'hold_commit')
    ON CONFLICT (one) DO UPDATE SET node = excluded.node, hold_max = excluded.hold_max, fast = excluded.fast;
    RETURN NULL;
END $$;
CREATE TRIGGER setting_hold_policy AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON core.setting
    FOR EACH STATEMENT EXECUTE FUNCTION core.hold_policy_refresh();
UPDATE core.setting SET value = value WHERE name = 'node_id';   -- the first row

-- ---------------------------------------------------------------- seat changes

-- A seat change other than a hold: logged for the relay when one is
-- running, else announced at once (as 063). One row at a time; a hold,
-- which changes the most seats, logs its own.
CREATE FUNCTION core.log_seat_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.seat_change (showtime_id)
    SELECT NEW.showtime_id
     WHERE EXISTS (SELECT 1 FROM core.seat_relay_lease l WHERE l.until >= clock_timestamp());
    IF NOT FOUND THEN
        PERFORM pg_notify('seat_change', NEW.showtime_id::text);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER showtime_seat_notify ON core.showtime_seat;
DROP FUNCTION core.notify_seat_change();
CREATE TRIGGER showtime_seat_changed AFTER UPDATE ON core.showtime_seat
    FOR EACH ROW WHEN (NEW.state <> 'held') EXECUTE FUNCTION core.log_seat_change();

-- ---------------------------------------------------------------- the hold

CREATE OR REPLACE FUNCTION api.select_seat(user_id bigint, showtime_id bigint, seats text[],
                                terminal text, request_id uuid DEFAULT NULL)
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
    expired bigint[];
    sid bigint;
    bits bigint;
    ignored text;
BEGIN
    IF request_id IS NOT NULL THEN
        prev := core.replay(request_id, 'select_seat');
        IF prev IS NOT NULL THEN
            RETURN jsonb_populate_record(NULL::api.select_seat_result, prev);
        END IF;
    END IF;

    -- The showtime, its currency and adult price, the hold policy, whether
    -- a relay announces seat changes, and why the call is refused if it is.
    -- One or two wanted labels (nearly every sale) are trimmed and
    -- upper-cased here too.
    SELECT s.showtime_id, s.auditorium_id, pp.currency, p.amount_cents AS adult, h.node, h.hold_max, h.fast,
           EXISTS (SELECT 1 FROM core.seat_relay_lease l WHERE l.until >= clock_timestamp()) AS relay,
           CASE WHEN s.cancelled THEN 'unknown_showtime'
                WHEN statement_timestamp() > s.starts_at + interval '20 minutes' THEN 'sales_closed'
                WHEN seats IS NULL OR cardinality(seats) = 0 OR array_position(seats, NULL) IS NOT NULL
                    THEN 'no_seats'
                WHEN cardinality(seats) > 20 THEN 'too_many_seats'
           END AS refusal,
           CASE cardinality(seats)
                WHEN 1 THEN ARRAY[upper(btrim(seats[1]))]
                WHEN 2 THEN ARRAY[upper(btrim(seats[1])), upper(btrim(seats[2]))]
           END AS labels
      INTO st
      FROM core.showtime s
      JOIN core.price_plan pp ON pp.price_plan_id = s.price_plan_id
      LEFT JOIN core.price p ON p.price_plan_id = s.price_plan_id AND p.type_code = 'adult'
     CROSS JOIN core.hold_policy h
     WHERE s.showtime_id = select_seat.showtime_id;

    -- Under hold_commit 'fast' every outcome of a hold commits without
    -- waiting for the disk: a refused call has still locked rows.
    IF st.fast THEN
        ignored := set_config('synchronous_commit', 'off', true);
    END IF;

    IF st.showtime_id IS NULL THEN
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
        ELSIF user_id IS NOT NULL AND NOT core.user_active(user_id) THEN
            res.selection_status := 'unknown_user';
        END IF;
    END IF;
    IF res.selection_status IS NOT NULL THEN
        res.message := CASE res.selection_status
                           WHEN 'unknown_showtime' THEN 'no such showtime'
                           WHEN 'sales_closed' THEN 'this showtime has started; sales are closed'
                           WHEN 'no_seats' THEN 'no seats were given'
                           WHEN 'too_many_seats' THEN 'at most 20 seats can be held in one order'
                           WHEN 'duplicate_seats' THEN 'a seat was given more than once'
                           WHEN 'unknown_user' THEN 'no such customer' END;
    ELSE
        -- Lock the wanted seats in seat_id order (the lock order everywhere)
        -- and see which are free now and what each costs: the adult price
        -- plus the seat kind's surcharge. Either way one index probe per
        -- label: one or two labels (nearly every sale) as a list, more
        -- through LATERAL (OFFSET 0 keeps the generic plan from scanning
        -- the whole hall for "label = ANY"). The rows arrive in seat_id
        -- order, and the aggregates keep it.
        IF st.labels IS NOT NULL THEN
            SELECT array_agg(l.seat_id), array_agg(l.price), sum(l.price), count(*) FILTER (WHERE l.free),
                   array_agg(l.seat_id) FILTER (WHERE l.free AND l.state = 'held')
              INTO ids, prices, res.total_cents, nfree, expired
              FROM (SELECT ss.seat_id, ss.state, st.adult + k.surcharge_cents AS price,
                           ss.state = 'available' OR
                               (ss.state = 'held' AND ss.held_until <= statement_timestamp()) AS free
                      FROM core.seat s
                      JOIN core.showtime_seat ss ON ss.showtime_id = st.showtime_id AND ss.seat_id = s.seat_id
                      JOIN core.seat_kind k ON k.kind = s.kind
                     WHERE s.auditorium_id = st.auditorium_id AND s.label IN (labels[1], labels[2])
                     ORDER BY ss.seat_id
                       FOR UPDATE OF ss) l;
        ELSE
            SELECT array_agg(l.seat_id), array_agg(l.price), sum(l.price), count(*) FILTER (WHERE l.free),
                   array_agg(l.seat_id) FILTER (WHERE l.free AND l.state = 'held')
              INTO ids, prices, res.total_cents, nfree, expired
              FROM (SELECT ss.seat_id, ss.state, st.adult + k.surcharge_cents AS price,
                           ss.state = 'available' OR
                               (ss.state = 'held' AND ss.held_until <= statement_timestamp()) AS free
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
               AND NOT (ss.state = 'available' OR (ss.state = 'held' AND ss.held_until <= statement_timestamp()));
        END IF;
    END IF;
    IF res.selection_status IS NOT NULL THEN
        res.total_cents := NULL;
        IF request_id IS NOT NULL THEN
            PERFORM core.remember(request_id, 'select_seat', to_jsonb(res));
        END IF;
        RETURN res;
    END IF;

    -- Tickets an expired hold had written (it chose ticket types) are
    -- released; their orders are left alone (their rows are not ours to
    -- lock) and read as expired. One seat at a time, probing the live-seat
    -- index on all three of its keys, so a seat's past tickets are not read.
    IF expired IS NOT NULL THEN
        FOREACH sid IN ARRAY expired LOOP
            UPDATE core.ticket t SET state = 'released'
             WHERE t.showtime_id = st.showtime_id AND t.seat_id = sid
               AND (CASE WHEN t.state IN ('held', 'sold') THEN 0 ELSE t.ticket_id END) = 0
               AND t.state = 'held';
        END LOOP;
    END IF;

    -- The order, its seat rows and, with a relay running, the change for it
    -- to announce, in one statement. The booking code is 40 random bits in
    -- Crockford base32 with its check symbol (core.crockford8); a code
    -- already in use writes nothing, and another is drawn.
    LOOP
        bits := ('x' || right(gen_random_uuid()::text, 10))::bit(40)::bigint;
        WITH o AS (
            INSERT INTO core.orders (order_id, booking_code, user_id, showtime_id, status, terminal,
                                     staff_id, currency, total_cents, held_until, hold_seats, hold_prices)
            VALUES (core.snowflake(st.node), core.crockford8(bits), select_seat.user_id, st.showtime_id,
                    'initiated', coalesce(select_seat.terminal, ''), core.session_staff(), st.currency,
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
        EXIT WHEN FOUND;
    END LOOP;
    IF NOT st.relay THEN
        PERFORM pg_notify('seat_change', st.showtime_id::text);
    END IF;

    res.selection_status := 'held';
    res.currency := st.currency;
    res.message := cardinality(ids) || ' seat(s) held';
    IF request_id IS NOT NULL THEN
        PERFORM core.remember(request_id, 'select_seat', to_jsonb(res));
    END IF;
    RETURN res;
END $$;

REVOKE ALL ON FUNCTION core.hold_policy_refresh(), core.log_seat_change() FROM PUBLIC;
