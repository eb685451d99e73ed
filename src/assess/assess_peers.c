/*
 * assess_peers.c — comparison of an organisation's scores with its peers (docs/assessment-
 * spec.md, "Peers"). The caller chooses the candidate groups and their order (sector + size
 * band → sector → size band → all) and supplies the other organisations' latest submitted
 * score documents; this file picks the first group with at least k of them and computes the
 * figures. Peers are only ever counted, never named (reference/assessment-and-risk.md §4.3:
 * publish n with every peer figure; use a distribution-aware position such as a percentile).
 */
#include <math.h>

#include "assess_int.h"

static const char *framework_of(const json_t *doc)
{
    return json_string_value(json_object_get(doc, "framework"));
}

/* A peer document counts when it is for the same framework and has an overall score. */
static bool usable(const json_t *peer, const char *framework)
{
    const char *f = framework_of(peer);
    return json_is_object(peer) && f && !strcmp(f, framework) &&
           !isnan(assess_num(json_object_get(peer, "overall"), "score"));
}

static size_t usable_count(const struct assess_peer_group *g, const char *framework)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++)
        n += usable(g->scores[i], framework);
    return n;
}

/* The function object with this id in a score document, or NULL. */
static const json_t *function_of(const json_t *doc, const char *id)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(doc, "functions"), i, f)
    {
        const char *fid = json_string_value(json_object_get(f, "id"));
        if (fid && !strcmp(fid, id))
            return f;
    }
    return NULL;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

/* Figures for one comparison: own is the organisation's score (NAN if none), v[0..n) the
 * peers' scores. Fewer than k values → only n is shown. */
static json_t *figures(double own, double *v, size_t n, size_t k)
{
    json_t *o = json_object();
    double sum = 0, below = 0, ties = 0;
    json_object_set_new(o, "score", isnan(own) ? json_null() : json_real(own));
    json_object_set_new(o, "n", json_integer((json_int_t)n));
    if (n < k) {
        json_object_set_new(o, "average", json_null());
        json_object_set_new(o, "median", json_null());
        json_object_set_new(o, "percentile", json_null());
        return o;
    }
    qsort(v, n, sizeof(*v), cmp_double);
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        below += v[i] < own;
        ties += v[i] == own;
    }
    double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    json_object_set_new(o, "average", json_real(assess_round2(sum / (double)n)));
    json_object_set_new(o, "median", json_real(assess_round2(median)));
    json_object_set_new(o, "percentile",
                        isnan(own)
                            ? json_null()
                            : json_real(assess_round1((below + ties / 2) / (double)n * 100.0)));
    return o;
}

/* Collects the peers' score at (function id or NULL for overall) into v; returns how many. */
static size_t collect(const struct assess_peer_group *g, const char *framework, const char *fid,
                      double *v)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) {
        const json_t *p = g->scores[i];
        if (!usable(p, framework))
            continue;
        double s = assess_num(fid ? function_of(p, fid) : json_object_get(p, "overall"), "score");
        if (!isnan(s))
            v[n++] = s;
    }
    return n;
}

static json_t *compare(const json_t *own, const struct assess_peer_group *g, size_t n, size_t k)
{
    const char *fw = framework_of(own);
    double *v = xcalloc(g->n ? g->n : 1, sizeof(*v));
    json_t *out = json_object(), *fns = json_array();
    size_t i, m;
    const json_t *f;
    json_object_set_new(out, "status", json_string("ok"));
    json_object_set_new(out, "group", json_string(g->name ? g->name : ""));
    json_object_set_new(out, "n", json_integer((json_int_t)n));
    json_object_set_new(out, "k", json_integer((json_int_t)k));
    m = collect(g, fw, NULL, v);
    json_object_set_new(out, "overall",
                        figures(assess_num(json_object_get(own, "overall"), "score"), v, m, k));
    json_array_foreach(json_object_get(own, "functions"), i, f)
    {
        const char *fid = json_string_value(json_object_get(f, "id"));
        if (!fid)
            continue;
        m = collect(g, fw, fid, v);
        json_t *x = figures(assess_num(f, "score"), v, m, k);
        json_object_set_new(x, "id", json_string(fid));
        json_array_append_new(fns, x);
    }
    json_object_set_new(out, "functions", fns);
    free(v);
    return out;
}

json_t *assess_peers(const json_t *own, const struct assess_peer_group *groups, size_t ngroups,
                     size_t k)
{
    const char *fw = framework_of(own);
    size_t largest = 0;
    if (!json_is_object(own) || !fw || !json_is_array(json_object_get(own, "functions")))
        return NULL;
    if (k < 1)
        k = 1;
    for (size_t g = 0; g < ngroups; g++) {
        size_t n = usable_count(&groups[g], fw);
        if (n >= k)
            return compare(own, &groups[g], n, k);
        largest = MAX(largest, n);
    }
    return json_pack("{s:s, s:n, s:I, s:I}", "status", "insufficient", "group", "n",
                     (json_int_t)largest, "k", (json_int_t)k);
}
