/* office-print.c - the back office's reports as slips on the receipt
 * printer, as their screens show them: the takings (a row a group with its
 * net, then gross, refunds and net) and the shows' occupancy (a show's
 * time and film, then its admissions of seats, occupancy and revenue; the
 * totals), each under
 * a line saying what it counts. */
#include "client-office.h"
#include "slip.h"
#include "util.h"

#include <stdlib.h>

int
office_print_takings(struct app *app, const struct office_table *t, const char *heading, char **cause)
{
	struct slip s = { 0 };

	slip_text(&s, heading);
	slip_text(&s, NULL);
	for (int r = 0; r < t->n; r++)
		slip_money(&s, OFFICE_CELL(t, r, TAKE_KEY), office_int(t, r, TAKE_NET), 0);
	slip_text(&s, NULL);
	slip_money(&s, "Gross", office_sum(t, TAKE_GROSS), 0);
	slip_money(&s, "- Refunds", office_sum(t, TAKE_REFUNDED), 0);
	slip_money(&s, "= Net", office_sum(t, TAKE_NET), 1);
	return slip_print(app, &s, "TAKINGS", "takings report", "takings report", cause);
}

int
office_print_shows(struct app *app, const struct office_table *t, const char *heading, char **cause)
{
	struct slip s = { 0 };
	long long seats = office_sum(t, OCC_SEATS), adm = office_sum(t, OCC_ADMISSIONS);

	slip_text(&s, heading);
	slip_text(&s, NULL);
	for (int r = 0; r < t->n; r++) {
		char m[24];

		money_format(m, sizeof m, office_int(t, r, OCC_REVENUE));
		slip_row(&s, xasprintf("%s %s", OFFICE_CELL(t, r, OCC_WHEN), OFFICE_CELL(t, r, OCC_TITLE)), NULL, 0);
		slip_row(&s, xasprintf("  %s of %s seats, %s%%", OFFICE_CELL(t, r, OCC_ADMISSIONS),
		                       OFFICE_CELL(t, r, OCC_SEATS), OFFICE_CELL(t, r, OCC_PCT)),
		         xstrdup(m), 0);
	}
	slip_text(&s, NULL);
	slip_row(&s, xstrdup("Admissions"), xasprintf("%lld of %lld seats", adm, seats), 0);
	slip_row(&s, xstrdup("Occupancy"), xasprintf("%.1f%%", seats > 0 ? 100.0 * (double)adm / (double)seats : 0.0), 0);
	slip_money(&s, "= Revenue", office_sum(t, OCC_REVENUE), 1);
	return slip_print(app, &s, "SHOWS", "shows report", "shows report", cause);
}
