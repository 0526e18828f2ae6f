#!/bin/bash
# 50-counter-refund.sh - after the sale at the counter, at 80x24 and at
# 120x40: sell three seats (10.00 cash, the rest by card), F8, find the
# booking by its code typed in lower case without the dash, refund one seat
# (its state and the money back change on screen and in the database, the
# money back to the card), a mistyped code is said to be
# one; then, after the cut-off, a cashier's refund waits for a manager, who
# approves it on the same screen with their sign-in and a reason. A reprint
# with its reason; the keys of a whole refund from the code (must be <= 8
# besides the code).
. "$(dirname "$0")/../e2e-lib.sh"
[ -x build/asan/marquee ] && export MARQUEE_E2E_BIN=${MARQUEE_E2E_BIN:-build/asan/marquee} ASAN_OPTIONS=detect_leaks=1

conf=$(counter_conf)
# The first show three days ahead: no other stage sells it.
SHOW=$(q "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 3) ORDER BY starts_at, showtime_id LIMIT 1")
[ -n "$SHOW" ] || fail "no showtime three days ahead"
loc=$(q "SELECT a.location_id FROM core.showtime st JOIN core.auditorium a USING (auditorium_id) WHERE st.showtime_id = $SHOW")
trap 'q "DELETE FROM core.refund_policy WHERE location_id = $loc" >/dev/null; e2e_cleanup' EXIT

# sell N [split]: sells the best N seats of SHOW for 50.00 cash, or with
# split 10.00 cash and the rest on a card; sets CODE (no dash).
sell() {
	open_show c
	keys c Enter;  wait_for c "SCREEN"
	keys c "$1";   wait_for c "Best $1 together"
	keys c Enter;  wait_for c "Seats held"
	keys c Enter;  wait_for c "Amount due"
	if [ "${2:-}" = split ]; then
		keys c F4;     wait_for c "SPLIT"
		lit c 10;      wait_for c "Card part"
		keys c Enter;  wait_for c "PAID - cash \+ card"
	else
		lit c 50;      keys c Enter
		wait_for c "CHANGE DUE"
	fi
	CODE=$(screen c | sed -n 's/.*Booking  \([0-9A-Z]\{4\}-[0-9A-Z]\{5\}\).*/\1/p' | tr -d -)
	[ -n "$CODE" ] || fail "no booking code on screen"
	keys c Enter; wait_for c "Type to search"
}
# state SEAT: the state of that ticket of booking CODE
state() { q "SELECT t.state FROM core.ticket t JOIN core.seat s USING (seat_id) JOIN core.orders o USING (order_id)
             WHERE o.booking_code = '$CODE' AND s.label = '$1'"; }

for size in 80x24 120x40; do
	start c "$conf"
	tm resize-window -t c -x "${size%x*}" -y "${size#*x}"
	login c
	sell 3 split
	seats=$(q "SELECT string_agg(s.label, ' ' ORDER BY s.row_no, s.col_no) FROM core.ticket t JOIN core.seat s USING (seat_id)
	           JOIN core.orders o USING (order_id) WHERE o.booking_code = '$CODE'")
	read -r s1 s2 s3 <<<"$seats"

	# F8 from the listing; the code in lower case, no dash
	keys c F8; wait_for c "Find a booking"
	lit c "$(tr A-Z a-z <<<"$CODE")"; keys c Enter
	wait_for c "booking ${CODE:0:4}-${CODE:4}"
	wait_for c "$s2 +[a-z]+ +Adult +\\\$[0-9.]+ sold"
	screen c | grep -q "walk-up sale" || fail "$size: the booking view does not say who bought it"
	screen c | grep -Eq "Cash +\\\$" || fail "$size: the booking view does not show the cash tender"
	screen c | grep -Eq "Card .*4242" || fail "$size: the booking view does not show the card tender"
	# refund the second seat: Down, Space marks it, F4, a reason, Enter
	keys c Down; keys c Space; wait_for c "\[x\] $s2"
	keys c F4;   wait_for c "Refund $s2 of"
	lit c "wrong day"; keys c Enter
	wait_for c "Refunded \\\$[0-9.]+ \($s2 refunded\)"
	wait_for c "$s2 +[a-z]+ +Adult +\\\$[0-9.]+ refunded"
	screen c | grep -Eq "$s1 .* sold" || fail "$size: $s1 is not shown sold"
	screen c | grep -q "Status: part refunded" || fail "$size: the booking is not shown part refunded"
	screen c | grep -Eq "back \\\$[1-9]" || fail "$size: the tender does not show the money back"
	screen c | grep -q "refund .*$s2 by cashier: wrong day" || fail "$size: the history does not show the refund and its reason"
	[ "$(state "$s2")/$(state "$s1")" = refunded/sold ] || fail "$size: tickets are $(state "$s2")/$(state "$s1")"
	price=$(q "SELECT t.price_cents FROM core.ticket t JOIN core.seat s USING (seat_id) JOIN core.orders o USING (order_id)
	           WHERE o.booking_code = '$CODE' AND s.label = '$s2'")
	[ "$(q "SELECT sum(amount_cents) FROM core.refund r JOIN core.orders o USING (order_id) WHERE o.booking_code = '$CODE'")" = "$price" ] ||
		fail "$size: the refund in the database is not the seat's price $price"
	# paid 10.00 cash and the rest by card: the seat's money goes back to the card
	[ "$(q "SELECT string_agg(p.method || ':' || r.amount_cents, ' ') FROM core.refund r JOIN core.payment p USING (payment_id)
	        JOIN core.orders o ON o.order_id = r.order_id WHERE o.booking_code = '$CODE'")" = "card:$price" ] ||
		fail "$size: one seat of a cash + card sale is not refunded to the card"
	[ "$(q "SELECT status FROM api.seat_map($SHOW) WHERE seat = '$s2'")" = available ] || fail "$size: $s2 is not for sale again"

	# a mistyped code: one symbol changed
	keys c Escape; wait_for c "Find a booking"
	c0=${CODE:0:1}; [ "$c0" = A ] && typo=B${CODE:1} || typo=A${CODE:1}
	for _ in 1 2 3 4 5 6 7 8 9; do keys c BSpace; done
	lit c "$typo"; keys c Enter
	wait_for c "is not a booking code: a symbol is mistyped"

	# after the cut-off: needs a manager, who approves here
	q "INSERT INTO core.refund_policy (location_id, cutoff_minutes) VALUES ($loc, 100000)
	   ON CONFLICT (location_id) DO UPDATE SET cutoff_minutes = 100000" >/dev/null
	for _ in 1 2 3 4 5 6 7 8 9; do keys c BSpace; done
	lit c "${CODE:0:4}-${CODE:4}"; keys c Enter
	wait_for c "booking ${CODE:0:4}-${CODE:4}"
	keys c F4; wait_for c "Refund every seat of"
	keys c Enter
	wait_for c "before the show: a manager"
	wait_for c "Manager"
	[ "$(state "$s1")" = sold ] || fail "$size: refunded without approval"
	lit c cashier; keys c Tab; lit c cashier1; keys c Tab; lit c "late"; keys c Enter
	wait_for c "not a manager's"
	[ "$(state "$s1")" = sold ] || fail "$size: a cashier approved a refund"
	keys c F4; keys c Enter; wait_for c "before the show: a manager"
	lit c manager; keys c Tab; lit c manager1; keys c Tab; lit c "projector broke"; keys c Enter
	wait_for c "Refunded \\\$[0-9.]+ \($s1 $s3 refunded\)" 10
	wait_for c "Status: refunded"
	screen c | grep -q "approved by manager: proj" || fail "$size: the history does not name the approver"
	[ "$(state "$s1")/$(state "$s3")" = refunded/refunded ] || fail "$size: not all refunded"
	[ "$(q "SELECT count(*) FROM core.session s JOIN core.app_user u USING (user_id)
	        WHERE u.username = 'manager' AND s.terminal = 'e2e-counter' AND s.ended_at IS NULL")" = 0 ] ||
		fail "$size: the manager's approving session was left open"
	q "DELETE FROM core.refund_policy WHERE location_id = $loc" >/dev/null
	echo "$size: sold $CODE ($seats), refunded $s2 then, approved, $s1 $s3"

	keys c Escape; wait_for c "Find a booking"
	keys c Escape; wait_for c "Type to search"
	keys c F10;    wait_for c "Staff sign-in"
	keys c F10;    wait_for c "MARQUEE-EXITED rc=0"
	tm kill-session -t c
done

# A reprint from the booking screen, with its reason; then the whole
# booking refunded from its code, counting the keys (the code aside).
start c "$conf"
login c
sell 2
# F8 on a seat map: the bookings of its show
open_show c
keys c Enter; wait_for c "SCREEN"
keys c F8;    wait_for c "Find a booking: #$SHOW"
wait_for c "${CODE:0:4}-${CODE:4} .* paid"
keys c Escape; wait_for c "SCREEN"
keys c Escape; wait_for c "Type to search"
# a code typed into the showtimes search points to F8
keys c C-u; lit c "$CODE"; wait_for c "That looks like a booking code: F8"
keys c Escape
keys c F8; wait_for c "Find a booking"
lit c "$CODE"; keys c Enter; wait_for c "booking ${CODE:0:4}-${CODE:4}"
keys c F6; wait_for c "Reprint the tickets of"
lit c "customer lost them"; keys c Enter
wait_for c "(Reprinted|Reissued) as issue 1" 10
wait_for c "reprint reason +customer lost them"
[ "$(q "SELECT string_agg(DISTINCT t.issue::text, ',') FROM core.ticket t JOIN core.orders o USING (order_id) WHERE o.booking_code = '$CODE'")" = 1 ] ||
	fail "the reprint did not make issue 1"
[ "$(q "SELECT n.body FROM core.booking_note n JOIN core.orders o USING (order_id) WHERE o.booking_code = '$CODE' AND n.kind = 'reprint'")" = "customer lost them" ] ||
	fail "the reprint's reason was not recorded"
echo "reprint: issue 1, reason recorded; $(screen c | grep -E 'Reprinted|Reissued' | sed 's/^ *//')"
keys c Escape; wait_for c "Find a booking"
for _ in 1 2 3 4 5 6 7 8 9; do keys c BSpace; done
keys c Escape; wait_for c "Type to search"
n=0
keys c F8;    n=$((n + 1)); wait_for c "Find a booking"
lit c "$CODE"
keys c Enter; n=$((n + 1)); wait_for c "booking ${CODE:0:4}-${CODE:4}"
keys c F4;    n=$((n + 1)); wait_for c "Refund every seat"
keys c Enter; n=$((n + 1)); wait_for c "Status: refunded"
echo "refund a whole booking from its code: $n keys besides the code"
[ "$n" -le 8 ] || fail "$n keys"
keys c Escape; keys c Escape; wait_for c "Type to search"
keys c F10;    wait_for c "Staff sign-in"
keys c F10;    wait_for c "MARQUEE-EXITED rc=0"
echo ok
