/*
 * store_pg_notify.c — reminders, notifications and their e-mail channel in PostgreSQL (issue 14):
 * the twin of src/store/sqlite/store_sqlite_notify.c with the same semantics — reminder settings,
 * the reminders scan, the notification outbox's claims and outcomes (webhook and e-mail
 * channels, claimed with FOR UPDATE SKIP LOCKED and a lease in next_attempt_at, so several nodes
 * never take the same row while its lease holds), what a write announces (pg_note_add,
 * pg_note_event) and an organisation's open obligations.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* ---- built: what a write announces (store_notify.h decides; this stores) ---- */

/* The facts store_note_channels decides from: the organisation's reminder settings. */
static int note_facts(struct pg_conn *w, const char *org_id, struct store_note_facts *f)
{
    struct pg_params p;
    PGresult *r;
    memset(f, 0, sizeof(*f));
    pg_params_init(&p);
    pg_p_text(&p, org_id);
    int rc = pg_exec(w,
                     "SELECT enabled, endpoint <> '', emails <> '[]' FROM reminder_settings"
                     " WHERE org_id = $1",
                     &p, &r);
    if (rc)
        return rc;
    if (PQntuples(r)) {
        f->enabled = pg_bool(r, 0, 0);
        f->endpoint = pg_bool(r, 0, 1);
        f->emails = pg_bool(r, 0, 2);
    }
    PQclear(r);
    return STORE_OK;
}

int pg_note_add(struct pg_store *s, struct pg_conn *w, const struct notification_new *n, int *added)
{
    struct store_note_facts f;
    struct pg_params p;
    int64_t changed = 0;
    bool mail;
    UNUSED(s);
    if (added)
        *added = 0;
    int r = note_facts(w, n->org_id, &f);
    if (r)
        return r;
    pg_params_init(&p);
    pg_p_text(&p, n->id);
    pg_p_text(&p, n->org_id);
    pg_p_text(&p, n->kind);
    pg_p_text(&p, n->dedupe);
    pg_p_text(&p, n->payload);
    pg_p_int(&p, n->at);
    pg_p_text(&p, store_note_channels(n, &f, &mail));
    /* SQLite's INSERT OR IGNORE: at most one notification per dedupe key */
    r = pg_exec_changes(w,
                        "INSERT INTO notifications (id, org_id, kind, dedupe, payload, status,"
                        " next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $7, $6, $6)"
                        " ON CONFLICT DO NOTHING",
                        &p, &changed);
    if (r)
        return r;
    if (added)
        *added = changed > 0;
    if (!changed || !mail) /* only a new event is mailed: a dedupe hit is the same event */
        return STORE_OK;
    pg_params_init(&p);
    pg_p_text(&p, n->id);
    pg_p_text(&p, n->org_id);
    pg_p_int(&p, n->at);
    return pg_exec(w,
                   "INSERT INTO notification_mail (notification_id, org_id, status,"
                   " next_attempt_at, created_at) VALUES ($1, $2, 'queued', $3, $3)"
                   " ON CONFLICT DO NOTHING",
                   &p, NULL);
}

int pg_webhook_enabled(struct pg_conn *w, const char *org_id, bool *on)
{
    struct pg_params p;
    PGresult *r;
    *on = false;
    pg_params_init(&p);
    pg_p_text(&p, org_id);
    int rc = pg_exec(w, "SELECT enabled FROM reminder_settings WHERE org_id = $1", &p, &r);
    if (rc)
        return rc;
    *on = PQntuples(r) && pg_bool(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

int pg_note_event(struct pg_store *s, struct pg_conn *w, const char *org_id, const char *kind,
                  const char *event, int64_t now)
{
    char id[UUID_STR_LEN];
    struct notification_new n;
    bool webhook;
    int r = pg_webhook_enabled(w, org_id, &webhook);
    if (r)
        return r;
    uuid_v7_new(id);
    store_org_event_note(org_id, kind, event, webhook, now, id, &n);
    r = pg_note_add(s, w, &n, NULL);
    free(n.payload);
    return r;
}

/* Built. */
int pg_reminders_get(struct store *s, const char *org_id, struct reminder_settings *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, org_id);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT org_id, endpoint, secret, lead_hours, enabled, updated_at, emails"
                     " FROM reminder_settings WHERE org_id = $1",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    if (!PQntuples(r)) {
        PQclear(r);
        return STORE_NOT_FOUND;
    }
    pg_copy(r, 0, 0, out->org_id, sizeof(out->org_id));
    pg_copy(r, 0, 1, out->endpoint, sizeof(out->endpoint));
    long n = pg_bytea(r, 0, 2, out->secret, sizeof(out->secret));
    out->secret_len = n > 0 ? (size_t)n : 0; /* e-mail only: no secret */
    out->nleads = store_leads_parse(PQgetvalue(r, 0, 3), out->lead_hours, REMINDER_LEADS_MAX);
    out->enabled = pg_bool(r, 0, 4);
    out->updated_at = pg_int(r, 0, 5);
    store_emails_parse(PQgetvalue(r, 0, 6), out);
    PQclear(r);
    return STORE_OK;
}

struct rem_job {
    const struct reminder_settings *r;
    const char *actor;
    int64_t now;
};

static int rem_set_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct rem_job *a = arg;
    char leads[16 * REMINDER_LEADS_MAX + 4];
    struct pg_params p;
    store_leads_format(a->r->lead_hours, a->r->nleads, leads, sizeof(leads));
    char *emails = store_emails_format(a->r);
    pg_params_init(&p);
    pg_p_text(&p, a->r->org_id);
    pg_p_text(&p, a->r->endpoint);
    pg_p_bytea(&p, a->r->secret, a->r->secret_len);
    pg_p_text(&p, leads);
    pg_p_int(&p, a->r->enabled);
    pg_p_int(&p, a->now);
    pg_p_text(&p, emails);
    int rc = pg_exec(w,
                     "INSERT INTO reminder_settings (org_id, endpoint, secret, lead_hours, enabled,"
                     " updated_at, emails) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (org_id) DO"
                     " UPDATE SET endpoint = excluded.endpoint, secret = excluded.secret,"
                     " lead_hours = excluded.lead_hours, enabled = excluded.enabled,"
                     " updated_at = excluded.updated_at, emails = excluded.emails",
                     &p, NULL);
    free(emails);
    if (rc) /* a foreign-key failure (no such organisation) is STORE_INVALID */
        return rc;
    struct audit_rec e;
    store_audit_reminders_set(&e, a->r, a->actor, a->now);
    return pg_audit_put(s, &e);
}

/* Built. */
int pg_reminders_set(struct store *s, const struct reminder_settings *r, const char *actor,
                     int64_t now)
{
    struct rem_job a = {r, actor, now};
    return pg_submit(PG(s), rem_set_run, &a);
}

/* Reminders: the store lists the candidates and adds what the caller's policy returns
 * (store.h, reminders_scan); the windows and the payloads are outbox_remind.c's. */

/* An obligation that is a determination (issue 11 item 1): its stored decision says so. */
#define PG_OB_UNDETERMINED "strpos(o.explanation, '\"undetermined\":true') > 0"

static void read_candidate(const PGresult *r, int i, struct reminder_candidate *c)
{
    memset(c, 0, sizeof(*c));
    pg_copy(r, i, 0, c->obligation_id, sizeof(c->obligation_id));
    pg_copy(r, i, 1, c->incident_id, sizeof(c->incident_id));
    pg_copy(r, i, 2, c->org_id, sizeof(c->org_id));
    pg_copy(r, i, 3, c->rule_id, sizeof(c->rule_id));
    pg_copy(r, i, 4, c->stage_id, sizeof(c->stage_id));
    pg_copy(r, i, 5, c->recipient_id, sizeof(c->recipient_id));
    pg_copy(r, i, 6, c->kind, sizeof(c->kind));
    c->incident_summary = pg_dup(r, i, 7);
    c->withdrawn = pg_bool(r, i, 8);
    c->met = pg_bool(r, i, 9);
    c->mandatory = pg_bool(r, i, 10);
    c->drill = pg_bool(r, i, 11);
    c->due_set = pg_bool(r, i, 12);
    c->due_ms = pg_int(r, i, 13);
    c->enabled = pg_bool(r, i, 14);
    c->nleads = store_leads_parse(PQgetvalue(r, i, 15), c->lead_hours, REMINDER_LEADS_MAX);
    c->undetermined = pg_bool(r, i, 16);
}

struct scan_job {
    store_reminder_plan_fn plan;
    void *arg;
    int created;
};

/* The candidates (open obligations with a deadline of the organisations with reminder
 * settings, and those settings) are read in the writer's transaction, under the batch lock:
 * two nodes scanning at once add each reminder once (the dedupe key decides, ON CONFLICT). */
static int scan_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    struct scan_job *a = arg;
    struct reminder_candidate *c = NULL;
    struct notification_new *notes = NULL;
    size_t n = 0, nnotes = 0;
    PGresult *res;
    a->created = 0; /* a batch may run again */
    int r = pg_exec(
        w,
        "SELECT o.id, o.incident_id, i.org_id, o.rule_id, o.stage_id, o.recipient_id,"
        " o.kind, i.summary, o.state = 'withdrawn', o.met_at IS NOT NULL, o.mandatory,"
        " i.drill, o.due_state = 'set', o.due_at, s.enabled, s.lead_hours, " PG_OB_UNDETERMINED
        " FROM obligations o JOIN incidents i ON i.id = o.incident_id"
        " JOIN reminder_settings s ON s.org_id = i.org_id WHERE o.state = 'active'"
        " AND o.met_at IS NULL AND o.due_state = 'set' ORDER BY o.seq",
        NULL, &res);
    if (r)
        return r;
    n = (size_t)PQntuples(res);
    c = xcalloc(n + 1, sizeof(*c));
    for (size_t i = 0; i < n; i++)
        read_candidate(res, (int)i, &c[i]);
    PQclear(res);
    nnotes = a->plan(c, n, a->arg, &notes);
    for (size_t i = 0; i < nnotes && r == STORE_OK; i++) {
        int added = 0;
        r = pg_note_add(s, w, &notes[i], &added);
        a->created += added;
    }
    notification_new_free(notes, nnotes);
    store_reminder_candidates_free(c, n);
    return r;
}

/* Built. */
int pg_reminders_scan(struct store *s, store_reminder_plan_fn plan, void *arg, int *created)
{
    struct scan_job a = {plan, arg, 0};
    int r = pg_submit(PG(s), scan_run, &a);
    *created = r == STORE_OK ? a.created : 0;
    return r;
}

/* ---- claims: the notifications' webhook channel and their e-mail channel ---- */

/* The statements of one channel: the due rows (locked), taking one, reading one claimed. */
struct channel_sql {
    const char *due, *take, *get;
};

/* Due rows are those queued or sending whose next_attempt_at (for a sending row: the end of
 * its lease) has come. The batch lock already runs the claims of all nodes one at a time; FOR
 * UPDATE SKIP LOCKED (PostgreSQL 15, SELECT, "The Locking Clause") also keeps a claim from
 * waiting on or taking a row another transaction holds, so no two nodes take the same row
 * while its lease holds even outside that lock. */
static const struct channel_sql note_sql = {
    "SELECT id FROM notifications WHERE status IN ('queued', 'sending')"
    " AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED",
    "UPDATE notifications SET status = 'sending', attempts = attempts + 1,"
    " next_attempt_at = $2 WHERE id = $1",
    "SELECT n.id, n.org_id, n.kind, n.status, n.payload, n.attempts, n.created_at,"
    " n.next_attempt_at, n.delivered_at, n.last_error, s.endpoint, s.secret, m.status,"
    " m.attempts, m.delivered_at, m.last_error, NULL FROM notifications n"
    " LEFT JOIN reminder_settings s ON s.org_id = n.org_id"
    " LEFT JOIN notification_mail m ON m.notification_id = n.id WHERE n.id = $1",
};
static const struct channel_sql mail_sql = {
    "SELECT notification_id FROM notification_mail WHERE status IN ('queued', 'sending')"
    " AND next_attempt_at <= $1 ORDER BY next_attempt_at, notification_id LIMIT $2"
    " FOR UPDATE SKIP LOCKED",
    "UPDATE notification_mail SET status = 'sending', attempts = attempts + 1,"
    " next_attempt_at = $2 WHERE notification_id = $1",
    "SELECT n.id, n.org_id, n.kind, n.status, n.payload, n.attempts, n.created_at,"
    " n.next_attempt_at, n.delivered_at, n.last_error, NULL, NULL, m.status, m.attempts,"
    " m.delivered_at, m.last_error, s.emails FROM notification_mail m"
    " JOIN notifications n ON n.id = m.notification_id"
    " LEFT JOIN reminder_settings s ON s.org_id = n.org_id WHERE m.notification_id = $1",
};

struct nclaim_job {
    int64_t now, lease;
    int limit;
    char (*ids)[40];
    size_t n;
    const struct channel_sql *sql;
};

static int nclaim_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    struct nclaim_job *a = arg;
    struct pg_params p;
    PGresult *r;
    UNUSED(s);
    a->n = 0; /* a batch may run again */
    pg_params_init(&p);
    pg_p_int(&p, a->now);
    pg_p_int(&p, a->limit);
    int rc = pg_exec(w, a->sql->due, &p, &r);
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(r) && a->n < (size_t)a->limit; i++)
        pg_copy(r, i, 0, a->ids[a->n++], 40);
    PQclear(r);
    for (size_t i = 0; i < a->n && rc == STORE_OK; i++) {
        pg_params_init(&p);
        pg_p_text(&p, a->ids[i]);
        pg_p_int(&p, a->now + a->lease);
        rc = pg_exec(w, a->sql->take, &p, NULL);
    }
    return rc;
}

static void read_note(const PGresult *r, int i, struct notification_rec *n);

/* Claims with the channel's statements, then reads each claimed one (committed) in the order
 * taken. */
static int claim_with(struct store *s, int64_t now, int limit, int64_t lease_ms,
                      const struct channel_sql *sql, struct notification_list *out)
{
    struct nclaim_job a = {now, lease_ms, limit, xcalloc((size_t)limit + 1, 40), 0, sql};
    memset(out, 0, sizeof(*out));
    int r = pg_submit(PG(s), nclaim_run, &a);
    if (r == STORE_OK && a.n) {
        struct pg_conn *c = pg_read_get(PG(s));
        out->items = xcalloc(a.n, sizeof(*out->items));
        for (size_t i = 0; i < a.n && r == STORE_OK; i++) {
            struct pg_params p;
            PGresult *res;
            pg_params_init(&p);
            pg_p_text(&p, a.ids[i]);
            r = pg_exec(c, sql->get, &p, &res);
            if (r == STORE_OK && PQntuples(res))
                read_note(res, 0, &out->items[out->n++]);
            if (r == STORE_OK)
                PQclear(res);
        }
        pg_read_put(PG(s), c);
        if (r != STORE_OK)
            notification_list_release(out);
    }
    free(a.ids);
    return r;
}

/* Built. */
int pg_notifications_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                           struct notification_list *out)
{
    return claim_with(s, now, limit, lease_ms, &note_sql, out);
}

/* Built. */
int pg_mail_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                  struct notification_list *out)
{
    return claim_with(s, now, limit, lease_ms, &mail_sql, out);
}

struct nrec_job {
    const struct delivery_result *r;
    size_t n;
    const char *done; /* statement: the notification's or its e-mail channel's */
};

/* An outcome is recorded only for a row still sending: a late one (after its lease ran out and
 * another attempt finished) is ignored, as on SQLite. */
static int nrec_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct nrec_job *a = arg;
    UNUSED(s);
    for (size_t i = 0; i < a->n; i++) {
        const struct delivery_result *d = &a->r[i];
        struct store_note_outcome o;
        struct pg_params p;
        store_note_outcome(d, &o);
        pg_params_init(&p);
        pg_p_text(&p, d->id);
        pg_p_text(&p, o.status);
        if (o.delivered_at)
            pg_p_int(&p, o.delivered_at);
        else
            pg_p_text(&p, NULL);
        pg_p_int(&p, o.next_attempt_at);
        pg_p_text_opt(&p, o.last_error);
        int rc = pg_exec(w, a->done, &p, NULL);
        if (rc)
            return rc;
    }
    return STORE_OK;
}

/* Built. */
int pg_notifications_record(struct store *s, const struct delivery_result *r, size_t n)
{
    struct nrec_job a = {r, n,
                         "UPDATE notifications SET status = $2, delivered_at = $3::bigint,"
                         " next_attempt_at = $4, last_error = $5 WHERE id = $1"
                         " AND status = 'sending'"};
    return n ? pg_submit(PG(s), nrec_run, &a) : STORE_OK;
}

/* Built. */
int pg_mail_record(struct store *s, const struct delivery_result *r, size_t n)
{
    struct nrec_job a = {r, n,
                         "UPDATE notification_mail SET status = $2, delivered_at = $3::bigint,"
                         " next_attempt_at = $4, last_error = $5 WHERE notification_id = $1"
                         " AND status = 'sending'"};
    return n ? pg_submit(PG(s), nrec_run, &a) : STORE_OK;
}

/* A notification row (columns as notifications_list selects them; claims select the same
 * with endpoint, secret and emails in 10, 11 and 16). */
static void read_note(const PGresult *r, int i, struct notification_rec *n)
{
    memset(n, 0, sizeof(*n));
    pg_copy(r, i, 0, n->id, sizeof(n->id));
    pg_copy(r, i, 1, n->org_id, sizeof(n->org_id));
    pg_copy(r, i, 2, n->kind, sizeof(n->kind));
    pg_copy(r, i, 3, n->status, sizeof(n->status));
    n->payload = pg_dup(r, i, 4);
    n->attempts = (int)pg_int(r, i, 5);
    n->created_at = pg_int(r, i, 6);
    n->next_attempt_at = pg_int(r, i, 7);
    n->delivered_at = pg_int(r, i, 8);
    n->last_error = pg_dup(r, i, 9);
    pg_copy(r, i, 10, n->endpoint, sizeof(n->endpoint));
    long len = pg_bytea(r, i, 11, n->secret, sizeof(n->secret));
    n->secret_len = len > 0 ? (size_t)len : 0;
    pg_copy(r, i, 12, n->mail_status, sizeof(n->mail_status));
    n->mail_attempts = (int)pg_int(r, i, 13);
    n->mail_delivered_at = pg_int(r, i, 14);
    n->mail_last_error = pg_dup(r, i, 15);
    n->emails = pg_dup(r, i, 16);
}

/* Built: newest first (ties by id, UUIDv7: newest first too). */
int pg_notifications_list(struct store *s, const char *org_id, int limit,
                          struct notification_list *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, org_id);
    pg_p_int(&p, limit);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c,
                     "SELECT n.id, n.org_id, n.kind, n.status, n.payload, n.attempts,"
                     " n.created_at, n.next_attempt_at, n.delivered_at, n.last_error, NULL, NULL,"
                     " m.status, m.attempts, m.delivered_at, m.last_error, NULL"
                     " FROM notifications n LEFT JOIN notification_mail m"
                     " ON m.notification_id = n.id WHERE n.org_id = $1"
                     " ORDER BY n.created_at DESC, n.id DESC LIMIT $2",
                     &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    out->n = (size_t)PQntuples(r);
    out->items = xcalloc(out->n + 1, sizeof(*out->items));
    for (size_t i = 0; i < out->n; i++)
        read_note(r, (int)i, &out->items[i]);
    PQclear(r);
    return STORE_OK;
}

/* Built: an organisation's open obligations with a deadline, soonest first (ties by the
 * ledger's order), each with its live submission (the newest not failed, cancelled or a
 * withdrawal notice); drills are left out. */
int pg_obligations_open(struct store *s, const char *org_id, int limit,
                        struct open_obligations *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, org_id);
    pg_p_int(&p, limit);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(
        c,
        "SELECT o.id, o.incident_id, o.rule_id, o.stage_id, o.recipient_id, o.kind,"
        " o.mandatory, o.due_at, (SELECT s.id FROM submissions s"
        " WHERE s.obligation_id = o.id AND s.status NOT IN ('failed', 'cancelled')"
        " AND s.kind <> 'withdrawal' ORDER BY s.id DESC LIMIT 1), i.summary, " PG_OB_UNDETERMINED
        " FROM obligations o JOIN incidents i"
        " ON i.id = o.incident_id WHERE i.org_id = $1 AND i.drill = 0"
        " AND o.state = 'active' AND o.met_at IS NULL AND o.due_state = 'set'"
        " ORDER BY o.due_at, o.seq LIMIT $2",
        &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    out->n = (size_t)PQntuples(r);
    out->items = xcalloc(out->n + 1, sizeof(*out->items));
    for (size_t i = 0; i < out->n; i++) {
        struct open_obligation *o = &out->items[i];
        int k = (int)i;
        pg_copy(r, k, 0, o->id, sizeof(o->id));
        pg_copy(r, k, 1, o->incident_id, sizeof(o->incident_id));
        pg_copy(r, k, 2, o->rule_id, sizeof(o->rule_id));
        pg_copy(r, k, 3, o->stage_id, sizeof(o->stage_id));
        pg_copy(r, k, 4, o->recipient_id, sizeof(o->recipient_id));
        pg_copy(r, k, 5, o->kind, sizeof(o->kind));
        o->mandatory = pg_bool(r, k, 6);
        o->due_ms = pg_int(r, k, 7);
        pg_copy(r, k, 8, o->live_submission, sizeof(o->live_submission));
        o->summary = pg_dup(r, k, 9);
        o->undetermined = pg_bool(r, k, 10);
    }
    PQclear(r);
    return STORE_OK;
}
