-- 40-pricing.sql - what a seat costs: the ticket types on sale for a
-- showtime and their prices; a held order repriced by ticket type, all or
-- nothing, replayed by request_id, and fixed once paid; a price plan
-- carries its adult price, which a hold reads instead of core.price: it
-- follows every change of core.price, by the admin api or by hand, and
-- cannot be set by hand.
BEGIN;
\set day 418
\ir fixture.psql
SELECT plan(19);

-- Ticket types.
SELECT is((SELECT string_agg(type_code, ',' ORDER BY sort) FROM api.ticket_types(:st)), 'adult,child,senior,student,companion',
          'a showtime sells adult, child, senior, student and (for a wheelchair user''s companion) companion tickets');
SELECT price_cents AS adult FROM api.ticket_types(:st) WHERE type_code = 'adult' \gset
SELECT price_cents AS child FROM api.ticket_types(:st) WHERE type_code = 'child' \gset
SELECT order_id AS o FROM api.select_seat(:'sa', :st, '{C7,C8}') \gset
SELECT is((SELECT types_status || '|' || total_cents
             FROM api.set_ticket_types(pg_temp.staff(), :o, '{"C7":"child"}', '77777777-7777-4777-8777-777777777777')),
          'repriced|' || (:adult + :child), 'a child ticket for C7 and an adult one for C8 reprice the order');
SELECT is((SELECT total_cents::bigint FROM core.orders WHERE order_id = :o), (:adult + :child)::bigint,
          'the order''s total is their sum');
SELECT is((SELECT types_status FROM api.set_ticket_types(pg_temp.staff(), :o, '{"C8":"senior", "Z99":"adult"}')), 'unknown_seat',
          'a seat not in the order is refused');
SELECT is((SELECT types_status FROM api.set_ticket_types(pg_temp.staff(), :o, '{"C8":"vip"}')), 'unknown_type',
          'a type not on sale is refused');
SELECT is((SELECT string_agg(s.label || ' ' || t.type_code, ',' ORDER BY s.label)
             FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = :o), 'C7 child,C8 adult',
          'a refused call changes no type, not even the good ones');
SELECT is((SELECT types_status || '|' || total_cents
             FROM api.set_ticket_types(pg_temp.staff(), :o, '{"C7":"senior"}', '77777777-7777-4777-8777-777777777777')),
          'repriced|' || (:adult + :child), 'the same request_id again returns the first answer ...');
SELECT is((SELECT string_agg(type_code, ',' ORDER BY seat) FROM api.order_lines(pg_temp.staff(), :o)), 'child,adult',
          '... and changes nothing');
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o, jsonb_build_object('method', 'cash', 'amount_cents', :adult + :child))),
          'success', 'the order is paid at its repriced total');
SELECT is((SELECT types_status FROM api.set_ticket_types(pg_temp.staff(), :o, '{"C7":"adult"}')), 'not_open',
          'a paid order''s prices are fixed');

-- The plan's adult price.
SELECT is((SELECT count(*)::int FROM core.price_plan pp
            WHERE pp.adult_cents IS DISTINCT FROM (SELECT amount_cents FROM core.price p
                                                    WHERE p.price_plan_id = pp.price_plan_id
                                                      AND p.type_code = 'adult')), 0,
          'every plan carries the adult price core.price has for it');

SELECT is((SELECT admin_status FROM api.admin_price_set(:'sm', 'Standard', 'adult', 1399)), 'ok',
          'a manager sets the Standard adult price to $13.99');
SELECT is((SELECT adult_cents FROM core.price_plan WHERE name = 'Standard'), 1399::bigint,
          'the plan carries it at once');
SELECT is((SELECT total_cents::bigint FROM api.select_seat(pg_temp.staff(), :st, '{K5}')),
          1399 + (SELECT k.surcharge_cents FROM core.seat s JOIN core.seat_kind k ON k.kind = s.kind
                    JOIN core.showtime st ON st.auditorium_id = s.auditorium_id
                   WHERE st.showtime_id = :st AND s.label = 'K5'),
          'and the next hold is priced at it');

UPDATE core.price_plan SET adult_cents = 1 WHERE name = 'Standard';
SELECT is((SELECT adult_cents FROM core.price_plan WHERE name = 'Standard'), 1399::bigint,
          'it cannot be set by hand: the plan''s row takes core.price''s again');
UPDATE core.price SET amount_cents = 1500
 WHERE type_code = 'adult' AND price_plan_id = (SELECT price_plan_id FROM core.price_plan WHERE name = 'Matinee');
SELECT is((SELECT adult_cents FROM core.price_plan WHERE name = 'Matinee'), 1500::bigint,
          'an adult price changed by hand in core.price is followed too');
DELETE FROM core.price
 WHERE type_code = 'adult' AND price_plan_id = (SELECT price_plan_id FROM core.price_plan WHERE name = 'Matinee');
SELECT is((SELECT adult_cents FROM core.price_plan WHERE name = 'Matinee'), NULL::bigint,
          'a plan whose adult price is deleted carries none');
INSERT INTO core.price_plan (name, currency) VALUES ('Gala', 'EUR');
INSERT INTO core.price (price_plan_id, type_code, amount_cents)
SELECT price_plan_id, 'adult', 2500 FROM core.price_plan WHERE name = 'Gala';
SELECT is((SELECT adult_cents FROM core.price_plan WHERE name = 'Gala'), 2500::bigint,
          'a new plan carries the adult price it is given');
TRUNCATE core.price;
SELECT is((SELECT count(*)::int FROM core.price_plan WHERE adult_cents IS NOT NULL), 0,
          'and with core.price emptied, no plan carries one');

SELECT * FROM finish();
