/*
 * risk_out.c — the result document of a simulation (risk_result_to_json) and the JSON form of
 * estimates. Amounts are yen as JSON numbers, unrounded: the caller picks the printed precision
 * (e.g. JSON_REAL_PRECISION(15)).
 */
#include "risk_int.h"

/* A number, or null where the value is not finite (json_real refuses those). */
static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *jstrings(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i] ? v[i] : ""));
    return a;
}

json_t *risk_estimate_to_json(const struct risk_estimate *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "dist", json_string(risk_dist_name(e->dist)));
    switch (e->dist) {
    case RISK_DIST_PERT:
        json_object_set_new(o, "low", jnum(e->low));
        json_object_set_new(o, "mode", jnum(e->mode));
        json_object_set_new(o, "high", jnum(e->high));
        break;
    case RISK_DIST_LOGNORMAL90:
        json_object_set_new(o, "low", jnum(e->low));
        json_object_set_new(o, "high", jnum(e->high));
        break;
    default:
        json_object_set_new(o, "value", jnum(e->low));
        break;
    }
    return o;
}

/* The figures, added to o. */
static void stats_to_json(json_t *o, const struct risk_stats *st, const struct risk_request *req)
{
    json_t *ex = json_array(), *lec = json_array();
    json_object_set_new(o, "mean", jnum(st->mean));
    json_object_set_new(o, "stdev", jnum(st->stdev));
    json_object_set_new(o, "p10", jnum(st->p10));
    json_object_set_new(o, "p50", jnum(st->p50));
    json_object_set_new(o, "p90", jnum(st->p90));
    json_object_set_new(o, "p95", jnum(st->p95));
    json_object_set_new(o, "p99", jnum(st->p99));
    json_object_set_new(o, "max", jnum(st->max));
    json_object_set_new(o, "p_loss", jnum(st->p_loss));
    json_object_set_new(o, "loss_events", jnum(st->loss_events));
    for (size_t i = 0; i < req->nthresholds; i++)
        json_array_append_new(ex, json_pack("{s:o,s:o}", "threshold", jnum(req->thresholds[i]),
                                            "probability", jnum(st->exceed[i])));
    json_object_set_new(o, "exceedance", ex);
    for (size_t i = 0; i < st->nlec; i++)
        json_array_append_new(lec, json_pack("{s:o,s:o}", "loss", jnum(st->lec[i].loss),
                                             "probability", jnum(st->lec[i].probability)));
    json_object_set_new(o, "lec", lec);
}

static json_t *inputs_to_json(const struct risk_scenario *sc)
{
    json_t *in = json_object();
    json_object_set_new(in, "tef", risk_estimate_to_json(&sc->tef));
    if (sc->susceptibility == RISK_BY_VULNERABILITY) {
        json_object_set_new(in, "vulnerability", risk_estimate_to_json(&sc->vulnerability));
    } else {
        json_object_set_new(in, "threat_capability", risk_estimate_to_json(&sc->threat_capability));
        json_object_set_new(in, "resistance", risk_estimate_to_json(&sc->resistance));
    }
    if (sc->categories)
        json_object_set_new(
            in, "resistance_from_assessment",
            json_pack("{s:o,s:o,s:s}", "categories", jstrings(sc->categories, sc->ncategories),
                      "score", sc->resolved ? jnum(sc->assessment_score) : json_null(), "mapping",
                      "PERT(max(0, s/4 - 0.15), s/4, min(1, s/4 + 0.15))"));
    json_object_set_new(in, "primary_loss", risk_estimate_to_json(&sc->primary_loss));
    if (sc->has_secondary)
        json_object_set_new(in, "secondary",
                            json_pack("{s:o,s:o}", "probability",
                                      risk_estimate_to_json(&sc->secondary_probability), "loss",
                                      risk_estimate_to_json(&sc->secondary_loss)));
    return in;
}

static json_t *scenario_to_json(const struct risk_scenario *sc, const struct risk_stats *st,
                                const struct risk_request *req)
{
    json_t *o = json_object();
    double mean, var;
    json_object_set_new(o, "id", json_string(sc->id ? sc->id : ""));
    json_object_set_new(o, "name",
                        json_pack("{s:s,s:s}", "ja", sc->name_ja ? sc->name_ja : "", "en",
                                  sc->name_en ? sc->name_en : ""));
    json_object_set_new(o, "assets", jstrings(sc->assets, sc->nassets));
    json_object_set_new(o, "inputs", inputs_to_json(sc));
    json_object_set_new(o, "analytic_mean",
                        risk_scenario_moments(sc, &mean, &var) == 0 ? jnum(mean) : json_null());
    stats_to_json(o, st, req);
    return o;
}

json_t *risk_result_to_json(const struct risk_request *req, const struct risk_result *res)
{
    json_t *o = json_object(), *th = json_array(), *port = json_object(), *sc = json_array();
    json_object_set_new(o, "method", json_string(RISK_METHOD));
    json_object_set_new(
        o, "conventions",
        json_pack("{s:s,s:s,s:s,s:s,s:s}", "pert", "modified (Vose) PERT, gamma 4", "lognormal90",
                  "low and high are the 5th and 95th percentiles", "percentiles",
                  "linear interpolation between order statistics (type 7)", "exceedance",
                  "P(annual loss > threshold)", "lec",
                  "losses log-spaced from the 1st percentile of non-zero annual losses to the "
                  "maximum; P(annual loss >= loss)"));
    json_object_set_new(o, "seed", json_integer((json_int_t)req->seed));
    json_object_set_new(o, "years", json_integer(req->years));
    for (size_t i = 0; i < req->nthresholds; i++)
        json_array_append_new(th, jnum(req->thresholds[i]));
    json_object_set_new(o, "thresholds", th);
    stats_to_json(port, &res->portfolio, req);
    json_object_set_new(o, "portfolio", port);
    for (size_t i = 0; i < res->nscenarios && i < req->nscenarios; i++)
        json_array_append_new(sc, scenario_to_json(&req->scenarios[i], &res->scenarios[i], req));
    json_object_set_new(o, "scenarios", sc);
    json_object_set_new(o, "loss_events", json_integer((json_int_t)res->loss_events));
    json_object_set_new(o, "samples", json_integer((json_int_t)res->samples));
    return o;
}
