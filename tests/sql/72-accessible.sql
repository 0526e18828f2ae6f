-- 72-accessible.sql - best available for a wheelchair user with a
-- companion (api.select_accessible): a free wheelchair place and the free
-- companion seat beside it, held in one order at once, the companion seat
-- at the cinema's companion price; and the companion ticket type only on a
-- companion seat of an order with a wheelchair place.
BEGIN;
\set day 440
\ir fixture.psql
SELECT plan(22);

-- The Grand's back row T: wheelchair T1-T3 (columns 1-3) with companion T4
-- beside T3, and companion T22 beside wheelchair T23-T24 (columns 24-26).
SELECT is((SELECT selection_status || ' ' || wheelchair || '+' || companion
             FROM api.select_accessible(:'sc', :st)), 'held T3+T4',
          'the pair nearest the middle is held: wheelchair T3 and companion T4 beside it');
SELECT order_id AS o1 FROM core.orders WHERE showtime_id = :st AND status = 'initiated' \gset
SELECT results_eq(format('SELECT seat, kind, type_code, price_cents FROM api.order_lines(%L, %s)', :'sc', :o1),
    $$VALUES ('T3', 'wheelchair', 'adult', 1250::bigint), ('T4', 'companion', 'companion', 0::bigint)$$,
    'the wheelchair place at the adult price, the companion at the companion price (free in the demo)');
SELECT is((SELECT total_cents::bigint FROM core.orders WHERE order_id = :o1), 1250::bigint, 'the order totals the two');
SELECT is((SELECT count(*)::int FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
            WHERE ss.showtime_id = :st AND ss.order_id = :o1 AND ss.state = 'held' AND s.label IN ('T3', 'T4')), 2,
          'both seats are held by the one order');
SELECT is((SELECT wheelchair || '+' || companion FROM api.select_accessible(:'sa', :st)), 'T23+T22',
          'a second wheelchair user gets the other pair');
SELECT is((SELECT user_id FROM core.orders WHERE showtime_id = :st AND status = 'initiated' AND order_id <> :o1),
          :cust::bigint, 'held for the customer whose session asked');
SELECT is((SELECT selection_status || ': ' || message FROM api.select_accessible(:'sc', :st)),
          'no_pair: no wheelchair place with a free companion seat beside it',
          'a third is told there is no pair left (T1 and T2 have no companion seat beside them)');
SELECT is((SELECT selection_status FROM api.select_accessible(repeat('0', 64), :st)), 'no_session',
          'a session that is not open holds nothing');

-- A pair whose companion seat is taken is passed over whole: in Screen 2
-- (row H: wheelchair H1-H3, companion H4, companion H10, wheelchair H11-H12)
-- H4 is held, so H11+H10 is held and H3 stays free.
SELECT is((SELECT selection_status FROM api.select_seat(:'sb', :small, '{H4}')), 'held', 'H4 is held by another');
SELECT is((SELECT wheelchair || '+' || companion FROM api.select_accessible(:'ga', :small)), 'H11+H10',
          'the pair with both seats free is held instead');
SELECT is((SELECT ss.state FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
            WHERE ss.showtime_id = :small AND s.label = 'H3'), 'available', 'H3 was not held alone');

-- A retried request answers as the first and holds nothing more.
SELECT gen_random_uuid() AS rid \gset
SELECT is((SELECT selection_status FROM api.select_accessible(:'sc', :small, :'rid')), 'no_pair',
          'the last pair is taken: no_pair');
SELECT is((SELECT selection_status FROM api.select_accessible(:'sc', :small, :'rid')), 'no_pair',
          'the same request again: the same answer');
SELECT api.cancel(:'ga', (SELECT order_id FROM core.orders WHERE showtime_id = :small AND session_id =
                           (SELECT session_id FROM core.session_who(:'ga')))) \g /dev/null
SELECT gen_random_uuid() AS rid2 \gset
SELECT order_id AS o2 FROM api.select_accessible(:'sc', :small, :'rid2') \gset
SELECT is((SELECT order_id FROM api.select_accessible(:'sc', :small, :'rid2')), :o2::bigint,
          'a held pair retried answers the same order');
SELECT is((SELECT count(*)::int FROM core.orders WHERE showtime_id = :small AND status = 'initiated'), 2,
          'and holds no second pair');

-- The companion ticket type goes only on a companion seat of an order with
-- a wheelchair place.
SELECT order_id AS o3 FROM api.select_seat(:'sc', :st, '{K10,K11}') \gset
SELECT is((SELECT types_status FROM api.set_ticket_types(:'sc', :o3, '{"K10":"companion"}')), 'type_refused',
          'not on a standard seat');
SELECT order_id AS o4 FROM api.select_seat(:'sc', :st, '{T1}') \gset
SELECT api.cancel(:'sc', :o1) \g /dev/null
SELECT order_id AS o5 FROM api.select_seat(:'sc', :st, '{T4}') \gset
SELECT is((SELECT types_status || ': ' || message FROM api.set_ticket_types(:'sc', :o5, '{"T4":"companion"}')),
          'type_refused: a companion ticket goes with a wheelchair place in the same order',
          'nor on a companion seat bought without a wheelchair place');
SELECT is((SELECT type_code || ' ' || price_cents FROM api.order_lines(:'sc', :o5)), 'adult 1250',
          'which keeps its adult type and price');

-- The cinema prices the companion ticket: a manager sets it per plan.
SELECT is((SELECT admin_status FROM api.admin_price_set(:'sm', 'Standard', 'companion', 400)), 'ok',
          'a manager prices the companion ticket at 4.00');
SELECT api.cancel(:'sc', :o5) \g /dev/null
SELECT is((SELECT total_cents FROM api.select_accessible(:'sc', :st)), 1650::bigint,
          'the pair now costs the adult price plus 4.00');
DELETE FROM core.price WHERE type_code = 'companion'
   AND price_plan_id = (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard');
SELECT api.cancel(:'sc', order_id) FROM core.orders WHERE showtime_id = :st AND status = 'initiated' \g /dev/null
SELECT is((SELECT total_cents || ' ' || message FROM api.select_accessible(:'sc', :st)),
          '2500 wheelchair place T3 and companion seat T4 held; this showtime has no companion price, so the companion pays the full price',
          'a plan with no companion price charges the companion the adult price, and says so');
SELECT is((SELECT selection_status FROM api.select_accessible(:'sc', :past)), 'sales_closed',
          'a show that has started sells no pair');

SELECT * FROM finish();
ROLLBACK;
