/*
 * h_obligations.c — the obligations of a report (the ledger, with each obligation's current
 * status, explanation and history) and the preview that evaluates a draft without storing it
 * (the web form calls it on every change). Also the evaluation that create and amend attach to
 * the version they write.
 */
#include "http_int.h"
#include "h_obligations.h"
#include "../core/jsonx.h"

void http_ledger_build(struct app *a, const json_t *doc, int64_t now_ms, bool all,
                       struct http_ledger *lb)
{
    rules_eval_init(&lb->ev);
    rules_evaluate(a->rules, doc, &lb->ev);
    lb->expl = xcalloc(lb->ev.n + 1, sizeof(*lb->expl));
    for (size_t i = 0; i < lb->ev.n; i++) {
        if (!lb->ev.v[i].applies && !all)
            continue;
        json_t *e = rules_explain_dynamic(a->rules, &lb->ev.v[i], doc, now_ms, a->due_soon_ms);
        lb->expl[i] = json_dumps(e, JSON_COMPACT);
        json_decref(e);
    }
    lb->in.ev = &lb->ev;
    lb->in.explanations = lb->expl;
    lb->in.rules_version = rules_version(a->rules);
}

void http_ledger_release(struct http_ledger *lb)
{
    for (size_t i = 0; lb->expl && i < lb->ev.n; i++)
        free(lb->expl[i]);
    free(lb->expl);
    lb->expl = NULL;
    rules_eval_release(&lb->ev);
}

static json_t *parsed(const char *text)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    return j ? j : json_null();
}

static json_t *history_json(const struct obligation_rec *o)
{
    json_t *a = json_array();
    for (size_t i = 0; i < o->nevents; i++) {
        const struct obligation_event *e = &o->events[i];
        json_t *j = json_pack("{s:o, s:i, s:s}", "at", http_time(e->at), "version", e->version,
                              "event", e->event);
        json_object_set_new(j, "old_due_state",
                            e->old_due_state[0] ? json_string(e->old_due_state) : json_null());
        json_object_set_new(j, "old_due_at", e->old_due_ms ? http_time(e->old_due_ms) : json_null());
        json_object_set_new(j, "new_due_state",
                            e->new_due_state[0] ? json_string(e->new_due_state) : json_null());
        json_object_set_new(j, "new_due_at", e->new_due_ms ? http_time(e->new_due_ms) : json_null());
        json_array_append_new(a, j);
    }
    return a;
}

/* The stored (computed) explanation with the rule's texts from the loaded rule set merged in;
 * when the rule has since left the rule set, rule_texts is null and says so. */
static json_t *full_explanation(const struct app *a, const struct obligation_rec *o,
                                const char *status)
{
    json_t *expl = parsed(o->explanation);
    if (!json_is_object(expl))
        return expl;
    json_object_set_new(expl, "status", json_string(status)); /* status is as of now */
    json_t *dl = json_object_get(expl, "deadline");
    if (json_is_object(dl))
        json_object_set_new(dl, "explanation", rules_deadline_sentence(dl));
    json_t *st = rules_explain_static(a->rules, o->rule_id, o->stage_id);
    if (st) {
        json_object_set_new(json_object_get(expl, "stage"), "name",
                            json_incref(json_object_get(st, "stage_name")));
        json_object_del(st, "stage_name");
        json_object_update(expl, st);
        json_decref(st);
    }
    json_object_set_new(expl, "rule_texts_from",
                        st ? json_string(rules_version(a->rules)) : json_null());
    return expl;
}

static json_t *obligation_json(const struct app *a, const struct obligation_rec *o, int64_t now,
                               int64_t due_soon)
{
    const char *status = rules_status_name(
        rules_row_status(o->withdrawn, o->mandatory, !strcmp(o->kind, "legal"), o->due_state,
                         o->due_ms, now, due_soon));
    json_t *expl = full_explanation(a, o, status);
    bool set = o->due_state == DUE_SET && !o->withdrawn;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", o->id,
                          "rule_id", o->rule_id, "stage_id", o->stage_id, "recipient_id",
                          o->recipient_id, "regime", o->regime, "state",
                          o->withdrawn ? "withdrawn" : "active", "status", status, "due_state",
                          rules_due_state_name((enum rules_due_state)o->due_state), "kind",
                          o->kind, "mandatory", o->mandatory);
    json_object_set_new(j, "due_at", set ? http_time(o->due_ms) : json_null());
    json_object_set_new(j, "became_applicable_at", http_time(o->became_applicable_at));
    json_object_set_new(j, "first_version", json_integer(o->first_version));
    json_object_set_new(j, "last_version", json_integer(o->last_version));
    json_object_set_new(j, "withdrawn_at", o->withdrawn ? http_time(o->withdrawn_at) : json_null());
    json_object_set_new(j, "withdrawn_reason", parsed(o->withdrawn_reason));
    json_object_set_new(j, "rules_version", json_string(o->rules_version));
    json_object_set_new(j, "explanation", expl);
    json_object_set_new(j, "history", history_json(o));
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
    int res = r->app->store->ops->report_get(r->app->store, r->params[0], 0, &rec);
    if (res)
        return http_store_error(r, res);
    bool ok = http_allow(r, ACT_REPORT_READ, rec.org_id);
    report_rec_release(&rec);
    if (!ok)
        return;
    if (r->app->store->ops->obligations_list(r->app->store, r->params[0], &l))
        return http_unavailable(r);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items,
                              obligation_json(r->app, &l.items[i], r->now_ms, r->app->due_soon_ms));
    obligation_list_release(&l);
    http_json(r, 200, json_pack("{s:s, s:s, s:o, s:o}", "id", r->params[0], "rules_version",
                                rules_version(r->app->rules), "evaluated_at", http_time(r->now_ms),
                                "items", items));
}

static json_t *not_applicable_json(const struct rules_result *res, const json_t *doc,
                                   const struct app *a, int64_t now)
{
    json_t *e = rules_explain(a->rules, res, doc, now, a->due_soon_ms);
    json_t *j = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "rule_id",
                          json_object_get(e, "rule_id"), "stage", json_object_get(e, "stage"),
                          "regime", json_object_get(e, "regime"), "title",
                          json_object_get(e, "title"), "recipient", json_object_get(e, "recipient"),
                          "why", json_object_get(e, "why"));
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
            json_array_append_new(obs, rules_explain(r->app->rules, &ev.v[i], doc, r->now_ms,
                                                     r->app->due_soon_ms));
        else
            json_array_append_new(na, not_applicable_json(&ev.v[i], doc, r->app, r->now_ms));
    }
    rules_eval_release(&ev);
    http_json(r, 200, json_pack("{s:b, s:o, s:s, s:o, s:o, s:o}", "valid", !verr_any(&errs),
                                "errors", verrs, "rules_version", rules_version(r->app->rules),
                                "evaluated_at", http_time(r->now_ms), "obligations", obs,
                                "not_applicable", na));
    verr_list_release(&errs);
    json_decref(doc);
}
