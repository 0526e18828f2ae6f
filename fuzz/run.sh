#!/bin/sh
# run.sh - builds the payload fuzzer with clang (libFuzzer, ASan, UBSan) and
# runs it a fixed number of times from the seed corpus.
#
#   fuzz/run.sh [RUNS]     RUNS defaults to 200000; prints the runs done
# The corpus in fuzz/corpus is copied, never changed; crashes land in
# build/fuzz/ as crash-* files and make the script fail.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-200000}
out=build/fuzz
mkdir -p "$out/corpus"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc \
	$(pkg-config --cflags libsodium) fuzz/fuzz-payload.c src/ticket-payload.c \
	$(pkg-config --libs libsodium) -o "$out/fuzz-payload"
cp fuzz/corpus/* "$out/corpus/"
"$out/fuzz-payload" -runs="$runs" -seed=1 -max_len=512 -artifact_prefix="$out/" \
	"$out/corpus" >"$out/log" 2>&1 || { tail -40 "$out/log"; exit 1; }
done=$(grep -o 'Done [0-9]* runs' "$out/log" | awk '{print $2}')
echo "fuzz-payload: $done runs, no crash ($(grep -c . "$out/log") log lines in $out/log)"
[ "$done" = "$runs" ]
