/* cmd-scan.c - `marquee scan [--offline] [--keyring FILE]`, the door's
 * ticket reader: one scanned QR text a line on stdin, one verdict a line on
 * stdout; refusals go to the operational log with the seat (never the
 * payload or signature). A ticket names the key that signed it: online the
 * keys come from the database (re-read every KEYS_REFRESH seconds, so a
 * revocation reaches the door), offline from a keyring file. */
#include "cmd.h"
#include "oplog.h"
#include "ticket.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEYS_REFRESH	10	/* seconds an online door trusts its key list */

const struct cmd_spec cmd_scan_spec = {
	.name = "scan",
	.synopsis = "scan [--offline] [--keyring FILE]",
	.help = "Reads one ticket payload a line (a USB scanner types lines) and prints a\n"
	        "verdict a line: valid, already admitted, reissued, cancelled, wrong day,\n"
	        "revoked key, unknown key, forged, ... Online, the ticket keys come from the\n"
	        "database and a valid ticket is checked in so it cannot enter twice.\n\n"
	        "      --offline       check only the signature and the day, with the keys of\n"
	        "                      the keyring; nothing is checked in\n"
	        "      --keyring FILE  offline: the keyring to check with (default: kiosk.conf's\n"
	        "                      public_key); online: where to keep the keys read from\n"
	        "                      the database, for scanning offline later\n"
	        "  -h, --help          show this help and exit\n",
};

/* Prints "already_admitted" as "already admitted", and the detail. */
static void
scan_print_verdict(const char *verdict, const char *detail)
{
	for (const char *p = verdict; *p != '\0'; p++)
		putchar(*p == '_' ? ' ' : *p);
	if (detail != NULL && *detail != '\0')
		printf(": %s", detail);
	putchar('\n');
	fflush(stdout);
}

/* Logs a ticket the door did not let in (what is "refused", or
 * "could not check"): which seat of which show, never its text. */
static void
scan_log(const struct ticket_payload *p, const char *what, const char *verdict, const char *detail)
{
	char word[40];

	snprintf(word, sizeof word, "%s", verdict);
	for (char *w = word; *w != '\0'; w++)
		if (*w == '_')
			*w = ' ';
	oplog(LOG_WARNING, "door %s seat %s (order %lld, show %lld, issue %u): %s%s%s", what, p->seat,
	      (long long)p->order_id, (long long)p->showtime_id, (unsigned int)p->issue, word,
	      *detail != '\0' ? ": " : "", detail);
}

/* How near its start an offline door lets a ticket of another calendar day
 * in: from the online door's default opening (admit_before_minutes) until a
 * long film across midnight is over. */
#define SCAN_OFFLINE_BEFORE (90 * 60)
#define SCAN_OFFLINE_AFTER (4 * 60 * 60)

/* Offline check of a ticket whose signature is good: only its day. A show
 * of today is let in, and so is one just across midnight. */
static void
scan_offline(const struct ticket_payload *p)
{
	time_t starts = (time_t)p->starts_min * 60, now = time(NULL);
	struct tm s, n;
	char when[64], *detail;
	int near;

	localtime_r(&starts, &s);
	localtime_r(&now, &n);
	strftime(when, sizeof when, "%a %d %b %H:%M", &s);
	near = now >= starts - SCAN_OFFLINE_BEFORE && now <= starts + SCAN_OFFLINE_AFTER;
	if ((s.tm_year != n.tm_year || s.tm_yday != n.tm_yday) && !near) {
		detail = xasprintf("this ticket is for %s", when);
		scan_print_verdict("wrong_day", detail);
		scan_log(p, "refused", "wrong_day", detail);
	} else {
		detail = xasprintf("seat %s, show %s (offline: signature only, not checked in)", p->seat, when);
		scan_print_verdict("valid", detail);
	}
	free(detail);
}

/* Online check-in (api.admit). Returns 0, or -1 when the database could not
 * answer. */
static int
scan_online(struct app *app, struct db *db, const struct ticket_payload *p)
{
	char order[24], ticket[24], issue[12], showtime[24], rid[37], *detail;
	const char *params[6] = { ticket, order, issue, showtime, app->cfg.terminal, rid }, *verdict;
	PGresult *res;

	snprintf(order, sizeof order, "%lld", (long long)p->order_id);
	snprintf(ticket, sizeof ticket, "%lld", (long long)p->ticket_id);
	snprintf(issue, sizeof issue, "%u", (unsigned int)p->issue);
	snprintf(showtime, sizeof showtime, "%lld", (long long)p->showtime_id);
	db_request_id(rid);
	res = db_exec(db, DB_SAFE, "SELECT * FROM api.admit($1, $2, $3, $4, $5, $6)", 6, params);
	if (res == NULL) {
		scan_print_verdict("unchecked", db_error(db));
		scan_log(p, "could not check", "database", "no answer");
		return -1;
	}
	verdict = db_value(res, 0, "verdict");
	if (strcmp(verdict, "valid") == 0)
		detail = xasprintf("seat %s, %s, %s, %s", db_value(res, 0, "seat"), db_value(res, 0, "ticket_type"),
		                   db_value(res, 0, "film"), db_value(res, 0, "auditorium"));
	else {
		detail = xstrdup(db_value(res, 0, "message"));
		scan_log(p, "refused", verdict, detail);
	}
	scan_print_verdict(verdict, detail);
	free(detail);
	PQclear(res);
	return 0;
}

/* Says and logs why a text is not a ticket. */
static void
scan_forged(const char *why)
{
	scan_print_verdict("forged", why);
	oplog(LOG_WARNING, "door refused a forged ticket: %s", why);
}

/* Says and logs a ticket signed by a key the door does not accept: id is
 * the key the ticket names, k the door's record of it (NULL: unknown). */
static void
scan_bad_key(const unsigned char id[TICKET_KEY_ID_BYTES], const struct ticket_key *k,
             const char *keyring)
{
	char hex[TICKET_KEY_ID_HEX], *detail;

	ticket_key_id_hex(id, hex);
	if (k != NULL)
		detail = xasprintf("signed with key %s, revoked %s; reprint it at the counter", hex,
		                   k->revoked);
	else if (keyring != NULL)
		detail = xasprintf("signed with key %s, which the keyring %s does not hold", hex, keyring);
	else
		detail = xasprintf("signed with key %s, which is not registered", hex);
	scan_print_verdict(k != NULL ? "revoked_key" : "unknown_key", detail);
	oplog(LOG_WARNING, "door refused a ticket: %s key: %s", k != NULL ? "revoked" : "unknown", detail);
	free(detail);
}

/* True when two keyrings hold the same keys in the same states. */
static int
scan_ring_same(const struct ticket_keyring *a, const struct ticket_keyring *b)
{
	return a->n == b->n && (a->n == 0 || memcmp(a->keys, b->keys, a->n * sizeof *a->keys) == 0);
}

/* Reads the keys from the database into ring when they are older than
 * KEYS_REFRESH seconds (*fetched: when they were read), keeping them in
 * keyring (when not NULL) if they changed. A failure keeps the keys there
 * are. Returns 0, or -1 with *cause set when ring is still empty. */
static int
scan_refresh(struct db *db, struct ticket_keyring *ring, time_t *fetched, const char *keyring,
             char **cause)
{
	struct ticket_keyring fresh = { 0 };
	char *why = NULL;

	if (*fetched != 0 && time(NULL) - *fetched < KEYS_REFRESH)
		return 0;
	if (ticket_keyring_fetch(db, &fresh, &why) != 0) {
		if (ring->n > 0) {
			free(why);
			return 0;
		}
		*cause = why;
		return -1;
	}
	*fetched = time(NULL);
	if (scan_ring_same(ring, &fresh)) {
		ticket_keyring_free(&fresh);
		return 0;
	}
	ticket_keyring_free(ring);
	*ring = fresh;
	if (keyring != NULL && ticket_keyring_save(keyring, ring, &why) != 0) {
		oplog(LOG_WARNING, "door cannot keep the ticket keys: %s", why);
		free(why);
	}
	return 0;
}

int
cmd_scan(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'O' },
		{ "keyring", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ticket_keyring ring = { 0 };
	struct db *db = NULL;
	char *line = NULL, *cause = NULL;
	const char *keyring = NULL;
	size_t cap = 0;
	time_t fetched = 0;
	int c, offline = 0, rc = CMD_OK;

	optind = 0;
	while ((c = cmd_opt(&cmd_scan_spec, argc, argv, "-:h", longopts, &rc)) != -1) {
		switch (c) {
		case CMD_STOP:
			return rc;
		case CMD_ARG:
			return cmd_refuse(&cmd_scan_spec, "unexpected argument '%s' (tickets come on "
			                  "standard input)", optarg);
		case 'k':
			keyring = optarg;
			break;
		default:
			offline = 1;
			break;
		}
	}
	if (offline) {
		if (keyring == NULL)
			keyring = app->cfg.public_key;
		if (ticket_keyring_load(keyring, &ring, &cause) != 0)
			goto fail;
	} else {
		if ((db = cmd_connect(app, &cmd_scan_spec)) == NULL)
			return CMD_FAILED;
		db->reconnect_seconds = 3;	/* someone waits at the door: "unchecked" soon */
		if (scan_refresh(db, &ring, &fetched, keyring, &cause) != 0)
			goto fail;
	}

	while (getline(&line, &cap, stdin) != -1) {
		struct ticket_payload p;
		unsigned char id[TICKET_KEY_ID_BYTES];
		const struct ticket_key *k;
		size_t len = strlen(strtrim(line));	/* a scanner's CR LF */

		if (len == 0)
			continue;
		if (!offline)
			scan_refresh(db, &ring, &fetched, keyring, &cause);
		switch (ticket_decode_ring(line, len, &ring, &p, id, &k)) {
		case TICKET_MALFORMED:
			scan_forged("not a Marquee ticket code");
			break;
		case TICKET_FORGED:
			scan_forged("the signature does not match");
			break;
		case TICKET_UNKNOWN_KEY:
			scan_bad_key(id, NULL, offline ? keyring : NULL);
			break;
		case TICKET_REVOKED_KEY:
			scan_bad_key(id, k, NULL);
			break;
		case TICKET_OK:
			if (offline)
				scan_offline(&p);
			else if (scan_online(app, db, &p) != 0)
				rc = CMD_FAILED;
			break;
		}
	}
	free(line);
	ticket_keyring_free(&ring);
	db_close(db);
	return rc;
fail:
	rc = cmd_fail(&cmd_scan_spec, "%s", cause);
	free(cause);
	ticket_keyring_free(&ring);
	db_close(db);
	return rc;
}
