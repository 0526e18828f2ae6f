#!/bin/sh
# pg.sh - start, stop and describe Marquee's private PostgreSQL cluster.
#
#   scripts/pg.sh start [DIR]   init (first time) and start a cluster, create db "marquee"
#   scripts/pg.sh stop  [DIR]   stop it
#   scripts/pg.sh destroy [DIR] stop it and delete its data
#   scripts/pg.sh env   [DIR]   print shell lines: PGHOST, PGPORT, MARQUEE_OWNER_DSN,
#                               MARQUEE_COUNTER_DSN, MARQUEE_KIOSK_DSN, MARQUEE_DOOR_DSN ...
#
# DIR defaults to ./var. The cluster listens only on a Unix socket in DIR/run,
# port $MARQUEE_PGPORT (default 54329). Local connections are trusted: this is a
# development and test cluster, never a production one.
set -eu
cmd=${1:-start}
dir=${2:-${MARQUEE_VAR:-./var}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
port=${MARQUEE_PGPORT:-54329}
bin=/usr/lib/postgresql/15/bin
db=${MARQUEE_DB:-marquee}

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Where the data lives. As root, the cluster runs as user postgres, which may
# not be able to reach this checkout (say, under /root): then the data and the
# socket go to a private directory under /var/tmp, and DIR/pgdata links to it.
datadir() {
	if [ -L "$dir/pgdata" ]; then readlink "$dir/pgdata"; return; fi
	if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
		chown postgres "$dir" 2>/dev/null || true
		if ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
			d=/var/tmp/marquee-pg-$(printf %s "$dir" | md5sum | cut -c1-10)
			mkdir -p "$d"; chown postgres "$d"; chmod 700 "$d"
			ln -sfn "$d" "$dir/pgdata"
			echo "$d"; return
		fi
	fi
	echo "$dir/pgdata"
}

data=$(datadir)
if [ -L "$dir/pgdata" ]; then sock=$data/run; else sock=$dir/run; fi

case $cmd in
start)
	if [ ! -f "$data/PG_VERSION" ]; then
		mkdir -p "$data"
		[ "$(id -u)" -eq 0 ] && chown postgres "$data"
		as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; exit 1; }
		cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
max_connections = 120
shared_buffers = 256MB
log_min_messages = warning
log_min_error_statement = panic
CONF
	elif ! grep -q "^port = $port\$" "$data/postgresql.conf"; then
		# A cluster made for another port (MARQUEE_PGPORT then): it listens
		# where it is asked to now, or `env` would name a socket nobody is on.
		as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 &&
			as_pg "$bin/pg_ctl" -D "$data" -w -m fast stop >/dev/null
		sed -i "s/^port = .*/port = $port/" "$data/postgresql.conf"
	fi
	mkdir -p "$sock"
	[ "$(id -u)" -eq 0 ] && chown postgres "$sock"
	if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null ||
			{ tail -20 "$data/server.log" >&2; exit 1; }
	fi
	if ! psql -h "$sock" -p "$port" -U postgres -d postgres -Atqc \
		"select 1 from pg_database where datname = '$db'" | grep -q 1; then
		psql -h "$sock" -p "$port" -U postgres -d postgres -qc "create database $db" >/dev/null
	fi
	;;
stop)
	if [ -f "$data/PG_VERSION" ]; then
		as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	;;
destroy)
	if [ -f "$data/PG_VERSION" ]; then
		as_pg "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$data" "$dir/pgdata" "$dir/run"
	;;
env)
	echo "PGHOST=$sock; export PGHOST"
	echo "PGPORT=$port; export PGPORT"
	echo "PGUSER=postgres; export PGUSER"
	echo "PGDATABASE=$db; export PGDATABASE"
	echo "MARQUEE_OWNER_DSN='host=$sock port=$port user=postgres dbname=$db'; export MARQUEE_OWNER_DSN"
	# The demo devices (`marquee db demo`): a counter, a kiosk, a door scanner.
	# MARQUEE_TERM_DSN is the counter's, the terminal most tests drive.
	for d in counter kiosk door; do
		D=$(echo "$d" | tr a-z A-Z)
		echo "MARQUEE_${D}_DSN='host=$sock port=$port user=${d}1 dbname=$db'; export MARQUEE_${D}_DSN"
	done
	echo "MARQUEE_TERM_DSN='host=$sock port=$port user=counter1 dbname=$db'; export MARQUEE_TERM_DSN"
	;;
*)
	echo "usage: pg.sh start|stop|destroy|env [DIR]" >&2; exit 2 ;;
esac
