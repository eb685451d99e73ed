/*
 * itest_drafts.c — drafts of reports (issue 12): a draft is saved with its ETag and read back
 * as sent; the organisation's list is newest first, without reports; a save needs If-Match
 * (428 without, 412 with an older version, which names the current one); the report must be
 * a JSON object of at most 256 KiB (413 above; the request itself may be larger); another
 * organisation's draft is 404 for every verb; deletion and each write are audited; with the
 * browser's cookie, changes need the CSRF token.
 */
#include "itest.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct itest_fixture F;

static int setup(void **state)
{
    (void)state;
    return itest_fixture_setup(&F, NULL);
}

static int teardown(void **state)
{
    (void)state;
    itest_fixture_teardown(&F);
    return 0;
}

static long call(const char *method, const char *token, const char *path, const char *body,
                 const char *if_match, struct itest_resp *r)
{
    char im[96];
    snprintf(im, sizeof(im), "If-Match: %s", if_match ? if_match : "");
    itest_http(&F.srv,
               &(struct itest_req){.method = method,
                                   .path = path,
                                   .token = token,
                                   .body = body,
                                   .headers = {if_match ? im : NULL}},
               r);
    return r->status;
}

static bool audited(const char *action, const char *object_id)
{
    struct itest_resp r;
    bool found = false;
    assert_int_equal(call("GET", F.admin.token, "/api/v1/audit?limit=200", NULL, NULL, &r), 200);
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

static void test_save_and_read(void **state)
{
    struct itest_resp r;
    char id[40], path[96], second[40];
    (void)state;
    assert_int_equal(call("POST", F.rep_a.token, "/api/v1/drafts",
                          "{\"title\":\"速報の下書き\",\"report\":{\"step\":2,\"description\":"
                          "{\"summary\":\"不正アクセス\"}}}",
                          NULL, &r),
                     201);
    assert_string_equal(r.etag, "\"v1\"");
    xstrlcpy(id, itest_jstr(r.json, "/id"), sizeof(id));
    snprintf(path, sizeof(path), "/api/v1/drafts/%s", id);
    assert_string_equal(r.location, path);
    assert_int_equal(itest_jint(r.json, "/version"), 1);
    assert_string_equal(itest_jstr(r.json, "/title"), "速報の下書き");
    assert_true(json_is_null(json_object_get(r.json, "incident_id")));
    assert_non_null(itest_jstr(r.json, "/updated_at"));
    itest_resp_release(&r);
    assert_true(audited("draft.create", id));
    /* read back as sent */
    assert_int_equal(call("GET", F.rep_a.token, path, NULL, NULL, &r), 200);
    assert_string_equal(r.etag, "\"v1\"");
    assert_string_equal(itest_jstr(r.json, "/report/description/summary"), "不正アクセス");
    assert_int_equal(itest_jint(r.json, "/report/step"), 2);
    itest_resp_release(&r);
    /* a second one; the list is newest first, without reports, only organisation A's */
    assert_int_equal(call("POST", F.rep_a.token, "/api/v1/drafts", "{\"report\":{}}", NULL, &r),
                     201);
    xstrlcpy(second, itest_jstr(r.json, "/id"), sizeof(second));
    itest_resp_release(&r);
    assert_int_equal(call("POST", F.rep_b.token, "/api/v1/drafts", "{\"report\":{}}", NULL, &r),
                     201);
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.rep_a.token, "/api/v1/drafts", NULL, NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id")), second);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "id")), id);
    assert_null(json_object_get(json_array_get(items, 0), "report"));
    itest_resp_release(&r);
    /* saving needs If-Match: none 428, an older one 412 naming the current */
    const char *body = "{\"title\":\"更新\",\"report\":{\"step\":3},"
                       "\"incident_id\":\"0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee\"}";
    assert_int_equal(call("PUT", F.rep_a.token, path, body, NULL, &r), 428);
    assert_string_equal(itest_problem_code(&r), "precondition_required");
    itest_resp_release(&r);
    assert_int_equal(call("PUT", F.rep_a.token, path, body, "*", &r), 428);
    itest_resp_release(&r);
    assert_int_equal(call("PUT", F.rep_a.token, path, body, "\"v1\"", &r), 200);
    assert_string_equal(r.etag, "\"v2\"");
    assert_int_equal(itest_jint(r.json, "/version"), 2);
    assert_string_equal(itest_jstr(r.json, "/incident_id"), "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee");
    assert_int_equal(itest_jint(r.json, "/report/step"), 3);
    itest_resp_release(&r);
    assert_true(audited("draft.update", id));
    assert_int_equal(call("PUT", F.rep_a.token, path, body, "\"v1\"", &r), 412);
    assert_string_equal(itest_problem_code(&r), "precondition_failed");
    assert_string_equal(r.etag, "\"v2\"");
    itest_resp_release(&r);
    /* deleted */
    assert_int_equal(call("DELETE", F.rep_a.token, path, NULL, NULL, &r), 204);
    itest_resp_release(&r);
    assert_true(audited("draft.delete", id));
    assert_int_equal(call("GET", F.rep_a.token, path, NULL, NULL, &r), 404);
    itest_resp_release(&r);
}

static void test_shape_and_size(void **state)
{
    struct itest_resp r;
    (void)state;
    assert_int_equal(call("POST", F.rep_a.token, "/api/v1/drafts", "{\"title\":\"x\"}", NULL, &r),
                     422);
    assert_non_null(strstr(r.body, "/report"));
    itest_resp_release(&r);
    assert_int_equal(call("POST", F.rep_a.token, "/api/v1/drafts",
                          "{\"report\":[1],\"incident_id\":\"not-an-id\",\"extra\":1}", NULL, &r),
                     422);
    assert_non_null(strstr(r.body, "/report"));
    assert_non_null(strstr(r.body, "/incident_id"));
    assert_non_null(strstr(r.body, "/extra"));
    itest_resp_release(&r);
    /* 256 KiB of report is the limit; the request itself may be larger (max_body_bytes) */
    size_t big = 256 * 1024;
    char *body = xmalloc(big + 64);
    int n = snprintf(body, big + 64, "{\"report\":{\"t\":\"");
    memset(body + n, 'a', big - 16);
    snprintf(body + n + big - 16, 64, "\"}}");
    assert_int_equal(call("POST", F.rep_a.token, "/api/v1/drafts", body, NULL, &r), 201);
    itest_resp_release(&r);
    n = snprintf(body, big + 64, "{\"report\":{\"t\":\"");
    memset(body + n, 'a', big);
    snprintf(body + n + big, 64, "\"}}");
    assert_int_equal(call("POST", F.rep_a.token, "/api/v1/drafts", body, NULL, &r), 413);
    assert_string_equal(itest_problem_code(&r), "payload_too_large");
    itest_resp_release(&r);
    free(body);
}

/* Another organisation's draft does not exist for B's reporter; other roles may not. */
static void test_other_org_and_roles(void **state)
{
    struct itest_resp r;
    char path[96];
    (void)state;
    assert_int_equal(call("POST", F.rep_a.token, "/api/v1/drafts", "{\"report\":{}}", NULL, &r),
                     201);
    snprintf(path, sizeof(path), "/api/v1/drafts/%s", itest_jstr(r.json, "/id"));
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.rep_b.token, path, NULL, NULL, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(call("PUT", F.rep_b.token, path, "{\"report\":{}}", "\"v1\"", &r), 404);
    itest_resp_release(&r);
    assert_int_equal(call("DELETE", F.rep_b.token, path, NULL, NULL, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.authority.token, path, NULL, NULL, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.admin.token, "/api/v1/drafts", NULL, NULL, &r), 403);
    itest_resp_release(&r);
    assert_int_equal(call("GET", F.rep_a.token, path, NULL, NULL, &r), 200); /* still there */
    itest_resp_release(&r);
}

/* With the browser's cookie, a save is a change: the CSRF token is needed. */
static void test_with_cookie(void **state)
{
    struct itest_resp r;
    char body[300], set_cookie[300], cookie[128], csrf[128];
    (void)state;
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", F.rep_a.username,
             F.rep_a.password);
    assert_int_equal(itest_post(&F.srv, NULL, "/api/v1/auth/session", body, &r), 201);
    itest_header(&r, "Set-Cookie", set_cookie, sizeof(set_cookie));
    snprintf(cookie, sizeof(cookie), "Cookie: %.*s", (int)strcspn(set_cookie, ";"), set_cookie);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", itest_jstr(r.json, "/csrf_token"));
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){
                   .path = "/api/v1/drafts", .body = "{\"report\":{}}", .headers = {cookie}},
               &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(itest_problem_code(&r), "csrf_token_invalid");
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){
                   .path = "/api/v1/drafts", .body = "{\"report\":{}}", .headers = {cookie, csrf}},
               &r);
    assert_int_equal(r.status, 201);
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
        cmocka_unit_test(test_save_and_read),       cmocka_unit_test(test_shape_and_size),
        cmocka_unit_test(test_other_org_and_roles), cmocka_unit_test(test_with_cookie),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
