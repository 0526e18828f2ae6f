/* ticket.h - the signed payload in a ticket's QR, and the keys that sign it.
 *
 * The payload is a few fixed fields signed with Ed25519 and written as
 * "MQ1" + base32 (RFC 4648 alphabet, no padding), which QR codes store in
 * their compact alphanumeric mode. docs/tickets.md has the byte layout. */
#ifndef MARQUEE_TICKET_H
#define MARQUEE_TICKET_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define TICKET_VERSION		1
#define TICKET_PREFIX		"MQ1"
#define TICKET_SEAT_MAX		5	/* a seat label: 1-2 letters, 1-3 digits */
#define TICKET_BODY_MAX		(1 + 8 + 8 + 8 + 4 + 2 + 1 + TICKET_SEAT_MAX)
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
};

/* Writes the signed text of p into out (TICKET_TEXT_MAX bytes), signed with
 * the secret key sk. Returns 0, or -1 when a field cannot be encoded (a seat
 * label that is not 1-2 letters and 1-3 digits, a negative id). */
int  ticket_encode(const struct ticket_payload *p, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
                   char out[TICKET_TEXT_MAX]);
/* Reads len bytes of scanned text (not NUL-terminated; no white space
 * allowed) and checks its signature with the public key pk. Fills *p only
 * when it returns TICKET_OK. Never reads past len. */
enum ticket_verdict ticket_decode(const char *text, size_t len,
                                  const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                                  struct ticket_payload *p);
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
/* Loads a public key. Returns 0, or -1 with *cause set. */
int  ticket_key_public(const char *path, unsigned char pk[crypto_sign_PUBLICKEYBYTES], char **cause);

#endif
