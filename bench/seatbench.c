/* seatbench.c - select_seat throughput: N terminals calling api.select_seat
 * as fast as they can, either all on one showtime (contended) or each call
 * on a random showtime (spread). Driven by bench/run.sh.
 *
 *   seatbench -m contended|cancel|spread [-c CLIENTS] [-d SECONDS] [-t SHOWTIME]
 *
 * Clients connect with $MARQUEE_TERM_DSN, the seat lists are read with
 * $MARQUEE_OWNER_DSN. Each call asks for a random single seat or a random
 * pair of neighbours.
 *   contended  all on one showtime; holds last 0.6 s (marquee.hold_minutes
 *              0.01) and are left to run out, so the hall stays about half
 *              held: a call either takes free (or expired) seats for real or
 *              is refused because another live hold has one of them.
 *   cancel     all on one showtime; a client that got a hold cancels it at
 *              once (a second api call inside the measured time, not counted
 *              as a select_seat call), so the hall never fills.
 *   spread     each call on a random showtime on sale; holds last 0.6 s
 *              too, so the ~50 000 seats on sale never fill up (kept holds
 *              would fill a third of them in a run, and the refusals, which
 *              are cheaper than holds, would flatter the rate): nearly
 *              every call is a real hold.
 * Two more connections run as a terminal with a seat map open does, so their
 * cost is in the measurement: one calls api.seat_relay every 50 ms (it
 * NOTIFYs the changed showtimes), one LISTENs seat_change and counts what
 * it hears.
 *
 * The rush: -w N more connections watch the showtime of -t, each as an open
 * seat map (-W says how):
 *   listen  LISTEN seat_change and read what arrives, nothing else
 *   delta   as the seat map screen: the layout once, then the seats a
 *           notification carries when they are the changes since its own
 *           version (client_seat_news), else api.seat_changes since its own
 *           version when a notification names a newer one, and every 5 s
 *           anyway (client_seat_changes)
 *   whole   as the seat map screen used to: re-read api.seat_map whole on a
 *           notification naming the showtime, at most every 50 ms, and
 *           every 5 s anyway
 * With -P PID (the postmaster's), it also reports the database's CPU over
 * the measured time: utime+stime of the postmaster and its live children,
 * plus cutime+cstime of the postmaster (children that ended), as cpu_s and
 * per completed hold (cpu_us_per_hold).
 * Prints one line of key=value pairs. */
#include "client-show.h"
#include "db.h"
#include "ids.h"
#include "util.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct show {
	long long id;
	int	  first, n;	/* its seats: labels[first .. first+n) */
};

struct client {
	pthread_t	 thread;
	const char	*dsn;
	unsigned int	 rng;
	long		 calls, holds, conflicts, cancels, errors;
	char		 error[256];
};

static char (*labels)[8];
static int *rows;
static struct show *shows;
static int nshows;
static bool contended;	/* one showtime */
static bool cancel;	/* cancel every hold at once */
static atomic_int go;
static double deadline;
static long relayed, heard;	/* showtimes announced by the relay, notifications heard */

enum watch_mode { WATCH_LISTEN, WATCH_DELTA, WATCH_WHOLE };

/* One open seat map of the rush. */
struct watcher {
	struct client	 c;
	enum watch_mode	 mode;
	long long	 show;
	struct hall	 hall;
	bool		 stale;		/* a notification asks for a read */
	bool		 current;	/* a notification brought the map up to date */
	long		 heard, applied, reads, rows;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int
rnd(struct client *c, unsigned int n)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 17;
	c->rng ^= c->rng << 5;
	return c->rng % n;
}

/* Notes a failed call; returns NULL so callers can pass it on. */
static PGresult *
client_fail(struct client *c, struct db *db)
{
	c->errors++;
	snprintf(c->error, sizeof c->error, "%s", db_error(db));
	return NULL;
}

/* Connects a thread's terminal; on failure notes why and returns NULL. */
static struct db *
client_open(struct client *c)
{
	char *cause = NULL;
	struct db *db = db_open(c->dsn, &cause);

	if (db == NULL) {
		snprintf(c->error, sizeof c->error, "%s", cause);
		c->errors++;
		free(cause);
	}
	return db;
}

/* One terminal: connect, wait for the start, call until the deadline. */
static void *
client_run(void *arg)
{
	struct client *c = arg;
	struct db *db = client_open(c);
	char st[24], list[32], oid[24], session[72];
	const char *params[3] = { session, st, list };
	const char *cparams[2] = { session, oid };
	PGresult *res;

	if (db == NULL)
		return NULL;
	/* Each terminal acts through a guest session of its own, opened once. */
	res = db_exec(db, DB_SAFE, "SELECT session FROM api.sign_in_guest('bench')", 0, NULL);
	if (res == NULL) {
		client_fail(c, db);
		db_close(db);
		return NULL;
	}
	snprintf(session, sizeof session, "%s", db_value(res, 0, "session"));
	PQclear(res);
	if (!cancel) {
		const char *p[1] = { "0.01" };

		res = db_exec(db, DB_SAFE, "SELECT set_config('marquee.hold_minutes', $1, false)", 1, p);
		if (res == NULL)
			client_fail(c, db);
		PQclear(res);
	}
	while (!atomic_load(&go))
		usleep(1000);
	while (now_s() < deadline) {
		struct show *s = &shows[contended ? 0 : rnd(c, (unsigned)nshows)];
		int i = s->first + (int)rnd(c, (unsigned)s->n);

		snprintf(st, sizeof st, "%lld", s->id);
		if (rnd(c, 2) == 0 && i + 1 < s->first + s->n && rows[i] == rows[i + 1])
			snprintf(list, sizeof list, "{%s,%s}", labels[i], labels[i + 1]);
		else
			snprintf(list, sizeof list, "{%s}", labels[i]);
		res = db_exec(db, DB_ONCE, "SELECT selection_status, order_id "
		              "FROM api.select_seat($1, $2, $3::text[])", 3, params);
		c->calls++;
		if (res == NULL) {
			client_fail(c, db);
			if (!db_connected(db))
				break;
			continue;
		}
		if (strcmp(db_value(res, 0, "selection_status"), "held") == 0) {
			c->holds++;
			snprintf(oid, sizeof oid, "%s", db_value(res, 0, "order_id"));
			PQclear(res);
			if (cancel) {
				res = db_exec(db, DB_ONCE, "SELECT cancellation_status FROM api.cancel($1, $2)",
				              2, cparams);
				if (res == NULL)
					client_fail(c, db);
				else
					c->cancels++;
				PQclear(res);
			}
		} else {
			c->conflicts++;
			PQclear(res);
		}
	}
	db_close(db);
	return NULL;
}

/* The seat relay: api.seat_relay every 50 ms from the start until a second
 * after the deadline (so the last changes are announced too). */
static void *
relay_run(void *arg)
{
	struct client *c = arg;
	struct db *db = client_open(c);

	if (db == NULL)
		return NULL;
	/* From the start, not from the clock's: a box office's relay runs
	 * while its maps are open, so the first holds are relayed too. */
	while (!atomic_load(&go) || now_s() < deadline + 1.0) {
		PGresult *res = db_exec(db, DB_ONCE, "SELECT api.seat_relay() AS n", 0, NULL);

		if (res == NULL)
			client_fail(c, db);
		else if (db_int(res, 0, "n") > 0)
			relayed += db_int(res, 0, "n");
		PQclear(res);
		usleep(50 * 1000);
	}
	PQclear(db_exec(db, DB_ONCE, "SELECT api.seat_relay_stop()", 0, NULL));
	db_close(db);
	return NULL;
}

static void
count_id(const struct seat_news *news, void *arg)
{
	(void)news;
	(*(long *)arg)++;
}

/* Counts the showtimes a seat_change names (the relay sends them in batches). */
static void
on_notify(const char *channel, const char *payload, void *arg)
{
	(void)channel;
	(void)ids_each(payload, count_id, arg);
}

/* A seat map: LISTEN seat_change and count what arrives. */
static void *
listen_run(void *arg)
{
	struct client *c = arg;
	struct db *db = client_open(c);

	if (db == NULL)
		return NULL;
	if (db_listen(db, "seat_change", true) != 0) {
		client_fail(c, db);
		db_close(db);
		return NULL;
	}
	while (!atomic_load(&go))
		usleep(1000);
	while (now_s() < deadline + 1.5) {
		struct pollfd pfd = { .fd = db_socket(db), .events = POLLIN };

		if (poll(&pfd, 1, 100) > 0)
			(void)db_notifications(db, on_notify, &heard);
	}
	db_close(db);
	return NULL;
}

/* A seat_change payload word for the watcher's showtime: applied as it is
 * when it carries the seats changed since the map's version; else a version
 * the map has not seen (any, for the whole map) asks for a read. */
static void
watch_id(const struct seat_news *news, void *arg)
{
	struct watcher *w = arg;

	if (news->showtime_id != w->show)
		return;
	w->heard++;
	if (w->mode == WATCH_WHOLE)
		w->stale = true;
	else if (w->mode == WATCH_DELTA && client_seat_news(&w->hall, news) == 1) {
		w->applied++;
		w->current = true;
	}
	else if (w->mode == WATCH_DELTA && client_seat_behind(&w->hall, news->version))
		w->stale = true;
}

static void
watch_notify(const char *channel, const char *payload, void *arg)
{
	(void)channel;
	(void)ids_each(payload, watch_id, arg);
}

/* Brings the watcher's map up to date as its mode does. Returns 0 or -1. */
static int
watch_read(struct watcher *w, struct db *db)
{
	char *cause = NULL;
	int n;

	w->stale = false;
	w->reads++;
	if (w->mode == WATCH_WHOLE)
		n = client_seat_map(db, w->show, &w->hall, &cause) == 0 ? w->hall.n : -1;
	else
		n = client_seat_changes(db, w->show, &w->hall, &cause);
	if (n < 0) {
		snprintf(w->c.error, sizeof w->c.error, "%s", cause);
		w->c.errors++;
		free(cause);
		return -1;
	}
	w->rows += n;
	return 0;
}

/* One open seat map: LISTEN, read the layout and states once, then keep
 * them as -W says until the deadline. */
static void *
watch_run(void *arg)
{
	struct watcher *w = arg;
	struct db *db = client_open(&w->c);
	char *cause = NULL;
	double last = 0, checked;

	if (db == NULL)
		return NULL;
	if (db_listen(db, "seat_change", true) != 0 ||
	    (w->mode != WATCH_LISTEN && client_seat_layout(db, w->show, &w->hall, &cause) != 0) ||
	    (w->mode != WATCH_LISTEN && watch_read(w, db) != 0)) {
		client_fail(&w->c, db);
		free(cause);
		db_close(db);
		return NULL;
	}
	w->reads = w->rows = 0;
	while (!atomic_load(&go))
		usleep(1000);
	checked = now_s();
	while (now_s() < deadline) {
		struct pollfd pfd = { .fd = db_socket(db), .events = POLLIN };
		double now = now_s(), due = deadline;

		if (w->stale)
			due = w->mode == WATCH_WHOLE ? last + 0.05 : now;
		if (w->mode != WATCH_LISTEN && checked + 5.0 < due)
			due = checked + 5.0;
		if (due > now)
			(void)poll(&pfd, 1, (int)((due - now) * 1000) + 1);
		(void)db_notifications(db, watch_notify, w);
		now = now_s();
		if (w->current)		/* as the screen: the check is for a quiet map */
			checked = now;
		w->current = false;
		if (w->mode == WATCH_LISTEN || now >= deadline)
			continue;
		if ((w->stale && (w->mode == WATCH_DELTA || now >= last + 0.05)) || now >= checked + 5.0) {
			if (watch_read(w, db) != 0)
				break;
			last = checked = now;
		}
	}
	db_close(db);
	return NULL;
}

/* CPU seconds the database has used: utime+stime of the postmaster pid and
 * of its live children, plus cutime+cstime of the postmaster (its children
 * that have ended and been reaped). Returns -1 when /proc cannot say. */
static double
db_cpu(long pid)
{
	double ticks = (double)sysconf(_SC_CLK_TCK), total = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[64], buf[1024], *p;
		unsigned long long ut, st, cut, cst;
		long ppid, me = atol(e->d_name);
		FILE *f;
		size_t n;

		if (me <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%ld/stat", me);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* after the command's closing parenthesis: state ppid ... field 14 utime */
		if ((p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
		           &ppid, &ut, &st, &cut, &cst) != 5)
			continue;
		if (me == pid) {
			total += (double)(ut + st + cut + cst);
			found = true;
		} else if (ppid == pid)
			total += (double)(ut + st);
	}
	closedir(d);
	return found ? total / ticks : -1;
}

/* Reads the showtimes open for sale (one, if showtime != 0) and their
 * seats. Returns 0 or -1. */
static int
load(const char *dsn, long long showtime)
{
	char *cause = NULL;
	struct db *db = db_open(dsn, &cause);
	char st[24];
	const char *params[1] = { st };
	PGresult *res = NULL;
	int rc = -1, n;

	if (db == NULL) {
		fprintf(stderr, "seatbench: %s\n", cause);
		free(cause);
		return -1;
	}
	snprintf(st, sizeof st, "%lld", showtime);
	res = db_exec(db, DB_SAFE,
	    "SELECT st.showtime_id, s.label, s.row_no FROM core.showtime st "
	    "  JOIN core.showtime_seat ss USING (showtime_id) JOIN core.seat s USING (seat_id) "
	    " WHERE NOT st.cancelled AND st.starts_at > now() + interval '30 minutes' "
	    "   AND ($1::bigint = 0 OR st.showtime_id = $1) "
	    " ORDER BY st.showtime_id, s.row_no, s.col_no", 1, params);
	if (res == NULL || (n = PQntuples(res)) == 0) {
		fprintf(stderr, "seatbench: no showtimes: %s\n", db_error(db));
		goto out;
	}
	labels = xcalloc((size_t)n, sizeof *labels);
	rows = xcalloc((size_t)n, sizeof *rows);
	shows = xcalloc((size_t)n, sizeof *shows);
	for (int i = 0; i < n; i++) {
		long long id = db_int(res, i, "showtime_id");

		if (nshows == 0 || shows[nshows - 1].id != id) {
			shows[nshows].id = id;
			shows[nshows].first = i;
			nshows++;
		}
		shows[nshows - 1].n++;
		snprintf(labels[i], sizeof labels[i], "%s", db_value(res, i, "label"));
		rows[i] = (int)db_int(res, i, "row_no");
	}
	rc = 0;
out:
	PQclear(res);
	db_close(db);
	return rc;
}

int
main(int argc, char **argv)
{
	int nclients = 8, seconds = 10, opt, rc = 1, nwatch = 0;
	long long showtime = 0;
	long pm = 0;
	enum watch_mode wmode = WATCH_LISTEN;
	const char *wname = "listen";
	struct watcher *wt = NULL;
	long wheard = 0, wapplied = 0, wreads = 0, wrows = 0;
	double cpu0 = -1, cpu1 = -1;
	const char *mode = "spread", *owner = getenv("MARQUEE_OWNER_DSN"), *term = getenv("MARQUEE_TERM_DSN");
	struct client *cl = NULL, aux[2];
	long calls = 0, holds = 0, conflicts = 0, cancels = 0, errors = 0;
	double started, secs;

	while ((opt = getopt(argc, argv, "m:c:d:t:w:W:P:")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 'c': nclients = atoi(optarg); break;
		case 'd': seconds = atoi(optarg); break;
		case 't': showtime = atoll(optarg); break;
		case 'w': nwatch = atoi(optarg); break;
		case 'W':
			wname = optarg;
			wmode = strcmp(optarg, "delta") == 0 ? WATCH_DELTA : strcmp(optarg, "whole") == 0 ? WATCH_WHOLE :
			        WATCH_LISTEN;
			break;
		case 'P': pm = atol(optarg); break;
		default:
			fprintf(stderr, "usage: seatbench -m contended|cancel|spread [-c N] [-d SECONDS] [-t SHOWTIME]"
			        " [-w WATCHERS -W listen|delta|whole] [-P POSTMASTER_PID]\n");
			return 2;
		}
	}
	cancel = strcmp(mode, "cancel") == 0;
	contended = cancel || strcmp(mode, "contended") == 0;
	if (owner == NULL || term == NULL || ((contended || nwatch > 0) && showtime == 0) || nclients < 1) {
		fprintf(stderr, "seatbench: set MARQUEE_OWNER_DSN and MARQUEE_TERM_DSN; contended needs -t\n");
		return 2;
	}
	if (load(owner, contended ? showtime : 0) != 0)
		goto out;
	cl = xcalloc((size_t)nclients, sizeof *cl);
	memset(aux, 0, sizeof aux);
	aux[0].dsn = aux[1].dsn = term;
	if (pthread_create(&aux[0].thread, NULL, relay_run, &aux[0]) != 0 ||
	    pthread_create(&aux[1].thread, NULL, listen_run, &aux[1]) != 0)
		fatal("cannot start a thread");
	wt = xcalloc((size_t)nwatch + 1, sizeof *wt);
	for (int i = 0; i < nwatch; i++) {
		wt[i].c.dsn = term;
		wt[i].mode = wmode;
		wt[i].show = showtime;
		if (pthread_create(&wt[i].c.thread, NULL, watch_run, &wt[i]) != 0)
			fatal("cannot start a thread");
	}
	for (int i = 0; i < nclients; i++) {
		cl[i].dsn = term;
		cl[i].rng = (unsigned int)time(NULL) * 2654435761u + (unsigned int)i * 40503u + 1;
		if (pthread_create(&cl[i].thread, NULL, client_run, &cl[i]) != 0)
			fatal("cannot start a thread");
	}
	usleep((300 + 20 * (useconds_t)nwatch) * 1000);	/* let every client connect before the clock starts */
	started = now_s();
	deadline = started + seconds;
	if (pm > 0)
		cpu0 = db_cpu(pm);
	atomic_store(&go, 1);
	for (int i = 0; i < nclients; i++)
		pthread_join(cl[i].thread, NULL);
	secs = now_s() - started;
	if (pm > 0)
		cpu1 = db_cpu(pm);
	for (int i = 0; i < nwatch; i++) {
		pthread_join(wt[i].c.thread, NULL);
		wheard += wt[i].heard;
		wapplied += wt[i].applied;
		wreads += wt[i].reads;
		wrows += wt[i].rows;
		errors += wt[i].c.errors;
		if (wt[i].c.errors != 0)
			fprintf(stderr, "seatbench: watcher %d: %s\n", i, wt[i].c.error);
		hall_free(&wt[i].hall);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(aux[i].thread, NULL);
		if (aux[i].errors != 0) {
			fprintf(stderr, "seatbench: %s: %s\n", i == 0 ? "relay" : "listener", aux[i].error);
			errors += aux[i].errors;
		}
	}
	for (int i = 0; i < nclients; i++) {
		calls += cl[i].calls;
		holds += cl[i].holds;
		conflicts += cl[i].conflicts;
		cancels += cl[i].cancels;
		errors += cl[i].errors;
		if (cl[i].errors != 0)
			fprintf(stderr, "seatbench: client %d: %ld errors, last: %s\n", i, cl[i].errors, cl[i].error);
	}
	printf("mode=%s clients=%d showtimes=%d secs=%.2f calls=%ld rate=%.1f holds=%ld holds/s=%.1f "
	       "conflicts=%ld cancels=%ld relayed=%ld heard=%ld errors=%ld", mode, nclients, nshows, secs,
	       calls, calls / secs, holds, holds / secs, conflicts, cancels, relayed, heard, errors);
	if (nwatch > 0 || pm > 0) {
		double cpu = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;

		printf(" watchers=%d watch=%s watch_heard=%ld watch_applied=%ld watch_reads/s=%.1f watch_rows/read=%.1f cpu_s=%.2f "
		       "cpu_us_per_hold=%.1f", nwatch, wname, wheard, wapplied, wreads / secs,
		       wreads > 0 ? (double)wrows / (double)wreads : 0.0, cpu,
		       holds > 0 && cpu >= 0 ? cpu * 1e6 / (double)holds : -1.0);
	}
	putchar('\n');
	rc = errors == 0 ? 0 : 1;
out:
	free(wt);
	free(cl);
	free(labels);
	free(rows);
	free(shows);
	return rc;
}
