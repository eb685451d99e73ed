/*
 * store_sqlite_inbox.c — the receiving side's inbox and requests for SQLite (issue 10, item 7;
 * store.h: inbox_list, request_create, request_get, requests_list), and what a submit does for
 * the receiving side inside its transaction (sq_submit_received): it answers the incident's
 * open requests the new submission answers (store_request_answered_by decides) and queues the
 * arrival event for a recipient whose organisation subscribed (store_arrival_note decides).
 */
#include "store_sqlite_int.h"
#include "../store_int.h"

#define SQ(s) ((struct sq_store *)(s))

/* ---- the inbox ---- */

/* Columns 27… of the inbox's statements (INBOX_COLS, after the submission's 0–26); the sort key
 * is column 35. */
static void read_item(sqlite3_stmt *st, struct inbox_item *it)
{
    sq_read_submission(st, &it->s);
    sq_col_copy(st, 27, it->org_name_ja, sizeof(it->org_name_ja));
    sq_col_copy(st, 28, it->org_name_en, sizeof(it->org_name_en));
    sq_col_copy(st, 29, it->sector, sizeof(it->sector));
    sq_col_copy(st, 30, it->prefecture, sizeof(it->prefecture));
    it->title = sq_col_dup(st, 31);
    sq_col_copy(st, 32, it->categories, sizeof(it->categories));
    it->due_set = sqlite3_column_int(st, 33) != 0;
    it->due_ms = it->due_set ? sqlite3_column_int64(st, 34) : 0;
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

/* Whether a comes before b in the page's order (key, then id; both reversed newest first). */
static bool before(const struct inbox_filter *f, const struct keyed *a, const struct keyed *b)
{
    int c = a->key < b->key ? -1 : a->key > b->key ? 1 : strcmp(a->it.s.id, b->it.s.id);
    return desc(f) ? c > 0 : c < 0;
}

/* The place the page continues after: the sort key and id of after_id, or the start of the
 * order. STORE_NOT_FOUND when after_id names no submission. */
static int start_key(struct sq_conn *c, const struct inbox_filter *f, int64_t *key, const char **id)
{
    if (!f->after_id) {
        *key = desc(f) ? INT64_MAX : INT64_MIN;
        *id = desc(f) ? "~" : ""; /* ids are lower-case hex and '-': "~" sorts after all */
        return STORE_OK;
    }
    sqlite3_stmt *st = sq_stmt(c, SQ_INBOX_KEY);
    sq_bind_text(st, 1, f->after_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *key = sqlite3_column_int64(st, f->sort == INBOX_DEADLINE ? 1 : 0);
    sqlite3_reset(st);
    *id = f->after_id;
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
}

/* Up to limit + 1 items of one recipient after (key, id), appended to v (room for them). */
static int one_recipient(struct sq_conn *c, const struct inbox_filter *f, const char *recipient,
                         const char *category, int64_t key, const char *id, struct keyed *v,
                         size_t *n)
{
    static const enum sq_stmt which[] = {SQ_INBOX_RECEIVED_DESC, SQ_INBOX_RECEIVED_ASC,
                                         SQ_INBOX_DEADLINE};
    sqlite3_stmt *st = sq_stmt(c, which[f->sort]);
    sq_bind_text(st, 1, recipient);
    sq_bind_text_opt(st, 3, f->stage_id);
    sq_bind_text_opt(st, 4, f->status);
    sq_bind_text_opt(st, 5, category);
    sq_bind_text_opt(st, 6, f->sector);
    sqlite3_bind_int(st, 7, f->unacknowledged);
    sqlite3_bind_int64(st, 8, f->created_from);
    sqlite3_bind_int64(st, 9, f->created_before);
    sqlite3_bind_int64(st, 10, key);
    sq_bind_text(st, 11, id);
    sqlite3_bind_int(st, 12, f->limit + 1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct keyed *k = &v[(*n)++];
        read_item(st, &k->it);
        k->key = sqlite3_column_int64(st, 35);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
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

/* Keeps the first limit items of v in out (more: there were others); frees the rest. */
static void take_page(const struct inbox_filter *f, struct keyed *v, size_t n,
                      struct inbox_page *out)
{
    size_t keep = n < (size_t)f->limit ? n : (size_t)f->limit;
    out->items = xcalloc(keep + 1, sizeof(*out->items));
    for (size_t i = 0; i < n; i++) {
        if (i < keep) {
            out->items[out->n++] = v[i].it;
        } else {
            submission_rec_release(&v[i].it.s);
            free(v[i].it.title);
        }
    }
    out->more = n > keep;
}

/* Each recipient's next limit + 1 in one read transaction (a consistent page), merged. */
int sq_inbox_list(struct store *s, const struct inbox_filter *f, struct inbox_page *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    char category[80];
    const char *id = NULL;
    int64_t key = 0;
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    if (f->category)
        snprintf(category, sizeof(category), ",%s,", f->category);
    struct keyed *v = xcalloc(f->nrecipients * ((size_t)f->limit + 1) + 1, sizeof(*v));
    size_t n = 0;
    int rc = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) ? STORE_UNAVAILABLE : STORE_OK;
    if (rc == STORE_OK)
        rc = start_key(c, f, &key, &id);
    for (size_t i = 0; rc == STORE_OK && i < f->nrecipients; i++)
        rc = one_recipient(c, f, f->recipients[i], f->category ? category : NULL, key, id, v, &n);
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    sq_read_put(SQ(s), c);
    if (rc == STORE_NOT_FOUND) /* a cursor naming no submission: nothing follows it */
        rc = STORE_OK;
    merge_order(f, v, n);
    take_page(f, v, rc == STORE_OK ? n : 0, out);
    for (size_t i = rc == STORE_OK ? n : 0; i < n; i++) {
        submission_rec_release(&v[i].it.s);
        free(v[i].it.title);
    }
    free(v);
    return rc;
}

/* ---- requests ---- */

static void read_request(sqlite3_stmt *st, struct request_rec *r)
{
    memset(r, 0, sizeof(*r));
    sq_col_copy(st, 0, r->id, sizeof(r->id));
    sq_col_copy(st, 1, r->submission_id, sizeof(r->submission_id));
    sq_col_copy(st, 2, r->incident_id, sizeof(r->incident_id));
    sq_col_copy(st, 3, r->org_id, sizeof(r->org_id));
    sq_col_copy(st, 4, r->recipient_id, sizeof(r->recipient_id));
    sq_col_copy(st, 5, r->authority_org_id, sizeof(r->authority_org_id));
    sq_col_copy(st, 6, r->kind, sizeof(r->kind));
    sq_col_copy(st, 7, r->obligation_id, sizeof(r->obligation_id));
    sq_col_copy(st, 8, r->stage_id, sizeof(r->stage_id));
    r->message = sq_col_dup(st, 9);
    sq_col_copy(st, 10, r->lang, sizeof(r->lang));
    r->fields = sq_col_dup(st, 11);
    r->reply_by = sqlite3_column_int64(st, 12);
    sq_col_copy(st, 13, r->created_by, sizeof(r->created_by));
    r->created_at = sqlite3_column_int64(st, 14);
    sq_col_copy(st, 15, r->answered_by, sizeof(r->answered_by));
    r->answered_at = sqlite3_column_int64(st, 16);
}

/* Reads every row of st (bound) into out. */
static int read_requests(sqlite3_stmt *st, struct request_list *out)
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 8;
            out->items = xrealloc(out->items, cap * sizeof(*out->items));
        }
        read_request(st, &out->items[out->n++]);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return STORE_OK;
    request_list_release(out);
    return STORE_UNAVAILABLE;
}

struct request_job {
    const struct request_rec *r;
    const char *note;
};

static int request_run(struct sq_store *s, struct wjob *j)
{
    const struct request_job *a = j->arg;
    const struct request_rec *r = a->r;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_REQ_INSERT);
    const char *text[] = {r->id,           r->submission_id,    r->incident_id, r->org_id,
                          r->recipient_id, r->authority_org_id, r->kind};
    for (int i = 0; i < 7; i++)
        sq_bind_text(st, i + 1, text[i]);
    sq_bind_text_opt(st, 8, r->obligation_id);
    sq_bind_text_opt(st, 9, r->stage_id);
    sq_bind_text(st, 10, r->message);
    sq_bind_text(st, 11, r->lang);
    sq_bind_text_opt(st, 12, r->fields);
    sqlite3_bind_int64(st, 13, r->reply_by);
    sq_bind_text(st, 14, r->created_by);
    sqlite3_bind_int64(st, 15, r->created_at);
    int rc = sq_result(sqlite3_step(st));
    if (rc != STORE_OK)
        return rc;
    struct audit_rec e;
    store_audit_request_create(&e, r);
    if ((rc = sq_audit_put(s, &e)) != STORE_OK)
        return rc;
    /* the reporting organisation is told, in the same transaction (dedupe "request:<id>") */
    bool webhook;
    struct notification_new n;
    if ((rc = sq_webhook_enabled(s, r->org_id, &webhook)) != STORE_OK)
        return rc;
    store_org_event_note(r->org_id, "request", a->note, webhook, r->created_at, r->id, &n);
    rc = sq_note_add(s, &n, NULL);
    free(n.payload);
    return rc;
}

int sq_request_create(struct store *s, const struct request_rec *r, const char *note)
{
    struct request_job a = {r, note};
    return sq_submit(SQ(s), request_run, &a);
}

int sq_request_get(struct store *s, const char *id, struct request_rec *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = sq_stmt(c, SQ_REQ_GET);
    sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_request(st, out);
    sqlite3_reset(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
}

int sq_requests_list(struct store *s, const struct request_filter *f, struct request_list *out)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    memset(out, 0, sizeof(*out));
    if (!c)
        return STORE_UNAVAILABLE;
    enum sq_stmt which = f->submission_id ? SQ_REQ_BY_SUB
                         : f->incident_id ? SQ_REQ_BY_INCIDENT
                                          : SQ_REQ_OPEN;
    sqlite3_stmt *st = sq_stmt(c, which);
    sq_bind_text(st, 1,
                 f->submission_id ? f->submission_id
                 : f->incident_id ? f->incident_id
                                  : f->open_of_org);
    sqlite3_bind_int(st, 2, f->limit);
    int rc = read_requests(st, out);
    sq_read_put(SQ(s), c);
    return rc;
}

/* ---- what a submit does for the receiving side ---- */

/* The incident's open requests that n answers, answered by it now. */
static int answer_requests(struct sq_store *s, const struct submit_write *w,
                           const struct submission_new *n)
{
    struct request_list l = {0};
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_REQ_OPEN_INCIDENT);
    sq_bind_text(st, 1, w->incident_id);
    int rc = read_requests(st, &l);
    for (size_t i = 0; rc == STORE_OK && i < l.n; i++) {
        if (!store_request_answered_by(&l.items[i], n->recipient_id, n->obligation_id))
            continue;
        st = sq_stmt(&s->w, SQ_REQ_ANSWER);
        sq_bind_text(st, 1, l.items[i].id);
        sq_bind_text(st, 2, n->id);
        sqlite3_bind_int64(st, 3, w->now_ms);
        if ((rc = sq_result(sqlite3_step(st))) != STORE_OK)
            break;
        struct audit_rec e;
        store_audit_request_answer(&e, l.items[i].id, n->id, w->actor, w->now_ms);
        rc = sq_audit_put(s, &e);
    }
    request_list_release(&l);
    return rc;
}

/* The arrival event of n for the organisation bound to its recipient, when that organisation
 * has an enabled webhook (its subscription); dedupe "arrival:<submission id>". */
static int announce_arrival(struct sq_store *s, const struct submit_write *w,
                            const struct submission_new *n)
{
    char org[UUID_STR_LEN] = "";
    bool webhook = false;
    if (!store_arrival_wanted(n->channel, w->drill))
        return STORE_OK;
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_BIND_GET);
    sq_bind_text(st, 1, n->recipient_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sq_col_copy(st, 0, org, sizeof(org));
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return STORE_UNAVAILABLE;
    if (!org[0] || (rc = sq_webhook_enabled(s, org, &webhook)) != STORE_OK || !webhook)
        return org[0] ? rc : STORE_OK;
    struct notification_new note;
    store_arrival_note(org, w, n, &note);
    rc = sq_note_add(s, &note, NULL);
    free(note.payload);
    return rc;
}

int sq_submit_received(struct sq_store *s, const struct submit_write *w,
                       const struct submission_new *n)
{
    int rc = answer_requests(s, w, n);
    return rc == STORE_OK ? announce_arrival(s, w, n) : rc;
}
