/*
 * itest_openapi.c — docs/api/openapi.yaml documents exactly the route table (both ways), every
 * operation that needs a token says so, and `ichigen routes` prints the same table.
 *
 * The YAML is read with a line scanner under the document's convention, not a YAML parser:
 * top-level keys at column 0, path keys at indent 2 under `paths:` ("  /api/v1/reports/{id}:"),
 * methods at indent 4 ("    get:"), an operation's `security` at indent 6.
 */
#include "itest.h"
#include "core/buf.h"
#include "http/http.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>

#define MAX_OPS 256

enum sec { SEC_NONE, SEC_EMPTY /* security: [] */, SEC_SET };

struct op {
    char method[8];
    char path[128];
    enum sec security;
};

struct spec {
    struct op ops[MAX_OPS];
    size_t n;
    enum sec global;
};

static char *yaml;

/* One line: its indent, and the key before ':' with quotes removed ("" when not a key). */
struct line {
    int indent;
    char key[128];
    const char *value; /* after "key:", spaces skipped */
    bool item;         /* starts with "- " */
};

static void scan_line(const char *s, size_t len, struct line *l)
{
    size_t i = 0, k;
    memset(l, 0, sizeof(*l));
    while (i < len && s[i] == ' ')
        i++;
    l->indent = (int)i;
    l->item = i < len && s[i] == '-';
    if (i >= len || s[i] == '#' || l->item)
        return;
    for (k = i; k < len && s[k] != ':'; k++)
        ;
    if (k >= len || k - i >= sizeof(l->key))
        return;
    size_t a = i, b = k;
    if (b > a + 1 && (s[a] == '"' || s[a] == '\'') && s[b - 1] == s[a])
        a++, b--;
    memcpy(l->key, s + a, b - a);
    l->key[b - a] = '\0';
    for (l->value = s + k + 1; *l->value == ' '; l->value++)
        ;
}

/* "security: []" is an explicit "no authentication"; "security:" with a list under it sets some. */
static enum sec security_value(const char *value)
{
    return !strncmp(value, "[]", 2) ? SEC_EMPTY : SEC_SET;
}

static bool is_method(const char *k)
{
    static const char *const m[] = {"get",  "put",   "post",  "delete", "options",
                                    "head", "patch", "trace", NULL};
    for (const char *const *p = m; *p; p++)
        if (!strcmp(*p, k))
            return true;
    return false;
}

static void parse_spec(const char *text, struct spec *sp)
{
    bool in_paths = false;
    char path[128] = "";
    struct op *cur = NULL;
    memset(sp, 0, sizeof(*sp));
    for (const char *s = text; *s;) {
        size_t len = strcspn(s, "\n");
        struct line l;
        scan_line(s, len, &l);
        s += len + (s[len] == '\n');
        if (!l.key[0])
            continue;
        if (l.indent == 0) {
            in_paths = !strcmp(l.key, "paths");
            cur = NULL;
            if (!strcmp(l.key, "security"))
                sp->global = security_value(l.value);
        } else if (in_paths && l.indent == 2) {
            xstrlcpy(path, l.key, sizeof(path));
            cur = NULL;
        } else if (in_paths && l.indent == 4 && path[0]) {
            cur = NULL;
            if (!is_method(l.key))
                continue;
            assert_true(sp->n < MAX_OPS);
            cur = &sp->ops[sp->n++];
            for (size_t i = 0; l.key[i] && i < sizeof(cur->method) - 1; i++)
                cur->method[i] = (char)toupper((unsigned char)l.key[i]);
            xstrlcpy(cur->path, path, sizeof(cur->path));
        } else if (cur && l.indent == 6 && !strcmp(l.key, "security")) {
            cur->security = security_value(l.value);
        }
    }
}

static const struct op *find_op(const struct spec *sp, const char *method, const char *path)
{
    for (size_t i = 0; i < sp->n; i++)
        if (!strcmp(sp->ops[i].method, method) && !strcmp(sp->ops[i].path, path))
            return &sp->ops[i];
    return NULL;
}

static bool route_exists(const char *method, const char *pattern)
{
    for (size_t i = 0; i < http_route_count(); i++) {
        const struct http_route_info *ri = http_route_at(i);
        if (!strcmp(ri->method, method) && !strcmp(ri->pattern, pattern))
            return true;
    }
    return false;
}

static void test_document_exists(void **state)
{
    char path[1024];
    UNUSED(state);
    snprintf(path, sizeof(path), "%s/docs/api/openapi.yaml", getenv("ICHIGEN_SOURCE_ROOT"));
    yaml = itest_read_file(path, NULL);
    if (!yaml)
        fail_msg("%s: %s", path, strerror(errno));
    assert_true(!strncmp(yaml, "openapi: 3.", 11) || strstr(yaml, "\nopenapi: 3."));
}

static void test_same_routes_both_ways(void **state)
{
    struct spec sp;
    struct buf diff;
    UNUSED(state);
    assert_non_null(yaml);
    parse_spec(yaml, &sp);
    buf_init(&diff, BUF_UNLIMITED);
    for (size_t i = 0; i < http_route_count(); i++) {
        const struct http_route_info *ri = http_route_at(i);
        if (!find_op(&sp, ri->method, ri->pattern))
            buf_appendf(&diff, "  undocumented route: %s %s\n", ri->method, ri->pattern);
    }
    for (size_t i = 0; i < sp.n; i++)
        if (!route_exists(sp.ops[i].method, sp.ops[i].path))
            buf_appendf(&diff, "  documented but not served: %s %s\n", sp.ops[i].method,
                        sp.ops[i].path);
    for (size_t i = 0; i < sp.n; i++)
        for (size_t k = i + 1; k < sp.n; k++)
            if (!strcmp(sp.ops[i].method, sp.ops[k].method) &&
                !strcmp(sp.ops[i].path, sp.ops[k].path))
                buf_appendf(&diff, "  documented twice: %s %s\n", sp.ops[i].method, sp.ops[i].path);
    if (diff.len)
        fail_msg("openapi.yaml and the route table differ:\n%s", buf_cstr(&diff));
    assert_int_equal(sp.n, http_route_count());
    buf_release(&diff);
}

/* Operations under /api/v1 need a token unless they are sign-in or the public schema; public
 * routes of the table must not claim to need one. */
static void test_security_declared(void **state)
{
    struct spec sp;
    struct buf bad;
    UNUSED(state);
    assert_non_null(yaml);
    parse_spec(yaml, &sp);
    buf_init(&bad, BUF_UNLIMITED);
    for (size_t i = 0; i < http_route_count(); i++) {
        const struct http_route_info *ri = http_route_at(i);
        const struct op *o = find_op(&sp, ri->method, ri->pattern);
        if (!o)
            continue; /* reported by test_same_routes_both_ways */
        bool public = !strcmp(ri->auth, "public");
        bool exempt = !strcmp(ri->pattern, "/api/v1/auth/login") ||
                      !strcmp(ri->pattern, "/api/v1/report-format/schema") ||
                      (public && !strcmp(ri->pattern, "/api/v1/auth/session"));
        enum sec eff = o->security != SEC_NONE ? o->security : sp.global;
        if (!strncmp(ri->pattern, "/api/v1/", 8) && !exempt && eff != SEC_SET)
            buf_appendf(&bad, "  %s %s needs a token but declares no security\n", ri->method,
                        ri->pattern);
        if (public && eff == SEC_SET)
            buf_appendf(&bad, "  %s %s is public but documented as needing a token\n", ri->method,
                        ri->pattern);
    }
    if (bad.len)
        fail_msg("security declarations:\n%s", buf_cstr(&bad));
    buf_release(&bad);
}

/* ---- no key twice in one mapping (a merge that pastes a block under the wrong operation
 * leaves two "description:" or "content:" keys, which YAML parsers either refuse or silently
 * resolve to the last) ---- */

#define DEPTH 64

struct scope {
    int indent;
    size_t first; /* index of its first key in the key list */
};

/* Whether a value starts a block scalar (its lines are text, not keys). */
static bool block_scalar(const char *v)
{
    return v && (*v == '|' || *v == '>');
}

static void test_no_duplicate_keys(void **state)
{
    (void)state;
    struct scope st[DEPTH];
    size_t depth = 0, nkeys = 0, cap = 4096, lineno = 0;
    char(*keys)[128] = xcalloc(cap, sizeof(*keys));
    int skip_above = -1; /* inside a block scalar: lines indented more than this are text */
    struct buf bad;
    buf_init(&bad, 8192);
    assert_non_null(yaml);
    for (const char *s = yaml; *s;) {
        size_t len = strcspn(s, "\n"), i = 0;
        struct line l;
        lineno++;
        scan_line(s, len, &l);
        while (i < len && s[i] == ' ')
            i++;
        const char *rest = s + i;
        size_t rlen = len - i;
        s += len + (s[len] == '\n');
        if (rlen == 0 || *rest == '#')
            continue;
        if (skip_above >= 0 && l.indent > skip_above)
            continue;
        skip_above = -1;
        int key_indent = l.indent;
        if (l.item) { /* "- key: v" opens a new mapping at indent + 2 */
            key_indent = l.indent + 2;
            while (depth && st[depth - 1].indent >= key_indent)
                nkeys = st[--depth].first;
            scan_line(rest + 1, rlen - 1, &l);
            if (!l.key[0])
                continue;
            assert_true(depth < DEPTH);
            st[depth++] = (struct scope){key_indent, nkeys};
        } else if (!l.key[0]) {
            continue;
        }
        while (depth && st[depth - 1].indent > key_indent)
            nkeys = st[--depth].first;
        if (!depth || st[depth - 1].indent < key_indent) {
            assert_true(depth < DEPTH);
            st[depth++] = (struct scope){key_indent, nkeys};
        }
        for (size_t k = st[depth - 1].first; k < nkeys; k++)
            if (!strcmp(keys[k], l.key))
                buf_appendf(&bad, "line %zu: \"%s\" again in the same mapping\n", lineno, l.key);
        if (nkeys == cap)
            keys = xrealloc(keys, (cap *= 2) * sizeof(*keys));
        xstrlcpy(keys[nkeys++], l.key, sizeof(keys[0]));
        if (block_scalar(l.value))
            skip_above = key_indent;
    }
    free(keys);
    if (bad.len)
        fail_msg("docs/api/openapi.yaml:\n%s", buf_cstr(&bad));
    buf_release(&bad);
}

static void test_cli_prints_the_table(void **state)
{
    char *out = NULL;
    size_t i = 0;
    UNUSED(state);
    assert_int_equal(itest_run(NULL, NULL, &out, (const char *const[]){"routes", NULL}), 0);
    for (char *line = out, *nl; *line; line = nl + 1, i++) {
        char method[16], pattern[128];
        int used = 0;
        nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        assert_int_equal(sscanf(line, "%15s %127s %n", method, pattern, &used), 2);
        const struct http_route_info *ri = http_route_at(i);
        if (!ri)
            fail_msg("`ichigen routes` prints more routes than the table has: %s", line);
        assert_string_equal(method, ri->method);
        assert_string_equal(pattern, ri->pattern);
        assert_string_equal(line + used, ri->auth);
    }
    assert_int_equal(i, http_route_count());
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_exists),      cmocka_unit_test(test_same_routes_both_ways),
        cmocka_unit_test(test_security_declared),    cmocka_unit_test(test_no_duplicate_keys),
        cmocka_unit_test(test_cli_prints_the_table),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(yaml);
    return rc;
}
