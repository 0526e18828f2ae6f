/* bestseat.h - a hall's seats as the seat map sees them, and "best
 * available" for a party of N: together in one row, no aisle between them,
 * all of one price band (standard or premium), never leaving a single empty
 * seat beside them, as central as can be. */
#ifndef MARQUEE_BESTSEAT_H
#define MARQUEE_BESTSEAT_H

enum seat_kind { KIND_STANDARD, KIND_PREMIUM, KIND_WHEELCHAIR, KIND_COMPANION, KIND_BLOCKED };
enum seat_status { SEAT_AVAILABLE, SEAT_HELD, SEAT_SOLD, SEAT_MINE };

struct seat {
	char		label[8];
	int		row, col;	/* 1-based grid place; row 1 is nearest the screen */
	enum seat_kind	kind;
	enum seat_status status;
	int		selected;	/* chosen at this terminal, not yet held */
};

struct hall {
	int		rows, cols;
	struct seat	*seat;		/* sorted by row, then col */
	int		n;
	long long	version;	/* the showtime's seat version the states are as of; -1: not read */
	struct seat	**by_label;	/* every seat, sorted by label (hall_index); NULL: none */
};

/* Parses "standard", "premium", ... (unknown words read as standard). */
enum seat_kind   seat_kind_parse(const char *s);
/* Parses "available", "pending", "sold". */
enum seat_status seat_status_parse(const char *s);
/* Index of the seat at a grid place, or -1 (an aisle). */
int  hall_find(const struct hall *hall, int row, int col);
/* Index of the seat with a label, or -1: by the label index when the hall
 * has one, else seat by seat. */
int  hall_find_label(const struct hall *hall, const char *label);
/* Builds the hall's label index (again, after seats were added or
 * relabelled). An open seat map looks up every seat a change names. */
void hall_index(struct hall *hall);
/* Frees the seats and their index; the hall is empty afterwards. */
void hall_free(struct hall *hall);

/* Finds the best block of party seats that are free, all of one price band
 * (standard or premium). Writes their indexes (left to right) to out, which
 * must hold party ints. Wheelchair and companion places are used only by
 * hand, blocked ones never. Returns 0, or -1 when no row has party free
 * seats of one band together. A block that would leave a single empty seat
 * at either side is taken only when nothing else fits. */
int  bestseat_find(const struct hall *hall, int party, int *out);
/* As bestseat_find, in price band band (KIND_STANDARD or KIND_PREMIUM)
 * first; only when no block of that band fits, in the other band. Returns
 * the band of the seats written to out, or -1 when no block fits at all. */
int  bestseat_find_band(const struct hall *hall, int party, enum seat_kind band, int *out);
/* The price band of a seat: KIND_STANDARD or KIND_PREMIUM, or -1 for a
 * wheelchair, companion or blocked place (no band). */
int  bestseat_band_of(const struct seat *seat);

#endif
