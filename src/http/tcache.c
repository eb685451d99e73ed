/*
 * tcache.c — a small cache of bearer-token lookups (token hash → principal), so that reading a
 * report costs one database query instead of two.
 *
 * Entries live at most token_cache_ms (default 2 s). Revoking any token on this node (logout,
 * DELETE /tokens/{id}) empties the cache at once; so does the same change on another node
 * sharing the database, as soon as this node's change feed brings it (app_changes.h,
 * http_tokens_changed). Expiry is checked on every hit. Setting token_cache_ms to 0 disables
 * the cache.
 *
 * A lookup that read the store before a clear must not put its (possibly revoked) answer back
 * after it: the caller takes the generation before reading (http_tcache_generation) and the
 * put is dropped when a clear came in between.
 */
#include <pthread.h>

#include "http_int.h"

#define TC_SLOTS 4096 /* direct-mapped by the first bytes of the (uniformly random) hash */
#define TC_STRIPES 64

struct tc_slot {
    unsigned char hash[HASH_SHA256_LEN];
    struct principal who;
    int64_t fetched_ms;
    uint64_t generation;
    bool used;
};

struct http_tcache {
    int64_t ttl_ms;
    atomic_ullong generation;
    pthread_mutex_t lock[TC_STRIPES];
    struct tc_slot slot[TC_SLOTS];
};

struct http_tcache *http_tcache_new(int64_t ttl_ms)
{
    struct http_tcache *c = xcalloc(1, sizeof(*c));
    c->ttl_ms = ttl_ms;
    atomic_init(&c->generation, 1);
    for (int i = 0; i < TC_STRIPES; i++)
        pthread_mutex_init(&c->lock[i], NULL);
    return c;
}

void http_tcache_free(struct http_tcache *c)
{
    if (!c)
        return;
    for (int i = 0; i < TC_STRIPES; i++)
        pthread_mutex_destroy(&c->lock[i]);
    free(c);
}

static size_t slot_of(const unsigned char *hash)
{
    return ((size_t)hash[0] << 8 | hash[1]) % TC_SLOTS;
}

bool http_tcache_get(struct http_tcache *c, const unsigned char *hash, int64_t now,
                     struct principal *out)
{
    size_t i = slot_of(hash);
    bool hit = false;
    if (!c || c->ttl_ms <= 0)
        return false;
    pthread_mutex_lock(&c->lock[i % TC_STRIPES]);
    struct tc_slot *s = &c->slot[i];
    if (s->used && s->generation == atomic_load(&c->generation) &&
        now - s->fetched_ms < c->ttl_ms && (!s->who.expires_at || s->who.expires_at > now) &&
        hash_ct_equal(s->hash, hash, HASH_SHA256_LEN)) {
        *out = s->who;
        hit = true;
    }
    pthread_mutex_unlock(&c->lock[i % TC_STRIPES]);
    return hit;
}

uint64_t http_tcache_generation(struct http_tcache *c)
{
    return c ? atomic_load(&c->generation) : 0;
}

void http_tcache_put(struct http_tcache *c, const unsigned char *hash, int64_t now,
                     const struct principal *who, uint64_t generation)
{
    size_t i = slot_of(hash);
    if (!c || c->ttl_ms <= 0 || generation != atomic_load(&c->generation))
        return;
    pthread_mutex_lock(&c->lock[i % TC_STRIPES]);
    struct tc_slot *s = &c->slot[i];
    memcpy(s->hash, hash, HASH_SHA256_LEN);
    s->who = *who;
    s->fetched_ms = now;
    s->generation = generation; /* a clear since the check makes it a miss */
    s->used = true;
    pthread_mutex_unlock(&c->lock[i % TC_STRIPES]);
}

void http_tcache_clear(struct http_tcache *c)
{
    if (c)
        atomic_fetch_add(&c->generation, 1);
}

void http_tokens_changed(struct app *a)
{
    http_tcache_clear(a->tokens);
}
