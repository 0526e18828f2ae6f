/* test-client-sale.c - the client's sale sequence against the real test
 * cluster (tests/run.sh exports MARQUEE_OWNER_DSN and MARQUEE_TERM_DSN): a
 * whole cash sale, card sales through the test card terminal, a payment
 * whose answer is lost and sent again (charged once, paid once), a refused
 * hold in words, a refused payment, and what the operational log records. */
#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card.h"
#include "client-account.h"
#include "client-sale.h"
#include "client-show.h"
#include "oplog.h"
#include "util.h"
#include "test-pg.h"

static char logpath[64], carddir[64];


/* The session of the cashier selling (open_counter); the database records
 * who sells from it. Any connection of the same database login may use it. */
static char cashier[72];

/* A counter terminal with the cashier signed in. */
static struct db *
open_counter(void)
{
	struct db *db = open_as("MARQUEE_TERM_DSN");
	struct person who;
	char *cause = NULL;

	if (client_sign_in(db, "unit-client", true, "cashier", "cashier1", &who, &cause) != 0)
		fail_msg("sign-in: %s", cause);
	assert_string_equal(who.role, "cashier");
	strlcpy_m(cashier, who.session, sizeof cashier);
	return db;
}

/* One value of a one-row query as owner. */
static long long
owner_int(const char *sql, const char *param)
{
	struct db *owner = open_as("MARQUEE_OWNER_DSN");
	const char *p[1] = { param };
	PGresult *res = db_exec(owner, DB_ONCE, sql, param != NULL ? 1 : 0, p);
	long long v;

	if (res == NULL)
		fail_msg("%s: %s", sql, db_error(owner));
	v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	db_close(owner);
	return v;
}

/* A sale of party free seats of the nth newest showtime more than two days
 * away (test-db takes the first three). */
static void
sale_begin(struct db *db, struct sale *s, int nth, int party)
{
	char n[16], *cause = NULL;
	struct hall hall;
	int best[SALE_MAX_SEATS];

	memset(s, 0, sizeof *s);
	snprintf(n, sizeof n, "%d", nth);
	s->showtime_id = owner_int("SELECT showtime_id FROM core.showtime WHERE NOT cancelled AND starts_at >"
	                           " now() + interval '2 days' ORDER BY showtime_id DESC LIMIT 1 OFFSET $1::int", n);
	if (client_seat_layout(db, s->showtime_id, &hall, &cause) != 0 ||
	    client_seat_map(db, s->showtime_id, &hall, &cause) != 0)
		fail_msg("seat map: %s", cause);
	assert_true(hall.n > 0);
	assert_int_equal(bestseat_find(&hall, party, best), 0);
	for (int i = 0; i < party; i++)
		strlcpy_m(s->seats[s->nseats++], hall.seat[best[i]].label, sizeof s->seats[0]);
	hall_free(&hall);
}

/* Holds the sale's seats and reads its ticket types. */
static void
sale_hold(struct db *db, struct sale *s)
{
	char *message = NULL, want[32];

	if (client_sale_hold(db, cashier, s, &message) != 0)
		fail_msg("hold: %s", message);
	snprintf(want, sizeof want, "%d seat%s held.", s->nseats, s->nseats == 1 ? "" : "s");
	assert_string_equal(message, want);
	free(message);
	assert_true(s->order_id != 0);
	assert_int_equal(s->cart.n, s->nseats);
	assert_true(s->cart.total_cents > 0);
	assert_true(client_sale_seconds_left(s) > 0);
	if (client_ticket_types(db, s->showtime_id, &s->cart, &message) != 0)
		fail_msg("types: %s", message);
	assert_true(s->cart.ntypes > 0);
}

/* The status of a seat of a showtime as the seat map says it. */
static enum seat_status
seat_status(struct db *db, long long showtime_id, const char *label)
{
	struct hall hall;
	char *cause = NULL;
	enum seat_status st;

	if (client_seat_layout(db, showtime_id, &hall, &cause) != 0 ||
	    client_seat_map(db, showtime_id, &hall, &cause) != 0)
		fail_msg("seat map: %s", cause);
	st = hall.seat[hall_find_label(&hall, label)].status;
	hall_free(&hall);
	return st;
}

static long long
payments_of(long long order_id)
{
	char id[24];

	snprintf(id, sizeof id, "%lld", order_id);
	return owner_int("SELECT count(*) FROM core.payment WHERE order_id = $1::bigint", id);
}

/* Lines of the test terminal's journal that name key. */
static int
journal_lines(const char *key)
{
	char path[128], line[512];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof path, "%s/journal", carddir);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strstr(line, key) != NULL && strstr(line, "approved") != NULL)
			n++;
	fclose(f);
	return n;
}

static struct sale_pay
pay_how(enum pay_method method, const char *amount, struct card_terminal *card, const char *number)
{
	return (struct sale_pay){ .method = method, .amount = amount, .card = card, .card_error = "none",
	                          .card_number = number, .drawer_queue = NULL };
}

/* Hold two seats, make one a child's ticket, pay cash with change. */
static void
test_cash_sale(void **state)
{
	struct db *db = open_counter();
	struct sale s;
	struct sale_answer ans;
	struct sale_pay how;
	char *cause = NULL;
	long long before;
	int child;

	(void)state;
	sale_begin(db, &s, 5, 2);
	sale_hold(db, &s);
	assert_int_equal(seat_status(db, s.showtime_id, s.seats[0]), SEAT_HELD);
	before = s.cart.total_cents;
	child = cart_type_index(&s.cart, "child");
	if (child >= 0) {
		assert_int_equal(client_set_types(db, cashier, &s, 0, "child", &cause), 0);
		assert_string_equal(s.cart.line[0].type, "child");
		assert_true(s.cart.total_cents <= before);
	}
	assert_int_equal(client_set_types(db, cashier, &s, 1, "no-such-type", &cause), -1);
	assert_string_equal(cause, "Not changed: that ticket type is not sold for this showtime.");
	free(cause);

	how = pay_how(PAY_CASH, "abc", NULL, NULL);
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_AGAIN);
	assert_string_equal(ans.message, "Type the cash tendered, like 50 or 20.00.");
	how.amount = "1000";
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_PAID);
	assert_false(ans.trouble);
	assert_string_equal(s.paid_how, "cash");
	assert_int_equal(s.tendered_cents, 100000);
	assert_int_equal(s.change_cents, 100000 - s.cart.total_cents);
	assert_string_equal(s.record, "");
	assert_string_equal(s.pay_rid, "");
	assert_int_equal(payments_of(s.order_id), 1);
	assert_int_equal(client_sale_refresh(db, cashier, &s, &cause), 0);
	assert_int_equal(cart_due(&s.cart), 0);
	assert_int_equal(seat_status(db, s.showtime_id, s.seats[1]), SEAT_SOLD);
	db_close(db);
}

/* A card declined, then approved; an unknown outcome settled by asking. */
static void
test_card_sale(void **state)
{
	struct db *db = open_counter();
	struct card_terminal card;
	struct sale s;
	struct sale_answer ans;
	struct sale_pay how;
	char *cause = NULL;

	(void)state;
	if (card_open(&card, "test", carddir, &cause) != 0)
		fail_msg("%s", cause);
	sale_begin(db, &s, 6, 1);
	sale_hold(db, &s);
	how = pay_how(PAY_CARD, "", &card, "4000000000000002");
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_AGAIN);
	assert_non_null(strstr(ans.message, "Try another card or cash."));
	assert_string_equal(s.card_key, "");
	assert_int_equal(payments_of(s.order_id), 0);

	how.card_number = "4000000000000259";	/* charged, the answer lost: asked, approved */
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_PAID);
	assert_string_equal(s.paid_how, "card");
	assert_string_equal(s.note, "Card 0259: answer lost, confirmed by asking the terminal.");
	assert_int_equal(payments_of(s.order_id), 1);

	/* split: a cash part and the card for the rest */
	sale_begin(db, &s, 6, 1);
	sale_hold(db, &s);
	how = pay_how(PAY_SPLIT, "1", &card, "4242424242424242");
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_PAID);
	assert_string_equal(s.paid_how, "cash + card");
	assert_int_equal(payments_of(s.order_id), 2);	/* a row per part */

	/* no card terminal at all */
	sale_begin(db, &s, 6, 1);
	sale_hold(db, &s);
	how = pay_how(PAY_CARD, "", NULL, NULL);
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_AGAIN);
	assert_string_equal(ans.message, "No card terminal: none");
	client_sale_abandon(db, cashier, &s);
	assert_int_equal(s.order_id, 0);
	card_close(&card);
	db_close(db);
}

/* The payment's answer is lost after the database committed it: the
 * connection drops while the approved charge is being recorded and cannot
 * come back at once; the same request (the same request id, the same
 * payment_info) reaches the database over another connection of the terminal
 * and commits; when the line is back the terminal sends it again. The retry
 * returns the first answer: one card charge, one payment. */
static void
test_payment_answer_lost(void **state)
{
	struct db *db = open_counter(), *other = open_counter(), *owner = open_as("MARQUEE_OWNER_DSN");
	struct card_terminal card;
	struct sale s;
	struct sale_answer ans;
	struct sale_pay how;
	char *cause = NULL, oid[24], pid[16], key[37], rid[37];
	const char *kp[1] = { pid };
	PGresult *res;

	(void)state;
	if (card_open(&card, "test", carddir, &cause) != 0)
		fail_msg("%s", cause);
	sale_begin(db, &s, 7, 2);
	sale_hold(db, &s);
	/* 0267: the outcome is unknown and the terminal cannot answer the next
	 * two questions; the sale waits for F5 with nothing recorded. */
	how = pay_how(PAY_CARD, "", &card, "4000000000000267");
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_UNKNOWN);
	assert_true(s.card_unknown);
	strlcpy_m(key, s.card_key, sizeof key);

	/* The line goes down: the backend is killed and no new session is let in. */
	PQclear(db_exec(owner, DB_ONCE, "ALTER ROLE counter1 CONNECTION LIMIT 0", 0, NULL));
	snprintf(pid, sizeof pid, "%d", PQbackendPID(db->conn));
	res = db_exec(owner, DB_ONCE, "SELECT pg_terminate_backend($1::int, 5000)", 1, kp);
	assert_non_null(res);
	PQclear(res);
	client_sale_pay(db, cashier, &s, &how, &ans);	/* F5: the terminal says approved */
	PQclear(db_exec(owner, DB_ONCE, "ALTER ROLE counter1 CONNECTION LIMIT -1", 0, NULL));
	assert_int_equal(ans.outcome, SALE_AGAIN);
	assert_string_equal(ans.message, "Database connection lost - press Enter to finish this payment"
	                    " (it will not be taken twice).");
	assert_false(s.card_unknown);
	assert_true(s.card_charged);
	assert_string_equal(s.card_key, key);
	assert_true(s.record[0] != '\0' && s.pay_rid[0] != '\0');
	strlcpy_m(rid, s.pay_rid, sizeof rid);
	assert_int_equal(journal_lines(key), 1);

	/* What the terminal sent reached the database and committed. */
	{
		const char *p[4] = { cashier, oid, s.record, s.pay_rid };

		snprintf(oid, sizeof oid, "%lld", s.order_id);
		res = db_exec(other, DB_SAFE, "SELECT * FROM api.payment($1, $2, $3::jsonb, $4::uuid)", 4, p);
		assert_non_null(res);
		assert_string_equal(db_value(res, 0, "payment_status"), "success");
		PQclear(res);
	}
	assert_int_equal(payments_of(s.order_id), 1);

	/* Enter: the same request again, on a fresh connection. */
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_PAID);
	assert_false(ans.trouble);
	assert_string_equal(s.paid_how, "card");
	assert_int_equal(payments_of(s.order_id), 1);
	assert_int_equal(journal_lines(key), 1);
	assert_int_equal(client_sale_refresh(db, cashier, &s, &cause), 0);
	assert_int_equal(cart_due(&s.cart), 0);
	assert_int_equal(owner_int("SELECT count(*) FROM core.request_log WHERE request_id = $1::uuid", rid), 1);
	card_close(&card);
	db_close(owner);
	db_close(other);
	db_close(db);
}

/* A seat held at one terminal is refused at another, in words. */
static void
test_hold_refused(void **state)
{
	struct db *a = open_counter(), *b = open_counter();
	struct sale first, second;
	char *message = NULL;

	(void)state;
	sale_begin(a, &first, 8, 1);
	sale_hold(a, &first);
	second = first;
	second.order_id = 0;
	second.hold_rid[0] = '\0';
	assert_int_equal(client_sale_hold(b, cashier, &second, &message), -1);
	assert_int_equal(second.order_id, 0);
	assert_string_equal(second.hold_rid, "");
	assert_non_null(strstr(message, "Not held: already taken: "));
	assert_non_null(strstr(message, first.seats[0]));
	assert_null(strstr(message, "ERROR"));
	free(message);
	second.nseats = 0;
	assert_int_equal(client_sale_hold(b, cashier, &second, &message), -1);
	assert_non_null(strstr(message, "Choose seats first"));
	free(message);

	/* The hold released: the seat is free again and the order is gone. */
	client_sale_abandon(a, cashier, &first);
	assert_int_equal(seat_status(a, second.showtime_id, second.seats[0]), SEAT_AVAILABLE);
	db_close(a);
	db_close(b);
}

/* A payment the database refuses (the order was cancelled meanwhile) says
 * why in words and is logged; a card charge made for it is reversed. */
static void
test_payment_refused(void **state)
{
	struct db *db = open_counter();
	struct card_terminal card;
	struct sale s, kept;
	struct sale_answer ans;
	struct sale_pay how;
	char *cause = NULL;

	(void)state;
	if (card_open(&card, "test", carddir, &cause) != 0)
		fail_msg("%s", cause);
	sale_begin(db, &s, 9, 1);
	sale_hold(db, &s);
	kept = s;
	client_sale_abandon(db, cashier, &s);	/* cancelled at the database */
	how = pay_how(PAY_CARD, "", &card, "4242424242424242");
	client_sale_pay(db, cashier, &kept, &how, &ans);
	assert_int_equal(ans.outcome, SALE_AGAIN);
	assert_string_equal(ans.message, "Not paid: this order was cancelled");
	assert_string_equal(kept.note, "The card charge was reversed.");
	assert_false(kept.card_charged);
	assert_string_equal(kept.record, "");
	assert_int_equal(payments_of(kept.order_id), 0);
	card_close(&card);
	db_close(db);
}

/* An order the database lost (a hold gone in a failover: here its id is
 * one the database never knew, its seats free) is held again, same seats,
 * before the payment, which then goes through with a note saying so; when a
 * seat was taken meanwhile the answer names it. */
static void
test_hold_lost(void **state)
{
	struct db *db = open_counter();
	struct sale s, other;
	struct sale_answer ans;
	struct sale_pay how = pay_how(PAY_CASH, "", NULL, NULL);
	long long lost;

	(void)state;
	sale_begin(db, &s, 10, 2);
	sale_hold(db, &s);
	client_sale_abandon(db, cashier, &(struct sale){ .order_id = s.order_id });	/* the seats are free */
	lost = s.order_id;
	s.order_id = 1;
	client_sale_pay(db, cashier, &s, &how, &ans);
	if (ans.outcome != SALE_PAID)
		fail_msg("not paid: %s", ans.message);
	assert_true(s.order_id != 1 && s.order_id != lost);
	assert_non_null(strstr(ans.message, "The hold was lost in a database failover; the same seats are held again"));
	assert_int_equal(payments_of(s.order_id), 1);
	assert_int_equal(seat_status(db, s.showtime_id, s.seats[1]), SEAT_SOLD);

	sale_begin(db, &s, 10, 2);
	sale_hold(db, &s);
	client_sale_abandon(db, cashier, &(struct sale){ .order_id = s.order_id });
	s.order_id = 1;
	memset(&other, 0, sizeof other);
	other.showtime_id = s.showtime_id;
	strlcpy_m(other.seats[other.nseats++], s.seats[1], sizeof other.seats[0]);
	sale_hold(db, &other);	/* another terminal takes a seat meanwhile */
	client_sale_pay(db, cashier, &s, &how, &ans);
	assert_int_equal(ans.outcome, SALE_EXPIRED);
	assert_true(s.expired);
	if (strstr(ans.message, "could not be held again") == NULL || strstr(ans.message, s.seats[1]) == NULL)
		fail_msg("the taken seat %s is not named: %s", s.seats[1], ans.message);
	client_sale_abandon(db, cashier, &other);
	db_close(db);
}

/* A failed query gives words and logs the server's text; the listing and
 * the attract list come back as plain structs. */
static void
test_failure_words_and_lists(void **state)
{
	struct db *db = open_as("MARQUEE_TERM_DSN");
	struct listing_filter f = { .query = "", .day = -1 };
	struct showtimes shows;
	struct locations locs;
	char *words, *cause = NULL;

	(void)state;
	assert_null(db_exec(db, DB_ONCE, "SELECT 1 / 0", 0, NULL));
	words = client_failure(db, "unit test");
	assert_string_equal(words, "a value was not accepted");
	free(words);
	assert_int_equal(client_listing(db, &f, &shows, &cause), 0);
	assert_true(shows.n > 0);
	assert_true(shows.v[0].showtime_id > 0 && shows.v[0].title[0] != '\0' && shows.v[0].seats_total > 0);
	showtimes_free(&shows);
	f.query = "zzzz-no-such-film";
	assert_int_equal(client_listing(db, &f, &shows, &cause), 0);
	assert_int_equal(shows.n, 0);
	showtimes_free(&shows);
	assert_int_equal(client_attract(db, &shows, &cause), 0);
	assert_true(shows.n > 0 && shows.v[0].starts[0] != '\0');
	showtimes_free(&shows);
	assert_int_equal(client_locations(db, &locs, &cause), 0);
	assert_true(locs.n > 0 && locs.v[0].name[0] != '\0');
	if (locs.n > 0) {
		f.query = "";
		f.location_id = locs.v[0].location_id;
		f.time_of_day = "evening";
		f.day = 1;
		assert_int_equal(client_listing(db, &f, &shows, &cause), 0);
		for (int i = 0; i < shows.n; i++)
			assert_string_equal(shows.v[i].location, locs.v[0].name);
		showtimes_free(&shows);
	}
	locations_free(&locs);
	db_close(db);
}

/* Sign-ins, refusals, card outcomes, refused payments and reversals are in
 * the operational log; passwords and card numbers are not. */
static void
test_oplog(void **state)
{
	struct db *db = open_as("MARQUEE_TERM_DSN");
	struct person who;
	char *cause = NULL, *text;
	FILE *f;
	long len;

	(void)state;
	assert_int_equal(client_sign_in(db, "unit-client", true, "unit-client-nobody", "guess-me-1", &who, &cause), -1);
	assert_non_null(cause);
	free(cause);
	db_close(db);
	oplog_close();
	f = fopen(logpath, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = xcalloc(1, (size_t)len + 1);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	assert_non_null(strstr(text, "sign-in: staff login \"cashier\""));
	assert_non_null(strstr(text, "sign-in refused: staff login \"unit-client-nobody\""));
	assert_non_null(strstr(text, "card declined: order "));
	assert_non_null(strstr(text, "card approved: order "));
	assert_non_null(strstr(text, "last four 0259"));
	assert_non_null(strstr(text, "card unknown: order "));
	assert_non_null(strstr(text, "payment refused: order "));
	assert_non_null(strstr(text, "sale reversed: order "));
	assert_null(strstr(text, "cashier1"));
	assert_null(strstr(text, "guess-me-1"));
	assert_null(strstr(text, "4242424242424242"));
	assert_null(strstr(text, "4000000000000259"));
	assert_null(strstr(text, "$argon2"));
	free(text);
	oplog_open(logpath, "unit-client");
}

static int
setup(void **state)
{
	(void)state;
	snprintf(logpath, sizeof logpath, "/tmp/marquee-test-client-%d.log", (int)getpid());
	snprintf(carddir, sizeof carddir, "/tmp/marquee-test-client-card-%d", (int)getpid());
	unlink(logpath);
	oplog_open(logpath, "unit-client");
	return 0;
}

static int
teardown(void **state)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	(void)state;
	oplog_close();
	unlink(logpath);
	/* The test card's journal and its marks of calls in progress. */
	if ((d = opendir(carddir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", carddir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(carddir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cash_sale),
		cmocka_unit_test(test_card_sale),
		cmocka_unit_test(test_payment_answer_lost),
		cmocka_unit_test(test_hold_refused),
		cmocka_unit_test(test_payment_refused),
		cmocka_unit_test(test_hold_lost),
		cmocka_unit_test(test_failure_words_and_lists),
		cmocka_unit_test(test_oplog),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
