/*
 * cli_serve.c — `ichigen serve`: open the store, start the HTTP server, run housekeeping,
 * stop cleanly on SIGINT/SIGTERM.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../core/log.h"
#include "../core/rtime.h"
#include "../app/app_report.h"
#include "../app/app_correlate.h"
#include "../app/app_changes.h"
#include "../core/hash.h"
#include "../http/http.h"
#include "../assess/assess.h"
#include "../sharing/clearance.h"
#include "../outbox/outbox.h"
#include "../store/store_trace.h"

static int write_ready_file(const char *path, int port)
{
    char tmp[CONFIG_PATH_MAX + 8];
    FILE *f;
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if (!(f = fopen(tmp, "w")))
        return -1;
    fprintf(f, "%d\n", port);
    if (fclose(f))
        return -1;
    return rename(tmp, path); /* readers never see a half-written file */
}

static void app_init(struct app *app, const struct config *cfg, struct store *s)
{
    memset(app, 0, sizeof(*app));
    app->cfg = *cfg;
    app->store = s;
    app_limits_from_config(&app->limits, cfg);
    app->started_at = rtime_now_ms();
    pthread_mutex_init(&app->pw_lock, NULL);
    pthread_cond_init(&app->pw_cond, NULL);
    pthread_mutex_init(&app->sim_lock, NULL);
    app->tokens = http_tcache_new(cfg->token_cache_ms);
    app->tokens_changed = http_tokens_changed;
}

/* The audit log's head before the in-memory state is built: the change feed is followed from
 * there (app_changes.h), so nothing another node commits meanwhile is missed. */
static int feed_start(struct store *s, int64_t *seq)
{
    struct audit_rec head;
    int r = store_audit_head(s, &head);
    *seq = r ? 0 : head.seq;
    if (r && r != STORE_NOT_FOUND)
        fprintf(stderr, "ichigen: the audit log's head could not be read: %s\n",
                store_result_name(r));
    return r == STORE_NOT_FOUND ? STORE_OK : r;
}

/* The operator's warninglists, <data>/sharing/warninglists (ioc_warn.h): a directory that is
 * absent means none (a data directory from before issue 13); a list with a problem stops the
 * start, every problem printed, as for the rules. NULL only in that case. */
static struct ioc_warnlists *load_warnlists(const struct config *cfg)
{
    char data[1024], dir[1100];
    struct stat sb;
    struct ioc_warnlists *w = ioc_warnlists_new();
    cli_rules_dir(cfg, data, sizeof(data));
    snprintf(dir, sizeof(dir), "%s/sharing/warninglists", data);
    if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
        LOG(LOG_WARN, "warninglists.absent", LF_S("directory", dir));
        return w;
    }
    struct diag_list d;
    diag_list_init(&d);
    if (ioc_warnlists_load_dir(w, dir, &d) < 0) {
        fprintf(stderr, "ichigen: the warninglists in %s have %zu problem(s):\n", dir, d.n);
        diag_list_print(&d, stderr, false);
        ioc_warnlists_free(w);
        w = NULL;
    }
    diag_list_release(&d);
    return w;
}

/* The correlation index rebuilt from the store (issue 13 item 3). NULL if the store fails. */
static struct app_correlate *start_correlation(struct store *s, const struct ioc_warnlists *w)
{
    uint64_t seed;
    struct app_correlate_stats st;
    hash_random(&seed, sizeof(seed)); /* nobody can aim reports at one hash chain */
    struct app_correlate *cx = app_correlate_new(seed, w);
    int r = app_correlate_rebuild(cx, s, &st);
    if (r) {
        fprintf(stderr, "ichigen: the correlation index could not be built: %s\n",
                store_result_name(r));
        app_correlate_free(cx);
        return NULL;
    }
    LOG(LOG_INFO, "correlate.rebuilt", LF_I("incidents", st.incidents),
        LF_I("indicators", st.indicators), LF_I("postings", st.postings),
        LF_I("skipped_invalid", st.skipped_invalid),
        LF_I("skipped_warninglist", st.skipped_warninglist), LF_I("withdrawn", st.withdrawn),
        LF_I("drills", st.drills), LF_I("unreadable", st.unreadable),
        LF_I("lists", ioc_warnlists_count(w)), LF_I("ms", st.elapsed_ms));
    return cx;
}

/* The relay's settings as the worker takes them (static: they outlive the worker). */
static const struct outbox_smtp *smtp_from_config(const struct config *cfg, struct err *e)
{
    static struct outbox_smtp m;
    memset(&m, 0, sizeof(m));
    xstrlcpy(m.url, cfg->smtp_url, sizeof(m.url));
    m.require_tls = cfg->smtp_starttls != 0;
    xstrlcpy(m.user, cfg->smtp_user, sizeof(m.user));
    xstrlcpy(m.password, cfg->smtp_password, sizeof(m.password));
    xstrlcpy(m.from_addr, cfg->smtp_from, sizeof(m.from_addr));
    xstrlcpy(m.from_name, cfg->smtp_from_name, sizeof(m.from_name));
    xstrlcpy(m.ca_file, cfg->smtp_ca_file, sizeof(m.ca_file));
    m.timeout_s = (int)cfg->smtp_timeout_s;
    return outbox_smtp_check(&m, e) ? NULL : &m;
}

static int start_worker(struct app *app, const struct config *cfg,
                        const struct outbox_config *delivery)
{
    struct err e;
    err_init(&e);
    const struct outbox_smtp *smtp = smtp_from_config(cfg, &e);
    if (!smtp) {
        fprintf(stderr, "ichigen: %s\n", e.msg);
        return -1;
    }
    struct outbox_worker_options o = {
        .store = app->store,
        .smtp = smtp,
        .config = delivery,
        .max_inflight = (int)cfg->delivery_inflight,
        .max_age_ms = cfg->delivery_max_age_h * 3600000LL,
        .backoff_base_ms = cfg->delivery_backoff_base_ms,
        .backoff_cap_ms = cfg->delivery_backoff_max_s * 1000LL,
        .poll_ms = cfg->delivery_poll_ms,
        .lease_ms = cfg->delivery_lease_s * 1000LL,
        .rules = app->rules,
        .public_url = cfg->public_url,
    };
    err_init(&e);
    if (!(app->worker = outbox_worker_start(&o, &e))) {
        fprintf(stderr, "ichigen: %s\n", e.msg);
        return -1;
    }
    return 0;
}

/* The main thread owns the signals: it sleeps in sigtimedwait, waking each minute for
 * housekeeping (expired Idempotency-Key records). */
static void wait_for_signal(struct app *app, const sigset_t *set)
{
    for (;;) {
        struct timespec ts = {60, 0};
        int sig = sigtimedwait(set, NULL, &ts);
        if (sig == SIGINT || sig == SIGTERM) {
            LOG(LOG_INFO, "server.stopping", LF_I("signal", sig));
            return;
        }
        if (sig < 0 && errno == EAGAIN)
            store_maintain(app->store, rtime_now_ms());
    }
}

/* The service until SIGINT/SIGTERM. Everything started is stopped in reverse order at `out`,
 * whichever step failed: the change feed before the worker it wakes and the store it reads,
 * the worker after the server (no submit can wake it any more), the store after both. */
int cli_serve(int argc, char **argv)
{
    struct config cfg;
    struct app app = {0};
    struct err e;
    sigset_t set;
    /* static: large, and outlives every request */
    static struct clearance_catalog clearance;
    /* static: the figures outlive the store, whose close is timed too */
    static struct store_trace trace;
    struct outbox_config delivery;
    struct ruleset *rules = NULL;
    struct assess_catalog *frameworks = NULL;
    struct store *s = NULL;
    struct ioc_warnlists *warn = NULL;
    struct app_changes *changes = NULL;
    struct http_server *srv = NULL;
    bool have_delivery = false;
    int64_t feed_seq = 0;
    const char *ready = cli_take(&argc, argv, "--ready-file");
    int rc = cli_config(&cfg, &argc, argv);
    if (rc || (rc = cli_no_extra(argc, argv, 1)))
        return rc;
    rc = CLI_FAILURE;

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every thread started below */

    if (!(rules = cli_load_rules(&cfg, NULL)))
        goto out;
    frameworks = cli_load_frameworks(&cfg);
    have_delivery = frameworks && cli_load_clearance(&cfg, &clearance) == 0 &&
                    cli_load_delivery(&cfg, rules, NULL, &delivery) == 0;
    if (!have_delivery || !(s = cli_open_store(&cfg)))
        goto out;
    if (cfg.store_trace) {
        store_trace_init(&trace);
        s = store_trace_wrap(s, &trace);
    }
    app_init(&app, &cfg, s);
    warn = feed_start(s, &feed_seq) ? NULL : load_warnlists(&cfg);
    if (!warn || !(app.correlate = start_correlation(s, warn)))
        goto out;
    app.rules = rules;
    app.frameworks = frameworks;
    app.clearance = &clearance;
    app.delivery = &delivery;
    if (cfg.delivery_enabled && start_worker(&app, &cfg, &delivery))
        goto out;
    /* after the worker: a submission queued on another node wakes it */
    if (!(changes = app_changes_start(&app, feed_seq))) {
        fprintf(stderr, "ichigen: cannot start the change-feed thread\n");
        goto out;
    }
    app.due_soon_ms = cfg.due_soon_h * 3600000LL;
    LOG(LOG_INFO, "rules.loaded", LF_I("rules", rules_count(rules)),
        LF_I("stages", rules_stage_count(rules)), LF_S("version", rules_version(rules)));
    LOG(LOG_INFO, "frameworks.loaded", LF_I("frameworks", assess_catalog_count(frameworks)));
    app.metrics = http_metrics_new(http_route_count());
    err_init(&e);
    if (!(srv = http_start(&app, &e))) {
        fprintf(stderr, "ichigen: %s\n", e.msg);
        goto out;
    }
    LOG(LOG_INFO, "server.listening", LF_S("address", cfg.listen_addr),
        LF_I("port", http_port(srv)), LF_S("store", cfg.store_url));
    if (ready && *ready && write_ready_file(ready, http_port(srv)))
        LOG(LOG_ERROR, "server.ready_file_failed", LF_S("path", ready),
            LF_S("error", strerror(errno)));
    wait_for_signal(&app, &set);
    http_stop(srv);
    rc = CLI_OK;
out:
    app_changes_stop(changes);
    outbox_worker_stop(app.worker);
    if (s) {
        store_close(s);
        if (cfg.store_trace)
            store_trace_log(&trace);
    }
    if (have_delivery)
        outbox_config_release(&delivery);
    http_metrics_free(app.metrics);
    http_tcache_free(app.tokens);
    app_correlate_free(app.correlate);
    ioc_warnlists_free(warn);
    rules_free(rules);
    assess_catalog_free(frameworks);
    if (rc == CLI_OK)
        LOG(LOG_INFO, "server.stopped", LF_I("port", 0));
    return rc;
}
