/*
 * h_share_export.c — advisories as STIX 2.1 and MISP over HTTP, and a MISP event into a TAXII
 * collection (issue 13 items 4 and 6). The use cases are app_share_export.h's; the read rule
 * is the advisory's own (GET /api/v1/advisories/{id}). Also the sightings of an indicator as
 * STIX (app_sighting_stix: the caller's organisation's own, and the platform's k-anonymous
 * figures).
 */
#include "h_app.h"
#include "../app/app_share_export.h"
#include "../app/app_sighting.h"

/* ?version=N (1, 2, …) or the latest. Returns 0, or -1 after answering 400. */
static int version_of(struct req *r, int *out)
{
    static const char *const allowed[] = {"version", NULL};
    const char *v = http_query(r, "version");
    int64_t n = 0;
    *out = 0;
    if (!http_query_only(r, allowed))
        return -1;
    if (v && parse_int64(v, 1, INT32_MAX, &n)) {
        http_bad_query(r, "version", "must be a version number (1, 2, …)",
                       "版番号（1, 2, …）を指定してください");
        return -1;
    }
    *out = (int)n;
    return 0;
}

static void send_as(struct req *r, const char *ctype, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    http_raw(r, 200, ctype, text ? text : "{}", text ? strlen(text) : 2);
    free(text);
}

void h_advisory_stix(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    json_t *bundle = NULL;
    int version;
    if (version_of(r, &version))
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_advisory_stix(&c, r->params[0], version, &bundle, &res))
        http_fail_result(r, &res);
    else /* STIX 2.1 §1.6 (media type) */
        send_as(r, "application/stix+json;version=2.1", bundle);
    app_result_release(&res);
}

void h_advisory_misp(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    json_t *event = NULL;
    int version;
    if (version_of(r, &version))
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_advisory_misp(&c, r->params[0], version, &event, &res))
        http_fail_result(r, &res);
    else
        send_as(r, "application/json", event);
    app_result_release(&res);
}

void h_taxii_misp_import(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    json_t *status = NULL;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_taxii_misp_import(&c, r->params[0], buf_cstr(&r->body), r->body.len, &status, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 202, status);
    app_result_release(&res);
}

void h_report_stix(struct req *r)
{
    static const char *const allowed[] = {"version", "identify", NULL};
    struct app_call c = http_app_call(r);
    struct app_result res;
    json_t *bundle = NULL;
    const char *v = http_query(r, "version"), *ident = http_query(r, "identify");
    int64_t version = 0;
    if (!http_query_only(r, allowed))
        return;
    if (v && parse_int64(v, 1, INT32_MAX, &version))
        return http_bad_query(r, "version", "must be a version number (1, 2, …)",
                              "版番号（1, 2, …）を指定してください");
    if (ident && strcmp(ident, "true") && strcmp(ident, "false"))
        return http_bad_query(r, "identify", "must be true or false",
                              "true か false にしてください");
    app_result_init(&res, r->app->limits.max_errors);
    if (app_report_stix(&c, r->params[0], (int)version, ident && !strcmp(ident, "true"), &bundle,
                        &res))
        http_fail_result(r, &res);
    else
        send_as(r, "application/stix+json;version=2.1", bundle);
    app_result_release(&res);
}

void h_sighting_stix(struct req *r)
{
    static const char *const allowed[] = {"type", "value", "identify", NULL};
    struct app_call c = http_app_call(r);
    struct app_result res;
    json_t *bundle = NULL;
    const char *ident = http_query(r, "identify");
    if (!http_query_only(r, allowed))
        return;
    if (ident && strcmp(ident, "true") && strcmp(ident, "false"))
        return http_bad_query(r, "identify", "must be true or false",
                              "true か false にしてください");
    app_result_init(&res, r->app->limits.max_errors);
    if (app_sighting_stix(&c, http_query(r, "type"), http_query(r, "value"),
                          ident && !strcmp(ident, "true"), &bundle, &res))
        http_fail_result(r, &res);
    else
        send_as(r, "application/stix+json;version=2.1", bundle);
    app_result_release(&res);
}
