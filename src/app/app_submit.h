/*
 * app_submit.h — submitting a report version to its recipients and following what was sent
 * (issue 5; docs/delivery.md), as use cases the HTTP API and the CLI share.
 *
 * "Submit" is the reporter's decision: a version is never delivered by being saved.
 * app_report_submit plans which obligations may go now (outbox_plan_make), builds each
 * recipient's exact payload (outbox_payload), re-evaluates the rules with the stages sent now
 * counted as submitted (app_ledger_build) and writes everything in one transaction
 * (store_submit).
 *
 * Layer: application. Callers: http/h_delivery.c, tests.
 */
#ifndef APP_APP_SUBMIT_H
#define APP_APP_SUBMIT_H

#include "app_call.h"
#include "../core/buf.h"
#include "../outbox/outbox.h"

struct app_submit_in {
    const char *report_id;
    struct app_precondition pre; /* the version submitted must be the one the caller names */
    const json_t *body;          /* {"obligations": [ids]} (borrowed), or NULL: all that are due */
};

struct app_submit_out {
    char incident_id[UUID_STR_LEN];
    int version;                 /* the version submitted */
    int latest_version;          /* the report's latest version (for APP_PRECONDITION_*) */
    struct submission_rec *sent; /* the submissions written, as stored (nsent) */
    size_t nsent;
    struct obligation_list obs; /* the incident's ledger, which plan borrows */
    struct outbox_plan plan;    /* items with skip != SKIP_NONE were not sent, and why */
};
void app_submit_out_release(struct app_submit_out *o);

/* Submits the latest version of in->report_id (ACT_SUBMIT, the reporter's organisation).
 * APP_ST_CREATED when at least one submission was written, APP_ST_OK when none was (nothing due);
 * APP_ST_PRECONDITION_REQUIRED / _FAILED (latest_version says which is current), APP_ST_INVALID
 * (the body's shape, or an obligation id that is not this report's: every problem listed),
 * APP_ST_FORBIDDEN, APP_ST_NOT_FOUND, APP_ST_UNAVAILABLE. Release out in every case. */
enum app_status app_report_submit(const struct app_call *c, const struct app_submit_in *in,
                                  struct app_submit_out *out);

/* The submissions of a report (ACT_SUBMISSION_READ), newest first, after the id after (NULL:
 * from the newest), at most limit. The caller releases out on APP_ST_OK. */
enum app_status app_report_submissions(const struct app_call *c, const char *report_id,
                                       const char *after, int limit, struct submission_list *out);

/* A submission of the actor's organisation with its history, read from one snapshot
 * (ACT_SUBMISSION_READ). On APP_ST_OK the caller releases s and ev. */
enum app_status app_submission_get(const struct app_call *c, const char *id,
                                   struct submission_rec *s, struct submission_events *ev);

/* What a proof of submission states (app_submission_proof): the submission and its history,
 * the SHA-256 of the stored bytes re-computed now and whether it is the recorded one, and the
 * destination in words that reveal no secret (the endpoint of a webhook, never its secret). */
struct app_proof {
    struct submission_rec s;
    struct submission_events ev;
    char sha[HASH_SHA256_HEX];
    bool intact;
    const char *name_ja, *name_en; /* the recipient's names (borrowed from the rules), or NULL */
    const char *endpoint;          /* a webhook's URL (borrowed), or NULL */
};
void app_proof_release(struct app_proof *p);
enum app_status app_submission_proof(const struct app_call *c, const char *id,
                                     struct app_proof *out);

/* A submission as the document its recipient accepts: the payload's exact bytes (JSON) or the
 * recipient's view rendered as a workbook or a PDF (src/render/). APP_ST_INVALID with a problem
 * at "format" when the recipient does not take that format; APP_ST_FAILED (problem
 * "rendering_failed") when rendering fails. On APP_ST_OK out->bytes holds the document and
 * out->id the submission's id; release out in every case. */
enum app_doc_format { APP_DOC_JSON, APP_DOC_XLSX, APP_DOC_PDF };
struct app_document {
    char id[UUID_STR_LEN];
    struct buf bytes;
};
void app_document_release(struct app_document *d);
enum app_status app_submission_document(const struct app_call *c, const char *id,
                                        enum app_doc_format fmt, struct app_document *out);

/* Records that the reporter filed a document submission ({"reference", "note"?} in body, as
 * the authority's reference). APP_ST_STATE when it is not a document waiting to be filed. On
 * APP_ST_OK out is the submission as stored now (the caller releases it). */
enum app_status app_submission_file(const struct app_call *c, const char *id, const json_t *body,
                                    struct submission_rec *out);

#endif
