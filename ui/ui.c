/* ui.c - curses set-up, the one event loop, and terminal restore on exit. */
#include "ui.h"
#include "util.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
ui_end(void)
{
	if (!isendwin())
		endwin();
}

/* Switches to another screen, calling leave and enter. */
static void
ui_switch(struct ui *ui, const struct screen *next)
{
	if (ui->screen != NULL && ui->screen->leave != NULL)
		ui->screen->leave(ui);
	ui->screen = next;
	if (next->enter != NULL)
		next->enter(ui);
}

int
ui_main(struct app *app)
{
	struct ui ui;
	int flags = UI_REDRAW;

	memset(&ui, 0, sizeof ui);
	ui.app = app;
	if ((ui.db = app_connect(app)) == NULL)
		return 1;
	setlocale(LC_ALL, "");
	initscr();
	fatal_hook = ui_end;
	atexit(ui_end);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_BLACK, COLOR_CYAN);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_RED, -1);
	}
	timeout(1000);
	ui_switch(&ui, &screen_listing);
	while (!(flags & UI_QUIT)) {
		int key;

		if (flags & UI_REDRAW) {
			erase();
			ui.screen->draw(&ui);
			refresh();
		}
		key = getch();
		flags = key == ERR ? UI_REDRAW : ui.screen->key(&ui, key);
		if (key == KEY_RESIZE)
			flags |= UI_REDRAW;
	}
	ui_switch(&ui, &(const struct screen){ .name = "exit" });
	ui_end();
	fatal_hook = NULL;
	db_close(ui.db);
	return 0;
}
