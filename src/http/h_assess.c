/*
 * h_assess.c — questionnaires and maturity self-assessments over HTTP (issue 4): list and
 * read frameworks; create an assessment for a period, save answers (If-Match), submit it
 * (scores frozen, immutable afterwards — a new period gets a new assessment); scores with the
 * peer comparison.
 *
 * Peer comparison: the latest submitted assessment of the same framework of every other
 * organisation, grouped by sector and size band, widening (sector+size → sector → size →
 * everyone) until a group has at least peer_min_k others (k-anonymity: no figure ever rests
 * on fewer organisations, and none is named). src/assess/ does the arithmetic.
 */
#include "http_int.h"
#include "h_govern.h"
#include "../assess/assess.h"
#include "../core/jsonx.h"

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

static const struct rf_field create_fields[] = {
    {"framework", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 63, "フレームワーク",
     "framework", NULL},
    {"period", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 31, "対象期間", "period", NULL},
    {0}}; /* and "answers", checked against the framework by src/assess/ */
static const struct rf_field create_root = {
    "", RF_OBJECT, 0, create_fields, NULL, RFMT_NONE, 0, 0, "自己評価", "assessment", NULL};

static bool answers_invalid(struct req *r, struct verr_list *errs)
{
    http_fail(r, APP_PROB_ANSWERS_INVALID, NULL, NULL, errs);
    verr_list_release(errs);
    return false;
}

/* The stored answers document: {"framework", "framework_version", "answers"}. */
static json_t *answers_doc(const struct assess_framework *fw, const json_t *answers)
{
    json_t *a = answers ? json_incref((json_t *)answers) : json_object();
    return json_pack("{s:s, s:s, s:o}", "framework", fw->id, "framework_version", fw->version,
                     "answers", a);
}

/* Checks an answers document against fw. Returns false after answering 422. */
static bool answers_ok(struct req *r, const struct assess_framework *fw, const json_t *doc)
{
    struct verr_list errs;
    verr_list_init(&errs, r->app->limits.max_errors);
    if (assess_answers_check(fw, doc, &errs))
        return answers_invalid(r, &errs);
    verr_list_release(&errs);
    return true;
}

static char *dump(const json_t *j)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    jsonx_dump_canonical(j, &b);
    char *s = xstrndup(b.data, b.len);
    buf_release(&b);
    return s;
}

static const struct assess_framework *framework_or_422(struct req *r, const char *id,
                                                       const char *pointer)
{
    const struct assess_framework *fw = assess_catalog_get(r->app->frameworks, id);
    if (!fw) {
        struct verr_list errs;
        verr_list_init(&errs, 2);
        verr_add(&errs, pointer, "unknown_framework",
                 "is not a framework of this service (see GET /api/v1/frameworks)",
                 "このサービスにないフレームワークです（GET /api/v1/frameworks を参照）");
        answers_invalid(r, &errs);
    }
    return fw;
}

void h_assessment_create(struct req *r)
{
    struct assessment_rec a;
    json_t *body = http_body_json(r), *doc = NULL, *fields = NULL;
    memset(&a, 0, sizeof(a));
    if (!body)
        goto out;
    fields = json_copy(body);
    json_object_del(fields, "answers");
    if (!http_check_body(r, &create_root, fields))
        goto out;
    const struct assess_framework *fw =
        framework_or_422(r, json_string_value(json_object_get(body, "framework")), "/framework");
    if (!fw)
        goto out;
    doc = answers_doc(fw, json_object_get(body, "answers"));
    if (!answers_ok(r, fw, doc))
        goto out;
    uuid_v7_new(a.id);
    xstrlcpy(a.org_id, r->who.org_id, sizeof(a.org_id));
    xstrlcpy(a.framework_id, fw->id, sizeof(a.framework_id));
    xstrlcpy(a.framework_version, fw->version, sizeof(a.framework_version));
    xstrlcpy(a.period, json_string_value(json_object_get(body, "period")), sizeof(a.period));
    xstrlcpy(a.status, "draft", sizeof(a.status));
    xstrlcpy(a.created_by, r->who.user_id, sizeof(a.created_by));
    a.answers = dump(doc);
    a.version = 1;
    a.overall = -1;
    a.created_at = a.updated_at = r->now_ms;
    int res = store_assessment_create(r->app->store, &a, r->who.user_id, r->now_ms);
    if (res)
        http_store_error(r, res);
    else
        send_assessment(r, 201, &a);
out:
    assessment_rec_release(&a);
    json_decref(doc);
    json_decref(fields);
    json_decref(body);
}

void h_assessment_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", "framework", NULL};
    char after[UUID_STR_LEN];
    struct assessment_list l;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    if (store_assessment_list(r->app->store, r->who.org_id, http_query(r, "framework"),
                              after[0] ? after : NULL, limit, &l))
        return http_unavailable(r);
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

static void already_submitted(struct req *r)
{
    http_fail(r, APP_PROB_ASSESSMENT_SUBMITTED, NULL, NULL, NULL);
}

/* Shared start of save and submit: the draft, writable by the caller, with a matching
 * If-Match. Answers and returns false otherwise. */
static bool writable_draft(struct req *r, struct assessment_rec *a)
{
    if (!http_assessment_fetch(r, ACT_ASSESS_WRITE, r->params[0], a))
        return false;
    if (strcmp(a->status, "draft")) {
        already_submitted(r);
        assessment_rec_release(a);
        return false;
    }
    enum http_ifm m = http_if_match(http_header_in(r, "If-Match"), a->version);
    if (m != IFM_MATCH) {
        http_precondition(r, m, a->version, "assessment", "自己評価");
        assessment_rec_release(a);
        return false;
    }
    return true;
}

/* A store conflict after the precondition held: someone saved or submitted in between. */
static void lost_race(struct req *r, const char *id)
{
    struct assessment_rec now;
    if (store_assessment_get(r->app->store, id, &now) != STORE_OK)
        return http_unavailable(r);
    if (strcmp(now.status, "draft"))
        already_submitted(r);
    else
        http_precondition(r, IFM_NO_MATCH, now.version, "assessment", "自己評価");
    assessment_rec_release(&now);
}

/* The framework an assessment was created with, as loaded now. A draft whose framework
 * file has since changed version cannot be saved or submitted under the new questions
 * without the scores silently meaning something else: 409, start a new assessment. */
static const struct assess_framework *framework_of(struct req *r, const struct assessment_rec *a)
{
    const struct assess_framework *fw = assess_catalog_get(r->app->frameworks, a->framework_id);
    if (fw && strcmp(fw->version, a->framework_version))
        fw = NULL;
    if (!fw)
        http_fail(r, APP_PROB_FRAMEWORK_UNAVAILABLE, NULL, NULL, NULL);
    return fw;
}

void h_assessment_save(struct req *r)
{
    struct assessment_rec a;
    json_t *body = NULL, *doc = NULL;
    char *text = NULL;
    if (!writable_draft(r, &a))
        return;
    const struct assess_framework *fw = framework_of(r, &a);
    if (!fw || !(body = http_body_json(r)))
        goto out;
    /* The body is the answers document itself; its framework must be this one. */
    if (!answers_ok(r, fw, body))
        goto out;
    doc = answers_doc(fw, json_object_get(body, "answers"));
    text = dump(doc);
    int res =
        store_assessment_save(r->app->store, a.id, a.version, text, r->who.user_id, r->now_ms);
    if (res == STORE_CONFLICT) {
        lost_race(r, a.id);
    } else if (res) {
        http_store_error(r, res);
    } else {
        free(a.answers);
        a.answers = text;
        text = NULL;
        a.version++;
        a.updated_at = r->now_ms;
        send_assessment(r, 200, &a);
    }
out:
    free(text);
    json_decref(doc);
    json_decref(body);
    assessment_rec_release(&a);
}

/* Every function must have a score before submission: a radar chart with a missing axis
 * would compare nothing, and peers would average incomparable documents. */
static bool complete_enough(struct req *r, const json_t *scores)
{
    struct verr_list errs;
    size_t i;
    json_t *f;
    verr_list_init(&errs, r->app->limits.max_errors);
    json_array_foreach(json_object_get(scores, "functions"), i, f)
    {
        if (!json_is_null(json_object_get(f, "score")))
            continue;
        char ptr[64], en[200], ja[200];
        const char *id = json_string_value(json_object_get(f, "id"));
        snprintf(ptr, sizeof(ptr), "/answers");
        snprintf(en, sizeof(en),
                 "function %s has no answered question; answer at least one "
                 "(not applicable does not count)",
                 id);
        snprintf(ja, sizeof(ja),
                 "機能 %s に回答がありません。少なくとも1問に回答してください"
                 "（該当なしは数えません）",
                 id);
        verr_add(&errs, ptr, "function_unanswered", en, ja);
    }
    if (!verr_any(&errs)) {
        verr_list_release(&errs);
        return true;
    }
    http_fail(r, APP_PROB_INCOMPLETE, NULL, NULL, &errs);
    verr_list_release(&errs);
    return false;
}

void h_assessment_submit(struct req *r)
{
    struct assessment_rec a;
    json_t *doc = NULL, *scores = NULL;
    char *text = NULL;
    if (!writable_draft(r, &a))
        return;
    const struct assess_framework *fw = framework_of(r, &a);
    if (!fw)
        goto out;
    doc = parse_stored(a.answers, "answers", a.id);
    scores = assess_score(fw, doc);
    if (!scores)
        BUG("scoring stored answers of %s failed", a.id);
    if (!complete_enough(r, scores))
        goto out;
    double overall =
        json_number_value(json_object_get(json_object_get(scores, "overall"), "score"));
    text = dump(scores);
    int res = store_assessment_submit(r->app->store, a.id, a.version, text, overall, r->who.user_id,
                                      r->now_ms);
    if (res == STORE_CONFLICT) {
        lost_race(r, a.id);
    } else if (res) {
        http_store_error(r, res);
    } else {
        a.scores = text;
        text = NULL;
        a.overall = overall;
        a.version++;
        a.updated_at = a.submitted_at = r->now_ms;
        xstrlcpy(a.status, "submitted", sizeof(a.status));
        xstrlcpy(a.submitted_by, r->who.user_id, sizeof(a.submitted_by));
        send_assessment(r, 200, &a);
    }
out:
    free(text);
    json_decref(scores);
    json_decref(doc);
    assessment_rec_release(&a);
}

/* ---- scores and peers ---- */

void h_assessment_scores(struct req *r)
{
    struct assessment_rec a;
    if (!http_assessment_fetch(r, ACT_ASSESS_READ, r->params[0], &a))
        return;
    json_t *scores = app_assessment_scores(r->app, &a);
    if (!scores) {
        framework_of(r, &a);
        assessment_rec_release(&a);
        return;
    }
    json_t *peers = app_assessment_peers(r->app, &a, scores);
    if (!peers) {
        json_decref(scores);
        assessment_rec_release(&a);
        return http_unavailable(r);
    }
    http_json(r, 200,
              json_pack("{s:s, s:s, s:o, s:o}", "assessment", a.id, "status", a.status, "scores",
                        scores, "peers", peers));
    assessment_rec_release(&a);
}
