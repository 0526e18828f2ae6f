/* client-admin.c - the manager's reads and changes, copied out of their
 * PGresults; each change is an api.admin_* call whose answer (admin_status,
 * message) the database words for a manager. */
#include "client-admin.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs a read for the rows of a tab. Returns the result, or NULL with *cause. */
static PGresult *
admin_read(struct db *db, const char *what, const char *sql, int nparams, const char *const *params,
           struct admin_rows *out, size_t size, char **cause)
{
	PGresult *res = client_read(db, what, sql, nparams, params, cause);

	if (res == NULL)
		return NULL;
	out->n = PQntuples(res);
	out->v = xcalloc((size_t)out->n + 1, size);
	return res;
}

int
client_admin_takings(struct db *db, const char *session, int day, struct admin_rows *out, char **cause)
{
	char d[16];
	const char *params[2] = { session, d };
	PGresult *res;

	snprintf(d, sizeof d, "%d", day);
	res = admin_read(db, "the takings",
	                 "SELECT location, title, tickets, cash_cents, card_cents, refunded_cents, net_cents"
	                 " FROM api.sales_report($1, current_date + $2::int, current_date + $2::int)",
	                 2, params, out, sizeof(struct takings_row), cause);
	if (res == NULL)
		return -1;
	for (int i = 0; i < out->n; i++) {
		struct takings_row *r = ADMIN_ROW(out, struct takings_row, i);

		r->location = client_col(res, i, "location");
		r->title = client_col(res, i, "title");
		r->tickets = db_int(res, i, "tickets");
		r->cash_cents = db_int(res, i, "cash_cents");
		r->card_cents = db_int(res, i, "card_cents");
		r->refunded_cents = db_int(res, i, "refunded_cents");
		r->net_cents = db_int(res, i, "net_cents");
	}
	PQclear(res);
	return 0;
}

void
admin_takings_free(struct admin_rows *rows)
{
	for (int i = 0; i < rows->n; i++) {
		free(ADMIN_ROW(rows, struct takings_row, i)->location);
		free(ADMIN_ROW(rows, struct takings_row, i)->title);
	}
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

int
client_admin_prices(struct db *db, const char *session, struct admin_rows *out, char **cause)
{
	const char *params[1] = { session };
	PGresult *res;

	res = admin_read(db, "the prices", "SELECT * FROM api.admin_prices($1)", 1, params, out,
	                 sizeof(struct price_row), cause);
	if (res == NULL)
		return -1;
	for (int i = 0; i < out->n; i++) {
		struct price_row *r = ADMIN_ROW(out, struct price_row, i);

		r->price_plan = client_col(res, i, "price_plan");
		r->type_code = client_col(res, i, "type_code");
		r->type_name = client_col(res, i, "type_name");
		r->currency = client_col(res, i, "currency");
		r->amount_cents = db_int(res, i, "amount_cents");
	}
	PQclear(res);
	return 0;
}

void
admin_prices_free(struct admin_rows *rows)
{
	for (int i = 0; i < rows->n; i++) {
		struct price_row *r = ADMIN_ROW(rows, struct price_row, i);

		free(r->price_plan);
		free(r->type_code);
		free(r->type_name);
		free(r->currency);
	}
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

int
client_admin_films(struct db *db, struct admin_rows *out, char **cause)
{
	PGresult *res;

	res = admin_read(db, "the films", "SELECT movie_id, title, runtime_min FROM api.search('') ORDER BY title", 0,
	                 NULL, out, sizeof(struct film_row), cause);
	if (res == NULL)
		return -1;
	for (int i = 0; i < out->n; i++) {
		struct film_row *r = ADMIN_ROW(out, struct film_row, i);

		r->movie_id = db_int(res, i, "movie_id");
		r->title = client_col(res, i, "title");
		r->runtime_min = (int)db_int(res, i, "runtime_min");
	}
	PQclear(res);
	return 0;
}

void
admin_films_free(struct admin_rows *rows)
{
	for (int i = 0; i < rows->n; i++)
		free(ADMIN_ROW(rows, struct film_row, i)->title);
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

int
client_admin_halls(struct db *db, const char *session, struct admin_rows *out, char **cause)
{
	const char *params[1] = { session };
	PGresult *res;

	res = admin_read(db, "the halls", "SELECT * FROM api.admin_halls($1)", 1, params, out,
	                 sizeof(struct hall_row), cause);
	if (res == NULL)
		return -1;
	for (int i = 0; i < out->n; i++) {
		struct hall_row *r = ADMIN_ROW(out, struct hall_row, i);

		r->auditorium_id = db_int(res, i, "auditorium_id");
		r->location = client_col(res, i, "location");
		r->auditorium = client_col(res, i, "auditorium");
		r->seats = (int)db_int(res, i, "seats");
	}
	PQclear(res);
	return 0;
}

void
admin_halls_free(struct admin_rows *rows)
{
	for (int i = 0; i < rows->n; i++) {
		free(ADMIN_ROW(rows, struct hall_row, i)->location);
		free(ADMIN_ROW(rows, struct hall_row, i)->auditorium);
	}
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

/* Runs one api.admin_* call (a fresh request id as the last parameter) and
 * words its answer; *id (when id is not NULL) is what was saved. Returns 0
 * when the database said ok, else -1. */
static int
admin_call(struct db *db, const char *what, const char *sql, int nparams, const char **params, long long *id,
           char **message)
{
	char rid[37];
	PGresult *res;
	int ok;

	db_request_id(rid);
	params[nparams] = rid;
	res = db_exec(db, DB_SAFE, sql, nparams + 1, params);
	if (res == NULL) {
		*message = client_failure_as(db, what, "Not saved: ");
		return -1;
	}
	ok = strcmp(db_value(res, 0, "admin_status"), "ok") == 0;
	if (id != NULL)
		*id = db_int(res, 0, "id");
	*message = xasprintf("%s%.160s", ok ? "" : "Not saved: ", db_value(res, 0, "message"));
	oplog(ok ? LOG_NOTICE : LOG_INFO, "admin: %s: %s: %s", what, db_value(res, 0, "admin_status"),
	      db_value(res, 0, "message"));
	PQclear(res);
	return ok ? 0 : -1;
}

int
client_admin_price_set(struct db *db, const char *session, const char *plan, const char *type_code,
                       long long cents, char **message)
{
	char c[24];
	const char *params[5] = { session, plan, type_code, c, NULL };

	snprintf(c, sizeof c, "%lld", cents);
	return admin_call(db, "admin_price_set",
	                  "SELECT * FROM api.admin_price_set($1, $2, $3, $4::bigint, $5::uuid)", 4, params,
	                  NULL, message);
}

int
client_admin_showtime_add(struct db *db, const char *session, long long movie_id, long long auditorium_id,
                          const char *when, const char *plan, long long *showtime_id, char **message)
{
	char movie[24], hall[24];
	const char *params[6] = { session, movie, hall, when, plan, NULL };
	int rc;

	snprintf(movie, sizeof movie, "%lld", movie_id);
	snprintf(hall, sizeof hall, "%lld", auditorium_id);
	rc = admin_call(db, "admin_showtime_add",
	                "SELECT * FROM api.admin_showtime_add($1, $2::bigint, $3::bigint,"
	                " $4::timestamptz, $5, 20, $6::uuid)", 5, params, showtime_id, message);
	if (rc != 0 && strncmp(db->sqlstate, "22", 2) == 0) {
		/* A malformed date is refused by the database's cast: say so plainly. */
		free(*message);
		*message = xasprintf("Not saved: %s is not a date and time.", when);
	}
	return rc;
}

int
client_admin_showtime_cancel(struct db *db, const char *session, long long showtime_id, char **message)
{
	char show[24];
	const char *params[3] = { session, show, NULL };

	snprintf(show, sizeof show, "%lld", showtime_id);
	return admin_call(db, "admin_showtime_cancel",
	                  "SELECT * FROM api.admin_showtime_cancel($1, $2::bigint, $3::uuid)", 2, params,
	                  NULL, message);
}

int
client_admin_film_add(struct db *db, const char *session, const char *title, const char *synopsis,
                      const char *minutes, const char *rating, const char *genre, char **message)
{
	const char *params[7] = { session, title, synopsis, minutes, rating, genre, NULL };

	if (strspn(minutes, "0123456789") != strlen(minutes) || minutes[0] == '\0' || strlen(minutes) > 3) {
		*message = xstrdup("Running time is a number of minutes.");
		return -2;
	}
	return admin_call(db, "admin_movie_save",
	                  "SELECT * FROM api.admin_movie_save($1, NULL, $2, $3, $4::int, $5, $6, $7::uuid)",
	                  6, params, NULL, message);
}
