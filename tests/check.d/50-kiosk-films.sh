#!/bin/bash
# 50-kiosk-films.sh - films first at the kiosk, and titles first at the
# counter, at 80x24 and 120x40. A kiosk customer touches "buy" and sees one
# row per film (not every showtime), touches a film and sees its times,
# leading with the time, then "All films" brings the films back; a search
# lists matching times at once. A cashier's listing at 80 columns shows the
# longest demo title and the whole hall name.
. "$(dirname "$0")/../e2e-lib.sh"

films=$(q "SELECT count(DISTINCT movie_id) FROM api.listing_filtered('', NULL, NULL, NULL, 14)")
longest=$(q "SELECT title FROM core.movie m WHERE EXISTS (SELECT 1 FROM api.listing_filtered('', NULL, NULL, NULL, 14) l
             WHERE l.movie_id = m.movie_id) ORDER BY length(title) DESC, title LIMIT 1")
for size in 80x24 120x40; do
	cols=${size%x*} lines=${size#*x}
	start k "$(kiosk_conf)"
	tm resize-window -t k -x "$cols" -y "$lines" 2>/dev/null
	wait_for k "TOUCH HERE"
	read -r x y <<<"$(where k "TOUCH HERE")"; click k "$x" "$y"
	wait_for k "Choose a film"
	wait_for k "\| $films films"
	# one row per film: no title twice
	dup=$(screen k | sed -n '5,$p' | grep -E '^  [^ ]' | sed 's/   .*//' | sort | uniq -d)
	[ -z "$dup" ] || fail "$size: a film is listed twice: $dup"
	first=$(screen k | sed -n '6p' | sed 's/^  //; s/   .*//')
	[ -n "$first" ] || fail "$size: no film on the first row"
	read -r x y <<<"$(where k "$first")"; click k "$x" "$y"
	wait_for k "Choose a time: $first"
	times=$(q "SELECT count(*) FROM api.listing_filtered('', NULL, NULL, NULL, 14) l JOIN core.movie m USING (movie_id)
	           WHERE m.title = \$\$$first\$\$")
	wait_for k "\| $times( |\$)"
	screen k | sed -n '6p' | grep -Eq '^  [A-Z][a-z]{2} [0-9]{2} [A-Z][a-z]{2} [0-9]{2}:[0-9]{2}' ||
		fail "$size: a time does not lead its row: $(screen k | sed -n '6p')"
	read -r x y <<<"$(where k "All films")"; click k "$x" "$y"
	wait_for k "Choose a film"
	lit k "$(cut -d' ' -f1 <<<"$longest")"
	wait_for k "Choose a time"
	screen k | grep -q "$longest" || fail "$size: the search does not list '$longest'"
	keys k Escape; wait_for k "Choose a film"
	tm kill-session -t k

	start c "$(counter_conf)"
	tm resize-window -t c -x "$cols" -y "$lines" 2>/dev/null
	login c
	lit c "$(cut -d' ' -f1 <<<"$longest")"
	wait_for c "$longest"
	hall=$(q "SELECT a.name FROM core.auditorium a WHERE EXISTS (SELECT 1 FROM api.listing_filtered('', NULL, NULL, NULL, 14) l
	           WHERE l.auditorium = a.name) ORDER BY length(a.name) DESC, a.name LIMIT 1")
	keys c C-u
	lit c "#$(q "SELECT showtime_id FROM api.listing_filtered('', NULL, NULL, NULL, 14)
	            WHERE auditorium = '$hall' ORDER BY starts_at LIMIT 1")"
	wait_for c "$hall +[0-9]+/[0-9]+"
	tm kill-session -t c
	echo "$size: $films films, '$first' has $times times; the counter shows '$longest' and '$hall' whole"
done
echo "50-kiosk-films: ok"
