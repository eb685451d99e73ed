/*
 * store_pg_accounts.c — account administration and sign-in throttling in PostgreSQL (issue 14;
 * the semantics of store_sqlite_accounts.c, issue 8 items 12 and 13): member counts, a user
 * created or changed by an administrator with its audit entry and its organisation's event,
 * one's own new password, the throttle states. Preconditions are re-checked inside the write
 * transaction, which holds the write lock (store_pg_int.h), so they hold across nodes.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* ---- member counts ---- */

static int members_on(struct pg_conn *c, const char *org_id, struct org_members *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, org_id);
    int rc = pg_exec(c,
                     "SELECT count(*),"
                     " count(*) FILTER (WHERE role = 'org_admin' AND disabled = 0),"
                     " count(*) FILTER (WHERE role = 'admin' AND disabled = 0)"
                     " FROM users WHERE org_id = $1",
                     &p, &r);
    if (rc)
        return rc;
    out->members = pg_int(r, 0, 0);
    out->org_admins = pg_int(r, 0, 1);
    out->admins = pg_int(r, 0, 2);
    PQclear(r);
    return STORE_OK;
}

int pg_org_members(struct store *s, const char *org_id, struct org_members *out)
{
    struct pg_conn *c = pg_read_get(PG(s));
    int r = members_on(c, org_id, out);
    pg_read_put(PG(s), c);
    return r;
}

/* ---- users changed by an administrator ---- */

static int revoke_all(struct pg_conn *w, const char *user_id, int64_t now)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, user_id);
    pg_p_int(&p, now);
    return pg_exec(w, "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at = 0",
                   &p, NULL);
}

static int update_user(struct pg_conn *w, const struct user *u)
{
    struct pg_params p;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, u->id);
    pg_p_text(&p, u->display_name);
    pg_p_text(&p, auth_role_name(u->role));
    pg_p_int(&p, u->disabled);
    int rc = pg_exec_changes(
        w, "UPDATE users SET display_name = $2, role = $3, disabled = $4 WHERE id = $1", &p,
        &changed);
    if (rc)
        return rc;
    return changed ? STORE_OK : STORE_NOT_FOUND;
}

static int user_write_run(struct pg_store *s, struct pg_conn *c, void *arg)
{
    const struct user_write *w = arg;
    struct org_members m;
    int r = members_on(c, w->u->org_id, &m);
    if (!r)
        r = store_account_pre_holds(w, &m);
    if (!r)
        r = w->create ? pg_user_insert(c, w->u, w->now) : update_user(c, w->u);
    if (!r && w->keep_admin && !(r = members_on(c, w->u->org_id, &m)))
        r = store_account_admin_left(w, &m);
    if (!r && !w->create && w->u->disabled)
        r = revoke_all(c, w->u->id, w->now);
    if (!r) {
        struct audit_rec e;
        store_audit_user_write(&e, w);
        r = pg_audit_put(s, &e);
    }
    if (!r && w->event)
        r = pg_note_event(s, c, w->u->org_id, "account", w->event, w->now);
    return r;
}

int pg_user_write(struct store *s, const struct user_write *w)
{
    return pg_submit(PG(s), user_write_run, (void *)w);
}

static int password_run(struct pg_store *s, struct pg_conn *c, void *arg)
{
    const struct password_write *w = arg;
    struct pg_params p;
    int64_t changed;
    pg_params_init(&p);
    pg_p_text(&p, w->user_id);
    pg_p_text(&p, w->password_hash);
    int r = pg_exec_changes(
        c, "UPDATE users SET password_hash = $2, must_change_password = 0 WHERE id = $1", &p,
        &changed);
    if (r)
        return r;
    if (!changed)
        return STORE_NOT_FOUND;
    r = revoke_all(c, w->user_id, w->now);
    if (!r) {
        struct audit_rec e;
        store_audit_password_change(&e, w);
        r = pg_audit_put(s, &e);
    }
    if (!r && w->event)
        r = pg_note_event(s, c, w->org_id, "account", w->event, w->now);
    return r;
}

int pg_user_password_set(struct store *s, const struct password_write *w)
{
    return pg_submit(PG(s), password_run, (void *)w);
}

/* ---- sign-in throttling ---- */

int pg_throttle_secret(struct store *s, unsigned char out[32])
{
    struct pg_conn *c = pg_read_get(PG(s));
    PGresult *r;
    int rc = pg_exec(c, "SELECT k FROM server_keys WHERE name = 'login_throttle'", NULL, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    rc = PQntuples(r) && pg_bytea(r, 0, 0, out, 32) == 32 ? STORE_OK : STORE_NOT_FOUND;
    PQclear(r);
    return rc;
}

/* One state on connection c; zero when there is none or it is forgotten. */
static int state_on(struct pg_conn *c, const unsigned char *key, int64_t now,
                    struct auth_throttle_state *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_bytea(&p, key, AUTH_THROTTLE_KEY_LEN);
    pg_p_int(&p, now);
    int rc = pg_exec(c,
                     "SELECT failures, last_at, blocked_until, expires_at FROM login_throttle"
                     " WHERE key = $1 AND expires_at > $2",
                     &p, &r);
    if (rc)
        return rc;
    if (PQntuples(r)) {
        out->failures = pg_int(r, 0, 0);
        out->last_at = pg_int(r, 0, 1);
        out->blocked_until = pg_int(r, 0, 2);
        out->expires_at = pg_int(r, 0, 3);
    }
    PQclear(r);
    return STORE_OK;
}

int pg_throttle_get(struct store *s, const struct throttle_key *keys, size_t n, int64_t now,
                    struct auth_throttle_state *out)
{
    struct pg_conn *c = pg_read_get(PG(s));
    int r = STORE_OK;
    for (size_t i = 0; i < n && !r; i++)
        r = state_on(c, keys[i].key, now, &out[i]);
    pg_read_put(PG(s), c);
    return r;
}

static int put_state(struct pg_conn *w, const unsigned char *key,
                     const struct auth_throttle_state *v)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_bytea(&p, key, AUTH_THROTTLE_KEY_LEN);
    pg_p_int(&p, v->failures);
    pg_p_int(&p, v->last_at);
    pg_p_int(&p, v->blocked_until);
    pg_p_int(&p, v->expires_at);
    return pg_exec(w,
                   "INSERT INTO login_throttle (key, failures, last_at, blocked_until, expires_at)"
                   " VALUES ($1,$2,$3,$4,$5) ON CONFLICT (key) DO UPDATE SET"
                   " failures = excluded.failures, last_at = excluded.last_at,"
                   " blocked_until = excluded.blocked_until, expires_at = excluded.expires_at",
                   &p, NULL);
}

static int fail_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct throttle_failure *f = arg;
    struct audit_rec e;
    store_audit_login_failed(&e, f);
    int r = pg_audit_put(s, &e);
    for (size_t i = 0; i < f->n && !r; i++) {
        struct auth_throttle_state v;
        if ((r = state_on(w, f->keys[i].key, f->now, &v)))
            break;
        f->next(f->keys[i].policy, &v, f->now);
        r = put_state(w, f->keys[i].key, &v);
        if (!r && v.blocked_until > f->now) { /* a delay began or grew */
            store_audit_throttled(&e, &f->keys[i], &v, f->now);
            r = pg_audit_put(s, &e);
        }
        if (f->out)
            f->out[i] = v;
    }
    return r;
}

int pg_throttle_fail(struct store *s, const struct throttle_failure *f)
{
    return pg_submit(PG(s), fail_run, (void *)f);
}

struct clear_job {
    const struct throttle_key *keys;
    size_t n;
};

static int clear_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct clear_job *a = arg;
    UNUSED(s);
    for (size_t i = 0; i < a->n; i++) {
        struct pg_params p;
        pg_params_init(&p);
        pg_p_bytea(&p, a->keys[i].key, AUTH_THROTTLE_KEY_LEN);
        int r = pg_exec(w, "DELETE FROM login_throttle WHERE key = $1", &p, NULL);
        if (r)
            return r;
    }
    return STORE_OK;
}

int pg_throttle_clear(struct store *s, const struct throttle_key *keys, size_t n)
{
    struct clear_job a = {keys, n};
    return n ? pg_submit(PG(s), clear_run, &a) : STORE_OK;
}
