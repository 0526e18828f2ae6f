#!/bin/bash
# 50-resize.sh - the window changes size in the middle of a sale: bigger,
# smaller than 80x24 (a polite message), back again; the sale goes on with the
# seats chosen before, and is paid.
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
pick_show 6
start c "$conf"
login c
open_show c
keys c Enter; wait_for c "SCREEN"
keys c 3;     wait_for c "Best 3 together"
seats=$(screen c | sed -n 's/.*Chosen (3): \([A-Z0-9 ]*\).*/\1/p' | xargs)
tm resize-window -t c -x 132 -y 40
wait_for c "Chosen \(3\): $seats"
[ "$(screen c | wc -l)" -ge 40 ] || fail "not redrawn at 132x40"
screen c | grep -q "SCREEN" || fail "seat map lost on resize"
tm resize-window -t c -x 60 -y 20
wait_for c "needs at least 80x24"
tm resize-window -t c -x 80 -y 24
wait_for c "Chosen \(3\): $seats"
keys c Enter; wait_for c "Seats held"
tm resize-window -t c -x 100 -y 30
wait_for c "TOTAL"
keys c Enter; wait_for c "Amount due"
tm resize-window -t c -x 80 -y 24
wait_for c "Amount due"
keys c Enter
wait_for c "PAID - cash"
got=$(q "SELECT string_agg(s.label, ' ' ORDER BY s.col_no) FROM core.ticket t JOIN core.seat s USING (seat_id)
         WHERE t.order_id = (SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW) AND t.state = 'sold'")
[ "$got" = "$seats" ] || fail "sold '$got', chosen '$seats'"
absent c "MARQUEE-EXITED"
echo "resized 80x24 -> 132x40 -> 60x20 -> 80x24 -> 100x30 -> 80x24 mid-sale; sold $got"
echo ok
