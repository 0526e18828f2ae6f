/* tickets.h - a paid booking's tickets and receipt: loaded from the database,
 * signed, rendered for a printer, sent to CUPS, reprinted. What the screens
 * and `marquee ticket` call. Each acts through session, the token of the
 * person printing (staff: any booking; a customer or guest: their own). */
#ifndef MARQUEE_TICKETS_H
#define MARQUEE_TICKETS_H

#include "app.h"
#include "print.h"

/* Prints the tickets of booking code on the terminal's ticket printer
 * (kiosk.conf printer_queue and printer_driver). The current issue can be
 * printed once; after that a reprint (tickets_reprint) is needed. When the
 * printer cannot print (paused, offline, out of paper, missing), nothing is
 * claimed and the booking stays paid: call it again once the printer is
 * ready. Returns the CUPS job id, or -1 with *cause set to one line a
 * cashier can read (caller frees). */
int  tickets_print(struct app *app, struct db *db, const char *session, const char *code, char **cause);
/* The same on a given queue ("" = CUPS default) and driver. */
int  tickets_print_to(struct app *app, struct db *db, const char *session, const char *code, const char *queue,
                      enum print_driver driver, char **cause);
/* Prints the booking's receipt on the receipt printer (receipt_queue with
 * ESC/POS), or on the ticket printer when no receipt printer is set. Returns
 * the job id, or -1 with *cause set. */
int  tickets_print_receipt(struct app *app, struct db *db, const char *session, const char *code, char **cause);
/* Prints report r (what: "X report", "Z report"; name: "drawer 12", for
 * the job's title and the log) on the receipt printer, as receipts are.
 * Returns the job id, or -1 with *cause set. */
int  tickets_print_report(struct app *app, const char *what, const char *name, const struct print_report *r,
                          char **cause);

/* Makes a new issue of the booking's tickets (api.reprint), so earlier copies
 * stop opening the door. The session must be staff's or own the booking,
 * or proof (NULL = none) gives the last four digits of the card that paid
 * or (a string with an @) the e-mail address of the purchase. Returns the
 * new issue number, or -1 with *cause set. Does not print. */
int  tickets_reprint(struct db *db, const char *session, const char *code, const char *proof, char **cause);

/* Renders the booking's tickets (or its receipt) in the driver's language
 * into out, without printing or claiming anything. Returns 0, or -1 with
 * *cause set. */
int  tickets_render(struct app *app, struct db *db, const char *session, const char *code,
                    enum print_driver driver, int receipt, struct obuf *out, char **cause);

/* What the ticket queue says it is (its CUPS printer-info, e.g. "PDF
 * files in /srv/pdf"), as a new string, or NULL. */
char *tickets_printer_info(struct app *app);

/* Tickets printing in the background (the screens' F6): handed to the
 * printer at once, then a thread waits for the printer to take the job, so
 * the screen never waits for a slow or stuck printer. */
struct tickets_job;
/* Claims, renders and hands the tickets of code to the ticket queue, like
 * tickets_print, without waiting for the printer. Returns 0 with *job set
 * (NULL when there is nothing to wait for), or -1 with *cause (the claim
 * given back). */
int  tickets_print_start(struct app *app, struct db *db, const char *session, const char *code,
                         struct tickets_job **job, char **cause);
/* How a background print went: 1 while the printer has not taken the job;
 * 0 printed; -1 not printed (the claim given back through db and session,
 * *cause says why, caller frees). After 0 or -1, free job with
 * tickets_job_free. */
int  tickets_print_poll(struct tickets_job *job, struct db *db, const char *session, char **cause);
/* Frees job. One still waiting is left to the printer: its thread stops
 * waiting at once and the claim stays (the log says so). */
void tickets_job_free(struct tickets_job *job);

#endif
