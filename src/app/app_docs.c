/*
 * app_docs.c — an organisation's versioned documents as use cases (issue 4; app_govern.h):
 * the asset inventory and the loss scenarios. One set of functions serves every kind; what
 * differs per kind is the check (struct app_doc_kind). Updates name the version they change,
 * like report amendments, so two people editing the same scenario cannot silently overwrite
 * each other.
 */
#include "app_govern.h"
#include "app_authz.h"
#include "../core/uuid.h"

static const struct app_doc_kind kinds[] = {
    {"asset", "asset", "資産", app_risk_check_asset},
    {"risk_scenario", "loss scenario", "損失シナリオ", app_risk_check_scenario},
};

const struct app_doc_kind *app_doc_kind(const char *kind)
{
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (!strcmp(kinds[i].kind, kind))
            return &kinds[i];
    BUG("unknown document kind %s", kind);
}

enum app_problem app_doc_create(struct app *app, const struct principal *who,
                                const struct app_doc_kind *k, json_t *doc, int64_t now_ms,
                                struct orgdoc_rec *out, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    uuid_v7_new(out->id);
    if (app_authz(who, ACT_RISK_WRITE, NULL, res) || k->check(app, who, doc, out->id, now_ms, res))
        return res->problem;
    xstrlcpy(out->org_id, who->org_id, sizeof(out->org_id));
    xstrlcpy(out->kind, k->kind, sizeof(out->kind));
    xstrlcpy(out->created_by, who->user_id, sizeof(out->created_by));
    out->body = app_canonical(doc);
    int sr = store_orgdoc_create(app->store, out, who->user_id, now_ms);
    if (sr) {
        orgdoc_rec_release(out);
        return app_fail(res, app_store_problem(sr));
    }
    out->version = 1;
    out->created_at = out->updated_at = now_ms;
    return APP_OK;
}

/* The version someone else wrote first (STORE_CONFLICT), for the 412's ETag. */
static int latest_version(struct app *app, const struct orgdoc_rec *d)
{
    struct orgdoc_rec now;
    int latest = d->version + 1;
    if (store_orgdoc_get(app->store, d->id, &now) == STORE_OK) {
        latest = now.version;
        orgdoc_rec_release(&now);
    }
    return latest;
}

enum app_problem app_doc_update(struct app *app, const struct principal *who,
                                const struct app_doc_kind *k, const char *id,
                                const struct app_expect *exp, json_t *doc, int64_t now_ms,
                                struct orgdoc_rec *out, struct app_result *res)
{
    char *body = NULL;
    if (app_doc_fetch(app, who, k->kind, ACT_RISK_WRITE, id, out, res))
        return res->problem;
    enum app_precond pc = exp->check(exp->ctx, out->version);
    if (pc != APP_PRECOND_MATCH) {
        app_fail_precondition(res, pc, out->version, k->name_en, k->name_ja);
        goto out;
    }
    if (k->check(app, who, doc, out->id, now_ms, res))
        goto out;
    body = app_canonical(doc);
    int sr = store_orgdoc_update(app->store, out->id, out->version, body, who->user_id, now_ms);
    if (sr == STORE_CONFLICT) {
        app_fail_precondition(res, APP_PRECOND_STALE, latest_version(app, out), k->name_en,
                              k->name_ja);
    } else if (sr) {
        app_fail(res, app_store_problem(sr));
    } else {
        free(out->body);
        out->body = body;
        body = NULL;
        out->version++;
        out->updated_at = now_ms;
    }
out:
    free(body);
    if (res->problem)
        orgdoc_rec_release(out);
    return res->problem;
}

enum app_problem app_doc_list(struct app *app, const struct principal *who, const char *kind,
                              const char *after, int limit, bool with_body, struct orgdoc_list *out,
                              struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    if (app_authz(who, ACT_RISK_READ, NULL, res))
        return res->problem;
    if (store_orgdoc_list(app->store, who->org_id, kind, after, limit, with_body, out))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    return APP_OK;
}
