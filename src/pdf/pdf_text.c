/*
 * pdf_text.c — colours, fonts, single text runs (aligned, or fitted into a width by shrinking
 * and then cutting with "…" between whole characters) and the two shapes every page draws,
 * lines and filled rectangles (pdf.h).
 */
#include "pdf.h"

void pdf_rgb(struct pdf *p, unsigned rgb)
{
    pdf_rgba(p, rgb, 1.0);
}

void pdf_rgba(struct pdf *p, unsigned rgb, double alpha)
{
    cairo_set_source_rgba(p->cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                          (rgb & 0xff) / 255.0, alpha);
}

void pdf_font(struct pdf *p, double size, bool bold)
{
    cairo_set_font_face(p->cr, bold ? p->fonts.bold : p->fonts.regular);
    cairo_set_font_size(p->cr, size);
}

double pdf_width(struct pdf *p, const char *s)
{
    cairo_text_extents_t ext;
    cairo_text_extents(p->cr, s, &ext);
    return ext.x_advance;
}

double pdf_text(struct pdf *p, double x, double y, enum pdf_align al, const char *s)
{
    double w = pdf_width(p, s);
    if (al == PDF_CENTER)
        x -= w / 2;
    else if (al == PDF_RIGHT)
        x -= w;
    cairo_move_to(p->cr, x, y);
    cairo_show_text(p->cr, s);
    return w;
}

/* s[0..n) followed by "…", in b (reset first). */
static const char *with_ellipsis(struct buf *b, const char *s, size_t n)
{
    buf_reset(b);
    buf_append(b, s, n);
    buf_puts(b, "…");
    return buf_cstr(b);
}

size_t pdf_fit_cut(struct pdf *p, const char *s, double max_w)
{
    struct buf b;
    size_t n = strlen(s);
    buf_init(&b, BUF_UNLIMITED);
    /* drop whole code points from the end (never a continuation byte 10xxxxxx on its own)
     * until the rest and the ellipsis fit */
    while (n > 0) {
        n--;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        if (pdf_width(p, with_ellipsis(&b, s, n)) <= max_w)
            break;
    }
    buf_release(&b);
    return n;
}

double pdf_text_fit(struct pdf *p, double x, double y, enum pdf_align al, double max_w,
                    const char *s)
{
    cairo_matrix_t m;
    double size, w = pdf_width(p, s);
    struct buf b;
    if (w <= max_w)
        return pdf_text(p, x, y, al, s);
    cairo_get_font_matrix(p->cr, &m);
    size = m.yy;
    if (w * 0.8 <= max_w) {
        cairo_set_font_size(p->cr, size * max_w / w);
        w = pdf_text(p, x, y, al, s);
        cairo_set_font_size(p->cr, size);
        return w;
    }
    cairo_set_font_size(p->cr, size * 0.8);
    buf_init(&b, BUF_UNLIMITED);
    w = pdf_text(p, x, y, al, with_ellipsis(&b, s, pdf_fit_cut(p, s, max_w)));
    buf_release(&b);
    cairo_set_font_size(p->cr, size);
    return w;
}

void pdf_line(struct pdf *p, double x0, double y0, double x1, double y1, double w)
{
    cairo_set_line_width(p->cr, w);
    cairo_move_to(p->cr, x0, y0);
    cairo_line_to(p->cr, x1, y1);
    cairo_stroke(p->cr);
}

void pdf_hrule(struct pdf *p, double y, double w)
{
    pdf_line(p, p->lay.margin, y, PDF_A4_W - p->lay.margin, y, w);
}

void pdf_rect(struct pdf *p, double x, double y, double w, double h)
{
    cairo_rectangle(p->cr, x, y, w, h);
    cairo_fill(p->cr);
}
