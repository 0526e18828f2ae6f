#!/bin/bash
# 57-report-csv.sh - `marquee report ... --csv` as an outside test reads it:
# a manager's takings, in every grouping and on either basis, sum to the
# payments less the refunds; occupancy's admissions are the tickets sold;
# the distributor's weeks sum to the tickets sold and the money of the shows
# played; the card list is each card payment and card refund with its
# terminal reference, as the tables hold them; a cashier and a wrong
# password are refused; the command line is checked.
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
# A card sale at a till with its terminal reference, and a card refund of
# part of it that the card terminal has done (as owner, removed at the end).
oid=$(q "INSERT INTO core.orders (order_id, booking_code, showtime_id, status, terminal, currency, total_cents, held_until, paid_at)
         SELECT core.next_order_id(), core.new_booking_code(), showtime_id, 'success', 'csv-till', 'EUR', 1500, now(), now()
           FROM core.showtime WHERE NOT cancelled ORDER BY starts_at LIMIT 1 RETURNING order_id")
pid=$(q "INSERT INTO core.payment (order_id, method, amount_cents, currency, card_brand, card_last4, terminal_ref, auth_code)
         VALUES ($oid, 'card', 1500, 'EUR', 'VISA', '4242', 'csv-ref-$oid', 'AUTH57') RETURNING payment_id")
rid=$(q "INSERT INTO core.refund (order_id, payment_id, amount_cents) VALUES ($oid, $pid, 500) RETURNING refund_id")
q "INSERT INTO core.refund_card (refund_id, card_key, state, terminal_ref) VALUES ($rid, 'csv-key-$rid', 'done', 'csv-back-$rid')" >/dev/null
cleanup() {
	q "DELETE FROM core.refund_card WHERE refund_id = $rid; DELETE FROM core.refund WHERE refund_id = $rid;
	   DELETE FROM core.payment WHERE payment_id = $pid; DELETE FROM core.orders WHERE order_id = $oid" >/dev/null
}
trap cleanup EXIT

out=$(report manager1 distributor --from 2000-01-01 --to 2100-01-01 --user manager) || fail "distributor: exit $?"
[ "$(head -1 <<<"$out")" = "week_start,location,title,shows,admissions,gross,refunds,box_office" ] ||
	fail "distributor header: $(head -1 <<<"$out")"
played="JOIN core.showtime s USING (showtime_id) WHERE NOT s.cancelled"
want=$(q "SELECT (SELECT count(*) FROM core.showtime WHERE NOT cancelled) || ' '
              || (SELECT count(*) FROM core.ticket t $played AND t.state = 'sold') || ' '
              || (SELECT coalesce(sum(amount_cents), 0) FROM core.payment JOIN core.orders USING (order_id) $played) - (SELECT coalesce(sum(amount_cents), 0) FROM core.refund JOIN core.orders USING (order_id) $played)")
got="$(awk -F, 'NR > 1 { s += $(NF-4) } END { print s + 0 }' <<<"$out") $(awk -F, 'NR > 1 { s += $(NF-3) } END { print s + 0 }' <<<"$out") $(csv_sum box_office <<<"$out")"
[ "$got" = "$want" ] || fail "distributor: shows, admissions, box office $got; the tables $want"
[ "$(awk -F, 'NR > 1 { print $1 }' <<<"$out" | xargs -r -n1 date +%u -d | sort -u)" = 5 ] || fail "distributor weeks do not start on a Friday"
echo "distributor: shows, admissions and box office (cents) $got, as the tables"

out=$(report manager1 cards --from 2000-01-01 --to 2100-01-01 --user manager) || fail "cards: exit $?"
[ "$(head -1 <<<"$out")" = "day,terminal,at,kind,booking_code,card_brand,card_last4,terminal_ref,auth_code,amount,state" ] ||
	fail "cards header: $(head -1 <<<"$out")"
got=$(awk -F, 'NR > 1 { print $8, $10 }' <<<"$out" | sort)
want=$(q "SELECT coalesce(p.terminal_ref, '') || ' ' || to_char(p.amount_cents / 100.0, 'FM999999999990.00') FROM core.payment p WHERE p.method = 'card'
          UNION ALL
          SELECT coalesce(c.terminal_ref, '') || ' ' || to_char(-r.amount_cents / 100.0, 'FM999999999990.00')
            FROM core.refund r JOIN core.payment p USING (payment_id) LEFT JOIN core.refund_card c USING (refund_id)
           WHERE p.method = 'card'" | sort)
[ "$got" = "$want" ] || fail "cards: the references and amounts differ from the tables: $(diff <(echo "$want") <(echo "$got") | head)"
grep -q "^$(q "SELECT to_char(current_date, 'YYYY-MM-DD')"),csv-till,.*,sale,.*,VISA,4242,csv-ref-$oid,AUTH57,15.00,paid\$" <<<"$out" ||
	fail "cards: no row for the till's card sale: $out"
grep -q ",csv-till,.*,refund,.*,csv-back-$rid,,-5.00,done\$" <<<"$out" || fail "cards: no row for its refund: $out"
echo "cards: $(($(wc -l <<<"$out") - 1)) rows, each reference and amount as the tables"
err=$(report cashier1 takings --from 2000-01-01 --to 2100-01-01 --user cashier 2>&1 >/dev/null) && fail "a cashier got the takings"
grep -q "reports are for managers and supervisors" <<<"$err" || fail "cashier refused with: $err"
err=$(report wrongpass takings --from 2000-01-01 --to 2100-01-01 --user manager 2>&1 >/dev/null) && fail "a wrong password got the takings"
grep -q "Wrong user name or password" <<<"$err" || fail "wrong password refused with: $err"
./marquee report takings --from 2000-01-01 --to 2000-01-02 --by colour --csv --user manager </dev/null >/dev/null 2>&1
[ $? = 2 ] || fail "--by colour is not refused as a usage error"
./marquee report --help | grep -q "report takings --from DATE" || fail "report --help"
echo ok
