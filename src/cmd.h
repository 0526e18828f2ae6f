/* cmd.h - what the commands (cmd-*.c) share: the table main.c dispatches
 * from, options read with getopt_long and answered as Debian's tools do
 * (--help: the usage on stdout, status 0; a command line that cannot be
 * understood: one line saying why and the usage on stderr, status 2), and a
 * failure reported once, on stderr and in the operational log. */
#ifndef MARQUEE_CMD_H
#define MARQUEE_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "app.h"
#include "client-account.h"

/* How a command (or subcommand) is used. synopsis holds one line a form,
 * each without "marquee " (it is added); help says what it does and lists
 * its options, a line each. */
struct cmd_spec {
	const char	*name;		/* "ticket print" */
	const char	*synopsis;	/* "ticket print CODE [--queue Q]\n..." */
	const char	*help;
	void		(*help_more)(void);	/* prints more help, or NULL */
};

/* One entry of the command table. */
struct cmd_entry {
	const char		*name;
	int			(*exec)(struct app *, int, char **);
	const struct cmd_spec	*spec;
};

/* What cmd_opt returns besides an option's letter. */
#define CMD_ARG		1	/* an argument that is not an option: optarg */
#define CMD_STOP	(-2)	/* --help answered or the line refused: return *status */

/* Statuses. */
#define CMD_OK		0
#define CMD_FAILED	1
#define CMD_USAGE	2

/* The next option of argv (argv[0] is the command's own name), like
 * getopt_long, with the arguments that are not options returned in order as
 * CMD_ARG with optarg set (also those after "--"), and -1 at the end. Set
 * optind = 0 before the first call. shortopts must start with "-:" (or
 * "+:", to stop at the first argument that is not an option) and hold 'h';
 * longopts must hold { "help", no_argument, NULL, 'h' }. --help prints
 * the help and an unknown option or a missing value is refused (with the
 * usage): both return CMD_STOP with *status set. */
int  cmd_opt(const struct cmd_spec *spec, int argc, char **argv, const char *shortopts,
             const struct option *longopts, int *status);
/* Prints spec's usage lines to f. */
void cmd_usage(const struct cmd_spec *spec, FILE *f);
/* Prints the whole help on stdout. Returns CMD_OK. */
int  cmd_help(const struct cmd_spec *spec);
/* Refuses the command line: "marquee NAME: reason" and the usage on stderr.
 * Returns CMD_USAGE. */
int  cmd_refuse(const struct cmd_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A failure of the command's work: "marquee NAME: reason" on stderr and the
 * same line in the operational log. Returns CMD_FAILED. */
int  cmd_fail(const struct cmd_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Connects to the database for spec's command. On failure says why on one
 * line (db.c logs it) and returns NULL. The caller db_close()s. */
struct db *cmd_connect(struct app *app, const struct cmd_spec *spec);
/* Signs a person in for spec's command: login is a staff user name or a
 * customer's e-mail, and the password is read from the terminal (echo off),
 * or from standard input when password_stdin is set or standard input is
 * not a terminal. login NULL opens an anonymous (guest) session. Returns 0
 * with *who filled (end it with client_sign_out), or -1 after saying why. */
int  cmd_sign_in(struct app *app, struct db *db, const struct cmd_spec *spec, const char *login,
                 int password_stdin, struct person *who);
/* A number greater than 0 from s. Returns 0, or -1 when s is not one. */
int  cmd_id(const char *s, long long *out);

/* The commands: each returns the process exit status. argv[0] is the
 * command's name. */
int cmd_db(struct app *app, int argc, char **argv);
int cmd_keys(struct app *app, int argc, char **argv);
int cmd_ticket(struct app *app, int argc, char **argv);
int cmd_scan(struct app *app, int argc, char **argv);
int cmd_notify(struct app *app, int argc, char **argv);
int cmd_report(struct app *app, int argc, char **argv);
int cmd_hall(struct app *app, int argc, char **argv);
/* Their usage, for the table and main.c's --help. */
extern const struct cmd_spec cmd_db_spec, cmd_keys_spec, cmd_ticket_spec, cmd_scan_spec,
    cmd_notify_spec, cmd_report_spec, cmd_hall_spec;

#endif
