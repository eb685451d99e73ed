/*
 * rating_pdf.c — the order of the rating PDF's pages, its last section (method and caveats)
 * and the cairo PDF surface everything is drawn on.
 *
 * Pages (A4 portrait): 1 title block, summary figures and the radar chart; 2 function and
 * category scores with the gap list; 3 risk figures, the loss exceedance curve and the
 * scenarios; 4 the scenarios' inputs, then method and caveats. Without a simulation, page 3
 * holds a notice saying so and the method (3 pages). The layout runs twice — once on a 1×1 image
 * surface to count the pages for the "n / total" footer, once on the PDF surface — so no page-count
 * arithmetic can drift from what is drawn.
 */
#include <math.h>

#include <cairo-pdf.h>

#include "rating_int.h"
#include "../core/rtime.h"

/* ---- method and caveats ---- */

static void method_section(struct rating_draw *d, const char *head, const char *body)
{
    int lines;
    rating_font(d, 8.8, false);
    lines = rating_wrap_lines(d, RATING_CONTENT_W, body);
    rating_need(d, 20 + 13.5 * lines + 10);
    rating_font(d, 10, true);
    rating_rgb(d, RC_NAVY);
    rating_text(d, RATING_MARGIN, d->y + 10, RA_LEFT, head);
    rating_font(d, 8.8, false);
    rating_rgb(d, RC_INK);
    d->y = rating_wrap(d, RATING_MARGIN, d->y + 26, RATING_CONTENT_W, 13.5, body) + 14;
}

static void method(struct rating_draw *d)
{
    const json_t *a = json_object_get(d->doc, "assessment");
    const json_t *p = rating_doc_peers(d), *r = rating_doc_risk(d);
    char text[1600], pct[16], fw[160], group[320], n[32], k[32], years[32], seed[32];
    rating_need(d, 120);
    rating_heading(d, d->t->method_title);
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

static void render(struct rating_draw *d)
{
    const json_t *risk = rating_doc_risk(d);
    d->page = 0;
    rating_page_summary(d);
    rating_page_scores(d);
    if (risk)
        rating_page_risk(d, risk);
    rating_page_begin(d);
    if (risk)
        rating_risk_inputs(d, risk);
    else
        rating_no_risk_notice(d);
    method(d);
    rating_page_end(d);
}

/* ---- the surface ---- */

/*
 * LeakSanitizer's built-in suppressions (read only in sanitizer builds; harmless otherwise).
 * Two leaks are the libraries', not ours: cairo 1.16's PDF font subsetting loses 768 bytes per
 * embedded CFF font per document inside cairo_surface_finish, and fontconfig keeps what it
 * allocated parsing its configuration (FcInitLoadConfigAndFonts) for the life of the process.
 * Both libraries are built without frame pointers, so LSan's stacks stop inside them and only
 * a whole-library match works. With ASAN_OPTIONS=fast_unwind_on_malloc=0 the full stacks
 * show that nothing else leaks (checked for every sample document).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so\nleak:libfontconfig.so\n";
}

struct sink {
    struct buf *out;
    FILE *f;
    int failed; /* 0 or RATING_EFULL / RATING_EIO */
    int write_errno;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *s = closure;
    if (s->failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (s->f && fwrite(data, 1, len, s->f) != len) {
        s->failed = RATING_EIO;
        s->write_errno = errno;
    } else if (!s->f && buf_append(s->out, data, len))
        s->failed = RATING_EFULL;
    return s->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Counts the pages by laying the document out on a throwaway 1×1 surface. */
static int count_pages(struct rating_draw *d)
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

static void set_metadata(cairo_surface_t *pdf, const struct rating_draw *d)
{
    struct rtime_parsed t;
    const char *gen = rating_str(d->doc, "generated_at");
    char date[32], title[400];
    snprintf(title, sizeof(title), "%s — %s", d->t->doc_kind,
             rating_org_name(d->doc, d->ja, false));
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT, d->t->self_assessment);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "ichigen " ICHIGEN_VERSION);
    /* the document's own time, so that the same rating gives the same bytes */
    if (!rtime_parse_rfc3339(gen, strlen(gen), &t) && !rtime_format_utc(t.ms, date, sizeof(date))) {
        date[19] = 'Z';
        date[20] = '\0';
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date);
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, date);
    }
}

static int draw_pdf(struct rating_draw *d, struct sink *s, struct err *e)
{
    cairo_surface_t *pdf;
    cairo_status_t st;
    pdf = cairo_pdf_surface_create_for_stream(sink_write, s, RATING_PAGE_W, RATING_PAGE_H);
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
    if (s->failed == RATING_EFULL)
        return err_set(e, RATING_EFULL, "the PDF exceeds the buffer's maximum (%zu bytes)",
                       s->out->max);
    if (s->failed)
        return err_set(e, RATING_EIO, "cannot write the PDF: %s", strerror(s->write_errno));
    if (st)
        return err_set(e, RATING_ECAIRO, "cairo: %s", cairo_status_to_string(st));
    return RATING_OK;
}

int rating_pdf(const json_t *rating, const char *path, struct buf *out, struct err *e)
{
    struct rating_draw d = {0};
    struct sink s = {.out = out};
    struct verr_list errs;
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
    if ((rc = rating_fonts_open(&d, e)))
        return rc;
    d.pages = count_pages(&d);
    if (path && !(s.f = fopen(path, "wb"))) {
        rc = err_set(e, RATING_EIO, "cannot create %s: %s", path, strerror(errno));
        goto out;
    }
    rc = draw_pdf(&d, &s, e);
    if (s.f && fclose(s.f) && !rc)
        rc = err_set(e, RATING_EIO, "cannot write %s: %s", path, strerror(errno));
out:
    rating_fonts_close(&d);
    return rc;
}
