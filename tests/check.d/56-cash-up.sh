#!/bin/bash
# 56-cash-up.sh - a cashier's shift at a till in the real binary: the drawer
# opened with a float, a cash sale and a card sale, a drop and a paid-out,
# the X report (on screen, and printed with F6), then the count by
# denomination with a shortfall: the Z report shows counted, expected and
# SHORT as the database keeps them, and is printed at the close. Both slips
# go through a private CUPS to a cups-pdf queue (as root; as another user
# the printing is not checked, as in 52-make-run-pdf) and are read back
# with pdftotext: their sums are the database's. The manager's day close is
# refused while the drawer is open, then says what it keeps and closes once
# the day is typed back; the day's takings and shows printed (p) read back.
. "$(dirname "$0")/../e2e-lib.sh"
. tests/lib/cups.sh
. tests/lib/tickets.sh

conf=$(counter_conf)
printing=no
if [ "$(id -u)" -eq 0 ]; then
	port=$((${MARQUEE_TEST_CUPS_PORT:-63511} + 7))
	Q=marquee-cashup-$port
	trap 'e2e_cleanup; cups_stop' EXIT
	cups_start $port || fail "no private cupsd"
	cups_pdf_queue $Q || fail "cannot add the cups-pdf queue"
	printf 'printer_queue = %s\nprinter_driver = ps\n' "$Q" >>"$conf"
	printing=yes
else
	echo "56-cash-up: the printed X and Z reports are not checked: not root (CI runs it as root)"
fi
# slip N: waits for the Nth PDF of the queue, whole; prints its text.
slip() {
	local i pdf
	for i in $(seq 1 300); do
		pdf=$(ls -t "$CUPS_DIR"/pdf/*.pdf 2>/dev/null | head -1)
		if [ "$(ls "$CUPS_DIR"/pdf/*.pdf 2>/dev/null | wc -l)" -ge "$1" ] && pdfinfo "$pdf" >/dev/null 2>&1; then
			cp "$pdf" "$E2E_DIR/slip-$1.pdf"
			pdftotext -layout "$pdf" - | tr -s ' '
			return 0
		fi
		sleep 0.1
	done
	fail "no PDF number $1 from the receipt printer"
}
# slip_holds N WHAT TEXT...: the Nth PDF (the WHAT slip) holds every TEXT.
slip_holds() {
	local n=$1 what=$2 text want
	shift 2
	text=$(slip "$n")
	for want in "$@"; do
		grep -qF -- "$want" <<<"$text" || fail "the $what slip has no '$want': $text"
	done
}
# (a showtime the day after tomorrow, one that 45-notify and 55-back-office do not take)
SHOW=$(q "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 2) ORDER BY starts_at, showtime_id OFFSET 2 LIMIT 1")
[ -n "$SHOW" ] || fail "no showtime the day after tomorrow"
start c "$conf"
login c

# Open the drawer with a float of 100.00.
keys c F7; wait_for c "cash drawer"
keys c F2; wait_for c "Open the drawer with a float"
lit c 100.00; keys c Enter
wait_for c "drawer opened"
wait_for c "X report - till e2e-counter - drawer OPEN"
drawer=$(q "SELECT drawer_id FROM core.drawer WHERE terminal = 'e2e-counter' AND closed_at IS NULL")
[ -n "$drawer" ] || fail "no open drawer in the database"
keys c F2; lit c 10; keys c Enter; wait_for c "open already"
keys c Escape; keys c Escape; wait_for c "Type to search"

# A cash sale (exact) and a card sale.
open_show c
to_payment c
keys c Enter; wait_for c "Booking"
keys c Enter; wait_for c "Type to search"
open_show c
to_payment c
keys c F3; keys c Enter; wait_for c "Booking" 10
keys c Enter; wait_for c "Type to search"
cash=$(q "SELECT sum(p.amount_cents) FROM core.payment p JOIN core.orders o USING (order_id) WHERE o.terminal = 'e2e-counter' AND p.method = 'cash' AND p.created_at >= (SELECT opened_at FROM core.drawer WHERE drawer_id = $drawer)")
[ -n "$cash" ] || fail "no cash sale recorded at the till"

# The manager cannot close the day while the drawer is open.
back_office m "$conf"
keys m F4; wait_for m "Takings by film"
keys m c; wait_for m "Not closed: a drawer is open at e2e-counter: count and close it first"

# A drop of 50.00 and a paid-out of 2.50 for milk; the X report adds up.
keys c F7; wait_for c "X report"
keys c F3; wait_for c "A drop to the safe"
lit c 50.00; keys c Enter; wait_for c "drop recorded"
keys c F4; wait_for c "A paid-out"
lit c 2.50; keys c Enter; wait_for c "say what the paid-out was for"
keys c Tab; lit c milk; keys c Enter; wait_for c "paid-out recorded"
expected=$((10000 + cash - 5000 - 250))
money() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
wait_for c "= Cash expected in drawer +$(money $expected)"
wait_for c "\\+ Cash sales +$(money "$cash")"
if [ $printing = yes ]; then
	keys c F6; wait_for c "X report printed \\(job [0-9]+\\)"
	x=$(slip 1)
	grep -q "X REPORT" <<<"$x" || fail "the X slip: $x"
	grep -q "= Cash expected $(money $expected)" <<<"$x" || fail "the X slip's expected cash: $x"
	grep -q "Drawer $drawer" <<<"$x" || fail "the X slip's drawer: $x"
fi

# The count: 1.00 short, made of the largest notes and coins first.
left=$((expected - 100))
keys c F5; wait_for c "Count the drawer"
for d in 10000 5000 2000 1000 500 100 25 10 5 1; do
	n=$((left / d)); left=$((left - n * d))
	lit c "$n"; keys c Tab
done
keys c Enter
wait_for c "Drawer closed: counted $(money $((expected - 100))), expected $(money $expected), SHORT 1.00"
wait_for c "Z report - till e2e-counter - drawer CLOSED"
wait_for c "SHORT +1.00"
if [ $printing = yes ]; then
	wait_for c "Z report printed"
	z=$(slip 2)
	db=$(q "SELECT d.float_cents, b.cash_sales_cents, b.cash_refunds_cents, b.drops_cents, b.paid_outs_cents,
	               d.expected_cents, b.card_sales_cents, d.counted_cents, d.counted_cents - d.expected_cents
	          FROM core.drawer d, core.drawer_book(d.drawer_id) b WHERE d.drawer_id = $drawer")
	IFS='|' read -r f cs cr dr po ex cd ct os <<<"$db"
	for want in "Z REPORT" "Drawer $drawer" "Float $(money $f)" "+ Cash sales $(money $cs)" \
	            "- Cash refunds $(money $cr)" "- Drops $(money $dr)" "- Paid-outs $(money $po)" \
	            "= Cash expected $(money $ex)" "Card sales (not in drawer) $(money $cd)" "Counted $(money $ct)" \
	            "SHORT $(money $((-os)))"; do
		grep -qF -- "$want" <<<"$z" || fail "the Z slip has no '$want' (the database: $db): $z"
	done
	pdftoppm -r 100 -png "$E2E_DIR/slip-2.pdf" "$E2E_DIR/zreport"
	echo "Z report of drawer $drawer printed and read back: counted $(money $ct), expected $(money $ex), short $(money $((-os)))"
fi
row=$(q "SELECT counted_cents || '|' || expected_cents FROM core.drawer WHERE drawer_id = $drawer")
[ "$row" = "$((expected - 100))|$expected" ] || fail "the drawer row says $row"
[ "$(q "SELECT string_agg(action, ',' ORDER BY audit_id) FROM core.audit_log WHERE action LIKE 'drawer%' AND detail->>'drawer_id' = '$drawer'")" = \
  drawer_open,drawer_drop,drawer_paid_out,drawer_close ] || fail "the drawer's steps are not all in the audit trail"

# Now the day closes: what it keeps is said first, and the day typed back.
today=$(q "SELECT to_char(current_date, 'YYYY-MM-DD')")
keys m c; wait_for m "closing $today keeps cash"
wait_for m "Type the day"
lit m 2000-01-01; keys m Enter; wait_for m "type $today to close it"
keys m C-u; lit m "$today"; keys m Enter
wait_for m "$today closed: net"
[ "$(q "SELECT count(*) FROM core.day_close WHERE day = current_date")" = 1 ] || fail "the day is not closed"
keys m c; wait_for m "Not closed: $today is closed already"

# The takings shown, printed (p): the slip's net is the database's.
if [ $printing = yes ]; then
	mgr=$(session_of manager)
	net=$(q "SELECT coalesce(sum(net_cents), 0) FROM api.report_takings('$mgr', 'film', current_date, current_date)")
	keys m p; wait_for m "Takings report printed \\(job [0-9]+\\)"
	slip_holds 3 takings "TAKINGS" "by film, sale day" "= Net $(money $net)"
	echo "takings of today printed and read back: net $(money $net)"
	# and the shows' occupancy (F5, p) of the day after tomorrow, where this
	# stage sold
	occ=$(q "SELECT coalesce(sum(admissions), 0) || '|' || coalesce(sum(seats), 0) || '|' || coalesce(sum(revenue_cents), 0)
	         FROM api.report_occupancy('$mgr', current_date + 2, current_date + 2)")
	IFS='|' read -r adm seats rev <<<"$occ"
	[ "$rev" -gt 0 ] || fail "no revenue the day after tomorrow: the slip would prove little"
	keys m F5; wait_for m "Occupancy of the shows of"
	keys m Right; keys m Right; wait_for m "Occupancy of the shows of $(date -d '+2 days' '+%a %d %b %Y')"
	keys m p; wait_for m "Shows report printed \\(job [0-9]+\\)"
	slip_holds 4 shows "SHOWS" "Admissions $adm of $seats seats" "= Revenue $(money $rev)"
	echo "the shows of the day after tomorrow printed and read back: $adm of $seats seats, revenue $(money $rev)"
fi
echo ok
