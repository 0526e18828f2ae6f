-- 85-tickets-email.sql - a guest proves a booking by the e-mail address of
-- the purchase (api.reprint's email): the address its receipt went to, or
-- its account's, in any case; a wrong address is counted with wrong card
-- digits and locks the code as they do.
BEGIN;
\set day 441
\ir fixture.psql
SELECT plan(10);

-- A guest's booking paid by card, its receipt e-mailed to pat@example.com.
SELECT token AS g1 FROM core.session_open(NULL, 'guest', 'tap') \gset
SELECT order_id AS o, booking_code AS code, total_cents AS total FROM api.select_seat(:'g1', :st, '{D1,D2}') \gset
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o,
                  jsonb_build_object('method', 'card', 'amount_cents', :total, 'last4', '4242', 'auth_code', 'E1',
                                     'terminal_ref', '85-em-1'))), 'success', 'the booking is paid by card');
SELECT is(api.email_receipt(:'g1', :o, 'Pat@Example.com'), 'queued',
          'its receipt goes to Pat@Example.com');

-- Another guest, at a kiosk, with the code and the e-mail.
SELECT token AS g2 FROM core.session_open(NULL, 'guest', 'tap') \gset
SELECT is((SELECT reprint_status || ': ' || message FROM api.reprint(:'g2', :'code', email => 'eve@example.com')),
          'not_allowed: that is not the e-mail address of this purchase', 'a wrong address is refused');
SELECT is((SELECT count(*)::int FROM core.rate_event WHERE bucket = 'reprint:' || :'code' || ':fail'), 1,
          'and counted as wrong card digits are');
SELECT is((SELECT reprint_status || ' ' || issue FROM api.reprint(:'g2', :'code', email => '  pat@EXAMPLE.com ')),
          'reprinted 1', 'the address of the purchase, in any case, proves it: a new issue');
SELECT is((SELECT proof FROM core.reprint_log WHERE order_id = :o), 'email', 'recorded as proven by the e-mail');
SELECT is((SELECT count(*)::int FROM api.order_tickets(:'g2', :'code')), 2, 'that session may now print its tickets');

-- A customer's booking: the account's address proves it.
SELECT order_id AS oa, booking_code AS acode, total_cents AS atotal FROM api.select_seat(:'sa', :st, '{D5}') \gset
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :oa,
                  jsonb_build_object('method', 'cash', 'amount_cents', :atotal))), 'success', 'a customer''s booking, paid in cash');
SELECT is((SELECT reprint_status FROM api.reprint(:'ga', :'acode', email => 'ada' || :day || '@example.com')), 'reprinted',
          'is collected with the account''s address');

-- Wrong addresses lock the code, as wrong digits do.
SELECT token AS g3 FROM core.session_open(NULL, 'guest', 'tap') \gset
SELECT api.reprint(:'g3', :'acode', email => 'x' || n || '@example.com') FROM generate_series(1, 5) n \g /dev/null
SELECT is((SELECT reprint_status FROM api.reprint(:'g3', :'acode', email => 'ada' || :day || '@example.com')), 'locked',
          'after too many wrong addresses even the right one is refused');

SELECT * FROM finish();
ROLLBACK;
