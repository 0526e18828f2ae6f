/* screen-payment.c - taking the money: cash (tendered, change due), card
 * through the card terminal driver, or split (cash part + card for the rest).
 * The database says "paid"; one request id per payment survives a lost
 * connection, and an approved card charge is never made twice: an unknown
 * outcome is settled by asking the terminal about the same key. */
#include "ui.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

enum pay_phase { PHASE_INPUT, PHASE_PAYING, PHASE_UNKNOWN, PHASE_EXPIRED };

struct payment {
	enum pay_method	 method;
	enum pay_phase	 phase;
	int		 focus;		/* 0 amount, 1 card number */
	char		 amount[16];	/* cash tendered, or the cash part of a split */
	char		 card[24];	/* test terminal: the card presented */
};

static void
payment_enter(struct ui *ui)
{
	struct payment *p = xcalloc(1, sizeof *p);

	ui->data = p;
	p->method = ui->kiosk ? PAY_CARD : PAY_CASH;
	p->focus = ui->kiosk ? 1 : 0;
	client_sale_note_clear(&ui->sale);
	(void)ui_sale_refresh(ui);
	if (ui->card.driver == NULL && ui->card_error[0] != '\0') {
		char *cause = xasprintf("Card terminal: %s", ui->card_error);

		ui_fail(ui, cause, "Sorry, card payments are not working just now. Please pay at the counter.");
		free(cause);
	}
}

static void
payment_leave(struct ui *ui)
{
	free(ui->data);
	ui->data = NULL;
}

/* The payment step, run from tick so "Processing" is on screen first: the
 * client does the sequence; the phase follows its answer. */
static void
payment_run(struct ui *ui, struct payment *p)
{
	struct sale_pay how = {
		.method = p->method,
		.amount = p->amount,
		.card = &ui->card,
		.card_error = ui->card_error,
		.card_number = p->card,
		.drawer_queue = ui->kiosk ? NULL : ui->app->cfg.receipt_queue,
		.kiosk = ui->kiosk,
	};
	struct sale_answer ans;

	client_sale_pay(ui->db, ui_session(ui), &ui->sale, &how, &ans);
	ui_say(ui, ans.trouble ? UI_ERR : UI_OK, "%s", ans.message);
	switch (ans.outcome) {
	case SALE_PAID:
		p->phase = PHASE_INPUT;
		ui->exchange.owed = false;
		ui_goto(ui, &screen_confirm);
		break;
	case SALE_AGAIN:
		p->phase = PHASE_INPUT;
		break;
	case SALE_EXPIRED:
		p->phase = PHASE_EXPIRED;
		break;
	case SALE_UNKNOWN:
		p->phase = PHASE_UNKNOWN;
		break;
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
	if (s->record[0] != '\0' && key != '\r' && key != '\n' && key != KEY_ENTER && key != KEY_F(12)) {
		/* A payment waits to be recorded exactly as it was: nothing may change it. */
		ui_say(ui, UI_ERR, "This payment is waiting for the database: press Enter to finish it.");
		return UI_REDRAW;
	}
	if (p->phase == PHASE_EXPIRED || s->expired) {
		ui->exchange.owed = false;	/* expired: the credit went back to the old tenders */
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
		if (s->card_unknown) {
			p->phase = PHASE_PAYING;	/* ask the terminal again, in tick */
			ui_say(ui, 0, "Asking the card terminal what happened...");
		}
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(12):
		if (s->card_unknown) {
			ui_say(ui, UI_ERR, "The last card charge is unresolved: F5 asks the terminal about it.");
			break;
		}
		p->phase = PHASE_PAYING;
		ui_say(ui, 0, "%s", p->method == PAY_CASH ? "Recording the cash payment..." :
		                    "Present the card on the terminal...");
		break;
	case 27:
	case KEY_F(11):
		if (s->record[0] != '\0' || s->card_unknown) {
			ui_say(ui, UI_ERR, "A card payment is in flight: finish it first (Enter / F5).");
			break;
		}
		if (ui->exchange.owed && !s->expired) {
			/* Back would cancel it: the old seats are gone already. */
			ui_say(ui, UI_ERR, "The exchange is made: take the difference. Unpaid, the new seats go back "
			       "when the hold runs out and the old seats' money is refunded.");
			break;
		}
		ui->exchange.owed = false;
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
	if (p->phase == PHASE_INPUT && s->record[0] == '\0' && s->order_id != 0 && !s->expired &&
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
		if (card_is_simulated(&ui->card)) {
			ui_draw_text_box(y + 1, x, 20, "Test terminal card", p->card, p->focus == 1, false);
			if (p->card[0] == '\0')
				mvprintw(y + 1, x + 40, "(empty: an approved card)");
		}
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
	if (s->note[0] != '\0')
		mvprintw(LINES - 4, x, "%.*s", COLS - 4, s->note);
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
