/*
 * h_obligations.c — the obligations of a report (the ledger, with each obligation's current
 * status, explanation and history) and the preview that evaluates a draft without storing it
 * (the web form calls it on every change). Also the evaluation that create and amend attach to
 * the version they write.
 */
#include "http_int.h"
#include "../app/app_ledger.h"
#include "../core/jsonx.h"

static json_t *parsed(const char *text)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    return j ? j : json_null();
}

static json_t *event_json(int64_t at, int version, const char *event, const char *old_state,
                          int64_t old_due, const char *new_state, int64_t new_due)
{
    json_t *j =
        json_pack("{s:o, s:i, s:s}", "at", http_time(at), "version", version, "event", event);
    json_object_set_new(j, "old_due_state",
                        old_state && old_state[0] ? json_string(old_state) : json_null());
    json_object_set_new(j, "old_due_at", old_due ? http_time(old_due) : json_null());
    json_object_set_new(j, "new_due_state",
                        new_state && new_state[0] ? json_string(new_state) : json_null());
    json_object_set_new(j, "new_due_at", new_due ? http_time(new_due) : json_null());
    return j;
}

/* The history, starting with the creation (stored as the obligation itself: its original
 * deadline is the "old" side of the first change, or the current one when it never changed). */
static json_t *history_json(const struct obligation_rec *o)
{
    json_t *a = json_array();
    const char *first_state = rules_due_state_name((enum rules_due_state)o->due_state);
    int64_t first_due = o->due_state == DUE_SET ? o->due_ms : 0;
    for (size_t i = 0; i < o->nevents; i++) {
        if (o->events[i].old_due_state[0]) {
            first_state = o->events[i].old_due_state;
            first_due = o->events[i].old_due_ms;
            break;
        }
    }
    json_array_append_new(a, event_json(o->became_applicable_at, o->first_version, "created", NULL,
                                        0, first_state, first_due));
    for (size_t i = 0; i < o->nevents; i++) {
        const struct obligation_event *e = &o->events[i];
        json_array_append_new(a, event_json(e->at, e->version, e->event, e->old_due_state,
                                            e->old_due_ms, e->new_due_state, e->new_due_ms));
    }
    return a;
}

/* One version of the report, evaluated: explanations are recomputed from the immutable version
 * each obligation was last evaluated on. */
struct evaluated {
    int version;
    json_t *doc;
    struct rules_eval ev;
};

/* The versions evaluated for one listing, and the incident's submitted stages. */
struct eval_cache {
    struct evaluated *v;
    size_t n;
    const struct rules_stage_time *times;
    size_t ntimes;
};

static struct evaluated *evaluated_for(struct req *r, struct eval_cache *c, int v)
{
    struct report_rec rec;
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].version == v)
            return c->v[i].doc ? &c->v[i] : NULL;
    struct evaluated *e = &c->v[c->n++];
    memset(e, 0, sizeof(*e));
    e->version = v;
    rules_eval_init(&e->ev);
    e->ev.times = c->times;
    e->ev.ntimes = c->ntimes;
    if (store_report_get(r->app->store, r->params[0], v, &rec))
        return NULL;
    e->doc = json_loadb(rec.body, rec.body_len, 0, NULL);
    report_rec_release(&rec);
    if (e->doc)
        rules_evaluate(r->app->rules, e->doc, &e->ev);
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

/* The explanation of an obligation as of its last evaluated version, with the ledger's status
 * as of now; null when the rule has left the rule set. `same_rules` says whether the loaded
 * rule set is the one that made the ledger's decision. */
static json_t *explanation(struct req *r, const struct obligation_rec *o, const char *status,
                           struct eval_cache *cache)
{
    struct evaluated *e = evaluated_for(r, cache, o->last_version);
    const struct rules_result *res = result_for(e, o);
    if (!res)
        return json_null();
    json_t *expl = rules_explain(r->app->rules, res, e->doc, r->now_ms, r->app->due_soon_ms);
    json_object_set_new(expl, "status", json_string(status));
    json_object_set_new(expl, "explained_with",
                        json_pack("{s:i, s:s, s:b}", "version", o->last_version, "rules_version",
                                  rules_version(r->app->rules), "same_rules",
                                  !strcmp(rules_version(r->app->rules), o->rules_version)));
    return expl;
}

static json_t *obligation_json(struct req *r, const struct obligation_rec *o,
                               struct eval_cache *cache)
{
    /* met (a submission was delivered or acknowledged) unless no longer applicable */
    const char *status = rules_status_name(
        o->met_at && !o->withdrawn
            ? ST_MET
            : rules_row_status(o->withdrawn, o->mandatory, !strcmp(o->kind, "legal"), o->due_state,
                               o->due_ms, r->now_ms, r->app->due_soon_ms));
    json_t *expl = explanation(r, o, status, cache);
    bool set = o->due_state == DUE_SET && !o->withdrawn;
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", o->id, "rule_id",
                  o->rule_id, "stage_id", o->stage_id, "recipient_id", o->recipient_id, "regime",
                  o->regime, "state", o->withdrawn ? "withdrawn" : "active", "status", status,
                  "due_state", rules_due_state_name((enum rules_due_state)o->due_state), "kind",
                  o->kind, "mandatory", o->mandatory);
    json_object_set_new(j, "due_at", set ? http_time(o->due_ms) : json_null());
    json_object_set_new(j, "became_applicable_at", http_time(o->became_applicable_at));
    json_object_set_new(j, "first_version", json_integer(o->first_version));
    json_object_set_new(j, "last_version", json_integer(o->last_version));
    json_object_set_new(j, "withdrawn_at", o->withdrawn ? http_time(o->withdrawn_at) : json_null());
    json_object_set_new(j, "withdrawn_reason", parsed(o->withdrawn_reason));
    json_object_set_new(j, "rules_version", json_string(o->rules_version));
    json_object_set_new(j, "decision", parsed(o->explanation));
    json_object_set_new(j, "explanation", expl);
    json_object_set_new(j, "history", history_json(o));
    json_object_set_new(j, "met_at", o->met_at ? http_time(o->met_at) : json_null());
    json_object_set_new(j, "met_by_submission",
                        o->met_submission[0] ? json_string(o->met_submission) : json_null());
    json_object_set_new(j, "submission",
                        o->live_submission[0] ? json_string(o->live_submission) : json_null());
    return j;
}

void h_report_obligations(struct req *r)
{
    struct report_rec rec;
    struct obligation_list l;
    if (!http_allow(r, ACT_REPORT_READ, NULL))
        return;
    if (!uuid_valid(r->params[0], strlen(r->params[0])))
        return http_not_found(r);
    int res = store_report_get(r->app->store, r->params[0], 0, &rec);
    if (res)
        return http_store_error(r, res);
    bool ok = http_allow(r, ACT_REPORT_READ, rec.org_id);
    report_rec_release(&rec);
    if (!ok)
        return;
    if (store_obligations_list(r->app->store, r->params[0], &l))
        return http_unavailable(r);
    struct eval_cache cache = {xcalloc(l.n + 1, sizeof(*cache.v)), 0, NULL, 0};
    struct rules_stage_time *times = app_stage_times(l.items, l.n, NULL, 0, &cache.ntimes);
    cache.times = times;
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, obligation_json(r, &l.items[i], &cache));
    for (size_t i = 0; i < cache.n; i++) {
        rules_eval_release(&cache.v[i].ev);
        json_decref(cache.v[i].doc);
    }
    free(cache.v);
    free(times);
    obligation_list_release(&l);
    http_json(r, 200,
              json_pack("{s:s, s:s, s:o, s:o}", "id", r->params[0], "rules_version",
                        rules_version(r->app->rules), "evaluated_at", http_time(r->now_ms), "items",
                        items));
}

static json_t *not_applicable_json(const struct rules_result *res, const json_t *doc,
                                   const struct app *a, int64_t now)
{
    json_t *e = rules_explain(a->rules, res, doc, now, a->due_soon_ms);
    json_t *j =
        json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "rule_id", json_object_get(e, "rule_id"),
                  "stage", json_object_get(e, "stage"), "regime", json_object_get(e, "regime"),
                  "title", json_object_get(e, "title"), "recipient",
                  json_object_get(e, "recipient"), "why", json_object_get(e, "why"));
    json_decref(e);
    return j;
}

void h_obligations_preview(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct verr_list errs;
    struct rules_eval ev;
    if (!doc)
        return;
    verr_list_init(&errs, r->app->limits.max_errors);
    report_validate(doc, &r->app->limits, r->now_ms, &errs);
    json_t *verrs = json_array();
    for (size_t i = 0; i < errs.n; i++)
        json_array_append_new(verrs, json_pack("{s:s, s:s, s:s}", "pointer", errs.v[i].pointer,
                                               "code", errs.v[i].code, "message",
                                               r->ja ? errs.v[i].ja : errs.v[i].en));
    rules_eval_init(&ev);
    rules_evaluate(r->app->rules, doc, &ev);
    json_t *obs = json_array(), *na = json_array();
    for (size_t i = 0; i < ev.n; i++) {
        if (ev.v[i].applies)
            json_array_append_new(
                obs, rules_explain(r->app->rules, &ev.v[i], doc, r->now_ms, r->app->due_soon_ms));
        else
            json_array_append_new(na, not_applicable_json(&ev.v[i], doc, r->app, r->now_ms));
    }
    rules_eval_release(&ev);
    http_json(r, 200,
              json_pack("{s:b, s:o, s:s, s:o, s:o, s:o}", "valid", !verr_any(&errs), "errors",
                        verrs, "rules_version", rules_version(r->app->rules), "evaluated_at",
                        http_time(r->now_ms), "obligations", obs, "not_applicable", na));
    verr_list_release(&errs);
    json_decref(doc);
}
