/*
 * store_pg_web.c — the web UI (issue 12): two-factor sign-in and drafts in PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): the operations marked NOT BUILT — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_web.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* ---- built: a session's last use (no audit entry: bookkeeping, store.h) ---- */

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

/* ---- NOT BUILT below ---- */

/* Built: a 32-byte key made with the schema (migrations 0008, 0012). */
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

/* Built: sign-in asks it of every user (not yet covered on PostgreSQL by test_two_factor,
 * which needs totp_begin). */
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

/* NOT BUILT (issue 14) */
int pg_totp_begin(struct store *s, const struct totp_rec *t, int64_t now)
{
    UNUSED(s);
    UNUSED(t);
    UNUSED(now);
    return pg_not_built("totp_begin");
}

/* NOT BUILT (issue 14) */
int pg_totp_enable(struct store *s, const char *user_id, int64_t step,
                   const struct recovery_set *codes, int64_t now)
{
    UNUSED(s);
    UNUSED(user_id);
    UNUSED(step);
    UNUSED(codes);
    UNUSED(now);
    return pg_not_built("totp_enable");
}

/* NOT BUILT (issue 14) */
int pg_totp_use_step(struct store *s, const char *user_id, int64_t step)
{
    UNUSED(s);
    UNUSED(user_id);
    UNUSED(step);
    return pg_not_built("totp_use_step");
}

/* NOT BUILT (issue 14) */
int pg_totp_disable(struct store *s, const char *user_id, const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(user_id);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("totp_disable");
}

/* NOT BUILT (issue 14) */
int pg_recovery_use(struct store *s, const char *user_id, const unsigned char hash[HASH_SHA256_LEN],
                    int64_t now)
{
    UNUSED(s);
    UNUSED(user_id);
    UNUSED(hash);
    UNUSED(now);
    return pg_not_built("recovery_use");
}

/* NOT BUILT (issue 14) */
int pg_recovery_set(struct store *s, const char *user_id, const struct recovery_set *codes,
                    int64_t now)
{
    UNUSED(s);
    UNUSED(user_id);
    UNUSED(codes);
    UNUSED(now);
    return pg_not_built("recovery_set");
}

/* NOT BUILT (issue 14) */
int pg_draft_create(struct store *s, const struct draft_rec *d, int64_t now)
{
    UNUSED(s);
    UNUSED(d);
    UNUSED(now);
    return pg_not_built("draft_create");
}

/* NOT BUILT (issue 14) */
int pg_draft_get(struct store *s, const char *id, struct draft_rec *out)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(out);
    return pg_not_built("draft_get");
}

/* NOT BUILT (issue 14) */
int pg_draft_list(struct store *s, const char *org_id, int limit, struct draft_rec **out, size_t *n)
{
    UNUSED(s);
    UNUSED(org_id);
    UNUSED(limit);
    UNUSED(out);
    UNUSED(n);
    return pg_not_built("draft_list");
}

/* NOT BUILT (issue 14) */
int pg_draft_update(struct store *s, const struct draft_rec *d, int expected_version,
                    const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(d);
    UNUSED(expected_version);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("draft_update");
}

/* NOT BUILT (issue 14) */
int pg_draft_delete(struct store *s, const char *id, const char *actor, int64_t now)
{
    UNUSED(s);
    UNUSED(id);
    UNUSED(actor);
    UNUSED(now);
    return pg_not_built("draft_delete");
}
