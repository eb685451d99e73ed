/*
 * h_accounts.c — sign-in and tokens, the caller's identity, organisations and users.
 *
 * Request bodies are described by field tables and checked with the report validator's engine,
 * so they get the same gather-all, bilingual errors as reports.
 */
#include <pthread.h>
#include <sodium.h>

#include "http_int.h"
#include "../core/log.h"
#include "../core/uuid.h"

/* ---- JSON views (never the password hash or a token hash) ---- */

static json_t *org_json(const struct org *o)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "id", o->id, "name_ja", o->name_ja,
                          "name_en", o->name_en, "kind", o->kind, "sector", o->sector, "listed",
                          o->listed, "created_at", http_time(o->created_at));
    json_object_set_new(j, "corporate_number",
                        o->corporate_number[0] ? json_string(o->corporate_number) : json_null());
    json_object_set_new(j, "prefecture", o->prefecture[0] ? json_string(o->prefecture) : json_null());
    json_object_set_new(j, "size_band", o->size_band[0] ? json_string(o->size_band) : json_null());
    return j;
}

static json_t *user_json(const struct user *u)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "id", u->id, "org_id", u->org_id,
                     "username", u->username, "display_name", u->display_name, "role",
                     auth_role_name(u->role), "disabled", u->disabled, "created_at",
                     http_time(u->created_at));
}

static json_t *token_json(const struct token_rec *t)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "id", t->id, "name", t->name, "kind",
                     t->kind, "created_at", http_time(t->created_at), "expires_at",
                     t->expires_at ? http_time(t->expires_at) : json_null(), "revoked_at",
                     t->revoked_at ? http_time(t->revoked_at) : json_null());
}

/* ---- password work, bounded (argon2id uses 64 MiB per computation) ---- */

static void pw_enter(struct app *a)
{
    pthread_mutex_lock(&a->pw_lock);
    while (a->pw_inflight >= a->cfg.password_hash_concurrency)
        pthread_cond_wait(&a->pw_cond, &a->pw_lock);
    a->pw_inflight++;
    pthread_mutex_unlock(&a->pw_lock);
}

static void pw_leave(struct app *a)
{
    pthread_mutex_lock(&a->pw_lock);
    a->pw_inflight--;
    pthread_cond_signal(&a->pw_cond);
    pthread_mutex_unlock(&a->pw_lock);
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[128];

static void dummy_init(void)
{
    char pw[33];
    unsigned char rnd[16];
    hash_random(rnd, sizeof(rnd));
    for (size_t i = 0; i < sizeof(rnd); i++)
        snprintf(pw + 2 * i, 3, "%02x", rnd[i]);
    if (auth_password_hash(pw, dummy_hash))
        dummy_hash[0] = '\0';
}

static bool verify_password(struct app *a, const char *stored, const char *pw)
{
    bool ok;
    pw_enter(a);
    if (!stored || !stored[0]) {
        /* unknown user or no password: spend the same time so timing does not reveal it */
        pthread_once(&dummy_once, dummy_init);
        auth_password_verify(dummy_hash, pw);
        ok = false;
    } else {
        ok = auth_password_verify(stored, pw);
    }
    pw_leave(a);
    return ok;
}

/* Mints a token for u and answers 201 (sign-in) or 201 (API token). */
static void issue_token(struct req *r, const struct user *u, const char *kind, const char *name,
                        int64_t ttl_ms, const char *actor)
{
    struct token_rec t;
    char token[AUTH_TOKEN_LEN + 1];
    memset(&t, 0, sizeof(t));
    uuid_v7_new(t.id);
    xstrlcpy(t.user_id, u->id, sizeof(t.user_id));
    xstrlcpy(t.name, name, sizeof(t.name));
    xstrlcpy(t.kind, kind, sizeof(t.kind));
    t.created_at = r->now_ms;
    t.expires_at = ttl_ms ? r->now_ms + ttl_ms : 0;
    auth_token_new(token, t.hash);
    int res = r->app->store->ops->token_create(r->app->store, &t, actor, r->now_ms);
    if (res) {
        sodium_memzero(token, sizeof(token));
        return http_store_error(r, res);
    }
    json_t *j = token_json(&t);
    json_object_set_new(j, "token", json_string(token));
    json_object_set_new(j, "user", user_json(u));
    sodium_memzero(token, sizeof(token));
    http_json(r, 201, j);
}

/* Failed sign-ins for usernames that do not exist are counted here, in memory, so that they
 * lock out exactly like real accounts (whose counters live in the database): otherwise a 429
 * would reveal which usernames exist. Bounded: the least recently seen entry is reused. */
#define GHOSTS 1024
static struct ghost {
    unsigned char name_hash[HASH_SHA256_LEN];
    int failures;
    int64_t locked_until, seen;
} ghosts[GHOSTS];
static pthread_mutex_t ghost_lock = PTHREAD_MUTEX_INITIALIZER;

static struct ghost *ghost_find(const char *name, int64_t now, bool create)
{
    unsigned char h[HASH_SHA256_LEN];
    struct ghost *oldest = &ghosts[0];
    hash_sha256(name, strlen(name), h);
    for (int i = 0; i < GHOSTS; i++) {
        if (!memcmp(ghosts[i].name_hash, h, sizeof(h)) && ghosts[i].seen)
            return &ghosts[i];
        if (ghosts[i].seen < oldest->seen)
            oldest = &ghosts[i];
    }
    if (!create)
        return NULL;
    memset(oldest, 0, sizeof(*oldest));
    memcpy(oldest->name_hash, h, sizeof(h));
    oldest->seen = now;
    return oldest;
}

/* Returns the lock expiry for an unknown username (0 when not locked); records a failure when
 * fail is set. */
static int64_t ghost_check(struct app *a, const char *name, int64_t now, bool fail)
{
    int64_t until = 0;
    pthread_mutex_lock(&ghost_lock);
    struct ghost *g = ghost_find(name, now, fail);
    if (g) {
        g->seen = now;
        if (fail && g->locked_until <= now &&
            ++g->failures >= a->cfg.login_max_failures) {
            g->locked_until = now + a->cfg.login_lockout_s * 1000;
            g->failures = 0;
        }
        until = g->locked_until > now ? g->locked_until : 0;
    }
    pthread_mutex_unlock(&ghost_lock);
    return until;
}

static void locked_out(struct req *r, int64_t until)
{
    char secs[24];
    snprintf(secs, sizeof(secs), "%lld", (long long)((until - r->now_ms) / 1000 + 1));
    http_header(r, "Retry-After", secs);
    http_problem(r, 429, "locked", "Too many failed sign-ins", "サインインの失敗が多すぎます",
                 "Try again later.", "しばらくしてから再度お試しください。", NULL);
}

static void login_failed(struct req *r)
{
    http_problem(r, 401, "login_failed", "Sign-in failed", "サインインできませんでした",
                 "The username or password is wrong.", "ユーザー名又はパスワードが違います。", NULL);
}

void h_login(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct user u;
    if (!doc)
        return;
    if (!http_check_body(r, &account_login_root, doc))
        goto out;
    const char *name = json_string_value(json_object_get(doc, "username"));
    const char *pw = json_string_value(json_object_get(doc, "password"));
    int res = r->app->store->ops->user_get_by_name(r->app->store, name, &u);
    if (res && res != STORE_NOT_FOUND) {
        http_unavailable(r);
        goto out;
    }
    int64_t locked = res == STORE_OK ? (u.locked_until > r->now_ms ? u.locked_until : 0)
                                     : ghost_check(r->app, name, r->now_ms, false);
    if (locked) {
        locked_out(r, locked);
        goto out;
    }
    bool ok = verify_password(r->app, res == STORE_OK ? u.password_hash : NULL, pw);
    if (res == STORE_OK)
        r->app->store->ops->user_login_result(r->app->store, u.id, ok && !u.disabled, r->now_ms,
                                              (int)r->app->cfg.login_max_failures,
                                              r->app->cfg.login_lockout_s * 1000);
    else
        ghost_check(r->app, name, r->now_ms, true);
    if (!ok || res != STORE_OK || u.disabled) {
        LOG(LOG_INFO, "auth.login_failed", LF_S("request_id", r->request_id),
            LF_S("user", res == STORE_OK ? u.id : NULL));
        login_failed(r);
        goto out;
    }
    issue_token(r, &u, "session", "sign-in", r->app->cfg.session_ttl_s * 1000, u.id);
out:
    json_decref(doc);
}

void h_logout(struct req *r)
{
    int res = r->app->store->ops->token_revoke(r->app->store, r->who.token_id, r->who.user_id,
                                               r->who.user_id, r->now_ms);
    http_tcache_clear(r->app->tokens);
    if (res)
        return http_store_error(r, res);
    http_raw(r, 204, "application/json", "", 0);
}

void h_me(struct req *r)
{
    struct org o;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "user_id", r->who.user_id, "username",
                          r->who.username, "role", auth_role_name(r->who.role), "org_id",
                          r->who.org_id);
    if (r->app->store->ops->org_get(r->app->store, r->who.org_id, &o) == STORE_OK)
        json_object_set_new(j, "organization", org_json(&o));
    json_object_set_new(j, "token_expires_at",
                        r->who.expires_at ? http_time(r->who.expires_at) : json_null());
    http_json(r, 200, j);
}

/* ---- organisations ---- */

static const char *opt_str(const json_t *doc, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(doc, key));
    return s ? s : dflt;
}

void h_org_create(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct org o;
    char loc[96];
    if (!doc)
        return;
    if (!http_check_body(r, &account_org_root, doc))
        goto out;
    account_org_from_json(doc, r->now_ms, &o);
    int res = r->app->store->ops->org_create(r->app->store, &o, r->who.user_id, r->now_ms);
    if (res) {
        http_store_error(r, res);
        goto out;
    }
    snprintf(loc, sizeof(loc), "/api/v1/organizations/%s", o.id);
    http_header(r, "Location", loc);
    http_json(r, 201, org_json(&o));
out:
    json_decref(doc);
}

void h_org_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    char after[UUID_STR_LEN];
    struct org *orgs = NULL;
    size_t n = 0;
    bool more = false;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    if (r->app->store->ops->org_list(r->app->store, after[0] ? after : NULL, limit, &orgs, &n,
                                     &more)) {
        free(orgs);
        return http_unavailable(r);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, org_json(&orgs[i]));
    http_page(r, items, more && n ? orgs[n - 1].id : NULL);
    free(orgs);
}

void h_org_get(struct req *r)
{
    struct org o;
    if (!uuid_valid(r->params[0], strlen(r->params[0])))
        return http_not_found(r);
    if (!http_allow(r, ACT_ORG_READ, r->params[0]))
        return;
    int res = r->app->store->ops->org_get(r->app->store, r->params[0], &o);
    if (res)
        return http_store_error(r, res);
    http_json(r, 200, org_json(&o));
}

/* ---- users ---- */

void h_user_create(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct user u;
    char generated[21] = "";
    if (!doc)
        return;
    const char *pw = opt_str(doc, "password", NULL);
    struct verr_list errs;
    verr_list_init(&errs, r->app->limits.max_errors);
    /* the table's checks and the ones it cannot express, reported together */
    report_check_fields(&account_user_root, doc, &r->app->limits, r->now_ms, &errs);
    account_user_from_json(doc, r->now_ms, &u, &errs);
    if (verr_any(&errs)) {
        http_problem(r, 422, "validation", "The request has invalid fields", "入力内容に誤りがあります",
                     NULL, NULL, &errs);
        verr_list_release(&errs);
        goto out;
    }
    verr_list_release(&errs);
    if (!pw) {
        auth_password_generate(generated, sizeof(generated));
        pw = generated;
    }
    pw_enter(r->app);
    int hr = auth_password_hash(pw, u.password_hash);
    pw_leave(r->app);
    int res = hr ? STORE_UNAVAILABLE
                 : r->app->store->ops->user_create(r->app->store, &u, r->who.user_id, r->now_ms);
    if (res) {
        http_store_error(r, res);
        goto out;
    }
    json_t *j = user_json(&u);
    if (generated[0])
        json_object_set_new(j, "initial_password", json_string(generated)); /* shown once */
    sodium_memzero(generated, sizeof(generated));
    http_json(r, 201, j);
out:
    json_decref(doc);
}

void h_user_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", "org_id", NULL};
    char after[UUID_STR_LEN];
    const char *org = http_query(r, "org_id");
    struct user *users = NULL;
    size_t n = 0;
    bool more = false;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    if (org && !uuid_valid(org, strlen(org)))
        return http_bad_query(r, "org_id", "must be an organisation id", "組織IDで指定してください");
    if (r->app->store->ops->user_list(r->app->store, org, after[0] ? after : NULL, limit, &users,
                                      &n, &more)) {
        free(users);
        return http_unavailable(r);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, user_json(&users[i]));
    http_page(r, items, more && n ? users[n - 1].id : NULL);
    free(users);
}

/* ---- API tokens ---- */

void h_token_create(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct user u;
    if (!doc)
        return;
    if (!http_check_body(r, &account_token_root, doc))
        goto out;
    if (r->app->store->ops->user_get(r->app->store, r->who.user_id, &u)) {
        http_unavailable(r);
        goto out;
    }
    json_int_t days = json_integer_value(json_object_get(doc, "expires_in_days"));
    issue_token(r, &u, "api", opt_str(doc, "name", "api"), (int64_t)days * 86400000LL,
                r->who.user_id);
out:
    json_decref(doc);
}

void h_token_list(struct req *r)
{
    struct token_rec *t = NULL;
    size_t n = 0;
    if (r->app->store->ops->token_list(r->app->store, r->who.user_id, &t, &n)) {
        free(t);
        return http_unavailable(r);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, token_json(&t[i]));
    free(t);
    http_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_token_revoke(struct req *r)
{
    const char *id = r->params[0];
    if (!uuid_valid(id, strlen(id)))
        return http_not_found(r);
    /* owners revoke their own; admins any (a stolen token must be stoppable) */
    const char *owner = r->who.role == ROLE_ADMIN ? NULL : r->who.user_id;
    int res = r->app->store->ops->token_revoke(r->app->store, id, owner, r->who.user_id, r->now_ms);
    http_tcache_clear(r->app->tokens);
    if (res)
        return http_store_error(r, res);
    http_raw(r, 204, "application/json", "", 0);
}
