/*
 * store_pg_advisory.c — advisories and clearances (issue 13 items 1 and 2) in PostgreSQL (issue
 * 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_advisory.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_advisory_get(struct store *s, const char *id, int version, struct advisory_rec *out)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(version);
    UNUSED(out);
    return pg_not_built("advisory_get");
}

/* NOT BUILT (issue 14) */
int pg_advisory_list(struct store *s, const struct advisory_filter *f, struct advisory_list *out)
{
    UNUSED(s);
    UNUSED(f);
    UNUSED(out);
    return pg_not_built("advisory_list");
}

/* NOT BUILT (issue 14) */
int pg_advisory_acks(struct store *s, const char *id, struct advisory_ack **out, size_t *n)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(out);
    UNUSED(n);
    return pg_not_built("advisory_acks");
}

/* NOT BUILT (issue 14) */
int pg_advisory_create(struct store *s, const struct advisory_write *w)
{
    UNUSED(s);
    UNUSED(w);
    return pg_not_built("advisory_create");
}

/* NOT BUILT (issue 14) */
int pg_advisory_amend(struct store *s, const struct advisory_write *w)
{
    UNUSED(s);
    UNUSED(w);
    return pg_not_built("advisory_amend");
}

/* NOT BUILT (issue 14) */
int pg_advisory_withdraw(struct store *s, const char *id, const char *org_id, const char *reason,
                         const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(org_id);
    UNUSED(reason);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("advisory_withdraw");
}

/* NOT BUILT (issue 14) */
int pg_advisory_ack(struct store *s, const char *id, const char *org_id, const char *user_id,
                    int version, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(org_id);
    UNUSED(user_id);
    UNUSED(version);
    UNUSED(now);
    return pg_not_built("advisory_ack");
}

/* NOT BUILT (issue 14) */
int pg_clearance_get(struct store *s, const char *user_id, struct clearance_rec *out)
{
    UNUSED(s);
    UNUSED(user_id);
    UNUSED(out);
    return pg_not_built("clearance_get");
}

/* NOT BUILT (issue 14) */
int pg_clearance_set(struct store *s, const struct clearance_rec *c, const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(c);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("clearance_set");
}
