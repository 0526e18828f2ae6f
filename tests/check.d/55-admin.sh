#!/bin/bash
# 55-admin.sh - the manager's admin menu in the real binary: a cashier is
# refused, a manager sees the day's takings, changes a price, schedules a
# showtime (an overlapping one is refused) and cancels a showtime with a paid
# order, which is refunded.
. "$(dirname "$0")/../e2e-lib.sh"
. tests/lib/tickets.sh

conf=$(counter_conf)
mgr=$(session_of manager)

# A cashier may not open it.
start c "$conf"
login c
keys c F9
wait_for c "The admin menu is for managers"
keys c F10; wait_for c "Staff sign-in"

# A paid order today, on a showtime the manager will cancel.
pick_show 7
s=$(session_of cashier)
row=$(q "SELECT order_id || '|' || total_cents FROM api.select_seat('$s', $SHOW, ARRAY['B3','B4'])")
order=${row%%|*}; total=${row#*|}
[ "$(q "SELECT payment_status FROM api.payment('$s', $order, '{\"method\":\"cash\",\"amount_cents\":$total}')")" = success ] ||
	fail "could not pay order $order"

lit c manager; keys c Enter; lit c manager1; keys c Enter
wait_for c "Welcome, Morgan"
keys c F9
wait_for c "Takings of"
net=$(q "SELECT sum(net_cents) FROM api.sales_report('$mgr', current_date, current_date)")
want=$(printf '%d.%02d' $((net / 100)) $((net % 100)))
wait_for c "TOTAL .* $want"
echo "takings today: $want"

# Prices: Standard / Student to 11.25.
keys c F3; wait_for c "Plan +Ticket"
pos=$(q "SELECT n - 1 FROM (SELECT price_plan, type_code, row_number() OVER () AS n FROM api.admin_prices('$mgr')) x
         WHERE price_plan = 'Standard' AND type_code = 'student'")
for _ in $(seq 1 "$pos"); do keys c Down; done
wait_for c "Standard +Student .*new price"
lit c 11.25; keys c Enter
wait_for c "price saved"
[ "$(q "SELECT amount_cents FROM core.price JOIN core.price_plan USING (price_plan_id) WHERE name = 'Standard' AND type_code = 'student'")" = 1125 ] ||
	fail "student price not saved"
q "UPDATE core.price SET amount_cents = 1050 FROM core.price_plan pp WHERE pp.price_plan_id = core.price.price_plan_id AND pp.name = 'Standard' AND type_code = 'student'" >/dev/null

# Schedule, at 80x24 and at 120x40: a film in a hall 20 (22) days from now at
# 09:00, then the same again (overlap).
for size in 80x24 120x40; do
	tm resize-window -t c -x "${size%x*}" -y "${size#*x}"
	day=$(date -d "+$([ $size = 80x24 ] && echo 20 || echo 22) days" +%F)
	keys c F4; wait_for c "Schedule a showtime"
	keys c C-u; lit c "$day"	# the date field has the focus
	keys c Tab; keys c C-u; lit c "09:00"
	before=$(q "SELECT count(*) FROM core.showtime")
	keys c Enter; wait_for c "showtime added"
	[ "$(q "SELECT count(*) FROM core.showtime")" = $((before + 1)) ] || fail "$size: no showtime was added"
	keys c Enter; wait_for c "Not saved: the hall is busy then"
	# The message wraps onto two lines: read the screen as one.
	clash=$(screen c | sed 's/^ *//' | tr '\n' ' ')
	way=$(echo "$clash" | sed -n 's/.*busy then: .* runs [A-Z][a-z]\{2\} [0-9]\{2\} [A-Z][a-z]\{2\} 09:00-[0-9:]\{5\} (cleaning included), showtime \([0-9]*\).*/\1/p')
	[ -n "$way" ] && [ "$(q "SELECT to_char(starts_at, 'YYYY-MM-DD HH24:MI') FROM core.showtime WHERE showtime_id = $way")" = "$day 09:00" ] ||
		fail "$size: the clash does not name the showtime in the way: $clash"
	# The field with the focus is marked; what a field cannot take is refused, saying why.
	screen c | grep -q "^> Time (HH:MM) .*< typing here" || fail "$size: the focused field (Time) is not marked"
	lit c "-"; wait_for c "Time: digits and ':' \(HH:MM\); a date goes in the Date field \(Tab back\)\."
	keys c Tab; lit c "7"; wait_for c "Prices: Space switches Standard/Matinee; Tab to type a date or time\."
	keys c Tab; screen c | grep -q "^> Date (YYYY-MM-DD)" || fail "$size: Tab did not move the mark to the Date field"
	keys c C-u; lit c ":"; wait_for c "Date: digits and '-' \(YYYY-MM-DD\); a time goes in the Time field \(Tab\)\."
	keys c Tab	# back to the Time field
	keys c Tab; keys c Tab; keys c C-u; lit c "$(date -d '+1 year' +%Y)-02-30"; keys c Enter
	wait_for c "is not a date and time"
	[ "$(q "SELECT count(*) FROM core.showtime")" = $((before + 1)) ] || fail "$size: a refused showtime was added"
done
tm resize-window -t c -x 80 -y 24

# Cancel the showtime with the paid order: it is refunded.
keys c F5; wait_for c "Del/Enter cancel"
pos=$(q "SELECT n - 1 FROM (SELECT showtime_id, row_number() OVER () AS n FROM api.listing()) x WHERE showtime_id = $SHOW")
for _ in $(seq 1 "$pos"); do keys c Down; done
keys c Enter; wait_for c "refunding all\\? y = yes"
keys c y; wait_for c "showtime cancelled; 1 paid order"
[ "$(q "SELECT status FROM core.orders WHERE order_id = $order")" = refunded ] || fail "order $order not refunded"
[ "$(q "SELECT sum(amount_cents) FROM core.refund WHERE order_id = $order")" = "$total" ] || fail "refund amount"
[ "$(q "SELECT cancelled FROM core.showtime WHERE showtime_id = $SHOW")" = t ] || fail "showtime not cancelled"
echo ok
