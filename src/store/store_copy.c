/*
 * store_copy.c — copying a store into another (store_copy.h): the checks around the backends'
 * copy_* operations, the tables' order (store_int.h) and the digests that prove the copy.
 */
#include "store_copy.h"
#include "store_int.h"

void store_table_list_release(struct store_table_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void store_copy_report_release(struct store_copy_report *r)
{
    free(r->tables);
    r->tables = NULL;
    r->n = 0;
}

/* The tables migrations fill: sqlite/migrations/0008 and 0012 (and their PostgreSQL twins)
 * insert the keys "login_throttle" and "totp" into server_keys. A migration that fills another
 * table adds it here; the conformance suite (test_copy_tables) fails until it does. */
bool store_copy_seeded(const char *table)
{
    return !strcmp(table, "server_keys");
}

/* ---- the tables' order ---- */

static ssize_t table_index(const struct store_table_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].name, name))
            return (ssize_t)i;
    return -1;
}

/* Whether every table t references (itself aside) is among the first `placed` of out. */
static bool refs_placed(const struct store_table *t, const struct store_table *out, size_t placed)
{
    for (size_t r = 0; r < t->nrefs; r++) {
        bool found = !strcmp(t->refs[r], t->name);
        for (size_t k = 0; k < placed && !found; k++)
            found = !strcmp(out[k].name, t->refs[r]);
        if (!found)
            return false;
    }
    return true;
}

int store_tables_order(struct store_table_list *l, struct err *e)
{
    for (size_t i = 0; i < l->n; i++)
        for (size_t r = 0; r < l->items[i].nrefs; r++)
            if (table_index(l, l->items[i].refs[r]) < 0)
                return err_set(e, STORE_INVALID, "table %s references %s, which is not a table",
                               l->items[i].name, l->items[i].refs[r]);
    struct store_table *out = xcalloc(l->n ? l->n : 1, sizeof(*out));
    bool *done = xcalloc(l->n ? l->n : 1, sizeof(*done));
    size_t placed = 0;
    int rc = STORE_OK;
    while (placed < l->n) {
        ssize_t pick = -1; /* the first by name of the tables whose references are placed */
        for (size_t i = 0; i < l->n; i++)
            if (!done[i] && refs_placed(&l->items[i], out, placed) &&
                (pick < 0 || strcmp(l->items[i].name, l->items[pick].name) < 0))
                pick = (ssize_t)i;
        if (pick < 0) {
            rc = err_set(e, STORE_INVALID, "the tables' foreign keys form a cycle");
            goto out;
        }
        done[pick] = true;
        out[placed++] = l->items[pick];
    }
    if (l->n)
        memcpy(l->items, out, l->n * sizeof(*out));
out:
    free(out);
    free(done);
    return rc;
}

/* ---- digests ---- */

struct digest {
    const struct store_table_list *tables;
    struct hash_sha256_ctx *ctx;
    int64_t *rows;
};

static void digest_begin(struct digest *d, const struct store_table_list *tables)
{
    d->tables = tables;
    free(d->ctx);
    free(d->rows);
    d->ctx = xcalloc(tables->n ? tables->n : 1, sizeof(*d->ctx));
    d->rows = xcalloc(tables->n ? tables->n : 1, sizeof(*d->rows));
    for (size_t i = 0; i < tables->n; i++)
        hash_sha256_begin(&d->ctx[i]);
}

static void put_u64(struct hash_sha256_ctx *c, char kind, uint64_t v)
{
    unsigned char b[9];
    b[0] = (unsigned char)kind;
    for (int i = 0; i < 8; i++)
        b[1 + i] = (unsigned char)(v >> (56 - 8 * i));
    hash_sha256_update(c, b, sizeof(b));
}

/* Each value as its kind, then the integer, the double's bits, or the length and the bytes. */
static int digest_row(const struct store_table *t, const struct store_value *row, void *arg)
{
    struct digest *d = arg;
    size_t i = (size_t)(t - d->tables->items);
    if (i >= d->tables->n)
        return STORE_INVALID;
    struct hash_sha256_ctx *c = &d->ctx[i];
    for (size_t k = 0; k < t->ncols; k++) {
        const struct store_value *v = &row[k];
        uint64_t bits;
        if (v->null) {
            hash_sha256_update(c, "N", 1);
            continue;
        }
        switch (t->cols[k].type) {
        case STORE_COL_INT:
            put_u64(c, 'I', (uint64_t)v->i);
            break;
        case STORE_COL_REAL:
            memcpy(&bits, &v->d, sizeof(bits));
            put_u64(c, 'R', bits);
            break;
        default:
            put_u64(c, t->cols[k].type == STORE_COL_TEXT ? 'T' : 'B', (uint64_t)v->len);
            hash_sha256_update(c, v->p, v->len);
        }
    }
    d->rows[i]++;
    return 0;
}

static void digest_end(struct digest *d, struct store_copy_report *out)
{
    out->n = d->tables->n;
    out->tables = xcalloc(out->n ? out->n : 1, sizeof(*out->tables));
    for (size_t i = 0; i < out->n; i++) {
        xstrlcpy(out->tables[i].name, d->tables->items[i].name, sizeof(out->tables[i].name));
        out->tables[i].rows = d->rows[i];
        hash_sha256_final_hex(&d->ctx[i], out->tables[i].sha256);
    }
}

static void digest_release(struct digest *d)
{
    free(d->ctx);
    free(d->rows);
    d->ctx = NULL;
    d->rows = NULL;
}

int store_copy_digest(struct store *s, struct store_copy_report *out, struct err *e)
{
    struct store_table_list tables = {0};
    struct digest d = {0};
    memset(out, 0, sizeof(*out));
    int rc = store_copy_tables(s, &tables, e);
    if (!rc) {
        digest_begin(&d, &tables);
        rc = store_copy_scan(s, &tables, digest_row, &d, e);
    }
    if (!rc)
        digest_end(&d, out);
    digest_release(&d);
    store_table_list_release(&tables);
    return rc;
}

/* ---- the copy ---- */

static void add_problem(struct err *e, int *n, const char *fmt, const char *a, const char *b)
{
    size_t used = strlen(e->msg);
    if (used + 8 >= sizeof(e->msg))
        return;
    snprintf(e->msg + used, sizeof(e->msg) - used, *n ? "; " : "");
    used = strlen(e->msg);
    snprintf(e->msg + used, sizeof(e->msg) - used, fmt, a, b);
    (*n)++;
}

static const struct store_column *column_of(const struct store_table *t, const char *name)
{
    for (size_t k = 0; k < t->ncols; k++)
        if (!strcmp(t->cols[k].name, name))
            return &t->cols[k];
    return NULL;
}

/* The two stores must have the same tables with the same columns (by name and type): every
 * difference is named, so one run tells the operator all there is to fix. */
static int same_schema(const struct store_table_list *src, const struct store_table_list *dst,
                       struct err *e)
{
    int n = 0;
    err_init(e);
    for (size_t i = 0; i < src->n; i++) {
        const struct store_table *a = &src->items[i];
        ssize_t j = table_index(dst, a->name);
        if (j < 0) {
            add_problem(e, &n, "table %s%s is not in the destination", a->name, "");
            continue;
        }
        const struct store_table *b = &dst->items[j];
        for (size_t k = 0; k < a->ncols; k++) {
            const struct store_column *c = column_of(b, a->cols[k].name);
            if (!c || c->type != a->cols[k].type)
                add_problem(e, &n, "column %s.%s differs in the destination", a->name,
                            a->cols[k].name);
        }
        for (size_t k = 0; k < b->ncols; k++)
            if (!column_of(a, b->cols[k].name))
                add_problem(e, &n, "column %s.%s is not in the source", b->name, b->cols[k].name);
    }
    for (size_t j = 0; j < dst->n; j++)
        if (table_index(src, dst->items[j].name) < 0)
            add_problem(e, &n, "table %s%s is not in the source", dst->items[j].name, "");
    if (!n)
        return STORE_OK;
    char why[sizeof(e->msg)];
    xstrlcpy(why, e->msg, sizeof(why));
    return err_set(e, STORE_INVALID, "the two stores' schemas differ: %s", why);
}

struct copy_run {
    struct store *src;
    const struct store_table_list *tables; /* the destination's, in its order */
    struct digest d;
    store_row_fn put;
    void *sink;
    struct err *e;
};

static int copy_row(const struct store_table *t, const struct store_value *row, void *arg)
{
    struct copy_run *c = arg;
    digest_row(t, row, &c->d);
    return c->put(t, row, c->sink);
}

/* The destination's load pulls the source's rows: each call scans the source again from the
 * start (a retried load), so the digests start over too. */
static int copy_feed(store_row_fn put, void *sink, void *arg)
{
    struct copy_run *c = arg;
    c->put = put;
    c->sink = sink;
    digest_begin(&c->d, c->tables);
    return store_copy_scan(c->src, c->tables, copy_row, c, c->e);
}

static int versions_match(struct store *src, struct store *dst, struct err *e)
{
    int a = 0, b = 0;
    if (store_schema_version(src, &a))
        return err_set(e, STORE_UNAVAILABLE, "cannot read the source's schema version");
    if (store_schema_version(dst, &b))
        return err_set(e, STORE_CONFLICT,
                       "cannot read the destination's schema version: create it with `ichigen "
                       "migrate --store-url=DST` first");
    if (a != b)
        return err_set(e, STORE_CONFLICT,
                       "the source is at schema version %d and the destination at %d: bring "
                       "both to this binary's version with `ichigen migrate --store-url=…` first",
                       a, b);
    return STORE_OK;
}

/* The destination read back must equal what was read from the source, table by table. */
static int compare(const struct store_copy_report *want, const struct store_copy_report *got,
                   struct err *e)
{
    int n = 0;
    err_init(e);
    for (size_t i = 0; i < want->n; i++) {
        bool same = i < got->n && !strcmp(want->tables[i].name, got->tables[i].name) &&
                    want->tables[i].rows == got->tables[i].rows &&
                    !strcmp(want->tables[i].sha256, got->tables[i].sha256);
        if (!same)
            add_problem(e, &n, "table %s%s reads back differently", want->tables[i].name, "");
    }
    if (!n && want->n == got->n)
        return STORE_OK;
    char why[sizeof(e->msg)];
    xstrlcpy(why, e->msg, sizeof(why));
    return err_set(e, STORE_CONFLICT, "the destination does not hold what the source did: %s", why);
}

int store_copy(struct store *src, struct store *dst, struct store_copy_report *out, struct err *e)
{
    struct store_table_list st = {0}, dt = {0};
    struct copy_run c = {.src = src, .tables = &dt, .e = e};
    struct store_copy_report back = {0};
    memset(out, 0, sizeof(*out));
    int rc = versions_match(src, dst, e);
    if (!rc)
        rc = store_copy_tables(src, &st, e);
    if (!rc)
        rc = store_copy_tables(dst, &dt, e);
    if (!rc)
        rc = same_schema(&st, &dt, e);
    for (size_t i = 0; !rc && i < dt.n; i++)
        dt.items[i].replace = store_copy_seeded(dt.items[i].name);
    if (!rc)
        rc = store_copy_load(dst, &dt, copy_feed, &c, e);
    if (!rc) {
        digest_end(&c.d, out);
        rc = store_copy_digest(dst, &back, e);
    }
    if (!rc)
        rc = compare(out, &back, e);
    store_copy_report_release(&back);
    digest_release(&c.d);
    store_table_list_release(&st);
    store_table_list_release(&dt);
    return rc;
}
