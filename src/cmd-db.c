/* cmd-db.c - `marquee db migrate|demo`: brings the database's schema up to
 * date, or loads the demonstration data (the work is in db-admin.c). */
#include "auth.h"
#include "cmd.h"
#include "oplog.h"

#include <string.h>

const struct cmd_spec cmd_db_spec = {
	.name = "db",
	.synopsis = "db migrate|demo",
	.help = "  migrate      apply the migrations not yet applied, each in a transaction;\n"
	        "               safe to run again (as a role that owns the schema)\n"
	        "  demo         load the demonstration cinemas, films, showtimes and staff;\n"
	        "               safe to run again, never on a production database\n"
	        "  -h, --help   show this help and exit\n",
};

int
cmd_db(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *what = NULL;
	struct db *db;
	int c, rc = CMD_OK;

	optind = 0;
	while ((c = cmd_opt(&cmd_db_spec, argc, argv, "-:h", longopts, &rc)) != -1) {
		if (c == CMD_STOP)
			return rc;
		if (what != NULL)
			return cmd_refuse(&cmd_db_spec, "unexpected argument '%s'", optarg);
		what = optarg;
	}
	if (what == NULL)
		return cmd_refuse(&cmd_db_spec, "say what to do: migrate or demo");
	if (strcmp(what, "migrate") != 0 && strcmp(what, "demo") != 0)
		return cmd_refuse(&cmd_db_spec, "unknown action '%s'", what);
	if (auth_init() != 0)
		return cmd_fail(&cmd_db_spec, "cannot initialise libsodium");
	if ((db = cmd_connect(app, &cmd_db_spec)) == NULL)
		return CMD_FAILED;
	rc = db_admin(db, strcmp(what, "demo") == 0);
	if (rc != CMD_OK) {
		const char *why = db->error != NULL ? db->error : "see its standard error";

		oplog(LOG_ERR, "marquee db %s failed: %.*s", what, (int)strcspn(why, "\n"), why);
	} else
		oplog(LOG_NOTICE, "marquee db %s: done", what);
	db_close(db);
	return rc;
}
