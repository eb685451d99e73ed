/*
 * test_store_pg.c — what is particular to the PostgreSQL backend (issue 14, in progress; the
 * contract itself is test_store.c, which runs on PostgreSQL when ICHIGEN_TEST_PG_URL is set).
 *
 * Without a server: the URL check (no password, never echoed), the SQLSTATE mapping, the result
 * getters (on results built with PQsetvalue), and that the migrations mirror SQLite's one for
 * one (same numbers, same names). With ICHIGEN_TEST_PG_URL: a migrated database has exactly the
 * tables and columns of a migrated SQLite file, and several processes' worth of stores opening
 * one fresh database at once migrate it exactly once, and statements are prepared once per
 * connection (and again when the server dropped them).
 */
#include <ctype.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>

#include "core/buf.h"
#include "core/log.h"
#include "store/store.h"
#include "store/store_migration.h"
#include "store/pg/store_pg.h"
#include "store/pg/store_pg_int.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* ---- without a server ---- */

static void test_migrations_mirror_sqlite(void **state)
{
    UNUSED(state);
    assert_int_equal(pg_migrations_count, sq_migrations_count);
    for (size_t i = 0; i < pg_migrations_count; i++) {
        assert_int_equal(pg_migrations[i].version, sq_migrations[i].version);
        assert_string_equal(pg_migrations[i].name, sq_migrations[i].name);
    }
    assert_int_equal(store_pg_schema_version(), store_target_schema_version("sqlite:/x.db"));
}

static void test_url_check(void **state)
{
    static const char *const ok[] = {
        "postgresql:///ichigen?host=/tmp/pg&user=ichigen",
        "postgres://db.example:5433/ichigen?sslmode=verify-full",
        "postgresql://ichigen@db.example/ichigen",
    };
    static const char *const refused[] = {
        "postgresql://ichigen:hunter2@db.example/ichigen",
        "postgresql:///ichigen?host=/tmp&password=hunter2",
        "postgresql://db.example/ichigen?hunter2=%zz", /* not a URI libpq reads */
        "host=/tmp dbname=ichigen password=hunter2",   /* key=value: not a URL */
    };
    struct err e;
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        err_init(&e);
        assert_int_equal(store_pg_url_check(ok[i], &e), STORE_OK);
    }
    for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
        err_init(&e);
        assert_int_equal(store_pg_url_check(refused[i], &e), STORE_UNAVAILABLE);
        assert_non_null(strstr(e.msg, "PostgreSQL"));
        assert_null(strstr(e.msg, "hunter2"));
    }
}

static void test_sqlstate_map(void **state)
{
    UNUSED(state);
    assert_int_equal(pg_result_of("23505"), STORE_EXISTS);      /* unique_violation */
    assert_int_equal(pg_result_of("23503"), STORE_INVALID);     /* foreign_key_violation */
    assert_int_equal(pg_result_of("23000"), STORE_EXISTS);      /* a trigger's refusal */
    assert_int_equal(pg_result_of("08006"), STORE_UNAVAILABLE); /* connection failure */
    assert_int_equal(pg_result_of("40001"), STORE_UNAVAILABLE);
    assert_int_equal(pg_result_of("57P01"), STORE_UNAVAILABLE); /* admin_shutdown */
    assert_true(pg_retryable("40001"));
    assert_true(pg_retryable("40P01"));
    assert_false(pg_retryable("23505"));
    assert_false(pg_retryable("08006"));
}

/* A one-row result of text values (NULL: SQL NULL), as the server would send it. */
static PGresult *row_of(const char *const *v, int n)
{
    PGresAttDesc att[8];
    memset(att, 0, sizeof(att));
    for (int i = 0; i < n; i++)
        att[i].name = (char *)"c";
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    assert_non_null(r);
    assert_true(PQsetResultAttrs(r, n, att));
    for (int i = 0; i < n; i++)
        assert_true(PQsetvalue(r, 0, i, (char *)v[i], v[i] ? (int)strlen(v[i]) : -1));
    return r;
}

static void test_result_getters(void **state)
{
    const char *const v[] = {"-9007199254740991", "t", "0", NULL, "\\x00ff10", "\\x0", "日本"};
    unsigned char b[4];
    char small[4];
    UNUSED(state);
    PGresult *r = row_of(v, 7);
    assert_int_equal(pg_int(r, 0, 0), -9007199254740991LL);
    assert_true(pg_bool(r, 0, 1));
    assert_false(pg_bool(r, 0, 2));
    assert_false(pg_bool(r, 0, 3));
    assert_int_equal(pg_int(r, 0, 3), 0);
    assert_true(pg_null(r, 0, 3));
    assert_null(pg_dup(r, 0, 3));
    assert_int_equal(pg_bytea(r, 0, 4, b, sizeof(b)), 3);
    assert_int_equal(b[0], 0x00);
    assert_int_equal(b[1], 0xff);
    assert_int_equal(b[2], 0x10);
    assert_int_equal(pg_bytea(r, 0, 4, b, 2), -1);         /* longer than the buffer */
    assert_int_equal(pg_bytea(r, 0, 5, b, sizeof(b)), -1); /* odd hex */
    assert_int_equal(pg_bytea(r, 0, 3, b, sizeof(b)), -1); /* NULL */
    pg_copy(r, 0, 6, small, sizeof(small));
    assert_string_equal(small, "日"); /* bounded copy */
    char *d = pg_dup(r, 0, 6);
    assert_string_equal(d, "日本");
    free(d);
    PQclear(r);
}

static void test_params(void **state)
{
    struct pg_params p;
    const unsigned char bytes[3] = {0, 1, 2};
    UNUSED(state);
    pg_params_init(&p);
    pg_p_text(&p, NULL);
    pg_p_text_opt(&p, "");
    pg_p_text(&p, "");
    pg_p_int(&p, INT64_MIN);
    pg_p_bytea(&p, bytes, sizeof(bytes));
    pg_p_textn(&p, "abc", 2);
    assert_int_equal(p.n, 6);
    assert_null(p.v[0]);
    assert_null(p.v[1]);
    assert_string_equal(p.v[2], "");
    assert_string_equal(p.v[3], "-9223372036854775808");
    assert_int_equal(p.fmt[4], 1);
    assert_int_equal(p.len[4], 3);
    assert_int_equal(p.fmt[5], 1);
    assert_int_equal(p.len[5], 2);
}

/* ---- with a server (ICHIGEN_TEST_PG_URL) ---- */

static const char *server(void)
{
    const char *u = getenv("ICHIGEN_TEST_PG_URL");
    return u && *u ? u : NULL;
}

static int admin(const char *sql)
{
    const char *const keys[] = {"dbname", NULL};
    const char *const vals[] = {server(), NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    int rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        print_error("%s: %s\n", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* A fresh database named after a fresh directory; its URL in url. */
static void fresh_db(char db[64], char *url, size_t n)
{
    char dir[64];
    char sql[128];
    assert_int_equal(unit_tmpdir(dir, "pg"), 0);
    unit_rmtree(dir);
    snprintf(db, 64, "t_%s", strrchr(dir, '-') + 1);
    for (char *c = db; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
    assert_int_equal(admin(sql), 0);
    snprintf(url, n, "%s%cdbname=%s", server(), strchr(server(), '?') ? '&' : '?', db);
}

static void drop_db(const char *db)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    admin(sql);
}

/* "table.column" lines, sorted, of a store's tables (schema_version is the migrator's own). */
static char *pg_columns(const char *url)
{
    const char *const keys[] = {"dbname", NULL};
    const char *const vals[] = {url, NULL};
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    PGresult *r =
        PQexec(c, "SELECT table_name || '.' || column_name FROM information_schema.columns"
                  " WHERE table_schema = 'public' AND table_name <> 'schema_version'"
                  " ORDER BY (table_name || '.' || column_name) COLLATE \"C\"");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(r); i++) {
        buf_puts(&b, PQgetvalue(r, i, 0));
        buf_putc(&b, '\n');
    }
    PQclear(r);
    PQfinish(c);
    return buf_detach(&b, NULL);
}

static char *sqlite_columns(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT m.name || '.' || p.name FROM sqlite_schema m"
                                        " JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
                                        " ORDER BY 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        buf_puts(&b, (const char *)sqlite3_column_text(st, 0));
        buf_putc(&b, '\n');
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf_detach(&b, NULL);
}

static struct store *open_url(const char *url)
{
    struct store_options o = {.url = url, .read_pool_size = 2, .commit_batch_max = 8};
    struct err e;
    err_init(&e);
    struct store *s = store_open(&o, &e);
    if (!s)
        print_error("store_open: %s\n", e.msg);
    return s;
}

/* Every table and column SQLite's migrations make, PostgreSQL's make too, and no other. */
static void test_schema_parity(void **state)
{
    char db[64], url[600], dir[64], path[128];
    UNUSED(state);
    fresh_db(db, url, sizeof(url));
    struct store *s = open_url(url);
    assert_non_null(s);
    store_close(s);
    assert_int_equal(unit_tmpdir(dir, "pg-parity"), 0);
    snprintf(path, sizeof(path), "sqlite:%s/x.db", dir);
    assert_non_null(s = open_url(path));
    store_close(s);
    char *want = sqlite_columns(path + 7), *have = pg_columns(url);
    assert_string_equal(have, want);
    free(want);
    free(have);
    unit_rmtree(dir);
    drop_db(db);
}

struct opener {
    const char *url;
    struct store *s;
};

static void *open_main(void *arg)
{
    struct opener *o = arg;
    o->s = open_url(o->url);
    return NULL;
}

/* Nodes starting at once on a fresh database: all open it, and each migration ran once. */
static void test_concurrent_migrate(void **state)
{
    char db[64], url[600];
    struct opener o[4];
    pthread_t t[4];
    UNUSED(state);
    fresh_db(db, url, sizeof(url));
    for (size_t i = 0; i < ARRAY_SIZE(o); i++) {
        o[i] = (struct opener){.url = url};
        assert_int_equal(pthread_create(&t[i], NULL, open_main, &o[i]), 0);
    }
    for (size_t i = 0; i < ARRAY_SIZE(o); i++)
        pthread_join(t[i], NULL);
    for (size_t i = 0; i < ARRAY_SIZE(o); i++) {
        int v = 0;
        assert_non_null(o[i].s);
        assert_int_equal(store_schema_version(o[i].s, &v), STORE_OK);
        assert_int_equal(v, store_pg_schema_version());
        store_close(o[i].s);
    }
    const char *const keys[] = {"dbname", NULL};
    const char *const vals[] = {url, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    PGresult *r = PQexec(c, "SELECT count(*), count(DISTINCT version) FROM schema_version");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_int_equal(strtoll(PQgetvalue(r, 0, 0), NULL, 10), (long long)pg_migrations_count);
    assert_int_equal(strtoll(PQgetvalue(r, 0, 1), NULL, 10), (long long)pg_migrations_count);
    PQclear(r);
    PQfinish(c);
    drop_db(db);
}

/* How many statements with exactly this text are prepared in c's session. */
static long prepared_count(PGconn *c, const char *sql)
{
    const char *v[] = {sql};
    PGresult *r =
        PQexecParams(c, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", 1, NULL,
                     v, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}

static void add_one(struct pg_conn *c, const char *sql, int64_t v)
{
    struct pg_params p;
    PGresult *r;
    pg_params_init(&p);
    pg_p_int(&p, v);
    assert_int_equal(pg_exec(c, sql, &p, &r), STORE_OK);
    assert_int_equal(pg_int(r, 0, 0), v + 1);
    PQclear(r);
}

/* pg_exec prepares a statement the first time its text runs on a connection and executes it by
 * name afterwards (parsed and analysed once, bench/README.md "PostgreSQL"); a statement the
 * server no longer has (DEALLOCATE ALL, what a pooler's DISCARD ALL does) is prepared again
 * and the call still answers; a statement the server refuses is not remembered. */
static void test_statements_prepared_once(void **state)
{
    static const char sql[] = "SELECT $1::bigint + 1";
    const char *const keys[] = {"dbname", NULL};
    const char *const vals[] = {server(), NULL};
    struct pg_conn c = {0};
    UNUSED(state);
    c.db = PQconnectdbParams(keys, vals, 1);
    assert_int_equal(PQstatus(c.db), CONNECTION_OK);
    for (int i = 0; i < 3; i++)
        add_one(&c, sql, i);
    assert_int_equal(prepared_count(c.db, sql), 1);
    assert_int_equal(c.nstmts, 1);
    PQclear(PQexec(c.db, "DEALLOCATE ALL"));
    add_one(&c, sql, 41);
    assert_int_equal(prepared_count(c.db, sql), 1);
    assert_int_equal(c.nstmts, 1);
    assert_int_equal(pg_exec(&c, "SELEC 1", NULL, NULL), STORE_UNAVAILABLE);
    assert_string_equal(c.sqlstate, "42601");
    assert_int_equal(c.nstmts, 1);
    /* a filtered read runs unnamed: planned with its values every time, never prepared */
    static const char filtered[] = "SELECT $1::bigint + 1 WHERE ($1::bigint = 0 OR $1::bigint > 5)";
    assert_true(pg_stmt_custom(filtered));
    assert_false(pg_stmt_custom(sql));
    add_one(&c, filtered, 7);
    assert_int_equal(prepared_count(c.db, filtered), 0);
    assert_int_equal(c.nstmts, 1);
    pg_stmts_clear(&c);
    assert_null(c.stmts);
    PQfinish(c.db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_mirror_sqlite),
        cmocka_unit_test(test_url_check),
        cmocka_unit_test(test_sqlstate_map),
        cmocka_unit_test(test_result_getters),
        cmocka_unit_test(test_params),
        /* the last three only with a server (TAP's "# SKIP" counts as a failure in meson) */
        cmocka_unit_test(test_schema_parity),
        cmocka_unit_test(test_concurrent_migrate),
        cmocka_unit_test(test_statements_prepared_once),
    };
    log_setup(LOG_WARN, 2);
    return _cmocka_run_group_tests("store_pg", tests, ARRAY_SIZE(tests) - (server() ? 0 : 3), NULL,
                                   NULL);
}
