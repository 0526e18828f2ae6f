/* keyfile.c - writes a ticket key pair from a fixed seed, so golden tests
 * sign with a known key and get the same bytes every run.
 *
 *   keyfile SECRET PUBLIC SEEDHEX   (64 hex digits) */
#include "ticket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	size_t len = 0;
	char *cause = NULL;

	if (argc != 4 || sodium_init() < 0 ||
	    sodium_hex2bin(seed, sizeof seed, argv[3], strlen(argv[3]), NULL, &len, NULL) != 0 ||
	    len != sizeof seed) {
		fprintf(stderr, "usage: keyfile SECRET PUBLIC SEEDHEX (64 hex digits)\n");
		return 2;
	}
	if (ticket_keys_write(argv[1], argv[2], seed, 1, &cause) != 0) {
		fprintf(stderr, "keyfile: %s\n", cause);
		free(cause);
		return 1;
	}
	return 0;
}
