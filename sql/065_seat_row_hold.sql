-- 065_seat_row_hold.sql - a hold is written on the seat rows and the order
-- alone; the order's tickets are written when they are first needed.
--
-- Until now a hold wrote a ticket per seat beside the order and the seat
-- rows: half the rows and index entries a hold wrote, and three foreign-key
-- checks a seat. Most of those tickets were released unread when the hold
-- ran out or was cancelled. Now:
-- * select_seat writes the order, with the seats it holds and their prices
--   (hold_seats, hold_prices, in seat_id order), and the seat rows. A seat
--   row carries one order_id (its primary key is the showtime and seat), so
--   a held seat still cannot be in two live orders; the unique live-ticket
--   index keeps guarding every ticket, and every paid seat has one.
-- * The tickets are written, adult at the held price, by the first call
--   that needs them: set_ticket_types, or payment as it sells
--   (core.write_hold_tickets, with the order row locked). Until then the
--   order's lines are its held seats (core.order_lines_of), so order_lines
--   and order_tickets answer as before.
-- * release_order and payment_start find the seat rows through hold_seats.
-- * The taken-seat index is gone: a hold changed the indexed state column,
--   so every seat update wrote new entries in both seat indexes. Without it
--   the update stays on its page and writes none. api.listing counts a
--   showtime's taken seats through the primary key instead.
-- * The relay announces the showtimes it takes from the log in one NOTIFY
--   seat_change (payload: their ids, space-separated, up to 300 a NOTIFY)
--   instead of one NOTIFY each: with holds spread over many showtimes it
--   sent a hundred every 50 ms, and every listening terminal was woken for
--   each. Listeners take the payload as a list (a lone id, as a change
--   sends with no relay running, is a list of one).

ALTER TABLE core.orders ADD COLUMN hold_seats bigint[] NOT NULL DEFAULT '{}',
                        ADD COLUMN hold_prices bigint[] NOT NULL DEFAULT '{}';
UPDATE core.orders o SET hold_seats = t.ids, hold_prices = t.prices
  FROM (SELECT order_id, array_agg(seat_id ORDER BY seat_id) AS ids,
               array_agg(price_cents ORDER BY seat_id) AS prices
          FROM core.ticket GROUP BY order_id) t
 WHERE t.order_id = o.order_id;

DROP INDEX core.showtime_seat_taken_idx;

-- ---------------------------------------------------------------- relay

-- Empties the change log: one NOTIFY seat_change for up to 300 changed
-- showtimes, payload their ids separated by spaces. Returns how many
-- showtimes it announced. Changes that another relay is taking at this
-- moment are left to it.
CREATE OR REPLACE FUNCTION core.relay_seat_changes() RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n int;
    sent int;
BEGIN
    WITH d AS (
        DELETE FROM core.seat_change c
         WHERE c.ctid = ANY (ARRAY(SELECT x.ctid FROM core.seat_change x FOR UPDATE SKIP LOCKED))
        RETURNING c.showtime_id),
    part AS (
        SELECT string_agg(s.showtime_id::text, ' ') AS ids, count(*) AS k
          FROM (SELECT showtime_id, (row_number() OVER ()) / 300 AS part
                  FROM (SELECT DISTINCT showtime_id FROM d) u) s
         GROUP BY s.part)
    SELECT coalesce(sum(p.k), 0), count(pg_notify('seat_change', p.ids)) INTO n, sent FROM part p;
    RETURN n;
END $$;

-- ---------------------------------------------------------------- tickets

-- Writes the tickets of a held order that has none yet: one adult ticket
-- per seat it still holds, at the held price. Call with the order row
-- locked (every caller has it FOR UPDATE). The seat rows are share-locked
-- (in seat order, as everywhere) and read again under the lock: a
-- select_seat taking over a seat whose hold has just run out either goes
-- first, and the seat is not written, or waits, and then releases the
-- ticket written here as it does any expired hold's.
CREATE FUNCTION core.write_hold_tickets(p_order core.orders) RETURNS void
LANGUAGE sql VOLATILE AS $$
    INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
    SELECT p_order.order_id, p_order.showtime_id, x.seat_id, 'adult', x.price, 'held'
      FROM unnest(p_order.hold_seats, p_order.hold_prices) AS x(seat_id, price)
     WHERE NOT EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = p_order.order_id)
       AND x.seat_id IN (SELECT ss.seat_id FROM core.showtime_seat ss
                          WHERE ss.showtime_id = p_order.showtime_id AND ss.seat_id = ANY (p_order.hold_seats)
                            AND ss.order_id = p_order.order_id AND ss.state = 'held'
                          ORDER BY ss.seat_id FOR SHARE)
$$;

-- The live lines of an order: its held or sold tickets, or, before they are
-- written, the seats its hold still keeps (adult, at the held price, no
-- ticket id). Inlined where it is called.
CREATE FUNCTION core.order_lines_of(p_order_id bigint)
RETURNS TABLE (ticket_id bigint, seat_id bigint, type_code text, price_cents bigint, state text,
               issue int, printed_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT t.ticket_id, t.seat_id, t.type_code, t.price_cents, t.state, t.issue, t.printed_at
      FROM core.ticket t
     WHERE t.order_id = p_order_id AND t.state IN ('held', 'sold')
    UNION ALL
    SELECT NULL::bigint, x.seat_id, 'adult', x.price, 'held', 0, NULL::timestamptz
      FROM core.orders o
     CROSS JOIN unnest(o.hold_seats, o.hold_prices) AS x(seat_id, price)
      JOIN core.showtime_seat ss ON ss.showtime_id = o.showtime_id AND ss.seat_id = x.seat_id
     WHERE o.order_id = p_order_id AND ss.order_id = o.order_id AND ss.state = 'held'
       AND NOT EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = p_order_id)
$$;

-- release_order: the order's seat rows through hold_seats.
CREATE OR REPLACE FUNCTION core.release_order(p_order core.orders, p_ticket_state text)
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

-- order_lines and order_tickets: the lines of core.order_lines_of.
CREATE OR REPLACE FUNCTION api.order_lines(order_id bigint)
RETURNS TABLE(seat text, type_code text, price_cents bigint, kind text, state text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT s.label, t.type_code, t.price_cents, s.kind, t.state
      FROM core.order_lines_of($1) t JOIN core.seat s USING (seat_id)
     ORDER BY s.row_no, s.col_no
$$;

CREATE OR REPLACE FUNCTION api.order_tickets(booking_code text)
RETURNS TABLE(ticket_id bigint, order_id bigint, showtime_id bigint, film text, rating text, cinema text, address text, auditorium text, starts_at timestamp with time zone, show_date text, show_time text, seat text, kind text, ticket_type text, price_cents bigint, currency text, booking_code text, issue integer, status text, ticket_state text, printed_at timestamp with time zone, total_cents bigint, paid_at timestamp with time zone, terminal text, runtime_min integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT t.ticket_id, o.order_id, st.showtime_id, m.title, m.rating,
           l.name, l.address, a.name, st.starts_at,
           to_char(st.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon YYYY'),
           to_char(st.starts_at AT TIME ZONE l.timezone, 'HH24:MI'),
           s.label, s.kind, tt.name, t.price_cents, o.currency::text, o.booking_code,
           t.issue, o.status, t.state, t.printed_at, o.total_cents, o.paid_at, o.terminal,
           m.runtime_min
      FROM core.orders o
      CROSS JOIN core.order_lines_of(o.order_id) t
      JOIN core.seat s ON s.seat_id = t.seat_id
      JOIN core.ticket_type tt ON tt.type_code = t.type_code
      JOIN core.showtime st ON st.showtime_id = o.showtime_id
      JOIN core.movie m ON m.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     WHERE o.booking_code = core.parse_booking_code($1)
     ORDER BY s.row_no, s.col_no
$$;

-- set_ticket_types: writes the tickets before it changes their types, and
-- answers expired if a seat of the order has gone.
CREATE OR REPLACE FUNCTION api.set_ticket_types(order_id bigint, types jsonb, request_id uuid DEFAULT NULL)
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

-- payment_start and payment: the seat rows through hold_seats; payment
-- writes the tickets before it sells them.
CREATE OR REPLACE FUNCTION api.payment_start(user_id bigint, order_id bigint, request_id uuid DEFAULT NULL)
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
          WHERE ss.showtime_id = o.showtime_id AND ss.seat_id = ANY (o.hold_seats)
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

CREATE OR REPLACE FUNCTION api.payment(user_id bigint, order_id bigint, payment_info jsonb, request_id uuid DEFAULT NULL)
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
          WHERE ss.showtime_id = o.showtime_id AND ss.seat_id = ANY (o.hold_seats)
          ORDER BY ss.seat_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM unnest(o.hold_seats) x(seat_id)
                     LEFT JOIN core.showtime_seat ss
                       ON ss.showtime_id = o.showtime_id AND ss.seat_id = x.seat_id
                    WHERE ss.state IS DISTINCT FROM 'held' OR ss.order_id IS DISTINCT FROM o.order_id)
           OR EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = o.order_id AND t.state <> 'held') THEN
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

    -- Sell: the seats are locked and still held by this order (checked
    -- above); the tickets are written now if ticket types did not.
    PERFORM core.write_hold_tickets(o);
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

-- ---------------------------------------------------------------- the hold

-- select_seat (064's) without tickets: the order records the seats and
-- their prices.
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

    -- Tickets an expired hold had written (it chose ticket types) are
    -- released; their orders are left alone (their rows are not ours to
    -- lock) and read as expired. One seat at a time, probing the live-seat
    -- index on all three of its keys, so a seat's past tickets are not read.
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
                                 staff_id, currency, total_cents, held_until, hold_seats, hold_prices)
        VALUES (oid, code, select_seat.user_id, st.showtime_id, 'initiated',
                coalesce(select_seat.terminal, ''), core.session_staff(), st.currency,
                res.total_cents, until, ids, prices))
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

REVOKE ALL ON FUNCTION core.write_hold_tickets(core.orders), core.order_lines_of(bigint) FROM PUBLIC;
