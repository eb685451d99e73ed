/*
 * store_pg_notify.c — reminders, notifications and their e-mail channel in PostgreSQL (issue 14).
 *
 * WORK IN PROGRESS (issue 14): the operations marked NOT BUILT — each answers
 * STORE_UNAVAILABLE and logs store.pg.not_built with its name. Build one by porting
 * src/store/sqlite/store_sqlite_notify.c (same semantics, PostgreSQL's dialect): see
 * docs/operations.md "PostgreSQL (in progress)" for the checklist.
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

/* ---- NOT BUILT below ---- */

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

/* NOT BUILT (issue 14) */
int pg_reminders_scan(struct store *s, store_reminder_plan_fn plan, void *arg, int *created)
{
    UNUSED(s);
    UNUSED(plan);
    UNUSED(arg);
    UNUSED(created);
    return pg_not_built("reminders_scan");
}

/* NOT BUILT (issue 14) */
int pg_notifications_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                           struct notification_list *out)
{
    UNUSED(s);
    UNUSED(now);
    UNUSED(limit);
    UNUSED(lease_ms);
    UNUSED(out);
    return pg_not_built("notifications_claim");
}

/* NOT BUILT (issue 14) */
int pg_mail_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                  struct notification_list *out)
{
    UNUSED(s);
    UNUSED(now);
    UNUSED(limit);
    UNUSED(lease_ms);
    UNUSED(out);
    return pg_not_built("mail_claim");
}

/* NOT BUILT (issue 14) */
int pg_notifications_record(struct store *s, const struct delivery_result *r, size_t n)
{
    UNUSED(s);
    UNUSED(r);
    UNUSED(n);
    return pg_not_built("notifications_record");
}

/* NOT BUILT (issue 14) */
int pg_mail_record(struct store *s, const struct delivery_result *r, size_t n)
{
    UNUSED(s);
    UNUSED(r);
    UNUSED(n);
    return pg_not_built("mail_record");
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

/* NOT BUILT (issue 14) */
int pg_obligations_open(struct store *s, const char *org_id, int limit,
                        struct open_obligations *out)
{
    UNUSED(s);
    UNUSED(org_id);
    UNUSED(limit);
    UNUSED(out);
    return pg_not_built("obligations_open");
}
