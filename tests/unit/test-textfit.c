/* test-textfit.c - fitting UTF-8 text into screen columns: never a
 * character cut in two, widths counted in columns, bad bytes shown as '?'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "textfit.h"

static void
test_ascii(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(textfit(out, sizeof out, "Static", 10, 1), 10);
	assert_string_equal(out, "Static    ");
	assert_int_equal(textfit(out, sizeof out, "Paper Tigers of Canal Street", 12, 1), 12);
	assert_string_equal(out, "Paper Tigers");
	assert_int_equal(textfit(out, sizeof out, "Static", 10, 0), 6);
	assert_string_equal(out, "Static");
	assert_int_equal(textfit(out, sizeof out, NULL, 3, 1), 3);
	assert_string_equal(out, "   ");
	assert_int_equal(textfit(out, sizeof out, "abc", 0, 1), 0);
	assert_string_equal(out, "");
}

static void
test_utf8(void **state)
{
	char out[64];

	(void)state;
	/* "Amélie" is 6 columns in 7 bytes: padded to 8 columns, not 8 bytes */
	assert_int_equal(textfit(out, sizeof out, "Am\xc3\xa9lie", 8, 1), 8);
	assert_string_equal(out, "Am\xc3\xa9lie  ");
	/* cut after the é, never inside it */
	assert_int_equal(textfit(out, sizeof out, "Am\xc3\xa9lie", 3, 1), 3);
	assert_string_equal(out, "Am\xc3\xa9");
	/* a four-byte character (an emoji) stays whole: where the locale
	 * cannot tell its width (C) it counts one column */
	setlocale(LC_CTYPE, "C");
	assert_int_equal(textfit(out, sizeof out, "ab\xf0\x9f\x8e\xac", 3, 0), 3);
	assert_string_equal(out, "ab\xf0\x9f\x8e\xac");
}

static void
test_wide(void **state)
{
	char out[64];

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	/* 千と千尋: four wide characters, eight columns */
	assert_int_equal(textfit(out, sizeof out, "\xe5\x8d\x83\xe3\x81\xa8\xe5\x8d\x83\xe5\xb0\x8b", 5, 1), 5);
	assert_string_equal(out, "\xe5\x8d\x83\xe3\x81\xa8 ");	/* two of them and a space */
	/* the emoji is two columns here: with three, it goes whole */
	assert_int_equal(textfit(out, sizeof out, "ab\xf0\x9f\x8e\xac", 3, 0), 2);
	assert_string_equal(out, "ab");
	/* a combining accent takes no column of its own */
	assert_int_equal(textfit(out, sizeof out, "e\xcc\x81te", 3, 1), 3);
	assert_string_equal(out, "e\xcc\x81te");
	setlocale(LC_CTYPE, "C");
}

static void
test_bad_bytes(void **state)
{
	char out[64];

	(void)state;
	/* a lone continuation byte, a cut sequence, an overlong '/', a control */
	assert_int_equal(textfit(out, sizeof out, "a\x80" "b\xc3" "c\xc0\xaf" "d\x1b[31m", 20, 0), 13);
	assert_string_equal(out, "a?b?c??d?[31m");
	/* a surrogate encoded in UTF-8 is not text */
	assert_int_equal(textfit(out, sizeof out, "\xed\xa0\x80x", 5, 0), 4);
	assert_string_equal(out, "???x");
}

static void
test_small_buffer(void **state)
{
	char out[5];

	(void)state;
	/* the buffer, not the columns, runs out: still whole characters */
	assert_int_equal(textfit(out, sizeof out, "\xc3\xa9\xc3\xa9\xc3\xa9", 10, 1), 2);
	assert_string_equal(out, "\xc3\xa9\xc3\xa9");
	assert_int_equal(textfit(out, 1, "abc", 10, 1), 0);
	assert_string_equal(out, "");
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid(""));
	assert_true(utf8_valid("Am\xc3\xa9lie"));
	assert_true(utf8_valid("\xe5\x8d\x83\xf0\x9f\x8e\xac"));
	assert_false(utf8_valid("Am\xc3"));		/* é half typed */
	assert_false(utf8_valid("\xe5\x8d"));
	assert_false(utf8_valid("\xe9l"));		/* Latin-1 é */
	assert_false(utf8_valid("\xc0\xaf"));		/* overlong */
	assert_false(utf8_valid("\xed\xa0\x80"));	/* surrogate */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_wide),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
