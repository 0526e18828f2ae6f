#!/bin/bash
# 52-make-run-pdf.sh - what a newcomer gets from `make run` on a fresh
# machine: scripts/run.sh (make run's last step) in a directory holding only
# what a fresh clone builds (the binary, scripts/, sql/, kiosk.conf) starts
# its own PostgreSQL and print service; a cashier signs in, sells, presses F6,
# and the screen says where the PDF is. The PDF is there, its QR code reads
# back (pdftoppm + zbarimg) to tickets whose signature the door scanner
# accepts, and
# quitting stops the print service. The print service needs root (cupsd runs
# filters as user lp): as another user the stage says so and checks nothing.
. "$(dirname "$0")/../e2e-lib.sh"
if [ "$(id -u)" -ne 0 ]; then echo "52-make-run-pdf: skipped, not root (CI runs it as root)"; exit 0; fi

top=$(pwd)
fresh=$(mktemp -d /tmp/marquee-fresh.XXXXXX)
chmod 755 "$fresh"
pgport=$((${MARQUEE_TEST_PGPORT:-54339} + 30))
cupsport=$((${MARQUEE_TEST_CUPS_PORT:-63511} + 9))
finish() {
	e2e_cleanup
	(cd "$fresh" && MARQUEE_PGPORT=$pgport scripts/pg.sh destroy ./var) >/dev/null 2>&1
	[ -L "$fresh/var/pdf" ] && rm -rf "$(readlink "$fresh/var/pdf")"
	rm -rf "$fresh"
}
trap finish EXIT
cp -r marquee scripts sql kiosk.conf "$fresh/"

tm new-session -d -s run -x 100 -y 30 \
	"cd '$fresh' && env -u MARQUEE_DSN -u MARQUEE_CONFIG -u CUPS_SERVER -u PGHOST -u PGPORT MARQUEE_PGPORT=$pgport MARQUEE_CUPS_PORT=$cupsport scripts/run.sh 2>>'$E2E_DIR/run.err'; echo MARQUEE-EXITED rc=\$?; sleep 600"
wait_for run "Staff sign-in" 60
login run
keys run Enter;  wait_for run "SCREEN"
keys run 2;      wait_for run "Best 2 together"
keys run Enter;  wait_for run "Seats held"
keys run Enter;  wait_for run "Amount due"
lit run 50;      keys run Enter
wait_for run "CHANGE DUE"
code=$(screen run | sed -n 's/.*Booking  \([0-9A-Z]\{4\}-[0-9A-Z*~$=]\{5\}\).*/\1/p')
keys run F6
wait_for run "Tickets of booking $code printed: PDF files in $(readlink -f "$fresh/var/pdf")\." 10
for _ in $(seq 1 100); do ls "$fresh"/var/pdf/*.pdf >/dev/null 2>&1 && break; sleep 0.1; done
pdf=$(ls "$fresh"/var/pdf/*.pdf 2>/dev/null | head -1)
[ -n "$pdf" ] || fail "no PDF in $fresh/var/pdf ($(readlink -f "$fresh/var/pdf")) after F6"
pdftoppm -r 150 -png "$pdf" "$E2E_DIR/ticket" || fail "pdftoppm cannot read $pdf"
zbarimg -q --raw "$E2E_DIR"/ticket-*.png >"$E2E_DIR/qr.txt" 2>/dev/null
[ "$(wc -l <"$E2E_DIR/qr.txt")" = 2 ] || fail "the PDF's QR codes: $(cat "$E2E_DIR/qr.txt")"
verdicts=$(cd "$fresh" && env -u MARQUEE_CONFIG -u MARQUEE_DSN ./marquee scan --offline <"$E2E_DIR/qr.txt")
# The first show on the list may be another day: "wrong day" is a ticket whose
# signature the scanner checked, as "valid" is; a forged one is "forged".
[ "$(grep -Ec '^(valid|wrong day)' <<<"$verdicts")" = 2 ] || fail "the door scanner on the PDF's tickets: $verdicts"
echo "make run: booking $code printed to $(basename "$pdf"), the door scanner reads both: $(head -1 <<<"$verdicts")"

keys run Enter; sleep 0.5
keys run F10; wait_for run "Staff sign-in"
keys run F10; wait_for run "MARQUEE-EXITED rc=0" 10
gone=no
for _ in $(seq 1 30); do
	lpstat -h "127.0.0.1:$cupsport" -r 2>/dev/null | grep -q "is running" || { gone=yes; break; }
	sleep 0.1
done
[ "$gone" = yes ] || fail "the print service still answers after quitting"
[ ! -e /etc/cups/cups-pdf-marquee-pdf.conf ] || fail "/etc/cups/cups-pdf-marquee-pdf.conf left behind"
echo "52-make-run-pdf: ok"
