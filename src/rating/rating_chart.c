/*
 * rating_chart.c — the two charts of the rating PDF: the radar of the six CSF function scores
 * against the peer average (the chart insurers are used to from self-assessment tools, seed
 * proposal "Peer Group Cyber Maturity Rating"), and the loss exceedance curve of the FAIR
 * simulation (log-scale loss axis in yen, probability of exceeding 0–100 %).
 */
#include <math.h>

#include "rating_int.h"

/* ---- radar ---- */

static void radar_point(double cx, double cy, double r, int i, double score, double *x, double *y)
{
    double a = -M_PI / 2 + i * 2 * M_PI / RATING_FUNCTIONS;
    double k = isfinite(score) ? score / 4.0 : 0;
    *x = cx + r * k * cos(a);
    *y = cy + r * k * sin(a);
}

static void radar_path(struct rating_draw *d, double cx, double cy, double r,
                       const double v[RATING_FUNCTIONS])
{
    double x, y;
    for (int i = 0; i < RATING_FUNCTIONS; i++) {
        radar_point(cx, cy, r, i, v[i], &x, &y);
        if (i == 0)
            cairo_move_to(d->p.cr, x, y);
        else
            cairo_line_to(d->p.cr, x, y);
    }
    cairo_close_path(d->p.cr);
}

static void radar_grid(struct rating_draw *d, double cx, double cy, double r)
{
    double ring[RATING_FUNCTIONS], x, y;
    char lbl[8];
    for (int level = 4; level >= 1; level--) {
        for (int i = 0; i < RATING_FUNCTIONS; i++)
            ring[i] = level;
        radar_path(d, cx, cy, r, ring);
        if (level == 4) {
            pdf_rgb(&d->p, 0xf6f8fb);
            cairo_fill_preserve(d->p.cr);
        }
        pdf_rgb(&d->p, level == 4 ? 0x9aa5b4 : PDF_RULE);
        cairo_set_line_width(d->p.cr, level == 4 ? 0.9 : 0.5);
        cairo_stroke(d->p.cr);
    }
    pdf_rgb(&d->p, PDF_RULE);
    for (int i = 0; i < RATING_FUNCTIONS; i++) {
        radar_point(cx, cy, r, i, 4, &x, &y);
        pdf_line(&d->p, cx, cy, x, y, 0.5);
    }
    pdf_font(&d->p, 7, false);
    pdf_rgb(&d->p, PDF_MUTED);
    for (int level = 0; level <= 4; level++) {
        snprintf(lbl, sizeof(lbl), "%d", level);
        pdf_text(&d->p, cx + 4, cy - r * level / 4.0 + (level ? 9 : -3), PDF_LEFT, lbl);
    }
}

/* One series. With all six values it is a filled polygon; a missing value (nothing answered,
 * or fewer than k peers) is not drawn as 0: only the edges between known values are stroked,
 * unfilled, and the label says why the point is missing. */
static void radar_series(struct rating_draw *d, double cx, double cy, double r,
                         const double v[RATING_FUNCTIONS], unsigned rgb, bool dashed)
{
    static const double dash[] = {4.0, 2.5};
    double x, y, x1, y1;
    bool complete = true;
    for (int i = 0; i < RATING_FUNCTIONS; i++)
        complete = complete && isfinite(v[i]);
    if (complete) {
        radar_path(d, cx, cy, r, v);
        pdf_rgba(&d->p, rgb, dashed ? 0.08 : 0.20);
        cairo_fill(d->p.cr);
    }
    pdf_rgb(&d->p, rgb);
    cairo_set_line_width(d->p.cr, dashed ? 1.4 : 2.0);
    cairo_set_line_join(d->p.cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(d->p.cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_dash(d->p.cr, dash, dashed ? 2 : 0, 0);
    for (int i = 0; i < RATING_FUNCTIONS; i++) {
        int j = (i + 1) % RATING_FUNCTIONS;
        if (!isfinite(v[i]) || !isfinite(v[j]))
            continue;
        radar_point(cx, cy, r, i, v[i], &x, &y);
        radar_point(cx, cy, r, j, v[j], &x1, &y1);
        cairo_move_to(d->p.cr, x, y);
        cairo_line_to(d->p.cr, x1, y1);
    }
    cairo_stroke(d->p.cr);
    cairo_set_dash(d->p.cr, NULL, 0, 0);
    for (int i = 0; i < RATING_FUNCTIONS; i++) {
        if (!isfinite(v[i]))
            continue;
        radar_point(cx, cy, r, i, v[i], &x, &y);
        cairo_arc(d->p.cr, x, y, dashed ? 1.8 : 2.6, 0, 2 * M_PI);
        cairo_fill(d->p.cr);
    }
}

/* The label block of axis i: "統治 GV" and "2.43 | 2.61" placed outside the ring. */
static void radar_label(struct rating_draw *d, double cx, double cy, double r, int i, double self,
                        double peer, bool has_peers)
{
    double a = -M_PI / 2 + i * 2 * M_PI / RATING_FUNCTIONS;
    double x = cx + (r + 12) * cos(a), y = cy + (r + 12) * sin(a);
    double c = cos(a), s = sin(a), w1, w2, wsep = 0, x0;
    enum pdf_align al = c > 0.3 ? PDF_LEFT : c < -0.3 ? PDF_RIGHT : PDF_CENTER;
    char name[64], v1[16], v2[16];
    const char *sep = "  |  ";
    snprintf(name, sizeof(name), "%s %s", d->ja ? rating_functions[i].ja : rating_functions[i].en,
             rating_functions[i].id);
    if (isfinite(self))
        snprintf(v1, sizeof(v1), "%.2f", self);
    else
        snprintf(v1, sizeof(v1), "%s", d->t->radar_unanswered);
    snprintf(v2, sizeof(v2), isfinite(peer) ? "%.2f" : "—", peer);
    /* two lines; above the point at the top, below it at the bottom, centred on the sides */
    double base = s < -0.9 ? y - 14 : s > 0.9 ? y + 10 : y - 2;
    pdf_font(&d->p, 9.5, true);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text(&d->p, x, base, al, name);
    pdf_font(&d->p, 9, true);
    w1 = pdf_width(&d->p, v1);
    pdf_font(&d->p, 9, false);
    w2 = has_peers ? pdf_width(&d->p, v2) : 0;
    wsep = has_peers ? pdf_width(&d->p, sep) : 0;
    x0 = al == PDF_LEFT ? x : al == PDF_RIGHT ? x - (w1 + wsep + w2) : x - (w1 + wsep + w2) / 2;
    pdf_font(&d->p, 9, true);
    pdf_rgb(&d->p, isfinite(self) ? RC_SELF : PDF_MUTED);
    pdf_text(&d->p, x0, base + 12, PDF_LEFT, v1);
    if (!has_peers)
        return;
    pdf_font(&d->p, 9, false);
    pdf_rgb(&d->p, PDF_RULE);
    pdf_text(&d->p, x0 + w1, base + 12, PDF_LEFT, sep);
    pdf_rgb(&d->p, RC_PEER);
    pdf_text(&d->p, x0 + w1 + wsep, base + 12, PDF_LEFT, v2);
}

void rating_radar(struct rating_draw *d, double cx, double cy, double r, const json_t *scores,
                  const json_t *peers)
{
    const json_t *fns = json_object_get(scores, "functions");
    const json_t *pfns = json_object_get(peers, "functions");
    double self[RATING_FUNCTIONS], peer[RATING_FUNCTIONS];
    for (int i = 0; i < RATING_FUNCTIONS; i++) {
        self[i] = rating_num(rating_find_function(fns, rating_functions[i].id), "score");
        peer[i] = rating_num(rating_find_function(pfns, rating_functions[i].id), "average");
    }
    cairo_save(d->p.cr);
    radar_grid(d, cx, cy, r);
    if (peers)
        radar_series(d, cx, cy, r, peer, RC_PEER, true);
    radar_series(d, cx, cy, r, self, RC_SELF, false);
    for (int i = 0; i < RATING_FUNCTIONS; i++)
        radar_label(d, cx, cy, r, i, self[i], peer[i], peers != NULL);
    cairo_restore(d->p.cr);
}

/* ---- loss exceedance curve ---- */

struct lec_box {
    double x, y, w, h; /* plot area */
    double lo, hi;     /* log10 of the loss axis ends (whole decades) */
};

static double lec_x(const struct lec_box *b, double loss)
{
    return b->x + (log10(loss) - b->lo) / (b->hi - b->lo) * b->w;
}

static double lec_y(const struct lec_box *b, double p)
{
    return b->y + (1 - p) * b->h;
}

static void curve_range(const json_t *curve, double *lo, double *hi)
{
    size_t i;
    json_t *pt;
    json_array_foreach(curve, i, pt)
    {
        double l = rating_num(pt, "loss");
        if (l > 0) {
            *lo = MIN(*lo, l);
            *hi = MAX(*hi, l);
        }
    }
}

static void lec_axes(struct rating_draw *d, const struct lec_box *b)
{
    char lbl[48];
    pdf_font(&d->p, 7.5, false);
    for (int k = 0; k <= 5; k++) { /* probability grid every 20 % */
        double y = lec_y(b, k / 5.0);
        pdf_rgb(&d->p, k ? 0xe3e7ed : 0x9aa5b4);
        pdf_line(&d->p, b->x, y, b->x + b->w, y, k ? 0.4 : 0.8);
        pdf_rgb(&d->p, PDF_MUTED);
        snprintf(lbl, sizeof(lbl), "%d%%", k * 20);
        pdf_text(&d->p, b->x - 5, y + 2.5, PDF_RIGHT, lbl);
    }
    for (int dec = (int)b->lo; dec <= (int)b->hi; dec++) {
        double x = lec_x(b, pow(10, dec));
        for (int m = 2; m <= 9 && dec < (int)b->hi; m++) { /* minor ticks 2×…9× */
            double xm = lec_x(b, m * pow(10, dec));
            pdf_rgb(&d->p, 0xf0f2f5);
            pdf_line(&d->p, xm, b->y, xm, b->y + b->h, 0.3);
        }
        pdf_rgb(&d->p, dec == (int)b->lo ? 0x9aa5b4 : 0xd5dbe3);
        pdf_line(&d->p, x, b->y, x, b->y + b->h, dec == (int)b->lo ? 0.8 : 0.5);
        pdf_rgb(&d->p, PDF_MUTED);
        rating_format_yen_short(pow(10, dec), d->ja, lbl, sizeof(lbl));
        pdf_text(&d->p, x, b->y + b->h + 11, PDF_CENTER, lbl);
    }
}

static void lec_curve(struct rating_draw *d, const struct lec_box *b, const json_t *curve,
                      unsigned rgb, double width)
{
    size_t i;
    json_t *pt;
    bool started = false;
    json_array_foreach(curve, i, pt)
    {
        double l = rating_num(pt, "loss"), p = rating_num(pt, "probability");
        if (!(l > 0))
            continue; /* no place for 0 on a log axis */
        if (!started)
            cairo_move_to(d->p.cr, lec_x(b, l), lec_y(b, p));
        else
            cairo_line_to(d->p.cr, lec_x(b, l), lec_y(b, p));
        started = true;
    }
    pdf_rgb(&d->p, rgb);
    cairo_set_line_width(d->p.cr, width);
    cairo_set_line_join(d->p.cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(d->p.cr);
}

/* Thresholds: a dashed vertical line and the portfolio's probability of exceeding it. */
static void lec_thresholds(struct rating_draw *d, const struct lec_box *b, const json_t *port)
{
    static const double dash[] = {3.0, 2.0};
    size_t i;
    json_t *e;
    char lbl[48];
    json_array_foreach(json_object_get(port, "exceedance"), i, e)
    {
        double t = rating_num(e, "threshold"), p = rating_num(e, "probability");
        if (!(t > 0) || log10(t) < b->lo || log10(t) > b->hi)
            continue;
        double x = lec_x(b, t), y = lec_y(b, p);
        pdf_rgb(&d->p, PDF_MUTED);
        cairo_set_dash(d->p.cr, dash, 2, 0);
        pdf_line(&d->p, x, b->y, x, b->y + b->h, 0.6);
        cairo_set_dash(d->p.cr, NULL, 0, 0);
        pdf_rgb(&d->p, PDF_NAVY);
        cairo_arc(d->p.cr, x, y, 2.8, 0, 2 * M_PI);
        cairo_fill(d->p.cr);
        rating_percent(p, lbl, sizeof(lbl));
        pdf_font(&d->p, 7.5, true);
        pdf_text(&d->p, x + 4, y - 4, PDF_LEFT, lbl);
    }
}

/* The scenarios with the highest mean loss that carry a curve (at most n), by index; ties
 * keep document order. */
static size_t top_scenarios(const json_t *scenarios, size_t idx[], size_t n)
{
    size_t k = 0, i, j;
    json_t *s;
    json_array_foreach(scenarios, i, s)
    {
        double m = rating_num(s, "mean");
        if (json_array_size(json_object_get(s, "lec")) < 2)
            continue;
        if (k == n && m <= rating_num(json_array_get(scenarios, idx[n - 1]), "mean"))
            continue;
        j = k < n ? k++ : n - 1; /* append, or replace the smallest */
        while (j > 0 && rating_num(json_array_get(scenarios, idx[j - 1]), "mean") < m) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    return k;
}

static void lec_legend(struct rating_draw *d, const struct lec_box *b, const json_t *scenarios,
                       const size_t idx[], size_t n, const unsigned colors[])
{
    double x = b->x + b->w - 8, y = b->y + 12, wmax = 0;
    const char *names[4];
    names[0] = d->t->lec_portfolio;
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_array_get(scenarios, idx[i]);
        const char *nm = rating_str(json_object_get(s, "name"), d->ja ? "ja" : "en");
        names[i + 1] = *nm ? nm : rating_str(s, "id");
    }
    pdf_font(&d->p, 7.5, false);
    for (size_t i = 0; i <= n; i++)
        wmax = MAX(wmax, MIN(pdf_width(&d->p, names[i]), 180));
    pdf_rgba(&d->p, 0xffffff, 0.9);
    pdf_rect(&d->p, x - wmax - 30, y - 9, wmax + 36, 12.0 * (double)(n + 1) + 6);
    for (size_t i = 0; i <= n; i++) {
        pdf_rgb(&d->p, i ? colors[i - 1] : PDF_NAVY);
        pdf_line(&d->p, x - wmax - 24, y - 3, x - wmax - 8, y - 3, i ? 1.2 : 2.2);
        pdf_rgb(&d->p, PDF_INK);
        pdf_text_fit(&d->p, x - wmax - 4, y, PDF_LEFT, 180, names[i]);
        y += 12;
    }
}

void rating_lec(struct rating_draw *d, double x, double y, double w, double h, const json_t *risk)
{
    static const unsigned colors[3] = {0x2a9d8f, 0x8e5bb5, 0xc0504d};
    const json_t *port = json_object_get(risk, "portfolio");
    const json_t *scenarios = json_object_get(risk, "scenarios");
    struct lec_box b = {.x = x + 40, .y = y + 16, .w = w - 50, .h = h - 46};
    double lo = INFINITY, hi = 0;
    size_t idx[3], n = top_scenarios(scenarios, idx, 3);
    curve_range(json_object_get(port, "lec"), &lo, &hi);
    for (size_t i = 0; i < n; i++)
        curve_range(json_object_get(json_array_get(scenarios, idx[i]), "lec"), &lo, &hi);
    if (!(hi > 0)) {
        lo = 1e6;
        hi = 1e9;
    }
    b.lo = floor(log10(lo));
    b.hi = MAX(ceil(log10(hi)), b.lo + 1);
    cairo_save(d->p.cr);
    pdf_font(&d->p, 8, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, b.x - 36, y + 7, PDF_LEFT, d->t->lec_y);
    pdf_text(&d->p, b.x + b.w / 2, b.y + b.h + 27, PDF_CENTER, d->t->lec_x);
    lec_axes(d, &b);
    cairo_save(d->p.cr);
    cairo_rectangle(d->p.cr, b.x - 3, b.y - 3, b.w + 6, b.h + 6);
    cairo_clip(d->p.cr);
    for (size_t i = n; i-- > 0;)
        lec_curve(d, &b, json_object_get(json_array_get(scenarios, idx[i]), "lec"), colors[i], 1.2);
    lec_curve(d, &b, json_object_get(port, "lec"), PDF_NAVY, 2.2);
    cairo_restore(d->p.cr);
    lec_thresholds(d, &b, port);
    lec_legend(d, &b, scenarios, idx, n, colors);
    cairo_restore(d->p.cr);
}
