#!/bin/bash
# 40-screens-sql.sh - the sign-in, account, ticket-type and listing api
# (sql/schema/15-accounts.sql, 55-listing.sql, 60-orders.sql, 70-hold.sql), called as a terminal
# (EXECUTE on api only) and checked as owner: sign-in window, customer
# accounts, ticket types and repricing (all or nothing, replayed by
# request_id), filtered listing, my bookings.
set -u
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql "$MARQUEE_OWNER_DSN" -XAtqc "$1"; }
t() { psql "$MARQUEE_TERM_DSN" -XAtqc "$1"; }
eq() { [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"; }

# --- sign-in: three failures in the window lock the name, for every terminal
u="sqltest$$"
hash=$(q "SELECT pw_hash FROM core.app_user WHERE username = 'cashier'")
q "INSERT INTO core.app_user (username, full_name, role, pw_hash) VALUES ('$u', 'SQL Test', 'cashier', '$hash')"
eq "$(t "SELECT login_status || (user_id IS NOT NULL) FROM api.staff_login_begin('$u', 't1')")" checktrue "begin"
eq "$(t "SELECT api.staff_login_finish('$u', false)")" "Wrong user name or password (2 of 3 tries left)." "1st failure"
t "SELECT api.staff_login_begin('$u', 't2')" >/dev/null
eq "$(t "SELECT api.staff_login_finish('$u', true)")" ok "success"
# a success ends the run of failures
for i in 1 2 3; do
	t "SELECT api.staff_login_begin('$u', 't$i')" >/dev/null
	msg=$(t "SELECT api.staff_login_finish('$u', false)")
done
case $msg in *"locked for"*) ;; *) fail "3rd failure after a success: $msg" ;; esac
eq "$(t "SELECT login_status || '|' || (pw_hash IS NULL) || '|' || (retry_after > 0) FROM api.staff_login_begin('$u', 't9')")" \
	"locked|true|true" "locked begin hands out no hash"
# a terminal that never calls finish still counts: begin records the attempt
v="sqltest2$$"
for i in 1 2 3; do t "SELECT api.staff_login_begin('$v', 't1')" >/dev/null; done
eq "$(t "SELECT login_status FROM api.staff_login_begin('$v', 't1')")" locked "unfinished attempts count"
# the window slides: failures older than login_window_minutes do not count
q "UPDATE core.rate_event SET at = at - interval '6 minutes' WHERE bucket = 'login:staff:$v'"
eq "$(t "SELECT login_status FROM api.staff_login_begin('$v', 't1')")" check "window slid"
# a terminal may not read the table itself
t "SELECT count(*) FROM core.rate_event" >/dev/null 2>&1 && fail "terminal can read core.rate_event"

# --- customers
e="pat$$@example.com"
rid=$(cat /proc/sys/kernel/random/uuid)
r1=$(t "SELECT register_status || '|' || user_id FROM api.customer_register('$e', 'Pat', '$hash', '$rid')")
case $r1 in registered\|*) ;; *) fail "register: $r1" ;; esac
eq "$(t "SELECT register_status || '|' || user_id FROM api.customer_register('$e', 'Pat', '$hash', '$rid')")" "$r1" "register replay"
eq "$(t "SELECT register_status FROM api.customer_register(upper('$e'), 'Pat', '$hash')")" email_taken "same e-mail, other case"
eq "$(t "SELECT register_status FROM api.customer_register('nope', 'Pat', '$hash')")" invalid "bad e-mail"
eq "$(t "SELECT register_status FROM api.customer_register('x$e', 'Pat', 'plaintext')")" invalid "not a hash"
uid=${r1#*|}
eq "$(t "SELECT user_id FROM api.customer_login_begin('$e', 'k1')")" "$uid" "customer begin"

# --- ticket types and repricing
show=$(q "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 3) ORDER BY starts_at LIMIT 1")
eq "$(t "SELECT count(*) FROM api.listing_filtered('#$show')")" 1 "listing by #id"
eq "$(t "SELECT count(*) FROM api.listing_filtered('#$show', NULL, 'night')")" 0 "#id and a time-of-day filter"
eq "$(t "SELECT string_agg(type_code, ',' ORDER BY sort) FROM api.ticket_types($show)")" adult,child,senior,student "types"
seats=$(q "SELECT string_agg(seat, ',') FROM (SELECT seat FROM api.seat_map($show) WHERE status = 'available' AND kind = 'standard' ORDER BY row_no DESC, col_no LIMIT 2) s")
s1=${seats%,*}; s2=${seats#*,}
oid=$(t "SELECT order_id FROM api.select_seat($uid, $show, '{$s1,$s2}', 'sqltest')")
adult=$(t "SELECT price_cents FROM api.ticket_types($show) WHERE type_code = 'adult'")
child=$(t "SELECT price_cents FROM api.ticket_types($show) WHERE type_code = 'child'")
rid=$(cat /proc/sys/kernel/random/uuid)
eq "$(t "SELECT types_status || '|' || total_cents FROM api.set_ticket_types($oid, '{\"$s1\":\"child\"}', '$rid')")" \
	"repriced|$((adult + child))" "child + adult"
eq "$(q "SELECT total_cents FROM core.orders WHERE order_id = $oid")" $((adult + child)) "order total"
# all or nothing: one bad seat leaves every price as it was
eq "$(t "SELECT types_status FROM api.set_ticket_types($oid, '{\"$s2\":\"senior\", \"Z99\":\"adult\"}')")" unknown_seat "bad seat"
eq "$(t "SELECT types_status FROM api.set_ticket_types($oid, '{\"$s2\":\"vip\"}')")" unknown_type "bad type"
eq "$(q "SELECT string_agg(type_code, ',' ORDER BY seat_id) FROM core.ticket WHERE order_id = $oid")" \
	"$(q "SELECT string_agg(CASE WHEN s.label = '$s1' THEN 'child' ELSE 'adult' END, ',' ORDER BY t.seat_id) FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = $oid")" \
	"types unchanged after a refused call"
# the same request id again: the first answer, nothing changed
eq "$(t "SELECT types_status || '|' || total_cents FROM api.set_ticket_types($oid, '{\"$s1\":\"senior\"}', '$rid')")" \
	"repriced|$((adult + child))" "replay"
eq "$(t "SELECT string_agg(type_code, ',' ORDER BY seat) FROM api.order_lines($oid)")" \
	"$( [ "$s1" \< "$s2" ] && echo child,adult || echo adult,child)" "replay changed nothing"
# paid: prices are fixed
total=$((adult + child))
eq "$(t "SELECT payment_status FROM api.payment($uid, $oid, '{\"method\":\"cash\",\"amount_cents\":$total}')")" success "pay"
eq "$(t "SELECT types_status FROM api.set_ticket_types($oid, '{\"$s1\":\"adult\"}')")" not_open "types after paying"
eq "$(t "SELECT count(*) FROM api.my_bookings($uid) WHERE order_id = $oid AND status = 'success'")" 1 "my bookings"
eq "$(t "SELECT status || '|' || paid_cents FROM api.order_status($oid)")" "success|$total" "order status"
echo ok
