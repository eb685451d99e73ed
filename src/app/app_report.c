/*
 * app_report.c — the incident report's use cases (app_report.h).
 */
#include "app_report.h"
#include "app_authz.h"
#include "app_int.h"
#include "app_ledger.h"
#include "app_correlate.h"
#include "../core/jpatch.h"

void app_limits_from_config(struct schema_limits *lim, const struct config *cfg)
{
    schema_limits_default(lim);
    lim->max_string_chars = cfg->max_string_chars;
    lim->max_array_items = cfg->max_array_items;
    lim->future_skew_ms = cfg->future_skew_s * 1000;
}

enum app_problem app_report_validate(const struct schema_limits *lim, const json_t *doc,
                                     int64_t now_ms, struct app_result *res)
{
    if (report_validate(doc, lim, now_ms, &res->errs))
        return app_fail(res, APP_PROB_REPORT_INVALID);
    return APP_OK;
}

/* A validated report ready to store. */
struct prepared {
    char sha[HASH_SHA256_HEX];
    struct report_index ix;
    struct report_write w;
};

/* Validates in and fills the write (without id, ledger and versions). */
static enum app_problem prepare(const struct app_call *c, const struct app_report_in *in,
                                struct prepared *p, struct app_result *res)
{
    memset(p, 0, sizeof(*p));
    if (app_report_validate(&c->app->limits, in->doc, c->now_ms, res))
        return res->problem;
    hash_sha256_hex(in->body, in->body_len, p->sha);
    report_index_extract(in->doc, &p->ix);
    p->w = (struct report_write){
        .org_id = c->who->org_id,
        .author_id = c->who->user_id,
        .body = in->body,
        .body_len = in->body_len,
        .body_sha256 = p->sha,
        .phase = p->ix.phase,
        .tlp = p->ix.tlp,
        .summary = p->ix.summary,
        .change_summary = p->ix.change_summary,
        .categories = p->ix.categories,
        .drill = p->ix.drill,
        .now_ms = c->now_ms,
        .idem_retention_ms = c->app->cfg.idempotency_retention_h * 3600000LL,
    };
    return APP_OK;
}

enum app_problem app_report_create(const struct app_call *c, const struct app_report_in *in,
                                   struct report_rec *out, bool *replayed, struct app_result *res)
{
    struct prepared p;
    struct app_ledger lb = {0};
    char id[UUID_STR_LEN];
    memset(out, 0, sizeof(*out));
    *replayed = false;
    enum app_problem pr = app_authz(c->who, ACT_REPORT_CREATE, NULL, res);
    if (pr || (pr = prepare(c, in, &p, res)))
        return pr;
    uuid_v7_new(id);
    p.w.id = id;
    p.w.idem_key = in->idem_key;
    app_ledger_build(c->app, in->doc, NULL, NULL, c->now_ms, &lb);
    p.w.ledger = &lb.in;
    int st = store_report_create(c->app->store, &p.w, out);
    app_ledger_release(&lb);
    *replayed = st == STORE_REPLAYED;
    if (st == STORE_OK) /* the index follows what is stored (issue 13 item 3) */
        app_correlate_report_stored(c, out, in->doc);
    if (st == STORE_REPLAYED || st == STORE_OK)
        return APP_OK;
    if (st == STORE_IDEM_MISMATCH)
        return app_fail(res, APP_PROB_IDEMPOTENCY_KEY_REUSED);
    return app_fail_store(res, st);
}

/* The report API's 412 (docs/report-format.md): the latest version and how to go on. */
static enum app_problem report_changed(struct app_result *res, int latest)
{
    char etag[24], en[256], ja[320];
    snprintf(etag, sizeof(etag), "\"v%d\"", latest);
    snprintf(en, sizeof(en),
             "The report has changed: the latest version is %d. Read it, merge, "
             "and send If-Match: %s.",
             latest, etag);
    snprintf(ja, sizeof(ja),
             "報告は更新されています（最新は第%d版）。最新版を取得して反映し、If-Match: %s "
             "を付けて送ってください。",
             latest, etag);
    res->version = latest;
    return app_fail_detail(res, APP_PROB_PRECONDITION_FAILED, en, ja);
}

/* Amendments must name the version they change: "*" would let a client overwrite facts it
 * has not seen, so it is refused like a missing header. */
static enum app_problem amend_precondition(const struct app_report_in *in, int latest,
                                           struct app_result *res)
{
    switch (app_expect_check(&in->pre, latest)) {
    case APP_PRECOND_MATCH:
        return APP_OK;
    case APP_PRECOND_STALE:
        return report_changed(res, latest);
    default:
        return app_fail(res, APP_PROB_AMEND_PRECONDITION_REQUIRED);
    }
}

enum app_problem app_report_amend(const struct app_call *c, const struct app_report_in *in,
                                  struct report_rec *out, struct app_result *res)
{
    struct report_rec cur;
    struct prepared p;
    struct app_ledger lb = {0};
    struct obligation_list obs = {0};
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_report(c, ACT_REPORT_READ, in->report_id, 0, &cur, res);
    if (pr)
        return pr;
    if ((pr = app_authz(c->who, ACT_REPORT_AMEND, cur.org_id, res)) ||
        (pr = amend_precondition(in, cur.latest_version, res)))
        goto out;
    if (cur.withdrawn_at) { /* a withdrawn incident is kept as it was withdrawn */
        pr = app_fail(res, APP_PROB_INCIDENT_WITHDRAWN);
        goto out;
    }
    if ((pr = prepare(c, in, &p, res)))
        goto out;
    p.w.id = cur.id;
    p.w.expected_version = cur.latest_version;
    /* deadlines that run from a previous stage's submission need the submitted stages */
    if (store_obligations_list(c->app->store, cur.id, &obs)) {
        pr = app_fail_unavailable(res);
        goto out;
    }
    app_ledger_build(c->app, in->doc, &obs, NULL, c->now_ms, &lb);
    p.w.ledger = &lb.in;
    int st = store_report_amend(c->app->store, &p.w, out);
    if (st == STORE_OK) /* the old indicators leave the index, the new ones enter it */
        app_correlate_report_stored(c, out, in->doc);
    if (st == STORE_CONFLICT) /* another amendment won the race */
        pr = report_changed(res, app_latest_version(c, cur.id, cur.latest_version + 1));
    else
        pr = app_fail_store(res, st);
out:
    app_ledger_release(&lb);
    obligation_list_release(&obs);
    report_rec_release(&cur);
    return pr;
}

enum app_problem app_report_get(const struct app_call *c, const char *id, int version,
                                struct report_rec *out, struct app_result *res)
{
    return app_authz_report(c, ACT_REPORT_READ, id, version, out, res);
}

enum app_problem app_report_list(const struct app_call *c, struct report_filter *f,
                                 struct report_list *out, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz(c->who, ACT_REPORT_LIST, NULL, res);
    if (pr)
        return pr;
    f->org_id = c->who->org_id; /* listings are always of one's own organisation */
    return store_report_list(c->app->store, f, out) ? app_fail_unavailable(res) : APP_OK;
}

enum app_problem app_report_versions(const struct app_call *c, const char *id,
                                     struct report_list *out, struct app_result *res)
{
    struct report_rec cur;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_report(c, ACT_REPORT_READ, id, 0, &cur, res);
    if (pr)
        return pr;
    int st = store_report_versions(c->app->store, cur.id, out);
    report_rec_release(&cur);
    return st ? app_fail_unavailable(res) : APP_OK;
}

static json_t *load_body(const struct report_rec *rec)
{
    json_t *j = json_loadb(rec->body, rec->body_len, 0, NULL);
    if (!j)
        BUG("stored report body of %s is not JSON", rec->id);
    return j;
}

enum app_problem app_report_diff(const struct app_call *c, const char *id, int *from, int *to,
                                 json_t **patch, struct app_result *res)
{
    struct report_rec cur, a = {0}, b = {0};
    *patch = NULL;
    enum app_problem pr = app_authz_report(c, ACT_REPORT_READ, id, 0, &cur, res);
    if (pr)
        return pr;
    int latest = cur.latest_version;
    report_rec_release(&cur);
    *to = *to ? *to : latest;
    *from = *from ? *from : *to - 1;
    if (*to < 1 || *to > latest)
        return app_fail_param(res, "to", "is not a version of this report",
                              "この報告に存在しない版です");
    if (*from < 1 || *from > latest)
        return app_fail_param(res, "from",
                              "is not a version of this report (version 1 has no predecessor)",
                              "この報告に存在しない版です（第1版の前の版はありません）");
    if (store_report_get(c->app->store, id, *from, &a) ||
        store_report_get(c->app->store, id, *to, &b)) {
        pr = app_fail_unavailable(res);
    } else {
        json_t *ja = load_body(&a), *jb = load_body(&b);
        *patch = jpatch_diff(ja, jb);
        json_decref(ja);
        json_decref(jb);
    }
    report_rec_release(&a);
    report_rec_release(&b);
    return pr;
}
