/*
 * app_rating.c — the rating report (issue 4) as a use case: an organisation's submitted
 * self-assessment with its peer comparison and gap list, and its latest (or a chosen) risk
 * simulation, assembled and checked by src/rating/ (app_govern.h). The HTTP API serves it as
 * JSON and PDF (h_rating.c).
 */
#include "app_govern.h"
#include "app_authz.h"
#include "../assess/assess.h"
#include "../rating/rating.h"

static json_t *org_view(const struct org *o)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", o->id, "name_ja", o->name_ja, "name_en",
                     o->name_en, "sector", o->sector, "size_band",
                     o->size_band[0] ? json_string(o->size_band) : json_null());
}

/* The assessment the report is about: the one named (submitted), else the latest submitted
 * NIST CSF 2.0 assessment, else the latest submitted of any framework. */
static enum app_problem pick_assessment(struct app *app, const struct principal *who,
                                        const char *id, struct assessment_rec *a,
                                        struct app_result *res)
{
    struct assessment_rec latest;
    if (id) {
        if (app_assessment_fetch(app, who, ACT_ASSESS_READ, id, a, res))
            return res->problem;
        if (strcmp(a->status, "submitted")) {
            assessment_rec_release(a);
            return app_fail_param(res, "assessment",
                                  "is a draft; only submitted assessments are rated",
                                  "下書きです。格付けできるのは提出済みの自己評価だけです");
        }
        return APP_OK;
    }
    memset(a, 0, sizeof(*a));
    int sr = app_latest_submitted(app, who->org_id, ASSESS_NIST_CSF_ID, &latest);
    if (sr == STORE_NOT_FOUND)
        sr = app_latest_submitted(app, who->org_id, NULL, &latest);
    if (sr == STORE_NOT_FOUND)
        return app_fail(res, APP_PROB_NO_SUBMITTED_ASSESSMENT);
    if (sr || (sr = store_assessment_get(app->store, latest.id, a)))
        return app_fail(res, app_store_problem(sr));
    return APP_OK;
}

/* The simulation's result: *out stays NULL for "none" or when there is none. */
static enum app_problem pick_simulation(struct app *app, const struct principal *who,
                                        const char *id, json_t **out, struct app_result *res)
{
    struct orgdoc_rec d;
    *out = NULL;
    memset(&d, 0, sizeof(d));
    if (id && !strcmp(id, "none"))
        return APP_OK;
    if (id) {
        if (app_doc_fetch(app, who, "simulation", ACT_RISK_READ, id, &d, res))
            return res->problem;
    } else {
        struct orgdoc_list l;
        if (store_orgdoc_list(app->store, who->org_id, "simulation", NULL, 1, true, &l))
            return app_fail(res, APP_PROB_UNAVAILABLE);
        if (l.n) {
            d = l.items[0];
            l.items[0].body = NULL;
        }
        orgdoc_list_release(&l);
        if (!d.body)
            return APP_OK;
    }
    json_t *b = json_loads(d.body, 0, NULL);
    if (!b)
        BUG("stored simulation %s is not JSON", d.id);
    *out = json_incref(json_object_get(b, "result"));
    json_decref(b);
    orgdoc_rec_release(&d);
    return APP_OK;
}

enum app_problem app_rating_build(struct app *app, const struct principal *who,
                                  const struct app_rating_query *q, int64_t now_ms, json_t **out,
                                  struct app_result *res)
{
    struct assessment_rec a;
    struct org o;
    json_t *risk = NULL, *scores = NULL, *peers = NULL;
    *out = NULL;
    if (app_authz(who, ACT_RISK_READ, NULL, res) ||
        pick_assessment(app, who, q->assessment, &a, res))
        return res->problem;
    if (pick_simulation(app, who, q->simulation, &risk, res))
        goto out;
    int sr = store_org_get(app->store, a.org_id, &o);
    if (sr) {
        app_fail(res, app_store_problem(sr));
        goto out;
    }
    scores = app_scores_of(app, &a);
    peers = scores ? app_peers_of(app, &a, scores) : NULL;
    if (!peers) {
        app_fail(res, APP_PROB_UNAVAILABLE);
        goto out;
    }
    json_object_set_new(scores, "id", json_string(a.id));
    json_object_set_new(scores, "submitted_at", app_time_json(a.submitted_at));
    json_t *orgj = org_view(&o);
    *out = rating_build(orgj, scores, peers, risk, now_ms, q->lang, &res->errs);
    json_decref(orgj);
    if (!*out)
        app_fail(res, APP_PROB_RATING_INCONSISTENT);
out:
    json_decref(peers);
    json_decref(scores);
    json_decref(risk);
    assessment_rec_release(&a);
    return res->problem;
}

enum app_problem app_rating_pdf(const json_t *doc, struct buf *pdf, struct app_result *res)
{
    struct err e;
    char ja[APP_DETAIL_MAX];
    err_init(&e);
    if (rating_pdf(doc, NULL, pdf, &e) == RATING_OK)
        return APP_OK;
    snprintf(ja, sizeof(ja),
             "サーバー側でPDFを作成できませんでした（%s）。運用者に連絡してください。", e.msg);
    return app_fail_detail(res, APP_PROB_PDF_FAILED, e.msg, ja);
}
