-- 040_notify_role.sql - the notification outbox holds customers' addresses
-- and bookings: only the notifier reads it, not every kiosk. `marquee notify`
-- logs in as marquee_notify (a member of no terminal role). Numbered after
-- every migration that grants all api functions to marquee_terminal.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'marquee_notify') THEN
        CREATE ROLE marquee_notify LOGIN;
    END IF;
END $$;
REVOKE EXECUTE ON FUNCTION api.outbox_claim(int), api.outbox_done(bigint, text) FROM marquee_terminal;
GRANT USAGE ON SCHEMA api TO marquee_notify;
GRANT EXECUTE ON FUNCTION api.outbox_claim(int), api.outbox_done(bigint, text) TO marquee_notify;
