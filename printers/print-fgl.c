/* print-fgl.c - tickets and receipts in Boca's FGL (Friendly Ghost
 * Language) for Boca cinema ticket printers (200 dpi, 2 x 5.5 inch stock).
 *
 * FGL places everything by dots: <RCrow,col> moves to a position, <Fn>
 * picks a resident font and <HWh,w> its height/width multipliers, <EI>/<DI>
 * turn reverse printing on/off, <LTn><BXh,w> draws a box, and
 * <QRsize,tilde,mode,ecc>{text} prints a QR code (FGL46). <p> prints and
 * cuts the ticket. The layout's dots are used as they are. */
#include "print.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Font command and the advance of one character in dots, per layout font. */
static const char *
fgl_font(enum layout_font f, int *advance)
{
	switch (f) {
	case FONT_SMALL:
		*advance = 9;
		return "<F2><HW1,1>";
	case FONT_NORMAL:
		*advance = 17;
		return "<F3><HW1,1>";
	case FONT_LARGE:
	case FONT_HUGE:
		*advance = 34;
		return "<F3><HW2,2>";
	}
	*advance = 17;
	return "<F3><HW1,1>";
}

/* Text at x,y cut to what fits in maxw dots (a large font that does not
 * fit steps down to the normal one first); angle brackets (which would
 * start a command) become blanks. */
static void
fgl_text(struct obuf *out, int x, int y, enum layout_font f, const char *s, int maxw)
{
	int adv;
	const char *cmd = fgl_font(f, &adv);
	size_t max, len = strlen(s != NULL ? s : "");
	char *a;

	if (len * (size_t)adv > (size_t)maxw && (f == FONT_LARGE || f == FONT_HUGE))
		cmd = fgl_font(FONT_NORMAL, &adv);
	max = (size_t)(maxw / adv > 0 ? maxw / adv : 1);
	a = print_ascii(s, max, "<>");

	obuf_printf(out, "<RC%d,%d>%s%s\n", y, x, cmd, a);
	free(a);
}

static void
fgl_item(struct obuf *out, const struct layout_item *it)
{
	switch (it->kind) {
	case LAYOUT_TEXT:
		if (it->label != NULL && it->text != NULL && *it->text != '\0') {
			char *s = xasprintf("%s %s", it->label, it->text);

			fgl_text(out, it->x, it->y, it->font, s, it->w);
			free(s);
		} else if (it->label == NULL)
			fgl_text(out, it->x, it->y, it->font, it->text, it->w);
		break;
	case LAYOUT_FIELD:
		fgl_text(out, it->x, it->y, FONT_SMALL, it->label, it->w);
		fgl_text(out, it->x, it->y + 22, it->font, it->text, it->w);
		break;
	case LAYOUT_BAND: {
		char *s = print_ascii(it->text, 26, "<>");

		obuf_printf(out, "<RC%d,%d><EI><F3><HW1,1> %-26s   %s <DI>\n", it->y + 10, it->x, s, it->label);
		free(s);
		break;
	}
	case LAYOUT_QR:
		/* Alphanumeric mode (1), error correction M (0), 4-dot modules. */
		obuf_printf(out, "<RC%d,%d><QR4,0,1,0>{%s}\n", it->y + 4, it->x + 4, it->text);
		break;
	case LAYOUT_RULE:
		if (it->h > 0)
			obuf_printf(out, "<RC%d,%d><LT1><BX%d,1>\n", it->y, it->x, it->h);
		else
			obuf_printf(out, "<RC%d,%d><LT2><BX2,%d>\n", it->y, it->x, it->w);
		break;
	}
}

int
print_fgl_tickets(const struct print_ticket *t, size_t n, struct obuf *out, char **cause)
{
	struct layout_item items[LAYOUT_MAX];

	(void)cause;
	for (size_t i = 0; i < n; i++) {
		size_t k = layout_ticket(&t[i], items);

		obuf_printf(out, "<NR>");
		for (size_t j = 0; j < k; j++)
			fgl_item(out, &items[j]);
		obuf_printf(out, "<RC350,640><F2><HW1,1>%d of %d%s\n", t[i].index, t[i].count,
		            t[i].issue > 0 ? " REPRINT" : "");
		obuf_printf(out, "<p>\n");
	}
	return 0;
}

void
print_fgl_lines(const struct receipt_line *lines, size_t n, struct obuf *out)
{
	int row = 0;

	obuf_printf(out, "<NR>");
	for (size_t i = 0; i < n; i++) {
		if (row == 16) {	/* a ticket holds 16 lines: go on on the next */
			obuf_printf(out, "<q>\n<NR>");
			row = 0;
		}
		fgl_text(out, 40, 16 + row * 22, FONT_SMALL, lines[i].text, 1000);
		row++;
	}
	obuf_printf(out, "<p>\n");
}
