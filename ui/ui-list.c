/* ui-list.c - the list widget: cursor, scrolling, paging, clicks; rows are
 * drawn by the screen's callback. */
#include "ui.h"
#include "ui-list.h"

#include <curses.h>

void
ui_list_set(struct ui_list *l, int n)
{
	l->n = n > 0 ? n : 0;
	if (l->cur >= l->n)
		l->cur = l->n > 0 ? l->n - 1 : 0;
	if (l->cur < 0)
		l->cur = 0;
	if (l->top > l->cur)
		l->top = l->cur;
}

void
ui_list_reset(struct ui_list *l)
{
	l->cur = l->top = 0;
}

enum ui_list_did
ui_list_key(struct ui_list *l, int key)
{
	int page = l->rows > 1 ? l->rows : 1, last = l->n > 0 ? l->n - 1 : 0;

	switch (key) {
	case KEY_UP:
		l->cur = l->cur > 0 ? l->cur - 1 : 0;
		return UI_LIST_MOVED;
	case KEY_DOWN:
		l->cur = l->cur < last ? l->cur + 1 : last;
		return UI_LIST_MOVED;
	case KEY_PPAGE:
		l->cur = l->cur > page ? l->cur - page : 0;
		return UI_LIST_MOVED;
	case KEY_NPAGE:
		l->cur = l->cur + page < last ? l->cur + page : last;
		return UI_LIST_MOVED;
	case KEY_HOME:
		l->cur = 0;
		return UI_LIST_MOVED;
	case KEY_END:
		l->cur = last;
		return UI_LIST_MOVED;
	default:
		if (l->click_key != 0 && key >= l->click_key && key < l->click_key + l->n) {
			l->cur = key - l->click_key;
			return UI_LIST_CLICKED;
		}
		return UI_LIST_NONE;
	}
}

void
ui_list_draw(struct ui *ui, struct ui_list *l, int y, int x, int w, int lines,
             void (*draw_row)(struct ui *, void *, int, int, bool), void *arg)
{
	int rowh = l->rowh > 0 ? l->rowh : 1;

	l->rows = lines > 0 ? lines / rowh : 0;
	if (l->cur < l->top)
		l->top = l->cur;
	if (l->rows > 0 && l->cur >= l->top + l->rows)
		l->top = l->cur - l->rows + 1;
	for (int i = 0; i < l->rows && l->top + i < l->n; i++) {
		int r = l->top + i;

		draw_row(ui, arg, r, y + i * rowh, r == l->cur);
		if (l->click_key != 0 && ui->nbuttons < UI_MAX_BUTTONS)
			ui->buttons[ui->nbuttons++] = (struct ui_button){ y + i * rowh, x, rowh, w, l->click_key + r };
	}
}
