#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>

#include "hash.h"
#include "enc.h"

_Static_assert(sizeof(struct hash_sha256_ctx) >= sizeof(crypto_hash_sha256_state),
               "hash_sha256_ctx too small for libsodium's state");

/* One-shot SHA-256 goes through OpenSSL's libcrypto: it uses the CPU's SHA extensions where
 * there are some (SHA-NI), where libsodium's portable code costs ~45 instructions a byte — 21 µs
 * of the server CPU of every full-report create (bench/README.md, "Where the time goes after
 * issue 9"); on this machine 4–6× faster. The digest is fetched once (OpenSSL 3 would
 * otherwise look the implementation up on every call). The streaming context below stays on
 * libsodium: its state lives in the caller's struct, without an allocation. */
static EVP_MD *sha256_md;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void free_md(void)
{
    EVP_MD_free(sha256_md);
    sha256_md = NULL;
}

/* Once per process, on first use, so that programs which hash without hash_global_init (a
 * fuzzer, a benchmark) work too. */
static void fetch_md(void)
{
    if ((sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)))
        atexit(free_md);
}

int hash_global_init(void)
{
    if (sodium_init() < 0)
        return -1;
    pthread_once(&md_once, fetch_md);
    return sha256_md ? 0 : -1;
}

void hash_sha256(const void *p, size_t n, unsigned char out[HASH_SHA256_LEN])
{
    pthread_once(&md_once, fetch_md);
    /* EVP_Digest fails only without memory or a digest; either is a broken process */
    if (!sha256_md || !EVP_Digest(p, n, out, NULL, sha256_md, NULL))
        BUG("SHA-256 unavailable from libcrypto");
}

void hash_sha256_hex(const void *p, size_t n, char out[HASH_SHA256_HEX])
{
    unsigned char h[HASH_SHA256_LEN];
    hash_sha256(p, n, h);
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
