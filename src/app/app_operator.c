/*
 * app_operator.c — the operator's read-only views (app_operator.h).
 */
#include "app_operator.h"
#include "app_authz.h"
#include "app_int.h"

struct chain_walk {
    struct audit_verifier v;
    struct app_chain_state *out;
};

static int feed(const struct audit_rec *r, void *arg)
{
    struct chain_walk *w = arg;
    w->out->head_seq = r->seq;
    xstrlcpy(w->out->head_hash, r->hash, sizeof(w->out->head_hash));
    w->out->head_at = r->at;
    return audit_verifier_feed(&w->v, r) ? 1 : 0;
}

enum app_problem app_operator_audit_chain(const struct app_call *c, struct app_chain_state *out,
                                          struct app_result *res)
{
    struct chain_walk w = {.out = out};
    int64_t from = 1;
    memset(out, 0, sizeof(*out));
    if (app_authz(c->who, ACT_AUDIT_READ, NULL, res))
        return res->problem;
    audit_verifier_init(&w.v);
    /* in pages, as the CLI does: a scan holds a read snapshot only as long as one page */
    for (;;) {
        int64_t before = w.v.checked;
        if (store_audit_scan(c->app->store, from, 10000, feed, &w))
            return app_fail_unavailable(res);
        if (w.v.first_bad_seq || w.v.checked == before)
            break;
        from = w.v.expected_seq;
    }
    out->intact = w.v.first_bad_seq == 0;
    out->verified = w.v.checked;
    out->first_bad_seq = w.v.first_bad_seq;
    xstrlcpy(out->reason, w.v.reason, sizeof(out->reason));
    return APP_OK;
}

/* Keeps the queued submissions that have been attempted (a retry), in place. */
static void keep_retries(struct submission_list *l)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->items[i].attempts > 0) {
            if (k != i) {
                struct submission_rec tmp = l->items[k];
                l->items[k] = l->items[i];
                l->items[i] = tmp;
            }
            k++;
        }
    }
    for (size_t i = k; i < l->n; i++)
        submission_rec_release(&l->items[i]);
    l->n = k;
}

enum app_problem app_operator_deliveries(const struct app_call *c, int limit,
                                         struct submission_list *failed,
                                         struct submission_list *retrying, struct app_result *res)
{
    struct submission_filter f = {.status = "failed", .limit = limit};
    memset(failed, 0, sizeof(*failed));
    memset(retrying, 0, sizeof(*retrying));
    if (app_authz(c->who, ACT_AUDIT_READ, NULL, res))
        return res->problem;
    if (store_submissions_list(c->app->store, &f, failed))
        return app_fail_unavailable(res);
    f.status = "queued";
    if (store_submissions_list(c->app->store, &f, retrying)) {
        submission_list_release(failed);
        return app_fail_unavailable(res);
    }
    keep_retries(retrying);
    return APP_OK;
}
