/*
 * bench_rules.c — the obligations engine in process: rule-set loading time, and evaluation
 * throughput on one core (every stage of every rule: conditions, anchors, deadlines in the
 * recipients' time zones and calendars) for typical reports; also the cost of explaining.
 *
 * Usage: bench_rules [--data DIR] [--reps N] [--min-time S] [--no-explain 1] [FILE…]
 * (--no-explain 1 measures evaluation only: handy under a profiler)
 * (default files: docs/examples/early-warning.json docs/examples/full-report.json)
 * Prints a readable table to stderr and one JSON line per measurement to stdout.
 */
#include <time.h>

#include "../src/core/core.h"
#include "../src/core/hash.h"
#include "../src/core/rtime.h"
#include "../src/rules/rules.h"

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

static double bench_load(const char *dir, int reps)
{
    double t[64];
    for (int i = 0; i < reps; i++) {
        struct diag_list d;
        diag_list_init(&d);
        double t0 = now_s();
        struct ruleset *rs = rules_load_dir(dir, &d);
        t[i] = now_s() - t0;
        if (!rs) {
            diag_list_print(&d, stderr, false);
            exit(1);
        }
        rules_free(rs);
        diag_list_release(&d);
    }
    return median(t, reps);
}

/* Calls evaluate (and optionally explain every applicable result) iters times; seconds. */
static double run(const struct ruleset *rs, const json_t *doc, long iters, bool explain,
                  size_t *applicable)
{
    struct rules_eval ev;
    rules_eval_init(&ev);
    double t0 = now_s();
    for (long i = 0; i < iters; i++) {
        rules_evaluate(rs, doc, &ev);
        if (!explain)
            continue;
        for (size_t k = 0; k < ev.n; k++)
            if (ev.v[k].applies)
                json_decref(rules_explain(rs, &ev.v[k], doc, 1795305600000LL, 86400000));
    }
    double dt = now_s() - t0;
    *applicable = 0;
    for (size_t k = 0; k < ev.n; k++)
        *applicable += ev.v[k].applies;
    rules_eval_release(&ev);
    return dt;
}

static bool no_explain;

static void bench_file(const struct ruleset *rs, const char *path, int reps, double min_time)
{
    json_t *doc = json_load_file(path, 0, NULL);
    size_t applicable = 0;
    if (!doc) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    for (int explain = 0; explain <= (no_explain ? 0 : 1); explain++) {
        long iters = 1;
        while (run(rs, doc, iters, explain, &applicable) < min_time / 4)
            iters *= 2;
        double rate[64];
        for (int r = 0; r < reps; r++)
            rate[r] = (double)iters / run(rs, doc, iters, explain, &applicable);
        double m = median(rate, reps);
        fprintf(stderr, "%-40s %-9s %12.0f reports/s  (%.2f µs; %zu of %zu stages apply)\n", path,
                explain ? "+explain" : "evaluate", m, 1e6 / m, applicable, rules_stage_count(rs));
        printf("{\"file\":\"%s\",\"mode\":\"%s\",\"reports_per_s\":%.0f,\"us_per_report\":%.3f,"
               "\"applicable\":%zu,\"stages\":%zu}\n",
               path, explain ? "explain" : "evaluate", m, 1e6 / m, applicable,
               rules_stage_count(rs));
    }
    json_decref(doc);
}

int main(int argc, char **argv)
{
    const char *dir = "data";
    int reps = 5, first = 1;
    double min_time = 1.0;
    static const char *const defaults[] = {"docs/examples/early-warning.json",
                                           "docs/examples/full-report.json"};
    hash_global_init();
    for (; first < argc && !strncmp(argv[first], "--", 2); first += 2) {
        if (first + 1 >= argc)
            break;
        if (!strcmp(argv[first], "--data"))
            dir = argv[first + 1];
        else if (!strcmp(argv[first], "--reps"))
            reps = MAX(1, MIN(63, (int)strtol(argv[first + 1], NULL, 10)));
        else if (!strcmp(argv[first], "--no-explain"))
            no_explain = strtol(argv[first + 1], NULL, 10) != 0;
        else if (!strcmp(argv[first], "--min-time"))
            min_time = strtod(argv[first + 1], NULL);
    }
    double load = bench_load(dir, reps);
    struct diag_list d;
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(dir, &d);
    fprintf(stderr,
            "rule set: %zu rules, %zu stages, %zu recipients; load %.2f ms (median of %d)\n",
            rules_count(rs), rules_stage_count(rs), rules_recipient_count(rs), load * 1e3, reps);
    printf("{\"mode\":\"load\",\"ms\":%.3f,\"rules\":%zu,\"stages\":%zu}\n", load * 1e3,
           rules_count(rs), rules_stage_count(rs));
    if (first < argc)
        for (int i = first; i < argc; i++)
            bench_file(rs, argv[i], reps, min_time);
    else
        for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
            bench_file(rs, defaults[i], reps, min_time);
    rules_free(rs);
    diag_list_release(&d);
    return 0;
}
