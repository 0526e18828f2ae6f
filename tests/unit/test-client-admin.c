/* test-client-admin.c - the client's manager and account calls against the
 * real test cluster: sign-in of a manager and refusals in words, the admin
 * menu's reads (takings, prices, films, halls) and changes (a price, a
 * showtime added and cancelled, a film), customer registration and bookings. */
#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client-account.h"
#include "client-admin.h"
#include "client-show.h"
#include "util.h"
#include "test-pg.h"


static struct db *
open_term(void)
{
	return open_as("MARQUEE_TERM_DSN");
}

/* Removes what a test added (the other tests count the demo's films). */
static void
owner_delete(const char *sql, const char *param)
{
	struct db *owner = open_as("MARQUEE_OWNER_DSN");
	const char *p[1] = { param };
	PGresult *res = db_exec(owner, DB_ONCE, sql, 1, p);

	if (res == NULL)
		fail_msg("%s: %s", sql, db_error(owner));
	PQclear(res);
	db_close(owner);
}

/* Signs the demo manager in; returns who->session. */
static const char *
sign_in_manager(struct db *db, struct person *who)
{
	char *cause = NULL;

	if (client_sign_in(db, "unit-admin", true, "manager", "manager1", who, &cause) != 0)
		fail_msg("sign-in: %s", cause);
	assert_string_equal(who->role, "manager");
	assert_string_equal(who->full_name, "Morgan Manager");
	return who->session;
}

static void
test_reads(void **state)
{
	struct db *db = open_term();
	struct person who;
	const char *staff = sign_in_manager(db, &who);
	struct admin_rows rows;
	char *cause = NULL;

	(void)state;
	assert_int_equal(client_admin_takings(db, staff, 0, &rows, &cause), 0);
	for (int i = 0; i < rows.n; i++) {
		const struct takings_row *r = ADMIN_ROW(&rows, struct takings_row, i);

		assert_int_equal(r->net_cents, r->cash_cents + r->card_cents - r->refunded_cents);
	}
	admin_takings_free(&rows);
	assert_int_equal(client_admin_prices(db, staff, &rows, &cause), 0);
	assert_true(rows.n > 0);
	assert_true(ADMIN_ROW(&rows, struct price_row, 0)->price_plan[0] != '\0');
	admin_prices_free(&rows);
	assert_int_equal(client_admin_films(db, &rows, &cause), 0);
	assert_true(rows.n > 0 && ADMIN_ROW(&rows, struct film_row, 0)->runtime_min > 0);
	admin_films_free(&rows);
	assert_int_equal(client_admin_halls(db, staff, &rows, &cause), 0);
	assert_true(rows.n > 0 && ADMIN_ROW(&rows, struct hall_row, 0)->seats > 0);
	admin_halls_free(&rows);
	db_close(db);
}

/* A price set to what it is; a showtime added far ahead, then cancelled. */
static void
test_changes(void **state)
{
	struct db *db = open_term();
	struct person who;
	const char *staff = sign_in_manager(db, &who);
	long long film, hall, show = 0;
	struct admin_rows prices, films, halls;
	struct showtimes shows;
	char *message = NULL, *cause = NULL, title[64], when[32], id[24];
	const struct price_row *p;

	(void)state;
	assert_int_equal(client_admin_prices(db, staff, &prices, &cause), 0);
	p = ADMIN_ROW(&prices, struct price_row, 0);
	assert_int_equal(client_admin_price_set(db, staff, p->price_plan, p->type_code, p->amount_cents, &message), 0);
	assert_string_equal(message, "price saved");
	free(message);
	assert_int_equal(client_admin_price_set(db, staff, p->price_plan, p->type_code, -5, &message), -1);
	assert_non_null(strstr(message, "Not saved: "));
	free(message);
	admin_prices_free(&prices);

	assert_int_equal(client_admin_films(db, &films, &cause), 0);
	assert_int_equal(client_admin_halls(db, staff, &halls, &cause), 0);
	film = ADMIN_ROW(&films, struct film_row, 0)->movie_id;
	hall = ADMIN_ROW(&halls, struct hall_row, halls.n - 1)->auditorium_id;
	admin_films_free(&films);
	admin_halls_free(&halls);
	assert_int_equal(client_admin_showtime_add(db, staff, film, hall, "2026-13-45 25:99", "Standard", NULL,
	                                           &message), -1);
	assert_string_equal(message, "Not saved: 2026-13-45 25:99 is not a date and time.");
	free(message);
	{
		/* a day of its own for each run: 2100-01-01 plus the pid in days */
		time_t t = (time_t)4102444800 + (time_t)(getpid() % 20000) * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d 04:00", &tm);
	}
	assert_int_equal(client_admin_showtime_add(db, staff, film, hall, when, "Standard", &show, &message), 0);
	assert_true(show > 0);
	assert_string_equal(message, "showtime added");
	free(message);
	assert_int_equal(client_admin_showtime_add(db, staff, film, hall, when, "Standard", NULL, &message), -1);
	assert_non_null(strstr(message, "Not saved: the hall is busy then"));
	free(message);

	/* the cancel tab lists what is on sale now; the new showtime is cancelled by its id */
	assert_int_equal(client_showtimes_all(db, &shows, &cause), 0);
	assert_true(shows.n > 0 && shows.v[0].starts[0] != '\0');
	showtimes_free(&shows);
	assert_int_equal(client_admin_showtime_cancel(db, staff, show, &message), 0);
	assert_non_null(strstr(message, "showtime cancelled"));
	free(message);
	assert_int_equal(client_admin_showtime_cancel(db, staff, show, &message), -1);
	assert_string_equal(message, "Not saved: no such showtime, or it is already cancelled");
	free(message);
	snprintf(id, sizeof id, "%lld", show);
	owner_delete("DELETE FROM core.showtime WHERE showtime_id = $1::bigint", id);

	assert_int_equal(client_admin_film_add(db, staff, "x", "", "9x", "PG", "", &message), -2);
	assert_string_equal(message, "Running time is a number of minutes.");
	free(message);
	snprintf(title, sizeof title, "Zzz Unit Test Film %d", (int)getpid());
	assert_int_equal(client_admin_film_add(db, staff, title, "A test.", "95", "PG", "drama", &message), 0);
	assert_string_equal(message, "film added");
	free(message);
	assert_int_equal(client_admin_film_add(db, staff, title, "A test.", "95", "PG", "drama", &message), -1);
	assert_string_equal(message, "Not saved: another film already has this title");
	free(message);
	owner_delete("DELETE FROM core.movie WHERE title = $1", title);
	db_close(db);
}

/* A cashier is refused the manager's changes by the database. */
static void
test_cashier_refused(void **state)
{
	struct db *db = open_term();
	struct person who;
	char *message = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(client_sign_in(db, "unit-admin", true, "cashier", "cashier1", &who, &cause), 0);
	assert_int_equal(client_admin_showtime_cancel(db, who.session, 1, &message), -1);
	assert_string_equal(message, "Not saved: only a manager may cancel showtimes");
	free(message);
	db_close(db);
}

/* A customer registers, is signed in, has no bookings yet, and signs in
 * again; a wrong password is refused with the tries left. */
/* True when session is live for this database login (api.session_whoami). */
static bool
session_live(struct db *db, const char *session)
{
	const char *params[1] = { session };
	PGresult *res = db_exec(db, DB_ONCE, "SELECT * FROM api.session_whoami($1)", 1, params);
	bool live;

	assert_non_null(res);
	live = PQntuples(res) == 1;
	PQclear(res);
	return live;
}

static void
test_customer(void **state)
{
	struct db *db = open_as("MARQUEE_KIOSK_DSN"), *counter = open_term();
	struct person who, again;
	struct bookings b;
	char email[64], rid[37] = "", *cause = NULL;

	(void)state;
	snprintf(email, sizeof email, "unit-%d@example.org", (int)getpid());
	assert_int_equal(client_register(db, "unit-admin", email, "short", rid, &who, &cause), -1);
	assert_string_equal(cause, "Choose a password of at least 8 characters.");
	free(cause);
	assert_int_equal(client_register(db, "unit-admin", "not-an-address", "long enough", rid, &who, &cause), -1);
	assert_string_equal(cause, "Not registered: that does not look like an e-mail address.");
	free(cause);
	assert_string_equal(rid, "");
	assert_int_equal(client_register(db, "unit-admin", email, "long enough", rid, &who, &cause), 0);
	assert_true(who.user_id > 0);
	assert_int_equal(client_bookings(db, who.session, &b, &cause), 0);
	assert_int_equal(b.n, 0);
	bookings_free(&b);
	assert_int_equal(strlen(who.session), 64);
	assert_int_equal(client_sign_in(db, "unit-admin", false, email, "long enough", &again, &cause), 0);
	assert_int_equal(again.user_id, who.user_id);
	assert_string_not_equal(again.session, who.session);
	assert_true(session_live(db, again.session));
	{
		char ended[sizeof again.session];

		strcpy(ended, again.session);
		client_sign_out(db, &again);
		assert_string_equal(again.session, "");
		assert_false(session_live(db, ended));
		assert_true(session_live(db, who.session));
	}
	/* a password of one's own: the current one is checked by the database */
	assert_int_equal(client_change_password(db, email, who.session, "not the one", "changed pw 2", &cause), -1);
	assert_string_equal(cause, "The current password is wrong.");
	free(cause);
	assert_int_equal(client_change_password(db, email, who.session, "long enough", "changed pw 2", &cause), 0);
	assert_int_equal(client_sign_in(db, "unit-admin", false, email, "long enough", &again, &cause), -1);
	free(cause);
	assert_int_equal(client_sign_in(db, "unit-admin", false, email, "changed pw 2", &again, &cause), 0);
	client_sign_out(db, &again);
	/* a manager resets it; a cashier may not */
	{
		struct person mgr, cashier;

		/* staff sign in at a counter, not at a kiosk; customers the other way */
		assert_int_equal(client_sign_in(db, "unit-admin", true, "manager", "manager1", &mgr, &cause), -1);
		free(cause);
		assert_int_equal(client_sign_in(counter, "unit-admin", false, email, "changed pw 2", &again, &cause), -1);
		free(cause);
		assert_int_equal(client_sign_in(counter, "unit-admin", true, "manager", "manager1", &mgr, &cause), 0);
		assert_int_equal(client_sign_in(counter, "unit-admin", true, "cashier", "cashier1", &cashier, &cause), 0);
		assert_int_equal(client_reset_password(counter, cashier.session, email, "reset pw 33", &cause), -1);
		assert_string_equal(cause, "Only a signed-in manager may reset passwords.");
		free(cause);
		assert_int_equal(client_reset_password(counter, mgr.session, email, "reset pw 33", &cause), 0);
		assert_int_equal(client_sign_in(db, "unit-admin", false, email, "reset pw 33", &again, &cause), 0);
		client_sign_out(db, &again);
		client_sign_out(counter, &cashier);
		client_sign_out(counter, &mgr);
	}
	assert_false(session_live(db, who.session));	/* the reset ended it */
	assert_int_equal(client_sign_in(db, "unit-admin", false, email, "wrong one", &again, &cause), -1);
	assert_non_null(strstr(cause, "tries left"));
	free(cause);
	rid[0] = '\0';
	assert_int_equal(client_register(db, "unit-admin", email, "long enough", rid, &who, &cause), -1);
	assert_string_equal(cause, "Not registered: an account with this e-mail already exists; sign in instead.");
	free(cause);
	db_close(counter);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_cashier_refused),
		cmocka_unit_test(test_customer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
