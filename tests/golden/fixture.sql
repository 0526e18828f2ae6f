-- fixture.sql - one paid booking with every id, time and price fixed, so a
-- render of it gives the same bytes on every run (45-golden.sh). Needs the
-- demo data (the film and the price plan). Safe to rerun. The published
-- golden test key is registered for the terminal role's login, which prints
-- with it.
INSERT INTO core.location (name, address, timezone) VALUES ('Marquee Golden Gate', '7 Reel Lane', 'UTC')
ON CONFLICT DO NOTHING;
INSERT INTO core.auditorium (location_id, name, rows, cols)
SELECT location_id, 'Screen 7', 3, 6 FROM core.location WHERE name = 'Marquee Golden Gate'
ON CONFLICT DO NOTHING;
INSERT INTO core.seat (auditorium_id, label, row_no, col_no)
SELECT a.auditorium_id, chr(64 + r) || c, r, c
  FROM core.auditorium a CROSS JOIN generate_series(1, 3) r CROSS JOIN generate_series(1, 6) c
 WHERE a.name = 'Screen 7'
ON CONFLICT DO NOTHING;
INSERT INTO core.showtime (showtime_id, movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
SELECT 990001, (SELECT movie_id FROM core.movie WHERE title = 'Orbital Decay'), a.auditorium_id,
       '2030-06-15 19:30+00', '2030-06-15 22:01+00',
       (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard')
  FROM core.auditorium a WHERE a.name = 'Screen 7'
ON CONFLICT DO NOTHING;
INSERT INTO core.orders (order_id, booking_code, user_id, showtime_id, status, terminal, currency,
                         total_cents, held_until, created_at, paid_at, closed_at)
VALUES (123456789012345678, core.crockford(78187493520, 8), NULL, 990001, 'success', 'golden-1',
        'USD', 2100, '2030-06-01 12:08+00', '2030-06-01 12:00+00', '2030-06-01 12:02+00',
        '2030-06-01 12:02+00')
ON CONFLICT DO NOTHING;
INSERT INTO core.ticket (ticket_id, order_id, showtime_id, seat_id, type_code, price_cents, state)
SELECT v.tid, 123456789012345678, 990001, s.seat_id, v.type_code, v.cents, 'sold'
  FROM (VALUES (900001, 'B3', 'adult', 1250), (900002, 'B4', 'child', 850)) v(tid, label, type_code, cents)
  JOIN core.seat s ON s.label = v.label
  JOIN core.auditorium a ON a.auditorium_id = s.auditorium_id AND a.name = 'Screen 7'
ON CONFLICT DO NOTHING;
UPDATE core.showtime_seat ss SET state = 'sold', order_id = 123456789012345678
  FROM core.ticket t
 WHERE t.order_id = 123456789012345678 AND ss.showtime_id = t.showtime_id AND ss.seat_id = t.seat_id;
INSERT INTO core.payment (payment_id, order_id, method, amount_cents, currency, tendered_cents,
                          card_last4, card_brand, terminal_ref, auth_code, created_at)
VALUES (990001, 123456789012345678, 'card', 1500, 'USD', NULL, '4242', 'VISA', 'T-77', 'OK1234',
        '2030-06-01 12:02+00'),
       (990002, 123456789012345678, 'cash', 600, 'USD', 1000, NULL, NULL, NULL, NULL,
        '2030-06-01 12:02+00')
ON CONFLICT DO NOTHING;
INSERT INTO core.ticket_key (key_id, public_key, device, terminal)
SELECT core.ticket_key_id(k), k, 'counter1', 'golden-1'
  FROM decode('c4d3ca084c3fb7bf81e05b5741da024ce12505c05972ac0b389863391d8ced30', 'hex') k
ON CONFLICT DO NOTHING;
SELECT booking_code FROM core.orders WHERE order_id = 123456789012345678;
