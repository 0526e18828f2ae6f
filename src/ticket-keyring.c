/* ticket-keyring.c - the public keys a door scanner checks tickets with:
 * fetched from the database online, kept in a keyring file for offline use.
 *
 * A keyring file is lines of text; blank lines and lines starting with '#'
 * are skipped, every other line is one key:
 *   ed25519-public HEX [KEYID [revoked WHEN]]
 * HEX is the 32-byte public key, KEYID (16 hex digits) its key id, which
 * must be the one the key gives, WHEN (no spaces) when it was revoked. A
 * public key file (one "ed25519-public HEX" line) is a keyring of one key. */
#include "db.h"
#include "ticket.h"
#include "util.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PUBLIC_WORD	"ed25519-public"
#define KEYRING_MAX	4096	/* keys in one file: a site has a few dozen */

void
ticket_keyring_add(struct ticket_keyring *ring, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                   const char *revoked)
{
	unsigned char id[TICKET_KEY_ID_BYTES];
	struct ticket_key *k = NULL;

	ticket_key_id(pk, id);
	for (size_t i = 0; i < ring->n && k == NULL; i++)
		if (memcmp(ring->keys[i].id, id, sizeof id) == 0)
			k = &ring->keys[i];
	if (k == NULL) {
		ring->keys = xreallocarray(ring->keys, ring->n + 1, sizeof *ring->keys);
		k = &ring->keys[ring->n++];
		memset(k, 0, sizeof *k);
		memcpy(k->id, id, sizeof id);
		memcpy(k->pk, pk, sizeof k->pk);
	}
	memset(k->revoked, 0, sizeof k->revoked);	/* keyrings compare with memcmp */
	snprintf(k->revoked, sizeof k->revoked, "%s", revoked != NULL ? revoked : "");
}

void
ticket_keyring_free(struct ticket_keyring *ring)
{
	free(ring->keys);
	ring->keys = NULL;
	ring->n = 0;
}

/* Reads one key line (words split on blanks) into ring. Returns 0, or -1
 * when the line is not a key line of the format. */
static int
keyring_line(char *line, struct ticket_keyring *ring)
{
	char *save = NULL, *w[5];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], id[TICKET_KEY_ID_BYTES];
	char hex[TICKET_KEY_ID_HEX];
	size_t nw = 0, binlen = 0;

	for (char *t = strtok_r(line, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		if (nw == 5)
			return -1;
		w[nw++] = t;
	}
	if ((nw != 2 && nw != 3 && nw != 5) || strcmp(w[0], PUBLIC_WORD) != 0 || strlen(w[1]) != 64 ||
	    sodium_hex2bin(pk, sizeof pk, w[1], 64, NULL, &binlen, NULL) != 0 || binlen != sizeof pk)
		return -1;
	ticket_key_id(pk, id);
	ticket_key_id_hex(id, hex);
	if (nw >= 3 && strcmp(w[2], hex) != 0)
		return -1;
	if (nw == 5 && (strcmp(w[3], "revoked") != 0 || strlen(w[4]) >= sizeof ring->keys->revoked))
		return -1;
	ticket_keyring_add(ring, pk, nw == 5 ? w[4] : NULL);
	return 0;
}

int
ticket_keyring_load(const char *path, struct ticket_keyring *ring, char **cause)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = -1;

	if (sodium_init() < 0) {
		*cause = xstrdup("libsodium cannot start");
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			*cause = xasprintf("no ticket keyring at %s (run: marquee keys export -o %s)", path, path);
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		strtrim(line);
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (ring->n == KEYRING_MAX || keyring_line(line, ring) != 0) {
			*cause = xasprintf("%s line %ld is not a ticket key line", path, lineno);
			goto out;
		}
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	if (ring->n == 0) {
		*cause = xasprintf("%s holds no ticket key", path);
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	if (rc != 0)
		ticket_keyring_free(ring);
	return rc;
}

void
ticket_keyring_write(FILE *f, const struct ticket_keyring *ring)
{
	char pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1], idhex[TICKET_KEY_ID_HEX];

	fprintf(f, "# Marquee ticket keyring: the public keys a door accepts "
	        "(docs/tickets.md)\n");
	for (size_t i = 0; i < ring->n; i++) {
		const struct ticket_key *k = &ring->keys[i];

		sodium_bin2hex(pkhex, sizeof pkhex, k->pk, sizeof k->pk);
		ticket_key_id_hex(k->id, idhex);
		fprintf(f, "%s %s %s%s%s\n", PUBLIC_WORD, pkhex, idhex,
		        k->revoked[0] != '\0' ? " revoked " : "", k->revoked);
	}
}

int
ticket_keyring_save(const char *path, const struct ticket_keyring *ring, char **cause)
{
	char *tmp = xasprintf("%s.new", path);
	FILE *f;
	int rc = -1;

	if ((f = fopen(tmp, "w")) == NULL) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	ticket_keyring_write(f, ring);
	if (fflush(f) != 0 || fchmod(fileno(f), 0644) != 0 || fsync(fileno(f)) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

int
ticket_keyring_fetch(struct db *db, struct ticket_keyring *ring, char **cause)
{
	PGresult *res;
	int rc = -1;

	res = db_exec(db, DB_SAFE, "SELECT public_key, coalesce(to_char(revoked_at AT TIME ZONE 'UTC', "
	              "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS revoked FROM api.ticket_keys()", 0, NULL);
	if (res == NULL) {
		*cause = xasprintf("cannot read the ticket keys: %.*s", (int)strcspn(db_error(db), "\n"),
		                   db_error(db));
		return -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		unsigned char pk[crypto_sign_PUBLICKEYBYTES];
		const char *hex = db_value(res, i, "public_key");
		size_t binlen = 0;

		if (sodium_hex2bin(pk, sizeof pk, hex, strlen(hex), NULL, &binlen, NULL) != 0 ||
		    binlen != sizeof pk) {
			*cause = xasprintf("the database holds a ticket key that is not one: %s", hex);
			ticket_keyring_free(ring);
			goto out;
		}
		ticket_keyring_add(ring, pk, db_value(res, i, "revoked"));
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}
