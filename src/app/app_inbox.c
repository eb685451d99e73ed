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

enum app_status app_inbox_list(const struct app_call *c, const struct app_inbox_query *q,
                               struct submission_list *out)
{
    char **mine = NULL;
    size_t nmine = 0;
    memset(out, 0, sizeof(*out));
    enum app_status st = app_authz(c->who, ACT_INBOX_READ, NULL);
    if (st)
        return st;
    if (q->status && !status_known(q->status)) {
        verr_add(c->problems, "status", "bad_query", "is not a submission status",
                 "提出の状態ではありません");
        return APP_ST_INVALID;
    }
    if ((st = app_bound_recipients(c->app->store, c->who->org_id, &mine, &nmine)))
        return st;
    if (nmine) { /* else the organisation receives for no recipient: an empty inbox */
        struct submission_filter f = {
            .recipients = (const char *const *)mine,
            .nrecipients = nmine,
            .stage_id = q->stage_id,
            .status = q->status,
            .electronic_only = true, /* documents are the reporter's to file; drills never
                                        arrive */
            .created_from = q->created_from,
            .created_before = q->created_before,
            .after_id = q->after,
            .limit = q->limit,
        };
        if (store_submissions_list(c->app->store, &f, out))
            st = APP_ST_UNAVAILABLE;
    }
    app_strs_free(mine, nmine);
    return st;
}

enum app_status app_inbox_get(const struct app_call *c, const char *id, bool deliver,
                              struct submission_rec *s)
{
    enum app_status st = app_authz_received(c, ACT_INBOX_READ, id, s);
    if (st || !deliver)
        return st;
    /* the first read by the recipient is the delivery of an inbox submission */
    int res = store_submission_fetched(c->app->store, s->id, c->who->user_id, c->now_ms);
    if (res) {
        submission_rec_release(s);
        return app_status_of_store(res);
    }
    if (!strcmp(s->status, "available")) {
        xstrlcpy(s->status, "delivered", sizeof(s->status));
        s->delivered_at = c->now_ms;
    }
    return APP_ST_OK;
}

enum app_status app_inbox_receipt(const struct app_call *c, const char *id, const json_t *body,
                                  struct submission_rec *out)
{
    struct submission_rec s;
    memset(out, 0, sizeof(*out));
    enum app_status st = app_authz_received(c, ACT_INBOX_RECEIPT, id, &s);
    if (st)
        return st;
    st = app_receipt_record(c, &s, body, false, out);
    submission_rec_release(&s);
    return st;
}

/* ---- recipients and bindings ---- */

void app_recipients_release(struct app_recipients *l)
{
    free(l->items);
    free(l->bindings);
    memset(l, 0, sizeof(*l));
}

enum app_status app_recipients_list(const struct app_call *c, struct app_recipients *out)
{
    struct rules_recipient_view v;
    size_t nb;
    memset(out, 0, sizeof(*out));
    enum app_status st = app_authz(c->who, ACT_RECIPIENT_LIST, NULL);
    if (st)
        return st;
    if (store_binding_list(c->app->store, &out->bindings, &nb))
        return APP_ST_UNAVAILABLE;
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
    return APP_ST_OK;
}

static const struct rf_field bind_fields[] = {{"org_id", RF_STRING, RF_REQUIRED, NULL, NULL,
                                               RFMT_NONE, 0, 36, "組織ID", "organisation id", NULL},
                                              {0}};
static const struct rf_field bind_root = {"", RF_OBJECT, 0,          bind_fields, NULL, RFMT_NONE,
                                          0,  0,         "受信組織", "binding",   NULL};

/* The organisation body names, if it is a receiving one (kind authority). */
static enum app_status receiving_org(const struct app_call *c, const char *id)
{
    struct org o;
    int res = uuid_valid(id, strlen(id)) ? store_org_get(c->app->store, id, &o) : STORE_NOT_FOUND;
    if (res && res != STORE_NOT_FOUND)
        return app_status_of_store(res);
    if (res == STORE_OK && !strcmp(o.kind, "authority"))
        return APP_ST_OK;
    verr_add(c->problems, "/org_id", res ? "unknown_organization" : "not_an_authority",
             res ? "is not an organisation of this service"
                 : "is not a receiving authority (organisation kind \"authority\")",
             res ? "このサービスの組織ではありません"
                 : "受領機関（種別 authority）の組織ではありません");
    return APP_ST_INVALID;
}

enum app_status app_recipient_bind(const struct app_call *c, const char *recipient_id,
                                   const json_t *body)
{
    struct rules_recipient_view v;
    enum app_status st = app_authz(c->who, ACT_RECIPIENT_BIND, NULL);
    if (st)
        return st;
    if (!rules_recipient_get(c->app->rules, recipient_id, &v))
        return APP_ST_NOT_FOUND;
    if ((st = app_check_fields(c, &bind_root, body)))
        return st;
    const char *org = json_string_value(json_object_get(body, "org_id"));
    if ((st = receiving_org(c, org)))
        return st;
    return app_status_of_store(
        store_binding_set(c->app->store, v.id, org, c->who->user_id, c->now_ms));
}
