/*
 * store_sqlite_accounts.c — account administration and sign-in throttling in SQLite (issue 8,
 * items 12 and 13): member counts, a user created or changed by an administrator together with
 * its audit entry and its organisation's event, one's own new password, and the throttle
 * states. Decisions are made above (account_decide, auth_throttle_fail); this file re-checks
 * preconditions inside the write transaction and stores.
 */
#include "store_sqlite_int.h"
#include "../store_int.h"
#include "../../core/enc.h"

#define SQ(s) ((struct sq_store *)(s))

/* ---- member counts ---- */

static int members_on(struct sq_conn *c, const char *org_id, struct org_members *out)
{
    sqlite3_stmt *st = sq_stmt(c, SQ_ORG_MEMBERS);
    memset(out, 0, sizeof(*out));
    sq_bind_text(st, 1, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->members = sqlite3_column_int64(st, 0);
        out->org_admins = sqlite3_column_int64(st, 1);
        out->admins = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

int sq_org_members(struct store *s, const char *org_id, struct org_members *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    if (!c)
        return STORE_UNAVAILABLE;
    int r = members_on(c, org_id, out);
    sq_read_put(SQ(s), c);
    return r;
}

/* ---- events for an organisation ---- */

int sq_note_event(struct sq_store *s, const char *org_id, const char *kind, const char *event,
                  int64_t now)
{
    char id[UUID_STR_LEN];
    struct notification_new n;
    bool webhook;
    int r = sq_webhook_enabled(s, org_id, &webhook);
    if (r != STORE_OK)
        return r;
    uuid_v7_new(id);
    store_org_event_note(org_id, kind, event, webhook, now, id, &n);
    r = sq_note_add(s, &n, NULL);
    free(n.payload);
    return r;
}

/* ---- users changed by an administrator ---- */

static int revoke_all(struct sq_store *s, const char *user_id, int64_t now)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_TOKEN_REVOKE_USER);
    sq_bind_text(st, 1, user_id);
    sqlite3_bind_int64(st, 2, now);
    return sq_result(sqlite3_step(st));
}

static int update_user(struct sq_store *s, const struct user *u)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_USER_UPDATE);
    sq_bind_text(st, 1, u->id);
    sq_bind_text(st, 2, u->display_name);
    sq_bind_text(st, 3, auth_role_name(u->role));
    sqlite3_bind_int(st, 4, u->disabled);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    return sqlite3_changes(s->w.db) ? STORE_OK : STORE_NOT_FOUND;
}

/* The precondition account_decide asked for, read under the write lock. */
static int pre_holds(struct sq_store *s, const struct user_write *w)
{
    struct org_members m;
    int r = members_on(&s->w, w->u->org_id, &m);
    return r ? r : store_account_pre_holds(w, &m);
}

static int admin_left(struct sq_store *s, const struct user_write *w)
{
    struct org_members m;
    int r = members_on(&s->w, w->u->org_id, &m);
    return r ? r : store_account_admin_left(w, &m);
}

static int user_write_run(struct sq_store *s, struct wjob *j)
{
    const struct user_write *w = j->arg;
    int r = pre_holds(s, w);
    if (!r)
        r = w->create ? sq_user_insert(s, w->u, w->now) : update_user(s, w->u);
    if (!r && w->keep_admin)
        r = admin_left(s, w);
    if (!r && !w->create && w->u->disabled)
        r = revoke_all(s, w->u->id, w->now);
    if (!r) {
        struct audit_rec e;
        store_audit_user_write(&e, w);
        r = sq_audit_put(s, &e);
    }
    if (!r && w->event)
        r = sq_note_event(s, w->u->org_id, "account", w->event, w->now);
    return r;
}

int sq_user_write(struct store *s, const struct user_write *w)
{
    return sq_submit(SQ(s), user_write_run, (void *)w);
}

static int password_run(struct sq_store *s, struct wjob *j)
{
    const struct password_write *w = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_USER_PASSWORD);
    sq_bind_text(st, 1, w->user_id);
    sq_bind_text(st, 2, w->password_hash);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    if (!sqlite3_changes(s->w.db))
        return STORE_NOT_FOUND;
    int r = revoke_all(s, w->user_id, w->now);
    if (!r) {
        struct audit_rec e;
        store_audit_password_change(&e, w);
        r = sq_audit_put(s, &e);
    }
    if (!r && w->event)
        r = sq_note_event(s, w->org_id, "account", w->event, w->now);
    return r;
}

int sq_user_password_set(struct store *s, const struct password_write *w)
{
    return sq_submit(SQ(s), password_run, (void *)w);
}

/* ---- sign-in throttling ---- */

int sq_throttle_secret(struct store *s, unsigned char out[32])
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int r = STORE_NOT_FOUND;
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_THR_SECRET);
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

/* One state on connection c; zero when there is none or it is forgotten. */
static int state_on(struct sq_conn *c, const unsigned char *key, int64_t now,
                    struct auth_throttle_state *out)
{
    sqlite3_stmt *st = sq_stmt(c, SQ_THR_GET);
    memset(out, 0, sizeof(*out));
    sqlite3_bind_blob(st, 1, key, AUTH_THROTTLE_KEY_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->failures = sqlite3_column_int64(st, 0);
        out->last_at = sqlite3_column_int64(st, 1);
        out->blocked_until = sqlite3_column_int64(st, 2);
        out->expires_at = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

int sq_throttle_get(struct store *s, const struct throttle_key *keys, size_t n, int64_t now,
                    struct auth_throttle_state *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int r = STORE_OK;
    if (!c)
        return STORE_UNAVAILABLE;
    for (size_t i = 0; i < n && !r; i++)
        r = state_on(c, keys[i].key, now, &out[i]);
    sq_read_put(SQ(s), c);
    return r;
}

static int put_state(struct sq_store *s, const unsigned char *key,
                     const struct auth_throttle_state *v)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_THR_PUT);
    sqlite3_bind_blob(st, 1, key, AUTH_THROTTLE_KEY_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v->failures);
    sqlite3_bind_int64(st, 3, v->last_at);
    sqlite3_bind_int64(st, 4, v->blocked_until);
    sqlite3_bind_int64(st, 5, v->expires_at);
    return sq_result(sqlite3_step(st));
}

/* A delay began or grew: its audit entry (store_audit_throttled). */
static int audit_delay(struct sq_store *s, const struct throttle_key *k,
                       const struct auth_throttle_state *v, int64_t now)
{
    struct audit_rec e;
    store_audit_throttled(&e, k, v, now);
    return sq_audit_put(s, &e);
}

static int fail_run(struct sq_store *s, struct wjob *j)
{
    const struct throttle_failure *f = j->arg;
    struct audit_rec e;
    store_audit_login_failed(&e, f);
    int r = sq_audit_put(s, &e);
    for (size_t i = 0; i < f->n && !r; i++) {
        struct auth_throttle_state v;
        r = state_on(&s->w, f->keys[i].key, f->now, &v);
        if (r)
            break;
        f->next(f->keys[i].policy, &v, f->now);
        r = put_state(s, f->keys[i].key, &v);
        if (!r && v.blocked_until > f->now)
            r = audit_delay(s, &f->keys[i], &v, f->now);
        if (f->out)
            f->out[i] = v;
    }
    return r;
}

int sq_throttle_fail(struct store *s, const struct throttle_failure *f)
{
    return sq_submit(SQ(s), fail_run, (void *)f);
}

struct clear_job {
    const struct throttle_key *keys;
    size_t n;
};

static int clear_run(struct sq_store *s, struct wjob *j)
{
    const struct clear_job *a = j->arg;
    for (size_t i = 0; i < a->n; i++) {
        sqlite3_stmt *st = sq_stmt(&s->w, SQ_THR_DEL);
        sqlite3_bind_blob(st, 1, a->keys[i].key, AUTH_THROTTLE_KEY_LEN, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            return sq_result(rc);
    }
    return STORE_OK;
}

int sq_throttle_clear(struct store *s, const struct throttle_key *keys, size_t n)
{
    struct clear_job a = {keys, n};
    return n ? sq_submit(SQ(s), clear_run, &a) : STORE_OK;
}
