#!/bin/bash
# 50-counter-autologout.sh - a counter left alone mid-sale logs the cashier
# out after logout_minutes (1, the shortest allowed), ends the cashier's
# database session (api.sign_out) and releases the hold.
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
sed -i 's/^hold_minutes = .*/&\nlogout_minutes = 1/' "$conf"
pick_show 12
since=$(q "SELECT statement_timestamp()")
start c "$conf"
login c
open_show c
hold_two c
oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-counter'")
live="SELECT count(*) FROM core.session WHERE terminal = 'e2e-counter' AND role = 'cashier' AND ended_at IS NULL
      AND created_at > '$since'"
[ "$(q "$live")" = 1 ] || fail "no live session for the signed-in cashier"
t0=$(date +%s)
wait_for c "Logged out after 1 minute" 70
t1=$(date +%s)
[ $((t1 - t0)) -ge 55 ] || fail "logged out after $((t1 - t0)) s"
wait_for c "Staff sign-in"
[ "$(q "SELECT status FROM core.orders WHERE order_id = $oid")" = cancelled ] || fail "the hold was not released"
[ "$(q "$live")" = 0 ] || fail "the cashier's session was not ended"
echo "counter logged out after $((t1 - t0)) s idle; order $oid cancelled"
echo ok
