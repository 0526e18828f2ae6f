/* client-sale.c - the sale's sequence against the database and the card
 * terminal: hold, ticket types, payment start, card charge, payment,
 * reversal, drawer, receipt. The request ids live in the sale, so a request
 * whose answer was lost is sent again as the same request. */
#include "client-sale.h"
#include "drawer.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct client_words hold_words[] = {
	{ "unknown_showtime", "that showtime is not on sale" },
	{ "sales_closed", "this showtime has started; sales are closed" },
	{ "no_seats", "no seats were chosen" },
	{ "too_many_seats", "that is more seats than one order may hold" },
	{ "duplicate_seats", "a seat was chosen twice" },
	{ "no_session", "the session has ended; sign in or start again" },
	{ "too_many_holds", "too many holds in a minute; wait a minute and try again" },
	{ "terminal_busy", "this terminal made too many holds in a minute; wait a minute" },
	{ "unknown_seat", "a chosen seat is not for sale in this hall" },
	{ "unavailable", "a chosen seat was just taken at another terminal" },
	{ "no_pair", "no wheelchair place with a free companion seat beside it is left" },
	{ NULL, NULL },
};

static const struct client_words types_words[] = {
	{ "no_session", "the session has ended; sign in or start again" },
	{ "unknown_order", "this order is gone" },
	{ "not_open", "this order is no longer open" },
	{ "expired", "the hold on these seats has expired" },
	{ "paid_in_part", "part of this order is paid; prices are fixed" },
	{ "unknown_seat", "a seat is not part of this order" },
	{ "unknown_type", "that ticket type is not sold for this showtime" },
	{ "type_refused", "a companion ticket goes on the companion seat beside a wheelchair place of the same order" },
	{ NULL, NULL },
};

static const struct client_words pay_words[] = {
	{ "no_session", "the session has ended; sign in or start again" },
	{ "unknown_order", "this order is gone" },
	{ "cash_refused", "only the box office takes cash" },
	{ "reference_used", "the card terminal's reference was already used; the charge is given back" },
	{ "test_card_refused", "a test card pays only on a training database" },
	{ "cancelled", "this order was cancelled" },
	{ "expired", "the hold on these seats has expired" },
	{ "wrong_amount", "the amount does not match what is due" },
	{ "partial", "part of the amount is still due" },
	{ NULL, NULL },
};

static const struct client_words receipt_words[] = {
	{ "invalid_email", "that e-mail address is not valid" },
	{ "wrong_email", "receipts go only to the address on the booking or the account" },
	{ "too_many_receipts", "this booking has had all the receipts it may have" },
	{ "not_paid", "this booking is not paid" },
	{ "no_session", "the session has ended; sign in or start again" },
	{ NULL, NULL },
};

/* Sets the answer's outcome and message (printf-style). */
static void __attribute__((format(printf, 4, 5)))
answer(struct sale_answer *ans, enum sale_outcome outcome, bool trouble, const char *fmt, ...)
{
	va_list ap;

	ans->outcome = outcome;
	ans->trouble = trouble;
	va_start(ap, fmt);
	vsnprintf(ans->message, sizeof ans->message, fmt, ap);
	va_end(ap);
}

/* The database does not know the sale's order: its hold was lost (a
 * failover or crash just after a hold made with hold_commit = fast). Holds
 * the same seats again as a new order. Returns 0 with s->note saying so, or
 * -1 with ans saying which seat was taken meanwhile (the sale then counts
 * as expired: Esc chooses other seats, Enter tries the same again). */
static int
sale_retake(struct db *db, const char *session, struct sale *s, struct sale_answer *ans)
{
	long long lost = s->order_id;
	char *message = NULL;
	int rc;

	s->order_id = 0;
	s->hold_rid[0] = '\0';
	rc = client_sale_hold(db, session, s, &message);
	oplog(rc == 0 ? LOG_NOTICE : LOG_WARNING, "order %lld unknown to the database (hold lost in a failover?);"
	      " holding the same seats again: %s", lost, message);
	if (rc == 0)
		snprintf(s->note, sizeof s->note, "The hold was lost in a database failover; the same seats"
		         " are held again (booking %s).", s->booking_code);
	else {
		s->expired = true;
		answer(ans, SALE_EXPIRED, true, "The hold was lost in a database failover and the seats could not"
		       " be held again: %s Esc: choose other seats.", message);
	}
	free(message);
	return rc;
}

int
client_sale_seconds_left(const struct sale *s)
{
	double left;

	if (s->order_id == 0 || s->expired)
		return 0;
	left = s->expire_at - client_now();
	return left > 0 ? (int)(left + 0.999) : 0;
}

void
client_sale_note_clear(struct sale *s)
{
	s->note[0] = '\0';
}

void
client_sale_abandon(struct db *db, const char *session, struct sale *s)
{
	if (s->order_id != 0 && !s->expired && s->paid_how[0] == '\0') {
		char id[24], rid[37];
		const char *params[3] = { session, id, rid };

		snprintf(id, sizeof id, "%lld", s->order_id);
		db_request_id(rid);
		PQclear(db_exec(db, DB_SAFE, "SELECT * FROM api.cancel($1, $2, $3)", 3, params));
	}
	s->order_id = 0;
	s->booking_code[0] = '\0';
	s->expired = false;
	s->paid_how[0] = '\0';
	s->pay_rid[0] = s->start_rid[0] = s->card_key[0] = s->hold_rid[0] = '\0';
	s->record[0] = '\0';
	s->card_charged = s->card_unknown = false;
	s->note[0] = '\0';
	cart_clear(&s->cart);
}

int
client_sale_refresh(struct db *db, const char *session, struct sale *s, char **cause)
{
	char id[24];
	const char *params[2] = { session, id };
	PGresult *res;

	snprintf(id, sizeof id, "%lld", s->order_id);
	res = db_exec(db, DB_SAFE,
	              "SELECT status, total_cents, paid_cents, booking_code, currency,"
	              " extract(epoch FROM held_until - now()) AS left FROM api.order_status($1, $2::bigint)",
	              2, params);
	if (res == NULL) {
		*cause = client_failure_as(db, "order_status", "Cannot read the order: ");
		return -1;
	}
	if (PQntuples(res) != 1) {	/* not this session's order, or the session ended */
		PQclear(res);
		*cause = xstrdup("Cannot read the order: the session has ended; sign in or start again.");
		return -1;
	}
	s->cart.total_cents = db_int(res, 0, "total_cents");
	s->cart.paid_cents = db_int(res, 0, "paid_cents");
	strlcpy_m(s->cart.currency, db_value(res, 0, "currency"), sizeof s->cart.currency);
	s->expire_at = client_now() + atof(db_value(res, 0, "left"));
	PQclear(res);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.order_lines($1, $2::bigint)", 2, params);
	if (res == NULL) {
		*cause = client_failure_as(db, "order_lines", "Cannot read the order: ");
		return -1;
	}
	s->cart.n = 0;
	for (int i = 0; i < PQntuples(res); i++)
		(void)cart_add(&s->cart, db_value(res, i, "seat"), db_value(res, i, "type_code"),
		               db_int(res, i, "price_cents"));
	PQclear(res);
	return 0;
}

/* The order a hold answered (res: selection_status held) becomes the sale's
 * and is read back. Returns 0, or -1 with *message (caller frees). */
static int
sale_held(struct db *db, const char *session, struct sale *s, PGresult *res, char **message)
{
	s->order_id = db_int(res, 0, "order_id");
	strlcpy_m(s->booking_code, db_value(res, 0, "booking_code"), sizeof s->booking_code);
	s->expired = false;
	s->paid_how[0] = '\0';
	s->pay_rid[0] = s->start_rid[0] = s->card_key[0] = '\0';
	return client_sale_refresh(db, session, s, message);
}

/* Sends a hold (fn: select_seat or select_accessible, sql its call, whose
 * last parameter is s->hold_rid) under the sale's hold request id, made
 * when there is none. Returns the result (caller clears), or NULL with
 * *message when the connection was lost (key: what to press to retry):
 * hold_rid is then kept, so the retry is the same request. */
static PGresult *
sale_hold_send(struct db *db, struct sale *s, const char *fn, const char *sql, int n, const char *const *params,
               const char *key, char **message)
{
	PGresult *res;

	if (s->hold_rid[0] == '\0')
		db_request_id(s->hold_rid);
	res = db_exec(db, DB_SAFE, sql, n, params);
	if (res == NULL) {
		free(client_failure(db, fn));
		*message = xasprintf("Database connection lost; press %s again to retry.", key);
	}
	return res;
}

/* A refused hold (res, its status): *message says why (caller frees), the
 * log has the database's words. */
static void
sale_hold_refused(const struct sale *s, PGresult *res, const char *status, char **message)
{
	*message = xasprintf("Not held: %s.", client_words(hold_words, status, "the seats could not be held"));
	oplog(LOG_INFO, "hold refused: showtime %lld: %s: %s", s->showtime_id, status, db_value(res, 0, "message"));
}

int
client_sale_hold_accessible(struct db *db, const char *session, struct sale *s, char **message)
{
	char st[24];
	const char *params[3] = { session, st, s->hold_rid };
	const char *status;
	PGresult *res;
	int rc = -1;

	snprintf(st, sizeof st, "%lld", s->showtime_id);
	res = sale_hold_send(db, s, "select_accessible", "SELECT * FROM api.select_accessible($1, $2, $3)", 3, params,
	                     "w", message);
	if (res == NULL)
		return -1;
	status = db_value(res, 0, "selection_status");
	if (strcmp(status, "held") == 0) {
		strlcpy_m(s->seats[0], db_value(res, 0, "wheelchair"), sizeof s->seats[0]);
		strlcpy_m(s->seats[1], db_value(res, 0, "companion"), sizeof s->seats[1]);
		s->nseats = s->party = 2;
		if ((rc = sale_held(db, session, s, res, message)) == 0)
			*message = xasprintf("Wheelchair place %s and companion seat %s held together.", s->seats[0],
			                     s->seats[1]);
	} else
		sale_hold_refused(s, res, status, message);
	s->hold_rid[0] = '\0';
	PQclear(res);
	return rc;
}

int
client_sale_hold(struct db *db, const char *session, struct sale *s, char **message)
{
	char st[24], arr[SALE_MAX_SEATS * 8 + 4];
	const char *params[4] = { session, st, arr, s->hold_rid };
	const char *status;
	size_t len = 0;
	PGresult *res;
	int rc = -1;

	if (s->nseats == 0) {
		*message = xstrdup("Choose seats first: a number key picks the best seats for that many.");
		return -1;
	}
	snprintf(st, sizeof st, "%lld", s->showtime_id);
	arr[len++] = '{';
	for (int i = 0; i < s->nseats; i++)
		len += (size_t)snprintf(arr + len, sizeof arr - len, "%s%s", i > 0 ? "," : "", s->seats[i]);
	snprintf(arr + len, sizeof arr - len, "}");
	res = sale_hold_send(db, s, "select_seat", "SELECT * FROM api.select_seat($1, $2, $3, $4)", 4, params, "Enter",
	                     message);
	if (res == NULL)
		return -1;
	status = db_value(res, 0, "selection_status");
	if (strcmp(status, "held") == 0) {
		if ((rc = sale_held(db, session, s, res, message)) == 0)
			*message = xasprintf("%d seat%s held.", s->nseats, s->nseats == 1 ? "" : "s");
	} else if (strcmp(status, "unavailable") == 0 &&
	           strncmp(db_value(res, 0, "message"), "already taken: ", 15) == 0)
		*message = xasprintf("Not held: %s.", db_value(res, 0, "message"));	/* names the seats */
	else
		sale_hold_refused(s, res, status, message);
	s->hold_rid[0] = '\0';	/* an answer came: the next hold is a new action */
	PQclear(res);
	return rc;
}

int
client_ticket_types(struct db *db, long long showtime_id, struct cart *cart, char **cause)
{
	PGresult *res = client_read_id(db, "the ticket types", "SELECT * FROM api.ticket_types($1::bigint)",
	                               showtime_id, cause);

	if (res == NULL)
		return -1;
	cart->ntypes = 0;
	for (int i = 0; i < PQntuples(res); i++)
		(void)cart_add_type(cart, db_value(res, i, "type_code"), db_value(res, i, "name"),
		                    db_int(res, i, "price_cents"));
	PQclear(res);
	return 0;
}

/* client_set_types; with retake, an order the database lost is held again
 * and the types set on the new one. */
static int
sale_set_types(struct db *db, const char *session, struct sale *s, int line, const char *code, char **cause,
               bool retake)
{
	struct cart *c = &s->cart;
	char id[24], rid[37], json[CART_MAX_SEATS * 40 + 4];
	const char *params[4] = { session, id, json, rid };
	const char *st;
	char *again = NULL;
	size_t len = 0;
	PGresult *res;
	int rc = 0;

	json[len++] = '{';
	for (int i = 0; i < c->n; i++)
		if (line < 0 || i == line)
			len += (size_t)snprintf(json + len, sizeof json - len, "%s\"%s\":\"%s\"",
			                        len > 1 ? "," : "", c->line[i].seat, code);
	snprintf(json + len, sizeof json - len, "}");
	snprintf(id, sizeof id, "%lld", s->order_id);
	db_request_id(rid);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.set_ticket_types($1, $2::bigint, $3::jsonb, $4::uuid)",
	              4, params);
	if (res == NULL) {
		*cause = client_failure_as(db, "set_ticket_types", "Not changed: ");
		return -1;
	}
	st = db_value(res, 0, "types_status");
	if (strcmp(st, "unknown_order") == 0 && retake) {
		struct sale_answer ans;

		PQclear(res);
		if (sale_retake(db, session, s, &ans) != 0) {
			*cause = xstrdup(ans.message);
			return -1;
		}
		return sale_set_types(db, session, s, line, code, cause, false);
	}
	if (strcmp(st, "repriced") != 0) {
		*cause = xasprintf("Not changed: %s.", client_words(types_words, st, "the database refused the change"));
		oplog(LOG_INFO, "ticket types refused: order %lld: %s: %s", s->order_id, st,
		      db_value(res, 0, "message"));
		rc = -1;
	}
	PQclear(res);
	if (rc == 0)
		return client_sale_refresh(db, session, s, cause);
	(void)client_sale_refresh(db, session, s, &again);
	free(again);
	return rc;
}

int
client_set_types(struct db *db, const char *session, struct sale *s, int line, const char *code, char **cause)
{
	return sale_set_types(db, session, s, line, code, cause, true);
}

/* Gives the card charge back when the sale cannot be completed. */
static void
sale_reverse(const struct sale_pay *how, struct sale *s)
{
	struct card_result r;
	int rc;

	if (!s->card_charged)
		return;
	rc = card_reverse(how->card, s->card_key, &r);
	s->card_charged = false;
	oplog(rc == 0 ? LOG_NOTICE : LOG_ERR, "sale reversed: order %lld: card charge %s (last four %s, terminal"
	      " reference %s) %s", s->order_id, s->card_key, r.last4[0] != '\0' ? r.last4 : "-",
	      r.terminal_ref[0] != '\0' ? r.terminal_ref : "-",
	      rc == 0 ? "given back" : "NOT confirmed given back: check the card terminal");
	strlcpy_m(s->note, "The card charge was reversed.", sizeof s->note);
}

/* Records the payment in the database (api.payment with the sale's pay_rid). */
static void
sale_record(struct db *db, const char *session, struct sale *s, const struct sale_pay *how,
            struct sale_answer *ans)
{
	char oid[24];
	const char *params[4] = { session, oid, s->record, s->pay_rid };
	const char *st;
	PGresult *res;

	snprintf(oid, sizeof oid, "%lld", s->order_id);
	if (s->pay_rid[0] == '\0')
		db_request_id(s->pay_rid);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.payment($1, $2, $3::jsonb, $4::uuid)", 4, params);
	if (res == NULL) {
		/* Keep record and pay_rid: the retry is the same request. */
		free(client_failure(db, "payment"));
		answer(ans, SALE_AGAIN, true, "Database connection lost - press Enter to finish this payment"
		       " (it will not be taken twice).");
		return;
	}
	st = db_value(res, 0, "payment_status");
	if (strcmp(st, "success") == 0 || strcmp(st, "already_paid") == 0) {
		char *cause = NULL;

		s->record[0] = '\0';
		s->card_charged = false;
		s->pay_rid[0] = s->start_rid[0] = s->card_key[0] = '\0';
		snprintf(s->paid_how, sizeof s->paid_how, "%s",
		         how->method == PAY_CASH ? "cash" : how->method == PAY_CARD ? "card" : "cash + card");
		answer(ans, SALE_PAID, false, "Paid. %s", s->note);
		/* drawer_open logs its own outcome */
		if (how->method != PAY_CARD && drawer_open(how->drawer_queue, &cause) != 0) {
			answer(ans, SALE_PAID, true, "Paid. The drawer did not open: %s", cause);
			free(cause);
		}
	} else {
		oplog(LOG_NOTICE, "payment refused: order %lld: %s: %s", s->order_id, st, db_value(res, 0, "message"));
		answer(ans, SALE_AGAIN, true, "Not paid: %s",
		       client_words(pay_words, st, "the database refused the payment"));
		sale_reverse(how, s);
		s->record[0] = '\0';
		s->pay_rid[0] = '\0';
		s->card_key[0] = '\0';
		if (strcmp(st, "expired") == 0) {
			ans->outcome = SALE_EXPIRED;
			s->expired = true;
		}
		if (strcmp(st, "unknown_order") == 0 && sale_retake(db, session, s, ans) == 0)
			answer(ans, SALE_AGAIN, true, "%s Enter: pay for them.", s->note);
	}
	PQclear(res);
}

/* Copies what a card terminal said into a JSON string body: only letters,
 * digits and - _ . / survive, so no answer can change the payment_info. */
static const char *
json_safe(char *buf, size_t len, const char *text)
{
	size_t k = 0;

	for (const char *q = text; *q != '\0' && k + 1 < len; q++)
		if (isalnum((unsigned char)*q) || strchr("-_./", *q) != NULL)
			buf[k++] = *q;
	buf[k] = '\0';
	return buf;
}

/* One line in the operational log per card outcome: never the card number. */
static void
sale_log_card(const struct sale *s, const struct card_result *r, long long cents)
{
	char amount[32];

	money_format(amount, sizeof amount, cents);
	oplog(r->outcome == CARD_APPROVED ? LOG_NOTICE : LOG_WARNING,
	      "card %s: order %lld, %s %s, last four %s, terminal reference %s, key %s%s",
	      card_outcome_name(r->outcome), s->order_id, amount, s->cart.currency,
	      r->last4[0] != '\0' ? r->last4 : "-", r->terminal_ref[0] != '\0' ? r->terminal_ref : "-",
	      s->card_key, r->asked_status ? " (asked the terminal)" : "");
}

/* Charges the card part and, when approved, records the payment. */
static void
sale_card(struct db *db, const char *session, struct sale *s, const struct sale_pay *how, long long card_cents,
          long long cash_cents, struct sale_answer *ans)
{
	struct card_result r;
	bool asked = s->card_unknown;

	if (how->card == NULL || how->card->driver == NULL) {
		answer(ans, SALE_AGAIN, true, "No card terminal: %s", how->card_error != NULL ? how->card_error : "");
		return;
	}
	if (s->card_key[0] == '\0')
		db_request_id(s->card_key);	/* one idempotency key per attempt */
	if (s->card_unknown)
		(void)card_resolve(how->card, s->card_key, 2, &r);	/* ask; never charge again */
	else {
		if (how->card_number != NULL)
			card_present(how->card, how->card_number);
		(void)card_pay(how->card, s->card_key, card_cents, s->cart.currency, 2, &r);
	}
	sale_log_card(s, &r, card_cents);
	s->card_unknown = r.outcome == CARD_UNKNOWN;
	switch (r.outcome) {
	case CARD_APPROVED: {
		char l4[8], brand[24], ref[56], auth[24];

		s->card_charged = true;
		json_safe(l4, sizeof l4, r.last4);
		json_safe(brand, sizeof brand, r.brand);
		json_safe(ref, sizeof ref, r.terminal_ref);
		json_safe(auth, sizeof auth, r.auth_code);
		if (r.asked_status || asked)
			snprintf(s->note, sizeof s->note, "Card %s: answer lost, confirmed by asking the terminal.", l4);
		else
			snprintf(s->note, sizeof s->note, "%s.", r.message);
		if (cash_cents > 0)
			snprintf(s->record, sizeof s->record,
			         "{\"method\":\"split\",\"parts\":[{\"method\":\"cash\",\"amount_cents\":%lld,"
			         "\"tendered_cents\":%lld},{\"method\":\"card\",\"amount_cents\":%lld,"
			         "\"last4\":\"%s\",\"brand\":\"%s\",\"terminal_ref\":\"%s\",\"auth_code\":\"%s\"}]}",
			         cash_cents, s->tendered_cents, card_cents, l4, brand, ref, auth);
		else
			snprintf(s->record, sizeof s->record,
			         "{\"method\":\"card\",\"amount_cents\":%lld,\"last4\":\"%s\",\"brand\":\"%s\","
			         "\"terminal_ref\":\"%s\",\"auth_code\":\"%s\"}",
			         card_cents, l4, brand, ref, auth);
		sale_record(db, session, s, how, ans);
		return;
	}
	case CARD_DECLINED:
		s->card_key[0] = '\0';
		answer(ans, SALE_AGAIN, true, "%s. Try another card%s.", r.message, how->kiosk ? "" : " or cash");
		return;
	case CARD_NOT_FOUND:
	case CARD_TIMEOUT:
	case CARD_ERROR:
		s->card_key[0] = '\0';
		answer(ans, SALE_AGAIN, true, "The card terminal did not answer; the card was NOT charged. Try again.");
		return;
	case CARD_UNKNOWN:
		answer(ans, SALE_UNKNOWN, true,
		       "Outcome unknown. F5 asks the terminal again (the card is never charged twice).");
		return;
	}
}

/* Tells the database the payment is under way (it gives the hold a little
 * more time) and reads the order again; an order it lost is held again
 * first (unless retaken says that was done). Returns 0, or -1 with ans set. */
static int
sale_start(struct db *db, const char *session, struct sale *s, struct sale_answer *ans, bool retaken)
{
	char oid[24], *cause = NULL;
	const char *params[3] = { session, oid, NULL };
	PGresult *res;

	snprintf(oid, sizeof oid, "%lld", s->order_id);
	if (s->start_rid[0] == '\0')
		db_request_id(s->start_rid);
	params[2] = s->start_rid;
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.payment_start($1, $2, $3::uuid)", 3, params);
	if (res == NULL) {
		free(client_failure(db, "payment_start"));
		answer(ans, SALE_AGAIN, true, "Database connection lost - press Enter to try again.");
		return -1;
	}
	if (strcmp(db_value(res, 0, "start_status"), "unknown_order") == 0 && !retaken) {
		PQclear(res);
		s->start_rid[0] = '\0';
		if (sale_retake(db, session, s, ans) != 0)
			return -1;
		return sale_start(db, session, s, ans, true);
	}
	if (strcmp(db_value(res, 0, "start_status"), "expired") == 0) {
		PQclear(res);
		s->expired = true;
		answer(ans, SALE_EXPIRED, true,
		       "The hold on these seats expired. Enter: try the same seats again. Esc: seat map.");
		return -1;
	}
	PQclear(res);
	s->start_rid[0] = '\0';
	if (client_sale_refresh(db, session, s, &cause) != 0)
		free(cause);	/* the payment says what is wrong, if anything is */
	return 0;
}

void
client_sale_pay(struct db *db, const char *session, struct sale *s, const struct sale_pay *how,
                struct sale_answer *ans)
{
	long long due, change, card;
	const char *amount = how->amount != NULL ? how->amount : "";

	memset(ans, 0, sizeof *ans);
	if (s->record[0] != '\0') {	/* approved earlier, not recorded yet */
		sale_record(db, session, s, how, ans);
		return;
	}
	if (!s->card_unknown && sale_start(db, session, s, ans, false) != 0)
		return;
	due = cart_due(&s->cart);
	switch (how->method) {
	case PAY_CASH:
		s->tendered_cents = due;
		if (amount[0] != '\0' && money_parse(amount, &s->tendered_cents) != 0) {
			answer(ans, SALE_AGAIN, true, "Type the cash tendered, like 50 or 20.00.");
			return;
		}
		if (cash_change(due, s->tendered_cents, &change) != 0) {
			answer(ans, SALE_AGAIN, true, "Tendered is less than the amount due.");
			return;
		}
		s->change_cents = change;
		snprintf(s->record, sizeof s->record,
		         "{\"method\":\"cash\",\"amount_cents\":%lld,\"tendered_cents\":%lld}", due,
		         s->tendered_cents);
		sale_record(db, session, s, how, ans);
		return;
	case PAY_CARD:
		s->change_cents = 0;
		sale_card(db, session, s, how, due, 0, ans);
		return;
	case PAY_SPLIT:
		if (money_parse(amount, &s->tendered_cents) != 0 || split_parts(due, s->tendered_cents, &card) != 0) {
			answer(ans, SALE_AGAIN, true, "Type the cash part: more than 0, less than what is due.");
			return;
		}
		s->change_cents = 0;
		sale_card(db, session, s, how, card, s->tendered_cents, ans);
		return;
	}
}

int
client_email_receipt(struct db *db, const char *session, long long order_id, const char *email, char rid[37],
                     char **message)
{
	char oid[24];
	const char *params[4] = { session, oid, email[0] != '\0' ? email : NULL, rid };
	PGresult *res;
	const char *st;
	int rc = -1;

	snprintf(oid, sizeof oid, "%lld", order_id);
	if (rid[0] == '\0')
		db_request_id(rid);
	res = db_exec(db, DB_SAFE, "SELECT api.email_receipt($1, $2::bigint, $3, $4::uuid) AS st", 4, params);
	if (res == NULL) {
		char *words = client_failure(db, "email_receipt");

		*message = xasprintf("No receipt yet: %s (Enter retries).", words);
		free(words);
		return -1;
	}
	st = db_value(res, 0, "st");
	if (strcmp(st, "queued") == 0) {
		*message = email[0] != '\0' ? xasprintf("A receipt will be e-mailed to %s.", email)
		                            : xstrdup("A receipt will be e-mailed to the address on the booking.");
		rc = 0;
	} else {
		*message = xasprintf("No receipt: %s.", client_words(receipt_words, st, "the receipt could not be queued"));
		oplog(LOG_INFO, "receipt refused: order %lld: %s", order_id, st);
		rid[0] = '\0';
	}
	PQclear(res);
	return rc;
}

int
client_sale_tenders(struct db *db, const char *session, const char *code, struct tender *out, int max,
                    char **cause)
{
	const char *params[2] = { session, code };
	PGresult *res = client_read(db, "the payments", "SELECT * FROM api.order_payments($1, $2)", 2, params, cause);
	int n;

	if (res == NULL)
		return -1;
	for (n = 0; n < PQntuples(res) && n < max; n++) {
		struct tender *t = &out[n];

		if (strcmp(db_value(res, n, "method"), "card") == 0)
			snprintf(t->what, sizeof t->what, "Card %s ****%s", db_value(res, n, "card_brand"),
			         db_value(res, n, "card_last4"));
		else
			snprintf(t->what, sizeof t->what, "%s", "Cash");
		t->amount_cents = db_int(res, n, "amount_cents");
		t->tendered_cents = db_int(res, n, "tendered_cents");
		snprintf(t->currency, sizeof t->currency, "%s", db_value(res, n, "currency"));
	}
	PQclear(res);
	return n;
}
