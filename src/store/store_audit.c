/*
 * store_audit.c — the audit entry of every write of the store contract (store_audit.h). The
 * words here are the audit log's (docs/api/openapi.yaml, AuditEntry; `ichigen audit verify`
 * re-hashes them): any change shows in every chain written after it. And which of them pin
 * stored bytes (store_pinned_kinds), so that no backend repeats action names or the detail's
 * version format in its queries.
 */
#include <limits.h>

#include "store_audit.h"
#include "store_int.h"
#include "../core/enc.h"

/* How the detail of a report version's entry names the version (store_audit_version_match). */
#define VERSION_TAG "version="

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

/* ---- the web UI (issue 12) ---- */

void store_audit_two_factor(struct audit_rec *e, const char *action, const char *user_id,
                            const char *actor, int64_t now)
{
    store_audit_entry(e, actor ? actor : user_id, action, "user", user_id, "", NULL, now);
}

void store_audit_draft(struct audit_rec *e, const char *action, const char *draft_id, int version,
                       const char *actor, int64_t now)
{
    char detail[40] = "";
    if (version > 0)
        snprintf(detail, sizeof(detail), VERSION_TAG "%d", version);
    store_audit_entry(e, actor, action, "draft", draft_id, detail, NULL, now);
}

/* ---- advisories and clearances (issue 13) ---- */

void store_audit_advisory(struct audit_rec *e, const char *action, const char *advisory_id,
                          int version, const char *tlp, const char *body_sha256, const char *actor,
                          int64_t now)
{
    char detail[160] = "";
    if (version > 0 && tlp)
        snprintf(detail, sizeof(detail), VERSION_TAG "%d tlp=%s sha256=%s", version, tlp,
                 body_sha256 ? body_sha256 : "");
    else if (version > 0)
        snprintf(detail, sizeof(detail), VERSION_TAG "%d", version);
    store_audit_entry(e, actor, action, "advisory", advisory_id, detail, NULL, now);
}

void store_audit_clearance(struct audit_rec *e, const struct clearance_rec *c, const char *actor,
                           int64_t now)
{
    char detail[96] = "";
    if (c->level[0])
        snprintf(detail, sizeof(detail), "level=%s expires_at=%lld", c->level,
                 (long long)c->expires_at);
    store_audit_entry(e, actor, c->level[0] ? "user.clearance_set" : "user.clearance_revoke",
                      "user", c->user_id, detail, NULL, now);
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
    snprintf(detail, sizeof(detail), VERSION_TAG "%d%s", version, changes);
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

/* ---- what the entries pin ---- */

/* The actions are the builders' above: report versions (store_audit_report_version),
 * submissions (store_audit_submission_create), assessments (store_audit_assessment_create,
 * _save, _submit) and documents (store_audit_orgdoc_create, _update); test_store.c checks that
 * every entry they build with a payload hash names a kind here, and nothing else does. */
const struct store_pinned_kind store_pinned_kinds[STORE_PINNED__COUNT] = {
    [STORE_PINNED_REPORT_BODY] = {"body", "report", {"create", "amend"}, true, true},
    [STORE_PINNED_SUBMISSION_PAYLOAD] = {"payload", "submission", {"create", NULL}, true, false},
    [STORE_PINNED_ASSESSMENT_ANSWERS] = {"answers", "assessment", {"create", "save"}, false, false},
    [STORE_PINNED_ASSESSMENT_SCORES] = {"scores", "assessment", {"submit", NULL}, false, false},
    [STORE_PINNED_ORGDOC_BODY] = {"body", NULL, {"create", "update"}, false, false},
};

/* Whether object_type is named by a kind of the table (not a document's kind). */
static bool named_type(const char *object_type)
{
    for (size_t k = 0; k < STORE_PINNED__COUNT; k++)
        if (store_pinned_kinds[k].object_type &&
            !strcmp(store_pinned_kinds[k].object_type, object_type))
            return true;
    return false;
}

bool store_pinned_action(enum store_pinned k, const char *object_type, size_t i, char *out,
                         size_t n)
{
    const struct store_pinned_kind *p = &store_pinned_kinds[k];
    out[0] = '\0';
    if (i >= ARRAY_SIZE(p->verbs) || !p->verbs[i])
        return false;
    snprintf(out, n, "%s.%s", object_type, p->verbs[i]);
    return true;
}

int store_pinned_of(const char *object_type, const char *action)
{
    size_t tlen = strlen(object_type);
    if (strncmp(action, object_type, tlen) || action[tlen] != '.')
        return -1;
    const char *verb = action + tlen + 1;
    bool named = named_type(object_type);
    for (size_t k = 0; k < STORE_PINNED__COUNT; k++) {
        const struct store_pinned_kind *p = &store_pinned_kinds[k];
        bool type_ok = p->object_type ? !strcmp(p->object_type, object_type) : !named;
        for (size_t i = 0; type_ok && i < ARRAY_SIZE(p->verbs); i++)
            if (p->verbs[i] && !strcmp(p->verbs[i], verb))
                return (int)k;
    }
    return -1;
}

void store_audit_version_match(int version, char *exact, char *prefix, size_t n)
{
    snprintf(exact, n, VERSION_TAG "%d", version);
    snprintf(prefix, n, VERSION_TAG "%d ", version);
}

int store_audit_detail_version(const char *detail)
{
    size_t tag = strlen(VERSION_TAG);
    if (!detail || strncmp(detail, VERSION_TAG, tag))
        return 0;
    long v = strtol(detail + tag, NULL, 10);
    return v > 0 && v <= INT_MAX ? (int)v : 0;
}

void store_audit_report_withdraw(struct audit_rec *e, const struct withdraw_write *w, int notices)
{
    char detail[96];
    snprintf(detail, sizeof(detail), "version=%d notices=%d", w->version, notices);
    store_audit_entry(e, w->actor, "report.withdraw", "report", w->incident_id, detail, NULL,
                      w->now_ms);
}

void store_audit_request_create(struct audit_rec *e, const struct request_rec *r)
{
    char detail[200];
    snprintf(detail, sizeof(detail), "kind=%s submission=%s reply_by=%lld", r->kind,
             r->submission_id, (long long)r->reply_by);
    store_audit_entry(e, r->created_by, "request.create", "request", r->id, detail, NULL,
                      r->created_at);
}

void store_audit_request_answer(struct audit_rec *e, const char *request_id,
                                const char *submission_id, const char *actor, int64_t now)
{
    char detail[80];
    snprintf(detail, sizeof(detail), "submission=%s", submission_id);
    store_audit_entry(e, actor, "request.answer", "request", request_id, detail, NULL, now);
}
