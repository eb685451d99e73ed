/*
 * fuzz_render.c — every rendering of arbitrary *valid* reports (issue 8 item 1: a report
 * without a 法人番号 crashed the PDF renderer, and no fixture lacked one).
 *
 * The input's first two bytes choose the recipient (any recipient of the shipped data, or none:
 * the whole report, as `ichigen render` prints it offline), the language and the facts beside
 * the body (version, stage, creation time); the rest drives report_gen, which makes a report
 * that report_validate accepts with optional fields absent, at their limits, or full of
 * Japanese, emoji and odd Unicode. For that report and recipient it builds what the recipient
 * is given (outbox_project), the exact payload bytes (outbox_payload: the "json" rendering)
 * and the workbook and the PDF (render_xlsx, render_pdf).
 * Invariants: a valid report always renders in every format; the payload is canonical JSON
 * whose report is the projection; the projection carries only the recipient's sections and
 * only the consent terms that concern it; the documents are framed as a zip and a PDF.
 */
#include "../src/core/jsonx.h"
#include "../src/outbox/outbox.h"
#include "../src/render/render.h"
#include "../src/rules/rules.h"
#include "fuzz.h"
#include "report_gen.h"

#define OUT_MAX (256u << 20)
#define SHA "ea6e483f3a30462a928c6187a08d7dd3de1ed45f86f5fb643a7f8ac64b973c9b"

static struct ruleset *rs;
static const char **ids;
static size_t nids;

static void load_rules(void)
{
    struct diag_list d;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/data", ICHIGEN_SOURCE_ROOT);
    diag_list_init(&d);
    rs = rules_load_dir(dir, &d);
    diag_list_release(&d);
    BUG_ON(!rs);
    nids = rules_recipient_count(rs);
    ids = xcalloc(nids, sizeof(*ids));
    for (size_t i = 0; i < nids; i++) {
        struct rules_recipient_view v;
        BUG_ON(!rules_recipient_at(rs, i, &v));
        ids[i] = v.id;
    }
}

/* The view holds nothing the recipient is not given, and no one else's consent terms. */
static void check_view(const json_t *view, const struct rules_recipient_view *rv)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)view, key, v)
    {
        if (!strcmp(key, "envelope") || !strcmp(key, "confidentiality"))
            continue;
        unsigned b = 0;
        while (report_section_values[b].value && strcmp(report_section_values[b].value, key))
            b++;
        BUG_ON(!report_section_values[b].value || !(rv->delivery->sections & RULES_SECTION_BIT(b)));
    }
    size_t i;
    json_array_foreach(jsonx_ptr_get((json_t *)view, "/confidentiality/consent/withhold"), i, v)
        BUG_ON(strcmp(json_string_value(json_object_get(v, "recipient")), rv->id));
    json_array_foreach(jsonx_ptr_get((json_t *)view, "/confidentiality/consent/share_with"), i, v)
        BUG_ON(strcmp(json_string_value(v), rv->id));
}

/* The "json" rendering: the payload bytes, canonical, carrying the view unchanged. */
static void check_payload(const json_t *report, const json_t *view, const json_t *withheld,
                          const struct rules_recipient_view *rv, const struct render_meta *m)
{
    const char *cn = json_string_value(jsonx_ptr_get((json_t *)report, "/entity/corporate_number"));
    struct outbox_meta om = {.submission_id = "019ab0b0-cc00-7000-8000-000000000001",
                             .incident_id = "019ab0b0-cc00-7000-8000-000000000002",
                             .obligation_id = "019ab0b0-cc00-7000-8000-000000000003",
                             .rule_id = "fuzz.rule",
                             .stage_id = "stage",
                             .stage_name_ja = "速報",
                             .stage_name_en = "preliminary",
                             .recipient_id = rv->id,
                             .recipient_name_ja = rv->name_ja,
                             .recipient_name_en = rv->name_en,
                             .org_id = "019ab0b0-cc00-7000-8000-000000000004",
                             .org_name_ja = "株式会社テスト",
                             .org_name_en = "Test",
                             .corporate_number = cn ? cn : "",
                             .version = m->version,
                             .report_sha256 = SHA,
                             .created_ms = FUZZ_NOW_MS,
                             .drill = false};
    struct buf b, again;
    json_t *back = NULL;
    buf_init(&b, OUT_MAX);
    buf_init(&again, OUT_MAX);
    BUG_ON(outbox_payload(&om, view, withheld, &b));
    BUG_ON(jsonx_load_object(b.data, b.len, 64, &back, NULL));
    BUG_ON(!json_equal(json_object_get(back, "report"), view));
    BUG_ON(jsonx_dump_canonical(back, &again) || again.len != b.len ||
           memcmp(again.data, b.data, b.len));
    json_decref(back);
    buf_release(&again);
    buf_release(&b);
}

static void render_both(const json_t *view, const struct render_meta *m)
{
    struct buf out;
    struct err e;
    buf_init(&out, OUT_MAX);
    err_init(&e);
    if (render_xlsx(view, m, &out, &e))
        BUG("render_xlsx refused a valid report: %s", e.msg);
    BUG_ON(out.len < 4 || memcmp(out.data, "PK\003\004", 4));
    buf_reset(&out);
    if (render_pdf(view, m, &out, &e))
        BUG("render_pdf refused a valid report: %s", e.msg);
    BUG_ON(out.len < 16 || memcmp(out.data, "%PDF-", 5));
    BUG_ON(!memmem(out.data + out.len - MIN(out.len, 32), MIN(out.len, 32), "%%EOF", 5));
    buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!rs)
        load_rules();
    if (size < 2 || size > 64 * 1024)
        return 0;
    json_t *doc = report_gen(data + 2, size - 2, FUZZ_NOW_MS, ids, nids);
    if (!doc)
        return 0;
    if (getenv("FUZZ_RENDER_DUMP")) /* the generated report, to turn a finding into a fixture */
        json_dump_file(doc, getenv("FUZZ_RENDER_DUMP"), JSON_INDENT(1) | JSON_SORT_KEYS);
    size_t who = data[0] % (nids + 1); /* nids: no recipient, the whole report */
    struct rules_recipient_view rv = {0};
    struct render_meta m = {.incident_id =
                                data[1] & 1 ? "019ab0b0-cc00-7000-8000-000000000002" : NULL,
                            .version = data[1] >> 5,
                            .report_sha256 = data[1] & 2 ? SHA : NULL,
                            .version_created_ms = data[1] & 4 ? FUZZ_NOW_MS : 0,
                            .stage_name_ja = data[1] & 8 ? "確報" : NULL,
                            .ja = !(data[1] & 16)};
    json_t *view = NULL, *withheld = NULL;
    if (who < nids) {
        BUG_ON(!rules_recipient_at(rs, who, &rv));
        m.recipient_name_ja = rv.name_ja;
        m.recipient_name_en = rv.name_en;
        /* as the service renders it: the recipient's form and the sections its view carries */
        m.form = render_form_parse(rv.delivery->form) > 0
                     ? (enum render_form)render_form_parse(rv.delivery->form)
                     : RENDER_FORM_UNIFIED;
        m.sections_given = rv.delivery->sections & ~outbox_withheld(doc, rv.id);
        m.submission_id = data[1] & 1 ? "019ab0b0-cc00-7000-8000-000000000009" : NULL;
        view = outbox_project(doc, rv.delivery->sections, rv.id, &withheld);
        check_view(view, &rv);
        check_payload(doc, view, withheld, &rv, &m);
    } else {
        view = json_incref(doc);
        m.form = (enum render_form)(data[1] % 3); /* the whole report in every form */
    }
    render_both(view, &m);
    json_decref(withheld);
    json_decref(view);
    json_decref(doc);
    return 0;
}
