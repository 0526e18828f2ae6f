/* ticket-payload.c - the signed ticket payload: packing, base32 text, and
 * the strict reader a door scanner runs on whatever a QR gave it.
 *
 * Bytes (all integers big-endian):
 *   0      version (2)       1..8   key id (the signing key's, ticket_key_id)
 *   9..16  order id          17..24 ticket id        25..32 showtime id
 *   33..36 show start, minutes since the Unix epoch
 *   37..38 issue             39     seat label length n (2..5)
 *   40..   seat label (n bytes), then 64 bytes of Ed25519 signature over
 *          everything before it.
 * The text is "MQ1" followed by the base32 of those bytes without padding.
 * The reader accepts exactly one spelling of each payload: upper case only,
 * no padding, unused trailing bits zero, no bytes after the signature. */
#include "ticket.h"

#include <string.h>

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Writes the base32 of n bytes into out (NUL-terminated). Returns the
 * length written. out must hold (n * 8 + 4) / 5 + 1 bytes. */
static size_t
b32_encode(const unsigned char *in, size_t n, char *out)
{
	size_t o = 0;
	unsigned int acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32_alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return o;
}

/* Reads base32 text of len symbols into out (at most cap bytes). Returns
 * the number of bytes, or -1 for a symbol outside the alphabet, a length no
 * encoder makes, leftover bits that are not zero, or too much data. */
static long
b32_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	size_t o = 0;
	unsigned int acc = 0;
	int bits = 0;
	size_t rem = len % 8;

	/* Lengths mod 8 that whole bytes give: 0, 2, 4, 5, 7. */
	if (rem == 1 || rem == 3 || rem == 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v;
		char c = in[i];

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= '2' && c <= '7')
			v = c - '2' + 26;
		else
			return -1;
		acc = ((acc << 5) | (unsigned int)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			if (o == cap)
				return -1;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (long)o;
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* True for a seat label of n bytes: 1-2 capital letters then 1-3 digits
 * (the rule of core.seat.label). */
static int
seat_ok(const char *s, size_t n)
{
	size_t i = 0, letters, digits;

	while (i < n && s[i] >= 'A' && s[i] <= 'Z')
		i++;
	letters = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	digits = i - letters;
	return i == n && letters >= 1 && letters <= 2 && digits >= 1 && digits <= 3;
}

#define KEY_AT		1
#define FIELDS_AT	(KEY_AT + TICKET_KEY_ID_BYTES)
#define SEAT_AT		(FIELDS_AT + 8 + 8 + 8 + 4 + 2 + 1)

/* Packs the unsigned body, naming key id. Returns its length, or 0 when p
 * cannot be packed. */
static size_t
pack_body(const struct ticket_payload *p, const unsigned char id[TICKET_KEY_ID_BYTES], unsigned char *b)
{
	size_t n = strnlen(p->seat, sizeof p->seat);
	unsigned char *f = b + FIELDS_AT;

	if (p->order_id < 0 || p->ticket_id < 0 || p->showtime_id < 0 || !seat_ok(p->seat, n))
		return 0;
	b[0] = TICKET_VERSION;
	memcpy(b + KEY_AT, id, TICKET_KEY_ID_BYTES);
	put_be(f, (uint64_t)p->order_id, 8);
	put_be(f + 8, (uint64_t)p->ticket_id, 8);
	put_be(f + 16, (uint64_t)p->showtime_id, 8);
	put_be(f + 24, p->starts_min, 4);
	put_be(f + 28, p->issue, 2);
	f[30] = (unsigned char)n;
	memcpy(b + SEAT_AT, p->seat, n);
	return SEAT_AT + n;
}

void
ticket_key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], unsigned char id[TICKET_KEY_ID_BYTES])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, pk, crypto_sign_PUBLICKEYBYTES);
	memcpy(id, h, TICKET_KEY_ID_BYTES);
}

const struct ticket_key *
ticket_keyring_find(const struct ticket_keyring *ring, const unsigned char id[TICKET_KEY_ID_BYTES])
{
	for (size_t i = 0; i < ring->n; i++)
		if (memcmp(ring->keys[i].id, id, TICKET_KEY_ID_BYTES) == 0)
			return &ring->keys[i];
	return NULL;
}

void
ticket_key_id_hex(const unsigned char id[TICKET_KEY_ID_BYTES], char hex[TICKET_KEY_ID_HEX])
{
	sodium_bin2hex(hex, TICKET_KEY_ID_HEX, id, TICKET_KEY_ID_BYTES);
}

int
ticket_encode(const struct ticket_payload *p, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
              char out[TICKET_TEXT_MAX])
{
	unsigned char raw[TICKET_RAW_MAX], pk[crypto_sign_PUBLICKEYBYTES], id[TICKET_KEY_ID_BYTES];
	size_t n;

	crypto_sign_ed25519_sk_to_pk(pk, sk);
	ticket_key_id(pk, id);
	if ((n = pack_body(p, id, raw)) == 0)
		return -1;
	crypto_sign_detached(raw + n, NULL, raw, n, sk);
	memcpy(out, TICKET_PREFIX, 3);
	b32_encode(raw, n + crypto_sign_BYTES, out + 3);
	return 0;
}

/* Reads the text into raw (TICKET_RAW_MAX bytes) and checks its form: the
 * prefix, the one spelling, the version, a seat label of the right form, ids
 * below 2^63, nothing after the signature. Returns the body's length (the
 * signature follows it), or 0 when the text is malformed. */
static size_t
parse(const char *text, size_t len, unsigned char raw[TICKET_RAW_MAX])
{
	const unsigned char *f = raw + FIELDS_AT;
	long n;
	size_t seat;

	if (text == NULL || len < 3 || len > TICKET_TEXT_MAX - 1 || memcmp(text, TICKET_PREFIX, 3) != 0)
		return 0;
	n = b32_decode(text + 3, len - 3, raw, TICKET_RAW_MAX);
	if (n < (long)SEAT_AT + crypto_sign_BYTES || raw[0] != TICKET_VERSION)
		return 0;
	seat = f[30];
	if (seat < 2 || seat > TICKET_SEAT_MAX || (size_t)n != SEAT_AT + seat + crypto_sign_BYTES ||
	    !seat_ok((const char *)raw + SEAT_AT, seat) || (f[0] & 0x80) || (f[8] & 0x80) ||
	    (f[16] & 0x80))
		return 0;
	return SEAT_AT + seat;
}

/* Fills p from a parsed body. */
static void
unpack_body(const unsigned char *raw, size_t body, struct ticket_payload *p)
{
	const unsigned char *f = raw + FIELDS_AT;

	memset(p, 0, sizeof *p);
	p->order_id = (int64_t)get_be(f, 8);
	p->ticket_id = (int64_t)get_be(f + 8, 8);
	p->showtime_id = (int64_t)get_be(f + 16, 8);
	p->starts_min = (uint32_t)get_be(f + 24, 4);
	p->issue = (uint16_t)get_be(f + 28, 2);
	memcpy(p->seat, raw + SEAT_AT, body - SEAT_AT);
}

enum ticket_verdict
ticket_decode(const char *text, size_t len, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
              struct ticket_payload *p)
{
	unsigned char raw[TICKET_RAW_MAX], id[TICKET_KEY_ID_BYTES];
	size_t body = parse(text, len, raw);

	if (body == 0)
		return TICKET_MALFORMED;
	ticket_key_id(pk, id);
	if (memcmp(raw + KEY_AT, id, sizeof id) != 0 ||
	    crypto_sign_verify_detached(raw + body, raw, body, pk) != 0)
		return TICKET_FORGED;
	unpack_body(raw, body, p);
	return TICKET_OK;
}

enum ticket_verdict
ticket_decode_ring(const char *text, size_t len, const struct ticket_keyring *ring,
                   struct ticket_payload *p, unsigned char id[TICKET_KEY_ID_BYTES],
                   const struct ticket_key **key)
{
	unsigned char raw[TICKET_RAW_MAX];
	size_t body = parse(text, len, raw);
	const struct ticket_key *k;

	*key = NULL;
	if (body == 0)
		return TICKET_MALFORMED;
	if (id != NULL)
		memcpy(id, raw + KEY_AT, TICKET_KEY_ID_BYTES);
	if ((k = ticket_keyring_find(ring, raw + KEY_AT)) == NULL)
		return TICKET_UNKNOWN_KEY;
	*key = k;
	if (crypto_sign_verify_detached(raw + body, raw, body, k->pk) != 0)
		return TICKET_FORGED;
	unpack_body(raw, body, p);
	return k->revoked[0] != '\0' ? TICKET_REVOKED_KEY : TICKET_OK;
}

const char *
ticket_verdict_name(enum ticket_verdict v)
{
	switch (v) {
	case TICKET_OK:
		return "valid";
	case TICKET_MALFORMED:
		return "unreadable";
	case TICKET_FORGED:
		return "forged";
	case TICKET_UNKNOWN_KEY:
		return "unknown key";
	case TICKET_REVOKED_KEY:
		return "revoked key";
	}
	return "unknown";
}
