/*
 * render_pdf.c — the A4 PDF summary of a report version (render.h): the title block, the
 * report's basic facts, then one section per part of the report format in the field table's
 * words.
 *
 * Each section is the compact walk of one top-level member (render_facts): a two-column list
 * of labels and values (pdf_table_row); a value longer than the rest of a page continues on
 * the next. src/pdf/ draws and writes it; the creation date is the version's
 * (render_created_ms), so the same inputs always give the same bytes.
 */
#include "render_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

#define LABEL_W 150.0
#define GAP 10.0
#define VALUE_X (RP_MARGIN + LABEL_W + GAP)
#define VALUE_W (RP_CONTENT_W - LABEL_W - GAP)
#define LEAD 12.6 /* line pitch of rows */
#define PT_LABEL 7.8
#define PT_VALUE 8.8
#define MAX_INDICATORS 5 /* "a few": the workbook's all-fields sheet lists every one */

/* ---- rows and headings ---- */

static const struct pdf_table facts_ja = {LABEL_W,           GAP, LEAD, 9.2, PT_LABEL, PT_VALUE,
                                          "（前頁から続く）"};
static const struct pdf_table facts_en = {LABEL_W,  GAP,      LEAD,         9.2,
                                          PT_LABEL, PT_VALUE, "(continued)"};
static const struct pdf_heading h2 = {.size = 11.5, .baseline = 14, .rule_w = 0.8, .advance = 25};

/* One label/value row. A row that fits on a page is kept whole; a longer one flows on. */
static void row(struct rdraw *d, const char *label, const char *value)
{
    pdf_table_row(&d->p, d->ja ? &facts_ja : &facts_en, label, value);
}

/* A section heading — Japanese, its English name beside it, the section's own TLP label
 * when it has one — kept on the same page as the first row under it. */
static void heading(struct rdraw *d, const char *ja, const char *en, const char *tlp)
{
    double w, y;
    d->p.y += 8;
    pdf_need(&d->p, 26 + 2 * LEAD + 6);
    y = d->p.y;
    w = pdf_heading(&d->p, &h2, ja);
    pdf_font(&d->p, 8.5, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, RP_MARGIN + w + 8, y + 14, PDF_LEFT, en);
    if (tlp)
        rdraw_tlp_badge(d, PDF_A4_W - RP_MARGIN, y + 3, 7, tlp);
}

/* ---- collected rows ---- */

struct rows {
    char **label, **value;
    size_t n, cap;
};

static void rows_add(struct rows *r, const char *label, const char *value)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->label = xrealloc(r->label, r->cap * sizeof(*r->label));
        r->value = xrealloc(r->value, r->cap * sizeof(*r->value));
    }
    r->label[r->n] = xstrdup(label);
    r->value[r->n++] = xstrdup(value);
}

static void rows_kv(void *ctx, const struct render_kv *kv)
{
    rows_add(ctx, kv->label, kv->value);
}

static void rows_draw_release(struct rdraw *d, struct rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        row(d, r->label[i], r->value[i]);
        free(r->label[i]);
        free(r->value[i]);
    }
    free(r->label);
    free(r->value);
    memset(r, 0, sizeof(*r));
}

/* ---- the title block and the basic facts ---- */

static void org_block(struct rdraw *d)
{
    const char *other = render_org_other_name(d->report, d->ja);
    struct buf b;
    static const char *const facts[] = {"/entity/corporate_number", "/entity/prefecture",
                                        "/entity/kind", "/entity/ci_sector"};
    buf_init(&b, 4096);
    pdf_font(&d->p, 14, true);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text(&d->p, RP_MARGIN, d->p.y + 14, PDF_LEFT, render_org_name(d->report, d->ja));
    d->p.y += 20;
    if (*other) {
        pdf_font(&d->p, 9.5, false);
        pdf_rgb(&d->p, PDF_MUTED);
        pdf_text(&d->p, RP_MARGIN, d->p.y + 10, PDF_LEFT, other);
        d->p.y += 14;
    }
    for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
        size_t before = b.len;
        if (b.len)
            buf_puts(&b, " · ");
        if (i == 0 && render_str(d->report, facts[0]))
            buf_puts(&b, d->ja ? "法人番号 " : "Corporate number ");
        size_t mark = b.len;
        render_value_at(d->report, facts[i], d->ja, &b);
        if (b.len == mark) /* absent: take the separator back */
            buf_truncate(&b, before);
    }
    pdf_font(&d->p, 8.5, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, RP_MARGIN, d->p.y + 10, PDF_LEFT, buf_cstr(&b));
    d->p.y += 18;
    buf_release(&b);
}

static void summary_box(struct rdraw *d)
{
    const char *s = render_str(d->report, "/description/summary");
    struct pdf_lines l = {0};
    double h, y;
    pdf_font(&d->p, 11, true);
    pdf_wrap(&d->p, s ? s : (d->ja ? RENDER_MISSING_JA : RENDER_MISSING_EN), RP_CONTENT_W - 24, &l);
    h = 22 + l.n * 16 + 6;
    pdf_rgb(&d->p, PDF_FAINT);
    pdf_rect(&d->p, RP_MARGIN, d->p.y, RP_CONTENT_W, h);
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_rect(&d->p, RP_MARGIN, d->p.y, 3, h);
    pdf_font(&d->p, 7.5, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, RP_MARGIN + 12, d->p.y + 13, PDF_LEFT, "概要 Summary");
    pdf_font(&d->p, 11, true);
    pdf_rgb(&d->p, PDF_INK);
    y = d->p.y + 30;
    for (size_t i = 0; i < l.n; i++, y += 16)
        pdf_text(&d->p, RP_MARGIN + 12, y, PDF_LEFT, l.v[i]);
    d->p.y += h + 4;
    pdf_lines_release(&l);
}

/* The PDF summarises the whole version in ichigen's unified layout, whoever it is for, and its
 * title says so: it is no authority's own form (issue 10 item 5). */
static void title_block(struct rdraw *d)
{
    const double right = PDF_A4_W - RP_MARGIN;
    double x_right = right, w;
    struct render_title t;
    render_form_title(RENDER_FORM_UNIFIED, 0, &t);
    pdf_font(&d->p, 20, true);
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_text(&d->p, RP_MARGIN, d->p.y + 18, PDF_LEFT, "サイバーインシデント報告");
    pdf_font(&d->p, 10, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, RP_MARGIN, d->p.y + 34, PDF_LEFT, "Cyber incident report");
    pdf_font(&d->p, 8, false);
    pdf_text(&d->p, RP_MARGIN, d->p.y + 48, PDF_LEFT, d->ja ? t.note_ja : t.note_en);
    d->p.y += 14;
    if (d->tlp)
        x_right -= rdraw_tlp_badge(d, right, d->p.y + 2, 12, d->tlp) + 8;
    if (d->drill) {
        pdf_font(&d->p, 12, true);
        w = pdf_width(&d->p, "訓練 DRILL") + 14;
        pdf_rgb(&d->p, PDF_WARN);
        pdf_rect(&d->p, x_right - w, d->p.y + 2, w, 12 * 1.7);
        pdf_rgb(&d->p, 0xffffffu);
        pdf_text(&d->p, x_right - w + 7, d->p.y + 2 + 12 * 1.22, PDF_LEFT, "訓練 DRILL");
    }
    d->p.y += 48;
    org_block(d);
    summary_box(d);
}

/* Which version of which incident, for whom: the facts that live beside the report body. */
static void version_rows(struct rdraw *d, struct rows *r, struct buf *b)
{
    const struct render_meta *m = d->meta;
    char t[64];
    buf_reset(b);
    if (m->recipient_name_ja || m->recipient_name_en)
        buf_appendf(b, "%s%s%s", m->recipient_name_ja ? m->recipient_name_ja : "",
                    m->recipient_name_ja && m->recipient_name_en ? " / " : "",
                    m->recipient_name_en ? m->recipient_name_en : "");
    if (b->len)
        rows_add(r, d->ja ? "宛先" : "To", buf_cstr(b));
    if (render_filed_ms(d->report, m) > 0) {
        render_ms_jst(render_filed_ms(d->report, m), t, sizeof(t));
        rows_add(r, d->ja ? "提出日" : "Filing date", t);
    }
    if (m->stage_name_ja)
        rows_add(r, d->ja ? "報告先の段階" : "Stage for this recipient", m->stage_name_ja);
    if (m->rule_status_ja) /* a proposal's stage, not law's (issue 11 item 4) */
        rows_add(r, d->ja ? "規則の状態" : "Rule status",
                 d->ja || !m->rule_status_en ? m->rule_status_ja : m->rule_status_en);
    buf_reset(b);
    render_representative(d->report, b);
    rows_add(r, d->ja ? "代表者" : "Representative",
             b->len ? buf_cstr(b) : (d->ja ? RENDER_MISSING_JA : RENDER_MISSING_EN));
    rows_add(r, d->ja ? "事案ID" : "Incident ID",
             m->incident_id ? m->incident_id : (d->ja ? "未登録" : "not registered"));
    if (m->submission_id)
        rows_add(r, d->ja ? "提出ID" : "Submission ID", m->submission_id);
    buf_reset(b);
    if (m->version > 0)
        buf_appendf(b, d->ja ? "第%d版" : "version %d", m->version);
    if (m->version_created_ms > 0) {
        render_ms_jst(m->version_created_ms, t, sizeof(t));
        buf_appendf(b, "%s%s%s", b->len ? " · " : "", d->ja ? "作成 " : "created ", t);
    }
    if (b->len)
        rows_add(r, d->ja ? "版" : "Version", buf_cstr(b));
    /* sections absent from this recipient's view are not unknown: say which they are */
    buf_reset(b);
    for (int i = 0; report_section_values[i].value; i++) {
        char ptr[40];
        snprintf(ptr, sizeof(ptr), "/%s", report_section_values[i].value);
        if (!render_section_given(m, ptr))
            buf_appendf(b, "%s%s", b->len ? (d->ja ? "、" : ", ") : "",
                        d->ja ? report_section_values[i].ja : report_section_values[i].en);
    }
    if (b->len)
        rows_add(r, d->ja ? "この報告先に提供していない項目" : "Not given to this recipient",
                 buf_cstr(b));
}

static void basics(struct rdraw *d)
{
    static const char *const skip[] = {"/envelope/format_version", "/envelope/phase",
                                       "/envelope/language", "/envelope/drill", NULL};
    struct render_facts_opts o = {.fmt = {.ja = d->ja}, .skip = skip};
    struct rows r = {0};
    struct buf b;
    buf_init(&b, 4096);
    render_value_at(d->report, "/envelope/phase", d->ja, &b);
    rows_add(&r, d->ja ? "報告の段階" : "Reporting phase",
             b.len ? buf_cstr(&b) : (d->ja ? RENDER_MISSING_JA : RENDER_MISSING_EN));
    if (d->drill)
        rows_add(&r, d->ja ? "訓練" : "Drill",
                 d->ja ? "訓練（演習）の報告です。実際の事案ではありません。"
                       : "訓練 — this report is an exercise, not a real incident.");
    version_rows(d, &r, &b);
    render_facts(d->report, "/envelope", &o, rows_kv, &r);
    heading(d, "報告の基本情報", "Report", NULL);
    rows_draw_release(d, &r);
    buf_release(&b);
}

/* ---- sections ---- */

struct section {
    const char *pointer; /* a top-level member of the report */
    size_t max_items;    /* arrays of objects: items shown (0 = all) */
    const char *const *skip;
};

static const char *const skip_entity[] = {"/entity/name_ja", "/entity/name_en", NULL};
static const char *const skip_times[] = {"/times/timezone", NULL};            /* shown in JST */
static const char *const skip_description[] = {"/description/summary", NULL}; /* title block */

/* In the order a reader at an authority looks for them. */
static const struct section sections[] = {
    {"/times", 0, skip_times},
    {"/classification", 0, NULL},
    {"/description", 0, skip_description},
    {"/impact", 0, NULL},
    {"/personal_data", 0, NULL},
    {"/threat", MAX_INDICATORS, NULL},
    {"/ransom", 0, NULL},
    {"/product", 0, NULL},
    {"/response", 0, NULL},
    {"/entity", 0, skip_entity},
    {"/contacts", 0, NULL},
    {"/confidentiality", 0, NULL},
};

static void section(struct rdraw *d, const struct section *s)
{
    const struct rf_field *f = report_field_lookup(s->pointer);
    struct render_facts_opts o = {.fmt = {.ja = d->ja}, .max_items = s->max_items, .skip = s->skip};
    struct rows r = {0};
    char en[256], tlp_ptr[128];
    if (!f || !render_facts(d->report, s->pointer, &o, rows_kv, &r))
        return;
    xstrlcpy(en, f->en, sizeof(en));
    if (en[0] >= 'a' && en[0] <= 'z')
        en[0] = (char)(en[0] - 'a' + 'A');
    snprintf(tlp_ptr, sizeof(tlp_ptr), "/confidentiality/section_tlp%s", s->pointer);
    heading(d, f->ja, en, render_str(d->report, tlp_ptr));
    rows_draw_release(d, &r);
}

static void draw(struct pdf *p)
{
    struct rdraw *d = p->ctx;
    pdf_page_begin(p);
    title_block(d);
    basics(d);
    for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
        section(d, &sections[i]);
    pdf_page_end(p);
}

/* ---- the document ---- */

_Static_assert((int)RENDER_EFONT == (int)PDF_EFONT && (int)RENDER_EFULL == (int)PDF_EFULL &&
                   (int)RENDER_ECAIRO == (int)PDF_ECAIRO,
               "render_pdf returns pdf_doc_write's codes as they are");

int render_pdf(const json_t *report, const struct render_meta *meta, struct buf *out, struct err *e)
{
    struct rdraw d = {.p = {.lay = {RP_MARGIN, RP_TOP, RP_BOTTOM}}, .report = report, .meta = meta};
    struct buf title; /* not a fixed array: a cut name would end inside a character */
    char subject[200];
    struct pdf_info info;
    int rc;
    if (!json_is_object(report) || !meta || !out)
        return err_set(e, RENDER_EINVALID, "render_pdf: the report must be a JSON object");
    d.ja = meta->ja;
    d.drill = json_is_true(jsonx_ptr_get((json_t *)report, "/envelope/drill"));
    d.tlp = render_str(report, "/confidentiality/tlp");
    d.p.frame = rdraw_frame;
    d.p.ctx = &d;
    buf_init(&title, BUF_UNLIMITED);
    buf_appendf(&title, "サイバーインシデント報告 — %s", render_org_name(report, d.ja));
    snprintf(subject, sizeof(subject), "%s %s v%d", d.ja ? "事案" : "incident",
             meta->incident_id ? meta->incident_id : "-", meta->version);
    /* the version's own time, never the clock: the same version gives the same bytes */
    info = (struct pdf_info){buf_cstr(&title), subject, true, render_created_ms(report, meta)};
    rc = pdf_doc_write(&d.p, draw, &info, NULL, out, e);
    buf_release(&title);
    return rc;
}
