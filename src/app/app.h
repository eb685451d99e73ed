/*
 * app.h — the application layer: the one context of a serving process and (as they move here
 * from the HTTP handlers, issue 9) the use cases that the HTTP API, the web pages and the CLI
 * call alike. A use case takes decoded input and an actor, decides (authorisation included),
 * calls the store and the pure domain modules, and returns APP_OK or a row of the one problem
 * table, filling a struct app_result with every problem of the input (app_call.h,
 * app_problem.h); it knows nothing of HTTP or of a terminal.
 *
 * Layer: above store/ and outbox/, below http/ and cli/ (docs/architecture.md).
 */
#ifndef APP_APP_H
#define APP_APP_H

#include <pthread.h>

#include "../core/core.h"
#include "../config/config.h"
#include "../report/report.h"
#include "../schema/schema.h"
#include "../store/store.h"
#include "../rules/rules.h"

struct http_metrics;
struct assess_catalog;
struct outbox_config;
struct outbox_worker;
struct http_tcache;
struct app_correlate;
struct clearance_catalog;

/* The one context passed everywhere in the serving process (ARCHITECTURE.md). The edge's own
 * state (metrics, the token cache) is reached through opaque pointers the edge owns. */
struct app {
    struct config cfg;
    struct store *store;
    struct schema_limits limits;
    struct http_metrics *metrics;
    struct http_tcache *tokens;              /* recent token lookups (tcache.c) */
    /* Empties the token cache (set by the edge that owns it): called when a token, a user or
     * a two-factor enrolment changed, on this node or another (app_changes.h). May be NULL. */
    void (*tokens_changed)(struct app *a);
    const struct ruleset *rules;             /* obligations engine (src/rules/) */
    const struct assess_catalog *frameworks; /* questionnaires (src/assess/) */
    /* security clearance levels (data/sharing/clearance.json; sharing/clearance.h), or NULL:
     * none, so no object may require one */
    const struct clearance_catalog *clearance;
    const struct outbox_config *delivery;    /* routes of every recipient (src/outbox/) */
    struct outbox_worker *worker;            /* NULL when delivery_enabled = 0 */
    struct app_correlate *correlate;         /* indicators across reports (app_correlate.h) */
    int64_t due_soon_ms;
    int64_t started_at;

    /* bounds simultaneous argon2id computations (64 MiB each) */
    pthread_mutex_t pw_lock;
    pthread_cond_t pw_cond;
    int pw_inflight;

    /* one risk simulation at a time: each already uses every core (risk_threads) */
    pthread_mutex_t sim_lock;
};

#endif
