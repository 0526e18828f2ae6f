/* main.c - marquee: command line, configuration, dispatch. */
#include "app.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char	*name;
	int		(*fn)(struct app *, int, char **);
	const char	*usage;
};

static const struct command commands[] = {
	{ "db", cmd_db, "db migrate|demo" },
	{ "keys", cmd_keys, "keys init [--force]" },
	{ "ticket", cmd_ticket, "ticket render CODE --driver ps|escpos|fgl -o FILE | ticket print CODE [--queue Q]" },
	{ "scan", cmd_scan, "scan [--offline]" },
	{ "notify", cmd_notify, "notify [--once]" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: marquee [--config FILE] [--dsn CONNINFO] [COMMAND ...]\n"
	           "With no command, opens the box office screens.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  marquee %s\n", commands[i].usage);
	fprintf(f, "  marquee --version\n");
}

int
main(int argc, char **argv)
{
	struct app app;
	const char *path;
	char *cause = NULL;
	int i, rc;

	memset(&app, 0, sizeof app);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			printf("marquee %s\n", MARQUEE_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			app.config_arg = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			app.config_arg = argv[i] + 9;
		} else if (strcmp(argv[i], "--dsn") == 0 && i + 1 < argc) {
			app.dsn_arg = argv[++i];
		} else if (strncmp(argv[i], "--dsn=", 6) == 0) {
			app.dsn_arg = argv[i] + 6;
		} else {
			fprintf(stderr, "marquee: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}

	config_defaults(&app.cfg);
	path = config_find(app.config_arg);
	if (path != NULL && config_load(&app.cfg, path, &cause) != 0) {
		fprintf(stderr, "marquee: %s\n", cause);
		free(cause);
		config_free(&app.cfg);
		return 1;
	}

	if (i == argc) {
		rc = ui_main(&app);
	} else {
		const struct command *cmd = NULL;

		for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
			if (strcmp(argv[i], commands[k].name) == 0)
				cmd = &commands[k];
		if (cmd == NULL) {
			fprintf(stderr, "marquee: unknown command %s\n", argv[i]);
			usage(stderr);
			rc = 2;
		} else
			rc = cmd->fn(&app, argc - i, argv + i);
	}
	config_free(&app.cfg);
	return rc;
}
