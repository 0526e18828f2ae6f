/* ui-list.h - one list widget for the list screens (showtimes, bookings,
 * the admin menu's lists, the seats of a sale): a cursor, scrolling that
 * keeps it on screen, Up/Down, PgUp/PgDn, Home/End and a click or touch on a
 * row. The screen keeps its rows; the widget asks a callback to draw each
 * visible one (tmux's mode-tree.c serves its modes the same way). */
#ifndef MARQUEE_UI_LIST_H
#define MARQUEE_UI_LIST_H

#include <stdbool.h>

struct ui;

struct ui_list {
	int	n;		/* rows in the list */
	int	cur;		/* the row under the cursor */
	int	top;		/* the first row on screen */
	int	rows;		/* rows that fit, as of the last draw (a page) */
	int	rowh;		/* screen lines per row (0 = 1) */
	int	click_key;	/* a click on row r arrives as click_key + r; 0 = no clicks */
};

/* What a key did to the list. */
enum ui_list_did {
	UI_LIST_NONE,		/* not a key of the list */
	UI_LIST_MOVED,		/* the cursor moved (or would have, at an end) */
	UI_LIST_CLICKED,	/* a row was clicked: the cursor is on it */
};

/* Sets the number of rows, keeping the cursor on one of them. */
void ui_list_set(struct ui_list *l, int n);
/* Puts the cursor (and the view) back on the first row. */
void ui_list_reset(struct ui_list *l);
/* Moves the cursor for a key. */
enum ui_list_did ui_list_key(struct ui_list *l, int key);
/* Draws the rows that fit in lines screen lines from y (x, w: where a click
 * counts): scrolls so the cursor shows, then calls draw_row for each row on
 * screen with its first line and whether the cursor is on it. */
void ui_list_draw(struct ui *ui, struct ui_list *l, int y, int x, int w, int lines,
                  void (*draw_row)(struct ui *ui, void *arg, int row, int y, bool hot), void *arg);

#endif
