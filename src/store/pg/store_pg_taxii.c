/*
 * store_pg_taxii.c — the TAXII 2.1 server's collections, objects and status resources (issue 13
 * item 5) in PostgreSQL (issue 14), with the semantics of src/store/sqlite/store_sqlite_taxii.c
 * (the schema and why it has this shape: migration 14).
 *
 * date_added is strictly increasing within a collection, in milliseconds (TAXII 2.1 §3.4: a
 * client pages with added_after alone, so two versions must never share one): the writer reads
 * the collection's newest date_added and gives each new version one more, or the clock when
 * that is later. Several nodes may write to one database; the read and the inserts run in one
 * batch under the write lock (store_pg_int.h, PG_LOCK_WRITE), and in READ COMMITTED each
 * statement sees every batch committed before it (PostgreSQL 15 §13.2.1), so no other node can
 * add to the collection between our read and our commit, and a version committed later always
 * has a later date_added than every version committed before it — a reader that paged up to
 * one never misses one added behind it. The unique index (collection_id, date_added) refuses a
 * duplicate should this ever break.
 *
 * Values of match[] filters are sent as one JSON array per filter (json_array_elements_text),
 * so a query has at most eight parameters however many values it carries.
 */
#include "store_pg_int.h"
#include "../store_int.h"
#include "../../core/buf.h"

/* Values of all match[] filters of one query together: as on SQLite (the TAXII parser's limits
 * are far below it). */
#define TAXII_MAX_BOUND 2000

static int audit(struct pg_store *s, const char *action, const char *type, const char *id,
                 const char *detail, const char *actor, int64_t now)
{
    struct audit_rec e;
    store_audit_entry(&e, actor, action, type, id, detail, NULL, now);
    return pg_audit_put(s, &e);
}

/* ---- collections ---- */

struct coll_job {
    const struct taxii_collection_rec *c;
    const char *actor;
    int64_t now;
};

/* The values every write of a collection sets, $2…$7 after its id. */
static void coll_params(struct pg_params *p, const struct taxii_collection_rec *c, int64_t now)
{
    pg_params_init(p);
    pg_p_text(p, c->id);
    pg_p_text_opt(p, c->alias); /* "" is no alias: NULL, which UNIQUE lets many have */
    pg_p_text(p, c->title);
    pg_p_text(p, c->description);
    pg_p_int(p, c->tlp);
    pg_p_text(p, c->audience ? c->audience : "{}");
    pg_p_text(p, c->writers ? c->writers : "[]");
    pg_p_int(p, now);
}

/* Updates the collection when its id exists, else creates it: a taken alias is STORE_EXISTS
 * (23505), an unknown owner STORE_INVALID (23503). */
static int coll_put_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct coll_job *a = arg;
    struct pg_params p;
    int64_t changed = 0;
    coll_params(&p, a->c, a->now);
    int r = pg_exec_changes(w,
                            "UPDATE taxii_collections SET alias = $2, title = $3,"
                            " description = $4, tlp = $5, audience = $6, writers = $7,"
                            " updated_at = $8 WHERE id = $1",
                            &p, &changed);
    if (r)
        return r;
    if (changed)
        return audit(s, "taxii.collection_update", "taxii_collection", a->c->id, "", a->actor,
                     a->now);
    coll_params(&p, a->c, a->now);
    pg_p_text(&p, a->c->owner_org);
    r = pg_exec(w,
                "INSERT INTO taxii_collections (id, alias, title, description, tlp, audience,"
                " writers, created_at, updated_at, owner_org)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
                &p, NULL);
    return r ? r
             : audit(s, "taxii.collection_create", "taxii_collection", a->c->id, "", a->actor,
                     a->now);
}

int pg_taxii_collection_put(struct store *s, const struct taxii_collection_rec *c,
                            const char *actor, int64_t now)
{
    struct coll_job a = {c, actor, now};
    return pg_submit(PG(s), coll_put_run, &a);
}

#define COLL_COLS                                                                                  \
    "SELECT id, coalesce(alias, ''), title, description, owner_org, tlp, audience, writers,"       \
    " created_at, updated_at FROM taxii_collections"

static void coll_row(const PGresult *r, int i, struct taxii_collection_rec *c)
{
    memset(c, 0, sizeof(*c));
    pg_copy(r, i, 0, c->id, sizeof(c->id));
    pg_copy(r, i, 1, c->alias, sizeof(c->alias));
    pg_copy(r, i, 2, c->title, sizeof(c->title));
    pg_copy(r, i, 3, c->description, sizeof(c->description));
    pg_copy(r, i, 4, c->owner_org, sizeof(c->owner_org));
    c->tlp = (int)pg_int(r, i, 5);
    c->audience = pg_dup(r, i, 6);
    c->writers = pg_dup(r, i, 7);
    c->created_at = pg_int(r, i, 8);
    c->updated_at = pg_int(r, i, 9);
}

/* By id when key is a UUID, else by alias. */
int pg_taxii_collection_get(struct store *s, const char *key, struct taxii_collection_rec *out)
{
    struct pg_params p;
    PGresult *r;
    memset(out, 0, sizeof(*out));
    bool by_id = key && uuid_valid(key, strlen(key));
    pg_params_init(&p);
    pg_p_text(&p, key ? key : "");
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c, by_id ? COLL_COLS " WHERE id = $1" : COLL_COLS " WHERE alias = $1", &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
    if (!rc)
        coll_row(r, 0, out);
    PQclear(r);
    return rc;
}

/* By title, then id, in code point order whatever the database's collation (SQLite's BINARY). */
int pg_taxii_collection_list(struct store *s, struct taxii_collection_rec **out, size_t *n)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c, COLL_COLS " ORDER BY title COLLATE \"C\", id COLLATE \"C\"", NULL, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    size_t rows = (size_t)PQntuples(r);
    if (rows)
        *out = xcalloc(rows, sizeof(**out));
    for (size_t i = 0; i < rows; i++)
        coll_row(r, (int)i, &(*out)[i]);
    *n = rows;
    PQclear(r);
    return STORE_OK;
}

/* ---- adding objects ---- */

/* (collection, object) and, when version is not NULL, the version, as $1, $2, $3. */
static void obj_params(struct pg_params *p, const char *coll, const char *obj,
                       const int64_t *version)
{
    pg_params_init(p);
    pg_p_text(p, coll);
    pg_p_text(p, obj);
    if (version)
        pg_p_int(p, *version);
}

/* The newest date_added in the collection plus one, or now, whichever is later; read under the
 * write lock (see the top of this file). STORE_NOT_FOUND: no such collection. */
static int next_date_added(struct pg_conn *w, const char *coll, int64_t now_ms, int64_t *out)
{
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    pg_p_text(&p, coll);
    int rc = pg_exec(w,
                     "SELECT (SELECT count(*) FROM taxii_collections WHERE id = $1),"
                     " (SELECT max(date_added) FROM taxii_objects WHERE collection_id = $1)",
                     &p, &r);
    if (rc)
        return rc;
    int64_t last = pg_int(r, 0, 1);
    *out = now_ms > last ? now_ms : last + 1;
    rc = pg_int(r, 0, 0) ? STORE_OK : STORE_NOT_FOUND;
    PQclear(r);
    return rc;
}

/* Writer: the date_added of that version already in the collection (*found), if any. */
static int existing(struct pg_conn *w, const char *coll, const struct taxii_object_in *o,
                    bool *found, int64_t *added)
{
    struct pg_params p;
    PGresult *r;
    obj_params(&p, coll, o->id, &o->version_ms);
    int rc = pg_exec(w,
                     "SELECT date_added FROM taxii_objects WHERE collection_id = $1"
                     " AND object_id = $2 AND version_ms = $3",
                     &p, &r);
    if (rc)
        return rc;
    *found = PQntuples(r) > 0;
    *added = *found ? pg_int(r, 0, 0) : 0;
    PQclear(r);
    return STORE_OK;
}

/* Adds one version: marks it last and/or first against the object's versions already there. */
static int add_one(struct pg_conn *w, const struct taxii_add *a, size_t i, int64_t added)
{
    const struct taxii_object_in *o = &a->objs[i];
    struct pg_params p;
    PGresult *r;
    obj_params(&p, a->collection_id, o->id, NULL);
    int rc = pg_exec(w,
                     "SELECT max(version_ms), min(version_ms), count(*) FROM taxii_objects"
                     " WHERE collection_id = $1 AND object_id = $2",
                     &p, &r);
    if (rc)
        return rc;
    bool any = pg_int(r, 0, 2) > 0;
    bool last = !any || o->version_ms > pg_int(r, 0, 0);
    bool first = !any || o->version_ms < pg_int(r, 0, 1);
    PQclear(r);
    if (any && last &&
        (rc = pg_exec(w,
                      "UPDATE taxii_objects SET is_last = 0 WHERE collection_id = $1"
                      " AND object_id = $2 AND is_last = 1",
                      &p, NULL)))
        return rc;
    if (any && first &&
        (rc = pg_exec(w,
                      "UPDATE taxii_objects SET is_first = 0 WHERE collection_id = $1"
                      " AND object_id = $2 AND is_first = 1",
                      &p, NULL)))
        return rc;
    obj_params(&p, a->collection_id, o->id, &o->version_ms);
    pg_p_text(&p, o->type);
    pg_p_text(&p, o->spec_version);
    pg_p_int(&p, added);
    pg_p_int(&p, last);
    pg_p_int(&p, first);
    pg_p_text(&p, a->org_id);
    pg_p_textn(&p, o->body, o->body_len);
    rc = pg_exec(w,
                 "INSERT INTO taxii_objects (collection_id, object_id, version_ms, type,"
                 " spec_version, date_added, is_last, is_first, org_id, body)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                 &p, NULL);
    /* as on SQLite, any failure here is the store's (a taken (collection, date_added) would
     * mean the rule at the top of this file broke), never the caller's */
    return rc ? STORE_UNAVAILABLE : STORE_OK;
}

/* Sets every result and date_added from scratch (a batch may run again). */
static int add_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    struct taxii_add *a = arg;
    int64_t next;
    size_t added = 0;
    int r = next_date_added(w, a->collection_id, a->now_ms, &next);
    for (size_t i = 0; !r && i < a->n; i++) {
        bool found = false;
        int64_t at = 0;
        if ((r = existing(w, a->collection_id, &a->objs[i], &found, &at)))
            break;
        if (found) { /* the same version again: kept as it was (idempotent) */
            a->results[i] = STORE_REPLAYED;
            a->date_added[i] = at;
            continue;
        }
        if ((r = add_one(w, a, i, next)))
            break;
        a->results[i] = STORE_OK;
        a->date_added[i] = next++;
        added++;
    }
    if (r)
        return r;
    char detail[64];
    snprintf(detail, sizeof(detail), "added %zu of %zu", added, a->n);
    return audit(s, "taxii.objects_add", "taxii_collection", a->collection_id, detail, a->actor,
                 a->now_ms);
}

int pg_taxii_objects_add(struct store *s, struct taxii_add *a)
{
    return pg_submit(PG(s), add_run, a);
}

/* ---- querying ---- */

/* A query's SQL text and its parameters; the JSON arrays the parameters point into live here
 * until the statement ran. */
struct qsql {
    struct buf sql;
    struct pg_params p;
    struct buf lists[4];
};

static void qsql_init(struct qsql *q)
{
    buf_init(&q->sql, BUF_UNLIMITED);
    pg_params_init(&q->p);
    for (size_t i = 0; i < ARRAY_SIZE(q->lists); i++)
        buf_init(&q->lists[i], BUF_UNLIMITED);
}

static void qsql_release(struct qsql *q)
{
    buf_release(&q->sql);
    for (size_t i = 0; i < ARRAY_SIZE(q->lists); i++)
        buf_release(&q->lists[i]);
}

/* " AND col IN (the n values)", the values bound as one JSON array of strings. */
static void in_list(struct qsql *q, struct buf *b, const char *col, const char *const *v, size_t n)
{
    buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        buf_json_str(b, v[i], strlen(v[i]));
    }
    buf_putc(b, ']');
    pg_p_text(&q->p, buf_cstr(b));
    buf_appendf(&q->sql, " AND %s IN (SELECT json_array_elements_text($%d::json))", col, q->p.n);
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
        buf_puts(&q->sql, "is_last = 1");
        sep = " OR ";
    }
    if (v & STORE_TAXII_V_FIRST) {
        buf_appendf(&q->sql, "%sis_first = 1", sep);
        sep = " OR ";
    }
    if (t->nver) {
        struct buf *b = &q->lists[3];
        buf_putc(b, '[');
        for (size_t i = 0; i < t->nver; i++)
            buf_appendf(b, "%s%lld", i ? "," : "", (long long)t->version_ms[i]);
        buf_putc(b, ']');
        pg_p_text(&q->p, buf_cstr(b));
        buf_appendf(&q->sql, "%sversion_ms IN (SELECT json_array_elements_text($%d::json)::bigint)",
                    sep, q->p.n);
    }
    buf_puts(&q->sql, ")");
}

/* "FROM … WHERE …" of the versions t selects, with its parameters. */
static void build_where(struct qsql *q, const struct taxii_obj_query *t)
{
    pg_p_text(&q->p, t->collection_id);
    pg_p_int(&q->p, t->added_after_ms);
    buf_puts(&q->sql, " FROM taxii_objects WHERE collection_id = $1 AND date_added > $2");
    if (t->object_id) {
        pg_p_text(&q->p, t->object_id);
        buf_appendf(&q->sql, " AND object_id = $%d", q->p.n);
    }
    if (t->nids)
        in_list(q, &q->lists[0], "object_id", t->ids, t->nids);
    if (t->ntypes)
        in_list(q, &q->lists[1], "type", t->types, t->ntypes);
    if (t->nspec)
        in_list(q, &q->lists[2], "spec_version", t->spec_versions, t->nspec);
    version_clause(q, t);
}

static bool query_bounded(const struct taxii_obj_query *t)
{
    return t->collection_id && t->nids + t->ntypes + t->nspec + t->nver <= TAXII_MAX_BOUND;
}

#define OBJ_COLS "object_id, type, spec_version, version_ms, date_added"

/* The page's statement. With bodies, at most one page's worth of them crosses the wire: a
 * window sums the bodies' lengths in date_added order (octet_length reads a stored value's size
 * without fetching it), a body comes only with a row that fits in max_bytes (the first always),
 * and after the rows that fit only the next one (its length, to say more) — as SQLite's scan
 * stops reading there. The row's length is the last column. */
static void build_query(struct qsql *q, const struct taxii_obj_query *t)
{
    if (!t->bodies) {
        buf_puts(&q->sql, "SELECT " OBJ_COLS ", NULL, 0");
        build_where(q, t);
        pg_p_int(&q->p, (int64_t)t->limit + 1);
        buf_appendf(&q->sql, " ORDER BY date_added LIMIT $%d", q->p.n);
        return;
    }
    buf_puts(&q->sql, "SELECT " OBJ_COLS ", CASE WHEN m.max = 0 OR t.rn = 1"
                      " OR t.before + t.len <= m.max THEN t.body END, t.len FROM ("
                      "SELECT " OBJ_COLS ", body, octet_length(body) AS len,"
                      " row_number() OVER w AS rn,"
                      " sum(octet_length(body)) OVER w - octet_length(body) AS before");
    build_where(q, t);
    pg_p_int(&q->p, (int64_t)t->limit + 1);
    buf_appendf(&q->sql,
                " WINDOW w AS (ORDER BY date_added ROWS UNBOUNDED PRECEDING)"
                " ORDER BY date_added LIMIT $%d) t",
                q->p.n);
    pg_p_int(&q->p, (int64_t)t->max_bytes);
    buf_appendf(&q->sql,
                ", (SELECT $%d::bigint AS max) m WHERE m.max = 0 OR t.rn <= 2"
                " OR t.before <= m.max ORDER BY t.date_added",
                q->p.n);
}

static void object_row(const PGresult *r, int i, bool bodies, struct taxii_object_row *o)
{
    memset(o, 0, sizeof(*o));
    pg_copy(r, i, 0, o->id, sizeof(o->id));
    pg_copy(r, i, 1, o->type, sizeof(o->type));
    pg_copy(r, i, 2, o->spec_version, sizeof(o->spec_version));
    o->version_ms = pg_int(r, i, 3);
    o->date_added_ms = pg_int(r, i, 4);
    if (bodies) {
        o->body = pg_dup(r, i, 5);
        o->body_len = (size_t)PQgetlength(r, i, 5);
    }
}

/* SQLite's reading loop: stops at limit, or before a body that would pass max_bytes. */
static int collect_objects(const PGresult *r, const struct taxii_obj_query *t,
                           struct taxii_obj_page *out)
{
    size_t bytes = 0, rows = (size_t)PQntuples(r);
    for (size_t i = 0; i < rows; i++) {
        size_t len = t->bodies ? (size_t)pg_int(r, (int)i, 6) : 0;
        if (out->n == t->limit || (t->max_bytes && out->n && bytes + len > t->max_bytes)) {
            out->more = true;
            return STORE_OK;
        }
        if (t->bodies && pg_null(r, (int)i, 5))
            return STORE_UNAVAILABLE; /* never: the statement sends a body with each that fits */
        bytes += len;
        if (!out->items)
            out->items = xcalloc(rows, sizeof(*out->items));
        object_row(r, (int)i, t->bodies, &out->items[out->n++]);
    }
    return STORE_OK;
}

int pg_taxii_objects_query(struct store *s, const struct taxii_obj_query *t,
                           struct taxii_obj_page *out)
{
    memset(out, 0, sizeof(*out));
    if (!query_bounded(t))
        return STORE_INVALID;
    struct qsql q;
    PGresult *r = NULL;
    qsql_init(&q);
    build_query(&q, t);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c, buf_cstr(&q.sql), &q.p, &r);
    pg_read_put(PG(s), c);
    qsql_release(&q);
    if (!rc)
        rc = collect_objects(r, t, out);
    PQclear(r);
    if (rc)
        taxii_obj_page_release(out);
    return rc;
}

/* ---- deleting ---- */

struct del_job {
    const struct taxii_obj_query *q;
    const char *actor;
    int64_t now;
    size_t deleted;
};

/* After versions of an object went: its newest and oldest left are marked again. */
static int remark(struct pg_conn *w, const char *coll, const char *obj)
{
    struct pg_params p;
    obj_params(&p, coll, obj, NULL);
    return pg_exec(w,
                   "UPDATE taxii_objects SET"
                   " is_last = CASE WHEN version_ms = (SELECT max(version_ms) FROM taxii_objects"
                   "   WHERE collection_id = $1 AND object_id = $2) THEN 1 ELSE 0 END,"
                   " is_first = CASE WHEN version_ms = (SELECT min(version_ms) FROM taxii_objects"
                   "   WHERE collection_id = $1 AND object_id = $2) THEN 1 ELSE 0 END"
                   " WHERE collection_id = $1 AND object_id = $2",
                   &p, NULL);
}

static int del_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    struct del_job *a = arg;
    struct qsql q;
    int64_t changed = 0;
    a->deleted = 0;
    qsql_init(&q);
    buf_puts(&q.sql, "DELETE");
    build_where(&q, a->q);
    int r = pg_exec_changes(w, buf_cstr(&q.sql), &q.p, &changed);
    qsql_release(&q);
    if (r)
        return r;
    if (!changed)
        return STORE_NOT_FOUND;
    a->deleted = (size_t)changed;
    if ((r = remark(w, a->q->collection_id, a->q->object_id)))
        return r;
    char detail[STORE_STIX_ID_MAX + 48];
    snprintf(detail, sizeof(detail), "%s: %zu version(s)", a->q->object_id, a->deleted);
    return audit(s, "taxii.object_delete", "taxii_collection", a->q->collection_id, detail,
                 a->actor, a->now);
}

int pg_taxii_object_delete(struct store *s, const struct taxii_obj_query *q, const char *actor,
                           int64_t now, size_t *deleted)
{
    struct del_job a = {q, actor, now, 0};
    *deleted = 0;
    if (!query_bounded(q) || !q->object_id)
        return STORE_INVALID;
    int r = pg_submit(PG(s), del_run, &a);
    *deleted = r ? 0 : a.deleted;
    return r;
}

/* ---- status resources ---- */

struct status_job {
    const char *id, *collection_id, *org_id, *body;
    int64_t now;
};

static int status_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    const struct status_job *a = arg;
    struct pg_params p;
    UNUSED(s);
    pg_params_init(&p);
    pg_p_text(&p, a->id);
    pg_p_text(&p, a->collection_id);
    pg_p_text(&p, a->org_id);
    pg_p_text(&p, a->body);
    pg_p_int(&p, a->now);
    return pg_exec(w,
                   "INSERT INTO taxii_status (id, collection_id, org_id, body, created_at)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   &p, NULL);
}

int pg_taxii_status_put(struct store *s, const char *id, const char *collection_id,
                        const char *org_id, const char *body, int64_t now)
{
    struct status_job a = {id, collection_id, org_id, body, now};
    return pg_submit(PG(s), status_run, &a);
}

int pg_taxii_status_get(struct store *s, const char *id, char org_id[UUID_STR_LEN], char **body)
{
    struct pg_params p;
    PGresult *r;
    *body = NULL;
    org_id[0] = '\0';
    pg_params_init(&p);
    pg_p_text(&p, id);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_exec(c, "SELECT org_id, body FROM taxii_status WHERE id = $1", &p, &r);
    pg_read_put(PG(s), c);
    if (rc)
        return rc;
    rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
    if (!rc) {
        pg_copy(r, 0, 0, org_id, UUID_STR_LEN);
        *body = pg_dup(r, 0, 1);
    }
    PQclear(r);
    return rc;
}
