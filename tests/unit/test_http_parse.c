/*
 * test_http_parse.c — the pure parts of the HTTP layer: Accept-Language, If-Match, pagination
 * cursors, route matching (405 with Allow, 404, malformed paths) and the request head's parsers
 * (request-target, Content-Type, Bearer credentials, field names and values, Host).
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
        {"v1", 1}, /* unquoted: every tag we issue is "v<N>", so it can mean nothing else */
        {"v42", 42},
        {"v", -1},
        {"v0", -1},
        {"V1", -1},
        {"v02", -1},
        {"v1\"", -1},
        {"v1 ", -1},
        {"\"\"", -1},
        {"\"", -1},
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
        {"v2", IFM_MATCH},          /* unquoted, as a shell leaves "v2" */
        {"v1", IFM_NO_MATCH},
        {"v1, v2", IFM_MATCH},
        {"W/v2", IFM_NO_MATCH},
    };
    static const struct {
        const char *h;
        bool hit;
    } inm[] = {
        {"\"v2\"", true},           {"W/\"v2\"", true}, /* weak comparison */
        {"\"v1\", W/\"v2\"", true}, {"\"v1\"", false},  {"*", true}, {"", false},
        {"\"v3\", \"v4\"", false}, {"v2", true}, {"W/v2", true}, {"v1", false},
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

static void test_target(void **state)
{
    static const struct {
        const char *t;
        enum http_target want;
    } cases[] = {
        {"/healthz", HTTP_TARGET_OK},
        {"/api/v1/reports?limit=3&cursor=abc-_", HTTP_TARGET_OK},
        {"/api/v1/reports/" SAMPLE_ID, HTTP_TARGET_OK},
        {"/a%20b?q=%E3%81%82", HTTP_TARGET_OK},
        {"/a?next=%2Fb", HTTP_TARGET_OK}, /* an encoded '/' in the query is data */
        {"/a?x=1+2&y=a:b@c!$'()*,;=", HTTP_TARGET_OK},
        {"*", HTTP_TARGET_OK}, /* asterisk-form; no route matches it */
        {"", HTTP_TARGET_EMPTY},
        {"/a b", HTTP_TARGET_BAD_CHAR},
        {"/a\tb", HTTP_TARGET_BAD_CHAR},
        {"/a\x01", HTTP_TARGET_BAD_CHAR},
        {"/a\x7f", HTTP_TARGET_BAD_CHAR},
        {"/\xe3\x81\x82", HTTP_TARGET_BAD_CHAR}, /* raw UTF-8 must be percent-encoded */
        {"/a#frag", HTTP_TARGET_BAD_CHAR},
        {"/a%", HTTP_TARGET_BAD_ESCAPE},
        {"/a%4", HTTP_TARGET_BAD_ESCAPE},
        {"/a%zz", HTTP_TARGET_BAD_ESCAPE},
        {"/a%4g", HTTP_TARGET_BAD_ESCAPE},
        {"/api/v1/reports/" SAMPLE_ID "%00junk", HTTP_TARGET_NUL},
        {"/a?cursor=x%00y", HTTP_TARGET_NUL},
        {"/api/v1/reports/x%2Fversions", HTTP_TARGET_SLASH},
        {"/api/v1/reports/x%2fversions", HTTP_TARGET_SLASH},
        {"/a%252F", HTTP_TARGET_OK}, /* "%25" is '%': decodes to the text "%2F", not a '/' */
    };
    char big[HTTP_MAX_TARGET_BYTES + 2];
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        enum http_target got = http_target_check(cases[i].t, strlen(cases[i].t));
        if (got != cases[i].want)
            fail_msg("target \"%s\": got %d, want %d", cases[i].t, (int)got, (int)cases[i].want);
    }
    /* the length given, not a terminator, bounds the check: "%00" beyond n is not seen */
    assert_int_equal(http_target_check("/a%00", 2), HTTP_TARGET_OK);
    memset(big, 'a', sizeof(big));
    big[0] = '/';
    assert_int_equal(http_target_check(big, HTTP_MAX_TARGET_BYTES), HTTP_TARGET_OK);
    assert_int_equal(http_target_check(big, HTTP_MAX_TARGET_BYTES + 1), HTTP_TARGET_TOO_LONG);
}

static void test_content_type(void **state)
{
    static const struct {
        const char *ct;
        enum http_ctype want;
    } cases[] = {
        {"application/json", HTTP_CTYPE_JSON},
        {"Application/JSON", HTTP_CTYPE_JSON},
        {"application/json; charset=utf-8", HTTP_CTYPE_JSON},
        {"application/json;charset=UTF-8", HTTP_CTYPE_JSON},
        {"application/json ; charset=\"utf-8\"", HTTP_CTYPE_JSON},
        {"application/json;", HTTP_CTYPE_JSON}, /* an empty parameter (RFC 9110 §5.6.6) */
        {"application/json; charset=utf-8 ", HTTP_CTYPE_JSON},
        {"application/json; charset=utf-16", HTTP_CTYPE_CHARSET},
        {"application/json; charset=\"utf-16le\"", HTTP_CTYPE_CHARSET},
        {"application/json; charset=iso-8859-1", HTTP_CTYPE_CHARSET},
        {"application/json; charset=utf8", HTTP_CTYPE_CHARSET},
        {"application/json; charset=utf-8; charset=utf-16", HTTP_CTYPE_CHARSET},
        {"", HTTP_CTYPE_OTHER},
        {"text/plain", HTTP_CTYPE_OTHER},
        {"application/jsonx", HTTP_CTYPE_OTHER},
        {"application/json+ld", HTTP_CTYPE_OTHER},
        {"application/json/x", HTTP_CTYPE_OTHER},
        {"application/json; foo=bar", HTTP_CTYPE_OTHER},
        {"application/json; charset", HTTP_CTYPE_OTHER},
        {"application/json; charset=", HTTP_CTYPE_OTHER},
        {"application/json; charset =utf-8", HTTP_CTYPE_OTHER},
        {"application/json; charset=\"utf-8", HTTP_CTYPE_OTHER},
        {"application/json; \"charset\"=utf-8", HTTP_CTYPE_OTHER},
        {"application/json; charset=utf-8 x", HTTP_CTYPE_OTHER},
    };
    (void)state;
    assert_int_equal(http_content_type_json(NULL), HTTP_CTYPE_OTHER);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        enum http_ctype got = http_content_type_json(cases[i].ct);
        if (got != cases[i].want)
            fail_msg("Content-Type \"%s\": got %d, want %d", cases[i].ct, (int)got,
                     (int)cases[i].want);
    }
}

#define TOKEN "ichi_AbC-_123456789012345678901234567890123456"

static void test_bearer(void **state)
{
    static const struct {
        const char *h;
        enum http_bearer want;
        const char *tok;
    } cases[] = {
        {"Bearer " TOKEN, HTTP_BEARER_OK, TOKEN},
        {"bearer " TOKEN, HTTP_BEARER_OK, TOKEN}, /* the scheme is case-insensitive */
        {"BEARER   " TOKEN, HTTP_BEARER_OK, TOKEN},
        {"Bearer " TOKEN "  ", HTTP_BEARER_OK, TOKEN},
        {"Bearer " TOKEN "\t", HTTP_BEARER_OK, TOKEN},
        {"Bearer abc+/=.~==", HTTP_BEARER_MALFORMED, NULL}, /* '=' only at the end */
        {"Bearer abc+/.~==", HTTP_BEARER_OK, "abc+/.~=="},
        {"Basic dXNlcjpwdw==", HTTP_BEARER_OTHER_SCHEME, NULL},
        {"Bearerx " TOKEN, HTTP_BEARER_OTHER_SCHEME, NULL},
        {"Bearer", HTTP_BEARER_MALFORMED, NULL},
        {"Bearer ", HTTP_BEARER_MALFORMED, NULL},
        {"Bearer " TOKEN " junk", HTTP_BEARER_MALFORMED, NULL},
        {"Bearer " TOKEN "junk!", HTTP_BEARER_MALFORMED, NULL},
        {"Bearer " TOKEN ",x", HTTP_BEARER_MALFORMED, NULL},
        {"Bearer\t" TOKEN, HTTP_BEARER_MALFORMED, NULL},
        {"Bearer:" TOKEN, HTTP_BEARER_MALFORMED, NULL},
        {"Bearer \"" TOKEN "\"", HTTP_BEARER_MALFORMED, NULL},
        {"Bearer " TOKEN "\x01", HTTP_BEARER_MALFORMED, NULL},
        {" Bearer " TOKEN, HTTP_BEARER_MALFORMED, NULL},
        {"", HTTP_BEARER_MALFORMED, NULL},
    };
    const char *tok;
    size_t n;
    (void)state;
    assert_int_equal(http_bearer_parse(NULL, &tok, &n), HTTP_BEARER_ABSENT);
    assert_null(tok);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        enum http_bearer got = http_bearer_parse(cases[i].h, &tok, &n);
        if (got != cases[i].want)
            fail_msg("Authorization \"%s\": got %d, want %d", cases[i].h, (int)got,
                     (int)cases[i].want);
        if (!cases[i].tok) {
            assert_null(tok);
            assert_int_equal(n, 0);
        } else if (n != strlen(cases[i].tok) || memcmp(tok, cases[i].tok, n)) {
            fail_msg("Authorization \"%s\": token \"%.*s\"", cases[i].h, (int)n, tok);
        }
    }
}

static void test_fields(void **state)
{
    static const char *const names_ok[] = {"Host", "Content-Length", "X-Request-Id",
                                           "a!#$%&'*+-.^_`|~9"};
    static const char *const names_bad[] = {"", "Content-Length ", " Host", "X Y", "X:Y",
                                            "X\tY", "X(Y)", "\xe3\x81\x82", "X\"Y", "X/Y"};
    static const char *const values_ok[] = {"", "plain", "a\tb", "\"quoted\", list; q=1",
                                            "\xe3\x81\x82 (obs-text)", "~!@#$%^&*()"};
    static const char *const values_bad[] = {"a\x01", "\x1f", "a\rb", "a\nb", "\x7f", "\x1b[31m"};
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(names_ok); i++)
        if (!http_field_name_ok(names_ok[i], strlen(names_ok[i])))
            fail_msg("field name \"%s\" refused", names_ok[i]);
    for (size_t i = 0; i < ARRAY_SIZE(names_bad); i++)
        if (http_field_name_ok(names_bad[i], strlen(names_bad[i])))
            fail_msg("field name \"%s\" accepted", names_bad[i]);
    for (size_t i = 0; i < ARRAY_SIZE(values_ok); i++)
        if (!http_field_value_ok(values_ok[i], strlen(values_ok[i])))
            fail_msg("field value \"%s\" refused", values_ok[i]);
    for (size_t i = 0; i < ARRAY_SIZE(values_bad); i++)
        if (http_field_value_ok(values_bad[i], strlen(values_bad[i])))
            fail_msg("field value %zu accepted", i);
    assert_false(http_field_value_ok("a\0b", 3)); /* a NUL within the given length */
}

static void test_host(void **state)
{
    static const char *const ok[] = {"",
                                     "example.jp",
                                     "localhost:8080",
                                     "127.0.0.1",
                                     "127.0.0.1:80",
                                     "[::1]",
                                     "[::1]:8080",
                                     "[fe80::1%25eth0]",
                                     "xn--eckwd4c7c.xn--zckzah",
                                     "a-b_c~d!$&'()*+,;=",
                                     "example.jp:",
                                     "example.jp  "};
    static const char *const bad[] = {"a b",      "a/b",   "a@b", "example.jp:80:80", "host:8o",
                                      "[::1",     "[::1]x", "a?b", "\xe3\x81\x82.jp", "a\tb",
                                      "[::1]:8a", "a#b",   "[a/b]"};
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (!http_host_ok(ok[i], strlen(ok[i])))
            fail_msg("Host \"%s\" refused", ok[i]);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (http_host_ok(bad[i], strlen(bad[i])))
            fail_msg("Host \"%s\" accepted", bad[i]);
}

/* The token cache (tcache.c): a clear empties it, and a lookup that read the store before a
 * clear (its generation taken then) does not put its answer back after it — the token it
 * found may be the one that clear was for, revoked here or on another node (issue 14). */
static void test_tcache_clear_beats_put(void **state)
{
    struct http_tcache *c = http_tcache_new(60000);
    unsigned char hash[HASH_SHA256_LEN] = {1, 2, 3};
    struct principal who = {.user_id = "u", .org_id = "o", .token_id = "t"}, got;
    UNUSED(state);
    uint64_t gen = http_tcache_generation(c);
    http_tcache_put(c, hash, 1000, &who, gen);
    assert_true(http_tcache_get(c, hash, 1001, &got));
    assert_string_equal(got.token_id, "t");
    http_tcache_clear(c);
    assert_false(http_tcache_get(c, hash, 1002, &got));
    /* read before the clear, put after it: dropped */
    gen = http_tcache_generation(c);
    http_tcache_clear(c);
    http_tcache_put(c, hash, 1003, &who, gen);
    assert_false(http_tcache_get(c, hash, 1004, &got));
    http_tcache_put(c, hash, 1005, &who, http_tcache_generation(c));
    assert_true(http_tcache_get(c, hash, 1006, &got));
    http_tcache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcache_clear_beats_put),
        cmocka_unit_test(test_lang),
        cmocka_unit_test(test_if_match),
        cmocka_unit_test(test_if_match_lists),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_routes_match_themselves),
        cmocka_unit_test(test_route_405),
        cmocka_unit_test(test_route_no_match),
        cmocka_unit_test(test_target),
        cmocka_unit_test(test_content_type),
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
