#!/bin/bash
# 57-report-csv.sh - `marquee report ... --csv` as an outside test reads it:
# a manager's takings, in every grouping and on either basis, sum to the
# payments less the refunds; occupancy's admissions are the tickets sold; a
# cashier and a wrong password are refused; the command line is checked.
set -u
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql "$MARQUEE_OWNER_DSN" -XAtqc "$1"; }
report() {	# report PASSWORD ARGS...: the CSV on stdout
	local pw=$1; shift
	echo "$pw" | MARQUEE_DSN=$MARQUEE_COUNTER_DSN ./marquee report "$@" --csv --password-stdin
}
# csv_sum COLUMN: the sum of a CSV column (by its header name) in cents
csv_sum() {
	awk -F, -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
	                     { split($c, a, "."); s += a[1] * 100 + (substr($c, 1, 1) == "-" ? -1 : 1) * a[2] }
	                     END { printf "%d\n", s }'
}

want=$(q "SELECT coalesce((SELECT sum(amount_cents) FROM core.payment), 0) - coalesce((SELECT sum(amount_cents) FROM core.refund), 0)")
for by in film cashier terminal tender day; do
	for basis in sale show; do
		out=$(report manager1 takings --from 2000-01-01 --to 2100-01-01 --by $by --basis $basis --user manager) ||
			fail "takings --by $by --basis $basis: exit $?"
		[ "$(head -1 <<<"$out")" = "group,payments,gross,refunds,net" ] || fail "header: $(head -1 <<<"$out")"
		got=$(csv_sum net <<<"$out")
		[ "$got" = "$want" ] || fail "takings --by $by --basis $basis: net sums to $got, the tables to $want"
	done
done
echo "takings: every grouping sums to $want cents"
out=$(report manager1 occupancy --from 2000-01-01 --to 2100-01-01 --user manager) || fail "occupancy: exit $?"
adm=$(awk -F, 'NR > 1 { s += $7 } END { print s + 0 }' <<<"$out")
[ "$adm" = "$(q "SELECT count(*) FROM core.ticket t JOIN core.showtime s USING (showtime_id) WHERE t.state = 'sold' AND NOT s.cancelled")" ] ||
	fail "occupancy: $adm admissions"
err=$(report cashier1 takings --from 2000-01-01 --to 2100-01-01 --user cashier 2>&1 >/dev/null) && fail "a cashier got the takings"
grep -q "reports are for managers and supervisors" <<<"$err" || fail "cashier refused with: $err"
err=$(report wrongpass takings --from 2000-01-01 --to 2100-01-01 --user manager 2>&1 >/dev/null) && fail "a wrong password got the takings"
grep -q "Wrong user name or password" <<<"$err" || fail "wrong password refused with: $err"
./marquee report takings --from 2000-01-01 --to 2000-01-02 --by colour --csv --user manager </dev/null >/dev/null 2>&1
[ $? = 2 ] || fail "--by colour is not refused as a usage error"
./marquee report --help | grep -q "report takings --from DATE" || fail "report --help"
echo ok
