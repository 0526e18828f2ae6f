/* office-print.c - the back office's reports as slips on the receipt
 * printer, as their screens show them: the takings (a row a group with its
 * net, then gross, refunds and net) and the shows' occupancy (a show's
 * time and film, then its admissions of seats, occupancy and revenue; the
 * totals), each under
 * a line saying what it counts. */
#include "client-office.h"
#include "tickets.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A slip's rows being made, and the texts they own. */
struct office_slip {
	struct print_report_row	*row;
	char			**own;	/* two a row: label, value */
	size_t			  n;
};

/* A slip with room for n rows, its heading and a rule first. */
static void
office_slip_start(struct office_slip *s, size_t n, const char *heading)
{
	s->row = xcalloc(n + 2, sizeof *s->row);
	s->own = xcalloc(2 * (n + 2), sizeof *s->own);
	s->n = 0;
	s->row[s->n++] = (struct print_report_row){ heading, NULL, 0 };
	s->row[s->n++] = (struct print_report_row){ NULL, NULL, 0 };
}

/* Adds a row whose label and value (NULL: none; label NULL: a rule) the
 * slip takes and frees. */
static void
office_slip_row(struct office_slip *s, char *label, char *value, int bold)
{
	s->own[2 * s->n] = label;
	s->own[2 * s->n + 1] = value;
	s->row[s->n] = (struct print_report_row){ label, value, bold };
	s->n++;
}

/* The amount cents as a new string. */
static char *
office_money(long long cents)
{
	char m[24];

	return xstrdup(money_format(m, sizeof m, cents));
}

/* Prints the slip under title (what: the job's word) and frees it. Returns
 * the job id, or -1 with *cause. */
static int
office_slip_print(struct app *app, struct office_slip *s, const char *title, const char *what, char **cause)
{
	struct print_report rep;
	int job;

	memset(&rep, 0, sizeof rep);
	rep.title = title;
	rep.rows = s->row;
	rep.nrows = s->n;
	job = tickets_print_report(app, what, what, &rep, cause);
	for (size_t i = 0; i < 2 * s->n; i++)
		free(s->own[i]);
	free(s->own);
	free(s->row);
	return job;
}

int
office_print_takings(struct app *app, const struct office_table *t, const char *heading, char **cause)
{
	struct office_slip s;
	long long gross = 0, refunded = 0, net = 0;

	office_slip_start(&s, (size_t)t->n + 4, heading);
	for (int r = 0; r < t->n; r++) {
		long long row_net = strtoll(OFFICE_CELL(t, r, TAKE_NET), NULL, 10);

		gross += strtoll(OFFICE_CELL(t, r, TAKE_GROSS), NULL, 10);
		refunded += strtoll(OFFICE_CELL(t, r, TAKE_REFUNDED), NULL, 10);
		net += row_net;
		office_slip_row(&s, xstrdup(OFFICE_CELL(t, r, TAKE_KEY)), office_money(row_net), 0);
	}
	office_slip_row(&s, NULL, NULL, 0);
	office_slip_row(&s, xstrdup("Gross"), office_money(gross), 0);
	office_slip_row(&s, xstrdup("- Refunds"), office_money(refunded), 0);
	office_slip_row(&s, xstrdup("= Net"), office_money(net), 1);
	return office_slip_print(app, &s, "TAKINGS", "takings report", cause);
}

int
office_print_shows(struct app *app, const struct office_table *t, const char *heading, char **cause)
{
	struct office_slip s;
	long long seats = 0, adm = 0, rev = 0;

	office_slip_start(&s, 2 * (size_t)t->n + 4, heading);
	for (int r = 0; r < t->n; r++) {
		char m[24];

		seats += strtoll(OFFICE_CELL(t, r, OCC_SEATS), NULL, 10);
		adm += strtoll(OFFICE_CELL(t, r, OCC_ADMISSIONS), NULL, 10);
		rev += strtoll(OFFICE_CELL(t, r, OCC_REVENUE), NULL, 10);
		money_format(m, sizeof m, strtoll(OFFICE_CELL(t, r, OCC_REVENUE), NULL, 10));
		office_slip_row(&s, xasprintf("%s %s", OFFICE_CELL(t, r, OCC_WHEN), OFFICE_CELL(t, r, OCC_TITLE)), NULL,
		                0);
		office_slip_row(&s, xasprintf("  %s of %s seats, %s%%", OFFICE_CELL(t, r, OCC_ADMISSIONS),
		                              OFFICE_CELL(t, r, OCC_SEATS), OFFICE_CELL(t, r, OCC_PCT)),
		                xstrdup(m), 0);
	}
	office_slip_row(&s, NULL, NULL, 0);
	office_slip_row(&s, xstrdup("Admissions"), xasprintf("%lld of %lld seats", adm, seats), 0);
	office_slip_row(&s, xstrdup("Occupancy"), xasprintf("%.1f%%", seats > 0 ? 100.0 * (double)adm / (double)seats : 0.0),
	                0);
	office_slip_row(&s, xstrdup("= Revenue"), office_money(rev), 1);
	return office_slip_print(app, &s, "SHOWS", "shows report", cause);
}
