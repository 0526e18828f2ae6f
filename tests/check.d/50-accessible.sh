#!/bin/bash
# 50-accessible.sh - a wheelchair user with a companion, from the seat map:
# at 80x24 the map says where the wheelchair places are (row T, below the
# rows in view) and W brings them into view; one key (w at the counter, a
# touch at the kiosk) holds a wheelchair place and the companion seat beside
# it, the companion at the cinema's companion price; the counter sells the
# pair for cash, the kiosk for card. At 120x40 the whole hall is in view.
# Best available stays in its price band and says so when it must go up.
. "$(dirname "$0")/../e2e-lib.sh"
[ -x build/asan/marquee ] && export MARQUEE_E2E_BIN=${MARQUEE_E2E_BIN:-build/asan/marquee} ASAN_OPTIONS=detect_leaks=1

# Shows four days ahead (no other stage sells them): two in the Grand (20
# rows: row T, the wheelchair row, is below what 80x24 shows), one in
# Screen 1 (premium rows in the middle, standard around them).
shows() {
	q "SELECT l.showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 4) l
	    WHERE l.auditorium = '$1' ORDER BY l.starts_at, l.showtime_id LIMIT 2"
}
read -r S1 S2 <<<"$(shows Grand | tr '\n' ' ')"
S3=$(shows 'Screen 1' | head -1)
[ -n "$S1" ] && [ -n "$S2" ] && [ -n "$S3" ] || fail "no shows four days ahead"
q "UPDATE core.price SET amount_cents = 0 WHERE type_code = 'companion'" >/dev/null
# the adult price of a show's plan, in cents
adult() { q "SELECT p.amount_cents FROM core.showtime st JOIN core.price p USING (price_plan_id)
             WHERE st.showtime_id = $1 AND p.type_code = 'adult'"; }
line() { screen "$1" | grep -oE "Wheelchair: [0-9]+ free, row [A-Z]+( [A-Z]+)*(, below|, above)?"; }

# --- counter, 80x24
conf=$(counter_conf)
start c "$conf"
login c
SHOW=$S1; open_show c
keys c Enter; wait_for c "SCREEN"
wait_for c "Wheelchair: 5 free, row T, below   w: \+ companion   W: go there"
absent c "^ *T "
echo "counter 80x24: $(line c) (row T not in view)"
keys c W; wait_for c "cursor T1 wheelchair free"
wait_for c "^ *T "
[ "$(line c)" = "Wheelchair: 5 free, row T" ] || fail "W did not bring row T into view: $(line c)"
keys c w; wait_for c "Wheelchair place T3 and companion seat T4 held together"
wait_for c "Seats held"
screen c | grep -q "T4 *Companion" || fail "the companion seat is not a companion ticket"
row=$(q "SELECT string_agg(s.label || ':' || l.type_code || ':' || l.price_cents, ' ' ORDER BY s.label)
         FROM core.orders o CROSS JOIN core.order_lines_of(o.order_id) l JOIN core.seat s USING (seat_id)
         WHERE o.showtime_id = $S1 AND o.status = 'initiated'")
[ "$row" = "T3:adult:$(adult "$S1") T4:companion:0" ] || fail "held: '$row'"
keys c Enter; wait_for c "Amount due"
keys c Enter; wait_for c "CHANGE DUE \\\$0.00"
[ "$(q "SELECT count(*) FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.showtime_id = $S1
        AND t.state = 'sold' AND s.label IN ('T3', 'T4')")" = 2 ] || fail "the pair was not sold"
echo "counter: w held and sold wheelchair T3 (adult, $(adult "$S1") cents) + companion T4 (free) for cash"

# --- best available stays in its band (S3): every other standard seat is
# held elsewhere, so no two standard seats are together
oid=$(q "SELECT order_id FROM api.select_seat((SELECT token FROM core.session_open((SELECT user_id
         FROM core.app_user WHERE username = 'cashier'), 'cashier', 'e2e')), $S3,
         ARRAY(SELECT seat FROM api.seat_map($S3) WHERE kind = 'standard' LIMIT 1))")
[ -n "$oid" ] || fail "cannot hold a seat of show $S3"
q "UPDATE core.showtime_seat ss SET state = 'held', order_id = $oid, held_until = now() + interval '20 minutes'
     FROM core.seat s WHERE s.seat_id = ss.seat_id AND ss.showtime_id = $S3 AND s.kind = 'standard'
      AND ss.state = 'available' AND s.col_no % 2 = 0" >/dev/null
keys c Enter; wait_for c "Type to search"
SHOW=$S3; open_show c
keys c Enter; wait_for c "SCREEN"
keys c 1; wait_for c "Best 1 together"
screen c | grep -q "cursor [A-Z]*[0-9]* standard" || fail "one seat was not a standard one"
# (the message is two lines long at 80 columns)
keys c 2; wait_for c "No 2 standard seats together are free: [A-Z0-9]+-[A-Z0-9]+ are premium seats, at a higher"
wait_for c "^ *price\. Enter holds them\."
echo "counter: $(screen c | grep -A1 'No 2 standard' | tr -s ' \n' ' ')"
keys c 3; wait_for c "Best 3 together"   # the choice is premium now: it stays premium
screen c | grep -q "cursor [A-Z]*[0-9]* premium" || fail "a party of 3 left the premium band"
keys c Escape; wait_for c "Type to search"
keys c F10; wait_for c "Staff sign-in"
keys c F10; wait_for c "MARQUEE-EXITED rc=0"

# --- kiosk, 80x24, then 120x40
conf=$(kiosk_conf)
start k "$conf"
wait_for k "TOUCH HERE"
keys k Enter; wait_for k "Choose a film"
SHOW=$S1; open_show k
keys k Enter; wait_for k "SCREEN"
wait_for k "Wheelchair: 4 free, row T, below"
read -r x y <<<"$(where k "Show wheelchair")"; click k $((x + 2)) "$y"
wait_for k "cursor T1 wheelchair free"
read -r x y <<<"$(where k "Wheelchair+companion")"; click k $((x + 2)) "$y"
wait_for k "Wheelchair place T23 and companion seat T22 held together"
screen k | grep -q "T22 *Companion" || fail "kiosk: the companion seat is not a companion ticket"
read -r x y <<<"$(where k "   Pay")"
click k $((x + 3)) "$y"; wait_for k "Insert, swipe or tap your card"
read -r x y <<<"$(where k "Pay now")"
click k "$x" "$y"; wait_for k "PAID - card"
row=$(q "SELECT o.total_cents || ' ' || string_agg(s.label || ':' || t.type_code, ' ' ORDER BY s.label)
         FROM core.orders o JOIN core.ticket t USING (order_id) JOIN core.seat s USING (seat_id)
         WHERE o.showtime_id = $S1 AND o.terminal = 'e2e-kiosk' AND o.status = 'success' GROUP BY o.order_id")
[ "$row" = "$(adult "$S1") T22:companion T23:adult" ] || fail "kiosk order: '$row'"
echo "kiosk 80x24: a touch held and the card paid wheelchair T23 + companion T22: $row"

tm resize-window -t k -x 120 -y 40
keys k Escape; sleep 0.3
wait_for k "TOUCH HERE"
keys k Enter; wait_for k "Choose a film"
SHOW=$S2; open_show k
keys k Enter; wait_for k "SCREEN"
wait_for k "^ *T "
said=$(line k)
[ "$said" = "Wheelchair: 5 free, row T" ] || fail "120x40: $said"
read -r x y <<<"$(where k "Wheelchair+companion")"; click k $((x + 2)) "$y"
wait_for k "Wheelchair place T3 and companion seat T4 held together"
echo "kiosk 120x40: whole hall in view ($said); the touch held T3 + T4"
echo ok
