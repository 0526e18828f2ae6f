/* client-exchange.c - the shows a booking may move to and the exchange
 * itself: the seats move in one call to the database, which says what is
 * due on the new order or what went back; the cash part of that comes out
 * of the drawer and the card parts go back through the card terminal. */
#include "client-exchange.h"
#include "cart.h"
#include "oplog.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct client_words exchange_words[] = {
	{ "not_signed_in", "you are signed out; sign in again" },
	{ "not_staff", "exchanges are made at the box office" },
	{ "unknown_order", "no such booking" },
	{ "not_paid", "only a paid booking can be exchanged" },
	{ "new_order", "the new seats are not held here any more: choose them again" },
	{ "expired", "the hold on the new seats has run out: choose them again" },
	{ "too_late", "exchanges for this show have closed" },
	{ "reason_needed", "an exchange after the cut-off needs a reason" },
	{ "not_manager", "that sign-in is not a manager's on this terminal" },
	{ NULL, NULL },
};

int
client_exchange_shows(struct db *db, const char *session, long long order_id, struct exchange_shows *out,
                      char **cause)
{
	char id[24];
	const char *params[2] = { session, id };
	PGresult *res;
	int n;

	memset(out, 0, sizeof *out);
	snprintf(id, sizeof id, "%lld", order_id);
	res = client_read(db, "the shows", "SELECT * FROM api.exchange_shows($1, $2::bigint)", 2, params, cause);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	out->v = xcalloc(n > 0 ? (size_t)n : 1, sizeof *out->v);
	for (int i = 0; i < n; i++) {
		struct exchange_show *s = &out->v[i];

		s->showtime_id = db_int(res, i, "showtime_id");
		s->title = client_col(res, i, "title");
		s->when = client_col(res, i, "show_local");
		s->hall = client_col(res, i, "auditorium");
		s->free_seats = (int)db_int(res, i, "seats_available");
		s->same_film = strcmp(db_value(res, i, "same_film"), "t") == 0;
	}
	out->n = n;
	PQclear(res);
	return n;
}

void
exchange_shows_free(struct exchange_shows *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].title);
		free(l->v[i].when);
		free(l->v[i].hall);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

int
client_exchange(struct db *db, const struct exchange_ask *ask, struct exchange_answer *ans)
{
	char id[24], new_id[24], seats[24 * 8 + 4] = "", *cause = NULL;
	const char *params[7], *status;
	PGresult *res;

	memset(ans, 0, sizeof *ans);
	snprintf(id, sizeof id, "%lld", ask->order_id);
	snprintf(new_id, sizeof new_id, "%lld", ask->new_order_id);
	if (ask->rid[0] == '\0')
		db_request_id(ask->rid);
	params[0] = ask->session;
	params[1] = id;
	params[2] = client_seat_array(ask->seats, ask->nseats < 24 ? ask->nseats : 24, seats, sizeof seats);
	params[3] = new_id;
	params[4] = ask->reason;
	params[5] = ask->approver;
	params[6] = ask->rid;
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.exchange($1, $2::bigint, $3::text[], $4::bigint, $5, $6, $7::uuid)",
	              7, params);
	if (res == NULL) {
		cause = client_failure(db, "exchange");
		ans->outcome = REFUND_LOST;
		snprintf(ans->message, sizeof ans->message, "Not exchanged yet: %s.", cause);
		free(cause);
		return 0;	/* rid kept: the retry is the same request */
	}
	ask->rid[0] = '\0';	/* an answer came: the next exchange is a new action */
	status = db_value(res, 0, "exchange_status");
	if (strcmp(status, "exchanged") == 0) {
		char due[32], back[32];
		long long cash = db_int(res, 0, "cash_cents");

		ans->outcome = REFUND_DONE;
		ans->old_cents = db_int(res, 0, "old_cents");
		ans->new_cents = db_int(res, 0, "new_cents");
		ans->due_cents = db_int(res, 0, "due_cents");
		ans->refunded_cents = db_int(res, 0, "refunded_cents");
		cart_money(due, sizeof due, ans->due_cents, ask->currency);
		cart_money(back, sizeof back, ans->refunded_cents, ask->currency);
		if (ans->due_cents > 0)
			snprintf(ans->message, sizeof ans->message, "Exchanged: %s to pay.", due);
		else if (ans->refunded_cents > 0)
			snprintf(ans->message, sizeof ans->message, "Exchanged: %s back.", back);
		else
			snprintf(ans->message, sizeof ans->message, "Exchanged (%s): nothing to pay.",
			         db_value(res, 0, "message"));
		oplog(LOG_NOTICE, "order %lld exchanged into %s: %s due, %s back%s", ask->order_id,
		      db_value(res, 0, "booking_code"), due, back,
		      ask->approver != NULL ? " with a manager's approval" : "");
		PQclear(res);
		if (ans->refunded_cents > 0)
			client_money_back(db, ask->session, ask->order_id, cash, ask->currency,
			                  ask->card, ask->drawer_queue, ans->message, sizeof ans->message);
		return 0;
	}
	ans->outcome = strcmp(status, "needs_approval") == 0 ? REFUND_NEEDS_APPROVAL : REFUND_REFUSED;
	if (strcmp(status, "needs_approval") == 0 || strcmp(status, "unknown_seat") == 0 ||
	    strcmp(status, "already_admitted") == 0 || strcmp(status, "seat_count") == 0)
		snprintf(ans->message, sizeof ans->message, "Not exchanged%s: %s.",
		         ans->outcome == REFUND_NEEDS_APPROVAL ? " yet" : "", db_value(res, 0, "message"));
	else
		snprintf(ans->message, sizeof ans->message, "Not exchanged: %s.",
		         client_words(exchange_words, status, db_value(res, 0, "message")));
	PQclear(res);
	return 0;
}
