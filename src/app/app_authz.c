/*
 * app_authz.c — the authorisation decisions (app_authz.h): the permission matrix of auth/
 * applied to the actor, organisation ownership, and recipient binding for the inbox.
 */
#include "app_authz.h"

enum app_problem app_authz(const struct principal *who, enum auth_action a, const char *object_org,
                           struct app_result *res)
{
    switch (auth_check(who, a, object_org)) {
    case AUTHZ_OK:
        return APP_OK;
    case AUTHZ_HIDDEN:
        return app_fail(res, APP_PROB_NOT_FOUND);
    default:
        return app_fail(res, APP_PROB_FORBIDDEN);
    }
}

enum app_problem app_authz_org(const struct principal *who, enum auth_action a, const char *org_id,
                               struct app_result *res)
{
    enum app_problem p = app_authz(who, a, NULL, res);
    if (p)
        return p;
    if (!org_id || !uuid_valid(org_id, strlen(org_id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    return app_authz(who, a, org_id, res);
}

enum app_problem app_authz_report(const struct app_call *c, enum auth_action a, const char *id,
                                  int version, struct report_rec *rec, struct app_result *res)
{
    memset(rec, 0, sizeof(*rec));
    enum app_problem p = app_authz(c->who, a, NULL, res);
    if (p)
        return p;
    if (!id || !uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int st = store_report_get(c->app->store, id, version, rec);
    if (st)
        return app_fail_store(res, st);
    if ((p = app_authz(c->who, a, rec->org_id, res)))
        report_rec_release(rec);
    return p;
}

/* A submission by id after the role check; APP_OK or the store's failure. */
static enum app_problem read_submission(const struct app_call *c, enum auth_action a,
                                        const char *id, struct submission_rec *s,
                                        struct app_result *res)
{
    memset(s, 0, sizeof(*s));
    enum app_problem p = app_authz(c->who, a, NULL, res);
    if (p)
        return p;
    if (!id || !uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    return app_fail_store(res, store_submission_get(c->app->store, id, s));
}

enum app_problem app_authz_sent(const struct app_call *c, enum auth_action a, const char *id,
                                struct submission_rec *s, struct app_result *res)
{
    enum app_problem p = read_submission(c, a, id, s, res);
    if (!p && (p = app_authz(c->who, a, s->org_id, res)))
        submission_rec_release(s);
    return p;
}

enum app_problem app_bound_recipients(struct store *st, const char *org, char ***out, size_t *n,
                                      struct app_result *res)
{
    struct recipient_binding *b;
    size_t nb;
    *out = NULL;
    *n = 0;
    if (store_binding_list(st, &b, &nb))
        return app_fail_unavailable(res);
    *out = xcalloc(nb + 1, sizeof(**out));
    for (size_t i = 0; i < nb; i++)
        if (!strcmp(b[i].org_id, org))
            (*out)[(*n)++] = xstrdup(b[i].recipient_id);
    free(b);
    return APP_OK;
}

void app_strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

enum app_problem app_authz_received(const struct app_call *c, enum auth_action a, const char *id,
                                    struct submission_rec *s, struct app_result *res)
{
    char **mine = NULL;
    size_t nmine = 0;
    bool bound = false;
    enum app_problem p = read_submission(c, a, id, s, res);
    if (p)
        return p;
    if (!(p = app_bound_recipients(c->app->store, c->who->org_id, &mine, &nmine, res))) {
        for (size_t i = 0; i < nmine && !bound; i++)
            bound = !strcmp(mine[i], s->recipient_id);
        /* another recipient's, a document or a drill: indistinguishable from one that does
         * not exist */
        if (!bound || !strcmp(s->channel, "exercise") || !strcmp(s->channel, "document"))
            p = app_fail(res, APP_PROB_NOT_FOUND);
    }
    app_strs_free(mine, nmine);
    if (p)
        submission_rec_release(s);
    return p;
}
