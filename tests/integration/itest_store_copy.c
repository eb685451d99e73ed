/*
 * itest_store_copy.c — `ichigen store copy` (issue 14 item 3): a store filled through the real
 * server (reports and versions with their ledger, a submission and its history, an assessment,
 * an asset, an advisory, a sighting, tokens) is copied, with the service stopped, into a second
 * SQLite file and into a PostgreSQL database of a cluster the test starts (scripts/pg.sh; that
 * half is skipped, saying so, only when PostgreSQL 15 is not installed). Each destination is
 * checked with code of its own, not the copy's: every table of the source's schema holds the
 * same rows (as sorted multisets of the values' texts), `ichigen audit verify` passes on it, a
 * second copy into it is refused (not empty), and the PostgreSQL copy serves: a server started
 * on it reads the reports and takes a new one (its ledger numbers on). A destination at another
 * schema version is refused, as is a source a running server still has open. The PostgreSQL
 * copy is also copied back into a new SQLite file, which must hold the source's rows exactly.
 */
#include "itest.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

static struct itest_fixture F;
static char src_url[800], src_path[400], report_id[40];
static struct itest_server PGS; /* a server on the PostgreSQL copy */
static char pg_base[64];        /* the PostgreSQL cluster's directory, stopped by teardown */

/* ---- the source's tables and rows, read independently of the copy ---- */

struct rows {
    char **v;
    size_t n, cap;
};

static void rows_add(struct rows *r, char *s)
{
    if (r->n == r->cap)
        r->v = xrealloc(r->v, (r->cap = r->cap ? 2 * r->cap : 64) * sizeof(*r->v));
    r->v[r->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void rows_release(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i]);
    free(r->v);
    memset(r, 0, sizeof(*r));
}

/* One value as text: integers in decimal, reals with 17 digits, bytes in hex as PostgreSQL
 * writes bytea ("\x…"), NULL as \N; "|" between values. */
static void add_text(char **row, size_t *len, const char *s)
{
    size_t n = strlen(s);
    *row = xrealloc(*row, *len + n + 2);
    memcpy(*row + *len, s, n);
    (*row)[*len + n] = '|';
    (*row)[*len + n + 1] = 0;
    *len += n + 1;
}

static char *hex(const unsigned char *p, size_t n)
{
    char *h = xcalloc(1, 2 * n + 3);
    memcpy(h, "\\x", 2);
    for (size_t i = 0; i < n; i++)
        snprintf(h + 2 + 2 * i, 3, "%02x", p[i]);
    return h;
}

static sqlite3 *sq_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    return db;
}

/* The source's tables (sqlite_schema), each with its columns and their declared types. */
struct table {
    char name[64];
    char cols[48][64];
    char types[48][16];
    size_t ncols;
};

static size_t source_tables(struct table *t, size_t max)
{
    sqlite3 *db = sq_open(src_path);
    sqlite3_stmt *st, *ct;
    size_t n = 0;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                                        "name NOT LIKE 'sqlite%' ORDER BY name",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW && n < max) {
        memset(&t[n], 0, sizeof(t[n]));
        xstrlcpy(t[n].name, (const char *)sqlite3_column_text(st, 0), sizeof(t[n].name));
        assert_int_equal(
            sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1)", -1, &ct, NULL),
            SQLITE_OK);
        sqlite3_bind_text(ct, 1, t[n].name, -1, SQLITE_STATIC);
        while (sqlite3_step(ct) == SQLITE_ROW && t[n].ncols < 48) {
            xstrlcpy(t[n].cols[t[n].ncols], (const char *)sqlite3_column_text(ct, 0), 64);
            xstrlcpy(t[n].types[t[n].ncols++], (const char *)sqlite3_column_text(ct, 1), 16);
        }
        sqlite3_finalize(ct);
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void sq_rows(const char *path, const struct table *t, struct rows *out)
{
    sqlite3 *db = sq_open(path);
    sqlite3_stmt *st;
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", t->name);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *row = xcalloc(1, 1), num[64];
        size_t len = 0;
        for (int k = 0; k < sqlite3_column_count(st); k++) {
            switch (sqlite3_column_type(st, k)) {
            case SQLITE_NULL:
                add_text(&row, &len, "\\N");
                break;
            case SQLITE_INTEGER:
                snprintf(num, sizeof(num), "%lld", (long long)sqlite3_column_int64(st, k));
                add_text(&row, &len, num);
                break;
            case SQLITE_FLOAT:
                snprintf(num, sizeof(num), "%.17g", sqlite3_column_double(st, k));
                add_text(&row, &len, num);
                break;
            case SQLITE_BLOB: {
                char *h = hex(sqlite3_column_blob(st, k), (size_t)sqlite3_column_bytes(st, k));
                add_text(&row, &len, h);
                free(h);
                break;
            }
            default:
                add_text(&row, &len, (const char *)sqlite3_column_text(st, k));
            }
        }
        rows_add(out, row);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

static void pg_rows(PGconn *c, const struct table *t, struct rows *out)
{
    char sql[2400];
    size_t used = (size_t)snprintf(sql, sizeof(sql), "SELECT ");
    for (size_t k = 0; k < t->ncols; k++)
        used +=
            (size_t)snprintf(sql + used, sizeof(sql) - used, "%s\"%s\"", k ? ", " : "", t->cols[k]);
    snprintf(sql + used, sizeof(sql) - used, " FROM \"%s\"", t->name);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", t->name, PQresultErrorMessage(r));
    for (int i = 0; i < PQntuples(r); i++) {
        char *row = xcalloc(1, 1), num[64];
        size_t len = 0;
        for (int k = 0; k < (int)t->ncols; k++) {
            const char *v = PQgetvalue(r, i, k);
            if (PQgetisnull(r, i, k)) {
                add_text(&row, &len, "\\N");
            } else if (!strcasecmp(t->types[k], "REAL")) {
                snprintf(num, sizeof(num), "%.17g", strtod(v, NULL));
                add_text(&row, &len, num);
            } else {
                add_text(&row, &len, v);
            }
        }
        rows_add(out, row);
    }
    PQclear(r);
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

static void rows_equal(const char *table, struct rows *a, struct rows *b)
{
    if (a->n != b->n)
        fail_msg("table %s: %zu rows in the source, %zu in the copy", table, a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]))
            fail_msg("table %s: a row differs in the copy", table);
}

/* Every table of the source holds the same rows in the destination (a SQLite file, or a
 * PostgreSQL connection); the tables the fill reaches hold some. */
static void same_content(const char *dst_path, PGconn *pg)
{
    static const char *const filled[] = {
        "organizations", "users",         "api_tokens",  "incidents",         "report_versions",
        "audit_log",     "obligations",   "submissions", "server_keys",       "submission_events",
        "assessments",   "org_documents", "advisories",  "advisory_versions", "sightings"};
    struct table t[64];
    size_t n = source_tables(t, ARRAY_SIZE(t));
    assert_true(n > 25);
    for (size_t i = 0; i < n; i++) {
        struct rows a = {0}, b = {0};
        sq_rows(src_path, &t[i], &a);
        for (size_t f = 0; f < ARRAY_SIZE(filled); f++)
            if (!strcmp(filled[f], t[i].name) && !a.n)
                fail_msg("the fill left table %s empty", t[i].name);
        if (pg)
            pg_rows(pg, &t[i], &b);
        else
            sq_rows(dst_path, &t[i], &b);
        rows_equal(t[i].name, &a, &b);
        rows_release(&a);
        rows_release(&b);
    }
}

/* ---- running the CLI ---- */

static int run(char **out, const char *a1, const char *a2, const char *a3, const char *a4)
{
    const char *argv[] = {a1, a2, a3, a4, NULL};
    return itest_run(&F.srv, NULL, out, argv);
}

static bool cli_log_has(const char *needle)
{
    char *log = itest_read_file(F.srv.cli_log, NULL);
    bool found = log && strstr(log, needle);
    free(log);
    return found;
}

static void migrate(const char *url)
{
    char arg[900];
    snprintf(arg, sizeof(arg), "--store-url=%s", url);
    assert_int_equal(run(NULL, "migrate", arg, NULL, NULL), 0);
}

/* Copies the source into url (migrated), then checks it verifies and refuses a second copy. */
static void copy_into(const char *url)
{
    char *out = NULL, arg[900];
    migrate(url);
    int rc = run(&out, "store", "copy", src_url, url);
    if (rc)
        itest_dump_logs(&F.srv, 2000);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "source: audit log intact"));
    assert_non_null(strstr(out, "destination: audit log intact"));
    assert_non_null(strstr(out, "copied "));
    free(out);
    snprintf(arg, sizeof(arg), "--store-url=%s", url);
    out = NULL;
    assert_int_equal(run(&out, "audit", "verify", arg, NULL), 0);
    assert_non_null(strstr(out, "audit log intact"));
    free(out);
    assert_int_equal(run(NULL, "store", "copy", src_url, url), 1);
    assert_true(cli_log_has("not empty"));
}

/* ---- the fill, through the server ---- */

static void fill(void)
{
    struct itest_resp r;
    char path[160];
    json_t *doc = itest_report_doc("copied report");
    char *body = itest_dump(doc);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", body, &r), 201);
    xstrlcpy(report_id, itest_jstr(r.json, "/id"), sizeof(report_id));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", report_id);
    itest_http(
        &F.srv,
        &(struct itest_req){
            .path = path, .token = F.rep_a.token, .body = body, .headers = {"If-Match: \"v1\""}},
        &r);
    assert_int_equal(r.status, 201);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/submit", report_id);
    itest_http(&F.srv,
               &(struct itest_req){.method = "POST",
                                   .path = path,
                                   .token = F.rep_a.token,
                                   .headers = {"If-Match: \"v2\""}},
               &r);
    assert_int_equal(r.status, 201);
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/assessments",
                                "{\"framework\":\"sme-quick-check\",\"period\":\"FY2026\"}", &r),
                     201);
    itest_resp_release(&r);
    assert_int_equal(
        itest_post(&F.srv, F.rep_a.token, "/api/v1/assets",
                   "{\"name_ja\":\"顧客DB\",\"kind\":\"data\",\"criticality\":\"high\"}", &r),
        201);
    itest_resp_release(&r);
    char adv[400];
    snprintf(adv, sizeof(adv),
             "{\"title\":{\"en\":\"copied\"},\"summary\":{\"ja\":\"複製\"},"
             "\"urgency\":\"low\",\"importance\":\"low\",\"tlp\":\"TLP:AMBER\","
             "\"audience\":{\"organizations\":[\"%s\"]}}",
             F.org_a);
    assert_int_equal(itest_post(&F.srv, F.authority.token, "/api/v1/advisories", adv, &r), 201);
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/sightings",
                                "{\"type\":\"ipv4\",\"value\":\"45.9.148.10\",\"kind\":\"seen\"}",
                                &r),
                     201);
    itest_resp_release(&r);
    json_decref(doc);
    free(body);
}

/* ---- tests ---- */

static void test_running_source_refused(void **state)
{
    UNUSED(state);
    char url[600];
    fill();
    snprintf(url, sizeof(url), "sqlite:%s/busy.db", F.srv.dir);
    migrate(url);
    /* the server still has the source open */
    assert_int_equal(run(NULL, "store", "copy", src_url, url), 1);
    assert_true(cli_log_has("stop it first"));
    assert_int_equal(itest_server_stop(&F.srv, SIGTERM), 0);
}

static void test_copy_to_sqlite(void **state)
{
    UNUSED(state);
    char url[600], path[400];
    snprintf(path, sizeof(path), "%s/copy.db", F.srv.dir);
    snprintf(url, sizeof(url), "sqlite:%s", path);
    copy_into(url);
    same_content(path, NULL);
}

static void test_other_schema_version_refused(void **state)
{
    UNUSED(state);
    char url[600], path[400];
    sqlite3 *db;
    snprintf(path, sizeof(path), "%s/older.db", F.srv.dir);
    snprintf(url, sizeof(url), "sqlite:%s", path);
    migrate(url);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 15", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(run(NULL, "store", "copy", src_url, url), 1);
    assert_true(cli_log_has("schema version"));
}

static void test_copy_to_postgresql(void **state)
{
    UNUSED(state);
    char cmd[900], url[600], dir[400];
    const char *root = getenv("ICHIGEN_SOURCE_ROOT");
    if (access("/usr/lib/postgresql/15/bin/pg_ctl", X_OK)) {
        printf("# skip test_copy_to_postgresql: PostgreSQL 15 is not installed\n");
        skip();
    }
    /* a directory of its own the postgres user can reach (pg.sh runs the server as it when
     * invoked as root; the server's data directory is 0700) */
    xstrlcpy(pg_base, "/tmp/ichigen-itest-pg-XXXXXX", sizeof(pg_base));
    assert_non_null(mkdtemp(pg_base));
    assert_int_equal(chmod(pg_base, 0755), 0);
    snprintf(dir, sizeof(dir), "%s/pg", pg_base);
    snprintf(cmd, sizeof(cmd), "%s/scripts/pg.sh start %s", root ? root : ".", dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(url, sizeof(url), p));
    url[strcspn(url, "\n")] = 0;
    assert_int_equal(pclose(p), 0);
    copy_into(url);
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    same_content(NULL, c);
    PQfinish(c);

    /* and back: PostgreSQL → a new SQLite file holds the source's rows again, exactly */
    char back[600], back_path[400], *out = NULL;
    snprintf(back_path, sizeof(back_path), "%s/back.db", F.srv.dir);
    snprintf(back, sizeof(back), "sqlite:%s", back_path);
    migrate(back);
    assert_int_equal(run(&out, "store", "copy", url, back), 0);
    assert_non_null(strstr(out, "source: audit log intact"));
    assert_non_null(strstr(out, "destination: audit log intact"));
    free(out);
    same_content(back_path, NULL);

    /* the copy serves: the report reads back, and a new one is taken (ledger keys number on) */
    char setting[700];
    snprintf(setting, sizeof(setting), "--store-url=%s", url);
    const char *settings[] = {setting, NULL};
    assert_int_equal(itest_server_init(&PGS, settings), 0);
    assert_int_equal(itest_server_start(&PGS), 0);
    struct itest_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/reports/%s", report_id);
    assert_int_equal(itest_get(&PGS, F.rep_a.token, path, &r), 200);
    itest_resp_release(&r);
    json_t *doc = itest_report_doc("after the copy");
    char *body = itest_dump(doc);
    json_decref(doc);
    assert_int_equal(itest_post(&PGS, F.rep_a.token, "/api/v1/reports", body, &r), 201);
    itest_resp_release(&r);
    free(body);
    assert_int_equal(itest_server_finish(&PGS), 0);
}

/* Stops the cluster test_copy_to_postgresql started, whatever became of the test. */
static void pg_stop(void)
{
    char cmd[900];
    const char *root = getenv("ICHIGEN_SOURCE_ROOT");
    if (!pg_base[0])
        return;
    snprintf(cmd, sizeof(cmd), "%s/scripts/pg.sh stop %s/pg >/dev/null; rm -rf %s",
             root ? root : ".", pg_base, pg_base);
    if (system(cmd))
        fprintf(stderr, "# could not stop the cluster in %s\n", pg_base);
    pg_base[0] = 0;
}

static int setup(void **state)
{
    UNUSED(state);
    if (itest_on_pg()) /* this test makes its own stores: the source is SQLite */
        unsetenv("ICHIGEN_ITEST_PG_URL");
    if (itest_fixture_setup(&F, NULL))
        return -1;
    snprintf(src_path, sizeof(src_path), "%s/ichigen.db", F.srv.dir);
    snprintf(src_url, sizeof(src_url), "sqlite:%s", src_path);
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    if (PGS.dir[0])
        itest_server_release(&PGS);
    pg_stop();
    itest_fixture_teardown(&F);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_source_refused), /* first: it fills and stops the server */
        cmocka_unit_test(test_copy_to_sqlite),
        cmocka_unit_test(test_other_schema_version_refused),
        cmocka_unit_test(test_copy_to_postgresql),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
