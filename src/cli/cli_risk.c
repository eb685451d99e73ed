/*
 * cli_risk.c — `ichigen risk simulate FILE [--years N] [--seed S] [--threads T] [--json]
 * [--score S] [--lang ja|en]`: validates a simulation request (docs/assessment-and-risk.md, "Risk")
 * exactly as the API does, runs it, and prints the portfolio and per-scenario figures in yen,
 * or the result document with --json.
 *
 * --years and --seed replace the request's values before validation, so their limits give
 * the same errors. A resistance {"from_assessment": […]} needs an assessment, which only the
 * service has; --score S resolves every such scenario with the mean category score S (0–4),
 * for what-if runs offline.
 */
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../core/jsonx.h"
#include "../risk/risk.h"

#define MAX_REQUEST_BYTES (16 * 1024 * 1024)

static bool want_ja(const char *lang)
{
    if (lang)
        return !strcmp(lang, "ja");
    return getenv("LANG") && !strncmp(getenv("LANG"), "ja", 2);
}

static char *slurp(const char *path, size_t max, size_t *n)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    struct buf b;
    char chunk[65536];
    size_t got;
    int failed = 0;
    if (!f)
        return NULL;
    buf_init(&b, max);
    while (!failed && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        failed = buf_append(&b, chunk, got);
    if (f != stdin)
        fclose(f);
    if (failed) {
        buf_release(&b);
        errno = EFBIG;
        return NULL;
    }
    return buf_detach(&b, n);
}

/* x rounded to a whole number with thousands separators ("12,345,678") into out. */
static const char *grouped(double x, char *out, size_t n)
{
    char digits[32];
    size_t len, g = 0;
    snprintf(digits, sizeof(digits), "%.0f", x < 0 ? 0 : MIN(x, 1e30));
    len = strlen(digits);
    for (size_t i = 0; i < len && g + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[g++] = ',';
        out[g++] = digits[i];
    }
    out[g] = '\0';
    return out;
}

/* "¥12,345,678" (rounded to the yen) into out. */
static const char *yen(double x, char *out, size_t n)
{
    char g[48];
    if (snprintf(out, n, "¥%s", grouped(x, g, sizeof(g))) >= (int)n)
        xstrlcpy(out, "¥?", n);
    return out;
}

/* Display columns of UTF-8 text: CJK (3- and 4-byte sequences) take two, the rest one. */
static int columns(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80)
            w += *p >= 0xe0 ? 2 : 1;
    return w;
}

/* Prints s in a field of `width` columns, right-aligned or left-aligned. */
static void cell(const char *s, int width, bool right)
{
    int pad = MAX(0, width - columns(s));
    printf("%*s%s%*s", right ? pad : 0, "", s, right ? 0 : pad, "");
}

static void print_row(const char *label, const struct risk_stats *st)
{
    char v[48], p[16];
    const double cols[6] = {st->mean, st->p50, st->p90, st->p95, st->p99, st->max};
    cell(label, 24, false);
    for (int i = 0; i < 6; i++)
        cell(yen(cols[i], v, sizeof(v)), 19, true);
    snprintf(p, sizeof(p), "%.1f%%", 100.0 * st->p_loss);
    cell(p, 8, true);
    printf("\n");
}

static void print_header(bool ja)
{
    const char *h[6] = {ja ? "平均" : "mean", "p50", "p90", "p95", "p99", ja ? "最大" : "max"};
    cell(ja ? "年間損失" : "annual loss", 24, false);
    for (int i = 0; i < 6; i++)
        cell(h[i], 19, true);
    cell("P(>0)", 8, true);
    printf("\n");
}

/* The run line: counts in words that agree with them, and the engine's own time in
 * microseconds (a run of a few milliseconds is not "0.00 s"). */
static void print_run(const struct risk_request *req, const struct risk_result *res, bool ja,
                      int64_t elapsed_us)
{
    char years[48], us[48];
    grouped((double)req->years, years, sizeof(years));
    grouped((double)elapsed_us, us, sizeof(us));
    if (ja)
        printf("%zu シナリオ × %s 年（seed %llu）、%s µs（%.2f 秒、%u スレッド）\n\n",
               req->nscenarios, years, (unsigned long long)req->seed, us, elapsed_us / 1e6,
               res->threads);
    else
        printf("%zu scenario%s × %s years (seed %llu), %s µs (%.2f s) on %u thread%s\n\n",
               req->nscenarios, req->nscenarios == 1 ? "" : "s", years,
               (unsigned long long)req->seed, us, elapsed_us / 1e6, res->threads,
               res->threads == 1 ? "" : "s");
}

static void print_text(const struct risk_request *req, const struct risk_result *res, bool ja,
                       int64_t elapsed_us)
{
    char t[48];
    /* one scenario is its own portfolio: a second, identical row would only puzzle */
    bool portfolio = req->nscenarios > 1;
    print_run(req, res, ja, elapsed_us);
    print_header(ja);
    if (portfolio)
        print_row(ja ? "ポートフォリオ" : "portfolio", &res->portfolio);
    for (size_t i = 0; i < req->nscenarios; i++)
        print_row(req->scenarios[i].id, &res->scenarios[i]);
    if (req->nthresholds)
        printf("\n%s\n", ja ? "年間損失が閾値を超える確率:" : "P(annual loss > threshold):");
    for (size_t k = 0; k < req->nthresholds; k++) {
        const char *sep = "  ";
        cell(yen(req->thresholds[k], t, sizeof(t)), 21, true);
        if (portfolio)
            printf("%s%s %.1f%%", sep, ja ? "ポートフォリオ" : "portfolio",
                   100.0 * res->portfolio.exceed[k]),
                sep = ", ";
        for (size_t i = 0; i < req->nscenarios; i++, sep = ", ")
            printf("%s%s %.1f%%", sep, req->scenarios[i].id, 100.0 * res->scenarios[i].exceed[k]);
        printf("\n");
    }
    printf(ja ? "\n手法: %s（修正PERT γ=4、パーセンタイルは線形補間）。損失事象 %llu "
                "件、損失額の抽出 %llu 回\n"
              : "\nmethod %s (modified PERT γ=4, percentiles interpolated linearly); %llu loss "
                "events, %llu loss draws\n",
           RISK_METHOD, (unsigned long long)res->loss_events, (unsigned long long)res->samples);
}

/* Applies --years / --seed to the document, so the validator checks them. */
static int override(json_t *doc, const char *key, const char *val)
{
    int64_t n;
    if (!val)
        return 0;
    if (parse_int64(val, 0, INT64_MAX, &n)) {
        fprintf(stderr, "ichigen risk: --%s needs a whole number ≥ 0\n", key);
        return -1;
    }
    json_object_set_new(doc, key, json_integer(n));
    return 0;
}

static void print_problems(const char *path, const struct verr_list *errs, bool ja)
{
    for (size_t i = 0; i < errs->n; i++)
        fprintf(stderr, "%s: %s [%s] %s\n", path, errs->v[i].pointer[0] ? errs->v[i].pointer : "/",
                errs->v[i].code, ja ? errs->v[i].ja : errs->v[i].en);
    if (errs->dropped)
        fprintf(stderr, "%s: … and %zu more\n", path, errs->dropped);
}

struct options {
    const char *path, *years, *seed, *threads, *score;
    bool json, ja;
};

static int simulate(const struct config *cfg, const struct options *o)
{
    size_t n;
    char *text = NULL;
    struct jsonx_error je;
    struct verr_list errs;
    struct risk_request *req = NULL;
    struct risk_result res;
    struct err e;
    struct timespec t0, t1;
    json_t *doc = NULL;
    int64_t threads = 0;
    int rc = CLI_PROBLEM;
    double score = 0;
    char *end = NULL;

    /* options first: a wrong one is a usage error whether or not the file exists.
     * --threads 0, like the risk_threads setting it overrides, means one per core */
    threads = cfg->risk_threads;
    if ((o->threads && parse_int64(o->threads, 0, RISK_THREADS_MAX, &threads)) ||
        (o->score &&
         (score = strtod(o->score, &end), !end || *end || !(score >= 0 && score <= 4)))) {
        fprintf(stderr, "ichigen risk: --threads needs 0 (one per core) to %d, --score 0–4\n",
                RISK_THREADS_MAX);
        return CLI_USAGE;
    }
    text = slurp(o->path, MAX_REQUEST_BYTES, &n);
    verr_list_init(&errs, 200);
    risk_result_init(&res);
    err_init(&e);
    if (!text) {
        fprintf(stderr, "%s: %s\n", o->path, strerror(errno));
        verr_list_release(&errs);
        return CLI_FAILURE;
    }
    if (jsonx_load_object(text, n, (int)cfg->max_json_depth, &doc, &je)) {
        fprintf(stderr, "%s: line %d, column %d: %s\n", o->path, je.line, je.column,
                o->ja ? je.text_ja : je.text);
        goto out;
    }
    if (override(doc, "years", o->years) || override(doc, "seed", o->seed)) {
        rc = CLI_USAGE;
        goto out;
    }
    if (!(req = risk_request_from_json(doc, &errs))) {
        print_problems(o->path, &errs, o->ja);
        goto out;
    }
    for (size_t i = 0; o->score && i < req->nscenarios; i++)
        if (req->scenarios[i].categories)
            risk_scenario_set_assessment_score(&req->scenarios[i], score);
    if (risk_request_unresolved(req)) {
        fprintf(stderr,
                o->ja ? "%s: 評価結果による抵抗力（from_assessment）はサービスでのみ解決できます。"
                        "--score S（0〜4）で平均スコアを指定してください\n"
                      : "%s: a resistance from_assessment needs the service's assessments; "
                        "give a mean category score with --score S (0–4)\n",
                o->path);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (risk_simulate(req, (unsigned)threads, &res, &e)) {
        fprintf(stderr, "%s: %s\n", o->path, e.msg);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t elapsed_us =
        (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    if (o->json) {
        json_t *j = risk_result_to_json(req, &res);
        /* how this run went, beside the figures (which never depend on it) */
        json_object_set_new(j, "run",
                            json_pack("{s:I, s:i}", "elapsed_us", (json_int_t)elapsed_us, "threads",
                                      (int)res.threads));
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
        puts(s);
        free(s);
        json_decref(j);
    } else {
        print_text(req, &res, o->ja, elapsed_us);
    }
    rc = CLI_OK;
out:
    risk_result_release(&res);
    risk_request_free(req);
    json_decref(doc);
    verr_list_release(&errs);
    free(text);
    return rc;
}

int cli_risk(int argc, char **argv)
{
    struct config cfg;
    struct options o = {0};
    const char *lang = cli_take(&argc, argv, "--lang");
    int rc;
    o.years = cli_take(&argc, argv, "--years");
    o.seed = cli_take(&argc, argv, "--seed");
    o.threads = cli_take(&argc, argv, "--threads");
    o.score = cli_take(&argc, argv, "--score");
    o.json = cli_flag(&argc, argv, "--json");
    o.ja = want_ja(lang);
    if ((rc = cli_config(&cfg, &argc, argv)))
        return rc;
    if (argc != 3 || strcmp(argv[1], "simulate")) {
        return cli_usage("risk", stderr);
    }
    o.path = argv[2];
    return simulate(&cfg, &o);
}
