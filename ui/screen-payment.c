/* screen-payment.c - taking the money: cash (tendered, change due), card
 * through the card terminal driver, or split (cash part + card for the rest).
 * The database says "paid"; one request id per payment survives a lost
 * connection, and an approved card charge is never made twice: an unknown
 * outcome is settled by asking the terminal about the same key. */
#include "ui.h"
#include "drawer.h"
#include "util.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

enum pay_method { PAY_CASH, PAY_CARD, PAY_SPLIT };
enum pay_phase { PHASE_INPUT, PHASE_PAYING, PHASE_UNKNOWN, PHASE_EXPIRED };

struct payment {
	enum pay_method	 method;
	enum pay_phase	 phase;
	int		 focus;		/* 0 amount, 1 card number */
	char		 amount[16];	/* cash tendered, or the cash part of a split */
	char		 card[24];	/* test terminal: the card presented */
	char		 record[640];	/* payment_info approved but not yet recorded */
	bool		 card_charged;	/* record holds an approved card charge */
	bool		 unknown;	/* the last charge's outcome is not known yet */
	char		 note[256];
};

static void
payment_enter(struct ui *ui)
{
	struct payment *p = xcalloc(1, sizeof *p);

	ui->data = p;
	p->method = ui->kiosk ? PAY_CARD : PAY_CASH;
	p->focus = ui->kiosk ? 1 : 0;
	strlcpy_m(p->card, "4242424242424242", sizeof p->card);
	(void)ui_sale_refresh(ui);
	if (ui->card.driver == NULL && ui->card_error[0] != '\0')
		ui_say(ui, UI_ERR, "Card terminal: %s", ui->card_error);
}

static void
payment_leave(struct ui *ui)
{
	free(ui->data);
	ui->data = NULL;
}

static const char *
uid_param(struct ui *ui, char buf[24])
{
	if (ui->customer_id == 0)
		return NULL;
	snprintf(buf, 24, "%lld", ui->customer_id);
	return buf;
}

/* Gives the card charge back when the sale cannot be completed. */
static void
payment_reverse(struct ui *ui, struct payment *p)
{
	struct card_result r;

	if (!p->card_charged)
		return;
	(void)card_reverse(&ui->card, ui->sale.card_key, &r);
	p->card_charged = false;
	strlcpy_m(p->note, "The card charge was reversed.", sizeof p->note);
}

/* Records the payment in the database (api.payment with the sale's pay_rid). */
static void
payment_record(struct ui *ui, struct payment *p)
{
	struct sale *s = &ui->sale;
	char uid[24], oid[24];
	const char *params[4] = { uid_param(ui, uid), oid, p->record, s->pay_rid };
	const char *st;
	PGresult *res;

	snprintf(oid, sizeof oid, "%lld", s->order_id);
	if (s->pay_rid[0] == '\0')
		db_request_id(s->pay_rid);
	res = db_exec(ui->db, DB_SAFE, "SELECT * FROM api.payment($1, $2, $3::jsonb, $4::uuid)", 4, params);
	if (res == NULL) {
		/* Keep record and pay_rid: the retry is the same request. */
		p->phase = PHASE_INPUT;
		ui_say(ui, UI_ERR, "Database connection lost - press Enter to finish this payment (it will not be taken twice).");
		return;
	}
	st = db_value(res, 0, "payment_status");
	if (strcmp(st, "success") == 0 || strcmp(st, "already_paid") == 0) {
		p->record[0] = '\0';
		p->card_charged = false;
		s->pay_rid[0] = s->start_rid[0] = s->card_key[0] = '\0';
		snprintf(s->paid_how, sizeof s->paid_how, "%s",
		         p->method == PAY_CASH ? "cash" : p->method == PAY_CARD ? "card" : "cash + card");
		ui_say(ui, UI_OK, "Paid. %s", p->note);
		if (p->method != PAY_CARD && !ui->kiosk) {
			char *cause = NULL;

			if (drawer_open(ui->app->cfg.receipt_queue, &cause) != 0) {
				ui_say(ui, UI_ERR, "Paid. The drawer did not open: %s", cause);
				free(cause);
			}
		}
		ui_goto(ui, &screen_confirm);
	} else {
		ui_say(ui, UI_ERR, "Not paid: %s", db_value(res, 0, "message"));
		payment_reverse(ui, p);
		p->record[0] = '\0';
		s->pay_rid[0] = '\0';
		s->card_key[0] = '\0';
		p->phase = strcmp(st, "expired") == 0 ? PHASE_EXPIRED : PHASE_INPUT;
		if (p->phase == PHASE_EXPIRED)
			s->expired = true;
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

/* Charges the card part and, when approved, records the payment. */
static void
payment_card(struct ui *ui, struct payment *p, long long card_cents, long long cash_cents)
{
	struct sale *s = &ui->sale;
	struct card_result r;
	bool asked = p->unknown;

	if (ui->card.driver == NULL) {
		p->phase = PHASE_INPUT;
		ui_say(ui, UI_ERR, "No card terminal: %s", ui->card_error);
		return;
	}
	if (s->card_key[0] == '\0')
		db_request_id(s->card_key);	/* one idempotency key per attempt */
	if (p->unknown)
		(void)card_resolve(&ui->card, s->card_key, 2, &r);	/* ask; never charge again */
	else {
		card_present(&ui->card, p->card);
		(void)card_pay(&ui->card, s->card_key, card_cents, s->cart.currency, 2, &r);
	}
	p->unknown = r.outcome == CARD_UNKNOWN;
	switch (r.outcome) {
	case CARD_APPROVED: {
		char l4[8], brand[24], ref[56], auth[24];

		p->card_charged = true;
		json_safe(l4, sizeof l4, r.last4);
		json_safe(brand, sizeof brand, r.brand);
		json_safe(ref, sizeof ref, r.terminal_ref);
		json_safe(auth, sizeof auth, r.auth_code);
		if (r.asked_status || asked)
			snprintf(p->note, sizeof p->note, "Card %s: answer lost, confirmed by asking the terminal.", r.last4);
		else
			snprintf(p->note, sizeof p->note, "%s.", r.message);
		if (cash_cents > 0)
			snprintf(p->record, sizeof p->record,
			         "{\"method\":\"split\",\"parts\":[{\"method\":\"cash\",\"amount_cents\":%lld,"
			         "\"tendered_cents\":%lld},{\"method\":\"card\",\"amount_cents\":%lld,"
			         "\"last4\":\"%s\",\"brand\":\"%s\",\"terminal_ref\":\"%s\",\"auth_code\":\"%s\"}]}",
			         cash_cents, s->tendered_cents, card_cents, l4, brand, ref, auth);
		else
			snprintf(p->record, sizeof p->record,
			         "{\"method\":\"card\",\"amount_cents\":%lld,\"last4\":\"%s\",\"brand\":\"%s\","
			         "\"terminal_ref\":\"%s\",\"auth_code\":\"%s\"}",
			         card_cents, l4, brand, ref, auth);
		payment_record(ui, p);
		break;
	}
	case CARD_DECLINED:
		p->phase = PHASE_INPUT;
		s->card_key[0] = '\0';
		ui_say(ui, UI_ERR, "%s. Try another card%s.", r.message, ui->kiosk ? "" : " or cash");
		break;
	case CARD_NOT_FOUND:
	case CARD_TIMEOUT:
	case CARD_ERROR:
		p->phase = PHASE_INPUT;
		s->card_key[0] = '\0';
		ui_say(ui, UI_ERR, "The card terminal did not answer; the card was NOT charged. Try again.");
		break;
	case CARD_UNKNOWN:
		p->phase = PHASE_UNKNOWN;
		ui_say(ui, UI_ERR, "Outcome unknown. F5 asks the terminal again (the card is never charged twice).");
		break;
	}
}

/* The payment step, run from tick so "Processing" is on screen first. */
static void
payment_run(struct ui *ui, struct payment *p)
{
	struct sale *s = &ui->sale;
	long long due = cart_due(&s->cart), change, card;
	char oid[24], uid[24];
	const char *params[3] = { uid_param(ui, uid), oid, NULL };
	PGresult *res;

	if (p->record[0] != '\0') {	/* approved earlier, not recorded yet */
		payment_record(ui, p);
		return;
	}
	if (!p->unknown) {
		/* Payment in progress: the database gives the hold a little more time. */
		snprintf(oid, sizeof oid, "%lld", s->order_id);
		if (s->start_rid[0] == '\0')
			db_request_id(s->start_rid);
		params[2] = s->start_rid;
		res = db_exec(ui->db, DB_SAFE, "SELECT * FROM api.payment_start($1, $2, $3::uuid)", 3, params);
		if (res == NULL) {
			p->phase = PHASE_INPUT;
			ui_say(ui, UI_ERR, "Database connection lost - press Enter to try again.");
			return;
		}
		if (strcmp(db_value(res, 0, "start_status"), "expired") == 0) {
			PQclear(res);
			p->phase = PHASE_EXPIRED;
			s->expired = true;
			ui_say(ui, UI_ERR, "The hold on these seats expired. Enter: try the same seats again. Esc: seat map.");
			return;
		}
		PQclear(res);
		s->start_rid[0] = '\0';
		(void)ui_sale_refresh(ui);
		due = cart_due(&s->cart);
	}
	switch (p->method) {
	case PAY_CASH:
		s->tendered_cents = due;
		if (p->amount[0] != '\0' && money_parse(p->amount, &s->tendered_cents) != 0) {
			p->phase = PHASE_INPUT;
			ui_say(ui, UI_ERR, "Type the cash tendered, like 50 or 20.00.");
			return;
		}
		if (cash_change(due, s->tendered_cents, &change) != 0) {
			p->phase = PHASE_INPUT;
			ui_say(ui, UI_ERR, "Tendered is less than the amount due.");
			return;
		}
		s->change_cents = change;
		snprintf(p->record, sizeof p->record,
		         "{\"method\":\"cash\",\"amount_cents\":%lld,\"tendered_cents\":%lld}", due,
		         s->tendered_cents);
		payment_record(ui, p);
		return;
	case PAY_CARD:
		s->change_cents = 0;
		payment_card(ui, p, due, 0);
		return;
	case PAY_SPLIT:
		if (money_parse(p->amount, &s->tendered_cents) != 0 ||
		    split_parts(due, s->tendered_cents, &card) != 0) {
			p->phase = PHASE_INPUT;
			ui_say(ui, UI_ERR, "Type the cash part: more than 0, less than what is due.");
			return;
		}
		s->change_cents = 0;
		payment_card(ui, p, card, s->tendered_cents);
		return;
	}
}

static void
field_key(char *buf, size_t size, int key, bool digits_only)
{
	size_t len = strlen(buf);

	if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
		buf[len - 1] = '\0';
	else if (key == 21)
		buf[0] = '\0';
	else if (((key >= '0' && key <= '9') || (!digits_only && key == '.')) && len + 1 < size) {
		buf[len] = (char)key;
		buf[len + 1] = '\0';
	}
}

static int
payment_key(struct ui *ui, int key)
{
	struct payment *p = ui->data;
	struct sale *s = &ui->sale;

	if (p->phase == PHASE_PAYING)
		return UI_HANDLED;
	if (p->record[0] != '\0' && key != '\r' && key != '\n' && key != KEY_ENTER && key != KEY_F(12)) {
		/* A payment waits to be recorded exactly as it was: nothing may change it. */
		ui_say(ui, UI_ERR, "This payment is waiting for the database: press Enter to finish it.");
		return UI_REDRAW;
	}
	if (p->phase == PHASE_EXPIRED || s->expired) {
		if (key == '\r' || key == '\n' || key == KEY_ENTER || key == KEY_F(12)) {
			s->order_id = 0;
			if (ui_sale_hold(ui) == 0)
				ui_goto(ui, &screen_tickets);
		} else if (key == 27 || key == KEY_F(11))
			ui_goto(ui, &screen_seatmap);
		return UI_REDRAW;
	}
	switch (key) {
	case KEY_F(2):
		if (ui->kiosk)
			return UI_HANDLED;
		p->method = PAY_CASH;
		p->focus = 0;
		break;
	case KEY_F(3):
		p->method = PAY_CARD;
		p->focus = 1;
		break;
	case KEY_F(4):
		if (ui->kiosk)
			return UI_HANDLED;
		p->method = PAY_SPLIT;
		p->focus = 0;
		break;
	case '\t':
		if (p->method == PAY_SPLIT && card_is_simulated(&ui->card))
			p->focus = !p->focus;
		break;
	case KEY_F(5):
		if (p->unknown) {
			p->phase = PHASE_PAYING;	/* ask the terminal again, in tick */
			ui_say(ui, 0, "Asking the card terminal what happened...");
		}
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(12):
		if (p->unknown) {
			ui_say(ui, UI_ERR, "The last card charge is unresolved: F5 asks the terminal about it.");
			break;
		}
		p->phase = PHASE_PAYING;
		ui_say(ui, 0, "%s", p->method == PAY_CASH ? "Recording the cash payment..." :
		                    "Present the card on the terminal...");
		break;
	case 27:
	case KEY_F(11):
		if (p->record[0] != '\0' || p->unknown) {
			ui_say(ui, UI_ERR, "A card payment is in flight: finish it first (Enter / F5).");
			break;
		}
		ui_goto(ui, &screen_tickets);
		break;
	default:
		if (p->focus == 0 && p->method != PAY_CARD)
			field_key(p->amount, sizeof p->amount, key, false);
		else if (card_is_simulated(&ui->card))
			field_key(p->card, sizeof p->card, key, true);
		else
			return UI_HANDLED;
	}
	return UI_REDRAW;
}

static int
payment_tick(struct ui *ui)
{
	struct payment *p = ui->data;
	struct sale *s = &ui->sale;

	if (p->phase == PHASE_PAYING) {
		payment_run(ui, p);
		return UI_REDRAW;
	}
	if (p->phase == PHASE_INPUT && p->record[0] == '\0' && s->order_id != 0 && !s->expired &&
	    ui_sale_seconds_left(ui) == 0) {
		s->expired = true;
		p->phase = PHASE_EXPIRED;
		ui_say(ui, UI_ERR, "The hold on these seats expired. Enter: try the same seats again. Esc: seat map.");
		return UI_REDRAW;
	}
	return 0;
}

static void
payment_draw(struct ui *ui)
{
	char ft[1024];
	struct payment *p = ui->data;
	struct sale *s = &ui->sale;
	long long due = cart_due(&s->cart), tendered = 0, change = 0, card = 0;
	char m1[32], m2[32];
	int y = 5, x = 2;
	static const char *const names[] = { "CASH", "CARD", "SPLIT (cash + card)" };

	ui_draw_header(ui, "payment");
	attron(A_BOLD);
	textfit(ft, sizeof ft, s->title, COLS / 2, 0);
	mvprintw(2, 1, "%s", ft);
	attroff(A_BOLD);
	printw("  %s", s->when);
	ui_draw_countdown(ui, 3, 1);
	printw("   seats:");
	for (int i = 0; i < s->cart.n; i++)
		printw(" %s", s->cart.line[i].seat);
	attron(A_BOLD);
	mvprintw(y, x, "Amount due   %s", cart_money(m1, sizeof m1, due, s->cart.currency));
	attroff(A_BOLD);
	mvprintw(y + 1, x, "Method       %s", names[p->method]);
	if (!ui->kiosk) {
		ui_draw_button(ui, y + 1, 40, 10, 1, "F2 Cash", KEY_F(2), p->method == PAY_CASH);
		ui_draw_button(ui, y + 1, 51, 10, 1, "F3 Card", KEY_F(3), p->method == PAY_CARD);
		ui_draw_button(ui, y + 1, 62, 11, 1, "F4 Split", KEY_F(4), p->method == PAY_SPLIT);
	}
	y += 3;
	if (p->method == PAY_CASH) {
		ui_draw_text_box(y, x, 12, "Tendered    ", p->amount[0] != '\0' ? p->amount : "", p->focus == 0, false);
		if (p->amount[0] == '\0')
			mvprintw(y, x + 27, "(empty = exact amount)");
		tendered = due;
		if (p->amount[0] != '\0' && money_parse(p->amount, &tendered) != 0)
			tendered = -1;
		if (tendered >= 0 && cash_change(due, tendered, &change) == 0) {
			attron(A_BOLD | COLOR_PAIR(PAIR_OK));
			mvprintw(y + 2, x, "Change due   %s", cart_money(m2, sizeof m2, change, s->cart.currency));
			attroff(A_BOLD | COLOR_PAIR(PAIR_OK));
		} else
			mvprintw(y + 2, x, "Change due   (tendered is less than due)");
	} else {
		if (p->method == PAY_SPLIT) {
			ui_draw_text_box(y, x, 12, "Cash part   ", p->amount, p->focus == 0, false);
			if (money_parse(p->amount, &tendered) == 0 && split_parts(due, tendered, &card) == 0)
				mvprintw(y + 1, x, "Card part    %s", cart_money(m2, sizeof m2, card, s->cart.currency));
			y += 2;
		}
		if (ui->kiosk) {
			attron(A_BOLD);
			ui_draw_big(y, x, "CARD");
			attroff(A_BOLD);
			mvprintw(y + 6, x, "Insert, swipe or tap your card on the card reader.");
			y += 7;
		} else
			mvprintw(y, x, "The customer presents the card on the card terminal.");
		if (card_is_simulated(&ui->card))
			ui_draw_text_box(y + 1, x, 20, "Test terminal card", p->card, p->focus == 1, false);
	}
	if (p->phase == PHASE_PAYING) {
		attron(A_BOLD | A_BLINK);
		mvprintw(LINES - 5, x, "%s", p->method == PAY_CASH ? "Recording payment..." : "Waiting for the card terminal...");
		attroff(A_BOLD | A_BLINK);
	} else if (p->phase == PHASE_UNKNOWN) {
		attron(COLOR_PAIR(PAIR_ERR) | A_BOLD);
		mvprintw(LINES - 5, x, "OUTCOME UNKNOWN - F5 asks the terminal. Do not charge again.");
		attroff(COLOR_PAIR(PAIR_ERR) | A_BOLD);
	} else if (p->phase == PHASE_EXPIRED || s->expired) {
		attron(COLOR_PAIR(PAIR_ERR) | A_BOLD);
		mvprintw(LINES - 5, x, "HOLD EXPIRED - Enter holds the same seats again, Esc chooses others.");
		attroff(COLOR_PAIR(PAIR_ERR) | A_BOLD);
	}
	if (p->note[0] != '\0')
		mvprintw(LINES - 4, x, "%.*s", COLS - 4, p->note);
	if (ui->kiosk) {
		ui_draw_button(ui, LINES - 3, 2, 12, 1, "Back", 27, false);
		ui_draw_button(ui, LINES - 3, COLS - 16, 14, 1, "Pay now", '\r', true);
		ui_draw_footer(ui, "Card only at this kiosk.  Pay now, then follow the card reader.");
	} else
		ui_draw_footer(ui, "F2 cash  F3 card  F4 split  digits: amount  Enter/F12 pay  F5 ask terminal  Esc back");
}

const struct screen screen_payment = {
	.name = "payment",
	.enter = payment_enter,
	.leave = payment_leave,
	.key = payment_key,
	.draw = payment_draw,
	.tick = payment_tick,
};
