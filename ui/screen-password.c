/* screen-password.c - shown right after a staff sign-in with a one-time
 * password (a new account, a manager's reset): the new password twice.
 * Nothing else is reachable until it is changed; Esc signs out. */
#include "office.h"
#include "client-account.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

/* The login and one-time password of the sign-in that led here. */
static char pw_login[64];
static char pw_otp[128];

struct password {
	struct office_form form;
};

void
screen_password_begin(const char *login, const char *otp)
{
	strlcpy_m(pw_login, login, sizeof pw_login);
	strlcpy_m(pw_otp, otp, sizeof pw_otp);
}

static void
password_enter(struct ui *ui)
{
	static const char *const labels[2] = { "New password      ", "The same again    " };
	struct password *p = xcalloc(1, sizeof *p);

	office_form_start(&p->form, 2, labels);
	p->form.secret[0] = p->form.secret[1] = true;
	ui->data = p;
}

static void
password_leave(struct ui *ui)
{
	struct password *p = ui->data;

	sodium_memzero(p, sizeof *p);
	free(p);
	sodium_memzero(pw_otp, sizeof pw_otp);
	ui->data = NULL;
}

static void
password_submit(struct ui *ui, struct password *p)
{
	char *cause = NULL;

	if (strcmp(p->form.v[0], p->form.v[1]) != 0) {
		ui_say(ui, UI_ERR, "The two passwords differ; type them again.");
		sodium_memzero(p->form.v, sizeof p->form.v);
		p->form.focus = 0;
		return;
	}
	if (strcmp(p->form.v[0], pw_otp) == 0) {
		ui_say(ui, UI_ERR, "Choose a password other than the one-time password.");
		return;
	}
	if (client_change_password(ui->db, pw_login, OFFICE_SESSION(ui), pw_otp, p->form.v[0], &cause) != 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		return;
	}
	ui_say(ui, UI_OK, "Password changed. Welcome, %s.", ui->staff_name);
	ui_goto(ui, &screen_listing);
}

static int
password_key(struct ui *ui, int key)
{
	struct password *p = ui->data;

	if (key == 27 || key == KEY_F(10)) {
		ui_sign_out(ui, true);
		ui_say(ui, 0, "Signed out: the password was not changed.");
		ui_goto(ui, &screen_login);
		return UI_REDRAW;
	}
	if (office_enter(key)) {
		if (p->form.focus == 0 && p->form.v[1][0] == '\0')
			p->form.focus = 1;
		else
			password_submit(ui, p);
		return UI_REDRAW;
	}
	(void)office_form_key(&p->form, key);
	return UI_REDRAW;
}

static void
password_draw(struct ui *ui)
{
	struct password *p = ui->data;

	ui_draw_header(ui, "change your password");
	attron(A_BOLD);
	mvprintw(3, 2, "You signed in with a one-time password. Choose your own password");
	mvprintw(4, 2, "(at least 8 characters) before you go on.");
	attroff(A_BOLD);
	office_form_draw(&p->form, 7, 2, 24);
	ui_draw_footer(ui, "Tab next field  Enter change it  Esc sign out");
}

const struct screen screen_password = {
	.name = "password",
	.enter = password_enter,
	.leave = password_leave,
	.key = password_key,
	.draw = password_draw,
};
