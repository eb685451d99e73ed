/*
 * store_sqlite_taxii.c — the TAXII 2.1 server's collections, objects and status resources in
 * SQLite (store.h, issue 13 item 5; the schema and why it has this shape: migration 13).
 *
 * Mechanism only: who may read or add is decided in app/ (the sharing policy); this file keeps
 * date_added strictly increasing within a collection and the is_last / is_first marks right,
 * which is what makes a page one index range scan. Statements are prepared per call: the
 * object queries are built from the filters a request carries (TAXII 2.1 §3.4.2), and the
 * others are too rare to hold a prepared statement on every connection.
 */
#include "store_sqlite_int.h"
#include "../store_int.h"
#include "../../core/buf.h"

#define SQ(s) ((struct sq_store *)(s))
/* Values of all match[] filters of one query together: far above what a request may carry
 * (the TAXII parser's limits), far below SQLite's limit on parameters. */
#define TAXII_MAX_BOUND 2000

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? STORE_OK : STORE_UNAVAILABLE;
}

/* A failed step: a unique alias is taken (STORE_EXISTS), a reference is dangling
 * (STORE_INVALID), or anything else (STORE_UNAVAILABLE). */
static int step_error(sqlite3 *db, int rc)
{
    if ((rc & 0xff) != SQLITE_CONSTRAINT)
        return STORE_UNAVAILABLE;
    return sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_FOREIGNKEY ? STORE_INVALID
                                                                        : STORE_EXISTS;
}

static int audit(struct sq_store *s, const char *action, const char *type, const char *id,
                 const char *detail, const char *actor, int64_t now)
{
    struct audit_rec e;
    store_audit_entry(&e, actor, action, type, id, detail, NULL, now);
    return sq_audit_put(s, &e);
}

/* ---- collections ---- */

struct coll_job {
    const struct taxii_collection_rec *c;
    const char *actor;
    int64_t now;
};

static const char coll_update_sql[] =
    "UPDATE taxii_collections SET alias=?2, title=?3, description=?4, tlp=?6, audience=?7,"
    " writers=?8, updated_at=?9 WHERE id=?1";
static const char coll_insert_sql[] =
    "INSERT INTO taxii_collections (id, alias, title, description, owner_org, tlp, audience,"
    " writers, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";

static void bind_collection(sqlite3_stmt *st, const struct taxii_collection_rec *c, int64_t now)
{
    sq_bind_text(st, 1, c->id);
    sq_bind_text_opt(st, 2, c->alias[0] ? c->alias : NULL);
    sq_bind_text(st, 3, c->title);
    sq_bind_text(st, 4, c->description);
    sq_bind_text(st, 5, c->owner_org);
    sqlite3_bind_int(st, 6, c->tlp);
    sq_bind_text(st, 7, c->audience ? c->audience : "{}");
    sq_bind_text(st, 8, c->writers ? c->writers : "[]");
    sqlite3_bind_int64(st, 9, now);
}

static int coll_put_run(struct sq_store *s, struct wjob *j)
{
    const struct coll_job *a = j->arg;
    sqlite3_stmt *st = NULL;
    int r = prep(s->w.db, coll_update_sql, &st);
    if (r)
        return r;
    bind_collection(st, a->c, a->now);
    int rc = sqlite3_step(st);
    bool updated = rc == SQLITE_DONE && sqlite3_changes(s->w.db) > 0;
    if (rc != SQLITE_DONE)
        r = step_error(s->w.db, rc);
    sqlite3_finalize(st);
    if (r || updated)
        return r ? r
                 : audit(s, "taxii.collection_update", "taxii_collection", a->c->id, "", a->actor,
                         a->now);
    if ((r = prep(s->w.db, coll_insert_sql, &st)))
        return r;
    bind_collection(st, a->c, a->now);
    rc = sqlite3_step(st);
    r = rc == SQLITE_DONE ? STORE_OK : step_error(s->w.db, rc);
    sqlite3_finalize(st);
    return r ? r
             : audit(s, "taxii.collection_create", "taxii_collection", a->c->id, "", a->actor,
                     a->now);
}

int sq_taxii_collection_put(struct store *s, const struct taxii_collection_rec *c,
                            const char *actor, int64_t now)
{
    struct coll_job a = {c, actor, now};
    return sq_submit(SQ(s), coll_put_run, &a);
}

#define COLL_COLS                                                                                  \
    "SELECT id, COALESCE(alias, ''), title, description, owner_org, tlp, audience, writers,"       \
    " created_at, updated_at FROM taxii_collections"

static void coll_row(sqlite3_stmt *st, struct taxii_collection_rec *c)
{
    memset(c, 0, sizeof(*c));
    sq_col_copy(st, 0, c->id, sizeof(c->id));
    sq_col_copy(st, 1, c->alias, sizeof(c->alias));
    sq_col_copy(st, 2, c->title, sizeof(c->title));
    sq_col_copy(st, 3, c->description, sizeof(c->description));
    sq_col_copy(st, 4, c->owner_org, sizeof(c->owner_org));
    c->tlp = sqlite3_column_int(st, 5);
    c->audience = sq_col_dup(st, 6);
    c->writers = sq_col_dup(st, 7);
    c->created_at = sqlite3_column_int64(st, 8);
    c->updated_at = sqlite3_column_int64(st, 9);
}

int sq_taxii_collection_get(struct store *s, const char *key, struct taxii_collection_rec *out)
{
    memset(out, 0, sizeof(*out));
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st = NULL;
    if (!c)
        return STORE_UNAVAILABLE;
    bool by_id = key && uuid_valid(key, strlen(key));
    int r = prep(c->db, by_id ? COLL_COLS " WHERE id=?1" : COLL_COLS " WHERE alias=?1", &st);
    if (!r) {
        sq_bind_text(st, 1, key ? key : "");
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            coll_row(st, out);
        r = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
    }
    sqlite3_finalize(st);
    sq_read_put(SQ(s), c);
    return r;
}

int sq_taxii_collection_list(struct store *s, struct taxii_collection_rec **out, size_t *n)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = SQLITE_ERROR;
    *out = NULL;
    *n = 0;
    if (!c)
        return STORE_UNAVAILABLE;
    if (!prep(c->db, COLL_COLS " ORDER BY title, id", &st)) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 8;
                *out = xrealloc(*out, cap * sizeof(**out));
            }
            coll_row(st, &(*out)[(*n)++]);
        }
    }
    sqlite3_finalize(st);
    sq_read_put(SQ(s), c);
    return rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* ---- adding objects ---- */

/* The statements one envelope's objects need, prepared once per envelope. */
struct add_stmts {
    sqlite3_stmt *existing, *range, *unlast, *unfirst, *insert;
};

static const char *const add_sql[] = {
    "SELECT date_added FROM taxii_objects WHERE collection_id=?1 AND object_id=?2"
    " AND version_ms=?3",
    "SELECT MAX(version_ms), MIN(version_ms), COUNT(*) FROM taxii_objects"
    " WHERE collection_id=?1 AND object_id=?2",
    "UPDATE taxii_objects SET is_last=0 WHERE collection_id=?1 AND object_id=?2 AND is_last=1",
    "UPDATE taxii_objects SET is_first=0 WHERE collection_id=?1 AND object_id=?2 AND is_first=1",
    "INSERT INTO taxii_objects (collection_id, object_id, version_ms, type, spec_version,"
    " date_added, is_last, is_first, org_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
    " ?10)",
};

static void add_stmts_free(struct add_stmts *a)
{
    sqlite3_stmt **all[] = {&a->existing, &a->range, &a->unlast, &a->unfirst, &a->insert};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

static int add_stmts_prepare(sqlite3 *db, struct add_stmts *a)
{
    sqlite3_stmt **all[] = {&a->existing, &a->range, &a->unlast, &a->unfirst, &a->insert};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        if (prep(db, add_sql[i], all[i]))
            return STORE_UNAVAILABLE;
    return STORE_OK;
}

/* Runs st bound to (collection, object) and, when version is not NULL, its version. */
static int run_obj(sqlite3_stmt *st, const char *coll, const char *obj, const int64_t *version)
{
    sqlite3_reset(st);
    sq_bind_text(st, 1, coll);
    sq_bind_text(st, 2, obj);
    if (version)
        sqlite3_bind_int64(st, 3, *version);
    return sqlite3_step(st);
}

/* The newest date_added in the collection plus one, or now, whichever is later. */
static int next_date_added(struct sq_store *s, const char *coll, int64_t now_ms, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    if (prep(s->w.db,
             "SELECT (SELECT COUNT(*) FROM taxii_collections WHERE id=?1),"
             " (SELECT MAX(date_added) FROM taxii_objects WHERE collection_id=?1)",
             &st))
        return STORE_UNAVAILABLE;
    sq_bind_text(st, 1, coll);
    int r = STORE_UNAVAILABLE;
    if (sqlite3_step(st) == SQLITE_ROW) {
        int64_t last = sqlite3_column_int64(st, 1);
        *out = now_ms > last ? now_ms : last + 1;
        r = sqlite3_column_int(st, 0) ? STORE_OK : STORE_NOT_FOUND;
    }
    sqlite3_finalize(st);
    return r;
}

/* Adds one version: marks it last and/or first against the object's versions already there. */
static int add_one(struct add_stmts *q, const struct taxii_add *a, size_t i, int64_t added)
{
    const struct taxii_object_in *o = &a->objs[i];
    int rc = run_obj(q->range, a->collection_id, o->id, NULL);
    if (rc != SQLITE_ROW)
        return STORE_UNAVAILABLE;
    bool any = sqlite3_column_int64(q->range, 2) > 0;
    bool last = !any || o->version_ms > sqlite3_column_int64(q->range, 0);
    bool first = !any || o->version_ms < sqlite3_column_int64(q->range, 1);
    if ((any && last && run_obj(q->unlast, a->collection_id, o->id, NULL) != SQLITE_DONE) ||
        (any && first && run_obj(q->unfirst, a->collection_id, o->id, NULL) != SQLITE_DONE))
        return STORE_UNAVAILABLE;
    sqlite3_stmt *st = q->insert;
    sqlite3_reset(st);
    sq_bind_text(st, 1, a->collection_id);
    sq_bind_text(st, 2, o->id);
    sqlite3_bind_int64(st, 3, o->version_ms);
    sq_bind_text(st, 4, o->type);
    sq_bind_text(st, 5, o->spec_version);
    sqlite3_bind_int64(st, 6, added);
    sqlite3_bind_int(st, 7, last);
    sqlite3_bind_int(st, 8, first);
    sq_bind_text(st, 9, a->org_id);
    sqlite3_bind_text(st, 10, o->body, (int)o->body_len, SQLITE_STATIC);
    return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

static int add_run(struct sq_store *s, struct wjob *j)
{
    struct taxii_add *a = j->arg;
    struct add_stmts q = {0};
    int64_t next;
    size_t added = 0;
    int r = next_date_added(s, a->collection_id, a->now_ms, &next);
    if (!r)
        r = add_stmts_prepare(s->w.db, &q);
    for (size_t i = 0; !r && i < a->n; i++) {
        int rc = run_obj(q.existing, a->collection_id, a->objs[i].id, &a->objs[i].version_ms);
        if (rc == SQLITE_ROW) { /* the same version again: kept as it was (idempotent) */
            a->results[i] = STORE_REPLAYED;
            a->date_added[i] = sqlite3_column_int64(q.existing, 0);
            continue;
        }
        if (rc != SQLITE_DONE) {
            r = STORE_UNAVAILABLE;
            break;
        }
        if ((r = add_one(&q, a, i, next)))
            break;
        a->results[i] = STORE_OK;
        a->date_added[i] = next++;
        added++;
    }
    add_stmts_free(&q);
    if (r)
        return r;
    char detail[64];
    snprintf(detail, sizeof(detail), "added %zu of %zu", added, a->n);
    return audit(s, "taxii.objects_add", "taxii_collection", a->collection_id, detail, a->actor,
                 a->now_ms);
}

int sq_taxii_objects_add(struct store *s, struct taxii_add *a)
{
    return sq_submit(SQ(s), add_run, a);
}

/* ---- querying ---- */

/* A query's SQL text and the values it binds, in order. */
struct qsql {
    struct buf sql;
    int nbound;
};

static void in_list(struct qsql *q, const char *col, size_t n)
{
    buf_appendf(&q->sql, " AND %s IN (", col);
    for (size_t i = 0; i < n; i++)
        buf_appendf(&q->sql, "%s?", i ? "," : "");
    buf_append(&q->sql, ")", 1);
}

/* The version part of the WHERE clause: TAXII 2.1 §3.4.2, values combine with OR. */
static void version_clause(struct qsql *q, const struct taxii_obj_query *t)
{
    unsigned v = t->versions ? t->versions : (t->nver ? 0u : STORE_TAXII_V_LAST);
    if (v & STORE_TAXII_V_ALL)
        return;
    const char *sep = "";
    buf_puts(&q->sql, " AND (");
    if (v & STORE_TAXII_V_LAST) {
        buf_puts(&q->sql, "is_last=1");
        sep = " OR ";
    }
    if (v & STORE_TAXII_V_FIRST) {
        buf_appendf(&q->sql, "%sis_first=1", sep);
        sep = " OR ";
    }
    if (t->nver) {
        buf_appendf(&q->sql, "%sversion_ms IN (", sep);
        for (size_t i = 0; i < t->nver; i++)
            buf_appendf(&q->sql, "%s?", i ? "," : "");
        buf_puts(&q->sql, ")");
    }
    buf_puts(&q->sql, ")");
}

/* The statement's text; binding follows the same order in bind_query. */
static void build_query(struct qsql *q, const struct taxii_obj_query *t, const char *verb)
{
    buf_appendf(&q->sql, "%s FROM taxii_objects WHERE collection_id=? AND date_added>?", verb);
    if (t->object_id)
        buf_puts(&q->sql, " AND object_id=?");
    if (t->nids)
        in_list(q, "object_id", t->nids);
    if (t->ntypes)
        in_list(q, "type", t->ntypes);
    if (t->nspec)
        in_list(q, "spec_version", t->nspec);
    version_clause(q, t);
}

static void bind_list(sqlite3_stmt *st, int *i, const char *const *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        sq_bind_text(st, ++*i, v[k]);
}

static int bind_query(sqlite3_stmt *st, const struct taxii_obj_query *t)
{
    int i = 0;
    sq_bind_text(st, ++i, t->collection_id);
    sqlite3_bind_int64(st, ++i, t->added_after_ms);
    if (t->object_id)
        sq_bind_text(st, ++i, t->object_id);
    bind_list(st, &i, t->ids, t->nids);
    bind_list(st, &i, t->types, t->ntypes);
    bind_list(st, &i, t->spec_versions, t->nspec);
    for (size_t k = 0; k < t->nver; k++)
        sqlite3_bind_int64(st, ++i, t->version_ms[k]);
    return i;
}

static bool query_bounded(const struct taxii_obj_query *t)
{
    return t->collection_id && t->nids + t->ntypes + t->nspec + t->nver <= TAXII_MAX_BOUND;
}

static void object_row(sqlite3_stmt *st, bool bodies, struct taxii_object_row *o)
{
    memset(o, 0, sizeof(*o));
    sq_col_copy(st, 0, o->id, sizeof(o->id));
    sq_col_copy(st, 1, o->type, sizeof(o->type));
    sq_col_copy(st, 2, o->spec_version, sizeof(o->spec_version));
    o->version_ms = sqlite3_column_int64(st, 3);
    o->date_added_ms = sqlite3_column_int64(st, 4);
    if (bodies) {
        o->body = sq_col_dup(st, 5);
        o->body_len = (size_t)sqlite3_column_bytes(st, 5);
    }
}

static int collect_objects(sqlite3_stmt *st, const struct taxii_obj_query *t,
                           struct taxii_obj_page *out)
{
    size_t cap = 0, bytes = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t len = t->bodies ? (size_t)sqlite3_column_bytes(st, 5) : 0;
        if (out->n == t->limit || (t->max_bytes && out->n && bytes + len > t->max_bytes)) {
            out->more = true;
            return STORE_OK;
        }
        bytes += len;
        if (out->n == cap) {
            cap = cap ? 2 * cap : 32;
            out->items = xrealloc(out->items, cap * sizeof(*out->items));
        }
        object_row(st, t->bodies, &out->items[out->n++]);
    }
    return rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

int sq_taxii_objects_query(struct store *s, const struct taxii_obj_query *t,
                           struct taxii_obj_page *out)
{
    memset(out, 0, sizeof(*out));
    if (!query_bounded(t))
        return STORE_INVALID;
    struct qsql q = {.nbound = 0};
    sqlite3_stmt *st = NULL;
    buf_init(&q.sql, BUF_UNLIMITED);
    build_query(&q, t,
                t->bodies ? "SELECT object_id, type, spec_version, version_ms, date_added, body"
                          : "SELECT object_id, type, spec_version, version_ms, date_added");
    buf_appendf(&q.sql, " ORDER BY date_added LIMIT %zu", t->limit + 1);
    struct sq_conn *c = sq_read_get(SQ(s));
    int r = c ? prep(c->db, buf_cstr(&q.sql), &st) : STORE_UNAVAILABLE;
    if (!r) {
        bind_query(st, t);
        r = collect_objects(st, t, out);
    }
    sqlite3_finalize(st);
    if (c)
        sq_read_put(SQ(s), c);
    buf_release(&q.sql);
    if (r)
        taxii_obj_page_release(out);
    return r;
}

/* ---- deleting ---- */

struct del_job {
    const struct taxii_obj_query *q;
    const char *actor;
    int64_t now;
    size_t deleted;
};

/* After versions of an object went: its newest and oldest left are marked again. */
static int remark(struct sq_store *s, const char *coll, const char *obj)
{
    sqlite3_stmt *st = NULL;
    if (prep(s->w.db,
             "UPDATE taxii_objects SET"
             " is_last = version_ms = (SELECT MAX(version_ms) FROM taxii_objects"
             "   WHERE collection_id=?1 AND object_id=?2),"
             " is_first = version_ms = (SELECT MIN(version_ms) FROM taxii_objects"
             "   WHERE collection_id=?1 AND object_id=?2)"
             " WHERE collection_id=?1 AND object_id=?2",
             &st))
        return STORE_UNAVAILABLE;
    int rc = run_obj(st, coll, obj, NULL);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

static int del_run(struct sq_store *s, struct wjob *j)
{
    struct del_job *a = j->arg;
    struct qsql q = {.nbound = 0};
    sqlite3_stmt *st = NULL;
    buf_init(&q.sql, BUF_UNLIMITED);
    build_query(&q, a->q, "DELETE");
    int r = prep(s->w.db, buf_cstr(&q.sql), &st);
    buf_release(&q.sql);
    if (r)
        return r;
    bind_query(st, a->q);
    int rc = sqlite3_step(st);
    a->deleted = rc == SQLITE_DONE ? (size_t)sqlite3_changes(s->w.db) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return STORE_UNAVAILABLE;
    if (!a->deleted)
        return STORE_NOT_FOUND;
    if ((r = remark(s, a->q->collection_id, a->q->object_id)))
        return r;
    char detail[STORE_STIX_ID_MAX + 48];
    snprintf(detail, sizeof(detail), "%s: %zu version(s)", a->q->object_id, a->deleted);
    return audit(s, "taxii.object_delete", "taxii_collection", a->q->collection_id, detail,
                 a->actor, a->now);
}

int sq_taxii_object_delete(struct store *s, const struct taxii_obj_query *q, const char *actor,
                           int64_t now, size_t *deleted)
{
    struct del_job a = {q, actor, now, 0};
    *deleted = 0;
    if (!query_bounded(q) || !q->object_id)
        return STORE_INVALID;
    int r = sq_submit(SQ(s), del_run, &a);
    *deleted = r ? 0 : a.deleted;
    return r;
}

/* ---- status resources ---- */

struct status_job {
    const char *id, *collection_id, *org_id, *body;
    int64_t now;
};

static int status_run(struct sq_store *s, struct wjob *j)
{
    const struct status_job *a = j->arg;
    sqlite3_stmt *st = NULL;
    if (prep(s->w.db,
             "INSERT INTO taxii_status (id, collection_id, org_id, body, created_at)"
             " VALUES (?1, ?2, ?3, ?4, ?5)",
             &st))
        return STORE_UNAVAILABLE;
    sq_bind_text(st, 1, a->id);
    sq_bind_text(st, 2, a->collection_id);
    sq_bind_text(st, 3, a->org_id);
    sq_bind_text(st, 4, a->body);
    sqlite3_bind_int64(st, 5, a->now);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : step_error(s->w.db, rc);
}

int sq_taxii_status_put(struct store *s, const char *id, const char *collection_id,
                        const char *org_id, const char *body, int64_t now)
{
    struct status_job a = {id, collection_id, org_id, body, now};
    return sq_submit(SQ(s), status_run, &a);
}

int sq_taxii_status_get(struct store *s, const char *id, char org_id[UUID_STR_LEN], char **body)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st = NULL;
    *body = NULL;
    org_id[0] = '\0';
    if (!c)
        return STORE_UNAVAILABLE;
    int r = prep(c->db, "SELECT org_id, body FROM taxii_status WHERE id=?1", &st);
    if (!r) {
        sq_bind_text(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            sq_col_copy(st, 0, org_id, UUID_STR_LEN);
            *body = sq_col_dup(st, 1);
        }
        r = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_UNAVAILABLE;
    }
    sqlite3_finalize(st);
    sq_read_put(SQ(s), c);
    return r;
}
