/*
 * h_app.h — how the handlers call the use cases of src/app/ (internal to src/http/): the call
 * context of a request and its If-Match as the use cases' precondition. A use case's failure
 * is answered by http_fail_result (respond.c), the same for every resource.
 */
#ifndef HTTP_H_APP_H
#define HTTP_H_APP_H

#include "http_int.h"
#include "../app/app_call.h"

/* The call context of request r: its app, authenticated principal and time. */
struct app_call http_app_call(struct req *r);

/* The request's If-Match (RFC 9110 §13.1.1) as the use cases' precondition: "*" or no field
 * at all is MISSING. The header string is borrowed from r. */
struct app_expect http_expect(struct req *r);

/* Adds to an obligation's JSON j what a person reads instead of ids: "recipient_name",
 * "stage_name" and "rule_title", each {ja, en} (null when the rule set no longer has it). */
void h_obligation_names(json_t *j, const struct ruleset *rs, const struct rule *rule,
                        const char *stage_id, const char *recipient_id);

#endif
