/*
 * store_pg_audit.c — the objects audit entries pin in PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_audit.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_audit_pins(struct store *s, int64_t upto_seq,
                  int (*cb)(const struct audit_pin *p, void *arg), void *arg)
{
    UNUSED(s);
    UNUSED(upto_seq);
    UNUSED(cb);
    UNUSED(arg);
    return pg_not_built("audit_pins");
}
