#!/bin/bash
# 50-card-unknown.sh - the card terminal's answer is lost ("outcome unknown",
# test card 4000 0000 0000 0259): the sale asks the terminal for the status of
# the same idempotency key and is paid - with one charge and one payment row.
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
pick_show 3
start c "$conf"
login c
open_show c
keys c Enter; wait_for c "SCREEN"
keys c 2;     wait_for c "Best 2 together"
keys c Enter; wait_for c "Seats held"
keys c Enter; wait_for c "Amount due"
keys c F3;    wait_for c "Method       CARD"
keys c C-u; lit c 4000000000000259; keys c Enter
wait_for c "PAID - card"
wait_for c "Card 0259: answer lost, confirmed by asking the terminal"
oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-counter'")
pays=$(q "SELECT count(*) FROM core.payment WHERE order_id = $oid")
[ "$pays" = 1 ] || fail "order $oid has $pays payment rows, want 1"
charges=$(grep -c ' approved .* 0259 ' "$MARQUEE_CARD_TEST_DIR/journal")
[ "$charges" = 1 ] || fail "the test terminal charged card 0259 $charges times"
ref=$(q "SELECT terminal_ref FROM core.payment WHERE order_id = $oid")
grep -q " $ref\$" "$MARQUEE_CARD_TEST_DIR/journal" || fail "payment's terminal_ref $ref is not the terminal's"
echo "unknown outcome resolved by status: 1 charge, 1 payment (ref $ref)"
echo ok
