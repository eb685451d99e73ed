/*
 * h_app.c — the handlers' side of the use cases (h_app.h): one table-like switch from
 * enum app_status to the HTTP answer, so that every resource fails the same way.
 */
#include "h_app.h"
#include "h_govern.h"

struct app_call http_app_call(struct req *r, struct verr_list *problems)
{
    return (struct app_call){r->app, &r->who, r->now_ms, problems};
}

static enum app_match if_match_check(const void *arg, int current)
{
    switch (http_if_match(arg, current)) {
    case IFM_ABSENT:
        return APP_MATCH_ABSENT;
    case IFM_STAR:
        return APP_MATCH_STAR;
    case IFM_MATCH:
        return APP_MATCH_YES;
    default:
        return APP_MATCH_NO;
    }
}

struct app_precondition http_app_if_match(struct req *r)
{
    return (struct app_precondition){if_match_check, http_header_in(r, "If-Match")};
}

/* The report API's 412 (docs/report-format.md): the latest version and how to go on. */
static void report_changed(struct req *r, int latest)
{
    char etag[24], en[256], ja[320];
    snprintf(etag, sizeof(etag), "\"v%d\"", latest);
    snprintf(en, sizeof(en),
             "The report has changed: the latest version is %d. Read it, merge, "
             "and send If-Match: %s.",
             latest, etag);
    snprintf(ja, sizeof(ja),
             "報告は更新されています（最新は第%d版）。最新版を取得して反映し、If-Match: %s "
             "を付けて送ってください。",
             latest, etag);
    http_header(r, "ETag", etag);
    http_fail(r, APP_PROB_PRECONDITION_FAILED, en, ja, NULL);
}

/* Amendments must name the version they change: "*" would let a client overwrite facts it
 * has not seen, so it is refused like a missing header. */
static void report_unnamed(struct req *r)
{
    http_fail(r, APP_PROB_AMEND_PRECONDITION_REQUIRED, NULL, NULL, NULL);
}

static void invalid(struct req *r, const struct verr_list *p, const struct http_app_words *f)
{
    if (f->query && p && p->n) /* a query parameter: 400, named as http_bad_query names it */
        return http_bad_query(r, p->v[0].pointer, p->v[0].en, p->v[0].ja);
    http_fail(r, f->report_words ? APP_PROB_REPORT_INVALID : APP_PROB_VALIDATION, NULL, NULL, p);
}

static void precondition(struct req *r, enum app_status st, const struct http_app_words *f)
{
    if (f->report_words)
        return st == APP_ST_PRECONDITION_REQUIRED ? report_unnamed(r)
                                                  : report_changed(r, f->latest);
    http_precondition(r, st == APP_ST_PRECONDITION_REQUIRED ? IFM_ABSENT : IFM_NO_MATCH, f->latest,
                      f->what_en ? f->what_en : "object", f->what_ja ? f->what_ja : "対象");
}

static void failed(struct req *r, const struct verr_list *p)
{
    bool rendering = p && p->n && !strcmp(p->v[0].code, "rendering_failed");
    http_fail(r, rendering ? APP_PROB_RENDERING_FAILED : APP_PROB_INTERNAL,
              p && p->n ? p->v[0].en : NULL, p && p->n ? p->v[0].ja : NULL, NULL);
}

void http_app_fail(struct req *r, enum app_status st, const struct verr_list *problems,
                   const struct http_app_words *f)
{
    static const struct http_app_words none;
    f = f ? f : &none;
    switch (st) {
    case APP_ST_FORBIDDEN:
        return http_forbidden(r);
    case APP_ST_NOT_FOUND:
        return http_not_found(r);
    case APP_ST_INVALID:
        return invalid(r, problems, f);
    case APP_ST_PRECONDITION_REQUIRED:
    case APP_ST_PRECONDITION_FAILED:
        return precondition(r, st, f);
    case APP_ST_IDEM_MISMATCH:
        return http_fail(r, APP_PROB_IDEMPOTENCY_KEY_REUSED, NULL, NULL, NULL);
    case APP_ST_STATE:
        return http_fail(r, APP_PROB_SUBMISSION_STATE,
                         f->state_en ? f->state_en : "The object's state does not allow this.",
                         f->state_ja ? f->state_ja : "この状態ではこの操作はできません。", NULL);
    case APP_ST_EXISTS:
        return http_store_error(r, STORE_EXISTS);
    case APP_ST_BAD_REFERENCE:
        return http_store_error(r, STORE_INVALID);
    case APP_ST_FAILED:
        return failed(r, problems);
    default:
        return http_unavailable(r);
    }
}
