/*
 * app_obligations.c — the ledger as of now, the draft preview and the open obligations
 * (app_obligations.h).
 */
#include "app_obligations.h"
#include "app_requests.h"
#include "app_authz.h"
#include "app_ledger.h"
#include "app_zone.h"
#include "../core/jsonx.h"

/* ---- a report's ledger ---- */

/* One version of the report, evaluated: explanations are recomputed from the immutable version
 * each obligation was last evaluated on. */
struct evaluated {
    int version;
    json_t *doc;
    struct rules_eval ev;
};

/* The versions evaluated for one listing, and the incident's submitted stages. */
struct eval_cache {
    const char *report_id;
    struct evaluated *v;
    size_t n;
    const struct rules_stage_time *times;
    size_t ntimes;
};

static struct evaluated *evaluated_for(const struct app_call *c, struct eval_cache *k, int v)
{
    struct report_rec rec;
    for (size_t i = 0; i < k->n; i++)
        if (k->v[i].version == v)
            return k->v[i].doc ? &k->v[i] : NULL;
    struct evaluated *e = &k->v[k->n++];
    memset(e, 0, sizeof(*e));
    e->version = v;
    rules_eval_init(&e->ev);
    e->ev.times = k->times;
    e->ev.ntimes = k->ntimes;
    if (store_report_get(c->app->store, k->report_id, v, &rec))
        return NULL;
    e->doc = json_loadb(rec.body, rec.body_len, 0, NULL);
    report_rec_release(&rec);
    if (e->doc)
        rules_evaluate(c->app->rules, e->doc, &e->ev);
    return e->doc ? e : NULL;
}

static const struct rules_result *result_for(const struct evaluated *e,
                                             const struct obligation_rec *o)
{
    for (size_t i = 0; e && i < e->ev.n; i++)
        if (!strcmp(rules_rule_id(e->ev.v[i].rule), o->rule_id) &&
            !strcmp(rules_stage_id(e->ev.v[i].stage), o->stage_id))
            return &e->ev.v[i];
    return NULL;
}

/* Issue 11 item 2: in an amended report, an obligation that counts from the incident's
 * awareness for want of an awareness time for its regime may count from long before the
 * regime's trigger became known (a fact settled or learned in an amendment, e.g. NIS2
 * significance assessed days later). Say which time was used, and ask for the regime's own
 * (times.regime_awareness), from which it would count instead. */
static void awareness_note(const struct obligation_rec *o, json_t *expl)
{
    json_t *anchor = jsonx_ptr_get(expl, "/deadline/anchor");
    const char *field = json_string_value(json_object_get(anchor, "field"));
    if (o->last_version <= 1 || !field || strcmp(field, "/times/aware_at"))
        return;
    char ja[600], en[600];
    snprintf(
        ja, sizeof(ja),
        "この報告は訂正されています（第%d版）。期限は %s（事案の認知日時）から数えています。"
        "この制度（%s）の要件に当たると知ったのがそれより後なら（訂正で判明した場合など）、"
        "times.regime_awareness にこの制度の認知日時を記入してください。その日時から数えます。",
        o->last_version, field, o->regime);
    snprintf(en, sizeof(en),
             "This report has been amended (version %d). The deadline counts from %s (when the "
             "incident became known). If what makes this regime (%s) apply became known later "
             "(e.g. learned in an amendment), give that time in times.regime_awareness for the "
             "regime: the deadline then counts from it.",
             o->last_version, field, o->regime);
    json_object_set_new(anchor, "note", json_pack("{s:s, s:s}", "ja", ja, "en", en));
}

/* The explanation of an obligation as of its last evaluated version, with the ledger's status
 * as of now; NULL when the rule has left the rule set. `same_rules` says whether the loaded
 * rule set is the one that made the ledger's decision. */
static json_t *explanation(const struct app_call *c, const struct obligation_rec *o,
                           const char *status, struct eval_cache *k)
{
    const struct app *a = c->app;
    struct evaluated *e = evaluated_for(c, k, o->last_version);
    const struct rules_result *res = result_for(e, o);
    if (!res)
        return NULL;
    json_t *expl = rules_explain(a->rules, res, e->doc, c->now_ms, a->due_soon_ms);
    json_object_set_new(expl, "status", json_string(status));
    json_object_set_new(expl, "explained_with",
                        json_pack("{s:i, s:s, s:b}", "version", o->last_version, "rules_version",
                                  rules_version(a->rules), "same_rules",
                                  !strcmp(rules_version(a->rules), o->rules_version)));
    awareness_note(o, expl);
    return expl;
}

static const char *status_now(const struct app_call *c, const struct obligation_rec *o)
{
    if (o->met_at && !o->withdrawn)
        return rules_status_name(ST_MET);
    if (!o->withdrawn && rules_decision_undetermined(o->explanation))
        return rules_status_name(ST_UNDETERMINED);
    /* a proposal's passed deadline is not overdue (issue 11 item 4; rules_status_for_rule) */
    return rules_status_name(rules_status_for_rule(
        rules_find(c->app->rules, o->rule_id),
        rules_row_status(o->withdrawn, o->mandatory, !strcmp(o->kind, "legal"), o->due_state,
                         o->due_ms, c->now_ms, c->app->due_soon_ms)));
}

void app_obligations_release(struct app_obligations *o)
{
    for (size_t i = 0; i < o->n; i++)
        json_decref(o->items[i].explanation);
    free(o->items);
    o->items = NULL;
    o->n = 0;
    obligation_list_release(&o->list);
    request_list_release(&o->requests);
}

enum app_problem app_report_obligations(const struct app_call *c, const char *report_id,
                                        struct app_obligations *out, struct app_result *res)
{
    struct report_rec rec;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_report(c, ACT_REPORT_READ, report_id, 0, &rec, res);
    if (pr)
        return pr;
    report_rec_release(&rec);
    struct request_filter rf = {.incident_id = report_id, .limit = 1000};
    if (store_obligations_list(c->app->store, report_id, &out->list) ||
        store_requests_list(c->app->store, &rf, &out->requests))
        return app_fail_unavailable(res);
    const struct obligation_list *l = &out->list;
    struct eval_cache k = {report_id, xcalloc(l->n + 1, sizeof(*k.v)), 0, NULL, 0};
    struct rules_stage_time *times = app_stage_times(l->items, l->n, NULL, 0, &k.ntimes);
    k.times = times;
    out->items = xcalloc(l->n + 1, sizeof(*out->items));
    for (size_t i = 0; i < l->n; i++, out->n++) {
        struct app_obligation *it = &out->items[i];
        it->ob = &l->items[i];
        it->rule = rules_find(c->app->rules, it->ob->rule_id);
        it->status = status_now(c, it->ob);
        it->explanation = explanation(c, it->ob, it->status, &k);
    }
    for (size_t i = 0; i < k.n; i++) {
        rules_eval_release(&k.v[i].ev);
        json_decref(k.v[i].doc);
    }
    free(k.v);
    free(times);
    return APP_OK;
}

/* ---- a draft ---- */

void app_obligations_explain(const struct ruleset *rs, const json_t *doc, int64_t now_ms,
                             int64_t due_soon_ms, json_t **applies, json_t **others)
{
    struct rules_eval ev;
    *applies = json_array();
    if (others)
        *others = json_array();
    rules_eval_init(&ev);
    rules_evaluate(rs, doc, &ev);
    for (size_t i = 0; i < ev.n; i++)
        json_array_append_new(ev.v[i].applies || !others ? *applies : *others,
                              rules_explain(rs, &ev.v[i], doc, now_ms, due_soon_ms));
    rules_eval_release(&ev);
}

/* ---- the organisation's open obligations ---- */

static const char *const open_statuses[] = {"pending",       "due_soon",
                                            "overdue",       "recommended",
                                            "target_passed", "undetermined",
                                            "proposed_deadline_passed"};

static bool statuses_known(const char *list)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        bool ok = false;
        for (size_t i = 0; i < ARRAY_SIZE(open_statuses); i++)
            ok |= strlen(open_statuses[i]) == len && !memcmp(open_statuses[i], p, len);
        if (!ok)
            return false;
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}

static bool status_wanted(const char *list, const char *status)
{
    size_t n = strlen(status);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !memcmp(p, status, n))
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return !list;
}

/* A legal deadline, or an authority's request (issue 10 item 7): its reply-by date holds the
 * reporter like one — pending, due_soon, overdue, never a target that merely passed. */
static bool binding(const char *kind)
{
    return !strcmp(kind, "legal") || !strcmp(kind, "request");
}

void app_open_release(struct app_open *o)
{
    free(o->items);
    o->items = NULL;
    o->n = 0;
    open_obligations_release(&o->list);
}

enum app_problem app_obligations_open(const struct app_call *c, const char *statuses, int limit,
                                      struct app_open *out, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz(c->who, ACT_REPORT_LIST, NULL, res);
    if (pr)
        return pr;
    if (statuses && !statuses_known(statuses))
        return app_fail_param(res, "status",
                              "must list statuses among pending, due_soon, overdue, recommended, "
                              "target_passed, undetermined, proposed_deadline_passed "
                              "(comma-separated)",
                              "pending、due_soon、overdue、recommended、target_passed、"
                              "undetermined、proposed_deadline_passed から（カンマ区切りで）"
                              "指定してください");
    /* read more than a page: the status filter applies after the read */
    struct org org;
    if (store_obligations_open(c->app->store, c->who->org_id, 2000, &out->list) ||
        app_requests_open_append(c, c->who->org_id, &out->list) || /* authorities' requests */
        store_org_get(c->app->store, c->who->org_id, &org))
        return app_fail_unavailable(res);
    /* deadlines are shown in the organisation's time zone beside UTC (issue 10 item 9) */
    if (!(out->zone = app_zone(account_org_zone(&org))))
        out->zone = app_zone("UTC");
    out->items = xcalloc(out->list.n + 1, sizeof(*out->items));
    for (size_t i = 0; i < out->list.n && out->n < (size_t)limit; i++) {
        const struct open_obligation *o = &out->list.items[i];
        /* a determination is a decision to make (issue 11 item 1); a proposed rule's deadline
         * never counts as overdue (issue 11 item 4) */
        const struct rule *rule = rules_find(c->app->rules, o->rule_id);
        const char *status =
            o->undetermined
                ? rules_status_name(ST_UNDETERMINED)
                : rules_status_name(rules_status_for_rule(
                      rule, rules_row_status(false, o->mandatory, binding(o->kind), DUE_SET,
                                             o->due_ms, c->now_ms, c->app->due_soon_ms)));
        if (status_wanted(statuses, status))
            out->items[out->n++] = (struct app_open_item){o, status, rule};
    }
    return APP_OK;
}
