/*
 * store_pg_inbox.c — the receiving side's inbox and requests (issue 10 item 7) in PostgreSQL (issue
 * 14): inbox_list, request_create, request_get, requests_list (store.h), the twin of
 * src/store/sqlite/store_sqlite_inbox.c with the same semantics. What a submit does for the
 * receiving side in its transaction (answering requests, announcing arrivals) is the submit
 * job's, in store_pg_outbox.c.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* ---- the inbox ---- */

/* The inbox's columns (issue 10, item 7): a submission (as a submission listing reads it,
 * without its payload: column 26 is NULL), the reporting organisation, the incident, the
 * obligation's deadline, then the sort key (column 35). */
#define INBOX_COLS                                                                                 \
    "SELECT s.id, s.incident_id, s.org_id, s.obligation_id, s.rule_id, s.stage_id,"                \
    " s.recipient_id, s.version, s.channel, s.status, s.drill, s.payload_sha256, s.withheld,"      \
    " s.attempts, s.next_attempt_at, s.created_at, s.sent_at, s.delivered_at, s.acknowledged_at,"  \
    " s.failed_at, s.last_error, s.receipt_reference, s.receipt, s.submitted_by, s.kind,"          \
    " s.previous_id, NULL,"                                                                        \
    " g.name_ja, g.name_en, g.sector, g.prefecture, i.summary, i.categories,"                      \
    " o.due_state = 'set', o.due_at, "
/* no deadline sorts last: 2^53 - 1 ms is far beyond any deadline (and exact in every client);
 * the same expression as the index obligations_recipient_due (migration 0010) */
#define INBOX_DUE_KEY "(CASE WHEN o.due_state = 'set' THEN o.due_at ELSE 9007199254740991 END)"
#define INBOX_FROM_SUB                                                                             \
    " FROM submissions s LEFT JOIN obligations o ON o.id = s.obligation_id"                        \
    " JOIN incidents i ON i.id = s.incident_id JOIN organizations g ON g.id = s.org_id"            \
    " WHERE s.recipient_id = $1"
#define INBOX_FROM_OB                                                                              \
    " FROM obligations o JOIN submissions s ON s.obligation_id = o.id"                             \
    " JOIN incidents i ON i.id = s.incident_id JOIN organizations g ON g.id = s.org_id"            \
    " WHERE o.recipient_id = $1" /* a submission's recipient is its obligation's */
/* $4 is ",category," (categories are stored ",a,b,"); the page continues after ($9, $10), the
 * previous page's last sort key and id, written as a range on the key so that the index is
 * entered there. */
#define INBOX_WHERE                                                                                \
    " AND s.channel IN ('webhook', 'inbox') AND ($2::text IS NULL OR s.stage_id = $2)"             \
    " AND ($3::text IS NULL OR s.status = $3)"                                                     \
    " AND ($4::text IS NULL OR strpos(i.categories, $4) > 0)"                                      \
    " AND ($5::text IS NULL OR g.sector = $5) AND ($6::bigint = 0 OR s.acknowledged_at IS NULL)"   \
    " AND ($7::bigint = 0 OR s.created_at >= $7) AND ($8::bigint = 0 OR s.created_at < $8)"

static const char *const inbox_sql[] = {
    [INBOX_RECEIVED_DESC] =
        INBOX_COLS "s.created_at" INBOX_FROM_SUB INBOX_WHERE
                   " AND s.created_at <= $9::bigint AND (s.created_at < $9::bigint OR s.id < $10)"
                   " ORDER BY s.created_at DESC, s.id DESC LIMIT $11",
    [INBOX_RECEIVED_ASC] =
        INBOX_COLS "s.created_at" INBOX_FROM_SUB INBOX_WHERE
                   " AND s.created_at >= $9::bigint AND (s.created_at > $9::bigint OR s.id > $10)"
                   " ORDER BY s.created_at, s.id LIMIT $11",
    [INBOX_DEADLINE] = INBOX_COLS INBOX_DUE_KEY INBOX_FROM_OB INBOX_WHERE
    " AND " INBOX_DUE_KEY " >= $9::bigint AND (" INBOX_DUE_KEY " > $9::bigint OR s.id > $10)"
    " ORDER BY " INBOX_DUE_KEY ", s.id LIMIT $11",
};

/* A submission of columns 0…25 (26, the payload, is NULL in the inbox). */
static void read_submission(const PGresult *r, int i, struct submission_rec *s)
{
    memset(s, 0, sizeof(*s));
    pg_copy(r, i, 0, s->id, sizeof(s->id));
    pg_copy(r, i, 1, s->incident_id, sizeof(s->incident_id));
    pg_copy(r, i, 2, s->org_id, sizeof(s->org_id));
    pg_copy(r, i, 3, s->obligation_id, sizeof(s->obligation_id));
    pg_copy(r, i, 4, s->rule_id, sizeof(s->rule_id));
    pg_copy(r, i, 5, s->stage_id, sizeof(s->stage_id));
    pg_copy(r, i, 6, s->recipient_id, sizeof(s->recipient_id));
    s->version = (int)pg_int(r, i, 7);
    pg_copy(r, i, 8, s->channel, sizeof(s->channel));
    pg_copy(r, i, 9, s->status, sizeof(s->status));
    s->drill = pg_bool(r, i, 10);
    pg_copy(r, i, 11, s->payload_sha256, sizeof(s->payload_sha256));
    s->withheld = pg_dup(r, i, 12);
    s->attempts = (int)pg_int(r, i, 13);
    s->next_attempt_at = pg_int(r, i, 14);
    s->created_at = pg_int(r, i, 15);
    s->sent_at = pg_int(r, i, 16);
    s->delivered_at = pg_int(r, i, 17);
    s->acknowledged_at = pg_int(r, i, 18);
    s->failed_at = pg_int(r, i, 19);
    s->last_error = pg_dup(r, i, 20);
    pg_copy(r, i, 21, s->receipt_reference, sizeof(s->receipt_reference));
    s->receipt = pg_dup(r, i, 22);
    pg_copy(r, i, 23, s->submitted_by, sizeof(s->submitted_by));
    pg_copy(r, i, 24, s->kind, sizeof(s->kind));
    pg_copy(r, i, 25, s->previous_id, sizeof(s->previous_id));
}

static void read_item(const PGresult *r, int i, struct inbox_item *it)
{
    read_submission(r, i, &it->s);
    pg_copy(r, i, 27, it->org_name_ja, sizeof(it->org_name_ja));
    pg_copy(r, i, 28, it->org_name_en, sizeof(it->org_name_en));
    pg_copy(r, i, 29, it->sector, sizeof(it->sector));
    pg_copy(r, i, 30, it->prefecture, sizeof(it->prefecture));
    it->title = pg_dup(r, i, 31);
    pg_copy(r, i, 32, it->categories, sizeof(it->categories));
    it->due_set = pg_bool(r, i, 33);
    it->due_ms = it->due_set ? pg_int(r, i, 34) : 0;
}

/* An item with its sort key, for merging the recipients' pages. */
struct keyed {
    struct inbox_item it;
    int64_t key;
};

static bool desc(const struct inbox_filter *f)
{
    return f->sort == INBOX_RECEIVED_DESC;
}

/* Whether a comes before b in the page's order (key, then id; both reversed newest first). The
 * ids compare by bytes, as the database's C collation does (scripts/pg.sh initdb --locale). */
static bool before(const struct inbox_filter *f, const struct keyed *a, const struct keyed *b)
{
    int c = a->key < b->key ? -1 : a->key > b->key ? 1 : strcmp(a->it.s.id, b->it.s.id);
    return desc(f) ? c > 0 : c < 0;
}

/* The place the page continues after: the sort key and id of after_id, or the start of the
 * order. STORE_NOT_FOUND when after_id names no submission. */
static int start_key(struct pg_conn *c, const struct inbox_filter *f, int64_t *key, const char **id)
{
    struct pg_params p;
    PGresult *r;
    if (!f->after_id) {
        *key = desc(f) ? INT64_MAX : INT64_MIN;
        *id = desc(f) ? "~" : ""; /* ids are lower-case hex and '-': "~" sorts after all */
        return STORE_OK;
    }
    pg_params_init(&p);
    pg_p_text(&p, f->after_id);
    int rc = pg_exec(c,
                     "SELECT s.created_at, " INBOX_DUE_KEY " FROM submissions s"
                     " LEFT JOIN obligations o ON o.id = s.obligation_id WHERE s.id = $1",
                     &p, &r);
    if (rc)
        return rc;
    if (PQntuples(r))
        *key = pg_int(r, 0, f->sort == INBOX_DEADLINE ? 1 : 0);
    else
        rc = STORE_NOT_FOUND;
    PQclear(r);
    *id = f->after_id;
    return rc;
}

/* Up to limit + 1 items of one recipient after (key, id), appended to v (room for them). */
static int one_recipient(struct pg_conn *c, const struct inbox_filter *f, const char *recipient,
                         const char *category, int64_t key, const char *id, struct keyed *v,
                         size_t *n)
{
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    pg_p_text(&p, recipient);
    pg_p_text_opt(&p, f->stage_id);
    pg_p_text_opt(&p, f->status);
    pg_p_text_opt(&p, category);
    pg_p_text_opt(&p, f->sector);
    pg_p_int(&p, f->unacknowledged);
    pg_p_int(&p, f->created_from);
    pg_p_int(&p, f->created_before);
    pg_p_int(&p, key);
    pg_p_text(&p, id);
    pg_p_int(&p, f->limit + 1);
    int rc = pg_exec(c, inbox_sql[f->sort], &p, &r);
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(r) && i < f->limit + 1; i++) {
        struct keyed *k = &v[(*n)++];
        read_item(r, i, &k->it);
        k->key = pg_int(r, i, 35);
    }
    PQclear(r);
    return STORE_OK;
}

/* Sorts v[0..n) into the page's order (insertion sort: n is at most a few pages). */
static void merge_order(const struct inbox_filter *f, struct keyed *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct keyed x = v[i];
        size_t j = i;
        for (; j > 0 && before(f, &x, &v[j - 1]); j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static void keyed_release(struct keyed *k)
{
    submission_rec_release(&k->it.s);
    free(k->it.title);
}

/* Keeps the first limit items of v in out (more: there were others); frees the rest. */
static void take_page(const struct inbox_filter *f, struct keyed *v, size_t n,
                      struct inbox_page *out)
{
    size_t keep = n < (size_t)f->limit ? n : (size_t)f->limit;
    out->items = xcalloc(keep + 1, sizeof(*out->items));
    for (size_t i = 0; i < n; i++) {
        if (i < keep)
            out->items[out->n++] = v[i].it;
        else
            keyed_release(&v[i]);
    }
    out->more = n > keep;
}

/* Built: each recipient's next limit + 1 in one snapshot (a consistent page, §13.2.2),
 * merged. */
int pg_inbox_list(struct store *s, const struct inbox_filter *f, struct inbox_page *out)
{
    char category[80];
    const char *id = NULL;
    int64_t key = 0;
    memset(out, 0, sizeof(*out));
    if (f->category)
        snprintf(category, sizeof(category), ",%s,", f->category);
    struct keyed *v = xcalloc(f->nrecipients * ((size_t)f->limit + 1) + 1, sizeof(*v));
    size_t n = 0;
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_read_begin(c);
    if (rc == STORE_OK) {
        rc = start_key(c, f, &key, &id);
        for (size_t i = 0; rc == STORE_OK && i < f->nrecipients; i++)
            rc = one_recipient(c, f, f->recipients[i], f->category ? category : NULL, key, id, v,
                               &n);
        pg_read_end(c);
    }
    pg_read_put(PG(s), c);
    if (rc == STORE_NOT_FOUND) /* a cursor naming no submission: nothing follows it */
        rc = STORE_OK;
    merge_order(f, v, n);
    take_page(f, v, rc == STORE_OK ? n : 0, out);
    for (size_t i = rc == STORE_OK ? n : 0; i < n; i++)
        keyed_release(&v[i]);
    free(v);
    return rc;
}

/* ---- requests ---- */

/* One row of PG_REQUEST_COLS into r (store_pg_int.h); the outbox's submit reads them too. */
void pg_read_request(const PGresult *res, int i, struct request_rec *r)
{
    memset(r, 0, sizeof(*r));
    pg_copy(res, i, 0, r->id, sizeof(r->id));
    pg_copy(res, i, 1, r->submission_id, sizeof(r->submission_id));
    pg_copy(res, i, 2, r->incident_id, sizeof(r->incident_id));
    pg_copy(res, i, 3, r->org_id, sizeof(r->org_id));
    pg_copy(res, i, 4, r->recipient_id, sizeof(r->recipient_id));
    pg_copy(res, i, 5, r->authority_org_id, sizeof(r->authority_org_id));
    pg_copy(res, i, 6, r->kind, sizeof(r->kind));
    pg_copy(res, i, 7, r->obligation_id, sizeof(r->obligation_id));
    pg_copy(res, i, 8, r->stage_id, sizeof(r->stage_id));
    r->message = pg_dup(res, i, 9);
    pg_copy(res, i, 10, r->lang, sizeof(r->lang));
    r->fields = pg_dup(res, i, 11);
    r->reply_by = pg_int(res, i, 12);
    pg_copy(res, i, 13, r->created_by, sizeof(r->created_by));
    r->created_at = pg_int(res, i, 14);
    pg_copy(res, i, 15, r->answered_by, sizeof(r->answered_by));
    r->answered_at = pg_int(res, i, 16);
}

/* Runs the request query sql with p on c and reads every row into out. */
static int read_requests(struct pg_conn *c, const char *sql, const struct pg_params *p,
                         struct request_list *out)
{
    PGresult *r;
    memset(out, 0, sizeof(*out));
    int rc = pg_exec(c, sql, p, &r);
    if (rc)
        return rc;
    out->n = (size_t)PQntuples(r);
    out->items = xcalloc(out->n + 1, sizeof(*out->items));
    for (size_t i = 0; i < out->n; i++)
        pg_read_request(r, (int)i, &out->items[i]);
    PQclear(r);
    return STORE_OK;
}

struct request_job {
    const struct request_rec *r;
    const char *note;
};

static int request_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct request_job *a = arg;
    const struct request_rec *r = a->r;
    struct pg_params p;
    pg_params_init(&p);
    const char *text[] = {r->id,           r->submission_id,    r->incident_id, r->org_id,
                          r->recipient_id, r->authority_org_id, r->kind};
    for (int i = 0; i < 7; i++)
        pg_p_text(&p, text[i]);
    pg_p_text_opt(&p, r->obligation_id);
    pg_p_text_opt(&p, r->stage_id);
    pg_p_text(&p, r->message);
    pg_p_text(&p, r->lang);
    pg_p_text_opt(&p, r->fields);
    pg_p_int(&p, r->reply_by);
    pg_p_text(&p, r->created_by);
    pg_p_int(&p, r->created_at);
    int rc = pg_exec(w,
                     "INSERT INTO requests (id, submission_id, incident_id, org_id, recipient_id,"
                     " authority_org_id, kind, obligation_id, stage_id, message, lang, fields,"
                     " reply_by, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                     " $9, $10, $11, $12, $13, $14, $15)",
                     &p, NULL);
    if (rc) /* SQLite answers any constraint (the id taken, no such submission) STORE_EXISTS */
        return rc == STORE_INVALID ? STORE_EXISTS : rc;
    struct audit_rec e;
    store_audit_request_create(&e, r);
    if ((rc = pg_audit_put(s, &e)) != STORE_OK)
        return rc;
    /* the reporting organisation is told, in the same transaction (dedupe "request:<id>") */
    bool webhook;
    struct notification_new n;
    if ((rc = pg_webhook_enabled(w, r->org_id, &webhook)) != STORE_OK)
        return rc;
    store_org_event_note(r->org_id, "request", a->note, webhook, r->created_at, r->id, &n);
    rc = pg_note_add(s, w, &n, NULL);
    free(n.payload);
    return rc;
}

/* Built. */
int pg_request_create(struct store *s, const struct request_rec *r, const char *note)
{
    struct request_job a = {r, note};
    return pg_submit(PG(s), request_run, &a);
}

/* Built. */
int pg_request_get(struct store *s, const char *id, struct request_rec *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    pg_params_init(&p);
    pg_p_text(&p, id);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c, PG_REQUEST_COLS " WHERE id = $1", &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
    if (rc == STORE_OK)
        pg_read_request(r, 0, out);
    PQclear(r);
    return rc;
}

/* Built: a submission's or an incident's requests by id (UUIDv7: in creation order), or an
 * organisation's open ones (not of its withdrawn incidents) by the time they want a reply. */
int pg_requests_list(struct store *s, const struct request_filter *f, struct request_list *out)
{
    struct pg_params p;
    const char *sql =
        f->submission_id ? PG_REQUEST_COLS " WHERE submission_id = $1 ORDER BY id LIMIT $2"
        : f->incident_id ? PG_REQUEST_COLS " WHERE incident_id = $1 ORDER BY id LIMIT $2"
                         : PG_REQUEST_COLS
            " WHERE org_id = $1 AND answered_at IS NULL AND incident_id"
            " NOT IN (SELECT id FROM incidents WHERE org_id = $1"
            " AND withdrawn_at IS NOT NULL) ORDER BY reply_by, id LIMIT $2";
    pg_params_init(&p);
    pg_p_text(&p, f->submission_id ? f->submission_id
                  : f->incident_id ? f->incident_id
                                   : f->open_of_org);
    pg_p_int(&p, f->limit);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = read_requests(c, sql, &p, out);
    pg_read_put(PG(s), c);
    return rc;
}
