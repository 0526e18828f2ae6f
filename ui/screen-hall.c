/* screen-hall.c - the halls as their layouts show them (h from the back
 * office's seats tab): one hall at a time, Left/Right to the next, each
 * row with its name and a character a place as `marquee hall export`
 * writes it (s standard, p premium, w wheelchair, c companion, x blocked,
 * . no seat), the screen at the top. */
#include "office.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct hall_view {
	struct office_table	 halls;
	int			 cur;
	struct hall_layout	 h;
	int			 has;	/* 1: h is the current hall's layout */
};

/* Reads the layout of the current hall. */
static void
hall_view_load(struct ui *ui, struct hall_view *v)
{
	char *cause = NULL;

	hall_layout_free(&v->h);
	v->has = 0;
	if (v->cur >= v->halls.n)
		return;
	v->has = client_office_hall_read(ui->db, OFFICE_SESSION(ui), OFFICE_CELL(&v->halls, v->cur, HALL_CINEMA),
	                                 OFFICE_CELL(&v->halls, v->cur, HALL_NAME), &v->h, &cause);
	if (v->has < 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		v->has = 0;
	}
}

static void
hall_enter(struct ui *ui)
{
	struct hall_view *v = xcalloc(1, sizeof *v);
	char *cause = NULL;

	ui->data = v;
	if (client_office_halls(ui->db, OFFICE_SESSION(ui), &v->halls, &cause) != 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
	}
	hall_view_load(ui, v);
}

static void
hall_leave(struct ui *ui)
{
	struct hall_view *v = ui->data;

	hall_layout_free(&v->h);
	office_table_free(&v->halls);
	free(v);
	ui->data = NULL;
}

static int
hall_key(struct ui *ui, int key)
{
	struct hall_view *v = ui->data;

	if (key == 27 || key == KEY_F(10)) {
		ui_goto(ui, &screen_office);
		return UI_REDRAW;
	}
	if ((key == KEY_RIGHT || key == KEY_NPAGE) && v->cur + 1 < v->halls.n)
		v->cur++;
	else if ((key == KEY_LEFT || key == KEY_PPAGE) && v->cur > 0)
		v->cur--;
	else
		return UI_HANDLED;
	hall_view_load(ui, v);
	return UI_REDRAW;
}

/* The place character of a kind, as the text layout writes it. */
static char
hall_place(const char *kind)
{
	return strcmp(kind, "premium") == 0 ? 'p' : strcmp(kind, "wheelchair") == 0 ? 'w' :
	       strcmp(kind, "companion") == 0 ? 'c' : strcmp(kind, "blocked") == 0 ? 'x' : 's';
}

static void
hall_draw(struct ui *ui)
{
	struct hall_view *v = ui->data;
	const struct hall_layout *h = &v->h;
	int y0 = 6, width;

	ui_draw_header(ui, "halls");
	ui_draw_footer(ui, "Left/Right another hall  Esc back to the back office");
	if (v->halls.n == 0) {
		mvprintw(3, 1, "There are no halls.");
		return;
	}
	attron(A_BOLD);
	mvprintw(2, 1, "Hall %d of %d: %s, %s (%s seats)", v->cur + 1, v->halls.n,
	         OFFICE_CELL(&v->halls, v->cur, HALL_CINEMA), OFFICE_CELL(&v->halls, v->cur, HALL_NAME),
	         OFFICE_CELL(&v->halls, v->cur, HALL_SEATS));
	attroff(A_BOLD);
	mvprintw(3, 1, "s standard  p premium  w wheelchair  c companion  x blocked  . no seat");
	if (!v->has)
		return;
	width = 2 * h->cols;
	if (width > COLS - 6)
		width = COLS - 6;
	attron(A_REVERSE);
	mvprintw(5, 4 + (width - 8) / 2, " SCREEN ");
	attroff(A_REVERSE);
	for (int r = 1; r <= h->rows && y0 + r - 1 < LINES - 3; r++) {
		char name[3] = "-";

		mvhline(y0 + r - 1, 1, ' ', COLS - 2);
		for (int c = 1; c <= h->cols && 2 + 2 * c <= COLS - 1; c++)
			mvaddch(y0 + r - 1, 2 + 2 * c, '.');
		for (size_t i = 0; i < h->n; i++) {
			const struct hall_seat *s = &h->seats[i];

			if (s->row != r)
				continue;
			if (name[0] == '-') {	/* the row's first seat names it */
				size_t nl = strspn(s->label, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

				if (nl >= 1 && nl <= 2) {
					memcpy(name, s->label, nl);
					name[nl] = '\0';
				}
			}
			if (2 + 2 * s->col <= COLS - 1)
				mvaddch(y0 + r - 1, 2 + 2 * s->col, (chtype)(unsigned char)hall_place(s->kind) |
				        (strcmp(s->kind, "blocked") == 0 ? A_BOLD : 0));
		}
		mvprintw(y0 + r - 1, 1, "%-2s", name);
	}
}

const struct screen screen_hall = {
	.name = "hall",
	.enter = hall_enter,
	.leave = hall_leave,
	.key = hall_key,
	.draw = hall_draw,
};
