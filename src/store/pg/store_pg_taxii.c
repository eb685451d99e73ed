/*
 * store_pg_taxii.c — TAXII 2.1 collections, objects and status resources (issue 13 item 5) in
 * PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): every operation of this file is NOT BUILT yet — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_taxii.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* NOT BUILT (issue 14) */
int pg_taxii_collection_put(struct store *s, const struct taxii_collection_rec *c,
                            const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(c);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("taxii_collection_put");
}

/* NOT BUILT (issue 14) */
int pg_taxii_collection_get(struct store *s, const char *key, struct taxii_collection_rec *out)
{
    UNUSED(s);
    UNUSED(key);
    UNUSED(out);
    return pg_not_built("taxii_collection_get");
}

/* NOT BUILT (issue 14) */
int pg_taxii_collection_list(struct store *s, struct taxii_collection_rec **out, size_t *n)
{
    UNUSED(s);
    UNUSED(out);
    UNUSED(n);
    return pg_not_built("taxii_collection_list");
}

/* NOT BUILT (issue 14) */
int pg_taxii_objects_add(struct store *s, struct taxii_add *a)
{
    UNUSED(s);
    UNUSED(a);
    return pg_not_built("taxii_objects_add");
}

/* NOT BUILT (issue 14) */
int pg_taxii_objects_query(struct store *s, const struct taxii_obj_query *q,
                           struct taxii_obj_page *out)
{
    UNUSED(s);
    UNUSED(q);
    UNUSED(out);
    return pg_not_built("taxii_objects_query");
}

/* NOT BUILT (issue 14) */
int pg_taxii_object_delete(struct store *s, const struct taxii_obj_query *q, const char *actor,
                           int64_t now, size_t *deleted)
{
    UNUSED(s);
    UNUSED(q);
    UNUSED(actor);
    UNUSED(now);
    UNUSED(deleted);
    return pg_not_built("taxii_object_delete");
}

/* NOT BUILT (issue 14) */
int pg_taxii_status_put(struct store *s, const char *id, const char *collection_id,
                        const char *org_id, const char *body, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(collection_id);
    UNUSED(org_id);
    UNUSED(body);
    UNUSED(now);
    return pg_not_built("taxii_status_put");
}

/* NOT BUILT (issue 14) */
int pg_taxii_status_get(struct store *s, const char *id, char org_id[UUID_STR_LEN], char **body)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(org_id);
    UNUSED(body);
    return pg_not_built("taxii_status_get");
}
