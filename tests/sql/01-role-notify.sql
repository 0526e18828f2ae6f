-- 01-role-notify.sql - what the notifier (marquee_notify) may run: the
-- notifier's functions and nothing else; and no terminal may run them.
BEGIN;
\set day 415
\ir fixture.psql
SELECT plan(3);

-- The notifier (marquee notify) reads the outbox, which holds customers'
-- addresses: its functions are its own. What a role can call is what it
-- may EXECUTE in a schema it may use.
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
                  AND has_schema_privilege('marquee_notify', n.oid, 'USAGE')
                  AND has_function_privilege('marquee_notify', p.oid, 'EXECUTE')$$,
    ARRAY['notifier.expire_holds()', 'notifier.outbox_claim(integer)', 'notifier.outbox_done(bigint,text)'],
    'marquee_notify can call the three notifier functions and nothing else');
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              CROSS JOIN unnest(ARRAY['marquee_kiosk', 'marquee_counter', 'marquee_door']) r
            WHERE n.nspname = 'notifier' AND has_function_privilege(r, p.oid, 'EXECUTE')), 0,
          'no terminal role may EXECUTE a notifier function');
SELECT ok(NOT has_schema_privilege('marquee_kiosk', 'notifier', 'USAGE'),
          'a kiosk may not even look into schema notifier');

SELECT * FROM finish();
ROLLBACK;
