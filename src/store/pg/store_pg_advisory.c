/*
 * store_pg_advisory.c — advisories and clearances (issue 13 items 1 and 2) in PostgreSQL (issue
 * 14).
 *
 * WORK IN PROGRESS (issue 14): the operations marked NOT BUILT — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_advisory.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* ---- built: reading (the service reads every advisory at start-up, app_correlate) ---- */

#define ADV_COLS                                                                                   \
    "SELECT a.id, a.org_id, v.author_id, v.version, a.latest_version, v.tlp, v.clearance,"         \
    " v.audience, v.title, "
#define ADV_COLS_TAIL                                                                              \
    ", v.body_sha256, a.created_at, a.updated_at, v.created_at, a.withdrawn_at,"                   \
    " a.withdrawn_reason, "

static void adv_row(const PGresult *r, int i, struct advisory_rec *a)
{
    memset(a, 0, sizeof(*a));
    pg_copy(r, i, 0, a->id, sizeof(a->id));
    pg_copy(r, i, 1, a->org_id, sizeof(a->org_id));
    pg_copy(r, i, 2, a->author_id, sizeof(a->author_id));
    a->version = (int)pg_int(r, i, 3);
    a->latest_version = (int)pg_int(r, i, 4);
    pg_copy(r, i, 5, a->tlp, sizeof(a->tlp));
    pg_copy(r, i, 6, a->clearance, sizeof(a->clearance));
    a->audience = pg_dup(r, i, 7);
    a->title = pg_dup(r, i, 8);
    a->body = pg_dup(r, i, 9);
    pg_copy(r, i, 10, a->body_sha256, sizeof(a->body_sha256));
    a->created_at = pg_int(r, i, 11);
    a->updated_at = pg_int(r, i, 12);
    a->version_created_at = pg_int(r, i, 13);
    a->withdrawn_at = pg_int(r, i, 14);
    a->withdrawn_reason = pg_dup(r, i, 15);
    a->acked_version = (int)pg_int(r, i, 16);
}

/* Built (not yet covered on PostgreSQL by test_advisories, which needs advisory_create). */
int pg_advisory_get(struct store *s, const char *id, int version, struct advisory_rec *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, id);
    pg_p_int(&p, version);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     ADV_COLS "v.body" ADV_COLS_TAIL "0 FROM advisories a JOIN advisory_versions v"
                              " ON v.advisory_id = a.id AND v.version = CASE WHEN $2::bigint > 0"
                              " THEN $2::bigint ELSE a.latest_version END WHERE a.id = $1",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
    if (!rc)
        adv_row(r, 0, out);
    PQclear(r);
    return rc;
}

/* Built (as advisory_get): newest first, one more row says whether another page exists. */
int pg_advisory_list(struct store *s, const struct advisory_filter *f, struct advisory_list *out)
{
    struct pg_params p;
    PGresult *r;
    int limit = f->limit > 0 ? f->limit : 1;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text_opt(&p, f->after_id);
    pg_p_text_opt(&p, f->ack_org_id);
    pg_p_int(&p, limit + 1);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     ADV_COLS "NULL" ADV_COLS_TAIL "coalesce(k.version, 0) FROM advisories a"
                              " JOIN advisory_versions v ON v.advisory_id = a.id"
                              " AND v.version = a.latest_version LEFT JOIN advisory_acks k"
                              " ON k.advisory_id = a.id AND k.org_id = $2"
                              " WHERE ($1::text IS NULL OR a.id < $1) ORDER BY a.id DESC LIMIT $3",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    size_t rows = (size_t)PQntuples(r);
    out->more = rows > (size_t)limit;
    out->n = out->more ? (size_t)limit : rows;
    out->items = xcalloc((size_t)limit, sizeof(*out->items));
    for (size_t i = 0; i < out->n; i++)
        adv_row(r, (int)i, &out->items[i]);
    PQclear(r);
    return STORE_OK;
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
