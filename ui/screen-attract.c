/* screen-attract.c - the kiosk's home: what is on today, "touch to start".
 * Any touch or key starts; Ctrl-C, Ctrl-Z and Ctrl-\ do nothing. */
#include "ui.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct attract {
	PGresult	*res;
	double		 loaded_at;
	int		 frame;
};

static void
attract_load(struct ui *ui, struct attract *a)
{
	PGresult *res = db_exec(ui->db, DB_SAFE,
	                        "SELECT title, to_char(min(starts_at), 'Dy HH24:MI') AS next"
	                        " FROM api.listing_filtered('', NULL, NULL, NULL, 2) WHERE seats_available > 0"
	                        " GROUP BY title ORDER BY min(starts_at), title LIMIT 8",
	                        0, NULL);

	a->loaded_at = ui_now();
	if (res != NULL) {
		PQclear(a->res);
		a->res = res;
	}
}

static void
attract_enter(struct ui *ui)
{
	struct attract *a = xcalloc(1, sizeof *a);

	ui->data = a;
	ui->customer_id = 0;
	ui_sale_abandon(ui);
	ui->sale.nseats = 0;
	attract_load(ui, a);
}

static void
attract_leave(struct ui *ui)
{
	struct attract *a = ui->data;

	PQclear(a->res);
	free(a);
	ui->data = NULL;
}

static int
attract_key(struct ui *ui, int key)
{
	if (key == 3 || key == 26 || key == 28 || key == 27)	/* ^C ^Z ^\ Esc: nothing */
		return UI_HANDLED;
	if (key == KEY_F(6)) {
		ui_goto(ui, &screen_account);
		return UI_REDRAW;
	}
	ui_say(ui, 0, "%s", "");
	ui_goto(ui, &screen_listing);
	return UI_REDRAW;
}

static int
attract_tick(struct ui *ui)
{
	struct attract *a = ui->data;

	if (ui_now() - a->loaded_at > 60)
		attract_load(ui, a);
	return 0;
}

static void
attract_draw(struct ui *ui)
{
	struct attract *a = ui->data;
	int w = ui_big_width("MARQUEE"), y = 2;
	int n = a->res != NULL ? PQntuples(a->res) : 0;

	ui_draw_header(ui, "welcome");
	attron(COLOR_PAIR(PAIR_TITLE) | A_BOLD);
	if (w < COLS)
		ui_draw_big(y, (COLS - w) / 2, "MARQUEE");
	attroff(COLOR_PAIR(PAIR_TITLE) | A_BOLD);
	y += 6;
	attron(A_BOLD);
	mvprintw(y, (COLS - 11) / 2, "Now showing");
	attroff(A_BOLD);
	for (int i = 0; i < n && y + 2 + i < LINES - 6; i++) {
		char ft[256];

		mvprintw(y + 2 + i, (COLS - 50) / 2, "%s next %s", UI_FIT(ft, db_value(a->res, i, "title"), 38),
		         db_value(a->res, i, "next"));
	}
	ui_draw_button(ui, LINES - 5, 4, COLS - 8, 3, "TOUCH HERE TO BUY TICKETS", '\r', true);
	ui_draw_footer(ui, "Touch the screen or press any key to start.  F6 sign in to see your bookings.");
	/* the whole screen is a target */
	if (ui->nbuttons < UI_MAX_BUTTONS)
		ui->buttons[ui->nbuttons++] = (struct ui_button){ 0, 0, LINES, COLS, '\r' };
	a->frame++;
}

const struct screen screen_attract = {
	.name = "attract",
	.enter = attract_enter,
	.leave = attract_leave,
	.key = attract_key,
	.draw = attract_draw,
	.tick = attract_tick,
};
