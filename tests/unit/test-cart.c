/* test-cart.c - cart lines, ticket type cycling, change due and split payments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cart.h"

static void
setup_cart(struct cart *c)
{
	memset(c, 0, sizeof *c);
	assert_int_equal(cart_add_type(c, "adult", "Adult", 1250), 0);
	assert_int_equal(cart_add_type(c, "child", "Child", 850), 0);
	assert_int_equal(cart_add_type(c, "senior", "Senior", 950), 0);
}

static void
test_lines_and_sum(void **state)
{
	struct cart c;

	(void)state;
	setup_cart(&c);
	assert_int_equal(cart_add(&c, "F7", "adult", 1250), 0);
	assert_int_equal(cart_add(&c, "F8", "child", 850), 0);
	assert_int_equal(cart_add(&c, "F8", "adult", 1250), -1);	/* same seat twice */
	assert_int_equal(cart_add(&c, "F9", "adult", -1), -1);
	assert_int_equal(c.n, 2);
	assert_int_equal(cart_sum(&c), 2100);
	assert_int_equal(cart_count_type(&c, "adult"), 1);
	c.total_cents = 2100;
	c.paid_cents = 1000;
	assert_int_equal(cart_due(&c), 1100);
	c.paid_cents = 3000;
	assert_int_equal(cart_due(&c), 0);
	cart_clear(&c);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.ntypes, 3);
}

static void
test_full(void **state)
{
	struct cart c;
	char seat[16];

	(void)state;
	setup_cart(&c);
	for (int i = 0; i < CART_MAX_SEATS; i++) {
		snprintf(seat, sizeof seat, "A%d", i + 1);
		assert_int_equal(cart_add(&c, seat, "adult", 100), 0);
	}
	assert_int_equal(cart_add(&c, "B1", "adult", 100), -1);
	assert_int_equal(cart_sum(&c), 100 * CART_MAX_SEATS);
}

static void
test_cycle_type(void **state)
{
	struct cart c;

	(void)state;
	setup_cart(&c);
	assert_int_equal(cart_add(&c, "F7", "adult", 1250), 0);
	assert_string_equal(cart_cycle_type(&c, 0, 1), "child");
	assert_string_equal(cart_cycle_type(&c, 0, -1), "senior");
	strcpy(c.line[0].type, "senior");
	assert_string_equal(cart_cycle_type(&c, 0, 1), "adult");
	assert_null(cart_cycle_type(&c, 1, 1));
	assert_int_equal(cart_type_index(&c, "child"), 1);
	assert_int_equal(cart_type_index(&c, "dog"), -1);
}

static void
test_change(void **state)
{
	long long change = -1;

	(void)state;
	assert_int_equal(cash_change(2500, 2500, &change), 0);
	assert_int_equal(change, 0);
	assert_int_equal(cash_change(2500, 5000, &change), 0);
	assert_int_equal(change, 2500);
	assert_int_equal(cash_change(1899, 2000, &change), 0);
	assert_int_equal(change, 101);
	change = 7;
	assert_int_equal(cash_change(2500, 2499, &change), -1);
	assert_int_equal(change, 7);
	assert_int_equal(cash_change(-1, 0, &change), -1);
}

static void
test_split(void **state)
{
	long long card = -1;

	(void)state;
	assert_int_equal(split_parts(2500, 1000, &card), 0);
	assert_int_equal(card, 1500);
	assert_int_equal(split_parts(2500, 2499, &card), 0);
	assert_int_equal(card, 1);
	assert_int_equal(split_parts(2500, 2500, &card), -1);	/* all cash: not a split */
	assert_int_equal(split_parts(2500, 0, &card), -1);
	assert_int_equal(split_parts(2500, 3000, &card), -1);
}

static void
test_money(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(cart_money(buf, sizeof buf, 2500, "USD"), "$25.00");
	assert_string_equal(cart_money(buf, sizeof buf, 5, "USD"), "$0.05");
	assert_string_equal(cart_money(buf, sizeof buf, 1999, "EUR"), "EUR 19.99");
	assert_string_equal(cart_money(buf, sizeof buf, 100, "JPY"), "1.00 JPY");
	assert_string_equal(cart_money(buf, sizeof buf, -250, "USD"), "$-2.50");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_and_sum),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_cycle_type),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_money),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
