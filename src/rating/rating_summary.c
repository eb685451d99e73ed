/*
 * rating_summary.c — page 1 of the rating PDF: the title block (organisation, dates,
 * framework, the self-assessment badge), three summary cards (overall score, peer
 * comparison, mean annual loss) and the radar chart with its legend.
 */
#include <math.h>

#include "rating_int.h"

static void title_band(struct rating_draw *d)
{
    const char *other = rating_org_name(d->doc, d->ja, true);
    const char *name = rating_org_name(d->doc, d->ja, false);
    double bw, y = 92;
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_rect(&d->p, 0, 0, PDF_A4_W, 150);
    pdf_font(&d->p, 10, false);
    pdf_rgba(&d->p, 0xffffff, 0.85);
    pdf_text(&d->p, RATING_MARGIN, 46, PDF_LEFT, d->t->doc_kind);
    /* the self-assessment badge: readers must not take this for an audit */
    pdf_font(&d->p, 9.5, true);
    bw = pdf_width(&d->p, d->t->self_assessment) + 18;
    pdf_rgb(&d->p, 0xf2c14e);
    cairo_rectangle(d->p.cr, PDF_A4_W - RATING_MARGIN - bw, 32, bw, 20);
    cairo_fill(d->p.cr);
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_text(&d->p, PDF_A4_W - RATING_MARGIN - bw / 2, 46, PDF_CENTER, d->t->self_assessment);
    /* the name is the report's title: never cut it if it can be wrapped onto two lines */
    pdf_font(&d->p, 22, true);
    pdf_rgb(&d->p, 0xffffff);
    if (pdf_width(&d->p, name) <= RATING_CONTENT_W) {
        pdf_text(&d->p, RATING_MARGIN, 92, PDF_LEFT, name);
    } else {
        pdf_font(&d->p, 17, true);
        y = pdf_wrap_draw(&d->p, RATING_MARGIN, 82, RATING_CONTENT_W, 21, name, 2) + 3;
    }
    if (*other) {
        pdf_font(&d->p, 11.5, false);
        pdf_rgba(&d->p, 0xffffff, 0.85);
        pdf_text_fit(&d->p, RATING_MARGIN, y + 24, PDF_LEFT, RATING_CONTENT_W, other);
    }
}

static void meta_pair(struct rating_draw *d, double x, double y, const char *label,
                      const char *value, double w)
{
    pdf_font(&d->p, 7.5, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, x, y, PDF_LEFT, label);
    pdf_font(&d->p, 9.5, false);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text_fit(&d->p, x, y + 13, PDF_LEFT, w, value);
}

static void meta_block(struct rating_draw *d)
{
    const json_t *a = json_object_get(d->doc, "assessment");
    const json_t *org = json_object_get(d->doc, "organization");
    const double col = RATING_CONTENT_W / 3;
    char date[48], v[320], fw[128];
    double y = 176;
    rating_date_jst(rating_str(d->doc, "generated_at"), d->ja, date, sizeof(date));
    snprintf(v, sizeof(v), "%s (%s)", date, d->t->jst);
    meta_pair(d, RATING_MARGIN, y, d->t->generated, v, col - 10);
    rating_date_jst(rating_str(a, "submitted_at"), d->ja, date, sizeof(date));
    meta_pair(d, RATING_MARGIN + col, y, d->t->submitted, date, col - 10);
    rating_framework_label(a, d->ja, fw, sizeof(fw));
    meta_pair(d, RATING_MARGIN + 2 * col, y, d->t->framework, fw, col - 10);
    y += 34;
    snprintf(v, sizeof(v), "%s%s%s", rating_sector_label(rating_str(org, "sector"), d->ja),
             *rating_str(org, "sector") && *rating_str(org, "size_band") ? " / " : "",
             rating_size_label(rating_str(org, "size_band"), d->ja));
    meta_pair(d, RATING_MARGIN, y, d->t->sector_size, *v ? v : "—", col - 10);
    meta_pair(d, RATING_MARGIN + col, y, d->t->assessment_id, rating_str(a, "id"), 2 * col - 10);
    y += 30;
    pdf_rgb(&d->p, 0xfff7e0);
    pdf_rect(&d->p, RATING_MARGIN, y, RATING_CONTENT_W, 24);
    pdf_rgb(&d->p, 0xf2c14e);
    pdf_rect(&d->p, RATING_MARGIN, y, 3, 24);
    pdf_font(&d->p, 8.5, false);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text_fit(&d->p, RATING_MARGIN + 10, y + 15.5, PDF_LEFT, RATING_CONTENT_W - 16,
                 d->t->self_assessment_note);
    d->p.y = y + 40;
}

/* A summary card: label, a big figure with an optional small suffix, two detail lines. */
static void card(struct rating_draw *d, double x, double w, const char *label, const char *big,
                 const char *suffix, const char *line1, const char *line2, unsigned accent)
{
    double y = d->p.y, bw;
    pdf_rgb(&d->p, PDF_FAINT);
    pdf_rect(&d->p, x, y, w, 84);
    pdf_rgb(&d->p, accent);
    pdf_rect(&d->p, x, y, w, 3);
    pdf_font(&d->p, 8, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text_fit(&d->p, x + 10, y + 18, PDF_LEFT, w - 20, label);
    pdf_font(&d->p, big[0] && strlen(big) > 8 ? 17 : 22, true);
    pdf_rgb(&d->p, accent);
    bw = pdf_text_fit(&d->p, x + 10, y + 44, PDF_LEFT, w - 20, big);
    if (suffix) {
        pdf_font(&d->p, 10, false);
        pdf_rgb(&d->p, PDF_MUTED);
        pdf_text(&d->p, x + 12 + bw, y + 44, PDF_LEFT, suffix);
    }
    pdf_font(&d->p, 8, false);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text_fit(&d->p, x + 10, y + 60, PDF_LEFT, w - 20, line1);
    pdf_text_fit(&d->p, x + 10, y + 73, PDF_LEFT, w - 20, line2);
}

static void card_overall(struct rating_draw *d, double x, double w)
{
    const json_t *ov = json_object_get(json_object_get(d->doc, "assessment"), "overall");
    char big[16], l1[96], l2[96], pct[16];
    int tier = (int)rating_num(ov, "tier");
    rating_fmt_score(rating_num(ov, "score"), big, sizeof(big));
    snprintf(l1, sizeof(l1), "%s %d  %s", d->t->tier, tier, rating_tier_name(tier, d->ja));
    snprintf(pct, sizeof(pct), "%.0f%%", rating_num(ov, "completeness") * 100);
    snprintf(l2, sizeof(l2), "%s %s", d->t->completeness, pct);
    card(d, x, w, d->t->overall, big, "/ 4", l1, l2, RC_SELF);
}

static void card_peers(struct rating_draw *d, double x, double w)
{
    const json_t *p = rating_doc_peers(d);
    const json_t *ov = json_object_get(p, "overall");
    char big[16], label[96], l1[96], l2[320], n[32];
    if (!p) {
        card(d, x, w, d->t->peer_card, d->t->no_peers_short, NULL, "", "", PDF_MUTED);
        return;
    }
    rating_fmt_score(rating_num(ov, "average"), big, sizeof(big));
    rating_format_int(rating_num(p, "n"), n, sizeof(n));
    snprintf(label, sizeof(label), "%s (n = %s)", d->t->peer_avg, n);
    if (isfinite(rating_num(ov, "percentile")))
        snprintf(l1, sizeof(l1), "%s %.0f", d->t->percentile, rating_num(ov, "percentile"));
    else
        snprintf(l1, sizeof(l1), "%s —", d->t->percentile);
    rating_peer_group(p, d->ja, l2, sizeof(l2));
    card(d, x, w, label, big, "/ 4", l1, l2, RC_PEER);
}

static void card_risk(struct rating_draw *d, double x, double w)
{
    const json_t *r = rating_doc_risk(d);
    const json_t *port = json_object_get(r, "portfolio");
    const json_t *ex = json_object_get(port, "exceedance");
    char big[48], l1[96], l2[96], a[48], p[16];
    if (!r) {
        card(d, x, w, d->t->risk_card, d->t->no_risk_short, NULL, "", "", PDF_MUTED);
        return;
    }
    rating_format_yen_short(rating_num(port, "mean"), d->ja, big, sizeof(big));
    rating_format_yen_short(rating_num(port, "p95"), d->ja, a, sizeof(a));
    snprintf(l1, sizeof(l1), "P95  %s", a);
    l2[0] = '\0';
    if (json_array_size(ex) > 0) { /* the middle threshold is usually the one insurers ask */
        const json_t *e = json_array_get(ex, json_array_size(ex) / 2);
        rating_format_yen_short(rating_num(e, "threshold"), d->ja, a, sizeof(a));
        rating_percent(rating_num(e, "probability"), p, sizeof(p));
        snprintf(l2, sizeof(l2), "P(> %s)  %s", a, p);
    }
    card(d, x, w, d->t->risk_card, big, NULL, l1, l2, PDF_NAVY);
}

static void radar_legend(struct rating_draw *d, double y)
{
    static const double dash[] = {4.0, 2.5};
    const json_t *p = rating_doc_peers(d);
    char peer[400], group[320], n[32];
    double w1, w2, x;
    pdf_font(&d->p, 8.5, false);
    if (!p) {
        pdf_rgb(&d->p, PDF_MUTED);
        pdf_text_fit(&d->p, PDF_A4_W / 2, y, PDF_CENTER, RATING_CONTENT_W, d->t->radar_no_peers);
        return;
    }
    rating_peer_group(p, d->ja, group, sizeof(group));
    rating_format_int(rating_num(p, "n"), n, sizeof(n));
    snprintf(peer, sizeof(peer), d->t->radar_peer_fmt, group, n);
    w1 = pdf_width(&d->p, d->t->radar_self);
    w2 = MIN(pdf_width(&d->p, peer), RATING_CONTENT_W - w1 - 70);
    x = PDF_A4_W / 2 - (w1 + w2 + 70) / 2;
    pdf_rgb(&d->p, RC_SELF);
    pdf_line(&d->p, x, y - 3, x + 18, y - 3, 2.0);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text(&d->p, x + 24, y, PDF_LEFT, d->t->radar_self);
    x += 24 + w1 + 22;
    pdf_rgb(&d->p, RC_PEER);
    cairo_set_dash(d->p.cr, dash, 2, 0);
    pdf_line(&d->p, x, y - 3, x + 18, y - 3, 1.4);
    cairo_set_dash(d->p.cr, NULL, 0, 0);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text_fit(&d->p, x + 24, y, PDF_LEFT, w2, peer);
}

void rating_page_summary(struct rating_draw *d)
{
    const double gap = 12, w = (RATING_CONTENT_W - 2 * gap) / 3;
    char title[160], fw[128];
    pdf_page_begin(&d->p);
    title_band(d);
    meta_block(d);
    card_overall(d, RATING_MARGIN, w);
    card_peers(d, RATING_MARGIN + w + gap, w);
    card_risk(d, RATING_MARGIN + 2 * (w + gap), w);
    d->p.y += 104;
    rating_framework_label(json_object_get(d->doc, "assessment"), d->ja, fw, sizeof(fw));
    snprintf(title, sizeof(title), "%s (%s)", d->t->radar_title, fw);
    pdf_heading(&d->p, &rating_h2, title);
    rating_radar(d, PDF_A4_W / 2, d->p.y + 164, 128, json_object_get(d->doc, "assessment"),
                 rating_doc_peers(d));
    radar_legend(d, d->p.y + 346);
    pdf_page_end(&d->p);
}
