/*
 * store_sqlite_advisory.c — advisories and users' clearances in SQLite (issue 13 items 1 and 2;
 * store.h). Mechanism only: who may read an advisory, which organisations are told and what
 * the notification says are decided above, in app/ (sharing/share_policy.h); this file writes
 * what it is given and re-checks, inside the write transaction, the preconditions the contract
 * names (the expected version, in force, the originating organisation).
 */
#include "store_sqlite_int.h"
#include "../store_int.h"

#define SQ(s) ((struct sq_store *)(s))

/* ---- reading ---- */

static void adv_row(sqlite3_stmt *st, struct advisory_rec *a)
{
    memset(a, 0, sizeof(*a));
    sq_col_copy(st, 0, a->id, sizeof(a->id));
    sq_col_copy(st, 1, a->org_id, sizeof(a->org_id));
    sq_col_copy(st, 2, a->author_id, sizeof(a->author_id));
    a->version = sqlite3_column_int(st, 3);
    a->latest_version = sqlite3_column_int(st, 4);
    sq_col_copy(st, 5, a->tlp, sizeof(a->tlp));
    sq_col_copy(st, 6, a->clearance, sizeof(a->clearance));
    a->audience = sq_col_dup(st, 7);
    a->title = sq_col_dup(st, 8);
    a->body = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : sq_col_dup(st, 9);
    sq_col_copy(st, 10, a->body_sha256, sizeof(a->body_sha256));
    a->created_at = sqlite3_column_int64(st, 11);
    a->updated_at = sqlite3_column_int64(st, 12);
    a->version_created_at = sqlite3_column_int64(st, 13);
    a->withdrawn_at = sqlite3_column_int64(st, 14);
    a->withdrawn_reason = sqlite3_column_type(st, 15) == SQLITE_NULL ? NULL : sq_col_dup(st, 15);
    a->acked_version = sqlite3_column_int(st, 16);
}

int sq_advisory_get(struct store *s, const char *id, int version, struct advisory_rec *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int r = STORE_NOT_FOUND;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_ADV_GET);
    sq_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, version);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        adv_row(st, out);
        r = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        r = STORE_UNAVAILABLE;
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return r;
}

int sq_advisory_list(struct store *s, const struct advisory_filter *f, struct advisory_list *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc, limit = f->limit > 0 ? f->limit : 1;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_ADV_LIST);
    sq_bind_text_opt(st, 1, f->after_id);
    sq_bind_text_opt(st, 2, f->ack_org_id);
    sqlite3_bind_int(st, 3, limit + 1); /* one more says whether another page exists */
    out->items = xcalloc((size_t)limit, sizeof(*out->items));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == (size_t)limit) {
            out->more = true;
            rc = SQLITE_DONE;
            break;
        }
        adv_row(st, &out->items[out->n++]);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    if (rc != SQLITE_DONE) {
        advisory_list_release(out);
        return STORE_UNAVAILABLE;
    }
    return STORE_OK;
}

int sq_advisory_acks(struct store *s, const char *id, struct advisory_ack **out, size_t *n)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_ADV_ACKS);
    sq_bind_text(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        struct advisory_ack *k = &(*out)[(*n)++];
        memset(k, 0, sizeof(*k));
        sq_col_copy(st, 0, k->org_id, sizeof(k->org_id));
        sq_col_copy(st, 1, k->user_id, sizeof(k->user_id));
        k->version = sqlite3_column_int(st, 2);
        k->at = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return STORE_UNAVAILABLE;
    }
    return STORE_OK;
}

/* ---- writing ---- */

struct adv_job {
    const struct advisory_write *w;
    const char *id, *org_id, *user_id, *reason, *actor;
    int version;
    int64_t now;
};

/* Writer: the advisory's organisation, latest version and withdrawal; STORE_NOT_FOUND. */
static int adv_state(struct sq_store *s, const char *id, char org[UUID_STR_LEN], int *latest,
                     int64_t *withdrawn)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_ADV_STATE);
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st), r = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        sq_col_copy(st, 0, org, UUID_STR_LEN);
        *latest = sqlite3_column_int(st, 1);
        *withdrawn = sqlite3_column_int64(st, 2);
        r = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        r = sq_result(rc);
    }
    sqlite3_reset(st);
    return r;
}

/* Writer: version `version` of w, its audit entry and its notifications. */
static int adv_version_put(struct sq_store *s, const struct advisory_write *w, int version)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_ADV_VERSION_INSERT);
    sq_bind_text(st, 1, w->id);
    sqlite3_bind_int(st, 2, version);
    sq_bind_text(st, 3, w->tlp);
    sq_bind_text(st, 4, w->clearance ? w->clearance : "");
    sq_bind_text(st, 5, w->audience);
    sq_bind_text(st, 6, w->title);
    sq_bind_text(st, 7, w->body);
    sq_bind_text(st, 8, w->body_sha256);
    sq_bind_text(st, 9, w->author_id);
    sqlite3_bind_int64(st, 10, w->now_ms);
    int r = sq_result(sqlite3_step(st));
    if (r)
        return r;
    struct audit_rec e;
    store_audit_advisory(&e, w->audit_action, w->id, version, w->tlp, w->body_sha256, w->author_id,
                         w->now_ms);
    r = sq_audit_put(s, &e);
    for (size_t i = 0; !r && i < w->nnotes; i++)
        r = sq_note_add(s, &w->notes[i], NULL);
    return r;
}

static int adv_create_run(struct sq_store *s, struct wjob *j)
{
    const struct adv_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_ADV_INSERT);
    sq_bind_text(st, 1, a->w->id);
    sq_bind_text(st, 2, a->w->org_id);
    sq_bind_text(st, 3, a->w->author_id);
    sqlite3_bind_int64(st, 4, a->w->now_ms);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    return adv_version_put(s, a->w, 1);
}

int sq_advisory_create(struct store *s, const struct advisory_write *w)
{
    struct adv_job a = {.w = w};
    return sq_submit(SQ(s), adv_create_run, &a);
}

static int adv_amend_run(struct sq_store *s, struct wjob *j)
{
    const struct adv_job *a = j->arg;
    char org[UUID_STR_LEN] = "";
    int latest = 0;
    int64_t withdrawn = 0;
    int r = adv_state(s, a->w->id, org, &latest, &withdrawn);
    if (r)
        return r;
    if (strcmp(org, a->w->org_id))
        return STORE_NOT_FOUND;
    if (withdrawn || latest != a->w->expected_version)
        return STORE_CONFLICT;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_ADV_BUMP);
    sq_bind_text(st, 1, a->w->id);
    sqlite3_bind_int(st, 2, latest + 1);
    sqlite3_bind_int64(st, 3, a->w->now_ms);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    if (!sqlite3_changes(s->w.db))
        return STORE_CONFLICT;
    return adv_version_put(s, a->w, latest + 1);
}

int sq_advisory_amend(struct store *s, const struct advisory_write *w)
{
    struct adv_job a = {.w = w};
    return sq_submit(SQ(s), adv_amend_run, &a);
}

static int adv_withdraw_run(struct sq_store *s, struct wjob *j)
{
    const struct adv_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_ADV_WITHDRAW);
    sq_bind_text(st, 1, a->id);
    sq_bind_text(st, 2, a->org_id);
    sqlite3_bind_int64(st, 3, a->now);
    sq_bind_text(st, 4, a->reason);
    sq_bind_text(st, 5, a->actor);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    if (!sqlite3_changes(s->w.db)) {
        char org[UUID_STR_LEN] = "";
        int latest = 0;
        int64_t withdrawn = 0;
        int r = adv_state(s, a->id, org, &latest, &withdrawn);
        if (r)
            return r;
        return strcmp(org, a->org_id) ? STORE_NOT_FOUND : STORE_CONFLICT;
    }
    struct audit_rec e;
    store_audit_advisory(&e, "advisory.withdraw", a->id, 0, NULL, NULL, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_advisory_withdraw(struct store *s, const char *id, const char *org_id, const char *reason,
                         const char *actor, int64_t now)
{
    struct adv_job a = {.id = id, .org_id = org_id, .reason = reason, .actor = actor, .now = now};
    return sq_submit(SQ(s), adv_withdraw_run, &a);
}

static int adv_ack_run(struct sq_store *s, struct wjob *j)
{
    const struct adv_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_ADV_ACK);
    sq_bind_text(st, 1, a->id);
    sq_bind_text(st, 2, a->org_id);
    sq_bind_text(st, 3, a->user_id);
    sqlite3_bind_int(st, 4, a->version);
    sqlite3_bind_int64(st, 5, a->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_NOT_FOUND : sq_result(rc);
    struct audit_rec e;
    store_audit_advisory(&e, "advisory.acknowledge", a->id, a->version, NULL, NULL, a->user_id,
                         a->now);
    return sq_audit_put(s, &e);
}

int sq_advisory_ack(struct store *s, const char *id, const char *org_id, const char *user_id,
                    int version, int64_t now)
{
    struct adv_job a = {
        .id = id, .org_id = org_id, .user_id = user_id, .version = version, .now = now};
    return sq_submit(SQ(s), adv_ack_run, &a);
}

/* ---- clearances ---- */

int sq_clearance_get(struct store *s, const char *user_id, struct clearance_rec *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int r = STORE_NOT_FOUND;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_CLR_GET);
    sq_bind_text(st, 1, user_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        xstrlcpy(out->user_id, user_id, sizeof(out->user_id));
        sq_col_copy(st, 0, out->level, sizeof(out->level));
        out->granted_at = sqlite3_column_int64(st, 1);
        out->expires_at = sqlite3_column_int64(st, 2);
        sq_col_copy(st, 3, out->granted_by, sizeof(out->granted_by));
        out->updated_at = sqlite3_column_int64(st, 4);
        r = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        r = STORE_UNAVAILABLE;
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return r;
}

struct clr_job {
    const struct clearance_rec *c;
    const char *actor;
    int64_t now;
};

static int clr_set_run(struct sq_store *s, struct wjob *j)
{
    const struct clr_job *a = j->arg;
    sqlite3_stmt *st;
    int rc;
    if (!a->c->level[0]) {
        st = sq_stmt(&s->w, SQ_CLR_DEL);
        sq_bind_text(st, 1, a->c->user_id);
        rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            return sq_result(rc);
        if (!sqlite3_changes(s->w.db))
            return STORE_NOT_FOUND;
    } else {
        st = sq_stmt(&s->w, SQ_CLR_PUT);
        sq_bind_text(st, 1, a->c->user_id);
        sq_bind_text(st, 2, a->c->level);
        sqlite3_bind_int64(st, 3, a->c->granted_at);
        sqlite3_bind_int64(st, 4, a->c->expires_at);
        sq_bind_text(st, 5, a->actor ? a->actor : "system");
        sqlite3_bind_int64(st, 6, a->now);
        rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    }
    struct audit_rec e;
    store_audit_clearance(&e, a->c, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_clearance_set(struct store *s, const struct clearance_rec *c, const char *actor, int64_t now)
{
    struct clr_job a = {c, actor, now};
    return sq_submit(SQ(s), clr_set_run, &a);
}
