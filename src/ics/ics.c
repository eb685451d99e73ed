/*
 * ics.c — iCalendar writing (ics.h). Section numbers are RFC 5545's.
 */
#include "ics.h"
#include "../core/rtime.h"

void ics_text(struct buf *out, const char *s, bool list)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\' || *p == ';' || (*p == ',' && !list)) {
            buf_putc(out, '\\');
            buf_putc(out, (char)*p);
        } else if (*p == '\n') {
            buf_puts(out, "\\n");
        } else if (*p >= 0x20 && *p != 0x7f) {
            buf_putc(out, (char)*p);
        } /* §3.3.11: other controls are not allowed in TEXT */
    }
}

/* How many octets of s[0..n) fit in `room` without cutting a UTF-8 character. */
static size_t fit(const char *s, size_t n, size_t room)
{
    if (n <= room)
        return n;
    size_t k = room;
    while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
        k--; /* s[k] is a continuation byte: the character starts before it */
    return k;
}

void ics_line(struct buf *out, const char *name, const char *value)
{
    struct buf l;
    buf_init(&l, BUF_UNLIMITED);
    buf_puts(&l, name);
    buf_putc(&l, ':');
    buf_puts(&l, value);
    const char *s = buf_cstr(&l);
    size_t n = l.len, room = ICS_LINE_OCTETS;
    while (n > 0) {
        size_t k = fit(s, n, room);
        buf_append(out, s, k);
        buf_puts(out, "\r\n");
        s += k;
        n -= k;
        if (n > 0)
            buf_putc(out, ' '); /* §3.1: a continuation line starts with one space */
        room = ICS_LINE_OCTETS - 1;
    }
    buf_release(&l);
}

/* "20261208T170000" (local time in z) or "20261208T080000Z" (utc) for the instant ms. */
static void date_time(const struct tz *z, int64_t ms, bool utc, char out[20])
{
    char t[40];
    if (utc) {
        rtime_format_utc(ms, t, sizeof(t)); /* YYYY-MM-DDThh:mm:ss.sssZ */
        snprintf(out, 20, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", t, t + 5, t + 8, t + 11, t + 14, t + 17);
        return;
    }
    struct tz_civil c;
    tz_utc_to_local(z, ms, &c);
    snprintf(out, 20, "%04lld%02d%02dT%02d%02d%02d", (long long)c.year, c.month, c.day, c.hour,
             c.minute, c.second);
}

/* "+0900", "-0430" for an offset in seconds east of UTC (§3.3.14; seconds if not whole). */
static void utc_offset(int s, char out[12])
{
    int a = s < 0 ? -s : s;
    if (a % 60)
        snprintf(out, 12, "%c%02d%02d%02d", s < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
    else
        snprintf(out, 12, "%c%02d%02d", s < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

/* One observance: the offset goes from `from` to `to` seconds east of UTC at the instant
 * at_ms. Offsets that grow are written as DAYLIGHT, others as STANDARD (the tz database's isdst
 * is not exposed; clients use the offsets, not the labels). */
static void observance(struct buf *out, int64_t at_ms, int from, int to)
{
    char dt[40], local[20], f[12], t[12];
    /* §3.6.5: DTSTART is the wall-clock time of the change in the offset before it */
    rtime_format_utc(at_ms + (int64_t)from * 1000, dt, sizeof(dt));
    snprintf(local, sizeof(local), "%.4s%.2s%.2sT%.2s%.2s%.2s", dt, dt + 5, dt + 8, dt + 11,
             dt + 14, dt + 17);
    utc_offset(from, f);
    utc_offset(to, t);
    const char *kind = to > from ? "DAYLIGHT" : "STANDARD";
    buf_appendf(out, "BEGIN:%s\r\n", kind);
    ics_line(out, "DTSTART", local);
    ics_line(out, "TZOFFSETFROM", f);
    ics_line(out, "TZOFFSETTO", t);
    buf_appendf(out, "END:%s\r\n", kind);
}

/* The first instant in (lo, hi] at which the offset is no longer the one at lo. */
static int64_t change_between(const struct tz *z, int64_t lo, int64_t hi)
{
    int at_lo = tz_offset_at(z, lo);
    while (hi - lo > 1000) {
        int64_t mid = lo + (hi - lo) / 2 / 1000 * 1000;
        if (mid <= lo)
            mid = lo + 1000;
        if (tz_offset_at(z, mid) == at_lo)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

#define DAY_MS 86400000LL
#define YEAR_MS (366 * DAY_MS)

static void timezone_block(struct buf *out, const struct tz *z, int64_t from_ms, int64_t to_ms)
{
    int64_t lo = from_ms - YEAR_MS, hi = to_ms + YEAR_MS;
    int first = tz_offset_at(z, lo);
    char tzid[TZ_NAME_MAX + 1];
    buf_puts(out, "BEGIN:VTIMEZONE\r\n");
    snprintf(tzid, sizeof(tzid), "%s", tz_name(z));
    ics_line(out, "TZID", tzid);
    /* the offset in force when the range begins, as an observance starting then */
    observance(out, lo, first, first);
    /* zones change offset at most a few times a year: a day's step finds each change, and a
     * halving search places it to the second */
    for (int64_t t = lo; t < hi; t += DAY_MS) {
        int a = tz_offset_at(z, t), b = tz_offset_at(z, t + DAY_MS);
        if (a != b) {
            int64_t at = change_between(z, t, t + DAY_MS);
            observance(out, at, a, b);
        }
    }
    buf_puts(out, "END:VTIMEZONE\r\n");
}

void ics_begin(struct buf *out, const char *name, const struct tz *z, int64_t from_ms,
               int64_t to_ms)
{
    struct buf v;
    buf_init(&v, BUF_UNLIMITED);
    buf_puts(out, "BEGIN:VCALENDAR\r\n");
    ics_line(out, "VERSION", "2.0");
    ics_line(out, "PRODID", "-//ichigen//deadline calendar//JA");
    ics_line(out, "CALSCALE", "GREGORIAN");
    ics_line(out, "METHOD", "PUBLISH");
    ics_text(&v, name, false);
    ics_line(out, "X-WR-CALNAME", buf_cstr(&v));
    ics_line(out, "X-WR-TIMEZONE", tz_name(z));
    buf_release(&v);
    timezone_block(out, z, from_ms, to_ms);
}

void ics_event(struct buf *out, const struct tz *z, const struct ics_event *e)
{
    char dt[20], name[TZ_NAME_MAX + 32];
    struct buf v;
    buf_init(&v, BUF_UNLIMITED);
    buf_puts(out, "BEGIN:VEVENT\r\n");
    ics_text(&v, e->uid, false);
    ics_line(out, "UID", buf_cstr(&v));
    date_time(z, e->stamp_ms, true, dt);
    ics_line(out, "DTSTAMP", dt);
    if (e->modified_ms) {
        date_time(z, e->modified_ms, true, dt);
        ics_line(out, "LAST-MODIFIED", dt);
    }
    date_time(z, e->start_ms, false, dt);
    snprintf(name, sizeof(name), "DTSTART;TZID=%s", tz_name(z));
    ics_line(out, name, dt);
    buf_reset(&v);
    ics_text(&v, e->summary, false);
    ics_line(out, "SUMMARY", buf_cstr(&v));
    buf_reset(&v);
    ics_text(&v, e->description, false);
    ics_line(out, "DESCRIPTION", buf_cstr(&v));
    if (e->categories[0]) {
        buf_reset(&v);
        ics_text(&v, e->categories, true);
        ics_line(out, "CATEGORIES", buf_cstr(&v));
    }
    ics_line(out, "TRANSP", "TRANSPARENT"); /* a deadline does not make anyone busy */
    if (e->alarm_minutes > 0) {
        char trig[32];
        buf_puts(out, "BEGIN:VALARM\r\n");
        ics_line(out, "ACTION", "DISPLAY");
        snprintf(trig, sizeof(trig), "-PT%dM", e->alarm_minutes);
        ics_line(out, "TRIGGER", trig);
        buf_reset(&v);
        ics_text(&v, e->alarm_text ? e->alarm_text : e->summary, false);
        ics_line(out, "DESCRIPTION", buf_cstr(&v));
        buf_puts(out, "END:VALARM\r\n");
    }
    buf_puts(out, "END:VEVENT\r\n");
    buf_release(&v);
}

void ics_end(struct buf *out)
{
    buf_puts(out, "END:VCALENDAR\r\n");
}
