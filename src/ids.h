/* ids.h - snowflake order ids and the booking codes customers read out. */
#ifndef MARQUEE_IDS_H
#define MARQUEE_IDS_H

#include <stddef.h>
#include <stdint.h>

#define SNOWFLAKE_EPOCH_MS 1704067200000LL	/* 2024-01-01T00:00:00Z */

struct snowflake {
	int64_t	ms;	/* Unix time in milliseconds */
	int	node;	/* 0..1023 */
	int	seq;	/* 0..4095 */
};

/* Builds an id: 41 bits of ms since the epoch, 10 of node, 12 of sequence.
 * Returns -1 when a part is out of range. */
int64_t snowflake_make(int64_t unix_ms, int node, int seq);
/* Splits an id into its parts. Returns 0, or -1 for a negative id. */
int     snowflake_split(int64_t id, struct snowflake *out);

#define BOOKCODE_LEN 9	/* 8 symbols of 5 bits + 1 check symbol */

/* The check symbol's value (0..31) of a 40-bit value: a GF(32) weighted sum
 * of its 8 symbols that changes with any one wrong symbol and any swap of
 * two different symbols. */
unsigned bookcode_check(uint64_t value);
/* Writes the Crockford base32 code of a 40-bit value (with its check
 * symbol) into out (BOOKCODE_LEN + 1 bytes). Returns 0, or -1 if value does
 * not fit in 40 bits. */
int     bookcode_encode(uint64_t value, char out[BOOKCODE_LEN + 1]);
/* Reads what a person typed: case, dashes and spaces do not matter, I and L
 * read as 1, O as 0. Returns 0 with the canonical code in out (and the value
 * in *value if not NULL), or -1 when it is not a valid code. */
int     bookcode_parse(const char *text, char out[BOOKCODE_LEN + 1], uint64_t *value);
/* Whether text has the shape of a booking code (9 symbols of the alphabet,
 * dashes and spaces aside) whatever its check symbol: a text that has the
 * shape and does not parse was mistyped. Returns 1 or 0. */
int     bookcode_shaped(const char *text);
/* Formats a canonical code for reading aloud: "ABCD-EFGHJ". */
void    bookcode_pretty(const char *code, char out[BOOKCODE_LEN + 2]);

/* One word of a seat_change payload: "showtime_id", "showtime_id:version",
 * or "showtime_id:version:from:F12=p,F13=a" (the seats changed since version
 * from, see core.relay_seat_changes). */
struct seat_news {
	int64_t		 showtime_id;
	int64_t		 version;	/* 0: not given */
	int64_t		 from;		/* -1: the word carries no seats */
	const char	*seats;		/* seats_len bytes of "LABEL=c,..." (not NUL-terminated) */
	size_t		 seats_len;
};

/* Calls fn(news, arg) for each word of a list separated by spaces, as a
 * seat_change payload carries them (the relay sends up to 300 in one
 * NOTIFY; a lone word is a list of one). Words that do not start with a
 * positive id, or whose version or from is not digits, are skipped; the
 * seats are passed as they are (their reader checks them). news points into
 * list. Returns how many words it passed to fn. */
int     ids_each(const char *list, void (*fn)(const struct seat_news *news, void *arg), void *arg);

#endif
