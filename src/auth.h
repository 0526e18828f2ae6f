/* auth.h - password proofs (Argon2id through libsodium): what a terminal
 * sends the database to sign in, so the password never leaves it. */
#ifndef MARQUEE_AUTH_H
#define MARQUEE_AUTH_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#define AUTH_SALT_HEX	33	/* 16 bytes as hex, and the NUL */
#define AUTH_PROOF_HEX	65	/* 32 bytes as hex, and the NUL */

/* Initialises libsodium. Returns 0 or -1. */
int  auth_init(void);
/* Writes a new random salt as lower-case hex into out. */
void auth_salt_new(char out[AUTH_SALT_HEX]);
/* Computes the proof of password: lower-case hex of crypto_pwhash (32
 * bytes, Argon2id13) with salt (32 hex digits) and the limits. Returns 0,
 * or -1 when the salt is not 32 hex digits, a limit is out of the range an
 * account may have (opslimit 1..16, memlimit 8 KiB..1 GiB) or memory runs
 * out. */
int  auth_proof(const char *password, const char *salt, unsigned long long opslimit, size_t memlimit,
                char out[AUTH_PROOF_HEX]);

#endif
