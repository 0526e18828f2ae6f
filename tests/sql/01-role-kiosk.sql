-- 01-role-kiosk.sql - what a lobby kiosk (marquee_kiosk) may run: what is on,
-- seats, guest and customer sign-in, holds and card payment for its
-- sessions, printing its own orders' tickets with its own key.
BEGIN;
\set day 411
\ir fixture.psql
SELECT plan(12);

-- Exactly these api functions, by name and argument types: a new function
-- fails here until it is listed (after 99-privileges.sql decides it).
SELECT set_eq('SELECT * FROM pg_temp.may_run(''marquee_kiosk'')',
    ARRAY[
          'api.cancel(text,bigint,uuid)',
          'api.change_password(text,text,text,bigint,bigint,text)',
          'api.customer_register(text,text,text,bigint,bigint,text,uuid)',
          'api.email_receipt(text,bigint,text,uuid)',
          'api.find_booking(text,text)',
          'api.listing(timestamp with time zone,integer,bigint)',
          'api.listing_filtered(text,bigint,text,date,integer)',
          'api.locations()',
          'api.my_bookings(text)',
          'api.order_lines(text,bigint)',
          'api.order_payments(text,text)',
          'api.order_status(text,bigint)',
          'api.order_tickets(text,text)',
          'api.payment(text,bigint,jsonb,uuid)',
          'api.payment_start(text,bigint,uuid)',
          'api.print_claim(text,text,uuid,text)',
          'api.print_release(text,text,text)',
          'api.refund(text,bigint,text[],text,text,uuid)',
          'api.refund_card_done(text,bigint,boolean,text)',
          'api.refund_cards_owed(text,bigint)',
          'api.reprint(text,text,text,text,uuid)',
          'api.search(text,date,bigint,text)',
          'api.seat_changes(bigint,bigint)',
          'api.seat_layout(bigint)',
          'api.seat_map(bigint)',
          'api.seat_relay()',
          'api.seat_relay_stop()',
          'api.seats_left(bigint[])',
          'api.select_accessible(text,bigint,uuid)',
          'api.select_seat(text,bigint,text[],uuid)',
          'api.session_whoami(text)',
          'api.set_ticket_types(text,bigint,jsonb,uuid)',
          'api.sign_in(text,text,text,text)',
          'api.sign_in_guest(text)',
          'api.sign_in_salt(text)',
          'api.sign_out(text)',
          'api.ticket_key_register(text,text,uuid)',
          'api.ticket_types(bigint)',
          'api.training()'],
    'a kiosk may EXECUTE exactly these: what is on, seats, guest and customer sign-in, its own orders');

-- Acted out as the demo device. pgTAP itself is out of a device's reach, so
-- each attempt's SQLSTATE is kept in a psql variable and checked after.
SET LOCAL ROLE kiosk1;
SELECT session AS ksess FROM api.sign_in_guest('tap') \gset
SELECT pg_temp.attempt('SELECT * FROM core.showtime_seat') AS sel_seat,
       pg_temp.attempt('SELECT * FROM core.orders') AS sel_orders,
       pg_temp.attempt('UPDATE core.showtime_seat SET state = ''sold''') AS upd_seat,
       pg_temp.attempt('SELECT core.next_order_id()') AS core_fn,
       pg_temp.attempt('SELECT count(*) FROM core.rate_event') AS sel_rate,
       pg_temp.attempt('SELECT * FROM api.listing()') AS api_listing,
       (SELECT count(*) FROM api.seat_map(:st)) AS api_map,
       (SELECT selection_status FROM api.select_seat(:'ksess', :st, '{C7}')) AS api_hold,
       pg_temp.attempt('SELECT * FROM api.admin_prices(''x'')') AS admin,
       pg_temp.attempt('SELECT * FROM api.admit(1, 1, 0)') AS admit,
       current_user AS who \gset term_
RESET ROLE;
SELECT is(:'term_who'::text, 'kiosk1', 'the attempts above ran as kiosk1');
SELECT is(:'term_admin' || '|' || :'term_admit', '42501|42501', 'a kiosk cannot run the back office or admit');
SELECT is(:'term_sel_seat'::text, '42501', 'a kiosk cannot SELECT from core.showtime_seat');
SELECT is(:'term_sel_orders'::text, '42501', 'a kiosk cannot SELECT from core.orders');
SELECT is(:'term_upd_seat'::text, '42501', 'a kiosk cannot UPDATE seats directly');
SELECT is(:'term_core_fn'::text, '42501', 'a kiosk cannot call core functions');
SELECT is(:'term_sel_rate'::text, '42501', 'a kiosk cannot read the sign-in attempts (core.rate_event)');
SELECT is(:'term_api_listing'::text, 'ok', 'a kiosk can call api.listing');
SELECT is(:'term_api_map'::text, '478', 'a kiosk can call api.seat_map');
SELECT is(:'term_api_hold'::text, 'held', 'a kiosk can hold a seat for its guest through api.select_seat');
SELECT is((SELECT status FROM core.orders WHERE showtime_id = :st), 'initiated',
          'and the hold it made is in core.orders');

SELECT * FROM finish();
ROLLBACK;
