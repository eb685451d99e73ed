/*
 * app_zone.c — the process's cache of loaded time zones (app_zone.h).
 */
#include <pthread.h>

#include "app_zone.h"
#include "../core/err.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz *zones[APP_ZONES_MAX];
static size_t nzones;

static const struct tz *cached(const char *name)
{
    for (size_t i = 0; i < nzones; i++)
        if (!strcmp(tz_name(zones[i]), name))
            return zones[i];
    return NULL;
}

const struct tz *app_zone(const char *name)
{
    struct err e;
    const struct tz *z;
    if (!name || !tz_name_valid(name))
        return NULL;
    pthread_mutex_lock(&lock);
    if (!(z = cached(name))) {
        err_init(&e);
        struct tz *loaded = tz_load(name, &e);
        /* bounded: a zone beyond the first APP_ZONES_MAX is refused rather than loaded on
         * every call (far more zones than a national hub's organisations use) */
        if (loaded && nzones < APP_ZONES_MAX) {
            zones[nzones++] = loaded;
            z = loaded;
        } else {
            tz_free(loaded);
        }
    }
    pthread_mutex_unlock(&lock);
    return z;
}

void app_zone_format(const struct tz *z, int64_t utc_ms, char *out, size_t n)
{
    struct tz_civil c;
    tz_utc_to_local(z, utc_ms, &c);
    int off = c.offset_s / 60, a = off < 0 ? -off : off;
    snprintf(out, n, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (long long)c.year, c.month,
             c.day, c.hour, c.minute, c.second, off < 0 ? '-' : '+', a / 60, a % 60);
}
