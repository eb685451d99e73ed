/*
 * test_jpatch.c — JSON Patch (RFC 6902): diff/apply round trips on hand-written cases, every
 * operation and error case of the RFC's Appendix A, and a seeded property test
 * apply(diff(a, b), a) == b over random document pairs.
 */
#include "core/jpatch.h"
#include "core/jsonx.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static json_t *J(const char *s)
{
    json_error_t je;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &je);
    if (!j)
        fail_msg("bad JSON in test: %s (%s)", s, je.text);
    return j;
}

static char *dump(const json_t *j)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    jsonx_dump_canonical(j, &b);
    return buf_detach(&b, NULL);
}

static void assert_json_eq(const json_t *got, const json_t *want, const char *what)
{
    if (json_equal((json_t *)got, (json_t *)want))
        return;
    char *g = dump(got), *w = dump(want);
    print_error("%s:\n  got  %s\n  want %s\n", what, g, w);
    free(g);
    free(w);
    fail();
}

/* Checks the round trip and returns the diff (new reference). */
static json_t *roundtrip(const json_t *a, const json_t *b)
{
    char err[160] = "";
    json_t *patch = jpatch_diff(a, b);
    assert_true(json_is_array(patch));
    json_t *out = jpatch_apply(a, patch, err, sizeof(err));
    if (!out) {
        char *p = dump(patch);
        print_error("apply failed: %s\n  patch %s\n", err, p);
        free(p);
        fail();
    }
    assert_json_eq(out, b, "apply(diff(a, b), a)");
    json_decref(out);
    return patch;
}

/* ---- diff ---- */

static void test_diff_exact(void **state)
{
    static const struct {
        const char *a, *b, *patch;
    } cases[] = {
        {"{\"a\":1}", "{\"a\":1}", "[]"},
        {"{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":3}",
         "[{\"op\":\"remove\",\"path\":\"/b\"},{\"op\":\"add\",\"path\":\"/c\",\"value\":3}]"},
        /* insert at the front: the common suffix is kept, one add at index 0 */
        {"[1,2,3]", "[0,1,2,3]", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":0}]"},
        /* removals go from the end so earlier indices stay valid */
        {"[1,2,3,4,5]", "[1,5]",
         "[{\"op\":\"remove\",\"path\":\"/3\"},{\"op\":\"remove\",\"path\":\"/2\"},"
         "{\"op\":\"remove\",\"path\":\"/1\"}]"},
        /* keys needing escapes, in byte order of the keys */
        {"{\"a/b\":1,\"m~n\":2}", "{\"a/b\":2}",
         "[{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":2},"
         "{\"op\":\"remove\",\"path\":\"/m~0n\"}]"},
        {"{\"~1\":[]}", "{\"~1\":[true]}", "[{\"op\":\"add\",\"path\":\"/~01/0\",\"value\":true}]"},
        /* type changes replace the whole value */
        {"{\"a\":[1]}", "{\"a\":{\"0\":1}}",
         "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":{\"0\":1}}]"},
        {"{\"a\":1}", "{\"a\":1.0}", "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":1.0}]"},
        {"{\"a\":null}", "{\"a\":false}", "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":false}]"},
        /* root replacement */
        {"1", "\"x\"", "[{\"op\":\"replace\",\"path\":\"\",\"value\":\"x\"}]"},
        {"{}", "[]", "[{\"op\":\"replace\",\"path\":\"\",\"value\":[]}]"},
        /* the empty key */
        {"{\"\":1}", "{\"\":2}", "[{\"op\":\"replace\",\"path\":\"/\",\"value\":2}]"},
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        json_t *a = J(cases[i].a), *b = J(cases[i].b), *want = J(cases[i].patch);
        json_t *patch = roundtrip(a, b);
        assert_json_eq(patch, want, cases[i].a);
        json_decref(patch);
        json_decref(a);
        json_decref(b);
        json_decref(want);
    }
}

static void test_diff_roundtrip_cases(void **state)
{
    static const char *const pairs[][2] = {
        {"{\"a\":{\"b\":{\"c\":[1,{\"d\":2}]}}}", "{\"a\":{\"b\":{\"c\":[1,{\"d\":3,\"e\":[]}]}}}"},
        {"[[1,2],[3,4]]", "[[1],[3,4,5],[6]]"},
        {"[1,2,3]", "[]"},
        {"[]", "[1,[2],{\"3\":3}]"},
        {"[1,2,3]", "[3,2,1]"},
        {"[\"a\",\"b\",\"c\",\"d\"]", "[\"x\",\"a\",\"b\",\"c\",\"d\",\"y\"]"},
        {"[1,2,1,2]", "[2,1,2,1]"},
        {"{\"a/b\":{\"c~d\":[1]},\"~\":1}", "{\"a/b\":{\"c~d\":[1,2]},\"/\":1}"},
        {"{\"contacts\":[{\"n\":\"a\"},{\"n\":\"b\"}]}", "{\"contacts\":[{\"n\":\"b\"}]}"},
        {"{\"a\":\"日本\"}", "{\"a\":\"日本語\",\"語\":1}"},
        {"null", "{\"a\":1}"},
        {"{\"a\":[{\"b\":[{\"c\":[]}]}]}", "{\"a\":[{\"b\":[{\"c\":[[]]}]}]}"},
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
        for (int dir = 0; dir < 2; dir++) {
            json_t *a = J(pairs[i][dir]), *b = J(pairs[i][!dir]);
            json_decref(roundtrip(a, b));
            json_decref(a);
            json_decref(b);
        }
    }
}

/* ---- apply ---- */

struct apply_case {
    const char *doc, *patch, *want; /* want NULL: the patch must fail */
};

static void run_apply_cases(const struct apply_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char err[160] = "";
        json_t *doc = J(c[i].doc), *patch = J(c[i].patch);
        char *before = dump(doc);
        json_t *out = jpatch_apply(doc, patch, err, sizeof(err));
        if (c[i].want) {
            if (!out)
                fail_msg("case %zu (%s): failed: %s", i, c[i].patch, err);
            json_t *want = J(c[i].want);
            assert_json_eq(out, want, c[i].patch);
            json_decref(want);
        } else {
            if (out)
                fail_msg("case %zu (%s): should have failed", i, c[i].patch);
            if (!err[0]) /* jpatch.h: NULL "with a message in err" */
                fail_msg("case %zu (%s): failed without a message", i, c[i].patch);
        }
        /* the input document is never modified, whatever the outcome */
        char *after = dump(doc);
        assert_string_equal(before, after);
        free(before);
        free(after);
        json_decref(out);
        json_decref(doc);
        json_decref(patch);
    }
}

/* RFC 6902 Appendix A, in order (A.13's duplicate "op" is a parser matter, not tested here). */
static void test_apply_rfc_appendix_a(void **state)
{
    static const struct apply_case cases[] = {
        /* A.1 */ {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
                   "{\"baz\":\"qux\",\"foo\":\"bar\"}"},
        /* A.2 */
        {"{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]",
         "{\"foo\":[\"bar\",\"qux\",\"baz\"]}"},
        /* A.3 */
        {"{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
         "{\"foo\":\"bar\"}"},
        /* A.4 */
        {"{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]",
         "{\"foo\":[\"bar\",\"baz\"]}"},
        /* A.5 */
        {"{\"baz\":\"qux\",\"foo\":\"bar\"}",
         "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
         "{\"baz\":\"boo\",\"foo\":\"bar\"}"},
        /* A.6 */
        {"{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
         "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
         "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}"},
        /* A.7 */
        {"{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
         "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
         "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}"},
        /* A.8 */
        {"{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
         "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},"
         "{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
         "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}"},
        /* A.9 */
        {"{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", NULL},
        /* A.10 */
        {"{\"foo\":\"bar\"}",
         "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
         "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}"},
        /* A.11 */
        {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]",
         "{\"foo\":\"bar\",\"baz\":\"qux\"}"},
        /* A.12 */
        {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", NULL},
        /* A.14 */
        {"{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]",
         "{\"/\":9,\"~1\":10}"},
        /* A.15 */
        {"{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]", NULL},
        /* A.16 */
        {"{\"foo\":[\"bar\"]}",
         "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
         "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}"},
    };
    (void)state;
    run_apply_cases(cases, ARRAY_SIZE(cases));
}

static void test_apply_operations(void **state)
{
    static const struct apply_case cases[] = {
        /* add: replaces an existing member; inserts at the end index; "-" appends */
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a\",\"value\":2}]", "{\"a\":2}"},
        {"[1,2]", "[{\"op\":\"add\",\"path\":\"/2\",\"value\":3}]", "[1,2,3]"},
        {"[1,2]", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":0}]", "[0,1,2]"},
        {"{\"a\":[]}", "[{\"op\":\"add\",\"path\":\"/a/-\",\"value\":1}]", "{\"a\":[1]}"},
        {"{}", "[{\"op\":\"add\",\"path\":\"/\",\"value\":1}]", "{\"\":1}"},
        /* the root */
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"\",\"value\":[1]}]", "[1]"},
        {"{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"b\":2}}]", "{\"b\":2}"},
        {"{\"a\":1}", "[{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":1}}]", "{\"a\":1}"},
        /* replace in arrays keeps the position */
        {"[1,2,3]", "[{\"op\":\"replace\",\"path\":\"/1\",\"value\":9}]", "[1,9,3]"},
        {"[1,2,3]", "[{\"op\":\"replace\",\"path\":\"/2\",\"value\":9}]", "[1,2,9]"},
        /* copy, and move to itself */
        {"{\"a\":{\"b\":[1]}}", "[{\"op\":\"copy\",\"from\":\"/a/b\",\"path\":\"/c\"}]",
         "{\"a\":{\"b\":[1]},\"c\":[1]}"},
        {"{\"a\":{\"b\":1}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/a/c\"}]",
         "{\"a\":{\"b\":1,\"c\":{\"b\":1}}}"},
        {"{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}]", "{\"a\":1}"},
        {"{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a/b\",\"path\":\"/a\"}]", "{\"a\":1}"},
        /* "/ab/c" is not inside "/a": the own-child check compares whole tokens */
        {"{\"a\":1,\"ab\":{}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/ab/c\"}]",
         "{\"ab\":{\"c\":1}}"},
        /* escaped tokens in every position */
        {"{\"a/b\":{\"~\":1}}", "[{\"op\":\"move\",\"from\":\"/a~1b/~0\",\"path\":\"/~0~1\"}]",
         "{\"a/b\":{},\"~/\":1}"},
        /* operations apply in order: a later one sees the earlier ones */
        {"{}",
         "[{\"op\":\"add\",\"path\":\"/a\",\"value\":[]},{\"op\":\"add\",\"path\":\"/a/0\","
         "\"value\":1},{\"op\":\"test\",\"path\":\"/a/0\",\"value\":1}]",
         "{\"a\":[1]}"},
        /* an empty patch is the identity */
        {"{\"a\":1}", "[]", "{\"a\":1}"},
        /* "test" compares numbers by value (RFC 6902 §4.6): 1 equals 1.0, also inside
         * arrays and objects */
        {"{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":1.0}]", "{\"a\":1}"},
        {"{\"a\":[1,{\"b\":2}]}",
         "[{\"op\":\"test\",\"path\":\"/a\",\"value\":[1.0,{\"b\":2.0}]}]",
         "{\"a\":[1,{\"b\":2}]}"},
    };
    (void)state;
    run_apply_cases(cases, ARRAY_SIZE(cases));
}

static void test_apply_errors(void **state)
{
    static const struct apply_case cases[] = {
        {"{\"a\":{}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"}]", NULL},
        {"{\"a\":{\"b\":{}}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b/c\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":1}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/a\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/b\",\"value\":null}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/x\",\"path\":\"/b\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"copy\",\"path\":\"/b\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]", NULL},
        {"{\"a\":1}", "[{\"path\":\"/a\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"remove\"}]", NULL},
        {"{\"a\":1}", "[{\"op\":1,\"path\":\"/a\"}]", NULL},
        {"{\"a\":1}", "[\"remove /a\"]", NULL},
        {"{\"a\":1}", "{\"op\":\"remove\",\"path\":\"/a\"}", NULL},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]", NULL},
        /* array indices: past the end, leading zeros, signs, "-" where it cannot be */
        {"[1,2]", "[{\"op\":\"add\",\"path\":\"/3\",\"value\":3}]", NULL},
        {"[1,2]", "[{\"op\":\"remove\",\"path\":\"/2\"}]", NULL},
        {"[1,2]", "[{\"op\":\"remove\",\"path\":\"/01\"}]", NULL},
        {"[1,2]", "[{\"op\":\"remove\",\"path\":\"/+1\"}]", NULL},
        {"[1,2]", "[{\"op\":\"add\",\"path\":\"/-1\",\"value\":0}]", NULL},
        {"[1,2]", "[{\"op\":\"remove\",\"path\":\"/-\"}]", NULL},
        {"[1,2]", "[{\"op\":\"replace\",\"path\":\"/-\",\"value\":0}]", NULL},
        {"[1,2]", "[{\"op\":\"add\",\"path\":\"/x\",\"value\":0}]", NULL},
        /* invalid escapes */
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/~2\",\"value\":1}]", NULL},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a~\",\"value\":1}]", NULL},
        /* into a scalar */
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}]", NULL},
        /* the whole patch fails when a later operation fails (RFC 6902 §5) */
        {"{\"a\":1}",
         "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},{\"op\":\"test\",\"path\":\"/a\","
         "\"value\":2}]",
         NULL},
    };
    (void)state;
    run_apply_cases(cases, ARRAY_SIZE(cases));
    /* a NULL error buffer is allowed */
    json_t *doc = J("{}"), *patch = J("[{\"op\":\"remove\",\"path\":\"/x\"}]");
    assert_null(jpatch_apply(doc, patch, NULL, 0));
    json_decref(doc);
    json_decref(patch);
}

/* ---- property test ---- */

static const char *const keys[] = {"a", "b", "c", "", "~", "/", "a~1", "x/y~0", "日本", "-", "0"};

static json_t *gen_value(uint64_t *rng, int depth);

static json_t *gen_scalar(uint64_t *rng)
{
    switch (unit_rand_below(rng, 6)) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(unit_rand_below(rng, 2));
    case 2:
        return json_integer((json_int_t)unit_rand_below(rng, 7) - 3);
    case 3:
        return json_real((double)unit_rand_below(rng, 9) / 4.0);
    case 4:
        return json_string(keys[unit_rand_below(rng, ARRAY_SIZE(keys))]);
    default:
        return json_string("");
    }
}

static json_t *gen_value(uint64_t *rng, int depth)
{
    unsigned kind = depth <= 0 ? 0 : unit_rand_below(rng, 4);
    unsigned n = unit_rand_below(rng, 5);
    json_t *v;
    if (kind == 0 || kind == 1)
        return gen_scalar(rng);
    if (kind == 2) {
        v = json_array();
        for (unsigned i = 0; i < n; i++)
            json_array_append_new(v, gen_value(rng, depth - 1));
        return v;
    }
    v = json_object();
    for (unsigned i = 0; i < n; i++)
        json_object_set_new(v, keys[unit_rand_below(rng, ARRAY_SIZE(keys))],
                            gen_value(rng, depth - 1));
    return v;
}

/* Returns a new value derived from v by a few random edits (so pairs share structure, which
 * exercises the prefix/suffix logic better than independent documents). */
static json_t *mutate(uint64_t *rng, const json_t *v, int depth)
{
    unsigned r = unit_rand_below(rng, 10);
    if (r == 0 || depth <= 0)
        return gen_value(rng, depth);
    json_t *c = json_deep_copy(v);
    if (json_is_array(c)) {
        size_t n = json_array_size(c);
        if (r < 4 && n)
            json_array_remove(c, unit_rand_below(rng, (unsigned)n));
        else if (r < 7)
            json_array_insert_new(c, unit_rand_below(rng, (unsigned)n + 1), gen_value(rng, 1));
        else if (n) {
            size_t i = unit_rand_below(rng, (unsigned)n);
            json_array_set_new(c, i, mutate(rng, json_array_get(c, i), depth - 1));
        }
    } else if (json_is_object(c)) {
        const char *k = keys[unit_rand_below(rng, ARRAY_SIZE(keys))];
        json_t *old = json_object_get(c, k);
        if (r < 4)
            json_object_del(c, k);
        else if (old)
            json_object_set_new(c, k, mutate(rng, old, depth - 1));
        else
            json_object_set_new(c, k, gen_value(rng, depth - 1));
    } else if (r < 5) {
        json_decref(c);
        return gen_scalar(rng);
    }
    return c;
}

static void test_property_roundtrip(void **state)
{
    uint64_t rng = 20261122;
    int nonempty = 0;
    (void)state;
    for (int i = 0; i < 2000; i++) {
        json_t *a = gen_value(&rng, 4), *b;
        if (i % 5 == 0) {
            b = gen_value(&rng, 4);
        } else {
            b = json_incref(a);
            for (unsigned k = 1 + unit_rand_below(&rng, 4); k > 0; k--) {
                json_t *next = mutate(&rng, b, 4);
                json_decref(b);
                b = next;
            }
        }
        json_t *p1 = roundtrip(a, b), *p2 = jpatch_diff(a, b);
        assert_true(json_equal(p1, p2)); /* deterministic */
        nonempty += json_array_size(p1) > 0;
        json_t *self = jpatch_diff(a, a);
        assert_int_equal(json_array_size(self), 0);
        json_decref(self);
        json_decref(p1);
        json_decref(p2);
        json_decref(a);
        json_decref(b);
    }
    assert_true(nonempty > 1500); /* the generator really produces differences */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_exact),           cmocka_unit_test(test_diff_roundtrip_cases),
        cmocka_unit_test(test_apply_rfc_appendix_a), cmocka_unit_test(test_apply_operations),
        cmocka_unit_test(test_apply_errors),         cmocka_unit_test(test_property_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
