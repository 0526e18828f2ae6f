/* client-cashup.c - the till's drawer calls: api.drawer_open, drawer_move,
 * drawer_report and drawer_close, their answers in words. */
#include "client-cashup.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const long long cashup_denom[CASHUP_NDENOM] = { 10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1 };

/* Fills r's count from the report's words ("2000x3 500x1": cents x how
 * many), leaving out denominations counted none. */
static void
cashup_counts_parse(struct cashup_report *r, const char *counts)
{
	const char *p = counts;

	while (p != NULL && *p != '\0' && r->ncounts < CASHUP_NDENOM) {
		long long d = strtoll(p, NULL, 10);
		const char *x = strchr(p, 'x');

		if (x == NULL)
			break;
		if (strtoll(x + 1, NULL, 10) > 0) {
			r->count_denom[r->ncounts] = d;
			r->count_n[r->ncounts++] = strtoll(x + 1, NULL, 10);
		}
		p = strchr(x, ' ');
		if (p != NULL)
			p++;
	}
}

int
client_cashup_report(struct db *db, const char *session, struct cashup_report *r, char **cause)
{
	const char *params[1] = { session };
	PGresult *res = client_read(db, "the drawer",
	                            "SELECT drawer_id, opened_by, to_char(opened_at, 'Dy DD Mon HH24:MI') AS opened,"
	                            " coalesce(to_char(closed_at, 'Dy DD Mon HH24:MI'), '') AS closed, float_cents,"
	                            " cash_sales_cents, cash_refunds_cents, drops_cents, paid_outs_cents,"
	                            " expected_cents, card_sales_cents, coalesce(counted_cents, 0) AS counted,"
	                            " coalesce(over_short_cents, 0) AS over_short, coalesce(counts, '') AS counts"
	                            " FROM api.drawer_report($1)", 1, params, cause);

	memset(r, 0, sizeof *r);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	strlcpy_m(r->opened_by, db_value(res, 0, "opened_by"), sizeof r->opened_by);
	strlcpy_m(r->opened_at, db_value(res, 0, "opened"), sizeof r->opened_at);
	strlcpy_m(r->closed_at, db_value(res, 0, "closed"), sizeof r->closed_at);
	cashup_counts_parse(r, db_value(res, 0, "counts"));
	r->open = r->closed_at[0] == '\0';
	r->drawer_id = db_int(res, 0, "drawer_id");
	r->float_cents = db_int(res, 0, "float_cents");
	r->cash_sales = db_int(res, 0, "cash_sales_cents");
	r->cash_refunds = db_int(res, 0, "cash_refunds_cents");
	r->drops = db_int(res, 0, "drops_cents");
	r->paid_outs = db_int(res, 0, "paid_outs_cents");
	r->expected = db_int(res, 0, "expected_cents");
	r->card_sales = db_int(res, 0, "card_sales_cents");
	r->counted = db_int(res, 0, "counted");
	r->over_short = db_int(res, 0, "over_short");
	PQclear(res);
	return 1;
}

/* Runs a drawer change (its last parameter, params[nparams], gets a new
 * request id). Returns 0 when drawer_status is ok, else -1; *message: the
 * database's words (with the over/short of a close), or why it failed. */
static int
cashup_call(struct db *db, const char *what, const char *sql, int nparams, const char **params, const char *ok,
            char **message)
{
	PGresult *res = client_change(db, what, sql, nparams, params, "Not done: ", message);
	int good;

	if (res == NULL)
		return -1;
	good = strcmp(db_value(res, 0, "drawer_status"), ok) == 0;
	if (good && strcmp(ok, "closed") == 0) {
		char c[24], e[24], d[24];
		long long diff = db_int(res, 0, "over_short_cents");

		money_format(c, sizeof c, db_int(res, 0, "counted_cents"));
		money_format(e, sizeof e, db_int(res, 0, "expected_cents"));
		money_format(d, sizeof d, diff < 0 ? -diff : diff);
		*message = xasprintf("Drawer closed: counted %s, expected %s, %s %s.", c, e,
		                     diff < 0 ? "SHORT" : diff > 0 ? "OVER" : "balanced", diff != 0 ? d : "");
	} else
		*message = xasprintf("%s%.200s", good ? "" : "Not done: ", db_value(res, 0, "message"));
	oplog(good ? LOG_NOTICE : LOG_INFO, "drawer: %s: %s: %s", what, db_value(res, 0, "drawer_status"),
	      db_value(res, 0, "message"));
	PQclear(res);
	return good ? 0 : -1;
}

int
client_cashup_open(struct db *db, const char *session, long long float_cents, char **message)
{
	char f[24];
	const char *params[3] = { session, f, NULL };

	snprintf(f, sizeof f, "%lld", float_cents);
	return cashup_call(db, "drawer_open", "SELECT * FROM api.drawer_open($1, $2::bigint, $3::uuid)", 2, params,
	                   "opened", message);
}

int
client_cashup_move(struct db *db, const char *session, const char *kind, long long cents, const char *reason,
                   char **message)
{
	char a[24];
	const char *params[5] = { session, kind, a, reason, NULL };

	snprintf(a, sizeof a, "%lld", cents);
	return cashup_call(db, "drawer_move", "SELECT * FROM api.drawer_move($1, $2, $3::bigint, $4, $5::uuid)", 4,
	                   params, "moved", message);
}

int
client_cashup_day_close(struct db *db, const char *session, int day, const char *confirm, char **message)
{
	char d[16];
	const char *params[4] = { session, d, confirm, NULL };
	PGresult *res;
	const char *st;
	int rc;

	snprintf(d, sizeof d, "%d", day);
	res = client_change(db, "day_close", "SELECT * FROM api.day_close($1, current_date + $2::int, $3, $4::uuid)", 3,
	                    params, "Not closed: ", message);
	if (res == NULL)
		return -1;
	st = db_value(res, 0, "close_status");
	rc = strcmp(st, "closed") == 0 ? 0 : strcmp(st, "confirm") == 0 ? 1 : -1;
	*message = xasprintf("%s%.200s", rc < 0 ? "Not closed: " : "", db_value(res, 0, "message"));
	oplog(rc == 0 ? LOG_NOTICE : LOG_INFO, "day close: %s: %s", st, db_value(res, 0, "message"));
	PQclear(res);
	return rc;
}

int
client_cashup_close(struct db *db, const char *session, const int how_many[CASHUP_NDENOM], char **message)
{
	char json[512];
	size_t len = 0;
	const char *params[3] = { session, json, NULL };

	json[len++] = '{';
	for (int i = 0; i < CASHUP_NDENOM; i++)
		len += (size_t)snprintf(json + len, sizeof json - len, "%s\"%lld\": %d", i > 0 ? ", " : "",
		                        cashup_denom[i], how_many[i] > 0 ? how_many[i] : 0);
	snprintf(json + len, sizeof json - len, "}");
	return cashup_call(db, "drawer_close", "SELECT * FROM api.drawer_close($1, $2::jsonb, $3::uuid)", 2, params,
	                   "closed", message);
}
