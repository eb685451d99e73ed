/*
 * store_sqlite_audit.c — the stored objects that audit entries pin, for `ichigen audit verify`
 * (store.h, audit_pins; judged by audit_pin_check in src/audit/).
 *
 * Which entries pin which objects — object types, actions, the version a report entry's detail
 * names, first or newest entry — is store_audit.h's table (store_pinned_kinds), bound here as
 * parameters; this file knows only where each kind of object is stored.
 *
 * Two passes, both streamed page by page (each page one read transaction, so a long
 * verification neither holds one snapshot nor grows in memory with the database):
 *  1. every pinned object, table by table in rowid order, with the SHA-256 of its bytes as
 *     stored and the entry found through the partial index audit_log_pins (migration 7);
 *  2. every pinning entry up to upto_seq, in seq ranges, whose object is gone.
 * Statements are prepared per call rather than cached on the connection: this runs once per
 * verification, not once per request.
 */
#include "store_sqlite_int.h"

#define SQ(s) ((struct sq_store *)(s))
#define PIN_PAGE 256      /* objects read per transaction */
#define PIN_SEQ_SPAN 4096 /* audit entries looked at per transaction in the second pass */

/* Where one kind of pinned object is stored. rows takes ?1 = the last rowid seen and ?2 = a
 * limit, and returns rowid, id, version (0 when not versioned), the pinned bytes and the
 * object's type when the kind has none of its own (documents: their kind), else NULL. stored
 * takes ?1 = id, ?2 = version, ?3 = object type and returns a row when the object is stored. */
struct pin_source {
    bool required; /* false: older rows were written before entries pinned them */
    const char *rows;
    const char *stored;
};

static const struct pin_source sources[STORE_PINNED__COUNT] = {
    [STORE_PINNED_REPORT_BODY] =
        {true,
         "SELECT rowid, incident_id, version, body, NULL FROM report_versions WHERE rowid > ?1"
         " ORDER BY rowid LIMIT ?2",
         "SELECT 1 FROM report_versions WHERE incident_id = ?1 AND version = ?2"},
    /* submission.create entries exist since migration 7: older submissions have none */
    [STORE_PINNED_SUBMISSION_PAYLOAD] =
        {false,
         "SELECT rowid, id, 0, payload, NULL FROM submissions WHERE rowid > ?1 ORDER BY rowid"
         " LIMIT ?2",
         "SELECT 1 FROM submissions WHERE id = ?1"},
    [STORE_PINNED_ASSESSMENT_ANSWERS] =
        {true,
         "SELECT rowid, id, 0, answers, NULL FROM assessments WHERE rowid > ?1 ORDER BY rowid"
         " LIMIT ?2",
         "SELECT 1 FROM assessments WHERE id = ?1"},
    /* scores exist once submitted; scores on a draft were not written by the service */
    [STORE_PINNED_ASSESSMENT_SCORES] =
        {true,
         "SELECT rowid, id, 0, scores, NULL FROM assessments WHERE rowid > ?1"
         " AND (scores IS NOT NULL OR status <> 'draft') ORDER BY rowid LIMIT ?2",
         "SELECT 1 FROM assessments WHERE id = ?1"},
    [STORE_PINNED_ORGDOC_BODY] =
        {true,
         "SELECT rowid, id, 0, body, kind FROM org_documents WHERE rowid > ?1 ORDER BY rowid"
         " LIMIT ?2",
         "SELECT 1 FROM org_documents WHERE id = ?1 AND kind = ?3"},
};

/* The entry pinning an object: ?1 object_type, ?2 object_id, ?3/?4 the kind's actions, and
 * for a versioned kind ?5/?6 the detail's exact form and prefix (store_audit_version_match),
 * else NULL. The `payload_sha256 <> ''` term lets the partial index serve. */
#define PIN_ENTRY                                                                                  \
    "SELECT seq, payload_sha256 FROM audit_log WHERE object_type = ?1 AND object_id = ?2"          \
    " AND payload_sha256 <> '' AND action IN (?3, ?4) AND (?5 IS NULL OR detail = ?5"              \
    " OR substr(detail, 1, length(?6)) = ?6) ORDER BY seq "

/* The entries in (?1, ?2] that pin something; which of them pin a kind of object, and whether
 * it is still stored, is decided per entry (store_pinned_of, pin_source.stored). NOT INDEXED
 * keeps the scan on the rowid range (the partial index would otherwise tempt the planner into
 * reading all of it). */
static const char pinning_sql[] =
    "SELECT seq, object_type, object_id, action, payload_sha256, detail FROM audit_log"
    " NOT INDEXED WHERE seq > ?1 AND seq <= ?2 AND payload_sha256 <> '' ORDER BY seq";

struct pin_scan {
    struct sq_conn *c;
    int (*cb)(const struct audit_pin *p, void *arg);
    void *arg;
    bool stop;
};

static int prepare(struct sq_conn *c, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(c->db, sql, -1, st, NULL) == SQLITE_OK ? STORE_OK : STORE_UNAVAILABLE;
}

/* Fills p's recorded hash and seq from the entry of kind k that pins it (none: left empty). */
static int find_entry(sqlite3_stmt *ent, enum store_pinned k, struct audit_pin *p)
{
    char action[2][64], exact[32], prefix[32];
    sqlite3_reset(ent);
    sqlite3_clear_bindings(ent);
    sq_bind_text(ent, 1, p->kind);
    sq_bind_text(ent, 2, p->id);
    for (size_t i = 0; i < 2; i++) /* a kind with one action names it twice */
        sq_bind_text(ent, 3 + (int)i,
                     store_pinned_action(k, p->kind, i, action[i], sizeof(action[i])) ? action[i]
                                                                                      : action[0]);
    if (store_pinned_kinds[k].versioned) {
        store_audit_version_match(p->version, exact, prefix, sizeof(exact));
        sq_bind_text(ent, 5, exact);
        sq_bind_text(ent, 6, prefix);
    }
    int rc = sqlite3_step(ent);
    if (rc == SQLITE_ROW) {
        p->seq = sqlite3_column_int64(ent, 0);
        sq_col_copy(ent, 1, p->recorded_sha256, sizeof(p->recorded_sha256));
    }
    sqlite3_reset(ent);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* One page of kind k after rowid *after: reads, hashes, looks up and reports each row. Sets
 * *more when the page was full. */
static int scan_page(struct pin_scan *ps, enum store_pinned k, sqlite3_stmt *row, sqlite3_stmt *ent,
                     int64_t *after, bool *more)
{
    const struct store_pinned_kind *kind = &store_pinned_kinds[k];
    int rc = SQLITE_DONE, n = 0, r = STORE_OK;
    sqlite3_reset(row);
    sqlite3_bind_int64(row, 1, *after);
    sqlite3_bind_int(row, 2, PIN_PAGE);
    while (r == STORE_OK && !ps->stop && (rc = sqlite3_step(row)) == SQLITE_ROW) {
        struct audit_pin p;
        const void *bytes = sqlite3_column_blob(row, 3);
        size_t len = (size_t)sqlite3_column_bytes(row, 3);
        memset(&p, 0, sizeof(p));
        *after = sqlite3_column_int64(row, 0);
        sq_col_copy(row, 1, p.id, sizeof(p.id));
        p.version = sqlite3_column_int(row, 2);
        hash_sha256_hex(bytes ? bytes : "", bytes ? len : 0, p.stored_sha256);
        if (kind->object_type)
            xstrlcpy(p.kind, kind->object_type, sizeof(p.kind));
        else
            sq_col_copy(row, 4, p.kind, sizeof(p.kind));
        xstrlcpy(p.part, kind->part, sizeof(p.part));
        p.present = true;
        p.required = sources[k].required;
        if ((r = find_entry(ent, k, &p)) == STORE_OK)
            ps->stop = ps->cb(&p, ps->arg) != 0;
        n++;
    }
    if (r == STORE_OK && !ps->stop && rc != SQLITE_DONE && rc != SQLITE_ROW)
        r = STORE_UNAVAILABLE;
    sqlite3_reset(row);
    *more = n == PIN_PAGE;
    return r;
}

static int scan_source(struct pin_scan *ps, enum store_pinned k)
{
    sqlite3_stmt *row = NULL, *ent = NULL;
    char sql[512];
    int64_t after = INT64_MIN;
    bool more = true;
    snprintf(sql, sizeof(sql), "%s%s LIMIT 1", PIN_ENTRY,
             store_pinned_kinds[k].first ? "ASC" : "DESC");
    int r = prepare(ps->c, sources[k].rows, &row);
    if (r == STORE_OK)
        r = prepare(ps->c, sql, &ent);
    while (r == STORE_OK && more && !ps->stop) {
        if (sqlite3_exec(ps->c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            r = STORE_UNAVAILABLE;
            break;
        }
        r = scan_page(ps, k, row, ent, &after, &more);
        sqlite3_exec(ps->c->db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_finalize(row);
    sqlite3_finalize(ent);
    return r;
}

/* Whether the object p names (of kind k) is stored: STORE_OK with *stored set. */
static int is_stored(sqlite3_stmt *stored, const struct audit_pin *p, bool *out)
{
    sqlite3_reset(stored);
    sqlite3_clear_bindings(stored);
    sq_bind_text(stored, 1, p->id);
    sqlite3_bind_int(stored, 2, p->version);
    sq_bind_text(stored, 3, p->kind);
    int rc = sqlite3_step(stored);
    *out = rc == SQLITE_ROW;
    sqlite3_reset(stored);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* Reports the entry on st's current row when it pins an object that is gone. */
static int missing_one(struct pin_scan *ps, sqlite3_stmt *st, sqlite3_stmt *const *stored)
{
    struct audit_pin p;
    char action[48], detail[sizeof(((struct audit_rec *)NULL)->detail)];
    bool present;
    memset(&p, 0, sizeof(p));
    sq_col_copy(st, 1, p.kind, sizeof(p.kind));
    sq_col_copy(st, 3, action, sizeof(action));
    int k = store_pinned_of(p.kind, action);
    if (k < 0)
        return STORE_OK; /* pins nothing this binary stores */
    p.seq = sqlite3_column_int64(st, 0);
    sq_col_copy(st, 2, p.id, sizeof(p.id));
    sq_col_copy(st, 4, p.recorded_sha256, sizeof(p.recorded_sha256));
    sq_col_copy(st, 5, detail, sizeof(detail));
    p.version = store_pinned_kinds[k].versioned ? store_audit_detail_version(detail) : 0;
    int r = is_stored(stored[k], &p, &present);
    if (r != STORE_OK || present)
        return r;
    xstrlcpy(p.part, store_pinned_kinds[k].part, sizeof(p.part));
    p.required = true;
    ps->stop = ps->cb(&p, ps->arg) != 0;
    return STORE_OK;
}

static int missing_range(struct pin_scan *ps, sqlite3_stmt *st, sqlite3_stmt *const *stored,
                         int64_t from, int64_t to)
{
    int rc = SQLITE_DONE, r = STORE_OK;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    while (r == STORE_OK && !ps->stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        r = missing_one(ps, st, stored);
    if (r == STORE_OK && !ps->stop && rc != SQLITE_DONE)
        r = STORE_UNAVAILABLE;
    sqlite3_reset(st);
    return r;
}

static int scan_missing(struct pin_scan *ps, int64_t upto_seq)
{
    sqlite3_stmt *st = NULL, *stored[STORE_PINNED__COUNT] = {NULL};
    int r = prepare(ps->c, pinning_sql, &st);
    for (size_t k = 0; k < STORE_PINNED__COUNT && r == STORE_OK; k++)
        r = prepare(ps->c, sources[k].stored, &stored[k]);
    for (int64_t from = 0; r == STORE_OK && !ps->stop && from < upto_seq; from += PIN_SEQ_SPAN) {
        int64_t to = upto_seq - from > PIN_SEQ_SPAN ? from + PIN_SEQ_SPAN : upto_seq;
        if (sqlite3_exec(ps->c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            r = STORE_UNAVAILABLE;
            break;
        }
        r = missing_range(ps, st, stored, from, to);
        sqlite3_exec(ps->c->db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_finalize(st);
    for (size_t k = 0; k < STORE_PINNED__COUNT; k++)
        sqlite3_finalize(stored[k]);
    return r;
}

int sq_audit_pins(struct store *s, int64_t upto_seq,
                  int (*cb)(const struct audit_pin *p, void *arg), void *arg)
{
    struct pin_scan ps = {sq_read_get(SQ(s)), cb, arg, false};
    int r = STORE_OK;
    if (!ps.c)
        return STORE_UNAVAILABLE;
    for (size_t k = 0; k < STORE_PINNED__COUNT && r == STORE_OK && !ps.stop; k++)
        r = scan_source(&ps, (enum store_pinned)k);
    if (r == STORE_OK && !ps.stop)
        r = scan_missing(&ps, upto_seq);
    sq_read_put(SQ(s), ps.c);
    return r;
}
