/*
 * store_history.c — the words of a submission's delivery history (store_history.h).
 */
#include "store_history.h"
#include "../core/rtime.h"

void store_history_interrupted(int attempt, bool has_began, int64_t began_ms, int64_t lease_end_ms,
                               char *out, size_t n)
{
    char began[32] = "", ended[32];
    if (has_began)
        rtime_format_utc(began_ms, began, sizeof(began));
    rtime_format_utc(lease_end_ms, ended, sizeof(ended));
    snprintf(out, n,
             "attempt %d%s%s%s recorded no outcome before its lease ended at %s: the delivery "
             "process stopped (crash or restart) or the attempt outlasted its lease; the "
             "recipient may or may not have received it; taken again as attempt %d",
             attempt, began[0] ? " (started " : "", began, began[0] ? ")" : "", ended, attempt + 1);
}

void store_history_done(const char *endpoint, const char *reference, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s%s%s", endpoint ? "endpoint=" : "", endpoint ? endpoint : "",
             endpoint && reference ? " " : "", reference ? "reference=" : "",
             reference ? reference : "");
}
