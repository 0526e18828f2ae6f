-- 85-tickets.sql - tickets after the sale: a paid booking's tickets are
-- claimed for printing once (a failed print gives the claim back), read
-- back for the printer and the receipt, reprinted as a new issue by whoever
-- proves the booking is theirs (card digits, account, staff; limited and
-- rate limited for customers), and admitted at the door once, on the day,
-- refusing old issues, refunds and cancelled shows.
BEGIN;
\set day 421
\ir fixture.psql
SELECT plan(49);

-- A small hall of its own, so its show can be moved to today without
-- meeting the demo's shows.
INSERT INTO core.auditorium (location_id, name, rows, cols)
SELECT location_id, 'Tap Room ' || :day, 1, 4 FROM core.location WHERE name = 'Marquee Riverside'
RETURNING auditorium_id AS room \gset
INSERT INTO core.seat (auditorium_id, label, row_no, col_no)
SELECT :room, 'A' || n, 1, n FROM generate_series(1, 4) n;
INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
SELECT movie_id, :room, starts_at, ends_at, price_plan_id FROM core.showtime WHERE showtime_id = :st
RETURNING showtime_id AS tap \gset

SELECT order_id AS o, booking_code AS code, total_cents AS total
  FROM api.select_seat(:'sa', :tap, '{A1,A2}') \gset

-- Printing.
SELECT is((SELECT print_status FROM api.print_claim(pg_temp.staff(), :'code')), 'not_paid', 'a held booking is not printed');
SELECT is((SELECT print_status FROM api.print_claim(pg_temp.staff(), 'nonsense')), 'unknown_code', 'nor an unknown code');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o,
                  jsonb_build_object('method', 'card', 'amount_cents', :total, 'last4', '4242', 'auth_code', 'T85',
                                     'terminal_ref', '85-ti-1'))),
          'success', 'the booking is paid by card');
SELECT is((SELECT print_status FROM api.print_claim(pg_temp.staff(), :'code')), 'ok', 'a paid booking is claimed for printing');
SELECT is((SELECT count(*)::int FROM core.ticket WHERE order_id = :o AND state = 'sold' AND printed_at IS NOT NULL), 2,
          'both its tickets are marked printed');
SELECT is((SELECT print_status FROM api.print_claim(pg_temp.staff(), :'code')), 'already_printed',
          'a second copy of the same issue is refused');
SELECT is(api.print_release(pg_temp.staff(), :'code', 'paper out'), true, 'a print that failed gives its claim back');
SELECT is(api.print_release(pg_temp.staff(), :'code', 'paper out'), false, 'there is nothing more to give back');
SELECT is((SELECT print_status FROM api.print_claim(pg_temp.staff(), :'code')), 'ok', 'so the tickets may be printed again');
SELECT is((SELECT string_agg(event, ',' ORDER BY print_id) FROM core.print_log WHERE order_id = :o),
          'claimed,failed,failed,claimed', 'every claim and failure is logged');

-- What the printer and the receipt read.
SELECT results_eq(format('SELECT seat, ticket_state, issue, status, printed_at IS NOT NULL FROM api.order_tickets(pg_temp.staff(), %L)', :'code'),
    $$VALUES ('A1', 'sold', 0, 'success', true), ('A2', 'sold', 0, 'success', true)$$,
    'order_tickets gives each sold ticket, its issue and whether it was printed');
SELECT ok((SELECT bool_and(ticket_id IS NOT NULL AND order_id = :o AND showtime_id = :tap)
             FROM api.order_tickets(pg_temp.staff(), lower(:'code'))), 'with its ticket id, order and show, whatever the case of the code');
SELECT is((SELECT count(*)::int FROM api.order_tickets(pg_temp.staff(), 'nonsense')), 0, 'an unknown code has no tickets');
SELECT results_eq(format('SELECT method, amount_cents, card_last4, refunded_cents FROM api.order_payments(pg_temp.staff(), %L)', :'code'),
    format('VALUES (%L, %s::bigint, %L, 0::bigint)', 'card', :total, '4242'),
    'order_payments gives the card payment, its last four digits and nothing refunded');

-- Reprints: a new issue, for a session that may act on the booking or
-- proves it with the card's last four digits.
SELECT is((SELECT reprint_status FROM api.reprint(:'ga', :'code')), 'proof_needed',
          'a guest session that did not buy it needs a proof');
SELECT is((SELECT reprint_status FROM api.reprint(:'ga', core.crockford(12345678, 8))), 'proof_needed',
          'and is answered the same for a code nobody has');
SELECT is((SELECT reprint_status FROM api.reprint(:'ga', :'code', '9999')), 'not_allowed',
          'digits of another card are refused');
SELECT is((SELECT reprint_status FROM api.reprint(:'sb', :'code')), 'proof_needed',
          'another customer''s session proves nothing');
SELECT is((SELECT reprint_status FROM api.reprint(repeat('0', 64), :'code', '4242')), 'no_session',
          'a forged session reprints nothing, whatever digits it knows');
SELECT is((SELECT reprint_status || ' ' || issue || ' ' || reprints FROM api.reprint(:'ga', :'code', '4242')),
          'reprinted 1 1', 'the last four digits of the card that paid make issue 1 (the first was 0)');
SELECT is((SELECT string_agg(issue || ' ' || (printed_at IS NULL), ',') FROM core.ticket WHERE order_id = :o),
          '1 true,1 true', 'both tickets are now issue 1, not yet printed');
SELECT is((SELECT count(*)::int FROM api.order_tickets(:'ga', :'code')), 2,
          'the guest that proved the booking may now read its tickets');
SELECT is((SELECT print_status FROM api.print_claim(:'ga', :'code')), 'ok', 'and print the new issue');
SELECT is((SELECT count(*)::int FROM api.order_tickets(:'sb', :'code')), 0, 'another session still may not');
SELECT is((SELECT reprint_status || ' ' || issue FROM api.reprint(:'sa', :'code')), 'reprinted 2',
          'the account that owns the booking may reprint');
SELECT is((SELECT reprint_status || ' ' || issue FROM api.reprint(:'sc', :'code')),
          'reprinted 3', 'so may a cashier');
SELECT is((SELECT reprint_status FROM api.reprint(:'ga', :'code', '4242')), 'limit_reached',
          'after three reprints a customer may make no more');
SELECT is((SELECT reprint_status || ' ' || issue FROM api.reprint(:'sc', :'code')),
          'reprinted 4', 'staff have no limit');
SELECT is((SELECT string_agg(proof || ' ' || new_issue || ' ' || terminal, ',' ORDER BY reprint_id)
             FROM core.reprint_log WHERE order_id = :o),
          'card 1 tap,account 2 tap,staff 3 tap,staff 4 tap', 'every reprint is logged with its proof, issue and terminal');
SELECT token AS gb FROM core.session_open(NULL, 'guest', 'tap') \gset
SELECT api.reprint(:'gb', :'code', '0000') FROM generate_series(1, 4) \g /dev/null
SELECT is((SELECT reprint_status FROM api.reprint(:'gb', :'code', '4242')), 'locked',
          'five wrong card digits lock the code''s reprints, even for the right digits');

-- A second booking, paid and refunded while the show is still ahead.
SELECT order_id AS r, booking_code AS rcode, total_cents AS rtotal
  FROM api.select_seat(:'sa', :tap, '{A3}') \gset
SELECT api.payment(pg_temp.staff(), :r, jsonb_build_object('method', 'cash', 'amount_cents', :rtotal)) \g /dev/null
SELECT is((SELECT cancellation_status FROM api.cancel(:'sa', :r)), 'cancelled', 'a second booking is paid and refunded');
SELECT is((SELECT print_status FROM api.print_claim(pg_temp.staff(), :'rcode')), 'refunded', 'a refunded booking is not printed');
SELECT is((SELECT reprint_status FROM api.reprint(:'sa', :'rcode')), 'refunded', 'nor reprinted');
UPDATE core.setting SET value = '6' WHERE name = 'reprint_device_attempts';
SELECT is((SELECT reprint_status FROM api.reprint(:'sb', :'rcode', '1111')), 'not_allowed',
          'wrong digits for another code count for this device too');
SELECT is((SELECT reprint_status FROM api.reprint(:'sb', :'rcode', '1111')), 'locked',
          'so a device that guesses across codes is locked (reprint_device_attempts)');

-- The door.
SELECT ticket_id AS t1 FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = :o AND s.label = 'A1' \gset
SELECT ticket_id AS t2 FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = :o AND s.label = 'A2' \gset
SELECT ticket_id AS t3 FROM core.ticket WHERE order_id = :r \gset
SELECT is((SELECT verdict FROM api.admit(:t1, :o, 0, :tap, 'door-1')), 'reissued', 'a copy of an old issue is refused');
SELECT is((SELECT verdict FROM api.admit(:t1, :o, 4, :tap, 'door-1')), 'wrong_day', 'the current issue, on another day, too');
SELECT is((SELECT verdict FROM api.admit(:t1, :o, 5, :tap, 'door-1')), 'unknown_ticket', 'an issue never made is no ticket');
UPDATE core.ticket SET type_code = 'child' WHERE ticket_id = :t2;
SELECT is((SELECT ticket_type FROM api.admit(:t2, :o, 4, :tap, 'door-1')), 'Child (under 12)',
          'the door''s verdict names the ticket''s type, so an usher can check a child ticket');
SELECT is((SELECT verdict FROM api.admit(:t1, :r, 4, :tap, 'door-1')), 'unknown_ticket',
          'nor is a ticket named with another order');
SELECT is((SELECT verdict FROM api.admit(:t1, :o, 4, :small, 'door-1')), 'unknown_ticket',
          'or with another show');
-- The show began an hour ago (or at midnight, if that was later), today.
UPDATE core.showtime st
   SET starts_at = greatest(date_trunc('day', now() AT TIME ZONE l.timezone) AT TIME ZONE l.timezone,
                            now() - interval '1 hour'),
       ends_at = now() + interval '2 hours'
  FROM core.auditorium a JOIN core.location l USING (location_id)
 WHERE a.auditorium_id = st.auditorium_id AND st.showtime_id = :tap;
SELECT is((SELECT verdict || ' ' || seat FROM api.admit(:t1, :o, 4, :tap, 'door-1')), 'valid A1',
          'on the day, the current issue is let in');
SELECT is((SELECT verdict FROM api.admit(:t1, :o, 4, :tap, 'door-2')), 'already_admitted', 'once');
SELECT is((SELECT verdict FROM api.admit(:t3, :r, 0, :tap, 'door-1')), 'refunded', 'a refunded ticket is refused');
SELECT is((SELECT string_agg(verdict, ',' ORDER BY admission_id) FROM core.admission_log WHERE ticket_id = :t1),
          'reissued,wrong_day,unknown_ticket,unknown_ticket,unknown_ticket,valid,already_admitted',
          'every scan is logged with its verdict');
-- Ten minutes before midnight in the cinema's time zone (a POSIX zone whose
-- offset makes it so, whatever the clock): a show at ten past midnight is
-- tomorrow's, but its doors are open.
UPDATE core.location l
   SET timezone = format('XXX%s%s:%s', CASE WHEN off >= 0 THEN '-' ELSE '+' END,
                         lpad((abs(off) / 60)::text, 2, '0'), lpad((abs(off) % 60)::text, 2, '0'))
  FROM (SELECT CASE WHEN m >= 720 THEN m - 1440 ELSE m END AS off
          FROM (SELECT ((1430 - (extract(hour FROM now() AT TIME ZONE 'UTC') * 60
                                 + extract(minute FROM now() AT TIME ZONE 'UTC'))::int) % 1440 + 1440) % 1440 AS m) x) y,
       core.auditorium a, core.showtime st
 WHERE a.location_id = l.location_id AND st.auditorium_id = a.auditorium_id AND st.showtime_id = :tap;
SELECT is((SELECT to_char(now() AT TIME ZONE l.timezone, 'HH24:MI')
             FROM core.location l JOIN core.auditorium a USING (location_id) JOIN core.showtime st USING (auditorium_id)
            WHERE st.showtime_id = :tap), '23:50', 'the cinema''s clock reads 23:50');
UPDATE core.showtime SET starts_at = now() + interval '3 hours', ends_at = now() + interval '5 hours' WHERE showtime_id = :tap;
SELECT is((SELECT verdict FROM api.admit(:t2, :o, 4, :tap, 'door-1')), 'wrong_day',
          'a show tomorrow at 02:50 is another day''s');
UPDATE core.showtime SET starts_at = now() + interval '20 minutes', ends_at = now() + interval '2 hours' WHERE showtime_id = :tap;
SELECT is((SELECT verdict FROM api.admit(:t2, :o, 4, :tap, 'door-1')), 'valid',
          'a show at 00:10 is let in at 23:50: its doors are open');
UPDATE core.showtime SET cancelled = true WHERE showtime_id = :tap;
SELECT is((SELECT verdict FROM api.admit(:t2, :o, 4, :tap, 'door-1')), 'cancelled', 'a ticket for a cancelled show is refused');

SELECT * FROM finish();
ROLLBACK;
