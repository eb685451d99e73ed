/*
 * test_rating.c — src/rating: the sample documents under tests/data/rating/ are exactly what
 * rating_build assembles from their parts; broken inputs (a missing function, a NaN figure,
 * tiers that do not match, disordered quantiles, a peer group below k …) are refused with
 * every problem and its pointer; number formatting; and the PDF: its framing, determinism,
 * the bounded buffer, and — with poppler-utils — its text (Japanese comes back as the same
 * characters), page count and embedded Noto Sans CJK JP.
 */
#include "rating/rating.h"
#include "core/jsonx.h"
#include "core/rtime.h"
#include "unit.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static const struct sample {
    const char *name;
    bool peers, risk, ja;
    int pages;
} samples[] = {
    {"full_ja", true, true, true, 4},
    {"no_peers_ja", false, true, true, 4},
    {"no_risk_ja", true, false, true, 3},
    {"full_en", true, true, false, 4},
};

static json_t *load_sample(const char *name)
{
    char path[512];
    size_t n = 0;
    char *text;
    json_t *doc = NULL;
    struct jsonx_error je;
    snprintf(path, sizeof(path), "%s/tests/data/rating/%s.json", unit_source_root(), name);
    text = unit_read_file(path, &n);
    if (!text)
        fail_msg("cannot read %s", path);
    if (jsonx_load_object(text, n, 64, &doc, &je))
        fail_msg("%s:%d:%d: %s", path, je.line, je.column, je.text);
    free(text);
    return doc;
}

static int64_t generated_ms(const json_t *doc)
{
    const char *s = json_string_value(json_object_get(doc, "generated_at"));
    struct rtime_parsed t;
    assert_non_null(s);
    assert_int_equal(rtime_parse_rfc3339(s, strlen(s), &t), 0);
    return t.ms;
}

/* Rebuilds a sample from its parts; the caller checks the result or the problems. */
static json_t *rebuild(const json_t *doc, struct verr_list *errs)
{
    return rating_build(json_object_get(doc, "organization"), json_object_get(doc, "assessment"),
                        json_object_get(doc, "peers"), json_object_get(doc, "risk"),
                        generated_ms(doc), json_string_value(json_object_get(doc, "language")),
                        errs);
}

static bool has_problem(const struct verr_list *l, const char *pointer, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].pointer, pointer) && !strcmp(l->v[i].code, code))
            return true;
    return false;
}

static void dump_problems(const struct verr_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        print_message("# %s [%s] %s\n", l->v[i].pointer, l->v[i].code, l->v[i].en);
}

/* Builds doc's parts after `mutate` changed a copy, expects NULL and the given problem. */
static void expect_refused(json_t *doc, const char *pointer, const char *code)
{
    struct verr_list errs;
    json_t *out;
    verr_list_init(&errs, 50);
    out = rebuild(doc, &errs);
    if (out || !has_problem(&errs, pointer, code)) {
        dump_problems(&errs);
        fail_msg("expected %s [%s]", pointer, code);
    }
    assert_true(verr_any(&errs));
    assert_non_null(errs.v[0].ja);
    verr_list_release(&errs);
}

static void test_samples_shape(void **state)
{
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        json_t *doc = load_sample(samples[i].name), *built;
        const json_t *a;
        struct verr_list errs;
        verr_list_init(&errs, 50);
        assert_int_equal(rating_validate(doc, &errs), RATING_OK);
        built = rebuild(doc, &errs);
        if (!built) {
            dump_problems(&errs);
            fail_msg("%s: rating_build refused its own sample", samples[i].name);
        }
        /* the committed sample is exactly what rating_build produces from its parts */
        assert_true(json_equal(built, doc));
        assert_int_equal(json_object_size(built), 6);
        assert_string_equal(json_string_value(json_object_get(built, "language")),
                            samples[i].ja ? "ja" : "en");
        assert_string_equal(json_string_value(json_object_get(built, "generated_at")),
                            "2026-04-01T00:30:00.000Z");
        assert_true(json_is_object(json_object_get(built, "organization")));
        a = json_object_get(built, "assessment");
        assert_non_null(json_object_get(a, "id"));
        assert_non_null(json_object_get(a, "submitted_at"));
        assert_int_equal(json_array_size(json_object_get(a, "functions")), 6);
        assert_true(json_array_size(json_object_get(a, "gaps")) > 0);
        assert_true(samples[i].peers ? json_is_object(json_object_get(built, "peers"))
                                     : json_is_null(json_object_get(built, "peers")));
        assert_true(samples[i].risk ? json_is_object(json_object_get(built, "risk"))
                                    : json_is_null(json_object_get(built, "risk")));
        verr_list_release(&errs);
        json_decref(built);
        json_decref(doc);
    }
}

static void test_build_copies_and_normalises(void **state)
{
    json_t *doc = load_sample("full_ja"), *built;
    json_t *insufficient =
        json_pack("{s:s, s:n, s:i, s:i}", "status", "insufficient", "group", "n", 3, "k", 5);
    struct verr_list errs;
    UNUSED(state);
    verr_list_init(&errs, 50);
    /* assess_peers's "no group reached k" becomes peers: null */
    built = rating_build(json_object_get(doc, "organization"), json_object_get(doc, "assessment"),
                         insufficient, NULL, 0, "en", &errs);
    assert_non_null(built);
    assert_true(json_is_null(json_object_get(built, "peers")));
    assert_true(json_is_null(json_object_get(built, "risk")));
    assert_string_equal(json_string_value(json_object_get(built, "generated_at")),
                        "1970-01-01T00:00:00.000Z");
    /* inputs are deep-copied: changing the result leaves the caller's objects alone */
    json_object_set_new(json_object_get(built, "organization"), "name_ja", json_string("x"));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(doc, "organization"), "name_ja")),
        "株式会社さくら精機");
    json_decref(built);
    json_decref(insufficient);
    verr_list_release(&errs);
    json_decref(doc);
}

static json_t *function_at(json_t *doc, size_t i)
{
    return json_array_get(json_object_get(json_object_get(doc, "assessment"), "functions"), i);
}

static void test_build_refuses_scores(void **state)
{
    json_t *doc;
    UNUSED(state);

    doc = load_sample("full_ja"); /* RC missing */
    json_array_remove(json_object_get(json_object_get(doc, "assessment"), "functions"), 5);
    expect_refused(doc, "/assessment/functions", "missing_function");
    json_decref(doc);

    doc = load_sample("full_ja"); /* GV twice (instead of ID) */
    json_object_set_new(function_at(doc, 1), "id", json_string("GV"));
    expect_refused(doc, "/assessment/functions/1/id", "duplicate");
    json_decref(doc);

    doc = load_sample("full_ja");
    json_object_set_new(function_at(doc, 2), "score", json_real(4.5));
    expect_refused(doc, "/assessment/functions/2/score", "range");
    json_decref(doc);

    doc = load_sample("full_ja"); /* 2.05 is tier 2, not 3 */
    json_object_set_new(function_at(doc, 2), "tier", json_integer(3));
    expect_refused(doc, "/assessment/functions/2/tier", "tier_mismatch");
    json_decref(doc);

    doc = load_sample("full_ja"); /* categories need an id and counts */
    json_object_del(json_array_get(json_object_get(function_at(doc, 0), "categories"), 0), "id");
    json_object_set_new(json_array_get(json_object_get(function_at(doc, 0), "categories"), 1),
                        "answered", json_integer(-1));
    expect_refused(doc, "/assessment/functions/0/categories/0/id", "required");
    expect_refused(doc, "/assessment/functions/0/categories/1/answered", "range");
    json_decref(doc);

    doc = load_sample("full_ja");
    json_object_set_new(json_object_get(doc, "assessment"), "submitted_at",
                        json_string("2026-03-18 14:05"));
    expect_refused(doc, "/assessment/submitted_at", "format");
    json_decref(doc);

    doc = load_sample("full_ja");
    json_object_set_new(json_object_get(doc, "organization"), "name_ja", json_null());
    json_object_set_new(json_object_get(doc, "organization"), "name_en", json_string(""));
    expect_refused(doc, "/organization/name_ja", "required");
    json_decref(doc);

    doc = load_sample("full_ja");
    json_object_set_new(doc, "language", json_string("fr"));
    expect_refused(doc, "/language", "enum");
    json_decref(doc);
}

static void test_build_refuses_figures(void **state)
{
    json_t *doc, *port;
    UNUSED(state);

    /* jansson cannot hold NaN or infinity: a NaN computed upstream arrives as null (risk_out's
     * jnum) or as a missing member, and a required figure that is null is refused */
    assert_null(json_real(NAN));
    assert_null(json_real(INFINITY));
    doc = load_sample("full_ja");
    port = json_object_get(json_object_get(doc, "risk"), "portfolio");
    json_object_set_new(port, "mean", json_null());
    json_object_del(port, "p99");
    json_object_set_new(json_array_get(json_object_get(port, "lec"), 3), "probability",
                        json_string("NaN"));
    expect_refused(doc, "/risk/portfolio/mean", "required");
    expect_refused(doc, "/risk/portfolio/p99", "required");
    expect_refused(doc, "/risk/portfolio/lec/3/probability", "type");
    json_decref(doc);

    doc = load_sample("full_ja"); /* a NaN score that became null with a tier left behind */
    json_object_set_new(function_at(doc, 0), "score", json_null());
    expect_refused(doc, "/assessment/functions/0/tier", "tier_mismatch");
    json_decref(doc);

    doc = load_sample("full_ja"); /* p95 above p99 */
    port = json_object_get(json_object_get(doc, "risk"), "portfolio");
    json_object_set_new(port, "p95", json_real(1e10)); /* p99 is 2.3e9, max 1.9e10 */
    expect_refused(doc, "/risk/portfolio/p99", "order");
    json_decref(doc);

    doc = load_sample("full_ja"); /* the exceedance curve must not rise */
    port = json_object_get(json_object_get(doc, "risk"), "portfolio");
    json_object_set_new(json_array_get(json_object_get(port, "lec"), 10), "probability",
                        json_real(0.99));
    expect_refused(doc, "/risk/portfolio/lec/10", "order");
    json_decref(doc);

    doc = load_sample("full_ja");
    json_object_set_new(
        json_array_get(json_object_get(json_object_get(json_object_get(doc, "risk"), "portfolio"),
                                       "exceedance"),
                       0),
        "probability", json_real(1.5));
    expect_refused(doc, "/risk/portfolio/exceedance/0/probability", "range");
    json_decref(doc);

    doc = load_sample("full_ja");
    json_object_set_new(json_object_get(doc, "risk"), "years", json_integer(0));
    expect_refused(doc, "/risk/years", "range");
    json_decref(doc);
}

static void test_build_refuses_small_peer_groups(void **state)
{
    json_t *doc, *peers;
    UNUSED(state);

    doc = load_sample("full_ja"); /* k-anonymity: a group smaller than k is never shown */
    peers = json_object_get(doc, "peers");
    json_object_set_new(peers, "n", json_integer(4));
    expect_refused(doc, "/peers/n", "peers_below_k");
    json_decref(doc);

    doc = load_sample("full_ja"); /* a function's figures resting on fewer than k peers */
    peers = json_object_get(doc, "peers");
    json_object_set_new(json_array_get(json_object_get(peers, "functions"), 3), "n",
                        json_integer(2));
    expect_refused(doc, "/peers/functions/3/n", "peers_below_k");
    json_decref(doc);

    doc = load_sample("full_ja");
    peers = json_object_get(doc, "peers");
    json_object_set_new(json_object_get(peers, "group"), "basis", json_string("city"));
    json_object_set_new(json_object_get(peers, "overall"), "percentile", json_real(120));
    expect_refused(doc, "/peers/group/basis", "enum");
    expect_refused(doc, "/peers/overall/percentile", "range");
    json_decref(doc);
}

static void test_validation_gathers_all(void **state)
{
    json_t *doc = load_sample("full_en");
    struct verr_list errs;
    UNUSED(state);
    json_object_set_new(doc, "language", json_string("de"));
    json_object_set_new(function_at(doc, 0), "score", json_string("high"));
    json_object_del(json_object_get(json_object_get(doc, "risk"), "portfolio"), "lec");
    json_object_set_new(json_object_get(doc, "peers"), "n", json_integer(1));
    verr_list_init(&errs, 50);
    assert_int_equal(rating_validate(doc, &errs), RATING_EINVALID);
    assert_true(has_problem(&errs, "/language", "enum"));
    assert_true(has_problem(&errs, "/assessment/functions/0/score", "type"));
    assert_true(has_problem(&errs, "/risk/portfolio/lec", "required"));
    assert_true(has_problem(&errs, "/peers/n", "peers_below_k"));
    verr_list_release(&errs);

    verr_list_init(&errs, 50);
    json_t *arr = json_array();
    assert_int_equal(rating_validate(arr, &errs), RATING_EINVALID);
    assert_true(has_problem(&errs, "", "type"));
    json_decref(arr);
    verr_list_release(&errs);
    json_decref(doc);
}

static void test_format(void **state)
{
    static const struct {
        double v;
        const char *ja, *en;
    } shorts[] = {
        {1e4, "1万円", "¥10K"},
        {1e5, "10万円", "¥100K"},
        {1e6, "100万円", "¥1M"},
        {1e7, "1,000万円", "¥10M"},
        {1e8, "1億円", "¥100M"},
        {1e9, "10億円", "¥1B"},
        {1e10, "100億円", "¥10B"},
        {1e12, "1兆円", "¥1T"},
        {245060803.8, "2.45億円", "¥245M"},
        {55417059.4, "5,542万円", "¥55.4M"},
        {1029409779.4, "10.3億円", "¥1.03B"},
        {5000, "5,000円", "¥5K"},
        {500, "500円", "¥500"},
    };
    char out[64];
    UNUSED(state);
    assert_string_equal(rating_format_int(0, out, sizeof(out)), "0");
    assert_string_equal(rating_format_int(999, out, sizeof(out)), "999");
    assert_string_equal(rating_format_int(1000, out, sizeof(out)), "1,000");
    assert_string_equal(rating_format_int(1234567.4, out, sizeof(out)), "1,234,567");
    assert_string_equal(rating_format_int(-98765432.6, out, sizeof(out)), "-98,765,433");
    assert_string_equal(rating_format_int(NAN, out, sizeof(out)), "-");
    assert_string_equal(rating_format_yen(245060803.8, true, out, sizeof(out)), "245,060,804円");
    assert_string_equal(rating_format_yen(245060803.8, false, out, sizeof(out)), "¥245,060,804");
    assert_string_equal(rating_format_yen(-1500, false, out, sizeof(out)), "-¥1,500");
    for (size_t i = 0; i < ARRAY_SIZE(shorts); i++) {
        assert_string_equal(rating_format_yen_short(shorts[i].v, true, out, sizeof(out)),
                            shorts[i].ja);
        assert_string_equal(rating_format_yen_short(shorts[i].v, false, out, sizeof(out)),
                            shorts[i].en);
    }
}

/* ---- the PDF ---- */

static void render(const json_t *doc, struct buf *pdf)
{
    struct err e;
    err_init(&e);
    buf_init(pdf, 32u << 20);
    if (rating_pdf(doc, NULL, pdf, &e))
        fail_msg("rating_pdf: %s", e.msg);
}

static bool ends_with_eof(const struct buf *b)
{
    size_t n = b->len;
    while (n > 0 && (b->data[n - 1] == '\n' || b->data[n - 1] == '\r'))
        n--;
    return n >= 5 && !memcmp(b->data + n - 5, "%%EOF", 5);
}

static void test_pdf_buffer(void **state)
{
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        json_t *doc = load_sample(samples[i].name);
        struct buf a, b;
        render(doc, &a);
        assert_true(a.len > 20000);
        assert_memory_equal(a.data, "%PDF-", 5);
        assert_true(ends_with_eof(&a));
        assert_non_null(memmem(a.data, a.len, "/Type /Page", 11));
        /* reproducible: the creation date is the document's generated_at, not the clock */
        render(doc, &b);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
        assert_non_null(memmem(a.data, a.len, "/CreationDate (20260401003000Z)", 31));
        buf_release(&a);
        buf_release(&b);
        json_decref(doc);
    }
}

static void test_pdf_errors(void **state)
{
    json_t *doc = load_sample("no_risk_ja");
    struct buf small;
    struct err e;
    UNUSED(state);
    /* the buffer's maximum is an ordinary error, like every bounded buffer here */
    buf_init(&small, 4096);
    err_init(&e);
    assert_int_equal(rating_pdf(doc, NULL, &small, &e), RATING_EFULL);
    assert_non_null(strstr(e.msg, "maximum"));
    buf_release(&small);
    /* an invalid document is refused before anything is drawn */
    buf_init(&small, 1u << 20);
    json_object_set_new(doc, "language", json_string("xx"));
    assert_int_equal(rating_pdf(doc, NULL, &small, &e), RATING_EINVALID);
    assert_int_equal(small.len, 0);
    json_object_set_new(doc, "language", json_string("ja"));
    assert_int_equal(rating_pdf(doc, "/nonexistent-dir/x/rating.pdf", NULL, &e), RATING_EIO);
    buf_release(&small);
    json_decref(doc);
}

/* Runs cmd and returns its whole standard output (caller frees), or NULL. Test-only: src/
 * never runs other programs. */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    struct buf b;
    char chunk[4096];
    size_t got;
    if (!p)
        return NULL;
    buf_init(&b, 16u << 20);
    while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0)
        buf_append(&b, chunk, got);
    if (pclose(p) != 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static void expect_text(const char *text, const char *needle, const char *file)
{
    if (!strstr(text, needle))
        fail_msg("%s: \"%s\" not in the extracted text", file, needle);
}

static void check_with_poppler(const char *path, const struct sample *s)
{
    char cmd[640];
    char *text, *info, *fonts, *pages;
    snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' -", path);
    text = run(cmd);
    assert_non_null(text);
    if (s->ja) {
        expect_text(text, "株式会社さくら精機", path);
        expect_text(text, "サイバーセキュリティ成熟度 レーティングレポート", path);
        expect_text(text, "自己評価", path);
        expect_text(text, "統治 GV", path);
        expect_text(text, "復旧 RC", path);
        expect_text(text, "リスク情報活用", path);
        expect_text(text, "算出方法と留意事項", path);
        expect_text(text, s->risk ? "損失超過曲線" : "リスク定量化 (FAIR・モンテカルロ法) の結果が",
                    path);
        expect_text(text, s->peers ? "ピア平均 (同業種・同規模" : "ピア比較は表示していません",
                    path);
        if (s->risk) {
            expect_text(text, "1,000万円", path); /* LEC tick, thousands separator */
            expect_text(text, "1億円", path);
            expect_text(text, "245,060,804円", path);
        }
    } else {
        expect_text(text, "Sakura Precision Co., Ltd.", path);
        expect_text(text, "株式会社さくら精機", path);
        expect_text(text, "Govern GV", path);
        expect_text(text, "Self-assessment", path);
        expect_text(text, "¥245,060,804", path);
        expect_text(text, "¥100M", path);
    }
    snprintf(cmd, sizeof(cmd), "pdfinfo '%s'", path);
    info = run(cmd);
    assert_non_null(info);
    pages = strstr(info, "Pages:");
    assert_non_null(pages);
    assert_int_equal(strtol(pages + 6, NULL, 10), s->pages);
    expect_text(info, "A4", path);
    expect_text(info, "CreationDate:    Wed Apr  1 00:30:00 2026 UTC", path);
    snprintf(cmd, sizeof(cmd), "pdffonts '%s'", path);
    fonts = run(cmd);
    assert_non_null(fonts);
    expect_text(fonts, "NotoSansCJKjp-Regular", path);
    expect_text(fonts, "NotoSansCJKjp-Bold", path);
    free(fonts);
    free(info);
    free(text);
}

static void test_pdf_file_and_text(void **state)
{
    char dir[64], path[128];
    bool poppler = system("command -v pdftotext >/dev/null 2>&1 && "
                          "command -v pdfinfo >/dev/null 2>&1 && "
                          "command -v pdffonts >/dev/null 2>&1") == 0;
    UNUSED(state);
    assert_int_equal(unit_tmpdir(dir, "rating"), 0);
    if (!poppler)
        print_message("# poppler-utils absent: text, page-count and font checks skipped\n");
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        json_t *doc = load_sample(samples[i].name);
        struct err e;
        size_t n;
        char *bytes;
        snprintf(path, sizeof(path), "%s/%s.pdf", dir, samples[i].name);
        err_init(&e);
        if (rating_pdf(doc, path, NULL, &e))
            fail_msg("rating_pdf %s: %s", path, e.msg);
        bytes = unit_read_file(path, &n);
        assert_non_null(bytes);
        assert_true(n > 20000);
        assert_memory_equal(bytes, "%PDF-", 5);
        if (poppler)
            check_with_poppler(path, &samples[i]);
        free(bytes);
        json_decref(doc);
    }
    unit_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_shape),
        cmocka_unit_test(test_build_copies_and_normalises),
        cmocka_unit_test(test_build_refuses_scores),
        cmocka_unit_test(test_build_refuses_figures),
        cmocka_unit_test(test_build_refuses_small_peer_groups),
        cmocka_unit_test(test_validation_gathers_all),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_pdf_buffer),
        cmocka_unit_test(test_pdf_errors),
        cmocka_unit_test(test_pdf_file_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
