/* client.c - what the client's calls share: turning a failed query into words
 * a cashier can read (and the server's text into the operational log), status
 * words, and the clock of the hold's countdown. */
#include "client.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* True when the last failure on db was the connection (SQLSTATE class 08,
 * or none at all): the same request may be sent again. */
static bool
client_lost(const struct db *db)
{
	return !db_connected(db) || strncmp(db->sqlstate, "08", 2) == 0 || db->sqlstate[0] == '\0';
}

/* Words for a SQLSTATE class. */
static const char *
client_state_words(const struct db *db)
{
	static const struct {
		const char	*prefix;
		const char	*words;
	} table[] = {
		{ "08", "the database connection was lost; try again" },
		{ "22", "a value was not accepted" },
		{ "23", "that would contradict what is already recorded" },
		{ "28", "this terminal may not sign in to the database" },
		{ "40", "the database was busy; try again" },
		{ "42501", "this terminal is not allowed to do that" },
		{ "53", "the database is overloaded; try again in a moment" },
		{ "57", "the database is restarting; try again in a moment" },
		{ "P0001", "the database refused it" },
	};

	if (client_lost(db))
		return table[0].words;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strncmp(db->sqlstate, table[i].prefix, strlen(table[i].prefix)) == 0)
			return table[i].words;
	return "the database could not do it (the log says why)";
}

char *
client_failure(struct db *db, const char *what)
{
	oplog(LOG_WARNING, "database: %s failed: SQLSTATE %s: %s", what,
	      db->sqlstate[0] != '\0' ? db->sqlstate : "none", db_error(db));
	return xstrdup(client_state_words(db));
}

char *
client_failure_as(struct db *db, const char *what, const char *prefix)
{
	char *words = client_failure(db, what), *s;

	s = xasprintf("%s%s.", prefix, words);
	free(words);
	return s;
}

PGresult *
client_read(struct db *db, const char *what, const char *sql, int nparams, const char *const *params,
            char **cause)
{
	PGresult *res = db_exec(db, DB_SAFE, sql, nparams, params);
	char *prefix;

	if (res == NULL) {
		prefix = xasprintf("Cannot read %s: ", what);
		*cause = client_failure_as(db, what, prefix);
		free(prefix);
	}
	return res;
}

PGresult *
client_change(struct db *db, const char *what, const char *sql, int nparams, const char **params, const char *prefix,
              char **message)
{
	char rid[37];
	PGresult *res;

	db_request_id(rid);
	params[nparams] = rid;
	res = db_exec(db, DB_SAFE, sql, nparams + 1, params);
	params[nparams] = NULL;
	if (res == NULL)
		*message = client_failure_as(db, what, prefix);
	return res;
}

PGresult *
client_read_id(struct db *db, const char *what, const char *sql, long long id, char **cause)
{
	char buf[24];
	const char *params[1] = { buf };

	snprintf(buf, sizeof buf, "%lld", id);
	return client_read(db, what, sql, 1, params, cause);
}

const char *
client_words(const struct client_words *table, const char *status, const char *fallback)
{
	for (; table->status != NULL; table++)
		if (strcmp(table->status, status) == 0)
			return table->words;
	return fallback;
}

double
client_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *
client_col(const PGresult *res, int row, const char *column)
{
	return xstrdup(db_value(res, row, column));
}

int
client_training(struct db *db, bool *training, char **cause)
{
	PGresult *res = client_read(db, "whether this is a training database", "SELECT api.training() AS t", 0, NULL,
	                            cause);

	if (res == NULL)
		return -1;
	*training = strcmp(db_value(res, 0, "t"), "t") == 0;
	PQclear(res);
	return 0;
}
