-- 00-roles.sql - the schemas, the roles and who may use what.
-- Schema core holds the tables and rules and is private; schema api holds
-- the functions terminals call; schema notifier holds what `marquee notify`
-- uses (role marquee_notify). Each kind of terminal has its own role:
-- marquee_kiosk (lobby kiosks), marquee_counter (box office counters) and
-- marquee_door (ticket scanners at the door). They cannot log in; each
-- device logs in as its own member of its kind's role (`marquee db device
-- add`), so sessions and limits are per device. What each kind may EXECUTE
-- is decided function by function in 99-privileges.sql. Roles are the
-- cluster's, so they are made only if missing.
--
-- Every api function runs as its owner (SECURITY DEFINER) with a fixed
-- search_path. Writing functions take an optional last argument request_id:
-- a call that repeats a request_id returns the first call's answer and
-- changes nothing (core.replay, core.remember). Lock order, everywhere, to
-- stay free of deadlocks: an order row, then its showtime_seat rows in
-- seat_id order, then ticket rows. The writing functions run with
-- plan_cache_mode = force_generic_plan: their statements look up rows by
-- key, so one plan per session serves every call. Time is
-- statement_timestamp(): when the call arrived; unlike now() it moves on
-- between calls made inside one long transaction, and unlike
-- clock_timestamp() it is one instant for every check within a call.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA core;
CREATE SCHEMA api;
CREATE SCHEMA notifier;

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['marquee_kiosk', 'marquee_counter', 'marquee_door'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'marquee_notify') THEN
        CREATE ROLE marquee_notify LOGIN;
    END IF;
END $$;

REVOKE ALL ON SCHEMA core FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA notifier FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO marquee_kiosk, marquee_counter, marquee_door;
GRANT USAGE ON SCHEMA notifier TO marquee_notify;
