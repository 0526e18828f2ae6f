/* screen-listing.c - today's and upcoming showtimes: search as you type,
 * filters by cinema, time of day and day, seats left with sold-out and
 * nearly-full at a glance. Enter opens the seat map. At a kiosk the films
 * come first, one row each, and touching one lists its times; a search
 * lists the matching times at once.
 *
 * Live seats left: while the listing is open it LISTENs on seat_change and
 * marks each listed showtime a notification names at a seat version newer
 * than the one its count is as of (any version, before its first count);
 * at most once a second it asks api.seats_left for the marked showtimes
 * only (client_seats_left) and redraws. The kiosk's films view shows no
 * counts and asks once a film's times are listed. The whole listing is
 * read again on entering, on every change of search or filter, on F6, and
 * every LISTING_REFRESH seconds: that brings new showtimes and the moving
 * day window, and corrects a count whose notification was lost (or a hold
 * that ran out by the clock, which raises no version until it is swept). */
#include "ui.h"
#include "client-show.h"
#include "ids.h"
#include "ui-list.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#define LISTING_REFRESH 300.0	/* seconds between whole reloads ($MARQUEE_LISTING_REFRESH) */
#define LISTING_ASK_EVERY 1.0	/* seconds between two asks for seats left */

static const char *const times_of_day[] = { "", "morning", "afternoon", "evening", "night" };
static const char *const days[] = { "all days", "today", "tomorrow" };

struct listing {
	struct showtimes shows;
	struct locations locations;
	double		 loaded_at;
	int		*rows;		/* what is listed: indexes into shows.v */
	int		*ntimes;	/* films view: each film's number of times */
	int		 nrows;
	double		 refresh;	/* seconds between whole reloads */
	double		 asked_at;	/* when seats left were last read */
	long long	 changed[CLIENT_SEATS_LEFT_MAX];	/* listed showtimes whose seats changed */
	int		 nchanged;
	bool		 overflow;	/* more changed than one ask takes: reload whole */
};

/* What the listing remembers between sales. */
static struct {
	char	query[40];
	int	location;	/* index into locations + 1; 0 = all */
	int	tod;		/* index into times_of_day */
	int	day;		/* index into days */
	long long film;		/* kiosk: the film whose times are listed, 0 = the films */
	char	film_title[128];
	struct ui_list list;	/* the rows: a click on one is 1000 + row */
} lm = { .list = { .click_key = 1000 } };

void
listing_forget(void)
{
	lm.query[0] = '\0';
	lm.location = lm.tod = lm.day = 0;
	lm.film = 0;
	ui_list_reset(&lm.list);
}

/* Whether the kiosk lists films (no search, no film chosen). */
static bool
films_view(const struct ui *ui)
{
	return ui->kiosk && lm.query[0] == '\0' && lm.film == 0;
}

/* Fills l->rows from l->shows: every film once, in the order of its first
 * showtime, with its number of times (the films view), or the showtimes
 * (of the chosen film, at a kiosk). */
static void
listing_rows(struct ui *ui, struct listing *l)
{
	int n = 0;

	free(l->rows);
	free(l->ntimes);
	l->rows = xcalloc((size_t)l->shows.n + 1, sizeof *l->rows);
	l->ntimes = xcalloc((size_t)l->shows.n + 1, sizeof *l->ntimes);
	for (int i = 0; i < l->shows.n; i++) {
		const struct showtime *sh = &l->shows.v[i];
		int f;

		if (!films_view(ui)) {
			if (!ui->kiosk || lm.query[0] != '\0' || sh->movie_id == lm.film)
				l->rows[n++] = i;
			continue;
		}
		for (f = 0; f < n && l->shows.v[l->rows[f]].movie_id != sh->movie_id; f++)
			;
		if (f == n)
			l->rows[n++] = i;
		l->ntimes[f]++;
	}
	l->nrows = n;
	ui_list_set(&lm.list, n);
}

static void
listing_load(struct ui *ui, struct listing *l)
{
	struct listing_filter f = {
		.query = lm.query,
		.location_id = ui->app->cfg.location_id,
		.time_of_day = times_of_day[lm.tod][0] != '\0' ? times_of_day[lm.tod] : NULL,
		.day = lm.day - 1,
	};
	struct showtimes shows;
	char *cause = NULL;

	if (lm.location > 0 && lm.location <= l->locations.n)
		f.location_id = l->locations.v[lm.location - 1].location_id;
	l->loaded_at = l->asked_at = ui_now();
	if (client_listing(ui->db, &f, &shows, &cause) != 0) {
		ui_fail(ui, cause, "Sorry, the showtimes cannot be shown just now. Please ask at the counter.");
		free(cause);
		return;
	}
	showtimes_free(&l->shows);
	l->shows = shows;
	l->nchanged = 0;	/* the read saw every change announced so far */
	l->overflow = false;
	listing_rows(ui, l);
}

static void
listing_enter(struct ui *ui)
{
	struct listing *l = xcalloc(1, sizeof *l);
	char *cause = NULL;

	ui->data = l;
	l->refresh = ui_env_seconds("MARQUEE_LISTING_REFRESH", LISTING_REFRESH);
	ui_listen(ui, true);	/* before the read: no change falls between */
	if (client_locations(ui->db, &l->locations, &cause) != 0)
		free(cause);	/* the listing below says what is wrong */
	listing_load(ui, l);
}

static void
listing_leave(struct ui *ui)
{
	struct listing *l = ui->data;

	ui_listen(ui, false);
	showtimes_free(&l->shows);
	locations_free(&l->locations);
	free(l->rows);
	free(l->ntimes);
	free(l);
	ui->data = NULL;
}

/* Starts a sale of the showtime under the cursor, or (films view) lists
 * the times of the film under it. */
static void
listing_open(struct ui *ui, struct listing *l)
{
	struct sale *s = &ui->sale;
	int r = lm.list.cur;

	const struct showtime *sh;

	if (r >= l->nrows)
		return;
	sh = &l->shows.v[l->rows[r]];
	if (films_view(ui)) {
		lm.film = sh->movie_id;
		strlcpy_m(lm.film_title, sh->title, sizeof lm.film_title);
		ui_list_reset(&lm.list);
		listing_rows(ui, l);
		return;
	}
	if (sh->seats_available == 0) {
		ui_say(ui, UI_ERR, "That showtime is sold out.");
		return;
	}
	ui_sale_abandon(ui);
	s->showtime_id = sh->showtime_id;
	strlcpy_m(s->title, sh->title, sizeof s->title);
	strlcpy_m(s->when, sh->starts, sizeof s->when);
	snprintf(s->hall, sizeof s->hall, "%s, %s", sh->location, sh->auditorium);
	s->nseats = 0;
	s->party = 0;
	ui_say(ui, 0, "%s", "");
	ui_goto(ui, &screen_seatmap);
}

static int
listing_key(struct ui *ui, int key)
{
	struct listing *l = ui->data;
	size_t len = strlen(lm.query);
	int nloc = l->locations.n;

	switch (ui_list_key(&lm.list, key)) {
	case UI_LIST_MOVED:
		return UI_REDRAW;
	case UI_LIST_CLICKED:
		listing_open(ui, l);
		return UI_REDRAW;
	case UI_LIST_NONE:
		break;
	}
	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(5):
		listing_open(ui, l);
		return UI_REDRAW;
	case KEY_F(2):
		lm.location = (lm.location + 1) % (nloc + 1);
		break;
	case KEY_F(3):
		lm.tod = (lm.tod + 1) % (int)(sizeof times_of_day / sizeof times_of_day[0]);
		break;
	case KEY_F(4):
		lm.day = (lm.day + 1) % (int)(sizeof days / sizeof days[0]);
		break;
	case KEY_F(6):
		if (ui->kiosk) {
			ui_goto(ui, &screen_account);
			return UI_REDRAW;
		}
		listing_load(ui, l);
		return UI_REDRAW;
	case KEY_F(9):
		if (!ui->kiosk && strcmp(ui->staff_role, "supervisor") == 0) {
			ui_goto(ui, &screen_office);
			return UI_REDRAW;
		}
		if (ui->kiosk || strcmp(ui->staff_role, "manager") != 0) {
			ui_say(ui, UI_ERR, "The admin menu is for managers: sign in as a manager.");
			return UI_REDRAW;
		}
		ui_goto(ui, &screen_admin);
		return UI_REDRAW;
	case KEY_F(10):
		if (ui->kiosk) {
			ui_goto(ui, &screen_attract);
			return UI_REDRAW;
		}
		ui_sign_out(ui, true);
		ui_say(ui, 0, "Logged out.");
		ui_goto(ui, &screen_login);
		return UI_REDRAW;
	case KEY_F(7):	/* counter: the cash drawer; kiosk: back to the films */
		if (!ui->kiosk) {
			ui_goto(ui, &screen_cashup);
			return UI_REDRAW;
		}
		lm.query[0] = '\0';
		lm.film = 0;
		break;
	case 27:	/* Esc: clear the search, then the filters (kiosk: the film) */
		if (lm.query[0] != '\0')
			lm.query[0] = '\0';
		else if (ui->kiosk && lm.film != 0)
			lm.film = 0;
		else if (ui->kiosk) {
			ui_goto(ui, &screen_attract);
			return UI_REDRAW;
		} else
			lm.location = lm.tod = lm.day = 0;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (len == 0)
			return UI_HANDLED;
		while (len > 1 && ((unsigned char)lm.query[len - 1] & 0xc0) == 0x80)
			len--;	/* a whole UTF-8 character */
		lm.query[len - 1] = '\0';
		break;
	case 21:	/* Ctrl-U */
		lm.query[0] = '\0';
		break;
	case KEY_MOUSE:
		return UI_HANDLED;
	default:
		/* Printable ASCII, and the bytes of UTF-8 characters as curses
		 * hands them over one by one ("é" is two keys). */
		if (key < 32 || key == 127 || key > 0xff || len + 1 >= sizeof lm.query)
			return UI_HANDLED;
		lm.query[len] = (char)key;
		lm.query[len + 1] = '\0';
		if (!utf8_valid(lm.query))
			return UI_REDRAW;	/* the rest of the character is coming */
		break;
	}
	ui_list_reset(&lm.list);
	listing_load(ui, l);
	return UI_REDRAW;
}

/* A seat_change word: marks the listed showtime it names when its seats
 * changed after the version the listing's count is as of (a word without a
 * version always). */
static int
listing_notify(struct ui *ui, const struct seat_news *news)
{
	struct listing *l = ui->data;
	int i, k;

	for (i = 0; i < l->shows.n && l->shows.v[i].showtime_id != news->showtime_id; i++)
		;
	if (i == l->shows.n || (news->version > 0 && news->version <= l->shows.v[i].seat_version))
		return 0;
	for (k = 0; k < l->nchanged && l->changed[k] != news->showtime_id; k++)
		;
	if (k < l->nchanged)
		return 0;
	if (l->nchanged == CLIENT_SEATS_LEFT_MAX)
		l->overflow = true;
	else
		l->changed[l->nchanged++] = news->showtime_id;
	return 0;
}

/* Reads the seats left of the showtimes marked changed (all of the listing
 * when more were marked than one ask takes) at most once a second, and the
 * whole listing every l->refresh seconds. The kiosk's films view shows no
 * counts: its marks wait until a film's times are listed. A failed read
 * keeps the marks for the next second (the banner says when the database
 * is away). */
static int
listing_tick(struct ui *ui)
{
	struct listing *l = ui->data;
	double now = ui_now();
	bool ask = (l->nchanged > 0 || l->overflow) && !films_view(ui) && now - l->asked_at >= LISTING_ASK_EVERY;
	char *cause = NULL;

	if (now - l->loaded_at > l->refresh || (ask && l->overflow)) {
		listing_load(ui, l);
		return UI_REDRAW;
	}
	if (!ask)
		return 0;
	l->asked_at = now;
	if (client_seats_left(ui->db, l->changed, l->nchanged, &l->shows, &cause) < 0) {
		free(cause);
		return 0;
	}
	l->nchanged = 0;
	return UI_REDRAW;
}

/* Draws film row r at line y, two lines (the kiosk's films view). */
static void
listing_draw_film(struct listing *l, int r, int y, bool hot)
{
	const struct showtime *sh = &l->shows.v[l->rows[r]];
	char price[24], times[24];

	cart_money(price, sizeof price, sh->price_cents, sh->currency);
	if (l->ntimes[r] == 1)
		snprintf(times, sizeof times, "1 time");
	else
		snprintf(times, sizeof times, "%d times", l->ntimes[r]);
	if (hot)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	mvhline(y + 1, 0, ' ', COLS);
	attron(A_BOLD);
	mvprintw(y, 2, "%-.*s", COLS - 30, sh->title);
	attroff(A_BOLD);
	mvprintw(y, COLS - 28, "next %s", sh->starts);
	if (sh->runtime_min > 0)
		mvprintw(y + 1, 2, "%s  %d min  from %s", sh->rating, sh->runtime_min, price);
	else
		mvprintw(y + 1, 2, "%s  from %s", sh->rating, price);
	mvprintw(y + 1, COLS - 28, "%s", times);
	if (hot)
		attroff(A_REVERSE);
}

/* Draws row r at line y (the list's callback). The counter's row gives the
 * film's title the room: when, title, cinema and hall, seats left; a full
 * or nearly full show says so in the seats-left column, and in words too
 * where the screen is wide enough. */
static void
listing_draw_row(struct ui *ui, void *arg, int r, int y, bool hot)
{
	struct listing *l = arg;
	const struct showtime *sh = &l->shows.v[l->rows[r]];
	int left = sh->seats_available;
	int total = sh->seats_total;
	const char *tag = left == 0 ? "SOLD OUT" : left * 10 <= total ? "NEARLY FULL" : "";
	int tagattr = left == 0 ? COLOR_PAIR(PAIR_SOLD) | A_BOLD : COLOR_PAIR(PAIR_HELD) | A_BOLD;
	char price[24], loc[64], ft[512], fl[128], seats[24];

	if (films_view(ui)) {
		listing_draw_film(l, r, y, hot);
		return;
	}
	cart_money(price, sizeof price, sh->price_cents, sh->currency);
	snprintf(loc, sizeof loc, "%s %s", sh->location + (strncmp(sh->location, "Marquee ", 8) == 0 ? 8 : 0),
	         sh->auditorium);
	if (!ui->kiosk) {
		int locw = COLS >= 100 ? 20 : 18, tagw = COLS >= 100 ? 12 : 0;
		int titlew = COLS - 1 - 17 - (locw + 1) - 10 - tagw;

		if (left == 0)
			snprintf(seats, sizeof seats, "SOLD OUT");
		else
			snprintf(seats, sizeof seats, "%4d/%-4d", left, total);
		if (hot)
			attron(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
		mvprintw(y, 1, "%-16.16s %s %s ", sh->starts, UI_FIT(ft, sh->title, titlew > 10 ? titlew : 10),
		         UI_FIT(fl, loc, locw));
		if (tag[0] != '\0')
			attron(tagattr);
		printw("%9s", seats);
		if (tagw > 0)
			printw(" %s", tag);
		if (tag[0] != '\0')
			attroff(tagattr);
		if (hot)
			attroff(A_REVERSE);
		return;
	}
	/* kiosk: big two-line rows, the whole row is a target. A chosen film's
	 * times lead with the time (the film is in the title); a search's
	 * with the film. */
	if (hot)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	mvhline(y + 1, 0, ' ', COLS);
	attron(A_BOLD);
	if (lm.query[0] == '\0') {
		mvprintw(y, 2, "%s", sh->starts);
		attroff(A_BOLD);
		mvprintw(y + 1, 2, "%s  from %s", loc, price);
	} else {
		mvprintw(y, 2, "%-.*s", COLS - 30, sh->title);
		attroff(A_BOLD);
		mvprintw(y, COLS - 24, "%s", sh->starts);
		mvprintw(y + 1, 2, "%s  %s  from %s", sh->rating, loc, price);
	}
	if (hot)
		attroff(A_REVERSE);
	attron(tagattr);
	mvprintw(y + 1, COLS - 24, "%s", tag[0] != '\0' ? tag : "");
	attroff(tagattr);
	if (tag[0] == '\0')
		mvprintw(y + 1, COLS - 24, "%d seats left", left);
}

static void
listing_draw(struct ui *ui)
{
	struct listing *l = ui->data;
	int n = l->nrows, rowh = ui->kiosk ? 3 : 1;
	int y0 = ui->kiosk ? 5 : 4, rows = (LINES - 2 - y0) / rowh;
	const char *loc = "all cinemas";
	char title[160], filters[128];

	if (lm.location > 0 && lm.location <= l->locations.n)
		loc = l->locations.v[lm.location - 1].name;
	if (!ui->kiosk)
		snprintf(title, sizeof title, "showtimes");
	else if (films_view(ui))
		snprintf(title, sizeof title, "Choose a film");
	else if (lm.query[0] == '\0')
		snprintf(title, sizeof title, "Choose a time: %s", lm.film_title);
	else
		snprintf(title, sizeof title, "Choose a time");
	ui_draw_header(ui, title);
	ui_draw_text_box(2, 1, 24, "Search:", lm.query, true, false);
	snprintf(filters, sizeof filters, "%.20s | %s | %s | %d%s", loc,
	         times_of_day[lm.tod][0] != '\0' ? times_of_day[lm.tod] : "any time", days[lm.day], n,
	         films_view(ui) ? (n == 1 ? " film" : " films") : (n == 1 ? " time" : " times"));
	mvprintw(2, 36, "%.*s", COLS > 36 ? COLS - 36 : 0, filters);
	if (!ui->kiosk) {
		int locw = COLS >= 100 ? 20 : 18, tagw = COLS >= 100 ? 12 : 0;
		int titlew = COLS - 1 - 17 - (locw + 1) - 10 - tagw;

		attron(A_BOLD);
		mvprintw(3, 1, "%-16s %-*s %-*s %9s", "When", titlew > 10 ? titlew : 10, "Film", locw, "Cinema / hall",
		         "Left");
		attroff(A_BOLD);
	}
	lm.list.rowh = rowh;
	ui_list_draw(ui, &lm.list, y0, 0, ui->kiosk ? COLS - 12 : COLS, rows * rowh, listing_draw_row, l);
	if (n == 0 && !ui->kiosk && bookcode_shaped(lm.query))
		mvprintw(y0 + 1, 2, "%s", "That looks like a booking code: F8 finds bookings (type it there).");
	else if (n == 0)
		mvprintw(y0 + 1, 2, "%s", ui->kiosk ? "No showtimes match. Touch Cinema, Time or Day to see others." :
		                          "No showtimes match. Esc clears the search; F8 finds a booking.");
	if (ui->kiosk) {
		ui_draw_button(ui, 3, 1, 10, 1, "Cinema", KEY_F(2), lm.location != 0);
		ui_draw_button(ui, 3, 12, 8, 1, "Time", KEY_F(3), lm.tod != 0);
		ui_draw_button(ui, 3, 21, 8, 1, "Day", KEY_F(4), lm.day != 0);
		ui_draw_button(ui, 3, 30, 13, 1, "My bookings", KEY_F(6), false);
		ui_draw_button(ui, 3, 44, 8, 1, "Home", KEY_F(10), false);
		if (!films_view(ui))
			ui_draw_button(ui, 3, 53, 11, 1, "All films", KEY_F(7), false);
		ui_draw_button(ui, 3, COLS - 16, 7, 1, "Up", KEY_PPAGE, false);
		ui_draw_button(ui, 3, COLS - 8, 7, 1, "Down", KEY_NPAGE, false);
		ui_draw_footer(ui, films_view(ui) ? "Touch a film to see its times. Cinema, Time and Day change what is shown." :
		                                    "Touch a time to choose seats, or All films to go back.");
	} else if (strcmp(ui->staff_role, "manager") == 0 || strcmp(ui->staff_role, "supervisor") == 0)
		ui_draw_footer(ui, "Type to search  Enter seats  F2 cinema  F3 time  F4 day  F6 reload  F7 drawer  F8 bookings"
		                   "  F9 admin  F10 log out");
	else
		ui_draw_footer(ui, "Type to search  Enter/F5 seats  F2 cinema  F3 time  F4 day  F6 reload  F7 drawer  F8 bookings"
		                   "  Esc clear  F10 log out");
}

const struct screen screen_listing = {
	.name = "listing",
	.enter = listing_enter,
	.leave = listing_leave,
	.key = listing_key,
	.draw = listing_draw,
	.tick = listing_tick,
	.notify = listing_notify,
};
