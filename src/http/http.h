/*
 * http.h — the HTTP API server (libmicrohttpd): JSON under /api/v1, health and metrics.
 *
 * What it is: the edge that decodes requests, calls the use cases of app/ (which decide,
 * authorisation included) and encodes their results as JSON or RFC 9457 problem responses
 * (h_app.c maps every app status to its answer). What it is not: business rules (app/ and the
 * pure modules) or persistence.
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
#include "../app/app.h"

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
/* Empties a->tokens: struct app's tokens_changed (app_changes.h calls it when a token, user or
 * two-factor enrolment changed on any node). */
void http_tokens_changed(struct app *a);

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
