-- 040_notify_role.sql - the notification outbox holds customers' addresses
-- and bookings: only the notifier reads it, never a terminal. Its two
-- functions live in schema notifier, not api (every function there is open
-- to every terminal); only marquee_notify may use it, and `marquee notify`
-- logs in as marquee_notify.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'marquee_notify') THEN
        CREATE ROLE marquee_notify LOGIN;
    END IF;
END $$;

CREATE SCHEMA notifier;
REVOKE ALL ON SCHEMA notifier FROM PUBLIC;

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

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA notifier FROM PUBLIC;
GRANT USAGE ON SCHEMA notifier TO marquee_notify;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA notifier TO marquee_notify;
