/*
 * app_call.h — what every use case of src/app/ takes and returns (issue 9 item 1): one call
 * context (the application, the actor, the time, where problems go) and one status enum.
 *
 * A use case decides and returns; it never answers a request or prints. The HTTP layer maps
 * enum app_status to a status code and an RFC 9457 problem in one place
 * (src/http/h_app.c: http_app_fail); the CLI maps it to an exit code.
 *
 * Layer: application (docs/architecture.md). Callers: http/, cli/, tests.
 */
#ifndef APP_APP_CALL_H
#define APP_APP_CALL_H

#include "app.h"
#include "../auth/auth.h"
#include "../core/verr.h"

/* How a use case ended. Non-negative: it did what was asked. */
enum app_status {
    APP_ST_REPLAYED = 2, /* an idempotent replay: the first result is returned (nothing written) */
    APP_ST_CREATED = 1,  /* something new was written */
    APP_ST_OK = 0,
    APP_ST_FORBIDDEN = -1, /* the actor's role may never do this */
    APP_ST_NOT_FOUND = -2, /* absent, or another organisation's (indistinguishable on purpose) */
    APP_ST_INVALID = -3,   /* the input has problems: every one is in call->problems */
    APP_ST_PRECONDITION_REQUIRED = -4, /* the version being changed was not named */
    APP_ST_PRECONDITION_FAILED = -5,   /* the version named is no longer the latest */
    APP_ST_IDEM_MISMATCH = -6,         /* an Idempotency-Key already used with another body */
    APP_ST_STATE = -7,                 /* the object's state does not allow it now */
    APP_ST_EXISTS = -8,                /* a unique value is already taken */
    APP_ST_BAD_REFERENCE = -9,         /* the input refers to something that does not exist */
    APP_ST_UNAVAILABLE = -10,          /* storage failed: retry later */
    APP_ST_FAILED = -11,               /* an internal step (rendering) failed: see call->problems */
};

/* The stable name of a status ("not_found" …), for logs and the CLI. */
const char *app_status_name(enum app_status st);

/* A store result (enum store_result) as a use case's status. */
enum app_status app_status_of_store(int store_result);

/* One call of a use case. who is the actor (user, role, organisation); problems is the
 * caller's gather-all list (verr_list_init with the bound it wants), filled when a use case
 * returns APP_ST_INVALID or APP_ST_FAILED. */
struct app_call {
    struct app *app;
    const struct principal *who;
    int64_t now_ms;
    struct verr_list *problems;
};

/* The caller's precondition on the version of the object it changes (RFC 9110 §13.1.1,
 * If-Match), decoded by the edge: check tells how the version the use case finds compares
 * with what the caller named. */
enum app_match { APP_MATCH_ABSENT, APP_MATCH_STAR, APP_MATCH_YES, APP_MATCH_NO };
struct app_precondition {
    enum app_match (*check)(const void *arg, int current_version);
    const void *arg;
};

/* A check for callers that name one version: arg points to an int (0 = none named). */
enum app_match app_match_version(const void *arg, int current_version);

#endif
