#include <sodium.h>

#include "hash.h"
#include "enc.h"

_Static_assert(sizeof(struct hash_sha256_ctx) >= sizeof(crypto_hash_sha256_state),
               "hash_sha256_ctx too small for libsodium's state");

int hash_global_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void hash_sha256(const void *p, size_t n, unsigned char out[HASH_SHA256_LEN])
{
    crypto_hash_sha256(out, p, n);
}

void hash_sha256_hex(const void *p, size_t n, char out[HASH_SHA256_HEX])
{
    unsigned char h[HASH_SHA256_LEN];
    crypto_hash_sha256(h, p, n);
    enc_hex(h, sizeof(h), out);
}

void hash_sha256_begin(struct hash_sha256_ctx *c)
{
    crypto_hash_sha256_init((crypto_hash_sha256_state *)c->opaque);
}

void hash_sha256_update(struct hash_sha256_ctx *c, const void *p, size_t n)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)c->opaque, p, n);
}

void hash_sha256_final_hex(struct hash_sha256_ctx *c, char out[HASH_SHA256_HEX])
{
    unsigned char h[HASH_SHA256_LEN];
    crypto_hash_sha256_final((crypto_hash_sha256_state *)c->opaque, h);
    enc_hex(h, sizeof(h), out);
}

bool hash_ct_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

void hash_random(void *p, size_t n)
{
    randombytes_buf(p, n);
}
