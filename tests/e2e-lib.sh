# e2e-lib.sh - shared by tests/check.d/50-*.sh: drive the real ./marquee in
# tmux on a private socket against the test PostgreSQL (tests/run.sh exports
# PGHOST..., MARQUEE_OWNER_DSN, MARQUEE_COUNTER_DSN, MARQUEE_KIOSK_DSN).
# A terminal connects as the demo device of its mode (a counter or a kiosk:
# EXECUTE on its kind's api functions only); checks read the tables as owner.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
E2E_NAME=$(basename "$0" .sh)
E2E_SOCK="mq-$E2E_NAME-$$"
E2E_DIR=${MARQUEE_TEST_VAR:-/tmp}/e2e-$E2E_NAME
rm -rf "$E2E_DIR"
mkdir -p "$E2E_DIR"
export MARQUEE_CARD_TEST_DIR=$E2E_DIR/card
mkdir -p "$MARQUEE_CARD_TEST_DIR"

tm() { tmux -L "$E2E_SOCK" "$@"; }
# e2e_cleanup: ends the terminals and their tmux server. Every program a
# pane started ends with the stage: one still there 3 s after its terminal
# went (a sanitizer build can hang in its exit-time leak check) is killed,
# and said so, rather than left spinning.
e2e_cleanup() {
	local panes pids p i x
	panes=$(tm list-panes -a -F '#{pane_pid}' 2>/dev/null)
	for p in $panes; do pids="${pids:-} $p $(pgrep -P "$p" 2>/dev/null | tr '\n' ' ')"; done
	tm kill-server 2>/dev/null || true
	for i in $(seq 1 30); do
		p=""
		for x in ${pids:-}; do kill -0 "$x" 2>/dev/null && p="$p $x"; done
		[ -z "$p" ] && return 0
		sleep 0.1
	done
	echo "e2e: killing what the terminals left running:$p" >&2
	kill -9 $p 2>/dev/null || true
}
trap e2e_cleanup EXIT

# owner-side SQL, one value out
q() { psql "$MARQUEE_OWNER_DSN" -XAtqc "$1"; }

# start NAME CONF [ENV=V ...]: a terminal in its own tmux session NAME, 80x24
start() {
	local name=$1 conf=$2 dsn=$MARQUEE_COUNTER_DSN; shift 2
	grep -q '^mode *= *kiosk' "$conf" 2>/dev/null && dsn=$MARQUEE_KIOSK_DSN
	local envs="MARQUEE_DSN='$dsn' MARQUEE_CONFIG='$conf' MARQUEE_CARD_TEST_DIR='$MARQUEE_CARD_TEST_DIR' TERM=${E2E_TERM:-xterm-256color}"
	for e in "$@"; do envs="$envs $e"; done
	tm new-session -d -s "$name" -x 80 -y 24 "env $envs ${MARQUEE_E2E_BIN:-./marquee} 2>>'$E2E_DIR/$name.err'; echo MARQUEE-EXITED rc=\$?; sleep 600"
}
# NAME is a session (one terminal) or a pane ("two:0.1")
screen() { tm capture-pane -p -t "$1"; }
keys() { local n=$1; shift; tm send-keys -t "$n" "$@"; }
lit() { tm send-keys -t "$1" -l "$2"; }

fail() {
	echo "FAIL: $*" >&2
	for w in $(tm list-panes -a -F '#S:#I.#P' 2>/dev/null); do
		echo "--- screen $w:" >&2
		screen "$w" >&2
	done
	for f in "$E2E_DIR"/*.err; do
		[ -s "$f" ] && { echo "--- $f:" >&2; cat "$f" >&2; }
	done
	exit 1
}

# click NAME X Y: a mouse click at column X, line Y (0-based), encoded as the
# terminal would: SGR (1006) for xterm-256color, X10 for linux.
click() {
	if [ "${E2E_TERM:-xterm-256color}" = linux ]; then
		local x y
		x=$(printf "\\$(printf %o $((33 + $2)))")
		y=$(printf "\\$(printf %o $((33 + $3)))")
		tm send-keys -t "$1" -l "$(printf '\033[M ')$x$y"
		tm send-keys -t "$1" -l "$(printf '\033[M#')$x$y"
	else
		tm send-keys -t "$1" -l "$(printf '\033[<0;%d;%dM' $(($2 + 1)) $(($3 + 1)))"
		tm send-keys -t "$1" -l "$(printf '\033[<0;%d;%dm' $(($2 + 1)) $(($3 + 1)))"
	fi
}
# where NAME TEXT: "X Y" of the first place TEXT is on the screen
where() {
	screen "$1" | awk -v t="$2" '{ i = index($0, t); if (i) { print i - 1, NR - 1; exit } }'
}

# wait_for NAME REGEX [SECONDS]: polls the screen until it matches
wait_for() {
	local name=$1 re=$2 limit=${3:-5} end
	end=$(( $(date +%s%N) + limit * 1000000000 ))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		screen "$name" | grep -Eq -- "$re" && return 0
		sleep 0.03
	done
	fail "$name: no /$re/ within ${limit}s"
}
# gone NAME REGEX: the screen does not show it now
absent() { screen "$1" | grep -Eq -- "$2" && fail "$1: unexpected /$2/"; return 0; }

# pick_show N: sets SHOW (showtime id) and TITLE to the N-th showtime of
# tomorrow, one no other stage uses: each stage passes its own N (taken:
# 0-6, 8-13 by 50-*, 7 by 55-admin, 14 by 41-print-names; grep "pick_show" before adding one).
pick_show() {
	local row
	row=$(q "SELECT showtime_id || '|' || title FROM api.listing_filtered('', NULL, NULL, current_date + 1)
	         ORDER BY starts_at, showtime_id OFFSET $1 LIMIT 1")
	SHOW=${row%%|*}
	TITLE=${row#*|}
	[ -n "$SHOW" ] || fail "no showtime tomorrow"
}

# hold_two NAME: with the showtime found (open_show), opens its seat map,
# takes the best two seats together and holds them (the ticket screen).
hold_two() {
	keys "$1" Enter; wait_for "$1" "SCREEN"
	keys "$1" 2;     wait_for "$1" "Best 2 together"
	keys "$1" Enter; wait_for "$1" "Seats held"
}
# to_payment NAME: hold_two, then on to the payment screen.
to_payment() {
	hold_two "$1"
	keys "$1" Enter; wait_for "$1" "Amount due"
}

# login NAME: signs the cashier in at a counter terminal
login() {
	wait_for "$1" "Staff sign-in"
	lit "$1" cashier; keys "$1" Enter; lit "$1" cashier1; keys "$1" Enter
	wait_for "$1" "Welcome, Casey"
}

# back_office NAME CONF: a counter terminal NAME where the demo manager
# signs in and opens the back office from the admin menu (its staff tab)
back_office() {
	start "$1" "$2"
	wait_for "$1" "Staff sign-in"
	lit "$1" manager; keys "$1" Enter; lit "$1" manager1; keys "$1" Enter
	wait_for "$1" "Welcome, Morgan"
	keys "$1" F9; wait_for "$1" "Takings of"
	keys "$1" F8; wait_for "$1" "Login +Name +Role +State"
}

# open_show NAME: types "#SHOW" into the listing search (the showtime by number)
open_show() {
	keys "$1" C-u
	lit "$1" "#$SHOW"
	wait_for "$1" "\| 1\$|\| 1 "
}

counter_conf() {
	cat >"$E2E_DIR/counter.conf" <<CONF
terminal = e2e-counter
mode = counter
hold_minutes = 8
card_driver = test
CONF
	echo "$E2E_DIR/counter.conf"
}
kiosk_conf() {
	cat >"$E2E_DIR/kiosk.conf" <<CONF
terminal = e2e-kiosk
mode = kiosk
hold_minutes = 8
idle_seconds = ${1:-90}
card_driver = test
CONF
	echo "$E2E_DIR/kiosk.conf"
}
