/* screen-login.c - staff sign-in at the counter. The database hands out the
 * hash to check (or refuses a locked account); libsodium checks it here; the
 * database counts failures in a sliding window shared by every terminal. */
#include "ui.h"
#include "auth.h"
#include "client-account.h"
#include "office.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct login {
	char	user[33];
	char	pass[65];
	int	focus;		/* 0 user, 1 password */
};

static void
login_enter(struct ui *ui)
{
	ui->data = xcalloc(1, sizeof(struct login));
}

static void
login_leave(struct ui *ui)
{
	struct login *l = ui->data;

	sodium_memzero(l->pass, sizeof l->pass);
	free(l);
	ui->data = NULL;
}

/* Checks the password. On success the staff member is signed in. */
static void
login_submit(struct ui *ui, struct login *l)
{
	struct person who;
	char *cause = NULL;
	int rc = client_sign_in(ui->db, ui->app->cfg.terminal, true, l->user, l->pass, &who, &cause);

	/* a one-time password (or the database cannot say): change it first */
	bool must_change = rc == 0 && client_must_change(ui->db, who.session) != 0;

	if (must_change)
		screen_password_begin(l->user, l->pass);
	sodium_memzero(l->pass, sizeof l->pass);
	if (rc != 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		l->focus = 1;
		return;
	}
	ui->staff_id = who.user_id;
	strlcpy_m(ui->staff_session, who.session, sizeof ui->staff_session);
	sodium_memzero(who.session, sizeof who.session);
	strlcpy_m(ui->staff_name, who.full_name, sizeof ui->staff_name);
	strlcpy_m(ui->staff_role, who.role, sizeof ui->staff_role);
	if (must_change) {
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, &screen_password);
		return;
	}
	ui_say(ui, UI_OK, "Welcome, %s.", ui->staff_name);
	ui_goto(ui, &screen_listing);
}

static void
field_key(char *buf, size_t size, int key)
{
	size_t len = strlen(buf);

	if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
		buf[len - 1] = '\0';
	else if (key == 21)	/* Ctrl-U */
		buf[0] = '\0';
	else if (key >= 32 && key < 127 && len + 1 < size) {
		buf[len] = (char)key;
		buf[len + 1] = '\0';
	}
}

static int
login_key(struct ui *ui, int key)
{
	struct login *l = ui->data;

	switch (key) {
	case KEY_F(10):
		return UI_QUIT;
	case '\t':
	case KEY_DOWN:
	case KEY_UP:
		l->focus = !l->focus;
		return UI_REDRAW;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(12):
		if (l->focus == 0 && l->pass[0] == '\0') {
			l->focus = 1;
			return UI_REDRAW;
		}
		if (l->user[0] == '\0') {
			l->focus = 0;
			ui_say(ui, UI_ERR, "Type your user name.");
			return UI_REDRAW;
		}
		login_submit(ui, l);
		return UI_REDRAW;
	default:
		if (l->focus == 0)
			field_key(l->user, sizeof l->user, key);
		else
			field_key(l->pass, sizeof l->pass, key);
		return UI_REDRAW;
	}
}

static void
login_draw(struct ui *ui)
{
	struct login *l = ui->data;
	int y = LINES / 2 - 3, x = COLS / 2 - 20;
	int w = ui_big_width("MARQUEE");

	ui_draw_header(ui, "box office - sign in");
	if (y > 8) {
		attron(COLOR_PAIR(PAIR_TITLE) | A_BOLD);
		ui_draw_big(y - 7, (COLS - w) / 2, "MARQUEE");
		attroff(COLOR_PAIR(PAIR_TITLE) | A_BOLD);
	}
	mvprintw(y, x, "Staff sign-in");
	ui_draw_text_box(y + 2, x, 24, "User name ", l->user, l->focus == 0, false);
	ui_draw_text_box(y + 4, x, 24, "Password  ", l->pass, l->focus == 1, true);
	ui_draw_button(ui, y + 6, x + 11, 24, 1, "Sign in (Enter)", '\r', false);
	ui_draw_footer(ui, "Tab next field   Enter sign in   F10 quit");
}

const struct screen screen_login = {
	.name = "login",
	.enter = login_enter,
	.leave = login_leave,
	.key = login_key,
	.draw = login_draw,
};
