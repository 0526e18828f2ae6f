/* cmd-ticket.c - `marquee keys init`, `marquee ticket render|print|reprint`
 * and `marquee scan`, the door's ticket reader. */
#include "app.h"
#include "ticket.h"
#include "tickets.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
cmd_keys(struct app *app, int argc, char **argv)
{
	char *cause = NULL;
	int force = 0;

	if (argc < 2 || strcmp(argv[1], "init") != 0 ||
	    (argc == 3 && strcmp(argv[2], "--force") != 0) || argc > 3) {
		fprintf(stderr, "usage: marquee keys init [--force]\n");
		return 2;
	}
	force = argc == 3;
	if (ticket_keys_init(app->cfg.signing_key, app->cfg.public_key, force, &cause) != 0) {
		fprintf(stderr, "marquee: keys: %s\n", cause);
		free(cause);
		return 1;
	}
	printf("secret key %s (keep it on printing terminals only), public key %s "
	       "(for door scanners)\n", app->cfg.signing_key, app->cfg.public_key);
	return 0;
}

/* Options of `ticket ...`. */
struct ticket_opts {
	const char		*code;
	const char		*out;
	const char		*queue;
	const char		*last4;
	long long		 user_id;
	long long		 staff_id;
	enum print_driver	 driver;
	int			 receipt;
	int			 no_print;
};

static int
parse_id(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || *s == '\0' || *end != '\0' || *out <= 0 ? -1 : 0;
}

/* Reads argv[2..] into o. Returns 0, or -1 after saying what is wrong. */
static int
ticket_options(struct app *app, int argc, char **argv, struct ticket_opts *o)
{
	memset(o, 0, sizeof *o);
	o->queue = app->cfg.printer_queue;
	o->driver = app->cfg.printer_driver;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--receipt") == 0)
			o->receipt = 1;
		else if (strcmp(a, "--no-print") == 0)
			o->no_print = 1;
		else if (a[0] != '-' && o->code == NULL)
			o->code = a;
		else if (v == NULL) {
			fprintf(stderr, "marquee: ticket: %s needs a value\n", a);
			return -1;
		} else if (strcmp(a, "--driver") == 0) {
			if (config_driver_parse(v, &o->driver) != 0) {
				fprintf(stderr, "marquee: ticket: driver must be ps, escpos or fgl\n");
				return -1;
			}
			i++;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			o->out = v;
			i++;
		} else if (strcmp(a, "--queue") == 0) {
			o->queue = v;
			i++;
		} else if (strcmp(a, "--last4") == 0) {
			o->last4 = v;
			i++;
		} else if (strcmp(a, "--user") == 0 || strcmp(a, "--staff") == 0) {
			if (parse_id(v, a[2] == 'u' ? &o->user_id : &o->staff_id) != 0) {
				fprintf(stderr, "marquee: ticket: %s needs a user id\n", a);
				return -1;
			}
			i++;
		} else {
			fprintf(stderr, "marquee: ticket: unknown option %s\n", a);
			return -1;
		}
	}
	if (o->code == NULL) {
		fprintf(stderr, "marquee: ticket: which booking? give its code\n");
		return -1;
	}
	return 0;
}

static int
ticket_render_cmd(struct app *app, struct db *db, const struct ticket_opts *o)
{
	struct obuf out = { 0 };
	char *cause = NULL;
	FILE *f = NULL;
	int rc = 1;

	if (o->out == NULL) {
		fprintf(stderr, "marquee: ticket render: -o FILE is needed\n");
		return 2;
	}
	if (tickets_render(app, db, o->code, o->driver, o->receipt, &out, &cause) != 0) {
		fprintf(stderr, "marquee: %s\n", cause);
		goto out;
	}
	f = strcmp(o->out, "-") == 0 ? stdout : fopen(o->out, "wb");
	if (f == NULL || fwrite(out.data, 1, out.len, f) != out.len || fflush(f) != 0) {
		fprintf(stderr, "marquee: %s: %s\n", o->out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f != NULL && f != stdout)
		fclose(f);
	free(cause);
	obuf_free(&out);
	return rc;
}

int
cmd_ticket(struct app *app, int argc, char **argv)
{
	struct ticket_opts o;
	struct db *db = NULL;
	char *cause = NULL;
	const char *sub = argc > 1 ? argv[1] : "";
	int rc = 1, job;

	if (strcmp(sub, "render") != 0 && strcmp(sub, "print") != 0 && strcmp(sub, "reprint") != 0) {
		fprintf(stderr, "usage: marquee ticket render CODE --driver ps|escpos|fgl [--receipt] -o FILE\n"
		                "       marquee ticket print CODE [--queue Q] [--driver D] [--receipt]\n"
		                "       marquee ticket reprint CODE --last4 NNNN|--user ID|--staff ID "
		                "[--queue Q] [--driver D] [--no-print]\n");
		return 2;
	}
	if (ticket_options(app, argc, argv, &o) != 0)
		return 2;
	if ((db = app_connect(app)) == NULL)
		return 1;

	if (strcmp(sub, "render") == 0) {
		rc = ticket_render_cmd(app, db, &o);
		goto out;
	}
	if (strcmp(sub, "reprint") == 0) {
		int issue;

		if (o.last4 == NULL && o.user_id == 0 && o.staff_id == 0) {
			fprintf(stderr, "marquee: ticket reprint: give --last4 NNNN, --user ID or --staff ID\n");
			rc = 2;
			goto out;
		}
		issue = tickets_reprint(app, db, o.code, o.last4, o.user_id, o.staff_id, &cause);
		if (issue < 0) {
			fprintf(stderr, "marquee: %s\n", cause);
			goto out;
		}
		printf("booking %s: issue %d made; earlier copies no longer open the door\n", o.code, issue);
		if (o.no_print) {
			rc = 0;
			goto out;
		}
	}
	if (o.receipt)
		job = tickets_print_receipt(app, db, o.code, &cause);
	else
		job = tickets_print_to(app, db, o.code, o.queue, o.driver, &cause);
	if (job < 0) {
		fprintf(stderr, "marquee: %s\n", cause);
		goto out;
	}
	printf("booking %s: sent to the printer (job %d)\n", o.code, job);
	rc = 0;
out:
	free(cause);
	db_close(db);
	return rc;
}

/* Strips white space (a scanner's CR LF) at both ends; returns the length. */
static size_t
scan_trim(char *line)
{
	size_t len;

	strtrim(line);
	len = strlen(line);
	return len;
}

/* The verdict of api.admit as words: "already_admitted" -> "already admitted". */
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
	} else {
		detail = xasprintf("seat %s, show %s (offline: signature only, not checked in)", p->seat, when);
		scan_print_verdict("valid", detail);
	}
	free(detail);
}

/* Online check-in. Returns 0, or -1 when the database could not answer. */
static int
scan_online(struct app *app, struct db *db, const struct ticket_payload *p)
{
	char order[24], ticket[24], issue[12], showtime[24], rid[37], *detail;
	const char *params[6] = { ticket, order, issue, showtime, app->cfg.terminal, rid };
	PGresult *res;

	snprintf(order, sizeof order, "%lld", (long long)p->order_id);
	snprintf(ticket, sizeof ticket, "%lld", (long long)p->ticket_id);
	snprintf(issue, sizeof issue, "%u", (unsigned int)p->issue);
	snprintf(showtime, sizeof showtime, "%lld", (long long)p->showtime_id);
	db_request_id(rid);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.admit($1, $2, $3, $4, $5, $6)", 6, params);
	if (res == NULL) {
		scan_print_verdict("unchecked", db_error(db));
		return -1;
	}
	if (strcmp(db_value(res, 0, "verdict"), "valid") == 0)
		detail = xasprintf("seat %s, %s, %s", db_value(res, 0, "seat"), db_value(res, 0, "film"),
		                   db_value(res, 0, "auditorium"));
	else
		detail = xstrdup(db_value(res, 0, "message"));
	scan_print_verdict(db_value(res, 0, "verdict"), detail);
	free(detail);
	PQclear(res);
	return 0;
}

int
cmd_scan(struct app *app, int argc, char **argv)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	struct db *db = NULL;
	char *line = NULL, *cause = NULL;
	size_t cap = 0;
	int offline = 0, rc = 0;

	if (argc == 2 && strcmp(argv[1], "--offline") == 0)
		offline = 1;
	else if (argc != 1) {
		fprintf(stderr, "usage: marquee scan [--offline]\n");
		return 2;
	}
	if (ticket_key_public(app->cfg.public_key, pk, &cause) != 0) {
		fprintf(stderr, "marquee: scan: %s\n", cause);
		free(cause);
		return 1;
	}
	if (!offline && (db = app_connect(app)) == NULL)
		return 1;

	while (getline(&line, &cap, stdin) != -1) {
		struct ticket_payload p;
		size_t len = scan_trim(line);

		if (len == 0)
			continue;
		switch (ticket_decode(line, len, pk, &p)) {
		case TICKET_MALFORMED:
			scan_print_verdict("forged", "not a Marquee ticket code");
			break;
		case TICKET_FORGED:
			scan_print_verdict("forged", "the signature does not match");
			break;
		case TICKET_OK:
			if (offline)
				scan_offline(&p);
			else if (scan_online(app, db, &p) != 0)
				rc = 1;
			break;
		}
	}
	free(line);
	db_close(db);
	return rc;
}
