/* client-office.h - the back office's calls: staff (add with a one-time
 * password, list, deactivate, unlock, reset), the audit trail, seat blocks
 * and the reports. Every call takes the signed-in person's session token;
 * the database decides who may. Reads come back as tables of text cells,
 * each change as the database's words. Curses-free; see client.h. */
#ifndef MARQUEE_CLIENT_OFFICE_H
#define MARQUEE_CLIENT_OFFICE_H

#include "client.h"
#include "hall-layout.h"

#include <stdbool.h>

/* A read's rows: n rows of ncols text cells ("" for NULL). */
struct office_table {
	char	**cell;
	int	  n, ncols;
};

/* Cell (r, c) of t. */
#define OFFICE_CELL(t, r, c) ((t)->cell[(r) * (t)->ncols + (c)])
void office_table_free(struct office_table *t);
/* Cell (r, c) of t, a count or cents, as a number. */
long long office_int(const struct office_table *t, int r, int c);
/* The sum of column c over every row of t: the totals under a report, on
 * screen and printed alike. */
long long office_sum(const struct office_table *t, int c);

/* Columns of each read, in order. */
enum { STAFF_LOGIN, STAFF_NAME, STAFF_ROLE, STAFF_ACTIVE, STAFF_MUST_CHANGE, STAFF_LOCKED, STAFF_NCOLS };
enum { AUDIT_AT, AUDIT_WHO, AUDIT_ACTION, AUDIT_DETAIL, AUDIT_NCOLS };
enum { BLOCK_ID, BLOCK_WHERE, BLOCK_SEAT, BLOCK_SCOPE, BLOCK_REASON, BLOCK_BY, BLOCK_SHOWS, BLOCK_MOVES,
       BLOCK_NCOLS };
enum { TAKE_KEY, TAKE_PAYMENTS, TAKE_GROSS, TAKE_REFUNDED, TAKE_NET, TAKE_NCOLS };	/* cents as digits */
enum { OCC_WHEN, OCC_WHERE, OCC_TITLE, OCC_SEATS, OCC_ADMISSIONS, OCC_PCT, OCC_REVENUE, OCC_NCOLS };
enum { DIST_WEEK, DIST_WHERE, DIST_TITLE, DIST_SHOWS, DIST_ADMISSIONS, DIST_GROSS, DIST_REFUNDED, DIST_BOX_OFFICE,
       DIST_NCOLS };
enum { CARD_DAY, CARD_TERMINAL, CARD_AT, CARD_KIND, CARD_CODE, CARD_CARD, CARD_REF, CARD_AUTH, CARD_CENTS, CARD_STATE,
       CARD_NCOLS };

/* Each read returns 0 with *out filled (free with office_table_free), or
 * -1 with *cause (caller frees). A session that may not read gets no rows. */
int  client_office_staff(struct db *db, const char *session, struct office_table *out, char **cause);
/* who, what: parts of a user name and an action ("" = any); from, to:
 * days as YYYY-MM-DD ("" = open). */
int  client_office_audit(struct db *db, const char *session, const char *who, const char *what, const char *from,
                         const char *to, struct office_table *out, char **cause);
int  client_office_blocks(struct db *db, const char *session, struct office_table *out, char **cause);
/* by: film, cashier, terminal, tender or day; basis: sale or show; day
 * offsets from today. */
int  client_office_takings(struct db *db, const char *session, const char *by, const char *basis, int from_day,
                           int to_day, struct office_table *out, char **cause);
int  client_office_occupancy(struct db *db, const char *session, int from_day, int to_day, struct office_table *out,
                             char **cause);
/* The distributor report of the film week that holds the day day days
 * from today: admissions and box office per cinema and film. */
int  client_office_distributor(struct db *db, const char *session, int day, struct office_table *out, char **cause);
/* Card payments and card refunds (negative) from from_day to to_day, by
 * day, terminal and time, with their terminal references. */
int  client_office_cards(struct db *db, const char *session, int from_day, int to_day, struct office_table *out,
                         char **cause);
/* The day's net cents in each hour (0..23) of the day day days from today.
 * Returns 0, or -1 with *cause. */
int  client_office_hourly(struct db *db, const char *session, int day, long long cents[24], char **cause);
/* Print the takings table t (as client_office_takings reads it) or the
 * shows' occupancy (client_office_occupancy) on the receipt printer under
 * heading (what it counts). Return the CUPS job id, or -1 with *cause
 * (caller frees). */
struct app;
int  office_print_takings(struct app *app, const struct office_table *t, const char *heading, char **cause);
int  office_print_shows(struct app *app, const struct office_table *t, const char *heading, char **cause);

/* Whether session must change its password now (a one-time password):
 * 1 yes, 0 no, -1 cannot tell (the database is away). */
int  client_must_change(struct db *db, const char *session);

/* Each change returns 0 when the database did it, or -1; *message (caller
 * frees) is the database's answer in words either way. */
/* Adds a staff member with a one-time password (its salt and proof are
 * made here; the password never leaves the terminal). */
int  client_office_staff_add(struct db *db, const char *session, const char *login, const char *full_name,
                             const char *role, const char *password, char **message);
int  client_office_staff_active(struct db *db, const char *session, const char *login, bool active, char **message);
int  client_office_unlock(struct db *db, const char *session, const char *login, char **message);
/* Blocks seat in showtime_id's hall (showtime_id > 0) or in hall
 * auditorium_id: for that show when from is "", else from from to to
 * (YYYY-MM-DD; to "" = for good). Returns 0 blocked, 1 when the seat is
 * sold or held and confirm must repeat its label (message says so), or -1. */
int  client_office_block(struct db *db, const char *session, const char *seat, long long showtime_id,
                         long long auditorium_id, const char *from, const char *to, const char *reason,
                         const char *confirm, char **message);
int  client_office_unblock(struct db *db, const char *session, long long block_id, char **message);

/* Halls. Saves layout h as its cinema's hall of that name (made, or laid
 * out anew; a hall with showtimes keeps its own): 0 saved or unchanged,
 * -1 refused or failed; *message says which. */
int  client_office_hall_import(struct db *db, const char *session, const struct hall_layout *h, char **message);
/* Reads the layout of hall (of cinema; "" = the one hall of that name) into
 * *h (free with hall_layout_free). Returns 1, 0 when there is no such hall
 * (or it may not be read), or -1 with *cause. */
int  client_office_hall_read(struct db *db, const char *session, const char *cinema, const char *hall,
                             struct hall_layout *h, char **cause);
/* The halls: cinema, name, seats. As the other reads. */
enum { HALL_CINEMA, HALL_NAME, HALL_SEATS, HALL_NCOLS };
int  client_office_halls(struct db *db, const char *session, struct office_table *out, char **cause);

#endif
