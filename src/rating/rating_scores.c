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
    const double x = RATING_MARGIN, y = d->y;
    rating_font(d, 7.5, true);
    rating_rgb(d, RC_MUTED);
    rating_text(d, x + C_ID, y + 10, RA_LEFT, d->t->col_id);
    rating_text(d, x + C_NAME, y + 10, RA_LEFT, d->t->col_name);
    rating_text(d, x + C_SCORE, y + 10, RA_RIGHT, d->t->col_score);
    rating_text(d, x + C_BAR, y + 10, RA_LEFT, "0");
    rating_text(d, x + C_BAR + C_BAR_W, y + 10, RA_RIGHT, "4");
    rating_text(d, x + C_TIER, y + 10, RA_LEFT, d->t->col_tier);
    rating_text(d, x + C_PEER, y + 10, RA_RIGHT, d->t->col_peer);
    rating_text(d, x + C_ANS, y + 10, RA_RIGHT, d->t->col_answered);
    rating_rgb(d, RC_RULE);
    rating_line(d, x, y + 15, x + RATING_CONTENT_W, y + 15, 0.6);
    d->y += 18;
}

static void score_bar(struct rating_draw *d, double x, double y, double score, double peer,
                      bool strong)
{
    rating_rgb(d, 0xe6eaf0);
    rating_rect(d, x, y, C_BAR_W, 6);
    if (isfinite(score)) {
        rating_rgba(d, RC_SELF, strong ? 1.0 : 0.55);
        rating_rect(d, x, y, C_BAR_W * score / 4, 6);
    }
    if (isfinite(peer)) { /* the peer average as a tick across the bar */
        rating_rgb(d, RC_PEER);
        rating_line(d, x + C_BAR_W * peer / 4, y - 2, x + C_BAR_W * peer / 4, y + 8, 1.5);
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
    rating_need(d, ROW_H);
    if (fn) {
        rating_rgb(d, RC_FAINT);
        rating_rect(d, x, d->y, RATING_CONTENT_W, ROW_H);
    }
    base = d->y + 10.5;
    rating_font(d, 8.5, fn);
    rating_rgb(d, RC_INK);
    rating_text(d, x + C_ID + (fn ? 0 : 8), base, RA_LEFT, id);
    rating_text_fit(d, x + C_NAME + (fn ? 0 : 8), base, RA_LEFT, C_SCORE - C_NAME - (fn ? 26 : 34),
                    name ? name : "");
    rating_fmt_score(score, s, sizeof(s));
    rating_text(d, x + C_SCORE, base, RA_RIGHT, s);
    score_bar(d, x + C_BAR, d->y + 4.5, score, peer, fn);
    rating_rgb(d, tier ? RC_INK : RC_MUTED);
    if (tier)
        snprintf(s, sizeof(s), "%d  %s", tier, rating_tier_name(tier, d->ja));
    rating_text_fit(d, x + C_TIER, base, RA_LEFT, C_PEER - C_TIER - 36,
                    tier ? s : d->t->unanswered);
    rating_rgb(d, RC_PEER);
    if (fn && isfinite(peer)) {
        rating_fmt_score(peer, s, sizeof(s));
        rating_text(d, x + C_PEER, base, RA_RIGHT, s);
    }
    rating_rgb(d, RC_MUTED);
    rating_format_int(rating_num(item, "answered"), a, sizeof(a));
    rating_format_int(rating_num(item, "answered") + rating_num(item, "not_applicable") +
                          rating_num(item, "unanswered"),
                      t, sizeof(t));
    snprintf(ans, sizeof(ans), "%s/%s", a, t);
    rating_text(d, x + C_ANS, base, RA_RIGHT, ans);
    d->y += ROW_H;
}

static void scores_table(struct rating_draw *d)
{
    const json_t *a = json_object_get(d->doc, "assessment");
    const json_t *fns = json_object_get(a, "functions");
    const json_t *pfns = json_object_get(rating_doc_peers(d), "functions");
    rating_heading(d, d->t->scores_title);
    scores_header(d);
    for (int i = 0; i < RATING_FUNCTIONS; i++) {
        const json_t *f = rating_find_function(fns, rating_functions[i].id);
        const json_t *cats = json_object_get(f, "categories");
        double peer = rating_num(rating_find_function(pfns, rating_functions[i].id), "average");
        size_t j;
        json_t *c;
        rating_need(d, 2 * ROW_H);
        score_row(d, f, rating_functions[i].id, true, peer);
        json_array_foreach(cats, j, c)
        {
            score_row(d, c, rating_str(c, "id"), false, NAN);
        }
    }
    d->y += 18;
}

static void gap_row(struct rating_draw *d, size_t rank, const json_t *g)
{
    const double x = RATING_MARGIN, base = d->y + 11;
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
    rating_font(d, 8.5, false);
    rating_rgb(d, RC_INK);
    snprintf(s, sizeof(s), "%zu", rank);
    rating_text(d, x + 10, base, RA_RIGHT, s);
    rating_text(d, x + 20, base, RA_LEFT, cat);
    rating_text_fit(d, x + 66, base, RA_LEFT, 220, name ? name : "");
    snprintf(s, sizeof(s), "%s %s",
             fi >= 0 ? (d->ja ? rating_functions[fi].ja : rating_functions[fi].en) : "", fn);
    rating_text(d, x + 296, base, RA_LEFT, s);
    rating_fmt_score(rating_num(g, "score"), s, sizeof(s));
    rating_font(d, 8.5, true);
    rating_text(d, x + 400, base, RA_RIGHT, s);
    rating_rgb(d, 0xe6eaf0);
    rating_rect(d, x + 412, d->y + 5, 87, 6);
    rating_rgb(d, RC_WARN);
    rating_rect(d, x + 412, d->y + 5, 87 * rating_num(g, "score") / 4, 6);
    rating_rgb(d, RC_RULE);
    rating_line(d, x, d->y + 16, x + RATING_CONTENT_W, d->y + 16, 0.3);
    d->y += 17;
}

static void gaps_list(struct rating_draw *d)
{
    const json_t *gaps = json_object_get(json_object_get(d->doc, "assessment"), "gaps");
    const double x = RATING_MARGIN;
    size_t i;
    json_t *g;
    rating_need(d, 34 + 18 + 17 * (double)MIN(json_array_size(gaps), 3) + 10);
    rating_heading(d, d->t->gaps_title);
    if (json_array_size(gaps) == 0) {
        rating_font(d, 9, false);
        rating_rgb(d, RC_MUTED);
        rating_text(d, x, d->y + 10, RA_LEFT, d->t->gaps_none);
        d->y += 20;
        return;
    }
    rating_font(d, 7.5, true);
    rating_rgb(d, RC_MUTED);
    rating_text(d, x + 10, d->y + 10, RA_RIGHT, d->t->col_rank);
    rating_text(d, x + 20, d->y + 10, RA_LEFT, d->t->col_id);
    rating_text(d, x + 66, d->y + 10, RA_LEFT, d->t->col_name);
    rating_text(d, x + 296, d->y + 10, RA_LEFT, d->t->col_function);
    rating_text(d, x + 400, d->y + 10, RA_RIGHT, d->t->col_score);
    rating_rgb(d, RC_RULE);
    rating_line(d, x, d->y + 15, x + RATING_CONTENT_W, d->y + 15, 0.6);
    d->y += 17;
    json_array_foreach(gaps, i, g)
    {
        rating_need(d, 17);
        gap_row(d, i + 1, g);
    }
}

void rating_page_scores(struct rating_draw *d)
{
    rating_page_begin(d);
    scores_table(d);
    gaps_list(d);
    rating_page_end(d);
}
