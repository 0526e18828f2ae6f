/* client-admin.h - the manager's calls: the day's takings, prices, films and
 * halls to schedule, and the changes (a price, a showtime, cancelling a
 * showtime with its refunds, a film). Each change is one api.admin_* call
 * with a fresh request id; the database checks the manager. Curses-free;
 * see client.h. */
#ifndef MARQUEE_CLIENT_ADMIN_H
#define MARQUEE_CLIENT_ADMIN_H

#include "client.h"

/* One row of the takings: a film at a cinema on a day. */
struct takings_row {
	char		*location;
	char		*title;
	long long	 tickets;
	long long	 cash_cents, card_cents, refunded_cents, net_cents;
};

struct price_row {
	char		*price_plan;
	char		*type_code;
	char		*type_name;
	char		*currency;
	long long	 amount_cents;
};

struct film_row {
	long long	 movie_id;
	char		*title;
	int		 runtime_min;
};

struct hall_row {
	long long	 auditorium_id;
	char		*location;
	char		*auditorium;
	int		 seats;
};

/* A list of rows of one kind (v is an array of n rows). */
struct admin_rows {
	void	*v;
	int	 n;
};

/* Every call acts through session, a manager's: the database checks it.
 * Each read returns 0 with *out filled (free with admin_rows_free and the
 * same reader), or -1 with *cause (caller frees). */
int  client_admin_takings(struct db *db, const char *session, int day, struct admin_rows *out, char **cause);
int  client_admin_prices(struct db *db, const char *session, struct admin_rows *out, char **cause);
int  client_admin_films(struct db *db, struct admin_rows *out, char **cause);
int  client_admin_halls(struct db *db, const char *session, struct admin_rows *out, char **cause);
#define ADMIN_ROW(rows, type, i) (&((type *)(rows)->v)[(i)])
void admin_takings_free(struct admin_rows *rows);
void admin_prices_free(struct admin_rows *rows);
void admin_films_free(struct admin_rows *rows);
void admin_halls_free(struct admin_rows *rows);

/* Each change returns 0 when the database said ok, or -1; *message (caller
 * frees) is the database's answer in words either way ("price saved", "Not
 * saved: the hall is busy then: ..."). */
int  client_admin_price_set(struct db *db, const char *session, const char *plan, const char *type_code,
                            long long cents, char **message);
/* when: "YYYY-MM-DD HH:MM"; plan: the price plan's name. *showtime_id is
 * the new showtime's (when showtime_id is not NULL). */
int  client_admin_showtime_add(struct db *db, const char *session, long long movie_id, long long auditorium_id,
                               const char *when, const char *plan, long long *showtime_id, char **message);
int  client_admin_showtime_cancel(struct db *db, const char *session, long long showtime_id, char **message);
/* A new film: minutes is the running time as typed (-2 when it is not a
 * number of minutes). */
int  client_admin_film_add(struct db *db, const char *session, const char *title, const char *synopsis,
                           const char *minutes, const char *rating, const char *genre, char **message);

#endif
