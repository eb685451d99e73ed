/*
 * store_audit.h — what each write of the store contract (store.h) records in the audit log:
 * its action name, the object it names, its detail and the payload it pins. Backend-neutral:
 * every backend appends the entry these functions return, in the write's own transaction,
 * and decides nothing about its words (docs/architecture.md, "where policy lives"; the audit
 * actions are listed in docs/api/openapi.yaml, AuditEntry).
 *
 * What it is not: the chain (seq, prev_hash and hash are the backend's, sealed with
 * audit_seal when it appends) or the verifier (audit/).
 * Who calls it: store backends (src/store/<backend>/), inside their write transactions.
 *
 * Each function fills *e: a struct audit_rec with every field but seq, prev_hash and hash,
 * strings cut to the record's sizes (a missing actor is "system", a missing id or detail "").
 * Nothing is allocated; the inputs are only read.
 */
#ifndef STORE_STORE_AUDIT_H
#define STORE_STORE_AUDIT_H

#include "store.h"

/* Any entry: the fields as given (audit_append, and the building block of the others). */
void store_audit_entry(struct audit_rec *e, const char *actor, const char *action,
                       const char *object_type, const char *object_id, const char *detail,
                       const char *payload_sha256, int64_t at);

/* ---- organisations, users, tokens, sign-in ---- */
void store_audit_org_create(struct audit_rec *e, const struct org *o, const char *actor,
                            int64_t now);
void store_audit_user_create(struct audit_rec *e, const struct user *u, const char *actor,
                             int64_t now);
/* A user created or changed by an administrator: the action and detail the caller decided
 * (account_decide), recorded as given. */
void store_audit_user_write(struct audit_rec *e, const struct user_write *w);
void store_audit_password_change(struct audit_rec *e, const struct password_write *w);
void store_audit_login_failed(struct audit_rec *e, const struct throttle_failure *f);
/* A sign-in delay began or grew: named by the first 8 bytes of its key, never by the name or
 * address it was computed from (issue 8.13). */
void store_audit_throttled(struct audit_rec *e, const struct throttle_key *k,
                           const struct auth_throttle_state *v, int64_t now);
void store_audit_token_create(struct audit_rec *e, const struct token_rec *t, const char *actor,
                              int64_t now);
void store_audit_token_revoke(struct audit_rec *e, const char *token_id, const char *actor,
                              int64_t now);

/* ---- reports and the obligation ledger ---- */

/* Version `version` of w->id written (report.create for the first, report.amend after),
 * pinning the body's SHA-256, with what happened to its obligations: counts[op] is how many
 * ledger actions of each enum ledger_op were written (NULL: none). */
void store_audit_report_version(struct audit_rec *e, const struct report_write *w, int version,
                                const int counts[LEDGER_REINSTATE + 1]);

/* ---- assessments and organisation documents ---- */
void store_audit_assessment_create(struct audit_rec *e, const struct assessment_rec *a,
                                   const char *actor, int64_t now);
/* new_version: the draft's version after the save. */
void store_audit_assessment_save(struct audit_rec *e, const char *id, const char *answers,
                                 int new_version, const char *actor, int64_t now);
void store_audit_assessment_submit(struct audit_rec *e, const char *id, const char *scores,
                                   double overall, const char *actor, int64_t now);
void store_audit_orgdoc_create(struct audit_rec *e, const struct orgdoc_rec *d, const char *actor,
                               int64_t now);
/* kind: the stored document's kind; new_version: its version after the update. */
void store_audit_orgdoc_update(struct audit_rec *e, const char *id, const char *kind,
                               const char *body, int new_version, const char *actor, int64_t now);

/* ---- delivery and reminders ---- */

/* The entry pins the SHA-256 of the payload bytes stored (computed here from them, not taken
 * from the caller, so `ichigen audit verify` proves the payload unchanged). */
void store_audit_submission_create(struct audit_rec *e, const struct submit_write *w,
                                   const struct submission_new *n);
void store_audit_report_submit(struct audit_rec *e, const struct submit_write *w, int created);
/* A submission delivered, acknowledged, fetched or filed (event), with a short form of the
 * receiver's reference (the history keeps the whole). */
void store_audit_submission_done(struct audit_rec *e, const char *id, const char *event,
                                 const char *reference, const char *actor, int64_t at);
void store_audit_submission_failed(struct audit_rec *e, const struct delivery_result *d);
/* previous: the organisation that received for the recipient before, or "" (none). */
void store_audit_binding(struct audit_rec *e, const char *recipient_id, const char *org_id,
                         const char *previous, const char *actor, int64_t now);
/* The secret is never in the audit log; the endpoint is configuration, not a secret. */
void store_audit_reminders_set(struct audit_rec *e, const struct reminder_settings *r,
                               const char *actor, int64_t now);

#endif
