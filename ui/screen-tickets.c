/* screen-tickets.c - the held seats: a ticket type per seat (adult, child,
 * senior... from the database, which also decides every price), the running
 * total and the hold's countdown. */
#include "ui.h"
#include "ui-list.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct tickets {
	struct ui_list	list;	/* the seats: a touch on one is 1200 + line */
};

static void
tickets_load_types(struct ui *ui)
{
	char *cause = NULL;

	if (client_ticket_types(ui->db, ui->sale.showtime_id, &ui->sale.cart, &cause) != 0) {
		ui_fail(ui, cause, "Sorry, that did not work. Please try again, or ask at the counter.");
		free(cause);
	}
}

static void
tickets_enter(struct ui *ui)
{
	struct tickets *t = xcalloc(1, sizeof *t);

	t->list.click_key = 1200;
	ui->data = t;
	tickets_load_types(ui);
	if (ui->sale.order_id != 0)
		(void)ui_sale_refresh(ui);
}

static void
tickets_leave(struct ui *ui)
{
	free(ui->data);
	ui->data = NULL;
}

/* Sets the type of one line (or all lines when line < 0). The database reprices. */
static void
tickets_set(struct ui *ui, int line, const char *code)
{
	char *cause = NULL;

	if (code == NULL)
		return;
	if (client_set_types(ui->db, ui_session(ui), &ui->sale, line, code, &cause) != 0) {
		ui_fail(ui, cause, "Sorry, that did not work. Please try again, or ask at the counter.");
		free(cause);
	} else
		ui_say(ui, 0, "%s", "");
}

/* The key of each type: the first letter of its code no earlier type took
 * (adult a, child c, senior s, student t). */
static int
type_key(const struct cart *c, int i)
{
	for (const char *p = c->types[i].code; *p != '\0'; p++) {
		bool taken = false;

		for (int j = 0; j < i && !taken; j++)
			taken = type_key(c, j) == *p;
		if (!taken)
			return *p;
	}
	return '?';
}

/* The type whose key this is, or NULL. */
static const char *
type_by_key(const struct cart *c, int key)
{
	for (int i = 0; i < c->ntypes; i++)
		if (type_key(c, i) == key)
			return c->types[i].code;
	return NULL;
}

static int
tickets_key(struct ui *ui, int key)
{
	struct tickets *t = ui->data;
	struct sale *s = &ui->sale;
	struct cart *c = &s->cart;

	if (s->expired) {
		if (key == '\r' || key == '\n' || key == KEY_ENTER || key == KEY_F(12)) {
			s->order_id = 0;
			if (ui_sale_hold(ui) == 0)
				tickets_load_types(ui);
			return UI_REDRAW;
		}
		if (key == 27 || key == KEY_F(11))
			ui_goto(ui, &screen_seatmap);
		return UI_REDRAW;
	}
	ui_list_set(&t->list, c->n);
	if (ui_list_key(&t->list, key) != UI_LIST_NONE)
		return UI_REDRAW;
	switch (key) {
	case KEY_LEFT:
		tickets_set(ui, t->list.cur, cart_cycle_type(c, t->list.cur, -1));
		break;
	case KEY_RIGHT:
	case ' ':
		tickets_set(ui, t->list.cur, cart_cycle_type(c, t->list.cur, 1));
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(12):
		ui_goto(ui, &screen_payment);
		break;
	case 27:
	case KEY_F(11):
		ui_goto(ui, &screen_seatmap);	/* releases the hold, keeps the seats chosen */
		break;
	default:
		if (key >= KEY_F(2) && key <= KEY_F(2) + c->ntypes - 1 && key <= KEY_F(9)) {
			tickets_set(ui, -1, c->types[key - KEY_F(2)].code);	/* F2.. all of a type */
			break;
		}
		if (key >= 1100 && key < 1100 + c->ntypes) {	/* touch a type: this line */
			tickets_set(ui, t->list.cur, c->types[key - 1100].code);
			break;
		}
		if (type_by_key(c, key) != NULL) {
			tickets_set(ui, t->list.cur, type_by_key(c, key));
			(void)ui_list_key(&t->list, KEY_DOWN);
			break;
		}
		return UI_HANDLED;
	}
	return UI_REDRAW;
}

static int
tickets_tick(struct ui *ui)
{
	if (ui->sale.order_id != 0 && !ui->sale.expired && ui_sale_seconds_left(ui) == 0) {
		ui->sale.expired = true;
		ui_say(ui, UI_ERR, "The hold on these seats expired. Enter: try the same seats again. Esc: seat map.");
		return UI_REDRAW;
	}
	return 0;
}

/* Draws line i of the cart at screen line y (the list's callback). */
static void
tickets_draw_line(struct ui *ui, void *arg, int i, int y, bool hot)
{
	const struct cart *c = arg;
	int k = cart_type_index(c, c->line[i].type);
	char money[32];

	(void)ui;
	if (hot)
		attron(A_REVERSE);
	mvprintw(y, 2, "%-6s %-22s %10s", c->line[i].seat, k >= 0 ? c->types[k].name : c->line[i].type,
	         cart_money(money, sizeof money, c->line[i].price_cents, c->currency));
	if (hot)
		attroff(A_REVERSE);
}

static void
tickets_draw(struct ui *ui)
{
	char ft[1024];
	struct tickets *t = ui->data;
	struct sale *s = &ui->sale;
	struct cart *c = &s->cart;
	char money[32], keys[160];
	int y = 6, x = 2;
	size_t len = 0;

	ui_draw_header(ui, "tickets");
	attron(A_BOLD);
	textfit(ft, sizeof ft, s->title, COLS / 2, 0);
	mvprintw(2, 1, "%s", ft);
	attroff(A_BOLD);
	printw("  %s  %s", s->when, s->hall);
	ui_draw_countdown(ui, 3, 1);
	attron(A_BOLD);
	mvprintw(5, x, "%-6s %-22s %10s", "Seat", "Ticket", "Price");
	attroff(A_BOLD);
	ui_list_set(&t->list, c->n);
	ui_list_draw(ui, &t->list, y, x, 40, LINES - 6 - y, tickets_draw_line, c);
	y += (c->n < t->list.rows ? c->n : t->list.rows) + 1;
	attron(A_BOLD);
	mvprintw(y, x, "%-29s %10s", "TOTAL", cart_money(money, sizeof money, c->total_cents, c->currency));
	attroff(A_BOLD);
	/* the types, as touch targets and with their keys */
	mvprintw(5, 48, "%s", ui->kiosk ? "Ticket types" : "Types (key, base price)");
	for (int i = 0; i < c->ntypes && 6 + i * 2 < LINES - 4; i++) {
		char label[64];

		if (ui->kiosk)
			snprintf(label, sizeof label, "%s  %s", c->types[i].name,
			         cart_money(money, sizeof money, c->types[i].price_cents, c->currency));
		else
			snprintf(label, sizeof label, "%c  %s %s", type_key(c, i), c->types[i].name,
			         cart_money(money, sizeof money, c->types[i].price_cents, c->currency));
		ui_draw_button(ui, 6 + i * 2, 48, COLS - 50 < 30 ? COLS - 50 : 30, 1, label, 1100 + i,
		               t->list.cur < c->n && strcmp(c->line[t->list.cur].type, c->types[i].code) == 0);
	}
	if (s->expired) {
		attron(COLOR_PAIR(PAIR_ERR) | A_BOLD);
		mvprintw(y + 2, x, "%s", ui->kiosk ? "HOLD EXPIRED - touch Pay to hold the same seats again." :
		                   "HOLD EXPIRED - Enter tries the same seats again, Esc goes back.");
		attroff(COLOR_PAIR(PAIR_ERR) | A_BOLD);
	}
	if (ui->kiosk) {
		ui_draw_button(ui, LINES - 4, 2, 12, 1, "Back", 27, false);
		ui_draw_button(ui, LINES - 4, COLS - 16, 14, 1, "Pay", '\r', true);
		ui_draw_footer(ui, "Touch a seat, then its ticket type. Pay when ready.");
		return;
	}
	len = (size_t)snprintf(keys, sizeof keys, "Up/Down seat  ");
	for (int i = 0; i < c->ntypes && i < 8; i++)
		len += (size_t)snprintf(keys + len, sizeof keys - len, "%c", type_key(c, i));
	snprintf(keys + len, sizeof keys - len, " type  Enter pay  Left/Right cycle  F2-F%d all one type  Esc seats",
	         c->ntypes + 1 < 9 ? c->ntypes + 1 : 9);
	ui_draw_footer(ui, keys);
}

const struct screen screen_tickets = {
	.name = "tickets",
	.enter = tickets_enter,
	.leave = tickets_leave,
	.key = tickets_key,
	.draw = tickets_draw,
	.tick = tickets_tick,
};
