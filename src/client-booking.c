/* client-booking.c - after the sale: finding bookings, loading one (seats,
 * tenders, history), refunding seats back to the tenders that paid (card
 * refunds through the card terminal, cash out of the drawer) and reprints
 * with their reason. */
#include "client-booking.h"
#include "cart.h"
#include "drawer.h"
#include "oplog.h"
#include "tickets.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct client_words refund_words[] = {
	{ "not_signed_in", "you are signed out; sign in again" },
	{ "unknown_order", "no such booking" },
	{ "not_paid", "this booking is not paid" },
	{ "already_refunded", "this booking was already refunded" },
	{ "too_late", "refunds for this show have closed" },
	{ "reason_needed", "a refund after the cut-off needs a reason" },
	{ "not_manager", "that sign-in is not a manager's on this terminal" },
	{ "ask_at_counter", "paid in cash: refund it at the counter" },
	{ NULL, NULL },
};

/* "{H1,H2}" as the database writes a text[] of seat labels, as "H1 H2", in
 * a new string. */
static char *
client_booking_labels(const char *array)
{
	char *s = xstrdup(*array == '{' ? array + 1 : array), *p;

	if ((p = strrchr(s, '}')) != NULL)
		*p = '\0';
	for (p = s; *p != '\0'; p++)
		if (*p == ',')
			*p = ' ';
	return s;
}

int
client_find_bookings(struct db *db, const char *session, const char *query, struct found_list *out,
                     char **cause)
{
	const char *params[2] = { session, query };
	char canonical[BOOKCODE_LEN + 1];
	PGresult *res;
	int n;

	memset(out, 0, sizeof *out);
	res = client_read(db, "bookings", "SELECT * FROM api.find_booking($1, $2)", 2, params, cause);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	if (n == 0 && bookcode_shaped(query) && bookcode_parse(query, canonical, NULL) != 0) {
		PQclear(res);
		*cause = xasprintf("%s is not a booking code: a symbol is mistyped (its last symbol does not "
		                   "match the others). Read it out again.", query);
		return -1;
	}
	out->v = xcalloc(n > 0 ? (size_t)n : 1, sizeof *out->v);
	for (int i = 0; i < n; i++) {
		struct found *f = &out->v[i];

		f->order_id = db_int(res, i, "order_id");
		f->showtime_id = db_int(res, i, "showtime_id");
		f->total_cents = db_int(res, i, "total_cents");
		f->refunded_cents = db_int(res, i, "refunded_cents");
		strlcpy_m(f->code, db_value(res, i, "booking_code"), sizeof f->code);
		strlcpy_m(f->currency, db_value(res, i, "currency"), sizeof f->currency);
		f->title = client_col(res, i, "title");
		f->when = client_col(res, i, "show_local");
		f->location = client_col(res, i, "location");
		f->customer = client_col(res, i, "customer");
		f->seats = client_booking_labels(db_value(res, i, "seats"));
		f->status = client_col(res, i, "status");
	}
	out->n = n;
	PQclear(res);
	return n;
}

void
found_list_free(struct found_list *l)
{
	for (int i = 0; i < l->n; i++) {
		struct found *f = &l->v[i];

		free(f->title);
		free(f->when);
		free(f->location);
		free(f->customer);
		free(f->seats);
		free(f->status);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Runs a read of the booking whose parameters are the session and the
 * order id. Returns the result, or NULL with *cause. */
static PGresult *
client_booking_read(struct db *db, const char *what, const char *sql, const char *session, long long order_id,
                    char **cause)
{
	char id[24];
	const char *params[2] = { session, id };

	snprintf(id, sizeof id, "%lld", order_id);
	return client_read(db, what, sql, 2, params, cause);
}

int
client_booking_load(struct db *db, const char *session, const struct found *f, struct booking_view *v,
                    char **cause)
{
	const char *params[2] = { session, f->code };
	PGresult *res;
	int n;

	memset(v, 0, sizeof *v);
	if ((res = client_booking_read(db, "the booking's seats", "SELECT * FROM api.booking_tickets($1, $2)",
	                               session, f->order_id, cause)) == NULL)
		return -1;
	n = PQntuples(res);
	v->seats = xcalloc(n > 0 ? (size_t)n : 1, sizeof *v->seats);
	for (int i = 0; i < n; i++) {
		struct booking_seat *s = &v->seats[i];

		strlcpy_m(s->seat, db_value(res, i, "seat"), sizeof s->seat);
		strlcpy_m(s->kind, db_value(res, i, "kind"), sizeof s->kind);
		strlcpy_m(s->type, db_value(res, i, "ticket_type"), sizeof s->type);
		strlcpy_m(s->state, db_value(res, i, "state"), sizeof s->state);
		s->price_cents = db_int(res, i, "price_cents");
	}
	v->nseats = n;
	PQclear(res);

	if ((res = client_read(db, "the booking's payments", "SELECT * FROM api.order_payments($1, $2)", 2, params,
	                       cause)) == NULL)
		goto fail;
	n = PQntuples(res);
	v->tenders = xcalloc(n > 0 ? (size_t)n : 1, sizeof *v->tenders);
	for (int i = 0; i < n; i++) {
		char amount[32], back[32];
		bool card = strcmp(db_value(res, i, "method"), "card") == 0;

		cart_money(amount, sizeof amount, db_int(res, i, "amount_cents"), db_value(res, i, "currency"));
		cart_money(back, sizeof back, db_int(res, i, "refunded_cents"), db_value(res, i, "currency"));
		v->tenders[i] = xasprintf("%-26s %10s%s%s", card ? "" : "Cash", amount,
		                          db_int(res, i, "refunded_cents") > 0 ? "   back " : "",
		                          db_int(res, i, "refunded_cents") > 0 ? back : "");
		if (card) {
			const char *brand = db_value(res, i, "card_brand");
			char *t = xasprintf("Card %s%s****%s%s", brand, *brand != '\0' ? " " : "",
			                    db_value(res, i, "card_last4"), v->tenders[i] + 4);

			free(v->tenders[i]);
			v->tenders[i] = t;
		}
	}
	v->ntenders = n;
	PQclear(res);

	if ((res = client_booking_read(db, "the booking's history",
	                               "SELECT to_char(at, 'DD Mon HH24:MI') AS at, event, detail"
	                               " FROM api.booking_history($1, $2)", session, f->order_id, cause)) == NULL)
		goto fail;
	n = PQntuples(res);
	v->history = xcalloc(n > 0 ? (size_t)n : 1, sizeof *v->history);
	for (int i = 0; i < n; i++)
		v->history[i] = xasprintf("%s  %-12s %s", db_value(res, i, "at"), db_value(res, i, "event"),
		                          db_value(res, i, "detail"));
	v->nhistory = n;
	PQclear(res);

	if ((res = client_booking_read(db, "the card refunds owed", "SELECT * FROM api.refund_cards_owed($1, $2)",
	                               session, f->order_id, cause)) == NULL)
		goto fail;
	v->cards_owed = PQntuples(res);
	PQclear(res);
	return 0;

fail:
	booking_view_free(v);
	return -1;
}

void
booking_view_free(struct booking_view *v)
{
	for (int i = 0; i < v->ntenders; i++)
		free(v->tenders[i]);
	for (int i = 0; i < v->nhistory; i++)
		free(v->history[i]);
	free(v->tenders);
	free(v->history);
	free(v->seats);
	memset(v, 0, sizeof *v);
}

/* Appends printf-style text to msg (size bytes), cutting what does not fit. */
static void __attribute__((format(printf, 3, 4)))
client_booking_say(char *msg, size_t size, const char *fmt, ...)
{
	size_t len = strlen(msg);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(msg + len, size - len, fmt, ap);
	va_end(ap);
}

int
client_booking_cards(struct db *db, const char *session, long long order_id, struct card_terminal *card,
                     char *msg, size_t size)
{
	char *cause = NULL;
	PGresult *res;
	int owed = 0;

	res = client_booking_read(db, "the card refunds owed", "SELECT * FROM api.refund_cards_owed($1, $2)",
	                          session, order_id, &cause);
	if (res == NULL) {
		client_booking_say(msg, size, " %s", cause);
		free(cause);
		return -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		struct card_result r;
		char amount[32];
		const char *params[4];
		PGresult *done;

		cart_money(amount, sizeof amount, db_int(res, i, "amount_cents"), db_value(res, i, "currency"));
		if (card == NULL || card_refund(card, db_value(res, i, "card_key"), db_int(res, i, "amount_cents"),
		                                db_value(res, i, "currency"), db_value(res, i, "charge_ref"), 3, &r) != 0) {
			client_booking_say(msg, size, " %s to card ending %s is owed: no card terminal here.", amount,
			                   db_value(res, i, "last4"));
			owed++;
			continue;
		}
		if (r.outcome == CARD_UNKNOWN || r.outcome == CARD_TIMEOUT || r.outcome == CARD_ERROR) {
			/* Left pending: asked again later under the same key. */
			client_booking_say(msg, size, " %s to card ending %s: %s It stays owed; F7 asks again.",
			                   amount, db_value(res, i, "last4"), r.message);
			owed++;
			continue;
		}
		params[0] = session;
		params[1] = db_value(res, i, "refund_id");
		params[2] = r.outcome == CARD_APPROVED ? "true" : "false";
		params[3] = r.terminal_ref;
		done = db_exec(db, DB_SAFE, "SELECT * FROM api.refund_card_done($1, $2::bigint, $3::boolean, $4)",
		               4, params);
		if (done == NULL)
			free(client_failure(db, "refund_card_done"));
		PQclear(done);
		if (r.outcome == CARD_APPROVED)
			client_booking_say(msg, size, " %s back to card ending %s.", amount, db_value(res, i, "last4"));
		else {
			client_booking_say(msg, size, " %s to card ending %s FAILED (%s): give it another way.",
			                   amount, db_value(res, i, "last4"), r.message);
			oplog(LOG_WARNING, "card refund %s of order %lld failed: %s", db_value(res, i, "card_key"),
			      order_id, r.message);
		}
	}
	PQclear(res);
	return owed;
}

void
client_money_back(struct db *db, const char *session, long long order_id, long long cash_cents,
                  const char *currency, struct card_terminal *card, const char *drawer_queue, char *msg,
                  size_t size)
{
	char cash[32], *cause = NULL;

	if (cash_cents > 0) {
		cart_money(cash, sizeof cash, cash_cents, currency);
		client_booking_say(msg, size, " Give %s cash from the drawer.", cash);
		if (drawer_open(drawer_queue, &cause) != 0) {
			client_booking_say(msg, size, " (The drawer did not open: %s)", cause);
			free(cause);
		}
	}
	(void)client_booking_cards(db, session, order_id, card, msg, size);
}

const char *
client_seat_array(const char *const *seats, int n, char *buf, size_t size)
{
	size_t len = 0;

	if (seats == NULL)
		return NULL;
	len += (size_t)snprintf(buf, size, "{");
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%.7s", i > 0 ? "," : "", seats[i]);
	if (len < size)
		snprintf(buf + len, size - len, "}");
	return buf;
}

int
client_refund(struct db *db, const struct refund_ask *ask, struct refund_answer *ans)
{
	char id[24], seats[24 * 8 + 4] = "", *cause = NULL;
	const char *params[6], *status;
	PGresult *res;

	memset(ans, 0, sizeof *ans);
	snprintf(id, sizeof id, "%lld", ask->order_id);
	if (ask->rid[0] == '\0')
		db_request_id(ask->rid);
	params[0] = ask->session;
	params[1] = id;
	params[2] = client_seat_array(ask->seats, ask->nseats < 24 ? ask->nseats : 24, seats, sizeof seats);
	params[3] = ask->reason;
	params[4] = ask->approver;
	params[5] = ask->rid;
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.refund($1, $2::bigint, $3::text[], $4, $5, $6::uuid)",
	              6, params);
	if (res == NULL) {
		cause = client_failure(db, "refund");
		ans->outcome = REFUND_LOST;
		snprintf(ans->message, sizeof ans->message, "Not refunded yet: %s.", cause);
		free(cause);
		return 0;	/* rid kept: the retry is the same request */
	}
	ask->rid[0] = '\0';	/* an answer came: the next refund is a new action */
	status = db_value(res, 0, "refund_status");
	if (strcmp(status, "refunded") == 0) {
		char amount[32], fee[32], cash[32];

		ans->outcome = REFUND_DONE;
		ans->refunded_cents = db_int(res, 0, "refunded_cents");
		ans->fee_cents = db_int(res, 0, "fee_cents");
		ans->cash_cents = db_int(res, 0, "cash_cents");
		cart_money(amount, sizeof amount, ans->refunded_cents, ask->currency);
		cart_money(fee, sizeof fee, ans->fee_cents, ask->currency);
		cart_money(cash, sizeof cash, ans->cash_cents, ask->currency);
		snprintf(ans->message, sizeof ans->message, "Refunded %s (%s).%s%s%s", amount,
		         db_value(res, 0, "message"), ans->fee_cents > 0 ? " Fee kept: " : "",
		         ans->fee_cents > 0 ? fee : "", ans->fee_cents > 0 ? "." : "");
		oplog(LOG_NOTICE, "order %lld: refunded %s (cash %s, fee %s)%s", ask->order_id, amount, cash, fee,
		      ask->approver != NULL ? " with a manager's approval" : "");
		PQclear(res);
		client_money_back(db, ask->session, ask->order_id, ans->cash_cents, ask->currency, ask->card,
		                  ask->drawer_queue, ans->message, sizeof ans->message);
		return 0;
	}
	ans->outcome = strcmp(status, "needs_approval") == 0 ? REFUND_NEEDS_APPROVAL : REFUND_REFUSED;
	if (strcmp(status, "needs_approval") == 0)
		snprintf(ans->message, sizeof ans->message, "Not refunded yet: %s.", db_value(res, 0, "message"));
	else if (strcmp(status, "unknown_seat") == 0 || strcmp(status, "already_admitted") == 0)
		snprintf(ans->message, sizeof ans->message, "Not refunded: %s.", db_value(res, 0, "message"));
	else
		snprintf(ans->message, sizeof ans->message, "Not refunded: %s.",
		         client_words(refund_words, status, db_value(res, 0, "message")));
	PQclear(res);
	return 0;
}

/* A new issue of a booking's tickets (api.reprint through tickets_reprint),
 * by a staff session or proven by a card's last four digits or the e-mail
 * of the purchase. Returns the issue, or -1 with *cause. */
static int
client_booking_reissue(struct db *db, const char *session, const char *code, const char *proof, char **cause)
{
	return tickets_reprint(db, session, code, proof, cause);
}

int
client_booking_reprint(struct app *app, struct db *db, const char *session, const struct found *f,
                       const char *reason, char **cause)
{
	char id[24];
	const char *params[4] = { session, id, "reprint", reason };
	PGresult *res;
	int issue;

	snprintf(id, sizeof id, "%lld", f->order_id);
	res = db_exec(db, DB_ONCE, "SELECT * FROM api.booking_note($1, $2::bigint, $3, $4)", 4, params);
	if (res == NULL) {
		*cause = client_failure_as(db, "booking_note", "Not reprinted: ");
		return -1;
	}
	if (strcmp(db_value(res, 0, "note_status"), "noted") != 0) {
		*cause = xasprintf("Not reprinted: %s.", strcmp(db_value(res, 0, "note_status"), "not_staff") == 0 ?
		                   "only staff reprint at the counter" : "no such booking");
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if ((issue = client_booking_reissue(db, session, f->code, NULL, cause)) < 0)
		return -1;
	if (tickets_print(app, db, session, f->code, cause) < 0) {
		char *said = xasprintf("Reissued as issue %d, but not printed: %s", issue, *cause);

		free(*cause);
		*cause = said;
		return -1;
	}
	return issue;
}

int
client_booking_collect(struct app *app, struct db *db, const char *session, const char *code, const char *proof,
                       char **cause)
{
	char canonical[BOOKCODE_LEN + 1];
	size_t n = strspn(proof, "0123456789");
	const char *at = strchr(proof, '@');

	if (bookcode_parse(code, canonical, NULL) != 0) {
		*cause = xstrdup(bookcode_shaped(code) ? "That booking code has a typing mistake: please check it." :
		                 "A booking code has 9 letters and digits, like ABCD-EFGHJ.");
		return -1;
	}
	if (at != NULL && (at == proof || strchr(at, '.') == NULL)) {
		*cause = xstrdup("That e-mail address is not complete: type it as on your receipt.");
		return -1;
	}
	if (at == NULL && (n != 4 || proof[n] != '\0')) {
		*cause = xstrdup("Type the last four digits of the card that paid, or the e-mail of the purchase.");
		return -1;
	}
	if (client_booking_reissue(db, session, canonical, proof, cause) < 0)
		return -1;
	return tickets_print(app, db, session, canonical, cause) < 0 ? -2 : 0;
}

int
client_booking_cancel(struct db *db, const char *session, const char *code, struct card_terminal *card,
                      struct refund_answer *ans)
{
	struct found_list found;
	char *cause = NULL, rid[37] = "";
	int n = client_find_bookings(db, session, code, &found, &cause);

	memset(ans, 0, sizeof *ans);
	if (n != 1) {
		ans->outcome = REFUND_REFUSED;
		snprintf(ans->message, sizeof ans->message, "%s", n < 0 ? cause : "That booking was not found.");
		free(cause);
		found_list_free(&found);
		return 0;
	}
	{
		struct refund_ask ask = {
			.session = session,
			.order_id = found.v[0].order_id,
			.reason = "cancelled by the customer",
			.rid = rid,
			.card = card,
			.currency = found.v[0].currency,
		};

		client_refund(db, &ask, ans);
	}
	found_list_free(&found);
	return 0;
}
