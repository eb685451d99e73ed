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
    struct assess_diags d;
    char dir[1024];
    (void)state;
    snprintf(dir, sizeof(dir), "%s/data/frameworks", unit_source_root());
    assess_diags_init(&d);
    catalog = assess_load_dir(dir, NULL, &d);
    if (!catalog)
        assess_diags_print(&d, stderr, false);
    assess_diags_release(&d);
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
    report_limits_default(&f->app.limits);
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

/* An assessment of who's organisation, answered at level; submitted unless draft. */
static void assessment_of(struct fx *f, const struct principal *who, int level, bool draft,
                          char id[UUID_STR_LEN])
{
    const struct assess_framework *fw = assess_catalog_get(catalog, ASSESS_NIST_CSF_ID);
    struct assessment_rec a;
    json_t *doc = answers_all(ASSESS_NIST_CSF_ID, level);
    memset(&a, 0, sizeof(a));
    uuid_v7_new(a.id);
    xstrlcpy(a.org_id, who->org_id, sizeof(a.org_id));
    xstrlcpy(a.framework_id, fw->id, sizeof(a.framework_id));
    xstrlcpy(a.framework_version, fw->version, sizeof(a.framework_version));
    xstrlcpy(a.period, "FY2026", sizeof(a.period));
    xstrlcpy(a.status, "draft", sizeof(a.status));
    xstrlcpy(a.created_by, who->user_id, sizeof(a.created_by));
    a.answers = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    a.version = 1;
    a.overall = -1;
    assert_int_equal(store_assessment_create(f->app.store, &a, who->user_id, NOW), STORE_OK);
    if (!draft) {
        json_t *scores = assess_score(fw, doc);
        char *text = json_dumps(scores, JSON_COMPACT | JSON_SORT_KEYS);
        double overall =
            json_number_value(json_object_get(json_object_get(scores, "overall"), "score"));
        assert_int_equal(
            store_assessment_submit(f->app.store, a.id, 1, text, overall, who->user_id, NOW + 1),
            STORE_OK);
        free(text);
        json_decref(scores);
    }
    xstrlcpy(id, a.id, UUID_STR_LEN);
    assessment_rec_release(&a);
    json_decref(doc);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rating_needs_a_submitted_assessment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rating_builds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rating_wrong_org_and_role, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
