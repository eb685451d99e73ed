/*
 * app_int.h — shared by the files of src/app/ only.
 */
#ifndef APP_APP_INT_H
#define APP_APP_INT_H

#include "app_call.h"

/* How the caller's precondition compares with the current version (MISSING when the caller
 * gave no check at all). */
enum app_precond app_expect_check(const struct app_expect *e, int current);

/* Checks a request body against a field table (schema/schema.h's engine), adding every
 * problem to res->errs. APP_OK or VALIDATION. */
enum app_problem app_check_fields(const struct app_call *c, const struct rf_field *root,
                                  const json_t *doc, struct app_result *res);

/* Records body's reference on submission s as a filing (the reporter's) or a receipt (the
 * recipient's), then reads the submission back into out. VALIDATION (body), SUBMISSION_STATE
 * with a detail that says, for a filing or a receipt, why the state does not allow it, store
 * problems. */
enum app_problem app_receipt_record(const struct app_call *c, const struct submission_rec *s,
                                    const json_t *body, bool filing, struct submission_rec *out,
                                    struct app_result *res);

/* The latest version of a report, re-read after a write lost a race; fallback when the read
 * fails. */
int app_latest_version(const struct app_call *c, const char *report_id, int fallback);

/* The rules of an organisation's own webhook (the reminder webhook, an authority's arrival
 * subscription): body's "endpoint" passes the SSRF guard (outbox_url_check) and its "secret"
 * has at least OUTBOX_SECRET_MIN bytes; both may be left out when body lists e-mail addresses
 * ("email", reminders only: issue 10 item 8), each of which is checked. APP_OK or VALIDATION
 * with each problem. */
enum app_problem app_webhook_endpoint_ok(const struct app_call *c, const json_t *body,
                                         struct app_result *res);

/* Whether the reporter withdrew the incident (issue 10 item 4; app_withdraw.c); false when it
 * cannot be read (the caller's own checks then decide). */
bool app_incident_withdrawn(const struct app_call *c, const char *incident_id);

#endif
