/* failover.c - sales clients that keep selling while the primary dies;
 * afterwards no acknowledged sale may be lost, none doubled, and every call
 * the db module sent again must have had its first answer.
 *
 *   failover [-c CLIENTS] [-d SECONDS] [-k KILLFILE]
 *
 * Clients connect with $MARQUEE_TERM_DSN (the multi-host dsn of a
 * formation, a counter's login) and sell through one session of the demo
 * cashier (only staff take cash); setup and checks use $MARQUEE_OWNER_DSN,
 * which lifts the hold limits of the formation for the run. A fresh showtime is
 * made in the Grand hall. Each client holds one or two random seats and pays
 * cash for them, every write with its request id, through db_exec with
 * DB_SAFE: a broken connection is made again (every host of the dsn) and
 * the call sent again. A call during which the connection was made again
 * counts as resent; after the run each resent call is sent once more with
 * the same request id and must answer as it did. KILLFILE, written by the
 * test when it kills the primary, holds that moment (seconds since the
 * epoch); the gap is from it to the first write answered after it.
 * Prints the figures on one line and exits 1 on a lost or doubled sale, a
 * resent call with another answer, or a call that got no answer at all. */
#include "db.h"
#include "tool-cashier.h"
#include "util.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A call the db module sent again: enough to send it once more. */
struct resent {
	bool		 pay;		/* api.payment, else api.select_seat */
	char		 arg[2][200];	/* seats and terminal, or order id and payment_info */
	char		 rid[37];
	char		 answer[64];	/* "held 1234", "success" */
};

/* An acknowledged sale: payment answered success. */
struct sale_ack {
	long long	 order_id;
	char		 seats[24];
};

struct client {
	pthread_t	 thread;
	int		 id;
	unsigned int	 rng;
	struct sale_ack	*acks;
	int		 nacks;
	struct resent	*re;
	int		 nre;
	double		*wrote;		/* when each write was answered (epoch seconds) */
	int		 nwrote;
	long		 holds, unavailable, errors;
	char		 error[240];
};

static char **seat;
static int nseats;
static long long showtime;
static double deadline;

static double
wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A small xorshift generator per client. */
static unsigned int
rnd(struct client *c, unsigned int n)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 17;
	c->rng ^= c->rng << 5;
	return c->rng % n;
}

static char session[72];	/* the cashier's: every client sells through it */

/* The two api calls, in one place (their arguments change with sessions).
 * Each returns the answer's key words in out ("held ORDER", "unavailable",
 * "success"...), or -1 when no answer came (out says why). *resent is set
 * when the connection was made again during the call. */
static int
api_call(struct db *db, bool pay, const char *a0, const char *a1, const char *rid, char *out, size_t len,
         bool *resent)
{
	static const char *const hold_sql =
	    "SELECT selection_status AS st, order_id, total_cents FROM api.select_seat($1, $2::bigint, $3::text[], $4::uuid)";
	static const char *const pay_sql =
	    "SELECT payment_status AS st, 0 AS order_id, 0 AS total_cents FROM api.payment($1, $2::bigint, $3::jsonb, $4::uuid)";
	char st[24];
	const char *hold_params[4] = { session, st, a0, rid }, *pay_params[4] = { session, a0, a1, rid };
	int resets = db->resets;
	PGresult *res;

	snprintf(st, sizeof st, "%lld", showtime);
	res = db_exec(db, DB_SAFE, pay ? pay_sql : hold_sql, 4, pay ? pay_params : hold_params);
	*resent = db->resets != resets;
	if (res == NULL || PQntuples(res) != 1) {
		snprintf(out, len, "%s", res == NULL ? db_error(db) : "not one row");
		PQclear(res);
		return -1;
	}
	if (strcmp(db_value(res, 0, "st"), "held") == 0)
		snprintf(out, len, "held %s %s", db_value(res, 0, "order_id"), db_value(res, 0, "total_cents"));
	else
		snprintf(out, len, "%s", db_value(res, 0, "st"));
	PQclear(res);
	return 0;
}

/* One call of the client: sends it, notes a resend and when a write was
 * answered. Returns 0 with the answer in out, or -1 (counted as an error). */
static int
client_call(struct client *c, struct db *db, bool pay, const char *a0, const char *a1, char *out, size_t len)
{
	char rid[37];
	bool resent;

	db_request_id(rid);
	if (api_call(db, pay, a0, a1, rid, out, len, &resent) != 0) {
		c->errors++;
		snprintf(c->error, sizeof c->error, "%s", out);
		return -1;
	}
	c->wrote = xreallocarray(c->wrote, (size_t)c->nwrote + 1, sizeof *c->wrote);
	c->wrote[c->nwrote++] = wall_s();
	if (resent) {
		struct resent *r;

		c->re = xreallocarray(c->re, (size_t)c->nre + 1, sizeof *c->re);
		r = &c->re[c->nre++];
		r->pay = pay;
		snprintf(r->arg[0], sizeof r->arg[0], "%s", a0);
		snprintf(r->arg[1], sizeof r->arg[1], "%s", a1);
		memcpy(r->rid, rid, sizeof rid);
		snprintf(r->answer, sizeof r->answer, "%s", out);
	}
	return 0;
}

static void *
client_run(void *arg)
{
	struct client *c = arg;
	char *cause = NULL, term[32], seats[24], answer[240], oid[24], info[96];
	struct db *db = db_open(getenv("MARQUEE_TERM_DSN"), &cause);
	long long order, total;

	if (db == NULL) {
		snprintf(c->error, sizeof c->error, "%s", cause);
		c->errors++;
		free(cause);
		return NULL;
	}
	snprintf(term, sizeof term, "failover-%d", c->id);
	while (wall_s() < deadline) {
		int i = (int)rnd(c, (unsigned)nseats - 1);

		if (rnd(c, 2) == 0)
			snprintf(seats, sizeof seats, "{%s}", seat[i]);
		else
			snprintf(seats, sizeof seats, "{%s,%s}", seat[i], seat[i + 1]);
		if (client_call(c, db, false, seats, term, answer, sizeof answer) != 0)
			continue;
		if (sscanf(answer, "held %lld %lld", &order, &total) != 2) {
			c->unavailable++;
			continue;
		}
		c->holds++;
		snprintf(oid, sizeof oid, "%lld", order);
		snprintf(info, sizeof info, "{\"method\":\"cash\",\"amount_cents\":%lld}", total);
		if (client_call(c, db, true, oid, info, answer, sizeof answer) != 0 || strcmp(answer, "success") != 0)
			continue;
		c->acks = xreallocarray(c->acks, (size_t)c->nacks + 1, sizeof *c->acks);
		c->acks[c->nacks].order_id = order;
		snprintf(c->acks[c->nacks].seats, sizeof c->acks[c->nacks].seats, "%s", seats);
		c->nacks++;
	}
	db_close(db);
	return NULL;
}

/* Makes the showtime and reads its seats. Returns 0 or -1. */
static int
setup(struct db *db)
{
	char st[24];
	const char *params[1] = { st };
	PGresult *res;

	res = db_exec(db, DB_ONCE,
	    "INSERT INTO core.showtime (movie_id, auditorium_id, starts_at, ends_at, price_plan_id) "
	    "SELECT (SELECT min(movie_id) FROM core.movie), a.auditorium_id, t.s, t.s + interval '3 hours', "
	    "       (SELECT price_plan_id FROM core.price_plan WHERE name = 'Standard') "
	    "  FROM core.auditorium a, LATERAL (SELECT date_trunc('day', greatest(now(), max(ends_at))) "
	    "       + interval '30 days' AS s FROM core.showtime x WHERE x.auditorium_id = a.auditorium_id) t "
	    " WHERE a.name = 'Grand' RETURNING showtime_id", 0, NULL);
	if (res == NULL || PQntuples(res) != 1) {
		fprintf(stderr, "failover: cannot make a showtime: %s\n", db_error(db));
		PQclear(res);
		return -1;
	}
	showtime = db_int(res, 0, "showtime_id");
	PQclear(res);
	/* One cashier's session makes every hold: lift the per-session limits. */
	PQclear(db_exec(db, DB_ONCE, "UPDATE core.setting SET value = '0'"
	                " WHERE name IN ('holds_per_minute', 'holds_per_minute_device')", 0, NULL));
	snprintf(st, sizeof st, "%lld", showtime);
	res = db_exec(db, DB_SAFE, "SELECT seat FROM api.seat_map($1)", 1, params);
	if (res == NULL || PQntuples(res) < 100) {
		fprintf(stderr, "failover: the showtime has too few seats: %s\n", db_error(db));
		PQclear(res);
		return -1;
	}
	nseats = PQntuples(res);
	seat = xcalloc((size_t)nseats, sizeof *seat);
	for (int i = 0; i < nseats; i++)
		seat[i] = xstrdup(db_value(res, i, "seat"));
	PQclear(res);
	return 0;
}

/* One number from the owner's connection (-1 on error). */
static long long
owner_count(struct db *db, const char *sql, const char *param)
{
	const char *params[2] = { param, NULL };
	char st[24];
	PGresult *res;
	long long n;

	snprintf(st, sizeof st, "%lld", showtime);
	params[1] = st;
	res = db_exec(db, DB_SAFE, sql, 2, params);
	if (res == NULL) {
		fprintf(stderr, "failover: %s\n", db_error(db));
		return -1;
	}
	n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

int
main(int argc, char **argv)
{
	int nclients = 8, seconds = 12, opt, rc = 1;
	const char *killfile = NULL;
	struct client *cl;
	struct db *owner, *term;
	char *cause = NULL, *ids, answer[240];
	long acks = 0, resent = 0, differed = 0, errors = 0, holds = 0;
	long long lost, doubled;
	double killed = 0, first = 0;
	size_t len = 0;
	FILE *f;

	while ((opt = getopt(argc, argv, "c:d:k:")) != -1) {
		switch (opt) {
		case 'c': nclients = atoi(optarg); break;
		case 'd': seconds = atoi(optarg); break;
		case 'k': killfile = optarg; break;
		default:
			fprintf(stderr, "usage: failover [-c CLIENTS] [-d SECONDS] [-k KILLFILE]\n");
			return 2;
		}
	}
	if (getenv("MARQUEE_OWNER_DSN") == NULL || getenv("MARQUEE_TERM_DSN") == NULL || nclients < 1) {
		fprintf(stderr, "failover: set MARQUEE_OWNER_DSN and MARQUEE_TERM_DSN\n");
		return 2;
	}
	if ((owner = db_open(getenv("MARQUEE_OWNER_DSN"), &cause)) == NULL) {
		fprintf(stderr, "failover: %s\n", cause);
		return 1;
	}
	if (setup(owner) != 0 || tool_cashier_session("failover", getenv("MARQUEE_TERM_DSN"), session) != 0)
		return 1;
	cl = xcalloc((size_t)nclients, sizeof *cl);
	deadline = wall_s() + seconds;
	for (int i = 0; i < nclients; i++) {
		cl[i].id = i;
		cl[i].rng = (unsigned int)time(NULL) * 2654435761u + (unsigned int)i * 40503u + 1;
		if (pthread_create(&cl[i].thread, NULL, client_run, &cl[i]) != 0)
			fatal("cannot start a thread");
	}
	for (int i = 0; i < nclients; i++)
		pthread_join(cl[i].thread, NULL);

	/* The acknowledged orders, as an array literal, and what came after the kill. */
	if (killfile != NULL && (f = fopen(killfile, "r")) != NULL) {
		if (fscanf(f, "%lf", &killed) != 1)
			killed = 0;
		fclose(f);
	}
	ids = xstrdup("{");
	for (int i = 0; i < nclients; i++) {
		for (int k = 0; k < cl[i].nacks; k++) {
			char *more = xasprintf("%s%s%lld", ids, len++ > 0 ? "," : "", cl[i].acks[k].order_id);

			free(ids);
			ids = more;
		}
		for (int k = 0; k < cl[i].nwrote; k++)
			if (killed > 0 && cl[i].wrote[k] > killed && (first == 0 || cl[i].wrote[k] < first))
				first = cl[i].wrote[k];
		acks += cl[i].nacks;
		resent += cl[i].nre;
		errors += cl[i].errors;
		holds += cl[i].holds;
		if (cl[i].errors > 0)
			printf("  client %d: %ld calls without an answer; last: %s\n", i, cl[i].errors, cl[i].error);
	}
	{
		char *closed = xasprintf("%s}", ids);

		free(ids);
		ids = closed;
	}
	/* Each resent call once more: the same request must give the same answer. */
	if ((term = db_open(getenv("MARQUEE_TERM_DSN"), &cause)) == NULL) {
		fprintf(stderr, "failover: %s\n", cause);
		return 1;
	}
	for (int i = 0; i < nclients; i++)
		for (int k = 0; k < cl[i].nre; k++) {
			struct resent *r = &cl[i].re[k];
			bool again;

			if (api_call(term, r->pay, r->arg[0], r->arg[1], r->rid, answer, sizeof answer, &again) != 0 ||
			    strcmp(answer, r->answer) != 0) {
				printf("  resent %s: first answer \"%s\", now \"%s\"\n", r->pay ? "payment" : "hold",
				       r->answer, answer);
				differed++;
			}
		}
	lost = owner_count(owner, "SELECT count(*) FROM unnest($1::bigint[]) x(id) "
	                   "LEFT JOIN core.orders o ON o.order_id = x.id AND o.showtime_id = $2::bigint "
	                   "WHERE o.status IS DISTINCT FROM 'success' "
	                   "   OR (SELECT count(*) FROM core.ticket t WHERE t.order_id = x.id AND t.state = 'sold') "
	                   "      <> cardinality(o.hold_seats)", ids);
	doubled = owner_count(owner, "SELECT count(*) FROM (SELECT seat_id FROM core.ticket "
	                      "WHERE showtime_id = $2::bigint AND state = 'sold' AND $1::text IS NOT NULL "
	                      "GROUP BY seat_id HAVING count(*) > 1) d", "x");
	printf("failover: %d clients, %d s: %ld holds, acknowledged %ld, lost %lld, doubled %lld, resent %ld "
	       "(differed %ld), unanswered %ld, gap %.2f s\n", nclients, seconds, holds, acks, lost, doubled,
	       resent, differed, errors, killed > 0 && first > 0 ? first - killed : -1.0);
	if (lost != 0 || doubled != 0 || differed != 0 || errors != 0 || acks < 10)
		printf("failover: FAILED\n");
	else if (killed > 0 && (first == 0 || resent == 0))
		printf("failover: FAILED: no write after the kill, or none resent\n");
	else
		rc = 0;
	db_close(term);
	db_close(owner);
	return rc;
}
