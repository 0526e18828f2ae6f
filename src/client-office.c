/* client-office.c - the back office's reads (copied out of their PGresults
 * as tables of text) and changes (one api call each with a fresh request
 * id, answered in the database's words). */
#include "client-office.h"
#include "client-account.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
office_table_free(struct office_table *t)
{
	for (int i = 0; i < t->n * t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof *t);
}

long long
office_int(const struct office_table *t, int r, int c)
{
	return strtoll(OFFICE_CELL(t, r, c), NULL, 10);
}

long long
office_sum(const struct office_table *t, int c)
{
	long long sum = 0;

	for (int r = 0; r < t->n; r++)
		sum += office_int(t, r, c);
	return sum;
}

/* Runs a read and copies every cell. Returns 0, or -1 with *cause. */
static int
office_read(struct db *db, const char *what, const char *sql, int nparams, const char *const *params,
            struct office_table *out, char **cause)
{
	PGresult *res = client_read(db, what, sql, nparams, params, cause);

	memset(out, 0, sizeof *out);
	if (res == NULL)
		return -1;
	out->n = PQntuples(res);
	out->ncols = PQnfields(res);
	out->cell = xcalloc((size_t)out->n * (size_t)out->ncols + 1, sizeof *out->cell);
	for (int r = 0; r < out->n; r++)
		for (int c = 0; c < out->ncols; c++)
			OFFICE_CELL(out, r, c) = xstrdup(PQgetvalue(res, r, c));
	PQclear(res);
	return 0;
}

int
client_office_staff(struct db *db, const char *session, struct office_table *out, char **cause)
{
	const char *params[1] = { session };

	return office_read(db, "the staff",
	                   "SELECT username, full_name, role, active, must_change, locked FROM api.staff_list($1)",
	                   1, params, out, cause);
}

int
client_office_audit(struct db *db, const char *session, const char *who, const char *what, const char *from,
                    const char *to, struct office_table *out, char **cause)
{
	const char *params[5] = { session, who, what, from, to };

	return office_read(db, "the audit trail",
	                   "SELECT to_char(at, 'DD Mon HH24:MI:SS'), username, action, detail"
	                   " FROM api.audit_log($1, $2, $3, nullif($4, '')::date, nullif($5, '')::date)",
	                   5, params, out, cause);
}

int
client_office_blocks(struct db *db, const char *session, struct office_table *out, char **cause)
{
	const char *params[1] = { session };

	return office_read(db, "the seat blocks",
	                   "SELECT block_id, location || ' ' || auditorium, seat, scope, reason, made_by, shows, moves"
	                   " FROM api.seat_blocks($1)", 1, params, out, cause);
}

int
client_office_takings(struct db *db, const char *session, const char *by, const char *basis, int from_day,
                      int to_day, struct office_table *out, char **cause)
{
	char f[16], t[16];
	const char *params[5] = { session, by, f, t, basis };

	snprintf(f, sizeof f, "%d", from_day);
	snprintf(t, sizeof t, "%d", to_day);
	return office_read(db, "the takings",
	                   "SELECT key, payments, gross_cents, refunded_cents, net_cents FROM api.report_takings($1, $2,"
	                   " current_date + $3::int, current_date + $4::int, $5)", 5, params, out, cause);
}

/* A report read of the days from_day to to_day (offsets from today, $2
 * and $3 of sql; the session is $1). As office_read. */
static int
office_read_days(struct db *db, const char *what, const char *sql, const char *session, int from_day, int to_day,
                 struct office_table *out, char **cause)
{
	char f[16], t[16];
	const char *params[3] = { session, f, t };

	snprintf(f, sizeof f, "%d", from_day);
	snprintf(t, sizeof t, "%d", to_day);
	return office_read(db, what, sql, 3, params, out, cause);
}

int
client_office_occupancy(struct db *db, const char *session, int from_day, int to_day, struct office_table *out,
                        char **cause)
{
	return office_read_days(db, "the occupancy",
	                   "SELECT to_char(starts_at, 'Dy DD Mon HH24:MI'), location || ' ' || auditorium, title, seats,"
	                   " admissions, coalesce(occupancy_pct, 0), revenue_cents"
	                   " FROM api.report_occupancy($1, current_date + $2::int, current_date + $3::int)",
	                   session, from_day, to_day, out, cause);
}

int
client_office_distributor(struct db *db, const char *session, int day, struct office_table *out, char **cause)
{
	return office_read_days(db, "the distributor report",
	                   "SELECT to_char(week_start, 'Dy DD Mon YYYY'), location, title, shows, admissions, gross_cents,"
	                   " refunded_cents, box_office_cents"
	                   " FROM api.report_distributor($1, current_date + $2::int, current_date + $3::int)",
	                   session, day, day, out, cause);
}

int
client_office_cards(struct db *db, const char *session, int from_day, int to_day, struct office_table *out,
                    char **cause)
{
	return office_read_days(db, "the card payments",
	                   "SELECT to_char(day, 'Dy DD Mon'), terminal, to_char(at, 'HH24:MI:SS'), kind,"
	                   " booking_code, trim(card_brand || ' ' || card_last4), terminal_ref, auth_code, amount_cents, state"
	                   " FROM api.report_cards($1, current_date + $2::int, current_date + $3::int)",
	                   session, from_day, to_day, out, cause);
}

int
client_office_hourly(struct db *db, const char *session, int day, long long cents[24], char **cause)
{
	char d[16];
	const char *params[2] = { session, d };
	struct office_table t;

	snprintf(d, sizeof d, "%d", day);
	memset(cents, 0, 24 * sizeof cents[0]);
	if (office_read(db, "the sales by hour",
	                "SELECT hour, net_cents FROM api.report_hourly($1, current_date + $2::int)", 2, params, &t,
	                cause) != 0)
		return -1;
	for (int r = 0; r < t.n; r++) {
		int h = atoi(OFFICE_CELL(&t, r, 0));

		if (h >= 0 && h < 24)
			cents[h] = strtoll(OFFICE_CELL(&t, r, 1), NULL, 10);
	}
	office_table_free(&t);
	return 0;
}

int
client_must_change(struct db *db, const char *session)
{
	const char *params[1] = { session };
	PGresult *res = db_exec(db, DB_SAFE, "SELECT must_change FROM api.sign_in_must_change($1)", 1, params);
	int rc;

	if (res == NULL) {
		oplog(LOG_WARNING, "must-change check failed: %s", db_error(db));
		return -1;
	}
	rc = strcmp(db_value(res, 0, "must_change"), "t") == 0;
	PQclear(res);
	return rc;
}

/* Runs a change (sql whose last parameter, params[nparams], is filled here
 * with a new request id) and reads status column col: 0 when it is one of
 * the ok statuses (a space-separated list), else -1. *message: the
 * database's words, or why the call failed. Returns the status's index in
 * answers (a NULL-ended list) + 1 when it is one of them, for callers
 * that tell other statuses apart. */
static int
office_call(struct db *db, const char *what, const char *sql, int nparams, const char **params, const char *col,
            const char *ok, const char *const *answers, int *which, char **message)
{
	char key[40];
	PGresult *res = client_change(db, what, sql, nparams, params, "Not done: ", message);
	const char *st;
	int good;

	if (res == NULL)
		return -1;
	st = db_value(res, 0, col);
	snprintf(key, sizeof key, " %s ", st);
	good = strstr(ok, key) != NULL;
	for (int i = 0; answers != NULL && answers[i] != NULL; i++)
		if (strcmp(answers[i], st) == 0)
			*which = i + 1;
	*message = xasprintf("%s%.200s", good ? "" : "Not done: ", db_value(res, 0, "message"));
	oplog(good ? LOG_NOTICE : LOG_INFO, "office: %s: %s: %s", what, st, db_value(res, 0, "message"));
	PQclear(res);
	return good ? 0 : -1;
}

int
client_office_staff_add(struct db *db, const char *session, const char *login, const char *full_name,
                        const char *role, const char *password, char **message)
{
	char salt[AUTH_SALT_HEX], ops[24], mem[24], proof[AUTH_PROOF_HEX];
	const char *params[9] = { session, login, full_name, role, salt, ops, mem, proof, NULL };
	int rc = -1;

	if (client_new_password(db, login, password, salt, ops, mem, proof, message) == 0)
		rc = office_call(db, "staff_add",
		                 "SELECT * FROM api.staff_add($1, $2, $3, $4, $5, $6::bigint, $7::bigint, $8, $9::uuid)",
		                 8, params, "staff_status", " added ", NULL, NULL, message);
	sodium_memzero(proof, sizeof proof);
	return rc;
}

int
client_office_staff_active(struct db *db, const char *session, const char *login, bool active, char **message)
{
	const char *params[4] = { session, login, active ? "true" : "false", NULL };

	return office_call(db, "staff_set_active", "SELECT * FROM api.staff_set_active($1, $2, $3::boolean, $4::uuid)",
	                   3, params, "staff_status", " activated deactivated ", NULL, NULL, message);
}

int
client_office_unlock(struct db *db, const char *session, const char *login, char **message)
{
	const char *params[2] = { session, login };
	PGresult *res = db_exec(db, DB_ONCE, "SELECT unlock_status FROM api.admin_unlock($1, $2)", 2, params);
	int ok;

	if (res == NULL) {
		*message = client_failure_as(db, "admin_unlock", "Not unlocked: ");
		return -1;
	}
	ok = strcmp(db_value(res, 0, "unlock_status"), "unlocked") == 0;
	*message = ok ? xasprintf("%s is unlocked and may sign in again.", login)
	              : xstrdup("Not unlocked: only a manager or a supervisor may unlock.");
	oplog(ok ? LOG_NOTICE : LOG_INFO, "office: unlock %s: %s", login, db_value(res, 0, "unlock_status"));
	PQclear(res);
	return ok ? 0 : -1;
}

int
client_office_block(struct db *db, const char *session, const char *seat, long long showtime_id,
                    long long auditorium_id, const char *from, const char *to, const char *reason,
                    const char *confirm, char **message)
{
	static const char *const answers[] = { "confirm", NULL };
	char show[24], hall[24];
	const char *params[9] = { session, seat, show, hall, from, to, reason, confirm, NULL };
	int which = 0, rc;

	snprintf(show, sizeof show, "%lld", showtime_id);
	snprintf(hall, sizeof hall, "%lld", auditorium_id);
	if (showtime_id > 0)
		params[3] = NULL;
	else
		params[2] = NULL;
	rc = office_call(db, "seat_block",
	                 "SELECT * FROM api.seat_block($1, $2, $3::bigint, $4::bigint, nullif($5, '')::date,"
	                 " nullif($6, '')::date, $7, $8, $9::uuid)", 8, params, "block_status", " blocked ", answers,
	                 &which, message);
	if (rc != 0 && strncmp(db->sqlstate, "22", 2) == 0) {
		free(*message);
		*message = xstrdup("Not done: days as YYYY-MM-DD, please.");
	}
	return which == 1 ? 1 : rc;
}

int
client_office_unblock(struct db *db, const char *session, long long block_id, char **message)
{
	char id[24];
	const char *params[3] = { session, id, NULL };

	snprintf(id, sizeof id, "%lld", block_id);
	return office_call(db, "seat_unblock", "SELECT * FROM api.seat_unblock($1, $2::bigint, $3::uuid)", 2, params,
	                   "block_status", " unblocked ", NULL, NULL, message);
}

/* Appends item to the array literal being built in *buf ("{a,b"); an item
 * NULL closes it ("{a,b}"). Items are plain words and numbers (no quoting). */
static void
office_array_add(char **buf, size_t *len, const char *item)
{
	size_t n = item != NULL ? strlen(item) : 0;

	*buf = xreallocarray(*buf, *len + n + 3, 1);
	if (*len == 0)
		(*buf)[(*len)++] = '{';
	else if (item != NULL && (*buf)[*len - 1] != '{')
		(*buf)[(*len)++] = ',';
	memcpy(*buf + *len, item != NULL ? item : "}", item != NULL ? n : 1);
	*len += item != NULL ? n : 1;
	(*buf)[*len] = '\0';
}

int
client_office_hall_import(struct db *db, const char *session, const struct hall_layout *h, char **message)
{
	char rows[16], cols[16], num[16];
	char *arr[4] = { NULL, NULL, NULL, NULL };
	size_t len[4] = { 0, 0, 0, 0 };
	const char *params[10];
	int rc;

	for (size_t i = 0; i < h->n; i++) {
		office_array_add(&arr[0], &len[0], h->seats[i].label);
		snprintf(num, sizeof num, "%d", h->seats[i].row);
		office_array_add(&arr[1], &len[1], num);
		snprintf(num, sizeof num, "%d", h->seats[i].col);
		office_array_add(&arr[2], &len[2], num);
		office_array_add(&arr[3], &len[3], h->seats[i].kind);
	}
	for (int k = 0; k < 4; k++)
		office_array_add(&arr[k], &len[k], NULL);
	snprintf(rows, sizeof rows, "%d", h->rows);
	snprintf(cols, sizeof cols, "%d", h->cols);
	params[0] = session;
	params[1] = h->cinema;
	params[2] = h->hall;
	params[3] = rows;
	params[4] = cols;
	for (int k = 0; k < 4; k++)
		params[5 + k] = arr[k];
	rc = office_call(db, "hall_import",
	                 "SELECT * FROM api.hall_import($1, $2, $3, $4::int, $5::int, $6::text[], $7::int[], $8::int[],"
	                 " $9::text[], $10::uuid)", 9, params, "admin_status", " ok unchanged ", NULL, NULL, message);
	for (int k = 0; k < 4; k++)
		free(arr[k]);
	return rc;
}

int
client_office_hall_read(struct db *db, const char *session, const char *cinema, const char *hall,
                        struct hall_layout *h, char **cause)
{
	const char *params[3] = { session, cinema, hall };
	struct office_table t;

	memset(h, 0, sizeof *h);
	if (office_read(db, "the hall", "SELECT location, auditorium, rows, cols, seat, kind, row_no, col_no"
	                " FROM api.hall_layout($1, $2, $3)", 3, params, &t, cause) != 0)
		return -1;
	if (t.n == 0) {
		office_table_free(&t);
		return 0;
	}
	snprintf(h->cinema, sizeof h->cinema, "%s", OFFICE_CELL(&t, 0, 0));
	snprintf(h->hall, sizeof h->hall, "%s", OFFICE_CELL(&t, 0, 1));
	for (int r = 0; r < t.n; r++)
		hall_layout_add(h, OFFICE_CELL(&t, r, 4), atoi(OFFICE_CELL(&t, r, 6)), atoi(OFFICE_CELL(&t, r, 7)),
		                OFFICE_CELL(&t, r, 5));
	h->rows = atoi(OFFICE_CELL(&t, 0, 2));
	h->cols = atoi(OFFICE_CELL(&t, 0, 3));
	office_table_free(&t);
	return 1;
}

int
client_office_halls(struct db *db, const char *session, struct office_table *out, char **cause)
{
	const char *params[1] = { session };

	return office_read(db, "the halls", "SELECT location, auditorium, seats FROM api.hall_list($1)", 1, params, out,
	                   cause);
}
