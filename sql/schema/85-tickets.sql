-- 85-tickets.sql - tickets after the sale: what a receipt lists, printing
-- (a claim on the current issue, given back when the print fails), reprints
-- (a new issue; earlier copies are refused at the door) and admission at the
-- door, each with its log. Tickets are signed by the terminal, not here.

-- Every reprint: who proved what, from which terminal, which issue it made.
CREATE TABLE core.reprint_log (
    reprint_id  bigserial PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES core.orders,
    proof       text NOT NULL CHECK (proof IN ('card', 'email', 'account', 'session', 'staff')),
    user_id     bigint REFERENCES core.app_user,
    staff_id    bigint REFERENCES core.app_user,
    terminal    text NOT NULL DEFAULT '',
    new_issue   int NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX reprint_log_order_idx ON core.reprint_log (order_id);

-- Every print job a terminal started for an order, and how it ended.
CREATE TABLE core.print_log (
    print_id    bigserial PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES core.orders,
    terminal    text NOT NULL DEFAULT '',
    event       text NOT NULL CHECK (event IN ('claimed', 'failed')),
    detail      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX print_log_order_idx ON core.print_log (order_id);

-- Every scan at a door and the verdict it got.
CREATE TABLE core.admission_log (
    admission_id bigserial PRIMARY KEY,
    ticket_id    bigint,
    order_id     bigint,
    issue        int,
    verdict      text NOT NULL,
    terminal     text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX admission_log_ticket_idx ON core.admission_log (ticket_id);

-- The live (held or sold) tickets of a booking, with everything a printed
-- ticket shows. Dates are in the cinema's own time zone. Empty when the code
-- is not valid or not known, or the session may not see the booking.
CREATE FUNCTION api.order_tickets(session text, booking_code text)
RETURNS TABLE(ticket_id bigint, order_id bigint, showtime_id bigint, film text, rating text, cinema text, address text, auditorium text, starts_at timestamp with time zone, show_date text, show_time text, seat text, kind text, ticket_type text, price_cents bigint, currency text, booking_code text, issue integer, status text, ticket_state text, printed_at timestamp with time zone, total_cents bigint, paid_at timestamp with time zone, terminal text, runtime_min integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT t.ticket_id, o.order_id, st.showtime_id, m.title, m.rating,
           l.name, l.address, a.name, st.starts_at,
           to_char(st.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon YYYY'),
           to_char(st.starts_at AT TIME ZONE l.timezone, 'HH24:MI'),
           s.label, s.kind, tt.name, t.price_cents, o.currency::text, o.booking_code,
           t.issue, o.status, t.state, t.printed_at, o.total_cents, o.paid_at, o.terminal,
           m.runtime_min
      FROM core.order_by_code(core.session_who($1), $2, false) o
      CROSS JOIN core.order_lines_of(o.order_id) t
      JOIN core.seat s ON s.seat_id = t.seat_id
      JOIN core.ticket_type tt ON tt.type_code = t.type_code
      JOIN core.showtime st ON st.showtime_id = o.showtime_id
      JOIN core.movie m ON m.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     WHERE o.order_id IS NOT NULL
     ORDER BY s.row_no, s.col_no
$$;

-- The payments of a booking and what of each was refunded, for a receipt;
-- no rows unless the session may see the booking.
CREATE FUNCTION api.order_payments(session text, booking_code text)
RETURNS TABLE (payment_id bigint, order_id bigint, method text, amount_cents bigint,
               currency text, tendered_cents bigint, card_brand text, card_last4 text,
               auth_code text, created_at timestamptz, refunded_cents bigint,
               paid_local text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT p.payment_id, p.order_id, p.method, p.amount_cents, p.currency::text,
           p.tendered_cents, p.card_brand, p.card_last4, p.auth_code, p.created_at,
           coalesce((SELECT sum(r.amount_cents) FROM core.refund r
                      WHERE r.payment_id = p.payment_id), 0)::bigint,
           to_char(p.created_at AT TIME ZONE l.timezone, 'DD Mon YYYY HH24:MI')
      FROM core.order_by_code(core.session_who($1), $2, false) o
      JOIN core.payment p ON p.order_id = o.order_id
      JOIN core.showtime st ON st.showtime_id = o.showtime_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     ORDER BY p.payment_id
$$;

CREATE TYPE api.print_claim_result AS (
    print_status text,       -- ok | no_session | unknown_code | not_paid | cancelled | refunded |
                             -- key_refused | already_printed
    order_id     bigint,
    message      text
);

-- Why a booking whose status is not success cannot be printed or
-- reprinted: the status word of the answer, and the words to show.
CREATE FUNCTION core.unpaid_booking(p_status text, OUT status text, OUT message text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_status = 'refunded' THEN 'refunded'
                WHEN p_status IN ('cancelled', 'expired', 'fail', 'exchanged') THEN 'cancelled'
                ELSE 'not_paid' END,
           CASE WHEN p_status = 'refunded' THEN 'this booking was refunded'
                WHEN p_status = 'exchanged' THEN 'this booking was exchanged: its tickets moved to another booking'
                WHEN p_status IN ('cancelled', 'expired', 'fail') THEN 'this booking was cancelled'
                ELSE 'this booking is not paid yet' END
$$;

-- A terminal about to print a booking's tickets claims the current issue:
-- it is marked printed, so a second copy of the same issue needs a reprint.
-- A print that then fails gives the claim back (api.print_release). The
-- session must be one that may act on the booking; its terminal is logged.
-- key_id names the ticket key that will sign (core.ticket_key_refusal says
-- which the caller may use); it is recorded for every ticket of the issue.
CREATE FUNCTION api.print_claim(session text, booking_code text, request_id uuid DEFAULT NULL,
                                key_id text DEFAULT NULL)
RETURNS api.print_claim_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.print_claim_result;
    w core.who;
    o core.orders;
BEGIN
    res := core.replay_as(request_id, 'print_claim', res);
    IF res.print_status IS NOT NULL THEN RETURN res; END IF;
    w := core.session_who(session);
    o := core.order_by_code(w, print_claim.booking_code);
    res.order_id := o.order_id;
    IF w.session_id IS NULL THEN
        res.print_status := 'no_session'; res.message := core.refusal_words('no_session');
    ELSIF o.order_id IS NULL THEN
        res.print_status := 'unknown_code'; res.message := core.refusal_words('unknown_code');
    ELSIF o.status <> 'success' THEN
        SELECT u.status, u.message INTO res.print_status, res.message FROM core.unpaid_booking(o.status) u;
    ELSIF core.ticket_key_refusal(print_claim.key_id) IS NOT NULL THEN
        res.print_status := 'key_refused'; res.message := core.ticket_key_refusal(print_claim.key_id);
    ELSIF EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = o.order_id
                     AND t.state = 'sold' AND t.printed_at IS NOT NULL) THEN
        res.print_status := 'already_printed';
        res.message := 'these tickets were already printed; a reprint replaces them';
    ELSE
        UPDATE core.ticket t SET printed_at = now()
         WHERE t.order_id = o.order_id AND t.state = 'sold';
        PERFORM core.ticket_key_record(o.order_id, print_claim.key_id);
        INSERT INTO core.print_log (order_id, terminal, event)
        VALUES (o.order_id, w.terminal, 'claimed');
        res.print_status := 'ok'; res.message := 'print the tickets';
    END IF;
    PERFORM core.remember(request_id, 'print_claim', to_jsonb(res));
    RETURN res;
END $$;

-- Gives back a claim whose print failed: the tickets may be printed again
-- without a reprint. Returns true when there was something to give back
-- (false too when the session may not act on the booking).
CREATE FUNCTION api.print_release(session text, booking_code text, reason text DEFAULT '')
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    w core.who := core.session_who(session);
    o core.orders;
    n int;
BEGIN
    o := core.order_by_code(w, print_release.booking_code);
    IF o.order_id IS NULL THEN
        RETURN false;
    END IF;
    UPDATE core.ticket t SET printed_at = NULL
     WHERE t.order_id = o.order_id AND t.state = 'sold' AND t.printed_at IS NOT NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO core.print_log (order_id, terminal, event, detail)
    VALUES (o.order_id, w.terminal, 'failed', left(coalesce(reason, ''), 200));
    RETURN n > 0;
END $$;

CREATE TYPE api.reprint_result AS (
    reprint_status text,     -- reprinted | no_session | unknown_code | not_paid | cancelled | refunded |
                             -- show_over | proof_needed | not_allowed | locked | limit_reached
    order_id     bigint,
    issue        int,
    reprints     int,
    message      text
);

-- Makes a new issue of a paid booking's tickets so they can be printed
-- again; every earlier copy is then refused at the door. The session may
-- act on the booking (staff: any; a customer or guest: their own), or
-- proves it with the last four digits of a card that paid it, or with the
-- e-mail address of the purchase (the booking's receipt address or its
-- account's; the session may then print and read that booking:
-- core.booking_proof). Wrong digits and wrong addresses alike are counted
-- per booking code and per device (database login) for an hour, and lock
-- both; a code that is not known is answered as one that is
-- not the session's. Customers and guests reprint at most reprint_limit
-- times.
-- The e-mail address of a purchase, lower case: the address its receipts
-- went to, else its customer account's; NULL when it has neither.
CREATE FUNCTION core.purchase_email(p_order core.orders) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT lower(btrim(coalesce(p_order.receipt_email,
                                (SELECT u.email FROM core.app_user u WHERE u.user_id = p_order.user_id))))
$$;

CREATE FUNCTION api.reprint(session text, booking_code text, last4 text DEFAULT NULL,
                            email text DEFAULT NULL, request_id uuid DEFAULT NULL)
RETURNS api.reprint_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.reprint_result;
    w core.who;
    o core.orders;
    code text := core.parse_booking_code(reprint.booking_code);
    proof text;
    ends timestamptz;
    done int;
BEGIN
    res := core.replay_as(request_id, 'reprint', res);
    IF res.reprint_status IS NOT NULL THEN RETURN res; END IF;
    w := core.session_who(session);
    o := core.order_by_code(w, code);
    IF o.order_id IS NOT NULL THEN
        proof := CASE WHEN core.is_staff(w) THEN 'staff'
                      WHEN o.user_id IS NOT NULL AND o.user_id = core.who_customer(w) THEN 'account'
                      ELSE 'session' END;
    END IF;

    IF w.session_id IS NULL THEN
        res.reprint_status := 'no_session'; res.message := core.refusal_words('no_session');
    ELSIF proof IS NULL AND (code IS NULL OR core.is_staff(w)) THEN
        res.reprint_status := 'unknown_code'; res.message := core.refusal_words('unknown_code');
    ELSIF proof IS NULL AND
          (core.rate_count('reprint:' || code || ':fail', interval '1 hour', core.setting_int('reprint_attempts', 5))
               >= core.setting_int('reprint_attempts', 5)
           OR core.rate_count('reprint-device:' || session_user, interval '1 hour',
                              core.setting_int('reprint_device_attempts', 20))
               >= core.setting_int('reprint_device_attempts', 20)) THEN
        res.reprint_status := 'locked';
        res.message := 'too many wrong tries for this booking; ask at the counter';
    ELSIF proof IS NULL AND last4 IS NULL AND nullif(btrim(email), '') IS NULL THEN
        res.reprint_status := 'proof_needed';
        res.message := 'give the last four digits of the card that paid, or the e-mail of the purchase, or sign in';
    ELSIF proof IS NULL THEN
        SELECT * INTO o FROM core.orders x WHERE x.booking_code = code FOR UPDATE;
        IF last4 ~ '^[0-9]{4}$' AND EXISTS (SELECT 1 FROM core.payment p
                                             WHERE p.order_id = o.order_id AND p.card_last4 = reprint.last4) THEN
            proof := 'card';
        ELSIF last4 IS NULL AND core.purchase_email(o) = lower(btrim(reprint.email)) THEN
            proof := 'email';
        ELSE
            INSERT INTO core.rate_event (bucket, at, ok)
            VALUES ('reprint:' || code || ':fail', statement_timestamp(), false),
                   ('reprint-device:' || session_user, statement_timestamp(), false);
            res.reprint_status := 'not_allowed';
            res.message := CASE WHEN last4 IS NULL THEN 'that is not the e-mail address of this purchase'
                                ELSE 'those are not the last four digits of the card that paid' END;
        END IF;
    END IF;
    IF res.reprint_status IS NULL THEN
        res.order_id := o.order_id;
        SELECT count(*) INTO done FROM core.reprint_log r WHERE r.order_id = o.order_id;
        res.reprints := done;
        SELECT st.ends_at INTO ends FROM core.showtime st WHERE st.showtime_id = o.showtime_id;
        IF o.status <> 'success' THEN
            SELECT u.status, u.message INTO res.reprint_status, res.message FROM core.unpaid_booking(o.status) u;
        ELSIF statement_timestamp() > ends THEN
            res.reprint_status := 'show_over'; res.message := 'the show is over';
        ELSIF proof <> 'staff' AND done >= core.setting_int('reprint_limit', 3) THEN
            res.reprint_status := 'limit_reached';
            res.message := 'this booking was reprinted too often; ask at the counter';
        END IF;
    END IF;
    IF res.reprint_status IS NOT NULL THEN
        PERFORM core.remember(request_id, 'reprint', to_jsonb(res));
        RETURN res;
    END IF;

    UPDATE core.ticket t SET issue = t.issue + 1, printed_at = NULL
     WHERE t.order_id = o.order_id AND t.state = 'sold';
    SELECT max(t.issue) INTO res.issue FROM core.ticket t
     WHERE t.order_id = o.order_id AND t.state = 'sold';
    INSERT INTO core.reprint_log (order_id, proof, user_id, staff_id, terminal, new_issue)
    VALUES (o.order_id, proof, core.who_customer(w), core.who_staff(w), w.terminal, res.issue);
    IF proof IN ('card', 'email') THEN
        INSERT INTO core.booking_proof (session_id, order_id) VALUES (w.session_id, o.order_id)
        ON CONFLICT DO NOTHING;
    END IF;
    res.reprints := done + 1;
    res.reprint_status := 'reprinted';
    res.message := 'earlier copies of these tickets no longer open the door';
    PERFORM core.remember(request_id, 'reprint', to_jsonb(res));
    RETURN res;
END $$;

CREATE TYPE api.admit_result AS (
    verdict      text,       -- valid | already_admitted | wrong_day | too_early | show_over |
                             -- cancelled | refunded | exchanged | not_paid | reissued | revoked_key |
                             -- unknown_ticket
    message      text,
    seat         text,
    film         text,
    auditorium   text,
    starts_at    timestamptz,
    admitted_at  timestamptz,
    ticket_type  text        -- the type's name ("Child (under 12)"): an usher checks it
);

-- Checks in one scanned ticket (its signature already checked by the
-- scanner): the ticket must belong to the order and showtime it names, be
-- sold, be the current issue, not signed by a revoked key (as recorded
-- by print_claim), be for today's show (in the cinema's time
-- zone), not over, and not already in. Every scan is logged.
CREATE FUNCTION api.admit(ticket_id bigint, order_id bigint, issue int,
                          showtime_id bigint DEFAULT NULL, terminal text DEFAULT '',
                          request_id uuid DEFAULT NULL)
RETURNS api.admit_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.admit_result;
    o core.orders;
    t core.ticket;
    st core.showtime;
    tz text;
BEGIN
    res := core.replay_as(request_id, 'admit', res);
    IF res.verdict IS NOT NULL THEN RETURN res; END IF;
    SELECT * INTO o FROM core.orders x WHERE x.order_id = admit.order_id FOR UPDATE;
    SELECT * INTO t FROM core.ticket x
     WHERE x.ticket_id = admit.ticket_id AND x.order_id = admit.order_id FOR UPDATE;
    SELECT * INTO st FROM core.showtime x WHERE x.showtime_id = o.showtime_id;
    SELECT l.timezone, s.label, m.title, a.name
      INTO tz, res.seat, res.film, res.auditorium
      FROM core.seat s
      JOIN core.auditorium a ON a.auditorium_id = s.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
      JOIN core.movie m ON m.movie_id = st.movie_id
     WHERE s.seat_id = t.seat_id;
    res.starts_at := st.starts_at;
    res.admitted_at := t.admitted_at;
    SELECT tt.name INTO res.ticket_type FROM core.ticket_type tt WHERE tt.type_code = t.type_code;

    IF o.order_id IS NULL OR t.ticket_id IS NULL
       OR (admit.showtime_id IS NOT NULL AND admit.showtime_id <> o.showtime_id)
       OR admit.issue IS NULL OR admit.issue > t.issue THEN
        res.verdict := 'unknown_ticket'; res.message := 'no such ticket';
    ELSIF o.status = 'refunded' OR t.state = 'refunded' THEN
        res.verdict := 'refunded'; res.message := 'this ticket was refunded';
    ELSIF t.state = 'exchanged' THEN
        res.verdict := 'exchanged'; res.message := 'this ticket was exchanged: only its new ticket opens the door';
    ELSIF o.status IN ('cancelled', 'expired', 'fail') OR t.state = 'released' OR st.cancelled THEN
        res.verdict := 'cancelled';
        res.message := CASE WHEN st.cancelled THEN 'this show was cancelled'
                            ELSE 'this booking was cancelled' END;
    ELSIF o.status <> 'success' OR t.state <> 'sold' THEN
        res.verdict := 'not_paid'; res.message := 'this booking was never paid';
    ELSIF admit.issue < t.issue THEN
        res.verdict := 'reissued'; res.message := 'an old copy: this ticket was reprinted';
    ELSIF core.ticket_issue_revoked(t.ticket_id, admit.issue) IS NOT NULL THEN
        res.verdict := 'revoked_key';
        res.message := 'printed with a ticket key revoked on '
            || to_char(core.ticket_issue_revoked(t.ticket_id, admit.issue) AT TIME ZONE tz, 'DD Mon HH24:MI')
            || ': reprint it at the counter';
    ELSIF t.admitted_at IS NOT NULL THEN
        res.verdict := 'already_admitted';
        res.message := 'already in at ' || to_char(t.admitted_at AT TIME ZONE tz, 'HH24:MI');
    ELSIF now() NOT BETWEEN st.starts_at - make_interval(mins => core.setting_int('admit_before_minutes', 90))
                        AND st.ends_at THEN
        -- Outside the door's window. Another calendar day is named as such;
        -- inside the window the calendar does not matter (a 00:10 show's
        -- doors open at 22:40 the day before).
        IF (st.starts_at AT TIME ZONE tz)::date <> (now() AT TIME ZONE tz)::date THEN
            res.verdict := 'wrong_day';
            res.message := 'this ticket is for ' || to_char(st.starts_at AT TIME ZONE tz, 'Dy DD Mon HH24:MI');
        ELSIF now() > st.ends_at THEN
            res.verdict := 'show_over'; res.message := 'this show is over';
        ELSE
            res.verdict := 'too_early';
            res.message := 'doors open later: the show starts at ' || to_char(st.starts_at AT TIME ZONE tz, 'HH24:MI');
        END IF;
    ELSE
        UPDATE core.ticket x SET admitted_at = now() WHERE x.ticket_id = t.ticket_id;
        res.verdict := 'valid';
        res.admitted_at := now();
        res.message := 'welcome';
    END IF;
    INSERT INTO core.admission_log (ticket_id, order_id, issue, verdict, terminal)
    VALUES (admit.ticket_id, admit.order_id, admit.issue, res.verdict, coalesce(admit.terminal, ''));
    PERFORM core.remember(request_id, 'admit', to_jsonb(res));
    RETURN res;
END $$;
