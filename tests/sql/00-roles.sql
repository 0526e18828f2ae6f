-- 00-roles.sql - the roles: each kind of terminal (marquee_kiosk,
-- marquee_counter, marquee_door) is a role of its own that cannot log in;
-- the demo devices (counter1, kiosk1, door1) are members of their kind's
-- role and of nothing else; every api function is decided (run by some
-- kind, or by the owner alone on purpose) and runs as its owner with a
-- fixed search_path; no core table is reachable and PUBLIC runs nothing.
-- What each kind may run, exactly, is in 01-role-kiosk.sql,
-- 01-role-counter.sql, 01-role-door.sql and 01-role-notify.sql.
BEGIN;
\set day 401
\ir fixture.psql
SELECT plan(9);

SELECT is((SELECT string_agg(rolname || ':' || rolcanlogin, ',' ORDER BY rolname) FROM pg_roles
            WHERE rolname IN ('marquee_kiosk', 'marquee_counter', 'marquee_door')),
          'marquee_counter:false,marquee_door:false,marquee_kiosk:false',
          'the three kinds of terminal are roles that cannot log in');
SELECT is((SELECT string_agg(d.rolname || '>' || g.rolname, ',' ORDER BY d.rolname)
             FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles d ON d.oid = m.member
            WHERE d.rolname IN ('counter1', 'kiosk1', 'door1')),
          'counter1>marquee_counter,door1>marquee_door,kiosk1>marquee_kiosk',
          'each demo device is a member of its kind''s role alone');
SELECT is((SELECT count(*)::int FROM pg_roles WHERE rolname IN ('marquee_terminal', 'marquee_term')
             AND pg_has_role(rolname, 'marquee_counter', 'MEMBER')), 0,
          'no role shared by every kind of terminal');
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api' AND (NOT p.prosecdef OR NOT EXISTS
                  (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'))), 0,
          'every api function is SECURITY DEFINER with its own search_path');
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              CROSS JOIN unnest(ARRAY['marquee_kiosk', 'marquee_counter', 'marquee_door']) r
            WHERE n.nspname = 'core' AND c.relkind IN ('r', 'v', 'S')
              AND (has_table_privilege(r, c.oid, 'SELECT') OR has_table_privilege(r, c.oid, 'INSERT')
                   OR has_table_privilege(r, c.oid, 'UPDATE') OR has_table_privilege(r, c.oid, 'DELETE'))), 0,
          'no terminal role has a privilege on any core table or sequence');
SELECT ok(NOT has_schema_privilege('marquee_kiosk', 'core', 'USAGE')
          AND NOT has_schema_privilege('marquee_counter', 'core', 'USAGE')
          AND NOT has_schema_privilege('marquee_door', 'core', 'USAGE'),
          'no terminal role may even look into schema core');
SELECT ok(NOT has_schema_privilege('kiosk1', 'public', 'CREATE'), 'a device cannot create objects in public');

-- A new function is run by nobody until 99-privileges.sql decides it.
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace = 'api'::regnamespace
                EXCEPT SELECT * FROM pg_temp.may_run('marquee_kiosk')
                EXCEPT SELECT * FROM pg_temp.may_run('marquee_counter')
                EXCEPT SELECT * FROM pg_temp.may_run('marquee_door')$$,
    ARRAY['api.expire_holds()'],
    'the api functions no terminal may run are exactly these (the owner''s)');
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('core', 'api', 'notifier') AND has_function_privilege('public', p.oid, 'EXECUTE')), 0,
          'PUBLIC may EXECUTE no function of core, api or notifier');

SELECT * FROM finish();
ROLLBACK;
