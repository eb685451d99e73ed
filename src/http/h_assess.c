/*
 * h_assess.c — questionnaires and maturity self-assessments over HTTP (issue 4): list and
 * read frameworks; create an assessment for a period, save answers (If-Match), submit it
 * (scores frozen, immutable afterwards — a new period gets a new assessment); scores with the
 * peer comparison. The use cases are app_assessment_* (src/app/app_assess.c); this file
 * decodes requests and encodes their results.
 */
#include "http_int.h"
#include "h_govern.h"
#include "../assess/assess.h"

/* ---- frameworks ---- */

static json_t *text_json(const struct assess_text *t)
{
    return json_pack("{s:s, s:s}", "ja", t->ja, "en", t->en);
}

static json_t *framework_summary(const struct assess_framework *fw)
{
    json_t *fns = json_array();
    for (size_t i = 0; i < fw->nfunctions; i++)
        json_array_append_new(fns, json_pack("{s:s, s:o}", "id", fw->functions[i].id, "name",
                                             text_json(&fw->functions[i].name)));
    return json_pack("{s:s, s:s, s:o, s:I, s:I, s:o}", "id", fw->id, "version", fw->version,
                     "title", text_json(&fw->title), "categories", (json_int_t)fw->ncategories,
                     "questions", (json_int_t)fw->nquestions, "functions", fns);
}

void h_framework_list(struct req *r)
{
    const struct assess_catalog *cat = r->app->frameworks;
    json_t *items = json_array();
    for (size_t i = 0; i < assess_catalog_count(cat); i++)
        json_array_append_new(items, framework_summary(assess_catalog_at(cat, i)));
    http_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_framework_get(struct req *r)
{
    const struct assess_framework *fw = assess_catalog_get(r->app->frameworks, r->params[0]);
    if (!fw)
        return http_not_found(r);
    http_json(r, 200, json_incref(fw->doc));
}

/* ---- assessments: views ---- */

static json_t *assessment_meta(const struct assessment_rec *a)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:s}", "id", a->id, "framework",
                          a->framework_id, "framework_version", a->framework_version, "period",
                          a->period, "status", a->status, "version", a->version, "created_at",
                          http_time(a->created_at), "updated_at", http_time(a->updated_at),
                          "created_by", a->created_by);
    json_object_set_new(j, "submitted_at",
                        a->submitted_at ? http_time(a->submitted_at) : json_null());
    json_object_set_new(j, "submitted_by",
                        a->submitted_by[0] ? json_string(a->submitted_by) : json_null());
    json_object_set_new(j, "overall", a->overall >= 0 ? json_real(a->overall) : json_null());
    return j;
}

static json_t *parse_stored(const char *text, const char *what, const char *id)
{
    json_t *j = json_loads(text, 0, NULL);
    if (!j)
        BUG("stored %s of assessment %s is not JSON", what, id);
    return j;
}

static void send_assessment(struct req *r, int status, const struct assessment_rec *a)
{
    char etag[24], loc[96];
    json_t *j = assessment_meta(a);
    json_t *doc = parse_stored(a->answers, "answers", a->id);
    json_object_set(j, "answers", json_object_get(doc, "answers"));
    json_decref(doc);
    json_object_set_new(j, "scores",
                        a->scores ? parse_stored(a->scores, "scores", a->id) : json_null());
    snprintf(etag, sizeof(etag), "\"v%d\"", a->version);
    http_header(r, "ETag", etag);
    if (status == 201) {
        snprintf(loc, sizeof(loc), "/api/v1/assessments/%s", a->id);
        http_header(r, "Location", loc);
    }
    http_json(r, status, j);
}

/* ---- assessments: requests ---- */

/* Answers an assessment use case: status with the assessment, or its problem. */
static void answer(struct req *r, int status, struct assessment_rec *a, struct app_result *res)
{
    if (res->problem) {
        http_fail_result(r, res);
    } else {
        send_assessment(r, status, a);
        assessment_rec_release(a);
    }
    app_result_release(res);
}

void h_assessment_create(struct req *r)
{
    struct assessment_rec a;
    struct app_result res;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    app_assessment_create(r->app, &r->who, body, r->now_ms, &a, &res);
    answer(r, 201, &a, &res);
    json_decref(body);
}

void h_assessment_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", "framework", NULL};
    char after[UUID_STR_LEN];
    struct assessment_list l;
    struct app_result res;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    app_result_init(&res, 4);
    if (app_assessment_list(r->app, &r->who, http_query(r, "framework"), after[0] ? after : NULL,
                            limit, &l, &res)) {
        http_fail_result(r, &res);
        app_result_release(&res);
        return;
    }
    app_result_release(&res);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, assessment_meta(&l.items[i]));
    http_page(r, items, l.more && l.n ? l.items[l.n - 1].id : NULL);
    assessment_list_release(&l);
}

bool http_assessment_fetch(struct req *r, enum auth_action act, const char *id,
                           struct assessment_rec *a)
{
    struct app_result res;
    app_result_init(&res, 4);
    bool ok = app_assessment_fetch(r->app, &r->who, act, id, a, &res) == APP_OK;
    if (!ok)
        http_fail_result(r, &res);
    app_result_release(&res);
    return ok;
}

void h_assessment_get(struct req *r)
{
    struct assessment_rec a;
    if (!http_assessment_fetch(r, ACT_ASSESS_READ, r->params[0], &a))
        return;
    if (http_if_none_match_hits(http_header_in(r, "If-None-Match"), a.version)) {
        char etag[24];
        snprintf(etag, sizeof(etag), "\"v%d\"", a.version);
        http_header(r, "ETag", etag);
        http_raw(r, 304, "application/json", "", 0);
    } else {
        send_assessment(r, 200, &a);
    }
    assessment_rec_release(&a);
}

void h_assessment_save(struct req *r)
{
    struct assessment_rec a;
    struct app_result res;
    struct app_expect exp = http_expect(r);
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    app_assessment_save(r->app, &r->who, r->params[0], &exp, body, r->now_ms, &a, &res);
    answer(r, 200, &a, &res);
    json_decref(body);
}

void h_assessment_submit(struct req *r)
{
    struct assessment_rec a;
    struct app_result res;
    struct app_expect exp = http_expect(r);
    app_result_init(&res, r->app->limits.max_errors);
    app_assessment_submit(r->app, &r->who, r->params[0], &exp, r->now_ms, &a, &res);
    answer(r, 200, &a, &res);
}

/* ---- scores and peers ---- */

void h_assessment_scores(struct req *r)
{
    struct assessment_rec a;
    struct app_result res;
    json_t *scores, *peers;
    app_result_init(&res, 4);
    if (app_assessment_scores(r->app, &r->who, r->params[0], &a, &scores, &peers, &res)) {
        http_fail_result(r, &res);
    } else {
        http_json(r, 200,
                  json_pack("{s:s, s:s, s:o, s:o}", "assessment", a.id, "status", a.status,
                            "scores", scores, "peers", peers));
        assessment_rec_release(&a);
    }
    app_result_release(&res);
}
