-- 97-cash-up.sql - the drawer of a till: opened with a float by staff only,
-- once; the book (float + cash sales at that till while open - their cash
-- refunds - drops - paid-outs; card sales apart; another till's sales not
-- counted); the close with a count by denomination and its over/short; the
-- Z report kept; the audit trail; a kiosk refused.
BEGIN;
\set day 432
\ir fixture.psql
SELECT plan(29);

SELECT user_id AS cashier FROM core.app_user WHERE username = 'cashier' \gset
INSERT INTO core.session (token_digest, user_id, role, terminal, db_login, expires_at)
VALUES (core.digest(repeat('e5', 32), 'sha256'), :cashier, 'cashier', 'till9', session_user, now() + interval '1 hour'),
       (core.digest(repeat('e6', 32), 'sha256'), :cust, 'customer', 'till9', session_user, now() + interval '1 hour');
SELECT repeat('e5', 32) AS c, repeat('e6', 32) AS k \gset

SELECT is((SELECT drawer_status FROM api.drawer_open(:'k', 10000)), 'not_staff', 'a customer opens no drawer');
SELECT is((SELECT drawer_status FROM api.drawer_open(:'c', -1)), 'invalid', 'a float is not negative');
SELECT is((SELECT drawer_status FROM api.drawer_move(:'c', 'drop', 100)), 'no_drawer', 'no drop before the drawer is open');
SELECT is((SELECT drawer_status || '|' || expected_cents FROM api.drawer_open(:'c', 10000)), 'opened|10000',
          'a cashier opens the till''s drawer with a float');
SELECT is((SELECT drawer_status FROM api.drawer_open(:'c', 10000)), 'open_already', 'once');

-- Sales at this till and another, a cash refund, a drop and a paid-out.
INSERT INTO core.orders (order_id, booking_code, showtime_id, status, terminal, staff_id, currency, total_cents, held_until, paid_at)
VALUES (core.next_order_id(), core.new_booking_code(), :st, 'success', 'till9', :cashier, 'EUR', 2400, now(), now()),
       (core.next_order_id(), core.new_booking_code(), :st, 'success', 'till9', :cashier, 'EUR', 1000, now(), now()),
       (core.next_order_id(), core.new_booking_code(), :st, 'success', 'till8', :cashier, 'EUR', 500, now(), now());
INSERT INTO core.payment (order_id, method, amount_cents, currency, created_at)
SELECT order_id, CASE WHEN total_cents = 1000 THEN 'card' ELSE 'cash' END, total_cents, 'EUR', clock_timestamp()
  FROM core.orders WHERE showtime_id = :st AND terminal IN ('till8', 'till9');
INSERT INTO core.refund (order_id, payment_id, amount_cents, created_at)
SELECT p.order_id, p.payment_id, 600, clock_timestamp() FROM core.payment p JOIN core.orders o USING (order_id)
 WHERE o.showtime_id = :st AND o.terminal = 'till9' AND p.method = 'cash';
SELECT is((SELECT drawer_status || '|' || expected_cents FROM api.drawer_move(:'c', 'drop', 5000)), 'moved|6800',
          'a drop leaves float + cash sales - cash refunds - the drop');
SELECT is((SELECT drawer_status FROM api.drawer_move(:'c', 'paid_out', 300)), 'invalid', 'a paid-out says what for');
SELECT is((SELECT drawer_status FROM api.drawer_move(:'c', 'drop', 0)), 'invalid', 'a drop is of something');
SELECT is((SELECT drawer_status || '|' || expected_cents FROM api.drawer_move(:'c', 'paid_out', 300, 'milk')), 'moved|6500',
          'a paid-out is taken off');
SELECT is((SELECT float_cents || '|' || cash_sales_cents || '|' || cash_refunds_cents || '|' || drops_cents || '|'
                  || paid_outs_cents || '|' || expected_cents || '|' || card_sales_cents || '|' || (closed_at IS NULL)
             FROM api.drawer_report(:'c')), '10000|2400|600|5000|300|6500|1000|true',
          'the X report: float, cash sales, refunds, drops, paid-outs, expected; card apart; another till not counted');
SELECT is((SELECT count(*)::int FROM api.drawer_report(:'k')), 0, 'a customer reads no drawer');

-- Close with a count.
SELECT is((SELECT drawer_status FROM api.drawer_close(:'c', '{"2000": "x"}')), 'invalid', 'a count is whole numbers');
SELECT is((SELECT drawer_status FROM api.drawer_close(:'c', '[1, 2]')), 'invalid', 'of denominations');
SELECT is((SELECT drawer_status || '|' || counted_cents || '|' || expected_cents || '|' || over_short_cents
             FROM api.drawer_close(:'c', '{"2000": 3, "500": 1, "25": 2, "10": 0}')), 'closed|6550|6500|50',
          'the close counts 3 x 20.00 + 5.00 + 2 x 0.25 = 65.50: 0.50 over');
SELECT is((SELECT drawer_status FROM api.drawer_close(:'c', '{}')), 'no_drawer', 'a drawer closes once');
SELECT is((SELECT counted_cents || '|' || over_short_cents || '|' || counts || '|' || (closed_at IS NOT NULL)
             FROM api.drawer_report(:'c')), '6550|50|2000x3 500x1 25x2 10x0|true', 'the Z report is kept');
INSERT INTO core.payment (order_id, method, amount_cents, currency, created_at)
SELECT order_id, 'cash', 999, 'EUR', clock_timestamp() + interval '1 minute' FROM core.orders
 WHERE showtime_id = :st AND terminal = 'till9' AND total_cents = 2400;
SELECT is((SELECT expected_cents FROM api.drawer_report(:'c')), 6500::bigint, 'a sale after the close is not in it');
SELECT is((SELECT drawer_status || '|' || expected_cents FROM api.drawer_open(:'c', 0)), 'opened|0',
          'the next drawer opens');
SELECT is((SELECT drawer_status || '|' || over_short_cents FROM api.drawer_close(:'c', '{"100": 1}')), 'closed|-899',
          'and closes short of the later sale');
SELECT is((SELECT string_agg(action, ',' ORDER BY audit_id) FROM core.audit_log a
            WHERE a.staff_id = :cashier AND a.action LIKE 'drawer%' AND a.detail->>'terminal' = 'till9'),
          'drawer_open,drawer_drop,drawer_paid_out,drawer_close,drawer_open,drawer_close', 'each step is audited');

-- The day close: a manager's, refused while a drawer is open, typed back.
SELECT user_id AS mgr FROM core.app_user WHERE username = 'manager' \gset
INSERT INTO core.session (token_digest, user_id, role, terminal, db_login, expires_at)
VALUES (core.digest(repeat('e7', 32), 'sha256'), :mgr, 'manager', 'office', session_user, now() + interval '1 hour');
SELECT repeat('e7', 32) AS m, to_char(current_date, 'YYYY-MM-DD') AS today \gset
DELETE FROM core.day_close WHERE day = current_date;	-- (a close by an end-to-end test; rolled back)
SELECT is((SELECT close_status FROM api.day_close(:'c', current_date, :'today')), 'not_manager',
          'a cashier does not close the day');
SELECT is((SELECT drawer_status FROM api.drawer_open(:'c', 500)), 'opened', '(a drawer is opened again)');
SELECT is((SELECT close_status || '|' || message FROM api.day_close(:'m', current_date, :'today')),
          'drawer_open|a drawer is open at till9: count and close it first', 'the day is not closed while a drawer is open');
SELECT is((SELECT drawer_status FROM api.drawer_close(:'c', '{"500": 1}')), 'closed', '(it is closed)');
SELECT is((SELECT close_status || '|' || cash_cents || '|' || card_cents || '|' || refunds_cents || '|' || net_cents
             FROM api.day_close(:'m', current_date)),
          (SELECT 'confirm|' || sum(cents) FILTER (WHERE cents > 0 AND tender = 'cash') || '|'
                  || sum(cents) FILTER (WHERE cents > 0 AND tender = 'card') || '|'
                  || -sum(cents) FILTER (WHERE cents < 0) || '|' || sum(cents)
             FROM core.money_lines() WHERE sale_day = current_date),
          'it says what it will keep (the day''s takings by tender) and asks for the day typed back');
SELECT is((SELECT close_status FROM api.day_close(:'m', current_date, :'today')), 'closed', 'typed back, it closes');
SELECT is((SELECT close_status FROM api.day_close(:'m', current_date, :'today')), 'closed_already', 'once');

SET LOCAL ROLE kiosk1;
SELECT pg_temp.attempt('SELECT * FROM api.drawer_open(''x'', 1)') AS open,
       pg_temp.attempt('SELECT * FROM api.drawer_report(''x'')') AS report \gset kiosk_
RESET ROLE;
SELECT is(:'kiosk_open' || '|' || :'kiosk_report', '42501|42501', 'a kiosk has no drawer');
SELECT ok((SELECT count(*) FROM core.drawer WHERE terminal = 'till9' AND closed_at IS NULL) = 0, 'no drawer is left open');

SELECT * FROM finish();
ROLLBACK;
