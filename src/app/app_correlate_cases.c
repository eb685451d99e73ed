/*
 * app_correlate_cases.c — the correlation service's start-up rebuild from the store and its use
 * cases (app_correlate.h).
 */
#include "app_correlate.h"
#include "../sharing/sharing.h"
#include "app_correlate_int.h"
#include "app_advisory.h"
#include "app_authz.h"
#include "app_sighting.h"
#include "../core/jsonx.h"
#include "../core/log.h"
#include "../core/rtime.h"
#include "../core/uuid.h"
#include "../sharing/ioc_index.h"

/* ---- rebuild ---- */

static int load_sectors(struct app_correlate *cx, struct store *s)
{
    char after[UUID_STR_LEN] = "";
    bool more = true;
    while (more) {
        struct org *orgs = NULL;
        size_t n = 0;
        int r = store_org_list(s, after[0] ? after : NULL, 500, &orgs, &n, &more);
        if (r) {
            free(orgs);
            return r;
        }
        for (size_t i = 0; i < n; i++)
            cx_org_intern(cx, orgs[i].id, orgs[i].sector);
        if (n)
            xstrlcpy(after, orgs[n - 1].id, sizeof(after));
        free(orgs);
        more = more && n;
    }
    return STORE_OK;
}

struct rebuild {
    struct app_correlate *cx;
    struct app_correlate_stats *st;
    struct ioc_index_item *items;
    size_t n, cap;
};

static void push_items(struct rebuild *b, uint32_t p)
{
    const struct cx_inc *in = &b->cx->incs[p];
    for (uint32_t i = 0; i < in->n; i++) {
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 1024;
            b->items = xrealloc(b->items, b->cap * sizeof(*b->items));
        }
        b->items[b->n++] =
            (struct ioc_index_item){in->iocs[i].type, in->iocs[i].text, in->iocs[i].len, p};
    }
}

/* TLP:RED on the report, or on its indicators' own section (confidentiality.section_tlp.threat:
 * the report format's per-section label): either way its indicators count for its own
 * organisation only. */
static bool red_for_correlation(const char *report_tlp, const json_t *doc)
{
    const json_t *sec = json_object_get(json_object_get(doc, "confidentiality"), "section_tlp");
    const char *t = json_string_value(json_object_get(sec, "threat"));
    return tlp_parse(report_tlp) == TLP_RED || (t && tlp_parse(t) == TLP_RED);
}

static int rebuild_one(const struct report_rec *r, void *arg)
{
    struct rebuild *b = arg;
    struct app_correlate_incident d = {.id = r->id,
                                       .org_id = r->org_id,
                                       .created_at = r->created_at,
                                       .version = r->latest_version,
                                       .withdrawn = r->withdrawn_at != 0,
                                       .drill = r->drill,
                                       .red = !strcmp(r->tlp, "TLP:RED")};
    uint32_t p = cx_inc_intern(b->cx, r->id);
    cx_set_meta(&b->cx->incs[p], cx_org_intern(b->cx, r->org_id, NULL), &d);
    b->st->withdrawn += d.withdrawn;
    b->st->drills += d.drill;
    if (d.withdrawn || d.drill)
        return 0;
    json_t *doc = json_loadb(r->body, r->body_len, 0, NULL);
    if (!doc) { /* cannot happen for a validated body; counted rather than fatal */
        b->st->unreadable++;
        return 0;
    }
    b->cx->incs[p].red = red_for_correlation(r->tlp, doc);
    cx_collect(b->cx, &b->cx->incs[p], doc, b->st);
    json_decref(doc);
    push_items(b, p);
    return 0;
}

/* Every advisory's latest version, after the incidents (few: thousands, read one by one for
 * their bodies). */
static int load_advisories(struct app_correlate *cx, struct store *s)
{
    char after[UUID_STR_LEN] = "";
    for (bool more = true; more;) {
        struct advisory_list l;
        struct advisory_filter f = {after[0] ? after : NULL, NULL, 200};
        int r = store_advisory_list(s, &f, &l);
        if (r)
            return r;
        for (size_t i = 0; i < l.n && !r; i++) {
            struct advisory_rec a;
            xstrlcpy(after, l.items[i].id, sizeof(after));
            r = store_advisory_get(s, l.items[i].id, 0, &a);
            if (!r) /* a full index is logged there, as for incidents: the rest still serves */
                app_correlate_put_advisory(cx, &a);
            if (!r)
                advisory_rec_release(&a);
        }
        more = l.more && l.n;
        advisory_list_release(&l);
        if (r)
            return r;
    }
    return STORE_OK;
}

int app_correlate_rebuild(struct app_correlate *cx, struct store *s, struct app_correlate_stats *st)
{
    struct rebuild b = {.cx = cx, .st = st};
    int64_t t0 = rtime_now_ms();
    memset(st, 0, sizeof(*st));
    pthread_rwlock_wrlock(&cx->lock);
    int r = load_sectors(cx, s);
    if (!r)
        r = store_report_scan_latest(s, rebuild_one, &b);
    size_t rejected = 0;
    if (!r && ioc_index_build(cx->ix, b.items, b.n, &rejected) != IOC_INDEX_OK)
        LOG(LOG_ERROR, "correlate.index_full", LF_I("indicators", b.n));
    st->skipped_invalid += rejected;
    st->incidents = cx->nincs;
    pthread_rwlock_unlock(&cx->lock);
    free(b.items);
    if (!r)
        r = load_advisories(cx, s);
    struct app_correlate_stats now = {0};
    app_correlate_stats(cx, &now);
    st->advisories = now.advisories;
    st->indicators = now.indicators;
    st->postings = now.postings;
    st->elapsed_ms = rtime_now_ms() - t0;
    return r;
}

/* ---- use cases ---- */

void app_correlate_report_stored(const struct app_call *c, const struct report_rec *rec,
                                 const json_t *doc)
{
    struct app_correlate *cx = c->app->correlate;
    struct org o;
    const char *sector = NULL;
    if (!cx)
        return;
    if (!app_correlate_org_known(cx, rec->org_id)) {
        if (store_org_get(c->app->store, rec->org_id, &o) == STORE_OK)
            sector = o.sector;
    }
    struct app_correlate_incident d = {.id = rec->id,
                                       .org_id = rec->org_id,
                                       .sector = sector,
                                       .created_at = rec->created_at,
                                       .version = rec->version,
                                       .withdrawn = rec->withdrawn_at != 0,
                                       .drill = rec->drill,
                                       .red = red_for_correlation(rec->tlp, doc)};
    if (app_correlate_put(cx, &d, doc))
        LOG(LOG_ERROR, "correlate.put_failed", LF_S("incident", rec->id));
}

void app_correlate_advisory_stored(const struct app_call *c, const struct advisory_rec *a)
{
    if (c->app->correlate && app_correlate_put_advisory(c->app->correlate, a))
        LOG(LOG_ERROR, "correlate.put_failed", LF_S("advisory", a->id));
}

/* Marks each indicator false positives from at least k organisations dispute (sightings). */
static json_t *with_disputes(const struct app_call *c, json_t *summary)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(summary, "indicators"), i, it)
    {
        enum ioc_type t = ioc_type_parse(json_string_value(json_object_get(it, "type")));
        const char *v = json_string_value(json_object_get(it, "value"));
        json_object_set_new(it, "disputed", json_boolean(v && app_sighting_disputed(c, t, v)));
    }
    return summary;
}

/* The caller, for the advisories a summary may name. */
struct adv_reader {
    const struct app_call *c;
    struct app_reader rd;
};

static bool may_read(const struct advisory_rec *a, void *arg)
{
    const struct adv_reader *x = arg;
    return app_advisory_readable(x->c, &x->rd, a);
}

static json_t *summary_as(const struct app_call *c, struct app_correlate_view *v,
                          const json_t *report)
{
    struct adv_reader x = {.c = c};
    struct app_result res;
    app_result_init(&res, 4);
    v->k = (int)c->app->cfg.sharing_k_anonymity;
    v->now_ms = c->now_ms;
    v->may_read_arg = &x;
    /* a reader the store cannot tell us about sees no advisory rather than a wrong one */
    v->may_read = app_share_reader(c, &x.rd, &res) ? NULL : may_read;
    app_result_release(&res);
    return with_disputes(c, app_correlate_summary(c->app->correlate, v, report));
}

static json_t *summary_of(const struct app_call *c, const char *incident, const char *org, bool own,
                          const json_t *report)
{
    struct app_correlate_view v = {.incident_id = incident, .org_id = org, .show_own = own};
    return summary_as(c, &v, report);
}

json_t *app_correlate_for_report(const struct app_call *c, const struct report_rec *rec,
                                 const json_t *doc)
{
    if (!c->app->correlate || !json_array_size(cx_indicators(doc)))
        return NULL; /* nothing to say: the answer stays the stored report's (GET's) bytes */
    json_t *s = summary_of(c, rec->id, rec->org_id, true, doc);
    if (!json_array_size(json_object_get(s, "indicators"))) {
        json_decref(s);
        return NULL;
    }
    return s;
}

enum app_problem app_correlation_of_report(const struct app_call *c, const char *id, json_t **out,
                                           struct app_result *res)
{
    struct report_rec rec;
    *out = NULL;
    enum app_problem pr = app_authz_report(c, ACT_REPORT_READ, id, 0, &rec, res);
    if (pr)
        return pr;
    json_t *doc = c->app->correlate ? json_loadb(rec.body, rec.body_len, 0, NULL) : NULL;
    if (!doc)
        pr = app_fail_unavailable(res);
    else
        *out = summary_of(c, rec.id, rec.org_id, true, doc);
    json_decref(doc);
    report_rec_release(&rec);
    return pr;
}

enum app_problem app_correlation_of_submission(const struct app_call *c, const char *id,
                                               json_t **out, struct app_result *res)
{
    struct submission_rec s;
    *out = NULL;
    enum app_problem pr = app_authz_received(c, ACT_INBOX_READ, id, &s, res);
    if (pr)
        return pr;
    /* what was sent to this recipient: a section withheld from it is not in the payload */
    json_t *doc =
        c->app->correlate && s.payload ? json_loadb(s.payload, s.payload_len, 0, NULL) : NULL;
    json_t *report = doc ? json_object_get(doc, "report") : NULL;
    if (!report)
        pr = app_fail_unavailable(res);
    else
        *out = summary_of(c, s.incident_id, s.org_id, false, report);
    json_decref(doc);
    submission_rec_release(&s);
    return pr;
}

/* The advisory's indicators in the shape the summary reads (a report's /threat/indicators). */
static json_t *as_report(const struct advisory_rec *a)
{
    json_t *doc = a->body ? json_loads(a->body, 0, NULL) : NULL;
    json_t *list = json_object_get(doc, "indicators");
    /* "o" takes the reference: a new empty array when there is no list is not leaked */
    json_t *r = doc ? json_pack("{s:{s:o}}", "threat", "indicators",
                                list ? json_incref(list) : json_array())
                    : NULL;
    json_decref(doc);
    return r;
}

enum app_problem app_correlation_of_advisory(const struct app_call *c, const char *id, json_t **out,
                                             struct app_result *res)
{
    struct advisory_rec a;
    *out = NULL;
    memset(&a, 0, sizeof(a));
    if (app_authz(c->who, ACT_ADVISORY_WRITE, NULL, res))
        return res->problem;
    if (!id || !uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_advisory_get(c->app->store, id, 0, &a);
    if (sr)
        return app_fail_store(res, sr);
    /* another organisation's advisory: 404 as for app_advisory_acks (never 403: no hint) */
    if (!app_authz(c->who, ACT_ADVISORY_WRITE, a.org_id, res)) {
        json_t *report = c->app->correlate ? as_report(&a) : NULL;
        struct app_correlate_view v = {.incident_id = "", .org_id = a.org_id, .advisory_id = a.id};
        if (!report)
            app_fail_unavailable(res);
        else
            *out = summary_as(c, &v, report);
        json_decref(report);
    }
    advisory_rec_release(&a);
    return res->problem;
}
