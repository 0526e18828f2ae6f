#!/bin/bash
# 45-golden.sh - printer bytes against reviewed golden files. A fixed
# booking (tests/golden/fixture.sql) signed with a fixed test key is
# rendered as PostScript, ESC/POS and FGL, and printed as ESC/POS and FGL
# through a private cupsd's raw socket://127.0.0.1:PORT queue into a
# listener; every stream must equal its file in tests/golden/. The ESC/POS
# QR, drawn from its GS v 0 raster, must decode to a ticket our public key
# accepts. After a reviewed change to a layout, refresh the files with
#   MARQUEE_GOLDEN_UPDATE=1 make check
# and look at them (docs/tickets.md says how) before committing.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tickets.sh
. tests/lib/cups.sh

var=$MARQUEE_TEST_VAR/golden
rm -rf "$var"; mkdir -p "$var"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
tools=build/tests/tools
# Ports: cupsd on $MARQUEE_TEST_CUPS_PORT + 4, the printer listener + 5.
port=$((${MARQUEE_TEST_CUPS_PORT:-63511} + 4))
RAWPORT=$((port + 1))
Q=marquee-raw-$port

# A published test key: never use it for real tickets.
seed=4d61727175656520676f6c64656e2074657374206b6579202d206e6f74207573
$tools/keyfile "$var/golden.key" "$var/golden.pub" $seed || exit 1
cat >"$var/golden.conf" <<CONF
terminal = golden-1
signing_key = $var/golden.key
public_key = $var/golden.pub
receipt_queue = $Q
CONF
export MARQUEE_CONFIG=$var/golden.conf MARQUEE_DSN=$MARQUEE_TERM_DSN
code=$(owner_sql -f tests/golden/fixture.sql)
[ -n "$code" ] || { echo "fixture failed"; exit 1; }

# golden NAME FILE: FILE must equal tests/golden/NAME (or becomes it).
golden() {
	if [ "${MARQUEE_GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$2" "tests/golden/$1"; ok "$1 updated"
	elif cmp -s "$2" "tests/golden/$1"; then ok "$1 matches ($(wc -c <"$2") bytes)"
	else
		fail "$1 differs from tests/golden/$1"
		cmp "$2" "tests/golden/$1" | head -3
	fi
}

for d in ps escpos fgl; do
	as_cashier ticket render "$code" --driver $d -o "$var/render.$d" || fail "render $d"
	golden tickets.$d "$var/render.$d"
done
as_cashier ticket render "$code" --driver escpos --receipt -o "$var/receipt.escpos" || fail "render receipt"
golden receipt.escpos "$var/receipt.escpos"
as_cashier ticket render "$code" --driver ps --receipt -o "$var/receipt.ps" || fail "render ps receipt"
golden receipt.ps "$var/receipt.ps"

# Through CUPS to a listener standing in for the printer.
trap 'cups_stop' EXIT
cups_start $port || exit 1
cups_raw_queue $Q $RAWPORT || { echo "cannot add the raw queue"; exit 1; }
for d in escpos fgl; do
	rm -f "$var/captured.$d" "$var/captured.$d.ready"
	$tools/rawsink $RAWPORT "$var/captured.$d" 1 30 &
	sink=$!
	for i in $(seq 1 50); do [ -f "$var/captured.$d.ready" ] && break; sleep 0.1; done
	if out=$(as_cashier ticket print "$code" --queue $Q --driver $d 2>&1); then ok "$d: $out"; else fail "$d print: $out"; fi
	cups_survived "ticket print $code" || fails=$((fails + 1))
	wait $sink || fail "$d: the printer got no job"
	golden tickets.$d "$var/captured.$d"
	# give the claim back so the next driver may print the same issue
	owner_sql -c "SELECT api.print_release('$(session_of cashier)', '$code', 'next driver')" >/dev/null
done

# The receipt goes to receipt_queue as ESC/POS.
rm -f "$var/captured.receipt" "$var/captured.receipt.ready"
$tools/rawsink $RAWPORT "$var/captured.receipt" 1 30 &
sink=$!
for i in $(seq 1 50); do [ -f "$var/captured.receipt.ready" ] && break; sleep 0.1; done
if out=$(as_cashier ticket print "$code" --receipt 2>&1); then ok "receipt: $out"; else fail "receipt print: $out"; fi
cups_survived "ticket print $code --receipt" || fails=$((fails + 1))
wait $sink || fail "receipt: the printer got no job"
golden receipt.escpos "$var/captured.receipt"

# The ESC/POS QR as a thermal printer draws it, read back by zbarimg.
for n in 1 2; do
	$tools/escpos-raster "$var/captured.escpos" $n >"$var/qr$n.pbm" || fail "no raster $n"
	zbarimg -q --raw "$var/qr$n.pbm" 2>/dev/null >>"$var/qr.txt" || fail "QR $n does not decode"
done
[ "$(grep -c '^MQ1' "$var/qr.txt")" = 2 ] && ok "ESC/POS QR codes decode" || fail "ESC/POS QR: $(cat "$var/qr.txt")"
# Signed by the golden key: offline the door knows it is genuine but for
# another day (15 Jun 2030); online the database says the same.
v=$(./marquee scan --offline <"$var/qr.txt")
[ "$(echo "$v" | grep -c '^wrong day: this ticket is for Sat 15 Jun')" = 2 ] && ok "offline: $(echo "$v" | head -1)" ||
	fail "offline verdicts: $v"
v=$(MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$var/qr.txt")
[ "$(echo "$v" | grep -c '^wrong day')" = 2 ] && ok "online: $(echo "$v" | head -1)" || fail "online verdicts: $v"
text=$($tools/escpos-raster "$var/captured.escpos" -t)
for want in "Orbital Decay" "Marquee Golden Gate" "B3" "B4" "Child (under 12)" "USD 12.50" "USD 8.50" \
            "$(echo "$code" | cut -c1-4)-$(echo "$code" | cut -c5-)"; do
	echo "$text" | grep -qF "$want" || fail "ESC/POS text lacks '$want'"
done
grep -q '<QR4,0,1,0>{MQ1' "$var/captured.fgl" && [ "$(grep -c '<p>' "$var/captured.fgl")" = 2 ] &&
	ok "FGL: two tickets, each with its QR" || fail "FGL structure"
grep -o '{MQ1[A-Z2-7]*}' "$var/captured.fgl" | tr -d '{}' | ./marquee scan --offline | grep -c '^wrong day' |
	grep -q 2 && ok "FGL QR payloads verify" || fail "FGL payloads"

[ "$fails" = 0 ] && echo "45-golden: all good" || echo "45-golden: $fails failed"
[ "$fails" = 0 ]
