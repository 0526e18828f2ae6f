/* test-drawer.c - the drawer kick bytes, and "no queue" meaning no drawer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "drawer.h"

static void
test_command(void **state)
{
	unsigned char b[8];

	(void)state;
	assert_int_equal(drawer_command(b, 0), 5);
	assert_int_equal(b[0], 0x1b);
	assert_int_equal(b[1], 'p');
	assert_int_equal(b[2], 0);
	assert_true(b[3] > 0 && b[4] >= b[3]);
	drawer_command(b, 1);
	assert_int_equal(b[2], 1);
}

static void
test_no_queue(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_int_equal(drawer_open(NULL, &cause), 0);
	assert_int_equal(drawer_open("", &cause), 0);
	assert_null(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_no_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
