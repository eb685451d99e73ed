/*
 * test_store_sqlite.c — what is particular to the SQLite backend (the contract itself is
 * test_store.c): its schema migrations, embedded from the .sql files of
 * src/store/sqlite/migrations/.
 *
 * The schema a fresh database gets is compared with tests/data/store/sqlite_schema.txt, a dump
 * taken before the migrations moved out of C strings; a database at every older version is
 * upgraded through store_open and must end with the same schema and keep its rows.
 *
 * Also what only SQL can set up: audit entries that pin objects no longer stored, for the
 * second pass of audit_pins (src/store/sqlite/store_sqlite_audit.c).
 */
#include <sqlite3.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/uuid.h"
#include "store/store.h"
#include "store/store_migration.h"
#include "store/sqlite/store_sqlite.h"
#include "store/sqlite/store_sqlite_int.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* `SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY 1, 2` as the dump file has it:
 * one row a line, tab-separated, NULL empty. Heap string. */
static char *schema_of(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT type, name, tbl_name, sql FROM sqlite_schema"
                                        " ORDER BY 1, 2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < 4; i++) {
            const unsigned char *v = sqlite3_column_text(st, i);
            buf_puts(&b, v ? (const char *)v : "");
            buf_putc(&b, i < 3 ? '\t' : '\n');
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf_detach(&b, NULL);
}

/* The dump file without its # comment lines. Heap string. */
static char *expected_schema(void)
{
    char path[512];
    struct buf b;
    snprintf(path, sizeof(path), "%s/tests/data/store/sqlite_schema.txt", unit_source_root());
    char *text = unit_read_file(path, NULL);
    assert_non_null(text);
    buf_init(&b, BUF_UNLIMITED);
    for (char *line = text, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        assert_non_null(nl); /* the file ends with a newline */
        if (*line != '#')
            buf_append(&b, line, (size_t)(nl - line + 1));
    }
    free(text);
    return buf_detach(&b, NULL);
}

/* Fails naming the first line where the schema differs from the dump. */
static void schema_is_expected(const char *path)
{
    char *want = expected_schema(), *got = schema_of(path);
    if (strcmp(want, got)) {
        size_t i = 0, ls = 0, line = 1;
        for (; want[i] && want[i] == got[i]; i++)
            if (want[i] == '\n')
                ls = i + 1, line++;
        size_t from = i - ls > 60 ? i - 60 : ls;
        print_error("schema differs from the dump at row %zu, column %zu:\n  want: …%.120s\n"
                    "  got:  …%.120s\n",
                    line, i - ls + 1, want + from, got + from);
        free(want);
        free(got);
        fail();
    }
    free(want);
    free(got);
}

static int user_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int v = -1;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static struct store *open_url(const char *path, struct err *e)
{
    char url[300];
    snprintf(url, sizeof(url), "sqlite:%s", path);
    struct store_options o = {.url = url, .read_pool_size = 2, .commit_batch_max = 8};
    err_init(e);
    return store_open(&o, e);
}

/* The embedded list is the directory's files, in order, versions 1 … n: a .sql file that the
 * build left out (not listed in src/store/meson.build) shows here even in an old build tree. */
static void test_embedded_list_is_the_directory(void **state)
{
    char dir[512], want[640];
    UNUSED(state);
    snprintf(dir, sizeof(dir), "%s/src/store/sqlite/migrations", unit_source_root());
    assert_true(sq_migrations_count > 0);
    for (size_t i = 0; i < sq_migrations_count; i++) {
        assert_int_equal(sq_migrations[i].version, (int)i + 1);
        assert_true(strlen(sq_migrations[i].sql) > 0);
        snprintf(want, sizeof(want), "%s/%04d_%s.sql", dir, sq_migrations[i].version,
                 sq_migrations[i].name);
        if (access(want, R_OK))
            fail_msg("embedded migration %d has no file %s", sq_migrations[i].version, want);
    }
    size_t files = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d));) {
        size_t n = strlen(de->d_name);
        files += n > 4 && !strcmp(de->d_name + n - 4, ".sql");
    }
    closedir(d);
    if (files != sq_migrations_count)
        fail_msg("%s has %zu .sql files, the binary embeds %zu: list every file in "
                 "src/store/meson.build",
                 dir, files, sq_migrations_count);
    assert_int_equal(store_sqlite_schema_version(), (int)sq_migrations_count);
}

/* A fresh database migrated through the files has exactly the schema of the dump. */
static void test_fresh_schema(void **state)
{
    char dir[64], path[128];
    struct err e;
    UNUSED(state);
    assert_int_equal(unit_tmpdir(dir, "migr"), 0);
    snprintf(path, sizeof(path), "%s/fresh.db", dir);
    struct store *s = open_url(path, &e);
    if (!s)
        fail_msg("store_open: %s", e.msg);
    store_close(s);
    assert_int_equal(user_version(path), store_sqlite_schema_version());
    schema_is_expected(path);
    unit_rmtree(dir);
}

/* A database made by an older binary: the first n migrations applied as that binary did, and,
 * from version 1 on, an organisation in it. */
static void make_old(const char *path, size_t n, const char *org_id)
{
    sqlite3 *db = NULL;
    char sql[512];
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (size_t i = 0; i < n; i++) {
        char *msg = NULL;
        snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;", sq_migrations[i].version);
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, &msg) ||
            sqlite3_exec(db, sq_migrations[i].sql, NULL, NULL, &msg) ||
            sqlite3_exec(db, sql, NULL, NULL, &msg) || sqlite3_exec(db, "COMMIT", NULL, NULL, &msg))
            fail_msg("migration %d: %s", sq_migrations[i].version, msg ? msg : "?");
    }
    if (n >= 1) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO organizations (id, name_ja, name_en, corporate_number, kind, sector,"
                 " prefecture, listed, created_at) VALUES ('%s', '旧版', 'Old Co.', NULL,"
                 " 'company', 'none', 'JP-13', 0, 1)",
                 org_id);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Every older version (0 = an empty file) upgrades through store_open to the latest, with the
 * schema of the dump and its rows kept. */
static void test_upgrade_from_every_version(void **state)
{
    char dir[64], path[128], org_id[UUID_STR_LEN];
    struct err e;
    UNUSED(state);
    assert_int_equal(unit_tmpdir(dir, "migr"), 0);
    for (size_t n = 0; n < sq_migrations_count; n++) {
        snprintf(path, sizeof(path), "%s/v%zu.db", dir, n);
        uuid_v7_new(org_id);
        make_old(path, n, org_id);
        assert_int_equal(user_version(path), (int)n);
        struct store *s = open_url(path, &e);
        if (!s)
            fail_msg("store_open of a version %zu database: %s", n, e.msg);
        if (n >= 1) {
            struct org o;
            assert_int_equal(store_org_get(s, org_id, &o), STORE_OK);
            assert_string_equal(o.name_en, "Old Co.");
            assert_string_equal(o.size_band, ""); /* added by migration 3 */
        }
        /* the contract's answer is the file's: the version this binary migrates sqlite: to */
        int have = -1;
        char url[160];
        snprintf(url, sizeof(url), "sqlite:%s", path);
        assert_int_equal(store_schema_version(s, &have), STORE_OK);
        assert_int_equal(have, store_sqlite_schema_version());
        assert_int_equal(store_target_schema_version(url), store_sqlite_schema_version());
        store_close(s);
        assert_int_equal(user_version(path), store_sqlite_schema_version());
        schema_is_expected(path);
    }
    unit_rmtree(dir);
}

/* A database from a newer binary is refused, not opened with a schema this one does not know. */
static void test_newer_refused(void **state)
{
    char dir[64], path[128], sql[64];
    sqlite3 *db = NULL;
    struct err e;
    UNUSED(state);
    assert_int_equal(unit_tmpdir(dir, "migr"), 0);
    snprintf(path, sizeof(path), "%s/newer.db", dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;", store_sqlite_schema_version() + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_null(open_url(path, &e));
    assert_non_null(strstr(e.msg, "newer than this binary"));
    unit_rmtree(dir);
}

/* ---- audit pins of objects that are gone ---- */

struct gone {
    struct audit_pin p[16];
    size_t n;
    size_t present;
};

static int gone_cb(const struct audit_pin *p, void *arg)
{
    struct gone *g = arg;
    if (p->present) {
        g->present++;
        return 0;
    }
    assert_true(g->n < ARRAY_SIZE(g->p));
    g->p[g->n++] = *p;
    return 0;
}

static void db_run(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* One entry (the chain does not matter to audit_pins, which reads what is stored). */
static void db_entry(sqlite3 *db, int seq, const char *action, const char *type, const char *id,
                     const char *detail, const char *sha)
{
    char sql[640];
    snprintf(sql, sizeof(sql),
             "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail,"
             " payload_sha256, prev_hash, hash) VALUES (%d, %d, 'cli:test', '%s', '%s', '%s',"
             " '%s', '%s', '', '')",
             seq, seq, action, type, id, detail, sha);
    db_run(db, sql);
}

static void expect_gone(const struct gone *g, size_t i, int64_t seq, const char *kind,
                        const char *id, int version, const char *part, const char *sha)
{
    assert_true(i < g->n);
    const struct audit_pin *p = &g->p[i];
    assert_int_equal(p->seq, seq);
    assert_string_equal(p->kind, kind);
    assert_string_equal(p->id, id);
    assert_int_equal(p->version, version);
    assert_string_equal(p->part, part);
    assert_string_equal(p->recorded_sha256, sha);
    assert_string_equal(p->stored_sha256, "");
    assert_true(p->required);
}

/* Each entry that pins bytes names its object by kind, id, part (and version for a report
 * version) when the object is gone — whichever action pinned it; entries that pin nothing,
 * whose object is stored or that come after upto_seq are not named. */
static void test_audit_pins_gone(void **state)
{
    char dir[64], path[128], sha[HASH_SHA256_HEX];
    sqlite3 *db = NULL;
    struct err e;
    struct gone g;
    UNUSED(state);
    assert_int_equal(unit_tmpdir(dir, "pins"), 0);
    snprintf(path, sizeof(path), "%s/pins.db", dir);
    struct store *s = open_url(path, &e);
    assert_non_null(s);
    store_close(s);
    hash_sha256_hex("{}", 2, sha);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    db_run(db, "INSERT INTO organizations (id, name_ja, name_en, corporate_number, kind, sector,"
               " prefecture, listed, created_at) VALUES ('org', '組織', 'Org', NULL, 'company',"
               " 'none', 'JP-13', 0, 1);"
               "INSERT INTO org_documents (id, org_id, kind, version, body, created_by,"
               " created_at, updated_at) VALUES ('kept', 'org', 'asset', 1, '{}', 'u', 1, 1)");
    db_entry(db, 1, "organization.create", "organization", "org", "", "");
    db_entry(db, 2, "report.create", "report", "inc",
             "version=1 obligations:created=1,moved=0,withdrawn=0,reinstated=0", sha);
    db_entry(db, 3, "report.amend", "report", "inc", "version=12", sha);
    db_entry(db, 4, "submission.create", "submission", "sub", "version=12 recipient=r", sha);
    db_entry(db, 5, "assessment.create", "assessment", "as", "nist-csf-2.0", sha);
    db_entry(db, 6, "assessment.save", "assessment", "as", "version=2", sha);
    db_entry(db, 7, "assessment.submit", "assessment", "as", "overall=2.00", sha);
    db_entry(db, 8, "asset.create", "asset", "kept", "", sha);
    db_entry(db, 9, "asset.update", "asset", "gone", "version=2", sha);
    db_entry(db, 10, "risk_scenario.create", "risk_scenario", "rs", "", sha);
    db_entry(db, 11, "report.submit", "report", "inc", "version=12 submissions=1", "");
    db_entry(db, 12, "simulation.create", "simulation", "later", "", sha);
    sqlite3_close(db);

    s = open_url(path, &e);
    assert_non_null(s);
    memset(&g, 0, sizeof(g));
    assert_int_equal(store_audit_pins(s, 11, gone_cb, &g), STORE_OK);
    store_close(s);
    assert_int_equal(g.present, 1); /* the kept asset */
    assert_int_equal(g.n, 8);
    expect_gone(&g, 0, 2, "report", "inc", 1, "body", sha);
    expect_gone(&g, 1, 3, "report", "inc", 12, "body", sha);
    expect_gone(&g, 2, 4, "submission", "sub", 0, "payload", sha);
    expect_gone(&g, 3, 5, "assessment", "as", 0, "answers", sha);
    expect_gone(&g, 4, 6, "assessment", "as", 0, "answers", sha);
    expect_gone(&g, 5, 7, "assessment", "as", 0, "scores", sha);
    expect_gone(&g, 6, 9, "asset", "gone", 0, "body", sha);
    expect_gone(&g, 7, 10, "risk_scenario", "rs", 0, "body", sha);
    unit_rmtree(dir);
}

/* The query plan of statement `which` on the database at path, one detail a line. Heap. */
static char *plan_of(const char *path, enum sq_stmt which)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    struct buf b, q;
    buf_init(&b, BUF_UNLIMITED);
    buf_init(&q, BUF_UNLIMITED);
    buf_appendf(&q, "EXPLAIN QUERY PLAN %s", sq_sql_text(which));
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, buf_cstr(&q), -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        buf_puts(&b, (const char *)sqlite3_column_text(st, 3));
        buf_putc(&b, '\n');
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    buf_release(&q);
    return buf_detach(&b, NULL);
}

/* An incident's or an organisation's submissions are read through their indexes, never by
 * walking the whole table: the submit and its preview list the incident's newest submission,
 * and a scan would make every submit cost in proportion to all submissions ever made (issue
 * 10: 43 % of the server's time at 100 reports/s after 9,000 submissions). */
static void test_listings_use_indexes(void **state)
{
    char dir[64], path[128];
    struct err e;
    static const struct {
        enum sq_stmt which;
        const char *index;
    } want[] = {{SQ_SUB_LIST_INCIDENT, "USING INDEX submissions_incident (incident_id=?)"},
                {SQ_SUB_LIST_ORG, "USING INDEX submissions_org (org_id=?)"}};
    UNUSED(state);
    assert_int_equal(unit_tmpdir(dir, "plan"), 0);
    snprintf(path, sizeof(path), "%s/plan.db", dir);
    struct store *s = open_url(path, &e);
    if (!s)
        fail_msg("store_open: %s", e.msg);
    store_close(s);
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        char *plan = plan_of(path, want[i].which);
        if (!strstr(plan, want[i].index))
            fail_msg("statement %d does not use %s:\n%s", (int)want[i].which, want[i].index, plan);
        free(plan);
    }
    unit_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_list_is_the_directory),
        cmocka_unit_test(test_fresh_schema),
        cmocka_unit_test(test_upgrade_from_every_version),
        cmocka_unit_test(test_newer_refused),
        cmocka_unit_test(test_audit_pins_gone),
        cmocka_unit_test(test_listings_use_indexes),
    };
    if (hash_global_init())
        return 1;
    log_setup(LOG_WARN, 2); /* migrations log at info */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
