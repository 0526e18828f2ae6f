#!/bin/bash
# ab.sh - timed A/B of schema variants on one bench cluster: `bench/ab.sh
# A.sql B.sql ...`. Each file is applied (psql -f, as the owner) just before
# its variant's run, so the variants take turns on the same cluster and the
# same minutes: CREATE OR REPLACE FUNCTION the code to compare, or DDL that
# adds or drops what is measured (it must be idempotent: each file runs
# once a round).
#
# A round runs pgbench -N, then each variant's spread run (select_seat on a
# random showtime on sale, 8 terminals, with the server's CPU per hold read
# from /proc) followed by pgbench -N again; the order of the variants turns
# each round. Each spread rate is set against the mean of its two pgbench
# -N neighbours, as bench/run.sh does. Prints every round, then each
# variant's ratios and CPU per hold with their medians.
#
# $MARQUEE_BENCH_PGPORT (default 54349), $MARQUEE_BENCH_SECONDS (default 5)
# a run, $MARQUEE_BENCH_ROUNDS (default 6). The cluster is build/ab-var.
set -eu
[ $# -ge 1 ] || { echo "usage: bench/ab.sh VARIANT.sql..." >&2; exit 2; }
files=()
for f in "$@"; do files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
cd "$(dirname "$0")/.."
port=${MARQUEE_BENCH_PGPORT:-54349}
secs=${MARQUEE_BENCH_SECONDS:-5}
rounds=${MARQUEE_BENCH_ROUNDS:-6}
. bench/cluster.sh
bench_cluster "$PWD/build/ab-var" "$port"
psql -qc "UPDATE core.setting SET value = '0' WHERE name IN ('holds_per_minute', 'holds_per_minute_device')"
build/bench/seatbench -m spread -c 8 -d 3 >/dev/null
reset() { bench_reset; }
pgb() { pgbench -n -c 8 -j 8 -T "$secs" -N bench_pgbench 2>/dev/null | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
n=${#files[@]}
declare -A ratios cpus
for ((r = 0; r < rounds; r++)); do
	reset
	p0=$(pgb)
	line="round $((r + 1)): pgbench -N $p0"
	for ((i = 0; i < n; i++)); do
		f=${files[$(((i + r) % n))]}
		psql -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null
		reset
		out=$(build/bench/seatbench -c 8 -d "$secs" -m spread -P "$(head -1 "$pgdata/postmaster.pid")")
		rate=$(sed -n 's/.* rate=\([^ ]*\).*/\1/p' <<<"$out")
		cpu=$(sed -n 's/.* cpu_us_per_hold=\([^ ]*\).*/\1/p' <<<"$out")
		reset
		p1=$(pgb)
		rt=$(awk -v a="$rate" -v b="$p0" -v c="$p1" 'BEGIN { printf "%.2f", 2 * a / (b + c) }')
		ratios[$f]="${ratios[$f]:-} $rt"
		cpus[$f]="${cpus[$f]:-} $cpu"
		line="$line | $(basename "$f" .sql) $rate calls/s (${rt}x, $cpu us/hold) | pgbench -N $p1"
		p0=$p1
	done
	echo "$line"
done
for f in "${files[@]}"; do
	# shellcheck disable=SC2086
	echo "$(basename "$f" .sql): spread / pgbench -N${ratios[$f]} (median $(median ${ratios[$f]})x);" \
	     "server CPU us a hold${cpus[$f]} (median $(median ${cpus[$f]}))"
done
