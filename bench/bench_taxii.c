/*
 * bench_taxii.c — the TAXII 2.1 paginator in process (bench/README.md, "TAXII page"): pages of
 * 100 objects out of a 2,000-object and a 1,000,000-object collection, one thread, as the
 * server's objects endpoint will compute them: parse the query string, select the page
 * (taxii_page_select, with a visibility callback standing in for the TLP read rule) and write
 * the envelope from stored STIX bytes (taxii_envelope_write, ~600-byte indicators). The figure
 * medallion is compared with is 10.4 s for one such page (issue 13).
 *
 * Rates are pages per second of the thread's CPU time (median of --reps runs of --min-time ms).
 *
 * Usage: bench_taxii [--reps N] [--min-time MS] [--big N]
 * Prints a readable table to stderr and one JSON line per measurement to stdout.
 */
#include <time.h>

#include "../src/core/core.h"
#include "../src/core/buf.h"
#include "../src/sharing/taxii.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The thread's CPU time: on a machine shared with other work, pages per CPU-second is the rate
 * one dedicated core would give (wall-clock rates move with the neighbours' load). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct coll {
    struct taxii_meta *v;
    char *ids; /* n ids of 64 bytes */
    size_t n;
};

static const char *const types[] = {"indicator", "malware", "sighting", "report"};

/* n objects, every tenth a second version of an earlier one, date_added 1 ms apart. */
static void coll_make(struct coll *c, size_t n)
{
    c->n = n;
    c->v = xcalloc(n, sizeof(*c->v));
    c->ids = xcalloc(n, 64);
    for (size_t i = 0; i < n; i++) {
        char *id = c->ids + i * 64;
        size_t src = (i % 10 == 9) ? i - 5 : i;
        snprintf(id, 64, "%s--%08zx-1b16-4c0c-a0e6-%012zx", types[src % 4], src, src);
        c->v[i] = (struct taxii_meta){
            id, 1735689600000LL + (int64_t)i, 1735689600000LL + (int64_t)i, 21, 0, NULL};
    }
    taxii_meta_mark_versions(c->v, n);
}

static void coll_free(struct coll *c)
{
    free(c->v);
    free(c->ids);
}

static char stix[640];

static int raw(const void *ref, const char **p, size_t *n, void *ctx)
{
    UNUSED(ref);
    UNUSED(ctx);
    *p = stix;
    *n = strlen(stix);
    return 0;
}

static bool visible(const struct taxii_meta *m, void *ctx)
{
    UNUSED(ctx);
    return m->id[0] != 'r' || (m->date_added_ms & 1); /* half the reports are hidden */
}

/* One page as the handler computes it; returns the objects written. */
static size_t one_page(const struct coll *c, const char *qs, const char *next, struct buf *b,
                       char *next_out)
{
    struct taxii_query q;
    struct verr_list e;
    struct taxii_page p;
    struct taxii_page_params pp = {.limit_default = 100,
                                   .limit_max = 1000,
                                   .scope = "api/collections/x/objects",
                                   .visible = visible};
    size_t got = 0;
    verr_list_init(&e, 10);
    taxii_query_init(&q, TAXII_EP_OBJECTS);
    if (taxii_query_parse(&q, qs, strlen(qs), &e) == 0) {
        q.next = next ? xstrdup(next) : NULL;
        if (taxii_page_select(c->v, c->n, &q, &pp, &p, &e) == 0) {
            buf_reset(b);
            if (taxii_envelope_write(b, &p, raw, NULL) == 0)
                got = p.n;
            if (next_out)
                xstrlcpy(next_out, p.next, TAXII_CURSOR_MAX + 1);
            taxii_page_release(&p);
        }
    }
    taxii_query_release(&q);
    verr_list_release(&e);
    return got;
}

struct scase {
    const char *name;
    const char *qs;
    bool deep; /* continue from a cursor in the middle of the collection */
};

static void run(const struct coll *c, const struct scase *k, int reps, double min_time)
{
    double rates[32];
    char next[TAXII_CURSOR_MAX + 1] = "";
    struct buf b;
    size_t objs = 0;
    buf_init(&b, 64u << 20);
    char qs[128];
    xstrlcpy(qs, k->qs, sizeof(qs));
    if (k->deep) { /* continue from the cursor of a page that ends in the middle */
        char ts[TAXII_TS_LEN];
        taxii_timestamp(c->v[c->n / 2 - 200].date_added_ms, ts);
        snprintf(qs, sizeof(qs), "added_after=%s", ts);
        one_page(c, qs, NULL, &b, next);
    }
    for (int r = 0; r < reps && r < 32; r++) {
        long pages = 0;
        double t0 = cpu_s(), t;
        do {
            objs = one_page(c, qs, k->deep ? next : NULL, &b, NULL);
            pages++;
        } while ((t = cpu_s()) - t0 < min_time);
        rates[r] = (double)pages / (t - t0);
    }
    qsort(rates, (size_t)reps, sizeof(*rates), cmp_d);
    double med = rates[reps / 2];
    fprintf(stderr, "%9zu objects  %-38s %8.0f pages/s  %8.2f µs/page  (%zu objects, %zu bytes)\n",
            c->n, k->name, med, 1e6 / med, objs, b.len);
    printf("{\"collection\":%zu,\"case\":\"%s\",\"pages_per_s\":%.0f,\"us_per_page\":%.3f,"
           "\"objects\":%zu,\"bytes\":%zu}\n",
           c->n, k->name, med, 1e6 / med, objs, b.len);
    buf_release(&b);
}

int main(int argc, char **argv)
{
    int reps = 5;
    double min_time = 0.3;
    size_t big = 1000000;
    for (int i = 1; i + 1 < argc; i += 2) {
        int64_t v;
        if (!strcmp(argv[i], "--reps") && !parse_int64(argv[i + 1], 1, 31, &v))
            reps = (int)v;
        else if (!strcmp(argv[i], "--min-time") && !parse_int64(argv[i + 1], 1, 60000, &v))
            min_time = (double)v / 1000;
        else if (!strcmp(argv[i], "--big") && !parse_int64(argv[i + 1], 1000, 100000000, &v))
            big = (size_t)v;
        else {
            fprintf(stderr, "usage: bench_taxii [--reps N] [--min-time MS] [--big N]\n");
            return 2;
        }
    }
    /* An indicator of a typical size, as the store would keep it serialized. */
    snprintf(stix, sizeof(stix),
             "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--8e2e2d2b-17d4-"
             "4cbf-938f-98ee46b3cd3f\",\"created\":\"2026-11-20T09:00:00.000Z\",\"modified\":"
             "\"2026-11-20T09:00:00.000Z\",\"name\":\"Invoice-lure phishing site\",\"description"
             "\":\"Credential phishing against regional hospitals\",\"indicator_types\":"
             "[\"malicious-activity\"],\"pattern\":\"[url:value = 'https://invoice-portal.exampl"
             "e/login/hospital.php']\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-11-20T09:"
             "00:00Z\",\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-4cf5-a766-"
             "dfca5abac2bb\"],\"labels\":[\"phishing\",\"healthcare\"]}");
    static const struct scase cases[] = {
        {"first page (default: last versions)", "", false},
        {"page in the middle (next cursor)", "", true},
        {"added_after, all versions", "added_after=2025-01-01T00:00:00.500Z&match[version]=all",
         false},
        {"match[type]=malware (1 in 4)", "match%5Btype%5D=malware", false},
    };
    size_t sizes[2] = {2000, big};
    for (int s = 0; s < 2; s++) {
        struct coll c;
        double t0 = now_s();
        coll_make(&c, sizes[s]);
        fprintf(stderr, "%9zu objects  built and version-marked in %.1f ms\n", c.n,
                (now_s() - t0) * 1e3);
        for (size_t k = 0; k < ARRAY_SIZE(cases); k++)
            run(&c, &cases[k], reps, min_time);
        coll_free(&c);
    }
    return 0;
}
