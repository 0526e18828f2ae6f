/* hall-layout.h - a hall's seats as a text layout, read and written.
 *
 *   # comments and blank lines are skipped
 *   cinema: Marquee Riverside
 *   hall: Studio 3
 *   A  xxsss.ssss
 *   B  sssss.ssss
 *   -  ..........
 *   C  wcsss.sscw
 *
 * One line a row of the grid, front (screen) first: the row's name (one
 * or two capital letters, or "-" for a row without seats), then one
 * character a place: s standard, p premium, w wheelchair, c companion, x
 * blocked (a seat not for sale), . no seat (an aisle). Seats are labelled
 * by the row's name and their number counted from the left (A1, A2 ...).
 * The grid is as wide as the longest row. Curses-free and database-free. */
#ifndef MARQUEE_HALL_LAYOUT_H
#define MARQUEE_HALL_LAYOUT_H

#include <stddef.h>

#define HALL_NAME_MAX	100
#define HALL_ROWS_MAX	100
#define HALL_COLS_MAX	200

struct hall_seat {
	char	label[16];	/* "AB123" */
	int	row, col;	/* 1-based place on the grid */
	char	kind[12];	/* standard, premium, wheelchair, companion, blocked */
};

struct hall_layout {
	char			 cinema[HALL_NAME_MAX + 1];
	char			 hall[HALL_NAME_MAX + 1];
	int			 rows, cols;
	struct hall_seat	*seats;
	size_t			 n;
};

/* Reads text (len bytes, not NUL-terminated) into h. Returns 0, or -1 with
 * *cause (caller frees) naming the line and what is wrong; h is then
 * empty. Free h with hall_layout_free either way. */
int   hall_layout_parse(const char *text, size_t len, struct hall_layout *h, char **cause);
/* Adds seat label at row, col of kind to h (the grid grows to hold it). */
void  hall_layout_add(struct hall_layout *h, const char *label, int row, int col, const char *kind);
/* Writes h as a text layout. Returns a new string, or NULL with *cause when
 * a seat's label is not its row's name and number counted from the left
 * (the text could not say it), or two rows share a name. */
char *hall_layout_format(const struct hall_layout *h, char **cause);
void  hall_layout_free(struct hall_layout *h);

#endif
