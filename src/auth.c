/* auth.c - password proofs (Argon2id through libsodium). */
#include "auth.h"

#include <string.h>

int
auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
auth_salt_new(char out[AUTH_SALT_HEX])
{
	unsigned char salt[crypto_pwhash_SALTBYTES];

	randombytes_buf(salt, sizeof salt);
	sodium_bin2hex(out, AUTH_SALT_HEX, salt, sizeof salt);
}

int
auth_proof(const char *password, const char *salt, unsigned long long opslimit, size_t memlimit,
           char out[AUTH_PROOF_HEX])
{
	unsigned char bin[crypto_pwhash_SALTBYTES], key[32];
	size_t len = 0;
	int rc;

	if (strlen(salt) != 2 * sizeof bin || opslimit < 1 || opslimit > 16 || memlimit < 8192 ||
	    memlimit > 1073741824)
		return -1;
	if (sodium_hex2bin(bin, sizeof bin, salt, strlen(salt), NULL, &len, NULL) != 0 || len != sizeof bin)
		return -1;
	rc = crypto_pwhash(key, sizeof key, password, strlen(password), bin, opslimit, memlimit,
	                   crypto_pwhash_ALG_ARGON2ID13);
	if (rc == 0)
		sodium_bin2hex(out, AUTH_PROOF_HEX, key, sizeof key);
	sodium_memzero(key, sizeof key);
	return rc == 0 ? 0 : -1;
}
