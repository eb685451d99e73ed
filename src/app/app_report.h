/*
 * app_report.h — the incident report's use cases (docs/report-format.md): validate, create
 * (idempotent), read, amend (optimistic concurrency), versions and diffs.
 *
 * A version stores exactly the bytes the reporter submitted, after they validated, with their
 * SHA-256: that is the evidence of what was filed, the Idempotency-Key fingerprint, and what a
 * read returns. Create and amend attach the rule set's evaluation (app_ledger_build) so the
 * store reconciles the obligations in the same transaction.
 *
 * Layer: application. Callers: http/h_reports.c, cli/ (report validate, obligations, render),
 * tests.
 */
#ifndef APP_APP_REPORT_H
#define APP_APP_REPORT_H

#include "app_call.h"

/* The report limits of the settings (max_string_chars, max_array_items, future_skew_s). */
void app_limits_from_config(struct schema_limits *lim, const struct config *cfg);

/* Validates a report document (report_validate: the field table, then the cross-field rules),
 * adding every problem to res->errs. APP_OK or REPORT_INVALID. Pure: no store, no actor, so
 * the CLI checks files offline exactly as the API does. */
enum app_problem app_report_validate(const struct schema_limits *lim, const json_t *doc,
                                     int64_t now_ms, struct app_result *res);

/* A report as filed: the exact bytes and their parse. */
struct app_report_in {
    const char *body; /* the bytes as received (stored as they are) */
    size_t body_len;
    const json_t *doc;     /* their parse (borrowed) */
    const char *idem_key;  /* create: the Idempotency-Key, or NULL */
    const char *report_id; /* amend: the incident */
    struct app_expect pre; /* amend: the version changed must be named and current */
};

/* Creates an incident with version 1 for the actor's organisation (ACT_REPORT_CREATE).
 * APP_OK, with *replayed true when it is the first result returned again for a repeated
 * Idempotency-Key and the same bytes (nothing written); REPORT_INVALID (every problem of the
 * report), IDEMPOTENCY_KEY_REUSED (the key with other bytes), FORBIDDEN, UNAVAILABLE. On
 * APP_OK the caller releases out; otherwise it is empty. */
enum app_problem app_report_create(const struct app_call *c, const struct app_report_in *in,
                                   struct report_rec *out, bool *replayed, struct app_result *res);

/* Adds version N+1 to in->report_id (ACT_REPORT_READ and ACT_REPORT_AMEND on the
 * organisation's report) if in->pre names version N, the latest. APP_OK;
 * AMEND_PRECONDITION_REQUIRED ("*" counts as not naming one: it would let a client overwrite
 * facts it has not seen) or PRECONDITION_FAILED with res->version the current version and the
 * report API's detail (docs/report-format.md); REPORT_INVALID, FORBIDDEN, NOT_FOUND,
 * UNAVAILABLE. Release out in every case. */
enum app_problem app_report_amend(const struct app_call *c, const struct app_report_in *in,
                                  struct report_rec *out, struct app_result *res);

/* Reads a version (0 = latest) of a report of the actor's organisation (ACT_REPORT_READ). On
 * APP_OK the caller releases out. */
enum app_problem app_report_get(const struct app_call *c, const char *id, int version,
                                struct report_rec *out, struct app_result *res);

/* The actor's organisation's reports (ACT_REPORT_LIST) matching f; f->org_id is set to the
 * actor's organisation whatever the caller put there. On APP_OK the caller releases out. */
enum app_problem app_report_list(const struct app_call *c, struct report_filter *f,
                                 struct report_list *out, struct app_result *res);

/* The versions of a report (metadata only). On APP_OK the caller releases out. */
enum app_problem app_report_versions(const struct app_call *c, const char *id,
                                     struct report_list *out, struct app_result *res);

/* The RFC 6902 patch from version *from to version *to of a report: 0 chooses the default
 * (to: the latest; from: the version before to), -1 is a value that is not a version number.
 * BAD_QUERY (app_fail_param: the parameter "to" or "from") when it is not a version of this
 * report. On APP_OK *patch is a new reference and *from, *to the versions compared. */
enum app_problem app_report_diff(const struct app_call *c, const char *id, int *from, int *to,
                                 json_t **patch, struct app_result *res);

#endif
