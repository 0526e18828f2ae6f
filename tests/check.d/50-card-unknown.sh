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
to_payment c
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

# 4000 0000 0000 0267: the answer is lost and the terminal cannot say yet.
# The screen says so, refuses to charge again or to leave; F5 asks again.
keys c Enter; wait_for c "Type to search"
open_show c
to_payment c
keys c F3;    wait_for c "Method       CARD"
keys c C-u; lit c 4000000000000267; keys c Enter
wait_for c "OUTCOME UNKNOWN"
oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-counter'")
keys c Enter; wait_for c "unresolved: F5 asks"
keys c Escape; wait_for c "in flight: finish it first"
[ "$(q "SELECT count(*) FROM core.payment WHERE order_id = $oid")" = 0 ] || fail "recorded before the outcome was known"
keys c F5
wait_for c "PAID - card"
wait_for c "Card 0267: answer lost, confirmed by asking the terminal"
[ "$(q "SELECT count(*) FROM core.payment WHERE order_id = $oid")" = 1 ] || fail "order $oid: not one payment"
charges=$(grep -c ' approved .* 0267 ' "$MARQUEE_CARD_TEST_DIR/journal")
[ "$charges" = 1 ] || fail "card 0267 charged $charges times"
echo "unknown outcome, terminal busy, resolved with F5: 1 charge, 1 payment"
echo ok
