/*
 * store_sqlite_copy.c — the SQLite side of copying a store (issue 14 item 3; contract: the
 * copy_* operations in store.h, policy in store_copy.c): the tables as the schema declares them
 * (sqlite_schema, pragma_table_info, pragma_foreign_key_list), every row read in one snapshot
 * with every writer kept out, and a load in one write transaction.
 */
#include <fcntl.h>
#include <unistd.h>

#include "store_sqlite_int.h"
#include "../store_int.h"

/* SQL identifiers come from the schema; one with a double quote is never made by a migration
 * and is refused rather than escaped. */
static bool name_ok(const char *n)
{
    return *n && !strchr(n, '"');
}

static int col_type(const char *decl, enum store_col_type *out)
{
    static const struct {
        const char *decl;
        enum store_col_type type;
    } map[] = {{"INTEGER", STORE_COL_INT},
               {"REAL", STORE_COL_REAL},
               {"TEXT", STORE_COL_TEXT},
               {"BLOB", STORE_COL_BLOB}};
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (!strcasecmp(decl, map[i].decl)) {
            *out = map[i].type;
            return 0;
        }
    return -1;
}

/* The columns and references of table t (its name set), read from the schema. */
static int table_read(sqlite3 *db, struct store_table *t, struct err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = STORE_OK;
    if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid", -1, &st,
                           NULL) != SQLITE_OK)
        return err_set(e, STORE_UNAVAILABLE, "sqlite: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *decl = (const char *)sqlite3_column_text(st, 1);
        struct store_column *c = &t->cols[t->ncols];
        if (t->ncols == STORE_TABLE_COLS_MAX || !name || !name_ok(name) ||
            strlen(name) >= sizeof(c->name) || col_type(decl ? decl : "", &c->type))
            rc = err_set(e, STORE_INVALID, "column %s.%s (%s) cannot be copied", t->name,
                         name ? name : "?", decl ? decl : "no type");
        else
            xstrlcpy(c->name, name, sizeof(c->name)), t->ncols++;
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)", -1,
                           &st, NULL) != SQLITE_OK)
        return err_set(e, STORE_UNAVAILABLE, "sqlite: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        if (t->nrefs == STORE_TABLE_REFS_MAX)
            rc = err_set(e, STORE_INVALID, "table %s references too many tables", t->name);
        else
            sq_col_copy(st, 0, t->refs[t->nrefs++], STORE_NAME_MAX);
    }
    sqlite3_finalize(st);
    return rc;
}

static int tables_read(sqlite3 *db, struct store_table_list *out, struct err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = STORE_OK;
    size_t cap = 0;
    /* sqlite_ names are SQLite's own (sqlite_sequence, sqlite_stat1); the schema version is
     * PRAGMA user_version, not a table */
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_schema WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return err_set(e, STORE_UNAVAILABLE, "sqlite: %s", sqlite3_errmsg(db));
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (out->n == cap)
            out->items = xrealloc(out->items, (cap = cap ? 2 * cap : 32) * sizeof(*out->items));
        struct store_table *t = &out->items[out->n];
        memset(t, 0, sizeof(*t));
        if (!name || !name_ok(name) || strlen(name) >= sizeof(t->name)) {
            rc = err_set(e, STORE_INVALID, "table %s cannot be copied", name ? name : "?");
            break;
        }
        xstrlcpy(t->name, name, sizeof(t->name));
        out->n++;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; !rc && i < out->n; i++)
        rc = table_read(db, &out->items[i], e);
    return rc;
}

int sq_copy_tables(struct store *base, struct store_table_list *out, struct err *e)
{
    struct sq_store *s = (struct sq_store *)base;
    memset(out, 0, sizeof(*out));
    struct sq_conn *c = sq_read_get(s);
    if (!c)
        return err_set(e, STORE_UNAVAILABLE, "sqlite: no read connection");
    int rc = tables_read(c->db, out, e);
    sq_read_put(s, c);
    if (!rc)
        rc = store_tables_order(out, e);
    if (rc)
        store_table_list_release(out);
    return rc;
}

/* ---- scan ---- */

/* Whether another process has the file open: every connection of every process holds a read
 * lock on the database file's shared byte range (PENDING_BYTE + 2 = 0x40000002, 510 bytes) for
 * as long as it has the database open in WAL mode (sqlite.org/lockingv3.html, "How To Corrupt"
 * §2 and os_unix.c). F_GETLK ignores this process's own locks, so the store's own connections
 * do not count (POSIX fcntl, "F_GETLK"). */
static bool other_process(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct flock fl = {
        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0x40000002, .l_len = 510};
    bool busy = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    close(fd);
    return busy;
}

/* The SELECT of one table: its columns, ordered by all of them (BINARY: bytewise; nulls come
 * first in SQLite's ascending order). */
static char *select_sql(const struct store_table *t)
{
    size_t cap = 64 + strlen(t->name) + t->ncols * (2 * STORE_NAME_MAX + 16);
    char *sql = xcalloc(1, cap), *p = sql;
    p += snprintf(p, cap - (size_t)(p - sql), "SELECT ");
    for (size_t k = 0; k < t->ncols; k++)
        p += snprintf(p, cap - (size_t)(p - sql), "%s\"%s\"", k ? ", " : "", t->cols[k].name);
    p += snprintf(p, cap - (size_t)(p - sql), " FROM \"%s\" ORDER BY ", t->name);
    for (size_t k = 0; k < t->ncols; k++)
        p += snprintf(p, cap - (size_t)(p - sql), "%s%zu", k ? ", " : "", k + 1);
    return sql;
}

/* Reads column k of the current row into v as the column's type says; a value stored with
 * another storage class than the type (which no write of the service makes) is refused rather
 * than converted. */
static int read_value(sqlite3_stmt *st, const struct store_table *t, size_t k,
                      struct store_value *v, struct err *e)
{
    int cls = sqlite3_column_type(st, (int)k);
    memset(v, 0, sizeof(*v));
    if (cls == SQLITE_NULL) {
        v->null = true;
        return STORE_OK;
    }
    switch (t->cols[k].type) {
    case STORE_COL_INT:
        if (cls != SQLITE_INTEGER)
            break;
        v->i = sqlite3_column_int64(st, (int)k);
        return STORE_OK;
    case STORE_COL_REAL:
        if (cls != SQLITE_FLOAT && cls != SQLITE_INTEGER)
            break;
        v->d = sqlite3_column_double(st, (int)k);
        return STORE_OK;
    case STORE_COL_TEXT:
        if (cls != SQLITE_TEXT)
            break;
        v->p = sqlite3_column_text(st, (int)k);
        v->len = (size_t)sqlite3_column_bytes(st, (int)k);
        return STORE_OK;
    case STORE_COL_BLOB:
        if (cls != SQLITE_BLOB)
            break;
        v->p = sqlite3_column_blob(st, (int)k);
        v->len = (size_t)sqlite3_column_bytes(st, (int)k);
        return STORE_OK;
    }
    return err_set(e, STORE_INVALID, "a row of %s holds a value of another type in column %s",
                   t->name, t->cols[k].name);
}

static int scan_table(sqlite3 *db, const struct store_table *t, store_row_fn cb, void *arg,
                      struct err *e)
{
    sqlite3_stmt *st = NULL;
    char *sql = select_sql(t);
    struct store_value row[STORE_TABLE_COLS_MAX];
    int rc = STORE_OK, step;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = err_set(e, STORE_INVALID, "cannot read table %s: %s", t->name, sqlite3_errmsg(db));
        goto out;
    }
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t k = 0; !rc && k < t->ncols; k++)
            rc = read_value(st, t, k, &row[k], e);
        if (!rc)
            rc = cb(t, row, arg);
    }
    if (!rc && step != SQLITE_DONE)
        rc = err_set(e, STORE_UNAVAILABLE, "cannot read table %s: %s", t->name, sqlite3_errmsg(db));
out:
    sqlite3_finalize(st);
    free(sql);
    return rc;
}

/* One connection of its own: BEGIN IMMEDIATE takes the write lock at once (busy timeout 0:
 * refused if another connection holds it) and its reads see one snapshot; nothing is written
 * and the transaction is rolled back. */
int sq_copy_scan(struct store *base, const struct store_table_list *tables, store_row_fn cb,
                 void *arg, struct err *e)
{
    struct sq_store *s = (struct sq_store *)base;
    sqlite3 *db = NULL;
    int rc = STORE_OK;
    if (other_process(s->path))
        return err_set(e, STORE_CONFLICT,
                       "another process has %s open (a running ichigen serve?): stop it first",
                       s->path);
    if (sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)) {
        rc = err_set(e, STORE_UNAVAILABLE, "cannot open %s: %s", s->path,
                     db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = err_set(e, STORE_CONFLICT, "%s is being written to: stop what writes it first",
                     s->path);
        goto out;
    }
    for (size_t i = 0; !rc && i < tables->n; i++)
        rc = scan_table(db, &tables->items[i], cb, arg, e);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_close(db);
    return rc;
}

/* ---- load ---- */

struct load {
    const struct store_table_list *tables;
    store_copy_feed_fn feed;
    void *arg;
    struct err *e;
    sqlite3 *db;
    sqlite3_stmt **ins; /* one INSERT per table */
};

static int exec_one(sqlite3 *db, const char *fmt, const char *table, struct err *e)
{
    char sql[160];
    snprintf(sql, sizeof(sql), fmt, table);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return STORE_OK;
    return err_set(e, STORE_INVALID, "table %s: %s", table, sqlite3_errmsg(db));
}

/* The destination must hold nothing but what its migrations made (replace: emptied). */
static int load_check_empty(struct load *l, const struct store_table *t)
{
    sqlite3_stmt *st = NULL;
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM \"%s\")", t->name);
    if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
        return err_set(l->e, STORE_INVALID, "the destination has no table %s", t->name);
    bool rows = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (t->replace)
        return exec_one(l->db, "DELETE FROM \"%s\"", t->name, l->e);
    if (rows)
        return err_set(l->e, STORE_CONFLICT,
                       "the destination is not empty (table %s has rows): copy only into a "
                       "store just migrated",
                       t->name);
    return STORE_OK;
}

static int load_prepare(struct load *l, size_t i)
{
    const struct store_table *t = &l->tables->items[i];
    size_t cap = 64 + strlen(t->name) + t->ncols * (STORE_NAME_MAX + 8);
    char *sql = xcalloc(1, cap), *p = sql;
    p += snprintf(p, cap, "INSERT INTO \"%s\" (", t->name);
    for (size_t k = 0; k < t->ncols; k++)
        p += snprintf(p, cap - (size_t)(p - sql), "%s\"%s\"", k ? ", " : "", t->cols[k].name);
    p += snprintf(p, cap - (size_t)(p - sql), ") VALUES (");
    for (size_t k = 0; k < t->ncols; k++)
        p += snprintf(p, cap - (size_t)(p - sql), "%s?", k ? ", " : "");
    snprintf(p, cap - (size_t)(p - sql), ")");
    int rc = sqlite3_prepare_v2(l->db, sql, -1, &l->ins[i], NULL);
    free(sql);
    return rc == SQLITE_OK ? STORE_OK
                           : err_set(l->e, STORE_INVALID, "cannot load table %s: %s", t->name,
                                     sqlite3_errmsg(l->db));
}

static int load_put(const struct store_table *t, const struct store_value *row, void *sink)
{
    struct load *l = sink;
    size_t i = (size_t)(t - l->tables->items);
    if (i >= l->tables->n)
        return STORE_INVALID;
    sqlite3_stmt *st = l->ins[i];
    sqlite3_reset(st);
    for (size_t k = 0; k < t->ncols; k++) {
        const struct store_value *v = &row[k];
        int at = (int)k + 1;
        if (v->null)
            sqlite3_bind_null(st, at);
        else if (t->cols[k].type == STORE_COL_INT)
            sqlite3_bind_int64(st, at, v->i);
        else if (t->cols[k].type == STORE_COL_REAL)
            sqlite3_bind_double(st, at, v->d);
        else if (t->cols[k].type == STORE_COL_TEXT)
            sqlite3_bind_text(st, at, v->p ? v->p : "", (int)v->len, SQLITE_STATIC);
        else
            sqlite3_bind_blob(st, at, v->p ? v->p : "", (int)v->len, SQLITE_STATIC);
    }
    if (sqlite3_step(st) == SQLITE_DONE)
        return STORE_OK;
    return err_set(l->e,
                   sq_result(sqlite3_errcode(l->db)) == STORE_UNAVAILABLE ? STORE_UNAVAILABLE
                                                                          : STORE_INVALID,
                   "cannot load a row of %s: %s", t->name, sqlite3_errmsg(l->db));
}

/* Writer thread: everything in the batch's transaction (the job's savepoint rolls it all back
 * on any failure). A rowid alias (INTEGER PRIMARY KEY) numbers on from its largest value by
 * itself, so no key needs moving. */
static int load_run(struct sq_store *s, struct wjob *j)
{
    struct load *l = j->arg;
    int rc = STORE_OK;
    l->db = s->w.db;
    l->ins = xcalloc(l->tables->n ? l->tables->n : 1, sizeof(*l->ins));
    for (size_t i = 0; !rc && i < l->tables->n; i++)
        rc = load_check_empty(l, &l->tables->items[i]);
    for (size_t i = 0; !rc && i < l->tables->n; i++)
        rc = load_prepare(l, i);
    if (!rc)
        rc = l->feed(load_put, l, l->arg);
    for (size_t i = 0; i < l->tables->n; i++)
        sqlite3_finalize(l->ins[i]);
    free(l->ins);
    l->ins = NULL;
    return rc;
}

int sq_copy_load(struct store *base, const struct store_table_list *tables, store_copy_feed_fn feed,
                 void *arg, struct err *e)
{
    struct load l = {.tables = tables, .feed = feed, .arg = arg, .e = e};
    for (size_t i = 0; i < tables->n; i++)
        if (!name_ok(tables->items[i].name))
            return err_set(e, STORE_INVALID, "table %s cannot be loaded", tables->items[i].name);
    int rc = sq_submit((struct sq_store *)base, load_run, &l);
    if (rc == STORE_UNAVAILABLE && e && !e->msg[0])
        err_set(e, rc, "the destination's write transaction failed");
    return rc;
}
