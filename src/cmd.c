/* cmd.c - options, help and failures the same way for every command. */
#include "auth.h"
#include "cmd.h"
#include "oplog.h"
#include "util.h"

#include <sodium.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

void
cmd_usage(const struct cmd_spec *spec, FILE *f)
{
	const char *line = spec->synopsis, *nl;
	int first = 1;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		fprintf(f, "%s marquee %.*s\n", first ? "usage:" : "      ", (int)(nl - line), line);
		first = 0;
		line = *nl == '\n' ? nl + 1 : nl;
	}
}

int
cmd_help(const struct cmd_spec *spec)
{
	cmd_usage(spec, stdout);
	if (spec->help != NULL && *spec->help != '\0')
		printf("\n%s", spec->help);
	if (spec->help_more != NULL)
		spec->help_more();
	printf("\nSee marquee(1).\n");
	return CMD_OK;
}

int
cmd_refuse(const struct cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "marquee%s%s: ", *spec->name != '\0' ? " " : "", spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_usage(spec, stderr);
	return CMD_USAGE;
}

int
cmd_fail(const struct cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "marquee%s%s: %s\n", *spec->name != '\0' ? " " : "", spec->name, msg);
	oplog(LOG_ERR, "marquee%s%s: %s", *spec->name != '\0' ? " " : "", spec->name, msg);
	free(msg);
	return CMD_FAILED;
}

/* Where the arguments left after the options start, once getopt_long has
 * said it is done (0 while it is not): GNU getopt would hand the ones after
 * "--" out again. */
static int cmd_rest;

/* The option argv[optind - 1] as the user typed it, without "=value". */
static char *
cmd_opt_typed(int argc, char **argv)
{
	const char *a = optind - 1 < argc && optind > 0 ? argv[optind - 1] : "?";

	return xstrndup(a, strcspn(a, "="));
}

int
cmd_opt(const struct cmd_spec *spec, int argc, char **argv, const char *shortopts,
        const struct option *longopts, int *status)
{
	int c, saved = opterr;
	char *typed;

	if (optind == 0)
		cmd_rest = 0;
	if (cmd_rest > 0) {
		if (cmd_rest >= argc)
			return -1;
		optarg = argv[cmd_rest++];
		optind = cmd_rest;
		return CMD_ARG;
	}
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	opterr = saved;
	switch (c) {
	case -1:
		/* After "--", or (with "+") at the first argument. */
		if (optind >= argc)
			return -1;
		optarg = argv[optind++];
		cmd_rest = optind;
		return CMD_ARG;
	case 'h':
		*status = cmd_help(spec);
		return CMD_STOP;
	case ':':
		typed = cmd_opt_typed(argc, argv);
		*status = cmd_refuse(spec, "option %s needs a value", typed);
		free(typed);
		return CMD_STOP;
	case '?':
		typed = cmd_opt_typed(argc, argv);
		if (optopt != 0 && strncmp(typed, "--", 2) == 0 && strchr(argv[optind - 1], '=') != NULL)
			*status = cmd_refuse(spec, "option %s takes no value", typed);
		else if (optopt != 0)
			*status = cmd_refuse(spec, "unknown option -%c", optopt);
		else
			*status = cmd_refuse(spec, "unknown option %s", typed);
		free(typed);
		return CMD_STOP;
	default:
		return c;
	}
}

struct db *
cmd_connect(struct app *app, const struct cmd_spec *spec)
{
	char *cause = NULL;
	struct db *db = db_open(app_dsn(app), &cause);

	if (db == NULL) {
		fprintf(stderr, "marquee %s: %s\n", spec->name, strflat(cause));
		free(cause);
	}
	return db;
}

int
cmd_id(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || *s == '\0' || *end != '\0' || *out <= 0 ? -1 : 0;
}

/* Reads one line (the password) into buf from standard input, or, when
 * from_stdin is 0 and standard input is a terminal, from the terminal with
 * echo off after a prompt naming login. Returns 0, or -1 when nothing was
 * read. */
static int
cmd_read_password(const char *login, int from_stdin, char *buf, size_t len)
{
	FILE *in = stdin, *tty = NULL;
	struct termios saved, quiet;
	int echo_off = 0, rc = -1;

	if (!from_stdin && isatty(STDIN_FILENO) && (tty = fopen("/dev/tty", "r+")) != NULL) {
		in = tty;
		fprintf(tty, "Password for %s: ", login);
		fflush(tty);
		if (tcgetattr(fileno(tty), &saved) == 0) {
			quiet = saved;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			echo_off = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
		}
	}
	if (fgets(buf, (int)len, in) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		rc = 0;
	}
	if (tty != NULL) {
		if (echo_off)
			(void)tcsetattr(fileno(tty), TCSAFLUSH, &saved);
		fputc('\n', tty);
		fclose(tty);
	}
	return rc;
}

int
cmd_sign_in(struct app *app, struct db *db, const struct cmd_spec *spec, const char *login, int password_stdin,
            struct person *who)
{
	char password[256], *cause = NULL;
	int rc;

	if (login == NULL) {	/* no account: an anonymous (guest) session */
		if (client_sign_in_guest(db, app->cfg.terminal, who, &cause) == 0)
			return 0;
		cmd_fail(spec, "%s", cause);
		free(cause);
		return -1;
	}
	if (auth_init() != 0) {
		cmd_fail(spec, "cannot start libsodium");
		return -1;
	}
	if (cmd_read_password(login, password_stdin, password, sizeof password) != 0) {
		cmd_fail(spec, "no password for %s was given", login);
		return -1;
	}
	rc = client_sign_in(db, app->cfg.terminal, strchr(login, '@') == NULL, login, password, who, &cause);
	sodium_memzero(password, sizeof password);
	if (rc != 0) {
		cmd_fail(spec, "cannot sign in as %s: %s", login, cause);
		free(cause);
		return -1;
	}
	return 0;
}
