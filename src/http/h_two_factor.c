/*
 * h_two_factor.c — one's own two-factor sign-in over HTTP (issue 12): start an enrolment (the
 * secret and its otpauth:// URI, shown once), confirm it with a code (ten recovery codes, shown
 * once), turn it off, and get a new set of recovery codes. The use cases are app_two_factor_*
 * (src/app/app_two_factor.c); the answers never repeat a secret or a code elsewhere.
 */
#include <sodium.h>

#include "http_int.h"
#include "../app/app_account.h"

static json_t *codes_json(char codes[STORE_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1])
{
    json_t *a = json_array();
    for (size_t i = 0; i < STORE_RECOVERY_CODES; i++)
        json_array_append_new(a, json_string(codes[i]));
    sodium_memzero(codes, STORE_RECOVERY_CODES * (AUTH_RECOVERY_CODE_LEN + 1));
    return a;
}

void h_two_factor_begin(struct req *r)
{
    struct app_two_factor_start out;
    struct app_result res;
    app_result_init(&res, 4);
    if (app_two_factor_begin(r->app, &r->who, r->now_ms, &out, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 201, json_pack("{s:s, s:s}", "secret", out.secret, "otpauth_uri", out.uri));
    sodium_memzero(&out, sizeof(out));
    app_result_release(&res);
}

void h_two_factor_confirm(struct req *r)
{
    char codes[STORE_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1];
    struct app_result res;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    enum app_problem p = app_two_factor_confirm(r->app, &r->who, doc, r->now_ms, codes, &res);
    if (p != APP_PROB_VALIDATION) /* the user's tokens may now reach more: forget cached ones */
        http_tcache_clear(r->app->tokens);
    if (p)
        http_fail_result(r, &res);
    else
        http_json(r, 200,
                  json_pack("{s:b, s:o}", "enabled", true, "recovery_codes", codes_json(codes)));
    app_result_release(&res);
    json_decref(doc);
}

void h_two_factor_disable(struct req *r)
{
    struct app_client client;
    struct app_signin out;
    struct app_result res;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    memset(&out, 0, sizeof(out));
    http_client_of(r, &client);
    app_result_init(&res, r->app->limits.max_errors);
    enum app_problem p =
        app_two_factor_disable(r->app, &r->who, &client, doc, r->now_ms, &out, &res);
    if (!p) /* cached lookups still say it is on */
        http_tcache_clear(r->app->tokens);
    if (p)
        http_signin_failed(r, &out, &res);
    else
        http_raw(r, 204, "application/json", "", 0);
    sodium_memzero(out.user.password_hash, sizeof(out.user.password_hash));
    app_result_release(&res);
    json_decref(doc);
}

void h_two_factor_codes(struct req *r)
{
    char codes[STORE_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1];
    struct app_client client;
    struct app_signin out;
    struct app_result res;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    memset(&out, 0, sizeof(out));
    http_client_of(r, &client);
    app_result_init(&res, r->app->limits.max_errors);
    if (app_two_factor_codes(r->app, &r->who, &client, doc, r->now_ms, codes, &out, &res))
        http_signin_failed(r, &out, &res);
    else
        http_json(r, 200, json_pack("{s:o}", "recovery_codes", codes_json(codes)));
    sodium_memzero(out.user.password_hash, sizeof(out.user.password_hash));
    app_result_release(&res);
    json_decref(doc);
}
