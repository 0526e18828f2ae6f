-- 061_relay_lease.sql - the seat relay is a lease, not a session lock.
--
-- A session advisory lock outlives a terminal whose network was cut until
-- the server notices the dead connection (TCP keepalive: possibly hours),
-- and every map would fall back to its 5 s re-read meanwhile. Now the relay
-- holds a lease of 2 seconds that each of its calls (every 50 ms) renews; a
-- terminal that stops calling loses it 2 s later, and the next terminal to
-- ask (once a second) takes over.

-- One row. Unlogged: after a crash it is empty, and the first call
-- recreates it.
CREATE UNLOGGED TABLE core.seat_relay_lease (
    one    boolean PRIMARY KEY DEFAULT true CHECK (one),
    holder int NOT NULL,            -- backend pid of the relaying session
    until  timestamptz NOT NULL
);

-- Who relays: this session if it holds the lease or the lease has run out
-- (it then takes it for 2 s); NULL otherwise. Two sessions asking at once
-- queue on the one row, so only one of them wins.
CREATE FUNCTION core.take_seat_relay() RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    INSERT INTO core.seat_relay_lease AS l (holder, until)
    VALUES (pg_backend_pid(), clock_timestamp() + interval '2 seconds')
    ON CONFLICT (one) DO UPDATE SET holder = excluded.holder, until = excluded.until
     WHERE l.holder = pg_backend_pid() OR l.until < clock_timestamp();
    RETURN FOUND;
END $$;

CREATE OR REPLACE FUNCTION api.seat_relay() RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
BEGIN
    -- The lease and the log change in one short transaction that does not
    -- wait for the disk: neither is worth a flush.
    PERFORM set_config('synchronous_commit', 'off', true);
    IF NOT core.take_seat_relay() THEN
        RETURN -1;
    END IF;
    RETURN core.relay_seat_changes();
END $$;

CREATE OR REPLACE FUNCTION api.seat_relay_stop() RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
BEGIN
    UPDATE core.seat_relay_lease SET until = '-infinity'
     WHERE holder = pg_backend_pid() AND until >= clock_timestamp();
    RETURN FOUND;
END $$;

REVOKE ALL ON FUNCTION core.take_seat_relay() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.seat_relay(), api.seat_relay_stop() TO marquee_terminal;
