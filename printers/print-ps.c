/* print-ps.c - tickets and receipts as PostScript, for any CUPS queue.
 *
 * Each ticket is one 5.5 x 2 inch page (396 x 144 points) drawn from the
 * layout; the QR is drawn module by module as filled rectangles from
 * libqrencode, so no font or image support is needed in the printer. The
 * output is deterministic: the same tickets give the same bytes. */
#include "print.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define PT_PER_DOT	"0.36"	/* 72 / 200 */

static const char ps_prolog[] =
	"%%BeginProlog\n"
	"/F { selectfont } bind def\n"
	"% /Name /Base L1: Base with ISO Latin-1 encoding, for accented titles\n"
	"% (but 45 stays a hyphen, as in StandardEncoding, not a minus sign)\n"
	"/L1 { findfont dup length dict begin { 1 index /FID ne { def } { pop pop } ifelse } forall\n"
	"  /Encoding ISOLatin1Encoding dup length array copy dup 45 /hyphen put def\n"
	"  currentdict end definefont pop } bind def\n"
	"/Helvetica-L1 /Helvetica L1 /Helvetica-Bold-L1 /Helvetica-Bold L1\n"
	"/Courier-L1 /Courier L1 /Courier-Bold-L1 /Courier-Bold L1\n"
	"% (text) maxw fitshow: shows text, squeezed sideways to maxw if wider\n"
	"/fitshow { exch dup stringwidth pop 3 -1 roll 2 copy gt\n"
	"  { exch div gsave currentpoint translate 1 scale 0 0 moveto show grestore }\n"
	"  { pop pop show } ifelse } bind def\n"
	"% (text) xright y rshow\n"
	"/rshow { 3 -1 roll dup stringwidth pop 4 -1 roll exch sub 3 -1 roll moveto show } bind def\n"
	"% x y w R: one run of dark QR modules\n"
	"/R { 1 rectfill } bind def\n"
	"%%EndProlog\n";

/* Font size in dots of each layout font. */
static int
font_dots(enum layout_font f)
{
	switch (f) {
	case FONT_SMALL:
		return 20;
	case FONT_NORMAL:
		return 30;
	case FONT_LARGE:
		return 50;
	case FONT_HUGE:
		return 64;
	}
	return 30;
}

/* Writes UTF-8 s (at most 200 characters) as a PostScript string literal
 * for the Latin-1 fonts of the prolog: "Amélie" prints as itself. A
 * character outside Latin-1 prints as '?', a control character as a space. */
static void
ps_string(struct obuf *out, const char *s)
{
	char *a = print_bytes(s, 200, NULL, print_latin1);

	obuf_byte(out, '(');
	for (const unsigned char *p = (const unsigned char *)a; *p != '\0'; p++) {
		if (*p == '(' || *p == ')' || *p == '\\')
			obuf_byte(out, '\\');
		if (*p < 0x80)
			obuf_byte(out, (char)*p);
		else
			obuf_printf(out, "\\%03o", *p);
	}
	obuf_byte(out, ')');
	free(a);
}

/* Text with its top left at x,y (layout dots, y down), at most maxw wide. */
static void
ps_text(struct obuf *out, int x, int y, int size, int bold, const char *s, int maxw)
{
	obuf_printf(out, "/%s %d F %d %d moveto ", bold ? "Helvetica-Bold-L1" : "Helvetica-L1", size,
	            x, LAYOUT_H - y - size * 3 / 4);
	ps_string(out, s);
	obuf_printf(out, " %d fitshow\n", maxw);
}

/* The QR of text centred in the box x,y,w (square). */
static int
ps_qr(struct obuf *out, int x, int y, int w, const char *text, char **cause)
{
	QRcode *qr = print_qr(text, cause);
	int m, left, top;

	if (qr == NULL)
		return -1;
	m = w / qr->width;
	if (m < 1)
		m = 1;
	left = x + (w - m * qr->width) / 2;
	top = y + (w - m * qr->width) / 2;
	obuf_printf(out, "gsave %d %d translate %d %d scale\n", left, LAYOUT_H - top - m * qr->width, m, m);
	for (int r = 0; r < qr->width; r++) {
		const unsigned char *row = qr->data + r * qr->width;
		int c = 0;

		while (c < qr->width) {
			int start;

			if (!(row[c] & 1)) {
				c++;
				continue;
			}
			start = c;
			while (c < qr->width && (row[c] & 1))
				c++;
			obuf_printf(out, "%d %d %d R\n", start, qr->width - 1 - r, c - start);
		}
	}
	obuf_printf(out, "grestore\n");
	QRcode_free(qr);
	return 0;
}

/* Draws one layout item. */
static int
ps_item(struct obuf *out, const struct layout_item *it, char **cause)
{
	int size = font_dots(it->font);

	switch (it->kind) {
	case LAYOUT_TEXT:
		if (it->label != NULL && *it->label != '\0' && it->text != NULL && *it->text != '\0') {
			char *s = xasprintf("%s %s", it->label, it->text);

			ps_text(out, it->x, it->y, size, it->bold, s, it->w);
			free(s);
		} else if (it->label == NULL)
			ps_text(out, it->x, it->y, size, it->bold, it->text, it->w);
		break;
	case LAYOUT_FIELD:
		obuf_printf(out, "0.35 setgray\n");
		ps_text(out, it->x, it->y, 15, 1, it->label, it->w);
		obuf_printf(out, "0 setgray\n");
		ps_text(out, it->x, it->y + 20, size, it->bold, it->text, it->w);
		break;
	case LAYOUT_BAND:
		obuf_printf(out, "%d %d %d %d rectfill 1 setgray\n", it->x, LAYOUT_H - it->y - it->h,
		            it->w, it->h);
		ps_text(out, it->x + 14, it->y + (it->h - size) / 2, size, it->bold, it->text,
		        it->w * 2 / 3);
		obuf_printf(out, "/Helvetica-Bold-L1 %d F ", size * 4 / 5);
		ps_string(out, it->label);
		obuf_printf(out, " %d %d rshow 0 setgray\n", it->x + it->w - 14,
		            LAYOUT_H - it->y - it->h / 2 - size * 3 / 10);
		break;
	case LAYOUT_QR:
		return ps_qr(out, it->x, it->y, it->w, it->text, cause);
	case LAYOUT_RULE:
		if (it->h > 0)
			obuf_printf(out, "gsave [10 8] 0 setdash 2 setlinewidth %d %d moveto 0 %d rlineto "
			            "stroke grestore\n", it->x, LAYOUT_H - it->y, -it->h);
		else
			obuf_printf(out, "gsave 2 setlinewidth %d %d moveto %d 0 rlineto stroke grestore\n",
			            it->x, LAYOUT_H - it->y, it->w);
		break;
	}
	return 0;
}

static void
ps_header(struct obuf *out, const char *title, int w_pt, int h_pt, size_t pages)
{
	obuf_printf(out, "%%!PS-Adobe-3.0\n%%%%Creator: marquee\n%%%%Title: %s\n", title);
	obuf_printf(out, "%%%%BoundingBox: 0 0 %d %d\n%%%%DocumentMedia: Ticket %d %d 0 () ()\n",
	            w_pt, h_pt, w_pt, h_pt);
	obuf_printf(out, "%%%%Pages: %zu\n%%%%EndComments\n", pages);
	obuf_add(out, ps_prolog, sizeof ps_prolog - 1);
	obuf_printf(out, "%%%%BeginSetup\n<< /PageSize [%d %d] >> setpagedevice\n%%%%EndSetup\n",
	            w_pt, h_pt);
}

int
print_ps_tickets(const struct print_ticket *t, size_t n, struct obuf *out, char **cause)
{
	struct layout_item items[LAYOUT_MAX];

	ps_header(out, "Tickets", 396, 144, n);
	for (size_t i = 0; i < n; i++) {
		size_t k = layout_ticket(&t[i], items);

		obuf_printf(out, "%%%%Page: %zu %zu\ngsave " PT_PER_DOT " " PT_PER_DOT " scale\n",
		            i + 1, i + 1);
		/* The ticket's edge, so a plain sheet shows where to cut. */
		obuf_printf(out, "gsave 1.5 setlinewidth 6 6 %d %d rectstroke grestore\n",
		            LAYOUT_W - 12, LAYOUT_H - 12);
		for (size_t j = 0; j < k; j++)
			if (ps_item(out, &items[j], cause) != 0)
				return -1;
		/* Small print: which copy this is. */
		obuf_printf(out, "0.35 setgray\n");
		{
			char *s = xasprintf("%d of %d%s", t[i].index, t[i].count,
			                    t[i].issue > 0 ? "  REPRINT" : "");
			obuf_printf(out, "/Helvetica-L1 16 F ");
			ps_string(out, s);
			obuf_printf(out, " %d %d rshow\n", 780, LAYOUT_H - 370);
			free(s);
		}
		obuf_printf(out, "0 setgray grestore\nshowpage\n");
	}
	obuf_printf(out, "%%%%EOF\n");
	return 0;
}

void
print_ps_lines(const char *title, const struct receipt_line *lines, size_t n, struct obuf *out)
{
	int h = 40 + (int)n * 14, y;

	ps_header(out, title, 227, h, 1);
	obuf_printf(out, "%%%%Page: 1 1\n");
	y = h - 24;
	for (size_t i = 0; i < n; i++) {
		int size = lines[i].font == FONT_LARGE ? 12 : lines[i].font == FONT_SMALL ? 7 : 8;

		obuf_printf(out, "/%s %d F ", lines[i].font == FONT_LARGE || lines[i].bold ?
		            "Courier-Bold-L1" : "Courier-L1", size);
		ps_string(out, lines[i].text);
		if (lines[i].align == ALIGN_CENTER)
			obuf_printf(out, " dup stringwidth pop 227 exch sub 2 div %d moveto show\n", y);
		else
			obuf_printf(out, " 12 %d moveto show\n", y);
		y -= 14;
	}
	obuf_printf(out, "showpage\n%%%%EOF\n");
}
