/* cmd-db.c - `marquee db migrate|demo|device`: brings the database's schema
 * up to date, loads the demonstration data (the work is in db-admin.c), or
 * adds, lists and removes the devices (database logins) terminals connect
 * as. All of it runs as the database's owner. */
#include "auth.h"
#include "cmd.h"
#include "db.h"
#include "oplog.h"

#include <libpq-fe.h>
#include <string.h>

const struct cmd_spec cmd_db_spec = {
	.name = "db",
	.synopsis = "db migrate|demo\ndb device add NAME kiosk|counter|door\ndb device list|remove NAME",
	.help = "  migrate      apply the migrations not yet applied, each in a transaction;\n"
	        "               safe to run again (as a role that owns the schema)\n"
	        "  demo         load the demonstration cinemas, films, showtimes, staff and\n"
	        "               devices; safe to run again, never on a production database\n"
	        "  device add NAME KIND\n"
	        "               make the database login NAME for one kiosk, counter or door\n"
	        "               scanner (give it a password or certificate: docs/operations.md)\n"
	        "  device list  the devices, their kind and live sessions\n"
	        "  device remove NAME\n"
	        "               end the device's sessions and connections and drop its login\n"
	        "  -h, --help   show this help and exit\n",
};

/* Runs `db device ...` (words: what follows "device"). Returns the exit
 * status. */
static int
db_device(struct db *db, char **words, int n)
{
	const char *sql, *params[2] = { NULL, NULL };
	int nparams = 0, rc = CMD_OK;
	PGresult *res;

	if (n == 3 && strcmp(words[0], "add") == 0) {
		sql = "SELECT core.device_add($1, $2) AS outcome";
		params[0] = words[1];
		params[1] = words[2];
		nparams = 2;
	} else if (n == 2 && strcmp(words[0], "remove") == 0) {
		sql = "SELECT core.device_remove($1) AS outcome";
		params[0] = words[1];
		nparams = 1;
	} else if (n == 1 && strcmp(words[0], "list") == 0)
		sql = "SELECT name, kind, CASE WHEN can_login THEN 'yes' ELSE 'no' END AS login, sessions"
		      " FROM core.devices()";
	else
		return cmd_refuse(&cmd_db_spec, "say device add NAME KIND, device list or device remove NAME");
	if ((res = db_exec(db, DB_ONCE, sql, nparams, params)) == NULL)
		return cmd_fail(&cmd_db_spec, "device %s: %s", words[0], db_error(db));
	if (nparams == 0) {
		printf("%-24s %-8s %-6s %s\n", "device", "kind", "login", "sessions");
		for (int i = 0; i < PQntuples(res); i++)
			printf("%-24s %-8s %-6s %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			       PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
	} else if (strcmp(PQgetvalue(res, 0, 0), "no_device") == 0)
		rc = cmd_fail(&cmd_db_spec, "device remove: no device is called %s", words[1]);
	else {
		printf("%s: %s\n", words[1], PQgetvalue(res, 0, 0));
		oplog(LOG_NOTICE, "marquee db device %s %s: %s", words[0], words[1], PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return rc;
}

int
cmd_db(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *words[4];
	int c, n = 0, rc = CMD_OK;
	struct db *db;

	optind = 0;
	while ((c = cmd_opt(&cmd_db_spec, argc, argv, "-:h", longopts, &rc)) != -1) {
		if (c == CMD_STOP)
			return rc;
		if (n == (int)(sizeof words / sizeof words[0]))
			return cmd_refuse(&cmd_db_spec, "unexpected argument '%s'", optarg);
		words[n++] = optarg;
	}
	if (n == 0)
		return cmd_refuse(&cmd_db_spec, "say what to do: migrate, demo or device");
	if (strcmp(words[0], "device") != 0 && n > 1)
		return cmd_refuse(&cmd_db_spec, "unexpected argument '%s'", words[1]);
	if (strcmp(words[0], "migrate") != 0 && strcmp(words[0], "demo") != 0 && strcmp(words[0], "device") != 0)
		return cmd_refuse(&cmd_db_spec, "unknown action '%s'", words[0]);
	if (auth_init() != 0)
		return cmd_fail(&cmd_db_spec, "cannot initialise libsodium");
	if ((db = cmd_connect(app, &cmd_db_spec)) == NULL)
		return CMD_FAILED;
	if (strcmp(words[0], "device") == 0) {
		rc = db_device(db, words + 1, n - 1);
		db_close(db);
		return rc;
	}
	rc = db_admin(db, strcmp(words[0], "demo") == 0);
	if (rc != CMD_OK) {
		const char *why = db->error != NULL ? db->error : "see its standard error";

		oplog(LOG_ERR, "marquee db %s failed: %.*s", words[0], (int)strcspn(why, "\n"), why);
	} else
		oplog(LOG_NOTICE, "marquee db %s: done", words[0]);
	db_close(db);
	return rc;
}
