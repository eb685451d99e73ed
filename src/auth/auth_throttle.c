/*
 * auth_throttle.c — the arithmetic of sign-in throttling (auth.h) and the keyed hashes that
 * name its states. No clock, no storage: the HTTP edge reads and writes the states through
 * the store, and the store applies auth_throttle_fail inside its write transaction so that
 * concurrent failures are all counted.
 */
#include <sodium.h>

#include "auth.h"

void auth_throttle_fail(const struct auth_throttle_policy *p, struct auth_throttle_state *st,
                        int64_t now)
{
    if (!st->expires_at || st->expires_at <= now)
        memset(st, 0, sizeof(*st)); /* nothing recent: start over */
    if (st->failures < INT32_MAX)
        st->failures++;
    st->last_at = now;
    st->blocked_until = 0;
    if (st->failures >= p->free) {
        /* base · 2^(failures − free), computed without overflow and capped */
        int64_t delay = p->base_ms, steps = st->failures - p->free;
        while (steps-- > 0 && delay < p->max_ms)
            delay *= 2;
        if (delay > p->max_ms)
            delay = p->max_ms;
        st->blocked_until = now + delay;
    }
    /* forgotten after a quiet period, but never while a delay still runs */
    st->expires_at = now + p->forget_ms;
    if (st->expires_at < st->blocked_until)
        st->expires_at = st->blocked_until;
}

int64_t auth_throttle_wait(const struct auth_throttle_state *st, int64_t now)
{
    if (!st->expires_at || st->expires_at <= now || st->blocked_until <= now)
        return 0;
    return st->blocked_until - now;
}

/* HMAC-SHA256(secret, tag · 0x00 · parts…): the tag keeps the three kinds of key apart. */
static void keyed(const unsigned char secret[32], const char *tag, const unsigned char *addr,
                  size_t addr_len, const char *name, unsigned char out[AUTH_THROTTLE_KEY_LEN])
{
    crypto_auth_hmacsha256_state st;
    unsigned char a[16], sep = 0, alen;
    size_t n = 0;
    crypto_auth_hmacsha256_init(&st, secret, 32);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)tag, strlen(tag) + 1);
    if (addr) {
        static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (addr_len == 16 && !memcmp(addr, v4mapped, 12)) {
            memcpy(a, addr + 12, 4); /* ::ffff:a.b.c.d is the IPv4 client a.b.c.d */
            n = 4;
        } else if (addr_len == 16) {
            memcpy(a, addr, 8); /* the /64 */
            n = 8;
        } else {
            n = addr_len < 4 ? addr_len : 4;
            memcpy(a, addr, n);
        }
        alen = (unsigned char)n;
        crypto_auth_hmacsha256_update(&st, &alen, 1);
        crypto_auth_hmacsha256_update(&st, a, n);
    }
    if (name) {
        crypto_auth_hmacsha256_update(&st, &sep, 1);
        for (const char *p = name; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            crypto_auth_hmacsha256_update(&st, &c, 1);
        }
    }
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof(st));
}

void auth_throttle_key_name(const unsigned char secret[32], const char *name,
                            unsigned char out[AUTH_THROTTLE_KEY_LEN])
{
    keyed(secret, "name", NULL, 0, name, out);
}

void auth_throttle_key_addr(const unsigned char secret[32], const unsigned char *addr,
                            size_t addr_len, unsigned char out[AUTH_THROTTLE_KEY_LEN])
{
    keyed(secret, "address", addr, addr_len, NULL, out);
}

void auth_throttle_key_pair(const unsigned char secret[32], const unsigned char *addr,
                            size_t addr_len, const char *name,
                            unsigned char out[AUTH_THROTTLE_KEY_LEN])
{
    keyed(secret, "pair", addr, addr_len, name, out);
}
