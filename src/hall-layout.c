/* hall-layout.c - a hall's seats from and to a text layout (see
 * hall-layout.h). */
#include "hall-layout.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The place characters and the kinds they stand for. */
static const struct {
	char		 c;
	const char	*kind;
} hall_kinds[] = {
	{ 's', "standard" }, { 'p', "premium" }, { 'w', "wheelchair" }, { 'c', "companion" }, { 'x', "blocked" },
};
#define HALL_NKINDS (sizeof hall_kinds / sizeof hall_kinds[0])

/* The kind of place character c, or NULL (an aisle, or not a place). */
static const char *
hall_kind_of(char c)
{
	for (size_t i = 0; i < HALL_NKINDS; i++)
		if (hall_kinds[i].c == c)
			return hall_kinds[i].kind;
	return NULL;
}

/* The place character of kind, or 0. */
static char
hall_char_of(const char *kind)
{
	for (size_t i = 0; i < HALL_NKINDS; i++)
		if (strcmp(hall_kinds[i].kind, kind) == 0)
			return hall_kinds[i].c;
	return 0;
}

void
hall_layout_free(struct hall_layout *h)
{
	free(h->seats);
	memset(h, 0, sizeof *h);
}

void
hall_layout_add(struct hall_layout *h, const char *label, int row, int col, const char *kind)
{
	struct hall_seat *s;

	h->seats = xreallocarray(h->seats, h->n + 1, sizeof *h->seats);
	s = &h->seats[h->n++];
	snprintf(s->label, sizeof s->label, "%s", label);
	snprintf(s->kind, sizeof s->kind, "%s", kind);
	s->row = row;
	s->col = col;
	if (row > h->rows)
		h->rows = row;
	if (col > h->cols)
		h->cols = col;
}

/* Sets field (cinema or hall) from a "name: value" line's value. Returns 0,
 * or -1 with *cause. */
static int
hall_field(char *field, const char *value, size_t len, int line, char **cause)
{
	while (len > 0 && isspace((unsigned char)*value)) {
		value++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)value[len - 1]))
		len--;
	if (len == 0 || len > HALL_NAME_MAX) {
		*cause = xasprintf("line %d: a name of 1 to %d characters, please", line, HALL_NAME_MAX);
		return -1;
	}
	memcpy(field, value, len);
	field[len] = '\0';
	return 0;
}

/* Reads one row line (p, len: without its line end) as grid row h->rows + 1.
 * Returns 0, or -1 with *cause. */
static int
hall_row(struct hall_layout *h, const char *p, size_t len, int line, char **cause)
{
	char name[3] = "";
	size_t i = 0, k;
	int row = h->rows + 1, number = 0;

	if (len > 0 && p[0] == '-')
		i = 1;
	else {
		while (i < len && i < 2 && p[i] >= 'A' && p[i] <= 'Z') {
			name[i] = p[i];
			i++;
		}
		name[i] = '\0';
		if (i == 0) {
			*cause = xasprintf("line %d: a row starts with its name (A to ZZ) or \"-\"", line);
			return -1;
		}
	}
	if (i >= len || (p[i] != ' ' && p[i] != '\t')) {
		*cause = xasprintf("line %d: the row's name, a space, then its places (s p w c x or .)", line);
		return -1;
	}
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	while (len > i && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (row > HALL_ROWS_MAX || len - i > HALL_COLS_MAX) {
		*cause = xasprintf("line %d: a hall is at most %d rows of %d places", line, HALL_ROWS_MAX, HALL_COLS_MAX);
		return -1;
	}
	for (k = i; k < len; k++) {
		const char *kind = hall_kind_of(p[k]);
		char label[16];

		if (p[k] == '.')
			continue;
		if (kind == NULL) {
			*cause = xasprintf("line %d, place %zu: '%c' is not a place (s p w c x or .)", line, k - i + 1,
			                   isprint((unsigned char)p[k]) ? p[k] : '?');
			return -1;
		}
		if (name[0] == '\0') {
			*cause = xasprintf("line %d: a row named \"-\" has no seats", line);
			return -1;
		}
		snprintf(label, sizeof label, "%s%d", name, ++number);
		hall_layout_add(h, label, row, (int)(k - i) + 1, kind);
	}
	h->rows = row;
	if ((int)(len - i) > h->cols)
		h->cols = (int)(len - i);
	return 0;
}

/* True when the n bytes at p are all spaces and tabs (none: true). */
static int
hall_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

int
hall_layout_parse(const char *text, size_t len, struct hall_layout *h, char **cause)
{
	const char *p = text, *end = text + len;
	int line = 0;

	memset(h, 0, sizeof *h);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		const char *q = p;
		int rc = 0;

		line++;
		if (n > 0 && q[n - 1] == '\r')
			n--;
		if (memchr(q, '\0', n) != NULL) {
			*cause = xasprintf("line %d: not text", line);
			rc = -1;
		} else if (n == 0 || q[0] == '#' || hall_blank(q, n))
			;
		else if (n >= 7 && strncmp(q, "cinema:", 7) == 0)
			rc = hall_field(h->cinema, q + 7, n - 7, line, cause);
		else if (n >= 5 && strncmp(q, "hall:", 5) == 0)
			rc = hall_field(h->hall, q + 5, n - 5, line, cause);
		else
			rc = hall_row(h, q, n, line, cause);
		if (rc != 0) {
			hall_layout_free(h);
			return -1;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (h->cinema[0] == '\0' || h->hall[0] == '\0' || h->n == 0) {
		*cause = xstrdup(h->n == 0 ? "the layout has no seats" : "the layout says no cinema: or hall: line");
		hall_layout_free(h);
		return -1;
	}
	return 0;
}

/* Orders seats by row, then column. */
static int
hall_seat_cmp(const void *a, const void *b)
{
	const struct hall_seat *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

char *
hall_layout_format(const struct hall_layout *h, char **cause)
{
	struct hall_seat *s = xreallocarray(NULL, h->n + 1, sizeof *s);
	char *out = NULL, *line = xmalloc((size_t)h->cols + 1), *names = xcalloc((size_t)h->rows + 1, 3);
	size_t len = 0, i = 0;

	memcpy(s, h->seats, h->n * sizeof *s);
	qsort(s, h->n, sizeof *s, hall_seat_cmp);
	out = xasprintf("# Marquee hall layout: a line a row, front first; s standard, p premium,\n"
	                "# w wheelchair, c companion, x blocked, . no seat. Seats are numbered from the left.\n"
	                "cinema: %s\nhall: %s\n", h->cinema, h->hall);
	len = strlen(out);
	for (int r = 1; r <= h->rows; r++) {
		char name[3] = "-";
		int number = 0;

		memset(line, '.', (size_t)h->cols);
		line[h->cols] = '\0';
		for (; i < h->n && s[i].row == r; i++) {
			char want[16];
			size_t nl = strspn(s[i].label, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

			if (number == 0 && nl >= 1 && nl <= 2) {
				memcpy(name, s[i].label, nl);
				name[nl] = '\0';
			}
			snprintf(want, sizeof want, "%s%d", name, ++number);
			if (strcmp(want, s[i].label) != 0 || hall_char_of(s[i].kind) == 0 || s[i].col < 1 ||
			    s[i].col > h->cols) {
				*cause = xasprintf("seat %s (row %d, place %d, %s) cannot be written: the layout numbers a "
				                   "row's seats %s1, %s2 ... from the left", s[i].label, r, s[i].col,
				                   s[i].kind, name, name);
				goto fail;
			}
			line[s[i].col - 1] = hall_char_of(s[i].kind);
		}
		for (int k = 1; k < r && name[0] != '-'; k++)
			if (strcmp(names + 3 * k, name) == 0) {
				*cause = xasprintf("rows %d and %d are both named %s", k, r, name);
				goto fail;
			}
		memcpy(names + 3 * r, name, 3);
		out = xreallocarray(out, len + (size_t)h->cols + 8, 1);
		len += (size_t)snprintf(out + len, (size_t)h->cols + 8, "%-2s %s\n", name, line);
	}
	free(names);
	free(line);
	free(s);
	return out;
fail:
	free(names);
	free(line);
	free(s);
	free(out);
	return NULL;
}
