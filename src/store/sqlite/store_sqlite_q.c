/*
 * store_sqlite_q.c — the store operations for SQLite: reads on pooled connections, writes as
 * jobs on the group-commit writer (store_sqlite.c). Each write job also appends its audit entry.
 */
#include "store_sqlite_int.h"
#include "../store_int.h"

#define SQ(s) ((struct sq_store *)(s))

/* ---- row readers ---- */

static void read_org(sqlite3_stmt *st, struct org *o)
{
    memset(o, 0, sizeof(*o));
    sq_col_copy(st, 0, o->id, sizeof(o->id));
    sq_col_copy(st, 1, o->name_ja, sizeof(o->name_ja));
    sq_col_copy(st, 2, o->name_en, sizeof(o->name_en));
    sq_col_copy(st, 3, o->corporate_number, sizeof(o->corporate_number));
    sq_col_copy(st, 4, o->kind, sizeof(o->kind));
    sq_col_copy(st, 5, o->sector, sizeof(o->sector));
    sq_col_copy(st, 6, o->prefecture, sizeof(o->prefecture));
    o->listed = sqlite3_column_int(st, 7) != 0;
    o->created_at = sqlite3_column_int64(st, 8);
    sq_col_copy(st, 9, o->size_band, sizeof(o->size_band));
    sq_col_copy(st, 10, o->time_zone, sizeof(o->time_zone));
}

void sq_read_user(sqlite3_stmt *st, struct user *u)
{
    char role[16];
    memset(u, 0, sizeof(*u));
    sq_col_copy(st, 0, u->id, sizeof(u->id));
    sq_col_copy(st, 1, u->org_id, sizeof(u->org_id));
    sq_col_copy(st, 2, u->username, sizeof(u->username));
    sq_col_copy(st, 3, u->display_name, sizeof(u->display_name));
    sq_col_copy(st, 4, role, sizeof(role));
    u->role = auth_role_parse(role);
    sq_col_copy(st, 5, u->password_hash, sizeof(u->password_hash));
    u->disabled = sqlite3_column_int(st, 6) != 0;
    u->created_at = sqlite3_column_int64(st, 7);
    u->must_change_password = sqlite3_column_int(st, 8) != 0;
}

/* Columns as in SQ_REPORT_GET / SQ_REPORT_LIST / SQ_REPORT_VERSIONS. */
static void read_report(sqlite3_stmt *st, struct report_rec *r)
{
    memset(r, 0, sizeof(*r));
    sq_col_copy(st, 0, r->id, sizeof(r->id));
    sq_col_copy(st, 1, r->org_id, sizeof(r->org_id));
    r->version = sqlite3_column_int(st, 2);
    r->latest_version = sqlite3_column_int(st, 3);
    r->created_at = sqlite3_column_int64(st, 4);
    r->updated_at = sqlite3_column_int64(st, 5);
    r->version_created_at = sqlite3_column_int64(st, 6);
    sq_col_copy(st, 7, r->author_id, sizeof(r->author_id));
    sq_col_copy(st, 8, r->body_sha256, sizeof(r->body_sha256));
    sq_col_copy(st, 9, r->phase, sizeof(r->phase));
    sq_col_copy(st, 10, r->tlp, sizeof(r->tlp));
    r->drill = sqlite3_column_int(st, 11) != 0;
    sq_col_copy(st, 12, r->categories, sizeof(r->categories));
    r->summary = sq_col_dup(st, 13);
    r->change_summary = sq_col_dup(st, 14);
    r->body = sq_col_dup(st, 15);
    r->body_len = r->body ? (size_t)sqlite3_column_bytes(st, 15) : 0;
    r->withdrawn_at = sqlite3_column_int64(st, 16);
    r->withdrawn_reason = sq_col_dup(st, 17);
}

static void read_audit(sqlite3_stmt *st, struct audit_rec *a)
{
    memset(a, 0, sizeof(*a));
    a->seq = sqlite3_column_int64(st, 0);
    a->at = sqlite3_column_int64(st, 1);
    sq_col_copy(st, 2, a->actor, sizeof(a->actor));
    sq_col_copy(st, 3, a->action, sizeof(a->action));
    sq_col_copy(st, 4, a->object_type, sizeof(a->object_type));
    sq_col_copy(st, 5, a->object_id, sizeof(a->object_id));
    sq_col_copy(st, 6, a->detail, sizeof(a->detail));
    sq_col_copy(st, 7, a->payload_sha256, sizeof(a->payload_sha256));
    sq_col_copy(st, 8, a->prev_hash, sizeof(a->prev_hash));
    sq_col_copy(st, 9, a->hash, sizeof(a->hash));
}

/* Runs a single-row SELECT on a pooled connection: bind() binds, row() reads. */
static int read_one(struct sq_store *s, enum sq_stmt which, void (*bind)(sqlite3_stmt *, const void *),
                    const void *key, void (*row)(sqlite3_stmt *, void *), void *out)
{
    struct sq_conn *c = sq_read_get(s);
    sqlite3_stmt *st;
    int rc, r;
    if (!c)
        return STORE_UNAVAILABLE;
    st = sq_stmt(c, which);
    bind(st, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row(st, out);
        r = STORE_OK;
    } else {
        r = rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
    }
    sqlite3_reset(st);
    sq_read_put(s, c);
    return r;
}

static void bind_text1(sqlite3_stmt *st, const void *key)
{
    sq_bind_text(st, 1, key);
}

/* ---- organisations ---- */

struct org_job {
    const struct org *o;
    const char *actor;
    int64_t now;
};

static int org_create_run(struct sq_store *s, struct wjob *j)
{
    const struct org_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_ORG_INSERT);
    sq_bind_text(st, 1, a->o->id);
    sq_bind_text(st, 2, a->o->name_ja);
    sq_bind_text(st, 3, a->o->name_en);
    sq_bind_text_opt(st, 4, a->o->corporate_number);
    sq_bind_text(st, 5, a->o->kind);
    sq_bind_text(st, 6, a->o->sector);
    sq_bind_text_opt(st, 7, a->o->prefecture);
    sqlite3_bind_int(st, 8, a->o->listed);
    sqlite3_bind_int64(st, 9, a->now);
    sq_bind_text_opt(st, 10, a->o->size_band);
    sq_bind_text(st, 11, a->o->time_zone);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    struct audit_rec e;
    store_audit_org_create(&e, a->o, a->actor, a->now);
    return sq_audit_put(s, &e);
}

static int org_create(struct store *s, const struct org *o, const char *actor, int64_t now)
{
    struct org_job a = {o, actor, now};
    return sq_submit(SQ(s), org_create_run, &a);
}

static void org_row(sqlite3_stmt *st, void *out)
{
    read_org(st, out);
}

static int org_get(struct store *s, const char *id, struct org *out)
{
    return read_one(SQ(s), SQ_ORG_GET, bind_text1, id, org_row, out);
}

/* Reads one page of a cursor-paginated listing (statements bind ?1 filter, ?2 cursor, ?3
 * limit): asks for limit + 1 rows so *more can say whether another page exists. Rows are read
 * into an array of elem_size-byte elements. */
static int read_page(struct sq_store *s, enum sq_stmt which, const char *filter,
                     const char *after_id, int limit, size_t elem_size,
                     void (*row)(sqlite3_stmt *, void *), void **out, size_t *n, bool *more)
{
    struct sq_conn *c = sq_read_get(s);
    size_t cap = (size_t)limit + 1;
    char *items = xcalloc(cap, elem_size);
    int rc = SQLITE_DONE;
    *out = items;
    *n = 0;
    *more = false;
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, which);
    sq_bind_text_opt(st, 1, filter);
    sq_bind_text_opt(st, 2, after_id);
    sqlite3_bind_int(st, 3, limit + 1);
    while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        row(st, items + elem_size * (*n)++);
    sqlite3_reset(st);
    sq_read_put(s, c);
    *more = *n > (size_t)limit;
    if (*more)
        *n = (size_t)limit;
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

static int org_list(struct store *s, const char *after_id, int limit, struct org **out,
                    size_t *n, bool *more)
{
    return read_page(SQ(s), SQ_ORG_LIST, NULL, after_id, limit, sizeof(**out), org_row,
                     (void **)out, n, more);
}

/* ---- users ---- */

struct user_job {
    const struct user *u;
    const char *actor;
    int64_t now;
};

int sq_user_insert(struct sq_store *s, const struct user *u, int64_t now)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_USER_INSERT);
    sq_bind_text(st, 1, u->id);
    sq_bind_text(st, 2, u->org_id);
    sq_bind_text(st, 3, u->username);
    sq_bind_text(st, 4, u->display_name);
    sq_bind_text(st, 5, auth_role_name(u->role));
    sq_bind_text_opt(st, 6, u->password_hash);
    sqlite3_bind_int(st, 7, u->disabled);
    sqlite3_bind_int64(st, 8, now);
    sqlite3_bind_int(st, 9, u->must_change_password);
    int rc = sqlite3_step(st);
    /* a foreign-key failure means the organisation does not exist */
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    return STORE_OK;
}

static int user_create_run(struct sq_store *s, struct wjob *j)
{
    const struct user_job *a = j->arg;
    int r = sq_user_insert(s, a->u, a->now);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_user_create(&e, a->u, a->actor, a->now);
    return sq_audit_put(s, &e);
}

static int user_create(struct store *s, const struct user *u, const char *actor, int64_t now)
{
    struct user_job a = {u, actor, now};
    return sq_submit(SQ(s), user_create_run, &a);
}

static void user_row(sqlite3_stmt *st, void *out)
{
    sq_read_user(st, out);
}

static int user_get(struct store *s, const char *id, struct user *out)
{
    return read_one(SQ(s), SQ_USER_GET, bind_text1, id, user_row, out);
}

static int user_get_by_name(struct store *s, const char *username, struct user *out)
{
    return read_one(SQ(s), SQ_USER_GET_BY_NAME, bind_text1, username, user_row, out);
}

static int user_list(struct store *s, const char *org_id, const char *after_id, int limit,
                     struct user **out, size_t *n, bool *more)
{
    return read_page(SQ(s), SQ_USER_LIST, org_id, after_id, limit, sizeof(**out), user_row,
                     (void **)out, n, more);
}

static void bind_role(sqlite3_stmt *st, const void *key)
{
    sq_bind_text(st, 1, auth_role_name(*(const enum role *)key));
}

static void count_row(sqlite3_stmt *st, void *out)
{
    *(int64_t *)out = sqlite3_column_int64(st, 0);
}

static int user_count_role(struct store *s, enum role r, int64_t *n)
{
    return read_one(SQ(s), SQ_USER_COUNT_ROLE, bind_role, &r, count_row, n);
}

/* ---- tokens ---- */

struct token_job {
    const struct token_rec *t;
    const char *token_id, *owner;
    const char *actor;
    int64_t now;
};

static int token_create_run(struct sq_store *s, struct wjob *j)
{
    const struct token_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOKEN_INSERT);
    sq_bind_text(st, 1, a->t->id);
    sq_bind_text(st, 2, a->t->user_id);
    sqlite3_bind_blob(st, 3, a->t->hash, HASH_SHA256_LEN, SQLITE_STATIC);
    sq_bind_text(st, 4, a->t->name);
    sq_bind_text(st, 5, a->t->kind);
    sqlite3_bind_int64(st, 6, a->now);
    sqlite3_bind_int64(st, 7, a->t->expires_at);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    struct audit_rec e;
    store_audit_token_create(&e, a->t, a->actor, a->now);
    return sq_audit_put(s, &e);
}

static int token_create(struct store *s, const struct token_rec *t, const char *actor,
                        int64_t now)
{
    struct token_job a = {.t = t, .actor = actor, .now = now};
    return sq_submit(SQ(s), token_create_run, &a);
}

struct lookup_out {
    struct principal *p;
    int64_t expires, revoked;
    bool disabled;
};

static void bind_hash(sqlite3_stmt *st, const void *key)
{
    sqlite3_bind_blob(st, 1, key, HASH_SHA256_LEN, SQLITE_STATIC);
}

static void lookup_row(sqlite3_stmt *st, void *out)
{
    struct lookup_out *o = out;
    char role[16];
    memset(o->p, 0, sizeof(*o->p));
    sq_col_copy(st, 0, o->p->token_id, sizeof(o->p->token_id));
    o->expires = sqlite3_column_int64(st, 1);
    o->revoked = sqlite3_column_int64(st, 2);
    sq_col_copy(st, 3, o->p->user_id, sizeof(o->p->user_id));
    sq_col_copy(st, 4, o->p->org_id, sizeof(o->p->org_id));
    sq_col_copy(st, 5, o->p->username, sizeof(o->p->username));
    sq_col_copy(st, 6, role, sizeof(role));
    o->p->role = auth_role_parse(role);
    o->p->expires_at = o->expires;
    o->disabled = sqlite3_column_int(st, 7) != 0;
    /* a token from signing in with a password someone else set (issue 8.12) */
    const unsigned char *kind = sqlite3_column_text(st, 8);
    o->p->password_change_only = kind && !strcmp((const char *)kind, "setup");
    o->p->calendar_only = kind && !strcmp((const char *)kind, "calendar");
    /* a browser's cookie session (issue 12): "web", or "web-setup" before the password change */
    o->p->web_session = kind && !strncmp((const char *)kind, "web", 3);
    if (kind && !strcmp((const char *)kind, "web-setup"))
        o->p->password_change_only = true;
    o->p->signed_in = kind && (!strcmp((const char *)kind, "session") ||
                               !strcmp((const char *)kind, "setup") || o->p->web_session);
    o->p->last_used_at = sqlite3_column_int64(st, 9);
    o->p->two_factor_enabled = sqlite3_column_int(st, 10) != 0;
}

static int token_lookup(struct store *s, const unsigned char hash[HASH_SHA256_LEN], int64_t now,
                        struct principal *out)
{
    struct lookup_out o = {.p = out};
    int r = read_one(SQ(s), SQ_TOKEN_LOOKUP, bind_hash, hash, lookup_row, &o);
    return r ? r : store_token_usable(out, o.revoked, o.disabled, now);
}

static int token_revoke_run(struct sq_store *s, struct wjob *j)
{
    const struct token_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOKEN_REVOKE);
    sq_bind_text(st, 1, a->token_id);
    sq_bind_text_opt(st, 2, a->owner);
    sqlite3_bind_int64(st, 3, a->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    if (sqlite3_changes(s->w.db) == 0)
        return STORE_NOT_FOUND;
    struct audit_rec e;
    store_audit_token_revoke(&e, a->token_id, a->actor, a->now);
    return sq_audit_put(s, &e);
}

static int token_revoke(struct store *s, const char *token_id, const char *owner_user_id,
                        const char *actor, int64_t now)
{
    struct token_job a = {.token_id = token_id, .owner = owner_user_id, .actor = actor, .now = now};
    return sq_submit(SQ(s), token_revoke_run, &a);
}

static int token_list(struct store *s, const char *user_id, struct token_rec **out, size_t *n)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st;
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    st = sq_stmt(c, SQ_TOKEN_LIST);
    sq_bind_text(st, 1, user_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < 10000) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        struct token_rec *t = &(*out)[(*n)++];
        memset(t, 0, sizeof(*t));
        sq_col_copy(st, 0, t->id, sizeof(t->id));
        sq_col_copy(st, 1, t->user_id, sizeof(t->user_id));
        sq_col_copy(st, 2, t->name, sizeof(t->name));
        sq_col_copy(st, 3, t->kind, sizeof(t->kind));
        t->created_at = sqlite3_column_int64(st, 4);
        t->expires_at = sqlite3_column_int64(st, 5);
        t->revoked_at = sqlite3_column_int64(st, 6);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

/* ---- reports ---- */

struct report_job {
    const struct report_write *w;
    struct report_rec *out;
};

static void bind_version_meta(sqlite3_stmt *st, int first, const struct report_write *w)
{
    sq_bind_text_opt(st, first, w->phase);
    sq_bind_text_opt(st, first + 1, w->tlp);
    sqlite3_bind_int(st, first + 2, w->drill);
    sq_bind_text(st, first + 3, w->categories ? w->categories : ",");
    sq_bind_text_opt(st, first + 4, w->summary);
}

static int insert_version(struct sq_store *s, const struct report_write *w, int version)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_VERSION_INSERT);
    sq_bind_text(st, 1, w->id);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int64(st, 3, w->now_ms);
    sq_bind_text(st, 4, w->author_id);
    sq_bind_text(st, 5, w->body_sha256);
    bind_version_meta(st, 6, w);
    sq_bind_text_opt(st, 11, w->change_summary);
    sqlite3_bind_text(st, 12, w->body, (int)w->body_len, SQLITE_STATIC);
    return sq_result(sqlite3_step(st));
}

/* Looks the key up inside the write transaction. Returns 1 when a live record exists (with
 * *same set), 0 when none, <0 on error. */
static int idem_check(struct sq_store *s, const struct report_write *w, bool *same, char *id_out)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_IDEM_GET);
    sq_bind_text(st, 1, w->org_id);
    sq_bind_text(st, 2, w->idem_key);
    sqlite3_bind_int64(st, 3, w->now_ms);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        *same = h && !strcmp(h, w->body_sha256);
        sq_col_copy(st, 1, id_out, UUID_STR_LEN);
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : STORE_UNAVAILABLE;
}

static int replay_original(struct sq_store *s, const char *id, struct report_rec *out)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_REPORT_GET);
    sq_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, 1);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_report(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_REPLAYED : STORE_UNAVAILABLE;
}

static int report_create_run(struct sq_store *s, struct wjob *j)
{
    const struct report_job *a = j->arg;
    const struct report_write *w = a->w;
    sqlite3_stmt *st;
    int r;
    if (w->idem_key) {
        bool same = false;
        char prior[UUID_STR_LEN];
        r = idem_check(s, w, &same, prior);
        if (r < 0)
            return r;
        if (r == 1)
            return same ? replay_original(s, prior, a->out) : STORE_IDEM_MISMATCH;
    }
    st = sq_stmt(&s->w, SQ_INCIDENT_INSERT);
    sq_bind_text(st, 1, w->id);
    sq_bind_text(st, 2, w->org_id);
    sqlite3_bind_int64(st, 3, w->now_ms);
    sqlite3_bind_int64(st, 4, w->now_ms);
    bind_version_meta(st, 5, w);
    if ((r = sq_result(sqlite3_step(st))) || (r = insert_version(s, w, 1)))
        return r == STORE_EXISTS ? STORE_INVALID : r;
    if (w->idem_key) {
        st = sq_stmt(&s->w, SQ_IDEM_INSERT);
        sq_bind_text(st, 1, w->org_id);
        sq_bind_text(st, 2, w->idem_key);
        sq_bind_text(st, 3, w->body_sha256);
        sq_bind_text(st, 4, w->id);
        sqlite3_bind_int64(st, 5, w->now_ms + w->idem_retention_ms);
        if ((r = sq_result(sqlite3_step(st))))
            return r;
    }
    int counts[LEDGER_REINSTATE + 1];
    struct audit_rec e;
    if ((r = sq_ledger_apply(s, w, 1, LEDGER_ON_VERSION, counts)))
        return r;
    store_audit_report_version(&e, w, 1, counts);
    if ((r = sq_audit_put(s, &e)))
        return r;
    store_report_rec_from_write(w, 1, w->now_ms, a->out);
    return STORE_OK;
}

static int report_create(struct store *s, const struct report_write *w, struct report_rec *out)
{
    struct report_job a = {w, out};
    memset(out, 0, sizeof(*out));
    return sq_submit(SQ(s), report_create_run, &a);
}

static int report_amend_run(struct sq_store *s, struct wjob *j)
{
    const struct report_job *a = j->arg;
    const struct report_write *w = a->w;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_INCIDENT_GET_META);
    int rc, latest, r;
    int64_t created_at;

    sq_bind_text(st, 1, w->id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
    }
    bool same_org = !strcmp((const char *)sqlite3_column_text(st, 0), w->org_id);
    latest = sqlite3_column_int(st, 1);
    created_at = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    if (!same_org)
        return STORE_NOT_FOUND;
    if (latest != w->expected_version)
        return STORE_CONFLICT;
    if ((r = insert_version(s, w, latest + 1)))
        return r;
    st = sq_stmt(&s->w, SQ_INCIDENT_UPDATE);
    sq_bind_text(st, 1, w->id);
    sqlite3_bind_int64(st, 2, w->now_ms);
    sqlite3_bind_int(st, 3, latest + 1);
    bind_version_meta(st, 4, w);
    if ((r = sq_result(sqlite3_step(st))))
        return r;
    int counts[LEDGER_REINSTATE + 1];
    struct audit_rec e;
    if ((r = sq_ledger_apply(s, w, latest + 1, LEDGER_ON_VERSION, counts)))
        return r;
    store_audit_report_version(&e, w, latest + 1, counts);
    if ((r = sq_audit_put(s, &e)))
        return r;
    store_report_rec_from_write(w, latest + 1, created_at, a->out);
    return STORE_OK;
}

static int report_amend(struct store *s, const struct report_write *w, struct report_rec *out)
{
    struct report_job a = {w, out};
    memset(out, 0, sizeof(*out));
    return sq_submit(SQ(s), report_amend_run, &a);
}

static int report_get(struct store *s, const char *id, int version, struct report_rec *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st;
    int rc;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    st = sq_stmt(c, SQ_REPORT_GET);
    sq_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_report(st, out);
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
}

static int collect_reports(struct sq_store *s, sqlite3_stmt *st, struct sq_conn *c,
                           size_t limit, struct report_list *out)
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == limit) {
            out->more = true;
            break;
        }
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = xrealloc(out->items, cap * sizeof(*out->items));
        }
        read_report(st, &out->items[out->n++]);
    }
    sqlite3_reset(st);
    sq_read_put(s, c);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

static int report_list(struct store *s, const struct report_filter *f, struct report_list *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st;
    char needle[80];
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    st = sq_stmt(c, SQ_REPORT_LIST);
    sq_bind_text(st, 1, f->org_id);
    if (f->category) {
        snprintf(needle, sizeof(needle), ",%s,", f->category); /* exact: categories is ",a,b," */
        sqlite3_bind_text(st, 2, needle, -1, SQLITE_TRANSIENT);
    }
    sq_bind_text_opt(st, 3, f->phase);
    sqlite3_bind_int(st, 4, f->drill);
    sqlite3_bind_int64(st, 5, f->created_from);
    sqlite3_bind_int64(st, 6, f->created_before);
    sq_bind_text_opt(st, 7, f->after_id);
    sqlite3_bind_int(st, 8, f->limit + 1);
    return collect_reports(SQ(s), st, c, (size_t)f->limit, out);
}

static int report_versions(struct store *s, const char *id, struct report_list *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    st = sq_stmt(c, SQ_REPORT_VERSIONS);
    sq_bind_text(st, 1, id);
    int r = collect_reports(SQ(s), st, c, 100000, out);
    if (r == STORE_OK && out->n == 0)
        return STORE_NOT_FOUND;
    return r;
}

/* One row of SQ_REPORT_SCAN_LATEST; the body borrowed from the statement. */
static void read_scan_row(sqlite3_stmt *st, struct report_rec *r)
{
    memset(r, 0, sizeof(*r));
    sq_col_copy(st, 0, r->id, sizeof(r->id));
    sq_col_copy(st, 1, r->org_id, sizeof(r->org_id));
    r->version = r->latest_version = sqlite3_column_int(st, 2);
    r->created_at = sqlite3_column_int64(st, 3);
    r->updated_at = sqlite3_column_int64(st, 4);
    sq_col_copy(st, 5, r->tlp, sizeof(r->tlp));
    r->drill = sqlite3_column_int(st, 6) != 0;
    r->withdrawn_at = sqlite3_column_int64(st, 7);
    r->body = (char *)sqlite3_column_text(st, 8);
    r->body_len = r->body ? (size_t)sqlite3_column_bytes(st, 8) : 0;
}

static int report_scan_latest(struct store *s, int (*cb)(const struct report_rec *r, void *arg),
                              void *arg)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st;
    struct report_rec r;
    int rc, stop = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    st = sq_stmt(c, SQ_REPORT_SCAN_LATEST);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_scan_row(st, &r);
        stop = cb(&r, arg);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return stop || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* ---- audit ---- */

struct audit_job {
    const char *actor, *action, *otype, *oid, *detail;
    int64_t now;
};

static int audit_append_run(struct sq_store *s, struct wjob *j)
{
    const struct audit_job *a = j->arg;
    struct audit_rec e;
    store_audit_entry(&e, a->actor, a->action, a->otype, a->oid, a->detail, NULL, a->now);
    return sq_audit_put(s, &e);
}

static int audit_append(struct store *s, const char *actor, const char *action,
                        const char *object_type, const char *object_id, const char *detail,
                        int64_t now)
{
    struct audit_job a = {actor, action, object_type, object_id, detail, now};
    return sq_submit(SQ(s), audit_append_run, &a);
}

static int audit_scan(struct store *s, int64_t from_seq, int limit,
                      int (*cb)(const struct audit_rec *r, void *arg), void *arg)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st;
    struct audit_rec r;
    int rc, stop = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    st = sq_stmt(c, SQ_AUDIT_SCAN);
    sqlite3_bind_int64(st, 1, from_seq);
    sqlite3_bind_int(st, 2, limit);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_audit(st, &r);
        stop = cb(&r, arg);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return stop || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

static void audit_row(sqlite3_stmt *st, void *out)
{
    read_audit(st, out);
}

static void bind_none(sqlite3_stmt *st, const void *key)
{
    UNUSED(st);
    UNUSED(key);
}

static int audit_head(struct store *s, struct audit_rec *out)
{
    return read_one(SQ(s), SQ_AUDIT_HEAD, bind_none, NULL, audit_row, out);
}

/* ---- housekeeping, health, metrics ---- */

struct maint_job {
    int64_t now;
};

static int maintain_run(struct sq_store *s, struct wjob *j)
{
    const struct maint_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_IDEM_PURGE);
    sqlite3_bind_int64(st, 1, a->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    st = sq_stmt(&s->w, SQ_THR_PURGE); /* forgotten sign-in failures */
    sqlite3_bind_int64(st, 1, a->now);
    return sq_result(sqlite3_step(st));
}

static int maintain(struct store *s, int64_t now_ms)
{
    struct maint_job a = {now_ms};
    return sq_submit(SQ(s), maintain_run, &a);
}

static int ready(struct store *s)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc;
    if (!c)
        return STORE_UNAVAILABLE;
    rc = sqlite3_exec(c->db, "SELECT 1 FROM audit_log LIMIT 1", NULL, NULL, NULL);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_OK ? STORE_OK : STORE_UNAVAILABLE;
}

/* The file's PRAGMA user_version, which migrate() sets with each migration it applies. */
static int schema_version(struct store *s, int *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_ERROR;
    *out = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        (rc = sqlite3_step(st)) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

static const struct histo *commit_latency(struct store *s)
{
    return &SQ(s)->commit_hist;
}

static void stats(struct store *s, struct store_stats *out)
{
    out->commits = atomic_load(&SQ(s)->commits);
    out->writes = atomic_load(&SQ(s)->writes);
    out->failed_commits = atomic_load(&SQ(s)->failed_commits);
}

const struct store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close_store,
    .ready = ready,
    .maintain = maintain,
    .schema_version = schema_version,
    .org_create = org_create,
    .org_get = org_get,
    .org_list = org_list,
    .user_create = user_create,
    .user_get = user_get,
    .user_get_by_name = user_get_by_name,
    .user_list = user_list,
    .user_count_role = user_count_role,
    .org_members = sq_org_members,
    .user_write = sq_user_write,
    .user_password_set = sq_user_password_set,
    .throttle_secret = sq_throttle_secret,
    .throttle_get = sq_throttle_get,
    .throttle_fail = sq_throttle_fail,
    .throttle_clear = sq_throttle_clear,
    .token_create = token_create,
    .token_lookup = token_lookup,
    .token_revoke = token_revoke,
    .token_list = token_list,
    .report_create = report_create,
    .report_amend = report_amend,
    .report_get = report_get,
    .report_list = report_list,
    .report_versions = report_versions,
    .obligations_list = sq_obligations_list,
    .assessment_create = sq_assessment_create,
    .assessment_get = sq_assessment_get,
    .assessment_list = sq_assessment_list,
    .assessment_save = sq_assessment_save,
    .assessment_submit = sq_assessment_submit,
    .assessment_peers = sq_assessment_peers,
    .orgdoc_create = sq_orgdoc_create,
    .orgdoc_get = sq_orgdoc_get,
    .orgdoc_list = sq_orgdoc_list,
    .orgdoc_update = sq_orgdoc_update,
    .submit = sq_report_submit,
    .report_withdraw = sq_report_withdraw,
    .submissions_claim = sq_submissions_claim,
    .submissions_record = sq_submissions_record,
    .submissions_list = sq_submissions_list,
    .submission_get = sq_submission_get,
    .submission_history = sq_submission_history,
    .submission_fetched = sq_submission_fetched,
    .submission_receipt = sq_submission_receipt,
    .binding_set = sq_binding_set,
    .binding_list = sq_binding_list,
    .reminders_get = sq_reminders_get,
    .reminders_set = sq_reminders_set,
    .notifications_claim = sq_notifications_claim,
    .notifications_record = sq_notifications_record,
    .notifications_list = sq_notifications_list,
    .mail_claim = sq_mail_claim,
    .mail_record = sq_mail_record,
    .obligations_open = sq_obligations_open,
    .audit_append = audit_append,
    .audit_scan = audit_scan,
    .audit_head = audit_head,
    .audit_pins = sq_audit_pins,
    .reminders_scan = sq_reminders_scan,
    .commit_latency = commit_latency,
    .stats = stats,
    .inbox_list = sq_inbox_list,
    .request_create = sq_request_create,
    .request_get = sq_request_get,
    .requests_list = sq_requests_list,
    .token_touch = sq_token_touch,
    .server_key = sq_server_key,
    .totp_get = sq_totp_get,
    .totp_begin = sq_totp_begin,
    .totp_enable = sq_totp_enable,
    .totp_use_step = sq_totp_use_step,
    .totp_disable = sq_totp_disable,
    .recovery_use = sq_recovery_use,
    .recovery_set = sq_recovery_set,
    .draft_create = sq_draft_create,
    .draft_get = sq_draft_get,
    .draft_list = sq_draft_list,
    .draft_update = sq_draft_update,
    .draft_delete = sq_draft_delete,
    .report_scan_latest = report_scan_latest,
    .sighting_add = sq_sighting_add,
    .sighting_counts = sq_sighting_counts,
    .sighting_list_org = sq_sighting_list_org,
    .stats_scan = sq_stats_scan,
    .advisory_create = sq_advisory_create,
    .advisory_amend = sq_advisory_amend,
    .advisory_get = sq_advisory_get,
    .advisory_list = sq_advisory_list,
    .advisory_withdraw = sq_advisory_withdraw,
    .advisory_ack = sq_advisory_ack,
    .advisory_acks = sq_advisory_acks,
    .clearance_get = sq_clearance_get,
    .clearance_set = sq_clearance_set,
    .taxii_collection_put = sq_taxii_collection_put,
    .taxii_collection_get = sq_taxii_collection_get,
    .taxii_collection_list = sq_taxii_collection_list,
    .taxii_objects_add = sq_taxii_objects_add,
    .taxii_objects_query = sq_taxii_objects_query,
    .taxii_object_delete = sq_taxii_object_delete,
    .taxii_status_put = sq_taxii_status_put,
    .taxii_status_get = sq_taxii_status_get,
    .copy_tables = sq_copy_tables,
    .copy_scan = sq_copy_scan,
    .copy_load = sq_copy_load,
    .changes_wait = sq_changes_wait,
};
