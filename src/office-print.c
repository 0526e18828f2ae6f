/* office-print.c - the back office's takings as a slip on the receipt
 * printer: what it counts (grouping, sale or show day, the period), a row
 * a group with its net, and the totals, as the takings screen shows them. */
#include "client-office.h"
#include "tickets.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A slip's rows being made, and the amounts they own. */
struct office_slip {
	struct print_report_row	*row;
	char			**own;
	size_t			  n;
};

/* Adds a row: label and the amount cents (bold: in bold type). */
static void
office_slip_money(struct office_slip *s, const char *label, long long cents, int bold)
{
	char m[24];

	money_format(m, sizeof m, cents);
	s->own[s->n] = xstrdup(m);
	s->row[s->n] = (struct print_report_row){ label, s->own[s->n], bold };
	s->n++;
}

/* Adds a row of text alone (label NULL: a rule). */
static void
office_slip_text(struct office_slip *s, const char *label)
{
	s->row[s->n] = (struct print_report_row){ label, NULL, 0 };
	s->n++;
}

int
office_print_takings(struct app *app, const struct office_table *t, const char *heading, char **cause)
{
	struct office_slip s = { xcalloc((size_t)t->n + 6, sizeof *s.row), xcalloc((size_t)t->n + 6, sizeof *s.own), 0 };
	long long gross = 0, refunded = 0, net = 0;
	struct print_report rep;
	int job;

	office_slip_text(&s, heading);
	office_slip_text(&s, NULL);
	for (int r = 0; r < t->n; r++) {
		gross += strtoll(OFFICE_CELL(t, r, TAKE_GROSS), NULL, 10);
		refunded += strtoll(OFFICE_CELL(t, r, TAKE_REFUNDED), NULL, 10);
		net += strtoll(OFFICE_CELL(t, r, TAKE_NET), NULL, 10);
		office_slip_money(&s, OFFICE_CELL(t, r, TAKE_KEY), strtoll(OFFICE_CELL(t, r, TAKE_NET), NULL, 10), 0);
	}
	office_slip_text(&s, NULL);
	office_slip_money(&s, "Gross", gross, 0);
	office_slip_money(&s, "- Refunds", refunded, 0);
	office_slip_money(&s, "= Net", net, 1);
	memset(&rep, 0, sizeof rep);
	rep.title = "TAKINGS";
	rep.rows = s.row;
	rep.nrows = s.n;
	job = tickets_print_report(app, "takings report", "takings", &rep, cause);
	for (size_t i = 0; i < s.n; i++)
		free(s.own[i]);
	free(s.own);
	free(s.row);
	return job;
}
