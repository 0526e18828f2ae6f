/* ui.c - curses set-up, the one event loop (keys, mouse, seat_change
 * notifications, timers), the sale shared by the screens, and terminal
 * restore on every exit. */
#include "ui.h"
#include "auth.h"
#include "util.h"

#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
ui_end(void)
{
	if (!isendwin())
		endwin();
}

double
ui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
ui_goto(struct ui *ui, const struct screen *next)
{
	ui->next = next;
}

void
ui_say(struct ui *ui, int attr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof ui->status, fmt, ap);
	va_end(ap);
	ui->status_attr = attr;
}

const struct screen *
ui_home(struct ui *ui)
{
	if (ui->kiosk)
		return &screen_attract;
	return ui->staff_id != 0 ? &screen_listing : &screen_login;
}

/* Switches to another screen, calling leave and enter. */
static void
ui_switch(struct ui *ui, const struct screen *next)
{
	if (ui->screen != NULL && ui->screen->leave != NULL)
		ui->screen->leave(ui);
	ui->screen = next;
	ui->nbuttons = 0;
	if (next->enter != NULL)
		next->enter(ui);
}

void
ui_listen(struct ui *ui, bool on)
{
	if (on == ui->listening)
		return;
	if (db_listen(ui->db, "seat_change", on) == 0 || !on) {
		ui->listening = on;
		ui->listen_resets = ui->db->resets;
	}
}

/* ------------------------------------------------------------------ sale */

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
	res = db_exec(ui->db, DB_SAFE, "SELECT * FROM api.order_tickets($1::bigint)", 1, params);
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

/* --------------------------------------------------------------- drawing */

void
ui_draw_header(struct ui *ui, const char *title)
{
	char right[128];

	attron(COLOR_PAIR(PAIR_HEADER) | A_BOLD);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 1, "MARQUEE  %s", title);
	if (ui->kiosk)
		snprintf(right, sizeof right, "%s%s", ui->customer_id != 0 ? ui->customer_name : "",
		         ui->customer_id != 0 ? "  " : "");
	else
		snprintf(right, sizeof right, "%s  %s", ui->staff_id != 0 ? ui->staff_name : "",
		         ui->app->cfg.terminal);
	mvprintw(0, COLS - (int)strlen(right) - 1 > 0 ? COLS - (int)strlen(right) - 1 : 0, "%s", right);
	attroff(COLOR_PAIR(PAIR_HEADER) | A_BOLD);
	if (!db_connected(ui->db)) {
		attron(COLOR_PAIR(PAIR_BANNER) | A_BOLD);
		mvhline(1, 0, ' ', COLS);
		mvprintw(1, 1, "DATABASE CONNECTION LOST - retrying. Nothing is lost: finish the step again when it is back.");
		attroff(COLOR_PAIR(PAIR_BANNER) | A_BOLD);
	}
}

void
ui_draw_footer(struct ui *ui, const char *keys)
{
	int attr = ui->status_attr == UI_ERR ? COLOR_PAIR(PAIR_ERR) | A_BOLD :
	           ui->status_attr == UI_OK ? COLOR_PAIR(PAIR_OK) | A_BOLD : A_NORMAL;

	attron(attr);
	mvprintw(LINES - 2, 1, "%.*s", COLS - 2, ui->status);
	attroff(attr);
	attron(COLOR_PAIR(PAIR_HEADER));
	mvhline(LINES - 1, 0, ' ', COLS);
	mvprintw(LINES - 1, 1, "%.*s", COLS - 2, keys);
	attroff(COLOR_PAIR(PAIR_HEADER));
}

void
ui_draw_button(struct ui *ui, int y, int x, int w, int h, const char *label, int key, bool hot)
{
	int attr = hot ? COLOR_PAIR(PAIR_MINE) | A_BOLD : COLOR_PAIR(PAIR_BUTTON);
	int len = (int)strlen(label);

	if (y < 0 || x < 0 || y >= LINES || x >= COLS)
		return;
	attron(attr);
	for (int r = 0; r < h && y + r < LINES; r++)
		mvhline(y + r, x, ' ', w);
	/* Short buttons and big targets centre their label; wide ones read left to right. */
	mvprintw(y + h / 2, x + (w <= 20 || h > 1 ? (w > len ? (w - len) / 2 : 0) : 1), "%.*s", w, label);
	attroff(attr);
	if (ui->nbuttons < UI_MAX_BUTTONS)
		ui->buttons[ui->nbuttons++] = (struct ui_button){ y, x, h, w, key };
}

void
ui_draw_countdown(struct ui *ui, int y, int x)
{
	int left = ui_sale_seconds_left(ui);
	int attr = left <= 60 ? COLOR_PAIR(PAIR_ERR) | A_BOLD : COLOR_PAIR(PAIR_OK) | A_BOLD;

	if (ui->sale.order_id == 0)
		return;
	attron(attr);
	if (ui->sale.expired || left == 0)
		mvprintw(y, x, "HOLD EXPIRED");
	else
		mvprintw(y, x, "Seats held %d:%02d", left / 60, left % 60);
	attroff(attr);
}

void
ui_draw_text_box(int y, int x, int w, const char *label, const char *value, bool focus, bool secret)
{
	int len = (int)strlen(value), lw = (int)strlen(label);

	mvprintw(y, x, "%s", label);
	attron(focus ? A_REVERSE | A_BOLD : A_UNDERLINE);
	mvhline(y, x + lw + 1, ' ', w);
	if (secret)
		for (int i = 0; i < len && i < w; i++)
			mvaddch(y, x + lw + 1 + i, '*');
	else
		mvprintw(y, x + lw + 1, "%.*s", w, len > w ? value + len - w : value);
	attroff(focus ? A_REVERSE | A_BOLD : A_UNDERLINE);
}

/* ------------------------------------------------------------------ loop */

static void
ui_colors(void)
{
	short bg = -1;

	if (!has_colors())
		return;
	start_color();
	if (use_default_colors() != OK)
		bg = COLOR_BLACK;
	init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_FREE, COLOR_GREEN, bg);
	init_pair(PAIR_HELD, COLOR_YELLOW, bg);
	init_pair(PAIR_SOLD, COLOR_RED, bg);
	init_pair(PAIR_WHEEL, COLOR_BLUE, bg);
	init_pair(PAIR_COMP, COLOR_CYAN, bg);
	init_pair(PAIR_PREMIUM, COLOR_MAGENTA, bg);
	init_pair(PAIR_BLOCKED, COLOR_WHITE, bg);
	init_pair(PAIR_MINE, COLOR_BLACK, COLOR_GREEN);
	init_pair(PAIR_BANNER, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_BUTTON, COLOR_BLACK, COLOR_WHITE);
	init_pair(PAIR_OK, COLOR_GREEN, bg);
	init_pair(PAIR_ERR, COLOR_RED, bg);
	init_pair(PAIR_TITLE, COLOR_YELLOW, bg);
}

static void
ui_on_notify(const char *channel, const char *payload, void *arg)
{
	struct ui *ui = arg;
	long long id = strtoll(payload, NULL, 10);

	if (strcmp(channel, "seat_change") == 0 && ui->screen->notify != NULL)
		(void)ui->screen->notify(ui, id);
}

/* A click or touch: a button's key, or KEY_MOUSE with the place kept. */
static int
ui_mouse(struct ui *ui)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return ERR;
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED |
	                   BUTTON1_DOUBLE_CLICKED)))
		return ERR;
	if (ev.bstate & BUTTON1_RELEASED)
		return ERR;	/* PRESSED already acted */
	for (int i = ui->nbuttons - 1; i >= 0; i--) {
		struct ui_button *b = &ui->buttons[i];

		if (ev.y >= b->y && ev.y < b->y + b->h && ev.x >= b->x && ev.x < b->x + b->w)
			return b->key;
	}
	ui->mouse_y = ev.y;
	ui->mouse_x = ev.x;
	return KEY_MOUSE;
}

/* Housekeeping every loop: reconnect, LISTEN again after a reset, idle timers. */
static int
ui_housekeeping(struct ui *ui)
{
	const struct config *cfg = &ui->app->cfg;
	double now = ui_now(), idle = now - ui->last_input;
	int flags = 0;

	if (!db_connected(ui->db) && now >= ui->next_reconnect) {
		ui->next_reconnect = now + 1.0;
		if (db_reconnect(ui->db) == 0)
			ui_say(ui, UI_OK, "The database is back.");
		flags |= UI_REDRAW;
	}
	if (ui->listening && db_connected(ui->db) && ui->listen_resets != ui->db->resets) {
		ui->listening = false;
		ui_listen(ui, true);
	}
	if (ui->kiosk && ui->screen != &screen_attract && idle > cfg->idle_seconds) {
		ui_sale_abandon(ui);
		ui->customer_id = 0;
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, &screen_attract);
		flags |= UI_REDRAW;
	}
	if (!ui->kiosk && ui->staff_id != 0 && idle > cfg->logout_minutes * 60.0) {
		ui_sale_abandon(ui);
		ui->staff_id = 0;
		ui_say(ui, 0, "Logged out after %d minute(s) without a key.", cfg->logout_minutes);
		ui_goto(ui, &screen_login);
		flags |= UI_REDRAW;
	}
	return flags;
}

int
ui_main(struct app *app)
{
	struct ui ui;
	int flags = UI_REDRAW;
	char *cause = NULL;
	const char *env;
	double last_draw = 0;

	memset(&ui, 0, sizeof ui);
	ui.app = app;
	ui.kiosk = app->cfg.mode == MODE_KIOSK;
	if (auth_init() != 0)
		return 1;
	if ((ui.db = app_connect(app)) == NULL)
		return 1;
	/* A test may ask for a hold shorter than a minute (MARQUEE_HOLD_SECONDS). */
	if ((env = getenv("MARQUEE_HOLD_SECONDS")) != NULL && atoi(env) > 0) {
		char v[32];
		const char *p[1] = { v };
		PGresult *res;

		snprintf(v, sizeof v, "%.4f", atoi(env) / 60.0);
		res = db_exec(ui.db, DB_SAFE, "SELECT set_config('marquee.hold_minutes', $1, false)", 1, p);
		PQclear(res);
	} else if (app->cfg.hold_minutes > 0)
		(void)db_set_hold_minutes(ui.db, app->cfg.hold_minutes);
	if (card_open(&ui.card, app->cfg.card_driver, NULL, &cause) != 0) {
		snprintf(ui.card_error, sizeof ui.card_error, "%s", cause);
		free(cause);
	}
	if (ui.kiosk) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGTSTP, SIG_IGN);
	}
	setlocale(LC_ALL, "");
	initscr();
	fatal_hook = ui_end;
	atexit(ui_end);
	raw();		/* Ctrl-C, Ctrl-Z, Ctrl-\ arrive as keys, and do nothing */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_DOUBLE_CLICKED, NULL);
	mouseinterval(0);
	ui_colors();
	ui.last_input = ui_now();
	ui_switch(&ui, ui_home(&ui));
	while (!(flags & UI_QUIT)) {
		struct pollfd pfd[2];
		int nfd = 1, key, sock;

		if (ui.next != NULL) {
			const struct screen *next = ui.next;

			ui.next = NULL;
			ui_switch(&ui, next);
			flags |= UI_REDRAW;
		}
		if ((flags & UI_REDRAW) || ui_now() - last_draw > 1.0) {
			ui.nbuttons = 0;
			erase();
			if (COLS < 80 || LINES < 24)
				mvprintw(LINES / 2, 0, "Marquee needs at least 80x24; this window is %dx%d. Please enlarge it.",
				         COLS, LINES);
			else
				ui.screen->draw(&ui);
			refresh();
			last_draw = ui_now();
		}
		flags = 0;
		pfd[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		/* The database socket too: notifications, and a dropped connection
		 * (the server's goodbye makes it readable) shows the banner at once. */
		sock = db_socket(ui.db);
		if (sock >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = sock, .events = POLLIN };
		(void)poll(pfd, (nfds_t)nfd, 250);
		if (nfd == 2 && (pfd[1].revents & (POLLIN | POLLERR | POLLHUP))) {
			if (db_notifications(ui.db, ui_on_notify, &ui) != 0)
				flags |= UI_REDRAW;
		}
		while ((key = getch()) != ERR) {
			ui.last_input = ui_now();
			if (key == KEY_RESIZE) {
				flags |= UI_REDRAW;
				continue;
			}
			if (key == KEY_MOUSE && (key = ui_mouse(&ui)) == ERR)
				continue;
			flags |= ui.screen->key(&ui, key) | UI_REDRAW;
			if ((flags & UI_QUIT) || ui.next != NULL)
				break;
		}
		if (ui.next == NULL && ui.screen->tick != NULL)
			flags |= ui.screen->tick(&ui);
		flags |= ui_housekeeping(&ui);
	}
	ui_switch(&ui, &(const struct screen){ .name = "exit" });
	ui_end();
	fatal_hook = NULL;
	card_close(&ui.card);
	db_close(ui.db);
	return 0;
}
