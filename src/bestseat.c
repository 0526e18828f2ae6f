/* bestseat.c - best available seats for a party: together, central, and
 * leaving no single empty seat that nobody will buy. */
#include "bestseat.h"
#include "util.h"

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

static int
label_order(const void *a, const void *b)
{
	const struct seat *const *x = a, *const *y = b;

	return strcmp((*x)->label, (*y)->label);
}

/* bsearch's comparison: the label key against a seat of the index. */
static int
label_is(const void *key, const void *elem)
{
	const struct seat *const *y = elem;

	return strcmp(key, (*y)->label);
}

void
hall_index(struct hall *hall)
{
	free(hall->by_label);
	hall->by_label = xcalloc((size_t)hall->n + 1, sizeof *hall->by_label);
	for (int i = 0; i < hall->n; i++)
		hall->by_label[i] = &hall->seat[i];
	qsort(hall->by_label, (size_t)hall->n, sizeof *hall->by_label, label_order);
}

void
hall_free(struct hall *hall)
{
	free(hall->seat);
	free(hall->by_label);
	memset(hall, 0, sizeof *hall);
}

int
hall_find_label(const struct hall *hall, const char *label)
{
	if (hall->by_label != NULL) {
		struct seat *const *found = bsearch(label, hall->by_label, (size_t)hall->n, sizeof *hall->by_label,
		                                    label_is);

		return found != NULL ? (int)(*found - hall->seat) : -1;
	}
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

int
bestseat_band_of(const struct seat *seat)
{
	return seat->kind == KIND_STANDARD || seat->kind == KIND_PREMIUM ? (int)seat->kind : -1;
}

/* A free place of band that best available may give out. */
static int
is_offerable(const struct hall *hall, int i, enum seat_kind band)
{
	return is_free(hall, i) && hall->seat[i].kind == band;
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

/* The best block of party free seats of band, written to out: returns its
 * score (lower is better), or LONG_MAX when none fits. */
static long
find_in_band(const struct hall *hall, int party, enum seat_kind band, int *out)
{
	long best = LONG_MAX;
	int best_row = 0, best_col = 0;
	/* The best view: about two thirds of the way back, in the middle. */
	long ideal_row2 = (hall->rows * 4 + 2) / 3;	/* twice the row */
	long mid2 = hall->cols + 1;			/* twice the middle column */

	if (party < 1 || hall->n == 0)
		return LONG_MAX;
	for (int i = 0; i < hall->n; i++) {
		const struct seat *s = &hall->seat[i];
		int ok = 1;
		long score, dr, dc;

		/* Blocks start at seat i and run right along the grid, no gaps. */
		for (int k = 0; k < party && ok; k++)
			ok = is_offerable(hall, hall_find(hall, s->row, s->col + k), band);
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
		return LONG_MAX;
	for (int k = 0; k < party; k++)
		out[k] = hall_find(hall, best_row, best_col + k);
	return best;
}

int
bestseat_find(const struct hall *hall, int party, int *out)
{
	int *premium;
	long s, p;

	if (party < 1)
		return -1;
	premium = malloc(sizeof *premium * (size_t)party);
	if (premium == NULL)
		return -1;
	s = find_in_band(hall, party, KIND_STANDARD, out);
	p = find_in_band(hall, party, KIND_PREMIUM, premium);
	if (p < s)
		memcpy(out, premium, sizeof *out * (size_t)party);
	free(premium);
	return s == LONG_MAX && p == LONG_MAX ? -1 : 0;
}

int
bestseat_find_band(const struct hall *hall, int party, enum seat_kind band, int *out)
{
	enum seat_kind other = band == KIND_PREMIUM ? KIND_STANDARD : KIND_PREMIUM;

	if (band != KIND_PREMIUM)
		band = KIND_STANDARD;
	if (find_in_band(hall, party, band, out) != LONG_MAX)
		return (int)band;
	if (find_in_band(hall, party, other, out) != LONG_MAX)
		return (int)other;
	return -1;
}
