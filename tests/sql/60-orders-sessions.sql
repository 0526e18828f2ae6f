-- 60-orders-sessions.sql - every function that acts on or shows an order
-- takes the session first and believes nothing else: a forged, expired,
-- signed-out, idle or other-device session gets no_session (reads: no
-- rows); another live session's order answers as an unknown one and stays
-- as it was; and the hold limits answer with their reasons.
BEGIN;
\set day 430
\ir fixture.psql
SELECT plan(30);

-- Ada's paid order (card) and a guest's held one.
SELECT order_id AS a, booking_code AS acode, total_cents AS atotal FROM api.select_seat(:'sa', :st, '{N1,N2}') \gset
SELECT is((SELECT payment_status FROM api.payment(:'sa', :a, jsonb_build_object('method', 'card', 'amount_cents', :atotal,
              'last4', '4242', 'auth_code', 'A', 'terminal_ref', '60s-a'))), 'success', 'Ada pays her order by card');
SELECT order_id AS g, booking_code AS gcode FROM api.select_seat(:'ga', :st, '{N5}') \gset

-- Sessions that are not live for this database login.
SELECT token AS expired FROM core.session_open(:cust, 'customer', 'tap') \gset
UPDATE core.session SET expires_at = statement_timestamp() - interval '1 second'
 WHERE token_digest = core.digest(:'expired', 'sha256');
SELECT token AS idle FROM core.session_open(:cust, 'customer', 'tap') \gset
UPDATE core.session SET last_seen = statement_timestamp() - interval '31 minutes'
 WHERE token_digest = core.digest(:'idle', 'sha256');
SELECT token AS gone FROM core.session_open(:cust, 'customer', 'tap') \gset
SELECT api.sign_out(:'gone') \g /dev/null
SELECT token AS gone_mgr FROM core.session_open((SELECT user_id FROM core.app_user WHERE username = 'manager'),
                                                'manager', 'tap') \gset
SELECT api.sign_out(:'gone_mgr') \g /dev/null
SET LOCAL SESSION AUTHORIZATION kiosk1;
SELECT session AS other FROM api.sign_in_guest('k9') \gset
RESET SESSION AUTHORIZATION;

-- What each function answers a session for an order (o) and its booking
-- code: one word per function, reads as row counts.
CREATE FUNCTION pg_temp.answers(s text, o bigint, code text) RETURNS text LANGUAGE sql AS $$
    SELECT concat_ws(' ',
        (SELECT types_status FROM api.set_ticket_types(s, o, '{}')),
        (SELECT start_status FROM api.payment_start(s, o)),
        (SELECT payment_status FROM api.payment(s, o, jsonb_build_object('method', 'card', 'amount_cents', 1250,
             'last4', '4242', 'auth_code', 'A', 'terminal_ref', 'x' || s))),
        (SELECT cancellation_status FROM api.cancel(s, o)),
        (SELECT count(*) FROM api.order_status(s, o)),
        (SELECT count(*) FROM api.order_lines(s, o)),
        (SELECT count(*) FROM api.order_tickets(s, code)),
        (SELECT count(*) FROM api.order_payments(s, code)),
        (SELECT print_status FROM api.print_claim(s, code)),
        api.print_release(s, code, 'x'),
        (SELECT reprint_status FROM api.reprint(s, code)),
        api.email_receipt(s, o, 'ada' || current_setting('tap.day') || '@example.com'))
$$;
SELECT set_config('tap.day', :'day', true) \g /dev/null
CREATE FUNCTION pg_temp.dead(s text) RETURNS text LANGUAGE sql AS $$
    SELECT concat_ws(' ',
        (SELECT selection_status FROM api.select_seat(s, current_setting('tap.st')::bigint, '{P1}')),
        pg_temp.answers(s, current_setting('tap.a')::bigint, current_setting('tap.acode')),
        (SELECT count(*) FROM api.my_bookings(s)),
        (SELECT admin_status FROM api.admin_price_set(s, 'Standard', 'adult', 1)),
        (SELECT count(*) FROM api.admin_prices(s)),
        (SELECT count(*) FROM api.sales_report(s, current_date - 400, current_date + 400)))
$$;
SELECT set_config('tap.st', :'st', true), set_config('tap.a', :'a', true), set_config('tap.acode', :'acode', true)
\g /dev/null

\set refused '''no_session no_session no_session no_session no_session 0 0 0 0 no_session f no_session no_session 0 no_session 0 0'''
SELECT is(pg_temp.dead(repeat('0', 64)), :refused, 'a forged session is refused by every order and admin function');
SELECT is(pg_temp.dead(upper(:'sa')), :refused, 'so is a live token changed in any way');
SELECT is(pg_temp.dead(:'expired'), :refused, 'so is a session past its absolute expiry');
SELECT is(pg_temp.dead(:'idle'), :refused, 'so is a session idle too long');
SELECT is(pg_temp.dead(:'gone'), :refused, 'so is a signed-out session');
SELECT is(pg_temp.dead(:'gone_mgr'), :refused, 'so is a signed-out manager''s session');
SELECT is(pg_temp.dead(:'other'), :refused, 'so is a session another database login (device) opened');
SELECT is(pg_temp.dead(NULL), :refused, 'and no session at all');

-- Live sessions, other people's orders: the same answers as for an order
-- that does not exist, and nothing changes.
\set unknown '''unknown_order unknown_order unknown_order unknown_order 0 0 0 0 unknown_code f proof_needed unknown_order'''
SELECT is(pg_temp.answers(:'sb', :a, :'acode'), :unknown, 'another customer''s session: Ada''s order is unknown to it');
SELECT is(pg_temp.answers(:'ga', :a, :'acode'), :unknown, 'so is it to a guest session');
SELECT is(pg_temp.answers(:'sb', -1, core.crockford(12345678, 8)), :unknown,
          'answered exactly as an order that does not exist');
SELECT is(pg_temp.answers(:'sa', :g, :'gcode'), :unknown, 'a guest''s order is unknown to a customer');
SELECT token AS ga2 FROM core.session_open(NULL, 'guest', 'tap') \gset
SELECT is(pg_temp.answers(:'ga2', :g, :'gcode'), :unknown, 'and to another guest session');
SELECT is((SELECT status FROM core.orders WHERE order_id = :a) || ' ' || (SELECT status FROM core.orders WHERE order_id = :g)
          || ' ' || (SELECT count(*) FROM core.payment WHERE order_id IN (:a, :g))
          || ' ' || (SELECT count(*) FROM core.reprint_log WHERE order_id = :a)
          || ' ' || (SELECT count(*) FROM core.print_log WHERE order_id = :a),
          'success initiated 1 0 0', 'none of it changed either order or logged a print');
SELECT is((SELECT count(*)::int FROM api.order_tickets(:'ga', :'gcode')), 1, 'the guest''s own session sees its order');
SELECT is((SELECT count(*)::int FROM api.order_tickets(:'sc', :'acode')), 2, 'staff see any order');

-- Limits: holds a minute, per session and per device.
UPDATE core.setting SET value = '2' WHERE name = 'holds_per_minute';
SELECT token AS busy FROM core.session_open(NULL, 'guest', 'tap') \gset
SELECT api.select_seat(:'busy', :st, ARRAY[s]) FROM unnest('{Q1,Q2}'::text[]) s \g /dev/null
SELECT is((SELECT selection_status || ': ' || message FROM api.select_seat(:'busy', :st, '{Q3}')),
          'too_many_holds: too many holds in a minute: wait a minute and try again',
          'a session''s third hold in a minute is refused with its reason');
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{Q3}')), 'held',
          'another session may still hold');
SELECT core.rate_count('hold-device:' || session_user, interval '1 minute', 1000000) AS n \gset
UPDATE core.setting SET value = (:n + 1)::text WHERE name = 'holds_per_minute_device';
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{Q4}')), 'held',
          'the device''s last hold of the minute');
SELECT is((SELECT selection_status || ': ' || message FROM api.select_seat(pg_temp.staff(), :st, '{Q5}')),
          'terminal_busy: this terminal made too many holds in a minute: wait a minute',
          'then even a new session of this device is refused');
SELECT is((SELECT count(*)::int FROM core.orders WHERE showtime_id = :st AND hold_seats && ARRAY(
             SELECT seat_id FROM core.seat s JOIN core.showtime x USING (auditorium_id)
              WHERE x.showtime_id = :st AND s.label IN ('Q3', 'Q5'))), 1, 'a refused hold holds nothing');

-- select_seat decides the session in the statement that reads its
-- showtime: the idle limit is the setting of the moment, an account made
-- inactive in any way ends its sessions, the idle clock restarts, and a
-- showtime that is not there still asks who is holding first.
UPDATE core.setting SET value = '0' WHERE name IN ('holds_per_minute', 'holds_per_minute_device');
SELECT token AS idle6 FROM core.session_open(NULL, 'guest', 'tap') \gset
UPDATE core.session SET last_seen = statement_timestamp() - interval '6 minutes'
 WHERE token_digest = core.token_digest(:'idle6');
SELECT is((SELECT selection_status FROM api.select_seat(:'idle6', :st, '{R1}')), 'held',
          'a session idle 6 minutes may hold under the default 30');
SELECT ok((SELECT last_seen > statement_timestamp() - interval '10 seconds' FROM core.session
            WHERE token_digest = core.token_digest(:'idle6')),
          'and the hold restarted its idle clock (last seen more than a minute ago)');
UPDATE core.session SET last_seen = statement_timestamp() - interval '6 minutes'
 WHERE token_digest = core.token_digest(:'idle6');
UPDATE core.setting SET value = '5' WHERE name = 'session_idle_minutes';
SELECT is((SELECT selection_status FROM api.select_seat(:'idle6', :st, '{R2}')), 'no_session',
          'and not once session_idle_minutes is 5');
UPDATE core.setting SET value = '30' WHERE name = 'session_idle_minutes';
SELECT token AS carl FROM core.session_open(:cust2, 'customer', 'tap') \gset
UPDATE core.app_user SET active = false WHERE user_id = :cust2;
SELECT is((SELECT selection_status FROM api.select_seat(:'carl', :st, '{R3}'))
          || ' ' || (SELECT count(*) FROM core.session WHERE user_id = :cust2 AND ended_at IS NULL),
          'no_session 0', 'an account made inactive by hand ends its sessions: they hold nothing');
UPDATE core.app_user SET active = true WHERE user_id = :cust2;
SELECT is((SELECT selection_status FROM api.select_seat(:'carl', :st, '{R3}')), 'no_session',
          'and stay ended when it is active again');
SELECT is((SELECT selection_status FROM api.select_seat(:'ga', -1, '{R3}')) || ' '
          || (SELECT selection_status FROM api.select_seat(repeat('0', 64), -1, '{R3}')),
          'unknown_showtime no_session', 'an unknown showtime answers so to a live session, no_session to a forged one');

-- The sweeper forgets sessions ended more than a day ago, unless they made
-- orders, and rate events older than any window.
SELECT token AS old FROM core.session_open(NULL, 'guest', 'tap') \gset
UPDATE core.session SET ended_at = statement_timestamp() - interval '2 days'
 WHERE token_digest IN (core.digest(:'old', 'sha256'), core.digest(:'ga', 'sha256'));
INSERT INTO core.rate_event (bucket, at, ok)
VALUES ('tap-old', statement_timestamp() - interval '2 hours', false), ('tap-new', statement_timestamp(), false);
SELECT api.expire_holds() \g /dev/null
SELECT is((SELECT string_agg(CASE token_digest WHEN core.digest(:'old', 'sha256') THEN 'old' ELSE 'ga' END, ',')
             FROM core.session WHERE token_digest IN (core.digest(:'old', 'sha256'), core.digest(:'ga', 'sha256'))),
          'ga', 'the sweeper deletes a session ended two days ago, and keeps one that made an order');
SELECT is((SELECT string_agg(bucket, ',') FROM core.rate_event WHERE bucket IN ('tap-old', 'tap-new')), 'tap-new',
          'and rate events older than the longest window');

SELECT * FROM finish();
ROLLBACK;
