/* test-client-exchange.c - the exchange client against the real test
 * cluster (tests/run.sh exports MARQUEE_OWNER_DSN and MARQUEE_TERM_DSN): a
 * premium seat paid by a real test-terminal card charge moves to a
 * standard seat of the same show held by the cashier's session; the
 * difference goes back to the card through the card terminal, once, and is
 * settled in the database; the shows offered put the film's next show
 * first; the exchanged booking cannot be exchanged again. */
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

#include "card.h"
#include "client-account.h"
#include "client-exchange.h"
#include "util.h"
#include "test-pg.h"
#include "test-card-dir.h"

/* A show nine days ahead with a free premium seat (no other test sells it). */
#define SHOW "(SELECT l.showtime_id FROM api.listing_filtered('', NULL, NULL, current_date + 9) l" \
	" WHERE EXISTS (SELECT 1 FROM api.seat_map(l.showtime_id) m WHERE m.kind = 'premium'" \
	" AND m.status = 'available') ORDER BY l.starts_at, l.showtime_id LIMIT 1)"

static void
test_exchange_cheaper_to_card(void **state)
{
	struct db *db = open_as("MARQUEE_TERM_DSN"), *owner = open_as("MARQUEE_OWNER_DSN");
	struct card_terminal card;
	struct card_result r;
	struct person who;
	struct exchange_shows shows;
	struct exchange_answer ans;
	char *cause = NULL, *order, *fresh, *v, rid[37] = "", json[512], key[48];
	int refunds0;

	(void)state;
	assert_int_equal(card_open(&card, "test", carddir, &cause), 0);
	if (client_sign_in(db, "unit-exchange", true, "cashier", "cashier1", &who, &cause) != 0)
		fail_msg("sign-in: %s", cause);
	{
		const char *p[1] = { who.session };

		order = value_on(db, "SELECT order_id FROM api.select_seat($1, " SHOW ", ARRAY(SELECT m.seat FROM"
		                 " api.seat_map(" SHOW ") m WHERE m.status = 'available' AND m.kind = 'premium'"
		                 " ORDER BY m.seat LIMIT 1))", 1, p);
		assert_true(order[0] != '\0');
	}
	/* Paid by a real charge of the test card terminal. */
	{
		const char *p[1] = { order };

		v = value_on(owner, "SELECT total_cents FROM core.orders WHERE order_id = $1::bigint", 1, p);
	}
	snprintf(key, sizeof key, "unit-exchange-%s", order);
	card_present(&card, "");
	assert_int_equal(card_pay(&card, key, atoll(v), "USD", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	snprintf(json, sizeof json, "{\"method\":\"card\",\"amount_cents\":%s,\"last4\":\"%s\",\"auth_code\":\"%s\","
	         "\"terminal_ref\":\"%s\",\"brand\":\"%s\"}", v, r.last4, r.auth_code, r.terminal_ref, r.brand);
	free(v);
	{
		const char *p[3] = { who.session, order, json };

		v = value_on(db, "SELECT payment_status FROM api.payment($1, $2::bigint, $3::jsonb)", 3, p);
		assert_string_equal(v, "success");
		free(v);
	}

	/* The shows it may move to: its own film first. */
	assert_true(client_exchange_shows(db, who.session, atoll(order), &shows, &cause) > 0);
	assert_true(shows.v[0].same_film);
	assert_non_null(shows.v[0].title);
	exchange_shows_free(&shows);
	assert_int_equal(client_exchange_shows(db, "not-a-session", atoll(order), &shows, &cause), 0);
	exchange_shows_free(&shows);

	/* A standard seat of the same show, held by this session: 3.00 back. */
	{
		const char *p[1] = { who.session };

		fresh = value_on(db, "SELECT order_id FROM api.select_seat($1, " SHOW ", ARRAY(SELECT m.seat FROM"
		                 " api.seat_map(" SHOW ") m WHERE m.status = 'available' AND m.kind = 'standard'"
		                 " ORDER BY m.seat LIMIT 1))", 1, p);
		assert_true(fresh[0] != '\0');
	}
	refunds0 = journal_refunds();
	{
		struct exchange_ask ask = { .session = who.session, .order_id = atoll(order),
		                            .new_order_id = atoll(fresh), .reason = "unit", .rid = rid, .card = &card,
		                            .currency = "USD" };

		assert_int_equal(client_exchange(db, &ask, &ans), 0);
		assert_int_equal(ans.outcome, REFUND_DONE);
		assert_int_equal(ans.old_cents - ans.new_cents, 300);
		assert_int_equal(ans.refunded_cents, 300);
		assert_int_equal(ans.due_cents, 0);
		assert_non_null(strstr(ans.message, "$3.00 back"));
		assert_non_null(strstr(ans.message, "back to card ending 4242"));
		assert_int_equal(journal_refunds(), refunds0 + 1);
		assert_string_equal(rid, "");

		/* Once exchanged, the booking has nothing left to move. */
		ask.new_order_id = atoll(fresh);
		assert_int_equal(client_exchange(db, &ask, &ans), 0);
		assert_int_equal(ans.outcome, REFUND_REFUSED);
		assert_non_null(strstr(ans.message, "only a paid booking"));
		assert_int_equal(journal_refunds(), refunds0 + 1);
	}
	{
		const char *p[2] = { order, fresh };

		v = value_on(owner, "SELECT (SELECT string_agg(c.state, ',') FROM core.refund_card c JOIN core.refund r"
		             " USING (refund_id) WHERE r.order_id = $1::bigint) || ' ' || (SELECT status FROM core.orders"
		             " WHERE order_id = $1::bigint) || ' ' || (SELECT status FROM core.orders"
		             " WHERE order_id = $2::bigint)", 2, p);
		assert_string_equal(v, "done exchanged success");
		free(v);
	}

	client_sign_out(db, &who);
	card_close(&card);
	free(order);
	free(fresh);
	db_close(owner);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exchange_cheaper_to_card),
	};

	return cmocka_run_group_tests(tests, carddir_setup, carddir_teardown);
}
