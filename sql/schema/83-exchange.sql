-- 83-exchange.sql - exchanges: moving seats of a paid booking to another
-- showtime or to other seats of the same show (api.exchange), the credit
-- the moved tickets carry into the order that receives them, what an order
-- then still holds of the money paid, and the shows a booking may move to
-- (api.exchange_shows). Every function here takes the caller's session
-- first and learns from it who acts.

-- Every exchange: the paid order the seats came from, the held order
-- (made by api.select_seat, the normal hold) they went to, the seats on
-- either side, what the moved tickets were worth (value_cents), the part
-- of it that pays the new tickets (credit_cents: the new order's total at
-- most), and what came back to the tenders (refund_cents) when the new
-- seats cost less. The difference the other way is paid on the new order.
CREATE TABLE core.exchange (
    exchange_id   bigserial PRIMARY KEY,
    from_order_id bigint NOT NULL REFERENCES core.orders,
    to_order_id   bigint NOT NULL UNIQUE REFERENCES core.orders,
    session_id    bigint REFERENCES core.session,
    staff_id      bigint REFERENCES core.app_user,
    approver_id   bigint REFERENCES core.app_user,
    seats_from    text[] NOT NULL,
    seats_to      text[] NOT NULL,
    value_cents   bigint NOT NULL CHECK (value_cents >= 0),
    credit_cents  bigint NOT NULL CHECK (credit_cents >= 0 AND credit_cents <= value_cents),
    refund_cents  bigint NOT NULL CHECK (refund_cents = value_cents - credit_cents),
    reason        text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT statement_timestamp(),
    CHECK (from_order_id <> to_order_id)
);
CREATE INDEX exchange_from_idx ON core.exchange (from_order_id);

-- The credit exchanged into order p_order_id: what its moved tickets paid
-- towards it (0 for an order no exchange went to).
CREATE FUNCTION core.order_credit(p_order_id bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT sum(e.credit_cents) FROM core.exchange e WHERE e.to_order_id = p_order_id), 0)::bigint
$$;

-- Whether an exchange took seats from order p_order_id or gave it seats.
CREATE FUNCTION core.order_exchanged(p_order_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM core.exchange e WHERE e.from_order_id = p_order_id OR e.to_order_id = p_order_id)
$$;

-- The money order p_order_id still holds, the most a refund of it can
-- give back: its payments and the credit exchanged into it, less the
-- credit and the refunds of exchanges out of it and its own refunds.
CREATE FUNCTION core.order_held(p_order_id bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (SELECT coalesce(sum(p.amount_cents), 0) FROM core.payment p WHERE p.order_id = p_order_id)::bigint
         + core.order_credit(p_order_id)
         - (SELECT coalesce(sum(e.credit_cents), 0) FROM core.exchange e WHERE e.from_order_id = p_order_id)::bigint
         - (SELECT coalesce(sum(r.amount_cents), 0) FROM core.refund r WHERE r.order_id = p_order_id)::bigint
$$;

CREATE TYPE api.exchange_result AS (
    exchange_status text,     -- exchanged | needs_approval | not_signed_in | not_staff | unknown_order |
                              -- not_paid | unknown_seat | already_admitted | seat_count | new_order |
                              -- expired | too_late | reason_needed | not_manager
    old_cents       bigint,   -- what the moved tickets were worth
    new_cents       bigint,   -- what the new tickets cost (their types kept where the show has them)
    due_cents       bigint,   -- to pay on the new order (the payment screen): new - old when more
    refunded_cents  bigint,   -- given back to the tenders: old - new when less
    cash_cents      bigint,   -- of it, to pay out of the drawer
    card_refunds    jsonb,    -- [{refund_id, card_key, amount_cents, last4, terminal_ref, auth_code}]
    new_order_id    bigint,
    booking_code    text,     -- the new order's
    order_status    text,     -- the new order's: success, or pending while due_cents is owed
    message         text
);

-- Moves seats of the paid order order_id (NULL: all its sold seats) to the
-- seats that new_order_id holds: a hold this session made with
-- api.select_seat, of as many seats, for any showtime. Staff only. The
-- booking's refund policy (cut-off before the OLD show, core.refund_approval)
-- applies: after it a manager approves (approver_session) with a reason.
-- An admitted seat is never moved. In this one transaction the old seats
-- are released and their tickets marked exchanged (their copies no longer
-- open the door), the new order's tickets are written with the old ones'
-- types (in seat order; a type the new show does not sell stays adult) at
-- the new show's prices, and its customer is the old one's. When the new
-- seats cost no more than the old, the new order is sold at once and the
-- rest goes back to the tenders that paid (core.refund_tenders, card
-- refunds then made by the terminal); when they cost more the new order
-- waits, pending, for the difference (due_cents) through api.payment, its
-- hold lengthened as api.payment_start does; were it never paid, its
-- expiry or cancellation gives the credit back to those tenders
-- (core.refund_payments). Lock order: the old order, the new order, the
-- old seat rows, the old tickets, the new seat rows.
CREATE FUNCTION api.exchange(session text, order_id bigint, seats text[], new_order_id bigint,
                             reason text DEFAULT NULL, approver_session text DEFAULT NULL,
                             request_id uuid DEFAULT NULL)
RETURNS api.exchange_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.exchange_result;
    w core.who;
    o core.orders;
    n core.orders;
    picked bigint[];
    labels text[];
    new_labels text[];
    bad text;
    why text := btrim(coalesce(reason, ''));
    approver bigint;
    money record;
    credit bigint;
BEGIN
    SET LOCAL synchronous_commit TO DEFAULT;
    res := core.replay_as(request_id, 'exchange', res);
    IF res.exchange_status IS NOT NULL THEN RETURN res; END IF;
    res.old_cents := 0; res.new_cents := 0; res.due_cents := 0; res.refunded_cents := 0; res.cash_cents := 0;
    res.card_refunds := '[]';
    w := core.session_who(session);
    IF w.session_id IS NULL THEN
        res.exchange_status := 'not_signed_in'; res.message := 'sign in again';
    ELSIF NOT core.is_staff(w) THEN
        res.exchange_status := 'not_staff'; res.message := 'exchanges are made at the box office';
    ELSE
        o := core.order_for(w, exchange.order_id, true);
        n := core.order_for(w, exchange.new_order_id, true);
        IF o.order_id IS NULL THEN
            res.exchange_status := 'unknown_order'; res.message := 'no such booking';
        ELSIF o.status <> 'success' THEN
            res.exchange_status := 'not_paid'; res.message := 'only a paid booking can be exchanged';
        ELSIF n.order_id IS NULL OR n.order_id = o.order_id OR n.session_id IS DISTINCT FROM w.session_id
              OR n.status NOT IN ('initiated', 'pending') OR core.order_paid(n.order_id) > 0 THEN
            res.exchange_status := 'new_order';
            res.message := 'the new seats must be a hold of this terminal''s sign-in, not yet paid';
        ELSIF n.held_until <= statement_timestamp() THEN
            res.exchange_status := 'expired'; res.message := 'the hold on the new seats has expired';
        END IF;
    END IF;
    IF res.exchange_status IS NULL THEN
        -- The seats asked for, each a sold ticket of the old order (as api.refund).
        SELECT x.picked, x.labels, x.bad INTO picked, labels, bad FROM core.sold_seats(o.order_id, seats) x;
        IF bad IS NOT NULL THEN
            res.exchange_status := 'unknown_seat';
            res.message := format('not a sold seat of this booking: %s', bad);
        ELSIF picked IS NULL THEN
            res.exchange_status := 'unknown_seat'; res.message := 'no seats to exchange';
        ELSIF cardinality(picked) <> cardinality(n.hold_seats) THEN
            res.exchange_status := 'seat_count';
            res.message := format('%s seat(s) to move but %s new seat(s) held', cardinality(picked),
                                  cardinality(n.hold_seats));
        END IF;
    END IF;
    IF res.exchange_status IS NULL THEN
        bad := core.lock_sold_seats(o, picked);
        IF bad IS NOT NULL THEN
            res.exchange_status := 'already_admitted';
            res.message := format('already in at the door, cannot be exchanged: %s', bad);
        ELSE
            SELECT x.status, x.message, x.approver_id INTO res.exchange_status, res.message, approver
              FROM core.refund_approval(w, o.showtime_id, approver_session, why, 'exchange') x;
        END IF;
    END IF;
    IF res.exchange_status IS NULL THEN
        -- The new seats: still every one held by the new order (as api.payment checks).
        PERFORM 1 FROM core.showtime_seat ss
          WHERE ss.showtime_id = n.showtime_id AND ss.seat_id = ANY (n.hold_seats)
          ORDER BY ss.seat_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM unnest(n.hold_seats) x(seat_id)
                     LEFT JOIN core.showtime_seat ss ON ss.showtime_id = n.showtime_id AND ss.seat_id = x.seat_id
                    WHERE ss.state IS DISTINCT FROM 'held' OR ss.order_id IS DISTINCT FROM n.order_id) THEN
            res.exchange_status := 'expired'; res.message := 'the hold on the new seats has expired';
        END IF;
    END IF;
    IF res.exchange_status IS NOT NULL THEN
        PERFORM core.remember(request_id, 'exchange', to_jsonb(res));
        RETURN res;
    END IF;

    -- The new tickets, each with the type of the old ticket in the same
    -- place in seat order, at the new show's price for it.
    PERFORM core.write_hold_tickets(n);
    WITH old AS (SELECT t.type_code, row_number() OVER (ORDER BY s.row_no, s.col_no) AS k
                   FROM core.ticket t JOIN core.seat s USING (seat_id)
                  WHERE t.order_id = o.order_id AND t.seat_id = ANY (picked) AND t.state = 'sold'),
         new AS (SELECT t.ticket_id, t.seat_id, row_number() OVER (ORDER BY s.row_no, s.col_no) AS k
                   FROM core.ticket t JOIN core.seat s USING (seat_id)
                  WHERE t.order_id = n.order_id AND t.state = 'held')
    UPDATE core.ticket t SET type_code = old.type_code,
                             price_cents = core.seat_price(n.showtime_id, new.seat_id, old.type_code)
      FROM new JOIN old USING (k)
     WHERE t.ticket_id = new.ticket_id
       AND core.seat_price(n.showtime_id, new.seat_id, old.type_code) IS NOT NULL;
    UPDATE core.orders x
       SET total_cents = (SELECT sum(t.price_cents) FROM core.ticket t WHERE t.order_id = n.order_id AND t.state = 'held'),
           user_id = coalesce(x.user_id, o.user_id),
           receipt_email = coalesce(x.receipt_email, o.receipt_email)
     WHERE x.order_id = n.order_id
    RETURNING x.* INTO n;
    SELECT array_agg(s.label ORDER BY s.row_no, s.col_no) INTO new_labels
      FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = n.order_id AND t.state = 'held';
    SELECT coalesce(sum(t.price_cents), 0) INTO res.old_cents
      FROM core.ticket t WHERE t.order_id = o.order_id AND t.seat_id = ANY (picked) AND t.state = 'sold';
    res.new_cents := n.total_cents;
    credit := least(res.old_cents, res.new_cents);
    res.due_cents := res.new_cents - credit;

    -- The old seats go back on sale; their tickets stop opening the door.
    UPDATE core.showtime_seat ss SET state = 'available', order_id = NULL, held_until = NULL
     WHERE ss.showtime_id = o.showtime_id AND ss.seat_id = ANY (picked) AND ss.order_id = o.order_id;
    UPDATE core.ticket t SET state = 'exchanged'
     WHERE t.order_id = o.order_id AND t.seat_id = ANY (picked) AND t.state = 'sold';
    IF NOT EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = o.order_id AND t.state = 'sold') THEN
        UPDATE core.orders x SET status = 'exchanged', closed_at = statement_timestamp()
         WHERE x.order_id = o.order_id;
    END IF;
    INSERT INTO core.exchange (from_order_id, to_order_id, session_id, staff_id, approver_id, seats_from, seats_to,
                               value_cents, credit_cents, refund_cents, reason)
    VALUES (o.order_id, n.order_id, w.session_id, w.user_id, approver, labels, new_labels,
            res.old_cents, credit, res.old_cents - credit, why);
    IF res.old_cents > credit THEN
        res.refunded_cents := res.old_cents - credit;
        SELECT * INTO money FROM core.refund_tenders(o.order_id, res.refunded_cents,
                                                     coalesce(nullif(why, ''), 'exchanged for less'));
        res.card_refunds := money.cards;
        res.cash_cents := money.cash_cents;
    END IF;
    IF res.due_cents = 0 THEN
        PERFORM core.sell_order(n);
        res.order_status := 'success';
    ELSE
        PERFORM core.payment_pending(n);
        res.order_status := 'pending';
    END IF;

    PERFORM core.audit(w, 'exchange', jsonb_build_object(
        'from', o.booking_code, 'to', n.booking_code, 'seats_from', labels, 'seats_to', new_labels,
        'due_cents', res.due_cents, 'refunded_cents', res.refunded_cents, 'approver_id', approver));
    INSERT INTO core.outbox (kind, recipient, subject, body)
    SELECT 'exchange', u.email, 'Exchange of booking ' || core.booking_code_pretty(o.booking_code),
           format('Seats %s of booking %s were exchanged for seats %s of %s at %s: your new booking is %s.%s',
                  array_to_string(labels, ', '), core.booking_code_pretty(o.booking_code),
                  array_to_string(new_labels, ', '), m.title,
                  to_char(st.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI'),
                  core.booking_code_pretty(n.booking_code),
                  CASE WHEN res.refunded_cents > 0
                       THEN format(' %s.%s %s were refunded.', res.refunded_cents / 100,
                                   lpad((res.refunded_cents % 100)::text, 2, '0'), o.currency)
                       WHEN res.due_cents > 0
                       THEN format(' %s.%s %s more is due.', res.due_cents / 100,
                                   lpad((res.due_cents % 100)::text, 2, '0'), o.currency)
                       ELSE '' END)
      FROM core.app_user u
      JOIN core.showtime st ON st.showtime_id = n.showtime_id
      JOIN core.movie m ON m.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     WHERE u.user_id = o.user_id AND u.email IS NOT NULL;
    res.exchange_status := 'exchanged';
    res.new_order_id := n.order_id;
    res.booking_code := n.booking_code;
    res.message := format('%s moved to %s', array_to_string(labels, ' '), array_to_string(new_labels, ' '));
    PERFORM core.remember(request_id, 'exchange', to_jsonb(res));
    RETURN res;
END $$;

-- The shows a booking may move to, for the exchange screen: shows still on
-- sale of the booking's cinema, the booking's film first (its next show
-- after the booking's own first), then the others by start; at most 50.
-- Staff only: empty for anyone else or a booking the session may not see.
CREATE FUNCTION api.exchange_shows(session text, order_id bigint)
RETURNS TABLE (showtime_id bigint, title text, starts_at timestamptz, show_local text, auditorium text,
               seats_available int, same_film boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    w core.who := core.session_who(session);
    o core.orders;
    cur core.showtime;
    loc bigint;
BEGIN
    IF NOT core.is_staff(w) THEN
        RETURN;
    END IF;
    o := core.order_for(w, exchange_shows.order_id, false);
    SELECT * INTO cur FROM core.showtime st WHERE st.showtime_id = o.showtime_id;
    SELECT a.location_id INTO loc FROM core.auditorium a WHERE a.auditorium_id = cur.auditorium_id;
    RETURN QUERY
    SELECT st.showtime_id, m.title, st.starts_at,
           to_char(st.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI'), a.name,
           (SELECT count(*)::int FROM core.showtime_seat ss WHERE ss.showtime_id = st.showtime_id
               AND core.seat_free(ss.state, ss.held_until)),
           st.movie_id = cur.movie_id
      FROM core.showtime st
      JOIN core.movie m ON m.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     WHERE a.location_id = loc AND NOT st.cancelled
       AND st.starts_at > statement_timestamp() - interval '20 minutes'
     ORDER BY st.movie_id <> cur.movie_id, st.starts_at <= cur.starts_at, st.starts_at, st.showtime_id
     LIMIT 50;
END $$;
