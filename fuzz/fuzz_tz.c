/*
 * fuzz_tz.c — TZif and POSIX footer parsing (core/tz). Invariants on an accepted zone: offsets
 * stay within ±26 h; UTC -> local -> UTC gives the same instant, or an earlier one flagged
 * ambiguous, and never a gap; local -> UTC -> local gives the same wall time unless flagged as a
 * gap. A rejected input always carries a message.
 */
#include "../src/core/tz.h"
#include "fuzz.h"

#define OFFSET_LIMIT (26 * 3600)

static void check_instant(const struct tz *z, int64_t ms)
{
    struct tz_civil c, d;
    int flags;
    int64_t back;

    tz_utc_to_local(z, ms, &c);
    BUG_ON(c.offset_s <= -OFFSET_LIMIT || c.offset_s >= OFFSET_LIMIT);
    BUG_ON(c.offset_s != tz_offset_at(z, ms));
    BUG_ON(c.weekday < 1 || c.weekday > 7 || c.ms < 0 || c.ms > 999);
    back = tz_local_to_utc(z, &c, &flags);
    BUG_ON(flags & TZ_GAP);
    BUG_ON((flags & TZ_AMBIGUOUS) ? back > ms : back != ms);
    tz_utc_to_local(z, back, &d);
    BUG_ON(d.year != c.year || d.month != c.month || d.day != c.day || d.hour != c.hour ||
           d.minute != c.minute || d.second != c.second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    struct tz *z;
    if (size > TZ_FILE_MAX)
        return 0;
    err_init(&e);
    z = tz_parse(data, size, "fuzz", &e);
    if (!z) {
        BUG_ON(e.code != TZ_EFORMAT || e.msg[0] == '\0');
        return 0;
    }
    /* 1900 … 2100 in irregular steps, plus the edges of the representable range */
    for (int64_t ms = -2208988800000LL; ms < 4102444800000LL; ms += 86399999LL * 29)
        check_instant(z, ms);
    check_instant(z, FUZZ_NOW_MS);
    (void)tz_offset_at(z, INT64_MIN);
    (void)tz_offset_at(z, INT64_MAX);
    tz_free(z);
    return 0;
}
