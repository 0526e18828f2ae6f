/* tool-cashier.h - what the test tools (race.c, failover.c) share: a
 * session of the demo cashier, who sells through every client (only staff
 * take cash). Included by one .c file each, so its function is static. */
#ifndef MARQUEE_TOOL_CASHIER_H
#define MARQUEE_TOOL_CASHIER_H

#include "auth.h"
#include "client-account.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>

/* Signs the demo cashier in through the counter's login dsn into session
 * (at terminal tool). Returns 0, or -1 after saying why on stderr. */
static int
tool_cashier_session(const char *tool, const char *dsn, char session[72])
{
	struct person who;
	char *cause = NULL;
	struct db *db = db_open(dsn, &cause);
	int rc = -1;

	if (db != NULL && auth_init() == 0 &&
	    client_sign_in(db, tool, true, "cashier", "cashier1", &who, &cause) == 0) {
		snprintf(session, 72, "%s", who.session);
		rc = 0;
	} else
		fprintf(stderr, "%s: cannot sign the cashier in: %s\n", tool, cause != NULL ? cause : "libsodium");
	free(cause);
	db_close(db);
	return rc;
}

#endif
