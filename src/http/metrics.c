/*
 * metrics.c — request counters by route and status, latency histograms by route, and the
 * Prometheus text exposition (version 0.0.4) of those plus the store's commit latency.
 */
#include <stdatomic.h>

#include "http_int.h"
#include "../core/histo.h"
#include "../core/rtime.h"
#include "../outbox/outbox.h"

static const int status_slots[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409,
                                   412, 413, 415, 422, 428, 429, 499, 500, 503, 0 /* other */};
#define NSLOTS ARRAY_SIZE(status_slots)

struct route_metrics {
    atomic_ullong count[NSLOTS];
    struct histo latency;
};

struct http_metrics {
    size_t nroutes;
    struct route_metrics *routes; /* nroutes + 1: the last is "unmatched" */
    atomic_long inflight;
};

struct http_metrics *http_metrics_new(size_t nroutes)
{
    struct http_metrics *m = xcalloc(1, sizeof(*m));
    m->nroutes = nroutes;
    m->routes = xcalloc(nroutes + 1, sizeof(*m->routes));
    for (size_t i = 0; i <= nroutes; i++) {
        for (size_t k = 0; k < NSLOTS; k++)
            atomic_init(&m->routes[i].count[k], 0);
        histo_init(&m->routes[i].latency);
    }
    atomic_init(&m->inflight, 0);
    return m;
}

void http_metrics_free(struct http_metrics *m)
{
    if (!m)
        return;
    free(m->routes);
    free(m);
}

static size_t slot_of(int status)
{
    for (size_t k = 0; k < NSLOTS - 1; k++)
        if (status_slots[k] == status)
            return k;
    return NSLOTS - 1;
}

void http_metrics_record(struct http_metrics *m, int route_index, int status, int64_t ns)
{
    size_t ri = route_index >= 0 ? (size_t)route_index : m->nroutes;
    atomic_fetch_add_explicit(&m->routes[ri].count[slot_of(status)], 1, memory_order_relaxed);
    histo_observe_ns(&m->routes[ri].latency, ns);
}

void http_metrics_inflight(struct http_metrics *m, int delta)
{
    atomic_fetch_add(&m->inflight, delta);
}

static const char *route_label(size_t i, char *buf, size_t n)
{
    if (i < http_nroutes)
        snprintf(buf, n, "method=\"%s\",route=\"%s\"", http_routes[i].method,
                 http_routes[i].pattern);
    else
        snprintf(buf, n, "method=\"any\",route=\"unmatched\"");
    return buf;
}

void http_metrics_render(struct http_metrics *m, struct app *app, struct buf *out)
{
    char lbl[160];
    struct store_stats st;

    buf_puts(out, "# HELP ichigen_http_requests_total HTTP requests by route and status.\n"
                  "# TYPE ichigen_http_requests_total counter\n");
    for (size_t i = 0; i <= m->nroutes; i++) {
        route_label(i, lbl, sizeof(lbl));
        for (size_t k = 0; k < NSLOTS; k++) {
            unsigned long long v = atomic_load(&m->routes[i].count[k]);
            if (!v)
                continue;
            if (status_slots[k])
                buf_appendf(out, "ichigen_http_requests_total{%s,status=\"%d\"} %llu\n", lbl,
                            status_slots[k], v);
            else
                buf_appendf(out, "ichigen_http_requests_total{%s,status=\"other\"} %llu\n", lbl, v);
        }
    }
    buf_puts(out, "# HELP ichigen_http_request_duration_seconds Time from request start to "
                  "response completion.\n"
                  "# TYPE ichigen_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->nroutes; i++) {
        if (!atomic_load(&m->routes[i].latency.count))
            continue;
        histo_render(&m->routes[i].latency, "ichigen_http_request_duration_seconds",
                     route_label(i, lbl, sizeof(lbl)), out);
    }
    buf_puts(out, "# HELP ichigen_store_commit_duration_seconds Duration of one durable group "
                  "commit (BEGIN to fsync'ed COMMIT).\n"
                  "# TYPE ichigen_store_commit_duration_seconds histogram\n");
    histo_render(store_commit_latency(app->store), "ichigen_store_commit_duration_seconds", "",
                 out);
    store_get_stats(app->store, &st);
    buf_appendf(out,
                "# HELP ichigen_store_commits_total Durable commits.\n"
                "# TYPE ichigen_store_commits_total counter\nichigen_store_commits_total %llu\n"
                "# HELP ichigen_store_writes_total Writes carried by those commits.\n"
                "# TYPE ichigen_store_writes_total counter\nichigen_store_writes_total %llu\n"
                "# HELP ichigen_store_failed_commits_total Commits that failed (nothing "
                "acknowledged).\n"
                "# TYPE ichigen_store_failed_commits_total counter\n"
                "ichigen_store_failed_commits_total %llu\n",
                (unsigned long long)st.commits, (unsigned long long)st.writes,
                (unsigned long long)st.failed_commits);
    if (app->worker) { /* counted since this process started its delivery worker */
        struct outbox_stats ds;
        outbox_worker_stats(app->worker, &ds);
        buf_appendf(out,
                    "# HELP ichigen_delivery_attempts_total Webhook delivery attempts started.\n"
                    "# TYPE ichigen_delivery_attempts_total counter\n"
                    "ichigen_delivery_attempts_total %llu\n"
                    "# HELP ichigen_delivery_delivered_total Attempts answered 2xx.\n"
                    "# TYPE ichigen_delivery_delivered_total counter\n"
                    "ichigen_delivery_delivered_total %llu\n"
                    "# HELP ichigen_delivery_retries_total Attempts that failed and will be "
                    "retried.\n"
                    "# TYPE ichigen_delivery_retries_total counter\n"
                    "ichigen_delivery_retries_total %llu\n"
                    "# HELP ichigen_delivery_failed_total Submissions given up after "
                    "delivery_max_age_h.\n"
                    "# TYPE ichigen_delivery_failed_total counter\n"
                    "ichigen_delivery_failed_total %llu\n",
                    (unsigned long long)ds.attempts, (unsigned long long)ds.delivered,
                    (unsigned long long)ds.retried, (unsigned long long)ds.failed);
    }
    buf_appendf(out,
                "# HELP ichigen_http_requests_in_flight Requests being handled.\n"
                "# TYPE ichigen_http_requests_in_flight gauge\nichigen_http_requests_in_flight "
                "%ld\n"
                "# HELP ichigen_uptime_seconds Seconds since the server started.\n"
                "# TYPE ichigen_uptime_seconds gauge\nichigen_uptime_seconds %lld\n",
                atomic_load(&m->inflight), (long long)((rtime_now_ms() - app->started_at) / 1000));
}
