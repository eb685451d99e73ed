/*
 * store_pg_assess.c — assessments and organisation documents in PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_assess.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_assessment_create(struct store *s, const struct assessment_rec *a, const char *actor,
                         int64_t now)
{
    UNUSED(s);
    UNUSED(a);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("assessment_create");
}

/* NOT BUILT (issue 14) */
int pg_assessment_get(struct store *s, const char *id, struct assessment_rec *out)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(out);
    return pg_not_built("assessment_get");
}

/* NOT BUILT (issue 14) */
int pg_assessment_list(struct store *s, const char *org_id, const char *framework_id,
                       const char *after_id, int limit, struct assessment_list *out)
{
    UNUSED(s);
    UNUSED(org_id);
    UNUSED(framework_id);
    UNUSED(after_id);
    UNUSED(limit);
    UNUSED(out);
    return pg_not_built("assessment_list");
}

/* NOT BUILT (issue 14) */
int pg_assessment_save(struct store *s, const char *id, int expected_version, const char *answers,
                       const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(expected_version);
    UNUSED(answers);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("assessment_save");
}

/* NOT BUILT (issue 14) */
int pg_assessment_submit(struct store *s, const char *id, int expected_version, const char *scores,
                         double overall, const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(expected_version);
    UNUSED(scores);
    UNUSED(overall);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("assessment_submit");
}

/* NOT BUILT (issue 14) */
int pg_assessment_peers(struct store *s, const char *framework_id, const char *exclude_org_id,
                        struct peer_rows *out)
{
    UNUSED(s);
    UNUSED(framework_id);
    UNUSED(exclude_org_id);
    UNUSED(out);
    return pg_not_built("assessment_peers");
}

/* NOT BUILT (issue 14) */
int pg_orgdoc_create(struct store *s, const struct orgdoc_rec *d, const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(d);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("orgdoc_create");
}

/* NOT BUILT (issue 14) */
int pg_orgdoc_get(struct store *s, const char *id, struct orgdoc_rec *out)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(out);
    return pg_not_built("orgdoc_get");
}

/* NOT BUILT (issue 14) */
int pg_orgdoc_list(struct store *s, const char *org_id, const char *kind, const char *after_id,
                   int limit, bool with_body, struct orgdoc_list *out)
{
    UNUSED(s);
    UNUSED(org_id);
    UNUSED(kind);
    UNUSED(after_id);
    UNUSED(limit);
    UNUSED(with_body);
    UNUSED(out);
    return pg_not_built("orgdoc_list");
}

/* NOT BUILT (issue 14) */
int pg_orgdoc_update(struct store *s, const char *id, int expected_version, const char *body,
                     const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(expected_version);
    UNUSED(body);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("orgdoc_update");
}
