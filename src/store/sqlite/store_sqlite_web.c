/*
 * store_sqlite_web.c — what the web UI (issue 12) stores in SQLite: a token's last use (the
 * quiet period of cookie sessions), the server key sealing TOTP secrets, TOTP enrolments with
 * the newest accepted time step, recovery-code hashes, and drafts. Decisions (whether a code
 * is right, whether a session is too quiet, who may read a draft) are made above, in app/;
 * this file re-checks the preconditions the contract names inside the write transaction.
 */
#include "store_sqlite_int.h"
#include "../store_int.h"

#define SQ(s) ((struct sq_store *)(s))

/* The step of a write job's changed-row count: none is conflict (or not found). */
static int changed_or(struct sq_store *s, int rc, int none)
{
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    return sqlite3_changes(s->w.db) ? STORE_OK : none;
}

static int audit_2fa(struct sq_store *s, const char *action, const char *user_id, const char *actor,
                     int64_t now)
{
    struct audit_rec e;
    store_audit_two_factor(&e, action, user_id, actor, now);
    return sq_audit_put(s, &e);
}

/* ---- tokens, server keys ---- */

struct touch_job {
    const char *id;
    int64_t now;
};

static int touch_run(struct sq_store *s, struct wjob *j)
{
    const struct touch_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOKEN_TOUCH);
    sq_bind_text(st, 1, a->id);
    sqlite3_bind_int64(st, 2, a->now);
    return sq_result(sqlite3_step(st));
}

int sq_token_touch(struct store *s, const char *token_id, int64_t now)
{
    struct touch_job a = {token_id, now};
    return sq_submit(SQ(s), touch_run, &a);
}

int sq_server_key(struct store *s, const char *name, unsigned char out[32])
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int r = STORE_NOT_FOUND;
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_KEY_GET);
    sq_bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
        memcpy(out, sqlite3_column_blob(st, 0), 32);
        r = STORE_OK;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        r = STORE_UNAVAILABLE;
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return r;
}

/* ---- TOTP and recovery codes ---- */

int sq_totp_get(struct store *s, const char *user_id, struct totp_rec *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int r = STORE_NOT_FOUND;
    if (!c)
        return STORE_UNAVAILABLE;
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *st = sq_stmt(c, SQ_TOTP_GET);
    sq_bind_text(st, 1, user_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        xstrlcpy(out->user_id, user_id, sizeof(out->user_id));
        out->sealed_len = (size_t)MIN(n, STORE_SEALED_MAX);
        if (n > 0)
            memcpy(out->sealed, sqlite3_column_blob(st, 0), out->sealed_len);
        out->created_at = sqlite3_column_int64(st, 1);
        out->enabled_at = sqlite3_column_int64(st, 2);
        out->last_step = sqlite3_column_int64(st, 3);
        r = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        r = STORE_UNAVAILABLE;
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return r;
}

struct totp_job {
    const struct totp_rec *t;
    const char *user_id, *actor;
    const struct recovery_set *codes;
    const unsigned char *hash;
    int64_t step, now;
};

static int begin_run(struct sq_store *s, struct wjob *j)
{
    const struct totp_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOTP_PUT);
    sq_bind_text(st, 1, a->t->user_id);
    sqlite3_bind_blob(st, 2, a->t->sealed, (int)a->t->sealed_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->now);
    int rc = sqlite3_step(st);
    int r = rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : changed_or(s, rc, STORE_CONFLICT);
    return r ? r : audit_2fa(s, "two_factor.begin", a->t->user_id, NULL, a->now);
}

int sq_totp_begin(struct store *s, const struct totp_rec *t, int64_t now)
{
    struct totp_job a = {.t = t, .now = now};
    return sq_submit(SQ(s), begin_run, &a);
}

/* Writer: the user's recovery codes become codes. */
static int codes_put(struct sq_store *s, const char *user_id, const struct recovery_set *codes)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_RC_DEL);
    sq_bind_text(st, 1, user_id);
    int r = sq_result(sqlite3_step(st));
    for (size_t i = 0; !r && i < codes->n; i++) {
        st = sq_stmt(&s->w, SQ_RC_INSERT);
        sq_bind_text(st, 1, user_id);
        sqlite3_bind_blob(st, 2, codes->hash[i], HASH_SHA256_LEN, SQLITE_STATIC);
        r = sq_result(sqlite3_step(st));
    }
    return r;
}

static int enable_run(struct sq_store *s, struct wjob *j)
{
    const struct totp_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOTP_ENABLE);
    sq_bind_text(st, 1, a->user_id);
    sqlite3_bind_int64(st, 2, a->now);
    sqlite3_bind_int64(st, 3, a->step);
    int r = changed_or(s, sqlite3_step(st), STORE_CONFLICT);
    if (!r)
        r = codes_put(s, a->user_id, a->codes);
    return r ? r : audit_2fa(s, "two_factor.enable", a->user_id, NULL, a->now);
}

int sq_totp_enable(struct store *s, const char *user_id, int64_t step,
                   const struct recovery_set *codes, int64_t now)
{
    struct totp_job a = {.user_id = user_id, .step = step, .codes = codes, .now = now};
    return sq_submit(SQ(s), enable_run, &a);
}

static int step_run(struct sq_store *s, struct wjob *j)
{
    const struct totp_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOTP_STEP);
    sq_bind_text(st, 1, a->user_id);
    sqlite3_bind_int64(st, 2, a->step);
    return changed_or(s, sqlite3_step(st), STORE_CONFLICT);
}

int sq_totp_use_step(struct store *s, const char *user_id, int64_t step)
{
    struct totp_job a = {.user_id = user_id, .step = step};
    return sq_submit(SQ(s), step_run, &a);
}

static int disable_run(struct sq_store *s, struct wjob *j)
{
    const struct totp_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOTP_DEL);
    sq_bind_text(st, 1, a->user_id);
    int r = changed_or(s, sqlite3_step(st), STORE_NOT_FOUND);
    if (!r) {
        st = sq_stmt(&s->w, SQ_RC_DEL);
        sq_bind_text(st, 1, a->user_id);
        r = sq_result(sqlite3_step(st));
    }
    return r ? r : audit_2fa(s, "two_factor.disable", a->user_id, a->actor, a->now);
}

int sq_totp_disable(struct store *s, const char *user_id, const char *actor, int64_t now)
{
    struct totp_job a = {.user_id = user_id, .actor = actor, .now = now};
    return sq_submit(SQ(s), disable_run, &a);
}

static int use_run(struct sq_store *s, struct wjob *j)
{
    const struct totp_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_RC_USE);
    sq_bind_text(st, 1, a->user_id);
    sqlite3_bind_blob(st, 2, a->hash, HASH_SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->now);
    int r = changed_or(s, sqlite3_step(st), STORE_NOT_FOUND);
    return r ? r : audit_2fa(s, "two_factor.recovery_used", a->user_id, NULL, a->now);
}

int sq_recovery_use(struct store *s, const char *user_id, const unsigned char hash[HASH_SHA256_LEN],
                    int64_t now)
{
    struct totp_job a = {.user_id = user_id, .hash = hash, .now = now};
    return sq_submit(SQ(s), use_run, &a);
}

static int set_run(struct sq_store *s, struct wjob *j)
{
    const struct totp_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOTP_GET);
    sq_bind_text(st, 1, a->user_id);
    int rc = sqlite3_step(st);
    bool enabled = rc == SQLITE_ROW && sqlite3_column_int64(st, 2) > 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_result(rc);
    if (!enabled)
        return STORE_CONFLICT;
    int r = codes_put(s, a->user_id, a->codes);
    return r ? r : audit_2fa(s, "two_factor.recovery_codes", a->user_id, NULL, a->now);
}

int sq_recovery_set(struct store *s, const char *user_id, const struct recovery_set *codes,
                    int64_t now)
{
    struct totp_job a = {.user_id = user_id, .codes = codes, .now = now};
    return sq_submit(SQ(s), set_run, &a);
}

/* ---- drafts ---- */

static void draft_row(sqlite3_stmt *st, struct draft_rec *d)
{
    memset(d, 0, sizeof(*d));
    sq_col_copy(st, 0, d->id, sizeof(d->id));
    sq_col_copy(st, 1, d->org_id, sizeof(d->org_id));
    sq_col_copy(st, 2, d->author_id, sizeof(d->author_id));
    sq_col_copy(st, 3, d->title, sizeof(d->title));
    sq_col_copy(st, 4, d->incident_id, sizeof(d->incident_id));
    d->body = sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : sq_col_dup(st, 5);
    d->version = sqlite3_column_int(st, 6);
    d->created_at = sqlite3_column_int64(st, 7);
    d->updated_at = sqlite3_column_int64(st, 8);
}

struct draft_job {
    const struct draft_rec *d;
    const char *id, *actor;
    int expected;
    int64_t now;
};

static int draft_create_run(struct sq_store *s, struct wjob *j)
{
    const struct draft_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_DRAFT_INSERT);
    sq_bind_text(st, 1, a->d->id);
    sq_bind_text(st, 2, a->d->org_id);
    sq_bind_text(st, 3, a->d->author_id);
    sq_bind_text(st, 4, a->d->title);
    sq_bind_text_opt(st, 5, a->d->incident_id);
    sq_bind_text(st, 6, a->d->body);
    sqlite3_bind_int64(st, 7, a->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    struct audit_rec e;
    store_audit_draft(&e, "draft.create", a->d->id, 1, a->d->author_id, a->now);
    return sq_audit_put(s, &e);
}

int sq_draft_create(struct store *s, const struct draft_rec *d, int64_t now)
{
    struct draft_job a = {.d = d, .now = now};
    return sq_submit(SQ(s), draft_create_run, &a);
}

int sq_draft_get(struct store *s, const char *id, struct draft_rec *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int r = STORE_NOT_FOUND;
    if (!c)
        return STORE_UNAVAILABLE;
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *st = sq_stmt(c, SQ_DRAFT_GET);
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        draft_row(st, out);
        r = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        r = STORE_UNAVAILABLE;
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return r;
}

int sq_draft_list(struct store *s, const char *org_id, int limit, struct draft_rec **out, size_t *n)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc;
    *out = NULL;
    *n = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_DRAFT_LIST);
    sq_bind_text(st, 1, org_id);
    sqlite3_bind_int(st, 2, limit);
    if (limit > 0)
        *out = xcalloc((size_t)limit, sizeof(**out));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < (size_t)limit)
        draft_row(st, &(*out)[(*n)++]);
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

/* Writer: the draft's current version, or 0 when there is none. */
static int draft_version(struct sq_store *s, const char *id, int *version)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_DRAFT_VERSION);
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_result(rc);
}

static int draft_update_run(struct sq_store *s, struct wjob *j)
{
    const struct draft_job *a = j->arg;
    int current, r = draft_version(s, a->d->id, &current);
    if (r)
        return r;
    if (!current)
        return STORE_NOT_FOUND;
    if (current != a->expected)
        return STORE_CONFLICT;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_DRAFT_UPDATE);
    sq_bind_text(st, 1, a->d->id);
    sq_bind_text(st, 2, a->d->title);
    sq_bind_text_opt(st, 3, a->d->incident_id);
    sq_bind_text(st, 4, a->d->body);
    sqlite3_bind_int64(st, 5, a->now);
    sqlite3_bind_int(st, 6, a->expected);
    r = changed_or(s, sqlite3_step(st), STORE_CONFLICT);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_draft(&e, "draft.update", a->d->id, current + 1, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_draft_update(struct store *s, const struct draft_rec *d, int expected_version,
                    const char *actor, int64_t now)
{
    struct draft_job a = {.d = d, .expected = expected_version, .actor = actor, .now = now};
    return sq_submit(SQ(s), draft_update_run, &a);
}

static int draft_delete_run(struct sq_store *s, struct wjob *j)
{
    const struct draft_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_DRAFT_DELETE);
    sq_bind_text(st, 1, a->id);
    int r = changed_or(s, sqlite3_step(st), STORE_NOT_FOUND);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_draft(&e, "draft.delete", a->id, 0, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_draft_delete(struct store *s, const char *id, const char *actor, int64_t now)
{
    struct draft_job a = {.id = id, .actor = actor, .now = now};
    return sq_submit(SQ(s), draft_delete_run, &a);
}
