/* main.c - marquee: the global options, the configuration, the operational
 * log, and dispatch to a command (cmd-*.c) or the screens. */
#include "cmd.h"
#include "oplog.h"

#include <stdlib.h>
#include <string.h>

static const struct cmd_entry commands[] = {
	{ "db", cmd_db, &cmd_db_spec },
	{ "keys", cmd_keys, &cmd_keys_spec },
	{ "ticket", cmd_ticket, &cmd_ticket_spec },
	{ "scan", cmd_scan, &cmd_scan_spec },
	{ "notify", cmd_notify, &cmd_notify_spec },
	{ "report", cmd_report, &cmd_report_spec },
	{ "hall", cmd_hall, &cmd_hall_spec },
};

static void main_help_commands(void);

static const struct cmd_spec main_spec = {
	.name = "",
	.synopsis = "[--config FILE] [--dsn CONNINFO] [COMMAND [OPTION...] [ARG...]]\n"
	            "--version",
	.help = "With no command, opens the box office screens (kiosk.conf's mode says which).\n\n"
	        "  -c, --config FILE     the configuration (else $MARQUEE_CONFIG, ./kiosk.conf,\n"
	        "                        /etc/marquee/kiosk.conf)\n"
	        "  -d, --dsn CONNINFO    the database (else $MARQUEE_DSN, kiosk.conf's dsn,\n"
	        "                        libpq's defaults)\n"
	        "  -V, --version         print the version and exit\n"
	        "  -h, --help            show this help and exit\n",
	.help_more = main_help_commands,
};

/* Prints every command's forms on stdout, for --help. */
static void
main_help_commands(void)
{
	printf("\ncommands (each answers --help):\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct cmd_spec *spec = commands[i].spec;

		for (const char *p = spec->synopsis; *p != '\0'; p++) {
			if (p == spec->synopsis || p[-1] == '\n')
				printf("  marquee ");
			putchar(*p);
		}
		putchar('\n');
	}
}

/* Reads the global options into app. Returns -1 when the command line goes
 * on (at *next), else the exit status. */
static int
main_options(struct app *app, int argc, char **argv, int *next)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dsn", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = CMD_OK;

	/* "+": stop at the command, whose options are its own. */
	optind = 0;
	while ((c = cmd_opt(&main_spec, argc, argv, "+:c:d:Vh", longopts, &rc)) != -1) {
		switch (c) {
		case CMD_STOP:
			return rc;
		case CMD_ARG:
			*next = optind - 1;
			return -1;
		case 'c':
			app->config_arg = optarg;
			break;
		case 'd':
			app->dsn_arg = optarg;
			break;
		case 'V':
			printf("marquee %s\n", MARQUEE_VERSION);
			return CMD_OK;
		}
	}
	*next = argc;
	return -1;
}

int
main(int argc, char **argv)
{
	struct app app;
	const struct cmd_entry *cmd = NULL;
	const char *path;
	char *cause = NULL;
	int next, rc;

	memset(&app, 0, sizeof app);
	if ((rc = main_options(&app, argc, argv, &next)) >= 0)
		return rc;
	if (next < argc) {
		for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
			if (strcmp(argv[next], commands[k].name) == 0)
				cmd = &commands[k];
		if (cmd == NULL)
			return cmd_refuse(&main_spec, "unknown command '%s'", argv[next]);
	}

	config_defaults(&app.cfg);
	path = config_find(app.config_arg);
	if (path != NULL && config_load(&app.cfg, path, &cause) != 0) {
		fprintf(stderr, "marquee: %s\n", cause);
		free(cause);
		config_free(&app.cfg);
		return CMD_FAILED;
	}
	oplog_open(app.cfg.log, app.cfg.terminal);

	if (cmd == NULL) {
		oplog(LOG_NOTICE, "terminal starting: %s mode, configuration %s",
		      config_mode_name(app.cfg.mode), path != NULL ? path : "(defaults)");
		rc = ui_main(&app);
		oplog(rc == 0 ? LOG_NOTICE : LOG_ERR, "terminal stopped (status %d)", rc);
	} else
		rc = cmd->exec(&app, argc - next, argv + next);
	oplog_close();
	config_free(&app.cfg);
	return rc;
}
