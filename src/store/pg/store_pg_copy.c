/*
 * store_pg_copy.c — the PostgreSQL side of copying a store (issue 14 item 3; contract: the
 * copy_* operations in store.h, policy in store_copy.c): the tables as the catalog declares
 * them, every row read in one REPEATABLE READ snapshot under the write lock, and a load in one
 * write batch through COPY … (FORMAT binary) (PostgreSQL 15, COPY, "Binary Format"), after
 * which each identity sequence is moved past the largest key loaded.
 */
#include "store_pg_int.h"
#include "../store_int.h"

/* The schema's own tables; schema_version is the backend's bookkeeping (store_pg.c). */
#define PG_TABLES_WHERE                                                                            \
    " n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_version'"

static int col_type(const char *type, enum store_col_type *out)
{
    static const struct {
        const char *type;
        enum store_col_type t;
    } map[] = {{"bigint", STORE_COL_INT},
               {"double precision", STORE_COL_REAL},
               {"text", STORE_COL_TEXT},
               {"bytea", STORE_COL_BLOB}};
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (!strcmp(type, map[i].type)) {
            *out = map[i].t;
            return 0;
        }
    return -1;
}

static bool name_ok(const char *n)
{
    return *n && !strpbrk(n, "\"'") && strlen(n) < STORE_NAME_MAX;
}

static struct store_table *table_named(struct store_table_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].name, name))
            return &l->items[i];
    return NULL;
}

/* Every column of every table, in declared order (pg_attribute.attnum). */
static int columns_read(struct pg_conn *c, struct store_table_list *out, struct err *e)
{
    PGresult *r;
    size_t cap = 0;
    if (pg_exec(c,
                "SELECT c.relname, a.attname, format_type(a.atttypid, NULL) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a"
                " ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                " WHERE" PG_TABLES_WHERE " ORDER BY c.relname, a.attnum",
                NULL, &r))
        return err_set(e, STORE_UNAVAILABLE, "cannot read the catalog (SQLSTATE %s)", c->sqlstate);
    int rc = STORE_OK;
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        const char *tn = PQgetvalue(r, i, 0), *cn = PQgetvalue(r, i, 1);
        struct store_table *t = table_named(out, tn);
        if (!name_ok(tn) || !name_ok(cn)) {
            rc = err_set(e, STORE_INVALID, "table %s cannot be copied", tn);
            break;
        }
        if (!t) {
            if (out->n == cap)
                out->items = xrealloc(out->items, (cap = cap ? 2 * cap : 32) * sizeof(*t));
            t = &out->items[out->n++];
            memset(t, 0, sizeof(*t));
            xstrlcpy(t->name, tn, sizeof(t->name));
        }
        struct store_column *col = &t->cols[t->ncols];
        if (t->ncols == STORE_TABLE_COLS_MAX || col_type(PQgetvalue(r, i, 2), &col->type))
            rc = err_set(e, STORE_INVALID, "column %s.%s (%s) cannot be copied", tn, cn,
                         PQgetvalue(r, i, 2));
        else
            xstrlcpy(col->name, cn, sizeof(col->name)), t->ncols++;
    }
    PQclear(r);
    return rc;
}

static int refs_read(struct pg_conn *c, struct store_table_list *out, struct err *e)
{
    PGresult *r;
    if (pg_exec(c,
                "SELECT DISTINCT c.relname, f.relname FROM pg_constraint k"
                " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE k.contype = 'f' AND" PG_TABLES_WHERE " ORDER BY 1, 2",
                NULL, &r))
        return err_set(e, STORE_UNAVAILABLE, "cannot read the catalog (SQLSTATE %s)", c->sqlstate);
    int rc = STORE_OK;
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        struct store_table *t = table_named(out, PQgetvalue(r, i, 0));
        if (!t || t->nrefs == STORE_TABLE_REFS_MAX || !name_ok(PQgetvalue(r, i, 1)))
            rc = err_set(e, STORE_INVALID, "the references of table %s cannot be followed",
                         PQgetvalue(r, i, 0));
        else
            xstrlcpy(t->refs[t->nrefs++], PQgetvalue(r, i, 1), STORE_NAME_MAX);
    }
    PQclear(r);
    return rc;
}

int pg_copy_tables(struct store *base, struct store_table_list *out, struct err *e)
{
    struct pg_store *s = PG(base);
    memset(out, 0, sizeof(*out));
    struct pg_conn *c = pg_read_get(s);
    int rc = pg_read_begin(c);
    if (rc)
        rc = err_set(e, rc, "cannot read the catalog (SQLSTATE %s)", c->sqlstate);
    if (!rc)
        rc = columns_read(c, out, e);
    if (!rc)
        rc = refs_read(c, out, e);
    pg_read_end(c);
    pg_read_put(s, c);
    if (!rc)
        rc = store_tables_order(out, e);
    if (rc)
        store_table_list_release(out);
    return rc;
}

/* ---- the binary COPY format (PostgreSQL 15, COPY, "Binary Format") ---- */

static const unsigned char copy_signature[11] = {'P',  'G',  'C',  'O',  'P', 'Y',
                                                 '\n', 0377, '\r', '\n', 0};

static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

struct pg_buf {
    unsigned char *p;
    size_t len, cap;
};

static void buf_add(struct pg_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + n + 256);
        b->p = xrealloc(b->p, b->cap);
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_be(struct pg_buf *b, uint64_t v, int n)
{
    unsigned char x[8];
    for (int i = 0; i < n; i++)
        x[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    buf_add(b, x, (size_t)n);
}

/* ---- scan ---- */

/* Whether an ichigen session other than this store's own connections is connected to the
 * database (a node still serving): its pids are left out. */
static int others_connected(struct pg_store *s, struct pg_conn *c, int64_t *n)
{
    char pids[1024] = "{";
    size_t used = 1;
    used += (size_t)snprintf(pids + used, sizeof(pids) - used, "%d", PQbackendPID(s->w.db));
    for (int i = 0; i < s->pool_n && used < sizeof(pids) - 16; i++)
        used += (size_t)snprintf(pids + used, sizeof(pids) - used, ",%d",
                                 PQbackendPID(s->pool_all[i]->db));
    xstrlcpy(pids + MIN(used, sizeof(pids) - 2), "}", 2);
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    pg_p_text(&p, pids);
    int rc = pg_exec(c,
                     "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     " AND application_name = 'ichigen' AND pid <> ALL ($1::int[])",
                     &p, &r);
    if (rc)
        return rc;
    *n = pg_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

/* The query of one table: each column as its neutral type, ordered by all of them, text in
 * the "C" collation (bytewise, as SQLite's BINARY) and nulls first (as SQLite). */
static char *select_sql(const struct store_table *t)
{
    size_t cap = 96 + strlen(t->name) + t->ncols * (3 * STORE_NAME_MAX + 48);
    char *sql = xcalloc(1, cap), *p = sql;
    static const char *const cast[] = {"bigint", "float8", "text", "bytea"};
    p += snprintf(p, cap, "COPY (SELECT ");
    for (size_t k = 0; k < t->ncols; k++)
        p += snprintf(p, cap - (size_t)(p - sql), "%s\"%s\"::%s", k ? ", " : "", t->cols[k].name,
                      cast[t->cols[k].type]);
    p += snprintf(p, cap - (size_t)(p - sql), " FROM \"%s\" ORDER BY ", t->name);
    for (size_t k = 0; k < t->ncols; k++)
        p += snprintf(p, cap - (size_t)(p - sql), "%s\"%s\"%s NULLS FIRST", k ? ", " : "",
                      t->cols[k].name, t->cols[k].type == STORE_COL_TEXT ? " COLLATE \"C\"" : "");
    snprintf(p, cap - (size_t)(p - sql), ") TO STDOUT (FORMAT binary)");
    return sql;
}

/* One tuple of a COPY message at *pos: its values into row (pointing into the message). 1: a
 * row, 0: the trailer, -1: malformed. */
static int tuple_read(const struct store_table *t, const unsigned char *m, size_t len, size_t *pos,
                      struct store_value *row)
{
    if (*pos + 2 > len)
        return -1;
    int16_t n = (int16_t)get_be(m + *pos, 2);
    *pos += 2;
    if (n == -1)
        return 0;
    if (n != (int16_t)t->ncols)
        return -1;
    for (size_t k = 0; k < t->ncols; k++) {
        struct store_value *v = &row[k];
        memset(v, 0, sizeof(*v));
        if (*pos + 4 > len)
            return -1;
        int32_t flen = (int32_t)get_be(m + *pos, 4);
        *pos += 4;
        if (flen == -1) {
            v->null = true;
            continue;
        }
        if (flen < 0 || *pos + (size_t)flen > len)
            return -1;
        const unsigned char *f = m + *pos;
        *pos += (size_t)flen;
        if (t->cols[k].type == STORE_COL_INT || t->cols[k].type == STORE_COL_REAL) {
            if (flen != 8)
                return -1;
            uint64_t bits = get_be(f, 8);
            if (t->cols[k].type == STORE_COL_INT)
                v->i = (int64_t)bits;
            else
                memcpy(&v->d, &bits, sizeof(bits));
        } else {
            v->p = f;
            v->len = (size_t)flen;
        }
    }
    return 1;
}

/* Reads one table's COPY stream to its end, giving each row to cb; after a failure the stream
 * is still read to its end so the connection stays usable. */
static int scan_table(struct pg_conn *c, const struct store_table *t, store_row_fn cb, void *arg,
                      struct err *e)
{
    char *sql = select_sql(t);
    PGresult *r = PQexec(c->db, sql);
    free(sql);
    int rc = STORE_OK;
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        rc = err_set(e, STORE_UNAVAILABLE, "cannot read table %s: %s", t->name,
                     PQresultErrorMessage(r));
        PQclear(r);
        return rc;
    }
    PQclear(r);
    bool header = false, end = false;
    struct store_value row[STORE_TABLE_COLS_MAX];
    char *m;
    int len;
    while ((len = PQgetCopyData(c->db, &m, 0)) > 0) {
        size_t pos = 0;
        if (!header) { /* signature, flags, header extension (skipped) */
            if (len < 19 || memcmp(m, copy_signature, sizeof(copy_signature)))
                rc = rc ? rc : err_set(e, STORE_UNAVAILABLE, "bad COPY header for %s", t->name);
            else
                pos = 19 + (size_t)get_be((unsigned char *)m + 15, 4);
            header = true;
        }
        while (!rc && !end && pos < (size_t)len) {
            int got = tuple_read(t, (unsigned char *)m, (size_t)len, &pos, row);
            if (got < 0)
                rc = err_set(e, STORE_UNAVAILABLE, "bad COPY data for %s", t->name);
            else if (got == 0)
                end = true;
            else
                rc = cb(t, row, arg);
        }
        PQfreemem(m);
    }
    while ((r = PQgetResult(c->db))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc)
            rc = err_set(e, STORE_UNAVAILABLE, "cannot read table %s: %s", t->name,
                         PQresultErrorMessage(r));
        PQclear(r);
    }
    return rc;
}

/* The snapshot, with the write lock every batch of every node takes first (store_pg_int.h): a
 * batch under way refuses the scan, and none can commit until it ends. */
static int scan_begin(struct pg_store *s, struct pg_conn *c, struct err *e)
{
    int64_t others = 0;
    char lock[96];
    PGresult *r;
    if (others_connected(s, c, &others))
        return err_set(e, STORE_UNAVAILABLE, "cannot list the database's sessions");
    if (others)
        return err_set(e, STORE_CONFLICT,
                       "%lld other ichigen connection(s) use the database (nodes still "
                       "running?): stop them first",
                       (long long)others);
    if (pg_read_begin(c))
        return err_set(e, STORE_UNAVAILABLE, "cannot begin a snapshot");
    snprintf(lock, sizeof(lock), "SELECT pg_try_advisory_xact_lock(%d, %d)", PG_LOCK_CLASS,
             PG_LOCK_WRITE);
    if (pg_exec(c, lock, NULL, &r))
        return err_set(e, STORE_UNAVAILABLE, "cannot take the write lock");
    bool got = pg_bool(r, 0, 0);
    PQclear(r);
    return got ? STORE_OK
               : err_set(e, STORE_CONFLICT,
                         "the database is being written to: stop every node first");
}

int pg_copy_scan(struct store *base, const struct store_table_list *tables, store_row_fn cb,
                 void *arg, struct err *e)
{
    struct pg_store *s = PG(base);
    struct pg_conn *c = pg_read_get(s);
    int rc = scan_begin(s, c, e);
    for (size_t i = 0; !rc && i < tables->n; i++) {
        if (!name_ok(tables->items[i].name))
            rc = err_set(e, STORE_INVALID, "table %s cannot be read", tables->items[i].name);
        else
            rc = scan_table(c, &tables->items[i], cb, arg, e);
    }
    pg_read_put(s, c); /* rolls the read-only transaction back, which frees the lock */
    return rc;
}

/* ---- load ---- */

struct load {
    const struct store_table_list *tables;
    store_copy_feed_fn feed;
    void *arg;
    struct err *e;
    struct pg_conn *w;
    ssize_t open; /* the table whose COPY is in progress, or -1 */
    struct pg_buf b;
};

static int load_check_empty(struct load *l, const struct store_table *t)
{
    char sql[200];
    PGresult *r;
    snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM \"%s\")", t->name);
    if (pg_exec(l->w, sql, NULL, &r))
        return err_set(l->e, STORE_INVALID, "the destination has no table %s", t->name);
    bool rows = pg_bool(r, 0, 0);
    PQclear(r);
    if (t->replace) {
        snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", t->name);
        return pg_exec(l->w, sql, NULL, NULL)
                   ? err_set(l->e, STORE_UNAVAILABLE, "cannot empty table %s", t->name)
                   : STORE_OK;
    }
    if (rows)
        return err_set(l->e, STORE_CONFLICT,
                       "the destination is not empty (table %s has rows): copy only into a "
                       "store just migrated",
                       t->name);
    return STORE_OK;
}

/* Ends the COPY in progress; error: the message to abort it with (then it fails), or NULL. */
static int copy_end(struct load *l, const char *error)
{
    if (l->open < 0)
        return STORE_OK;
    const char *name = l->tables->items[l->open].name;
    int rc = STORE_OK;
    if (!error) {
        l->b.len = 0;
        put_be(&l->b, (uint64_t)0xffff, 2); /* the trailer: -1 */
        if (PQputCopyData(l->w->db, (const char *)l->b.p, (int)l->b.len) != 1)
            error = "the trailer could not be sent";
    }
    l->open = -1;
    if (PQputCopyEnd(l->w->db, error) != 1)
        rc = err_set(l->e, STORE_UNAVAILABLE, "cannot end loading table %s", name);
    PGresult *r;
    while ((r = PQgetResult(l->w->db))) {
        /* aborted on purpose: the failure that made us abort is the one to tell */
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc && !error) {
            const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            xstrlcpy(l->w->sqlstate, st ? st : "08006", sizeof(l->w->sqlstate));
            rc = err_set(l->e,
                         pg_result_of(l->w->sqlstate) == STORE_UNAVAILABLE ? STORE_UNAVAILABLE
                                                                           : STORE_INVALID,
                         "cannot load table %s: %s", name,
                         error ? error : PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
        }
        PQclear(r);
    }
    return rc;
}

static int copy_begin(struct load *l, size_t i)
{
    const struct store_table *t = &l->tables->items[i];
    size_t cap = 96 + strlen(t->name) + t->ncols * (STORE_NAME_MAX + 4);
    char *sql = xcalloc(1, cap), *p = sql;
    p += snprintf(p, cap, "COPY \"%s\" (", t->name);
    for (size_t k = 0; k < t->ncols; k++)
        p += snprintf(p, cap - (size_t)(p - sql), "%s\"%s\"", k ? ", " : "", t->cols[k].name);
    snprintf(p, cap - (size_t)(p - sql), ") FROM STDIN (FORMAT binary)");
    PGresult *r = PQexec(l->w->db, sql);
    free(sql);
    bool ok = PQresultStatus(r) == PGRES_COPY_IN;
    int rc = ok ? STORE_OK
                : err_set(l->e, STORE_INVALID, "cannot load table %s: %s", t->name,
                          PQresultErrorMessage(r));
    PQclear(r);
    if (!ok)
        return rc;
    l->open = (ssize_t)i;
    l->b.len = 0;
    buf_add(&l->b, copy_signature, sizeof(copy_signature));
    put_be(&l->b, 0, 4); /* flags */
    put_be(&l->b, 0, 4); /* header extension length */
    return PQputCopyData(l->w->db, (const char *)l->b.p, (int)l->b.len) == 1
               ? STORE_OK
               : err_set(l->e, STORE_UNAVAILABLE, "cannot load table %s", t->name);
}

static int load_put(const struct store_table *t, const struct store_value *row, void *sink)
{
    struct load *l = sink;
    size_t i = (size_t)(t - l->tables->items);
    int rc = STORE_OK;
    if (i >= l->tables->n)
        return STORE_INVALID;
    if (l->open != (ssize_t)i && ((rc = copy_end(l, NULL)) || (rc = copy_begin(l, i))))
        return rc;
    l->b.len = 0;
    put_be(&l->b, t->ncols, 2);
    for (size_t k = 0; k < t->ncols; k++) {
        const struct store_value *v = &row[k];
        uint64_t bits;
        if (v->null) {
            put_be(&l->b, 0xffffffffu, 4);
        } else if (t->cols[k].type == STORE_COL_INT) {
            put_be(&l->b, 8, 4);
            put_be(&l->b, (uint64_t)v->i, 8);
        } else if (t->cols[k].type == STORE_COL_REAL) {
            memcpy(&bits, &v->d, sizeof(bits));
            put_be(&l->b, 8, 4);
            put_be(&l->b, bits, 8);
        } else if (v->len > INT32_MAX) {
            return err_set(l->e, STORE_INVALID, "a value of %s.%s is too long", t->name,
                           t->cols[k].name);
        } else {
            put_be(&l->b, v->len, 4);
            buf_add(&l->b, v->p, v->len);
        }
    }
    return PQputCopyData(l->w->db, (const char *)l->b.p, (int)l->b.len) == 1
               ? STORE_OK
               : err_set(l->e, STORE_UNAVAILABLE, "cannot load a row of %s", t->name);
}

/* Moves every sequence behind a column of the tables (identity columns: the ledger's and the
 * delivery history's seq, PostgreSQL 15 §5.3) past the largest value loaded. */
static int sequences_advance(struct load *l)
{
    for (size_t i = 0; i < l->tables->n; i++) {
        const struct store_table *t = &l->tables->items[i];
        for (size_t k = 0; k < t->ncols; k++) {
            char sql[4 * STORE_NAME_MAX + 200];
            if (t->cols[k].type != STORE_COL_INT)
                continue;
            snprintf(sql, sizeof(sql),
                     "SELECT setval(s, coalesce((SELECT max(\"%s\") FROM \"%s\"), 0) + 1, false)"
                     " FROM pg_get_serial_sequence(quote_ident('%s'), '%s') AS s"
                     " WHERE s IS NOT NULL",
                     t->cols[k].name, t->name, t->name, t->cols[k].name);
            if (pg_exec(l->w, sql, NULL, NULL))
                return err_set(l->e, STORE_UNAVAILABLE, "cannot move the sequence of %s.%s",
                               t->name, t->cols[k].name);
        }
    }
    return STORE_OK;
}

/* Writer thread: inside the batch (its write lock taken), in the job's savepoint. */
static int load_run(struct pg_store *s, struct pg_conn *w, void *arg)
{
    struct load *l = arg;
    UNUSED(s);
    int rc = STORE_OK;
    l->w = w;
    l->open = -1;
    for (size_t i = 0; !rc && i < l->tables->n; i++)
        rc = load_check_empty(l, &l->tables->items[i]);
    if (!rc)
        rc = l->feed(load_put, l, l->arg);
    int end = copy_end(l, rc ? "the copy failed" : NULL);
    if (!rc)
        rc = end;
    if (!rc)
        rc = sequences_advance(l);
    return rc;
}

int pg_copy_load(struct store *base, const struct store_table_list *tables, store_copy_feed_fn feed,
                 void *arg, struct err *e)
{
    struct load l = {.tables = tables, .feed = feed, .arg = arg, .e = e, .open = -1};
    for (size_t i = 0; i < tables->n; i++)
        if (!name_ok(tables->items[i].name))
            return err_set(e, STORE_INVALID, "table %s cannot be loaded", tables->items[i].name);
    int rc = pg_submit(PG(base), load_run, &l);
    free(l.b.p);
    if (rc == STORE_UNAVAILABLE && e && !e->msg[0])
        err_set(e, rc, "the destination's write transaction failed");
    return rc;
}
