# cups.sh - a private CUPS scheduler on 127.0.0.1 only, for the ticket tests
# and for `make run`'s PDF printer (scripts/run.sh). Sourced by bash.
#
#   cups_start PORT    starts cupsd (foreground child) with its own config,
#                      spool and logs under $CUPS_DIR; exports CUPS_SERVER
#   cups_stop          stops it and removes $CUPS_DIR
#   cups_pdf_queue NAME [OUT [INFO]]  a cups-pdf queue whose PDFs land in OUT
#                      (default $CUPS_DIR/pdf), described as INFO
#   cups_raw_queue NAME PORT  a raw queue to socket://127.0.0.1:PORT
#   cups_alive         true while the private cupsd runs and answers
#   cups_survived WHAT after a print: says on stdout and returns 1 if cupsd
#                      died during it (a crash, told apart from a refused job)
#
# The directory lives under /tmp because cupsd runs filters as user lp,
# which must reach the spool. cups-pdf reads its settings only from
# /etc/cups, so cups_pdf_queue writes /etc/cups/cups-pdf-NAME.conf (one file
# per queue name, used by the cups-pdf:/NAME device) and removes it again.

cups_start() {
	local port=$1 i
	CUPS_DIR=$(mktemp -d /tmp/marquee-cups.XXXXXX)
	chmod 755 "$CUPS_DIR"
	mkdir -p "$CUPS_DIR"/etc/ppd "$CUPS_DIR"/etc/ssl "$CUPS_DIR"/spool/tmp "$CUPS_DIR"/cache \
		"$CUPS_DIR"/state/certs "$CUPS_DIR"/log "$CUPS_DIR"/pdf "$CUPS_DIR"/pdf-spool
	chmod 1777 "$CUPS_DIR"/spool/tmp "$CUPS_DIR"/pdf "$CUPS_DIR"/pdf-spool
	cat >"$CUPS_DIR/etc/cupsd.conf" <<CONF
LogLevel warn
Listen 127.0.0.1:$port
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
WebInterface No
JobRetryInterval 5
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
	cat >"$CUPS_DIR/etc/cups-files.conf" <<CONF
ServerRoot $CUPS_DIR/etc
RequestRoot $CUPS_DIR/spool
TempDir $CUPS_DIR/spool/tmp
CacheDir $CUPS_DIR/cache
StateDir $CUPS_DIR/state
ErrorLog $CUPS_DIR/log/error_log
AccessLog $CUPS_DIR/log/access_log
PageLog $CUPS_DIR/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
User lp
Group lp
SystemGroup root
Sandboxing Relaxed
CONF
	cupsd -f -c "$CUPS_DIR/etc/cupsd.conf" -s "$CUPS_DIR/etc/cups-files.conf" \
		>"$CUPS_DIR/log/cupsd.out" 2>&1 &
	CUPS_PID=$!
	export CUPS_SERVER=127.0.0.1:$port
	for i in $(seq 1 100); do
		lpstat -r 2>/dev/null | grep -q "is running" && return 0
		kill -0 "$CUPS_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "cupsd did not start:" >&2
	cat "$CUPS_DIR/log/cupsd.out" "$CUPS_DIR/log/error_log" >&2 2>/dev/null
	return 1
}

cups_stop() {
	local q
	for q in ${CUPS_PDF_QUEUES:-}; do rm -f "/etc/cups/cups-pdf-$q.conf"; done
	if [ -n "${CUPS_PID:-}" ]; then
		kill "$CUPS_PID" 2>/dev/null
		wait "$CUPS_PID" 2>/dev/null
	fi
	[ -n "${CUPS_DIR:-}" ] && rm -rf "$CUPS_DIR"
	CUPS_PID=
}

cups_pdf_queue() {
	local name=$1 out=${2:-$CUPS_DIR/pdf} info=${3:-}
	cat >"/etc/cups/cups-pdf-$name.conf" <<CONF
Out $out
AnonDirName $out
Spool $CUPS_DIR/pdf-spool
Log $CUPS_DIR/log
Grp root
UserUMask 0000
Label 0
TitlePref 0
CONF
	CUPS_PDF_QUEUES="${CUPS_PDF_QUEUES:-} $name"
	lpadmin -p "$name" -E -v "cups-pdf:/$name" -D "$info" -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd 2>&1 |
		grep -v "deprecated" >&2
	lpstat -p "$name" >/dev/null 2>&1
}

cups_raw_queue() {
	lpadmin -p "$1" -E -v "socket://127.0.0.1:$2" -m raw 2>&1 | grep -v "deprecated" >&2
	lpstat -p "$1" >/dev/null 2>&1
}

cups_alive() {
	[ -n "${CUPS_PID:-}" ] && kill -0 "$CUPS_PID" 2>/dev/null &&
		lpstat -r 2>/dev/null | grep -q "is running"
}

cups_survived() {
	cups_alive && return 0
	echo "FAIL: the private cupsd died during $1: the print service crashed (this is not a refused job)"
	sed 's/^/  cupsd: /' "$CUPS_DIR/log/cupsd.out" "$CUPS_DIR/log/error_log" 2>/dev/null | tail -5
	return 1
}

# Waits until queue $1 has no pending jobs (at most $2 seconds, default 30).
cups_wait_idle() {
	local i
	for i in $(seq 1 $((${2:-30} * 10))); do
		[ -z "$(lpstat -o "$1" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}
