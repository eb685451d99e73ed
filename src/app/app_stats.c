/* app_stats.c — statistics for authorities: authorisation, scope, reading, counting
 * (app_stats.h). */
#include "app_stats.h"
#include "app_authz.h"
#include "app_int.h"

struct feed {
    struct stats_table *t;
    const struct stats_query *q;
    int64_t now;
    bool full;
};

static int feed_row(const struct stats_row *r, void *arg)
{
    struct feed *f = arg;
    if (!stats_row_counts(f->q, r))
        return 0;
    f->full = stats_table_add(f->t, r, f->now) != 0;
    return f->full;
}

/* Reads the rows of q's scope into a finished table: the platform, or (inbox) the incidents
 * routed to recipients[0..n) — none when n is 0, never the platform by mistake. */
static enum app_problem build(struct store *st, const struct stats_query *q,
                              const char *const *recipients, size_t n, int k, int64_t now,
                              struct stats_table **out, struct app_result *res)
{
    bool inbox = q->scope == STATS_SCOPE_INBOX;
    struct stats_scan_filter f = {
        .recipients = inbox ? recipients : NULL,
        .nrecipients = inbox ? n : 0,
        .created_from = q->from_month >= 0 ? stats_month_start_ms(q->from_month) : 0,
        .created_before = q->to_month >= 0 ? stats_month_start_ms(q->to_month + 1) : 0,
        .obligations = q->kind == STATS_OBLIGATIONS,
    };
    struct feed fd = {stats_table_new(q), q, now, false};
    *out = NULL;
    BUG_ON(inbox && n && !recipients);
    if (!inbox || n) { /* an inbox of no recipient is empty: nothing to read */
        if (store_stats_scan(st, &f, feed_row, &fd)) {
            stats_table_free(fd.t);
            return app_fail_unavailable(res);
        }
    }
    if (fd.full) {
        stats_table_free(fd.t);
        return app_fail_param(res, "from",
                              "the months asked for hold more rows than one table may count; "
                              "ask for fewer months",
                              "指定した期間の件数が一つの表で集計できる上限を超えています。"
                              "期間を短くしてください");
    }
    stats_table_finish(fd.t, k);
    *out = fd.t;
    return APP_OK;
}

enum app_problem app_stats_platform(struct store *st, const struct stats_query *q, int k,
                                    int64_t now, struct stats_table **out, struct app_result *res)
{
    *out = NULL;
    if (q->scope != STATS_SCOPE_PLATFORM)
        return app_fail_param(res, "scope", "must be platform here", "ここでは platform のみです");
    return build(st, q, NULL, 0, k < 2 ? 2 : k, now, out, res);
}

enum app_problem app_stats_table(const struct app_call *c, enum stats_kind kind,
                                 const struct app_stats_params *p, struct stats_table **out,
                                 struct app_result *res)
{
    struct stats_query q;
    char **mine = NULL;
    size_t nmine = 0;
    int k = (int)c->app->cfg.sharing_k_anonymity;
    *out = NULL;
    enum app_problem pr = app_authz(c->who, ACT_STATS_READ, NULL, res);
    if (pr)
        return pr;
    if (stats_query_parse(&q, kind, p->by, p->from, p->to, p->scope, p->k, p->format, &res->errs))
        return app_fail_detail(res, APP_PROB_BAD_QUERY, res->errs.v[0].en, res->errs.v[0].ja);
    if (q.k && q.k < k) {
        char en[120], ja[120];
        snprintf(en, sizeof(en), "must be at least %d (the setting sharing_k_anonymity)", k);
        snprintf(ja, sizeof(ja), "%d 以上にしてください（設定 sharing_k_anonymity）", k);
        return app_fail_param(res, "k", en, ja);
    }
    k = q.k > k ? q.k : k;
    if (q.scope == STATS_SCOPE_PLATFORM)
        return build(c->app->store, &q, NULL, 0, k, c->now_ms, out, res);
    if ((pr = app_bound_recipients(c->app->store, c->who->org_id, &mine, &nmine, res)))
        return pr;
    pr = build(c->app->store, &q, (const char *const *)mine, nmine, k, c->now_ms, out, res);
    app_strs_free(mine, nmine);
    return pr;
}
