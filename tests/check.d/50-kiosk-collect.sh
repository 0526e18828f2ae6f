#!/bin/bash
# 50-kiosk-collect.sh - after the sale at the kiosk: a guest collects a
# booking bought elsewhere with its code and the card's last four digits
# (a mistyped code and wrong digits refused, the wrong try counted; then a
# new issue made for this print), another with the e-mail address of the
# purchase instead (a wrong address refused and counted), and a signed-in customer cancels their own
# card booking within the policy: refunded to the card through the card
# terminal, seats for sale again.
. "$(dirname "$0")/../e2e-lib.sh"
[ -x build/asan/marquee ] && export MARQUEE_E2E_BIN=${MARQUEE_E2E_BIN:-build/asan/marquee} ASAN_OPTIONS=detect_leaks=1

conf=$(kiosk_conf 90)
# The second show three days ahead: no other stage sells it.
SHOW=$(q "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 3) ORDER BY starts_at, showtime_id OFFSET 1 LIMIT 1")
[ -n "$SHOW" ] || fail "no showtime three days ahead"
# paid_by_card SESSION SEATS: a booking paid by a card ending 4242, made
# through the kiosk's login by SESSION (opened there); prints "order_id code"
kiosk() { psql "$MARQUEE_KIOSK_DSN" -XAtqc "$1"; }
paid_by_card() {
	local row oid total code
	row=$(kiosk "SELECT order_id || '|' || total_cents || '|' || booking_code
	      FROM api.select_seat('$1', $SHOW, ARRAY(SELECT seat FROM api.seat_map($SHOW) WHERE status = 'available'
	           AND kind = 'standard' ORDER BY row_no, col_no LIMIT $2))")
	IFS='|' read -r oid total code <<<"$row"
	[ -n "$oid" ] && [ "$(kiosk "SELECT payment_status FROM api.payment('$1', $oid,
	     '{\"method\":\"card\",\"amount_cents\":$total,\"last4\":\"4242\",\"auth_code\":\"A1\",\"terminal_ref\":\"WEB-$oid\"}')")" = success ] ||
		fail "cannot make a booking"
	echo "$oid $code"
}

# --- a guest collects (the booking another guest's, bought at a kiosk)
read -r oid code <<<"$(paid_by_card "$(kiosk "SELECT session FROM api.sign_in_guest('e2e-web')")" 2)"
pretty="${code:0:4}-${code:4}"
start k "$conf"
wait_for k "TOUCH HERE"
read -r x y <<<"$(where k "Collect tickets")"; click k "$x" "$y"
wait_for k "Collect tickets you bought"
c0=${code:0:1}; [ "$c0" = A ] && typo=B${code:1} || typo=A${code:1}
lit k "$typo"; keys k Enter; lit k 4242; keys k Enter
wait_for k "typing mistake"
keys k Up; for _ in $(seq 10); do keys k BSpace; done
lit k "$(tr A-Z a-z <<<"$pretty")"; keys k Enter
lit k 1111; keys k Enter
wait_for k "not the last four digits"
[ "$(q "SELECT count(*) FROM core.rate_event WHERE bucket = 'reprint:$code:fail' AND NOT ok")" = 1 ] ||
	fail "the wrong digits were not counted"
[ "$(q "SELECT max(issue) FROM core.ticket WHERE order_id = $oid")" = 0 ] || fail "wrong digits made a new issue"
lit k 4242; keys k Enter
wait_for k "Your tickets are printing|Please collect your tickets at the counter: booking $pretty\."
[ "$(q "SELECT max(issue) || ' ' || (SELECT proof FROM core.reprint_log WHERE order_id = $oid) FROM core.ticket WHERE order_id = $oid")" = "1 card" ] ||
	fail "the collection made no new issue proven by the card"
echo "guest collected $pretty with the card's last four: $(screen k | grep -E 'printing|collect your' | sed 's/^ *//')"
keys k Escape; wait_for k "TOUCH HERE"

# --- a guest collects with the e-mail address of the purchase
gs=$(kiosk "SELECT session FROM api.sign_in_guest('e2e-web')")
read -r eoid ecode <<<"$(paid_by_card "$gs" 1)"
[ "$(kiosk "SELECT api.email_receipt('$gs', $eoid, 'pat@example.com')")" = queued ] || fail "no receipt went to pat@example.com"
epretty="${ecode:0:4}-${ecode:4}"
read -r x y <<<"$(where k "Collect tickets")"; click k "$x" "$y"
wait_for k "or the e-mail address you bought with"
lit k "$epretty"; keys k Enter
lit k eve@example.com; keys k Enter
wait_for k "not the e-mail address"
[ "$(q "SELECT count(*) FROM core.rate_event WHERE bucket = 'reprint:$ecode:fail' AND NOT ok")" = 1 ] ||
	fail "the wrong address was not counted"
lit k Pat@Example.com; keys k Enter
wait_for k "Your tickets are printing|Please collect your tickets at the counter: booking $epretty\."
[ "$(q "SELECT max(issue) || ' ' || (SELECT proof FROM core.reprint_log WHERE order_id = $eoid) FROM core.ticket WHERE order_id = $eoid")" = "1 email" ] ||
	fail "the collection made no new issue proven by the e-mail"
echo "guest collected $epretty with the e-mail of the purchase (a wrong address refused and counted)"
keys k Escape; wait_for k "TOUCH HERE"

# --- a customer cancels their own booking
alice=$(q "SELECT user_id FROM core.app_user WHERE email = 'alice@example.com'")
. tests/lib/tickets.sh
read -r aoid acode <<<"$(paid_by_card "$(session_at kiosk1 alice@example.com)" 1)"
apretty="${acode:0:4}-${acode:4}"
seat=$(q "SELECT s.label FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = $aoid")
read -r x y <<<"$(where k "My bookings")"; click k "$x" "$y"
wait_for k "Sign in to see"
lit k alice@example.com; keys k Enter
lit k alice123;          keys k Enter
wait_for k "Your bookings, Alice Customer"
wait_for k "$apretty"
# the cursor onto it (the list is newest show first, as api.my_bookings)
at=$(q "SELECT n - 1 FROM (SELECT o.order_id, row_number() OVER (ORDER BY st.starts_at DESC) AS n
        FROM core.orders o JOIN core.showtime st USING (showtime_id)
        WHERE o.user_id = $alice AND o.status IN ('success', 'refunded')) x WHERE order_id = $aoid")
for _ in $(seq "$at"); do keys k Down; done
read -r bx by <<<"$(where k "Cancel booking")"; click k "$bx" "$by"
wait_for k "Touch Cancel booking again"
[ "$(q "SELECT status FROM core.orders WHERE order_id = $aoid")" = success ] || fail "cancelled on the first touch"
click k "$bx" "$by"
wait_for k "Refunded \\\$[0-9.]+ \($seat refunded\)\. \\\$[0-9.]+ back to card ending 4242\." 10
[ "$(q "SELECT status FROM core.orders WHERE order_id = $aoid")" = refunded ] || fail "Alice's booking is not refunded"
[ "$(q "SELECT c.state FROM core.refund_card c JOIN core.refund r USING (refund_id) WHERE r.order_id = $aoid")" = done ] ||
	fail "the card refund was not made through the card terminal"
grep -q "^refund-$aoid-[0-9]* refunded " "$MARQUEE_CARD_TEST_DIR/journal" || fail "the card terminal's journal has no refund"
[ "$(q "SELECT status FROM api.seat_map($SHOW) WHERE seat = '$seat'")" = available ] || fail "$seat is not for sale again"
echo "Alice cancelled $apretty: refunded to her card, $seat for sale again"
echo ok
