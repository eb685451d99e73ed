/*
 * itest_http.c — the request head against the real server over raw TCP: what libmicrohttpd
 * alone would accept and the service refuses (a request smuggled behind two Content-Length
 * fields or behind Transfer-Encoding with Content-Length, %00 and %2F in the target, repeated
 * Authorization and query parameters, a charset other than UTF-8, HTTP/1.1 without Host,
 * malformed field names and values, over-long targets and heads), each as problem+json; the
 * unquoted If-Match; and the slow-header guards (connections per client address, and the
 * deadline of a request head) on servers of their own.
 */
#include "itest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/buf.h"

#define READ_LIMIT_MS 20000 /* a bound on waiting, not an expectation of speed */

static struct itest_fixture F;

/* ---- raw HTTP/1.1 over TCP ---- */

/* A connection to srv from the loopback address `from` ("127.0.0.1", "127.0.0.2" …). */
static int raw_connect(const struct itest_server *srv, const char *from)
{
    struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(inet_pton(AF_INET, from, &src.sin_addr), 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
    dst.sin_port = htons((uint16_t)srv->port);
    assert_int_equal(inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr), 1);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof(dst)), 0);
    return fd;
}

/* Sends n bytes; false when the server has already closed the connection. */
static bool raw_send(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What came back on a connection. */
struct raw_resp {
    struct buf bytes; /* everything read */
    bool closed;      /* the server closed the connection (end of stream or reset) */
    int status;       /* of the first response, 0 if none */
    int responses;    /* status lines seen */
    json_t *json;     /* the first response's body when it is JSON */
    char content_type[64];
};

/* Reads what is available within wait_ms (0: without waiting). Returns false once the
 * connection has closed. */
static bool raw_read_some(int fd, struct raw_resp *rr, int wait_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char tmp[4096];
    while (poll(&p, 1, wait_ms) > 0) {
        ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rr->closed = true;
            return false;
        }
        buf_append(&rr->bytes, tmp, (size_t)n);
        wait_ms = 0;
    }
    return true;
}

/* Reads until a whole response is in (its head and, by Content-Length, its body), the
 * connection closes, or the time `until` passes. */
static void raw_read_response(int fd, struct raw_resp *rr, int64_t until)
{
    while (raw_read_some(fd, rr, 100) && mono_ms() < until) {
        const char *t = buf_cstr(&rr->bytes), *body = strstr(t, "\r\n\r\n");
        const char *cl = strstr(t, "\r\nContent-Length: ");
        if (body && cl && cl < body &&
            rr->bytes.len >= (size_t)(body + 4 - t) + strtoul(cl + 18, NULL, 10))
            return;
    }
}

/* Fills status, responses, content type and json from the bytes read. */
static void raw_parse(struct raw_resp *rr)
{
    const char *t = buf_cstr(&rr->bytes), *end = t + rr->bytes.len, *ct, *body;
    for (const char *p = t; p && p < end; p = strstr(p + 1, "\r\nHTTP/1.1 "))
        rr->responses += !strncmp(p == t ? p : p + 2, "HTTP/1.1 ", 9);
    if (rr->bytes.len > 12 && !strncmp(t, "HTTP/1.1 ", 9))
        rr->status = (int)strtol(t + 9, NULL, 10);
    if ((ct = strstr(t, "\r\nContent-Type: ")))
        snprintf(rr->content_type, sizeof(rr->content_type), "%.*s", (int)strcspn(ct + 16, "\r"),
                 ct + 16);
    if ((body = strstr(t, "\r\n\r\n")) && strstr(rr->content_type, "json"))
        rr->json = json_loadb(body + 4, (size_t)(end - body - 4), JSON_DISABLE_EOF_CHECK, NULL);
}

/* Sends a request and reads until the server closes the connection (or READ_LIMIT_MS pass,
 * which a check on rr->closed then reports). Requests that should be answered without closing
 * carry Connection: close. */
static void raw_exchange(const struct itest_server *srv, const char *req, size_t n,
                         struct raw_resp *rr)
{
    int fd = raw_connect(srv, "127.0.0.1");
    int64_t until = mono_ms() + READ_LIMIT_MS;
    memset(rr, 0, sizeof(*rr));
    buf_init(&rr->bytes, BUF_UNLIMITED);
    raw_send(fd, req, n);
    while (raw_read_some(fd, rr, 100) && mono_ms() < until)
        ;
    close(fd);
    raw_parse(rr);
}

static void raw_release(struct raw_resp *rr)
{
    buf_release(&rr->bytes);
    json_decref(rr->json);
}

static const char *problem_code(const struct raw_resp *rr)
{
    const char *type = rr->json ? itest_jstr(rr->json, "/type") : NULL;
    return type && !strncmp(type, "urn:ichigen:problem:", 20) ? type + 20 : "";
}

/* One answer, a problem+json with this status and code, and the connection closed after it;
 * req is n bytes (it may hold NUL bytes). */
static void expect_refused_n(const char *req, size_t n, int status, const char *code)
{
    struct raw_resp rr;
    raw_exchange(&F.srv, req, n, &rr);
    if (rr.responses != 1 || rr.status != status || strcmp(problem_code(&rr), code) ||
        strcmp(rr.content_type, "application/problem+json") || !rr.closed)
        fail_msg("expected one %d %s and a close; got %d response(s), %d %s (%s), %s:\n%s\n"
                 "for:\n%s",
                 status, code, rr.responses, rr.status, problem_code(&rr), rr.content_type,
                 rr.closed ? "closed" : "left open", buf_cstr(&rr.bytes), req);
    raw_release(&rr);
}

static void expect_refused(const char *req, int status, const char *code)
{
    expect_refused_n(req, strlen(req), status, code);
}

/* Answered with this status (any body), on a request that carries Connection: close. */
static void expect_status_n(const char *req, size_t n, int status)
{
    struct raw_resp rr;
    raw_exchange(&F.srv, req, n, &rr);
    if (rr.responses != 1 || rr.status != status)
        fail_msg("expected %d; got %d response(s), %d:\n%s\nfor:\n%s", status, rr.responses,
                 rr.status, buf_cstr(&rr.bytes), req);
    raw_release(&rr);
}

static void expect_status(const char *req, int status)
{
    expect_status_n(req, strlen(req), status);
}

/* "GET path HTTP/1.1" with Host, rep_a's token, extra lines and Connection: close. */
static char *get_req(const char *path, const char *extra)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    buf_appendf(&b,
                "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n%s"
                "Connection: close\r\n\r\n",
                path, F.rep_a.token, extra ? extra : "");
    return buf_detach(&b, NULL);
}

/* ---- request smuggling ---- */

/* A request with the body "{}" framed by the header lines `framing`, in which "N" stands for
 * the length of "{}" and a complete GET /api/v1/me of another user following it in the same
 * stream — the request a party that honours N would see as part of the body. */
static char *smuggling(const char *const framing[], size_t *n)
{
    struct buf inner, b;
    buf_init(&inner, BUF_UNLIMITED);
    buf_appendf(&inner,
                "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n",
                F.rep_b.token);
    buf_init(&b, BUF_UNLIMITED);
    buf_appendf(&b,
                "POST /api/v1/reports/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Authorization: Bearer %s\r\nContent-Type: application/json\r\n",
                F.rep_a.token);
    for (size_t i = 0; framing[i]; i++) {
        size_t len = strlen(framing[i]);
        if (framing[i][len - 1] == 'N')
            buf_appendf(&b, "%.*s%zu\r\n", (int)len - 1, framing[i], inner.len + 2);
        else
            buf_appendf(&b, "%s\r\n", framing[i]);
    }
    buf_appendf(&b, "\r\n{}%s", buf_cstr(&inner));
    buf_release(&inner);
    return buf_detach(&b, n);
}

/* RFC 9112 §6.3: differing Content-Length values are a framing error: 400 and close. With the
 * first value ("2") libmicrohttpd ended the body after "{}" and answered the smuggled GET too. */
static void test_duplicate_content_length(void **state)
{
    static const char *const framings[][3] = {
        {"Content-Length: 2", "Content-Length: N", NULL},
        {"Content-Length: N", "Content-Length: 2", NULL},
        {"Content-Length: 2", "Content-Length: 2", NULL}, /* even when equal */
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(framings); i++) {
        size_t n;
        struct raw_resp rr;
        char *req = smuggling(framings[i], &n);
        raw_exchange(&F.srv, req, n, &rr);
        assert_int_equal(rr.responses, 1); /* the smuggled request is never answered */
        assert_int_equal(rr.status, 400);
        assert_string_equal(problem_code(&rr), "duplicate_header");
        assert_non_null(strstr(itest_jstr(rr.json, "/detail"), "Content-Length"));
        assert_non_null(strstr(buf_cstr(&rr.bytes), "\r\nConnection: close\r\n"));
        assert_true(rr.closed);
        assert_null(strstr(buf_cstr(&rr.bytes), F.rep_b.id)); /* nothing of the other user */
        raw_release(&rr);
        free(req);
    }
}

/* RFC 9112 §6.1: Transfer-Encoding with Content-Length may be refused, and the connection must
 * be closed; a transfer coding other than chunked is not understood: 501. */
static void test_transfer_encoding(void **state)
{
    size_t n;
    struct raw_resp rr;
    UNUSED(state);
    static const char *const framing[] = {"Transfer-Encoding: chunked", "Content-Length: N", NULL};
    char *req = smuggling(framing, &n);
    raw_exchange(&F.srv, req, n, &rr);
    assert_int_equal(rr.responses, 1);
    assert_int_equal(rr.status, 400);
    assert_string_equal(problem_code(&rr), "bad_framing");
    assert_true(rr.closed);
    raw_release(&rr);
    free(req);
    expect_refused("POST /api/v1/reports/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n{}",
                   501, "unsupported_transfer_coding");
    expect_refused("POST /api/v1/reports/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                   400, "duplicate_header");
}

/* ---- the request-target ---- */

static void test_request_target(void **state)
{
    struct itest_resp c;
    char path[256];
    UNUSED(state);
    json_t *doc = itest_report_doc("target");
    char *body = itest_dump(doc);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", body, &c), 201);
    const char *id = itest_jstr(c.json, "/id");

    snprintf(path, sizeof(path), "/api/v1/reports/%s", id);
    char *req = get_req(path, NULL);
    expect_status(req, 200); /* the report itself */
    free(req);
    /* after the id: "%00junk" was answered 200 with the report */
    static const char *const bad[] = {"%00junk", "%00", "?x=%00", "/versions%2F1", "%2Fversions",
                                      "%zz",     "%4",  "#x",     "\x01",          " b"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(path, sizeof(path), "/api/v1/reports/%s%s", id, bad[i]);
        req = get_req(path, NULL);
        expect_refused(req, 400, "bad_target");
        free(req);
    }
    /* an encoded '/' in the query is data: not a cursor we issued (bad_query), not bad_target */
    struct raw_resp rr;
    req = get_req("/api/v1/reports?limit=1&cursor=%2F", NULL);
    raw_exchange(&F.srv, req, strlen(req), &rr);
    assert_int_equal(rr.status, 400);
    assert_string_equal(problem_code(&rr), "bad_query");
    raw_release(&rr);
    free(req);
    itest_resp_release(&c);
    free(body);
    json_decref(doc);
}

/* ---- header fields ---- */

static void test_authorization(void **state)
{
    struct itest_resp r;
    char line[200], req[600];
    UNUSED(state);
    /* two Authorization fields: libmicrohttpd's lookup would have used the first */
    snprintf(req, sizeof(req),
             "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
             "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
             F.rep_a.token, F.rep_b.token);
    expect_refused(req, 400, "duplicate_header");

    /* a NUL byte after the token: libmicrohttpd would hand over "Bearer <token>" alone; the
     * bytes as read show the rest (nulguard.c) */
    int n = snprintf(req, sizeof(req),
                     "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s"
                     "@x\r\nConnection: close\r\n\r\n",
                     F.rep_a.token);
    *strchr(req, '@') = '\0';
    expect_refused_n(req, (size_t)n, 400, "bad_byte");
    /* the same without the NUL signs in: the refusal is the NUL's */
    snprintf(req, sizeof(req),
             "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
             "Connection: close\r\n\r\n",
             F.rep_a.token);
    expect_status(req, 200);
    /* and in a body, where JSON allows none either */
    n = snprintf(req, sizeof(req),
                 "POST /api/v1/reports/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                 "Content-Length: 7\r\nConnection: close\r\n\r\n{\"a\":@}",
                 F.rep_a.token);
    *strchr(req, '@') = '\0';
    expect_status_n(req, (size_t)n, 400);

    /* anything after the token: 400 invalid_request (RFC 6750 §3.1), not a sign-in */
    snprintf(line, sizeof(line), "Authorization: Bearer %s junk", F.rep_a.token);
    itest_http(&F.srv, &(struct itest_req){.path = "/api/v1/me", .headers = {line}}, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(itest_problem_code(&r), "invalid_authorization");
    assert_non_null(strstr(r.www_authenticate, "error=\"invalid_request\""));
    itest_resp_release(&r);
    snprintf(line, sizeof(line), "Authorization: Bearer %s,", F.rep_a.token);
    itest_http(&F.srv, &(struct itest_req){.path = "/api/v1/me", .headers = {line}}, &r);
    assert_int_equal(r.status, 400);
    itest_resp_release(&r);
    /* the exact form still signs in; another scheme is 401 */
    snprintf(line, sizeof(line), "Authorization: bearer   %s ", F.rep_a.token);
    itest_http(&F.srv, &(struct itest_req){.path = "/api/v1/me", .headers = {line}}, &r);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){.path = "/api/v1/me", .headers = {"Authorization: Basic eDp5"}},
               &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(itest_problem_code(&r), "unauthorized");
    itest_resp_release(&r);
}

static void test_repeated_query(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(itest_get(&F.srv, F.rep_a.token, "/api/v1/reports?limit=1", &r), 200);
    itest_resp_release(&r);
    static const char *const paths[] = {"/api/v1/reports?limit=1&limit=2",
                                        "/api/v1/reports?limit=1&lim%69t=1",
                                        "/api/v1/reports?limit=1&cursor=x&limit=1"};
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        assert_int_equal(itest_get(&F.srv, F.rep_a.token, paths[i], &r), 400);
        assert_string_equal(itest_problem_code(&r), "bad_query");
        assert_string_equal(itest_jstr(r.json, "/errors/0/pointer"), "?limit");
        itest_resp_release(&r);
    }
}

/* RFC 8259 §8.1: JSON between systems is UTF-8; a body declared in another charset is 415. */
static void test_charset(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    static const struct {
        const char *ct;
        long status;
    } cases[] = {
        {"application/json; charset=utf-16", 415},
        {"application/json; charset=\"UTF-16LE\"", 415},
        {"application/json; charset=iso-2022-jp", 415},
        {"application/json; profile=x", 415},
        {"application/json; charset=\"UTF-8\"", 200},
        {"application/json;charset=utf-8", 200},
    };
    json_t *doc = itest_report_doc("charset");
    char *body = itest_dump(doc);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        itest_http(&F.srv,
                   &(struct itest_req){.path = "/api/v1/reports/validate",
                                       .token = F.rep_a.token,
                                       .body = body,
                                       .content_type = cases[i].ct},
                   &r);
        if (r.status != cases[i].status)
            fail_msg("Content-Type %s: got %ld, want %ld", cases[i].ct, r.status, cases[i].status);
        if (r.status == 415 && strstr(cases[i].ct, "charset"))
            assert_non_null(strstr(itest_jstr(r.json, "/detail"), "UTF-8"));
        itest_resp_release(&r);
    }
    free(body);
    json_decref(doc);
}

/* RFC 9112 §3.2: an HTTP/1.1 request carries exactly one valid Host. */
static void test_host(void **state)
{
    UNUSED(state);
    expect_refused("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", 400, "missing_host");
    expect_refused("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "duplicate_header");
    expect_refused("GET /healthz HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "bad_header");
    expect_status("GET /healthz HTTP/1.0\r\n\r\n", 200); /* HTTP/1.0 needs none */
    expect_status("GET /healthz HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n", 200);
}

/* RFC 9112 §5.1: no whitespace before the colon (libmicrohttpd kept "Content-Length " as a
 * name of its own and ignored it as a length); RFC 9110 §5.5: no control characters. */
static void test_field_syntax(void **state)
{
    UNUSED(state);
    expect_refused("GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\nhello", 400,
                   "bad_header");
    expect_refused("GET /healthz HTTP/1.1\r\nHost: a\r\nX Y: 1\r\n\r\n", 400, "bad_header");
    expect_refused("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Note: a\x01\x1b[2J\r\n\r\n", 400,
                   "bad_header");
}

/* Our own limits answer problem+json (libmicrohttpd's, far above them, would not). */
static void test_head_limits(void **state)
{
    struct buf b;
    UNUSED(state);
    buf_init(&b, BUF_UNLIMITED);
    buf_puts(&b, "GET /healthz?x=");
    for (int i = 0; i < 9000; i++)
        buf_putc(&b, 'a');
    buf_puts(&b, " HTTP/1.1\r\nHost: a\r\n\r\n");
    expect_refused(buf_cstr(&b), 414, "uri_too_long");
    buf_reset(&b);
    buf_puts(&b, "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: ");
    for (int i = 0; i < 20000; i++)
        buf_putc(&b, 'a');
    buf_puts(&b, "\r\n\r\n");
    expect_refused(buf_cstr(&b), 431, "headers_too_large");
    buf_release(&b);
}

/* ---- If-Match without quotes ---- */

static long amend(const char *id, const char *if_match, struct itest_resp *r)
{
    char path[128], im[64];
    json_t *doc = itest_report_doc("amended");
    json_object_set_new(json_object_get(doc, "envelope"), "phase", json_string("update"));
    json_object_set_new(json_object_get(doc, "envelope"), "change_summary",
                        json_string("unquoted If-Match"));
    char *body = itest_dump(doc);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", id);
    snprintf(im, sizeof(im), "If-Match: %s", if_match);
    itest_http(
        &F.srv,
        &(struct itest_req){.path = path, .token = F.rep_a.token, .body = body, .headers = {im}},
        r);
    free(body);
    json_decref(doc);
    return r->status;
}

/* `If-Match: v1` answered 412 "the latest version is 1": the bare tag now means "v1". */
static void test_if_match_unquoted(void **state)
{
    struct itest_resp c, r;
    char id[40], path[128], inm[64];
    UNUSED(state);
    json_t *doc = itest_report_doc("if-match");
    char *body = itest_dump(doc);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", body, &c), 201);
    xstrlcpy(id, itest_jstr(c.json, "/id"), sizeof(id));
    itest_resp_release(&c);
    free(body);
    json_decref(doc);

    assert_int_equal(amend(id, "v1", &r), 201);
    assert_string_equal(r.etag, "\"v2\"");
    itest_resp_release(&r);
    assert_int_equal(amend(id, "v1", &r), 412); /* stale, and the message says v2 */
    assert_non_null(strstr(itest_jstr(r.json, "/detail"), "latest version is 2"));
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s", id);
    snprintf(inm, sizeof(inm), "If-None-Match: v2");
    itest_http(&F.srv, &(struct itest_req){.path = path, .token = F.rep_a.token, .headers = {inm}},
               &r);
    assert_int_equal(r.status, 304);
    itest_resp_release(&r);

    /* the governance documents read If-Match the same way */
    itest_http(&F.srv,
               &(struct itest_req){.path = "/api/v1/assets",
                                   .token = F.rep_a.token,
                                   .body = "{\"name_ja\":\"基幹\",\"kind\":\"information_system\","
                                           "\"criticality\":\"high\"}"},
               &c);
    assert_int_equal(c.status, 201);
    snprintf(path, sizeof(path), "/api/v1/assets/%s", itest_jstr(c.json, "/id"));
    itest_http(&F.srv,
               &(struct itest_req){.method = "PUT",
                                   .path = path,
                                   .token = F.rep_a.token,
                                   .body = "{\"name_ja\":\"基幹\",\"kind\":\"information_system\","
                                           "\"criticality\":\"low\"}",
                                   .headers = {"If-Match: v1"}},
               &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.etag, "\"v2\"");
    itest_resp_release(&r);
    itest_resp_release(&c);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_true(itest_logs_clean(&F.srv));
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

/* ---- slow clients, on servers of their own ---- */

/* max_connections_per_address: a third connection from 127.0.0.1 is closed unanswered while
 * two are open, and 127.0.0.2 is still served. The head deadline is the largest allowed, so
 * it cannot be what frees the two. */
static void test_connections_per_address(void **state)
{
    static const char *const settings[] = {"--max-connections-per-address=2",
                                           "--request-head-timeout-s=3600", NULL};
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    struct itest_server srv;
    struct raw_resp rr;
    UNUSED(state);
    assert_int_equal(itest_server_init(&srv, settings), 0);
    assert_int_equal(itest_server_start(&srv), 0);
    int held[2] = {raw_connect(&srv, "127.0.0.1"), raw_connect(&srv, "127.0.0.1")};

    int fd = raw_connect(&srv, "127.0.0.1");
    memset(&rr, 0, sizeof(rr));
    buf_init(&rr.bytes, BUF_UNLIMITED);
    raw_send(fd, req, strlen(req));
    raw_read_response(fd, &rr, mono_ms() + READ_LIMIT_MS);
    assert_true(rr.closed);
    assert_int_equal(rr.bytes.len, 0); /* closed at once, nothing answered */
    close(fd);
    raw_release(&rr);

    fd = raw_connect(&srv, "127.0.0.2");
    memset(&rr, 0, sizeof(rr));
    buf_init(&rr.bytes, BUF_UNLIMITED);
    raw_send(fd, req, strlen(req));
    raw_read_response(fd, &rr, mono_ms() + READ_LIMIT_MS);
    raw_parse(&rr);
    assert_int_equal(rr.status, 200);
    close(fd);
    raw_release(&rr);

    /* the two held connections were open all along: each is still served */
    for (int i = 0; i < 2; i++) {
        memset(&rr, 0, sizeof(rr));
        buf_init(&rr.bytes, BUF_UNLIMITED);
        raw_send(held[i], req, strlen(req));
        raw_read_response(held[i], &rr, mono_ms() + READ_LIMIT_MS);
        raw_parse(&rr);
        assert_int_equal(rr.status, 200);
        close(held[i]);
        raw_release(&rr);
    }
    assert_int_equal(itest_server_finish(&srv), 0);
    itest_server_release(&srv);
}

#define SLOW 4 /* = max_connections of that server */

/* request_head_timeout_s: clients that send one header line every 100 ms hold every connection
 * the server has (each byte restarted libmicrohttpd's idle timeout, so they were held for
 * ever). The deadline closes each of them unanswered; then a new client is served, and a
 * keep-alive connection that stays idle after its answer is closed as well. */
static void test_request_head_deadline(void **state)
{
    static const char *const settings[] = {"--max-connections=4", "--request-head-timeout-s=1",
                                           "--connection-timeout-s=3600", NULL};
    struct itest_server srv;
    struct raw_resp rr[SLOW];
    int fd[SLOW], open_left = SLOW;
    UNUSED(state);
    assert_int_equal(itest_server_init(&srv, settings), 0);
    assert_int_equal(itest_server_start(&srv), 0);
    for (int i = 0; i < SLOW; i++) {
        fd[i] = raw_connect(&srv, "127.0.0.1");
        memset(&rr[i], 0, sizeof(rr[i]));
        buf_init(&rr[i].bytes, BUF_UNLIMITED);
        static const char head[] = "GET /healthz HTTP/1.1\r\nHost: a\r\n";
        assert_true(raw_send(fd[i], head, strlen(head)));
    }
    for (int64_t until = mono_ms() + READ_LIMIT_MS; open_left && mono_ms() < until;) {
        for (int i = 0; i < SLOW; i++) {
            if (rr[i].closed)
                continue;
            if (!raw_send(fd[i], "X-Slow: y\r\n", 11) || !raw_read_some(fd[i], &rr[i], 0)) {
                rr[i].closed = true;
                open_left--;
            }
        }
        itest_sleep_ms(100);
    }
    for (int i = 0; i < SLOW; i++) {
        if (!rr[i].closed)
            fail_msg("slow client %d still connected after %d ms", i, READ_LIMIT_MS);
        assert_int_equal(rr[i].bytes.len, 0); /* closed unanswered: no 408 to mistake */
        close(fd[i]);
        raw_release(&rr[i]);
    }

    /* a new client is served once a slot is free again (the closed connections' threads end
     * on their own schedule: poll) */
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
    struct raw_resp ok;
    int kfd = -1;
    memset(&ok, 0, sizeof(ok));
    for (int64_t until = mono_ms() + READ_LIMIT_MS; ok.status != 200 && mono_ms() < until;) {
        raw_release(&ok);
        memset(&ok, 0, sizeof(ok));
        buf_init(&ok.bytes, BUF_UNLIMITED);
        if (kfd >= 0)
            close(kfd);
        kfd = raw_connect(&srv, "127.0.0.1");
        raw_send(kfd, req, strlen(req));
        raw_read_response(kfd, &ok, until);
        raw_parse(&ok);
        if (ok.status != 200)
            itest_sleep_ms(50);
    }
    assert_int_equal(ok.status, 200);
    /* kept alive (no Connection: close), then idle: the next head is due within the deadline
     * as well, and the connection is closed */
    for (int64_t until = mono_ms() + READ_LIMIT_MS;
         raw_read_some(kfd, &ok, 100) && mono_ms() < until;)
        ;
    assert_true(ok.closed);
    close(kfd);
    raw_release(&ok);
    assert_int_equal(itest_server_finish(&srv), 0);
    itest_server_release(&srv);
}

static int setup(void **state)
{
    UNUSED(state);
    return itest_fixture_setup(&F, NULL);
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&F);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicate_content_length),
        cmocka_unit_test(test_transfer_encoding),
        cmocka_unit_test(test_request_target),
        cmocka_unit_test(test_authorization),
        cmocka_unit_test(test_repeated_query),
        cmocka_unit_test(test_charset),
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_field_syntax),
        cmocka_unit_test(test_head_limits),
        cmocka_unit_test(test_if_match_unquoted),
        cmocka_unit_test(test_clean_shutdown),
        cmocka_unit_test(test_connections_per_address),
        cmocka_unit_test(test_request_head_deadline),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
