#!/bin/bash
# 50-listing-receipt.sh - the showtimes list: search as you type (a prefix of
# a word), the time-of-day and cinema filters, sold-out at a glance; and the
# e-mailed receipt offered after a sale lands in the outbox.
. "$(dirname "$0")/../e2e-lib.sh"

conf=$(counter_conf)
start c "$conf"
login c
lit c orbi
wait_for c "Search: orbi "
rows=$(screen c | grep -cE '^ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ')
[ "$rows" -gt 0 ] || fail "no rows for 'orbi'"
[ "$(screen c | grep -E '^ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ' | grep -vc 'Orbital Decay')" = 0 ] || fail "'orbi' shows other films"
want=$(q "SELECT count(*) FROM api.listing_filtered('orbi')")
wait_for c "all days \| $want times?\$"
keys c F3; keys c F3; keys c F3         # morning, afternoon, evening
want=$(q "SELECT count(*) FROM api.listing_filtered('orbi', NULL, 'evening')")
wait_for c "evening \| all days \| $want times?\$"
screen c | grep -E '^ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ' | grep -vqE ' (17|18|19|20):[0-9][0-9] ' && fail "a non-evening show under 'evening'"
keys c F2
loc=$(q "SELECT name FROM api.locations() ORDER BY name LIMIT 1")
wait_for c "$loc"
keys c Escape; keys c Escape            # search, then the filters
wait_for c "all cinemas \| any time \| all days"
echo "search and filters agree with api.listing_filtered"

# sold out at a glance: sell every seat of one showtime (as owner, directly)
pick_show 10
q "UPDATE core.showtime_seat SET state = 'sold', order_id = 0 WHERE showtime_id = $SHOW" >/dev/null
open_show c
wait_for c "SOLD OUT"
keys c Enter
wait_for c "sold out"
q "UPDATE core.showtime_seat SET state = 'available', order_id = NULL WHERE showtime_id = $SHOW" >/dev/null

# a sale, then the receipt by e-mail
pick_show 11
keys c Escape
open_show c
keys c Enter; wait_for c "SCREEN"
keys c 1;     wait_for c "Best 1 together"
keys c Enter; wait_for c "Seats held"
keys c Enter; wait_for c "Amount due"
keys c Enter; wait_for c "PAID - cash"
keys c F7;    wait_for c "E-mail receipt to:"
lit c "not-an-address"; keys c Enter
wait_for c "not valid"
keys c C-u
lit c "guest@example.org"; keys c Enter
wait_for c "receipt will be e-mailed to guest@example.org"
code=$(q "SELECT core.booking_code_pretty(booking_code) FROM core.orders WHERE showtime_id = $SHOW AND status = 'success' ORDER BY order_id DESC LIMIT 1")
[ "$(q "SELECT count(*) FROM core.outbox WHERE recipient = 'guest@example.org' AND subject LIKE '%$code%' AND sent_at IS NULL")" = 1 ] ||
	fail "no receipt for $code in the outbox"
echo "receipt for $code queued in the outbox"
echo ok
