#!/bin/bash
# 50-kiosk-card.sh - a kiosk card sale by touch (mouse events: a seat, the
# party buttons, Continue, Pay; attract screen, card only, test card
# terminal), and no way out: Ctrl-C, Ctrl-Z and Ctrl-\ do nothing, on the
# attract screen and in the middle of a sale.
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(kiosk_conf)
pick_show 1
start k "$conf"
wait_for k "TOUCH HERE TO BUY TICKETS"
keys k C-c; keys k C-z; keys k 'C-\'
sleep 0.3
absent k "MARQUEE-EXITED"
screen k | grep -q "TOUCH HERE" || fail "kiosk left its attract screen on Ctrl-C/Z/\\"

keys k Enter;  wait_for k "Choose a film"
open_show k
keys k Enter;  wait_for k "SCREEN"
# by touch (mouse events): a seat, then "+" twice for the best two, Continue, Pay
read -r x y <<<"$(screen k | awk '/^ +[A-Z] +[oP]/ { i = index($0, " o "); if (i) { print i, NR - 1; exit } }')"
click k "$x" "$y"
wait_for k "Chosen \(1\)"
read -r x y <<<"$(where k " + ")"
click k $((x + 1)) "$y"; wait_for k "Best 1 together"
click k $((x + 1)) "$y"; wait_for k "Best 2 together"
read -r x y <<<"$(where k "Continue")"
click k "$x" "$y";  wait_for k "Seats held"
read -r x y <<<"$(where k "   Pay")"
click k $((x + 3)) "$y";  wait_for k "Insert, swipe or tap your card"
absent k "F2 Cash"
keys k F2                       # no cash at a kiosk
sleep 0.2
screen k | grep -q "Method       CARD" || fail "kiosk switched away from card"
keys k C-c; keys k C-z; keys k 'C-\'
sleep 0.3
absent k "MARQUEE-EXITED"
screen k | grep -q "Amount due" || fail "kiosk left the payment screen on Ctrl-C/Z/\\"
read -r x y <<<"$(where k "Pay now")"
click k "$x" "$y"
wait_for k "PAID - card"
row=$(q "SELECT o.status || '|' || count(p.*) || '|' || min(p.method) || '|' || min(p.card_last4)
         FROM core.orders o JOIN core.payment p USING (order_id)
         WHERE o.showtime_id = $SHOW AND o.terminal = 'e2e-kiosk' GROUP BY o.order_id, o.status
         ORDER BY o.order_id DESC LIMIT 1")
[ "$row" = "success|1|card|4242" ] || fail "kiosk order in the database: '$row'"
echo "kiosk card sale recorded: $row"
echo ok
