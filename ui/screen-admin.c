/* screen-admin.c - the manager's admin menu: the day's takings, prices, a
 * new showtime, cancelling a showtime (with refunds), a new film. Every
 * change is an api.admin_* call that checks the manager in the database. */
#include "ui.h"
#include "client-admin.h"
#include "client-show.h"
#include "ui-list.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum admin_tab { TAB_TAKINGS, TAB_PRICES, TAB_SCHEDULE, TAB_CANCEL, TAB_FILM, TAB_COUNT };

static const char *const tab_names[TAB_COUNT] = {
	"F2 Takings", "F3 Prices", "F4 Schedule", "F5 Cancel show", "F6 New film",
};

#define FIELD_LEN 200

/* The fields of the schedule and film forms. */
enum { F_DATE, F_TIME, F_PLAN, F_SCHED_COUNT };
enum { F_TITLE, F_MINUTES, F_RATING, F_GENRE, F_SYNOPSIS, F_FILM_COUNT };

struct admin {
	enum admin_tab	 tab;
	struct admin_rows takings;	/* rows of the current tab: takings, */
	struct admin_rows prices;	/* prices */
	struct showtimes shows;		/* or showtimes to cancel */
	struct admin_rows films;	/* schedule: films and halls to pick from */
	struct admin_rows halls;
	bool		 films_read, halls_read;
	struct ui_list	 list;		/* the rows of the current tab */
	int		 day;		/* takings: days from today */
	char		 input[16];	/* prices: the new amount being typed */
	int		 film, hall;	/* schedule: picked indexes */
	int		 focus;
	char		 sched[F_SCHED_COUNT][FIELD_LEN];
	char		 form[F_FILM_COUNT][FIELD_LEN];
	long long	 confirm;	/* cancel: showtime waiting for "y" */
};

static void
admin_clear(struct admin *a)
{
	admin_takings_free(&a->takings);
	admin_prices_free(&a->prices);
	showtimes_free(&a->shows);
	ui_list_reset(&a->list);
	ui_list_set(&a->list, 0);
	a->input[0] = '\0';
	a->confirm = 0;
}

/* How many rows the current tab lists. */
static int
admin_rows_n(const struct admin *a)
{
	switch (a->tab) {
	case TAB_TAKINGS:
		return a->takings.n;
	case TAB_PRICES:
		return a->prices.n;
	case TAB_CANCEL:
		return a->shows.n;
	default:
		return 0;
	}
}

/* Loads the rows of the current tab. */
static void
admin_load(struct ui *ui, struct admin *a)
{
	char *cause = NULL;
	int rc = 0;

	admin_clear(a);
	switch (a->tab) {
	case TAB_TAKINGS:
		rc = client_admin_takings(ui->db, ui->staff_session, a->day, &a->takings, &cause);
		break;
	case TAB_PRICES:
		rc = client_admin_prices(ui->db, ui->staff_session, &a->prices, &cause);
		break;
	case TAB_CANCEL:
		rc = client_showtimes_all(ui->db, &a->shows, &cause);
		break;
	case TAB_SCHEDULE:
		if (!a->films_read && (rc = client_admin_films(ui->db, &a->films, &cause)) == 0)
			a->films_read = true;
		if (rc == 0 && !a->halls_read && (rc = client_admin_halls(ui->db, ui->staff_session, &a->halls, &cause)) == 0)
			a->halls_read = true;
		break;
	default:
		return;
	}
	if (rc != 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
	}
	ui_list_set(&a->list, admin_rows_n(a));
}

/* Loads the current tab again with the cursor where it was. */
static void
admin_reload(struct ui *ui, struct admin *a)
{
	int keep = a->list.cur;

	admin_load(ui, a);
	a->list.cur = keep;
	ui_list_set(&a->list, admin_rows_n(a));
}

static void
admin_enter(struct ui *ui)
{
	struct admin *a = xcalloc(1, sizeof *a);
	time_t t = time(NULL) + 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(a->sched[F_DATE], FIELD_LEN, "%Y-%m-%d", &tm);
	strlcpy_m(a->sched[F_TIME], "18:00", FIELD_LEN);
	strlcpy_m(a->sched[F_PLAN], "Standard", FIELD_LEN);
	strlcpy_m(a->form[F_RATING], "PG", FIELD_LEN);
	ui->data = a;
	admin_load(ui, a);
}

static void
admin_leave(struct ui *ui)
{
	struct admin *a = ui->data;

	admin_clear(a);
	admin_films_free(&a->films);
	admin_halls_free(&a->halls);
	free(a);
	ui->data = NULL;
}

/* Says a change's answer. Returns true when the database said ok. */
static bool
admin_said(struct ui *ui, int rc, char *message)
{
	ui_say(ui, rc == 0 ? UI_OK : UI_ERR, "%s", message);
	free(message);
	return rc == 0;
}

static void
admin_save_price(struct ui *ui, struct admin *a)
{
	const struct price_row *r;
	char *message = NULL;
	long long c;
	int rc;

	if (a->list.cur >= a->prices.n)
		return;
	if (money_parse(a->input, &c) != 0) {
		ui_say(ui, UI_ERR, "Type a price such as 12.50.");
		return;
	}
	r = ADMIN_ROW(&a->prices, struct price_row, a->list.cur);
	rc = client_admin_price_set(ui->db, ui->staff_session, r->price_plan, r->type_code, c, &message);
	if (admin_said(ui, rc, message))
		admin_reload(ui, a);
}

static void
admin_save_showtime(struct ui *ui, struct admin *a)
{
	char when[64], *message = NULL;
	int rc;

	if (a->films.n == 0 || a->halls.n == 0) {
		ui_say(ui, UI_ERR, "There are no films or halls to schedule.");
		return;
	}
	if (strlen(a->sched[F_DATE]) != 10 || strlen(a->sched[F_TIME]) != 5 || a->sched[F_DATE][4] != '-' ||
	    a->sched[F_TIME][2] != ':') {
		ui_say(ui, UI_ERR, "Date as YYYY-MM-DD and time as HH:MM, please.");
		return;
	}
	snprintf(when, sizeof when, "%.10s %.5s", a->sched[F_DATE], a->sched[F_TIME]);
	rc = client_admin_showtime_add(ui->db, ui->staff_session, ADMIN_ROW(&a->films, struct film_row, a->film)->movie_id,
	                               ADMIN_ROW(&a->halls, struct hall_row, a->hall)->auditorium_id, when,
	                               a->sched[F_PLAN], NULL, &message);
	(void)admin_said(ui, rc, message);
}

static void
admin_cancel_show(struct ui *ui, struct admin *a)
{
	char *message = NULL;
	long long show = a->confirm;
	int rc;

	a->confirm = 0;
	rc = client_admin_showtime_cancel(ui->db, ui->staff_session, show, &message);
	if (rc == 0)
		admin_reload(ui, a);
	(void)admin_said(ui, rc, message);
}

static void
admin_save_film(struct ui *ui, struct admin *a)
{
	char *message = NULL;
	int rc = client_admin_film_add(ui->db, ui->staff_session, a->form[F_TITLE], a->form[F_SYNOPSIS],
	                               a->form[F_MINUTES], a->form[F_RATING], a->form[F_GENRE], &message);

	if (rc == -2)
		a->focus = F_MINUTES;
	if (admin_said(ui, rc, message)) {
		for (int i = 0; i < F_FILM_COUNT; i++)
			a->form[i][0] = '\0';
		strlcpy_m(a->form[F_RATING], "PG", FIELD_LEN);
		a->focus = F_TITLE;
		admin_films_free(&a->films);
		a->films_read = false;	/* the schedule tab lists the new film */
	}
}

/* Whether a typed character does not belong in schedule field focus: then
 * says what the field takes, and where the character may belong. */
static bool
admin_sched_refused(struct ui *ui, int focus, int key)
{
	bool digit = key >= '0' && key <= '9';

	if (key < 32 || key >= 127)
		return false;
	if (focus == F_DATE && !digit && key != '-') {
		ui_say(ui, UI_ERR, "Date: digits and '-' (YYYY-MM-DD)%s", key == ':' ?
		       "; a time goes in the Time field (Tab)." : ".");
		return true;
	}
	if (focus == F_TIME && !digit && key != ':') {
		ui_say(ui, UI_ERR, "Time: digits and ':' (HH:MM)%s", key == '-' ?
		       "; a date goes in the Date field (Tab back)." : ".");
		return true;
	}
	if (focus == F_PLAN && key != ' ') {
		ui_say(ui, UI_ERR, "Prices: Space switches Standard/Matinee%s", digit ?
		       "; Tab to type a date or time." : ".");
		return true;
	}
	return false;
}

/* The list keys of a tab; returns UI_REDRAW when the key was one, else 0. */
static int
admin_list_key(struct admin *a, int key)
{
	if (ui_list_key(&a->list, key) == UI_LIST_NONE)
		return 0;
	a->input[0] = '\0';
	a->confirm = 0;
	return UI_REDRAW;
}

static int
admin_key(struct ui *ui, int key)
{
	struct admin *a = ui->data;
	bool enter = key == '\r' || key == '\n' || key == KEY_ENTER || key == KEY_F(12);
	int f;

	if (key >= KEY_F(2) && key <= KEY_F(6)) {
		a->tab = (enum admin_tab)(key - KEY_F(2));
		a->focus = 0;
		ui_say(ui, 0, "%s", "");
		admin_load(ui, a);
		return UI_REDRAW;
	}
	if (key == KEY_F(8)) {
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, &screen_office);
		return UI_REDRAW;
	}
	if (key == 27 || key == KEY_F(10)) {
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, &screen_listing);
		return UI_REDRAW;
	}
	switch (a->tab) {
	case TAB_TAKINGS:
		if (key == KEY_LEFT || key == '-')
			a->day--;
		else if (key == KEY_RIGHT || key == '+')
			a->day = a->day < 14 ? a->day + 1 : 14;
		else if (key != KEY_F(7) && (f = admin_list_key(a, key)) != 0)
			return f;
		else if (key != KEY_F(7))
			return UI_HANDLED;
		admin_load(ui, a);
		return UI_REDRAW;
	case TAB_PRICES:
		if ((f = admin_list_key(a, key)) != 0)
			return f;
		if (enter) {
			if (a->input[0] == '\0')
				ui_say(ui, UI_ERR, "Type the new price first, then Enter.");
			else
				admin_save_price(ui, a);
			return UI_REDRAW;
		}
		if ((key >= '0' && key <= '9') || key == '.' || key == KEY_BACKSPACE || key == 127 || key == 8)
			ui_field_key(a->input, sizeof a->input, key);
		return UI_REDRAW;
	case TAB_CANCEL:
		if ((f = admin_list_key(a, key)) != 0)
			return f;
		if (a->list.cur < a->shows.n && (key == KEY_DC || key == 'x' || enter)) {
			const struct showtime *sh = &a->shows.v[a->list.cur];
			char ft[128];

			a->confirm = sh->showtime_id;
			ui_say(ui, UI_ERR, "Cancel %s %s, refunding all? y = yes", UI_FIT(ft, sh->title, 24), sh->starts);
		} else if (a->confirm != 0 && (key == 'y' || key == 'Y'))
			admin_cancel_show(ui, a);
		else if (a->confirm != 0) {
			a->confirm = 0;
			ui_say(ui, 0, "Nothing was cancelled.");
		}
		return UI_REDRAW;
	case TAB_SCHEDULE: {
		int nf = a->films.n, nh = a->halls.n;

		if (key == KEY_UP && nf > 0)
			a->film = (a->film + nf - 1) % nf;
		else if (key == KEY_DOWN && nf > 0)
			a->film = (a->film + 1) % nf;
		else if (key == KEY_LEFT && nh > 0)
			a->hall = (a->hall + nh - 1) % nh;
		else if (key == KEY_RIGHT && nh > 0)
			a->hall = (a->hall + 1) % nh;
		else if (key == '\t')
			a->focus = (a->focus + 1) % F_SCHED_COUNT;
		else if (key == KEY_BTAB)
			a->focus = (a->focus + F_SCHED_COUNT - 1) % F_SCHED_COUNT;
		else if (enter)
			admin_save_showtime(ui, a);
		else if (a->focus == F_PLAN && key == ' ')
			strlcpy_m(a->sched[F_PLAN], strcmp(a->sched[F_PLAN], "Standard") == 0 ? "Matinee" : "Standard",
			          FIELD_LEN);
		else if (admin_sched_refused(ui, a->focus, key))
			;
		else if (a->focus != F_PLAN)
			ui_field_key(a->sched[a->focus], 11, key);
		return UI_REDRAW;
	}
	case TAB_FILM:
		if (key == '\t' || key == KEY_DOWN)
			a->focus = (a->focus + 1) % F_FILM_COUNT;
		else if (key == KEY_BTAB || key == KEY_UP)
			a->focus = (a->focus + F_FILM_COUNT - 1) % F_FILM_COUNT;
		else if (enter)
			admin_save_film(ui, a);
		else
			ui_field_key(a->form[a->focus], FIELD_LEN, key);
		return UI_REDRAW;
	default:
		return UI_HANDLED;
	}
}

static void
draw_takings_row(struct admin *a, int r, int y)
{
	const struct takings_row *t = ADMIN_ROW(&a->takings, struct takings_row, r);
	char fl[64], ft[128];
	char cash[24], card[24], back[24], net[24];

	money_format(cash, sizeof cash, t->cash_cents);
	money_format(card, sizeof card, t->card_cents);
	money_format(back, sizeof back, t->refunded_cents);
	money_format(net, sizeof net, t->net_cents);
	mvprintw(y, 1, "%s %s %4lld %9s %9s %9s %9s",
	         UI_FIT(fl, t->location + (strncmp(t->location, "Marquee ", 8) == 0 ? 8 : 0), 9),
	         UI_FIT(ft, t->title, 20), t->tickets, cash, card, back, net);
}

static void
draw_price_row(struct admin *a, int r, int y)
{
	const struct price_row *p = ADMIN_ROW(&a->prices, struct price_row, r);
	char fp[64], ft[128];
	char price[24];

	money_format(price, sizeof price, p->amount_cents);
	mvprintw(y, 1, "%s %s %10s %s", UI_FIT(fp, p->price_plan, 12), UI_FIT(ft, p->type_name, 20), price,
	         p->currency);
	if (r == a->list.cur)
		printw("   new price: %s_", a->input);
}

static void
draw_show_row(struct admin *a, int r, int y)
{
	const struct showtime *sh = &a->shows.v[r];
	char ft[160], fl[64], fh[64];

	mvprintw(y, 1, "%-16.16s %s %s %s %4d sold", sh->starts, UI_FIT(ft, sh->title, 30),
	         UI_FIT(fl, sh->location + (strncmp(sh->location, "Marquee ", 8) == 0 ? 8 : 0), 10),
	         UI_FIT(fh, sh->auditorium, 9), sh->seats_total - sh->seats_available);
}

/* Draws row r of the current tab at line y (the list's callback); the
 * takings have no cursor. */
static void
admin_draw_row(struct ui *ui, void *arg, int r, int y, bool hot)
{
	struct admin *a = arg;

	(void)ui;
	hot = hot && a->tab != TAB_TAKINGS;
	if (hot)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	if (a->tab == TAB_TAKINGS)
		draw_takings_row(a, r, y);
	else if (a->tab == TAB_PRICES)
		draw_price_row(a, r, y);
	else
		draw_show_row(a, r, y);
	if (hot)
		attroff(A_REVERSE);
}

/* Draws the current tab's list from line y0 down to the footer. */
static void
admin_draw_list(struct ui *ui, struct admin *a, int y0)
{
	ui_list_draw(ui, &a->list, y0, 0, COLS, LINES - y0 - 3, admin_draw_row, a);
}

static void
admin_draw(struct ui *ui)
{
	char fit[1024];
	struct admin *a = ui->data;
	int x = 1;

	ui_draw_header(ui, "manager");
	for (int t = 0; t < TAB_COUNT; t++) {
		if (t == (int)a->tab)
			attron(A_REVERSE | A_BOLD);
		mvprintw(2, x, " %s ", tab_names[t]);
		if (t == (int)a->tab)
			attroff(A_REVERSE | A_BOLD);
		x += (int)strlen(tab_names[t]) + 3;
	}
	attron(A_BOLD);
	switch (a->tab) {
	case TAB_TAKINGS: {
		long long tickets = 0, cash = 0, card = 0, back = 0, net = 0;
		char m[5][24];
		time_t t = time(NULL) + (time_t)a->day * 86400;
		struct tm tm;
		char day[32];

		localtime_r(&t, &tm);
		strftime(day, sizeof day, "%a %d %b %Y", &tm);
		mvprintw(4, 1, "Takings of %s   (Left/Right: another day)", day);
		mvprintw(5, 1, "%-9s %-20s %4s %9s %9s %9s %9s", "Cinema", "Film", "Tkts", "Cash", "Card",
		         "Refunds", "Net");
		attroff(A_BOLD);
		admin_draw_list(ui, a, 6);
		for (int r = 0; r < a->takings.n; r++) {
			const struct takings_row *row = ADMIN_ROW(&a->takings, struct takings_row, r);

			tickets += row->tickets;
			cash += row->cash_cents;
			card += row->card_cents;
			back += row->refunded_cents;
			net += row->net_cents;
		}
		money_format(m[0], sizeof m[0], cash);
		money_format(m[1], sizeof m[1], card);
		money_format(m[2], sizeof m[2], back);
		money_format(m[3], sizeof m[3], net);
		attron(A_BOLD);
		mvprintw(LINES - 3, 1, "%-9s %-20s %4lld %9s %9s %9s %9s", "TOTAL", "", tickets, m[0], m[1],
		         m[2], m[3]);
		attroff(A_BOLD);
		if (a->takings.n == 0)
			mvprintw(7, 2, "No sales or refunds on this day.");
		ui_draw_footer(ui, "Left/Right day  F3 prices  F4 schedule  F5 cancel show  F6 new film  F8 back office"
		               "  Esc back");
		return;
	}
	case TAB_PRICES:
		mvprintw(4, 1, "%-12s %-20s %10s", "Plan", "Ticket", "Price");
		attroff(A_BOLD);
		admin_draw_list(ui, a, 5);
		ui_draw_footer(ui, "Up/Down ticket  type the new price  Enter save  Esc back");
		return;
	case TAB_CANCEL:
		mvprintw(4, 1, "%-16s %-30s %-10s %-9s", "When", "Film", "Cinema", "Hall");
		attroff(A_BOLD);
		admin_draw_list(ui, a, 5);
		ui_draw_footer(ui, "Up/Down showtime  Del/Enter cancel it (asks first)  Esc back");
		return;
	case TAB_SCHEDULE: {
		int nf = a->films.n, nh = a->halls.n;
		char hall[80] = "", film[160] = "";

		mvprintw(4, 1, "Schedule a showtime");
		attroff(A_BOLD);
		if (nf > 0) {
			const struct film_row *f = ADMIN_ROW(&a->films, struct film_row, a->film);

			snprintf(film, sizeof film, "%s (%d min)", f->title, f->runtime_min);
		}
		if (nh > 0) {
			const struct hall_row *h = ADMIN_ROW(&a->halls, struct hall_row, a->hall);

			snprintf(hall, sizeof hall, "%s, %s (%d seats)", h->location, h->auditorium, h->seats);
		}
		mvprintw(6, 2, "Film   (Up/Down)     %s", UI_FIT(fit, film, COLS - 25));
		mvprintw(8, 2, "Hall   (Left/Right)  %s", UI_FIT(fit, hall, COLS - 25));
		ui_draw_text_box(10, 2, 12, "Date (YYYY-MM-DD)", a->sched[F_DATE], a->focus == F_DATE, false);
		ui_draw_text_box(12, 2, 12, "Time (HH:MM)     ", a->sched[F_TIME], a->focus == F_TIME, false);
		ui_draw_text_box(14, 2, 12, "Prices (Space)   ", a->sched[F_PLAN], a->focus == F_PLAN, false);
		/* The field that takes what is typed, marked in words too (not only
		 * by reverse video, which some terminals and eyes miss). */
		attron(A_BOLD);
		mvprintw(10 + 2 * a->focus, 0, ">");
		mvprintw(10 + 2 * a->focus, 2 + 17 + 1 + 12 + 1, "< typing here");
		attroff(A_BOLD);
		mvprintw(16, 2, "The hall is booked for the running time plus 20 minutes to clean.");
		ui_draw_footer(ui, "Up/Down film  Left/Right hall  Tab field  Enter schedule  Esc back");
		return;
	}
	case TAB_FILM: {
		static const char *const labels[F_FILM_COUNT] = {
			"Title            ", "Minutes          ", "Rating           ", "Genre            ",
			"Synopsis         ",
		};

		mvprintw(4, 1, "Add a film");
		attroff(A_BOLD);
		for (int i = 0; i < F_FILM_COUNT; i++)
			ui_draw_text_box(6 + 2 * i, 2, COLS - 28 > 10 ? COLS - 28 : 10, labels[i], a->form[i],
			                 a->focus == i, false);
		attron(A_BOLD);
		mvprintw(6 + 2 * a->focus, 0, ">");
		attroff(A_BOLD);
		ui_draw_footer(ui, "Tab/Down next field  Enter add the film  Esc back");
		return;
	}
	default:
		attroff(A_BOLD);
		return;
	}
}

const struct screen screen_admin = {
	.name = "admin",
	.enter = admin_enter,
	.leave = admin_leave,
	.key = admin_key,
	.draw = admin_draw,
};
