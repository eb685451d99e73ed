/*
 * h_app.h — how the handlers call the use cases of src/app/ (internal to src/http/): the call
 * context of a request, the If-Match precondition, and the ONE mapping of enum app_status to
 * an HTTP status and an RFC 9457 problem (http_app_fail).
 */
#ifndef HTTP_H_APP_H
#define HTTP_H_APP_H

#include "http_int.h"
#include "../app/app_call.h"

/* The call context of request r (its app, authenticated principal and time); problems must be
 * initialised by the caller (verr_list_init) and released after the answer. */
struct app_call http_app_call(struct req *r, struct verr_list *problems);

/* The request's If-Match (RFC 9110 §13.1.1), for a use case to compare with the version it
 * finds. The header string is borrowed from r. */
struct app_precondition http_app_if_match(struct req *r);

/* The words of a failed use case's answer that depend on what it was about. Every field is
 * optional (a zero struct gives the generic words). */
struct http_app_words {
    const char *what_en, *what_ja; /* the object, for 412/428: "report", "報告" */
    int latest;                    /* APP_PRECONDITION_*: the current version (ETag) */
    bool report_words; /* the report API's own 412/428/422 words (docs/report-format.md) */
    bool query;        /* APP_ST_INVALID concerns query parameters: 400 bad_query */
    const char *state_en, *state_ja; /* APP_ST_STATE: why the state does not allow it */
};

/* Answers the failed status st (< 0) of a use case: 403 forbidden, 404 not_found, 422
 * validation with every problem, 428/412, 422 idempotency_key_reused, 409, 503 unavailable,
 * 500. problems may be NULL; f may be NULL. */
void http_app_fail(struct req *r, enum app_status st, const struct verr_list *problems,
                   const struct http_app_words *f);

#endif
