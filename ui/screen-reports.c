/* screen-reports.c - the back office's reports: takings (grouped by film,
 * cashier, terminal, tender or day; counted on the sale's day or the
 * show's; one day or a week) with the day's sales by hour as a bar chart,
 * the shows' occupancy (seats, admissions, %, revenue), the distributor's
 * film week (admissions and box office per cinema and film) and the card
 * payments by day and terminal with their terminal references. */
#include "office.h"
#include "client-cashup.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const takings_by[] = { "film", "cashier", "terminal", "tender", "day" };
#define TAKINGS_NBY ((int)(sizeof takings_by / sizeof takings_by[0]))

/* "Thu 03 Dec 2026" for today + day. */
static void
report_day(char *buf, size_t len, int day)
{
	time_t t = time(NULL) + (time_t)day * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%a %d %b %Y", &tm);
}

/* The period keys both reports share: Left/Right a day, w a day or a week.
 * Returns true when the key was one (the rows are to be read again). */
static bool
report_period_key(struct office *o, int key)
{
	if (key == KEY_LEFT || key == '-')
		o->day -= o->span;
	else if (key == KEY_RIGHT || key == '+')
		o->day += o->span;
	else if (key == 'w')
		o->span = o->span == 1 ? 7 : 1;
	else
		return false;
	return true;
}

static int
takings_load(struct ui *ui, struct office *o, char **cause)
{
	if (client_office_takings(ui->db, OFFICE_SESSION(ui), takings_by[o->by], o->show_basis ? "show" : "sale",
	                          o->day, o->day + o->span - 1, &o->t, cause) != 0)
		return -1;
	return client_office_hourly(ui->db, OFFICE_SESSION(ui), o->day, o->hourly, cause);
}

/* The day close: c asks the database what closing the shown day keeps,
 * then the day is typed back (a form) to close it. */
static int
takings_close_key(struct ui *ui, struct office *o, int key)
{
	static const char *const labels[1] = { "Type the day (YYYY-MM-DD)" };
	char *message = NULL;
	int rc;

	if (o->mode == OFFICE_FORM) {
		if (!office_enter(key)) {
			(void)office_form_key(&o->form, key);
			return UI_REDRAW;
		}
		rc = client_cashup_day_close(ui->db, OFFICE_SESSION(ui), o->day, o->form.v[0], &message);
		if (rc == 1) {
			ui_say(ui, UI_ERR, "%s", message);
			free(message);
			return UI_REDRAW;
		}
		(void)office_said(ui, rc, message);
		o->mode = OFFICE_LIST;
		return UI_REDRAW;
	}
	rc = client_cashup_day_close(ui->db, OFFICE_SESSION(ui), o->day, "", &message);
	if (rc == 1) {
		office_form_start(&o->form, 1, labels);
		o->mode = OFFICE_FORM;
		ui_say(ui, UI_ERR, "%s", message);
		free(message);
	} else
		(void)office_said(ui, rc, message);
	return UI_REDRAW;
}

/* What the takings shown count: "by film, sale day, Thu 03 Dec 2026". */
static void
takings_heading(struct office *o, char *buf, size_t len)
{
	char day[32];

	report_day(day, sizeof day, o->day);
	snprintf(buf, len, "by %s, %s day, %s%s", takings_by[o->by], o->show_basis ? "show" : "sale", day,
	         o->span > 1 ? " and 6 days on" : "");
}

/* Says how printing a report (what: "Takings") went: job, or -1 and cause
 * (freed here). */
static void
report_printed(struct ui *ui, const char *what, int job, char *cause)
{
	if (job < 0) {
		ui_say(ui, UI_ERR, "%s not printed: %s", what, cause);
		free(cause);
	} else
		ui_say(ui, 0, "%s report printed (job %d).", what, job);
}

/* p: the takings shown, on the receipt printer. */
static void
takings_print(struct ui *ui, struct office *o)
{
	char heading[96], *cause = NULL;
	int job;

	takings_heading(o, heading, sizeof heading);
	job = office_print_takings(ui->app, &o->t, heading, &cause);
	report_printed(ui, "Takings", job, cause);
}

static int
takings_key(struct ui *ui, struct office *o, int key)
{
	if (key == 'c' || o->mode == OFFICE_FORM)
		return takings_close_key(ui, o, key);
	if (key == 'p') {
		takings_print(ui, o);
		return UI_REDRAW;
	}
	if (key == 'g')
		o->by = (o->by + 1) % TAKINGS_NBY;
	else if (key == 's')
		o->show_basis = !o->show_basis;
	else if (!report_period_key(o, key))
		return UI_HANDLED;
	office_reload(ui, o);
	return UI_REDRAW;
}

/* Money columns: payments, gross, refunds, net from cells c0.. of row r. */
static void
takings_money(const struct office_table *t, int r, char m[3][24])
{
	money_format(m[0], sizeof m[0], office_int(t, r, TAKE_GROSS));
	money_format(m[1], sizeof m[1], office_int(t, r, TAKE_REFUNDED));
	money_format(m[2], sizeof m[2], office_int(t, r, TAKE_NET));
}

static void
takings_row(struct ui *ui, struct office *o, int r, int y)
{
	char fk[128], m[3][24];

	(void)ui;
	takings_money(&o->t, r, m);
	mvprintw(y, 1, "%s %6s %11s %11s %11s", UI_FIT(fk, OFFICE_CELL(&o->t, r, TAKE_KEY), 30),
	         OFFICE_CELL(&o->t, r, TAKE_PAYMENTS), m[0], m[1], m[2]);
}

/* Draws the day's net sales by hour as bars of h lines from line y: one
 * bar per hour, its height proportional to the best hour's. */
static void
takings_chart(struct office *o, int y, int h)
{
	long long max = 0;
	int step = COLS >= 100 ? 4 : 3, x0 = 1;
	char day[32], best[24];

	for (int i = 0; i < 24; i++)
		if (o->hourly[i] > max)
			max = o->hourly[i];
	report_day(day, sizeof day, o->day);
	money_format(best, sizeof best, max);
	attron(A_BOLD);
	mvprintw(y, 1, "Sales by hour, %s (net; the tallest bar is %s)", day, best);
	attroff(A_BOLD);
	for (int i = 0; i < 24; i++) {
		int bar = max > 0 && o->hourly[i] > 0 ? (int)((o->hourly[i] * h + max - 1) / max) : 0;
		int x = x0 + i * step;

		if (x + step > COLS)
			break;
		attron(COLOR_PAIR(PAIR_OK) | A_BOLD);
		for (int j = 0; j < bar; j++)
			mvhline(y + h - j, x, '#', step - 1);
		attroff(COLOR_PAIR(PAIR_OK) | A_BOLD);
		if (bar == 0)
			mvhline(y + h, x, '_', step - 1);
		mvprintw(y + h + 1, x, "%02d", i);
	}
}

static void
takings_draw(struct ui *ui, struct office *o)
{
	int chart_h = LINES >= 36 ? 10 : 5;
	int chart_y = LINES - 3 - (chart_h + 2);
	char day[32], heading[96], m[3][24];

	report_day(day, sizeof day, o->day);
	takings_heading(o, heading, sizeof heading);
	attron(A_BOLD);
	mvprintw(4, 1, "Takings %s", heading);
	mvprintw(5, 1, "%-30s %6s %11s %11s %11s", "", "Pays", "Gross", "Refunds", "Net");
	attroff(A_BOLD);
	office_draw_list(ui, o, 6, chart_y - 1);
	money_format(m[0], sizeof m[0], office_sum(&o->t, TAKE_GROSS));
	money_format(m[1], sizeof m[1], office_sum(&o->t, TAKE_REFUNDED));
	money_format(m[2], sizeof m[2], office_sum(&o->t, TAKE_NET));
	if (o->t.n == 0)
		mvprintw(7, 2, "No payments or refunds then.");
	attron(A_BOLD);
	mvprintw(chart_y - 1, 1, "%-30s %6s %11s %11s %11s", "TOTAL", "", m[0], m[1], m[2]);
	attroff(A_BOLD);
	if (o->mode == OFFICE_FORM) {
		attron(A_BOLD);
		mvprintw(chart_y + 1, 1, "Close the day %s", day);
		attroff(A_BOLD);
		office_form_draw(&o->form, chart_y + 3, 2, 12);
		ui_draw_footer(ui, "Type the day back, then Enter: the day is closed  Esc cancel");
		return;
	}
	takings_chart(o, chart_y, chart_h);
	ui_draw_footer(ui, "Left/Right day  w week  g group by  s sale/show day  p print  c close the day  F7 reload"
	               "  F2 staff  F5 shows  F6 audit  Esc back");
}

const struct office_tab office_takings = {
	.name = "F4 Takings",
	.load = takings_load,
	.key = takings_key,
	.draw = takings_draw,
	.row = takings_row,
};

static int
shows_load(struct ui *ui, struct office *o, char **cause)
{
	return client_office_occupancy(ui->db, OFFICE_SESSION(ui), o->day, o->day + o->span - 1, &o->t, cause);
}

static int
shows_key(struct ui *ui, struct office *o, int key)
{
	if (key == 'p') {
		char day[32], heading[96], *cause = NULL;
		int job;

		report_day(day, sizeof day, o->day);
		snprintf(heading, sizeof heading, "the shows of %s%s", day, o->span > 1 ? " and 6 days on" : "");
		job = office_print_shows(ui->app, &o->t, heading, &cause);
		report_printed(ui, "Shows", job, cause);
		return UI_REDRAW;
	}
	if (!report_period_key(o, key))
		return UI_HANDLED;
	office_reload(ui, o);
	return UI_REDRAW;
}

static void
shows_row(struct ui *ui, struct office *o, int r, int y)
{
	char fw[64], ft[128], rev[24];
	int wide = COLS >= 110;

	(void)ui;
	money_format(rev, sizeof rev, office_int(&o->t, r, OCC_REVENUE));
	mvprintw(y, 1, "%-16s %s %s %5s %5s %5s%% %10s", OFFICE_CELL(&o->t, r, OCC_WHEN),
	         UI_FIT(fw, office_place(OFFICE_CELL(&o->t, r, OCC_WHERE)), wide ? 24 : 12),
	         UI_FIT(ft, OFFICE_CELL(&o->t, r, OCC_TITLE), wide ? 34 : 16), OFFICE_CELL(&o->t, r, OCC_SEATS),
	         OFFICE_CELL(&o->t, r, OCC_ADMISSIONS), OFFICE_CELL(&o->t, r, OCC_PCT), rev);
}

static void
shows_draw(struct ui *ui, struct office *o)
{
	int wide = COLS >= 110;
	long long seats = office_sum(&o->t, OCC_SEATS), adm = office_sum(&o->t, OCC_ADMISSIONS);
	char day[32], m[24];

	report_day(day, sizeof day, o->day);
	attron(A_BOLD);
	mvprintw(4, 1, "Occupancy of the shows of %s%s", day, o->span > 1 ? " and 6 days on" : "");
	mvprintw(5, 1, "%-16s %-*s %-*s %5s %5s %6s %10s", "When", wide ? 24 : 12, "Hall", wide ? 34 : 16, "Film",
	         "Seats", "Adm", "Occ", "Revenue");
	attroff(A_BOLD);
	office_draw_list(ui, o, 6, LINES - 4);
	money_format(m, sizeof m, office_sum(&o->t, OCC_REVENUE));
	attron(A_BOLD);
	mvprintw(LINES - 4, 1, "%-16s %-*s %-*s %5lld %5lld %5.1f%% %10s", "TOTAL", wide ? 24 : 12, "", wide ? 34 : 16,
	         "", seats, adm, seats > 0 ? 100.0 * (double)adm / (double)seats : 0.0, m);
	attroff(A_BOLD);
	if (o->t.n == 0)
		mvprintw(7, 2, "No shows then.");
	ui_draw_footer(ui, "Left/Right day  w week  p print  F7 reload  F2 staff  F3 seats  F4 takings  F6 audit  Esc back");
}

const struct office_tab office_shows = {
	.name = "F5 Shows",
	.load = shows_load,
	.key = shows_key,
	.draw = shows_draw,
	.row = shows_row,
};

static int
weekly_load(struct ui *ui, struct office *o, char **cause)
{
	return client_office_distributor(ui->db, OFFICE_SESSION(ui), o->day, &o->t, cause);
}

/* Left/Right a film week. */
static int
weekly_key(struct ui *ui, struct office *o, int key)
{
	if (key == KEY_LEFT || key == '-')
		o->day -= 7;
	else if (key == KEY_RIGHT || key == '+')
		o->day += 7;
	else
		return UI_HANDLED;
	office_reload(ui, o);
	return UI_REDRAW;
}

static void
weekly_row(struct ui *ui, struct office *o, int r, int y)
{
	char fw[64], ft[128], m[3][24];
	int wide = COLS >= 110;

	(void)ui;
	money_format(m[0], sizeof m[0], office_int(&o->t, r, DIST_GROSS));
	money_format(m[1], sizeof m[1], office_int(&o->t, r, DIST_REFUNDED));
	money_format(m[2], sizeof m[2], office_int(&o->t, r, DIST_BOX_OFFICE));
	mvprintw(y, 1, "%s %s %5s %5s %10s %9s %10s", UI_FIT(fw, office_place(OFFICE_CELL(&o->t, r, DIST_WHERE)),
	         wide ? 24 : 12), UI_FIT(ft, OFFICE_CELL(&o->t, r, DIST_TITLE), wide ? 34 : 18),
	         OFFICE_CELL(&o->t, r, DIST_SHOWS), OFFICE_CELL(&o->t, r, DIST_ADMISSIONS), m[0], m[1], m[2]);
}

static void
weekly_draw(struct ui *ui, struct office *o)
{
	int wide = COLS >= 110;
	long long shows = office_sum(&o->t, DIST_SHOWS), adm = office_sum(&o->t, DIST_ADMISSIONS);
	char day[32], m[3][24];

	report_day(day, sizeof day, o->day);
	attron(A_BOLD);
	if (o->t.n > 0)
		mvprintw(4, 1, "Distributor report, the film week from %s", OFFICE_CELL(&o->t, 0, DIST_WEEK));
	else
		mvprintw(4, 1, "Distributor report, the film week of %s", day);
	mvprintw(5, 1, "%-*s %-*s %5s %5s %10s %9s %10s", wide ? 24 : 12, "Cinema", wide ? 34 : 18, "Film", "Shows",
	         "Adm", "Gross", "Refunds", "Box office");
	attroff(A_BOLD);
	office_draw_list(ui, o, 6, LINES - 4);
	money_format(m[0], sizeof m[0], office_sum(&o->t, DIST_GROSS));
	money_format(m[1], sizeof m[1], office_sum(&o->t, DIST_REFUNDED));
	money_format(m[2], sizeof m[2], office_sum(&o->t, DIST_BOX_OFFICE));
	if (o->t.n == 0)
		mvprintw(7, 2, "No shows that week.");
	attron(A_BOLD);
	mvprintw(LINES - 4, 1, "%-*s %-*s %5lld %5lld %10s %9s %10s", wide ? 24 : 12, "TOTAL", wide ? 34 : 18, "", shows,
	         adm, m[0], m[1], m[2]);
	attroff(A_BOLD);
	ui_draw_footer(ui, "Left/Right film week  F7 reload  F4 takings  F5 shows  F11 cards  Esc back");
}

const struct office_tab office_weekly = {
	.name = "F9 Week",
	.load = weekly_load,
	.key = weekly_key,
	.draw = weekly_draw,
	.row = weekly_row,
};

static int
cards_load(struct ui *ui, struct office *o, char **cause)
{
	return client_office_cards(ui->db, OFFICE_SESSION(ui), o->day, o->day + o->span - 1, &o->t, cause);
}

static void
cards_row(struct ui *ui, struct office *o, int r, int y)
{
	char ft[32], fc[32], fr[64], m[24];
	int wide = COLS >= 110;

	(void)ui;
	money_format(m, sizeof m, office_int(&o->t, r, CARD_CENTS));
	mvprintw(y, 1, "%-10s %s %-8s %-6s %-9s %s %s %9s %s", OFFICE_CELL(&o->t, r, CARD_DAY),
	         UI_FIT(ft, OFFICE_CELL(&o->t, r, CARD_TERMINAL), 10), OFFICE_CELL(&o->t, r, CARD_AT),
	         OFFICE_CELL(&o->t, r, CARD_KIND), OFFICE_CELL(&o->t, r, CARD_CODE),
	         UI_FIT(fc, OFFICE_CELL(&o->t, r, CARD_CARD), 9),
	         UI_FIT(fr, OFFICE_CELL(&o->t, r, CARD_REF), wide ? 36 : 10), m,
	         wide ? OFFICE_CELL(&o->t, r, CARD_STATE) : "");
}

static void
cards_draw(struct ui *ui, struct office *o)
{
	int wide = COLS >= 110;
	long long sales = 0, back = 0;
	char day[32], m[3][24];

	report_day(day, sizeof day, o->day);
	attron(A_BOLD);
	mvprintw(4, 1, "Card payments by day and terminal, %s%s", day, o->span > 1 ? " and 6 days on" : "");
	mvprintw(5, 1, "%-10s %-10s %-8s %-6s %-9s %-9s %-*s %9s %s", "Day", "Terminal", "Time", "Kind", "Booking",
	         "Card", wide ? 36 : 10, "Term. ref", "Amount", wide ? "State" : "");
	attroff(A_BOLD);
	office_draw_list(ui, o, 6, LINES - 4);
	for (int r = 0; r < o->t.n; r++) {
		long long c = office_int(&o->t, r, CARD_CENTS);

		if (c > 0)
			sales += c;
		else
			back -= c;
	}
	money_format(m[0], sizeof m[0], sales);
	money_format(m[1], sizeof m[1], back);
	money_format(m[2], sizeof m[2], sales - back);
	if (o->t.n == 0)
		mvprintw(7, 2, "No card payments then.");
	attron(A_BOLD);
	mvprintw(LINES - 4, 1, "TOTAL card sales %s  refunds %s  net %s", m[0], m[1], m[2]);
	attroff(A_BOLD);
	ui_draw_footer(ui, "Left/Right day  w week  F7 reload  F4 takings  F9 weekly  Esc back");
}

const struct office_tab office_cards = {
	.name = "F11 Cards",
	.load = cards_load,
	.key = shows_key,
	.draw = cards_draw,
	.row = cards_row,
};
