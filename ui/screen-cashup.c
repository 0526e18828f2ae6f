/* screen-cashup.c - the till's cash drawer (F7 from the showtimes at a
 * counter): the X report of the open drawer (float, cash sales, cash
 * refunds, drops, paid-outs, what it should hold; card sales apart), or
 * the last Z report; open with a float, a drop, a paid-out, and the close:
 * a count by denomination, answered with the over/short and the Z report
 * printed on the receipt printer. F6 prints the report shown. */
#include "office.h"
#include "client-cashup.h"
#include "util.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cashup_form { CF_NONE, CF_OPEN, CF_DROP, CF_PAID_OUT, CF_CLOSE };

struct cashup {
	struct cashup_report	 r;
	int			 has;	/* 1: r is a report; 0: the till never had a drawer */
	enum cashup_form	 form;
	struct office_form	 f;
	char			 labels[CASHUP_NDENOM][40];
	const char		*label_v[CASHUP_NDENOM];
};

static void
cashup_load(struct ui *ui, struct cashup *c)
{
	char *cause = NULL;

	c->has = client_cashup_report(ui->db, OFFICE_SESSION(ui), &c->r, &cause);
	if (c->has < 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		c->has = 0;
	}
}

/* Prints the report read last (the Z report just after a close) and says
 * how it went after said (the answer of what was done, or NULL). */
static void
cashup_print_say(struct ui *ui, struct cashup *c, const char *said)
{
	char *cause = NULL;
	const char *what = c->r.open ? "X report" : "Z report";
	int job;

	if (c->has == 0) {
		ui_say(ui, UI_ERR, "There is no report to print: no drawer has been opened here.");
		return;
	}
	job = cashup_print(ui->app, &c->r, ui->app->cfg.terminal, &cause);
	if (job > 0)
		ui_say(ui, UI_OK, "%s%s%s printed (job %d).", said != NULL ? said : "", said != NULL ? " " : "", what,
		       job);
	else
		ui_say(ui, UI_ERR, "%s%s%s not printed: %s", said != NULL ? said : "", said != NULL ? " " : "", what,
		       cause);
	free(cause);
}

static void
cashup_enter(struct ui *ui)
{
	struct cashup *c = xcalloc(1, sizeof *c);

	for (int i = 0; i < CASHUP_NDENOM; i++) {
		char m[24];

		money_format(m, sizeof m, cashup_denom[i]);
		snprintf(c->labels[i], sizeof c->labels[i], "%8s x", m);
		c->label_v[i] = c->labels[i];
	}
	ui->data = c;
	cashup_load(ui, c);
}

static void
cashup_leave(struct ui *ui)
{
	free(ui->data);
	ui->data = NULL;
}

/* Opens form f with its fields. */
static void
cashup_form(struct cashup *c, enum cashup_form f)
{
	static const char *const amount[2] = { "Amount ", "Reason " };
	static const char *const flt[1] = { "Float  " };

	c->form = f;
	if (f == CF_OPEN)
		office_form_start(&c->f, 1, flt);
	else if (f == CF_CLOSE)
		office_form_start(&c->f, CASHUP_NDENOM, c->label_v);
	else
		office_form_start(&c->f, 2, amount);
}

static void
cashup_submit(struct ui *ui, struct cashup *c)
{
	char *message = NULL;
	long long cents = 0;
	int rc, n[CASHUP_NDENOM];

	if (c->form != CF_CLOSE && money_parse(c->f.v[0], &cents) != 0) {
		ui_say(ui, UI_ERR, "Type an amount such as 100.00.");
		return;
	}
	switch (c->form) {
	case CF_OPEN:
		rc = client_cashup_open(ui->db, OFFICE_SESSION(ui), cents, &message);
		break;
	case CF_DROP:
	case CF_PAID_OUT:
		rc = client_cashup_move(ui->db, OFFICE_SESSION(ui), c->form == CF_DROP ? "drop" : "paid_out", cents,
		                        c->f.v[1], &message);
		break;
	case CF_CLOSE:
		for (int i = 0; i < CASHUP_NDENOM; i++) {
			if (strspn(c->f.v[i], "0123456789") != strlen(c->f.v[i]) || strlen(c->f.v[i]) > 5) {
				ui_say(ui, UI_ERR, "Count each denomination as a whole number.");
				c->f.focus = i;
				return;
			}
			n[i] = atoi(c->f.v[i]);
		}
		rc = client_cashup_close(ui->db, OFFICE_SESSION(ui), n, &message);
		break;
	default:
		return;
	}
	if (rc == 0 && c->form == CF_CLOSE) {
		/* Closed: the Z report goes to the printer at once. */
		c->form = CF_NONE;
		cashup_load(ui, c);
		cashup_print_say(ui, c, message);
		free(message);
		return;
	}
	if (office_said(ui, rc, message))
		c->form = CF_NONE;
	cashup_load(ui, c);
}

static int
cashup_key(struct ui *ui, int key)
{
	struct cashup *c = ui->data;

	if (c->form != CF_NONE) {
		if (key == 27) {
			c->form = CF_NONE;
			ui_say(ui, 0, "Nothing was recorded.");
		} else if (office_enter(key))
			cashup_submit(ui, c);
		else if (key == KEY_DOWN || key == KEY_UP)
			(void)office_form_key(&c->f, key == KEY_DOWN ? '\t' : KEY_BTAB);
		else
			(void)office_form_key(&c->f, key);
		return UI_REDRAW;
	}
	switch (key) {
	case KEY_F(2):
		cashup_form(c, CF_OPEN);
		break;
	case KEY_F(3):
		cashup_form(c, CF_DROP);
		break;
	case KEY_F(4):
		cashup_form(c, CF_PAID_OUT);
		break;
	case KEY_F(6):
		cashup_print_say(ui, c, NULL);
		break;
	case KEY_F(5):
		cashup_form(c, CF_CLOSE);
		ui_say(ui, 0, "Count the drawer: how many of each (Tab or Down: next), then Enter.");
		break;
	case KEY_F(7):
		cashup_load(ui, c);
		break;
	case 27:
	case KEY_F(10):
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, &screen_listing);
		break;
	default:
		return UI_HANDLED;
	}
	return UI_REDRAW;
}

/* One line of the report: a label and an amount at line y. */
static void
cashup_line(int y, const char *label, long long cents)
{
	char m[24];

	money_format(m, sizeof m, cents);
	mvprintw(y, 2, "%-28s %12s", label, m);
}

/* The count as money: "20.00 x 3  5.00 x 1". */
static void
cashup_counts(char *buf, size_t len, const struct cashup_report *r)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; k < r->ncounts && off + 32 < len; k++) {
		char m[24];

		money_format(m, sizeof m, r->count_denom[k]);
		off += (size_t)snprintf(buf + off, len - off, "%s%s x %lld", off > 0 ? "  " : "", m, r->count_n[k]);
	}
}

static void
cashup_draw(struct ui *ui)
{
	struct cashup *c = ui->data;
	const struct cashup_report *r = &c->r;
	char counts[256], fit[512];
	int y = 3;

	ui_draw_header(ui, "cash drawer");
	attron(A_BOLD);
	if (c->has == 0)
		mvprintw(y, 1, "No drawer has been opened at till %s.", ui->app->cfg.terminal);
	else if (r->open)
		mvprintw(y, 1, "X report - till %s - drawer OPEN", ui->app->cfg.terminal);
	else
		mvprintw(y, 1, "Z report - till %s - drawer CLOSED %s", ui->app->cfg.terminal, r->closed_at);
	attroff(A_BOLD);
	if (c->has != 0)
		mvprintw(y + 1, 1, "opened %s by %s", r->opened_at, r->opened_by);
	if (c->form == CF_CLOSE) {
		for (int i = 0; i < c->f.n; i++)
			ui_draw_text_box(5 + 2 * (i % 5), 2 + 30 * (i / 5), 6, c->f.label[i], c->f.v[i], c->f.focus == i,
			                 false);
		ui_draw_footer(ui, "Tab/Down next  Enter close the drawer with this count  Esc back");
		return;
	}
	if (c->has != 0) {
		cashup_line(y + 2, "Float", r->float_cents);
		cashup_line(y + 3, "+ Cash sales", r->cash_sales);
		cashup_line(y + 4, "- Cash refunds", r->cash_refunds);
		cashup_line(y + 5, "- Drops", r->drops);
		cashup_line(y + 6, "- Paid-outs", r->paid_outs);
		attron(A_BOLD);
		cashup_line(y + 7, "= Cash expected in drawer", r->expected);
		attroff(A_BOLD);
		cashup_line(y + 8, "Card sales (not in drawer)", r->card_sales);
		if (!r->open) {
			cashup_line(y + 10, "Counted", r->counted);
			attron(A_BOLD | (r->over_short != 0 ? COLOR_PAIR(PAIR_ERR) : COLOR_PAIR(PAIR_OK)));
			cashup_line(y + 11, r->over_short < 0 ? "SHORT" : r->over_short > 0 ? "OVER" : "Balanced",
			            r->over_short < 0 ? -r->over_short : r->over_short);
			attroff(A_BOLD | COLOR_PAIR(PAIR_ERR) | COLOR_PAIR(PAIR_OK));
			cashup_counts(counts, sizeof counts, r);
			mvprintw(y + 12, 2, "Count: %s", UI_FIT(fit, counts, COLS - 12));
		}
	}
	if (c->form != CF_NONE) {
		attron(A_BOLD);
		mvprintw(LINES - 9, 1, "%s", c->form == CF_OPEN ? "Open the drawer with a float" :
		         c->form == CF_DROP ? "A drop to the safe" : "A paid-out from the drawer (say what for)");
		attroff(A_BOLD);
		office_form_draw(&c->f, LINES - 7, 2, 30);
		ui_draw_footer(ui, "Tab next field  Enter record it  Esc back");
		return;
	}
	ui_draw_footer(ui, "F2 float  F3 drop  F4 paid-out  F5 count and close  F6 print  F7 reload  Esc back");
}

const struct screen screen_cashup = {
	.name = "cashup",
	.enter = cashup_enter,
	.leave = cashup_leave,
	.key = cashup_key,
	.draw = cashup_draw,
};
