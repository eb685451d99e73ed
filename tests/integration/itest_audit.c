/*
 * itest_audit.c — the hash-chained audit log across the API and the CLI: mutations from both
 * (the CLI writing while the server runs) leave one unbroken chain; `ichigen audit verify`
 * names the entry where an attacker with access to the database (the SQLite file, or
 * PostgreSQL) edited, re-sealed or removed an entry (dropping the append-only triggers first,
 * as such an attacker would); a removed tail is caught only against an anchored head (`audit head` / `--expect-head`). Under an intact chain
 * it also names every stored object edited, removed or added around the service: a report
 * version's body, a submission's payload, an assessment's answers and scores, an asset.
 */
#include "itest.h"
#include "audit/audit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct itest_fixture F;
static long long entries; /* audit entries after the mutations */
static char head[128];    /* `audit head` output: "SEQ:HASH" */

/* Objects whose stored bytes audit entries pin (the report has versions 1 and 2). */
static char report_id[40], sub_id[40], assess_id[40], asset_id[40];

/* ---- direct database access, as an attacker with the database would have: the SQLite file,
 * or the PostgreSQL database when the tests run there (itest_sql, issue 14) ---- */

/* Runs sql with params; fails the test on an error. Returns the rows (caller json_decref). */
static json_t *db_run(const char *sql, const char *const *params, size_t n, long long *changes)
{
    json_t *rows = itest_sql(&F.srv, sql, params, n, changes);
    if (!rows)
        fail_msg("%s: refused (see above)", sql);
    return rows;
}

static void db_exec(const char *sql)
{
    json_decref(db_run(sql, NULL, 0, NULL));
}

/* Whether the database refuses sql (a trigger that keeps the table append-only). */
static bool db_refuses(const char *sql)
{
    json_t *rows = itest_sql(&F.srv, sql, NULL, 0, NULL);
    json_decref(rows);
    return rows == NULL;
}

static long long db_count(const char *sql)
{
    json_t *rows = db_run(sql, NULL, 0, NULL);
    const char *v = json_string_value(json_array_get(json_array_get(rows, 0), 0));
    long long n = v ? strtoll(v, NULL, 10) : -1;
    json_decref(rows);
    return n;
}

/* The attacker drops the triggers that keep the tables append-only. PostgreSQL names the
 * trigger's table (PostgreSQL 15, DROP TRIGGER), SQLite does not (trigger names are global). */
static void drop_trigger(const char *trigger, const char *table)
{
    char sql[160];
    if (itest_on_pg())
        snprintf(sql, sizeof(sql), "DROP TRIGGER %s ON %s", trigger, table);
    else
        snprintf(sql, sizeof(sql), "DROP TRIGGER %s", trigger);
    db_exec(sql);
}

static void copy_col(json_t *row, size_t col, char *out, size_t n)
{
    const char *t = json_string_value(json_array_get(row, col));
    xstrlcpy(out, t ? t : "", n);
}

static void db_read_entry(long long seq, struct audit_rec *r)
{
    char at[24];
    snprintf(at, sizeof(at), "%lld", seq);
    const char *const params[] = {at};
    json_t *rows = db_run("SELECT seq, at, actor, action, object_type, object_id,"
                          " detail, payload_sha256, prev_hash, hash"
                          " FROM audit_log WHERE seq = $1",
                          params, 1, NULL);
    json_t *row = json_array_get(rows, 0);
    assert_int_equal(json_array_size(rows), 1);
    memset(r, 0, sizeof(*r));
    r->seq = strtoll(json_string_value(json_array_get(row, 0)), NULL, 10);
    r->at = strtoll(json_string_value(json_array_get(row, 1)), NULL, 10);
    copy_col(row, 2, r->actor, sizeof(r->actor));
    copy_col(row, 3, r->action, sizeof(r->action));
    copy_col(row, 4, r->object_type, sizeof(r->object_type));
    copy_col(row, 5, r->object_id, sizeof(r->object_id));
    copy_col(row, 6, r->detail, sizeof(r->detail));
    copy_col(row, 7, r->payload_sha256, sizeof(r->payload_sha256));
    copy_col(row, 8, r->prev_hash, sizeof(r->prev_hash));
    copy_col(row, 9, r->hash, sizeof(r->hash));
    json_decref(rows);
}

/* Rewrites the detail and hash of entry r->seq (the update trigger must be gone). */
static void db_write_entry(const struct audit_rec *r)
{
    char seq[24];
    long long changed = 0;
    snprintf(seq, sizeof(seq), "%lld", (long long)r->seq);
    const char *const params[] = {r->detail, r->hash, seq};
    json_decref(
        db_run("UPDATE audit_log SET detail = $1, hash = $2 WHERE seq = $3", params, 3, &changed));
    assert_int_equal(changed, 1);
}

static void db_insert_entry(const struct audit_rec *r)
{
    char seq[24], at[24];
    snprintf(seq, sizeof(seq), "%lld", (long long)r->seq);
    snprintf(at, sizeof(at), "%lld", (long long)r->at);
    const char *const params[] = {
        seq,          at,        r->actor,          r->action,    r->object_type,
        r->object_id, r->detail, r->payload_sha256, r->prev_hash, r->hash};
    json_decref(db_run("INSERT INTO audit_log (seq, at, actor, action, object_type,"
                       " object_id, detail, payload_sha256, prev_hash, hash)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                       params, ARRAY_SIZE(params), NULL));
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

/* Answers every question of framework fw with level 2: {"framework", "answers"} (caller
 * frees). */
static char *all_answers(const char *fw)
{
    struct itest_resp r;
    char path[96];
    json_t *ans = json_object(), *f, *c, *q;
    size_t i, k, m;
    snprintf(path, sizeof(path), "/api/v1/frameworks/%s", fw);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    json_array_foreach(json_object_get(r.json, "functions"), i, f)
        json_array_foreach(json_object_get(f, "categories"), k, c)
            json_array_foreach(json_object_get(c, "questions"), m, q) json_object_set_new(
                ans, json_string_value(json_object_get(q, "id")), json_pack("{s:i}", "level", 2));
    itest_resp_release(&r);
    json_t *doc = json_pack("{s:s, s:o}", "framework", fw, "answers", ans);
    char *text = itest_dump(doc);
    json_decref(doc);
    return text;
}

/* method path with If-Match: "v<version>" as rep_a; asserts the status. */
static void api_if_match(const char *method, const char *path, int version, const char *body,
                         long want, struct itest_resp *r)
{
    char im[32];
    snprintf(im, sizeof(im), "If-Match: \"v%d\"", version);
    itest_http(
        &F.srv,
        &(struct itest_req){
            .method = method, .path = path, .token = F.rep_a.token, .body = body, .headers = {im}},
        r);
    if (r->status != want)
        fail_msg("%s %s: %ld %s", method, path, r->status, r->body);
}

/* A submission of the report's version 2, a submitted assessment, an updated asset. */
static void make_pinned_objects(void)
{
    struct itest_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/reports/%s/submit", report_id);
    api_if_match("POST", path, 2, NULL, 201, &r);
    xstrlcpy(sub_id, itest_jstr(r.json, "/submitted/0/id"), sizeof(sub_id));
    itest_resp_release(&r);

    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/assessments",
                                "{\"framework\":\"sme-quick-check\",\"period\":\"FY2026\"}", &r),
                     201);
    xstrlcpy(assess_id, itest_jstr(r.json, "/id"), sizeof(assess_id));
    itest_resp_release(&r);
    char *answers = all_answers("sme-quick-check");
    snprintf(path, sizeof(path), "/api/v1/assessments/%s/answers", assess_id);
    api_if_match("PUT", path, 1, answers, 200, &r);
    itest_resp_release(&r);
    free(answers);
    snprintf(path, sizeof(path), "/api/v1/assessments/%s/submit", assess_id);
    api_if_match("POST", path, 2, NULL, 200, &r);
    itest_resp_release(&r);

    static const char asset[] =
        "{\"name_ja\":\"顧客DB\",\"kind\":\"data\",\"criticality\":\"high\"}";
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/assets", asset, &r), 201);
    xstrlcpy(asset_id, itest_jstr(r.json, "/id"), sizeof(asset_id));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/assets/%s", asset_id);
    api_if_match("PUT", path, 1,
                 "{\"name_ja\":\"顧客DB\",\"kind\":\"data\",\"criticality\":\"medium\"}", 200, &r);
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
    xstrlcpy(report_id, itest_jstr(r.json, "/id"), sizeof(report_id));
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", report_id);
    itest_resp_release(&r);
    itest_http(
        &F.srv,
        &(struct itest_req){
            .path = path, .token = F.rep_a.token, .body = body, .headers = {"If-Match: \"v1\""}},
        &r);
    assert_int_equal(r.status, 201);
    itest_resp_release(&r);
    api_post(F.rep_a.token, "/api/v1/tokens", "{\"name\":\"audited\"}", 201);
    assert_int_equal(itest_post(&F.srv, F.admin.token, "/api/v1/organizations",
                                "{\"name_ja\":\"監査\",\"name_en\":\"Audit\",\"kind\":\"company\"}",
                                &r),
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
    make_pinned_objects();
    /* the newest entry pins nothing: cutting it off is for the anchor alone to see */
    api_post(F.rep_a.token, "/api/v1/tokens", "{\"name\":\"last\"}", 201);

    entries = db_count("SELECT COUNT(*) FROM audit_log");
    assert_int_equal(db_count("SELECT MAX(seq) FROM audit_log"), entries);
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
    db_read_entry(k, &orig);
    /* the database refuses edits until the trigger is dropped */
    assert_true(db_refuses("UPDATE audit_log SET detail = 'x' WHERE seq = 1"));
    drop_trigger("audit_log_no_update", "audit_log");
    bad = orig;
    xstrlcpy(bad.detail, "version=99", sizeof(bad.detail));
    db_write_entry(&bad);
    assert_broken_at(k, "altered");

    /* an attacker who also re-seals the entry breaks the link to the next one */
    audit_seal(&bad);
    db_write_entry(&bad);
    assert_broken_at(k + 1, "prev_hash");

    db_write_entry(&orig);
    assert_intact(head, entries);
}

static void test_removed_tail_needs_the_anchor(void **state)
{
    struct audit_rec last;
    char *out = NULL;
    UNUSED(state);
    db_read_entry(entries, &last);
    assert_true(db_refuses("DELETE FROM audit_log WHERE seq = 1"));
    drop_trigger("audit_log_no_delete", "audit_log");
    db_exec("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
    assert_intact(NULL, entries - 1); /* the chain alone cannot see a cut at the end */
    assert_int_equal(verify(head, &out), 1);
    assert_non_null(strstr(out, "recorded head"));
    free(out);
    db_insert_entry(&last);
    assert_intact(head, entries);
}

/* ---- stored objects changed around the service ---- */

/* Appends a space to one stored value (a change no JSON reader would even notice), keeping the
 * original, as it was stored (type and bytes), in the table kept_value for db_restore. where
 * selects the row with $1 = id. */
static void db_edit(const char *table, const char *col, const char *where, const char *id)
{
    char sql[256];
    long long changed = 0;
    const char *const params[] = {id};
    snprintf(sql, sizeof(sql), "CREATE TABLE kept_value AS SELECT %s AS v FROM %s WHERE 1 = 0", col,
             table);
    db_exec(sql);
    snprintf(sql, sizeof(sql), "INSERT INTO kept_value SELECT %s FROM %s WHERE %s", col, table,
             where);
    json_decref(db_run(sql, params, 1, &changed));
    assert_int_equal(changed, 1);
    snprintf(sql, sizeof(sql), "UPDATE %s SET %s = %s || ' ' WHERE %s", table, col, col, where);
    json_decref(db_run(sql, params, 1, &changed));
    assert_int_equal(changed, 1);
}

static void db_restore(const char *table, const char *col, const char *where, const char *id)
{
    char sql[256];
    long long changed = 0;
    const char *const params[] = {id};
    snprintf(sql, sizeof(sql), "UPDATE %s SET %s = (SELECT v FROM kept_value) WHERE %s", table, col,
             where);
    json_decref(db_run(sql, params, 1, &changed));
    assert_int_equal(changed, 1);
    db_exec("DROP TABLE kept_value");
}

/* `audit verify` exits 1 and names exactly one object, with the words in want. */
static void assert_names(const char *want)
{
    char *out = NULL;
    int rc = verify(head, &out), lines = 0;
    for (const char *p = out; (p = strstr(p, "audit log BROKEN")); p++)
        lines++;
    if (rc != 1 || lines != 1 || !strstr(out, want))
        fail_msg("audit verify exited %d with \"%s\"; expected 1 and one line with \"%s\"", rc,
                 out ? out : "", want);
    free(out);
}

/* An attacker with the file edits what was stored — a report version's body, a submission's
 * payload, an assessment's answers and scores, an asset — under an intact chain: verify
 * names the object by kind and id (and version), then accepts it again once restored. */
static void test_edited_objects_are_named(void **state)
{
    static const struct {
        const char *table, *col, *where, *kind, *part;
        char *id;
    } targets[] = {
        {"report_versions", "body", "incident_id = $1 AND version = 2", "report", "body",
         report_id},
        {"submissions", "payload", "id = $1", "submission", "payload", sub_id},
        {"assessments", "answers", "id = $1", "assessment", "answers", assess_id},
        {"assessments", "scores", "id = $1", "assessment", "scores", assess_id},
        {"org_documents", "body", "id = $1", "asset", "body", asset_id},
    };
    char want[200], *out = NULL;
    long long n = -1, objects = -1;
    UNUSED(state);
    assert_int_equal(verify(head, &out), 0);
    assert_int_equal(
        sscanf(out, "audit log intact: %lld entries verified; %lld stored objects", &n, &objects),
        2);
    assert_int_equal(n, entries);
    assert_int_equal(objects, 7); /* 3 report versions, a submission, answers, scores, asset */
    free(out);

    /* the database refuses these edits until the triggers are dropped */
    assert_true(db_refuses("UPDATE report_versions SET body = body || ' '"));
    drop_trigger("report_versions_no_update", "report_versions");
    drop_trigger("submissions_payload_fixed", "submissions");
    drop_trigger("assessments_submitted_immutable", "assessments");
    for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
        db_edit(targets[i].table, targets[i].col, targets[i].where, targets[i].id);
        snprintf(want, sizeof(want), "audit log BROKEN: %s %s%s: SHA-256 of the stored %s is ",
                 targets[i].kind, targets[i].id, i == 0 ? " version 2" : "", targets[i].part);
        assert_names(want);
        db_restore(targets[i].table, targets[i].col, targets[i].where, targets[i].id);
        assert_intact(head, entries);
    }

    /* a version removed, and an asset added without the service */
    drop_trigger("report_versions_no_delete", "report_versions");
    db_exec("CREATE TABLE kept AS SELECT * FROM report_versions WHERE version = 2");
    char sql[400];
    snprintf(sql, sizeof(sql),
             "DELETE FROM report_versions WHERE incident_id = '%s' AND version = 2", report_id);
    db_exec(sql);
    snprintf(want, sizeof(want), "audit log BROKEN: report %s version 2: audit entry ", report_id);
    assert_names(want);
    assert_names("recorded its body (SHA-256 ");
    db_exec("INSERT INTO report_versions SELECT * FROM kept");
    db_exec("DROP TABLE kept");
    assert_intact(head, entries);
    snprintf(sql, sizeof(sql),
             "INSERT INTO org_documents (id, org_id, kind, version, body, created_by, created_at,"
             " updated_at) SELECT '01a20000-0000-7000-8000-00000000f00d', org_id, kind, 1, body,"
             " created_by, created_at, updated_at FROM org_documents WHERE id = '%s'",
             asset_id);
    db_exec(sql);
    assert_names("audit log BROKEN: asset 01a20000-0000-7000-8000-00000000f00d: stored, but no "
                 "audit entry records its body");
    db_exec("DELETE FROM org_documents WHERE id = '01a20000-0000-7000-8000-00000000f00d'");
    assert_intact(head, entries);
}

/* The operator's page reads the chain's state over HTTP (GET /api/v1/operator/audit-chain,
 * issue 12): intact with every entry counted and the newest one as head; an edited entry is
 * named by its sequence number while the server runs, and the chain reads intact again once the
 * entry is put back. Admin only. */
static void test_api_chain_state(void **state)
{
    struct itest_resp r;
    struct audit_rec orig, bad;
    long long k = entries / 2;
    UNUSED(state);
    assert_int_equal(itest_server_start(&F.srv), 0);
    long long n = db_count("SELECT COUNT(*) FROM audit_log");
    assert_int_equal(itest_get(&F.srv, F.admin.token, "/api/v1/operator/audit-chain", &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "intact")));
    assert_int_equal(itest_jint(r.json, "/verified"), n);
    assert_int_equal(itest_jint(r.json, "/head/seq"), n);
    assert_true(json_is_null(json_object_get(r.json, "first_bad_seq")));
    itest_resp_release(&r);

    db_read_entry(k, &orig);
    bad = orig;
    xstrlcpy(bad.detail, "version=99", sizeof(bad.detail));
    db_write_entry(&bad); /* the update trigger was dropped by test_edited_entry_is_named */
    assert_int_equal(itest_get(&F.srv, F.admin.token, "/api/v1/operator/audit-chain", &r), 200);
    assert_true(json_is_false(json_object_get(r.json, "intact")));
    assert_int_equal(itest_jint(r.json, "/first_bad_seq"), k);
    assert_int_equal(itest_jint(r.json, "/verified"), k - 1);
    assert_non_null(strstr(itest_jstr(r.json, "/reason"), "altered"));
    itest_resp_release(&r);

    db_write_entry(&orig);
    assert_int_equal(itest_get(&F.srv, F.admin.token, "/api/v1/operator/audit-chain", &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "intact")));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/operator/audit-chain", &r), 403);
    itest_resp_release(&r);
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

static void test_removed_entry_is_named(void **state)
{
    long long m = entries / 3;
    char sql[96];
    UNUSED(state);
    snprintf(sql, sizeof(sql), "DELETE FROM audit_log WHERE seq = %lld", m);
    db_exec(sql);
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
        cmocka_unit_test(test_edited_objects_are_named),
        cmocka_unit_test(test_api_chain_state),
        cmocka_unit_test(test_removed_entry_is_named),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
