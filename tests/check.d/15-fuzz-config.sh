#!/bin/bash
# 15-fuzz-config.sh - runs the kiosk.conf parser and the hall layout parser
# under libFuzzer (with ASan and UBSan) for a fixed number of inputs each.
# Prints the run counts.
set -euo pipefail
runs=${MARQUEE_FUZZ_RUNS:-300000}
out=build/fuzz
mkdir -p "$out" "$out/corpus-config"
clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -Iprinters -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -o "$out/fuzz-config" fuzz/fuzz-config.c src/config.c src/util.c
"$out/fuzz-config" -runs="$runs" -max_len=4096 -seed=1 "$out/corpus-config" fuzz/corpus-config \
	> "$out/fuzz-config.log" 2>&1 || { tail -40 "$out/fuzz-config.log"; exit 1; }
grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$out/fuzz-config.log" | tail -2
mkdir -p "$out/corpus-hall"
clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -Iprinters -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -o "$out/fuzz-hall" fuzz/fuzz-hall.c src/hall-layout.c src/util.c
"$out/fuzz-hall" -runs="$runs" -max_len=4096 -seed=1 "$out/corpus-hall" fuzz/corpus-hall \
	> "$out/fuzz-hall.log" 2>&1 || { tail -40 "$out/fuzz-hall.log"; exit 1; }
grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$out/fuzz-hall.log" | tail -2
