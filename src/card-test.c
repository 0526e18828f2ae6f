/* card-test.c - the test card terminal: behaves like a real one, chosen by
 * the card presented. It keeps a journal of every transaction it made (one
 * line each, by idempotency key) so that a status question after a lost
 * answer is answered from what really happened, and a repeated key never
 * charges twice. The journal belongs to one installation: DIR/journal, DIR
 * being kiosk.conf's card_state, else $MARQUEE_CARD_TEST_DIR, else
 * CARD_TEST_DIR (made when missing; its parent must exist).
 *
 * Test cards (any other Luhn-valid number is approved; none presented, or
 * an empty number, is 4242 4242 4242 4242, approved):
 *   4000 0000 0000 0002  declined (insufficient funds)
 *   4000 0000 0000 0069  declined (expired card)
 *   4000 0000 0000 0119  timeout: no answer, nothing charged
 *   4000 0000 0000 0259  outcome unknown: charged, but the answer is lost
 *   4000 0000 0000 0267  outcome unknown, and the terminal cannot answer the
 *                        next two status questions either (then: approved)
 * Refunds go back to the card of the charge they name and are approved,
 * once per key.
 */
#include "card.h"
#include "util.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CARD_TEST_DIR "/var/lib/marquee/card"	/* the installation's state directory */

struct card_test {
	char	*dir;
	char	*journal;
	char	 card[24];
	int	 timeout_ms;
};

static void *
card_test_open(const char *arg, char **cause)
{
	const char *dir = arg != NULL && *arg != '\0' ? arg : getenv("MARQUEE_CARD_TEST_DIR");
	const char *ms = getenv("MARQUEE_CARD_TEST_TIMEOUT_MS");
	struct card_test *t = xcalloc(1, sizeof *t);
	char *d;

	d = xstrdup(dir != NULL && *dir != '\0' ? dir : CARD_TEST_DIR);
	if (mkdir(d, 0700) != 0 && errno != EEXIST) {
		*cause = xasprintf("test card terminal: %s: %s", d, strerror(errno));
		free(d);
		free(t);
		return NULL;
	}
	t->journal = xasprintf("%s/journal", d);
	t->dir = d;
	t->timeout_ms = ms != NULL ? atoi(ms) : 1500;
	strlcpy_m(t->card, "4242424242424242", sizeof t->card);
	return t;
}

static void
card_test_close(void *state)
{
	struct card_test *t = state;

	free(t->journal);
	free(t->dir);
	free(t);
}

/* The busy counter of a key: how many more status questions go unanswered. */
static char *
card_test_busy_path(struct card_test *t, const char *key)
{
	return xasprintf("%s/%.40s.busy", t->dir, key);
}

static void
card_test_present(void *state, const char *card_number)
{
	struct card_test *t = state;
	size_t k = 0;

	if (*card_number == '\0') {	/* nothing typed: the approved test card */
		strlcpy_m(t->card, "4242424242424242", sizeof t->card);
		return;
	}
	for (const char *p = card_number; *p != '\0' && k < sizeof t->card - 1; p++)
		if (*p >= '0' && *p <= '9')
			t->card[k++] = *p;
	t->card[k] = '\0';
}

/* Finds the last journal entry of key (or, key NULL, of the transaction
 * whose terminal reference is ref). Returns 1 and fills res, or 0. A
 * reversed charge reads as declined ("reversed"). */
static int
card_test_find(struct card_test *t, const char *key, const char *ref, struct card_result *res)
{
	FILE *f = fopen(t->journal, "r");
	char line[256], k[64], what[16], last4[8], auth[24], r[64];
	int found = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		long long cents;

		if (sscanf(line, "%63s %15s %lld %7s %23s %63s", k, what, &cents, last4, auth, r) != 6 ||
		    strcmp(key != NULL ? k : r, key != NULL ? key : ref) != 0)
			continue;
		memset(res, 0, sizeof *res);
		found = 1;
		strlcpy_m(res->last4, last4, sizeof res->last4);
		strlcpy_m(res->brand, "TESTCARD", sizeof res->brand);
		strlcpy_m(res->terminal_ref, r, sizeof res->terminal_ref);
		if (strcmp(what, "approved") == 0 || strcmp(what, "refunded") == 0) {
			res->outcome = CARD_APPROVED;
			strlcpy_m(res->auth_code, auth, sizeof res->auth_code);
			snprintf(res->message, sizeof res->message, "%s, card ending %s",
			         what[0] == 'a' ? "Approved" : "Refunded", last4);
		} else {
			res->outcome = CARD_DECLINED;
			snprintf(res->message, sizeof res->message, "Declined: %s",
			         strcmp(what, "reversed") == 0 ? "reversed" : auth);
			for (char *p = res->message; *p != '\0'; p++)
				if (*p == '_')
					*p = ' ';
		}
	}
	fclose(f);
	return found;
}

/* The last journal entry of key, as card_test_find. */
static int
card_test_lookup(struct card_test *t, const char *key, struct card_result *res)
{
	return card_test_find(t, key, NULL, res);
}

static int
card_test_write(struct card_test *t, const char *key, const char *what, long long cents,
                const char *last4, const char *auth, const char *ref)
{
	FILE *f = fopen(t->journal, "a");

	if (f == NULL)
		return -1;
	fprintf(f, "%s %s %lld %s %s %s\n", key, what, cents, last4, auth, ref);
	fflush(f);
	fsync(fileno(f));
	return fclose(f) == 0 ? 0 : -1;
}

/* An approved answer in res: what, "Approved" or "Refunded", on the card
 * ending last4 under the terminal's auth code and reference. Returns 0. */
static int
card_test_approve(struct card_result *res, const char *what, const char *last4, const char *auth,
                  const char *ref)
{
	res->outcome = CARD_APPROVED;
	strlcpy_m(res->last4, last4, sizeof res->last4);
	strlcpy_m(res->auth_code, auth, sizeof res->auth_code);
	strlcpy_m(res->brand, "TESTCARD", sizeof res->brand);
	strlcpy_m(res->terminal_ref, ref, sizeof res->terminal_ref);
	snprintf(res->message, sizeof res->message, "%s, card ending %s", what, last4);
	return 0;
}

static int
card_test_charge(void *state, const char *key, long long cents, const char *currency,
                 struct card_result *res)
{
	struct card_test *t = state;
	char last4[5], auth[16], ref[48];
	size_t len = strlen(t->card);

	(void)currency;
	memset(res, 0, sizeof *res);
	if (card_test_lookup(t, key, res))
		return 0;	/* a repeated key: the first answer, nothing charged */
	strlcpy_m(last4, len >= 4 ? t->card + len - 4 : "0000", sizeof last4);
	snprintf(ref, sizeof ref, "T%lld-%.8s", (long long)time(NULL), key);
	strlcpy_m(res->last4, last4, sizeof res->last4);
	if (!card_luhn(t->card)) {
		res->outcome = CARD_DECLINED;
		snprintf(res->message, sizeof res->message, "Declined: the card could not be read");
		return card_test_write(t, key, "declined", cents, last4, "card_read_error", ref);
	}
	if (strcmp(t->card, "4000000000000002") == 0 || strcmp(t->card, "4000000000000069") == 0) {
		const char *why = t->card[14] == '0' ? "insufficient_funds" : "expired_card";

		res->outcome = CARD_DECLINED;
		snprintf(res->message, sizeof res->message, "Declined: %s",
		         t->card[14] == '0' ? "insufficient funds" : "expired card");
		return card_test_write(t, key, "declined", cents, last4, why, ref);
	}
	if (strcmp(t->card, "4000000000000119") == 0) {
		struct timespec ts = { t->timeout_ms / 1000, (t->timeout_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		res->outcome = CARD_TIMEOUT;
		snprintf(res->message, sizeof res->message, "The card terminal did not answer in time.");
		return 0;
	}
	snprintf(auth, sizeof auth, "A%05u", (unsigned)(randombytes_random() % 100000));
	if (card_test_write(t, key, "approved", cents, last4, auth, ref) != 0) {
		res->outcome = CARD_ERROR;
		snprintf(res->message, sizeof res->message, "The card terminal is out of order.");
		return 0;
	}
	if (strcmp(t->card, "4000000000000267") == 0) {
		char *path = card_test_busy_path(t, key);
		FILE *f = fopen(path, "w");

		if (f != NULL) {
			fputs("2\n", f);
			fclose(f);
		}
		free(path);
	}
	if (strcmp(t->card, "4000000000000259") == 0 || strcmp(t->card, "4000000000000267") == 0) {
		res->outcome = CARD_UNKNOWN;	/* charged; the answer is lost on the way */
		snprintf(res->message, sizeof res->message, "No answer from the card terminal.");
		return 0;
	}
	return card_test_approve(res, "Approved", last4, auth, ref);
}

static int
card_test_status(void *state, const char *key, struct card_result *res)
{
	struct card_test *t = state;
	char *path = card_test_busy_path(t, key);
	FILE *f = fopen(path, "r+");
	int busy = 0;

	memset(res, 0, sizeof *res);
	if (f != NULL) {
		if (fscanf(f, "%d", &busy) != 1)
			busy = 0;
		if (busy > 0) {
			rewind(f);
			fprintf(f, "%d\n", busy - 1);
		}
		fclose(f);
	}
	free(path);
	if (busy > 0) {
		res->outcome = CARD_UNKNOWN;
		snprintf(res->message, sizeof res->message, "The card terminal is busy.");
		return -1;
	}
	if (!card_test_lookup(t, key, res)) {
		res->outcome = CARD_NOT_FOUND;
		snprintf(res->message, sizeof res->message, "The card was not charged.");
	}
	return 0;
}

static int
card_test_reverse(void *state, const char *key, struct card_result *res)
{
	struct card_test *t = state;

	if (!card_test_lookup(t, key, res) || res->outcome != CARD_APPROVED)
		return 0;
	res->outcome = CARD_DECLINED;
	snprintf(res->message, sizeof res->message, "The card charge was reversed.");
	return card_test_write(t, key, "reversed", 0, res->last4, "-", res->terminal_ref);
}

static int
card_test_refund(void *state, const char *key, long long cents, const char *currency,
                 const char *charge_ref, struct card_result *res)
{
	struct card_test *t = state;
	char auth[16], ref[48], last4[5];

	(void)currency;
	memset(res, 0, sizeof *res);
	if (card_test_lookup(t, key, res))
		return 0;	/* a repeated key: the first answer, nothing refunded */
	snprintf(auth, sizeof auth, "R%05u", (unsigned)(randombytes_random() % 100000));
	snprintf(ref, sizeof ref, "R%lld-%.8s", (long long)time(NULL), key);
	/* The last four of the charge are not in its reference: the journal
	 * line of the charge says them. */
	if (charge_ref == NULL || *charge_ref == '\0' || !card_test_find(t, NULL, charge_ref, res))
		memset(res, 0, sizeof *res);
	if (res->last4[0] == '\0')
		strlcpy_m(res->last4, "0000", sizeof res->last4);
	if (card_test_write(t, key, "refunded", cents, res->last4, auth, ref) != 0) {
		res->outcome = CARD_ERROR;
		snprintf(res->message, sizeof res->message, "The card terminal is out of order.");
		return 0;
	}
	strlcpy_m(last4, res->last4, sizeof last4);
	return card_test_approve(res, "Refunded", last4, auth, ref);
}

const struct card_driver card_driver_test = {
	.name = "test",
	.open = card_test_open,
	.close = card_test_close,
	.charge = card_test_charge,
	.status = card_test_status,
	.reverse = card_test_reverse,
	.refund = card_test_refund,
	.present = card_test_present,
};
