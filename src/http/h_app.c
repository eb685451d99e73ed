/*
 * h_app.c — the handlers' side of the use cases (h_app.h).
 */
#include "h_app.h"

struct app_call http_app_call(struct req *r)
{
    return (struct app_call){r->app, &r->who, r->now_ms};
}

static enum app_precond if_match_check(const void *ctx, int current)
{
    switch (http_if_match(ctx, current)) {
    case IFM_MATCH:
        return APP_PRECOND_MATCH;
    case IFM_NO_MATCH:
        return APP_PRECOND_STALE;
    default:
        return APP_PRECOND_MISSING;
    }
}

struct app_expect http_expect(struct req *r)
{
    return (struct app_expect){if_match_check, http_header_in(r, "If-Match")};
}
