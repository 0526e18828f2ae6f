#!/bin/bash
# 50-card-declined.sh - a declined card takes nothing and keeps the seats held;
# another card then pays.
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
pick_show 2
start c "$conf"
login c
open_show c
to_payment c
keys c F3;    wait_for c "Method       CARD"
keys c C-u; lit c 4000000000000002; keys c Enter
wait_for c "Declined: insufficient funds"
oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-counter'")
st=$(q "SELECT status FROM core.orders WHERE order_id = $oid")
pays=$(q "SELECT count(*) FROM core.payment WHERE order_id = $oid")
[ "$pays" = 0 ] || fail "a declined card made $pays payment rows"
case $st in initiated|pending) ;; *) fail "order is $st after a decline" ;; esac
held=$(q "SELECT count(*) FROM core.showtime_seat WHERE order_id = $oid AND state = 'held' AND held_until > now()")
[ "$held" = 2 ] || fail "the seats are no longer held after a decline ($held)"
echo "declined: order $oid still $st, seats held, no payment"
keys c C-u; lit c 4242424242424242; keys c Enter
wait_for c "PAID - card"
[ "$(q "SELECT count(*) || status FROM core.payment JOIN core.orders USING (order_id) WHERE order_id = $oid GROUP BY status")" = "1success" ] ||
	fail "the second card did not pay order $oid once"
echo ok
