/* screen-blocks.c - the back office's seat blocks tab: the live blocks
 * (hall, seat, for which shows, why, who, and the bookings that still hold
 * the seat and are to be moved); block a seat for one show, a date range or
 * for good (a sold seat only after its label is typed back); unblock. */
#include "office.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

enum { BF_SEAT, BF_FROM, BF_TO, BF_REASON, BF_CONFIRM, BF_COUNT };

static int
blocks_load(struct ui *ui, struct office *o, char **cause)
{
	return client_office_blocks(ui->db, OFFICE_SESSION(ui), &o->t, cause);
}

/* Opens the block form on the showtimes to pick from. */
static void
blocks_form(struct ui *ui, struct office *o)
{
	static const char *const labels[BF_COUNT] = {
		"Seat (e.g. F12)         ", "From day (empty: show)  ", "To day (empty: for good)",
		"Reason                  ", "Type the seat to confirm",
	};
	char *cause = NULL;

	showtimes_free(&o->shows);
	if (client_showtimes_all(ui->db, &o->shows, &cause) != 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		return;
	}
	if (o->shows.n == 0) {
		ui_say(ui, UI_ERR, "There are no shows to block a seat in.");
		return;
	}
	o->show = 0;
	office_form_start(&o->form, BF_COUNT - 1, labels);
	o->mode = OFFICE_FORM;
	ui_say(ui, 0, "Up/Down: the show (its hall, for a range). Days as YYYY-MM-DD.");
}

static void
blocks_submit(struct ui *ui, struct office *o)
{
	struct office_form *f = &o->form;
	char *message = NULL;
	int rc;

	rc = client_office_block(ui->db, OFFICE_SESSION(ui), f->v[BF_SEAT], o->shows.v[o->show].showtime_id, 0,
	                         f->v[BF_FROM], f->v[BF_TO], f->v[BF_REASON], f->n > BF_CONFIRM ? f->v[BF_CONFIRM] : "",
	                         &message);
	if (rc == 1) {
		/* sold or held: ask for the seat's label typed back */
		f->n = BF_COUNT;
		f->focus = BF_CONFIRM;
		ui_say(ui, UI_ERR, "%s", message);
		free(message);
		return;
	}
	if (office_said(ui, rc, message)) {
		o->mode = OFFICE_LIST;
		office_reload(ui, o);
	}
}

static int
blocks_key(struct ui *ui, struct office *o, int key)
{
	char *message = NULL;

	if (o->mode == OFFICE_FORM) {
		if (key == KEY_UP && o->shows.n > 0)
			o->show = (o->show + o->shows.n - 1) % o->shows.n;
		else if (key == KEY_DOWN && o->shows.n > 0)
			o->show = (o->show + 1) % o->shows.n;
		else if (office_enter(key))
			blocks_submit(ui, o);
		else
			(void)office_form_key(&o->form, key);
		return UI_REDRAW;
	}
	if (key == 'b') {
		blocks_form(ui, o);
		return UI_REDRAW;
	}
	if (key == 'h') {
		ui_goto(ui, &screen_hall);
		return UI_REDRAW;
	}
	if ((key == 'x' || key == KEY_DC) && o->list.cur < o->t.n) {
		int rc = client_office_unblock(ui->db, OFFICE_SESSION(ui),
		                               office_int(&o->t, o->list.cur, BLOCK_ID), &message);

		(void)office_said(ui, rc, message);
		office_reload(ui, o);
		return UI_REDRAW;
	}
	return UI_HANDLED;
}

static void
blocks_row(struct ui *ui, struct office *o, int r, int y)
{
	char fw[96], fs[96], fr[96], fm[512];
	const char *moves = OFFICE_CELL(&o->t, r, BLOCK_MOVES);
	int wide = COLS >= 110;

	(void)ui;
	mvprintw(y, 1, "%s %-4s %s %s %3s", UI_FIT(fw, office_place(OFFICE_CELL(&o->t, r, BLOCK_WHERE)), wide ? 24 : 16),
	         OFFICE_CELL(&o->t, r, BLOCK_SEAT), UI_FIT(fs, OFFICE_CELL(&o->t, r, BLOCK_SCOPE), wide ? 30 : 22),
	         UI_FIT(fr, OFFICE_CELL(&o->t, r, BLOCK_REASON), wide ? 20 : 14), OFFICE_CELL(&o->t, r, BLOCK_SHOWS));
	if (moves[0] != '\0' && getcurx(stdscr) + 8 < COLS) {
		snprintf(fm, sizeof fm, "MOVE %s", moves);
		printw(" %s", UI_FIT(fr, fm, COLS - getcurx(stdscr) - 2));
	}
}

static void
blocks_draw(struct ui *ui, struct office *o)
{
	if (o->mode == OFFICE_FORM) {
		const struct showtime *sh = &o->shows.v[o->show];
		char line[256], fit[512];

		attron(A_BOLD);
		mvprintw(4, 1, "Block a seat");
		attroff(A_BOLD);
		snprintf(line, sizeof line, "%s  %s  %s %s", sh->starts, sh->title, sh->location, sh->auditorium);
		mvprintw(6, 2, "Show (Up/Down)           %s", UI_FIT(fit, line, COLS - 30));
		office_form_draw(&o->form, 8, 2, COLS - 30 > 40 ? 40 : COLS - 30);
		ui_draw_footer(ui, "Up/Down show  Tab next field  Enter block  Esc cancel");
		return;
	}
	attron(A_BOLD);
	mvprintw(4, 1, "%-*s %-4s %-*s %-*s %3s", COLS >= 110 ? 24 : 16, "Hall", "Seat", COLS >= 110 ? 30 : 22, "For",
	         COLS >= 110 ? 20 : 14, "Reason", "Now");
	attroff(A_BOLD);
	office_draw_list(ui, o, 5, LINES - 3);
	if (o->t.n == 0)
		mvprintw(6, 2, "No seat is blocked.");
	ui_draw_footer(ui, "b block a seat  x/Del unblock  h halls  F2 staff  F4 takings  F6 audit  Esc back");
}

const struct office_tab office_blocks = {
	.name = "F3 Seats",
	.load = blocks_load,
	.key = blocks_key,
	.draw = blocks_draw,
	.row = blocks_row,
};
