/* ui-draw.c - drawing helpers every screen uses: header with the
 * lost-connection banner, footer, buttons (which double as mouse targets),
 * the hold countdown and text fields. Called only from draw functions. */
#include "ui.h"
#include "util.h"

#include <curses.h>
#include <string.h>

void
ui_draw_header(struct ui *ui, const char *title)
{
	char right[128];

	attron(COLOR_PAIR(PAIR_HEADER) | A_BOLD);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 1, "MARQUEE  %s", title);
	if (ui->kiosk)
		snprintf(right, sizeof right, "%s%s", ui->customer_id != 0 ? ui->customer_name : "",
		         ui->customer_id != 0 ? "  " : "");
	else
		snprintf(right, sizeof right, "%s  %s", ui->staff_id != 0 ? ui->staff_name : "",
		         ui->app->cfg.terminal);
	mvprintw(0, COLS - (int)strlen(right) - 1 > 0 ? COLS - (int)strlen(right) - 1 : 0, "%s", right);
	attroff(COLOR_PAIR(PAIR_HEADER) | A_BOLD);
	if (!db_connected(ui->db)) {
		attron(COLOR_PAIR(PAIR_BANNER) | A_BOLD);
		mvhline(1, 0, ' ', COLS);
		mvprintw(1, 1, "DATABASE CONNECTION LOST - retrying. Nothing is lost: finish the step again when it is back.");
		attroff(COLOR_PAIR(PAIR_BANNER) | A_BOLD);
	}
}

/* The key hints (groups apart by two or more spaces) fitted to cols in buf
 * (of size bytes): when too long, the groups before the last go, nearest
 * it first, so the last (the way back or out) always shows. Returns buf. */
static const char *
ui_fit_keys(char *buf, size_t size, const char *keys, int cols)
{
	const char *at[32];
	int len[32], n = 0;

	for (const char *p = keys; *p != '\0' && n < 32; ) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		at[n] = p;
		while (*p != '\0' && !(p[0] == ' ' && p[1] == ' '))
			p++;
		len[n] = (int)(p - at[n]);
		n++;
	}
	buf[0] = '\0';
	for (int drop = 0; n > 0 && drop < n; drop++) {
		size_t k = 0;

		for (int i = 0; i < n && k < size; i++) {
			if (i >= n - 1 - drop && i < n - 1)
				continue;
			k += (size_t)snprintf(buf + k, size - k, "%s%.*s", k > 0 ? "  " : "", len[i], at[i]);
		}
		if (k < size && (int)k <= cols)
			return buf;
	}
	if (cols >= 0 && (size_t)cols < size)
		buf[cols] = '\0';
	return buf;
}

void
ui_draw_footer(struct ui *ui, const char *keys)
{
	int attr = ui->status_attr == UI_ERR ? COLOR_PAIR(PAIR_ERR) | A_BOLD :
	           ui->status_attr == UI_OK ? COLOR_PAIR(PAIR_OK) | A_BOLD : A_NORMAL;
	char fit[1024];

	attron(attr);
	/* A message too long for the line wraps at a space onto the line above
	 * (it may quote a title: textfit never cuts a character). */
	textfit(fit, sizeof fit, ui->status, COLS - 2, 0);
	if (strlen(fit) < strlen(ui->status)) {
		mvhline(LINES - 3, 0, ' ', COLS);
		ui_draw_wrap(LINES - 3, 1, COLS - 2, 2, ui->status);
	} else
		mvprintw(LINES - 2, 1, "%s", fit);
	attroff(attr);
	attron(COLOR_PAIR(PAIR_HEADER));
	mvhline(LINES - 1, 0, ' ', COLS);
	mvprintw(LINES - 1, 1, "%s", ui_fit_keys(fit, sizeof fit, keys, COLS - 2));
	attroff(COLOR_PAIR(PAIR_HEADER));
}


int
ui_draw_wrap(int y, int x, int w, int lines, const char *text)
{
	char fit[1024], *space;
	int n = 0;

	while (*text != '\0' && n < lines) {
		textfit(fit, sizeof fit, text, w, 0);
		if (strlen(fit) < strlen(text) && n + 1 < lines && (space = strrchr(fit, ' ')) != NULL &&
		    space > fit) {
			*space = '\0';
			text += space - fit + 1;
		} else
			text += strlen(fit);
		mvprintw(y + n++, x, "%s", fit);
		while (*text == ' ')
			text++;
	}
	return n;
}

void
ui_draw_button(struct ui *ui, int y, int x, int w, int h, const char *label, int key, bool hot)
{
	int attr = hot ? COLOR_PAIR(PAIR_MINE) | A_BOLD : COLOR_PAIR(PAIR_BUTTON);
	int len = (int)strlen(label);

	if (y < 0 || x < 0 || y >= LINES || x >= COLS)
		return;
	attron(attr);
	for (int r = 0; r < h && y + r < LINES; r++)
		mvhline(y + r, x, ' ', w);
	/* Short buttons and big targets centre their label; wide ones read left to right. */
	mvprintw(y + h / 2, x + (w <= 20 || h > 1 ? (w > len ? (w - len) / 2 : 0) : 1), "%.*s", w, label);
	attroff(attr);
	if (ui->nbuttons < UI_MAX_BUTTONS)
		ui->buttons[ui->nbuttons++] = (struct ui_button){ y, x, h, w, key };
}

void
ui_draw_countdown(struct ui *ui, int y, int x)
{
	int left = ui_sale_seconds_left(ui);
	int attr = left <= 60 ? COLOR_PAIR(PAIR_ERR) | A_BOLD : COLOR_PAIR(PAIR_OK) | A_BOLD;

	if (ui->sale.order_id == 0)
		return;
	attron(attr);
	if (ui->sale.expired || left == 0)
		mvprintw(y, x, "HOLD EXPIRED");
	else
		mvprintw(y, x, "Seats held %d:%02d", left / 60, left % 60);
	attroff(attr);
}

void
ui_draw_text_box(int y, int x, int w, const char *label, const char *value, bool focus, bool secret)
{
	int len = (int)strlen(value), lw = (int)strlen(label);

	mvprintw(y, x, "%s", label);
	attron(focus ? A_REVERSE | A_BOLD : A_UNDERLINE);
	mvhline(y, x + lw + 1, ' ', w);
	if (secret)
		for (int i = 0; i < len && i < w; i++)
			mvaddch(y, x + lw + 1 + i, '*');
	else {
		/* the end of what was typed, from a whole character on */
		const char *tail = len > w ? value + len - w : value;
		char fit[512];

		while (((unsigned char)*tail & 0xc0) == 0x80)
			tail++;
		textfit(fit, sizeof fit, tail, w, 0);
		mvprintw(y, x + lw + 1, "%s", fit);
	}
	attroff(focus ? A_REVERSE | A_BOLD : A_UNDERLINE);
}

bool
ui_field_key(char *buf, size_t size, int key)
{
	size_t len = strlen(buf);

	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (len > 0)
			buf[len - 1] = '\0';
		return true;
	}
	if (key == 21) {	/* Ctrl-U */
		buf[0] = '\0';
		return true;
	}
	if (key >= 32 && key < 127) {
		if (len + 1 < size) {
			buf[len] = (char)key;
			buf[len + 1] = '\0';
		}
		return true;
	}
	return false;
}
