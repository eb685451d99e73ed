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
    struct app_expect pre; /* the version submitted must be the one the caller names */
    const json_t *body;    /* {"obligations": [ids], "updates": [ids]} (borrowed): the stages
                              chosen, and the stages already sent to send this version as an
                              update of (続報); NULL: no choice, the earliest stage not yet sent of
                              each chain (outbox_plan_make) */
};

/* One submission a submit plans: its payload exactly as it is stored and sent (outbox_payload),
 * and what the preview shows of it. */
struct app_planned {
    const struct obligation_rec *ob; /* borrowed from app_submit_out.obs */
    char id[UUID_STR_LEN];           /* the submission's id (in the payload) */
    char sha[HASH_SHA256_HEX];       /* of payload */
    struct buf payload;
    char *withheld;                  /* JSON array text: the sections withheld */
    const char *channel;             /* static */
    const char *name_ja, *name_en;   /* the recipient's names (borrowed from the rules) */
    const char *stage_ja, *stage_en; /* the stage's names (borrowed from the rules) */
    /* an update (続報) of the stage (issue 10 item 2): the submission it follows, or "" */
    char update_of[UUID_STR_LEN];
    int update_sequence; /* 1 for the stage's first update */
    size_t nchanges;     /* operations of its RFC 6902 changes */
};

struct app_submit_out {
    char incident_id[UUID_STR_LEN];
    int version;                 /* the version submitted */
    int latest_version;          /* the report's latest version */
    bool created;                /* at least one submission was written */
    struct submission_rec *sent; /* the submissions written, as stored (nsent) */
    size_t nsent;
    struct obligation_list obs;  /* the incident's ledger, which plan borrows */
    struct outbox_plan plan;     /* items with skip != SKIP_NONE were not sent, and why */
    struct app_planned *planned; /* the plan's items with SKIP_NONE, in plan order (nplanned) */
    size_t nplanned;
};
void app_submit_out_release(struct app_submit_out *o);

/* Submits the latest version of in->report_id (ACT_SUBMIT, the reporter's organisation).
 * APP_OK, with out->created true when at least one submission was written (false: nothing
 * was due); PRECONDITION_REQUIRED / _FAILED (app_fail_precondition: res->version is the
 * current one), VALIDATION (the body's shape, or an obligation id that is not this report's:
 * every problem listed), FORBIDDEN, NOT_FOUND, UNAVAILABLE. Release out in every case. */
enum app_problem app_report_submit(const struct app_call *c, const struct app_submit_in *in,
                                   struct app_submit_out *out, struct app_result *res);

/* What app_report_submit would do now, writing nothing (issue 10 item 3; docs/delivery.md §2):
 * the same checks (ACT_SUBMIT, the precondition, the body) and the same plan and payloads,
 * which the submit shares (plan_submit in app_submit.c): out->planned holds each payload
 * exactly as the submit of the same version would store and send it, as long as nothing is
 * submitted in between; out->sent stays empty. Same problems as app_report_submit. */
enum app_problem app_report_submit_preview(const struct app_call *c, const struct app_submit_in *in,
                                           struct app_submit_out *out, struct app_result *res);

/* The report field at a JSON pointer named by its labels in the report format (src/report's
 * field table), e.g. "対応 › その他参考となる事項": appended to out. */
void app_field_label(const char *pointer, bool ja, struct buf *out);

/* The submissions of a report (ACT_SUBMISSION_READ), newest first, after the id after (NULL:
 * from the newest), at most limit. The caller releases out on APP_OK. */
enum app_problem app_report_submissions(const struct app_call *c, const char *report_id,
                                        const char *after, int limit, struct submission_list *out,
                                        struct app_result *res);

/* A submission of the actor's organisation with its history, read from one snapshot
 * (ACT_SUBMISSION_READ). On APP_OK the caller releases s and ev. */
enum app_problem app_submission_get(const struct app_call *c, const char *id,
                                    struct submission_rec *s, struct submission_events *ev,
                                    struct app_result *res);

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
enum app_problem app_submission_proof(const struct app_call *c, const char *id,
                                      struct app_proof *out, struct app_result *res);

/* A submission as the document its recipient accepts: the payload's exact bytes (JSON) or the
 * recipient's view rendered as a workbook or a PDF (src/render/). BAD_QUERY (the parameter
 * "format") when the recipient does not take that format; RENDERING_FAILED with the reason as
 * its detail when rendering fails. On APP_OK out->bytes holds the document and out->id the
 * submission's id; release out in every case. */
enum app_doc_format { APP_DOC_JSON, APP_DOC_XLSX, APP_DOC_PDF };
struct app_document {
    char id[UUID_STR_LEN];
    struct buf bytes;
};
void app_document_release(struct app_document *d);
enum app_problem app_submission_document(const struct app_call *c, const char *id,
                                         enum app_doc_format fmt, struct app_document *out,
                                         struct app_result *res);
/* The document of submission s (already authorised by the caller) in format fmt, as its
 * recipient takes it: the payload as stored, or rendered (the reporter's filing and the
 * recipient's download are the same bytes). BAD_QUERY (format), RENDERING_FAILED. On return
 * release out. */
enum app_problem app_document_of(const struct app_call *c, const struct submission_rec *s,
                                 enum app_doc_format fmt, struct app_document *out,
                                 struct app_result *res);

/* Records that the reporter filed a document submission ({"reference", "note"?} in body, as
 * the authority's reference). SUBMISSION_STATE when it is not a document waiting to be filed;
 * VALIDATION. On APP_OK out is the submission as stored now (the caller releases it). */
enum app_problem app_submission_file(const struct app_call *c, const char *id, const json_t *body,
                                     struct submission_rec *out, struct app_result *res);

#endif
