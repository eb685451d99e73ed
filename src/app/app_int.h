/*
 * app_int.h — shared by the files of src/app/ only.
 */
#ifndef APP_APP_INT_H
#define APP_APP_INT_H

#include "app_call.h"

/* The caller's precondition against the current version: APP_ST_OK,
 * APP_ST_PRECONDITION_REQUIRED (absent, or "*" where a version must be named) or
 * APP_ST_PRECONDITION_FAILED. */
enum app_status app_precondition_check(const struct app_precondition *p, int current);

/* Checks a request body against a field table (report/report.h's engine), adding every
 * problem to c->problems. APP_ST_OK or APP_ST_INVALID. */
enum app_status app_check_fields(const struct app_call *c, const struct rf_field *root,
                                 const json_t *doc);

/* Records body's reference on submission s as a filing (the reporter's) or a receipt (the
 * recipient's), then reads the submission back into out. APP_ST_INVALID (body), APP_ST_STATE (the
 * state does not allow it), APP_ST_UNAVAILABLE. */
enum app_status app_receipt_record(const struct app_call *c, const struct submission_rec *s,
                                   const json_t *body, bool filing, struct submission_rec *out);

/* The latest version of a report, re-read after a write lost a race; fallback when the read
 * fails. */
int app_latest_version(const struct app_call *c, const char *report_id, int fallback);

#endif
