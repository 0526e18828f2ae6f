/* screen-account.c - kiosk customer accounts: sign in or register with
 * e-mail and password (Argon2id, same lock-out window as staff), then see
 * your bookings. Guests never need this to buy. */
#include "ui.h"
#include "auth.h"
#include "client-account.h"
#include "client-booking.h"
#include "ui-list.h"
#include "ids.h"
#include "tickets.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

/* A touch on the e-mail or the password field. */
enum { ACCOUNT_TOUCH_EMAIL = 1401, ACCOUNT_TOUCH_PASSWORD };

struct account {
	char		 email[80];
	char		 pass[65];
	int		 focus;		/* 0 e-mail, 1 password */
	bool		 registering;
	struct bookings	 bookings;
	struct ui_list	 list;		/* the bookings: a touch on one is 1300 + row */
	char		 rid[37];
	int		 cancel;	/* the booking Cancel booking was touched for once, or -1 */
};

static void
account_enter(struct ui *ui)
{
	struct account *a = xcalloc(1, sizeof *a);

	a->list.click_key = 1300;
	a->cancel = -1;
	ui->data = a;
}

static void
account_leave(struct ui *ui)
{
	struct account *a = ui->data;

	sodium_memzero(a->pass, sizeof a->pass);
	bookings_free(&a->bookings);
	free(a);
	ui->data = NULL;
}

static void
account_load(struct ui *ui, struct account *a)
{
	char *cause = NULL;

	bookings_free(&a->bookings);
	if (client_bookings(ui->db, ui->customer_session, &a->bookings, &cause) != 0) {
		ui_fail(ui, cause, "Sorry, your bookings cannot be shown just now. Please ask at the counter.");
		free(cause);
	}
	ui_list_set(&a->list, a->bookings.n);
}

/* Signs the customer in (or registers them) from what was typed. */
static void
account_submit(struct ui *ui, struct account *a)
{
	struct person who;
	char *cause = NULL;
	int rc;

	if (a->registering)
		rc = client_register(ui->db, ui->app->cfg.terminal, a->email, a->pass, a->rid, &who, &cause);
	else
		rc = client_sign_in(ui->db, ui->app->cfg.terminal, false, a->email, a->pass, &who, &cause);
	if (rc != 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		return;
	}
	/* A guest session of this customer's ends (with any hold it made): from
	 * now on they act as themselves. */
	ui_sale_abandon(ui);
	ui_sign_out(ui, false);
	ui->customer_id = who.user_id;
	strlcpy_m(ui->customer_session, who.session, sizeof ui->customer_session);
	sodium_memzero(who.session, sizeof who.session);
	strlcpy_m(ui->customer_name, who.full_name[0] != '\0' ? who.full_name : a->email, sizeof ui->customer_name);
	ui_say(ui, UI_OK, "%s", a->registering ? "Welcome! You are registered and signed in." :
	                                         "Signed in. Your bookings are below; buy as usual.");
	account_load(ui, a);
}

/* Prints the tickets of the booking under the cursor (collect at the kiosk). */
static void
account_collect(struct ui *ui, struct account *a)
{
	char *cause = NULL, pretty[BOOKCODE_LEN + 2];
	const char *code;

	if (a->list.cur >= a->bookings.n)
		return;
	if (strcmp(a->bookings.v[a->list.cur].status, "success") != 0) {
		ui_say(ui, UI_ERR, "That booking was refunded; there are no tickets to print.");
		return;
	}
	code = a->bookings.v[a->list.cur].booking_code;
	bookcode_pretty(code, pretty);
	if (tickets_print(ui->app, ui->db, ui->customer_session, code, &cause) >= 0)
		ui_say(ui, UI_OK, "Your tickets are printing. Enjoy the show!");
	else {
		char *said = xasprintf("%s not printed: %s", pretty, cause);

		ui_fail_collect(ui, said, pretty);
		free(said);
		free(cause);
	}
}

/* Cancels the booking under the cursor (refunded to the card that paid,
 * within the policy): the first touch asks, the second does it. */
static void
account_cancel(struct ui *ui, struct account *a)
{
	struct refund_answer ans;
	char pretty[BOOKCODE_LEN + 2];

	if (a->list.cur >= a->bookings.n || strcmp(a->bookings.v[a->list.cur].status, "success") != 0) {
		ui_say(ui, UI_ERR, "Only a paid booking can be cancelled.");
		return;
	}
	bookcode_pretty(a->bookings.v[a->list.cur].booking_code, pretty);
	if (a->cancel != a->list.cur) {
		a->cancel = a->list.cur;
		ui_say(ui, UI_ERR, "Cancel %s and refund it to your card? Touch Cancel booking again.", pretty);
		return;
	}
	a->cancel = -1;
	client_booking_cancel(ui->db, ui->customer_session, a->bookings.v[a->list.cur].booking_code,
	                      ui->card.driver != NULL ? &ui->card : NULL, &ans);
	ui_say(ui, ans.outcome == REFUND_DONE ? UI_OK : UI_ERR, "%s", ans.message);
	account_load(ui, a);
}

static int
account_key(struct ui *ui, int key)
{
	struct account *a = ui->data;

	if (ui->customer_id != 0) {
		switch (ui_list_key(&a->list, key)) {
		case UI_LIST_MOVED:
			return UI_REDRAW;
		case UI_LIST_CLICKED:
			account_collect(ui, a);
			return UI_REDRAW;
		case UI_LIST_NONE:
			break;
		}
		if (key == KEY_F(6) || key == '\r' || key == '\n' || key == KEY_ENTER) {
			account_collect(ui, a);
			return UI_REDRAW;
		}
		if (key == KEY_F(7)) {
			account_cancel(ui, a);
			return UI_REDRAW;
		}
		a->cancel = -1;
	}
	char *buf = a->focus == 0 ? a->email : a->pass;
	size_t size = a->focus == 0 ? sizeof a->email : sizeof a->pass, len = strlen(buf);

	switch (key) {
	case 27:
	case KEY_F(11):
		ui_goto(ui, ui->customer_id != 0 ? &screen_listing : &screen_attract);
		return UI_REDRAW;
	case KEY_F(5):
		if (ui->customer_id != 0) {
			ui_goto(ui, &screen_listing);
			return UI_REDRAW;
		}
		return UI_HANDLED;
	case KEY_F(2):
		a->registering = !a->registering;
		a->rid[0] = '\0';
		return UI_REDRAW;
	case KEY_F(10):
		ui_sign_out(ui, false);
		bookings_free(&a->bookings);
		ui_list_set(&a->list, 0);
		memset(a->email, 0, sizeof a->email);
		sodium_memzero(a->pass, sizeof a->pass);
		a->focus = 0;
		a->registering = false;
		a->rid[0] = '\0';
		ui_say(ui, 0, "Signed out.");
		return UI_REDRAW;
	case ACCOUNT_TOUCH_EMAIL:
	case ACCOUNT_TOUCH_PASSWORD:
		a->focus = key == ACCOUNT_TOUCH_PASSWORD;
		return UI_REDRAW;
	case '\t':
	case KEY_UP:
	case KEY_DOWN:
		a->focus = !a->focus;
		return UI_REDRAW;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (a->focus == 0) {
			a->focus = 1;
			return UI_REDRAW;
		}
		account_submit(ui, a);
		sodium_memzero(a->pass, sizeof a->pass);
		return UI_REDRAW;
	default:
		if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
			buf[len - 1] = '\0';
		else if (key >= 32 && key < 127 && len + 1 < size) {
			buf[len] = (char)key;
			buf[len + 1] = '\0';
			a->rid[0] = '\0';
		}
		return UI_REDRAW;
	}
}

/* Draws booking i at line y (the list's callback). */
static void
account_draw_row(struct ui *ui, void *arg, int i, int y, bool hot)
{
	struct account *a = arg;
	const struct booking *b = &a->bookings.v[i];
	char pretty[BOOKCODE_LEN + 2], ft[128];
	int x = 4;

	(void)ui;
	bookcode_pretty(b->booking_code, pretty);
	if (hot)
		attron(A_REVERSE);
	mvprintw(y, x, "%-10s  %-16s  %s %-8s %.*s", pretty, b->starts, UI_FIT(ft, b->title, 24),
	         strcmp(b->status, "success") == 0 ? "paid" : b->status, COLS - x - 66 > 4 ? COLS - x - 66 : 4,
	         b->seats);
	if (hot)
		attroff(A_REVERSE);
}

static void
account_draw(struct ui *ui)
{
	struct account *a = ui->data;
	int y = 3, x = 4;

	ui_draw_header(ui, "my account");
	if (ui->customer_id == 0) {
		attron(A_BOLD);
		mvprintw(y, x, "%s", a->registering ? "Register (guests can always buy without an account)" :
		                                      "Sign in to see and collect your bookings");
		attroff(A_BOLD);
		/* the fields are touch targets: registered first, drawn over */
		if (ui->nbuttons + 2 <= UI_MAX_BUTTONS) {
			ui->buttons[ui->nbuttons++] = (struct ui_button){ y + 2, x, 1, 46, ACCOUNT_TOUCH_EMAIL };
			ui->buttons[ui->nbuttons++] = (struct ui_button){ y + 4, x, 1, 46, ACCOUNT_TOUCH_PASSWORD };
		}
		ui_draw_text_box(y + 2, x, 36, "E-mail   ", a->email, a->focus == 0, false);
		ui_draw_text_box(y + 4, x, 36, "Password ", a->pass, a->focus == 1, true);
		ui_draw_button(ui, y + 6, x, 20, 1, a->registering ? "Register" : "Sign in", '\r', true);
		ui_draw_button(ui, y + 6, x + 22, 24, 1, a->registering ? "I have an account" : "New? Register",
		               KEY_F(2), false);
		ui_draw_button(ui, y + 6, x + 48, 12, 1, "Back", 27, false);
		ui_draw_footer(ui, a->registering ? "Touch a field to type in it, then touch Register." :
		                                    "Touch a field to type in it, then touch Sign in.");
		return;
	}
	attron(A_BOLD);
	mvprintw(y, x, "Your bookings, %s", ui->customer_name);
	attroff(A_BOLD);
	if (a->bookings.n == 0)
		mvprintw(y + 2, x, "No bookings yet.");
	ui_list_draw(ui, &a->list, y + 2, x, COLS - x, LINES - 5 - (y + 2), account_draw_row, a);
	ui_draw_button(ui, LINES - 4, x, 14, 1, "Buy tickets", KEY_F(5), true);
	ui_draw_button(ui, LINES - 4, x + 15, 15, 1, "Print tickets", KEY_F(6), false);
	ui_draw_button(ui, LINES - 4, x + 31, 16, 1, "Cancel booking", KEY_F(7), false);
	ui_draw_button(ui, LINES - 4, x + 48, 10, 1, "Sign out", KEY_F(10), false);
	ui_draw_button(ui, LINES - 4, x + 59, 8, 1, "Back", 27, false);
	ui_draw_footer(ui, "Touch a booking, then Print tickets to collect it or Cancel booking.");
}

const struct screen screen_account = {
	.name = "account",
	.enter = account_enter,
	.leave = account_leave,
	.key = account_key,
	.draw = account_draw,
};
