/* app.h - what every command gets: the configuration and where the database is. */
#ifndef MARQUEE_APP_H
#define MARQUEE_APP_H

#include "config.h"
#include "db.h"

struct app {
	struct config	 cfg;
	const char	*dsn_arg;	/* --dsn, or NULL */
	const char	*config_arg;	/* --config, or NULL */
};

/* The connection string: --dsn, else $MARQUEE_DSN, else the file's dsn,
 * else "" (libpq's own defaults). */
const char *app_dsn(const struct app *app);
/* Connects and applies the terminal's session settings. On failure prints
 * a one-line reason and returns NULL. */
struct db *app_connect(const struct app *app);
/* The directory holding schema/, migrations/ and demo.sql: $MARQUEE_SQLDIR, else sql/ beside the
 * binary, else ../share/marquee/sql beside it, else /usr/share/marquee/sql.
 * Returns a new string. */
char *app_sqldir(void);

/* Runs `marquee db migrate` (demo false) or `marquee db demo` (db-admin.c)
 * on db, saying what it did on stdout and why it failed on stderr. Returns
 * the process exit status. */
int db_admin(struct db *db, bool demo);
/* The screens (ui/): the app with no subcommand. */
int ui_main(struct app *app);

#endif
