/* print-escpos.c - tickets and receipts for ESC/POS thermal printers (80 mm
 * paper, 576 dots a line, 48 characters of font A).
 *
 * A thermal printer prints line after line, so the ticket is the layout's
 * items in flow order, centred; the QR is a raster bit image (GS v 0) made
 * from libqrencode, which every ESC/POS printer prints, unlike the native
 * QR commands that only some models know. Each ticket ends with a cut.
 *
 * Text is sent in code page 850 (ESC t 2, which Epson's printers and the
 * common clones all have), so the accented letters of Western European
 * titles and names print as themselves; characters outside it print as '?'.
 *
 * Commands used: ESC @ (reset), ESC t n (code page), ESC a n (align), ESC E n (bold), ESC M n
 * (font), GS ! n (size), GS B n (reverse), ESC d n (feed n lines),
 * GS v 0 m xL xH yL yH d... (raster image), GS V 66 n (feed and cut). */
#include "print.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define ESC	0x1b
#define GS	0x1d
#define LINE_CHARS	48
#define QR_MODULE	6	/* dots per QR module: 0.75 mm */

static void
esc(struct obuf *out, int a, int b, int n)
{
	obuf_byte(out, a);
	obuf_byte(out, b);
	obuf_byte(out, n);
}

/* Character size for GS !: width and height multipliers 1..8. */
static void
esc_size(struct obuf *out, int mult)
{
	esc(out, GS, '!', ((mult - 1) << 4) | (mult - 1));
}

/* Reset, and code page 850 for the text. */
static void
esc_init(struct obuf *out)
{
	obuf_byte(out, ESC);
	obuf_byte(out, '@');
	esc(out, ESC, 't', 2);
}

/* One line of text in code page 850, at the biggest multiplier up to want
 * that fits all of it on the line, cut to the line's width at 1. */
static void
esc_line(struct obuf *out, const char *s, int want)
{
	char *a = print_bytes(s, strlen(s != NULL ? s : ""), NULL, print_cp850);
	size_t len = strlen(a);	/* one byte a character */
	int mult = want;

	while (mult > 1 && len * (size_t)mult > LINE_CHARS)
		mult--;
	if (len > (size_t)(LINE_CHARS / mult))
		a[LINE_CHARS / mult] = '\0';
	esc_size(out, mult);
	obuf_add(out, a, strlen(a));
	obuf_byte(out, '\n');
	esc_size(out, 1);
	free(a);
}

static int
font_mult(enum layout_font f)
{
	return f == FONT_HUGE ? 3 : f == FONT_LARGE ? 2 : 1;
}

/* The QR of text as a GS v 0 raster, with a quiet zone of 4 modules. */
static int
esc_qr(struct obuf *out, const char *text, char **cause)
{
	QRcode *qr = print_qr(text, cause);
	int side, bytes;

	if (qr == NULL)
		return -1;
	side = (qr->width + 8) * QR_MODULE;
	bytes = (side + 7) / 8;
	obuf_byte(out, GS);
	obuf_byte(out, 'v');
	obuf_byte(out, '0');
	obuf_byte(out, 0);
	obuf_byte(out, bytes & 0xff);
	obuf_byte(out, bytes >> 8);
	obuf_byte(out, side & 0xff);
	obuf_byte(out, side >> 8);
	for (int y = 0; y < side; y++) {
		int my = y / QR_MODULE - 4;

		for (int bx = 0; bx < bytes; bx++) {
			int v = 0;

			for (int bit = 0; bit < 8; bit++) {
				int x = bx * 8 + bit, mx = x / QR_MODULE - 4;

				if (x < side && mx >= 0 && mx < qr->width && my >= 0 && my < qr->width &&
				    (qr->data[my * qr->width + mx] & 1))
					v |= 0x80 >> bit;
			}
			obuf_byte(out, v);
		}
	}
	obuf_byte(out, '\n');
	QRcode_free(qr);
	return 0;
}

static int
esc_ticket(struct obuf *out, const struct print_ticket *t, char **cause)
{
	struct layout_item items[LAYOUT_MAX];
	const struct layout_item *flow[LAYOUT_MAX];
	size_t n = layout_flow(items, layout_ticket(t, items), flow);

	esc(out, ESC, 'a', 1);
	for (size_t i = 0; i < n; i++) {
		const struct layout_item *it = flow[i];
		char *s;

		esc(out, ESC, 'E', it->bold ? 1 : 0);
		switch (it->kind) {
		case LAYOUT_BAND:
			s = xasprintf(" %s  *  %s ", it->text, it->label);
			esc(out, GS, 'B', 1);
			esc_line(out, s, 2);
			esc(out, GS, 'B', 0);
			free(s);
			break;
		case LAYOUT_TEXT:
			if (it->label != NULL && it->text != NULL && *it->text != '\0') {
				s = xasprintf("%s %s", it->label, it->text);
				esc_line(out, s, 1);
				free(s);
			} else if (it->label == NULL) {
				esc(out, ESC, 'M', it->font == FONT_SMALL ? 1 : 0);
				esc_line(out, it->text, font_mult(it->font));
				esc(out, ESC, 'M', 0);
			}
			break;
		case LAYOUT_FIELD:
			esc(out, ESC, 'E', 0);
			esc(out, ESC, 'M', 1);
			esc_line(out, it->label, 1);
			esc(out, ESC, 'M', 0);
			esc(out, ESC, 'E', it->bold ? 1 : 0);
			esc_line(out, it->text, font_mult(it->font));
			break;
		case LAYOUT_QR:
			if (esc_qr(out, it->text, cause) != 0)
				return -1;
			break;
		case LAYOUT_RULE:
			break;
		}
	}
	esc(out, ESC, 'E', 0);
	{
		char *s = xasprintf("Ticket %d of %d%s", t->index, t->count,
		                    t->issue > 0 ? " - REPRINT" : "");
		esc(out, ESC, 'M', 1);
		esc_line(out, s, 1);
		esc(out, ESC, 'M', 0);
		free(s);
	}
	esc(out, ESC, 'd', 4);
	obuf_byte(out, GS);
	obuf_byte(out, 'V');
	obuf_byte(out, 66);
	obuf_byte(out, 0);
	return 0;
}

int
print_escpos_tickets(const struct print_ticket *t, size_t n, struct obuf *out, char **cause)
{
	esc_init(out);
	for (size_t i = 0; i < n; i++)
		if (esc_ticket(out, &t[i], cause) != 0)
			return -1;
	return 0;
}

void
print_escpos_lines(const struct receipt_line *lines, size_t n, struct obuf *out)
{
	esc_init(out);
	for (size_t i = 0; i < n; i++) {
		esc(out, ESC, 'a', lines[i].align == ALIGN_CENTER ? 1 : 0);
		esc(out, ESC, 'E', lines[i].bold ? 1 : 0);
		esc_line(out, lines[i].text, lines[i].font == FONT_LARGE ? 2 : 1);
	}
	esc(out, ESC, 'E', 0);
	esc(out, ESC, 'd', 4);
	obuf_byte(out, GS);
	obuf_byte(out, 'V');
	obuf_byte(out, 66);
	obuf_byte(out, 0);
}
