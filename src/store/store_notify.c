/*
 * store_notify.c — backend-neutral helpers of the notification contract (store.h): freeing
 * the notifications a reminder policy returns to reminders_scan. Every backend frees them the
 * same way, so the function lives here rather than in one backend.
 */
#include "store.h"

void notification_new_free(struct notification_new *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].payload);
    free(v);
}
