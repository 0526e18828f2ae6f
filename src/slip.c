/* slip.c - a report slip's rows, built and printed (see slip.h). */
#include "slip.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void
slip_row(struct slip *s, char *label, char *value, int bold)
{
	if (s->n == s->cap) {
		s->cap = s->cap * 2 + 16;
		s->row = xreallocarray(s->row, s->cap, sizeof *s->row);
		s->own = xreallocarray(s->own, 2 * s->cap, sizeof *s->own);
	}
	s->own[2 * s->n] = label;
	s->own[2 * s->n + 1] = value;
	s->row[s->n] = (struct print_report_row){ label, value, bold };
	s->n++;
}

void
slip_text(struct slip *s, const char *text)
{
	slip_row(s, text != NULL ? xstrdup(text) : NULL, NULL, 0);
}

void
slip_money(struct slip *s, const char *label, long long cents, int bold)
{
	char m[24];

	slip_row(s, xstrdup(label), xstrdup(money_format(m, sizeof m, cents)), bold);
}

int
slip_print(struct app *app, struct slip *s, const char *title, const char *what, const char *name, char **cause)
{
	struct print_report rep;
	int job;

	memset(&rep, 0, sizeof rep);
	rep.title = title;
	rep.rows = s->row;
	rep.nrows = s->n;
	job = tickets_print_report(app, what, name, &rep, cause);
	for (size_t i = 0; i < 2 * s->n; i++)
		free(s->own[i]);
	free(s->own);
	free(s->row);
	memset(s, 0, sizeof *s);
	return job;
}
