/*
 * bench_index.c — the correlation index in process (src/sharing/ioc_index.c, issue 13 item 3):
 * 10,000,000 mixed indicators generated deterministically, built with ioc_index_build, then
 * single-thread lookups with a realistic mix of hits and misses. Target: ≥ 5 million lookups
 * per second per core on 10 million indicators; the build time and the memory per indicator
 * are reported.
 *
 * The indicator mix (shares of the indicators): IPv4 hosts 30 %, IPv4 blocks 2 % (/24 most,
 * /16 … /29, ten blocks of /8 … /12), IPv6 3 % (hosts, /64, /48, /32), domains 25 % (two to
 * four labels), URLs 15 %, MD5 5 %, SHA-1 5 %, SHA-256 15 %. The queries follow the same mix,
 * half of them drawn from stored indicators (an address inside a stored block, a subdomain of
 * a stored domain for half the domain queries, the same URL or hash) and half fresh random
 * values (which still hit a block or a parent domain now and then, as real queries do).
 * A lookup is ioc_index_query_key counting its matches (no callback): read lock, every probe,
 * every match visited. The "text" figure adds parsing the query text (ioc_index_query).
 *
 * Memory: the index's own accounting (ioc_index_stats: tables, entries and keys, posting
 * lists, buckets) and, as a cross-check, the growth of the resident set over the first build
 * (later builds reuse freed memory). Medians of --reps runs (each a fresh build). Prints a readable
 * table to stderr and one JSON line to stdout.
 *
 * Usage: bench_index [--indicators N] [--queries N] [--reps N]
 */
#include <time.h>
#include <unistd.h>

#include "../src/core/core.h"
#include "../src/sharing/ioc_index.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t rs = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- generated text ---- */

struct text {
    char *p;
    size_t n, cap;
};

static const char *text_put(struct text *t, const char *s, size_t n)
{
    BUG_ON(t->n + n + 1 > t->cap);
    char *at = t->p + t->n;
    memcpy(at, s, n);
    at[n] = '\0';
    t->n += n + 1;
    return at;
}

enum kind { K_V4, K_V4NET, K_V6, K_DOMAIN, K_URL, K_MD5, K_SHA1, K_SHA256, K__N };
static const unsigned share[K__N] = {300, 20, 30, 250, 150, 50, 50, 150}; /* per mille */
static const enum ioc_type type_of[K__N] = {IOC_IPV4, IOC_IPV4, IOC_IPV6, IOC_DOMAIN,
                                            IOC_URL,  IOC_MD5,  IOC_SHA1, IOC_SHA256};

static enum kind pick_kind(void)
{
    unsigned r = (unsigned)(rnd() % 1000), acc = 0;
    for (int k = 0; k < K__N; k++)
        if (r < (acc += share[k]))
            return (enum kind)k;
    return K_SHA256;
}

static void name(char *out, size_t len)
{
    static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i < len; i++)
        out[i] = al[rnd() % (i ? 36 : 26)];
    out[len] = '\0';
}

static size_t gen_domain(char *s, size_t cap)
{
    static const char *const tlds[] = {"com", "net",  "org", "ru",  "cn",
                                       "jp",  "info", "xyz", "top", "io"};
    char a[16], b[16], c[16];
    unsigned depth = (unsigned)(rnd() % 10);
    name(a, 6 + rnd() % 7);
    name(b, 3 + rnd() % 6);
    name(c, 2 + rnd() % 4);
    const char *tld = tlds[rnd() % ARRAY_SIZE(tlds)];
    if (depth < 6)
        return (size_t)snprintf(s, cap, "%s.%s", a, tld);
    if (depth < 9)
        return (size_t)snprintf(s, cap, "%s.%s.%s", b, a, tld);
    return (size_t)snprintf(s, cap, "%s.%s.%s.%s", c, b, a, tld);
}

static size_t gen_hex(char *s, size_t digits)
{
    for (size_t i = 0; i < digits; i += 16)
        xsnprintf(s + i, 17, "%016llx", (unsigned long long)rnd());
    s[digits] = '\0';
    return digits;
}

static size_t gen_v4(char *s, uint32_t a, unsigned prefix)
{
    if (prefix < 32)
        a &= prefix ? ~0u << (32 - prefix) : 0;
    int n = snprintf(s, 32, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    if (prefix < 32)
        n += snprintf(s + n, 8, "/%u", prefix);
    return (size_t)n;
}

static unsigned v4_prefix(void)
{
    static const unsigned p[] = {24, 24, 24, 24, 24, 24, 24, 16, 20, 22, 28, 29, 23, 26};
    return p[rnd() % ARRAY_SIZE(p)];
}

static size_t gen_v6(char *s, unsigned prefix)
{
    uint8_t a[16];
    for (int i = 0; i < 16; i += 8) {
        uint64_t r = rnd();
        memcpy(a + i, &r, 8);
    }
    a[0] = (uint8_t)(0x20 | (a[0] & 0x1f)); /* 2000::/3, global unicast */
    for (unsigned b = prefix; b < 128; b++)
        a[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
    return ioc_format_ip(IOC_IPV6, a, prefix, s);
}

static size_t gen_url(char *s, size_t cap)
{
    char host[128], path[40];
    if (rnd() % 10 == 0)
        gen_v4(host, (uint32_t)rnd(), 32);
    else
        gen_domain(host, sizeof(host));
    name(path, 6 + rnd() % 24);
    if (rnd() % 3 == 0)
        return (size_t)snprintf(s, cap, "%s://%s/%s.php?id=%u", rnd() % 2 ? "https" : "http", host,
                                path, (unsigned)(rnd() % 100000));
    return (size_t)snprintf(s, cap, "%s://%s/%s", rnd() % 2 ? "https" : "http", host, path);
}

/* One value of kind k into s (256 bytes). */
static size_t gen(enum kind k, char *s)
{
    static const unsigned v6p[] = {128, 128, 128, 128, 128, 128, 128, 64, 64, 48};
    switch (k) {
    case K_V4:
        return gen_v4(s, (uint32_t)rnd(), 32);
    case K_V4NET:
        return gen_v4(s, (uint32_t)rnd(), v4_prefix());
    case K_V6:
        return gen_v6(s, v6p[rnd() % ARRAY_SIZE(v6p)]);
    case K_DOMAIN:
        return gen_domain(s, 256);
    case K_URL:
        return gen_url(s, 256);
    case K_MD5:
        return gen_hex(s, 32);
    case K_SHA1:
        return gen_hex(s, 40);
    default:
        return gen_hex(s, 64);
    }
}

/* ---- the data set ---- */

struct dataset {
    struct text text;
    struct ioc_index_item *items;
    size_t n;
    struct ioc_key *keys; /* queries, parsed */
    const char **qtext;
    size_t nq, hits_wanted;
};

static void make_items(struct dataset *d, size_t n)
{
    char s[256];
    d->items = xmalloc(n * sizeof(*d->items));
    for (size_t i = 0; i < n; i++) {
        enum kind k = pick_kind();
        size_t len = gen(k, s);
        d->items[i] = (struct ioc_index_item){type_of[k], text_put(&d->text, s, len), len, i};
    }
    /* a few short prefixes, as real lists have */
    for (size_t i = 0; i < 10 && i < n; i++) {
        size_t len = gen_v4(s, (uint32_t)rnd(), 8 + (unsigned)(rnd() % 5));
        d->items[i] = (struct ioc_index_item){IOC_IPV4, text_put(&d->text, s, len), len, i};
    }
    d->n = n;
}

/* A query that should hit: derived from a stored item. */
static size_t hit_query(const struct ioc_index_item *it, char *s)
{
    if (it->type == IOC_IPV4 && memchr(it->value, '/', it->len)) {
        unsigned a, b, c, e, p;
        BUG_ON(sscanf(it->value, "%u.%u.%u.%u/%u", &a, &b, &c, &e, &p) != 5);
        uint32_t base = a << 24 | b << 16 | c << 8 | e;
        return gen_v4(s, base | ((uint32_t)rnd() & (p ? ~(~0u << (32 - p)) : ~0u)), 32);
    }
    if (it->type == IOC_DOMAIN && rnd() % 2)
        return (size_t)snprintf(s, 256, "www.%s", it->value);
    memcpy(s, it->value, it->len + 1);
    return it->len;
}

static void make_queries(struct dataset *d, size_t nq)
{
    char s[300];
    d->keys = xmalloc(nq * sizeof(*d->keys));
    d->qtext = xmalloc(nq * sizeof(*d->qtext));
    for (size_t i = 0; i < nq; i++) {
        enum ioc_type t;
        size_t len;
        if (rnd() % 2) {
            const struct ioc_index_item *it = &d->items[rnd() % d->n];
            t = it->type;
            len = hit_query(it, s);
            d->hits_wanted++;
        } else {
            enum kind k = pick_kind();
            t = type_of[k];
            len = gen(k == K_V4NET ? K_V4 : k, s);
        }
        d->qtext[i] = text_put(&d->text, s, len);
        BUG_ON(ioc_key_parse(&d->keys[i], t, d->qtext[i], len));
    }
    d->nq = nq;
}

/* ---- measurements ---- */

/* The resident set in bytes (/proc/self/statm): what the build really occupies, huge pages
 * counted whole (mallinfo2 would count the address space that 2 MiB-aligned blocks reserve). */
static size_t rss_bytes(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (size_t)sysconf(_SC_PAGESIZE);
}

struct build_result {
    double s, cpu;
    double bytes_per, malloc_per;
    struct ioc_index_stats st;
};

static struct ioc_index *build(const struct dataset *d, struct build_result *r)
{
    size_t m0 = rss_bytes(), rejected = 0;
    double t0 = now_s(), c0 = cpu_s();
    struct ioc_index *ix = ioc_index_new(0x1234);
    BUG_ON(ioc_index_build(ix, d->items, d->n, &rejected) != IOC_INDEX_OK);
    r->s = now_s() - t0;
    r->cpu = cpu_s() - c0;
    BUG_ON(rejected);
    ioc_index_stats(ix, &r->st);
    r->bytes_per = (double)r->st.bytes / (double)r->st.indicators;
    r->malloc_per = (double)(rss_bytes() - m0) / (double)r->st.indicators;
    return ix;
}

/* Lookups per second of wall time over every query (per second of this thread's CPU time in
 * *per_cpu_s); *hits: queries with at least one match. */
static double lookups(const struct ioc_index *ix, const struct dataset *d, bool text, size_t *hits,
                      uint64_t *matches, double *per_cpu_s)
{
    double t0 = now_s(), c0 = cpu_s();
    *hits = 0;
    *matches = 0;
    for (size_t i = 0; i < d->nq; i++) {
        int64_t n = text ? ioc_index_query(ix, d->keys[i].type, d->qtext[i], strlen(d->qtext[i]),
                                           NULL, NULL, NULL)
                         : ioc_index_query_key(ix, &d->keys[i], NULL, NULL, NULL);
        *hits += n > 0;
        *matches += (uint64_t)n;
    }
    *per_cpu_s = (double)d->nq / (cpu_s() - c0);
    return (double)d->nq / (now_s() - t0);
}

/* The same through ioc_index_count_many, 64 queries per call (a report's indicators). */
static double lookups_many(const struct ioc_index *ix, const struct dataset *d, double *per_cpu_s)
{
    struct ioc_count c[64];
    uint64_t sum = 0;
    double t0 = now_s(), c0 = cpu_s();
    for (size_t i = 0; i < d->nq; i += 64)
        sum += (uint64_t)ioc_index_count_many(ix, d->keys + i, MIN(64, d->nq - i), c);
    *per_cpu_s = (double)d->nq / (cpu_s() - c0);
    BUG_ON(sum == 0);
    return (double)d->nq / (now_s() - t0);
}

/* Visits every match (its postings summed) as the service's correlation does. */
static int visit_sum(size_t q, const struct ioc_match *m, void *arg)
{
    (void)q;
    for (size_t i = 0; i < m->npostings; i++)
        *(uint64_t *)arg += m->postings[i] & 1;
    *(uint64_t *)arg += 1;
    return 0;
}

/* The same through ioc_index_query_many with a callback, 64 queries a call: what
 * app_correlate_summary does with a filed report's indicators. */
static double lookups_visit(const struct ioc_index *ix, const struct dataset *d, double *per_cpu_s)
{
    uint64_t sum = 0;
    double t0 = now_s(), c0 = cpu_s();
    for (size_t i = 0; i < d->nq; i += 64)
        ioc_index_query_many(ix, d->keys + i, MIN(64, d->nq - i), visit_sum, &sum, NULL);
    *per_cpu_s = (double)d->nq / (cpu_s() - c0);
    BUG_ON(sum == 0);
    return (double)d->nq / (now_s() - t0);
}

/* Adds and removes m new indicators one by one (the write lock each time). */
static void churn(struct ioc_index *ix, size_t m, double *adds, double *removes)
{
    char s[256];
    struct text t = {.cap = m * 140};
    const char **v = xmalloc(m * sizeof(*v));
    enum ioc_type *ty = xmalloc(m * sizeof(*ty));
    t.p = xmalloc(t.cap);
    for (size_t i = 0; i < m; i++) {
        enum kind k = pick_kind();
        size_t len = gen(k, s);
        v[i] = text_put(&t, s, len);
        ty[i] = type_of[k];
    }
    double t0 = now_s();
    for (size_t i = 0; i < m; i++)
        BUG_ON(ioc_index_add(ix, ty[i], v[i], strlen(v[i]), 1ULL << 40 | i) < 0);
    *adds = (double)m / (now_s() - t0);
    t0 = now_s();
    for (size_t i = 0; i < m; i++)
        BUG_ON(ioc_index_remove(ix, ty[i], v[i], strlen(v[i]), 1ULL << 40 | i) != IOC_INDEX_OK);
    *removes = (double)m / (now_s() - t0);
    free(t.p);
    free(v);
    free(ty);
}

static long opt(int argc, char **argv, const char *name_, long def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], name_))
            return strtol(argv[i + 1], NULL, 10);
    return def;
}

int main(int argc, char **argv)
{
    size_t n = (size_t)opt(argc, argv, "--indicators", 10000000);
    size_t nq = (size_t)opt(argc, argv, "--queries", 2000000);
    int reps = (int)opt(argc, argv, "--reps", 3);
    struct dataset d = {0};
    double build_s[16], build_cpu[16], lk[16], lt[16], lc[16], ltc[16], lb[16], lbc[16], lv[16], lvc[16],
        bpi = 0, mpi = 0, adds = 0, removes = 0;
    size_t hits = 0;
    uint64_t matches = 0;
    struct ioc_index_stats st = {0};
    if (reps < 1 || reps > 16 || n < 100 || nq < 1) {
        fprintf(stderr, "usage: bench_index [--indicators N>=100] [--queries N] [--reps 1..16]\n");
        return 2;
    }
    d.text.cap = (n + nq) * 140;
    d.text.p = xmalloc(d.text.cap);
    double t0 = now_s();
    make_items(&d, n);
    make_queries(&d, nq);
    fprintf(stderr, "bench_index: %zu indicators and %zu queries generated in %.1f s\n", n, nq,
            now_s() - t0);
    for (int r = 0; r < reps; r++) {
        struct build_result br;
        struct ioc_index *ix = build(&d, &br);
        build_s[r] = br.s;
        build_cpu[r] = br.cpu;
        bpi = br.bytes_per;
        if (r == 0)
            mpi = br.malloc_per;
        st = br.st;
        lookups(ix, &d, false, &hits, &matches, &lc[r]); /* warm-up pass */
        lk[r] = lookups(ix, &d, false, &hits, &matches, &lc[r]);
        lt[r] = lookups(ix, &d, true, &hits, &matches, &ltc[r]);
        lb[r] = lookups_many(ix, &d, &lbc[r]);
        lv[r] = lookups_visit(ix, &d, &lvc[r]);
        if (r == 0)
            churn(ix, 100000, &adds, &removes);
        ioc_index_free(ix);
        fprintf(stderr,
                "  run %d: build %.2f s, %.2f M lookups/s (keys; %.2f M per CPU second), %.2f M/s "
                "(text), %.2f M/s batched (%.2f M per CPU second), %.2f M/s batched visiting "
                "(%.2f M per CPU second)\n",
                r + 1, build_s[r], lk[r] / 1e6, lc[r] / 1e6, lt[r] / 1e6, lb[r] / 1e6,
                lbc[r] / 1e6, lv[r] / 1e6, lvc[r] / 1e6);
    }
    double mbc = median(build_cpu, reps);
    double mb = median(build_s, reps), ml = median(lk, reps), mt = median(lt, reps);
    double mlc = median(lc, reps), mtc = median(ltc, reps), mlb = median(lb, reps),
           mlbc = median(lbc, reps), mlv = median(lv, reps), mlvc = median(lvc, reps);
    fprintf(stderr, "%-56s %10zu (%llu distinct, %llu postings)\n", "indicators", n,
            (unsigned long long)st.indicators, (unsigned long long)st.postings);
    fprintf(stderr, "%-56s %10.2f s (%.2f M indicators/s; %.2f s of CPU)\n",
            "build (ioc_index_build), median", mb, (double)n / mb / 1e6, mbc);
    fprintf(stderr, "%-56s %10.1f bytes (resident set growth: %.1f)\n",
            "memory per distinct indicator", bpi, mpi);
    fprintf(stderr, "%-56s %10.2f M/s  (%.1f %% of queries matched, %.2f matches/query)\n",
            "lookups, 1 thread, parsed keys, median", ml / 1e6, 100.0 * (double)hits / (double)nq,
            (double)matches / (double)nq);
    fprintf(stderr, "%-56s %10.2f M/s\n", "lookups per CPU second (thread CPU time), median",
            mlc / 1e6);
    fprintf(stderr, "%-56s %10.2f M/s (%.2f M per CPU second)\n",
            "lookups, 1 thread, query text parsed, median", mt / 1e6, mtc / 1e6);
    fprintf(stderr, "%-56s %10.2f M/s (%.2f M per CPU second)\n",
            "lookups, 1 thread, batched (count_many, 64 a call), median", mlb / 1e6, mlbc / 1e6);
    fprintf(stderr, "%-56s %10.2f M/s (%.2f M per CPU second)\n",
            "lookups, batched, every match visited (query_many)", mlv / 1e6, mlvc / 1e6);
    fprintf(stderr, "%-56s %10.0f /s (remove %.0f /s)\n", "incremental add, one at a time", adds,
            removes);
    printf("{\"bench\":\"index\",\"indicators\":%zu,\"distinct\":%llu,\"queries\":%zu,\"reps\":%d,"
           "\"build_s\":%.3f,\"build_cpu_s\":%.3f,\"bytes_per_indicator\":%.1f,\"rss_bytes_per_"
           "indicator\":%.1f,"
           "\"lookups_per_s\":%.0f,\"lookups_per_cpu_s\":%.0f,\"text_lookups_per_s\":%.0f,"
           "\"text_lookups_per_cpu_s\":%.0f,\"batched_lookups_per_s\":%.0f,"
           "\"batched_lookups_per_cpu_s\":%.0f,\"visiting_lookups_per_s\":%.0f,"
           "\"visiting_lookups_per_cpu_s\":%.0f,\"hit_rate\":%.3f,"
           "\"matches_per_query\":%.3f,\"adds_per_s\":%.0f,\"removes_per_s\":%.0f}\n",
           n, (unsigned long long)st.indicators, nq, reps, mb, mbc, bpi, mpi, ml, mlc, mt, mtc, mlb,
           mlbc, mlv, mlvc, (double)hits / (double)nq, (double)matches / (double)nq, adds, removes);
    free(d.items);
    free(d.keys);
    free(d.qtext);
    free(d.text.p);
    return 0;
}
