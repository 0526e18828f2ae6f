/* test-db.c - the db module against the real test cluster (tests/run.sh
 * exports MARQUEE_OWNER_DSN and MARQUEE_TERM_DSN): parameters, SQLSTATE, a
 * killed connection reset and a safe call retried, LISTEN/NOTIFY, and the
 * database's ids and booking codes agreeing with the C ones. */
#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "auth.h"
#include "db.h"
#include "ids.h"
#include "util.h"
#include "test-pg.h"


static struct db *
open_owner(void)
{
	return open_as("MARQUEE_OWNER_DSN");
}

/* A kiosk's connection: guests are kiosk customers. */
static struct db *
open_term(void)
{
	return open_as("MARQUEE_KIOSK_DSN");
}

/* The session the terminals' connections here act through: a guest's,
 * opened once (any connection of the terminals' database login may use
 * it, and it may act on every order it made). */
static const char *
session(void)
{
	static char token[72];

	if (token[0] == '\0') {
		struct db *db = open_term();
		PGresult *res = db_exec(db, DB_ONCE, "SELECT session FROM api.sign_in_guest('test-db')", 0, NULL);

		if (res == NULL)
			fail_msg("sign_in_guest: %s", db_error(db));
		strlcpy_m(token, PQgetvalue(res, 0, 0), sizeof token);
		PQclear(res);
		db_close(db);
	}
	return token;
}

/* The parameters of a call that takes the session first: the session,
 * then a and b. The array is reused by the next call. */
static const char *const *
sp(const char *a, const char *b)
{
	static const char *p[3];

	p[0] = session();
	p[1] = a;
	p[2] = b;
	return p;
}

static void
test_open_refused(void **state)
{
	char *cause = NULL;
	struct db *db = db_open("host=/nonexistent port=1 connect_timeout=2", &cause);

	(void)state;
	assert_null(db);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "cannot connect to the database"));
	free(cause);
}

/* The value of key in conninfo, or NULL (caller frees). */
static char *
conninfo_value(const char *conninfo, const char *key)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL), *o;
	char *v = NULL;

	assert_non_null(opts);
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, key) == 0 && o->val != NULL)
			v = xstrdup(o->val);
	PQconninfoFree(opts);
	return v;
}

/* Asserts key's value in conninfo. */
static void
assert_conninfo(const char *conninfo, const char *key, const char *want)
{
	char *v = conninfo_value(conninfo, key);

	if (v == NULL || strcmp(v, want) != 0)
		fail_msg("%s: %s is %s, not %s", conninfo, key, v != NULL ? v : "unset", want);
	free(v);
}

/* The keepalive and timeout defaults are added unless the dsn, key=value or
 * URI, names them; what the dsn says is kept, quotes and all. */
static void
test_conninfo_defaults(void **state)
{
	char *cause = NULL, *s;

	(void)state;
	s = db_conninfo("host=a,b port=5432,5433 keepalives_idle=30 connect_timeout=7 "
	                "password='it\\'s \\\\x' target_session_attrs=read-write", &cause);
	assert_non_null(s);
	assert_conninfo(s, "keepalives_idle", "30");
	assert_conninfo(s, "connect_timeout", "7");
	assert_conninfo(s, "host", "a,b");
	assert_conninfo(s, "port", "5432,5433");
	assert_conninfo(s, "password", "it's \\x");
	assert_conninfo(s, "target_session_attrs", "read-write");
	assert_conninfo(s, "keepalives", "1");
	assert_conninfo(s, "keepalives_interval", "2");
	assert_conninfo(s, "keepalives_count", "3");
	assert_conninfo(s, "tcp_user_timeout", "9000");
	free(s);

	s = db_conninfo("postgresql://u@h1:5432,h2:5433/marquee?tcp_user_timeout=2500&keepalives=0", &cause);
	assert_non_null(s);
	assert_conninfo(s, "tcp_user_timeout", "2500");
	assert_conninfo(s, "keepalives", "0");
	assert_conninfo(s, "keepalives_idle", "5");
	assert_conninfo(s, "connect_timeout", "3");
	assert_conninfo(s, "dbname", "marquee");
	assert_conninfo(s, "host", "h1,h2");
	free(s);

	s = db_conninfo("", &cause);	/* libpq's own defaults still apply for the rest */
	assert_non_null(s);
	assert_null(conninfo_value(s, "host"));
	assert_conninfo(s, "keepalives", "1");
	free(s);

	assert_null(db_conninfo("host=a nonsense_key=1", &cause));
	assert_non_null(strstr(cause, "bad connection string"));
	free(cause);
}

static void
test_params_and_errors(void **state)
{
	struct db *db = open_owner();
	const char *nasty = "O'Brien \\ \"; DROP TABLE core.orders; --";
	const char *p[2] = { "41", nasty };
	PGresult *res;

	(void)state;
	res = db_exec(db, DB_SAFE, "SELECT $1::int + 1 AS n, $2::text AS s, NULL::text AS z", 2, p);
	assert_non_null(res);
	assert_int_equal(db_int(res, 0, "n"), 42);
	assert_string_equal(db_value(res, 0, "s"), nasty);
	assert_true(db_isnull(res, 0, "z"));
	assert_true(db_isnull(res, 0, "nonexistent"));
	assert_string_equal(db_value(res, 5, "n"), "");
	PQclear(res);

	res = db_exec(db, DB_SAFE, "SELECT 1 / 0", 0, NULL);
	assert_null(res);
	assert_string_equal(db->sqlstate, "22012");
	assert_non_null(strstr(db_error(db), "division by zero"));
	assert_true(db_connected(db));

	/* The next good call clears the error. */
	res = db_exec(db, DB_SAFE, "SELECT count(*) AS n FROM core.orders", 0, NULL);
	assert_non_null(res);
	assert_string_equal(db->sqlstate, "");
	PQclear(res);
	db_close(db);
}

/* Kills db's backend from another connection. */
static void
kill_backend(struct db *db)
{
	struct db *other = open_owner();
	char pid[16];
	const char *p[1] = { pid };
	PGresult *res;

	snprintf(pid, sizeof pid, "%d", PQbackendPID(db->conn));
	res = db_exec(other, DB_ONCE, "SELECT pg_terminate_backend($1::int, 5000)", 1, p);
	assert_non_null(res);
	assert_string_equal(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	db_close(other);
}

static void
test_reset_and_retry(void **state)
{
	struct db *db = open_owner();
	int before = PQbackendPID(db->conn);
	PGresult *res;

	(void)state;
	assert_int_equal(db_set_hold_minutes(db, 3), 0);

	/* A safe call is sent again on a fresh connection. */
	kill_backend(db);
	res = db_exec(db, DB_SAFE, "SELECT pg_backend_pid() AS pid, "
	                           "current_setting('marquee.hold_minutes') AS hold", 0, NULL);
	assert_non_null(res);
	assert_int_not_equal(db_int(res, 0, "pid"), before);
	assert_string_equal(db_value(res, 0, "hold"), "3");	/* session settings come back */
	assert_int_equal(db->resets, 1);
	PQclear(res);

	/* A call that is not safe to repeat is not sent twice: it fails, and
	 * the connection is up again for the next one. */
	kill_backend(db);
	res = db_exec(db, DB_ONCE, "SELECT 1", 0, NULL);
	assert_null(res);
	assert_true(db_connected(db));
	assert_int_equal(db->resets, 2);
	res = db_exec(db, DB_ONCE, "SELECT 1", 0, NULL);
	assert_non_null(res);
	PQclear(res);
	db_close(db);
}

/* Runs one statement as the owner. */
static void
owner_do(const char *sql)
{
	struct db *owner = open_owner();
	PGresult *res = db_exec(owner, DB_ONCE, sql, 0, NULL);

	if (res == NULL)
		fail_msg("%s: %s", sql, db_error(owner));
	PQclear(res);
	db_close(owner);
}

/* The wait callback: counts the tries, and lets the terminal role log in
 * again at the second when *arg says so. */
static int waits;
static void
on_wait(void *arg, double waited)
{
	assert_true(waited >= 0);
	if (++waits == 2 && *(bool *)arg)
		owner_do("ALTER ROLE kiosk1 LOGIN");
}

/* A broken connection is made again for as long as reconnect_seconds
 * allows, the wait callback hearing of each try, and the safe call is then
 * answered; when the time is over the call fails with a lost connection. */
static void
test_reconnect_waits(void **state)
{
	struct db *db = open_term();
	bool let_in = true;
	struct timeval t0, t1;
	int resets;
	PGresult *res;
	double took;

	(void)state;
	db_on_wait(db, on_wait, &let_in);
	owner_do("ALTER ROLE kiosk1 NOLOGIN");
	kill_backend(db);
	waits = 0;
	res = db_exec(db, DB_SAFE, "SELECT 42 AS n", 0, NULL);
	if (res == NULL)
		fail_msg("not answered after the database came back: %s", db_error(db));
	assert_int_equal(db_int(res, 0, "n"), 42);
	assert_true(waits >= 2);
	PQclear(res);

	let_in = false;
	db->reconnect_seconds = 1;
	owner_do("ALTER ROLE kiosk1 NOLOGIN");
	kill_backend(db);
	gettimeofday(&t0, NULL);
	res = db_exec(db, DB_SAFE, "SELECT 42 AS n", 0, NULL);
	gettimeofday(&t1, NULL);
	owner_do("ALTER ROLE kiosk1 LOGIN");
	assert_null(res);
	assert_false(db_connected(db));
	assert_int_equal(strncmp(db->sqlstate, "08", 2), 0);
	took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_usec - t0.tv_usec) / 1e6;
	if (took < 0.9 || took > 4)
		fail_msg("gave up after %.1f s, not about 1 s", took);
	res = db_exec(db, DB_SAFE, "SELECT 42 AS n", 0, NULL);	/* back: answered */
	assert_non_null(res);
	PQclear(res);

	/* A server that cannot write (here: every session read-only) is left
	 * for another host, and that too ends when the time is over. */
	resets = db->resets;
	assert_int_equal(db_set(db, "default_transaction_read_only", "on"), 0);
	gettimeofday(&t0, NULL);
	res = db_exec(db, DB_SAFE, "CREATE TEMP TABLE ro (x int)", 0, NULL);
	gettimeofday(&t1, NULL);
	assert_null(res);
	assert_string_equal(db->sqlstate, "25006");
	assert_true(db->resets > resets);
	took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_usec - t0.tv_usec) / 1e6;
	if (took < 0.9 || took > 4)
		fail_msg("gave up on a read-only server after %.1f s, not about 1 s", took);
	assert_int_equal(db_set(db, "default_transaction_read_only", "off"), 0);
	db_close(db);
}

/* Queries are prepared once per connection and reused; a statement the
 * server no longer accepts (its function now returns another type) is sent
 * afresh; MARQUEE_NO_PREPARE turns preparing off. */
static void
test_prepared(void **state)
{
	static const char *const redefine =
	    "DROP FUNCTION pg_temp.shape(); CREATE FUNCTION pg_temp.shape() "
	    "RETURNS TABLE (a text, b text) LANGUAGE sql AS $$SELECT 'x', 'y'$$";
	struct db *db = open_owner();
	const char *p[1] = { "7" };
	PGresult *res;

	(void)state;
	for (int i = 0; i < 3; i++) {
		res = db_exec(db, DB_SAFE, "SELECT $1::int * 6 AS n", 1, p);
		assert_non_null(res);
		assert_int_equal(db_int(res, 0, "n"), 42);
		PQclear(res);
	}
	assert_int_equal(db->nstmts, 1);
	res = db_exec(db, DB_ONCE, "CREATE FUNCTION pg_temp.shape() RETURNS TABLE (a int) "
	                           "LANGUAGE sql AS $$SELECT 1$$", 0, NULL);
	assert_non_null(res);
	PQclear(res);
	assert_int_equal(db->nstmts, 1);	/* not a query: never prepared */
	res = db_exec(db, DB_SAFE, "SELECT * FROM pg_temp.shape()", 0, NULL);
	assert_non_null(res);
	assert_string_equal(db_value(res, 0, "a"), "1");
	PQclear(res);
	assert_int_equal(db->nstmts, 2);
	assert_int_equal(db_script(db, redefine), 0);
	res = db_exec(db, DB_SAFE, "SELECT * FROM pg_temp.shape()", 0, NULL);
	if (res == NULL)
		fail_msg("the changed function was not sent afresh: %s", db_error(db));
	assert_string_equal(db_value(res, 0, "b"), "y");
	PQclear(res);
	db_close(db);

	setenv("MARQUEE_NO_PREPARE", "1", 1);
	db = open_owner();
	res = db_exec(db, DB_SAFE, "SELECT $1::int * 6 AS n", 1, p);
	assert_non_null(res);
	assert_int_equal(db_int(res, 0, "n"), 42);
	PQclear(res);
	assert_int_equal(db->nstmts, 0);
	db_close(db);
	unsetenv("MARQUEE_NO_PREPARE");
}

struct heard {
	int	count;
	char	payload[32];
};

static void
on_notify(const char *channel, const char *payload, void *arg)
{
	struct heard *h = arg;

	assert_string_equal(channel, "seat_change");
	h->count++;
	strlcpy_m(h->payload, payload, sizeof h->payload);
}

static void
test_listen(void **state)
{
	struct db *db = open_owner(), *other = open_owner();
	struct heard h = { 0, "" };
	struct pollfd pfd;
	PGresult *res;

	(void)state;
	assert_int_equal(db_listen(db, "seat_change", true), 0);
	res = db_exec(other, DB_ONCE, "SELECT pg_notify('seat_change', '42')", 0, NULL);
	assert_non_null(res);
	PQclear(res);
	pfd.fd = db_socket(db);
	pfd.events = POLLIN;
	assert_true(poll(&pfd, 1, 5000) == 1);
	assert_int_equal(db_notifications(db, on_notify, &h), 1);
	assert_int_equal(h.count, 1);
	assert_string_equal(h.payload, "42");

	/* Unlistened: nothing more arrives. */
	assert_int_equal(db_listen(db, "seat_change", false), 0);
	res = db_exec(other, DB_ONCE, "SELECT pg_notify('seat_change', '43')", 0, NULL);
	PQclear(res);
	assert_int_equal(poll(&pfd, 1, 300), 0);
	assert_int_equal(db_notifications(db, on_notify, &h), 0);
	db_close(other);
	db_close(db);
}

/* One api call answering one value, as text (the caller frees it). */
static char *
call1(struct db *db, const char *sql, int n, const char *const *params)
{
	PGresult *res = db_exec(db, DB_ONCE, sql, n, params);
	char *v;

	if (res == NULL)
		fail_msg("%s: %s", sql, db_error(db));
	v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

/* Runs a one-value query and asserts its answer. */
static void
expect(struct db *db, const char *want, const char *sql, int n, const char *const *params)
{
	char *v = call1(db, sql, n, params);

	assert_string_equal(v, want);
	free(v);
}

/* The showtimes seat_changes must name, and whether all have been named
 * (count: 1 once every one of id has been). */
struct wanted {
	int64_t	id[2];
	int	n;
	int	named;	/* bit i: id[i] was named */
	int	count;
};

/* A payload names a showtime with the version its change raised it to. */
static void
match_id(const struct seat_news *news, void *arg)
{
	struct wanted *w = arg;

	for (int i = 0; i < w->n; i++)
		if (news->showtime_id == w->id[i] && news->version > 0)
			w->named |= 1 << i;
}

static void
on_match(const char *channel, const char *payload, void *arg)
{
	struct wanted *w = arg;

	if (strcmp(channel, "seat_change") != 0)
		return;
	(void)ids_each(payload, match_id, w);
	if (w->named == (1 << w->n) - 1)
		w->count = 1;
}

/* Waits up to 5 s for seat_changes naming showtime want (and also2, if not
 * NULL); returns 1 if heard. */
static int
hear(struct db *db, const char *want, const char *also2)
{
	struct pollfd pfd = { .fd = db_socket(db), .events = POLLIN };
	struct wanted w = { { strtoll(want, NULL, 10), also2 != NULL ? strtoll(also2, NULL, 10) : 0 },
	                    also2 != NULL ? 2 : 1, 0, 0 };

	for (int i = 0; i < 50 && w.count == 0; i++) {
		(void)db_notifications(db, on_match, &w);
		if (w.count == 0)
			(void)poll(&pfd, 1, 100);
	}
	return w.count > 0;
}

/* The nth (from 0) newest showtime more than two days away. */
static char *
future_showtime(struct db *owner, int nth)
{
	char n[16];
	const char *p[1] = { n };

	snprintf(n, sizeof n, "%d", nth);
	return call1(owner, "SELECT showtime_id FROM core.showtime WHERE NOT cancelled "
	             "AND starts_at > now() + interval '2 days' ORDER BY showtime_id DESC LIMIT 1 OFFSET $1::int",
	             1, p);
}

/* A hold made on one terminal reaches another terminal's seat map through
 * the relay: the first session to call api.seat_relay relays, the others
 * get -1 until it stops (or its lease runs out: tests/sql/90-seat-changes.sql). */
static void
test_relay(void **state)
{
	struct db *a = open_term(), *b = open_term(), *owner = open_owner();
	char *st, *seat, *oid, *v;
	const char *p[3];

	(void)state;
	/* A relay of a run before this one may still hold its 2 s lease. */
	PQclear(db_exec(owner, DB_ONCE, "UPDATE core.hold_policy SET relay_until = '-infinity'", 0, NULL));
	st = future_showtime(owner, 0);
	p[0] = st;
	seat = call1(owner, "SELECT seat FROM api.seat_map($1) WHERE status = 'available' "
	             "ORDER BY seat DESC LIMIT 1", 1, p);
	assert_int_equal(db_listen(a, "seat_change", true), 0);

	/* With no relay running, a hold and its release NOTIFY by themselves. */
	p[1] = seat;
	oid = call1(b, "SELECT order_id FROM api.select_seat($1, $2, ARRAY[$3])", 3, sp(p[0], p[1]));
	assert_int_equal(hear(a, st, NULL), 1);
	p[0] = oid;
	expect(b, "cancelled", "SELECT cancellation_status FROM api.cancel($1, $2)", 2, sp(p[0], NULL));
	free(oid);
	assert_int_equal(hear(a, st, NULL), 1);
	p[0] = st;

	v = call1(a, "SELECT api.seat_relay()", 0, NULL);
	assert_true(atoi(v) >= 0);	/* a relays */
	free(v);
	expect(b, "-1", "SELECT api.seat_relay()", 0, NULL);	/* b does not */

	/* b holds a seat; a hears of it once a relays. */
	oid = call1(b, "SELECT order_id FROM api.select_seat($1, $2, ARRAY[$3])", 3, sp(p[0], p[1]));
	v = call1(a, "SELECT api.seat_relay()", 0, NULL);
	assert_true(atoi(v) >= 1);
	free(v);
	assert_int_equal(hear(a, st, NULL), 1);

	/* a stops; b takes over and announces b's release of the seat. */
	expect(a, "t", "SELECT api.seat_relay_stop()", 0, NULL);
	v = call1(b, "SELECT api.seat_relay()", 0, NULL);
	assert_true(atoi(v) >= 0);
	free(v);
	p[0] = oid;
	expect(b, "cancelled", "SELECT cancellation_status FROM api.cancel($1, $2)", 2, sp(p[0], NULL));
	v = call1(b, "SELECT api.seat_relay()", 0, NULL);
	assert_true(atoi(v) >= 1);
	free(v);
	assert_int_equal(hear(a, st, NULL), 1);

	/* b goes silent, its connection still open (a cut cable looks the
	 * same to the server): a takes over once b's 2 s lease has run out. */
	expect(a, "-1", "SELECT api.seat_relay()", 0, NULL);
	usleep(2200 * 1000);
	v = call1(a, "SELECT api.seat_relay()", 0, NULL);
	assert_true(atoi(v) >= 0);
	free(v);
	expect(a, "t", "SELECT api.seat_relay_stop()", 0, NULL);

	free(oid);
	free(seat);
	free(st);
	db_close(owner);
	db_close(b);
	db_close(a);
}

/* The relay announces every showtime changed since its last call in one
 * call: holds on two showtimes reach a listening map, both named. */
static void
test_relay_batch(void **state)
{
	struct db *a = open_term(), *b = open_term(), *owner = open_owner();
	char *st[2], *seat[2], *oid[2], *v;
	const char *p[3];

	(void)state;
	PQclear(db_exec(owner, DB_ONCE, "UPDATE core.hold_policy SET relay_until = '-infinity'", 0, NULL));
	for (int i = 0; i < 2; i++) {
		st[i] = future_showtime(owner, i);
		p[0] = st[i];
		seat[i] = call1(owner, "SELECT seat FROM api.seat_map($1) WHERE status = 'available' "
		                "ORDER BY seat LIMIT 1", 1, p);
	}
	assert_int_equal(db_listen(a, "seat_change", true), 0);
	v = call1(a, "SELECT api.seat_relay()", 0, NULL);
	assert_true(atoi(v) >= 0);	/* a relays */
	free(v);
	for (int i = 0; i < 2; i++) {
		p[0] = st[i];
		p[1] = seat[i];
		oid[i] = call1(b, "SELECT order_id FROM api.select_seat($1, $2, ARRAY[$3])", 3, sp(p[0], p[1]));
	}
	v = call1(a, "SELECT api.seat_relay()", 0, NULL);
	assert_true(atoi(v) >= 2);
	free(v);
	assert_int_equal(hear(a, st[0], st[1]), 1);

	for (int i = 0; i < 2; i++) {
		p[0] = oid[i];
		expect(b, "cancelled", "SELECT cancellation_status FROM api.cancel($1, $2)", 2, sp(p[0], NULL));
		free(oid[i]);
		free(seat[i]);
		free(st[i]);
	}
	expect(a, "t", "SELECT api.seat_relay_stop()", 0, NULL);
	db_close(owner);
	db_close(b);
	db_close(a);
}

/* Sends sql on waiter, checks that it waits (for a lock of holder's open
 * transaction), commits holder, and returns waiter's answer. */
static PGresult *
wait_then_commit(struct db *waiter, const char *sql, int n, const char *const *params, struct db *holder)
{
	PGresult *res;

	assert_int_equal(PQsendQueryParams(waiter->conn, sql, n, NULL, params, NULL, NULL, 0), 1);
	usleep(300 * 1000);
	assert_int_equal(PQconsumeInput(waiter->conn), 1);
	assert_int_equal(PQisBusy(waiter->conn), 1);
	res = db_exec(holder, DB_ONCE, "COMMIT", 0, NULL);
	assert_non_null(res);
	PQclear(res);
	res = PQgetResult(waiter->conn);
	assert_non_null(res);
	assert_null(PQgetResult(waiter->conn));
	return res;
}

/* An order's tickets are written (set_ticket_types) just as another
 * terminal takes over one of its seats, whose hold has run out: the writer
 * waits for the taker and then leaves that seat out and answers expired, so
 * the taker's own tickets can be written (a ticket written from the older
 * snapshot would block them under the unique live-ticket index). */
static void
test_tickets_takeover(void **state)
{
	struct db *a = open_term(), *b = open_term(), *owner = open_owner();
	char *st, *seat, *old, *taker;
	const char *p[2];
	PGresult *res;

	(void)state;
	st = future_showtime(owner, 2);
	p[0] = st;
	seat = call1(owner, "SELECT seat FROM api.seat_map($1) WHERE status = 'available' "
	             "ORDER BY seat LIMIT 1 OFFSET 1", 1, p);
	p[1] = seat;
	old = call1(a, "SELECT order_id FROM api.select_seat($1, $2, ARRAY[$3])", 3, sp(p[0], p[1]));
	/* The seat's hold has run out, the order's not quite: the moment
	 * between set_ticket_types's check of the order and its write. */
	p[0] = old;
	PQclear(db_exec(owner, DB_ONCE, "UPDATE core.showtime_seat SET held_until = now() - interval '1 second' "
	                "WHERE order_id = $1::bigint", 1, p));
	/* b takes the seat over, its transaction still open. */
	res = db_exec(b, DB_ONCE, "BEGIN", 0, NULL);
	assert_non_null(res);
	PQclear(res);
	p[0] = st;
	taker = call1(b, "SELECT order_id FROM api.select_seat($1, $2, ARRAY[$3])", 3, sp(p[0], p[1]));
	/* a writes its order's tickets, and waits for b. */
	p[0] = old;
	res = wait_then_commit(a, "SELECT types_status FROM api.set_ticket_types($1, $2::bigint, '{}')", 2, sp(p[0], NULL), b);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(res, 0, 0), "expired");
	PQclear(res);

	/* a wrote nothing; the taker's ticket can be written. */
	expect(owner, "0", "SELECT count(*) FROM core.ticket WHERE order_id = $1::bigint", 1, p);
	p[0] = taker;
	expect(b, "repriced", "SELECT types_status FROM api.set_ticket_types($1, $2::bigint, '{}')", 2, sp(p[0], NULL));
	expect(owner, "1", "SELECT count(*) FROM core.ticket WHERE order_id = $1::bigint AND state = 'held'", 1, p);
	expect(b, "cancelled", "SELECT cancellation_status FROM api.cancel($1, $2)", 2, sp(p[0], NULL));

	free(taker);
	free(old);
	free(seat);
	free(st);
	db_close(owner);
	db_close(b);
	db_close(a);
}

/* A showtime that has orders cannot be deleted, even by a delete that
 * started before its first order was committed: the delete waits for the
 * hold's locks (its seat rows go by cascade, and the order's foreign key
 * share-locks the showtime row), then the foreign key sees the order. */
static void
test_showtime_delete_waits(void **state)
{
	struct db *a = open_term(), *owner = open_owner(), *del = open_owner();
	char *st, *order;
	const char *p[2];
	PGresult *res;

	(void)state;
	/* A new showtime, after the last one in its hall: no orders yet. */
	st = call1(owner, "INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id) "
	           "SELECT s.movie_id, s.auditorium_id, m.last + interval '1 hour', m.last + interval '3 hours', "
	           "       s.price_plan_id "
	           "  FROM core.showtime s, (SELECT max(ends_at) AS last FROM core.showtime x "
	           "                          WHERE x.auditorium_id = (SELECT auditorium_id FROM core.showtime "
	           "                                                   ORDER BY showtime_id LIMIT 1)) m "
	           " WHERE s.showtime_id = (SELECT min(showtime_id) FROM core.showtime) "
	           "RETURNING showtime_id", 0, NULL);
	p[0] = st;
	/* a holds a seat, its transaction still open. */
	res = db_exec(a, DB_ONCE, "BEGIN", 0, NULL);
	assert_non_null(res);
	PQclear(res);
	order = call1(a, "SELECT order_id FROM api.select_seat($1, $2, "
	              "ARRAY[(SELECT seat FROM api.seat_map($2) WHERE status = 'available' ORDER BY seat LIMIT 1)])",
	              2, sp(p[0], NULL));
	/* The delete waits for a's seat lock ... */
	res = wait_then_commit(del, "DELETE FROM core.showtime WHERE showtime_id = $1::bigint", 1, p, a);
	/* ... and then refuses: the showtime has an order now. */
	assert_int_equal(PQresultStatus(res), PGRES_FATAL_ERROR);
	assert_string_equal(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23503");
	PQclear(res);
	expect(owner, "1", "SELECT count(*) FROM core.showtime WHERE showtime_id = $1::bigint", 1, p);
	p[0] = order;
	expect(owner, "1", "SELECT count(*) FROM core.orders o JOIN core.showtime s USING (showtime_id) "
	       "WHERE o.order_id = $1::bigint", 1, p);
	expect(a, "cancelled", "SELECT cancellation_status FROM api.cancel($1, $2)", 2, sp(p[0], NULL));

	free(order);
	free(st);
	db_close(del);
	db_close(owner);
	db_close(a);
}

/* The database's booking codes and order ids are the same arithmetic as C's. */
static void
test_ids_agree(void **state)
{
	struct db *db = open_owner();
	struct timeval tv;
	struct snowflake s;
	PGresult *res;

	(void)state;
	res = db_exec(db, DB_SAFE,
	              "SELECT v, core.crockford(v, 8) AS code FROM ("
	              " SELECT (random() * 1099511627775)::bigint AS v FROM generate_series(1, 500)"
	              " UNION ALL SELECT 0 UNION ALL SELECT 1099511627775) x", 0, NULL);
	assert_non_null(res);
	for (int i = 0; i < PQntuples(res); i++) {
		char code[BOOKCODE_LEN + 1];
		uint64_t v = strtoull(db_value(res, i, "v"), NULL, 10), back;

		assert_int_equal(bookcode_encode(v, code), 0);
		assert_string_equal(code, db_value(res, i, "code"));
		assert_int_equal(bookcode_parse(db_value(res, i, "code"), code, &back), 0);
		assert_true(back == v);
	}
	PQclear(res);

	/* What the database parses, C parses, and the other way round. */
	{
		const char *inputs[] = { "zzzz-zzzz 3", "ZZZZZZZZA", "oooo-oili k", "0000", "'; --",
		                         "00000010M", "00000010*", "00000010~" };
		for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
			const char *p[1] = { inputs[i] };
			char code[BOOKCODE_LEN + 1];
			int ok = bookcode_parse(inputs[i], code, NULL) == 0;

			res = db_exec(db, DB_SAFE, "SELECT core.parse_booking_code($1) AS c", 1, p);
			assert_non_null(res);
			assert_int_equal(!db_isnull(res, 0, "c"), ok);
			if (ok)
				assert_string_equal(db_value(res, 0, "c"), code);
			PQclear(res);
		}
	}

	res = db_exec(db, DB_ONCE, "SELECT core.next_order_id() AS a, core.next_order_id() AS b", 0, NULL);
	assert_non_null(res);
	gettimeofday(&tv, NULL);
	assert_int_equal(snowflake_split(db_int(res, 0, "a"), &s), 0);
	assert_true(llabs((long long)s.ms - ((long long)tv.tv_sec * 1000 + tv.tv_usec / 1000)) < 5000);
	assert_int_equal(s.node, 1);
	assert_true(db_int(res, 0, "b") > db_int(res, 0, "a"));
	PQclear(res);
	db_close(db);
}

/* The terminal role may run api functions and nothing else. */
static void
test_terminal_role(void **state)
{
	struct db *db = open_term();
	PGresult *res;

	(void)state;
	res = db_exec(db, DB_SAFE, "SELECT count(*) AS n FROM api.listing()", 0, NULL);
	assert_non_null(res);
	assert_true(db_int(res, 0, "n") > 0);
	PQclear(res);
	res = db_exec(db, DB_SAFE, "SELECT * FROM core.orders", 0, NULL);
	assert_null(res);
	assert_string_equal(db->sqlstate, "42501");	/* insufficient_privilege */
	res = db_exec(db, DB_SAFE, "SELECT core.next_order_id()", 0, NULL);
	assert_null(res);
	assert_string_equal(db->sqlstate, "42501");
	res = db_exec(db, DB_ONCE, "CREATE TABLE public.x (i int)", 0, NULL);
	assert_null(res);
	assert_string_equal(db->sqlstate, "42501");
	db_close(db);
}

static void
test_request_id_and_passwords(void **state)
{
	char a[37], b[37], salt[AUTH_SALT_HEX], salt2[AUTH_SALT_HEX], p1[AUTH_PROOF_HEX], p2[AUTH_PROOF_HEX];

	(void)state;
	assert_int_equal(auth_init(), 0);
	db_request_id(a);
	db_request_id(b);
	assert_int_equal(strlen(a), 36);
	assert_true(a[14] == '4');
	assert_true(strchr("89ab", a[19]) != NULL);
	assert_string_not_equal(a, b);

	auth_salt_new(salt);
	auth_salt_new(salt2);
	assert_int_equal(strlen(salt), 32);
	assert_string_not_equal(salt, salt2);
	assert_int_equal(auth_proof("cashier1", salt, 2, 65536, p1), 0);
	assert_int_equal(strlen(p1), 64);
	assert_int_equal(strspn(p1, "0123456789abcdef"), 64);
	assert_int_equal(auth_proof("cashier1", salt, 2, 65536, p2), 0);
	assert_string_equal(p1, p2);
	assert_int_equal(auth_proof("cashier2", salt, 2, 65536, p2), 0);
	assert_string_not_equal(p1, p2);
	assert_int_equal(auth_proof("cashier1", salt2, 2, 65536, p2), 0);
	assert_string_not_equal(p1, p2);
	assert_int_equal(auth_proof("cashier1", salt, 3, 65536, p2), 0);
	assert_string_not_equal(p1, p2);
	assert_int_equal(auth_proof("cashier1", "not-hex", 2, 65536, p2), -1);
	assert_int_equal(auth_proof("cashier1", "zz" "000000000000000000000000000000", 2, 65536, p2), -1);
	assert_int_equal(auth_proof("cashier1", salt, 0, 65536, p2), -1);
	assert_int_equal(auth_proof("cashier1", salt, 2, (size_t)4 << 30, p2), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_refused),
		cmocka_unit_test(test_conninfo_defaults),
		cmocka_unit_test(test_params_and_errors),
		cmocka_unit_test(test_reset_and_retry),
		cmocka_unit_test(test_reconnect_waits),
		cmocka_unit_test(test_prepared),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_relay_batch),
		cmocka_unit_test(test_tickets_takeover),
		cmocka_unit_test(test_showtime_delete_waits),
		cmocka_unit_test(test_ids_agree),
		cmocka_unit_test(test_terminal_role),
		cmocka_unit_test(test_request_id_and_passwords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
