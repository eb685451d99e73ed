#include "histo.h"

const double histo_bounds_s[HISTO_NBUCKETS - 1] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                    0.025,  0.05,  0.1,    0.25,  0.5,
                                                    1,      2.5,   5,      10};

void histo_init(struct histo *h)
{
    for (int i = 0; i < HISTO_NBUCKETS; i++)
        atomic_init(&h->bucket[i], 0);
    atomic_init(&h->sum_ns, 0);
    atomic_init(&h->count, 0);
}

void histo_observe_ns(struct histo *h, int64_t ns)
{
    int i = 0;
    double s;
    if (ns < 0)
        ns = 0;
    s = (double)ns / 1e9;
    while (i < HISTO_NBUCKETS - 1 && s > histo_bounds_s[i])
        i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_ns, (unsigned long long)ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

int histo_render(const struct histo *h, const char *name, const char *labels, struct buf *out)
{
    unsigned long long cum = 0;
    const char *sep = labels[0] ? "," : "";
    int r = 0;
    for (int i = 0; i < HISTO_NBUCKETS; i++) {
        cum += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
        if (i < HISTO_NBUCKETS - 1)
            r |= buf_appendf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep,
                             histo_bounds_s[i], cum);
        else
            r |= buf_appendf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep, cum);
    }
    const char *lo = labels[0] ? "{" : "", *lc = labels[0] ? "}" : "";
    r |= buf_appendf(out, "%s_sum%s%s%s %.9f\n", name, lo, labels, lc,
                     (double)atomic_load(&h->sum_ns) / 1e9);
    r |= buf_appendf(out, "%s_count%s%s%s %llu\n", name, lo, labels, lc, cum);
    return r ? BUF_EFULL : 0;
}

double histo_quantile_s(const struct histo *h, double q)
{
    unsigned long long total = 0, cum = 0, want;
    for (int i = 0; i < HISTO_NBUCKETS; i++)
        total += atomic_load(&h->bucket[i]);
    if (!total)
        return 0;
    want = (unsigned long long)(q * (double)total + 0.5);
    if (want == 0)
        want = 1;
    for (int i = 0; i < HISTO_NBUCKETS - 1; i++) {
        cum += atomic_load(&h->bucket[i]);
        if (cum >= want)
            return histo_bounds_s[i];
    }
    return histo_bounds_s[HISTO_NBUCKETS - 2] * 2;
}
