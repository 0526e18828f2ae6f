/* bestseat.c - best available seats for a party: together, central, and
 * leaving no single empty seat that nobody will buy. */
#include "bestseat.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum seat_kind
seat_kind_parse(const char *s)
{
	if (strcmp(s, "premium") == 0)
		return KIND_PREMIUM;
	if (strcmp(s, "wheelchair") == 0)
		return KIND_WHEELCHAIR;
	if (strcmp(s, "companion") == 0)
		return KIND_COMPANION;
	if (strcmp(s, "blocked") == 0)
		return KIND_BLOCKED;
	return KIND_STANDARD;
}

enum seat_status
seat_status_parse(const char *s)
{
	if (strcmp(s, "sold") == 0)
		return SEAT_SOLD;
	if (strcmp(s, "pending") == 0 || strcmp(s, "held") == 0)
		return SEAT_HELD;
	return SEAT_AVAILABLE;
}

int
hall_find(const struct hall *hall, int row, int col)
{
	for (int i = 0; i < hall->n; i++)
		if (hall->seat[i].row == row && hall->seat[i].col == col)
			return i;
	return -1;
}

int
hall_find_label(const struct hall *hall, const char *label)
{
	for (int i = 0; i < hall->n; i++)
		if (strcmp(hall->seat[i].label, label) == 0)
			return i;
	return -1;
}

/* A place anyone could buy now. */
static int
is_free(const struct hall *hall, int i)
{
	return i >= 0 && hall->seat[i].status == SEAT_AVAILABLE && hall->seat[i].kind != KIND_BLOCKED;
}

/* A free place best available may give out. */
static int
is_offerable(const struct hall *hall, int i)
{
	enum seat_kind k;

	if (!is_free(hall, i))
		return 0;
	k = hall->seat[i].kind;
	return k == KIND_STANDARD || k == KIND_PREMIUM;
}

/* True when taking cols [c0, c1] of row would leave exactly one free seat
 * between the block and the next taken seat, aisle or wall on that side. */
static int
leaves_single(const struct hall *hall, int row, int c0, int c1)
{
	int a = hall_find(hall, row, c0 - 1), b = hall_find(hall, row, c0 - 2);
	int c = hall_find(hall, row, c1 + 1), d = hall_find(hall, row, c1 + 2);

	if (is_free(hall, a) && !is_free(hall, b))
		return 1;
	if (is_free(hall, c) && !is_free(hall, d))
		return 1;
	return 0;
}

int
bestseat_find(const struct hall *hall, int party, int *out)
{
	long best = LONG_MAX;
	int best_row = 0, best_col = 0;
	/* The best view: about two thirds of the way back, in the middle. */
	long ideal_row2 = (hall->rows * 4 + 2) / 3;	/* twice the row */
	long mid2 = hall->cols + 1;			/* twice the middle column */

	if (party < 1 || hall->n == 0)
		return -1;
	for (int i = 0; i < hall->n; i++) {
		const struct seat *s = &hall->seat[i];
		int ok = 1;
		long score, dr, dc;

		/* Blocks start at seat i and run right along the grid, no gaps. */
		for (int k = 0; k < party && ok; k++)
			ok = is_offerable(hall, hall_find(hall, s->row, s->col + k));
		if (!ok)
			continue;
		dr = labs(2L * s->row - ideal_row2);
		dc = labs(2L * s->col + (party - 1) - mid2);
		score = dr * 3 + dc * 2;
		if (leaves_single(hall, s->row, s->col, s->col + party - 1))
			score += 1000000;
		if (score < best) {
			best = score;
			best_row = s->row;
			best_col = s->col;
		}
	}
	if (best == LONG_MAX)
		return -1;
	for (int k = 0; k < party; k++)
		out[k] = hall_find(hall, best_row, best_col + k);
	return 0;
}
