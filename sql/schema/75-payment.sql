-- 75-payment.sql - taking money: core.payment (no card data at rest: method,
-- amount, last four digits, terminal reference, auth code), the start of a
-- payment, the payment itself and the order's state for the payment screen.

CREATE TABLE core.payment (
    payment_id    bigserial PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES core.orders,
    method        text NOT NULL CHECK (method IN ('cash', 'card')),
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    currency      char(3) NOT NULL,
    tendered_cents bigint,
    card_last4    text CHECK (card_last4 ~ '^[0-9]{4}$'),
    card_brand    text,
    terminal_ref  text,
    auth_code     text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_order_idx ON core.payment (order_id);
-- A card terminal's reference names one charge: it pays once.
CREATE UNIQUE INDEX payment_terminal_ref_idx ON core.payment (terminal_ref) WHERE method = 'card';

-- True when a card part is a result of the test card driver (card-test.c:
-- brand TESTCARD), which pays nothing real.
CREATE FUNCTION core.test_card(p core.payment) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p.method = 'card' AND upper(coalesce(p.card_brand, '')) = 'TESTCARD'
$$;

-- True on a training or demo database (the setting training).
CREATE FUNCTION core.training() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(core.setting_text('training', 'false') = 'true', false)
$$;

-- Whether this is a training database: a terminal configured with the test
-- card driver refuses to start when it is not.
CREATE FUNCTION api.training() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT core.training()
$$;

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
        IF coalesce(btrim(r.terminal_ref), '') = '' THEN
            RAISE EXCEPTION 'invalid_payment' USING DETAIL = 'a card payment needs the terminal reference';
        END IF;
        IF coalesce(r.auth_code, '') = '' THEN
            RAISE EXCEPTION 'invalid_payment' USING DETAIL = 'a card payment needs the auth_code of an approval';
        END IF;
    END IF;
    RETURN r;
END $$;

-- What has paid an order so far: its payments, and the credit of the
-- tickets exchanged into it (core.order_credit, 83-exchange.sql).
CREATE FUNCTION core.order_paid(p_order_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(sum(p.amount_cents), 0) FROM core.payment p WHERE p.order_id = p_order_id)::bigint
           + core.order_credit(p_order_id);
END $$;

-- Marks the open order p_order as "payment in progress" and gives its
-- hold (its seat rows, locked in seat order) payment_extend_minutes more
-- when it has less. Returns the hold's new end.
CREATE FUNCTION core.payment_pending(p_order core.orders) RETURNS timestamptz
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    until timestamptz := greatest(p_order.held_until, statement_timestamp()
                                  + make_interval(mins => core.setting_int('payment_extend_minutes', 3)));
BEGIN
    PERFORM 1 FROM core.showtime_seat ss
      WHERE ss.showtime_id = p_order.showtime_id AND ss.seat_id = ANY (p_order.hold_seats)
      ORDER BY ss.seat_id FOR UPDATE;
    UPDATE core.showtime_seat ss SET held_until = until
     WHERE ss.showtime_id = p_order.showtime_id AND ss.order_id = p_order.order_id AND ss.state = 'held';
    UPDATE core.orders x SET status = 'pending', held_until = until
     WHERE x.order_id = p_order.order_id;
    RETURN until;
END $$;

-- Sells the held order p_order, fully paid: its seat rows are locked and
-- still held by it (the caller has checked); its tickets are written now
-- if ticket types did not, sold, the order marked paid and the
-- confirmation queued for its customer.
CREATE FUNCTION core.sell_order(p_order core.orders) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    mine int;
BEGIN
    PERFORM core.write_hold_tickets(p_order);
    UPDATE core.showtime_seat ss SET state = 'sold', held_until = NULL
     WHERE ss.showtime_id = p_order.showtime_id AND ss.order_id = p_order.order_id AND ss.state = 'held';
    GET DIAGNOSTICS mine = ROW_COUNT;
    IF mine <> (SELECT count(*) FROM core.ticket t WHERE t.order_id = p_order.order_id AND t.state = 'held') THEN
        RAISE EXCEPTION 'order % lost a seat while held', p_order.order_id USING ERRCODE = 'P0002';
    END IF;
    UPDATE core.ticket t SET state = 'sold' WHERE t.order_id = p_order.order_id AND t.state = 'held';
    UPDATE core.orders x SET status = 'success', paid_at = statement_timestamp(), closed_at = statement_timestamp()
     WHERE x.order_id = p_order.order_id;
    INSERT INTO core.outbox (kind, recipient, subject, body)
    SELECT 'confirmation', u.email, 'Your tickets: ' || core.booking_code_pretty(p_order.booking_code),
           format('Booking %s is paid: %s.', core.booking_code_pretty(p_order.booking_code),
                  (SELECT string_agg(s.label, ', ' ORDER BY s.row_no, s.col_no)
                     FROM core.ticket t JOIN core.seat s USING (seat_id)
                    WHERE t.order_id = p_order.order_id AND t.state = 'sold'))
      FROM core.app_user u WHERE u.user_id = p_order.user_id AND u.email IS NOT NULL;
END $$;

CREATE TYPE api.payment_start_result AS (
    start_status text,       -- pending | no_session | unknown_order | expired | not_open
    expire_at    timestamptz,
    due_cents    bigint
);

-- Marks an order as "payment in progress" and gives its hold a little more
-- time, so a card being read does not see its seats expire under it.
CREATE FUNCTION api.payment_start(session text, order_id bigint, request_id uuid DEFAULT NULL)
RETURNS api.payment_start_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.payment_start_result;
    w core.who;
    o core.orders;
BEGIN
    -- Money, and what it stands on, is on disk before the answer, even when
    -- an earlier call in this transaction was a fast hold.
    SET LOCAL synchronous_commit TO DEFAULT;
    res := core.replay_as(request_id, 'payment_start', res);
    IF res.start_status IS NOT NULL THEN RETURN res; END IF;
    w := core.session_who(session);
    o := core.order_for(w, payment_start.order_id);
    res.start_status := core.order_refusal(w, o);
    IF res.start_status IS NOT NULL THEN
        NULL;
    ELSIF o.status NOT IN ('initiated', 'pending') THEN
        res.start_status := 'not_open';
    ELSIF o.held_until <= statement_timestamp() THEN
        res.start_status := 'expired';
    ELSE
        res.expire_at := core.payment_pending(o);
        res.start_status := 'pending';
        res.due_cents := o.total_cents - core.order_paid(o.order_id);
    END IF;
    PERFORM core.remember(request_id, 'payment_start', to_jsonb(res));
    RETURN res;
END $$;

CREATE TYPE api.payment_result AS (
    payment_status text,     -- success | partial | no_session | unknown_order | already_paid |
                             -- cancelled | expired | invalid_payment | invalid_amount |
                             -- wrong_amount | card_data_refused | cash_refused |
                             -- reference_used | test_card_refused
    order_id     bigint,
    paid_cents   bigint,
    due_cents    bigint,
    booking_code text,
    message      text
);

-- Pays an order: cash, card (the card terminal's approved result), or split
-- ({"method":"split","parts":[...]}). The parts must add up to what is due;
-- with "partial": true a part may pay less, and the order waits for the rest.
-- Only a staff session takes cash. A card part is what the card terminal
-- returned: its amount, last four digits, auth code and the terminal's
-- reference, which pays once; the test driver's results pay only on a
-- training database.
-- The order's tickets are written, if they were not, before they are sold.
CREATE FUNCTION api.payment(session text, order_id bigint, payment_info jsonb, request_id uuid DEFAULT NULL)
RETURNS api.payment_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.payment_result;
    w core.who;
    o core.orders;
    parts jsonb;
    part core.payment;
    rows core.payment[] := '{}';
    sum_cents bigint := 0;
    paid bigint;
    partial boolean;
    back bigint;
BEGIN
    -- Money, and what it stands on, is on disk before the answer, even when
    -- an earlier call in this transaction was a fast hold.
    SET LOCAL synchronous_commit TO DEFAULT;
    res := core.replay_as(request_id, 'payment', res);
    IF res.payment_status IS NOT NULL THEN RETURN res; END IF;
    res.order_id := payment.order_id;

    w := core.session_who(session);
    o := core.order_for(w, payment.order_id);
    res.payment_status := core.order_refusal(w, o);
    IF res.payment_status IS NOT NULL THEN
        res.message := core.refusal_words(res.payment_status);
    ELSIF o.status = 'success' THEN
        res.payment_status := 'already_paid'; res.message := 'this order is already paid';
    ELSIF o.status IN ('cancelled', 'refunded', 'exchanged') THEN
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

    paid := core.order_paid(o.order_id);
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
            IF part.method = 'cash' AND NOT core.is_staff(w) THEN
                RAISE EXCEPTION 'cash_refused' USING DETAIL = 'only the box office takes cash';
            ELSIF core.test_card(part) AND NOT core.training() THEN
                RAISE EXCEPTION 'test_card_refused'
                      USING DETAIL = 'a test card pays only on a training database';
            ELSIF part.method = 'card' AND (EXISTS (SELECT 1 FROM core.payment p
                                                    WHERE p.method = 'card' AND p.terminal_ref = part.terminal_ref)
                                            OR part.terminal_ref = ANY (SELECT r.terminal_ref FROM unnest(rows) r)) THEN
                RAISE EXCEPTION 'reference_used'
                      USING DETAIL = 'this card terminal reference has already paid';
            END IF;
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

    -- A reference that another call recorded meanwhile meets the unique index.
    BEGIN
        INSERT INTO core.payment (order_id, method, amount_cents, currency, tendered_cents,
                                  card_last4, card_brand, terminal_ref, auth_code)
        SELECT o.order_id, r.method, r.amount_cents, r.currency, r.tendered_cents,
               r.card_last4, r.card_brand, r.terminal_ref, r.auth_code
          FROM unnest(rows) r;
    EXCEPTION WHEN unique_violation THEN
        res.payment_status := 'reference_used';
        res.message := 'this card terminal reference has already paid';
        res.paid_cents := paid;
        res.due_cents := o.total_cents - paid;
        PERFORM core.remember(request_id, 'payment', to_jsonb(res));
        RETURN res;
    END;
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
    -- above).
    PERFORM core.sell_order(o);

    res.payment_status := 'success';
    res.message := 'paid';
    PERFORM core.remember(request_id, 'payment', to_jsonb(res));
    RETURN res;
END $$;

-- The order as the payment screen needs it: status, total, what is paid
-- (exchange credit included) and
-- seconds left on the hold by the database clock; no row unless the session
-- may see the order.
CREATE FUNCTION api.order_status(session text, order_id bigint)
RETURNS TABLE (status text, total_cents bigint, paid_cents bigint, booking_code text,
               held_until timestamptz, seconds_left int, currency text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT o.status, o.total_cents,
           core.order_paid(o.order_id), o.booking_code, o.held_until,
           greatest(0, ceil(extract(epoch FROM o.held_until - now())))::int, o.currency::text
      FROM core.order_for(core.session_who($1), $2, false) o WHERE o.order_id IS NOT NULL
$$;
