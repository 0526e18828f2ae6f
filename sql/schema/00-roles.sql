-- 00-roles.sql - the schemas, the roles and who may use what.
-- Schema core holds the tables and rules and is private; schema api holds
-- the functions terminals call (members of marquee_terminal may EXECUTE
-- them and nothing else); schema notifier holds what `marquee notify` uses
-- (role marquee_notify). Roles are the cluster's, so they are made only if
-- missing.
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
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'marquee_terminal') THEN
        CREATE ROLE marquee_terminal NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'marquee_term') THEN
        CREATE ROLE marquee_term LOGIN IN ROLE marquee_terminal;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'marquee_notify') THEN
        CREATE ROLE marquee_notify LOGIN;
    END IF;
END $$;

REVOKE ALL ON SCHEMA core FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA notifier FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO marquee_terminal;
GRANT USAGE ON SCHEMA notifier TO marquee_notify;

-- Every function made in api may be run by the terminals. (PUBLIC's
-- EXECUTE, which PostgreSQL gives every new function, is taken back in
-- 99-privileges.sql: a schema's default privileges cannot take it away.)
ALTER DEFAULT PRIVILEGES IN SCHEMA api GRANT EXECUTE ON FUNCTIONS TO marquee_terminal;
