-- 95-admin.sql - the manager's api: films, showtimes, prices, cancelling a
-- showtime (refunds), the sales report, and refusal of anyone not a manager.
BEGIN;
\set day 606
\ir fixture.psql
SELECT plan(26);


-- only managers
SELECT is((SELECT admin_status FROM api.admin_movie_save(:'sc', NULL, 'Nope', '', 90)), 'not_manager',
          'a cashier may not add films');
SELECT is((SELECT admin_status FROM api.admin_movie_save(:'sa', NULL, 'Nope', '', 90)), 'not_manager',
          'nor may a customer');
SELECT is((SELECT admin_status FROM api.admin_movie_save(NULL, NULL, 'Nope', '', 90)), 'no_session',
          'nor may nobody');
SELECT is((SELECT count(*)::int FROM api.admin_prices(:'sc')), 0, 'a cashier sees no price list');
SELECT is((SELECT count(*)::int FROM api.sales_report(:'sc', current_date - 400, current_date + 400)), 0,
          'nor the takings');

-- films
SELECT admin_status = 'ok' AS ok, id AS film FROM api.admin_movie_save(:'sm', NULL, '  Night Train  ', 'A train.', 95, 'PG', 'drama') \gset
SELECT ok(:'ok'::boolean, 'a manager adds a film');
SELECT is((SELECT title FROM core.movie WHERE movie_id = :film), 'Night Train', 'the title is trimmed');
SELECT is((SELECT admin_status FROM api.admin_movie_save(:'sm', NULL, 'night train', '', 95)), 'invalid',
          'two films cannot share a title');
SELECT is((SELECT admin_status FROM api.admin_movie_save(:'sm', NULL, '', '', 95)), 'invalid', 'a film needs a title');
SELECT is((SELECT admin_status FROM api.admin_movie_save(:'sm', NULL, 'X', '', 0)), 'invalid', 'and a running time');
SELECT is((SELECT admin_status FROM api.admin_movie_save(:'sm', :film, 'Night Train', 'Longer cut.', 120)), 'ok',
          'a film is changed');
SELECT is((SELECT runtime_min FROM core.movie WHERE movie_id = :film), 120, 'with its new running time');
SELECT ok((SELECT count(*) > 0 FROM api.search('night train') WHERE movie_id = :film), 'and it can be found');

-- showtimes
SELECT auditorium_id AS grand FROM api.admin_halls(:'sm') WHERE auditorium = 'Grand' \gset
SELECT admin_status AS st_status, id AS show FROM api.admin_showtime_add(:'sm', :film, :grand,
       date_trunc('day', now()) + make_interval(days => :day, hours => 9)) \gset
SELECT is(:'st_status'::text, 'ok', 'a manager schedules a showtime');
SELECT is((SELECT seats_total FROM core.showtime WHERE showtime_id = :show), 478, 'with every sellable seat of the hall');
SELECT admin_status AS ov_status, id AS ov_id, message AS ov_message FROM api.admin_showtime_add(:'sm', :film, :grand,
       date_trunc('day', now()) + make_interval(days => :day, hours => 10)) \gset
SELECT is(:'ov_status'::text, 'overlaps', 'a showtime that would overlap in the same hall is refused');
SELECT is(:'ov_id'::bigint, :show::bigint, 'naming the showtime in the way');
SELECT matches(:'ov_message'::text, '^the hall is busy then: Night Train runs [A-Z][a-z]{2} [0-9]{2} [A-Z][a-z]{2} 09:00-1[01]:[0-9]{2} \(cleaning included\), showtime ' || :show || '$',
               'and saying which film runs when');
SELECT is((SELECT admin_status FROM api.admin_showtime_add(:'sm', :film, :grand, now() - interval '1 day')), 'invalid',
          'a showtime in the past is refused');

-- prices
SELECT is((SELECT admin_status FROM api.admin_price_set(:'sm', 'Standard', 'student', -5)), 'invalid', 'no negative prices');
SELECT is((SELECT admin_status FROM api.admin_price_set(:'sm', 'Standard', 'alien', 500)), 'not_found', 'no unknown ticket types');
SELECT is((SELECT admin_status FROM api.admin_price_set(:'sm', 'Standard', 'adult', 1400)), 'ok', 'a price is changed');
SELECT is((SELECT total_cents FROM api.select_seat(pg_temp.staff(), :show, ARRAY['F10'])), 1400::bigint,
          'new holds use the new price');

-- cancelling a showtime refunds its paid orders; the report shows it
SELECT order_id AS o1, total_cents AS t1 FROM api.select_seat(:'sa', :show, ARRAY['G10', 'G11']) \gset
SELECT is((SELECT payment_status FROM api.payment(pg_temp.staff(), :o1, format('{"method":"cash","amount_cents":%s}', :t1)::jsonb)),
          'success', 'an order is paid');
SELECT is((SELECT message FROM api.admin_showtime_cancel(:'sm', :show)), 'showtime cancelled; 1 paid order(s) refunded',
          'cancelling the showtime refunds the paid order');
SELECT results_eq(format($$SELECT tickets, cash_cents, refunded_cents, net_cents FROM api.sales_report(%L, current_date, current_date)
                          WHERE title = 'Night Train'$$, :'sm'),
                  format('VALUES (2, %s::bigint, %s::bigint, 0::bigint)', :t1, :t1),
                  'the report counts the sale and its refund');

SELECT * FROM finish();
ROLLBACK;
