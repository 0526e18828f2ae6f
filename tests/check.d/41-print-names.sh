#!/bin/bash
# 41-print-names.sh - every job Marquee sends to CUPS, under the names the
# command line and the screens give it, leaves the print service running.
# Debian 12's cups-daemon 2.4.2-3+deb12u10 dies on a Send-Document whose
# document-name holds a space on a queue with a PPD (cups-pdf here); Marquee
# names its jobs without spaces and its documents not at all
# (docs/tickets.md). After each print the private cupsd must still be alive,
# so a crash is told apart from a refused job; the last check kills cupsd to
# show that the alive check can fail.
. "$(dirname "$0")/../e2e-lib.sh"
. tests/lib/tickets.sh
. tests/lib/cups.sh

fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
# Ports: cupsd on $MARQUEE_TEST_CUPS_PORT + 6, the receipt printer's listener + 7.
port=$((${MARQUEE_TEST_CUPS_PORT:-63511} + 6))
rawport=$((port + 1))
P=marquee-names-pdf-$port
R=marquee-names-raw-$port
trap 'cups_stop; e2e_cleanup' EXIT

cups_start $port || exit 1
cups_pdf_queue $P || { echo "cannot add the cups-pdf queue"; exit 1; }
cups_raw_queue $R $rawport || { echo "cannot add the raw queue"; exit 1; }
[ -f "$MARQUEE_TEST_VAR/ticket.key" ] || ./marquee keys init >/dev/null || { echo "keys init failed"; exit 1; }
pdfs() { find "$CUPS_DIR/pdf" -name '*.pdf' | wc -l; }
# job_names QUEUE: the names of QUEUE's jobs, done or not, a line each
# (lpstat gives the ids, ipptool Get-Job-Attributes each name)
job_names() {
	local id
	cat >"$E2E_DIR/job.test" <<'T'
{
 OPERATION Get-Job-Attributes
 GROUP operation-attributes-tag
 ATTR charset attributes-charset utf-8
 ATTR naturalLanguage attributes-natural-language en
 ATTR uri job-uri $uri
 ATTR name requesting-user-name root
 ATTR keyword requested-attributes job-name
 DISPLAY job-name
}
T
	for id in $(lpstat -W all -o "$1" | sed -n "s/^$1-\([0-9]*\) .*/\1/p"); do
		ipptool -t "ipp://$CUPS_SERVER/jobs/$id" "$E2E_DIR/job.test" 2>/dev/null |
			sed -n 's/^ *job-name (nameWithoutLanguage) = //p'
	done
}

st=$(soon_showtime)
code=$(paid_booking "$st" '{A1,A2}' 4141)
[ -n "$code" ] || { echo "could not make a paid booking"; exit 1; }
pretty=${code:0:4}-${code:4}

# ---- the command line: tickets (PostScript to cups-pdf) and a receipt
before=$(pdfs)
out=$(as_cashier ticket print "$code" --queue $P 2>&1) && ok "ticket print: $out" || bad "ticket print: $out"
cups_survived "marquee ticket print (job tickets-$pretty)" && ok "cupsd alive after ticket print" ||
	fails=$((fails + 1))
# no receipt_queue: the receipt goes to printer_queue as PostScript
printf 'signing_key = %s\npublic_key = %s\nprinter_queue = %s\nprinter_driver = ps\n' \
	"$MARQUEE_TEST_VAR/ticket.key" "$MARQUEE_TEST_VAR/ticket.pub" $P >"$E2E_DIR/receipt.conf"
out=$(MARQUEE_CONFIG=$E2E_DIR/receipt.conf as_cashier ticket print "$code" --receipt 2>&1) &&
	ok "receipt print: $out" || bad "receipt print: $out"
cups_survived "marquee ticket print --receipt (job receipt-$pretty)" && ok "cupsd alive after receipt print" ||
	fails=$((fails + 1))
cups_wait_idle $P 30 || bad "queue $P did not empty"
[ "$(pdfs)" -ge $((before + 2)) ] && ok "cups-pdf wrote both jobs" || bad "cups-pdf wrote $(($(pdfs) - before)) of 2"
names=$(job_names $P)
echo "$names" | sed 's/^/  job: /'
echo "$names" | grep -Fqx "tickets-$pretty" && ok "lpstat names the tickets job tickets-$pretty" ||
	bad "no job named tickets-$pretty"
echo "$names" | grep -Fqx "receipt-$pretty" && ok "the receipt job is receipt-$pretty" || bad "no job named receipt-$pretty"
echo "$names" | grep -q ' ' && bad "a job name holds a space"

# ---- the screens: a cash sale at the counter kicks the drawer (receipt
# queue), then F6 prints the tickets (printer queue)
cat >"$E2E_DIR/names.conf" <<CONF
terminal = e2e-names
mode = counter
hold_minutes = 8
card_driver = test
printer_queue = $P
printer_driver = ps
receipt_queue = $R
signing_key = $MARQUEE_TEST_VAR/ticket.key
public_key = $MARQUEE_TEST_VAR/ticket.pub
CONF
rm -f "$E2E_DIR/drawer.bin" "$E2E_DIR/drawer.bin.ready"
build/tests/tools/rawsink $rawport "$E2E_DIR/drawer.bin" 1 30 &
sink=$!
for i in $(seq 1 50); do [ -f "$E2E_DIR/drawer.bin.ready" ] && break; sleep 0.1; done
pick_show 14
start c "$E2E_DIR/names.conf" "CUPS_SERVER=$CUPS_SERVER"
login c
open_show c
to_payment c
keys c Enter; wait_for c "CHANGE DUE" 10
wait $sink && ok "the drawer got its kick" || bad "the drawer got nothing"
cups_survived "the counter's cash sale (job marquee-drawer)" && ok "cupsd alive after the drawer kick" ||
	fails=$((fails + 1))
[ "$(od -An -tx1 "$E2E_DIR/drawer.bin" | tr -d ' \n' | cut -c1-4)" = 1b70 ] && ok "drawer bytes are ESC p" ||
	bad "drawer bytes: $(od -An -tx1 "$E2E_DIR/drawer.bin")"
before=$(pdfs)
keys c F6; wait_for c "Tickets of booking [^ ]+ printed|not printed" 30
screen c | grep -Eq "Tickets of booking [^ ]+ printed" && ok "the screen printed the tickets" ||
	bad "screen: $(screen c | grep -i print)"
cups_survived "the counter's F6 print (job tickets-...)" && ok "cupsd alive after the screen's print" ||
	fails=$((fails + 1))
cups_wait_idle $P 30
[ "$(pdfs)" -gt "$before" ] && ok "cups-pdf wrote the screen's tickets" || bad "no PDF from the screen"
names=$(job_names $R; job_names $P)
echo "$names" | grep -Fqx "marquee-drawer" && ok "the drawer job is marquee-drawer" || bad "no job named marquee-drawer: $(echo "$names" | tr "\n" " ")"
echo "$names" | grep -q ' ' && bad "a job name holds a space: $names"
keys c Enter; wait_for c "Type to search"
keys c F10;   wait_for c "Staff sign-in"
keys c F10;   wait_for c "MARQUEE-EXITED rc=0"

# ---- the alive check itself: a cupsd that died is reported as a crash
kill -SEGV "$CUPS_PID"
wait "$CUPS_PID" 2>/dev/null
if msg=$(cups_survived "the check's own test"); then bad "a dead cupsd passed for alive"
else echo "$msg" | grep -q "crashed" && ok "a dead cupsd is reported: $(echo "$msg" | head -1 | cut -c1-60)..." ||
	bad "dead cupsd message: $msg"; fi
CUPS_PID=

[ "$fails" = 0 ] && echo "41-print-names: all good" || echo "41-print-names: $fails failed"
[ "$fails" = 0 ]
