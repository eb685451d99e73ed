/*
 * store_pg_q.c — the store operations for PostgreSQL (issue 14, in progress): housekeeping,
 * organisations, users, API tokens, reports and the audit log. Reads on pooled connections,
 * writes as jobs on the group-commit writer (store_pg.c); each write job appends its audit
 * entry. The SQL and the semantics are store_sqlite_q.c's, in PostgreSQL's dialect.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* ---- helpers ---- */

/* Runs a query on a pooled connection: STORE_OK with *res (PQclear it), or the failure. */
int pg_read_query(struct pg_store *s, const char *sql, const struct pg_params *p, PGresult **res)
{
    struct pg_conn *c = pg_read_get(s);
    int rc = pg_exec(c, sql, p, res);
    pg_read_put(s, c);
    return rc;
}

/* A single-row read: row() fills out from row 0; STORE_NOT_FOUND without a row. */
int pg_read_one(struct pg_store *s, const char *sql, const struct pg_params *p,
                void (*row)(const PGresult *, int, void *), void *out)
{
    PGresult *r;
    int rc = pg_read_query(s, sql, p, &r);
    if (rc)
        return rc;
    if (PQntuples(r) > 0)
        row(r, 0, out);
    else
        rc = STORE_NOT_FOUND;
    PQclear(r);
    return rc;
}

/* A page of a cursor-paginated listing: the statement asked for limit + 1 rows, so *more can
 * say whether another page exists. */
int pg_read_page(struct pg_store *s, const char *sql, const struct pg_params *p, int limit,
                 size_t elem_size, void (*row)(const PGresult *, int, void *), void **out,
                 size_t *n, bool *more)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    *more = false;
    int rc = pg_read_query(s, sql, p, &r);
    if (rc)
        return rc;
    size_t rows = (size_t)PQntuples(r);
    *more = rows > (size_t)limit;
    *n = *more ? (size_t)limit : rows;
    char *items = xcalloc(*n + 1, elem_size);
    for (size_t i = 0; i < *n; i++)
        row(r, (int)i, items + elem_size * i);
    *out = items;
    PQclear(r);
    return STORE_OK;
}

/* ---- organisations ---- */

#define ORG_COLS                                                                                   \
    "id, name_ja, name_en, corporate_number, kind, sector, prefecture, listed, created_at,"        \
    " size_band, time_zone"

static void org_row(const PGresult *r, int i, void *out)
{
    struct org *o = out;
    memset(o, 0, sizeof(*o));
    pg_copy(r, i, 0, o->id, sizeof(o->id));
    pg_copy(r, i, 1, o->name_ja, sizeof(o->name_ja));
    pg_copy(r, i, 2, o->name_en, sizeof(o->name_en));
    pg_copy(r, i, 3, o->corporate_number, sizeof(o->corporate_number));
    pg_copy(r, i, 4, o->kind, sizeof(o->kind));
    pg_copy(r, i, 5, o->sector, sizeof(o->sector));
    pg_copy(r, i, 6, o->prefecture, sizeof(o->prefecture));
    o->listed = pg_bool(r, i, 7);
    o->created_at = pg_int(r, i, 8);
    pg_copy(r, i, 9, o->size_band, sizeof(o->size_band));
    pg_copy(r, i, 10, o->time_zone, sizeof(o->time_zone));
}

struct org_job {
    const struct org *o;
    const char *actor;
    int64_t now;
};

static int org_create_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct org_job *a = arg;
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, a->o->id);
    pg_p_text(&p, a->o->name_ja);
    pg_p_text(&p, a->o->name_en);
    pg_p_text_opt(&p, a->o->corporate_number);
    pg_p_text(&p, a->o->kind);
    pg_p_text(&p, a->o->sector);
    pg_p_text_opt(&p, a->o->prefecture);
    pg_p_int(&p, a->o->listed);
    pg_p_int(&p, a->now);
    pg_p_text_opt(&p, a->o->size_band);
    pg_p_text(&p, a->o->time_zone);
    int rc = pg_exec(w,
                     "INSERT INTO organizations (" ORG_COLS ")"
                     " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                     &p, NULL);
    if (rc)
        return rc;
    struct audit_rec e;
    store_audit_org_create(&e, a->o, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_org_create(struct store *s, const struct org *o, const char *actor, int64_t now)
{
    struct org_job a = {o, actor, now};
    return pg_submit(PG(s), org_create_run, &a);
}

int pg_org_get(struct store *s, const char *id, struct org *out)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, id);
    return pg_read_one(PG(s), "SELECT " ORG_COLS " FROM organizations WHERE id = $1", &p, org_row,
                       out);
}

int pg_org_list(struct store *s, const char *after_id, int limit, struct org **out, size_t *n,
                bool *more)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text_opt(&p, after_id);
    pg_p_int(&p, limit + 1);
    return pg_read_page(PG(s),
                        "SELECT " ORG_COLS " FROM organizations WHERE ($1::text IS NULL OR id > $1)"
                        " ORDER BY id LIMIT $2",
                        &p, limit, sizeof(**out), org_row, (void **)out, n, more);
}

/* ---- users ---- */

void pg_read_user(const PGresult *r, int i, struct user *u)
{
    char role[16];
    memset(u, 0, sizeof(*u));
    pg_copy(r, i, 0, u->id, sizeof(u->id));
    pg_copy(r, i, 1, u->org_id, sizeof(u->org_id));
    pg_copy(r, i, 2, u->username, sizeof(u->username));
    pg_copy(r, i, 3, u->display_name, sizeof(u->display_name));
    pg_copy(r, i, 4, role, sizeof(role));
    u->role = auth_role_parse(role);
    pg_copy(r, i, 5, u->password_hash, sizeof(u->password_hash));
    u->disabled = pg_bool(r, i, 6);
    u->created_at = pg_int(r, i, 7);
    u->must_change_password = pg_bool(r, i, 8);
}

static void user_row(const PGresult *r, int i, void *out)
{
    pg_read_user(r, i, out);
}

int pg_user_insert(struct pg_conn *w, const struct user *u, int64_t now)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, u->id);
    pg_p_text(&p, u->org_id);
    pg_p_text(&p, u->username);
    pg_p_text(&p, u->display_name);
    pg_p_text(&p, auth_role_name(u->role));
    pg_p_text_opt(&p, u->password_hash);
    pg_p_int(&p, u->disabled);
    pg_p_int(&p, now);
    pg_p_int(&p, u->must_change_password);
    /* a foreign-key failure (the organisation does not exist) is STORE_INVALID */
    return pg_exec(w, "INSERT INTO users (" PG_USER_COLS ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                   &p, NULL);
}

struct user_job {
    const struct user *u;
    const char *actor;
    int64_t now;
};

static int user_create_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct user_job *a = arg;
    int r = pg_user_insert(w, a->u, a->now);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_user_create(&e, a->u, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_user_create(struct store *s, const struct user *u, const char *actor, int64_t now)
{
    struct user_job a = {u, actor, now};
    return pg_submit(PG(s), user_create_run, &a);
}

int pg_user_get(struct store *s, const char *id, struct user *out)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, id);
    return pg_read_one(PG(s), "SELECT " PG_USER_COLS " FROM users WHERE id = $1", &p, user_row,
                       out);
}

int pg_user_get_by_name(struct store *s, const char *username, struct user *out)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, username);
    return pg_read_one(PG(s), "SELECT " PG_USER_COLS " FROM users WHERE username = $1", &p,
                       user_row, out);
}

int pg_user_list(struct store *s, const char *org_id, const char *after_id, int limit,
                 struct user **out, size_t *n, bool *more)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text_opt(&p, org_id);
    pg_p_text_opt(&p, after_id);
    pg_p_int(&p, limit + 1);
    return pg_read_page(PG(s),
                        "SELECT " PG_USER_COLS " FROM users WHERE ($1::text IS NULL OR org_id = $1)"
                        " AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3",
                        &p, limit, sizeof(**out), user_row, (void **)out, n, more);
}

static void count_row(const PGresult *r, int i, void *out)
{
    *(int64_t *)out = pg_int(r, i, 0);
}

int pg_user_count_role(struct store *s, enum role role, int64_t *n)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, auth_role_name(role));
    return pg_read_one(PG(s), "SELECT count(*) FROM users WHERE role = $1 AND disabled = 0", &p,
                       count_row, n);
}

/* ---- tokens ---- */

struct token_job {
    const struct token_rec *t;
    const char *token_id, *owner;
    const char *actor;
    int64_t now;
};

static int token_create_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct token_job *a = arg;
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, a->t->id);
    pg_p_text(&p, a->t->user_id);
    pg_p_bytea(&p, a->t->hash, HASH_SHA256_LEN);
    pg_p_text(&p, a->t->name);
    pg_p_text(&p, a->t->kind);
    pg_p_int(&p, a->now);
    pg_p_int(&p, a->t->expires_at);
    int rc = pg_exec(w,
                     "INSERT INTO api_tokens (id, user_id, token_hash, name, kind, created_at,"
                     " expires_at, revoked_at) VALUES ($1,$2,$3,$4,$5,$6,$7,0)",
                     &p, NULL);
    if (rc)
        return rc;
    struct audit_rec e;
    store_audit_token_create(&e, a->t, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_token_create(struct store *s, const struct token_rec *t, const char *actor, int64_t now)
{
    struct token_job a = {.t = t, .actor = actor, .now = now};
    return pg_submit(PG(s), token_create_run, &a);
}

struct lookup_out {
    struct principal *p;
    int64_t revoked;
    bool disabled;
};

static void lookup_row(const PGresult *r, int i, void *out)
{
    struct lookup_out *o = out;
    char role[16], kind[16];
    memset(o->p, 0, sizeof(*o->p));
    pg_copy(r, i, 0, o->p->token_id, sizeof(o->p->token_id));
    o->p->expires_at = pg_int(r, i, 1);
    o->revoked = pg_int(r, i, 2);
    pg_copy(r, i, 3, o->p->user_id, sizeof(o->p->user_id));
    pg_copy(r, i, 4, o->p->org_id, sizeof(o->p->org_id));
    pg_copy(r, i, 5, o->p->username, sizeof(o->p->username));
    pg_copy(r, i, 6, role, sizeof(role));
    o->p->role = auth_role_parse(role);
    o->disabled = pg_bool(r, i, 7);
    pg_copy(r, i, 8, kind, sizeof(kind));
    /* the kinds as store_sqlite_q.c reads them: a token from signing in with a password
     * someone else set (issue 8.12), a calendar feed, a browser's cookie session (issue 12) */
    o->p->password_change_only = !strcmp(kind, "setup") || !strcmp(kind, "web-setup");
    o->p->calendar_only = !strcmp(kind, "calendar");
    o->p->web_session = !strncmp(kind, "web", 3);
    o->p->signed_in = !strcmp(kind, "session") || !strcmp(kind, "setup") || o->p->web_session;
    o->p->last_used_at = pg_int(r, i, 9);
    o->p->two_factor_enabled = pg_bool(r, i, 10);
}

int pg_token_lookup(struct store *s, const unsigned char hash[HASH_SHA256_LEN], int64_t now,
                    struct principal *out)
{
    struct lookup_out o = {.p = out};
    struct pg_params p;
    pg_params_init(&p);
    pg_p_bytea(&p, hash, HASH_SHA256_LEN);
    int r = pg_read_one(PG(s),
                        "SELECT t.id, t.expires_at, t.revoked_at, u.id, u.org_id, u.username,"
                        " u.role, u.disabled, t.kind, greatest(t.created_at, t.last_used_at),"
                        " EXISTS (SELECT 1 FROM user_totp z WHERE z.user_id = u.id"
                        " AND z.enabled_at > 0) FROM api_tokens t"
                        " JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
                        &p, lookup_row, &o);
    return r ? r : store_token_usable(out, o.revoked, o.disabled, now);
}

static int token_revoke_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct token_job *a = arg;
    struct pg_params p;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, a->token_id);
    pg_p_text_opt(&p, a->owner);
    pg_p_int(&p, a->now);
    int rc = pg_exec_changes(w,
                             "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1"
                             " AND ($2::text IS NULL OR user_id = $2) AND revoked_at = 0",
                             &p, &changed);
    if (rc)
        return rc;
    if (!changed)
        return STORE_NOT_FOUND;
    struct audit_rec e;
    store_audit_token_revoke(&e, a->token_id, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_token_revoke(struct store *s, const char *token_id, const char *owner_user_id,
                    const char *actor, int64_t now)
{
    struct token_job a = {.token_id = token_id, .owner = owner_user_id, .actor = actor, .now = now};
    return pg_submit(PG(s), token_revoke_run, &a);
}

int pg_token_list(struct store *s, const char *user_id, struct token_rec **out, size_t *n)
{
    struct pg_params p;
    PGresult *r;
    *out = NULL;
    *n = 0;
    pg_params_init(&p);
    pg_p_text(&p, user_id);
    int rc = pg_read_query(PG(s),
                           "SELECT id, user_id, name, kind, created_at, expires_at, revoked_at"
                           " FROM api_tokens WHERE user_id = $1 ORDER BY id LIMIT 10000",
                           &p, &r);
    if (rc)
        return rc;
    *n = (size_t)PQntuples(r);
    *out = xcalloc(*n + 1, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        struct token_rec *t = &(*out)[i];
        pg_copy(r, (int)i, 0, t->id, sizeof(t->id));
        pg_copy(r, (int)i, 1, t->user_id, sizeof(t->user_id));
        pg_copy(r, (int)i, 2, t->name, sizeof(t->name));
        pg_copy(r, (int)i, 3, t->kind, sizeof(t->kind));
        t->created_at = pg_int(r, (int)i, 4);
        t->expires_at = pg_int(r, (int)i, 5);
        t->revoked_at = pg_int(r, (int)i, 6);
    }
    PQclear(r);
    return STORE_OK;
}

/* ---- reports ---- */

/* Columns as read_report reads them (the SELECTs of report_get, _list, _versions). */
static void read_report(const PGresult *r, int i, struct report_rec *o)
{
    memset(o, 0, sizeof(*o));
    pg_copy(r, i, 0, o->id, sizeof(o->id));
    pg_copy(r, i, 1, o->org_id, sizeof(o->org_id));
    o->version = (int)pg_int(r, i, 2);
    o->latest_version = (int)pg_int(r, i, 3);
    o->created_at = pg_int(r, i, 4);
    o->updated_at = pg_int(r, i, 5);
    o->version_created_at = pg_int(r, i, 6);
    pg_copy(r, i, 7, o->author_id, sizeof(o->author_id));
    pg_copy(r, i, 8, o->body_sha256, sizeof(o->body_sha256));
    pg_copy(r, i, 9, o->phase, sizeof(o->phase));
    pg_copy(r, i, 10, o->tlp, sizeof(o->tlp));
    o->drill = pg_bool(r, i, 11);
    pg_copy(r, i, 12, o->categories, sizeof(o->categories));
    o->summary = pg_dup(r, i, 13);
    o->change_summary = pg_dup(r, i, 14);
    o->body = pg_dup(r, i, 15);
    o->body_len = o->body ? (size_t)PQgetlength(r, i, 15) : 0;
    o->withdrawn_at = pg_int(r, i, 16);
    o->withdrawn_reason = pg_dup(r, i, 17);
}

#define REPORT_GET                                                                                 \
    "SELECT i.id, i.org_id, v.version, i.latest_version, i.created_at, i.updated_at,"              \
    " v.created_at, v.author_id, v.body_sha256, v.phase, v.tlp, v.drill, v.categories,"            \
    " v.summary, v.change_summary, v.body, i.withdrawn_at, i.withdrawn_reason"                     \
    " FROM incidents i JOIN report_versions v"                                                     \
    " ON v.incident_id = i.id AND v.version = (CASE WHEN $2::bigint > 0 THEN $2::bigint"           \
    " ELSE i.latest_version END) WHERE i.id = $1"

struct report_job {
    const struct report_write *w;
    struct report_rec *out;
};

static void p_version_meta(struct pg_params *p, const struct report_write *w)
{
    pg_p_text_opt(p, w->phase);
    pg_p_text_opt(p, w->tlp);
    pg_p_int(p, w->drill);
    pg_p_text(p, w->categories ? w->categories : ",");
    pg_p_text_opt(p, w->summary);
}

static int insert_version(struct pg_conn *c, const struct report_write *w, int version)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, w->id);
    pg_p_int(&p, version);
    pg_p_int(&p, w->now_ms);
    pg_p_text(&p, w->author_id);
    pg_p_text(&p, w->body_sha256);
    p_version_meta(&p, w);
    pg_p_text_opt(&p, w->change_summary);
    pg_p_textn(&p, w->body, w->body_len);
    return pg_exec(c,
                   "INSERT INTO report_versions (incident_id, version, created_at, author_id,"
                   " body_sha256, phase, tlp, drill, categories, summary, change_summary, body)"
                   " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
                   &p, NULL);
}

/* The key looked up inside the write transaction: 1 when a live record exists (*same set),
 * 0 when none, < 0 on error. */
static int idem_check(struct pg_conn *c, const struct report_write *w, bool *same, char *id_out)
{
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    pg_p_text(&p, w->org_id);
    pg_p_text(&p, w->idem_key);
    pg_p_int(&p, w->now_ms);
    int rc = pg_exec(c,
                     "SELECT request_sha256, incident_id FROM idempotency"
                     " WHERE org_id = $1 AND key = $2 AND expires_at > $3",
                     &p, &r);
    if (rc)
        return rc;
    int found = PQntuples(r) > 0;
    if (found) {
        *same = !strcmp(PQgetvalue(r, 0, 0), w->body_sha256);
        pg_copy(r, 0, 1, id_out, UUID_STR_LEN);
    }
    PQclear(r);
    return found;
}

static int replay_original(struct pg_conn *c, const char *id, struct report_rec *out)
{
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    pg_p_text(&p, id);
    pg_p_int(&p, 1);
    int rc = pg_exec(c, REPORT_GET, &p, &r);
    if (rc)
        return rc;
    rc = PQntuples(r) ? STORE_REPLAYED : STORE_UNAVAILABLE;
    if (rc == STORE_REPLAYED)
        read_report(r, 0, out);
    PQclear(r);
    return rc;
}

static int idem_insert(struct pg_conn *c, const struct report_write *w)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, w->org_id);
    pg_p_text(&p, w->idem_key);
    pg_p_text(&p, w->body_sha256);
    pg_p_text(&p, w->id);
    pg_p_int(&p, w->now_ms + w->idem_retention_ms);
    /* SQLite's INSERT OR REPLACE: an expired record of the same key is replaced */
    return pg_exec(c,
                   "INSERT INTO idempotency (org_id, key, request_sha256, incident_id,"
                   " expires_at) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (org_id, key) DO UPDATE SET"
                   " request_sha256 = excluded.request_sha256,"
                   " incident_id = excluded.incident_id, expires_at = excluded.expires_at",
                   &p, NULL);
}

/* The version's obligations and audit entry, then *out as written. */
static int version_written(struct pg_store *s, struct pg_conn *w, const struct report_job *a,
                           int version, int64_t created_at)
{
    int counts[LEDGER_REINSTATE + 1];
    struct audit_rec e;
    int r = pg_ledger_apply(s, w, a->w, version, LEDGER_ON_VERSION, counts);
    if (r)
        return r;
    store_audit_report_version(&e, a->w, version, counts);
    if ((r = pg_audit_put(s, &e)))
        return r;
    store_report_rec_from_write(a->w, version, created_at, a->out);
    return STORE_OK;
}

static int report_create_run(struct pg_store *s, struct pg_conn *c, void *arg)
{
    const struct report_job *a = arg;
    const struct report_write *w = a->w;
    struct pg_params p;
    int r;
    report_rec_release(a->out); /* a retried batch runs the job again */
    memset(a->out, 0, sizeof(*a->out));
    if (w->idem_key) {
        bool same = false;
        char prior[UUID_STR_LEN];
        r = idem_check(c, w, &same, prior);
        if (r < 0)
            return r;
        if (r == 1)
            return same ? replay_original(c, prior, a->out) : STORE_IDEM_MISMATCH;
    }
    pg_params_init(&p);
    pg_p_text(&p, w->id);
    pg_p_text(&p, w->org_id);
    pg_p_int(&p, w->now_ms);
    pg_p_int(&p, w->now_ms);
    p_version_meta(&p, w);
    r = pg_exec(c,
                "INSERT INTO incidents (id, org_id, created_at, updated_at, latest_version,"
                " phase, tlp, drill, categories, summary) VALUES ($1,$2,$3,$4,1,$5,$6,$7,$8,$9)",
                &p, NULL);
    if (!r)
        r = insert_version(c, w, 1);
    if (r)
        return r == STORE_EXISTS ? STORE_INVALID : r;
    if (w->idem_key && (r = idem_insert(c, w)))
        return r;
    return version_written(s, c, a, 1, w->now_ms);
}

int pg_report_create(struct store *s, const struct report_write *w, struct report_rec *out)
{
    struct report_job a = {w, out};
    memset(out, 0, sizeof(*out));
    return pg_submit(PG(s), report_create_run, &a);
}

static int report_amend_run(struct pg_store *s, struct pg_conn *c, void *arg)
{
    const struct report_job *a = arg;
    const struct report_write *w = a->w;
    struct pg_params p;
    PGresult *res;
    report_rec_release(a->out);
    memset(a->out, 0, sizeof(*a->out));
    pg_params_init(&p);
    pg_p_text(&p, w->id);
    /* FOR UPDATE: the incident row is this job's until COMMIT (the write lock already
     * serialises writers; this also holds against a writer that does not take it) */
    int r = pg_exec(c,
                    "SELECT org_id, latest_version, created_at FROM incidents WHERE id = $1"
                    " FOR UPDATE",
                    &p, &res);
    if (r)
        return r;
    if (!PQntuples(res) || strcmp(PQgetvalue(res, 0, 0), w->org_id)) {
        PQclear(res);
        return STORE_NOT_FOUND;
    }
    int latest = (int)pg_int(res, 0, 1);
    int64_t created_at = pg_int(res, 0, 2);
    PQclear(res);
    if (latest != w->expected_version)
        return STORE_CONFLICT;
    if ((r = insert_version(c, w, latest + 1)))
        return r;
    pg_params_init(&p);
    pg_p_text(&p, w->id);
    pg_p_int(&p, w->now_ms);
    pg_p_int(&p, latest + 1);
    p_version_meta(&p, w);
    r = pg_exec(c,
                "UPDATE incidents SET updated_at = $2, latest_version = $3, phase = $4,"
                " tlp = $5, drill = $6, categories = $7, summary = $8 WHERE id = $1",
                &p, NULL);
    return r ? r : version_written(s, c, a, latest + 1, created_at);
}

int pg_report_amend(struct store *s, const struct report_write *w, struct report_rec *out)
{
    struct report_job a = {w, out};
    memset(out, 0, sizeof(*out));
    return pg_submit(PG(s), report_amend_run, &a);
}

static void report_row(const PGresult *r, int i, void *out)
{
    read_report(r, i, out);
}

int pg_report_get(struct store *s, const char *id, int version, struct report_rec *out)
{
    struct pg_params p;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, id);
    pg_p_int(&p, version);
    return pg_read_one(PG(s), REPORT_GET, &p, report_row, out);
}

/* Rows of a listing into out (at most limit; more when there was another). */
static int collect_reports(struct pg_store *s, const char *sql, const struct pg_params *p,
                           size_t limit, struct report_list *out)
{
    PGresult *r;
    int rc = pg_read_query(s, sql, p, &r);
    if (rc)
        return rc;
    size_t rows = (size_t)PQntuples(r);
    out->more = rows > limit;
    out->n = out->more ? limit : rows;
    out->items = out->n ? xcalloc(out->n, sizeof(*out->items)) : NULL;
    for (size_t i = 0; i < out->n; i++)
        read_report(r, (int)i, &out->items[i]);
    PQclear(r);
    return STORE_OK;
}

int pg_report_list(struct store *s, const struct report_filter *f, struct report_list *out)
{
    struct pg_params p;
    char needle[80];
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, f->org_id);
    if (f->category) {
        snprintf(needle, sizeof(needle), ",%s,", f->category); /* exact: categories is ",a,b," */
        pg_p_text(&p, needle);
    } else {
        pg_p_text(&p, NULL);
    }
    pg_p_text_opt(&p, f->phase);
    pg_p_int(&p, f->drill);
    pg_p_int(&p, f->created_from);
    pg_p_int(&p, f->created_before);
    pg_p_text_opt(&p, f->after_id);
    pg_p_int(&p, f->limit + 1);
    return collect_reports(
        PG(s),
        "SELECT id, org_id, latest_version, latest_version, created_at, updated_at, updated_at,"
        " '', '', phase, tlp, drill, categories, summary, NULL, NULL, withdrawn_at,"
        " withdrawn_reason FROM incidents"
        " WHERE org_id = $1 AND ($2::text IS NULL OR strpos(categories, $2) > 0)"
        " AND ($3::text IS NULL OR phase = $3) AND ($4::bigint < 0 OR drill = $4::bigint)"
        " AND ($5::bigint = 0 OR created_at >= $5) AND ($6::bigint = 0 OR created_at < $6)"
        " AND ($7::text IS NULL OR id < $7) ORDER BY id DESC LIMIT $8",
        &p, (size_t)f->limit, out);
}

int pg_report_versions(struct store *s, const char *id, struct report_list *out)
{
    struct pg_params p;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, id);
    int r = collect_reports(
        PG(s),
        "SELECT i.id, i.org_id, v.version, i.latest_version, i.created_at, i.updated_at,"
        " v.created_at, v.author_id, v.body_sha256, v.phase, v.tlp, v.drill, v.categories,"
        " v.summary, v.change_summary, NULL, i.withdrawn_at, i.withdrawn_reason"
        " FROM incidents i JOIN report_versions v ON v.incident_id = i.id WHERE i.id = $1"
        " ORDER BY v.version",
        &p, 100000, out);
    if (r == STORE_OK && out->n == 0)
        return STORE_NOT_FOUND;
    return r;
}

/* Every incident's latest version in id order, a page at a time (each page its own
 * statement: memory stays bounded by the page, not the platform). */
#define SCAN_PAGE 256

int pg_report_scan_latest(struct store *s, int (*cb)(const struct report_rec *r, void *arg),
                          void *arg)
{
    char after[UUID_STR_LEN] = "";
    int stop = 0;
    for (;;) {
        struct pg_params p;
        PGresult *r;
        pg_params_init(&p);
        pg_p_text(&p, after);
        pg_p_int(&p, SCAN_PAGE);
        int rc =
            pg_read_query(PG(s),
                          "SELECT i.id, i.org_id, i.latest_version, i.created_at, i.updated_at,"
                          " v.tlp, v.drill, i.withdrawn_at, v.body FROM incidents i"
                          " JOIN report_versions v ON v.incident_id = i.id"
                          " AND v.version = i.latest_version WHERE i.id > $1"
                          " ORDER BY i.id LIMIT $2",
                          &p, &r);
        if (rc)
            return rc;
        int rows = PQntuples(r);
        for (int i = 0; i < rows && !stop; i++) {
            struct report_rec rec;
            memset(&rec, 0, sizeof(rec));
            pg_copy(r, i, 0, rec.id, sizeof(rec.id));
            pg_copy(r, i, 1, rec.org_id, sizeof(rec.org_id));
            rec.version = rec.latest_version = (int)pg_int(r, i, 2);
            rec.created_at = pg_int(r, i, 3);
            rec.updated_at = pg_int(r, i, 4);
            pg_copy(r, i, 5, rec.tlp, sizeof(rec.tlp));
            rec.drill = pg_bool(r, i, 6);
            rec.withdrawn_at = pg_int(r, i, 7);
            rec.body = PQgetvalue(r, i, 8); /* borrowed for the call */
            rec.body_len = (size_t)PQgetlength(r, i, 8);
            xstrlcpy(after, rec.id, sizeof(after));
            stop = cb(&rec, arg);
        }
        PQclear(r);
        if (stop || rows < SCAN_PAGE)
            return STORE_OK;
    }
}

/* ---- audit ---- */

#define AUDIT_COLS                                                                                 \
    "seq, at, actor, action, object_type, object_id, detail, payload_sha256, prev_hash, hash"

static void audit_row(const PGresult *r, int i, void *out)
{
    struct audit_rec *a = out;
    memset(a, 0, sizeof(*a));
    a->seq = pg_int(r, i, 0);
    a->at = pg_int(r, i, 1);
    pg_copy(r, i, 2, a->actor, sizeof(a->actor));
    pg_copy(r, i, 3, a->action, sizeof(a->action));
    pg_copy(r, i, 4, a->object_type, sizeof(a->object_type));
    pg_copy(r, i, 5, a->object_id, sizeof(a->object_id));
    pg_copy(r, i, 6, a->detail, sizeof(a->detail));
    pg_copy(r, i, 7, a->payload_sha256, sizeof(a->payload_sha256));
    pg_copy(r, i, 8, a->prev_hash, sizeof(a->prev_hash));
    pg_copy(r, i, 9, a->hash, sizeof(a->hash));
}

struct audit_job {
    const char *actor, *action, *otype, *oid, *detail;
    int64_t now;
};

static int audit_append_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct audit_job *a = arg;
    struct audit_rec e;
    UNUSED(w);
    store_audit_entry(&e, a->actor, a->action, a->otype, a->oid, a->detail, NULL, a->now);
    return pg_audit_put(s, &e);
}

int pg_audit_append(struct store *s, const char *actor, const char *action, const char *object_type,
                    const char *object_id, const char *detail, int64_t now)
{
    struct audit_job a = {actor, action, object_type, object_id, detail, now};
    return pg_submit(PG(s), audit_append_run, &a);
}

int pg_audit_scan(struct store *s, int64_t from_seq, int limit,
                  int (*cb)(const struct audit_rec *r, void *arg), void *arg)
{
    struct pg_params p;
    PGresult *r;
    int stop = 0;
    pg_params_init(&p);
    pg_p_int(&p, from_seq);
    pg_p_int(&p, limit);
    int rc = pg_read_query(PG(s),
                           "SELECT " AUDIT_COLS " FROM audit_log WHERE seq >= $1 ORDER BY seq"
                           " LIMIT $2",
                           &p, &r);
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(r) && !stop; i++) {
        struct audit_rec a;
        audit_row(r, i, &a);
        stop = cb(&a, arg);
    }
    PQclear(r);
    return STORE_OK;
}

int pg_audit_head(struct store *s, struct audit_rec *out)
{
    return pg_read_one(PG(s), "SELECT " AUDIT_COLS " FROM audit_log ORDER BY seq DESC LIMIT 1",
                       NULL, audit_row, out);
}

/* ---- housekeeping, health, metrics ---- */

static int maintain_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const int64_t *now = arg;
    struct pg_params p;
    UNUSED(s);
    pg_params_init(&p);
    pg_p_int(&p, *now);
    int rc = pg_exec(w, "DELETE FROM idempotency WHERE expires_at <= $1", &p, NULL);
    if (!rc) /* forgotten sign-in failures */
        rc = pg_exec(w, "DELETE FROM login_throttle WHERE expires_at <= $1", &p, NULL);
    return rc;
}

int pg_maintain(struct store *s, int64_t now_ms)
{
    return pg_submit(PG(s), maintain_run, &now_ms);
}

int pg_ready(struct store *s)
{
    PGresult *r;
    int rc = pg_read_query(PG(s), "SELECT 1 FROM audit_log LIMIT 1", NULL, &r);
    if (!rc)
        PQclear(r);
    return rc ? STORE_UNAVAILABLE : STORE_OK;
}

int pg_schema_version_op(struct store *s, int *out)
{
    PGresult *r;
    *out = 0;
    int rc = pg_read_query(PG(s), "SELECT coalesce(max(version), 0) FROM schema_version", NULL, &r);
    if (rc)
        return STORE_UNAVAILABLE;
    *out = (int)pg_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

const struct histo *pg_commit_latency(struct store *s)
{
    return &PG(s)->commit_hist;
}

void pg_stats(struct store *s, struct store_stats *out)
{
    out->commits = atomic_load(&PG(s)->commits);
    out->writes = atomic_load(&PG(s)->writes);
    out->failed_commits = atomic_load(&PG(s)->failed_commits);
}
