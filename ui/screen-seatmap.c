/* screen-seatmap.c - the hall of one showtime: screen, aisles, every seat in
 * its colour (legend on screen), arrows/mouse/touch, scrolling for big halls,
 * best available for a party of N in one price band, and for a wheelchair
 * user with a companion (w: one key holds the pair; a line says where the
 * wheelchair places are and W brings them into view). Live: the layout is read once, then
 * changes only: a seat_change that carries the seats changed since the map's
 * own seat version is applied as it is (client_seat_news); one that names a
 * newer version otherwise makes the map ask for the seats changed since its
 * own (client_seat_changes), and so does a check after a few quiet seconds
 * in case the last notification was lost. */
#include "ui.h"
#include "client-show.h"
#include "ids.h"
#include "util.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#define SEATMAP_REFRESH 5.0	/* seconds between fallback checks ($MARQUEE_SEATMAP_REFRESH) */

struct seatmap {
	struct hall	 hall;
	int		 cur;		/* seat under the cursor, or -1 */
	int		 top, left;	/* first grid row and column shown */
	double		 current_at;	/* when a read or a notification last brought the map up to date */
	double		 refresh;	/* seconds of quiet before a fallback check */
	bool		 stale;		/* a newer version of this showtime was announced */
	bool		 changed;	/* a notification changed seats */
	/* geometry of the last draw, for mouse hits */
	int		 gy, gx, cw, vrows, vcols;
};

static void
seatmap_free_hall(struct seatmap *m)
{
	hall_free(&m->hall);
}

static bool
sale_has(const struct sale *s, const char *label)
{
	for (int i = 0; i < s->nseats; i++)
		if (strcmp(s->seats[i], label) == 0)
			return true;
	return false;
}

/* After seats changed: a chosen seat someone else just took is no longer
 * ours to offer. */
static void
seatmap_changed(struct ui *ui, struct seatmap *m)
{
	struct sale *s = &ui->sale;
	int lost = 0;

	for (int i = 0; i < s->nseats; i++) {
		int k = hall_find_label(&m->hall, s->seats[i]);

		if (k < 0 || m->hall.seat[k].status != SEAT_AVAILABLE) {
			lost++;
			memmove(s->seats[i], s->seats[i + 1], sizeof s->seats[0] * (size_t)(s->nseats - i - 1));
			s->nseats--;
			i--;
		}
	}
	if (lost > 0)
		ui_say(ui, UI_ERR, lost == 1 ? "%d chosen seat was just taken at another terminal." : "%d chosen seats were just taken at another terminal.", lost);
	for (int i = 0; i < m->hall.n; i++)
		m->hall.seat[i].selected = sale_has(s, m->hall.seat[i].label);
}

/* Brings the seats' states up to date: the layout is read once, then only
 * the seats changed since the map's version (all of them when full, as F5
 * asks). Returns how many seats the answer named, or -1. */
static int
seatmap_load(struct ui *ui, struct seatmap *m, bool full)
{
	struct sale *s = &ui->sale;
	char *cause = NULL;
	int n;

	m->current_at = ui_now();
	m->stale = false;
	if (m->hall.seat == NULL && client_seat_layout(ui->db, s->showtime_id, &m->hall, &cause) != 0)
		n = -1;
	else if (full)
		n = client_seat_map(ui->db, s->showtime_id, &m->hall, &cause) == 0 ? m->hall.n : -1;
	else
		n = client_seat_changes(ui->db, s->showtime_id, &m->hall, &cause);
	if (n < 0) {
		ui_say(ui, UI_ERR, "%s", cause);
		free(cause);
		return -1;
	}
	if (n > 0)
		seatmap_changed(ui, m);
	return n;
}

static void seatmap_best(struct ui *ui, struct seatmap *m, int n);

static void
seatmap_enter(struct ui *ui)
{
	struct seatmap *m = xcalloc(1, sizeof *m);

	ui->data = m;
	m->cur = -1;
	m->refresh = ui_env_seconds("MARQUEE_SEATMAP_REFRESH", SEATMAP_REFRESH);
	/* Back from the ticket screen: release the hold, keep the choice. */
	ui_sale_abandon(ui);
	ui_listen(ui, true);
	if (seatmap_load(ui, m, false) >= 0 && m->hall.n > 0) {
		int best[1];

		m->cur = ui->sale.nseats > 0 ? hall_find_label(&m->hall, ui->sale.seats[0]) : -1;
		if (m->cur < 0)
			m->cur = bestseat_find(&m->hall, 1, best) == 0 ? best[0] : 0;
		/* An exchange starts from the best places for the seats that move. */
		if (ui->exchange.order_id != 0 && ui->sale.nseats == 0)
			seatmap_best(ui, m, ui->exchange.count);
	}
}

static void
seatmap_leave(struct ui *ui)
{
	struct seatmap *m = ui->data;

	ui_listen(ui, false);
	seatmap_free_hall(m);
	free(m);
	ui->data = NULL;
}

/* A seat_change for this showtime: applied when it carries the seats
 * changed since the map's version; else the map asks when the version it
 * names is newer than its own (a late or repeated one asks nothing). */
static int
seatmap_notify(struct ui *ui, const struct seat_news *news)
{
	struct seatmap *m = ui->data;

	if (news->showtime_id != ui->sale.showtime_id)
		return 0;
	if (client_seat_news(&m->hall, news) == 1) {
		m->changed = true;
		m->current_at = ui_now();
	} else if (client_seat_behind(&m->hall, news->version))
		m->stale = true;
	return 0;
}

/* Applies the changes since the map's version when one was announced, and
 * after m->refresh seconds in which nothing brought the map up to date (the
 * last notification before a quiet spell lost, or a hold that ran out by
 * the clock). A notification applied is as good as a check: it carries
 * every seat changed since the version before it, holds run out included,
 * and a lost one shows as a gap in the next (client_seat_news refuses it,
 * and the map asks). Redraws only when a seat changed. */
static int
seatmap_tick(struct ui *ui)
{
	struct seatmap *m = ui->data;

	if (m->stale || ui_now() - m->current_at > m->refresh)
		m->changed |= seatmap_load(ui, m, false) != 0;
	else if (m->changed)
		seatmap_changed(ui, m);
	if (!m->changed)
		return 0;
	m->changed = false;
	return UI_REDRAW;
}

/* Selects or unselects one seat. */
static void
seatmap_toggle(struct ui *ui, struct seatmap *m, int k)
{
	struct sale *s = &ui->sale;
	struct seat *st;

	if (k < 0)
		return;
	st = &m->hall.seat[k];
	if (st->selected) {
		for (int i = 0; i < s->nseats; i++)
			if (strcmp(s->seats[i], st->label) == 0) {
				memmove(s->seats[i], s->seats[i + 1], sizeof s->seats[0] * (size_t)(s->nseats - i - 1));
				s->nseats--;
				break;
			}
		st->selected = 0;
		return;
	}
	if (st->kind == KIND_BLOCKED || st->status != SEAT_AVAILABLE) {
		ui_say(ui, UI_ERR, "%s is not free.", st->label);
		return;
	}
	if (s->nseats >= UI_MAX_SEATS) {
		ui_say(ui, UI_ERR, "At most %d seats in one sale.", UI_MAX_SEATS);
		return;
	}
	strlcpy_m(s->seats[s->nseats++], st->label, sizeof s->seats[0]);
	st->selected = 1;
	ui_say(ui, 0, "%s", "");
}

static const char *
kind_name(enum seat_kind k)
{
	static const char *const names[] = { "standard", "premium", "wheelchair", "companion", "blocked" };

	return names[k];
}

/* The price band the sale is in: that of its first chosen seat, else
 * standard. */
static enum seat_kind
seatmap_band(struct ui *ui, struct seatmap *m)
{
	int k = ui->sale.nseats > 0 ? hall_find_label(&m->hall, ui->sale.seats[0]) : -1;

	return k >= 0 && bestseat_band_of(&m->hall.seat[k]) == KIND_PREMIUM ? KIND_PREMIUM : KIND_STANDARD;
}

/* Replaces the choice with the best seats for a party of n, in the price
 * band the sale is in; another band only when that one has no n together,
 * and the message says so. */
static void
seatmap_best(struct ui *ui, struct seatmap *m, int n)
{
	int out[UI_MAX_SEATS];
	enum seat_kind band = seatmap_band(ui, m);
	int got;

	if (n < 1 || n > UI_MAX_SEATS)
		return;
	ui->sale.party = n;
	if ((got = bestseat_find_band(&m->hall, n, band, out)) < 0) {
		ui_say(ui, UI_ERR, "No %d seats together are free. Choose seats by hand.", n);
		return;
	}
	for (int i = 0; i < m->hall.n; i++)
		m->hall.seat[i].selected = 0;
	ui->sale.nseats = 0;
	for (int i = 0; i < n; i++)
		seatmap_toggle(ui, m, out[i]);
	m->cur = out[0];
	if (got == (int)band)
		ui_say(ui, UI_OK, "Best %d together: %s-%s. %s holds them.", n, m->hall.seat[out[0]].label,
		       m->hall.seat[out[n - 1]].label, ui->kiosk ? "Continue" : "Enter");
	else
		ui_say(ui, UI_ERR, "No %d %s seats together are free: %s-%s are %s seats, at a %s price. %s holds them.",
		       n, kind_name(band), m->hall.seat[out[0]].label, m->hall.seat[out[n - 1]].label,
		       kind_name((enum seat_kind)got), got == KIND_PREMIUM ? "higher" : "lower",
		       ui->kiosk ? "Continue" : "Enter");
}

/* Moves the cursor to the next wheelchair place after it (the draw then
 * brings it into view). */
static void
seatmap_next_wheelchair(struct ui *ui, struct seatmap *m)
{
	for (int k = 1; k <= m->hall.n; k++) {
		int i = (m->cur + k + m->hall.n) % m->hall.n;

		if (m->hall.seat[i].kind == KIND_WHEELCHAIR) {
			m->cur = i;
			ui_say(ui, 0, "Wheelchair place %s: %s.", m->hall.seat[i].label,
			       m->hall.seat[i].status == SEAT_AVAILABLE ? "free" : "taken");
			return;
		}
	}
	ui_say(ui, UI_ERR, "This hall has no wheelchair places.");
}

/* Moves the cursor to the nearest seat in a direction. */
static void
seatmap_move(struct seatmap *m, int dr, int dc)
{
	struct seat *c;
	int best = -1, bestd = 1 << 30;

	if (m->cur < 0 || m->hall.n == 0)
		return;
	c = &m->hall.seat[m->cur];
	for (int i = 0; i < m->hall.n; i++) {
		struct seat *s = &m->hall.seat[i];
		int d;

		if (dc != 0 && (s->row != c->row || (s->col - c->col) * dc <= 0))
			continue;
		if (dr != 0 && (s->row - c->row) * dr <= 0)
			continue;
		d = dc != 0 ? abs(s->col - c->col) : abs(s->row - c->row) * 1000 + abs(s->col - c->col);
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	if (best >= 0)
		m->cur = best;
}

static int
seatmap_key(struct ui *ui, int key)
{
	struct seatmap *m = ui->data;

	switch (key) {
	case KEY_LEFT:
		seatmap_move(m, 0, -1);
		break;
	case KEY_RIGHT:
		seatmap_move(m, 0, 1);
		break;
	case KEY_UP:
		seatmap_move(m, -1, 0);
		break;
	case KEY_DOWN:
		seatmap_move(m, 1, 0);
		break;
	case ' ':
	case KEY_F(4):
		seatmap_toggle(ui, m, m->cur);
		break;
	case KEY_F(3):
		seatmap_best(ui, m, ui->sale.party > 0 ? ui->sale.party : 2);
		break;
	case '+':
		seatmap_best(ui, m, ui->sale.party + 1 <= UI_MAX_SEATS ? ui->sale.party + 1 : UI_MAX_SEATS);
		break;
	case '-':
		seatmap_best(ui, m, ui->sale.party > 1 ? ui->sale.party - 1 : 1);
		break;
	case '0':
	case KEY_DC:
		for (int i = 0; i < m->hall.n; i++)
			m->hall.seat[i].selected = 0;
		ui->sale.nseats = 0;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(12):
		if (ui->exchange.order_id != 0 && ui->sale.nseats != ui->exchange.count)
			ui_say(ui, UI_ERR, "Choose %d seat(s): the booking moves %d.", ui->exchange.count,
			       ui->exchange.count);
		else if (ui_sale_hold(ui) == 0)
			ui_goto(ui, ui->exchange.order_id != 0 ? &screen_booking : &screen_tickets);
		else
			(void)seatmap_load(ui, m, false);
		break;
	case 27:
	case KEY_F(11):
		ui->sale.nseats = 0;
		ui_say(ui, 0, "%s", "");
		ui_goto(ui, ui->exchange.order_id != 0 ? &screen_booking : &screen_listing);
		break;
	case KEY_F(5):
		(void)seatmap_load(ui, m, true);
		break;
	case 'w':
		if (ui_sale_hold_accessible(ui) == 0)
			ui_goto(ui, &screen_tickets);
		else
			(void)seatmap_load(ui, m, false);
		break;
	case 'W':
		seatmap_next_wheelchair(ui, m);
		break;
	case KEY_MOUSE: {
		int r = m->top + (ui->mouse_y - m->gy) + 1;
		int c = m->left + (ui->mouse_x - m->gx) / (m->cw > 0 ? m->cw : 1) + 1;
		int k = ui->mouse_y >= m->gy && ui->mouse_x >= m->gx ? hall_find(&m->hall, r, c) : -1;

		if (k >= 0) {
			m->cur = k;
			seatmap_toggle(ui, m, k);
		}
		break;
	}
	default:
		if (key >= '1' && key <= '9')
			seatmap_best(ui, m, key - '0');
		else
			return UI_HANDLED;
	}
	return UI_REDRAW;
}

/* The glyph and colour of a seat. */
static chtype
seat_glyph(const struct seat *s)
{
	if (s->selected)
		return '@' | COLOR_PAIR(PAIR_MINE) | A_BOLD;
	if (s->kind == KIND_BLOCKED)
		return '#' | COLOR_PAIR(PAIR_BLOCKED) | A_DIM;
	if (s->status == SEAT_SOLD)
		return 'x' | COLOR_PAIR(PAIR_SOLD);
	if (s->status == SEAT_HELD)
		return 'h' | COLOR_PAIR(PAIR_HELD) | A_BOLD;
	switch (s->kind) {
	case KIND_WHEELCHAIR:
		return 'W' | COLOR_PAIR(PAIR_WHEEL) | A_BOLD;
	case KIND_COMPANION:
		return 'C' | COLOR_PAIR(PAIR_COMP) | A_BOLD;
	case KIND_PREMIUM:
		return 'P' | COLOR_PAIR(PAIR_PREMIUM) | A_BOLD;
	default:
		return 'o' | COLOR_PAIR(PAIR_FREE) | A_BOLD;
	}
}

static void
legend(int y, int x, chtype g, const char *word)
{
	mvaddch(y, x, g);
	printw(" %s ", word);
}

static void
seatmap_draw(struct seatmap *m)
{
	struct hall *h = &m->hall;
	int free = 0, held = 0, sold = 0, y, x;
	int top_y = 5, bottom = LINES - 5;

	m->cw = h->cols * 3 + 6 <= COLS ? 3 : 2;
	m->vcols = (COLS - 6) / m->cw;
	m->vrows = bottom - top_y - 1;
	if (m->vcols > h->cols)
		m->vcols = h->cols;
	if (m->vrows > h->rows)
		m->vrows = h->rows;
	if (m->vrows < 1)
		m->vrows = 1;
	if (m->cur >= 0) {
		struct seat *c = &h->seat[m->cur];

		if (c->row - 1 < m->top)
			m->top = c->row - 1;
		if (c->row - 1 >= m->top + m->vrows)
			m->top = c->row - m->vrows;
		if (c->col - 1 < m->left)
			m->left = c->col - 1;
		if (c->col - 1 >= m->left + m->vcols)
			m->left = c->col - m->vcols;
	}
	m->gx = (COLS - m->vcols * m->cw) / 2;
	if (m->gx < 4)
		m->gx = 4;
	m->gy = top_y + 1;
	/* the screen */
	attron(A_REVERSE);
	mvhline(top_y, m->gx, ' ', m->vcols * m->cw);
	mvprintw(top_y, m->gx + (m->vcols * m->cw - 6) / 2, "SCREEN");
	attroff(A_REVERSE);
	if (m->left > 0)
		mvprintw(top_y, m->gx - 3, "<<");
	if (m->left + m->vcols < h->cols)
		mvprintw(top_y, m->gx + m->vcols * m->cw + 1, ">>");
	for (int i = 0; i < h->n; i++) {
		struct seat *s = &h->seat[i];

		if (s->kind == KIND_BLOCKED)
			;
		else if (s->status == SEAT_SOLD)
			sold++;
		else if (s->status == SEAT_HELD)
			held++;
		else
			free++;
		if (s->row - 1 < m->top || s->row - 1 >= m->top + m->vrows || s->col - 1 < m->left ||
		    s->col - 1 >= m->left + m->vcols)
			continue;
		y = m->gy + s->row - 1 - m->top;
		x = m->gx + (s->col - 1 - m->left) * m->cw;
		if (i == m->cur && m->cw == 3) {
			attron(A_REVERSE | A_BOLD);
			mvprintw(y, x, "[ ]");
			attroff(A_REVERSE | A_BOLD);
			mvaddch(y, x + 1, seat_glyph(s) | A_REVERSE);
		} else if (i == m->cur)
			mvaddch(y, x, seat_glyph(s) ^ A_REVERSE);
		else
			mvaddch(y, x + (m->cw == 3 ? 1 : 0), seat_glyph(s));
	}
	for (int r = m->top; r < m->top + m->vrows; r++) {
		for (int i = 0; i < h->n; i++) {
			char rl[3] = { 0 };

			if (h->seat[i].row != r + 1)
				continue;
			for (int k = 0; k < 2 && isalpha((unsigned char)h->seat[i].label[k]); k++)
				rl[k] = h->seat[i].label[k];
			mvprintw(m->gy + r - m->top, m->gx - 3, "%-2s", rl);
			mvprintw(m->gy + r - m->top, m->gx + m->vcols * m->cw + 1, "%s", rl);
			break;
		}
	}
	if (m->top > 0)
		mvprintw(m->gy, m->gx + m->vcols * m->cw + 4, "^^");
	if (m->top + m->vrows < h->rows)
		mvprintw(m->gy + m->vrows - 1, m->gx + m->vcols * m->cw + 4, "vv");
	/* counts: also what the tests read */
	mvprintw(3, 1, "free %d  held %d  sold %d", free, held, sold);
	if (m->cur >= 0) {
		struct seat *c = &h->seat[m->cur];

		printw("   cursor %s %s %s", c->label, kind_name(c->kind),
		       c->kind == KIND_BLOCKED ? "" : c->status == SEAT_SOLD ? "sold" :
		       c->status == SEAT_HELD ? "held" : "free");
	}
}

/* One line on where the wheelchair places are: how many are free, in which
 * rows, and whether they are above or below the rows in view. Writes it to
 * buf; returns 0, or -1 when the hall has none. */
static int
seatmap_wheelchair_line(const struct seatmap *m, char *buf, size_t len)
{
	char rows[24] = "";
	int nfree = 0, above = 0, below = 0, any = 0, last_row = 0;

	for (int i = 0; i < m->hall.n; i++) {
		const struct seat *s = &m->hall.seat[i];

		if (s->kind != KIND_WHEELCHAIR)
			continue;
		any = 1;
		nfree += s->status == SEAT_AVAILABLE;
		above += s->row - 1 < m->top;
		below += s->row - 1 >= m->top + m->vrows;
		if (s->row != last_row && strlen(rows) + 4 < sizeof rows) {	/* seats are in row order */
			size_t n = strlen(rows);

			snprintf(rows + n, sizeof rows - n, "%s%.*s", n > 0 ? " " : "",
			         (int)strspn(s->label, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), s->label);
			last_row = s->row;
		}
	}
	if (!any)
		return -1;
	snprintf(buf, len, "Wheelchair: %d free, row %s%s", nfree, rows,
	         below > 0 ? ", below" : above > 0 ? ", above" : "");
	return 0;
}

static void
seatmap_draw_all(struct ui *ui)
{
	char ft[1024];
	struct seatmap *m = ui->data;
	struct sale *s = &ui->sale;
	int y = LINES - 4;

	ui_draw_header(ui, "seats");
	attron(A_BOLD);
	textfit(ft, sizeof ft, s->title, COLS / 2, 0);
	mvprintw(2, 1, "%s", ft);
	attroff(A_BOLD);
	printw("  %s  %s", s->when, s->hall);
	move(4, 1);
	legend(4, 1, 'o' | COLOR_PAIR(PAIR_FREE) | A_BOLD, "free");
	legend(4, getcurx(stdscr), 'h' | COLOR_PAIR(PAIR_HELD) | A_BOLD, "held");
	legend(4, getcurx(stdscr), 'x' | COLOR_PAIR(PAIR_SOLD), "sold");
	legend(4, getcurx(stdscr), 'W' | COLOR_PAIR(PAIR_WHEEL) | A_BOLD, "wheelchair");
	legend(4, getcurx(stdscr), 'C' | COLOR_PAIR(PAIR_COMP) | A_BOLD, "companion");
	legend(4, getcurx(stdscr), 'P' | COLOR_PAIR(PAIR_PREMIUM) | A_BOLD, "premium");
	legend(4, getcurx(stdscr), '#' | COLOR_PAIR(PAIR_BLOCKED) | A_DIM, "blocked");
	legend(4, getcurx(stdscr), '@' | COLOR_PAIR(PAIR_MINE) | A_BOLD, "chosen");
	if (m->hall.n > 0)
		seatmap_draw(m);
	if (m->hall.n > 0 && seatmap_wheelchair_line(m, ft, sizeof ft) == 0) {
		attron(COLOR_PAIR(PAIR_WHEEL) | A_BOLD);
		mvprintw(y - 1, 1, "%s", ft);
		attroff(COLOR_PAIR(PAIR_WHEEL) | A_BOLD);
		if (ui->kiosk) {
			ui_draw_button(ui, y - 1, COLS - 40, 22, 1, "Wheelchair+companion", 'w', false);
			ui_draw_button(ui, y - 1, COLS - 17, 16, 1, "Show wheelchair", 'W', false);
		} else
			printw("   w: + companion   W: go there");
	}
	mvprintw(y, 1, "Party %d  Chosen (%d):", s->party, s->nseats);
	for (int i = 0; i < s->nseats && getcurx(stdscr) < COLS - 30; i++)
		printw(" %s", s->seats[i]);
	if (ui->kiosk) {
		ui_draw_button(ui, y, COLS - 38, 5, 1, "-", '-', false);
		mvprintw(y, COLS - 32, "%2d", s->party);
		ui_draw_button(ui, y, COLS - 29, 5, 1, "+", '+', false);
		ui_draw_button(ui, y, COLS - 22, 10, 1, "Back", 27, false);
		ui_draw_button(ui, y, COLS - 11, 10, 1, "Continue", '\r', s->nseats > 0);
		ui_draw_footer(ui, "Touch seats, or + / - for the best seats together. Continue when ready.");
	} else if (ui->exchange.order_id != 0) {
		char pretty[BOOKCODE_LEN + 2];

		bookcode_pretty(ui->exchange.code, pretty);
		attron(A_BOLD);
		printw("   Exchange of %s: %d seat(s)", pretty, ui->exchange.count);
		attroff(A_BOLD);
		ui_draw_footer(ui, "arrows  Space pick  0 clear  Enter hold and confirm the exchange  Esc back to the booking");
	} else
		ui_draw_footer(ui, "1-9 best N  arrows  Space pick  0 clear  Enter/F12 hold  F3 best  F5 reload  Esc back");
}

const struct screen screen_seatmap = {
	.name = "seatmap",
	.enter = seatmap_enter,
	.leave = seatmap_leave,
	.key = seatmap_key,
	.draw = seatmap_draw_all,
	.tick = seatmap_tick,
	.notify = seatmap_notify,
	.relays = true,
};
