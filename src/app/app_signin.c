/*
 * app_signin.c — signing in and changing one's own password as use cases (app_account.h),
 * both throttled per client address, name and pair (issue 8.13, src/auth/auth_throttle.c).
 */
#include <pthread.h>
#include <sodium.h>

#include "app_account.h"
#include "../core/enc.h"

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

static void policy(const struct config *c, int64_t free, struct auth_throttle_policy *p)
{
    p->free = free;
    p->base_ms = c->login_throttle_base_ms;
    p->max_ms = c->login_throttle_max_s * 1000;
    p->forget_ms = c->login_throttle_forget_s * 1000;
}

/* Fills si's keys for an attempt on name from client and reads their states. */
static enum app_problem signin_load(struct app *app, const struct app_client *client,
                                    const char *name, int64_t now_ms, struct signin *si,
                                    struct app_result *res)
{
    const struct config *c = &app->cfg;
    unsigned char key[32];
    memset(si, 0, sizeof(*si));
    if (throttle_secret(app, key))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    auth_throttle_key_addr(key, client->addr, client->len, si->keys[TK_ADDRESS].key);
    auth_throttle_key_name(key, name, si->keys[TK_NAME].key);
    auth_throttle_key_pair(key, client->addr, client->len, name, si->keys[TK_PAIR].key);
    sodium_memzero(key, sizeof(key));
    si->keys[TK_ADDRESS].scope = "address";
    si->keys[TK_NAME].scope = "name";
    si->keys[TK_PAIR].scope = "address+name";
    policy(c, c->login_throttle_address_free, &si->pol[TK_ADDRESS]);
    policy(c, c->login_throttle_name_free, &si->pol[TK_NAME]);
    policy(c, c->login_throttle_free, &si->pol[TK_PAIR]);
    for (int i = 0; i < TK__COUNT; i++)
        si->keys[i].policy = &si->pol[i];
    if (store_throttle_get(app->store, si->keys, TK__COUNT, now_ms, si->st))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    return APP_OK;
}

/* THROTTLED while one of si's delays runs (*wait_ms: the longest; RFC 6585 §4): the password
 * is not looked at and the attempt does not count. */
static enum app_problem signin_delayed(const struct signin *si, int64_t now_ms, int64_t *wait_ms,
                                       struct app_result *res)
{
    int64_t wait = 0;
    for (int i = 0; i < TK__COUNT; i++) {
        int64_t w = auth_throttle_wait(&si->st[i], now_ms);
        wait = w > wait ? w : wait;
    }
    *wait_ms = wait;
    return wait ? app_fail(res, APP_PROB_THROTTLED) : APP_OK;
}

/* Records a failed attempt (object_id: the account's id, or "" for a name that is none). */
static enum app_problem signin_failed(struct app *app, struct signin *si, const char *object_id,
                                      int64_t now_ms, struct app_result *res)
{
    char detail[96], ka[17], kn[17];
    enc_hex(si->keys[TK_ADDRESS].key, 8, ka);
    enc_hex(si->keys[TK_NAME].key, 8, kn);
    snprintf(detail, sizeof(detail), "address=%s name=%s", ka, kn);
    struct throttle_failure f = {.keys = si->keys,
                                 .n = TK__COUNT,
                                 .object_id = object_id,
                                 .detail = detail,
                                 .now = now_ms,
                                 .next = auth_throttle_fail,
                                 .out = si->st};
    return store_throttle_fail(app->store, &f) ? app_fail(res, APP_PROB_UNAVAILABLE) : APP_OK;
}

/* Two-factor sign-in (issue 12, app_two_factor.c), once the password is right: a wrong code
 * counts as a failed sign-in (throttled like a wrong password); a missing one does not (the
 * page asks for it after the password). */
static enum app_problem signin_second_factor(struct app *app, struct signin *si, const json_t *body,
                                             int64_t now_ms, struct app_signin *out,
                                             struct app_result *res)
{
    switch (app_two_factor_signin(app, &out->user, body, now_ms, res)) {
    case APP_SECOND_OK:
        return APP_OK;
    case APP_SECOND_ERROR:
        return res->problem;
    case APP_SECOND_WRONG:
        out->failed = true;
        if (signin_failed(app, si, out->user.id, now_ms, res))
            return res->problem;
        break;
    default:
        break;
    }
    return app_fail(res, APP_PROB_TWO_FACTOR_REQUIRED);
}

/* The owner got in: the name's and the pair's failures are forgotten (the address's are not:
 * one good account must not wash an address's guesses at others). */
static void signin_succeeded(struct app *app, const struct signin *si)
{
    if (si->st[TK_NAME].failures || si->st[TK_PAIR].failures)
        store_throttle_clear(app->store, &si->keys[TK_NAME], 2);
}

/* The kind of token a sign-in opens: a browser's cookie session ("web") or a bearer session
 * ("session"), each limited to changing the password while the password is someone else's
 * (issue 8.12). */
static const char *session_kind(bool web, bool setup)
{
    if (web)
        return setup ? "web-setup" : "web";
    return setup ? "setup" : "session";
}

static int64_t session_ttl_ms(const struct app *app, bool web)
{
    return web ? app->cfg.session_max_hours * 3600000LL : app->cfg.session_ttl_s * 1000;
}

static enum app_problem signin(struct app *app, const struct app_client *client, const json_t *body,
                               int64_t now_ms, bool web, struct app_signin *out,
                               struct app_result *res)
{
    struct signin si;
    memset(out, 0, sizeof(*out));
    schema_check(&account_login_root, body, &app->limits, now_ms, &res->errs);
    if (app_fail_if_errors(res, APP_PROB_VALIDATION))
        return res->problem;
    const char *name = json_string_value(json_object_get(body, "username"));
    const char *pw = json_string_value(json_object_get(body, "password"));
    if (signin_load(app, client, name, now_ms, &si, res) ||
        signin_delayed(&si, now_ms, &out->wait_ms, res))
        return res->problem;
    int sr = store_user_get_by_name(app->store, name, &out->user);
    if (sr && sr != STORE_NOT_FOUND)
        return app_fail(res, APP_PROB_UNAVAILABLE);
    bool known = sr == STORE_OK;
    if (!known)
        memset(&out->user, 0, sizeof(out->user));
    bool ok = app_password_verify(app, known ? out->user.password_hash : NULL, pw) && known &&
              !out->user.disabled;
    if (!ok) {
        out->failed = true;
        if (!signin_failed(app, &si, known ? out->user.id : "", now_ms, res))
            app_fail(res, APP_PROB_LOGIN_FAILED);
        return res->problem;
    }
    if (signin_second_factor(app, &si, body, now_ms, out, res))
        return res->problem;
    signin_succeeded(app, &si);
    /* signing in with a password someone else set only lets one change it (issue 8.12) */
    return app_token_issue(app, &out->user, session_kind(web, out->user.must_change_password),
                           web ? "browser" : "sign-in", session_ttl_ms(app, web), out->user.id,
                           now_ms, &out->token, out->secret, res);
}

enum app_problem app_signin(struct app *app, const struct app_client *client, const json_t *body,
                            int64_t now_ms, struct app_signin *out, struct app_result *res)
{
    return signin(app, client, body, now_ms, false, out, res);
}

enum app_problem app_session_signin(struct app *app, const struct app_client *client,
                                    const json_t *body, int64_t now_ms, struct app_signin *out,
                                    struct app_result *res)
{
    return signin(app, client, body, now_ms, true, out, res);
}

/* The problems of a new password, all at once (NIST SP 800-63B §5.1.1.2). */
static enum app_problem password_ok(const char *cur, const char *pw, struct app_result *res)
{
    const char *weak = auth_password_weak(pw);
    char en[160];
    if (weak) {
        snprintf(en, sizeof(en), "new password: %s", weak);
        verr_add(&res->errs, "/new_password", "weak_password", en,
                 "新しいパスワード: 10文字以上で、同じ文字の繰り返しでないものにしてください");
    } else if (!strcmp(cur, pw)) {
        verr_add(&res->errs, "/new_password", "unchanged",
                 "new password: must differ from the current one",
                 "新しいパスワード: 現在のパスワードと異なるものにしてください");
    }
    return app_fail_if_errors(res, APP_PROB_INVALID_FIELDS);
}

/* Sets the new password (every token of the user is revoked) and opens a new session. */
static enum app_problem password_store(struct app *app, const char *pw, bool web, int64_t now_ms,
                                       struct app_signin *out, struct app_result *res)
{
    char hash[128];
    const struct user *u = &out->user;
    if (app_password_hash(app, pw, hash))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    out->user.must_change_password = false;
    json_t *ev =
        account_event_json("account.password_changed", u, NULL, "self", u->id, false, now_ms);
    char *evs = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    struct password_write w = {u->id, u->org_id, hash, evs, now_ms};
    int sr = store_user_password_set(app->store, &w);
    free(evs);
    sodium_memzero(hash, sizeof(hash));
    out->revoked = true;
    if (sr)
        return app_fail_store(res, sr);
    return app_token_issue(app, u, session_kind(web, false), web ? "browser" : "sign-in",
                           session_ttl_ms(app, web), u->id, now_ms, &out->token, out->secret, res);
}

enum app_problem app_password_change(struct app *app, const struct principal *who,
                                     const struct app_client *client, const json_t *body,
                                     int64_t now_ms, struct app_signin *out, struct app_result *res)
{
    struct signin si;
    memset(out, 0, sizeof(*out));
    schema_check(&account_password_root, body, &app->limits, now_ms, &res->errs);
    if (app_fail_if_errors(res, APP_PROB_VALIDATION))
        return res->problem;
    const char *cur = json_string_value(json_object_get(body, "current_password"));
    const char *pw = json_string_value(json_object_get(body, "new_password"));
    if (password_ok(cur, pw, res))
        return res->problem;
    int sr = store_user_get(app->store, who->user_id, &out->user);
    if (sr)
        return app_fail(res, APP_PROB_UNAVAILABLE); /* the signed-in user is gone */
    /* the current password is guessed no faster here than at sign-in */
    if (signin_load(app, client, out->user.username, now_ms, &si, res) ||
        signin_delayed(&si, now_ms, &out->wait_ms, res))
        return res->problem;
    if (!app_password_verify(app, out->user.password_hash, cur)) {
        if (!signin_failed(app, &si, out->user.id, now_ms, res)) {
            verr_add(&res->errs, "/current_password", "wrong_password",
                     "current password: is not your current password",
                     "現在のパスワード: 現在のパスワードと一致しません");
            app_fail(res, APP_PROB_INVALID_FIELDS);
        }
        return res->problem;
    }
    signin_succeeded(app, &si);
    /* a browser's session is replaced by a browser's session (a new cookie) */
    return password_store(app, pw, who->web_session, now_ms, out, res);
}

enum app_problem app_password_recheck(struct app *app, const struct principal *who,
                                      const struct app_client *client, const json_t *body,
                                      int64_t now_ms, struct app_signin *out,
                                      struct app_result *res)
{
    struct signin si;
    const char *pw = json_string_value(json_object_get(body, "password"));
    memset(out, 0, sizeof(*out));
    if (!pw || !*pw) {
        verr_add(&res->errs, "/password", "required", "password: is required",
                 "password: 必須です");
        return app_fail(res, APP_PROB_VALIDATION);
    }
    int sr = store_user_get(app->store, who->user_id, &out->user);
    if (sr)
        return app_fail(res, APP_PROB_UNAVAILABLE);
    if (signin_load(app, client, out->user.username, now_ms, &si, res) ||
        signin_delayed(&si, now_ms, &out->wait_ms, res))
        return res->problem;
    if (!app_password_verify(app, out->user.password_hash, pw)) {
        if (!signin_failed(app, &si, out->user.id, now_ms, res)) {
            verr_add(&res->errs, "/password", "wrong_password",
                     "password: is not your current password",
                     "password: 現在のパスワードと一致しません");
            app_fail(res, APP_PROB_INVALID_FIELDS);
        }
        return res->problem;
    }
    signin_succeeded(app, &si);
    sodium_memzero(out->user.password_hash, sizeof(out->user.password_hash));
    return APP_OK;
}
