/*
 * server.c — libmicrohttpd glue: per-request context, body accumulation within limits,
 * language and request-id handling, request logging and metrics; the checks of each request
 * head (head.c) and the deadline for it (conns.c) are wired in here.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http_int.h"
#include "../core/log.h"
#include "../core/rtime.h"
#include "../core/uuid.h"

struct http_server {
    struct MHD_Daemon *d;
    struct app *app;
    struct http_web *web;     /* the web UI's files, read at start (web.c) */
    struct http_conns *conns; /* open connections, request-head deadline */
    int port;
};

/* X-Request-Id from the client is kept when it is short and plain; otherwise we mint one. */
static void set_request_id(struct req *r)
{
    const char *in = http_header_in(r, "X-Request-Id");
    size_t n = in ? strlen(in) : 0;
    bool ok = n >= 8 && n < sizeof(r->request_id);
    for (size_t i = 0; ok && i < n; i++)
        ok = (in[i] >= '0' && in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'z') ||
             (in[i] >= 'A' && in[i] <= 'Z') || in[i] == '-' || in[i] == '_';
    if (ok)
        xstrlcpy(r->request_id, in, sizeof(r->request_id));
    else
        uuid_v7_new(r->request_id);
}

/* A request starts when its request line is complete (MHD_OPTION_URI_LOG_CALLBACK), before
 * the header fields: the request-target can only be seen undecoded here. libmicrohttpd then
 * reports the request completed (on_completed) even if it refuses the head itself. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct http_server *srv = cls;
    struct req *r = xcalloc(1, sizeof(*r));
    r->conn = c;
    r->app = srv->app;
    r->t0_ns = rtime_mono_ns();
    r->now_ms = rtime_now_ms();
    r->route_index = -1;
    r->target = uri ? http_target_check(uri, strlen(uri)) : HTTP_TARGET_EMPTY;
    if (uri) /* the path as received, for the log of a head libmicrohttpd refuses */
        xstrlcpy(r->path, uri, MIN(sizeof(r->path), strcspn(uri, "?") + 1));
    buf_init(&r->body, (size_t)srv->app->cfg.max_body_bytes);
    uuid_v7_new(r->request_id);
    http_metrics_inflight(srv->app->metrics, 1);
    return r;
}

/* The first call of the access handler: the head is complete. */
static void req_start(struct req *r, const char *url, const char *method)
{
    r->started = true;
    r->method = method;
    xstrlcpy(r->path, url, sizeof(r->path));
    set_request_id(r);
    r->ja = http_lang_prefers_ja(http_header_in(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
}

static void too_large(struct req *r)
{
    char en[160], ja[160];
    if (r->route && r->route->auth == RA_TAXII) /* TAXII answers its own error messages */
        return http_taxii_fail(r, APP_PROB_PAYLOAD_TOO_LARGE);
    snprintf(en, sizeof(en), "The request body is larger than %lld bytes.",
             (long long)r->app->cfg.max_body_bytes);
    snprintf(ja, sizeof(ja), "リクエスト本文が上限（%lldバイト）を超えています。",
             (long long)r->app->cfg.max_body_bytes);
    http_fail(r, APP_PROB_PAYLOAD_TOO_LARGE, en, ja, NULL);
}

/* Checks that can be answered before reading a body: route, size, content type. */
static bool early_checks(struct req *r)
{
    const char *cl = http_header_in(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    int64_t len = 0;
    if (r->route_index < 0 || !r->route->takes_body)
        return true;
    if (cl && !parse_int64(cl, 0, INT64_MAX, &len) && len > r->app->cfg.max_body_bytes) {
        too_large(r);
        return false;
    }
    /* a TAXII body is application/taxii+json, which its handler checks (§1.6.8) */
    return r->route->auth == RA_TAXII || http_require_json(r);
}

/* The page when web_dir has no index.html (issue 12): plain, inline-free HTML in both
 * languages saying how to build it. */
static const char not_built_page[] =
    "<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
    "<title>ichigen: Web UI 未ビルド / web UI not built</title></head><body>\n"
    "<h1>Web UI がビルドされていません</h1>\n"
    "<p>このサーバーの <code>web_dir</code> に <code>index.html</code> がありません。"
    "リポジトリの最上位で <code>make run</code> を実行すると、Web UI をビルドしてから起動します"
    "（または <code>scripts/web.sh build</code> の後に再起動してください）。"
    "API（<code>/api/v1</code>）はこのまま使えます。</p>\n"
    "<h1 lang=\"en\">The web UI is not built</h1>\n"
    "<p lang=\"en\">This server's <code>web_dir</code> has no <code>index.html</code>. Run "
    "<code>make run</code> from the repository's top directory: it builds the web UI, then "
    "starts the server (or run <code>scripts/web.sh build</code> and restart). The API "
    "(<code>/api/v1</code>) works as it is.</p>\n</body></html>\n";

/* A GET or HEAD that no API route takes: a file of the web table, the page, 404 or 503. */
static bool serve_web(struct http_server *srv, struct req *r, const char *url)
{
    struct http_web_hit hit;
    bool gzip = http_accepts_gzip(http_header_in(r, MHD_HTTP_HEADER_ACCEPT_ENCODING));
    switch (http_web_resolve(srv->web, url, gzip, &hit)) {
    case HTTP_WEB_FILE:
    case HTTP_WEB_INDEX:
        if (hit.file->gz) /* the answer depends on Accept-Encoding (RFC 9110 §12.5.5) */
            http_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
        if (hit.gzip)
            http_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
        http_static(r, 200, hit.file->type, hit.body->data, hit.body->len,
                    hit.immutable ? "public, max-age=31536000, immutable" : "no-cache");
        return true;
    case HTTP_WEB_NOT_BUILT:
        http_static(r, 503, "text/html; charset=utf-8", not_built_page, sizeof(not_built_page) - 1,
                    "no-store");
        return true;
    default:
        return false;
    }
}

/* Route, method and the checks before a body: 404, 405, 413, 415; a GET or HEAD no route
 * takes goes to the web UI's files. */
static void route(struct http_server *srv, struct req *r, const char *url, const char *method)
{
    char allow[64] = "";
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    r->route_index = http_route_match(strcmp(method, "HEAD") ? method : "GET", url, r->params,
                                      allow, sizeof(allow));
    r->route = r->route_index >= 0 ? &http_routes[r->route_index] : NULL;
    if (r->route_index == -2) {
        http_header(r, "Allow", allow);
        http_fail(r, APP_PROB_METHOD_NOT_ALLOWED, NULL, NULL, NULL);
    } else if (r->route_index == -1) {
        if (!get || !serve_web(srv, r, url))
            http_not_found(r);
    } else {
        early_checks(r);
    }
}

/* The connection's entry in conns.c (set by on_connection). */
static struct http_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct req *r = *con_cls;
    if (!r)
        BUG("request without a context: on_uri did not run");
    if (!r->started) {
        struct http_conn *hc = conn_of(c);
        if (hc && !http_conns_head_done(srv->conns, hc))
            return MHD_NO; /* the head deadline closed the connection meanwhile */
        req_start(r, url, method);
        if (http_head_check(r, version))
            route(srv, r, url, method);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->responded && !r->body_too_big &&
            buf_append(&r->body, upload_data, *upload_data_size))
            r->body_too_big = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->responded)
        return MHD_YES;
    if (r->body_too_big)
        too_large(r);
    else
        http_dispatch(r);
    if (!r->responded)
        BUG("handler for %s %s did not respond", method, r->route ? r->route->pattern : url);
    return MHD_YES;
}

/* The status of a request: ours, libmicrohttpd's own answer to a head it refused, or 499 when
 * the client went away first. */
static int final_status(const struct req *r, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci;
    if (r->responded)
        return r->status;
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
    return ci && ci->http_status ? (int)ci->http_status : 499;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct req *r = *con_cls;
    struct http_conn *hc = conn_of(c);
    if (hc) /* the next request head on this connection is due from now */
        http_conns_head_again(srv->conns, hc);
    if (!r)
        return;
    int64_t ns = rtime_mono_ns() - r->t0_ns;
    int status = final_status(r, c);
    http_metrics_record(srv->app->metrics, r->route_index, status, ns);
    http_metrics_inflight(srv->app->metrics, -1);
    LOG(LOG_INFO, "http.request", LF_S("request_id", r->request_id), LF_S("method", r->method),
        LF_S("route", r->route ? r->route->pattern : "-"), LF_S("path", r->path),
        LF_I("status", status), LF_D("ms", (double)ns / 1e6), LF_I("bytes_in", r->body.len),
        LF_S("user", r->authed ? r->who.user_id : NULL),
        LF_S("org", r->authed ? r->who.org_id : NULL),
        LF_B("completed", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK));
    buf_release(&r->body);
    json_decref(r->problem_extra);
    free(r);
    *con_cls = NULL;
}

/* Every accepted connection is registered for the request-head deadline (conns.c) and for the
 * NUL check of what it sends (nulguard.c). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct http_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *addr =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (fd) {
            http_nul_watch(fd->connect_fd); /* before its first read (nulguard.c) */
            *socket_context =
                http_conns_add(srv->conns, fd->connect_fd, addr ? addr->client_addr : NULL);
        }
    } else if (*socket_context) {
        http_nul_forget(http_conns_fd(*socket_context));
        http_conns_remove(srv->conns, *socket_context);
        *socket_context = NULL;
    }
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    UNUSED(cls);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    LOG(LOG_WARN, "http.mhd", LF_S("message", msg));
}

static int parse_addr(const char *addr, int port, struct sockaddr_storage *ss, bool *v6)
{
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *v6 = false;
        return 0;
    }
    if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return 0;
    }
    return -1;
}

struct http_server *http_start(struct app *app, struct err *e)
{
    struct sockaddr_storage ss;
    bool v6;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | MHD_USE_ERROR_LOG;
    if (parse_addr(app->cfg.listen_addr, (int)app->cfg.port, &ss, &v6)) {
        err_set(e, -1, "listen_addr: \"%s\" is not an IPv4 or IPv6 address", app->cfg.listen_addr);
        return NULL;
    }
    if (v6)
        flags |= MHD_USE_IPv6;
    struct http_server *srv = xcalloc(1, sizeof(*srv));
    srv->app = app;
    if (!(srv->web = http_web_load(app->cfg.web_dir, e))) {
        free(srv);
        return NULL;
    }
    if (!http_web_has_index(srv->web))
        LOG(LOG_WARN, "web.not_built", LF_S("web_dir", app->cfg.web_dir),
            LF_S("hint", "make run builds the web UI"));
    if (!(srv->conns = http_conns_new(app->cfg.request_head_timeout_s * 1000))) {
        err_set(e, -1, "cannot start the request-head deadline thread");
        http_web_free(srv->web);
        free(srv);
        return NULL;
    }
    /* The logger goes first so that libmicrohttpd's own start-up messages reach it.
     * Not set: MHD_OPTION_STRICT_FOR_CLIENT, whose refusals (HTTP/1.1 without Host, spaces in
     * field names) would be libmicrohttpd's HTML pages; head.c refuses those with problem+json. */
    srv->d = MHD_start_daemon(
        flags, (uint16_t)app->cfg.port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_URI_LOG_CALLBACK,
        on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, srv, MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections_per_address,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.connection_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_THREAD_STACK_SIZE,
        (size_t)1024 * 1024, MHD_OPTION_END);
    if (!srv->d) {
        err_set(e, -1, "cannot listen on %s:%lld (in use, or not permitted)", app->cfg.listen_addr,
                (long long)app->cfg.port);
        http_conns_free(srv->conns);
        http_web_free(srv->web);
        free(srv);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : (int)app->cfg.port;
    return srv;
}

int http_port(const struct http_server *srv)
{
    return srv->port;
}

void http_stop(struct http_server *srv)
{
    if (!srv)
        return;
    MHD_stop_daemon(srv->d); /* closes every connection: conns.c is empty after it */
    http_conns_free(srv->conns);
    http_web_free(srv->web);
    free(srv);
}
