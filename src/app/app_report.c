/*
 * app_report.c — the incident report's use cases (app_report.h).
 */
#include "app_report.h"
#include "app_authz.h"
#include "app_int.h"
#include "app_ledger.h"
#include "../core/jpatch.h"

void app_limits_from_config(struct schema_limits *lim, const struct config *cfg)
{
    schema_limits_default(lim);
    lim->max_string_chars = cfg->max_string_chars;
    lim->max_array_items = cfg->max_array_items;
    lim->future_skew_ms = cfg->future_skew_s * 1000;
}

enum app_status app_report_validate(const struct schema_limits *lim, const json_t *doc,
                                    int64_t now_ms, struct verr_list *problems)
{
    return report_validate(doc, lim, now_ms, problems) ? APP_ST_INVALID : APP_ST_OK;
}

/* A validated report ready to store. */
struct prepared {
    char sha[HASH_SHA256_HEX];
    struct report_index ix;
    struct report_write w;
};

/* Validates in and fills the write (without id, ledger and versions). */
static enum app_status prepare(const struct app_call *c, const struct app_report_in *in,
                               struct prepared *p)
{
    memset(p, 0, sizeof(*p));
    if (app_report_validate(&c->app->limits, in->doc, c->now_ms, c->problems))
        return APP_ST_INVALID;
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
    return APP_ST_OK;
}

enum app_status app_report_create(const struct app_call *c, const struct app_report_in *in,
                                  struct report_rec *out)
{
    struct prepared p;
    struct app_ledger lb = {0};
    char id[UUID_STR_LEN];
    memset(out, 0, sizeof(*out));
    enum app_status st = app_authz(c->who, ACT_REPORT_CREATE, NULL);
    if (st || (st = prepare(c, in, &p)))
        return st;
    uuid_v7_new(id);
    p.w.id = id;
    p.w.idem_key = in->idem_key;
    app_ledger_build(c->app, in->doc, NULL, NULL, c->now_ms, &lb);
    p.w.ledger = &lb.in;
    st = app_status_of_store(store_report_create(c->app->store, &p.w, out));
    app_ledger_release(&lb);
    return st == APP_ST_OK ? APP_ST_CREATED : st;
}

enum app_status app_report_amend(const struct app_call *c, const struct app_report_in *in,
                                 struct report_rec *out, int *latest)
{
    struct report_rec cur;
    struct prepared p;
    struct app_ledger lb = {0};
    struct obligation_list obs = {0};
    memset(out, 0, sizeof(*out));
    *latest = 0;
    enum app_status st = app_authz_report(c, ACT_REPORT_READ, in->report_id, 0, &cur);
    if (st)
        return st;
    *latest = cur.latest_version;
    if ((st = app_authz(c->who, ACT_REPORT_AMEND, cur.org_id)) ||
        (st = app_precondition_check(&in->pre, cur.latest_version)) || (st = prepare(c, in, &p)))
        goto out;
    p.w.id = cur.id;
    p.w.expected_version = cur.latest_version;
    /* deadlines that run from a previous stage's submission need the submitted stages */
    if (store_obligations_list(c->app->store, cur.id, &obs)) {
        st = APP_ST_UNAVAILABLE;
        goto out;
    }
    app_ledger_build(c->app, in->doc, &obs, NULL, c->now_ms, &lb);
    p.w.ledger = &lb.in;
    st = app_status_of_store(store_report_amend(c->app->store, &p.w, out));
    if (st == APP_ST_PRECONDITION_FAILED) /* another amendment won the race */
        *latest = app_latest_version(c, cur.id, cur.latest_version + 1);
    else if (st == APP_ST_OK)
        st = APP_ST_CREATED;
out:
    app_ledger_release(&lb);
    obligation_list_release(&obs);
    report_rec_release(&cur);
    return st;
}

enum app_status app_report_get(const struct app_call *c, const char *id, int version,
                               struct report_rec *out)
{
    return app_authz_report(c, ACT_REPORT_READ, id, version, out);
}

enum app_status app_report_list(const struct app_call *c, struct report_filter *f,
                                struct report_list *out)
{
    memset(out, 0, sizeof(*out));
    enum app_status st = app_authz(c->who, ACT_REPORT_LIST, NULL);
    if (st)
        return st;
    f->org_id = c->who->org_id; /* listings are always of one's own organisation */
    return store_report_list(c->app->store, f, out) ? APP_ST_UNAVAILABLE : APP_ST_OK;
}

enum app_status app_report_versions(const struct app_call *c, const char *id,
                                    struct report_list *out)
{
    struct report_rec cur;
    memset(out, 0, sizeof(*out));
    enum app_status st = app_authz_report(c, ACT_REPORT_READ, id, 0, &cur);
    if (st)
        return st;
    int res = store_report_versions(c->app->store, cur.id, out);
    report_rec_release(&cur);
    return res ? APP_ST_UNAVAILABLE : APP_ST_OK;
}

static json_t *load_body(const struct report_rec *rec)
{
    json_t *j = json_loadb(rec->body, rec->body_len, 0, NULL);
    if (!j)
        BUG("stored report body of %s is not JSON", rec->id);
    return j;
}

enum app_status app_report_diff(const struct app_call *c, const char *id, int *from, int *to,
                                json_t **patch)
{
    struct report_rec cur, a = {0}, b = {0};
    *patch = NULL;
    enum app_status st = app_authz_report(c, ACT_REPORT_READ, id, 0, &cur);
    if (st)
        return st;
    int latest = cur.latest_version;
    report_rec_release(&cur);
    *to = *to ? *to : latest;
    *from = *from ? *from : *to - 1;
    if (*to < 1 || *to > latest) {
        verr_add(c->problems, "to", "bad_query", "is not a version of this report",
                 "この報告に存在しない版です");
        return APP_ST_INVALID;
    }
    if (*from < 1 || *from > latest) {
        verr_add(c->problems, "from", "bad_query",
                 "is not a version of this report (version 1 has no predecessor)",
                 "この報告に存在しない版です（第1版の前の版はありません）");
        return APP_ST_INVALID;
    }
    if (store_report_get(c->app->store, id, *from, &a) ||
        store_report_get(c->app->store, id, *to, &b)) {
        st = APP_ST_UNAVAILABLE;
    } else {
        json_t *ja = load_body(&a), *jb = load_body(&b);
        *patch = jpatch_diff(ja, jb);
        json_decref(ja);
        json_decref(jb);
    }
    report_rec_release(&a);
    report_rec_release(&b);
    return st;
}
