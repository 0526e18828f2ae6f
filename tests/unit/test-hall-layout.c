/* test-hall-layout.c - a hall's text layout: read into seats (labels
 * counted from the left, kinds, grid size), written back the same, and
 * refused with the line and place that is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hall-layout.h"

static const char sample[] =
    "# Marquee hall layout: a line a row, front first; s standard, p premium,\n"
    "# w wheelchair, c companion, x blocked, . no seat. Seats are numbered from the left.\n"
    "cinema: Marquee Riverside\n"
    "hall: Studio 9\n"
    "A  xxs.ss\n"
    "-  ......\n"
    "B  wcp.pp\n";

static void
test_read(void **state)
{
	struct hall_layout h;
	char *cause = NULL;

	(void)state;
	assert_int_equal(hall_layout_parse(sample, strlen(sample), &h, &cause), 0);
	assert_string_equal(h.cinema, "Marquee Riverside");
	assert_string_equal(h.hall, "Studio 9");
	assert_int_equal(h.rows, 3);
	assert_int_equal(h.cols, 6);
	assert_int_equal(h.n, 10);
	assert_string_equal(h.seats[0].label, "A1");
	assert_string_equal(h.seats[0].kind, "blocked");
	assert_string_equal(h.seats[3].label, "A4");	/* after the aisle, still counted from the left */
	assert_int_equal(h.seats[3].col, 5);
	assert_string_equal(h.seats[5].label, "B1");
	assert_int_equal(h.seats[5].row, 3);
	assert_string_equal(h.seats[5].kind, "wheelchair");
	assert_string_equal(h.seats[7].kind, "premium");
	hall_layout_free(&h);
}

static void
test_round_trip(void **state)
{
	struct hall_layout h;
	char *cause = NULL, *text;

	(void)state;
	assert_int_equal(hall_layout_parse(sample, strlen(sample), &h, &cause), 0);
	text = hall_layout_format(&h, &cause);
	assert_non_null(text);
	assert_string_equal(text, sample);
	free(text);
	/* Labels the text cannot say are refused, not written wrong. */
	strcpy(h.seats[3].label, "A9");
	assert_null(hall_layout_format(&h, &cause));
	assert_non_null(strstr(cause, "seat A9"));
	free(cause);
	hall_layout_free(&h);
}

/* The words of the refusal of text. */
static char *
refusal(const char *text)
{
	struct hall_layout h;
	char *cause = NULL;

	assert_int_equal(hall_layout_parse(text, strlen(text), &h, &cause), -1);
	assert_int_equal(h.n, 0);
	hall_layout_free(&h);
	return cause;
}

static void
test_refused(void **state)
{
	static const struct {
		const char *text, *says;
	} bad[] = {
		{ "cinema: C\nhall: H\nA  ss?s\n", "line 3, place 3: '?' is not a place" },
		{ "cinema: C\nhall: H\na  ss\n", "line 3: a row starts with its name" },
		{ "cinema: C\nhall: H\nAAA ss\n", "line 3: the row's name, a space" },
		{ "cinema: C\nhall: H\n-  s\n", "line 3: a row named \"-\" has no seats" },
		{ "cinema: C\nA  ss\n", "no cinema: or hall: line" },
		{ "cinema: C\nhall: H\n", "no seats" },
		{ "cinema: \nhall: H\nA s\n", "line 1: a name of 1 to 100" },
		{ "cinema: C\nhall: H\nA s\0s\n", "line 3: not text" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause;

		if (i == sizeof bad / sizeof bad[0] - 1) {
			struct hall_layout h;
			static const char nul[] = "cinema: C\nhall: H\nA s\0s\n";

			cause = NULL;
			assert_int_equal(hall_layout_parse(nul, sizeof nul - 1, &h, &cause), -1);
			hall_layout_free(&h);
		} else
			cause = refusal(bad[i].text);
		assert_non_null(strstr(cause, bad[i].says));
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
