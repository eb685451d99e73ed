/*
 * h_requests.c — what a receiving authority asks of a reporter, over HTTP (issue 10, item 7;
 * docs/delivery.md §6.2, §6.3): a request about a submission it received (more information, or an
 * intermediate report), the requests on a submission or an incident, one request with the
 * submission that answered it, and the organisation's subscription to new arrivals. The use
 * cases are app_requests.h's; this file decodes and encodes.
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_requests.h"

static json_t *opt_string(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

/* open, due_soon, overdue or answered, as of now. */
static const char *request_status(const struct request_rec *q, int64_t now, int64_t soon)
{
    if (q->answered_at)
        return "answered";
    return q->reply_by <= now ? "overdue" : q->reply_by - now <= soon ? "due_soon" : "open";
}

static json_t *request_json(const struct request_rec *q, int64_t now, int64_t soon)
{
    json_t *fields = q->fields ? json_loads(q->fields, 0, NULL) : NULL;
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s}", "id", q->id, "kind",
        q->kind, "submission_id", q->submission_id, "incident_id", q->incident_id,
        "organization_id", q->org_id, "recipient_id", q->recipient_id, "requested_by_organization",
        q->authority_org_id, "message", q->message ? q->message : "", "lang", q->lang, "fields",
        fields ? fields : json_array(), "reply_by", http_time(q->reply_by), "created_at",
        http_time(q->created_at), "status", request_status(q, now, soon));
    json_object_set_new(j, "stage_id", opt_string(q->stage_id));
    json_object_set_new(j, "obligation_id", opt_string(q->obligation_id));
    json_object_set_new(j, "answered_by_submission", opt_string(q->answered_by));
    json_object_set_new(j, "answered_at", q->answered_at ? http_time(q->answered_at) : json_null());
    return j;
}

json_t *h_requests_json(const struct request_list *l, int64_t now_ms, int64_t due_soon_ms)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, request_json(&l->items[i], now_ms, due_soon_ms));
    return a;
}

void h_inbox_request_create(struct req *r)
{
    struct request_rec q;
    struct app_result res;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    if (app_request_create(&c, r->params[0], body, &q, &res)) {
        http_fail_result(r, &res);
    } else {
        char loc[80];
        snprintf(loc, sizeof(loc), "/api/v1/requests/%s", q.id);
        http_header(r, "Location", loc);
        http_json(r, 201, request_json(&q, r->now_ms, r->app->due_soon_ms));
        request_rec_release(&q);
    }
    app_result_release(&res);
    json_decref(body);
}

/* Answers a list of requests from a use case over one id. */
static void list_answer(struct req *r,
                        enum app_problem (*uc)(const struct app_call *, const char *,
                                               struct request_list *, struct app_result *))
{
    struct request_list l;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (uc(&c, r->params[0], &l, &res))
        return http_fail_result_release(r, &res);
    http_json(r, 200,
              json_pack("{s:o}", "items", h_requests_json(&l, r->now_ms, r->app->due_soon_ms)));
    request_list_release(&l);
}

void h_inbox_requests(struct req *r)
{
    list_answer(r, app_inbox_requests);
}

void h_report_requests(struct req *r)
{
    list_answer(r, app_report_requests);
}

void h_request_get(struct req *r)
{
    struct request_rec q;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_request_get(&c, r->params[0], &q, &res))
        return http_fail_result_release(r, &res);
    http_json(r, 200, request_json(&q, r->now_ms, r->app->due_soon_ms));
    request_rec_release(&q);
}

/* ---- the subscription to new arrivals ---- */

static json_t *subscription_json(const struct reminder_settings *s, bool configured)
{
    json_t *j = json_pack("{s:o, s:b, s:b}", "endpoint",
                          configured ? json_string(s->endpoint) : json_null(), "enabled",
                          configured && s->enabled, "secret_set", configured && s->secret_len > 0);
    json_object_set_new(j, "updated_at", configured ? http_time(s->updated_at) : json_null());
    return j;
}

void h_subscription_get(struct req *r)
{
    struct reminder_settings s;
    bool configured;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_subscription_get(&c, r->params[0], &s, &configured, &res))
        return http_fail_result_release(r, &res);
    http_json(r, 200, subscription_json(&s, configured));
}

void h_subscription_set(struct req *r)
{
    struct reminder_settings s;
    struct app_result res;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    if (app_subscription_set(&c, r->params[0], body, &s, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 200, subscription_json(&s, true));
    app_result_release(&res);
    json_decref(body);
}
