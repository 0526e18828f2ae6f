/* cashup-print.c - a drawer's X or Z report as a slip on the receipt
 * printer: the till, who opened it and when, the book (float, cash sales,
 * cash refunds, drops, paid-outs, the cash expected; card sales apart),
 * and for a closed drawer the count by denomination, the total counted and
 * the over/short. */
#include "client-cashup.h"
#include "slip.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

/* The count as a row a denomination counted: "  20.00 x 3" and its value. */
static void
slip_counts(struct slip *s, const struct cashup_report *r)
{
	for (int k = 0; k < r->ncounts; k++) {
		char m[24], *label;

		money_format(m, sizeof m, r->count_denom[k]);
		label = xasprintf("  %s x %lld", m, r->count_n[k]);
		slip_money(s, label, r->count_denom[k] * r->count_n[k], 0);
		free(label);
	}
}

int
cashup_print(struct app *app, const struct cashup_report *r, const char *terminal, char **cause)
{
	struct slip s = { 0 };
	char name[32];

	slip_row(&s, xstrdup("Till"), xstrdup(terminal), 0);
	slip_row(&s, xstrdup("Drawer"), xasprintf("%lld", r->drawer_id), 0);
	slip_row(&s, xstrdup("Opened"), xasprintf("%s by %s", r->opened_at, r->opened_by), 0);
	if (!r->open)
		slip_row(&s, xstrdup("Closed"), xstrdup(r->closed_at), 0);
	slip_text(&s, NULL);
	slip_money(&s, "Float", r->float_cents, 0);
	slip_money(&s, "+ Cash sales", r->cash_sales, 0);
	slip_money(&s, "- Cash refunds", r->cash_refunds, 0);
	slip_money(&s, "- Drops", r->drops, 0);
	slip_money(&s, "- Paid-outs", r->paid_outs, 0);
	slip_money(&s, "= Cash expected", r->expected, 1);
	slip_money(&s, "Card sales (not in drawer)", r->card_sales, 0);
	if (!r->open) {
		slip_text(&s, NULL);
		slip_text(&s, "Count");
		slip_counts(&s, r);
		slip_money(&s, "Counted", r->counted, 1);
		slip_money(&s, r->over_short < 0 ? "SHORT" : r->over_short > 0 ? "OVER" : "Balanced",
		           r->over_short < 0 ? -r->over_short : r->over_short, 1);
	}
	snprintf(name, sizeof name, "drawer %lld", r->drawer_id);
	return slip_print(app, &s, r->open ? "X REPORT" : "Z REPORT", r->open ? "X report" : "Z report", name, cause);
}
