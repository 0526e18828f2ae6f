#!/bin/bash
# 50-kiosk-words.sh - what a kiosk customer reads, at 80x24 and 120x40: touch
# labels, never function keys; a printer that fails (a missing queue; a print
# server that never answers, within two seconds) sends them to the counter
# with their booking code (the printer's and configuration's words go to the
# log only); sign-out and the idle time-out leave an empty account form; the
# test card field starts empty. At the counter the same print failure shows
# the cause, wrapped rather than cut.
. "$(dirname "$0")/../e2e-lib.sh"

pick_show 15
noqueue=no-such-queue-e2e-$$
# a key's name as a word of its own (not the F7 of a booking code 4F726)
fkeys='(^|[^A-Za-z0-9-])(F[0-9]{1,2}|Esc|Enter)([^A-Za-z0-9]|$)'
# at 120x40 the print server takes the connection and never answers
tests/tools/silent-server.py 300 >"$E2E_DIR/stall.port" &
stall=$!
trap 'e2e_cleanup; kill $stall 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$E2E_DIR/stall.port" ] && break; sleep 0.05; done

for size in 80x24 120x40; do
	w=${size%x*} h=${size#*x}
	cat >"$E2E_DIR/kiosk.conf" <<CONF
terminal = e2e-words-kiosk
mode = kiosk
hold_minutes = 8
idle_seconds = 300
card_driver = test
printer_queue = $noqueue
log = $E2E_DIR/kiosk.log
CONF
	: >"$E2E_DIR/kiosk.log"
	if [ "$size" = 120x40 ]; then
		start k "$E2E_DIR/kiosk.conf" "CUPS_SERVER=127.0.0.1:$(cat "$E2E_DIR/stall.port")"
	else
		start k "$E2E_DIR/kiosk.conf"
	fi
	tm resize-window -t k -x "$w" -y "$h"
	wait_for k "TOUCH HERE"
	[ "$(screen k | wc -l)" -ge "$h" ] || fail "$size: not drawn at $size"
	absent k "$fkeys"
	# My bookings, by touch: sign in, sign out, and the form is empty again
	read -r x y <<<"$(where k "My bookings")"; click k "$x" "$y"
	wait_for k "Sign in to see"
	absent k "$fkeys"
	lit k alice@example.com; keys k Enter
	lit k alice123;          keys k Enter
	wait_for k "Your bookings, Alice Customer"
	# the message line is drawn last: the whole screen is there once it is
	wait_for k "Signed in\. Your bookings are below"
	absent k "$fkeys"
	read -r x y <<<"$(where k "Sign out")"; click k "$x" "$y"
	wait_for k "Signed out"
	absent k "alice@example.com|Alice Customer"
	lit k z
	wait_for k "E-mail    z"              # typing goes to the e-mail field
	read -r x y <<<"$(where k "Password")"; click k "$x" "$y"
	lit k q
	wait_for k "Password  \*"
	read -r x y <<<"$(where k "Back")"; click k "$x" "$y"
	wait_for k "TOUCH HERE"
	# a sale by touch
	read -r x y <<<"$(where k "TOUCH HERE")"; click k "$x" "$y"
	wait_for k "Choose a film"
	for label in Cinema Time Day "My bookings" Home; do
		screen k | grep -q "$label" || fail "$size: no '$label' button on the film list"
	done
	absent k "$fkeys"
	open_show k
	hold_two k
	wait_for k "Ticket types"
	absent k "Types \(key|$fkeys"
	read -r x y <<<"$(where k "   Pay")"; click k $((x + 3)) "$y"
	wait_for k "Insert, swipe or tap your card"
	screen k | grep -Eq "Test terminal card +\(empty" || fail "$size: the test card field does not start empty"
	absent k "4242"
	read -r x y <<<"$(where k "Pay now")"; click k "$x" "$y"
	wait_for k "PAID - card"
	absent k "$fkeys"
	pretty=$(screen k | sed -n 's/.*Booking  \([0-9A-Z]\{4\}-[^ ]*\).*/\1/p' | head -1)
	[ -n "$pretty" ] || fail "$size: no booking code on the paid screen"
	pretty_re=$(printf '%s' "$pretty" | sed 's/[]*$.^[\\]/\\&/g')
	read -r x y <<<"$(where k "Print tickets")"
	t0=$(date +%s%N)
	click k "$x" "$y"
	wait_for k "Please collect your tickets at the counter: booking $pretty_re\." 15
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -le 3000 ] || fail "$size: the print failure took $ms ms to show"
	absent k "kiosk.conf|printer_queue|CUPS|$noqueue|database"
	grep -q "did not print on queue $noqueue" "$E2E_DIR/kiosk.log" || fail "$size: the printer's cause is not in the log"
	grep -q "the customer read \"Please collect" "$E2E_DIR/kiosk.log" || fail "$size: what the customer read is not logged"
	absent k "MARQUEE-EXITED"
	tm kill-session -t k
	echo "$size: kiosk sale by touch, no function keys; print failure in $ms ms: 'Please collect your tickets at the counter: booking $pretty.'"
done

# the idle time-out leaves an empty account form
cat >"$E2E_DIR/idle.conf" <<CONF
terminal = e2e-words-idle
mode = kiosk
idle_seconds = 10
card_driver = test
CONF
start i "$E2E_DIR/idle.conf"
wait_for i "TOUCH HERE"
read -r x y <<<"$(where i "My bookings")"; click i "$x" "$y"
wait_for i "Sign in to see"
lit i bob@example.com
wait_for i "bob@example.com"
wait_for i "TOUCH HERE" 15
read -r x y <<<"$(where i "My bookings")"; click i "$x" "$y"
wait_for i "Sign in to see"
absent i "bob@example.com"
echo "idle time-out: the account form is empty for the next customer"

# the counter sees the cause, wrapped onto two lines at 80 columns; its
# footers keep the way out and back when their hints do not all fit
cat >"$E2E_DIR/counter.conf" <<CONF
terminal = e2e-words-counter
mode = counter
hold_minutes = 8
card_driver = test
printer_queue = $noqueue
CONF
start c "$E2E_DIR/counter.conf"
login c
wait_for c "F10 log out *$"
open_show c
hold_two c
wait_for c "Enter pay .*Esc seats *$"
keys c Enter; wait_for c "Amount due"
wait_for c "Enter/F12 pay .*Esc back *$"
keys c Enter; wait_for c "PAID - cash"
keys c F6
wait_for c "Tickets not printed \(why above\)\. Reprint later from booking [0-9A-Z]{4}-" 15
joined=$(screen c | sed 's/^ *//;s/ *$//' | tr '\n' ' ')
echo "$joined" | grep -q "$noqueue" || fail "the counter does not see which printer"
echo "$joined" | grep -q "The booking is paid and kept: print again when the printer is ready\." ||
	fail "the counter does not see the whole cause"
echo "counter: the print failure's cause shown in full, wrapped"
echo ok
