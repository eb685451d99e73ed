/*
 * rtime.h — instants as int64 milliseconds since the Unix epoch (UTC), RFC 3339 parsing and
 * formatting, and the two clock reads the edges use.
 *
 * Pure except rtime_now_ms() and rtime_mono_ns(). Domain code receives "now" as an argument.
 * Calendar arithmetic is proleptic Gregorian, independent of the process's TZ and locale.
 */
#ifndef CORE_RTIME_H
#define CORE_RTIME_H

#include "core.h"

enum rtime_err {
    RTIME_OK = 0,
    RTIME_ESYNTAX = -1,     /* not the RFC 3339 date-time shape */
    RTIME_ERANGE = -2,      /* a component out of range (month 13, 31 April, hour 24 …) */
    RTIME_ENOOFFSET = -3,   /* no offset, or "-00:00" which RFC 3339 §4.3 defines as unknown */
};

struct rtime_parsed {
    int64_t ms;         /* the instant, UTC */
    int offset_min;     /* the offset the writer gave, e.g. +540 for +09:00 */
};

/* Parses an RFC 3339 §5.6 date-time ("2026-04-01T09:30:00+09:00", fraction optional, "Z" for
 * UTC). The offset is mandatory: a local time without one cannot be placed on the timeline. */
int rtime_parse_rfc3339(const char *s, size_t n, struct rtime_parsed *out);

/* Parses a full-date "YYYY-MM-DD" as midnight UTC. */
int rtime_parse_date(const char *s, size_t n, int64_t *ms_out);

/* Formats ms as "YYYY-MM-DDThh:mm:ss.sssZ". n must be >= 25. Returns 0. */
int rtime_format_utc(int64_t ms, char *out, size_t n);

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
int64_t rtime_days_from_civil(int64_t y, unsigned m, unsigned d);
void rtime_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
int rtime_days_in_month(int64_t y, unsigned m);

int64_t rtime_now_ms(void);   /* wall clock (edges only) */
int64_t rtime_mono_ns(void);  /* monotonic clock for durations */

#endif
