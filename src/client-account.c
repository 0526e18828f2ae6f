/* client-account.c - sign-in for staff and customers, sign-out,
 * registration, and a customer's bookings. The database hands out the
 * login's salt and Argon2id limits; libsodium makes the proof here; the
 * database checks it, counts the outcome in a sliding window every terminal
 * shares, and issues the session. */
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

/* The salt and Argon2id limits the database keeps for login (any login gets
 * some: an unknown one, stable look-alikes). Returns 0, or -1 with *cause. */
static int
sign_in_params(struct db *db, const char *login, char salt[AUTH_SALT_HEX], unsigned long long *opslimit,
               size_t *memlimit, char **cause)
{
	const char *params[1] = { login };
	PGresult *res = db_exec(db, DB_SAFE, "SELECT * FROM api.sign_in_salt($1)", 1, params);

	if (res == NULL) {
		*cause = client_failure_as(db, "sign-in", "Cannot sign in: ");
		return -1;
	}
	strlcpy_m(salt, db_value(res, 0, "salt"), AUTH_SALT_HEX);
	*opslimit = (unsigned long long)db_int(res, 0, "opslimit");
	*memlimit = (size_t)db_int(res, 0, "memlimit");
	PQclear(res);
	return 0;
}

/* The proof of password for login, as the database's salt and limits ask.
 * Returns 0, or -1 with *cause. */
static int
sign_in_proof(struct db *db, const char *login, const char *password, char proof[AUTH_PROOF_HEX], char **cause)
{
	char salt[AUTH_SALT_HEX];
	unsigned long long ops;
	size_t mem;

	if (sign_in_params(db, login, salt, &ops, &mem, cause) != 0)
		return -1;
	if (auth_proof(password, salt, ops, mem, proof) != 0) {
		*cause = xstrdup("Cannot sign in: the database asked for an unusable password setting.");
		oplog(LOG_ERR, "sign-in: login \"%s\": salt or limits out of range (ops %llu, mem %zu)", login, ops,
		      mem);
		return -1;
	}
	return 0;
}

/* Sends proof for login to the database (kind: "staff" or "customer").
 * Returns 0 with *who filled, or -1 with *cause (the database's words). */
static int
sign_in_send(struct db *db, const char *terminal, const char *kind, const char *login, const char *proof,
             struct person *who, char **cause)
{
	const char *params[4] = { login, proof, terminal, kind };
	PGresult *res = db_exec(db, DB_ONCE, "SELECT * FROM api.sign_in($1, $2, $3, $4)", 4, params);

	if (res == NULL) {
		*cause = client_failure_as(db, "sign-in", "Cannot sign in: ");
		return -1;
	}
	if (strcmp(db_value(res, 0, "sign_in_status"), "ok") != 0) {
		oplog(LOG_WARNING, "sign-in refused: %s login \"%s\": %s (%s)", kind, login,
		      db_value(res, 0, "sign_in_status"), db_value(res, 0, "message"));
		*cause = client_col(res, 0, "message");	/* tries left, or locked */
		PQclear(res);
		return -1;
	}
	memset(who, 0, sizeof *who);
	who->user_id = db_int(res, 0, "user_id");
	strlcpy_m(who->session, db_value(res, 0, "session"), sizeof who->session);
	strlcpy_m(who->full_name, db_value(res, 0, "full_name"), sizeof who->full_name);
	strlcpy_m(who->role, db_value(res, 0, "role"), sizeof who->role);
	oplog(LOG_NOTICE, "sign-in: %s login \"%s\" (user %lld, %s)", kind, login, who->user_id, who->role);
	PQclear(res);
	return 0;
}

int
client_sign_in(struct db *db, const char *terminal, bool staff, const char *login, const char *password,
               struct person *who, char **cause)
{
	char proof[AUTH_PROOF_HEX];
	int rc;

	if (sign_in_proof(db, login, password, proof, cause) != 0)
		return -1;
	rc = sign_in_send(db, terminal, staff ? "staff" : "customer", login, proof, who, cause);
	sodium_memzero(proof, sizeof proof);
	return rc;
}

int
client_sign_in_guest(struct db *db, const char *terminal, struct person *who, char **cause)
{
	const char *params[1] = { terminal };
	PGresult *res = db_exec(db, DB_SAFE, "SELECT * FROM api.sign_in_guest($1)", 1, params);

	if (res == NULL) {
		*cause = client_failure_as(db, "sign_in_guest", "Cannot start: ");
		return -1;
	}
	memset(who, 0, sizeof *who);
	strlcpy_m(who->session, db_value(res, 0, "session"), sizeof who->session);
	strlcpy_m(who->role, "guest", sizeof who->role);
	PQclear(res);
	if (who->session[0] == '\0') {
		*cause = xstrdup("Cannot start: the database gave no session.");
		return -1;
	}
	return 0;
}

void
client_sign_out(struct db *db, struct person *who)
{
	const char *params[1] = { who->session };
	PGresult *res;

	if (who->session[0] == '\0')
		return;
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.sign_out($1)", 1, params);
	if (res == NULL)
		oplog(LOG_WARNING, "sign-out of user %lld not recorded: %s", who->user_id, db_error(db));
	else
		oplog(LOG_NOTICE, "sign-out: user %lld (%s)", who->user_id, who->role);
	PQclear(res);
	sodium_memzero(who->session, sizeof who->session);
	memset(who, 0, sizeof *who);
}

int
client_new_password(struct db *db, const char *login, const char *password, char salt[AUTH_SALT_HEX], char ops_s[24],
             char mem_s[24], char proof[AUTH_PROOF_HEX], char **cause)
{
	char ignored[AUTH_SALT_HEX];
	unsigned long long ops;
	size_t mem;

	if (strlen(password) < 8) {
		*cause = xstrdup("Choose a password of at least 8 characters.");
		return -1;
	}
	if (sign_in_params(db, login, ignored, &ops, &mem, cause) != 0)
		return -1;
	auth_salt_new(salt);
	snprintf(ops_s, 24, "%llu", ops);
	snprintf(mem_s, 24, "%zu", mem);
	if (auth_proof(password, salt, ops, mem, proof) != 0) {
		*cause = xstrdup("Cannot set the password now (out of memory).");
		return -1;
	}
	return 0;
}

int
client_register(struct db *db, const char *terminal, const char *email, const char *password, char rid[37],
                struct person *who, char **cause)
{
	char salt[AUTH_SALT_HEX], stored[AUTH_SALT_HEX], proof[AUTH_PROOF_HEX], ops_s[24], mem_s[24];
	unsigned long long ops;
	size_t mem;
	const char *params[7] = { email, "", salt, ops_s, mem_s, proof, rid };
	const char *st;
	PGresult *res;
	int rc = -1;

	if (client_new_password(db, email, password, salt, ops_s, mem_s, proof, cause) != 0)
		goto out;
	if (rid[0] == '\0')
		db_request_id(rid);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.customer_register($1, $2, $3, $4::bigint, $5::bigint, $6, $7::uuid)",
	              7, params);
	if (res == NULL) {
		*cause = client_failure_as(db, "customer_register", "Not registered: ");
		goto out;
	}
	st = db_value(res, 0, "register_status");
	if (strcmp(st, "registered") == 0) {
		oplog(LOG_NOTICE, "registered: customer \"%s\" (user %s)", email, db_value(res, 0, "user_id"));
		/* a replayed registration keeps the first call's salt: prove anew */
		if (sign_in_params(db, email, stored, &ops, &mem, cause) != 0)
			rc = -1;
		else if (strcmp(stored, salt) != 0)
			rc = client_sign_in(db, terminal, false, email, password, who, cause);
		else
			rc = sign_in_send(db, terminal, "customer", email, proof, who, cause);
		if (rc == 0 && who->full_name[0] == '\0')
			strlcpy_m(who->full_name, email, sizeof who->full_name);
	} else {
		*cause = xasprintf("Not registered: %s.", client_words(register_words, st, "the database refused it"));
		oplog(LOG_INFO, "registration refused: \"%s\": %s", email, st);
		rid[0] = '\0';
	}
	PQclear(res);
out:
	sodium_memzero(proof, sizeof proof);
	return rc;
}

/* Runs a password change or reset (sql with six parameters: session, then
 * old proof or login, then salt, limits and proof of the new password) and
 * reads its status column: 0 when it is ok_status, else -1 with *cause
 * holding the database's words. */
static int
password_call(struct db *db, const char *sql, const char *params[6], const char *status_col, const char *ok_status,
              char **cause)
{
	PGresult *res = db_exec(db, DB_ONCE, sql, 6, params);
	int rc = -1;

	if (res == NULL) {
		*cause = client_failure_as(db, "password", "Password not changed: ");
		return -1;
	}
	if (strcmp(db_value(res, 0, status_col), ok_status) == 0)
		rc = 0;
	else
		*cause = client_col(res, 0, "message");
	oplog(rc == 0 ? LOG_NOTICE : LOG_WARNING, "password: %s", db_value(res, 0, status_col));
	PQclear(res);
	return rc;
}

int
client_change_password(struct db *db, const char *login, const char *session, const char *old_password,
                       const char *new_pw, char **cause)
{
	char old_proof[AUTH_PROOF_HEX], salt[AUTH_SALT_HEX], ops[24], mem[24], proof[AUTH_PROOF_HEX];
	const char *params[6] = { session, old_proof, salt, ops, mem, proof };
	int rc = -1;

	if (client_new_password(db, login, new_pw, salt, ops, mem, proof, cause) == 0 &&
	    sign_in_proof(db, login, old_password, old_proof, cause) == 0)
		rc = password_call(db, "SELECT * FROM api.change_password($1, $2, $3, $4::bigint, $5::bigint, $6)",
		                   params, "change_status", "changed", cause);
	sodium_memzero(old_proof, sizeof old_proof);
	sodium_memzero(proof, sizeof proof);
	return rc;
}

int
client_reset_password(struct db *db, const char *manager_session, const char *login, const char *password,
                      char **cause)
{
	char salt[AUTH_SALT_HEX], ops[24], mem[24], proof[AUTH_PROOF_HEX];
	const char *params[6] = { manager_session, login, salt, ops, mem, proof };
	int rc = -1;

	if (client_new_password(db, login, password, salt, ops, mem, proof, cause) == 0)
		rc = password_call(db, "SELECT * FROM api.admin_password_reset($1, $2, $3, $4::bigint, $5::bigint, $6)",
		                   params, "reset_status", "reset", cause);
	sodium_memzero(proof, sizeof proof);
	return rc;
}

int
client_bookings(struct db *db, const char *session, struct bookings *out, char **cause)
{
	const char *params[1] = { session };
	PGresult *res = client_read(db, "your bookings",
	                            "SELECT booking_code, status, title, seats,"
	                            " to_char(starts_at, 'Dy DD Mon HH24:MI') AS starts"
	                            " FROM api.my_bookings($1)", 1, params, cause);

	if (res == NULL)
		return -1;
	out->n = PQntuples(res);
	out->v = xcalloc((size_t)out->n + 1, sizeof *out->v);
	for (int i = 0; i < out->n; i++) {
		out->v[i].booking_code = client_col(res, i, "booking_code");
		out->v[i].status = client_col(res, i, "status");
		out->v[i].title = client_col(res, i, "title");
		out->v[i].seats = client_col(res, i, "seats");
		out->v[i].starts = client_col(res, i, "starts");
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
