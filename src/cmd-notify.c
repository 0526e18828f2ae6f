/* cmd-notify.c - `marquee notify [--once]`: delivers the notification outbox
 * (confirmations, refunds, receipts) through the configured sendmail command,
 * one message per run of the command, on its stdin. A message the command
 * refuses stays in the outbox with the error, for a later try. */
#include "app.h"
#include "util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
		*cause = xasprintf("cannot run %s", cfg->sendmail);
		return -1;
	}
	notify_header(f, "To", db_value(res, row, "recipient"));
	notify_header(f, "Subject", db_value(res, row, "subject"));
	notify_header(f, "X-Marquee-Kind", db_value(res, row, "kind"));
	fprintf(f, "Content-Type: text/plain; charset=utf-8\n\n%s\n", db_value(res, row, "body"));
	status = pclose(f);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*cause = xasprintf("%s exited with status %d", cfg->sendmail,
		                   status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* One pass: expire the holds that ran out, then deliver the outbox. Returns
 * how many messages failed, or -1 on a database error. */
static int
notify_pass(struct app *app, struct db *db, int *sent, int *expired)
{
	PGresult *res = db_exec(db, DB_SAFE, "SELECT notifier.expire_holds() AS n", 0, NULL);
	int failed = 0;

	if (res == NULL) {
		fprintf(stderr, "marquee: notify: expiring holds: %s\n", db_error(db));
		return -1;
	}
	*expired += atoi(db_value(res, 0, "n"));
	PQclear(res);
	res = db_exec(db, DB_ONCE, "SELECT * FROM notifier.outbox_claim(50)", 0, NULL);

	if (res == NULL) {
		fprintf(stderr, "marquee: notify: %s\n", db_error(db));
		return -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		char *cause = NULL;
		const char *params[2] = { db_value(res, i, "outbox_id"), NULL };
		PGresult *done;

		if (notify_send(&app->cfg, res, i, &cause) != 0) {
			params[1] = cause;
			failed++;
			fprintf(stderr, "marquee: notify: message %s to %s: %s\n", params[0],
			        db_value(res, i, "recipient"), cause);
		} else
			(*sent)++;
		done = db_exec(db, DB_SAFE, "SELECT notifier.outbox_done($1::bigint, $2)", 2, params);
		if (done == NULL)
			fprintf(stderr, "marquee: notify: %s\n", db_error(db));
		PQclear(done);
		free(cause);
	}
	PQclear(res);
	return failed;
}

int
cmd_notify(struct app *app, int argc, char **argv)
{
	struct db *db;
	bool once = false;
	int sent = 0, failed = 0, expired = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0)
			once = true;
		else {
			fprintf(stderr, "usage: marquee notify [--once]\n");
			return 2;
		}
	}
	if (app->cfg.sendmail == NULL || app->cfg.sendmail[0] == '\0') {
		fprintf(stderr, "marquee: notify: no sendmail command configured\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((db = app_connect(app)) == NULL)
		return 1;
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
	return rc < 0 || failed > 0 ? 1 : 0;
}
