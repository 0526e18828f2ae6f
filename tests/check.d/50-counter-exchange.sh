#!/bin/bash
# 50-counter-exchange.sh - exchanges at the counter, at 80x24 and at
# 120x40, on a film of its own with three shows (a matinee, a standard show
# the day after, a matinee the day after that): two matinee seats found by
# their code (F8) move to the same film's next show (F5, the show under
# the cursor, the best seats on its seat map, Enter, Enter): the dearer
# seats' difference is paid in cash on the payment screen and the new
# tickets print (F6, through a private cupsd with a cups-pdf queue, as in
# 40-print); the old tickets no longer open the door. Then two standard
# seats move to the next matinee: the difference comes back in cash. Counts the keys of the first exchange (the code aside; must be
# <= 12).
. "$(dirname "$0")/../e2e-lib.sh"
. tests/lib/tickets.sh
. tests/lib/cups.sh
[ -x build/asan/marquee ] && export MARQUEE_E2E_BIN=${MARQUEE_E2E_BIN:-build/asan/marquee} ASAN_OPTIONS=detect_leaks=1

port=${MARQUEE_TEST_CUPS_PORT:-63511}
Q=marquee-pdf-$port
cups_start "$port" || fail "cannot start cupsd"
cups_pdf_queue $Q || { cups_stop; fail "cannot add the cups-pdf queue"; }
conf=$(counter_conf)
printf 'printer_queue = %s\nsigning_key = %s\npublic_key = %s\n' "$Q" "$MARQUEE_TEST_VAR/ticket.key" \
	"$MARQUEE_TEST_VAR/ticket.pub" >>"$conf"
movie=$(q "INSERT INTO core.movie (title, runtime_min) VALUES ('Exchange Check $$', 90) RETURNING movie_id")
hall=$(q "INSERT INTO core.auditorium (location_id, name, rows, cols)
          SELECT min(location_id), 'Exchange $$', 2, 10 FROM core.location RETURNING auditorium_id")
q "INSERT INTO core.seat (auditorium_id, label, row_no, col_no)
   SELECT $hall, chr(64 + r) || c, r, c FROM generate_series(1, 2) r CROSS JOIN generate_series(1, 10) c" >/dev/null
# show DAYS PLAN: a show of the film DAYS days from now at 10:00, priced by PLAN
show() {
	q "INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
	   SELECT $movie, $hall, date_trunc('day', now()) + make_interval(days => $1, hours => 10),
	          date_trunc('day', now()) + make_interval(days => $1, hours => 12),
	          (SELECT price_plan_id FROM core.price_plan WHERE name = '$2') RETURNING showtime_id"
}
S1=$(show 6 Matinee) S2=$(show 7 Standard) S3=$(show 8 Matinee)
[ -n "$S1" ] && [ -n "$S2" ] && [ -n "$S3" ] || fail "cannot make the shows"
trap 'q "UPDATE core.showtime SET cancelled = true WHERE showtime_id IN ($S1, $S2, $S3)" >/dev/null; e2e_cleanup; cups_stop' EXIT
cashier=$(session_at counter1 cashier)

# sell SHOW SEATS: sold for cash at the counter (by the cashier's session);
# sets CODE (no dash) and ORDER
sell() {
	local o total
	IFS='|' read -r o total <<<"$(psql "$MARQUEE_COUNTER_DSN" -XAtqc \
		"SELECT order_id || '|' || total_cents FROM api.select_seat('$cashier', $1, '$2')")"
	[ -n "$o" ] || fail "cannot hold $2 of show $1"
	[ "$(psql "$MARQUEE_COUNTER_DSN" -XAtqc "SELECT payment_status FROM api.payment('$cashier', $o,
	        jsonb_build_object('method', 'cash', 'amount_cents', $total))")" = success ] || fail "cannot sell $2"
	ORDER=$o
	CODE=$(q "SELECT booking_code FROM core.orders WHERE order_id = $o")
}
# exchanged_to ORDER: the order its seats went to
exchanged_to() { q "SELECT to_order_id FROM core.exchange WHERE from_order_id = $1"; }
when2=$(q "SELECT to_char(starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI') FROM core.showtime st
           JOIN core.auditorium a USING (auditorium_id) JOIN core.location l USING (location_id) WHERE showtime_id = $S2")
when3=$(q "SELECT to_char(starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI') FROM core.showtime st
           JOIN core.auditorium a USING (auditorium_id) JOIN core.location l USING (location_id) WHERE showtime_id = $S3")

for size in 80x24 120x40; do
	start c "$conf" "CUPS_SERVER=$CUPS_SERVER"
	tm resize-window -t c -x "${size%x*}" -y "${size#*x}"
	login c

	# Up: two matinee seats (19.00) to the next show (25.00), 6.00 paid in cash.
	sell "$S1" '{A1,A2}'
	old=$ORDER
	n=0
	keys c F8;    n=$((n + 1)); wait_for c "Find a booking"
	lit c "$CODE"
	keys c Enter; n=$((n + 1)); wait_for c "booking ${CODE:0:4}-${CODE:4}"
	wait_for c "F5 exchange"
	keys c F5;    n=$((n + 1)); wait_for c "Exchange 2 seat\(s\) of ${CODE:0:4}-${CODE:4} .* to which show\?"
	screen c | grep -F "$when2" | grep -q "Exchange Check" || fail "$size: the film's next show is not listed"
	keys c Enter; n=$((n + 1)); wait_for c "SCREEN"
	wait_for c "Exchange of ${CODE:0:4}-${CODE:4}: 2 seat"
	wait_for c "Best 2 together"
	keys c Enter; n=$((n + 1)); wait_for c "To pay: \\\$6\.00 more"
	screen c | grep -q "for [A-B][0-9]* [A-B][0-9]*, $when2" || fail "$size: the confirmation does not name the new show"
	[ "$(q "SELECT status FROM core.orders WHERE order_id = $old")" = success ] || fail "$size: exchanged before Enter"
	keys c Enter; n=$((n + 1)); wait_for c "Amount due +\\\$6\.00"
	# not a key of the exchange: Esc would cancel the new booking, so it is refused
	keys c Escape; wait_for c "The exchange is made: take the difference"
	keys c Enter; n=$((n + 1)); wait_for c "PAID - cash"
	new=$(exchanged_to "$old")
	[ -n "$new" ] || fail "$size: no exchange in the database"
	keys c F6;    n=$((n + 1)); wait_for c "Tickets (of booking [0-9A-Z-]+ )?(not )?printed" 20
	screen c | grep -q "Tickets of booking [0-9A-Z-]* printed" || fail "$size: the new tickets did not print"
	echo "$size: exchange a booking to the same film's next show: $n keys besides the code"
	[ "$n" -le 12 ] || fail "$size: $n keys"
	[ "$(q "SELECT status || ' ' || showtime_id || ' ' || total_cents FROM core.orders WHERE order_id = $new")" = "success $S2 2500" ] ||
		fail "$size: the new booking is $(q "SELECT status || ' ' || showtime_id || ' ' || total_cents FROM core.orders WHERE order_id = $new")"
	[ "$(q "SELECT sum(amount_cents) FROM core.payment WHERE order_id = $new")" = 600 ] || fail "$size: the difference was not paid"
	[ "$(q "SELECT status FROM core.orders WHERE order_id = $old")" = exchanged ] || fail "$size: the old booking is not exchanged"
	[ "$(q "SELECT string_agg(DISTINCT state, ',') FROM core.ticket WHERE order_id = $old")" = exchanged ] ||
		fail "$size: the old tickets are not exchanged"
	[ "$(q "SELECT count(*) FROM core.print_log WHERE order_id = $new AND event = 'claimed'")" = 1 ] ||
		fail "$size: the new tickets were not printed once"
	read -r t i <<<"$(q "SELECT ticket_id || ' ' || issue FROM core.ticket WHERE order_id = $old LIMIT 1")"
	v=$(psql "$MARQUEE_DOOR_DSN" -XAtqc "SELECT verdict FROM api.admit($t, $old, $i, $S1, 'check')")
	[ "$v" = exchanged ] || fail "$size: an old ticket at the door: '$v'"
	echo "$size: $CODE (A1 A2) exchanged for $(q "SELECT booking_code FROM core.orders WHERE order_id = $new"), 6.00 paid; old tickets refused"
	keys c Enter; wait_for c "Type to search"

	# Down: two standard seats (25.00) to the next matinee (19.00), 6.00 back in cash.
	sell "$S2" '{B1,B2}'
	old=$ORDER
	keys c F8;    wait_for c "Find a booking"
	lit c "$CODE"; keys c Enter; wait_for c "booking ${CODE:0:4}-${CODE:4}"
	keys c F5;    wait_for c "to which show\?"
	screen c | grep -F "$when3" | grep -q "Exchange Check" || fail "$size: the next matinee is not listed"
	keys c Enter; wait_for c "Best 2 together"
	keys c Enter; wait_for c "Back: \\\$6\.00, as it was paid"
	keys c Enter; wait_for c "PAID - exchanged, money back"
	wait_for c "Give \\\$6\.00 cash from the drawer"
	new=$(exchanged_to "$old")
	[ "$(q "SELECT status || ' ' || showtime_id || ' ' || total_cents FROM core.orders WHERE order_id = $new")" = "success $S3 1900" ] ||
		fail "$size: the new booking is $(q "SELECT status || ' ' || showtime_id FROM core.orders WHERE order_id = $new")"
	[ "$(q "SELECT sum(r.amount_cents) || ' ' || min(p.method) FROM core.refund r JOIN core.payment p USING (payment_id)
	        WHERE r.order_id = $old")" = "600 cash" ] || fail "$size: the difference did not go back in cash"
	echo "$size: $CODE (B1 B2) exchanged for $(q "SELECT booking_code FROM core.orders WHERE order_id = $new"), 6.00 back in cash"
	keys c Enter; wait_for c "Type to search"

	# The exchanged booking shows where its seats went.
	keys c F8; wait_for c "Find a booking"
	lit c "$CODE"; keys c Enter; wait_for c "booking ${CODE:0:4}-${CODE:4}"
	wait_for c "B1 +[a-z]+ +Adult +\\\$[0-9.]+ exchanged"
	screen c | grep -q "exchange .*B1 B2 to" || fail "$size: the history does not show the exchange"
	keys c Escape; wait_for c "Find a booking"
	keys c Escape; wait_for c "Type to search"
	keys c F10;    wait_for c "Staff sign-in"
	keys c F10;    wait_for c "MARQUEE-EXITED rc=0"
	tm kill-session -t c
done
echo ok
