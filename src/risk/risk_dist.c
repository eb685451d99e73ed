/*
 * risk_dist.c — estimates: parameters, analytic moments, compiled samplers, batch draws, and
 * the spec's score → resistance mapping.
 */
#include "risk_int.h"

const char *risk_dist_name(enum risk_dist d)
{
    switch (d) {
    case RISK_DIST_PERT:
        return "pert";
    case RISK_DIST_LOGNORMAL90:
        return "lognormal90";
    default:
        return "fixed";
    }
}

/* Vose's modified PERT with γ = 4 (spec "Risk"). */
void risk_pert_shape(const struct risk_estimate *e, double *alpha, double *beta)
{
    double w = e->high - e->low;
    *alpha = *beta = 0.0;
    if (e->dist != RISK_DIST_PERT || !(w > 0))
        return;
    *alpha = 1.0 + RISK_PERT_GAMMA * (e->mode - e->low) / w;
    *beta = 1.0 + RISK_PERT_GAMMA * (e->high - e->mode) / w;
}

/* riskquant's fit: low and high are the 5th and 95th percentiles. */
void risk_lognormal_params(const struct risk_estimate *e, double *mu, double *sigma)
{
    *mu = *sigma = 0.0;
    if (e->dist != RISK_DIST_LOGNORMAL90)
        return;
    *mu = (log(e->low) + log(e->high)) / 2.0;
    *sigma = (log(e->high) - log(e->low)) / (2.0 * RISK_Z95);
}

double risk_estimate_mean(const struct risk_estimate *e)
{
    double a, b;
    switch (e->dist) {
    case RISK_DIST_PERT:
        /* low + w·α/(α+β) = (low + γ·mode + high)/(γ + 2) */
        return (e->low + RISK_PERT_GAMMA * e->mode + e->high) / (RISK_PERT_GAMMA + 2.0);
    case RISK_DIST_LOGNORMAL90:
        risk_lognormal_params(e, &a, &b);
        return exp(a + b * b / 2.0);
    default:
        return e->low;
    }
}

double risk_estimate_variance(const struct risk_estimate *e)
{
    double a, b, w = e->high - e->low;
    switch (e->dist) {
    case RISK_DIST_PERT:
        risk_pert_shape(e, &a, &b);
        return w * w * a * b / ((a + b) * (a + b) * (a + b + 1.0));
    case RISK_DIST_LOGNORMAL90:
        risk_lognormal_params(e, &a, &b);
        return expm1(b * b) * exp(2.0 * a + b * b);
    default:
        return 0.0;
    }
}

void risk_draw_prepare(struct risk_draw *d, const struct risk_estimate *e)
{
    double alpha, beta;
    memset(d, 0, sizeof(*d));
    d->dist = e->dist;
    switch (e->dist) {
    case RISK_DIST_PERT:
        risk_pert_shape(e, &alpha, &beta);
        d->a = e->low;
        d->b = e->high - e->low;
        /* α, β ≥ 1 always (γ = 4, low ≤ mode ≤ high): Marsaglia–Tsang applies directly */
        risk_gamma_prepare(&d->ga, alpha);
        risk_gamma_prepare(&d->gb, beta);
        break;
    case RISK_DIST_LOGNORMAL90:
        risk_lognormal_params(e, &d->a, &d->b);
        break;
    default:
        d->a = e->low;
        break;
    }
}

void risk_estimate_fill(const struct risk_estimate *e, struct risk_rng *r, double *out, size_t n)
{
    struct risk_draw d;
    risk_tables_init();
    risk_draw_prepare(&d, e);
    switch (d.dist) {
    case RISK_DIST_PERT:
        for (size_t i = 0; i < n; i++) {
            double x = risk_gamma_draw(r, &d.ga), y = risk_gamma_draw(r, &d.gb);
            out[i] = d.a + d.b * (x / (x + y));
        }
        break;
    case RISK_DIST_LOGNORMAL90:
        for (size_t i = 0; i < n; i++)
            out[i] = exp(d.a + d.b * risk_normal(r));
        break;
    default:
        for (size_t i = 0; i < n; i++)
            out[i] = d.a;
        break;
    }
}

void risk_resistance_from_score(double s, struct risk_estimate *out)
{
    double m = (s != s) ? 0.0 : MIN(MAX(s, 0.0), 4.0) / 4.0;
    out->dist = RISK_DIST_PERT;
    out->low = MAX(0.0, m - 0.15);
    out->mode = m;
    out->high = MIN(1.0, m + 0.15);
}

/* E[X²] of an estimate. */
static double second_moment(const struct risk_estimate *e)
{
    double m = risk_estimate_mean(e);
    return risk_estimate_variance(e) + m * m;
}

/*
 * Per year: Λ = T·V (independent), Q; given them M ~ Poisson(Λ) loss events, each costing
 * X = P + B·S with B ~ Bernoulli(Q). Then E[L] = E[Λ]·(P̄ + Q̄·S̄) and, by the law of total
 * variance with Var[L | Λ, Q] = Λ·E[X² | Q] (compound Poisson),
 *   Var[L] = E[Λ]·(E[P²] + Q̄·(2P̄S̄ + E[S²])) + E[Λ²]·E[(P̄ + QS̄)²] − (E[Λ]·(P̄ + Q̄S̄))².
 */
int risk_scenario_moments(const struct risk_scenario *sc, double *mean, double *variance)
{
    double lam, lam2, p, p2, q = 0, q2 = 0, s = 0, s2 = 0, mu, mu2;
    if (sc->susceptibility != RISK_BY_VULNERABILITY)
        return -1;
    lam = risk_estimate_mean(&sc->tef) * risk_estimate_mean(&sc->vulnerability);
    lam2 = second_moment(&sc->tef) * second_moment(&sc->vulnerability);
    p = risk_estimate_mean(&sc->primary_loss);
    p2 = second_moment(&sc->primary_loss);
    if (sc->has_secondary) {
        q = risk_estimate_mean(&sc->secondary_probability);
        q2 = second_moment(&sc->secondary_probability);
        s = risk_estimate_mean(&sc->secondary_loss);
        s2 = second_moment(&sc->secondary_loss);
    }
    mu = p + q * s;
    mu2 = p * p + 2 * p * s * q + s * s * q2;
    *mean = lam * mu;
    *variance = lam * (p2 + q * (2 * p * s + s2)) + lam2 * mu2 - (*mean) * (*mean);
    return 0;
}
