/* cmd-scan.c - `marquee scan [--offline]`, the door's ticket reader: one
 * scanned QR text a line on stdin, one verdict a line on stdout; refusals go
 * to the operational log with the seat (never the payload or signature). */
#include "cmd.h"
#include "oplog.h"
#include "ticket.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct cmd_spec cmd_scan_spec = {
	.name = "scan",
	.synopsis = "scan [--offline]",
	.help = "Reads one ticket payload a line (a USB scanner types lines) and prints a\n"
	        "verdict a line: valid, already admitted, reissued, cancelled, wrong day,\n"
	        "forged, ... Online, a valid ticket is checked in so it cannot enter twice.\n\n"
	        "      --offline  check only the signature and the day, with the public key;\n"
	        "                 nothing is checked in\n"
	        "  -h, --help     show this help and exit\n",
};

/* Prints "already_admitted" as "already admitted", and the detail. */
static void
scan_print_verdict(const char *verdict, const char *detail)
{
	for (const char *p = verdict; *p != '\0'; p++)
		putchar(*p == '_' ? ' ' : *p);
	if (detail != NULL && *detail != '\0')
		printf(": %s", detail);
	putchar('\n');
	fflush(stdout);
}

/* Logs a ticket the door did not let in (what is "refused", or
 * "could not check"): which seat of which show, never its text. */
static void
scan_log(const struct ticket_payload *p, const char *what, const char *verdict, const char *detail)
{
	char word[40];

	snprintf(word, sizeof word, "%s", verdict);
	for (char *w = word; *w != '\0'; w++)
		if (*w == '_')
			*w = ' ';
	oplog(LOG_WARNING, "door %s seat %s (order %lld, show %lld, issue %u): %s%s%s", what, p->seat,
	      (long long)p->order_id, (long long)p->showtime_id, (unsigned int)p->issue, word,
	      *detail != '\0' ? ": " : "", detail);
}

/* Offline check of a ticket whose signature is good: only its day. */
static void
scan_offline(const struct ticket_payload *p)
{
	time_t starts = (time_t)p->starts_min * 60, now = time(NULL);
	struct tm s, n;
	char when[64], *detail;

	localtime_r(&starts, &s);
	localtime_r(&now, &n);
	strftime(when, sizeof when, "%a %d %b %H:%M", &s);
	if (s.tm_year != n.tm_year || s.tm_yday != n.tm_yday) {
		detail = xasprintf("this ticket is for %s", when);
		scan_print_verdict("wrong_day", detail);
		scan_log(p, "refused", "wrong_day", detail);
	} else {
		detail = xasprintf("seat %s, show %s (offline: signature only, not checked in)", p->seat, when);
		scan_print_verdict("valid", detail);
	}
	free(detail);
}

/* Online check-in (api.admit). Returns 0, or -1 when the database could not
 * answer. */
static int
scan_online(struct app *app, struct db *db, const struct ticket_payload *p)
{
	char order[24], ticket[24], issue[12], showtime[24], rid[37], *detail;
	const char *params[6] = { ticket, order, issue, showtime, app->cfg.terminal, rid }, *verdict;
	PGresult *res;

	snprintf(order, sizeof order, "%lld", (long long)p->order_id);
	snprintf(ticket, sizeof ticket, "%lld", (long long)p->ticket_id);
	snprintf(issue, sizeof issue, "%u", (unsigned int)p->issue);
	snprintf(showtime, sizeof showtime, "%lld", (long long)p->showtime_id);
	db_request_id(rid);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.admit($1, $2, $3, $4, $5, $6)", 6, params);
	if (res == NULL) {
		scan_print_verdict("unchecked", db_error(db));
		scan_log(p, "could not check", "database", "no answer");
		return -1;
	}
	verdict = db_value(res, 0, "verdict");
	if (strcmp(verdict, "valid") == 0)
		detail = xasprintf("seat %s, %s, %s", db_value(res, 0, "seat"), db_value(res, 0, "film"),
		                   db_value(res, 0, "auditorium"));
	else {
		detail = xstrdup(db_value(res, 0, "message"));
		scan_log(p, "refused", verdict, detail);
	}
	scan_print_verdict(verdict, detail);
	free(detail);
	PQclear(res);
	return 0;
}

/* Says and logs why a text is not a ticket. */
static void
scan_forged(const char *why)
{
	scan_print_verdict("forged", why);
	oplog(LOG_WARNING, "door refused a forged ticket: %s", why);
}

int
cmd_scan(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	struct db *db = NULL;
	char *line = NULL, *cause = NULL;
	size_t cap = 0;
	int c, offline = 0, rc = CMD_OK;

	optind = 0;
	while ((c = cmd_opt(&cmd_scan_spec, argc, argv, "-:h", longopts, &rc)) != -1) {
		if (c == CMD_STOP)
			return rc;
		if (c == CMD_ARG)
			return cmd_refuse(&cmd_scan_spec, "unexpected argument '%s' (tickets come on "
			                  "standard input)", optarg);
		offline = 1;
	}
	if (ticket_key_public(app->cfg.public_key, pk, &cause) != 0) {
		rc = cmd_fail(&cmd_scan_spec, "%s", cause);
		free(cause);
		return rc;
	}
	if (!offline && (db = cmd_connect(app, &cmd_scan_spec)) == NULL)
		return CMD_FAILED;
	if (db != NULL)
		db->reconnect_seconds = 3;	/* someone waits at the door: "unchecked" soon */

	while (getline(&line, &cap, stdin) != -1) {
		struct ticket_payload p;
		size_t len = strlen(strtrim(line));	/* a scanner's CR LF */

		if (len == 0)
			continue;
		switch (ticket_decode(line, len, pk, &p)) {
		case TICKET_MALFORMED:
			scan_forged("not a Marquee ticket code");
			break;
		case TICKET_FORGED:
			scan_forged("the signature does not match");
			break;
		case TICKET_OK:
			if (offline)
				scan_offline(&p);
			else if (scan_online(app, db, &p) != 0)
				rc = CMD_FAILED;
			break;
		}
	}
	free(line);
	db_close(db);
	return rc;
}
