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
