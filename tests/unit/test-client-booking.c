/* test-client-booking.c - the after-sale client against the real test
 * cluster (tests/run.sh exports MARQUEE_OWNER_DSN and MARQUEE_TERM_DSN):
 * a walk-up booking held and paid at the counter by the cashier's session,
 * by a real test-terminal card charge and cash, is found by
 * its code (lower case, no dash) and not by a mistyped one, loaded with its
 * seats, tenders and history, refunded a seat at a time back to the card
 * through the card terminal (once per key, settled in the database) and
 * then to the cash. A kiosk collection's proof is checked before it is
 * sent: four digits, or an e-mail address that has a domain. */
#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card.h"
#include "client-account.h"
#include "client-booking.h"
#include "ids.h"
#include "util.h"
#include "test-pg.h"
#include "test-card-dir.h"

/* The first value of a query run as owner with up to one parameter, as a
 * new string. */
static char *
owner_value(const char *sql, const char *param)
{
	struct db *owner = open_as("MARQUEE_OWNER_DSN");
	const char *p[1] = { param };
	char *v = value_on(owner, sql, param != NULL ? 1 : 0, p);

	db_close(owner);
	return v;
}

static void
test_find_load_refund(void **state)
{
	struct db *db = open_as("MARQUEE_TERM_DSN");
	struct card_terminal card;
	struct card_result r;
	struct person who;
	struct found_list found;
	struct booking_view view;
	struct refund_answer ans;
	char *cause = NULL, *order, *code, *v, lower[16], typo[16], rid[37] = "", json[512], key[48];
	const char *seat1[1];
	int refunds0;

	(void)state;
	assert_int_equal(card_open(&card, "test", carddir, &cause), 0);
	if (client_sign_in(db, "unit-booking", true, "cashier", "cashier1", &who, &cause) != 0)
		fail_msg("sign-in: %s", cause);

	/* Three seats four days ahead, held by the cashier at the counter:
	 * 10.00 cash, the rest by a real charge. */
	{
		const char *p[1] = { who.session };

		order = value_on(db, "SELECT order_id FROM api.select_seat($1, (SELECT showtime_id FROM"
		                 " api.listing_filtered('', NULL, NULL, current_date + 4) ORDER BY starts_at, showtime_id"
		                 " LIMIT 1), ARRAY(SELECT m.seat FROM api.seat_map((SELECT showtime_id FROM"
		                 " api.listing_filtered('', NULL, NULL, current_date + 4) ORDER BY starts_at, showtime_id"
		                 " LIMIT 1)) m WHERE m.status = 'available' AND m.kind = 'standard' ORDER BY m.seat LIMIT 3))",
		                 1, p);
		assert_true(order[0] != '\0');
	}
	v = owner_value("SELECT total_cents - 1000 FROM core.orders WHERE order_id = $1::bigint", order);
	snprintf(key, sizeof key, "unit-booking-%s", order);
	card_present(&card, "");
	assert_int_equal(card_pay(&card, key, atoll(v), "USD", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	snprintf(json, sizeof json, "{\"method\":\"split\",\"parts\":[{\"method\":\"cash\",\"amount_cents\":1000},"
	         "{\"method\":\"card\",\"amount_cents\":%s,\"last4\":\"%s\",\"auth_code\":\"%s\",\"terminal_ref\":\"%s\","
	         "\"brand\":\"%s\"}]}", v, r.last4, r.auth_code, r.terminal_ref, r.brand);
	free(v);
	{
		const char *p[3] = { who.session, order, json };

		v = value_on(db, "SELECT payment_status FROM api.payment($1, $2::bigint, $3::jsonb)", 3, p);
		assert_string_equal(v, "success");
		free(v);
	}
	code = owner_value("SELECT booking_code FROM core.orders WHERE order_id = $1::bigint", order);

	/* Found by its code typed in lower case without the dash. */
	for (size_t i = 0; i <= strlen(code); i++)
		lower[i] = (char)tolower((unsigned char)code[i]);
	assert_int_equal(client_find_bookings(db, who.session, lower, &found, &cause), 1);
	assert_string_equal(found.v[0].code, code);
	assert_string_equal(found.v[0].status, "success");
	assert_int_equal(found.v[0].order_id, atoll(order));
	found_list_free(&found);
	/* A mistyped code is said to be one. */
	snprintf(typo, sizeof typo, "%c%s", code[0] == 'A' ? 'B' : 'A', code + 1);
	assert_int_equal(client_find_bookings(db, who.session, typo, &found, &cause), -1);
	assert_non_null(strstr(cause, "mistyped"));
	free(cause);
	cause = NULL;
	/* A dead session finds nothing. */
	assert_int_equal(client_find_bookings(db, "not-a-session", code, &found, &cause), 0);
	found_list_free(&found);
	assert_int_equal(client_find_bookings(db, who.session, code, &found, &cause), 1);

	/* Its seats, tenders and history. */
	if (client_booking_load(db, who.session, &found.v[0], &view, &cause) != 0)
		fail_msg("booking load: %s", cause);
	assert_int_equal(view.nseats, 3);
	assert_string_equal(view.seats[0].state, "sold");
	assert_int_equal(view.ntenders, 2);
	assert_non_null(strstr(view.tenders[1], "Card TESTCARD ****4242"));
	assert_true(view.nhistory >= 3);
	assert_int_equal(view.cards_owed, 0);

	/* One seat back: all of it to the card, through the card terminal. */
	refunds0 = journal_refunds();
	seat1[0] = view.seats[0].seat;
	{
		struct refund_ask ask = { .session = who.session, .order_id = found.v[0].order_id, .seats = seat1,
		                          .nseats = 1, .reason = "unit", .rid = rid, .card = &card, .currency = "USD" };

		assert_int_equal(client_refund(db, &ask, &ans), 0);
		assert_int_equal(ans.outcome, REFUND_DONE);
		assert_int_equal(ans.cash_cents, 0);
		assert_int_equal(ans.refunded_cents, view.seats[0].price_cents);
		assert_non_null(strstr(ans.message, "back to card ending 4242"));
		assert_int_equal(journal_refunds(), refunds0 + 1);
		v = owner_value("SELECT string_agg(c.state, ',') FROM core.refund_card c JOIN core.refund r USING (refund_id)"
		                " WHERE r.order_id = $1::bigint", order);
		assert_string_equal(v, "done");
		free(v);
		/* Asking again refunds nothing more. */
		char msg[200] = "";
		assert_int_equal(client_booking_cards(db, who.session, found.v[0].order_id, &card, msg, sizeof msg), 0);
		assert_int_equal(journal_refunds(), refunds0 + 1);

		/* The rest: what is left on the card, then cash. */
		ask.seats = NULL;
		ask.nseats = 0;
		assert_int_equal(client_refund(db, &ask, &ans), 0);
		assert_int_equal(ans.outcome, REFUND_DONE);
		assert_int_equal(ans.cash_cents, 1000);
		assert_non_null(strstr(ans.message, "Give $10.00 cash"));
		assert_int_equal(journal_refunds(), refunds0 + 2);
		/* And again: already refunded, nothing moves. */
		assert_int_equal(client_refund(db, &ask, &ans), 0);
		assert_int_equal(ans.outcome, REFUND_REFUSED);
		assert_non_null(strstr(ans.message, "already refunded"));
	}
	v = owner_value("SELECT (SELECT sum(amount_cents) FROM core.refund WHERE order_id = $1::bigint)"
	                " = (SELECT sum(amount_cents) FROM core.payment WHERE order_id = $1::bigint)", order);
	assert_string_equal(v, "t");
	free(v);

	booking_view_free(&view);
	found_list_free(&found);
	client_sign_out(db, &who);
	card_close(&card);
	free(order);
	free(code);
	db_close(db);
}

/* The proofs a kiosk refuses before asking the database (which is not
 * reached: db is NULL). Returns the words said for code and proof. */
static char *
collect_words(const char *code, const char *proof)
{
	char *cause = NULL;

	assert_int_equal(client_booking_collect(NULL, NULL, "session", code, proof, &cause), -1);
	assert_non_null(cause);
	return cause;
}

static void
test_collect_proof_shape(void **state)
{
	char code[BOOKCODE_LEN + 1], *said;

	(void)state;
	assert_int_equal(bookcode_encode(123456789, code), 0);
	said = collect_words(code, "424");
	assert_non_null(strstr(said, "last four digits of the card that paid, or the e-mail"));
	free(said);
	said = collect_words(code, "pat@example");
	assert_non_null(strstr(said, "e-mail address is not complete"));
	free(said);
	said = collect_words(code, "@example.com");
	assert_non_null(strstr(said, "e-mail address is not complete"));
	free(said);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect_proof_shape),
		cmocka_unit_test(test_find_load_refund),
	};

	return cmocka_run_group_tests(tests, carddir_setup, carddir_teardown);
}
