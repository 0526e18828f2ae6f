/* test-client-show.c - an open seat map kept current by seat versions,
 * against the real test cluster (tests/run.sh exports MARQUEE_OWNER_DSN and
 * MARQUEE_TERM_DSN): another connection holds and releases seats many times
 * while the map applies client_seat_changes at random moments, with most
 * notifications never read, and must equal api.seat_map seat for seat; a
 * change whose notification is dropped is still applied; a late
 * notification asks nothing; the relay's words apply only where they may;
 * a listing's seats left brought up to date (client_seats_left). */
#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client-show.h"
#include "ids.h"
#include "util.h"
#include "test-pg.h"

/* The showtime these tests change: one no other unit test uses. */
#define SHOW_OFFSET "12"


/* Runs sql as owner with up to two parameters; fails the test on error.
 * Returns the result (caller clears). */
static PGresult *
owner_run(struct db *owner, const char *sql, const char *a, const char *b)
{
	const char *p[2] = { a, b };
	PGresult *res = db_exec(owner, DB_ONCE, sql, b != NULL ? 2 : a != NULL ? 1 : 0, p);

	if (res == NULL)
		fail_msg("%s: %s", sql, db_error(owner));
	return res;
}

struct fixture {
	struct db	*owner, *term;
	long long	 show;
	char		 id[24];
	char		(*labels)[8];	/* seats free when the test began */
	int		 n;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	PGresult *res;

	f->owner = open_as("MARQUEE_OWNER_DSN");
	f->term = open_as("MARQUEE_TERM_DSN");
	res = owner_run(f->owner, "SELECT showtime_id FROM core.showtime WHERE NOT cancelled AND starts_at >"
	                " now() + interval '2 days' ORDER BY showtime_id DESC LIMIT 1 OFFSET " SHOW_OFFSET, NULL, NULL);
	f->show = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	snprintf(f->id, sizeof f->id, "%lld", f->show);
	res = owner_run(f->owner, "SELECT seat FROM api.seat_map($1::bigint) WHERE status = 'available'"
	                " ORDER BY seat LIMIT 60", f->id, NULL);
	f->n = PQntuples(res);
	f->labels = xcalloc((size_t)f->n + 1, sizeof *f->labels);
	for (int i = 0; i < f->n; i++)
		strlcpy_m(f->labels[i], PQgetvalue(res, i, 0), sizeof f->labels[i]);
	PQclear(res);
	assert_true(f->n >= 20);
	*state = f;
	return 0;
}

/* Gives back every seat the tests took. */
static void
seats_free(struct fixture *f)
{
	PQclear(owner_run(f->owner, "UPDATE core.showtime_seat SET state = 'available', order_id = NULL,"
	                  " held_until = NULL WHERE showtime_id = $1::bigint AND order_id = 1", f->id, NULL));
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	seats_free(f);
	db_close(f->owner);
	db_close(f->term);
	free(f->labels);
	free(f);
	return 0;
}

/* One seat change from the owner's connection: held by order 1, sold, or
 * free again. */
static void
seat_set(struct fixture *f, const char *label, const char *state)
{
	static const char *const sql[] = {
		"UPDATE core.showtime_seat ss SET state = 'held', order_id = 1, held_until = now() + interval '1 hour'"
		" FROM core.seat s WHERE s.seat_id = ss.seat_id AND ss.showtime_id = $1::bigint AND s.label = $2",
		"UPDATE core.showtime_seat ss SET state = 'sold', order_id = 1, held_until = NULL"
		" FROM core.seat s WHERE s.seat_id = ss.seat_id AND ss.showtime_id = $1::bigint AND s.label = $2",
		"UPDATE core.showtime_seat ss SET state = 'available', order_id = NULL, held_until = NULL"
		" FROM core.seat s WHERE s.seat_id = ss.seat_id AND ss.showtime_id = $1::bigint AND s.label = $2",
	};
	int k = strcmp(state, "held") == 0 ? 0 : strcmp(state, "sold") == 0 ? 1 : 2;

	PQclear(owner_run(f->owner, sql[k], f->id, label));
}

/* The map as a screen opens it: the layout, then every seat's state. */
static void
map_open(struct fixture *f, struct hall *hall)
{
	char *cause = NULL;

	if (client_seat_layout(f->term, f->show, hall, &cause) != 0)
		fail_msg("layout: %s", cause);
	assert_int_equal(hall->version, -1);
	if (client_seat_changes(f->term, f->show, hall, &cause) < 0)
		fail_msg("seat changes: %s", cause);
	assert_true(hall->version >= 0);
}

/* With every seat of the tests free, opens the map, holds seat x from the
 * owner's connection and applies that change. Returns x's index. */
static int
map_with_held(struct fixture *f, struct hall *hall, const char *x)
{
	char *cause = NULL;
	int k;

	seats_free(f);
	map_open(f, hall);
	seat_set(f, x, "held");
	if (client_seat_changes(f->term, f->show, hall, &cause) != 1)
		fail_msg("the hold of %s was not the one change: %s", x, cause != NULL ? cause : "");
	k = hall_find_label(hall, x);
	assert_int_equal(hall->seat[k].status, SEAT_HELD);
	return k;
}

/* Fails unless hall equals api.seat_map (read afresh) seat for seat, at its
 * version. */
static void
map_check(struct fixture *f, const struct hall *hall)
{
	struct hall fresh;
	char *cause = NULL;

	if (client_seat_layout(f->term, f->show, &fresh, &cause) != 0 ||
	    client_seat_map(f->term, f->show, &fresh, &cause) != 0)
		fail_msg("seat map: %s", cause);
	assert_int_equal(fresh.n, hall->n);
	for (int i = 0; i < hall->n; i++) {
		if (fresh.seat[i].status != hall->seat[i].status)
			fail_msg("seat %s: the map shows %d, api.seat_map %d", hall->seat[i].label,
			         hall->seat[i].status, fresh.seat[i].status);
	}
	assert_int_equal(fresh.version, hall->version);
	hall_free(&fresh);
}

/* Reads what notifications have arrived and throws them away. */
static void
ignore(const char *channel, const char *payload, void *arg)
{
	(void)channel;
	(void)payload;
	(void)arg;
}

static unsigned int
rnd(unsigned int *s, unsigned int n)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s % n;
}

/* Many holds, sales and releases from another connection; the map applies
 * the changes since its version now and then (most notifications are never
 * read) and always ends equal to api.seat_map. */
static void
test_rush_exact(void **state)
{
	struct fixture *f = *state;
	struct hall hall;
	unsigned int r = 12345;
	char *cause = NULL;
	static const char *const states[] = { "held", "available", "held", "sold", "available" };

	assert_int_equal(db_listen(f->term, "seat_change", true), 0);
	map_open(f, &hall);
	map_check(f, &hall);
	for (int i = 0; i < 400; i++) {
		seat_set(f, f->labels[rnd(&r, (unsigned int)f->n)], states[rnd(&r, 5)]);
		if (rnd(&r, 10) == 0) {
			long long before = hall.version;
			int n = client_seat_changes(f->term, f->show, &hall, &cause);

			if (n < 0)
				fail_msg("seat changes: %s", cause);
			assert_true(hall.version >= before);
			assert_true((n > 0) == (hall.version > before));
			map_check(f, &hall);
		}
		if (rnd(&r, 50) == 0)
			(void)db_notifications(f->term, ignore, NULL);
	}
	if (client_seat_changes(f->term, f->show, &hall, &cause) < 0)
		fail_msg("seat changes: %s", cause);
	map_check(f, &hall);
	/* Current: asking again names nothing. */
	assert_int_equal(client_seat_changes(f->term, f->show, &hall, &cause), 0);
	(void)db_listen(f->term, "seat_change", false);
	hall_free(&hall);
}

struct heard {
	long long	 show;
	long long	 version;	/* highest version heard for show */
	struct hall	*hall;		/* applies what it can, if not NULL */
	int		 applied;
};

static void
on_id(const struct seat_news *news, void *arg)
{
	struct heard *h = arg;

	if (news->showtime_id != h->show)
		return;
	if (news->version > h->version)
		h->version = news->version;
	if (h->hall != NULL && client_seat_news(h->hall, news) == 1)
		h->applied++;
}

static void
on_notify(const char *channel, const char *payload, void *arg)
{
	if (strcmp(channel, "seat_change") == 0)
		(void)ids_each(payload, on_id, arg);
}

/* A change whose notification is dropped is applied by the next check; a
 * notification at or below the map's version (late, or repeated) asks
 * nothing, a newer one does, and it names the version the change made. */
static void
test_lost_and_late(void **state)
{
	struct fixture *f = *state;
	struct hall hall;
	struct heard h = { f->show, 0, NULL, 0 };
	char *cause = NULL;
	const char *x = f->labels[0], *y = f->labels[1];
	int k = map_with_held(f, &hall, x);

	/* Its release is announced to nobody: the map was not listening. */
	seat_set(f, x, "available");
	assert_int_equal(client_seat_changes(f->term, f->show, &hall, &cause), 1);
	assert_int_equal(hall.seat[k].status, SEAT_AVAILABLE);
	map_check(f, &hall);

	/* Late and newer notifications. */
	assert_false(client_seat_behind(&hall, hall.version));
	assert_false(client_seat_behind(&hall, hall.version - 1));
	assert_true(client_seat_behind(&hall, hall.version + 1));
	assert_true(client_seat_behind(&hall, 0));

	/* (Changes other than holds reach the relay's log by a trigger; these
	 * are.) The relay's notification names the version its change made and, once
	 * the relay has announced the showtime before, carries the seats
	 * changed since: a map at that version applies them without asking. */
	assert_int_equal(db_listen(f->term, "seat_change", true), 0);
	assert_true(client_relay(f->term) >= 0);
	seat_set(f, y, "sold");
	for (int i = 0; i < 100 && h.version <= hall.version; i++) {
		(void)client_relay(f->term);
		(void)db_notifications(f->term, on_notify, &h);
		(void)usleep(20000);
	}
	assert_true(client_seat_behind(&hall, h.version));
	assert_int_equal(client_seat_changes(f->term, f->show, &hall, &cause), 1);
	assert_int_equal(hall.version, h.version);
	assert_false(client_seat_behind(&hall, h.version));
	h.hall = &hall;
	seat_set(f, y, "available");
	for (int i = 0; i < 100 && h.applied == 0; i++) {
		(void)client_relay(f->term);
		(void)db_notifications(f->term, on_notify, &h);
		(void)usleep(20000);
	}
	assert_int_equal(h.applied, 1);
	assert_int_equal(hall.seat[hall_find_label(&hall, y)].status, SEAT_AVAILABLE);
	assert_false(client_seat_behind(&hall, h.version));
	map_check(f, &hall);
	client_relay_stop(f->term);
	(void)db_listen(f->term, "seat_change", false);
	hall_free(&hall);
}

/* A hold that runs out changes its seat by the clock alone: the next check
 * applies it though no version was raised. */
static void
test_expired_hold(void **state)
{
	struct fixture *f = *state;
	struct hall hall;
	char *cause = NULL;
	const char *x = f->labels[2];
	int k = map_with_held(f, &hall, x);
	PQclear(owner_run(f->owner, "UPDATE core.showtime_seat ss SET held_until = now() - interval '1 second'"
	                  " FROM core.seat s WHERE s.seat_id = ss.seat_id AND ss.showtime_id = $1::bigint"
	                  " AND s.label = $2", f->id, x));
	assert_true(client_seat_changes(f->term, f->show, &hall, &cause) >= 1);
	assert_int_equal(hall.seat[k].status, SEAT_AVAILABLE);
	map_check(f, &hall);
	seat_set(f, x, "available");
	hall_free(&hall);
}

/* The seats left of the listing's showtime as the owner reads api.listing. */
static int
listed_left(struct fixture *f)
{
	PGresult *res = owner_run(f->owner, "SELECT l.seats_available FROM core.showtime st,"
	                          " api.listing(st.starts_at, 1) l WHERE st.showtime_id = $1::bigint"
	                          " AND l.showtime_id = st.showtime_id", f->id, NULL);
	int n;

	assert_int_equal(PQntuples(res), 1);
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

/* client_seats_left updates the showtimes asked for, and only them: the
 * count api.listing gives, at api.seat_map's version; a hold takes one, its
 * release gives it back; too many ids are refused with shows untouched. */
static void
test_seats_left(void **state)
{
	struct fixture *f = *state;
	struct showtime v[2] = { { .showtime_id = f->show, .seats_available = -1, .seat_version = -1 },
	                         { .showtime_id = f->show + 1, .seats_available = -1, .seat_version = -1 } };
	struct showtimes shows = { .v = v, .n = 2 };
	long long many[CLIENT_SEATS_LEFT_MAX + 1] = { f->show };
	struct hall hall;
	char *cause = NULL;
	int left;

	seats_free(f);
	map_open(f, &hall);
	assert_int_equal(client_seats_left(f->term, &f->show, 1, &shows, &cause), 1);
	left = v[0].seats_available;
	assert_int_equal(left, listed_left(f));
	assert_int_equal(v[0].seat_version, hall.version);
	assert_int_equal(v[1].seats_available, -1);
	assert_int_equal(v[1].seat_version, -1);

	seat_set(f, f->labels[3], "held");
	assert_int_equal(client_seats_left(f->term, &f->show, 1, &shows, &cause), 1);
	assert_int_equal(v[0].seats_available, left - 1);
	assert_int_equal(v[0].seats_available, listed_left(f));
	assert_true(v[0].seat_version > hall.version);
	assert_int_equal(client_seat_changes(f->term, f->show, &hall, &cause), 1);
	assert_int_equal(v[0].seat_version, hall.version);

	seat_set(f, f->labels[3], "available");
	assert_int_equal(client_seats_left(f->term, &f->show, 1, &shows, &cause), 1);
	assert_int_equal(v[0].seats_available, left);

	v[0].seats_available = -1;
	assert_int_equal(client_seats_left(f->term, many, CLIENT_SEATS_LEFT_MAX + 1, &shows, &cause), -1);
	assert_non_null(cause);
	assert_int_equal(v[0].seats_available, -1);
	free(cause);
	hall_free(&hall);
}

/* Words as the relay sends them, applied to a hall of three seats: only
 * from a version at or after the word's from and before its version;
 * malformed seats are refused. */
static void
test_news_words(void **state)
{
	struct seat seats[3] = { { .label = "A1" }, { .label = "A2" }, { .label = "B1" } };
	struct hall hall = { .rows = 2, .cols = 2, .seat = seats, .n = 3, .version = 10 };
	struct seat_news w = { .showtime_id = 7, .version = 14, .from = 11, .seats = "A1=p,B1=s", .seats_len = 9 };
	static const char *const bad[] = { "A1=x", "A1=", "=p", "A1p", "A1=pp", "A1=p,", "TOOLONGLABEL=p" };

	(void)state;
	assert_int_equal(client_seat_news(&hall, &w), 0);	/* the hall is older than from */
	assert_true(client_seat_behind(&hall, w.version));
	hall.version = 12;
	assert_int_equal(client_seat_news(&hall, &w), 1);
	assert_int_equal(hall.version, 14);
	assert_int_equal(seats[0].status, SEAT_HELD);
	assert_int_equal(seats[1].status, SEAT_AVAILABLE);
	assert_int_equal(seats[2].status, SEAT_SOLD);
	assert_int_equal(client_seat_news(&hall, &w), 0);	/* nothing new */
	w.version = 15;
	w.seats = "A1=a";
	w.seats_len = 4;
	hall.version = 11;
	assert_int_equal(client_seat_news(&hall, &w), 1);	/* from itself */
	assert_int_equal(seats[0].status, SEAT_AVAILABLE);
	w.from = -1;
	hall.version = 12;
	assert_int_equal(client_seat_news(&hall, &w), 0);	/* a version alone */
	w.from = 11;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		w.seats = bad[i];
		w.seats_len = strlen(bad[i]);
		hall.version = 12;
		assert_int_equal(client_seat_news(&hall, &w), -1);
		assert_int_equal(hall.version, 12);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_news_words),
		cmocka_unit_test(test_rush_exact),
		cmocka_unit_test(test_lost_and_late),
		cmocka_unit_test(test_expired_hold),
		cmocka_unit_test(test_seats_left),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
