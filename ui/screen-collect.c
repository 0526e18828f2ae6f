/* screen-collect.c - a kiosk guest collects tickets bought at the counter or
 * online: the booking code and the last four digits of the card that paid
 * or the e-mail address of the purchase, then the tickets print here (a new
 * issue: earlier copies stop opening the door). Wrong digits or addresses
 * are counted by the database, which locks the code after too many. */
#include "ui.h"
#include "client-booking.h"
#include "util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

/* A touch on the code or the digits field. */
enum { COLLECT_TOUCH_CODE = 1701, COLLECT_TOUCH_PROOF };

struct collect {
	char	code[16];
	char	proof[96];	/* the card's last four digits, or the e-mail of the purchase */
	int	focus;		/* 0 code, 1 proof */
};

static void
collect_enter(struct ui *ui)
{
	ui->data = xcalloc(1, sizeof(struct collect));
	ui_say(ui, 0, "%s", "");
}

static void
collect_leave(struct ui *ui)
{
	free(ui->data);
	ui->data = NULL;
}

static void
collect_submit(struct ui *ui, struct collect *c)
{
	char *cause = NULL, canonical[BOOKCODE_LEN + 1], pretty[BOOKCODE_LEN + 2];
	int rc;

	if (ui_guest_session(ui) != 0)
		return;
	rc = client_booking_collect(ui->app, ui->db, ui_session(ui), c->code, c->proof, &cause);

	if (rc == 0)
		ui_say(ui, UI_OK, "Your tickets are printing. Enjoy the show!");
	else if (rc == -1)
		ui_say(ui, UI_ERR, "%s", cause);
	else {
		if (bookcode_parse(c->code, canonical, NULL) == 0)
			bookcode_pretty(canonical, pretty);
		else
			strlcpy_m(pretty, c->code, sizeof pretty);
		ui_fail_collect(ui, cause, pretty);
	}
	free(cause);
	if (rc != -1) {
		memset(c, 0, sizeof *c);
	} else
		c->proof[0] = '\0';
}

static int
collect_key(struct ui *ui, int key)
{
	struct collect *c = ui->data;
	char *buf = c->focus == 0 ? c->code : c->proof;
	size_t size = c->focus == 0 ? sizeof c->code : sizeof c->proof, len = strlen(buf);

	switch (key) {
	case 27:
	case KEY_F(11):
		ui_goto(ui, &screen_attract);
		return UI_REDRAW;
	case COLLECT_TOUCH_CODE:
	case COLLECT_TOUCH_PROOF:
		c->focus = key == COLLECT_TOUCH_PROOF;
		return UI_REDRAW;
	case '\t':
	case KEY_UP:
	case KEY_DOWN:
		c->focus = !c->focus;
		return UI_REDRAW;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (c->focus == 0 && c->proof[0] == '\0') {
			c->focus = 1;
			return UI_REDRAW;
		}
		collect_submit(ui, c);
		return UI_REDRAW;
	default:
		if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
			buf[len - 1] = '\0';
		else if (key >= 32 && key < 127 && len + 1 < size && (c->focus == 0 || key != ' ')) {
			buf[len] = (char)key;
			buf[len + 1] = '\0';
		}
		return UI_REDRAW;
	}
}

static void
collect_draw(struct ui *ui)
{
	struct collect *c = ui->data;
	int y = 3, x = 4;

	ui_draw_header(ui, "collect tickets");
	attron(A_BOLD);
	mvprintw(y, x, "Collect tickets you bought at the counter or online");
	attroff(A_BOLD);
	if (ui->nbuttons + 2 <= UI_MAX_BUTTONS) {
		ui->buttons[ui->nbuttons++] = (struct ui_button){ y + 2, x, 1, 64, COLLECT_TOUCH_CODE };
		ui->buttons[ui->nbuttons++] = (struct ui_button){ y + 4, x, 1, 64, COLLECT_TOUCH_PROOF };
	}
	ui_draw_text_box(y + 2, x, 14, "Booking code           ", c->code, c->focus == 0, false);
	ui_draw_text_box(y + 4, x, 40, "Card's last 4 or e-mail", c->proof, c->focus == 1, false);
	mvprintw(y + 6, x, "The code is on your receipt or e-mail, like ABCD-EFGHJ. Then the last 4");
	mvprintw(y + 7, x, "digits of the card that paid, or the e-mail address you bought with.");
	ui_draw_button(ui, y + 9, x, 22, 1, "Print my tickets", '\r', true);
	ui_draw_button(ui, y + 9, x + 24, 12, 1, "Back", 27, false);
	ui_draw_footer(ui, "Touch a field to type in it, then touch Print my tickets.");
}

const struct screen screen_collect = {
	.name = "collect",
	.enter = collect_enter,
	.leave = collect_leave,
	.key = collect_key,
	.draw = collect_draw,
};
