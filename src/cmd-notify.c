/* cmd-notify.c - `marquee notify [--once]`: delivers the notification outbox
 * (confirmations, refunds, receipts) through the configured sendmail command,
 * one message per run of the command, on its stdin. A message the command
 * refuses stays in the outbox with the error, for a later try. */
#include "cmd.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const struct cmd_spec cmd_notify_spec = {
	.name = "notify",
	.synopsis = "notify [--once]",
	.help = "Delivers the notification outbox (confirmations, refunds, receipts) through\n"
	        "kiosk.conf's sendmail command, and closes holds that ran out, every two\n"
	        "seconds until stopped. A message the command refuses stays queued.\n\n"
	        "      --once   one pass, then exit (the systemd timer's way)\n"
	        "  -h, --help   show this help and exit\n",
};

/* Writes a header value with line breaks flattened, so no header can be forged. */
static void
notify_header(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s: ", name);
	for (const char *p = value; *p != '\0'; p++)
		fputc(*p == '\r' || *p == '\n' ? ' ' : *p, f);
	fputc('\n', f);
}

/* Hands one message to sendmail. Returns 0, or -1 with *cause set. */
static int
notify_send(const struct config *cfg, const PGresult *res, int row, char **cause)
{
	FILE *f;
	int status;

	fflush(NULL);
	if ((f = popen(cfg->sendmail, "w")) == NULL) {
		*cause = xstrdup("cannot run the sendmail command");
		return -1;
	}
	notify_header(f, "To", db_value(res, row, "recipient"));
	notify_header(f, "Subject", db_value(res, row, "subject"));
	notify_header(f, "X-Marquee-Kind", db_value(res, row, "kind"));
	fprintf(f, "Content-Type: text/plain; charset=utf-8\n\n%s\n", db_value(res, row, "body"));
	status = pclose(f);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* Not the command itself: it may hold a password (the log gets this). */
		*cause = xasprintf("the sendmail command exited with status %d",
		                   status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* Says why the database refused; logs it too unless the connection is gone
 * (db.c logs that once, not at every pass). */
static void
notify_db_fail(struct db *db, const char *what)
{
	if (db_connected(db))
		cmd_fail(&cmd_notify_spec, "%s: %s", what, db_error(db));
	else
		fprintf(stderr, "marquee notify: %s: %s\n", what, db_error(db));
}

/* One pass: expire the holds that ran out, then deliver the outbox. Returns
 * how many messages failed, or -1 on a database error. */
static int
notify_pass(struct app *app, struct db *db, int *sent, int *expired)
{
	PGresult *res = db_exec(db, DB_SAFE, "SELECT notifier.expire_holds() AS n", 0, NULL);
	int failed = 0;

	if (res == NULL) {
		notify_db_fail(db, "expiring holds");
		return -1;
	}
	*expired += atoi(db_value(res, 0, "n"));
	PQclear(res);
	res = db_exec(db, DB_ONCE, "SELECT * FROM notifier.outbox_claim(50)", 0, NULL);

	if (res == NULL) {
		notify_db_fail(db, "reading the outbox");
		return -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		char *cause = NULL;
		const char *params[2] = { db_value(res, i, "outbox_id"), NULL };
		PGresult *done;

		if (notify_send(&app->cfg, res, i, &cause) != 0) {
			params[1] = cause;
			failed++;
			fprintf(stderr, "marquee notify: message %s to %s: %s\n", params[0],
			        db_value(res, i, "recipient"), cause);
			oplog(LOG_ERR, "notify: message %s (%s) not delivered, kept for a retry: %s",
			      params[0], db_value(res, i, "kind"), cause);
		} else
			(*sent)++;
		done = db_exec(db, DB_SAFE, "SELECT notifier.outbox_done($1::bigint, $2)", 2, params);
		if (done == NULL)
			notify_db_fail(db, "recording a delivery");
		PQclear(done);
		free(cause);
	}
	PQclear(res);
	return failed;
}

int
cmd_notify(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct db *db;
	bool once = false;
	int c, sent = 0, failed = 0, expired = 0, rc = CMD_OK;

	optind = 0;
	while ((c = cmd_opt(&cmd_notify_spec, argc, argv, "-:h", longopts, &rc)) != -1) {
		if (c == CMD_STOP)
			return rc;
		if (c == CMD_ARG)
			return cmd_refuse(&cmd_notify_spec, "unexpected argument '%s'", optarg);
		once = true;
	}
	if (app->cfg.sendmail == NULL || app->cfg.sendmail[0] == '\0')
		return cmd_fail(&cmd_notify_spec, "no sendmail command configured");
	signal(SIGPIPE, SIG_IGN);
	if ((db = cmd_connect(app, &cmd_notify_spec)) == NULL)
		return CMD_FAILED;
	for (;;) {
		rc = notify_pass(app, db, &sent, &expired);
		if (rc > 0)
			failed += rc;
		if (once)
			break;
		sleep(rc < 0 ? 5 : 2);
	}
	db_close(db);
	printf("%d sent, %d failed, %d expired holds closed\n", sent, failed, expired);
	if (sent + failed + expired > 0)
		oplog(failed > 0 ? LOG_WARNING : LOG_INFO, "notify: %d sent, %d failed, "
		      "%d expired holds closed", sent, failed, expired);
	return rc < 0 || failed > 0 ? CMD_FAILED : CMD_OK;
}
