/*
 * bench_risk.c — FAIR Monte Carlo in process (src/risk/):
 *   1. loss-magnitude draws per second on one core, batch (risk_estimate_fill) and inside the
 *      simulation (a scenario with 1,000 loss events a year, so the per-event path dominates);
 *      a "sample" is one loss magnitude draw. Target ≥ 50 million/s per core.
 *   2. a portfolio of 20 scenarios × 1,000,000 years (mixed forms: PERT and lognormal losses,
 *      vulnerability and TCap-vs-RS, half with secondary losses), on 1 thread and on all online
 *      CPUs; the ratio is the parallel speed-up. Target < 1 s on 2 cores.
 * Medians of --reps runs (default 5). Prints a readable table to stderr and one JSON line per
 * measurement to stdout.
 *
 * Usage: bench_risk [--reps N] [--years N] [--threads T]
 */
#include <time.h>
#include <unistd.h>

#include "../src/core/core.h"
#include "../src/core/buf.h"
#include "../src/risk/risk.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static struct risk_request *request(const char *text)
{
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    struct verr_list errs;
    struct risk_request *req;
    if (!doc) {
        fprintf(stderr, "bench_risk: bad request JSON: %s\n", je.text);
        exit(1);
    }
    verr_list_init(&errs, 10);
    req = risk_request_from_json(doc, &errs);
    if (!req) {
        fprintf(stderr, "bench_risk: invalid request: %s %s\n", errs.n ? errs.v[0].pointer : "",
                errs.n ? errs.v[0].en : "");
        exit(1);
    }
    verr_list_release(&errs);
    json_decref(doc);
    return req;
}

/* Seconds for one simulation; *samples receives the loss draws. */
static double run(const struct risk_request *req, unsigned threads, uint64_t *samples)
{
    struct risk_result res;
    struct err e;
    double t0;
    risk_result_init(&res);
    err_init(&e);
    t0 = now_s();
    if (risk_simulate(req, threads, &res, &e)) {
        fprintf(stderr, "bench_risk: %s\n", e.msg);
        exit(1);
    }
    t0 = now_s() - t0;
    *samples = res.samples;
    risk_result_release(&res);
    return t0;
}

static const char *const dist_json[2] = {
    "{\"dist\": \"lognormal90\", \"low\": 1e5, \"high\": 1e8}",
    "{\"dist\": \"pert\", \"low\": 1e5, \"mode\": 2e6, \"high\": 1e8}",
};
static const char *const dist_label[2] = {"lognormal90", "pert"};

/* Batch draws: risk_estimate_fill into a cache-resident buffer. */
static void bench_fill(int reps)
{
    static double buf[4096];
    const long rounds = 12000; /* ≈ 49M draws */
    struct risk_estimate est[2] = {{RISK_DIST_LOGNORMAL90, 1e5, 0, 1e8},
                                   {RISK_DIST_PERT, 1e5, 2e6, 1e8}};
    for (int d = 0; d < 2; d++) {
        double rate[64], sink = 0;
        for (int r = 0; r < reps; r++) {
            struct risk_rng g;
            risk_rng_init(&g, (uint64_t)r, 0, 0);
            double t0 = now_s();
            for (long i = 0; i < rounds; i++) {
                risk_estimate_fill(&est[d], &g, buf, ARRAY_SIZE(buf));
                sink += buf[i & 4095];
            }
            rate[r] = (double)rounds * ARRAY_SIZE(buf) / (now_s() - t0);
        }
        double m = median(rate, reps);
        fprintf(stderr, "%-52s %8.1f M samples/s%s\n",
                d ? "batch draws, pert loss (1 core)" : "batch draws, lognormal90 loss (1 core)",
                m / 1e6, sink == 42 ? " " : "");
        printf("{\"mode\":\"fill\",\"dist\":\"%s\",\"samples_per_s\":%.0f}\n", dist_label[d], m);
    }
}

/* The simulation's per-event path: 1,000 loss events a year, one thread. */
static void bench_hot(int reps)
{
    char text[1024];
    for (int d = 0; d < 2; d++) {
        double rate[64], secs[64];
        uint64_t samples = 0;
        snprintf(text, sizeof(text),
                 "{\"years\": 50000, \"scenarios\": [{\"id\": \"hot\","
                 " \"name\": {\"ja\": \"hot\", \"en\": \"hot\"},"
                 " \"tef\": {\"dist\": \"fixed\", \"value\": 1000},"
                 " \"vulnerability\": {\"dist\": \"fixed\", \"value\": 1},"
                 " \"primary_loss\": %s}]}",
                 dist_json[d]);
        struct risk_request *req = request(text);
        for (int r = 0; r < reps; r++) {
            secs[r] = run(req, 1, &samples);
            rate[r] = (double)samples / secs[r];
        }
        double m = median(rate, reps);
        fprintf(stderr, "%-52s %8.1f M samples/s  (%.0f M draws in %.3f s)\n",
                d ? "in simulation, pert loss (1 thread)"
                  : "in simulation, lognormal90 loss (1 thread)",
                m / 1e6, (double)samples / 1e6, median(secs, reps));
        printf("{\"mode\":\"hot\",\"dist\":\"%s\",\"samples_per_s\":%.0f,\"samples\":%llu}\n",
               dist_label[d], m, (unsigned long long)samples);
        risk_request_free(req);
    }
}

/* Twenty realistic scenarios: rare-to-frequent TEF, both susceptibility forms, PERT and
 * lognormal losses, every second one with a secondary loss. */
static struct risk_request *portfolio(long years)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    buf_appendf(&b,
                "{\"seed\": 42, \"years\": %ld, \"thresholds\": [1e7, 1e8, 1e9], "
                "\"scenarios\": [",
                years);
    for (int i = 0; i < 20; i++) {
        double tef = 0.05 * (1 + i % 7);
        buf_appendf(&b,
                    "%s{\"id\": \"s%d\", \"name\": {\"ja\": \"s\", \"en\": \"s\"},"
                    " \"tef\": {\"dist\": \"pert\", \"low\": %g, \"mode\": %g, \"high\": %g},",
                    i ? "," : "", i, tef / 5, tef, tef * 4);
        if (i % 2)
            buf_puts(&b, " \"threat_capability\": {\"dist\": \"pert\", \"low\": 0.3, \"mode\": 0.6,"
                         " \"high\": 0.95}, \"resistance\": {\"dist\": \"pert\", \"low\": 0.35,"
                         " \"mode\": 0.5, \"high\": 0.65},");
        else
            buf_puts(&b, " \"vulnerability\": {\"dist\": \"pert\", \"low\": 0.1, \"mode\": 0.3,"
                         " \"high\": 0.7},");
        buf_appendf(&b, " \"primary_loss\": %s", dist_json[(i / 2) % 2]);
        if (i % 4 < 2)
            buf_puts(&b, ", \"secondary\": {\"probability\": {\"dist\": \"pert\", \"low\": 0.05,"
                         " \"mode\": 0.2, \"high\": 0.5}, \"loss\": {\"dist\": \"lognormal90\","
                         " \"low\": 1e6, \"high\": 1e9}}");
        buf_puts(&b, "}");
    }
    buf_puts(&b, "]}");
    struct risk_request *req = request(buf_cstr(&b));
    buf_release(&b);
    return req;
}

static void bench_portfolio(int reps, long years, unsigned threads)
{
    struct risk_request *req = portfolio(years);
    double t1[64], tn[64];
    uint64_t samples = 0;
    for (int r = 0; r < reps; r++) { /* interleaved, so noise hits both alike */
        t1[r] = run(req, 1, &samples);
        tn[r] = run(req, threads, &samples);
    }
    double m1 = median(t1, reps), mn = median(tn, reps);
    fprintf(stderr, "%-52s %8.3f s\n", "20 scenarios × years, 1 thread", m1);
    fprintf(stderr, "%-52s %8.3f s  (speed-up %.2f; %.1f M loss draws)\n",
            "20 scenarios × years, all threads", mn, m1 / mn, (double)samples / 1e6);
    printf("{\"mode\":\"portfolio\",\"scenarios\":20,\"years\":%ld,\"threads\":1,\"s\":%.4f}\n",
           years, m1);
    printf("{\"mode\":\"portfolio\",\"scenarios\":20,\"years\":%ld,\"threads\":%u,\"s\":%.4f,"
           "\"speedup\":%.3f,\"samples\":%llu}\n",
           years, threads, mn, m1 / mn, (unsigned long long)samples);
    risk_request_free(req);
}

int main(int argc, char **argv)
{
    int reps = 5;
    long years = 1000000;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = cpus > 0 ? (unsigned)cpus : 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--reps"))
            reps = MAX(1, MIN(63, (int)strtol(argv[i + 1], NULL, 10)));
        else if (!strcmp(argv[i], "--years"))
            years = MAX(1, MIN(RISK_YEARS_MAX, strtol(argv[i + 1], NULL, 10)));
        else if (!strcmp(argv[i], "--threads"))
            threads = (unsigned)MAX(1, MIN(RISK_THREADS_MAX, strtol(argv[i + 1], NULL, 10)));
    }
    fprintf(stderr, "risk simulation: median of %d runs, %u threads for the parallel run\n", reps,
            threads);
    bench_fill(reps);
    bench_hot(reps);
    bench_portfolio(reps, years, threads);
    return 0;
}
