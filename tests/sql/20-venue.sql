-- 20-venue.sql - cinemas, their halls and seats: api.locations and
-- api.admin_halls list them (halls for managers only), and a new showtime
-- gets a seat row for every sellable seat of its hall.
BEGIN;
\set day 419
\ir fixture.psql
SELECT plan(6);


SELECT results_eq('SELECT name FROM api.locations()',
    $$VALUES ('Marquee Riverside'), ('Marquee Uptown')$$, 'api.locations lists the cinemas by name');
SELECT results_eq(format('SELECT location, auditorium, seats FROM api.admin_halls(%L)', :'sm'),
    $$VALUES ('Marquee Riverside', 'Grand', 478), ('Marquee Riverside', 'Studio 2', 140),
             ('Marquee Uptown', 'Screen 1', 192), ('Marquee Uptown', 'Screen 2', 96)$$,
    'a manager sees every hall with its cinema and sellable seats');
SELECT is((SELECT count(*)::int FROM api.admin_halls(:'sc')), 0, 'a cashier sees no halls');
SELECT is((SELECT seats_total FROM core.showtime WHERE showtime_id = :st), 478,
          'a new Grand showtime gets its 478 sellable seats (two are blocked)');
SELECT is((SELECT count(*)::int FROM core.showtime_seat WHERE showtime_id = :st AND state = 'available'), 478,
          'each of them has a seat row, available');
SELECT is((SELECT seats_total FROM core.showtime WHERE showtime_id = :small), 96,
          'a Screen 2 showtime gets its 96');

SELECT * FROM finish();
ROLLBACK;
