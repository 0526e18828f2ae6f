#!/bin/bash
# 32-refund-race.sh - a refund racing a door scan of the same ticket:
# exactly one wins. Both take the order row first (the lock order of
# sql/schema/00-roles.sql), so whichever comes second sees what the first
# did. Two ordered races (a scan holding its transaction open while the
# refund waits, and the other way round), then pairs let go at the same
# instant by an advisory lock; afterwards no ticket is both admitted and
# refunded, each pair has one winner, and the money refunded is the price
# of the tickets refunded. Then a mixed run (4., below) adds sellers,
# exchanges and a door scanning while refunds run. Runs on a show of its
# own starting now (the door admits only today's shows), cancelled at the
# end. The seats are sold at
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

# new_show NAME MINUTES PLAN: a hall NAME of one row of 40 seats, and a show
# in it starting in MINUTES, priced by PLAN; prints the show's id
new_show() {
	local hall
	hall=$(q "INSERT INTO core.auditorium (location_id, name, rows, cols)
	          SELECT min(location_id), '$1', 1, 40 FROM core.location RETURNING auditorium_id")
	q "INSERT INTO core.seat (auditorium_id, label, row_no, col_no) SELECT $hall, 'A' || c, 1, c FROM generate_series(1, 40) c"
	q "INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
	   SELECT min(movie_id), $hall, now() + interval '$2 minutes', now() + interval '2 hours',
	          (SELECT price_plan_id FROM core.price_plan WHERE name = '$3') FROM core.movie
	   RETURNING showtime_id"
}
show=$(new_show "Refund race $$" 2 Standard)
[ -n "$show" ] || fail "cannot make a show"
show2= limit=
# cleanup: the shows cancelled, the hold limit as it was, the work files gone
cleanup() {
	[ -z "$limit" ] || q "UPDATE core.setting SET value = '$limit' WHERE name = 'holds_per_minute'" >/dev/null
	q "UPDATE core.showtime SET cancelled = true WHERE showtime_id IN ($show${show2:+, $show2})" >/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
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

# 4. A mixed run on this show and a second one in a hall alike (a
#    matinee, so an exchange between them changes the price): sellers hold
#    and pay, a till refunds, another exchanges single seats between the
#    shows (paying the difference when the new seat costs more), and the
#    door admits whatever ticket it is shown, all at once. Afterwards no
#    seat is in two live orders, money in = money kept + money refunded,
#    and no refunded or exchanged ticket was admitted. The hold limits are
#    lifted for the run (a session may make 20 holds a minute).
show2=$(new_show "Refund race $$ b" 3 Matinee)
[ -n "$show2" ] || fail "cannot make the second show"
limit=$(q "SELECT value FROM core.setting WHERE name = 'holds_per_minute'")
q "UPDATE core.setting SET value = '0' WHERE name = 'holds_per_minute'" >/dev/null
ops=${MARQUEE_REFUND_RACE_OPS:-30}
shows=("$show" "$show2")
# a random show, and a random seat free on it now (or none)
any_show() { echo "${shows[$((RANDOM % 2))]}"; }
free_seat() { q "SELECT s.label FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
                 WHERE ss.showtime_id = $1 AND core.seat_free(ss.state, ss.held_until) ORDER BY random() LIMIT 1"; }
paid_order() { q "SELECT order_id FROM core.orders WHERE showtime_id IN ($show, $show2) AND status = 'success'
                  ORDER BY random() LIMIT 1"; }
seller() {	# seller N: holds a free seat and pays it in cash, ops times
	local sess st seat
	sess=$(session_at counter1 cashier)
	for _ in $(seq "$ops"); do
		st=$(any_show); seat=$(free_seat "$st")
		[ -n "$seat" ] || continue
		counter "SELECT CASE WHEN h.selection_status = 'held' THEN (api.payment('$sess', h.order_id,
		             jsonb_build_object('method', 'cash', 'amount_cents', h.total_cents))).payment_status
		             ELSE h.selection_status END
		           FROM api.select_seat('$sess', $st, '{$seat}') h" 2>&1
	done >"$work/seller$1"
}
refunder() {	# refunds a random paid order (all of it, or one seat), ops times
	local o seat
	for _ in $(seq "$ops"); do
		o=$(paid_order); [ -n "$o" ] || continue
		seat=NULL
		[ $((RANDOM % 2)) = 0 ] && seat="'{$(q "SELECT s.label FROM core.ticket t JOIN core.seat s USING (seat_id)
		                                      WHERE t.order_id = $o AND t.state = 'sold' LIMIT 1")}'"
		counter "SELECT refund_status FROM api.refund('$mgr', $o, $seat, 'race')" 2>&1
	done >"$work/refunder"
}
exchanger() {	# moves one seat of a random paid order to a free seat of either show, ops times
	local sess o seat st new r status due to
	sess=$(session_at counter1 manager)
	for _ in $(seq "$ops"); do
		o=$(paid_order); [ -n "$o" ] || continue
		seat=$(q "SELECT s.label FROM core.ticket t JOIN core.seat s USING (seat_id)
		          WHERE t.order_id = $o AND t.state = 'sold' ORDER BY random() LIMIT 1")
		st=$(any_show); new=$(free_seat "$st")
		[ -n "$seat" ] && [ -n "$new" ] || continue
		r=$(counter "SELECT x.exchange_status || ' ' || coalesce(x.due_cents, 0) || ' ' || coalesce(x.new_order_id, 0)
		               FROM api.select_seat('$sess', $st, '{$new}') h
		              CROSS JOIN LATERAL api.exchange('$sess', $o, '{$seat}', h.order_id, 'race') x" 2>&1)
		read -r status due to <<<"$r"
		echo "$status"
		if [ "$status" = exchanged ] && [ "$due" -gt 0 ]; then
			[ "$(counter "SELECT payment_status FROM api.payment('$sess', $to,
			        jsonb_build_object('method', 'cash', 'amount_cents', $due))")" = success ] ||
				echo "difference unpaid on $to"
		fi
	done >"$work/exchanger"
}
door() {	# shows the door a random ticket of either show (sold, refunded or exchanged), 3 x ops times
	local t o i st
	for _ in $(seq $((ops * 3))); do
		read -r t o i st <<<"$(q "SELECT ticket_id, order_id, issue, showtime_id FROM core.ticket
		                          WHERE showtime_id IN ($show, $show2) AND state IN ('sold', 'refunded', 'exchanged')
		                          ORDER BY random() LIMIT 1" | tr '|' ' ')"
		[ -n "$t" ] || continue
		echo "$t $(psql "$MARQUEE_DOOR_DSN" -XAtqc "SELECT verdict FROM api.admit($t, $o, $i, $st, 'race-door')" 2>&1)"
	done >"$work/door"
}
for w in 1 2; do seller $w & done
sleep 1
refunder & exchanger & door &
wait
sold=$(cat "$work"/seller* | grep -c '^success$')
exchanged=$(grep -c '^exchanged$' "$work/exchanger")
refunded=$(grep -c '^refunded$' "$work/refunder")
admitted=$(grep -c ' valid$' "$work/door")
bad=$(cat "$work"/seller* "$work/refunder" "$work/exchanger" "$work/door" | grep -E 'ERROR|unpaid' | head -3)
[ -z "$bad" ] || fail "a call failed: $bad"
[ "$exchanged" -gt 0 ] && [ "$refunded" -gt 0 ] && [ "$sold" -gt 0 ] ||
	fail "the run did too little: $sold sold, $refunded refunds, $exchanged exchanges"
ids="$show, $show2"
[ "$(q "SELECT count(*) FROM (SELECT 1 FROM core.ticket WHERE showtime_id IN ($ids) AND state IN ('held', 'sold')
        GROUP BY showtime_id, seat_id HAVING count(*) > 1) x")" = 0 ] || fail "a seat is in two live orders"
[ "$(q "SELECT count(*) FROM core.showtime_seat ss WHERE ss.showtime_id IN ($ids) AND ss.state = 'sold'
        AND NOT EXISTS (SELECT 1 FROM core.ticket t JOIN core.orders o USING (order_id)
                         WHERE t.showtime_id = ss.showtime_id AND t.seat_id = ss.seat_id AND t.order_id = ss.order_id
                           AND t.state = 'sold' AND o.status = 'success')")" = 0 ] ||
	fail "a sold seat is not a sold ticket of a paid order"
[ "$(q "SELECT count(*) FROM core.ticket t JOIN core.orders o USING (order_id) WHERE t.showtime_id IN ($ids)
        AND t.state = 'sold' AND (o.status <> 'success' OR NOT EXISTS (SELECT 1 FROM core.showtime_seat ss
            WHERE ss.showtime_id = t.showtime_id AND ss.seat_id = t.seat_id AND ss.order_id = t.order_id
              AND ss.state = 'sold'))")" = 0 ] || fail "a sold ticket's seat is not sold to its order"
money=$(q "SELECT (SELECT coalesce(sum(p.amount_cents), 0) FROM core.payment p JOIN core.orders o USING (order_id)
                    WHERE o.showtime_id IN ($ids)) || ' ' ||
                  ((SELECT coalesce(sum(t.price_cents), 0) FROM core.ticket t WHERE t.showtime_id IN ($ids) AND t.state = 'sold')
                 + (SELECT coalesce(sum(ra.fee_cents), 0) FROM core.refund_action ra JOIN core.orders o USING (order_id)
                     WHERE o.showtime_id IN ($ids))
                 + (SELECT coalesce(sum(core.order_held(o.order_id)), 0) FROM core.orders o
                     WHERE o.showtime_id IN ($ids) AND o.status IN ('initiated', 'pending'))) || ' ' ||
                  (SELECT coalesce(sum(r.amount_cents), 0) FROM core.refund r JOIN core.orders o USING (order_id)
                    WHERE o.showtime_id IN ($ids))")
read -r paid kept back <<<"$money"
[ "$paid" = $((kept + back)) ] || fail "money in $paid is not money kept $kept + money refunded $back"
[ "$(q "SELECT count(*) FROM core.ticket WHERE showtime_id IN ($ids) AND state IN ('refunded', 'exchanged')
        AND admitted_at IS NOT NULL")" = 0 ] || fail "a refunded or exchanged ticket was admitted"
while read -r t v; do
	[ "$v" = valid ] || continue
	[ "$(q "SELECT state || ' ' || (admitted_at IS NOT NULL) FROM core.ticket WHERE ticket_id = $t")" = "sold true" ] ||
		fail "ticket $t was let in but is $(q "SELECT state FROM core.ticket WHERE ticket_id = $t")"
done <"$work/door"
echo "mixed run: $sold sold, $refunded refunds, $exchanged exchanges, $admitted admitted at the door;" \
     "no seat twice, money in $paid = kept $kept + refunded $back, no refunded or exchanged ticket admitted"
echo ok
