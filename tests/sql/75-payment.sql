-- 75-payment.sql - api.payment and api.payment_start: cash, card records
-- (never card numbers), split and partial payments, and every wrong amount
-- refused without a trace.
BEGIN;
\set day 406
\ir fixture.psql
SELECT plan(74);

CREATE FUNCTION pg_temp.pay(o bigint, info jsonb, usr text DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$ SELECT payment_status FROM api.payment(coalesce(usr, pg_temp.staff()), o, info) $$;
CREATE FUNCTION pg_temp.hold(st bigint, seats text[], usr text DEFAULT NULL) RETURNS bigint
LANGUAGE sql AS $$ SELECT order_id FROM api.select_seat(coalesce(usr, pg_temp.staff()), st, seats) $$;
CREATE FUNCTION pg_temp.state(st bigint, lbl text) RETURNS text
LANGUAGE sql AS $$ SELECT status FROM api.seat_map(st) WHERE seat = lbl $$;

SELECT pg_temp.hold(:st, '{C1,C2}') AS o1 \gset
SELECT pg_temp.hold(:st, '{C3}', :'sa') AS mine \gset

-- refused, and nothing recorded
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":2400}'), 'wrong_amount', 'too little');
SELECT alike((SELECT message FROM api.payment(pg_temp.staff(), :o1, '{"method":"cash","amount_cents":2400}')),
             '2500 cents are due%', 'the answer says what is due');
SELECT is((SELECT due_cents FROM api.payment(pg_temp.staff(), :o1, '{"method":"cash","amount_cents":2400}')), 2500::bigint,
          'and gives it as due_cents');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":2600}'), 'wrong_amount', 'too much');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":-2500}'), 'invalid_amount', 'a negative amount');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":0}'), 'invalid_amount', 'zero');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":2499.5}'), 'invalid_amount', 'a fraction of a cent');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":"2500"}'), 'invalid_amount', 'an amount as a string');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":null}'), 'invalid_amount', 'a null amount');
SELECT is(pg_temp.pay(:o1, '{"method":"cash"}'), 'invalid_amount', 'no amount');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":1e30}'), 'invalid_amount', 'an absurd amount');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":[2500]}'), 'invalid_amount', 'an amount in a list');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":2500,"tendered_cents":2000}'), 'invalid_amount',
          'cash tendered that does not cover the amount');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":2500,"currency":"EUR"}'), 'invalid_payment', 'another currency');
SELECT is(pg_temp.pay(:o1, '{"method":"bitcoin","amount_cents":2500}'), 'invalid_payment', 'an unknown method');
SELECT is(pg_temp.pay(:o1, '{"amount_cents":2500}'), 'invalid_payment', 'no method');
SELECT is(pg_temp.pay(:o1, '[]'), 'invalid_payment', 'a JSON list');
SELECT is(pg_temp.pay(:o1, '"cash"'), 'invalid_payment', 'a JSON string');
SELECT is(pg_temp.pay(:o1, 'null'), 'invalid_payment', 'JSON null');
SELECT is(pg_temp.pay(:o1, NULL), 'invalid_payment', 'SQL NULL');
SELECT is(pg_temp.pay(:o1, '{"method":"card","terminal_ref":"75-pa-1","amount_cents":2500,"last4":"4242","auth_code":"OK1","card_number":"4242424242424242"}'),
          'card_data_refused', 'a card number is refused');
SELECT is(pg_temp.pay(:o1, '{"method":"card","terminal_ref":"75-pa-2","amount_cents":2500,"last4":"4242","auth_code":"OK1","PAN":"4242424242424242"}'),
          'card_data_refused', 'a PAN is refused, whatever its case');
SELECT is(pg_temp.pay(:o1, '{"method":"card","terminal_ref":"75-pa-3","amount_cents":2500,"last4":"4242","auth_code":"OK1","cvv":"123"}'),
          'card_data_refused', 'a CVV is refused');
SELECT is(pg_temp.pay(:o1, '{"method":"card","terminal_ref":"75-pa-4","amount_cents":2500,"auth_code":"OK1"}'), 'invalid_payment', 'a card record without last4');
SELECT is(pg_temp.pay(:o1, '{"method":"card","terminal_ref":"75-pa-5","amount_cents":2500,"last4":"4242424242424242","auth_code":"OK1"}'),
          'invalid_payment', 'a card number passed as last4');
SELECT is(pg_temp.pay(:o1, '{"method":"card","terminal_ref":"75-pa-6","amount_cents":2500,"last4":"4242"}'), 'invalid_payment',
          'a card record without an auth_code (not approved)');
SELECT is(pg_temp.pay(:o1, '{"method":"split","parts":[]}'), 'invalid_payment', 'a split with no parts');
SELECT is(pg_temp.pay(:o1, '{"method":"split","parts":{"method":"cash"}}'), 'invalid_payment', 'a split whose parts are no list');
SELECT is(pg_temp.pay(:o1, '{"method":"split","parts":[{"method":"cash","amount_cents":1000},{"method":"cash","amount_cents":1000}]}'),
          'wrong_amount', 'split parts that do not add up');
SELECT is(pg_temp.pay(:o1, '{"method":"split","parts":[{"method":"cash","amount_cents":1000},{"method":"card","terminal_ref":"75-pa-7","amount_cents":1500,"last4":"1"}]}'),
          'invalid_payment', 'a split with a bad card part');
SELECT is(pg_temp.pay(-1, '{"method":"cash","amount_cents":2500}'), 'unknown_order', 'an unknown order');
SELECT is(pg_temp.pay(NULL, '{"method":"cash","amount_cents":2500}'), 'unknown_order', 'a NULL order');
SELECT is(pg_temp.pay(:mine, '{"method":"card","terminal_ref":"75-x1","amount_cents":1250,"last4":"4242","auth_code":"A"}', :'sb'),
          'unknown_order', 'another customer''s order answers as an unknown one');
SELECT is(pg_temp.pay(:mine, '{"method":"card","terminal_ref":"75-x2","amount_cents":1250,"last4":"4242","auth_code":"A"}', :'ga'),
          'unknown_order', 'so does a customer''s order to a guest session');
SELECT is(pg_temp.pay(:mine, '{"method":"card","terminal_ref":"75-x3","amount_cents":1250,"last4":"4242","auth_code":"A"}',
                      repeat('0', 64)), 'no_session', 'a forged session pays nothing');
SELECT is(pg_temp.pay(:mine, '{"method":"cash","amount_cents":1250}', :'sa'), 'cash_refused',
          'the owner may not record cash: only staff take cash');
SELECT pg_temp.hold(:st, '{D1}', :'ga') AS guest_o \gset
SELECT is(pg_temp.pay(:guest_o, '{"method":"cash","amount_cents":1250}', :'ga'), 'cash_refused',
          'nor may a guest');
SELECT is(pg_temp.pay(:guest_o, '{"method":"split","parts":[{"method":"cash","amount_cents":250},{"method":"card","terminal_ref":"75-x4","amount_cents":1000,"last4":"4242","auth_code":"A"}]}', :'ga'),
          'cash_refused', 'not even as a part of a split');
SELECT is((SELECT count(*)::int FROM core.payment p JOIN core.orders o USING (order_id) WHERE o.showtime_id = :st), 0,
          'none of that recorded a payment');
SELECT is((SELECT status FROM core.orders WHERE order_id = :o1), 'initiated', 'the order is still initiated');
SELECT is(pg_temp.state(:st, 'C1'), 'pending', 'its seats still held');

-- cash
SELECT * FROM api.payment(pg_temp.staff(), :o1, '{"method":"cash","amount_cents":2500,"tendered_cents":3000}') \gset p_
SELECT is(:'p_payment_status'::text, 'success', 'cash for the exact total, 30.00 tendered: success');
SELECT is(:'p_paid_cents'::bigint || '/' || :'p_due_cents', '2500/0', 'paid 2500, nothing due');
SELECT is((SELECT status || ' ' || (paid_at IS NOT NULL) FROM core.orders WHERE order_id = :o1), 'success true', 'the order is paid');
SELECT is((SELECT array_agg(DISTINCT state) FROM core.ticket WHERE order_id = :o1), ARRAY['sold'], 'its tickets sold');
SELECT is(pg_temp.state(:st, 'C1') || pg_temp.state(:st, 'C2'), 'soldsold', 'seat_map shows the seats sold');
SELECT results_eq(format('SELECT method, amount_cents, tendered_cents FROM core.payment WHERE order_id = %s', :o1),
                  $$VALUES ('cash', 2500::bigint, 3000::bigint)$$, 'one cash payment with what was tendered');
SELECT is(pg_temp.pay(:o1, '{"method":"cash","amount_cents":2500}'), 'already_paid', 'paying twice is refused');
SELECT is((SELECT count(*)::int FROM core.payment WHERE order_id = :o1), 1, 'and records nothing');
SELECT is(pg_temp.pay(:mine, '{"method":"card","terminal_ref":"75-own","amount_cents":1250.0,"last4":"4242","auth_code":"A"}', :'sa'),
          'success', 'the owner pays by card; 1250.0 is a whole number');
SELECT is((SELECT count(*)::int FROM core.outbox WHERE recipient = 'ada' || :day || '@example.com' AND kind = 'confirmation'),
          1, 'a paid customer order queues a confirmation');

-- card
SELECT pg_temp.hold(:st, '{C4}') AS o2 \gset
SELECT is(pg_temp.pay(:o2, '{"method":"card","amount_cents":1250,"last4":"4242","auth_code":"A1B2C3","brand":"visa","terminal_ref":"T-9"}'),
          'success', 'a card terminal''s approval record pays');
SELECT results_eq(format('SELECT method, card_last4, card_brand, terminal_ref, auth_code FROM core.payment WHERE order_id = %s', :o2),
                  $$VALUES ('card', '4242', 'visa', 'T-9', 'A1B2C3')$$, 'method, last four, brand, reference and auth code are kept');
SELECT is((SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'core' AND table_name = 'payment'
             AND column_name ~ '(pan|number|cvv|cvc|track|expir)'), 0, 'the payment table has no place for card data');

-- split
SELECT pg_temp.hold(:st, '{C5,C6}') AS o3 \gset
SELECT is(pg_temp.pay(:o3, '{"method":"split","parts":[{"method":"cash","amount_cents":1000},{"method":"card","terminal_ref":"75-pa-8","amount_cents":1500,"last4":"1111","auth_code":"Z9"}]}'),
          'success', 'cash and card together pay the total');
SELECT is((SELECT string_agg(method || amount_cents, ',' ORDER BY payment_id) FROM core.payment WHERE order_id = :o3),
          'cash1000,card1500', 'as two payments');

-- partial
SELECT pg_temp.hold(:st, '{C7,C8}') AS o4 \gset
SELECT is(pg_temp.pay(:o4, '{"method":"cash","amount_cents":1000}'), 'wrong_amount', 'less than due without "partial" is refused');
SELECT * FROM api.payment(pg_temp.staff(), :o4, '{"method":"cash","amount_cents":1000,"partial":true}') \gset q_
SELECT is(:'q_payment_status'::text || ' ' || :'q_due_cents', 'partial 1500', 'a partial payment leaves 1500 due');
SELECT is((SELECT status FROM core.orders WHERE order_id = :o4), 'pending', 'the order waits for the rest');
SELECT is(pg_temp.state(:st, 'C7'), 'pending', 'its seats still held, not sold');
SELECT is(pg_temp.pay(:o4, '{"method":"cash","amount_cents":2500}'), 'wrong_amount', 'the whole total again is too much');
SELECT is(pg_temp.pay(:o4, '{"method":"card","terminal_ref":"75-pa-9","amount_cents":1500,"last4":"0005","auth_code":"Q"}'), 'success', 'the rest by card');
SELECT is((SELECT sum(amount_cents)::int FROM core.payment WHERE order_id = :o4), 2500, 'the payments add up to the total');

-- payment_start
SELECT pg_temp.hold(:st, '{C9}', :'sa') AS o5 \gset
SELECT is((SELECT start_status FROM api.payment_start(pg_temp.staff(), -1)), 'unknown_order', 'payment_start: unknown order');
SELECT is((SELECT start_status FROM api.payment_start(:'sb', :o5)), 'unknown_order',
          'payment_start: not the owner answers as an unknown order');
SELECT is((SELECT start_status FROM api.payment_start(repeat('0', 64), :o5)), 'no_session',
          'payment_start: a forged session');
SELECT * FROM api.payment_start(:'sa', :o5) \gset s_
SELECT is(:'s_start_status'::text || ' ' || :'s_due_cents', 'pending 1250', 'payment_start: pending, 1250 due');
SELECT is((SELECT count(*)::int FROM core.showtime_seat WHERE order_id = :o5 AND held_until = :'s_expire_at'::timestamptz), 1,
          'the seat is held until the new expire_at');
SELECT is((SELECT start_status FROM api.payment_start(pg_temp.staff(), :o1)), 'not_open', 'payment_start on a paid order: not_open');

-- A terminal reference pays once; a test card only on a training database.
SELECT pg_temp.hold(:st, '{D3}') AS o6 \gset
SELECT is(pg_temp.pay(:o6, '{"method":"card","amount_cents":1250,"last4":"4242","auth_code":"A1","terminal_ref":"T-9"}'),
          'reference_used', 'a terminal reference that already paid is refused');
SELECT is(pg_temp.pay(:o6, '{"method":"card","amount_cents":1250,"last4":"4242","auth_code":"A1","terminal_ref":"75-tc","brand":"TESTCARD"}'),
          'success', 'a test card pays on a training database (the demo''s)');
SELECT pg_temp.hold(:st, '{D4}') AS o7 \gset
UPDATE core.setting SET value = 'false' WHERE name = 'training';
SELECT is(pg_temp.pay(:o7, '{"method":"card","amount_cents":1250,"last4":"4242","auth_code":"A1","terminal_ref":"75-tc2","brand":"TESTCARD"}'),
          'test_card_refused', 'a test card result is refused when the database is not a training one');
SELECT is(api.training(), false, 'and api.training says so, for a terminal with the test driver to refuse to start');
SELECT is((SELECT count(*)::int FROM core.payment WHERE order_id IN (:guest_o, :o7)), 0,
          'none of the refused payments was recorded');

SELECT * FROM finish();
ROLLBACK;
