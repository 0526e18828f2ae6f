#!/bin/bash
# 60-failover.sh - selling through a database failover. A pg_auto_failover
# formation on loopback (scripts/ha.sh: monitor, primary, synchronous
# standby, health checks of about a second), then:
#  (a) 8 sales clients (tests/tools/failover.c) hold and pay with request
#      ids while every process of the primary is killed (kill -9): no
#      acknowledged sale lost, none doubled, every resent call answered as
#      the first time;
#  (b) the real ./marquee counter in tmux on the payment screen when the
#      primary is killed: Enter pays, and the sale reaches PAID with no
#      other key while the terminal reconnects;
#  (c) a primary that stops answering without closing its connections (an
#      nft rule drops its port's packets, its pg_auto_failover keeper is
#      stopped): the terminal notices (tcp_user_timeout, connect_timeout)
#      and the sale completes. A SIGSTOPped server would not do: its kernel
#      still acknowledges every packet and keepalive, so only a packet filter
#      makes it silent; without nft (or CAP_NET_ADMIN) (c) is skipped, saying so.
# Prints the figures. Everything it starts is stopped on any exit.
. "$(dirname "$0")/../e2e-lib.sh"

command -v pg_autoctl >/dev/null || { echo "FAIL: pg_autoctl missing (scripts/deps.sh check installs it)"; exit 1; }
export MARQUEE_HA_PORT=${MARQUEE_TEST_HA_PORT:-54400}
ha_dir=$E2E_DIR/ha
nft_table=marquee_failover_$MARQUEE_HA_PORT
export MARQUEE_TERM_DSN="host=127.0.0.1,127.0.0.1 port=$((MARQUEE_HA_PORT + 1)),$((MARQUEE_HA_PORT + 2)) dbname=marquee user=counter1 target_session_attrs=read-write"
export MARQUEE_COUNTER_DSN=$MARQUEE_TERM_DSN	# the counter terminals in tmux (e2e-lib's start)
export MARQUEE_OWNER_DSN="host=127.0.0.1,127.0.0.1 port=$((MARQUEE_HA_PORT + 1)),$((MARQUEE_HA_PORT + 2)) dbname=marquee user=postgres target_session_attrs=read-write"

cleanup() {
	e2e_cleanup
	nft delete table inet "$nft_table" 2>/dev/null || true
	scripts/ha.sh destroy "$ha_dir" >/dev/null 2>&1 || true
	# Anything of this formation still there (a frozen or orphaned process).
	for p in $(pgrep -f "marquee-ha-$(printf %s "$ha_dir" | md5sum | cut -c1-10)/" 2>/dev/null); do
		kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null
	done
	rm -rf "$ha_dir"
	return 0
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{ printf "%.1f", $1 - $2 }'; }

stage_t0=$(now)
scripts/ha.sh destroy "$ha_dir" >/dev/null 2>&1 || true
scripts/ha.sh start "$ha_dir" >/dev/null || fail "the formation did not start"
echo "formation up after $(since "$stage_t0") s"
primary() { scripts/ha.sh primary "$ha_dir" | cut -d' ' -f1; }
# qr SQL: q, asked again for up to 20 s while the formation settles (a node
# that rejoins may refuse connections for a moment).
qr() {
	local out i
	for i in $(seq 1 40); do
		out=$(q "$1" 2>/dev/null) && [ -n "$out" ] && { echo "$out"; return 0; }
		sleep 0.5
	done
	q "$1"
}
# on_payment N: a counter terminal "c" on the payment screen of the N-th
# showtime of tomorrow, two seats held; sets oid to the order.
on_payment() {
	pick_show "$1"
	start c "$(counter_conf)"
	login c
	open_show c
	to_payment c
	oid=$(qr "SELECT max(order_id) FROM core.orders WHERE showtime_id = $SHOW AND terminal = 'e2e-counter'")
}

# (a) concurrent sales clients, the primary killed after 3 s of 12.
old=$(primary)
rm -f "$E2E_DIR/killed"
build/tests/tools/failover -c 8 -d 12 -k "$E2E_DIR/killed" >"$E2E_DIR/clients.out" 2>&1 &
clients=$!
sleep 3
scripts/ha.sh kill "$old" "$ha_dir"
now >"$E2E_DIR/killed"
wait "$clients" || { cat "$E2E_DIR/clients.out"; fail "(a) the sales clients found a loss, a double or a differing answer"; }
cat "$E2E_DIR/clients.out"
[ "$(primary)" != "$old" ] || fail "(a) no failover: $old is still the primary"
figures_a=$(grep -o 'acknowledged.*' "$E2E_DIR/clients.out")

# (b) the counter on the payment screen when the primary is killed.
t1=$(now)
scripts/ha.sh start "$ha_dir" >/dev/null || fail "the killed node did not come back as the standby"
echo "(b) the killed node is the standby again after $(since "$t1") s"
on_payment 3
old=$(primary)
scripts/ha.sh kill "$old" "$ha_dir"
t0=$(now)
keys c Enter
wait_for c "Reconnecting to the database|PAID - cash" 10
wait_for c "PAID - cash" 40
paid_b=$(since "$t0")
[ "$(qr "SELECT count(*) FROM core.payment WHERE order_id = $oid")" = 1 ] || fail "(b) order $oid not paid exactly once"
[ "$(qr "SELECT status FROM core.orders WHERE order_id = $oid")" = success ] || fail "(b) order $oid not a success"
echo "(b) terminal: primary $old killed on the payment screen, PAID ${paid_b} s later with no second key"
tm kill-session -t c

# (c) a primary that stops answering and closes nothing.
if nft add table inet "$nft_table" 2>/dev/null; then
	scripts/ha.sh start "$ha_dir" >/dev/null || fail "the killed node did not come back as the standby"
	on_payment 4
	old=$(primary)
	port=$(scripts/ha.sh primary "$ha_dir" | cut -d' ' -f2)
	nft add chain inet "$nft_table" input "{ type filter hook input priority 0; }"
	nft add rule inet "$nft_table" input tcp dport "$port" drop
	nft add rule inet "$nft_table" input tcp sport "$port" drop
	# Its keeper falls silent too (it would tell the monitor all is well).
	scripts/ha.sh freeze "$old" "$ha_dir"
	t0=$(now)
	keys c Enter
	wait_for c "Reconnecting to the database|PAID - cash" 30
	noticed_c=$(since "$t0")
	wait_for c "PAID - cash" 60
	paid_c=$(since "$t0")
	nft delete table inet "$nft_table"
	scripts/ha.sh kill "$old" "$ha_dir"
	[ "$(qr "SELECT count(*) FROM core.payment WHERE order_id = $oid")" = 1 ] || fail "(c) order $oid not paid exactly once"
	echo "(c) silent primary $old (its packets dropped, its processes stopped): the terminal was reconnecting after ${noticed_c} s, PAID ${paid_c} s after Enter"
	figures_c="silent primary: reconnecting after ${noticed_c} s, PAID after ${paid_c} s"
else
	echo "(c) SKIPPED: nft cannot add a table here (no nftables or no CAP_NET_ADMIN); a SIGSTOPped server's kernel still acknowledges packets and keepalives, so it is not a silent primary"
	figures_c="silent primary: skipped (no packet filter)"
fi
echo "stage: $(since "$stage_t0") s"
echo "figures: $figures_a; terminal kill->PAID ${paid_b} s; $figures_c"
echo ok
