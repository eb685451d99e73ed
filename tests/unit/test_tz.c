/*
 * test_tz.c — core/tz: TZif and POSIX footer parsing, offsets, UTC -> local, local -> UTC with
 * gaps and overlaps, zones beyond their transition tables, round trips, names, malformed input.
 *
 * Real zones come from the system tz database (tzdata: Debian priority "required"); the footer
 * rules are also checked on TZif files built here, so they do not depend on the system's copy.
 */
#include "core/rtime.h"
#include "core/tz.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define H (3600 * 1000LL)

static struct tz *load(const char *name)
{
    struct err e;
    struct tz *z;
    err_init(&e);
    z = tz_load(name, &e);
    if (!z)
        fail_msg("tz_load(%s): %s", name, e.msg);
    return z;
}

/* Milliseconds of a UTC civil time. */
static int64_t utc(int64_t y, unsigned mo, unsigned d, int h, int mi, int s)
{
    return (rtime_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000LL;
}

static int64_t to_utc(const struct tz *z, int64_t y, int mo, int d, int h, int mi, int *flags)
{
    struct tz_civil c = {.year = y, .month = mo, .day = d, .hour = h, .minute = mi};
    return tz_local_to_utc(z, &c, flags);
}

static void assert_local(const struct tz *z, int64_t ms, int64_t y, int mo, int d, int h, int mi,
                         int off)
{
    struct tz_civil c;
    tz_utc_to_local(z, ms, &c);
    if (c.year != y || c.month != mo || c.day != d || c.hour != h || c.minute != mi ||
        c.offset_s != off)
        fail_msg("%s: got %lld-%02d-%02d %02d:%02d (%+d), want %lld-%02d-%02d %02d:%02d (%+d)",
                 tz_name(z), (long long)c.year, c.month, c.day, c.hour, c.minute, c.offset_s,
                 (long long)y, mo, d, h, mi, off);
}

/* ---- a TZif writer for crafted inputs ---- */

struct tzb {
    unsigned char b[8192];
    size_t n;
};

static void put(struct tzb *t, const void *p, size_t n)
{
    BUG_ON(t->n + n > sizeof(t->b));
    if (n == 0)
        return; /* p may be NULL (no transitions) */
    memcpy(t->b + t->n, p, n);
    t->n += n;
}

static void put32(struct tzb *t, uint32_t v)
{
    unsigned char p[4] = {v >> 24, v >> 16 & 255, v >> 8 & 255, v & 255};
    put(t, p, 4);
}

static void put64(struct tzb *t, int64_t v)
{
    put32(t, (uint32_t)((uint64_t)v >> 32));
    put32(t, (uint32_t)v);
}

static void put_header(struct tzb *t, char version, uint32_t timecnt, uint32_t typecnt)
{
    unsigned char pad[15] = {0};
    put(t, "TZif", 4);
    put(t, &version, 1);
    put(t, pad, 15);
    put32(t, 0); /* isutcnt */
    put32(t, 0); /* isstdcnt */
    put32(t, 0); /* leapcnt */
    put32(t, timecnt);
    put32(t, typecnt);
    put32(t, 1); /* charcnt: one NUL designation shared by every type */
}

static void put_types(struct tzb *t, const int32_t *offs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char rest[2] = {0, 0};
        put32(t, (uint32_t)offs[i]);
        put(t, rest, 2);
    }
    put(t, "", 1);
}

/* A version-2 file: a minimal 32-bit block, the 64-bit block, then "\n" footer "\n". */
static void make_tzif(struct tzb *t, const int64_t *trans, const uint8_t *idx, size_t nt,
                      const int32_t *offs, size_t ntypes, const char *footer)
{
    static const int32_t zero = 0;
    t->n = 0;
    put_header(t, '2', 0, 1);
    put_types(t, &zero, 1);
    put_header(t, '2', (uint32_t)nt, (uint32_t)ntypes);
    for (size_t i = 0; i < nt; i++)
        put64(t, trans[i]);
    put(t, idx, nt);
    put_types(t, offs, ntypes);
    put(t, "\n", 1);
    put(t, footer, strlen(footer));
    put(t, "\n", 1);
}

/* A zone with no transitions and only a footer: the footer governs every instant. */
static struct tz *footer_zone(const char *footer)
{
    struct tzb t;
    struct err e;
    struct tz *z;
    int32_t off = 0;
    make_tzif(&t, NULL, NULL, 0, &off, 1, footer);
    err_init(&e);
    z = tz_parse(t.b, t.n, footer, &e);
    if (!z)
        fail_msg("footer \"%s\": %s", footer, e.msg);
    return z;
}

/* The bytes of a real zone file (caller frees). */
static char *read_zone_file(const char *name, size_t *n)
{
    char path[512];
    const char *dir = getenv("TZDIR");
    snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    return unit_read_file(path, n);
}

/* The footer line of a real zone file. */
static void real_footer(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    char *data = read_zone_file(name, &n);
    assert_non_null(data);
    assert_true(n > 2 && data[n - 1] == '\n');
    data[n - 1] = '\0';
    size_t start = n - 1;
    while (start > 0 && data[start - 1] != '\n')
        start--; /* the file is binary up to the footer: search backwards, not with strrchr */
    xstrlcpy(out, data + start, cap);
    free(data);
}

/* ---- real zones ---- */

static void test_tokyo(void **state)
{
    struct tz *z = load("Asia/Tokyo");
    int flags = -1;
    (void)state;
    assert_string_equal(tz_name(z), "Asia/Tokyo");
    for (int64_t y = 1960; y <= 2100; y += 7)
        assert_int_equal(tz_offset_at(z, utc(y, 6, 15, 0, 0, 0)), 9 * 3600);
    /* 2026-04-01T00:00Z is 09:00 on Wednesday 1 April in Tokyo */
    assert_local(z, utc(2026, 4, 1, 0, 0, 0), 2026, 4, 1, 9, 0, 32400);
    struct tz_civil c;
    tz_utc_to_local(z, utc(2026, 4, 1, 0, 0, 0) + 123, &c);
    assert_int_equal(c.weekday, 3);
    assert_int_equal(c.ms, 123);
    assert_int_equal(to_utc(z, 2026, 4, 1, 9, 0, &flags), utc(2026, 4, 1, 0, 0, 0));
    assert_int_equal(flags, 0);
    /* 24:00 is the next day's midnight; day 0 the last of the previous month */
    assert_int_equal(to_utc(z, 2026, 3, 31, 24, 0, &flags), utc(2026, 3, 31, 15, 0, 0));
    assert_int_equal(to_utc(z, 2026, 4, 0, 0, 0, &flags), utc(2026, 3, 30, 15, 0, 0));
    assert_int_equal(to_utc(z, 2025, 16, 1, 0, 0, &flags), utc(2026, 3, 31, 15, 0, 0));
    tz_free(z);
}

static void test_new_york_2026(void **state)
{
    struct tz *z = load("America/New_York");
    int flags = -1;
    (void)state;
    /* spring forward: 2026-03-08 02:00 EST -> 03:00 EDT, at 07:00Z */
    assert_int_equal(tz_offset_at(z, utc(2026, 3, 8, 6, 59, 59)), -5 * 3600);
    assert_int_equal(tz_offset_at(z, utc(2026, 3, 8, 7, 0, 0)), -4 * 3600);
    assert_local(z, utc(2026, 3, 8, 6, 59, 0), 2026, 3, 8, 1, 59, -18000);
    assert_local(z, utc(2026, 3, 8, 7, 0, 0), 2026, 3, 8, 3, 0, -14400);
    assert_int_equal(to_utc(z, 2026, 3, 8, 1, 59, &flags), utc(2026, 3, 8, 6, 59, 0));
    assert_int_equal(flags, 0);
    assert_int_equal(to_utc(z, 2026, 3, 8, 3, 0, &flags), utc(2026, 3, 8, 7, 0, 0));
    assert_int_equal(flags, 0);
    /* 02:00 and 02:30 do not exist: the EST offset carries them past the gap */
    assert_int_equal(to_utc(z, 2026, 3, 8, 2, 30, &flags), utc(2026, 3, 8, 7, 30, 0));
    assert_int_equal(flags, TZ_GAP);
    assert_local(z, utc(2026, 3, 8, 7, 30, 0), 2026, 3, 8, 3, 30, -14400);
    assert_int_equal(to_utc(z, 2026, 3, 8, 2, 0, &flags), utc(2026, 3, 8, 7, 0, 0));
    assert_int_equal(flags, TZ_GAP);
    /* fall back: 2026-11-01 02:00 EDT -> 01:00 EST, at 06:00Z; 01:xx happens twice */
    assert_int_equal(tz_offset_at(z, utc(2026, 11, 1, 5, 59, 59)), -4 * 3600);
    assert_int_equal(tz_offset_at(z, utc(2026, 11, 1, 6, 0, 0)), -5 * 3600);
    assert_int_equal(to_utc(z, 2026, 11, 1, 1, 30, &flags), utc(2026, 11, 1, 5, 30, 0));
    assert_int_equal(flags, TZ_AMBIGUOUS);
    assert_local(z, utc(2026, 11, 1, 5, 30, 0), 2026, 11, 1, 1, 30, -14400);
    assert_local(z, utc(2026, 11, 1, 6, 30, 0), 2026, 11, 1, 1, 30, -18000);
    assert_int_equal(to_utc(z, 2026, 11, 1, 0, 59, &flags), utc(2026, 11, 1, 4, 59, 0));
    assert_int_equal(flags, 0);
    assert_int_equal(to_utc(z, 2026, 11, 1, 2, 0, &flags), utc(2026, 11, 1, 7, 0, 0));
    assert_int_equal(flags, 0);
    tz_free(z);
}

static void test_brussels(void **state)
{
    struct tz *z = load("Europe/Brussels");
    int flags;
    (void)state;
    /* last Sunday of March / October, at 01:00 UTC */
    assert_int_equal(tz_offset_at(z, utc(2026, 3, 29, 0, 59, 59)), 3600);
    assert_int_equal(tz_offset_at(z, utc(2026, 3, 29, 1, 0, 0)), 7200);
    assert_int_equal(tz_offset_at(z, utc(2026, 10, 25, 0, 59, 59)), 7200);
    assert_int_equal(tz_offset_at(z, utc(2026, 10, 25, 1, 0, 0)), 3600);
    assert_int_equal(tz_offset_at(z, utc(2027, 3, 28, 1, 0, 0)), 7200);
    assert_int_equal(tz_offset_at(z, utc(2027, 3, 28, 0, 59, 0)), 3600);
    to_utc(z, 2026, 3, 29, 2, 30, &flags);
    assert_int_equal(flags, TZ_GAP);
    assert_int_equal(to_utc(z, 2026, 10, 25, 2, 30, &flags), utc(2026, 10, 25, 0, 30, 0));
    assert_int_equal(flags, TZ_AMBIGUOUS);
    tz_free(z);
}

static void test_lord_howe(void **state)
{
    struct err e;
    struct tz *z;
    int flags;
    (void)state;
    err_init(&e);
    z = tz_load("Australia/Lord_Howe", &e);
    if (!z && e.code == TZ_ENOENT)
        skip();
    assert_non_null(z);
    /* +11 -> +10:30 on Sunday 5 April 2026 at 02:00 local; back on 4 October at 02:00 */
    assert_int_equal(tz_offset_at(z, utc(2026, 4, 4, 14, 59, 59)), 39600);
    assert_int_equal(tz_offset_at(z, utc(2026, 4, 4, 15, 0, 0)), 37800);
    assert_int_equal(tz_offset_at(z, utc(2026, 10, 3, 15, 29, 59)), 37800);
    assert_int_equal(tz_offset_at(z, utc(2026, 10, 3, 15, 30, 0)), 39600);
    /* a 30-minute gap and a 30-minute overlap */
    assert_int_equal(to_utc(z, 2026, 10, 4, 2, 15, &flags), utc(2026, 10, 3, 15, 45, 0));
    assert_int_equal(flags, TZ_GAP);
    assert_local(z, utc(2026, 10, 3, 15, 45, 0), 2026, 10, 4, 2, 45, 39600);
    assert_int_equal(to_utc(z, 2026, 10, 4, 2, 30, &flags), utc(2026, 10, 3, 15, 30, 0));
    assert_int_equal(flags, 0);
    assert_int_equal(to_utc(z, 2026, 4, 5, 1, 45, &flags), utc(2026, 4, 4, 14, 45, 0));
    assert_int_equal(flags, TZ_AMBIGUOUS);
    assert_int_equal(to_utc(z, 2026, 4, 5, 1, 29, &flags), utc(2026, 4, 4, 14, 29, 0));
    assert_int_equal(flags, 0);
    tz_free(z);
}

static void test_beyond_table(void **state)
{
    struct tz *z = load("America/New_York");
    int flags;
    (void)state;
    /* 2040: second Sunday of March is the 11th, first Sunday of November the 4th */
    assert_int_equal(tz_offset_at(z, utc(2040, 3, 11, 6, 59, 59)), -18000);
    assert_int_equal(tz_offset_at(z, utc(2040, 3, 11, 7, 0, 0)), -14400);
    assert_int_equal(tz_offset_at(z, utc(2040, 11, 4, 5, 59, 59)), -14400);
    assert_int_equal(tz_offset_at(z, utc(2040, 11, 4, 6, 0, 0)), -18000);
    to_utc(z, 2040, 3, 11, 2, 30, &flags);
    assert_int_equal(flags, TZ_GAP);
    assert_int_equal(to_utc(z, 2040, 11, 4, 1, 30, &flags), utc(2040, 11, 4, 5, 30, 0));
    assert_int_equal(flags, TZ_AMBIGUOUS);
    /* far out: year 2400 (leap), 9999 */
    assert_int_equal(tz_offset_at(z, utc(2400, 7, 1, 0, 0, 0)), -14400);
    assert_int_equal(tz_offset_at(z, utc(9999, 12, 31, 0, 0, 0)), -18000);
    tz_free(z);
}

static void test_utc(void **state)
{
    struct tz *z = load("UTC");
    int flags;
    (void)state;
    assert_int_equal(tz_offset_at(z, utc(2026, 1, 1, 0, 0, 0)), 0);
    assert_local(z, utc(2026, 7, 4, 12, 34, 0), 2026, 7, 4, 12, 34, 0);
    assert_int_equal(to_utc(z, 2026, 7, 4, 12, 34, &flags), utc(2026, 7, 4, 12, 34, 0));
    assert_int_equal(flags, 0);
    /* before 1970 and negative milliseconds */
    struct tz_civil c;
    tz_utc_to_local(z, -1, &c);
    assert_int_equal(c.year, 1969);
    assert_int_equal(c.month, 12);
    assert_int_equal(c.day, 31);
    assert_int_equal(c.second, 59);
    assert_int_equal(c.ms, 999);
    assert_int_equal(c.weekday, 3);
    tz_free(z);
}

/* ---- footer rules, on crafted files ---- */

static void test_footer_only(void **state)
{
    struct tz *z;
    int flags;
    (void)state;
    z = footer_zone("EST5EDT,M3.2.0,M11.1.0");
    assert_int_equal(tz_offset_at(z, utc(2026, 3, 8, 6, 59, 59)), -18000);
    assert_int_equal(tz_offset_at(z, utc(2026, 3, 8, 7, 0, 0)), -14400);
    assert_int_equal(tz_offset_at(z, utc(2026, 11, 1, 6, 0, 0)), -18000);
    assert_int_equal(tz_offset_at(z, utc(1850, 7, 1, 0, 0, 0)), -14400); /* everywhere */
    to_utc(z, 2026, 3, 8, 2, 30, &flags);
    assert_int_equal(flags, TZ_GAP);
    tz_free(z);

    z = footer_zone("<+09>-9");
    assert_int_equal(tz_offset_at(z, 0), 32400);
    tz_free(z);
    z = footer_zone("JST-9");
    assert_int_equal(tz_offset_at(z, utc(2026, 1, 1, 0, 0, 0)), 32400);
    tz_free(z);
    z = footer_zone("<-0330>3:30");
    assert_int_equal(tz_offset_at(z, 0), -12600);
    tz_free(z);
    z = footer_zone("<+0545>-5:45");
    assert_int_equal(tz_offset_at(z, 0), 20700);
    tz_free(z);

    /* Jn (February 29 not counted) and n (counted): day 60 is 1 March / 29 February + 1 */
    z = footer_zone("AAA0BBB,J60/0,J300/0");
    assert_int_equal(tz_offset_at(z, utc(2028, 2, 29, 23, 0, 0)), 0);
    assert_int_equal(tz_offset_at(z, utc(2028, 3, 1, 0, 0, 0)), 3600);
    tz_free(z);
    z = footer_zone("AAA0BBB,59/0,300/0");
    assert_int_equal(tz_offset_at(z, utc(2028, 2, 28, 23, 0, 0)), 0);
    assert_int_equal(tz_offset_at(z, utc(2028, 2, 29, 0, 0, 0)), 3600);
    assert_int_equal(tz_offset_at(z, utc(2027, 3, 1, 0, 0, 0)), 3600);
    tz_free(z);

    /* southern hemisphere: DST across the new year */
    z = footer_zone("AEST-10AEDT,M10.1.0,M4.1.0/3");
    assert_int_equal(tz_offset_at(z, utc(2026, 1, 15, 0, 0, 0)), 39600);
    assert_int_equal(tz_offset_at(z, utc(2026, 7, 15, 0, 0, 0)), 36000);
    tz_free(z);

    /* version 3: DST all year (starts 1 Jan 00:00, ends 31 Dec 25:00 = the next start) */
    z = footer_zone("EST5EDT,0/0,J365/25");
    for (int64_t ms = utc(2025, 12, 30, 0, 0, 0); ms < utc(2026, 1, 3, 0, 0, 0); ms += H / 4)
        assert_int_equal(tz_offset_at(z, ms), -14400);
    tz_free(z);

    /* Dublin: "negative DST" (winter time is the daylight-saving type) */
    z = footer_zone("IST-1GMT0,M10.5.0,M3.5.0/1");
    assert_int_equal(tz_offset_at(z, utc(2026, 1, 15, 0, 0, 0)), 0);
    assert_int_equal(tz_offset_at(z, utc(2026, 7, 15, 0, 0, 0)), 3600);
    tz_free(z);

    /* Santiago: 24:00 rule times */
    z = footer_zone("<-04>4<-03>,M9.1.6/24,M4.1.6/24");
    assert_int_equal(tz_offset_at(z, utc(2026, 9, 6, 3, 59, 59)), -14400);
    assert_int_equal(tz_offset_at(z, utc(2026, 9, 6, 4, 0, 0)), -10800);
    tz_free(z);
}

/* The footer rule evaluated alone agrees, hour by hour, with the table zic computed. */
static void test_footer_matches_table(void **state)
{
    static const struct {
        const char *zone;
        int from;
    } cases[] = {
        {"America/New_York", 2008},    {"Europe/Brussels", 1997},  {"Australia/Sydney", 2009},
        {"Australia/Lord_Howe", 2009}, {"Pacific/Auckland", 2008}, {"Europe/Dublin", 1997},
        {"America/Santiago", 2024},    {"Asia/Tokyo", 1952},
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char footer[128];
        struct err e;
        struct tz *real, *rule;
        err_init(&e);
        real = tz_load(cases[i].zone, &e);
        if (!real)
            continue; /* an optional zone missing from this system */
        real_footer(cases[i].zone, footer, sizeof(footer));
        rule = footer_zone(footer);
        for (int64_t ms = utc(cases[i].from, 1, 1, 0, 0, 0); ms < utc(2038, 1, 1, 0, 0, 0);
             ms += H) {
            if (tz_offset_at(real, ms) != tz_offset_at(rule, ms))
                fail_msg("%s at %lld: table %d, footer \"%s\" %d", cases[i].zone, (long long)ms,
                         tz_offset_at(real, ms), footer, tz_offset_at(rule, ms));
        }
        tz_free(rule);
        tz_free(real);
    }
}

/* ---- round trips ---- */

static void round_trip_zone(const char *name)
{
    struct tz *z = load(name);
    uint64_t seed = 20261122;
    /* UTC -> local -> UTC: exact unless the wall time is ambiguous (then the earlier instant) */
    for (int64_t ms = utc(2018, 1, 1, 0, 0, 0); ms < utc(2042, 1, 1, 0, 0, 0);
         ms += 3 * H + 17 * 60000 + 123) {
        struct tz_civil c;
        int flags;
        tz_utc_to_local(z, ms, &c);
        int64_t back = tz_local_to_utc(z, &c, &flags);
        assert_false(flags & TZ_GAP);
        if (flags & TZ_AMBIGUOUS)
            assert_true(back <= ms && ms - back <= 2 * H);
        else if (back != ms)
            fail_msg("%s: %lld -> %lld", name, (long long)ms, (long long)back);
    }
    /* local -> UTC -> local: the same wall time unless it fell into a gap */
    for (int i = 0; i < 20000; i++) {
        struct tz_civil c = {.year = 2018 + unit_rand_below(&seed, 24),
                             .month = 1 + (int)unit_rand_below(&seed, 12),
                             .day = 1 + (int)unit_rand_below(&seed, 28),
                             .hour = (int)unit_rand_below(&seed, 24),
                             .minute = (int)unit_rand_below(&seed, 60),
                             .second = (int)unit_rand_below(&seed, 60)},
                        d;
        int flags;
        tz_utc_to_local(z, tz_local_to_utc(z, &c, &flags), &d);
        if (flags & TZ_GAP)
            continue;
        assert_true(c.year == d.year && c.month == d.month && c.day == d.day && c.hour == d.hour &&
                    c.minute == d.minute && c.second == d.second);
    }
    tz_free(z);
}

static void test_round_trips(void **state)
{
    (void)state;
    round_trip_zone("America/New_York");
    round_trip_zone("Europe/Brussels");
    round_trip_zone("Asia/Tokyo");
    round_trip_zone("Australia/Sydney");
    round_trip_zone("UTC");
}

static void test_extremes(void **state)
{
    struct tz *z = load("America/New_York");
    struct tz_civil c = {.year = INT64_MAX, .month = 1, .day = 1};
    int flags;
    (void)state;
    /* no overflow at the ends of the millisecond range */
    tz_utc_to_local(z, INT64_MAX, &c);
    tz_utc_to_local(z, INT64_MIN, &c);
    assert_true(c.year < -290000000);
    (void)tz_offset_at(z, INT64_MAX);
    (void)tz_offset_at(z, INT64_MIN);
    c = (struct tz_civil){.year = INT64_MAX,
                          .month = INT32_MIN,
                          .day = INT32_MAX,
                          .hour = INT32_MAX,
                          .minute = INT32_MIN,
                          .second = INT32_MAX,
                          .ms = INT32_MIN};
    (void)tz_local_to_utc(z, &c, &flags);
    assert_true(flags & TZ_RANGE);
    c.year = INT64_MIN;
    (void)tz_local_to_utc(z, &c, &flags);
    assert_true(flags & TZ_RANGE);
    tz_free(z);
}

/* ---- names and loading ---- */

static void test_names(void **state)
{
    static const char *bad[] = {
        "",     "/etc/passwd", "../etc/passwd", "Asia/../../etc/passwd", "America/New York",
        "a//b", "Asia/",       "x.y",           "Asia/Tokyo\n",          "Europe/Zürich"};
    struct err e;
    char longname[300];
    (void)state;
    assert_true(tz_name_valid("Asia/Tokyo"));
    assert_true(tz_name_valid("Etc/GMT+9"));
    assert_true(tz_name_valid("America/Argentina/Buenos_Aires"));
    assert_true(tz_name_valid("UTC"));
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(tz_name_valid(bad[i]));
        err_init(&e);
        assert_null(tz_load(bad[i], &e));
        assert_int_equal(e.code, TZ_ENAME);
    }
    assert_false(tz_name_valid(NULL));
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_false(tz_name_valid(longname));
    err_init(&e);
    assert_null(tz_load("Nowhere/Atlantis", &e));
    assert_int_equal(e.code, TZ_ENOENT);
    err_init(&e);
    assert_null(tz_load("America", &e)); /* a directory */
    assert_int_equal(e.code, TZ_ENOENT);
}

static void test_tzdir(void **state)
{
    char dir[64], path[128];
    const char *old = getenv("TZDIR");
    char *saved = old ? xstrdup(old) : NULL;
    struct tzb t;
    struct err e;
    struct tz *z;
    int32_t off = 0;
    unsigned char *big;
    (void)state;
    assert_int_equal(unit_tmpdir(dir, "tz"), 0);
    make_tzif(&t, NULL, NULL, 0, &off, 1, "<+0530>-5:30");
    snprintf(path, sizeof(path), "%s/Test_Zone", dir);
    assert_int_equal(unit_write_file(path, (const char *)t.b, t.n), 0);
    big = xcalloc(1, TZ_FILE_MAX + 1);
    snprintf(path, sizeof(path), "%s/Big", dir);
    assert_int_equal(unit_write_file(path, (const char *)big, TZ_FILE_MAX + 1), 0);
    free(big);
    snprintf(path, sizeof(path), "%s/Junk", dir);
    assert_int_equal(unit_write_file(path, "not a zone", 10), 0);

    setenv("TZDIR", dir, 1);
    err_init(&e);
    z = tz_load("Test_Zone", &e);
    assert_non_null(z);
    assert_int_equal(tz_offset_at(z, 0), 19800);
    tz_free(z);
    err_init(&e);
    assert_null(tz_load("Big", &e));
    assert_int_equal(e.code, TZ_ETOOBIG);
    err_init(&e);
    assert_null(tz_load("Junk", &e));
    assert_int_equal(e.code, TZ_EFORMAT);
    assert_non_null(strstr(e.msg, "Junk"));
    err_init(&e);
    assert_null(tz_load("Asia/Tokyo", &e));
    assert_int_equal(e.code, TZ_ENOENT);

    if (saved)
        setenv("TZDIR", saved, 1);
    else
        unsetenv("TZDIR");
    free(saved);
    unit_rmtree(dir);
}

/* ---- malformed input ---- */

static void expect_format_error(const unsigned char *p, size_t n, const char *what)
{
    struct err e;
    err_init(&e);
    struct tz *z = tz_parse(p, n, "bad", &e);
    if (z) {
        tz_free(z);
        fail_msg("%s: accepted", what ? what : "malformed input");
    }
    assert_int_equal(e.code, TZ_EFORMAT);
    if (what && !strstr(e.msg, what))
        fail_msg("message \"%s\" does not mention \"%s\"", e.msg, what);
}

static void test_truncations(void **state)
{
    const char *zones[] = {"America/New_York", "Asia/Tokyo", "Europe/Brussels"};
    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(zones); k++) {
        size_t n = 0;
        unsigned char *data = (unsigned char *)read_zone_file(zones[k], &n);
        assert_non_null(data);
        for (size_t len = 0; len < n; len++) {
            /* a copy of exactly len bytes, so ASan sees any read past the end */
            unsigned char *cut = xmalloc(len ? len : 1);
            memcpy(cut, data, len);
            expect_format_error(cut, len, NULL);
            free(cut);
        }
        free(data);
    }
}

static void test_malformed(void **state)
{
    struct tzb t;
    int32_t offs[2] = {3600, 7200};
    int64_t trans[2] = {1000, 500};
    uint8_t idx[2] = {0, 1};
    (void)state;

    expect_format_error((const unsigned char *)"", 0, "truncated header");
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    t.b[0] = 'X';
    expect_format_error(t.b, t.n, "bad magic");
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    t.b[4] = '1';
    expect_format_error(t.b, t.n, "unknown version");

    /* counts larger than the file: in the first header, then in the second */
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    memset(t.b + 32, 0xff, 4); /* timecnt = 2^32 - 1 */
    expect_format_error(t.b, t.n, "truncated version 1");
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    memset(t.b + 44 + 7 + 32, 0xff, 4);
    expect_format_error(t.b, t.n, "more bytes than the file has");
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    memset(t.b + 44 + 7 + 40, 0xff, 4); /* charcnt */
    expect_format_error(t.b, t.n, "more bytes than the file has");
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    memset(t.b + 44 + 7 + 36, 0, 4); /* typecnt = 0 */
    expect_format_error(t.b, t.n, "count is zero");
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    t.b[44 + 7 + 31] = 1; /* leapcnt = 1 */
    expect_format_error(t.b, t.n, "leap-second");
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    t.b[44 + 7 + 23] = 1; /* isutcnt = 1 but there are no indicators */
    expect_format_error(t.b, t.n, NULL);

    /* bad contents */
    make_tzif(&t, trans, idx, 2, offs, 2, "CET-1");
    expect_format_error(t.b, t.n, "not ascending");
    trans[1] = 2000;
    idx[1] = 2;
    make_tzif(&t, trans, idx, 2, offs, 2, "CET-1");
    expect_format_error(t.b, t.n, "type index");
    idx[1] = 1;
    offs[1] = 100000;
    make_tzif(&t, trans, idx, 2, offs, 2, "CET-1");
    expect_format_error(t.b, t.n, "offset out of range");
    offs[1] = 7200;

    /* footers */
    static const char *bad_footers[] = {
        "CET",
        "CET-",
        "C-1",
        "<>-1",
        "<+09-9",
        "CET-25",
        "CET-1CEST",
        "CET-1CEST,M3",
        "CET-1CEST,M13.1.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "CET-1CEST,J0,J100",
        "CET-1CEST,366,J100",
        "CET-1CEST,M3.5.0/168,M10.5.0",
        "CET-1:60",
        "CET-1CEST,M3.5.0,M10.5.0x",
        "CET-1 ",
        "CET-1\xff",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad_footers); i++) {
        make_tzif(&t, NULL, NULL, 0, offs, 1, bad_footers[i]);
        expect_format_error(t.b, t.n, "POSIX TZ string");
    }
    make_tzif(&t, NULL, NULL, 0, offs, 1, "CET-1");
    t.n--; /* no closing newline */
    expect_format_error(t.b, t.n, "unterminated footer");
    t.b[t.n - 6] = 'x'; /* the opening newline */
    expect_format_error(t.b, t.n, "missing footer");

    /* an empty footer is allowed: the last type continues */
    make_tzif(&t, trans, idx, 2, offs, 2, "");
    struct err e;
    err_init(&e);
    struct tz *z = tz_parse(t.b, t.n, NULL, &e);
    assert_non_null(z);
    assert_string_equal(tz_name(z), "");
    assert_int_equal(tz_offset_at(z, 0), 3600);
    assert_int_equal(tz_offset_at(z, 1500 * 1000), 3600);
    assert_int_equal(tz_offset_at(z, 2000 * 1000), 7200);
    assert_int_equal(tz_offset_at(z, INT64_MAX), 7200);
    tz_free(z);
}

/* RFC 3339 local time with the offset in force: whole hours either side of UTC, a half hour,
 * and the same instant in three zones. */
static void test_format_rfc3339(void **state)
{
    static const struct {
        const char *zone, *want;
    } cases[] = {{"Asia/Tokyo", "2026-11-22T09:00:00+09:00"},
                 {"America/New_York", "2026-11-21T19:00:00-05:00"},
                 {"Asia/Kolkata", "2026-11-22T05:30:00+05:30"},
                 {"UTC", "2026-11-22T00:00:00+00:00"}};
    char out[40];
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct tz *z = load(cases[i].zone);
        tz_format_rfc3339(z, 1795305600000LL, out, sizeof(out)); /* 2026-11-22T00:00:00Z */
        assert_string_equal(out, cases[i].want);
        tz_free(z);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokyo),          cmocka_unit_test(test_new_york_2026),
        cmocka_unit_test(test_brussels),       cmocka_unit_test(test_lord_howe),
        cmocka_unit_test(test_beyond_table),   cmocka_unit_test(test_utc),
        cmocka_unit_test(test_footer_only),    cmocka_unit_test(test_footer_matches_table),
        cmocka_unit_test(test_round_trips),    cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_names),          cmocka_unit_test(test_tzdir),
        cmocka_unit_test(test_truncations),    cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_format_rfc3339),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
