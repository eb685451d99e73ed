/*
 * store_pg_stats.c — statistics for authorities (issue 13 item 7) in PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_stats.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_stats_scan(struct store *s, const struct stats_scan_filter *f, store_stats_row_fn cb,
                  void *arg)
{
    UNUSED(s);
    UNUSED(f);
    UNUSED(cb);
    UNUSED(arg);
    return pg_not_built("stats_scan");
}
