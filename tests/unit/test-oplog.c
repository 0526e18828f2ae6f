/* test-oplog.c - the operational log to a file: one line an event with time,
 * terminal and priority, control characters neutralised, long lines cut,
 * and the kiosk.conf setting that chooses it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "oplog.h"
#include "util.h"

/* The file's lines, joined; caller frees. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xcalloc(1, 8192);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, 8191, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_file(void **state)
{
	char path[] = "/tmp/marquee-oplog-XXXXXX", *text, *nl, big[2000];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	oplog_open(path, "kiosk-3");
	oplog(LOG_WARNING, "printer '%s' is out of paper", "front");
	oplog(LOG_NOTICE, "sign-in refused for '%s'", "evil\nkiosk-3 notice: forged");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	oplog(LOG_INFO, "%s", big);
	oplog_close();

	text = slurp(path);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	assert_non_null(strstr(text, " kiosk-3 warning: printer 'front' is out of paper\n"));
	/* the typed newline did not make a second line */
	assert_non_null(strstr(text, "sign-in refused for 'evil?kiosk-3 notice: forged'\n"));
	assert_null(strstr(text, "\nkiosk-3 notice"));
	/* three lines: the long one was cut, not split */
	assert_int_equal((int)(strchr(nl + 1, '\n') != NULL), 1);
	assert_int_equal((int)strspn(strrchr(text, ' ') + 1, "x"), 899);
	free(text);
	unlink(path);
}

static void
test_off_and_setting(void **state)
{
	struct config cfg;
	char *cause = NULL;

	(void)state;
	config_defaults(&cfg);
	assert_string_equal(cfg.log, "syslog");
	assert_int_equal(config_parse(&cfg, "log = /var/log/marquee.log\n", "t", &cause), 0);
	assert_string_equal(cfg.log, "/var/log/marquee.log");
	assert_int_equal(config_parse(&cfg, "log = stderr\n", "t", &cause), 0);
	assert_int_equal(config_parse(&cfg, "log = relative.log\n", "t", &cause), -1);
	assert_non_null(strstr(cause, "absolute"));
	free(cause);
	config_free(&cfg);
	oplog_open("off", "t");
	oplog(LOG_ERR, "goes nowhere");
	oplog_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_off_and_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
