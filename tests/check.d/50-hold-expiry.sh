#!/bin/bash
# 50-hold-expiry.sh - the hold runs out while the payment screen is open: the
# screen says so, the seats are free again in the database, Enter holds the
# same seats again. The terminal asks for a 4-second hold (MARQUEE_HOLD_SECONDS
# sets marquee.hold_minutes for its session).
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
pick_show 4
start c "$conf" MARQUEE_HOLD_SECONDS=4
login c
open_show c
keys c Enter; wait_for c "SCREEN"
keys c 2;     wait_for c "Best 2 together"
seats=$(screen c | sed -n 's/.*Chosen (2): \([A-Z0-9]*\) \([A-Z0-9]*\).*/\1 \2/p')
keys c Enter; wait_for c "Seats held 0:0"
keys c Enter; wait_for c "Amount due"
wait_for c "HOLD EXPIRED" 8
wait_for c "The hold on these seats expired"
for s in $seats; do
	st=$(q "SELECT status FROM api.seat_map($SHOW) WHERE seat = '$s'")
	[ "$st" = available ] || fail "seat $s is '$st' after the hold expired"
done
echo "hold expired on the payment screen; seats $seats free again"
keys c Enter
wait_for c "Seats held"
wait_for c "2 seats held"
for s in $seats; do
	screen c | grep -q "^  $s " || fail "seat $s not held again"
done
echo ok
