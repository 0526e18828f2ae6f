# cluster.sh - sourced by bench/run.sh and bench/count.sh: a fresh private
# cluster for one benchmark run, with the demo and a pgbench database.
#
#   bench_cluster DIR PORT
#   bench_reset     every seat free again, the past orders kept
#
# Starts the cluster under DIR (any old one there is removed) on PORT,
# exports its environment (MARQUEE_OWNER_DSN, MARQUEE_TERM_DSN, PG*), sets
# $pgdata to its data directory, stops it on exit, and gives it the
# migrated demo (database marquee_bench) and `pgbench -i` (bench_pgbench).
# Run from the top of the checkout, with ./marquee built.
bench_cluster() {
	local dir=$1
	export MARQUEE_PGPORT=$2 MARQUEE_DB=marquee_bench
	scripts/pg.sh stop "$dir" 2>/dev/null || true
	rm -rf "$dir"
	mkdir -p "$dir"
	scripts/pg.sh start "$dir" >/dev/null
	eval "$(scripts/pg.sh env "$dir")"
	pgdata=$(psql -Atc "SHOW data_directory")
	trap "scripts/pg.sh stop '$dir' 2>/dev/null || true" EXIT
	export MARQUEE_SQLDIR=$PWD/sql MARQUEE_CONFIG=$PWD/tests/test.conf
	MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee db migrate >/dev/null
	MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee db demo >/dev/null
	# seatbench's clients are guests buying at kiosks: the demo kiosk's login.
	export MARQUEE_TERM_DSN=$MARQUEE_KIOSK_DSN
	psql -qc "CREATE DATABASE bench_pgbench" postgres
	pgbench -i -q bench_pgbench >/dev/null 2>&1
}

# Every seat free, as if the holds of the run before had run out: the
# orders stay, as a box office in service has its past orders. (Emptied
# tables would be analysed as empty, and every terminal's cached plans
# would then scan them whole for the entire run.)
bench_reset() {
	psql -q >/dev/null <<SQL
UPDATE core.orders SET status = 'expired', closed_at = now() WHERE status IN ('initiated', 'pending');
UPDATE core.ticket SET state = 'released' WHERE state = 'held';
UPDATE core.showtime_seat SET state = 'available', order_id = NULL, held_until = NULL WHERE state = 'held';
VACUUM ANALYZE;
CHECKPOINT;
SQL
}
