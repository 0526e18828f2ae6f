-- 55-listing.sql - api.seats_left: the seats left of chosen showtimes,
-- counted as api.listing counts them (one inlined rule, core.seats_left),
-- with the seat version api.seat_map gives; a hold and its release change
-- the count and the version; no ids, unknown ids and too many ids.
BEGIN;
\set day 455
\ir fixture.psql
SELECT plan(12);

-- The listing of the fixture's day: :st and :small.
CREATE TEMP VIEW day_listing AS
SELECT l.showtime_id, l.seats_available
  FROM api.listing(date_trunc('day', now()) + make_interval(days => :day), 1) l
 WHERE l.showtime_id IN (:st, :small);

SELECT order_id AS o0 FROM api.select_seat(pg_temp.staff(), :small, '{A1}') \gset
SELECT set_eq(format('SELECT showtime_id, seats_available FROM api.seats_left(ARRAY[%s, %s])', :st, :small),
              'SELECT * FROM day_listing',
              'seats_left counts as the listing does (one seat of :small held)');
SELECT is((SELECT count(*) FROM day_listing), 2::bigint, '... and the listing lists both');
SELECT is((SELECT version FROM api.seats_left(ARRAY[:small])), (SELECT max(version) FROM api.seat_map(:small)),
          'the version is seat_map''s');
SELECT unalike(pg_temp.plan_of('SELECT * FROM core.showtime st, core.seats_left(st.showtime_id, st.seats_total)'), '%seats_left%',
               'core.seats_left is inlined');

SELECT seats_available AS n0, version AS v0 FROM api.seats_left(ARRAY[:st]) \gset
SELECT order_id AS o1 FROM api.select_seat(pg_temp.staff(), :st, '{D1,D2}') \gset
SELECT is((SELECT seats_available FROM api.seats_left(ARRAY[:st])), :n0 - 2, 'a hold of two seats: two fewer left');
SELECT cmp_ok((SELECT version FROM api.seats_left(ARRAY[:st])), '>', :v0::bigint, 'and a newer version');
SELECT is((SELECT version FROM api.seats_left(ARRAY[:st])), (SELECT max(version) FROM api.seat_map(:st)),
          'still seat_map''s');
SELECT api.cancel(pg_temp.staff(), :o1) \g /dev/null
SELECT is((SELECT seats_available FROM api.seats_left(ARRAY[:st])), :n0, 'released: as many left as before');
SELECT is((SELECT seats_available FROM day_listing WHERE showtime_id = :st), :n0, 'as the listing says');

SELECT is((SELECT count(*) FROM api.seats_left(NULL)), 0::bigint, 'NULL: no rows');
SELECT is((SELECT count(*) FROM api.seats_left(ARRAY[:st, -1, 0])), 1::bigint, 'unknown showtimes are left out');
SELECT throws_ok('SELECT * FROM api.seats_left(ARRAY(SELECT generate_series(1, 201)::bigint))', '22023', NULL,
                 'more than 200 showtimes at once: refused');

SELECT * FROM finish();
ROLLBACK;
