/* ui.h - the screen loop: screens are tables of callbacks; only draw calls curses. */
#ifndef MARQUEE_UI_H
#define MARQUEE_UI_H

#include "app.h"

/* What a key handler asks the loop to do. */
enum ui_flags {
	UI_HANDLED = 1 << 0,
	UI_REDRAW = 1 << 1,
	UI_QUIT = 1 << 2,
};

struct ui;

struct screen {
	const char	*name;
	void		(*enter)(struct ui *);
	void		(*leave)(struct ui *);
	int		(*key)(struct ui *, int key);	/* returns enum ui_flags */
	void		(*draw)(struct ui *);
};

struct ui {
	struct app		*app;
	struct db		*db;
	const struct screen	*screen;
	char			 status[160];	/* message line at the bottom */
	void			*data;		/* the current screen's state */
};

extern const struct screen screen_listing;

#endif
