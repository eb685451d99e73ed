/*
 * test_app_govern.c — the governance use cases of src/app/ (app_govern.h) against a real
 * SQLite store in a temporary directory and the shipped questionnaires (data/frameworks):
 * what each returns, and that the wrong organisation gets NOT_FOUND and the wrong role
 * FORBIDDEN, as the HTTP API answers 404 and 403.
 */
#include <jansson.h>

#include "app/app_govern.h"
#include "account/account.h"
#include "assess/assess.h"
#include "core/uuid.h"
#include "unit.h"

#include <setjmp.h>
#include <cmocka.h>

#define NOW 1790000000000LL /* 2026-09-21 */

static struct assess_catalog *catalog; /* loaded once for the program */

struct fx {
    char dir[64];
    struct app app;
    char org_a[UUID_STR_LEN], org_b[UUID_STR_LEN];
    struct principal rep_a, rep_b, rcp_a; /* reporters of A and B; a recipient of A */
    struct app_result res;
};

static void make_org(struct fx *f, const char *name, const char *size, char id[UUID_STR_LEN])
{
    struct org o;
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name_ja", name, "name_en", name, "kind",
                            "company", "sector", "finance", "size_band", size);
    account_org_from_json(doc, NOW, &o);
    json_decref(doc);
    assert_int_equal(store_org_create(f->app.store, &o, "test", NOW), STORE_OK);
    xstrlcpy(id, o.id, UUID_STR_LEN);
}

static void make_principal(struct principal *p, const char *org, enum role role)
{
    memset(p, 0, sizeof(*p));
    uuid_v7_new(p->user_id);
    xstrlcpy(p->org_id, org, sizeof(p->org_id));
    xstrlcpy(p->username, "someone", sizeof(p->username));
    p->role = role;
}

static int group_setup(void **state)
{
    struct diag_list d;
    char dir[1024];
    (void)state;
    snprintf(dir, sizeof(dir), "%s/data/frameworks", unit_source_root());
    diag_list_init(&d);
    catalog = assess_load_dir(dir, NULL, &d);
    if (!catalog)
        diag_list_print(&d, stderr, false);
    diag_list_release(&d);
    return catalog ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    assess_catalog_free(catalog);
    return 0;
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    char url[280];
    struct err e;
    if (unit_tmpdir(f->dir, "app-govern"))
        return -1;
    snprintf(url, sizeof(url), "sqlite:%s/ichigen.db", f->dir);
    struct store_options o = {.url = url, .read_pool_size = 2, .commit_batch_max = 16};
    err_init(&e);
    config_defaults(&f->app.cfg);
    f->app.cfg.risk_threads = 1;
    schema_limits_default(&f->app.limits);
    f->app.frameworks = catalog;
    pthread_mutex_init(&f->app.sim_lock, NULL);
    if (!(f->app.store = store_open(&o, &e))) {
        print_error("store_open: %s\n", e.msg);
        return -1;
    }
    make_org(f, "A", "small", f->org_a);
    make_org(f, "B", "large", f->org_b);
    make_principal(&f->rep_a, f->org_a, ROLE_REPORTER);
    make_principal(&f->rep_b, f->org_b, ROLE_REPORTER);
    make_principal(&f->rcp_a, f->org_a, ROLE_RECIPIENT);
    app_result_init(&f->res, 200);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    app_result_release(&f->res);
    store_close(f->app.store);
    pthread_mutex_destroy(&f->app.sim_lock);
    unit_rmtree(f->dir);
    free(f);
    return 0;
}

/* A fresh outcome for the next call. */
static struct app_result *fresh(struct fx *f)
{
    app_result_release(&f->res);
    app_result_init(&f->res, 200);
    return &f->res;
}

/* Every question of framework answered at level. New reference. */
static json_t *answers_all(const char *framework, int level)
{
    const struct assess_framework *fw = assess_catalog_get(catalog, framework);
    json_t *ans = json_object();
    assert_non_null(fw);
    for (size_t i = 0; i < fw->nquestions; i++)
        json_object_set_new(ans, fw->questions[i].id, json_pack("{s:i}", "level", level));
    return json_pack("{s:s, s:o}", "framework", framework, "answers", ans);
}

/* A precondition naming the version in ctx (an int), as If-Match: "vN" does; NULL: none. */
static enum app_precond version_check(const void *ctx, int current)
{
    if (!ctx)
        return APP_PRECOND_MISSING;
    return *(const int *)ctx == current ? APP_PRECOND_MATCH : APP_PRECOND_STALE;
}

/* An assessment of who's organisation, answered at level; submitted unless draft. Made through
 * the use cases. */
static void assessment_of(struct fx *f, const struct principal *who, int level, bool draft,
                          char id[UUID_STR_LEN])
{
    struct assessment_rec a;
    int v1 = 1;
    struct app_expect exp = {version_check, &v1};
    json_t *doc = answers_all(ASSESS_NIST_CSF_ID, level);
    json_object_set_new(doc, "period", json_string("FY2026"));
    assert_int_equal(app_assessment_create(&f->app, who, doc, NOW, &a, fresh(f)), APP_OK);
    xstrlcpy(id, a.id, UUID_STR_LEN);
    assessment_rec_release(&a);
    json_decref(doc);
    if (draft)
        return;
    assert_int_equal(app_assessment_submit(&f->app, who, id, &exp, NOW + 1, &a, fresh(f)), APP_OK);
    assert_string_equal(a.status, "submitted");
    assessment_rec_release(&a);
}

/* ---- rating ---- */

static enum app_problem rating(struct fx *f, const struct principal *who, const char *assessment,
                               const char *simulation, json_t **doc)
{
    struct app_rating_query q = {assessment, simulation, "en"};
    return app_rating_build(&f->app, who, &q, NOW + 10, doc, fresh(f));
}

static void test_rating_needs_a_submitted_assessment(void **state)
{
    struct fx *f = *state;
    json_t *doc;
    char draft[UUID_STR_LEN];
    assert_int_equal(rating(f, &f->rep_a, NULL, NULL, &doc), APP_PROB_NO_SUBMITTED_ASSESSMENT);
    assert_null(doc);
    assessment_of(f, &f->rep_a, 2, true, draft);
    assert_int_equal(rating(f, &f->rep_a, NULL, NULL, &doc), APP_PROB_NO_SUBMITTED_ASSESSMENT);
    /* naming the draft: the parameter is named, with the API's pointer */
    assert_int_equal(rating(f, &f->rep_a, draft, NULL, &doc), APP_PROB_BAD_QUERY);
    assert_int_equal(f->res.errs.n, 1);
    assert_string_equal(f->res.errs.v[0].pointer, "?assessment");
    assert_string_equal(f->res.errs.v[0].code, "bad_query");
}

static void test_rating_builds(void **state)
{
    struct fx *f = *state;
    json_t *doc;
    char id[UUID_STR_LEN];
    assessment_of(f, &f->rep_a, 2, false, id);
    assert_int_equal(rating(f, &f->rep_a, NULL, NULL, &doc), APP_OK);
    assert_non_null(doc);
    assert_int_equal(f->res.problem, APP_OK);
    assert_false(verr_any(&f->res.errs));
    json_t *org = json_object_get(doc, "organization");
    assert_string_equal(json_string_value(json_object_get(org, "id")), f->org_a);
    json_decref(doc);
    assert_int_equal(rating(f, &f->rep_a, id, "none", &doc), APP_OK);
    json_decref(doc);
}

/* Another organisation's assessment or simulation is not found; a role without the right
 * is refused before anything is read. */
static void test_rating_wrong_org_and_role(void **state)
{
    struct fx *f = *state;
    json_t *doc;
    char id[UUID_STR_LEN], sim[UUID_STR_LEN];
    assessment_of(f, &f->rep_a, 2, false, id);
    assert_int_equal(rating(f, &f->rep_b, id, NULL, &doc), APP_PROB_NOT_FOUND);
    assert_null(doc);
    assert_int_equal(rating(f, &f->rcp_a, id, NULL, &doc), APP_PROB_FORBIDDEN);
    assert_int_equal(rating(f, &f->rcp_a, NULL, NULL, &doc), APP_PROB_FORBIDDEN);
    assert_int_equal(rating(f, &f->rep_a, "not-an-id", NULL, &doc), APP_PROB_NOT_FOUND);
    uuid_v7_new(sim);
    assert_int_equal(rating(f, &f->rep_a, id, sim, &doc), APP_PROB_NOT_FOUND);
}

/* ---- risk ---- */

/* Stores body (JSON text) as a document of kind for who's organisation; id gets its id. */
static void doc_of(struct fx *f, const struct principal *who, const char *kind, const char *body,
                   char id[UUID_STR_LEN])
{
    struct orgdoc_rec d;
    memset(&d, 0, sizeof(d));
    uuid_v7_new(d.id);
    xstrlcpy(d.org_id, who->org_id, sizeof(d.org_id));
    xstrlcpy(d.kind, kind, sizeof(d.kind));
    xstrlcpy(d.created_by, who->user_id, sizeof(d.created_by));
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    if (!strcmp(kind, "risk_scenario")) /* as app_risk_check_scenario names it */
        json_object_set_new(j, "id", json_string(d.id));
    d.body = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    assert_int_equal(store_orgdoc_create(f->app.store, &d, who->user_id, NOW), STORE_OK);
    xstrlcpy(id, d.id, UUID_STR_LEN);
    orgdoc_rec_release(&d);
}

static const char asset_body[] = "{\"name_ja\":\"基幹システム\",\"kind\":\"information_system\","
                                 "\"criticality\":\"high\",\"csf_categories\":[\"PR.AA\"]}";

/* A scenario naming asset (may be NULL), with a resistance taken from the assessment. */
static json_t *scenario(const char *asset)
{
    json_t *j = json_loads("{\"name\":{\"ja\":\"ランサムウェア\",\"en\":\"Ransomware\"},"
                           "\"assets\":[],"
                           "\"tef\":{\"dist\":\"pert\",\"low\":0.1,\"mode\":0.5,\"high\":2},"
                           "\"threat_capability\":{\"dist\":\"pert\",\"low\":0.3,\"mode\":0.6,"
                           "\"high\":0.9},"
                           "\"resistance\":{\"from_assessment\":[\"PR.AA\",\"PR.PS\"]},"
                           "\"primary_loss\":{\"dist\":\"lognormal90\",\"low\":1e7,\"high\":5e8}}",
                           0, NULL);
    assert_non_null(j);
    if (asset)
        json_array_append_new(json_object_get(j, "assets"), json_string(asset));
    return j;
}

static void test_risk_checks(void **state)
{
    struct fx *f = *state;
    char asset_b[UUID_STR_LEN], id[UUID_STR_LEN];
    json_t *a = json_loads("{\"name_ja\":\"x\",\"kind\":\"data\",\"criticality\":\"low\","
                           "\"csf_categories\":[\"PR.AA\",\"XX.YY\"]}",
                           0, NULL);
    uuid_v7_new(id);
    assert_int_equal(app_risk_check_asset(&f->app, &f->rep_a, a, id, NOW, fresh(f)),
                     APP_PROB_VALIDATION_UNSAVED);
    assert_int_equal(f->res.errs.n, 1);
    assert_string_equal(f->res.errs.v[0].pointer, "/csf_categories/1");
    json_decref(a);
    /* an asset of another organisation is not one of the scenario's */
    doc_of(f, &f->rep_b, "asset", asset_body, asset_b);
    json_t *sc = scenario(asset_b);
    assert_int_equal(app_risk_check_scenario(&f->app, &f->rep_a, sc, id, NOW, fresh(f)),
                     APP_PROB_VALIDATION_UNSAVED);
    assert_string_equal(f->res.errs.v[0].pointer, "/assets/0");
    assert_string_equal(f->res.errs.v[0].code, "unknown_asset");
    assert_int_equal(app_risk_check_scenario(&f->app, &f->rep_b, sc, id, NOW, fresh(f)), APP_OK);
    /* the scenario is named by its document id */
    assert_string_equal(json_string_value(json_object_get(sc, "id")), id);
    json_decref(sc);
}

static enum app_problem simulate(struct fx *f, const struct principal *who, const char *body,
                                 struct orgdoc_rec *d)
{
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    enum app_problem p = app_risk_simulate(&f->app, who, j, NOW, d, fresh(f));
    json_decref(j);
    return p;
}

static void test_risk_simulate(void **state)
{
    struct fx *f = *state;
    struct orgdoc_rec d, got;
    char sc_a[UUID_STR_LEN], sc_b[UUID_STR_LEN], body[256], assessment[UUID_STR_LEN];
    assert_int_equal(simulate(f, &f->rep_a, "{\"years\":1000}", &d), APP_PROB_VALIDATION_UNSAVED);
    assert_string_equal(f->res.errs.v[0].code, "no_scenarios");
    assert_int_equal(simulate(f, &f->rep_a, "{\"years\":0}", &d), APP_PROB_VALIDATION);
    json_t *s = scenario(NULL);
    char *text = json_dumps(s, JSON_COMPACT);
    doc_of(f, &f->rep_a, "risk_scenario", text, sc_a);
    doc_of(f, &f->rep_b, "risk_scenario", text, sc_b);
    free(text);
    json_decref(s);
    /* another organisation's scenario is unknown; the wrong role may not simulate */
    snprintf(body, sizeof(body), "{\"years\":1000,\"seed\":7,\"scenarios\":[\"%s\"]}", sc_b);
    assert_int_equal(simulate(f, &f->rep_a, body, &d), APP_PROB_VALIDATION_UNSAVED);
    assert_string_equal(f->res.errs.v[0].code, "unknown_scenario");
    assert_string_equal(f->res.errs.v[0].pointer, "/scenarios/0");
    assert_int_equal(simulate(f, &f->rcp_a, "{\"years\":1000}", &d), APP_PROB_FORBIDDEN);
    /* the resistance comes from the latest submitted assessment */
    assert_int_equal(simulate(f, &f->rep_a, "{\"years\":1000}", &d), APP_PROB_VALIDATION_UNSAVED);
    assert_string_equal(f->res.errs.v[0].code, "no_assessment_score");
    assessment_of(f, &f->rep_a, 2, false, assessment);
    f->app.cfg.risk_max_years = 500;
    assert_int_equal(simulate(f, &f->rep_a, "{\"years\":1000}", &d), APP_PROB_VALIDATION_UNSAVED);
    assert_string_equal(f->res.errs.v[0].code, "too_many_years");
    f->app.cfg.risk_max_years = 1000000;
    assert_int_equal(simulate(f, &f->rep_a, "{\"years\":1000,\"seed\":7,\"name\":\"t\"}", &d),
                     APP_OK);
    assert_string_equal(d.kind, "simulation");
    assert_string_equal(d.org_id, f->org_a);
    json_t *b = json_loads(d.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(b, "assessment")), assessment);
    json_decref(b);
    /* kept: its organisation reads it, another gets NOT_FOUND */
    assert_int_equal(
        app_doc_fetch(&f->app, &f->rep_a, "simulation", ACT_RISK_READ, d.id, &got, fresh(f)),
        APP_OK);
    orgdoc_rec_release(&got);
    assert_int_equal(
        app_doc_fetch(&f->app, &f->rep_b, "simulation", ACT_RISK_READ, d.id, &got, fresh(f)),
        APP_PROB_NOT_FOUND);
    assert_int_equal(
        app_doc_fetch(&f->app, &f->rep_a, "asset", ACT_RISK_READ, d.id, &got, fresh(f)),
        APP_PROB_NOT_FOUND);
    orgdoc_rec_release(&d);
}

/* ---- assessments ---- */

static void test_assessment_create(void **state)
{
    struct fx *f = *state;
    struct assessment_rec a;
    json_t *doc = json_pack("{s:s, s:s, s:{s:{s:i}}}", "framework", "no-such", "period", "FY2026",
                            "answers", "GV.OC-01", "level", 2);
    assert_int_equal(app_assessment_create(&f->app, &f->rcp_a, doc, NOW, &a, fresh(f)),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(app_assessment_create(&f->app, &f->rep_a, doc, NOW, &a, fresh(f)),
                     APP_PROB_ANSWERS_INVALID);
    assert_string_equal(f->res.errs.v[0].pointer, "/framework");
    assert_string_equal(f->res.errs.v[0].code, "unknown_framework");
    json_object_del(doc, "period");
    assert_int_equal(app_assessment_create(&f->app, &f->rep_a, doc, NOW, &a, fresh(f)),
                     APP_PROB_VALIDATION);
    json_object_set_new(doc, "period", json_string("FY2026"));
    json_object_set_new(doc, "framework", json_string(ASSESS_NIST_CSF_ID));
    json_object_set_new(json_object_get(doc, "answers"), "XX.YY-01",
                        json_pack("{s:i}", "level", 1));
    assert_int_equal(app_assessment_create(&f->app, &f->rep_a, doc, NOW, &a, fresh(f)),
                     APP_PROB_ANSWERS_INVALID);
    assert_string_equal(f->res.errs.v[0].pointer, "/answers/XX.YY-01");
    json_object_del(json_object_get(doc, "answers"), "XX.YY-01");
    assert_int_equal(app_assessment_create(&f->app, &f->rep_a, doc, NOW, &a, fresh(f)), APP_OK);
    assert_string_equal(a.status, "draft");
    assert_string_equal(a.org_id, f->org_a);
    assert_int_equal(a.version, 1);
    assessment_rec_release(&a);
    json_decref(doc);
}

static void test_assessment_save_and_submit(void **state)
{
    struct fx *f = *state;
    struct assessment_rec a;
    char id[UUID_STR_LEN];
    int v1 = 1, v2 = 2;
    struct app_expect none = {version_check, NULL}, e1 = {version_check, &v1},
                      e2 = {version_check, &v2};
    json_t *partial = json_pack("{s:s, s:{s:{s:i}}}", "framework", ASSESS_NIST_CSF_ID, "answers",
                                "GV.OC-01", "level", 3);
    assessment_of(f, &f->rep_a, 2, true, id);
    /* another organisation's draft is not found; the wrong role may not write */
    assert_int_equal(app_assessment_save(&f->app, &f->rep_b, id, &e1, partial, NOW, &a, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_assessment_save(&f->app, &f->rcp_a, id, &e1, partial, NOW, &a, fresh(f)),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(app_assessment_save(&f->app, &f->rep_a, id, &none, partial, NOW, &a, fresh(f)),
                     APP_PROB_PRECONDITION_REQUIRED);
    assert_non_null(strstr(f->res.detail_en, "If-Match: \"v1\""));
    assert_int_equal(app_assessment_save(&f->app, &f->rep_a, id, &e2, partial, NOW, &a, fresh(f)),
                     APP_PROB_PRECONDITION_FAILED);
    assert_int_equal(f->res.version, 1);
    assert_int_equal(app_assessment_save(&f->app, &f->rep_a, id, &e1, partial, NOW, &a, fresh(f)),
                     APP_OK);
    assert_int_equal(a.version, 2);
    assessment_rec_release(&a);
    /* one answer leaves every other function without one */
    assert_int_equal(app_assessment_submit(&f->app, &f->rep_a, id, &e2, NOW, &a, fresh(f)),
                     APP_PROB_INCOMPLETE);
    assert_true(f->res.errs.n >= 1);
    assert_string_equal(f->res.errs.v[0].code, "function_unanswered");
    json_t *full = answers_all(ASSESS_NIST_CSF_ID, 3);
    assert_int_equal(app_assessment_save(&f->app, &f->rep_a, id, &e2, full, NOW, &a, fresh(f)),
                     APP_OK);
    assessment_rec_release(&a);
    int v3 = 3;
    struct app_expect e3 = {version_check, &v3};
    assert_int_equal(app_assessment_submit(&f->app, &f->rep_b, id, &e3, NOW, &a, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_assessment_submit(&f->app, &f->rep_a, id, &e3, NOW, &a, fresh(f)), APP_OK);
    assert_string_equal(a.status, "submitted");
    assert_true(a.overall > 2.9 && a.overall < 3.1);
    assessment_rec_release(&a);
    /* submitted: immutable */
    int v4 = 4;
    struct app_expect e4 = {version_check, &v4};
    assert_int_equal(app_assessment_save(&f->app, &f->rep_a, id, &e4, full, NOW, &a, fresh(f)),
                     APP_PROB_ASSESSMENT_SUBMITTED);
    json_decref(full);
    json_decref(partial);
}

static void test_assessment_scores(void **state)
{
    struct fx *f = *state;
    struct assessment_rec a;
    struct assessment_list l;
    json_t *scores, *peers;
    char id[UUID_STR_LEN];
    assessment_of(f, &f->rep_a, 2, false, id);
    assert_int_equal(app_assessment_scores(&f->app, &f->rep_b, id, &a, &scores, &peers, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_null(scores);
    assert_int_equal(app_assessment_scores(&f->app, &f->rcp_a, id, &a, &scores, &peers, fresh(f)),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(app_assessment_scores(&f->app, &f->rep_a, id, &a, &scores, &peers, fresh(f)),
                     APP_OK);
    assert_non_null(json_object_get(scores, "functions"));
    assert_non_null(peers);
    json_decref(scores);
    json_decref(peers);
    assessment_rec_release(&a);
    /* each organisation lists its own */
    assert_int_equal(app_assessment_list(&f->app, &f->rep_b, NULL, NULL, 50, &l, fresh(f)), APP_OK);
    assert_int_equal(l.n, 0);
    assessment_list_release(&l);
    assert_int_equal(app_assessment_list(&f->app, &f->rep_a, NULL, NULL, 50, &l, fresh(f)), APP_OK);
    assert_int_equal(l.n, 1);
    assessment_list_release(&l);
}

/* ---- organisation documents ---- */

static void test_documents(void **state)
{
    struct fx *f = *state;
    const struct app_doc_kind *k = app_doc_kind("asset");
    struct orgdoc_rec d, u;
    struct orgdoc_list l;
    int v1 = 1;
    struct app_expect none = {version_check, NULL}, e1 = {version_check, &v1};
    json_t *doc = json_loads(asset_body, 0, NULL);
    assert_int_equal(app_doc_create(&f->app, &f->rcp_a, k, doc, NOW, &d, fresh(f)),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(app_doc_create(&f->app, &f->rep_a, k, doc, NOW, &d, fresh(f)), APP_OK);
    assert_int_equal(d.version, 1);
    json_object_set_new(doc, "criticality", json_string("low"));
    assert_int_equal(app_doc_update(&f->app, &f->rep_b, k, d.id, &e1, doc, NOW, &u, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_doc_update(&f->app, &f->rcp_a, k, d.id, &e1, doc, NOW, &u, fresh(f)),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(app_doc_update(&f->app, &f->rep_a, k, d.id, &none, doc, NOW, &u, fresh(f)),
                     APP_PROB_PRECONDITION_REQUIRED);
    /* a scenario's path does not reach an asset */
    assert_int_equal(app_doc_update(&f->app, &f->rep_a, app_doc_kind("risk_scenario"), d.id, &e1,
                                    doc, NOW, &u, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_doc_update(&f->app, &f->rep_a, k, d.id, &e1, doc, NOW, &u, fresh(f)),
                     APP_OK);
    assert_int_equal(u.version, 2);
    assert_non_null(strstr(u.body, "\"low\""));
    orgdoc_rec_release(&u);
    /* stale: the answer names the current version */
    assert_int_equal(app_doc_update(&f->app, &f->rep_a, k, d.id, &e1, doc, NOW, &u, fresh(f)),
                     APP_PROB_PRECONDITION_FAILED);
    assert_int_equal(f->res.version, 2);
    assert_int_equal(app_doc_list(&f->app, &f->rep_b, "asset", NULL, 50, true, &l, fresh(f)),
                     APP_OK);
    assert_int_equal(l.n, 0);
    orgdoc_list_release(&l);
    assert_int_equal(app_doc_list(&f->app, &f->rep_a, "asset", NULL, 50, true, &l, fresh(f)),
                     APP_OK);
    assert_int_equal(l.n, 1);
    orgdoc_list_release(&l);
    orgdoc_rec_release(&d);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rating_needs_a_submitted_assessment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rating_builds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rating_wrong_org_and_role, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_simulate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assessment_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assessment_save_and_submit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assessment_scores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
