#!/bin/bash
# 50-split-types.sh - under TERM=linux: ticket types change the price (the
# database reprices the held order), then a split payment: part cash, the
# rest on a card, each tender listed on the paid screen. At 80x24 and 120x40.
E2E_TERM=linux
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
pick_show 8
for size in 80x24 120x40; do
	start c "$conf"
	tm resize-window -t c -x "${size%x*}" -y "${size#*x}"
	login c
	open_show c
	keys c Enter; wait_for c "SCREEN"
	keys c 3;     wait_for c "Best 3 together"
	keys c Enter; wait_for c "Seats held"
	oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-counter'")
	adult=$(q "SELECT total_cents FROM core.orders WHERE order_id = $oid")
	keys c c          # first seat: child, cursor moves on
	keys c s          # second seat: senior
	wait_for c "Senior"
	want=$(q "SELECT sum(core.seat_price($SHOW, t.seat_id, CASE n WHEN 1 THEN 'child' WHEN 2 THEN 'senior' ELSE 'adult' END))
	          FROM (SELECT seat_id, row_number() OVER (ORDER BY s.row_no, s.col_no) AS n
	                  FROM core.ticket t JOIN core.seat s USING (seat_id) WHERE t.order_id = $oid AND t.state = 'held') t")
	total=$(q "SELECT total_cents FROM core.orders WHERE order_id = $oid")
	[ "$total" = "$want" ] && [ "$total" -lt "$adult" ] || fail "$size: total $total after types (want $want, all adult $adult)"
	shown=$(printf 'TOTAL +\\$%d.%02d' $((total / 100)) $((total % 100)))
	wait_for c "$shown"
	echo "$size: types child + senior + adult: $adult -> $total cents, as the database priced them"
	keys c Enter; wait_for c "Amount due"
	lit c $'\e[[D'; wait_for c "SPLIT"   # F4 as the linux console sends it
	lit c 10;     wait_for c "Card part"
	keys c Enter
	wait_for c "PAID - cash \+ card"
	# the paid screen lists each tender
	card=$(printf '%d.%02d' $(((total - 1000) / 100)) $(((total - 1000) % 100)))
	wait_for c "Cash +\\\$10\.00"
	wait_for c "Card [A-Z]+ \*{4}4242 +\\\$$card"
	rows=$(q "SELECT string_agg(method || ':' || amount_cents, ' ' ORDER BY method) FROM core.payment WHERE order_id = $oid")
	[ "$rows" = "card:$((total - 1000)) cash:1000" ] || fail "$size: split payment rows: $rows"
	[ "$(q "SELECT status FROM core.orders WHERE order_id = $oid")" = success ] || fail "$size: not paid"
	echo "$size: split: $rows"
	tm kill-session -t c
done
echo ok
