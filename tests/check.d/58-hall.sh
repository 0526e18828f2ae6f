#!/bin/bash
# 58-hall.sh - halls from a text layout: `marquee hall export` writes a demo
# hall, `marquee hall import` makes a new hall of that text, whose export is
# the same text again (a round trip) and whose seats are the demo hall's;
# the same import again changes nothing; a hall with showtimes keeps its
# layout; a bad layout is refused naming its line; a cashier imports
# nothing. Then the back office's hall screen draws the new hall.
. "$(dirname "$0")/../e2e-lib.sh"

hall() {	# hall PASSWORD ARGS...
	local pw=$1; shift
	echo "$pw" | MARQUEE_DSN=$MARQUEE_COUNTER_DSN ./marquee hall "$@" --password-stdin
}
cinema=$(q "SELECT l.name FROM core.location l JOIN core.auditorium a USING (location_id) WHERE a.name = 'Studio 2'")
new="Studio $$"
hall manager1 export "Studio 2" --cinema "$cinema" --user manager >"$E2E_DIR/studio2.txt" || fail "export Studio 2: exit $?"
grep -q "^hall: Studio 2\$" "$E2E_DIR/studio2.txt" || fail "the export names no hall: $(cat "$E2E_DIR/studio2.txt")"
sed "s/^hall: .*/hall: $new/" "$E2E_DIR/studio2.txt" >"$E2E_DIR/new.txt"
out=$(hall manager1 import "$E2E_DIR/new.txt" --user manager) || fail "import: exit $?: $out"
grep -q "$new saved: $(q "SELECT count(*) FROM core.seat s JOIN core.auditorium a USING (auditorium_id) WHERE a.name = 'Studio 2'") seats" <<<"$out" ||
	fail "import said: $out"
hall manager1 export "$new" --user manager >"$E2E_DIR/new-again.txt" || fail "export $new: exit $?"
diff "$E2E_DIR/new.txt" "$E2E_DIR/new-again.txt" >&2 || fail "the round trip changed the layout"
same="SELECT s.label, s.row_no, s.col_no, s.kind, a.rows, a.cols FROM core.seat s JOIN core.auditorium a USING (auditorium_id)
      JOIN core.location l USING (location_id) WHERE l.name = '$cinema' AND a.name ="
[ "$(q "($same 'Studio 2' EXCEPT $same '$new') UNION ALL ($same '$new' EXCEPT $same 'Studio 2')")" = "" ] ||
	fail "the new hall's seats are not Studio 2's"
out=$(hall manager1 import "$E2E_DIR/new.txt" --user manager) || fail "import again: exit $?: $out"
grep -q "already has this layout" <<<"$out" || fail "import again said: $out"
echo "round trip: $new laid out as Studio 2 ($(grep -c '^[A-Z-]' "$E2E_DIR/new.txt") rows), exported the same"

# A hall with showtimes keeps its layout; a bad layout; a cashier.
sed 's/^A \(.\)/A x/' "$E2E_DIR/studio2.txt" >"$E2E_DIR/changed.txt"
err=$(hall manager1 import "$E2E_DIR/changed.txt" --user manager 2>&1) && fail "a hall with showtimes was laid out anew"
grep -q "has showtimes: its layout stays" <<<"$err" || fail "in use said: $err"
printf 'cinema: %s\nhall: Bad\nA  ss.sq\n' "$cinema" >"$E2E_DIR/bad.txt"
err=$(hall manager1 import "$E2E_DIR/bad.txt" --user manager 2>&1) && fail "a bad layout was taken"
grep -q "line 3, place 5: 'q' is not a place" <<<"$err" || fail "a bad layout said: $err"
err=$(hall cashier1 import "$E2E_DIR/new.txt" --user cashier 2>&1) && fail "a cashier imported a hall"
grep -q "only a manager may change halls" <<<"$err" || fail "a cashier was refused with: $err"

# The hall screen: the back office's seats tab, h, then the halls in turn.
conf=$(counter_conf)
back_office m "$conf"
keys m F3; wait_for m "Hall +Seat +For"
keys m h; wait_for m "Hall [0-9]+ of [0-9]+:"
pos=$(q "SELECT n FROM (SELECT a.name, row_number() OVER (ORDER BY l.name, a.name) AS n FROM core.auditorium a
                        JOIN core.location l USING (location_id)) x WHERE name = '$new'")
for _ in $(seq 2 "$pos"); do keys m Right; done
wait_for m "Hall $pos of [0-9]+: .*$new"
# Each row of the layout is on the screen as the text has it (one
# character a place, a space between).
while read -r name places; do
	want="$name  $(sed 's/./& /g; s/ $//' <<<"$places")"
	wait_for m "$(sed 's/\./\\./g' <<<"$want")"
done < <(grep '^[A-Z-]' "$E2E_DIR/new.txt" | head -3)
echo ok
