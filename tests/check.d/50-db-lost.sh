#!/bin/bash
# 50-db-lost.sh - the database goes away in the middle of a sale (the
# terminal's session is killed and its role may not log in for a while): a
# banner says so at once, Enter on the payment shows it reconnecting and pays
# nothing meanwhile, and when the database is back the same sale is paid -
# once - with no second key.
. "$(dirname "$0")/../e2e-lib.sh"

restore() { q "ALTER ROLE counter1 LOGIN" >/dev/null; e2e_cleanup; }
trap restore EXIT
conf=$(counter_conf)
pick_show 13   # 7 is 55-admin's
start c "$conf"
login c
open_show c
to_payment c
oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-counter'")
q "ALTER ROLE counter1 NOLOGIN" >/dev/null
n=$(q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'counter1'")
[ "$n" -ge 1 ] || fail "no terminal session to end"
wait_for c "DATABASE CONNECTION LOST" 3
keys c Enter
wait_for c "Reconnecting to the database" 5
[ "$(q "SELECT count(*) FROM core.payment WHERE order_id = $oid")" = 0 ] || fail "paid while the database was away?"
q "ALTER ROLE counter1 LOGIN" >/dev/null
wait_for c "PAID - cash" 10	# no second key: the payment went as soon as it could
absent c "DATABASE CONNECTION LOST"
[ "$(q "SELECT count(*) FROM core.payment WHERE order_id = $oid")" = 1 ] || fail "order $oid not paid exactly once"
[ "$(q "SELECT status FROM core.orders WHERE order_id = $oid")" = success ] || fail "order $oid not a success"
echo "connection lost mid-sale: banner shown, reconnected by itself, the same order paid once"
echo ok
