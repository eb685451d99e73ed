/*
 * tz.h — IANA time zones read from the system tz database (TZif files, RFC 8536), and
 * conversion between instants (UTC milliseconds) and the civil time of a zone.
 *
 * What it is: a TZif reader (versions 1–4; the 64-bit data block of version 2 and later) with
 * the POSIX TZ footer string (e.g. "EST5EDT,M3.2.0,M11.1.0", "<+09>-9") applied to instants
 * after the last stored transition, or to all instants when the file stores none (RFC 8536
 * §3.3). Deadlines are computed in the recipient authority's local time (docs/rules-format-spec.md,
 * "Deadline arithmetic"); this is where that local time comes from.
 * What it is not: a clock, or a wrapper around localtime()/mktime()/setenv("TZ"), which are not
 * thread-safe and read global state. Leap-second ("right/") zones are refused: instants here are
 * POSIX time, which has no leap seconds.
 *
 * Who may call it: anyone. tz_parse and the conversions are pure; a loaded zone is immutable,
 * so conversions on it are thread-safe. tz_load is the one I/O edge (it reads a file).
 */
#ifndef CORE_TZ_H
#define CORE_TZ_H

#include "core.h"
#include "err.h"

enum tz_err {
    TZ_OK = 0,
    TZ_ENAME = -1,   /* not an acceptable zone name (tz_name_valid) */
    TZ_ENOENT = -2,  /* no such zone in the database */
    TZ_EIO = -3,     /* the file exists but could not be read */
    TZ_ETOOBIG = -4, /* the file is larger than TZ_FILE_MAX */
    TZ_EFORMAT = -5, /* not a well-formed TZif file, or an unusable footer string */
};

/* Flags set by tz_local_to_utc. */
enum tz_flag {
    TZ_GAP = 1,       /* the local time does not exist (clocks jumped over it) */
    TZ_AMBIGUOUS = 2, /* the local time happened twice (clocks were set back) */
    TZ_RANGE = 4,     /* the year was outside ±TZ_YEAR_MAX and was clamped */
};

#define TZ_FILE_MAX (256 * 1024) /* real TZif files are < 4 KiB */
#define TZ_NAME_MAX 255
#define TZ_YEAR_MAX 1000000

struct tz;

/* A civil (wall-clock) time in some zone. */
struct tz_civil {
    int64_t year;
    int month, day, hour, minute, second, ms;
    int weekday;  /* ISO 8601: 1 = Monday … 7 = Sunday (output only) */
    int offset_s; /* seconds east of UTC in force (output only) */
};

/* True when name is acceptable as a zone name: 1–255 characters from [A-Za-z0-9_+/-], not
 * starting with '/', no empty path component ("//", trailing '/'). This is a syntax check; it
 * does not say the zone exists. ("..": '.' is outside the set, so no path can climb out.) */
bool tz_name_valid(const char *name);

/* Parses TZif bytes data[0..n). name (copied; may be NULL for "") is what tz_name returns.
 * Returns a new zone (free with tz_free), or NULL with e->code = TZ_EFORMAT and a message.
 * Never reads outside data[0..n), whatever the counts in the header say. */
struct tz *tz_parse(const unsigned char *data, size_t n, const char *name, struct err *e);

/* Loads a zone from $TZDIR/<name> when TZDIR is set, else /usr/share/zoneinfo/<name>.
 * Returns a new zone, or NULL with e->code one of enum tz_err. Reads at most TZ_FILE_MAX bytes. */
struct tz *tz_load(const char *name, struct err *e);

void tz_free(struct tz *z);

/* The name given to tz_parse / tz_load (borrowed; lives as long as z). */
const char *tz_name(const struct tz *z);

/* Seconds east of UTC in force at the instant utc_ms. */
int tz_offset_at(const struct tz *z, int64_t utc_ms);

/* The civil time in z at the instant utc_ms (all fields of out are set). */
void tz_utc_to_local(const struct tz *z, int64_t utc_ms, struct tz_civil *out);

/* Formats the instant utc_ms as RFC 3339 local time in z with its offset, seconds precision:
 * "2026-12-08T17:00:00+09:00" (at most 32 bytes with the NUL for years 0–9999). */
void tz_format_rfc3339(const struct tz *z, int64_t utc_ms, char *out, size_t n);

/* The instant at which the wall clock of z shows `local` (weekday and offset_s are ignored).
 * month must be 1–12 (others are carried into the year); day, hour, minute, second and ms are
 * taken linearly, so hour 24 is 00:00 of the next day and day 0 the last day of the previous
 * month. *flags (may be NULL) receives a combination of enum tz_flag:
 * - TZ_GAP: the time does not exist; the result uses the offset in force before the gap, i.e.
 *   02:30 on a spring-forward night where 02:00 became 03:00 gives the instant shown as 03:30.
 * - TZ_AMBIGUOUS: the time happened more than once; the result is the earliest instant.
 * - TZ_RANGE: year was outside ±TZ_YEAR_MAX and was clamped to it. */
int64_t tz_local_to_utc(const struct tz *z, const struct tz_civil *local, int *flags);

#endif
