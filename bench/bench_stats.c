/*
 * bench_stats.c — statistics for authorities in process (issue 13 item 7; src/sharing/stats.h):
 * the time to count 1,000,000 incident rows into a table and suppress it, for the tables an
 * authority asks for — one dimension, sector × month, category × sector × prefecture × month,
 * and obligations by recipient × month. Synthetic rows: 20,000 organisations (each with a fixed
 * sector, prefecture and size band), three years of months, one to three categories each.
 * The store's read (stats_scan) is not included: this is the pure part's cost.
 *
 * Times are the process's CPU time (the work is single-threaded), so that a shared, busy machine
 * does not inflate them; the row generator's own cost is inside "add".
 *
 * Usage: bench_stats [--rows N] [--reps R]
 * Prints a readable table to stderr and one JSON line per case to stdout.
 */
#include <time.h>

#include "../src/core/core.h"
#include "../src/sharing/stats.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* one thread: CPU time, robust on a busy host */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

#define NORGS 20000
static const char *const sectors[] = {"finance", "medical", "electricity", "gas",     "water",
                                      "railways", "info_comm", "logistics", "government", "none"};
static const char *const cats[] = {",ransomware,", ",ddos,", ",ransomware,data_leak,",
                                   ",phishing,bec,", ",unauthorized_access,data_leak,malware,",
                                   ",misdelivery,", ",web_defacement,", ",other,"};
static const char *const sizes[] = {"micro", "small", "medium", "large", ""};
static const char *const recips[] = {"ppc", "npa", "nco", "fsa", "mhlw", "meti"};

struct gen {
    char org[NORGS][12];
    char pref[48][8];
};

static void make_row(struct gen *g, struct stats_row *r, size_t i)
{
    uint32_t o = rnd(NORGS);
    memset(r, 0, sizeof(*r));
    r->incident_id = "i";
    r->org_id = g->org[o];
    /* 2024-01-01 JST onwards, three years */
    r->created_at = 1704034800000LL + (int64_t)rnd(3 * 365) * 86400000LL + rnd(86400000);
    r->categories = cats[rnd(ARRAY_SIZE(cats))];
    r->sector = sectors[o % ARRAY_SIZE(sectors)];
    r->prefecture = g->pref[o % 47];
    r->size_band = sizes[o % ARRAY_SIZE(sizes)];
    r->consent = 1;
    r->recipient_id = recips[i % ARRAY_SIZE(recips)];
    r->regime = "jp";
    r->mandatory = true;
    r->due_set = true;
    r->due_ms = r->created_at + 72 * 3600000LL;
    r->met = rnd(10) != 0;
    r->met_at = r->created_at + rnd(96) * 3600000LL;
}

struct bcase {
    const char *name;
    enum stats_kind kind;
    enum stats_dim by[STATS_BY_MAX];
    size_t nby;
};

static void run(struct gen *g, const struct bcase *c, size_t nrows, int reps)
{
    double add[16], fin[16];
    size_t ncells = 0, nsup = 0, nprim = 0;
    struct stats_row r;
    for (int k = 0; k < reps; k++) {
        struct stats_query q = {.kind = c->kind, .nby = c->nby, .from_month = -1, .to_month = -1};
        memcpy(q.by, c->by, sizeof(q.by));
        struct stats_table *t = stats_table_new(&q);
        rng = 88172645463325252ULL;
        double t0 = now_s();
        for (size_t i = 0; i < nrows; i++) {
            make_row(g, &r, i);
            if (stats_table_add(t, &r, 1800000000000LL))
                exit(1);
        }
        double t1 = now_s();
        stats_table_finish(t, 5);
        double t2 = now_s();
        add[k] = t1 - t0;
        fin[k] = t2 - t1;
        ncells = stats_table_ncells(t), nsup = nprim = 0;
        for (size_t i = 0; i < ncells; i++) {
            nsup += stats_table_cell(t, i)->suppressed;
            nprim += stats_table_cell(t, i)->primary;
        }
        stats_table_free(t);
    }
    qsort(add, (size_t)reps, sizeof(double), cmp_d);
    qsort(fin, (size_t)reps, sizeof(double), cmp_d);
    double a = add[reps / 2] * 1e3, f = fin[reps / 2] * 1e3;
    fprintf(stderr, "  %-44s add %7.1f ms  finish %7.1f ms  total %7.1f ms  %6zu cells, %zu "
                    "suppressed (%zu below k)\n",
            c->name, a, f, a + f, ncells, nsup, nprim);
    printf("{\"case\":\"%s\",\"rows\":%zu,\"add_ms\":%.1f,\"finish_ms\":%.1f,\"total_ms\":%.1f,"
           "\"cells\":%zu,\"suppressed\":%zu,\"primary\":%zu}\n",
           c->name, nrows, a, f, a + f, ncells, nsup, nprim);
}

int main(int argc, char **argv)
{
    size_t nrows = 1000000;
    int reps = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rows"))
            nrows = (size_t)strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--reps"))
            reps = (int)strtol(argv[i + 1], NULL, 10);
    }
    if (reps < 1 || reps > 15)
        reps = 3;
    static struct gen g;
    for (int i = 0; i < NORGS; i++)
        snprintf(g.org[i], sizeof(g.org[i]), "org%05d", i);
    for (int i = 0; i < 47; i++)
        snprintf(g.pref[i], sizeof(g.pref[i]), "JP-%02d", i + 1);
    static const struct bcase cases[] = {
        {"incidents by sector", STATS_INCIDENTS, {STATS_SECTOR}, 1},
        {"incidents by sector x month", STATS_INCIDENTS, {STATS_SECTOR, STATS_MONTH}, 2},
        {"incidents by category x size_band", STATS_INCIDENTS, {STATS_CATEGORY, STATS_SIZE_BAND},
         2},
        {"incidents by category x sector x pref x month",
         STATS_INCIDENTS,
         {STATS_CATEGORY, STATS_SECTOR, STATS_PREFECTURE, STATS_MONTH},
         4},
        {"obligations by recipient x month", STATS_OBLIGATIONS, {STATS_RECIPIENT, STATS_MONTH}, 2},
    };
    fprintf(stderr, "statistics tables over %zu rows, %d organisations, k = 5 (median of %d)\n",
            nrows, NORGS, reps);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        run(&g, &cases[i], nrows, reps);
    return 0;
}
