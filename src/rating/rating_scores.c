/*
 * rating_scores.c — page 2 of the rating PDF: function and category scores with tiers, a
 * 0–4 bar with the peer average as a tick, answered counts, then the gap list.
 */
#include <math.h>

#include "rating_int.h"

#define ROW_H 15.0

/* Column x positions (from the left margin) of the scores table. */
enum {
    C_ID = 0,
    C_NAME = 40,
    C_SCORE = 256,
    C_BAR = 264,
    C_BAR_W = 70,
    C_TIER = 344,
    C_PEER = 454,
    C_ANS = 499
};

static void scores_header(struct rating_draw *d)
{
    const double x = RATING_MARGIN, y = d->p.y;
    pdf_font(&d->p, 7.5, true);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, x + C_ID, y + 10, PDF_LEFT, d->t->col_id);
    pdf_text(&d->p, x + C_NAME, y + 10, PDF_LEFT, d->t->col_name);
    pdf_text(&d->p, x + C_SCORE, y + 10, PDF_RIGHT, d->t->col_score);
    pdf_text(&d->p, x + C_BAR, y + 10, PDF_LEFT, "0");
    pdf_text(&d->p, x + C_BAR + C_BAR_W, y + 10, PDF_RIGHT, "4");
    pdf_text(&d->p, x + C_TIER, y + 10, PDF_LEFT, d->t->col_tier);
    pdf_text(&d->p, x + C_PEER, y + 10, PDF_RIGHT, d->t->col_peer);
    pdf_text(&d->p, x + C_ANS, y + 10, PDF_RIGHT, d->t->col_answered);
    pdf_rgb(&d->p, PDF_RULE);
    pdf_line(&d->p, x, y + 15, x + RATING_CONTENT_W, y + 15, 0.6);
    d->p.y += 18;
}

static void score_bar(struct rating_draw *d, double x, double y, double score, double peer,
                      bool strong)
{
    pdf_rgb(&d->p, 0xe6eaf0);
    pdf_rect(&d->p, x, y, C_BAR_W, 6);
    if (isfinite(score)) {
        pdf_rgba(&d->p, RC_SELF, strong ? 1.0 : 0.55);
        pdf_rect(&d->p, x, y, C_BAR_W * score / 4, 6);
    }
    if (isfinite(peer)) { /* the peer average as a tick across the bar */
        pdf_rgb(&d->p, RC_PEER);
        pdf_line(&d->p, x + C_BAR_W * peer / 4, y - 2, x + C_BAR_W * peer / 4, y + 8, 1.5);
    }
}

static void score_row(struct rating_draw *d, const json_t *item, const char *id, bool fn,
                      double peer)
{
    const double x = RATING_MARGIN;
    const char *name = rating_display_name(item, id, d->ja);
    double score = rating_num(item, "score"), base;
    int tier = isfinite(score) ? rating_tier_of(score) : 0; /* validated: equals "tier" */
    char s[48], ans[48], a[16], t[16];
    pdf_need(&d->p, ROW_H);
    if (fn) {
        pdf_rgb(&d->p, PDF_FAINT);
        pdf_rect(&d->p, x, d->p.y, RATING_CONTENT_W, ROW_H);
    }
    base = d->p.y + 10.5;
    pdf_font(&d->p, 8.5, fn);
    pdf_rgb(&d->p, PDF_INK);
    pdf_text(&d->p, x + C_ID + (fn ? 0 : 8), base, PDF_LEFT, id);
    pdf_text_fit(&d->p, x + C_NAME + (fn ? 0 : 8), base, PDF_LEFT,
                 C_SCORE - C_NAME - (fn ? 26 : 34), name ? name : "");
    rating_fmt_score(score, s, sizeof(s));
    pdf_text(&d->p, x + C_SCORE, base, PDF_RIGHT, s);
    score_bar(d, x + C_BAR, d->p.y + 4.5, score, peer, fn);
    pdf_rgb(&d->p, tier ? PDF_INK : PDF_MUTED);
    if (tier)
        snprintf(s, sizeof(s), "%d  %s", tier, rating_tier_name(tier, d->ja));
    pdf_text_fit(&d->p, x + C_TIER, base, PDF_LEFT, C_PEER - C_TIER - 36,
                 tier ? s : d->t->unanswered);
    pdf_rgb(&d->p, RC_PEER);
    if (fn && isfinite(peer)) {
        rating_fmt_score(peer, s, sizeof(s));
        pdf_text(&d->p, x + C_PEER, base, PDF_RIGHT, s);
    }
    pdf_rgb(&d->p, PDF_MUTED);
    rating_format_int(rating_num(item, "answered"), a, sizeof(a));
    rating_format_int(rating_num(item, "answered") + rating_num(item, "not_applicable") +
                          rating_num(item, "unanswered"),
                      t, sizeof(t));
    snprintf(ans, sizeof(ans), "%s/%s", a, t);
    pdf_text(&d->p, x + C_ANS, base, PDF_RIGHT, ans);
    d->p.y += ROW_H;
}

static void scores_table(struct rating_draw *d)
{
    const json_t *a = json_object_get(d->doc, "assessment");
    const json_t *fns = json_object_get(a, "functions");
    const json_t *pfns = json_object_get(rating_doc_peers(d), "functions");
    pdf_heading(&d->p, &rating_h2, d->t->scores_title);
    scores_header(d);
    for (int i = 0; i < RATING_FUNCTIONS; i++) {
        const json_t *f = rating_find_function(fns, rating_functions[i].id);
        const json_t *cats = json_object_get(f, "categories");
        double peer = rating_num(rating_find_function(pfns, rating_functions[i].id), "average");
        size_t j;
        json_t *c;
        pdf_need(&d->p, 2 * ROW_H);
        score_row(d, f, rating_functions[i].id, true, peer);
        json_array_foreach(cats, j, c)
        {
            score_row(d, c, rating_str(c, "id"), false, NAN);
        }
    }
    d->p.y += 18;
}

static void gap_row(struct rating_draw *d, size_t rank, const json_t *g)
{
    const double x = RATING_MARGIN, base = d->p.y + 11;
    const char *cat = rating_str(g, "category"), *fn = rating_str(g, "function");
    const json_t *fobj = rating_find_function(
        json_object_get(json_object_get(d->doc, "assessment"), "functions"), fn);
    const json_t *cobj = NULL, *c;
    const char *name;
    char s[64];
    size_t i;
    int fi = rating_function_index(fn);
    json_array_foreach(json_object_get(fobj, "categories"), i, c)
    {
        if (!strcmp(rating_str(c, "id"), cat))
            cobj = c;
    }
    name = rating_display_name(cobj, cat, d->ja);
    pdf_font(&d->p, 8.5, false);
    pdf_rgb(&d->p, PDF_INK);
    snprintf(s, sizeof(s), "%zu", rank);
    pdf_text(&d->p, x + 10, base, PDF_RIGHT, s);
    pdf_text(&d->p, x + 20, base, PDF_LEFT, cat);
    pdf_text_fit(&d->p, x + 66, base, PDF_LEFT, 220, name ? name : "");
    snprintf(s, sizeof(s), "%s %s",
             fi >= 0 ? (d->ja ? rating_functions[fi].ja : rating_functions[fi].en) : "", fn);
    pdf_text(&d->p, x + 296, base, PDF_LEFT, s);
    rating_fmt_score(rating_num(g, "score"), s, sizeof(s));
    pdf_font(&d->p, 8.5, true);
    pdf_text(&d->p, x + 400, base, PDF_RIGHT, s);
    pdf_rgb(&d->p, 0xe6eaf0);
    pdf_rect(&d->p, x + 412, d->p.y + 5, 87, 6);
    pdf_rgb(&d->p, PDF_WARN);
    pdf_rect(&d->p, x + 412, d->p.y + 5, 87 * rating_num(g, "score") / 4, 6);
    pdf_rgb(&d->p, PDF_RULE);
    pdf_line(&d->p, x, d->p.y + 16, x + RATING_CONTENT_W, d->p.y + 16, 0.3);
    d->p.y += 17;
}

static void gaps_list(struct rating_draw *d)
{
    const json_t *gaps = json_object_get(json_object_get(d->doc, "assessment"), "gaps");
    const double x = RATING_MARGIN;
    size_t i;
    json_t *g;
    pdf_need(&d->p, 34 + 18 + 17 * (double)MIN(json_array_size(gaps), 3) + 10);
    pdf_heading(&d->p, &rating_h2, d->t->gaps_title);
    if (json_array_size(gaps) == 0) {
        pdf_font(&d->p, 9, false);
        pdf_rgb(&d->p, PDF_MUTED);
        pdf_text(&d->p, x, d->p.y + 10, PDF_LEFT, d->t->gaps_none);
        d->p.y += 20;
        return;
    }
    pdf_font(&d->p, 7.5, true);
    pdf_rgb(&d->p, PDF_MUTED);
    pdf_text(&d->p, x + 10, d->p.y + 10, PDF_RIGHT, d->t->col_rank);
    pdf_text(&d->p, x + 20, d->p.y + 10, PDF_LEFT, d->t->col_id);
    pdf_text(&d->p, x + 66, d->p.y + 10, PDF_LEFT, d->t->col_name);
    pdf_text(&d->p, x + 296, d->p.y + 10, PDF_LEFT, d->t->col_function);
    pdf_text(&d->p, x + 400, d->p.y + 10, PDF_RIGHT, d->t->col_score);
    pdf_rgb(&d->p, PDF_RULE);
    pdf_line(&d->p, x, d->p.y + 15, x + RATING_CONTENT_W, d->p.y + 15, 0.6);
    d->p.y += 17;
    json_array_foreach(gaps, i, g)
    {
        pdf_need(&d->p, 17);
        gap_row(d, i + 1, g);
    }
}

void rating_page_scores(struct rating_draw *d)
{
    pdf_page_begin(&d->p);
    scores_table(d);
    gaps_list(d);
    pdf_page_end(&d->p);
}
