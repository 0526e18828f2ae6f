/* fuzz-payload.c - libFuzzer harness for the ticket payload reader, the
 * parser of what a door scanner reads from any QR put in front of it.
 *
 * Input byte 0 picks a mode:
 *   even: the rest is scanned text. It must never crash, and when it is
 *         accepted it must be exactly what ticket_encode makes of the
 *         payload it read (one spelling per ticket; anything else accepted
 *         would be a forgery).
 *   odd:  the rest fills a payload, which is signed and read back; every
 *         field must survive the round trip.
 * The key is the published golden test key, so the seed corpus (tickets
 * from tests/golden/) is accepted and mutations start from valid tickets. */
#include "ticket.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const unsigned char seed[crypto_sign_SEEDBYTES] =
	    "Marquee golden test key - not us";

	(void)argc, (void)argv;
	if (sodium_init() < 0)
		abort();
	crypto_sign_seed_keypair(pk, sk, seed);
	return 0;
}

static uint64_t
take(const uint8_t **p, size_t *n, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++) {
		v = v << 8;
		if (*n > 0) {
			v |= **p;
			(*p)++;
			(*n)--;
		}
	}
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ticket_payload p, q;
	char text[TICKET_TEXT_MAX];

	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0) {
		if (ticket_decode((const char *)data + 1, size - 1, pk, &p) == TICKET_OK) {
			if (ticket_encode(&p, sk, text) != 0 || strlen(text) != size - 1 ||
			    memcmp(text, data + 1, size - 1) != 0)
				abort();	/* accepted a spelling we never make */
		}
		return 0;
	}
	data++, size--;
	memset(&p, 0, sizeof p);
	p.order_id = (int64_t)(take(&data, &size, 8) >> 1);
	p.ticket_id = (int64_t)(take(&data, &size, 8) >> 1);
	p.showtime_id = (int64_t)(take(&data, &size, 8) >> 1);
	p.starts_min = (uint32_t)take(&data, &size, 4);
	p.issue = (uint16_t)take(&data, &size, 2);
	{
		size_t letters = 1 + take(&data, &size, 1) % 2, digits = 1 + take(&data, &size, 1) % 3;

		for (size_t i = 0; i < letters; i++)
			p.seat[i] = (char)('A' + take(&data, &size, 1) % 26);
		for (size_t i = 0; i < digits; i++)
			p.seat[letters + i] = (char)('0' + take(&data, &size, 1) % 10);
	}
	if (ticket_encode(&p, sk, text) != 0)
		abort();	/* every such payload can be encoded */
	if (ticket_decode(text, strlen(text), pk, &q) != TICKET_OK || memcmp(&p, &q, sizeof p) != 0)
		abort();
	return 0;
}
