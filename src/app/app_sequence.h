/*
 * app_sequence.h — what each recipient received of an incident, in order (issue 10 item 2):
 * per recipient the sequence 速報 → 続報 … → 確報 (stages, updates and a withdrawal notice), with
 * what each carried: the version, the sections, and for an update the fields it changed.
 *
 * Layer: application. Callers: http/h_delivery.c, tests.
 */
#ifndef APP_APP_SEQUENCE_H
#define APP_APP_SEQUENCE_H

#include "app_call.h"

/* The sequence as JSON (new reference in *out):
 *   {"incident_id", "recipients": [{"recipient": {id, ja, en},
 *     "items": [{"submission_id", "kind", "stage": {id, ja, en}, "label": {ja, en},
 *                "report_version", "status", "created_at" (ms), "payload_sha256",
 *                "sections": [names], "update": {"of", "sequence"} | null,
 *                "changed": [JSON pointers] | null}]}]}
 * recipients in the order they first received something, items oldest first. created_at is in
 * milliseconds; the caller formats times. ACT_SUBMISSION_READ on the reporter's organisation:
 * APP_OK, FORBIDDEN, NOT_FOUND, UNAVAILABLE. */
enum app_problem app_report_sequence(const struct app_call *c, const char *report_id, json_t **out,
                                     struct app_result *res);

#endif
