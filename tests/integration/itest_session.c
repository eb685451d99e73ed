/*
 * itest_session.c — a browser's cookie session (issue 12). Signing in sets exactly the cookie
 * the contract names and answers the session object; a change made with the cookie needs the
 * session's X-CSRF-Token (403 csrf_token_invalid without it or with another), reads do not; a
 * bearer token wins over a cookie, and a session's token is refused as a bearer token; the
 * cookie gets the same 404 for another organisation's report and 403 for a role's limits as a
 * token does; a session quiet for session_idle_minutes, or older than session_max_hours, has
 * ended (the session's times are set back in the database: no test waits half an hour); a
 * password someone else set reaches only the password change, which answers a new cookie;
 * signing out revokes; failed browser sign-ins count toward /auth/login's throttling; sign-in
 * and sign-out are audited; the cookie's value never reaches the log.
 */
#include "itest.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "core/rtime.h"

static struct itest_fixture F;
static const char *const settings[] = {"--login-throttle-free=3", "--login-throttle-base-ms=600000",
                                       "--password-hash-mem-kib=8", "--password-hash-ops=1", NULL};
static char report_b[40]; /* a report of organisation B */

struct session {
    char cookie[128]; /* "Cookie: ichigen_session=…" */
    char value[64];   /* the cookie's value */
    char csrf[128];   /* "X-CSRF-Token: …" */
    char token[64];   /* the CSRF token alone */
};

static int setup(void **state)
{
    struct itest_resp r;
    (void)state;
    if (itest_fixture_setup(&F, settings))
        return -1;
    json_t *doc = itest_report_doc("組織Bの報告");
    char *body = itest_dump(doc);
    json_decref(doc);
    long st = itest_post(&F.srv, F.rep_b.token, "/api/v1/reports", body, &r);
    free(body);
    if (st != 201)
        return -1;
    xstrlcpy(report_b, itest_jstr(r.json, "/id"), sizeof(report_b));
    itest_resp_release(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    itest_fixture_teardown(&F);
    return 0;
}

/* POST /api/v1/auth/session; on 201 fills s from Set-Cookie and the body. Returns the status. */
static long sign_in(const char *username, const char *password, const char *extra,
                    struct session *s, struct itest_resp *r)
{
    char body[400], set_cookie[300];
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"%s}", username, password,
             extra ? extra : "");
    itest_http(&F.srv, &(struct itest_req){.path = "/api/v1/auth/session", .body = body}, r);
    if (r->status != 201 || !s)
        return r->status;
    memset(s, 0, sizeof(*s));
    assert_non_null(itest_header(r, "Set-Cookie", set_cookie, sizeof(set_cookie)));
    assert_int_equal(strncmp(set_cookie, "ichigen_session=", 16), 0);
    size_t n = strcspn(set_cookie + 16, ";");
    assert_true(n > 0 && n < sizeof(s->value));
    memcpy(s->value, set_cookie + 16, n);
    snprintf(s->cookie, sizeof(s->cookie), "Cookie: ichigen_session=%s", s->value);
    const char *csrf = itest_jstr(r->json, "/csrf_token");
    assert_non_null(csrf);
    xstrlcpy(s->token, csrf, sizeof(s->token));
    snprintf(s->csrf, sizeof(s->csrf), "X-CSRF-Token: %s", csrf);
    return r->status;
}

static long sign_in_user(const struct itest_user *u, struct session *s)
{
    struct itest_resp r;
    long st = sign_in(u->username, u->password, NULL, s, &r);
    itest_resp_release(&r);
    return st;
}

/* A request with the session's cookie, with its CSRF token when csrf is true. */
static long with_cookie(const struct session *s, bool csrf, const char *method, const char *path,
                        const char *body, struct itest_resp *r)
{
    itest_http(&F.srv,
               &(struct itest_req){.method = method,
                                   .path = path,
                                   .body = body,
                                   .headers = {s->cookie, csrf ? s->csrf : NULL}},
               r);
    return r->status;
}

static long cookie_status(const struct session *s, bool csrf, const char *method, const char *path,
                          const char *body)
{
    struct itest_resp r;
    long st = with_cookie(s, csrf, method, path, body, &r);
    itest_resp_release(&r);
    return st;
}

/* The boolean at doc.two_factor.name. */
static json_t *two_factor(json_t *doc, const char *name)
{
    return json_object_get(json_object_get(doc, "two_factor"), name);
}

/* The newest audit entry with action and a detail containing detail (NULL: any); true when
 * there is one for object_id. */
static bool audited(const char *action, const char *object_id, const char *detail)
{
    struct itest_resp r;
    bool found = false;
    assert_int_equal(itest_get(&F.srv, F.admin.token, "/api/v1/audit?limit=200", &r), 200);
    json_t *items = json_object_get(r.json, "items");
    for (size_t i = 0; i < json_array_size(items) && !found; i++) {
        json_t *e = json_array_get(items, i);
        const char *a = json_string_value(json_object_get(e, "action"));
        const char *o = json_string_value(json_object_get(e, "object_id"));
        const char *d = json_string_value(json_object_get(e, "detail"));
        found = a && o && !strcmp(a, action) && !strcmp(o, object_id) &&
                (!detail || (d && strstr(d, detail)));
    }
    itest_resp_release(&r);
    return found;
}

/* The token id of the session (GET /api/v1/tokens with the cookie: the newest "web" one). */
static void session_token_id(const struct session *s, char id[40])
{
    struct itest_resp r;
    assert_int_equal(with_cookie(s, false, "GET", "/api/v1/tokens", NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    id[0] = '\0';
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *t = json_array_get(items, i);
        if (!strcmp(json_string_value(json_object_get(t, "kind")), "web"))
            xstrlcpy(id, json_string_value(json_object_get(t, "id")), 40);
    }
    itest_resp_release(&r);
    assert_true(id[0] != '\0');
}

static void test_sign_in(void **state)
{
    struct session s;
    struct itest_resp r;
    char set_cookie[300], want[300], tok[40];
    (void)state;
    assert_int_equal(sign_in(F.rep_a.username, F.rep_a.password, NULL, &s, &r), 201);
    /* exactly the contract's attributes (cookie_secure is auto: plain HTTP, so no Secure) */
    itest_header(&r, "Set-Cookie", set_cookie, sizeof(set_cookie));
    snprintf(want, sizeof(want), "ichigen_session=%s; Path=/; HttpOnly; SameSite=Strict", s.value);
    assert_string_equal(set_cookie, want);
    assert_int_equal(strlen(s.value), 48);
    assert_string_equal(itest_jstr(r.json, "/user/username"), F.rep_a.username);
    assert_string_equal(itest_jstr(r.json, "/user/id"), F.rep_a.id);
    assert_string_equal(itest_jstr(r.json, "/user/role"), "reporter");
    assert_string_equal(itest_jstr(r.json, "/user/organization_id"), F.org_a);
    assert_string_equal(itest_jstr(r.json, "/organization/id"), F.org_a);
    assert_non_null(itest_jstr(r.json, "/organization/time_zone"));
    assert_non_null(itest_jstr(r.json, "/expires_at"));
    assert_int_equal(strlen(s.token), 43);
    assert_true(json_is_false(json_object_get(r.json, "password_change_required")));
    assert_true(json_is_false(two_factor(r.json, "enabled")));
    assert_true(json_is_false(two_factor(r.json, "required")));
    assert_true(json_is_false(two_factor(r.json, "setup_required")));
    assert_null(json_object_get(r.json, "token")); /* never in the body */
    assert_null(strstr(r.body, s.value));
    itest_resp_release(&r);
    /* the cookie reads the session and the API */
    assert_int_equal(with_cookie(&s, false, "GET", "/api/v1/auth/session", NULL, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/csrf_token"), s.token);
    itest_resp_release(&r);
    assert_int_equal(with_cookie(&s, false, "GET", "/api/v1/me", NULL, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/user_id"), F.rep_a.id);
    itest_resp_release(&r);
    session_token_id(&s, tok);
    assert_true(audited("token.create", tok, "kind=web"));
    /* no cookie: 401 */
    assert_int_equal(itest_get(&F.srv, NULL, "/api/v1/auth/session", &r), 401);
    itest_resp_release(&r);
    /* a cookie with no session behind it: 401, and the browser is told to drop it */
    struct session bogus = s;
    snprintf(bogus.cookie, sizeof(bogus.cookie),
             "Cookie: ichigen_session=ichi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_int_equal(with_cookie(&bogus, false, "GET", "/api/v1/me", NULL, &r), 401);
    assert_string_equal(itest_problem_code(&r), "session_invalid");
    itest_header(&r, "Set-Cookie", set_cookie, sizeof(set_cookie));
    assert_string_equal(set_cookie,
                        "ichigen_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    itest_resp_release(&r);
}

/* The session's token is a cookie only: as a bearer token it is refused. */
static void test_cookie_not_a_bearer(void **state)
{
    struct session s;
    struct itest_resp r;
    (void)state;
    assert_int_equal(sign_in_user(&F.rep_a, &s), 201);
    assert_int_equal(itest_get(&F.srv, s.value, "/api/v1/me", &r), 401);
    assert_string_equal(itest_problem_code(&r), "invalid_token");
    itest_resp_release(&r);
}

static void test_csrf(void **state)
{
    struct session s;
    struct itest_resp r;
    char bad[128];
    (void)state;
    assert_int_equal(sign_in_user(&F.rep_a, &s), 201);
    json_t *doc = itest_report_doc("クッキーでの報告");
    char *body = itest_dump(doc);
    json_decref(doc);
    /* a change without the token, or with another: 403 */
    assert_int_equal(with_cookie(&s, false, "POST", "/api/v1/reports", body, &r), 403);
    assert_string_equal(itest_problem_code(&r), "csrf_token_invalid");
    assert_non_null(itest_jstr(r.json, "/title"));
    itest_resp_release(&r);
    struct session wrong = s;
    /* another token: the right one with its last character changed (never the same one) */
    char other[64];
    xstrlcpy(other, s.token, sizeof(other));
    size_t last = strlen(other) - 1;
    other[last] = other[last] == 'A' ? 'B' : 'A';
    snprintf(bad, sizeof(bad), "X-CSRF-Token: %s", other);
    xstrlcpy(wrong.csrf, bad, sizeof(wrong.csrf));
    assert_int_equal(with_cookie(&wrong, true, "POST", "/api/v1/reports", body, &r), 403);
    assert_string_equal(itest_problem_code(&r), "csrf_token_invalid");
    itest_resp_release(&r);
    /* the Japanese text */
    itest_http(&F.srv,
               &(struct itest_req){.path = "/api/v1/reports",
                                   .body = body,
                                   .headers = {s.cookie, "Accept-Language: ja"}},
               &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(itest_jstr(r.json, "/title"), "CSRF トークンがないか、正しくありません");
    itest_resp_release(&r);
    /* with it: done */
    assert_int_equal(with_cookie(&s, true, "POST", "/api/v1/reports", body, &r), 201);
    itest_resp_release(&r);
    /* reads need none */
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/reports", NULL), 200);
    /* a bearer token wins: the cookie is ignored, and no CSRF token is needed */
    itest_http(
        &F.srv,
        &(struct itest_req){
            .path = "/api/v1/reports", .body = body, .token = F.rep_b.token, .headers = {s.cookie}},
        &r);
    assert_int_equal(r.status, 201);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/reports/%s", itest_jstr(r.json, "/id"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, path, &r), 200); /* B's report */
    itest_resp_release(&r);
    assert_int_equal(cookie_status(&s, false, "GET", path, NULL), 404);
    itest_http(
        &F.srv,
        &(struct itest_req){.path = "/api/v1/me", .token = F.rep_b.token, .headers = {s.cookie}},
        &r);
    assert_string_equal(itest_jstr(r.json, "/user_id"), F.rep_b.id);
    itest_resp_release(&r);
    free(body);
}

/* Through the cookie, authorisation answers as it does for tokens. */
static void test_wrong_org_and_role(void **state)
{
    struct session s;
    char path[128];
    (void)state;
    assert_int_equal(sign_in_user(&F.rep_a, &s), 201);
    snprintf(path, sizeof(path), "/api/v1/reports/%s", report_b);
    assert_int_equal(cookie_status(&s, false, "GET", path, NULL), 404);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/withdraw", report_b);
    assert_int_equal(cookie_status(&s, true, "POST", path, "{\"reason\":\"not ours\"}"), 404);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/audit", NULL), 403);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/inbox", NULL), 403);
    assert_int_equal(cookie_status(&s, true, "POST", "/api/v1/organizations",
                                   "{\"name_ja\":\"x\",\"name_en\":\"x\",\"kind\":\"company\"}"),
                     403);
}

/* Sets the session's last use and creation (and, when expires is non-zero, its end) in the
 * database, as if time had passed. */
static void age_session(const char *token_id, int64_t at, int64_t expires)
{
    char when[24], end[24];
    long long changed = 0;
    snprintf(when, sizeof(when), "%lld", (long long)at);
    snprintf(end, sizeof(end), "%lld", (long long)expires);
    const char *const params[] = {token_id, when, end};
    json_t *rows = itest_sql(&F.srv,
                             expires ? "UPDATE api_tokens SET created_at = $2, last_used_at = $2,"
                                       " expires_at = $3 WHERE id = $1"
                                     : "UPDATE api_tokens SET created_at = $2, last_used_at = $2"
                                       " WHERE id = $1",
                             params, expires ? 3 : 2, &changed);
    assert_non_null(rows);
    assert_int_equal(changed, 1);
    json_decref(rows);
}

static void test_idle_and_lifetime(void **state)
{
    struct session s, t;
    struct itest_resp r;
    char id[40];
    (void)state;
    /* 29 minutes quiet: still on (the default quiet period is 30) — and its use counts */
    assert_int_equal(sign_in_user(&F.rep_a, &s), 201);
    session_token_id(&s, id);
    age_session(id, rtime_now_ms() - 29 * 60000LL, 0);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/me", NULL), 200);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/me", NULL), 200);
    /* 31 minutes quiet: ended */
    age_session(id, rtime_now_ms() - 31 * 60000LL, 0);
    assert_int_equal(with_cookie(&s, false, "GET", "/api/v1/auth/session", NULL, &r), 401);
    assert_string_equal(itest_problem_code(&r), "session_invalid");
    itest_resp_release(&r);
    /* busy but past its lifetime: ended */
    assert_int_equal(sign_in_user(&F.rep_a, &t), 201);
    session_token_id(&t, id);
    age_session(id, rtime_now_ms() - 1000, rtime_now_ms() - 1);
    assert_int_equal(cookie_status(&t, false, "GET", "/api/v1/me", NULL), 401);
}

static void test_sign_out(void **state)
{
    struct session s;
    struct itest_resp r;
    char id[40], set_cookie[300];
    (void)state;
    assert_int_equal(sign_in_user(&F.rep_a, &s), 201);
    session_token_id(&s, id);
    /* signing out is a change: CSRF applies */
    assert_int_equal(cookie_status(&s, false, "DELETE", "/api/v1/auth/session", NULL), 403);
    assert_int_equal(with_cookie(&s, true, "DELETE", "/api/v1/auth/session", NULL, &r), 204);
    itest_header(&r, "Set-Cookie", set_cookie, sizeof(set_cookie));
    assert_string_equal(set_cookie,
                        "ichigen_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    itest_resp_release(&r);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/auth/session", NULL), 401);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/me", NULL), 401);
    assert_true(audited("token.revoke", id, NULL));
}

/* A password someone else set: the session only changes it; the change answers a new cookie. */
static void test_setup_session(void **state)
{
    struct session s, n;
    struct itest_resp r;
    char *out = NULL, pw[64] = "", body[300], set_cookie[300];
    (void)state;
    assert_int_equal(itest_cli(&F.srv, NULL, &out, "admin", "create-user", "--org-id", F.org_b,
                               "--username", "newcomer", "--display-name", "Newcomer", "--role",
                               "reporter", NULL),
                     0);
    const char *p = strstr(out, "(shown once): ");
    assert_non_null(p);
    xstrlcpy(pw, p + 14, sizeof(pw));
    pw[strcspn(pw, "\n ")] = '\0';
    free(out);
    assert_int_equal(sign_in("newcomer", pw, NULL, &s, &r), 201);
    assert_true(json_is_true(json_object_get(r.json, "password_change_required")));
    itest_resp_release(&r);
    assert_int_equal(with_cookie(&s, false, "GET", "/api/v1/reports", NULL, &r), 403);
    assert_string_equal(itest_problem_code(&r), "password_change_required");
    itest_resp_release(&r);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/auth/session", NULL), 200);
    snprintf(body, sizeof(body),
             "{\"current_password\":\"%s\",\"new_password\":\"my-own-long-password\"}", pw);
    assert_int_equal(cookie_status(&s, false, "POST", "/api/v1/me/password", body), 403);
    assert_int_equal(with_cookie(&s, true, "POST", "/api/v1/me/password", body, &r), 201);
    /* a new cookie and its session object; never a token in the body */
    assert_non_null(itest_header(&r, "Set-Cookie", set_cookie, sizeof(set_cookie)));
    assert_null(json_object_get(r.json, "token"));
    assert_true(json_is_false(json_object_get(r.json, "password_change_required")));
    memset(&n, 0, sizeof(n));
    size_t len = strcspn(set_cookie + 16, ";");
    memcpy(n.value, set_cookie + 16, len);
    snprintf(n.cookie, sizeof(n.cookie), "Cookie: ichigen_session=%s", n.value);
    snprintf(n.csrf, sizeof(n.csrf), "X-CSRF-Token: %s", itest_jstr(r.json, "/csrf_token"));
    itest_resp_release(&r);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/me", NULL), 401); /* old one gone */
    assert_int_equal(cookie_status(&n, false, "GET", "/api/v1/reports", NULL), 200);
}

/* Failed browser sign-ins are the same failures as /auth/login's: after three, both wait. */
static void test_throttle_shared(void **state)
{
    struct itest_user u;
    struct itest_resp r;
    char body[300];
    (void)state;
    assert_int_equal(itest_add_user(&F.srv, F.org_a, "guessed", "reporter", &u), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sign_in(u.username, "not-the-password", NULL, NULL, &r), 401);
        assert_string_equal(itest_problem_code(&r), "login_failed");
        itest_resp_release(&r);
    }
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", u.username,
             u.password);
    assert_int_equal(itest_post(&F.srv, NULL, "/api/v1/auth/login", body, &r), 429);
    assert_true(r.retry_after[0] != '\0');
    itest_resp_release(&r);
    assert_int_equal(sign_in(u.username, u.password, NULL, NULL, &r), 429);
    itest_resp_release(&r);
}

/* Neither a cookie's value nor a CSRF token reaches the server's log. */
static void test_not_logged(void **state)
{
    struct session s;
    (void)state;
    assert_int_equal(sign_in_user(&F.rep_b, &s), 201);
    assert_int_equal(cookie_status(&s, false, "GET", "/api/v1/me", NULL), 200);
    assert_int_equal(cookie_status(&s, true, "POST", "/api/v1/reports/validate", "{}"), 200);
    assert_int_equal(cookie_status(&s, true, "DELETE", "/api/v1/auth/session", NULL), 204);
    char *log = itest_read_file(F.srv.log, NULL);
    assert_non_null(log);
    assert_non_null(strstr(log, "http.request")); /* the log is there */
    assert_null(strstr(log, s.value));
    assert_null(strstr(log, s.value + 5)); /* nor its random part */
    assert_null(strstr(log, s.token));
    free(log);
}

static void test_clean_shutdown(void **state)
{
    (void)state;
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_in),
        cmocka_unit_test(test_cookie_not_a_bearer),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_wrong_org_and_role),
        cmocka_unit_test(test_idle_and_lifetime),
        cmocka_unit_test(test_sign_out),
        cmocka_unit_test(test_setup_session),
        cmocka_unit_test(test_throttle_shared),
        cmocka_unit_test(test_not_logged),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
