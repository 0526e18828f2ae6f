-- 060_seat_relay.sql - seat changes reach seat maps through a relay, and a
-- hold is one lean call.
--
-- Until now every change to core.showtime_seat sent its NOTIFY seat_change
-- from the changing transaction. PostgreSQL commits notifying transactions
-- one at a time (PreCommit_Notify takes a database-wide lock and keeps it
-- through the commit), so every hold queued behind every other: with 8
-- terminals on 2 CPUs most of a hold's time was spent waiting for that lock.
-- Now a change only writes its showtime_id into core.seat_change, an
-- unlogged log, and one session -- a terminal with a seat map open, see
-- api.seat_relay -- empties the log every 50 ms with one NOTIFY per changed
-- showtime. Maps still hear of every change, within about 50 ms, and a busy
-- showtime costs an open map one re-read per 50 ms instead of one per hold.
--
-- hold_commit now defaults to 'fast': a hold (and the release of an unpaid
-- one) commits without waiting for the disk. A hold is not money: a payment
-- always waits for the disk, and its commit flushes the hold it stands on.
-- A crash may forget holds made in its last fraction of a second; their
-- seats are free again and paying for them answers unknown_order. Set it
-- back to 'durable' to have every hold on disk before the api answers.

-- Unlogged: it is only ever a queue of wake-ups (empty after a crash, which
-- is right: every terminal re-reads its map after reconnecting).
CREATE UNLOGGED TABLE core.seat_change (
    showtime_id bigint NOT NULL
) WITH (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0);

CREATE OR REPLACE FUNCTION core.notify_seat_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.seat_change (showtime_id) SELECT DISTINCT showtime_id FROM changed;
    RETURN NULL;
END $$;

-- Empties the change log: one NOTIFY seat_change, payload the showtime_id,
-- per changed showtime. Returns how many showtimes it announced. Changes
-- that another relay is taking at this moment are left to it.
CREATE FUNCTION core.relay_seat_changes() RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n int;
BEGIN
    WITH d AS (
        DELETE FROM core.seat_change c
         WHERE c.ctid = ANY (ARRAY(SELECT x.ctid FROM core.seat_change x FOR UPDATE SKIP LOCKED))
        RETURNING c.showtime_id)
    SELECT count(pg_notify('seat_change', s.showtime_id::text)) INTO n
      FROM (SELECT DISTINCT showtime_id FROM d) s;
    RETURN n;
END $$;

-- The relay, for terminals: the first session to call it becomes the relay
-- (a session advisory lock, given up by api.seat_relay_stop or by
-- disconnecting) and gets back how many showtimes it announced; any other
-- session gets -1 and should try again in a second or so. A terminal calls
-- it every 50 ms while it relays and its seat map is open.
CREATE FUNCTION api.seat_relay() RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
BEGIN
    IF current_setting('marquee.seat_relay', true) IS DISTINCT FROM 'on' THEN
        IF NOT pg_try_advisory_lock(hashtextextended('marquee.seat_relay', 0)) THEN
            RETURN -1;
        END IF;
        PERFORM set_config('marquee.seat_relay', 'on', false);
    END IF;
    RETURN core.relay_seat_changes();
END $$;

-- Stops relaying from this session, if it did. Returns whether it did.
CREATE FUNCTION api.seat_relay_stop() RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
DECLARE
    held int;
BEGIN
    SELECT count(*) INTO held FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.granted
       AND l.objsubid = 1
       AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('marquee.seat_relay', 0);
    FOR i IN 1..held LOOP
        PERFORM pg_advisory_unlock(hashtextextended('marquee.seat_relay', 0));
    END LOOP;
    PERFORM set_config('marquee.seat_relay', '', false);
    RETURN held > 0;
END $$;

-- The minute's housekeeping also empties the log, so it never grows while
-- no seat map is open.
CREATE OR REPLACE FUNCTION notifier.expire_holds() RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
DECLARE
    n int := api.expire_holds();
BEGIN
    PERFORM core.relay_seat_changes();
    RETURN n;
END $$;

UPDATE core.setting
   SET value = 'fast',
       description = 'fast (the default): a hold, and the release of an unpaid hold, commits without '
                     'waiting for the disk; payments and refunds always wait, and flush the hold they '
                     'stand on. A crash may forget holds of its last fraction of a second (their '
                     'payment then answers unknown_order). durable: every hold is on disk before the '
                     'api answers'
 WHERE name = 'hold_commit' AND value = 'durable';

-- The last line of defence, one live (held or sold) ticket per seat per
-- showtime, as a unique index over every ticket instead of a partial one:
-- live tickets key as 0, the others by their own id. A partial index that
-- was small at the last ANALYZE (a new box office, or one whose holds all
-- ran out) made generic plans scan the whole of it for "order_id = $1 AND
-- state = 'held'" instead of probing ticket_order_idx: 10 ms a payment.
DROP INDEX core.ticket_live_seat_idx;
CREATE UNIQUE INDEX ticket_live_seat_idx ON core.ticket
    (showtime_id, seat_id, (CASE WHEN state IN ('held', 'sold') THEN 0 ELSE ticket_id END));

-- release_order, finding the order's seat rows through its tickets (one
-- probe each) rather than among all the showtime's seats.
CREATE OR REPLACE FUNCTION core.release_order(p_order core.orders, p_ticket_state text) RETURNS void
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    ids bigint[];
BEGIN
    SELECT array_agg(t.seat_id ORDER BY t.seat_id) INTO ids
      FROM core.ticket t WHERE t.order_id = p_order.order_id;
    PERFORM 1 FROM core.showtime_seat
      WHERE showtime_id = p_order.showtime_id AND seat_id = ANY (ids)
      ORDER BY seat_id FOR UPDATE;
    UPDATE core.showtime_seat
       SET state = 'available', order_id = NULL, held_until = NULL
     WHERE showtime_id = p_order.showtime_id AND seat_id = ANY (ids) AND order_id = p_order.order_id;
    UPDATE core.ticket SET state = p_ticket_state
     WHERE order_id = p_order.order_id AND state IN ('held', 'sold');
END $$;

-- select_seat, leaner: one probe reads the showtime, its price and the
-- settings; one or two labels need no query; tickets of expired holds are
-- only looked for when a seat taken was an expired hold; the order, its
-- tickets and the seats are written by one statement; and under
-- hold_commit 'fast' a refused call, which has locked rows too, does not
-- wait for the disk either.
-- The Crockford symbols of 40 bits and the mod-37 check symbol, as
-- core.crockford(v, 8) gives them, in one expression.
CREATE OR REPLACE FUNCTION core.crockford8(v bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    a constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U';
BEGIN
    RETURN substr(a, ((v >> 35) & 31)::int + 1, 1) || substr(a, ((v >> 30) & 31)::int + 1, 1)
        || substr(a, ((v >> 25) & 31)::int + 1, 1) || substr(a, ((v >> 20) & 31)::int + 1, 1)
        || substr(a, ((v >> 15) & 31)::int + 1, 1) || substr(a, ((v >> 10) & 31)::int + 1, 1)
        || substr(a, ((v >> 5) & 31)::int + 1, 1) || substr(a, (v & 31)::int + 1, 1)
        || substr(a, (v % 37)::int + 1, 1);
END $$;

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
    want text;
    mins numeric;
    v bigint;
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
    -- (One seat at a time: both columns of the live-seat index are known.)
    FOREACH sid IN ARRAY coalesce(expired, '{}') LOOP
        UPDATE core.ticket t SET state = 'released'
         WHERE t.showtime_id = st.showtime_id AND t.seat_id = sid AND t.state = 'held';
    END LOOP;

    -- Snowflake id (core.next_order_id), hold length (core.hold_interval)
    -- and booking code (core.new_booking_code), each one expression here.
    oid := ((floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint - 1704067200000) << 22)
           | ((st.node::bigint & 1023) << 12) | nextval('core.order_seq');
    want := current_setting('marquee.hold_minutes', true);
    mins := st.hold_max;
    IF want ~ '^[0-9]+(\.[0-9]+)?$' THEN
        mins := least(want::numeric, mins);
    END IF;
    until := statement_timestamp() + make_interval(secs => greatest(mins, 0.01) * 60);
    LOOP
        v := ('x' || translate(left(gen_random_uuid()::text, 11), '-', ''))::bit(40)::bigint;
        code := core.crockford8(v);
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

REVOKE ALL ON FUNCTION core.relay_seat_changes(), core.crockford8(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.seat_relay(), api.seat_relay_stop() TO marquee_terminal;
REVOKE ALL ON FUNCTION notifier.expire_holds() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notifier.expire_holds() TO marquee_notify;
