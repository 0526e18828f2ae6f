/* screen-confirm.c - the sale is paid: the booking code big on screen, change
 * due, print the tickets, offer an e-mailed receipt. */
#include "ui.h"
#include "ids.h"
#include "tickets.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct confirm {
	bool	typing;		/* the e-mail field has the keys */
	char	email[80];
	char	rid[37];	/* request id of the receipt e-mail */
	double	entered;
	int	printing;	/* 1: asked, "Printing..." not yet drawn; 2: drawn, print now */
	struct tender tenders[8];	/* how it was paid, as recorded */
	int	ntenders;
};

static void
confirm_enter(struct ui *ui)
{
	struct confirm *c = xcalloc(1, sizeof *c);
	char *cause = NULL;

	ui->data = c;
	c->entered = ui_now();
	/* A split payment: each tender is listed (a failure only hides the list). */
	if ((c->ntenders = client_sale_tenders(ui->db, ui_session(ui), ui->sale.booking_code, c->tenders, 8, &cause)) < 0) {
		c->ntenders = 0;
		free(cause);
	}
}

static void
confirm_leave(struct ui *ui)
{
	free(ui->print_problem);
	ui->print_problem = NULL;
	free(ui->data);
	ui->data = NULL;
	/* The sale is over: forget it without cancelling anything. */
	ui->sale.order_id = 0;
	ui->sale.nseats = 0;
	ui->sale.paid_how[0] = '\0';
	cart_clear(&ui->sale.cart);
}

/* F6: the tickets print in the background (ui_print_tickets). */
static void
confirm_print(struct ui *ui)
{
	free(ui->print_problem);
	ui->print_problem = NULL;
	ui_print_tickets(ui);
}

static void
confirm_email(struct ui *ui, struct confirm *c)
{
	char *message = NULL;
	int rc = client_email_receipt(ui->db, ui_session(ui), ui->sale.order_id, c->email, c->rid, &message);

	ui_say(ui, rc == 0 ? UI_OK : UI_ERR, "%s", message);
	free(message);
	if (rc == 0)
		c->typing = false;
}

static int
confirm_key(struct ui *ui, int key)
{
	struct confirm *c = ui->data;
	size_t len = strlen(c->email);

	if (c->typing) {
		if (key == '\r' || key == '\n' || key == KEY_ENTER || key == KEY_F(12))
			confirm_email(ui, c);
		else if (key == 27)
			c->typing = false;
		else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
			c->email[len - 1] = '\0';
		else if (key == 21)	/* Ctrl-U */
			c->email[0] = '\0';
		else if (key > 32 && key < 127 && len + 1 < sizeof c->email) {
			c->email[len] = (char)key;
			c->email[len + 1] = '\0';
			c->rid[0] = '\0';
		}
		return UI_REDRAW;
	}
	switch (key) {
	case KEY_F(6):
	case 'p': {
		char pretty[BOOKCODE_LEN + 2];

		/* Printing may wait for the printer (print_wait): say so first;
		 * the print itself runs from the tick once this is on screen. */
		bookcode_pretty(ui->sale.booking_code, pretty);
		ui_say(ui, 0, "Printing the tickets of %s...", pretty);
		c->printing = 1;
		break;
	}
	case KEY_F(7):
	case 'e':
		c->typing = true;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(12):
	case 27:
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, ui->kiosk ? &screen_attract : &screen_listing);
		break;
	default:
		return UI_HANDLED;
	}
	return UI_REDRAW;
}

static int
confirm_tick(struct ui *ui)
{
	struct confirm *c = ui->data;

	if (c->printing == 1) {
		c->printing = 2;
		return UI_REDRAW;
	}
	if (c->printing == 2) {
		c->printing = 0;
		confirm_print(ui);
		return UI_REDRAW;
	}
	/* A kiosk goes home by itself a while after the sale. */
	if (ui->kiosk && !c->typing && ui_now() - c->entered > 60 && ui_now() - ui->last_input > 30)
		ui_goto(ui, &screen_attract);
	return 0;
}

static void
confirm_draw(struct ui *ui)
{
	char ft[1024];
	struct confirm *c = ui->data;
	struct sale *s = &ui->sale;
	char pretty[BOOKCODE_LEN + 2], money[32];
	int w, y = 3;

	ui_draw_header(ui, "paid");
	bookcode_pretty(s->booking_code, pretty);
	attron(COLOR_PAIR(PAIR_OK) | A_BOLD);
	mvprintw(2, 1, "PAID - %s.  Booking code:", s->paid_how);
	attroff(COLOR_PAIR(PAIR_OK) | A_BOLD);
	w = ui_big_width(pretty);
	if (w < COLS && LINES >= 24) {
		attron(COLOR_PAIR(PAIR_TITLE) | A_BOLD);
		ui_draw_big(y + 1, (COLS - w) / 2, pretty);
		attroff(COLOR_PAIR(PAIR_TITLE) | A_BOLD);
		y += 7;
	} else
		y += 1;
	attron(A_BOLD);
	mvprintw(y, (COLS - 20) / 2, "Booking  %s", pretty);
	attroff(A_BOLD);
	textfit(ft, sizeof ft, s->title, COLS / 2, 0);
	mvprintw(y + 2, 2, "%s  %s  %s", ft, s->when, s->hall);
	mvprintw(y + 3, 2, "Seats:");
	for (int i = 0; i < s->cart.n; i++)
		printw(" %s(%s)", s->cart.line[i].seat, s->cart.line[i].type);
	mvprintw(y + 4, 2, "Total %s", cart_money(money, sizeof money, s->cart.total_cents, s->cart.currency));
	if (strcmp(s->paid_how, "cash") == 0) {
		attron(A_BOLD | COLOR_PAIR(PAIR_OK));
		printw("   tendered %s", cart_money(money, sizeof money, s->tendered_cents, s->cart.currency));
		printw("   CHANGE DUE %s", cart_money(money, sizeof money, s->change_cents, s->cart.currency));
		attroff(A_BOLD | COLOR_PAIR(PAIR_OK));
	}
	for (int i = 0; c->ntenders > 1 && i < c->ntenders && y + 6 < LINES - 5; i++, y++) {
		const struct tender *t = &c->tenders[i];

		mvprintw(y + 5, 4, "%-24s %10s", t->what, cart_money(money, sizeof money, t->amount_cents, t->currency));
		if (t->tendered_cents > t->amount_cents) {
			char change[32];

			printw("   tendered %s, change %s", cart_money(money, sizeof money, t->tendered_cents, t->currency),
			       cart_money(change, sizeof change, t->tendered_cents - t->amount_cents, t->currency));
		}
	}
	if (c->ntenders > 1)
		y++;
	if (c->typing)
		ui_draw_text_box(y + 6, 2, 40, "E-mail receipt to:", c->email, true, false);
	else if (ui->print_problem != NULL) {
		attron(COLOR_PAIR(PAIR_ERR));
		ui_draw_wrap(y + 6, 2, COLS - 4, LINES - 5 - (y + 6), ui->print_problem);
		attroff(COLOR_PAIR(PAIR_ERR));
	}
	ui_draw_button(ui, LINES - 4, 2, 18, 1, ui->kiosk ? "Print tickets" : "F6 Print tickets", KEY_F(6), false);
	ui_draw_button(ui, LINES - 4, 22, 18, 1, ui->kiosk ? "E-mail receipt" : "F7 E-mail receipt", KEY_F(7), false);
	ui_draw_button(ui, LINES - 4, COLS - 20, 18, 1, ui->kiosk ? "Done" : "Enter Next sale", '\r', true);
	if (c->typing && ui->kiosk) {
		ui_draw_button(ui, y + 8, 2, 12, 1, "Send", '\r', true);
		ui_draw_button(ui, y + 8, 16, 12, 1, "Cancel", 27, false);
	}
	ui_draw_footer(ui, c->typing ? (ui->kiosk ? "Type your e-mail address, then touch Send." :
	                                "Type the e-mail address, Enter sends, Esc cancels") :
	               ui->kiosk ? "Touch Print tickets, E-mail receipt, or Done. Enjoy the show!" :
	                           "F6 print  F7 e-mail receipt  Enter next sale");
}

const struct screen screen_confirm = {
	.name = "confirm",
	.enter = confirm_enter,
	.leave = confirm_leave,
	.key = confirm_key,
	.draw = confirm_draw,
	.tick = confirm_tick,
};
