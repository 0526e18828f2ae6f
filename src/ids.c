/* ids.c - snowflake order ids and Crockford base32 booking codes. The
 * database makes both (core.next_order_id, core.crockford); this is the same
 * arithmetic for reading them back and for tests that compare the two.
 *
 * A code's check symbol is one of the same 32 symbols: the sum over GF(32)
 * (x^5 + x^2 + 1) of each symbol times a^(position + 1), a = x. Every
 * position has its own non-zero weight, so one wrong symbol, or any two
 * different symbols swapped, always changes the check. */
#include "ids.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The product of a and b (0..31) in GF(32) modulo x^5 + x^2 + 1. */
static unsigned
ids_gf32_mul(unsigned a, unsigned b)
{
	unsigned p = 0;

	while (b != 0) {
		if (b & 1)
			p ^= a;
		b >>= 1;
		a <<= 1;
		if (a & 32)
			a ^= 0x25;
	}
	return p;
}

unsigned
bookcode_check(uint64_t value)
{
	unsigned c = 0, w = 1;

	for (int i = 7; i >= 0; i--) {
		w = ids_gf32_mul(w, 2);	/* a^(8 - i): the weight of position 7 - i */
		c ^= ids_gf32_mul((unsigned)(value >> (5 * i)) & 31, w);
	}
	return c;
}

int64_t
snowflake_make(int64_t unix_ms, int node, int seq)
{
	int64_t t = unix_ms - SNOWFLAKE_EPOCH_MS;

	if (t < 0 || t >= (1LL << 41) || node < 0 || node > 1023 || seq < 0 || seq > 4095)
		return -1;
	return (t << 22) | ((int64_t)node << 12) | seq;
}

int
snowflake_split(int64_t id, struct snowflake *out)
{
	if (id < 0)
		return -1;
	out->ms = (id >> 22) + SNOWFLAKE_EPOCH_MS;
	out->node = (int)((id >> 12) & 1023);
	out->seq = (int)(id & 4095);
	return 0;
}

int
bookcode_encode(uint64_t value, char out[BOOKCODE_LEN + 1])
{
	if (value >= (1ULL << 40))
		return -1;
	for (int i = 7; i >= 0; i--)
		out[7 - i] = crockford[(value >> (5 * i)) & 31];
	out[8] = crockford[bookcode_check(value)];
	out[9] = '\0';
	return 0;
}

int
bookcode_parse(const char *text, char out[BOOKCODE_LEN + 1], uint64_t *value)
{
	char buf[BOOKCODE_LEN + 1];
	size_t n = 0;
	uint64_t v = 0;
	const char *p;

	for (p = text; *p != '\0'; p++) {
		int c = toupper((unsigned char)*p);

		if (c == '-' || c == ' ')
			continue;
		if (n == BOOKCODE_LEN)
			return -1;
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		buf[n++] = (char)c;
	}
	if (n != BOOKCODE_LEN)
		return -1;
	buf[n] = '\0';
	for (int i = 0; i < 8; i++) {
		const char *at = memchr(crockford, buf[i], 32);

		if (at == NULL || buf[i] == '\0')
			return -1;
		v = (v << 5) | (uint64_t)(at - crockford);
	}
	if (buf[8] == '\0' || memchr(crockford, buf[8], 32) == NULL ||
	    (unsigned)((const char *)memchr(crockford, buf[8], 32) - crockford) != bookcode_check(v))
		return -1;
	memcpy(out, buf, sizeof buf);
	if (value != NULL)
		*value = v;
	return 0;
}

int
bookcode_shaped(const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p != '\0'; p++) {
		int c = toupper((unsigned char)*p);

		if (c == '-' || c == ' ')
			continue;
		if (c != 'I' && c != 'L' && c != 'O' && (c == '\0' || memchr(crockford, c, 32) == NULL))
			return 0;
		n++;
	}
	return n == BOOKCODE_LEN;
}

void
bookcode_pretty(const char *code, char out[BOOKCODE_LEN + 2])
{
	memcpy(out, code, 4);
	out[4] = '-';
	memcpy(out + 5, code + 4, 5);
	out[10] = '\0';
}

/* Reads 1 to 18 decimal digits at p[*i] (below len) into *v, moving *i past
 * them. Returns 0, or -1 when there is no digit there. */
static int
ids_number(const char *p, size_t len, size_t *i, int64_t *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < len && *i - start < 18 && p[*i] >= '0' && p[*i] <= '9')
		*v = *v * 10 + (p[(*i)++] - '0');
	return *i > start ? 0 : -1;
}

int
ids_each(const char *list, void (*fn)(const struct seat_news *news, void *arg), void *arg)
{
	const char *p = list;
	int n = 0;

	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, " "), i = 0;
		struct seat_news w = { .from = -1 };
		bool ok = ids_number(p, len, &i, &w.showtime_id) == 0 && w.showtime_id > 0;

		if (ok && i < len)
			ok = p[i++] == ':' && ids_number(p, len, &i, &w.version) == 0;
		if (ok && i < len) {
			ok = p[i++] == ':' && ids_number(p, len, &i, &w.from) == 0 && i < len && p[i++] == ':';
			w.seats = p + i;
			w.seats_len = len - i;
			i = len;
		}
		if (ok && i == len) {
			fn(&w, arg);
			n++;
		}
		p += len;
		p += strspn(p, " ");
	}
	return n;
}
