/*
 * test_render.c — src/render: the renderings of a report version for authorities that take
 * documents. Table-driven from tests/data/render/cases.json: for each report and language, the
 * text of each of the nine PPC items (規則8条1項) and which ones are 未記入; the workbook is a
 * zip with the expected parts whose strings hold the headings and values (with unzip), with
 * 未記入 in exactly the unanswered items; the PDF is framed as a PDF and pdftotext finds the
 * headings, values, TLP label and drill marks; both are byte-identical when rendered twice.
 * Also: value formatting (JST, numbers, prefectures), the all-fields walk, and the errors
 * (not an object, a full buffer, an unusable TMPDIR).
 */
#include <dirent.h>

#include "outbox/outbox.h"
#include "render/render.h"
#include "render/render_int.h"
#include "rules/rules.h"
#include "core/jsonx.h"
#include "core/rtime.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define OUT_MAX (64u << 20)
#define SHA "ea6e483f3a30462a928c6187a08d7dd3de1ed45f86f5fb643a7f8ac64b973c9b"

static json_t *cases; /* tests/data/render/cases.json */
static bool have_unzip, have_pdftotext;

static json_t *load_json(const char *rel)
{
    char path[512];
    size_t n = 0;
    char *text;
    json_t *doc = NULL;
    struct jsonx_error je;
    snprintf(path, sizeof(path), "%s/%s", unit_source_root(), rel);
    text = unit_read_file(path, &n);
    if (!text)
        fail_msg("cannot read %s", path);
    if (jsonx_load_object(text, n, 64, &doc, &je))
        fail_msg("%s:%d:%d: %s", path, je.line, je.column, je.text);
    free(text);
    return doc;
}

static struct render_meta meta_for(bool ja)
{
    struct render_meta m = {
        .incident_id = "01938f2e-7c1a-7000-8000-000000000001",
        .version = 2,
        .report_sha256 = SHA,
        .version_created_ms = 1795309200000LL, /* 2026-11-22T10:00:00+09:00 */
        .recipient_name_ja = "個人情報保護委員会",
        .recipient_name_en = "Personal Information Protection Commission",
        .stage_name_ja = "確報",
        .ja = ja,
        .form = RENDER_FORM_PPC, /* the recipient above, whose form the cases check */
    };
    return m;
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
    buf_init(&b, 64u << 20);
    while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0)
        buf_append(&b, chunk, got);
    if (pclose(p) != 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

#define FOR_CASES(i, c)                                                                            \
    for (size_t i = 0; i < json_array_size(json_object_get(cases, "cases")); i++)                  \
        for (json_t *c = json_array_get(json_object_get(cases, "cases"), i); c; c = NULL)

static bool case_ja(const json_t *c)
{
    return strcmp(json_string_value(json_object_get(c, "lang")), "en") != 0;
}

static bool case_missing(const json_t *c, int item)
{
    size_t k;
    json_t *v;
    json_array_foreach(json_object_get(c, "missing"), k,
                       v) if (json_integer_value(v) == item) return true;
    return false;
}

/* ---- values ---- */

static void test_values(void **state)
{
    char s[64];
    UNUSED(state);
    render_time_jst("2026-11-20T08:40:00+09:00", s, sizeof(s));
    assert_string_equal(s, "2026-11-20 08:40 JST (UTC+09:00)");
    render_time_jst("2026-11-19T23:40:05Z", s, sizeof(s)); /* another offset: converted */
    assert_string_equal(s, "2026-11-20 08:40:05 JST (UTC+09:00)");
    render_time_jst("2026-12-31T15:30:00-00:30", s, sizeof(s)); /* crosses the year */
    assert_string_equal(s, "2027-01-01 01:00 JST (UTC+09:00)");
    render_time_jst("yesterday", s, sizeof(s));
    assert_string_equal(s, "yesterday");
    render_number(0, s, sizeof(s));
    assert_string_equal(s, "0");
    render_number(999, s, sizeof(s));
    assert_string_equal(s, "999");
    render_number(18500, s, sizeof(s));
    assert_string_equal(s, "18,500");
    render_number(-1234567, s, sizeof(s));
    assert_string_equal(s, "-1,234,567");
    render_number(10000000000.0, s, sizeof(s));
    assert_string_equal(s, "10,000,000,000");
    render_number(2.5, s, sizeof(s));
    assert_string_equal(s, "2.5");
    assert_string_equal(render_prefecture("JP-13", true), "東京都");
    assert_string_equal(render_prefecture("JP-01", false), "Hokkaido");
    assert_string_equal(render_prefecture("JP-47", true), "沖縄県");
    assert_null(render_prefecture("JP-48", true));
    assert_null(render_prefecture("JP-00", true));
    assert_null(render_prefecture("US-13", true));
    assert_int_equal(render_tlp_rgb("TLP:RED"), 0xff2b2b);
    assert_int_equal(render_tlp_rgb("TLP:AMBER+STRICT"), 0xffc000);
    assert_int_equal(render_tlp_rgb("TLP:GREEN"), 0x33ff00);
    assert_int_equal(render_tlp_rgb("TLP:CLEAR"), 0xffffff);
}

/* ---- the nine items ---- */

static void test_ppc_items(void **state)
{
    struct buf b;
    UNUSED(state);
    buf_init(&b, RENDER_TEXT_MAX);
    FOR_CASES(i, c)
    {
        const char *file = json_string_value(json_object_get(c, "report"));
        json_t *doc = load_json(file);
        json_t *items = json_object_get(c, "items");
        for (int k = 0; k < RENDER_PPC_ITEMS; k++) {
            char key[8];
            size_t n, j;
            json_t *want;
            buf_reset(&b);
            n = render_ppc_item(doc, k, case_ja(c), &b);
            if (case_missing(c, k + 1) != (n == 0))
                fail_msg("%s item %d: %zu facts, expected %s", file, k + 1, n,
                         case_missing(c, k + 1) ? "none (未記入)" : "some");
            snprintf(key, sizeof(key), "%d", k + 1);
            json_array_foreach(json_object_get(items, key), j,
                               want) if (!strstr(buf_cstr(&b), json_string_value(want)))
                fail_msg("%s item %d: \"%s\" not in:\n%s", file, k + 1, json_string_value(want),
                         buf_cstr(&b));
        }
        json_decref(doc);
    }
    buf_release(&b);
    assert_int_equal(render_ppc_items[0].no, 1);
    assert_string_equal(render_ppc_items[8].ja, "その他参考となる事項");
}

/* ---- the all-fields walk ---- */

static size_t scalars(const json_t *v)
{
    size_t n = 0, i;
    const char *k;
    json_t *m;
    if (json_is_object(v) && json_object_size(v)) {
        json_object_foreach((json_t *)v, k, m) n += scalars(m);
        return n;
    }
    if (json_is_array(v) && json_array_size(v)) {
        json_array_foreach(v, i, m) n += scalars(m);
        return n;
    }
    return 1;
}

struct walk_check {
    json_t *doc;
    size_t rows;
    bool saw_contact_name, saw_phase, saw_z_time;
};

static int check_row(void *ctx, const struct render_row *r)
{
    struct walk_check *w = ctx;
    json_t *v = jsonx_ptr_get(w->doc, r->pointer);
    w->rows++;
    if (!v || json_is_object(v) || (json_is_array(v) && json_array_size(v)))
        fail_msg("row %s is not a value of the report", r->pointer);
    if (!*r->label_ja || !*r->label_en || !*r->value)
        fail_msg("row %s lacks a label or value", r->pointer);
    if (!strcmp(r->pointer, "/contacts/0/name")) {
        assert_string_equal(r->label_ja, "連絡先 › 1件目 › 氏名");
        assert_string_equal(r->label_en, "contacts › #1 › name");
        assert_string_equal(r->value, "山田 太郎");
        w->saw_contact_name = true;
    }
    if (!strcmp(r->pointer, "/envelope/phase")) {
        assert_string_equal(r->value, "続報 (update)");
        w->saw_phase = true;
    }
    if (!strcmp(r->pointer, "/times/detected_at")) {
        assert_string_equal(r->value,
                            "2026-11-20 06:55 JST (UTC+09:00)（記載: 2026-11-19T21:55:00Z）");
        w->saw_z_time = true;
    }
    return 0;
}

static int stop_at_third(void *ctx, const struct render_row *r)
{
    UNUSED(r);
    return ++*(int *)ctx == 3 ? 42 : 0;
}

static void test_walk(void **state)
{
    struct walk_check w = {0};
    int seen = 0;
    UNUSED(state);
    w.doc = load_json("docs/examples/full-report.json");
    json_object_set_new(json_object_get(w.doc, "times"), "detected_at",
                        json_string("2026-11-19T21:55:00Z"));
    json_object_set_new(w.doc, "x_unknown", json_pack("{s:i}", "n", 7)); /* not in the table */
    assert_int_equal(render_walk(w.doc, true, check_row, &w), 0);
    assert_int_equal(w.rows, scalars(w.doc)); /* every value, once */
    assert_true(w.saw_contact_name && w.saw_phase && w.saw_z_time);
    assert_int_equal(render_walk(w.doc, true, stop_at_third, &seen), 42);
    assert_int_equal(seen, 3);
    json_decref(w.doc);
}

/* ---- the workbook ---- */

/* The index of the shared string that contains needle, or -1. */
static int shared_index(const char *sst, const char *needle)
{
    const char *at = strstr(sst, needle), *p = sst;
    int idx = -1;
    if (!at)
        return -1;
    while ((p = strstr(p, "<si>")) && p < at) {
        idx++;
        p += 4;
    }
    return idx;
}

static void check_workbook(const char *path, const json_t *c, const char *file)
{
    char cmd[600], ref[32];
    char *list, *sst, *sheet1, *wb;
    size_t j;
    json_t *want;
    snprintf(cmd, sizeof(cmd), "unzip -l '%s'", path);
    list = run(cmd);
    assert_non_null(list);
    for (const char *const *part =
             (const char *const[]){"[Content_Types].xml", "xl/workbook.xml",
                                   "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                                   "xl/sharedStrings.xml", "xl/styles.xml", NULL};
         *part; part++)
        if (!strstr(list, *part))
            fail_msg("%s: part %s missing", file, *part);
    snprintf(cmd, sizeof(cmd), "unzip -p '%s' xl/sharedStrings.xml", path);
    sst = run(cmd);
    snprintf(cmd, sizeof(cmd), "unzip -p '%s' xl/worksheets/sheet1.xml", path);
    sheet1 = run(cmd);
    snprintf(cmd, sizeof(cmd), "unzip -p '%s' xl/workbook.xml", path);
    wb = run(cmd);
    assert_true(sst && sheet1 && wb);
    assert_non_null(strstr(wb, "報告書 (Report)"));
    assert_non_null(strstr(wb, "全項目 (All fields)"));
    assert_non_null(strstr(wb, "_xlnm.Print_Area"));    /* print areas on both sheets */
    assert_non_null(strstr(sheet1, "paperSize=\"9\"")); /* A4 */
    assert_non_null(strstr(sheet1, "orientation=\"portrait\""));
    assert_non_null(strstr(sheet1, "<mergeCell "));
    json_array_foreach(json_object_get(c, "xlsx"), j,
                       want) if (!strstr(sst, json_string_value(want)))
        fail_msg("%s: \"%s\" not in the workbook's strings", file, json_string_value(want));
    json_array_foreach(json_object_get(c, "xlsx_absent"), j,
                       want) if (strstr(sst, json_string_value(want)))
        fail_msg("%s: \"%s\" should not be in the workbook", file, json_string_value(want));
    /* 未記入 fills exactly the unanswered items (the header facts of these cases are known) */
    snprintf(ref, sizeof(ref), "<v>%d</v>", shared_index(sst, RENDER_MISSING_JA));
    assert_int_equal(count_of(sheet1, ref), json_array_size(json_object_get(c, "missing")));
    free(list);
    free(sst);
    free(sheet1);
    free(wb);
}

static void test_xlsx(void **state)
{
    char dir[64], path[128];
    UNUSED(state);
    if (!have_unzip)
        print_message("# unzip absent: the workbook's parts and strings are not checked\n");
    assert_int_equal(unit_tmpdir(dir, "render"), 0);
    FOR_CASES(i, c)
    {
        const char *file = json_string_value(json_object_get(c, "report"));
        json_t *doc = load_json(file);
        struct render_meta m = meta_for(case_ja(c));
        struct buf a, b;
        struct err e;
        buf_init(&a, OUT_MAX);
        buf_init(&b, OUT_MAX);
        err_init(&e);
        if (render_xlsx(doc, &m, &a, &e) || render_xlsx(doc, &m, &b, &e))
            fail_msg("render_xlsx %s: %s", file, e.msg);
        assert_true(a.len > 4000);
        assert_memory_equal(a.data, "PK\x03\x04", 4);
        assert_int_equal(a.len, b.len); /* deterministic */
        assert_memory_equal(a.data, b.data, a.len);
        snprintf(path, sizeof(path), "%s/case%zu.xlsx", dir, i);
        assert_int_equal(unit_write_file(path, a.data, a.len), 0);
        if (have_unzip)
            check_workbook(path, c, file);
        buf_release(&a);
        buf_release(&b);
        json_decref(doc);
    }
    unit_rmtree(dir);
}

/* ---- the PDF ---- */

static void check_pdf_text(const char *path, const json_t *c, const char *file)
{
    char cmd[300];
    char *text;
    size_t j;
    json_t *want;
    snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' -", path);
    text = run(cmd);
    assert_non_null(text);
    json_array_foreach(json_object_get(c, "pdf"), j,
                       want) if (!strstr(text, json_string_value(want)))
        fail_msg("%s: \"%s\" not in the PDF's text", file, json_string_value(want));
    json_array_foreach(json_object_get(c, "pdf_absent"), j,
                       want) if (strstr(text, json_string_value(want)))
        fail_msg("%s: \"%s\" should not be in the PDF", file, json_string_value(want));
    free(text);
    if (json_object_get(c, "pdf_pages")) {
        char *info, *pages;
        snprintf(cmd, sizeof(cmd), "pdfinfo '%s'", path);
        info = run(cmd);
        assert_non_null(info);
        pages = strstr(info, "Pages:");
        assert_non_null(pages);
        assert_int_equal(strtol(pages + 6, NULL, 10),
                         json_integer_value(json_object_get(c, "pdf_pages")));
        assert_non_null(strstr(info, "A4"));
        free(info);
    }
}

static void test_pdf(void **state)
{
    char dir[64], path[128];
    UNUSED(state);
    if (!have_pdftotext)
        print_message("# poppler-utils absent: the PDF's text is not checked\n");
    assert_int_equal(unit_tmpdir(dir, "render"), 0);
    FOR_CASES(i, c)
    {
        const char *file = json_string_value(json_object_get(c, "report"));
        json_t *doc = load_json(file);
        struct render_meta m = meta_for(case_ja(c));
        struct buf a, b;
        struct err e;
        buf_init(&a, OUT_MAX);
        buf_init(&b, OUT_MAX);
        err_init(&e);
        if (render_pdf(doc, &m, &a, &e) || render_pdf(doc, &m, &b, &e))
            fail_msg("render_pdf %s: %s", file, e.msg);
        assert_memory_equal(a.data, "%PDF-", 5);
        assert_true(a.len > 20000);
        assert_non_null(strstr(a.data + a.len - 8, "%%EOF"));
        assert_int_equal(a.len, b.len); /* deterministic */
        assert_memory_equal(a.data, b.data, a.len);
        snprintf(path, sizeof(path), "%s/case%zu.pdf", dir, i);
        assert_int_equal(unit_write_file(path, a.data, a.len), 0);
        if (have_pdftotext)
            check_pdf_text(path, c, file);
        buf_release(&a);
        buf_release(&b);
        json_decref(doc);
    }
    unit_rmtree(dir);
}

/* Without the version's facts the documents say so, and are dated by /times/aware_at. */
static void test_offline_meta(void **state)
{
    json_t *doc = load_json("docs/examples/early-warning.json");
    struct render_meta m = {.ja = true};
    struct buf a, b;
    struct err e;
    UNUSED(state);
    buf_init(&a, OUT_MAX);
    buf_init(&b, OUT_MAX);
    assert_int_equal(render_created_ms(doc, &m), 1795131600000LL); /* 2026-11-20T08:40+09:00 */
    assert_int_equal(render_pdf(doc, &m, &a, &e), RENDER_OK);
    assert_int_equal(render_pdf(doc, &m, &b, &e), RENDER_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    buf_reset(&a);
    assert_int_equal(render_xlsx(doc, &m, &a, &e), RENDER_OK);
    assert_memory_equal(a.data, "PK", 2);
    buf_release(&a);
    buf_release(&b);
    json_decref(doc);
}

/* Issue 11 item 4: a document filed under a rule that is not in force says so beside its
 * stage, in the PDF and in the workbook, in Japanese and in English; one under a law in force
 * has no such line. */
static void test_rule_status(void **state)
{
    json_t *doc = load_json("docs/examples/full-report.json");
    char dir[64], path[128], cmd[300];
    struct buf out;
    struct err e;
    UNUSED(state);
    if (!have_unzip || !have_pdftotext)
        skip();
    assert_int_equal(unit_tmpdir(dir, "render-status"), 0);
    buf_init(&out, OUT_MAX);
    for (int k = 0; k < 4; k++) {
        bool ja = k % 2 == 0, proposed = k < 2;
        struct render_meta m = meta_for(ja);
        if (proposed) {
            m.rule_status_ja = "案（未施行）";
            m.rule_status_en = "proposed rule, not in force";
        }
        const char *want =
            ja ? "規則の状態: 案（未施行）" : "Rule status: proposed rule, not in force";
        buf_reset(&out);
        assert_int_equal(render_xlsx(doc, &m, &out, &e), RENDER_OK);
        snprintf(path, sizeof(path), "%s/s.xlsx", dir);
        assert_int_equal(unit_write_file(path, out.data, out.len), 0);
        snprintf(cmd, sizeof(cmd), "unzip -p '%s' xl/sharedStrings.xml", path);
        char *sst = run(cmd);
        assert_non_null(sst);
        assert_true(proposed == (strstr(sst, want) != NULL));
        free(sst);
        buf_reset(&out);
        assert_int_equal(render_pdf(doc, &m, &out, &e), RENDER_OK);
        snprintf(path, sizeof(path), "%s/s.pdf", dir);
        assert_int_equal(unit_write_file(path, out.data, out.len), 0);
        snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 -l 1 '%s' -", path);
        char *text = run(cmd);
        assert_non_null(text);
        assert_true(proposed ==
                    (strstr(text, ja ? "案（未施行）" : "proposed rule, not in force") != NULL));
        assert_true(proposed == (strstr(text, ja ? "規則の状態" : "Rule status") != NULL));
        free(text);
    }
    buf_release(&out);
    unit_rmtree(dir);
    json_decref(doc);
}

static void test_errors(void **state)
{
    json_t *doc = load_json("docs/examples/full-report.json"), *arr = json_array();
    struct render_meta m = meta_for(true);
    struct buf small;
    struct err e;
    const char *old_tmp = getenv("TMPDIR");
    char *saved = old_tmp ? xstrdup(old_tmp) : NULL;
    UNUSED(state);
    buf_init(&small, 1000);
    err_init(&e);
    assert_int_equal(render_xlsx(arr, &m, &small, &e), RENDER_EINVALID);
    assert_int_equal(render_pdf(arr, &m, &small, &e), RENDER_EINVALID);
    buf_puts(&small, "kept");
    assert_int_equal(render_xlsx(doc, &m, &small, &e), RENDER_EFULL);
    assert_string_equal(buf_cstr(&small), "kept"); /* unchanged on error */
    assert_non_null(strstr(e.msg, "maximum"));
    assert_int_equal(render_pdf(doc, &m, &small, &e), RENDER_EFULL);
    setenv("TMPDIR", "/nonexistent-ichigen-dir", 1);
    buf_reset(&small);
    assert_int_equal(render_xlsx(doc, &m, &small, &e), RENDER_EIO);
    assert_non_null(strstr(e.msg, "/nonexistent-ichigen-dir"));
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    buf_release(&small);
    json_decref(arr);
    json_decref(doc);
}

/* ---- the recipient's own form (issue 10 items 5 and 6) ---- */

static struct ruleset *load_rules(void)
{
    char dir[600];
    struct diag_list d;
    snprintf(dir, sizeof(dir), "%s/data", unit_source_root());
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(dir, &d);
    diag_list_release(&d);
    assert_non_null(rs);
    return rs;
}

/* What the service hands render/ for a recipient (app_submit.c, render()): the view, and meta
 * addressed to the recipient with its form and the sections the view carries. */
static json_t *view_for(const json_t *doc, const struct ruleset *rs, const char *id,
                        struct render_meta *m)
{
    struct rules_recipient_view rv;
    json_t *withheld;
    assert_true(rules_recipient_get(rs, id, &rv));
    json_t *view = outbox_project(doc, rv.delivery->sections, rv.id, &withheld);
    json_decref(withheld);
    *m = meta_for(true);
    m->recipient_name_ja = rv.name_ja;
    m->recipient_name_en = rv.name_en;
    m->form = render_form_parse(rv.delivery->form) > 0
                  ? (enum render_form)render_form_parse(rv.delivery->form)
                  : RENDER_FORM_UNIFIED;
    m->sections_given = rv.delivery->sections & ~outbox_withheld(doc, rv.id);
    m->submission_id = "01938f2e-7c1a-7000-8000-0000000000aa";
    m->filed_ms = 1795312800000LL; /* 2026-11-22T11:00:00+09:00 */
    return view;
}

/* The NCO item numbered no, rendered from view: its answer, its text in t. */
static enum render_answer nco_item(const json_t *view, const struct render_meta *m, const char *no,
                                   struct buf *t)
{
    buf_reset(t);
    for (size_t i = 0; i < render_nco_item_count; i++)
        if (!strcmp(render_nco_items[i].no, no))
            return render_item(view, m, render_nco_items[i].parts, true, t);
    fail_msg("no NCO item %s", no);
    return RENDER_MISSING;
}

#define ITEM_HAS(view, m, no, want, text)                                                          \
    do {                                                                                           \
        assert_int_equal(nco_item(view, m, no, &t), want);                                         \
        if (!strstr(buf_cstr(&t), text))                                                           \
            fail_msg("NCO item %s lacks \"%s\":\n%s", no, text, buf_cstr(&t));                     \
    } while (0)

/* The NCO common forms' items, mapped from the full ransomware report, a full DDoS report, and
 * the sparse ones (every optional field absent), as NCO's view of each. */
static void test_nco_items(void **state)
{
    struct ruleset *rs = load_rules();
    struct render_meta m;
    struct buf t;
    UNUSED(state);
    buf_init(&t, 1 << 20);

    json_t *full = load_json("docs/examples/full-report.json");
    json_t *v = view_for(full, rs, "nco", &m);
    assert_int_equal(m.form, RENDER_FORM_NCO);
    assert_int_equal(render_nco_kinds(v), RENDER_NCO_RANSOMWARE);
    ITEM_HAS(v, &m, "共1", RENDER_ANSWERED, "VPN機器の脆弱性を悪用した侵入");
    ITEM_HAS(v, &m, "共2", RENDER_ANSWERED, "2026-11-19 23:10 JST");
    ITEM_HAS(v, &m, "共3", RENDER_ANSWERED, "検知日時: 2026-11-20 06:55 JST");
    ITEM_HAS(v, &m, "共4", RENDER_ANSWERED, "現在の状況: 封じ込め済み");
    ITEM_HAS(v, &m, "共5", RENDER_ANSWERED, "影響利用者数: 12,000");
    /* NCO is not given /personal_data: said, not passed off as unknown */
    ITEM_HAS(v, &m, "共5", RENDER_ANSWERED, "この報告先には提供していない項目（個人データ）");
    ITEM_HAS(v, &m, "共6", RENDER_ANSWERED, "サービス停止時間（分）: 1,440");
    ITEM_HAS(v, &m, "共7", RENDER_ANSWERED, "警察への相談・届出: はい");
    ITEM_HAS(v, &m, "共8", RENDER_ANSWERED, "共有への同意: はい");
    ITEM_HAS(v, &m, "R1", RENDER_ANSWERED, "Your files are encrypted");
    ITEM_HAS(v, &m, "R2", RENDER_ANSWERED, ".lockbit");
    ITEM_HAS(v, &m, "R3", RENDER_ANSWERED, "リークサイトでの暴露・脅迫");
    ITEM_HAS(v, &m, "R4", RENDER_ANSWERED, "侵入経路");
    ITEM_HAS(v, &m, "R5", RENDER_ANSWERED, "侵害指標（IoC）");
    json_decref(v);
    json_decref(full);

    json_t *ddos = load_json("tests/data/render/nco-ddos.json");
    v = view_for(ddos, rs, "nco", &m);
    assert_int_equal(render_nco_kinds(v), RENDER_NCO_DDOS);
    ITEM_HAS(v, &m, "D1", RENDER_ANSWERED, "リフレクション（反射）型 (T1498.002)");
    ITEM_HAS(v, &m, "D1", RENDER_ANSWERED, "アプリケーション枯渇");
    ITEM_HAS(v, &m, "D2", RENDER_ANSWERED, "最大通信量（Gbps）: 48.5");
    ITEM_HAS(v, &m, "D2", RENDER_ANSWERED, "最大パケット数（pps）: 12,000,000");
    ITEM_HAS(v, &m, "D3", RENDER_ANSWERED, "攻撃継続時間（分）: 160");
    ITEM_HAS(v, &m, "D4", RENDER_ANSWERED, "trade.kamome.example.jp");
    ITEM_HAS(v, &m, "D5", RENDER_ANSWERED, "上流ISPでのフィルタ");
    ITEM_HAS(v, &m, "共6", RENDER_ANSWERED, "重要インフラサービス維持レベルからの逸脱: いいえ");
    /* the personal-data facts of 共5 are not given to NCO; its impact facts are */
    ITEM_HAS(v, &m, "共5", RENDER_ANSWERED, "影響利用者数: 32,000");
    json_decref(v);
    json_decref(ddos);

    /* sparse: a DDoS report with only the core; a ransomware early warning */
    json_t *min = load_json("tests/data/report/valid/minimal.json");
    v = view_for(min, rs, "nco", &m);
    assert_int_equal(render_nco_kinds(v), RENDER_NCO_DDOS);
    ITEM_HAS(v, &m, "共1", RENDER_ANSWERED, "unreachable under a DDoS attack");
    for (const char *const *no =
             (const char *const[]){"共2", "共4", "D1", "D2", "D3", "D4", "D5", NULL};
         *no; no++)
        ITEM_HAS(v, &m, *no, RENDER_MISSING, RENDER_MISSING_JA);
    json_decref(v);
    json_decref(min);
    json_t *ew = load_json("docs/examples/early-warning.json");
    v = view_for(ew, rs, "nco", &m);
    assert_int_equal(render_nco_kinds(v), RENDER_NCO_RANSOMWARE);
    ITEM_HAS(v, &m, "R2", RENDER_MISSING, RENDER_MISSING_JA);
    json_decref(v);

    /* both kinds; neither */
    json_t *both = json_deep_copy(ew);
    json_array_append_new(jsonx_ptr_get(both, "/classification/categories"), json_string("ddos"));
    assert_int_equal(render_nco_kinds(both), RENDER_NCO_RANSOMWARE | RENDER_NCO_DDOS);
    json_array_clear(jsonx_ptr_get(both, "/classification/categories"));
    json_array_append_new(jsonx_ptr_get(both, "/classification/categories"),
                          json_string("phishing"));
    assert_int_equal(render_nco_kinds(both), 0);
    json_decref(both);
    json_decref(ew);
    buf_release(&t);
    rules_free(rs);
}

/* Regression (issue 10 item 5): the workbook rendered for NCO said the PPC items 2, 3, 6 and 7
 * were unknown (未記入) although the report gave 18,500 individuals — NCO's view carries no
 * /personal_data. An item whose facts lie in sections the recipient is not given says so. */
static void test_not_given_is_not_missing(void **state)
{
    struct ruleset *rs = load_rules();
    struct render_meta m;
    struct buf t;
    UNUSED(state);
    buf_init(&t, 1 << 20);
    json_t *full = load_json("docs/examples/full-report.json");
    json_t *v = view_for(full, rs, "nco", &m);
    assert_null(jsonx_ptr_get(v, "/personal_data")); /* the premise */
    for (int i = 1; i <= 6; i += (i == 2 ? 3 : 1)) { /* items 2, 3, 6, 7 (0-based 1, 2, 5, 6) */
        buf_reset(&t);
        assert_int_equal(render_item(v, &m, render_ppc_parts(i), true, &t), RENDER_NOT_GIVEN);
        assert_null(strstr(buf_cstr(&t), RENDER_MISSING_JA));
        assert_non_null(strstr(buf_cstr(&t), "この報告先には提供していない項目です（個人データ）"));
    }
    /* English beneath, as 未記入 is written in an English document */
    buf_reset(&t);
    assert_int_equal(render_item(v, &m, render_ppc_parts(2), false, &t), RENDER_NOT_GIVEN);
    assert_non_null(strstr(buf_cstr(&t), "Not given to this recipient (personal data)"));
    /* a recipient given every section of a report that lacks a fact: still 未記入 */
    struct render_meta all = meta_for(true);
    buf_reset(&t);
    assert_int_equal(render_item(v, &all, render_ppc_parts(2), true, &t), RENDER_MISSING);
    buf_release(&t);
    json_decref(v);
    json_decref(full);
    rules_free(rs);
}

/* The workbook NCO downloads: its title, 宛先 by name, the filing facts, the items of the form;
 * nothing 未記入 that the report answers; no other authority's form. The PDF: the unified
 * layout, titled as such, with the same filing facts. */
static void test_nco_documents(void **state)
{
    struct ruleset *rs = load_rules();
    struct render_meta m;
    struct buf out;
    struct err e;
    char dir[64], path[128], cmd[300];
    UNUSED(state);
    assert_int_equal(unit_tmpdir(dir, "render-nco"), 0);
    buf_init(&out, OUT_MAX);
    err_init(&e);
    json_t *full = load_json("docs/examples/full-report.json");
    json_t *v = view_for(full, rs, "nco", &m);
    assert_int_equal(render_xlsx(v, &m, &out, &e), 0);
    snprintf(path, sizeof(path), "%s/nco.xlsx", dir);
    assert_int_equal(unit_write_file(path, out.data, out.len), 0);
    if (have_unzip) {
        snprintf(cmd, sizeof(cmd), "unzip -p '%s' xl/sharedStrings.xml", path);
        char *sst = run(cmd);
        assert_non_null(sst);
        for (const char *const *want =
                 (const char *const[]){
                     "ランサムウェア事案 報告（共通様式）", "ランサムウェア事案共通様式",
                     "項目の番号と見出しの文言は ichigen のもの", "宛先",
                     "国家サイバー統括室（NCO）", "提出日", "2026-11-22 11:00 JST", "代表者",
                     "代表取締役社長 港 一郎", "提出ID: 01938f2e-7c1a-7000-8000-0000000000aa",
                     "版: 第2版", "報告者側の管理番号: ML-CSIRT-2026-017", "共通項目",
                     "ランサムウェア事案の項目", "ランサムノート（脅迫文）", ".lockbit", NULL};
             *want; want++)
            if (!strstr(sst, *want))
                fail_msg("the NCO workbook lacks \"%s\"", *want);
        for (const char *const *bad =
                 (const char *const[]){RENDER_MISSING_JA, "個人データの漏えい等報告", "第8条第1項",
                                       "DDoS攻撃事案の項目", "統一様式", NULL};
             *bad; bad++)
            if (strstr(sst, *bad))
                fail_msg("the NCO workbook should not say \"%s\"", *bad);
        free(sst);
    }
    buf_reset(&out);
    assert_int_equal(render_pdf(v, &m, &out, &e), 0);
    snprintf(path, sizeof(path), "%s/nco.pdf", dir);
    assert_int_equal(unit_write_file(path, out.data, out.len), 0);
    if (have_pdftotext) {
        snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' -", path);
        char *text = run(cmd);
        assert_non_null(text);
        for (const char *const *want =
                 (const char *const[]){"いずれの機関の様式でもありません", "宛先",
                                       "国家サイバー統括室（NCO）", "提出日", "代表取締役社長",
                                       "提出ID", "この報告先に提供していない項目", NULL};
             *want; want++)
            if (!strstr(text, *want))
                fail_msg("the NCO PDF lacks \"%s\"", *want);
        assert_null(strstr(text, "nco.")); /* the code is never the addressee */
        free(text);
    }
    json_decref(v);

    /* the reporter withholds its contacts from NCO: the filing block says so, not 未記入 */
    json_object_set_new(jsonx_ptr_get(full, "/confidentiality/consent"), "withhold",
                        json_pack("[{s:s, s:[s]}]", "recipient", "nco", "sections", "contacts"));
    v = view_for(full, rs, "nco", &m);
    assert_null(jsonx_ptr_get(v, "/contacts"));
    buf_reset(&out);
    assert_int_equal(render_xlsx(v, &m, &out, &e), 0);
    snprintf(path, sizeof(path), "%s/nco-withheld.xlsx", dir);
    assert_int_equal(unit_write_file(path, out.data, out.len), 0);
    if (have_unzip) {
        snprintf(cmd, sizeof(cmd), "unzip -p '%s' xl/sharedStrings.xml", path);
        char *sst = run(cmd);
        assert_non_null(sst);
        assert_non_null(strstr(sst, "この報告先には提供していない項目です（連絡先）"));
        assert_null(strstr(sst, RENDER_MISSING_JA));
        free(sst);
    }
    json_decref(v);
    json_decref(full);
    buf_release(&out);
    unit_rmtree(dir);
    rules_free(rs);
}

/* ---- every fixture for every recipient (issue 8 item 1) ---- */

/* The report files under dir (those with an envelope; cases.json and the like are not). */
static size_t report_files(const char *dir, char names[][512], size_t max)
{
    char path[512];
    size_t n = 0;
    snprintf(path, sizeof(path), "%s/%s", unit_source_root(), dir);
    DIR *d = opendir(path);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
            continue;
        if (snprintf(names[n], 512, "%s/%s", dir, e->d_name) >= 512)
            continue;
        json_t *doc = load_json(names[n]);
        n += json_object_get(doc, "envelope") != NULL;
        json_decref(doc);
    }
    closedir(d);
    return n;
}

/* A recipient's workbook is its own form or ichigen's unified layout, titled as such — never
 * another authority's form (issue 10 item 5). */
static void check_own_form(const char *path, const json_t *view, enum render_form form,
                           const char *what)
{
    static const char *const titles[] = {"（ichigen 統一様式）", "（個人データの漏えい等報告）",
                                         "（共通様式）"};
    char cmd[300];
    int want = form == RENDER_FORM_NCO && !render_nco_kinds(view) ? RENDER_FORM_UNIFIED : (int)form;
    snprintf(cmd, sizeof(cmd), "unzip -p '%s' xl/sharedStrings.xml", path);
    char *sst = run(cmd);
    assert_non_null(sst);
    for (int f = 0; f < (int)ARRAY_SIZE(titles); f++)
        if ((strstr(sst, titles[f]) != NULL) != (f == want))
            fail_msg("%s: the workbook %s \"%s\"", what, f == want ? "lacks" : "says", titles[f]);
    free(sst);
}

static void check_pdf_unified(const char *path, bool ja, const char *what)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 -l 1 '%s' -", path);
    char *text = run(cmd);
    assert_non_null(text);
    if (!strstr(text, ja ? "いずれの機関の様式でもありません" : "not any authority's own form"))
        fail_msg("%s: the PDF does not say it is ichigen's unified layout", what);
    free(text);
}

/* Renders one view in every format a recipient can be given, and checks what each is: the
 * payload re-reads as the view, the workbook is a zip that unzip accepts, the PDF a PDF that
 * pdfinfo reads. */
static void render_view(const json_t *view, const json_t *withheld,
                        const struct rules_recipient_view *rv, bool ja, const char *what,
                        const char *dir)
{
    struct outbox_meta om = {.submission_id = "01938f2e-7c1a-7000-8000-000000000009",
                             .incident_id = "01938f2e-7c1a-7000-8000-000000000001",
                             .obligation_id = "ob",
                             .rule_id = "rule",
                             .stage_id = "stage",
                             .stage_name_ja = "速報",
                             .stage_name_en = "preliminary",
                             .recipient_id = rv->id,
                             .recipient_name_ja = rv->name_ja,
                             .recipient_name_en = rv->name_en,
                             .org_id = "org",
                             .org_name_ja = "株式会社テスト",
                             .org_name_en = "Test",
                             .corporate_number = "",
                             .version = 2,
                             .report_sha256 = SHA,
                             .created_ms = 1795309200000LL};
    struct render_meta m = meta_for(ja);
    struct buf out;
    struct err e;
    char path[160], cmd[400];
    json_t *back = NULL;
    m.recipient_name_ja = rv->name_ja;
    m.recipient_name_en = rv->name_en;
    m.form = render_form_parse(rv->delivery->form) > 0
                 ? (enum render_form)render_form_parse(rv->delivery->form)
                 : RENDER_FORM_UNIFIED;
    buf_init(&out, OUT_MAX);
    err_init(&e);
    assert_int_equal(outbox_payload(&om, view, withheld, &out), 0);
    assert_int_equal(jsonx_load_object(out.data, out.len, 64, &back, NULL), 0);
    if (!json_equal(json_object_get(back, "report"), view))
        fail_msg("%s: the payload's report is not the recipient's view", what);
    json_decref(back);
    static const struct {
        int (*render)(const json_t *, const struct render_meta *, struct buf *, struct err *);
        const char *name, *check; /* the check runs on the file, %s its path */
        bool *have;
    } docs[] = {{render_xlsx, "xlsx", "unzip -tq %s >/dev/null 2>&1", &have_unzip},
                {render_pdf, "pdf", "pdfinfo %s >/dev/null 2>&1", &have_pdftotext}};
    for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
        buf_reset(&out);
        if (docs[i].render(view, &m, &out, &e))
            fail_msg("%s %s: %s", docs[i].name, what, e.msg);
        snprintf(path, sizeof(path), "%s/doc.%s", dir, docs[i].name);
        assert_int_equal(unit_write_file(path, out.data, out.len), 0);
        snprintf(cmd, sizeof(cmd), docs[i].check, path);
        if (*docs[i].have && system(cmd))
            fail_msg("%s: the %s does not pass `%s`", what, docs[i].name, docs[i].check);
        if (i == 0 && have_unzip)
            check_own_form(path, view, m.form, what);
        if (i == 1 && have_pdftotext) /* the PDF is the unified layout, and says so */
            check_pdf_unified(path, ja, what);
    }
    buf_release(&out);
}

/* Each fixture and example report (the sparse minimal.json among them: no 法人番号, which once
 * crashed the PDF) as each recipient of the shipped rule set receives it, in every format.
 * Recipients given the same view share one rendering. */
static void test_every_fixture_every_recipient(void **state)
{
    static const char *const dirs[] = {"docs/examples", "tests/data/report/valid",
                                       "tests/data/render"};
    char names[64][512], dir[64], what[1200];
    size_t n = 0, views = 0;
    struct diag_list d;
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
        n += report_files(dirs[i], names + n, ARRAY_SIZE(names) - n);
    assert_true(n >= 8);
    snprintf(what, sizeof(what), "%s/data", unit_source_root());
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(what, &d);
    diag_list_release(&d);
    assert_non_null(rs);
    assert_int_equal(unit_tmpdir(dir, "render-all"), 0);
    for (size_t f = 0; f < n; f++) {
        json_t *doc = load_json(names[f]), *seen = json_object();
        const char *lang = json_string_value(jsonx_ptr_get(doc, "/envelope/language"));
        for (size_t r = 0; r < rules_recipient_count(rs); r++) {
            struct rules_recipient_view rv;
            json_t *withheld;
            assert_true(rules_recipient_at(rs, r, &rv));
            json_t *view = outbox_project(doc, rv.delivery->sections, rv.id, &withheld);
            char *key = json_dumps(view, JSON_COMPACT | JSON_SORT_KEYS);
            if (!json_object_get(seen, key)) {
                json_object_set_new(seen, key, json_true());
                snprintf(what, sizeof(what), "%s for %s", names[f], rv.id);
                render_view(view, withheld, &rv, !lang || strcmp(lang, "en"), what, dir);
                views++;
            }
            free(key);
            json_decref(withheld);
            json_decref(view);
        }
        json_decref(seen);
        json_decref(doc);
    }
    print_message("# %zu reports, %zu recipients, %zu distinct views rendered\n", n,
                  rules_recipient_count(rs), views);
    rules_free(rs);
    unit_rmtree(dir);
}

static int setup(void **state)
{
    UNUSED(state);
    cases = load_json("tests/data/render/cases.json");
    have_unzip = system("command -v unzip >/dev/null 2>&1") == 0;
    have_pdftotext = system("command -v pdftotext >/dev/null 2>&1") == 0;
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    json_decref(cases);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),        cmocka_unit_test(test_ppc_items),
        cmocka_unit_test(test_walk),          cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_pdf),           cmocka_unit_test(test_offline_meta),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_every_fixture_every_recipient),
        cmocka_unit_test(test_nco_items),     cmocka_unit_test(test_not_given_is_not_missing),
        cmocka_unit_test(test_nco_documents), cmocka_unit_test(test_rule_status),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
