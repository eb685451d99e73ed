/*
 * store_sqlite_stats.c — the rows of the statistics for authorities for SQLite (store.h:
 * stats_scan; issue 13 item 7). Mechanism only: every incident (or obligation) in the filter's
 * range and scope with the facts stats_row_counts decides on; no policy in the SQL.
 *
 * The statements are prepared per scan rather than kept in the connection's statement table:
 * a scan is a rare, long read, so preparing costs nothing that matters.
 */
#include "store_sqlite_int.h"
#include "../../core/buf.h"

#define SQ(s) ((struct sq_store *)(s))

/* ?1: the recipients as a JSON array of strings, or NULL for the whole platform; ?2, ?3: the
 * range of the incident's creation (0 = unbounded). An incident is in a recipient's scope when
 * it has an electronic submission to it: the inbox's own test (store_sqlite.c, INBOX_WHERE).
 * The consent is the latest version's (a reporter may give or withdraw it by amending);
 * json_extract gives 1 or 0 for a JSON boolean and NULL when it is absent. */
#define STATS_COLS                                                                                 \
    "SELECT i.id, i.org_id, i.created_at, i.categories, g.sector, COALESCE(g.prefecture, ''),"     \
    " COALESCE(g.size_band, ''), i.drill, i.withdrawn_at IS NOT NULL,"                             \
    " (SELECT json_extract(v.body, '$.confidentiality.consent.anonymised_statistics')"             \
    " FROM report_versions v WHERE v.incident_id = i.id AND v.version = i.latest_version)"
#define STATS_IN_SCOPE                                                                             \
    " EXISTS (SELECT 1 FROM submissions s WHERE s.incident_id = i.id"                              \
    " AND s.channel IN ('webhook', 'inbox')"                                                       \
    " AND s.recipient_id IN (SELECT value FROM json_each(?1)))"
#define STATS_RANGE " AND (?2 = 0 OR i.created_at >= ?2) AND (?3 = 0 OR i.created_at < ?3)"

static const char incidents_sql[] =
    STATS_COLS " FROM incidents i JOIN organizations g ON g.id = i.org_id"
               " WHERE (?1 IS NULL OR" STATS_IN_SCOPE ")" STATS_RANGE;

static const char obligations_sql[] = STATS_COLS
    ", o.recipient_id, o.regime, o.mandatory, o.state = 'withdrawn',"
    " o.due_state = 'set', o.due_at, o.met_at"
    " FROM obligations o JOIN incidents i ON i.id = o.incident_id"
    " JOIN organizations g ON g.id = i.org_id"
    " WHERE (?1 IS NULL OR (o.recipient_id IN (SELECT value FROM json_each(?1)) AND" STATS_IN_SCOPE
    "))" STATS_RANGE;

static const char *text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

static void read_row(sqlite3_stmt *st, bool obligations, struct stats_row *r)
{
    memset(r, 0, sizeof(*r));
    r->incident_id = text(st, 0);
    r->org_id = text(st, 1);
    r->created_at = sqlite3_column_int64(st, 2);
    r->categories = text(st, 3);
    r->sector = text(st, 4);
    r->prefecture = text(st, 5);
    r->size_band = text(st, 6);
    r->drill = sqlite3_column_int(st, 7) != 0;
    r->withdrawn = sqlite3_column_int(st, 8) != 0;
    r->consent = sqlite3_column_type(st, 9) == SQLITE_NULL      ? -1
                 : sqlite3_column_type(st, 9) == SQLITE_INTEGER ? sqlite3_column_int(st, 9) == 1
                                                                : 0;
    if (!obligations)
        return;
    r->recipient_id = text(st, 10);
    r->regime = text(st, 11);
    r->mandatory = sqlite3_column_int(st, 12) != 0;
    r->ob_withdrawn = sqlite3_column_int(st, 13) != 0;
    r->due_set = sqlite3_column_int(st, 14) != 0;
    r->due_ms = sqlite3_column_int64(st, 15);
    r->met = sqlite3_column_type(st, 16) != SQLITE_NULL;
    r->met_at = sqlite3_column_int64(st, 16);
}

/* The recipients as the JSON array ?1 takes. */
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

int sq_stats_scan(struct store *s, const struct stats_scan_filter *f, store_stats_row_fn cb,
                  void *arg)
{
    struct sq_conn *c = sq_read_get(SQ(s));
    sqlite3_stmt *st = NULL;
    struct buf rec;
    int rc, r = STORE_UNAVAILABLE;
    buf_init(&rec, BUF_UNLIMITED);
    if (!c)
        goto out;
    if (sqlite3_prepare_v2(c->db, f->obligations ? obligations_sql : incidents_sql, -1, &st,
                           NULL) != SQLITE_OK)
        goto out;
    if (f->recipients) {
        recipients_json(f, &rec);
        sqlite3_bind_text(st, 1, buf_cstr(&rec), -1, SQLITE_STATIC);
    }
    sqlite3_bind_int64(st, 2, f->created_from);
    sqlite3_bind_int64(st, 3, f->created_before);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_row row;
        read_row(st, f->obligations, &row);
        if (cb(&row, arg))
            break;
    }
    r = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
out:
    sqlite3_finalize(st);
    if (c)
        sq_read_put(SQ(s), c);
    buf_release(&rec);
    return r;
}
