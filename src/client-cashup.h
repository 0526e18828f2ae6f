/* client-cashup.h - the till's cash drawer in the database: open it with a
 * float, record drops and paid-outs, read the X report (or the last Z
 * report), close it with a count by denomination. Every call takes the
 * signed-in person's session; the drawer is the one of the session's
 * terminal. Curses-free; see client.h. */
#ifndef MARQUEE_CLIENT_CASHUP_H
#define MARQUEE_CLIENT_CASHUP_H

#include "client.h"

#include <stdbool.h>

/* The denominations a count asks for, in cents, largest first. */
#define CASHUP_NDENOM 10
extern const long long cashup_denom[CASHUP_NDENOM];

/* An X report (open) or the last Z report (closed). */
struct cashup_report {
	long long	 drawer_id;
	bool		 open;
	char		 opened_by[40];
	char		 opened_at[32];	/* "Thu 03 Dec 21:30" */
	char		 closed_at[32];	/* "" while open */
	/* The count: ncounts denominations (cents) counted, how many of each. */
	int		 ncounts;
	long long	 count_denom[CASHUP_NDENOM], count_n[CASHUP_NDENOM];
	long long	 float_cents, cash_sales, cash_refunds, drops, paid_outs, expected, card_sales;
	long long	 counted, over_short;	/* closed only */
};

/* Reads the report of the session's till. Returns 1 with *r filled, 0 when
 * the till never had a drawer, or -1 with *cause (caller frees). */
int  client_cashup_report(struct db *db, const char *session, struct cashup_report *r, char **cause);
/* Each change returns 0 when the database did it, or -1; *message (caller
 * frees) is its answer in words either way. */
int  client_cashup_open(struct db *db, const char *session, long long float_cents, char **message);
/* kind: "drop" or "paid_out". */
int  client_cashup_move(struct db *db, const char *session, const char *kind, long long cents, const char *reason,
                        char **message);
/* how_many[i]: the count of cashup_denom[i]. */
int  client_cashup_close(struct db *db, const char *session, const int how_many[CASHUP_NDENOM], char **message);

/* A manager closes the business day day days from today. With confirm ""
 * (or not the day) the database says what will be kept and returns 1;
 * with the day typed back as YYYY-MM-DD it closes it (0). -1: refused
 * (a drawer is open, closed already, not a manager) or failed. */
int  client_cashup_day_close(struct db *db, const char *session, int day, const char *confirm, char **message);

/* Prints report r of till terminal on the receipt printer (see
 * tickets_print_receipt): an X report while the drawer is open, else its Z
 * report. Returns the CUPS job id, or -1 with *cause (caller frees).
 * (cashup-print.c) */
struct app;
int  cashup_print(struct app *app, const struct cashup_report *r, const char *terminal, char **cause);

#endif
