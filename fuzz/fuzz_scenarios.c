/*
 * fuzz_scenarios.c — the risk simulation request parser and validator (src/risk/risk_json.c):
 * any bytes either give problems (each with a pointer, a code and both messages) or a request
 * within the limits; small valid requests are also resolved, simulated and turned into JSON,
 * and their figures checked for order.
 */
#include <math.h>

#include "../src/core/jsonx.h"
#include "../src/risk/risk.h"
#include "fuzz.h"

#define FUZZ_WORK_MAX 20000.0 /* expected threat events simulated per input */

static int score_of(void *ctx, const char *const *cats, size_t n, double *s)
{
    (void)ctx;
    BUG_ON(n == 0 || n > RISK_CATEGORIES_MAX);
    for (size_t i = 0; i < n; i++)
        BUG_ON(!cats[i] || !cats[i][0]);
    *s = (double)(strlen(cats[0]) % 5);
    return n == 3 ? -1 : 0; /* some lookups fail */
}

static void check_stats(const struct risk_stats *st)
{
    BUG_ON(!(st->p10 <= st->p50 && st->p50 <= st->p90 && st->p90 <= st->p95 && st->p95 <= st->p99 &&
             st->p99 <= st->max));
    BUG_ON(!(st->mean >= 0 && st->stdev >= 0 && st->p_loss >= 0 && st->p_loss <= 1));
    BUG_ON(st->nlec > RISK_LEC_POINTS);
    for (size_t i = 1; i < st->nlec; i++)
        BUG_ON(st->lec[i].probability > st->lec[i - 1].probability);
}

static void simulate(struct risk_request *req)
{
    struct verr_list errs;
    struct risk_result res;
    struct err e;
    int rc;
    verr_list_init(&errs, 20);
    risk_request_resolve(req, score_of, NULL, &errs);
    verr_list_release(&errs);
    req->years = MIN(req->years, 64);
    if (risk_request_work(req) > FUZZ_WORK_MAX)
        return;
    risk_result_init(&res);
    err_init(&e);
    rc = risk_simulate(req, 1, &res, &e);
    BUG_ON(rc != RISK_OK && rc != RISK_EUNRESOLVED);
    BUG_ON((rc == RISK_EUNRESOLVED) != (risk_request_unresolved(req) > 0));
    if (rc == RISK_OK) {
        json_t *j = risk_result_to_json(req, &res);
        BUG_ON(!j);
        json_decref(j);
        check_stats(&res.portfolio);
        for (size_t i = 0; i < res.nscenarios; i++)
            check_stats(&res.scenarios[i]);
    }
    risk_result_release(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = NULL;
    struct verr_list errs;
    struct risk_request *req;
    if (size > 256 * 1024 || jsonx_load_object((const char *)data, size, 32, &doc, NULL))
        return 0;
    verr_list_init(&errs, 100);
    req = risk_request_from_json(doc, &errs);
    if (req) {
        BUG_ON(verr_any(&errs));
        BUG_ON(req->years < 1 || req->years > RISK_YEARS_MAX);
        BUG_ON(req->nscenarios < 1 || req->nscenarios > RISK_SCENARIOS_MAX);
        BUG_ON(risk_request_work(req) > RISK_EVENTS_MAX);
        simulate(req);
        risk_request_free(req);
    } else {
        BUG_ON(!verr_any(&errs));
        for (size_t i = 0; i < errs.n; i++)
            BUG_ON(!errs.v[i].code || !errs.v[i].en[0] || !errs.v[i].ja[0]);
    }
    verr_list_release(&errs);
    json_decref(doc);
    return 0;
}
