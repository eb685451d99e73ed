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
        return APP_INVALID;
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
            st = APP_UNAVAILABLE;
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
    return APP_OK;
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
