/* db-admin.c - `marquee db migrate` and `marquee db demo`. */
#include "app.h"
#include "auth.h"
#include "util.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SQL_FILE_MAX	(64u << 20)	/* bytes of one schema, migration or demo file */

const char *
app_dsn(const struct app *app)
{
	const char *env = getenv("MARQUEE_DSN");

	if (app->dsn_arg != NULL)
		return app->dsn_arg;
	if (env != NULL && *env != '\0')
		return env;
	return app->cfg.dsn != NULL ? app->cfg.dsn : "";
}

struct db *
app_connect(const struct app *app)
{
	char *cause = NULL;
	struct db *db = db_open(app_dsn(app), &cause);

	if (db == NULL) {
		fprintf(stderr, "marquee: %s\n", cause);
		free(cause);
	}
	return db;
}

static bool
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

char *
app_sqldir(void)
{
	const char *env = getenv("MARQUEE_SQLDIR");
	char exe[PATH_MAX], *slash, *dir;
	ssize_t n;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			dir = xasprintf("%s/sql", exe);
			if (is_dir(dir))
				return dir;
			free(dir);
			/* Installed under any prefix: PREFIX/bin/marquee and
			 * PREFIX/share/marquee/sql (also a package unpacked
			 * with dpkg -x into any directory). */
			dir = xasprintf("%s/../share/marquee/sql", exe);
			if (is_dir(dir))
				return dir;
			free(dir);
		}
	}
	return xstrdup("/usr/share/marquee/sql");
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the SQL files of dir (names that start with a digit and end in
 * .sql) in name order. Returns how many (0 when dir does not exist), or -1;
 * *names is a new array of new strings. */
static int
list_sql(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*names = NULL;
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 ||
		    strspn(e->d_name, "0123456789") == 0)
			continue;
		*names = xreallocarray(*names, (size_t)n + 1, sizeof **names);
		(*names)[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(*names, (size_t)n, sizeof **names, name_cmp);
	return n;
}

static void
free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int
run_simple(struct db *db, const char *sql)
{
	PGresult *res = db_exec(db, DB_ONCE, sql, 0, NULL);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* Runs the SQL file dir/name inside the caller's transaction. Returns 0, or
 * -1 after saying why on stderr. */
static int
run_file(struct db *db, const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *text;
	int rc = 0;

	text = read_path(path, SQL_FILE_MAX, NULL);
	if (text == NULL) {
		fprintf(stderr, "marquee: %s: %s\n", path, strerror(errno));
		rc = -1;
	} else if (db_script(db, text) != 0) {
		fprintf(stderr, "marquee: %s: %s\n", path, db_error(db));
		rc = -1;
	}
	free(text);
	free(path);
	return rc;
}

/* Records what was applied (name with its digest or NULL, and the n
 * migrations of more that it holds) and commits, or rolls back when any step failed (failed true).
 * Returns 0 or -1. */
static int
finish_step(struct db *db, const char *name, const char *digest, char **more, int n, bool failed)
{
	PGresult *res;

	for (int i = -1; i < n && !failed; i++) {
		char *key = i < 0 ? xstrdup(name) : xasprintf("migrations/%s", more[i]);
		const char *params[2] = { key, i < 0 ? digest : NULL };

		res = db_exec(db, DB_ONCE, "INSERT INTO marquee_meta.migration (name, digest) VALUES ($1, $2)", 2,
		              params);
		free(key);
		if (res == NULL) {
			fprintf(stderr, "marquee: db migrate: %s: %s\n", name, db_error(db));
			failed = true;
		} else
			PQclear(res);
	}
	if (!failed) {
		if (run_simple(db, "COMMIT") == 0)
			return 0;
		fprintf(stderr, "marquee: db migrate: %s: %s\n", name, db_error(db));
	}
	if (db_connected(db))
		(void)run_simple(db, "ROLLBACK");
	return -1;
}

/* The fingerprint of the n schema files names of dir (their names and
 * texts, in order), as hex in out. Returns 0, or -1 after saying why. */
static int
schema_digest(const char *dir, char **names, int n, char out[crypto_generichash_BYTES * 2 + 1])
{
	crypto_generichash_state st;
	unsigned char sum[crypto_generichash_BYTES];

	if (sodium_init() < 0 || crypto_generichash_init(&st, NULL, 0, sizeof sum) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]), *text = read_path(path, SQL_FILE_MAX, NULL);

		if (text == NULL) {
			fprintf(stderr, "marquee: %s: %s\n", path, strerror(errno));
			free(path);
			return -1;
		}
		crypto_generichash_update(&st, (const unsigned char *)names[i], strlen(names[i]) + 1);
		crypto_generichash_update(&st, (const unsigned char *)text, strlen(text) + 1);
		free(text);
		free(path);
	}
	crypto_generichash_final(&st, sum, sizeof sum);
	sodium_bin2hex(out, crypto_generichash_BYTES * 2 + 1, sum, sizeof sum);
	return 0;
}

/* Applies the files of sql/schema in one transaction and records them as
 * 'baseline', with the n migrations of migs: sql/schema already holds what
 * they do. Returns 0 or -1. */
static int
apply_baseline(struct db *db, const char *sqldir, char **migs, int nmigs)
{
	char *dir = xasprintf("%s/schema", sqldir), **names, digest[crypto_generichash_BYTES * 2 + 1];
	int n = list_sql(dir, &names), rc = -1;
	bool failed = false;

	if (n <= 0) {
		fprintf(stderr, "marquee: no schema found in %s (set MARQUEE_SQLDIR)\n", dir);
		goto out;
	}
	if (schema_digest(dir, names, n, digest) != 0)
		goto out;
	if (run_simple(db, "BEGIN") != 0) {
		fprintf(stderr, "marquee: db migrate: %s\n", db_error(db));
		goto out;
	}
	for (int i = 0; i < n && !failed; i++)
		failed = run_file(db, dir, names[i]) != 0;
	if (finish_step(db, "baseline", digest, migs, nmigs, failed) == 0) {
		printf("applied baseline (%d files of %s", n, dir);
		if (nmigs > 0)
			printf("; it holds the %d migration%s, recorded as applied", nmigs,
			       nmigs == 1 ? "" : "s");
		printf(")\n");
		rc = 0;
	}
out:
	free_names(names, n > 0 ? n : 0);
	free(dir);
	return rc;
}

/* Applies one file of sql/migrations in its own transaction, recorded as
 * migrations/NAME. Returns 0 or -1. */
static int
apply_migration(struct db *db, const char *dir, const char *name)
{
	char *key = xasprintf("migrations/%s", name);
	int rc = -1;

	if (run_simple(db, "BEGIN") != 0)
		fprintf(stderr, "marquee: db migrate: %s\n", db_error(db));
	else if (finish_step(db, key, NULL, NULL, 0, run_file(db, dir, name) != 0) == 0) {
		printf("applied %s\n", key);
		rc = 0;
	}
	free(key);
	return rc;
}

/* Whether marquee_meta.migration holds name: 1, 0, or -1 on error. */
static int
recorded(struct db *db, const char *name)
{
	const char *params[1] = { name };
	PGresult *res = db_exec(db, DB_SAFE, "SELECT 1 FROM marquee_meta.migration WHERE name = $1", 1,
	                        params);
	int found;

	if (res == NULL)
		return -1;
	found = PQntuples(res) > 0;
	PQclear(res);
	return found;
}

/* Refuses a database that has Marquee's tables without a recorded baseline:
 * one made by the migration chain that came before sql/schema (its table
 * lists 001_core.sql ...), or one whose schema core was made by hand.
 * Returns 0 when the database may be migrated, else -1 after saying how to
 * rebuild it. */
static int
check_origin(struct db *db)
{
	PGresult *res = db_exec(db, DB_SAFE,
	                        "SELECT EXISTS (SELECT 1 FROM marquee_meta.migration"
	                        "                WHERE name <> 'baseline') AS chain,"
	                        " to_regnamespace('core') IS NOT NULL AS core", 0, NULL);
	bool chain, core;

	if (res == NULL) {
		fprintf(stderr, "marquee: db migrate: %s\n", db_error(db));
		return -1;
	}
	chain = strcmp(db_value(res, 0, "chain"), "t") == 0;
	core = strcmp(db_value(res, 0, "core"), "t") == 0;
	PQclear(res);
	if (chain) {
		fprintf(stderr, "marquee: db migrate: this database was made by the old migration chain"
		                " (001_core.sql ...), which cannot be brought to the baseline; drop it,"
		                " create it empty and run marquee db migrate (then marquee db demo)\n");
		return -1;
	}
	if (core) {
		fprintf(stderr, "marquee: db migrate: this database has a schema core but no baseline"
		                " recorded; migrate an empty database\n");
		return -1;
	}
	return 0;
}

/* Before the first release (no migrations yet) sql/schema changes in place:
 * refuses a database whose recorded baseline is not today's sql/schema,
 * saying how to rebuild it, rather than leave it to fail later on a function
 * it lacks. Returns 0 when the baseline is current, else -1. */
static int
check_baseline(struct db *db, const char *sqldir)
{
	char *dir = xasprintf("%s/schema", sqldir), **names, digest[crypto_generichash_BYTES * 2 + 1];
	int n = list_sql(dir, &names), rc = -1;
	const char *params[1] = { digest };
	PGresult *res;

	if (n <= 0 || schema_digest(dir, names, n, digest) != 0) {
		if (n <= 0)
			fprintf(stderr, "marquee: no schema found in %s (set MARQUEE_SQLDIR)\n", dir);
		goto out;
	}
	res = db_exec(db, DB_SAFE, "SELECT 1 FROM marquee_meta.migration WHERE name = 'baseline' AND digest = $1", 1,
	              params);
	if (res == NULL)
		fprintf(stderr, "marquee: db migrate: %s\n", db_error(db));
	else if (PQntuples(res) == 0)
		fprintf(stderr, "marquee: db migrate: this database was made from an older %s (before the first"
		                " release the schema changes in place, without migrations); rebuild it: drop it,"
		                " create it empty and run marquee db migrate (make run's is under ./var:"
		                " rm -rf var)\n", dir);
	else
		rc = 0;
	PQclear(res);
out:
	free_names(names, n > 0 ? n : 0);
	free(dir);
	return rc;
}

/* `marquee db migrate`: an empty database gets sql/schema, which holds every
 * migration of sql/migrations; a database that has a baseline gets the
 * migrations it has not had yet, in name order, each in its own transaction.
 * Returns the exit status. */
static int
db_migrate(struct db *db)
{
	char *sqldir = app_sqldir(), *dir = xasprintf("%s/migrations", sqldir), **names = NULL;
	int n = 0, rc = 1, applied = 0, base;

	if (run_simple(db, "SET client_min_messages = warning") != 0 ||
	    run_simple(db, "SELECT pg_advisory_lock(7346298)") != 0 ||
	    run_simple(db, "CREATE SCHEMA IF NOT EXISTS marquee_meta") != 0 ||
	    run_simple(db, "CREATE TABLE IF NOT EXISTS marquee_meta.migration ("
	                   " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())") != 0 ||
	    run_simple(db, "ALTER TABLE marquee_meta.migration ADD COLUMN IF NOT EXISTS digest text") != 0 ||
	    (base = recorded(db, "baseline")) < 0) {
		fprintf(stderr, "marquee: db migrate: %s\n", db_error(db));
		goto out;
	}
	if ((n = list_sql(dir, &names)) < 0) {
		fprintf(stderr, "marquee: %s: %s\n", dir, strerror(errno));
		n = 0;
		goto out;
	}
	if (base == 0 && (check_origin(db) != 0 || apply_baseline(db, sqldir, names, n) != 0))
		goto out;
	if (base == 1 && n == 0 && check_baseline(db, sqldir) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		char *key = xasprintf("migrations/%s", names[i]);
		int done = recorded(db, key);

		free(key);
		if (done < 0) {
			fprintf(stderr, "marquee: db migrate: %s\n", db_error(db));
			goto out;
		}
		if (done == 0) {
			if (apply_migration(db, dir, names[i]) != 0)
				goto out;
			applied++;
		}
	}
	printf("database is up to date (%s%d migration%s applied now, %d in all)\n",
	       base == 0 ? "baseline and " : "", applied, applied == 1 ? "" : "s", n);
	rc = 0;
out:
	(void)run_simple(db, "SELECT pg_advisory_unlock(7346298)");
	free_names(names, n);
	free(dir);
	free(sqldir);
	return rc;
}

struct demo_user {
	const char *username, *email, *full_name, *role, *password;
};

/* The Argon2id limits of the demo accounts: libsodium's interactive ones,
 * as the database's defaults for new passwords (settings pw_opslimit and
 * pw_memlimit). */
#define DEMO_OPSLIMIT	crypto_pwhash_OPSLIMIT_INTERACTIVE
#define DEMO_MEMLIMIT	crypto_pwhash_MEMLIMIT_INTERACTIVE

/* The demo accounts; their passwords are in the README. */
static const struct demo_user demo_users[] = {
	{ "cashier", NULL, "Casey Cashier", "cashier", "cashier1" },
	{ "manager", NULL, "Morgan Manager", "manager", "manager1" },
	{ NULL, "alice@example.com", "Alice Customer", "customer", "alice123" },
};

static int
db_demo(struct db *db)
{
	char *dir = app_sqldir(), *path = xasprintf("%s/demo.sql", dir), *text;
	PGresult *res;
	int rc = 1;

	text = read_path(path, SQL_FILE_MAX, NULL);
	if (text == NULL) {
		fprintf(stderr, "marquee: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (run_simple(db, "SET client_min_messages = warning") != 0 || run_simple(db, "BEGIN") != 0 ||
	    db_script(db, text) != 0)
		goto fail;
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		const struct demo_user *u = &demo_users[i];
		char salt[AUTH_SALT_HEX], proof[AUTH_PROOF_HEX], ops[24], mem[24];
		const char *params[8] = { u->username, u->email, u->full_name, u->role, salt, ops, mem, proof };

		auth_salt_new(salt);
		snprintf(ops, sizeof ops, "%llu", (unsigned long long)DEMO_OPSLIMIT);
		snprintf(mem, sizeof mem, "%zu", (size_t)DEMO_MEMLIMIT);
		if (auth_proof(u->password, salt, DEMO_OPSLIMIT, DEMO_MEMLIMIT, proof) != 0) {
			fprintf(stderr, "marquee: db demo: cannot make a password proof (out of memory)\n");
			goto fail;
		}
		/* the database keeps only the proof's digest */
		res = db_exec(db, DB_ONCE,
		              "INSERT INTO core.app_user (username, email, full_name, role,"
		              " pw_salt, pw_opslimit, pw_memlimit, pw_digest)"
		              " VALUES ($1, $2, $3, $4, $5, $6::bigint, $7::bigint, core.proof_digest($8))"
		              " ON CONFLICT DO NOTHING", 8, params);
		sodium_memzero(proof, sizeof proof);
		if (res == NULL)
			goto fail;
		PQclear(res);
	}
	if (run_simple(db, "COMMIT") != 0)
		goto fail;
	res = db_exec(db, DB_SAFE,
	              "SELECT (SELECT count(*) FROM core.location) AS cinemas,"
	              " (SELECT count(*) FROM core.auditorium) AS halls,"
	              " (SELECT count(*) FROM core.movie) AS films,"
	              " (SELECT count(*) FROM core.showtime WHERE starts_at >= now()) AS shows", 0, NULL);
	if (res != NULL) {
		printf("demo data: %s cinemas, %s halls, %s films, %s upcoming showtimes\n",
		       db_value(res, 0, "cinemas"), db_value(res, 0, "halls"), db_value(res, 0, "films"),
		       db_value(res, 0, "shows"));
		PQclear(res);
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "marquee: db demo: %s\n", db_error(db));
	if (db_connected(db))
		(void)run_simple(db, "ROLLBACK");
out:
	free(text);
	free(path);
	free(dir);
	return rc;
}

int
db_admin(struct db *db, bool demo)
{
	return demo ? db_demo(db) : db_migrate(db);
}
