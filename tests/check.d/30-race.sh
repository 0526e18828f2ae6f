#!/bin/bash
# 30-race.sh - 16 terminals fight over one fresh showtime for 20 seconds
# (tests/tools/race.c); afterwards the database must agree with every answer.
set -eu
cd "$(dirname "$0")/../.."
exec build/tests/tools/race -c 16 -d "${MARQUEE_RACE_SECONDS:-20}"
