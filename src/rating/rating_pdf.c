/*
 * rating_pdf.c — the order of the rating PDF's pages, its last section (method and caveats)
 * and the document's information; src/pdf/ draws and writes it.
 *
 * Pages (A4 portrait): 1 title block, summary figures and the radar chart; 2 function and
 * category scores with the gap list; 3 risk figures, the loss exceedance curve and the
 * scenarios; 4 the scenarios' inputs, then method and caveats. Without a simulation, page 3
 * holds a notice saying so and the method (3 pages). pdf_doc_write lays the pages out twice —
 * to count them for the "n / total" footer, then to draw them — so no page-count arithmetic
 * can drift from what is drawn.
 */
#include <math.h>

#include "rating_int.h"
#include "../core/rtime.h"

/* ---- method and caveats ---- */

static void method_section(struct rating_draw *d, const char *head, const char *body)
{
    int lines;
    pdf_font(&d->p, 8.8, false);
    lines = (int)pdf_wrap_count(&d->p, RATING_CONTENT_W, body);
    pdf_need(&d->p, 20 + 13.5 * lines + 10);
    pdf_font(&d->p, 10, true);
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_text(&d->p, RATING_MARGIN, d->p.y + 10, PDF_LEFT, head);
    pdf_font(&d->p, 8.8, false);
    pdf_rgb(&d->p, PDF_INK);
    d->p.y = pdf_wrap_draw(&d->p, RATING_MARGIN, d->p.y + 26, RATING_CONTENT_W, 13.5, body, 0) + 14;
}

static void method(struct rating_draw *d)
{
    const json_t *a = json_object_get(d->doc, "assessment");
    const json_t *p = rating_doc_peers(d), *r = rating_doc_risk(d);
    char text[1600], pct[16], fw[160], group[320], n[32], k[32], years[32], seed[32];
    pdf_need(&d->p, 120);
    pdf_heading(&d->p, &rating_h2, d->t->method_title);
    if (!strcmp(rating_str(a, "framework"), "nist-csf-2.0")) {
        method_section(d, d->t->m_framework_h, d->t->m_framework);
    } else if (!strcmp(rating_str(a, "framework"), "sme-quick-check")) {
        method_section(d, d->t->m_framework_h, d->t->m_framework_sme);
    } else {
        rating_framework_label(a, d->ja, fw, sizeof(fw));
        snprintf(text, sizeof(text), d->t->m_framework_other_fmt, fw);
        method_section(d, d->t->m_framework_h, text);
    }
    snprintf(pct, sizeof(pct), "%.0f%%",
             rating_num(json_object_get(a, "overall"), "completeness") * 100);
    snprintf(text, sizeof(text), d->t->m_scoring_fmt, rating_str(a, "method"), pct);
    method_section(d, d->t->m_scoring_h, text);
    method_section(d, d->t->m_tier_h, d->t->m_tier);
    if (p) {
        rating_peer_group(p, d->ja, group, sizeof(group));
        rating_format_int(rating_num(p, "n"), n, sizeof(n));
        rating_format_int(isfinite(rating_num(p, "k")) ? rating_num(p, "k") : 5, k, sizeof(k));
        snprintf(text, sizeof(text), d->t->m_peers_fmt, group, n, k);
    }
    method_section(d, d->t->m_peers_h, p ? text : d->t->m_no_peers);
    if (r) {
        rating_format_int(rating_num(r, "years"), years, sizeof(years));
        snprintf(seed, sizeof(seed), "%llu", /* risk seeds are uint64 */
                 (unsigned long long)json_integer_value(json_object_get(r, "seed")));
        snprintf(text, sizeof(text), d->t->m_risk_fmt, years, seed);
    }
    method_section(d, d->t->m_risk_h, r ? text : d->t->m_no_risk);
    method_section(d, d->t->m_caveats_h, d->t->m_caveats);
}

static void draw(struct pdf *p)
{
    struct rating_draw *d = p->ctx;
    const json_t *risk = rating_doc_risk(d);
    rating_page_summary(d);
    rating_page_scores(d);
    if (risk)
        rating_page_risk(d, risk);
    pdf_page_begin(p);
    if (risk)
        rating_risk_inputs(d, risk);
    else
        rating_no_risk_notice(d);
    method(d);
    pdf_page_end(p);
}

/* ---- the document ---- */

_Static_assert((int)RATING_EFONT == (int)PDF_EFONT && (int)RATING_EIO == (int)PDF_EIO &&
                   (int)RATING_EFULL == (int)PDF_EFULL && (int)RATING_ECAIRO == (int)PDF_ECAIRO,
               "rating_pdf returns pdf_doc_write's codes as they are");

int rating_pdf(const json_t *rating, const char *path, struct buf *out, struct err *e)
{
    struct rating_draw d = {.p = {.lay = {RATING_MARGIN, RATING_TOP, RATING_BOTTOM}}};
    struct pdf_info info = {0};
    struct rtime_parsed t;
    struct verr_list errs;
    const char *gen;
    char title[400];
    int rc;
    verr_list_init(&errs, 8);
    if (rating_validate(rating, &errs)) {
        rc = err_set(e, RATING_EINVALID, "invalid rating document: %s%s",
                     errs.n ? errs.v[0].en : "?", errs.n + errs.dropped > 1 ? " (and more)" : "");
        verr_list_release(&errs);
        return rc;
    }
    verr_list_release(&errs);
    BUG_ON(!path && !out);
    d.doc = rating;
    d.ja = !strcmp(rating_str(rating, "language"), "ja");
    d.t = rating_text_for(d.ja);
    d.p.frame = rating_frame;
    d.p.ctx = &d;
    snprintf(title, sizeof(title), "%s — %s", d.t->doc_kind, rating_org_name(rating, d.ja, false));
    info.title = title;
    info.subject = d.t->self_assessment;
    /* the document's own time, so that the same rating gives the same bytes */
    gen = rating_str(rating, "generated_at");
    info.dated = !rtime_parse_rfc3339(gen, strlen(gen), &t);
    info.date_ms = info.dated ? t.ms : 0;
    return pdf_doc_write(&d.p, draw, &info, path, out, e);
}
