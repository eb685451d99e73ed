/*
 * app_call.h — what every use case of src/app/ takes (issue 9 item 1): one call context (the
 * application, the actor, the time) and the caller's precondition on a versioned object.
 *
 * What a use case returns is app_problem.h's: APP_OK or the row of the one problem table,
 * which it also sets in the caller's struct app_result together with every problem of the
 * input, the request-specific detail and, for 412, the current version. A use case chooses
 * the row itself (REPORT_INVALID or VALIDATION, AMEND_PRECONDITION_REQUIRED,
 * SUBMISSION_STATE with its detail …); it never answers a request or prints. The HTTP layer
 * answers any result the same way (src/http/respond.c: http_fail_result); the CLI prints it.
 *
 * Layer: application (docs/architecture.md). Callers: http/, cli/, tests.
 */
#ifndef APP_APP_CALL_H
#define APP_APP_CALL_H

#include "app.h"
#include "app_problem.h"
#include "../auth/auth.h"
#include "../core/verr.h"

/* One call of a use case: who is the actor (user, role, organisation), now_ms "now". Where
 * problems go is the struct app_result each use case also takes. */
struct app_call {
    struct app *app;
    const struct principal *who;
    int64_t now_ms;
};

/* The caller's precondition on the version of the object it changes (HTTP: If-Match with the
 * ETag "v<N>", RFC 9110 §13.1.1), decoded by the edge: check says how it compares with the
 * version current that the use case finds. MISSING is no precondition at all, or one that
 * accepts any version ("*"), which a change of a versioned object may not rely on. */
enum app_precond { APP_PRECOND_MATCH, APP_PRECOND_MISSING, APP_PRECOND_STALE };
struct app_expect {
    enum app_precond (*check)(const void *ctx, int current);
    const void *ctx;
};

/* A check for callers that name one version (the CLI, tests): ctx points to an int, 0 = none
 * named. */
enum app_precond app_expect_version(const void *ctx, int current);

/* Fails with PRECONDITION_REQUIRED (MISSING) or PRECONDITION_FAILED (STALE, res->version =
 * latest) for a versioned "what" (English and Japanese, e.g. "asset" / "資産"), with the
 * detail that says which version to name. */
enum app_problem app_fail_precondition(struct app_result *res, enum app_precond pc, int latest,
                                       const char *what_en, const char *what_ja);

#endif
