/* screen-attract.c - the kiosk's home: what is on today, "touch to start".
 * Any touch or key starts; Ctrl-C, Ctrl-Z and Ctrl-\ do nothing. */
#include "ui.h"
#include "client-show.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct attract {
	struct showtimes films;		/* title and next start */
	double		 loaded_at;
};

static void
attract_load(struct ui *ui, struct attract *a)
{
	struct showtimes films;
	char *cause = NULL;

	a->loaded_at = ui_now();
	if (client_attract(ui->db, &films, &cause) != 0) {
		free(cause);	/* keep showing what was there */
		return;
	}
	showtimes_free(&a->films);
	a->films = films;
}

static void
attract_enter(struct ui *ui)
{
	struct attract *a = xcalloc(1, sizeof *a);

	ui->data = a;
	ui_sign_out(ui, false);
	ui_sale_abandon(ui);
	ui->sale.nseats = 0;
	attract_load(ui, a);
}

static void
attract_leave(struct ui *ui)
{
	struct attract *a = ui->data;

	showtimes_free(&a->films);
	free(a);
	ui->data = NULL;
}

static int
attract_key(struct ui *ui, int key)
{
	if (key == 3 || key == 26 || key == 28 || key == 27)	/* ^C ^Z ^\ Esc: nothing */
		return UI_HANDLED;
	if (key == KEY_F(6) || key == KEY_F(7)) {
		ui_goto(ui, key == KEY_F(6) ? &screen_account : &screen_collect);
		return UI_REDRAW;
	}
	ui_say(ui, 0, "%s", "");
	listing_forget();
	ui_goto(ui, &screen_listing);
	return UI_REDRAW;
}

static int
attract_tick(struct ui *ui)
{
	struct attract *a = ui->data;

	if (ui_now() - a->loaded_at > 60) {
		attract_load(ui, a);
		return UI_REDRAW;
	}
	return 0;
}

static void
attract_draw(struct ui *ui)
{
	struct attract *a = ui->data;
	int w = ui_big_width("MARQUEE"), y = 2;
	int n = a->films.n;

	/* the whole screen is a target; the buttons drawn later win */
	if (ui->nbuttons < UI_MAX_BUTTONS)
		ui->buttons[ui->nbuttons++] = (struct ui_button){ 0, 0, LINES, COLS, '\r' };
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

		mvprintw(y + 2 + i, (COLS - 54) / 2, "%s  %s", UI_FIT(ft, a->films.v[i].title, 38),
		         a->films.v[i].starts);
	}
	ui_draw_button(ui, LINES - 5, 4, COLS - 40, 3, "TOUCH HERE TO BUY TICKETS", '\r', true);
	ui_draw_button(ui, LINES - 5, COLS - 35, 17, 3, "Collect tickets", KEY_F(7), false);
	ui_draw_button(ui, LINES - 5, COLS - 17, 13, 3, "My bookings", KEY_F(6), false);
	ui_draw_footer(ui, "Touch the screen to buy tickets; Collect tickets or My bookings for yours.");
}

const struct screen screen_attract = {
	.name = "attract",
	.enter = attract_enter,
	.leave = attract_leave,
	.key = attract_key,
	.draw = attract_draw,
	.tick = attract_tick,
};
