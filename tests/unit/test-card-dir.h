/* test-card-dir.h - the test card terminal's journal in a folder of its own
 * for one cmocka program (carddir, made by carddir_setup and removed by
 * carddir_teardown, the group's fixtures), and how many refunds it records;
 * and value_on, the first value of a query. Include after <cmocka.h>,
 * <libpq-fe.h>, "db.h" and "util.h". */
#ifndef MARQUEE_TEST_CARD_DIR_H
#define MARQUEE_TEST_CARD_DIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char carddir[64];

/* Makes carddir under /tmp. Returns 0, or -1 (the group does not run). */
static inline int
carddir_setup(void **state)
{
	(void)state;
	snprintf(carddir, sizeof carddir, "/tmp/marquee-test-card-XXXXXX");
	return mkdtemp(carddir) == NULL ? -1 : 0;
}

/* Removes carddir and what the terminal wrote in it. Returns 0. */
static inline int
carddir_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", carddir);

	(void)state;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", carddir);
	free(cmd);
	return 0;
}

/* Lines of the test terminal's journal that record a refund. */
static inline int
journal_refunds(void)
{
	char *path = xasprintf("%s/journal", carddir), line[256];
	FILE *f = fopen(path, "r");
	int n = 0;

	free(path);
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strstr(line, " refunded ") != NULL)
			n++;
	if (f != NULL)
		fclose(f);
	return n;
}

/* The first value of sql run on db with nparams parameters p, as a new
 * string ("" without a row); fails the test when the query fails. */
static inline char *
value_on(struct db *db, const char *sql, int nparams, const char *const *p)
{
	PGresult *res = db_exec(db, DB_ONCE, sql, nparams, p);
	char *v;

	if (res == NULL)
		fail_msg("%s: %s", sql, db_error(db));
	v = xstrdup(PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return v;
}

#endif
