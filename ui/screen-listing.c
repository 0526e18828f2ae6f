/* screen-listing.c - today's and upcoming showtimes, with seats left. */
#include "ui.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct listing {
	PGresult	*res;
	int		 top, cur;
};

static void
listing_load(struct ui *ui, struct listing *l)
{
	PQclear(l->res);
	l->res = db_exec(ui->db, DB_SAFE,
	                 "SELECT showtime_id, title, location, auditorium, seats_total, seats_available,"
	                 " to_char(starts_at, 'Dy DD Mon HH24:MI') AS starts"
	                 " FROM api.listing()", 0, NULL);
	if (l->res == NULL)
		snprintf(ui->status, sizeof ui->status, "Database: %.140s", db_error(ui->db));
	else
		snprintf(ui->status, sizeof ui->status, "%d showtimes. Arrows move, r refreshes, q quits.",
		         PQntuples(l->res));
}

static void
listing_enter(struct ui *ui)
{
	struct listing *l = xcalloc(1, sizeof *l);

	ui->data = l;
	listing_load(ui, l);
}

static void
listing_leave(struct ui *ui)
{
	struct listing *l = ui->data;

	PQclear(l->res);
	free(l);
	ui->data = NULL;
}

static int
listing_key(struct ui *ui, int key)
{
	struct listing *l = ui->data;
	int n = l->res != NULL ? PQntuples(l->res) : 0;

	switch (key) {
	case 'q':
		return UI_QUIT;
	case 'r':
		listing_load(ui, l);
		return UI_REDRAW;
	case KEY_DOWN:
		if (l->cur + 1 < n)
			l->cur++;
		return UI_REDRAW;
	case KEY_UP:
		if (l->cur > 0)
			l->cur--;
		return UI_REDRAW;
	default:
		return UI_HANDLED;
	}
}

static void
listing_draw(struct ui *ui)
{
	struct listing *l = ui->data;
	int rows = LINES - 4, n = l->res != NULL ? PQntuples(l->res) : 0;

	attron(COLOR_PAIR(1) | A_BOLD);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 1, "MARQUEE  %s  terminal %s", config_mode_name(ui->app->cfg.mode),
	         ui->app->cfg.terminal);
	attroff(COLOR_PAIR(1) | A_BOLD);
	mvprintw(1, 1, "%-16s %-34s %-18s %-10s %s", "When", "Film", "Cinema", "Hall", "Seats left");
	if (l->cur < l->top)
		l->top = l->cur;
	if (rows > 0 && l->cur >= l->top + rows)
		l->top = l->cur - rows + 1;
	for (int i = 0; i < rows && l->top + i < n; i++) {
		int r = l->top + i, left = atoi(db_value(l->res, r, "seats_available"));
		int total = atoi(db_value(l->res, r, "seats_total"));

		if (r == l->cur)
			attron(A_REVERSE);
		mvprintw(2 + i, 1, "%-16.16s %-34.34s %-18.18s %-10.10s %4d/%-4d %s",
		         db_value(l->res, r, "starts"), db_value(l->res, r, "title"),
		         db_value(l->res, r, "location"), db_value(l->res, r, "auditorium"), left, total,
		         left == 0 ? "SOLD OUT" : left * 10 <= total ? "nearly full" : "");
		if (r == l->cur)
			attroff(A_REVERSE);
	}
	mvprintw(LINES - 1, 1, "%.*s", COLS - 2, ui->status);
}

const struct screen screen_listing = {
	.name = "listing",
	.enter = listing_enter,
	.leave = listing_leave,
	.key = listing_key,
	.draw = listing_draw,
};
