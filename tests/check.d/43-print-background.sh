#!/bin/bash
# 43-print-background.sh - printing never freezes a screen. A counter's F6
# hands the tickets to a printer that takes the connection and then reads
# nothing (a jammed network printer): the screen says at once that they are
# printing, answers keys meanwhile (the e-mail form opens and closes), and
# when the wait (MARQUEE_PRINT_WAIT, 4 s here) runs out says they did not
# print, the claim given back in the database so they can be printed again;
# then a printer that works prints them, and the screen says so. At 80x24
# and at 120x40.
. "$(dirname "$0")/../e2e-lib.sh"
. tests/lib/tickets.sh
. tests/lib/cups.sh

# Ports: cupsd on $MARQUEE_TEST_CUPS_PORT + 10, the jammed printer + 11.
port=$((${MARQUEE_TEST_CUPS_PORT:-63511} + 10))
jamport=$((port + 1))
J=marquee-jam-$port
P=marquee-bg-pdf-$port
jam=
finish() { [ -n "$jam" ] && kill "$jam" 2>/dev/null; cups_stop; e2e_cleanup; }
trap finish EXIT

cups_start $port || exit 1
cups_raw_queue $J $jamport || fail "cannot add the jammed queue"
cups_pdf_queue $P || fail "cannot add the cups-pdf queue"
# The jammed printer: accepts, reads nothing, holds the connection.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' $jamport &
jam=$!

# sell_cash WAIT: a terminal of jam.conf at $size whose prints wait WAIT
# seconds, a sale paid in cash; its booking code in CODE.
sell_cash() {
	start c "$E2E_DIR/jam.conf" "CUPS_SERVER=$CUPS_SERVER" MARQUEE_PRINT_WAIT=$1
	tm resize-window -t c -x "${size%x*}" -y "${size#*x}"
	login c
	SHOW=$(q "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 2) ORDER BY starts_at, showtime_id OFFSET 9 LIMIT 1")
	open_show c
	to_payment c
	keys c Enter; wait_for c "PAID - cash" 10
	CODE=$(screen c | sed -n 's/.*Booking  \([0-9A-Z]\{4\}-[^ ]*\).*/\1/p' | head -1)
}

for size in 80x24 120x40; do
	cat >"$E2E_DIR/jam.conf" <<CONF
terminal = e2e-jam
mode = counter
card_driver = test
printer_queue = $J
printer_driver = escpos
signing_key = $MARQUEE_TEST_VAR/ticket.key
public_key = $MARQUEE_TEST_VAR/ticket.pub
CONF
	sell_cash 4; code=$CODE
	t0=$(date +%s%N)
	keys c F6
	wait_for c "Printing the tickets of booking $code\.\.\." 2
	t1=$(date +%s%N)
	keys c F7; wait_for c "E-mail receipt to:" 2
	keys c Escape
	absent c "not printed"
	wait_for c "Tickets not printed \(why above\)\. Reprint later from booking $code\." 15
	t2=$(date +%s%N)
	printed=$(q "SELECT count(*) FROM core.ticket t JOIN core.orders o USING (order_id)
	             WHERE o.booking_code = '${code/-/}' AND t.printed_at IS NOT NULL")
	[ "$printed" = 0 ] || fail "$size: the claim was not given back: $printed tickets marked printed"
	echo "$size: F6 answered in $(( (t1 - t0) / 1000000 )) ms; the jam was reported after $(( (t2 - t0) / 1000000 )) ms"
	[ $(( (t1 - t0) / 1000000 )) -lt 2000 ] || fail "$size: the screen took $(( (t1 - t0) / 1000000 )) ms to answer F6"
	tm kill-session -t c

	# The same booking on a printer that works.
	sed -i "s/^printer_queue = .*/printer_queue = $P/; s/^printer_driver = .*/printer_driver = ps/" "$E2E_DIR/jam.conf"
	sell_cash 20; code2=$CODE
	keys c F6
	wait_for c "Tickets of booking $code2 printed\." 20
	tm kill-session -t c
done
echo "43-print-background: ok"
