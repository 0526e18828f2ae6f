/* db.c - the one path every query takes to PostgreSQL: parameters only,
 * SQLSTATE kept for the caller, a broken connection reset and a safe call
 * retried once. Modelled on psql's PSQLexec/AcceptResult/CheckConnection. */
#include "db.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the operational log was last told about the database, for the whole
 * process (a terminal has one connection): an outage is logged when it
 * starts, when the first try to reconnect fails, and when it ends, not at
 * every retry. */
static struct {
	bool	down;
	bool	retry_told;
	time_t	since;
} db_told;

/* Logs what happened to the database and libpq's message, on one line. */
static void
db_log(int prio, const char *what, const char *message)
{
	char line[400];

	strlcpy_m(line, message != NULL ? message : "", sizeof line);
	strflat(line);
	oplog(prio, "%s%s%s", what, *line != '\0' ? ": " : "", line);
}

/* The connection was found broken: logs it once an outage. */
static void
db_log_lost(const struct db *db)
{
	if (db_told.down)
		return;
	db_told.down = true;
	db_told.retry_told = false;
	db_told.since = time(NULL);
	db_log(LOG_ERR, "database connection lost",
	       db->error != NULL ? db->error : PQerrorMessage(db->conn));
}

/* The connection is up again after an outage: logs it and for how long it
 * was down. */
static void
db_log_regained(void)
{
	if (!db_told.down)
		return;
	db_told.down = false;
	oplog(LOG_NOTICE, "database connection regained after %lld s",
	      (long long)(time(NULL) - db_told.since));
}

static void
db_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;	/* notices are for psql users, not for a cashier's screen */
}

static void
db_fail(struct db *db, const char *sqlstate, const char *message)
{
	size_t len;

	free(db->error);
	db->error = xstrdup(message != NULL && *message != '\0' ? message : "unknown database error");
	len = strlen(db->error);
	while (len > 0 && (db->error[len - 1] == '\n' || db->error[len - 1] == ' '))
		db->error[--len] = '\0';
	strlcpy_m(db->sqlstate, sqlstate != NULL ? sqlstate : "", sizeof db->sqlstate);
}

static void
db_clear_error(struct db *db)
{
	free(db->error);
	db->error = NULL;
	db->sqlstate[0] = '\0';
}

/* Applies one session setting. Returns 0 or -1. */
static int
db_apply_setting(struct db *db, const struct db_setting *s)
{
	const char *params[2] = { s->name, s->value };
	PGresult *res;
	int ok;

	res = PQexecParams(db->conn, "SELECT set_config($1, $2, false)", 2, NULL, params, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		db_fail(db, PQresultErrorField(res, PG_DIAG_SQLSTATE), PQerrorMessage(db->conn));
	PQclear(res);
	return ok ? 0 : -1;
}

/* Session settings, run on every new connection. */
static int
db_session_setup(struct db *db)
{
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	for (int i = 0; i < db->nsettings; i++)
		if (db_apply_setting(db, &db->settings[i]) != 0)
			return -1;
	return 0;
}

/* Connection settings a terminal needs and libpq does not default to: a
 * server that vanishes without a word (power, cable, a silent primary) is
 * noticed within seconds, not after the kernel's minutes. */
static const char *const db_defaults[][2] = {
	{ "connect_timeout", "3" },		/* per host: the next host is tried after it */
	{ "keepalives", "1" },
	{ "keepalives_idle", "5" },		/* seconds quiet before the first probe */
	{ "keepalives_interval", "2" },
	{ "keepalives_count", "3" },
	{ "tcp_user_timeout", "9000" },		/* ms a sent request may stay unacknowledged */
	{ "fallback_application_name", "marquee" },
};

/* Appends key='value' (quoted for a conninfo string) to *s, which it
 * reallocates. */
static void
db_conninfo_add(char **s, const char *key, const char *value)
{
	size_t len = strlen(*s), k;
	char *out = xmalloc(len + strlen(key) + 2 * strlen(value) + 6);

	k = (size_t)sprintf(out, "%s%s%s='", *s, len > 0 ? " " : "", key);
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\'' || *p == '\\')
			out[k++] = '\\';
		out[k++] = *p;
	}
	out[k++] = '\'';
	out[k] = '\0';
	free(*s);
	*s = out;
}

char *
db_conninfo(const char *dsn, char **cause)
{
	PQconninfoOption *opts, *o;
	char *s, *err = NULL;

	if ((opts = PQconninfoParse(dsn != NULL ? dsn : "", &err)) == NULL) {
		*cause = xasprintf("bad connection string: %s", err != NULL ? strtrim(err) : "out of memory");
		PQfreemem(err);
		return NULL;
	}
	s = xstrdup("");
	for (o = opts; o->keyword != NULL; o++)
		if (o->val != NULL)
			db_conninfo_add(&s, o->keyword, o->val);
	for (size_t i = 0; i < sizeof db_defaults / sizeof db_defaults[0]; i++) {
		for (o = opts; o->keyword != NULL; o++)
			if (strcmp(o->keyword, db_defaults[i][0]) == 0)
				break;
		if (o->keyword != NULL && o->val == NULL)
			db_conninfo_add(&s, db_defaults[i][0], db_defaults[i][1]);
	}
	PQconninfoFree(opts);
	return s;
}

struct db *
db_open(const char *conninfo, char **cause)
{
	struct db *db;
	char *full;

	if ((full = db_conninfo(conninfo, cause)) == NULL)
		return NULL;
	db = xcalloc(1, sizeof *db);
	db->conninfo = full;
	db->reconnect_seconds = 30;
	db->no_prepare = getenv("MARQUEE_NO_PREPARE") != NULL && *getenv("MARQUEE_NO_PREPARE") != '\0';
	db->conn = PQconnectdb(db->conninfo);
	if (db->conn == NULL)
		fatal("out of memory");
	if (PQstatus(db->conn) != CONNECTION_OK || db_session_setup(db) != 0) {
		char *msg = xstrdup(db->error != NULL ? db->error : PQerrorMessage(db->conn));
		*cause = xasprintf("cannot connect to the database: %s", strtrim(msg));
		db_log(LOG_ERR, "cannot connect to the database", msg);
		free(msg);
		db_close(db);
		return NULL;
	}
	return db;
}

/* Forgets the prepared statements (a new connection has none). */
static void
db_forget_statements(struct db *db)
{
	for (int i = 0; i < db->nstmts; i++)
		free(db->stmts[i].sql);
	free(db->stmts);
	db->stmts = NULL;
	db->nstmts = 0;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	db_forget_statements(db);
	free(db->conninfo);
	free(db->error);
	free(db);
}

bool
db_connected(const struct db *db)
{
	return db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK;
}

/* Re-establishes the connection (libpq tries every host of the dsn in
 * turn) and applies the session settings. Returns 0 when it is up. */
static int
db_reset(struct db *db)
{
	db_log_lost(db);
	db_forget_statements(db);
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_fail(db, "08006", PQerrorMessage(db->conn));
		if (!db_told.retry_told)
			db_log(LOG_WARNING, "cannot reconnect to the database yet (retrying)", db->error);
		db_told.retry_told = true;
		return -1;
	}
	db->resets++;
	if (db_session_setup(db) != 0)
		return -1;
	db_log_regained();
	return 0;
}

int
db_reconnect(struct db *db)
{
	if (db_connected(db))
		return 0;
	return db_reset(db);
}

/* Seconds on a clock that only goes forward. */
static double
db_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keeps trying to re-establish the connection, with pauses growing from
 * 0.1 s to 1 s, until db->reconnect_seconds after since; the wait callback
 * hears how long it has been before each try. With force, a connection that
 * looks up is made afresh too (it reached a server that cannot write).
 * Returns 0 when it is up, -1 when the time is over (db->error says why). */
static int
db_recover(struct db *db, double since, bool force)
{
	double pause = 0.1, left, nap;
	struct timespec ts;

	if (!force && db_connected(db))
		return 0;
	if (force) {	/* the server that cannot write may be on its way up: a pause */
		ts = (struct timespec){ .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	for (;;) {
		if (db->wait_fn != NULL)	/* a try may take connect_timeout a host */
			db->wait_fn(db->wait_arg, db_now() - since);
		if (db_reset(db) == 0)
			return 0;
		left = since + db->reconnect_seconds - db_now();
		if (left <= 0)
			return -1;
		nap = pause < left ? pause : left;
		ts.tv_sec = (time_t)nap;
		ts.tv_nsec = (long)((nap - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
		pause = pause * 2 < 1.0 ? pause * 2 : 1.0;
	}
}

void
db_on_wait(struct db *db, void (*fn)(void *arg, double waited), void *arg)
{
	db->wait_fn = fn;
	db->wait_arg = arg;
}

/* Checks a result like psql's AcceptResult. Returns true when it is one the
 * caller can use; otherwise records the failure. */
static bool
db_accept(struct db *db, PGresult *res)
{
	if (res != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_TUPLES_OK:
		case PGRES_COMMAND_OK:
		case PGRES_EMPTY_QUERY:
			return true;
		default:
			break;
		}
	}
	db_fail(db, res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : "08006",
	        res != NULL && PQresultErrorMessage(res)[0] != '\0' ? PQresultErrorMessage(res)
	                                                           : PQerrorMessage(db->conn));
	return false;
}

/* The prepared statement for sql, preparing it now if it is new. Returns
 * NULL for statements not worth preparing (not a query or DML), when
 * preparing is off, or when the server refused to prepare it (the caller
 * then sends it unprepared, and the server's error, if real, comes again). */
static const struct db_stmt *
db_statement(struct db *db, const char *sql, int nparams)
{
	static const char *const kinds[] = { "SELECT", "WITH", "INSERT", "UPDATE", "DELETE" };
	struct db_stmt *st;
	PGresult *res;
	bool query = false;
	const char *p = sql;

	if (db->no_prepare)
		return NULL;
	for (int i = 0; i < db->nstmts; i++)
		if (strcmp(db->stmts[i].sql, sql) == 0)
			return &db->stmts[i];
	while (isspace((unsigned char)*p))
		p++;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strncasecmp(p, kinds[k], strlen(kinds[k])) == 0)
			query = true;
	if (!query || db->nstmts >= 256)
		return NULL;
	db->stmts = xreallocarray(db->stmts, (size_t)db->nstmts + 1, sizeof *db->stmts);
	st = &db->stmts[db->nstmts];
	snprintf(st->name, sizeof st->name, "mq%d", ++db->prepared);
	res = PQprepare(db->conn, st->name, sql, nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	st->sql = xstrdup(sql);
	db->nstmts++;
	return st;
}

/* Drops a prepared statement the server no longer accepts (it lost it, or a
 * migration changed what it returns). */
static void
db_drop_statement(struct db *db, const struct db_stmt *st)
{
	char sql[48];
	int i = (int)(st - db->stmts);
	PGresult *res;

	snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
	res = PQexec(db->conn, sql);
	PQclear(res);
	free(db->stmts[i].sql);
	db->stmts[i] = db->stmts[--db->nstmts];
}

/* Sends sql once on the connection as it is. Returns the result, which may
 * be an error or NULL (caller PQclear()s). */
static PGresult *
db_send(struct db *db, const char *sql, int nparams, const char *const *params)
{
	const struct db_stmt *st = db_statement(db, sql, nparams);
	PGresult *res;
	const char *state;

	if (st == NULL)
		return PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	res = PQexecPrepared(db->conn, st->name, nparams, params, NULL, NULL, 0);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (PQresultStatus(res) == PGRES_FATAL_ERROR && PQstatus(db->conn) == CONNECTION_OK &&
	    state != NULL && (strcmp(state, "26000") == 0 || strcmp(state, "0A000") == 0)) {
		/* Refused before it ran: send it afresh. */
		PQclear(res);
		db_drop_statement(db, st);
		res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	}
	return res;
}

PGresult *
db_exec(struct db *db, enum db_retry retry, const char *sql, int nparams, const char *const *params)
{
	PGresult *res;
	double since = db_now();
	bool readonly;

	db_clear_error(db);
	/* Nothing was sent yet: waiting for the connection is safe for any call. */
	if (db_recover(db, since, false) != 0)
		return NULL;
	for (;;) {
		res = db_send(db, sql, nparams, params);
		if (db_accept(db, res))
			return res;
		PQclear(res);
		/* A server that cannot write (a standby, or a primary being
		 * demoted) refused the call before doing anything: another host
		 * of the dsn may be the primary now. */
		readonly = strcmp(db->sqlstate, "25006") == 0;
		if (PQstatus(db->conn) == CONNECTION_OK && !readonly)
			return NULL;	/* the statement failed; the connection is fine */
		if (retry != DB_SAFE && !readonly) {
			/* It may have run: never sent again. One try to make the
			 * connection again for the next call; the failure is kept. */
			char *error = xstrdup(db->error), state[6];

			strlcpy_m(state, db->sqlstate, sizeof state);
			(void)db_reconnect(db);
			db_fail(db, state, error);
			free(error);
			return NULL;
		}
		/* Sent again until answered, within the same bound as reconnecting
		 * (a connection made again that breaks again must end too). */
		if (db_now() - since > db->reconnect_seconds || db_recover(db, since, readonly) != 0)
			return NULL;
	}
}

int
db_script(struct db *db, const char *sql)
{
	PGresult *res;
	int ok;

	db_clear_error(db);
	res = PQexec(db->conn, sql);
	ok = db_accept(db, res);
	PQclear(res);
	return ok ? 0 : -1;
}

int
db_set(struct db *db, const char *name, const char *value)
{
	struct db_setting *s = NULL;

	for (int i = 0; i < db->nsettings; i++)
		if (strcmp(db->settings[i].name, name) == 0)
			s = &db->settings[i];
	if (s == NULL) {
		if (db->nsettings == (int)(sizeof db->settings / sizeof db->settings[0]))
			fatal("db_set: too many session settings");
		s = &db->settings[db->nsettings++];
		strlcpy_m(s->name, name, sizeof s->name);
	}
	strlcpy_m(s->value, value, sizeof s->value);
	db_clear_error(db);
	if (!db_connected(db))
		return db_reconnect(db);	/* applies it */
	return db_apply_setting(db, s);
}

int
db_set_hold_minutes(struct db *db, int minutes)
{
	char v[16];

	snprintf(v, sizeof v, "%d", minutes);
	return db_set(db, "marquee.hold_minutes", v);
}

const char *
db_error(const struct db *db)
{
	if (db->error != NULL)
		return db->error;
	return db->conn != NULL ? PQerrorMessage(db->conn) : "no connection";
}

int
db_listen(struct db *db, const char *channel, bool on)
{
	char sql[96];
	PGresult *res;

	for (const char *p = channel; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			fatal("db_listen: bad channel name");
	/* LISTEN takes no parameters; the channel is a checked identifier. */
	snprintf(sql, sizeof sql, "%s %s", on ? "LISTEN" : "UNLISTEN", channel);
	res = db_exec(db, DB_SAFE, sql, 0, NULL);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
db_socket(const struct db *db)
{
	return db_connected(db) ? PQsocket(db->conn) : -1;
}

int
db_notifications(struct db *db, void (*fn)(const char *, const char *, void *), void *arg)
{
	PGnotify *n;
	int count = 0;

	if (!db_connected(db) || PQconsumeInput(db->conn) == 0) {
		db_fail(db, "08006", PQerrorMessage(db->conn));
		return -1;
	}
	while ((n = PQnotifies(db->conn)) != NULL) {
		fn(n->relname, n->extra, arg);
		PQfreemem(n);
		count++;
	}
	return count;
}

void
db_request_id(char out[37])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

const char *
db_value(const PGresult *res, int row, const char *column)
{
	int col = PQfnumber(res, column);

	if (col < 0 || row >= PQntuples(res))
		return "";
	return PQgetvalue(res, row, col);
}

long long
db_int(const PGresult *res, int row, const char *column)
{
	return strtoll(db_value(res, row, column), NULL, 10);
}

bool
db_isnull(const PGresult *res, int row, const char *column)
{
	int col = PQfnumber(res, column);

	return col < 0 || row >= PQntuples(res) || PQgetisnull(res, row, col);
}
