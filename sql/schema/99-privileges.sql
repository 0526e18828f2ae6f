-- 99-privileges.sql - applied last: no function may be run by PUBLIC.
-- PostgreSQL gives PUBLIC EXECUTE on every new function; schemas core, api
-- and notifier are closed to PUBLIC anyway, and this takes the grant back
-- too, so a function is run only by whom its file grants it (api: the
-- terminals, by default privilege; notifier: marquee_notify). A migration
-- that makes a function ends with the same statement.

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core, api, notifier FROM PUBLIC;
