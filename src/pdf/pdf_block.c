/*
 * pdf_block.c — the blocks documents are built from (pdf.h): section headings, and the
 * two-column label/value table whose rows wrap and flow across pages.
 */
#include "pdf.h"

double pdf_heading(struct pdf *p, const struct pdf_heading *h, const char *s)
{
    double w;
    pdf_font(p, h->size, true);
    pdf_rgb(p, PDF_NAVY);
    w = pdf_text(p, p->lay.margin, p->y + h->baseline, PDF_LEFT, s);
    pdf_hrule(p, p->y + 20, h->rule_w);
    p->y += h->advance;
    return w;
}

static void cell(struct pdf *p, double x, double pt, unsigned rgb, double baseline, const char *s)
{
    pdf_font(p, pt, false);
    pdf_rgb(p, rgb);
    pdf_text(p, x, p->y + baseline, PDF_LEFT, s);
}

void pdf_table_row(struct pdf *p, const struct pdf_table *t, const char *label, const char *value)
{
    const double value_x = p->lay.margin + t->label_w + t->gap;
    struct pdf_lines l = {0}, v = {0};
    size_t n;
    pdf_font(p, t->label_pt, false);
    pdf_wrap(p, label, t->label_w, &l);
    pdf_font(p, t->value_pt, false);
    pdf_wrap(p, value, pdf_content_w(p) - t->label_w - t->gap, &v);
    n = MAX(l.n, v.n);
    if (n * t->lead + 6 <= p->lay.bottom - p->lay.top && p->y + n * t->lead + 6 > p->lay.bottom)
        pdf_page_break(p); /* it fits on a page: keep it whole */
    for (size_t i = 0; i < n; i++) {
        if (p->y + t->lead > p->lay.bottom) {
            pdf_page_break(p);
            if (i >= l.n && l.n) /* say what the lines at the top of this page belong to */
                cell(p, p->lay.margin, t->label_pt, PDF_MUTED, t->baseline, t->continued);
        }
        if (i < l.n)
            cell(p, p->lay.margin, t->label_pt, PDF_MUTED, t->baseline, l.v[i]);
        if (i < v.n)
            cell(p, value_x, t->value_pt, PDF_INK, t->baseline, v.v[i]);
        p->y += t->lead;
    }
    p->y += 2.5;
    pdf_rgb(p, PDF_RULE);
    pdf_hrule(p, p->y, 0.3);
    p->y += 2.5;
    pdf_lines_release(&l);
    pdf_lines_release(&v);
}
