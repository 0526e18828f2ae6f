-- 00-roles.sql - each kind of terminal (marquee_kiosk, marquee_counter,
-- marquee_door) may only EXECUTE the api functions it needs, listed here one
-- by one per role, so a new function is a decision; every api function is
-- decided (run by some role, or by the owner alone on purpose), runs as its
-- owner with a fixed search_path, and no core table or function is
-- reachable directly; the notifier's role may EXECUTE the notifier's
-- functions alone, and a terminal none of them. The demo devices (counter1,
-- kiosk1, door1) are members of their kind's role and of nothing else.
BEGIN;
\set day 401
\ir fixture.psql
SELECT plan(28);

-- What a role may run: the api functions it may EXECUTE.
CREATE FUNCTION pg_temp.may_run(r name) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'api'::regnamespace AND has_function_privilege(r, p.oid, 'EXECUTE')
$$;

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

-- Exactly these api functions per kind, by name and argument types. A new
-- function is run by nobody until 99-privileges.sql decides it, and then
-- fails here until it is listed.
SELECT set_eq('SELECT * FROM pg_temp.may_run(''marquee_kiosk'')',
    ARRAY[
          'api.cancel(bigint,bigint,uuid)',
          'api.change_password(text,text,text,bigint,bigint,text)',
          'api.customer_register(text,text,text,bigint,bigint,text,uuid)',
          'api.email_receipt(bigint,text,uuid)',
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
          'api.reprint(text,text,bigint,text,bigint,uuid)',
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
    'a kiosk may EXECUTE exactly these: what is on, seats, guest and customer sign-in, its own orders');
SELECT set_eq('SELECT * FROM pg_temp.may_run(''marquee_counter'')',
    ARRAY[
          'api.admin_halls(bigint)',
          'api.admin_movie_save(bigint,bigint,text,text,integer,text,text,uuid)',
          'api.admin_password_reset(text,text,text,bigint,bigint,text)',
          'api.admin_price_set(bigint,text,text,bigint,uuid)',
          'api.admin_prices(bigint)',
          'api.admin_showtime_add(bigint,bigint,bigint,timestamp with time zone,text,integer,uuid)',
          'api.admin_showtime_cancel(bigint,bigint,uuid)',
          'api.admin_unlock(text,text)',
          'api.audit_log(text,text,text,date,date)',
          'api.cancel(bigint,bigint,uuid)',
          'api.change_password(text,text,text,bigint,bigint,text)',
          'api.day_close(text,date,text,uuid)',
          'api.drawer_close(text,jsonb,uuid)',
          'api.drawer_move(text,text,bigint,text,uuid)',
          'api.drawer_open(text,bigint,uuid)',
          'api.drawer_report(text)',
          'api.email_receipt(bigint,text,uuid)',
          'api.listing(timestamp with time zone,integer,bigint)',
          'api.listing_filtered(text,bigint,text,date,integer)',
          'api.locations()',
          'api.order_lines(bigint)',
          'api.order_payments(text)',
          'api.order_status(bigint)',
          'api.order_tickets(text)',
          'api.payment(bigint,bigint,jsonb,uuid)',
          'api.payment_start(bigint,bigint,uuid)',
          'api.print_claim(text,text,uuid)',
          'api.print_release(text,text,text)',
          'api.reprint(text,text,bigint,text,bigint,uuid)',
          'api.report_hourly(text,date)',
          'api.report_occupancy(text,date,date)',
          'api.report_takings(text,text,date,date,text)',
          'api.sales_report(bigint,date,date,bigint)',
          'api.search(text,date,bigint,text)',
          'api.seat_block(text,text,bigint,bigint,date,date,text,text,uuid)',
          'api.seat_blocks(text)',
          'api.seat_changes(bigint,bigint)',
          'api.seat_layout(bigint)',
          'api.seat_map(bigint)',
          'api.seat_relay()',
          'api.seat_relay_stop()',
          'api.seat_unblock(text,bigint,uuid)',
          'api.select_seat(bigint,bigint,text[],text,uuid)',
          'api.session_whoami(text)',
          'api.set_ticket_types(bigint,jsonb,uuid)',
          'api.sign_in(text,text,text,text)',
          'api.sign_in_must_change(text)',
          'api.sign_in_salt(text)',
          'api.sign_out(text)',
          'api.staff_add(text,text,text,text,text,bigint,bigint,text,uuid)',
          'api.staff_list(text)',
          'api.staff_set_active(text,text,boolean,uuid)',
          'api.ticket_types(bigint)'],
    'a counter may EXECUTE exactly these: staff sign-in, selling, printing, the back office');
SELECT set_eq('SELECT * FROM pg_temp.may_run(''marquee_door'')',
    ARRAY['api.admit(bigint,bigint,integer,bigint,text,uuid)'],
    'a door scanner may EXECUTE exactly these: admitting');
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

-- The same, acted out as each kind of device. pgTAP itself is out of a
-- device's reach, so each attempt's SQLSTATE is kept in a psql variable
-- and checked after RESET ROLE.
SET LOCAL ROLE kiosk1;
SELECT pg_temp.attempt('SELECT * FROM core.showtime_seat') AS sel_seat,
       pg_temp.attempt('SELECT * FROM core.orders') AS sel_orders,
       pg_temp.attempt('UPDATE core.showtime_seat SET state = ''sold''') AS upd_seat,
       pg_temp.attempt('SELECT core.next_order_id()') AS core_fn,
       pg_temp.attempt('SELECT count(*) FROM core.rate_event') AS sel_rate,
       pg_temp.attempt('SELECT * FROM api.listing()') AS api_listing,
       (SELECT count(*) FROM api.seat_map(:st)) AS api_map,
       (SELECT selection_status FROM api.select_seat(NULL, :st, '{C7}', 'tap')) AS api_hold,
       pg_temp.attempt('SELECT * FROM api.admin_prices(1)') AS admin,
       pg_temp.attempt('SELECT * FROM api.admit(1, 1, 0)') AS admit,
       current_user AS who \gset term_
SET LOCAL ROLE counter1;
SELECT pg_temp.attempt('SELECT * FROM api.admit(1, 1, 0)') AS admit,
       pg_temp.attempt('SELECT * FROM api.sign_in_guest(''c'')') AS guest,
       pg_temp.attempt('SELECT * FROM api.customer_register(''x@example.com'', ''X'', '''', 1, 1, '''')') AS reg,
       current_user AS who \gset counter_
SET LOCAL ROLE door1;
SELECT pg_temp.attempt(format('SELECT * FROM api.seat_map(%s)', :st)) AS map,
       pg_temp.attempt('SELECT * FROM api.order_tickets(''ABCD-EFGH'')') AS tickets,
       pg_temp.attempt('SELECT * FROM api.print_claim(''ABCD-EFGH'', ''d'')') AS claim,
       pg_temp.attempt('SELECT * FROM api.sign_in_salt(''x'')') AS salt,
       current_user AS who \gset door_
RESET ROLE;
SELECT is(:'term_who' || ',' || :'counter_who' || ',' || :'door_who', 'kiosk1,counter1,door1',
          'the attempts below ran as kiosk1, counter1 and door1');
SELECT is(:'term_admin' || '|' || :'term_admit', '42501|42501', 'a kiosk cannot run the back office or admit');
SELECT is(:'counter_admit' || '|' || :'counter_guest' || '|' || :'counter_reg', '42501|42501|42501',
          'a counter cannot admit, open guest sessions or register customers');
SELECT is(:'door_map' || '|' || :'door_tickets' || '|' || :'door_claim' || '|' || :'door_salt',
          '42501|42501|42501|42501', 'a door scanner cannot read seats or tickets, print, or sign in');
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
