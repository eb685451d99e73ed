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
 *
 * Also here, next to the builders that write them: which entries pin which stored bytes
 * (store_pinned, at the end), the table a backend's audit_pins reads instead of writing
 * action names and detail formats into its own queries.
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

/* ---- the web UI (issue 12): two-factor sign-in, drafts ---- */
/* A two-factor change of user_id's account (action two_factor.begin, .enable, .disable,
 * .recovery_used, .recovery_codes): no secret, no code, only that it happened. */
void store_audit_two_factor(struct audit_rec *e, const char *action, const char *user_id,
                            const char *actor, int64_t now);
/* A draft created, saved (version: its version after the write) or deleted (version 0). */
void store_audit_draft(struct audit_rec *e, const char *action, const char *draft_id, int version,
                       const char *actor, int64_t now);

/* ---- advisories and clearances (issue 13) ---- */
/* An advisory written (advisory.create, .amend, .tlp_downgrade: version, label and the body's
 * SHA-256 in the detail — not pinned, the audit log's pins cover reports and organisation
 * documents), acknowledged (tlp NULL: the version acknowledged) or withdrawn (version 0: no
 * detail). */
void store_audit_advisory(struct audit_rec *e, const char *action, const char *advisory_id,
                          int version, const char *tlp, const char *body_sha256,
                          const char *actor, int64_t now);
/* A user's clearance set (user.clearance_set: level and expiry) or removed (level "":
 * user.clearance_revoke). */
void store_audit_clearance(struct audit_rec *e, const struct clearance_rec *c, const char *actor,
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
/* "report.withdraw": an incident withdrawn, with how many withdrawal notices went. */
void store_audit_report_withdraw(struct audit_rec *e, const struct withdraw_write *w, int notices);
/* A submission delivered, acknowledged, fetched or filed (event), with a short form of the
 * receiver's reference (the history keeps the whole). */
void store_audit_submission_done(struct audit_rec *e, const char *id, const char *event,
                                 const char *reference, const char *actor, int64_t at);
void store_audit_submission_failed(struct audit_rec *e, const struct delivery_result *d);
/* previous: the organisation that received for the recipient before, or "" (none). */
void store_audit_binding(struct audit_rec *e, const char *recipient_id, const char *org_id,
                         const char *previous, const char *actor, int64_t now);
/* The secret is never in the audit log; the endpoint is configuration, not a secret. */
/* Issue 10, item 7: a receiving authority's request about a submission (kind, the submission,
 * reply-by), and the submission that answered it. */
void store_audit_request_create(struct audit_rec *e, const struct request_rec *r);
void store_audit_request_answer(struct audit_rec *e, const char *request_id,
                                const char *submission_id, const char *actor, int64_t now);
void store_audit_reminders_set(struct audit_rec *e, const struct reminder_settings *r,
                               const char *actor, int64_t now);

/* ---- what the entries pin (store.h, audit_pins; `ichigen audit verify`) ---- */

/* Each kind of stored object whose bytes audit entries pin, in the order audit_pins reports
 * them. A backend keeps, per kind, only how to read its objects and whether one is stored. */
enum store_pinned {
    STORE_PINNED_REPORT_BODY,        /* a report version's body */
    STORE_PINNED_SUBMISSION_PAYLOAD, /* a submission's payload bytes */
    STORE_PINNED_ASSESSMENT_ANSWERS, /* an assessment's answers */
    STORE_PINNED_ASSESSMENT_SCORES,  /* a submitted assessment's scores */
    STORE_PINNED_ORGDOC_BODY,        /* an organisation document's body */
    STORE_PINNED__COUNT
};

struct store_pinned_kind {
    const char *part;        /* struct audit_pin's part: body, payload, answers, scores */
    const char *object_type; /* the pinning entries' object_type; NULL: the document's kind
                                (asset, risk_scenario, simulation …), any type no other kind
                                names */
    const char *verbs[2];    /* the pinning actions are object_type "." verb (verbs[1] may be
                                NULL) */
    bool first;              /* immutable bytes: the first pinning entry counts; otherwise the
                                newest (the bytes change, each change pinned again) */
    bool versioned;          /* one object per version: an entry's detail names the version
                                (store_audit_detail_version) */
};

extern const struct store_pinned_kind store_pinned_kinds[STORE_PINNED__COUNT];

/* The kind of object an entry that pins bytes (its payload_sha256 is not empty) pins, from
 * its object_type and action; -1 when none. Only for such entries: a document's kind is any
 * type no other kind names, so "organization.create" would look like one. */
int store_pinned_of(const char *object_type, const char *action);

/* Writes pinning action i (0 or 1) of kind k for objects of object_type into out (n bytes),
 * e.g. "report.amend"; false when the kind has no action i (out is then ""). */
bool store_pinned_action(enum store_pinned k, const char *object_type, size_t i, char *out,
                         size_t n);

/* The detail of an entry pinning version `version` is exactly *exact ("version=3") or starts
 * with *prefix ("version=3 ", more words follow); both at most n bytes. */
void store_audit_version_match(int version, char *exact, char *prefix, size_t n);

/* The version a pinning entry's detail names (store_audit_version_match), 0 when none. */
int store_audit_detail_version(const char *detail);

#endif
