/* cashup-print.c - a drawer's X or Z report as a slip on the receipt
 * printer: the till, who opened it and when, the book (float, cash sales,
 * cash refunds, drops, paid-outs, the cash expected; card sales apart),
 * and for a closed drawer the count by denomination, the total counted and
 * the over/short. */
#include "client-cashup.h"
#include "tickets.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASHUP_ROWS	(24 + CASHUP_NDENOM)

/* The rows being made, and the strings they own. */
struct slip_rows {
	struct print_report_row	 row[CASHUP_ROWS];
	char			*own[CASHUP_ROWS];
	size_t			 n;
};

/* Adds a row label/value (value NULL: the label alone; label NULL: a
 * rule); value, when owned, is freed with the rows. */
static void
slip_row(struct slip_rows *s, const char *label, char *value, int bold)
{
	if (s->n == CASHUP_ROWS)
		return;
	s->row[s->n].label = label;
	s->row[s->n].value = value;
	s->row[s->n].bold = bold;
	s->own[s->n] = value;
	s->n++;
}

/* Adds a row of an amount in cents. */
static void
slip_money(struct slip_rows *s, const char *label, long long cents, int bold)
{
	char m[24];

	money_format(m, sizeof m, cents);
	slip_row(s, label, xstrdup(m), bold);
}

/* The count as a row a denomination counted: "  20.00 x 3" and its value
 * (labels hold the labels). */
static void
slip_counts(struct slip_rows *s, const struct cashup_report *r, char labels[CASHUP_NDENOM][48])
{
	for (int k = 0; k < r->ncounts; k++) {
		char m[24];

		money_format(m, sizeof m, r->count_denom[k]);
		snprintf(labels[k], sizeof labels[k], "  %s x %lld", m, r->count_n[k]);
		slip_money(s, labels[k], r->count_denom[k] * r->count_n[k], 0);
	}
}

int
cashup_print(struct app *app, const struct cashup_report *r, const char *terminal, char **cause)
{
	struct slip_rows s;
	struct print_report rep;
	char labels[CASHUP_NDENOM][48], name[32];
	int job;

	memset(&s, 0, sizeof s);
	slip_row(&s, "Till", xstrdup(terminal), 0);
	slip_row(&s, "Drawer", xasprintf("%lld", r->drawer_id), 0);
	slip_row(&s, "Opened", xasprintf("%s by %s", r->opened_at, r->opened_by), 0);
	if (!r->open)
		slip_row(&s, "Closed", xstrdup(r->closed_at), 0);
	slip_row(&s, NULL, NULL, 0);
	slip_money(&s, "Float", r->float_cents, 0);
	slip_money(&s, "+ Cash sales", r->cash_sales, 0);
	slip_money(&s, "- Cash refunds", r->cash_refunds, 0);
	slip_money(&s, "- Drops", r->drops, 0);
	slip_money(&s, "- Paid-outs", r->paid_outs, 0);
	slip_money(&s, "= Cash expected", r->expected, 1);
	slip_money(&s, "Card sales (not in drawer)", r->card_sales, 0);
	if (!r->open) {
		slip_row(&s, NULL, NULL, 0);
		slip_row(&s, "Count", NULL, 0);
		slip_counts(&s, r, labels);
		slip_money(&s, "Counted", r->counted, 1);
		slip_money(&s, r->over_short < 0 ? "SHORT" : r->over_short > 0 ? "OVER" : "Balanced",
		           r->over_short < 0 ? -r->over_short : r->over_short, 1);
	}
	memset(&rep, 0, sizeof rep);
	rep.title = r->open ? "X REPORT" : "Z REPORT";
	rep.rows = s.row;
	rep.nrows = s.n;
	snprintf(name, sizeof name, "drawer %lld", r->drawer_id);
	job = tickets_print_report(app, r->open ? "X report" : "Z report", name, &rep, cause);
	for (size_t i = 0; i < s.n; i++)
		free(s.own[i]);
	return job;
}
