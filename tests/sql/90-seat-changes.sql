-- 90-seat-changes.sql - while a relay runs, seat changes are logged in
-- core.seat_change by the changing transaction (a hold once, in its own
-- statement; other changes once a seat, by a trigger that skips holds) and
-- announced by the relay: one NOTIFY seat_change per changed showtime; with
-- none, a change NOTIFYs by itself (the NOTIFYs themselves are heard in
-- test-db.c's test_relay, across sessions).
BEGIN;
\set day 410
\ir fixture.psql
SELECT plan(21);

-- Changes are logged for a relay only while one holds a live lease (with
-- none, a change NOTIFYs by itself: heard across sessions in test-db.c).
SELECT order_id AS o0 FROM api.select_seat(NULL, :st, '{D9}', 'tap') \gset
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 0::bigint,
          'with no relay running, a hold logs nothing');
SELECT cmp_ok(api.seat_relay(), '>=', 0, 'this session becomes the relay');

-- Other files run side by side and log changes too: count ours only.
SELECT order_id AS o1 FROM api.select_seat(NULL, :st, '{D1,D2}', 'tap') \gset
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 1::bigint,
          'a hold of two seats logs its showtime once');
SELECT api.select_seat(NULL, :small, '{B3}', 'tap') \g /dev/null
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :small), 1::bigint,
          'a hold on another showtime logs that one');
SELECT is((SELECT selection_status FROM api.select_seat(NULL, :st, '{D2}', 'tap')), 'unavailable',
          'a refused hold ...');
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 1::bigint,
          '... changes no seat and logs nothing');

SELECT cmp_ok(core.relay_seat_changes(), '>=', 2, 'the relay announces at least our two showtimes');
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id IN (:st, :small)), 0::bigint,
          'and empties the log of them');

SELECT api.payment(NULL, :o1, '{"method":"cash","amount_cents":2500}') \g /dev/null
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 2::bigint,
          'a payment (held -> sold) logs the showtime, once for each of its two seats');
SELECT api.cancel(NULL, :o1) \g /dev/null
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 4::bigint,
          'so does a refund (sold -> available)');

SELECT cmp_ok(api.seat_relay(), '>=', 1, 'the relay announces them');
SELECT is(api.seat_relay(), 0, 'and, with nothing changed, announces nothing');
SELECT ok(api.seat_relay_stop(), 'it stops relaying when asked');
SELECT ok(NOT api.seat_relay_stop(), 'and stopping twice is harmless');

-- The relay holds a lease of 2 s that each call renews: a terminal that
-- stops calling (its network cut, say) is replaced once the lease runs out.
UPDATE core.hold_policy SET relay_holder = 0, relay_until = clock_timestamp() + interval '1 hour';
SELECT is(api.seat_relay(), -1, 'while another session holds the lease, this one does not relay');
SELECT ok(NOT api.seat_relay_stop(), 'nor can it stop the other');
UPDATE core.hold_policy SET relay_until = clock_timestamp() - interval '1 second';
SELECT cmp_ok(api.seat_relay(), '>=', 0, 'once the lease has run out, the next to ask relays');
SELECT is((SELECT relay_holder FROM core.hold_policy), pg_backend_pid(), 'and holds the lease');

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

SELECT * FROM finish();
ROLLBACK;
