-- 00-roles.sql - the schemas, the roles and who may use what.
-- Schema core holds the tables and rules and is private; schema api holds
-- the functions terminals call (members of marquee_terminal may EXECUTE
-- them and nothing else); schema notifier holds what `marquee notify` uses
-- (role marquee_notify). Roles are the cluster's, so they are made only if
-- missing.

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
