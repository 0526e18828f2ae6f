-- 30-catalogue.sql - what is on: api.listing (seats left, cinema filter,
-- cancelled shows) and api.listing_filtered; api.search, finding films by
-- any text a person may type (rows or none, never an error) with day,
-- cinema and time-of-day filters; showtimes never overlap in one hall and
-- are not deleted once they have orders.
BEGIN;
\set day 403
\ir fixture.psql
SELECT plan(57);

-- listing
SELECT ok((SELECT count(*) FROM api.listing()) > 0, 'the default listing (next 14 days) has showtimes');
SELECT is((SELECT count(*)::int FROM api.listing() WHERE showtime_id IN (:st, :past)), 0,
          'it leaves out showtimes far ahead and long gone');
SELECT ok((SELECT bool_and(starts_at >= now() - interval '20 minutes' AND starts_at < now() + interval '14 days')
             FROM api.listing()), 'every listed showtime is in the window');
SELECT results_eq(format($q$SELECT title, location, auditorium, seats_total, seats_available
                             FROM api.listing(%L::timestamptz, 1) WHERE showtime_id = %s$q$,
                         (SELECT starts_at - interval '1 hour' FROM core.showtime WHERE showtime_id = :st), :st),
    $$VALUES ('The Lighthouse Keeper''s Daughter', 'Marquee Riverside', 'Grand', 478, 478)$$,
    'a listing from a given time shows the showtime with its film, cinema, hall and seats');
SELECT api.select_seat(pg_temp.staff(), :st, '{F5,F6}') \g /dev/null
SELECT api.select_seat(pg_temp.staff(), :st, '{F7}') \gset h_
SELECT api.payment(pg_temp.staff(), (:'h_select_seat'::api.select_seat_result).order_id,
                   '{"method":"cash","amount_cents":1250}') \g /dev/null
SELECT is((SELECT seats_available FROM api.listing(now() + make_interval(days => :day - 1), 2)
            WHERE showtime_id = :st), 475, 'held and sold seats are not available');
SELECT is((SELECT count(*)::int FROM api.listing(now() + make_interval(days => :day - 1), 2,
                                                  (SELECT location_id FROM core.location WHERE name = 'Marquee Uptown'))
            WHERE showtime_id = :st), 0, 'the cinema filter leaves out the other cinema');
SELECT is((SELECT count(*)::int FROM api.listing(now() + make_interval(days => :day - 1), 2,
                                                  (SELECT location_id FROM core.location WHERE name = 'Marquee Uptown'))
            WHERE showtime_id = :small), 1, 'and keeps its own');
UPDATE core.showtime SET cancelled = true WHERE showtime_id = :small;
SELECT is((SELECT count(*)::int FROM api.listing(now() + make_interval(days => :day - 1), 2)
            WHERE showtime_id = :small), 0, 'a cancelled showtime is not listed');
UPDATE core.showtime SET cancelled = false WHERE showtime_id = :small;
SELECT is((SELECT price_cents FROM api.listing(now() + make_interval(days => :day - 1), 2)
            WHERE showtime_id = :st), 1250::bigint, 'the listing carries the adult price');

-- listing_filtered: "#id" is one showtime (a demo one, three days ahead)
SELECT showtime_id AS show FROM api.listing_filtered('', NULL, NULL, current_date + 3) ORDER BY starts_at LIMIT 1 \gset
SELECT is((SELECT count(*)::int FROM api.listing_filtered('#' || :show)), 1, 'listing_filtered finds a showtime by #id');
SELECT is((SELECT count(*)::int FROM api.listing_filtered('#' || :show, NULL, 'night')), 0,
          'an #id and a time-of-day filter it does not match: nothing');

-- search: ranking
SELECT is((SELECT title FROM api.search('orbital') LIMIT 1), 'Orbital Decay', 'a title word finds the film first');
SELECT is((SELECT title FROM api.search('ORBI') LIMIT 1), 'Orbital Decay', 'a prefix finds it (search as you type)');
SELECT is((SELECT title FROM api.search('engineer') LIMIT 1), 'Orbital Decay', 'a stemmed synopsis word finds it');
SELECT is((SELECT title FROM api.search('ital Dec') LIMIT 1), 'Orbital Decay', 'a piece of the title finds it');
SELECT is((SELECT title FROM api.search('keeper''s daughter') LIMIT 1), 'The Lighthouse Keeper''s Daughter',
          'an apostrophe in the query is just text');
SELECT is((SELECT count(*)::int FROM api.search('zzyzx-no-such-film')), 0, 'nonsense finds nothing');
SELECT is((SELECT count(*)::int FROM api.search('')), 12, 'an empty query lists every film');
SELECT is((SELECT count(*)::int FROM api.search(NULL)), 12, 'a NULL query lists every film');
SELECT ok((SELECT bool_and(a.rank >= b.rank) FROM
             (SELECT rank, row_number() OVER () AS n FROM api.search('the')) a
             JOIN (SELECT rank, row_number() OVER () AS n FROM api.search('the')) b ON b.n = a.n + 1),
          'results come ranked, best first');

-- search: filters
SELECT set_eq(format('SELECT title FROM api.search(%L, %L::date)', '', (current_date + :day)),
              $$VALUES ('The Lighthouse Keeper''s Daughter'), ('Sixteen Bars')$$,
              'the day filter keeps only films shown that day');
SELECT set_eq(format('SELECT title FROM api.search(%L, %L::date, %s)', '', (current_date + :day),
                     (SELECT location_id FROM core.location WHERE name = 'Marquee Uptown')),
              $$VALUES ('Sixteen Bars')$$, 'day and cinema filters together');
SELECT set_eq(format('SELECT title FROM api.search(%L, %L::date, NULL, %L)', '', (current_date + :day), 'Morning'),
              $$VALUES ('The Lighthouse Keeper''s Daughter'), ('Sixteen Bars')$$,
              'a 03:00 show is a morning show (any case)');
SELECT is((SELECT count(*)::int FROM api.search('', current_date + :day, NULL, 'evening')), 0,
          'no evening shows that day');
SELECT is((SELECT count(*)::int FROM api.search('', current_date + :day, NULL, 'teatime')), 0,
          'an unknown time of day matches nothing, without an error');
SELECT is((SELECT title FROM api.search('sixteen', current_date + :day)), 'Sixteen Bars',
          'text and day filter together');
SELECT is((SELECT showtimes FROM api.search('', current_date + :day) WHERE title = 'Sixteen Bars'), 1,
          'the count of showtimes follows the filters');
SELECT is((SELECT count(*)::int FROM api.search('', current_date + 900)), 0, 'a day with no shows: no films');

-- search: any text, however odd, returns rows or none and never an error.
SELECT lives_ok(format('SELECT * FROM api.search(%L)', q), 'search survives: ' || d)
  FROM (VALUES
    ('''', 'a lone quote'),
    ('''''''', 'three quotes'),
    ('"unclosed', 'an unclosed double quote'),
    ('\', 'a backslash'),
    ('\\x00 \n \''', 'backslash escapes'),
    ('''; DROP TABLE core.orders; --', 'SQL injection'),
    ('1 OR 1=1', 'a boolean trick'),
    ('& | ! <-> ( ) :* :A', 'tsquery operators'),
    ('!!!', 'only an operator'),
    ('(((', 'unbalanced brackets'),
    ('-', 'a lone minus'),
    ('or', 'a lone OR'),
    ('the a of', 'only stop words'),
    ('🎬 Película 映画 кино', 'emoji and non-Latin scripts'),
    ('%_%', 'LIKE wildcards'),
    (repeat('orbital ', 5000), 'a 40 000 character query'),
    (repeat('x', 100000), 'one 100 000 character word'),
    (E'tab\there\nnewline', 'control characters'),
    ('   ', 'only spaces')) AS t(q, d);
SELECT is((SELECT count(*)::int FROM api.search('''; DROP TABLE core.orders; --')), 0,
          'the injection text finds no film ...');
SELECT ok((SELECT count(*) FROM core.orders) > 0, '... and the orders table is still there');
SELECT is((SELECT title FROM api.search(repeat('orbital ', 5000)) LIMIT 1), 'Orbital Decay',
          'a very long query still finds its film');

-- Showtimes: the exclusion constraint keeps one hall to one show at a time.
SELECT throws_ok(format($q$
    INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
    SELECT movie_id, auditorium_id, starts_at + interval '1 hour', ends_at + interval '1 hour', price_plan_id
      FROM core.showtime WHERE showtime_id = %s $q$, :st),
    '23P01', NULL, 'a showtime overlapping another in the same hall is refused');
SELECT lives_ok(format($q$
    INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
    SELECT movie_id, auditorium_id, ends_at, ends_at + interval '2 hours', price_plan_id
      FROM core.showtime WHERE showtime_id = %s $q$, :st),
    'a showtime starting as the last one ends is accepted');
SELECT lives_ok(format($q$
    INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
    SELECT s.movie_id, a.auditorium_id, s.starts_at, s.ends_at, s.price_plan_id
      FROM core.showtime s, core.auditorium a WHERE s.showtime_id = %s AND a.name = 'Studio 2' $q$, :st),
    'the same times in another hall are accepted');
SELECT lives_ok(format($q$
    UPDATE core.showtime SET cancelled = true WHERE showtime_id = %s;
    INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
    SELECT movie_id, auditorium_id, starts_at, ends_at, price_plan_id
      FROM core.showtime WHERE showtime_id = %s $q$, :st, :st),
    'a cancelled showtime no longer blocks its hall');
DELETE FROM core.showtime WHERE showtime_id > :past;
UPDATE core.showtime SET cancelled = false WHERE showtime_id = :st;

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
