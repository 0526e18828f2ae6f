#!/bin/bash
# run.sh - `make run`: open Marquee. With no database configured (no
# MARQUEE_DSN, no dsn in the configuration file) it starts the embedded
# default: a private PostgreSQL cluster under ./var, migrated, with demo data
# (and its devices), and a ticket signing key under ./var. The terminal
# connects as the demo device of its mode: counter1, or kiosk1 for a kiosk.
# With no printer configured either (no printer_queue, no CUPS_SERVER), and
# run as root, tickets print to PDF files in ./var/pdf through a private
# CUPS scheduler with a cups-pdf queue, stopped again when the app ends.
set -eu
cd "$(dirname "$0")/.."
conf=${MARQUEE_CONFIG:-kiosk.conf}
# conf_value KEY: KEY's value in the configuration file ("" when unset)
conf_value() {
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" 2>/dev/null |
		sed 's/^"\(.*\)"$/\1/;s/[[:space:]]*#.*//' | tail -1
}
if [ -n "${MARQUEE_DSN:-}" ] || [ -n "$(conf_value dsn)" ]; then
	exec ./marquee "$@"
fi
scripts/pg.sh start ./var
eval "$(scripts/pg.sh env ./var)"
MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee db migrate >/dev/null
MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee db demo >/dev/null
dsn=$MARQUEE_COUNTER_DSN
[ "$(conf_value mode)" = kiosk ] && dsn=$MARQUEE_KIOSK_DSN
# This device's ticket key, registered under its own database login.
if [ ! -f var/ticket.key ]; then
	MARQUEE_DSN=$dsn ./marquee keys init >/dev/null 2>&1 || true
else
	MARQUEE_DSN=$dsn ./marquee keys register >/dev/null 2>&1 || true
fi

# The PDF printer. cups-pdf runs as root and writes as user nobody, so the
# PDFs go where nobody may write: ./var/pdf when it can be reached, else a
# private directory under /var/tmp that ./var/pdf links to.
if [ -z "$(conf_value printer_queue)" ] && [ -z "${CUPS_SERVER:-}" ] && [ "$(id -u)" -eq 0 ] &&
	command -v cupsd >/dev/null && [ -x /usr/lib/cups/backend/cups-pdf ]; then
	. scripts/cups.sh
	if [ ! -L var/pdf ]; then
		mkdir -p var/pdf && chmod 1777 var/pdf
		if ! runuser -u nobody -- test -w var/pdf 2>/dev/null; then
			rmdir var/pdf
			out=/var/tmp/marquee-pdf-$(pwd | md5sum | cut -c1-10)
			mkdir -p "$out" && chmod 1777 "$out" && ln -sfn "$out" var/pdf
		fi
	fi
	out=$(readlink -f var/pdf)
	if cups_start "${MARQUEE_CUPS_PORT:-54331}" && cups_pdf_queue marquee-pdf "$out" "PDF files in $out" &&
		lpadmin -d marquee-pdf; then
		trap cups_stop EXIT HUP INT TERM
		MARQUEE_DSN=$dsn ./marquee "$@" || exit $?
		exit 0
	fi
	echo "marquee: no PDF printer (the private print service did not start); printing is off" >&2
	cups_stop
fi
MARQUEE_DSN=$dsn exec ./marquee "$@"
