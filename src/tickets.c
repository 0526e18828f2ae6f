/* tickets.c - from a booking code to printed tickets: load the booking
 * through api.order_tickets/order_payments, sign each ticket's payload,
 * render it with a printer driver, and print it through CUPS with the claim
 * the database keeps (api.print_claim / print_release / reprint). */
#include "tickets.h"
#include "ids.h"
#include "oplog.h"
#include "ticket.h"
#include "util.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One booking as loaded: the results own every string. */
struct booking {
	PGresult	*tickets;
	PGresult	*payments;
	int		 n;
	char		 code[BOOKCODE_LEN + 2];	/* "ABCD-EFGHJ" */
	char		 canonical[BOOKCODE_LEN + 1];
};

static void
booking_free(struct booking *b)
{
	PQclear(b->tickets);
	PQclear(b->payments);
	memset(b, 0, sizeof *b);
}

/* Loads the live tickets and payments of code. Returns 0, or -1 with
 * *cause set (an unknown code, a booking with no tickets, the database). */
static int
booking_load(struct db *db, const char *session, const char *code, struct booking *b, char **cause)
{
	const char *params[2];

	memset(b, 0, sizeof *b);
	if (bookcode_parse(code, b->canonical, NULL) != 0) {
		*cause = xasprintf("'%s' is not a booking code (9 letters and digits, like ABCD-EFGHJ)", code);
		return -1;
	}
	bookcode_pretty(b->canonical, b->code);
	params[0] = session;
	params[1] = b->canonical;
	b->tickets = db_exec(db, DB_SAFE,
	    "SELECT *, extract(epoch FROM starts_at)::bigint AS starts_epoch "
	    "FROM api.order_tickets($1, $2)", 2, params);
	if (b->tickets == NULL)
		goto db_fail;
	b->payments = db_exec(db, DB_SAFE, "SELECT * FROM api.order_payments($1, $2)", 2, params);
	if (b->payments == NULL)
		goto db_fail;
	b->n = PQntuples(b->tickets);
	if (b->n == 0) {
		*cause = xasprintf("booking %s has no tickets (unknown, not yours, cancelled or refunded)", b->code);
		booking_free(b);
		return -1;
	}
	return 0;
db_fail:
	*cause = xasprintf("cannot read booking %s: %s", b->code, db_error(db));
	booking_free(b);
	return -1;
}

static char *
price_text(const char *currency, long long cents)
{
	char buf[32];

	return xasprintf("%s %s", currency, money_format(buf, sizeof buf, cents));
}

/* Renders the tickets of b, each payload signed with sk. */
static int
render_tickets(struct booking *b, const unsigned char *sk, enum print_driver driver,
               struct obuf *out, char **cause)
{
	struct print_ticket *t = xcalloc((size_t)b->n, sizeof *t);
	char (*payloads)[TICKET_TEXT_MAX] = xcalloc((size_t)b->n, TICKET_TEXT_MAX);
	char **prices = xcalloc((size_t)b->n, sizeof *prices);
	int rc = -1;

	for (int i = 0; i < b->n; i++) {
		const PGresult *r = b->tickets;
		struct ticket_payload p;

		if (strcmp(db_value(r, i, "status"), "success") != 0) {
			*cause = xasprintf("booking %s is not paid (%s): no tickets to print", b->code,
			                   db_value(r, i, "status"));
			goto out;
		}
		memset(&p, 0, sizeof p);
		p.order_id = db_int(r, i, "order_id");
		p.ticket_id = db_int(r, i, "ticket_id");
		p.showtime_id = db_int(r, i, "showtime_id");
		p.starts_min = (uint32_t)(db_int(r, i, "starts_epoch") / 60);
		p.issue = (uint16_t)db_int(r, i, "issue");
		strlcpy_m(p.seat, db_value(r, i, "seat"), sizeof p.seat);
		if (ticket_encode(&p, sk, payloads[i]) != 0) {
			*cause = xasprintf("ticket %lld cannot be signed (seat '%s')",
			                   (long long)p.ticket_id, db_value(r, i, "seat"));
			goto out;
		}
		prices[i] = price_text(db_value(r, i, "currency"), db_int(r, i, "price_cents"));
		t[i].cinema = db_value(r, i, "cinema");
		t[i].address = db_value(r, i, "address");
		t[i].film = db_value(r, i, "film");
		t[i].rating = db_value(r, i, "rating");
		t[i].auditorium = db_value(r, i, "auditorium");
		t[i].date = db_value(r, i, "show_date");
		t[i].time = db_value(r, i, "show_time");
		t[i].seat = db_value(r, i, "seat");
		t[i].type = db_value(r, i, "ticket_type");
		t[i].price = prices[i];
		t[i].code = b->code;
		t[i].payload = payloads[i];
		t[i].issue = p.issue;
		t[i].index = i + 1;
		t[i].count = b->n;
	}
	rc = print_tickets(driver, t, (size_t)b->n, out, cause);
out:
	for (int i = 0; i < b->n; i++)
		free(prices[i]);
	free(prices);
	sodium_memzero(payloads, (size_t)b->n * TICKET_TEXT_MAX);
	free(payloads);
	free(t);
	return rc;
}

/* Renders the receipt of b. */
static int
render_receipt(struct booking *b, enum print_driver driver, struct obuf *out, char **cause)
{
	const PGresult *r = b->tickets, *p = b->payments;
	int np = PQntuples(p), rc;
	struct print_receipt rec;
	struct print_receipt_line *lines = xcalloc((size_t)b->n, sizeof *lines);
	struct print_receipt_payment *pays = xcalloc((size_t)np + 1, sizeof *pays);
	char **strs = xcalloc((size_t)(b->n + 3 * np + 1), sizeof *strs);
	int ns = 0;

	memset(&rec, 0, sizeof rec);
	rec.cinema = db_value(r, 0, "cinema");
	rec.address = db_value(r, 0, "address");
	rec.code = b->code;
	rec.film = db_value(r, 0, "film");
	rec.auditorium = db_value(r, 0, "auditorium");
	rec.date = db_value(r, 0, "show_date");
	rec.time = db_value(r, 0, "show_time");
	rec.terminal = db_value(r, 0, "terminal");
	rec.total = strs[ns++] = price_text(db_value(r, 0, "currency"), db_int(r, 0, "total_cents"));
	for (int i = 0; i < b->n; i++) {
		lines[i].seat = db_value(r, i, "seat");
		lines[i].type = db_value(r, i, "ticket_type");
		lines[i].price = strs[ns++] = price_text(db_value(r, i, "currency"),
		                                         db_int(r, i, "price_cents"));
	}
	for (int i = 0; i < np; i++) {
		if (strcmp(db_value(p, i, "method"), "card") == 0)
			pays[i].method = strs[ns++] = xasprintf("Card %s ****%s", db_value(p, i, "card_brand"),
			                                        db_value(p, i, "card_last4"));
		else
			pays[i].method = "Cash";
		pays[i].amount = strs[ns++] = price_text(db_value(p, i, "currency"),
		                                         db_int(p, i, "amount_cents"));
		pays[i].when = db_value(p, i, "paid_local");
		pays[i].note = "";
		if (db_int(p, i, "refunded_cents") > 0) {
			char buf[32];

			pays[i].note = strs[ns++] = xasprintf("refunded %s %s", db_value(p, i, "currency"),
			    money_format(buf, sizeof buf, db_int(p, i, "refunded_cents")));
		} else if (db_int(p, i, "tendered_cents") > db_int(p, i, "amount_cents")) {
			char t[32], c[32];

			pays[i].note = strs[ns++] = xasprintf("tendered %s, change %s",
			    money_format(t, sizeof t, db_int(p, i, "tendered_cents")),
			    money_format(c, sizeof c, db_int(p, i, "tendered_cents") - db_int(p, i, "amount_cents")));
		}
	}
	rec.lines = lines;
	rec.nlines = (size_t)b->n;
	rec.payments = pays;
	rec.npayments = (size_t)np;
	rc = print_receipt(driver, &rec, out, cause);
	for (int i = 0; i < ns; i++)
		free(strs[i]);
	free(strs);
	free(pays);
	free(lines);
	return rc;
}

int
tickets_render(struct app *app, struct db *db, const char *session, const char *code, enum print_driver driver,
               int receipt, struct obuf *out, char **cause)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	struct booking b;
	int rc = -1;

	if (!receipt && ticket_key_secret(app->cfg.signing_key, sk, cause) != 0)
		return -1;
	if (booking_load(db, session, code, &b, cause) != 0)
		goto out;
	rc = receipt ? render_receipt(&b, driver, out, cause) : render_tickets(&b, sk, driver, out, cause);
	booking_free(&b);
out:
	sodium_memzero(sk, sizeof sk);
	return rc;
}

/* MIME type CUPS gets for a driver's bytes: PostScript goes through the
 * queue's filters, the printer languages go to the device as they are. */
static const char *
driver_format(enum print_driver driver)
{
	return driver == DRIVER_PS ? "application/postscript" : "application/vnd.cups-raw";
}

/* How long a print waits for the printer to take the job: $MARQUEE_PRINT_WAIT
 * seconds if set (tests), else kiosk.conf's print_wait (0 = do not wait). A
 * job still waiting then is cancelled and the tickets can be printed again. */
static int
print_wait_seconds(const struct app *app)
{
	const char *env = getenv("MARQUEE_PRINT_WAIT");

	if (env != NULL && *env != '\0')
		return atoi(env) < 0 ? 0 : atoi(env);
	return app->cfg.print_wait;
}

static const char kept[] = "The booking is paid and kept: print again when the printer is ready.";

/* Logs how printing what ("tickets", "receipt", "Z report") of code (a
 * booking code, or what else was printed: "drawer 12") on queue went: job
 * is the CUPS job (0 or less when none was made), why is NULL on success.
 * A booking code is written as a cashier reads it ("booking ABCD-EFGHJ"). */
static void
tickets_log(const char *what, const char *code, const char *queue, int job, const char *why)
{
	char jobtext[32] = "", canonical[BOOKCODE_LEN + 1], pretty[BOOKCODE_LEN + 10];

	if (bookcode_parse(code, canonical, NULL) == 0) {
		memcpy(pretty, "booking ", 8);
		bookcode_pretty(canonical, pretty + 8);
		code = pretty;
	}
	if (job > 0)
		snprintf(jobtext, sizeof jobtext, " (job %d)", job);
	if (*queue == '\0')
		queue = "the CUPS default";
	if (why == NULL)
		oplog(LOG_INFO, "printed the %s of %s on queue %s%s", what, code, queue, jobtext);
	else
		oplog(LOG_ERR, "printer: the %s of %s did not print on queue %s%s: %s", what, code,
		      queue, jobtext, why);
}

/* Claims the tickets of code (canonical: its canonical spelling), renders
 * them and hands them to queue as one job. Returns the job (> 0), 0 when
 * the claim was refused or nothing could be claimed (*cause set, nothing
 * to give back), or -1 when the claim must be given back (*why set). */
static int
tickets_submit(struct app *app, struct db *db, const char *session, const char *code, const char *canonical,
               const char *queue, enum print_driver driver, char **why, char **cause)
{
	struct obuf out = { 0 };
	char rid[37], *problem, *title;
	char key_id[TICKET_KEY_ID_HEX];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], id[TICKET_KEY_ID_BYTES];
	const char *params[4];
	PGresult *res;
	int job = -1;

	/* Ask the printer first: a paused or missing one claims nothing. */
	if ((problem = print_cups_problem(queue)) != NULL) {
		tickets_log("tickets", code, queue, 0, problem);
		*cause = xasprintf("%s. %s", problem, kept);
		free(problem);
		return 0;
	}
	/* The claim names the key that signs: no key, no claim. */
	if (ticket_key_secret_public(app->cfg.signing_key, pk, why) != 0) {
		tickets_log("tickets", code, queue, 0, *why);
		*cause = xasprintf("%s. %s", *why, kept);
		free(*why);
		*why = NULL;
		return 0;
	}
	ticket_key_id(pk, id);
	ticket_key_id_hex(id, key_id);
	db_request_id(rid);
	params[0] = session;
	params[1] = canonical;
	params[2] = rid;
	params[3] = key_id;
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.print_claim($1, $2, $3, $4)", 4, params);
	if (res == NULL) {
		*cause = xasprintf("cannot claim the tickets for printing: %s", db_error(db));
		tickets_log("tickets", code, queue, 0, *cause);
		return 0;
	}
	if (strcmp(db_value(res, 0, "print_status"), "ok") != 0) {
		*cause = xasprintf("booking %s: %s", code, db_value(res, 0, "message"));
		oplog(LOG_WARNING, "printing the tickets of booking %s refused: %s", code,
		      db_value(res, 0, "message"));
		PQclear(res);
		return 0;
	}
	PQclear(res);

	if (tickets_render(app, db, session, canonical, driver, 0, &out, why) == 0) {
		char pretty[BOOKCODE_LEN + 2];

		bookcode_pretty(canonical, pretty);
		title = xasprintf("tickets-%s", pretty);	/* lpstat: "tickets-ABCD-EFGHJ" */
		job = print_cups_submit(queue, title, driver_format(driver), &out, why);
		free(title);
		if (job <= 0)
			tickets_log("tickets", code, queue, 0, *why);
	} else
		tickets_log("tickets", code, queue, 0, *why);
	obuf_free(&out);
	return job > 0 ? job : -1;
}

/* Gives the claim of canonical's tickets back after a print that failed
 * (why), and says so in *cause. Frees why. */
static void
tickets_unclaim(struct db *db, const char *session, const char *canonical, char *why, char **cause)
{
	const char *params[3] = { session, canonical, why };

	PQclear(db_exec(db, DB_SAFE, "SELECT api.print_release($1, $2, $3)", 3, params));
	*cause = xasprintf("%s. %s", why, kept);
	free(why);
}

int
tickets_print_to(struct app *app, struct db *db, const char *session, const char *code, const char *queue,
                 enum print_driver driver, char **cause)
{
	char canonical[BOOKCODE_LEN + 1], *why = NULL;
	int job;

	if (bookcode_parse(code, canonical, NULL) != 0) {
		*cause = xasprintf("'%s' is not a booking code (9 letters and digits, like ABCD-EFGHJ)", code);
		return -1;
	}
	if ((job = tickets_submit(app, db, session, code, canonical, queue, driver, &why, cause)) == 0)
		return -1;
	if (job > 0 && print_wait_seconds(app) > 0 && print_cups_wait(queue, job, print_wait_seconds(app), &why) != 0) {
		tickets_log("tickets", code, queue, job, why);
		job = -1;
	} else if (job > 0)
		tickets_log("tickets", code, queue, job, NULL);
	if (job < 0) {
		tickets_unclaim(db, session, canonical, why, cause);
		return -1;
	}
	return job;
}

/* A print of tickets waiting in a thread for the printer to take its job. */
struct tickets_job {
	pthread_t	 thread;
	atomic_bool	 done;		/* rc and why are final */
	atomic_bool	 stop;		/* stop waiting: nobody will ask */
	int		 rc;		/* 0 printed, -1 not */
	char		*why;
	char		*queue;
	char		 code[BOOKCODE_LEN + 1];
	int		 job, seconds;
};

static void *
tickets_wait_thread(void *arg)
{
	struct tickets_job *j = arg;

	j->rc = print_cups_wait_or_stop(j->queue, j->job, j->seconds, &j->stop, &j->why);
	atomic_store(&j->done, true);
	return NULL;
}

int
tickets_print_start(struct app *app, struct db *db, const char *session, const char *code,
                    struct tickets_job **out, char **cause)
{
	const char *queue = app->cfg.printer_queue;
	char canonical[BOOKCODE_LEN + 1], *why = NULL;
	struct tickets_job *j;
	int job;

	*out = NULL;
	if (bookcode_parse(code, canonical, NULL) != 0) {
		*cause = xasprintf("'%s' is not a booking code (9 letters and digits, like ABCD-EFGHJ)", code);
		return -1;
	}
	if ((job = tickets_submit(app, db, session, code, canonical, queue, app->cfg.printer_driver, &why,
	                          cause)) == 0)
		return -1;
	if (job < 0) {
		tickets_unclaim(db, session, canonical, why, cause);
		return -1;
	}
	if (print_wait_seconds(app) == 0) {
		tickets_log("tickets", code, queue, job, NULL);
		return 0;
	}
	j = xcalloc(1, sizeof *j);
	atomic_init(&j->done, false);
	atomic_init(&j->stop, false);
	j->queue = xstrdup(queue);
	strlcpy_m(j->code, canonical, sizeof j->code);
	j->job = job;
	j->seconds = print_wait_seconds(app);
	if (pthread_create(&j->thread, NULL, tickets_wait_thread, j) != 0) {
		/* No thread: the job is with the printer; say so without waiting. */
		tickets_log("tickets", code, queue, job, NULL);
		free(j->queue);
		free(j);
		return 0;
	}
	*out = j;
	return 0;
}

int
tickets_print_poll(struct tickets_job *j, struct db *db, const char *session, char **cause)
{
	if (!atomic_load(&j->done))
		return 1;
	pthread_join(j->thread, NULL);
	j->thread = 0;
	tickets_log("tickets", j->code, j->queue, j->job, j->rc == 0 ? NULL : j->why);
	if (j->rc == 0)
		return 0;
	tickets_unclaim(db, session, j->code, j->why, cause);
	j->why = NULL;
	return -1;
}

void
tickets_job_free(struct tickets_job *j)
{
	if (j == NULL)
		return;
	if (j->thread != 0) {
		atomic_store(&j->stop, true);
		pthread_join(j->thread, NULL);
		oplog(LOG_NOTICE, "left job %d of booking %s to the printer without waiting for it", j->job, j->code);
	}
	free(j->why);
	free(j->queue);
	free(j);
}

int
tickets_print(struct app *app, struct db *db, const char *session, const char *code, char **cause)
{
	return tickets_print_to(app, db, session, code, app->cfg.printer_queue, app->cfg.printer_driver, cause);
}

/* What a slip on the receipt printer is: a booking's receipt (db,
 * session, code) or a report. */
struct slip {
	struct app			*app;
	struct db			*db;
	const char			*session;
	const char			*code;
	const struct print_report	*report;
};

/* Prints slip s, named name (the job's title; the log's subject), on the
 * receipt printer: receipt_queue with ESC/POS, or the ticket printer in its
 * own language when no receipt printer is set. what is "receipt", "X
 * report" ... Returns the job id, or -1 with *cause set. */
static int
slip_print(struct app *app, const char *what, const char *name, const struct slip *s, char **cause)
{
	const char *queue = app->cfg.receipt_queue;
	enum print_driver driver = DRIVER_ESCPOS;
	struct obuf out = { 0 };
	char *problem, *title;
	int job = -1, rc;

	if (*queue == '\0') {
		queue = app->cfg.printer_queue;
		driver = app->cfg.printer_driver;
	}
	if ((problem = print_cups_problem(queue)) != NULL) {
		tickets_log(what, name, queue, 0, problem);
		*cause = problem;
		return -1;
	}
	if (s->report != NULL)
		rc = print_report(driver, s->report, &out, cause);
	else
		rc = tickets_render(s->app, s->db, s->session, s->code, driver, 1, &out, cause);
	if (rc != 0)
		tickets_log(what, name, queue, 0, *cause);
	else {
		title = xasprintf("%s-%s", what, name);
		for (char *c = title; *c != '\0'; c++)
			if (*c == ' ')
				*c = '-';
		job = print_cups_submit(queue, title, driver_format(driver), &out, cause);
		if (job > 0 && print_wait_seconds(app) > 0 &&
		    print_cups_wait(queue, job, print_wait_seconds(app), cause) != 0) {
			tickets_log(what, name, queue, job, *cause);
			job = -1;
		} else
			tickets_log(what, name, queue, job, job > 0 ? NULL : *cause);
		free(title);
	}
	obuf_free(&out);
	return job;
}

int
tickets_print_receipt(struct app *app, struct db *db, const char *session, const char *code, char **cause)
{
	struct slip s = { app, db, session, code, NULL };
	char canonical[BOOKCODE_LEN + 1], pretty[BOOKCODE_LEN + 2];

	if (bookcode_parse(code, canonical, NULL) == 0)
		bookcode_pretty(canonical, pretty);
	else
		snprintf(pretty, sizeof pretty, "%s", code);
	return slip_print(app, "receipt", pretty, &s, cause);
}

int
tickets_print_report(struct app *app, const char *what, const char *name, const struct print_report *r,
                     char **cause)
{
	struct slip s = { app, NULL, NULL, NULL, r };

	return slip_print(app, what, name, &s, cause);
}

int
tickets_reprint(struct db *db, const char *session, const char *code, const char *proof, char **cause)
{
	char canonical[BOOKCODE_LEN + 1], pretty[BOOKCODE_LEN + 2], rid[37];
	bool email = proof != NULL && strchr(proof, '@') != NULL;
	const char *params[5];
	PGresult *res;
	int issue = -1;

	if (bookcode_parse(code, canonical, NULL) != 0) {
		*cause = xasprintf("'%s' is not a booking code (9 letters and digits, like ABCD-EFGHJ)", code);
		return -1;
	}
	bookcode_pretty(canonical, pretty);
	db_request_id(rid);
	params[0] = session;
	params[1] = canonical;
	params[2] = email ? NULL : proof;
	params[3] = email ? proof : NULL;
	params[4] = rid;
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.reprint($1, $2, $3, $4, $5::uuid)", 5, params);
	if (res == NULL) {
		*cause = xasprintf("cannot reprint: %s", db_error(db));
		oplog(LOG_ERR, "reprint of booking %s failed: %s", pretty, db_error(db));
		return -1;
	}
	if (strcmp(db_value(res, 0, "reprint_status"), "reprinted") == 0) {
		issue = (int)db_int(res, 0, "issue");
		oplog(LOG_NOTICE, "booking %s reissued as issue %d (proof: %s); earlier copies no "
		      "longer open the door", pretty, issue, email ? "e-mail of the purchase" : proof != NULL ? "card digits" : "the session");
	} else {
		*cause = xasprintf("booking %s cannot be reprinted: %s", pretty, db_value(res, 0, "message"));
		oplog(LOG_WARNING, "reprint of booking %s refused: %s", pretty,
		      db_value(res, 0, "message"));
	}
	PQclear(res);
	return issue;
}

char *
tickets_printer_info(struct app *app)
{
	return print_cups_info(app->cfg.printer_queue);
}
