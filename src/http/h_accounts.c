/*
 * h_accounts.c — sign-in (throttled), one's own password, tokens, the caller's identity and
 * organisations over HTTP. Users are administered in h_users.c. The use cases are app_signin,
 * app_password_change, app_token_* and app_org_* (src/app/app_account.h); this file decodes
 * requests (and reads the client's address) and encodes their results.
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
    /* the zone its deadlines are shown in, and whether it chose it or it was derived */
    json_object_set_new(j, "time_zone", json_string(account_org_zone(o)));
    json_object_set_new(j, "time_zone_set", json_boolean(o->time_zone[0] != '\0'));
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

/* ---- signing in, one's own password (app_signin.c) ---- */

void http_client_of(struct req *r, struct app_client *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    c->len = 0;
    if (sa && sa->sa_family == AF_INET) {
        memcpy(c->addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        c->len = 4;
    } else if (sa && sa->sa_family == AF_INET6) {
        memcpy(c->addr, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
        c->len = 16;
    }
}

/* Answers a sign-in or a password change: 201 with the new token, 429 with Retry-After in
 * seconds (RFC 6585 §4, RFC 9110 §10.2.3), or the problem. */
void http_signin_failed(struct req *r, const struct app_signin *out, const struct app_result *res)
{
    if (res->problem == APP_PROB_THROTTLED) {
        char secs[24];
        snprintf(secs, sizeof(secs), "%lld", (long long)((out->wait_ms + 999) / 1000));
        http_header(r, "Retry-After", secs);
        http_fail_result(r, res);
        LOG(LOG_INFO, "auth.throttled", LF_S("request_id", r->request_id),
            LF_I("wait_ms", out->wait_ms));
    } else {
        /* the password was right and a second factor is needed: the page asks for it */
        if (res->problem == APP_PROB_TWO_FACTOR_REQUIRED)
            r->problem_extra = json_pack("{s:b}", "two_factor", true);
        http_fail_result(r, res);
    }
}

static void answer_signin(struct req *r, struct app_signin *out, struct app_result *res)
{
    if (res->problem == APP_OK && r->via_cookie) {
        /* a browser changed its password: its new session is a new cookie, never a token in
         * the body (issue 12) */
        json_t *j = http_session_json(r, out->secret, out->token.expires_at);
        http_session_cookie(r, out->secret);
        if (j)
            http_json(r, 201, j);
        else
            http_unavailable(r);
    } else if (res->problem == APP_OK) {
        json_t *j = token_json(&out->token);
        json_object_set_new(j, "token", json_string(out->secret));
        json_object_set_new(j, "user", http_user_json(&out->user));
        http_json(r, 201, j);
    } else {
        http_signin_failed(r, out, res);
    }
    sodium_memzero(out->secret, sizeof(out->secret));
    sodium_memzero(out->user.password_hash, sizeof(out->user.password_hash));
    app_result_release(res);
}

void h_login(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct app_client client;
    struct app_signin out;
    struct app_result res;
    if (!doc)
        return;
    http_client_of(r, &client);
    app_result_init(&res, r->app->limits.max_errors);
    app_signin(r->app, &client, doc, r->now_ms, &out, &res);
    if (out.failed)
        LOG(LOG_INFO, "auth.login_failed", LF_S("request_id", r->request_id),
            LF_S("user", out.user.id[0] ? out.user.id : NULL));
    answer_signin(r, &out, &res);
    json_decref(doc);
}

void h_password_change(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct app_client client;
    struct app_signin out;
    struct app_result res;
    if (!doc)
        return;
    http_client_of(r, &client);
    app_result_init(&res, r->app->limits.max_errors);
    app_password_change(r->app, &r->who, &client, doc, r->now_ms, &out, &res);
    if (out.revoked) /* every token of the user went: forget the cached ones */
        http_tcache_clear(r->app->tokens);
    answer_signin(r, &out, &res);
    json_decref(doc);
}

void h_logout(struct req *r)
{
    struct app_result res;
    app_result_init(&res, 4);
    app_token_revoke(r->app, &r->who, r->who.token_id, r->now_ms, &res);
    http_tcache_clear(r->app->tokens);
    if (res.problem)
        http_fail_result(r, &res);
    else
        http_raw(r, 204, "application/json", "", 0);
    app_result_release(&res);
}

void h_me(struct req *r)
{
    struct org o;
    struct app_result res;
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s}", "user_id", r->who.user_id, "username", r->who.username,
                  "role", auth_role_name(r->who.role), "org_id", r->who.org_id);
    app_result_init(&res, 4);
    if (app_org_get(r->app, &r->who, r->who.org_id, &o, &res) == APP_OK)
        json_object_set_new(j, "organization", org_json(&o));
    app_result_release(&res);
    json_object_set_new(j, "token_expires_at",
                        r->who.expires_at ? http_time(r->who.expires_at) : json_null());
    json_object_set_new(j, "password_change_required", json_boolean(r->who.password_change_only));
    http_json(r, 200, j);
}

/* ---- organisations ---- */

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
    struct token_rec t;
    struct app_result res;
    char token[AUTH_TOKEN_LEN + 1];
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_token_create(r->app, &r->who, doc, r->now_ms, &u, &t, token, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *j = token_json(&t);
        json_object_set_new(j, "token", json_string(token));
        json_object_set_new(j, "user", http_user_json(&u));
        sodium_memzero(token, sizeof(token));
        http_json(r, 201, j);
    }
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    app_result_release(&res);
    json_decref(doc);
}

void h_token_list(struct req *r)
{
    struct token_rec *t = NULL;
    struct app_result res;
    size_t n = 0;
    app_result_init(&res, 4);
    if (app_token_list(r->app, &r->who, &t, &n, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, token_json(&t[i]));
        http_json(r, 200, json_pack("{s:o}", "items", items));
    }
    app_result_release(&res);
    free(t);
}

void h_token_revoke(struct req *r)
{
    struct app_result res;
    app_result_init(&res, 4);
    enum app_problem p = app_token_revoke(r->app, &r->who, r->params[0], r->now_ms, &res);
    if (p != APP_PROB_NOT_FOUND || res.store) /* the store was asked: tokens may have changed */
        http_tcache_clear(r->app->tokens);
    if (p)
        http_fail_result(r, &res);
    else
        http_raw(r, 204, "application/json", "", 0);
    app_result_release(&res);
}
