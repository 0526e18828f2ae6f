-- 050_housekeeping.sql - what `marquee notify` (a timer, every minute) does
-- besides sending mail: it marks orders whose hold ran out as expired, frees
-- what they still held and gives back any part payment (api.expire_holds).
-- Correctness never waits for this; it keeps the books tidy.

CREATE FUNCTION notifier.expire_holds() RETURNS int
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT api.expire_holds()
$$;

REVOKE ALL ON FUNCTION notifier.expire_holds() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notifier.expire_holds() TO marquee_notify;
