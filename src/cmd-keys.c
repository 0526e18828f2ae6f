/* cmd-keys.c - `marquee keys ...`: this device's ticket signing key (init
 * makes it and registers its public key in the database under the device's
 * database login, register registers it again), and the site's keys (list,
 * revoke, export: the keyring door scanners check tickets with offline). */
#include "cmd.h"
#include "db.h"
#include "oplog.h"
#include "ticket.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

const struct cmd_spec cmd_keys_spec = {
	.name = "keys",
	.synopsis = "keys init [--force] [--no-register]\n"
	            "keys register\n"
	            "keys list\n"
	            "keys revoke KEYID [--reason TEXT]\n"
	            "keys export [-o FILE]",
	.help = "  init         make this device's ticket signing key pair at kiosk.conf's\n"
	        "               signing_key (secret, mode 0600, never leaves the device) and\n"
	        "               public_key, making a missing folder (mode 0700 for the\n"
	        "               secret key), and register the public key in the database\n"
	        "               under this device's database login\n"
	        "      --force  replace a key pair that exists (the old key stays registered\n"
	        "               until it is revoked)\n"
	        "      --no-register  make the key pair only\n"
	        "  register     register the public key of signing_key (again)\n"
	        "  list         every registered key: id, device login, terminal, created,\n"
	        "               revoked (needs the database owner's login)\n"
	        "  revoke KEYID door scanners refuse what the key signed, and no terminal\n"
	        "               prints with it any more (needs the database owner's login)\n"
	        "      --reason TEXT  why, kept with the key\n"
	        "  export       write the keyring door scanners use offline: every registered\n"
	        "               key, revoked ones marked\n"
	        "  -o, --output FILE  where to write it (default: standard output)\n"
	        "  -h, --help   show this help and exit\n",
};

/* Options of `keys ...`. */
struct keys_opts {
	const char	*what;
	const char	*key_id;
	const char	*reason;
	const char	*output;
	int		 force;
	int		 no_register;
};

/* Fails an owner's action (what: "list the ticket keys") the database
 * refused, in one line: a device's login is told it needs the owner's. */
static int
keys_owner_fail(struct db *db, const char *what)
{
	const char *why = db_error(db);

	if (strcmp(db->sqlstate, "42501") == 0)
		return cmd_fail(&cmd_keys_spec, "cannot %s: it needs the database owner's login, "
		                "not a device's", what);
	return cmd_fail(&cmd_keys_spec, "cannot %s: %.*s", what, (int)strcspn(why, "\n"), why);
}

/* Registers the public key of the device's secret key under the database
 * login of db. Returns 0 and prints the key id, or -1 with *cause set. */
static int
keys_register(struct app *app, struct db *db, char **cause)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], id[TICKET_KEY_ID_BYTES];
	char pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1], idhex[TICKET_KEY_ID_HEX], rid[37];
	const char *params[3] = { pkhex, app->cfg.terminal, rid };
	PGresult *res;
	int rc = -1;

	if (ticket_key_secret_public(app->cfg.signing_key, pk, cause) != 0)
		return -1;
	sodium_bin2hex(pkhex, sizeof pkhex, pk, sizeof pk);
	ticket_key_id(pk, id);
	ticket_key_id_hex(id, idhex);
	db_request_id(rid);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.ticket_key_register($1, $2, $3)", 3, params);
	if (res == NULL) {
		*cause = xasprintf("ticket key %s is not registered: %.*s", idhex,
		                   (int)strcspn(db_error(db), "\n"), db_error(db));
		return -1;
	}
	if (strcmp(db_value(res, 0, "register_status"), "registered") != 0) {
		*cause = xasprintf("ticket key %s is not registered: %s", idhex, db_value(res, 0, "message"));
		goto out;
	}
	oplog(LOG_NOTICE, "ticket key %s registered for this device", idhex);
	printf("ticket key %s registered: %s\n", idhex, db_value(res, 0, "message"));
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* `keys init`: a new key pair, registered unless o->no_register. */
static int
keys_init(struct app *app, const struct keys_opts *o)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], id[TICKET_KEY_ID_BYTES];
	char idhex[TICKET_KEY_ID_HEX], *cause = NULL;
	struct db *db;
	int rc;

	if (ticket_keys_init(app->cfg.signing_key, app->cfg.public_key, o->force, &cause) != 0 ||
	    ticket_key_secret_public(app->cfg.signing_key, pk, &cause) != 0) {
		rc = cmd_fail(&cmd_keys_spec, "%s", cause);
		free(cause);
		return rc;
	}
	ticket_key_id(pk, id);
	ticket_key_id_hex(id, idhex);
	oplog(LOG_NOTICE, "new ticket signing key %s: secret %s, public %s", idhex, app->cfg.signing_key,
	      app->cfg.public_key);
	printf("ticket key %s: secret key %s (it never leaves this device), public key %s\n", idhex,
	       app->cfg.signing_key, app->cfg.public_key);
	if (o->no_register)
		return CMD_OK;
	if ((db = cmd_connect(app, &cmd_keys_spec)) == NULL)
		return CMD_FAILED;
	rc = CMD_OK;
	if (keys_register(app, db, &cause) != 0) {
		rc = cmd_fail(&cmd_keys_spec, "%s (run marquee keys register)", cause);
		free(cause);
	}
	db_close(db);
	return rc;
}

/* `keys list`: every registered key, a line each. */
static int
keys_list(struct db *db)
{
	PGresult *res;

	res = db_exec(db, DB_SAFE, "SELECT key_id, device, terminal, "
	              "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS created, "
	              "coalesce(to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '-') AS revoked, "
	              "revoked_why FROM core.ticket_key_list()", 0, NULL);
	if (res == NULL)
		return keys_owner_fail(db, "list the ticket keys");
	printf("%-16s  %-20s  %-12s  %-16s  %s\n", "KEY", "DEVICE", "TERMINAL", "CREATED (UTC)",
	       "REVOKED (UTC)");
	for (int i = 0; i < PQntuples(res); i++) {
		const char *why = db_value(res, i, "revoked_why");

		printf("%-16s  %-20s  %-12s  %-16s  %s%s%s\n", db_value(res, i, "key_id"),
		       db_value(res, i, "device"), db_value(res, i, "terminal"), db_value(res, i, "created"),
		       db_value(res, i, "revoked"), *why != '\0' ? "  " : "", why);
	}
	PQclear(res);
	return CMD_OK;
}

/* `keys revoke KEYID`. */
static int
keys_revoke(struct db *db, const struct keys_opts *o)
{
	const char *params[2] = { o->key_id, o->reason != NULL ? o->reason : "" }, *status;
	char *what;
	PGresult *res;
	int rc = CMD_OK;

	res = db_exec(db, DB_SAFE, "SELECT core.ticket_key_revoke($1, $2) AS status", 2, params);
	if (res == NULL) {
		what = xasprintf("revoke ticket key %s", o->key_id);
		rc = keys_owner_fail(db, what);
		free(what);
		return rc;
	}
	status = db_value(res, 0, "status");
	if (strcmp(status, "revoked") == 0) {
		oplog(LOG_NOTICE, "ticket key %s revoked: %s", o->key_id, params[1]);
		printf("ticket key %s revoked: door scanners refuse what it signed\n", o->key_id);
	} else if (strcmp(status, "already_revoked") == 0)
		printf("ticket key %s was already revoked\n", o->key_id);
	else
		rc = cmd_fail(&cmd_keys_spec, "no ticket key %s is registered", o->key_id);
	PQclear(res);
	return rc;
}

/* `keys export`: the keyring, to o->output or standard output. */
static int
keys_export(struct db *db, const struct keys_opts *o)
{
	struct ticket_keyring ring = { 0 };
	char *cause = NULL;
	int rc = CMD_OK;

	if (ticket_keyring_fetch(db, &ring, &cause) != 0 ||
	    (o->output != NULL && ticket_keyring_save(o->output, &ring, &cause) != 0)) {
		rc = cmd_fail(&cmd_keys_spec, "%s", cause);
		free(cause);
	} else if (o->output == NULL)
		ticket_keyring_write(stdout, &ring);
	ticket_keyring_free(&ring);
	return rc;
}

int
cmd_keys(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "no-register", no_argument, NULL, 'n' },
		{ "reason", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct keys_opts o = { 0 };
	struct db *db;
	char *cause = NULL;
	int c, rc = CMD_OK;

	optind = 0;
	while ((c = cmd_opt(&cmd_keys_spec, argc, argv, "-:o:h", longopts, &rc)) != -1) {
		switch (c) {
		case CMD_STOP:
			return rc;
		case 'f':
			o.force = 1;
			break;
		case 'n':
			o.no_register = 1;
			break;
		case 'r':
			o.reason = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case CMD_ARG:
			if (o.what == NULL)
				o.what = optarg;
			else if (strcmp(o.what, "revoke") == 0 && o.key_id == NULL)
				o.key_id = optarg;
			else
				return cmd_refuse(&cmd_keys_spec, "unexpected argument '%s'", optarg);
			break;
		}
	}
	if (o.what == NULL)
		return cmd_refuse(&cmd_keys_spec, "say what to do: init");
	if (strcmp(o.what, "init") != 0 && strcmp(o.what, "register") != 0 &&
	    strcmp(o.what, "list") != 0 && strcmp(o.what, "revoke") != 0 && strcmp(o.what, "export") != 0)
		return cmd_refuse(&cmd_keys_spec, "unknown action '%s'", o.what);
	if ((o.force || o.no_register) && strcmp(o.what, "init") != 0)
		return cmd_refuse(&cmd_keys_spec, "--%s applies to keys init only",
		                  o.force ? "force" : "no-register");
	if (o.reason != NULL && strcmp(o.what, "revoke") != 0)
		return cmd_refuse(&cmd_keys_spec, "--reason applies to keys revoke only");
	if (o.output != NULL && strcmp(o.what, "export") != 0)
		return cmd_refuse(&cmd_keys_spec, "--output applies to keys export only");
	if (strcmp(o.what, "revoke") == 0 && o.key_id == NULL)
		return cmd_refuse(&cmd_keys_spec, "which key? give its id (marquee keys list)");
	if (strcmp(o.what, "init") == 0)
		return keys_init(app, &o);

	if ((db = cmd_connect(app, &cmd_keys_spec)) == NULL)
		return CMD_FAILED;
	if (strcmp(o.what, "register") == 0) {
		if (keys_register(app, db, &cause) != 0) {
			rc = cmd_fail(&cmd_keys_spec, "%s", cause);
			free(cause);
		}
	} else if (strcmp(o.what, "list") == 0)
		rc = keys_list(db);
	else if (strcmp(o.what, "revoke") == 0)
		rc = keys_revoke(db, &o);
	else
		rc = keys_export(db, &o);
	db_close(db);
	return rc;
}
