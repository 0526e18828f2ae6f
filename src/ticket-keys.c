/* ticket-keys.c - the Ed25519 key pair that signs tickets: `marquee keys
 * init` writes it, printing terminals load the secret key, door scanners
 * only the public one.
 *
 * Files are one line of hex: the secret key file holds the 32-byte seed
 * ("ed25519-seed HEX"), the public key file the 32-byte public key
 * ("ed25519-public HEX"). A secret key file that group or others may read
 * is refused, like ssh refuses such an identity file. */
#include "ticket.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEED_TAG	"ed25519-seed "
#define PUBLIC_TAG	"ed25519-public "

/* Makes the folder that will hold path, and any missing folder above it,
 * with dir_mode (as mkdir -p does; folders that exist are left as they
 * are). Returns 0, or -1 with *cause set. */
static int
make_key_dir(const char *path, mode_t dir_mode, char **cause)
{
	char *dir = xstrdup(path), *slash, was;
	int rc = -1;

	if ((slash = strrchr(dir, '/')) == NULL || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		was = *p;
		*p = '\0';
		if (mkdir(dir, dir_mode) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot make the folder %s: %s", dir, strerror(errno));
			goto out;
		}
		*p = was;
		if (was == '\0')
			break;
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

/* Writes text to a new file of the given mode. Returns 0, or -1 with
 * *cause set. With force an existing file is replaced. */
static int
write_key_file(const char *path, const char *text, mode_t mode, int force, char **cause)
{
	size_t len = strlen(text);
	int fd, flags = O_WRONLY | O_CREAT | O_EXCL;

	if (force && unlink(path) != 0 && errno != ENOENT) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	fd = open(path, flags, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			*cause = xasprintf("%s already exists (keys init --force replaces it, "
			                   "and every ticket printed before stops scanning)", path);
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) != 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int
ticket_keys_write(const char *secret_path, const char *public_path,
                  const unsigned char seed[crypto_sign_SEEDBYTES], int force, char **cause)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char hex[2 * 32 + 1], line[128];
	int rc = -1;

	if (sodium_init() < 0) {
		*cause = xstrdup("libsodium cannot start");
		return -1;
	}
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_bin2hex(hex, sizeof hex, seed, crypto_sign_SEEDBYTES);
	snprintf(line, sizeof line, "%s%s\n", SEED_TAG, hex);
	/* A new folder for the secret key is for the terminal's user alone. */
	if (make_key_dir(secret_path, 0700, cause) != 0 || make_key_dir(public_path, 0755, cause) != 0)
		goto out;
	if (write_key_file(secret_path, line, 0600, force, cause) != 0)
		goto out;
	sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
	snprintf(line, sizeof line, "%s%s\n", PUBLIC_TAG, hex);
	if (write_key_file(public_path, line, 0644, force, cause) != 0) {
		unlink(secret_path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(line, sizeof line);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

int
ticket_keys_init(const char *secret_path, const char *public_path, int force, char **cause)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	int rc;

	if (sodium_init() < 0) {
		*cause = xstrdup("libsodium cannot start");
		return -1;
	}
	randombytes_buf(seed, sizeof seed);
	rc = ticket_keys_write(secret_path, public_path, seed, force, cause);
	sodium_memzero(seed, sizeof seed);
	return rc;
}

/* Reads "TAG HEX\n" (32 bytes of hex) from path into out. If private, the
 * file must not be readable by group or others. Returns 0, or -1 with
 * *cause set. */
static int
read_key_file(const char *path, const char *tag, int private, unsigned char out[32], char **cause)
{
	char buf[128];
	size_t taglen = strlen(tag), binlen = 0;
	const char *end = NULL;
	struct stat sb;
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			*cause = xasprintf("no ticket key at %s (run: marquee keys init)", path);
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*cause = xasprintf("%s is not a key file", path);
		goto out;
	}
	if (private && (sb.st_mode & 077) != 0) {
		*cause = xasprintf("%s may be read by other users (mode %03o); refusing it: "
		                   "chmod 600 it", path, (unsigned int)(sb.st_mode & 0777));
		goto out;
	}
	n = read(fd, buf, sizeof buf - 1);
	if (n < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	if ((size_t)n < taglen || memcmp(buf, tag, taglen) != 0 ||
	    sodium_hex2bin(out, 32, buf + taglen, (size_t)n - taglen, NULL, &binlen, &end) != 0 ||
	    binlen != 32 || (*end != '\n' && *end != '\0')) {
		*cause = xasprintf("%s is not a Marquee %s key file", path, private ? "secret" : "public");
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(buf, sizeof buf);
	close(fd);
	return rc;
}

int
ticket_key_secret(const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES], char **cause)
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];

	if (sodium_init() < 0) {
		*cause = xstrdup("libsodium cannot start");
		return -1;
	}
	if (read_key_file(path, SEED_TAG, 1, seed, cause) != 0)
		return -1;
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof seed);
	return 0;
}

int
ticket_key_public(const char *path, unsigned char pk[crypto_sign_PUBLICKEYBYTES], char **cause)
{
	if (sodium_init() < 0) {
		*cause = xstrdup("libsodium cannot start");
		return -1;
	}
	return read_key_file(path, PUBLIC_TAG, 0, pk, cause);
}

int
ticket_key_secret_public(const char *path, unsigned char pk[crypto_sign_PUBLICKEYBYTES], char **cause)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];

	if (ticket_key_secret(path, sk, cause) != 0)
		return -1;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_memzero(sk, sizeof sk);
	return 0;
}
