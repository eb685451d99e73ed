/*
 * h_correlate.c — correlation across reports over HTTP (issue 13 item 3; app_correlate.h):
 * GET /api/v1/reports/{id}/correlation (the reporting organisation's view) and
 * GET /api/v1/inbox/{id}/correlation (the view of the authority a submission was routed to).
 * Thin: decode, one use case, encode.
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_correlate.h"

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
