-- 072_what_a_hold_reads.sql - a hold's first query reads three rows: the
-- showtime, its price plan and the hold policy. The seat relay's lease is
-- two columns of core.hold_policy instead of a table of its own, and a
-- price plan carries its adult price.
--
-- The relay's lease.
-- A hold asks whether a relay runs (then it logs its change for the relay)
-- or not (then it NOTIFYs by itself). That question read the lease table
-- with a subquery of its own, in every hold and every other seat change.
-- Now it is a column of the row the hold reads anyway: 21 000 instructions
-- less a hold (829 000 -> 808 000 for one seat), counted with callgrind
-- (bench/count.sh). The lease works as before: 2 seconds, renewed by
-- every call of api.seat_relay; another session takes it over once it has
-- run out.
-- * core.hold_policy gains relay_holder (the relaying session's backend
--   pid) and relay_until. Its guard (069) lets a statement change those
--   two, and still refuses any change of the settings except from
--   core.setting's trigger.
-- * core.take_seat_relay, api.seat_relay_stop, core.log_seat_change and
--   api.select_seat read and write them; core.seat_relay_lease is dropped
--   (a relay running during the upgrade takes the new lease at its next
--   call, 50 ms later).

-- The adult price.
-- A hold prices each seat at the plan's adult price plus the seat kind's
-- surcharge (ticket types are chosen later). It read the adult price from
-- core.price with a join of its own. Now core.price_plan.adult_cents holds
-- it, 24 000 instructions less a hold (808 000 -> 784 000 for one seat;
-- 29 000 for two), counted with callgrind (bench/count.sh):
-- * a BEFORE trigger on core.price_plan sets it from core.price whenever a
--   plan row is written, so it cannot be set by hand;
-- * a statement trigger on core.price (insert, update, delete, truncate)
--   writes again the plans whose adult price changed.
-- A plan with no adult price has NULL there, as the join gave.

-- ---------------------------------------------------------------- relay lease

ALTER TABLE core.hold_policy
    ADD COLUMN relay_holder int NOT NULL DEFAULT 0,                    -- the relaying session (backend pid)
    ADD COLUMN relay_until timestamptz NOT NULL DEFAULT '-infinity';   -- its lease runs until then

CREATE OR REPLACE FUNCTION core.hold_policy_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Depth 1: this trigger fired for a statement on core.hold_policy
    -- itself, not for core.hold_policy_refresh (depth 2). Such a statement
    -- may move the relay's lease, nothing else.
    IF pg_trigger_depth() = 1 THEN
        IF TG_OP = 'UPDATE' THEN
            IF (NEW.one, NEW.node, NEW.hold_max, NEW.fast) IS NOT DISTINCT FROM
               (OLD.one, OLD.node, OLD.hold_max, OLD.fast) THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'core.hold_policy is kept by core.setting'
              USING ERRCODE = 'object_not_in_prerequisite_state',
                    HINT = 'Change node_id, hold_minutes or hold_commit in core.setting instead.';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

-- Takes or renews the lease: this session's, or one that has run out.
CREATE OR REPLACE FUNCTION core.take_seat_relay() RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE core.hold_policy h
       SET relay_holder = pg_backend_pid(), relay_until = clock_timestamp() + interval '2 seconds'
     WHERE h.relay_holder = pg_backend_pid() OR h.relay_until < clock_timestamp();
    RETURN FOUND;
END $$;

CREATE OR REPLACE FUNCTION api.seat_relay_stop() RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
BEGIN
    UPDATE core.hold_policy h SET relay_until = '-infinity'
     WHERE h.relay_holder = pg_backend_pid() AND h.relay_until >= clock_timestamp();
    RETURN FOUND;
END $$;

-- A seat change other than a hold: logged for the relay when one is
-- running, else announced by itself.
CREATE OR REPLACE FUNCTION core.log_seat_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.seat_change (showtime_id)
    SELECT NEW.showtime_id FROM core.hold_policy h WHERE h.relay_until >= clock_timestamp();
    IF NOT FOUND THEN
        PERFORM pg_notify('seat_change', NEW.showtime_id::text);
    END IF;
    RETURN NULL;
END $$;

-- ---------------------------------------------------------------- adult price

ALTER TABLE core.price_plan ADD COLUMN adult_cents bigint;   -- its adult price in core.price (kept by triggers)

-- A plan's adult price in core.price, or NULL.
CREATE FUNCTION core.plan_adult_cents(p_plan bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT p.amount_cents FROM core.price p WHERE p.price_plan_id = p_plan AND p.type_code = 'adult'
$$;

CREATE FUNCTION core.price_plan_adult() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.adult_cents := core.plan_adult_cents(NEW.price_plan_id);
    RETURN NEW;
END $$;
CREATE TRIGGER price_plan_adult BEFORE INSERT OR UPDATE ON core.price_plan
    FOR EACH ROW EXECUTE FUNCTION core.price_plan_adult();

CREATE FUNCTION core.price_adult_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE core.price_plan pp SET adult_cents = NULL   -- set again by price_plan_adult
     WHERE pp.adult_cents IS DISTINCT FROM core.plan_adult_cents(pp.price_plan_id);
    RETURN NULL;
END $$;
CREATE TRIGGER price_adult_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON core.price
    FOR EACH STATEMENT EXECUTE FUNCTION core.price_adult_changed();

UPDATE core.price_plan SET adult_cents = NULL;   -- every plan's, now

-- ---------------------------------------------------------------- select_seat

-- Re-created once for 070-072: a seat whose hold has run out is taken by
-- the one-seat update, and neither path releases the old hold's tickets
-- (070); the relay lease is read from the hold policy and the adult price
-- from the plan (above).

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
    bits bigint;
    code text;
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
    SELECT s.showtime_id, s.auditorium_id, pp.currency, pp.adult_cents AS adult, h.node, h.hold_max, h.fast,
           h.relay_until >= clock_timestamp() AS relay,
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
                   AND (ss.state = 'available' OR (ss.state = 'held' AND ss.held_until <= statement_timestamp()))
                   AND NOT EXISTS (SELECT 1 FROM core.orders x WHERE x.booking_code = code)
                RETURNING ss.seat_id, ss.order_id, ss.held_until, st.adult + k.surcharge_cents AS price),
            o AS (
                INSERT INTO core.orders (order_id, booking_code, user_id, showtime_id, status, terminal,
                                         staff_id, currency, total_cents, held_until, hold_seats, hold_prices)
                SELECT u.order_id, code, select_seat.user_id, st.showtime_id, 'initiated',
                       coalesce(select_seat.terminal, ''), core.session_staff(), st.currency, u.price,
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
                           ss.state = 'available' OR
                               (ss.state = 'held' AND ss.held_until <= statement_timestamp()) AS free
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

    -- The order, its seat rows and, with a relay running, the change for it
    -- to announce, in one statement. The booking code is 40 random bits in
    -- Crockford base32 with its check symbol (core.crockford8); a code
    -- already in use writes nothing, and another is drawn.
    WHILE res.order_id IS NULL LOOP
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
    END LOOP;
    IF NOT st.relay THEN
        PERFORM pg_notify('seat_change', st.showtime_id::text);
    END IF;

    res.selection_status := 'held';
    res.currency := st.currency;
    res.message := cardinality(labels) || ' seat(s) held';
    IF request_id IS NOT NULL THEN
        PERFORM core.remember(request_id, 'select_seat', to_jsonb(res));
    END IF;
    RETURN res;
END $$;


DROP TABLE core.seat_relay_lease;

REVOKE ALL ON FUNCTION core.plan_adult_cents(bigint), core.price_plan_adult(), core.price_adult_changed() FROM PUBLIC;
