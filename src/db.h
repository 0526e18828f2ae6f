/* db.h - the one path every query takes to PostgreSQL.
 *
 * libpq's types are named by their struct tags (struct pg_conn is PGconn,
 * struct pg_result is PGresult), so this header does not pull libpq in: the
 * screens (ui/) include it for the connection and never see a result. A
 * file that reads results includes <libpq-fe.h> itself. */
#ifndef MARQUEE_DB_H
#define MARQUEE_DB_H

#include <stdbool.h>

struct pg_conn;
struct pg_result;

/* A statement prepared on this connection (db_exec prepares each query the
 * first time it is sent and reuses it: no parsing or planning per call). */
struct db_stmt {
	char	*sql;
	char	 name[16];
};

struct db {
	struct pg_conn *conn;
	char	*conninfo;
	char	 sqlstate[6];	/* SQLSTATE of the last failure, "" if none */
	char	*error;		/* message of the last failure, NULL if none */
	struct db_setting {	/* session settings (SET), applied again after a reset */
		char	name[40];
		char	value[40];
	}	 settings[8];
	int	 nsettings;
	int	 resets;	/* how many times the connection was re-established */
	double	 reconnect_seconds;	/* how long a call keeps trying to reconnect */
	void	(*wait_fn)(void *arg, double waited);	/* told while a call waits (db_on_wait) */
	void	*wait_arg;
	struct db_stmt *stmts;	/* prepared so far on this connection */
	int	 nstmts;
	int	 prepared;	/* statements prepared in all (names are unique) */
	bool	 no_prepare;	/* $MARQUEE_NO_PREPARE: for poolers without prepared statements */
};

enum db_retry { DB_ONCE, DB_SAFE };	/* DB_SAFE: may be sent again after a reset */

/* The connection string db_open uses for dsn (key=value or a URI; "" =
 * libpq's defaults, PGHOST etc): dsn's own settings, plus keepalives,
 * keepalives_idle/_interval/_count, tcp_user_timeout, connect_timeout and
 * fallback_application_name where dsn does not name them. Returns a new
 * key=value string (caller frees), or NULL with *cause set (caller frees). */
char      *db_conninfo(const char *dsn, char **cause);
/* Connects to conninfo as db_conninfo completes it. Returns a new handle,
 * or NULL with *cause set (caller frees). */
struct db *db_open(const char *conninfo, char **cause);
void       db_close(struct db *db);

/* Runs one statement with text parameters (NULL pointer = SQL NULL). On
 * success returns the result (caller PQclear()s). On failure returns NULL
 * with db->error and db->sqlstate set. A broken connection is made again
 * through every host of the dsn, with growing pauses, for up to
 * db->reconnect_seconds (a failover): a call not sent yet then goes, and a
 * DB_SAFE call (a read, or a write carrying a request_id, whose repeat gets
 * the first answer) is sent again until it is answered; a DB_ONCE call that
 * may have run is never sent again. A DB_SAFE call refused by a server that
 * cannot write (SQLSTATE 25006) is sent again on a fresh connection too. */
struct pg_result *db_exec(struct db *db, enum db_retry retry, const char *sql, int nparams,
                   const char *const *params);
/* Runs a script of statements without parameters (migrations). Returns 0 or -1. */
int        db_script(struct db *db, const char *sql);
/* Sets a session setting (set_config) now and after every reset; value ""
 * clears it. Returns 0, or -1 (db->error says why). */
int        db_set(struct db *db, const char *name, const char *value);
/* Sets marquee.hold_minutes for this session (kept across resets). */
int        db_set_hold_minutes(struct db *db, int minutes);
/* The last failure, for a person to read. */
const char *db_error(const struct db *db);
/* True when the connection is up. */
bool       db_connected(const struct db *db);
/* Tries once to re-establish a broken connection. Returns 0 when it is up. */
int        db_reconnect(struct db *db);

/* fn(arg, seconds) is called between tries while a call waits for the
 * database to come back (say, to show "Reconnecting..."); NULL: none. */
void       db_on_wait(struct db *db, void (*fn)(void *arg, double waited), void *arg);

/* LISTEN/UNLISTEN channel (an identifier of letters, digits and _). */
int        db_listen(struct db *db, const char *channel, bool on);
/* Socket to poll for notifications, or -1. */
int        db_socket(const struct db *db);
/* Reads pending notifications; calls fn for each. Returns how many, or -1
 * when the connection broke. */
int        db_notifications(struct db *db, void (*fn)(const char *channel, const char *payload,
                                                      void *arg), void *arg);

/* Writes a new random (version 4) UUID, the request_id of one user action. */
void       db_request_id(char out[37]);
/* Accessors for results; value is "" for NULL. */
const char *db_value(const struct pg_result *res, int row, const char *column);
long long   db_int(const struct pg_result *res, int row, const char *column);
bool        db_isnull(const struct pg_result *res, int row, const char *column);

#endif
