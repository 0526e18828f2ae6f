-- 90-seat-changes.sql - seat versions: every seat change (hold, payment,
-- cancel, refund, expiry) raises its showtime's version, api.seat_map
-- carries it and api.seat_changes answers with exactly the seats changed
-- since a version (all of them for a since it cannot answer from). And
-- while a relay runs, seat changes are logged in
-- core.seat_change by the changing transaction (a hold once, in its own
-- statement; other changes once a seat, by a trigger that skips holds) and
-- announced by the relay: one NOTIFY seat_change per changed showtime; with
-- none, a change NOTIFYs by itself (the NOTIFYs themselves are heard in
-- test-db.c's test_relay, across sessions).
BEGIN;
\set day 410
\ir fixture.psql
SELECT plan(45);

-- Changes are logged for a relay only while one holds a live lease (with
-- none, a change NOTIFYs by itself: heard across sessions in test-db.c).
SELECT order_id AS o0 FROM api.select_seat(pg_temp.staff(), :st, '{D9}') \gset
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 0::bigint,
          'with no relay running, a hold logs nothing');
SELECT cmp_ok(api.seat_relay(), '>=', 0, 'this session becomes the relay');

-- Other files run side by side and log changes too: count ours only.
SELECT order_id AS o1 FROM api.select_seat(pg_temp.staff(), :st, '{D1,D2}') \gset
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 1::bigint,
          'a hold of two seats logs its showtime once');
SELECT api.select_seat(pg_temp.staff(), :small, '{B3}') \g /dev/null
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :small), 1::bigint,
          'a hold on another showtime logs that one');
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{D2}')), 'unavailable',
          'a refused hold ...');
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 1::bigint,
          '... changes no seat and logs nothing');

SELECT cmp_ok(core.relay_seat_changes(), '>=', 2, 'the relay announces at least our two showtimes');
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id IN (:st, :small)), 0::bigint,
          'and empties the log of them');

SELECT api.payment(pg_temp.staff(), :o1, '{"method":"cash","amount_cents":2500}') \g /dev/null
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :st), 2::bigint,
          'a payment (held -> sold) logs the showtime, once for each of its two seats');
SELECT api.cancel(pg_temp.staff(), :o1) \g /dev/null
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
SELECT * FROM api.select_seat(pg_temp.staff(), :small, '{A1,A2}') \gset c_
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :small), 1::bigint,
          'a hold of two seats logs its showtime once');
UPDATE core.showtime_seat SET held_until = held_until + interval '1 minute' WHERE order_id = :c_order_id;
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :small), 1::bigint,
          'a seat that stays held logs nothing');
UPDATE core.showtime_seat SET state = 'available', order_id = NULL, held_until = NULL WHERE order_id = :c_order_id;
SELECT is((SELECT count(*) FROM core.seat_change WHERE showtime_id = :small), 3::bigint,
          'two seats released log a row each');

-- Seat versions. :vN is the showtime's version after each step; a step's
-- changes are exactly what seat_changes gives since the step before.
SELECT is((SELECT count(DISTINCT version) FROM api.seat_map(:st)), 1::bigint,
          'seat_map gives one version on every row');
SELECT max(version) AS v0 FROM api.seat_map(:st) \gset
SELECT is((SELECT count(*) FROM api.seat_changes(:st, :v0)), 0::bigint,
          'a map at the current version has nothing to change');
SELECT * FROM api.select_seat(pg_temp.staff(), :st, '{E1,E2}') \gset h_
SELECT max(version) AS v1 FROM api.seat_map(:st) \gset
SELECT cmp_ok(:v1::bigint, '>', :v0::bigint, 'a hold raises the version');
SELECT is(:v1::bigint, :v0::bigint + 1, 'a hold of two seats raises it once');
SELECT set_eq(format('SELECT seat, status FROM api.seat_changes(%s, %s)', :st, :v0),
              $$VALUES ('E1', 'pending'), ('E2', 'pending')$$, 'seat_changes gives exactly the seats held');
SELECT is((SELECT DISTINCT version FROM api.seat_changes(:st, :v0)), :v1::bigint,
          'seat_changes carries the version seat_map gives');
SELECT api.payment(pg_temp.staff(), :h_order_id, jsonb_build_object('method', 'cash', 'amount_cents', :h_total_cents)) \g /dev/null
SELECT max(version) AS v2 FROM api.seat_map(:st) \gset
SELECT cmp_ok(:v2::bigint, '>', :v1::bigint, 'a payment raises the version');
SELECT set_eq(format('SELECT seat, status FROM api.seat_changes(%s, %s)', :st, :v1),
              $$VALUES ('E1', 'sold'), ('E2', 'sold')$$, 'seat_changes gives the seats sold');
SELECT api.cancel(pg_temp.staff(), :h_order_id) \g /dev/null
SELECT max(version) AS v3 FROM api.seat_map(:st) \gset
SELECT cmp_ok(:v3::bigint, '>', :v2::bigint, 'a refund raises the version');
SELECT set_eq(format('SELECT seat, status FROM api.seat_changes(%s, %s)', :st, :v2),
              $$VALUES ('E1', 'available'), ('E2', 'available')$$, 'seat_changes gives the seats refunded');
SELECT set_eq(format('SELECT seat, status FROM api.seat_changes(%s, %s)', :st, :v0),
              $$VALUES ('E1', 'available'), ('E2', 'available')$$,
              'since an older version, each changed seat once, as it is now');
SELECT order_id AS h2 FROM api.select_seat(pg_temp.staff(), :st, '{E5}') \gset
SELECT max(version) AS v4 FROM api.seat_map(:st) \gset
SELECT api.cancel(pg_temp.staff(), :h2) \g /dev/null
SELECT max(version) AS v5 FROM api.seat_map(:st) \gset
SELECT cmp_ok(:v5::bigint, '>', :v4::bigint, 'cancelling a hold raises the version');
SELECT set_eq(format('SELECT seat, status FROM api.seat_changes(%s, %s)', :st, :v4),
              $$VALUES ('E5', 'available')$$, 'seat_changes gives the seat released');
SELECT is((SELECT selection_status FROM api.select_seat(pg_temp.staff(), :st, '{E1,E1}')), 'duplicate_seats',
          'a refused hold ...');
SELECT is((SELECT max(version) FROM api.seat_map(:st)), :v5::bigint, '... leaves the version as it was');

-- Expiry: a hold that runs out changes its seat's status with the clock,
-- before any sweep: seat_changes gives it from any version; the sweep then
-- raises the version.
SELECT order_id AS h3 FROM api.select_seat(pg_temp.staff(), :st, '{E7}') \gset
UPDATE core.showtime_seat SET held_until = statement_timestamp() - interval '1 second' WHERE order_id = :h3;
UPDATE core.orders SET held_until = statement_timestamp() - interval '1 second' WHERE order_id = :h3;
SELECT max(version) AS v6 FROM api.seat_map(:st) \gset
SELECT set_eq(format('SELECT seat, status FROM api.seat_changes(%s, %s)', :st, :v6),
              $$VALUES ('E7', 'available')$$, 'a hold run out but not swept is a change at any version');
SELECT cmp_ok(api.expire_holds(), '>=', 1, 'the sweep expires it');
SELECT max(version) AS v7 FROM api.seat_map(:st) \gset
SELECT cmp_ok(:v7::bigint, '>', :v6::bigint, 'expiry raises the version');
SELECT set_eq(format('SELECT seat, status FROM api.seat_changes(%s, %s)', :st, :v6),
              $$VALUES ('E7', 'available')$$, 'seat_changes gives the seat expired');
SELECT is((SELECT count(*) FROM api.seat_changes(:st, :v7)), 0::bigint, 'and nothing after the sweep');

-- A since it cannot answer from gives every seat, as seat_map does.
SELECT set_eq(format('SELECT seat, status, version FROM api.seat_changes(%s, NULL)', :st),
              format('SELECT seat, status, version FROM api.seat_map(%s)', :st), 'since NULL: every seat');
SELECT is((SELECT count(*) FROM api.seat_changes(:st, -1)), 478::bigint, 'since -1: every seat');
SELECT is((SELECT count(*) FROM api.seat_changes(:st, :v7 + 1)), 478::bigint,
          'since ahead of the showtime (another database''s map): every seat');
SELECT ok(has_function_privilege('marquee_kiosk', 'api.seat_changes(bigint,bigint)', 'EXECUTE')
          AND has_function_privilege('marquee_counter', 'api.seat_changes(bigint,bigint)', 'EXECUTE'),
          'kiosks and counters may call seat_changes');

SELECT * FROM finish();
ROLLBACK;
