/*
 * h_reminders.c — deadlines the reporter must not miss (issue 5, "Deadline reminders"): the
 * organisation's open obligations across all its incidents with their status now (due soon,
 * overdue …), and its own reminder webhook — lead times before each deadline at which
 * ichigen POSTs a signed event, an "overdue" event when a deadline passes, and an alert when a
 * submission fails for good — with the history of what was sent. The use cases are
 * app_obligations.h's and app_reminders.h's; this file decodes and encodes.
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_calendar.h"
#include "../app/app_obligations.h"
#include "../app/app_zone.h"
#include "../app/app_reminders.h"

void h_obligations_open(struct req *r)
{
    static const char *const allowed[] = {"status", "limit", NULL};
    struct app_open l;
    struct app_result res;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0)
        return;
    app_result_init(&res, 4);
    struct app_call c = http_app_call(r);
    if (app_obligations_open(&c, http_query(r, "status"), limit, &l, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < l.n; i++) {
            const struct open_obligation *o = l.items[i].ob;
            json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "id", o->id,
                                  "incident_id", o->incident_id, "rule_id", o->rule_id, "stage_id",
                                  o->stage_id, "recipient_id", o->recipient_id, "status",
                                  l.items[i].status, "kind", o->kind, "mandatory", o->mandatory,
                                  "due_at", http_time(o->due_ms));
            h_obligation_names(j, r->app->rules, l.items[i].rule, o->stage_id, o->recipient_id);
            json_object_set_new(j, "incident_summary",
                                o->summary ? json_string(o->summary) : json_null());
            json_t *rs = rules_rule_status_json(l.items[i].rule); /* issue 11 item 4 */
            json_object_update(j, rs);
            json_decref(rs);
            json_object_set_new(j, "submission",
                                o->live_submission[0] ? json_string(o->live_submission)
                                                      : json_null());
            if (l.zone) { /* the deadline on the organisation's clock, beside UTC */
                char local[40];
                tz_format_rfc3339(l.zone, o->due_ms, local, sizeof(local));
                json_object_set_new(j, "due_at_local", json_string(local));
            }
            json_array_append_new(items, j);
        }
        json_t *ans = json_pack("{s:o, s:o}", "items", items, "as_of", http_time(r->now_ms));
        json_object_set_new(ans, "time_zone", l.zone ? json_string(tz_name(l.zone)) : json_null());
        http_json(r, 200, ans);
    }
    app_open_release(&l);
    app_result_release(&res);
}

/* GET /api/v1/calendar.ics: the organisation's deadlines as an iCalendar feed (RFC 5545),
 * for calendar programs (a calendar token in ?token=, or a bearer token). */
void h_calendar_feed(struct req *r)
{
    static const char *const allowed[] = {"token", NULL};
    struct app_result res;
    struct buf out;
    if (!http_query_only(r, allowed))
        return;
    app_result_init(&res, 0);
    buf_init(&out, BUF_UNLIMITED);
    struct app_call c = http_app_call(r);
    if (app_calendar_feed(&c, &out, &res)) {
        http_fail_result(r, &res);
    } else {
        /* a feed is re-fetched on the program's schedule; never from a shared cache, since the
         * URL holds the credential */
        http_header(r, "Cache-Control", "private, no-store");
        http_raw(r, 200, "text/calendar; charset=utf-8", out.data, out.len);
    }
    buf_release(&out);
    app_result_release(&res);
}

/* ---- the reminder webhook ---- */

static json_t *settings_json(const struct reminder_settings *s)
{
    json_t *leads = json_array(), *emails = json_array();
    for (int i = 0; i < s->nleads; i++)
        json_array_append_new(leads, json_integer(s->lead_hours[i]));
    for (int i = 0; i < s->nemails; i++)
        json_array_append_new(emails, json_string(s->emails[i]));
    json_t *j =
        json_pack("{s:o, s:b, s:o, s:b, s:o}", "endpoint",
                  s->endpoint[0] ? json_string(s->endpoint) : json_null(), "enabled", s->enabled,
                  "lead_hours", leads, "secret_set", s->secret_len > 0, "email", emails);
    json_object_set_new(j, "updated_at", s->updated_at ? http_time(s->updated_at) : json_null());
    return j;
}

void h_reminders_get(struct req *r)
{
    struct reminder_settings s;
    bool configured;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_reminders_get(&c, r->params[0], &s, &configured, &res))
        return http_fail_result_release(r, &res);
    if (!configured)
        return http_json(r, 200,
                         json_pack("{s:n, s:b, s:[], s:b, s:n, s:[]}", "endpoint", "enabled", false,
                                   "lead_hours", "secret_set", false, "updated_at", "email"));
    http_json(r, 200, settings_json(&s));
}

void h_reminders_set(struct req *r)
{
    struct reminder_settings s;
    struct app_result res;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    if (app_reminders_set(&c, r->params[0], body, &s, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 200, settings_json(&s));
    app_result_release(&res);
    json_decref(body);
}

/* A notification's e-mail channel (issue 10 item 8): null when it is not mailed. */
static json_t *mail_json(const struct notification_rec *n)
{
    if (!n->mail_status[0])
        return json_null();
    json_t *j = json_pack("{s:s, s:i}", "status", n->mail_status, "attempts", n->mail_attempts);
    json_object_set_new(j, "delivered_at",
                        n->mail_delivered_at ? http_time(n->mail_delivered_at) : json_null());
    json_object_set_new(j, "last_error",
                        n->mail_last_error ? json_string(n->mail_last_error) : json_null());
    return j;
}

void h_notifications_list(struct req *r)
{
    static const char *const allowed[] = {"limit", NULL};
    struct notification_list l;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0)
        return;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_notifications_list(&c, r->params[0], limit, &l, &res))
        return http_fail_result_release(r, &res);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const struct notification_rec *n = &l.items[i];
        json_t *payload = n->payload ? json_loads(n->payload, 0, NULL) : NULL;
        json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "id", n->id, "kind", n->kind,
                              "status", n->status, "attempts", n->attempts, "created_at",
                              http_time(n->created_at), "event", payload ? payload : json_null());
        json_object_set_new(j, "delivered_at",
                            n->delivered_at ? http_time(n->delivered_at) : json_null());
        json_object_set_new(j, "last_error",
                            n->last_error ? json_string(n->last_error) : json_null());
        json_object_set_new(j, "email", mail_json(n));
        json_array_append_new(items, j);
    }
    notification_list_release(&l);
    http_json(r, 200, json_pack("{s:o}", "items", items));
}
