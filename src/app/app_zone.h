/*
 * app_zone.h — the time zones organisations' deadlines are shown in (issue 10 item 9), loaded
 * from the system tz database once per process and kept: a zone is immutable (core/tz.h), so
 * any thread may use what this returns for as long as the process runs.
 *
 * Layer: application. Callers: app_account.c (checks a new organisation's zone), app_calendar.c,
 * http/h_reminders.c (local times beside UTC), tests.
 */
#ifndef APP_APP_ZONE_H
#define APP_APP_ZONE_H

#include "../core/tz.h"

#define APP_ZONES_MAX 64 /* distinct zones kept; a zone beyond them is refused (NULL) */

/* The zone called name, or NULL when there is no such zone (or it cannot be read). Loaded on
 * first use and kept. Thread-safe. */
const struct tz *app_zone(const char *name);

#endif
