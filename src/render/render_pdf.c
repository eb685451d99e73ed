/*
 * render_pdf.c — the A4 PDF summary of a report version (render.h): the title block, the
 * report's basic facts, then one section per part of the report format in the field table's
 * words, and the cairo PDF surface it is drawn on.
 *
 * Each section is the compact walk of one top-level member (render_facts): a two-column list
 * of labels and values; a value longer than the rest of a page continues on the next. The
 * layout runs twice — once on a 1×1 image surface to count the pages for the "n / N" footer,
 * once on the PDF surface — so the count cannot drift from what is drawn. The creation date is
 * the version's (render_created_ms), so the same inputs always give the same bytes.
 */
#include <cairo-pdf.h>

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

static void page_break(struct rdraw *d)
{
    rdraw_page_end(d);
    rdraw_page_begin(d);
}

/* One label/value row. A row that fits on a page is kept whole; a longer one flows on. */
static void row(struct rdraw *d, const char *label, const char *value)
{
    struct rdraw_lines l = {0}, v = {0};
    size_t n;
    rdraw_font(d, PT_LABEL, false);
    rdraw_wrap(d, label, LABEL_W, &l);
    rdraw_font(d, PT_VALUE, false);
    rdraw_wrap(d, value, VALUE_W, &v);
    n = MAX(l.n, v.n);
    if (n * LEAD + 6 <= RP_BOTTOM - RP_TOP && d->y + n * LEAD + 6 > RP_BOTTOM)
        page_break(d);
    for (size_t i = 0; i < n; i++) {
        if (d->y + LEAD > RP_BOTTOM) {
            page_break(d);
            if (i >= l.n && l.n) { /* say what the lines at the top of this page belong to */
                rdraw_font(d, PT_LABEL, false);
                rdraw_rgb(d, RPC_MUTED);
                rdraw_text(d, RP_MARGIN, d->y + 9.2, RDA_LEFT,
                           d->ja ? "（前頁から続く）" : "(continued)");
            }
        }
        if (i < l.n) {
            rdraw_font(d, PT_LABEL, false);
            rdraw_rgb(d, RPC_MUTED);
            rdraw_text(d, RP_MARGIN, d->y + 9.2, RDA_LEFT, l.v[i]);
        }
        if (i < v.n) {
            rdraw_font(d, PT_VALUE, false);
            rdraw_rgb(d, RPC_INK);
            rdraw_text(d, VALUE_X, d->y + 9.2, RDA_LEFT, v.v[i]);
        }
        d->y += LEAD;
    }
    d->y += 2.5;
    rdraw_rgb(d, RPC_RULE);
    rdraw_line(d, RP_MARGIN, d->y, RP_W - RP_MARGIN, d->y, 0.3);
    d->y += 2.5;
    rdraw_lines_release(&l);
    rdraw_lines_release(&v);
}

/* A section heading — Japanese, its English name beside it, the section's own TLP label
 * when it has one — kept on the same page as the first row under it. */
static void heading(struct rdraw *d, const char *ja, const char *en, const char *tlp)
{
    double w;
    d->y += 8;
    rdraw_need(d, 26 + 2 * LEAD + 6);
    rdraw_font(d, 11.5, true);
    rdraw_rgb(d, RPC_NAVY);
    w = rdraw_text(d, RP_MARGIN, d->y + 14, RDA_LEFT, ja);
    rdraw_font(d, 8.5, false);
    rdraw_rgb(d, RPC_MUTED);
    rdraw_text(d, RP_MARGIN + w + 8, d->y + 14, RDA_LEFT, en);
    if (tlp)
        rdraw_tlp_badge(d, RP_W - RP_MARGIN, d->y + 3, 7, tlp);
    rdraw_rgb(d, RPC_NAVY);
    rdraw_line(d, RP_MARGIN, d->y + 20, RP_W - RP_MARGIN, d->y + 20, 0.8);
    d->y += 25;
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
    rdraw_font(d, 14, true);
    rdraw_rgb(d, RPC_INK);
    rdraw_text(d, RP_MARGIN, d->y + 14, RDA_LEFT, render_org_name(d->report, d->ja));
    d->y += 20;
    if (*other) {
        rdraw_font(d, 9.5, false);
        rdraw_rgb(d, RPC_MUTED);
        rdraw_text(d, RP_MARGIN, d->y + 10, RDA_LEFT, other);
        d->y += 14;
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
    rdraw_font(d, 8.5, false);
    rdraw_rgb(d, RPC_MUTED);
    rdraw_text(d, RP_MARGIN, d->y + 10, RDA_LEFT, buf_cstr(&b));
    d->y += 18;
    buf_release(&b);
}

static void summary_box(struct rdraw *d)
{
    const char *s = render_str(d->report, "/description/summary");
    struct rdraw_lines l = {0};
    double h, y;
    rdraw_font(d, 11, true);
    rdraw_wrap(d, s ? s : (d->ja ? RENDER_MISSING_JA : RENDER_MISSING_EN), RP_CONTENT_W - 24, &l);
    h = 22 + l.n * 16 + 6;
    rdraw_rgb(d, RPC_FAINT);
    rdraw_rect(d, RP_MARGIN, d->y, RP_CONTENT_W, h);
    rdraw_rgb(d, RPC_NAVY);
    rdraw_rect(d, RP_MARGIN, d->y, 3, h);
    rdraw_font(d, 7.5, false);
    rdraw_rgb(d, RPC_MUTED);
    rdraw_text(d, RP_MARGIN + 12, d->y + 13, RDA_LEFT, "概要 Summary");
    rdraw_font(d, 11, true);
    rdraw_rgb(d, RPC_INK);
    y = d->y + 30;
    for (size_t i = 0; i < l.n; i++, y += 16)
        rdraw_text(d, RP_MARGIN + 12, y, RDA_LEFT, l.v[i]);
    d->y += h + 4;
    rdraw_lines_release(&l);
}

static void title_block(struct rdraw *d)
{
    const double right = RP_W - RP_MARGIN;
    double x_right = right, w;
    rdraw_font(d, 20, true);
    rdraw_rgb(d, RPC_NAVY);
    rdraw_text(d, RP_MARGIN, d->y + 18, RDA_LEFT, "サイバーインシデント報告");
    rdraw_font(d, 10, false);
    rdraw_rgb(d, RPC_MUTED);
    rdraw_text(d, RP_MARGIN, d->y + 34, RDA_LEFT, "Cyber incident report");
    if (d->tlp)
        x_right -= rdraw_tlp_badge(d, right, d->y + 2, 12, d->tlp) + 8;
    if (d->drill) {
        rdraw_font(d, 12, true);
        w = rdraw_width(d, "訓練 DRILL") + 14;
        rdraw_rgb(d, RPC_DRILL);
        rdraw_rect(d, x_right - w, d->y + 2, w, 12 * 1.7);
        rdraw_rgb(d, 0xffffffu);
        rdraw_text(d, x_right - w + 7, d->y + 2 + 12 * 1.22, RDA_LEFT, "訓練 DRILL");
    }
    d->y += 48;
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
        rows_add(r, d->ja ? "報告先" : "Recipient", buf_cstr(b));
    if (m->stage_name_ja)
        rows_add(r, d->ja ? "報告先の段階" : "Stage for this recipient", m->stage_name_ja);
    rows_add(r, d->ja ? "事案ID" : "Incident ID",
             m->incident_id ? m->incident_id : (d->ja ? "未登録" : "not registered"));
    buf_reset(b);
    if (m->version > 0)
        buf_appendf(b, d->ja ? "第%d版" : "version %d", m->version);
    if (m->version_created_ms > 0) {
        render_ms_jst(m->version_created_ms, t, sizeof(t));
        buf_appendf(b, "%s%s%s", b->len ? " · " : "", d->ja ? "作成 " : "created ", t);
    }
    if (b->len)
        rows_add(r, d->ja ? "版" : "Version", buf_cstr(b));
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

static void render(struct rdraw *d)
{
    d->page = 0;
    rdraw_page_begin(d);
    title_block(d);
    basics(d);
    for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
        section(d, &sections[i]);
    rdraw_page_end(d);
}

/* ---- the surface ---- */

struct sink {
    struct buf *out;
    bool full;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *s = closure;
    if (s->full || buf_append(s->out, data, len)) {
        s->full = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* Counts the pages by laying the document out on a throwaway 1×1 surface. */
static int count_pages(struct rdraw *d)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    d->cr = cairo_create(img);
    d->pages = 0;
    render(d);
    cairo_destroy(d->cr);
    cairo_surface_destroy(img);
    d->cr = NULL;
    return d->page;
}

static void set_metadata(cairo_surface_t *pdf, const struct rdraw *d)
{
    char date[32], subject[200];
    struct buf title; /* not a fixed array: a cut name would end inside a character */
    int64_t created = render_created_ms(d->report, d->meta);
    buf_init(&title, BUF_UNLIMITED);
    buf_appendf(&title, "サイバーインシデント報告 — %s", render_org_name(d->report, d->ja));
    snprintf(subject, sizeof(subject), "%s %s v%d", d->ja ? "事案" : "incident",
             d->meta->incident_id ? d->meta->incident_id : "-", d->meta->version);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, buf_cstr(&title));
    buf_release(&title);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT, subject);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "ichigen " ICHIGEN_VERSION);
    /* the version's own time, never the clock: the same version gives the same bytes */
    rtime_format_utc(created, date, sizeof(date));
    date[19] = 'Z';
    date[20] = '\0';
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static int draw_pdf(struct rdraw *d, struct sink *s, struct err *e)
{
    cairo_surface_t *pdf;
    cairo_status_t st;
    pdf = cairo_pdf_surface_create_for_stream(sink_write, s, RP_W, RP_H);
    set_metadata(pdf, d);
    d->cr = cairo_create(pdf);
    render(d);
    st = cairo_status(d->cr);
    cairo_destroy(d->cr);
    d->cr = NULL;
    cairo_surface_finish(pdf);
    if (!st)
        st = cairo_surface_status(pdf);
    cairo_surface_destroy(pdf);
    if (s->full)
        return err_set(e, RENDER_EFULL, "the PDF exceeds the buffer's maximum (%zu bytes)",
                       s->out->max);
    if (st)
        return err_set(e, RENDER_ECAIRO, "cairo: %s", cairo_status_to_string(st));
    return RENDER_OK;
}

int render_pdf(const json_t *report, const struct render_meta *meta, struct buf *out, struct err *e)
{
    struct rdraw d = {.report = report, .meta = meta};
    struct sink s = {.out = out};
    int rc;
    if (!json_is_object(report) || !meta || !out)
        return err_set(e, RENDER_EINVALID, "render_pdf: the report must be a JSON object");
    d.ja = meta->ja;
    d.drill = json_is_true(jsonx_ptr_get((json_t *)report, "/envelope/drill"));
    d.tlp = render_str(report, "/confidentiality/tlp");
    if ((rc = rdraw_fonts_open(&d, e)))
        return rc;
    d.pages = count_pages(&d);
    rc = draw_pdf(&d, &s, e);
    rdraw_fonts_close(&d);
    return rc;
}
