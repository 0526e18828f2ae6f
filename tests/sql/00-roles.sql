-- 00-roles.sql - the terminal role may only EXECUTE the api: every api
-- function is callable by it, runs as its owner with a fixed search_path,
-- and no core table or function is reachable directly.
BEGIN;
\set day 401
\ir fixture.psql
SELECT plan(15);

SELECT ok(EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'marquee_term' AND rolcanlogin),
          'marquee_term exists and may log in');
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api'
              AND NOT has_function_privilege('marquee_term', p.oid, 'EXECUTE')), 0,
          'marquee_term may EXECUTE every api function');
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api' AND (NOT p.prosecdef OR NOT EXISTS
                  (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'))), 0,
          'every api function is SECURITY DEFINER with its own search_path');
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'core' AND c.relkind IN ('r', 'v', 'S')
              AND (has_table_privilege('marquee_term', c.oid, 'SELECT')
                   OR has_table_privilege('marquee_term', c.oid, 'INSERT')
                   OR has_table_privilege('marquee_term', c.oid, 'UPDATE')
                   OR has_table_privilege('marquee_term', c.oid, 'DELETE'))), 0,
          'marquee_term has no privilege on any core table or sequence');
SELECT ok(NOT has_schema_privilege('marquee_term', 'core', 'USAGE'),
          'marquee_term may not even look into schema core');
SELECT ok(NOT has_schema_privilege('marquee_term', 'public', 'CREATE'),
          'marquee_term cannot create objects in public');

-- The same, acted out as the terminal. pgTAP itself is out of the
-- terminal's reach, so each attempt's SQLSTATE is kept in a psql variable
-- and checked after RESET ROLE.
CREATE FUNCTION pg_temp.attempt(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
SET LOCAL ROLE marquee_term;
SELECT pg_temp.attempt('SELECT * FROM core.showtime_seat') AS sel_seat,
       pg_temp.attempt('SELECT * FROM core.orders') AS sel_orders,
       pg_temp.attempt('UPDATE core.showtime_seat SET state = ''sold''') AS upd_seat,
       pg_temp.attempt('SELECT core.next_order_id()') AS core_fn,
       pg_temp.attempt('SELECT * FROM api.listing()') AS api_listing,
       (SELECT count(*) FROM api.seat_map(:st)) AS api_map,
       (SELECT selection_status FROM api.select_seat(NULL, :st, '{C7}', 'tap')) AS api_hold,
       current_user AS who \gset term_
RESET ROLE;
SELECT is(:'term_who'::text, 'marquee_term', 'the attempts below ran as marquee_term');
SELECT is(:'term_sel_seat'::text, '42501', 'the terminal cannot SELECT from core.showtime_seat');
SELECT is(:'term_sel_orders'::text, '42501', 'the terminal cannot SELECT from core.orders');
SELECT is(:'term_upd_seat'::text, '42501', 'the terminal cannot UPDATE seats directly');
SELECT is(:'term_core_fn'::text, '42501', 'the terminal cannot call core functions');
SELECT is(:'term_api_listing'::text, 'ok', 'the terminal can call api.listing');
SELECT is(:'term_api_map'::text, '478', 'the terminal can call api.seat_map');
SELECT is(:'term_api_hold'::text, 'held', 'the terminal can hold a seat through api.select_seat');
SELECT is((SELECT status FROM core.orders WHERE showtime_id = :st), 'initiated',
          'and the hold it made is in core.orders');

SELECT * FROM finish();
ROLLBACK;
