/*
 * app_call.c — the status names of the use cases and the mapping of store results to them.
 */
#include "app_call.h"

const char *app_status_name(enum app_status st)
{
    switch (st) {
    case APP_REPLAYED:
        return "replayed";
    case APP_CREATED:
        return "created";
    case APP_OK:
        return "ok";
    case APP_FORBIDDEN:
        return "forbidden";
    case APP_NOT_FOUND:
        return "not_found";
    case APP_INVALID:
        return "invalid";
    case APP_PRECONDITION_REQUIRED:
        return "precondition_required";
    case APP_PRECONDITION_FAILED:
        return "precondition_failed";
    case APP_IDEM_MISMATCH:
        return "idempotency_key_reused";
    case APP_STATE:
        return "state";
    case APP_EXISTS:
        return "exists";
    case APP_BAD_REFERENCE:
        return "invalid_reference";
    case APP_UNAVAILABLE:
        return "unavailable";
    case APP_FAILED:
        return "failed";
    }
    return "unknown";
}

enum app_status app_status_of_store(int res)
{
    switch (res) {
    case STORE_REPLAYED:
        return APP_REPLAYED;
    case STORE_OK:
        return APP_OK;
    case STORE_NOT_FOUND:
        return APP_NOT_FOUND;
    case STORE_CONFLICT:
        return APP_PRECONDITION_FAILED;
    case STORE_IDEM_MISMATCH:
        return APP_IDEM_MISMATCH;
    case STORE_EXISTS:
        return APP_EXISTS;
    case STORE_INVALID:
        return APP_BAD_REFERENCE;
    default:
        return APP_UNAVAILABLE;
    }
}

enum app_match app_match_version(const void *arg, int current_version)
{
    int want = *(const int *)arg;
    if (!want)
        return APP_MATCH_ABSENT;
    return want == current_version ? APP_MATCH_YES : APP_MATCH_NO;
}
