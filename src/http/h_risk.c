/*
 * h_risk.c — FAIR risk quantification over HTTP (issue 4): the checks of asset and loss
 * scenario documents for h_docs.c, and simulations (POST runs one and keeps it as a document,
 * GET lists and reads them). The use cases are app_risk_* (src/app/app_risk.c); this file
 * decodes requests and encodes their results.
 */
#include "http_int.h"
#include "h_govern.h"

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

void h_simulation_create(struct req *r)
{
    struct app_result res;
    struct orgdoc_rec d;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_risk_simulate(r->app, &r->who, body, r->now_ms, &d, &res) == APP_OK) {
        send_simulation(r, 201, &d);
        orgdoc_rec_release(&d);
    } else {
        http_fail_result(r, &res);
    }
    app_result_release(&res);
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
    struct app_result res;
    app_result_init(&res, 4);
    if (app_doc_list(r->app, &r->who, "simulation", after[0] ? after : NULL, limit, true, &l,
                     &res)) {
        http_fail_result(r, &res);
        app_result_release(&res);
        return;
    }
    app_result_release(&res);
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
