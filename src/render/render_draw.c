/*
 * render_draw.c — what every page of the report PDF repeats: the TLP badge, the drill banner,
 * the running header and the footer with the version's identity and page numbers. The
 * drawing itself (text, wrapping, the page flow) is src/pdf/'s.
 */
#include "render_int.h"

double rdraw_tlp_badge(struct rdraw *d, double x_right, double y, double size, const char *tlp)
{
    double pad = size * 0.55, w;
    pdf_font(&d->p, size, true);
    w = pdf_width(&d->p, tlp) + 2 * pad;
    pdf_rgb(&d->p, 0x000000u);
    pdf_rect(&d->p, x_right - w, y, w, size * 1.7);
    pdf_rgb(&d->p, render_tlp_rgb(tlp));
    pdf_text(&d->p, x_right - w + pad, y + size * 1.22, PDF_LEFT, tlp);
    return w;
}

static void drill_banner(struct rdraw *d)
{
    pdf_rgb(&d->p, PDF_WARN);
    pdf_rect(&d->p, 0, 0, PDF_A4_W, 20);
    pdf_rgb(&d->p, 0xffffffu);
    pdf_font(&d->p, 9, true);
    pdf_text(&d->p, RP_MARGIN, 14, PDF_LEFT,
             "訓練（演習）— この報告は訓練です。実際の事案ではありません。"
             " DRILL — this report is an exercise, not a real incident.");
}

static void footer(struct rdraw *d)
{
    const struct render_meta *m = d->meta;
    const double right = PDF_A4_W - RP_MARGIN, base = PDF_A4_H - 36;
    char line[256];
    pdf_rgb(&d->p, PDF_RULE);
    pdf_hrule(&d->p, PDF_A4_H - 48, 0.5);
    pdf_font(&d->p, 7, false);
    pdf_rgb(&d->p, PDF_MUTED);
    snprintf(line, sizeof(line), "%s %s · %s", d->ja ? "事案ID" : "Incident",
             m->incident_id ? m->incident_id : (d->ja ? "未登録" : "not registered"),
             d->ja ? "版" : "version");
    if (m->version > 0)
        snprintf(line + strlen(line), sizeof(line) - strlen(line), " %d", m->version);
    else
        snprintf(line + strlen(line), sizeof(line) - strlen(line), " —");
    pdf_text(&d->p, RP_MARGIN, base, PDF_LEFT, line);
    snprintf(line, sizeof(line), "SHA-256 %s", m->report_sha256 ? m->report_sha256 : "—");
    pdf_text(&d->p, RP_MARGIN, base + 10, PDF_LEFT, line);
    pdf_font(&d->p, 8, false);
    pdf_page_number(&d->p, right, base + 10, "%d / %d");
    if (d->tlp)
        rdraw_tlp_badge(d, right, base - 9, 6.5, d->tlp);
}

void rdraw_frame(struct pdf *p)
{
    struct rdraw *d = p->ctx;
    const double right = PDF_A4_W - RP_MARGIN;
    struct buf head; /* not a fixed array: a cut name would end inside a character */
    double badge = 0;
    if (d->drill)
        drill_banner(d);
    if (p->page > 1) { /* page 1 carries the label large, in the title block */
        if (d->tlp)
            badge = rdraw_tlp_badge(d, right, 26, 8, d->tlp);
        buf_init(&head, BUF_UNLIMITED);
        buf_appendf(&head, "%s — %s", render_org_name(d->report, d->ja),
                    d->ja ? "サイバーインシデント報告" : "Cyber incident report");
        pdf_font(p, 7.5, false);
        pdf_rgb(p, PDF_MUTED);
        cairo_save(p->cr);
        cairo_rectangle(p->cr, RP_MARGIN, 24, RP_CONTENT_W - badge - 12, 16);
        cairo_clip(p->cr);
        pdf_text(p, RP_MARGIN, 36, PDF_LEFT, buf_cstr(&head));
        cairo_restore(p->cr);
        buf_release(&head);
        pdf_rgb(p, PDF_RULE);
        pdf_hrule(p, 44, 0.5);
    }
    footer(d);
}
