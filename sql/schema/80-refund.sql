-- 80-refund.sql - cancelling and refunding: core.refund, the end of an order
-- whose hold ran out (with its part payments given back), api.cancel and
-- the sweep of expired holds.

CREATE TABLE core.refund (
    refund_id    bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES core.orders,
    payment_id   bigint NOT NULL REFERENCES core.payment,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    reason       text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Gives back every payment of an order that has not been given back yet,
-- with the reason given. An order an exchange touched (83-exchange.sql)
-- gives back instead what it still holds (core.order_held) to the tenders
-- behind it (core.refund_tenders). Returns the cents given back now.
CREATE FUNCTION core.refund_payments(p_order_id bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n bigint;
BEGIN
    IF core.order_exchanged(p_order_id) THEN
        n := greatest(core.order_held(p_order_id), 0);
        PERFORM core.refund_tenders(p_order_id, n, p_reason);
        RETURN n;
    END IF;
    WITH ins AS (
        INSERT INTO core.refund (order_id, payment_id, amount_cents, reason)
        SELECT p.order_id, p.payment_id, p.amount_cents, p_reason
          FROM core.payment p WHERE p.order_id = p_order_id
           AND NOT EXISTS (SELECT 1 FROM core.refund r WHERE r.payment_id = p.payment_id)
        RETURNING amount_cents)
    SELECT coalesce(sum(amount_cents), 0) INTO n FROM ins;
    RETURN n;
END $$;

-- Closes an open order whose hold has run out: frees what it still holds,
-- marks it expired and gives back any part payments. Returns the cents
-- refunded. The caller holds the order row.
CREATE FUNCTION core.expire_order(p_order core.orders) RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM core.release_order(p_order, 'released');
    UPDATE core.orders x SET status = 'expired', closed_at = statement_timestamp()
     WHERE x.order_id = p_order.order_id;
    RETURN core.refund_payments(p_order.order_id, 'hold expired before fully paid');
END $$;

CREATE TYPE api.cancel_result AS (
    cancellation_status text, -- cancelled | no_session | unknown_order | already_cancelled |
                              -- already_refunded | too_late | already_admitted
    refunded_cents bigint,
    message        text
);

-- Cancels an order: an unpaid one releases its seats; a paid one is refunded
-- in full (each payment back the way it came) while the cancellation window
-- is open.
CREATE FUNCTION api.cancel(session text, order_id bigint, request_id uuid DEFAULT NULL)
RETURNS api.cancel_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.cancel_result;
    w core.who;
    o core.orders;
    starts timestamptz;
BEGIN
    -- Money, and what it stands on, is on disk before the answer, even when
    -- an earlier call in this transaction was a fast hold.
    SET LOCAL synchronous_commit TO DEFAULT;
    res := core.replay_as(request_id, 'cancel', res);
    IF res.cancellation_status IS NOT NULL THEN RETURN res; END IF;
    res.refunded_cents := 0;
    w := core.session_who(session);
    o := core.order_for(w, cancel.order_id);
    SELECT st.starts_at INTO starts FROM core.showtime st WHERE st.showtime_id = o.showtime_id;
    res.cancellation_status := core.order_refusal(w, o);
    IF res.cancellation_status IS NOT NULL THEN
        res.message := core.refusal_words(res.cancellation_status);
    ELSIF o.status IN ('cancelled', 'expired', 'fail', 'exchanged') THEN
        res.cancellation_status := 'already_cancelled'; res.message := 'this order is no longer open';
    ELSIF o.status = 'refunded' THEN
        res.cancellation_status := 'already_refunded'; res.message := 'this order was already refunded';
    ELSIF o.status IN ('initiated', 'pending') THEN
        IF NOT EXISTS (SELECT 1 FROM core.payment p WHERE p.order_id = o.order_id) THEN
            PERFORM core.hold_commit();
        ELSE
            -- A partly paid order: give back what was paid.
            res.refunded_cents := core.refund_payments(o.order_id, 'cancelled before fully paid');
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
        res.refunded_cents := core.refund_payments(o.order_id, 'cancelled');
        PERFORM core.release_order(o, 'refunded');
        UPDATE core.orders x SET status = 'refunded', closed_at = statement_timestamp() WHERE x.order_id = o.order_id;
        INSERT INTO core.outbox (kind, recipient, subject, body)
        SELECT 'refund', u.email, 'Refund for booking ' || core.booking_code_pretty(o.booking_code),
               format('Booking %s was cancelled and %s.%s %s refunded.', core.booking_code_pretty(o.booking_code),
                      res.refunded_cents / 100, lpad((res.refunded_cents % 100)::text, 2, '0'), o.currency)
          FROM core.app_user u WHERE u.user_id = o.user_id AND u.email IS NOT NULL;
        res.cancellation_status := 'cancelled'; res.message := 'refunded in full';
    END IF;
    -- Staff voiding an open order or cancelling a paid one is audited
    -- (core.audit, 95-admin.sql); a customer's own cancellation is not.
    IF res.cancellation_status = 'cancelled' AND core.is_staff(w) THEN
        PERFORM core.audit(w, CASE WHEN o.status IN ('initiated', 'pending') THEN 'order_void' ELSE 'order_cancel' END,
                           jsonb_build_object('order_id', o.order_id, 'booking', o.booking_code,
                                              'refunded_cents', res.refunded_cents));
    END IF;
    PERFORM core.remember(request_id, 'cancel', to_jsonb(res));
    RETURN res;
END $$;

-- Housekeeping a terminal or cron may call: marks orders whose hold expired,
-- and frees their seats. Correctness never waits for it. Returns how many.
-- It also forgets sessions that ended (signed out or expired) more than a
-- day ago, except those that made orders (an order names its session), and
-- rate-limit events older than the longest window any limit looks at.
-- It looks only at the last 7 days' orders, one range of the primary key
-- (order ids are snowflakes): a hold lasts minutes, and an open order older
-- than a week holds nothing anyway (an expired hold is free to the next
-- caller and its payment is refused, sweep or no sweep).
CREATE FUNCTION api.expire_holds() RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    o core.orders;
    n int := 0;
    since bigint := (floor(extract(epoch FROM statement_timestamp() - interval '7 days') * 1000)::bigint
                     - 1704067200000) << 22;
BEGIN
    FOR o IN SELECT * FROM core.orders x
              WHERE x.order_id >= since
                AND x.status IN ('initiated', 'pending') AND x.held_until <= statement_timestamp()
              ORDER BY x.order_id FOR UPDATE SKIP LOCKED LOOP
        PERFORM core.expire_order(o);
        n := n + 1;
    END LOOP;
    DELETE FROM core.session s
     WHERE least(s.ended_at, s.expires_at) < statement_timestamp() - interval '1 day'
       AND NOT EXISTS (SELECT 1 FROM core.orders x WHERE x.session_id = s.session_id);
    DELETE FROM core.rate_event e
     WHERE e.at < statement_timestamp() - greatest(interval '1 hour',
                                                   make_interval(mins => core.setting_int('login_window_minutes', 5)));
    RETURN n;
END $$;
