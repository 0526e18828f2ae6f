#!/bin/bash
# 32-refund-race.sh - a refund racing a door scan of the same ticket:
# exactly one wins. Both take the order row first (the lock order of
# sql/schema/00-roles.sql), so whichever comes second sees what the first
# did. Two ordered races (a scan holding its transaction open while the
# refund waits, and the other way round), then pairs let go at the same
# instant by an advisory lock; afterwards no ticket is both admitted and
# refunded, each pair has one winner, and the money refunded is the price
# of the tickets refunded. Runs on a show of its own starting now (the door
# admits only today's shows), cancelled at the end. The seats are sold at
# the counter by the cashier's session, refunded there by a manager's, and
# scanned through the door's login.
set -u
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql "$MARQUEE_OWNER_DSN" -XAtqc "$1"; }
counter() { psql "$MARQUEE_COUNTER_DSN" -XAtqc "$1"; }
. tests/lib/tickets.sh
work=$(mktemp -d)
pairs=${MARQUEE_REFUND_RACE_PAIRS:-10}

hall=$(q "INSERT INTO core.auditorium (location_id, name, rows, cols)
          SELECT min(location_id), 'Refund race $$', 1, 40 FROM core.location RETURNING auditorium_id")
q "INSERT INTO core.seat (auditorium_id, label, row_no, col_no) SELECT $hall, 'A' || c, 1, c FROM generate_series(1, 40) c"
show=$(q "INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
          SELECT min(movie_id), $hall, now() + interval '2 minutes', now() + interval '2 hours',
                 (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard') FROM core.movie
          RETURNING showtime_id")
[ -n "$show" ] || fail "cannot make a show"
trap 'q "UPDATE core.showtime SET cancelled = true WHERE showtime_id = $show" >/dev/null; rm -rf "$work"' EXIT
# The refunds are past the cut-off (the show starts now): a manager's, at
# the counter; the sales are the cashier's there.
mgr=$(session_at counter1 manager)
cashier=$(session_at counter1 cashier)
[ ${#mgr} = 64 ] && [ ${#cashier} = 64 ] || fail "cannot open the counter's sessions"

# sell SEAT: a one-seat order paid in cash at the counter; prints
# "order ticket issue"
sell() {
	local o total
	IFS='|' read -r o total <<<"$(counter "SELECT order_id || '|' || total_cents FROM api.select_seat('$cashier', $show, '{$1}')")"
	[ -n "$o" ] || fail "cannot hold $1"
	[ "$(counter "SELECT payment_status FROM api.payment('$cashier', $o,
	        jsonb_build_object('method', 'cash', 'amount_cents', $total))")" = success ] ||
		fail "cannot sell $1"
	echo "$o $(q "SELECT ticket_id || ' ' || issue FROM core.ticket WHERE order_id = $o")"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# sleeping NAME: waits (up to 20 s) until the session of application NAME
# sits in its pg_sleep, its first call done and its locks held
sleeping() {
	for _ in $(seq 400); do
		[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1' AND query LIKE 'SELECT pg_sleep%'
		        AND state = 'active'")" = 1 ] && return 0
		sleep 0.05
	done
	fail "the session $1 never reached its sleep"
}
admit_sql() { echo "SELECT verdict FROM api.admit($2, $1, $3, $show, 'race-door')"; }
refund_sql() { echo "SELECT refund_status FROM api.refund('$mgr', $1, NULL, 'race')"; }

# 1. The scan first, its transaction held open two seconds: the refund waits
#    for it, then finds the ticket admitted.
read -r o t i <<<"$(sell A1)"
PGAPPNAME=race-door psql "$MARQUEE_DOOR_DSN" -XAtq -c "BEGIN" -c "$(admit_sql "$o" "$t" "$i")" -c "SELECT pg_sleep(2)" \
	-c "COMMIT" >"$work/a1" &
sleeping race-door
t0=$(now_ms)
r=$(counter "$(refund_sql "$o")")
waited=$(( $(now_ms) - t0 ))
wait
[ "$(head -1 "$work/a1")" = valid ] || fail "the first scan was not admitted: $(cat "$work/a1")"
[ "$r" = already_admitted ] || fail "a refund after a scan answered '$r'"
[ "$waited" -ge 500 ] || fail "the refund did not wait for the scan's transaction (${waited} ms)"
[ "$(q "SELECT count(*) FROM core.refund WHERE order_id = $o")" = 0 ] || fail "money went back for an admitted ticket"
echo "scan first: admitted; the refund waited ${waited} ms and was refused"

# 2. The refund first, held open: the scan waits, then finds it refunded.
read -r o t i <<<"$(sell A2)"
PGAPPNAME=race-till psql "$MARQUEE_COUNTER_DSN" -XAtq -c "BEGIN" -c "$(refund_sql "$o")" -c "SELECT pg_sleep(2)" \
	-c "COMMIT" >"$work/r2" &
sleeping race-till
t0=$(now_ms)
v=$(psql "$MARQUEE_DOOR_DSN" -XAtqc "$(admit_sql "$o" "$t" "$i")")
waited=$(( $(now_ms) - t0 ))
wait
[ "$(head -1 "$work/r2")" = refunded ] || fail "the first refund failed: $(cat "$work/r2")"
[ "$v" = refunded ] || fail "a scan after a refund answered '$v'"
[ "$waited" -ge 500 ] || fail "the scan did not wait for the refund's transaction (${waited} ms)"
[ "$(q "SELECT admitted_at IS NULL FROM core.ticket WHERE ticket_id = $t")" = t ] || fail "a refunded ticket was admitted"
echo "refund first: refunded; the scan waited ${waited} ms and was refused"

# 3. Pairs let go together: a controller holds an advisory lock; each
#    racer waits for it (shared), so all start the moment it ends.
for p in $(seq "$pairs"); do sell "A$((p + 2))"; done >"$work/sold"
PGAPPNAME=race-gate psql "$MARQUEE_OWNER_DSN" -XAtq -c "BEGIN" -c "SELECT pg_advisory_xact_lock(4242)" \
	-c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null &
sleeping race-gate
n=0
while read -r o t i; do
	n=$((n + 1))
	psql "$MARQUEE_DOOR_DSN" -XAtq -c "BEGIN" -c "SELECT pg_advisory_xact_lock_shared(4242)" \
		-c "$(admit_sql "$o" "$t" "$i")" -c "COMMIT" 2>&1 | grep -v '^$' | tail -1 >"$work/door$n" &
	psql "$MARQUEE_COUNTER_DSN" -XAtq -c "BEGIN" -c "SELECT pg_advisory_xact_lock_shared(4242)" \
		-c "$(refund_sql "$o")" -c "COMMIT" 2>&1 | grep -v '^$' | tail -1 >"$work/till$n" &
done <"$work/sold"
wait
doors=0 tills=0
n=0
while read -r o t i; do
	n=$((n + 1))
	d=$(cat "$work/door$n") r=$(cat "$work/till$n")
	case "$d/$r" in
	valid/already_admitted) doors=$((doors + 1)) ;;
	refunded/refunded) tills=$((tills + 1)) ;;
	*) fail "pair $n (order $o): the door said '$d', the till '$r'" ;;
	esac
done <"$work/sold"
[ "$(q "SELECT count(*) FROM core.ticket WHERE showtime_id = $show AND state = 'refunded' AND admitted_at IS NOT NULL")" = 0 ] ||
	fail "a ticket is both admitted and refunded"
[ "$(q "SELECT coalesce(sum(r.amount_cents), 0) FROM core.refund r JOIN core.orders o USING (order_id) WHERE o.showtime_id = $show")" = \
  "$(q "SELECT coalesce(sum(price_cents), 0) FROM core.ticket WHERE showtime_id = $show AND state = 'refunded'")" ] ||
	fail "the money refunded is not the price of the tickets refunded"
[ "$(q "SELECT count(*) FROM core.showtime_seat ss JOIN core.ticket t ON t.showtime_id = ss.showtime_id AND t.seat_id = ss.seat_id
        WHERE ss.showtime_id = $show AND t.state = 'refunded' AND ss.order_id = t.order_id")" = 0 ] ||
	fail "a refunded ticket's seat still carries its order"
echo "$pairs pairs let go together: the door won $doors, the till $tills; no ticket both; money = tickets refunded"
echo ok
