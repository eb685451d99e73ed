/*
 * app_assess.c — maturity self-assessments as use cases (issue 4; app_govern.h): create one
 * for a period, save answers (naming the version changed), submit it (scores frozen,
 * immutable afterwards — a new period gets a new assessment), read its scores with the peer
 * comparison. src/assess/ checks answers and does the arithmetic.
 */
#include "app_govern.h"
#include "app_authz.h"
#include "../assess/assess.h"
#include "../core/uuid.h"

static const struct rf_field create_fields[] = {
    {"framework", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 63, "フレームワーク",
     "framework", NULL},
    {"period", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 31, "対象期間", "period", NULL},
    {0}}; /* and "answers", checked against the framework by src/assess/ */
static const struct rf_field create_root = {
    "", RF_OBJECT, 0, create_fields, NULL, RFMT_NONE, 0, 0, "自己評価", "assessment", NULL};

enum app_problem app_assess_answers_check(const struct assess_framework *fw, const json_t *doc,
                                          struct app_result *res)
{
    assess_answers_check(fw, doc, &res->errs);
    return app_fail_if_errors(res, APP_PROB_ANSWERS_INVALID);
}

/* The stored answers document: {"framework", "framework_version", "answers"}. */
static json_t *answers_doc(const struct assess_framework *fw, const json_t *answers)
{
    json_t *a = answers ? json_incref((json_t *)answers) : json_object();
    return json_pack("{s:s, s:s, s:o}", "framework", fw->id, "framework_version", fw->version,
                     "answers", a);
}

static json_t *parse_stored(const char *text, const char *what, const char *id)
{
    json_t *j = json_loads(text, 0, NULL);
    if (!j)
        BUG("stored %s of assessment %s is not JSON", what, id);
    return j;
}

/* Fills a new draft of who's organisation for fw, period and the answers document doc. */
static void new_draft(struct assessment_rec *a, const struct principal *who,
                      const struct assess_framework *fw, const char *period, const json_t *doc,
                      int64_t now_ms)
{
    uuid_v7_new(a->id);
    xstrlcpy(a->org_id, who->org_id, sizeof(a->org_id));
    xstrlcpy(a->framework_id, fw->id, sizeof(a->framework_id));
    xstrlcpy(a->framework_version, fw->version, sizeof(a->framework_version));
    xstrlcpy(a->period, period, sizeof(a->period));
    xstrlcpy(a->status, "draft", sizeof(a->status));
    xstrlcpy(a->created_by, who->user_id, sizeof(a->created_by));
    a->answers = app_canonical(doc);
    a->version = 1;
    a->overall = -1;
    a->created_at = a->updated_at = now_ms;
}

enum app_problem app_assessment_create(struct app *app, const struct principal *who,
                                       const json_t *body, int64_t now_ms,
                                       struct assessment_rec *out, struct app_result *res)
{
    json_t *fields = json_copy((json_t *)body), *doc = NULL;
    memset(out, 0, sizeof(*out));
    json_object_del(fields, "answers");
    if (app_authz(who, ACT_ASSESS_WRITE, NULL, res))
        goto out;
    schema_check(&create_root, fields, &app->limits, now_ms, &res->errs);
    if (app_fail_if_errors(res, APP_PROB_VALIDATION))
        goto out;
    const struct assess_framework *fw =
        assess_catalog_get(app->frameworks, json_string_value(json_object_get(body, "framework")));
    if (!fw) {
        verr_add(&res->errs, "/framework", "unknown_framework",
                 "is not a framework of this service (see GET /api/v1/frameworks)",
                 "このサービスにないフレームワークです（GET /api/v1/frameworks を参照）");
        app_fail(res, APP_PROB_ANSWERS_INVALID);
        goto out;
    }
    doc = answers_doc(fw, json_object_get(body, "answers"));
    if (app_assess_answers_check(fw, doc, res))
        goto out;
    new_draft(out, who, fw, json_string_value(json_object_get(body, "period")), doc, now_ms);
    int sr = store_assessment_create(app->store, out, who->user_id, now_ms);
    if (sr)
        app_fail(res, app_store_problem(sr));
out:
    if (res->problem)
        assessment_rec_release(out);
    json_decref(doc);
    json_decref(fields);
    return res->problem;
}

enum app_problem app_assessment_list(struct app *app, const struct principal *who,
                                     const char *framework, const char *after, int limit,
                                     struct assessment_list *out, struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    if (app_authz(who, ACT_ASSESS_READ, NULL, res))
        return res->problem;
    if (store_assessment_list(app->store, who->org_id, framework, after, limit, out))
        return app_fail(res, APP_PROB_UNAVAILABLE);
    return APP_OK;
}

/* The framework an assessment was created with, as loaded now. A draft whose framework
 * file has since changed version cannot be saved or submitted under the new questions
 * without the scores silently meaning something else: start a new assessment. */
static const struct assess_framework *framework_of(struct app *app, const struct assessment_rec *a,
                                                   struct app_result *res)
{
    const struct assess_framework *fw = assess_catalog_get(app->frameworks, a->framework_id);
    if (fw && strcmp(fw->version, a->framework_version))
        fw = NULL;
    if (!fw)
        app_fail(res, APP_PROB_FRAMEWORK_UNAVAILABLE);
    return fw;
}

/* Shared start of save and submit: the draft, writable by who, whose version exp names. */
static enum app_problem writable_draft(struct app *app, const struct principal *who, const char *id,
                                       const struct app_expect *exp, struct assessment_rec *a,
                                       struct app_result *res)
{
    if (app_assessment_fetch(app, who, ACT_ASSESS_WRITE, id, a, res))
        return res->problem;
    enum app_precond pc = exp->check(exp->ctx, a->version);
    if (strcmp(a->status, "draft"))
        app_fail(res, APP_PROB_ASSESSMENT_SUBMITTED);
    else if (pc != APP_PRECOND_MATCH)
        app_fail_precondition(res, pc, a->version, "assessment", "自己評価");
    else
        framework_of(app, a, res);
    if (res->problem)
        assessment_rec_release(a);
    return res->problem;
}

/* A store conflict after the precondition held: someone saved or submitted in between. */
static enum app_problem lost_race(struct app *app, const char *id, struct app_result *res)
{
    struct assessment_rec now;
    if (store_assessment_get(app->store, id, &now) != STORE_OK)
        return app_fail(res, APP_PROB_UNAVAILABLE);
    if (strcmp(now.status, "draft"))
        app_fail(res, APP_PROB_ASSESSMENT_SUBMITTED);
    else
        app_fail_precondition(res, APP_PRECOND_STALE, now.version, "assessment", "自己評価");
    assessment_rec_release(&now);
    return res->problem;
}

enum app_problem app_assessment_save(struct app *app, const struct principal *who, const char *id,
                                     const struct app_expect *exp, const json_t *body,
                                     int64_t now_ms, struct assessment_rec *out,
                                     struct app_result *res)
{
    json_t *doc = NULL;
    char *text = NULL;
    if (writable_draft(app, who, id, exp, out, res))
        return res->problem;
    const struct assess_framework *fw = assess_catalog_get(app->frameworks, out->framework_id);
    /* The body is the answers document itself; its framework must be this one. */
    if (app_assess_answers_check(fw, body, res))
        goto out;
    doc = answers_doc(fw, json_object_get(body, "answers"));
    text = app_canonical(doc);
    int sr = store_assessment_save(app->store, out->id, out->version, text, who->user_id, now_ms);
    if (sr == STORE_CONFLICT) {
        lost_race(app, out->id, res);
    } else if (sr) {
        app_fail(res, app_store_problem(sr));
    } else {
        free(out->answers);
        out->answers = text;
        text = NULL;
        out->version++;
        out->updated_at = now_ms;
    }
out:
    free(text);
    json_decref(doc);
    if (res->problem)
        assessment_rec_release(out);
    return res->problem;
}

/* Every function must have a score before submission: a radar chart with a missing axis
 * would compare nothing, and peers would average incomparable documents. */
static enum app_problem complete_enough(const json_t *scores, struct app_result *res)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(scores, "functions"), i, f)
    {
        if (!json_is_null(json_object_get(f, "score")))
            continue;
        char en[200], ja[200];
        const char *id = json_string_value(json_object_get(f, "id"));
        snprintf(en, sizeof(en),
                 "function %s has no answered question; answer at least one "
                 "(not applicable does not count)",
                 id);
        snprintf(ja, sizeof(ja),
                 "機能 %s に回答がありません。少なくとも1問に回答してください"
                 "（該当なしは数えません）",
                 id);
        verr_add(&res->errs, "/answers", "function_unanswered", en, ja);
    }
    return app_fail_if_errors(res, APP_PROB_INCOMPLETE);
}

/* Marks out submitted as the store did. text (heap) becomes its scores. */
static void submitted(struct assessment_rec *out, const struct principal *who, char *text,
                      double overall, int64_t now_ms)
{
    out->scores = text;
    out->overall = overall;
    out->version++;
    out->updated_at = out->submitted_at = now_ms;
    xstrlcpy(out->status, "submitted", sizeof(out->status));
    xstrlcpy(out->submitted_by, who->user_id, sizeof(out->submitted_by));
}

enum app_problem app_assessment_submit(struct app *app, const struct principal *who, const char *id,
                                       const struct app_expect *exp, int64_t now_ms,
                                       struct assessment_rec *out, struct app_result *res)
{
    json_t *doc = NULL, *scores = NULL;
    char *text = NULL;
    if (writable_draft(app, who, id, exp, out, res))
        return res->problem;
    const struct assess_framework *fw = assess_catalog_get(app->frameworks, out->framework_id);
    doc = parse_stored(out->answers, "answers", out->id);
    if (!(scores = assess_score(fw, doc)))
        BUG("scoring stored answers of %s failed", out->id);
    if (complete_enough(scores, res))
        goto out;
    double overall =
        json_number_value(json_object_get(json_object_get(scores, "overall"), "score"));
    text = app_canonical(scores);
    int sr = store_assessment_submit(app->store, out->id, out->version, text, overall, who->user_id,
                                     now_ms);
    if (sr == STORE_CONFLICT) {
        lost_race(app, out->id, res);
    } else if (sr) {
        app_fail(res, app_store_problem(sr));
    } else {
        submitted(out, who, text, overall, now_ms);
        text = NULL;
    }
out:
    free(text);
    json_decref(scores);
    json_decref(doc);
    if (res->problem)
        assessment_rec_release(out);
    return res->problem;
}

enum app_problem app_assessment_scores(struct app *app, const struct principal *who, const char *id,
                                       struct assessment_rec *a, json_t **scores, json_t **peers,
                                       struct app_result *res)
{
    *scores = *peers = NULL;
    if (app_assessment_fetch(app, who, ACT_ASSESS_READ, id, a, res))
        return res->problem;
    if (!(*scores = app_scores_of(app, a)))
        app_fail(res, APP_PROB_FRAMEWORK_UNAVAILABLE);
    else if (!(*peers = app_peers_of(app, a, *scores)))
        app_fail(res, APP_PROB_UNAVAILABLE);
    if (res->problem) {
        json_decref(*scores);
        *scores = NULL;
        assessment_rec_release(a);
    }
    return res->problem;
}
