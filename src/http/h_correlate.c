/*
 * h_correlate.c — correlation across reports over HTTP (issue 13 item 3; app_correlate.h):
 * GET /api/v1/reports/{id}/correlation (the reporting organisation's view) and
 * GET /api/v1/inbox/{id}/correlation (the view of the authority a submission was routed to),
 * GET /api/v1/advisories/{id}/correlation (its author's: how widespread its indicators are);
 * sightings: POST /api/v1/sightings and GET /api/v1/sightings?type=&value= (counts only).
 * Thin: decode, one use case, encode.
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_correlate.h"
#include "../app/app_sighting.h"

typedef enum app_problem (*correlation_fn)(const struct app_call *c, const char *id, json_t **out,
                                           struct app_result *res);

static void answer(struct req *r, correlation_fn fn)
{
    struct app_result res;
    json_t *out;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (fn(&c, r->params[0], &out, &res))
        return http_fail_result_release(r, &res);
    http_json(r, 200, out);
    app_result_release(&res);
}

void h_report_correlation(struct req *r)
{
    answer(r, app_correlation_of_report);
}

void h_inbox_correlation(struct req *r)
{
    answer(r, app_correlation_of_submission);
}

void h_advisory_correlation(struct req *r)
{
    answer(r, app_correlation_of_advisory);
}

void h_sighting_create(struct req *r)
{
    struct app_result res;
    char id[UUID_STR_LEN];
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    struct app_call c = http_app_call(r);
    app_result_init(&res, r->app->limits.max_errors);
    if (app_sighting_create(&c, doc, id, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 201, json_pack("{s:s}", "id", id));
    app_result_release(&res);
    json_decref(doc);
}

void h_sighting_counts(struct req *r)
{
    static const char *const allowed[] = {"type", "value", NULL};
    struct app_result res;
    json_t *out;
    if (!http_query_only(r, allowed))
        return;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_sighting_counts(&c, http_query(r, "type"), http_query(r, "value"), &out, &res))
        return http_fail_result_release(r, &res);
    http_json(r, 200, out);
    app_result_release(&res);
}
