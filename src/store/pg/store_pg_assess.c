/*
 * store_pg_assess.c — maturity self-assessments and organisation documents (assets, loss
 * scenarios, simulation results) in PostgreSQL (issue 14; the semantics of
 * store_sqlite_assess.c, issue 4). Writes are writer jobs that check the optimistic-concurrency
 * precondition and append their audit entry in the same transaction, which holds the write
 * lock (store_pg_int.h), so an expected version holds across nodes; reads use pooled
 * connections.
 */
#include <math.h>

#include "store_pg_int.h"
#include "../store_int.h"

/* SQLite binds a NULL string as "" (sq_bind_text): so do we, so that a NOT NULL column fails
 * or holds alike on both backends. */
static void p_str(struct pg_params *p, const char *s)
{
    pg_p_text(p, s ? s : "");
}

/* ---- assessments ---- */

#define AS_COLS                                                                                    \
    "id, org_id, framework_id, framework_version, period, status, version, created_by,"            \
    " created_at, updated_at, submitted_by, submitted_at, overall"

static void as_row(const PGresult *r, int i, void *out)
{
    struct assessment_rec *a = out;
    memset(a, 0, sizeof(*a));
    pg_copy(r, i, 0, a->id, sizeof(a->id));
    pg_copy(r, i, 1, a->org_id, sizeof(a->org_id));
    pg_copy(r, i, 2, a->framework_id, sizeof(a->framework_id));
    pg_copy(r, i, 3, a->framework_version, sizeof(a->framework_version));
    pg_copy(r, i, 4, a->period, sizeof(a->period));
    pg_copy(r, i, 5, a->status, sizeof(a->status));
    a->version = (int)pg_int(r, i, 6);
    pg_copy(r, i, 7, a->created_by, sizeof(a->created_by));
    a->created_at = pg_int(r, i, 8);
    a->updated_at = pg_int(r, i, 9);
    pg_copy(r, i, 10, a->submitted_by, sizeof(a->submitted_by));
    a->submitted_at = pg_int(r, i, 11);
    /* float8's text output is the shortest exact form (extra_float_digits 1, PostgreSQL 15
     * §8.1.3, the server's default), so strtod gives back the double that was stored */
    a->overall = pg_null(r, i, 12) ? -1 : strtod(PQgetvalue(r, i, 12), NULL);
    a->answers = pg_dup(r, i, 13);
    a->scores = pg_dup(r, i, 14);
}

struct as_job {
    const struct assessment_rec *a;
    const char *id, *text, *actor;
    int expected_version;
    double overall;
    int64_t now;
};

static int as_create_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct as_job *a = arg;
    const struct assessment_rec *r = a->a;
    struct pg_params p;
    pg_params_init(&p);
    p_str(&p, r->id);
    p_str(&p, r->org_id);
    p_str(&p, r->framework_id);
    p_str(&p, r->framework_version);
    p_str(&p, r->period);
    p_str(&p, r->answers ? r->answers : "{}");
    p_str(&p, r->created_by);
    pg_p_int(&p, a->now);
    /* a foreign-key failure (no such organisation) is STORE_INVALID (pg_result_of) */
    int rc = pg_exec(w,
                     "INSERT INTO assessments (id, org_id, framework_id, framework_version,"
                     " period, status, version, answers, created_by, created_at, updated_at)"
                     " VALUES ($1,$2,$3,$4,$5,'draft',1,$6,$7,$8,$8)",
                     &p, NULL);
    if (rc)
        return rc;
    struct audit_rec e;
    store_audit_assessment_create(&e, r, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_assessment_create(struct store *s, const struct assessment_rec *a, const char *actor,
                         int64_t now)
{
    struct as_job j = {.a = a, .actor = actor, .now = now};
    return pg_submit(PG(s), as_create_run, &j);
}

int pg_assessment_get(struct store *s, const char *id, struct assessment_rec *out)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, id);
    return pg_read_one(PG(s), "SELECT " AS_COLS ", answers, scores FROM assessments WHERE id = $1",
                       &p, as_row, out);
}

int pg_assessment_list(struct store *s, const char *org_id, const char *framework_id,
                       const char *after_id, int limit, struct assessment_list *out)
{
    struct pg_params p;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    p_str(&p, org_id);
    pg_p_text_opt(&p, framework_id);
    pg_p_text_opt(&p, after_id);
    pg_p_int(&p, limit + 1);
    /* no answers nor scores in listings (store.h); ids are UUIDv7, so id order is creation
     * order and the cursor is the last id seen */
    return pg_read_page(PG(s),
                        "SELECT " AS_COLS ", NULL, NULL FROM assessments WHERE org_id = $1"
                        " AND ($2::text IS NULL OR framework_id = $2)"
                        " AND ($3::text IS NULL OR id < $3) ORDER BY id DESC LIMIT $4",
                        &p, limit, sizeof(*out->items), as_row, (void **)&out->items, &out->n,
                        &out->more);
}

/* Writer: the draft precondition shared by save and submit — the row exists (else
 * STORE_NOT_FOUND), is still a draft and is at expected_version (else STORE_CONFLICT). */
static int as_check_draft(struct pg_conn *w, const char *id, int expected_version)
{
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    p_str(&p, id);
    int rc = pg_exec(w, "SELECT status, version FROM assessments WHERE id = $1", &p, &r);
    if (rc)
        return rc;
    if (!PQntuples(r))
        rc = STORE_NOT_FOUND;
    else if (strcmp(PQgetvalue(r, 0, 0), "draft") != 0 || pg_int(r, 0, 1) != expected_version)
        rc = STORE_CONFLICT;
    PQclear(r);
    return rc;
}

static int as_save_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct as_job *a = arg;
    struct pg_params p;
    int r = as_check_draft(w, a->id, a->expected_version);
    if (r)
        return r;
    pg_params_init(&p);
    p_str(&p, a->id);
    p_str(&p, a->text);
    pg_p_int(&p, a->now);
    r = pg_exec(w,
                "UPDATE assessments SET answers = $2, version = version + 1, updated_at = $3"
                " WHERE id = $1",
                &p, NULL);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_assessment_save(&e, a->id, a->text, a->expected_version + 1, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_assessment_save(struct store *s, const char *id, int expected_version, const char *answers,
                       const char *actor, int64_t now)
{
    struct as_job j = {.id = id,
                       .text = answers,
                       .actor = actor,
                       .expected_version = expected_version,
                       .now = now};
    return pg_submit(PG(s), as_save_run, &j);
}

static int as_submit_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct as_job *a = arg;
    struct pg_params p;
    char overall[32];
    int r = as_check_draft(w, a->id, a->expected_version);
    if (r)
        return r;
    /* %.17g round-trips a double exactly; SQLite stores a NaN as NULL (sqlite3_bind_double),
     * which reads back as "no overall score": so do we */
    snprintf(overall, sizeof(overall), "%.17g", a->overall);
    pg_params_init(&p);
    p_str(&p, a->id);
    p_str(&p, a->text);
    pg_p_text(&p, isnan(a->overall) ? NULL : overall);
    pg_p_int(&p, a->now);
    p_str(&p, a->actor);
    r = pg_exec(w,
                "UPDATE assessments SET scores = $2, overall = $3::float8, status = 'submitted',"
                " version = version + 1, updated_at = $4, submitted_at = $4, submitted_by = $5"
                " WHERE id = $1",
                &p, NULL);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_assessment_submit(&e, a->id, a->text, a->overall, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_assessment_submit(struct store *s, const char *id, int expected_version, const char *scores,
                         double overall, const char *actor, int64_t now)
{
    struct as_job j = {.id = id,
                       .text = scores,
                       .actor = actor,
                       .overall = overall,
                       .expected_version = expected_version,
                       .now = now};
    return pg_submit(PG(s), as_submit_run, &j);
}

int pg_assessment_peers(struct store *s, const char *framework_id, const char *exclude_org_id,
                        struct peer_rows *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    p_str(&p, framework_id);
    p_str(&p, exclude_org_id);
    struct pg_conn *c = pg_read_get(PG(s));
    /* the latest submission per organisation: ROW_NUMBER over submitted_at, ties by id */
    int rc = pg_exec(c,
                     "SELECT org_id, sector, size_band, scores FROM (SELECT a.org_id, o.sector,"
                     " o.size_band, a.scores, ROW_NUMBER() OVER (PARTITION BY a.org_id"
                     " ORDER BY a.submitted_at DESC, a.id DESC) AS rn FROM assessments a"
                     " JOIN organizations o ON o.id = a.org_id WHERE a.framework_id = $1"
                     " AND a.status = 'submitted' AND a.org_id <> $2) AS latest WHERE rn = 1"
                     " ORDER BY org_id",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    out->n = (size_t)PQntuples(r);
    out->items = out->n ? xcalloc(out->n, sizeof(*out->items)) : NULL;
    for (size_t i = 0; i < out->n; i++) {
        struct peer_row *row = &out->items[i];
        pg_copy(r, (int)i, 0, row->org_id, sizeof(row->org_id));
        pg_copy(r, (int)i, 1, row->sector, sizeof(row->sector));
        pg_copy(r, (int)i, 2, row->size_band, sizeof(row->size_band));
        row->scores = pg_dup(r, (int)i, 3);
    }
    PQclear(r);
    return STORE_OK;
}

/* ---- organisation documents ---- */

#define DOC_COLS "id, org_id, kind, version, created_by, created_at, updated_at"

static void doc_row(const PGresult *r, int i, void *out)
{
    struct orgdoc_rec *d = out;
    memset(d, 0, sizeof(*d));
    pg_copy(r, i, 0, d->id, sizeof(d->id));
    pg_copy(r, i, 1, d->org_id, sizeof(d->org_id));
    pg_copy(r, i, 2, d->kind, sizeof(d->kind));
    d->version = (int)pg_int(r, i, 3);
    pg_copy(r, i, 4, d->created_by, sizeof(d->created_by));
    d->created_at = pg_int(r, i, 5);
    d->updated_at = pg_int(r, i, 6);
    d->body = pg_dup(r, i, 7);
}

struct doc_job {
    const struct orgdoc_rec *d;
    const char *id, *body, *actor;
    int expected_version;
    int64_t now;
};

static int doc_create_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct doc_job *a = arg;
    const struct orgdoc_rec *d = a->d;
    struct pg_params p;
    pg_params_init(&p);
    p_str(&p, d->id);
    p_str(&p, d->org_id);
    p_str(&p, d->kind);
    p_str(&p, d->body);
    p_str(&p, d->created_by);
    pg_p_int(&p, a->now);
    /* a foreign-key failure (no such organisation) is STORE_INVALID (pg_result_of) */
    int rc = pg_exec(w,
                     "INSERT INTO org_documents (id, org_id, kind, version, body, created_by,"
                     " created_at, updated_at) VALUES ($1,$2,$3,1,$4,$5,$6,$6)",
                     &p, NULL);
    if (rc)
        return rc;
    struct audit_rec e;
    store_audit_orgdoc_create(&e, d, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_orgdoc_create(struct store *s, const struct orgdoc_rec *d, const char *actor, int64_t now)
{
    struct doc_job j = {.d = d, .actor = actor, .now = now};
    return pg_submit(PG(s), doc_create_run, &j);
}

int pg_orgdoc_get(struct store *s, const char *id, struct orgdoc_rec *out)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, id);
    return pg_read_one(PG(s), "SELECT " DOC_COLS ", body FROM org_documents WHERE id = $1", &p,
                       doc_row, out);
}

int pg_orgdoc_list(struct store *s, const char *org_id, const char *kind, const char *after_id,
                   int limit, bool with_body, struct orgdoc_list *out)
{
    struct pg_params p;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    p_str(&p, org_id);
    p_str(&p, kind);
    pg_p_text_opt(&p, after_id);
    pg_p_int(&p, limit + 1);
    pg_p_int(&p, with_body);
    return pg_read_page(PG(s),
                        "SELECT " DOC_COLS ", CASE WHEN $5::bigint <> 0 THEN body END"
                        " FROM org_documents WHERE org_id = $1 AND kind = $2"
                        " AND ($3::text IS NULL OR id < $3) ORDER BY id DESC LIMIT $4",
                        &p, limit, sizeof(*out->items), doc_row, (void **)&out->items, &out->n,
                        &out->more);
}

static int doc_update_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct doc_job *a = arg;
    struct pg_params p;
    PGresult *r;
    char kind[24];
    pg_params_init(&p);
    p_str(&p, a->id);
    int rc = pg_exec(w, "SELECT version, kind FROM org_documents WHERE id = $1", &p, &r);
    if (rc)
        return rc;
    int version = PQntuples(r) ? (int)pg_int(r, 0, 0) : 0;
    if (PQntuples(r))
        pg_copy(r, 0, 1, kind, sizeof(kind));
    else
        rc = STORE_NOT_FOUND;
    PQclear(r);
    if (rc)
        return rc;
    if (version != a->expected_version)
        return STORE_CONFLICT;
    pg_params_init(&p);
    p_str(&p, a->id);
    p_str(&p, a->body);
    pg_p_int(&p, a->now);
    rc = pg_exec(w,
                 "UPDATE org_documents SET body = $2, version = version + 1, updated_at = $3"
                 " WHERE id = $1",
                 &p, NULL);
    if (rc)
        return rc;
    struct audit_rec e;
    store_audit_orgdoc_update(&e, a->id, kind, a->body, version + 1, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_orgdoc_update(struct store *s, const char *id, int expected_version, const char *body,
                     const char *actor, int64_t now)
{
    struct doc_job j = {
        .id = id, .body = body, .actor = actor, .expected_version = expected_version, .now = now};
    return pg_submit(PG(s), doc_update_run, &j);
}
