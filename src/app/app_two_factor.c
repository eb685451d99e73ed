/*
 * app_two_factor.c — two-factor sign-in as use cases (issue 12; app_account.h): enrolment
 * (a new TOTP secret, pending until a code from it is confirmed), confirmation with ten
 * one-time recovery codes, turning it off (not for roles that require it), a new set of
 * recovery codes, and the check sign-in makes. A secret is sealed with the store's server key
 * "totp" before it is stored; each accepted code's time step is recorded in the same write
 * that accepts it, so a code (or a copy of it) works once.
 */
#include <sodium.h>

#include "app_account.h"
#include "../core/enc.h"

/* The user's secret, unsealed, into out (AUTH_TOTP_SECRET_LEN bytes). */
static enum app_problem secret_of(struct app *app, const struct totp_rec *t,
                                  unsigned char out[AUTH_TOTP_SECRET_LEN], struct app_result *res)
{
    unsigned char key[32];
    size_t n = 0;
    if (store_server_key(app->store, "totp", key))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    int rc = auth_unseal(key, t->sealed, t->sealed_len, out, AUTH_TOTP_SECRET_LEN, &n);
    sodium_memzero(key, sizeof(key));
    if (rc || n != AUTH_TOTP_SECRET_LEN)
        return app_fail(res, APP_PROB_UNAVAILABLE); /* sealed with another key: not ours */
    return APP_OK;
}

static enum app_problem state_problem(struct app_result *res, const char *en, const char *ja)
{
    return app_fail_detail(res, APP_PROB_TWO_FACTOR_STATE, en, ja);
}

/* The otpauth:// URI authenticator apps read (Google Authenticator's Key Uri Format): label
 * "ichigen:<username>", the secret, issuer, 6 digits, 30 seconds. Usernames are of
 * [a-z0-9._@-] (auth_username_valid), so only '@' needs percent-encoding. */
static void otpauth_uri(const char *username, const char *b32, char *out, size_t n)
{
    char name[200];
    size_t k = 0;
    for (const char *p = username; *p && k + 4 < sizeof(name); p++) {
        if (*p == '@') {
            memcpy(name + k, "%40", 3);
            k += 3;
        } else {
            name[k++] = *p;
        }
    }
    name[k] = '\0';
    snprintf(out, n, "otpauth://totp/ichigen:%s?secret=%s&issuer=ichigen&digits=6&period=%d", name,
             b32, AUTH_TOTP_STEP_S);
}

enum app_problem app_two_factor_begin(struct app *app, const struct principal *who, int64_t now_ms,
                                      struct app_two_factor_start *out, struct app_result *res)
{
    struct totp_rec t;
    unsigned char secret[AUTH_TOTP_SECRET_LEN], key[32];
    memset(out, 0, sizeof(*out));
    memset(&t, 0, sizeof(t));
    if (store_server_key(app->store, "totp", key))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    auth_totp_secret_new(secret);
    xstrlcpy(t.user_id, who->user_id, sizeof(t.user_id));
    int rc = auth_seal(key, secret, sizeof(secret), t.sealed, sizeof(t.sealed), &t.sealed_len) ||
             auth_totp_base32(secret, sizeof(secret), out->secret, sizeof(out->secret));
    sodium_memzero(key, sizeof(key));
    sodium_memzero(secret, sizeof(secret));
    if (rc)
        return app_fail(res, APP_PROB_UNAVAILABLE);
    int sr = store_totp_begin(app->store, &t, now_ms);
    if (sr == STORE_CONFLICT)
        return state_problem(res, "Two-factor sign-in is already on for this account.",
                             "このアカウントでは2段階認証がすでに有効です。");
    if (sr)
        return app_fail_store(res, sr);
    otpauth_uri(who->username, out->secret, out->uri, sizeof(out->uri));
    return APP_OK;
}

/* Ten new recovery codes into codes (shown once) and their hashes into set. */
static void recovery_new(char codes[STORE_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1],
                         struct recovery_set *set)
{
    memset(set, 0, sizeof(*set));
    set->n = STORE_RECOVERY_CODES;
    for (size_t i = 0; i < set->n; i++) {
        auth_recovery_code_new(codes[i]);
        if (auth_recovery_code_hash(codes[i], set->hash[i]))
            BUG("a new recovery code does not hash");
    }
}

static enum app_problem wrong_code(struct app_result *res)
{
    verr_add(&res->errs, "/code", "wrong_code",
             "code: is not the current code of the authenticator app",
             "code: 認証アプリの現在のコードと一致しません");
    return app_fail(res, APP_PROB_INVALID_FIELDS);
}

enum app_problem
app_two_factor_confirm(struct app *app, const struct principal *who, const json_t *body,
                       int64_t now_ms, char codes[STORE_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1],
                       struct app_result *res)
{
    struct totp_rec t;
    struct recovery_set set;
    unsigned char secret[AUTH_TOTP_SECRET_LEN];
    int64_t step = 0;
    const char *code = json_string_value(json_object_get(body, "code"));
    if (!code) {
        verr_add(&res->errs, "/code", "required", "code: is required (the 6 digits of the app)",
                 "code: 必須です（認証アプリの6桁）");
        return app_fail(res, APP_PROB_VALIDATION);
    }
    int sr = store_totp_get(app->store, who->user_id, &t);
    if (sr && sr != STORE_NOT_FOUND)
        return app_fail(res, APP_PROB_UNAVAILABLE);
    if (sr || t.enabled_at)
        return state_problem(res,
                             sr ? "No enrolment to confirm: start with POST /api/v1/me/two-factor."
                                : "Two-factor sign-in is already on for this account.",
                             sr ? "確認する登録がありません。POST /api/v1/me/two-factor から始め"
                                  "てください。"
                                : "このアカウントでは2段階認証がすでに有効です。");
    if (secret_of(app, &t, secret, res))
        return res->problem;
    int bad = auth_totp_check(secret, sizeof(secret), code, now_ms, &step);
    sodium_memzero(secret, sizeof(secret));
    if (bad)
        return wrong_code(res);
    recovery_new(codes, &set);
    sr = store_totp_enable(app->store, who->user_id, step, &set, now_ms);
    if (sr == STORE_CONFLICT)
        return state_problem(res, "The enrolment changed meanwhile; start again.",
                             "その間に登録が変更されました。最初からやり直してください。");
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_two_factor_disable(struct app *app, const struct principal *who,
                                        const struct app_client *client, const json_t *body,
                                        int64_t now_ms, struct app_signin *out,
                                        struct app_result *res)
{
    if (auth_role_requires_two_factor(who->role))
        return app_fail(res, APP_PROB_TWO_FACTOR_REQUIRED_FOR_ROLE);
    if (app_password_recheck(app, who, client, body, now_ms, out, res))
        return res->problem;
    int sr = store_totp_disable(app->store, who->user_id, who->user_id, now_ms);
    if (sr == STORE_NOT_FOUND)
        return state_problem(res, "Two-factor sign-in is not on for this account.",
                             "このアカウントでは2段階認証は有効になっていません。");
    return sr ? app_fail_store(res, sr) : APP_OK;
}

enum app_problem app_two_factor_codes(struct app *app, const struct principal *who,
                                      const struct app_client *client, const json_t *body,
                                      int64_t now_ms,
                                      char codes[STORE_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1],
                                      struct app_signin *out, struct app_result *res)
{
    struct recovery_set set;
    if (app_password_recheck(app, who, client, body, now_ms, out, res))
        return res->problem;
    recovery_new(codes, &set);
    int sr = store_recovery_set(app->store, who->user_id, &set, now_ms);
    if (sr == STORE_CONFLICT)
        return state_problem(res, "Two-factor sign-in is not on for this account.",
                             "このアカウントでは2段階認証は有効になっていません。");
    return sr ? app_fail_store(res, sr) : APP_OK;
}

/* A TOTP code: right for now (±1 step) and its step not accepted before. */
static enum app_second totp_ok(struct app *app, const struct totp_rec *t, const char *code,
                               int64_t now_ms, struct app_result *res)
{
    unsigned char secret[AUTH_TOTP_SECRET_LEN];
    int64_t step = 0;
    if (secret_of(app, t, secret, res))
        return APP_SECOND_ERROR;
    int bad = auth_totp_check(secret, sizeof(secret), code, now_ms, &step);
    sodium_memzero(secret, sizeof(secret));
    if (bad)
        return APP_SECOND_WRONG;
    int sr = store_totp_use_step(app->store, t->user_id, step);
    if (sr == STORE_CONFLICT) /* this code (or a later one) was accepted already */
        return APP_SECOND_WRONG;
    if (sr) {
        app_fail_store(res, sr);
        return APP_SECOND_ERROR;
    }
    return APP_SECOND_OK;
}

enum app_second app_two_factor_signin(struct app *app, const struct user *u, const json_t *body,
                                      int64_t now_ms, struct app_result *res)
{
    struct totp_rec t;
    unsigned char hash[HASH_SHA256_LEN];
    int sr = store_totp_get(app->store, u->id, &t);
    if (sr == STORE_NOT_FOUND || (sr == STORE_OK && !t.enabled_at))
        return APP_SECOND_OK; /* not on (a pending enrolment is not on) */
    if (sr) {
        app_fail(res, APP_PROB_UNAVAILABLE);
        return APP_SECOND_ERROR;
    }
    const char *code = json_string_value(json_object_get(body, "totp_code"));
    const char *rc = json_string_value(json_object_get(body, "recovery_code"));
    if (code && *code)
        return totp_ok(app, &t, code, now_ms, res);
    if (!rc || !*rc)
        return APP_SECOND_MISSING;
    if (auth_recovery_code_hash(rc, hash))
        return APP_SECOND_WRONG;
    sr = store_recovery_use(app->store, u->id, hash, now_ms);
    if (sr == STORE_NOT_FOUND)
        return APP_SECOND_WRONG;
    if (sr) {
        app_fail_store(res, sr);
        return APP_SECOND_ERROR;
    }
    return APP_SECOND_OK;
}
