/*
 * itest_two_factor.c — two-factor sign-in (issue 12), with codes computed by liboath from the
 * secret the server hands out (itest_totp): enrolment stays pending until a code confirms it,
 * which answers ten one-time recovery codes; from then on both sign-ins (the browser's
 * /auth/session and /auth/login) want a code — 401 two_factor_required with "two_factor": true
 * without one — and take each code once; a recovery code works once; a new set voids the old;
 * turning it off needs the password. The secret is stored sealed, not in clear. A user whose
 * role requires two-factor sign-in (authority, org_admin, admin) and has not set it up gets a
 * session that reaches only the session, /me, the password and the two-factor routes, until
 * it is set up; and cannot turn it off.
 */
#include "itest.h"
#include "core/enc.h"

#include <oath.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct itest_fixture F;
/* wrong codes count as failed sign-ins: this test makes a few on purpose */
static const char *const settings[] = {"--password-hash-mem-kib=8", "--password-hash-ops=1",
                                       "--login-throttle-free=50",
                                       "--login-throttle-address-free=1000", NULL};

static int setup(void **state)
{
    (void)state;
    return itest_fixture_setup(&F, settings);
}

static int teardown(void **state)
{
    (void)state;
    itest_fixture_teardown(&F);
    return 0;
}

static long call(const char *method, const char *token, const char *path, const char *body,
                 struct itest_resp *r)
{
    itest_http(&F.srv,
               &(struct itest_req){.method = method, .path = path, .token = token, .body = body},
               r);
    return r->status;
}

/* Signs in at path (/api/v1/auth/login or /auth/session) with extra JSON members. */
static long sign_in(const char *path, const struct itest_user *u, const char *extra,
                    struct itest_resp *r)
{
    char body[400];
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"%s}", u->username,
             u->password, extra ? extra : "");
    return call("POST", NULL, path, body, r);
}

static long sign_in_code(const char *path, const struct itest_user *u, const char *code,
                         struct itest_resp *r)
{
    char extra[64];
    snprintf(extra, sizeof(extra), ",\"totp_code\":\"%s\"", code);
    return sign_in(path, u, extra, r);
}

static void expect_code_wanted(struct itest_resp *r)
{
    assert_int_equal(r->status, 401);
    assert_string_equal(itest_problem_code(r), "two_factor_required");
    assert_true(json_is_true(json_object_get(r->json, "two_factor")));
    itest_resp_release(r);
}

static bool audited(const char *action, const char *object_id)
{
    struct itest_resp r;
    bool found = false;
    assert_int_equal(call("GET", F.admin.token, "/api/v1/audit?limit=200", NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    for (size_t i = 0; i < json_array_size(items) && !found; i++) {
        json_t *e = json_array_get(items, i);
        const char *a = json_string_value(json_object_get(e, "action"));
        const char *o = json_string_value(json_object_get(e, "object_id"));
        found = a && o && !strcmp(a, action) && !strcmp(o, object_id);
    }
    itest_resp_release(&r);
    return found;
}

/* The stored enrolment does not hold the secret's bytes. */
static void secret_sealed(const char *user_id, const char *b32)
{
    char *secret = NULL;
    size_t n = 0;
    unsigned char blob[512];
    assert_int_equal(oath_init(), OATH_OK);
    assert_int_equal(oath_base32_decode(b32, strlen(b32), &secret, &n), OATH_OK);
    assert_int_equal(n, 20);
    const char *const params[] = {user_id};
    json_t *rows =
        itest_sql(&F.srv, "SELECT sealed FROM user_totp WHERE user_id = $1", params, 1, NULL);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 1);
    const char *hex = json_string_value(json_array_get(json_array_get(rows, 0), 0));
    assert_non_null(hex);
    size_t len = strlen(hex) / 2;
    assert_true(len > 20 && len <= sizeof(blob));
    assert_int_equal(enc_unhex(hex, strlen(hex), blob, len), 0);
    assert_null(memmem(blob, len, secret, n));
    assert_null(memmem(blob, len, b32, strlen(b32)));
    json_decref(rows);
    free(secret);
    oath_done();
}

static void test_enrol_and_sign_in(void **state)
{
    struct itest_user u;
    struct itest_resp r;
    char token[64], code[7], uri[300], recovery[10][16], body[200];
    (void)state;
    assert_int_equal(itest_add_user(&F.srv, F.org_a, "careful", "reporter", &u), 0);
    /* start: the secret and the URI an authenticator app reads */
    assert_int_equal(call("POST", u.token, "/api/v1/me/two-factor", NULL, &r), 201);
    xstrlcpy(u.totp, itest_jstr(r.json, "/secret"), sizeof(u.totp));
    snprintf(uri, sizeof(uri),
             "otpauth://totp/ichigen:careful?secret=%s&issuer=ichigen&digits=6&period=30", u.totp);
    assert_string_equal(itest_jstr(r.json, "/otpauth_uri"), uri);
    itest_resp_release(&r);
    assert_true(audited("two_factor.begin", u.id));
    /* pending: sign-in does not ask yet */
    assert_int_equal(sign_in("/api/v1/auth/login", &u, NULL, &r), 201);
    itest_resp_release(&r);
    /* a wrong code is refused; the right one turns it on, with ten recovery codes */
    assert_int_equal(
        call("POST", u.token, "/api/v1/me/two-factor/confirm", "{\"code\":\"12345\"}", &r), 422);
    assert_non_null(strstr(r.body, "wrong_code"));
    itest_resp_release(&r);
    assert_int_equal(itest_totp_next(&u, code), 0);
    snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
    assert_int_equal(call("POST", u.token, "/api/v1/me/two-factor/confirm", body, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "enabled")));
    json_t *codes = json_object_get(r.json, "recovery_codes");
    assert_int_equal(json_array_size(codes), 10);
    for (size_t i = 0; i < 10; i++) {
        xstrlcpy(recovery[i], json_string_value(json_array_get(codes, i)), sizeof(recovery[i]));
        assert_int_equal(strlen(recovery[i]), 9);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(recovery[i], recovery[j]);
    }
    itest_resp_release(&r);
    assert_true(audited("two_factor.enable", u.id));
    secret_sealed(u.id, u.totp);
    /* confirming again: 409 */
    assert_int_equal(call("POST", u.token, "/api/v1/me/two-factor/confirm", body, &r), 409);
    assert_string_equal(itest_problem_code(&r), "two_factor_state");
    itest_resp_release(&r);
    /* both sign-ins now want a code */
    sign_in("/api/v1/auth/login", &u, NULL, &r);
    expect_code_wanted(&r);
    sign_in("/api/v1/auth/session", &u, NULL, &r);
    expect_code_wanted(&r);
    sign_in_code("/api/v1/auth/session", &u, "000000x", &r); /* not a code's shape */
    expect_code_wanted(&r);
    /* the confirmation's code was used: it does not sign in */
    sign_in_code("/api/v1/auth/login", &u, code, &r);
    expect_code_wanted(&r);
    /* a fresh one does, once */
    assert_int_equal(itest_totp_next(&u, code), 0);
    assert_int_equal(sign_in_code("/api/v1/auth/session", &u, code, &r), 201);
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "two_factor"), "enabled")));
    itest_resp_release(&r);
    sign_in_code("/api/v1/auth/login", &u, code, &r);
    expect_code_wanted(&r);
    /* a recovery code, once */
    char extra[64];
    snprintf(extra, sizeof(extra), ",\"recovery_code\":\"%s\"", recovery[3]);
    assert_int_equal(sign_in("/api/v1/auth/login", &u, extra, &r), 201);
    xstrlcpy(token, itest_jstr(r.json, "/token"), sizeof(token));
    itest_resp_release(&r);
    assert_true(audited("two_factor.recovery_used", u.id));
    sign_in("/api/v1/auth/login", &u, extra, &r);
    expect_code_wanted(&r);
    /* a new set voids the old */
    assert_int_equal(call("POST", token, "/api/v1/me/two-factor/recovery-codes",
                          "{\"password\":\"wrong-password\"}", &r),
                     422);
    itest_resp_release(&r);
    snprintf(body, sizeof(body), "{\"password\":\"%s\"}", u.password);
    assert_int_equal(call("POST", token, "/api/v1/me/two-factor/recovery-codes", body, &r), 200);
    char fresh[16];
    xstrlcpy(fresh, json_string_value(json_array_get(json_object_get(r.json, "recovery_codes"), 0)),
             sizeof(fresh));
    itest_resp_release(&r);
    snprintf(extra, sizeof(extra), ",\"recovery_code\":\"%s\"", recovery[4]);
    sign_in("/api/v1/auth/login", &u, extra, &r);
    expect_code_wanted(&r);
    snprintf(extra, sizeof(extra), ",\"recovery_code\":\"%s\"", fresh);
    assert_int_equal(sign_in("/api/v1/auth/login", &u, extra, &r), 201);
    itest_resp_release(&r);
    /* off, with the password */
    assert_int_equal(
        call("DELETE", token, "/api/v1/me/two-factor", "{\"password\":\"wrong-password\"}", &r),
        422);
    itest_resp_release(&r);
    assert_int_equal(call("DELETE", token, "/api/v1/me/two-factor", body, &r), 204);
    itest_resp_release(&r);
    assert_true(audited("two_factor.disable", u.id));
    assert_int_equal(sign_in("/api/v1/auth/login", &u, NULL, &r), 201);
    itest_resp_release(&r);
}

/* An authority user without two-factor sign-in: a restricted session until it is set up, with
 * the cookie (CSRF included) and with /auth/login's token alike; never turned off. */
static void test_required_for_role(void **state)
{
    struct itest_user a;
    struct itest_resp r;
    char cookie[128], csrf[128], set_cookie[300], token[64], body[200], code[7];
    (void)state;
    assert_int_equal(itest_add_user(&F.srv, F.org_c, "analyst", "authority", &a), 0);
    assert_int_equal(sign_in("/api/v1/auth/session", &a, NULL, &r), 201);
    json_t *tf = json_object_get(r.json, "two_factor");
    assert_true(json_is_true(json_object_get(tf, "required")));
    assert_true(json_is_false(json_object_get(tf, "enabled")));
    assert_true(json_is_true(json_object_get(tf, "setup_required")));
    itest_header(&r, "Set-Cookie", set_cookie, sizeof(set_cookie));
    snprintf(cookie, sizeof(cookie), "Cookie: %.*s", (int)strcspn(set_cookie, ";"), set_cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", itest_jstr(r.json, "/csrf_token"));
    itest_resp_release(&r);
    /* the session reaches only the session, /me, the password and two-factor routes */
    itest_http(&F.srv, &(struct itest_req){.path = "/api/v1/inbox", .headers = {cookie}}, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(itest_problem_code(&r), "two_factor_setup_required");
    itest_resp_release(&r);
    itest_http(&F.srv, &(struct itest_req){.path = "/api/v1/me", .headers = {cookie}}, &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    /* so does the token /auth/login gives; an API token minted by the operator is not a
     * sign-in and keeps working */
    assert_int_equal(sign_in("/api/v1/auth/login", &a, NULL, &r), 201);
    xstrlcpy(token, itest_jstr(r.json, "/token"), sizeof(token));
    itest_resp_release(&r);
    assert_int_equal(call("GET", token, "/api/v1/inbox", NULL, &r), 403);
    assert_string_equal(itest_problem_code(&r), "two_factor_setup_required");
    itest_resp_release(&r);
    assert_int_equal(call("GET", a.token, "/api/v1/inbox", NULL, &r), 200);
    itest_resp_release(&r);
    /* set up through the browser's session (a change: CSRF applies) */
    itest_http(
        &F.srv,
        &(struct itest_req){.method = "POST", .path = "/api/v1/me/two-factor", .headers = {cookie}},
        &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(itest_problem_code(&r), "csrf_token_invalid");
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){
                   .method = "POST", .path = "/api/v1/me/two-factor", .headers = {cookie, csrf}},
               &r);
    assert_int_equal(r.status, 201);
    xstrlcpy(a.totp, itest_jstr(r.json, "/secret"), sizeof(a.totp));
    itest_resp_release(&r);
    assert_int_equal(itest_totp_next(&a, code), 0);
    snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
    itest_http(&F.srv,
               &(struct itest_req){.path = "/api/v1/me/two-factor/confirm",
                                   .body = body,
                                   .headers = {cookie, csrf}},
               &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    /* the same session and token now reach everything the role may */
    itest_http(&F.srv, &(struct itest_req){.path = "/api/v1/inbox", .headers = {cookie}}, &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    assert_int_equal(call("GET", token, "/api/v1/inbox", NULL, &r), 200);
    itest_resp_release(&r);
    /* and it cannot be turned off */
    snprintf(body, sizeof(body), "{\"password\":\"%s\"}", a.password);
    assert_int_equal(call("DELETE", token, "/api/v1/me/two-factor", body, &r), 409);
    assert_string_equal(itest_problem_code(&r), "two_factor_required_for_role");
    itest_resp_release(&r);
}

static void test_clean_shutdown(void **state)
{
    (void)state;
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enrol_and_sign_in),
        cmocka_unit_test(test_required_for_role),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
