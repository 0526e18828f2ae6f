/* ui-signin.c - one password check for staff (counter) and customers
 * (kiosk): the database hands out the hash to check, or refuses a locked
 * account; libsodium checks it here; the database counts the outcome in a
 * sliding window every terminal shares. */
#include "ui.h"
#include "auth.h"
#include "util.h"

#include <string.h>

PGresult *
ui_sign_in(struct ui *ui, bool staff, const char *name, const char *pass)
{
	const char *params[2] = { name, ui->app->cfg.terminal };
	const char *fin[2] = { name, NULL };
	PGresult *res, *said;
	bool ok;

	res = db_exec(ui->db, DB_ONCE,
	              staff ? "SELECT * FROM api.staff_login_begin($1, $2)"
	                    : "SELECT * FROM api.customer_login_begin($1, $2)", 2, params);
	if (res == NULL) {
		ui_say(ui, UI_ERR, "Cannot sign in: %.150s", db_error(ui->db));
		return NULL;
	}
	if (strcmp(db_value(res, 0, "login_status"), "locked") == 0) {
		ui_say(ui, UI_ERR, "%s", db_value(res, 0, "message"));
		PQclear(res);
		return NULL;
	}
	ok = auth_verify(db_value(res, 0, "pw_hash"), pass) && !db_isnull(res, 0, "user_id");
	fin[1] = ok ? "true" : "false";
	said = db_exec(ui->db, DB_ONCE,
	               staff ? "SELECT api.staff_login_finish($1, $2::boolean) AS said"
	                     : "SELECT api.customer_login_finish($1, $2::boolean) AS said", 2, fin);
	if (said == NULL) {
		ui_say(ui, UI_ERR, "Cannot sign in: %.150s", db_error(ui->db));
		PQclear(res);
		return NULL;
	}
	if (!ok) {
		ui_say(ui, UI_ERR, "%s", db_value(said, 0, "said"));
		PQclear(said);
		PQclear(res);
		return NULL;
	}
	PQclear(said);
	return res;
}
