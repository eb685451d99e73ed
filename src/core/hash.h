/*
 * hash.h — SHA-256 helpers (one-shot over OpenSSL libcrypto, streaming over libsodium) and
 * constant-time comparison.
 * Used for payload hashes in the audit log, token hashes, ETags and idempotency fingerprints.
 */
#ifndef CORE_HASH_H
#define CORE_HASH_H

#include "core.h"

#define HASH_SHA256_LEN 32
#define HASH_SHA256_HEX 65 /* 64 hex digits + NUL */

/* Must be called once before any other function in this file (initialises libsodium).
 * Returns 0, or -1 if libsodium cannot initialise. Safe to call more than once. */
int hash_global_init(void);

void hash_sha256(const void *p, size_t n, unsigned char out[HASH_SHA256_LEN]);
void hash_sha256_hex(const void *p, size_t n, char out[HASH_SHA256_HEX]);

/* Incremental hashing. */
struct hash_sha256_ctx {
    unsigned char opaque[128] __attribute__((aligned(16)));
};
void hash_sha256_begin(struct hash_sha256_ctx *c);
void hash_sha256_update(struct hash_sha256_ctx *c, const void *p, size_t n);
void hash_sha256_final_hex(struct hash_sha256_ctx *c, char out[HASH_SHA256_HEX]);

/* Constant-time equality of two equal-length byte strings. */
bool hash_ct_equal(const void *a, const void *b, size_t n);

/* Fills p with n cryptographically secure random bytes (an edge: reads the OS RNG). */
void hash_random(void *p, size_t n);

#endif
