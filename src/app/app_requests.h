/*
 * app_requests.h — what a receiving authority asks of a reporter, and its subscription to new
 * arrivals (issue 10, item 7; docs/delivery.md §6.2, §6.3).
 *
 * A request is about one submission the authority received (app_authz_received): either more
 * information (free text in Japanese or English, optionally naming report fields by JSON
 * Pointer, RFC 6901) or the intermediate report of a stage its recipient takes only on request
 * (NIS2 Directive (EU) 2022/2555 Art. 23(4)(c): the CSIRT may ask for an intermediate report on
 * relevant status updates). The reporter is then held to the reply-by date: the request is
 * listed beside its obligations (app_obligations.h) and its organisation is told (kind
 * "request"); a requested stage goes with the next submit that names nothing (outbox_plan.c);
 * the submission that answers it is linked by the submit itself (store.h, request_rec).
 *
 * Layer: application. Callers: http/h_requests.c, app_obligations.c, tests.
 */
#ifndef APP_APP_REQUESTS_H
#define APP_APP_REQUESTS_H

#include "app_call.h"

/* A request about received submission submission_id, from body {"kind": "information" |
 * "intermediate_report", "message", "lang"?: "ja" | "en" (default ja), "fields"?: [JSON
 * Pointers], "reply_by": RFC 3339 in the future, "stage_id"?: the stage on request (default:
 * the recipient's only one for the incident)} (ACT_INBOX_REQUEST). FORBIDDEN, NOT_FOUND (not a
 * submission the actor's organisation received), VALIDATION (every problem, among them a
 * recipient with no stage on request for the incident, or one already sent), UNAVAILABLE. On
 * APP_OK out is the stored request (the caller releases it). */
enum app_problem app_request_create(const struct app_call *c, const char *submission_id,
                                    const json_t *body, struct request_rec *out,
                                    struct app_result *res);

/* One request, to the organisation that asked (ACT_INBOX_READ) or the reporting one
 * (ACT_SUBMISSION_READ); another organisation gets NOT_FOUND. On APP_OK release out. */
enum app_problem app_request_get(const struct app_call *c, const char *id, struct request_rec *out,
                                 struct app_result *res);

/* The requests the actor's organisation made about a submission it received, oldest first.
 * On APP_OK release out. */
enum app_problem app_inbox_requests(const struct app_call *c, const char *submission_id,
                                    struct request_list *out, struct app_result *res);

/* Every request about the submissions of report_id of the actor's organisation, oldest first
 * (ACT_SUBMISSION_READ). On APP_OK release out. */
enum app_problem app_report_requests(const struct app_call *c, const char *report_id,
                                     struct request_list *out, struct app_result *res);

/* Appends the open requests of org_id to l as obligation-like items (kind "request", id the
 * request's, due the reply-by date, rule and recipient of the submission asked about, stage the
 * requested one or the submission's), then orders l soonest first again. STORE_OK or the
 * store's failure (l unchanged then). */
int app_requests_open_append(const struct app_call *c, const char *org_id,
                             struct open_obligations *l);

/* The receiving organisation's subscription to new arrivals: its webhook (endpoint, secret,
 * enabled), kept as the organisation's notification webhook (the signing and SSRF guard of the
 * reminder webhook). get: *configured false when none. set: body {"endpoint", "secret",
 * "enabled"?} (ACT_INBOX_SUBSCRIBE on org_id). FORBIDDEN, NOT_FOUND, VALIDATION, UNAVAILABLE. */
enum app_problem app_subscription_get(const struct app_call *c, const char *org_id,
                                      struct reminder_settings *out, bool *configured,
                                      struct app_result *res);
enum app_problem app_subscription_set(const struct app_call *c, const char *org_id,
                                      const json_t *body, struct reminder_settings *out,
                                      struct app_result *res);

#endif
