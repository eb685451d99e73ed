/*
 * test_jparse.c — unit tests of src/core/jparse.c (jsonx_parse, our RFC 8259 parser): every
 * error kind with its position and texts, the edges of UTF-8, escapes, numbers, duplicate keys
 * and depth, and agreement with jansson on every JSON fixture of the repository.
 * fuzz/fuzz_jparse.c checks agreement with jansson on arbitrary input.
 */
#include "core/buf.h"
#include "core/jsonx.h"
#include "unit.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* An input given with its length, so NUL bytes can be part of it. */
#define IN(s) s, sizeof(s) - 1

struct refuse_case {
    const char *in;
    size_t n;
    int depth, rc;
    long position; /* the offending byte */
    const char *en, *ja;
};

/* One case per error kind (and the edges named in issue 9), each with where it is reported. */
static const struct refuse_case refusals[] = {
    {IN(""), 32, JSONX_ESYNTAX, 0, "unexpected end", "途中で終わって"},
    {IN(" \n "), 32, JSONX_ESYNTAX, 3, "unexpected end", "途中で終わって"},
    {IN("{\"a\":[1,2"), 32, JSONX_ESYNTAX, 9, "unexpected end", "途中で終わって"},
    {IN("{\"a\":\"abc"), 32, JSONX_ESYNTAX, 9, "unexpected end", "途中で終わって"},
    {IN("{\"a\":1} x"), 32, JSONX_ESYNTAX, 8, "end of input expected after the JSON value near 'x'",
     "余分なデータ"},
    {IN("{\"a\":1}{}"), 32, JSONX_ESYNTAX, 7, "end of input expected", "余分なデータ"},
    {IN("\xef\xbb\xbf{\"a\":1}"), 32, JSONX_ESYNTAX, 0, "byte order mark", "バイトオーダーマーク"},
    {IN("{\"a\":\"\xc0\xaf\"}"), 32, JSONX_ESYNTAX, 6, "invalid UTF-8 byte 0xC0", "UTF-8"},
    {IN("{\"a\":\"\xe0\x80\xaf\"}"), 32, JSONX_ESYNTAX, 6, "invalid UTF-8 byte 0xE0", "UTF-8"},
    {IN("{\"a\":\"\xf0\x82\x82\xac\"}"), 32, JSONX_ESYNTAX, 6, "invalid UTF-8", "UTF-8"},
    {IN("{\"a\":\"\xed\xa0\x80\"}"), 32, JSONX_ESYNTAX, 6, "invalid UTF-8 byte 0xED", "UTF-8"},
    {IN("{\"a\":\"\xf4\x90\x80\x80\"}"), 32, JSONX_ESYNTAX, 6, "invalid UTF-8", "UTF-8"},
    {IN("{\"a\":\"\xe6\x97\"}"), 32, JSONX_ESYNTAX, 6, "invalid UTF-8", "UTF-8"},
    {IN("{\"a\":\"x\x80\"}"), 32, JSONX_ESYNTAX, 7, "invalid UTF-8 byte 0x80", "UTF-8"},
    {IN("{\"a\":1,\xff}"), 32, JSONX_ESYNTAX, 7, "invalid UTF-8 byte 0xFF", "UTF-8"},
    /* a NUL byte outside a string (jansson 2.14 dropped one after a number or a literal) */
    {IN("9\0"), 32, JSONX_ESYNTAX, 1, "end of input expected after the JSON value 0x00",
     "余分なデータ"},
    {IN("[1\0]"), 32, JSONX_ESYNTAX, 2, "expected ',' or ']'", "「]」"},
    {IN("{\"a\":true\0}"), 32, JSONX_ESYNTAX, 9, "expected ',' or '}'", "「}」"},
    {IN("{\"a\":\"tab\there\"}"), 32, JSONX_ESYNTAX, 9, "control character 0x09", "制御文字"},
    {IN("{\"a\":\"x\x00y\"}"), 32, JSONX_ESYNTAX, 7, "control character 0x00", "制御文字"},
    {IN("{\"a\":\"\\x\"}"), 32, JSONX_ESYNTAX, 6, "invalid escape", "エスケープ"},
    {IN("{\"a\":\"\\u12G4\"}"), 32, JSONX_ESYNTAX, 6, "invalid escape", "エスケープ"},
    {IN("{\"a\":\"\\u0000\"}"), 32, JSONX_ESYNTAX, 6, "\\u0000 is not allowed", "NUL"},
    {IN("{\"a\":\"\\ud800\"}"), 32, JSONX_ESYNTAX, 6, "surrogate", "サロゲート"},
    {IN("{\"a\":\"\\udc00\\ud800\"}"), 32, JSONX_ESYNTAX, 6, "surrogate", "サロゲート"},
    {IN("{\"a\":\"\\ud800\\u0041\"}"), 32, JSONX_ESYNTAX, 6, "surrogate", "サロゲート"},
    {IN("{\"a\":\"x\\ud83d\\n\"}"), 32, JSONX_ESYNTAX, 7, "surrogate", "サロゲート"},
    {IN("{\"a\":tru}"), 32, JSONX_ESYNTAX, 5, "invalid token near 'tru'", "値"},
    {IN("{\"a\":}"), 32, JSONX_ESYNTAX, 5, "invalid token near '}'", "値"},
    {IN("[1,]"), 32, JSONX_ESYNTAX, 3, "expected a value", "値"},
    {IN("{\"a\":01}"), 32, JSONX_ESYNTAX, 5, "invalid number", "数値"},
    {IN("{\"a\":1.}"), 32, JSONX_ESYNTAX, 7, "invalid number", "数値"},
    {IN("{\"a\":-}"), 32, JSONX_ESYNTAX, 6, "invalid number", "数値"},
    {IN("{\"a\":1e+}"), 32, JSONX_ESYNTAX, 8, "invalid number", "数値"},
    {IN("{\"a\":+1}"), 32, JSONX_ESYNTAX, 5, "invalid token", "値"},
    {IN("{\"a\":.5}"), 32, JSONX_ESYNTAX, 5, "invalid token", "値"},
    {IN("{a:1}"), 32, JSONX_ESYNTAX, 1, "expected an object key", "キー"},
    {IN("{\"a\":1,}"), 32, JSONX_ESYNTAX, 7, "expected an object key", "キー"},
    {IN("{\"a\" 1}"), 32, JSONX_ESYNTAX, 5, "expected ':'", "「:」"},
    {IN("{\"a\":1 \"b\":2}"), 32, JSONX_ESYNTAX, 7, "expected ',' or '}'", "「}」"},
    {IN("[1 2]"), 32, JSONX_ESYNTAX, 3, "expected ',' or ']'", "「]」"},
    {IN("{\"a\":1,\"b\":2,\"a\":3}"), 32, JSONX_ESYNTAX, 13, "duplicate object key \"a\"", "重複"},
    {IN("{\"o\":{\"k\":1,\"k\":1}}"), 32, JSONX_ESYNTAX, 12, "duplicate object key", "重複"},
    {IN("{\"a\":1,\"\\u0061\":2}"), 32, JSONX_ESYNTAX, 7, "duplicate object key", "重複"},
    {IN("{\"\\u0061\":1,\"a\":2}"), 32, JSONX_ESYNTAX, 12, "duplicate object key \"a\"", "重複"},
    {IN("{\"a\":9223372036854775808}"), 32, JSONX_ESYNTAX, 5, "integer too big", "大きすぎ"},
    {IN("{\"a\":-9223372036854775809}"), 32, JSONX_ESYNTAX, 5, "integer too big", "大きすぎ"},
    {IN("{\"a\":123456789012345678901234567890}"), 32, JSONX_ESYNTAX, 5, "integer too big",
     "大きすぎ"},
    {IN("{\"a\":1e400}"), 32, JSONX_ESYNTAX, 5, "real number overflow", "大きすぎ"},
    {IN("{\"a\":-1.7976931348623159e308}"), 32, JSONX_ESYNTAX, 5, "real number overflow",
     "大きすぎ"},
    {IN("[[[]]]"), 2, JSONX_EDEPTH, 2, "nesting deeper than 2 levels", "2階層"},
    {IN("{\"a\":{\"b\":[1]}}"), 2, JSONX_EDEPTH, 10, "deeper than 2", "2階層"},
    /* the depth is found in the same pass: a syntax error further left comes first */
    {IN("{\"a\":tru,\"b\":[[[]]]}"), 2, JSONX_ESYNTAX, 5, "invalid token", "値"},
    {IN("{\"a\":[[[]]],\"b\":tru}"), 2, JSONX_EDEPTH, 6, "deeper than 2", "2階層"},
};

static void test_jparse_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(refusals); i++) {
        const struct refuse_case *c = &refusals[i];
        struct jsonx_error e;
        json_t *j = (json_t *)1;
        int rc = jsonx_parse(c->in, c->n, c->depth, &j, &e);
        if (rc != c->rc || j || e.position != c->position || !strstr(e.text, c->en) ||
            !strstr(e.text_ja, c->ja))
            fail_msg("case %zu (%.*s): rc %d, position %ld, \"%s\" / \"%s\"", i, (int)c->n, c->in,
                     rc, e.position, e.text, e.text_ja);
    }
}

/* Line and column (in characters) of an error, and of a depth error in particular. */
static void test_jparse_line_column(void **state)
{
    struct jsonx_error e;
    json_t *j;
    const char *s = "{\n  \"名前\": \"x\",\n  \"b\": tru\n}";
    (void)state;
    assert_int_equal(jsonx_parse(s, strlen(s), 32, &j, &e), JSONX_ESYNTAX);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 8);
    assert_int_equal(e.position, (long)(strstr(s, "tru") - s));
    s = "{\"日本\": \"語\", \"x\": [[1]]}";
    assert_int_equal(jsonx_parse(s, strlen(s), 2, &j, &e), JSONX_EDEPTH);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 19);
    /* at the end of the input: line and column of the end */
    s = "{\n\"a\":";
    assert_int_equal(jsonx_parse(s, strlen(s), 32, &j, &e), JSONX_ESYNTAX);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 5);
    assert_int_equal(e.position, 6);
    /* the error out-parameter may be NULL */
    assert_int_equal(jsonx_parse("[", 1, 32, &j, NULL), JSONX_ESYNTAX);
    assert_null(j);
}

struct accept_case {
    const char *in;
    size_t n;
    const char *canonical; /* jsonx_dump_canonical of the result */
};

static const struct accept_case acceptances[] = {
    {IN("{}"), "{}"},
    {IN(" \t\r\n[ ] \n"), "[]"},
    {IN("\"\""), "\"\""},
    {IN("[true,false,null]"), "[true,false,null]"},
    /* -0 is the integer 0 (as strtoll reads it); -0.0 and -0e3 are the real minus zero */
    {IN("[-0,-0.0,-0e3,0e-999]"), "[0,-0.0,-0.0,0.0]"},
    {IN("[9223372036854775807,-9223372036854775808]"),
     "[9223372036854775807,-9223372036854775808]"},
    /* a real that does not fit an integer is fine, and so is an underflow to 0 or subnormal */
    {IN("[9223372036854775808.0,1e-400,4.9e-324,2.2250738585072011e-308]"),
     "[9.223372036854776e18,0.0,4.94065645841247e-324,2.225073858507201e-308]"},
    {IN("[0.1,1e22,1e23,9007199254740993.0,1.7976931348623157e308,1E2,1e+2,12.5e-1]"),
     "[0.1,1e22,1e23,9007199254740992.0,1.7976931348623157e308,100.0,100.0,1.25]"},
    {IN("[123456789012345678901234567890.5,0.000000000000000000000000001]"),
     "[1.2345678901234568e29,1e-27]"},
    /* escapes, including a surrogate pair and upper-case hex */
    {IN("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"\\u00e9\\u20AC\\ud83d\\ude00\\uD83D\\uDE00\"]"),
     "[\"\\\"\\\\/\\b\\f\\n\\r\\t\",\"é€😀😀\"]"},
    /* UTF-8 at its edges: U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF */
    {IN("[\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"]"),
     "[\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"]"},
    {IN("{\"b\":1,\"a\":{\"b\":2,\"a\":[]}}"), "{\"a\":{\"a\":[],\"b\":2},\"b\":1}"},
    /* keys that differ only after an escape, and the same key in sibling objects */
    {IN("{\"a\\n\":1,\"a\":2,\"o\":{\"a\":3},\"p\":{\"a\":4}}"),
     "{\"a\":2,\"a\\n\":1,\"o\":{\"a\":3},\"p\":{\"a\":4}}"},
};

static void test_jparse_acceptances(void **state)
{
    struct buf b;
    (void)state;
    buf_init(&b, BUF_UNLIMITED);
    for (size_t i = 0; i < ARRAY_SIZE(acceptances); i++) {
        const struct accept_case *c = &acceptances[i];
        struct jsonx_error e;
        json_t *j;
        buf_truncate(&b, 0);
        if (jsonx_parse(c->in, c->n, 32, &j, &e))
            fail_msg("case %zu (%.*s): %s at %ld", i, (int)c->n, c->in, e.text, e.position);
        assert_int_equal(jsonx_dump_canonical(j, &b), 0);
        if (strcmp(buf_cstr(&b), c->canonical))
            fail_msg("case %zu: %s, want %s", i, buf_cstr(&b), c->canonical);
        json_decref(j);
    }
    buf_release(&b);
}

/* Types and exact values: integers stay integers, reals are strtod's doubles. */
static void test_jparse_number_types(void **state)
{
    json_t *j;
    const char *s = "[-0,-0.0,2.5,9007199254740993,1.0]";
    (void)state;
    assert_int_equal(jsonx_parse(s, strlen(s), 4, &j, NULL), 0);
    assert_true(json_is_integer(json_array_get(j, 0)));
    assert_int_equal(json_integer_value(json_array_get(j, 0)), 0);
    assert_true(json_is_real(json_array_get(j, 1)));
    assert_true(signbit(json_real_value(json_array_get(j, 1))));
    assert_true(json_real_value(json_array_get(j, 2)) == 2.5);
    assert_true(json_is_integer(json_array_get(j, 3)));
    assert_true(json_integer_value(json_array_get(j, 3)) == 9007199254740993LL);
    assert_true(json_is_real(json_array_get(j, 4)));
    json_decref(j);
    /* every double spelled with many digits comes back as strtod reads it */
    static const char *const reals[] = {"0.30000000000000004",
                                        "2.2250738585072014e-308",
                                        "1.7976931348623157e308",
                                        "123.456e-7",
                                        "-8.5e-15",
                                        "4503599627370497.5",
                                        "9007199254740991e22",
                                        "1.00000000000000011102230246251565404236316680908203125"};
    for (size_t i = 0; i < ARRAY_SIZE(reals); i++) {
        assert_int_equal(jsonx_parse(reals[i], strlen(reals[i]), 4, &j, NULL), 0);
        if (json_real_value(j) != strtod(reals[i], NULL))
            fail_msg("%s read as %.17g", reals[i], json_real_value(j));
        json_decref(j);
    }
}

/* Nesting at the limit is accepted, one more is refused at the bracket too many, for arrays
 * and objects, and brackets inside strings do not count. */
static void test_jparse_depth(void **state)
{
    struct buf b;
    struct jsonx_error e;
    json_t *j;
    (void)state;
    buf_init(&b, BUF_UNLIMITED);
    for (int limit = 1; limit <= 64; limit *= 4) {
        for (int extra = 0; extra <= 1; extra++) {
            int depth = limit + extra;
            long at = -1; /* where the bracket too many is */
            buf_truncate(&b, 0);
            for (int i = 0; i < depth; i++) {
                if (i == limit)
                    at = (long)b.len;
                buf_puts(&b, i % 2 ? "[" : "{\"k\":");
            }
            buf_puts(&b, "\"[[{{\"");
            for (int i = depth - 1; i >= 0; i--)
                buf_puts(&b, i % 2 ? "]" : "}");
            int rc = jsonx_parse(b.data, b.len, limit, &j, &e);
            if (rc != (extra ? JSONX_EDEPTH : JSONX_OK))
                fail_msg("depth %d, limit %d: %d", depth, limit, rc);
            if (extra) {
                assert_int_equal(e.position, at);
                assert_non_null(strstr(e.text, "deeper"));
            }
            json_decref(j);
        }
    }
    /* jansson's limit is kept however high the caller asks */
    buf_truncate(&b, 0);
    for (int i = 0; i < JSON_PARSER_MAX_DEPTH + 1; i++)
        buf_putc(&b, '[');
    assert_int_equal(jsonx_parse(b.data, b.len, 1 << 20, &j, &e), JSONX_EDEPTH);
    assert_int_equal(e.position, JSON_PARSER_MAX_DEPTH);
    buf_release(&b);
}

/* Duplicates are found in small objects (compared directly), in large ones (looked up), and
 * when a key had escapes. */
static void test_jparse_duplicates_large(void **state)
{
    struct buf b;
    struct jsonx_error e;
    json_t *j;
    (void)state;
    buf_init(&b, BUF_UNLIMITED);
    for (int n = 1; n <= 40; n++) {
        for (int dup = -1; dup < n; dup += n / 3 + 1) {
            buf_truncate(&b, 0);
            buf_putc(&b, '{');
            for (int i = 0; i < n; i++)
                buf_appendf(&b, "%s\"key%d\":{\"key%d\":%d}", i ? "," : "", i, i, i);
            if (dup >= 0)
                buf_appendf(&b, ",\"key%d\":0", dup);
            buf_putc(&b, '}');
            int rc = jsonx_parse(b.data, b.len, 4, &j, &e);
            if (rc != (dup >= 0 ? JSONX_ESYNTAX : JSONX_OK))
                fail_msg("%d keys, duplicate of key %d: %d", n, dup, rc);
            if (!rc)
                assert_int_equal(json_object_size(j), n);
            json_decref(j);
        }
    }
    /* a key with an escape among many: later plain keys are still compared with it */
    buf_truncate(&b, 0);
    buf_puts(&b, "{\"a\":0,\"\\u0062\":1");
    for (int i = 0; i < 20; i++)
        buf_appendf(&b, ",\"k%d\":%d", i, i);
    buf_puts(&b, ",\"b\":2}");
    assert_int_equal(jsonx_parse(b.data, b.len, 4, &j, &e), JSONX_ESYNTAX);
    assert_non_null(strstr(e.text, "duplicate"));
    buf_release(&b);
}

/* Strings are scanned eight bytes at a time: put each kind of special byte at every offset. */
static void test_jparse_string_offsets(void **state)
{
    static const struct {
        const char *ins, *want; /* inserted raw bytes, and the decoded bytes (NULL: refused) */
    } specials[] = {{"\\\"", "\""},
                    {"\\\\", "\\"},
                    {"\\n", "\n"},
                    {"\xc3\xa9", "\xc3\xa9"},
                    {"\x01", NULL},
                    {"\x1f", NULL},
                    {"\x80", NULL},
                    {"\x7f", "\x7f"},
                    {"\xe2\x82\xac", "\xe2\x82\xac"},
                    {" ", " "},
                    {"!", "!"},
                    {"#", "#"},
                    {"[", "["},
                    {"]", "]"},
                    {"\\u0041", "A"}};
    char in[64], want[64];
    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(specials); k++) {
        for (int off = 0; off < 20; off++) {
            json_t *j;
            int n = snprintf(in, sizeof(in), "\"%.*s%s%s\"", off, "abcdefghijklmnopqrstuvwxyz",
                             specials[k].ins, "0123456789");
            int rc = jsonx_parse(in, (size_t)n, 4, &j, NULL);
            if (!specials[k].want) {
                if (rc != JSONX_ESYNTAX)
                    fail_msg("accepted %s", in);
                continue;
            }
            snprintf(want, sizeof(want), "%.*s%s%s", off, "abcdefghijklmnopqrstuvwxyz",
                     specials[k].want, "0123456789");
            if (rc || strcmp(json_string_value(j), want))
                fail_msg("%s read as %s", in, rc ? "an error" : json_string_value(j));
            json_decref(j);
        }
    }
}

/* jsonx_load_object on top of it: non-objects are JSONX_ENOTOBJ, errors pass through. */
static void test_jparse_load_object(void **state)
{
    struct jsonx_error e;
    json_t *j;
    (void)state;
    assert_int_equal(jsonx_load_object("[1]", 3, 32, &j, &e), JSONX_ENOTOBJ);
    assert_null(j);
    assert_int_equal(e.position, 0);
    assert_int_equal(jsonx_load_object("[1", 2, 32, &j, &e), JSONX_ESYNTAX);
    assert_int_equal(jsonx_load_object("{\"a\":[[1]]}", 11, 2, &j, &e), JSONX_EDEPTH);
    assert_int_equal(jsonx_load_object("{\"a\":[[1]]}", 11, 3, &j, &e), JSONX_OK);
    assert_int_equal(
        json_integer_value(json_array_get(json_array_get(json_object_get(j, "a"), 0), 0)), 1);
    json_decref(j);
}

/* Every JSON fixture in the repository reads as jansson reads it (values and key order). */
static void compare_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    char path[4096];
    assert_non_null(d);
    while ((ent = readdir(d))) {
        struct stat st;
        size_t n;
        if (ent->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
        if (stat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode)) {
            compare_dir(path, count);
            continue;
        }
        n = strlen(ent->d_name);
        if (n < 5 || strcmp(ent->d_name + n - 5, ".json"))
            continue;
        char *text = unit_read_file(path, &n);
        json_t *ref = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL), *got;
        int rc = jsonx_parse(text, n, JSON_PARSER_MAX_DEPTH, &got, NULL);
        char *a = ref ? json_dumps(ref, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        char *b = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        if (!ref != !!rc || (ref && (!json_equal(ref, got) || strcmp(a, b))))
            fail_msg("%s: jansson and jsonx_parse disagree", path);
        free(a);
        free(b);
        json_decref(ref);
        json_decref(got);
        free(text);
        (*count)++;
    }
    closedir(d);
}

static void test_jparse_fixtures_as_jansson(void **state)
{
    char dir[4096];
    int count = 0;
    (void)state;
    snprintf(dir, sizeof(dir), "%s/tests/data", unit_source_root());
    compare_dir(dir, &count);
    snprintf(dir, sizeof(dir), "%s/docs/examples", unit_source_root());
    compare_dir(dir, &count);
    assert_true(count > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jparse_refusals),
        cmocka_unit_test(test_jparse_line_column),
        cmocka_unit_test(test_jparse_acceptances),
        cmocka_unit_test(test_jparse_number_types),
        cmocka_unit_test(test_jparse_depth),
        cmocka_unit_test(test_jparse_duplicates_large),
        cmocka_unit_test(test_jparse_string_offsets),
        cmocka_unit_test(test_jparse_load_object),
        cmocka_unit_test(test_jparse_fixtures_as_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
