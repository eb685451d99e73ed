/*
 * histo.h — a lock-free latency histogram with fixed buckets, rendered in the Prometheus text
 * exposition format (cumulative "le" buckets, _sum and _count). Thread-safe; no allocation.
 */
#ifndef CORE_HISTO_H
#define CORE_HISTO_H

#include <stdatomic.h>

#include "core.h"
#include "buf.h"

#define HISTO_NBUCKETS 15 /* 14 finite bounds + +Inf */

struct histo {
    atomic_ullong bucket[HISTO_NBUCKETS]; /* non-cumulative counts */
    atomic_ullong sum_ns;
    atomic_ullong count;
};

/* Upper bounds in seconds, ascending; the last bucket is +Inf. */
extern const double histo_bounds_s[HISTO_NBUCKETS - 1];

void histo_init(struct histo *h);
void histo_observe_ns(struct histo *h, int64_t ns);

/* Appends the series lines for metric `name` with the extra label set `labels` (e.g.
 * "route=\"/healthz\"" or "" for none). The caller writes # HELP / # TYPE once. */
int histo_render(const struct histo *h, const char *name, const char *labels, struct buf *out);

/* Approximate quantile (0..1) in seconds from the buckets (upper bound of the bucket). */
double histo_quantile_s(const struct histo *h, double q);

#endif
