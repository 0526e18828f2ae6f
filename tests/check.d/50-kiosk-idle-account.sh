#!/bin/bash
# 50-kiosk-idle-account.sh - a kiosk customer signs in (e-mail + password) and
# sees their bookings; a kiosk left alone mid-sale releases the hold
# (api.cancel), ends the customer's database session (api.sign_out) and goes
# back to the attract screen after idle_seconds (10).
. "$(dirname "$0")/../e2e-lib.sh"
. tests/lib/tickets.sh

conf=$(kiosk_conf 10)
pick_show 9
# Alice already has a paid booking (bought earlier at a kiosk, through the
# api with her session signed in at the kiosk's login)
kiosk() { psql "$MARQUEE_KIOSK_DSN" -XAtqc "$1"; }
alice=$(q "SELECT user_id FROM core.app_user WHERE email = 'alice@example.com'")
seat=$(kiosk "SELECT seat FROM api.seat_map($SHOW) WHERE status = 'available' AND kind = 'standard' ORDER BY row_no, col_no LIMIT 1")
s=$(session_at kiosk1 alice@example.com)
row=$(kiosk "SELECT order_id || '|' || total_cents || '|' || booking_code FROM api.select_seat('$s', $SHOW, '{$seat}')")
IFS='|' read -r aoid atotal acode <<<"$row"
[ -n "$aoid" ] && [ "$(kiosk "SELECT payment_status FROM api.payment('$s', $aoid, '{\"method\":\"card\",\"amount_cents\":$atotal,\"last4\":\"4242\",\"auth_code\":\"A\",\"terminal_ref\":\"e2e-$aoid\"}')")" = success ] ||
	fail "cannot make Alice's booking"
pretty="${acode:0:4}-${acode:4}"
# the check symbol may be * ~ $ = or U: match the code as plain text
pretty_re=$(printf '%s' "$pretty" | sed 's/[]*$.^[\\]/\\&/g')
since=$(q "SELECT statement_timestamp()")
start k "$conf"
wait_for k "TOUCH HERE"
keys k F6;  wait_for k "Sign in to see"
lit k alice@example.com; keys k Enter
lit k wrongpass;         keys k Enter
wait_for k "2 of 3 tries left"
lit k alice123;          keys k Enter
wait_for k "Your bookings, Alice Customer"
live="SELECT count(*) FROM core.session WHERE terminal = 'e2e-kiosk' AND user_id = $alice AND ended_at IS NULL
      AND created_at > '$since'"
[ "$(q "$live")" = 1 ] || fail "no live session for the signed-in customer"
wait_for k "$pretty_re"
read -r x y <<<"$(where k "$pretty")"
click k "$x" "$y"                           # touch it: collect (print) the tickets
wait_for k "Your tickets are printing|Please collect your tickets at the counter: booking $pretty_re\."
keys k F5;  wait_for k "Choose a film"
open_show k
keys k Enter; wait_for k "SCREEN"
keys k 2;     wait_for k "Best 2 together"
keys k Enter; wait_for k "Seats held"
oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-kiosk'")
[ "$(q "SELECT u.email FROM core.orders o JOIN core.app_user u USING (user_id) WHERE o.order_id = $oid")" = alice@example.com ] ||
	fail "the hold is not Alice's"
t0=$(date +%s)
wait_for k "TOUCH HERE" 14
t1=$(date +%s)
[ $((t1 - t0)) -ge 8 ] || fail "went home after $((t1 - t0)) s, before idle_seconds"
st=$(q "SELECT status FROM core.orders WHERE order_id = $oid")
[ "$st" = cancelled ] || fail "the abandoned order is '$st', not cancelled"
free=$(q "SELECT count(*) FROM core.showtime_seat WHERE showtime_id = $SHOW AND order_id = $oid")
[ "$free" = 0 ] || fail "$free seats still held by the abandoned order"
absent k "Alice"
[ "$(q "$live")" = 0 ] || fail "the customer's session was not ended"
echo "idle kiosk went home after $((t1 - t0)) s, order $oid cancelled, seats released, customer signed out"
echo ok
