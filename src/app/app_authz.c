/*
 * app_authz.c — the authorisation decisions (app_authz.h): the permission matrix of auth/
 * applied to the actor, organisation ownership, and recipient binding for the inbox.
 */
#include "app_authz.h"

enum app_status app_authz(const struct principal *who, enum auth_action a, const char *object_org)
{
    switch (auth_check(who, a, object_org)) {
    case AUTHZ_OK:
        return APP_ST_OK;
    case AUTHZ_HIDDEN:
        return APP_ST_NOT_FOUND;
    default:
        return APP_ST_FORBIDDEN;
    }
}

enum app_problem app_authz_result(const struct principal *who, enum auth_action a,
                                  const char *object_org, struct app_result *res)
{
    switch (app_authz(who, a, object_org)) {
    case APP_ST_OK:
        return APP_OK;
    case APP_ST_NOT_FOUND:
        return app_fail(res, APP_PROB_NOT_FOUND);
    default:
        return app_fail(res, APP_PROB_FORBIDDEN);
    }
}

enum app_status app_authz_org(const struct principal *who, enum auth_action a, const char *org_id)
{
    enum app_status st = app_authz(who, a, NULL);
    if (st)
        return st;
    if (!org_id || !uuid_valid(org_id, strlen(org_id)))
        return APP_ST_NOT_FOUND;
    return app_authz(who, a, org_id);
}

enum app_status app_authz_report(const struct app_call *c, enum auth_action a, const char *id,
                                 int version, struct report_rec *rec)
{
    memset(rec, 0, sizeof(*rec));
    enum app_status st = app_authz(c->who, a, NULL);
    if (st)
        return st;
    if (!id || !uuid_valid(id, strlen(id)))
        return APP_ST_NOT_FOUND;
    int res = store_report_get(c->app->store, id, version, rec);
    if (res)
        return app_status_of_store(res);
    if ((st = app_authz(c->who, a, rec->org_id)))
        report_rec_release(rec);
    return st;
}

/* A submission by id after the role check; APP_ST_OK or the store's failure. */
static enum app_status read_submission(const struct app_call *c, enum auth_action a, const char *id,
                                       struct submission_rec *s)
{
    memset(s, 0, sizeof(*s));
    enum app_status st = app_authz(c->who, a, NULL);
    if (st)
        return st;
    if (!id || !uuid_valid(id, strlen(id)))
        return APP_ST_NOT_FOUND;
    return app_status_of_store(store_submission_get(c->app->store, id, s));
}

enum app_status app_authz_sent(const struct app_call *c, enum auth_action a, const char *id,
                               struct submission_rec *s)
{
    enum app_status st = read_submission(c, a, id, s);
    if (!st && (st = app_authz(c->who, a, s->org_id)))
        submission_rec_release(s);
    return st;
}

enum app_status app_bound_recipients(struct store *st, const char *org, char ***out, size_t *n)
{
    struct recipient_binding *b;
    size_t nb;
    *out = NULL;
    *n = 0;
    if (store_binding_list(st, &b, &nb))
        return APP_ST_UNAVAILABLE;
    *out = xcalloc(nb + 1, sizeof(**out));
    for (size_t i = 0; i < nb; i++)
        if (!strcmp(b[i].org_id, org))
            (*out)[(*n)++] = xstrdup(b[i].recipient_id);
    free(b);
    return APP_ST_OK;
}

void app_strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

enum app_status app_authz_received(const struct app_call *c, enum auth_action a, const char *id,
                                   struct submission_rec *s)
{
    char **mine = NULL;
    size_t nmine = 0;
    bool bound = false;
    enum app_status st = read_submission(c, a, id, s);
    if (st)
        return st;
    if (!(st = app_bound_recipients(c->app->store, c->who->org_id, &mine, &nmine))) {
        for (size_t i = 0; i < nmine && !bound; i++)
            bound = !strcmp(mine[i], s->recipient_id);
        /* another recipient's, a document or a drill: indistinguishable from one that does
         * not exist */
        if (!bound || !strcmp(s->channel, "exercise") || !strcmp(s->channel, "document"))
            st = APP_ST_NOT_FOUND;
    }
    app_strs_free(mine, nmine);
    if (st)
        submission_rec_release(s);
    return st;
}
