/*
 * h_obligations.c — the obligations of a report (the ledger, with each obligation's current
 * status, explanation and history) and the preview that evaluates a draft without storing it
 * (the web form calls it on every change), as JSON: the use cases are app_obligations.h's.
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_obligations.h"
#include "../app/app_report.h"
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

static json_t *text2(const char *ja, const char *en)
{
    return ja && en ? json_pack("{s:s, s:s}", "ja", ja, "en", en) : json_null();
}

void h_obligation_names(json_t *j, const struct ruleset *rs, const struct rule *rule,
                        const char *stage_id, const char *recipient_id)
{
    struct rules_recipient_view rv;
    const struct rule_stage *st = rule ? rules_find_stage(rule, stage_id) : NULL;
    bool known = rules_recipient_get(rs, recipient_id, &rv);
    json_object_set_new(j, "recipient_name",
                        known ? text2(rv.name_ja, rv.name_en) : json_null());
    json_object_set_new(j, "stage_name",
                        st ? text2(rules_stage_name(st, true), rules_stage_name(st, false))
                           : json_null());
    json_object_set_new(j, "rule_title",
                        rule ? text2(rules_title(rule, true), rules_title(rule, false))
                             : json_null());
}

static json_t *obligation_json(const struct ruleset *rs, const struct app_obligation *it)
{
    const struct obligation_rec *o = it->ob;
    const char *status = it->status;
    json_t *expl = it->explanation ? json_incref(it->explanation) : json_null();
    bool set = o->due_state == DUE_SET && !o->withdrawn;
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", o->id, "rule_id",
                  o->rule_id, "stage_id", o->stage_id, "recipient_id", o->recipient_id, "regime",
                  o->regime, "state", o->withdrawn ? "withdrawn" : "active", "status", status,
                  "due_state", rules_due_state_name((enum rules_due_state)o->due_state), "kind",
                  o->kind, "mandatory", o->mandatory);
    json_object_set_new(j, "due_at", set ? http_time(o->due_ms) : json_null());
    h_obligation_names(j, rs, it->rule, o->stage_id, o->recipient_id);
    json_t *st = rules_rule_status_json(it->rule); /* in force or a proposal (issue 11 item 4) */
    json_object_update(j, st);
    json_decref(st);
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
    json_object_set_new(j, "requested", json_boolean(o->requested));
    return j;
}

void h_report_obligations(struct req *r)
{
    struct app_obligations l;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_report_obligations(&c, r->params[0], &l, &res)) {
        app_obligations_release(&l);
        return http_fail_result_release(r, &res);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, obligation_json(r->app->rules, &l.items[i]));
    json_t *requests = h_requests_json(&l.requests, r->now_ms, r->app->due_soon_ms);
    app_obligations_release(&l);
    http_json(r, 200,
              json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", r->params[0], "rules_version",
                        rules_version(r->app->rules), "evaluated_at", http_time(r->now_ms), "items",
                        items, "requests", requests));
}

/* A rule that does not apply, in short: which one and why not. */
static json_t *not_applicable_json(const json_t *e)
{
    return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "rule_id", json_object_get(e, "rule_id"),
                     "stage", json_object_get(e, "stage"), "regime", json_object_get(e, "regime"),
                     "title", json_object_get(e, "title"), "recipient",
                     json_object_get(e, "recipient"), "why", json_object_get(e, "why"));
}

void h_obligations_preview(struct req *r)
{
    json_t *doc = http_body_json(r), *obs, *others;
    struct app_result res;
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    app_report_validate(&r->app->limits, doc, r->now_ms, &res);
    const struct verr_list *errs = &res.errs;
    json_t *verrs = http_verr_array(r, errs);
    app_obligations_explain(r->app->rules, doc, r->now_ms, r->app->due_soon_ms, &obs, &others);
    json_t *na = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(others, i, e) json_array_append_new(na, not_applicable_json(e));
    json_decref(others);
    http_json(r, 200,
              json_pack("{s:b, s:o, s:s, s:o, s:o, s:o}", "valid", !verr_any(errs), "errors", verrs,
                        "rules_version", rules_version(r->app->rules), "evaluated_at",
                        http_time(r->now_ms), "obligations", obs, "not_applicable", na));
    app_result_release(&res);
    json_decref(doc);
}
