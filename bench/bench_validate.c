/*
 * bench_validate.c — in-process cost of accepting a report, without HTTP or the database:
 * what POST /api/v1/reports does to the body before it queues the write (app_report.c prepare()).
 *
 * For each report file it times, single-threaded:
 *   parse     jsonx_load_object + json_decref (our own parser, src/core/jparse.c; the depth
 *             limit is checked in the same pass)
 *   jansson   what parse was before issue 9, for comparison in the same process and minutes:
 *             jsonx_depth_exceeded + json_loadb(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)
 *             + json_decref
 *   validate  report_validate on an already parsed document, with a fixed "now"
 *   sha256    SHA-256 hex of the submitted bytes (what the store keeps and fingerprints)
 *   all       parse + validate + SHA-256 + report_index_extract, as prepare() does
 * Each phase runs `--reps` repetitions of a fixed iteration count (calibrated so one repetition
 * lasts about `--min-time` seconds); the median repetition is reported as reports/s and µs per
 * report. A readable table goes to stderr and one JSON object per file to stdout.
 *
 * Usage: bench_validate [--reps N] [--min-time S] [--iterations N] [FILE…]
 * (default files: docs/examples/full-report.json docs/examples/early-warning.json)
 * --iterations N runs each phase exactly N times, once, without calibration: for counting
 * instructions with `valgrind --tool=callgrind` (divide by N for a per-report figure).
 */
#include <time.h>

#include "../src/core/core.h"
#include "../src/core/buf.h"
#include "../src/core/hash.h"
#include "../src/core/jsonx.h"
#include "../src/core/rtime.h"
#include "../src/config/config.h"
#include "../src/report/report.h"

#define MAX_REPS 51

/* A fixed "now", later than every time in the examples: results do not depend on the date. */
#define FIXED_NOW "2026-12-01T00:00:00Z"

struct input {
    const char *path;
    char *text;
    size_t len;
    json_t *doc; /* parsed once, for the phases that start from a document */
    int max_depth;
    struct schema_limits lim;
    int64_t now_ms;
};

enum phase { PH_PARSE, PH_JANSSON, PH_VALIDATE, PH_CANON, PH_ALL, PH__COUNT };
static const char *const phase_names[PH__COUNT] = {"parse", "jansson", "validate", "sha256", "all"};

static volatile size_t sink; /* keeps results observable so nothing is optimised away */
static long fixed_iters;     /* --iterations: no calibration, one repetition */

static void do_parse(const struct input *in)
{
    json_t *doc = NULL;
    if (jsonx_load_object(in->text, in->len, in->max_depth, &doc, NULL))
        BUG("%s no longer parses", in->path);
    sink += json_object_size(doc);
    json_decref(doc);
}

/* The parse as jsonx_load_object did it with jansson before issue 9. */
static void do_jansson(const struct input *in)
{
    if (jsonx_depth_exceeded(in->text, in->len, in->max_depth))
        BUG("%s is too deep", in->path);
    json_t *doc = json_loadb(in->text, in->len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
    if (!json_is_object(doc))
        BUG("%s no longer parses with jansson", in->path);
    sink += json_object_size(doc);
    json_decref(doc);
}

static void do_validate(const struct input *in, const json_t *doc)
{
    struct verr_list errs;
    verr_list_init(&errs, in->lim.max_errors);
    sink += report_validate(doc, &in->lim, in->now_ms, &errs);
    verr_list_release(&errs);
}

/* The server stores and fingerprints the bytes as submitted (app_report.c). */
static void do_sha(const struct input *in)
{
    char sha[HASH_SHA256_HEX];
    hash_sha256_hex(in->text, in->len, sha);
    sink += (size_t)sha[0];
}

static void do_all(const struct input *in)
{
    json_t *doc = NULL;
    struct report_index ix;
    if (jsonx_load_object(in->text, in->len, in->max_depth, &doc, NULL))
        BUG("%s no longer parses", in->path);
    do_validate(in, doc);
    do_sha(in);
    report_index_extract(doc, &ix);
    sink += ix.drill;
    json_decref(doc);
}

static void run_phase(const struct input *in, enum phase ph, long iters)
{
    for (long i = 0; i < iters; i++) {
        switch (ph) {
        case PH_PARSE:
            do_parse(in);
            break;
        case PH_JANSSON:
            do_jansson(in);
            break;
        case PH_VALIDATE:
            do_validate(in, in->doc);
            break;
        case PH_CANON:
            do_sha(in);
            break;
        default:
            do_all(in);
            break;
        }
    }
}

static double seconds_of(const struct input *in, enum phase ph, long iters)
{
    int64_t t0 = rtime_mono_ns();
    run_phase(in, ph, iters);
    return (double)(rtime_mono_ns() - t0) / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median reports/s over reps repetitions; *spread gets (max - min) / median. */
static double measure(const struct input *in, enum phase ph, int reps, double min_time,
                      double *spread)
{
    double rate[MAX_REPS];
    long iters = 1;
    if (fixed_iters) {
        iters = fixed_iters;
        reps = 1;
    } else {
        while (seconds_of(in, ph, iters) < min_time / 4 && iters < (1L << 30))
            iters *= 2; /* calibrate (also warms caches and the allocator) */
        iters *= 4;
    }
    for (int i = 0; i < reps; i++)
        rate[i] = (double)iters / seconds_of(in, ph, iters);
    qsort(rate, (size_t)reps, sizeof(rate[0]), cmp_double);
    double med = rate[reps / 2];
    *spread = (rate[reps - 1] - rate[0]) / med;
    return med;
}

static int input_load(struct input *in, const char *path)
{
    struct config cfg;
    struct rtime_parsed now;
    struct verr_list errs;
    FILE *f = fopen(path, "rb");
    memset(in, 0, sizeof(*in));
    in->path = path;
    if (!f) {
        fprintf(stderr, "bench_validate: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct buf b;
    char chunk[65536];
    size_t n;
    buf_init(&b, 64u << 20);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    in->text = buf_detach(&b, &in->len);
    /* the same limits the server applies (cli_serve.c app_init) */
    config_defaults(&cfg);
    in->max_depth = (int)cfg.max_json_depth;
    schema_limits_default(&in->lim);
    in->lim.max_string_chars = cfg.max_string_chars;
    in->lim.max_array_items = cfg.max_array_items;
    in->lim.future_skew_ms = cfg.future_skew_s * 1000;
    rtime_parse_rfc3339(FIXED_NOW, strlen(FIXED_NOW), &now);
    in->now_ms = now.ms;
    if (jsonx_load_object(in->text, in->len, in->max_depth, &in->doc, NULL)) {
        fprintf(stderr, "bench_validate: %s is not a JSON object\n", path);
        return -1;
    }
    verr_list_init(&errs, 20);
    size_t nerr = report_validate(in->doc, &in->lim, in->now_ms, &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "bench_validate: %s: %s: %s\n", path, errs.v[i].pointer, errs.v[i].en);
    verr_list_release(&errs);
    if (nerr)
        fprintf(stderr, "bench_validate: %s is not a valid report; timing it anyway\n", path);
    return 0;
}

static void input_release(struct input *in)
{
    json_decref(in->doc);
    free(in->text);
}

static void bench_file(const char *path, int reps, double min_time)
{
    struct input in;
    double rate[PH__COUNT], spread[PH__COUNT];
    if (input_load(&in, path)) {
        input_release(&in);
        return;
    }
    fprintf(stderr, "%s (%zu bytes), median of %d:\n", path, in.len, reps);
    for (int ph = 0; ph < PH__COUNT; ph++) {
        rate[ph] = measure(&in, (enum phase)ph, reps, min_time, &spread[ph]);
        fprintf(stderr, "  %-13s %12.0f reports/s  %9.2f µs/report  (spread %.0f%%)\n",
                phase_names[ph], rate[ph], 1e6 / rate[ph], spread[ph] * 100);
    }
    printf("{\"file\":\"%s\",\"bytes\":%zu,\"reps\":%d", path, in.len, reps);
    for (int ph = 0; ph < PH__COUNT; ph++)
        printf(",\"%s_per_s\":%.0f,\"%s_us\":%.3f", phase_names[ph], rate[ph], phase_names[ph],
               1e6 / rate[ph]);
    printf("}\n");
    fflush(stdout);
    input_release(&in);
}

int main(int argc, char **argv)
{
    static const char *const defaults[] = {"docs/examples/full-report.json",
                                           "docs/examples/early-warning.json"};
    int reps = 5, first = 1;
    double min_time = 0.2;
    int64_t v;
    if (hash_global_init())
        return 1;
    for (; first < argc && !strncmp(argv[first], "--", 2); first += 2) {
        char *end;
        if (first + 1 >= argc)
            goto usage;
        if (!strcmp(argv[first], "--reps") && !parse_int64(argv[first + 1], 1, MAX_REPS, &v)) {
            reps = (int)v;
        } else if (!strcmp(argv[first], "--iterations") &&
                   !parse_int64(argv[first + 1], 1, 1000000000, &v)) {
            fixed_iters = (long)v;
        } else if (!strcmp(argv[first], "--min-time")) {
            min_time = strtod(argv[first + 1], &end);
            if (*end || min_time <= 0 || min_time > 60)
                goto usage;
        } else {
            goto usage;
        }
    }
    if (first == argc)
        for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
            bench_file(defaults[i], reps, min_time);
    for (int i = first; i < argc; i++)
        bench_file(argv[i], reps, min_time);
    return 0;
usage:
    fprintf(stderr,
            "usage: bench_validate [--reps 1-%d] [--min-time SECONDS] [--iterations N] [FILE…]\n",
            MAX_REPS);
    return 2;
}
