/*
 * app_drafts.h — drafts of reports as use cases (issue 12): the report form of the web UI
 * saves what has been typed on every step, so nothing is lost between sittings. A draft is
 * any JSON object (at most APP_DRAFT_MAX_BYTES as stored) with an optional title and the
 * incident it will amend; it is checked for nothing else (POST /api/v1/reports/validate does
 * that). Reporters of the organisation only: another organisation's draft is NOT_FOUND.
 *
 * Layer: application. Callers: http/ (h_drafts.c), tests.
 */
#ifndef APP_APP_DRAFTS_H
#define APP_APP_DRAFTS_H

#include <jansson.h>

#include "app_call.h"
#include "../store/store.h"

#define APP_DRAFT_MAX_BYTES (256 * 1024)

/* Creates a draft of the caller's organisation from {"title"?, "report", "incident_id"?};
 * *out is the draft as stored (version 1; the caller releases it). VALIDATION (each field's
 * problem), PAYLOAD_TOO_LARGE (report above APP_DRAFT_MAX_BYTES), FORBIDDEN, store problems. */
enum app_problem app_draft_create(const struct app_call *c, const json_t *body,
                                  struct draft_rec *out, struct app_result *res);
/* Draft id of the caller's organisation (NOT_FOUND otherwise, and for ids that are none). */
enum app_problem app_draft_get(const struct app_call *c, const char *id, struct draft_rec *out,
                               struct app_result *res);
/* The organisation's drafts, most recently saved first, without their reports (*out freed
 * with free). */
enum app_problem app_draft_list(const struct app_call *c, int limit, struct draft_rec **out,
                                size_t *n, struct app_result *res);
/* Replaces draft id with body (as create) if exp names its current version:
 * PRECONDITION_REQUIRED without one, PRECONDITION_FAILED (res->version: the current) when
 * another save came first. *out is the draft as saved. */
enum app_problem app_draft_save(const struct app_call *c, const char *id,
                                const struct app_expect *exp, const json_t *body,
                                struct draft_rec *out, struct app_result *res);
/* Deletes draft id. NOT_FOUND, FORBIDDEN, store problems. */
enum app_problem app_draft_delete(const struct app_call *c, const char *id, struct app_result *res);

#endif
