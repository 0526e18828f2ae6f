-- 96-back-office.sql - the back office: who may do what (cashier refused,
-- supervisor where allowed, manager; a kiosk refused), adding staff with a
-- one-time password that must be changed, deactivating (never oneself,
-- never the last active manager), unlock and reset in the audit trail and
-- its filters, seat blocks (refused in a sale, sold seats listed for a
-- move, new shows covered, unblocking), and reports whose sums equal the
-- payments and refunds tables.
BEGIN;
\set day 431
\ir fixture.psql
SELECT plan(81);

SELECT user_id AS mgr FROM core.app_user WHERE username = 'manager' \gset
SELECT coalesce(max(audit_id), 0) AS audit0 FROM core.audit_log \gset
SELECT user_id AS cashier FROM core.app_user WHERE username = 'cashier' \gset
INSERT INTO core.app_user (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
VALUES ('super' || :day, 'Sue Supervisor', 'supervisor', repeat('5a', 16), 2, 67108864, core.proof_digest(repeat('c3', 32)))
RETURNING user_id AS sup \gset
INSERT INTO core.session (token_digest, user_id, role, db_login, expires_at)
VALUES (core.digest(repeat('e1', 32), 'sha256'), :mgr, 'manager', session_user, now() + interval '1 hour'),
       (core.digest(repeat('e2', 32), 'sha256'), :cashier, 'cashier', session_user, now() + interval '1 hour'),
       (core.digest(repeat('e3', 32), 'sha256'), :sup, 'supervisor', session_user, now() + interval '1 hour'),
       (core.digest(repeat('e4', 32), 'sha256'), :cust, 'customer', session_user, now() + interval '1 hour');
SELECT repeat('e1', 32) AS m, repeat('e2', 32) AS c, repeat('e3', 32) AS s, repeat('e4', 32) AS k,
       'hire' || :day AS hire, 'boss' || :day AS boss, repeat('6b', 16) AS salt, repeat('f7', 32) AS otp \gset

-- Staff: only a manager adds; the account must change its one-time password.
SELECT is((SELECT staff_status FROM api.staff_add(:'c', :'hire', 'New Hire', 'cashier', :'salt', 2, 67108864, :'otp')),
          'not_manager', 'a cashier may not add staff');
SELECT is((SELECT staff_status FROM api.staff_add(:'s', :'hire', 'New Hire', 'cashier', :'salt', 2, 67108864, :'otp')),
          'not_manager', 'nor may a supervisor');
SELECT is((SELECT staff_status FROM api.staff_add(:'k', :'hire', 'New Hire', 'cashier', :'salt', 2, 67108864, :'otp')),
          'not_manager', 'nor a customer');
SELECT is((SELECT staff_status FROM api.staff_add(:'m', :'hire', 'New Hire', 'cashier', :'salt', 2, 67108864, :'otp')),
          'added', 'a manager adds a cashier');
SELECT is((SELECT role || '|' || must_change || '|' || active FROM core.app_user WHERE username = :'hire'),
          'cashier|true|true', 'who must change the one-time password');
SELECT is((SELECT staff_status FROM api.staff_add(:'m', upper(:'hire'), 'Again', 'cashier', :'salt', 2, 67108864, :'otp')),
          'taken', 'a user name is taken once');
SELECT is((SELECT staff_status FROM api.staff_add(:'m', 'x' || :day, 'X', 'owner', :'salt', 2, 67108864, :'otp')),
          'invalid', 'the role is cashier, supervisor or manager');
SELECT is((SELECT staff_status FROM api.staff_add(:'m', 'x' || :day, 'X', 'cashier', :'salt', 2, 67108864, 'nope')),
          'invalid', 'the proof must be well-formed');
SELECT is((SELECT staff_status FROM api.staff_add(:'m', :'boss', 'Second Boss', 'manager', :'salt', 2, 67108864, :'otp',
                                                  '00000000-0000-4000-8000-000000000961')), 'added', 'and a manager');
SELECT is((SELECT staff_status FROM api.staff_add(:'m', :'boss', 'Second Boss', 'manager', :'salt', 2, 67108864, :'otp',
                                                  '00000000-0000-4000-8000-000000000961')), 'added',
          'a retried add answers as the first');
SELECT session AS hs FROM api.sign_in(:'hire', :'otp', 'c1') \gset
SELECT ok((SELECT must_change FROM api.sign_in_must_change(:'hs')), 'the first sign-in is told to change the password');
SELECT is((SELECT change_status FROM api.change_password(:'hs', :'otp', :'salt', 2, 67108864, repeat('a9', 32))),
          'changed', 'it changes it');
SELECT ok(NOT (SELECT must_change FROM api.sign_in_must_change(:'hs')), 'and need not any more');
SELECT ok(NOT (SELECT must_change FROM api.sign_in_must_change(:'k')), 'a session that need not change is not told to');

-- The staff list: managers and supervisors.
SELECT is((SELECT count(*)::int FROM api.staff_list(:'c')), 0, 'a cashier sees no staff list');
SELECT ok((SELECT count(*) FROM api.staff_list(:'s') WHERE username = :'hire') = 1, 'a supervisor sees it');
SELECT is((SELECT count(*)::int FROM api.staff_list(:'m') WHERE role = 'customer'), 0, 'without customers');

-- Deactivate and reactivate: managers only, never oneself or the last manager.
SELECT is((SELECT staff_status FROM api.staff_set_active(:'s', :'hire', false)), 'not_manager',
          'a supervisor may not deactivate');
SELECT is((SELECT staff_status FROM api.staff_set_active(:'c', :'hire', false)), 'not_manager', 'nor a cashier');
SELECT is((SELECT staff_status FROM api.staff_set_active(:'m', :'hire', false)), 'deactivated',
          'a manager deactivates a cashier');
SELECT is((SELECT count(*)::int FROM api.session_whoami(:'hs')), 0, 'whose sessions end');
SELECT is((SELECT sign_in_status FROM api.sign_in(:'hire', repeat('a9', 32), 'c1')), 'wrong',
          'and who cannot sign in');
SELECT is((SELECT staff_status FROM api.staff_set_active(:'m', :'hire', true)), 'activated', 'then reactivates');
SELECT is((SELECT sign_in_status FROM api.sign_in(:'hire', repeat('a9', 32), 'c1')), 'ok', 'who signs in again');
SELECT is((SELECT message FROM api.staff_set_active(:'m', 'manager', false)), 'you cannot deactivate yourself',
          'a manager cannot deactivate themselves');
SELECT is((SELECT staff_status FROM api.staff_set_active(:'m', :'boss', false)), 'deactivated',
          'a manager deactivates another manager');
UPDATE core.app_user SET active = false WHERE role = 'manager' AND user_id <> :mgr;
SELECT is((SELECT message FROM api.staff_set_active(:'m', 'manager', false)),
          'the last active manager cannot be deactivated', 'the last active manager cannot be deactivated');
SELECT ok((SELECT active FROM core.app_user WHERE user_id = :mgr), 'and is still active');
SELECT is((SELECT staff_status FROM api.staff_set_active(:'m', 'nobody' || :day, false)), 'not_found',
          'an unknown user name is not found');

-- Unlock (supervisors too) and reset (a one-time password), audited.
SELECT api.sign_in(:'hire', repeat('00', 32), 'c1') FROM generate_series(1, 3) \g /dev/null
SELECT is((SELECT unlock_status FROM api.admin_unlock(:'c', :'hire')), 'not_manager', 'a cashier may not unlock');
SELECT ok((SELECT locked FROM api.staff_list(:'s') WHERE username = :'hire'), 'the list shows the lock-out');
SELECT is((SELECT unlock_status FROM api.admin_unlock(:'s', :'hire')), 'unlocked', 'a supervisor unlocks');
SELECT ok(NOT (SELECT locked FROM api.staff_list(:'s') WHERE username = :'hire'), 'and the lock-out is gone');
SELECT is((SELECT reset_status FROM api.admin_password_reset(:'m', :'hire', :'salt', 2, 67108864, :'otp')), 'reset',
          'a manager resets a password');
SELECT ok((SELECT must_change FROM core.app_user WHERE username = :'hire'), 'to a one-time password');

-- The audit trail and its filters: managers and supervisors.
SELECT is((SELECT count(*)::int FROM api.audit_log(:'c')), 0, 'a cashier reads no audit trail');
SELECT is((SELECT string_agg(action, ',' ORDER BY audit_id) FROM api.audit_log(:'s', NULL, NULL, current_date, current_date)
            WHERE detail LIKE '%login=' || :'hire' || ' %'),
          'staff_add,staff_deactivate,staff_activate,unlock,password_reset',
          'every staff action on the account is in it, in order');
SELECT is((SELECT string_agg(DISTINCT username, ',') FROM api.audit_log(:'m', 'super')), 'super' || :day,
          'filtered by who');
SELECT is((SELECT string_agg(DISTINCT action, ',') FROM api.audit_log(:'m', NULL, 'unlock')), 'unlock',
          'filtered by what');
SELECT is((SELECT count(*)::int FROM api.audit_log(:'m', NULL, NULL, current_date + 1, NULL)), 0,
          'filtered by when');

-- Seat blocks: one show.
SELECT is((SELECT block_status FROM api.seat_block(:'c', 'C5', :st, NULL, NULL, NULL, 'broken')), 'not_allowed',
          'a cashier may not block a seat');
SELECT is((SELECT block_status || '|' || blocked FROM api.seat_block(:'s', 'c5', :st, NULL, NULL, NULL, 'broken arm')),
          'blocked|1', 'a supervisor blocks a seat for one show');
SELECT is((SELECT status FROM api.seat_map(:st) WHERE seat = 'C5'), 'sold', 'the map shows it taken');
SELECT is((SELECT selection_status FROM api.select_seat(:'sc', :st, '{C5}')), 'unavailable',
          'a sale is refused it');
SELECT is((SELECT selection_status FROM api.select_seat(:'sc', :st, '{C6}')), 'held', 'its neighbour sells');
SELECT is((SELECT status FROM core.orders WHERE order_id = (SELECT order_id FROM core.house_order WHERE showtime_id = :st)),
          'initiated', 'the house order is a hold that never expires');
SELECT is(api.expire_holds() >= 0 AND (SELECT state FROM core.showtime_seat ss JOIN core.seat USING (seat_id)
                                        WHERE ss.showtime_id = :st AND label = 'C5') = 'sold', true,
          'which the sweeper leaves alone');

-- A sold seat: asks for its label first (the show added later is 40 days
-- on: a day no other file's fixture uses), then lists the booking for a move.
SELECT order_id AS held, booking_code AS held_code FROM api.select_seat(:'sc', :small, '{D4}') \gset
SELECT auditorium_id AS s2, (starts_at AT TIME ZONE l.timezone)::date AS sday
  FROM core.showtime JOIN core.auditorium a USING (auditorium_id) JOIN core.location l USING (location_id)
 WHERE showtime_id = :small \gset
SELECT is((SELECT block_status || '|' || to_move FROM api.seat_block(:'m', 'D4', NULL, :s2, :'sday', NULL, 'VIP')),
          'confirm|1', 'blocking a seat that is taken asks for its label');
SELECT block_id AS d4 FROM api.seat_block(:'m', 'D4', NULL, :s2, :'sday', NULL, 'VIP', 'd4') \gset
SELECT ok(:d4 IS NOT NULL, 'typed back, the seat is blocked for good');
SELECT ok((SELECT moves FROM api.seat_blocks(:'s') WHERE block_id = :d4) LIKE '%' || :'held_code' || '%',
          'and the booking that has it is listed for a move');
SELECT is((SELECT order_id FROM core.showtime_seat ss JOIN core.seat USING (seat_id)
            WHERE ss.showtime_id = :small AND label = 'D4'), :held::bigint, 'the booking keeps its seat');
INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
SELECT movie_id, auditorium_id, starts_at + interval '40 days', ends_at + interval '40 days', price_plan_id
  FROM core.showtime WHERE showtime_id = :small RETURNING showtime_id AS later \gset
SELECT is((SELECT status FROM api.seat_map(:later) WHERE seat = 'D4'), 'sold', 'a show added later has it blocked');
SELECT is((SELECT block_status || '|' || blocked FROM api.seat_unblock(:'m', :d4)), 'unblocked|1', 'unblocked');
SELECT is((SELECT status FROM api.seat_map(:later) WHERE seat = 'D4'), 'available', 'it is for sale again');
SELECT is((SELECT block_status FROM api.seat_unblock(:'m', :d4)), 'not_found', 'a block ends once');
SELECT is((SELECT string_agg(action, ',' ORDER BY audit_id) FROM api.audit_log(:'m', NULL, 'seat_') WHERE audit_id > :audit0),
          'seat_block,seat_block,seat_unblock', 'blocks are in the audit trail');

-- Reports: sums equal the payments and refunds tables.
INSERT INTO core.orders (order_id, booking_code, showtime_id, status, terminal, staff_id, currency, total_cents, held_until, paid_at)
VALUES (core.next_order_id(), core.new_booking_code(), :st, 'success', 'till1', :cashier, 'EUR', 2400, now(), now()),
       (core.next_order_id(), core.new_booking_code(), :small, 'success', 'kiosk1', NULL, 'EUR', 1200, now(), now()),
       (core.next_order_id(), core.new_booking_code(), :small, 'refunded', 'till1', :mgr, 'EUR', 1000, now(), now());
INSERT INTO core.payment (order_id, method, amount_cents, currency)
SELECT order_id, CASE WHEN terminal = 'kiosk1' THEN 'card' ELSE 'cash' END, total_cents, 'EUR'
  FROM core.orders WHERE showtime_id IN (:st, :small) AND status IN ('success', 'refunded');
INSERT INTO core.payment (order_id, method, amount_cents, currency)
SELECT order_id, 'card', 100, 'EUR' FROM core.orders WHERE showtime_id = :st AND status = 'success';
INSERT INTO core.refund (order_id, payment_id, amount_cents)
SELECT p.order_id, p.payment_id, p.amount_cents FROM core.payment p JOIN core.orders o USING (order_id)
 WHERE o.status = 'refunded' AND o.showtime_id = :small;
INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
SELECT o.order_id, o.showtime_id, s.seat_id, 'adult', 1200, 'sold'
  FROM core.orders o JOIN core.showtime_seat ss USING (showtime_id) JOIN core.seat s ON s.seat_id = ss.seat_id
 WHERE o.showtime_id IN (:st, :small) AND o.status = 'success' AND s.label IN ('E5', 'E6')
   AND (o.terminal = 'till1' OR s.label = 'E5');
SELECT (SELECT sum(amount_cents) FROM core.payment) AS paid, (SELECT sum(amount_cents) FROM core.refund) AS back \gset

SELECT is((SELECT count(*)::int FROM api.report_takings(:'c', 'film', current_date - 1, current_date + 1)), 0,
          'a cashier reads no takings');
SELECT is((SELECT count(*)::int FROM api.report_occupancy(:'c', current_date - 1, current_date + 1000)), 0,
          'nor occupancy');
SELECT is((SELECT count(*)::int FROM api.report_hourly(:'c', current_date)), 0, 'nor the hours');
SELECT is((SELECT string_agg(by_what || '=' || (SELECT sum(gross_cents) || '/' || sum(refunded_cents) || '/' || sum(net_cents)
                                              FROM api.report_takings(:'s', by_what, current_date - 3000, current_date + 3000, basis)),
                             ',' ORDER BY by_what, basis)
             FROM unnest(ARRAY['film', 'cashier', 'terminal', 'tender', 'day']) by_what,
                  unnest(ARRAY['sale', 'show']) basis),
          (SELECT string_agg(b || '=' || :paid || '/' || :back || '/' || (:paid - :back), ',' ORDER BY b, x)
             FROM unnest(ARRAY['film', 'cashier', 'terminal', 'tender', 'day']) b, unnest(ARRAY['sale', 'show']) x),
          'every grouping, by sale and by show day, sums to the payments and refunds tables');
SELECT is((SELECT gross_cents || '/' || refunded_cents FROM api.report_takings(:'m', 'tender', current_date - 3000, current_date + 3000)
            WHERE key = 'card'),
          (SELECT sum(p.amount_cents) FILTER (WHERE p.method = 'card') || '/'
                  || coalesce((SELECT sum(r.amount_cents) FROM core.refund r JOIN core.payment q USING (payment_id) WHERE q.method = 'card'), 0)
             FROM core.payment p), 'card by tender is the card payments');
SELECT is((SELECT net_cents FROM api.report_takings(:'m', 'cashier', current_date - 3000, current_date + 3000) WHERE key = 'self'),
          1200::bigint, 'a kiosk sale is nobody''s till: self');
SELECT is((SELECT sum(net_cents)::bigint FROM api.report_hourly(:'s', current_date)),
          (SELECT sum(net_cents)::bigint FROM api.report_takings(:'s', 'day', current_date, current_date)),
          'the day by hour adds up to the day');
SELECT is((SELECT string_agg(admissions || '/' || seats || '/' || occupancy_pct || '/' || revenue_cents, ',' ORDER BY showtime_id)
             FROM api.report_occupancy(:'s', current_date - 1, current_date + 1000) WHERE showtime_id IN (:st, :small)),
          '2/477/0.4/2500,1/96/1.0/1200', 'occupancy per show: admissions, seats for sale, %, revenue');

-- The distributor's week and the card settlement list.
SELECT is(core.film_week('2026-12-03') || ' ' || core.film_week('2026-12-04') || ' ' || core.film_week('2026-12-10'),
          '2026-11-27 2026-12-04 2026-12-04', 'a film week starts on a Friday');
SELECT is((SELECT count(*)::int FROM api.report_distributor(:'c', current_date - 3000, current_date + 3000))
          + (SELECT count(*)::int FROM api.report_cards(:'c', current_date - 3000, current_date + 3000)), 0,
          'a cashier reads neither the distributor report nor the card list');
SELECT is((SELECT sum(shows) || '/' || sum(admissions) || '/' || sum(gross_cents) || '/' || sum(refunded_cents) || '/'
                  || sum(box_office_cents)
             FROM api.report_distributor(:'s', current_date - 3000, current_date + 3000)),
          (SELECT count(*) || '/'
                  || (SELECT count(*) FROM core.ticket t JOIN core.showtime x USING (showtime_id)
                       WHERE t.state = 'sold' AND NOT x.cancelled) || '/'
                  || (SELECT coalesce(sum(p.amount_cents), 0) FROM core.payment p JOIN core.orders o USING (order_id)
                        JOIN core.showtime x USING (showtime_id) WHERE NOT x.cancelled) || '/'
                  || (SELECT coalesce(sum(r.amount_cents), 0) FROM core.refund r JOIN core.orders o USING (order_id)
                        JOIN core.showtime x USING (showtime_id) WHERE NOT x.cancelled) || '/'
                  || (SELECT coalesce(sum(p.amount_cents), 0) FROM core.payment p JOIN core.orders o USING (order_id)
                        JOIN core.showtime x USING (showtime_id) WHERE NOT x.cancelled)
                     - (SELECT coalesce(sum(r.amount_cents), 0) FROM core.refund r JOIN core.orders o USING (order_id)
                        JOIN core.showtime x USING (showtime_id) WHERE NOT x.cancelled)
             FROM core.showtime WHERE NOT cancelled),
          'the distributor report sums to the shows, the tickets sold, the payments and the refunds');
SELECT is((SELECT string_agg(DISTINCT extract(isodow FROM week_start)::text, ',')
             FROM api.report_distributor(:'m', current_date - 3000, current_date + 3000)), '5',
          'its weeks are film weeks');
SELECT is((SELECT box_office_cents || '/' || admissions
             FROM api.report_distributor(:'m', current_date - 3000, current_date + 3000) d
            WHERE d.week_start = core.film_week((SELECT (x.starts_at AT TIME ZONE l.timezone)::date FROM core.showtime x JOIN core.auditorium a USING (auditorium_id) JOIN core.location l USING (location_id) WHERE x.showtime_id = :small))
              AND d.title = (SELECT m.title FROM core.showtime x JOIN core.movie m USING (movie_id) WHERE x.showtime_id = :small)
              AND d.location = (SELECT l.name FROM core.showtime x JOIN core.auditorium a USING (auditorium_id)
                                  JOIN core.location l USING (location_id) WHERE x.showtime_id = :small)),
          (SELECT sum(revenue_cents) || '/' || sum(admissions)
             FROM api.report_occupancy(:'m', current_date - 3000, current_date + 3000) o
             JOIN core.showtime x USING (showtime_id)
            WHERE x.movie_id = (SELECT movie_id FROM core.showtime WHERE showtime_id = :small)
              AND x.auditorium_id IN (SELECT a2.auditorium_id FROM core.auditorium a2 WHERE a2.location_id =
                                        (SELECT a.location_id FROM core.showtime y JOIN core.auditorium a USING (auditorium_id)
                                          WHERE y.showtime_id = :small))
              AND core.film_week((o.starts_at AT TIME ZONE (SELECT l2.timezone FROM core.location l2 WHERE l2.name = o.location))::date)
                  = core.film_week((SELECT (x.starts_at AT TIME ZONE l.timezone)::date FROM core.showtime x JOIN core.auditorium a USING (auditorium_id) JOIN core.location l USING (location_id) WHERE x.showtime_id = :small))),
          'a film''s week is the sum of its shows that week');
UPDATE core.payment SET terminal_ref = 'T-' || payment_id, auth_code = 'A' || payment_id, card_brand = 'VISA',
                        card_last4 = '4242'
 WHERE method = 'card' AND terminal_ref IS NULL;
INSERT INTO core.refund (order_id, payment_id, amount_cents, created_at)
SELECT p.order_id, p.payment_id, 40, now() FROM core.payment p JOIN core.orders o USING (order_id)
 WHERE o.showtime_id = :st AND p.method = 'card' AND p.amount_cents = 100
RETURNING refund_id AS card_refund \gset
INSERT INTO core.refund_card (refund_id, card_key, state, terminal_ref) VALUES (:card_refund, 'k-' || :card_refund, 'done', 'R-9');
SELECT is((SELECT sum(amount_cents) || '/' || count(*) FILTER (WHERE kind = 'sale')
             FROM api.report_cards(:'s', current_date - 3000, current_date + 3000)),
          (SELECT (SELECT sum(amount_cents) FROM core.payment WHERE method = 'card')
                  - (SELECT sum(r.amount_cents) FROM core.refund r JOIN core.payment p USING (payment_id) WHERE p.method = 'card')
                  || '/' || (SELECT count(*) FROM core.payment WHERE method = 'card')),
          'the card list sums to the card payments less their refunds, a row a payment');
SELECT is((SELECT string_agg(terminal_ref, ',' ORDER BY terminal_ref)
             FROM api.report_cards(:'s', current_date - 3000, current_date + 3000) WHERE kind = 'sale'),
          (SELECT string_agg(coalesce(terminal_ref, ''), ',' ORDER BY coalesce(terminal_ref, '')) FROM core.payment WHERE method = 'card'),
          'each with its terminal reference');
SELECT is((SELECT terminal || '|' || kind || '|' || amount_cents || '|' || terminal_ref || '|' || state || '|' || card_last4
             FROM api.report_cards(:'m', current_date, current_date) WHERE kind = 'refund' AND terminal_ref = 'R-9'),
          'till1|refund|-40|R-9|done|4242', 'a card refund: negative, with the refund''s own reference and state');

-- Halls from a layout: managers make them; one in use keeps its layout.
SELECT l.name AS cin, a.name AS grand FROM core.showtime st JOIN core.auditorium a USING (auditorium_id)
  JOIN core.location l USING (location_id) WHERE st.showtime_id = :st \gset
SELECT is((SELECT admin_status FROM api.hall_import(:'c', :'cin', 'Tiny' || :day, 2, 3, '{A1,A2,B1}', '{1,1,2}', '{1,3,2}',
                                                    '{standard,premium,wheelchair}')) || ' '
          || (SELECT admin_status FROM api.hall_import(:'s', :'cin', 'Tiny' || :day, 2, 3, '{A1,A2,B1}', '{1,1,2}', '{1,3,2}',
                                                       '{standard,premium,wheelchair}')),
          'not_manager not_manager', 'a cashier or a supervisor makes no hall');
SELECT is((SELECT admin_status FROM api.hall_import(:'m', :'cin', 'Tiny' || :day, 2, 3, '{A1,A1}', '{1,1}', '{1,3}',
                                                    '{standard,standard}')), 'invalid', 'two seats share a label');
SELECT is((SELECT admin_status FROM api.hall_import(:'m', :'cin', 'Tiny' || :day, 2, 3, '{A1,A2,B1}', '{1,1,3}', '{1,3,2}',
                                                    '{standard,premium,wheelchair}')), 'invalid', 'a seat off the grid');
SELECT is((SELECT admin_status FROM api.hall_import(:'m', :'cin', 'Tiny' || :day, 2, 3, '{A1,A2,B1}', '{1,1,2}', '{1,3,2}',
                                                    '{standard,premium,wheelchair}')), 'ok', 'a manager makes a hall');
SELECT is((SELECT string_agg(seat || ':' || kind || ':' || row_no || ',' || col_no || '/' || rows || 'x' || cols, ' ')
             FROM api.hall_layout(:'s', :'cin', 'Tiny' || :day)),
          'A1:standard:1,1/2x3 A2:premium:1,3/2x3 B1:wheelchair:2,2/2x3', 'its layout reads back');
SELECT is((SELECT admin_status FROM api.hall_import(:'m', :'cin', 'Tiny' || :day, 2, 3, '{B1,A1,A2}', '{2,1,1}', '{2,1,3}',
                                                    '{wheelchair,standard,premium}')), 'unchanged', 'the same layout again changes nothing');
SELECT is((SELECT admin_status FROM api.hall_import(:'m', :'cin', :'grand', 1, 1, '{A1}', '{1}', '{1}', '{standard}')),
          'in_use', 'a hall with showtimes keeps its layout');
SELECT is((SELECT count(*)::int FROM api.hall_list(:'c')), 0, 'a cashier lists no halls');

-- A kiosk cannot run any of it (each attempt's SQLSTATE, checked after RESET ROLE).
SET LOCAL ROLE kiosk1;
SELECT pg_temp.attempt('SELECT * FROM api.staff_list(''x'')') AS staff,
       pg_temp.attempt('SELECT * FROM api.seat_block(''x'', ''A1'', 1, NULL, NULL, NULL, ''x'')') AS block,
       pg_temp.attempt('SELECT * FROM api.report_takings(''x'', ''film'', current_date, current_date)') AS report,
       pg_temp.attempt('SELECT * FROM api.audit_log(''x'')') AS audit \gset kiosk_
RESET ROLE;
SELECT is(:'kiosk_staff' || '|' || :'kiosk_block' || '|' || :'kiosk_report' || '|' || :'kiosk_audit',
          '42501|42501|42501|42501', 'a kiosk may not run the back office');

SELECT * FROM finish();
ROLLBACK;
