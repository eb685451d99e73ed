/*
 * h_accounts.c — sign-in (throttled), one's own password, tokens, the caller's identity and
 * organisations. Users are administered in h_users.c.
 *
 * Request bodies are described by field tables and checked with the report validator's engine,
 * so they get the same gather-all, bilingual errors as reports.
 */
#include <pthread.h>
#include <sodium.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http_int.h"
#include "../core/enc.h"
#include "../core/log.h"
#include "../core/uuid.h"
#include "../app/app_account.h"

/* ---- JSON views (never the password hash or a token hash) ---- */

static json_t *org_json(const struct org *o)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "id", o->id, "name_ja", o->name_ja,
                          "name_en", o->name_en, "kind", o->kind, "sector", o->sector, "listed",
                          o->listed, "created_at", http_time(o->created_at));
    json_object_set_new(j, "corporate_number",
                        o->corporate_number[0] ? json_string(o->corporate_number) : json_null());
    json_object_set_new(j, "prefecture",
                        o->prefecture[0] ? json_string(o->prefecture) : json_null());
    json_object_set_new(j, "size_band", o->size_band[0] ? json_string(o->size_band) : json_null());
    return j;
}

json_t *http_user_json(const struct user *u)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "id", u->id, "org_id", u->org_id,
                     "username", u->username, "display_name", u->display_name, "role",
                     auth_role_name(u->role), "disabled", u->disabled, "password_change_required",
                     u->must_change_password, "created_at", http_time(u->created_at));
}

static json_t *token_json(const struct token_rec *t)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "id", t->id, "name", t->name, "kind",
                     t->kind, "created_at", http_time(t->created_at), "expires_at",
                     t->expires_at ? http_time(t->expires_at) : json_null(), "revoked_at",
                     t->revoked_at ? http_time(t->revoked_at) : json_null());
}

/* Mints a token for u and answers 201 (sign-in, or an API token) with it, shown once. */
static void issue_token(struct req *r, const struct user *u, const char *kind, const char *name,
                        int64_t ttl_ms, const char *actor)
{
    struct token_rec t;
    struct app_result res;
    char token[AUTH_TOKEN_LEN + 1];
    app_result_init(&res, 4);
    if (app_token_issue(r->app, u, kind, name, ttl_ms, actor, r->now_ms, &t, token, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *j = token_json(&t);
        json_object_set_new(j, "token", json_string(token));
        json_object_set_new(j, "user", http_user_json(u));
        sodium_memzero(token, sizeof(token));
        http_json(r, 201, j);
    }
    app_result_release(&res);
}

/* ---- sign-in throttling (issue 8.13) ----
 *
 * Three states are kept per attempt, each under a keyed hash (auth.h): the client address
 * (any names: one address spraying names or passwords), the name (any addresses: many
 * addresses guessing one name), and the pair. The pair's allowance is the small one; so an
 * attacker's failures from elsewhere never delay the owner at their own address until the
 * name's much larger allowance is spent, and even then only by the short, capped delay —
 * there is no lockout. Known and unknown names take exactly the same path: their states live
 * in the same table, are keyed the same way, are written by the same failure job (known ones
 * no longer carry counters in the users table), and nothing is evicted for lack of room
 * (rows are deleted only once forgotten, by time), so neither status, body, headers nor the
 * work done (one argon2 verification, one write) tells them apart. The old lockout kept
 * unknown names in a 1,024-entry memory table: 1,100 other names evicted one and revealed
 * that the locked name was real. */

enum { TK_ADDRESS, TK_NAME, TK_PAIR, TK__COUNT };

struct signin {
    struct throttle_key keys[TK__COUNT];
    struct auth_throttle_policy pol[TK__COUNT];
    struct auth_throttle_state st[TK__COUNT];
};

static pthread_mutex_t secret_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char secret[32];
static bool secret_loaded;

/* The store's key for the hashes, read once. Returns 0 or -1 (store unavailable). */
static int throttle_secret(struct app *a, unsigned char out[32])
{
    int rc = 0;
    pthread_mutex_lock(&secret_lock);
    if (!secret_loaded)
        secret_loaded = store_throttle_secret(a->store, secret) == STORE_OK;
    if (secret_loaded)
        memcpy(out, secret, 32);
    else
        rc = -1;
    pthread_mutex_unlock(&secret_lock);
    return rc;
}

/* The TCP peer: 4 bytes (IPv4) or 16 (IPv6); 0 when unknown. */
static size_t client_addr(struct req *r, unsigned char out[16])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    if (sa && sa->sa_family == AF_INET) {
        memcpy(out, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        return 4;
    }
    if (sa && sa->sa_family == AF_INET6) {
        memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
        return 16;
    }
    return 0;
}

static void policy(const struct config *c, int64_t free, struct auth_throttle_policy *p)
{
    p->free = free;
    p->base_ms = c->login_throttle_base_ms;
    p->max_ms = c->login_throttle_max_s * 1000;
    p->forget_ms = c->login_throttle_forget_s * 1000;
}

/* Fills si's keys for an attempt on name from this client and reads their states. Returns 0
 * or -1 after answering 503. */
static int signin_load(struct req *r, const char *name, struct signin *si)
{
    const struct config *c = &r->app->cfg;
    unsigned char key[32], addr[16];
    size_t alen = client_addr(r, addr);
    memset(si, 0, sizeof(*si));
    if (throttle_secret(r->app, key)) {
        http_unavailable(r);
        return -1;
    }
    auth_throttle_key_addr(key, addr, alen, si->keys[TK_ADDRESS].key);
    auth_throttle_key_name(key, name, si->keys[TK_NAME].key);
    auth_throttle_key_pair(key, addr, alen, name, si->keys[TK_PAIR].key);
    sodium_memzero(key, sizeof(key));
    si->keys[TK_ADDRESS].scope = "address";
    si->keys[TK_NAME].scope = "name";
    si->keys[TK_PAIR].scope = "address+name";
    policy(c, c->login_throttle_address_free, &si->pol[TK_ADDRESS]);
    policy(c, c->login_throttle_name_free, &si->pol[TK_NAME]);
    policy(c, c->login_throttle_free, &si->pol[TK_PAIR]);
    for (int i = 0; i < TK__COUNT; i++)
        si->keys[i].policy = &si->pol[i];
    if (store_throttle_get(r->app->store, si->keys, TK__COUNT, r->now_ms, si->st)) {
        http_unavailable(r);
        return -1;
    }
    return 0;
}

/* Answers 429 and returns true while one of si's delays runs (RFC 6585 §4, Retry-After in
 * seconds, RFC 9110 §10.2.3). The password is not looked at and the attempt does not count. */
static bool signin_delayed(struct req *r, const struct signin *si)
{
    int64_t wait = 0;
    char secs[24];
    for (int i = 0; i < TK__COUNT; i++) {
        int64_t w = auth_throttle_wait(&si->st[i], r->now_ms);
        wait = w > wait ? w : wait;
    }
    if (!wait)
        return false;
    snprintf(secs, sizeof(secs), "%lld", (long long)((wait + 999) / 1000));
    http_header(r, "Retry-After", secs);
    http_fail(r, APP_PROB_THROTTLED, NULL, NULL, NULL);
    LOG(LOG_INFO, "auth.throttled", LF_S("request_id", r->request_id), LF_I("wait_ms", wait));
    return true;
}

/* Records a failed attempt (object_id: the account's id, or "" for a name that is none).
 * Returns 0, or -1 after answering 503. */
static int signin_failed(struct req *r, struct signin *si, const char *object_id)
{
    char detail[96], ka[17], kn[17];
    enc_hex(si->keys[TK_ADDRESS].key, 8, ka);
    enc_hex(si->keys[TK_NAME].key, 8, kn);
    snprintf(detail, sizeof(detail), "address=%s name=%s", ka, kn);
    struct throttle_failure f = {.keys = si->keys,
                                 .n = TK__COUNT,
                                 .object_id = object_id,
                                 .detail = detail,
                                 .now = r->now_ms,
                                 .next = auth_throttle_fail,
                                 .out = si->st};
    if (store_throttle_fail(r->app->store, &f)) {
        http_unavailable(r);
        return -1;
    }
    return 0;
}

/* The owner got in: the name's and the pair's failures are forgotten (the address's are not:
 * one good account must not wash an address's guesses at others). */
static void signin_succeeded(struct req *r, const struct signin *si)
{
    if (si->st[TK_NAME].failures || si->st[TK_PAIR].failures)
        store_throttle_clear(r->app->store, &si->keys[TK_NAME], 2);
}

static void login_failed(struct req *r)
{
    http_fail(r, APP_PROB_LOGIN_FAILED, NULL, NULL, NULL);
}

void h_login(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct user u;
    struct signin si;
    if (!doc)
        return;
    if (!http_check_body(r, &account_login_root, doc))
        goto out;
    const char *name = json_string_value(json_object_get(doc, "username"));
    const char *pw = json_string_value(json_object_get(doc, "password"));
    if (signin_load(r, name, &si) || signin_delayed(r, &si))
        goto out;
    int res = store_user_get_by_name(r->app->store, name, &u);
    if (res && res != STORE_NOT_FOUND) {
        http_unavailable(r);
        goto out;
    }
    bool known = res == STORE_OK;
    bool ok =
        app_password_verify(r->app, known ? u.password_hash : NULL, pw) && known && !u.disabled;
    if (!ok) {
        LOG(LOG_INFO, "auth.login_failed", LF_S("request_id", r->request_id),
            LF_S("user", known ? u.id : NULL));
        if (!signin_failed(r, &si, known ? u.id : ""))
            login_failed(r);
        goto out;
    }
    signin_succeeded(r, &si);
    /* signing in with a password someone else set only lets one change it (issue 8.12) */
    issue_token(r, &u, u.must_change_password ? "setup" : "session", "sign-in",
                r->app->cfg.session_ttl_s * 1000, u.id);
out:
    json_decref(doc);
}

/* ---- one's own password ---- */

/* The problems of a new password, all at once (NIST SP 800-63B §5.1.1.2). */
static bool password_ok(struct req *r, const char *cur, const char *pw)
{
    struct verr_list errs;
    const char *weak = auth_password_weak(pw);
    char en[160];
    verr_list_init(&errs, 4);
    if (weak) {
        snprintf(en, sizeof(en), "new password: %s", weak);
        verr_add(&errs, "/new_password", "weak_password", en,
                 "新しいパスワード: 10文字以上で、同じ文字の繰り返しでないものにしてください");
    } else if (!strcmp(cur, pw)) {
        verr_add(&errs, "/new_password", "unchanged",
                 "new password: must differ from the current one",
                 "新しいパスワード: 現在のパスワードと異なるものにしてください");
    }
    bool ok = !verr_any(&errs);
    if (!ok)
        http_fail(r, APP_PROB_INVALID_FIELDS, NULL, NULL, &errs);
    verr_list_release(&errs);
    return ok;
}

static void wrong_current(struct req *r)
{
    struct verr_list errs;
    verr_list_init(&errs, 2);
    verr_add(&errs, "/current_password", "wrong_password",
             "current password: is not your current password",
             "現在のパスワード: 現在のパスワードと一致しません");
    http_fail(r, APP_PROB_INVALID_FIELDS, NULL, NULL, &errs);
    verr_list_release(&errs);
}

/* Sets the new password and answers with a new session (every other token is revoked). */
static void password_store(struct req *r, const struct user *u, const char *pw)
{
    struct user after = *u;
    char hash[128];
    if (app_password_hash(r->app, pw, hash))
        return http_unavailable(r);
    after.must_change_password = false;
    json_t *ev = account_event_json("account.password_changed", &after, NULL, "self", u->id, false,
                                    r->now_ms);
    char *evs = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    struct password_write w = {u->id, u->org_id, hash, evs, r->now_ms};
    int res = store_user_password_set(r->app->store, &w);
    free(evs);
    sodium_memzero(hash, sizeof(hash));
    http_tcache_clear(r->app->tokens);
    if (res)
        return http_store_error(r, res);
    issue_token(r, &after, "session", "sign-in", r->app->cfg.session_ttl_s * 1000, u->id);
}

void h_password_change(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct user u;
    struct signin si;
    if (!doc)
        return;
    if (!http_check_body(r, &account_password_root, doc))
        goto out;
    const char *cur = json_string_value(json_object_get(doc, "current_password"));
    const char *pw = json_string_value(json_object_get(doc, "new_password"));
    if (!password_ok(r, cur, pw))
        goto out;
    int res = store_user_get(r->app->store, r->who.user_id, &u);
    if (res) {
        http_store_error(r, res == STORE_NOT_FOUND ? STORE_UNAVAILABLE : res);
        goto out;
    }
    /* the current password is guessed no faster here than at sign-in */
    if (signin_load(r, u.username, &si) || signin_delayed(r, &si))
        goto out;
    if (!app_password_verify(r->app, u.password_hash, cur)) {
        if (!signin_failed(r, &si, u.id))
            wrong_current(r);
        goto out;
    }
    signin_succeeded(r, &si);
    password_store(r, &u, pw);
out:
    json_decref(doc);
}

void h_logout(struct req *r)
{
    int res = store_token_revoke(r->app->store, r->who.token_id, r->who.user_id, r->who.user_id,
                                 r->now_ms);
    http_tcache_clear(r->app->tokens);
    if (res)
        return http_store_error(r, res);
    http_raw(r, 204, "application/json", "", 0);
}

void h_me(struct req *r)
{
    struct org o;
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s}", "user_id", r->who.user_id, "username", r->who.username,
                  "role", auth_role_name(r->who.role), "org_id", r->who.org_id);
    if (store_org_get(r->app->store, r->who.org_id, &o) == STORE_OK)
        json_object_set_new(j, "organization", org_json(&o));
    json_object_set_new(j, "token_expires_at",
                        r->who.expires_at ? http_time(r->who.expires_at) : json_null());
    json_object_set_new(j, "password_change_required", json_boolean(r->who.password_change_only));
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
    struct app_result res;
    struct org o;
    char loc[96];
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_org_decode(doc, &r->app->limits, r->now_ms, &o, &res) ||
        app_org_create(r->app, &r->who, &o, r->now_ms, &res)) {
        http_fail_result(r, &res);
    } else {
        snprintf(loc, sizeof(loc), "/api/v1/organizations/%s", o.id);
        http_header(r, "Location", loc);
        http_json(r, 201, org_json(&o));
    }
    app_result_release(&res);
    json_decref(doc);
}

void h_org_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    char after[UUID_STR_LEN];
    struct org *orgs = NULL;
    struct app_result res;
    size_t n = 0;
    bool more = false;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    app_result_init(&res, 4);
    if (app_org_list(r->app, &r->who, after[0] ? after : NULL, limit, &orgs, &n, &more, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, org_json(&orgs[i]));
        http_page(r, items, more && n ? orgs[n - 1].id : NULL);
    }
    app_result_release(&res);
    free(orgs);
}

void h_org_get(struct req *r)
{
    struct org o;
    struct app_result res;
    app_result_init(&res, 4);
    if (app_org_get(r->app, &r->who, r->params[0], &o, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 200, org_json(&o));
    app_result_release(&res);
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
    if (store_user_get(r->app->store, r->who.user_id, &u)) {
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
    if (store_token_list(r->app->store, r->who.user_id, &t, &n)) {
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
    int res = store_token_revoke(r->app->store, id, owner, r->who.user_id, r->now_ms);
    http_tcache_clear(r->app->tokens);
    if (res)
        return http_store_error(r, res);
    http_raw(r, 204, "application/json", "", 0);
}
