/*
 * store_sqlite_assess.c — maturity self-assessments and organisation documents (assets, loss
 * scenarios, simulation results) for the SQLite backend. Writes are writer-thread jobs that
 * check the optimistic-concurrency precondition and append their audit entry in the same
 * transaction; reads use pooled connections.
 */
#include "store_sqlite_int.h"

#define SQ(s) ((struct sq_store *)(s))

/* ---- row readers ---- */

static void read_assessment(sqlite3_stmt *st, struct assessment_rec *a)
{
    memset(a, 0, sizeof(*a));
    sq_col_copy(st, 0, a->id, sizeof(a->id));
    sq_col_copy(st, 1, a->org_id, sizeof(a->org_id));
    sq_col_copy(st, 2, a->framework_id, sizeof(a->framework_id));
    sq_col_copy(st, 3, a->framework_version, sizeof(a->framework_version));
    sq_col_copy(st, 4, a->period, sizeof(a->period));
    sq_col_copy(st, 5, a->status, sizeof(a->status));
    a->version = sqlite3_column_int(st, 6);
    sq_col_copy(st, 7, a->created_by, sizeof(a->created_by));
    a->created_at = sqlite3_column_int64(st, 8);
    a->updated_at = sqlite3_column_int64(st, 9);
    sq_col_copy(st, 10, a->submitted_by, sizeof(a->submitted_by));
    a->submitted_at = sqlite3_column_int64(st, 11);
    a->overall = sqlite3_column_type(st, 12) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 12);
    a->answers = sq_col_dup(st, 13);
    a->scores = sq_col_dup(st, 14);
}

static void read_orgdoc(sqlite3_stmt *st, struct orgdoc_rec *d)
{
    memset(d, 0, sizeof(*d));
    sq_col_copy(st, 0, d->id, sizeof(d->id));
    sq_col_copy(st, 1, d->org_id, sizeof(d->org_id));
    sq_col_copy(st, 2, d->kind, sizeof(d->kind));
    d->version = sqlite3_column_int(st, 3);
    sq_col_copy(st, 4, d->created_by, sizeof(d->created_by));
    d->created_at = sqlite3_column_int64(st, 5);
    d->updated_at = sqlite3_column_int64(st, 6);
    d->body = sq_col_dup(st, 7);
}

/* Runs a single-row SELECT keyed by id on a pooled connection. */
static int get_by_id(struct sq_store *s, enum sq_stmt which, const char *id,
                     void (*row)(sqlite3_stmt *, void *), void *out)
{
    struct sq_conn *c = sq_read_get(s);
    int rc;
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, which);
    sq_bind_text(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row(st, out);
    sqlite3_reset(st);
    sq_read_put(s, c);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
}

static void as_row(sqlite3_stmt *st, void *out)
{
    read_assessment(st, out);
}

static void doc_row(sqlite3_stmt *st, void *out)
{
    read_orgdoc(st, out);
}

/* ---- assessments ---- */

struct as_job {
    const struct assessment_rec *a;
    const char *id, *text, *actor;
    int expected_version;
    double overall;
    int64_t now;
};

static int as_create_run(struct sq_store *s, struct wjob *j)
{
    const struct as_job *a = j->arg;
    const struct assessment_rec *r = a->a;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_AS_INSERT);
    sq_bind_text(st, 1, r->id);
    sq_bind_text(st, 2, r->org_id);
    sq_bind_text(st, 3, r->framework_id);
    sq_bind_text(st, 4, r->framework_version);
    sq_bind_text(st, 5, r->period);
    sq_bind_text(st, 6, r->answers ? r->answers : "{}");
    sq_bind_text(st, 7, r->created_by);
    sqlite3_bind_int64(st, 8, a->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    struct audit_rec e;
    store_audit_assessment_create(&e, r, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_assessment_create(struct store *s, const struct assessment_rec *a, const char *actor,
                         int64_t now)
{
    struct as_job j = {.a = a, .actor = actor, .now = now};
    return sq_submit(SQ(s), as_create_run, &j);
}

int sq_assessment_get(struct store *s, const char *id, struct assessment_rec *out)
{
    return get_by_id(SQ(s), SQ_AS_GET, id, as_row, out);
}

int sq_assessment_list(struct store *s, const char *org_id, const char *framework_id,
                       const char *after_id, int limit, struct assessment_list *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    size_t cap = (size_t)limit + 1;
    int rc = SQLITE_DONE;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    out->items = xcalloc(cap, sizeof(*out->items));
    sqlite3_stmt *st = sq_stmt(c, SQ_AS_LIST);
    sq_bind_text(st, 1, org_id);
    sq_bind_text_opt(st, 2, framework_id);
    sq_bind_text_opt(st, 3, after_id);
    sqlite3_bind_int(st, 4, limit + 1);
    while (out->n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        read_assessment(st, &out->items[out->n++]);
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    out->more = out->n > (size_t)limit;
    if (out->more) /* the look-ahead row only says another page exists */
        assessment_rec_release(&out->items[--out->n]);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

/* Writer thread: the draft precondition shared by save and submit. */
static int as_check_draft(struct sq_store *s, const char *id, int expected_version)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_AS_STATE);
    int r;
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *status = sqlite3_column_text(st, 0);
        bool draft = status && strcmp((const char *)status, "draft") == 0;
        r = draft && sqlite3_column_int(st, 1) == expected_version ? STORE_OK : STORE_CONFLICT;
    } else {
        r = rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
    }
    sqlite3_reset(st);
    return r;
}

static int as_save_run(struct sq_store *s, struct wjob *j)
{
    const struct as_job *a = j->arg;
    int r = as_check_draft(s, a->id, a->expected_version);
    if (r != STORE_OK)
        return r;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_AS_SAVE);
    sq_bind_text(st, 1, a->id);
    sq_bind_text(st, 2, a->text);
    sqlite3_bind_int64(st, 3, a->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    struct audit_rec e;
    store_audit_assessment_save(&e, a->id, a->text, a->expected_version + 1, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_assessment_save(struct store *s, const char *id, int expected_version,
                       const char *answers, const char *actor, int64_t now)
{
    struct as_job j = {.id = id, .text = answers, .actor = actor,
                       .expected_version = expected_version, .now = now};
    return sq_submit(SQ(s), as_save_run, &j);
}

static int as_submit_run(struct sq_store *s, struct wjob *j)
{
    const struct as_job *a = j->arg;
    int r = as_check_draft(s, a->id, a->expected_version);
    if (r != STORE_OK)
        return r;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_AS_SUBMIT);
    sq_bind_text(st, 1, a->id);
    sq_bind_text(st, 2, a->text);
    sqlite3_bind_double(st, 3, a->overall);
    sqlite3_bind_int64(st, 4, a->now);
    sq_bind_text(st, 5, a->actor);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    struct audit_rec e;
    store_audit_assessment_submit(&e, a->id, a->text, a->overall, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_assessment_submit(struct store *s, const char *id, int expected_version,
                         const char *scores, double overall, const char *actor, int64_t now)
{
    struct as_job j = {.id = id, .text = scores, .actor = actor, .overall = overall,
                       .expected_version = expected_version, .now = now};
    return sq_submit(SQ(s), as_submit_run, &j);
}

int sq_assessment_peers(struct store *s, const char *framework_id, const char *exclude_org_id,
                        struct peer_rows *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    size_t cap = 0;
    int rc;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_AS_PEERS);
    sq_bind_text(st, 1, framework_id);
    sq_bind_text(st, 2, exclude_org_id ? exclude_org_id : "");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            out->items = xrealloc(out->items, cap * sizeof(*out->items));
        }
        struct peer_row *p = &out->items[out->n++];
        memset(p, 0, sizeof(*p));
        sq_col_copy(st, 0, p->org_id, sizeof(p->org_id));
        sq_col_copy(st, 1, p->sector, sizeof(p->sector));
        sq_col_copy(st, 2, p->size_band, sizeof(p->size_band));
        p->scores = sq_col_dup(st, 3);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    if (rc != SQLITE_DONE) {
        peer_rows_release(out);
        return STORE_UNAVAILABLE;
    }
    return STORE_OK;
}

/* ---- organisation documents ---- */

struct doc_job {
    const struct orgdoc_rec *d;
    const char *id, *body, *actor;
    int expected_version;
    int64_t now;
};

static int doc_create_run(struct sq_store *s, struct wjob *j)
{
    const struct doc_job *a = j->arg;
    const struct orgdoc_rec *d = a->d;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_DOC_INSERT);
    sq_bind_text(st, 1, d->id);
    sq_bind_text(st, 2, d->org_id);
    sq_bind_text(st, 3, d->kind);
    sq_bind_text(st, 4, d->body);
    sq_bind_text(st, 5, d->created_by);
    sqlite3_bind_int64(st, 6, a->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    struct audit_rec e;
    store_audit_orgdoc_create(&e, d, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_orgdoc_create(struct store *s, const struct orgdoc_rec *d, const char *actor, int64_t now)
{
    struct doc_job j = {.d = d, .actor = actor, .now = now};
    return sq_submit(SQ(s), doc_create_run, &j);
}

int sq_orgdoc_get(struct store *s, const char *id, struct orgdoc_rec *out)
{
    return get_by_id(SQ(s), SQ_DOC_GET, id, doc_row, out);
}

int sq_orgdoc_list(struct store *s, const char *org_id, const char *kind, const char *after_id,
                   int limit, bool with_body, struct orgdoc_list *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    size_t cap = (size_t)limit + 1;
    int rc = SQLITE_DONE;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    out->items = xcalloc(cap, sizeof(*out->items));
    sqlite3_stmt *st = sq_stmt(c, SQ_DOC_LIST);
    sq_bind_text(st, 1, org_id);
    sq_bind_text(st, 2, kind);
    sq_bind_text_opt(st, 3, after_id);
    sqlite3_bind_int(st, 4, limit + 1);
    sqlite3_bind_int(st, 5, with_body);
    while (out->n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        read_orgdoc(st, &out->items[out->n++]);
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    out->more = out->n > (size_t)limit;
    if (out->more) /* the look-ahead row only says another page exists */
        orgdoc_rec_release(&out->items[--out->n]);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

static int doc_update_run(struct sq_store *s, struct wjob *j)
{
    const struct doc_job *a = j->arg;
    char kind[24] = "";
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_DOC_STATE);
    sq_bind_text(st, 1, a->id);
    int rc = sqlite3_step(st), version = 0;
    if (rc == SQLITE_ROW) {
        version = sqlite3_column_int(st, 0);
        sq_col_copy(st, 2, kind, sizeof(kind));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
    if (version != a->expected_version)
        return STORE_CONFLICT;
    st = sq_stmt(&s->w, SQ_DOC_UPDATE);
    sq_bind_text(st, 1, a->id);
    sq_bind_text(st, 2, a->body);
    sqlite3_bind_int64(st, 3, a->now);
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    struct audit_rec e;
    store_audit_orgdoc_update(&e, a->id, kind, a->body, version + 1, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_orgdoc_update(struct store *s, const char *id, int expected_version, const char *body,
                     const char *actor, int64_t now)
{
    struct doc_job j = {.id = id, .body = body, .actor = actor,
                        .expected_version = expected_version, .now = now};
    return sq_submit(SQ(s), doc_update_run, &j);
}
