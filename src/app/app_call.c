/*
 * app_call.c — the status names of the use cases, the mapping of store results to them, and
 * the helpers every use case shares (app_int.h).
 */
#include "app_call.h"
#include "app_int.h"

const char *app_status_name(enum app_status st)
{
    switch (st) {
    case APP_ST_REPLAYED:
        return "replayed";
    case APP_ST_CREATED:
        return "created";
    case APP_ST_OK:
        return "ok";
    case APP_ST_FORBIDDEN:
        return "forbidden";
    case APP_ST_NOT_FOUND:
        return "not_found";
    case APP_ST_INVALID:
        return "invalid";
    case APP_ST_PRECONDITION_REQUIRED:
        return "precondition_required";
    case APP_ST_PRECONDITION_FAILED:
        return "precondition_failed";
    case APP_ST_IDEM_MISMATCH:
        return "idempotency_key_reused";
    case APP_ST_STATE:
        return "state";
    case APP_ST_EXISTS:
        return "exists";
    case APP_ST_BAD_REFERENCE:
        return "invalid_reference";
    case APP_ST_UNAVAILABLE:
        return "unavailable";
    case APP_ST_FAILED:
        return "failed";
    }
    return "unknown";
}

enum app_status app_status_of_store(int res)
{
    switch (res) {
    case STORE_REPLAYED:
        return APP_ST_REPLAYED;
    case STORE_OK:
        return APP_ST_OK;
    case STORE_NOT_FOUND:
        return APP_ST_NOT_FOUND;
    case STORE_CONFLICT:
        return APP_ST_PRECONDITION_FAILED;
    case STORE_IDEM_MISMATCH:
        return APP_ST_IDEM_MISMATCH;
    case STORE_EXISTS:
        return APP_ST_EXISTS;
    case STORE_INVALID:
        return APP_ST_BAD_REFERENCE;
    default:
        return APP_ST_UNAVAILABLE;
    }
}

enum app_match app_match_version(const void *arg, int current_version)
{
    int want = *(const int *)arg;
    if (!want)
        return APP_MATCH_ABSENT;
    return want == current_version ? APP_MATCH_YES : APP_MATCH_NO;
}

/* ---- shared with the other use cases (app_int.h) ---- */

enum app_status app_precondition_check(const struct app_precondition *p, int current)
{
    switch (p->check ? p->check(p->arg, current) : APP_MATCH_ABSENT) {
    case APP_MATCH_YES:
        return APP_ST_OK;
    case APP_MATCH_NO:
        return APP_ST_PRECONDITION_FAILED;
    default:
        return APP_ST_PRECONDITION_REQUIRED;
    }
}

enum app_status app_check_fields(const struct app_call *c, const struct rf_field *root,
                                 const json_t *doc)
{
    return schema_check(root, doc, &c->app->limits, c->now_ms, c->problems) ? APP_ST_INVALID
                                                                                   : APP_ST_OK;
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
