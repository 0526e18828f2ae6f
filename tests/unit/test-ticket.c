/* test-ticket.c - the signed ticket payload and its keys: what a door
 * scanner accepts (only what our key signed, exactly as encoded) and what it
 * refuses (forged, tampered, truncated, random, non-canonical); key files
 * and their permissions; every driver renders a ticket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "print.h"
#include "ticket.h"

static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static unsigned char pk2[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];

static const struct ticket_payload sample = {
	.order_id = 384086564348628994LL, .ticket_id = 900001, .showtime_id = 225,
	.starts_min = 29400000, .issue = 3, .seat = "AB123",
};

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	return 0;
}

static void
test_roundtrip(void **state)
{
	char text[TICKET_TEXT_MAX];
	struct ticket_payload p, q = sample;

	(void)state;
	assert_int_equal(ticket_encode(&sample, sk, text), 0);
	assert_int_equal(strncmp(text, "MQ1", 3), 0);
	assert_int_equal(ticket_decode(text, strlen(text), pk, &p), TICKET_OK);
	assert_true(p.order_id == sample.order_id && p.ticket_id == sample.ticket_id);
	assert_true(p.showtime_id == sample.showtime_id && p.starts_min == sample.starts_min);
	assert_int_equal(p.issue, 3);
	assert_string_equal(p.seat, "AB123");
	/* Every seat length and extreme values. */
	strcpy(q.seat, "A1");
	q.order_id = INT64_MAX;
	q.issue = UINT16_MAX;
	q.starts_min = UINT32_MAX;
	assert_int_equal(ticket_encode(&q, sk, text), 0);
	assert_int_equal(ticket_decode(text, strlen(text), pk, &p), TICKET_OK);
	assert_true(p.order_id == INT64_MAX && p.issue == UINT16_MAX && p.starts_min == UINT32_MAX);
	assert_string_equal(p.seat, "A1");
	/* Only the QR alphanumeric set: upper case and digits. */
	for (const char *c = text; *c; c++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", *c));
	assert_true(strlen(text) < TICKET_TEXT_MAX);
}

static void
test_bad_fields_not_encoded(void **state)
{
	static const char *const seats[] = { "", "a1", "1A", "ABC1", "A1234", "A", "12", "A-1", "A1B" };
	struct ticket_payload p = sample;
	char text[TICKET_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof seats / sizeof seats[0]; i++) {
		strcpy(p.seat, seats[i]);
		assert_int_equal(ticket_encode(&p, sk, text), -1);
	}
	p = sample;
	p.order_id = -1;
	assert_int_equal(ticket_encode(&p, sk, text), -1);
}

static void
test_forged(void **state)
{
	char text[TICKET_TEXT_MAX];
	struct ticket_payload p;

	(void)state;
	/* Signed with another key: well formed, not ours. */
	assert_int_equal(ticket_encode(&sample, sk2, text), 0);
	assert_int_equal(ticket_decode(text, strlen(text), pk, &p), TICKET_FORGED);
	/* And ours does not pass under another public key. */
	assert_int_equal(ticket_encode(&sample, sk, text), 0);
	assert_int_equal(ticket_decode(text, strlen(text), pk2, &p), TICKET_FORGED);
}

static void
test_tampered(void **state)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	char text[TICKET_TEXT_MAX], t[TICKET_TEXT_MAX + 8];
	struct ticket_payload p;
	size_t len;
	int forged = 0;

	(void)state;
	assert_int_equal(ticket_encode(&sample, sk, text), 0);
	len = strlen(text);
	/* Every symbol changed to four others (spread over the alphabet): never
	 * accepted. */
	for (size_t i = 0; i < len; i++)
		for (size_t a = i % 8; a < 32; a += 8) {
			if (alphabet[a] == text[i])
				continue;
			memcpy(t, text, len + 1);
			t[i] = alphabet[a];
			enum ticket_verdict v = ticket_decode(t, len, pk, &p);
			assert_int_not_equal(v, TICKET_OK);
			forged += v == TICKET_FORGED;
		}
	assert_true(forged > 400);	/* most changes reach the signature check */
	/* Lower case, padding, white space, a byte appended: not our spelling. */
	memcpy(t, text, len + 1);
	t[10] = (char)(t[10] | 0x20);
	if (t[10] != text[10])
		assert_int_not_equal(ticket_decode(t, len, pk, &p), TICKET_OK);
	snprintf(t, sizeof t, "%s=", text);
	assert_int_equal(ticket_decode(t, strlen(t), pk, &p), TICKET_MALFORMED);
	snprintf(t, sizeof t, " %s", text);
	assert_int_equal(ticket_decode(t, strlen(t), pk, &p), TICKET_MALFORMED);
	snprintf(t, sizeof t, "%sAA", text);
	assert_int_equal(ticket_decode(t, strlen(t), pk, &p), TICKET_MALFORMED);
	snprintf(t, sizeof t, "MQ2%s", text + 3);
	assert_int_equal(ticket_decode(t, len, pk, &p), TICKET_MALFORMED);
}

static void
test_truncated(void **state)
{
	char text[TICKET_TEXT_MAX];
	struct ticket_payload p;
	size_t len;

	(void)state;
	assert_int_equal(ticket_encode(&sample, sk, text), 0);
	len = strlen(text);
	for (size_t n = 0; n < len; n++)
		assert_int_not_equal(ticket_decode(text, n, pk, &p), TICKET_OK);
	/* Cut from the front too. */
	for (size_t n = 1; n < len; n++)
		assert_int_not_equal(ticket_decode(text + n, len - n, pk, &p), TICKET_OK);
	assert_int_equal(ticket_decode(NULL, 0, pk, &p), TICKET_MALFORMED);
}

/* xorshift64: a fixed, repeatable stream of test inputs. */
static uint64_t
next_random(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static void
test_random(void **state)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	char t[TICKET_TEXT_MAX + 64];
	struct ticket_payload p;

	(void)state;
	for (int i = 0; i < 5000; i++) {
		size_t len = 3 + next_random() % (TICKET_TEXT_MAX + 40);

		memcpy(t, "MQ1", 3);
		for (size_t k = 3; k < len; k++)
			t[k] = alphabet[next_random() % 32];
		/* Every length is tried, even the ones an encoder can make. */
		assert_int_not_equal(ticket_decode(t, len, pk, &p), TICKET_OK);
		for (size_t k = 0; k < len; k++)
			t[k] = (char)(next_random() & 0xff);
		assert_int_not_equal(ticket_decode(t, len, pk, &p), TICKET_OK);
	}
	/* Random but well formed: right length, right version byte, a seat. */
	for (int i = 0; i < 300; i++) {
		struct ticket_payload q = sample;
		char text[TICKET_TEXT_MAX];

		q.ticket_id = (int64_t)(next_random() >> 1);
		assert_int_equal(ticket_encode(&q, sk, text), 0);
		for (size_t k = 60; k < strlen(text); k++)	/* the signature's symbols */
			text[k] = alphabet[next_random() % 32];
		text[strlen(text) - 1] = 'A';	/* keep the unused bits zero */
		assert_int_not_equal(ticket_decode(text, strlen(text), pk, &p), TICKET_OK);
	}
}

/* A fresh directory for key files; returns a static path. */
static const char *
tmpdir(void)
{
	static char dir[64];

	strcpy(dir, "/tmp/marquee-test-ticket.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void
test_keys(void **state)
{
	const char *dir = tmpdir();
	char skp[128], pkp[128], text[TICKET_TEXT_MAX], *cause = NULL;
	unsigned char s[crypto_sign_SECRETKEYBYTES], pub[crypto_sign_PUBLICKEYBYTES];
	struct ticket_payload p;
	struct stat sb;

	(void)state;
	snprintf(skp, sizeof skp, "%s/ticket.key", dir);
	snprintf(pkp, sizeof pkp, "%s/ticket.pub", dir);
	assert_int_equal(ticket_keys_init(skp, pkp, 0, &cause), 0);
	assert_int_equal(stat(skp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(ticket_key_secret(skp, s, &cause), 0);
	assert_int_equal(ticket_key_public(pkp, pub, &cause), 0);
	assert_int_equal(ticket_encode(&sample, s, text), 0);
	assert_int_equal(ticket_decode(text, strlen(text), pub, &p), TICKET_OK);

	/* No overwrite without --force. */
	assert_int_equal(ticket_keys_init(skp, pkp, 0, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	free(cause);
	cause = NULL;

	/* A secret key others can read is refused. */
	assert_int_equal(chmod(skp, 0640), 0);
	assert_int_equal(ticket_key_secret(skp, s, &cause), -1);
	assert_non_null(strstr(cause, "refusing"));
	free(cause);
	cause = NULL;
	assert_int_equal(chmod(skp, 0604), 0);
	assert_int_equal(ticket_key_secret(skp, s, &cause), -1);
	free(cause);
	cause = NULL;

	/* --force makes a new pair: the old tickets no longer verify. */
	assert_int_equal(ticket_keys_init(skp, pkp, 1, &cause), 0);
	assert_int_equal(ticket_key_public(pkp, pub, &cause), 0);
	assert_int_equal(ticket_decode(text, strlen(text), pub, &p), TICKET_FORGED);

	/* A public key file is not a secret key file, nor a missing one. */
	assert_int_equal(chmod(pkp, 0600), 0);
	assert_int_equal(ticket_key_secret(pkp, s, &cause), -1);
	free(cause);
	cause = NULL;
	unlink(skp);
	assert_int_equal(ticket_key_secret(skp, s, &cause), -1);
	assert_non_null(strstr(cause, "keys init"));
	free(cause);
	unlink(pkp);
	rmdir(dir);
}

static void
test_drivers(void **state)
{
	struct print_ticket t = {
		.cinema = "Marquee <Riverside>", .address = "12 Quay Street", .film = "Caf\xc3\xa9 \xe5\x8d\x83 (Director's Cut)",
		.rating = "R", .auditorium = "Grand", .date = "Wed 25 Nov 2026", .time = "20:45",
		.seat = "F12", .type = "Adult", .price = "USD 12.50", .code = "ABCD-EFGHJ",
		.issue = 1, .index = 1, .count = 1,
	};
	char text[TICKET_TEXT_MAX], *cause = NULL;
	struct obuf out = { 0 };

	(void)state;
	assert_int_equal(ticket_encode(&sample, sk, text), 0);
	t.payload = text;
	assert_int_equal(print_tickets(DRIVER_PS, &t, 1, &out, &cause), 0);
	assert_true(out.len > 1000 && memcmp(out.data, "%!PS", 4) == 0);
	/* Latin-1 in the PostScript string (the prolog's fonts are Latin-1);
	 * outside it, '?'. */
	assert_non_null(memmem(out.data, out.len, "(Caf\\351 ? \\(Director's Cut\\))", 30));
	obuf_free(&out);
	assert_int_equal(print_tickets(DRIVER_ESCPOS, &t, 1, &out, &cause), 0);
	assert_true(out.data[0] == 0x1b && out.data[1] == '@');
	/* Code page 850: the reset is followed by ESC t 2, é is 0x82 there,
	 * and a character outside it is '?'. */
	assert_memory_equal(out.data + 2, "\x1bt\x02", 3);
	assert_non_null(memmem(out.data, out.len, "Caf\x82 ? (Director's Cut)", 23));
	assert_true(out.data[out.len - 4] == 0x1d && out.data[out.len - 3] == 'V');
	assert_non_null(memmem(out.data, out.len, "\x1dv0", 3));
	obuf_free(&out);
	assert_int_equal(print_tickets(DRIVER_FGL, &t, 1, &out, &cause), 0);
	assert_non_null(memmem(out.data, out.len, text, strlen(text)));
	/* The cinema's angle brackets must not become FGL commands. */
	assert_null(memmem(out.data, out.len, "<Riverside>", 11));
	assert_non_null(memmem(out.data, out.len, "<p>", 3));
	obuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_fields_not_encoded),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_drivers),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
