/*
 * app_reminders.c — the reminder webhook's use cases (app_reminders.h).
 */
#include "app_reminders.h"
#include "app_authz.h"
#include "app_int.h"
#include "../outbox/outbox.h"

enum app_problem app_reminders_get(const struct app_call *c, const char *org_id,
                                   struct reminder_settings *out, bool *configured,
                                   struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    *configured = false;
    enum app_problem pr = app_authz_org(c->who, ACT_SUBMIT, org_id, res);
    if (pr)
        return pr;
    int st = store_reminders_get(c->app->store, org_id, out);
    if (st == STORE_NOT_FOUND) {
        memset(out, 0, sizeof(*out));
        return APP_OK;
    }
    *configured = st == STORE_OK;
    return app_fail_store(res, st);
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
enum app_problem app_webhook_endpoint_ok(const struct app_call *c, const json_t *body,
                                         struct app_result *res)
{
    struct err e;
    const char *ep = json_string_value(json_object_get(body, "endpoint"));
    const json_t *sec = json_object_get(body, "secret");
    err_init(&e);
    if (outbox_url_check(ep, &c->app->delivery->net, &e))
        verr_add(&res->errs, "/endpoint", "endpoint", e.msg,
                 "https:// のURLにしてください（利用者情報・制御文字は不可）");
    if (json_string_length(sec) < OUTBOX_SECRET_MIN)
        verr_add(&res->errs, "/secret", "secret", "must be at least 32 bytes (use a random value)",
                 "32バイト以上にしてください（乱数で生成した値を使ってください）");
    return app_fail_if_errors(res, APP_PROB_VALIDATION);
}

enum app_problem app_reminders_set(const struct app_call *c, const char *org_id, const json_t *body,
                                   struct reminder_settings *out, struct app_result *res)
{
    struct reminder_settings *s = out;
    memset(s, 0, sizeof(*s));
    enum app_problem pr = app_authz_org(c->who, ACT_SUBMIT, org_id, res);
    if (pr || (pr = app_check_fields(c, &rem_root, body, res)) ||
        (pr = app_webhook_endpoint_ok(c, body, res)))
        return pr;
    xstrlcpy(s->org_id, org_id, sizeof(s->org_id));
    xstrlcpy(s->endpoint, json_string_value(json_object_get(body, "endpoint")),
             sizeof(s->endpoint));
    const json_t *sec = json_object_get(body, "secret");
    s->secret_len = json_string_length(sec);
    memcpy(s->secret, json_string_value(sec), s->secret_len);
    const json_t *leads = json_object_get(body, "lead_hours");
    for (size_t i = 0; i < json_array_size(leads); i++)
        s->lead_hours[s->nleads++] = (int)json_integer_value(json_array_get(leads, i));
    qsort(s->lead_hours, (size_t)s->nleads, sizeof(int), cmp_desc);
    const json_t *en = json_object_get(body, "enabled");
    s->enabled = !en || json_is_true(en);
    s->updated_at = c->now_ms;
    return app_fail_store(res, store_reminders_set(c->app->store, s, c->who->user_id, c->now_ms));
}

enum app_problem app_notifications_list(const struct app_call *c, const char *org_id, int limit,
                                        struct notification_list *out, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_org(c->who, ACT_SUBMIT, org_id, res);
    if (pr)
        return pr;
    if (store_notifications_list(c->app->store, org_id, limit, out))
        return app_fail_unavailable(res);
    return APP_OK;
}
