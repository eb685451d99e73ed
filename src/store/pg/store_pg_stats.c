/*
 * store_pg_stats.c — the rows of the statistics for authorities (store.h: stats_scan; issue 13
 * item 7) in PostgreSQL (issue 14), with the semantics of src/store/sqlite/store_sqlite_stats.c.
 * Mechanism only: every incident (or obligation) in the filter's range and scope with the facts
 * stats_row_counts decides on; no policy in the SQL.
 *
 * One snapshot, streamed: SQLite's scan is one statement stepped row by row; here the statement
 * is a cursor (PostgreSQL 15 DECLARE) inside one REPEATABLE READ READ ONLY transaction (§13.2.2)
 * read a page at a time, so the figures are of one moment however long the scan takes while
 * writes go on, and memory holds one page, not the platform.
 */
#include "store_pg_int.h"
#include "../../core/buf.h"

#define STATS_PAGE 256

/* $1: the recipients as a JSON array of strings, or NULL for the whole platform; $2, $3: the
 * range of the incident's creation (0 = unbounded). An incident is in a recipient's scope when
 * it has an electronic submission to it (the inbox's own test). The consent is the latest
 * version's, read as SQLite's json_extract gives it: 1 or 0 for a JSON boolean, the number
 * itself for an integer (so 1 counts as consent, as there), NULL when absent or null, and
 * anything else is not consent (0). */
#define STATS_CONSENT                                                                              \
    "(SELECT CASE WHEN j.x IS NULL OR json_typeof(j.x) = 'null' THEN NULL"                         \
    " WHEN json_typeof(j.x) = 'boolean' THEN (j.x::text = 'true')::int"                            \
    " WHEN json_typeof(j.x) = 'number' THEN (j.x::text = '1')::int ELSE 0 END"                     \
    " FROM report_versions v,"                                                                     \
    " LATERAL (SELECT v.body::json #> '{confidentiality,consent,anonymised_statistics}' AS x) j"   \
    " WHERE v.incident_id = i.id AND v.version = i.latest_version)"
#define STATS_COLS                                                                                 \
    "SELECT i.id, i.org_id, i.created_at, i.categories, g.sector, coalesce(g.prefecture, ''),"     \
    " coalesce(g.size_band, ''), i.drill, i.withdrawn_at IS NOT NULL, " STATS_CONSENT
#define STATS_RECIPIENTS " IN (SELECT json_array_elements_text($1::json))"
#define STATS_IN_SCOPE                                                                             \
    " EXISTS (SELECT 1 FROM submissions s WHERE s.incident_id = i.id"                              \
    " AND s.channel IN ('webhook', 'inbox') AND s.recipient_id" STATS_RECIPIENTS ")"
#define STATS_RANGE                                                                                \
    " AND ($2::bigint = 0 OR i.created_at >= $2) AND ($3::bigint = 0 OR i.created_at < $3)"

static const char incidents_sql[] =
    STATS_COLS " FROM incidents i JOIN organizations g ON g.id = i.org_id"
               " WHERE ($1::json IS NULL OR" STATS_IN_SCOPE ")" STATS_RANGE;

static const char obligations_sql[] =
    STATS_COLS ", o.recipient_id, o.regime, o.mandatory, o.state = 'withdrawn',"
               " o.due_state = 'set', o.due_at, o.met_at"
               " FROM obligations o JOIN incidents i ON i.id = o.incident_id"
               " JOIN organizations g ON g.id = i.org_id"
               " WHERE ($1::json IS NULL OR (o.recipient_id" STATS_RECIPIENTS " AND" STATS_IN_SCOPE
               "))" STATS_RANGE;

/* Strings are borrowed from r for the callback's time. */
static void read_row(const PGresult *r, int i, bool obligations, struct stats_row *row)
{
    memset(row, 0, sizeof(*row));
    row->incident_id = PQgetvalue(r, i, 0);
    row->org_id = PQgetvalue(r, i, 1);
    row->created_at = pg_int(r, i, 2);
    row->categories = PQgetvalue(r, i, 3);
    row->sector = PQgetvalue(r, i, 4);
    row->prefecture = PQgetvalue(r, i, 5);
    row->size_band = PQgetvalue(r, i, 6);
    row->drill = pg_bool(r, i, 7);
    row->withdrawn = pg_bool(r, i, 8);
    row->consent = pg_null(r, i, 9) ? -1 : pg_int(r, i, 9) == 1;
    if (!obligations)
        return;
    row->recipient_id = PQgetvalue(r, i, 10);
    row->regime = PQgetvalue(r, i, 11);
    row->mandatory = pg_bool(r, i, 12);
    row->ob_withdrawn = pg_bool(r, i, 13);
    row->due_set = pg_bool(r, i, 14);
    row->due_ms = pg_int(r, i, 15);
    row->met = !pg_null(r, i, 16);
    row->met_at = pg_int(r, i, 16);
}

/* The recipients as the JSON array $1 takes. */
static void recipients_json(const struct stats_scan_filter *f, struct buf *b)
{
    buf_putc(b, '[');
    for (size_t i = 0; i < f->nrecipients; i++) {
        if (i)
            buf_putc(b, ',');
        buf_json_str(b, f->recipients[i], strlen(f->recipients[i]));
    }
    buf_putc(b, ']');
}

/* Reads the cursor a page at a time into cb until it is done or cb says stop. */
static int fetch_all(struct pg_conn *c, bool obligations, store_stats_row_fn cb, void *arg)
{
    for (;;) {
        PGresult *r;
        char fetch[64];
        snprintf(fetch, sizeof(fetch), "FETCH FORWARD %d FROM stats_scan", STATS_PAGE);
        int rc = pg_exec(c, fetch, NULL, &r);
        if (rc)
            return rc;
        int rows = PQntuples(r), stop = 0;
        for (int i = 0; i < rows && !stop; i++) {
            struct stats_row row;
            read_row(r, i, obligations, &row);
            stop = cb(&row, arg);
        }
        PQclear(r);
        if (stop || rows < STATS_PAGE)
            return STORE_OK;
    }
}

int pg_stats_scan(struct store *s, const struct stats_scan_filter *f, store_stats_row_fn cb,
                  void *arg)
{
    struct pg_params p;
    struct buf rec, sql;
    buf_init(&rec, BUF_UNLIMITED);
    buf_init(&sql, BUF_UNLIMITED);
    pg_params_init(&p);
    if (f->recipients)
        recipients_json(f, &rec);
    pg_p_text(&p, f->recipients ? buf_cstr(&rec) : NULL);
    pg_p_int(&p, f->created_from);
    pg_p_int(&p, f->created_before);
    buf_puts(&sql, "DECLARE stats_scan NO SCROLL CURSOR FOR ");
    buf_puts(&sql, f->obligations ? obligations_sql : incidents_sql);
    struct pg_conn *c = pg_read_get(PG(s));
    int rc = pg_read_begin(c);
    if (!rc)
        rc = pg_exec(c, buf_cstr(&sql), &p, NULL);
    if (!rc)
        rc = fetch_all(c, f->obligations, cb, arg);
    if (!rc)
        pg_read_end(c); /* closes the cursor; on a failure pg_read_put rolls back */
    pg_read_put(PG(s), c);
    buf_release(&sql);
    buf_release(&rec);
    return rc;
}
