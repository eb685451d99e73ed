/*
 * itest_api.c — the report API end to end against the real server: create, read, list with
 * filters and cursors, amend with ETag/If-Match, versions and diffs, validation, idempotency,
 * request-level errors (400/413/415/422) in both languages, the public endpoints, metrics and
 * what the request log may and may not contain.
 */
#include "itest.h"
#include "core/buf.h"
#include "core/hash.h"
#include "core/jpatch.h"
#include "core/jsonx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#define MAX_BODY 65536
#define MAX_DEPTH 16
#define METRICS_TOKEN "itest-metrics-token-5f2c1a9e77"
/* Report text that must never reach the log. */
#define SECRET_PHRASE "ウグイス作戦-itest-7731"

static struct itest_fixture F;
static const char *const settings[] = {"--max-body-bytes=65536", "--max-json-depth=16",
                                       "--metrics-token=" METRICS_TOKEN, NULL};

static const char REPORTS[] = "/api/v1/reports";

/* ---- helpers ---- */

/* POSTs doc as a new report of u; returns the status. */
static long create(const struct itest_user *u, const json_t *doc, struct itest_resp *r)
{
    char *body = itest_dump(doc);
    long st = itest_post(&F.srv, u->token, REPORTS, body, r);
    free(body);
    return st;
}

/* report_sha256 in a report response is the SHA-256 of the canonical report bytes. */
static void assert_sha_matches(json_t *resp)
{
    struct buf b;
    char hex[HASH_SHA256_HEX];
    buf_init(&b, BUF_UNLIMITED);
    assert_int_equal(jsonx_dump_canonical(json_object_get(resp, "report"), &b), 0);
    hash_sha256_hex(b.data, b.len, hex);
    buf_release(&b);
    assert_string_equal(itest_jstr(resp, "/report_sha256"), hex);
}

/* Does errors[] of a problem hold an entry with this pointer? Returns it (borrowed) or NULL. */
static json_t *find_error(json_t *problem, const char *pointer)
{
    json_t *errs = json_object_get(problem, "errors"), *e;
    size_t i;
    json_array_foreach(errs, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "pointer"));
        if (p && !strcmp(p, pointer))
            return e;
    }
    return NULL;
}

static bool has_non_ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* ---- create, read, conditional requests ---- */

static void test_create_and_read(void **state)
{
    struct itest_resp c, g, h, nm, stale;
    char loc[128];
    UNUSED(state);
    json_t *doc = itest_report_doc(SECRET_PHRASE " create");
    assert_int_equal(create(&F.rep_a, doc, &c), 201);
    const char *id = itest_jstr(c.json, "/id");
    assert_non_null(id);
    snprintf(loc, sizeof(loc), "%s/%s", REPORTS, id);
    assert_string_equal(c.location, loc);
    assert_string_equal(c.etag, "\"v1\"");
    assert_true(json_equal(json_object_get(c.json, "report"), doc));
    assert_int_equal(itest_jint(c.json, "/version"), 1);
    assert_int_equal(itest_jint(c.json, "/latest_version"), 1);
    assert_string_equal(itest_jstr(c.json, "/version_author"), F.rep_a.id);
    assert_sha_matches(c.json);

    assert_int_equal(itest_get(&F.srv, F.rep_a.token, loc, &g), 200);
    assert_string_equal(g.body, c.body); /* the stored bytes, as acknowledged */
    assert_string_equal(g.etag, "\"v1\"");

    itest_http(&F.srv, &(struct itest_req){.method = "HEAD", .path = loc, .token = F.rep_a.token},
               &h);
    assert_int_equal(h.status, 200);
    assert_string_equal(h.etag, "\"v1\"");
    assert_int_equal(h.len, 0);

    itest_http(&F.srv,
               &(struct itest_req){
                   .path = loc, .token = F.rep_a.token, .headers = {"If-None-Match: \"v1\""}},
               &nm);
    assert_int_equal(nm.status, 304);
    assert_int_equal(nm.len, 0);
    assert_string_equal(nm.etag, "\"v1\"");
    itest_http(&F.srv,
               &(struct itest_req){
                   .path = loc, .token = F.rep_a.token, .headers = {"If-None-Match: \"v7\""}},
               &stale);
    assert_int_equal(stale.status, 200);
    itest_resp_release(&nm);
    /* a list, and weak comparison (RFC 9110 §13.1.2) */
    itest_http(&F.srv,
               &(struct itest_req){.path = loc,
                                   .token = F.rep_a.token,
                                   .headers = {"If-None-Match: \"v7\", W/\"v1\""}},
               &nm);
    assert_int_equal(nm.status, 304);

    json_decref(doc);
    itest_resp_release(&c);
    itest_resp_release(&g);
    itest_resp_release(&h);
    itest_resp_release(&nm);
    itest_resp_release(&stale);
}

/* ---- listing ---- */

struct listed {
    char ids[32][40];
    size_t n;
    int pages;
};

/* Follows next_cursor through every page of GET /reports?limit=page&query. */
static void list_all(const struct itest_user *u, const char *query, int page, struct listed *out)
{
    char path[512], cursor[128] = "";
    memset(out, 0, sizeof(*out));
    for (;;) {
        struct itest_resp r;
        snprintf(path, sizeof(path), "%s?limit=%d%s%s%s%s", REPORTS, page, *query ? "&" : "", query,
                 cursor[0] ? "&cursor=" : "", cursor);
        assert_int_equal(itest_get(&F.srv, u->token, path, &r), 200);
        json_t *items = json_object_get(r.json, "items"), *it;
        size_t i;
        assert_true(json_array_size(items) <= (size_t)page);
        json_array_foreach(items, i, it)
        {
            assert_true(out->n < ARRAY_SIZE(out->ids));
            xstrlcpy(out->ids[out->n++], itest_jstr(it, "/id"), sizeof(out->ids[0]));
        }
        out->pages++;
        const char *next = itest_jstr(r.json, "/next_cursor");
        if (next)
            xstrlcpy(cursor, next, sizeof(cursor));
        itest_resp_release(&r);
        if (!next)
            return;
        assert_true(out->pages < 20);
    }
}

/* Expects exactly the reports with the given creation indexes, newest first. */
static void assert_listed(const struct itest_user *u, const char *query, char ids[][40],
                          const int *want, size_t nwant)
{
    struct listed l;
    list_all(u, query, 2, &l);
    if (l.n != nwant)
        fail_msg("?%s: %zu reports listed, expected %zu", query, l.n, nwant);
    for (size_t i = 0; i < nwant; i++)
        assert_string_equal(l.ids[i], ids[want[i]]);
}

static void assert_bad_query(const struct itest_user *u, const char *query, const char *pointer)
{
    struct itest_resp r;
    char path[256];
    snprintf(path, sizeof(path), "%s?%s", REPORTS, query);
    assert_int_equal(itest_get(&F.srv, u->token, path, &r), 400);
    assert_string_equal(itest_problem_code(&r), "bad_query");
    if (!find_error(r.json, pointer))
        fail_msg("?%s: no error at %s in %s", query, pointer, r.body);
    itest_resp_release(&r);
}

static void test_list_filters_and_pagination(void **state)
{
    static const struct {
        const char *category, *phase;
        bool drill;
    } spec[] = {
        {"ransomware", "early_warning", false},
        {"ddos", "update", false},
        {"ransomware", "final", true},
        {"phishing", "early_warning", false},
        {"ddos", "final", false},
        {"phishing", "update", true},
        {"ransomware", "early_warning", false},
    };
    char ids[ARRAY_SIZE(spec)][40], created[ARRAY_SIZE(spec)][40], q[256];
    struct itest_user u;
    char org[40];
    UNUSED(state);
    /* a fresh organisation, so nothing else the suite creates shows up in its lists */
    assert_int_equal(itest_add_org(&F.srv, "組織L", "company", org), 0);
    assert_int_equal(itest_add_user(&F.srv, org, "rep-l", "reporter", &u), 0);
    for (size_t i = 0; i < ARRAY_SIZE(spec); i++) {
        struct itest_resp r;
        json_t *doc = itest_report_doc("list test");
        json_t *env = json_object_get(doc, "envelope");
        json_object_set_new(env, "phase", json_string(spec[i].phase));
        json_object_set_new(env, "drill", json_boolean(spec[i].drill));
        json_object_set_new(json_object_get(doc, "classification"), "categories",
                            json_pack("[s]", spec[i].category));
        assert_int_equal(create(&u, doc, &r), 201);
        xstrlcpy(ids[i], itest_jstr(r.json, "/id"), sizeof(ids[i]));
        xstrlcpy(created[i], itest_jstr(r.json, "/created_at"), sizeof(created[i]));
        itest_resp_release(&r);
        json_decref(doc);
        itest_sleep_ms(3); /* distinct created_at milliseconds make the time filters exact */
    }

    struct listed all;
    list_all(&u, "", 3, &all);
    assert_int_equal(all.n, 7);
    assert_int_equal(all.pages, 3);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(all.ids[i], ids[6 - i]); /* newest first */

    assert_listed(&u, "category=ddos", ids, (const int[]){4, 1}, 2);
    assert_listed(&u, "category=ransomware&phase=early_warning", ids, (const int[]){6, 0}, 2);
    assert_listed(&u, "phase=final", ids, (const int[]){4, 2}, 2);
    assert_listed(&u, "drill=true", ids, (const int[]){5, 2}, 2);
    assert_listed(&u, "drill=false", ids, (const int[]){6, 4, 3, 1, 0}, 5);
    snprintf(q, sizeof(q), "created_from=%s", created[3]);
    assert_listed(&u, q, ids, (const int[]){6, 5, 4, 3}, 4);
    snprintf(q, sizeof(q), "created_before=%s", created[3]);
    assert_listed(&u, q, ids, (const int[]){2, 1, 0}, 3);
    snprintf(q, sizeof(q), "created_from=%s&created_before=%s&category=ddos", created[1],
             created[5]);
    assert_listed(&u, q, ids, (const int[]){4, 1}, 2);

    assert_bad_query(&u, "foo=1", "?foo");
    assert_bad_query(&u, "category=bogus", "?category");
    assert_bad_query(&u, "phase=late", "?phase");
    assert_bad_query(&u, "drill=maybe", "?drill");
    assert_bad_query(&u, "created_from=yesterday", "?created_from");
    assert_bad_query(&u, "limit=0", "?limit");
    assert_bad_query(&u, "limit=100000", "?limit");
    assert_bad_query(&u, "cursor=not-a-cursor", "?cursor");
}

/* ---- amendments, versions, diffs ---- */

static long amend(const char *id, const json_t *doc, const char *if_match, struct itest_resp *r)
{
    char path[160], im[96];
    char *body = itest_dump(doc);
    snprintf(path, sizeof(path), "%s/%s/versions", REPORTS, id);
    snprintf(im, sizeof(im), "If-Match: %s", if_match ? if_match : "");
    itest_http(
        &F.srv,
        &(struct itest_req){
            .path = path, .token = F.rep_a.token, .body = body, .headers = {if_match ? im : NULL}},
        r);
    free(body);
    return r->status;
}

/* GET …/diff?query, applies the patch to from and expects to. */
static void assert_diff(const char *id, const char *query, json_t *from, json_t *to)
{
    struct itest_resp d;
    char path[200], err[200] = "";
    snprintf(path, sizeof(path), "%s/%s/diff%s", REPORTS, id, query);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &d), 200);
    assert_true(!strncmp(d.content_type, "application/json-patch+json", 27));
    assert_true(json_is_array(d.json));
    json_t *applied = jpatch_apply(from, d.json, err, sizeof(err));
    if (!applied)
        fail_msg("patch %s does not apply: %s", d.body, err);
    assert_true(json_equal(applied, to));
    json_decref(applied);
    itest_resp_release(&d);
}

/* The report the amendment tests share: id, both versions, and v1's and v2's hashes. */
static struct {
    char id[40];
    json_t *v1, *v2;
    char sha1[HASH_SHA256_HEX], sha2[HASH_SHA256_HEX];
} am;

static long get_path(const char *fmt, const char *id, int n, struct itest_resp *r)
{
    char path[200];
    snprintf(path, sizeof(path), fmt, REPORTS, id, n);
    return itest_get(&F.srv, F.rep_a.token, path, r);
}

static void test_amend_preconditions(void **state)
{
    struct itest_resp c, r;
    char path[200];
    UNUSED(state);
    am.v1 = itest_report_doc(SECRET_PHRASE " amend");
    am.v2 = json_deep_copy(am.v1);
    json_t *env = json_object_get(am.v2, "envelope");
    json_object_set_new(env, "phase", json_string("update"));
    json_object_set_new(env, "change_summary", json_string("侵入経路を追記"));
    json_object_set_new(json_object_get(am.v2, "description"), "details",
                        json_string("VPN機器の脆弱性を悪用された。"));
    assert_int_equal(create(&F.rep_a, am.v1, &c), 201);
    xstrlcpy(am.id, itest_jstr(c.json, "/id"), sizeof(am.id));
    xstrlcpy(am.sha1, itest_jstr(c.json, "/report_sha256"), sizeof(am.sha1));

    assert_int_equal(amend(am.id, am.v2, NULL, &r), 428);
    assert_string_equal(itest_problem_code(&r), "precondition_required");
    itest_resp_release(&r);
    assert_int_equal(amend(am.id, am.v2, "*", &r), 428); /* must name the version it changes */
    itest_resp_release(&r);

    assert_int_equal(amend(am.id, am.v2, c.etag, &r), 201);
    assert_string_equal(r.etag, "\"v2\"");
    snprintf(path, sizeof(path), "%s/%s/versions/2", REPORTS, am.id);
    assert_string_equal(r.location, path); /* the new version */
    assert_int_equal(itest_jint(r.json, "/version"), 2);
    assert_true(json_equal(json_object_get(r.json, "report"), am.v2));
    assert_string_equal(itest_jstr(r.json, "/change_summary"), "侵入経路を追記");
    assert_sha_matches(r.json);
    xstrlcpy(am.sha2, itest_jstr(r.json, "/report_sha256"), sizeof(am.sha2));
    itest_resp_release(&r);

    assert_int_equal(amend(am.id, am.v2, c.etag, &r), 412); /* stale */
    assert_string_equal(itest_problem_code(&r), "precondition_failed");
    assert_string_equal(r.etag, "\"v2\""); /* the current one, to merge against */
    itest_resp_release(&r);
    itest_resp_release(&c);

    assert_int_equal(get_path("%s/%s", am.id, 0, &r), 200);
    assert_string_equal(r.etag, "\"v2\"");
    assert_int_equal(itest_jint(r.json, "/latest_version"), 2);
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "%s/%s", REPORTS, am.id);
    itest_http(&F.srv,
               &(struct itest_req){
                   .path = path, .token = F.rep_a.token, .headers = {"If-None-Match: \"v2\""}},
               &r);
    assert_int_equal(r.status, 304);
    itest_resp_release(&r);
}

static void test_versions(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_true(am.id[0]);
    assert_int_equal(get_path("%s/%s/versions", am.id, 0, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *it = json_array_get(items, i);
        json_int_t ver = itest_jint(it, "/version");
        assert_true(ver == 1 || ver == 2);
        assert_string_equal(itest_jstr(it, "/report_sha256"), ver == 1 ? am.sha1 : am.sha2);
        assert_string_equal(itest_jstr(it, "/author"), F.rep_a.id);
    }
    itest_resp_release(&r);

    assert_int_equal(get_path("%s/%s/versions/%d", am.id, 1, &r), 200);
    assert_true(json_equal(json_object_get(r.json, "report"), am.v1));
    assert_int_equal(itest_jint(r.json, "/version"), 1);
    assert_int_equal(itest_jint(r.json, "/latest_version"), 2);
    assert_string_equal(itest_jstr(r.json, "/report_sha256"), am.sha1);
    itest_resp_release(&r);
    assert_int_equal(get_path("%s/%s/versions/%d", am.id, 3, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(get_path("%s/%s/versions/first", am.id, 0, &r), 404);
    itest_resp_release(&r);
}

static void test_diffs(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_true(am.id[0]);
    assert_diff(am.id, "", am.v1, am.v2);
    assert_diff(am.id, "?from=1&to=2", am.v1, am.v2);
    assert_diff(am.id, "?from=2&to=1", am.v2, am.v1);
    assert_int_equal(get_path("%s/%s/diff?from=1&to=%d", am.id, 5, &r), 400);
    itest_resp_release(&r);
    assert_int_equal(get_path("%s/%s/diff?since=%d", am.id, 1, &r), 400);
    itest_resp_release(&r);
    json_decref(am.v1);
    json_decref(am.v2);
    am.v1 = am.v2 = NULL;
}

/* ---- validation ---- */

/* The early-warning example with three independent problems and a missing required member. */
static json_t *broken_doc(void)
{
    json_t *doc = itest_report_doc(NULL);
    json_object_set_new(json_object_get(doc, "envelope"), "bogus", json_integer(1));
    json_object_set_new(json_object_get(doc, "confidentiality"), "tlp", json_string("TLP:PURPLE"));
    json_object_set_new(json_object_get(doc, "times"), "aware_at", json_string("yesterday"));
    json_object_del(doc, "contacts");
    return doc;
}

static const char *const broken_pointers[] = {"/envelope/bogus", "/confidentiality/tlp",
                                              "/times/aware_at", "/contacts"};

static void test_validate_endpoint(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    json_t *good = itest_report_doc("validate only"), *bad = broken_doc();
    char *gb = itest_dump(good), *bb = itest_dump(bad);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports/validate", gb, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "valid")));
    assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 0);
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports/validate", bb, &r), 200);
    assert_true(json_is_false(json_object_get(r.json, "valid")));
    assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 4);
    for (size_t i = 0; i < ARRAY_SIZE(broken_pointers); i++)
        assert_non_null(find_error(r.json, broken_pointers[i]));
    itest_resp_release(&r);
    free(gb);
    free(bb);
    json_decref(good);
    json_decref(bad);
}

static void test_validation_errors_422(void **state)
{
    struct itest_resp en, ja;
    UNUSED(state);
    json_t *bad = broken_doc();
    char *body = itest_dump(bad);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, REPORTS, body, &en), 422);
    assert_string_equal(itest_problem_code(&en), "validation");
    assert_true(!strncmp(en.content_type, "application/problem+json", 24));
    assert_int_equal(json_array_size(json_object_get(en.json, "errors")), 4);
    for (size_t i = 0; i < ARRAY_SIZE(broken_pointers); i++) {
        json_t *e = find_error(en.json, broken_pointers[i]);
        if (!e)
            fail_msg("no error at %s: %s", broken_pointers[i], en.body);
        assert_true(*itest_jstr(e, "/code"));
        assert_string_equal(itest_jstr(e, "/message"), itest_jstr(e, "/message_en"));
        assert_true(has_non_ascii(itest_jstr(e, "/message_ja")));
    }
    assert_string_equal(itest_jstr(find_error(en.json, "/envelope/bogus"), "/code"),
                        "unknown_field");
    assert_string_equal(itest_jstr(find_error(en.json, "/confidentiality/tlp"), "/code"), "enum");

    itest_http(&F.srv,
               &(struct itest_req){.path = REPORTS,
                                   .token = F.rep_a.token,
                                   .body = body,
                                   .headers = {"Accept-Language: en;q=0.5, ja;q=0.9"}},
               &ja);
    assert_int_equal(ja.status, 422);
    assert_true(has_non_ascii(itest_jstr(ja.json, "/title")));
    for (size_t i = 0; i < ARRAY_SIZE(broken_pointers); i++) {
        json_t *e = find_error(ja.json, broken_pointers[i]);
        assert_string_equal(itest_jstr(e, "/message"), itest_jstr(e, "/message_ja"));
    }
    itest_resp_release(&ja);
    itest_http(&F.srv,
               &(struct itest_req){.path = REPORTS,
                                   .token = F.rep_a.token,
                                   .body = body,
                                   .headers = {"Accept-Language: ja;q=0.2, en"}},
               &ja);
    assert_string_equal(itest_jstr(ja.json, "/title"), itest_jstr(en.json, "/title"));
    itest_resp_release(&ja);
    itest_resp_release(&en);
    free(body);
    json_decref(bad);
}

/* ---- Idempotency-Key ---- */

static long create_with_key(const struct itest_user *u, const char *body, const char *key,
                            struct itest_resp *r)
{
    char h[300];
    snprintf(h, sizeof(h), "Idempotency-Key: %s", key);
    itest_http(
        &F.srv,
        &(struct itest_req){.path = REPORTS, .token = u->token, .body = body, .headers = {h}}, r);
    return r->status;
}

static void test_idempotency(void **state)
{
    struct itest_resp a1, a2, a3, b1, b2, bad;
    char longkey[260];
    UNUSED(state);
    json_t *doc = itest_report_doc("idempotent create");
    char *body = itest_dump(doc);
    json_object_set_new(json_object_get(doc, "description"), "summary", json_string("other"));
    char *other = itest_dump(doc);
    const char *key = "itest-key-0001";

    assert_int_equal(create_with_key(&F.rep_a, body, key, &a1), 201);
    assert_string_equal(a1.idempotent_replayed, "");
    assert_int_equal(create_with_key(&F.rep_a, body, key, &a2), 201);
    assert_string_equal(a2.idempotent_replayed, "true");
    assert_string_equal(itest_jstr(a2.json, "/id"), itest_jstr(a1.json, "/id"));
    assert_string_equal(a2.body, a1.body);
    assert_string_equal(a2.location, a1.location);

    assert_int_equal(create_with_key(&F.rep_a, other, key, &a3), 422);
    assert_string_equal(itest_problem_code(&a3), "idempotency_key_reused");

    /* keys are per organisation: B's use of the same key is a different request */
    assert_int_equal(create_with_key(&F.rep_b, body, key, &b1), 201);
    assert_string_equal(b1.idempotent_replayed, "");
    assert_string_not_equal(itest_jstr(b1.json, "/id"), itest_jstr(a1.json, "/id"));
    assert_int_equal(create_with_key(&F.rep_b, body, key, &b2), 201);
    assert_string_equal(b2.idempotent_replayed, "true");
    assert_string_equal(itest_jstr(b2.json, "/id"), itest_jstr(b1.json, "/id"));

    memset(longkey, 'k', 201);
    longkey[201] = '\0';
    assert_int_equal(create_with_key(&F.rep_a, body, longkey, &bad), 400);
    assert_string_equal(itest_problem_code(&bad), "bad_idempotency_key");

    itest_resp_release(&a1);
    itest_resp_release(&a2);
    itest_resp_release(&a3);
    itest_resp_release(&b1);
    itest_resp_release(&b2);
    itest_resp_release(&bad);
    free(body);
    free(other);
    json_decref(doc);
}

/* ---- request-level errors ---- */

static void test_malformed_json(void **state)
{
    struct itest_resp r;
    int line = 0, col = 0;
    UNUSED(state);
    const char *body = "{\n  \"envelope\": {\n    \"phase\": ,\n  }\n}\n";
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, REPORTS, body, &r), 400);
    assert_string_equal(itest_problem_code(&r), "malformed_json");
    const char *msg = itest_jstr(r.json, "/errors/0/message");
    assert_non_null(msg);
    assert_int_equal(sscanf(msg, "line %d, column %d", &line, &col), 2);
    assert_int_equal(line, 3);
    assert_true(col >= 14);
    itest_resp_release(&r);

    itest_http(&F.srv,
               &(struct itest_req){.path = REPORTS,
                                   .token = F.rep_a.token,
                                   .body = body,
                                   .headers = {"Accept-Language: ja"}},
               &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(itest_jstr(r.json, "/errors/0/message"), "3行目"));
    itest_resp_release(&r);

    assert_int_equal(itest_post(&F.srv, F.rep_a.token, REPORTS, "[1, 2]", &r), 400);
    assert_string_equal(itest_jstr(r.json, "/errors/0/code"), "not_object");
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, REPORTS, "", &r), 400);
    itest_resp_release(&r);
}

static void test_content_type(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    json_t *doc = itest_report_doc("content type");
    char *body = itest_dump(doc);
    itest_http(
        &F.srv,
        &(struct itest_req){
            .path = REPORTS, .token = F.rep_a.token, .body = body, .content_type = "text/plain"},
        &r);
    assert_int_equal(r.status, 415);
    assert_string_equal(itest_problem_code(&r), "unsupported_media_type");
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){.path = "/api/v1/reports/validate",
                                   .token = F.rep_a.token,
                                   .body = body,
                                   .content_type = "application/json; charset=utf-8"},
               &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    free(body);
    json_decref(doc);
}

/* A valid report padded with spaces to exactly n bytes. */
static char *padded_report(size_t n)
{
    json_t *doc = itest_report_doc("padded to the limit");
    char *text = itest_dump(doc);
    size_t len = strlen(text);
    char *out = xmalloc(n + 1);
    assert_true(len + 1 < n);
    memcpy(out, text, len - 1);
    memset(out + len - 1, ' ', n - len);
    out[n - 1] = '}';
    out[n] = '\0';
    free(text);
    json_decref(doc);
    return out;
}

static void test_body_limits(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    char *at_limit = padded_report(MAX_BODY), *over = padded_report(MAX_BODY + 1);

    assert_int_equal(itest_post(&F.srv, F.rep_a.token, REPORTS, at_limit, &r), 201);
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){
                   .path = REPORTS, .token = F.rep_a.token, .body = at_limit, .chunked = true},
               &r);
    assert_int_equal(r.status, 201);
    itest_resp_release(&r);

    assert_int_equal(itest_post(&F.srv, F.rep_a.token, REPORTS, over, &r), 413);
    assert_string_equal(itest_problem_code(&r), "payload_too_large");
    itest_resp_release(&r);
    itest_http(
        &F.srv,
        &(struct itest_req){.path = REPORTS, .token = F.rep_a.token, .body = over, .chunked = true},
        &r);
    assert_int_equal(r.status, 413);
    assert_string_equal(itest_problem_code(&r), "payload_too_large");
    itest_resp_release(&r);
    free(at_limit);
    free(over);
}

static void test_nesting_depth(void **state)
{
    struct buf b;
    struct itest_resp r;
    UNUSED(state);
    buf_init(&b, BUF_UNLIMITED);
    buf_puts(&b, "{\"envelope\":");
    for (int i = 0; i < 3 * MAX_DEPTH; i++)
        buf_putc(&b, '[');
    for (int i = 0; i < 3 * MAX_DEPTH; i++)
        buf_putc(&b, ']');
    buf_putc(&b, '}');
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, REPORTS, buf_cstr(&b), &r), 400);
    assert_string_equal(itest_problem_code(&r), "malformed_json");
    assert_non_null(strstr(itest_jstr(r.json, "/detail"), "nesting deeper than 16"));
    itest_resp_release(&r);
    buf_release(&b);
}

/* ---- public endpoints, routing ---- */

static void test_public_endpoints(void **state)
{
    struct itest_resp r;
    const char *bogus = "ichi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    UNUSED(state);
    for (int authed = 0; authed < 2; authed++) {
        const char *tok = authed ? bogus : NULL;
        assert_int_equal(itest_get(&F.srv, tok, "/healthz", &r), 200);
        assert_string_equal(itest_jstr(r.json, "/status"), "ok");
        itest_resp_release(&r);
        assert_int_equal(itest_get(&F.srv, tok, "/readyz", &r), 200);
        assert_string_equal(itest_jstr(r.json, "/status"), "ready");
        itest_resp_release(&r);
    }
    assert_int_equal(itest_get(&F.srv, NULL, "/api/v1/report-format/schema", &r), 200);
    assert_true(!strncmp(r.content_type, "application/schema+json", 23));
    assert_non_null(r.json);
    assert_non_null(strstr(itest_jstr(r.json, "/$schema"), "json-schema.org"));
    assert_string_equal(itest_jstr(r.json, "/type"), "object");
    assert_true(json_is_object(jsonx_ptr_get(r.json, "/properties/envelope")));
    /* structurally sound: every required member of the root is a declared property */
    json_t *req = json_object_get(r.json, "required"), *v;
    size_t i;
    bool envelope_required = false;
    json_array_foreach(req, i, v)
    {
        const char *name = json_string_value(v);
        assert_non_null(name);
        assert_non_null(json_object_get(json_object_get(r.json, "properties"), name));
        envelope_required |= !strcmp(name, "envelope");
    }
    assert_true(envelope_required);
    itest_resp_release(&r);

    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/nothing-here", &r), 404);
    assert_string_equal(itest_problem_code(&r), "not_found");
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){.method = "DELETE", .path = REPORTS, .token = F.rep_a.token},
               &r);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(r.allow, "GET"));
    assert_non_null(strstr(r.allow, "POST"));
    itest_resp_release(&r);
}

static void test_metrics(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(itest_get(&F.srv, METRICS_TOKEN, "/metrics", &r), 200);
    assert_true(!strncmp(r.content_type, "text/plain", 10));
    assert_non_null(strstr(r.body, "ichigen_http_requests_total{method=\"POST\",route=\"/api/v1/"
                                   "reports\",status=\"201\"}"));
    assert_non_null(strstr(r.body, "ichigen_http_request_duration_seconds_bucket{"));
    assert_non_null(strstr(r.body, "route=\"/api/v1/reports\""));
    assert_non_null(strstr(r.body, "ichigen_store_commit_duration_seconds"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.admin.token, "/metrics", &r), 200);
    assert_non_null(strstr(r.body, "# TYPE ichigen_http_request_duration_seconds histogram"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, METRICS_TOKEN "x", "/metrics", &r), 401);
    itest_resp_release(&r);
}

/* ---- the request log ---- */

static char *wait_for_log(const char *needle)
{
    for (int i = 0; i < 500; i++) {
        char *text = itest_read_file(F.srv.log, NULL);
        if (text && strstr(text, needle))
            return text;
        free(text);
        itest_sleep_ms(10);
    }
    fail_msg("the server log never showed %s", needle);
    return NULL;
}

static void test_logs(void **state)
{
    struct itest_resp r;
    char body[256], session[80];
    UNUSED(state);
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", F.rep_a.username,
             F.rep_a.password);
    assert_int_equal(itest_post(&F.srv, NULL, "/api/v1/auth/login", body, &r), 201);
    xstrlcpy(session, itest_jstr(r.json, "/token"), sizeof(session));
    itest_resp_release(&r);
    assert_int_equal(itest_post(&F.srv, NULL, "/api/v1/auth/login",
                                "{\"username\":\"rep-a\",\"password\":\"Wrong-Pass-4242\"}", &r),
                     401);
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){.path = "/api/v1/me",
                                   .token = session,
                                   .headers = {"X-Request-Id: itest-req-0001abcd"}},
               &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.request_id, "itest-req-0001abcd");
    itest_resp_release(&r);

    char *log = wait_for_log("itest-req-0001abcd");
    const char *const secrets[] = {F.rep_a.token,     F.rep_b.token, F.admin.token,
                                   session,           METRICS_TOKEN, F.rep_a.password,
                                   "Wrong-Pass-4242", SECRET_PHRASE, "侵入経路を追記"};
    for (size_t i = 0; i < ARRAY_SIZE(secrets); i++)
        if (strstr(log, secrets[i]))
            fail_msg("the server log contains \"%s\"", secrets[i]);

    size_t requests = 0;
    for (char *line = log, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break; /* a line still being written */
        *nl = '\0';
        json_t *j = json_loads(line, 0, NULL);
        if (!j)
            fail_msg("not a JSON log line: %s", line);
        const char *ev = itest_jstr(j, "/event");
        assert_non_null(ev);
        if (!strcmp(ev, "http.request")) {
            const char *rid = itest_jstr(j, "/request_id");
            assert_true(rid && *rid);
            requests++;
        }
        json_decref(j);
    }
    assert_true(requests > 20);
    free(log);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

static int setup(void **state)
{
    UNUSED(state);
    return itest_fixture_setup(&F, settings);
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&F);
    json_decref(am.v1);
    json_decref(am.v2);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_read),
        cmocka_unit_test(test_list_filters_and_pagination),
        cmocka_unit_test(test_amend_preconditions),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_diffs),
        cmocka_unit_test(test_validate_endpoint),
        cmocka_unit_test(test_validation_errors_422),
        cmocka_unit_test(test_idempotency),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_content_type),
        cmocka_unit_test(test_body_limits),
        cmocka_unit_test(test_nesting_depth),
        cmocka_unit_test(test_public_endpoints),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_logs),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
