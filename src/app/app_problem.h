/*
 * app_problem.h — every problem a person can be shown, in one table: a name (the enum), the
 * stable code that becomes the RFC 9457 type URN (urn:ichigen:problem:<code>), the HTTP
 * status, the title in English and Japanese and, where the text does not depend on the
 * request, the detail. One code may have several rows when its title or detail differ by
 * situation (three kinds of "validation", two kinds of "forbidden"); clients rely on the code
 * and the status, people read the texts.
 *
 * Why a table: the texts used to be written inline at each http_problem call, so the same
 * problem could drift between handlers and nothing listed them. Now the use cases (src/app/)
 * return a row's name, the HTTP layer (http/respond.c, http_fail) looks up the rest, and
 * `ichigen problems --markdown` generates docs/problems.md from it (a unit test keeps the two
 * equal).
 *
 * Also here: struct app_result, the outcome every use case returns — a row's name (APP_OK when
 * it succeeded), the gather-all list of problems in the input (core/verr) and, for rows whose
 * detail depends on the request, that detail. It knows nothing of HTTP beyond the status
 * number the table documents.
 *
 * Layer: app (docs/architecture.md). Called by src/app/, http/ and cli/.
 */
#ifndef APP_APP_PROBLEM_H
#define APP_APP_PROBLEM_H

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/verr.h"

enum app_problem {
    APP_OK = 0, /* not a problem: the use case succeeded */
    /* the request and its authorisation (http/) */
    APP_PROB_NOT_FOUND,
    APP_PROB_FORBIDDEN,
    APP_PROB_INVALID_TOKEN,
    APP_PROB_UNAUTHORIZED,
    APP_PROB_INVALID_AUTHORIZATION,
    APP_PROB_PASSWORD_CHANGE_REQUIRED,
    APP_PROB_UNAVAILABLE,
    APP_PROB_METHOD_NOT_ALLOWED,
    APP_PROB_PAYLOAD_TOO_LARGE,
    APP_PROB_UNSUPPORTED_CHARSET,
    APP_PROB_UNSUPPORTED_MEDIA_TYPE,
    APP_PROB_NOT_ACCEPTABLE,
    APP_PROB_MALFORMED_JSON,
    APP_PROB_BAD_QUERY,
    APP_PROB_URI_TOO_LONG,
    APP_PROB_BAD_TARGET,
    APP_PROB_HEADERS_TOO_LARGE,
    APP_PROB_BAD_HEADER,
    APP_PROB_BAD_HOST,
    APP_PROB_DUPLICATE_HEADER,
    APP_PROB_MISSING_HOST,
    APP_PROB_BAD_FRAMING,
    APP_PROB_UNSUPPORTED_TRANSFER_CODING,
    APP_PROB_BAD_BYTE,
    /* input and storage */
    APP_PROB_VALIDATION,         /* field tables: every problem listed */
    APP_PROB_INVALID_FIELDS,     /* the same, without a detail (accounts) */
    APP_PROB_VALIDATION_UNSAVED, /* the same, saying nothing was saved (risk) */
    APP_PROB_CONFLICT_UNIQUE,
    APP_PROB_INVALID_REFERENCE,
    APP_PROB_PRECONDITION_REQUIRED,
    APP_PROB_PRECONDITION_FAILED,
    /* accounts */
    APP_PROB_THROTTLED,
    APP_PROB_LOGIN_FAILED,
    APP_PROB_ORG_HAS_ADMIN,
    APP_PROB_ONBOARDING_ONLY,
    APP_PROB_LAST_ADMINISTRATOR,
    APP_PROB_ADMINS_CHANGED,
    APP_PROB_UNKNOWN_ORGANIZATION, /* a validation problem the CLI words its own way */
    APP_PROB_ROLE_REFUSED,         /* likewise */
    /* governance */
    APP_PROB_ANSWERS_INVALID,
    APP_PROB_ASSESSMENT_SUBMITTED,
    APP_PROB_FRAMEWORK_UNAVAILABLE,
    APP_PROB_INCOMPLETE,
    APP_PROB_NO_SUBMITTED_ASSESSMENT,
    APP_PROB_RATING_INCONSISTENT,
    APP_PROB_PDF_FAILED,
    APP_PROB_SIMULATION_REFUSED,
    /* reports and submissions */
    APP_PROB_REPORT_INVALID,
    APP_PROB_BAD_IDEMPOTENCY_KEY,
    APP_PROB_IDEMPOTENCY_KEY_REUSED,
    APP_PROB_AMEND_PRECONDITION_REQUIRED,
    APP_PROB_RENDERING_FAILED,
    APP_PROB_SUBMISSION_STATE,
    APP_PROB_INCIDENT_WITHDRAWN,
    /* the web UI (issue 12): cookie sessions, CSRF, two-factor sign-in, drafts */
    APP_PROB_SESSION_INVALID,
    APP_PROB_CSRF_TOKEN_INVALID,
    APP_PROB_TWO_FACTOR_REQUIRED,
    APP_PROB_TWO_FACTOR_SETUP_REQUIRED,
    APP_PROB_TWO_FACTOR_REQUIRED_FOR_ROLE,
    APP_PROB_TWO_FACTOR_STATE,
    /* advisories (issue 13) */
    APP_PROB_ADVISORY_WITHDRAWN,
    APP_PROB__COUNT
};

/* One row. detail_en/_ja are NULL when the detail depends on the request (the caller gives
 * it) or when there is none. */
struct app_problem_def {
    const char *name; /* the enum's name without APP_PROB_: "NOT_FOUND" */
    const char *code; /* stable: the type URN's last part */
    int status;       /* HTTP status (RFC 9110 §15) */
    const char *title_en, *title_ja;
    const char *detail_en, *detail_ja;
    const char *when; /* for docs/problems.md: when it is answered */
};

/* The row of p (APP_OK and out-of-range values are a BUG). Borrowed, static. */
const struct app_problem_def *app_problem_def(enum app_problem p);

/* docs/problems.md: a Markdown table of every row, in enum order, appended to out. */
void app_problems_markdown(struct buf *out);

/* ---- the outcome of a use case ---- */

#define APP_DETAIL_MAX 800

struct app_result {
    enum app_problem problem;       /* APP_OK, or the row to answer with */
    struct verr_list errs;          /* every problem of the input; may be empty with a problem */
    char detail_en[APP_DETAIL_MAX]; /* "" → the row's own detail */
    char detail_ja[APP_DETAIL_MAX];
    int version; /* PRECONDITION_*: the object's current version (its ETag "v<N>") */
    int store;   /* the store's own result when a store call decided the problem, else 0 */
};

/* max_errors bounds errs (report_limits.max_errors). */
void app_result_init(struct app_result *res, size_t max_errors);
void app_result_release(struct app_result *res);

/* Sets res->problem to p and returns p (so a use case can `return app_fail(res, …)`). */
enum app_problem app_fail(struct app_result *res, enum app_problem p);
/* The same with a request-dependent detail, English and Japanese (copied, truncated to
 * APP_DETAIL_MAX). */
enum app_problem app_fail_detail(struct app_result *res, enum app_problem p, const char *en,
                                 const char *ja);
/* Fails with UNAVAILABLE, forgetting the input problems gathered so far (the answer to a
 * store failure lists none). Returns UNAVAILABLE. */
enum app_problem app_fail_unavailable(struct app_result *res);
/* When errs holds anything, fails with p (a 422 row) and returns p; else APP_OK. */
enum app_problem app_fail_if_errors(struct app_result *res, enum app_problem p);

/* Fails with BAD_QUERY for the named parameter of the request (a query parameter in the
 * API): one error with the pointer "?name" (the API's convention for parameters,
 * docs/api/openapi.yaml), the code bad_query, and the message "query parameter NAME: WHY",
 * which is also the detail. Returns BAD_QUERY. */
enum app_problem app_fail_param(struct app_result *res, const char *name, const char *why_en,
                                const char *why_ja);

/* Fails with the row of a store result (app_store_problem), which res->store keeps for
 * tools that print the store's own word for it. */
enum app_problem app_fail_store(struct app_result *res, int store_result);

/* The row a store result stands for (store.h: NOT_FOUND 404, EXISTS 409, INVALID 422, any
 * other failure 503). STORE_OK is APP_OK. */
enum app_problem app_store_problem(int store_result);

#endif
