/*
 * itest_govern.c — the governance API end to end (issue 4) on the real binary and the shipped
 * questionnaires: frameworks; an assessment's life (create, save with If-Match, gather-all
 * errors, submit, immutable afterwards); peer comparison by sector and size with the
 * k-anonymity fallback and exact figures; assets and loss scenarios (validation, references,
 * optimistic concurrency); simulations (deterministic for a seed, resistance taken from the
 * submitted assessment, server limits); the rating report as JSON and PDF; audit entries; and
 * another organisation's objects staying hidden.
 */
#include "itest.h"
#include "core/jsonx.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct itest_fixture F;
static const char *const settings[] = {"--risk-max-years=200000", NULL};

/* Peer organisations: finance/small with levels 0..4, finance/large with 1; their reporters. */
#define NPEERS 7
static struct itest_user peers[NPEERS];
static struct itest_user subject_p; /* finance/small, answers every question with 2 */
static struct itest_user subject_q; /* finance/large, answers with 3 */

static char assess_a[40]; /* org A's NIST CSF assessment (submitted by test_lifecycle) */
static char asset_a[40];
static char scenario_a[40]; /* resistance from the assessment */
static char sim_a[40];

/* ---- helpers ---- */

static long call(const struct itest_user *u, const char *method, const char *path, const char *body,
                 const char *if_match, struct itest_resp *r)
{
    char im[80];
    if (if_match)
        snprintf(im, sizeof(im), "If-Match: %s", if_match);
    itest_http(&F.srv,
               &(struct itest_req){.method = method,
                                   .path = path,
                                   .token = u ? u->token : NULL,
                                   .body = body,
                                   .headers = {if_match ? im : NULL}},
               r);
    return r->status;
}

static long call_json(const struct itest_user *u, const char *method, const char *path,
                      const json_t *doc, const char *if_match, struct itest_resp *r)
{
    char *body = itest_dump(doc);
    long st = call(u, method, path, body, if_match, r);
    free(body);
    return st;
}

/* True when the 422 problem r lists pointer with code. */
static bool has_error(const struct itest_resp *r, const char *pointer, const char *code)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e)
    {
        if (!strcmp(itest_jstr(e, "/pointer"), pointer) && !strcmp(itest_jstr(e, "/code"), code) &&
            itest_jstr(e, "/message_ja")[0] && itest_jstr(e, "/message_en")[0])
            return true;
    }
    return false;
}

static void expect_error(const struct itest_resp *r, const char *pointer, const char *code)
{
    if (!has_error(r, pointer, code))
        fail_msg("no error %s at %s in: %s", code, pointer, r->body);
}

static double jnum(json_t *doc, const char *ptr)
{
    json_t *v = jsonx_ptr_get(doc, ptr);
    if (!json_is_number(v))
        fail_msg("no number at %s", ptr);
    return json_number_value(v);
}

/* Every question of framework id answered with level (NAN: leave the function fn_skip out). */
static json_t *answers_all(const char *framework, int level, const char *fn_skip)
{
    struct itest_resp r;
    char path[96];
    json_t *ans = json_object(), *f, *c, *q;
    size_t i, k, m;
    snprintf(path, sizeof(path), "/api/v1/frameworks/%s", framework);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    json_array_foreach(json_object_get(r.json, "functions"), i, f)
    {
        if (fn_skip && !strcmp(itest_jstr(f, "/id"), fn_skip))
            continue;
        json_array_foreach(json_object_get(f, "categories"), k, c)
            json_array_foreach(json_object_get(c, "questions"), m, q)
                json_object_set_new(ans, itest_jstr(q, "/id"), json_pack("{s:i}", "level", level));
    }
    itest_resp_release(&r);
    return json_pack("{s:s, s:o}", "framework", framework, "answers", ans);
}

/* Creates, answers (all at level) and submits an assessment for u; returns nothing. */
static void submit_all(const struct itest_user *u, const char *framework, int level)
{
    struct itest_resp r;
    char path[128];
    json_t *doc = answers_all(framework, level, NULL);
    json_object_set_new(doc, "period", json_string("FY2026"));
    assert_int_equal(call_json(u, "POST", "/api/v1/assessments", doc, NULL, &r), 201);
    json_decref(doc);
    snprintf(path, sizeof(path), "/api/v1/assessments/%s/submit", itest_jstr(r.json, "/id"));
    itest_resp_release(&r);
    assert_int_equal(call(u, "POST", path, NULL, "\"v1\"", &r), 200);
    assert_string_equal(itest_jstr(r.json, "/status"), "submitted");
    itest_resp_release(&r);
}

/* An organisation made through the admin API (sector, size band) with one reporter. */
static void add_org_user(const char *name, const char *sector, const char *size,
                         struct itest_user *u)
{
    struct itest_resp r;
    char body[256], user[64];
    snprintf(body, sizeof(body),
             "{\"name_ja\":\"%s\",\"name_en\":\"%s\",\"kind\":\"company\",\"sector\":\"%s\","
             "\"size_band\":\"%s\"}",
             name, name, sector, size);
    assert_int_equal(itest_post(&F.srv, F.admin.token, "/api/v1/organizations", body, &r), 201);
    assert_string_equal(itest_jstr(r.json, "/size_band"), size);
    snprintf(user, sizeof(user), "rep-%s", name);
    assert_int_equal(itest_add_user(&F.srv, itest_jstr(r.json, "/id"), user, "reporter", u), 0);
    itest_resp_release(&r);
}

/* ---- frameworks ---- */

static void test_frameworks(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(itest_get(&F.srv, F.recipient.token, "/api/v1/frameworks", &r), 200);
    json_t *items = json_object_get(r.json, "items");
    bool csf = false, sme = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (!strcmp(itest_jstr(it, "/id"), "nist-csf-2.0")) {
            csf = true;
            assert_int_equal(itest_jint(it, "/questions"), 106);
            assert_int_equal(itest_jint(it, "/categories"), 22);
            assert_int_equal(json_array_size(json_object_get(it, "functions")), 6);
        }
        sme |= !strcmp(itest_jstr(it, "/id"), "sme-quick-check");
    }
    assert_true(csf && sme);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/frameworks/sme-quick-check", &r),
                     200);
    assert_non_null(itest_jstr(r.json, "/scale/levels/4/label/ja"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/frameworks/iso-27001", &r), 404);
    itest_resp_release(&r);
}

/* ---- an assessment's life ---- */

static void test_lifecycle(void **state)
{
    struct itest_resp r;
    char path[128], sub[160];
    UNUSED(state);
    /* gather-all errors on create */
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/assessments",
                          "{\"framework\":\"nope\",\"period\":\"FY2026\"}", NULL, &r),
                     422);
    expect_error(&r, "/framework", "unknown_framework");
    itest_resp_release(&r);
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/assessments",
                          "{\"framework\":\"nist-csf-2.0\",\"answers\":{\"GV.OC-01\":{\"level\":7},"
                          "\"XX.YY-01\":{\"level\":1}}}",
                          NULL, &r),
                     422);
    expect_error(&r, "/period", "required");
    itest_resp_release(&r);
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/assessments",
                          "{\"framework\":\"nist-csf-2.0\",\"period\":\"FY2026\",\"answers\":"
                          "{\"GV.OC-01\":{\"level\":7},\"XX.YY-01\":{\"level\":1},"
                          "\"GV.OC-02\":{\"level\":1,\"not_applicable\":true}}}",
                          NULL, &r),
                     422);
    assert_true(json_array_size(json_object_get(r.json, "errors")) >= 3);
    assert_non_null(strstr(r.body, "/answers/GV.OC-01"));
    assert_non_null(strstr(r.body, "/answers/XX.YY-01"));
    assert_non_null(strstr(r.body, "/answers/GV.OC-02"));
    itest_resp_release(&r);

    /* a draft */
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/assessments",
                          "{\"framework\":\"nist-csf-2.0\",\"period\":\"FY2026\"}", NULL, &r),
                     201);
    xstrlcpy(assess_a, itest_jstr(r.json, "/id"), sizeof(assess_a));
    assert_string_equal(r.etag, "\"v1\"");
    assert_non_null(strstr(r.location, assess_a));
    assert_string_equal(itest_jstr(r.json, "/status"), "draft");
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/assessments/%s", assess_a);
    snprintf(sub, sizeof(sub), "%s/answers", path);

    /* saving: If-Match required and current */
    json_t *partial = answers_all("nist-csf-2.0", 2, "RC");
    assert_int_equal(call_json(&F.rep_a, "PUT", sub, partial, NULL, &r), 428);
    itest_resp_release(&r);
    assert_int_equal(call_json(&F.rep_a, "PUT", sub, partial, "\"v7\"", &r), 412);
    assert_string_equal(r.etag, "\"v1\"");
    itest_resp_release(&r);
    assert_int_equal(call_json(&F.rep_a, "PUT", sub, partial, "\"v1\"", &r), 200);
    assert_string_equal(r.etag, "\"v2\"");
    assert_int_equal(itest_jint(r.json, "/version"), 2);
    assert_int_equal(json_object_size(json_object_get(r.json, "answers")), 106 - 8);
    itest_resp_release(&r);
    json_decref(partial);

    /* a draft's scores are a preview; RECOVER has nothing answered, so no submission */
    snprintf(sub, sizeof(sub), "%s/scores", path);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, sub, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/status"), "draft");
    assert_true(json_is_null(jsonx_ptr_get(r.json, "/scores/functions/5/score")));
    itest_resp_release(&r);
    snprintf(sub, sizeof(sub), "%s/submit", path);
    assert_int_equal(call(&F.rep_a, "POST", sub, NULL, "\"v2\"", &r), 422);
    assert_string_equal(itest_problem_code(&r), "incomplete");
    expect_error(&r, "/answers", "function_unanswered");
    itest_resp_release(&r);

    /* answer everything: PROTECT at 4, the rest at 1 (hand-computed scores below) */
    json_t *full = answers_all("nist-csf-2.0", 1, NULL);
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(full, "answers"), key, v)
    {
        if (!strncmp(key, "PR.", 3))
            json_object_set_new(v, "level", json_integer(4));
    }
    json_object_set_new(json_object_get(full, "answers"), "GV.OC-01",
                        json_pack("{s:b, s:s}", "not_applicable", 1, "note", "持株会社のため"));
    snprintf(sub, sizeof(sub), "%s/answers", path);
    assert_int_equal(call_json(&F.rep_a, "PUT", sub, full, "\"v2\"", &r), 200);
    itest_resp_release(&r);
    json_decref(full);
    snprintf(sub, sizeof(sub), "%s/submit", path);
    assert_int_equal(call(&F.rep_a, "POST", sub, NULL, "\"v2\"", &r), 412); /* stale */
    itest_resp_release(&r);
    assert_int_equal(call(&F.rep_a, "POST", sub, NULL, "\"v3\"", &r), 200);
    assert_string_equal(itest_jstr(r.json, "/status"), "submitted");
    assert_non_null(itest_jstr(r.json, "/submitted_at"));
    /* functions count equally: (1 + 1 + 4 + 1 + 1 + 1) / 6 = 1.5 → tier 2 */
    assert_true(fabs(jnum(r.json, "/scores/overall/score") - 1.5) < 1e-9);
    assert_int_equal(itest_jint(r.json, "/scores/overall/tier"), 2);
    assert_int_equal(itest_jint(r.json, "/scores/overall/not_applicable"), 1);
    assert_int_equal(itest_jint(r.json, "/scores/overall/answered"), 105);
    assert_true(fabs(jnum(r.json, "/scores/functions/2/score") - 4.0) < 1e-9);
    assert_int_equal(itest_jint(r.json, "/scores/functions/2/tier"), 4);
    assert_true(fabs(jnum(r.json, "/overall") - 1.5) < 1e-9);
    itest_resp_release(&r);

    /* immutable from now on */
    assert_int_equal(call(&F.rep_a, "POST", sub, NULL, "\"v4\"", &r), 409);
    assert_string_equal(itest_problem_code(&r), "assessment_submitted");
    itest_resp_release(&r);
    snprintf(sub, sizeof(sub), "%s/answers", path);
    assert_int_equal(
        call(&F.rep_a, "PUT", sub, "{\"framework\":\"nist-csf-2.0\",\"answers\":{}}", "\"v4\"", &r),
        409);
    itest_resp_release(&r);

    /* listed, newest first; filtered by framework */
    assert_int_equal(
        itest_get(&F.srv, F.rep_a.token, "/api/v1/assessments?framework=nist-csf-2.0", &r), 200);
    assert_string_equal(itest_jstr(r.json, "/items/0/id"), assess_a);
    assert_string_equal(itest_jstr(r.json, "/items/0/status"), "submitted");
    itest_resp_release(&r);
    assert_int_equal(
        itest_get(&F.srv, F.rep_a.token, "/api/v1/assessments?framework=sme-quick-check", &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    itest_resp_release(&r);
}

/* ---- peers ---- */

static void test_peers(void **state)
{
    struct itest_resp r;
    char name[32], path[128];
    UNUSED(state);
    for (int i = 0; i < NPEERS; i++) {
        snprintf(name, sizeof(name), "peer%d", i);
        add_org_user(name, "finance", i < 5 ? "small" : "large", &peers[i]);
    }
    add_org_user("subjectp", "finance", "small", &subject_p);
    add_org_user("subjectq", "finance", "large", &subject_q);
    for (int i = 0; i < NPEERS; i++)
        submit_all(&peers[i], "nist-csf-2.0", i < 5 ? i : 1);
    submit_all(&subject_p, "nist-csf-2.0", 2);
    submit_all(&subject_q, "nist-csf-2.0", 3);

    /* P: five others in finance+small (levels 0..4) → that group; P's 2 is the median */
    assert_int_equal(itest_get(&F.srv, subject_p.token, "/api/v1/assessments", &r), 200);
    snprintf(path, sizeof(path), "/api/v1/assessments/%s/scores",
             itest_jstr(r.json, "/items/0/id"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, subject_p.token, path, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/peers/status"), "ok");
    assert_string_equal(itest_jstr(r.json, "/peers/group/basis"), "sector+size_band");
    assert_string_equal(itest_jstr(r.json, "/peers/group/sector"), "finance");
    assert_string_equal(itest_jstr(r.json, "/peers/group/size_band"), "small");
    assert_int_equal(itest_jint(r.json, "/peers/n"), 5);
    assert_int_equal(itest_jint(r.json, "/peers/k"), 5);
    assert_true(fabs(jnum(r.json, "/peers/overall/average") - 2.0) < 1e-9);
    assert_true(fabs(jnum(r.json, "/peers/overall/median") - 2.0) < 1e-9);
    /* two below, one tie: (2 + 0.5) / 5 = 50 % */
    assert_true(fabs(jnum(r.json, "/peers/overall/percentile") - 50.0) < 1e-9);
    assert_null(strstr(r.body, peers[0].org_id)); /* no peer is ever named */
    itest_resp_release(&r);

    /* Q: two others in finance+large → widens to finance: 7 peers + P = 8 others */
    assert_int_equal(itest_get(&F.srv, subject_q.token, "/api/v1/assessments", &r), 200);
    snprintf(path, sizeof(path), "/api/v1/assessments/%s/scores",
             itest_jstr(r.json, "/items/0/id"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, subject_q.token, path, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/peers/group/basis"), "sector");
    assert_null(jsonx_ptr_get(r.json, "/peers/group/size_band"));
    assert_int_equal(itest_jint(r.json, "/peers/n"), 8);
    /* levels 0,1,2,3,4,1,1,2: mean 14/8 = 1.75; Q's 3 is above six and ties one → 81.3 */
    assert_true(fabs(jnum(r.json, "/peers/overall/average") - 1.75) < 1e-9);
    assert_true(fabs(jnum(r.json, "/peers/overall/median") - 1.5) < 1e-9);
    assert_true(fabs(jnum(r.json, "/peers/overall/percentile") - 81.3) < 0.051);
    itest_resp_release(&r);

    /* org A (no sector, no size band): everyone else */
    snprintf(path, sizeof(path), "/api/v1/assessments/%s/scores", assess_a);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/peers/group/basis"), "all");
    assert_int_equal(itest_jint(r.json, "/peers/n"), NPEERS + 2);
    itest_resp_release(&r);

    /* a framework with fewer than k submissions: no comparison at all */
    submit_all(&subject_p, "sme-quick-check", 3);
    submit_all(&subject_q, "sme-quick-check", 1);
    assert_int_equal(
        itest_get(&F.srv, subject_p.token, "/api/v1/assessments?framework=sme-quick-check", &r),
        200);
    snprintf(path, sizeof(path), "/api/v1/assessments/%s/scores",
             itest_jstr(r.json, "/items/0/id"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, subject_p.token, path, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/peers/status"), "insufficient");
    assert_true(json_is_null(jsonx_ptr_get(r.json, "/peers/group")));
    assert_null(jsonx_ptr_get(r.json, "/peers/overall"));
    itest_resp_release(&r);
}

/* ---- assets and scenarios ---- */

static void test_assets_and_scenarios(void **state)
{
    struct itest_resp r;
    char path[128], body[1024];
    UNUSED(state);
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/assets",
                          "{\"name_ja\":\"x\",\"kind\":\"bogus\",\"value_yen\":-1,"
                          "\"csf_categories\":[\"PR.AA\",\"XX.YY\"]}",
                          NULL, &r),
                     422);
    expect_error(&r, "/kind", "enum");
    expect_error(&r, "/criticality", "required");
    expect_error(&r, "/csf_categories/1", "unknown_category");
    assert_true(json_array_size(json_object_get(r.json, "errors")) >= 4);
    itest_resp_release(&r);
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/assets",
                          "{\"name_ja\":\"基幹システム\",\"name_en\":\"ERP\",\"kind\":"
                          "\"information_system\",\"criticality\":\"critical\",\"value_yen\":"
                          "800000000,\"internet_facing\":false,\"csf_categories\":[\"PR.AA\"]}",
                          NULL, &r),
                     201);
    xstrlcpy(asset_a, itest_jstr(r.json, "/id"), sizeof(asset_a));
    assert_string_equal(itest_jstr(r.json, "/asset/name_en"), "ERP");
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/assets/%s", asset_a);
    assert_int_equal(call(&F.rep_a, "PUT", path,
                          "{\"name_ja\":\"基幹システム\",\"kind\":\"information_system\","
                          "\"criticality\":\"high\"}",
                          "\"v1\"", &r),
                     200);
    assert_string_equal(r.etag, "\"v2\"");
    assert_string_equal(itest_jstr(r.json, "/asset/criticality"), "high");
    itest_resp_release(&r);
    assert_int_equal(call(&F.rep_a, "PUT", path,
                          "{\"name_ja\":\"y\",\"kind\":\"data\","
                          "\"criticality\":\"low\"}",
                          "\"v1\"", &r),
                     412);
    itest_resp_release(&r);

    /* a scenario naming an unknown asset and another organisation's asset */
    assert_int_equal(call(&F.rep_b, "POST", "/api/v1/assets",
                          "{\"name_ja\":\"B\",\"kind\":\"data\",\"criticality\":\"low\"}", NULL,
                          &r),
                     201);
    char asset_b[40];
    xstrlcpy(asset_b, itest_jstr(r.json, "/id"), sizeof(asset_b));
    itest_resp_release(&r);
    snprintf(
        body, sizeof(body),
        "{\"name\":{\"ja\":\"ランサムウェア\",\"en\":\"Ransomware\"},\"assets\":[\"%s\",\"%s\"],"
        "\"tef\":{\"dist\":\"pert\",\"low\":0.1,\"mode\":0.5,\"high\":2},"
        "\"threat_capability\":{\"dist\":\"pert\",\"low\":0.3,\"mode\":0.6,\"high\":0.9},"
        "\"resistance\":{\"from_assessment\":[\"PR.AA\",\"PR.PS\",\"ZZ.ZZ\"]},"
        "\"primary_loss\":{\"dist\":\"lognormal90\",\"low\":1e7,\"high\":5e8}}",
        asset_a, asset_b);
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/risk/scenarios", body, NULL, &r), 422);
    expect_error(&r, "/assets/1", "unknown_asset");
    expect_error(&r, "/resistance/from_assessment/2", "unknown_category");
    itest_resp_release(&r);
    snprintf(body, sizeof(body),
             "{\"name\":{\"ja\":\"ランサムウェア\",\"en\":\"Ransomware\"},\"assets\":[\"%s\"],"
             "\"tef\":{\"dist\":\"pert\",\"low\":0.1,\"mode\":0.5,\"high\":2},"
             "\"threat_capability\":{\"dist\":\"pert\",\"low\":0.3,\"mode\":0.6,\"high\":0.9},"
             "\"resistance\":{\"from_assessment\":[\"PR.AA\",\"PR.PS\"]},"
             "\"primary_loss\":{\"dist\":\"lognormal90\",\"low\":1e7,\"high\":5e8},"
             "\"secondary\":{\"probability\":{\"dist\":\"fixed\",\"value\":0.3},"
             "\"loss\":{\"dist\":\"pert\",\"low\":1e6,\"mode\":1e7,\"high\":1e8}}}",
             asset_a);
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/risk/scenarios", body, NULL, &r), 201);
    xstrlcpy(scenario_a, itest_jstr(r.json, "/id"), sizeof(scenario_a));
    /* a stored scenario is named by its document id */
    assert_string_equal(itest_jstr(r.json, "/scenario/id"), scenario_a);
    itest_resp_release(&r);
    /* the documentation's example is a valid scenario */
    json_t *example = itest_load_json("docs/examples/scenario-ransomware.json");
    assert_non_null(example);
    assert_int_equal(call_json(&F.rep_a, "POST", "/api/v1/risk/scenarios", example, NULL, &r), 201);
    json_decref(example);
    itest_resp_release(&r);
    /* a scenario with a bad estimate: every problem, with its pointer */
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/risk/scenarios",
                          "{\"name\":{\"ja\":\"x\",\"en\":\"x\"},\"assets\":[],"
                          "\"tef\":{\"dist\":\"pert\",\"low\":3,\"mode\":1,\"high\":2},"
                          "\"vulnerability\":{\"dist\":\"fixed\",\"value\":1.5},"
                          "\"primary_loss\":{\"dist\":\"weibull\"}}",
                          NULL, &r),
                     422);
    assert_non_null(strstr(r.body, "/tef"));
    assert_non_null(strstr(r.body, "/vulnerability"));
    assert_non_null(strstr(r.body, "/primary_loss"));
    itest_resp_release(&r);
}

/* ---- simulations ---- */

static void test_simulations(void **state)
{
    struct itest_resp r, again;
    const char *req = "{\"name\":\"FY2026 baseline\",\"seed\":42,\"years\":100000,"
                      "\"thresholds\":[1e7,1e8,1e9]}";
    UNUSED(state);
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/risk/simulations", req, NULL, &r), 201);
    xstrlcpy(sim_a, itest_jstr(r.json, "/id"), sizeof(sim_a));
    assert_non_null(strstr(r.location, sim_a));
    /* the resistance came from the submitted assessment (PROTECT answered at 4) */
    assert_string_equal(itest_jstr(r.json, "/assessment"), assess_a);
    assert_non_null(strstr(r.body, "from_assessment"));
    assert_int_equal(itest_jint(r.json, "/result/years"), 100000);
    assert_int_equal(json_array_size(jsonx_ptr_get(r.json, "/result/scenarios")), 2);
    double p50 = jnum(r.json, "/result/portfolio/p50"), p99 = jnum(r.json, "/result/portfolio/p99");
    assert_true(p50 <= p99);
    assert_true(jnum(r.json, "/result/portfolio/mean") >= 0);
    /* the same request gives the same figures */
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/risk/simulations", req, NULL, &again), 201);
    json_t *a = jsonx_ptr_get(r.json, "/result"), *b = jsonx_ptr_get(again.json, "/result");
    assert_true(json_equal(a, b));
    itest_resp_release(&again);
    itest_resp_release(&r);

    /* server limits and bad references */
    assert_int_equal(
        call(&F.rep_a, "POST", "/api/v1/risk/simulations", "{\"years\":300000}", NULL, &r), 422);
    expect_error(&r, "/years", "too_many_years");
    itest_resp_release(&r);
    char body[160];
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, "/api/v1/risk/scenarios", &r), 200);
    itest_resp_release(&r);
    snprintf(body, sizeof(body), "{\"scenarios\":[\"%s\"]}", scenario_a);
    assert_int_equal(call(&F.rep_b, "POST", "/api/v1/risk/simulations", body, NULL, &r), 422);
    expect_error(&r, "/scenarios/0", "unknown_scenario");
    itest_resp_release(&r);
    /* org B has no submitted CSF assessment: a from_assessment scenario cannot run */
    assert_int_equal(call(&F.rep_b, "POST", "/api/v1/risk/scenarios",
                          "{\"name\":{\"ja\":\"b\",\"en\":\"b\"},\"assets\":[],"
                          "\"tef\":{\"dist\":\"fixed\",\"value\":1},"
                          "\"threat_capability\":{\"dist\":\"fixed\",\"value\":0.5},"
                          "\"resistance\":{\"from_assessment\":[\"PR.AA\"]},"
                          "\"primary_loss\":{\"dist\":\"fixed\",\"value\":1e6}}",
                          NULL, &r),
                     201);
    itest_resp_release(&r);
    assert_int_equal(
        call(&F.rep_b, "POST", "/api/v1/risk/simulations", "{\"years\":1000}", NULL, &r), 422);
    assert_non_null(strstr(r.body, "/resistance/from_assessment"));
    itest_resp_release(&r);

    /* listing: summaries, newest first */
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/risk/simulations", &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
    assert_string_equal(itest_jstr(r.json, "/items/1/id"), sim_a);
    assert_string_equal(itest_jstr(r.json, "/items/1/name"), "FY2026 baseline");
    assert_int_equal(itest_jint(r.json, "/items/1/years"), 100000);
    itest_resp_release(&r);
}

/* ---- the rating report ---- */

static void test_rating(void **state)
{
    struct itest_resp r;
    char path[160];
    UNUSED(state);
    snprintf(path, sizeof(path), "/api/v1/rating?lang=ja&simulation=%s", sim_a);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 200);
    assert_string_equal(itest_jstr(r.json, "/language"), "ja");
    assert_string_equal(itest_jstr(r.json, "/organization/id"), F.org_a);
    assert_string_equal(itest_jstr(r.json, "/assessment/id"), assess_a);
    assert_true(fabs(jnum(r.json, "/assessment/overall/score") - 1.5) < 1e-9);
    assert_string_equal(itest_jstr(r.json, "/peers/group/basis"), "all");
    assert_int_equal(itest_jint(r.json, "/risk/years"), 100000);
    assert_non_null(jsonx_ptr_get(r.json, "/assessment/gaps/0/category"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/rating?simulation=none&lang=en", &r),
                     200);
    assert_true(json_is_null(json_object_get(r.json, "risk")));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/rating?lang=fr", &r), 400);
    itest_resp_release(&r);
    /* a draft is not rated; org B has submitted nothing */
    assert_int_equal(call(&F.rep_a, "POST", "/api/v1/assessments",
                          "{\"framework\":\"nist-csf-2.0\",\"period\":\"FY2027\"}", NULL, &r),
                     201);
    snprintf(path, sizeof(path), "/api/v1/rating?assessment=%s", itest_jstr(r.json, "/id"));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 400);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, "/api/v1/rating", &r), 409);
    assert_string_equal(itest_problem_code(&r), "no_submitted_assessment");
    itest_resp_release(&r);

    /* the PDF */
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/rating.pdf?lang=ja", &r), 200);
    assert_string_equal(r.content_type, "application/pdf");
    assert_true(r.len > 10000);
    assert_memory_equal(r.body, "%PDF-", 5);
    assert_non_null(strstr(r.body + r.len - 64 > r.body ? r.body + r.len - 64 : r.body, "%%EOF"));
    itest_resp_release(&r);
}

/* ---- audit and hiding ---- */

static void test_audited_and_hidden(void **state)
{
    struct itest_resp r;
    char path[160];
    UNUSED(state);
    assert_int_equal(itest_get(&F.srv, F.admin.token, "/api/v1/audit?limit=200", &r), 200);
    const char *want[] = {"assessment.create", "assessment.save", "assessment.submit",
                          "asset.create",      "asset.update",    "risk_scenario.create",
                          "simulation.create"};
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        if (!strstr(r.body, want[i]))
            fail_msg("no audit entry %s", want[i]);
    itest_resp_release(&r);
    /* another organisation's objects answer 404; other roles 403 */
    const char *paths[] = {"/api/v1/assessments/%s", "/api/v1/assets/%s",
                           "/api/v1/risk/scenarios/%s", "/api/v1/risk/simulations/%s"};
    const char *ids[] = {assess_a, asset_a, scenario_a, sim_a};
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        snprintf(path, sizeof(path), paths[i], ids[i]);
        assert_int_equal(itest_get(&F.srv, F.rep_b.token, path, &r), 404);
        itest_resp_release(&r);
        assert_int_equal(itest_get(&F.srv, F.admin.token, path, &r), 403);
        itest_resp_release(&r);
        assert_int_equal(itest_get(&F.srv, F.authority.token, path, &r), 403);
        itest_resp_release(&r);
    }
    /* a scenario id under the assets path is not an asset */
    snprintf(path, sizeof(path), "/api/v1/assets/%s", scenario_a);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, path, &r), 404);
    itest_resp_release(&r);
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
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frameworks),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_peers),
        cmocka_unit_test(test_assets_and_scenarios),
        cmocka_unit_test(test_simulations),
        cmocka_unit_test(test_rating),
        cmocka_unit_test(test_audited_and_hidden),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
