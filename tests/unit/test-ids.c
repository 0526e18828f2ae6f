/* test-ids.c - snowflake ids, booking codes, money formatting and parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "util.h"

static void
test_snowflake_roundtrip(void **state)
{
	struct snowflake s;
	int64_t id;

	(void)state;
	id = snowflake_make(SNOWFLAKE_EPOCH_MS + 123456789, 1, 42);
	assert_true(id > 0);
	assert_int_equal(snowflake_split(id, &s), 0);
	assert_int_equal(s.ms, SNOWFLAKE_EPOCH_MS + 123456789);
	assert_int_equal(s.node, 1);
	assert_int_equal(s.seq, 42);
	/* Layout: time in the top bits, then node, then sequence. */
	assert_int_equal(id, (123456789LL << 22) | (1 << 12) | 42);
	/* Later ids sort later, whatever the node and sequence. */
	assert_true(snowflake_make(SNOWFLAKE_EPOCH_MS + 2, 0, 0) >
	            snowflake_make(SNOWFLAKE_EPOCH_MS + 1, 1023, 4095));
	assert_int_equal(snowflake_make(SNOWFLAKE_EPOCH_MS - 1, 0, 0), -1);
	assert_int_equal(snowflake_make(SNOWFLAKE_EPOCH_MS, 1024, 0), -1);
	assert_int_equal(snowflake_make(SNOWFLAKE_EPOCH_MS, 0, 4096), -1);
	assert_int_equal(snowflake_make(SNOWFLAKE_EPOCH_MS + (1LL << 41), 0, 0), -1);
	assert_int_equal(snowflake_split(-5, &s), -1);
}

static void
test_bookcode_known(void **state)
{
	char code[BOOKCODE_LEN + 1], pretty[BOOKCODE_LEN + 2];
	uint64_t v = 0;

	(void)state;
	assert_int_equal(bookcode_encode(0, code), 0);
	assert_string_equal(code, "000000000");
	/* Weights a^1..a^8 are 2 4 8 16 5 10 20 13. 32 = "10": a 1 at the
	 * seventh place weighs 20 -> 'M'. */
	assert_int_equal(bookcode_encode(32, code), 0);
	assert_string_equal(code, "00000010M");
	/* A 1 at the eighth place weighs 13 -> 'D'. */
	assert_int_equal(bookcode_encode(1, code), 0);
	assert_string_equal(code, "00000001D");
	/* 31 times the sum of the weights (8) -> 3. */
	assert_int_equal(bookcode_encode((1ULL << 40) - 1, code), 0);
	assert_string_equal(code, "ZZZZZZZZ3");
	assert_int_equal(bookcode_encode(1ULL << 40, code), -1);
	assert_int_equal(bookcode_parse("zzzz-zzzz 3", code, &v), 0);
	assert_int_equal(v, (1ULL << 40) - 1);
	bookcode_pretty(code, pretty);
	assert_string_equal(pretty, "ZZZZ-ZZZZ3");
	/* Every check symbol is one of the 32 letters and digits people read. */
	for (uint64_t x = 0; x < 4096; x++) {
		assert_int_equal(bookcode_encode(x * 268435399ULL, code), 0);
		assert_non_null(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", code[8]));
	}
}

static void
test_bookcode_roundtrip_and_typos(void **state)
{
	char code[BOOKCODE_LEN + 1], back[BOOKCODE_LEN + 1], typo[BOOKCODE_LEN + 1];
	uint64_t v, got;
	const char sym[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	int caught = 0, tried = 0;

	(void)state;
	v = 0x9e3779b97fULL;
	for (int i = 0; i < 2000; i++) {
		v = (v * 6364136223846793005ULL + 1442695040888963407ULL) & ((1ULL << 40) - 1);
		assert_int_equal(bookcode_encode(v, code), 0);
		assert_int_equal(bookcode_parse(code, back, &got), 0);
		assert_string_equal(code, back);
		assert_true(got == v);
		/* Any single wrong symbol is caught by the check symbol. */
		memcpy(typo, code, sizeof typo);
		typo[i % 8] = sym[(strchr(sym, code[i % 8]) - sym + 1 + i % 31) % 32];
		tried++;
		if (bookcode_parse(typo, back, NULL) != 0)
			caught++;
		/* Two symbols swapped (when they differ), neighbours or not,
		 * check symbol included, are caught too. */
		memcpy(typo, code, sizeof typo);
		if (typo[i % 8] != typo[(i % 8 + 1 + i / 8 % 8) % 9]) {
			int j = (i % 8 + 1 + i / 8 % 8) % 9;
			char c = typo[i % 8];
			typo[i % 8] = typo[j];
			typo[j] = c;
			tried++;
			if (bookcode_parse(typo, back, NULL) != 0)
				caught++;
		}
	}
	assert_int_equal(caught, tried);
}

static void
test_bookcode_bad_input(void **state)
{
	char code[BOOKCODE_LEN + 1];

	(void)state;
	assert_int_equal(bookcode_parse("", code, NULL), -1);
	assert_int_equal(bookcode_parse("0000000", code, NULL), -1);
	assert_int_equal(bookcode_parse("0000000000", code, NULL), -1);
	assert_int_equal(bookcode_parse("000000001", code, NULL), -1);	/* wrong check */
	assert_int_equal(bookcode_parse("00000000U", code, NULL), -1);	/* U is no symbol */
	assert_int_equal(bookcode_parse("00000010*", code, NULL), -1);	/* nor are * ~ $ = */
	/* The shape of a code, whatever its check: a mistyped code. */
	assert_int_equal(bookcode_shaped("0000-0000 1"), 1);
	assert_int_equal(bookcode_shaped("oooo-oili n"), 1);
	assert_int_equal(bookcode_shaped("00000000U"), 0);
	assert_int_equal(bookcode_shaped("0000000"), 0);
	assert_int_equal(bookcode_shaped("Smith"), 0);
	assert_int_equal(bookcode_parse("'; drop--", code, NULL), -1);
	assert_int_equal(bookcode_parse("0000\xc3\xa9" "000", code, NULL), -1);
	/* I, L read as 1 and O as 0; case and dashes do not matter. */
	assert_int_equal(bookcode_encode(1ULL + (1ULL << 5) + (1ULL << 10), code), 0);
	assert_string_equal(code, "00000111K");	/* 10 ^ 20 ^ 13 = 19 -> K */
	assert_int_equal(bookcode_parse("oooo-oili k", code, NULL), 0);
	assert_string_equal(code, "00000111K");
}

static void
test_money(void **state)
{
	char buf[32];
	long long c;

	(void)state;
	assert_string_equal(money_format(buf, sizeof buf, 0), "0.00");
	assert_string_equal(money_format(buf, sizeof buf, 1250), "12.50");
	assert_string_equal(money_format(buf, sizeof buf, -5), "-0.05");
	assert_string_equal(money_format(buf, sizeof buf, INT64_MIN), "-92233720368547758.08");
	assert_int_equal(money_parse("12", &c), 0);
	assert_int_equal(c, 1200);
	assert_int_equal(money_parse(" 12.5 ", &c), 0);
	assert_int_equal(c, 1250);
	assert_int_equal(money_parse("$0.07", &c), 0);
	assert_int_equal(c, 7);
	assert_int_equal(money_parse(".5", &c), 0);
	assert_int_equal(c, 50);
	assert_int_equal(money_parse("", &c), -1);
	assert_int_equal(money_parse("-3", &c), -1);
	assert_int_equal(money_parse("1.234", &c), -1);
	assert_int_equal(money_parse("1e3", &c), -1);
	assert_int_equal(money_parse("99999999999999999999", &c), -1);
}

struct seen {
	int	n;
	int64_t	ids[8];
	int64_t	versions[8];
	int64_t	froms[8];
	char	seats[8][32];
};

static void
see(const struct seat_news *w, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->ids[s->n] = w->showtime_id;
		s->versions[s->n] = w->version;
		s->froms[s->n] = w->from;
		snprintf(s->seats[s->n], sizeof s->seats[0], "%.*s", (int)w->seats_len, w->from >= 0 ? w->seats : "");
	}
	s->n++;
}

/* seat_change payloads: a lone id, the relay's space-separated batches,
 * "id:version" words, and junk that must be skipped, never misread. */
static void
test_ids_each(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(ids_each("42", see, &s), 1);
	assert_int_equal(s.ids[0], 42);
	s.n = 0;
	assert_int_equal(ids_each("7 1234567890123 9", see, &s), 3);
	assert_int_equal(s.ids[0], 7);
	assert_int_equal(s.ids[1], 1234567890123LL);
	assert_int_equal(s.ids[2], 9);
	s.n = 0;
	assert_int_equal(ids_each("  5  x 6y -3 0 1234567890123456789 8 ", see, &s), 2);
	assert_int_equal(s.ids[0], 5);
	assert_int_equal(s.ids[1], 8);
	s.n = 0;
	assert_int_equal(ids_each("12:7 3:1234567890123 4", see, &s), 3);
	assert_int_equal(s.ids[0], 12);
	assert_int_equal(s.versions[0], 7);
	assert_int_equal(s.ids[1], 3);
	assert_int_equal(s.versions[1], 1234567890123LL);
	assert_int_equal(s.ids[2], 4);
	assert_int_equal(s.versions[2], 0);
	s.n = 0;
	assert_int_equal(ids_each("5: :5 6:x 7:8: 9::1 1:2:3 0:4 11:2 3:4:x:A1=a 3:4:5 3:4::A1=a", see, &s), 1);
	assert_int_equal(s.ids[0], 11);
	assert_int_equal(s.versions[0], 2);
	assert_int_equal(s.froms[0], -1);
	s.n = 0;
	assert_int_equal(ids_each("12:9:7:F12=p,F13=a 13:5 14:6:6:", see, &s), 3);
	assert_int_equal(s.ids[0], 12);
	assert_int_equal(s.versions[0], 9);
	assert_int_equal(s.froms[0], 7);
	assert_string_equal(s.seats[0], "F12=p,F13=a");
	assert_int_equal(s.froms[1], -1);
	assert_int_equal(s.froms[2], 6);
	assert_string_equal(s.seats[2], "");
	s.n = 0;
	assert_int_equal(ids_each("", see, &s), 0);
	assert_int_equal(ids_each(NULL, see, &s), 0);
	assert_int_equal(s.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snowflake_roundtrip),
		cmocka_unit_test(test_bookcode_known),
		cmocka_unit_test(test_bookcode_roundtrip_and_typos),
		cmocka_unit_test(test_bookcode_bad_input),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_ids_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
