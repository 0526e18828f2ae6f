/* client.h - the curses-free client between the screens and the database:
 * what every part of it shares. Each call sends its query through db_exec,
 * copies the answer into plain structs (owned strings, freed by the matching
 * *_free) and says what went wrong in words a cashier can read; the server's
 * own text goes to the operational log only. The calls live by concern in
 * client-show.c (listing, seat map), client-sale.c (hold, types, payment),
 * client-account.c (sign-in, customer accounts) and client-admin.c. */
#ifndef MARQUEE_CLIENT_H
#define MARQUEE_CLIENT_H

#include "db.h"

#include <stdbool.h>

/* Words for the failure of the last db_exec on db (connection lost, a value
 * refused, not allowed, ...); logs the server's text with what (the call).
 * Returns a new string (caller frees). */
char *client_failure(struct db *db, const char *what);
/* The failure's words with a prefix ("Not saved: ..."). New string. */
char *client_failure_as(struct db *db, const char *what, const char *prefix);
/* The words for a status, from a table of {status, words} pairs ended by
 * {NULL, NULL}; a status the table does not know gives fallback. */
struct client_words {
	const char	*status;
	const char	*words;
};
const char *client_words(const struct client_words *table, const char *status, const char *fallback);
/* Runs a read (a DB_SAFE query). Returns its result (caller PQclear()s), or
 * NULL with *cause set to "Cannot read <what>: <words>." (caller frees). */
struct pg_result *client_read(struct db *db, const char *what, const char *sql, int nparams, const char *const *params,
                      char **cause);
/* Runs a change that the database may see twice (DB_SAFE: resent after a
 * reconnect): its last parameter, params[nparams], is set here to a new
 * request id, so a resend is answered from the first. Returns its result
 * (caller PQclear()s), or NULL with *message the failure's words after
 * prefix ("Not done: ...", caller frees). */
struct pg_result *client_change(struct db *db, const char *what, const char *sql, int nparams, const char **params,
                        const char *prefix, char **message);
/* The same for a read whose one parameter is a bigint id. */
struct pg_result *client_read_id(struct db *db, const char *what, const char *sql, long long id, char **cause);
/* A new copy of a column's value ("" for NULL); caller frees. */
char *client_col(const struct pg_result *res, int row, const char *column);
/* Whether the database is a training (or demo) one (api.training), where
 * the test card terminal's payments count. Returns 0 with *training set,
 * or -1 with *cause (caller frees). */
int  client_training(struct db *db, bool *training, char **cause);
/* Monotonic clock in seconds (the clock the hold's countdown uses). */
double client_now(void);

#endif
