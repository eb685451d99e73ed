/*
 * itest_audit.c — the hash-chained audit log across the API and the CLI: mutations from both
 * (the CLI writing while the server runs) leave one unbroken chain; `ichigen audit verify`
 * names the entry where an attacker with file access edited, re-sealed or removed an entry
 * (dropping the append-only triggers first, as such an attacker would); a removed tail is
 * caught only against an anchored head (`audit head` / `--expect-head`).
 */
#include "itest.h"
#include "audit/audit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

static struct itest_fixture F;
static long long entries; /* audit entries after the mutations */
static char head[128];    /* `audit head` output: "SEQ:HASH" */

/* ---- direct database access, as an attacker with the file would have ---- */

static sqlite3 *db_open(void)
{
    char path[400];
    sqlite3 *db = NULL;
    snprintf(path, sizeof(path), "%s/ichigen.db", F.srv.dir);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    return db;
}

static void db_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
}

static long long db_count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long n = -1;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    xstrlcpy(out, t ? (const char *)t : "", n);
}

static void db_read_entry(sqlite3 *db, long long seq, struct audit_rec *r)
{
    sqlite3_stmt *st;
    memset(r, 0, sizeof(*r));
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT seq, at, actor, action, object_type, object_id,"
                                        " detail, payload_sha256, prev_hash, hash"
                                        " FROM audit_log WHERE seq = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    r->seq = sqlite3_column_int64(st, 0);
    r->at = sqlite3_column_int64(st, 1);
    copy_col(st, 2, r->actor, sizeof(r->actor));
    copy_col(st, 3, r->action, sizeof(r->action));
    copy_col(st, 4, r->object_type, sizeof(r->object_type));
    copy_col(st, 5, r->object_id, sizeof(r->object_id));
    copy_col(st, 6, r->detail, sizeof(r->detail));
    copy_col(st, 7, r->payload_sha256, sizeof(r->payload_sha256));
    copy_col(st, 8, r->prev_hash, sizeof(r->prev_hash));
    copy_col(st, 9, r->hash, sizeof(r->hash));
    sqlite3_finalize(st);
}

/* Rewrites the detail and hash of entry r->seq (the update trigger must be gone). */
static void db_write_entry(sqlite3 *db, const struct audit_rec *r)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE audit_log SET detail = ?, hash = ? WHERE seq = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, r->detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, r->seq);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

static void db_insert_entry(sqlite3 *db, const struct audit_rec *r)
{
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "INSERT INTO audit_log (seq, at, actor, action, object_type,"
                           " object_id, detail, payload_sha256, prev_hash, hash)"
                           " VALUES (?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(st, 1, r->seq);
    sqlite3_bind_int64(st, 2, r->at);
    const char *text[] = {r->actor,  r->action,         r->object_type, r->object_id,
                          r->detail, r->payload_sha256, r->prev_hash,   r->hash};
    for (int i = 0; i < 8; i++)
        sqlite3_bind_text(st, 3 + i, text[i], -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* ---- the CLI ---- */

/* Runs `audit verify [--expect-head H]`; returns the exit code, output in *out. */
static int verify(const char *expect_head, char **out)
{
    if (expect_head)
        return itest_cli(&F.srv, NULL, out, "audit", "verify", "--expect-head", expect_head, NULL);
    return itest_cli(&F.srv, NULL, out, "audit", "verify", NULL);
}

static void assert_intact(const char *expect_head, long long n)
{
    char *out = NULL;
    long long got = -1;
    int rc = verify(expect_head, &out);
    if (rc != 0)
        fail_msg("audit verify exited %d: %s", rc, out ? out : "");
    assert_int_equal(sscanf(out, "audit log intact: %lld entries verified", &got), 1);
    assert_int_equal(got, n);
    free(out);
}

static void assert_broken_at(long long seq, const char *reason)
{
    char *out = NULL, want[64];
    int rc = verify(NULL, &out);
    snprintf(want, sizeof(want), "audit log BROKEN at entry %lld: ", seq);
    if (rc != 1 || strncmp(out, want, strlen(want)) || !strstr(out, reason))
        fail_msg("audit verify exited %d with \"%s\"; expected 1 and \"%s%s…\"", rc, out, want,
                 reason);
    free(out);
}

/* ---- tests ---- */

static void api_post(const char *token, const char *path, const char *body, long want)
{
    struct itest_resp r;
    long st = itest_post(&F.srv, token, path, body, &r);
    if (st != want)
        fail_msg("POST %s: %ld %s", path, st, r.body);
    itest_resp_release(&r);
}

static void test_api_and_cli_share_one_chain(void **state)
{
    struct itest_resp r;
    char path[128], org[40], user_body[256];
    struct itest_user u;
    UNUSED(state);
    json_t *doc = itest_report_doc("audited report");
    char *body = itest_dump(doc);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", body, &r), 201);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", itest_jstr(r.json, "/id"));
    itest_resp_release(&r);
    itest_http(
        &F.srv,
        &(struct itest_req){
            .path = path, .token = F.rep_a.token, .body = body, .headers = {"If-Match: \"v1\""}},
        &r);
    assert_int_equal(r.status, 201);
    itest_resp_release(&r);
    api_post(F.rep_a.token, "/api/v1/tokens", "{\"name\":\"audited\"}", 201);
    assert_int_equal(
        itest_post(&F.srv, F.admin.token, "/api/v1/organizations",
                   "{\"name_ja\":\"監査\",\"name_en\":\"Audit\",\"kind\":\"company\"}", &r),
        201);
    char api_org[40];
    xstrlcpy(api_org, itest_jstr(r.json, "/id"), sizeof(api_org));
    itest_resp_release(&r);

    /* the CLI writes while the server runs; the server must chain onto those entries */
    assert_int_equal(itest_add_org(&F.srv, "CLI組織", "company", org), 0);
    assert_int_equal(itest_add_user(&F.srv, org, "cli-user", "reporter", &u), 0);
    /* the API's user: the new organisation's first administrator (issue 8.12) */
    snprintf(user_body, sizeof(user_body),
             "{\"org_id\":\"%s\",\"username\":\"api-user\",\"display_name\":\"API\","
             "\"role\":\"org_admin\",\"password\":\"pw-api-user-secret\"}",
             api_org);
    api_post(F.admin.token, "/api/v1/users", user_body, 201);
    api_post(u.token, "/api/v1/reports", body, 201);

    sqlite3 *db = db_open();
    entries = db_count(db, "SELECT COUNT(*) FROM audit_log");
    assert_int_equal(db_count(db, "SELECT MAX(seq) FROM audit_log"), entries);
    sqlite3_close(db);
    assert_true(entries >= 20);
    assert_intact(NULL, entries);
    free(body);
    json_decref(doc);
}

/* GET /api/v1/audit pages through the same chain the CLI verifies. */
static void test_api_listing_is_the_chain(void **state)
{
    char prev[HASH_SHA256_HEX] = AUDIT_GENESIS, path[96];
    long long seq = 1, from = 1;
    UNUSED(state);
    while (from > 0) {
        struct itest_resp r;
        json_t *it;
        size_t i;
        snprintf(path, sizeof(path), "/api/v1/audit?limit=7&from_seq=%lld", from);
        assert_int_equal(itest_get(&F.srv, F.admin.token, path, &r), 200);
        json_array_foreach(json_object_get(r.json, "items"), i, it)
        {
            assert_int_equal(itest_jint(it, "/seq"), seq++);
            assert_string_equal(itest_jstr(it, "/prev_hash"), prev);
            xstrlcpy(prev, itest_jstr(it, "/hash"), sizeof(prev));
        }
        from = itest_jint(r.json, "/next_from_seq");
        itest_resp_release(&r);
    }
    assert_int_equal(seq - 1, entries);

    char *out = NULL;
    long long hseq = 0;
    char hhash[80] = "";
    assert_int_equal(itest_cli(&F.srv, NULL, &out, "audit", "head", NULL), 0);
    assert_int_equal(sscanf(out, "%lld:%70[0-9a-f]", &hseq, hhash), 2);
    assert_int_equal(hseq, entries);
    assert_int_equal(strlen(hhash), 64);
    assert_string_equal(hhash, prev);
    snprintf(head, sizeof(head), "%lld:%s\n", hseq, hhash);
    assert_string_equal(out, head); /* nothing else on stdout */
    head[strcspn(head, "\n")] = '\0';
    free(out);
    assert_intact(head, entries);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

static void test_edited_entry_is_named(void **state)
{
    struct audit_rec orig, bad;
    long long k = entries / 2;
    UNUSED(state);
    sqlite3 *db = db_open();
    db_read_entry(db, k, &orig);
    /* the database refuses edits until the trigger is dropped */
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE audit_log SET detail = 'x' WHERE seq = 1", NULL, NULL, NULL),
        SQLITE_OK);
    db_exec(db, "DROP TRIGGER audit_log_no_update");
    bad = orig;
    xstrlcpy(bad.detail, "version=99", sizeof(bad.detail));
    db_write_entry(db, &bad);
    assert_broken_at(k, "altered");

    /* an attacker who also re-seals the entry breaks the link to the next one */
    audit_seal(&bad);
    db_write_entry(db, &bad);
    assert_broken_at(k + 1, "prev_hash");

    db_write_entry(db, &orig);
    sqlite3_close(db);
    assert_intact(head, entries);
}

static void test_removed_tail_needs_the_anchor(void **state)
{
    struct audit_rec last;
    char *out = NULL;
    UNUSED(state);
    sqlite3 *db = db_open();
    db_read_entry(db, entries, &last);
    db_exec(db, "DROP TRIGGER audit_log_no_delete");
    db_exec(db, "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
    assert_intact(NULL, entries - 1); /* the chain alone cannot see a cut at the end */
    assert_int_equal(verify(head, &out), 1);
    assert_non_null(strstr(out, "recorded head"));
    free(out);
    db_insert_entry(db, &last);
    sqlite3_close(db);
    assert_intact(head, entries);
}

static void test_removed_entry_is_named(void **state)
{
    long long m = entries / 3;
    char sql[96];
    UNUSED(state);
    sqlite3 *db = db_open();
    snprintf(sql, sizeof(sql), "DELETE FROM audit_log WHERE seq = %lld", m);
    db_exec(db, sql);
    sqlite3_close(db);
    assert_broken_at(m, "missing");
}

static int setup(void **state)
{
    UNUSED(state);
    return itest_fixture_setup(&F, NULL);
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&F);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_and_cli_share_one_chain),
        cmocka_unit_test(test_api_listing_is_the_chain),
        cmocka_unit_test(test_clean_shutdown),
        cmocka_unit_test(test_edited_entry_is_named),
        cmocka_unit_test(test_removed_tail_needs_the_anchor),
        cmocka_unit_test(test_removed_entry_is_named),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
