/*
 * test_app_problem.c — the one table of problems (src/app/app_problem.c): every row complete
 * and consistent, one status per code, docs/problems.md equal to the table, and the outcome
 * helpers the use cases return.
 */
#include "app/app_problem.h"
#include "store/store.h"
#include "unit.h"

#include <setjmp.h>
#include <cmocka.h>

static bool code_ok(const char *c)
{
    if (!*c)
        return false;
    for (; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
            return false;
    return true;
}

/* Every row: a code the Problem schema's pattern accepts, an error status, both titles,
 * a detail in both languages or in neither, and a note for the doc. */
static void test_rows_complete(void **state)
{
    (void)state;
    for (int p = APP_OK + 1; p < APP_PROB__COUNT; p++) {
        const struct app_problem_def *d = app_problem_def((enum app_problem)p);
        if (!code_ok(d->code))
            fail_msg("row %s: code \"%s\" is not [a-z_]+", d->name, d->code);
        assert_true(d->status >= 400 && d->status <= 599);
        assert_true(d->title_en && *d->title_en && d->title_ja && *d->title_ja);
        assert_int_equal(!d->detail_en, !d->detail_ja);
        assert_true(d->when && *d->when);
    }
}

/* A stable code means one status: clients branch on either. */
static void test_one_status_per_code(void **state)
{
    (void)state;
    for (int p = APP_OK + 1; p < APP_PROB__COUNT; p++)
        for (int q = p + 1; q < APP_PROB__COUNT; q++) {
            const struct app_problem_def *a = app_problem_def((enum app_problem)p);
            const struct app_problem_def *b = app_problem_def((enum app_problem)q);
            if (!strcmp(a->code, b->code) && a->status != b->status)
                fail_msg("%s and %s share code %s with statuses %d and %d", a->name, b->name,
                         a->code, a->status, b->status);
        }
}

/* docs/problems.md's table is generated (`ichigen problems --markdown`); keep it in step. */
static void test_doc_in_step(void **state)
{
    char path[1024];
    struct buf want;
    (void)state;
    snprintf(path, sizeof(path), "%s/docs/problems.md", unit_source_root());
    char *doc = unit_read_file(path, NULL);
    assert_non_null(doc);
    const char *begin = strstr(doc, "<!-- BEGIN PROBLEMS -->\n");
    const char *end = strstr(doc, "<!-- END PROBLEMS -->");
    assert_non_null(begin);
    assert_non_null(end);
    begin += strlen("<!-- BEGIN PROBLEMS -->\n");
    buf_init(&want, BUF_UNLIMITED);
    app_problems_markdown(&want);
    if ((size_t)(end - begin) != want.len || memcmp(begin, want.data, want.len))
        fail_msg("docs/problems.md is stale: regenerate its table with "
                 "`ichigen problems --markdown`");
    buf_release(&want);
    free(doc);
}

/* The Markdown escapes what would break a row and writes a placeholder for request details. */
static void test_markdown_rows(void **state)
{
    struct buf out;
    (void)state;
    buf_init(&out, BUF_UNLIMITED);
    app_problems_markdown(&out);
    const char *s = buf_cstr(&out);
    assert_non_null(strstr(s, "| `not_found` | 404 | Not found / 見つかりません | "));
    assert_non_null(strstr(s,
                           "| `payload_too_large` | 413 | Payload too large / データが大きすぎます "
                           "| (depends on the request) |"));
    size_t lines = 0;
    for (; *s; s++)
        lines += *s == '\n';
    assert_int_equal(lines, 2 + (APP_PROB__COUNT - 1));
    buf_release(&out);
}

static void test_store_results(void **state)
{
    (void)state;
    assert_int_equal(app_store_problem(STORE_OK), APP_OK);
    assert_int_equal(app_store_problem(STORE_NOT_FOUND), APP_PROB_NOT_FOUND);
    assert_int_equal(app_store_problem(STORE_EXISTS), APP_PROB_CONFLICT_UNIQUE);
    assert_int_equal(app_store_problem(STORE_INVALID), APP_PROB_INVALID_REFERENCE);
    assert_int_equal(app_store_problem(STORE_UNAVAILABLE), APP_PROB_UNAVAILABLE);
    assert_int_equal(app_store_problem(STORE_CONFLICT), APP_PROB_UNAVAILABLE);
}

static void test_result_helpers(void **state)
{
    struct app_result res;
    (void)state;
    app_result_init(&res, 4);
    assert_int_equal(res.problem, APP_OK);
    assert_int_equal(app_fail_if_errors(&res, APP_PROB_VALIDATION), APP_OK);
    assert_int_equal(res.problem, APP_OK);
    verr_add(&res.errs, "/x", "bad", "x: bad", "x: 不正");
    assert_int_equal(app_fail_if_errors(&res, APP_PROB_VALIDATION), APP_PROB_VALIDATION);
    assert_int_equal(res.problem, APP_PROB_VALIDATION);
    assert_int_equal(app_fail_detail(&res, APP_PROB_PDF_FAILED, "no font", "フォントがありません"),
                     APP_PROB_PDF_FAILED);
    assert_string_equal(res.detail_en, "no font");
    assert_string_equal(res.detail_ja, "フォントがありません");
    app_result_release(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_complete), cmocka_unit_test(test_one_status_per_code),
        cmocka_unit_test(test_doc_in_step),   cmocka_unit_test(test_markdown_rows),
        cmocka_unit_test(test_store_results), cmocka_unit_test(test_result_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
