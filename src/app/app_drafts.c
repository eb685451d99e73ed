/*
 * app_drafts.c — drafts of reports (app_drafts.h, issue 12).
 */
#include "app_drafts.h"
#include "app_authz.h"
#include "app_govern.h"
#include "app_int.h"
#include "../core/uuid.h"

/* The fields of a draft's body, gathered all at once (pointer, code, both languages). */
static enum app_problem draft_decode(const json_t *body, struct draft_rec *d,
                                     struct app_result *res)
{
    const json_t *title = json_object_get(body, "title"),
                 *inc = json_object_get(body, "incident_id");
    const json_t *report = json_object_get(body, "report");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (strcmp(key, "title") && strcmp(key, "report") && strcmp(key, "incident_id")) {
            char ptr[80];
            snprintf(ptr, sizeof(ptr), "/%.60s", key);
            verr_add(&res->errs, ptr, "unknown_field", "is not a field of a draft",
                     "下書きにない項目です");
        }
    }
    if (!json_is_object(report))
        verr_add(&res->errs, "/report", report ? "type" : "required",
                 "report: must be a JSON object (the report form as typed so far)",
                 "report: JSONオブジェクト（入力途中の報告フォーム）を送ってください");
    if (title && !json_is_null(title) &&
        (!json_is_string(title) || json_string_length(title) >= sizeof(d->title)))
        verr_add(&res->errs, "/title", "type", "title: must be a text of at most 200 bytes",
                 "title: 200バイト以内の文字列にしてください");
    const char *id = json_string_value(inc);
    if (inc && !json_is_null(inc) && (!id || !uuid_valid(id, strlen(id))))
        verr_add(&res->errs, "/incident_id", "format", "incident_id: must be a report's id",
                 "incident_id: 報告のIDを指定してください");
    if (app_fail_if_errors(res, APP_PROB_VALIDATION))
        return res->problem;
    xstrlcpy(d->title, json_string_value(title) ? json_string_value(title) : "", sizeof(d->title));
    xstrlcpy(d->incident_id, id ? id : "", sizeof(d->incident_id));
    d->body = app_canonical(report);
    if (strlen(d->body) > APP_DRAFT_MAX_BYTES) {
        free(d->body);
        d->body = NULL;
        return app_fail_detail(res, APP_PROB_PAYLOAD_TOO_LARGE,
                               "A draft's report may be at most 256 KiB.",
                               "下書きの報告は256KiBまでです。");
    }
    return APP_OK;
}

enum app_problem app_draft_create(const struct app_call *c, const json_t *body,
                                  struct draft_rec *out, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    if (app_authz(c->who, ACT_REPORT_CREATE, NULL, res) || draft_decode(body, out, res))
        return res->problem;
    uuid_v7_new(out->id);
    xstrlcpy(out->org_id, c->who->org_id, sizeof(out->org_id));
    xstrlcpy(out->author_id, c->who->user_id, sizeof(out->author_id));
    int sr = store_draft_create(c->app->store, out, c->now_ms);
    if (sr) {
        draft_rec_release(out);
        return app_fail_store(res, sr);
    }
    out->version = 1;
    out->created_at = out->updated_at = c->now_ms;
    return APP_OK;
}

/* Draft id, if the caller may do a to it (another organisation's is NOT_FOUND). */
static enum app_problem draft_fetch(const struct app_call *c, enum auth_action a, const char *id,
                                    struct draft_rec *out, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    if (app_authz(c->who, a, NULL, res))
        return res->problem;
    if (!uuid_valid(id, strlen(id)))
        return app_fail(res, APP_PROB_NOT_FOUND);
    int sr = store_draft_get(c->app->store, id, out);
    if (sr)
        return app_fail_store(res, sr);
    if (app_authz(c->who, a, out->org_id, res))
        draft_rec_release(out);
    return res->problem;
}

enum app_problem app_draft_get(const struct app_call *c, const char *id, struct draft_rec *out,
                               struct app_result *res)
{
    return draft_fetch(c, ACT_REPORT_READ, id, out, res);
}

enum app_problem app_draft_list(const struct app_call *c, int limit, struct draft_rec **out,
                                size_t *n, struct app_result *res)
{
    *out = NULL;
    *n = 0;
    if (app_authz(c->who, ACT_REPORT_LIST, NULL, res))
        return res->problem;
    int sr = store_draft_list(c->app->store, c->who->org_id, limit, out, n);
    return sr ? app_fail_store(res, sr) : APP_OK;
}

/* The version another save wrote first, for the 412's ETag. */
static int draft_latest(const struct app_call *c, const char *id, int fallback)
{
    struct draft_rec now;
    if (store_draft_get(c->app->store, id, &now))
        return fallback;
    draft_rec_release(&now);
    return now.version;
}

enum app_problem app_draft_save(const struct app_call *c, const char *id,
                                const struct app_expect *exp, const json_t *body,
                                struct draft_rec *out, struct app_result *res)
{
    struct draft_rec in;
    memset(&in, 0, sizeof(in));
    if (draft_fetch(c, ACT_REPORT_AMEND, id, out, res))
        return res->problem;
    enum app_precond pc = app_expect_check(exp, out->version);
    if (pc != APP_PRECOND_MATCH) {
        app_fail_precondition(res, pc, out->version, "draft", "下書き");
        goto out;
    }
    if (draft_decode(body, &in, res))
        goto out;
    xstrlcpy(in.id, out->id, sizeof(in.id));
    int sr = store_draft_update(c->app->store, &in, out->version, c->who->user_id, c->now_ms);
    if (sr == STORE_CONFLICT) {
        app_fail_precondition(res, APP_PRECOND_STALE, draft_latest(c, id, out->version + 1),
                              "draft", "下書き");
    } else if (sr) {
        app_fail_store(res, sr);
    } else {
        free(out->body);
        out->body = in.body;
        in.body = NULL;
        xstrlcpy(out->title, in.title, sizeof(out->title));
        xstrlcpy(out->incident_id, in.incident_id, sizeof(out->incident_id));
        out->version++;
        out->updated_at = c->now_ms;
    }
out:
    draft_rec_release(&in);
    if (res->problem)
        draft_rec_release(out);
    return res->problem;
}

enum app_problem app_draft_delete(const struct app_call *c, const char *id, struct app_result *res)
{
    struct draft_rec d;
    if (draft_fetch(c, ACT_REPORT_AMEND, id, &d, res))
        return res->problem;
    draft_rec_release(&d);
    int sr = store_draft_delete(c->app->store, id, c->who->user_id, c->now_ms);
    return sr ? app_fail_store(res, sr) : APP_OK;
}
