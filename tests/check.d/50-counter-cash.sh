#!/bin/bash
# 50-counter-cash.sh - the counter's common sale end to end: sign in, a
# showtime, best two seats, two adults, cash with change; then the same sale
# paid exactly, counting keystrokes from the listing (must be <= 12).
. "$(dirname "$0")/../e2e-lib.sh"
# the ASan/UBSan build when there is one (make check builds it): memory
# errors and leaks at exit fail the stage
[ -x build/asan/marquee ] && export MARQUEE_E2E_BIN=${MARQUEE_E2E_BIN:-build/asan/marquee} ASAN_OPTIONS=detect_leaks=1

conf=$(counter_conf)
pick_show 0
sold0=$(q "SELECT count(*) FROM core.ticket WHERE showtime_id = $SHOW AND state = 'sold'")
pays0=$(q "SELECT count(*) FROM core.payment p JOIN core.orders o USING (order_id) WHERE o.showtime_id = $SHOW")
start c "$conf"
login c
open_show c

# Sale 1: tendered 50, change due.
keys c Enter;  wait_for c "SCREEN"
keys c 2;      wait_for c "Best 2 together"
keys c Enter;  wait_for c "Seats held"
keys c Enter;  wait_for c "Amount due"
lit c 50;      keys c Enter
wait_for c "CHANGE DUE"
code=$(screen c | sed -n 's/.*Booking  \([0-9A-Z]\{4\}-[0-9A-Z*~$=]\{5\}\).*/\1/p' | tr -d -)
[ -n "$code" ] || fail "no booking code on screen"
row=$(q "SELECT o.status, o.total_cents, p.tendered_cents, p.method, (SELECT count(*) FROM core.ticket t WHERE t.order_id = o.order_id AND t.state = 'sold')
         FROM core.orders o JOIN core.payment p USING (order_id) WHERE o.booking_code = '$code'")
IFS='|' read -r status total tendered method sold <<<"$row"
[ "$status" = success ] || fail "order $code is '$status', not success"
[ "$method" = cash ] && [ "$tendered" = 5000 ] && [ "$sold" = 2 ] || fail "payment row: $row"
[ "$(q "SELECT u.username FROM core.orders o JOIN core.app_user u ON u.user_id = o.staff_id WHERE o.booking_code = '$code'")" = cashier ] ||
	fail "order $code does not record the cashier who sold it"
change=$(( tendered - total ))
want=$(printf 'CHANGE DUE \\$%d.%02d' $((change / 100)) $((change % 100)))
screen c | grep -q "$want" || fail "screen does not show $want"
echo "sale 1: booking $code, total $total, tendered $tendered, change $change"

# Sale 2: two adults, best available, exact cash - count the keys from the listing.
keys c Enter; wait_for c "Type to search"
open_show c
n=0
keys c Enter; n=$((n + 1)); wait_for c "SCREEN"
keys c 2;     n=$((n + 1)); wait_for c "Best 2 together"
keys c Enter; n=$((n + 1)); wait_for c "Seats held"
keys c Enter; n=$((n + 1)); wait_for c "Amount due"
keys c Enter; n=$((n + 1)); wait_for c "CHANGE DUE \\\$0.00"
echo "common counter sale (2 adults, best available, exact cash): $n keystrokes from the listing"
[ "$n" -le 12 ] || fail "$n keystrokes"
sold=$(q "SELECT count(*) FROM core.ticket WHERE showtime_id = $SHOW AND state = 'sold'")
[ "$sold" = $((sold0 + 4)) ] || fail "$sold tickets sold for showtime $SHOW, want $((sold0 + 4))"
pays=$(q "SELECT count(*) FROM core.payment p JOIN core.orders o USING (order_id) WHERE o.showtime_id = $SHOW")
[ "$pays" = $((pays0 + 2)) ] || fail "$pays payments, want $((pays0 + 2))"
# next sale, log out, quit: every screen's leave() ran; clean exit
keys c Enter; wait_for c "Type to search"
keys c F10;   wait_for c "Staff sign-in"
keys c F10;   wait_for c "MARQUEE-EXITED rc=0"
echo ok
