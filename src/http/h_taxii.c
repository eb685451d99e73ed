/*
 * h_taxii.c — the TAXII 2.1 server over HTTP (issue 13 item 5; OASIS TAXII 2.1 CS01): discovery
 * at /taxii2/, one API root at /taxii2/ichigen/, its collections, objects, manifests, versions
 * and status resources, and ichigen's own API to create and change collections. The use cases
 * are app_taxii_* (src/app/app_taxii.c).
 *
 * TAXII's rules, not the rest of the API's: every answer, errors included, is
 * application/taxii+json;version=2.1 (§1.6.8) and errors are TAXII error messages (§3.7), with
 * the Japanese text in their "details"; a request whose Accept admits no TAXII 2.1 answers 406
 * and a POST of another media type 415 (§1.6.8). Credentials are HTTP Basic (RFC 7617: the user
 * name and an API token as the password — the password itself is never sent on each request)
 * or a bearer token (RFC 6750); without credentials, a client reads TLP:CLEAR collections
 * (routes.c authenticates, taxii_authenticate).
 */
#include "h_app.h"
#include "../app/app_taxii.h"
#include "../sharing/taxii.h"

#define TAXII_ARGS_MAX 64

/* A TAXII error message for row p of the problem table (and res's problems, when given). */
static void taxii_fail_row(struct req *r, enum app_problem p, const struct app_result *res)
{
    const struct app_problem_def *d = app_problem_def(p);
    const char *den = res && res->detail_en[0] ? res->detail_en : d->detail_en;
    const char *dja = res && res->detail_ja[0] ? res->detail_ja : d->detail_ja;
    json_t *e = taxii_error_json(d->status, d->code, d->title_en, d->title_ja, den, dja,
                                 res ? &res->errs : NULL);
    char *text = json_dumps(e, JSON_COMPACT);
    json_decref(e);
    if (d->status == 503)
        http_header(r, "Retry-After", "1");
    if (d->status == 401)
        http_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                    "Bearer realm=\"ichigen\", Basic realm=\"ichigen TAXII\"");
    http_raw(r, d->status, TAXII_MEDIA_TYPE, text ? text : "{}", text ? strlen(text) : 2);
    free(text);
}

void http_taxii_fail(struct req *r, enum app_problem p)
{
    taxii_fail_row(r, p, NULL);
}

static void taxii_fail_result(struct req *r, const struct app_result *res)
{
    taxii_fail_row(r, res->problem, res);
}

/* §1.6.8: the client must accept TAXII 2.1. */
static bool accept_ok(struct req *r)
{
    if (taxii_accept_ok(http_header_in(r, MHD_HTTP_HEADER_ACCEPT)))
        return true;
    struct app_result res;
    app_result_init(&res, 2);
    app_fail_detail(&res, APP_PROB_NOT_ACCEPTABLE,
                    "This server answers application/taxii+json;version=2.1 only.",
                    "このサーバは application/taxii+json;version=2.1 でだけ応答します。");
    taxii_fail_result(r, &res);
    app_result_release(&res);
    return false;
}

static struct app_call taxii_call(struct req *r)
{
    return (struct app_call){r->app, r->authed ? &r->who : NULL, r->now_ms};
}

static void send_json(struct req *r, int status, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    http_raw(r, status, TAXII_MEDIA_TYPE, text ? text : "{}", text ? strlen(text) : 2);
    free(text);
}

/* Answers a JSON-producing use case: its result, or its failure as a TAXII error. */
static void answer(struct req *r, enum app_problem p, struct app_result *res, json_t *j)
{
    if (p)
        taxii_fail_result(r, res);
    else
        send_json(r, 200, j);
    app_result_release(res);
}

void h_taxii_discovery(struct req *r)
{
    struct app_call c = taxii_call(r);
    struct app_result res;
    json_t *j = NULL;
    if (!accept_ok(r))
        return;
    app_result_init(&res, 4);
    enum app_problem p = app_taxii_discovery(&c, http_header_in(r, MHD_HTTP_HEADER_HOST), &j, &res);
    answer(r, p, &res, j);
}

void h_taxii_root(struct req *r)
{
    struct app_call c = taxii_call(r);
    struct app_result res;
    json_t *j = NULL;
    if (!accept_ok(r))
        return;
    app_result_init(&res, 4);
    enum app_problem p = app_taxii_api_root(&c, &j, &res);
    answer(r, p, &res, j);
}

void h_taxii_collections(struct req *r)
{
    struct app_call c = taxii_call(r);
    struct app_result res;
    json_t *j = NULL;
    if (!accept_ok(r))
        return;
    app_result_init(&res, 4);
    enum app_problem p = app_taxii_collections(&c, &j, &res);
    answer(r, p, &res, j);
}

void h_taxii_collection(struct req *r)
{
    struct app_call c = taxii_call(r);
    struct app_result res;
    json_t *j = NULL;
    if (!accept_ok(r))
        return;
    app_result_init(&res, 4);
    enum app_problem p = app_taxii_collection(&c, r->params[0], &j, &res);
    answer(r, p, &res, j);
}

/* The query's name/value pairs as libmicrohttpd decoded them (at most TAXII_ARGS_MAX). */
struct args {
    const char *names[TAXII_ARGS_MAX], *values[TAXII_ARGS_MAX];
    size_t n;
    bool too_many;
};

static enum MHD_Result arg_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    struct args *a = cls;
    UNUSED(kind);
    if (a->n == TAXII_ARGS_MAX) {
        a->too_many = true;
        return MHD_NO;
    }
    a->names[a->n] = key;
    a->values[a->n++] = value;
    return MHD_YES;
}

static bool read_args(struct req *r, struct args *a, struct app_taxii_args *out)
{
    memset(a, 0, sizeof(*a));
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, arg_iter, a);
    if (a->too_many) {
        struct app_result res;
        app_result_init(&res, 2);
        app_fail_param(&res, "*", "more than 64 query parameters",
                       "クエリパラメータが64個を超えています");
        taxii_fail_result(r, &res);
        app_result_release(&res);
        return false;
    }
    *out = (struct app_taxii_args){a->names, a->values, a->n};
    return true;
}

static void get_page(struct req *r, enum taxii_endpoint ep, const char *object_id)
{
    struct app_call c = taxii_call(r);
    struct app_result res;
    struct app_taxii_page page;
    struct args a;
    struct app_taxii_args args;
    if (!accept_ok(r) || !read_args(r, &a, &args))
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_taxii_get(&c, r->params[0], object_id, ep, &args, &page, &res)) {
        taxii_fail_result(r, &res);
    } else {
        /* §5.3, §5.4: the first and last date added of what this page holds */
        if (page.date_first[0]) {
            http_header(r, "X-TAXII-Date-Added-First", page.date_first);
            http_header(r, "X-TAXII-Date-Added-Last", page.date_last);
        }
        http_raw(r, 200, TAXII_MEDIA_TYPE, buf_cstr(&page.body), page.body.len);
    }
    app_taxii_page_release(&page);
    app_result_release(&res);
}

void h_taxii_manifest(struct req *r)
{
    get_page(r, TAXII_EP_MANIFEST, NULL);
}

void h_taxii_objects(struct req *r)
{
    get_page(r, TAXII_EP_OBJECTS, NULL);
}

void h_taxii_object(struct req *r)
{
    get_page(r, TAXII_EP_OBJECT, r->params[1]);
}

void h_taxii_versions(struct req *r)
{
    get_page(r, TAXII_EP_VERSIONS, r->params[1]);
}

/* Adding and deleting need credentials: without them, 401 (not the 404 of a reader). */
static bool signed_in(struct req *r)
{
    if (r->authed)
        return true;
    http_taxii_fail(r, APP_PROB_UNAUTHORIZED);
    return false;
}

void h_taxii_add(struct req *r)
{
    struct app_call c = taxii_call(r);
    struct app_result res;
    json_t *status = NULL;
    if (!accept_ok(r) || !signed_in(r))
        return;
    if (!taxii_content_type_ok(http_header_in(r, MHD_HTTP_HEADER_CONTENT_TYPE)))
        return http_taxii_fail(r, APP_PROB_UNSUPPORTED_MEDIA_TYPE);
    app_result_init(&res, r->app->limits.max_errors);
    if (app_taxii_post(&c, r->params[0], buf_cstr(&r->body), r->body.len, &status, &res))
        taxii_fail_result(r, &res);
    else
        send_json(r, 202, status); /* §5.5: 202 Accepted with the status resource */
    app_result_release(&res);
}

void h_taxii_delete(struct req *r)
{
    struct app_call c = taxii_call(r);
    struct app_result res;
    struct args a;
    struct app_taxii_args args;
    if (!accept_ok(r) || !signed_in(r) || !read_args(r, &a, &args))
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_taxii_delete(&c, r->params[0], r->params[1], &args, &res))
        taxii_fail_result(r, &res);
    else
        http_raw(r, 200, TAXII_MEDIA_TYPE, "", 0); /* §5.7: 200 with no body */
    app_result_release(&res);
}

void h_taxii_status(struct req *r)
{
    struct app_call c = taxii_call(r);
    struct app_result res;
    char *body = NULL;
    if (!accept_ok(r) || !signed_in(r))
        return;
    app_result_init(&res, 4);
    if (app_taxii_status(&c, r->params[0], &body, &res))
        taxii_fail_result(r, &res);
    else
        http_raw(r, 200, TAXII_MEDIA_TYPE, body, strlen(body));
    free(body);
    app_result_release(&res);
}

/* ---- ichigen's API: collections ---- */

static void put_collection(struct req *r, const char *id)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    json_t *out = NULL, *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_taxii_collection_put(&c, id, doc, &out, &res)) {
        http_fail_result(r, &res);
    } else {
        if (!id) {
            char loc[120];
            snprintf(loc, sizeof(loc), "/taxii2/%s/collections/%s/", APP_TAXII_ROOT,
                     json_string_value(json_object_get(out, "id")));
            http_header(r, "Location", loc);
        }
        http_json(r, id ? 200 : 201, out);
    }
    app_result_release(&res);
    json_decref(doc);
}

void h_taxii_collection_create(struct req *r)
{
    put_collection(r, NULL);
}

void h_taxii_collection_update(struct req *r)
{
    put_collection(r, r->params[0]);
}
