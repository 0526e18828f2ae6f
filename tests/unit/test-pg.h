/* test-pg.h - how the cmocka programs that talk to the test cluster open
 * their connections: the roles' connection strings come from the
 * environment tests/run.sh sets (MARQUEE_OWNER_DSN, MARQUEE_TERM_DSN).
 * Include after <cmocka.h> and "db.h". */
#ifndef MARQUEE_TEST_PG_H
#define MARQUEE_TEST_PG_H

#include <stdlib.h>

/* The value of $name; fails the test when it is not set. */
static inline const char *
dsn(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		fail_msg("%s is not set: run this through `make check`", name);
	return v;
}

/* A connection as the role in $env; fails the test when it cannot connect. */
static inline struct db *
open_as(const char *env)
{
	char *cause = NULL;
	struct db *db = db_open(dsn(env), &cause);

	if (db == NULL)
		fail_msg("%s", cause);
	return db;
}

#endif
