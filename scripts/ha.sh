#!/bin/sh
# ha.sh - a local pg_auto_failover formation to try failover by hand: a
# monitor, a primary and a synchronous standby on loopback, with Marquee's
# schema and demo data, and the multi-host dsn terminals use.
#
#   scripts/ha.sh start [DIR]     create (first time) and start what is not running; prints the dsn
#   scripts/ha.sh stop [DIR]      stop the nodes and the monitor
#   scripts/ha.sh status [DIR]    the monitor's view: each node's role and state
#   scripts/ha.sh failover [DIR]  a planned failover: the standby becomes the primary
#   scripts/ha.sh kill NODE [DIR] power-cut NODE (node1, node2): kill -9 every process of it
#   scripts/ha.sh freeze NODE [DIR]  SIGSTOP every process of NODE (a hung host; `kill` ends it)
#   scripts/ha.sh primary [DIR]   the name and port of the primary now ("node2 54402")
#   scripts/ha.sh dsn [DIR]       the terminal's dsn (user counter1, the demo counter)
#   scripts/ha.sh destroy [DIR]   stop everything and delete the data
#
# DIR defaults to ./var/ha. Ports: $MARQUEE_HA_PORT (default 54400) for the
# monitor, the next two for node1 and node2, all on 127.0.0.1 with trust
# authentication: a place to try things, never a production setup (see
# docs/operations.md for three real machines). The monitor's health checks
# are tuned to about a second, so a lost primary is replaced in a few
# seconds. A killed node comes back as the standby at the next `start`.
set -eu
# The formation is its own: libpq settings meant for another cluster stay out.
unset PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGOPTIONS PGHOSTADDR
cmd=${1:-start}
node=
case $cmd in kill|freeze) node=${2:?usage: ha.sh $cmd node1|node2 [DIR]}; shift ;; esac
dir=${2:-./var/ha}
top=$(cd "$(dirname "$0")/.." && pwd)
base_port=${MARQUEE_HA_PORT:-54400}
db=marquee
bin=/usr/lib/postgresql/15/bin
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

command -v pg_autoctl >/dev/null 2>&1 || {
	echo "ha.sh: pg_autoctl is missing: apt-get install pg-auto-failover-cli postgresql-15-auto-failover" >&2
	exit 1
}

# Where the data lives: as root the formation runs as user postgres, which
# may not reach this checkout; then a private directory under /var/tmp, and
# DIR/data links to it.
datadir() {
	if [ -L "$dir/data" ]; then readlink "$dir/data"; return; fi
	if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
		d=/var/tmp/marquee-ha-$(printf %s "$dir" | md5sum | cut -c1-10)
		mkdir -p "$d"; chown postgres "$d"; chmod 700 "$d"
		ln -sfn "$d" "$dir/data"
		echo "$d"; return
	fi
	mkdir -p "$dir/data"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir/data"
	echo "$dir/data"
}
data=$(datadir)

# pg_autoctl as the formation's user, its configuration and state kept
# under the data directory (not in a home directory other formations share).
# With AUTOCTL_EXEC set, pg_autoctl replaces the shell (a service's pid).
autoctl() {
	set -- env HOME="$data" XDG_CONFIG_HOME="$data/xdg/config" XDG_DATA_HOME="$data/xdg/data" \
		XDG_RUNTIME_DIR="$data/xdg/run" PATH="$bin:/usr/bin:/bin" pg_autoctl "$@"
	[ "$(id -u)" -eq 0 ] && set -- runuser -u postgres -- "$@"
	if [ -n "${AUTOCTL_EXEC:-}" ]; then exec "$@"; else "$@"; fi
}

port_of() {
	case $1 in monitor) echo "$base_port" ;; node1) echo $((base_port + 1)) ;; node2) echo $((base_port + 2)) ;; esac
}
monitor_uri="postgres://autoctl_node@127.0.0.1:$base_port/pg_auto_failover?sslmode=disable"
dsn_as() { echo "host=127.0.0.1,127.0.0.1 port=$((base_port + 1)),$((base_port + 2)) dbname=$db user=$1 target_session_attrs=read-write"; }

# PID and every process under it, one a line.
tree_pids() {
	ps -eo pid=,ppid= | awk -v root="$1" '{ kids[$2] = kids[$2] " " $1 } END {
		n = 1; q[1] = root; i = 1
		while (i <= n) { p = q[i++]; print p; m = split(kids[p], k, " "); for (j = 1; j <= m; j++) q[++n] = k[j] } }'
}
# The process that runs NAME's pg_autoctl service (its parent of all), or nothing.
service_pid() {
	[ -f "$data/$1.pid" ] || return 0
	p=$(cat "$data/$1.pid")
	if kill -0 "$p" 2>/dev/null && ps -o args= -p "$p" | grep -q "pg_autoctl run --pgdata $data/$1"; then echo "$p"; fi
}
# Starts NAME's pg_autoctl service in the background unless it runs.
service_start() {
	[ -n "$(service_pid "$1")" ] && return 0
	rm -f "$data/$1/postmaster.pid"	# left by a killed node; its processes are gone
	(cd / && AUTOCTL_EXEC=1 autoctl run --pgdata "$data/$1") >>"$data/$1.log" 2>&1 </dev/null &
	echo $! >"$data/$1.pid"
}
# kill -9 of every process of NAME (stopped ones too).
service_kill() {
	p=$(service_pid "$1")
	[ -n "$p" ] || return 0
	pids=$(tree_pids "$p")
	kill -9 $pids 2>/dev/null || true
	rm -f "$data/$1.pid"
}
# Stops NAME: politely, then by force after 20 s.
service_stop() {
	p=$(service_pid "$1")
	[ -n "$p" ] || return 0
	kill -CONT $(tree_pids "$p") 2>/dev/null || true	# a frozen node (tests) hears the stop
	autoctl stop --pgdata "$data/$1" >/dev/null 2>&1 || true
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	service_kill "$1"
	rm -f "$data/$1.pid"
}

# state NAME [COLUMN]: the node's reported state (primary, secondary,
# wait_primary...), or with COLUMN 7 the state the monitor assigned it.
state() {
	autoctl show state --pgdata "$data/monitor" 2>/dev/null |
		awk -F'|' -v n="$1" -v c="${2:-6}" '{ gsub(/ /, "", $1); gsub(/ /, "", $c); if ($1 == n) print $c }'
}
# wait_state NAME REGEX SECONDS
wait_state() {
	i=0
	while [ $i -lt $(($3 * 2)) ]; do
		state "$1" | grep -Eqx "$2" && return 0
		sleep 0.5; i=$((i + 1))
	done
	echo "ha.sh: $1 is not $2 after $3 s (it is: $(state "$1"))" >&2
	autoctl show state --pgdata "$data/monitor" >&2 || true
	exit 1
}

create_node() {	# create_node NAME
	autoctl create postgres --pgdata "$data/$1" --pgport "$(port_of "$1")" --hostname 127.0.0.1 \
		--auth trust --no-ssl --dbname "$db" --name "$1" --monitor "$monitor_uri" \
		>"$data/create-$1.log" 2>&1 || { tail -20 "$data/create-$1.log" >&2; exit 1; }
}

case $cmd in
start)
	if [ ! -f "$data/monitor/PG_VERSION" ]; then
		autoctl create monitor --pgdata "$data/monitor" --pgport "$base_port" --hostname 127.0.0.1 \
			--auth trust --no-ssl >"$data/create-monitor.log" 2>&1 ||
			{ tail -20 "$data/create-monitor.log" >&2; exit 1; }
	fi
	service_start monitor
	i=0
	until psql "host=127.0.0.1 port=$base_port user=postgres dbname=pg_auto_failover" -XAtqc "select 1" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "ha.sh: the monitor did not start (see $data/monitor.log)" >&2; exit 1; }
		sleep 0.2
	done
	# Health checks every second; a node unreachable and silent for a
	# second is failed over, and a primary that cannot be told to step
	# down is not waited for longer than a second.
	psql "host=127.0.0.1 port=$base_port user=postgres dbname=pg_auto_failover" -XAtq >/dev/null <<'SQL'
ALTER SYSTEM SET pgautofailover.health_check_period = 1000;
ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000;
ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1;
ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 500;
ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 1000;
ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 1000;
SELECT pg_reload_conf();
SQL
	if [ ! -f "$data/node1/PG_VERSION" ]; then
		create_node node1
		service_start node1
		wait_state node1 single 60
	fi
	service_start node1
	if [ ! -f "$data/node2/PG_VERSION" ]; then
		create_node node2
	fi
	service_start node2
	# One primary and one standby in sync (a killed node rejoins as the standby).
	i=0
	until { [ "$(state node1)" = primary ] && [ "$(state node2)" = secondary ]; } ||
	      { [ "$(state node2)" = primary ] && [ "$(state node1)" = secondary ]; }; do
		i=$((i + 1))
		[ $i -lt 240 ] || { echo "ha.sh: no primary with a standby after 120 s" >&2; autoctl show state --pgdata "$data/monitor" >&2; exit 1; }
		sleep 0.5
	done
	# The schema and demo data, on whichever node is the primary (both safe to rerun).
	(cd "$top" && MARQUEE_SQLDIR="$top/sql" MARQUEE_DSN="$(dsn_as postgres)" ./marquee db migrate >/dev/null &&
		MARQUEE_SQLDIR="$top/sql" MARQUEE_DSN="$(dsn_as postgres)" ./marquee db demo >/dev/null) ||
		{ echo "ha.sh: cannot load the schema and demo data" >&2; exit 1; }
	echo "MARQUEE_DSN=\"$(dsn_as counter1)\""
	;;
stop)
	for n in node2 node1 monitor; do service_stop "$n"; done
	;;
destroy)
	for n in node2 node1 monitor; do service_stop "$n"; done
	rm -rf "$data" "$dir/data"
	;;
status)
	autoctl show state --pgdata "$data/monitor"
	;;
failover)
	autoctl perform failover --pgdata "$data/monitor"
	;;
kill)
	service_kill "$node"
	;;
freeze)
	p=$(service_pid "$node")
	[ -n "$p" ] && kill -STOP $(tree_pids "$p")
	;;
primary)
	for n in node1 node2; do
		# what the monitor decided: a dead primary still reports "primary"
		case $(state "$n" 7) in primary|wait_primary|single) echo "$n $(port_of "$n")"; exit 0 ;; esac
	done
	exit 1
	;;
dsn)
	dsn_as counter1
	;;
*)
	echo "usage: ha.sh start|stop|status|failover|kill NODE|freeze NODE|primary|dsn|destroy [DIR]" >&2; exit 2 ;;
esac
