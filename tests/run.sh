#!/bin/bash
# run.sh - `make check`: starts a private PostgreSQL cluster for the run,
# makes a fresh database, then runs every stage: unit tests (plain, ASan/UBSan,
# valgrind) and each tests/check.d/*.sh script. Prints "N passed, N failed".
# With arguments, runs only the stages whose names contain one of them:
#   tests/run.sh 55-admin pgtap
set -u
cd "$(dirname "$0")/.."
top=$PWD
export MARQUEE_TEST_VAR=$top/build/test-var
export MARQUEE_PGPORT=${MARQUEE_TEST_PGPORT:-54339}
mkdir -p "$MARQUEE_TEST_VAR"
scripts/pg.sh destroy "$MARQUEE_TEST_VAR" 2>/dev/null
rm -rf "$MARQUEE_TEST_VAR"
mkdir -p "$MARQUEE_TEST_VAR"
MARQUEE_DB=marquee_test scripts/pg.sh start "$MARQUEE_TEST_VAR" || { echo "cannot start PostgreSQL"; exit 1; }
eval "$(MARQUEE_DB=marquee_test scripts/pg.sh env "$MARQUEE_TEST_VAR")"
export MARQUEE_SQLDIR=$top/sql
export MARQUEE_CONFIG=$top/tests/test.conf
trap 'scripts/pg.sh stop "$MARQUEE_TEST_VAR"' EXIT

MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee db migrate >/dev/null &&
MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee db demo >/dev/null ||
	{ echo "cannot prepare the test database"; exit 1; }

only=("$@")
passed=0
failed=0
failures=()
stage() {	# stage NAME COMMAND...: runs one stage, counts it
	local name=$1; shift
	if [ "${#only[@]}" -gt 0 ]; then
		local want=no p
		for p in "${only[@]}"; do case $name in *"$p"*) want=yes ;; esac; done
		[ $want = yes ] || return 0
	fi
	echo "=== $name"
	if "$@"; then
		passed=$((passed + 1))
		echo "--- ok: $name"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "--- FAILED: $name"
	fi
}

for t in build/tests/test-*; do
	[ -x "$t" ] && stage "unit $(basename "$t")" "$t"
done
for t in build/asan/tests/test-*; do
	[ -x "$t" ] && stage "asan $(basename "$t")" env ASAN_OPTIONS=detect_leaks=1 "$t"
done
for t in build/tests/test-*; do
	[ -x "$t" ] && stage "valgrind $(basename "$t")" \
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 "$t"
done
for s in tests/check.d/*.sh; do
	[ -f "$s" ] && stage "$(basename "$s" .sh)" bash "$s"
done

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
