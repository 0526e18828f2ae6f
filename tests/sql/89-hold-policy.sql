-- 89-hold-policy.sql - what 067 and 068 changed under a hold: the settings
-- a hold reads are kept as one typed row (core.hold_policy) that follows
-- core.setting (and, since 072, carries the seat relay's lease); the
-- columns a hold writes are checked by domains; a hold logs its own seat
-- change, and the seat-change trigger skips it; one seat is taken by the
-- statement that writes its order, and anything but a free seat is left to
-- the lock; a showtime that has orders cannot be deleted.
BEGIN;
\set day 416
\ir fixture.psql
SELECT plan(34);

SELECT is((SELECT count(*) FROM core.hold_policy), 1::bigint, 'there is one hold policy row');
SELECT results_eq('SELECT node, hold_max, fast FROM core.hold_policy',
    $$SELECT (SELECT value::int FROM core.setting WHERE name = 'node_id'),
             (SELECT value::int FROM core.setting WHERE name = 'hold_minutes'),
             (SELECT value = 'fast' FROM core.setting WHERE name = 'hold_commit')$$,
    'it says what core.setting says');

-- It follows every change of the settings, and a hold follows it.
UPDATE core.setting SET value = '3' WHERE name = 'hold_minutes';
SELECT is((SELECT hold_max FROM core.hold_policy), 3, 'a new hold_minutes reaches the policy');
SELECT * FROM api.select_seat(NULL, :st, '{E1}', 'tap') \gset a_
SELECT ok(:'a_expire_at'::timestamptz BETWEEN clock_timestamp() + interval '2 minutes'
                                          AND clock_timestamp() + interval '3 minutes',
          'and a hold then lasts 3 minutes');
UPDATE core.setting SET value = 'durable' WHERE name = 'hold_commit';
SELECT is((SELECT fast FROM core.hold_policy), false, 'hold_commit durable reaches it');
UPDATE core.setting SET value = 'fast' WHERE name = 'hold_commit';
SELECT is((SELECT fast FROM core.hold_policy), true, 'and fast again');
UPDATE core.setting SET value = '42' WHERE name = 'node_id';
SELECT * FROM api.select_seat(NULL, :st, '{E2}', 'tap') \gset b_
SELECT is(((:b_order_id::bigint >> 12) & 1023)::int, 42, 'a new node_id is in the next order id');
DELETE FROM core.setting WHERE name = 'hold_minutes';
SELECT is((SELECT hold_max FROM core.hold_policy), 8, 'a removed hold_minutes falls back to 8 minutes');
SELECT throws_ok($$UPDATE core.setting SET value = 'soon' WHERE name = 'node_id'$$, '22P02', NULL,
                 'a node_id that is not a number is refused when it is set');
SELECT is((SELECT node FROM core.hold_policy), 42, 'and the policy keeps the last good one');
SELECT throws_ok('DELETE FROM core.hold_policy', '55000', NULL,
                 'the policy row cannot be deleted by hand (069) ...');
SELECT throws_ok('UPDATE core.hold_policy SET hold_max = 99', '55000', NULL, '... nor changed');
SELECT throws_ok($$UPDATE core.hold_policy SET fast = NOT fast, relay_until = clock_timestamp()$$, '55000', NULL,
                 '... not even beside the relay''s lease (072)');
SELECT lives_ok($$UPDATE core.hold_policy SET relay_holder = 0, relay_until = '-infinity'$$,
                'but the relay''s lease alone may be moved (072)');
SELECT is((SELECT hold_max FROM core.hold_policy), 8, 'so it still says what core.setting says');

-- The columns a hold writes are checked by their domains.
SELECT throws_ok(format($$UPDATE core.orders SET status = 'paid' WHERE order_id = %s$$, :a_order_id), '23514',
                 NULL, 'an order status outside the list is refused');
SELECT throws_ok(format($$UPDATE core.orders SET total_cents = -1 WHERE order_id = %s$$, :a_order_id), '23514',
                 NULL, 'so is a negative total');
SELECT throws_ok(format($$UPDATE core.showtime_seat SET state = 'reserved' WHERE showtime_id = %s$$, :st), '23514',
                 NULL, 'and a seat state outside the list');
SELECT throws_ok(format($$UPDATE core.showtime_seat SET held_until = NULL WHERE showtime_id = %s AND state = 'held'$$, :st),
                 '23514', NULL, 'a held seat still needs its expiry (core.seat_row_ok, 071)');

-- A hold logs its own change (once, in its statement); the trigger logs
-- every other change, row by row, and skips a hold.
UPDATE core.hold_policy SET relay_holder = pg_backend_pid(), relay_until = clock_timestamp() + interval '1 hour';
SELECT * FROM api.select_seat(NULL, :small, '{A1,A2}', 'tap') \gset c_
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :small), 1::bigint,
          'a hold of two seats logs its showtime once');
UPDATE core.showtime_seat SET held_until = held_until + interval '1 minute' WHERE order_id = :c_order_id;
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :small), 1::bigint,
          'a seat that stays held logs nothing');
UPDATE core.showtime_seat SET state = 'available', order_id = NULL, held_until = NULL WHERE order_id = :c_order_id;
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :small), 3::bigint,
          'two seats released log a row each');

-- One seat: a free one is taken by the writing statement; anything else is
-- left to the lock, which says why or takes over a hold that ran out.
RESET marquee.hold_minutes;
SELECT * FROM api.select_seat(NULL, :st, '{ f3 }', 'tap') \gset d_
SELECT is(:'d_selection_status'::text, 'held', 'a free single seat is held');
SELECT is((SELECT hold_seats FROM core.orders WHERE order_id = :d_order_id),
          ARRAY[(SELECT seat_id FROM core.seat s JOIN core.showtime st USING (auditorium_id)
                  WHERE st.showtime_id = :st AND s.label = 'F3')],
          'its order records the seat');
SELECT is((SELECT total_cents::bigint FROM core.orders WHERE order_id = :d_order_id), :d_total_cents::bigint,
          'and the total answered');
SELECT is((SELECT message FROM api.select_seat(NULL, :st, '{F3}', 'tap')), 'already taken: F3',
          'a held single seat is refused by name');
SELECT is((SELECT selection_status FROM api.select_seat(NULL, :st, '{Q99}', 'tap')), 'unknown_seat',
          'a label not in the hall is not a seat');
SET LOCAL marquee.hold_minutes = '0.01';
SELECT * FROM api.select_seat(NULL, :st, '{F5}', 'tap') \gset e_
SELECT api.set_ticket_types(:e_order_id, '{"F5": "child"}') \g /dev/null
SELECT pg_sleep(0.7);
RESET marquee.hold_minutes;
SELECT * FROM api.select_seat(NULL, :st, '{F5}', 'tap') \gset f_
SELECT is(:'f_selection_status'::text, 'held', 'a single seat whose hold ran out is taken over');
SELECT is((SELECT string_agg(state, ',') FROM core.ticket WHERE order_id = :e_order_id), 'held',
          'the ticket of the hold that ran out is left to its own order');
SELECT is((SELECT payment_status FROM api.payment(NULL, :f_order_id,
                  jsonb_build_object('method', 'cash', 'amount_cents', :f_total_cents))), 'success',
          'the order that took the seat over pays for it');
SELECT is((SELECT string_agg(state, ',') FROM core.ticket WHERE order_id = :e_order_id) || '/' ||
          (SELECT string_agg(state, ',') FROM core.ticket WHERE order_id = :f_order_id), 'released/sold',
          'its sale released the old ticket and sold its own');

-- A showtime that has orders is not deleted; one that has none is, with
-- its seat rows.
SELECT throws_ok(format('DELETE FROM core.showtime WHERE showtime_id = %s', :st), '23503', NULL,
                 'a showtime with orders cannot be deleted');
INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
SELECT movie_id, auditorium_id, starts_at + interval '8 hours', ends_at + interval '8 hours', price_plan_id
  FROM core.showtime WHERE showtime_id = :small
RETURNING showtime_id AS spare \gset
SELECT lives_ok(format('DELETE FROM core.showtime WHERE showtime_id = %s', :spare),
                'a showtime without orders can');
SELECT is((SELECT count(*) FROM core.showtime_seat WHERE showtime_id = :spare), 0::bigint, 'and its seats go with it');

SELECT * FROM finish();
ROLLBACK;
