/* client-show.c - what is on: the listing and its seats left, the cinemas,
 * the attract list, a hall's layout and seat states, the seat-change relay.
 * Each answer is copied out of its PGresult into plain structs. */
#include "client-show.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies the showtimes of res (columns it lacks read as ""/0). */
static void
showtimes_copy(const PGresult *res, struct showtimes *out)
{
	int n = PQntuples(res);

	out->n = n;
	out->v = xcalloc((size_t)n + 1, sizeof *out->v);
	for (int i = 0; i < n; i++) {
		struct showtime *s = &out->v[i];

		s->showtime_id = db_int(res, i, "showtime_id");
		s->movie_id = db_int(res, i, "movie_id");
		s->title = client_col(res, i, "title");
		s->location = client_col(res, i, "location");
		s->auditorium = client_col(res, i, "auditorium");
		s->rating = client_col(res, i, "rating");
		s->starts = client_col(res, i, "starts");
		s->currency = client_col(res, i, "currency");
		s->seats_total = (int)db_int(res, i, "seats_total");
		s->seats_available = (int)db_int(res, i, "seats_available");
		s->runtime_min = (int)db_int(res, i, "runtime_min");
		s->price_cents = db_int(res, i, "price_cents");
		s->seat_version = -1;
	}
}

void
showtimes_free(struct showtimes *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->v[i].title);
		free(s->v[i].location);
		free(s->v[i].auditorium);
		free(s->v[i].rating);
		free(s->v[i].starts);
		free(s->v[i].currency);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int
client_seats_left(struct db *db, const long long *ids, int n, struct showtimes *shows, char **cause)
{
	size_t size = (size_t)(n > 0 ? n : 0) * 21 + 3, len = 0;
	char *list = xmalloc(size);
	const char *params[1] = { list };
	PGresult *res;
	int rows;

	list[len++] = '{';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(list + len, size - len, i > 0 ? ",%lld" : "%lld", ids[i]);
	snprintf(list + len, size - len, "}");
	res = client_read(db, "the seats left",
	                  "SELECT showtime_id, seats_available, version FROM api.seats_left($1::bigint[])", 1, params,
	                  cause);
	free(list);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	for (int r = 0; r < rows; r++) {
		long long id = db_int(res, r, "showtime_id");

		for (int i = 0; i < shows->n; i++)
			if (shows->v[i].showtime_id == id) {
				shows->v[i].seats_available = (int)db_int(res, r, "seats_available");
				shows->v[i].seat_version = db_int(res, r, "version");
			}
	}
	PQclear(res);
	return rows;
}

/* Runs a query of showtimes and copies its rows. Returns 0 or -1. */
static int
showtimes_query(struct db *db, const char *sql, int nparams, const char *const *params, struct showtimes *out,
                char **cause)
{
	PGresult *res = client_read(db, "the showtimes", sql, nparams, params, cause);

	if (res == NULL)
		return -1;
	showtimes_copy(res, out);
	PQclear(res);
	return 0;
}

int
client_listing(struct db *db, const struct listing_filter *f, struct showtimes *out, char **cause)
{
	char loc[24], day[16];
	const char *params[4] = { f->query != NULL ? f->query : "", NULL, f->time_of_day, NULL };

	if (f->location_id > 0) {
		snprintf(loc, sizeof loc, "%lld", f->location_id);
		params[1] = loc;
	}
	if (f->day >= 0) {
		snprintf(day, sizeof day, "%d", f->day);
		params[3] = day;
	}
	return showtimes_query(db,
	                       "SELECT showtime_id, movie_id, title, location, auditorium, seats_total,"
	                       " seats_available, rating, runtime_min, price_cents, currency,"
	                       " to_char(starts_at, 'Dy DD Mon HH24:MI') AS starts"
	                       " FROM api.listing_filtered($1, $2::bigint, $3,"
	                       "  CASE WHEN $4::int IS NULL THEN NULL ELSE current_date + $4::int END)",
	                       4, params, out, cause);
}

int
client_showtimes_all(struct db *db, struct showtimes *out, char **cause)
{
	return showtimes_query(db,
	                       "SELECT showtime_id, title, location, auditorium, seats_total, seats_available,"
	                       " to_char(starts_at, 'Dy DD Mon HH24:MI') AS starts FROM api.listing()",
	                       0, NULL, out, cause);
}

int
client_attract(struct db *db, struct showtimes *out, char **cause)
{
	return showtimes_query(db,
	                       "SELECT title, CASE min(starts_at)::date WHEN current_date THEN 'today'"
	                       " WHEN current_date + 1 THEN 'tomorrow' ELSE to_char(min(starts_at), 'Dy') END"
	                       " || to_char(min(starts_at), ' HH24:MI') AS starts"
	                       " FROM api.listing_filtered('', NULL, NULL, NULL, 2) WHERE seats_available > 0"
	                       " GROUP BY title ORDER BY min(starts_at), title LIMIT 8",
	                       0, NULL, out, cause);
}

int
client_locations(struct db *db, struct locations *out, char **cause)
{
	PGresult *res = client_read(db, "the cinemas", "SELECT * FROM api.locations()", 0, NULL, cause);

	if (res == NULL)
		return -1;
	out->n = PQntuples(res);
	out->v = xcalloc((size_t)out->n + 1, sizeof *out->v);
	for (int i = 0; i < out->n; i++) {
		out->v[i].location_id = db_int(res, i, "location_id");
		out->v[i].name = client_col(res, i, "name");
	}
	PQclear(res);
	return 0;
}

void
locations_free(struct locations *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
client_seat_layout(struct db *db, long long showtime_id, struct hall *hall, char **cause)
{
	PGresult *res = client_read_id(db, "the hall", "SELECT * FROM api.seat_layout($1::bigint)", showtime_id,
	                               cause);

	if (res == NULL)
		return -1;
	memset(hall, 0, sizeof *hall);
	hall->version = -1;
	hall->n = PQntuples(res);
	hall->seat = xcalloc((size_t)hall->n + 1, sizeof *hall->seat);
	for (int i = 0; i < hall->n; i++) {
		struct seat *st = &hall->seat[i];

		strlcpy_m(st->label, db_value(res, i, "seat"), sizeof st->label);
		st->row = (int)db_int(res, i, "row_no");
		st->col = (int)db_int(res, i, "col_no");
		st->kind = seat_kind_parse(db_value(res, i, "kind"));
		st->status = st->kind == KIND_BLOCKED ? SEAT_SOLD : SEAT_AVAILABLE;
		hall->rows = (int)db_int(res, i, "rows");
		hall->cols = (int)db_int(res, i, "cols");
	}
	PQclear(res);
	hall_index(hall);
	return 0;
}

/* Sets the status of each seat res names, and the hall's version to the
 * highest res gives. Returns how many rows res has; frees res. */
static int
hall_apply(struct hall *hall, PGresult *res)
{
	int n = PQntuples(res);

	for (int i = 0; i < n; i++) {
		int k = hall_find_label(hall, db_value(res, i, "seat"));
		long long v = db_int(res, i, "version");

		if (k >= 0)
			hall->seat[k].status = seat_status_parse(db_value(res, i, "status"));
		if (v > hall->version)
			hall->version = v;
	}
	PQclear(res);
	return n;
}

int
client_seat_map(struct db *db, long long showtime_id, struct hall *hall, char **cause)
{
	PGresult *res = client_read_id(db, "the seats", "SELECT seat, status, version FROM api.seat_map($1::bigint)",
	                               showtime_id, cause);

	if (res == NULL)
		return -1;
	(void)hall_apply(hall, res);
	return 0;
}

int
client_seat_changes(struct db *db, long long showtime_id, struct hall *hall, char **cause)
{
	char id[24], since[24];
	const char *params[2] = { id, hall->version >= 0 ? since : NULL };
	PGresult *res;

	snprintf(id, sizeof id, "%lld", showtime_id);
	snprintf(since, sizeof since, "%lld", hall->version);
	res = client_read(db, "the seats", "SELECT seat, status, version FROM api.seat_changes($1::bigint, $2::bigint)",
	                  2, params, cause);
	if (res == NULL)
		return -1;
	return hall_apply(hall, res);
}

bool
client_seat_behind(const struct hall *hall, long long version)
{
	return version <= 0 || version > hall->version;
}

int
client_seat_news(struct hall *hall, const struct seat_news *news)
{
	const char *p = news->seats, *end = news->seats + news->seats_len;

	/* The word gives, as of news->version, every seat that changed after
	 * from: all a map at any version from there up to news->version lacks. */
	if (news->from < 0 || hall->version < news->from || hall->version >= news->version)
		return 0;
	while (p < end) {
		const char *eq = memchr(p, '=', (size_t)(end - p));
		char label[sizeof hall->seat[0].label];
		int k;

		if (eq == NULL || eq == p || (size_t)(eq - p) >= sizeof label || eq + 1 >= end ||
		    (eq[1] != 'a' && eq[1] != 'p' && eq[1] != 's') || (eq + 2 < end && (eq[2] != ',' || eq + 3 == end)))
			return -1;
		memcpy(label, p, (size_t)(eq - p));
		label[eq - p] = '\0';
		if ((k = hall_find_label(hall, label)) >= 0)
			hall->seat[k].status = eq[1] == 's' ? SEAT_SOLD : eq[1] == 'p' ? SEAT_HELD : SEAT_AVAILABLE;
		p = eq + 3;
	}
	hall->version = news->version;
	return 1;
}

int
client_relay(struct db *db)
{
	PGresult *res = db_exec(db, DB_ONCE, "SELECT api.seat_relay() AS n", 0, NULL);
	int n = res != NULL && db_int(res, 0, "n") >= 0 ? (int)db_int(res, 0, "n") : -1;

	PQclear(res);
	return n;
}

void
client_relay_stop(struct db *db)
{
	PQclear(db_exec(db, DB_ONCE, "SELECT api.seat_relay_stop()", 0, NULL));
}
