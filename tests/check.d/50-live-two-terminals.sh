#!/bin/bash
# 50-live-two-terminals.sh - two counter terminals side by side in two tmux
# panes. Terminal B has the seat map open; terminal A sells two seats. B must
# show them sold within one second of the sale's commit (orders.paid_at, same
# host clock), by LISTEN/NOTIFY: the fallback refresh is set to 60 s here.
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
pick_show 5
envs="MARQUEE_DSN='$MARQUEE_TERM_DSN' MARQUEE_CONFIG='$conf' MARQUEE_CARD_TEST_DIR='$MARQUEE_CARD_TEST_DIR' TERM=xterm-256color MARQUEE_SEATMAP_REFRESH=60"
tm new-session -d -s two -x 161 -y 24 "env $envs ./marquee 2>>'$E2E_DIR/a.err'; echo MARQUEE-EXITED; sleep 600"
tm split-window -h -t two "env $envs ./marquee 2>>'$E2E_DIR/b.err'; echo MARQUEE-EXITED; sleep 600"
A=two:0.0 B=two:0.1
login $A
login $B
open_show $B
keys $B Enter; wait_for $B "SCREEN"
sold0=$(screen $B | sed -n 's/.*sold \([0-9]*\).*/\1/p')
open_show $A
keys $A Enter; wait_for $A "SCREEN"
keys $A 2;     wait_for $A "Best 2 together"
keys $A Enter; wait_for $A "Seats held"
keys $A Enter; wait_for $A "Amount due"
keys $A Enter
end=$(( $(date +%s%N) + 3000000000 ))
seen=
while [ "$(date +%s%N)" -lt "$end" ]; do
	if screen $B | grep -q "sold $((sold0 + 2)) "; then seen=$(date +%s.%N); break; fi
	sleep 0.01
done
[ -n "$seen" ] || fail "terminal B never showed the two seats sold"
paid=$(q "SELECT extract(epoch FROM max(paid_at)) FROM core.orders WHERE showtime_id = $SHOW AND status = 'success'")
delay=$(echo "$seen - $paid" | bc -l)
printf 'live update: seat sold on A shown on B %.3f s after the commit\n' "$delay"
echo "$delay" >"$E2E_DIR/live-delay"
[ "$(echo "$delay < 1.0" | bc -l)" = 1 ] || fail "B took $delay s"
wait_for $A "PAID - cash"
echo ok
