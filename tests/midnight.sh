#!/bin/bash
# midnight.sh - the suite across midnight: runs tests/run.sh with every
# process's clock (the test scripts, the cluster, cupsd, tmux, marquee) moved
# by libfaketime so that it starts at 23:56 and passes 00:00 a few stages in,
# where "today", "tomorrow" and the door's day change under running tests.
# Arguments choose stages as tests/run.sh's do; by default every stage but
# those that cannot run under an LD_PRELOAD (the sanitizer builds, the
# fuzzers), the failover formation and the package. The ASan binary is
# swapped for the plain one for the same reason. Needs the faketime package.
set -u
cd "$(dirname "$0")/.."
lib=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketime.so.1$' | head -1)
[ -n "$lib" ] || { echo "midnight.sh: libfaketime is missing (apt-get install faketime)" >&2; exit 1; }
if [ $# -eq 0 ]; then
	set -- $(ls tests/check.d/ | sed 's/\.sh$//' | grep -vE '^(70-fuzz|15-fuzz-config|60-failover|90-deb)$')
fi
offset=$(( $(date -d 23:56 +%s) - $(date +%s) ))
FAKETIME="+${offset}s" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=$lib MARQUEE_E2E_BIN=./marquee \
	exec tests/run.sh "$@"
