-- 068_one_seat_hold.sql - one seat held in the statement that writes its
-- order; the order's showtime guarded where it could go; the booking code
-- from a lookup table.
--
-- Counted with callgrind (bench/count.sh), a hold of one seat ran 1.02
-- million instructions after 067 and a hold of two 1.10 million; now 0.85
-- and 1.03 million.
-- * One seat that is free now (nearly every single sale) is taken by an
--   UPDATE in the statement that writes its order: the update locks the row
--   and checks it is available, so the lock beforehand, with its sort and
--   aggregates, is not needed. A seat that is held, sold, held by a hold
--   that has run out, or not in the hall, is left to the lock, which says
--   why (and releases the tickets of a hold that ran out). So is a booking
--   code that is in use: the update then writes nothing. Two or more seats
--   are locked first, in seat order, as before: two updates could
--   otherwise lock the same seats in opposite orders.
-- * orders.showtime_id loses its foreign key. Its check ran a query and
--   locked the showtime row (FOR KEY SHARE) for every hold; 40 000
--   instructions of a hold. Nothing is lost: an order is written only by
--   select_seat, which has just read its showtime and locked its seat rows;
--   deleting a showtime deletes its seat rows (ON DELETE CASCADE), which
--   waits for those locks; and the trigger below, which runs after that
--   cascade, refuses to delete (or renumber) a showtime that has orders,
--   seeing any order committed meanwhile. A showtime with sales is
--   cancelled, not deleted (no api function deletes one).
-- * core.crockford8 reads the symbols of 10 bits at a time from a table of
--   1024 pairs, which PostgreSQL folds into the plan as a constant: half the
--   expression it was (27 000 instructions a hold).

-- ---------------------------------------------------------------- showtime guard

ALTER TABLE core.orders DROP CONSTRAINT orders_showtime_id_fkey;
-- A showtime that has orders is not deleted, nor its id changed (what the
-- foreign key did).
CREATE FUNCTION core.showtime_keep_orders() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'DELETE' OR NEW.showtime_id <> OLD.showtime_id)
       AND EXISTS (SELECT 1 FROM core.orders o WHERE o.showtime_id = OLD.showtime_id) THEN
        RAISE EXCEPTION 'showtime % has orders', OLD.showtime_id
              USING ERRCODE = 'foreign_key_violation',
                    HINT = 'A showtime that has sold or held seats is cancelled (core.showtime.cancelled), not deleted.';
    END IF;
    RETURN NULL;
END $$;
-- AFTER: it runs after the cascade to the seat rows ("RI_..." triggers sort
-- first), so a hold that held those rows has committed or rolled back.
CREATE TRIGGER showtime_keep_orders AFTER DELETE OR UPDATE OF showtime_id ON core.showtime
    FOR EACH ROW EXECUTE FUNCTION core.showtime_keep_orders();
CREATE FUNCTION core.showtime_keep_orders_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM core.orders) THEN
        RAISE EXCEPTION 'showtimes have orders' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER showtime_keep_orders_truncate BEFORE TRUNCATE ON core.showtime
    FOR EACH STATEMENT EXECUTE FUNCTION core.showtime_keep_orders_truncate();

-- ---------------------------------------------------------------- booking code

-- The Crockford symbols of every 10-bit value, two bytes each: 2048 bytes.
-- Immutable, so a plan holds it as a constant.
CREATE FUNCTION core.crockford_pairs() RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(string_agg(substr(a, i / 32 + 1, 1) || substr(a, i % 32 + 1, 1), '' ORDER BY i), 'UTF8')
      FROM generate_series(0, 1023) i, (VALUES ('0123456789ABCDEFGHJKMNPQRSTVWXYZ')) x(a)
$$;
-- The Crockford symbols of 40 bits and the mod-37 check symbol, as
-- core.crockford(v, 8) gives them: four lookups and the check (inlined).
CREATE OR REPLACE FUNCTION core.crockford8(v bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(substring(core.crockford_pairs() FROM ((v >> 30) & 1023)::int * 2 + 1 FOR 2)
               || substring(core.crockford_pairs() FROM ((v >> 20) & 1023)::int * 2 + 1 FOR 2)
               || substring(core.crockford_pairs() FROM ((v >> 10) & 1023)::int * 2 + 1 FOR 2)
               || substring(core.crockford_pairs() FROM (v & 1023)::int * 2 + 1 FOR 2)
               || substring('0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U'::bytea FROM (v % 37)::int + 1 FOR 1),
                  'escape')
$$;

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
        -- One seat that is free now (nearly every single sale) is taken by
        -- the statement that writes its order, with no lock beforehand: its
        -- row is locked by the update. A seat that is held, sold, held by a
        -- hold that has run out (whose tickets may need releasing) or not
        -- in the hall is left to the lock below, which says why. So is a
        -- booking code that is in use (the update then writes nothing).
        IF st.labels IS NOT NULL AND st.labels[2] IS NULL THEN
            bits := ('x' || right(gen_random_uuid()::text, 10))::bit(40)::bigint;
            code := core.crockford8(bits);
            WITH u AS (
                UPDATE core.showtime_seat ss
                   SET state = 'held', order_id = core.snowflake(st.node),
                       held_until = statement_timestamp() + core.hold_interval(st.hold_max)
                  FROM core.seat s JOIN core.seat_kind k ON k.kind = s.kind
                 WHERE s.auditorium_id = st.auditorium_id AND s.label = labels[1]
                   AND ss.showtime_id = st.showtime_id AND ss.seat_id = s.seat_id AND ss.state = 'available'
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
    IF res.order_id IS NULL AND expired IS NOT NULL THEN
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


REVOKE ALL ON FUNCTION core.showtime_keep_orders(), core.showtime_keep_orders_truncate(),
                       core.crockford_pairs() FROM PUBLIC;
