/*
 * http.h — the HTTP API server (libmicrohttpd): JSON under /api/v1, health and metrics.
 *
 * What it is: the edge that turns requests into calls on report/, auth/ and store/, and their
 * results into JSON or RFC 9457 problem responses. What it is not: business rules (they live in
 * the pure modules) or persistence.
 *
 * Threading: libmicrohttpd runs one thread per connection. A handler blocks while its write
 * is group-committed by the store; thread-per-connection keeps that simple and lets the store
 * batch writes from many connections into one fsync.
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <pthread.h>

#include "../core/core.h"
#include "../config/config.h"
#include "../report/report.h"
#include "../store/store.h"
#include "../rules/rules.h"

struct http_metrics;
struct assess_catalog;
struct outbox_config;
struct outbox_worker;
struct http_tcache;

/* The one context passed everywhere in the serving process (ARCHITECTURE.md). */
struct app {
    struct config cfg;
    struct store *store;
    struct report_limits limits;
    struct http_metrics *metrics;
    struct http_tcache *tokens; /* recent token lookups (tcache.c) */
    const struct ruleset *rules; /* obligations engine (src/rules/) */
    const struct assess_catalog *frameworks; /* questionnaires (src/assess/) */
    const struct outbox_config *delivery;    /* routes of every recipient (src/outbox/) */
    struct outbox_worker *worker;            /* NULL when delivery_enabled = 0 */
    int64_t due_soon_ms;
    int64_t started_at;

    /* bounds simultaneous argon2id computations (64 MiB each) */
    pthread_mutex_t pw_lock;
    pthread_cond_t pw_cond;
    int pw_inflight;

    /* one risk simulation at a time: each already uses every core (risk_threads) */
    pthread_mutex_t sim_lock;
};

struct http_server;

/* Starts listening on cfg.listen_addr:cfg.port. Returns NULL with e set on failure. */
struct http_server *http_start(struct app *app, struct err *e);
/* The bound port (useful with port 0). */
int http_port(const struct http_server *srv);
/* Stops accepting, waits for in-flight requests, frees. */
void http_stop(struct http_server *srv);

/* Token-lookup cache (tcache.c), created before http_start and freed after http_stop. */
struct http_tcache *http_tcache_new(int64_t ttl_ms);
void http_tcache_free(struct http_tcache *c);

/* Request metrics, created before http_start and freed after http_stop. */
struct http_metrics *http_metrics_new(size_t nroutes);
void http_metrics_free(struct http_metrics *m);

/* The route table, for the OpenAPI consistency test and `ichigen routes`. */
struct http_route_info {
    const char *method;
    const char *pattern; /* OpenAPI style: /api/v1/reports/{id} */
    const char *auth;    /* "public", "token", or the roles allowed */
};
size_t http_route_count(void);
const struct http_route_info *http_route_at(size_t i);

#endif
