/*
 * risk_sim.c — the Monte Carlo simulation: scenario by scenario, years split into chunks that
 * threads take from a shared counter, the portfolio accumulated per year in scenario order.
 *
 * Determinism: year y of scenario k draws only from the stream (seed, k, y) and writes only
 * buf[y] and port[y]; scenario k's chunks start after all of scenario k−1's are done, so
 * port[y] is always summed in scenario order; the figures are computed by one thread from the
 * complete arrays. Hence any thread count, and any interleaving, gives the same bits.
 *
 * Overlap: while the threads simulate scenario k into one buffer, the calling thread first
 * computes the figures of scenario k−1 from the other buffer, then joins in. At the end the
 * last scenario's figures and the portfolio's are computed side by side.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "risk_int.h"

#define CHUNK_YEARS 8192

struct compiled {
    struct risk_draw tef, vul, tc, rs, pl, sp, sl;
    bool tcap_rs, secondary;
};

struct sim {
    const struct risk_request *req;
    struct compiled *comp;
    uint64_t key;
    size_t years, nchunks;
    double *buf[2], *port, *tmp;
    atomic_size_t next[RISK_SCENARIOS_MAX]; /* the next chunk of each scenario */
    atomic_uint_fast64_t events[RISK_SCENARIOS_MAX];
    atomic_uint_fast64_t samples;
    struct risk_result *out;
};

/* One year of one scenario (model in risk.h). */
static inline double year_loss(const struct compiled *c, struct risk_rng *r, uint64_t *events,
                               uint64_t *samples)
{
    double t = risk_draw_one(&c->tef, r), loss;
    uint64_t m = 0, k = 0;
    t = t < RISK_TEF_MAX ? t : RISK_TEF_MAX; /* a lognormal's far tail */
    if (!c->tcap_rs) {
        m = risk_poisson(r, t * risk_draw_one(&c->vul, r));
    } else {
        uint64_t n = risk_poisson(r, t);
        for (uint64_t i = 0; i < n; i++) {
            /* two statements: the operands of > would be evaluated in an unspecified order */
            double tc = risk_draw_one(&c->tc, r);
            m += tc > risk_draw_one(&c->rs, r);
        }
    }
    if (m == 0)
        return 0.0;
    loss = risk_draw_sum(&c->pl, r, m);
    if (c->secondary) {
        double q = risk_draw_one(&c->sp, r);
        for (uint64_t i = 0; i < m; i++)
            k += risk_uniform(r) < q;
        loss += risk_draw_sum(&c->sl, r, k);
    }
    *events += m;
    *samples += m + k;
    return loss;
}

static void run_chunk(struct sim *s, size_t k, size_t chunk)
{
    const struct compiled *c = &s->comp[k];
    double *buf = s->buf[k & 1], *port = s->port;
    size_t y0 = chunk * CHUNK_YEARS, y1 = MIN(s->years, y0 + CHUNK_YEARS);
    uint64_t events = 0, samples = 0;
    struct risk_rng r;
    for (size_t y = y0; y < y1; y++) {
        risk_rng_seed(&r, s->key, (uint32_t)k, (uint32_t)y);
        double loss = year_loss(c, &r, &events, &samples);
        buf[y] = loss;
        port[y] = k == 0 ? loss : port[y] + loss;
    }
    atomic_fetch_add_explicit(&s->events[k], events, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->samples, samples, memory_order_relaxed);
}

static void run_scenario(struct sim *s, size_t k)
{
    size_t chunk;
    while ((chunk = atomic_fetch_add(&s->next[k], 1)) < s->nchunks)
        run_chunk(s, k, chunk);
}

static void stats_scenario(struct sim *s, size_t k)
{
    risk_stats_compute(s->buf[k & 1], s->tmp, s->years, s->req->thresholds, s->req->nthresholds,
                       atomic_load(&s->events[k]), &s->out->scenarios[k]);
}

static void stats_portfolio(struct sim *s)
{
    uint64_t events = 0;
    for (size_t k = 0; k < s->req->nscenarios; k++)
        events += atomic_load(&s->events[k]);
    /* the buffer of scenario nscenarios (one past the last) is free at the end */
    risk_stats_compute(s->port, s->buf[s->req->nscenarios & 1], s->years, s->req->thresholds,
                       s->req->nthresholds, events, &s->out->portfolio);
    s->out->loss_events = events;
}

struct helper {
    pthread_t tid;
    struct sim *s;
    size_t k;
    bool started;
};

static void *helper_simulate(void *arg)
{
    struct helper *h = arg;
    run_scenario(h->s, h->k);
    return NULL;
}

static void *helper_portfolio(void *arg)
{
    stats_portfolio(((struct helper *)arg)->s);
    return NULL;
}

/* Starts up to n helpers on fn; a helper that cannot start simply leaves its share to the
 * others (the results do not depend on who does the work). */
static void helpers_start(struct helper *h, size_t n, struct sim *s, size_t k, void *(*fn)(void *))
{
    for (size_t i = 0; i < n; i++) {
        h[i].s = s;
        h[i].k = k;
        h[i].started = pthread_create(&h[i].tid, NULL, fn, &h[i]) == 0;
    }
}

static void helpers_join(struct helper *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].started)
            pthread_join(h[i].tid, NULL);
}

static void compile(const struct risk_scenario *sc, struct compiled *c)
{
    risk_draw_prepare(&c->tef, &sc->tef);
    c->tcap_rs = sc->susceptibility == RISK_BY_TCAP_RS;
    if (c->tcap_rs) {
        risk_draw_prepare(&c->tc, &sc->threat_capability);
        risk_draw_prepare(&c->rs, &sc->resistance);
    } else {
        risk_draw_prepare(&c->vul, &sc->vulnerability);
    }
    risk_draw_prepare(&c->pl, &sc->primary_loss);
    c->secondary = sc->has_secondary;
    if (c->secondary) {
        risk_draw_prepare(&c->sp, &sc->secondary_probability);
        risk_draw_prepare(&c->sl, &sc->secondary_loss);
    }
}

static unsigned thread_count(unsigned threads, size_t nchunks)
{
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    threads = MIN(threads, RISK_THREADS_MAX);
    return (unsigned)MAX(1, MIN((size_t)threads, nchunks));
}

static int check(const struct risk_request *req, struct err *e)
{
    if (req->years < 1 || req->years > RISK_YEARS_MAX)
        return err_set(e, RISK_EINVAL, "years must be 1 to %d", RISK_YEARS_MAX);
    if (req->nscenarios < 1 || req->nscenarios > RISK_SCENARIOS_MAX)
        return err_set(e, RISK_EINVAL, "a request needs 1 to %d scenarios", RISK_SCENARIOS_MAX);
    if (req->nthresholds > RISK_THRESHOLDS_MAX)
        return err_set(e, RISK_EINVAL, "at most %d thresholds", RISK_THRESHOLDS_MAX);
    for (size_t k = 0; k < req->nscenarios; k++)
        if (req->scenarios[k].categories && !req->scenarios[k].resolved)
            return err_set(e, RISK_EUNRESOLVED,
                           "scenario \"%s\": the resistance from an assessment is not resolved",
                           req->scenarios[k].id ? req->scenarios[k].id : "?");
    return RISK_OK;
}

int risk_simulate(const struct risk_request *req, unsigned threads, struct risk_result *out,
                  struct err *e)
{
    struct sim *s;
    struct helper h[RISK_THREADS_MAX];
    size_t ns = req->nscenarios, nh;
    int rc;
    risk_result_release(out);
    if ((rc = check(req, e)))
        return rc;
    risk_tables_init();

    s = xcalloc(1, sizeof(*s));
    s->req = req;
    s->out = out;
    s->key = risk_seed_key(req->seed);
    s->years = (size_t)req->years;
    s->nchunks = (s->years + CHUNK_YEARS - 1) / CHUNK_YEARS;
    s->comp = xcalloc(ns, sizeof(*s->comp));
    for (size_t k = 0; k < ns; k++)
        compile(&req->scenarios[k], &s->comp[k]);
    s->buf[0] = xmalloc(s->years * sizeof(double));
    s->buf[1] = xmalloc(s->years * sizeof(double));
    s->port = xmalloc(s->years * sizeof(double));
    s->tmp = xmalloc(s->years * sizeof(double));
    out->scenarios = xcalloc(ns, sizeof(*out->scenarios));
    out->nscenarios = ns;
    nh = thread_count(threads, s->nchunks) - 1;
    out->threads = (unsigned)nh + 1;

    for (size_t k = 0; k < ns; k++) {
        helpers_start(h, nh, s, k, helper_simulate);
        if (k > 0)
            stats_scenario(s, k - 1);
        run_scenario(s, k);
        helpers_join(h, nh);
    }
    helpers_start(h, MIN(nh, 1), s, ns, helper_portfolio);
    stats_scenario(s, ns - 1);
    if (nh == 0 || !h[0].started)
        stats_portfolio(s);
    helpers_join(h, MIN(nh, 1));
    out->samples = atomic_load(&s->samples);

    free(s->tmp);
    free(s->port);
    free(s->buf[1]);
    free(s->buf[0]);
    free(s->comp);
    free(s);
    return RISK_OK;
}

void risk_result_init(struct risk_result *res)
{
    memset(res, 0, sizeof(*res));
}

void risk_result_release(struct risk_result *res)
{
    free(res->scenarios);
    risk_result_init(res);
}

double risk_request_work(const struct risk_request *req)
{
    double sum = 0.0;
    for (size_t k = 0; k < req->nscenarios; k++)
        sum += fmin(risk_estimate_mean(&req->scenarios[k].tef), RISK_TEF_MAX);
    return sum * (double)req->years;
}
