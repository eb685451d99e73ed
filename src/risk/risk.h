/*
 * risk.h — FAIR (Open FAIR, O-RT/O-RA) risk quantification by Monte Carlo: loss scenarios built
 * from calibrated estimates, a seeded simulation of annual losses, and summary figures (mean,
 * percentiles, exceedance probabilities, a loss exceedance curve) per scenario and for the
 * portfolio. The contract is docs/assessment-and-risk.md, section "Risk"; the background is
 * reference/assessment-and-risk.md §3.
 *
 * What it is: pure domain code. Randomness comes only from the seeded generator below; the same
 * request and seed give bit-identical results on any number of threads. The only system
 * facilities used are threads (pthreads) and, when the caller asks for the default thread count,
 * the online CPU count.
 * What it is not: storage, HTTP, or the maturity assessment. A scenario may take its resistance
 * strength from an assessment ({"from_assessment": [category ids]}); the module only parses that
 * form and applies the spec's mapping from a mean score to a PERT estimate. The caller looks the
 * score up (see risk_request_resolve).
 * Who calls it: http/ and cli/ (`ichigen risk simulate`), src/rating/ (results in a report),
 * tests, fuzz/, bench/.
 *
 * Model (one simulated year of one scenario, spec "Risk"):
 *   T   ~ tef estimate (threat events per year; a draw above RISK_TEF_MAX is clamped)
 *   with "vulnerability":      V ~ estimate, loss events M ~ Poisson(T·V)
 *   with TCap and resistance:  N ~ Poisson(T); each threat event is a loss event when
 *                              TCap > RS, both drawn afresh for that event
 *   each loss event costs a primary draw, plus, with probability Q (drawn once per year), a
 *   secondary draw. Annual loss = the sum. The portfolio's year y = the sum over scenarios of
 *   their year y.
 * "Each threat event is a loss event with probability V" is simulated by Poisson thinning: the
 * number of threat events kept with probability V out of Poisson(T) is exactly Poisson(T·V) in
 * distribution, and one draw is cheaper than N Bernoulli trials.
 *
 * Estimates (spec "Risk", ESTIMATE):
 *   pert        modified (Vose) PERT, γ = 4: low + (high−low)·Beta(α, β) with
 *               α = 1 + 4(mode−low)/(high−low), β = 1 + 4(high−mode)/(high−low).
 *               (pyfair's "classic" moment-matched BetaPERT is a different shape with the same
 *               mean; riskquant and mc2d use this one.)
 *   lognormal90 low and high are the 5th and 95th percentiles: μ = (ln low + ln high)/2,
 *               σ = (ln high − ln low)/(2·1.6448536…) (riskquant's SimpleLoss).
 *   fixed       a constant.
 *
 * Random numbers (why these):
 *   Streams: every (seed, scenario index, year index) has its own xoshiro256++ generator whose
 *   256-bit state is four consecutive outputs of the counter-based SplitMix64 at counter
 *   4·(scenario·2³² + year) under a key derived from the seed. Distinct (scenario, year) pairs
 *   therefore get distinct, well-mixed states (SplitMix64 is a bijection of its counter), and a
 *   year's draws depend on nothing else: threads may take years in any order and the results do
 *   not change. xoshiro256++ (Blackman & Vigna) is fast and passes BigCrush; a year uses few
 *   outputs, far from its 2²⁵⁶ period.
 *   Uniform: 52 random bits mapped to (0, 1), never 0 or 1.
 *   Normal: 256-layer ziggurat (Marsaglia & Tsang 2000) with the layer and the value taken from
 *   independent bits of one 64-bit output (Doornik 2005), exact tail by Marsaglia's method.
 *   Poisson: inversion by sequential search for λ < 10; Hörmann's PTRS transformed rejection
 *   with squeeze (1993, as in NumPy) for λ ≥ 10. Both exact.
 *   Gamma: Marsaglia & Tsang (2000) for shape ≥ 1, with Gamma(a) = Gamma(a+1)·U^(1/a) below 1.
 *   Beta(α, β) = X/(X+Y) with X ~ Gamma(α), Y ~ Gamma(β); PERT draws use it.
 *
 * Figures: percentiles interpolate linearly between order statistics (NumPy's and R's default,
 * "type 7"); stdev is the sample standard deviation (n − 1); exceedance is P(annual loss > t);
 * the loss exceedance curve has RISK_LEC_POINTS losses spaced logarithmically from the 1st
 * percentile of the non-zero annual losses to the largest one, each with P(annual loss ≥ x)
 * ("at least", so the largest simulated loss shows with probability 1/years, not 0).
 * Percentiles come from one radix sort of the non-zero annual losses per scenario.
 *
 * Cost: memory ≈ 32 bytes × years whatever the number of scenarios (two scenario buffers, the
 * portfolio and a sort buffer), 320 MB at the 10,000,000-year limit. Time: roughly 50 ns per
 * scenario-year plus 7–30 ns per event on one core (bench/bench_risk.c), so the limits allow
 * requests of several CPU-minutes (200 scenarios × 10,000,000 years; RISK_EVENTS_MAX expected
 * threat events): callers serving requests should set tighter limits of their own.
 */
#ifndef RISK_RISK_H
#define RISK_RISK_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/err.h"
#include "../core/verr.h"

/* ---- limits and constants ---- */

#define RISK_YEARS_MAX 10000000 /* spec "Risk": years ≤ 10,000,000 */
#define RISK_SCENARIOS_MAX 200  /* spec "Risk": scenarios ≤ 200 */
#define RISK_THRESHOLDS_MAX 32  /* exceedance thresholds in one request */
#define RISK_ASSETS_MAX 100     /* asset ids named by one scenario */
#define RISK_CATEGORIES_MAX 50  /* categories in one from_assessment list */
#define RISK_ID_MAX 80          /* characters of a scenario, asset or category id */
#define RISK_NAME_MAX 200       /* characters of a scenario name */
#define RISK_AMOUNT_MAX 1e15    /* yen: any amount in an estimate or a threshold */
#define RISK_TEF_MAX 1e6        /* threat events per year: estimate bound and draw clamp */
#define RISK_EVENTS_MAX 1e10    /* expected threat events in one simulation (years × Σ E[tef]) */
#define RISK_THREADS_MAX 64
#define RISK_LEC_POINTS 50
#define RISK_DEFAULT_SEED 42      /* pyfair's default */
#define RISK_DEFAULT_YEARS 100000 /* riskquant's default */
#define RISK_PERT_GAMMA 4.0
#define RISK_Z95 1.6448536269514722 /* Φ⁻¹(0.95) */
#define RISK_METHOD "fair-mc-v1"    /* named in results; bump when the figures would change */

/* ---- the generator (exposed for tests and benchmarks; the simulation inlines its own) ---- */

struct risk_rng {
    uint64_t s[4]; /* xoshiro256++ state */
};

/* Seeds the stream of (seed, scenario, year). Deterministic; any values are allowed. */
void risk_rng_init(struct risk_rng *r, uint64_t seed, uint32_t scenario, uint32_t year);
uint64_t risk_rng_u64(struct risk_rng *r);
double risk_rng_uniform(struct risk_rng *r); /* in (0, 1) */
double risk_rng_normal(struct risk_rng *r);  /* standard normal */
/* Poisson(lambda) for 0 ≤ lambda ≤ RISK_TEF_MAX (larger values are clamped). */
uint64_t risk_rng_poisson(struct risk_rng *r, double lambda);
double risk_rng_gamma(struct risk_rng *r, double shape);      /* shape > 0, scale 1 */
double risk_rng_beta(struct risk_rng *r, double a, double b); /* a, b > 0 */

/* ---- estimates ---- */

enum risk_dist {
    RISK_DIST_FIXED,
    RISK_DIST_PERT,
    RISK_DIST_LOGNORMAL90,
};

/* fixed: low = mode = high = the value. lognormal90: mode is unused (0). */
struct risk_estimate {
    enum risk_dist dist;
    double low, mode, high;
};

const char *risk_dist_name(enum risk_dist d); /* "fixed", "pert", "lognormal90" */

/* Analytic mean and variance (the tests compare simulations with these). */
double risk_estimate_mean(const struct risk_estimate *e);
double risk_estimate_variance(const struct risk_estimate *e);
/* PERT shape parameters α, β (spec "Risk"); 0 for other distributions. */
void risk_pert_shape(const struct risk_estimate *e, double *alpha, double *beta);
/* lognormal90 parameters μ, σ of the underlying normal; 0 for other distributions. */
void risk_lognormal_params(const struct risk_estimate *e, double *mu, double *sigma);

/* Fills out[0..n) with independent draws of a valid estimate from r (a batch: the distribution
 * is dispatched once, not per draw). */
void risk_estimate_fill(const struct risk_estimate *e, struct risk_rng *r, double *out, size_t n);

/* The spec's mapping from an assessment's mean category score s (0–4) to a resistance
 * strength on TCap's 0–1 scale: PERT(max(0, s/4 − 0.15), s/4, min(1, s/4 + 0.15)).
 * s outside [0, 4] is clamped. */
void risk_resistance_from_score(double s, struct risk_estimate *out);

/* ---- scenarios and requests ---- */

enum risk_susceptibility {
    RISK_BY_VULNERABILITY, /* "vulnerability": a probability drawn per year */
    RISK_BY_TCAP_RS,       /* "threat_capability" vs "resistance", drawn per threat event */
};

struct risk_scenario {
    char *id;
    char *name_ja, *name_en;
    char **assets;
    size_t nassets;
    struct risk_estimate tef;
    enum risk_susceptibility susceptibility;
    struct risk_estimate vulnerability;     /* RISK_BY_VULNERABILITY */
    struct risk_estimate threat_capability; /* RISK_BY_TCAP_RS, 0–1 scale */
    struct risk_estimate resistance;        /* RISK_BY_TCAP_RS, 0–1 scale; see below */
    /* {"from_assessment": [...]}: the categories (non-NULL, ncategories ≥ 1). Until resolved,
     * `resistance` is meaningless and the scenario cannot be simulated; once resolved it holds
     * the PERT of risk_resistance_from_score(assessment_score). */
    char **categories;
    size_t ncategories;
    bool resolved;
    double assessment_score;
    struct risk_estimate primary_loss; /* yen per loss event */
    bool has_secondary;
    struct risk_estimate secondary_probability; /* per loss event */
    struct risk_estimate secondary_loss;        /* yen */
};

struct risk_request {
    uint64_t seed;
    int64_t years;
    double thresholds[RISK_THRESHOLDS_MAX];
    size_t nthresholds;
    struct risk_scenario *scenarios;
    size_t nscenarios;
};

void risk_scenario_init(struct risk_scenario *sc);
void risk_scenario_release(struct risk_scenario *sc);

/*
 * Validates one scenario object (the spec's "Scenario JSON"; e.g. a stored "risk_scenario"
 * document) and fills *out (initialised by the caller, released by the caller in every case).
 * Problems go to errs with pointers below `pointer` ("" for a document of its own); every
 * problem is reported. Returns the number of problems added (0 = valid). Never modifies j.
 */
size_t risk_scenario_from_json(const json_t *j, const char *pointer, struct risk_scenario *out,
                               struct verr_list *errs);

/*
 * Validates a simulation request, {"seed", "years", "thresholds", "scenarios"} (spec "Risk").
 * seed defaults to RISK_DEFAULT_SEED, years to RISK_DEFAULT_YEARS, thresholds to none; unknown
 * members are refused everywhere; limits (years, scenarios, RISK_EVENTS_MAX) are checked.
 * Returns a new request (free with risk_request_free), or NULL when any problem was added to
 * errs (all of them are; pointers are RFC 6901, messages in English and Japanese).
 * Never modifies doc (borrowed).
 */
struct risk_request *risk_request_from_json(const json_t *doc, struct verr_list *errs);
void risk_request_free(struct risk_request *req);

/* Expected threat events of a simulation, years × Σ min(E[tef], RISK_TEF_MAX): the measure of
 * work that RISK_EVENTS_MAX bounds. */
double risk_request_work(const struct risk_request *req);

/*
 * Resistance from an assessment. A scenario whose resistance is {"from_assessment": cats}
 * parses with categories set and resolved = false; risk_simulate refuses it until resolved.
 * The caller (who can read assessments) resolves either one scenario:
 *     risk_scenario_set_assessment_score(sc, s);
 * or all of them through a callback that returns the mean score s (0–4) of the named
 * categories in the organisation's latest submitted assessment:
 *     static int score(void *ctx, const char *const *cats, size_t n, double *s) { … }
 *     risk_request_resolve(req, score, ctx, errs);
 * The callback returns 0 and sets *s, or -1 when there is no such score (no submitted
 * assessment, or none of the categories scored); that adds a problem at
 * /scenarios/i/resistance/from_assessment. Returns the number of problems added.
 */
typedef int (*risk_score_fn)(void *ctx, const char *const *categories, size_t n, double *s);
size_t risk_request_resolve(struct risk_request *req, risk_score_fn fn, void *ctx,
                            struct verr_list *errs);
void risk_scenario_set_assessment_score(struct risk_scenario *sc, double s);
/* Scenarios still waiting for an assessment score. */
size_t risk_request_unresolved(const struct risk_request *req);

/*
 * The analytic annual mean and variance of a RISK_BY_VULNERABILITY scenario (compound Poisson
 * with per-year random rate and secondary probability; the TEF clamp ignored). Returns 0, or -1
 * for RISK_BY_TCAP_RS, whose P(TCap > RS) has no closed form here.
 */
int risk_scenario_moments(const struct risk_scenario *sc, double *mean, double *variance);

/* ---- simulation ---- */

struct risk_point {
    double loss;        /* yen */
    double probability; /* P(annual loss ≥ loss) */
};

struct risk_stats {
    double mean, stdev;
    double p10, p50, p90, p95, p99, max;
    double p_loss;                          /* P(annual loss > 0) */
    double loss_events;                     /* mean loss events per year */
    double exceed[RISK_THRESHOLDS_MAX];     /* P(annual loss > thresholds[i]) */
    struct risk_point lec[RISK_LEC_POINTS]; /* ascending loss; empty if no year had a loss */
    size_t nlec;
};

struct risk_result {
    struct risk_stats portfolio;
    struct risk_stats *scenarios; /* nscenarios, in request order */
    size_t nscenarios;
    uint64_t loss_events; /* over all years and scenarios */
    uint64_t samples;     /* loss magnitude draws (primary and secondary) */
    unsigned threads;     /* threads the run used (at most the chunks of years there are);
                           * how it ran, not a figure: never in risk_result_to_json */
};

void risk_result_init(struct risk_result *res);
void risk_result_release(struct risk_result *res);

enum risk_error {
    RISK_OK = 0,
    RISK_EUNRESOLVED = -1, /* a resistance from an assessment has not been resolved */
    RISK_EINVAL = -2,      /* the request breaks a limit (not one from risk_request_from_json) */
};

/*
 * Simulates a valid, resolved request on `threads` threads (0 = the online CPU count; capped
 * at RISK_THREADS_MAX). Fills *out (initialised by the caller; released and refilled).
 * The figures depend only on the request: any thread count gives bit-identical results.
 * Returns RISK_OK or an error (with a message in e, which may be NULL); *out is then empty.
 */
int risk_simulate(const struct risk_request *req, unsigned threads, struct risk_result *out,
                  struct err *e);

/* ---- JSON ---- */

/* {"dist": …, …} as in the request (new reference). */
json_t *risk_estimate_to_json(const struct risk_estimate *e);

/*
 * The result document (new reference): method, seed, years, thresholds; "portfolio" and
 * "scenarios" (each with id, name, assets, the inputs echoed — with a resolved resistance shown
 * as its PERT plus {"from_assessment": {"categories", "score"}} — the analytic mean where one
 * exists, and the figures); loss_events and samples. Contains nothing that depends on threads
 * or time, so equal requests give byte-identical JSON.
 */
json_t *risk_result_to_json(const struct risk_request *req, const struct risk_result *res);

#endif
