/* ticket.h - the signed payload in a ticket's QR, and the keys that sign it.
 *
 * The payload is a few fixed fields signed with Ed25519 and written as
 * "MQ1" + base32 (RFC 4648 alphabet, no padding), which QR codes store in
 * their compact alphanumeric mode. docs/tickets.md has the byte layout. */
#ifndef MARQUEE_TICKET_H
#define MARQUEE_TICKET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sodium.h>

#define TICKET_VERSION		2	/* the byte layout; the text prefix stays MQ1 */
#define TICKET_PREFIX		"MQ1"
#define TICKET_SEAT_MAX		5	/* a seat label: 1-2 letters, 1-3 digits */
#define TICKET_KEY_ID_BYTES	8	/* first bytes of the SHA-256 of the public key */
#define TICKET_KEY_ID_HEX	(2 * TICKET_KEY_ID_BYTES + 1)
#define TICKET_BODY_MAX		(1 + TICKET_KEY_ID_BYTES + 8 + 8 + 8 + 4 + 2 + 1 + TICKET_SEAT_MAX)
#define TICKET_RAW_MAX		(TICKET_BODY_MAX + crypto_sign_BYTES)
/* Longest text: prefix + base32 of TICKET_RAW_MAX bytes + NUL. */
#define TICKET_TEXT_MAX		(3 + (TICKET_RAW_MAX * 8 + 4) / 5 + 1)

struct ticket_payload {
	int64_t		order_id;
	int64_t		ticket_id;
	int64_t		showtime_id;
	uint32_t	starts_min;	/* show start, minutes since the Unix epoch */
	uint16_t	issue;		/* copy number: a reprint makes a new issue */
	char		seat[TICKET_SEAT_MAX + 1];
};

/* What reading a scanned text found. */
enum ticket_verdict {
	TICKET_OK = 0,
	TICKET_MALFORMED,	/* not a Marquee ticket at all (or cut short) */
	TICKET_FORGED,		/* well formed, but the signature does not match */
	TICKET_UNKNOWN_KEY,	/* signed by a key the keyring does not hold */
	TICKET_REVOKED_KEY,	/* signed (truly) by a key that was revoked */
};

/* One public key that signs tickets, as a door knows it. */
struct ticket_key {
	unsigned char	id[TICKET_KEY_ID_BYTES];
	unsigned char	pk[crypto_sign_PUBLICKEYBYTES];
	char		revoked[40];	/* when it was revoked, "" while it is good */
};

/* The keys a door accepts (and those it knows were revoked). */
struct ticket_keyring {
	struct ticket_key	*keys;
	size_t			 n;
};

/* Writes the signed text of p into out (TICKET_TEXT_MAX bytes), signed with
 * the secret key sk, whose key id the text names. Returns 0, or -1 when a
 * field cannot be encoded (a seat label that is not 1-2 letters and 1-3
 * digits, a negative id). */
int  ticket_encode(const struct ticket_payload *p, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
                   char out[TICKET_TEXT_MAX]);
/* Reads len bytes of scanned text (not NUL-terminated; no white space
 * allowed) and checks its signature with the public key pk; a text naming
 * another key is TICKET_FORGED. Fills *p only when it returns TICKET_OK.
 * Never reads past len. */
enum ticket_verdict ticket_decode(const char *text, size_t len,
                                  const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                                  struct ticket_payload *p);
/* Reads scanned text like ticket_decode, with the key the text names from
 * ring: TICKET_UNKNOWN_KEY when ring lacks it, TICKET_FORGED when the
 * signature does not match it, TICKET_REVOKED_KEY when it matches a revoked
 * key, TICKET_OK otherwise. Sets *id (when not NULL) to the named key id
 * for every answer but TICKET_MALFORMED, *key to the key found (or NULL). */
enum ticket_verdict ticket_decode_ring(const char *text, size_t len, const struct ticket_keyring *ring,
                                       struct ticket_payload *p, unsigned char id[TICKET_KEY_ID_BYTES],
                                       const struct ticket_key **key);
/* A word for a verdict ("valid", "forged", ...). */
const char *ticket_verdict_name(enum ticket_verdict v);

/* Creates a new key pair: the secret key file (mode 0600) and the public
 * key file, making their folders when missing (the secret key's 0700,
 * the public key's 0755). Refuses to overwrite unless force. Returns 0, or -1 with *cause
 * set (caller frees). */
int  ticket_keys_init(const char *secret_path, const char *public_path, int force, char **cause);
/* Writes the key pair whose seed is given (tests use a fixed one). Same
 * files and rules as ticket_keys_init. */
int  ticket_keys_write(const char *secret_path, const char *public_path,
                       const unsigned char seed[crypto_sign_SEEDBYTES], int force, char **cause);
/* Loads a secret key, refusing a file others may read. Returns 0, or -1
 * with *cause set. */
int  ticket_key_secret(const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES], char **cause);
/* The public key of the secret key file at path (what this device signs
 * with). Returns 0, or -1 with *cause set. */
int  ticket_key_secret_public(const char *path, unsigned char pk[crypto_sign_PUBLICKEYBYTES], char **cause);
/* Loads a public key. Returns 0, or -1 with *cause set. */
int  ticket_key_public(const char *path, unsigned char pk[crypto_sign_PUBLICKEYBYTES], char **cause);

/* The key id of a public key (the first TICKET_KEY_ID_BYTES of its
 * SHA-256), and its hex spelling (the database's key_id). */
void ticket_key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], unsigned char id[TICKET_KEY_ID_BYTES]);
void ticket_key_id_hex(const unsigned char id[TICKET_KEY_ID_BYTES], char hex[TICKET_KEY_ID_HEX]);

/* Adds a key to ring (revoked: when it was revoked, or NULL or "" for a
 * good key). A key already there is updated. */
void ticket_keyring_add(struct ticket_keyring *ring, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                        const char *revoked);
/* The key of ring with this id, or NULL. */
const struct ticket_key *ticket_keyring_find(const struct ticket_keyring *ring,
                                             const unsigned char id[TICKET_KEY_ID_BYTES]);
/* Frees the keys of ring and empties it. */
void ticket_keyring_free(struct ticket_keyring *ring);
/* Reads a keyring file (docs/tickets.md: a public key file is a keyring of
 * one key) into ring, which must be empty. Returns 0, or -1 with *cause set
 * (caller frees) and ring empty. */
int  ticket_keyring_load(const char *path, struct ticket_keyring *ring, char **cause);
struct db;
/* Reads every registered key and when it was revoked from the database
 * (api.ticket_keys) into ring, which must be empty. Returns 0, or -1 with
 * *cause set and ring empty. */
int  ticket_keyring_fetch(struct db *db, struct ticket_keyring *ring, char **cause);
/* Writes ring to f in the keyring file format. */
void ticket_keyring_write(FILE *f, const struct ticket_keyring *ring);
/* Writes ring to path (mode 0644) through a temporary file renamed into
 * place. Returns 0, or -1 with *cause set. */
int  ticket_keyring_save(const char *path, const struct ticket_keyring *ring, char **cause);

#endif
