/*
 * pdf_doc.c — the page flow (begin, end, break when the rest does not fit, page numbers) and
 * the document: two layout passes, the cairo PDF surface writing into a bounded buffer or a
 * file, and the document information (pdf.h).
 */
#include <cairo-pdf.h>

#include "pdf.h"
#include "../core/rtime.h"

/* ---- the page flow ---- */

double pdf_content_w(const struct pdf *p)
{
    return PDF_A4_W - 2 * p->lay.margin;
}

void pdf_page_begin(struct pdf *p)
{
    p->page++;
    p->y = p->lay.top;
    if (p->frame)
        p->frame(p);
}

void pdf_page_end(struct pdf *p)
{
    cairo_show_page(p->cr);
}

void pdf_page_break(struct pdf *p)
{
    pdf_page_end(p);
    pdf_page_begin(p);
}

void pdf_need(struct pdf *p, double h)
{
    if (p->y + h > p->lay.bottom)
        pdf_page_break(p);
}

double pdf_page_number(struct pdf *p, double x_right, double y, const char *fmt)
{
    char pg[64];
    snprintf(pg, sizeof(pg), fmt, p->page, p->pages);
    return pdf_text(p, x_right, y, PDF_RIGHT, pg);
}

/* ---- the document ---- */

/*
 * LeakSanitizer's built-in suppressions (read only in sanitizer builds; harmless otherwise).
 * Two leaks are the libraries', not ours: cairo 1.16's PDF font subsetting loses 768 bytes per
 * embedded CFF font per document inside cairo_surface_finish, and fontconfig keeps what it
 * allocated parsing its configuration (FcInitLoadConfigAndFonts) for the life of the process.
 * Both libraries are built without frame pointers, so LSan's stacks stop inside them and only
 * a whole-library match works. With ASAN_OPTIONS=fast_unwind_on_malloc=0 the full stacks
 * show that nothing else leaks (checked for every sample document). Every program that writes
 * a PDF links this file, so every one of them gets the list.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so\nleak:libfontconfig.so\n";
}

struct sink {
    struct buf *out;
    FILE *f;
    int failed; /* 0, PDF_EFULL or PDF_EIO */
    int write_errno;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *s = closure;
    if (s->failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (s->f && fwrite(data, 1, len, s->f) != len) {
        s->failed = PDF_EIO;
        s->write_errno = errno;
    } else if (!s->f && buf_append(s->out, data, len)) {
        s->failed = PDF_EFULL;
    }
    return s->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/*
 * Counts the pages by laying the document out on a throwaway 1×1 surface. The layout must
 * measure text exactly as the PDF surface will: an image surface's default font options hint
 * metrics (advances rounded to whole device units — one line of 8.8 pt text measures 951 pt
 * instead of 959.8 pt), which wraps lines differently and can count pages that are not drawn,
 * so the footer would say "4 / 5" on the last page. A PDF surface neither hints nor rounds.
 */
static int count_pages(struct pdf *p, pdf_draw_fn draw)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_font_options_t *opts = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    p->cr = cairo_create(img);
    cairo_set_font_options(p->cr, opts);
    cairo_font_options_destroy(opts);
    p->pages = 0;
    p->page = 0;
    draw(p);
    cairo_destroy(p->cr);
    cairo_surface_destroy(img);
    p->cr = NULL;
    return p->page;
}

static void set_info(cairo_surface_t *pdf, const struct pdf_info *info)
{
    char date[32];
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, info->title);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT, info->subject);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "ichigen " ICHIGEN_VERSION);
    if (info->dated && !rtime_format_utc(info->date_ms, date, sizeof(date))) {
        date[19] = 'Z'; /* cairo takes ISO 8601 without fractions of a second */
        date[20] = '\0';
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date);
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, date);
    }
}

static int draw_pdf(struct pdf *p, pdf_draw_fn draw, const struct pdf_info *info, struct sink *s,
                    struct err *e)
{
    cairo_surface_t *pdf;
    cairo_status_t st;
    pdf = cairo_pdf_surface_create_for_stream(sink_write, s, PDF_A4_W, PDF_A4_H);
    set_info(pdf, info);
    p->cr = cairo_create(pdf);
    p->page = 0;
    draw(p);
    st = cairo_status(p->cr);
    cairo_destroy(p->cr);
    p->cr = NULL;
    cairo_surface_finish(pdf);
    if (!st)
        st = cairo_surface_status(pdf);
    cairo_surface_destroy(pdf);
    if (s->failed == PDF_EFULL)
        return err_set(e, PDF_EFULL, "the PDF exceeds the buffer's maximum (%zu bytes)",
                       s->out->max);
    if (s->failed)
        return err_set(e, PDF_EIO, "cannot write the PDF: %s", strerror(s->write_errno));
    if (st)
        return err_set(e, PDF_ECAIRO, "cairo: %s", cairo_status_to_string(st));
    return PDF_OK;
}

int pdf_doc_write(struct pdf *p, pdf_draw_fn draw, const struct pdf_info *info, const char *path,
                  struct buf *out, struct err *e)
{
    struct sink s = {.out = out};
    int rc;
    BUG_ON(!path && !out);
    if ((rc = pdf_fonts_open(&p->fonts, e)))
        return rc;
    p->pages = count_pages(p, draw);
    if (path && !(s.f = fopen(path, "wb"))) {
        rc = err_set(e, PDF_EIO, "cannot create %s: %s", path, strerror(errno));
        goto out;
    }
    rc = draw_pdf(p, draw, info, &s, e);
    if (s.f && fclose(s.f) && !rc)
        rc = err_set(e, PDF_EIO, "cannot write %s: %s", path, strerror(errno));
out:
    pdf_fonts_close(&p->fonts);
    return rc;
}
