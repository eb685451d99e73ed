/*
 * respond.c — building responses: JSON, raw bytes, RFC 9457 problem details, and the small
 * request helpers (body parsing within limits, query parameters, language).
 */
#include "http_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../core/enc.h"
#include "../core/uuid.h"

static void send_bytes(struct req *r, int status, const char *ctype, char *data, size_t n,
                       bool owned)
{
    struct MHD_Response *resp;
    if (r->responded)
        BUG("second response for one request");
    resp = MHD_create_response_from_buffer(n, data,
                                           owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
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

void http_header(struct req *r, const char *name, const char *value)
{
    if (r->nhdr >= 4)
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

void http_problem(struct req *r, int status, const char *code, const char *title_en,
                  const char *title_ja, const char *detail_en, const char *detail_ja,
                  const struct verr_list *errs)
{
    char type[96];
    snprintf(type, sizeof(type), "urn:ichigen:problem:%s", code);
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title",
                          r->ja ? title_ja : title_en, "status", status, "instance", r->path,
                          "request_id", r->request_id);
    if (detail_en)
        json_object_set_new(p, "detail", json_string(r->ja && detail_ja ? detail_ja : detail_en));
    if (errs) {
        json_object_set_new(p, "errors", errors_array(r, errs));
        if (errs->dropped)
            json_object_set_new(p, "errors_omitted", json_integer((json_int_t)errs->dropped));
    }
    send_json(r, status, "application/problem+json", p);
}

void http_not_found(struct req *r)
{
    http_problem(r, 404, "not_found", "Not found", "見つかりません",
                 "There is no such resource, or it is not visible to you.",
                 "該当するリソースがないか、閲覧する権限がありません。", NULL);
}

void http_forbidden(struct req *r)
{
    http_problem(r, 403, "forbidden", "Forbidden", "権限がありません",
                 "Your role does not allow this operation.", "このロールではこの操作はできません。",
                 NULL);
}

void http_unauthorized(struct req *r, bool invalid_token)
{
    if (invalid_token)
        http_problem(r, 401, "invalid_token", "Unauthorized", "認証が必要です",
                     "The bearer token is unknown, expired or revoked.",
                     "トークンが無効です（不明、期限切れ又は失効済み）。", NULL);
    else
        http_problem(r, 401, "unauthorized", "Unauthorized", "認証が必要です",
                     "Send a bearer token: Authorization: Bearer <token> (POST /api/v1/auth/login "
                     "issues one).",
                     "Authorization: Bearer <token> ヘッダでトークンを送ってください（POST "
                     "/api/v1/auth/login で発行できます）。",
                     NULL);
}

void http_unavailable(struct req *r)
{
    http_header(r, "Retry-After", "1");
    http_problem(r, 503, "unavailable", "Service unavailable", "一時的に利用できません",
                 "Storage is unavailable; nothing was saved. Retry shortly.",
                 "保存先が一時的に利用できないため、何も保存されていません。しばらくして再試行してください。",
                 NULL);
}

void http_bad_query(struct req *r, const char *param, const char *why_en, const char *why_ja)
{
    struct verr_list l;
    char ptr[80], en[300], ja[300];
    verr_list_init(&l, 4);
    snprintf(ptr, sizeof(ptr), "?%s", param);
    snprintf(en, sizeof(en), "query parameter %s: %s", param, why_en);
    snprintf(ja, sizeof(ja), "クエリパラメータ %s: %s", param, why_ja);
    verr_add(&l, ptr, "bad_query", en, ja);
    http_problem(r, 400, "bad_query", "Bad query parameter", "クエリパラメータが不正です", en, ja, &l);
    verr_list_release(&l);
}

void http_store_error(struct req *r, int res)
{
    switch (res) {
    case STORE_NOT_FOUND: http_not_found(r); break;
    case STORE_EXISTS:
        http_problem(r, 409, "conflict", "Conflict", "競合しています",
                     "A unique value (such as a username or corporate number) is already taken.",
                     "一意であるべき値（ユーザー名、法人番号など）が既に使われています。", NULL);
        break;
    case STORE_INVALID:
        http_problem(r, 422, "invalid_reference", "Invalid reference", "参照先が存在しません",
                     "The request refers to something that does not exist.",
                     "存在しないものを参照しています。", NULL);
        break;
    default: http_unavailable(r);
    }
}

bool http_allow(struct req *r, enum auth_action a, const char *object_org)
{
    switch (auth_check(&r->who, a, object_org)) {
    case AUTHZ_OK: return true;
    case AUTHZ_HIDDEN: http_not_found(r); return false;
    default: http_forbidden(r); return false;
    }
}

bool http_require_json(struct req *r)
{
    switch (http_content_type_json(http_header_in(r, MHD_HTTP_HEADER_CONTENT_TYPE))) {
    case HTTP_CTYPE_JSON: return true;
    case HTTP_CTYPE_CHARSET:
        http_problem(r, 415, "unsupported_media_type", "Unsupported media type",
                     "サポートされていないメディアタイプです",
                     "JSON bodies are read as UTF-8 only (RFC 8259 §8.1): send "
                     "Content-Type: application/json, or with charset=utf-8.",
                     "JSON の本文は UTF-8 のみ受け付けます（RFC 8259 §8.1）。Content-Type: "
                     "application/json（charset を付けるなら charset=utf-8）で送ってください。",
                     NULL);
        return false;
    default:
        http_problem(r, 415, "unsupported_media_type", "Unsupported media type",
                     "サポートされていないメディアタイプです",
                     "Send the body as Content-Type: application/json.",
                     "本文は Content-Type: application/json で送ってください。", NULL);
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
    verr_add(&l, "", rc == JSONX_ENOTOBJ ? "not_object" : rc == JSONX_EDEPTH ? "too_deep" : "json_syntax", en, ja);
    http_problem(r, 400, "malformed_json", "Malformed JSON", "JSONの形式が正しくありません", en, ja, &l);
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

static enum MHD_Result qiter(void *cls, enum MHD_ValueKind kind, const char *key,
                             const char *value)
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
    http_bad_query(r, name, "is not a parameter of this endpoint", "このエンドポイントにないパラメータです");
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
    http_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor",
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
        snprintf(ja, sizeof(ja), "1〜%lldの整数で指定してください", (long long)r->app->cfg.page_size_max);
        http_bad_query(r, "limit", en, ja);
        return -1;
    }
    return (int)v;
}

bool http_check_body(struct req *r, const struct rf_field *root, const json_t *doc)
{
    struct verr_list errs;
    struct schema_limits lim = r->app->limits;
    bool ok;
    verr_list_init(&errs, lim.max_errors);
    ok = schema_check(root, doc, &lim, r->now_ms, &errs) == 0;
    if (!ok)
        http_problem(r, 422, "validation", "The request has invalid fields",
                     "入力内容に誤りがあります", "See errors: every problem is listed.",
                     "errors に問題点をすべて示しています。", &errs);
    verr_list_release(&errs);
    return ok;
}
