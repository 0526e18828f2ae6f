/* client-account.c - sign-in for staff and customers, registration, and a
 * customer's bookings. The database hands out the hash to check (or refuses
 * a locked account); libsodium checks it here; the database counts the
 * outcome in a sliding window every terminal shares. */
#include "client-account.h"
#include "auth.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct client_words register_words[] = {
	{ "invalid", "that does not look like an e-mail address" },
	{ "email_taken", "an account with this e-mail already exists; sign in instead" },
	{ NULL, NULL },
};

int
client_sign_in(struct db *db, const char *terminal, bool staff, const char *login, const char *password,
               struct person *who, char **cause)
{
	const char *params[2] = { login, terminal };
	const char *fin[2] = { login, NULL };
	const char *kind = staff ? "staff" : "customer";
	PGresult *res, *said;
	bool ok;

	res = db_exec(db, DB_ONCE,
	              staff ? "SELECT * FROM api.staff_login_begin($1, $2)"
	                    : "SELECT * FROM api.customer_login_begin($1, $2)", 2, params);
	if (res == NULL) {
		*cause = client_failure_as(db, "sign-in", "Cannot sign in: ");
		return -1;
	}
	if (strcmp(db_value(res, 0, "login_status"), "locked") == 0) {
		oplog(LOG_WARNING, "sign-in refused: %s login \"%s\": locked", kind, login);
		*cause = xstrdup(db_value(res, 0, "message"));	/* the minutes left, in words */
		PQclear(res);
		return -1;
	}
	ok = auth_verify(db_value(res, 0, "pw_hash"), password) && !db_isnull(res, 0, "user_id");
	fin[1] = ok ? "true" : "false";
	said = db_exec(db, DB_ONCE,
	               staff ? "SELECT api.staff_login_finish($1, $2::boolean) AS said"
	                     : "SELECT api.customer_login_finish($1, $2::boolean) AS said", 2, fin);
	if (said == NULL) {
		*cause = client_failure_as(db, "sign-in", "Cannot sign in: ");
		PQclear(res);
		return -1;
	}
	if (!ok) {
		oplog(LOG_WARNING, "sign-in refused: %s login \"%s\": wrong password or no such login (%s)", kind,
		      login, db_value(said, 0, "said"));
		*cause = xstrdup(db_value(said, 0, "said"));	/* tries left, or locked */
		PQclear(said);
		PQclear(res);
		return -1;
	}
	memset(who, 0, sizeof *who);
	who->user_id = db_int(res, 0, "user_id");
	strlcpy_m(who->full_name, db_value(res, 0, "full_name"), sizeof who->full_name);
	strlcpy_m(who->role, db_isnull(res, 0, "role") ? kind : db_value(res, 0, "role"), sizeof who->role);
	oplog(LOG_NOTICE, "sign-in: %s login \"%s\" (user %lld, %s)", kind, login, who->user_id, who->role);
	PQclear(said);
	PQclear(res);
	return 0;
}

int
client_register(struct db *db, const char *email, const char *password, char rid[37], struct person *who,
                char **cause)
{
	char hash[crypto_pwhash_STRBYTES];
	const char *params[4] = { email, "", hash, rid };
	const char *st;
	PGresult *res;
	int rc = -1;

	if (strlen(password) < 8) {
		*cause = xstrdup("Choose a password of at least 8 characters.");
		return -1;
	}
	if (auth_hash(password, hash) != 0) {
		*cause = xstrdup("Cannot register now (out of memory).");
		return -1;
	}
	if (rid[0] == '\0')
		db_request_id(rid);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.customer_register($1, $2, $3, $4::uuid)", 4, params);
	sodium_memzero(hash, sizeof hash);
	if (res == NULL) {
		*cause = client_failure_as(db, "customer_register", "Not registered: ");
		return -1;
	}
	st = db_value(res, 0, "register_status");
	if (strcmp(st, "registered") == 0) {
		memset(who, 0, sizeof *who);
		who->user_id = db_int(res, 0, "user_id");
		strlcpy_m(who->full_name, email, sizeof who->full_name);
		strlcpy_m(who->role, "customer", sizeof who->role);
		oplog(LOG_NOTICE, "registered: customer \"%s\" (user %lld)", email, who->user_id);
		rc = 0;
	} else {
		*cause = xasprintf("Not registered: %s.", client_words(register_words, st, "the database refused it"));
		oplog(LOG_INFO, "registration refused: \"%s\": %s", email, st);
		rid[0] = '\0';
	}
	PQclear(res);
	return rc;
}

int
client_bookings(struct db *db, long long customer_id, struct bookings *out, char **cause)
{
	PGresult *res = client_read_id(db, "your bookings",
	                               "SELECT booking_code, status, title, seats,"
	                               " to_char(starts_at, 'Dy DD Mon HH24:MI') AS starts"
	                               " FROM api.my_bookings($1::bigint)", customer_id, cause);

	if (res == NULL)
		return -1;
	out->n = PQntuples(res);
	out->v = xcalloc((size_t)out->n + 1, sizeof *out->v);
	for (int i = 0; i < out->n; i++) {
		out->v[i].booking_code = xstrdup(db_value(res, i, "booking_code"));
		out->v[i].status = xstrdup(db_value(res, i, "status"));
		out->v[i].title = xstrdup(db_value(res, i, "title"));
		out->v[i].seats = xstrdup(db_value(res, i, "seats"));
		out->v[i].starts = xstrdup(db_value(res, i, "starts"));
	}
	PQclear(res);
	return 0;
}

void
bookings_free(struct bookings *b)
{
	for (int i = 0; i < b->n; i++) {
		free(b->v[i].booking_code);
		free(b->v[i].status);
		free(b->v[i].title);
		free(b->v[i].seats);
		free(b->v[i].starts);
	}
	free(b->v);
	b->v = NULL;
	b->n = 0;
}
