/* screen-booking.c - the counter's bookings, from F8 on any counter screen:
 * a search box (booking code with or without its dash, #showtime, card
 * last four and day, e-mail or name), the bookings found, and one booking:
 * its film and show, each seat with type, price and state, the tenders
 * that paid and its history. From there: refund marked seats or all (a
 * manager approves after the cut-off with their own sign-in and a reason),
 * exchange marked seats or all to another show or other seats (the show
 * chosen here, the seats on the seat map, then confirmed here with the
 * difference shown: paid on the payment screen, or given back), reprint
 * with a reason, ask the card terminal again about card refunds. */
#include "ui.h"
#include "client-booking.h"
#include "client-exchange.h"
#include "ui-list.h"
#include "util.h"

#include <curses.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define BOOKING_MAX_SEATS 64

enum booking_prompt { PROMPT_NONE, PROMPT_REFUND, PROMPT_APPROVE, PROMPT_REPRINT, PROMPT_SHOWS, PROMPT_EXCHANGE };

struct booking_screen {
	char			 query[64];
	char			 searched[64];	/* the query the results are of */
	struct found_list	 found;
	struct ui_list		 list;		/* the results: a click on one is 1500 + row */
	int			 open;		/* the booking shown, or -1: the search */
	struct booking_view	 view;
	struct ui_list		 seats;		/* the booking's seats: a click is 1600 + row */
	bool			 marked[BOOKING_MAX_SEATS];
	enum booking_prompt	 prompt;
	int			 focus;		/* approval: 0 login, 1 password, 2 reason */
	char			 reason[100];
	char			 login[40];
	char			 pass[65];
	char			 rid[37];	/* the refund's or exchange's request id */
	bool			 approving_exchange;	/* the approval is of an exchange */
	struct exchange_shows	 shows;		/* where the booking may move */
	struct ui_list		 showlist;	/* a click is 1700 + row */
};

/* The screen F8 came from, where Esc goes back to, and the showtime of
 * its seat map, whose bookings the screen opens with. */
static const struct screen *booking_back;
static long long booking_show_id;

void
screen_booking_open(struct ui *ui)
{
	booking_back = ui->screen;
	booking_show_id = ui->screen == &screen_seatmap ? ui->sale.showtime_id : 0;
	ui_goto(ui, &screen_booking);
}

/* A booking's status in words for the screen. */
static const char *
booking_status_words(const char *status)
{
	static const struct client_words words[] = {
		{ "success", "paid" },
		{ "part_refunded", "part refunded" },
		{ "initiated", "held, unpaid" },
		{ "pending", "part paid" },
		{ "exchanged", "exchanged" },
		{ NULL, NULL },
	};

	return client_words(words, status, status);
}

static void booking_search(struct ui *ui, struct booking_screen *b, bool keep);

/* Ends the exchange under way (its new hold, if any, released). */
static void
booking_exchange_end(struct ui *ui)
{
	ui_sale_abandon(ui);
	ui->sale.nseats = 0;
	memset(&ui->exchange, 0, sizeof ui->exchange);
}

/* Back from the seat map of an exchange: the booking opens again, its
 * moving seats marked, and the exchange waits to be confirmed (or, no new
 * seats held, is over). */
static void
booking_exchange_back(struct ui *ui, struct booking_screen *b)
{
	struct ui_exchange *x = &ui->exchange;
	bool held = ui->sale.order_id != 0 && !ui->sale.expired;

	strlcpy_m(b->query, x->code, sizeof b->query);
	booking_search(ui, b, false);
	if (b->open < 0 || !held) {
		booking_exchange_end(ui);
		ui_say(ui, 0, "No exchange was made.");
		return;
	}
	for (int i = 0; i < b->view.nseats && i < BOOKING_MAX_SEATS; i++)
		for (int k = 0; k < x->nseats; k++)
			if (strcmp(b->view.seats[i].seat, x->seats[k]) == 0)
				b->marked[i] = true;
	b->prompt = PROMPT_EXCHANGE;
	b->reason[0] = b->rid[0] = '\0';
}

static void
booking_enter(struct ui *ui)
{
	struct booking_screen *b = xcalloc(1, sizeof *b);

	b->open = -1;
	b->list.click_key = 1500;
	b->seats.click_key = 1600;
	b->showlist.click_key = 1700;
	ui->data = b;
	ui_say(ui, 0, "%s", "");
	if (ui->exchange.order_id != 0)
		booking_exchange_back(ui, b);
	else if (booking_show_id > 0) {
		snprintf(b->query, sizeof b->query, "#%lld", booking_show_id);
		booking_search(ui, b, false);
	}
}

static void
booking_leave(struct ui *ui)
{
	struct booking_screen *b = ui->data;

	sodium_memzero(b->pass, sizeof b->pass);
	found_list_free(&b->found);
	booking_view_free(&b->view);
	exchange_shows_free(&b->shows);
	free(b);
	ui->data = NULL;
}

/* Shows booking i of the results (loads its seats, tenders and history). */
static void
booking_show(struct ui *ui, struct booking_screen *b, int i)
{
	char *cause = NULL;

	booking_view_free(&b->view);
	memset(b->marked, 0, sizeof b->marked);
	b->open = -1;
	if (i < 0 || i >= b->found.n)
		return;
	if (client_booking_load(ui->db, ui->staff_session, &b->found.v[i], &b->view, &cause) != 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		return;
	}
	b->open = i;
	ui_list_set(&b->seats, b->view.nseats);
	ui_say(ui, 0, "%s", "");
	if (b->view.cards_owed > 0)
		ui_say(ui, UI_ERR, "%d card refund%s not yet made by the card terminal: F7 asks it again.",
		       b->view.cards_owed, b->view.cards_owed == 1 ? "" : "s");
}

/* Searches for what was typed; one booking found is shown at once. With
 * keep, the booking shown stays shown (its data read again). */
static void
booking_search(struct ui *ui, struct booking_screen *b, bool keep)
{
	long long shown = b->open >= 0 ? b->found.v[b->open].order_id : 0;
	char *cause = NULL;
	int n;

	found_list_free(&b->found);
	booking_view_free(&b->view);
	b->open = -1;
	strlcpy_m(b->searched, b->query, sizeof b->searched);
	n = client_find_bookings(ui->db, ui->staff_session, b->query, &b->found, &cause);
	ui_list_set(&b->list, b->found.n);
	if (n < 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		return;
	}
	for (int i = 0; keep && i < n; i++)
		if (b->found.v[i].order_id == shown) {
			booking_show(ui, b, i);
			return;
		}
	if (!keep)
		ui_list_reset(&b->list);
	if (n == 1 && !keep)
		booking_show(ui, b, 0);
	else if (!keep)
		ui_say(ui, 0, n == 0 ? "No booking matches." : "%d bookings: Up/Down and Enter opens one.", n);
}

/* The labels of the marked seats into v (at most max). Returns how many. */
static int
booking_marked(struct booking_screen *b, const char **v, int max)
{
	int n = 0;

	for (int i = 0; i < b->view.nseats && i < BOOKING_MAX_SEATS && n < max; i++)
		if (b->marked[i])
			v[n++] = b->view.seats[i].seat;
	return n;
}

/* What the answer to a refund or exchange asks of the screen when it is
 * not final: a manager's approval (its prompt opens) or the same request
 * sent again (a lost answer). Returns whether it was one of those. */
static bool
booking_pending(struct ui *ui, struct booking_screen *b, enum refund_outcome outcome, const char *message,
                bool exchange)
{
	if (outcome == REFUND_NEEDS_APPROVAL) {
		b->prompt = PROMPT_APPROVE;
		b->approving_exchange = exchange;
		b->focus = 0;
		b->login[0] = '\0';
		ui_say(ui, UI_ERR, "%s", message);
		return true;
	}
	if (outcome == REFUND_LOST) {
		ui_say(ui, UI_ERR, "%s Enter sends it again.", message);
		return true;
	}
	return false;
}

/* Asks the database for the refund the prompt describes; approver is a
 * manager's session, or NULL. */
static void
booking_refund(struct ui *ui, struct booking_screen *b, const char *approver)
{
	const char *seats[BOOKING_MAX_SEATS];
	int n = booking_marked(b, seats, BOOKING_MAX_SEATS);
	struct refund_ask ask = {
		.session = ui->staff_session,
		.order_id = b->found.v[b->open].order_id,
		.seats = n > 0 ? seats : NULL,
		.nseats = n,
		.reason = b->reason,
		.approver = approver,
		.rid = b->rid,
		.card = ui->card.driver != NULL ? &ui->card : NULL,
		.drawer_queue = ui->app->cfg.receipt_queue,
		.currency = b->found.v[b->open].currency,
	};
	struct refund_answer ans;

	client_refund(ui->db, &ask, &ans);
	if (booking_pending(ui, b, ans.outcome, ans.message, false))
		return;
	b->prompt = PROMPT_NONE;
	if (ans.outcome == REFUND_DONE)
		booking_search(ui, b, true);
	ui_say(ui, ans.outcome == REFUND_DONE ? UI_OK : UI_ERR, "%s", ans.message);
}

/* The seats that move (the marked ones; none: every seat still sold) and
 * what they were worth, into the exchange under way. Returns how many. */
static int
booking_exchange_seats(struct booking_screen *b, struct ui_exchange *x)
{
	const char *marked[BOOKING_MAX_SEATS];
	int n = booking_marked(b, marked, BOOKING_MAX_SEATS);

	x->nseats = 0;
	x->count = 0;
	x->old_cents = 0;
	for (int i = 0; i < n && i < SALE_MAX_SEATS; i++)
		strlcpy_m(x->seats[x->nseats++], marked[i], sizeof x->seats[0]);
	for (int i = 0; i < b->view.nseats && i < BOOKING_MAX_SEATS; i++) {
		const struct booking_seat *s = &b->view.seats[i];

		if (n > 0 ? b->marked[i] : strcmp(s->state, "sold") == 0 || strcmp(s->state, "printed") == 0) {
			x->count++;
			x->old_cents += s->price_cents;
		}
	}
	return x->count;
}

/* F5: the exchange of the marked seats (none: all) starts with the choice
 * of the show, the booking's film's next show under the cursor. */
static void
booking_exchange_start(struct ui *ui, struct booking_screen *b)
{
	const struct found *f = &b->found.v[b->open];
	struct ui_exchange *x = &ui->exchange;
	char *cause = NULL;

	memset(x, 0, sizeof *x);
	if (booking_exchange_seats(b, x) == 0 || x->count > SALE_MAX_SEATS) {
		ui_say(ui, UI_ERR, x->count == 0 ? "No sold seat to exchange." : "At most %d seats move at once.",
		       SALE_MAX_SEATS);
		memset(x, 0, sizeof *x);
		return;
	}
	exchange_shows_free(&b->shows);
	if (client_exchange_shows(ui->db, ui->staff_session, f->order_id, &b->shows, &cause) <= 0) {
		ui_say(ui, UI_ERR, "%s", cause != NULL ? cause : "No show to move to.");
		free(cause);
		memset(x, 0, sizeof *x);
		return;
	}
	x->order_id = f->order_id;
	strlcpy_m(x->code, f->code, sizeof x->code);
	strlcpy_m(x->currency, f->currency, sizeof x->currency);
	ui_list_set(&b->showlist, b->shows.n);
	ui_list_reset(&b->showlist);
	b->prompt = PROMPT_SHOWS;
	ui_say(ui, 0, "Exchange %d seat(s): choose the show, Enter opens its seats.", x->count);
}

/* Enter on a show: its seat map opens for the new seats (a sale of the
 * exchange: nothing is held yet). */
static void
booking_exchange_seatmap(struct ui *ui, struct booking_screen *b)
{
	const struct exchange_show *sh;
	struct sale *s = &ui->sale;

	if (b->showlist.cur >= b->shows.n)
		return;
	sh = &b->shows.v[b->showlist.cur];
	ui_sale_abandon(ui);
	cart_clear(&s->cart);
	s->showtime_id = sh->showtime_id;
	strlcpy_m(s->title, sh->title, sizeof s->title);
	strlcpy_m(s->when, sh->when, sizeof s->when);
	strlcpy_m(s->hall, sh->hall, sizeof s->hall);
	s->nseats = 0;
	s->party = ui->exchange.count;
	b->prompt = PROMPT_NONE;
	ui_say(ui, 0, "%s", "");
	ui_goto(ui, &screen_seatmap);
}

/* Confirms the exchange (approver: a manager's session after the cut-off,
 * or NULL): the difference is then paid on the payment screen, or what
 * comes back is said and the new booking's paid screen prints its tickets. */
static void
booking_exchange(struct ui *ui, struct booking_screen *b, const char *approver)
{
	struct ui_exchange *x = &ui->exchange;
	const char *seats[SALE_MAX_SEATS];
	struct exchange_ask ask = {
		.session = ui->staff_session,
		.order_id = x->order_id,
		.seats = x->nseats > 0 ? seats : NULL,
		.nseats = x->nseats,
		.new_order_id = ui->sale.order_id,
		.reason = b->reason,
		.approver = approver,
		.rid = b->rid,
		.card = ui->card.driver != NULL ? &ui->card : NULL,
		.drawer_queue = ui->app->cfg.receipt_queue,
		.currency = x->currency,
	};
	struct exchange_answer ans;

	for (int i = 0; i < x->nseats; i++)
		seats[i] = x->seats[i];
	client_exchange(ui->db, &ask, &ans);
	if (booking_pending(ui, b, ans.outcome, ans.message, true))
		return;
	if (ans.outcome != REFUND_DONE) {
		b->prompt = PROMPT_NONE;
		booking_exchange_end(ui);
		booking_search(ui, b, true);
		ui_say(ui, UI_ERR, "%s", ans.message);
		return;
	}
	/* The new booking is the sale now: paid (the paid screen prints it) or
	 * waiting for the difference (the payment screen takes it). */
	memset(x, 0, sizeof *x);
	b->prompt = PROMPT_NONE;
	(void)ui_sale_refresh(ui);
	ui_say(ui, UI_OK, "%s", ans.message);
	if (ans.due_cents > 0) {
		x->owed = true;
		ui_goto(ui, &screen_payment);
		return;
	}
	snprintf(ui->sale.paid_how, sizeof ui->sale.paid_how, "exchanged%s", ans.refunded_cents > 0 ? ", money back" : "");
	ui_goto(ui, &screen_confirm);
}

/* A manager signs in on this terminal to approve the refund or exchange,
 * which is then asked again with their session; the session ends at once. */
static void
booking_approve(struct ui *ui, struct booking_screen *b)
{
	struct person mgr;
	char *cause = NULL;

	if (client_sign_in(ui->db, ui->app->cfg.terminal, true, b->login, b->pass, &mgr, &cause) != 0) {
		sodium_memzero(b->pass, sizeof b->pass);
		ui_say(ui, UI_ERR, "Not approved: %s", cause);
		free(cause);
		return;
	}
	sodium_memzero(b->pass, sizeof b->pass);
	if (b->approving_exchange)
		booking_exchange(ui, b, mgr.session);
	else
		booking_refund(ui, b, mgr.session);
	client_sign_out(ui->db, &mgr);
}

static void
booking_reprint(struct ui *ui, struct booking_screen *b)
{
	char *cause = NULL;
	int issue;

	b->prompt = PROMPT_NONE;
	issue = client_booking_reprint(ui->app, ui->db, ui->staff_session, &b->found.v[b->open],
	                               b->reason, &cause);
	booking_search(ui, b, true);
	if (issue < 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
	} else
		ui_say(ui, UI_OK, "Reprinted as issue %d: earlier copies no longer open the door.", issue);
}

/* A key typed into the text field buf (size bytes). Returns whether it was
 * one (a character or Backspace). */
static bool
booking_type(char *buf, size_t size, int key)
{
	size_t len = strlen(buf);

	if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0) {
		buf[len - 1] = '\0';
		return true;
	}
	if (key >= 32 && key < 127 && len + 1 < size) {
		buf[len] = (char)key;
		buf[len + 1] = '\0';
		return true;
	}
	return false;
}

static int
booking_prompt_key(struct ui *ui, struct booking_screen *b, int key)
{
	char *field = b->reason;
	size_t size = sizeof b->reason;

	if (key == 27) {
		if (b->prompt == PROMPT_SHOWS || b->prompt == PROMPT_EXCHANGE || b->approving_exchange)
			booking_exchange_end(ui);
		b->prompt = PROMPT_NONE;
		b->approving_exchange = false;
		sodium_memzero(b->pass, sizeof b->pass);
		ui_say(ui, 0, "Nothing was done.");
		return UI_REDRAW;
	}
	if (b->prompt == PROMPT_SHOWS) {
		switch (ui_list_key(&b->showlist, key)) {
		case UI_LIST_MOVED:
			return UI_REDRAW;
		case UI_LIST_CLICKED:
			booking_exchange_seatmap(ui, b);
			return UI_REDRAW;
		case UI_LIST_NONE:
			break;
		}
		if (key == '\r' || key == '\n' || key == KEY_ENTER)
			booking_exchange_seatmap(ui, b);
		return UI_REDRAW;
	}
	if (b->prompt == PROMPT_APPROVE) {
		if (key == '\t' || key == KEY_DOWN || ((key == '\r' || key == '\n' || key == KEY_ENTER) && b->focus < 2)) {
			b->focus = (b->focus + 1) % 3;
			return UI_REDRAW;
		}
		if (key == KEY_UP) {
			b->focus = (b->focus + 2) % 3;
			return UI_REDRAW;
		}
		if (b->focus == 0) {
			field = b->login;
			size = sizeof b->login;
		} else if (b->focus == 1) {
			field = b->pass;
			size = sizeof b->pass;
		}
	}
	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		if (b->prompt == PROMPT_REFUND)
			booking_refund(ui, b, NULL);
		else if (b->prompt == PROMPT_EXCHANGE)
			booking_exchange(ui, b, NULL);
		else if (b->prompt == PROMPT_APPROVE)
			booking_approve(ui, b);
		else
			booking_reprint(ui, b);
		return UI_REDRAW;
	}
	if (booking_type(field, size, key))
		b->rid[0] = '\0';	/* a changed request is a new action */
	return UI_REDRAW;
}

/* Keys on the booking shown. */
static int
booking_view_key(struct ui *ui, struct booking_screen *b, int key)
{
	const struct found *f = &b->found.v[b->open];
	bool paid = strcmp(f->status, "success") == 0 || strcmp(f->status, "part_refunded") == 0;

	switch (ui_list_key(&b->seats, key)) {
	case UI_LIST_MOVED:
		return UI_REDRAW;
	case UI_LIST_CLICKED:
		key = ' ';
		break;
	case UI_LIST_NONE:
		break;
	}
	switch (key) {
	case ' ':
		if (b->seats.cur < b->view.nseats && b->seats.cur < BOOKING_MAX_SEATS) {
			const char *st = b->view.seats[b->seats.cur].state;

			if (strcmp(st, "sold") == 0 || strcmp(st, "printed") == 0)
				b->marked[b->seats.cur] = !b->marked[b->seats.cur];
			else
				ui_say(ui, UI_ERR, "Seat %s is %s: it cannot be refunded.", b->view.seats[b->seats.cur].seat, st);
			if (b->seats.cur + 1 < b->view.nseats)
				b->seats.cur++;
		}
		return UI_REDRAW;
	case KEY_F(4):
	case 'r':
		if (!paid) {
			ui_say(ui, UI_ERR, "This booking is %s: there is nothing to refund.", booking_status_words(f->status));
			return UI_REDRAW;
		}
		b->prompt = PROMPT_REFUND;
		b->approving_exchange = false;
		b->reason[0] = b->rid[0] = '\0';
		ui_say(ui, 0, "%s", "");
		return UI_REDRAW;
	case KEY_F(6):
	case 'p':
		if (!paid) {
			ui_say(ui, UI_ERR, "This booking is %s: there are no tickets to print.",
			       booking_status_words(f->status));
			return UI_REDRAW;
		}
		b->prompt = PROMPT_REPRINT;
		b->reason[0] = '\0';
		ui_say(ui, 0, "%s", "");
		return UI_REDRAW;
	case KEY_F(5):
	case 'x':
		if (!paid) {
			ui_say(ui, UI_ERR, "This booking is %s: there is nothing to exchange.",
			       booking_status_words(f->status));
			return UI_REDRAW;
		}
		booking_exchange_start(ui, b);
		return UI_REDRAW;
	case KEY_F(7): {
		char msg[200] = "";
		int owed = client_booking_cards(ui->db, ui->staff_session, f->order_id,
		                                ui->card.driver != NULL ? &ui->card : NULL, msg, sizeof msg);

		booking_search(ui, b, true);
		ui_say(ui, owed == 0 ? UI_OK : UI_ERR, "%s", msg[0] != '\0' ? msg + 1 : "No card refund is owed.");
		return UI_REDRAW;
	}
	case 27:
	case KEY_F(11):
		booking_view_free(&b->view);
		b->open = -1;
		ui_say(ui, 0, "%s", "");
		return UI_REDRAW;
	default:
		return UI_HANDLED;
	}
}

static int
booking_key(struct ui *ui, int key)
{
	struct booking_screen *b = ui->data;

	if (b->open >= 0 && b->prompt != PROMPT_NONE)
		return booking_prompt_key(ui, b, key);
	if (b->open >= 0)
		return booking_view_key(ui, b, key);
	switch (ui_list_key(&b->list, key)) {
	case UI_LIST_MOVED:
		return UI_REDRAW;
	case UI_LIST_CLICKED:
		booking_show(ui, b, b->list.cur);
		return UI_REDRAW;
	case UI_LIST_NONE:
		break;
	}
	switch (key) {
	case 27:
	case KEY_F(11):
		ui_goto(ui, booking_back != NULL && booking_back != &screen_booking ? booking_back : ui_home(ui));
		ui_say(ui, 0, "%s", "");
		return UI_REDRAW;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (strcmp(b->query, b->searched) != 0 || b->found.n == 0)
			booking_search(ui, b, false);
		else
			booking_show(ui, b, b->list.cur);
		return UI_REDRAW;
	default:
		return booking_type(b->query, sizeof b->query, key) ? UI_REDRAW : UI_HANDLED;
	}
}

/* Draws result r at line y (the list's callback). */
static void
booking_draw_row(struct ui *ui, void *arg, int r, int y, bool hot)
{
	struct booking_screen *b = arg;
	const struct found *f = &b->found.v[r];
	char pretty[BOOKCODE_LEN + 2], ft[128], fc[64];

	(void)ui;
	bookcode_pretty(f->code, pretty);
	if (hot)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	mvprintw(y, 1, "%-10s  %-16s %s %-13s %s %.*s", pretty, f->when, UI_FIT(ft, f->title, COLS > 100 ? 30 : 20),
	         booking_status_words(f->status), UI_FIT(fc, f->customer, 10), COLS - 80 > 8 ? COLS - 80 : 8, f->seats);
	if (hot)
		attroff(A_REVERSE);
}

/* Draws seat r of the booking shown at line y (the list's callback). */
static void
booking_draw_seat(struct ui *ui, void *arg, int r, int y, bool hot)
{
	struct booking_screen *b = arg;
	const struct booking_seat *s = &b->view.seats[r];
	char price[32];
	int attr = strcmp(s->state, "refunded") == 0 || strcmp(s->state, "released") == 0 ||
	           strcmp(s->state, "exchanged") == 0 ? COLOR_PAIR(PAIR_SOLD) :
	           strcmp(s->state, "admitted") == 0 ? COLOR_PAIR(PAIR_HELD) : 0;

	(void)ui;
	cart_money(price, sizeof price, s->price_cents, b->found.v[b->open].currency);
	if (hot)
		attron(A_REVERSE);
	mvprintw(y, 1, "[%c] %-5s %-10s %-10s %8s ", r < BOOKING_MAX_SEATS && b->marked[r] ? 'x' : ' ', s->seat,
	         s->kind, s->type, price);
	attron(attr | A_BOLD);
	printw("%-9s", s->state);
	attroff(attr | A_BOLD);
	if (hot)
		attroff(A_REVERSE);
}

/* Draws show r of the shows an exchange may move to at line y (the list's
 * callback). */
static void
booking_draw_show(struct ui *ui, void *arg, int r, int y, bool hot)
{
	struct booking_screen *b = arg;
	const struct exchange_show *sh = &b->shows.v[r];
	char ft[128], fh[64];

	(void)ui;
	if (hot)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	mvprintw(y, 1, "%-16s %s %s %4d free%s", sh->when, UI_FIT(ft, sh->title, COLS > 100 ? 40 : 28),
	         UI_FIT(fh, sh->hall, 10), sh->free_seats, sh->same_film ? "" : "  (another film)");
	if (hot)
		attroff(A_REVERSE);
}

/* The exchange to confirm: the seats that move and those they move to,
 * what each side is worth and the difference, from line y. */
static void
booking_draw_exchange(struct ui *ui, struct booking_screen *b, int y)
{
	const struct ui_exchange *x = &ui->exchange;
	const struct sale *s = &ui->sale;
	char pretty[BOOKCODE_LEN + 2], oldm[32], newm[32], diff[32], line[256], ft[128];
	long long d = s->cart.total_cents - x->old_cents;
	size_t len = 0;

	(void)b;
	bookcode_pretty(x->code, pretty);
	cart_money(oldm, sizeof oldm, x->old_cents, x->currency);
	cart_money(newm, sizeof newm, s->cart.total_cents, x->currency);
	cart_money(diff, sizeof diff, d < 0 ? -d : d, x->currency);
	attron(A_BOLD);
	for (int i = 0; i < x->nseats && len < sizeof line - 10; i++)
		len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", i > 0 ? " " : "", x->seats[i]);
	mvprintw(y + 1, 1, "Exchange %s of %s (%s)", x->nseats > 0 ? line : "every seat", pretty, oldm);
	len = 0;
	line[0] = '\0';
	for (int i = 0; i < s->nseats && len < sizeof line - 10; i++)
		len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", i > 0 ? " " : "", s->seats[i]);
	mvprintw(y + 2, 1, "for %s, %s %s (%s)", line, s->when, UI_FIT(ft, s->title, COLS - 50 > 10 ? COLS - 50 : 10),
	         newm);
	attroff(A_BOLD);
	if (d > 0)
		mvprintw(y + 3, 1, "To pay: %s more, on the payment screen. Ticket types carry over.", diff);
	else if (d < 0)
		mvprintw(y + 3, 1, "Back: %s, as it was paid. Ticket types carry over.", diff);
	else
		mvprintw(y + 3, 1, "No difference to pay. Ticket types carry over.");
}

/* The prompt over the lower part of the booking: refund, approval, reprint,
 * the show of an exchange and its confirmation. */
static void
booking_draw_prompt(struct ui *ui, struct booking_screen *b, int y)
{
	const char *seats[BOOKING_MAX_SEATS];
	int n = booking_marked(b, seats, BOOKING_MAX_SEATS);
	char what[160] = "", pretty[BOOKCODE_LEN + 2], amount[32];
	long long cents = 0;
	size_t len = 0;

	(void)ui;
	bookcode_pretty(b->found.v[b->open].code, pretty);
	for (int i = 0; i < n && len < sizeof what - 8; i++)
		len += (size_t)snprintf(what + len, sizeof what - len, "%s%s", i > 0 ? " " : "", seats[i]);
	for (int i = 0; i < b->view.nseats && i < BOOKING_MAX_SEATS; i++)
		if (n > 0 ? b->marked[i] : strcmp(b->view.seats[i].state, "sold") == 0 ||
		                           strcmp(b->view.seats[i].state, "printed") == 0)
			cents += b->view.seats[i].price_cents;
	cart_money(amount, sizeof amount, cents, b->found.v[b->open].currency);
	for (int i = y; i < LINES - 3; i++)
		mvhline(i, 0, ' ', COLS);
	mvhline(y, 0, '-', COLS);
	if (b->prompt == PROMPT_SHOWS) {
		attron(A_BOLD);
		mvprintw(y + 1, 1, "Exchange %d seat(s) of %s (%s) to which show?", ui->exchange.count, pretty, amount);
		attroff(A_BOLD);
		ui_list_draw(ui, &b->showlist, y + 2, 0, COLS, LINES - 3 - (y + 2), booking_draw_show, b);
		return;
	}
	if (b->prompt == PROMPT_EXCHANGE || (b->prompt == PROMPT_APPROVE && b->approving_exchange)) {
		booking_draw_exchange(ui, b, y);
		if (b->prompt == PROMPT_APPROVE) {
			mvprintw(y + 4, 1, "Past the cut-off: a manager signs in here to approve, with a reason.");
			ui_draw_text_box(y + 5, 1, 24, "Manager  ", b->login, b->focus == 0, false);
			ui_draw_text_box(y + 5, 38, 20, "Password", b->pass, b->focus == 1, true);
			ui_draw_text_box(y + 6, 1, COLS - 14, "Reason   ", b->reason, b->focus == 2, false);
		} else
			ui_draw_text_box(y + 5, 1, COLS - 14, "Reason   ", b->reason, true, false);
		return;
	}
	attron(A_BOLD);
	if (b->prompt == PROMPT_REPRINT)
		mvprintw(y + 1, 1, "Reprint the tickets of %s: earlier copies stop opening the door.", pretty);
	else
		mvprintw(y + 1, 1, "Refund %s of %s: %s less any fee, back as it was paid.",
		         n > 0 ? what : "every seat", pretty, amount);
	attroff(A_BOLD);
	if (b->prompt == PROMPT_APPROVE) {
		mvprintw(y + 2, 1, "Past the cut-off: a manager signs in here to approve, with a reason.");
		ui_draw_text_box(y + 3, 1, 24, "Manager  ", b->login, b->focus == 0, false);
		ui_draw_text_box(y + 3, 38, 20, "Password", b->pass, b->focus == 1, true);
		ui_draw_text_box(y + 4, 1, COLS - 14, "Reason   ", b->reason, b->focus == 2, false);
	} else
		ui_draw_text_box(y + 3, 1, COLS - 14, "Reason   ", b->reason, true, false);
}

static void
booking_draw_view(struct ui *ui, struct booking_screen *b)
{
	const struct found *f = &b->found.v[b->open];
	char pretty[BOOKCODE_LEN + 2], total[32], back[32], head[64], ft[256];
	int y = 2, seat_lines, bottom = LINES - 3, n;

	bookcode_pretty(f->code, pretty);
	snprintf(head, sizeof head, "booking %s", pretty);
	ui_draw_header(ui, head);
	cart_money(total, sizeof total, f->total_cents, f->currency);
	cart_money(back, sizeof back, f->refunded_cents, f->currency);
	attron(A_BOLD);
	mvprintw(y++, 1, "%s", UI_FIT(ft, f->title, COLS - 2));
	attroff(A_BOLD);
	mvprintw(y++, 1, "%s  %s  %s", f->when, f->location, f->customer[0] != '\0' ? f->customer : "walk-up sale");
	mvprintw(y++, 1, "Status: %s   Total %s   Refunded %s", booking_status_words(f->status), total, back);
	attron(A_BOLD);
	mvprintw(++y, 1, "    Seat  Kind       Type          Price State");
	attroff(A_BOLD);
	y++;
	seat_lines = b->view.nseats < 8 ? b->view.nseats : 8;
	if (b->prompt != PROMPT_NONE && seat_lines > 4)
		seat_lines = 4;
	ui_list_draw(ui, &b->seats, y, 0, 60, seat_lines, booking_draw_seat, b);
	y += seat_lines + 1;
	if (b->prompt != PROMPT_NONE) {
		booking_draw_prompt(ui, b, y);
		ui_draw_footer(ui, b->prompt == PROMPT_APPROVE ? (b->approving_exchange ?
		                   "Tab next field  Enter approve and exchange  Esc cancel" :
		                   "Tab next field  Enter approve and refund  Esc cancel") :
		                   b->prompt == PROMPT_REFUND ? "Type a reason (optional)  Enter refund  Esc cancel" :
		                   b->prompt == PROMPT_SHOWS ? "Up/Down  Enter choose the seats  Esc cancel" :
		                   b->prompt == PROMPT_EXCHANGE ? "Type a reason (optional)  Enter exchange  Esc cancel" :
		                   "Type the reason  Enter reprint and print  Esc cancel");
		return;
	}
	attron(A_BOLD);
	mvprintw(y++, 1, "Paid");
	attroff(A_BOLD);
	for (int i = 0; i < b->view.ntenders && y < bottom - 2; i++)
		mvprintw(y++, 3, "%s", UI_FIT(ft, b->view.tenders[i], COLS - 4));
	attron(A_BOLD);
	mvprintw(++y, 1, "History");
	attroff(A_BOLD);
	y++;
	/* the latest events that fit */
	n = bottom - y;
	for (int i = b->view.nhistory > n ? b->view.nhistory - n : 0; i < b->view.nhistory && y < bottom; i++)
		mvprintw(y++, 3, "%s", UI_FIT(ft, b->view.history[i], COLS - 4));
	ui_draw_footer(ui, "Space mark  F4 refund marked (none: all)  F5 exchange  F6 reprint  F7 card refunds  Esc");
}

static void
booking_draw(struct ui *ui)
{
	struct booking_screen *b = ui->data;

	if (b->open >= 0) {
		booking_draw_view(ui, b);
		return;
	}
	ui_draw_header(ui, "bookings");
	ui_draw_text_box(2, 1, 30, "Find a booking:", b->query, true, false);
	mvprintw(3, 1, "%s", "Booking code (dash or not), #showtime, card last four and day (4242 today),");
	mvprintw(4, 1, "%s", "e-mail or name.");
	attron(A_BOLD);
	mvprintw(6, 1, "%-10s  %-16s %-*s %-13s %-10s %s", "Code", "Show", COLS > 100 ? 30 : 20, "Film", "State",
	         "Customer", "Seats");
	attroff(A_BOLD);
	ui_list_draw(ui, &b->list, 7, 0, COLS, LINES - 3 - 7, booking_draw_row, b);
	ui_draw_footer(ui, "Type, Enter find  Up/Down  Enter open  Esc back");
}

const struct screen screen_booking = {
	.name = "booking",
	.enter = booking_enter,
	.leave = booking_leave,
	.key = booking_key,
	.draw = booking_draw,
};
