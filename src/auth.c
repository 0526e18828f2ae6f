/* auth.c - Argon2id password hashes through libsodium. */
#include "auth.h"

#include <string.h>

int
auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
auth_hash(const char *password, char out[crypto_pwhash_STRBYTES])
{
	return crypto_pwhash_str_alg(out, password, strlen(password),
	                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                             crypto_pwhash_ALG_ARGON2ID13);
}

bool
auth_verify(const char *hash, const char *password)
{
	if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX, strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
