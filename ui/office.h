/* office.h - the back office screen (screen-office.c) and its tabs: staff
 * (screen-staff.c), seat blocks (screen-blocks.c), takings, occupancy, the
 * distributor's week and the card payments (screen-reports.c), the audit trail (screen-audit.c). The frame keeps one
 * state for all tabs; each tab is a table of callbacks that change it (key)
 * or draw it (draw, row), and a form helper edits a tab's fields. */
#ifndef MARQUEE_OFFICE_H
#define MARQUEE_OFFICE_H

#include "ui.h"
#include "client-office.h"
#include "client-show.h"
#include "ui-list.h"

/* The session every back office call is made with: the signed-in staff
 * member's. */
#define OFFICE_SESSION(ui) ((ui)->staff_session)

#define OFFICE_FIELDS	12
#define OFFICE_FIELD_LEN 96

/* A form: labelled text fields, one with the focus. */
struct office_form {
	int		 n;
	int		 focus;
	const char	*label[OFFICE_FIELDS];
	char		 v[OFFICE_FIELDS][OFFICE_FIELD_LEN];
	bool		 secret[OFFICE_FIELDS];
};

/* Starts a form of n fields with these labels (all empty, the first one focused). */
void office_form_start(struct office_form *f, int n, const char *const *labels);
/* Edits the form for a key (Tab/Shift-Tab move the focus, printable keys
 * type, Backspace, Ctrl-U). Returns true when the key was the form's. */
bool office_form_key(struct office_form *f, int key);
/* Draws the form from line y, its boxes w columns wide. */
void office_form_draw(const struct office_form *f, int y, int x, int w);

enum office_mode { OFFICE_LIST, OFFICE_FORM };

struct office {
	int			 tab;
	struct office_table	 t;		/* the current tab's rows */
	struct ui_list		 list;
	enum office_mode	 mode;
	int			 action;	/* what the form is for (the tab's own codes) */
	struct office_form	 form;
	char			 target[OFFICE_FIELD_LEN];	/* the row the form acts on */
	/* reports */
	int			 day;		/* days from today */
	int			 span;		/* 1 or 7 days */
	int			 by;		/* takings: the grouping */
	int			 show_basis;	/* takings by the show's day, not the sale's */
	long long		 hourly[24];
	/* blocks: the showtimes to pick from */
	struct showtimes	 shows;
	int			 show;
};

struct office_tab {
	const char	*name;		/* "F2 Staff" */
	/* Reads the tab's rows into o->t. Returns 0 or -1 with *cause. */
	int		(*load)(struct ui *, struct office *, char **cause);
	/* A key the frame did not take; returns enum ui_flags. */
	int		(*key)(struct ui *, struct office *, int key);
	/* Draws the tab below the tab line (its list through office_draw_list). */
	void		(*draw)(struct ui *, struct office *);
	/* Draws row r of o->t at line y. */
	void		(*row)(struct ui *, struct office *, int r, int y);
};

extern const struct office_tab office_staff, office_blocks, office_takings, office_shows, office_audit,
                               office_weekly, office_cards;

/* Loads the current tab again, keeping the cursor where it was. */
void office_reload(struct ui *ui, struct office *o);
/* Draws the current tab's rows from line y0 down to line y1 (exclusive). */
void office_draw_list(struct ui *ui, struct office *o, int y0, int y1);
/* Says a change's answer; returns true when rc is 0. Frees message. */
bool office_said(struct ui *ui, int rc, char *message);
/* A cinema and hall's name as narrow columns show it: without the chain's
 * "Marquee " prefix (as the admin menu shows cinemas). */
const char *office_place(const char *name);
/* True for the keys that submit a form or act on a row. */
bool office_enter(int key);

/* Before switching to screen_password: the login that signed in and the
 * one-time password it used (kept until the new one is set). */
void screen_password_begin(const char *login, const char *otp);

#endif
