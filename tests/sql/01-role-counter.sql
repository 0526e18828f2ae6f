-- 01-role-counter.sql - what a box office counter (marquee_counter) may run: staff
-- sign-in, selling, printing, the back office (each call then checks the
-- session's role).
BEGIN;
\set day 412
\ir fixture.psql
SELECT plan(4);

-- Exactly these api functions, by name and argument types: a new function
-- fails here until it is listed (after 99-privileges.sql decides it).
SELECT set_eq('SELECT * FROM pg_temp.may_run(''marquee_counter'')',
    ARRAY[
          'api.admin_halls(text)',
          'api.admin_movie_save(text,bigint,text,text,integer,text,text,uuid)',
          'api.admin_password_reset(text,text,text,bigint,bigint,text)',
          'api.admin_price_set(text,text,text,bigint,uuid)',
          'api.admin_prices(text)',
          'api.admin_showtime_add(text,bigint,bigint,timestamp with time zone,text,integer,uuid)',
          'api.admin_showtime_cancel(text,bigint,uuid)',
          'api.admin_unlock(text,text)',
          'api.audit_log(text,text,text,date,date)',
          'api.booking_history(text,bigint)',
          'api.booking_note(text,bigint,text,text)',
          'api.booking_tickets(text,bigint)',
          'api.cancel(text,bigint,uuid)',
          'api.change_password(text,text,text,bigint,bigint,text)',
          'api.day_close(text,date,text,uuid)',
          'api.drawer_close(text,jsonb,uuid)',
          'api.drawer_move(text,text,bigint,text,uuid)',
          'api.drawer_open(text,bigint,uuid)',
          'api.drawer_report(text)',
          'api.email_receipt(text,bigint,text,uuid)',
          'api.exchange(text,bigint,text[],bigint,text,text,uuid)',
          'api.exchange_shows(text,bigint)',
          'api.find_booking(text,text)',
          'api.hall_import(text,text,text,integer,integer,text[],integer[],integer[],text[],uuid)',
          'api.hall_layout(text,text,text)',
          'api.hall_list(text)',
          'api.listing(timestamp with time zone,integer,bigint)',
          'api.listing_filtered(text,bigint,text,date,integer)',
          'api.locations()',
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
          'api.report_cards(text,date,date)',
          'api.report_distributor(text,date,date)',
          'api.report_hourly(text,date)',
          'api.report_occupancy(text,date,date)',
          'api.report_takings(text,text,date,date,text)',
          'api.reprint(text,text,text,text,uuid)',
          'api.sales_report(text,date,date,bigint)',
          'api.search(text,date,bigint,text)',
          'api.seat_block(text,text,bigint,bigint,date,date,text,text,uuid)',
          'api.seat_blocks(text)',
          'api.seat_changes(bigint,bigint)',
          'api.seat_layout(bigint)',
          'api.seat_map(bigint)',
          'api.seat_relay()',
          'api.seat_relay_stop()',
          'api.seat_unblock(text,bigint,uuid)',
          'api.seats_left(bigint[])',
          'api.select_accessible(text,bigint,uuid)',
          'api.select_seat(text,bigint,text[],uuid)',
          'api.session_whoami(text)',
          'api.set_ticket_types(text,bigint,jsonb,uuid)',
          'api.sign_in(text,text,text,text)',
          'api.sign_in_must_change(text)',
          'api.sign_in_salt(text)',
          'api.sign_out(text)',
          'api.staff_add(text,text,text,text,text,bigint,bigint,text,uuid)',
          'api.staff_list(text)',
          'api.staff_set_active(text,text,boolean,uuid)',
          'api.ticket_key_register(text,text,uuid)',
          'api.ticket_keys()',
          'api.ticket_types(bigint)',
          'api.training()'],
    'a counter may EXECUTE exactly these: staff sign-in, selling, printing, the back office');

-- Acted out as the demo device. pgTAP itself is out of a device's reach, so
-- each attempt's SQLSTATE is kept in a psql variable and checked after.
SET LOCAL ROLE counter1;
SELECT pg_temp.attempt('SELECT * FROM api.admit(1, 1, 0)') AS admit,
       pg_temp.attempt('SELECT * FROM api.sign_in_guest(''c'')') AS guest,
       pg_temp.attempt('SELECT * FROM api.customer_register(''x@example.com'', ''X'', '''', 1, 1, '''')') AS reg,
       pg_temp.attempt('SELECT count(*) FROM core.payment') AS core,
       current_user AS who \gset counter_
RESET ROLE;
SELECT is(:'counter_who'::text, 'counter1', 'the attempts above ran as counter1');
SELECT is(:'counter_admit' || '|' || :'counter_guest' || '|' || :'counter_reg', '42501|42501|42501',
          'a counter cannot admit, open guest sessions or register customers');
SELECT is(:'counter_core'::text, '42501', 'a counter cannot read core tables');

SELECT * FROM finish();
ROLLBACK;
