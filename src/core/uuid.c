#include <pthread.h>

#include "uuid.h"
#include "hash.h"
#include "rtime.h"

void uuid_v7_format(int64_t unix_ms, const unsigned char rnd[10], char out[UUID_STR_LEN])
{
    static const char hexd[] = "0123456789abcdef";
    unsigned char b[16];
    uint64_t t = (uint64_t)unix_ms;
    for (int i = 0; i < 6; i++)
        b[i] = (unsigned char)(t >> (40 - 8 * i));
    memcpy(b + 6, rnd, 10);
    b[6] = (unsigned char)(0x70 | (b[6] & 0x0f)); /* version 7 */
    b[8] = (unsigned char)(0x80 | (b[8] & 0x3f)); /* variant 10 */
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hexd[b[i] >> 4];
        out[o++] = hexd[b[i] & 15];
    }
    out[o] = '\0';
}

static pthread_mutex_t uuid_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t uuid_last_ms;
static unsigned uuid_seq;

/* Ids created in the same millisecond take the 12-bit rand_a field as a counter (RFC 9562 §6.2,
 * method 1), started at a random value below 2048 so it rarely overflows; on overflow the
 * timestamp advances by one millisecond. Ids from this process therefore sort strictly. */
void uuid_v7_new(char out[UUID_STR_LEN])
{
    unsigned char rnd[10];
    hash_random(rnd, sizeof(rnd));
    int64_t ms = rtime_now_ms();
    pthread_mutex_lock(&uuid_lock);
    if (ms <= uuid_last_ms) {
        ms = uuid_last_ms;
        if (++uuid_seq > 0xfff) {
            ms++;
            uuid_seq = (unsigned)(rnd[0] << 8 | rnd[1]) & 0x7ff;
        }
    } else {
        uuid_seq = (unsigned)(rnd[0] << 8 | rnd[1]) & 0x7ff;
    }
    uuid_last_ms = ms;
    rnd[0] = (unsigned char)(uuid_seq >> 8);
    rnd[1] = (unsigned char)(uuid_seq & 0xff);
    pthread_mutex_unlock(&uuid_lock);
    uuid_v7_format(ms, rnd, out);
}

bool uuid_valid(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}
