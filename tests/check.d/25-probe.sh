#!/bin/bash
# 25-probe.sh - an attacker with one lobby kiosk's database login (kiosk1)
# and psql, against the test database with a counter's walk-up sale and a
# customer's order in it. Every attack below must fail; each is judged by
# what it did (read back as the owner), not by the words it got back. The
# attacks and what stops each are listed in docs/security.md.
set -u

cd "$(dirname "$0")/../.."
fails=0
n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
stopped() { n=$((n + 1)); echo "stopped: $*"; }
# own SQL: as the owner, one value out
own() { psql "$MARQUEE_OWNER_DSN" -XAtqc "$1"; }
# kiosk SQL: as the kiosk's login; an error comes back as its SQLSTATE
# ("ERR 42501"), so an attack that raised can be told from one that ran.
kiosk() {
	local out
	if out=$(psql "$MARQUEE_KIOSK_DSN" -XAtq -v VERBOSITY=sqlstate -c "$1" 2>&1); then
		echo "$out"
	else
		echo "ERR $(grep -o '[0-9][0-9A-Z]\{4\}' <<<"$out" | head -1)"
	fi
}
counter() { psql "$MARQUEE_COUNTER_DSN" -XAtqc "$1"; }
denied() { [[ $1 == "ERR 42501" || $1 == "ERR 42883" ]]; }	# no privilege, or no such function

day=$((RANDOM % 200 + 500))
st=$(own "INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
          SELECT (SELECT min(movie_id) FROM core.movie), a.auditorium_id,
                 date_trunc('day', now()) + make_interval(days => $day, hours => 3),
                 date_trunc('day', now()) + make_interval(days => $day, hours => 6),
                 (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard')
            FROM core.auditorium a WHERE a.name = 'Grand' RETURNING showtime_id" | head -1)
[ -n "$st" ] || { echo "FAIL: no showtime to probe"; exit 1; }
cleanup() { own "UPDATE core.showtime SET cancelled = true WHERE showtime_id = $st" >/dev/null 2>&1; }
trap cleanup EXIT

# ---- the victims: a cashier's walk-up sale and a customer's own order
sfx=$$
cproof=$(printf 'c3%.0s' $(seq 32)); vproof=$(printf 'd4%.0s' $(seq 32)); lproof=$(printf 'e5%.0s' $(seq 32))
own "INSERT INTO core.app_user (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
     VALUES ('probecash$sfx', 'Probe Cashier', 'cashier', repeat('5a', 16), 2, 67108864, core.proof_digest('$cproof'));
     INSERT INTO core.app_user (email, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
     VALUES ('victim$sfx@example.com', 'Vic Tim', 'customer', repeat('6b', 16), 2, 67108864, core.proof_digest('$vproof')),
            ('locked$sfx@example.com', 'Lock Ed', 'customer', repeat('7c', 16), 2, 67108864, core.proof_digest('$lproof'))" >/dev/null
csess=$(counter "SELECT session FROM api.sign_in('probecash$sfx', '$cproof', 'probe-counter')")
[ ${#csess} = 64 ] || { echo "FAIL: the cashier could not sign in: $csess"; exit 1; }
w=$(counter "SELECT order_id || '|' || total_cents || '|' || booking_code FROM api.select_seat('$csess', $st, '{C5,C6}')")
wid=${w%%|*}; wrest=${w#*|}; wtotal=${wrest%%|*}; wcode=${wrest#*|}
[ "$(counter "SELECT payment_status FROM api.payment('$csess', $wid, '{\"method\":\"cash\",\"amount_cents\":$wtotal}')")" = success ] ||
	{ echo "FAIL: the walk-up sale was not paid"; exit 1; }
vsess=$(kiosk "SELECT session FROM api.sign_in('victim$sfx@example.com', '$vproof', 'probe-kiosk')")
[ ${#vsess} = 64 ] || { echo "FAIL: the customer could not sign in: $vsess"; exit 1; }
v=$(kiosk "SELECT order_id || '|' || total_cents || '|' || booking_code FROM api.select_seat('$vsess', $st, '{D5}')")
vid=${v%%|*}; vrest=${v#*|}; vtotal=${vrest%%|*}; vcode=${vrest#*|}
[ "$(kiosk "SELECT payment_status FROM api.payment('$vsess', $vid, '{\"method\":\"card\",\"amount_cents\":$vtotal,\"last4\":\"4242\",\"brand\":\"VISA\",\"auth_code\":\"A1B2C3\",\"terminal_ref\":\"probe-$sfx-1\"}')")" = success ] ||
	{ echo "FAIL: the customer's order was not paid"; exit 1; }
state() { own "SELECT status || '/' || (SELECT string_agg(t.state || ':' || t.issue || ':' || (t.admitted_at IS NOT NULL), ',' ORDER BY t.ticket_id)
                                          FROM core.ticket t WHERE t.order_id = o.order_id)
               FROM core.orders o WHERE o.order_id = $1"; }
wstate=$(state "$wid"); vstate=$(state "$vid")
echo "victims: walk-up $wcode ($wstate), customer's $vcode ($vstate)"

# ---- the attacker: the kiosk's login, a guest session of its own
g=$(kiosk "SELECT session FROM api.sign_in_guest('probe-attacker')")
[ ${#g} = 64 ] || { echo "FAIL: no guest session: $g"; exit 1; }

# 1. Password material: no table, and a staff login's salt is not given out at a kiosk.
r=$(kiosk "SELECT count(*) FROM core.app_user"); denied "$r" && stopped "read core.app_user (no privilege on core)" || fail "read core.app_user: $r"
r=$(kiosk "SELECT salt FROM api.sign_in_salt('probecash$sfx')")
[ "$r" != "$(printf '5a%.0s' $(seq 16))" ] && stopped "read a staff login's salt at a kiosk (a kiosk knows no staff)" || fail "staff salt given to a kiosk"
r=$(kiosk "SELECT string_agg(x::text, ' ') FROM api.sign_in('probecash$sfx', '$cproof', 'x') x")
grep -q "^(ok," <<<"$r" && fail "staff signed in at a kiosk: $r" || stopped "sign in as staff at a kiosk, with the right password (wrong kind of device)"

# 2. Acting as staff: the back office and unlocking are not the kiosk's to run.
for call in "api.admin_price_set('$g', 'Standard', 'adult', 1)" "api.admin_price_set(1, 'Standard', 'adult', 1)" \
            "api.admin_showtime_cancel('$g', $st)" "api.sales_report('$g', current_date, current_date)" \
            "api.admin_unlock('$g', 'probecash$sfx')" "api.admin_movie_save('$g', NULL, 'Pwned', '', 90)"; do
	r=$(kiosk "SELECT * FROM $call")
	denied "$r" && stopped "${call%%(*}(...) from a kiosk (not granted)" || fail "$call ran at a kiosk: $r"
done
[ "$(own "SELECT amount_cents FROM core.price JOIN core.price_plan USING (price_plan_id) WHERE name = 'Standard' AND type_code = 'adult'")" != 1 ] ||
	fail "the adult price is 1 cent"

# 3. Guessing passwords: the database counts and locks, whatever the terminal says.
for i in 1 2 3 4; do kiosk "SELECT sign_in_status FROM api.sign_in('locked$sfx@example.com', repeat('00', 32), 'probe')" >/dev/null; done
r=$(kiosk "SELECT sign_in_status FROM api.sign_in('locked$sfx@example.com', '$lproof', 'probe')")
[ "$r" = locked ] && stopped "guess a password without limit (locked after the limit, even with the right proof)" || fail "after 4 wrong guesses the right proof gives: $r"

# 4. Other people's orders, by id and by booking code, with the attacker's guest session.
for id in "$wid" "$vid" $((vid + 1)) $((vid - 1)); do
	r=$(kiosk "SELECT count(*) FROM api.order_status('$g', $id) WHERE total_cents IS NOT NULL")
	[ "$r" = 0 ] || denied "$r" && stopped "order_status of order $id (not the session's)" || fail "order_status($id): $r"
	r=$(kiosk "SELECT count(*) FROM api.order_lines('$g', $id)")
	[ "$r" = 0 ] || denied "$r" && stopped "order_lines of order $id" || fail "order_lines($id): $r"
done
for code in "$wcode" "$vcode"; do
	r=$(kiosk "SELECT count(*) FROM api.order_tickets('$g', '$code')")
	[ "$r" = 0 ] || denied "$r" && stopped "order_tickets of $code (not the session's)" || fail "order_tickets($code): $r"
	r=$(kiosk "SELECT count(*) FROM api.order_payments('$g', '$code')")
	[ "$r" = 0 ] || denied "$r" && stopped "order_payments of $code: card digits and auth code" || fail "order_payments($code): $r"
done
r=$(kiosk "SELECT count(*) FROM api.my_bookings('$g')")
[ "$r" = 0 ] && stopped "my_bookings as a guest shows nobody's bookings" || fail "my_bookings for a guest: $r"

# 5. Changing them: cancel, refund, types, reprint, receipt to another address.
kiosk "SELECT * FROM api.cancel('$g', $wid)" >/dev/null
kiosk "SELECT * FROM api.cancel('$g', $vid)" >/dev/null
kiosk "SELECT * FROM api.set_ticket_types('$g', $vid, '{\"D5\":\"child\"}')" >/dev/null
kiosk "SELECT * FROM api.payment_start('$g', $vid)" >/dev/null
# Five wrong guesses at the card's last four lock the code: then even the
# right digits (4242, as an attacker who saw the card would) reprint nothing.
for l4 in 0000 1111 2222 3333 5555 4242; do kiosk "SELECT * FROM api.reprint('$g', '$vcode', '$l4')" >/dev/null; done
kiosk "SELECT * FROM api.reprint('$g', '$wcode', NULL)" >/dev/null
kiosk "SELECT * FROM api.print_claim('$g', '$wcode')" >/dev/null
kiosk "SELECT api.email_receipt('$g', $vid, 'evil$sfx@example.com')" >/dev/null
[ "$(state "$wid")" = "$wstate" ] && stopped "cancel, reprint or claim the walk-up sale's tickets" || fail "walk-up order changed: $(state "$wid")"
[ "$(state "$vid")" = "$vstate" ] && stopped "cancel, retype, reprint (five wrong last fours, then the right one) the customer's order" || fail "customer's order changed: $(state "$vid")"
[ "$(own "SELECT count(*) FROM core.outbox WHERE recipient LIKE '%evil$sfx%'")" = 0 ] &&
	stopped "e-mail a stranger's receipt to another address" || fail "a receipt was queued to the attacker"

# 6. Sessions that are not the attacker's: forged, the cashier's (another device), the customer's signed out.
for s in "$(printf '0%.0s' $(seq 64))" "$csess" "${vsess^^}"; do
	kiosk "SELECT * FROM api.cancel('$s', $vid)" >/dev/null
	r=$(kiosk "SELECT count(*) FROM api.select_seat('$s', $st, '{C1}') WHERE selection_status = 'held'")
	[ "$r" = 0 ] || fail "a hold with session ${s:0:8}...: $r"
done
[ "$(state "$vid")" = "$vstate" ] && stopped "forged, other-device and altered sessions (no hold, no cancel)" || fail "changed with a foreign session"
kiosk "SELECT * FROM api.sign_out('$vsess')" >/dev/null
kiosk "SELECT * FROM api.cancel('$vsess', $vid)" >/dev/null
[ "$(state "$vid")" = "$vstate" ] && stopped "use a signed-out session" || fail "a signed-out session cancelled"

# 7. Money: cash at a kiosk, a card result for less, a terminal reference used twice.
h=$(kiosk "SELECT order_id || '|' || total_cents FROM api.select_seat('$g', $st, '{E5}')")
hid=${h%%|*}; htotal=${h#*|}
kiosk "SELECT * FROM api.payment('$g', $hid, '{\"method\":\"cash\",\"amount_cents\":$htotal}')" >/dev/null
[ "$(own "SELECT count(*) FROM core.payment WHERE order_id = $hid")" = 0 ] && stopped "pay cash at a kiosk" || fail "cash taken at a kiosk"
kiosk "SELECT * FROM api.payment('$g', $hid, '{\"method\":\"card\",\"amount_cents\":1,\"last4\":\"4242\",\"brand\":\"VISA\",\"auth_code\":\"X\",\"terminal_ref\":\"probe-$sfx-2\"}')" >/dev/null
[ "$(own "SELECT status FROM core.orders WHERE order_id = $hid")" != success ] && stopped "a card result for 1 cent pays the order" || fail "paid with 1 cent"
kiosk "SELECT * FROM api.payment('$g', $hid, '{\"method\":\"card\",\"amount_cents\":$htotal,\"last4\":\"4242\",\"brand\":\"VISA\",\"auth_code\":\"X\",\"terminal_ref\":\"probe-$sfx-1\"}')" >/dev/null
[ "$(own "SELECT status FROM core.orders WHERE order_id = $hid")" != success ] && stopped "reuse another sale's terminal reference" || fail "a used reference paid again"
own "UPDATE core.setting SET value = 'false' WHERE name = 'training'" >/dev/null
kiosk "SELECT * FROM api.payment('$g', $hid, '{\"method\":\"card\",\"amount_cents\":$htotal,\"last4\":\"4242\",\"brand\":\"TESTCARD\",\"auth_code\":\"T1\",\"terminal_ref\":\"probe-$sfx-3\"}')" >/dev/null
own "UPDATE core.setting SET value = 'true' WHERE name = 'training'" >/dev/null
[ "$(own "SELECT status FROM core.orders WHERE order_id = $hid")" != success ] && stopped "a test card's result outside a training database" || fail "a test card paid for real"

# 8. Seats: all of a showtime in one call, and holds without end.
all=$(own "SELECT '{' || string_agg(s.label, ',') || '}' FROM core.showtime_seat ss JOIN core.seat s USING (seat_id) WHERE ss.showtime_id = $st")
kiosk "SELECT * FROM api.select_seat('$g', $st, '$all')" >/dev/null
[ "$(own "SELECT count(*) FROM core.showtime_seat WHERE showtime_id = $st AND state = 'held'")" -le 20 ] &&
	stopped "hold every seat of a showtime in one call" || fail "one call held $(own "SELECT count(*) FROM core.showtime_seat WHERE showtime_id = $st AND state = 'held'") seats"
rows=$(own "SELECT string_agg(s.label, ' ') FROM (SELECT s.label FROM core.showtime_seat ss JOIN core.seat s USING (seat_id)
            WHERE ss.showtime_id = $st AND ss.state = 'available' ORDER BY s.label DESC LIMIT 40) s")
held=0
for seat in $rows; do
	r=$(kiosk "SELECT selection_status FROM api.select_seat('$g', $st, '{$seat}')")
	[ "$r" = held ] && held=$((held + 1))
done
[ "$held" -lt 40 ] && stopped "hold seat after seat ($held of 40 held, then the limit)" || fail "40 holds in a row from one session"

# 9. The door: a kiosk cannot admit, and the door's functions are not its own.
r=$(kiosk "SELECT * FROM api.admit(1, $vid, 0)"); denied "$r" && stopped "admit a ticket from a kiosk" || fail "admit at a kiosk: $r"

# 10. The database itself: core, new objects, other devices' queries, injection.
for sql in "SELECT core.release_order(o, 'x') FROM core.orders o LIMIT 1" "CREATE TABLE public.x (a int)" \
           "CREATE FUNCTION api.x() RETURNS int LANGUAGE sql AS 'SELECT 1'" "UPDATE core.orders SET status = 'refunded'" \
           "SELECT set_config('marquee.staff_id', '1', false), * FROM api.admin_prices(1)" "LISTEN seat_change; SELECT * FROM core.session"; do
	r=$(kiosk "$sql"); denied "$r" && stopped "${sql:0:40}... (refused)" || fail "$sql: $r"
done
psql "$MARQUEE_COUNTER_DSN" -XAtqc "SELECT pg_sleep(4) /* probe-secret-$sfx */" >/dev/null &
sleeper=$!
sleep 1
r=$(kiosk "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%probe-secret-$sfx%' AND pid <> pg_backend_pid()")
wait "$sleeper"
[ "$r" = 0 ] && stopped "read another device's query text in pg_stat_activity" || fail "the counter's query is visible to a kiosk: $r"
r=$(kiosk "SELECT count(*) FROM api.search(\$\$'); DELETE FROM core.orders; --\$\$)")
[ "$(own "SELECT count(*) FROM core.orders WHERE order_id IN ($wid, $vid)")" = 2 ] && stopped "SQL injection through search" || fail "injection: $r"

echo "25-probe: $n attacks stopped, $fails got through"
[ "$fails" = 0 ]
