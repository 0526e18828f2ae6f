/* race.c - many terminals fight over one showtime; afterwards the database
 * must agree with every answer they were given.
 *
 *   race [-c CLIENTS] [-d SECONDS] [-s SEED]
 *
 * Clients connect as the terminal role ($MARQUEE_TERM_DSN) and sell through
 * one session of the demo cashier (only staff take cash); setup and the
 * checks use the owner ($MARQUEE_OWNER_DSN), which lifts the hold limits
 * for the run (they would refuse a race's pace) and puts them back. A fresh showtime is made in
 * the 480-place Grand hall, far after every other show there. Each client
 * holds random single seats and adjacent pairs for SECONDS, and by its kind
 * pays (cash or card, some paid orders then refunded), cancels, or lets its
 * short holds run out (sometimes choosing ticket types first, which writes
 * the hold's tickets, and sometimes paying after they did). Every answer is
 * recorded; then the invariants are checked with the owner connection:
 *   1. no seat is in two live orders (held and unexpired, or sold);
 *   2. every order answered "paid" is sold to that order (or refunded, if
 *      the client cancelled it afterwards), and no other order is sold;
 *   3. every "held" answer's seats and total are what the order holds,
 *      and every order of the showtime was answered "held" to some client;
 *   4. every taken seat row is its order's, and seat_map agrees with the
 *      live orders;
 *   plus money adds up, cancelled orders hold nothing, repeated request_ids
 *   got identical answers. Exits 1 on any violation. */
#include "db.h"
#include "tool-cashier.h"
#include "util.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum kind { K_PAYER, K_CANCELLER, K_EXPIRER, K_MIXED, K_NKINDS };
static const char *kind_names[K_NKINDS] = { "payer", "canceller", "expirer", "mixed" };

#define SOLD_CAP 200	/* past this many sold seats, sales are refunded again */

struct seat {
	char	label[8];
	int	row, col;
};

/* One select_seat answer and what the client did with it afterwards. */
struct answer {
	long long order_id;	/* 0 unless held */
	char	seats[24];	/* "A5,A6" as asked */
	long long total;
	char	paid[24];	/* last payment answer, "" if none was tried */
	char	cancelled[24];	/* cancel answer, "" if none was tried */
};

struct client {
	pthread_t	 thread;
	int		 id;
	enum kind	 kind;
	const char	*dsn;
	unsigned int	 rng;
	struct answer	*ans;	/* every held answer */
	size_t		 nans, cap;
	long		 attempts, holds, conflicts, other, pays, pay_expired, cancels, refunds,
			 lapsed, typed, replays, replay_mismatch, errors;
	char		 error[256];
};

static struct seat *seats;
static char session[72];	/* the cashier's: every client sells through it */
static int nseats;
static int *pair_left;	/* seat indexes whose right neighbour in the row is the next index */
static int npairs;
static long long showtime;
static double deadline;
static atomic_int sold_seats;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A small xorshift generator per client (rand() is not thread-safe). */
static unsigned int
rnd(struct client *c, unsigned int n)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 17;
	c->rng ^= c->rng << 5;
	return c->rng % n;
}

/* Runs one api call, returns its result or NULL (noted as an error). */
static PGresult *
call(struct client *c, struct db *db, const char *sql, int n, const char *const *params)
{
	PGresult *res = db_exec(db, DB_ONCE, sql, n, params);

	if (res == NULL || PQntuples(res) != 1) {
		c->errors++;
		snprintf(c->error, sizeof c->error, "%s", res == NULL ? db_error(db) : "not one row");
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Pays an order in cash or by card; repeats the call with the same
 * request_id now and then and checks that the answer is the same. Writes
 * the answer into a->paid. */
static void
client_pay(struct client *c, struct db *db, struct answer *a)
{
	char oid[24], info[240], rid[37];
	const char *params[4] = { session, oid, info, rid };
	const char *sql = "SELECT payment_status, paid_cents, message FROM api.payment($1, $2, $3::jsonb, $4::uuid)";
	PGresult *res;

	snprintf(oid, sizeof oid, "%lld", a->order_id);
	db_request_id(rid);	/* also the card terminal's reference: one per charge */
	if (rnd(c, 2) == 0)
		snprintf(info, sizeof info, "{\"method\":\"cash\",\"amount_cents\":%lld}", a->total);
	else
		snprintf(info, sizeof info, "{\"method\":\"card\",\"amount_cents\":%lld,"
		         "\"last4\":\"%04u\",\"auth_code\":\"R%u\",\"terminal_ref\":\"%s\"}", a->total,
		         rnd(c, 10000), rnd(c, 100000), rid);
	if ((res = call(c, db, sql, 4, params)) == NULL)
		return;
	snprintf(a->paid, sizeof a->paid, "%s", db_value(res, 0, "payment_status"));
	PQclear(res);
	if (rnd(c, 4) == 0) {
		if ((res = call(c, db, sql, 4, params)) == NULL)
			return;
		c->replays++;
		if (strcmp(a->paid, db_value(res, 0, "payment_status")) != 0)
			c->replay_mismatch++;
		PQclear(res);
	}
	if (strcmp(a->paid, "success") == 0) {
		c->pays++;
		atomic_fetch_add(&sold_seats, strchr(a->seats, ',') != NULL ? 2 : 1);
	} else if (strcmp(a->paid, "expired") == 0)
		c->pay_expired++;
}

/* Cancels an order; writes the answer into a->cancelled. */
static void
client_cancel(struct client *c, struct db *db, struct answer *a, bool paid)
{
	char oid[24];
	const char *params[2] = { session, oid };
	PGresult *res;

	snprintf(oid, sizeof oid, "%lld", a->order_id);
	res = call(c, db, "SELECT cancellation_status FROM api.cancel($1, $2)", 2, params);
	if (res == NULL)
		return;
	snprintf(a->cancelled, sizeof a->cancelled, "%s", db_value(res, 0, "cancellation_status"));
	PQclear(res);
	if (strcmp(a->cancelled, "cancelled") == 0) {
		c->cancels++;
		if (paid) {
			c->refunds++;
			atomic_fetch_sub(&sold_seats, strchr(a->seats, ',') != NULL ? 2 : 1);
		}
	}
}

/* Chooses ticket types (all adult) for a hold, which writes its tickets:
 * a hold that then runs out leaves held tickets behind for whoever takes
 * its seats next. */
static void
client_types(struct client *c, struct db *db, struct answer *a)
{
	char oid[24];
	const char *params[2] = { session, oid };
	PGresult *res;

	snprintf(oid, sizeof oid, "%lld", a->order_id);
	res = call(c, db, "SELECT types_status FROM api.set_ticket_types($1, $2, '{}'::jsonb)", 2, params);
	if (res == NULL)
		return;
	if (strcmp(db_value(res, 0, "types_status"), "repriced") == 0)
		c->typed++;
	PQclear(res);
}

/* What a client does with a hold, by its kind. */
static void
client_follow_up(struct client *c, struct db *db, struct answer *a)
{
	bool may_pay = atomic_load(&sold_seats) < SOLD_CAP;

	switch (c->kind) {
	case K_PAYER:	/* once SOLD_CAP seats are sold, every sale is refunded */
		if (rnd(c, 3) == 0) {
			client_pay(c, db, a);
			if (strcmp(a->paid, "success") == 0 && (!may_pay || rnd(c, 3) == 0))
				client_cancel(c, db, a, true);	/* a refund */
		} else
			client_cancel(c, db, a, false);
		break;
	case K_CANCELLER:
		client_cancel(c, db, a, false);
		break;
	case K_EXPIRER:	/* holds of 1.2 s: let them lapse, sometimes with their
			 * tickets written, sometimes pay too late */
		c->lapsed++;
		if (rnd(c, 2) == 0)
			client_types(c, db, a);
		if (rnd(c, 4) == 0) {
			usleep(1300 * 1000);
			client_pay(c, db, a);
		} else
			usleep(rnd(c, 200) * 1000);
		break;
	case K_MIXED:	/* holds of 3 s */
		switch (rnd(c, 3)) {
		case 0:
			if (may_pay) {
				client_pay(c, db, a);
				break;
			}
			/* FALLTHROUGH */
		case 1:
			client_cancel(c, db, a, false);
			break;
		default:
			c->lapsed++;
			break;
		}
		break;
	default:
		break;
	}
}

/* One client: its own connection, select_seat until the deadline. */
static void *
client_run(void *arg)
{
	struct client *c = arg;
	char *cause = NULL;
	struct db *db = db_open(c->dsn, &cause);
	char st[24], list[32];
	const char *params[3] = { session, st, list };
	PGresult *res;

	if (db == NULL) {
		snprintf(c->error, sizeof c->error, "%s", cause);
		c->errors++;
		free(cause);
		return NULL;
	}
	if (c->kind == K_EXPIRER || c->kind == K_MIXED) {
		const char *p[1] = { c->kind == K_EXPIRER ? "0.02" : "0.05" };

		res = db_exec(db, DB_SAFE, "SELECT set_config('marquee.hold_minutes', $1, false)", 1, p);
		if (res == NULL)
			c->errors++;
		PQclear(res);
	}
	snprintf(st, sizeof st, "%lld", showtime);
	while (now_s() < deadline) {
		struct answer a;
		const char *status;

		memset(&a, 0, sizeof a);
		if (rnd(c, 2) == 0) {
			snprintf(a.seats, sizeof a.seats, "%s", seats[rnd(c, (unsigned)nseats)].label);
		} else {
			int i = pair_left[rnd(c, (unsigned)npairs)];

			snprintf(a.seats, sizeof a.seats, "%s,%s", seats[i].label, seats[i + 1].label);
		}
		snprintf(list, sizeof list, "{%s}", a.seats);
		c->attempts++;
		res = call(c, db, "SELECT selection_status, order_id, total_cents "
		           "FROM api.select_seat($1, $2, $3::text[])", 3, params);
		if (res == NULL) {
			if (!db_connected(db))
				break;
			continue;
		}
		status = db_value(res, 0, "selection_status");
		if (strcmp(status, "held") == 0) {
			c->holds++;
			a.order_id = db_int(res, 0, "order_id");
			a.total = db_int(res, 0, "total_cents");
			PQclear(res);
			client_follow_up(c, db, &a);
			if (c->nans == c->cap) {
				c->cap = c->cap != 0 ? c->cap * 2 : 1024;
				c->ans = xreallocarray(c->ans, c->cap, sizeof *c->ans);
			}
			c->ans[c->nans++] = a;
		} else {
			if (strcmp(status, "unavailable") == 0)
				c->conflicts++;
			else {
				c->other++;
				snprintf(c->error, sizeof c->error, "unexpected answer %s for %s", status, a.seats);
			}
			PQclear(res);
		}
	}
	db_close(db);
	return NULL;
}

/* Lifts the hold limits for the run (on) or puts back what they were (off). */
static int
limits_lifted(struct db *db, bool on)
{
	static const char *const sql[2][2] = {
		{ "UPDATE core.setting SET value = coalesce((SELECT s.value FROM core.setting s"
		  " WHERE s.name = 'race_saved_' || setting.name), value)"
		  " WHERE name IN ('holds_per_minute', 'holds_per_minute_device')",
		  "DELETE FROM core.setting WHERE name LIKE 'race_saved_%'" },
		{ "INSERT INTO core.setting (name, value) SELECT 'race_saved_' || name, value FROM core.setting"
		  " WHERE name IN ('holds_per_minute', 'holds_per_minute_device') ON CONFLICT (name) DO NOTHING",
		  "UPDATE core.setting SET value = '0' WHERE name IN ('holds_per_minute', 'holds_per_minute_device')" },
	};

	for (int i = 0; i < 2; i++) {
		PGresult *res = db_exec(db, DB_ONCE, sql[on][i], 0, NULL);

		if (res == NULL) {
			fprintf(stderr, "race: cannot change the hold limits: %s\n", db_error(db));
			return -1;
		}
		PQclear(res);
	}
	return 0;
}

static int
setup(struct db *db)
{
	PGresult *res = NULL;
	char st[24];
	const char *params[1] = { st };
	int rc = -1;

	res = db_exec(db, DB_ONCE,
	    "INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id) "
	    "SELECT (SELECT min(movie_id) FROM core.movie), a.auditorium_id, t.s, t.s + interval '3 hours', "
	    "       (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard') "
	    "  FROM core.auditorium a, LATERAL (SELECT date_trunc('day', greatest(now(), max(ends_at))) "
	    "       + interval '30 days' AS s FROM core.showtime x WHERE x.auditorium_id = a.auditorium_id) t "
	    " WHERE a.name = 'Grand' RETURNING showtime_id", 0, NULL);
	if (res == NULL || PQntuples(res) != 1) {
		fprintf(stderr, "race: cannot make a showtime: %s\n", db_error(db));
		goto out;
	}
	showtime = db_int(res, 0, "showtime_id");
	PQclear(res);
	snprintf(st, sizeof st, "%lld", showtime);
	res = db_exec(db, DB_SAFE, "SELECT seat, row_no, col_no FROM api.seat_map($1)", 1, params);
	if (res == NULL || PQntuples(res) < 400) {
		fprintf(stderr, "race: the showtime has too few seats: %s\n", db_error(db));
		goto out;
	}
	nseats = PQntuples(res);
	seats = xcalloc((size_t)nseats, sizeof *seats);
	pair_left = xcalloc((size_t)nseats, sizeof *pair_left);
	for (int i = 0; i < nseats; i++) {
		snprintf(seats[i].label, sizeof seats[i].label, "%s", db_value(res, i, "seat"));
		seats[i].row = (int)db_int(res, i, "row_no");
		seats[i].col = (int)db_int(res, i, "col_no");
	}
	/* Adjacent pairs: neighbours in a row (seat_map is in row, column order;
	 * an aisle between them does not matter to the database). */
	for (int i = 0; i + 1 < nseats; i++)
		if (seats[i].row == seats[i + 1].row)
			pair_left[npairs++] = i;
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* Appends s to a text array literal being built in *buf. */
static void
arr_add(char **buf, size_t *len, size_t *cap, const char *s, bool first)
{
	size_t need = strlen(s) + 4;

	if (*len + need + 2 > *cap) {
		*cap = (*cap + need) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	*len += (size_t)snprintf(*buf + *len, *cap - *len, "%s\"%s\"", first ? "" : ",", s);
}

/* The seats live orders claim: an unexpired open order the seats its hold
 * took, a paid one its sold tickets (a second query of the WITH that
 * check() puts before every invariant). */
#define CLAIMS ", claims AS (SELECT o.order_id, x.seat_id, 'held' AS state FROM core.orders o, unnest(o.hold_seats) x(seat_id) " \
	"  WHERE o.showtime_id = $1 AND o.status IN ('initiated', 'pending') AND o.held_until > statement_timestamp() " \
	" UNION ALL SELECT t.order_id, t.seat_id, 'sold' FROM core.ticket t JOIN core.orders o USING (order_id) " \
	"  WHERE t.showtime_id = $1 AND o.status = 'success' AND t.state = 'sold') "

/* The invariants, each a query counting violations over the answers. */
static const struct check {
	const char *name;
	const char *sql;
} checks[] = {
	{ "no seat in two live orders (held-unexpired or sold)",
	  CLAIMS "SELECT count(*) FROM (SELECT seat_id FROM claims GROUP BY 1 HAVING count(*) > 1) x" },
	{ "every live order's seat row points at it",
	  CLAIMS "SELECT count(*) FROM claims c LEFT JOIN core.showtime_seat ss ON ss.showtime_id = $1 AND ss.seat_id = c.seat_id "
	  " WHERE ss.order_id IS DISTINCT FROM c.order_id OR ss.state IS DISTINCT FROM c.state" },
	{ "every live ticket's seat row points at its order (sold, or held by an unexpired hold)",
	  "SELECT count(*) FROM core.ticket t JOIN core.orders o ON o.order_id = t.order_id "
	  "  JOIN core.showtime_seat ss ON ss.showtime_id = t.showtime_id AND ss.seat_id = t.seat_id "
	  " WHERE t.showtime_id = $1 AND ss.state <> 'available' AND ss.order_id <> t.order_id "
	  "   AND (t.state = 'sold' OR (t.state = 'held' AND o.status IN ('initiated', 'pending') "
	  "        AND o.held_until > statement_timestamp()))" },
	{ "every taken seat row is its order's: held by its hold, sold with its ticket",
	  "SELECT count(*) FROM core.showtime_seat ss WHERE ss.showtime_id = $1 AND ss.state <> 'available' "
	  "   AND NOT EXISTS (SELECT 1 FROM core.orders o WHERE o.order_id = ss.order_id AND ss.seat_id = ANY (o.hold_seats) "
	  "        AND (ss.state = 'held' OR EXISTS (SELECT 1 FROM core.ticket t WHERE t.showtime_id = ss.showtime_id "
	  "             AND t.seat_id = ss.seat_id AND t.order_id = ss.order_id AND t.state = 'sold')))" },
	{ "every 'held' answer's seats and total are what its order holds",
	  "SELECT count(*) FROM ans a LEFT JOIN LATERAL (SELECT string_agg(s.label, ',' ORDER BY s.label) AS l, "
	  "       sum(x.price) AS total FROM core.orders o, unnest(o.hold_seats, o.hold_prices) x(seat_id, price) "
	  "       JOIN core.seat s USING (seat_id) WHERE o.order_id = a.order_id AND o.showtime_id = $1) d ON true "
	  " WHERE d.l IS DISTINCT FROM (SELECT string_agg(x, ',' ORDER BY x) FROM unnest(string_to_array(a.seats, ',')) x) "
	  "    OR d.total IS DISTINCT FROM a.total" },
	{ "every order of the showtime was answered 'held' exactly once",
	  "SELECT (SELECT count(*) FROM core.orders o WHERE o.showtime_id = $1 "
	  "          AND NOT EXISTS (SELECT 1 FROM ans a WHERE a.order_id = o.order_id)) "
	  "     + (SELECT count(*) FROM (SELECT order_id FROM ans GROUP BY 1 HAVING count(*) > 1) d)" },
	{ "every order answered 'paid' is sold to it (or refunded after)",
	  "SELECT count(*) FROM ans a JOIN core.orders o USING (order_id) WHERE o.showtime_id = $1 AND a.paid = 'success' AND NOT ( "
	  " CASE WHEN a.cancelled = 'cancelled' THEN o.status = 'refunded' "
	  "   AND NOT EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = o.order_id AND t.state <> 'refunded') "
	  "   AND (SELECT sum(amount_cents) FROM core.refund r WHERE r.order_id = o.order_id) = o.total_cents "
	  " ELSE o.status = 'success' "
	  "   AND NOT EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = o.order_id AND t.state <> 'sold') "
	  "   AND (SELECT count(*) FROM core.showtime_seat ss WHERE ss.order_id = o.order_id AND ss.state = 'sold') "
	  "       = (SELECT count(*) FROM core.ticket t WHERE t.order_id = o.order_id) END "
	  " AND (SELECT array_agg(t.seat_id ORDER BY t.seat_id) FROM core.ticket t WHERE t.order_id = o.order_id) = o.hold_seats "
	  " AND (SELECT sum(amount_cents) FROM core.payment p WHERE p.order_id = o.order_id) = o.total_cents)" },
	{ "no order is sold or paid for without a 'paid' answer",
	  "SELECT count(*) FROM core.orders o JOIN ans a USING (order_id) "
	  " WHERE o.showtime_id = $1 AND a.paid <> 'success' AND (o.status IN ('success', 'refunded') "
	  "    OR EXISTS (SELECT 1 FROM core.payment p WHERE p.order_id = o.order_id) "
	  "    OR EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = o.order_id AND t.state = 'sold'))" },
	{ "every order answered 'cancelled' holds nothing",
	  "SELECT count(*) FROM ans a JOIN core.orders o USING (order_id) WHERE a.cancelled = 'cancelled' "
	  "   AND (o.status NOT IN ('cancelled', 'refunded') "
	  "    OR EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = o.order_id AND t.state IN ('held', 'sold')) "
	  "    OR EXISTS (SELECT 1 FROM core.showtime_seat ss WHERE ss.showtime_id = $1 AND ss.order_id = o.order_id))" },
	{ "seat_map agrees with the live orders",
	  CLAIMS "SELECT count(*) FROM api.seat_map($1) m JOIN core.seat s ON s.label = m.seat "
	  "  AND s.auditorium_id = (SELECT auditorium_id FROM core.showtime WHERE showtime_id = $1) "
	  " WHERE m.status <> coalesce((SELECT CASE c.state WHEN 'sold' THEN 'sold' ELSE 'pending' END "
	  "                              FROM claims c WHERE c.seat_id = s.seat_id LIMIT 1), 'available')" },
};

/* Checks every invariant against the recorded answers. Returns how many
 * failed (-1 if they could not be checked). */
static int
verify(struct db *db, struct client *cl, int nclients)
{
	char *ids = NULL, *sts = NULL, *tots = NULL, *paid = NULL, *canc = NULL;
	size_t il = 0, ic = 0, sl = 0, sc = 0, tl = 0, tc = 0, pl = 0, pc = 0, cl_ = 0, cc = 0;
	char st[24], num[32];
	const char *params[6];
	bool first = true;
	int failed = 0;
	char *sql = NULL;

	for (int i = 0; i < nclients; i++)
		for (size_t j = 0; j < cl[i].nans; j++) {
			struct answer *a = &cl[i].ans[j];

			snprintf(num, sizeof num, "%lld", a->order_id);
			arr_add(&ids, &il, &ic, num, first);
			arr_add(&sts, &sl, &sc, a->seats, first);
			snprintf(num, sizeof num, "%lld", a->total);
			arr_add(&tots, &tl, &tc, num, first);
			arr_add(&paid, &pl, &pc, a->paid, first);
			arr_add(&canc, &cl_, &cc, a->cancelled, first);
			first = false;
		}
	if (first) {
		fprintf(stderr, "race: no client ever held a seat\n");
		return -1;
	}
	/* {...}: wrap each list as an array literal. */
	{
		char **bufs[5] = { &ids, &sts, &tots, &paid, &canc };
		for (int k = 0; k < 5; k++) {
			char *w = xasprintf("{%s}", *bufs[k]);
			free(*bufs[k]);
			*bufs[k] = w;
		}
	}
	snprintf(st, sizeof st, "%lld", showtime);
	params[0] = st;
	params[1] = ids;
	params[2] = sts;
	params[3] = tots;
	params[4] = paid;
	params[5] = canc;
	for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++) {
		PGresult *res;
		long long bad;

		free(sql);
		sql = xasprintf("WITH ans AS (SELECT * FROM unnest($2::bigint[], $3::text[], $4::bigint[], "
		                "$5::text[], $6::text[]) AS a(order_id, seats, total, paid, cancelled)) %s",
		                checks[k].sql);
		res = db_exec(db, DB_SAFE, sql, 6, params);
		if (res == NULL || PQntuples(res) != 1) {
			printf("  FAILED  %s: %s\n", checks[k].name, db_error(db));
			failed++;
			PQclear(res);
			continue;
		}
		bad = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		printf("  %-7s %s%s\n", bad == 0 ? "ok" : "FAILED", checks[k].name,
		       bad == 0 ? "" : " -- violations:");
		if (bad != 0) {
			printf("          %lld\n", bad);
			failed++;
		}
	}
	free(sql);
	free(ids);
	free(sts);
	free(tots);
	free(paid);
	free(canc);
	return failed;
}

int
main(int argc, char **argv)
{
	int nclients = 16, seconds = 20, opt, failed = 0, rc = 1;
	unsigned int seed = (unsigned int)time(NULL);
	const char *owner = getenv("MARQUEE_OWNER_DSN"), *term = getenv("MARQUEE_TERM_DSN");
	struct client *cl = NULL;
	struct db *db = NULL;
	char *cause = NULL;
	long t[13] = { 0 };
	double started;

	while ((opt = getopt(argc, argv, "c:d:s:")) != -1) {
		switch (opt) {
		case 'c': nclients = atoi(optarg); break;
		case 'd': seconds = atoi(optarg); break;
		case 's': seed = (unsigned int)strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: race [-c CLIENTS] [-d SECONDS] [-s SEED]\n");
			return 2;
		}
	}
	if (owner == NULL || term == NULL || nclients < 1 || seconds < 1) {
		fprintf(stderr, "race: set MARQUEE_OWNER_DSN and MARQUEE_TERM_DSN\n");
		return 2;
	}
	if ((db = db_open(owner, &cause)) == NULL) {
		fprintf(stderr, "race: %s\n", cause);
		goto out;
	}
	if (setup(db) != 0 || tool_cashier_session("race", term, session) != 0 || limits_lifted(db, true) != 0)
		goto out;
	printf("race: showtime %lld, %d seats, %d adjacent pairs, %d clients for %d s, seed %u\n",
	       showtime, nseats, npairs, nclients, seconds, seed);
	fflush(stdout);

	cl = xcalloc((size_t)nclients, sizeof *cl);
	started = now_s();
	deadline = started + seconds;
	for (int i = 0; i < nclients; i++) {
		cl[i].id = i;
		cl[i].kind = (enum kind)(i % K_NKINDS);
		cl[i].dsn = term;
		cl[i].rng = seed * 2654435761u + (unsigned int)i * 40503u + 1;
		if (pthread_create(&cl[i].thread, NULL, client_run, &cl[i]) != 0)
			fatal("cannot start a thread");
	}
	for (int i = 0; i < nclients; i++)
		pthread_join(cl[i].thread, NULL);

	for (int i = 0; i < nclients; i++) {
		long *v[13] = { &cl[i].attempts, &cl[i].holds, &cl[i].conflicts, &cl[i].other, &cl[i].pays,
		                &cl[i].pay_expired, &cl[i].cancels, &cl[i].refunds, &cl[i].lapsed,
		                &cl[i].replays, &cl[i].replay_mismatch, &cl[i].errors, &cl[i].typed };
		for (int k = 0; k < 13; k++)
			t[k] += *v[k];
		if (cl[i].errors != 0 || cl[i].other != 0)
			printf("  client %d (%s): %ld errors, %ld odd answers; last: %s\n", i,
			       kind_names[cl[i].kind], cl[i].errors, cl[i].other, cl[i].error);
	}
	printf("race: %.1f s, %ld attempts (%.0f/s), %ld holds, %ld conflicts (unavailable), %ld other answers\n",
	       now_s() - started, t[0], t[0] / (now_s() - started), t[1], t[2], t[3]);
	printf("race: %ld payments, %ld payments refused as expired, %ld cancels (%ld of them refunds), "
	       "%ld holds left to lapse (%ld with their tickets written), %ld payment replays (%ld differed), "
	       "%ld errors\n", t[4], t[5], t[6], t[7], t[8], t[12], t[9], t[10], t[11]);
	printf("race: invariants\n");
	failed = verify(db, cl, nclients);
	if (t[10] != 0 || t[11] != 0 || t[3] != 0) {
		printf("  FAILED  the clients saw errors, odd answers or differing replays\n");
		failed++;
	} else
		printf("  ok      no client saw an error, an odd answer or a differing replay\n");
	if (t[1] < 100 || t[2] < 10 || t[4] < 10 || t[5] < 1 || t[12] < 1) {
		printf("  FAILED  too little happened to prove anything "
		       "(holds, conflicts, payments, late payments, lapsed holds with tickets)\n");
		failed++;
	}
	printf("race: %s\n", failed == 0 ? "all invariants hold" : "INVARIANTS VIOLATED");
	rc = failed == 0 ? 0 : 1;
out:
	if (db != NULL)
		(void)limits_lifted(db, false);
	if (cl != NULL)
		for (int i = 0; i < nclients; i++)
			free(cl[i].ans);
	free(cl);
	free(seats);
	free(pair_left);
	free(cause);
	db_close(db);
	return rc;
}
