/*
 * store_pg_audit.c — the stored objects that audit entries pin, for `ichigen audit verify`
 * (store.h, audit_pins; judged by audit_pin_check in src/audit/), in PostgreSQL (issue 14; the
 * semantics and the two passes of store_sqlite_audit.c).
 *
 * Which entries pin which objects is store_audit.h's table (store_pinned_kinds), bound here as
 * parameters; this file knows only where each kind of object is stored. Differences from
 * SQLite: there is no rowid, so each kind is paged by its key ((incident_id, version) or id);
 * and the server hashes the stored bytes (sha256(), PostgreSQL 15 §9.5: of bytea as stored, of
 * text as its UTF-8 bytes, which is what was written), so bodies are not sent to be hashed.
 * Each page is read in one snapshot (REPEATABLE READ READ ONLY, §13.2.2).
 */
#include "store_pg_int.h"
#include "../store_int.h"

#define PIN_PAGE 256      /* objects read per snapshot */
#define PIN_SEQ_SPAN 4096 /* audit entries looked at per snapshot in the second pass */

/* Where one kind of pinned object is stored. rows takes $1 = the last id seen ("" first),
 * $2 = the last version seen, $3 = a limit, and returns id, version (0 when not versioned),
 * the hex SHA-256 of the pinned bytes (of "" when NULL) and the object's type when the kind
 * has none of its own (documents: their kind), else NULL. stored takes $1 = id, $2 = version,
 * $3 = object type and returns a row when the object is stored. */
struct pin_source {
    bool required; /* false: older rows were written before entries pinned them */
    const char *rows;
    const char *stored;
};

#define HEX(x) "encode(sha256(" x "), 'hex')"
#define TEXT_BYTES(col) "convert_to(coalesce(" col ", ''), 'UTF8')"

static const struct pin_source sources[STORE_PINNED__COUNT] = {
    [STORE_PINNED_REPORT_BODY] =
        {true,
         "SELECT incident_id, version, " HEX(
             TEXT_BYTES("body")) ", NULL FROM report_versions"
                                 " WHERE (incident_id, version) > ($1, $2::bigint) ORDER BY "
                                 "incident_id, version"
                                 " LIMIT $3",
         "SELECT 1 FROM report_versions WHERE incident_id = $1 AND version = $2::bigint"
         " AND $3::text IS NOT NULL"},
    /* submission.create entries exist since migration 7: older submissions have none */
    [STORE_PINNED_SUBMISSION_PAYLOAD] =
        {false,
         "SELECT id, 0, " HEX("payload") ", NULL FROM submissions WHERE id > $1"
                                         " AND $2::bigint IS NOT NULL ORDER BY id LIMIT $3",
         "SELECT 1 FROM submissions WHERE id = $1 AND $2::bigint IS NOT NULL"
         " AND $3::text IS NOT NULL"},
    [STORE_PINNED_ASSESSMENT_ANSWERS] =
        {true,
         "SELECT id, 0, " HEX(
             TEXT_BYTES("answers")) ", NULL FROM assessments WHERE id > $1"
                                    " AND $2::bigint IS NOT NULL ORDER BY id LIMIT $3",
         "SELECT 1 FROM assessments WHERE id = $1 AND $2::bigint IS NOT NULL"
         " AND $3::text IS NOT NULL"},
    /* scores exist once submitted; scores on a draft were not written by the service */
    [STORE_PINNED_ASSESSMENT_SCORES] =
        {true,
         "SELECT id, 0, " HEX(TEXT_BYTES(
             "scores")) ", NULL FROM assessments WHERE id > $1"
                        " AND $2::bigint IS NOT NULL AND (scores IS NOT NULL OR status <> 'draft')"
                        " ORDER BY id LIMIT $3",
         "SELECT 1 FROM assessments WHERE id = $1 AND $2::bigint IS NOT NULL"
         " AND $3::text IS NOT NULL"},
    [STORE_PINNED_ORGDOC_BODY] =
        {true,
         "SELECT id, 0, " HEX(
             TEXT_BYTES("body")) ", kind FROM org_documents WHERE id > $1"
                                 " AND $2::bigint IS NOT NULL ORDER BY id LIMIT $3",
         "SELECT 1 FROM org_documents WHERE id = $1 AND $2::bigint IS NOT NULL AND kind = $3"},
};

/* The entry pinning an object: $1 object_type, $2 object_id, $3/$4 the kind's actions, and
 * for a versioned kind $5/$6 the detail's exact form and prefix (store_audit_version_match),
 * else NULL. The `payload_sha256 <> ''` term lets the partial index audit_log_pins serve. */
#define PIN_ENTRY                                                                                  \
    "SELECT seq, payload_sha256 FROM audit_log WHERE object_type = $1 AND object_id = $2"          \
    " AND payload_sha256 <> '' AND action IN ($3, $4) AND ($5::text IS NULL OR detail = $5"        \
    " OR starts_with(detail, $6::text)) ORDER BY seq "

struct pin_scan {
    struct pg_conn *c;
    int (*cb)(const struct audit_pin *p, void *arg);
    void *arg;
    bool stop;
};

/* Fills p's recorded hash and seq from the entry of kind k that pins it (none: left empty). */
static int find_entry(struct pg_conn *c, enum store_pinned k, struct audit_pin *p)
{
    char action[2][64], exact[32], prefix[32], sql[512];
    struct pg_params prm;
    PGresult *r;
    snprintf(sql, sizeof(sql), "%s%s LIMIT 1", PIN_ENTRY,
             store_pinned_kinds[k].first ? "ASC" : "DESC");
    pg_params_init(&prm);
    pg_p_text(&prm, p->kind);
    pg_p_text(&prm, p->id);
    for (size_t i = 0; i < 2; i++) /* a kind with one action names it twice */
        pg_p_text(&prm, store_pinned_action(k, p->kind, i, action[i], sizeof(action[i]))
                            ? action[i]
                            : action[0]);
    if (store_pinned_kinds[k].versioned) {
        store_audit_version_match(p->version, exact, prefix, sizeof(exact));
        pg_p_text(&prm, exact);
        pg_p_text(&prm, prefix);
    } else {
        pg_p_text(&prm, NULL);
        pg_p_text(&prm, NULL);
    }
    int rc = pg_exec(c, sql, &prm, &r);
    if (rc)
        return rc;
    if (PQntuples(r)) {
        p->seq = pg_int(r, 0, 0);
        pg_copy(r, 0, 1, p->recorded_sha256, sizeof(p->recorded_sha256));
    }
    PQclear(r);
    return STORE_OK;
}

/* One page of kind k after (after_id, after_version), in one snapshot: each row reported
 * with the entry that pins it. *more when the page was full. */
static int scan_page(struct pin_scan *ps, enum store_pinned k, char *after_id,
                     int64_t *after_version, bool *more)
{
    const struct store_pinned_kind *kind = &store_pinned_kinds[k];
    struct pg_params prm;
    PGresult *r;
    int rc = pg_read_begin(ps->c);
    *more = false;
    pg_params_init(&prm);
    pg_p_text(&prm, after_id);
    pg_p_int(&prm, *after_version);
    pg_p_int(&prm, PIN_PAGE);
    if (!rc)
        rc = pg_exec(ps->c, sources[k].rows, &prm, &r);
    if (rc)
        return rc;
    int rows = PQntuples(r);
    for (int i = 0; i < rows && !rc && !ps->stop; i++) {
        struct audit_pin p;
        memset(&p, 0, sizeof(p));
        pg_copy(r, i, 0, p.id, sizeof(p.id));
        p.version = (int)pg_int(r, i, 1);
        pg_copy(r, i, 2, p.stored_sha256, sizeof(p.stored_sha256));
        if (kind->object_type)
            xstrlcpy(p.kind, kind->object_type, sizeof(p.kind));
        else
            pg_copy(r, i, 3, p.kind, sizeof(p.kind));
        xstrlcpy(p.part, kind->part, sizeof(p.part));
        p.present = true;
        p.required = sources[k].required;
        pg_copy(r, i, 0, after_id, 64);
        *after_version = p.version;
        if ((rc = find_entry(ps->c, k, &p)) == STORE_OK)
            ps->stop = ps->cb(&p, ps->arg) != 0;
    }
    PQclear(r);
    pg_read_end(ps->c);
    *more = rows == PIN_PAGE;
    return rc;
}

static int scan_source(struct pin_scan *ps, enum store_pinned k)
{
    char after_id[64] = "";
    int64_t after_version = INT64_MIN;
    bool more = true;
    int r = STORE_OK;
    while (r == STORE_OK && more && !ps->stop)
        r = scan_page(ps, k, after_id, &after_version, &more);
    return r;
}

/* Whether the object p names (of kind k) is stored. */
static int is_stored(struct pg_conn *c, enum store_pinned k, const struct audit_pin *p, bool *out)
{
    struct pg_params prm;
    PGresult *r;
    pg_params_init(&prm);
    pg_p_text(&prm, p->id);
    pg_p_int(&prm, p->version);
    pg_p_text(&prm, p->kind);
    int rc = pg_exec(c, sources[k].stored, &prm, &r);
    if (rc)
        return rc;
    *out = PQntuples(r) > 0;
    PQclear(r);
    return STORE_OK;
}

/* Reports the entry of row i when it pins an object that is gone. */
static int missing_one(struct pin_scan *ps, const PGresult *r, int i)
{
    struct audit_pin p;
    char action[48], detail[sizeof(((struct audit_rec *)NULL)->detail)];
    bool present;
    memset(&p, 0, sizeof(p));
    pg_copy(r, i, 1, p.kind, sizeof(p.kind));
    pg_copy(r, i, 3, action, sizeof(action));
    int k = store_pinned_of(p.kind, action);
    if (k < 0)
        return STORE_OK; /* pins nothing this binary stores */
    p.seq = pg_int(r, i, 0);
    pg_copy(r, i, 2, p.id, sizeof(p.id));
    pg_copy(r, i, 4, p.recorded_sha256, sizeof(p.recorded_sha256));
    pg_copy(r, i, 5, detail, sizeof(detail));
    p.version = store_pinned_kinds[k].versioned ? store_audit_detail_version(detail) : 0;
    int rc = is_stored(ps->c, (enum store_pinned)k, &p, &present);
    if (rc != STORE_OK || present)
        return rc;
    xstrlcpy(p.part, store_pinned_kinds[k].part, sizeof(p.part));
    p.required = true;
    ps->stop = ps->cb(&p, ps->arg) != 0;
    return STORE_OK;
}

/* The entries in (from, to] that pin something, in one snapshot. */
static int missing_range(struct pin_scan *ps, int64_t from, int64_t to)
{
    struct pg_params prm;
    PGresult *r;
    pg_params_init(&prm);
    pg_p_int(&prm, from);
    pg_p_int(&prm, to);
    int rc = pg_read_begin(ps->c);
    if (!rc)
        rc = pg_exec(ps->c,
                     "SELECT seq, object_type, object_id, action, payload_sha256, detail"
                     " FROM audit_log WHERE seq > $1 AND seq <= $2 AND payload_sha256 <> ''"
                     " ORDER BY seq",
                     &prm, &r);
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(r) && !rc && !ps->stop; i++)
        rc = missing_one(ps, r, i);
    PQclear(r);
    pg_read_end(ps->c);
    return rc;
}

int pg_audit_pins(struct store *s, int64_t upto_seq,
                  int (*cb)(const struct audit_pin *p, void *arg), void *arg)
{
    struct pin_scan ps = {pg_read_get(PG(s)), cb, arg, false};
    int r = STORE_OK;
    for (size_t k = 0; k < STORE_PINNED__COUNT && r == STORE_OK && !ps.stop; k++)
        r = scan_source(&ps, (enum store_pinned)k);
    for (int64_t from = 0; r == STORE_OK && !ps.stop && from < upto_seq; from += PIN_SEQ_SPAN)
        r = missing_range(&ps, from,
                          upto_seq - from > PIN_SEQ_SPAN ? from + PIN_SEQ_SPAN : upto_seq);
    pg_read_put(PG(s), ps.c);
    return r;
}
