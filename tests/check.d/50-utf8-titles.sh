#!/bin/bash
# 50-utf8-titles.sh - a film whose title is not ASCII ("Amélie", and wide
# CJK characters that do not all fit its column): typed into the search one
# UTF-8 character at a time (each arrives as several keys), found, and
# listed with its row lined up by screen columns like every other row;
# Backspace takes a whole character.
. "$(dirname "$0")/../e2e-lib.sh"

title='Amélie à Paris 千と'
q "INSERT INTO core.movie (title, synopsis, runtime_min)
   VALUES ('$title', 'A waitress in Paris.', 90) ON CONFLICT (title) DO NOTHING" >/dev/null
q "INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
   SELECT m.movie_id, a.auditorium_id, date_trunc('day', now()) + interval '12 days 7 hours',
          date_trunc('day', now()) + interval '12 days 8 hours 45 minutes',
          (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard')
     FROM core.movie m, core.auditorium a
    WHERE m.title = '$title' AND a.name = 'Screen 2'
      AND NOT EXISTS (SELECT 1 FROM core.showtime s WHERE s.movie_id = m.movie_id)" >/dev/null

conf=$(counter_conf)
start c "$conf" LANG=C.UTF-8 LC_ALL=C.UTF-8
login c
lit c "amé"
wait_for c "Search: amé "
# 80 columns leave the title 18: "Amélie à Paris 千" is 17, and "と" (two
# more) does not fit, so a space pads the column instead of half a character.
wait_for c "Amélie à Paris 千と "
[ "$(screen c | grep -cE '^ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ')" = 1 ] || fail "'amé' should find the one film"

# Its row against an ASCII row: the "/" of "left/total" is at the same
# screen column (wide characters count two).
slash_col() {
	python3 -c '
import sys, unicodedata
line = sys.stdin.read().rstrip("\n")
i = line.index("/")
print(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[:i]))'
}
mine=$(screen c | grep 'Amélie' | head -1 | slash_col)
keys c C-u
wait_for c "Search:  "
ascii=$(screen c | grep -E '^ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ' | head -1 | slash_col)
[ "$mine" = "$ascii" ] || fail "the UTF-8 row's seats column is at $mine, an ASCII row's at $ascii"
echo "rows line up: the seats column at screen column $mine in both"

# Backspace removes the whole "é" (two bytes), not half of it.
lit c "amé"
wait_for c "Search: amé "
keys c BSpace
wait_for c "Search: am "
absent c "Database"
keys c BSpace; keys c BSpace
lit c "千"
wait_for c "Amélie à Paris 千と "
echo "UTF-8 search and Backspace work"
