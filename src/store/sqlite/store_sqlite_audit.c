/*
 * store_sqlite_audit.c — the stored objects that audit entries pin, for `ichigen audit verify`
 * (store.h, audit_pins; judged by audit_pin_check in src/audit/).
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

/* One table of pinned objects. Its rows query takes ?1 = the last rowid seen and ?2 = a limit,
 * and returns rowid, id, version (0 when not versioned), the pinned bytes, and the entry's
 * object_type and the two actions that may pin them. */
struct pin_source {
    const char *part;
    bool first;    /* immutable: the first pinning entry counts; otherwise the newest */
    bool required; /* false: older rows were written before entries pinned them */
    const char *rows;
};

static const struct pin_source sources[] = {
    {"body", true, true,
     "SELECT rowid, incident_id, version, body, 'report', 'report.create', 'report.amend'"
     " FROM report_versions WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"},
    /* submission.create entries exist since migration 7: older submissions have none */
    {"payload", true, false,
     "SELECT rowid, id, 0, payload, 'submission', 'submission.create', 'submission.create'"
     " FROM submissions WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"},
    {"answers", false, true,
     "SELECT rowid, id, 0, answers, 'assessment', 'assessment.create', 'assessment.save'"
     " FROM assessments WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"},
    /* scores exist once submitted; scores on a draft were not written by the service */
    {"scores", false, true,
     "SELECT rowid, id, 0, scores, 'assessment', 'assessment.submit', 'assessment.submit'"
     " FROM assessments WHERE rowid > ?1 AND (scores IS NOT NULL OR status <> 'draft')"
     " ORDER BY rowid LIMIT ?2"},
    {"body", false, true,
     "SELECT rowid, id, 0, body, kind, kind || '.create', kind || '.update'"
     " FROM org_documents WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"},
};

/* The entry pinning an object: ?1 object_type, ?2 object_id, ?3/?4 actions, ?5 "version=N"
 * for report versions (their detail starts with it: store_audit_report_version) or NULL.
 * The `payload_sha256 <> ''` term lets the partial index serve. */
#define PIN_ENTRY                                                                                  \
    "SELECT seq, payload_sha256 FROM audit_log WHERE object_type = ?1 AND object_id = ?2"          \
    " AND payload_sha256 <> '' AND action IN (?3, ?4) AND (?5 IS NULL OR detail = ?5"              \
    " OR substr(detail, 1, length(?5) + 1) = ?5 || ' ') ORDER BY seq "

/* Pinning entries in (?1, ?2] whose object is not stored. NOT INDEXED keeps the scan on the
 * rowid range (the partial index would otherwise tempt the planner into reading all of it). */
static const char missing_sql[] =
    "SELECT a.seq, a.object_type, a.object_id, a.action, a.payload_sha256,"
    " CASE WHEN a.object_type = 'report' THEN CAST(substr(a.detail, 9) AS INTEGER) ELSE 0 END"
    " FROM audit_log AS a NOT INDEXED WHERE a.seq > ?1 AND a.seq <= ?2"
    " AND a.payload_sha256 <> '' AND NOT CASE"
    " WHEN a.object_type = 'report' AND a.action IN ('report.create', 'report.amend')"
    "  THEN EXISTS (SELECT 1 FROM report_versions v WHERE v.incident_id = a.object_id"
    "   AND v.version = CAST(substr(a.detail, 9) AS INTEGER))"
    " WHEN a.action = 'submission.create'"
    "  THEN EXISTS (SELECT 1 FROM submissions WHERE id = a.object_id)"
    " WHEN a.object_type = 'assessment'"
    "  THEN EXISTS (SELECT 1 FROM assessments WHERE id = a.object_id)"
    " WHEN a.action IN (a.object_type || '.create', a.object_type || '.update')"
    "  THEN EXISTS (SELECT 1 FROM org_documents WHERE id = a.object_id"
    "   AND kind = a.object_type)"
    " ELSE 1 END ORDER BY a.seq";

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

/* Fills p's recorded hash and seq from the entry that pins it (none: left empty). */
static int find_entry(sqlite3_stmt *ent, sqlite3_stmt *row, struct audit_pin *p)
{
    char ver[24];
    sqlite3_reset(ent);
    sqlite3_clear_bindings(ent);
    for (int i = 0; i < 2; i++)
        sqlite3_bind_value(ent, 3 + i, sqlite3_column_value(row, 5 + i));
    sq_bind_text(ent, 1, p->kind);
    sq_bind_text(ent, 2, p->id);
    if (p->version > 0) {
        snprintf(ver, sizeof(ver), "version=%d", p->version);
        sqlite3_bind_text(ent, 5, ver, -1, SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(ent);
    if (rc == SQLITE_ROW) {
        p->seq = sqlite3_column_int64(ent, 0);
        sq_col_copy(ent, 1, p->recorded_sha256, sizeof(p->recorded_sha256));
    }
    sqlite3_reset(ent);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
}

/* One page of src after rowid *after: reads, hashes, looks up and reports each row. Sets
 * *more when the page was full. */
static int scan_page(struct pin_scan *ps, const struct pin_source *src, sqlite3_stmt *row,
                     sqlite3_stmt *ent, int64_t *after, bool *more)
{
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
        sq_col_copy(row, 4, p.kind, sizeof(p.kind));
        xstrlcpy(p.part, src->part, sizeof(p.part));
        p.present = true;
        p.required = src->required;
        if ((r = find_entry(ent, row, &p)) == STORE_OK)
            ps->stop = ps->cb(&p, ps->arg) != 0;
        n++;
    }
    if (r == STORE_OK && !ps->stop && rc != SQLITE_DONE && rc != SQLITE_ROW)
        r = STORE_UNAVAILABLE;
    sqlite3_reset(row);
    *more = n == PIN_PAGE;
    return r;
}

static int scan_source(struct pin_scan *ps, const struct pin_source *src)
{
    sqlite3_stmt *row = NULL, *ent = NULL;
    char sql[512];
    int64_t after = INT64_MIN;
    bool more = true;
    snprintf(sql, sizeof(sql), "%s%s LIMIT 1", PIN_ENTRY, src->first ? "ASC" : "DESC");
    int r = prepare(ps->c, src->rows, &row);
    if (r == STORE_OK)
        r = prepare(ps->c, sql, &ent);
    while (r == STORE_OK && more && !ps->stop) {
        if (sqlite3_exec(ps->c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            r = STORE_UNAVAILABLE;
            break;
        }
        r = scan_page(ps, src, row, ent, &after, &more);
        sqlite3_exec(ps->c->db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_finalize(row);
    sqlite3_finalize(ent);
    return r;
}

/* The part an entry's action pinned. */
static const char *part_of(const char *type, const char *action)
{
    if (!strcmp(type, "submission"))
        return "payload";
    if (!strcmp(type, "assessment"))
        return strcmp(action, "assessment.submit") ? "answers" : "scores";
    return "body";
}

static int missing_range(struct pin_scan *ps, sqlite3_stmt *st, int64_t from, int64_t to)
{
    int rc = SQLITE_DONE;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    while (!ps->stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct audit_pin p;
        char action[48];
        memset(&p, 0, sizeof(p));
        p.seq = sqlite3_column_int64(st, 0);
        sq_col_copy(st, 1, p.kind, sizeof(p.kind));
        sq_col_copy(st, 2, p.id, sizeof(p.id));
        sq_col_copy(st, 3, action, sizeof(action));
        sq_col_copy(st, 4, p.recorded_sha256, sizeof(p.recorded_sha256));
        p.version = sqlite3_column_int(st, 5);
        xstrlcpy(p.part, part_of(p.kind, action), sizeof(p.part));
        p.required = true;
        ps->stop = ps->cb(&p, ps->arg) != 0;
    }
    int r = ps->stop || rc == SQLITE_DONE ? STORE_OK : STORE_UNAVAILABLE;
    sqlite3_reset(st);
    return r;
}

static int scan_missing(struct pin_scan *ps, int64_t upto_seq)
{
    sqlite3_stmt *st = NULL;
    int r = prepare(ps->c, missing_sql, &st);
    for (int64_t from = 0; r == STORE_OK && !ps->stop && from < upto_seq; from += PIN_SEQ_SPAN) {
        int64_t to = upto_seq - from > PIN_SEQ_SPAN ? from + PIN_SEQ_SPAN : upto_seq;
        if (sqlite3_exec(ps->c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            r = STORE_UNAVAILABLE;
            break;
        }
        r = missing_range(ps, st, from, to);
        sqlite3_exec(ps->c->db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_finalize(st);
    return r;
}

int sq_audit_pins(struct store *s, int64_t upto_seq,
                  int (*cb)(const struct audit_pin *p, void *arg), void *arg)
{
    struct pin_scan ps = {sq_read_get(SQ(s)), cb, arg, false};
    int r = STORE_OK;
    if (!ps.c)
        return STORE_UNAVAILABLE;
    for (size_t i = 0; i < ARRAY_SIZE(sources) && r == STORE_OK && !ps.stop; i++)
        r = scan_source(&ps, &sources[i]);
    if (r == STORE_OK && !ps.stop)
        r = scan_missing(&ps, upto_seq);
    sq_read_put(SQ(s), ps.c);
    return r;
}
