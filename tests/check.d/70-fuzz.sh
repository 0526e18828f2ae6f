#!/bin/bash
# 70-fuzz.sh - the ticket payload reader under libFuzzer (ASan + UBSan) for
# a fixed number of runs (fuzz/run.sh); fails on any crash or wrong accept.
cd "$(dirname "$0")/../.."
fuzz/run.sh "${MARQUEE_FUZZ_RUNS:-200000}"
