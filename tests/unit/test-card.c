/* test-card.c - the card terminal interface over the test terminal: approve,
 * decline, timeout, unknown outcome resolved by status, never charged twice,
 * refunds once per key. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card.h"
#include "util.h"

static char dir[64];

/* Lines of the journal that record what (" approved ", " refunded "). */
static int
journal_lines(const char *what)
{
	char *path = xasprintf("%s/journal", dir), line[256];
	FILE *f = fopen(path, "r");
	int n = 0;

	free(path);
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strstr(line, what) != NULL)
			n++;
	fclose(f);
	return n;
}

/* Lines of the journal that record a charge. */
static int
charges(void)
{
	return journal_lines(" approved ");
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/marquee-test-card-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	setenv("MARQUEE_CARD_TEST_TIMEOUT_MS", "10", 1);
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	return 0;
}

static void
open_term(struct card_terminal *t)
{
	char *cause = NULL;

	assert_int_equal(card_open(t, "test", dir, &cause), 0);
	assert_true(card_is_simulated(t));
}

static void
test_approve_idempotent(void **state)
{
	struct card_terminal t;
	struct card_result r;
	int before = charges();

	(void)state;
	open_term(&t);
	card_present(&t, "4242 4242 4242 4242");
	assert_int_equal(card_pay(&t, "key-approve", 2500, "USD", 3, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_string_equal(r.last4, "4242");
	assert_true(r.auth_code[0] != '\0');
	assert_int_equal(charges(), before + 1);
	/* the same key again: the same answer, no second charge */
	char auth[16];
	strcpy(auth, r.auth_code);
	assert_int_equal(card_pay(&t, "key-approve", 2500, "USD", 3, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_string_equal(r.auth_code, auth);
	assert_int_equal(charges(), before + 1);
	card_close(&t);
}

static void
test_decline(void **state)
{
	struct card_terminal t;
	struct card_result r;
	int before = charges();

	(void)state;
	open_term(&t);
	card_present(&t, "4000000000000002");
	assert_int_equal(card_pay(&t, "key-decline", 2500, "USD", 3, &r), 0);
	assert_int_equal(r.outcome, CARD_DECLINED);
	assert_non_null(strstr(r.message, "insufficient funds"));
	card_present(&t, "4000000000000069");
	assert_int_equal(card_pay(&t, "key-expired", 2500, "USD", 3, &r), 0);
	assert_int_equal(r.outcome, CARD_DECLINED);
	assert_non_null(strstr(r.message, "expired"));
	card_present(&t, "4242424242424241");	/* fails Luhn */
	assert_int_equal(card_pay(&t, "key-bad", 2500, "USD", 3, &r), 0);
	assert_int_equal(r.outcome, CARD_DECLINED);
	assert_int_equal(charges(), before);
	card_close(&t);
}

static void
test_timeout_not_charged(void **state)
{
	struct card_terminal t;
	struct card_result r;
	int before = charges();

	(void)state;
	open_term(&t);
	card_present(&t, "4000000000000119");
	assert_int_equal(card_pay(&t, "key-timeout", 2500, "USD", 2, &r), 0);
	assert_int_equal(r.outcome, CARD_NOT_FOUND);	/* resolved: nothing charged */
	assert_int_equal(charges(), before);
	card_close(&t);
}

static void
test_unknown_resolved_once(void **state)
{
	struct card_terminal t;
	struct card_result r;
	int before = charges();

	(void)state;
	open_term(&t);
	card_present(&t, "4000 0000 0000 0259");
	assert_int_equal(card_pay(&t, "key-unknown", 1800, "USD", 3, &r), 0);
	/* the charge's answer was lost; the status question found the approval */
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_string_equal(r.last4, "0259");
	assert_true(r.auth_code[0] != '\0');
	assert_int_equal(charges(), before + 1);
	assert_int_equal(card_resolve(&t, "key-unknown", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_int_equal(charges(), before + 1);
	assert_int_equal(card_resolve(&t, "never-sent", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_NOT_FOUND);
	card_close(&t);
}

static void
test_unknown_busy_then_resolved(void **state)
{
	struct card_terminal t;
	struct card_result r;
	int before = charges();

	(void)state;
	open_term(&t);
	card_present(&t, "4000000000000267");
	/* the answer is lost and two status questions go unanswered: still unknown */
	assert_int_equal(card_pay(&t, "key-busy", 1800, "USD", 2, &r), 0);
	assert_int_equal(r.outcome, CARD_UNKNOWN);
	assert_int_equal(charges(), before + 1);
	/* asked again later: approved, and still one charge */
	assert_int_equal(card_resolve(&t, "key-busy", 2, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_string_equal(r.last4, "0267");
	assert_int_equal(charges(), before + 1);
	card_close(&t);
}

static void
test_reverse(void **state)
{
	struct card_terminal t;
	struct card_result r;

	(void)state;
	open_term(&t);
	card_present(&t, "4242424242424242");
	assert_int_equal(card_pay(&t, "key-reverse", 900, "USD", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_int_equal(card_reverse(&t, "key-reverse", &r), 0);
	assert_int_equal(card_resolve(&t, "key-reverse", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_DECLINED);
	card_close(&t);
}

/* A refund goes to the card of the charge it names, once per key: asked
 * again (a retry after a lost answer) or its status asked, it answers the
 * same and refunds nothing more. */
static void
test_refund_once(void **state)
{
	struct card_terminal t;
	struct card_result r;
	char ref[48], auth[16];
	int before;

	(void)state;
	open_term(&t);
	card_present(&t, "5555555555554444");
	assert_int_equal(card_pay(&t, "key-refund-charge", 3000, "USD", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	strcpy(ref, r.terminal_ref);
	before = journal_lines(" refunded ");
	assert_int_equal(card_refund(&t, "refund-1-7", 1250, "USD", ref, 2, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_string_equal(r.last4, "4444");
	assert_non_null(strstr(r.message, "Refunded"));
	strcpy(auth, r.auth_code);
	assert_int_equal(journal_lines(" refunded "), before + 1);
	assert_int_equal(card_refund(&t, "refund-1-7", 1250, "USD", ref, 2, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_string_equal(r.auth_code, auth);
	assert_int_equal(card_resolve(&t, "refund-1-7", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_int_equal(journal_lines(" refunded "), before + 1);
	assert_int_equal(card_resolve(&t, "refund-1-8", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_NOT_FOUND);
	card_close(&t);
}

/* Each installation keeps its own journal, in the directory its
 * configuration names (card_state): a key one has charged is unknown to
 * the other, and nothing is written under /tmp. */
static void
test_journal_per_installation(void **state)
{
	struct card_terminal a, b;
	struct card_result r;
	char *cause = NULL, *da = xasprintf("%s/one", dir), *db = xasprintf("%s/two", dir);
	char *ja = xasprintf("%s/journal", da), *jb = xasprintf("%s/journal", db);

	(void)state;
	setenv("MARQUEE_CARD_TEST_DIR", db, 1);
	assert_int_equal(card_open(&a, "test", da, &cause), 0);	/* the configured directory wins */
	assert_int_equal(card_open(&b, "test", "", &cause), 0);	/* none configured: the environment's */
	assert_int_equal(card_pay(&a, "key-shared", 1000, "USD", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_APPROVED);
	assert_int_equal(access(ja, R_OK), 0);
	assert_int_equal(access(jb, F_OK), -1);
	assert_int_equal(card_resolve(&b, "key-shared", 1, &r), 0);
	assert_int_equal(r.outcome, CARD_NOT_FOUND);
	card_close(&a);
	card_close(&b);
	unsetenv("MARQUEE_CARD_TEST_DIR");
	free(da);
	free(db);
	free(ja);
	free(jb);
}

static void
test_luhn_and_open(void **state)
{
	struct card_terminal t;
	char *cause = NULL;

	(void)state;
	assert_true(card_luhn("4242424242424242"));
	assert_true(card_luhn("4000000000000259"));
	assert_false(card_luhn("4242424242424243"));
	assert_false(card_luhn("42"));
	assert_false(card_luhn("4242x24242424242"));
	assert_int_equal(card_open(&t, "acme", NULL, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_string_equal(card_outcome_name(CARD_NOT_FOUND), "not_found");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_approve_idempotent),
		cmocka_unit_test(test_decline),
		cmocka_unit_test(test_timeout_not_charged),
		cmocka_unit_test(test_unknown_resolved_once),
		cmocka_unit_test(test_unknown_busy_then_resolved),
		cmocka_unit_test(test_reverse),
		cmocka_unit_test(test_refund_once),
		cmocka_unit_test(test_journal_per_installation),
		cmocka_unit_test(test_luhn_and_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
