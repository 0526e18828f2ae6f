/* screen-audit.c - the back office's audit trail tab: every staff action,
 * newest first, filtered by who (part of a user name), what (part of an
 * action) and from/to days. The filters are a form above the list: Tab
 * goes from field to field and to the list, Enter reads again. */
#include "office.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

enum { AF_WHO, AF_WHAT, AF_FROM, AF_TO, AF_COUNT };

/* The filters live in o->form whether or not it has the focus; the first
 * load makes them. */
static int
audit_load(struct ui *ui, struct office *o, char **cause)
{
	static const char *const labels[AF_COUNT] = { "Who ", "What", "From", "To  " };
	struct office_form *f = &o->form;

	if (f->n != AF_COUNT || f->label[0] != labels[0]) {
		office_form_start(f, AF_COUNT, labels);
		o->mode = OFFICE_LIST;
	}
	return client_office_audit(ui->db, OFFICE_SESSION(ui), f->v[AF_WHO], f->v[AF_WHAT], f->v[AF_FROM],
	                           f->v[AF_TO], &o->t, cause);
}

static int
audit_key(struct ui *ui, struct office *o, int key)
{
	if (office_enter(key)) {
		office_reload(ui, o);
		ui_say(ui, 0, "%d entr%s.", o->t.n, o->t.n == 1 ? "y" : "ies");
		return UI_REDRAW;
	}
	if (o->mode == OFFICE_LIST) {
		if (key == '\t' || key == '/') {
			o->mode = OFFICE_FORM;
			o->form.focus = AF_WHO;
			return UI_REDRAW;
		}
		return UI_HANDLED;
	}
	if (key == '\t' && o->form.focus == AF_TO) {
		o->mode = OFFICE_LIST;
		return UI_REDRAW;
	}
	(void)office_form_key(&o->form, key);
	return UI_REDRAW;
}

static void
audit_row(struct ui *ui, struct office *o, int r, int y)
{
	char fw[64], fa[64], fd[512];
	int x;

	(void)ui;
	mvprintw(y, 1, "%-15s %s %s ", OFFICE_CELL(&o->t, r, AUDIT_AT), UI_FIT(fw, OFFICE_CELL(&o->t, r, AUDIT_WHO), 12),
	         UI_FIT(fa, OFFICE_CELL(&o->t, r, AUDIT_ACTION), 16));
	x = getcurx(stdscr);
	if (x + 4 < COLS)
		printw("%s", UI_FIT(fd, OFFICE_CELL(&o->t, r, AUDIT_DETAIL), COLS - x - 1));
}

static void
audit_draw(struct ui *ui, struct office *o)
{
	const struct office_form *f = &o->form;
	bool editing = o->mode == OFFICE_FORM;
	int x = 1;

	for (int i = 0; i < f->n; i++) {
		int w = i < AF_FROM ? 12 : 10;

		ui_draw_text_box(4, x, w, f->label[i], f->v[i], editing && f->focus == i, false);
		x += (int)strlen(f->label[i]) + w + 3;
	}
	attron(A_BOLD);
	mvprintw(6, 1, "%-15s %-12s %-16s %s", "When", "Who", "What", "Detail");
	attroff(A_BOLD);
	office_draw_list(ui, o, 7, LINES - 3);
	if (o->t.n == 0)
		mvprintw(8, 2, "Nothing recorded matches.");
	ui_draw_footer(ui, editing ? "Tab next filter  Enter apply  Esc back to the list"
	                           : "Tab/'/' filters (who, what, from, to as YYYY-MM-DD)  Enter apply  F2 staff  Esc back");
}

const struct office_tab office_audit = {
	.name = "F6 Audit",
	.load = audit_load,
	.key = audit_key,
	.draw = audit_draw,
	.row = audit_row,
};
