/*
 * app_risk.c — FAIR risk quantification as use cases (issue 4; app_govern.h): the checks an
 * asset or loss scenario document must pass beyond its own fields (categories of the NIST CSF
 * questionnaire, assets of the same organisation), and simulations run on the organisation's
 * stored scenarios, kept as documents so a rating report can cite the figures it shows.
 *
 * A simulation runs synchronously in the caller: at the default 100,000 years a portfolio of
 * twenty scenarios takes well under a second (bench/README.md). One runs at a time
 * (app->sim_lock), each on risk_threads threads, so a queue of simulations cannot starve the
 * report intake of CPU for longer than one simulation; risk_max_years and risk_max_work bound
 * what one request may ask for.
 */
#include "app_govern.h"
#include "app_authz.h"
#include "../assess/assess.h"
#include "../core/jsonx.h"
#include "../core/uuid.h"
#include "../risk/risk.h"
#include "../risk/risk_asset.h"

/* CSF category ids (assets' csf_categories, scenarios' from_assessment) must exist in the
 * NIST CSF 2.0 questionnaire, or the resistance they feed could never be computed. */
static void check_categories(struct app *app, const json_t *arr, const char *pointer,
                             struct verr_list *errs)
{
    const struct assess_framework *fw = assess_catalog_get(app->frameworks, ASSESS_NIST_CSF_ID);
    size_t i;
    json_t *c;
    if (!fw || !json_is_array(arr))
        return;
    json_array_foreach(arr, i, c)
    {
        const char *id = json_string_value(c);
        bool found = false;
        for (size_t k = 0; id && !found && k < fw->ncategories; k++)
            found = !strcmp(fw->categories[k].id, id);
        if (id && !found) {
            char ptr[128];
            snprintf(ptr, sizeof(ptr), "%s/%zu", pointer, i);
            verr_add(errs, ptr, "unknown_category",
                     "is not a NIST CSF 2.0 category id (such as PR.AA)",
                     "NIST CSF 2.0 のカテゴリID（PR.AA など）ではありません");
        }
    }
}

enum app_problem app_risk_check_asset(struct app *app, const struct principal *who, json_t *doc,
                                      const char *id, int64_t now_ms, struct app_result *res)
{
    UNUSED(who);
    UNUSED(id);
    schema_check(&risk_asset_root, doc, &app->limits, now_ms, &res->errs);
    check_categories(app, json_object_get(doc, "csf_categories"), "/csf_categories", &res->errs);
    return app_fail_if_errors(res, APP_PROB_VALIDATION_UNSAVED);
}

/* A scenario's assets must be asset documents of the caller's organisation. */
static void check_assets(struct app *app, const char *org_id, const json_t *arr,
                         struct verr_list *errs)
{
    size_t i;
    json_t *a;
    json_array_foreach(arr, i, a)
    {
        const char *id = json_string_value(a);
        struct orgdoc_rec d;
        char ptr[48];
        int res = STORE_NOT_FOUND;
        if (id && uuid_valid(id, strlen(id)))
            res = store_orgdoc_get(app->store, id, &d);
        bool mine = res == STORE_OK && !strcmp(d.kind, "asset") && !strcmp(d.org_id, org_id);
        if (res == STORE_OK)
            orgdoc_rec_release(&d);
        if (mine || !id)
            continue;
        snprintf(ptr, sizeof(ptr), "/assets/%zu", i);
        verr_add(errs, ptr, "unknown_asset",
                 "is not the id of an asset of your organisation (POST /api/v1/assets)",
                 "あなたの組織の資産のIDではありません（POST /api/v1/assets で登録）");
    }
}

enum app_problem app_risk_check_scenario(struct app *app, const struct principal *who, json_t *doc,
                                         const char *id, int64_t now_ms, struct app_result *res)
{
    struct risk_scenario sc;
    UNUSED(now_ms);
    /* A stored scenario is named by its document id, whatever the client called it. */
    json_object_set_new(doc, "id", json_string(id));
    risk_scenario_init(&sc);
    risk_scenario_from_json(doc, "", &sc, &res->errs);
    risk_scenario_release(&sc);
    check_assets(app, who->org_id, json_object_get(doc, "assets"), &res->errs);
    json_t *r = json_object_get(doc, "resistance");
    check_categories(app, json_object_get(r, "from_assessment"), "/resistance/from_assessment",
                     &res->errs);
    return app_fail_if_errors(res, APP_PROB_VALIDATION_UNSAVED);
}

/* ---- simulations ---- */

static const struct rf_field id_item = {
    "", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 36, "シナリオID", "scenario id", NULL};
static const struct rf_field threshold_item = {
    "",           RF_NUMBER,         0,   NULL, NULL, RFMT_NONE, 0, 1000000000000000LL,
    "閾値（円）", "threshold (yen)", NULL};
static const struct rf_field sim_fields[] = {
    {"name", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 200, "名称", "name", NULL},
    {"seed", RF_INTEGER, 0, NULL, NULL, RFMT_NONE, 0, INT64_MAX, "乱数シード", "seed", NULL},
    {"years", RF_INTEGER, 0, NULL, NULL, RFMT_NONE, 1, RISK_YEARS_MAX, "試行年数",
     "simulated years", NULL},
    {"thresholds", RF_ARRAY, 0, &threshold_item, NULL, RFMT_NONE, 0, RISK_THRESHOLDS_MAX,
     "損失額の閾値", "loss thresholds", NULL},
    {"scenarios", RF_ARRAY, RF_UNIQUE, &id_item, NULL, RFMT_NONE, 1, RISK_SCENARIOS_MAX, "シナリオ",
     "scenarios", NULL},
    {0}};
static const struct rf_field sim_root = {
    "", RF_OBJECT, 0, sim_fields, NULL, RFMT_NONE, 0, 0, "シミュレーション", "simulation", NULL};

/* The scenario documents a simulation runs: those named, or all of the organisation's. New
 * array of scenario objects, or NULL with res set. */
static json_t *gather_scenarios(struct app *app, const char *org_id, const json_t *ids,
                                struct app_result *res)
{
    json_t *out = json_array();
    if (ids) {
        size_t i;
        json_t *v;
        json_array_foreach(ids, i, v)
        {
            struct orgdoc_rec d;
            const char *id = json_string_value(v);
            int sr = id && uuid_valid(id, strlen(id)) ? store_orgdoc_get(app->store, id, &d)
                                                      : STORE_NOT_FOUND;
            if (sr == STORE_OK && !strcmp(d.kind, "risk_scenario") && !strcmp(d.org_id, org_id)) {
                json_array_append_new(out, json_loads(d.body, 0, NULL));
            } else if (sr == STORE_OK || sr == STORE_NOT_FOUND) {
                char ptr[32];
                snprintf(ptr, sizeof(ptr), "/scenarios/%zu", i);
                verr_add(&res->errs, ptr, "unknown_scenario",
                         "is not the id of a loss scenario of your organisation",
                         "あなたの組織の損失シナリオのIDではありません");
            }
            if (sr == STORE_OK)
                orgdoc_rec_release(&d);
            else if (sr != STORE_NOT_FOUND)
                goto unavailable;
        }
    } else {
        struct orgdoc_list l;
        if (store_orgdoc_list(app->store, org_id, "risk_scenario", NULL, RISK_SCENARIOS_MAX, true,
                              &l))
            goto unavailable;
        for (size_t i = l.n; i-- > 0;) /* oldest first: the order they were written in */
            json_array_append_new(out, json_loads(l.items[i].body, 0, NULL));
        orgdoc_list_release(&l);
        if (json_array_size(out) == 0)
            verr_add(&res->errs, "/scenarios", "no_scenarios",
                     "your organisation has no loss scenarios yet (POST /api/v1/risk/scenarios)",
                     "あなたの組織には損失シナリオがまだありません（POST /api/v1/risk/scenarios "
                     "で登録）");
    }
    if (!app_fail_if_errors(res, APP_PROB_VALIDATION_UNSAVED))
        return out;
    json_decref(out);
    return NULL;
unavailable:
    json_decref(out);
    app_fail_unavailable(res);
    return NULL;
}

/* The configured bounds on one request (beyond the module's own limits). */
static enum app_problem within_limits(const struct config *cfg, const struct risk_request *req,
                                      struct app_result *res)
{
    char en[160], ja[160];
    if (req->years > cfg->risk_max_years) {
        snprintf(en, sizeof(en), "must be at most %lld on this server",
                 (long long)cfg->risk_max_years);
        snprintf(ja, sizeof(ja), "このサーバーでは%lld以下にしてください",
                 (long long)cfg->risk_max_years);
        verr_add(&res->errs, "/years", "too_many_years", en, ja);
    } else if ((double)req->years * (double)req->nscenarios > (double)cfg->risk_max_work) {
        snprintf(en, sizeof(en), "years x scenarios must be at most %lld on this server",
                 (long long)cfg->risk_max_work);
        snprintf(ja, sizeof(ja), "このサーバーでは 試行年数×シナリオ数 を%lld以下にしてください",
                 (long long)cfg->risk_max_work);
        verr_add(&res->errs, "/years", "too_much_work", en, ja);
    }
    return app_fail_if_errors(res, APP_PROB_VALIDATION_UNSAVED);
}

struct score_ctx {
    json_t *scores; /* of the latest submitted CSF assessment, or NULL */
};

static int score_of(void *ctx, const char *const *cats, size_t n, double *s)
{
    struct score_ctx *c = ctx;
    struct assess_resistance r;
    if (!c->scores || assess_resistance(c->scores, cats, n, &r, NULL))
        return -1;
    *s = r.s;
    return 0;
}

/* Resolves resistances taken from the organisation's latest submitted CSF assessment, whose
 * id goes to assessment_id ("" when none). */
static enum app_problem resolve(struct app *app, const char *org_id, struct risk_request *req,
                                char assessment_id[UUID_STR_LEN], struct app_result *res)
{
    struct score_ctx sc = {0};
    struct assessment_rec latest, full;
    int sr = app_latest_submitted(app, org_id, ASSESS_NIST_CSF_ID, &latest);
    if (sr == STORE_OK)
        sr = store_assessment_get(app->store, latest.id, &full);
    if (sr && sr != STORE_NOT_FOUND)
        return app_fail_unavailable(res);
    if (sr == STORE_OK) {
        sc.scores = full.scores ? json_loads(full.scores, 0, NULL) : NULL;
        xstrlcpy(assessment_id, full.id, UUID_STR_LEN);
        assessment_rec_release(&full);
    }
    risk_request_resolve(req, score_of, &sc, &res->errs);
    json_decref(sc.scores);
    return APP_OK;
}

/* Builds, validates and resolves the module's request. NULL with res set. */
static struct risk_request *prepare_request(struct app *app, const char *org_id, const json_t *body,
                                            json_t *scenarios, char assessment_id[UUID_STR_LEN],
                                            struct app_result *res)
{
    json_t *doc = json_pack("{s:O}", "scenarios", scenarios);
    const char *keys[] = {"seed", "years", "thresholds"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (json_object_get(body, keys[i]))
            json_object_set(doc, keys[i], json_object_get(body, keys[i]));
    assessment_id[0] = '\0';
    struct risk_request *req = risk_request_from_json(doc, &res->errs);
    json_decref(doc);
    if (req && risk_request_unresolved(req) &&
        resolve(app, org_id, req, assessment_id, res) == APP_PROB_UNAVAILABLE) {
        risk_request_free(req);
        return NULL;
    }
    if (req && !verr_any(&res->errs) && !within_limits(&app->cfg, req, res))
        return req;
    app_fail_if_errors(res, APP_PROB_VALIDATION_UNSAVED);
    risk_request_free(req);
    return NULL;
}

/* Runs req and stores {"name", "scenario_ids", "assessment", "result"} as a simulation. */
static enum app_problem run_and_store(struct app *app, const struct principal *who,
                                      const json_t *body, struct risk_request *req,
                                      const char *assessment_id, int64_t now_ms,
                                      struct orgdoc_rec *d, struct app_result *res)
{
    struct risk_result rr;
    struct err e;
    risk_result_init(&rr);
    err_init(&e);
    pthread_mutex_lock(&app->sim_lock);
    int rc = risk_simulate(req, (unsigned)app->cfg.risk_threads, &rr, &e);
    pthread_mutex_unlock(&app->sim_lock);
    if (rc) {
        risk_result_release(&rr);
        char ja[APP_DETAIL_MAX];
        snprintf(ja, sizeof(ja), "シミュレーションの条件が上限を超えています（%s）", e.msg);
        return app_fail_detail(res, APP_PROB_SIMULATION_REFUSED, e.msg, ja);
    }
    json_t *ids = json_array();
    for (size_t i = 0; i < req->nscenarios; i++)
        json_array_append_new(ids, json_string(req->scenarios[i].id));
    json_t *doc = json_pack(
        "{s:O, s:o, s:o, s:o}", "name",
        json_object_get(body, "name") ? json_object_get(body, "name") : json_null(), "scenario_ids",
        ids, "assessment", assessment_id[0] ? json_string(assessment_id) : json_null(), "result",
        risk_result_to_json(req, &rr));
    risk_result_release(&rr);
    uuid_v7_new(d->id);
    xstrlcpy(d->org_id, who->org_id, sizeof(d->org_id));
    xstrlcpy(d->kind, "simulation", sizeof(d->kind));
    xstrlcpy(d->created_by, who->user_id, sizeof(d->created_by));
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    jsonx_dump_canonical(doc, &b);
    json_decref(doc);
    d->body = xstrndup(b.data, b.len);
    buf_release(&b);
    int sr = store_orgdoc_create(app->store, d, who->user_id, now_ms);
    if (sr)
        return app_fail(res, app_store_problem(sr));
    d->version = 1;
    d->created_at = d->updated_at = now_ms;
    return APP_OK;
}

enum app_problem app_risk_simulate(struct app *app, const struct principal *who, const json_t *body,
                                   int64_t now_ms, struct orgdoc_rec *out, struct app_result *res)
{
    json_t *scenarios = NULL;
    struct risk_request *req = NULL;
    char assessment_id[UUID_STR_LEN];
    memset(out, 0, sizeof(*out));
    if (app_authz(who, ACT_RISK_WRITE, NULL, res))
        return res->problem;
    schema_check(&sim_root, body, &app->limits, now_ms, &res->errs);
    if (app_fail_if_errors(res, APP_PROB_VALIDATION))
        return res->problem;
    if ((scenarios = gather_scenarios(app, who->org_id, json_object_get(body, "scenarios"), res)) &&
        (req = prepare_request(app, who->org_id, body, scenarios, assessment_id, res)))
        run_and_store(app, who, body, req, assessment_id, now_ms, out, res);
    risk_request_free(req);
    json_decref(scenarios);
    if (res->problem)
        orgdoc_rec_release(out);
    return res->problem;
}
