/*
 * fuzz_rfc3339.c — RFC 3339 date-time and full-date parsing. Invariant: an accepted time
 * formats back (UTC) to a string that parses to the same instant.
 */
#include "../src/core/rtime.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rtime_parsed t, u;
    char out[64];
    int64_t ms;
    if (size > 256)
        return 0;
    if (rtime_parse_rfc3339((const char *)data, size, &t) == RTIME_OK) {
        BUG_ON(t.offset_min < -1439 || t.offset_min > 1439);
        rtime_format_utc(t.ms, out, sizeof(out));
        if (t.ms >= 0 && t.ms < 253402300800000LL) { /* years 1970..9999 format as 4 digits */
            BUG_ON(rtime_parse_rfc3339(out, strlen(out), &u) != RTIME_OK);
            BUG_ON(u.ms != t.ms);
        }
    }
    (void)rtime_parse_date((const char *)data, size, &ms);
    return 0;
}
