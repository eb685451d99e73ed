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
static const struct rf_field email_item = {"",
                                           RF_STRING,
                                           0,
                                           NULL,
                                           NULL,
                                           RFMT_NONE,
                                           1,
                                           OUTBOX_MAIL_ADDR_MAX,
                                           "メールアドレス",
                                           "e-mail address",
                                           NULL};
/* endpoint and secret are required unless e-mail addresses are given (endpoint_ok) */
static const struct rf_field rem_fields[] = {
    {"endpoint", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 2048, "送信先URL", "endpoint", NULL},
    {"secret", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 256, "署名用の秘密鍵", "secret", NULL},
    {"email", RF_ARRAY, RF_UNIQUE, &email_item, NULL, RFMT_NONE, 0, REMINDER_EMAILS_MAX,
     "通知を送るメールアドレス", "e-mail addresses", NULL},
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

/* Each e-mail address (issue 10 item 8): outbox_mail_addr_check's subset of RFC 5321/5322,
 * which also keeps CR and LF — a header injection — out. Every bad one is reported. */
static bool named(const struct verr_list *l, const char *ptr)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].pointer, ptr))
            return true;
    return false;
}

static void emails_ok(const json_t *body, struct app_result *res)
{
    const json_t *a = json_object_get(body, "email");
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++) {
        const json_t *v = json_array_get(a, i);
        char ptr[32];
        struct err e;
        err_init(&e);
        snprintf(ptr, sizeof(ptr), "/email/%zu", i);
        if (!json_is_string(v) || named(&res->errs, ptr) ||
            !outbox_mail_addr_check(json_string_value(v), json_string_length(v), &e))
            continue;
        verr_add(&res->errs, ptr, "email", e.msg,
                 "メールアドレスの形式ではありません（name@example.jp の形、254文字以内、空白・"
                 "改行・制御文字・ASCII以外の文字は不可）");
    }
}

/* The endpoint and secret rules of webhooks (SSRF guard, 32+ byte secret), for the reminder
 * webhook and an authority's arrival subscription (app_int.h); without e-mail addresses the
 * webhook is required, as it always was; with them (reminders only: the subscription's table
 * has no "email") it may be left out (reminders by e-mail only). */
enum app_problem app_webhook_endpoint_ok(const struct app_call *c, const json_t *body,
                                         struct app_result *res)
{
    struct err e;
    const char *ep = json_string_value(json_object_get(body, "endpoint"));
    const json_t *sec = json_object_get(body, "secret");
    err_init(&e);
    emails_ok(body, res);
    if (!ep && json_array_size(json_object_get(body, "email")) > 0)
        return app_fail_if_errors(res, APP_PROB_VALIDATION);
    if (!ep)
        verr_add(&res->errs, "/endpoint", "required",
                 "is required unless e-mail addresses (email) are given",
                 "メールアドレス（email）を指定しない場合は必須です");
    else if (outbox_url_check(ep, &c->app->delivery->net, &e))
        verr_add(&res->errs, "/endpoint", "endpoint", e.msg,
                 "https:// のURLにしてください（利用者情報・制御文字は不可）");
    if (!sec)
        verr_add(&res->errs, "/secret", "required", "is required with an endpoint",
                 "送信先URLを指定する場合は必須です");
    else if (json_string_length(sec) < OUTBOX_SECRET_MIN)
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
    if (pr)
        return pr;
    /* the structure and the addresses together, so that every problem is named at once */
    pr = app_check_fields(c, &rem_root, body, res);
    if (pr) {
        emails_ok(body, res);
        return pr;
    }
    if ((pr = app_webhook_endpoint_ok(c, body, res)))
        return pr;
    xstrlcpy(s->org_id, org_id, sizeof(s->org_id));
    const char *ep = json_string_value(json_object_get(body, "endpoint"));
    xstrlcpy(s->endpoint, ep ? ep : "", sizeof(s->endpoint));
    const json_t *sec = json_object_get(body, "secret");
    s->secret_len = ep ? json_string_length(sec) : 0; /* no webhook: no secret kept */
    if (s->secret_len)
        memcpy(s->secret, json_string_value(sec), s->secret_len);
    const json_t *emails = json_object_get(body, "email");
    for (size_t i = 0; i < json_array_size(emails) && i < REMINDER_EMAILS_MAX; i++)
        xstrlcpy(s->emails[s->nemails++], json_string_value(json_array_get(emails, i)),
                 REMINDER_EMAIL_LEN);
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
