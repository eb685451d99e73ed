/*
 * store_audit.c — the audit entry of every write of the store contract (store_audit.h). The
 * words here are the audit log's (docs/api/openapi.yaml, AuditEntry; `ichigen audit verify`
 * re-hashes them): any change shows in every chain written after it.
 */
#include "store_audit.h"
#include "store_int.h"
#include "../core/enc.h"

void store_audit_entry(struct audit_rec *e, const char *actor, const char *action,
                       const char *object_type, const char *object_id, const char *detail,
                       const char *payload_sha256, int64_t at)
{
    memset(e, 0, sizeof(*e));
    e->at = at;
    xstrlcpy(e->actor, actor ? actor : "system", sizeof(e->actor));
    xstrlcpy(e->action, action, sizeof(e->action));
    xstrlcpy(e->object_type, object_type, sizeof(e->object_type));
    xstrlcpy(e->object_id, object_id ? object_id : "", sizeof(e->object_id));
    xstrlcpy(e->detail, detail ? detail : "", sizeof(e->detail));
    xstrlcpy(e->payload_sha256, payload_sha256 ? payload_sha256 : "", sizeof(e->payload_sha256));
}

/* ---- organisations, users, tokens, sign-in ---- */

void store_audit_org_create(struct audit_rec *e, const struct org *o, const char *actor,
                            int64_t now)
{
    store_audit_entry(e, actor, "organization.create", "organization", o->id, "", NULL, now);
}

void store_audit_user_create(struct audit_rec *e, const struct user *u, const char *actor,
                             int64_t now)
{
    char detail[64];
    snprintf(detail, sizeof(detail), "role=%s", auth_role_name(u->role));
    store_audit_entry(e, actor, "user.create", "user", u->id, detail, NULL, now);
}

void store_audit_user_write(struct audit_rec *e, const struct user_write *w)
{
    store_audit_entry(e, w->actor, w->audit_action, "user", w->u->id, w->audit_detail, NULL,
                      w->now);
}

void store_audit_password_change(struct audit_rec *e, const struct password_write *w)
{
    store_audit_entry(e, w->user_id, "user.password_change", "user", w->user_id, "", NULL, w->now);
}

void store_audit_login_failed(struct audit_rec *e, const struct throttle_failure *f)
{
    store_audit_entry(e, "anonymous", "auth.login_failed", "sign_in", f->object_id, f->detail, NULL,
                      f->now);
}

void store_audit_throttled(struct audit_rec *e, const struct throttle_key *k,
                           const struct auth_throttle_state *v, int64_t now)
{
    char id[17], detail[128];
    enc_hex(k->key, 8, id);
    snprintf(detail, sizeof(detail), "scope=%s failures=%lld delay_ms=%lld", k->scope,
             (long long)v->failures, (long long)(v->blocked_until - now));
    store_audit_entry(e, "anonymous", "auth.throttled", "sign_in", id, detail, NULL, now);
}

void store_audit_token_create(struct audit_rec *e, const struct token_rec *t, const char *actor,
                              int64_t now)
{
    char detail[40];
    snprintf(detail, sizeof(detail), "kind=%s", t->kind);
    store_audit_entry(e, actor, "token.create", "token", t->id, detail, NULL, now);
}

void store_audit_token_revoke(struct audit_rec *e, const char *token_id, const char *actor,
                              int64_t now)
{
    store_audit_entry(e, actor, "token.revoke", "token", token_id, "", NULL, now);
}

/* ---- reports and the obligation ledger ---- */

void store_audit_report_version(struct audit_rec *e, const struct report_write *w, int version,
                                const int counts[LEDGER_REINSTATE + 1])
{
    char detail[128], changes[96] = "";
    /* the version's own entry carries what happened to its obligations (kept ones are not
     * news) */
    if (counts && (counts[LEDGER_CREATE] || counts[LEDGER_MOVE] || counts[LEDGER_WITHDRAW] ||
                   counts[LEDGER_REINSTATE]))
        snprintf(changes, sizeof(changes),
                 " obligations:created=%d,moved=%d,withdrawn=%d,reinstated=%d",
                 counts[LEDGER_CREATE], counts[LEDGER_MOVE], counts[LEDGER_WITHDRAW],
                 counts[LEDGER_REINSTATE]);
    snprintf(detail, sizeof(detail), "version=%d%s", version, changes);
    store_audit_entry(e, w->author_id, version == 1 ? "report.create" : "report.amend", "report",
                      w->id, detail, w->body_sha256, w->now_ms);
}

/* ---- assessments and organisation documents ---- */

void store_audit_assessment_create(struct audit_rec *e, const struct assessment_rec *a,
                                   const char *actor, int64_t now)
{
    char sha[HASH_SHA256_HEX];
    const char *answers = a->answers ? a->answers : "{}";
    hash_sha256_hex(answers, strlen(answers), sha);
    store_audit_entry(e, actor, "assessment.create", "assessment", a->id, a->framework_id, sha,
                      now);
}

void store_audit_assessment_save(struct audit_rec *e, const char *id, const char *answers,
                                 int new_version, const char *actor, int64_t now)
{
    char sha[HASH_SHA256_HEX], detail[32];
    hash_sha256_hex(answers, strlen(answers), sha);
    snprintf(detail, sizeof(detail), "version=%d", new_version);
    store_audit_entry(e, actor, "assessment.save", "assessment", id, detail, sha, now);
}

void store_audit_assessment_submit(struct audit_rec *e, const char *id, const char *scores,
                                   double overall, const char *actor, int64_t now)
{
    char sha[HASH_SHA256_HEX], detail[48];
    hash_sha256_hex(scores, strlen(scores), sha);
    snprintf(detail, sizeof(detail), "overall=%.2f", overall);
    store_audit_entry(e, actor, "assessment.submit", "assessment", id, detail, sha, now);
}

void store_audit_orgdoc_create(struct audit_rec *e, const struct orgdoc_rec *d, const char *actor,
                               int64_t now)
{
    char sha[HASH_SHA256_HEX], action[48];
    hash_sha256_hex(d->body, strlen(d->body), sha);
    snprintf(action, sizeof(action), "%s.create", d->kind);
    store_audit_entry(e, actor, action, d->kind, d->id, "", sha, now);
}

void store_audit_orgdoc_update(struct audit_rec *e, const char *id, const char *kind,
                               const char *body, int new_version, const char *actor, int64_t now)
{
    char sha[HASH_SHA256_HEX], action[48], detail[32];
    hash_sha256_hex(body, strlen(body), sha);
    snprintf(action, sizeof(action), "%s.update", kind);
    snprintf(detail, sizeof(detail), "version=%d", new_version);
    store_audit_entry(e, actor, action, kind, id, detail, sha, now);
}

/* ---- delivery and reminders ---- */

void store_audit_submission_create(struct audit_rec *e, const struct submit_write *w,
                                   const struct submission_new *n)
{
    char sha[HASH_SHA256_HEX], detail[128];
    hash_sha256_hex(n->payload, n->payload_len, sha);
    snprintf(detail, sizeof(detail), "version=%d recipient=%s", w->version, n->recipient_id);
    store_audit_entry(e, w->actor, "submission.create", "submission", n->id, detail, sha,
                      w->now_ms);
}

void store_audit_report_submit(struct audit_rec *e, const struct submit_write *w, int created)
{
    char detail[96];
    snprintf(detail, sizeof(detail), "version=%d submissions=%d", w->version, created);
    store_audit_entry(e, w->actor, "report.submit", "report", w->incident_id, detail, NULL,
                      w->now_ms);
}

void store_audit_submission_done(struct audit_rec *e, const char *id, const char *event,
                                 const char *reference, const char *actor, int64_t at)
{
    char action[48], ref[100] = "", detail[128];
    if (reference)
        store_utf8_cut(ref, sizeof(ref), reference);
    snprintf(detail, sizeof(detail), "%s%s", ref[0] ? "reference=" : "", ref);
    snprintf(action, sizeof(action), "submission.%s", event);
    store_audit_entry(e, actor, action, "submission", id, detail, NULL, at);
}

void store_audit_submission_failed(struct audit_rec *e, const struct delivery_result *d)
{
    store_audit_entry(e, "system:delivery", "submission.failed", "submission", d->id, "", NULL,
                      d->at);
}

void store_audit_binding(struct audit_rec *e, const char *recipient_id, const char *org_id,
                         const char *previous, const char *actor, int64_t now)
{
    char detail[128];
    snprintf(detail, sizeof(detail), "org=%s previous=%s", org_id,
             previous && previous[0] ? previous : "none");
    store_audit_entry(e, actor, "recipient.bind", "recipient", recipient_id, detail, NULL, now);
}

void store_audit_reminders_set(struct audit_rec *e, const struct reminder_settings *r,
                               const char *actor, int64_t now)
{
    char detail[64];
    snprintf(detail, sizeof(detail), "enabled=%d leads=%d", r->enabled, r->nleads);
    store_audit_entry(e, actor, "reminders.set", "organization", r->org_id, detail, NULL, now);
}
