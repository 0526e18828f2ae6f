/* screen-staff.c - the back office's staff tab: the staff with their role
 * and state (inactive, locked out, must change the password); add a person
 * with a role and a one-time password, deactivate (a manager only after
 * their user name is typed back), reactivate, unlock, reset a password. */
#include "office.h"
#include "client-account.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

enum { STAFF_FORM_ADD = 1, STAFF_FORM_RESET, STAFF_FORM_CONFIRM };
enum { ADD_LOGIN, ADD_NAME, ADD_ROLE, ADD_PASSWORD, ADD_COUNT };

static int
staff_load(struct ui *ui, struct office *o, char **cause)
{
	return client_office_staff(ui->db, OFFICE_SESSION(ui), &o->t, cause);
}

/* The user name under the cursor, or NULL. */
static const char *
staff_current(const struct office *o)
{
	return o->list.cur < o->t.n ? OFFICE_CELL(&o->t, o->list.cur, STAFF_LOGIN) : NULL;
}

static void
staff_form(struct office *o, int action, int n, const char *const *labels)
{
	office_form_start(&o->form, n, labels);
	o->mode = OFFICE_FORM;
	o->action = action;
}

/* Submits the open form. */
static void
staff_submit(struct ui *ui, struct office *o)
{
	struct office_form *f = &o->form;
	char *message = NULL;
	int rc;

	switch (o->action) {
	case STAFF_FORM_ADD:
		rc = client_office_staff_add(ui->db, OFFICE_SESSION(ui), f->v[ADD_LOGIN], f->v[ADD_NAME], f->v[ADD_ROLE],
		                             f->v[ADD_PASSWORD], &message);
		break;
	case STAFF_FORM_RESET:
		rc = client_reset_password(ui->db, OFFICE_SESSION(ui), o->target, f->v[0], &message);
		if (rc == 0) {
			free(message);
			message = xasprintf("%s has a one-time password now and must change it at the next sign-in.",
			                    o->target);
		}
		break;
	case STAFF_FORM_CONFIRM:
		if (strcmp(f->v[0], o->target) != 0) {
			ui_say(ui, UI_ERR, "Nothing was changed: type %s exactly to deactivate it.", o->target);
			return;
		}
		rc = client_office_staff_active(ui->db, OFFICE_SESSION(ui), o->target, false, &message);
		break;
	default:
		return;
	}
	sodium_memzero(f->v, sizeof f->v);
	if (office_said(ui, rc, message)) {
		o->mode = OFFICE_LIST;
		office_reload(ui, o);
	}
}

static int
staff_key(struct ui *ui, struct office *o, int key)
{
	static const char *const add_labels[ADD_COUNT] = {
		"User name         ", "Full name         ", "Role              ", "One-time password ",
	};
	static const char *const reset_labels[1] = { "One-time password " };
	static const char *const confirm_labels[1] = { "Type the user name" };
	const char *login = staff_current(o);
	char *message = NULL;
	int rc;

	if (o->mode == OFFICE_FORM) {
		if (office_enter(key))
			staff_submit(ui, o);
		else
			(void)office_form_key(&o->form, key);
		return UI_REDRAW;
	}
	if (key == 'a') {
		staff_form(o, STAFF_FORM_ADD, ADD_COUNT, add_labels);
		strlcpy_m(o->form.v[ADD_ROLE], "cashier", OFFICE_FIELD_LEN);
		ui_say(ui, 0, "Role: cashier, supervisor or manager. The new person changes the password at sign-in.");
		return UI_REDRAW;
	}
	if (login == NULL)
		return UI_HANDLED;
	strlcpy_m(o->target, login, sizeof o->target);
	switch (key) {
	case 'd':
		if (strcmp(OFFICE_CELL(&o->t, o->list.cur, STAFF_ROLE), "manager") == 0) {
			staff_form(o, STAFF_FORM_CONFIRM, 1, confirm_labels);
			ui_say(ui, UI_ERR, "Deactivate manager %s? They can no longer sign in. Type %s, then Enter.", login,
			       login);
			return UI_REDRAW;
		}
		rc = client_office_staff_active(ui->db, OFFICE_SESSION(ui), login, false, &message);
		break;
	case 'r':
		rc = client_office_staff_active(ui->db, OFFICE_SESSION(ui), login, true, &message);
		break;
	case 'u':
		rc = client_office_unlock(ui->db, OFFICE_SESSION(ui), login, &message);
		break;
	case 'p':
		staff_form(o, STAFF_FORM_RESET, 1, reset_labels);
		ui_say(ui, 0, "A one-time password for %s (at least 8 characters); it must be changed at sign-in.", login);
		return UI_REDRAW;
	default:
		return UI_HANDLED;
	}
	(void)office_said(ui, rc, message);
	office_reload(ui, o);
	return UI_REDRAW;
}

static void
staff_row(struct ui *ui, struct office *o, int r, int y)
{
	char fl[64], fn[128];

	(void)ui;
	mvprintw(y, 1, "%s %s %-10s %s%s%s", UI_FIT(fl, OFFICE_CELL(&o->t, r, STAFF_LOGIN), 14),
	         UI_FIT(fn, OFFICE_CELL(&o->t, r, STAFF_NAME), 24), OFFICE_CELL(&o->t, r, STAFF_ROLE),
	         strcmp(OFFICE_CELL(&o->t, r, STAFF_ACTIVE), "t") == 0 ? "active" : "INACTIVE",
	         strcmp(OFFICE_CELL(&o->t, r, STAFF_LOCKED), "t") == 0 ? " LOCKED" : "",
	         strcmp(OFFICE_CELL(&o->t, r, STAFF_MUST_CHANGE), "t") == 0 ? " must-change" : "");
}

static void
staff_draw(struct ui *ui, struct office *o)
{
	if (o->mode == OFFICE_FORM) {
		attron(A_BOLD);
		mvprintw(4, 1, "%s", o->action == STAFF_FORM_ADD ? "Add a staff member" :
		         o->action == STAFF_FORM_RESET ? "Reset the password of " : "Deactivate ");
		if (o->action != STAFF_FORM_ADD)
			printw("%s", o->target);
		attroff(A_BOLD);
		office_form_draw(&o->form, 6, 2, COLS - 26 > 40 ? 40 : COLS - 26);
		ui_draw_footer(ui, "Tab next field  Enter save  Esc cancel");
		return;
	}
	attron(A_BOLD);
	mvprintw(4, 1, "%-14s %-24s %-10s %s", "Login", "Name", "Role", "State");
	attroff(A_BOLD);
	office_draw_list(ui, o, 5, LINES - 3);
	ui_draw_footer(ui, "a add  d deactivate  r reactivate  u unlock  p reset password  F3 seats  F4 takings"
	               "  F5 shows  F6 audit  Esc back");
}

const struct office_tab office_staff = {
	.name = "F2 Staff",
	.load = staff_load,
	.key = staff_key,
	.draw = staff_draw,
	.row = staff_row,
};
