#!/bin/bash
# 40-print.sh - tickets through a real CUPS: a private cupsd with a cups-pdf
# queue; a booking paid through the api is printed with `marquee ticket
# print`, the PDF turned into PNG, the QR read back with zbarimg, and the
# door (`marquee scan`) lets it in once and refuses it the second time.
# Then a paused printer, a missing printer and reprints: clear messages,
# nothing lost, the booking prints once the printer is back.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tickets.sh
. tests/lib/cups.sh

var=$MARQUEE_TEST_VAR/print
rm -rf "$var"; mkdir -p "$var"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
export MARQUEE_DSN=$MARQUEE_TERM_DSN	# the terminal role: api functions only
# Ports: a private cupsd on $MARQUEE_TEST_CUPS_PORT (default 63511); the
# queue name carries the port, so two checkouts testing at once do not share
# a cups-pdf settings file.
port=${MARQUEE_TEST_CUPS_PORT:-63511}
Q=marquee-pdf-$port

trap 'cups_stop' EXIT
[ -f "$MARQUEE_TEST_VAR/ticket.key" ] || ./marquee keys init >/dev/null || { echo "keys init failed"; exit 1; }
cups_start $port || exit 1
cups_pdf_queue $Q || { echo "cannot add the cups-pdf queue"; exit 1; }

pdf_count() { find "$CUPS_DIR/pdf" -name '*.pdf' | wc -l; }
# wait_pdf N: waits until there are N PDFs, the queue is idle and the
# newest PDF is whole; prints its name.
wait_pdf() {
	local i newest
	for i in $(seq 1 300); do
		if [ "$(pdf_count)" -ge "$1" ] && [ -z "$(lpstat -o $Q 2>/dev/null)" ]; then
			newest=$(ls -t "$CUPS_DIR"/pdf/*.pdf | head -1)
			if pdfinfo "$newest" >/dev/null 2>&1; then
				echo "$newest"
				return 0
			fi
		fi
		sleep 0.1
	done
	return 1
}
# qr_of PDF PREFIX: each page as PNG (PREFIX-N.png), and its QR text, a line each.
qr_of() {
	pdftoppm -r 200 -png "$1" "$2" || return 1
	for png in "$2"-*.png; do zbarimg -q --raw "$png" 2>/dev/null; done
}

st=$(soon_showtime)
[ -n "$st" ] || { echo "no showtime"; exit 1; }

# ---- a paid booking printed, read back, admitted once
code=$(paid_booking "$st" '{A5,A6}' 4242)
[ -n "$code" ] || { echo "could not make a paid booking"; exit 1; }
if out=$(as_cashier ticket print "$code" --queue $Q 2>&1); then ok "printed: $out"; else fail "print: $out"; fi
cups_survived "ticket print $code" || fails=$((fails + 1))
pdf=$(wait_pdf 1) || { fail "no PDF from cups-pdf"; cat "$CUPS_DIR/log/error_log"; exit 1; }
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
size=$(pdfinfo "$pdf" | awk '/^Page size:/ {print $3 "x" $5}')
[ "$pages" = 2 ] && ok "2 tickets, 2 pages" || fail "PDF has $pages pages, not 2"
[ "$size" = 396x144 ] && ok "ticket-sized pages (5.5 x 2 in)" || fail "page size $size"
qr_of "$pdf" "$var/ticket" >"$var/payloads" || fail "pdftoppm"
cp "$var/ticket-1.png" "$MARQUEE_TEST_VAR/ticket.png" 2>/dev/null
[ "$(grep -c '^MQ1' "$var/payloads")" = 2 ] && ok "both QR codes read back" || fail "QR read back: $(cat "$var/payloads")"
pdftotext "$pdf" - | grep -q "ADMIT ONE" && pdftotext "$pdf" - | grep -q "$(echo "$code" | cut -c1-4)-" &&
	ok "ticket text has ADMIT ONE and the booking code" || fail "ticket text"

first=$(MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/payloads")
echo "$first" | sed 's/^/  door: /'
[ "$(echo "$first" | grep -c '^valid')" = 2 ] && ok "door lets both in" || fail "first scan: $first"
second=$(MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/payloads")
[ "$(echo "$second" | grep -c '^already admitted')" = 2 ] && ok "second scan refused: already admitted" ||
	fail "second scan: $second"
offline=$(./marquee scan --offline <"$var/payloads")
[ "$(echo "$offline" | grep -c '^valid')" = 2 ] && ok "offline scan checks the signature" || fail "offline: $offline"
# The scanner's clock in a zone where the show starts at 00:05 tomorrow:
# its doors are open (90 minutes before), though the calendar says tomorrow.
starts=$(owner_sql -c "SELECT extract(epoch FROM starts_at)::bigint FROM core.showtime WHERE showtime_id = $st")
off=$(( ((5 - (starts % 86400) / 60) % 1440 + 1440) % 1440 )); [ $off -ge 720 ] && off=$((off - 1440))
tz=$(printf 'XXX%s%02d:%02d' "$([ $off -ge 0 ] && echo - || echo +)" $(( ${off#-} / 60 )) $(( ${off#-} % 60 )))
late=$(TZ=$tz ./marquee scan --offline <"$var/payloads")
[ "$(echo "$late" | grep -c '^valid: .*show .* 00:05')" = 2 ] &&
	ok "offline just before midnight: the 00:05 show's tickets are let in" || fail "offline across midnight ($tz): $late"
p1=$(head -1 "$var/payloads")
[ "${p1:40:1}" = A ] && r=B || r=A
tampered=${p1:0:40}$r${p1:41}
echo "$tampered" | MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan | grep -q '^forged' && ok "a tampered QR is forged" || fail "tampered accepted"

# ---- printing the same issue twice needs a reprint
if out=$(as_cashier ticket print "$code" --queue $Q 2>&1); then fail "second print allowed: $out"
else echo "$out" | grep -q "already printed" && ok "second print refused: $out" || fail "second print: $out"; fi
cups_survived "ticket print $code" || fails=$((fails + 1))

# ---- a paused printer: a clear message, nothing claimed, prints once resumed
code2=$(paid_booking "$st" '{B5}' 1111)
before=$(pdf_count)
cupsdisable $Q
if out=$(as_cashier ticket print "$code2" --queue $Q 2>&1); then fail "printed on a paused printer"
else
	echo "$out" | grep -q "paused" && echo "$out" | grep -q "paid and kept" &&
		ok "paused: $out" || fail "paused message: $out"
fi
cups_survived "ticket print $code2" || fails=$((fails + 1))
[ "$(echo "$out" | wc -l)" = 1 ] || fail "message is not one line"
[ -z "$(lpstat -o $Q)" ] && ok "no job left in the paused queue" || fail "a job waits: $(lpstat -o $Q)"
status=$(owner_sql -c "SELECT status FROM core.orders WHERE booking_code = '$code2'")
[ "$status" = success ] && ok "booking still paid" || fail "booking is $status"
printed=$(owner_sql -c "SELECT count(*) FROM core.ticket t JOIN core.orders o USING (order_id)
                        WHERE o.booking_code = '$code2' AND t.printed_at IS NOT NULL")
[ "$printed" = 0 ] && ok "nothing marked printed" || fail "$printed tickets marked printed"
cupsenable $Q
if out=$(as_cashier ticket print "$code2" --queue $Q 2>&1); then ok "printed after resume"; else fail "after resume: $out"; fi
cups_survived "ticket print $code2" || fails=$((fails + 1))
pdf2=$(wait_pdf $((before + 1))) || fail "no PDF after resume"
qr_of "$pdf2" "$var/resumed" >"$var/payloads2"
MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/payloads2" | grep -q '^valid' && ok "resumed ticket admits" || fail "resumed scan"

# ---- a missing printer and a stopped print service
code3=$(paid_booking "$st" '{C5,C6}' 2222)
if out=$(as_cashier ticket print "$code3" --queue no-such-printer 2>&1); then fail "printed to a missing queue"
else echo "$out" | grep -q "no printer called 'no-such-printer'" && ok "missing: $out" || fail "missing: $out"; fi
cups_survived "ticket print $code3" || fails=$((fails + 1))
if out=$(CUPS_SERVER=127.0.0.1:1 as_cashier ticket print "$code3" --queue $Q 2>&1); then fail "printed without CUPS"
else echo "$out" | grep -q "not running" && ok "no CUPS: $out" || fail "no CUPS: $out"; fi
cups_survived "ticket print $code3" || fails=$((fails + 1))
# a print server that takes the connection and never answers: refused within
# two seconds, not after libcups's own thirty
tests/tools/silent-server.py 60 >"$var/stall.port" &
stall=$!
for _ in $(seq 50); do [ -s "$var/stall.port" ] && break; sleep 0.05; done
t0=$(date +%s%N)
if out=$(CUPS_SERVER=127.0.0.1:$(cat "$var/stall.port") timeout 40 ./marquee ticket print "$code3" --queue $Q \
	--user cashier --password-stdin <<<cashier1 2>&1); then
	fail "printed to a silent print server"
else
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	# two seconds for the print server, and the cashier's sign-in before it
	# (an Argon2id proof, a few hundred milliseconds on a busy machine)
	echo "$out" | grep -q "did not answer within two seconds" && [ "$ms" -le 3000 ] &&
		ok "silent CUPS answered in $ms ms: $out" || fail "silent CUPS ($ms ms): $out"
fi
kill "$stall" 2>/dev/null; wait "$stall" 2>/dev/null
before=$(pdf_count)
as_cashier ticket print "$code3" --queue $Q >/dev/null 2>&1 && ok "prints once the queue is right" || fail "print code3"
cups_survived "ticket print $code3" || fails=$((fails + 1))
pdf3=$(wait_pdf $((before + 1))) || fail "no PDF for code3"
qr_of "$pdf3" "$var/old" >"$var/old-payloads"

# ---- an offline printer (nothing answers on its socket): the job is
# cancelled after MARQUEE_PRINT_WAIT seconds, the claim given back, and the
# tickets print once the printer answers
OFF=marquee-off-$port
offport=$((port + 2))
cups_raw_queue $OFF $offport || fail "cannot add the offline queue"
code4=$(paid_booking "$st" '{D1,D2}' 3333)
if out=$(MARQUEE_PRINT_WAIT=3 as_cashier ticket print "$code4" --queue $OFF --driver escpos 2>&1); then
	fail "printed to an offline printer: $out"
else
	echo "$out" | grep -q "switched on and connected" && echo "$out" | grep -q "paid and kept" &&
		ok "offline: $out" || fail "offline message: $out"
fi
cups_survived "ticket print $code4" || fails=$((fails + 1))
[ -z "$(lpstat -o $OFF)" ] && ok "the stuck job was cancelled" || fail "a job waits: $(lpstat -o $OFF)"
rm -f "$var/off.bin" "$var/off.bin.ready"
build/tests/tools/rawsink $offport "$var/off.bin" 1 30 &
sink=$!
for i in $(seq 1 50); do [ -f "$var/off.bin.ready" ] && break; sleep 0.1; done
if out=$(as_cashier ticket print "$code4" --queue $OFF --driver escpos 2>&1); then ok "printer back: $out"
else fail "printer back: $out"; fi
cups_survived "ticket print $code4" || fails=$((fails + 1))
wait $sink || fail "the printer got nothing"
for n in 1 2; do
	build/tests/tools/escpos-raster "$var/off.bin" $n >"$var/off$n.pbm" &&
		zbarimg -q --raw "$var/off$n.pbm" 2>/dev/null
done >"$var/off-payloads"
MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/off-payloads" | grep -c '^valid' | grep -q 2 && ok "thermal tickets admit" ||
	fail "thermal tickets: $(MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/off-payloads")"

# ---- reprint: proof needed (a guest at a kiosk proves with the card's last four
# digits), earlier copies stop working, counted and logged
if out=$(as_kiosk ticket reprint "$code3" --last4 9999 --queue $Q 2>&1); then fail "reprint with wrong digits"
else echo "$out" | grep -q "not the last four digits" && ok "wrong card digits refused" || fail "wrong digits: $out"; fi
cups_survived "ticket reprint $code3" || fails=$((fails + 1))
before=$(pdf_count)
if out=$(as_kiosk ticket reprint "$code3" --last4 2222 --queue $Q 2>&1); then ok "reprint: $(echo "$out" | head -1)"
else fail "reprint: $out"; fi
cups_survived "ticket reprint $code3" || fails=$((fails + 1))
pdf4=$(wait_pdf $((before + 1))) || fail "no PDF for the reprint"
qr_of "$pdf4" "$var/new" >"$var/new-payloads"
pdftotext "$pdf4" - | grep -q REPRINT && ok "reprint says REPRINT" || fail "no REPRINT mark"
MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/old-payloads" | grep -c '^reissued' | grep -q 2 && ok "old copies: reissued" ||
	fail "old copies: $(MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/old-payloads")"
MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/new-payloads" | grep -c '^valid' | grep -q 2 && ok "new copies admit" || fail "new copies"
n=$(owner_sql -c "SELECT count(*) FROM core.reprint_log r JOIN core.orders o USING (order_id)
                  WHERE o.booking_code = '$code3' AND r.proof = 'card'")
[ "$n" = 1 ] && ok "reprint logged once" || fail "reprint_log has $n rows"
# the cashier's way (signed in) needs no card
as_cashier ticket reprint "$code3" --no-print >/dev/null && ok "staff reprint" || fail "staff reprint"
n=$(owner_sql -c "SELECT count(*) FROM core.reprint_log r JOIN core.orders o USING (order_id)
                  WHERE o.booking_code = '$code3' AND r.proof = 'staff'
                    AND r.staff_id = (SELECT user_id FROM core.app_user WHERE username = 'cashier')")
[ "$n" = 1 ] && ok "staff reprint logged with the cashier of the session" || fail "staff reprint logged $n times"
./marquee ticket reprint "$code3" --no-print >/dev/null 2>&1 && fail "reprint with no one signed in and no proof"
./marquee ticket reprint "$code3" --user cashier --password-stdin --no-print <<<wrong-password >/dev/null 2>&1 &&
	fail "reprint with a wrong password"

# ---- eight door scanners read the same new ticket at once: one lets it in
code5=$(paid_booking "$st" '{D8}' 5555)
as_cashier ticket render "$code5" --driver fgl -o "$var/race.fgl" || fail "render for the race"
grep -o '{MQ1[A-Z2-7]*}' "$var/race.fgl" | tr -d '{}' >"$var/race-payload"
for i in 1 2 3 4 5 6 7 8; do MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/race-payload" >"$var/race.$i" & done
wait_for=$(jobs -p | grep -v "^${CUPS_PID}$")
wait $wait_for
valid=$(cat "$var"/race.? | grep -c '^valid')
again=$(cat "$var"/race.? | grep -c '^already admitted')
[ "$valid" = 1 ] && [ "$again" = 7 ] && ok "8 scanners at once: 1 valid, 7 already admitted" ||
	fail "race: $valid valid, $again already admitted"

# ---- a customer's own account may reprint; a stranger without the card's digits may not
# (customers and guests at a kiosk)
code6=$(owner_sql -v st="$st" -v s="$(session_of alice@example.com)" <<'SQL'
SELECT order_id AS oid, booking_code AS code, total_cents AS total
  FROM api.select_seat(:'s', :st, '{D7}') \gset
SELECT :'code' FROM api.payment(:'s', :oid, jsonb_build_object('method', 'card', 'amount_cents', :total,
                                'last4', '7777', 'auth_code', 'A7', 'terminal_ref', 'check-' || :oid))
 WHERE payment_status = 'success';
SQL
)
as_kiosk ticket reprint "$code6" --last4 0000 --no-print >/dev/null 2>&1 &&
	fail "reprint by a stranger"
as_kiosk ticket reprint "$code6" --user alice@example.com --no-print <<<alice123 >/dev/null &&
	ok "reprint by the owner's account" || fail "owner reprint"

# ---- counters print (not admit), the door admits (not print); neither reaches core
for f in order_tickets order_payments print_claim print_release reprint admit; do
	g=$(owner_sql -c "SELECT bool_and(has_function_privilege('marquee_counter', p.oid, 'EXECUTE'))
	                         || '|' || bool_and(has_function_privilege('marquee_door', p.oid, 'EXECUTE'))
	                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	                  WHERE n.nspname = 'api' AND p.proname = '$f'")
	if [ "$f" = admit ]; then want='false|true'; else want='true|false'; fi
	[ "$g" = "$want" ] || fail "api.$f: counter|door may execute: $g, not $want"
done
psql -X -Atq "$MARQUEE_TERM_DSN" -c "SELECT count(*) FROM core.reprint_log" >/dev/null 2>&1 &&
	fail "terminal reads core.reprint_log" || ok "terminal role: api yes, core no"

[ "$fails" = 0 ] && echo "40-print: all good" || echo "40-print: $fails failed"
[ "$fails" = 0 ]
