/*
 * assess_score.c — scores of an answers document (docs/assessment-and-risk.md, "Scores"): weighted
 * means per category and function, the overall score, tiers, gaps and completeness; and the
 * resistance-strength estimate src/risk/ derives from category scores ("Resistance from an
 * assessment").
 */
#include <math.h>

#include "assess_int.h"

enum qstate { Q_UNANSWERED = 0, Q_ANSWERED, Q_NA };

/* Sums for one category, function or the whole framework. */
struct acc {
    double wsum; /* Σ weight × value over scored members */
    double wtot; /* Σ weight over scored members */
    size_t answered, na, unanswered;
};

static void acc_add(struct acc *a, double value, double weight)
{
    a->wsum += weight * value;
    a->wtot += weight;
}

static void acc_counts(struct acc *to, const struct acc *from)
{
    to->answered += from->answered;
    to->na += from->na;
    to->unanswered += from->unanswered;
}

/* The rounded score, or NAN when nothing was scored. */
static double acc_score(const struct acc *a)
{
    return a->wtot > 0 ? assess_round2(a->wsum / a->wtot) : NAN;
}

int assess_tier(double s)
{
    return s < 1.5 ? 1 : s < 2.5 ? 2 : s < 3.5 ? 3 : 4;
}

const char *assess_tier_name(int tier, bool ja)
{
    /* NIST CSWP 29 tier names; Japanese as in IPA's translations of the CSF */
    static const char *const en[] = {"Partial", "Risk Informed", "Repeatable", "Adaptive"};
    static const char *const jp[] = {"部分的", "リスク情報を活用", "繰り返し適用可能", "適応"};
    if (tier < 1 || tier > 4)
        return "";
    return ja ? jp[tier - 1] : en[tier - 1];
}

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *tier_or_null(double v)
{
    return isnan(v) ? json_null() : json_integer(assess_tier(v));
}

/* Sets score, tier and the three counts on o. */
static void put_figures(json_t *o, double score, const struct acc *a)
{
    json_object_set_new(o, "score", num_or_null(score));
    json_object_set_new(o, "tier", tier_or_null(score));
    json_object_set_new(o, "answered", json_integer((json_int_t)a->answered));
    json_object_set_new(o, "not_applicable", json_integer((json_int_t)a->na));
    json_object_set_new(o, "unanswered", json_integer((json_int_t)a->unanswered));
}

/* What each question's answer is; anything assess_answers_check would refuse is ignored. */
static void read_answers(const struct assess_framework *fw, const json_t *doc, unsigned char *state,
                         int *level)
{
    const json_t *answers = json_object_get(doc, "answers");
    const char *qid;
    json_t *a;
    json_object_foreach((json_t *)answers, qid, a)
    {
        long q = assess_framework_find(fw, qid);
        const json_t *l = json_object_get(a, "level");
        bool na = json_is_true(json_object_get(a, "not_applicable"));
        if (q < 0 || !json_is_object(a))
            continue;
        if (l && na)
            continue; /* contradictory: counted as unanswered */
        if (na) {
            state[q] = Q_NA;
        } else if (json_is_integer(l) && json_integer_value(l) >= 0 &&
                   json_integer_value(l) <= ASSESS_LEVEL_MAX) {
            state[q] = Q_ANSWERED;
            level[q] = (int)json_integer_value(l);
        }
    }
}

struct gap {
    const char *category, *function;
    double score;
};

static int cmp_gap(const void *pa, const void *pb)
{
    const struct gap *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    return strcmp(a->category, b->category);
}

static struct acc score_category(const struct assess_framework *fw, size_t ci,
                                 const unsigned char *state, const int *level)
{
    const struct assess_category *cat = &fw->categories[ci];
    struct acc a = {0};
    for (size_t k = 0; k < cat->nquestions; k++) {
        size_t q = cat->first_question + k;
        if (state[q] == Q_ANSWERED) {
            acc_add(&a, level[q], fw->questions[q].weight);
            a.answered++;
        } else if (state[q] == Q_NA) {
            a.na++;
        } else {
            a.unanswered++;
        }
    }
    return a;
}

/* One function's object; adds its scored categories to gaps and its figures to total. */
static json_t *score_function(const struct assess_framework *fw, size_t fi,
                              const unsigned char *state, const int *level, struct gap *gaps,
                              size_t *ngaps, struct acc *total)
{
    const struct assess_function *fn = &fw->functions[fi];
    json_t *o = json_object(), *cats = json_array();
    struct acc fa = {0};
    json_object_set_new(o, "id", json_string(fn->id));
    for (size_t k = 0; k < fn->ncategories; k++) {
        size_t ci = fn->first_category + k;
        struct acc ca = score_category(fw, ci, state, level);
        double s = acc_score(&ca);
        json_t *c = json_object();
        json_object_set_new(c, "id", json_string(fw->categories[ci].id));
        put_figures(c, s, &ca);
        json_array_append_new(cats, c);
        acc_counts(&fa, &ca);
        if (isnan(s))
            continue;
        /* the function mean uses the unrounded category means */
        acc_add(&fa, ca.wsum / ca.wtot, fw->categories[ci].weight);
        gaps[*ngaps].category = fw->categories[ci].id;
        gaps[*ngaps].function = fn->id;
        gaps[(*ngaps)++].score = s;
    }
    double fs = acc_score(&fa);
    put_figures(o, fs, &fa);
    json_object_set_new(o, "categories", cats);
    acc_counts(total, &fa);
    if (!isnan(fs))
        acc_add(total, fa.wsum / fa.wtot, fn->weight);
    return o;
}

static json_t *gap_list(struct gap *gaps, size_t n, size_t max)
{
    json_t *arr = json_array();
    qsort(gaps, n, sizeof(*gaps), cmp_gap);
    for (size_t i = 0; i < n && i < max; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:f}", "category", gaps[i].category,
                                             "function", gaps[i].function, "score", gaps[i].score));
    return arr;
}

json_t *assess_score_gaps(const struct assess_framework *fw, const json_t *answers, size_t max_gaps)
{
    size_t nq = fw->nquestions, ngaps = 0;
    unsigned char *state = xcalloc(nq ? nq : 1, 1);
    int *level = xcalloc(nq ? nq : 1, sizeof(*level));
    struct gap *gaps = xcalloc(fw->ncategories ? fw->ncategories : 1, sizeof(*gaps));
    json_t *out = json_object(), *fns = json_array(), *overall = json_object();
    struct acc total = {0};

    read_answers(fw, answers, state, level);
    for (size_t fi = 0; fi < fw->nfunctions; fi++)
        json_array_append_new(fns, score_function(fw, fi, state, level, gaps, &ngaps, &total));
    double s = acc_score(&total);
    put_figures(overall, s, &total);
    json_object_set_new(
        overall, "completeness",
        json_real(nq ? assess_round2((double)(total.answered + total.na) / (double)nq) : 0.0));
    json_object_set_new(out, "framework", json_string(fw->id));
    json_object_set_new(out, "framework_version", json_string(fw->version));
    json_object_set_new(out, "method", json_string(ASSESS_METHOD));
    json_object_set_new(out, "overall", overall);
    json_object_set_new(out, "functions", fns);
    json_object_set_new(out, "gaps", gap_list(gaps, ngaps, max_gaps));
    free(gaps);
    free(level);
    free(state);
    return out;
}

json_t *assess_score(const struct assess_framework *fw, const json_t *answers)
{
    return assess_score_gaps(fw, answers, ASSESS_GAPS_DEFAULT);
}

/* ---- resistance strength ---- */

/* The score of category id in a score document: NAN when absent or null. */
static double category_score(const json_t *scores, const char *id)
{
    size_t i, k;
    const json_t *f, *c;
    json_array_foreach(json_object_get(scores, "functions"), i, f)
    {
        json_array_foreach(json_object_get(f, "categories"), k, c)
        {
            const char *cid = json_string_value(json_object_get(c, "id"));
            if (cid && !strcmp(cid, id))
                return assess_num(c, "score");
        }
    }
    return NAN;
}

int assess_resistance(const json_t *scores, const char *const *categories, size_t n,
                      struct assess_resistance *out, struct err *e)
{
    double sum = 0;
    memset(out, 0, sizeof(*out));
    if (!json_is_array(json_object_get(scores, "functions")) || !categories || n == 0)
        return err_set(e, ASSESS_EINVAL,
                       "resistance needs a score document and at least one "
                       "category");
    for (size_t i = 0; i < n; i++) {
        double s = categories[i] ? category_score(scores, categories[i]) : NAN;
        if (isnan(s) || s < 0 || s > ASSESS_LEVEL_MAX)
            continue;
        sum += s;
        out->used++;
    }
    if (!out->used)
        return err_set(e, ASSESS_ENOSCORE,
                       "none of the %zu named categories has a score in "
                       "the assessment",
                       n);
    out->s = sum / (double)out->used;
    out->mode = out->s / ASSESS_LEVEL_MAX;
    out->low = MAX(0.0, out->mode - 0.15);
    out->high = MIN(1.0, out->mode + 0.15);
    return ASSESS_OK;
}
