-- 063_notify_without_relay.sql - a seat change NOTIFYs by itself when no
-- relay is running.
--
-- Seat changes are logged for the relay (060, 061) only while some session
-- holds a live relay lease, that is while a terminal has a seat map open.
-- With no relay, the changing transaction sends its NOTIFY seat_change
-- itself, as before 060: a listener that runs no relay (a tool of your own,
-- a test) still hears every change at once, and nothing piles up in the
-- log. Commits then queue on PostgreSQL's notify lock again, but only when
-- no map is open to care.

CREATE OR REPLACE FUNCTION core.notify_seat_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM core.seat_relay_lease l WHERE l.until >= clock_timestamp()) THEN
        INSERT INTO core.seat_change (showtime_id) SELECT DISTINCT showtime_id FROM changed;
    ELSE
        PERFORM pg_notify('seat_change', s.showtime_id::text)
           FROM (SELECT DISTINCT showtime_id FROM changed) s;
    END IF;
    RETURN NULL;
END $$;
