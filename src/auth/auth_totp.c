/*
 * auth_totp.c — the pieces of two-factor sign-in (issue 12; auth.h): TOTP codes (RFC 6238,
 * HMAC-SHA-1, 6 digits, 30-second steps) through Debian's liboath, the sealing of secrets at
 * rest (libsodium secretbox) and one-time recovery codes. Time comes in as an argument.
 */
#include <pthread.h>
#include <sodium.h>
#include <oath.h>

#include "auth.h"
#include "../core/enc.h"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready = OATH_OK;

static void oath_start(void)
{
    oath_ready = oath_init();
}

void auth_totp_secret_new(unsigned char secret[AUTH_TOTP_SECRET_LEN])
{
    randombytes_buf(secret, AUTH_TOTP_SECRET_LEN);
}

int auth_totp_base32(const unsigned char *secret, size_t n, char *out, size_t outsz)
{
    char *b32 = NULL;
    size_t len = 0;
    pthread_once(&oath_once, oath_start);
    if (oath_ready != OATH_OK || oath_base32_encode((const char *)secret, n, &b32, &len) != OATH_OK)
        return -1;
    /* RFC 4648 §6 pads with '='; authenticator apps read the secret without padding */
    while (len && b32[len - 1] == '=')
        len--;
    int rc = len < outsz ? 0 : -1;
    if (!rc) {
        memcpy(out, b32, len);
        out[len] = '\0';
    }
    sodium_memzero(b32, strlen(b32));
    free(b32);
    return rc;
}

int auth_totp_code(const unsigned char *secret, size_t n, int64_t step, char out[7])
{
    pthread_once(&oath_once, oath_start);
    if (oath_ready != OATH_OK)
        return -1;
    return oath_totp_generate((const char *)secret, n, (time_t)(step * AUTH_TOTP_STEP_S),
                              AUTH_TOTP_STEP_S, 0, 6, out) == OATH_OK
               ? 0
               : -1;
}

int auth_totp_check(const unsigned char *secret, size_t n, const char *code, int64_t now_ms,
                    int64_t *step)
{
    int pos = 0;
    uint64_t counter = 0;
    pthread_once(&oath_once, oath_start);
    if (oath_ready != OATH_OK || !code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
        return -1;
    /* a window of one step each way: a phone's clock may be up to 30 s off (RFC 6238 §5.2) */
    int rc = oath_totp_validate3((const char *)secret, n, (time_t)(now_ms / 1000), AUTH_TOTP_STEP_S,
                                 0, 1, &pos, &counter, code);
    if (rc < 0)
        return -1;
    *step = (int64_t)counter;
    return 0;
}

int auth_seal(const unsigned char key[32], const unsigned char *plain, size_t n, unsigned char *out,
              size_t outsz, size_t *outlen)
{
    size_t need = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    if (need > outsz)
        return -1;
    randombytes_buf(out, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, n, out, key);
    *outlen = need;
    return 0;
}

int auth_unseal(const unsigned char key[32], const unsigned char *sealed, size_t n,
                unsigned char *out, size_t outsz, size_t *outlen)
{
    size_t head = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
    if (n < head || n - head > outsz)
        return -1;
    if (crypto_secretbox_open_easy(out, sealed + crypto_secretbox_NONCEBYTES,
                                   n - crypto_secretbox_NONCEBYTES, sealed, key))
        return -1;
    *outlen = n - head;
    return 0;
}

/* Letters and digits without look-alikes (no 0/O, 1/l/I): 31 of them, so 8 carry 39.6 bits. */
static const char recovery_alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";

void auth_recovery_code_new(char out[AUTH_RECOVERY_CODE_LEN + 1])
{
    for (size_t i = 0; i < AUTH_RECOVERY_CODE_LEN; i++)
        out[i] =
            i == 4 ? '-' : recovery_alphabet[randombytes_uniform(sizeof(recovery_alphabet) - 1)];
    out[AUTH_RECOVERY_CODE_LEN] = '\0';
}

int auth_recovery_code_hash(const char *code, unsigned char hash[HASH_SHA256_LEN])
{
    char norm[AUTH_RECOVERY_CODE_LEN];
    size_t k = 0;
    /* as people type it: any case, with or without the hyphen, spaces around */
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!strchr(recovery_alphabet, c) || !c || k >= AUTH_RECOVERY_CODE_LEN - 1)
            return -1;
        norm[k++] = c;
    }
    if (k != AUTH_RECOVERY_CODE_LEN - 1)
        return -1;
    hash_sha256(norm, k, hash);
    return 0;
}
