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
#include "../app/app_govern.h"

/* Decodes the query, builds the document (app_rating_build), or answers and returns NULL. */
static json_t *build(struct req *r, const char **lang)
{
    static const char *const allowed[] = {"assessment", "simulation", "lang", NULL};
    struct app_result res;
    json_t *doc = NULL;
    const char *l = http_query(r, "lang");
    if (!http_query_only(r, allowed))
        return NULL;
    if (l && strcmp(l, "ja") && strcmp(l, "en")) {
        http_bad_query(r, "lang", "must be ja or en", "ja 又は en で指定してください");
        return NULL;
    }
    *lang = l ? l : r->ja ? "ja" : "en";
    struct app_rating_query q = {http_query(r, "assessment"), http_query(r, "simulation"), *lang};
    app_result_init(&res, r->app->limits.max_errors);
    if (app_rating_build(r->app, &r->who, &q, r->now_ms, &doc, &res))
        http_fail_result(r, &res);
    app_result_release(&res);
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
    struct app_result res;
    json_t *doc = build(r, &lang);
    if (!doc)
        return;
    buf_init(&pdf, 64 << 20);
    app_result_init(&res, 4);
    if (app_rating_pdf(doc, &pdf, &res) == APP_OK) {
        char disp[96];
        snprintf(disp, sizeof(disp), "attachment; filename=\"ichigen-rating-%s.pdf\"", lang);
        http_header(r, "Content-Disposition", disp);
        http_raw(r, 200, "application/pdf", pdf.data, pdf.len);
    } else {
        http_fail_result(r, &res);
    }
    app_result_release(&res);
    buf_release(&pdf);
    json_decref(doc);
}
