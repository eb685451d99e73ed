/*
 * outbox_sign.c — webhook signatures and the retry schedule (outbox.h).
 *
 * Signature: HMAC-SHA256 (RFC 2104 with SHA-256, libsodium crypto_auth_hmacsha256) over
 * "<unix seconds>." followed by the body, sent as
 *   Ichigen-Signature: t=<unix seconds>,v1=<64 lower-case hex digits>
 * Signing the timestamp with the body lets a receiver refuse replays of an old, captured
 * request (it compares t with its clock); the submission id travels separately as the
 * Idempotency-Key, so a legitimate redelivery is recognised as the same submission.
 */
#include <sodium.h>

#include "outbox.h"
#include "../core/enc.h"

static void mac_hex(const unsigned char *secret, size_t secret_len, int64_t unix_s,
                    const char *body, size_t body_len, char hex[65])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char prefix[32];
    int n = snprintf(prefix, sizeof(prefix), "%lld.", (long long)unix_s);
    crypto_auth_hmacsha256_init(&st, secret, secret_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)prefix, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    for (size_t i = 0; i < sizeof(mac); i++)
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    sodium_memzero(&st, sizeof(st));
}

void outbox_sign(const unsigned char *secret, size_t secret_len, int64_t unix_s, const char *body,
                 size_t body_len, char out[OUTBOX_SIG_MAX])
{
    char hex[65];
    mac_hex(secret, secret_len, unix_s, body, body_len, hex);
    snprintf(out, OUTBOX_SIG_MAX, "t=%lld,v1=%s", (long long)unix_s, hex);
}

bool outbox_verify(const unsigned char *secret, size_t secret_len, const char *header,
                   const char *body, size_t body_len, int64_t now_s, int64_t tolerance_s)
{
    long long t;
    char got[65], want[65];
    if (!header || sscanf(header, "t=%lld,v1=%64[0-9a-f]", &t, got) != 2 || strlen(got) != 64)
        return false;
    if (t < now_s - tolerance_s || t > now_s + tolerance_s)
        return false;
    mac_hex(secret, secret_len, t, body, body_len, want);
    return sodium_memcmp(got, want, 64) == 0;
}

int64_t outbox_backoff_ms(int attempt, uint64_t rnd, int64_t base_ms, int64_t cap_ms)
{
    int64_t d = base_ms;
    for (int i = 1; i < attempt && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms)
        d = cap_ms;
    int64_t half = d / 2;
    return half + (half > 0 ? (int64_t)(rnd % (uint64_t)(half + 1)) : 0);
}
