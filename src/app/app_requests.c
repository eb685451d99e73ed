/*
 * app_requests.c — a receiving authority's requests and arrival subscription (app_requests.h).
 */
#include "app_requests.h"
#include "app_authz.h"
#include "app_int.h"
#include "../core/rtime.h"
#include "../outbox/outbox.h"

/* ---- creating a request ---- */

static const struct rf_enum kinds[] = {
    {"information", "追加情報の要請", "request for more information"},
    {"intermediate_report", "中間報告の要請", "request for an intermediate report"},
    {0}};
static const struct rf_enum langs[] = {
    {"ja", "日本語", "Japanese"}, {"en", "英語", "English"}, {0}};
static const struct rf_field pointer_item = {"",
                                             RF_STRING,
                                             0,
                                             NULL,
                                             NULL,
                                             RFMT_NONE,
                                             0,
                                             300,
                                             "項目（JSON Pointer）",
                                             "field (JSON Pointer)",
                                             NULL};
static const struct rf_field request_fields[] = {
    {"kind", RF_ENUM, RF_REQUIRED, NULL, kinds, RFMT_NONE, 0, 0, "要請の種類", "kind", NULL},
    {"message", RF_TEXT, RF_REQUIRED, NULL, NULL, RFMT_NONE, 1, 4000, "要請の内容", "message",
     NULL},
    {"lang", RF_ENUM, 0, NULL, langs, RFMT_NONE, 0, 0, "言語", "language", NULL},
    {"fields", RF_ARRAY, RF_UNIQUE, &pointer_item, NULL, RFMT_NONE, 0, 50, "対象の項目", "fields",
     NULL},
    {"reply_by", RF_TIME, RF_REQUIRED | RF_FUTURE, NULL, NULL, RFMT_NONE, 0, 0, "回答期限",
     "reply by", NULL},
    {"stage_id", RF_STRING, 0, NULL, NULL, RFMT_IDENT, 0, 47, "要請する段階", "stage", NULL},
    {0}};
static const struct rf_field request_root = {
    "", RF_OBJECT, 0, request_fields, NULL, RFMT_NONE, 0, 0, "報告者への要請", "request", NULL};

/* Checks what the table cannot: pointers are JSON Pointers of the report (RFC 6901: empty or
 * starting with "/"), and the reply-by date is still ahead. Adds to res->errs. */
static void check_request(const struct app_call *c, const json_t *body, int64_t *reply_by,
                          struct app_result *res)
{
    struct rtime_parsed t;
    const json_t *f = json_object_get(body, "fields"), *v;
    size_t i;
    json_array_foreach(f, i, v)
    {
        const char *p = json_string_value(v);
        char ptr[32];
        snprintf(ptr, sizeof(ptr), "/fields/%zu", i);
        if (p && p[0] != '/')
            verr_add(
                &res->errs, ptr, "not_a_pointer",
                "must be a JSON Pointer into the report (RFC 6901), e.g. /impact/summary",
                "報告の項目を指す JSON Pointer（RFC 6901、例: /impact/summary）にしてください");
    }
    const char *rb = json_string_value(json_object_get(body, "reply_by"));
    *reply_by = rb && !rtime_parse_rfc3339(rb, strlen(rb), &t) ? t.ms : 0;
    if (rb && *reply_by && *reply_by <= c->now_ms)
        verr_add(&res->errs, "/reply_by", "reply_by_past", "must lie in the future",
                 "未来の日時にしてください");
}

/* For an intermediate report: the incident's obligation to s's recipient whose stage is sent
 * only on request (stage_id, or the only such one), not yet sent. VALIDATION otherwise. */
static enum app_problem on_request_stage(const struct app_call *c, const struct submission_rec *s,
                                         const char *stage_id, struct request_rec *r,
                                         struct app_result *res)
{
    struct obligation_list l;
    const struct obligation_rec *hit = NULL;
    if (store_obligations_list(c->app->store, s->incident_id, &l))
        return app_fail_unavailable(res);
    for (size_t i = 0; i < l.n; i++) {
        const struct obligation_rec *o = &l.items[i];
        const struct rule *ru = rules_find(c->app->rules, o->rule_id);
        const struct rule_stage *st = ru ? rules_find_stage(ru, o->stage_id) : NULL;
        if (st && rules_stage_on_request(st) && !o->withdrawn &&
            !strcmp(o->recipient_id, s->recipient_id) &&
            (!stage_id || !strcmp(stage_id, o->stage_id)))
            hit = o;
    }
    if (!hit)
        verr_add(&res->errs, stage_id ? "/stage_id" : "/kind", "no_stage_on_request",
                 "the recipient has no stage sent only on request for this incident",
                 "この事案には、この報告先が要請時にだけ受け取る段階がありません");
    else if (hit->met_at || hit->live_submission[0])
        verr_add(&res->errs, stage_id ? "/stage_id" : "/kind", "already_submitted",
                 "that stage has been submitted already", "その段階は既に提出されています");
    else {
        xstrlcpy(r->obligation_id, hit->id, sizeof(r->obligation_id));
        xstrlcpy(r->stage_id, hit->stage_id, sizeof(r->stage_id));
    }
    obligation_list_release(&l);
    return app_fail_if_errors(res, APP_PROB_VALIDATION);
}

/* The request's fields and stage as the body gives them (validated). */
static void request_from(const struct app_call *c, const struct submission_rec *s,
                         const json_t *body, int64_t reply_by, struct request_rec *r)
{
    const char *lang = json_string_value(json_object_get(body, "lang"));
    const json_t *fields = json_object_get(body, "fields");
    uuid_v7_new(r->id);
    xstrlcpy(r->submission_id, s->id, sizeof(r->submission_id));
    xstrlcpy(r->incident_id, s->incident_id, sizeof(r->incident_id));
    xstrlcpy(r->org_id, s->org_id, sizeof(r->org_id));
    xstrlcpy(r->recipient_id, s->recipient_id, sizeof(r->recipient_id));
    xstrlcpy(r->authority_org_id, c->who->org_id, sizeof(r->authority_org_id));
    xstrlcpy(r->kind, json_string_value(json_object_get(body, "kind")), sizeof(r->kind));
    r->message = xstrdup(json_string_value(json_object_get(body, "message")));
    xstrlcpy(r->lang, lang ? lang : "ja", sizeof(r->lang));
    r->fields = json_array_size(fields) ? json_dumps(fields, JSON_COMPACT) : NULL;
    r->reply_by = reply_by;
    xstrlcpy(r->created_by, c->who->user_id, sizeof(r->created_by));
    r->created_at = c->now_ms;
}

/* What the reporting organisation is told (kind "request"): the request and where to read it. */
static char *request_note(const struct request_rec *r)
{
    char by[40], at[40], href[64];
    rtime_format_utc(r->reply_by, by, sizeof(by));
    rtime_format_utc(r->created_at, at, sizeof(at));
    snprintf(href, sizeof(href), "/api/v1/requests/%s", r->id);
    json_t *j = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}", "event",
                          "request.created", "organization_id", r->org_id, "request", "id", r->id,
                          "kind", r->kind, "incident_id", r->incident_id, "submission_id",
                          r->submission_id, "recipient_id", r->recipient_id, "message", r->message,
                          "lang", r->lang, "reply_by", by, "href", href);
    json_object_set_new(json_object_get(j, "request"), "created_at", json_string(at));
    json_object_set_new(json_object_get(j, "request"), "stage_id",
                        r->stage_id[0] ? json_string(r->stage_id) : json_null());
    json_object_set_new(json_object_get(j, "request"), "fields",
                        r->fields ? json_loads(r->fields, 0, NULL) : json_array());
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    if (!text)
        BUG("request note: not representable");
    return text;
}

enum app_problem app_request_create(const struct app_call *c, const char *submission_id,
                                    const json_t *body, struct request_rec *out,
                                    struct app_result *res)
{
    struct submission_rec s;
    int64_t reply_by = 0;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_received(c, ACT_INBOX_REQUEST, submission_id, &s, res);
    if (pr)
        return pr;
    /* every problem at once: the table's, then what it cannot say (safe on any JSON types) */
    app_check_fields(c, &request_root, body, res);
    if (json_is_object(body))
        check_request(c, body, &reply_by, res);
    pr = app_fail_if_errors(res, APP_PROB_VALIDATION);
    if (!pr && app_incident_withdrawn(
                   c, s.incident_id)) /* nothing more can be asked of a withdrawn report */
        pr = app_fail(res, APP_PROB_INCIDENT_WITHDRAWN);
    const char *kind = json_string_value(json_object_get(body, "kind"));
    if (!pr && !strcmp(kind, "intermediate_report"))
        pr =
            on_request_stage(c, &s, json_string_value(json_object_get(body, "stage_id")), out, res);
    if (!pr) {
        request_from(c, &s, body, reply_by, out);
        char *note = request_note(out);
        pr = app_fail_store(res, store_request_create(c->app->store, out, note));
        free(note);
    }
    submission_rec_release(&s);
    if (pr)
        request_rec_release(out);
    return pr;
}

/* ---- reading requests ---- */

enum app_problem app_request_get(const struct app_call *c, const char *id, struct request_rec *out,
                                 struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    bool asker = auth_check(c->who, ACT_INBOX_READ, NULL) == AUTHZ_OK;
    bool reporter = auth_check(c->who, ACT_SUBMISSION_READ, NULL) == AUTHZ_OK;
    if (!asker && !reporter) /* the role first: one that may never read learns nothing */
        return app_fail(res, APP_PROB_FORBIDDEN);
    int st =
        uuid_valid(id, strlen(id)) ? store_request_get(c->app->store, id, out) : STORE_NOT_FOUND;
    if (st)
        return app_fail_store(res, st);
    const char *owner = asker ? out->authority_org_id : out->org_id;
    enum app_problem pr =
        app_authz(c->who, asker ? ACT_INBOX_READ : ACT_SUBMISSION_READ, owner, res);
    if (pr)
        request_rec_release(out);
    return pr;
}

/* Keeps the requests of l made by org (drops and frees the others). */
static void keep_asked_by(struct request_list *l, const char *org)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!strcmp(l->items[i].authority_org_id, org))
            l->items[k++] = l->items[i];
        else
            request_rec_release(&l->items[i]);
    }
    l->n = k;
}

enum app_problem app_inbox_requests(const struct app_call *c, const char *submission_id,
                                    struct request_list *out, struct app_result *res)
{
    struct submission_rec s;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_received(c, ACT_INBOX_READ, submission_id, &s, res);
    if (pr)
        return pr;
    struct request_filter f = {.submission_id = s.id, .limit = 1000};
    int st = store_requests_list(c->app->store, &f, out);
    submission_rec_release(&s);
    if (st)
        return app_fail_store(res, st);
    keep_asked_by(out, c->who->org_id); /* another authority's requests are its own business */
    return APP_OK;
}

enum app_problem app_report_requests(const struct app_call *c, const char *report_id,
                                     struct request_list *out, struct app_result *res)
{
    struct report_rec rec;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_report(c, ACT_SUBMISSION_READ, report_id, 0, &rec, res);
    if (pr)
        return pr;
    struct request_filter f = {.incident_id = rec.id, .limit = 1000};
    int st = store_requests_list(c->app->store, &f, out);
    report_rec_release(&rec);
    return app_fail_store(res, st);
}

/* ---- the reporter's open items ---- */

static int cmp_due(const void *a, const void *b)
{
    const struct open_obligation *x = a, *y = b;
    return x->due_ms < y->due_ms ? -1 : x->due_ms > y->due_ms;
}

/* A request as an open obligation-like item of its reporting organisation. */
static void as_open(const struct app_call *c, const struct request_rec *r,
                    struct open_obligation *o)
{
    struct submission_rec s;
    struct report_rec rec;
    memset(o, 0, sizeof(*o));
    xstrlcpy(o->id, r->id, sizeof(o->id));
    xstrlcpy(o->incident_id, r->incident_id, sizeof(o->incident_id));
    xstrlcpy(o->recipient_id, r->recipient_id, sizeof(o->recipient_id));
    xstrlcpy(o->kind, "request", sizeof(o->kind));
    o->mandatory = true;
    o->due_ms = r->reply_by;
    if (store_submission_get(c->app->store, r->submission_id, &s) == STORE_OK) {
        xstrlcpy(o->rule_id, s.rule_id, sizeof(o->rule_id));
        xstrlcpy(o->stage_id, r->stage_id[0] ? r->stage_id : s.stage_id, sizeof(o->stage_id));
        submission_rec_release(&s);
    }
    if (store_report_get(c->app->store, r->incident_id, 0, &rec) == STORE_OK) {
        o->summary = rec.summary ? xstrdup(rec.summary) : NULL;
        report_rec_release(&rec);
    }
}

int app_requests_open_append(const struct app_call *c, const char *org_id,
                             struct open_obligations *l)
{
    struct request_list rq;
    struct request_filter f = {.open_of_org = org_id, .limit = 2000};
    int st = store_requests_list(c->app->store, &f, &rq);
    if (st)
        return st;
    if (rq.n) {
        l->items = xrealloc(l->items, (l->n + rq.n) * sizeof(*l->items));
        for (size_t i = 0; i < rq.n; i++)
            as_open(c, &rq.items[i], &l->items[l->n++]);
        qsort(l->items, l->n, sizeof(*l->items), cmp_due);
    }
    request_list_release(&rq);
    return STORE_OK;
}

/* ---- the subscription to new arrivals ---- */

enum app_problem app_subscription_get(const struct app_call *c, const char *org_id,
                                      struct reminder_settings *out, bool *configured,
                                      struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    *configured = false;
    enum app_problem pr = app_authz_org(c->who, ACT_INBOX_SUBSCRIBE, org_id, res);
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

static const struct rf_field sub_fields[] = {
    {"endpoint", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 2048, "送信先URL", "endpoint",
     NULL},
    {"secret", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 256, "署名用の秘密鍵", "secret",
     NULL},
    {"enabled", RF_BOOL, 0, NULL, NULL, RFMT_NONE, 0, 0, "有効", "enabled", NULL},
    {0}};
static const struct rf_field sub_root = {
    "", RF_OBJECT, 0, sub_fields, NULL, RFMT_NONE, 0, 0, "新着の通知", "subscription", NULL};

enum app_problem app_subscription_set(const struct app_call *c, const char *org_id,
                                      const json_t *body, struct reminder_settings *out,
                                      struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_org(c->who, ACT_INBOX_SUBSCRIBE, org_id, res);
    if (pr || (pr = app_check_fields(c, &sub_root, body, res)) ||
        (pr = app_webhook_endpoint_ok(c, body, res)))
        return pr;
    xstrlcpy(out->org_id, org_id, sizeof(out->org_id));
    xstrlcpy(out->endpoint, json_string_value(json_object_get(body, "endpoint")),
             sizeof(out->endpoint));
    const json_t *sec = json_object_get(body, "secret");
    out->secret_len = json_string_length(sec);
    memcpy(out->secret, json_string_value(sec), out->secret_len);
    const json_t *en = json_object_get(body, "enabled");
    out->enabled = !en || json_is_true(en);
    out->updated_at = c->now_ms;
    /* no lead times: a receiving organisation has no deadlines of its own to be reminded of */
    return app_fail_store(res, store_reminders_set(c->app->store, out, c->who->user_id, c->now_ms));
}
