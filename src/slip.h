/* slip.h - a report slip for the receipt printer being built: rows of a
 * label and a value (the X and Z reports, the back office's takings and
 * shows), printed through tickets_print_report. */
#ifndef MARQUEE_SLIP_H
#define MARQUEE_SLIP_H

#include "tickets.h"

#include <stddef.h>

struct slip {
	struct print_report_row	*row;
	char			**own;	/* two a row: its label and value */
	size_t			  n, cap;
};

/* Adds a row; the slip takes label and value and frees them (value NULL:
 * the label alone; label NULL too: a rule). */
void slip_row(struct slip *s, char *label, char *value, int bold);
/* Adds a row of text alone (a copy of text) or, text NULL, a rule. */
void slip_text(struct slip *s, const char *text);
/* Adds a row: a copy of label and the amount cents. */
void slip_money(struct slip *s, const char *label, long long cents, int bold);
/* Prints the slip under title on the receipt printer (what and name as
 * tickets_print_report takes them) and frees its rows. Returns the job id,
 * or -1 with *cause set. */
int  slip_print(struct app *app, struct slip *s, const char *title, const char *what, const char *name,
                char **cause);

#endif
