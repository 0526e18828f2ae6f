#!/bin/bash
# count.sh - `make bench-count`: the instructions the server runs for one
# api.select_seat call and for one pgbench -N transaction, counted by
# callgrind over single-user backends of one cluster, in one run.
#
# The timed benchmark (bench/run.sh) shares a 2-CPU machine with everything
# else on its host, whose speed swings by a quarter or more within a minute.
# An instruction count does not drift: it shows a change of 2% that a timed
# run cannot. It leaves out what a timed run has besides (the round trips,
# the kernel, the client, the relay and the listening map), so it says how
# much work a call is, not how fast it goes.
#
# The cluster (build/count-var, port $MARQUEE_COUNT_PGPORT, default 54379)
# gets the demo, a pgbench database and a few seconds of spread holds (past
# orders, as bench/run.sh does), then stops. Each measurement runs
# `postgres --single` under callgrind on a copy of it twice, once with the
# warm-up calls alone and once with $MARQUEE_COUNT_CALLS (default 600) more,
# and divides the difference by the calls: the session's start and its
# first plans cancel out.
#   select_seat, one seat     random free seats of the showtimes on sale
#   select_seat, two seats    random pairs of neighbours
#   select_seat, taken over   one seat each whose hold has run out (other
#                             seats, held for 0.6 s before the cluster
#                             stopped), as a third of make bench's spread
#                             calls find theirs
#   pgbench -N                the transaction of pgbench's simple-update
#                             script, in the simple protocol pgbench uses
set -eu
cd "$(dirname "$0")/.."
top=$PWD
dir=$top/build/count-var
port=${MARQUEE_COUNT_PGPORT:-54379}
calls=${MARQUEE_COUNT_CALLS:-600}
warm=300
pgbin=/usr/lib/postgresql/15/bin
command -v valgrind >/dev/null || { echo "count.sh: needs valgrind (apt-get install -y valgrind)" >&2; exit 1; }

. bench/cluster.sh
bench_cluster "$dir" "$port"
mkdir -p "$dir/work"
build/bench/seatbench -m spread -c 8 -d 3 >/dev/null

# The calls, drawn now: seats free at the end of the warm-up run, one or
# two neighbours; and as many other seats (no neighbour of those), which
# are held for 0.6 s now and have run out by the time they are counted. A
# relay lease is left in place, so the holds log their changes as they do
# with a relay running.
psql -q >/dev/null <<SQL
UPDATE core.orders SET status = 'expired', closed_at = now() WHERE status IN ('initiated', 'pending');
UPDATE core.showtime_seat SET state = 'available', order_id = NULL, held_until = NULL WHERE state = 'held';
UPDATE core.hold_policy SET relay_holder = 0, relay_until = now() + interval '1 day';
UPDATE core.setting SET value = '0' WHERE name IN ('holds_per_minute', 'holds_per_minute_device');
VACUUM ANALYZE;
SQL
draw() {	# draw WHERE: the calls' seats (showtime, label, right neighbour), in a random order
	psql -Atc "WITH a AS (SELECT st.showtime_id, s.label, lag(s.label) OVER w AS prev, lead(s.label) OVER w AS next,
	                             row_number() OVER (ORDER BY md5(st.showtime_id || s.label)) AS n
	                        FROM core.showtime st JOIN core.showtime_seat ss USING (showtime_id)
	                        JOIN core.seat s USING (seat_id)
	                       WHERE NOT st.cancelled AND st.starts_at > now() + interval '30 minutes'
	                      WINDOW w AS (PARTITION BY st.showtime_id, s.row_no ORDER BY s.col_no)),
	                used AS (SELECT showtime_id, x FROM a, unnest(ARRAY[label, prev, next]) x WHERE n <= $((warm + calls)))
	           SELECT showtime_id || ' ' || label || ' ' || coalesce(next, '') FROM a WHERE $1 ORDER BY n LIMIT $((warm + calls))"
}
draw "n <= $((warm + calls))" >"$dir/work/seats"
draw "n > $((warm + calls)) AND NOT EXISTS (SELECT 1 FROM used u WHERE u.showtime_id = a.showtime_id AND u.x = a.label)" \
	>"$dir/work/over"
{ echo "SELECT session AS s FROM api.sign_in_guest('count') \\gset"
  awk '{ printf "SELECT count(*) FROM api.select_seat(:%cs%c, %s, %c{%s}%c);\n", 39, 39, $1, 39, $2, 39 }' "$dir/work/over"; } |
	PGOPTIONS="-c marquee.hold_minutes=0.01" psql -q >/dev/null
[ "$(psql -Atc "SELECT count(*) FROM core.showtime_seat WHERE state = 'held'")" -eq $((warm + calls)) ] ||
	{ echo "count.sh: the seats to take over were not all held" >&2; exit 1; }
sleep 1
scripts/pg.sh stop "$dir"
chown -R postgres "$dir/work" 2>/dev/null || true

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
script() {	# script KIND N: the single-user input for N calls
	case $1 in
	one|two|over)
		echo "SELECT set_config('marquee.hold_minutes', '0.01', false);"
		echo "SELECT set_config('count.session', (SELECT session FROM api.sign_in_guest('count')), false);"
		echo "PREPARE s(bigint, text[]) AS SELECT selection_status, order_id FROM api.select_seat(current_setting('count.session'), \$1, \$2);"
		head -n "$2" "$dir/work/$([ "$1" = over ] && echo over || echo seats)" | awk -v k="$1" '{
			if (k == "two" && $3 != "") printf "EXECUTE s(%s, %c{%s,%s}%c);\n", $1, 39, $2, $3, 39
			else printf "EXECUTE s(%s, %c{%s}%c);\n", $1, 39, $2, 39 }' ;;
	pgbench)
		awk -v n="$2" 'BEGIN { srand(7); for (i = 0; i < n; i++) {
			a = int(rand() * 100000) + 1; d = int(rand() * 10001) - 5000; t = int(rand() * 10) + 1
			print "BEGIN;"
			print "UPDATE pgbench_accounts SET abalance = abalance + " d " WHERE aid = " a ";"
			print "SELECT abalance FROM pgbench_accounts WHERE aid = " a ";"
			print "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (" t ", 1, " a ", " d ", CURRENT_TIMESTAMP);"
			print "END;" } }' ;;
	esac
}
run() {	# run KIND N: instructions of a single-user backend running N calls
	local w=$dir/work/$1-$2 db=marquee_bench
	[ "$1" = pgbench ] && db=bench_pgbench
	rm -rf "$w.data"
	cp -a "$pgdata" "$w.data"
	script "$1" "$2" >"$w.sql"
	chown -R postgres "$w.data" "$w.sql" 2>/dev/null || true
	as_pg valgrind --tool=callgrind --callgrind-out-file=/dev/null "$pgbin/postgres" --single -D "$w.data" "$db" \
		<"$w.sql" >"$w.log" 2>&1
	grep -q ERROR "$w.log" && { echo "count.sh: $1: $(grep -m1 ERROR "$w.log")" >&2; exit 1; }
	rm -rf "$w.data"
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$w.log"
}
per_call() {	# per_call KIND: instructions per call, warm-up subtracted
	local a b
	a=$(run "$1" "$warm") b=$(run "$1" $((warm + calls)))
	echo $(((b - a) / calls))
}

echo "count: PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{ print $3 }'), callgrind, $calls calls after $warm"
one=$(per_call one)
two=$(per_call two)
over=$(per_call over)
pgb=$(per_call pgbench)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "  select_seat, one seat    $one instructions a call"
echo "  select_seat, two seats   $two instructions a call"
echo "  select_seat, taken over  $over instructions a call (one seat whose hold had run out)"
echo "  pgbench -N               $pgb instructions a transaction"
echo "count: select_seat / pgbench -N = $(ratio "$one" "$pgb")x (one seat), $(ratio "$two" "$pgb")x (two seats) the work"
