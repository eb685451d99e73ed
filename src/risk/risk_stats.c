/*
 * risk_stats.c — the figures of a set of simulated annual losses: one LSD radix sort of the
 * non-zero losses, then order statistics, moments, exceedance probabilities and the loss
 * exceedance curve read off the sorted array (conventions in risk.h, "Figures").
 *
 * Why radix: a non-negative IEEE 754 double orders like its bit pattern read as an unsigned
 * integer, so six passes of 11 bits sort any number of losses in linear time, with passes
 * whose digit is the same for every key (the sign and high exponent bits, usually) skipped.
 * Zero years (often most of them for rare events) are counted, not sorted.
 */
#include "risk_int.h"

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_PASSES 6 /* 66 ≥ 64 bits */

static uint64_t key_of(double d)
{
    uint64_t k;
    memcpy(&k, &d, sizeof(k));
    return k;
}

/* Sorts a[0..n) ascending (all ≥ +0) using b[0..n) as scratch; returns whichever holds the
 * result. */
static double *radix_sort(double *a, double *b, size_t n)
{
    uint32_t(*count)[RADIX_SIZE] = xcalloc(RADIX_PASSES, sizeof(*count));
    for (size_t i = 0; i < n; i++) {
        uint64_t k = key_of(a[i]);
        for (int p = 0; p < RADIX_PASSES; p++)
            count[p][(k >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
    }
    for (int p = 0; p < RADIX_PASSES; p++) {
        uint32_t *c = count[p], sum = 0;
        int shift = p * RADIX_BITS;
        if (n == 0 || c[(key_of(a[0]) >> shift) & (RADIX_SIZE - 1)] == n)
            continue; /* every key has this digit: the pass would not move anything */
        for (uint32_t d = 0; d < RADIX_SIZE; d++) {
            uint32_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            b[c[(key_of(a[i]) >> shift) & (RADIX_SIZE - 1)]++] = a[i];
        double *t = a;
        a = b;
        b = t;
    }
    free(count);
    return a;
}

/* Index of the first element ≥ x (lower) or > x (upper) in the sorted s[0..n). */
static size_t bound(const double *s, size_t n, double x, bool upper)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (upper ? s[mid] <= x : s[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct sorted {
    const double *s; /* the non-zero losses, ascending */
    size_t nz;       /* how many */
    size_t zeros;    /* years with no loss, which come first in the full order */
    size_t n;        /* all years */
};

static double order_stat(const struct sorted *o, size_t i)
{
    return i < o->zeros ? 0.0 : o->s[i - o->zeros];
}

/* Linear interpolation between order statistics at h = (n − 1)·q ("type 7"). */
static double percentile(const struct sorted *o, double q)
{
    double h = (double)(o->n - 1) * q, fl = floor(h);
    size_t i = (size_t)fl;
    double lo = order_stat(o, i), hi;
    if (i + 1 >= o->n)
        return lo;
    hi = order_stat(o, i + 1);
    return fmin(lo + (h - fl) * (hi - lo), hi); /* rounding never lifts it past hi */
}

static void moments(const struct sorted *o, struct risk_stats *st)
{
    double sum = 0.0, m2;
    for (size_t i = 0; i < o->nz; i++) /* ascending: small terms first */
        sum += o->s[i];
    st->mean = sum / (double)o->n;
    m2 = (double)o->zeros * st->mean * st->mean;
    for (size_t i = 0; i < o->nz; i++) {
        double d = o->s[i] - st->mean;
        m2 += d * d;
    }
    st->stdev = o->n > 1 ? sqrt(m2 / (double)(o->n - 1)) : 0.0;
}

/* RISK_LEC_POINTS losses log-spaced from the 1st percentile of the non-zero losses to the
 * largest, each with P(L ≥ x). One point when they coincide, none without a loss. */
static void lec(const struct sorted *o, struct risk_stats *st)
{
    double lo, hi, llo, step;
    st->nlec = 0;
    if (o->nz == 0)
        return;
    lo = o->s[(size_t)floor(0.01 * (double)(o->nz - 1))];
    hi = o->s[o->nz - 1];
    if (!(lo < hi)) {
        st->lec[0].loss = hi;
        st->lec[0].probability = (double)(o->nz - bound(o->s, o->nz, hi, false)) / (double)o->n;
        st->nlec = 1;
        return;
    }
    llo = log(lo);
    step = (log(hi) - llo) / (RISK_LEC_POINTS - 1);
    for (size_t i = 0; i < RISK_LEC_POINTS; i++) {
        double x = i == 0 ? lo : i == RISK_LEC_POINTS - 1 ? hi : exp(llo + step * (double)i);
        st->lec[i].loss = x;
        st->lec[i].probability = (double)(o->nz - bound(o->s, o->nz, x, false)) / (double)o->n;
    }
    st->nlec = RISK_LEC_POINTS;
}

void risk_stats_compute(double *v, double *tmp, size_t n, const double *thresholds,
                        size_t nthresholds, uint64_t loss_events, struct risk_stats *out)
{
    struct sorted o = {.n = n};
    size_t nz = 0;
    BUG_ON(n == 0);
    for (size_t i = 0; i < n; i++) /* branch-free compaction of the non-zero losses */
    {
        tmp[nz] = v[i];
        nz += v[i] > 0.0;
    }
    o.s = radix_sort(tmp, v, nz);
    o.nz = nz;
    o.zeros = n - nz;

    memset(out, 0, sizeof(*out));
    moments(&o, out);
    out->p10 = percentile(&o, 0.10);
    out->p50 = percentile(&o, 0.50);
    out->p90 = percentile(&o, 0.90);
    out->p95 = percentile(&o, 0.95);
    out->p99 = percentile(&o, 0.99);
    out->max = nz ? o.s[nz - 1] : 0.0;
    out->p_loss = (double)nz / (double)n;
    out->loss_events = (double)loss_events / (double)n;
    for (size_t t = 0; t < nthresholds; t++)
        out->exceed[t] = (double)(nz - bound(o.s, nz, thresholds[t], true)) / (double)n;
    lec(&o, out);
}
