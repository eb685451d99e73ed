/*
 * store_sqlite_notify.c — reminders in SQLite (issue 5, "Deadline reminders"): an
 * organisation's reminder webhook, the notifications it is sent (a second, small outbox:
 * reminders before deadlines, "overdue" when one passes, alerts when a submission fails for
 * good), and the organisation's open obligations. Mechanism only: the scan lists candidates
 * and adds the notifications the caller's policy returns (outbox_remind.c decides which
 * reminder is due and what every notification says).
 */
#include "store_sqlite_int.h"
#include "../store_int.h"
#include "../store_notify.h"

#define SQ(s) ((struct sq_store *)(s))

/* ---- settings ---- */

int sq_reminders_get(struct store *s, const char *org_id, struct reminder_settings *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_REM_GET);
    sq_bind_text(st, 1, org_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sq_col_copy(st, 0, out->org_id, sizeof(out->org_id));
        sq_col_copy(st, 1, out->endpoint, sizeof(out->endpoint));
        size_t n = (size_t)sqlite3_column_bytes(st, 2);
        out->secret_len = n < sizeof(out->secret) ? n : sizeof(out->secret);
        if (out->secret_len) /* e-mail only: no secret, and SQLite's blob pointer is NULL */
            memcpy(out->secret, sqlite3_column_blob(st, 2), out->secret_len);
        out->nleads = store_leads_parse((const char *)sqlite3_column_text(st, 3), out->lead_hours,
                                        REMINDER_LEADS_MAX);
        out->enabled = sqlite3_column_int(st, 4) != 0;
        out->updated_at = sqlite3_column_int64(st, 5);
        store_emails_parse((const char *)sqlite3_column_text(st, 6), out);
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
}

struct rem_job {
    const struct reminder_settings *r;
    const char *actor;
    int64_t now;
};

static int rem_set_run(struct sq_store *s, struct wjob *j)
{
    const struct rem_job *a = j->arg;
    char leads[16 * REMINDER_LEADS_MAX + 4];
    store_leads_format(a->r->lead_hours, a->r->nleads, leads, sizeof(leads));
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_REM_SET);
    sq_bind_text(st, 1, a->r->org_id);
    sq_bind_text(st, 2, a->r->endpoint);
    sqlite3_bind_blob(st, 3, a->r->secret, (int)a->r->secret_len, SQLITE_STATIC);
    sq_bind_text(st, 4, leads);
    sqlite3_bind_int(st, 5, a->r->enabled);
    sqlite3_bind_int64(st, 6, a->now);
    char *emails = store_emails_format(a->r);
    sqlite3_bind_text(st, 7, emails, -1, SQLITE_TRANSIENT);
    free(emails);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID : sq_result(rc);
    struct audit_rec e;
    store_audit_reminders_set(&e, a->r, a->actor, a->now);
    return sq_audit_put(s, &e);
}

int sq_reminders_set(struct store *s, const struct reminder_settings *r, const char *actor,
                     int64_t now)
{
    struct rem_job a = {r, actor, now};
    return sq_submit(SQ(s), rem_set_run, &a);
}

/* ---- the notification outbox ---- */

/* Reminders: the store lists the candidates and adds what the caller's policy returns
 * (store.h, reminders_scan); the windows and the payloads are outbox_remind.c's. */

/* The facts store_note_channels decides on, read in the writer's transaction. */
static int note_facts(struct sq_store *s, const char *org_id, struct store_note_facts *f)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_NOTE_FACTS);
    memset(f, 0, sizeof(*f));
    sq_bind_text(st, 1, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        f->enabled = sqlite3_column_int(st, 0) != 0;
        f->endpoint = sqlite3_column_int(st, 1) != 0;
        f->emails = sqlite3_column_int(st, 2) != 0;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* The e-mail channel's row of a notification just added, due with it. */
static int mail_add(struct sq_store *s, const struct notification_new *n)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_MAIL_ADD);
    sq_bind_text(st, 1, n->id);
    sq_bind_text(st, 2, n->org_id);
    sqlite3_bind_int64(st, 3, n->at);
    return sq_result(sqlite3_step(st));
}

int sq_note_add(struct sq_store *s, const struct notification_new *n, int *added)
{
    struct store_note_facts f;
    bool mail;
    int r = note_facts(s, n->org_id, &f);
    if (r != STORE_OK)
        return r;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_NOTE_ADD);
    sq_bind_text(st, 1, n->id);
    sq_bind_text(st, 2, n->org_id);
    sq_bind_text(st, 3, n->kind);
    sq_bind_text(st, 4, n->dedupe);
    sq_bind_text(st, 5, n->payload);
    sqlite3_bind_int64(st, 6, n->at);
    sq_bind_text(st, 7, store_note_channels(n, &f, &mail));
    int rc = sqlite3_step(st);
    int new_row = rc == SQLITE_DONE ? sqlite3_changes(s->w.db) : 0;
    if (added)
        *added = new_row;
    /* only a new event is mailed: a dedupe hit is the same event again */
    if (rc == SQLITE_DONE && new_row && mail)
        return mail_add(s, n);
    return sq_result(rc);
}

int sq_webhook_enabled(struct sq_store *s, const char *org_id, bool *on)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_REM_ENABLED);
    sq_bind_text(st, 1, org_id);
    int rc = sqlite3_step(st);
    *on = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

static void read_candidate(sqlite3_stmt *st, struct reminder_candidate *c)
{
    memset(c, 0, sizeof(*c));
    sq_col_copy(st, 0, c->obligation_id, sizeof(c->obligation_id));
    sq_col_copy(st, 1, c->incident_id, sizeof(c->incident_id));
    sq_col_copy(st, 2, c->org_id, sizeof(c->org_id));
    sq_col_copy(st, 3, c->rule_id, sizeof(c->rule_id));
    sq_col_copy(st, 4, c->stage_id, sizeof(c->stage_id));
    sq_col_copy(st, 5, c->recipient_id, sizeof(c->recipient_id));
    sq_col_copy(st, 6, c->kind, sizeof(c->kind));
    c->incident_summary = sq_col_dup(st, 7);
    c->withdrawn = sqlite3_column_int(st, 8) != 0;
    c->met = sqlite3_column_int(st, 9) != 0;
    c->mandatory = sqlite3_column_int(st, 10) != 0;
    c->drill = sqlite3_column_int(st, 11) != 0;
    c->due_set = sqlite3_column_int(st, 12) != 0;
    c->due_ms = sqlite3_column_int64(st, 13);
    c->enabled = sqlite3_column_int(st, 14) != 0;
    c->nleads = store_leads_parse((const char *)sqlite3_column_text(st, 15), c->lead_hours,
                                  REMINDER_LEADS_MAX);
    c->undetermined = sqlite3_column_int(st, 16) != 0;
}

struct scan_job {
    store_reminder_plan_fn plan;
    void *arg;
    int created;
};

static int scan_run(struct sq_store *s, struct wjob *j)
{
    struct scan_job *a = j->arg;
    struct reminder_candidate *c = NULL;
    struct notification_new *notes = NULL;
    size_t n = 0, cap = 0, nnotes = 0;
    int rc, r = STORE_OK;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_REM_CANDIDATES);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            c = xrealloc(c, cap * sizeof(*c));
        }
        read_candidate(st, &c[n++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        r = sq_result(rc);
        goto out;
    }
    nnotes = a->plan(c, n, a->arg, &notes);
    for (size_t i = 0; i < nnotes && r == STORE_OK; i++) {
        int added = 0;
        r = sq_note_add(s, &notes[i], &added);
        a->created += added;
    }
out:
    notification_new_free(notes, nnotes);
    store_reminder_candidates_free(c, n);
    return r;
}

int sq_reminders_scan(struct store *s, store_reminder_plan_fn plan, void *arg, int *created)
{
    struct scan_job a = {plan, arg, 0};
    int r = sq_submit(SQ(s), scan_run, &a);
    *created = r == STORE_OK ? a.created : 0;
    return r;
}

static void read_note(sqlite3_stmt *st, struct notification_rec *n)
{
    memset(n, 0, sizeof(*n));
    sq_col_copy(st, 0, n->id, sizeof(n->id));
    sq_col_copy(st, 1, n->org_id, sizeof(n->org_id));
    sq_col_copy(st, 2, n->kind, sizeof(n->kind));
    sq_col_copy(st, 3, n->status, sizeof(n->status));
    n->payload = sq_col_dup(st, 4);
    n->attempts = sqlite3_column_int(st, 5);
    n->created_at = sqlite3_column_int64(st, 6);
    n->next_attempt_at = sqlite3_column_int64(st, 7);
    n->delivered_at = sqlite3_column_int64(st, 8);
    n->last_error = sq_col_dup(st, 9);
    sq_col_copy(st, 10, n->endpoint, sizeof(n->endpoint));
    size_t len = (size_t)sqlite3_column_bytes(st, 11);
    n->secret_len = len < sizeof(n->secret) ? len : sizeof(n->secret);
    if (n->secret_len)
        memcpy(n->secret, sqlite3_column_blob(st, 11), n->secret_len);
    sq_col_copy(st, 12, n->mail_status, sizeof(n->mail_status));
    n->mail_attempts = sqlite3_column_int(st, 13);
    n->mail_delivered_at = sqlite3_column_int64(st, 14);
    n->mail_last_error = sq_col_dup(st, 15);
    n->emails = sq_col_dup(st, 16);
}

struct nclaim_job {
    int64_t now, lease;
    int limit;
    char (*ids)[40];
    size_t n;
    int due, take; /* statements: the notifications' or their e-mail channel's */
};

static int nclaim_run(struct sq_store *s, struct wjob *j)
{
    struct nclaim_job *a = j->arg;
    sqlite3_stmt *st = sq_stmt(&s->w, a->due);
    int rc;
    sqlite3_bind_int64(st, 1, a->now);
    sqlite3_bind_int(st, 2, a->limit);
    while (a->n < (size_t)a->limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
        sq_col_copy(st, 0, a->ids[a->n++], 40);
    sqlite3_reset(st);
    for (size_t i = 0; i < a->n; i++) {
        st = sq_stmt(&s->w, a->take);
        sq_bind_text(st, 1, a->ids[i]);
        sqlite3_bind_int64(st, 2, a->now + a->lease);
        if ((rc = sqlite3_step(st)) != SQLITE_DONE)
            return sq_result(rc);
    }
    return STORE_OK;
}

/* Claims with statements due and take, then reads each claimed one with get. */
static int claim_with(struct store *s, int64_t now, int limit, int64_t lease_ms, int due, int take,
                      int get, struct notification_list *out)
{
    struct nclaim_job a = {now, lease_ms, limit, xcalloc((size_t)limit + 1, 40), 0, due, take};
    memset(out, 0, sizeof(*out));
    int r = sq_submit(SQ(s), nclaim_run, &a);
    struct sq_conn *c = r == STORE_OK && a.n ? sq_read_get(SQ(s)) : NULL;
    if (c) {
        out->items = xcalloc(a.n, sizeof(*out->items));
        for (size_t i = 0; i < a.n; i++) {
            sqlite3_stmt *st = sq_stmt(c, get);
            sq_bind_text(st, 1, a.ids[i]);
            if (sqlite3_step(st) == SQLITE_ROW)
                read_note(st, &out->items[out->n++]);
            sqlite3_reset(st);
        }
        sq_read_put(SQ(s), c);
    } else if (r == STORE_OK && a.n) {
        r = STORE_UNAVAILABLE;
    }
    free(a.ids);
    return r;
}

int sq_notifications_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                           struct notification_list *out)
{
    return claim_with(s, now, limit, lease_ms, SQ_NOTE_DUE, SQ_NOTE_TAKE, SQ_NOTE_GET, out);
}

int sq_mail_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                  struct notification_list *out)
{
    return claim_with(s, now, limit, lease_ms, SQ_MAIL_DUE, SQ_MAIL_TAKE, SQ_MAIL_GET, out);
}

struct nrec_job {
    const struct delivery_result *r;
    size_t n;
    int done; /* statement: the notification's or its e-mail channel's */
};

static int nrec_run(struct sq_store *s, struct wjob *j)
{
    const struct nrec_job *a = j->arg;
    for (size_t i = 0; i < a->n; i++) {
        const struct delivery_result *d = &a->r[i];
        struct store_note_outcome o;
        store_note_outcome(d, &o);
        sqlite3_stmt *st = sq_stmt(&s->w, a->done);
        sq_bind_text(st, 1, d->id);
        sq_bind_text(st, 2, o.status);
        if (o.delivered_at)
            sqlite3_bind_int64(st, 3, o.delivered_at);
        sqlite3_bind_int64(st, 4, o.next_attempt_at);
        sq_bind_text_opt(st, 5, o.last_error);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            return sq_result(rc);
    }
    return STORE_OK;
}

int sq_notifications_record(struct store *s, const struct delivery_result *r, size_t n)
{
    struct nrec_job a = {r, n, SQ_NOTE_DONE};
    return n ? sq_submit(SQ(s), nrec_run, &a) : STORE_OK;
}

int sq_mail_record(struct store *s, const struct delivery_result *r, size_t n)
{
    struct nrec_job a = {r, n, SQ_MAIL_DONE};
    return n ? sq_submit(SQ(s), nrec_run, &a) : STORE_OK;
}

int sq_notifications_list(struct store *s, const char *org_id, int limit,
                          struct notification_list *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc = SQLITE_DONE; /* limit 0 reads nothing */
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    out->items = xcalloc((size_t)limit + 1, sizeof(*out->items));
    sqlite3_stmt *st = sq_stmt(c, SQ_NOTE_LIST);
    sq_bind_text(st, 1, org_id);
    sqlite3_bind_int(st, 2, limit);
    while (out->n < (size_t)limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
        read_note(st, &out->items[out->n++]);
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_UNAVAILABLE;
}

/* ---- open obligations ---- */

int sq_obligations_open(struct store *s, const char *org_id, int limit,
                        struct open_obligations *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    int rc = SQLITE_DONE; /* limit 0 reads nothing */
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    out->items = xcalloc((size_t)limit + 1, sizeof(*out->items));
    sqlite3_stmt *st = sq_stmt(c, SQ_OB_OPEN);
    sq_bind_text(st, 1, org_id);
    sqlite3_bind_int(st, 2, limit);
    while (out->n < (size_t)limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct open_obligation *o = &out->items[out->n++];
        memset(o, 0, sizeof(*o));
        sq_col_copy(st, 0, o->id, sizeof(o->id));
        sq_col_copy(st, 1, o->incident_id, sizeof(o->incident_id));
        sq_col_copy(st, 2, o->rule_id, sizeof(o->rule_id));
        sq_col_copy(st, 3, o->stage_id, sizeof(o->stage_id));
        sq_col_copy(st, 4, o->recipient_id, sizeof(o->recipient_id));
        sq_col_copy(st, 5, o->kind, sizeof(o->kind));
        o->mandatory = sqlite3_column_int(st, 6) != 0;
        o->due_ms = sqlite3_column_int64(st, 7);
        sq_col_copy(st, 8, o->live_submission, sizeof(o->live_submission));
        o->summary = sq_col_dup(st, 9);
        o->undetermined = sqlite3_column_int(st, 10) != 0;
    }
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        open_obligations_release(out);
        return STORE_UNAVAILABLE;
    }
    return STORE_OK;
}
