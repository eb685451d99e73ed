/*
 * h_rating.c — the rating report over HTTP (issue 4): an organisation's submitted
 * self-assessment with its peer comparison and gap list, and its latest (or a chosen) risk
 * simulation, as JSON (GET /api/v1/rating) or as an A4 PDF (GET /api/v1/rating.pdf) for
 * insurers, auditors and disclosure. src/rating/ assembles, checks and draws it.
 *
 * Query: assessment=<id> (default: the latest submitted NIST CSF 2.0 assessment, else the
 * latest submitted of any framework), simulation=<id> (default: the latest; "none" for a
 * report without risk figures), lang=ja|en (default: Accept-Language).
 */
#include "http_int.h"
#include "h_govern.h"
#include "../assess/assess.h"
#include "../rating/rating.h"

static json_t *org_view(const struct org *o)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", o->id, "name_ja", o->name_ja, "name_en",
                     o->name_en, "sector", o->sector, "size_band",
                     o->size_band[0] ? json_string(o->size_band) : json_null());
}

static void no_assessment(struct req *r)
{
    http_fail(r, APP_PROB_NO_SUBMITTED_ASSESSMENT, NULL, NULL, NULL);
}

/* The assessment the report is about, with its scores. Answers and returns false if none. */
static bool pick_assessment(struct req *r, struct assessment_rec *a)
{
    const char *q = http_query(r, "assessment");
    struct assessment_rec latest;
    if (q) {
        if (!http_assessment_fetch(r, ACT_ASSESS_READ, q, a))
            return false;
        if (strcmp(a->status, "submitted")) {
            assessment_rec_release(a);
            http_bad_query(r, "assessment", "is a draft; only submitted assessments are rated",
                           "下書きです。格付けできるのは提出済みの自己評価だけです");
            return false;
        }
        return true;
    }
    int res = http_latest_submitted(r, r->who.org_id, ASSESS_NIST_CSF_ID, &latest);
    if (res == STORE_NOT_FOUND)
        res = http_latest_submitted(r, r->who.org_id, NULL, &latest);
    if (res == STORE_NOT_FOUND) {
        no_assessment(r);
        return false;
    }
    if (res || (res = store_assessment_get(r->app->store, latest.id, a))) {
        http_store_error(r, res);
        return false;
    }
    return true;
}

/* The simulation's result: *out stays NULL for none. Returns false after answering. */
static bool pick_simulation(struct req *r, json_t **out)
{
    const char *q = http_query(r, "simulation");
    struct orgdoc_rec d;
    *out = NULL;
    memset(&d, 0, sizeof(d));
    if (q && !strcmp(q, "none"))
        return true;
    if (q) {
        if (!http_doc_fetch(r, "simulation", ACT_RISK_READ, q, &d))
            return false;
    } else {
        struct orgdoc_list l;
        if (store_orgdoc_list(r->app->store, r->who.org_id, "simulation", NULL, 1, true, &l)) {
            http_unavailable(r);
            return false;
        }
        if (l.n) {
            d = l.items[0];
            l.items[0].body = NULL;
        }
        orgdoc_list_release(&l);
        if (!d.body)
            return true;
    }
    json_t *b = json_loads(d.body, 0, NULL);
    if (!b)
        BUG("stored simulation %s is not JSON", d.id);
    *out = json_incref(json_object_get(b, "result"));
    json_decref(b);
    orgdoc_rec_release(&d);
    return true;
}

/* Builds the rating document for the request, or answers and returns NULL. */
static json_t *build(struct req *r, const char **lang)
{
    static const char *const allowed[] = {"assessment", "simulation", "lang", NULL};
    struct assessment_rec a;
    struct org o;
    json_t *risk = NULL, *scores = NULL, *peers = NULL, *doc = NULL;
    const char *l = http_query(r, "lang");
    if (!http_query_only(r, allowed))
        return NULL;
    if (l && strcmp(l, "ja") && strcmp(l, "en")) {
        http_bad_query(r, "lang", "must be ja or en", "ja 又は en で指定してください");
        return NULL;
    }
    *lang = l ? l : r->ja ? "ja" : "en";
    if (!pick_assessment(r, &a))
        return NULL;
    if (!pick_simulation(r, &risk))
        goto out;
    int res = store_org_get(r->app->store, a.org_id, &o);
    if (res) {
        http_store_error(r, res);
        goto out;
    }
    scores = http_assessment_scores(r, &a);
    peers = scores ? http_assessment_peers(r, &a, scores) : NULL;
    if (!peers) {
        http_unavailable(r);
        goto out;
    }
    json_object_set_new(scores, "id", json_string(a.id));
    json_object_set_new(scores, "submitted_at", http_time(a.submitted_at));
    json_t *orgj = org_view(&o);
    struct verr_list errs;
    verr_list_init(&errs, r->app->limits.max_errors);
    doc = rating_build(orgj, scores, peers, risk, r->now_ms, *lang, &errs);
    json_decref(orgj);
    if (!doc)
        http_fail(r, APP_PROB_RATING_INCONSISTENT, NULL, NULL, &errs);
    verr_list_release(&errs);
out:
    json_decref(peers);
    json_decref(scores);
    json_decref(risk);
    assessment_rec_release(&a);
    return doc;
}

void h_rating_json(struct req *r)
{
    const char *lang;
    json_t *doc = build(r, &lang);
    if (doc)
        http_json(r, 200, doc);
}

void h_rating_pdf(struct req *r)
{
    const char *lang;
    struct buf pdf;
    struct err e;
    json_t *doc = build(r, &lang);
    if (!doc)
        return;
    buf_init(&pdf, 64 << 20);
    err_init(&e);
    int rc = rating_pdf(doc, NULL, &pdf, &e);
    if (rc == RATING_OK) {
        char disp[96];
        snprintf(disp, sizeof(disp), "attachment; filename=\"ichigen-rating-%s.pdf\"", lang);
        http_header(r, "Content-Disposition", disp);
        http_raw(r, 200, "application/pdf", pdf.data, pdf.len);
    } else {
        char ja[800];
        snprintf(ja, sizeof(ja),
                 "サーバー側でPDFを作成できませんでした（%s）。運用者に連絡してください。", e.msg);
        http_fail(r, APP_PROB_PDF_FAILED, e.msg, ja, NULL);
    }
    buf_release(&pdf);
    json_decref(doc);
}
