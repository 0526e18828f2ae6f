-- 88-outbox.sql - the notification outbox (core.outbox), filled in the same
-- transaction as the event, and delivered by `marquee notify` through the
-- functions of schema notifier (role marquee_notify only: the outbox holds
-- customers' addresses and bookings). E-mailed receipts.

-- Notification outbox, filled in the same transaction as the event.
CREATE TABLE core.outbox (
    outbox_id    bigserial PRIMARY KEY,
    kind         text NOT NULL,
    recipient    text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    attempts     int NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX outbox_unsent_idx ON core.outbox (outbox_id) WHERE sent_at IS NULL;

-- Queues an e-mailed receipt of a paid order the session may act on. It
-- goes to the address on the order or its account only: an order with an
-- account to the account's address; an order without one to the address
-- its first receipt gave (recorded on the order). email may be NULL to use
-- that address; another address is refused. At most receipts_per_order.
-- Returns queued | no_session | unknown_order | not_paid | invalid_email |
-- wrong_email | too_many_receipts.
CREATE FUNCTION api.email_receipt(session text, order_id bigint, email text DEFAULT NULL,
                                  request_id uuid DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    prev jsonb;
    w core.who;
    o core.orders;
    r text;
    e text := lower(btrim(coalesce(email, '')));
    target text;
BEGIN
    prev := core.replay(request_id, 'email_receipt');
    IF prev IS NOT NULL THEN RETURN prev #>> '{}'; END IF;
    w := core.session_who(session);
    o := core.order_for(w, email_receipt.order_id);
    r := core.order_refusal(w, o);
    IF r IS NULL THEN
        target := lower(coalesce((SELECT u.email FROM core.app_user u WHERE u.user_id = o.user_id),
                                 o.receipt_email));
    END IF;
    IF r IS NOT NULL THEN
        NULL;
    ELSIF o.status <> 'success' THEN
        r := 'not_paid';
    ELSIF o.receipts_sent >= core.setting_int('receipts_per_order', 5) THEN
        r := 'too_many_receipts';
    ELSIF target IS NOT NULL AND e <> '' AND e <> target THEN
        r := 'wrong_email';
    ELSIF target IS NULL AND (e !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' OR length(e) > 200) THEN
        r := 'invalid_email';
    ELSE
        target := coalesce(target, e);
        UPDATE core.orders x SET receipt_email = CASE WHEN x.user_id IS NULL THEN target END,
                                 receipts_sent = x.receipts_sent + 1
         WHERE x.order_id = o.order_id;
        INSERT INTO core.outbox (kind, recipient, subject, body)
        SELECT 'receipt', target, 'Your receipt: booking ' || core.booking_code_pretty(o.booking_code),
               format(E'Booking %s\n%s\n%s, %s\nSeats: %s\nPaid: %s.%s %s\n',
                      core.booking_code_pretty(o.booking_code), m.title, to_char(st.starts_at, 'Dy DD Mon YYYY HH24:MI'),
                      l.name || ' ' || a.name,
                      (SELECT string_agg(s.label || ' ' || t.type_code, ', ' ORDER BY s.row_no, s.col_no)
                         FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = o.order_id
                          AND t.state = 'sold'),
                      o.total_cents / 100, lpad((o.total_cents % 100)::text, 2, '0'), o.currency)
          FROM core.showtime st JOIN core.movie m USING (movie_id)
          JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
          JOIN core.location l ON l.location_id = a.location_id
         WHERE st.showtime_id = o.showtime_id;
        r := 'queued';
    END IF;
    PERFORM core.remember(request_id, 'email_receipt', to_jsonb(r));
    RETURN r;
END $$;

-- Claims up to n unsent outbox messages for delivery (rows another sender
-- holds are skipped) and counts the attempt.
CREATE FUNCTION notifier.outbox_claim(n int DEFAULT 20)
RETURNS TABLE (outbox_id bigint, kind text, recipient text, subject text, body text, attempts int)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    UPDATE core.outbox o SET attempts = o.attempts + 1
     WHERE o.outbox_id IN (SELECT x.outbox_id FROM core.outbox x
                            WHERE x.sent_at IS NULL AND x.attempts < 10
                            ORDER BY x.outbox_id LIMIT greatest(n, 1) FOR UPDATE SKIP LOCKED)
    RETURNING o.outbox_id, o.kind, o.recipient, o.subject, o.body, o.attempts
$$;

-- Records the outcome of one delivery: error NULL means sent.
CREATE FUNCTION notifier.outbox_done(outbox_id bigint, error text DEFAULT NULL)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    UPDATE core.outbox o
       SET sent_at = CASE WHEN $2 IS NULL THEN now() END, last_error = left($2, 500)
     WHERE o.outbox_id = $1 AND o.sent_at IS NULL
$$;

GRANT EXECUTE ON FUNCTION notifier.outbox_claim(int), notifier.outbox_done(bigint, text) TO marquee_notify;
