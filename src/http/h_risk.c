/*
 * h_risk.c — FAIR risk quantification over HTTP (issue 4): the checks for asset and loss
 * scenario documents (h_docs.c serves them), and simulations: run on the caller's stored
 * scenarios, kept as documents so a rating report can cite the figures it shows.
 *
 * A simulation runs synchronously in the request: at the default 100,000 years a portfolio of
 * twenty scenarios takes well under a second (bench/README.md). One runs at a time
 * (app->sim_lock), each on risk_threads threads, so a queue of simulations cannot starve the
 * report intake of CPU for longer than one simulation; risk_max_years and risk_max_work bound
 * what one request may ask for.
 */
#include "http_int.h"
#include "h_govern.h"
#include "../assess/assess.h"
#include "../core/jsonx.h"
#include "../risk/risk.h"
#include "../risk/risk_asset.h"

static void problems(struct req *r, struct verr_list *errs)
{
    http_problem(r, 422, "validation", "The request has invalid fields", "入力内容に誤りがあります",
                 "See errors: every problem is listed; nothing was saved.",
                 "errors に問題点をすべて示しています。保存はされていません。", errs);
}

/* CSF category ids (assets' csf_categories, scenarios' from_assessment) must exist in the
 * NIST CSF 2.0 questionnaire, or the resistance they feed could never be computed. */
static void check_categories(struct req *r, const json_t *arr, const char *pointer,
                             struct verr_list *errs)
{
    const struct assess_framework *fw = assess_catalog_get(r->app->frameworks, ASSESS_NIST_CSF_ID);
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

bool http_check_asset(struct req *r, json_t *doc, const char *id)
{
    struct verr_list errs;
    UNUSED(id);
    verr_list_init(&errs, r->app->limits.max_errors);
    schema_check(&risk_asset_root, doc, &r->app->limits, r->now_ms, &errs);
    check_categories(r, json_object_get(doc, "csf_categories"), "/csf_categories", &errs);
    bool ok = !verr_any(&errs);
    if (!ok)
        problems(r, &errs);
    verr_list_release(&errs);
    return ok;
}

/* A scenario's assets must be asset documents of the caller's organisation. */
static void check_assets(struct req *r, const json_t *arr, struct verr_list *errs)
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
            res = store_orgdoc_get(r->app->store, id, &d);
        bool mine = res == STORE_OK && !strcmp(d.kind, "asset") && !strcmp(d.org_id, r->who.org_id);
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

bool http_check_scenario(struct req *r, json_t *doc, const char *id)
{
    struct verr_list errs;
    struct risk_scenario sc;
    /* A stored scenario is named by its document id, whatever the client called it. */
    json_object_set_new(doc, "id", json_string(id));
    verr_list_init(&errs, r->app->limits.max_errors);
    risk_scenario_init(&sc);
    risk_scenario_from_json(doc, "", &sc, &errs);
    risk_scenario_release(&sc);
    check_assets(r, json_object_get(doc, "assets"), &errs);
    json_t *res = json_object_get(doc, "resistance");
    check_categories(r, json_object_get(res, "from_assessment"), "/resistance/from_assessment",
                     &errs);
    bool ok = !verr_any(&errs);
    if (!ok)
        problems(r, &errs);
    verr_list_release(&errs);
    return ok;
}

/* ---- the organisation's latest submitted CSF assessment ---- */

/* Finds the latest submitted assessment of framework for org into *out (answers not loaded).
 * Returns STORE_OK, STORE_NOT_FOUND or an error. */
int http_latest_submitted(struct req *r, const char *org_id, const char *framework,
                          struct assessment_rec *out)
{
    char after[UUID_STR_LEN] = "";
    bool found = false;
    memset(out, 0, sizeof(*out));
    for (;;) {
        struct assessment_list l;
        int res = store_assessment_list(r->app->store, org_id, framework, after[0] ? after : NULL,
                                        200, &l);
        if (res)
            return res;
        for (size_t i = 0; i < l.n; i++) {
            const struct assessment_rec *a = &l.items[i];
            if (strcmp(a->status, "submitted") || (found && a->submitted_at <= out->submitted_at))
                continue;
            *out = *a;
            out->answers = out->scores = NULL;
            found = true;
        }
        bool more = l.more;
        if (l.n)
            xstrlcpy(after, l.items[l.n - 1].id, sizeof(after));
        assessment_list_release(&l);
        if (!more)
            break;
    }
    return found ? STORE_OK : STORE_NOT_FOUND;
}

struct score_ctx {
    json_t *scores; /* of the latest submitted CSF assessment, or NULL */
};

static int score_of(void *ctx, const char *const *cats, size_t n, double *s)
{
    struct score_ctx *c = ctx;
    struct assess_resistance res;
    if (!c->scores || assess_resistance(c->scores, cats, n, &res, NULL))
        return -1;
    *s = res.s;
    return 0;
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
 * array of scenario objects, or NULL after answering. */
static json_t *gather_scenarios(struct req *r, const json_t *ids)
{
    json_t *out = json_array();
    struct verr_list errs;
    verr_list_init(&errs, r->app->limits.max_errors);
    if (ids) {
        size_t i;
        json_t *v;
        json_array_foreach(ids, i, v)
        {
            struct orgdoc_rec d;
            const char *id = json_string_value(v);
            int res = id && uuid_valid(id, strlen(id)) ? store_orgdoc_get(r->app->store, id, &d)
                                                       : STORE_NOT_FOUND;
            if (res == STORE_OK && !strcmp(d.kind, "risk_scenario") &&
                !strcmp(d.org_id, r->who.org_id)) {
                json_array_append_new(out, json_loads(d.body, 0, NULL));
            } else if (res == STORE_OK || res == STORE_NOT_FOUND) {
                char ptr[32];
                snprintf(ptr, sizeof(ptr), "/scenarios/%zu", i);
                verr_add(&errs, ptr, "unknown_scenario",
                         "is not the id of a loss scenario of your organisation",
                         "あなたの組織の損失シナリオのIDではありません");
            }
            if (res == STORE_OK)
                orgdoc_rec_release(&d);
            else if (res != STORE_NOT_FOUND)
                goto unavailable;
        }
    } else {
        struct orgdoc_list l;
        if (store_orgdoc_list(r->app->store, r->who.org_id, "risk_scenario", NULL,
                              RISK_SCENARIOS_MAX, true, &l))
            goto unavailable;
        for (size_t i = l.n; i-- > 0;) /* oldest first: the order they were written in */
            json_array_append_new(out, json_loads(l.items[i].body, 0, NULL));
        orgdoc_list_release(&l);
        if (json_array_size(out) == 0)
            verr_add(&errs, "/scenarios", "no_scenarios",
                     "your organisation has no loss scenarios yet (POST /api/v1/risk/scenarios)",
                     "あなたの組織には損失シナリオがまだありません（POST /api/v1/risk/scenarios "
                     "で登録）");
    }
    if (!verr_any(&errs)) {
        verr_list_release(&errs);
        return out;
    }
    problems(r, &errs);
    verr_list_release(&errs);
    json_decref(out);
    return NULL;
unavailable:
    verr_list_release(&errs);
    json_decref(out);
    http_unavailable(r);
    return NULL;
}

/* The configured bounds on one request (beyond the module's own limits). */
static bool within_limits(struct req *r, const struct risk_request *req)
{
    struct verr_list errs;
    char en[160], ja[160];
    verr_list_init(&errs, 4);
    if (req->years > r->app->cfg.risk_max_years) {
        snprintf(en, sizeof(en), "must be at most %lld on this server",
                 (long long)r->app->cfg.risk_max_years);
        snprintf(ja, sizeof(ja), "このサーバーでは%lld以下にしてください",
                 (long long)r->app->cfg.risk_max_years);
        verr_add(&errs, "/years", "too_many_years", en, ja);
    } else if ((double)req->years * (double)req->nscenarios > (double)r->app->cfg.risk_max_work) {
        snprintf(en, sizeof(en), "years x scenarios must be at most %lld on this server",
                 (long long)r->app->cfg.risk_max_work);
        snprintf(ja, sizeof(ja), "このサーバーでは 試行年数×シナリオ数 を%lld以下にしてください",
                 (long long)r->app->cfg.risk_max_work);
        verr_add(&errs, "/years", "too_much_work", en, ja);
    }
    bool ok = !verr_any(&errs);
    if (!ok)
        problems(r, &errs);
    verr_list_release(&errs);
    return ok;
}

/* Builds, validates and resolves the module's request. NULL after answering. The assessment
 * used for resistance (if any) is written to assessment_id ("" when none). */
static struct risk_request *prepare_request(struct req *r, const json_t *body, json_t *scenarios,
                                            char assessment_id[UUID_STR_LEN])
{
    struct verr_list errs;
    struct score_ctx sc = {0};
    struct assessment_rec latest, full;
    json_t *doc = json_pack("{s:O}", "scenarios", scenarios);
    const char *keys[] = {"seed", "years", "thresholds"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (json_object_get(body, keys[i]))
            json_object_set(doc, keys[i], json_object_get(body, keys[i]));
    verr_list_init(&errs, r->app->limits.max_errors);
    assessment_id[0] = '\0';
    struct risk_request *req = risk_request_from_json(doc, &errs);
    json_decref(doc);
    if (req && risk_request_unresolved(req)) {
        int res = http_latest_submitted(r, r->who.org_id, ASSESS_NIST_CSF_ID, &latest);
        if (res == STORE_OK)
            res = store_assessment_get(r->app->store, latest.id, &full);
        if (res && res != STORE_NOT_FOUND) {
            verr_list_release(&errs);
            risk_request_free(req);
            http_unavailable(r);
            return NULL;
        }
        if (res == STORE_OK) {
            sc.scores = full.scores ? json_loads(full.scores, 0, NULL) : NULL;
            xstrlcpy(assessment_id, full.id, UUID_STR_LEN);
            assessment_rec_release(&full);
        }
        risk_request_resolve(req, score_of, &sc, &errs);
        json_decref(sc.scores);
    }
    if (req && !verr_any(&errs) && within_limits(r, req)) {
        verr_list_release(&errs);
        return req;
    }
    if (verr_any(&errs))
        problems(r, &errs);
    verr_list_release(&errs);
    risk_request_free(req);
    return NULL;
}

static json_t *sim_summary(const struct orgdoc_rec *d)
{
    json_t *b = json_loads(d->body, 0, NULL);
    if (!b)
        BUG("stored simulation %s is not JSON", d->id);
    json_t *res = json_object_get(b, "result"), *pf = json_object_get(res, "portfolio");
    json_t *j = json_pack("{s:s, s:o, s:s, s:O, s:O, s:O, s:I, s:O}", "id", d->id, "created_at",
                          http_time(d->created_at), "created_by", d->created_by, "name",
                          json_object_get(b, "name"), "seed", json_object_get(res, "seed"), "years",
                          json_object_get(res, "years"), "scenarios",
                          (json_int_t)json_array_size(json_object_get(res, "scenarios")),
                          "assessment", json_object_get(b, "assessment"));
    json_object_set_new(j, "portfolio",
                        json_pack("{s:O, s:O, s:O}", "mean", json_object_get(pf, "mean"), "p95",
                                  json_object_get(pf, "p95"), "p99", json_object_get(pf, "p99")));
    json_decref(b);
    return j;
}

static void send_simulation(struct req *r, int status, const struct orgdoc_rec *d)
{
    char loc[96];
    json_t *b = json_loads(d->body, 0, NULL);
    if (!b)
        BUG("stored simulation %s is not JSON", d->id);
    json_t *j = json_pack("{s:s, s:o, s:s}", "id", d->id, "created_at", http_time(d->created_at),
                          "created_by", d->created_by);
    json_object_update(j, b);
    json_decref(b);
    if (status == 201) {
        snprintf(loc, sizeof(loc), "/api/v1/risk/simulations/%s", d->id);
        http_header(r, "Location", loc);
    }
    http_json(r, status, j);
}

/* Runs req and stores {"name", "scenario_ids", "assessment", "result"} as a simulation. */
static void run_and_store(struct req *r, const json_t *body, struct risk_request *req,
                          const char *assessment_id)
{
    struct risk_result res;
    struct orgdoc_rec d;
    struct err e;
    risk_result_init(&res);
    err_init(&e);
    pthread_mutex_lock(&r->app->sim_lock);
    int rc = risk_simulate(req, (unsigned)r->app->cfg.risk_threads, &res, &e);
    pthread_mutex_unlock(&r->app->sim_lock);
    if (rc) {
        risk_result_release(&res);
        char ja[800];
        snprintf(ja, sizeof(ja), "シミュレーションの条件が上限を超えています（%s）", e.msg);
        http_problem(r, 422, "simulation_refused", "The simulation cannot run",
                     "シミュレーションを実行できません", e.msg, ja, NULL);
        return;
    }
    json_t *ids = json_array();
    for (size_t i = 0; i < req->nscenarios; i++)
        json_array_append_new(ids, json_string(req->scenarios[i].id));
    json_t *doc = json_pack(
        "{s:O, s:o, s:o, s:o}", "name",
        json_object_get(body, "name") ? json_object_get(body, "name") : json_null(), "scenario_ids",
        ids, "assessment", assessment_id[0] ? json_string(assessment_id) : json_null(), "result",
        risk_result_to_json(req, &res));
    risk_result_release(&res);
    memset(&d, 0, sizeof(d));
    uuid_v7_new(d.id);
    xstrlcpy(d.org_id, r->who.org_id, sizeof(d.org_id));
    xstrlcpy(d.kind, "simulation", sizeof(d.kind));
    xstrlcpy(d.created_by, r->who.user_id, sizeof(d.created_by));
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    jsonx_dump_canonical(doc, &b);
    json_decref(doc);
    d.body = xstrndup(b.data, b.len);
    buf_release(&b);
    int sr = store_orgdoc_create(r->app->store, &d, r->who.user_id, r->now_ms);
    if (sr) {
        http_store_error(r, sr);
    } else {
        d.version = 1;
        d.created_at = d.updated_at = r->now_ms;
        send_simulation(r, 201, &d);
    }
    orgdoc_rec_release(&d);
}

void h_simulation_create(struct req *r)
{
    json_t *body = http_body_json(r), *scenarios = NULL;
    struct risk_request *req = NULL;
    char assessment_id[UUID_STR_LEN];
    if (!body || !http_check_body(r, &sim_root, body))
        goto out;
    if (!(scenarios = gather_scenarios(r, json_object_get(body, "scenarios"))))
        goto out;
    if (!(req = prepare_request(r, body, scenarios, assessment_id)))
        goto out;
    run_and_store(r, body, req, assessment_id);
out:
    risk_request_free(req);
    json_decref(scenarios);
    json_decref(body);
}

void h_simulation_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    char after[UUID_STR_LEN];
    struct orgdoc_list l;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    if (store_orgdoc_list(r->app->store, r->who.org_id, "simulation", after[0] ? after : NULL,
                          limit, true, &l))
        return http_unavailable(r);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, sim_summary(&l.items[i]));
    http_page(r, items, l.more && l.n ? l.items[l.n - 1].id : NULL);
    orgdoc_list_release(&l);
}

void h_simulation_get(struct req *r)
{
    struct orgdoc_rec d;
    if (!http_doc_fetch(r, "simulation", ACT_RISK_READ, r->params[0], &d))
        return;
    send_simulation(r, 200, &d);
    orgdoc_rec_release(&d);
}
