-- 82-after-sales.sql - after the sale: finding a booking (api.find_booking),
-- the refund policy of each cinema (core.refund_policy), refunding a whole
-- booking or chosen seats back to the tenders that paid (api.refund), the
-- card refunds a terminal then makes (api.refund_card_done), notes kept on a
-- booking (the reason of a reprint), and what the booking screen shows of a
-- booking: its tickets and its history. Every function here takes the
-- caller's session first and learns from it who acts.

-- A cinema's refund policy. Refunds close cutoff_minutes before the show
-- (NULL: the cancel_cutoff_minutes setting, else 60); fee_cents is kept
-- from each ticket refunded. A cinema without a row has no fee.
CREATE TABLE core.refund_policy (
    location_id    bigint PRIMARY KEY REFERENCES core.location,
    cutoff_minutes int CHECK (cutoff_minutes BETWEEN 0 AND 100000),
    fee_cents      bigint NOT NULL DEFAULT 0 CHECK (fee_cents >= 0)
);

-- Every refund of seats: who asked (staff_id NULL for a customer or guest),
-- who approved it outside the policy, which seats, the fee kept, the cents
-- given back and why.
CREATE TABLE core.refund_action (
    action_id    bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES core.orders,
    session_id   bigint REFERENCES core.session,
    staff_id     bigint REFERENCES core.app_user,
    approver_id  bigint REFERENCES core.app_user,
    seats        text[] NOT NULL,
    fee_cents    bigint NOT NULL CHECK (fee_cents >= 0),
    amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
    reason       text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT statement_timestamp()
);
CREATE INDEX refund_action_order_idx ON core.refund_action (order_id);

-- The card refunds a terminal owes: each goes to the card terminal under
-- card_key, its idempotency key, so asking again never refunds twice;
-- state says whether the card terminal has done it.
CREATE TABLE core.refund_card (
    refund_id    bigint PRIMARY KEY REFERENCES core.refund,
    card_key     text NOT NULL UNIQUE,
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    terminal_ref text,
    settled_at   timestamptz
);

-- Notes on a booking written at the counter (the reason of a reprint).
CREATE TABLE core.booking_note (
    note_id    bigserial PRIMARY KEY,
    order_id   bigint NOT NULL REFERENCES core.orders,
    staff_id   bigint REFERENCES core.app_user,
    kind       text NOT NULL CHECK (kind IN ('reprint', 'note')),
    body       text NOT NULL CHECK (body <> ''),
    created_at timestamptz NOT NULL DEFAULT statement_timestamp()
);
CREATE INDEX booking_note_order_idx ON core.booking_note (order_id);

-- The orders the session w may see: a staff session every order, a customer
-- their account's and their session's, a guest its session's (as
-- core.order_for). Inlined.
CREATE FUNCTION core.order_visible(w core.who, p_order core.orders) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT w.session_id IS NOT NULL
           AND (core.is_staff(w) OR p_order.session_id = w.session_id
                OR (w.role = 'customer' AND p_order.user_id = w.user_id))
$$;

-- A card's last four digits are looked up by the day they paid.
CREATE INDEX payment_last4_idx ON core.payment (card_last4, created_at) WHERE card_last4 IS NOT NULL;

-- Bookings matching what a person typed at the counter: a booking code
-- (with or without its dash, any case), "#123" (the orders of showtime
-- 123), a card's last four digits and the day it paid ("4242 2026-05-01",
-- "4242 yesterday"; today when no day is given), an e-mail address, or a
-- part of a customer's name. Only the bookings the session may see; newest
-- show first, at most 50. Each kind of key finds its orders through an
-- index of its own. A mistyped code (core.booking_code_typed but not
-- core.parse_booking_code) is looked for as a name, and usually finds
-- nothing; the terminal then says the code is mistyped.
CREATE FUNCTION api.find_booking(session text, query text)
RETURNS TABLE (order_id bigint, booking_code text, showtime_id bigint, title text,
               starts_at timestamptz, seats text[], status text, location text,
               show_local text, customer text, total_cents bigint, refunded_cents bigint,
               currency text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    w core.who := core.session_who(session);
    q text := btrim(coalesce(query, ''));
    code text := core.parse_booking_code(q);
    m text[];
    day date;
    ids bigint[];
BEGIN
    IF w.session_id IS NULL OR length(q) < 2 OR length(q) > 200 THEN
        RETURN;
    END IF;
    m := regexp_match(lower(q), '^([0-9]{4})(\s+(.+))?$');
    IF code IS NOT NULL THEN
        ids := ARRAY(SELECT o.order_id FROM core.orders o WHERE o.booking_code = code);
    ELSIF q ~ '^(#|show\s*)[0-9]{1,18}$' THEN
        ids := ARRAY(SELECT o.order_id FROM core.orders o
                      WHERE o.showtime_id = substring(q FROM '[0-9]+')::bigint);
    ELSIF m IS NOT NULL THEN
        day := CASE WHEN m[3] IS NULL OR m[3] = 'today' THEN current_date
                    WHEN m[3] = 'yesterday' THEN current_date - 1 END;
        IF day IS NULL THEN
            BEGIN
                day := m[3]::date;
            EXCEPTION WHEN others THEN
                RETURN;
            END;
        END IF;
        -- the day in any cinema's time zone lies within a day either side of UTC's
        ids := ARRAY(SELECT DISTINCT p.order_id
                       FROM core.payment p
                       JOIN core.orders o ON o.order_id = p.order_id
                       JOIN core.showtime st ON st.showtime_id = o.showtime_id
                       JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
                       JOIN core.location l ON l.location_id = a.location_id
                      WHERE p.card_last4 = m[1]
                        AND p.created_at >= day::timestamp AT TIME ZONE 'UTC' - interval '1 day'
                        AND p.created_at < day::timestamp AT TIME ZONE 'UTC' + interval '2 days'
                        AND (p.created_at AT TIME ZONE l.timezone)::date = day);
    ELSIF position('@' IN q) > 0 THEN
        ids := ARRAY(SELECT o.order_id FROM core.app_user u JOIN core.orders o ON o.user_id = u.user_id
                      WHERE lower(u.email) = lower(q));
    ELSE
        ids := ARRAY(SELECT o.order_id FROM core.app_user u JOIN core.orders o ON o.user_id = u.user_id
                      WHERE u.full_name ILIKE '%' || replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%');
    END IF;
    RETURN QUERY
    SELECT o.order_id, o.booking_code, o.showtime_id, mv.title, st.starts_at,
           coalesce((SELECT array_agg(s.label ORDER BY s.row_no, s.col_no)
                       FROM core.ticket t JOIN core.seat s USING (seat_id)
                      WHERE t.order_id = o.order_id AND t.state IN ('held', 'sold', 'refunded')),
                    (SELECT array_agg(s.label ORDER BY s.row_no, s.col_no)
                       FROM core.seat s WHERE s.seat_id = ANY (o.hold_seats)), '{}'),
           CASE WHEN o.status = 'success' AND EXISTS (SELECT 1 FROM core.ticket t
                     WHERE t.order_id = o.order_id AND t.state = 'refunded')
                THEN 'part_refunded' ELSE o.status::text END,
           l.name, to_char(st.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI'),
           coalesce(u.full_name, ''), o.total_cents::bigint,
           (SELECT coalesce(sum(r.amount_cents), 0)::bigint FROM core.refund r WHERE r.order_id = o.order_id),
           o.currency::text
      FROM core.orders o
      JOIN core.showtime st ON st.showtime_id = o.showtime_id
      JOIN core.movie mv ON mv.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
      LEFT JOIN core.app_user u ON u.user_id = o.user_id
     WHERE o.order_id = ANY (ids)
       AND core.order_visible(w, o)
       AND o.status IN ('initiated', 'pending', 'success', 'refunded', 'exchanged')
     ORDER BY st.starts_at DESC, o.order_id DESC
     LIMIT 50;
END $$;

-- The refund policy of the cinema of showtime p_showtime_id: its cut-off
-- (minutes before the show) and its fee per ticket.
CREATE FUNCTION core.refund_policy_of(p_showtime_id bigint, OUT cutoff_minutes int, OUT fee_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(rp.cutoff_minutes, core.setting_int('cancel_cutoff_minutes', 60)),
           coalesce(rp.fee_cents, 0)
      FROM core.showtime st
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      LEFT JOIN core.refund_policy rp ON rp.location_id = a.location_id
     WHERE st.showtime_id = p_showtime_id
$$;

-- Gives back p_amount cents of an order to the payments that paid it, in
-- this order: card payments first, newest first, then cash, newest first;
-- each at most what is left of it. An order that tickets were exchanged
-- into (83-exchange.sql) was paid in part by the orders they came from:
-- its own payments go first, then theirs, nearest first. Card parts get a core.refund_card row
-- (pending) for the terminal to refund through its card terminal. Returns
-- the card refunds as a JSON array and the cash given back.
CREATE FUNCTION core.refund_tenders(p_order_id bigint, p_amount bigint, p_reason text,
                                    OUT cards jsonb, OUT cash_cents bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    p record;
    left_cents bigint := p_amount;
    part bigint;
    rid bigint;
BEGIN
    cards := '[]';
    cash_cents := 0;
    FOR p IN WITH RECURSIVE chain (order_id, depth) AS (
                 SELECT p_order_id, 0
                 UNION
                 SELECT e.from_order_id, c.depth + 1
                   FROM chain c JOIN core.exchange e ON e.to_order_id = c.order_id)
             SELECT x.*, x.amount_cents - coalesce((SELECT sum(r.amount_cents) FROM core.refund r
                                                    WHERE r.payment_id = x.payment_id), 0) AS open_cents
               FROM chain c JOIN core.payment x ON x.order_id = c.order_id
              ORDER BY c.depth, x.method = 'cash', x.payment_id DESC LOOP
        EXIT WHEN left_cents <= 0;
        part := least(left_cents, p.open_cents);
        CONTINUE WHEN part <= 0;
        INSERT INTO core.refund (order_id, payment_id, amount_cents, reason)
        VALUES (p_order_id, p.payment_id, part, p_reason) RETURNING refund_id INTO rid;
        IF p.method = 'card' THEN
            INSERT INTO core.refund_card (refund_id, card_key) VALUES (rid, 'refund-' || p_order_id || '-' || rid);
            cards := cards || jsonb_build_object('refund_id', rid, 'card_key', 'refund-' || p_order_id || '-' || rid,
                                                 'amount_cents', part, 'last4', p.card_last4,
                                                 'terminal_ref', p.terminal_ref, 'auth_code', p.auth_code);
        ELSE
            cash_cents := cash_cents + part;
        END IF;
        left_cents := left_cents - part;
    END LOOP;
END $$;

-- Whether session w may change the seats of a paid booking of showtime
-- p_showtime_id (p_what: 'refund' or 'exchange') now: NULL status when it
-- may. Inside the policy (up to the cut-off before the show) any staff
-- session or the booking's owner may; after it a manager must: w itself,
-- or p_approver_session, a live manager session of this same device, and
-- a reason (p_reason) is needed. A customer or guest is then too_late.
-- approver_id is the approving manager after the cut-off.
CREATE FUNCTION core.refund_approval(w core.who, p_showtime_id bigint, p_approver_session text, p_reason text,
                                     p_what text, OUT status text, OUT message text, OUT approver_id bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    pol record := core.refund_policy_of(p_showtime_id);
    a core.who;
    words text := CASE p_what WHEN 'exchange' THEN 'exchanges' ELSE 'refunds' END;
BEGIN
    IF statement_timestamp() <= (SELECT st.starts_at FROM core.showtime st WHERE st.showtime_id = p_showtime_id)
                                - make_interval(mins => pol.cutoff_minutes) THEN
        RETURN;
    END IF;
    IF NOT core.is_staff(w) THEN
        status := 'too_late';
        message := format('%s close %s minutes before the show', words, pol.cutoff_minutes);
        RETURN;
    ELSIF w.role = 'manager' THEN
        approver_id := w.user_id;
    ELSIF p_approver_session IS NULL THEN
        status := 'needs_approval';
        message := format('%s close %s minutes before the show: a manager must approve', words, pol.cutoff_minutes);
        RETURN;
    ELSE
        a := core.session_who(p_approver_session);
        IF a.role IS DISTINCT FROM 'manager' THEN
            status := 'not_manager';
            message := 'that sign-in is not a manager''s on this terminal';
            RETURN;
        END IF;
        approver_id := a.user_id;
    END IF;
    IF btrim(coalesce(p_reason, '')) = '' THEN
        status := 'reason_needed';
        message := format('a%s after the cut-off needs a reason', CASE p_what WHEN 'exchange' THEN 'n exchange'
                                                                           ELSE ' refund' END);
        approver_id := NULL;
    END IF;
END $$;

-- The sold tickets of order p_order_id that p_seats names (labels as
-- typed; NULL: every one): their seat ids in seat_id order, their labels in
-- row order, and the labels asked for that are no sold seat of the order
-- (bad, NULL when none).
CREATE FUNCTION core.sold_seats(p_order_id bigint, p_seats text[], OUT picked bigint[], OUT labels text[],
                                OUT bad text)
LANGUAGE sql STABLE AS $$
    SELECT (SELECT array_agg(t.seat_id ORDER BY t.seat_id)
              FROM core.ticket t JOIN core.seat s USING (seat_id)
             WHERE t.order_id = p_order_id AND t.state = 'sold'
               AND (p_seats IS NULL OR s.label = ANY (SELECT upper(btrim(x)) FROM unnest(p_seats) x))),
           (SELECT array_agg(s.label ORDER BY s.row_no, s.col_no)
              FROM core.ticket t JOIN core.seat s USING (seat_id)
             WHERE t.order_id = p_order_id AND t.state = 'sold'
               AND (p_seats IS NULL OR s.label = ANY (SELECT upper(btrim(x)) FROM unnest(p_seats) x))),
           (SELECT string_agg(x.label, ' ')
              FROM unnest(p_seats) x(label)
             WHERE NOT EXISTS (SELECT 1 FROM core.ticket t JOIN core.seat s USING (seat_id)
                                WHERE t.order_id = p_order_id AND t.state = 'sold'
                                  AND s.label = upper(btrim(x.label))))
$$;

-- Locks the seat rows and the sold tickets of seats p_picked of the order
-- p_order, whose row the caller has locked (the lock order: the order row,
-- its seat rows, its tickets), before they change. Returns the labels of
-- those already admitted at the door, or NULL.
CREATE FUNCTION core.lock_sold_seats(p_order core.orders, p_picked bigint[]) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM core.showtime_seat ss
      WHERE ss.showtime_id = p_order.showtime_id AND ss.seat_id = ANY (p_picked)
      ORDER BY ss.seat_id FOR UPDATE;
    PERFORM 1 FROM core.ticket t
      WHERE t.order_id = p_order.order_id AND t.seat_id = ANY (p_picked) AND t.state = 'sold'
      ORDER BY t.ticket_id FOR UPDATE;
    RETURN (SELECT string_agg(s.label, ' ' ORDER BY s.row_no, s.col_no)
              FROM core.ticket t JOIN core.seat s USING (seat_id)
             WHERE t.order_id = p_order.order_id AND t.seat_id = ANY (p_picked) AND t.state = 'sold'
               AND t.admitted_at IS NOT NULL);
END $$;

CREATE TYPE api.refund_result AS (
    refund_status  text,    -- refunded | needs_approval | not_signed_in | unknown_order | not_paid |
                            -- already_refunded | unknown_seat | already_admitted | too_late |
                            -- reason_needed | not_manager | ask_at_counter
    refunded_cents bigint,
    fee_cents      bigint,
    cash_cents     bigint,  -- to pay out of the drawer
    card_refunds   jsonb,   -- [{refund_id, card_key, amount_cents, last4, terminal_ref, auth_code}]
    order_status   text,
    message        text
);

-- Refunds the sold seats of an order (NULL: all of them) to the tenders
-- that paid (core.refund_tenders), less the cinema's fee per ticket; the
-- seats are for sale again. Inside the policy (up to the cut-off before the
-- show) the session's owner or any cashier may; after it a manager must:
-- the acting session's own, or approver_session, a live manager session of
-- this same device, and a reason. A customer or guest cannot have cash
-- back here (ask_at_counter), nor refund after the cut-off (too_late). A
-- seat admitted at the door is never refunded: the order row is locked
-- first, as api.admit locks it, so of a refund and a scan of one of its
-- seats exactly one happens.
CREATE FUNCTION api.refund(session text, order_id bigint, seats text[] DEFAULT NULL,
                           reason text DEFAULT NULL, approver_session text DEFAULT NULL,
                           request_id uuid DEFAULT NULL)
RETURNS api.refund_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    res api.refund_result;
    w core.who;
    o core.orders;
    pol record;
    picked bigint[];
    labels text[];
    bad text;
    why text := btrim(coalesce(reason, ''));
    approver bigint;
    money record;
    n_left int;
BEGIN
    SET LOCAL synchronous_commit TO DEFAULT;
    res := core.replay_as(request_id, 'refund', res);
    IF res.refund_status IS NOT NULL THEN RETURN res; END IF;
    res.refunded_cents := 0; res.fee_cents := 0; res.cash_cents := 0; res.card_refunds := '[]';
    w := core.session_who(session);
    o := core.order_for(w, refund.order_id, true);
    IF w.session_id IS NULL THEN
        res.refund_status := 'not_signed_in'; res.message := 'sign in again';
    ELSIF o.order_id IS NULL THEN
        res.refund_status := 'unknown_order'; res.message := 'no such booking';
    ELSIF o.status = 'refunded' THEN
        res.refund_status := 'already_refunded'; res.message := 'this booking was already refunded';
    ELSIF o.status <> 'success' THEN
        res.refund_status := 'not_paid'; res.message := 'this booking is not paid: cancel it instead';
    END IF;
    IF res.refund_status IS NULL THEN
        res.order_status := o.status;
        SELECT x.picked, x.labels, x.bad INTO picked, labels, bad FROM core.sold_seats(o.order_id, seats) x;
        IF bad IS NOT NULL THEN
            res.refund_status := 'unknown_seat';
            res.message := format('not a sold seat of this booking: %s', bad);
        ELSIF picked IS NULL THEN
            res.refund_status := 'unknown_seat'; res.message := 'no seats to refund';
        END IF;
    END IF;
    IF res.refund_status IS NULL THEN
        bad := core.lock_sold_seats(o, picked);
        SELECT * INTO pol FROM core.refund_policy_of(o.showtime_id);
        IF bad IS NOT NULL THEN
            res.refund_status := 'already_admitted';
            res.message := format('already in at the door, not refundable: %s', bad);
        ELSIF NOT core.is_staff(w) AND EXISTS (SELECT 1 FROM core.payment p
                                                 WHERE p.order_id = o.order_id AND p.method = 'cash') THEN
            res.refund_status := 'ask_at_counter'; res.message := 'paid in cash: ask at the counter';
        ELSE
            SELECT x.status, x.message, x.approver_id INTO res.refund_status, res.message, approver
              FROM core.refund_approval(w, o.showtime_id, approver_session, why, 'refund') x;
        END IF;
    END IF;
    IF res.refund_status IS NOT NULL THEN
        res.order_status := coalesce(res.order_status, o.status);
        PERFORM core.remember(request_id, 'refund', to_jsonb(res));
        RETURN res;
    END IF;

    SELECT coalesce(sum(least(t.price_cents, pol.fee_cents)), 0),
           coalesce(sum(t.price_cents - least(t.price_cents, pol.fee_cents)), 0)
      INTO res.fee_cents, res.refunded_cents
      FROM core.ticket t WHERE t.order_id = o.order_id AND t.seat_id = ANY (picked) AND t.state = 'sold';
    res.refunded_cents := least(res.refunded_cents, core.order_held(o.order_id));
    SELECT * INTO money FROM core.refund_tenders(o.order_id, res.refunded_cents,
                                                 coalesce(nullif(why, ''), 'refunded'));
    res.card_refunds := money.cards;
    res.cash_cents := money.cash_cents;

    UPDATE core.showtime_seat ss SET state = 'available', order_id = NULL, held_until = NULL
     WHERE ss.showtime_id = o.showtime_id AND ss.seat_id = ANY (picked) AND ss.order_id = o.order_id;
    UPDATE core.ticket t SET state = 'refunded'
     WHERE t.order_id = o.order_id AND t.seat_id = ANY (picked) AND t.state = 'sold';
    SELECT count(*) INTO n_left FROM core.ticket t WHERE t.order_id = o.order_id AND t.state = 'sold';
    IF n_left = 0 THEN
        UPDATE core.orders x SET status = 'refunded', closed_at = statement_timestamp()
         WHERE x.order_id = o.order_id;
        res.order_status := 'refunded';
    ELSE
        res.order_status := 'part_refunded';
    END IF;
    INSERT INTO core.refund_action (order_id, session_id, staff_id, approver_id, seats, fee_cents,
                                    amount_cents, reason)
    VALUES (o.order_id, w.session_id, CASE WHEN core.is_staff(w) THEN w.user_id END, approver, labels,
            res.fee_cents, res.refunded_cents, why);
    INSERT INTO core.outbox (kind, recipient, subject, body)
    SELECT 'refund', u.email, 'Refund for booking ' || core.booking_code_pretty(o.booking_code),
           format('Seats %s of booking %s were refunded: %s.%s %s%s.', array_to_string(labels, ', '),
                  core.booking_code_pretty(o.booking_code),
                  res.refunded_cents / 100, lpad((res.refunded_cents % 100)::text, 2, '0'), o.currency,
                  CASE WHEN res.fee_cents > 0 THEN format(' (a fee of %s.%s kept)', res.fee_cents / 100,
                                                         lpad((res.fee_cents % 100)::text, 2, '0')) ELSE '' END)
      FROM core.app_user u WHERE u.user_id = o.user_id AND u.email IS NOT NULL;
    res.refund_status := 'refunded';
    res.message := format('%s refunded', array_to_string(labels, ' '));
    PERFORM core.remember(request_id, 'refund', to_jsonb(res));
    RETURN res;
END $$;

-- The terminal reports what its card terminal did with the card refund
-- refund_id (done, or failed: it stays owed and shows in the history).
-- Returns settled, already_settled or unknown_refund.
CREATE FUNCTION api.refund_card_done(session text, refund_id bigint, done boolean,
                                     terminal_ref text DEFAULT NULL, OUT settle_status text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    w core.who := core.session_who(session);
    oid bigint := (SELECT r.order_id FROM core.refund r WHERE r.refund_id = refund_card_done.refund_id);
    o core.orders := core.order_for(w, oid, true);
BEGIN
    SET LOCAL synchronous_commit TO DEFAULT;
    IF o.order_id IS NULL THEN
        settle_status := 'unknown_refund';
        RETURN;
    END IF;
    UPDATE core.refund_card c
       SET state = CASE WHEN done THEN 'done' ELSE 'failed' END,
           terminal_ref = left(refund_card_done.terminal_ref, 80), settled_at = statement_timestamp()
     WHERE c.refund_id = refund_card_done.refund_id AND c.state <> 'done';
    settle_status := CASE WHEN FOUND THEN 'settled' ELSE 'already_settled' END;
END $$;

-- The card refunds of an order that its card terminal has not done yet
-- (pending: just decided, or its outcome unknown), for the terminal to make
-- or to ask about, each under its own card_key. Empty for an order the
-- session may not act on.
CREATE FUNCTION api.refund_cards_owed(session text, order_id bigint)
RETURNS TABLE (refund_id bigint, card_key text, amount_cents bigint, currency text,
               charge_ref text, last4 text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    o core.orders := core.order_for(core.session_who(session), order_id, false);
BEGIN
    RETURN QUERY
    SELECT r.refund_id, c.card_key, r.amount_cents, p.currency::text, coalesce(p.terminal_ref, ''),
           coalesce(p.card_last4, '')
      FROM core.refund r
      JOIN core.refund_card c ON c.refund_id = r.refund_id
      JOIN core.payment p ON p.payment_id = r.payment_id
     WHERE r.order_id = o.order_id AND c.state = 'pending'
     ORDER BY r.refund_id;
END $$;

-- Writes a note on a booking (kind reprint: the reason of a reprint).
-- Staff only. Returns noted, not_staff or unknown_order.
CREATE FUNCTION api.booking_note(session text, order_id bigint, kind text, body text,
                                 OUT note_status text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    w core.who := core.session_who(session);
    o core.orders;
BEGIN
    IF NOT core.is_staff(w) THEN
        note_status := 'not_staff';
        RETURN;
    END IF;
    o := core.order_for(w, booking_note.order_id, false);
    IF o.order_id IS NULL THEN
        note_status := 'unknown_order';
        RETURN;
    END IF;
    INSERT INTO core.booking_note (order_id, staff_id, kind, body)
    VALUES (o.order_id, w.user_id, kind, left(coalesce(nullif(btrim(body), ''), '(no reason given)'), 200));
    note_status := 'noted';
END $$;

-- Each seat of a booking as the booking screen shows it: its type, price
-- and state (held, sold, printed, admitted, refunded or released). Empty
-- for a booking the session may not see.
CREATE FUNCTION api.booking_tickets(session text, order_id bigint)
RETURNS TABLE (seat text, kind text, ticket_type text, price_cents bigint, state text, issue int,
               admitted_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    o core.orders := core.order_for(core.session_who(session), order_id, false);
BEGIN
    RETURN QUERY
    SELECT s.label, s.kind, tt.name, t.price_cents,
           CASE WHEN t.state = 'sold' AND t.admitted_at IS NOT NULL THEN 'admitted'
                WHEN t.state = 'sold' AND t.printed_at IS NOT NULL THEN 'printed'
                ELSE t.state END,
           t.issue, t.admitted_at
      FROM core.ticket t
      JOIN core.seat s ON s.seat_id = t.seat_id
      JOIN core.ticket_type tt ON tt.type_code = t.type_code
     WHERE t.order_id = o.order_id
     ORDER BY s.row_no, s.col_no, t.ticket_id;
END $$;

-- What happened to a booking, oldest first: held, each payment, each
-- refund of seats (by whom, approved by whom, why) and of money (to which
-- tender, card refunds' state), prints, reprints and their reasons, scans
-- at the door. Staff only: empty for anyone else.
CREATE FUNCTION api.booking_history(session text, order_id bigint)
RETURNS TABLE (at timestamptz, event text, detail text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    w core.who := core.session_who(session);
    o core.orders;
BEGIN
    IF NOT core.is_staff(w) THEN
        RETURN;
    END IF;
    o := core.order_for(w, order_id, false);
    RETURN QUERY
    SELECT x.at, x.event, x.detail FROM (
        SELECT o.created_at AS at, 'held' AS event, format('at %s', nullif(o.terminal, '')) AS detail, 0 AS k
         WHERE o.order_id IS NOT NULL
        UNION ALL
        SELECT p.created_at, 'paid', format('%s %s.%s%s', p.method, p.amount_cents / 100,
               lpad((p.amount_cents % 100)::text, 2, '0'),
               CASE WHEN p.card_last4 IS NOT NULL THEN ' card ending ' || p.card_last4 ELSE '' END), 1
          FROM core.payment p WHERE p.order_id = o.order_id
        UNION ALL
        SELECT ra.created_at, 'refund', format('%s by %s%s: %s', array_to_string(ra.seats, ' '),
               coalesce(st.username, 'the customer'),
               CASE WHEN ra.approver_id IS NOT NULL THEN ', approved by ' || ap.username ELSE '' END,
               coalesce(nullif(ra.reason, ''), 'no reason given'))
               || CASE WHEN ra.fee_cents > 0 THEN format(' (fee %s.%s)', ra.fee_cents / 100,
                                                         lpad((ra.fee_cents % 100)::text, 2, '0')) ELSE '' END, 2
          FROM core.refund_action ra
          LEFT JOIN core.app_user st ON st.user_id = ra.staff_id
          LEFT JOIN core.app_user ap ON ap.user_id = ra.approver_id
         WHERE ra.order_id = o.order_id
        UNION ALL
        SELECT r.created_at, 'money back', format('%s %s.%s%s', p.method, r.amount_cents / 100,
               lpad((r.amount_cents % 100)::text, 2, '0'),
               CASE WHEN c.state IS NOT NULL THEN ' to card ending ' || p.card_last4 || ': ' || c.state ELSE '' END), 3
          FROM core.refund r JOIN core.payment p USING (payment_id)
          LEFT JOIN core.refund_card c ON c.refund_id = r.refund_id
         WHERE r.order_id = o.order_id
        UNION ALL
        SELECT e.created_at, 'exchange',
               format('%s to %s %s of %s by %s%s: %s', array_to_string(e.seats_from, ' '),
                      array_to_string(e.seats_to, ' '), core.booking_code_pretty(tn.booking_code),
                      to_char(ts.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI'),
                      coalesce(st.username, '?'),
                      CASE WHEN e.approver_id IS NOT NULL THEN ', approved by ' || ap.username ELSE '' END,
                      coalesce(nullif(e.reason, ''), 'no reason given')), 2
          FROM core.exchange e
          JOIN core.orders tn ON tn.order_id = e.to_order_id
          JOIN core.showtime ts ON ts.showtime_id = tn.showtime_id
          JOIN core.auditorium au ON au.auditorium_id = ts.auditorium_id
          JOIN core.location l ON l.location_id = au.location_id
          LEFT JOIN core.app_user st ON st.user_id = e.staff_id
          LEFT JOIN core.app_user ap ON ap.user_id = e.approver_id
         WHERE e.from_order_id = o.order_id
        UNION ALL
        SELECT e.created_at, 'exchanged in', format('%s from %s: %s.%s credit', array_to_string(e.seats_to, ' '),
               core.booking_code_pretty(fo.booking_code), e.credit_cents / 100,
               lpad((e.credit_cents % 100)::text, 2, '0')), 2
          FROM core.exchange e JOIN core.orders fo ON fo.order_id = e.from_order_id
         WHERE e.to_order_id = o.order_id
        UNION ALL
        SELECT pl.created_at, 'print ' || pl.event, nullif(pl.detail, ''), 4
          FROM core.print_log pl WHERE pl.order_id = o.order_id
        UNION ALL
        SELECT rl.created_at, 'reprint', format('issue %s by %s', rl.new_issue,
               coalesce(u.username, rl.proof)), 5
          FROM core.reprint_log rl LEFT JOIN core.app_user u ON u.user_id = rl.staff_id
         WHERE rl.order_id = o.order_id
        UNION ALL
        SELECT n.created_at, n.kind || ' reason', n.body, 6
          FROM core.booking_note n WHERE n.order_id = o.order_id
        UNION ALL
        SELECT al.created_at, 'door', format('%s %s', s.label, al.verdict), 7
          FROM core.admission_log al
          LEFT JOIN core.ticket t ON t.ticket_id = al.ticket_id
          LEFT JOIN core.seat s ON s.seat_id = t.seat_id
         WHERE al.order_id = o.order_id
    ) x
    ORDER BY x.at, x.k;
END $$;
