-- 98-audit.sql - the audit trail is complete: every refund (and the
-- manager's approval of one outside the policy), price change, void,
-- cancellation of a paid order, unlock, password reset and show
-- cancellation writes its row, in the same transaction as the change (the
-- rows of an action made in a subtransaction carry that subtransaction's
-- id, and roll back with it); a refused action and a customer's own
-- cancellation write none.
BEGIN;
\set day 498
\ir fixture.psql
SELECT plan(18);

SELECT user_id AS mgr FROM core.app_user WHERE username = 'manager' \gset
SELECT current_setting('tap.cashier')::bigint AS cashier \gset
SELECT pg_temp.staff() AS cs \gset
SELECT coalesce(max(audit_id), 0) AS a0 FROM core.audit_log \gset

-- Seats held by session holder and paid in full through session payer
-- (cash at the counter, else a card).
CREATE FUNCTION pg_temp.sold(s bigint, seats text[], holder text, payer text, cash boolean) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    o bigint;
    total bigint;
BEGIN
    SELECT order_id, total_cents INTO o, total FROM api.select_seat(holder, s, seats);
    PERFORM api.payment(payer, o, CASE WHEN cash THEN jsonb_build_object('method', 'cash', 'amount_cents', total)
                                  ELSE jsonb_build_object('method', 'card', 'amount_cents', total, 'last4', '4242',
                                                          'auth_code', 'A' || o, 'terminal_ref', 'T' || o) END);
    RETURN o;
END $$;
-- The audit rows written since audit id a0 for action: "who action" a row.
CREATE FUNCTION pg_temp.rows(a0 bigint, act text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(u.username || ' ' || a.action, ',' ORDER BY a.audit_id), '')
      FROM core.audit_log a JOIN core.app_user u ON u.user_id = a.staff_id
     WHERE a.audit_id > a0 AND a.action = act
$$;
-- True when every audit row since a0 for action came from the same
-- (sub)transaction as the rows of table tbl written since then.
CREATE FUNCTION pg_temp.same_xact(a0 bigint, act text, tbl regclass, since bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    xa text[];
    xt text[];
BEGIN
    SELECT array_agg(DISTINCT xmin::text) INTO xa FROM core.audit_log WHERE audit_id > a0 AND action = act;
    EXECUTE format('SELECT array_agg(DISTINCT xmin::text) FROM %s WHERE ctid IS NOT NULL AND %s > $1', tbl,
                   CASE tbl WHEN 'core.refund_action'::regclass THEN 'action_id' ELSE 'refund_id' END)
       INTO xt USING since;
    RETURN cardinality(xa) = 1 AND xa = xt;
END $$;

-- A refund at the counter inside the policy.
SELECT pg_temp.sold(:st, '{E5,E6}', :'cs', :'cs', true) AS o1 \gset
SELECT coalesce(max(action_id), 0) AS ra0 FROM core.refund_action \gset
SELECT coalesce(max(audit_id), 0) AS a1 FROM core.audit_log \gset
SAVEPOINT refund1;
SELECT refund_status FROM api.refund(:'cs', :o1, '{E5}') \gset
RELEASE SAVEPOINT refund1;
SELECT is(:'refund_status'::text, 'refunded', 'a cashier refunds a seat');
SELECT is(pg_temp.rows(:a1, 'refund'), 'cashier refund', 'the refund is in the audit trail as the cashier''s');
SELECT ok(pg_temp.same_xact(:a1, 'refund', 'core.refund_action', :ra0), 'written by the refund''s own transaction');
SELECT ok((SELECT xmin::text FROM core.audit_log WHERE audit_id > :a1 AND action = 'refund')
          <> (SELECT xmin::text FROM core.orders WHERE order_id = :o1), '(not the sale''s)');
SELECT is((SELECT detail->>'seats' || ' ' || (detail->>'order_id') FROM core.audit_log WHERE audit_id > :a1 AND action = 'refund'),
          'E5 ' || :o1, 'with the order and the seats');

-- A refund rolled back leaves no audit row either.
SELECT coalesce(max(audit_id), 0) AS a2 FROM core.audit_log \gset
SAVEPOINT refund2;
SELECT refund_status FROM api.refund(:'cs', :o1, '{E6}') \gset
ROLLBACK TO SAVEPOINT refund2;
SELECT is(pg_temp.rows(:a2, 'refund'), '', 'a refund rolled back takes its audit row with it');

-- After the cut-off: the manager's approval is an override.
SELECT pg_temp.sold(:st, '{F5}', :'sa', :'sa', false) AS o2 \gset
UPDATE core.setting SET value = (:day * 24 * 60 + 24 * 60)::text WHERE name = 'cancel_cutoff_minutes';
SELECT coalesce(max(audit_id), 0) AS a3 FROM core.audit_log \gset
SELECT is((SELECT refund_status FROM api.refund(:'cs', :o2, '{F5}', 'film broke', :'sm')), 'refunded',
          'a manager approves a refund after the cut-off');
SELECT is(pg_temp.rows(:a3, 'refund') || ';' || pg_temp.rows(:a3, 'refund_override'),
          'cashier refund;manager refund_override', 'the cashier''s refund and the manager''s override are audited');
SELECT is((SELECT detail->>'for' || ' ' || (detail->>'reason') FROM core.audit_log WHERE audit_id > :a3 AND action = 'refund_override'),
          'cashier film broke', 'the override says for whom and why');
UPDATE core.setting SET value = '60' WHERE name = 'cancel_cutoff_minutes';

-- A customer's own refund at a kiosk is no staff action.
SELECT pg_temp.sold(:st, '{G5}', :'sa', :'sa', false) AS o3 \gset
SELECT coalesce(max(audit_id), 0) AS a4 FROM core.audit_log \gset
SELECT is((SELECT refund_status FROM api.refund(:'sa', :o3)), 'refunded', 'a customer refunds their own booking');
SELECT is((SELECT count(*)::int FROM core.audit_log WHERE audit_id > :a4), 0, 'which writes no audit row');

-- A void (an open order cancelled by staff) and a paid order cancelled.
SELECT order_id AS o4 FROM api.select_seat(:'cs', :st, '{H5}') \gset
SELECT pg_temp.sold(:st, '{H6}', :'cs', :'cs', true) AS o5 \gset
SELECT coalesce(max(audit_id), 0) AS a5 FROM core.audit_log \gset
SELECT is((SELECT cancellation_status FROM api.cancel(:'cs', :o4)) || ' ' || (SELECT cancellation_status FROM api.cancel(:'cs', :o5)),
          'cancelled cancelled', 'a cashier voids a held order and cancels a paid one');
SELECT is(pg_temp.rows(:a5, 'order_void') || ';' || pg_temp.rows(:a5, 'order_cancel'),
          'cashier order_void;cashier order_cancel', 'both are audited');
SELECT is((SELECT (detail->>'refunded_cents')::bigint FROM core.audit_log WHERE audit_id > :a5 AND action = 'order_cancel'),
          (SELECT sum(amount_cents)::bigint FROM core.refund WHERE order_id = :o5), 'the cancellation says how much went back');
SELECT pg_temp.sold(:st, '{H7}', :'sa', :'sa', false) AS o6 \gset
SELECT coalesce(max(audit_id), 0) AS a6 FROM core.audit_log \gset
SELECT is((SELECT cancellation_status FROM api.cancel(:'sa', :o6)), 'cancelled', 'a customer cancels their own');
SELECT is((SELECT count(*)::int FROM core.audit_log WHERE audit_id > :a6), 0, 'unaudited: it is no staff action');

-- Price changes, unlocks, password resets, show cancellations; a refusal
-- writes nothing.
SELECT coalesce(max(audit_id), 0) AS a7 FROM core.audit_log \gset
SELECT admin_status AS refused FROM api.admin_price_set(:'cs', 'Standard', 'adult', 999) \gset
SELECT is(:'refused' || ' ' || pg_temp.rows(:a7, 'price_set'), 'not_manager ', 'a refused price change writes nothing');
SELECT api.admin_price_set(:'sm', 'Standard', 'adult', (SELECT amount_cents FROM core.price p JOIN core.price_plan pp USING (price_plan_id)
                                                        WHERE pp.name = 'Standard' AND p.type_code = 'adult') + 1) \g /dev/null
SELECT api.admin_unlock(:'sm', 'cashier') \g /dev/null
SELECT api.admin_password_reset(:'sm', 'cashier', repeat('6b', 16), 2, 67108864, repeat('f7', 32)) \g /dev/null
SELECT api.admin_showtime_cancel(:'sm', :small) \g /dev/null
SELECT is((SELECT string_agg(action, ',' ORDER BY audit_id) FROM core.audit_log WHERE audit_id > :a7 AND staff_id = :mgr),
          'price_set,unlock,password_reset,showtime_cancel', 'price change, unlock, reset and show cancellation are audited');

SELECT * FROM finish();
ROLLBACK;
