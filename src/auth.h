/* auth.h - passwords (Argon2id through libsodium). */
#ifndef MARQUEE_AUTH_H
#define MARQUEE_AUTH_H

#include <sodium.h>
#include <stdbool.h>

/* Initialises libsodium. Returns 0 or -1. */
int  auth_init(void);
/* Hashes a password into out (crypto_pwhash_STRBYTES). Returns 0, or -1
 * when out of memory for the hash. Interactive limits: a login stays fast. */
int  auth_hash(const char *password, char out[crypto_pwhash_STRBYTES]);
/* True when password matches the stored hash. */
bool auth_verify(const char *hash, const char *password);

#endif
