/*
 * bench_render.c — in-process time to render a filing document (issue 10: "rendering an NCO
 * workbook ≤ 20 ms"), without HTTP or the database: what GET /api/v1/submissions/{id}/document
 * does after it has read the stored payload (app_submit.c, render()).
 *
 * For each report file and each case it renders the recipient's view (outbox_project with the
 * recipient's delivery sections, as the payload carries it) `--count` times, timing every call
 * on its own (CLOCK_MONOTONIC), after `--warmup` untimed calls, single-threaded:
 *   nco-xlsx   the NCO workbook (the common forms' items, render_nco.c) — the figure
 *   ppc-xlsx   the PPC workbook (the nine items of 規則8条1項), for comparison
 *   nco-pdf    the NCO PDF summary, for comparison
 * It reports the median, p99 and maximum in milliseconds. A workbook includes libxlsxwriter's
 * write to a temporary file in $TMPDIR and the read back, as the service does. A readable table
 * goes to stderr and one JSON object per file and case to stdout.
 *
 * Usage: bench_render [--data DIR] [--count N] [--warmup N] [FILE…]
 * (default files: docs/examples/full-report.json tests/data/render/nco-ddos.json)
 */
#include <time.h>

#include "../src/core/core.h"
#include "../src/core/buf.h"
#include "../src/core/jsonx.h"
#include "../src/outbox/outbox.h"
#include "../src/render/render.h"
#include "../src/rules/rules.h"

struct bench_case {
    const char *name, *recipient;
    bool xlsx;
};
static const struct bench_case cases[] = {
    {"nco-xlsx", "nco", true}, {"ppc-xlsx", "ppc", true}, {"nco-pdf", "nco", false}};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static json_t *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    json_t *doc;
    json_error_t je;
    if (!f)
        BUG("cannot open %s", path);
    doc = json_loadf(f, 0, &je);
    fclose(f);
    if (!json_is_object(doc))
        BUG("%s: %s", path, je.text);
    return doc;
}

/* One render; aborts on failure (a benchmark of a failing path would mean nothing). */
static size_t render_once(const json_t *view, const struct render_meta *m, bool xlsx)
{
    struct buf out;
    struct err e;
    size_t n;
    buf_init(&out, 64u << 20);
    err_init(&e);
    if ((xlsx ? render_xlsx(view, m, &out, &e) : render_pdf(view, m, &out, &e)) != RENDER_OK)
        BUG("render: %s", e.msg);
    n = out.len;
    buf_release(&out);
    return n;
}

static void run_case(const char *file, const json_t *doc, const struct ruleset *rs,
                     const struct bench_case *c, int count, int warmup)
{
    struct rules_recipient_view rv;
    json_t *withheld;
    double *t = xmalloc(sizeof(double) * (size_t)count);
    size_t bytes = 0;
    if (!rules_recipient_get(rs, c->recipient, &rv))
        BUG("no recipient %s", c->recipient);
    json_t *view = outbox_project(doc, rv.delivery->sections, rv.id, &withheld);
    struct render_meta m = {.incident_id = "01938f2e-7c1a-7000-8000-000000000001",
                            .version = 2,
                            .report_sha256 = "0000000000000000000000000000000000000000000000000"
                                             "000000000000000",
                            .version_created_ms = 1795309200000LL,
                            .recipient_name_ja = rv.name_ja,
                            .recipient_name_en = rv.name_en,
                            .stage_name_ja = "速報",
                            .ja = true,
                            .form = render_form_parse(rv.delivery->form) > 0
                                        ? (enum render_form)render_form_parse(rv.delivery->form)
                                        : RENDER_FORM_UNIFIED,
                            .submission_id = "01938f2e-7c1a-7000-8000-0000000000aa",
                            .filed_ms = 1795312800000LL,
                            .sections_given =
                                rv.delivery->sections & ~outbox_withheld(doc, rv.id)};
    for (int i = 0; i < warmup; i++)
        render_once(view, &m, c->xlsx);
    for (int i = 0; i < count; i++) {
        double a = now_ms();
        bytes = render_once(view, &m, c->xlsx);
        t[i] = now_ms() - a;
    }
    qsort(t, (size_t)count, sizeof(double), cmp_double);
    double p50 = t[count / 2], p99 = t[MIN(count - 1, (int)(count * 0.99))], max = t[count - 1];
    fprintf(stderr, "  %-34s %-9s %8.2f ms p50 %8.2f ms p99 %8.2f ms max  (%zu bytes)\n", file,
            c->name, p50, p99, max, bytes);
    printf("{\"file\":\"%s\",\"case\":\"%s\",\"count\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
           "\"max_ms\":%.3f,\"bytes\":%zu}\n",
           file, c->name, count, p50, p99, max, bytes);
    json_decref(withheld);
    json_decref(view);
    free(t);
}

int main(int argc, char **argv)
{
    const char *data = "data";
    int count = 200, warmup = 10, nfiles = 0;
    const char *files[32];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc)
            warmup = (int)strtol(argv[++i], NULL, 10);
        else if (nfiles < (int)ARRAY_SIZE(files))
            files[nfiles++] = argv[i];
    }
    if (count < 1 || warmup < 0) {
        fprintf(stderr, "usage: bench_render [--data DIR] [--count N] [--warmup N] [FILE…]\n");
        return 2;
    }
    if (!nfiles) {
        files[nfiles++] = "docs/examples/full-report.json";
        files[nfiles++] = "tests/data/render/nco-ddos.json";
    }
    struct diag_list d;
    diag_list_init(&d);
    struct ruleset *rs = rules_load_dir(data, &d);
    diag_list_release(&d);
    if (!rs) {
        fprintf(stderr, "bench_render: cannot load the rules in %s\n", data);
        return 1;
    }
    fprintf(stderr, "render, single thread, %d timed calls after %d warm-up calls:\n", count,
            warmup);
    for (int f = 0; f < nfiles; f++) {
        json_t *doc = load(files[f]);
        for (size_t c = 0; c < ARRAY_SIZE(cases); c++)
            run_case(files[f], doc, rs, &cases[c], cases[c].xlsx ? count : MAX(count / 10, 1),
                     warmup);
        json_decref(doc);
    }
    rules_free(rs);
    return 0;
}
