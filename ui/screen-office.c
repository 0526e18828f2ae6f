/* screen-office.c - the back office frame: its tabs (F2 staff, F3 seat
 * blocks, F4 takings, F5 shows, F6 audit trail, F9 the distributor's week,
 * F11 card payments), loading a tab's rows,
 * drawing its list, and the form helper the tabs share. Managers reach it
 * from the admin menu (F8), supervisors with F9; the database decides what
 * each may read or change. */
#include "office.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

static const struct office_tab *const office_tabs[] = {
	&office_staff, &office_blocks, &office_takings, &office_shows, &office_audit, &office_weekly, &office_cards,
};
#define OFFICE_NTABS ((int)(sizeof office_tabs / sizeof office_tabs[0]))
/* The function key of each tab (F7 reloads, F8 is the bookings, F10 leaves). */
static const int office_tab_fkeys[OFFICE_NTABS] = { 2, 3, 4, 5, 6, 9, 11 };

void
office_form_start(struct office_form *f, int n, const char *const *labels)
{
	memset(f, 0, sizeof *f);
	f->n = n < OFFICE_FIELDS ? n : OFFICE_FIELDS;
	for (int i = 0; i < f->n; i++)
		f->label[i] = labels[i];
}

bool
office_form_key(struct office_form *f, int key)
{
	char *buf = f->v[f->focus];

	if (key == '\t' || key == KEY_BTAB) {
		f->focus = (f->focus + (key == '\t' ? 1 : f->n - 1)) % f->n;
		return true;
	}
	return ui_field_key(buf, OFFICE_FIELD_LEN, key);
}

void
office_form_draw(const struct office_form *f, int y, int x, int w)
{
	for (int i = 0; i < f->n; i++)
		ui_draw_text_box(y + 2 * i, x, w, f->label[i], f->v[i], f->focus == i, f->secret[i]);
}

bool
office_said(struct ui *ui, int rc, char *message)
{
	ui_say(ui, rc == 0 ? UI_OK : UI_ERR, "%s", message);
	free(message);
	return rc == 0;
}

const char *
office_place(const char *name)
{
	return name + (strncmp(name, "Marquee ", 8) == 0 ? 8 : 0);
}

bool
office_enter(int key)
{
	return key == '\r' || key == '\n' || key == KEY_ENTER || key == KEY_F(12);
}

/* Loads the current tab's rows from the first one. */
static void
office_load(struct ui *ui, struct office *o)
{
	char *cause = NULL;

	office_table_free(&o->t);
	if (office_tabs[o->tab]->load(ui, o, &cause) != 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
	}
	ui_list_reset(&o->list);
	ui_list_set(&o->list, o->t.n);
}

void
office_reload(struct ui *ui, struct office *o)
{
	int keep = o->list.cur;

	office_load(ui, o);
	o->list.cur = keep;
	ui_list_set(&o->list, o->t.n);
}

static void
office_enter_screen(struct ui *ui)
{
	struct office *o = xcalloc(1, sizeof *o);

	o->span = 1;
	ui->data = o;
	office_load(ui, o);
}

static void
office_leave(struct ui *ui)
{
	struct office *o = ui->data;

	office_table_free(&o->t);
	showtimes_free(&o->shows);
	free(o);
	ui->data = NULL;
}

static int
office_key(struct ui *ui, int key)
{
	struct office *o = ui->data;

	for (int t = 0; t < OFFICE_NTABS; t++) {
		if (key != KEY_F(office_tab_fkeys[t]))
			continue;
		o->tab = t;
		o->mode = OFFICE_LIST;
		ui_say(ui, 0, "%s", "");
		office_load(ui, o);
		return UI_REDRAW;
	}
	if (key == 27 && o->mode == OFFICE_FORM) {
		o->mode = OFFICE_LIST;
		ui_say(ui, 0, "Nothing was changed.");
		return UI_REDRAW;
	}
	if (key == 27 || key == KEY_F(10)) {
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, strcmp(ui->staff_role, "manager") == 0 ? &screen_admin : &screen_listing);
		return UI_REDRAW;
	}
	if (key == KEY_F(7)) {
		office_reload(ui, o);
		return UI_REDRAW;
	}
	if (o->mode == OFFICE_LIST && ui_list_key(&o->list, key) != UI_LIST_NONE)
		return UI_REDRAW;
	return office_tabs[o->tab]->key(ui, o, key);
}

/* The list's callback: row r at line y, reversed under the cursor. */
static void
office_draw_row(struct ui *ui, void *arg, int r, int y, bool hot)
{
	struct office *o = arg;

	hot = hot && o->mode == OFFICE_LIST;
	if (hot)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	office_tabs[o->tab]->row(ui, o, r, y);
	if (hot)
		attroff(A_REVERSE);
}

void
office_draw_list(struct ui *ui, struct office *o, int y0, int y1)
{
	if (y1 > y0)
		ui_list_draw(ui, &o->list, y0, 0, COLS, y1 - y0, office_draw_row, o);
}

static void
office_draw(struct ui *ui)
{
	struct office *o = ui->data;
	int x = 1;

	ui_draw_header(ui, "back office");
	for (int t = 0; t < OFFICE_NTABS; t++) {
		int w = (int)strlen(office_tabs[t]->name) + 2;

		if (x + w >= COLS)
			break;
		if (t == o->tab)
			attron(A_REVERSE | A_BOLD);
		mvprintw(2, x, " %s ", office_tabs[t]->name);
		if (t == o->tab)
			attroff(A_REVERSE | A_BOLD);
		x += w + 1;
	}
	office_tabs[o->tab]->draw(ui, o);
}

const struct screen screen_office = {
	.name = "office",
	.enter = office_enter_screen,
	.leave = office_leave,
	.key = office_key,
	.draw = office_draw,
};
