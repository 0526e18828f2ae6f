/* test-bestseat.c - best available: together, central, in one price band,
 * no single empty seat left. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bestseat.h"

/* Builds a hall from a picture: one string per row (row 1 first, nearest the
 * screen). '.' free, 'x' sold, 'h' held, 'w' wheelchair, 'c' companion,
 * 'p' premium, 'b' blocked, ' ' aisle. */
static struct seat seats[400];
static struct hall
hall_from(const char *const *pic, int rows)
{
	struct hall h = { .rows = rows, .seat = seats, .version = -1 };

	for (int r = 0; r < rows; r++) {
		int n = 0, len = (int)strlen(pic[r]);

		if (len > h.cols)
			h.cols = len;
		for (int c = 0; c < len; c++) {
			struct seat *s = &seats[h.n];
			char ch = pic[r][c];

			if (ch == ' ')
				continue;
			memset(s, 0, sizeof *s);
			snprintf(s->label, sizeof s->label, "%c%d", 'A' + r, (++n) % 1000);
			s->row = r + 1;
			s->col = c + 1;
			s->kind = ch == 'w' ? KIND_WHEELCHAIR : ch == 'c' ? KIND_COMPANION :
			          ch == 'p' ? KIND_PREMIUM : ch == 'b' ? KIND_BLOCKED : KIND_STANDARD;
			s->status = ch == 'x' ? SEAT_SOLD : ch == 'h' ? SEAT_HELD : SEAT_AVAILABLE;
			h.n++;
		}
	}
	return h;
}

static void
assert_block(const struct hall *h, const int *out, int n, const char *first)
{
	assert_string_equal(h->seat[out[0]].label, first);
	for (int k = 1; k < n; k++) {
		assert_int_equal(h->seat[out[k]].row, h->seat[out[0]].row);
		assert_int_equal(h->seat[out[k]].col, h->seat[out[0]].col + k);
	}
}

static void
test_empty_hall_centre(void **state)
{
	const char *pic[] = { "..........", "..........", "..........", "..........", ".........." };
	struct hall h = hall_from(pic, 5);
	int out[4];

	(void)state;
	assert_int_equal(bestseat_find(&h, 2, out), 0);
	/* two thirds back (row C of five), the two middle seats */
	assert_block(&h, out, 2, "C5");
	assert_int_equal(bestseat_find(&h, 4, out), 0);
	assert_block(&h, out, 4, "C4");
}

static void
test_no_single_gap(void **state)
{
	/* Row C: seats 1-3 free, 4 sold, 5-10 free. A pair at C2-C3 would
	 * leave C1 alone; C6-C7 would leave C5 alone. */
	const char *pic[] = { "xxxxxxxxxx", "xxxxxxxxxx", "...x......", "xxxxxxxxxx" };
	struct hall h = hall_from(pic, 4);
	int out[2];

	(void)state;
	assert_int_equal(bestseat_find(&h, 2, out), 0);
	/* pairs leaving no lone seat start at col 5, 7 or 9; 5 is central */
	assert_block(&h, out, 2, "C5");
	/* with C5 sold, C6-C7 would strand nobody but C8-C9 would strand C10 */
	h.seat[hall_find_label(&h, "C5")].status = SEAT_SOLD;
	assert_int_equal(bestseat_find(&h, 2, out), 0);
	assert_true(h.seat[out[0]].col == 6 || h.seat[out[0]].col == 9);
}

static void
test_aisle_splits(void **state)
{
	/* an aisle between cols 3 and 5: a party of 4 cannot straddle it */
	const char *pic[] = { "xxx xxxxx", "... ....x" };
	struct hall h = hall_from(pic, 2);
	int out[4];

	(void)state;
	assert_int_equal(bestseat_find(&h, 4, out), 0);
	assert_block(&h, out, 4, "B4");
	assert_int_equal(bestseat_find(&h, 5, out), -1);
}

static void
test_skips_special(void **state)
{
	const char *pic[] = { "xxbb..xx", "wwc..cww" };
	struct hall h = hall_from(pic, 2);
	int out[3];

	(void)state;
	assert_int_equal(bestseat_find(&h, 2, out), 0);
	/* only A5-A6 or B4-B5 are offerable; neither uses b, w or c places */
	for (int k = 0; k < 2; k++) {
		assert_true(h.seat[out[k]].kind == KIND_STANDARD || h.seat[out[k]].kind == KIND_PREMIUM);
		assert_int_equal(h.seat[out[k]].status, SEAT_AVAILABLE);
	}
	assert_int_equal(bestseat_find(&h, 3, out), -1);
}

static void
test_full_and_held(void **state)
{
	const char *pic[] = { "xxhh", "hxxx" };
	struct hall h = hall_from(pic, 2);
	int out[1];

	(void)state;
	assert_int_equal(bestseat_find(&h, 1, out), -1);
	assert_int_equal(bestseat_find(&h, 0, out), -1);
}

static void
test_single_gap_last_resort(void **state)
{
	/* only one block of two exists and it leaves a single seat: take it */
	const char *pic[] = { "x...x" };
	struct hall h = hall_from(pic, 1);
	int out[3];

	(void)state;
	assert_int_equal(bestseat_find(&h, 2, out), 0);
	assert_int_equal(h.seat[out[0]].row, 1);
	assert_int_equal(bestseat_find(&h, 3, out), 0);
	assert_block(&h, out, 3, "A2");
}

static void
test_parse_and_find(void **state)
{
	const char *pic[] = { ". .", "..." };
	struct hall h = hall_from(pic, 2);

	(void)state;
	assert_int_equal(seat_kind_parse("premium"), KIND_PREMIUM);
	assert_int_equal(seat_kind_parse("whatever"), KIND_STANDARD);
	assert_int_equal(seat_status_parse("pending"), SEAT_HELD);
	assert_int_equal(seat_status_parse("sold"), SEAT_SOLD);
	assert_int_equal(hall_find(&h, 1, 2), -1);
	assert_int_equal(hall_find_label(&h, "B3"), 4);
	assert_int_equal(hall_find_label(&h, "Z9"), -1);
}

/* The label index finds every seat where the search seat by seat does,
 * though labels sort otherwise than seats (A10 before A2), and misses what
 * is not there at either end of the order or between. */
static void
test_find_by_index(void **state)
{
	const char *pic[] = { "............  ............", "........................", "..  ..", "." };
	struct hall h = hall_from(pic, 4);
	int linear[400];

	(void)state;
	for (int i = 0; i < h.n; i++)
		linear[i] = hall_find_label(&h, h.seat[i].label);
	hall_index(&h);
	for (int i = 0; i < h.n; i++) {
		assert_int_equal(linear[i], i);
		assert_int_equal(hall_find_label(&h, h.seat[i].label), i);
	}
	assert_int_equal(hall_find_label(&h, "A"), -1);
	assert_int_equal(hall_find_label(&h, "A0"), -1);
	assert_int_equal(hall_find_label(&h, "B25"), -1);
	assert_int_equal(hall_find_label(&h, "C3"), 50);
	assert_int_equal(hall_find_label(&h, "Z1"), -1);
	free(h.by_label);
}

static void
test_price_band(void **state)
{
	/* The best rows (C, D) are premium; the standard seats left are at the
	 * front and back. A party starting in the standard band stays there even
	 * though premium seats are nearer the ideal; never a block that mixes
	 * the two bands. */
	const char *pic[] = { "........", "xx....xx", "pppppppp", "pppppppp", "xxx..xxx" };
	struct hall h = hall_from(pic, 5);
	int out[8];

	(void)state;
	assert_int_equal(bestseat_find_band(&h, 2, KIND_STANDARD, out), KIND_STANDARD);
	assert_block(&h, out, 2, "E4");
	assert_int_equal(bestseat_find_band(&h, 4, KIND_STANDARD, out), KIND_STANDARD);
	assert_block(&h, out, 4, "B3");
	assert_int_equal(bestseat_find_band(&h, 2, KIND_PREMIUM, out), KIND_PREMIUM);
	assert_int_equal(h.seat[out[0]].kind, KIND_PREMIUM);
	/* no 5 standard seats together in rows B-E: row A has 8 */
	assert_int_equal(bestseat_find_band(&h, 5, KIND_STANDARD, out), KIND_STANDARD);
	assert_int_equal(h.seat[out[0]].row, 1);
	/* 9 standard seats together exist nowhere: up to premium only then */
	h.seat[hall_find_label(&h, "A1")].status = SEAT_SOLD;
	assert_int_equal(bestseat_find_band(&h, 8, KIND_STANDARD, out), KIND_PREMIUM);
	for (int k = 0; k < 8; k++)
		assert_int_equal(h.seat[out[k]].kind, KIND_PREMIUM);
	/* a row half standard, half premium gives no mixed block */
	{
		const char *mix[] = { "xx..ppxx" };
		struct hall m = hall_from(mix, 1);

		assert_int_equal(bestseat_find_band(&m, 3, KIND_STANDARD, out), -1);
		assert_int_equal(bestseat_find(&m, 3, out), -1);
		assert_int_equal(bestseat_find(&m, 2, out), 0);
	}
	assert_int_equal(bestseat_band_of(&h.seat[0]), KIND_STANDARD);
	assert_int_equal(bestseat_band_of(&h.seat[hall_find_label(&h, "C1")]), KIND_PREMIUM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_hall_centre),
		cmocka_unit_test(test_no_single_gap),
		cmocka_unit_test(test_aisle_splits),
		cmocka_unit_test(test_skips_special),
		cmocka_unit_test(test_full_and_held),
		cmocka_unit_test(test_single_gap_last_resort),
		cmocka_unit_test(test_parse_and_find),
		cmocka_unit_test(test_price_band),
		cmocka_unit_test(test_find_by_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
