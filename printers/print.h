/* print.h - tickets and receipts as printer bytes (PostScript, ESC/POS, Boca
 * FGL) and the CUPS queue they go to.
 *
 * One layout (print-layout.c) says what goes where on a 5.5 x 2 inch ticket,
 * in dots of 1/200 inch, and in which order a line printer prints it; each
 * driver turns that list into its language. Nothing here talks to the
 * database: callers fill struct print_ticket from api.order_tickets. */
#ifndef MARQUEE_PRINT_H
#define MARQUEE_PRINT_H

#include <stdatomic.h>
#include <stddef.h>

#include <qrencode.h>

#include "print-driver.h"

/* A growing byte buffer that never fails (out of memory is fatal). */
struct obuf {
	unsigned char	*data;
	size_t		 len;
	size_t		 cap;
};
void obuf_add(struct obuf *b, const void *p, size_t n);
void obuf_byte(struct obuf *b, int c);
void obuf_printf(struct obuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void obuf_free(struct obuf *b);

/* What one ticket shows. Strings are borrowed from the caller. */
struct print_ticket {
	const char	*cinema;
	const char	*address;
	const char	*film;
	const char	*rating;
	const char	*auditorium;
	const char	*date;		/* "Wed 25 Nov 2026", the cinema's time */
	const char	*time;		/* "20:45" */
	const char	*seat;
	const char	*type;		/* ticket type name, "Adult" */
	const char	*price;		/* "USD 12.50" */
	const char	*code;		/* booking code for reading aloud, "93Q4-43PVX" */
	const char	*payload;	/* signed QR text */
	int		 issue;		/* 0 = first print, n = nth reprint */
	int		 index;		/* 1-based number within the booking */
	int		 count;		/* tickets in the booking */
};

/* What a receipt lists: the booking, each ticket, each payment. */
struct print_receipt_line {
	const char	*seat;
	const char	*type;
	const char	*price;
};
struct print_receipt_payment {
	const char	*method;	/* "Card VISA ****4242", "Cash" */
	const char	*amount;
	const char	*when;
	const char	*note;		/* "refunded USD 5.00", "" */
};
struct print_receipt {
	const char	*cinema;
	const char	*address;
	const char	*code;
	const char	*film;
	const char	*auditorium;
	const char	*date;
	const char	*time;
	const char	*total;
	const char	*terminal;
	const struct print_receipt_line	   *lines;
	size_t				    nlines;
	const struct print_receipt_payment *payments;
	size_t				    npayments;
};

/* The ticket in dots of 1/200 inch: 5.5 x 2 inches less the margins a Boca
 * printer cannot reach. */
#define LAYOUT_W	1100
#define LAYOUT_H	400

enum layout_kind {
	LAYOUT_TEXT,		/* text at x,y (top left), font, at most w wide */
	LAYOUT_FIELD,		/* small caption (label) above a value (text) */
	LAYOUT_QR,		/* the payload as a QR, module size = font, top left x,y */
	LAYOUT_BAND,		/* a filled band x,y,w,h with text in reverse */
	LAYOUT_RULE,		/* a line x,y,w (horizontal) or x,y,h (vertical, dashed) */
};
enum layout_font { FONT_SMALL, FONT_NORMAL, FONT_LARGE, FONT_HUGE };
enum layout_align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

struct layout_item {
	enum layout_kind	 kind;
	int			 x, y, w, h;
	enum layout_font	 font;
	int			 bold;
	const char		*label;
	const char		*text;
	/* For line printers (ESC/POS): 0 = leave out, else the order to print
	 * in, and how to align. */
	int			 flow;
	enum layout_align	 align;
};

#define LAYOUT_MAX	40
/* Fills items with the layout of ticket t. Returns how many. The items
 * borrow t's strings. */
size_t layout_ticket(const struct print_ticket *t, struct layout_item items[LAYOUT_MAX]);
/* The items sorted by flow for line printers, flow 0 left out. Returns how
 * many; out holds LAYOUT_MAX pointers. */
size_t layout_flow(const struct layout_item *items, size_t n, const struct layout_item *out[LAYOUT_MAX]);

/* A receipt as lines of text for any driver. */
struct receipt_line {
	char			*text;
	enum layout_font	 font;
	int			 bold;
	enum layout_align	 align;
};
/* Builds the receipt's lines, width characters wide. Returns a new array
 * (free with receipt_lines_free) and its length in *n. */
struct receipt_line *receipt_lines(const struct print_receipt *r, int width, size_t *n);
void receipt_lines_free(struct receipt_line *lines, size_t n);

/* A report slip (a drawer's X or Z report): a title, then rows of a label
 * and a value set right (value NULL: the label alone; label NULL: a rule).
 * Strings are borrowed from the caller. */
struct print_report_row {
	const char	*label;
	const char	*value;
	int		 bold;
};
struct print_report {
	const char			*cinema;
	const char			*title;		/* "Z REPORT" */
	const struct print_report_row	*rows;
	size_t				 nrows;
};
/* The report's lines, width characters wide, as receipt_lines. */
struct receipt_line *report_lines(const struct print_report *r, int width, size_t *n);

/* Renders tickets (one page/ticket each) or a receipt in the driver's
 * language, appending to out. Returns 0, or -1 with *cause set when a QR
 * cannot be made. */
int print_tickets(enum print_driver driver, const struct print_ticket *t, size_t n,
                  struct obuf *out, char **cause);
int print_receipt(enum print_driver driver, const struct print_receipt *r, struct obuf *out,
                  char **cause);
int print_report(enum print_driver driver, const struct print_report *r, struct obuf *out, char **cause);

int print_ps_tickets(const struct print_ticket *t, size_t n, struct obuf *out, char **cause);
/* Slips of text lines (receipts, reports) in each driver's language; title
 * names a PostScript document. */
void print_ps_lines(const char *title, const struct receipt_line *lines, size_t n, struct obuf *out);
void print_escpos_lines(const struct receipt_line *lines, size_t n, struct obuf *out);
void print_fgl_lines(const struct receipt_line *lines, size_t n, struct obuf *out);
int print_escpos_tickets(const struct print_ticket *t, size_t n, struct obuf *out, char **cause);
int print_fgl_tickets(const struct print_ticket *t, size_t n, struct obuf *out, char **cause);

/* The QR symbol of a ticket payload (error correction M). Returns a new
 * symbol (QRcode_free it), or NULL with *cause set. */
QRcode *print_qr(const char *text, char **cause);

/* The UTF-8 text s as one byte a character for a printer, at most max
 * characters, into a new string: ASCII as it is; U+00A0 .. U+00FF through
 * page (a code page's bytes for them: print_cp850, print_latin1), or '?' when
 * page is NULL; any other character, and bytes that are not UTF-8, '?';
 * control characters, and ASCII characters in drop, ' '. */
char *print_bytes(const char *s, size_t max, const char *drop, const unsigned char *page);
extern const unsigned char print_cp850[96];
extern const unsigned char print_latin1[96];

/* print_bytes for an ASCII-only printer. */
char *print_ascii(const char *s, size_t max, const char *drop);

/* CUPS (print-cups.c). */
/* Why queue cannot print now, in words a cashier understands, as a new
 * string; NULL when it is ready. queue "" means the CUPS default. */
char *print_cups_problem(const char *queue);
/* Sends data as one job to queue ("" = default): create, write, finish,
 * cancelled on any failure. format is a MIME type ("application/postscript",
 * "application/vnd.cups-raw"). title names the job (spaces become '-'; the
 * document is left unnamed, see print-cups.c). Returns the job id, or -1
 * with *cause set. */
int   print_cups_submit(const char *queue, const char *title, const char *format,
                        const struct obuf *data, char **cause);
/* Waits up to seconds for job to be printed (handed to the device). On a
 * timeout or a stopped job it cancels the job and returns -1 with *cause
 * saying why in a cashier's words; 0 once printed. */
int   print_cups_wait(const char *queue, int job, int seconds, char **cause);
/* The same, giving up at once (the job left as it is, -1 with *cause) when
 * *stop becomes true: for a wait in another thread. */
int   print_cups_wait_or_stop(const char *queue, int job, int seconds, atomic_bool *stop, char **cause);
/* The name of the default queue as a new string, or NULL when none. */
char *print_cups_default(void);
/* What queue ("" = default) says it is (its printer-info, set with lpadmin
 * -D: "Box office Boca", "PDF files in /srv/pdf") as a new string, or NULL
 * when it says nothing or cannot be reached. */
char *print_cups_info(const char *queue);

#endif
