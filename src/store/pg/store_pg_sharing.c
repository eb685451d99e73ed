/*
 * store_pg_sharing.c — sightings (issue 13 item 3) in PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_sharing.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_sighting_add(struct store *s, const struct sighting_write *w)
{
    UNUSED(s);
    UNUSED(w);
    return pg_not_built("sighting_add");
}

/* NOT BUILT (issue 14) */
int pg_sighting_counts(struct store *s, const char *type, const char *value,
                       const char *except_tlp, struct sighting_counts *out)
{
    UNUSED(s);
    UNUSED(type);
    UNUSED(value);
    UNUSED(except_tlp);
    UNUSED(out);
    return pg_not_built("sighting_counts");
}
