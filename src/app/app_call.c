/*
 * app_call.c — the caller's precondition (app_call.h) and the helpers every use case shares
 * (app_int.h).
 */
#include "app_call.h"
#include "app_int.h"

enum app_precond app_expect_version(const void *ctx, int current)
{
    int want = *(const int *)ctx;
    if (!want)
        return APP_PRECOND_MISSING;
    return want == current ? APP_PRECOND_MATCH : APP_PRECOND_STALE;
}

enum app_problem app_fail_precondition(struct app_result *res, enum app_precond pc, int latest,
                                       const char *what_en, const char *what_ja)
{
    char etag[24], en[256], ja[320];
    snprintf(etag, sizeof(etag), "\"v%d\"", latest);
    if (pc == APP_PRECOND_MISSING) {
        snprintf(en, sizeof(en),
                 "Name the version of the %s you mean with If-Match and the "
                 "ETag you read, e.g. If-Match: %s (\"*\" is not accepted).",
                 what_en, etag);
        snprintf(ja, sizeof(ja),
                 "対象とする%sの版を、取得した ETag を If-Match に付けて指定してください"
                 "（例: If-Match: %s。\"*\" は使用できません）。",
                 what_ja, etag);
        return app_fail_detail(res, APP_PROB_PRECONDITION_REQUIRED, en, ja);
    }
    snprintf(en, sizeof(en),
             "The %s has changed: the current version is %d. Read it again and "
             "send If-Match: %s.",
             what_en, latest, etag);
    snprintf(ja, sizeof(ja),
             "%sは更新されています（現在は第%d版）。再取得して If-Match: %s "
             "を付けて送ってください。",
             what_ja, latest, etag);
    res->version = latest;
    return app_fail_detail(res, APP_PROB_PRECONDITION_FAILED, en, ja);
}

/* ---- shared with the other use cases (app_int.h) ---- */

enum app_precond app_expect_check(const struct app_expect *e, int current)
{
    return e->check ? e->check(e->ctx, current) : APP_PRECOND_MISSING;
}

enum app_problem app_check_fields(const struct app_call *c, const struct rf_field *root,
                                  const json_t *doc, struct app_result *res)
{
    if (schema_check(root, doc, &c->app->limits, c->now_ms, &res->errs))
        return app_fail(res, APP_PROB_VALIDATION);
    return APP_OK;
}

int app_latest_version(const struct app_call *c, const char *report_id, int fallback)
{
    struct report_rec now;
    if (store_report_get(c->app->store, report_id, 0, &now) != STORE_OK)
        return fallback;
    int latest = now.latest_version;
    report_rec_release(&now);
    return latest;
}
