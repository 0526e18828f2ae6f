#!/bin/bash
# 16-layers.sh - the arrows run one way: no screen (ui/) reaches libpq or
# keeps a PGresult (the screens call the client in src/client-*.c), and
# nothing in src/ or printers/ includes curses. Read from what the compiler
# really includes (cc -H), not from the #include lines alone.
set -u
cd "$(dirname "$0")/../.."
fails=0
flags="-std=c11 -D_GNU_SOURCE -Isrc -Iui -Iprinters $(pkg-config --cflags libpq ncursesw 2>/dev/null)"
for f in ui/*.c; do
	# shellcheck disable=SC2086
	if cc $flags -H -fsyntax-only "$f" 2>&1 | grep -q 'libpq-fe\.h'; then
		echo "FAIL: $f reaches libpq-fe.h"; fails=$((fails + 1))
	fi
done
if grep -n 'PGresult\|PQ[a-z]' ui/*.c ui/*.h; then echo "FAIL: ui/ names libpq"; fails=$((fails + 1)); fi
for f in src/*.c printers/*.c; do
	# shellcheck disable=SC2086
	if cc $flags -H -fsyntax-only "$f" 2>&1 | grep -q 'curses\.h'; then
		echo "FAIL: $f reaches curses"; fails=$((fails + 1))
	fi
done
if grep -n '#include "\(tickets\|ticket\|client[a-z-]*\|cmd\)\.h"' printers/*.c printers/*.h; then
	echo "FAIL: printers/ includes a header of src/ that depends on it"; fails=$((fails + 1))
fi
[ "$fails" = 0 ] && echo "16-layers: ui/ has no libpq, src/ and printers/ no curses, printers/ does not reach back"
[ "$fails" = 0 ]
