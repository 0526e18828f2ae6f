/* test-config.c - kiosk.conf parser: good files, and bad ones refused with file, line and reason;
 * the bounded whole-file reader it shares with db migrate and hall import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

static void
test_defaults(void **state)
{
	struct config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(cfg.mode, MODE_COUNTER);
	assert_int_equal(cfg.hold_minutes, 8);
	assert_string_equal(cfg.currency, "USD");
	assert_string_equal(cfg.dsn, "");
	assert_int_equal(cfg.printer_driver, DRIVER_PS);
	assert_true(strlen(cfg.terminal) > 0);
	config_free(&cfg);
}

static void
test_full_file(void **state)
{
	struct config cfg;
	char *cause = NULL;
	const char *text =
	    "# a comment\n"
	    "\n"
	    "terminal = lobby-2   # trailing comment\n"
	    "mode=kiosk\n"
	    "  dsn = \"host=db1,db2 dbname=m # not a comment\"\n"
	    "hold_minutes = 5\n"
	    "currency = EUR\n"
	    "printer_queue = Boca_1\n"
	    "printer_driver = fgl\n"
	    "receipt_queue = receipt\n"
	    "print_wait = 7\n"
	    "signing_key = /etc/marquee/k.key\n"
	    "public_key = /etc/marquee/k.pub\n"
	    "idle_seconds = 45\n"
	    "logout_minutes = 10\n"
	    "card_driver = test\n"
	    "card_state = /var/lib/marquee-2/card\n"
	    "location_id = 2\n"
	    "sendmail = \"/usr/bin/msmtp -t \\\"x\\\"\"\n";

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_parse(&cfg, text, "t.conf", &cause), 0);
	assert_null(cause);
	assert_string_equal(cfg.terminal, "lobby-2");
	assert_int_equal(cfg.mode, MODE_KIOSK);
	assert_string_equal(cfg.dsn, "host=db1,db2 dbname=m # not a comment");
	assert_int_equal(cfg.hold_minutes, 5);
	assert_string_equal(cfg.currency, "EUR");
	assert_string_equal(cfg.printer_queue, "Boca_1");
	assert_int_equal(cfg.printer_driver, DRIVER_FGL);
	assert_string_equal(cfg.receipt_queue, "receipt");
	assert_int_equal(cfg.print_wait, 7);
	assert_string_equal(cfg.signing_key, "/etc/marquee/k.key");
	assert_string_equal(cfg.public_key, "/etc/marquee/k.pub");
	assert_int_equal(cfg.idle_seconds, 45);
	assert_int_equal(cfg.logout_minutes, 10);
	assert_int_equal(cfg.location_id, 2);
	assert_string_equal(cfg.card_state, "/var/lib/marquee-2/card");
	assert_string_equal(cfg.sendmail, "/usr/bin/msmtp -t \"x\"");
	config_free(&cfg);
}

/* Each bad line must be refused with "name:LINE: reason". */
static void
expect_error(const char *text, const char *where, const char *words)
{
	struct config cfg;
	char *cause = NULL;

	config_defaults(&cfg);
	assert_int_equal(config_parse(&cfg, text, "k.conf", &cause), -1);
	assert_non_null(cause);
	if (strncmp(cause, where, strlen(where)) != 0 || strstr(cause, words) == NULL)
		fail_msg("for %s got \"%s\", wanted %s...%s", text, cause, where, words);
	free(cause);
	config_free(&cfg);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("mode = counter\nmode = lobby\n", "k.conf:2:", "counter or kiosk");
	expect_error("hold_minutes = 0\n", "k.conf:1:", "1 to 30");
	expect_error("hold_minutes = 31\n", "k.conf:1:", "1 to 30");
	expect_error("hold_minutes = 5x\n", "k.conf:1:", "1 to 30");
	expect_error("hold_minutes =\n", "k.conf:1:", "1 to 30");
	expect_error("# ok\n\ncolour = blue\n", "k.conf:3:", "unknown setting \"colour\"");
	expect_error("terminal\n", "k.conf:1:", "key = value");
	expect_error("terminal = has space\n", "k.conf:1:", "letters, digits");
	expect_error("terminal = 123456789012345678901234567890123\n", "k.conf:1:", "1 to 32");
	expect_error("currency = usd\n", "k.conf:1:", "ISO 4217");
	expect_error("currency = EURO\n", "k.conf:1:", "ISO 4217");
	expect_error("printer_driver = zpl\n", "k.conf:1:", "ps, escpos or fgl");
	expect_error("dsn = \"host=x\n", "k.conf:1:", "unterminated");
	expect_error("dsn = \"host=x\" y\n", "k.conf:1:", "after the closing quote");
	expect_error("idle_seconds = 5\n", "k.conf:1:", "10 to 3600");
	expect_error("print_wait = 121\n", "k.conf:1:", "0 to 120");
	expect_error("location_id = -1\n", "k.conf:1:", "cinema number");
	expect_error("card_driver = acme\n", "k.conf:1:", "test");
	expect_error("signing_key =\n", "k.conf:1:", "file name");
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/marquee-test-conf-XXXXXX";
	int fd = mkstemp(path);
	struct config cfg;
	char *cause = NULL;
	static const char bin[] = "mode = kiosk\n\0junk\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "mode = kiosk\nhold_minutes = 3", 29), 29);
	close(fd);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, &cause), 0);
	assert_int_equal(cfg.mode, MODE_KIOSK);
	assert_int_equal(cfg.hold_minutes, 3);
	assert_string_equal(cfg.path, path);
	config_free(&cfg);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bin, sizeof bin - 1), (ssize_t)(sizeof bin - 1));
	close(fd);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, &cause), -1);
	assert_non_null(strstr(cause, "NUL"));
	free(cause);
	config_free(&cfg);
	unlink(path);

	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, "/nonexistent/kiosk.conf", &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/kiosk.conf: No such file"));
	free(cause);
	config_free(&cfg);
}

/* A file of exactly max bytes is read whole, one byte more is refused
 * (EFBIG), and a configuration file over 1 MiB says so. */
static void
test_read_bounds(void **state)
{
	char path[] = "/tmp/marquee-test-read-XXXXXX";
	int fd = mkstemp(path);
	char *big = xmalloc((1u << 20) + 1), *text, *cause = NULL;
	size_t len = 0;
	struct config cfg;

	(void)state;
	assert_true(fd >= 0);
	memset(big, '#', (1u << 20) + 1);
	assert_int_equal(write(fd, big, 10000), 10000);
	text = read_path(path, 10000, &len);
	assert_non_null(text);
	assert_int_equal(len, 10000);
	assert_int_equal(text[len], '\0');
	free(text);
	assert_null(read_path(path, 9999, &len));
	assert_int_equal(errno, EFBIG);
	assert_int_equal(write(fd, big, (1u << 20) + 1 - 10000), (ssize_t)((1u << 20) + 1 - 10000));
	close(fd);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, &cause), -1);
	assert_non_null(strstr(cause, "too large for a configuration file"));
	free(cause);
	config_free(&cfg);
	assert_null(read_path("/nonexistent/x", 10, &len));
	assert_int_equal(errno, ENOENT);
	unlink(path);
	free(big);
}

static void
test_find(void **state)
{
	(void)state;
	assert_string_equal(config_find("x.conf"), "x.conf");
	setenv("MARQUEE_CONFIG", "/some/where.conf", 1);
	assert_string_equal(config_find(NULL), "/some/where.conf");
	unsetenv("MARQUEE_CONFIG");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_read_bounds),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
