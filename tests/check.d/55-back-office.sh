#!/bin/bash
# 55-back-office.sh - the back office in the real binary: a manager adds a
# cashier with a one-time password, who signs in and must change it; the
# cashier is locked out and unlocked, then deactivated; deactivating a
# manager asks for the user name typed back; a seat blocked while a cashier
# has it chosen is refused in the sale; the reports and the audit trail
# (filtered) show it all.
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
hire=hire$$
hire=${hire:0:12}

# staff_row NAME LOGIN: moves the staff tab's cursor to LOGIN's row (rows by user name)
staff_row() {
	local n all
	n=$(q "SELECT count(*) FROM core.app_user WHERE role <> 'customer' AND username < '$2'")
	all=$(q "SELECT count(*) FROM core.app_user WHERE role <> 'customer'")
	for _ in $(seq 1 "$all"); do keys "$1" Up; done
	for _ in $(seq 1 "$n"); do keys "$1" Down; done
}

# The manager opens the back office from the admin menu.
back_office m "$conf"
wait_for m "cashier +Casey Cashier +cashier +active"

# Add a cashier with a one-time password.
keys m a; wait_for m "Add a staff member"
lit m "$hire"; keys m Tab; lit m "Nina New"; keys m Tab; keys m Tab; lit m "onetime1"; keys m Enter
wait_for m "$hire added as cashier"
wait_for m "$hire +Nina New +cashier +active must-change"
[ "$(q "SELECT role || must_change FROM core.app_user WHERE username = '$hire'")" = cashiertrue ] ||
	fail "the new cashier is not stored with a one-time password"

# The new cashier signs in and must change the one-time password first.
start c "$conf"
wait_for c "Staff sign-in"
lit c "$hire"; keys c Enter; lit c onetime1; keys c Enter
wait_for c "You signed in with a one-time password"
keys c F9; absent c "Welcome"	# nothing else is reachable
lit c newpass99; keys c Enter; lit c newpass98; keys c Enter
wait_for c "The two passwords differ"
lit c newpass99; keys c Enter; lit c newpass99; keys c Enter
wait_for c "Password changed. Welcome, Nina New"
[ "$(q "SELECT must_change FROM core.app_user WHERE username = '$hire'")" = f ] || fail "must_change not cleared"
keys c F10; wait_for c "Staff sign-in"

# Three wrong passwords lock the cashier out; the manager sees it and unlocks.
lit c "$hire"; keys c Enter
for _ in 1 2 3; do
	keys c C-u; lit c wrongpass; keys c Enter
	sleep 0.3
done
wait_for c "locked"
keys m F7
staff_row m "$hire"
wait_for m "$hire .*LOCKED"
keys m u; wait_for m "$hire is unlocked"
keys c C-u; lit c newpass99; keys c Enter
wait_for c "Welcome, Nina New"

# Deactivate: the cashier's session ends and sign-in is refused.
staff_row m "$hire"
keys m d; wait_for m "$hire is deactivated"
wait_for m "$hire .*INACTIVE"
[ "$(q "SELECT active FROM core.app_user WHERE username = '$hire'")" = f ] || fail "not deactivated"
[ "$(q "SELECT count(*) FROM core.session s JOIN core.app_user u USING (user_id) WHERE u.username = '$hire' AND s.ended_at IS NULL")" = 0 ] ||
	fail "the deactivated cashier's sessions are still live"
keys c F10; wait_for c "Staff sign-in"
lit c "$hire"; keys c Enter; lit c newpass99; keys c Enter
wait_for c "Wrong user name or password"

# A manager is deactivated only after the user name is typed back.
staff_row m manager
keys m d; wait_for m "Deactivate manager manager\\? .*Type manager"
lit m managr; keys m Enter; wait_for m "Nothing was changed: type manager exactly"
keys m C-u; lit m manager; keys m Enter	# refused either way (another stage may have added a manager)
wait_for m "the last active manager cannot be deactivated|you cannot deactivate yourself"
keys m Escape; wait_for m "Login +Name"

# Block a seat a cashier has chosen: the map drops it and refuses it (the
# database refuses it in api.select_seat too: tests/sql/96-back-office.sql).
# (a showtime the day after tomorrow: pick_show's days are taken)
SHOW=$(q "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 2) ORDER BY starts_at, showtime_id LIMIT 1")
[ -n "$SHOW" ] || fail "no showtime the day after tomorrow"
keys c Tab; keys c C-u; lit c cashier; keys c Enter; lit c cashier1; keys c Enter
wait_for c "Welcome, Casey"
open_show c
keys c Enter; wait_for c "SCREEN"
wait_for c "cursor [A-Z]+[0-9]+ [a-z]+ free"
seat=$(screen c | grep -oE "cursor [A-Z]+[0-9]+" | head -1 | cut -d' ' -f2)
keys c Space; wait_for c "Chosen \\(1\\)"
keys m F3; wait_for m "Hall +Seat +For"
keys m b; wait_for m "Block a seat"
pos=$(q "SELECT n - 1 FROM (SELECT showtime_id, row_number() OVER () AS n FROM api.listing()) x WHERE showtime_id = $SHOW")
for _ in $(seq 1 "$pos"); do keys m Down; done
lit m "$seat"; keys m Tab; keys m Tab; keys m Tab; lit m "broken armrest"; keys m Enter
wait_for m "$seat blocked"
wait_for m " $seat +show .*broken armrest +1"
# The open map hears of it at once: the choice is dropped, the seat is taken.
wait_for c "chosen seats? w(as|ere) just taken at another terminal"
wait_for c "cursor $seat [a-z]+ sold"
keys c Space; wait_for c "$seat is not free"
keys c Enter; wait_for c "Choose seats first"
[ "$(q "SELECT count(*) FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.showtime_id = $SHOW AND s.label = '$seat' AND t.state IN ('held', 'sold')")" = 0 ] ||
	fail "the blocked seat $seat was sold"

# The reports: takings by hour and the shows' occupancy, as the database counts them.
keys m F4; wait_for m "Takings by film, sale day"
wait_for m "Sales by hour"
# (each payment and refund on its day in its cinema's time zone)
net=$(q "SELECT coalesce(sum(x.c), 0) FROM (
           SELECT p.amount_cents AS c, p.created_at AS at, o.showtime_id FROM core.payment p JOIN core.orders o USING (order_id)
           UNION ALL
           SELECT -r.amount_cents, r.created_at, o.showtime_id FROM core.refund r JOIN core.orders o USING (order_id)) x
         JOIN core.showtime st USING (showtime_id) JOIN core.auditorium a USING (auditorium_id)
         JOIN core.location l USING (location_id)
        WHERE (x.at AT TIME ZONE l.timezone)::date = current_date")
want=$(printf '%d.%02d' $((net / 100)) $((net % 100)))
wait_for m "TOTAL .* $want\$|TOTAL .* $want "
keys m g; wait_for m "Takings by cashier"
keys m F5; wait_for m "Occupancy of the shows of"

# The distributor's film week (this one) and the card payments of today,
# with a card sale made at a till as the card terminal answered it.
money() { local c=$1 s=""; [ "$c" -lt 0 ] && { s=-; c=$((-c)); }; printf '%s%d.%02d' "$s" $((c / 100)) $((c % 100)); }
keys m F9; wait_for m "Distributor report, the film week from"
week="JOIN core.auditorium a USING (auditorium_id) JOIN core.location l USING (location_id)
      WHERE NOT st.cancelled AND core.film_week((st.starts_at AT TIME ZONE l.timezone)::date) = core.film_week(current_date)"
adm=$(q "SELECT count(*) FROM core.ticket t JOIN core.showtime st USING (showtime_id) $week AND t.state = 'sold'")
box=$(q "SELECT coalesce((SELECT sum(p.amount_cents) FROM core.payment p JOIN core.orders o USING (order_id) JOIN core.showtime st USING (showtime_id) $week), 0)
              - coalesce((SELECT sum(r.amount_cents) FROM core.refund r JOIN core.orders o USING (order_id) JOIN core.showtime st USING (showtime_id) $week), 0)")
wait_for m "TOTAL +[0-9]+ +$adm +[0-9.]+ +[0-9.]+ +$(money "$box")\$"
oid=$(q "INSERT INTO core.orders (order_id, booking_code, showtime_id, status, terminal, currency, total_cents, held_until, paid_at)
         VALUES (core.next_order_id(), core.new_booking_code(), $SHOW, 'success', '0till55', 'EUR', 1234, now(), now()) RETURNING order_id")
q "INSERT INTO core.payment (order_id, method, amount_cents, currency, card_brand, card_last4, terminal_ref, auth_code)
   VALUES ($oid, 'card', 1234, 'EUR', 'VISA', '4242', 'ref55-$oid', 'AUTH55')" >/dev/null
keys m F11; wait_for m "Card payments by day and terminal"
wait_for m "0till55 .* sale +[0-9A-Z]+ +VISA 4242 ref55-.* 12.34"
card=$(q "SELECT coalesce(sum(c), 0) FROM (
            SELECT p.amount_cents AS c, p.created_at AS at, o.showtime_id FROM core.payment p JOIN core.orders o USING (order_id) WHERE p.method = 'card'
            UNION ALL
            SELECT -r.amount_cents, r.created_at, o.showtime_id FROM core.refund r JOIN core.payment p USING (payment_id)
              JOIN core.orders o ON o.order_id = r.order_id WHERE p.method = 'card') x
          JOIN core.showtime st USING (showtime_id) JOIN core.auditorium a USING (auditorium_id) JOIN core.location l USING (location_id)
         WHERE (x.at AT TIME ZONE l.timezone)::date = current_date")
wait_for m "TOTAL card sales .* net $(money "$card")\$"
q "DELETE FROM core.payment WHERE order_id = $oid; DELETE FROM core.orders WHERE order_id = $oid" >/dev/null

# The audit trail lists every one of these actions; its filters narrow it.
keys m F6; wait_for m "When +Who +What +Detail"
for a in staff_add unlock staff_deactivate seat_block; do wait_for m "manager +$a"; done
keys m Tab; keys m Tab; lit m unlock; keys m Enter
wait_for m "manager +unlock .*$hire"
absent m "staff_add"
keys m Tab; lit m "$(date -d '+1 day' +%F)"; keys m Enter
wait_for m "Nothing recorded matches"
echo ok
