/* test-drawer.c - the drawer kick bytes, "no queue" meaning no drawer, and
 * a drawer that does not open leaving a line in the operational log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drawer.h"
#include "oplog.h"

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

static void
test_unreachable_logged(void **state)
{
	char path[] = "/tmp/marquee-drawer-XXXXXX", line[1024] = "", *cause = NULL;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	setenv("CUPS_SERVER", "127.0.0.1:1", 1);	/* nothing listens there */
	oplog_open(path, "counter-2");
	assert_int_equal(drawer_open("front-receipt", &cause), -1);
	oplog_close();
	assert_non_null(cause);
	assert_non_null(strstr(cause, "front-receipt"));
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_non_null(strstr(line, " counter-2 error: printer: the cash drawer did not open through "
	                             "queue front-receipt"));
	free(cause);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_no_queue),
		cmocka_unit_test(test_unreachable_logged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
