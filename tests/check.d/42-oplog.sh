#!/bin/bash
# 42-oplog.sh - the operational log, as a manager reads it: with kiosk.conf
# `log = FILE`, a paused and a missing printer, a ticket that prints, tickets
# refused at the door (forged, already admitted), a database that goes away
# under a running door scanner and comes back, and a notification the mail
# command refuses each leave one line, naming the terminal, the queue, the
# job, the seat; never a ticket's signed text.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tickets.sh
. tests/lib/cups.sh

dir=$MARQUEE_TEST_VAR/oplog
rm -rf "$dir"; mkdir -p "$dir"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
q() { psql "$MARQUEE_OWNER_DSN" -XAtqc "$1"; }
export MARQUEE_DSN=$MARQUEE_TERM_DSN
# Ports: cupsd on $MARQUEE_TEST_CUPS_PORT + 8.
port=$((${MARQUEE_TEST_CUPS_PORT:-63511} + 8))
Q=marquee-log-$port
scanner=
cleanup() {
	q "ALTER ROLE counter1 LOGIN" >/dev/null
	q "ALTER ROLE door1 LOGIN" >/dev/null
	[ -n "$scanner" ] && kill "$scanner" 2>/dev/null
	cups_stop
}
trap cleanup EXIT

[ -f "$MARQUEE_TEST_VAR/ticket.key" ] || ./marquee keys init >/dev/null || { echo "keys init failed"; exit 1; }
log=$dir/marquee.log
{ cat "$MARQUEE_CONFIG"; echo "terminal = door-3"; echo "log = $log"; } >"$dir/log.conf"
export MARQUEE_CONFIG=$dir/log.conf
cups_start $port || exit 1
cups_pdf_queue $Q || { echo "cannot add the cups-pdf queue"; exit 1; }

# has WHAT REGEX: the log has a line matching REGEX (grep -E)
has() {
	if grep -qE "$2" "$log"; then ok "$1: $(grep -E "$2" "$log" | tail -1)"
	else fail "$1: no line like '$2' in the log:"; sed 's/^/  log: /' "$log"; fi
}
line_re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[-+][0-9]{4} door-3 (error|warning|notice|info): '

st=$(soon_showtime)
code=$(paid_booking "$st" '{C1,C2}' 5151)
[ -n "$code" ] || { echo "could not make a paid booking"; exit 1; }
pretty=${code:0:4}-${code:4}
# the check symbol may be * ~ $ = or U: in a regex, as plain text
re_text() { printf '%s' "$1" | sed 's/[]*$.^[\\]/\\&/g'; }
pretty_re=$(re_text "$pretty")
code_re=$(re_text "$code")

# ---- printer failures and a success, with the queue and the job
cupsdisable $Q
as_cashier ticket print "$code" --queue $Q >/dev/null 2>&1 && fail "printed on a paused printer"
has "paused printer" "${line_re}printer: the tickets of booking $pretty_re did not print on queue $Q: .*paused"
as_cashier ticket print "$code" --queue "no-such-queue-$port" >/dev/null 2>&1 && fail "printed on a missing queue"
has "missing printer" "error: printer: the tickets of booking $pretty_re did not print on queue no-such-queue-$port: "
cupsenable $Q
as_cashier ticket print "$code" --queue $Q >/dev/null 2>&1 || fail "print after resume"
cups_survived "ticket print $code" || fails=$((fails + 1))
has "printed" "info: printed the tickets of booking $pretty_re on queue $Q \(job [0-9]+\)$"
as_cashier ticket print "$code" --queue $Q >/dev/null 2>&1 && fail "printed the same issue twice"
has "second print refused" "warning: printing the tickets of booking $code_re refused: "

# ---- refused at the door: forged, already admitted (the seat, never the text)
as_cashier ticket render "$code" --driver escpos -o "$dir/t.escpos" || fail "render"
for n in 1 2; do
	build/tests/tools/escpos-raster "$dir/t.escpos" $n >"$dir/t$n.pbm" && zbarimg -q --raw "$dir/t$n.pbm" 2>/dev/null
done >"$dir/payloads"
[ "$(grep -c '^MQ1' "$dir/payloads")" = 2 ] || fail "QR read back: $(cat "$dir/payloads")"
p1=$(head -1 "$dir/payloads")
[ "${p1:40:1}" = A ] && r=B || r=A
echo "${p1:0:40}$r${p1:41}" | MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan >/dev/null
has "forged ticket" "warning: door refused a forged ticket: "
MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$dir/payloads" | grep -c '^valid' | grep -q 2 || fail "first scan"
MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$dir/payloads" >/dev/null
has "already admitted" "warning: door refused seat C[12] \(order [0-9]+, show $st, issue [0-9]+\): already admitted"
[ "$(grep -c 'door refused seat' "$log")" = 2 ] || fail "not one line a refused ticket: $(grep 'door refused seat' "$log")"
! grep -qF "${p1:3:20}" "$log" && ok "no ticket text in the log" || fail "a ticket's text is in the log"

# ---- the database goes away under a running scanner, and comes back
mkfifo "$dir/scan.in"
MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee scan <"$dir/scan.in" >"$dir/scan.out" 2>"$dir/scan.err" &
scanner=$!
exec 3>"$dir/scan.in"
head -1 "$dir/payloads" >&3	# already admitted: the scanner is connected
for i in $(seq 1 50); do [ -s "$dir/scan.out" ] && break; sleep 0.1; done
q "ALTER ROLE door1 NOLOGIN" >/dev/null
n=$(q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'door1'")
[ "$n" -ge 1 ] || fail "no scanner session to end"
head -1 "$dir/payloads" >&3
for i in $(seq 1 100); do [ "$(wc -l <"$dir/scan.out")" -ge 2 ] && break; sleep 0.1; done
grep -q '^unchecked' "$dir/scan.out" || fail "scanner without database: $(cat "$dir/scan.out")"
q "ALTER ROLE door1 LOGIN" >/dev/null
tail -1 "$dir/payloads" >&3
exec 3>&-
wait "$scanner"
scanner=
sed -n 3p "$dir/scan.out" | grep -q '^already admitted' || fail "scanner after reconnecting: $(cat "$dir/scan.out")"
has "database lost" "error: database connection lost: .*terminat"
has "reconnect refused" "warning: cannot reconnect to the database yet \(retrying\): .*not permitted to log in"
has "database regained" "notice: database connection regained after [0-9]+ s$"
[ "$(grep -c 'database connection lost' "$log")" = 1 ] || fail "the outage is not one line"
has "scan unchecked" "warning: door could not check seat C1 .*: database: no answer"

# ---- a connection that fails from the start
MARQUEE_DSN="host=$dir port=1" ./marquee scan </dev/null 2>/dev/null && fail "scan without a database"
has "connect failure" "error: cannot connect to the database: connection to server on socket .* failed"

# ---- a notification the mail command refuses
oid=$(q "SELECT order_id FROM core.orders WHERE booking_code = '$code'")
[ "$(owner_sql -c "SELECT api.email_receipt('$(session_of cashier)', $oid, 'log@example.com')")" = queued ] ||
	fail "receipt not queued"
{ cat "$MARQUEE_CONFIG"; echo 'sendmail = "cat >/dev/null; exit 75"'; } >"$dir/badmail.conf"
MARQUEE_DSN=${MARQUEE_TERM_DSN/user=counter1/user=marquee_notify} \
	./marquee --config "$dir/badmail.conf" notify --once >/dev/null 2>&1 && fail "notify said success"
has "mail refused" "error: notify: message [0-9]+ \(receipt\) not delivered, kept for a retry: .*status 75"
! grep -q "log@example.com\|exit 75" "$log" && ok "no address or mail command in the log" ||
	fail "an address or the mail command is in the log"
has "notify summary" "warning: notify: [0-9]+ sent, [1-9][0-9]* failed"
{ cat "$MARQUEE_CONFIG"; echo 'sendmail = "cat >/dev/null"'; } >"$dir/goodmail.conf"
MARQUEE_DSN=${MARQUEE_TERM_DSN/user=counter1/user=marquee_notify} \
	./marquee --config "$dir/goodmail.conf" notify --once >/dev/null 2>&1	# leaves the outbox empty

# ---- a command's own failure
as_cashier ticket render "$code" --driver escpos -o "$dir/no/such/dir/t" 2>/dev/null && fail "render to nowhere"
has "command failure" "error: marquee ticket render: $dir/no/such/dir/t: No such file or directory"

# every line has the time, the terminal and a priority
bad=$(grep -cvE "$line_re" "$log")
[ "$bad" = 0 ] && ok "$(wc -l <"$log") lines, each with time, terminal and priority" ||
	fail "$bad lines without time, terminal or priority: $(grep -vE "$line_re" "$log")"
[ $fails = 0 ] || exit 1
echo ok
