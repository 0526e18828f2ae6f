/* ui-sale.c - the sale in progress at a terminal, shared by the screens:
 * the client's sale calls (src/client-sale.c) with their words on the
 * message line. */
#include "ui.h"
#include "util.h"

#include <sodium.h>
#include <stdlib.h>

void
ui_sale_abandon(struct ui *ui)
{
	client_sale_abandon(ui->db, ui_session(ui), &ui->sale);
}

int
ui_sale_seconds_left(const struct ui *ui)
{
	return client_sale_seconds_left(&ui->sale);
}

int
ui_sale_refresh(struct ui *ui)
{
	char *cause = NULL;

	if (client_sale_refresh(ui->db, ui_session(ui), &ui->sale, &cause) != 0) {
		ui_fail(ui, cause, "Sorry, that did not work. Please try again, or ask at the counter.");
		free(cause);
		return -1;
	}
	return 0;
}

int
ui_guest_session(struct ui *ui)
{
	char *message = NULL;
	struct person who;

	/* A customer who did not sign in acts as a guest of this kiosk: their
	 * orders belong to that session alone, which ends when they leave. */
	if (!ui->kiosk || ui->customer_session[0] != '\0')
		return 0;
	if (client_sign_in_guest(ui->db, ui->app->cfg.terminal, &who, &message) != 0) {
		ui_fail(ui, message, "Sorry, that did not work. Please try again, or ask at the counter.");
		free(message);
		return -1;
	}
	strlcpy_m(ui->customer_session, who.session, sizeof ui->customer_session);
	sodium_memzero(who.session, sizeof who.session);
	return 0;
}

/* Holds through hold (client_sale_hold or client_sale_hold_accessible) and
 * says what happened. Returns 0 when held, else -1. */
static int
sale_hold_with(struct ui *ui, int (*hold)(struct db *, const char *, struct sale *, char **))
{
	char *message = NULL;
	int rc;

	if (ui_guest_session(ui) != 0)
		return -1;
	rc = hold(ui->db, ui_session(ui), &ui->sale, &message);
	ui_say(ui, rc == 0 ? 0 : UI_ERR, "%s", message);
	free(message);
	return rc;
}

int
ui_sale_hold(struct ui *ui)
{
	return sale_hold_with(ui, client_sale_hold);
}

int
ui_sale_hold_accessible(struct ui *ui)
{
	return sale_hold_with(ui, client_sale_hold_accessible);
}
