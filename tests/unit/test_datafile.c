/*
 * test_datafile.c — the one data-file loader and its diagnostics (src/core/datafile.h,
 * src/core/diag.h): reading within a size limit, parsing with positions, placing a problem at
 * its value or (for a missing member) at the nearest ancestor, verr lists with what they
 * dropped, the one printed form, and the sorted listing of a directory. (A program of its own
 * beside test_core.c so that the parallel work on core/ does not collide in one file.)
 */
#include "core/datafile.h"
#include "core/diag.h"
#include "unit.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static const char text[] = "{\n"
                           "  \"a\": {\"b\": [1, {\"c\": true}]},\n"
                           "  \"x/y\": \"z\"\n"
                           "}\n";

static char *printed(const struct diag_list *d, bool ja)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    diag_list_print(d, f, ja);
    fclose(f);
    return out;
}

static void test_parse_and_locate(void **state)
{
    struct datafile f;
    struct diag_list d;
    int line, col;
    (void)state;
    diag_list_init(&d);
    assert_int_equal(datafile_parse(&f, "mem.json", text, strlen(text), NULL, &d), 0);
    assert_int_equal(d.n, 0);
    assert_true(json_is_object(f.doc));
    assert_int_equal(datafile_locate(&f, "/a/b/1/c", &line, &col), 0);
    assert_int_equal(line, 2);
    assert_int_equal(col, 24);
    assert_int_equal(datafile_locate(&f, "/x~1y", &line, &col), 0);
    assert_int_equal(line, 3);
    assert_int_equal(col, 10);
    /* a missing member: its nearest ancestor */
    assert_int_equal(datafile_locate(&f, "/a/b/1/missing", &line, &col), 1);
    assert_int_equal(line, 2);
    assert_int_equal(col, 18);
    assert_int_equal(datafile_locate(&f, "/nothing/here", &line, &col), 1);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    assert_int_equal(datafile_locate(&f, NULL, &line, &col), -1);
    assert_int_equal(line, 0);
    datafile_release(&f);
    diag_list_release(&d);
}

static void test_problems_printed(void **state)
{
    struct datafile f;
    struct diag_list d;
    struct verr_list l;
    char *out;
    (void)state;
    diag_list_init(&d);
    assert_int_equal(datafile_parse(&f, "mem.json", text, strlen(text), NULL, &d), 0);
    verr_list_init(&l, 2);
    verr_add(&l, "/a/b/0", "range", "too big", "大きすぎます");
    verr_add(&l, "/a/q", "required", "is required", "必須項目です");
    verr_add(&l, "/x~1y", "enum", "no", "不可");
    datafile_diag_verrs(&f, &d, &l);
    assert_int_equal(d.n, 3);
    assert_string_equal(d.v[2].code, "more");
    out = printed(&d, false);
    assert_string_equal(out, "mem.json:2:15: /a/b/0 [range] too big\n"
                             "mem.json:2:8: /a/q [required] is required\n"
                             "mem.json: [more] 1 more problem(s) not shown\n");
    free(out);
    out = printed(&d, true);
    assert_non_null(strstr(out, "mem.json:2:8: /a/q [required] 必須項目です\n"));
    free(out);
    verr_list_release(&l);
    datafile_release(&f);
    diag_list_release(&d);
}

static void test_syntax_and_limits(void **state)
{
    static const char bad[] = "{\"a\": 1,\n \"a\": 2}";
    static const struct datafile_limits small = {8, 2};
    struct datafile f;
    struct diag_list d;
    char *out;
    (void)state;
    diag_list_init(&d);
    assert_int_equal(datafile_parse(&f, "dup.json", bad, strlen(bad), NULL, &d), -1);
    assert_null(f.doc);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].code, "json_syntax");
    assert_int_equal(d.v[0].line, 2);
    datafile_release(&f);
    assert_int_equal(datafile_parse(&f, "big.json", text, strlen(text), &small, &d), -1);
    assert_string_equal(d.v[1].code, "too_large");
    assert_string_equal(d.v[1].en, "larger than 8 bytes");
    datafile_release(&f);
    assert_int_equal(datafile_parse(&f, "deep.json", "{\"a\":{\"b\":{}}}", 14,
                                    &(struct datafile_limits){0, 2}, &d),
                     -1);
    assert_string_equal(d.v[2].code, "json_syntax");
    datafile_release(&f);
    out = printed(&d, false);
    assert_non_null(strstr(out, "dup.json:2:"));
    assert_non_null(strstr(out, "big.json: [too_large] larger than 8 bytes\n"));
    free(out);
    diag_list_release(&d);
}

static void test_load_and_list(void **state)
{
    char dir[64], sub[128], p[256];
    struct datafile f;
    struct diag_list d;
    char **list;
    (void)state;
    assert_int_equal(unit_tmpdir(dir, "datafile"), 0);
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(p, sizeof(p), "%s/b.json", dir);
    assert_int_equal(unit_write_file(p, text, strlen(text)), 0);
    snprintf(p, sizeof(p), "%s/a.json", dir);
    assert_int_equal(unit_write_file(p, "{}", 2), 0);
    snprintf(p, sizeof(p), "%s/.hidden.json", dir);
    assert_int_equal(unit_write_file(p, "{}", 2), 0);
    snprintf(p, sizeof(p), "%s/notes.txt", dir);
    assert_int_equal(unit_write_file(p, "{}", 2), 0);
    snprintf(p, sizeof(p), "%s/c.json", sub);
    assert_int_equal(unit_write_file(p, "{}", 2), 0);

    list = datafile_list(dir, false, 100);
    assert_non_null(list);
    assert_non_null(strstr(list[0], "/a.json"));
    assert_non_null(strstr(list[1], "/b.json"));
    assert_null(list[2]);
    datafile_list_free(list);
    list = datafile_list(dir, true, 100);
    assert_non_null(strstr(list[2], "/sub/c.json"));
    assert_null(list[3]);
    datafile_list_free(list);
    list = datafile_list(dir, true, 1);
    assert_null(list[1]);
    datafile_list_free(list);
    snprintf(p, sizeof(p), "%s/none", dir);
    assert_null(datafile_list(p, false, 10));

    diag_list_init(&d);
    snprintf(p, sizeof(p), "%s/b.json", dir);
    assert_int_equal(datafile_load(&f, p, NULL, &d), 0);
    assert_int_equal(f.n, strlen(text));
    datafile_diag(&f, &d, "/x~1y", "enum", "no", "不可");
    assert_int_equal(d.v[0].line, 3);
    datafile_release(&f);
    snprintf(p, sizeof(p), "%s/missing.json", dir);
    assert_int_equal(datafile_load(&f, p, NULL, &d), -1);
    assert_string_equal(d.v[1].code, "io");
    assert_int_equal(d.v[1].line, 0);
    datafile_release(&f);
    diag_list_release(&d);

    snprintf(p, sizeof(p), "%s/c.json", sub);
    unlink(p);
    rmdir(sub);
    unit_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_locate),
        cmocka_unit_test(test_problems_printed),
        cmocka_unit_test(test_syntax_and_limits),
        cmocka_unit_test(test_load_and_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
