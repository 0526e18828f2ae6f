-- 00-roles.sql - the terminal role may only EXECUTE the api: every api
-- function is callable by it (listed one by one, so a new one is a
-- decision), runs as its owner with a fixed search_path, and no core table
-- or function is reachable directly; the notifier's role may EXECUTE the
-- notifier's functions alone, and a terminal none of them.
BEGIN;
\set day 401
\ir fixture.psql
SELECT plan(20);

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

-- Exactly these api functions, by name and argument types. A new function
-- is granted to terminals by default (ALTER DEFAULT PRIVILEGES), so it
-- fails this test until it is listed here, or its grant revoked, on purpose.
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'api' AND has_function_privilege('marquee_term', p.oid, 'EXECUTE')$$,
    ARRAY[
          'api.admin_halls(bigint)',
          'api.admin_movie_save(bigint,bigint,text,text,integer,text,text,uuid)',
          'api.admin_password_reset(text,text,text,bigint,bigint,text)',
          'api.admin_price_set(bigint,text,text,bigint,uuid)',
          'api.admin_prices(bigint)',
          'api.admin_showtime_add(bigint,bigint,bigint,timestamp with time zone,text,integer,uuid)',
          'api.admin_showtime_cancel(bigint,bigint,uuid)',
          'api.admin_unlock(text,text)',
          'api.admit(bigint,bigint,integer,bigint,text,uuid)',
          'api.booking_history(text,bigint)',
          'api.booking_note(text,bigint,text,text)',
          'api.booking_tickets(text,bigint)',
          'api.cancel(bigint,bigint,uuid)',
          'api.change_password(text,text,text,bigint,bigint,text)',
          'api.customer_register(text,text,text,bigint,bigint,text,uuid)',
          'api.email_receipt(bigint,text,uuid)',
          'api.expire_holds()',
          'api.find_booking(text,text)',
          'api.listing(timestamp with time zone,integer,bigint)',
          'api.listing_filtered(text,bigint,text,date,integer)',
          'api.locations()',
          'api.my_bookings(bigint)',
          'api.order_lines(bigint)',
          'api.order_payments(text)',
          'api.order_status(bigint)',
          'api.order_tickets(text)',
          'api.payment(bigint,bigint,jsonb,uuid)',
          'api.payment_start(bigint,bigint,uuid)',
          'api.print_claim(text,text,uuid)',
          'api.print_release(text,text,text)',
          'api.refund(text,bigint,text[],text,text,uuid)',
          'api.refund_card_done(text,bigint,boolean,text)',
          'api.refund_cards_owed(text,bigint)',
          'api.reprint(text,text,bigint,text,bigint,uuid)',
          'api.sales_report(bigint,date,date,bigint)',
          'api.search(text,date,bigint,text)',
          'api.seat_changes(bigint,bigint)',
          'api.seat_layout(bigint)',
          'api.seat_map(bigint)',
          'api.seat_relay()',
          'api.seat_relay_stop()',
          'api.select_seat(bigint,bigint,text[],text,uuid)',
          'api.session_whoami(text)',
          'api.set_ticket_types(bigint,jsonb,uuid)',
          'api.sign_in(text,text,text,text)',
          'api.sign_in_guest(text)',
          'api.sign_in_salt(text)',
          'api.sign_out(text)',
          'api.ticket_types(bigint)'],
    'marquee_term may EXECUTE exactly the listed api functions');

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
            WHERE n.nspname = 'notifier' AND has_function_privilege('marquee_term', p.oid, 'EXECUTE')), 0,
          'marquee_term may EXECUTE no notifier function');
SELECT ok(NOT has_schema_privilege('marquee_term', 'notifier', 'USAGE'),
          'marquee_term may not even look into schema notifier');

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
       pg_temp.attempt('SELECT count(*) FROM core.rate_event') AS sel_rate,
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
SELECT is(:'term_sel_rate'::text, '42501', 'the terminal cannot read the sign-in attempts (core.rate_event)');
SELECT is(:'term_api_listing'::text, 'ok', 'the terminal can call api.listing');
SELECT is(:'term_api_map'::text, '478', 'the terminal can call api.seat_map');
SELECT is(:'term_api_hold'::text, 'held', 'the terminal can hold a seat through api.select_seat');
SELECT is((SELECT status FROM core.orders WHERE showtime_id = :st), 'initiated',
          'and the hold it made is in core.orders');

SELECT * FROM finish();
ROLLBACK;
