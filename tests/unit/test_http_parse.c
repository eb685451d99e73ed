/*
 * test_http_parse.c — the pure parts of the HTTP layer: Accept-Language, If-Match, pagination
 * cursors and route matching (405 with Allow, 404, malformed paths).
 */
#include "core/enc.h"
#include "http/http_int.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define SAMPLE_ID "019ab0b0-cc00-7000-8000-00000000abcd"

static void test_lang(void **state)
{
    static const struct {
        const char *al;
        bool ja;
    } cases[] = {
        {"ja", true},
        {"ja-JP", true},
        {"JA", true},
        {"ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", true},
        {"ja,en;q=0.9", true},
        {"en;q=0.5, ja;q=0.6", true},
        {"en-GB;q=0.9, ja-JP", true},
        {"fr, ja;q=0.3", true}, /* no English at all */
        {"*;q=0.1, ja;q=0.5", true},
        {"ja; q=0.8", true},
        {"ja;level=1, en;q=0.2", true}, /* a q for another tag is not this one's */
        {"", false},
        {"en", false},
        {"en-US,en;q=0.9,ja;q=0.8", false},
        {"ja;q=0.5, en;q=0.5", false}, /* a tie goes to English */
        {"*", false},
        {"ja;q=0", false},            /* q=0 means "not acceptable" */
        {"ja;q=0.8, *;q=0.9", false}, /* the wildcard counts as English */
        {"de, fr", false},
    };
    (void)state;
    assert_false(http_lang_prefers_ja(NULL));
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        if (http_lang_prefers_ja(cases[i].al) != cases[i].ja)
            fail_msg("Accept-Language \"%s\": expected %s", cases[i].al, cases[i].ja ? "ja" : "en");
}

static void test_if_match(void **state)
{
    static const struct {
        const char *h;
        int want;
    } cases[] = {
        {"\"v1\"", 1},
        {"\"v42\"", 42},
        {"\"v1000000\"", 1000000},
        {"\"v1000001\"", -1},
        {"\"v0\"", -1},
        {"\"v-1\"", -1},
        {"v1", -1},
        {"W/\"v1\"", -1},
        {"*", -1},
        {"\"v\"", -1},
        {"\"vx\"", -1},
        {"\"1\"", -1},
        {"\"V1\"", -1},
        {"\"v1\", \"v2\"", -1},
        {"\"v1", -1},
        {"", -1},
        {"\"v12345678901\"", -1},
        {"\"v02\"", -1},
        {"\"v+2\"", -1},
        {"\"v 2\"", -1},
    };
    (void)state;
    assert_int_equal(http_parse_if_match(NULL), 0);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        if (http_parse_if_match(cases[i].h) != cases[i].want)
            fail_msg("If-Match %s: got %d, want %d", cases[i].h, http_parse_if_match(cases[i].h),
                     cases[i].want);
}

/* If-Match / If-None-Match with lists, weak tags and "*" (RFC 9110 §13.1.1, §13.1.2). */
static void test_if_match_lists(void **state)
{
    static const struct {
        const char *h;
        enum http_ifm want; /* against current version 2 */
    } im[] = {
        {"\"v2\"", IFM_MATCH},
        {"\"v1\"", IFM_NO_MATCH},
        {"\"v1\", \"v2\"", IFM_MATCH},
        {"\"v1\",\"v2\" ", IFM_MATCH},
        {"\"v1\", \"v3\"", IFM_NO_MATCH},
        {"W/\"v2\"", IFM_NO_MATCH}, /* strong comparison: weak tags never match */
        {"*", IFM_STAR},
        {"\"v1\", *", IFM_STAR},
        {"", IFM_NO_MATCH},
        {"garbage", IFM_NO_MATCH},
        {"\"v02\"", IFM_NO_MATCH}, /* a different entity tag, however it parses */
    };
    static const struct {
        const char *h;
        bool hit;
    } inm[] = {
        {"\"v2\"", true},           {"W/\"v2\"", true}, /* weak comparison */
        {"\"v1\", W/\"v2\"", true}, {"\"v1\"", false},  {"*", true}, {"", false},
        {"\"v3\", \"v4\"", false},
    };
    (void)state;
    assert_int_equal(http_if_match(NULL, 2), IFM_ABSENT);
    assert_false(http_if_none_match_hits(NULL, 2));
    for (size_t i = 0; i < ARRAY_SIZE(im); i++)
        if (http_if_match(im[i].h, 2) != im[i].want)
            fail_msg("If-Match %s: got %d, want %d", im[i].h, (int)http_if_match(im[i].h, 2),
                     (int)im[i].want);
    for (size_t i = 0; i < ARRAY_SIZE(inm); i++)
        if (http_if_none_match_hits(inm[i].h, 2) != inm[i].hit)
            fail_msg("If-None-Match %s: expected %s", inm[i].h, inm[i].hit ? "hit" : "miss");
}

static void cursor_of(const char *raw, size_t n, char *out)
{
    enc_b64url((const unsigned char *)raw, n, out);
}

static void test_cursor(void **state)
{
    char c[80], id[UUID_STR_LEN];
    (void)state;
    /* what http_cursor issues, http_cursor_parse takes back */
    json_t *j = http_cursor(SAMPLE_ID);
    assert_true(json_is_string(j));
    assert_int_equal(http_cursor_parse(json_string_value(j), id), 0);
    assert_string_equal(id, SAMPLE_ID);
    json_decref(j);
    cursor_of(SAMPLE_ID, 36, c);
    assert_int_equal(http_cursor_parse(c, id), 0);
    assert_string_equal(id, SAMPLE_ID);
    /* rejected: not base64url, not 36 bytes, not a canonical UUID */
    static const char *const raw_bad[] = {
        "019AB0B0-CC00-7000-8000-00000000ABCD",  "019ab0b0-cc00-7000-8000-00000000abc",
        "019ab0b0-cc00-7000-8000-00000000abcde", "019ab0b0-cc00-7000-8000-00000000abc'",
        "' OR 1=1 --                         ",  ""};
    for (size_t i = 0; i < ARRAY_SIZE(raw_bad); i++) {
        cursor_of(raw_bad[i], strlen(raw_bad[i]), c);
        memcpy(id, "junk", 5);
        if (http_cursor_parse(c, id) != -1)
            fail_msg("cursor of \"%s\" accepted", raw_bad[i]);
        assert_string_equal(id, ""); /* never leaves stale output behind */
    }
    static const char *const text_bad[] = {"", "!!!!", SAMPLE_ID, "MDE5YWIwYjAtY2MwMC03MDAw=="};
    for (size_t i = 0; i < ARRAY_SIZE(text_bad); i++)
        if (http_cursor_parse(text_bad[i], id) != -1)
            fail_msg("cursor \"%s\" accepted", text_bad[i]);
    /* a tampered cursor (last character changed) no longer decodes to a UUID */
    cursor_of(SAMPLE_ID, 36, c);
    c[strlen(c) - 1] = 'A';
    assert_int_equal(http_cursor_parse(c, id), -1);
}

/* Fills a sample path for pattern: {id} → SAMPLE_ID, {version} → "3". */
static void sample_path(const char *pattern, char *out, size_t n)
{
    struct buf b;
    buf_init(&b, n - 1);
    for (const char *p = pattern; *p;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            buf_puts(&b, !strncmp(p, "{version}", 9) ? "3" : SAMPLE_ID);
            p = end + 1;
        } else {
            buf_putc(&b, *p++);
        }
    }
    xstrlcpy(out, buf_cstr(&b), n);
    buf_release(&b);
}

static void test_routes_match_themselves(void **state)
{
    char path[512], params[HTTP_MAX_PARAMS][80], allow[128];
    (void)state;
    assert_true(http_nroutes >= 20);
    assert_int_equal(http_route_count(), http_nroutes);
    for (size_t i = 0; i < http_nroutes; i++) {
        const struct route *rt = &http_routes[i];
        sample_path(rt->pattern, path, sizeof(path));
        memset(params, 0, sizeof(params));
        int got = http_route_match(rt->method, path, params, allow, sizeof(allow));
        if (got != (int)i)
            fail_msg("%s %s (%s) matched route %d, not %zu", rt->method, path, rt->pattern, got, i);
        if (strstr(rt->pattern, "{id}"))
            assert_string_equal(params[0], SAMPLE_ID);
        if (strstr(rt->pattern, "{version}"))
            assert_string_equal(params[1], "3");
        const struct http_route_info *info = http_route_at(i);
        assert_string_equal(info->method, rt->method);
        assert_string_equal(info->pattern, rt->pattern);
        assert_non_null(info->auth);
    }
    assert_null(http_route_at(http_nroutes));
}

static void test_route_405(void **state)
{
    static const struct {
        const char *method, *path, *allow;
    } cases[] = {
        {"PUT", "/api/v1/reports", "POST, GET"},
        {"DELETE", "/api/v1/reports/" SAMPLE_ID, "GET"},
        {"GET", "/api/v1/tokens/" SAMPLE_ID, "DELETE"},
        {"POST", "/healthz", "GET"},
        {"PATCH", "/api/v1/tokens", "POST, GET"},
        {"GET", "/api/v1/auth/login", "POST"},
        {"get", "/healthz", "GET"}, /* methods are case-sensitive (RFC 9110 §9.1) */
    };
    char params[HTTP_MAX_PARAMS][80], allow[128];
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int got = http_route_match(cases[i].method, cases[i].path, params, allow, sizeof(allow));
        if (got != -2)
            fail_msg("%s %s: got %d, want -2", cases[i].method, cases[i].path, got);
        assert_string_equal(allow, cases[i].allow);
    }
    /* a small Allow buffer is truncated, never overrun */
    char tiny[4];
    assert_int_equal(http_route_match("PUT", "/api/v1/reports", params, tiny, sizeof(tiny)), -2);
    assert_true(strlen(tiny) < sizeof(tiny));
}

static void test_route_no_match(void **state)
{
    char id79[80], id80[81], path[160];
    char params[HTTP_MAX_PARAMS][80], allow[128];
    static const char *const paths[] = {
        "/api/v1/nope",
        "/",
        "",
        "healthz",
        "/HEALTHZ",
        "/healthz/", /* trailing slash */
        "/api/v1/reports/",
        "/api/v1/reports/" SAMPLE_ID "/",
        "//healthz", /* empty segments */
        "/api/v1//reports",
        "/api/v1/reports//versions",
        "/api/v1/reports/" SAMPLE_ID "/versions/",
        "/api/v1/reports/" SAMPLE_ID "/versions/3/x",
        "/api/v1/reports/" SAMPLE_ID "/diff/extra",
        "/healthz?x=1",
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        int got = http_route_match("GET", paths[i], params, allow, sizeof(allow));
        if (got != -1)
            fail_msg("GET \"%s\": got %d, want -1", paths[i], got);
        assert_string_equal(allow, "");
    }
    /* a segment of 80 bytes does not fit a parameter: no match (79 does) */
    memset(id79, 'a', 79);
    id79[79] = '\0';
    memset(id80, 'a', 80);
    id80[80] = '\0';
    snprintf(path, sizeof(path), "/api/v1/reports/%s", id79);
    assert_true(http_route_match("GET", path, params, allow, sizeof(allow)) >= 0);
    assert_string_equal(params[0], id79);
    snprintf(path, sizeof(path), "/api/v1/reports/%s", id80);
    assert_int_equal(http_route_match("GET", path, params, allow, sizeof(allow)), -1);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", id80);
    assert_int_equal(http_route_match("POST", path, params, allow, sizeof(allow)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lang),
        cmocka_unit_test(test_if_match),
        cmocka_unit_test(test_if_match_lists),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_routes_match_themselves),
        cmocka_unit_test(test_route_405),
        cmocka_unit_test(test_route_no_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
