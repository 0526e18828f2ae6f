#!/bin/bash
# 50-listing-live.sh - an open listing's seats left follow seat changes made
# elsewhere without a key press: counter terminal A lists one showtime;
# holds and releases made from another connection (the owner, through
# api.select_seat and api.cancel) must show in A's "left" column within
# 3 s (the listing reads seats left at most once a second). The whole
# listing's reload is set to 600 s here, so only the seat_change
# notification can explain the change. Checked three ways: with no seat map
# open anywhere (each change NOTIFYs by itself), with terminal B's seat map
# open (B relays the changes), and after A went to the seat map and back
# (the listing LISTENs again). Prints each delay, measured from the end of
# the changing statement (the same host clock).
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
# A showtime in five days: no other stage uses that day.
SHOW=$(q "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 5) ORDER BY starts_at, showtime_id LIMIT 1")
[ -n "$SHOW" ] || fail "no showtime in five days"
start a "$conf" MARQUEE_LISTING_REFRESH=600
start b "$conf" MARQUEE_LISTING_REFRESH=600
login a
login b
open_show a

# left a: the count in A's listing row ("478/480"; SOLD OUT is 0)
left() { screen a | grep -oE '[0-9]+/[0-9]+( |$)' | head -1 | cut -d/ -f1; }
sess=$(q "SELECT token FROM core.session_open((SELECT user_id FROM core.app_user WHERE username = 'cashier'),
                                              'cashier', 'e2e-listing')")
# hold N: holds N free seats of the show from the owner's connection; sets
# OID, and t0 to the moment the statement ended (its commit follows at once)
hold() {
	local row
	row=$(q "SELECT order_id, extract(epoch FROM clock_timestamp()) FROM api.select_seat('$sess', $SHOW,
	         ARRAY(SELECT seat FROM api.seat_map($SHOW) WHERE status = 'available' AND kind = 'standard'
	               ORDER BY seat DESC LIMIT $1))")
	OID=${row%%|*}
	t0=${row#*|}
	[ -n "$OID" ] || fail "cannot hold $1 seats of show $SHOW"
}
# release OID: cancels the unpaid order (its seats free again); sets t0
release() {
	local row
	row=$(q "SELECT cancellation_status, extract(epoch FROM clock_timestamp()) FROM api.cancel('$sess', $1)")
	t0=${row#*|}
	[ "${row%%|*}" = cancelled ] || fail "cannot release order $1: $row"
}
# seen WANT WHAT: waits up to 3 s for A to show WANT left; prints the delay since t0
seen() {
	local end=$(( $(date +%s%N) + 3000000000 )) at
	while [ "$(date +%s%N)" -lt "$end" ]; do
		if [ "$(left)" = "$1" ]; then
			at=$(date +%s.%N)
			printf 'listing live: %s shown %.3f s after its commit\n' "$2" "$(echo "$at - $t0" | bc -l)"
			return 0
		fi
		sleep 0.01
	done
	fail "A still shows $(left) left, not $1, 3 s after $2"
}

n0=$(left)
[ -n "$n0" ] || fail "A's listing shows no seats left"
[ "$n0" = "$(q "SELECT seats_available FROM api.seats_left(ARRAY[$SHOW])")" ] || fail "A shows $n0 left, api.seats_left says otherwise"
sleep 1.2	# past the first second: the next read is not held back

# --- no seat map open: a hold NOTIFYs by itself
hold 2; o1=$OID
seen $((n0 - 2)) "a hold of 2 seats (no relay)"

# --- B's seat map open: B relays the changes
open_show b
keys b Enter; wait_for b "SCREEN"
sleep 0.3
release "$o1"
seen "$n0" "a release of 2 seats (B relays)"
hold 3; o2=$OID
seen $((n0 - 3)) "a hold of 3 seats (B relays)"

# --- A to the seat map and back: it listens again
keys a Enter; wait_for a "SCREEN"
keys a Escape; wait_for a "Left"
[ "$(left)" = $((n0 - 3)) ] || fail "back on the listing, A shows $(left) left"
sleep 1.2
release "$o2"
seen "$n0" "a release of 3 seats (after the seat map)"
echo ok
