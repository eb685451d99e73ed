/*
 * risk_int.h — helpers shared by the files of src/risk/ only: the generator and samplers as
 * inline functions (the simulation's hot path), compiled estimates, and the figures.
 *
 * The public wrappers in risk_rng.c call these same functions, so tests of the wrappers test
 * the hot path.
 */
#ifndef RISK_RISK_INT_H
#define RISK_RISK_INT_H

#include <math.h>

#include "risk.h"

/* ---- SplitMix64 keys and xoshiro256++ streams ---- */

#define RISK_SM_GAMMA 0x9e3779b97f4a7c15ULL

static inline uint64_t risk_sm_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The key every stream of one seed is derived from. */
static inline uint64_t risk_seed_key(uint64_t seed)
{
    return risk_sm_mix(seed ^ 0x6a09e667f3bcc909ULL);
}

/* SplitMix64 outputs 4c+1 … 4c+4 under key, c = scenario·2³² + year (injective for
 * scenario < 2³⁰), become the xoshiro state. At most one word can be zero (the mix is a
 * bijection), so the state is never all-zero. */
static inline void risk_rng_seed(struct risk_rng *r, uint64_t key, uint32_t scenario, uint32_t year)
{
    uint64_t base = key + (((uint64_t)scenario << 32 | year) << 2) * RISK_SM_GAMMA;
    r->s[0] = risk_sm_mix(base + 1 * RISK_SM_GAMMA);
    r->s[1] = risk_sm_mix(base + 2 * RISK_SM_GAMMA);
    r->s[2] = risk_sm_mix(base + 3 * RISK_SM_GAMMA);
    r->s[3] = risk_sm_mix(base + 4 * RISK_SM_GAMMA);
}

static inline uint64_t risk_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t risk_next(struct risk_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = risk_rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = risk_rotl(s[3], 45);
    return out;
}

/* (k + 0.5)·2⁻⁵² for the top 52 bits k: in [2⁻⁵³, 1 − 2⁻⁵³], never 0 or 1. */
static inline double risk_uniform(struct risk_rng *r)
{
    return ((double)(risk_next(r) >> 12) + 0.5) * 0x1.0p-52;
}

/* ---- normal: ziggurat ---- */

#define RISK_ZIG_R 3.6541528853610088 /* start of the tail, 256 layers */
#define RISK_ZIG_V 0.00492867323399   /* area of each layer */

/* x[i]: right edge of layer i (x[0] the base layer's virtual width, x[1] = R, x[256] = 0);
 * f[i] = exp(−x[i]²/2). Filled once by risk_tables_init(). */
extern double risk_zig_x[257];
extern double risk_zig_f[257];

void risk_tables_init(void); /* idempotent and thread-safe (pthread_once) */

/* The rare path: wedges and the tail. Returns true and sets *z when the candidate x drawn in
 * layer i (u: its signed uniform) is accepted; false means draw again. */
bool risk_zig_slow(struct risk_rng *r, unsigned i, double u, double x, double *z);

static inline double risk_normal(struct risk_rng *r)
{
    for (;;) {
        uint64_t bits = risk_next(r);
        unsigned i = (unsigned)(bits & 0xff);
        /* bits 11…63 (independent of the layer bits 0…7) → [−1, 1) */
        double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0;
        double x = u * risk_zig_x[i];
        double z;
        if (fabs(x) < risk_zig_x[i + 1])
            return x;
        if (risk_zig_slow(r, i, u, x, &z))
            return z;
    }
}

/* ---- gamma (Marsaglia–Tsang, shape ≥ 1) ---- */

struct risk_gamma {
    double d, c; /* d = a − 1/3, c = 1/√(9d) */
};

static inline void risk_gamma_prepare(struct risk_gamma *g, double shape)
{
    g->d = shape - 1.0 / 3.0;
    g->c = 1.0 / sqrt(9.0 * g->d);
}

static inline double risk_gamma_draw(struct risk_rng *r, const struct risk_gamma *g)
{
    for (;;) {
        double x, v, u, x2;
        do {
            x = risk_normal(r);
            v = 1.0 + g->c * x;
        } while (v <= 0.0);
        v = v * v * v;
        u = risk_uniform(r);
        x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2)
            return g->d * v;
        if (log(u) < 0.5 * x2 + g->d * (1.0 - v + log(v)))
            return g->d * v;
    }
}

/* ---- Poisson ---- */

uint64_t risk_poisson_ptrs(struct risk_rng *r, double lambda); /* λ ≥ 10 */

static inline uint64_t risk_poisson(struct risk_rng *r, double lambda)
{
    if (lambda >= 10.0)
        return risk_poisson_ptrs(r, lambda);
    if (lambda <= 0.0)
        return 0;
    /* inversion by sequential search; the bound only guards against rounding that leaves the
     * cumulative sum just below u (P(k > 100) < 1e-60 for λ < 10) */
    double u = risk_uniform(r), p = exp(-lambda), f = p;
    uint64_t k = 0;
    while (u > f && k < 100) {
        k++;
        p *= lambda / (double)k;
        f += p;
    }
    return k;
}

/* ---- compiled estimates ---- */

struct risk_draw {
    enum risk_dist dist;
    double a, b;              /* fixed: a = value; pert: a = low, b = high − low; logn: μ, σ */
    struct risk_gamma ga, gb; /* pert: Gamma(α), Gamma(β) */
};

void risk_draw_prepare(struct risk_draw *d, const struct risk_estimate *e);

static inline double risk_draw_one(const struct risk_draw *d, struct risk_rng *r)
{
    switch (d->dist) {
    case RISK_DIST_PERT: {
        double x = risk_gamma_draw(r, &d->ga), y = risk_gamma_draw(r, &d->gb);
        return d->a + d->b * (x / (x + y));
    }
    case RISK_DIST_LOGNORMAL90:
        return exp(d->a + d->b * risk_normal(r));
    default:
        return d->a;
    }
}

/* Σ of m draws: the distribution is dispatched once per batch, not per draw. */
static inline double risk_draw_sum(const struct risk_draw *d, struct risk_rng *r, uint64_t m)
{
    double s = 0.0;
    switch (d->dist) {
    case RISK_DIST_PERT:
        for (uint64_t i = 0; i < m; i++) {
            double x = risk_gamma_draw(r, &d->ga), y = risk_gamma_draw(r, &d->gb);
            s += d->a + d->b * (x / (x + y));
        }
        return s;
    case RISK_DIST_LOGNORMAL90:
        for (uint64_t i = 0; i < m; i++)
            s += exp(d->a + d->b * risk_normal(r));
        return s;
    default:
        return d->a * (double)m;
    }
}

/* ---- figures (risk_stats.c) ---- */

/* Computes the figures of the annual losses v[0..n) (n ≥ 1, all ≥ +0). Destroys v and uses
 * tmp[0..n) as scratch. loss_events is the total over the n years. */
void risk_stats_compute(double *v, double *tmp, size_t n, const double *thresholds,
                        size_t nthresholds, uint64_t loss_events, struct risk_stats *out);

/* ---- estimate kinds (risk_dist.c): what each field of a scenario may hold ---- */

enum risk_kind {
    RISK_K_FREQUENCY,   /* tef: events per year, 0 … RISK_TEF_MAX */
    RISK_K_PROBABILITY, /* vulnerability, secondary probability: 0 … 1 */
    RISK_K_SCALE,       /* threat capability, resistance: 0 … 1 */
    RISK_K_AMOUNT,      /* yen, 0 … RISK_AMOUNT_MAX; a lognormal's low at least 1 yen */
};

#endif
