/* ui-sale.c - the sale in progress at a terminal, shared by the screens:
 * holding the chosen seats, reading what the database says about the order,
 * the hold's countdown, and releasing a hold that is abandoned. */
#include "ui.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ui_sale_abandon(struct ui *ui)
{
	struct sale *s = &ui->sale;

	if (s->order_id != 0 && !s->expired && s->paid_how[0] == '\0') {
		char id[24], uid[24], rid[37];
		const char *params[3] = { NULL, id, rid };
		PGresult *res;

		snprintf(id, sizeof id, "%lld", s->order_id);
		if (ui->customer_id != 0) {
			snprintf(uid, sizeof uid, "%lld", ui->customer_id);
			params[0] = uid;
		}
		db_request_id(rid);
		res = db_exec(ui->db, DB_SAFE, "SELECT * FROM api.cancel($1, $2, $3)", 3, params);
		PQclear(res);
	}
	s->order_id = 0;
	s->booking_code[0] = '\0';
	s->expired = false;
	s->paid_how[0] = '\0';
	s->pay_rid[0] = s->start_rid[0] = s->card_key[0] = s->hold_rid[0] = '\0';
	cart_clear(&s->cart);
}

int
ui_sale_seconds_left(const struct ui *ui)
{
	double left;

	if (ui->sale.order_id == 0 || ui->sale.expired)
		return 0;
	left = ui->sale.expire_at - ui_now();
	return left > 0 ? (int)(left + 0.999) : 0;
}

int
ui_sale_refresh(struct ui *ui)
{
	struct sale *s = &ui->sale;
	char id[24];
	const char *params[1] = { id };
	PGresult *res;

	snprintf(id, sizeof id, "%lld", s->order_id);
	res = db_exec(ui->db, DB_SAFE,
	              "SELECT status, total_cents, paid_cents, booking_code, currency,"
	              " extract(epoch FROM held_until - now()) AS left FROM api.order_status($1::bigint)",
	              1, params);
	if (res == NULL) {
		ui_say(ui, UI_ERR, "Database: %.150s", db_error(ui->db));
		return -1;
	}
	if (PQntuples(res) == 1) {
		s->cart.total_cents = db_int(res, 0, "total_cents");
		s->cart.paid_cents = db_int(res, 0, "paid_cents");
		strlcpy_m(s->cart.currency, db_value(res, 0, "currency"), sizeof s->cart.currency);
		s->expire_at = ui_now() + atof(db_value(res, 0, "left"));
	}
	PQclear(res);
	res = db_exec(ui->db, DB_SAFE, "SELECT * FROM api.order_lines($1::bigint)", 1, params);
	if (res == NULL) {
		ui_say(ui, UI_ERR, "Database: %.150s", db_error(ui->db));
		return -1;
	}
	s->cart.n = 0;
	for (int i = 0; i < PQntuples(res); i++)
		(void)cart_add(&s->cart, db_value(res, i, "seat"), db_value(res, i, "type_code"),
		               db_int(res, i, "price_cents"));
	PQclear(res);
	return 0;
}

int
ui_sale_hold(struct ui *ui)
{
	struct sale *s = &ui->sale;
	char uid[24], st[24], arr[UI_MAX_SEATS * 8 + 4];
	const char *params[5] = { NULL, st, arr, ui->app->cfg.terminal, s->hold_rid };
	size_t len = 0;
	PGresult *res;
	int rc = -1;

	if (s->nseats == 0) {
		ui_say(ui, UI_ERR, "Choose seats first: a number key picks the best seats for that many.");
		return -1;
	}
	if (ui->customer_id != 0) {
		snprintf(uid, sizeof uid, "%lld", ui->customer_id);
		params[0] = uid;
	}
	snprintf(st, sizeof st, "%lld", s->showtime_id);
	arr[len++] = '{';
	for (int i = 0; i < s->nseats; i++)
		len += (size_t)snprintf(arr + len, sizeof arr - len, "%s%s", i > 0 ? "," : "", s->seats[i]);
	snprintf(arr + len, sizeof arr - len, "}");
	if (s->hold_rid[0] == '\0')
		db_request_id(s->hold_rid);
	res = db_exec(ui->db, DB_SAFE, "SELECT * FROM api.select_seat($1, $2, $3, $4, $5)", 5, params);
	if (res == NULL) {
		ui_say(ui, UI_ERR, "Database connection lost; press Enter again to retry (%s).",
		       db_error(ui->db));
		return -1;
	}
	if (strcmp(db_value(res, 0, "selection_status"), "held") == 0) {
		s->order_id = db_int(res, 0, "order_id");
		strlcpy_m(s->booking_code, db_value(res, 0, "booking_code"), sizeof s->booking_code);
		s->expired = false;
		s->paid_how[0] = '\0';
		s->pay_rid[0] = s->start_rid[0] = s->card_key[0] = '\0';
		rc = ui_sale_refresh(ui);
		ui_say(ui, 0, "%d seat(s) held.", s->nseats);
	} else
		ui_say(ui, UI_ERR, "Not held: %s.", db_value(res, 0, "message"));
	s->hold_rid[0] = '\0';	/* an answer came: the next hold is a new action */
	PQclear(res);
	return rc;
}

