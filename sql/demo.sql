-- demo.sql - demo data for `marquee db demo`: two cinemas, four halls, twelve
-- films, fourteen days of showtimes from today. Safe to rerun: every insert
-- skips what is already there. Staff accounts are added by the program itself
-- (it hashes their passwords with Argon2id).

-- One device of each kind, as `marquee db device add` makes them: the
-- database logins `make run` and the tests connect as.
SELECT core.device_add('counter1', 'counter'), core.device_add('kiosk1', 'kiosk'),
       core.device_add('door1', 'door');

INSERT INTO core.ticket_type (type_code, name, sort) VALUES
  ('adult', 'Adult', 1), ('child', 'Child (under 12)', 2),
  ('senior', 'Senior (65+)', 3), ('student', 'Student', 4)
ON CONFLICT DO NOTHING;

INSERT INTO core.price_plan (name, currency) VALUES ('Standard', 'USD'), ('Matinee', 'USD')
ON CONFLICT DO NOTHING;

INSERT INTO core.price (price_plan_id, type_code, amount_cents)
SELECT pp.price_plan_id, v.type_code, v.cents
  FROM core.price_plan pp
  JOIN (VALUES ('Standard', 'adult', 1250), ('Standard', 'child', 850),
               ('Standard', 'senior', 950), ('Standard', 'student', 1050),
               ('Matinee', 'adult', 950), ('Matinee', 'child', 700),
               ('Matinee', 'senior', 750), ('Matinee', 'student', 800),
               ('Standard', 'companion', 0), ('Matinee', 'companion', 0))
       AS v(plan, type_code, cents) ON v.plan = pp.name
ON CONFLICT DO NOTHING;

INSERT INTO core.location (name, address, timezone) VALUES
  ('Marquee Riverside', '12 Quay Street', current_setting('TimeZone')),
  ('Marquee Uptown', '480 Hill Avenue', current_setting('TimeZone'))
ON CONFLICT DO NOTHING;

-- halls: rows x cols of grid; aisle columns hold no seat.
CREATE TEMP TABLE demo_hall (loc text, name text, rows int, cols int, aisles int[]) ON COMMIT DROP;
INSERT INTO demo_hall VALUES
  ('Marquee Riverside', 'Grand', 20, 26, '{6,21}'),   -- 20 x 24 = 480 places
  ('Marquee Riverside', 'Studio 2', 10, 15, '{8}'),
  ('Marquee Uptown', 'Screen 1', 12, 18, '{5,14}'),
  ('Marquee Uptown', 'Screen 2', 8, 13, '{7}');

INSERT INTO core.auditorium (location_id, name, rows, cols)
SELECT l.location_id, h.name, h.rows, h.cols
  FROM demo_hall h JOIN core.location l ON l.name = h.loc
ON CONFLICT DO NOTHING;

-- Seats are numbered along each row, skipping aisles. In every hall the back
-- row's seats nearest the aisles are wheelchair places, each with a companion
-- seat beside it; the middle rows are premium; two seats in the Grand's front
-- row are blocked (a pillar).
INSERT INTO core.seat (auditorium_id, label, row_no, col_no, kind)
SELECT a.auditorium_id,
       chr(64 + r) || n,
       r, c,
       CASE
         WHEN h.name = 'Grand' AND r = 1 AND n IN (1, 2) THEN 'blocked'
         WHEN r = h.rows AND n IN (1, 2, 3) THEN 'wheelchair'
         WHEN r = h.rows AND n = 4 THEN 'companion'
         WHEN r = h.rows AND n IN (nmax, nmax - 1) THEN 'wheelchair'
         WHEN r = h.rows AND n = nmax - 2 THEN 'companion'
         WHEN r BETWEEN h.rows / 2 AND h.rows / 2 + 2 AND c > h.aisles[1] AND c < h.aisles[cardinality(h.aisles)] THEN 'premium'
         ELSE 'standard'
       END
  FROM demo_hall h
  JOIN core.location l ON l.name = h.loc
  JOIN core.auditorium a ON a.location_id = l.location_id AND a.name = h.name
  CROSS JOIN generate_series(1, h.rows) r
  CROSS JOIN LATERAL (
      SELECT c, row_number() OVER (ORDER BY c)::int AS n, count(*) OVER ()::int AS nmax
        FROM generate_series(1, h.cols) c WHERE c <> ALL (h.aisles)) s
ON CONFLICT DO NOTHING;

INSERT INTO core.movie (title, synopsis, runtime_min, rating, genre) VALUES
  ('The Lighthouse Keeper''s Daughter',
   'When a storm cuts a remote island off from the mainland, a young woman who has kept her late father''s lighthouse running alone must guide a stranded ferry through the rocks, and decide whether the stranger aboard is the brother she was told had drowned.',
   118, 'PG-13', 'drama'),
  ('Orbital Decay',
   'Six engineers aboard an ageing space station have nineteen days before its orbit fails. A taut survival thriller about the arithmetic of oxygen, loyalty and the one escape pod that seats four.',
   131, 'PG-13', 'science fiction thriller'),
  ('Paper Tigers of Canal Street',
   'Two rival dim sum chefs, one restaurant lease and a citywide cooking contest. A warm, fast-talking comedy about family recipes, old grudges and the neighbourhood that raised them both.',
   104, 'PG', 'comedy'),
  ('Midnight at the Grand Hotel',
   'A jewel thief, a retired detective and a night porter with secrets of his own are trapped in a snowbound Alpine hotel on New Year''s Eve, and by morning one of the guests is missing.',
   122, 'PG-13', 'mystery'),
  ('The Last Orchard',
   'An elderly apple farmer refuses to sell his land to developers and enlists his estranged granddaughter for one final harvest. A gentle, funny portrait of roots, seasons and second chances.',
   97, 'PG', 'drama'),
  ('Steel Horizon',
   'A disgraced test pilot gets one more chance when an experimental aircraft is stolen from a desert airbase. High-altitude dogfights and a race against a countdown to the border.',
   139, 'PG-13', 'action'),
  ('Whiskers and the Moon Parade',
   'A shy kitten who dreams of joining the lantern festival sets off across the rooftops of the city with a pigeon, a retired circus mouse and a map drawn on the back of a menu. Animated adventure for the whole family.',
   88, 'G', 'animation family'),
  ('Quiet Water',
   'A marine biologist returns to the fishing town she left twenty years ago to study a pod of whales that have stopped singing, and finds the town has stopped talking about what happened the night she left.',
   112, 'R', 'drama mystery'),
  ('Counterfeit Kings',
   'In 1970s Marseille a forger of old masters is blackmailed into painting the one canvas that could bring down the city''s most powerful family. Stylish crime caper with a double cross in every frame.',
   126, 'R', 'crime'),
  ('The Cartographer',
   'A mapmaker in the 1800s is hired to chart a mountain range that does not appear on any map, and discovers why the valley below has kept itself hidden for three hundred years.',
   143, 'PG-13', 'adventure fantasy'),
  ('Static',
   'A late-night radio host starts receiving calls from listeners who describe tomorrow''s news. Each call is more precise than the last, and the next one is about her.',
   101, 'R', 'horror thriller'),
  ('Sixteen Bars',
   'A teenage rapper from the south side gets sixteen bars on a legendary producer''s album, and one week to write them while holding her family''s laundromat together. Music drama with an original soundtrack.',
   109, 'PG-13', 'music drama')
ON CONFLICT (title) DO NOTHING;

-- Four shows a day in every hall for fourteen days from today. Shows before
-- 17:00 use the matinee prices. ends_at leaves 20 minutes to clean the hall.
INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
SELECT m.movie_id, a.auditorium_id, t.starts_at,
       t.starts_at + make_interval(mins => m.runtime_min + 20),
       (SELECT price_plan_id FROM core.price_plan
         WHERE name = CASE WHEN slot.h < 17 THEN 'Matinee' ELSE 'Standard' END)
  FROM core.auditorium a
  JOIN core.location l USING (location_id)
  CROSS JOIN generate_series(0, 13) d
  CROSS JOIN (VALUES (0, 11, 0), (1, 14, 15), (2, 17, 30), (3, 20, 45)) AS slot(i, h, mi)
  CROSS JOIN LATERAL (
      SELECT ((current_date + d)::timestamp + make_interval(hours => slot.h, mins => slot.mi))
                 AT TIME ZONE l.timezone AS starts_at) t
  JOIN LATERAL (
      SELECT movie_id, runtime_min FROM core.movie
       ORDER BY movie_id
      OFFSET (d * 5 + slot.i * 3 + a.auditorium_id::int * 7) % (SELECT count(*) FROM core.movie)
       LIMIT 1) m ON true
 WHERE a.name IN (SELECT name FROM demo_hall)
ON CONFLICT DO NOTHING;

-- A demo database is a training database: the test card driver's payments
-- are accepted and a terminal with card_driver = test may start.
UPDATE core.setting SET value = 'true' WHERE name = 'training' AND value <> 'true';
