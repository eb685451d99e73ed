/*
 * store_pg_web.c — what the web UI (issue 12) stores in PostgreSQL (issue 14; the semantics of
 * store_sqlite_web.c): a token's last use, the server keys, TOTP enrolments with the newest
 * accepted time step, recovery-code hashes, and drafts. Decisions (whether a code is right,
 * who may read a draft) are made above, in app/; the write jobs re-check the preconditions the
 * contract names inside the write transaction, which holds the write lock (store_pg_int.h), so
 * a time step or a recovery code is accepted once across all nodes.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* ---- a session's last use (no audit entry: bookkeeping, store.h) ---- */

struct touch_job {
    const char *token_id;
    int64_t now;
};

static int touch_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct touch_job *a = arg;
    struct pg_params p;
    int64_t changed;
    UNUSED(s);
    pg_params_init(&p);
    pg_p_text(&p, a->token_id);
    pg_p_int(&p, a->now);
    return pg_exec_changes(w,
                           "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1"
                           " AND revoked_at = 0 AND last_used_at < $2",
                           &p, &changed);
}

int pg_token_touch(struct store *s, const char *token_id, int64_t now)
{
    struct touch_job a = {token_id, now};
    return pg_submit(PG(s), touch_run, &a);
}

/* ---- server keys ---- */

/* A 32-byte key made with the schema (migrations 0008, 0012). */
int pg_server_key(struct store *s, const char *name, unsigned char out[32])
{
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    pg_p_text(&p, name);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c, "SELECT k FROM server_keys WHERE name = $1", &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    rc = PQntuples(r) && pg_bytea(r, 0, 0, out, 32) == 32 ? STORE_OK : STORE_NOT_FOUND;
    PQclear(r);
    return rc;
}

/* ---- TOTP (RFC 6238) and recovery codes ---- */

/* Sign-in asks it of every user. */
int pg_totp_get(struct store *s, const char *user_id, struct totp_rec *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, user_id);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT sealed, created_at, enabled_at, last_step FROM user_totp"
                     " WHERE user_id = $1",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    if (!PQntuples(r)) {
        PQclear(r);
        return STORE_NOT_FOUND;
    }
    xstrlcpy(out->user_id, user_id, sizeof(out->user_id));
    long n = pg_bytea(r, 0, 0, out->sealed, sizeof(out->sealed));
    out->sealed_len = n > 0 ? (size_t)n : 0;
    out->created_at = pg_int(r, 0, 1);
    out->enabled_at = pg_int(r, 0, 2);
    out->last_step = pg_int(r, 0, 3);
    PQclear(r);
    return STORE_OK;
}

/* A write job's changed-row count: none is `none` (a conflict, or not found). */
static int changed_or(int rc, int64_t changed, int none)
{
    if (rc)
        return rc;
    return changed ? STORE_OK : none;
}

static int audit_2fa(struct pg_store *s, const char *action, const char *user_id, const char *actor,
                     int64_t now)
{
    struct audit_rec e;
    store_audit_two_factor(&e, action, user_id, actor, now);
    return pg_audit_put(s, &e);
}

struct totp_job {
    const struct totp_rec *t;
    const char *user_id, *actor;
    const struct recovery_set *codes;
    const unsigned char *hash;
    int64_t step, now;
};

/* A pending enrolment is replaced; an enabled one is kept (no row changed: STORE_CONFLICT). */
static int begin_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct totp_job *a = arg;
    struct pg_params p;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, a->t->user_id);
    pg_p_bytea(&p, a->t->sealed, a->t->sealed_len);
    pg_p_int(&p, a->now);
    /* a foreign-key failure (no such user) is STORE_INVALID (pg_result_of) */
    int r = pg_exec_changes(w,
                            "INSERT INTO user_totp (user_id, sealed, created_at)"
                            " VALUES ($1,$2,$3) ON CONFLICT (user_id) DO UPDATE"
                            " SET sealed = EXCLUDED.sealed, created_at = EXCLUDED.created_at"
                            " WHERE user_totp.enabled_at = 0",
                            &p, &changed);
    r = changed_or(r, changed, STORE_CONFLICT);
    return r ? r : audit_2fa(s, "two_factor.begin", a->t->user_id, NULL, a->now);
}

int pg_totp_begin(struct store *s, const struct totp_rec *t, int64_t now)
{
    struct totp_job a = {.t = t, .now = now};
    return pg_submit(PG(s), begin_run, &a);
}

/* Writer: the user's recovery codes become codes (a repeated hash is kept once, as SQLite's
 * INSERT OR IGNORE). */
static int codes_put(struct pg_conn *w, const char *user_id, const struct recovery_set *codes)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, user_id);
    int r = pg_exec(w, "DELETE FROM recovery_codes WHERE user_id = $1", &p, NULL);
    for (size_t i = 0; !r && i < codes->n; i++) {
        pg_params_init(&p);
        pg_p_text(&p, user_id);
        pg_p_bytea(&p, codes->hash[i], HASH_SHA256_LEN);
        r = pg_exec(w,
                    "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1,$2)"
                    " ON CONFLICT DO NOTHING",
                    &p, NULL);
    }
    return r;
}

static int enable_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct totp_job *a = arg;
    struct pg_params p;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, a->user_id);
    pg_p_int(&p, a->now);
    pg_p_int(&p, a->step);
    int r = pg_exec_changes(w,
                            "UPDATE user_totp SET enabled_at = $2, last_step = $3"
                            " WHERE user_id = $1 AND enabled_at = 0",
                            &p, &changed);
    r = changed_or(r, changed, STORE_CONFLICT);
    if (!r)
        r = codes_put(w, a->user_id, a->codes);
    return r ? r : audit_2fa(s, "two_factor.enable", a->user_id, NULL, a->now);
}

int pg_totp_enable(struct store *s, const char *user_id, int64_t step,
                   const struct recovery_set *codes, int64_t now)
{
    struct totp_job a = {.user_id = user_id, .step = step, .codes = codes, .now = now};
    return pg_submit(PG(s), enable_run, &a);
}

/* No audit entry: a time step is bookkeeping of every sign-in (store.h). */
static int step_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct totp_job *a = arg;
    struct pg_params p;
    int64_t changed;
    UNUSED(s);
    pg_params_init(&p);
    pg_p_text(&p, a->user_id);
    pg_p_int(&p, a->step);
    int r = pg_exec_changes(w,
                            "UPDATE user_totp SET last_step = $2 WHERE user_id = $1"
                            " AND enabled_at > 0 AND last_step < $2",
                            &p, &changed);
    return changed_or(r, changed, STORE_CONFLICT);
}

int pg_totp_use_step(struct store *s, const char *user_id, int64_t step)
{
    struct totp_job a = {.user_id = user_id, .step = step};
    return pg_submit(PG(s), step_run, &a);
}

static int disable_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct totp_job *a = arg;
    struct pg_params p;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, a->user_id);
    int r = pg_exec_changes(w, "DELETE FROM user_totp WHERE user_id = $1", &p, &changed);
    r = changed_or(r, changed, STORE_NOT_FOUND);
    if (!r)
        r = pg_exec(w, "DELETE FROM recovery_codes WHERE user_id = $1", &p, NULL);
    return r ? r : audit_2fa(s, "two_factor.disable", a->user_id, a->actor, a->now);
}

int pg_totp_disable(struct store *s, const char *user_id, const char *actor, int64_t now)
{
    struct totp_job a = {.user_id = user_id, .actor = actor, .now = now};
    return pg_submit(PG(s), disable_run, &a);
}

/* A recovery code is used once: only an unused row changes. */
static int use_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct totp_job *a = arg;
    struct pg_params p;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, a->user_id);
    pg_p_bytea(&p, a->hash, HASH_SHA256_LEN);
    pg_p_int(&p, a->now);
    int r = pg_exec_changes(w,
                            "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1"
                            " AND code_hash = $2 AND used_at = 0",
                            &p, &changed);
    r = changed_or(r, changed, STORE_NOT_FOUND);
    return r ? r : audit_2fa(s, "two_factor.recovery_used", a->user_id, NULL, a->now);
}

int pg_recovery_use(struct store *s, const char *user_id, const unsigned char hash[HASH_SHA256_LEN],
                    int64_t now)
{
    struct totp_job a = {.user_id = user_id, .hash = hash, .now = now};
    return pg_submit(PG(s), use_run, &a);
}

/* A new set needs an enabled enrolment (else STORE_CONFLICT) and voids the old one. */
static int set_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct totp_job *a = arg;
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, a->user_id);
    int r = pg_exec(w, "SELECT enabled_at FROM user_totp WHERE user_id = $1", &p, &res);
    if (r)
        return r;
    bool enabled = PQntuples(res) && pg_int(res, 0, 0) > 0;
    PQclear(res);
    if (!enabled)
        return STORE_CONFLICT;
    r = codes_put(w, a->user_id, a->codes);
    return r ? r : audit_2fa(s, "two_factor.recovery_codes", a->user_id, NULL, a->now);
}

int pg_recovery_set(struct store *s, const char *user_id, const struct recovery_set *codes,
                    int64_t now)
{
    struct totp_job a = {.user_id = user_id, .codes = codes, .now = now};
    return pg_submit(PG(s), set_run, &a);
}

/* ---- drafts ---- */

#define DRAFT_COLS "id, org_id, author_id, title, incident_id"

static void draft_row(const PGresult *r, int i, struct draft_rec *d)
{
    memset(d, 0, sizeof(*d));
    pg_copy(r, i, 0, d->id, sizeof(d->id));
    pg_copy(r, i, 1, d->org_id, sizeof(d->org_id));
    pg_copy(r, i, 2, d->author_id, sizeof(d->author_id));
    pg_copy(r, i, 3, d->title, sizeof(d->title));
    pg_copy(r, i, 4, d->incident_id, sizeof(d->incident_id));
    d->body = pg_dup(r, i, 5);
    d->version = (int)pg_int(r, i, 6);
    d->created_at = pg_int(r, i, 7);
    d->updated_at = pg_int(r, i, 8);
}

struct draft_job {
    const struct draft_rec *d;
    const char *id, *actor;
    int expected;
    int64_t now;
};

static int draft_create_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct draft_job *a = arg;
    const struct draft_rec *d = a->d;
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, d->id);
    pg_p_text(&p, d->org_id);
    pg_p_text(&p, d->author_id);
    pg_p_text(&p, d->title);
    pg_p_text_opt(&p, d->incident_id);
    pg_p_text(&p, d->body ? d->body : ""); /* as SQLite's sq_bind_text */
    pg_p_int(&p, a->now);
    /* a foreign-key failure (no such organisation) is STORE_INVALID (pg_result_of) */
    int r = pg_exec(w,
                    "INSERT INTO drafts (" DRAFT_COLS ", body, version, created_at, updated_at)"
                    " VALUES ($1,$2,$3,$4,$5,$6,1,$7,$7)",
                    &p, NULL);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_draft(&e, "draft.create", d->id, 1, d->author_id, a->now);
    return pg_audit_put(s, &e);
}

int pg_draft_create(struct store *s, const struct draft_rec *d, int64_t now)
{
    struct draft_job a = {.d = d, .now = now};
    return pg_submit(PG(s), draft_create_run, &a);
}

int pg_draft_get(struct store *s, const char *id, struct draft_rec *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, id);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT " DRAFT_COLS ", body, version, created_at, updated_at FROM drafts"
                     " WHERE id = $1",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    if (PQntuples(r))
        draft_row(r, 0, out);
    else
        rc = STORE_NOT_FOUND;
    PQclear(r);
    return rc;
}

/* The organisation's drafts, most recently saved first (ties by id), without bodies. */
int pg_draft_list(struct store *s, const char *org_id, int limit, struct draft_rec **out, size_t *n)
{
    struct pg_params p;
    PGresult *r;
    *out = NULL;
    *n = 0;
    pg_params_init(&p);
    pg_p_text(&p, org_id);
    pg_p_int(&p, limit > 0 ? limit : 0); /* PostgreSQL refuses a negative LIMIT */
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT " DRAFT_COLS ", NULL, version, created_at, updated_at FROM drafts"
                     " WHERE org_id = $1 ORDER BY updated_at DESC, id DESC LIMIT $2",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    if (limit > 0)
        *out = xcalloc((size_t)limit, sizeof(**out));
    for (int i = 0; i < PQntuples(r) && *n < (size_t)limit; i++)
        draft_row(r, i, &(*out)[(*n)++]);
    PQclear(r);
    return STORE_OK;
}

static int draft_update_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct draft_job *a = arg;
    const struct draft_rec *d = a->d;
    struct pg_params p;
    PGresult *res;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, d->id);
    int r = pg_exec(w, "SELECT version FROM drafts WHERE id = $1", &p, &res);
    if (r)
        return r;
    int current = PQntuples(res) ? (int)pg_int(res, 0, 0) : 0;
    PQclear(res);
    if (!current)
        return STORE_NOT_FOUND;
    if (current != a->expected)
        return STORE_CONFLICT;
    pg_params_init(&p);
    pg_p_text(&p, d->id);
    pg_p_text(&p, d->title);
    pg_p_text_opt(&p, d->incident_id);
    pg_p_text(&p, d->body ? d->body : "");
    pg_p_int(&p, a->now);
    pg_p_int(&p, a->expected);
    r = pg_exec_changes(w,
                        "UPDATE drafts SET title = $2, incident_id = $3, body = $4,"
                        " version = version + 1, updated_at = $5 WHERE id = $1 AND version = $6",
                        &p, &changed);
    r = changed_or(r, changed, STORE_CONFLICT);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_draft(&e, "draft.update", d->id, current + 1, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_draft_update(struct store *s, const struct draft_rec *d, int expected_version,
                    const char *actor, int64_t now)
{
    struct draft_job a = {.d = d, .expected = expected_version, .actor = actor, .now = now};
    return pg_submit(PG(s), draft_update_run, &a);
}

static int draft_delete_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct draft_job *a = arg;
    struct pg_params p;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, a->id);
    int r = pg_exec_changes(w, "DELETE FROM drafts WHERE id = $1", &p, &changed);
    r = changed_or(r, changed, STORE_NOT_FOUND);
    if (r)
        return r;
    struct audit_rec e;
    store_audit_draft(&e, "draft.delete", a->id, 0, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_draft_delete(struct store *s, const char *id, const char *actor, int64_t now)
{
    struct draft_job a = {.id = id, .actor = actor, .now = now};
    return pg_submit(PG(s), draft_delete_run, &a);
}
