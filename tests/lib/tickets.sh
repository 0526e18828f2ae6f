# tickets.sh - helpers the ticket check scripts source: a hall and a show
# that starts soon (so the door admits it today), and paid bookings in it.
# Needs PGHOST etc. (tests/run.sh exports them) and runs as the owner.

# psql as the database owner, quiet, one value per line.
owner_sql() {
	psql -X -v ON_ERROR_STOP=1 -Atq "$@"
}

# session_of LOGIN: a new session of the account LOGIN (a user name or an
# e-mail) for the owner's connections, as api.sign_in gives one after the
# password (a session works only for the database login that opened it).
session_of() {
	owner_sql -c "SELECT (core.session_open(u.user_id, u.role, 'check')).token FROM core.app_user u
	              WHERE u.username = '$1' OR lower(u.email) = lower('$1')"
}

# session_at DEVICE USER: a session of USER (user name or e-mail) opened at
# the database login DEVICE, as if USER had signed in there; prints its token.
session_at() {
	owner_sql -c "WITH t AS (SELECT encode(core.gen_random_bytes(32), 'hex') AS token)
	              INSERT INTO core.session (token_digest, user_id, role, terminal, db_login, expires_at)
	              SELECT core.digest(t.token, 'sha256'), u.user_id, u.role, 'check', '$1', now() + interval '1 hour'
	                FROM t, core.app_user u WHERE u.username = '$2' OR lower(u.email) = lower('$2')
	              RETURNING (SELECT token FROM t)"
}

# as_cashier ARGS...: ./marquee ARGS signed in as the demo cashier (the
# password on standard input), as `marquee ticket ... --user cashier` is
# run at a counter.
as_cashier() {
	./marquee "$@" --user cashier --password-stdin <<<cashier1
}

# Prints the id of a show of the test hall starting in 30 minutes (made once).
soon_showtime() {
	owner_sql <<'SQL'
INSERT INTO core.location (name, address, timezone) VALUES ('Marquee Test Hall', '1 Check Road', 'UTC')
ON CONFLICT DO NOTHING;
INSERT INTO core.auditorium (location_id, name, rows, cols)
SELECT location_id, 'Check', 4, 8 FROM core.location WHERE name = 'Marquee Test Hall'
ON CONFLICT DO NOTHING;
INSERT INTO core.seat (auditorium_id, label, row_no, col_no)
SELECT a.auditorium_id, chr(64 + r) || c, r, c
  FROM core.auditorium a CROSS JOIN generate_series(1, 4) r CROSS JOIN generate_series(1, 8) c
 WHERE a.name = 'Check'
ON CONFLICT DO NOTHING;
INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id)
SELECT (SELECT movie_id FROM core.movie WHERE title = 'The Cartographer'),
       a.auditorium_id, date_trunc('minute', now()) + interval '30 minutes',
       date_trunc('minute', now()) + interval '200 minutes',
       (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard')
  FROM core.auditorium a
 WHERE a.name = 'Check'
   AND NOT EXISTS (SELECT 1 FROM core.showtime s WHERE s.auditorium_id = a.auditorium_id
                      AND s.starts_at > now());
SELECT s.showtime_id FROM core.showtime s JOIN core.auditorium a USING (auditorium_id)
 WHERE a.name = 'Check' AND s.starts_at > now() ORDER BY s.starts_at LIMIT 1;
SQL
}

# paid_booking SHOWTIME SEATS LAST4: holds the seats (a Postgres array text,
# e.g. '{A1,A2}') and pays by card ending LAST4 through the api as the
# kiosk's login, as a guest of it; prints the booking code.
paid_booking() {
	psql -X -v ON_ERROR_STOP=1 -Atq "$MARQUEE_KIOSK_DSN" \
		-v st="$1" -v seats="$2" -v last4="$3" <<'SQL'
SELECT session AS guest FROM api.sign_in_guest('check') \gset
SELECT order_id AS oid, booking_code AS code, total_cents AS total
  FROM api.select_seat(:'guest', :st, :'seats') \gset
SELECT payment_status FROM api.payment(:'guest', :oid,
       jsonb_build_object('method', 'card', 'amount_cents', :total, 'last4', :'last4',
                          'brand', 'VISA', 'auth_code', 'A1B2C3', 'terminal_ref', 'check-' || :oid)) \gset
\if :{?payment_status}
\endif
SELECT :'code' WHERE :'payment_status' = 'success';
SQL
}

# test_device_login NAME: makes a database login NAME in the counters' role
# (a device of its own) unless it exists; prints its connection string.
test_device_login() {
	owner_sql -c "DO \$\$ BEGIN
	    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$1') THEN
	        CREATE ROLE $1 LOGIN IN ROLE marquee_counter;
	    END IF; END \$\$" >/dev/null || return 1
	echo "${MARQUEE_TERM_DSN/user=counter1/user=$1}"
}

# The ticket checks sign with $MARQUEE_TEST_VAR/ticket.key (tests/test.conf),
# registered for the counter's login (counter1), which prints with it: made once
# a run, by whichever check sources this first.
if [ -n "${MARQUEE_TEST_VAR:-}" ] && [ ! -f "$MARQUEE_TEST_VAR/ticket.key" ]; then
	MARQUEE_DSN=$MARQUEE_TERM_DSN ./marquee --config tests/test.conf keys init >/dev/null ||
		echo "tickets.sh: cannot make the test ticket key" >&2
fi

# A kiosk prints with its own key, registered for the kiosk's login (kiosk1):
# as_kiosk ARGS... runs ./marquee ARGS as that kiosk.
if [ -n "${MARQUEE_TEST_VAR:-}" ] && [ ! -f "$MARQUEE_TEST_VAR/kiosk/ticket.key" ]; then
	printf 'terminal = test-kiosk\nmode = kiosk\nprinter_driver = ps\nsigning_key = %s\npublic_key = %s\n' \
		"$MARQUEE_TEST_VAR/kiosk/ticket.key" "$MARQUEE_TEST_VAR/kiosk/ticket.pub" >"$MARQUEE_TEST_VAR/kiosk.conf"
	MARQUEE_DSN=$MARQUEE_KIOSK_DSN ./marquee --config "$MARQUEE_TEST_VAR/kiosk.conf" keys init >/dev/null ||
		echo "tickets.sh: cannot make the kiosk's test ticket key" >&2
fi
as_kiosk() {
	MARQUEE_DSN=$MARQUEE_KIOSK_DSN ./marquee --config "$MARQUEE_TEST_VAR/kiosk.conf" "$@"
}
