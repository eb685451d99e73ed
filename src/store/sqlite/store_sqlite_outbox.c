/*
 * store_sqlite_outbox.c — submissions in SQLite: the transactional outbox written by "submit",
 * claimed by the delivery worker, completed by its outcomes, the recipients' fetches and
 * receipts, and the reporters' filings; with an append-only history per submission and the
 * obligation marked met when a submission is delivered or acknowledged (issue 5).
 *
 * Every state change is a writer job, so it is group-committed with everything else and
 * durable when the call returns; each appends its audit entry in the same transaction.
 */
#include "store_sqlite_int.h"
#include "../store_int.h"
#include "../../core/rtime.h"

#define SQ(s) ((struct sq_store *)(s))

void sq_read_submission(sqlite3_stmt *st, struct submission_rec *r)
{
    memset(r, 0, sizeof(*r));
    sq_col_copy(st, 0, r->id, sizeof(r->id));
    sq_col_copy(st, 1, r->incident_id, sizeof(r->incident_id));
    sq_col_copy(st, 2, r->org_id, sizeof(r->org_id));
    sq_col_copy(st, 3, r->obligation_id, sizeof(r->obligation_id));
    sq_col_copy(st, 4, r->rule_id, sizeof(r->rule_id));
    sq_col_copy(st, 5, r->stage_id, sizeof(r->stage_id));
    sq_col_copy(st, 6, r->recipient_id, sizeof(r->recipient_id));
    r->version = sqlite3_column_int(st, 7);
    sq_col_copy(st, 8, r->channel, sizeof(r->channel));
    sq_col_copy(st, 9, r->status, sizeof(r->status));
    r->drill = sqlite3_column_int(st, 10) != 0;
    sq_col_copy(st, 11, r->payload_sha256, sizeof(r->payload_sha256));
    r->withheld = sq_col_dup(st, 12);
    r->attempts = sqlite3_column_int(st, 13);
    r->next_attempt_at = sqlite3_column_int64(st, 14);
    r->created_at = sqlite3_column_int64(st, 15);
    r->sent_at = sqlite3_column_int64(st, 16);
    r->delivered_at = sqlite3_column_int64(st, 17);
    r->acknowledged_at = sqlite3_column_int64(st, 18);
    r->failed_at = sqlite3_column_int64(st, 19);
    r->last_error = sq_col_dup(st, 20);
    sq_col_copy(st, 21, r->receipt_reference, sizeof(r->receipt_reference));
    r->receipt = sq_col_dup(st, 22);
    sq_col_copy(st, 23, r->submitted_by, sizeof(r->submitted_by));
    sq_col_copy(st, 24, r->kind, sizeof(r->kind));
    sq_col_copy(st, 25, r->previous_id, sizeof(r->previous_id));
    if (sqlite3_column_type(st, 26) != SQLITE_NULL) {
        r->payload_len = (size_t)sqlite3_column_bytes(st, 26);
        r->payload = xmalloc(r->payload_len + 1);
        memcpy(r->payload, sqlite3_column_blob(st, 26), r->payload_len);
        r->payload[r->payload_len] = '\0';
    }
}

/* Writer thread: one line of a submission's history. */
static int add_event(struct sq_store *s, const char *id, int64_t at, const char *event,
                     int http_status, const char *detail)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_EVENT);
    sq_bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, at);
    sq_bind_text(st, 3, event);
    if (http_status)
        sqlite3_bind_int(st, 4, http_status);
    sq_bind_text_opt(st, 5, detail);
    return sq_result(sqlite3_step(st));
}

/* ---- submit ---- */

struct submit_job {
    const struct submit_write *w;
    int created;
};

/* Writer thread: 0 when the incident belongs to org and version is its latest. */
static int check_latest(struct sq_store *s, const struct submit_write *w)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_LATEST);
    int r;
    sq_bind_text(st, 1, w->incident_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *org = (const char *)sqlite3_column_text(st, 0);
        if (!org || strcmp(org, w->org_id))
            r = STORE_NOT_FOUND;
        else
            r = sqlite3_column_int(st, 1) == w->version && !sqlite3_column_int(st, 2)
                    ? STORE_OK
                    : STORE_CONFLICT; /* a newer version, or withdrawn meanwhile */
    } else {
        r = rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
    }
    sqlite3_reset(st);
    return r;
}

static bool has_live(struct sq_store *s, const char *obligation_id)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_LIVE);
    sq_bind_text(st, 1, obligation_id);
    bool live = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return live;
}

/* Writer thread: whether an update may follow the submission it names (still the obligation's
 * newest live one: of two concurrent updates of a stage, the second sees the first). */
static bool follows_newest(struct sq_store *s, const struct submission_new *n)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_NEWEST_LIVE);
    sq_bind_text(st, 1, n->obligation_id);
    bool ok = sqlite3_step(st) == SQLITE_ROW && n->previous_id &&
              !strcmp((const char *)sqlite3_column_text(st, 0), n->previous_id);
    sqlite3_reset(st);
    return ok;
}

/* Writer thread: whether the submission n may be written now (see struct submission_new). */
static bool may_write(struct sq_store *s, const struct submission_new *n)
{
    if (n->kind && !strcmp(n->kind, "update"))
        return follows_newest(s, n);
    if (n->kind && !strcmp(n->kind, "withdrawal"))
        return true;
    return !has_live(s, n->obligation_id); /* at most one live per obligation */
}

static int insert_one(struct sq_store *s, const struct submit_write *w,
                      const struct submission_new *n)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_INSERT);
    sq_bind_text(st, 1, n->id);
    sq_bind_text(st, 2, w->incident_id);
    sq_bind_text(st, 3, w->org_id);
    sq_bind_text(st, 4, n->obligation_id);
    sq_bind_text(st, 5, n->rule_id);
    sq_bind_text(st, 6, n->stage_id);
    sq_bind_text(st, 7, n->recipient_id);
    sqlite3_bind_int(st, 8, w->version);
    sq_bind_text(st, 9, n->channel);
    sq_bind_text(st, 10, n->status);
    sqlite3_bind_int(st, 11, w->drill);
    sqlite3_bind_blob(st, 12, n->payload, (int)n->payload_len, SQLITE_STATIC);
    sq_bind_text(st, 13, n->payload_sha256);
    sq_bind_text_opt(st, 14, n->withheld);
    sqlite3_bind_int64(st, 15, w->now_ms);
    sqlite3_bind_int64(st, 16, w->now_ms);
    sq_bind_text(st, 17, w->actor);
    sq_bind_text(st, 18, n->kind ? n->kind : "stage");
    sq_bind_text_opt(st, 19, n->previous_id && n->previous_id[0] ? n->previous_id : NULL);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return sq_result(rc);
    if ((rc = add_event(s, n->id, w->now_ms, "created", 0, n->status)) != STORE_OK)
        return rc;
    /* the entry pins the bytes stored here (store_audit_submission_create hashes them) */
    struct audit_rec e;
    store_audit_submission_create(&e, w, n);
    return sq_audit_put(s, &e);
}

static int submit_run(struct sq_store *s, struct wjob *j)
{
    struct submit_job *a = j->arg;
    const struct submit_write *w = a->w;
    int r = check_latest(s, w);
    if (r != STORE_OK)
        return r;
    for (size_t i = 0; i < w->n; i++) {
        if (!may_write(s, &w->items[i]))
            continue; /* submitted by a concurrent call */
        if ((r = insert_one(s, w, &w->items[i])) != STORE_OK ||
            (r = sq_submit_received(s, w, &w->items[i])) != STORE_OK)
            return r;
        a->created++;
    }
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_MARK_VERSION);
    sq_bind_text(st, 1, w->incident_id);
    sqlite3_bind_int(st, 2, w->version);
    if ((r = sq_result(sqlite3_step(st))) != STORE_OK)
        return r;
    if (w->ledger && a->created) {
        int counts[LEDGER_REINSTATE + 1];
        struct report_write rw = {.id = w->incident_id, .now_ms = w->now_ms, .ledger = w->ledger};
        if ((r = sq_ledger_apply(s, &rw, w->version, LEDGER_ON_SUBMIT, counts)) != STORE_OK)
            return r;
    }
    struct audit_rec e;
    store_audit_report_submit(&e, w, a->created);
    return sq_audit_put(s, &e);
}

int sq_report_submit(struct store *s, const struct submit_write *w, int *created)
{
    struct submit_job a = {w, 0};
    int r = sq_submit(SQ(s), submit_run, &a);
    *created = r == STORE_OK ? a.created : 0;
    return r;
}

/* ---- withdrawal (issue 10 item 4) ---- */

struct withdraw_job {
    const struct withdraw_write *w;
    int notices;
};

/* Writer thread: the incident's open obligations become withdrawn, each with its event. */
static int withdraw_obligations(struct sq_store *s, const struct withdraw_write *w)
{
    struct row {
        int64_t seq, due_at;
        int version;
        char due_state[16];
        bool has_due;
    } *rows = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_WD_OBLIGATIONS);
    sq_bind_text(st, 1, w->incident_id);
    sqlite3_bind_int64(st, 2, w->now_ms);
    sq_bind_text(st, 3, w->reason_json);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap)
            rows = xrealloc(rows, (cap = cap ? cap * 2 : 16) * sizeof(*rows));
        rows[n].seq = sqlite3_column_int64(st, 0);
        rows[n].version = sqlite3_column_int(st, 1);
        sq_col_copy(st, 2, rows[n].due_state, sizeof(rows[n].due_state));
        rows[n].has_due = sqlite3_column_type(st, 3) != SQLITE_NULL;
        rows[n].due_at = sqlite3_column_int64(st, 3);
        n++;
    }
    sqlite3_reset(st);
    int r = rc == SQLITE_DONE ? STORE_OK : sq_result(rc);
    for (size_t i = 0; i < n && r == STORE_OK; i++) {
        st = sq_stmt(&s->w, SQ_OB_EVENT);
        sqlite3_bind_int64(st, 1, rows[i].seq);
        sqlite3_bind_int64(st, 2, w->now_ms);
        sqlite3_bind_int(st, 3, w->version);
        sq_bind_text(st, 4, "withdrawn");
        sq_bind_text(st, 5, rows[i].due_state);
        if (rows[i].has_due)
            sqlite3_bind_int64(st, 6, rows[i].due_at);
        r = sq_result(sqlite3_step(st));
    }
    free(rows);
    return r;
}

/* Writer thread: submissions that have not reached their recipient are cancelled. */
static int cancel_unsent(struct sq_store *s, const struct withdraw_write *w)
{
    char(*ids)[UUID_STR_LEN] = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_WD_CANCEL);
    sq_bind_text(st, 1, w->incident_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap)
            ids = xrealloc(ids, (cap = cap ? cap * 2 : 16) * sizeof(*ids));
        sq_col_copy(st, 0, ids[n++], UUID_STR_LEN);
    }
    sqlite3_reset(st);
    int r = rc == SQLITE_DONE ? STORE_OK : sq_result(rc);
    for (size_t i = 0; i < n && r == STORE_OK; i++)
        r = add_event(s, ids[i], w->now_ms, "cancelled", 0, "the incident was withdrawn");
    free(ids);
    return r;
}

/* Writer thread: whether recipient_id has something of the incident (or it is on its way). */
static bool received(struct sq_store *s, const char *incident_id, const char *recipient_id)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_WD_RECEIVED);
    sq_bind_text(st, 1, incident_id);
    sq_bind_text(st, 2, recipient_id);
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return yes;
}

/* Writer thread: why the incident could not be marked withdrawn: STORE_NOT_FOUND when it is not
 * the organisation's, STORE_CONFLICT when it is withdrawn already. */
static int check_withdrawable(struct sq_store *s, const struct withdraw_write *w)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_LATEST);
    sq_bind_text(st, 1, w->incident_id);
    int rc = sqlite3_step(st);
    bool ours = rc == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                !strcmp((const char *)sqlite3_column_text(st, 0), w->org_id);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return STORE_UNAVAILABLE;
    return ours ? STORE_CONFLICT : STORE_NOT_FOUND;
}

static int withdraw_run(struct sq_store *s, struct wjob *j)
{
    struct withdraw_job *a = j->arg;
    const struct withdraw_write *w = a->w;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_WD_INCIDENT);
    sq_bind_text(st, 1, w->incident_id);
    sq_bind_text(st, 2, w->org_id);
    sqlite3_bind_int64(st, 3, w->now_ms);
    sq_bind_text(st, 4, w->reason);
    sq_bind_text(st, 5, w->actor);
    int r = sq_result(sqlite3_step(st));
    if (r != STORE_OK)
        return r;
    if (sqlite3_changes(s->w.db) == 0) /* not this organisation's, or withdrawn already */
        return check_withdrawable(s, w);
    if ((r = withdraw_obligations(s, w)) != STORE_OK || (r = cancel_unsent(s, w)) != STORE_OK)
        return r;
    struct submit_write sw = {.incident_id = w->incident_id,
                              .org_id = w->org_id,
                              .actor = w->actor,
                              .version = w->version,
                              .drill = w->drill,
                              .now_ms = w->now_ms};
    for (size_t i = 0; i < w->n; i++) {
        if (!received(s, w->incident_id, w->notices[i].recipient_id))
            continue;
        if ((r = insert_one(s, &sw, &w->notices[i])) != STORE_OK)
            return r;
        a->notices++;
    }
    struct audit_rec e;
    store_audit_report_withdraw(&e, w, a->notices);
    return sq_audit_put(s, &e);
}

int sq_report_withdraw(struct store *s, const struct withdraw_write *w, int *notices)
{
    struct withdraw_job a = {w, 0};
    int r = sq_submit(SQ(s), withdraw_run, &a);
    *notices = r == STORE_OK ? a.notices : 0;
    return r;
}

/* ---- the worker's claim ---- */

struct claim_job {
    const struct claim_request *c;
    char (*ids)[UUID_STR_LEN];
    size_t n;
};

#define CLAIM_RECIPIENTS_MAX 1024 /* recipients looked at per claim (rule sets have ~30) */

/* The recipients that have submissions waiting (due or not), at most CLAIM_RECIPIENTS_MAX. */
static int waiting_recipients(struct sq_store *s, char (**out)[80], size_t *n)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_RCPS);
    size_t cap = 32;
    int rc;
    *out = xcalloc(cap, sizeof(**out));
    *n = 0;
    while (*n < CLAIM_RECIPIENTS_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap *= 2;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        sq_col_copy(st, 0, (*out)[(*n)++], sizeof(**out));
    }
    rc = *n == CLAIM_RECIPIENTS_MAX || rc == SQLITE_DONE ? STORE_OK : sq_result(rc);
    sqlite3_reset(st);
    return rc;
}

/* Up to per_recipient due submissions of each recipient that is not busy (the earliest of
 * them all are taken: store_claim_earliest). */
static int claim_candidates(struct sq_store *s, const struct claim_request *c,
                            struct store_claim_candidate **out, size_t *n)
{
    char(*rcps)[80];
    size_t nr, cap;
    int rc = waiting_recipients(s, &rcps, &nr);
    *n = 0;
    cap = nr * (size_t)c->per_recipient + 1;
    *out = xcalloc(cap, sizeof(**out));
    for (size_t i = 0; i < nr && rc == STORE_OK; i++) {
        if (store_claim_busy(c, rcps[i]))
            continue;
        sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_DUE);
        sq_bind_text(st, 1, rcps[i]);
        sqlite3_bind_int64(st, 2, c->now_ms);
        sqlite3_bind_int(st, 3, c->per_recipient);
        int step = SQLITE_DONE;
        while (*n < cap && (step = sqlite3_step(st)) == SQLITE_ROW) {
            sq_col_copy(st, 0, (*out)[*n].id, UUID_STR_LEN);
            (*out)[(*n)++].at = sqlite3_column_int64(st, 1);
        }
        if (step != SQLITE_DONE && step != SQLITE_ROW)
            rc = sq_result(step);
        sqlite3_reset(st);
    }
    free(rcps);
    return rc;
}

/* Writer thread: a claim that takes a submission still "sending" takes it from an attempt
 * whose lease ran out before any outcome was recorded (a crash, a kill, a restart, or an
 * attempt that outlasted its lease). The history says so (store_history_interrupted): it is
 * evidence in a deadline dispute, and without this line it jumped from one attempt to the
 * next with nothing in between. */
static int note_interrupted(struct sq_store *s, const char *id, int64_t now)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_STATUS);
    char status[20] = "", detail[400];
    int64_t ended = 0, began = 0;
    bool has_began = false;
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st), attempt = 0;
    if (rc == SQLITE_ROW) {
        sq_col_copy(st, 0, status, sizeof(status));
        attempt = sqlite3_column_int(st, 2);
        ended = sqlite3_column_int64(st, 3);
        has_began = sqlite3_column_type(st, 4) != SQLITE_NULL; /* NULL: leased before the column */
        began = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
    if (strcmp(status, "sending"))
        return STORE_OK;
    store_history_interrupted(attempt, has_began, began, ended, detail, sizeof(detail));
    return add_event(s, id, now, "interrupted", 0, detail);
}

static int claim_run(struct sq_store *s, struct wjob *j)
{
    struct claim_job *a = j->arg;
    const struct claim_request *c = a->c;
    struct store_claim_candidate *cand;
    size_t ncand;
    int rc = claim_candidates(s, c, &cand, &ncand);
    size_t take = store_claim_earliest(cand, ncand, (size_t)c->limit);
    for (size_t i = 0; i < take && rc == STORE_OK; i++)
        xstrlcpy(a->ids[a->n++], cand[i].id, UUID_STR_LEN);
    free(cand);
    for (size_t i = 0; i < a->n && rc == STORE_OK; i++) {
        if ((rc = note_interrupted(s, a->ids[i], c->now_ms)) != STORE_OK)
            break;
        sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_TAKE);
        sq_bind_text(st, 1, a->ids[i]);
        sqlite3_bind_int64(st, 2, c->now_ms + c->lease_ms);
        sqlite3_bind_int64(st, 3, c->now_ms);
        int step = sqlite3_step(st);
        if (step != SQLITE_DONE)
            rc = sq_result(step);
    }
    return rc;
}

int sq_submissions_claim(struct store *s, const struct claim_request *c,
                         struct submission_list *out)
{
    struct claim_job a = {c, xcalloc((size_t)c->limit + 1, UUID_STR_LEN), 0};
    memset(out, 0, sizeof(*out));
    int r = sq_submit(SQ(s), claim_run, &a);
    if (r == STORE_OK && a.n) {
        out->items = xcalloc(a.n, sizeof(*out->items));
        for (size_t i = 0; i < a.n && r == STORE_OK; i++)
            if ((r = sq_submission_get(s, a.ids[i], &out->items[out->n])) == STORE_OK)
                out->n++;
    }
    free(a.ids);
    if (r != STORE_OK)
        submission_list_release(out);
    return r;
}

/* ---- outcomes ---- */

struct record_job {
    const struct delivery_result *r;
    size_t n;
};

static int mark_met(struct sq_store *s, const char *obligation_id, const char *submission_id,
                    int64_t at)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_MET);
    sq_bind_text(st, 1, obligation_id);
    sqlite3_bind_int64(st, 2, at);
    sq_bind_text(st, 3, submission_id);
    return sq_result(sqlite3_step(st));
}

/* Writer thread: the status and obligation of a submission ("" when it does not exist). */
static int status_of(struct sq_store *s, const char *id, char status[20], char ob[UUID_STR_LEN])
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_STATUS);
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    status[0] = ob[0] = '\0';
    if (rc == SQLITE_ROW) {
        sq_col_copy(st, 0, status, 20);
        sq_col_copy(st, 1, ob, UUID_STR_LEN);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
}

/* Writer thread: → delivered or acknowledged, obligation met, history, audit. */
static int complete(struct sq_store *s, const char *id, const char *ob, bool ack, int64_t at,
                    const char *reference, const char *receipt, int http_status, const char *event,
                    const char *actor, const char *endpoint)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_DONE);
    char detail[2400];
    sq_bind_text(st, 1, id);
    sq_bind_text(st, 2, ack ? "acknowledged" : "delivered");
    sqlite3_bind_int64(st, 3, at);
    sq_bind_text_opt(st, 4, reference);
    sq_bind_text_opt(st, 5, receipt);
    int r = sq_result(sqlite3_step(st));
    if (r == STORE_OK)
        r = mark_met(s, ob, id, at);
    /* the history keeps where it went and the receipt; the audit entry a short form */
    store_history_done(endpoint, reference, detail, sizeof(detail));
    if (r == STORE_OK)
        r = add_event(s, id, at, event, http_status, detail[0] ? detail : NULL);
    if (r != STORE_OK)
        return r;
    struct audit_rec e;
    store_audit_submission_done(&e, id, event, reference, actor, at);
    return sq_audit_put(s, &e);
}

static int record_one(struct sq_store *s, const struct delivery_result *d)
{
    char status[20], ob[UUID_STR_LEN];
    int r = status_of(s, d->id, status, ob);
    if (r == STORE_NOT_FOUND || (r == STORE_OK && strcmp(status, "sending")))
        return STORE_OK; /* finished elsewhere (an expired lease was taken again) */
    if (r != STORE_OK)
        return r;
    if (d->outcome == OUTCOME_DELIVERED || d->outcome == OUTCOME_ACKNOWLEDGED)
        return complete(s, d->id, ob, d->outcome == OUTCOME_ACKNOWLEDGED, d->at,
                        d->receipt_reference, d->receipt, d->http_status,
                        d->outcome == OUTCOME_ACKNOWLEDGED ? "acknowledged" : "delivered",
                        "system:delivery", d->endpoint);
    bool failed = d->outcome == OUTCOME_FAILED;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_SUB_RETRY);
    sq_bind_text(st, 1, d->id);
    sq_bind_text(st, 2, failed ? "failed" : "queued");
    sqlite3_bind_int64(st, 3, failed ? d->at : d->next_attempt_at);
    sq_bind_text_opt(st, 4, d->error);
    sqlite3_bind_int64(st, 5, d->at);
    if ((r = sq_result(sqlite3_step(st))) != STORE_OK)
        return r;
    r = add_event(s, d->id, d->at, failed ? "failed" : "retry", d->http_status, d->error);
    /* the caller's notification (the alert of a failure), with the outcome it belongs to */
    if (r == STORE_OK && d->note)
        r = sq_note_add(s, d->note, NULL);
    if (r == STORE_OK && failed) {
        struct audit_rec e;
        store_audit_submission_failed(&e, d);
        r = sq_audit_put(s, &e);
    }
    return r;
}

static int record_run(struct sq_store *s, struct wjob *j)
{
    const struct record_job *a = j->arg;
    for (size_t i = 0; i < a->n; i++) {
        int r = record_one(s, &a->r[i]);
        if (r != STORE_OK)
            return r;
    }
    return STORE_OK;
}

int sq_submissions_record(struct store *s, const struct delivery_result *r, size_t n)
{
    struct record_job a = {r, n};
    return n ? sq_submit(SQ(s), record_run, &a) : STORE_OK;
}

/* ---- inbox fetches, receipts, filings ---- */

struct mark_job {
    const char *id, *reference, *receipt, *actor;
    bool filing, fetch;
    int64_t now;
};

static int fetched_run(struct sq_store *s, struct wjob *j)
{
    const struct mark_job *a = j->arg;
    char status[20], ob[UUID_STR_LEN];
    int r = status_of(s, a->id, status, ob);
    if (r != STORE_OK)
        return r;
    if (strcmp(status, "available"))
        return STORE_OK; /* fetched before: the first fetch is the delivery */
    return complete(s, a->id, ob, false, a->now, NULL, NULL, 0, "fetched", a->actor, NULL);
}

int sq_submission_fetched(struct store *s, const char *id, const char *actor, int64_t now)
{
    struct mark_job a = {.id = id, .actor = actor, .now = now, .fetch = true};
    return sq_submit(SQ(s), fetched_run, &a);
}

static int receipt_run(struct sq_store *s, struct wjob *j)
{
    const struct mark_job *a = j->arg;
    char status[20], ob[UUID_STR_LEN];
    int r = status_of(s, a->id, status, ob);
    if (r != STORE_OK)
        return r;
    if (!store_receipt_allowed(status, a->filing))
        return STORE_CONFLICT;
    return complete(s, a->id, ob, true, a->now, a->reference, a->receipt, 0,
                    a->filing ? "filed" : "acknowledged", a->actor, NULL);
}

int sq_submission_receipt(struct store *s, const char *id, const char *reference,
                          const char *receipt_json, bool filing, const char *actor, int64_t now)
{
    struct mark_job a = {.id = id,
                         .reference = reference,
                         .receipt = receipt_json,
                         .actor = actor,
                         .filing = filing,
                         .now = now};
    return sq_submit(SQ(s), receipt_run, &a);
}

/* ---- reads ---- */

/* One submission on connection c. */
static int get_on(struct sq_conn *c, const char *id, struct submission_rec *out)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *st = sq_stmt(c, SQ_SUB_GET);
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sq_read_submission(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
}

int sq_submission_get(struct store *s, const char *id, struct submission_rec *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    if (!c) {
        memset(out, 0, sizeof(*out));
        return STORE_UNAVAILABLE;
    }
    int rc = get_on(c, id, out);
    sq_read_put(SQ(s), c);
    return rc;
}

/* The recipients filter as a JSON array for json_each (NULL when not filtering). Recipient
 * ids are rule-set identifiers ([a-z0-9.-]), so no escaping is needed. */
static char *recipients_json(const struct submission_filter *f)
{
    if (!f->recipients)
        return NULL;
    size_t cap = 3;
    for (size_t i = 0; i < f->nrecipients; i++)
        cap += strlen(f->recipients[i]) + 3;
    char *out = xmalloc(cap), *p = out;
    *p++ = '[';
    for (size_t i = 0; i < f->nrecipients; i++)
        p += snprintf(p, cap - (size_t)(p - out), "%s\"%s\"", i ? "," : "", f->recipients[i]);
    snprintf(p, cap - (size_t)(p - out), "]");
    return out;
}

int sq_submissions_list(struct store *s, const struct submission_filter *f,
                        struct submission_list *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    size_t cap = (size_t)f->limit + 1;
    int rc = SQLITE_DONE;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    char *recips = recipients_json(f);
    out->items = xcalloc(cap, sizeof(*out->items));
    sqlite3_stmt *st = sq_stmt(c, f->incident_id ? SQ_SUB_LIST_INCIDENT
                                  : f->org_id    ? SQ_SUB_LIST_ORG
                                                 : SQ_SUB_LIST);
    sq_bind_text_opt(st, 1, f->org_id);
    sq_bind_text_opt(st, 2, f->incident_id);
    sq_bind_text_opt(st, 3, recips);
    sq_bind_text_opt(st, 4, f->stage_id);
    sq_bind_text_opt(st, 5, f->status);
    sqlite3_bind_int64(st, 6, f->created_from);
    sqlite3_bind_int64(st, 7, f->created_before);
    sq_bind_text_opt(st, 8, f->after_id);
    sqlite3_bind_int(st, 9, f->limit + 1);
    sqlite3_bind_int(st, 10, f->electronic_only);
    while (out->n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        sq_read_submission(st, &out->items[out->n++]);
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    free(recips);
    out->more = out->n > (size_t)f->limit;
    if (out->more) /* the look-ahead row only says another page exists */
        submission_rec_release(&out->items[--out->n]);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

/* The history of a submission on connection c. */
static int events_on(struct sq_conn *c, const char *id, struct submission_events *out)
{
    size_t cap = 0;
    int rc;
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *st = sq_stmt(c, SQ_SUB_EVENTS);
    sq_bind_text(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 8;
            out->items = xrealloc(out->items, cap * sizeof(*out->items));
        }
        struct submission_event *e = &out->items[out->n++];
        memset(e, 0, sizeof(*e));
        e->at = sqlite3_column_int64(st, 0);
        sq_col_copy(st, 1, e->event, sizeof(e->event));
        e->http_status = sqlite3_column_int(st, 2);
        e->detail = sq_col_dup(st, 3);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        submission_events_release(out);
        return STORE_UNAVAILABLE;
    }
    return STORE_OK;
}

/* Both reads in one read transaction: the worker records an outcome (row and history event)
 * in one commit, and a view taken between two separate reads could show the event without
 * its effect on the row (seen in the tests: a retry in the history, last_error still null). */
int sq_submission_history(struct store *s, const char *id, struct submission_rec *rec,
                          struct submission_events *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc = STORE_UNAVAILABLE;
    memset(rec, 0, sizeof(*rec));
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK) {
        rc = get_on(c, id, rec);
        if (rc == STORE_OK && (rc = events_on(c, id, out)) != STORE_OK)
            submission_rec_release(rec);
        sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    }
    sq_read_put(SQ(s), c);
    return rc;
}

/* ---- recipient bindings ---- */

struct bind_job {
    const char *recipient_id, *org_id, *actor;
    int64_t now;
};

/* The organisation bound to a recipient now, "" when none. */
static int bound_now(struct sq_store *s, const char *recipient_id, char out[UUID_STR_LEN])
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_BIND_GET);
    sq_bind_text(st, 1, recipient_id);
    int rc = sqlite3_step(st);
    out[0] = '\0';
    if (rc == SQLITE_ROW)
        sq_col_copy(st, 0, out, UUID_STR_LEN);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* An organisation's id and names on the writer's connection. */
static int org_names(struct sq_store *s, const char *id, struct org *o)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_BIND_ORG);
    memset(o, 0, sizeof(*o));
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sq_col_copy(st, 0, o->id, sizeof(o->id));
        sq_col_copy(st, 1, o->name_ja, sizeof(o->name_ja));
        sq_col_copy(st, 2, o->name_en, sizeof(o->name_en));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
}

/* The organisations that submitted to a recipient (heap strings). */
static int submitters_of(struct sq_store *s, const char *recipient_id, char ***out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_BIND_SUBMITTERS);
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    sq_bind_text(st, 1, recipient_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        (*out)[(*n)++] = sq_col_dup(st, 0);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* Adds the notification of each organisation store_binding_told names. */
static int tell_each(struct sq_store *s, const struct bind_job *a, const struct org *prev,
                     const struct org *cur, const char **told, size_t n)
{
    int r = STORE_OK;
    for (size_t i = 0; i < n && r == STORE_OK; i++) {
        struct notification_new note;
        char id[40];
        bool webhook;
        if ((r = sq_webhook_enabled(s, told[i], &webhook)) != STORE_OK)
            break;
        store_notification_id(id);
        store_binding_note(told[i], webhook, a->recipient_id, prev, cur, a->now, id, &note);
        r = sq_note_add(s, &note, NULL);
        free(note.payload);
    }
    return r;
}

/* A change of receiver is announced to every organisation it concerns (store_binding_told). */
static int announce_binding(struct sq_store *s, const struct bind_job *a, const char *previous)
{
    struct org cur, prev;
    char **subs = NULL;
    const char **told = NULL;
    size_t nsubs = 0, ntold = 0;
    int r = org_names(s, a->org_id, &cur);
    if (r == STORE_OK && previous[0])
        r = org_names(s, previous, &prev);
    if (r == STORE_OK)
        r = submitters_of(s, a->recipient_id, &subs, &nsubs);
    if (r == STORE_OK) {
        ntold = store_binding_told((const char *const *)subs, nsubs, a->org_id, previous, &told);
        r = tell_each(s, a, previous[0] ? &prev : NULL, &cur, told, ntold);
    }
    for (size_t i = 0; i < nsubs; i++)
        free(subs[i]);
    free(subs);
    free(told);
    return r;
}

static int bind_run(struct sq_store *s, struct wjob *j)
{
    const struct bind_job *a = j->arg;
    char previous[UUID_STR_LEN];
    int r = bound_now(s, a->recipient_id, previous);
    if (r)
        return r;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_BIND_SET);
    sq_bind_text(st, 1, a->recipient_id);
    sq_bind_text(st, 2, a->org_id);
    sqlite3_bind_int64(st, 3, a->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    if (strcmp(previous, a->org_id) && (r = announce_binding(s, a, previous)))
        return r;
    struct audit_rec e;
    store_audit_binding(&e, a->recipient_id, a->org_id, previous, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_binding_set(struct store *s, const char *recipient_id, const char *org_id, const char *actor,
                   int64_t now)
{
    struct bind_job a = {recipient_id, org_id, actor, now};
    return sq_submit(SQ(s), bind_run, &a);
}

int sq_binding_list(struct store *s, struct recipient_binding **out, size_t *n)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_BIND_LIST);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        struct recipient_binding *b = &(*out)[(*n)++];
        sq_col_copy(st, 0, b->recipient_id, sizeof(b->recipient_id));
        sq_col_copy(st, 1, b->org_id, sizeof(b->org_id));
        b->created_at = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return STORE_UNAVAILABLE;
    }
    return STORE_OK;
}
