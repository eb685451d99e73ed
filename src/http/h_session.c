/*
 * h_session.c — a browser's cookie session over HTTP (issue 12): sign in with the password
 * (and, when the account has it, a second factor) to get the session cookie; read the session
 * (who, which organisation, the CSRF token, until when, two-factor state); sign out. The
 * cookie itself is checked where every credential is (routes.c: http_authenticate), and CSRF
 * there too, once for all routes. The use cases are app_session_signin and app_token_revoke.
 */
#include <sodium.h>

#include "http_int.h"
#include "../app/app_account.h"

void http_session_cookie(struct req *r, const char *secret)
{
    char v[300];
    const char *sec = r->app->cfg.cookie_secure;
    /* "auto": Secure when the request came over TLS. This server speaks plain HTTP only (a TLS
     * terminating proxy in front must be configured with cookie_secure = on), so auto is off. */
    bool secure = !strcmp(sec, "on");
    snprintf(v, sizeof(v), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", HTTP_SESSION_COOKIE,
             secret ? secret : "", secure ? "; Secure" : "", secret ? "" : "; Max-Age=0");
    http_header(r, MHD_HTTP_HEADER_SET_COOKIE, v);
    sodium_memzero(v, sizeof(v));
}

static json_t *org_part(struct req *r)
{
    struct org o;
    struct app_result res;
    json_t *j = json_null();
    app_result_init(&res, 4);
    if (r->who.org_id[0] && app_org_get(r->app, &r->who, r->who.org_id, &o, &res) == APP_OK)
        j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", o.id, "name_ja", o.name_ja, "name_en",
                      o.name_en, "kind", o.kind, "time_zone", account_org_zone(&o));
    app_result_release(&res);
    return j;
}

json_t *http_session_json(struct req *r, const char *secret, int64_t expires_at)
{
    struct user u;
    char csrf[AUTH_CSRF_LEN + 1];
    if (store_user_get(r->app->store, r->who.user_id, &u))
        return NULL;
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    /* a browser's session ends at the earlier of its lifetime and its quiet period */
    int64_t quiet = secret ? r->now_ms + r->app->cfg.session_idle_minutes * 60000 : 0;
    if (quiet && (!expires_at || quiet < expires_at))
        expires_at = quiet;
    bool required = auth_role_requires_two_factor(u.role);
    bool enabled = r->who.two_factor_enabled;
    json_t *user = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", u.id, "username", u.username,
                             "display_name", u.display_name, "role", auth_role_name(u.role),
                             "organization_id", u.org_id, "lang", r->ja ? "ja" : "en");
    json_t *j =
        json_pack("{s:o, s:o, s:b, s:{s:b, s:b, s:b}}", "user", user, "organization", org_part(r),
                  "password_change_required", u.must_change_password, "two_factor", "enabled",
                  enabled, "required", required, "setup_required", required && !enabled);
    if (secret)
        auth_csrf_token(secret, strlen(secret), csrf);
    json_object_set_new(j, "csrf_token", secret ? json_string(csrf) : json_null());
    json_object_set_new(j, "expires_at", expires_at ? http_time(expires_at) : json_null());
    return j;
}

void h_session_create(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct app_client client;
    struct app_signin out;
    struct app_result res;
    if (!doc)
        return;
    http_client_of(r, &client);
    app_result_init(&res, r->app->limits.max_errors);
    if (app_session_signin(r->app, &client, doc, r->now_ms, &out, &res)) {
        http_signin_failed(r, &out, &res);
    } else if (store_token_lookup(r->app->store, out.token.hash, r->now_ms, &r->who)) {
        http_unavailable(r); /* the session just written cannot be read back */
    } else {
        r->authed = true;
        json_t *j = http_session_json(r, out.secret, out.token.expires_at);
        if (j) {
            http_session_cookie(r, out.secret);
            http_json(r, 201, j);
        } else {
            http_unavailable(r);
        }
    }
    sodium_memzero(out.secret, sizeof(out.secret));
    sodium_memzero(out.user.password_hash, sizeof(out.user.password_hash));
    app_result_release(&res);
    json_decref(doc);
}

void h_session_get(struct req *r)
{
    json_t *j = http_session_json(r, r->via_cookie ? r->cookie : NULL, r->who.expires_at);
    if (j)
        http_json(r, 200, j);
    else
        http_unavailable(r);
}

/* Signs out: the session (or, with a bearer token, that token) is revoked and the cookie
 * cleared. */
void h_session_delete(struct req *r)
{
    struct app_result res;
    app_result_init(&res, 4);
    app_token_revoke(r->app, &r->who, r->who.token_id, r->now_ms, &res);
    http_tcache_clear(r->app->tokens);
    http_session_cookie(r, NULL);
    if (res.problem)
        http_fail_result(r, &res);
    else
        http_raw(r, 204, "application/json", "", 0);
    app_result_release(&res);
}
