/*
 * app_changes.c — following the store's change feed and invalidating this node's state
 * (app_changes.h; issue 14 item 2).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "app_changes.h"
#include "app_correlate.h"
#include "../core/log.h"
#include "../core/rtime.h"
#include "../outbox/outbox.h"
#include "../store/store_audit.h"

/* One wait of the feed: how soon a stop is noticed (the feed itself wakes at once). */
#define CHANGES_WAIT_MS 200
/* Entries read per catch-up page. */
#define CHANGES_PAGE 256
/* A catch-up read at least this often whatever the feed says: a belt for a listener whose
 * connection died silently (no reset from a vanished host), and on SQLite the fallback for
 * another process's writes. */
#define CHANGES_RESCAN_MS 30000

/* ---- the policy ---- */

unsigned app_change_of(const struct audit_rec *e)
{
    if (!strcmp(e->action, "token.revoke") || !strcmp(e->object_type, "user"))
        return APP_CHANGE_TOKENS;
    if (!strcmp(e->action, "report.create") || !strcmp(e->action, "report.amend"))
        return APP_CHANGE_REPORT;
    if (!strcmp(e->action, "report.withdraw"))
        return APP_CHANGE_WITHDRAW;
    /* an acknowledgement changes nothing the index holds */
    if (!strcmp(e->object_type, "advisory") && strcmp(e->action, "advisory.acknowledge"))
        return APP_CHANGE_ADVISORY;
    if (!strcmp(e->action, "submission.create"))
        return APP_CHANGE_DELIVERY;
    return 0;
}

/* The report's latest version into the index, unless the version the entry names (or a newer
 * one) is there already — the usual case on the node that filed it. */
static int apply_report(struct app *a, const struct audit_rec *e)
{
    struct report_rec rec;
    int version = store_audit_detail_version(e->detail);
    if (version > 0 && app_correlate_knows(a->correlate, e->object_id, version))
        return STORE_OK;
    int r = store_report_get(a->store, e->object_id, 0, &rec);
    if (r)
        return r == STORE_NOT_FOUND ? STORE_OK : r;
    json_t *doc = rec.body ? json_loadb(rec.body, rec.body_len, 0, NULL) : NULL;
    if (doc) {
        struct app_call c = {.app = a, .who = NULL, .now_ms = rtime_now_ms()};
        app_correlate_report_stored(&c, &rec, doc);
        json_decref(doc);
    }
    report_rec_release(&rec);
    return STORE_OK;
}

static int apply_advisory(struct app *a, const struct audit_rec *e)
{
    struct advisory_rec rec;
    int r = store_advisory_get(a->store, e->object_id, 0, &rec);
    if (r)
        return r == STORE_NOT_FOUND ? STORE_OK : r;
    if (app_correlate_put_advisory(a->correlate, &rec))
        LOG(LOG_ERROR, "correlate.put_failed", LF_S("advisory", rec.id));
    advisory_rec_release(&rec);
    return STORE_OK;
}

int app_changes_apply(struct app *a, const struct audit_rec *e)
{
    unsigned what = app_change_of(e);
    if ((what & APP_CHANGE_TOKENS) && a->tokens_changed)
        a->tokens_changed(a);
    if ((what & APP_CHANGE_DELIVERY) && a->worker)
        outbox_worker_wake(a->worker);
    if (!a->correlate)
        return STORE_OK;
    if (what & APP_CHANGE_WITHDRAW)
        app_correlate_withdraw(a->correlate, e->object_id);
    if (what & APP_CHANGE_REPORT)
        return apply_report(a, e);
    if (what & APP_CHANGE_ADVISORY)
        return apply_advisory(a, e);
    return STORE_OK;
}

/* ---- the thread ---- */

struct app_changes {
    struct app *app;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* signalled by stop */
    bool stopping;
    int64_t applied; /* the last entry applied (thread only) */
};

struct page {
    struct audit_rec *v;
    size_t n;
};

static int page_add(const struct audit_rec *r, void *arg)
{
    struct page *p = arg;
    p->v[p->n++] = *r;
    return p->n == CHANGES_PAGE;
}

/* Applies every entry after f->applied, a page at a time (each page copied first: applying
 * reads the store, which must not happen inside the scan's callback). STORE_OK, or the
 * store's error with f->applied at the last entry applied. */
static int catch_up(struct app_changes *f)
{
    struct page p = {xcalloc(CHANGES_PAGE, sizeof(*p.v)), 0};
    int r = STORE_OK;
    do {
        p.n = 0;
        r = store_audit_scan(f->app->store, f->applied + 1, CHANGES_PAGE, page_add, &p);
        for (size_t i = 0; !r && i < p.n; i++)
            if (!(r = app_changes_apply(f->app, &p.v[i])))
                f->applied = p.v[i].seq;
    } while (!r && p.n == CHANGES_PAGE);
    free(p.v);
    return r;
}

static bool stopping(struct app_changes *f)
{
    pthread_mutex_lock(&f->lock);
    bool s = f->stopping;
    pthread_mutex_unlock(&f->lock);
    return s;
}

/* After a failure: a pause of one wait, cut short by a stop. */
static void pause_once(struct app_changes *f)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += CHANGES_WAIT_MS * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&f->lock);
    if (!f->stopping)
        pthread_cond_timedwait(&f->cond, &f->lock, &until);
    pthread_mutex_unlock(&f->lock);
}

static void *follow_main(void *arg)
{
    struct app_changes *f = arg;
    bool pending = true, failing = false;
    int64_t scanned = rtime_mono_ns() / 1000000;
    while (!stopping(f)) {
        int64_t now = rtime_mono_ns() / 1000000;
        bool changed = false;
        int r = STORE_OK;
        if (pending || now - scanned >= CHANGES_RESCAN_MS) {
            r = catch_up(f);
            pending = r != STORE_OK;
            scanned = now;
        }
        if (!r)
            r = store_changes_wait(f->app->store, f->applied, CHANGES_WAIT_MS, &changed);
        if (r && !failing) /* logged once per outage, not once per retry */
            LOG(LOG_WARN, "changes.failed", LF_S("error", store_result_name(r)),
                LF_I("applied", f->applied));
        else if (!r && failing)
            LOG(LOG_INFO, "changes.resumed", LF_I("applied", f->applied));
        failing = r != STORE_OK;
        pending = pending || changed || failing; /* after an outage, read what was missed */
        if (failing)
            pause_once(f);
    }
    return NULL;
}

struct app_changes *app_changes_start(struct app *a, int64_t after_seq)
{
    struct app_changes *f = xcalloc(1, sizeof(*f));
    f->app = a;
    f->applied = after_seq;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    if (pthread_create(&f->thread, NULL, follow_main, f)) {
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->cond);
        free(f);
        return NULL;
    }
    return f;
}

void app_changes_stop(struct app_changes *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->stopping = true;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
    free(f);
}
