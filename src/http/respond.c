/*
 * respond.c — building responses: JSON, raw bytes, RFC 9457 problem details, and the small
 * request helpers (body parsing within limits, query parameters, language).
 */
#include "http_int.h"
#include "../app/app_authz.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../core/enc.h"
#include "../core/uuid.h"

/* The Content-Security-Policy of every answer (issue 12): the web UI's own origin for
 * scripts, styles, fonts, images (and data: images) and fetches; no plugins, no <base>, no
 * framing (CSP Level 3 §6; frame-ancestors replaces X-Frame-Options, which older browsers still
 * read). An API answer rendered by a browser gets the same protection. */
#define HTTP_CSP                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "                    \
    "form-action 'self'; frame-ancestors 'none'"

/* Queues resp with the headers every answer carries, then the request's own. */
static void send_response(struct req *r, int status, const char *ctype, const char *cache,
                          struct MHD_Response *resp)
{
    if (r->responded)
        BUG("second response for one request");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", HTTP_CSP);
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    for (int i = 0; i < r->nhdr; i++)
        MHD_add_response_header(resp, r->hdr_name[i], r->hdr_val[i]);
    if (status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"ichigen\"");
    if (r->close) /* libmicrohttpd closes the connection after this answer */
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->responded = true;
    r->status = status;
}

static void send_bytes(struct req *r, int status, const char *ctype, char *data, size_t n,
                       bool owned)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        n, data, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_MUST_COPY);
    send_response(r, status, ctype, "no-store", resp);
}

void http_static(struct req *r, int status, const char *content_type, const void *data, size_t n,
                 const char *cache_control)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(n, (void *)data, MHD_RESPMEM_PERSISTENT);
    send_response(r, status, content_type, cache_control, resp);
}

void http_header(struct req *r, const char *name, const char *value)
{
    if (r->nhdr >= 6)
        BUG("too many response headers");
    xstrlcpy(r->hdr_name[r->nhdr], name, sizeof(r->hdr_name[0]));
    xstrlcpy(r->hdr_val[r->nhdr], value, sizeof(r->hdr_val[0]));
    r->nhdr++;
}

void http_raw(struct req *r, int status, const char *content_type, const char *data, size_t n)
{
    send_bytes(r, status, content_type, (char *)data, n, false);
}

static void send_json(struct req *r, int status, const char *ctype, json_t *body)
{
    struct buf b;
    size_t n;
    buf_init(&b, BUF_UNLIMITED);
    if (jsonx_dump_canonical(body, &b))
        BUG("cannot serialise a response");
    buf_putc(&b, '\n');
    json_decref(body);
    char *data = buf_detach(&b, &n);
    send_bytes(r, status, ctype, data, n, true);
}

void http_json(struct req *r, int status, json_t *body)
{
    send_json(r, status, "application/json", body);
}

static json_t *errors_array(const struct req *r, const struct verr_list *errs)
{
    json_t *arr = json_array();
    for (size_t i = 0; errs && i < errs->n; i++) {
        const struct verr *v = &errs->v[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "pointer", v->pointer,
                                             "code", v->code, "message", r->ja ? v->ja : v->en,
                                             "message_en", v->en, "message_ja", v->ja));
    }
    return arr;
}

/* The answer itself; every caller names a row of the problem table (http_fail), so no text
 * is written anywhere else. */
static void http_problem(struct req *r, int status, const char *code, const char *title_en,
                         const char *title_ja, const char *detail_en, const char *detail_ja,
                         const struct verr_list *errs)
{
    char type[96];
    snprintf(type, sizeof(type), "urn:ichigen:problem:%s", code);
    json_t *p =
        json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title", r->ja ? title_ja : title_en,
                  "status", status, "instance", r->path, "request_id", r->request_id);
    if (detail_en)
        json_object_set_new(p, "detail", json_string(r->ja && detail_ja ? detail_ja : detail_en));
    if (r->problem_extra) { /* members the problem carries for this answer (issue 12) */
        json_object_update(p, r->problem_extra);
        json_decref(r->problem_extra);
        r->problem_extra = NULL;
    }
    if (errs) {
        json_object_set_new(p, "errors", errors_array(r, errs));
        if (errs->dropped)
            json_object_set_new(p, "errors_omitted", json_integer((json_int_t)errs->dropped));
    }
    send_json(r, status, "application/problem+json", p);
}

void http_fail(struct req *r, enum app_problem p, const char *detail_en, const char *detail_ja,
               const struct verr_list *errs)
{
    const struct app_problem_def *d = app_problem_def(p);
    if (p == APP_PROB_UNAVAILABLE)
        http_header(r, "Retry-After", "1");
    if (!detail_en) {
        detail_en = d->detail_en;
        detail_ja = d->detail_ja;
    }
    http_problem(r, d->status, d->code, d->title_en, d->title_ja, detail_en, detail_ja, errs);
}

void http_fail_result(struct req *r, const struct app_result *res)
{
    bool detail = res->detail_en[0] != '\0';
    if (res->problem == APP_PROB_PRECONDITION_FAILED && res->version > 0) {
        char etag[24];
        snprintf(etag, sizeof(etag), "\"v%d\"", res->version);
        http_header(r, "ETag", etag);
    }
    http_fail(r, res->problem, detail ? res->detail_en : NULL, detail ? res->detail_ja : NULL,
              verr_any(&res->errs) ? &res->errs : NULL);
}

void http_fail_result_release(struct req *r, struct app_result *res)
{
    http_fail_result(r, res);
    app_result_release(res);
}

void http_not_found(struct req *r)
{
    http_fail(r, APP_PROB_NOT_FOUND, NULL, NULL, NULL);
}

void http_unauthorized(struct req *r, bool invalid_token)
{
    http_fail(r, invalid_token ? APP_PROB_INVALID_TOKEN : APP_PROB_UNAUTHORIZED, NULL, NULL, NULL);
}

void http_unavailable(struct req *r)
{
    http_fail(r, APP_PROB_UNAVAILABLE, NULL, NULL, NULL);
}

void http_bad_query(struct req *r, const char *param, const char *why_en, const char *why_ja)
{
    struct app_result res;
    app_result_init(&res, 4);
    app_fail_param(&res, param, why_en, why_ja);
    http_fail_result(r, &res);
    app_result_release(&res);
}

bool http_allow(struct req *r, enum auth_action a, const char *object_org)
{
    /* the decision is the application's (app_authz.h); the answer is the edge's */
    struct app_result res;
    app_result_init(&res, 0);
    bool ok = app_authz(&r->who, a, object_org, &res) == APP_OK;
    if (!ok)
        http_fail_result(r, &res);
    app_result_release(&res);
    return ok;
}

bool http_require_json(struct req *r)
{
    switch (http_content_type_json(http_header_in(r, MHD_HTTP_HEADER_CONTENT_TYPE))) {
    case HTTP_CTYPE_JSON:
        return true;
    case HTTP_CTYPE_CHARSET:
        http_fail(r, APP_PROB_UNSUPPORTED_CHARSET, NULL, NULL, NULL);
        return false;
    default:
        http_fail(r, APP_PROB_UNSUPPORTED_MEDIA_TYPE, NULL, NULL, NULL);
        return false;
    }
}

json_t *http_body_json(struct req *r)
{
    struct jsonx_error je;
    json_t *doc = NULL;
    int rc = jsonx_load_object(buf_cstr(&r->body), r->body.len, (int)r->app->cfg.max_json_depth,
                               &doc, &je);
    if (rc == JSONX_OK)
        return doc;
    struct verr_list l;
    char en[300], ja[300];
    verr_list_init(&l, 2);
    if (r->body.len == 0) {
        snprintf(en, sizeof(en), "the request body is empty; send a JSON object");
        snprintf(ja, sizeof(ja), "リクエスト本文が空です。JSONオブジェクトを送ってください");
    } else {
        snprintf(en, sizeof(en), "line %d, column %d: %s", je.line, je.column, je.text);
        snprintf(ja, sizeof(ja), "%d行目 %d文字目: %s", je.line, je.column, je.text_ja);
    }
    verr_add(&l, "",
             rc == JSONX_ENOTOBJ  ? "not_object"
             : rc == JSONX_EDEPTH ? "too_deep"
                                  : "json_syntax",
             en, ja);
    http_fail(r, APP_PROB_MALFORMED_JSON, en, ja, &l);
    verr_list_release(&l);
    return NULL;
}

const char *http_query(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct qcheck {
    const char *const *allowed;
    const char *bad;
};

static enum MHD_Result qiter(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct qcheck *q = cls;
    UNUSED(kind);
    UNUSED(value);
    for (const char *const *a = q->allowed; *a; a++)
        if (!strcmp(*a, key))
            return MHD_YES;
    q->bad = key;
    return MHD_NO;
}

bool http_query_only(struct req *r, const char *const *allowed)
{
    struct qcheck q = {allowed, NULL};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, qiter, &q);
    if (!q.bad)
        return true;
    char name[64];
    xstrlcpy(name, q.bad, sizeof(name));
    http_bad_query(r, name, "is not a parameter of this endpoint",
                   "このエンドポイントにないパラメータです");
    return false;
}

const char *http_header_in(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

json_t *http_time(int64_t ms)
{
    char s[40];
    rtime_format_utc(ms, s, sizeof(s));
    return json_string(s);
}

json_t *http_cursor(const char *last_id)
{
    char out[64];
    enc_b64url((const unsigned char *)last_id, strlen(last_id), out);
    return json_string(out);
}

void http_page(struct req *r, json_t *items, const char *last_id)
{
    http_json(r, 200,
              json_pack("{s:o, s:o}", "items", items, "next_cursor",
                        last_id ? http_cursor(last_id) : json_null()));
}

int http_cursor_decode(struct req *r, const char *param, char *out)
{
    const char *c = http_query(r, param);
    if (!c || !http_cursor_parse(c, out)) {
        if (!c)
            out[0] = '\0';
        return 0;
    }
    http_bad_query(r, param, "is not a cursor this service issued",
                   "このサービスが発行したカーソルではありません");
    return -1;
}

int http_limit(struct req *r)
{
    const char *s = http_query(r, "limit");
    int64_t v = r->app->cfg.page_size_default;
    if (s && parse_int64(s, 1, r->app->cfg.page_size_max, &v)) {
        char en[96], ja[96];
        snprintf(en, sizeof(en), "must be a whole number from 1 to %lld",
                 (long long)r->app->cfg.page_size_max);
        snprintf(ja, sizeof(ja), "1〜%lldの整数で指定してください",
                 (long long)r->app->cfg.page_size_max);
        http_bad_query(r, "limit", en, ja);
        return -1;
    }
    return (int)v;
}

