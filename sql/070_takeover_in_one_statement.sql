-- 070_takeover_in_one_statement.sql - a seat whose hold has run out is
-- taken over as a free one is; the tickets that hold had written are
-- released by whoever writes the seat's next tickets.
--
-- A hold that ran out leaves its seat row held, with a past held_until,
-- until the minute's sweep (api.expire_holds) or another sale takes it.
-- Until now select_seat took such a seat by the lock path: the one-seat
-- update refused it, the lock read it again, and a ticket update per seat
-- released the tickets the old hold had written (it had chosen ticket
-- types). Counted with callgrind, that was 1.28 million instructions
-- against 0.85 for a free seat, and in `make bench`'s spread run a third
-- of the calls land on a seat whose 0.6 s hold has run out.
-- * The one-seat update now takes a seat that is available or held by a
--   hold that has run out (statement_timestamp(), the database clock, as
--   everywhere). The update locks the row; if another transaction has just
--   changed it, PostgreSQL reads the new row and checks it again, so a hold
--   taken meanwhile is not taken twice.
-- * Neither path touches the old hold's tickets any more. A ticket of an
--   order whose hold ran out stays 'held' until that order is swept or
--   refused (core.expire_order releases it), exactly as when nobody takes
--   its seat. The unique live-ticket index still allows one held or sold
--   ticket per seat, so core.write_hold_tickets, which writes the next
--   tickets of the seat, first releases the held tickets of other orders on
--   the seats whose rows carry its own order (under the share lock it
--   already takes). Those orders no longer hold the seats: their tickets
--   could not be paid (payment reads the seat rows) and are dead.

CREATE OR REPLACE FUNCTION core.write_hold_tickets(p_order core.orders) RETURNS void
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
