#!/bin/bash
# 50-lost-terminal.sh - a terminal that loses its terminal (the tmux server
# killed, as a closed SSH window or a reset console does) stops within two
# seconds, releases its hold, closes its database connection and logs why,
# however it was started: through `make run` (make, then scripts/run.sh,
# then ./marquee: marquee is not the session leader and gets no SIGHUP) and
# with the kiosk unit's own ExecStart line and Environment run by hand.
. "$(dirname "$0")/../e2e-lib.sh"

top=$PWD
bin=$top/${MARQUEE_E2E_BIN:-./marquee}

# marquee_pid SESSION: the pid of the marquee process under the session's pane
marquee_pid() {
	local todo pid
	todo=$(tm list-panes -t "$1" -F '#{pane_pid}')
	while [ -n "$todo" ]; do
		set -- $todo
		pid=$1; shift; todo="$*"
		[ "$(cat /proc/"$pid"/comm 2>/dev/null)" = marquee ] && { echo "$pid"; return; }
		todo="$todo $(cat /proc/"$pid"/task/*/children 2>/dev/null)"
	done
}

# alive PID: the process runs (a zombie waiting for init to reap it has ended)
alive() {
	local st
	st=$(sed 's/^.*) \(.\).*/\1/' /proc/"$1"/stat 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# lose NAME LOG: with a hold open at terminal NAME (its order in $oid), kills
# the tmux server and checks what the process did.
lose() {
	local name=$1 log=$2 pid t0 t1 st
	pid=$(marquee_pid "$name")
	[ -n "$pid" ] || fail "$name: no marquee process found"
	t0=$(date +%s%N)
	tm kill-server
	while alive "$pid" && [ $(( $(date +%s%N) - t0 )) -lt 5000000000 ]; do
		sleep 0.02
	done
	t1=$(date +%s%N)
	if alive "$pid"; then
		ps -o pid,stat,time,args -p "$pid" >&2
		kill "$pid"
		fail "$name: marquee ($pid) still running 5 s after its terminal was lost"
	fi
	[ $(( (t1 - t0) / 1000000 )) -le 2000 ] || fail "$name: took $(( (t1 - t0) / 1000000 )) ms to stop"
	st=$(q "SELECT status FROM core.orders WHERE order_id = $oid")
	[ "$st" = cancelled ] || fail "$name: the hold's order is '$st', not cancelled"
	[ "$(q "SELECT count(*) FROM core.showtime_seat WHERE order_id = $oid")" = 0 ] ||
		fail "$name: seats still held by order $oid"
	grep -q "terminal lost (.*): releasing the hold" "$log" || fail "$name: no 'terminal lost' line in $log"
	grep -q "terminal stopped (status 1)" "$log" || fail "$name: did not stop with status 1"
	echo "$name: gone $(( (t1 - t0) / 1000000 )) ms after the terminal was lost; order $oid $st; log: $(grep -o 'terminal lost ([^)]*)' "$log")"
}

# 1. `make run` at a counter, with a database configured (run.sh then execs
# ./marquee): as the pane's own command (make leads the session, and on the
# hang-up waits for marquee, which gets no signal: only POLLHUP on its
# terminal), and typed into an interactive shell (the shell hangs up its job)
pick_show 15
cat >"$E2E_DIR/counter.conf" <<CONF
terminal = e2e-lost-counter
mode = counter
hold_minutes = 8
card_driver = test
log = $E2E_DIR/counter.log
CONF
run_env="MARQUEE_DSN='$MARQUEE_TERM_DSN' MARQUEE_CONFIG='$E2E_DIR/counter.conf'"
for how in pane shell; do
	: >"$E2E_DIR/counter.log"
	if [ $how = pane ]; then
		tm new-session -d -s c -x 80 -y 24 \
			"cd '$top' && exec env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS $run_env make --no-print-directory run 2>>'$E2E_DIR/c.err'"
	else
		tm new-session -d -s c -x 80 -y 24 "env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS bash --norc --noprofile -i"
		lit c "cd '$top' && $run_env make --no-print-directory run 2>>'$E2E_DIR/c.err'"
		keys c Enter
	fi
	login c
	open_show c
	hold_two c
	oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-lost-counter'")
	[ -n "$oid" ] && [ "$(q "SELECT status FROM core.orders WHERE order_id = $oid")" != cancelled ] ||
		fail "no live hold at the counter"
	lose c "$E2E_DIR/counter.log"
done

# 2. the kiosk unit's command line and environment, as systemd runs it (the
# process leads its session on the terminal), with this build for /usr/bin/marquee
unit=systemd/marquee-kiosk.service
exec_line=$(sed -n 's/^ExecStart=//p' "$unit")
unit_env=$(sed -n 's/^Environment=//p' "$unit" | sed 's/MARQUEE_CONFIG=[^ ]*//')
[ -n "$exec_line" ] || fail "no ExecStart in $unit"
exec_line=${exec_line/\/usr\/bin\/marquee/$bin}
cat >"$E2E_DIR/kiosk.conf" <<CONF
terminal = e2e-lost-kiosk
mode = kiosk
hold_minutes = 8
idle_seconds = 300
card_driver = test
log = $E2E_DIR/kiosk.log
CONF
tm new-session -d -s k -x 80 -y 24 \
	"cd '$top' && exec env $unit_env MARQUEE_CONFIG='$E2E_DIR/kiosk.conf' MARQUEE_DSN='$MARQUEE_KIOSK_DSN' MARQUEE_CARD_TEST_DIR='$MARQUEE_CARD_TEST_DIR' $exec_line 2>>'$E2E_DIR/k.err'"
wait_for k "TOUCH HERE"
keys k Enter; wait_for k "Choose a film"
open_show k
hold_two k
oid=$(q "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-lost-kiosk'")
[ -n "$oid" ] && [ "$(q "SELECT status FROM core.orders WHERE order_id = $oid")" != cancelled ] || fail "no live hold at the kiosk"
lose k "$E2E_DIR/kiosk.log"

# 3. end of input: standard input at end of file (output still a terminal)
tm new-session -d -s e -x 80 -y 24 \
	"cd '$top' && env MARQUEE_CONFIG='$E2E_DIR/kiosk.conf' MARQUEE_DSN='$MARQUEE_KIOSK_DSN' $bin </dev/null 2>>'$E2E_DIR/e.err'; echo MARQUEE-EXITED rc=\$?; sleep 600"
wait_for e "MARQUEE-EXITED rc=1" 3
grep -q "terminal lost (end of input)" "$E2E_DIR/kiosk.log" || fail "no 'end of input' in the log"
echo "stdin at end of file: stopped with status 1"
echo ok
