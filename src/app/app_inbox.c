/*
 * app_inbox.c — the receiving side's use cases (app_inbox.h).
 */
#include "app_inbox.h"
#include "app_authz.h"
#include "app_int.h"

static bool status_known(const char *s)
{
    static const char *const st[] = {"queued", "sending",   "delivered",      "acknowledged",
                                     "failed", "available", "awaiting_filing"};
    for (size_t i = 0; i < ARRAY_SIZE(st); i++)
        if (!strcmp(st[i], s))
            return true;
    return false;
}

static const char *const sorts[] = {"newest", "oldest", "deadline"}; /* enum inbox_sort */

enum app_problem app_inbox_list(const struct app_call *c, const struct app_inbox_query *q,
                                struct inbox_page *out, struct app_result *res)
{
    char **mine = NULL;
    size_t nmine = 0, sort = 0;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz(c->who, ACT_INBOX_READ, NULL, res);
    if (pr)
        return pr;
    if (q->status && !status_known(q->status))
        return app_fail_param(res, "status", "is not a submission status",
                              "提出の状態ではありません");
    while (q->sort && sort < ARRAY_SIZE(sorts) && strcmp(sorts[sort], q->sort))
        sort++;
    if (sort == ARRAY_SIZE(sorts))
        return app_fail_param(res, "sort", "must be newest, oldest or deadline",
                              "newest、oldest、deadline のいずれかにしてください");
    if ((pr = app_bound_recipients(c->app->store, c->who->org_id, &mine, &nmine, res)))
        return pr;
    if (nmine) { /* else the organisation receives for no recipient: an empty inbox */
        struct inbox_filter f = {
            .recipients = (const char *const *)mine,
            .nrecipients = nmine,
            .stage_id = q->stage_id,
            .status = q->status,
            .category = q->category,
            .sector = q->sector,
            .unacknowledged = q->unacknowledged,
            .created_from = q->created_from,
            .created_before = q->created_before,
            .sort = (enum inbox_sort)sort,
            .after_id = q->after,
            .limit = q->limit,
        };
        if (store_inbox_list(c->app->store, &f, out))
            pr = app_fail_unavailable(res);
    }
    app_strs_free(mine, nmine);
    return pr;
}

enum app_problem app_inbox_document(const struct app_call *c, const char *id,
                                    enum app_doc_format fmt, struct app_document *out,
                                    struct app_result *res)
{
    struct submission_rec s;
    memset(out, 0, sizeof(*out));
    buf_init(&out->bytes, 0);
    enum app_problem pr = app_authz_received(c, ACT_INBOX_READ, id, &s, res);
    if (pr)
        return pr;
    buf_release(&out->bytes);
    pr = app_document_of(c, &s, fmt, out, res);
    submission_rec_release(&s);
    return pr;
}

enum app_problem app_inbox_get(const struct app_call *c, const char *id, bool deliver,
                               struct submission_rec *s, struct app_result *res)
{
    enum app_problem pr = app_authz_received(c, ACT_INBOX_READ, id, s, res);
    if (pr || !deliver)
        return pr;
    /* the first read by the recipient is the delivery of an inbox submission */
    int st = store_submission_fetched(c->app->store, s->id, c->who->user_id, c->now_ms);
    if (st) {
        submission_rec_release(s);
        return app_fail_store(res, st);
    }
    if (!strcmp(s->status, "available")) {
        xstrlcpy(s->status, "delivered", sizeof(s->status));
        s->delivered_at = c->now_ms;
    }
    return APP_OK;
}

enum app_problem app_inbox_receipt(const struct app_call *c, const char *id, const json_t *body,
                                   struct submission_rec *out, struct app_result *res)
{
    struct submission_rec s;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_received(c, ACT_INBOX_RECEIPT, id, &s, res);
    if (pr)
        return pr;
    pr = app_receipt_record(c, &s, body, false, out, res);
    submission_rec_release(&s);
    return pr;
}

/* ---- recipients and bindings ---- */

void app_recipients_release(struct app_recipients *l)
{
    free(l->items);
    free(l->bindings);
    memset(l, 0, sizeof(*l));
}

enum app_problem app_recipients_list(const struct app_call *c, struct app_recipients *out,
                                     struct app_result *res)
{
    struct rules_recipient_view v;
    size_t nb;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz(c->who, ACT_RECIPIENT_LIST, NULL, res);
    if (pr)
        return pr;
    if (store_binding_list(c->app->store, &out->bindings, &nb))
        return app_fail_unavailable(res);
    out->items = xcalloc(rules_recipient_count(c->app->rules) + 1, sizeof(*out->items));
    for (size_t i = 0; rules_recipient_at(c->app->rules, i, &v); i++) {
        struct app_recipient *it = &out->items[out->n++];
        it->v = v;
        it->route = outbox_route_of(c->app->delivery, v.id);
        for (size_t k = 0; k < nb; k++)
            if (!strcmp(out->bindings[k].recipient_id, v.id))
                it->binding = &out->bindings[k];
        it->org_known =
            it->binding && store_org_get(c->app->store, it->binding->org_id, &it->org) == STORE_OK;
    }
    return APP_OK;
}

static const struct rf_field bind_fields[] = {{"org_id", RF_STRING, RF_REQUIRED, NULL, NULL,
                                               RFMT_NONE, 0, 36, "組織ID", "organisation id", NULL},
                                              {0}};
static const struct rf_field bind_root = {"", RF_OBJECT, 0,          bind_fields, NULL, RFMT_NONE,
                                          0,  0,         "受信組織", "binding",   NULL};

/* The organisation body names, if it is a receiving one (kind authority). */
static enum app_problem receiving_org(const struct app_call *c, const char *id,
                                      struct app_result *res)
{
    struct org o;
    int st = uuid_valid(id, strlen(id)) ? store_org_get(c->app->store, id, &o) : STORE_NOT_FOUND;
    if (st && st != STORE_NOT_FOUND)
        return app_fail_store(res, st);
    if (st == STORE_OK && !strcmp(o.kind, "authority"))
        return APP_OK;
    verr_add(&res->errs, "/org_id", st ? "unknown_organization" : "not_an_authority",
             st ? "is not an organisation of this service"
                : "is not a receiving authority (organisation kind \"authority\")",
             st ? "このサービスの組織ではありません"
                : "受領機関（種別 authority）の組織ではありません");
    return app_fail(res, APP_PROB_VALIDATION);
}

enum app_problem app_recipient_bind(const struct app_call *c, const char *recipient_id,
                                    const json_t *body, struct app_result *res)
{
    struct rules_recipient_view v;
    enum app_problem pr = app_authz(c->who, ACT_RECIPIENT_BIND, NULL, res);
    if (pr)
        return pr;
    if (!rules_recipient_get(c->app->rules, recipient_id, &v))
        return app_fail(res, APP_PROB_NOT_FOUND);
    if ((pr = app_check_fields(c, &bind_root, body, res)))
        return pr;
    const char *org = json_string_value(json_object_get(body, "org_id"));
    if ((pr = receiving_org(c, org, res)))
        return pr;
    return app_fail_store(res,
                          store_binding_set(c->app->store, v.id, org, c->who->user_id, c->now_ms));
}
