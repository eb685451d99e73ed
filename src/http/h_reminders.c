/*
 * h_reminders.c — deadlines the reporter must not miss (issue 5, "Deadline reminders"): the
 * organisation's open obligations across all its incidents with their status now (due soon,
 * overdue …), and its own reminder webhook — lead times before each deadline at which
 * ichigen POSTs a signed event, an "overdue" event when a deadline passes, and an alert when a
 * submission fails for good — with the history of what was sent.
 */
#include "http_int.h"
#include "h_govern.h"
#include "../outbox/outbox.h"

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

static bool statuses_known(const char *list)
{
    static const char *const names[] = {"pending", "due_soon", "overdue", "recommended",
                                        "target_passed"};
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        bool ok = false;
        for (size_t i = 0; i < ARRAY_SIZE(names); i++)
            ok |= strlen(names[i]) == len && !memcmp(names[i], p, len);
        if (!ok)
            return false;
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}

void h_obligations_open(struct req *r)
{
    static const char *const allowed[] = {"status", "limit", NULL};
    struct open_obligations l;
    const char *want = http_query(r, "status");
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0)
        return;
    if (want && !statuses_known(want))
        return http_bad_query(r, "status",
                              "must list statuses among pending, due_soon, overdue, recommended, "
                              "target_passed (comma-separated)",
                              "pending、due_soon、overdue、recommended、target_passed "
                              "から（カンマ区切りで）指定してください");
    /* read more than a page: the status filter applies after the read */
    if (store_obligations_open(r->app->store, r->who.org_id, 2000, &l))
        return http_unavailable(r);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n && json_array_size(items) < (size_t)limit; i++) {
        const struct open_obligation *o = &l.items[i];
        const char *status =
            rules_status_name(rules_row_status(false, o->mandatory, !strcmp(o->kind, "legal"),
                                               DUE_SET, o->due_ms, r->now_ms, r->app->due_soon_ms));
        if (!status_wanted(want, status))
            continue;
        json_t *j =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "id", o->id, "incident_id",
                      o->incident_id, "rule_id", o->rule_id, "stage_id", o->stage_id,
                      "recipient_id", o->recipient_id, "status", status, "kind", o->kind,
                      "mandatory", o->mandatory, "due_at", http_time(o->due_ms));
        json_object_set_new(j, "incident_summary",
                            o->summary ? json_string(o->summary) : json_null());
        json_object_set_new(j, "submission",
                            o->live_submission[0] ? json_string(o->live_submission) : json_null());
        json_array_append_new(items, j);
    }
    open_obligations_release(&l);
    http_json(r, 200, json_pack("{s:o, s:o}", "items", items, "as_of", http_time(r->now_ms)));
}

/* ---- the reminder webhook ---- */

static bool own_org(struct req *r)
{
    if (!http_allow(r, ACT_SUBMIT, NULL))
        return false;
    if (!uuid_valid(r->params[0], strlen(r->params[0]))) {
        http_not_found(r);
        return false;
    }
    return http_allow(r, ACT_SUBMIT, r->params[0]);
}

static json_t *settings_json(const struct reminder_settings *s)
{
    json_t *leads = json_array();
    for (int i = 0; i < s->nleads; i++)
        json_array_append_new(leads, json_integer(s->lead_hours[i]));
    json_t *j = json_pack("{s:s, s:b, s:o, s:b}", "endpoint", s->endpoint, "enabled", s->enabled,
                          "lead_hours", leads, "secret_set", s->secret_len > 0);
    json_object_set_new(j, "updated_at", s->updated_at ? http_time(s->updated_at) : json_null());
    return j;
}

void h_reminders_get(struct req *r)
{
    struct reminder_settings s;
    if (!own_org(r))
        return;
    int res = store_reminders_get(r->app->store, r->params[0], &s);
    if (res == STORE_NOT_FOUND)
        return http_json(r, 200,
                         json_pack("{s:n, s:b, s:[], s:b, s:n}", "endpoint", "enabled", false,
                                   "lead_hours", "secret_set", false, "updated_at"));
    if (res)
        return http_store_error(r, res);
    http_json(r, 200, settings_json(&s));
}

static const struct rf_field lead_item = {"", RF_INTEGER, 0,        NULL,           NULL, RFMT_NONE,
                                          1,  2160,       "時間前", "hours before", NULL};
static const struct rf_field rem_fields[] = {
    {"endpoint", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 2048, "送信先URL", "endpoint",
     NULL},
    {"secret", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 256, "署名用の秘密鍵", "secret",
     NULL},
    {"lead_hours", RF_ARRAY, RF_REQUIRED | RF_UNIQUE, &lead_item, NULL, RFMT_NONE, 1,
     REMINDER_LEADS_MAX, "期限の何時間前に知らせるか", "lead times (hours)", NULL},
    {"enabled", RF_BOOL, 0, NULL, NULL, RFMT_NONE, 0, 0, "有効", "enabled", NULL},
    {0}};
static const struct rf_field rem_root = {
    "", RF_OBJECT, 0, rem_fields, NULL, RFMT_NONE, 0, 0, "期限の通知", "reminders", NULL};

static int cmp_desc(const void *a, const void *b)
{
    return *(const int *)b - *(const int *)a;
}

/* The endpoint and secret rules of webhooks apply here too (SSRF guard, 32+ byte secret). */
static bool endpoint_ok(struct req *r, const json_t *body)
{
    struct verr_list errs;
    struct err e;
    const char *ep = json_string_value(json_object_get(body, "endpoint"));
    const json_t *sec = json_object_get(body, "secret");
    verr_list_init(&errs, 4);
    err_init(&e);
    if (outbox_url_check(ep, &r->app->delivery->net, &e))
        verr_add(&errs, "/endpoint", "endpoint", e.msg,
                 "https:// のURLにしてください（利用者情報・制御文字は不可）");
    if (json_string_length(sec) < OUTBOX_SECRET_MIN)
        verr_add(&errs, "/secret", "secret", "must be at least 32 bytes (use a random value)",
                 "32バイト以上にしてください（乱数で生成した値を使ってください）");
    bool ok = !verr_any(&errs);
    if (!ok)
        http_problem(r, 422, "validation", "The request has invalid fields",
                     "入力内容に誤りがあります", "See errors: every problem is listed.",
                     "errors に問題点をすべて示しています。", &errs);
    verr_list_release(&errs);
    return ok;
}

void h_reminders_set(struct req *r)
{
    struct reminder_settings s;
    json_t *body = NULL;
    if (!own_org(r) || !(body = http_body_json(r)))
        goto out;
    if (!http_check_body(r, &rem_root, body) || !endpoint_ok(r, body))
        goto out;
    memset(&s, 0, sizeof(s));
    xstrlcpy(s.org_id, r->params[0], sizeof(s.org_id));
    xstrlcpy(s.endpoint, json_string_value(json_object_get(body, "endpoint")), sizeof(s.endpoint));
    const json_t *sec = json_object_get(body, "secret");
    s.secret_len = json_string_length(sec);
    memcpy(s.secret, json_string_value(sec), s.secret_len);
    const json_t *leads = json_object_get(body, "lead_hours");
    for (size_t i = 0; i < json_array_size(leads); i++)
        s.lead_hours[s.nleads++] = (int)json_integer_value(json_array_get(leads, i));
    qsort(s.lead_hours, (size_t)s.nleads, sizeof(int), cmp_desc);
    const json_t *en = json_object_get(body, "enabled");
    s.enabled = !en || json_is_true(en);
    s.updated_at = r->now_ms;
    int res = store_reminders_set(r->app->store, &s, r->who.user_id, r->now_ms);
    if (res)
        http_store_error(r, res);
    else
        http_json(r, 200, settings_json(&s));
out:
    json_decref(body);
}

void h_notifications_list(struct req *r)
{
    static const char *const allowed[] = {"limit", NULL};
    struct notification_list l;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 || !own_org(r))
        return;
    if (store_notifications_list(r->app->store, r->params[0], limit, &l))
        return http_unavailable(r);
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
        json_array_append_new(items, j);
    }
    notification_list_release(&l);
    http_json(r, 200, json_pack("{s:o}", "items", items));
}
