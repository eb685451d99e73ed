/*
 * app_audit.c — a page of the audit log (app_audit.h).
 */
#include "app_audit.h"
#include "app_authz.h"

struct page {
    int (*cb)(const struct audit_rec *a, void *arg);
    void *arg;
    int limit, seen;
    int64_t next;
};

/* One entry more than the page is read, so that the caller learns whether there is a next
 * page without a second query; that entry only gives its sequence number. */
static int one(const struct audit_rec *a, void *arg)
{
    struct page *p = arg;
    if (p->seen++ == p->limit) {
        p->next = a->seq;
        return 1;
    }
    return p->cb(a, p->arg);
}

enum app_problem app_audit_page(struct app *app, const struct principal *who, int64_t from_seq,
                                int limit, int (*cb)(const struct audit_rec *a, void *arg),
                                void *arg, int64_t *next_seq, struct app_result *res)
{
    struct page p = {cb, arg, limit, 0, 0};
    *next_seq = 0;
    if (app_authz(who, ACT_AUDIT_READ, NULL, res))
        return res->problem;
    if (store_audit_scan(app->store, from_seq, limit + 1, one, &p))
        return app_fail_unavailable(res);
    *next_seq = p.next;
    return APP_OK;
}
