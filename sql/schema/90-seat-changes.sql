-- 90-seat-changes.sql - keeping open seat maps current: each showtime's
-- seat version (core.seat_version), raised by every seat change and marked
-- on the changed seat rows, so api.seat_changes answers with only the seats
-- that changed since a map's version; and telling terminals that seats
-- changed: NOTIFY seat_change with "showtime_id:version" words as payload,
-- either at once or, while a terminal runs the relay (a lease in
-- core.hold_policy), through the log core.seat_change that the relay
-- empties every 50 ms.
--
-- PostgreSQL commits notifying transactions one at a time (PreCommit_Notify
-- takes a database-wide lock and keeps it through the commit), so a NOTIFY
-- in every hold would queue every hold behind every other. So while a relay
-- runs a change only logs its showtime, and the relay (a terminal with a
-- seat map open, see api.seat_relay) sends one NOTIFY for many showtimes:
-- maps still hear of every change within about 50 ms. A hold logs its own
-- change in the statement that writes it; other changes are logged by the
-- row trigger below, which a hold does not fire.

-- The seat version of each showtime: 0 until its first seat change, then
-- raised by one for every seat row whose state or order changes, in the
-- changing transaction. The row stays locked by that transaction until it
-- ends, so versions become visible in the order they were given: a
-- snapshot that sees version v sees every change up to v. Low fillfactor:
-- every change of the showtime updates this one row.
CREATE TABLE core.seat_version (
    showtime_id bigint PRIMARY KEY REFERENCES core.showtime ON DELETE CASCADE,
    version     bigint NOT NULL
) WITH (fillfactor = 20);

-- The seat version of a showtime (0 before any change). PL/pgSQL, so its
-- plan is kept for the session: a SQL function with a subquery is not
-- inlined, and would be planned again in every transaction that calls it.
CREATE FUNCTION core.seat_version_of(p_showtime_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT v.version FROM core.seat_version v WHERE v.showtime_id = p_showtime_id), 0);
END $$;

-- Before a seat row's state or order changes: raises its showtime's seat
-- version and marks the row with it. Every writer of seat rows passes
-- here, holds included. A statement from the client (an api call) raises a
-- showtime's version once for all the seats it changes (a hold of two
-- seats, a sale): the version it made is kept in a transaction-local
-- setting with its statement_timestamp, and the next seat row of that
-- showtime in the same statement takes the same mark. (A later statement
-- of the same transaction raises the version again, so even the writing
-- session sees each of its steps as a new version.)
CREATE FUNCTION core.seat_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    made text := current_setting('marquee.seat_version', true);
    mine text := NEW.showtime_id || '@' || statement_timestamp() || ':';
BEGIN
    IF starts_with(made, mine) THEN
        NEW.changed := substr(made, length(mine) + 1)::bigint;
        RETURN NEW;
    END IF;
    INSERT INTO core.seat_version AS v (showtime_id, version) VALUES (NEW.showtime_id, 1)
    ON CONFLICT (showtime_id) DO UPDATE SET version = v.version + 1
    RETURNING v.version INTO NEW.changed;
    PERFORM set_config('marquee.seat_version', mine || NEW.changed, true);
    RETURN NEW;
END $$;

CREATE TRIGGER showtime_seat_version BEFORE UPDATE ON core.showtime_seat
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.order_id IS DISTINCT FROM NEW.order_id)
    EXECUTE FUNCTION core.seat_version_bump();

-- The seats of a showtime whose status may differ from a map at version
-- since: every seat row changed after since, and every seat whose hold has
-- run out but is not swept yet (its status changed with the clock, not by a
-- write). Every seat when since is NULL, negative or ahead of the showtime's
-- version (a map from before a restore, or of another database): the marks
-- on the rows keep every change, so no other since is too old. version is
-- the showtime's seat version now, the same on every row: the map's version
-- once it has applied them. No rows: the map is current. Reads the hall's
-- seat rows through the primary key, and looks up labels only for the rows it
-- returns.
CREATE FUNCTION api.seat_changes(showtime_id bigint, since bigint)
RETURNS TABLE (seat text, status text, version bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v bigint := core.seat_version_of(seat_changes.showtime_id);
    floor bigint := CASE WHEN since IS NULL OR since < 0 OR since > v THEN -1 ELSE since END;
BEGIN
    RETURN QUERY
    SELECT (SELECT s.label FROM core.seat s WHERE s.seat_id = ss.seat_id), core.seat_status(ss.state, ss.held_until), v
      FROM core.showtime_seat ss
     WHERE ss.showtime_id = seat_changes.showtime_id
       AND (ss.changed > floor OR (ss.state = 'held' AND ss.held_until <= statement_timestamp()));
END $$;

-- Unlogged: it is only ever a queue of wake-ups (empty after a crash, which
-- is right: every terminal re-reads its map after reconnecting).
CREATE UNLOGGED TABLE core.seat_change (
    showtime_id bigint NOT NULL
) WITH (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0);

-- A seat change other than a hold: logged for the relay when one is
-- running, else announced by itself.
CREATE FUNCTION core.log_seat_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.seat_change (showtime_id)
    SELECT NEW.showtime_id FROM core.hold_policy h WHERE h.relay_until >= clock_timestamp();
    IF NOT FOUND THEN
        PERFORM pg_notify('seat_change', NEW.showtime_id || ':' || NEW.changed);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER showtime_seat_changed AFTER UPDATE ON core.showtime_seat
    FOR EACH ROW WHEN (NEW.state <> 'held') EXECUTE FUNCTION core.log_seat_change();

-- The seat version each showtime was last announced at by a relay, so the
-- next announcement can carry the seats changed since. Unlogged: after a
-- crash the next announcement carries the version alone.
CREATE UNLOGGED TABLE core.seat_announced (
    showtime_id bigint PRIMARY KEY,
    version     bigint NOT NULL
);

-- Empties the change log and announces the changed showtimes. Each is a
-- word "showtime_id:version", the version as this statement sees it (at
-- least that of every change it took from the log); when the showtime was
-- announced before, at version from, the word also carries the seats whose
-- status may have changed since then, as api.seat_changes(showtime_id,
-- from) would give them: "showtime_id:version:from:F12=p,F13=a" (a
-- available, p pending, s sold). A map at version from or later (up to
-- version) applies them and is at version without asking anything: they
-- hold every seat it may lack. A map older than from asks seat_changes from
-- its own version. Words with seats go one to a NOTIFY (up to about 6000
-- bytes of seats; more and the word carries the version alone), the others
-- up to 300 to a NOTIFY, separated by spaces. Returns how many showtimes it
-- announced. Changes that another relay is taking at this moment are left
-- to it.
CREATE FUNCTION core.relay_seat_changes() RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n int;
    sent int;
BEGIN
    WITH d AS (
        DELETE FROM core.seat_change c
         WHERE c.ctid = ANY (ARRAY(SELECT x.ctid FROM core.seat_change x FOR UPDATE SKIP LOCKED))
        RETURNING c.showtime_id),
    now_at AS (
        SELECT u.showtime_id, coalesce(v.version, 0) AS version, a.version AS since
          FROM (SELECT DISTINCT showtime_id FROM d) u
          LEFT JOIN core.seat_version v ON v.showtime_id = u.showtime_id
          LEFT JOIN core.seat_announced a ON a.showtime_id = u.showtime_id),
    -- Materialized: the words below read seats three times. Each label is
    -- looked up for a changed row only (a join would hash the whole hall).
    news AS MATERIALIZED (
        SELECT x.showtime_id, x.version, x.since,
               CASE WHEN x.since <= x.version THEN
                   (SELECT string_agg((SELECT s.label FROM core.seat s WHERE s.seat_id = ss.seat_id)
                                      || '=' || left(core.seat_status(ss.state, ss.held_until), 1), ',')
                      FROM core.showtime_seat ss
                     WHERE ss.showtime_id = x.showtime_id
                       AND (ss.changed > x.since OR (ss.state = 'held' AND ss.held_until <= statement_timestamp())))
               END AS seats
          FROM now_at x),
    kept AS (
        INSERT INTO core.seat_announced AS a (showtime_id, version)
        SELECT x.showtime_id, x.version FROM now_at x
        ON CONFLICT (showtime_id) DO UPDATE SET version = greatest(a.version, EXCLUDED.version)),
    words AS (
        SELECT w.showtime_id || ':' || w.version
               || CASE WHEN length(w.seats) <= 6000 THEN ':' || w.since || ':' || w.seats ELSE '' END AS word,
               CASE WHEN length(w.seats) <= 6000 THEN -row_number() OVER ()
                    ELSE (row_number() OVER ()) / 300 END AS part
          FROM news w),
    part AS (
        SELECT string_agg(w.word, ' ') AS ids, count(*) AS k FROM words w GROUP BY w.part)
    SELECT coalesce(sum(p.k), 0), count(pg_notify('seat_change', p.ids)) INTO n, sent FROM part p;
    RETURN n;
END $$;

-- Takes or renews the lease: this session's, or one that has run out.
CREATE FUNCTION core.take_seat_relay() RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE core.hold_policy h
       SET relay_holder = pg_backend_pid(), relay_until = clock_timestamp() + interval '2 seconds'
     WHERE h.relay_holder = pg_backend_pid() OR h.relay_until < clock_timestamp();
    RETURN FOUND;
END $$;

-- The relay, for terminals: the session that holds the lease (or takes it,
-- when it has run out) empties the change log and gets back how many
-- showtimes it announced; any other session gets -1 and should try again in
-- a second or so. A terminal calls it every 50 ms while it relays and its
-- seat map is open; a terminal that stops calling loses the lease 2 s later.
CREATE FUNCTION api.seat_relay() RETURNS int
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

-- Stops relaying from this session, if it did. Returns whether it did.
CREATE FUNCTION api.seat_relay_stop() RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
BEGIN
    UPDATE core.hold_policy h SET relay_until = '-infinity'
     WHERE h.relay_holder = pg_backend_pid() AND h.relay_until >= clock_timestamp();
    RETURN FOUND;
END $$;

-- What `marquee notify` (a timer, every minute) does besides sending mail:
-- api.expire_holds, and empties the change log, so it never grows while no
-- seat map is open.
CREATE FUNCTION notifier.expire_holds() RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
DECLARE
    n int := api.expire_holds();
BEGIN
    PERFORM core.relay_seat_changes();
    RETURN n;
END $$;

GRANT EXECUTE ON FUNCTION notifier.expire_holds() TO marquee_notify;
