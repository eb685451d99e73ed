/*
 * store_pg_outbox.c — delivery: submissions through the transactional outbox (issue 5) in
 * PostgreSQL (issue 14; the semantics of store_sqlite_outbox.c): written by "submit", claimed
 * by the delivery workers of every node, completed by their outcomes, the recipients' fetches
 * and receipts and the reporters' filings; withdrawals (issue 10 item 4) and recipient
 * bindings; an append-only history per submission, the obligation marked met when a
 * submission is delivered or acknowledged.
 *
 * Every state change is a writer job (store_pg_int.h): group-committed, durable when the call
 * returns, its audit entry in the same transaction, and — through the batch lock — serialised
 * with the writes of every node, as SQLite's single writer serialises them.
 *
 * The claim (issue 14 item 2: several `ichigen serve` share one database). A submission is
 * leased by setting status 'sending' and next_attempt_at = now + lease: it is due again only
 * once the lease ran out (a dead node's rows are taken again then, with an `interrupted` line
 * in their history). The candidates are read without locks; the ones taken are then locked
 * with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL 15 SELECT, "The Locking Clause"), their
 * lease re-checked in the same statement, and leased by the UPDATE of that statement, so a
 * row is taken only while its lease is free and by one transaction. The claim still runs as a
 * writer job, under the batch lock: (1) its `interrupted` event and lease must be ordered
 * with the outcomes, fetches and withdrawals of every node exactly as on SQLite — under the
 * lock a claim never interleaves with a record or a withdrawal, so it sees each one whole;
 * (2) it costs a few index reads and at most `limit` small updates, so the lock is held
 * briefly. The row locks make the claim correct without relying on that lock (a row locked by
 * a transaction that does not take it — an operator's manual UPDATE, a later claim moved out
 * of the batch — is skipped, never taken twice), which keeps the door open to claiming outside
 * the batch if claims ever queue behind large batches.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* The columns of a submission in struct submission_rec's order (read_submission), then its
 * payload or NULL. */
#define SUB_COLS                                                                                   \
    "SELECT id, incident_id, org_id, obligation_id, rule_id, stage_id, recipient_id, version,"     \
    " channel, status, drill, payload_sha256, withheld, attempts, next_attempt_at, created_at,"    \
    " sent_at, delivered_at, acknowledged_at, failed_at, last_error, receipt_reference, receipt,"  \
    " submitted_by, kind, previous_id, "

/* A bytea column as a NUL-terminated heap copy (*len its length), NULL when NULL. */
static char *dup_bytea(const PGresult *r, int row, int col, size_t *len)
{
    *len = 0;
    if (pg_null(r, row, col))
        return NULL;
    size_t max = ((size_t)PQgetlength(r, row, col)) / 2; /* "\x" + two hex digits a byte */
    char *out = xmalloc(max + 1);
    long n = pg_bytea(r, row, col, (unsigned char *)out, max);
    if (n < 0) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    *len = (size_t)n;
    return out;
}

static void read_submission(const PGresult *res, int i, struct submission_rec *r)
{
    memset(r, 0, sizeof(*r));
    pg_copy(res, i, 0, r->id, sizeof(r->id));
    pg_copy(res, i, 1, r->incident_id, sizeof(r->incident_id));
    pg_copy(res, i, 2, r->org_id, sizeof(r->org_id));
    pg_copy(res, i, 3, r->obligation_id, sizeof(r->obligation_id));
    pg_copy(res, i, 4, r->rule_id, sizeof(r->rule_id));
    pg_copy(res, i, 5, r->stage_id, sizeof(r->stage_id));
    pg_copy(res, i, 6, r->recipient_id, sizeof(r->recipient_id));
    r->version = (int)pg_int(res, i, 7);
    pg_copy(res, i, 8, r->channel, sizeof(r->channel));
    pg_copy(res, i, 9, r->status, sizeof(r->status));
    r->drill = pg_int(res, i, 10) != 0;
    pg_copy(res, i, 11, r->payload_sha256, sizeof(r->payload_sha256));
    r->withheld = pg_dup(res, i, 12);
    r->attempts = (int)pg_int(res, i, 13);
    r->next_attempt_at = pg_int(res, i, 14);
    r->created_at = pg_int(res, i, 15);
    r->sent_at = pg_int(res, i, 16);
    r->delivered_at = pg_int(res, i, 17);
    r->acknowledged_at = pg_int(res, i, 18);
    r->failed_at = pg_int(res, i, 19);
    r->last_error = pg_dup(res, i, 20);
    pg_copy(res, i, 21, r->receipt_reference, sizeof(r->receipt_reference));
    r->receipt = pg_dup(res, i, 22);
    pg_copy(res, i, 23, r->submitted_by, sizeof(r->submitted_by));
    pg_copy(res, i, 24, r->kind, sizeof(r->kind));
    pg_copy(res, i, 25, r->previous_id, sizeof(r->previous_id));
    r->payload = dup_bytea(res, i, 26, &r->payload_len);
}

/* Writer: one line of a submission's history. */
static int add_event(struct pg_conn *w, const char *id, int64_t at, const char *event,
                     int http_status, const char *detail)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, id);
    pg_p_int(&p, at);
    pg_p_text(&p, event);
    if (http_status)
        pg_p_int(&p, http_status);
    else
        pg_p_text(&p, NULL);
    pg_p_text_opt(&p, detail);
    return pg_exec(w,
                   "INSERT INTO submission_events (submission_id, at, event, http_status, detail)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   &p, NULL);
}

/* ---- what a submit does for the receiving side (SQLite: sq_submit_received) ---- */

/* Writer: the incident's open requests that n answers, answered by it now, each with its
 * audit entry. */
static int answer_requests(struct pg_store *s, struct pg_conn *w, const struct submit_write *sw,
                           const struct submission_new *n)
{
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, sw->incident_id);
    int rc = pg_exec(
        w, PG_REQUEST_COLS " WHERE incident_id = $1 AND answered_at IS NULL ORDER BY id", &p, &res);
    if (rc)
        return rc;
    int rows = PQntuples(res);
    for (int i = 0; i < rows && rc == STORE_OK; i++) {
        struct request_rec q;
        pg_read_request(res, i, &q);
        if (store_request_answered_by(&q, n->recipient_id, n->obligation_id)) {
            pg_params_init(&p);
            pg_p_text(&p, q.id);
            pg_p_text(&p, n->id);
            pg_p_int(&p, sw->now_ms);
            rc = pg_exec(w,
                         "UPDATE requests SET answered_by = $2, answered_at = $3"
                         " WHERE id = $1 AND answered_at IS NULL",
                         &p, NULL);
            if (rc == STORE_OK) {
                struct audit_rec e;
                store_audit_request_answer(&e, q.id, n->id, sw->actor, sw->now_ms);
                rc = pg_audit_put(s, &e);
            }
        }
        request_rec_release(&q);
    }
    PQclear(res);
    return rc;
}

/* Writer: the organisation bound to a recipient now, "" when none. */
static int bound_now(struct pg_conn *w, const char *recipient_id, char out[UUID_STR_LEN])
{
    struct pg_params p;
    PGresult *res;
    out[0] = '\0';
    pg_params_init(&p);
    pg_p_text(&p, recipient_id);
    int rc = pg_exec(w, "SELECT org_id FROM recipient_bindings WHERE recipient_id = $1", &p, &res);
    if (rc)
        return rc;
    if (PQntuples(res))
        pg_copy(res, 0, 0, out, UUID_STR_LEN);
    PQclear(res);
    return STORE_OK;
}

/* Writer: the arrival event of n for the organisation bound to its recipient, when that
 * organisation has an enabled webhook (its subscription); dedupe "arrival:<submission id>". */
static int announce_arrival(struct pg_store *s, struct pg_conn *w, const struct submit_write *sw,
                            const struct submission_new *n)
{
    char org[UUID_STR_LEN];
    bool webhook = false;
    if (!store_arrival_wanted(n->channel, sw->drill))
        return STORE_OK;
    int rc = bound_now(w, n->recipient_id, org);
    if (rc || !org[0])
        return rc;
    if ((rc = pg_webhook_enabled(w, org, &webhook)) != STORE_OK || !webhook)
        return rc;
    struct notification_new note;
    store_arrival_note(org, sw, n, &note);
    rc = pg_note_add(s, w, &note, NULL);
    free(note.payload);
    return rc;
}

/* ---- submit ---- */

struct submit_job {
    const struct submit_write *w;
    int created;
};

/* Writer: 0 when the incident belongs to org and version is its latest, not withdrawn. */
static int check_latest(struct pg_conn *w, const struct submit_write *sw)
{
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, sw->incident_id);
    int rc = pg_exec(w,
                     "SELECT org_id, latest_version, withdrawn_at IS NOT NULL FROM incidents"
                     " WHERE id = $1",
                     &p, &res);
    if (rc)
        return rc;
    if (!PQntuples(res) || strcmp(PQgetvalue(res, 0, 0), sw->org_id))
        rc = STORE_NOT_FOUND;
    else if (pg_int(res, 0, 1) != sw->version || pg_bool(res, 0, 2))
        rc = STORE_CONFLICT; /* a newer version, or withdrawn meanwhile */
    PQclear(res);
    return rc;
}

/* Writer: whether the obligation has a live submission (not failed, not cancelled, not a
 * withdrawal notice); id (n bytes, may be NULL): the newest one's. */
static int live_of(struct pg_conn *w, const char *obligation_id, bool *found, char *id, size_t n)
{
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, obligation_id);
    int rc = pg_exec(w,
                     "SELECT id FROM submissions WHERE obligation_id = $1"
                     " AND status NOT IN ('failed', 'cancelled') AND kind <> 'withdrawal'"
                     " ORDER BY id DESC LIMIT 1",
                     &p, &res);
    if (rc)
        return rc;
    *found = PQntuples(res) > 0;
    if (id && *found)
        pg_copy(res, 0, 0, id, n);
    PQclear(res);
    return STORE_OK;
}

/* Writer: whether the submission n may be written now (see struct submission_new): an update
 * follows the obligation's newest live submission (of two concurrent updates of a stage, the
 * second sees the first); a withdrawal notice always; a stage when none is live. */
static int may_write(struct pg_conn *w, const struct submission_new *n, bool *ok)
{
    bool found;
    char newest[UUID_STR_LEN] = "";
    *ok = true;
    if (n->kind && !strcmp(n->kind, "withdrawal"))
        return STORE_OK;
    int rc = live_of(w, n->obligation_id, &found, newest, sizeof(newest));
    if (rc)
        return rc;
    if (n->kind && !strcmp(n->kind, "update"))
        *ok = found && n->previous_id && !strcmp(newest, n->previous_id);
    else
        *ok = !found; /* at most one live per obligation */
    return STORE_OK;
}

static int insert_one(struct pg_store *s, struct pg_conn *w, const struct submit_write *sw,
                      const struct submission_new *n)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, n->id);
    pg_p_text(&p, sw->incident_id);
    pg_p_text(&p, sw->org_id);
    pg_p_text(&p, n->obligation_id);
    pg_p_text(&p, n->rule_id);
    pg_p_text(&p, n->stage_id);
    pg_p_text(&p, n->recipient_id);
    pg_p_int(&p, sw->version);
    pg_p_text(&p, n->channel);
    pg_p_text(&p, n->status);
    pg_p_int(&p, sw->drill);
    pg_p_bytea(&p, n->payload, n->payload_len);
    pg_p_text(&p, n->payload_sha256);
    pg_p_text_opt(&p, n->withheld);
    pg_p_int(&p, sw->now_ms);
    pg_p_text(&p, sw->actor);
    pg_p_text(&p, n->kind ? n->kind : "stage");
    pg_p_text_opt(&p, n->previous_id);
    int rc = pg_exec(w,
                     "INSERT INTO submissions (id, incident_id, org_id, obligation_id, rule_id,"
                     " stage_id, recipient_id, version, channel, status, drill, payload,"
                     " payload_sha256, withheld, next_attempt_at, created_at, submitted_by,"
                     " kind, previous_id)"
                     " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15,$16,$17,$18)",
                     &p, NULL);
    if (rc == STORE_OK)
        rc = add_event(w, n->id, sw->now_ms, "created", 0, n->status);
    if (rc)
        return rc;
    /* the entry pins the bytes stored here (store_audit_submission_create hashes them) */
    struct audit_rec e;
    store_audit_submission_create(&e, sw, n);
    return pg_audit_put(s, &e);
}

static int submit_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    struct submit_job *a = arg;
    const struct submit_write *sw = a->w;
    struct pg_params p;
    a->created = 0; /* a batch may run again */
    int r = check_latest(w, sw);
    for (size_t i = 0; i < sw->n && r == STORE_OK; i++) {
        bool ok;
        if ((r = may_write(w, &sw->items[i], &ok)) != STORE_OK || !ok)
            continue; /* !ok: submitted by a concurrent call */
        if ((r = insert_one(s, w, sw, &sw->items[i])) == STORE_OK &&
            (r = answer_requests(s, w, sw, &sw->items[i])) == STORE_OK &&
            (r = announce_arrival(s, w, sw, &sw->items[i])) == STORE_OK)
            a->created++;
    }
    if (r)
        return r;
    pg_params_init(&p);
    pg_p_text(&p, sw->incident_id);
    pg_p_int(&p, sw->version);
    if ((r = pg_exec(w, "UPDATE incidents SET submitted_version = $2 WHERE id = $1", &p, NULL)))
        return r;
    if (sw->ledger && a->created) {
        int counts[LEDGER_REINSTATE + 1];
        struct report_write rw = {
            .id = sw->incident_id, .now_ms = sw->now_ms, .ledger = sw->ledger};
        if ((r = pg_ledger_apply(s, w, &rw, sw->version, LEDGER_ON_SUBMIT, counts)) != STORE_OK)
            return r;
    }
    struct audit_rec e;
    store_audit_report_submit(&e, sw, a->created);
    return pg_audit_put(s, &e);
}

int pg_report_submit(struct store *s, const struct submit_write *w, int *created)
{
    struct submit_job a = {w, 0};
    int r = pg_submit(PG(s), submit_run, &a);
    *created = r == STORE_OK ? a.created : 0;
    return r;
}

/* ---- withdrawal (issue 10 item 4) ---- */

struct withdraw_job {
    const struct withdraw_write *w;
    int notices;
};

/* Writer: the incident's open obligations become withdrawn, each with its event (in the
 * ledger's order). */
static int withdraw_obligations(struct pg_conn *w, const struct withdraw_write *ww)
{
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, ww->incident_id);
    pg_p_int(&p, ww->now_ms);
    pg_p_text(&p, ww->reason_json);
    int rc = pg_exec(w,
                     "WITH u AS (UPDATE obligations SET state = 'withdrawn', withdrawn_at = $2,"
                     " withdrawn_reason = $3, updated_at = $2 WHERE incident_id = $1"
                     " AND state = 'active' AND met_at IS NULL"
                     " RETURNING seq, due_state, due_at)"
                     " SELECT seq, due_state, due_at FROM u ORDER BY seq",
                     &p, &res);
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(res) && rc == STORE_OK; i++) {
        pg_params_init(&p);
        pg_p_int(&p, pg_int(res, i, 0));
        pg_p_int(&p, ww->now_ms);
        pg_p_int(&p, ww->version);
        pg_p_text(&p, "withdrawn");
        pg_p_text(&p, pg_null(res, i, 1) ? NULL : PQgetvalue(res, i, 1));
        pg_p_text(&p, pg_null(res, i, 2) ? NULL : PQgetvalue(res, i, 2));
        rc = pg_exec(w,
                     "INSERT INTO obligation_events (obligation_seq, at, version, event,"
                     " old_due_state, old_due_at) VALUES ($1, $2, $3, $4, $5, $6::bigint)",
                     &p, NULL);
    }
    PQclear(res);
    return rc;
}

/* Writer: submissions that have not reached their recipient are cancelled. */
static int cancel_unsent(struct pg_conn *w, const struct withdraw_write *ww)
{
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, ww->incident_id);
    int rc = pg_exec(w,
                     "WITH u AS (UPDATE submissions SET status = 'cancelled' WHERE incident_id = $1"
                     " AND status IN ('queued', 'available', 'awaiting_filing') RETURNING id)"
                     " SELECT id FROM u ORDER BY id",
                     &p, &res);
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(res) && rc == STORE_OK; i++)
        rc = add_event(w, PQgetvalue(res, i, 0), ww->now_ms, "cancelled", 0,
                       "the incident was withdrawn");
    PQclear(res);
    return rc;
}

/* Writer: whether recipient_id has something of the incident (or it is on its way, or an
 * attempt was made that may have arrived). */
static int received(struct pg_conn *w, const char *incident_id, const char *recipient_id, bool *yes)
{
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, incident_id);
    pg_p_text(&p, recipient_id);
    int rc = pg_exec(w,
                     "SELECT 1 FROM submissions WHERE incident_id = $1 AND recipient_id = $2"
                     " AND kind <> 'withdrawal' AND (status IN ('sending', 'delivered',"
                     " 'acknowledged') OR (status = 'cancelled' AND attempts > 0)) LIMIT 1",
                     &p, &res);
    if (rc)
        return rc;
    *yes = PQntuples(res) > 0;
    PQclear(res);
    return STORE_OK;
}

/* Writer: why the incident could not be marked withdrawn: STORE_NOT_FOUND when it is not the
 * organisation's, STORE_CONFLICT when it is withdrawn already. */
static int check_withdrawable(struct pg_conn *w, const struct withdraw_write *ww)
{
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, ww->incident_id);
    int rc = pg_exec(w, "SELECT org_id FROM incidents WHERE id = $1", &p, &res);
    if (rc)
        return rc;
    bool ours = PQntuples(res) && !strcmp(PQgetvalue(res, 0, 0), ww->org_id);
    PQclear(res);
    return ours ? STORE_CONFLICT : STORE_NOT_FOUND;
}

static int withdraw_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    struct withdraw_job *a = arg;
    const struct withdraw_write *ww = a->w;
    struct pg_params p;
    int64_t changed;
    a->notices = 0; /* a batch may run again */
    pg_params_init(&p);
    pg_p_text(&p, ww->incident_id);
    pg_p_text(&p, ww->org_id);
    pg_p_int(&p, ww->now_ms);
    pg_p_text(&p, ww->reason);
    pg_p_text(&p, ww->actor);
    int r = pg_exec_changes(w,
                            "UPDATE incidents SET withdrawn_at = $3, withdrawn_reason = $4,"
                            " withdrawn_by = $5 WHERE id = $1 AND org_id = $2"
                            " AND withdrawn_at IS NULL",
                            &p, &changed);
    if (r)
        return r;
    if (changed == 0) /* not this organisation's, or withdrawn already */
        return check_withdrawable(w, ww);
    if ((r = withdraw_obligations(w, ww)) != STORE_OK || (r = cancel_unsent(w, ww)) != STORE_OK)
        return r;
    struct submit_write sw = {.incident_id = ww->incident_id,
                              .org_id = ww->org_id,
                              .actor = ww->actor,
                              .version = ww->version,
                              .drill = ww->drill,
                              .now_ms = ww->now_ms};
    for (size_t i = 0; i < ww->n; i++) {
        bool yes;
        if ((r = received(w, ww->incident_id, ww->notices[i].recipient_id, &yes)) != STORE_OK)
            return r;
        if (!yes)
            continue;
        if ((r = insert_one(s, w, &sw, &ww->notices[i])) != STORE_OK)
            return r;
        a->notices++;
    }
    struct audit_rec e;
    store_audit_report_withdraw(&e, ww, a->notices);
    return pg_audit_put(s, &e);
}

int pg_report_withdraw(struct store *s, const struct withdraw_write *w, int *notices)
{
    struct withdraw_job a = {w, 0};
    int r = pg_submit(PG(s), withdraw_run, &a);
    *notices = r == STORE_OK ? a.notices : 0;
    return r;
}

/* ---- the workers' claim (see the head of this file) ---- */

struct claim_job {
    const struct claim_request *c;
    char (*ids)[UUID_STR_LEN];
    size_t n;
};

#define CLAIM_RECIPIENTS_MAX 1024 /* recipients looked at per claim (rule sets have ~30) */

/* Writer: the recipients that have submissions waiting (due or not), at most
 * CLAIM_RECIPIENTS_MAX: one index lookup per recipient (a loose index scan written as a
 * recursive query, PostgreSQL 15 §7.8.2; submissions_due_recipient serves each step). */
static int waiting_recipients(struct pg_conn *w, PGresult **res)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "WITH RECURSIVE r(rid) AS (SELECT (SELECT min(recipient_id) FROM submissions"
             " WHERE status IN ('queued', 'sending')) UNION ALL SELECT (SELECT"
             " min(recipient_id) FROM submissions WHERE status IN ('queued', 'sending')"
             " AND recipient_id > r.rid) FROM r WHERE r.rid IS NOT NULL)"
             " SELECT rid FROM r WHERE rid IS NOT NULL LIMIT %d",
             CLAIM_RECIPIENTS_MAX);
    return pg_exec(w, sql, NULL, res);
}

/* Writer: up to per_recipient due submissions of each recipient that is not busy (the
 * earliest of them all are taken: store_claim_earliest). Read without locks: the rows taken
 * are locked and checked again by take_leased. */
static int claim_candidates(struct pg_conn *w, const struct claim_request *c,
                            struct store_claim_candidate **out, size_t *n)
{
    PGresult *rcps;
    *n = 0;
    *out = NULL;
    int rc = waiting_recipients(w, &rcps);
    if (rc)
        return rc;
    size_t nr = (size_t)PQntuples(rcps);
    size_t cap = nr * (size_t)(c->per_recipient > 0 ? c->per_recipient : 0) + 1;
    *out = xcalloc(cap, sizeof(**out));
    for (size_t i = 0; i < nr && rc == STORE_OK; i++) {
        const char *rid = PQgetvalue(rcps, (int)i, 0);
        if (store_claim_busy(c, rid))
            continue;
        struct pg_params p;
        PGresult *res;
        pg_params_init(&p);
        pg_p_text(&p, rid);
        pg_p_int(&p, c->now_ms);
        pg_p_int(&p, c->per_recipient);
        rc = pg_exec(w,
                     "SELECT id, next_attempt_at FROM submissions WHERE recipient_id = $1"
                     " AND status IN ('queued', 'sending') AND next_attempt_at <= $2"
                     " ORDER BY next_attempt_at, id LIMIT $3",
                     &p, &res);
        if (rc)
            break;
        for (int k = 0; k < PQntuples(res) && *n < cap; k++) {
            pg_copy(res, k, 0, (*out)[*n].id, UUID_STR_LEN);
            (*out)[(*n)++].at = pg_int(res, k, 1);
        }
        PQclear(res);
    }
    PQclear(rcps);
    return rc;
}

/* Writer: takes submission id if it is still due — queued, or sending with its lease run out
 * — and no other transaction holds it: locks the row (FOR UPDATE SKIP LOCKED: a row another
 * claim has locked is left to it, never waited for) and leases it in one statement.
 * *taken false: it was not. A row taken from an attempt whose lease ran out before any outcome
 * was recorded (a crash, a kill, a node that died, an attempt that outlasted its lease) gets
 * an `interrupted` line first (store_history_interrupted): evidence in a deadline dispute,
 * without which its history jumps from one attempt to the next with nothing in between. */
static int take_leased(struct pg_conn *w, const struct claim_request *c, const char *id,
                       bool *taken)
{
    struct pg_params p;
    PGresult *res;
    pg_params_init(&p);
    pg_p_text(&p, id);
    pg_p_int(&p, c->now_ms);
    pg_p_int(&p, c->now_ms + c->lease_ms);
    int rc = pg_exec(w,
                     "WITH due AS (SELECT id, status, attempts, next_attempt_at, leased_at"
                     " FROM submissions WHERE id = $1 AND status IN ('queued', 'sending')"
                     " AND next_attempt_at <= $2 FOR UPDATE SKIP LOCKED)"
                     " UPDATE submissions s SET status = 'sending', attempts = s.attempts + 1,"
                     " next_attempt_at = $3, sent_at = coalesce(s.sent_at, $2), leased_at = $2"
                     " FROM due WHERE s.id = due.id"
                     " RETURNING due.status, due.attempts, due.next_attempt_at, due.leased_at",
                     &p, &res);
    if (rc)
        return rc;
    *taken = PQntuples(res) == 1;
    if (*taken && !strcmp(PQgetvalue(res, 0, 0), "sending")) {
        char detail[400];
        /* leased_at NULL: leased before the column existed (migration 7) */
        store_history_interrupted((int)pg_int(res, 0, 1), !pg_null(res, 0, 3), pg_int(res, 0, 3),
                                  pg_int(res, 0, 2), detail, sizeof(detail));
        rc = add_event(w, id, c->now_ms, "interrupted", 0, detail);
    }
    PQclear(res);
    return rc;
}

static int claim_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    struct claim_job *a = arg;
    const struct claim_request *c = a->c;
    struct store_claim_candidate *cand;
    size_t ncand;
    UNUSED(s);
    a->n = 0; /* a batch may run again */
    int rc = claim_candidates(w, c, &cand, &ncand);
    size_t take = rc ? 0 : store_claim_earliest(cand, ncand, (size_t)c->limit);
    for (size_t i = 0; i < take && rc == STORE_OK; i++) {
        bool taken;
        if ((rc = take_leased(w, c, cand[i].id, &taken)) == STORE_OK && taken)
            xstrlcpy(a->ids[a->n++], cand[i].id, UUID_STR_LEN);
    }
    free(cand);
    return rc;
}

int pg_submissions_claim(struct store *s, const struct claim_request *c,
                         struct submission_list *out)
{
    struct claim_job a = {c, xcalloc((size_t)(c->limit > 0 ? c->limit : 0) + 1, UUID_STR_LEN), 0};
    memset(out, 0, sizeof(*out));
    int r = pg_submit(PG(s), claim_run, &a);
    if (r == STORE_OK && a.n) {
        out->items = xcalloc(a.n, sizeof(*out->items));
        for (size_t i = 0; i < a.n && r == STORE_OK; i++)
            if ((r = pg_submission_get(s, a.ids[i], &out->items[out->n])) == STORE_OK)
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

static int mark_met(struct pg_conn *w, const char *obligation_id, const char *submission_id,
                    int64_t at)
{
    struct pg_params p;
    pg_params_init(&p);
    pg_p_text(&p, obligation_id);
    pg_p_int(&p, at);
    pg_p_text(&p, submission_id);
    return pg_exec(w,
                   "UPDATE obligations SET met_at = $2, met_submission = $3"
                   " WHERE id = $1 AND met_at IS NULL"
                   " AND (SELECT kind FROM submissions WHERE id = $3) <> 'withdrawal'",
                   &p, NULL);
}

/* Writer: the status and obligation of a submission; STORE_NOT_FOUND when it does not
 * exist. */
static int status_of(struct pg_conn *w, const char *id, char status[20], char ob[UUID_STR_LEN])
{
    struct pg_params p;
    PGresult *res;
    status[0] = ob[0] = '\0';
    pg_params_init(&p);
    pg_p_text(&p, id);
    int rc = pg_exec(w, "SELECT status, obligation_id FROM submissions WHERE id = $1", &p, &res);
    if (rc)
        return rc;
    if (PQntuples(res)) {
        pg_copy(res, 0, 0, status, 20);
        pg_copy(res, 0, 1, ob, UUID_STR_LEN);
    } else {
        rc = STORE_NOT_FOUND;
    }
    PQclear(res);
    return rc;
}

struct completion {
    const char *id, *ob;
    bool ack;
    int64_t at;
    const char *reference, *receipt;
    int http_status;
    const char *event, *actor, *endpoint;
};

/* Writer: → delivered or acknowledged, obligation met, history, audit. */
static int complete(struct pg_store *s, struct pg_conn *w, const struct completion *d)
{
    struct pg_params p;
    char detail[2400];
    pg_params_init(&p);
    pg_p_text(&p, d->id);
    pg_p_text(&p, d->ack ? "acknowledged" : "delivered");
    pg_p_int(&p, d->at);
    pg_p_text_opt(&p, d->reference);
    pg_p_text_opt(&p, d->receipt);
    int r = pg_exec(w,
                    "UPDATE submissions SET status = $2,"
                    " delivered_at = coalesce(delivered_at, $3::bigint),"
                    " acknowledged_at = CASE WHEN $2 = 'acknowledged' THEN $3::bigint"
                    " ELSE acknowledged_at END,"
                    " receipt_reference = coalesce($4, receipt_reference),"
                    " receipt = coalesce($5, receipt), last_error = NULL WHERE id = $1",
                    &p, NULL);
    if (r == STORE_OK)
        r = mark_met(w, d->ob, d->id, d->at);
    /* the history keeps where it went and the receipt; the audit entry a short form */
    store_history_done(d->endpoint, d->reference, detail, sizeof(detail));
    if (r == STORE_OK)
        r = add_event(w, d->id, d->at, d->event, d->http_status, detail[0] ? detail : NULL);
    if (r != STORE_OK)
        return r;
    struct audit_rec e;
    store_audit_submission_done(&e, d->id, d->event, d->reference, d->actor, d->at);
    return pg_audit_put(s, &e);
}

static int record_one(struct pg_store *s, struct pg_conn *w, const struct delivery_result *d)
{
    char status[20], ob[UUID_STR_LEN];
    struct pg_params p;
    int r = status_of(w, d->id, status, ob);
    if (r == STORE_NOT_FOUND || (r == STORE_OK && strcmp(status, "sending")))
        return STORE_OK; /* finished elsewhere (an expired lease was taken again) */
    if (r != STORE_OK)
        return r;
    if (d->outcome == OUTCOME_DELIVERED || d->outcome == OUTCOME_ACKNOWLEDGED) {
        bool ack = d->outcome == OUTCOME_ACKNOWLEDGED;
        struct completion c = {.id = d->id,
                               .ob = ob,
                               .ack = ack,
                               .at = d->at,
                               .reference = d->receipt_reference,
                               .receipt = d->receipt,
                               .http_status = d->http_status,
                               .event = ack ? "acknowledged" : "delivered",
                               .actor = "system:delivery",
                               .endpoint = d->endpoint};
        return complete(s, w, &c);
    }
    bool failed = d->outcome == OUTCOME_FAILED;
    pg_params_init(&p);
    pg_p_text(&p, d->id);
    pg_p_text(&p, failed ? "failed" : "queued");
    pg_p_int(&p, failed ? d->at : d->next_attempt_at);
    pg_p_text_opt(&p, d->error);
    pg_p_int(&p, d->at);
    if ((r = pg_exec(w,
                     "UPDATE submissions SET status = $2, next_attempt_at = $3, last_error = $4,"
                     " failed_at = CASE WHEN $2 = 'failed' THEN $5::bigint ELSE NULL END"
                     " WHERE id = $1",
                     &p, NULL)) != STORE_OK)
        return r;
    r = add_event(w, d->id, d->at, failed ? "failed" : "retry", d->http_status, d->error);
    /* the caller's notification (the alert of a failure), with the outcome it belongs to */
    if (r == STORE_OK && d->note)
        r = pg_note_add(s, w, d->note, NULL);
    if (r == STORE_OK && failed) {
        struct audit_rec e;
        store_audit_submission_failed(&e, d);
        r = pg_audit_put(s, &e);
    }
    return r;
}

static int record_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct record_job *a = arg;
    for (size_t i = 0; i < a->n; i++) {
        int r = record_one(s, w, &a->r[i]);
        if (r != STORE_OK)
            return r;
    }
    return STORE_OK;
}

int pg_submissions_record(struct store *s, const struct delivery_result *r, size_t n)
{
    struct record_job a = {r, n};
    return n ? pg_submit(PG(s), record_run, &a) : STORE_OK;
}

/* ---- inbox fetches, receipts, filings ---- */

struct mark_job {
    const char *id, *reference, *receipt, *actor;
    bool filing;
    int64_t now;
};

static int fetched_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct mark_job *a = arg;
    char status[20], ob[UUID_STR_LEN];
    int r = status_of(w, a->id, status, ob);
    if (r != STORE_OK)
        return r;
    if (strcmp(status, "available"))
        return STORE_OK; /* fetched before: the first fetch is the delivery */
    struct completion c = {
        .id = a->id, .ob = ob, .at = a->now, .event = "fetched", .actor = a->actor};
    return complete(s, w, &c);
}

int pg_submission_fetched(struct store *s, const char *id, const char *actor, int64_t now)
{
    struct mark_job a = {.id = id, .actor = actor, .now = now};
    return pg_submit(PG(s), fetched_run, &a);
}

static int receipt_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct mark_job *a = arg;
    char status[20], ob[UUID_STR_LEN];
    int r = status_of(w, a->id, status, ob);
    if (r != STORE_OK)
        return r;
    if (!store_receipt_allowed(status, a->filing))
        return STORE_CONFLICT;
    struct completion c = {.id = a->id,
                           .ob = ob,
                           .ack = true,
                           .at = a->now,
                           .reference = a->reference,
                           .receipt = a->receipt,
                           .event = a->filing ? "filed" : "acknowledged",
                           .actor = a->actor};
    return complete(s, w, &c);
}

int pg_submission_receipt(struct store *s, const char *id, const char *reference,
                          const char *receipt_json, bool filing, const char *actor, int64_t now)
{
    struct mark_job a = {.id = id,
                         .reference = reference,
                         .receipt = receipt_json,
                         .actor = actor,
                         .filing = filing,
                         .now = now};
    return pg_submit(PG(s), receipt_run, &a);
}

/* ---- reads ---- */

/* One submission on connection c. */
static int get_on(struct pg_conn *c, const char *id, struct submission_rec *out)
{
    struct pg_params p;
    PGresult *res;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, id);
    int rc = pg_exec(c, SUB_COLS "payload FROM submissions WHERE id = $1", &p, &res);
    if (rc)
        return rc;
    if (PQntuples(res))
        read_submission(res, 0, out);
    else
        rc = STORE_NOT_FOUND;
    PQclear(res);
    return rc;
}

int pg_submission_get(struct store *s, const char *id, struct submission_rec *out)
{
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = get_on(c, id, out);
    pg_read_put(PG(s), c);
    return rc;
}

/* The recipients filter as a JSON array for json_array_elements_text (NULL when not
 * filtering). Recipient ids are rule-set identifiers ([a-z0-9.-]), so no escaping is
 * needed. */
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

/* One statement for SQLite's three shapes: PQexecParams plans an unnamed statement with its
 * parameters' values (PostgreSQL 15 §34.3.1, PREPARE "custom plan"), so `$1 IS NULL OR …` folds
 * away and submissions_incident / submissions_org serve as they do there. */
int pg_submissions_list(struct store *s, const struct submission_filter *f,
                        struct submission_list *out)
{
    struct pg_params p;
    PGresult *res;
    memset(out, 0, sizeof(*out));
    char *recips = recipients_json(f);
    pg_params_init(&p);
    pg_p_text_opt(&p, f->org_id);
    pg_p_text_opt(&p, f->incident_id);
    pg_p_text_opt(&p, recips);
    pg_p_text_opt(&p, f->stage_id);
    pg_p_text_opt(&p, f->status);
    pg_p_int(&p, f->created_from);
    pg_p_int(&p, f->created_before);
    pg_p_text_opt(&p, f->after_id);
    pg_p_int(&p, f->limit + 1);
    pg_p_int(&p, f->electronic_only);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     SUB_COLS "NULL FROM submissions"
                              " WHERE ($1::text IS NULL OR org_id = $1)"
                              " AND ($2::text IS NULL OR incident_id = $2)"
                              " AND ($3::json IS NULL OR recipient_id IN"
                              " (SELECT json_array_elements_text($3::json)))"
                              " AND ($4::text IS NULL OR stage_id = $4)"
                              " AND ($5::text IS NULL OR status = $5)"
                              " AND ($6::bigint = 0 OR created_at >= $6)"
                              " AND ($7::bigint = 0 OR created_at < $7)"
                              " AND ($8::text IS NULL OR id < $8)"
                              " AND ($10::bigint = 0 OR channel IN ('webhook', 'inbox'))"
                              " ORDER BY id DESC LIMIT $9",
                     &p, &res);
    pg_read_put(PG(s), c);
    free(recips);
    if (rc)
        return rc;
    size_t n = (size_t)PQntuples(res);
    out->items = xcalloc(n + 1, sizeof(*out->items));
    for (size_t i = 0; i < n; i++)
        read_submission(res, (int)i, &out->items[out->n++]);
    PQclear(res);
    out->more = out->n > (size_t)f->limit;
    if (out->more) /* the look-ahead row only says another page exists */
        submission_rec_release(&out->items[--out->n]);
    return STORE_OK;
}

/* The history of a submission on connection c. */
static int events_on(struct pg_conn *c, const char *id, struct submission_events *out)
{
    struct pg_params p;
    PGresult *res;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, id);
    int rc = pg_exec(c,
                     "SELECT at, event, http_status, detail FROM submission_events"
                     " WHERE submission_id = $1 ORDER BY seq",
                     &p, &res);
    if (rc)
        return rc;
    size_t n = (size_t)PQntuples(res);
    out->items = xcalloc(n + 1, sizeof(*out->items));
    for (size_t i = 0; i < n; i++) {
        struct submission_event *e = &out->items[out->n++];
        e->at = pg_int(res, (int)i, 0);
        pg_copy(res, (int)i, 1, e->event, sizeof(e->event));
        e->http_status = (int)pg_int(res, (int)i, 2);
        e->detail = pg_dup(res, (int)i, 3);
    }
    PQclear(res);
    return STORE_OK;
}

/* Both reads in one snapshot (§13.2.2): the worker records an outcome (row and history event)
 * in one commit, and two separate reads could show the event without its effect on the row. */
int pg_submission_history(struct store *s, const char *id, struct submission_rec *rec,
                          struct submission_events *out)
{
    struct pg_conn *c = pg_read_get(PG(s));
    memset(rec, 0, sizeof(*rec));
    memset(out, 0, sizeof(*out));
    int rc = pg_read_begin(c);
    if (rc == STORE_OK) {
        rc = get_on(c, id, rec);
        if (rc == STORE_OK && (rc = events_on(c, id, out)) != STORE_OK)
            submission_rec_release(rec);
        pg_read_end(c);
    }
    pg_read_put(PG(s), c);
    return rc;
}

/* ---- recipient bindings ---- */

struct bind_job {
    const char *recipient_id, *org_id, *actor;
    int64_t now;
};

/* Writer: an organisation's id and names. */
static int org_names(struct pg_conn *w, const char *id, struct org *o)
{
    struct pg_params p;
    PGresult *res;
    memset(o, 0, sizeof(*o));
    pg_params_init(&p);
    pg_p_text(&p, id);
    int rc = pg_exec(w, "SELECT id, name_ja, name_en FROM organizations WHERE id = $1", &p, &res);
    if (rc)
        return rc;
    if (PQntuples(res)) {
        pg_copy(res, 0, 0, o->id, sizeof(o->id));
        pg_copy(res, 0, 1, o->name_ja, sizeof(o->name_ja));
        pg_copy(res, 0, 2, o->name_en, sizeof(o->name_en));
    } else {
        rc = STORE_NOT_FOUND;
    }
    PQclear(res);
    return rc;
}

/* Writer: adds the notification of each organisation store_binding_told names. */
static int tell_each(struct pg_store *s, struct pg_conn *w, const struct bind_job *a,
                     const struct org *prev, const struct org *cur, const char **told, size_t n)
{
    int r = STORE_OK;
    for (size_t i = 0; i < n && r == STORE_OK; i++) {
        struct notification_new note;
        char id[40];
        bool webhook;
        if ((r = pg_webhook_enabled(w, told[i], &webhook)) != STORE_OK)
            break;
        store_notification_id(id);
        store_binding_note(told[i], webhook, a->recipient_id, prev, cur, a->now, id, &note);
        r = pg_note_add(s, w, &note, NULL);
        free(note.payload);
    }
    return r;
}

/* Writer: a change of receiver is announced to every organisation it concerns
 * (store_binding_told): those that submitted to the recipient (in id order, as SQLite's
 * DISTINCT through its index gives them), the new and the previous receiver. */
static int announce_binding(struct pg_store *s, struct pg_conn *w, const struct bind_job *a,
                            const char *previous)
{
    struct org cur, prev;
    struct pg_params p;
    PGresult *res = NULL;
    char **subs = NULL;
    const char **told = NULL;
    size_t nsubs = 0, ntold = 0;
    int r = org_names(w, a->org_id, &cur);
    if (r == STORE_OK && previous[0])
        r = org_names(w, previous, &prev);
    if (r == STORE_OK) {
        pg_params_init(&p);
        pg_p_text(&p, a->recipient_id);
        r = pg_exec(w,
                    "SELECT DISTINCT org_id FROM submissions WHERE recipient_id = $1"
                    " ORDER BY org_id",
                    &p, &res);
    }
    if (r == STORE_OK) {
        nsubs = (size_t)PQntuples(res);
        subs = xcalloc(nsubs + 1, sizeof(*subs));
        for (size_t i = 0; i < nsubs; i++)
            subs[i] = PQgetvalue(res, (int)i, 0);
        ntold = store_binding_told((const char *const *)subs, nsubs, a->org_id, previous, &told);
        r = tell_each(s, w, a, previous[0] ? &prev : NULL, &cur, told, ntold);
    }
    PQclear(res);
    free(subs);
    free(told);
    return r;
}

static int bind_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct bind_job *a = arg;
    char previous[UUID_STR_LEN];
    struct pg_params p;
    int r = bound_now(w, a->recipient_id, previous);
    if (r)
        return r;
    pg_params_init(&p);
    pg_p_text(&p, a->recipient_id);
    pg_p_text(&p, a->org_id);
    pg_p_int(&p, a->now);
    /* an unknown organisation is a foreign-key violation: STORE_INVALID (pg_result_of) */
    if ((r = pg_exec(w,
                     "INSERT INTO recipient_bindings (recipient_id, org_id, created_at)"
                     " VALUES ($1, $2, $3) ON CONFLICT (recipient_id) DO UPDATE SET"
                     " org_id = excluded.org_id, created_at = excluded.created_at",
                     &p, NULL)))
        return r;
    if (strcmp(previous, a->org_id) && (r = announce_binding(s, w, a, previous)))
        return r;
    struct audit_rec e;
    store_audit_binding(&e, a->recipient_id, a->org_id, previous, a->actor, a->now);
    return pg_audit_put(s, &e);
}

int pg_binding_set(struct store *s, const char *recipient_id, const char *org_id, const char *actor,
                   int64_t now)
{
    struct bind_job a = {recipient_id, org_id, actor, now};
    return pg_submit(PG(s), bind_run, &a);
}

int pg_binding_list(struct store *s, struct recipient_binding **out, size_t *n)
{
    PGresult *res;
    *out = NULL;
    *n = 0;
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT recipient_id, org_id, created_at FROM recipient_bindings"
                     " ORDER BY recipient_id",
                     NULL, &res);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    size_t rows = (size_t)PQntuples(res);
    *out = rows ? xcalloc(rows, sizeof(**out)) : NULL;
    for (size_t i = 0; i < rows; i++) {
        struct recipient_binding *b = &(*out)[(*n)++];
        pg_copy(res, (int)i, 0, b->recipient_id, sizeof(b->recipient_id));
        pg_copy(res, (int)i, 1, b->org_id, sizeof(b->org_id));
        b->created_at = pg_int(res, (int)i, 2);
    }
    PQclear(res);
    return STORE_OK;
}
