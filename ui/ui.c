/* ui.c - curses set-up, the one event loop (keys, mouse and touch,
 * seat_change notifications, timers, reconnecting, idle time-outs) and
 * terminal restore on every exit. Screens: ui/screen-*.c. */
#include "ui.h"
#include "tickets.h"
#include "auth.h"
#include "client-show.h"
#include "ids.h"
#include "oplog.h"
#include "util.h"

#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* The last SIGHUP or SIGTERM received, or 0: the loop ends on either. */
static volatile sig_atomic_t ui_signal;

static void
ui_on_signal(int sig)
{
	ui_signal = sig;
}

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

double
ui_env_seconds(const char *name, double fallback)
{
	const char *v = getenv(name);
	double s = v != NULL ? atof(v) : 0;

	return s > 0 ? s : fallback;
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

void
ui_fail(struct ui *ui, const char *cause, const char *customer)
{
	if (!ui->kiosk) {
		ui_say(ui, UI_ERR, "%s", cause);
		return;
	}
	oplog(LOG_WARNING, "kiosk: the customer read \"%s\"; the cause: %s", customer, cause);
	ui_say(ui, UI_ERR, "%s", customer);
}

void
ui_fail_collect(struct ui *ui, const char *cause, const char *pretty)
{
	char words[120];

	snprintf(words, sizeof words, "Please collect your tickets at the counter: booking %s.", pretty);
	ui_fail(ui, cause, words);
}

/* Says how a print went: printed (rc 0) or not (cause). A counter's cause
 * is long (printer, service, what to do): the paid screen shows it whole. */
static void
ui_print_said(struct ui *ui, int rc, const char *cause)
{
	char *info, *said;

	if (rc == 0 && ui->kiosk) {
		ui_say(ui, UI_OK, "Your tickets are printed. Enjoy the show!");
	} else if (rc == 0) {
		info = tickets_printer_info(ui->app);
		if (info != NULL)
			ui_say(ui, UI_OK, "Tickets of booking %s printed: %s.", ui->printing_code, info);
		else
			ui_say(ui, UI_OK, "Tickets of booking %s printed.", ui->printing_code);
		free(info);
	} else if (ui->kiosk) {
		said = xasprintf("Tickets not printed: %s", cause);
		ui_fail_collect(ui, said, ui->printing_code);
		free(said);
	} else {
		free(ui->print_problem);
		ui->print_problem = xstrdup(cause);
		if (ui->screen == &screen_confirm)
			ui_say(ui, UI_ERR, "Tickets not printed (why above). Reprint later from booking %s.",
			       ui->printing_code);
		else
			ui_say(ui, UI_ERR, "Tickets of booking %s not printed: %s", ui->printing_code, cause);
	}
}

void
ui_print_tickets(struct ui *ui)
{
	char *cause = NULL;
	struct tickets_job *job;

	if (ui->printing != NULL) {
		ui_say(ui, UI_ERR, "The tickets of booking %s are still printing: a moment, please.", ui->printing_code);
		return;
	}
	bookcode_pretty(ui->sale.booking_code, ui->printing_code);
	strlcpy_m(ui->printing_session, ui_session(ui), sizeof ui->printing_session);
	if (tickets_print_start(ui->app, ui->db, ui->printing_session, ui->sale.booking_code, &job, &cause) != 0) {
		ui_print_said(ui, -1, cause);
		free(cause);
		return;
	}
	if (job == NULL) {
		ui_print_said(ui, 0, NULL);
		return;
	}
	ui->printing = job;
	if (ui->kiosk)
		ui_say(ui, 0, "Your tickets are printing...");
	else
		ui_say(ui, 0, "Printing the tickets of booking %s...", ui->printing_code);
}

/* The background print, when it has finished: says how it went. Returns
 * UI_REDRAW then. */
static int
ui_print_check(struct ui *ui)
{
	char *cause = NULL;
	int rc;

	if (ui->printing == NULL || (rc = tickets_print_poll(ui->printing, ui->db, ui->printing_session, &cause)) == 1)
		return 0;
	ui_print_said(ui, rc, cause);
	free(cause);
	tickets_job_free(ui->printing);
	ui->printing = NULL;
	return UI_REDRAW;
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
	if (!on && ui->relaying) {
		client_relay_stop(ui->db);
		ui->relaying = false;
	}
	if (db_listen(ui->db, "seat_change", on) == 0 || !on) {
		ui->listening = on;
		ui->listen_resets = ui->db->resets;
		ui->next_relay = 0;
	}
}

/* Seat changes are logged by the database and announced (NOTIFY) by one
 * relay: the first terminal with a seat map open that asks (a screen whose
 * table says it relays; the listing only listens). It empties the log every
 * 50 ms, each call renewing its lease of 2 s; the others ask once a second
 * and take over when it stops or falls silent. Returns the seconds until
 * the next call is due, or 0 when this call announced something. */
static double
ui_relay(struct ui *ui)
{
	double now = ui_now();

	if (!ui->listening || !ui->screen->relays || !db_connected(ui->db))
		return 0.25;
	if (now >= ui->next_relay) {
		int n = client_relay(ui->db);

		ui->relaying = n >= 0;
		ui->next_relay = now + (ui->relaying ? 0.05 : 1.0);
		/* Its own NOTIFY already sits in the connection's buffer, where
		 * poll() does not see it: read it now, not 50 ms later. */
		if (n > 0)
			return 0;
	}
	return ui->next_relay - now;
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
ui_on_showtime(const struct seat_news *news, void *arg)
{
	struct ui *ui = arg;

	(void)ui->screen->notify(ui, news);
}

/* seat_change: the payload lists the changed showtimes and their seat
 * versions (ids_each). */
static void
ui_on_notify(const char *channel, const char *payload, void *arg)
{
	struct ui *ui = arg;

	if (strcmp(channel, "seat_change") == 0 && ui->screen->notify != NULL)
		(void)ids_each(payload, ui_on_showtime, ui);
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

/* Whether the terminal is gone, from what poll said of standard input
 * (revents) and whether getch gave anything since (got_key): a hang-up,
 * an error, or readable with nothing to read (end of input). Returns the
 * reason, or NULL while the terminal is there. */
static const char *
ui_terminal_lost(short revents, bool got_key)
{
	int avail = 0;

	if (ui_signal == SIGHUP)
		return "hang-up signal";
	if (revents & POLLNVAL)
		return "standard input closed";
	if (revents & POLLHUP)
		return "the terminal hung up";
	if (revents & POLLERR)
		return "read error on the terminal";
	if ((revents & POLLIN) && !got_key &&
	    (ioctl(STDIN_FILENO, FIONREAD, &avail) != 0 || avail <= 0))
		return "end of input";
	return NULL;
}

/* While a call waits for the database to come back (db_on_wait): says so
 * on the banner line at once, as the loop does not run meanwhile. The next
 * redraw, after the call, draws the screen as the answer left it. */
static void
ui_on_db_wait(void *arg, double waited)
{
	(void)arg;
	attron(COLOR_PAIR(PAIR_BANNER) | A_BOLD);
	mvhline(1, 0, ' ', COLS);
	mvprintw(1, 1, "Reconnecting to the database... %.0f s  Nothing to press: this step finishes by itself.",
	         waited);
	attroff(COLOR_PAIR(PAIR_BANNER) | A_BOLD);
	refresh();
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
	/* The hold's countdown is on screen: draw it when its second changes. */
	if (ui_sale_seconds_left(ui) != ui->countdown_shown) {
		ui->countdown_shown = ui_sale_seconds_left(ui);
		flags |= UI_REDRAW;
	}
	flags |= ui_print_check(ui);
	if (ui->listening && db_connected(ui->db) && ui->listen_resets != ui->db->resets) {
		ui->listening = false;
		ui->relaying = false;	/* a new session relays nothing */
		ui_listen(ui, true);
	}
	if (ui->kiosk && ui->screen != &screen_attract && idle > cfg->idle_seconds) {
		ui_sale_abandon(ui);
		ui_sign_out(ui, false);
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, &screen_attract);
		flags |= UI_REDRAW;
	}
	if (!ui->kiosk && ui->staff_id != 0 && idle > cfg->logout_minutes * 60.0) {
		ui_sale_abandon(ui);
		ui_sign_out(ui, true);
		ui_say(ui, 0, "Logged out after %d minute%s without a key.", cfg->logout_minutes, cfg->logout_minutes == 1 ? "" : "s");
		ui_goto(ui, &screen_login);
		flags |= UI_REDRAW;
	}
	return flags;
}

void
ui_sign_out(struct ui *ui, bool staff)
{
	struct person who = { .user_id = staff ? ui->staff_id : ui->customer_id };

	strlcpy_m(who.role, staff ? ui->staff_role : ui->customer_id != 0 ? "customer" : "guest", sizeof who.role);
	strlcpy_m(who.session, staff ? ui->staff_session : ui->customer_session, sizeof who.session);
	client_sign_out(ui->db, &who);
	if (staff) {
		ui->staff_id = 0;
		sodium_memzero(ui->staff_session, sizeof ui->staff_session);
	} else {
		ui->customer_id = 0;
		ui->customer_name[0] = '\0';
		sodium_memzero(ui->customer_session, sizeof ui->customer_session);
	}
}

const char *
ui_session(const struct ui *ui)
{
	return ui->kiosk ? ui->customer_session : ui->staff_session;
}

/* Refuses to start a terminal whose card driver is the test terminal
 * against a database that is not a training one. Returns 0 when it may
 * start, or -1 after saying why on stderr. */
static int
ui_check_training(struct ui *ui)
{
	char *cause = NULL;
	bool training = false;

	if (strcmp(ui->app->cfg.card_driver, "test") != 0)
		return 0;
	if (client_training(ui->db, &training, &cause) != 0) {
		fprintf(stderr, "marquee: %s\n", cause);
		free(cause);
		return -1;
	}
	if (!training) {
		fprintf(stderr, "marquee: card_driver = test is for training and demo databases only, and this "
		        "database's training setting is false: configure the site's card terminal in kiosk.conf\n");
		oplog(LOG_ERR, "refused to start: card_driver = test against a database that is not a training one");
		return -1;
	}
	return 0;
}

int
ui_main(struct app *app)
{
	struct ui ui;
	struct sigaction sa;
	int flags = UI_REDRAW, rc = 0;
	char *cause = NULL;
	const char *env, *lost = NULL;

	memset(&ui, 0, sizeof ui);
	ui.app = app;
	ui.kiosk = app->cfg.mode == MODE_KIOSK;
	if (auth_init() != 0)
		return 1;
	if ((ui.db = app_connect(app)) == NULL)
		return 1;
	if (ui_check_training(&ui) != 0) {
		db_close(ui.db);
		return 1;
	}
	/* A test may ask for a hold shorter than a minute (MARQUEE_HOLD_SECONDS). */
	if ((env = getenv("MARQUEE_HOLD_SECONDS")) != NULL && atoi(env) > 0) {
		char v[32];

		snprintf(v, sizeof v, "%.4f", atoi(env) / 60.0);
		(void)db_set(ui.db, "marquee.hold_minutes", v);
	} else if (app->cfg.hold_minutes > 0)
		(void)db_set_hold_minutes(ui.db, app->cfg.hold_minutes);
	if (card_open(&ui.card, app->cfg.card_driver, app->cfg.card_state, &cause) != 0) {
		snprintf(ui.card_error, sizeof ui.card_error, "%s", cause);
		free(cause);
	}
	/* A lost terminal or a stop ends the loop, which releases the hold;
	 * no SA_RESTART, so poll wakes at once. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
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
	ui.db->reconnect_seconds = app->cfg.reconnect_seconds;
	db_on_wait(ui.db, ui_on_db_wait, &ui);
	ui.last_input = ui_now();
	ui_switch(&ui, ui_home(&ui));
	while (!(flags & UI_QUIT)) {
		struct pollfd pfd[2];
		int nfd = 1, key, sock, wait_ms;
		bool got_key = false;

		if (ui_signal != 0)
			break;

		if (ui.next != NULL) {
			const struct screen *next = ui.next;

			ui.next = NULL;
			ui_switch(&ui, next);
			flags |= UI_REDRAW;
		}
		if (flags & UI_REDRAW) {
			ui.nbuttons = 0;
			erase();
			if (COLS < 80 || LINES < 24)
				mvprintw(LINES / 2, 0, "Marquee needs at least 80x24; this window is %dx%d. Please enlarge it.",
				         COLS, LINES);
			else
				ui.screen->draw(&ui);
			refresh();
		}
		flags = 0;
		pfd[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		/* The database socket too: notifications, and a dropped connection
		 * (the server's goodbye makes it readable) shows the banner at once. */
		sock = db_socket(ui.db);
		if (sock >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = sock, .events = POLLIN };
		wait_ms = (int)(ui_relay(&ui) * 1000);
		(void)poll(pfd, (nfds_t)nfd, wait_ms < 1 ? 1 : wait_ms > 250 ? 250 : wait_ms);
		/* Also when listening and the socket was quiet: a notification that
		 * arrived during a query already sits in the connection's buffer. */
		if ((nfd == 2 && (pfd[1].revents & (POLLIN | POLLERR | POLLHUP))) ||
		    (ui.listening && db_connected(ui.db))) {
			if (db_notifications(ui.db, ui_on_notify, &ui) != 0)
				flags |= UI_REDRAW;
		}
		while ((key = getch()) != ERR) {
			got_key = true;
			ui.last_input = ui_now();
			if (key == KEY_RESIZE) {
				flags |= UI_REDRAW;
				continue;
			}
			if (key == KEY_MOUSE && (key = ui_mouse(&ui)) == ERR)
				continue;
			/* F8: the bookings, from any counter screen but a payment (and the
			 * admin menu, where F8 opens the back office). */
			if (key == KEY_F(8) && !ui.kiosk && ui.staff_id != 0 && ui.screen != &screen_booking &&
			    ui.screen != &screen_login && ui.screen != &screen_payment && ui.screen != &screen_admin &&
			    ui.screen != &screen_password) {
				screen_booking_open(&ui);
				break;
			}
			flags |= ui.screen->key(&ui, key);	/* redrawn only when it asks */
			if ((flags & UI_QUIT) || ui.next != NULL)
				break;
		}
		if ((lost = ui_terminal_lost(pfd[0].revents, got_key)) != NULL)
			break;
		if (ui.next == NULL && ui.screen->tick != NULL)
			flags |= ui.screen->tick(&ui);
		flags |= ui_housekeeping(&ui);
	}
	if (lost == NULL && ui_signal == SIGHUP)
		lost = "hang-up signal";
	if (lost != NULL) {
		oplog(LOG_WARNING, "terminal lost (%s): releasing the hold and stopping", lost);
		rc = 1;
	} else if (ui_signal == SIGTERM)
		oplog(LOG_NOTICE, "asked to stop (SIGTERM): releasing the hold");
	ui_switch(&ui, &(const struct screen){ .name = "exit" });
	tickets_job_free(ui.printing);
	free(ui.print_problem);
	ui.db->reconnect_seconds = 3;	/* releasing the hold on the way out: briefly */
	ui_sale_abandon(&ui);
	db_on_wait(ui.db, NULL, NULL);
	ui_end();
	fatal_hook = NULL;
	ui_sign_out(&ui, true);
	ui_sign_out(&ui, false);
	card_close(&ui.card);
	db_close(ui.db);
	return rc;
}
