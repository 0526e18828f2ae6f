/* print-layout.c - the one ticket layout every driver draws, the receipt's
 * lines, and the byte buffer drivers write into.
 *
 * The ticket is 5.5 x 2 inches, landscape, in dots of 1/200 inch:
 *
 *   +------------------------------------------------+ : +-------------+
 *   | MARQUEE RIVERSIDE              ADMIT ONE       | : | MARQUEE ... |
 *   | THE CARTOGRAPHER  PG-13                +-----+ | : | film        |
 *   | DATE            TIME      AUDITORIUM   | QR  | | : | date  time  |
 *   | SEAT   TICKET   PRICE                  |     | | : | SEAT A1     |
 *   | booking 93Q4-43PVX  1 of 2             +-----+ | : | 93Q4-43PVX  |
 *   +------------------------------------------------+ : +-------------+
 *
 * The stub right of the perforation is the usher's part. */
#include "print.h"
#include "textfit.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
obuf_add(struct obuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap == 0 ? 4096 : b->cap;

		while (cap < b->len + n)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
obuf_byte(struct obuf *b, int c)
{
	unsigned char u = (unsigned char)c;

	obuf_add(b, &u, 1);
}

void
obuf_printf(struct obuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	obuf_add(b, s, strlen(s));
	free(s);
}

void
obuf_free(struct obuf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Code page 850's byte for each of U+00A0 .. U+00FF, the letters and signs
 * of Latin-1 (made from Python's cp850 codec). */
const unsigned char print_cp850[96] = {
	0xff, 0xad, 0xbd, 0x9c, 0xcf, 0xbe, 0xdd, 0xf5, 0xf9, 0xb8, 0xa6, 0xae,
	0xaa, 0xf0, 0xa9, 0xee, 0xf8, 0xf1, 0xfd, 0xfc, 0xef, 0xe6, 0xf4, 0xfa,
	0xf7, 0xfb, 0xa7, 0xaf, 0xac, 0xab, 0xf3, 0xa8, 0xb7, 0xb5, 0xb6, 0xc7,
	0x8e, 0x8f, 0x92, 0x80, 0xd4, 0x90, 0xd2, 0xd3, 0xde, 0xd6, 0xd7, 0xd8,
	0xd1, 0xa5, 0xe3, 0xe0, 0xe2, 0xe5, 0x99, 0x9e, 0x9d, 0xeb, 0xe9, 0xea,
	0x9a, 0xed, 0xe8, 0xe1, 0x85, 0xa0, 0x83, 0xc6, 0x84, 0x86, 0x91, 0x87,
	0x8a, 0x82, 0x88, 0x89, 0x8d, 0xa1, 0x8c, 0x8b, 0xd0, 0xa4, 0x95, 0xa2,
	0x93, 0xe4, 0x94, 0xf6, 0x9b, 0x97, 0xa3, 0x96, 0x81, 0xec, 0xe7, 0x98,
};

/* Latin-1's own bytes for U+00A0 .. U+00FF. */
#define ROW16(b)	(b), (b) + 1, (b) + 2, (b) + 3, (b) + 4, (b) + 5, (b) + 6, (b) + 7, \
			(b) + 8, (b) + 9, (b) + 10, (b) + 11, (b) + 12, (b) + 13, (b) + 14, (b) + 15
const unsigned char print_latin1[96] = {
	ROW16(0xa0), ROW16(0xb0), ROW16(0xc0), ROW16(0xd0), ROW16(0xe0), ROW16(0xf0),
};

char *
print_bytes(const char *s, size_t max, const char *drop, const unsigned char *page)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = 0;
	char *out = xmalloc(max + 1);

	while (*p != '\0' && n < max) {
		unsigned int cp;
		int len = utf8_decode(p, &cp);
		unsigned char c;

		if (len == 0) {		/* not UTF-8 */
			c = '?';
			len = 1;
		} else if (utf8_is_control(cp))
			c = ' ';
		else if (cp < 0x80)
			c = (unsigned char)cp;
		else if (page != NULL && cp >= 0xa0 && cp <= 0xff)
			c = page[cp - 0xa0];
		else
			c = '?';
		if (drop != NULL && c < 0x80 && strchr(drop, c) != NULL)
			c = ' ';
		out[n++] = (char)c;
		p += len;
	}
	out[n] = '\0';
	return out;
}

char *
print_ascii(const char *s, size_t max, const char *drop)
{
	return print_bytes(s, max, drop, NULL);
}

QRcode *
print_qr(const char *text, char **cause)
{
	QRcode *qr;

	errno = 0;
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		*cause = xasprintf("cannot make the QR code: %s",
		                   errno != 0 ? strerror(errno) : "unknown error");
	return qr;
}

static struct layout_item *
add(struct layout_item *items, size_t *n, enum layout_kind kind, int x, int y, int w, int h)
{
	struct layout_item *it = &items[(*n)++];

	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->x = x;
	it->y = y;
	it->w = w;
	it->h = h;
	it->font = FONT_NORMAL;
	it->align = ALIGN_CENTER;
	return it;
}

size_t
layout_ticket(const struct print_ticket *t, struct layout_item items[LAYOUT_MAX])
{
	struct layout_item *it;
	size_t n = 0;
	const int stub = 800;	/* x of the perforation */

	/* Frame of the main part. */
	it = add(items, &n, LAYOUT_BAND, 20, 18, stub - 40, 54);
	it->text = t->cinema; it->font = FONT_NORMAL; it->bold = 1;
	it->label = "ADMIT ONE";
	it->flow = 1;

	it = add(items, &n, LAYOUT_TEXT, 34, 88, 560, 60);
	it->text = t->film; it->font = FONT_LARGE; it->bold = 1; it->flow = 3;
	it = add(items, &n, LAYOUT_TEXT, 34, 146, 300, 26);
	it->label = "Rated"; it->text = t->rating; it->font = FONT_SMALL; it->flow = 4;

	it = add(items, &n, LAYOUT_FIELD, 34, 180, 258, 0);
	it->label = "DATE"; it->text = t->date; it->flow = 5;
	it = add(items, &n, LAYOUT_FIELD, 302, 180, 92, 0);
	it->label = "TIME"; it->text = t->time; it->bold = 1; it->flow = 6;
	it = add(items, &n, LAYOUT_FIELD, 404, 180, 200, 0);
	it->label = "AUDITORIUM"; it->text = t->auditorium; it->flow = 7;

	it = add(items, &n, LAYOUT_FIELD, 34, 252, 140, 0);
	it->label = "SEAT"; it->text = t->seat; it->font = FONT_HUGE; it->bold = 1; it->flow = 8;
	it = add(items, &n, LAYOUT_FIELD, 194, 252, 190, 0);
	it->label = "TICKET"; it->text = t->type; it->flow = 9;
	it = add(items, &n, LAYOUT_FIELD, 404, 252, 180, 0);
	it->label = "PRICE"; it->text = t->price; it->flow = 10;

	it = add(items, &n, LAYOUT_QR, 592, 90, 196, 196);
	it->text = t->payload; it->flow = 11;

	it = add(items, &n, LAYOUT_TEXT, 600, 300, 184, 24);
	it->label = "BOOKING"; it->text = t->code; it->font = FONT_SMALL; it->bold = 1; it->flow = 12;
	it = add(items, &n, LAYOUT_RULE, 20, 340, stub - 40, 0);
	it = add(items, &n, LAYOUT_TEXT, 34, 350, 560, 22);
	it->text = t->address; it->font = FONT_SMALL; it->flow = 2;

	/* The perforation and the usher's stub. */
	it = add(items, &n, LAYOUT_RULE, stub, 10, 0, LAYOUT_H - 20);
	it = add(items, &n, LAYOUT_TEXT, stub + 24, 24, 250, 24);
	it->text = t->cinema; it->font = FONT_SMALL; it->bold = 1;
	it = add(items, &n, LAYOUT_TEXT, stub + 24, 64, 256, 30);
	it->text = t->film; it->font = FONT_NORMAL; it->bold = 1;
	it = add(items, &n, LAYOUT_FIELD, stub + 24, 120, 150, 0);
	it->label = "DATE"; it->text = t->date; it->font = FONT_SMALL;
	it = add(items, &n, LAYOUT_FIELD, stub + 184, 120, 90, 0);
	it->label = "TIME"; it->text = t->time; it->font = FONT_SMALL; it->bold = 1;
	it = add(items, &n, LAYOUT_FIELD, stub + 24, 190, 130, 0);
	it->label = "SEAT"; it->text = t->seat; it->font = FONT_LARGE; it->bold = 1;
	it = add(items, &n, LAYOUT_FIELD, stub + 164, 190, 110, 0);
	it->label = "HALL"; it->text = t->auditorium; it->font = FONT_SMALL;
	it = add(items, &n, LAYOUT_FIELD, stub + 24, 290, 256, 0);
	it->label = "TICKET"; it->text = t->type; it->font = FONT_SMALL;
	it = add(items, &n, LAYOUT_TEXT, stub + 24, 350, 256, 22);
	it->text = t->code; it->font = FONT_SMALL;
	return n;
}

static int
flow_cmp(const void *a, const void *b)
{
	const struct layout_item *x = *(const struct layout_item *const *)a;
	const struct layout_item *y = *(const struct layout_item *const *)b;

	return (x->flow > y->flow) - (x->flow < y->flow);
}

size_t
layout_flow(const struct layout_item *items, size_t n, const struct layout_item *out[LAYOUT_MAX])
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (items[i].flow > 0)
			out[k++] = &items[i];
	qsort(out, k, sizeof *out, flow_cmp);
	return k;
}

static void
line_add(struct receipt_line **lines, size_t *n, enum layout_font font, int bold,
         enum layout_align align, char *text)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[*n].text = text;
	(*lines)[*n].font = font;
	(*lines)[*n].bold = bold;
	(*lines)[*n].align = align;
	(*n)++;
}

/* "left ....... right" in width characters. */
static char *
two_columns(const char *left, const char *right, int width)
{
	int l = (int)strlen(left), r = (int)strlen(right);
	int gap = width - l - r;

	if (gap < 1)
		gap = 1;
	return xasprintf("%s%*s%s", left, gap, "", right);
}

/* A slip's width (at most 80) and its rule, a line of '-' across it;
 * starts the slip's lines (none yet). Returns the width. */
static int
slip_start(int width, char rule[81], size_t *n)
{
	*n = 0;
	if (width > 80)
		width = 80;
	memset(rule, '-', (size_t)width);
	rule[width] = '\0';
	return width;
}

struct receipt_line *
receipt_lines(const struct print_receipt *r, int width, size_t *n)
{
	struct receipt_line *lines = NULL;
	char rule[81];

	width = slip_start(width, rule, n);
	line_add(&lines, n, FONT_LARGE, 1, ALIGN_CENTER, xstrdup(r->cinema));
	line_add(&lines, n, FONT_SMALL, 0, ALIGN_CENTER, xstrdup(r->address));
	line_add(&lines, n, FONT_NORMAL, 1, ALIGN_CENTER, xstrdup("RECEIPT"));
	line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, xstrdup(rule));
	line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, two_columns("Booking", r->code, width));
	line_add(&lines, n, FONT_NORMAL, 1, ALIGN_LEFT, xstrdup(r->film));
	line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT,
	         xasprintf("%s %s, %s", r->date, r->time, r->auditorium));
	line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, xstrdup(rule));
	for (size_t i = 0; i < r->nlines; i++) {
		char *left = xasprintf("Seat %-4s %s", r->lines[i].seat, r->lines[i].type);

		line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, two_columns(left, r->lines[i].price, width));
		free(left);
	}
	line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, xstrdup(rule));
	line_add(&lines, n, FONT_NORMAL, 1, ALIGN_LEFT, two_columns("TOTAL", r->total, width));
	for (size_t i = 0; i < r->npayments; i++) {
		const struct print_receipt_payment *p = &r->payments[i];

		line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, two_columns(p->method, p->amount, width));
		line_add(&lines, n, FONT_SMALL, 0, ALIGN_LEFT, xasprintf("  %s", p->when));
		if (p->note != NULL && *p->note != '\0')
			line_add(&lines, n, FONT_SMALL, 0, ALIGN_LEFT, xasprintf("  %s", p->note));
	}
	line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, xstrdup(rule));
	line_add(&lines, n, FONT_SMALL, 0, ALIGN_CENTER, xasprintf("Terminal %s", r->terminal));
	line_add(&lines, n, FONT_SMALL, 0, ALIGN_CENTER, xstrdup("Thank you. Enjoy the show!"));
	return lines;
}

void
receipt_lines_free(struct receipt_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
}

int
print_tickets(enum print_driver driver, const struct print_ticket *t, size_t n,
              struct obuf *out, char **cause)
{
	switch (driver) {
	case DRIVER_PS:
		return print_ps_tickets(t, n, out, cause);
	case DRIVER_ESCPOS:
		return print_escpos_tickets(t, n, out, cause);
	case DRIVER_FGL:
		return print_fgl_tickets(t, n, out, cause);
	}
	*cause = xstrdup("unknown printer driver");
	return -1;
}

struct receipt_line *
report_lines(const struct print_report *r, int width, size_t *n)
{
	struct receipt_line *lines = NULL;
	char rule[81];

	width = slip_start(width, rule, n);
	if (r->cinema != NULL && *r->cinema != '\0')
		line_add(&lines, n, FONT_LARGE, 1, ALIGN_CENTER, xstrdup(r->cinema));
	line_add(&lines, n, FONT_NORMAL, 1, ALIGN_CENTER, xstrdup(r->title));
	line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, xstrdup(rule));
	for (size_t i = 0; i < r->nrows; i++) {
		const struct print_report_row *row = &r->rows[i];

		if (row->label == NULL)
			line_add(&lines, n, FONT_NORMAL, 0, ALIGN_LEFT, xstrdup(rule));
		else if (row->value == NULL)
			line_add(&lines, n, FONT_NORMAL, row->bold, ALIGN_LEFT, xstrdup(row->label));
		else
			line_add(&lines, n, FONT_NORMAL, row->bold, ALIGN_LEFT,
			         two_columns(row->label, row->value, width));
	}
	return lines;
}

/* Renders lines, built by make from doc at the driver's width, in the
 * driver's language. Returns 0, or -1 with *cause for an unknown driver. */
static int
print_slip(enum print_driver driver, const char *title,
           struct receipt_line *(*make)(const void *doc, int width, size_t *n), const void *doc,
           struct obuf *out, char **cause)
{
	struct receipt_line *lines;
	size_t n;

	switch (driver) {
	case DRIVER_PS:
		lines = make(doc, 42, &n);
		print_ps_lines(title, lines, n, out);
		break;
	case DRIVER_ESCPOS:
		lines = make(doc, 48, &n);
		print_escpos_lines(lines, n, out);
		break;
	case DRIVER_FGL:
		lines = make(doc, 48, &n);
		print_fgl_lines(lines, n, out);
		break;
	default:
		*cause = xstrdup("unknown printer driver");
		return -1;
	}
	receipt_lines_free(lines, n);
	return 0;
}

static struct receipt_line *
receipt_make(const void *doc, int width, size_t *n)
{
	return receipt_lines(doc, width, n);
}

static struct receipt_line *
report_make(const void *doc, int width, size_t *n)
{
	return report_lines(doc, width, n);
}

int
print_receipt(enum print_driver driver, const struct print_receipt *r, struct obuf *out,
              char **cause)
{
	return print_slip(driver, "Receipt", receipt_make, r, out, cause);
}

int
print_report(enum print_driver driver, const struct print_report *r, struct obuf *out, char **cause)
{
	return print_slip(driver, r->title, report_make, r, out, cause);
}
