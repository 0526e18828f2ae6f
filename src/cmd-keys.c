/* cmd-keys.c - `marquee keys init [--force]`: makes the Ed25519 key pair
 * that signs the QR codes this terminal prints. */
#include "cmd.h"
#include "oplog.h"
#include "ticket.h"

#include <stdlib.h>
#include <string.h>

const struct cmd_spec cmd_keys_spec = {
	.name = "keys",
	.synopsis = "keys init [--force]",
	.help = "  init         make the ticket signing key pair at kiosk.conf's signing_key\n"
	        "               (secret, mode 0600) and public_key (for door scanners),\n"
	        "               making a missing folder (mode 0700 for the secret key)\n"
	        "      --force  replace a key pair that exists (tickets it signed stop\n"
	        "               opening the door once the new public key is deployed)\n"
	        "  -h, --help   show this help and exit\n",
};

int
cmd_keys(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *what = NULL;
	char *cause = NULL;
	int c, rc = CMD_OK, force = 0;

	optind = 0;
	while ((c = cmd_opt(&cmd_keys_spec, argc, argv, "-:h", longopts, &rc)) != -1) {
		switch (c) {
		case CMD_STOP:
			return rc;
		case 'f':
			force = 1;
			break;
		case CMD_ARG:
			if (what != NULL)
				return cmd_refuse(&cmd_keys_spec, "unexpected argument '%s'", optarg);
			what = optarg;
			break;
		}
	}
	if (what == NULL)
		return cmd_refuse(&cmd_keys_spec, "say what to do: init");
	if (strcmp(what, "init") != 0)
		return cmd_refuse(&cmd_keys_spec, "unknown action '%s'", what);
	if (ticket_keys_init(app->cfg.signing_key, app->cfg.public_key, force, &cause) != 0) {
		rc = cmd_fail(&cmd_keys_spec, "%s", cause);
		free(cause);
		return rc;
	}
	oplog(LOG_NOTICE, "new ticket signing key pair: secret %s, public %s", app->cfg.signing_key,
	      app->cfg.public_key);
	printf("secret key %s (keep it on printing terminals only), public key %s "
	       "(for door scanners)\n", app->cfg.signing_key, app->cfg.public_key);
	return CMD_OK;
}
