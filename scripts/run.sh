#!/bin/sh
# run.sh - `make run`: open Marquee. With no database configured (no
# MARQUEE_DSN, no dsn in the configuration file) it starts the embedded
# default: a private PostgreSQL cluster under ./var, migrated, with demo data
# (and its devices), and a ticket signing key under ./var. The terminal
# connects as the demo device of its mode: counter1, or kiosk1 for a kiosk.
set -eu
cd "$(dirname "$0")/.."
conf=${MARQUEE_CONFIG:-kiosk.conf}
dsn_in_conf=$(sed -n 's/^[[:space:]]*dsn[[:space:]]*=[[:space:]]*//p' "$conf" 2>/dev/null | sed 's/^"\(.*\)"$/\1/;s/[[:space:]]*#.*//' | tail -1)
if [ -n "${MARQUEE_DSN:-}" ] || [ -n "$dsn_in_conf" ]; then
	exec ./marquee "$@"
fi
scripts/pg.sh start ./var
eval "$(scripts/pg.sh env ./var)"
MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee db migrate >/dev/null
MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee db demo >/dev/null
if [ ! -f var/ticket.key ] && ./marquee keys init >/dev/null 2>&1; then :; fi
dsn=$MARQUEE_COUNTER_DSN
grep -q '^[[:space:]]*mode[[:space:]]*=[[:space:]]*"\{0,1\}kiosk' "$conf" 2>/dev/null && dsn=$MARQUEE_KIOSK_DSN
MARQUEE_DSN=$dsn exec ./marquee "$@"
