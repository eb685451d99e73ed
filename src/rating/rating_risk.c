/*
 * rating_risk.c — page 3 of the rating PDF: the portfolio's annual loss figures, exceedance
 * probabilities for the thresholds, the loss exceedance curve and the scenarios; or, without
 * a simulation, a notice saying so.
 */
#include <math.h>

#include "rating_int.h"

#define ROW_H 15.0
#define MAX_SCENARIO_ROWS 8

static void stat_box(struct rating_draw *d, double x, double w, const char *label, double v)
{
    char big[48], full[48];
    pdf_rgb(&d->p, PDF_FAINT);
    pdf_rect(&d->p, x, d->p.y, w, 58);
    pdf_font(&d->p, 7.5, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text_fit(&d->p, x + 8, d->p.y + 14, PDF_LEFT, w - 16, label);
    pdf_font(&d->p, 15, true);
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_text_fit(&d->p, x + 8, d->p.y + 36, PDF_LEFT, w - 16,
                 rating_format_yen_short(v, d->ja, big, sizeof(big)));
    pdf_font(&d->p, 7, false);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text_fit(&d->p, x + 8, d->p.y + 50, PDF_LEFT, w - 16,
                 rating_format_yen(v, d->ja, full, sizeof(full)));
}

static void risk_figures(struct rating_draw *d, const json_t *risk)
{
    static const char *const keys[] = {"mean", "p50", "p90", "p95", "p99"};
    const char *labels[] = {d->t->stat_mean, d->t->stat_p50, d->t->stat_p90, d->t->stat_p95,
                            d->t->stat_p99};
    const json_t *port = json_object_get(risk, "portfolio");
    const double gap = 8, w = (RATING_CONTENT_W - 4 * gap) / 5;
    char intro[320], years[32], n[32], seed[32];
    rating_format_int(rating_num(risk, "years"), years, sizeof(years));
    rating_format_int((double)json_array_size(json_object_get(risk, "scenarios")), n, sizeof(n));
    snprintf(seed, sizeof(seed), "%llu", /* risk seeds are uint64 */
             (unsigned long long)json_integer_value(json_object_get(risk, "seed")));
    snprintf(intro, sizeof(intro), d->t->risk_intro_fmt, years, n, seed);
    pdf_font(&d->p, 8.5, false);
    pdf_rgb(&d->p, PDF_INK);
    d->p.y = pdf_wrap_draw(&d->p, RATING_MARGIN, d->p.y + 4, RATING_CONTENT_W, 13, intro, 0) + 10;
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        stat_box(d, RATING_MARGIN + (double)i * (w + gap), w, labels[i], rating_num(port, keys[i]));
    d->p.y += 70;
}

/* A "label  41.9%" chip at *x on the cursor line; false (nothing drawn) if it does not fit. */
static bool chip(struct rating_draw *d, double *x, const char *label, double p)
{
    char pct[16];
    double w, lw;
    rating_percent(p, pct, sizeof(pct));
    pdf_font(&d->p, 8, false);
    w = pdf_width(&d->p, label) + 8;
    pdf_font(&d->p, 9, true);
    w += pdf_width(&d->p, pct) + 20;
    if (*x + w > RATING_MARGIN + RATING_CONTENT_W + 8)
        return false;
    pdf_rgb(&d->p, PDF_FAINT);
    pdf_rect(&d->p, *x, d->p.y, w - 8, 18);
    pdf_font(&d->p, 8, false);
    pdf_rgb(&d->p, PDF_MUTED);
    lw = pdf_text(&d->p, *x + 6, d->p.y + 12.5, PDF_LEFT, label);
    pdf_font(&d->p, 9, true);
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_text(&d->p, *x + 6 + lw + 8, d->p.y + 12.5, PDF_LEFT, pct);
    *x += w;
    return true;
}

/* P(any loss) and P(annual loss > threshold) for each threshold of the portfolio. */
static void exceedance_row(struct rating_draw *d, const json_t *risk)
{
    const json_t *port = json_object_get(risk, "portfolio");
    const json_t *ex = json_object_get(port, "exceedance");
    double x = RATING_MARGIN;
    char amount[48], label[96];
    size_t i;
    json_t *e;
    if (json_array_size(ex) == 0 && !isfinite(rating_num(port, "p_loss")))
        return;
    pdf_font(&d->p, 8.5, true);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text(&d->p, x, d->p.y + 10, PDF_LEFT, d->t->exceed_title);
    d->p.y += 16;
    if (isfinite(rating_num(port, "p_loss")))
        chip(d, &x, d->t->any_loss, rating_num(port, "p_loss"));
    json_array_foreach(ex, i, e)
    {
        rating_format_yen_short(rating_num(e, "threshold"), d->ja, amount, sizeof(amount));
        snprintf(label, sizeof(label), d->t->exceed_fmt, amount);
        if (!chip(d, &x, label, rating_num(e, "probability")))
            break;
    }
    d->p.y += 30;
}

static int cmp_mean_desc(const void *a, const void *b)
{
    double ma = rating_num(*(json_t *const *)a, "mean"),
           mb = rating_num(*(json_t *const *)b, "mean");
    int c = (ma < mb) - (ma > mb);
    return c ? c
             : strcmp(rating_str(*(json_t *const *)a, "id"), rating_str(*(json_t *const *)b, "id"));
}

/* The scenarios by mean annual loss, largest first (caller frees the array). */
static json_t **by_mean(const json_t *scenarios, size_t *n)
{
    json_t **order;
    *n = json_array_size(scenarios);
    order = xcalloc(*n ? *n : 1, sizeof(*order));
    for (size_t i = 0; i < *n; i++)
        order[i] = json_array_get(scenarios, i);
    qsort(order, *n, sizeof(*order), cmp_mean_desc);
    return order;
}

static const char *scenario_name(const struct rating_draw *d, const json_t *s)
{
    const char *nm = rating_str(json_object_get(s, "name"), d->ja ? "ja" : "en");
    if (!*nm)
        nm = rating_str(json_object_get(s, "name"), d->ja ? "en" : "ja");
    return *nm ? nm : rating_str(s, "id");
}

static void scenario_table(struct rating_draw *d, const json_t *risk)
{
    static const char *const keys[] = {"mean", "p50", "p90", "p95", "p99"};
    const char *heads[] = {d->t->stat_mean, "P50", "P90", "P95", "P99"};
    const double x = RATING_MARGIN, name_w = 160, col_w = (RATING_CONTENT_W - name_w) / 5;
    size_t n, shown;
    json_t **order = by_mean(json_object_get(risk, "scenarios"), &n);
    char v[64];
    shown = MIN(n, MAX_SCENARIO_ROWS);
    if (n == 0)
        goto out;
    pdf_need(&d->p, 30 + 18 + ROW_H * (double)shown);
    pdf_font(&d->p, 10.5, true);
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_text(&d->p, x, d->p.y + 10, PDF_LEFT, d->t->scen_title);
    d->p.y += 18;
    pdf_font(&d->p, 7.5, true);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, x, d->p.y + 10, PDF_LEFT, d->t->col_scenario);
    for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
        pdf_text(&d->p, x + name_w + col_w * (double)(k + 1), d->p.y + 10, PDF_RIGHT, heads[k]);
    pdf_rgb(&d->p, PDF_RULE);
    pdf_line(&d->p, x, d->p.y + 15, x + RATING_CONTENT_W, d->p.y + 15, 0.6);
    d->p.y += 17;
    for (size_t i = 0; i < shown; i++) {
        pdf_font(&d->p, 8, false);
        pdf_rgb(&d->p, PDF_INK);
        pdf_text_fit(&d->p, x, d->p.y + 10.5, PDF_LEFT, name_w - 8, scenario_name(d, order[i]));
        for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
            pdf_text_fit(&d->p, x + name_w + col_w * (double)(k + 1), d->p.y + 10.5, PDF_RIGHT,
                         col_w - 6,
                         rating_format_yen(rating_num(order[i], keys[k]), d->ja, v, sizeof(v)));
        pdf_rgb(&d->p, PDF_RULE);
        pdf_line(&d->p, x, d->p.y + ROW_H, x + RATING_CONTENT_W, d->p.y + ROW_H, 0.3);
        d->p.y += ROW_H;
    }
    if (n > shown) {
        char more[200], cnt[32];
        rating_format_int((double)(n - shown), cnt, sizeof(cnt));
        snprintf(more, sizeof(more), d->t->scen_more_fmt, cnt);
        pdf_font(&d->p, 7.5, false);
        pdf_rgb(&d->p, PDF_MUTED);
        pdf_text(&d->p, x, d->p.y + 12, PDF_LEFT, more);
        d->p.y += 16;
    }
out:
    free(order);
}

void rating_page_risk(struct rating_draw *d, const json_t *risk)
{
    pdf_page_begin(&d->p);
    pdf_heading(&d->p, &rating_h2, d->t->risk_title);
    risk_figures(d, risk);
    exceedance_row(d, risk);
    pdf_font(&d->p, 10.5, true);
    pdf_rgb(&d->p, PDF_NAVY);
    pdf_text(&d->p, RATING_MARGIN, d->p.y + 10, PDF_LEFT, d->t->lec_title);
    d->p.y += 16;
    rating_lec(d, RATING_MARGIN, d->p.y, RATING_CONTENT_W, 250, risk);
    d->p.y += 262;
    scenario_table(d, risk);
    pdf_page_end(&d->p);
}

void rating_no_risk_notice(struct rating_draw *d)
{
    int lines;
    pdf_heading(&d->p, &rating_h2, d->t->no_risk_title);
    pdf_font(&d->p, 9, false);
    lines = (int)pdf_wrap_count(&d->p, RATING_CONTENT_W - 24, d->t->no_risk_body);
    pdf_rgb(&d->p, PDF_FAINT);
    pdf_rect(&d->p, RATING_MARGIN, d->p.y, RATING_CONTENT_W, 14.0 * lines + 16);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_wrap_draw(&d->p, RATING_MARGIN + 12, d->p.y + 18, RATING_CONTENT_W - 24, 14,
                  d->t->no_risk_body, 0);
    d->p.y += 14.0 * lines + 36;
}

/* ---- the scenarios' inputs (last page) ---- */

enum est_kind { EST_NUM, EST_PCT, EST_YEN };

static void est_value(double v, enum est_kind k, bool ja, bool unit, char *out, size_t n)
{
    if (!isfinite(v))
        xstrlcpy(out, "—", n);
    else if (k == EST_YEN)
        rating_format_yen_short(v, ja, out, n);
    else if (k == EST_PCT)
        snprintf(out, n, unit ? "%.3g%%" : "%.3g", v * 100);
    else
        snprintf(out, n, fabs(v) < 1 ? "%.2g" : "%.3g", v);
}

/* An ESTIMATE (spec "Risk") as "mode (low–high)", "low–high (90%)" or the fixed value. */
static void fmt_estimate(const json_t *e, enum est_kind k, bool ja, char *out, size_t n)
{
    const char *dist = rating_str(e, "dist");
    char lo[40], mo[40], hi[40];
    est_value(rating_num(e, "low"), k, ja, false, lo, sizeof(lo));
    est_value(rating_num(e, "high"), k, ja, true, hi, sizeof(hi));
    if (!strcmp(dist, "pert")) {
        est_value(rating_num(e, "mode"), k, ja, true, mo, sizeof(mo));
        if (k == EST_YEN)
            est_value(rating_num(e, "low"), k, ja, true, lo, sizeof(lo));
        snprintf(out, n, "%s (%s–%s)", mo, lo, hi);
    } else if (!strcmp(dist, "lognormal90")) {
        if (k == EST_YEN)
            est_value(rating_num(e, "low"), k, ja, true, lo, sizeof(lo));
        snprintf(out, n, "%s–%s (90%%)", lo, hi);
    } else if (!strcmp(dist, "fixed")) {
        est_value(rating_num(e, "value"), k, ja, true, out, n);
    } else {
        xstrlcpy(out, "—", n);
    }
}

/* The susceptibility cell: "V 4% (1–12%)", or TCap and resistance on two lines. */
static void fmt_susceptibility(const struct rating_draw *d, const json_t *in, char *l1, char *l2,
                               size_t n)
{
    const json_t *from = json_object_get(in, "resistance_from_assessment");
    char e[128], cats[96] = "";
    size_t i;
    json_t *c;
    l2[0] = '\0';
    if (json_is_object(json_object_get(in, "vulnerability"))) {
        fmt_estimate(json_object_get(in, "vulnerability"), EST_PCT, d->ja, e, sizeof(e));
        snprintf(l1, n, "V %s", e);
        return;
    }
    fmt_estimate(json_object_get(in, "threat_capability"), EST_NUM, d->ja, e, sizeof(e));
    snprintf(l1, n, "TCap %s", e);
    fmt_estimate(json_object_get(in, "resistance"), EST_NUM, d->ja, e, sizeof(e));
    if (!json_is_object(from)) {
        snprintf(l2, n, "RS %s", e);
        return;
    }
    json_array_foreach(json_object_get(from, "categories"), i, c)
    {
        size_t used = strlen(cats);
        snprintf(cats + used, sizeof(cats) - used, "%s%s", i ? "," : "",
                 json_string_value(c) ? json_string_value(c) : "");
    }
    snprintf(l2, n, "RS %s ← %s", e, cats);
}

/* One scenario; a row is one line high, or two when a cell needs a second line. */
static void inputs_row(struct rating_draw *d, const json_t *s, const double col[5])
{
    const json_t *in = json_object_get(s, "inputs");
    const json_t *sec = json_object_get(in, "secondary");
    const double w[5] = {col[1] - col[0] - 6, col[2] - col[1] - 6, col[3] - col[2] - 6,
                         col[4] - col[3] - 6, RATING_CONTENT_W - col[4]};
    char a[320], b[320], p[160];
    double y = d->p.y + 10, h;
    fmt_susceptibility(d, in, a, b, sizeof(a));
    h = b[0] || json_is_object(sec) ? 26 : 16;
    pdf_need(&d->p, h);
    y = d->p.y + 10;
    pdf_font(&d->p, 7.5, false);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text_fit(&d->p, RATING_MARGIN + col[2], y, PDF_LEFT, w[2], a);
    pdf_text_fit(&d->p, RATING_MARGIN + col[2], y + 10, PDF_LEFT, w[2], b);
    fmt_estimate(json_object_get(in, "tef"), EST_NUM, d->ja, a, sizeof(a));
    pdf_text_fit(&d->p, RATING_MARGIN + col[1], y, PDF_LEFT, w[1], a);
    fmt_estimate(json_object_get(in, "primary_loss"), EST_YEN, d->ja, a, sizeof(a));
    pdf_text_fit(&d->p, RATING_MARGIN + col[3], y, PDF_LEFT, w[3], a);
    if (json_is_object(sec)) {
        fmt_estimate(json_object_get(sec, "probability"), EST_PCT, d->ja, p, sizeof(p));
        snprintf(a, sizeof(a), "P %s", p);
        pdf_text_fit(&d->p, RATING_MARGIN + col[4], y, PDF_LEFT, w[4], a);
        fmt_estimate(json_object_get(sec, "loss"), EST_YEN, d->ja, a, sizeof(a));
        pdf_text_fit(&d->p, RATING_MARGIN + col[4], y + 10, PDF_LEFT, w[4], a);
    } else {
        pdf_rgb(&d->p, PDF_MUTED);
        pdf_text(&d->p, RATING_MARGIN + col[4], y, PDF_LEFT, "—");
    }
    pdf_font(&d->p, 8, false);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text_fit(&d->p, RATING_MARGIN + col[0], y, PDF_LEFT, w[0], scenario_name(d, s));
    pdf_rgb(&d->p, PDF_RULE);
    pdf_line(&d->p, RATING_MARGIN, d->p.y + h - 1, RATING_MARGIN + RATING_CONTENT_W, d->p.y + h - 1,
             0.3);
    d->p.y += h;
}

void rating_risk_inputs(struct rating_draw *d, const json_t *risk)
{
    static const double col[5] = {0, 116, 196, 318, 410};
    const char *heads[5] = {d->t->col_scenario, d->t->col_tef, d->t->col_susc, d->t->col_primary,
                            d->t->col_secondary};
    size_t n, shown;
    json_t **order = by_mean(json_object_get(risk, "scenarios"), &n);
    shown = MIN(n, MAX_SCENARIO_ROWS);
    if (n == 0 || !json_is_object(json_object_get(order[0], "inputs")))
        goto out;
    pdf_heading(&d->p, &rating_h2, d->t->inputs_title);
    pdf_font(&d->p, 7.5, true);
    pdf_rgb(&d->p, PDF_MUTED);
    for (size_t k = 0; k < 5; k++)
        pdf_text_fit(&d->p, RATING_MARGIN + col[k], d->p.y + 10, PDF_LEFT,
                     (k < 4 ? col[k + 1] : RATING_CONTENT_W) - col[k] - 6, heads[k]);
    pdf_rgb(&d->p, PDF_RULE);
    pdf_line(&d->p, RATING_MARGIN, d->p.y + 15, RATING_MARGIN + RATING_CONTENT_W, d->p.y + 15, 0.6);
    d->p.y += 17;
    for (size_t i = 0; i < shown; i++)
        inputs_row(d, order[i], col);
    pdf_font(&d->p, 7.5, false);
    pdf_rgb(&d->p, PDF_MUTED);
    d->p.y = pdf_wrap_draw(&d->p, RATING_MARGIN, d->p.y + 12, RATING_CONTENT_W, 11,
                           d->t->inputs_note, 0) +
             20;
out:
    free(order);
}
