#!/bin/bash
# 45-notify.sh - `marquee notify --once` delivers the outbox through the
# configured sendmail command; a refusing command leaves the message queued
# with its error, and the next run delivers it.
set -u
cd "$(dirname "$0")/../.."
dir=${MARQUEE_TEST_VAR:-/tmp}/notify
rm -rf "$dir"; mkdir -p "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql "$MARQUEE_OWNER_DSN" -XAtqc "$1"; }
t() { psql "$MARQUEE_TERM_DSN" -XAtqc "$1"; }
. tests/lib/tickets.sh
# marquee notify logs in as marquee_notify; a terminal may not read the outbox
NOTIFY_DSN=${MARQUEE_TERM_DSN/user=counter1/user=marquee_notify}
t "SELECT count(*) FROM notifier.outbox_claim(1)" >/dev/null 2>&1 && fail "a terminal can read the outbox"

# a paid order and a receipt for it, made at the counter by the cashier's
# session (signed in at the counter's login)
s=$(session_at counter1 cashier)
show=$(t "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 2) ORDER BY starts_at DESC LIMIT 1")
seat=$(t "SELECT seat FROM api.seat_map($show) WHERE status = 'available' AND kind = 'standard' ORDER BY row_no, col_no LIMIT 1")
row=$(t "SELECT order_id || '|' || total_cents FROM api.select_seat('$s', $show, '{$seat}')")
oid=${row%%|*}; total=${row#*|}
[ "$(t "SELECT payment_status FROM api.payment('$s', $oid, '{\"method\":\"cash\",\"amount_cents\":$total}')")" = success ] ||
	fail "cannot pay the test order"
[ "$(t "SELECT api.email_receipt('$s', $oid, 'not an address')")" = invalid_email ] || fail "bad address accepted"
[ "$(t "SELECT api.email_receipt('$s', $oid, 'Pat@Example.com')")" = queued ] || fail "receipt not queued"
id=$(q "SELECT max(outbox_id) FROM core.outbox WHERE recipient = 'pat@example.com'")

# sendmail that refuses
cat >"$dir/bad.conf" <<CONF
sendmail = "cat >/dev/null; exit 75"
CONF
MARQUEE_DSN=$NOTIFY_DSN ./marquee --config "$dir/bad.conf" notify --once >"$dir/out1" 2>"$dir/err1" &&
	fail "notify said success although sendmail failed"
grep -q "exited with status 75" "$dir/err1" || fail "no reason given: $(cat "$dir/err1")"
[ "$(q "SELECT (sent_at IS NULL) || '|' || attempts || '|' || (last_error LIKE '%75%') FROM core.outbox WHERE outbox_id = $id")" = "true|1|true" ] ||
	fail "refused message not kept for a retry"

# sendmail that writes each message to a file
cat >"$dir/good.conf" <<CONF
sendmail = "cat >>$dir/mail.txt"
CONF
MARQUEE_DSN=$NOTIFY_DSN ./marquee --config "$dir/good.conf" notify --once >"$dir/out2" 2>"$dir/err2" ||
	fail "notify failed: $(cat "$dir/err2")"
[ "$(q "SELECT sent_at IS NOT NULL FROM core.outbox WHERE outbox_id = $id")" = t ] || fail "not marked sent"
grep -q "^To: pat@example.com" "$dir/mail.txt" || fail "no To: header"
code=$(q "SELECT core.booking_code_pretty(booking_code) FROM core.orders WHERE order_id = $oid")
grep -qF "Subject: Your receipt: booking $code" "$dir/mail.txt" || fail "no subject"
grep -q "Seats: $seat adult" "$dir/mail.txt" || fail "receipt body: $(cat "$dir/mail.txt")"
# nothing is sent twice
MARQUEE_DSN=$NOTIFY_DSN ./marquee --config "$dir/good.conf" notify --once >"$dir/out3" 2>&1 || fail "second run failed"
[ "$(grep -cF "Subject: Your receipt: booking $code" "$dir/mail.txt")" = 1 ] || fail "a message was sent twice"
echo "outbox delivered: $(cat "$dir/out2")"

# each run also closes holds that ran out: a part-paid one gets its money back
# (a three-second hold, part-paid on the same connection at once)
seat2=$(t "SELECT seat FROM api.seat_map($show) WHERE status = 'available' AND kind = 'standard' ORDER BY row_no DESC, col_no LIMIT 1")
read -r oid2 paid2 < <(psql "$MARQUEE_TERM_DSN" -XAtq -v s="$s" -v show="$show" -v seat="$seat2" <<'SQL'
SET marquee.hold_minutes = '0.05';
SELECT order_id AS oid FROM api.select_seat(:'s', :show, ARRAY[:'seat']) \gset
SELECT payment_status FROM api.payment(:'s', :oid, '{"method":"cash","amount_cents":100,"partial":true}') \gset
\echo :oid :payment_status
SQL
)
[ -n "$oid2" ] && [ "$paid2" = partial ] || fail "cannot part-pay the short hold: '$oid2' '$paid2'"
sleep 3.5
MARQUEE_DSN=$NOTIFY_DSN ./marquee --config "$dir/good.conf" notify --once >"$dir/out4" 2>&1 || fail "third run failed: $(cat "$dir/out4")"
[ "$(q "SELECT status FROM core.orders WHERE order_id = $oid2")" = expired ] || fail "the lapsed hold was not closed"
[ "$(q "SELECT sum(amount_cents) FROM core.refund WHERE order_id = $oid2")" = 100 ] || fail "its part payment was not given back"
[ "$(t "SELECT status FROM api.seat_map($show) WHERE seat = '$seat2'")" = available ] || fail "its seat is not free"
grep -q "[1-9][0-9]* expired holds closed" "$dir/out4" || fail "no count of closed holds: $(cat "$dir/out4")"
echo "housekeeping: $(cat "$dir/out4")"
echo ok
