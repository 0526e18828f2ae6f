/* ticket-payload.c - the signed ticket payload: packing, base32 text, and
 * the strict reader a door scanner runs on whatever a QR gave it.
 *
 * Bytes (all integers big-endian):
 *   0      version (1)
 *   1..8   order id          9..16  ticket id        17..24 showtime id
 *   25..28 show start, minutes since the Unix epoch
 *   29..30 issue             31     seat label length n (2..5)
 *   32..   seat label (n bytes), then 64 bytes of Ed25519 signature over
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

/* Packs the unsigned body. Returns its length, or 0 when p cannot be packed. */
static size_t
pack_body(const struct ticket_payload *p, unsigned char *b)
{
	size_t n = strnlen(p->seat, sizeof p->seat);

	if (p->order_id < 0 || p->ticket_id < 0 || p->showtime_id < 0 || !seat_ok(p->seat, n))
		return 0;
	b[0] = TICKET_VERSION;
	put_be(b + 1, (uint64_t)p->order_id, 8);
	put_be(b + 9, (uint64_t)p->ticket_id, 8);
	put_be(b + 17, (uint64_t)p->showtime_id, 8);
	put_be(b + 25, p->starts_min, 4);
	put_be(b + 29, p->issue, 2);
	b[31] = (unsigned char)n;
	memcpy(b + 32, p->seat, n);
	return 32 + n;
}

int
ticket_encode(const struct ticket_payload *p, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
              char out[TICKET_TEXT_MAX])
{
	unsigned char raw[TICKET_RAW_MAX];
	size_t n = pack_body(p, raw);

	if (n == 0)
		return -1;
	crypto_sign_detached(raw + n, NULL, raw, n, sk);
	memcpy(out, TICKET_PREFIX, 3);
	b32_encode(raw, n + crypto_sign_BYTES, out + 3);
	return 0;
}

enum ticket_verdict
ticket_decode(const char *text, size_t len, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
              struct ticket_payload *p)
{
	unsigned char raw[TICKET_RAW_MAX];
	long n;
	size_t body, seat;

	if (text == NULL || len < 3 || len > TICKET_TEXT_MAX - 1 || memcmp(text, TICKET_PREFIX, 3) != 0)
		return TICKET_MALFORMED;
	n = b32_decode(text + 3, len - 3, raw, sizeof raw);
	if (n < 32 + crypto_sign_BYTES || raw[0] != TICKET_VERSION)
		return TICKET_MALFORMED;
	seat = raw[31];
	body = 32 + seat;
	if (seat < 2 || seat > TICKET_SEAT_MAX || (size_t)n != body + crypto_sign_BYTES ||
	    !seat_ok((const char *)raw + 32, seat) || (raw[1] & 0x80) || (raw[9] & 0x80) ||
	    (raw[17] & 0x80))
		return TICKET_MALFORMED;
	if (crypto_sign_verify_detached(raw + body, raw, body, pk) != 0)
		return TICKET_FORGED;
	memset(p, 0, sizeof *p);
	p->order_id = (int64_t)get_be(raw + 1, 8);
	p->ticket_id = (int64_t)get_be(raw + 9, 8);
	p->showtime_id = (int64_t)get_be(raw + 17, 8);
	p->starts_min = (uint32_t)get_be(raw + 25, 4);
	p->issue = (uint16_t)get_be(raw + 29, 2);
	memcpy(p->seat, raw + 32, seat);
	return TICKET_OK;
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
	}
	return "unknown";
}
