/* client-show.h - what is on: the listing (search and filters), the cinemas,
 * the kiosk's attract list, a hall's layout and its seats' states, and the
 * relay that announces seat changes. Curses-free; see client.h. */
#ifndef MARQUEE_CLIENT_SHOW_H
#define MARQUEE_CLIENT_SHOW_H

#include "bestseat.h"
#include "client.h"
#include "ids.h"

/* One showtime of the listing (or of the attract screen: title and starts). */
struct showtime {
	long long	 showtime_id;
	long long	 movie_id;
	char		*title;
	char		*location;
	char		*auditorium;
	char		*rating;
	char		*starts;	/* "Mon 07 Dec 18:00" (attract: "Mon 18:00") */
	char		*currency;
	int		 seats_total;
	int		 seats_available;
	int		 runtime_min;
	long long	 price_cents;
	long long	 seat_version;	/* seats_available is as of it (client_seats_left); -1: unknown */
};

struct showtimes {
	struct showtime	*v;
	int		 n;
};

struct location {
	long long	 location_id;
	char		*name;
};

struct locations {
	struct location	*v;
	int		 n;
};

/* The listing's filters: query text ("" = all), location_id (0 = all),
 * time of day ("morning", ...; NULL = any), day (days from today; -1 = all). */
struct listing_filter {
	const char	*query;
	long long	 location_id;
	const char	*time_of_day;
	int		 day;
};

/* Each returns 0 with *out filled (free with the matching *_free), or -1
 * with *cause set to words for the screen (caller frees); *out is then
 * left untouched. */
int  client_listing(struct db *db, const struct listing_filter *f, struct showtimes *out, char **cause);
/* Every showtime still to come (the admin menu's cancel tab). */
int  client_showtimes_all(struct db *db, struct showtimes *out, char **cause);
/* The attract screen: up to 8 films with seats left in the next two days,
 * title and the next start ("Mon 18:00") only. */
int  client_attract(struct db *db, struct showtimes *out, char **cause);
void showtimes_free(struct showtimes *s);

#define CLIENT_SEATS_LEFT_MAX 200	/* showtimes one api.seats_left call may name */

/* Brings seats_available and seat_version of every showtime of shows whose
 * id is one of the n ids (at most CLIENT_SEATS_LEFT_MAX) up to date, from
 * api.seats_left: a listing that heard of seat changes asks for those
 * showtimes only. Returns how many showtimes the answer named, or -1 with
 * *cause set (caller frees) and shows untouched. */
int  client_seats_left(struct db *db, const long long *ids, int n, struct showtimes *shows, char **cause);
int  client_locations(struct db *db, struct locations *out, char **cause);
void locations_free(struct locations *l);

/* Reads a showtime's hall (api.seat_layout) into hall (hall->seat is
 * allocated: free it). Every seat starts available, blocked ones sold, and
 * the hall has no version yet (-1). */
int  client_seat_layout(struct db *db, long long showtime_id, struct hall *hall, char **cause);
/* Sets each seat's status, and the hall's version, from api.seat_map. */
int  client_seat_map(struct db *db, long long showtime_id, struct hall *hall, char **cause);
/* Brings the hall's states to the showtime's current seat version: applies
 * api.seat_changes since the hall's own version (every seat when it has
 * none), so a missed or late notification never leaves it wrong. Returns
 * how many seats the answer named (0: the hall was current), or -1. */
int  client_seat_changes(struct db *db, long long showtime_id, struct hall *hall, char **cause);
/* Whether a seat_change naming the hall's showtime at version (0: unknown)
 * may change it: false when the hall is at that version or past it. */
bool client_seat_behind(const struct hall *hall, long long version);
/* Applies a seat_change word for the hall's showtime that carries the seats
 * changed since version from, when the hall is at from or later (and not
 * yet at news->version): returns 1, the hall now at news->version. Returns
 * 0 when the word does not apply to the hall (no seats, seats since a later
 * version than the hall's, or nothing new), -1 when its seats cannot be
 * read (some may be applied): either way, if client_seat_behind, ask
 * client_seat_changes, which makes it right. */
int  client_seat_news(struct hall *hall, const struct seat_news *news);

/* One call of api.seat_relay: returns >= 0 while this terminal relays seat
 * changes, -1 when another does (or the call failed). */
int  client_relay(struct db *db);
/* Stops relaying (api.seat_relay_stop). */
void client_relay_stop(struct db *db);

#endif
