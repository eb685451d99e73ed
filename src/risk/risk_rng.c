/*
 * risk_rng.c — the generator's tables and rare paths (ziggurat wedges and tail, PTRS Poisson),
 * and the public wrappers of the inline samplers in risk_int.h.
 */
#include <pthread.h>

#include "risk_int.h"

double risk_zig_x[257];
double risk_zig_f[257];

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* Marsaglia & Tsang (2000), "The Ziggurat Method for Generating Random Variables", §3:
 * x₁ = R, x_{i+1} = √(−2 ln(V/x_i + f(x_i))); the base layer (rectangle plus tail) has width
 * V/f(R). The table is indexed from the bottom: layer i spans heights [f(x_i), f(x_{i+1})]. */
static void tables_fill(void)
{
    double *x = risk_zig_x, *f = risk_zig_f;
    x[0] = RISK_ZIG_V / exp(-0.5 * RISK_ZIG_R * RISK_ZIG_R);
    x[1] = RISK_ZIG_R;
    for (int i = 2; i < 256; i++)
        x[i] = sqrt(-2.0 * log(RISK_ZIG_V / x[i - 1] + exp(-0.5 * x[i - 1] * x[i - 1])));
    x[256] = 0.0;
    for (int i = 0; i <= 256; i++)
        f[i] = exp(-0.5 * x[i] * x[i]);
}

void risk_tables_init(void)
{
    BUG_ON(pthread_once(&tables_once, tables_fill) != 0);
}

bool risk_zig_slow(struct risk_rng *r, unsigned i, double u, double x, double *z)
{
    if (i == 0) {
        /* the tail beyond R (Marsaglia 1964): x = −ln(U₁)/R, accept when −2 ln U₂ ≥ x² */
        double t, y;
        do {
            t = -log(risk_uniform(r)) / RISK_ZIG_R;
            y = -log(risk_uniform(r));
        } while (2.0 * y < t * t);
        *z = u < 0.0 ? -(RISK_ZIG_R + t) : RISK_ZIG_R + t;
        return true;
    }
    /* a wedge: a uniform height within the layer, under the density? */
    if (risk_zig_f[i] + (risk_zig_f[i + 1] - risk_zig_f[i]) * risk_uniform(r) < exp(-0.5 * x * x)) {
        *z = x;
        return true;
    }
    return false;
}

/* ln Γ(x) for x ≥ 1 by the Stirling series, shifted up to 7 for small x (NumPy's
 * random_loggam). lgamma() is avoided: it writes the global signgam, which threads share. */
static double loggam(double x)
{
    static const double a[10] = {8.333333333333333e-02, -2.777777777777778e-03,
                                 7.936507936507937e-04, -5.952380952380952e-04,
                                 8.417508417508418e-04, -1.917526917526918e-03,
                                 6.410256410256410e-03, -2.955065359477124e-02,
                                 1.796443723688307e-01, -1.39243221690590e+00};
    double x0 = x, x2, gl0, gl;
    int n = 0;
    if (x == 1.0 || x == 2.0)
        return 0.0;
    if (x < 7.0) {
        n = (int)(7 - x);
        x0 = x + n;
    }
    x2 = 1.0 / (x0 * x0);
    gl0 = a[9];
    for (int k = 8; k >= 0; k--)
        gl0 = gl0 * x2 + a[k];
    gl = gl0 / x0 + 0.9189385332046727 + (x0 - 0.5) * log(x0) - x0; /* ½ ln 2π */
    for (int k = 1; k <= n; k++) {
        gl -= log(x0 - 1.0);
        x0 -= 1.0;
    }
    return gl;
}

/* Hörmann (1993), "The transformed rejection method for generating Poisson random
 * variables", algorithm PTRS; constants as published (and in NumPy's random_poisson_ptrs). */
uint64_t risk_poisson_ptrs(struct risk_rng *r, double lambda)
{
    double slam = sqrt(lambda), loglam = log(lambda);
    double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    double log_invalpha = log(1.1239 + 1.1328 / (b - 3.4)), vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
        double u = risk_uniform(r) - 0.5, v = risk_uniform(r), us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr)
            return (uint64_t)k;
        if (k < 0 || k > 4 * lambda + 1000 || (us < 0.013 && v > us))
            continue; /* the upper cut only keeps the cast defined: such k are never accepted */
        if (log(v) + log_invalpha - log(a / (us * us) + b) <= -lambda + k * loglam - loggam(k + 1))
            return (uint64_t)k;
    }
}

/* ---- public wrappers ---- */

void risk_rng_init(struct risk_rng *r, uint64_t seed, uint32_t scenario, uint32_t year)
{
    risk_tables_init();
    risk_rng_seed(r, risk_seed_key(seed), scenario, year);
}

uint64_t risk_rng_u64(struct risk_rng *r)
{
    return risk_next(r);
}

double risk_rng_uniform(struct risk_rng *r)
{
    return risk_uniform(r);
}

double risk_rng_normal(struct risk_rng *r)
{
    return risk_normal(r);
}

uint64_t risk_rng_poisson(struct risk_rng *r, double lambda)
{
    return risk_poisson(r, MIN(lambda, RISK_TEF_MAX));
}

double risk_rng_gamma(struct risk_rng *r, double shape)
{
    struct risk_gamma g;
    if (shape >= 1.0) {
        risk_gamma_prepare(&g, shape);
        return risk_gamma_draw(r, &g);
    }
    /* Gamma(a) = Gamma(a + 1)·U^(1/a) (Marsaglia & Tsang 2000, §5) */
    risk_gamma_prepare(&g, shape + 1.0);
    double x = risk_gamma_draw(r, &g);
    return x * pow(risk_uniform(r), 1.0 / shape);
}

double risk_rng_beta(struct risk_rng *r, double a, double b)
{
    double x = risk_rng_gamma(r, a), y = risk_rng_gamma(r, b);
    return x / (x + y);
}
