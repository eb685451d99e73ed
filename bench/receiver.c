/*
 * receiver.c — a fast local webhook receiver for the delivery benchmark (bench/run.sh,
 * bench/README.md "Delivery").
 *
 * What it is: one epoll thread that accepts keep-alive HTTP/1.1 connections on 127.0.0.1,
 * answers 200 to every POST as soon as its body is in, and records, per Idempotency-Key
 * (the submission id), the arrival time of the first copy (CLOCK_REALTIME, µs: the moment the
 * last byte of the request was read), how many copies came and whether a later copy's body
 * differs from the first's (BLAKE2b-128 of each body). With --secret-file it checks
 * Ichigen-Signature (HMAC-SHA256 over "<t>." || body, libsodium; the same scheme as
 * docs/delivery.md describes for real receivers) and answers 401 to a bad one; the check can
 * be switched off at run time to measure the sender's fast path.
 *
 * Control (answered on the same port, never recorded as deliveries):
 *   GET  /_stats                      one JSON object: counts, duplicates, bad signatures, the
 *                                     first and last arrival, rates (overall and steady: the
 *                                     middle 80 % of first arrivals), copies per path
 *   GET  /_arrivals                   text, one line per key in arrival order:
 *                                     "<key> <first arrival µs since the epoch> <copies>"
 *   POST /_reset?verify=0|1&receipt=0|1  forget every arrival and counter; set the options
 *
 * What it is not: a general HTTP server. It reads Content-Length bodies only (chunked requests
 * get 400), keeps no request after answering it, and does not use the service's code: it checks
 * the signatures the way an outside receiver would.
 *
 * It only listens on the loopback address and always stops by itself (--max-seconds, or
 * SIGTERM/SIGINT), printing the final /_stats object on stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../src/core/banned.h"

#define REQ_MAX (4u << 20) /* a request larger than this is answered 413 and dropped */
#define KEY_MAX 80         /* Idempotency-Key bytes kept (submission ids are 36) */
#define PATHS_MAX 16       /* distinct delivery paths counted separately */
#define SECRET_MAX 256

/* ---- arrivals: an append-only vector of first arrivals, indexed by an open-addressing hash ----
 */

struct arrival {
    char key[KEY_MAX + 1];
    int64_t first_us;
    uint32_t copies;
    unsigned char body_hash[16]; /* BLAKE2b-128 of the first copy's body */
};

struct arrivals {
    struct arrival *v; /* in order of first arrival */
    size_t n, cap;
    uint32_t *index; /* slot → 1 + position in v; 0 = empty */
    size_t slots;    /* a power of two, kept at least twice n */
};

static uint64_t key_hash(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
    return h;
}

static void arrivals_reindex(struct arrivals *a, size_t slots)
{
    free(a->index);
    a->slots = slots;
    a->index = calloc(slots, sizeof(*a->index));
    if (!a->index)
        abort();
    for (size_t i = 0; i < a->n; i++) {
        size_t s = key_hash(a->v[i].key, strlen(a->v[i].key)) & (slots - 1);
        while (a->index[s])
            s = (s + 1) & (slots - 1);
        a->index[s] = (uint32_t)(i + 1);
    }
}

static void arrivals_clear(struct arrivals *a)
{
    a->n = 0;
    arrivals_reindex(a, 1u << 16);
}

/* Records one copy of key whose body hashes to bh; returns the number of copies so far (1: the
 * first). *differs is set when a later copy's body is not the first copy's: an at-least-once
 * sender may repeat a delivery (another node after a lease ran out), but never change it. */
static uint32_t arrivals_add(struct arrivals *a, const char *key, size_t n, int64_t now_us,
                             const unsigned char bh[16], bool *differs)
{
    *differs = false;
    if (n > KEY_MAX)
        n = KEY_MAX;
    size_t s = key_hash(key, n) & (a->slots - 1);
    for (; a->index[s]; s = (s + 1) & (a->slots - 1)) {
        struct arrival *e = &a->v[a->index[s] - 1];
        if (!strncmp(e->key, key, n) && e->key[n] == '\0') {
            *differs = memcmp(e->body_hash, bh, 16) != 0;
            return ++e->copies;
        }
    }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 65536;
        struct arrival *v = realloc(a->v, cap * sizeof(*v));
        if (!v)
            abort();
        a->v = v;
        a->cap = cap;
    }
    struct arrival *e = &a->v[a->n++];
    memcpy(e->key, key, n);
    e->key[n] = '\0';
    e->first_us = now_us;
    e->copies = 1;
    memcpy(e->body_hash, bh, 16);
    a->index[s] = (uint32_t)a->n;
    if (2 * a->n > a->slots)
        arrivals_reindex(a, a->slots * 2);
    return 1;
}

/* ---- state ---- */

struct counters {
    uint64_t requests;   /* every request, control included */
    uint64_t deliveries; /* POSTs to a delivery path, whatever the answer */
    uint64_t duplicates; /* copies after the first of a key */
    uint64_t differing;  /* of those, copies whose body is not the first copy's */
    uint64_t no_key, bad_signature, bad_requests;
    uint64_t bytes_in;
    uint64_t path_n[PATHS_MAX + 1]; /* the last one: every other path */
    char path[PATHS_MAX][64];
    int npaths;
};

struct recv_state {
    int ep, lfd;
    bool verify, receipt;
    unsigned char secret[SECRET_MAX];
    size_t secret_len;
    int64_t tolerance_s;
    struct arrivals arr;
    struct counters c;
    uint64_t accepted, open_conns, max_open;
};

struct conn {
    int fd;
    char *in;
    size_t in_len, in_cap;
    char *out; /* what is left to send */
    size_t out_len, out_sent, out_cap;
    bool close_after, want_out;
};

static int64_t real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- output buffers ---- */

static void out_reserve(struct conn *c, size_t more)
{
    if (c->out_len + more <= c->out_cap)
        return;
    size_t cap = c->out_cap ? c->out_cap : 4096;
    while (cap < c->out_len + more)
        cap *= 2;
    char *p = realloc(c->out, cap);
    if (!p)
        abort();
    c->out = p;
    c->out_cap = cap;
}

static void out_put(struct conn *c, const char *s, size_t n)
{
    out_reserve(c, n);
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
}

static void out_printf(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(struct conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    out_reserve(c, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(c->out + c->out_len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    c->out_len += (size_t)n;
}

static void respond(struct conn *c, int status, const char *reason, const char *type,
                    const char *body, size_t len)
{
    out_printf(c, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n%s%s%s%s\r\n", status, reason, len,
               type ? "Content-Type: " : "", type ? type : "", type ? "\r\n" : "",
               c->close_after ? "Connection: close\r\n" : "");
    if (len)
        out_put(c, body, len);
}

/* ---- statistics ---- */

/* Deliveries per second between the first arrivals at quantiles lo and hi (0..1). */
static double rate_between(const struct arrivals *a, double lo, double hi)
{
    if (a->n < 10)
        return 0;
    size_t i = (size_t)(lo * (double)(a->n - 1)), k = (size_t)(hi * (double)(a->n - 1));
    int64_t dt = a->v[k].first_us - a->v[i].first_us;
    return dt > 0 ? (double)(k - i) * 1e6 / (double)dt : 0;
}

/* The busiest and the quietest whole second between the 10 % and 90 % first arrivals. */
static void second_extremes(const struct arrivals *a, double *lo, double *hi)
{
    *lo = *hi = 0;
    if (a->n < 10)
        return;
    size_t i0 = (a->n - 1) / 10, i1 = 9 * (a->n - 1) / 10;
    int64_t t0 = a->v[i0].first_us, end = a->v[i1].first_us;
    size_t i = i0;
    bool any = false;
    for (int64_t t = t0; t + 1000000 <= end; t += 1000000) {
        size_t n = 0;
        while (i <= i1 && a->v[i].first_us < t + 1000000)
            i++, n++;
        if (!any || (double)n < *lo)
            *lo = (double)n;
        if (!any || (double)n > *hi)
            *hi = (double)n;
        any = true;
    }
}

static void stats_json(const struct recv_state *s, struct conn *c)
{
    const struct arrivals *a = &s->arr;
    int64_t first = a->n ? a->v[0].first_us : 0, last = a->n ? a->v[a->n - 1].first_us : 0;
    double span = (double)(last - first) / 1e6, slo, shi;
    second_extremes(a, &slo, &shi);
    out_printf(c,
               "{\"unique\":%zu,\"deliveries\":%llu,\"duplicates\":%llu,\"differing\":%llu,"
               "\"no_key\":%llu,"
               "\"bad_signature\":%llu,\"bad_requests\":%llu,\"verify\":%s,\"receipt\":%s,"
               "\"first_ms\":%.3f,\"last_ms\":%.3f,\"span_s\":%.3f,\"overall_per_s\":%.1f,"
               "\"steady_per_s\":%.1f,\"steady_min_1s\":%.0f,\"steady_max_1s\":%.0f,"
               "\"bytes_in\":%llu,\"requests\":%llu,\"connections_accepted\":%llu,"
               "\"connections_max\":%llu,\"paths\":{",
               a->n, (unsigned long long)s->c.deliveries, (unsigned long long)s->c.duplicates,
               (unsigned long long)s->c.differing,
               (unsigned long long)s->c.no_key, (unsigned long long)s->c.bad_signature,
               (unsigned long long)s->c.bad_requests, s->verify ? "true" : "false",
               s->receipt ? "true" : "false", (double)first / 1e3, (double)last / 1e3, span,
               span > 0 ? (double)(a->n - 1) / span : 0, rate_between(a, 0.1, 0.9), slo, shi,
               (unsigned long long)s->c.bytes_in, (unsigned long long)s->c.requests,
               (unsigned long long)s->accepted, (unsigned long long)s->max_open);
    for (int i = 0; i < s->c.npaths; i++)
        out_printf(c, "%s\"%s\":%llu", i ? "," : "", s->c.path[i],
                   (unsigned long long)s->c.path_n[i]);
    if (s->c.path_n[PATHS_MAX])
        out_printf(c, "%s\"other\":%llu", s->c.npaths ? "," : "",
                   (unsigned long long)s->c.path_n[PATHS_MAX]);
    out_printf(c, "}}\n");
}

static void count_path(struct counters *c, const char *p, size_t n)
{
    for (int i = 0; i < c->npaths; i++)
        if (strlen(c->path[i]) == n && !memcmp(c->path[i], p, n)) {
            c->path_n[i]++;
            return;
        }
    bool plain = n < sizeof(c->path[0]);
    for (size_t i = 0; i < n && plain; i++)
        plain = p[i] > ' ' && p[i] != '"' && p[i] != '\\' && (unsigned char)p[i] < 0x7f;
    if (c->npaths == PATHS_MAX || !plain) {
        c->path_n[PATHS_MAX]++;
        return;
    }
    memcpy(c->path[c->npaths], p, n);
    c->path[c->npaths][n] = '\0';
    c->path_n[c->npaths++] = 1;
}

/* ---- requests ---- */

struct request {
    const char *method, *path, *query;
    size_t method_len, path_len, query_len;
    const char *key, *sig; /* header values, not terminated */
    size_t key_len, sig_len;
    const char *body;
    size_t body_len;
};

/* Ichigen-Signature: "t=<unix seconds>,v1=<64 lower-case hex>" over "<t>." || body. */
static bool signature_ok(const struct recv_state *s, const struct request *q)
{
    char hdr[128], got[65], want[65], prefix[32];
    long long t;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    if (!q->sig || q->sig_len >= sizeof(hdr))
        return false;
    memcpy(hdr, q->sig, q->sig_len);
    hdr[q->sig_len] = '\0';
    if (sscanf(hdr, "t=%lld,v1=%64[0-9a-f]", &t, got) != 2 || strlen(got) != 64)
        return false;
    int64_t now = real_us() / 1000000;
    if (t < now - s->tolerance_s || t > now + s->tolerance_s)
        return false;
    int pn = snprintf(prefix, sizeof(prefix), "%lld.", t);
    crypto_auth_hmacsha256_init(&st, s->secret, s->secret_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)prefix, (unsigned long long)pn);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)q->body, q->body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    for (size_t i = 0; i < sizeof(mac); i++)
        snprintf(want + 2 * i, 3, "%02x", mac[i]);
    return sodium_memcmp(got, want, 64) == 0;
}

static bool query_flag(const struct request *q, const char *name, bool *out)
{
    size_t nl = strlen(name);
    for (const char *p = q->query; p && p + nl + 1 < q->query + q->query_len; p++)
        if ((p == q->query || p[-1] == '&') && !strncmp(p, name, nl) && p[nl] == '=') {
            *out = p[nl + 1] == '1';
            return true;
        }
    return false;
}

static void on_control(struct recv_state *s, struct conn *c, const struct request *q)
{
    bool get = q->method_len == 3 && !memcmp(q->method, "GET", 3);
    bool stats = q->path_len == 7 && !memcmp(q->path, "/_stats", 7);
    bool arr = q->path_len == 10 && !memcmp(q->path, "/_arrivals", 10);
    bool reset = q->path_len == 7 && !memcmp(q->path, "/_reset", 7);
    if (get && stats) {
        size_t at = c->out_len;
        stats_json(s, c);
        size_t len = c->out_len - at;
        char *body = malloc(len);
        memcpy(body, c->out + at, len);
        c->out_len = at;
        respond(c, 200, "OK", "application/json", body, len);
        free(body);
    } else if (get && arr) {
        out_printf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ");
        size_t mark = c->out_len;
        out_printf(c, "%-20s\r\n\r\n", "0"); /* patched below */
        size_t body_at = c->out_len;
        for (size_t i = 0; i < s->arr.n; i++)
            out_printf(c, "%s %lld %u\n", s->arr.v[i].key, (long long)s->arr.v[i].first_us,
                       s->arr.v[i].copies);
        char num[24];
        int nn = snprintf(num, sizeof(num), "%-20zu", c->out_len - body_at);
        memcpy(c->out + mark, num, (size_t)nn);
    } else if (!get && reset) {
        query_flag(q, "verify", &s->verify);
        query_flag(q, "receipt", &s->receipt);
        s->verify = s->verify && s->secret_len;
        arrivals_clear(&s->arr);
        memset(&s->c, 0, sizeof(s->c));
        respond(c, 200, "OK", "application/json", "{}", 2);
    } else {
        respond(c, 404, "Not Found", NULL, NULL, 0);
    }
}

static void on_delivery(struct recv_state *s, struct conn *c, const struct request *q,
                        int64_t now_us)
{
    char receipt[160];
    s->c.deliveries++;
    count_path(&s->c, q->path, q->path_len);
    if (s->verify && !signature_ok(s, q)) {
        s->c.bad_signature++;
        respond(c, 401, "Unauthorized", NULL, NULL, 0);
        return;
    }
    if (!q->key) {
        s->c.no_key++;
    } else {
        unsigned char bh[16];
        bool differs;
        crypto_generichash(bh, sizeof(bh), (const unsigned char *)q->body,
                           (unsigned long long)q->body_len, NULL, 0);
        if (arrivals_add(&s->arr, q->key, q->key_len, now_us, bh, &differs) > 1) {
            s->c.duplicates++;
            s->c.differing += differs;
        }
    }
    if (!s->receipt) {
        respond(c, 200, "OK", NULL, NULL, 0);
        return;
    }
    int n =
        snprintf(receipt, sizeof(receipt), "{\"receipt\":{\"reference\":\"bench-%zu\"}}", s->arr.n);
    respond(c, 200, "OK", "application/json", receipt, (size_t)n);
}

/* Header value of name in the header block [h, end), or NULL; *len is its length. */
static const char *header(const char *h, const char *end, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = h; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            break;
        if ((size_t)(eol - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1, *e = eol;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                e--;
            *len = (size_t)(e - v);
            return v;
        }
        p = eol + 1;
    }
    return NULL;
}

/* Parses one request at the start of in[0..len). Returns its total length, 0 when more bytes
 * are needed, -1 when it is malformed (answered 400; the connection closes after it). Sets
 * *close when the client asked for "Connection: close". */
static long parse_request(const char *in, size_t len, struct request *q, bool *close)
{
    const char *end = memmem(in, len, "\r\n\r\n", 4);
    size_t n, head_len;
    if (!end)
        return len > 65536 ? -1 : 0;
    head_len = (size_t)(end - in) + 4;
    memset(q, 0, sizeof(*q));
    const char *sp1 = memchr(in, ' ', head_len), *sp2;
    if (!sp1 || !(sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1))))
        return -1;
    q->method = in;
    q->method_len = (size_t)(sp1 - in);
    q->path = sp1 + 1;
    q->path_len = (size_t)(sp2 - q->path);
    const char *qm = memchr(q->path, '?', q->path_len);
    if (qm) {
        q->query = qm + 1;
        q->query_len = (size_t)(sp2 - qm - 1);
        q->path_len = (size_t)(qm - q->path);
    }
    const char *hs = (const char *)memchr(in, '\n', head_len) + 1, *he = end + 2;
    const char *v;
    if (header(hs, he, "Transfer-Encoding", &n))
        return -1;
    long long body = 0;
    if ((v = header(hs, he, "Content-Length", &n))) {
        char *e;
        errno = 0;
        body = strtoll(v, &e, 10);
        if (errno || e == v || body < 0 || (unsigned long long)body > REQ_MAX)
            return -1;
    }
    bool wants_close =
        (v = header(hs, he, "Connection", &n)) && n == 5 && !strncasecmp(v, "close", 5);
    q->key = header(hs, he, "Idempotency-Key", &q->key_len);
    q->sig = header(hs, he, "Ichigen-Signature", &q->sig_len);
    if (len < head_len + (size_t)body)
        return 0;
    *close = wants_close;
    q->body = in + head_len;
    q->body_len = (size_t)body;
    return (long)(head_len + (size_t)body);
}

/* ---- connections ---- */

static void conn_free(struct recv_state *s, struct conn *c)
{
    epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
    s->open_conns--;
}

/* Sends what is pending. Returns 0, or -1 when the connection is finished (closed or failed). */
static int conn_flush(struct recv_state *s, struct conn *c)
{
    while (c->out_sent < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c->want_out) {
                struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
                epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
                c->want_out = true;
            }
            return 0;
        }
        if (n <= 0)
            return -1;
        c->out_sent += (size_t)n;
    }
    c->out_len = c->out_sent = 0;
    if (c->want_out) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = false;
    }
    return c->close_after ? -1 : 0;
}

/* Answers every complete request in c->in. Returns -1 when the connection must close. */
static int conn_process(struct recv_state *s, struct conn *c, int64_t now_us)
{
    size_t used = 0;
    for (;;) {
        struct request q;
        long n = parse_request(c->in + used, c->in_len - used, &q, &c->close_after);
        if (n == 0)
            break;
        s->c.requests++;
        if (n < 0) {
            s->c.bad_requests++;
            c->close_after = true;
            respond(c, 400, "Bad Request", NULL, NULL, 0);
            used = c->in_len;
            break;
        }
        if (q.path_len >= 2 && q.path[0] == '/' && q.path[1] == '_')
            on_control(s, c, &q);
        else if (q.method_len == 4 && !memcmp(q.method, "POST", 4))
            on_delivery(s, c, &q, now_us);
        else
            respond(c, 405, "Method Not Allowed", NULL, NULL, 0);
        used += (size_t)n;
        if (c->close_after)
            break;
    }
    if (used) {
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
    }
    return conn_flush(s, c);
}

static int conn_readable(struct recv_state *s, struct conn *c)
{
    for (;;) {
        if (c->in_cap - c->in_len < 16384) {
            size_t cap = c->in_cap ? c->in_cap * 2 : 32768;
            if (cap > REQ_MAX + 131072)
                return -1;
            char *p = realloc(c->in, cap);
            if (!p)
                return -1;
            c->in = p;
            c->in_cap = cap;
        }
        ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0)
            return -1;
        s->c.bytes_in += (uint64_t)n;
        c->in_len += (size_t)n;
        /* the clock is read once per read that may complete requests */
        if (conn_process(s, c, real_us()))
            return -1;
    }
}

static void accept_all(struct recv_state *s)
{
    int one = 1;
    for (;;) {
        int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = calloc(1, sizeof(*c));
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
        s->accepted++;
        if (++s->open_conns > s->max_open)
            s->max_open = s->open_conns;
    }
}

/* ---- setup ---- */

struct opts {
    int port;
    const char *ready_file, *secret_file;
    int verify; /* -1: on when a secret is given */
    bool receipt;
    double max_seconds;
};

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: receiver [options]\n"
               "  --port N            port on 127.0.0.1 (default 0: any free port)\n"
               "  --ready-file F      write the port to F once listening\n"
               "  --secret-file F     webhook secret (first line of F): check signatures\n"
               "  --verify 0|1        check signatures (default 1 with a secret)\n"
               "  --receipt           answer {\"receipt\":{\"reference\":…}} instead of nothing\n"
               "  --max-seconds S     stop after S seconds (default 1800)\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {{"port", 1, 0, 'p'},        {"ready-file", 1, 0, 'r'},
                                       {"secret-file", 1, 0, 's'}, {"verify", 1, 0, 'v'},
                                       {"receipt", 0, 0, 'R'},     {"max-seconds", 1, 0, 'm'},
                                       {"help", 0, 0, 'h'},        {0, 0, 0, 0}};
    int ch;
    char *e;
    *o = (struct opts){.verify = -1, .max_seconds = 1800};
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'p':
            o->port = (int)strtol(optarg, &e, 10);
            if (*e || o->port < 0 || o->port > 65535)
                return -1;
            break;
        case 'r':
            o->ready_file = optarg;
            break;
        case 's':
            o->secret_file = optarg;
            break;
        case 'v':
            o->verify = optarg[0] == '1';
            break;
        case 'R':
            o->receipt = true;
            break;
        case 'm':
            o->max_seconds = strtod(optarg, &e);
            if (*e || o->max_seconds <= 0 || o->max_seconds > 86400)
                return -1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return -1;
        }
    }
    return optind == argc ? 0 : -1;
}

static int load_secret(struct recv_state *s, const char *path)
{
    char line[SECRET_MAX + 2];
    FILE *f = fopen(path, "r");
    if (!f || !fgets(line, sizeof(line), f)) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    s->secret_len = strcspn(line, "\r\n");
    memcpy(s->secret, line, s->secret_len);
    return s->secret_len ? 0 : -1;
}

static int listen_on(struct recv_state *s, int port, int *bound)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t al = sizeof(a);
    int one = 1;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->lfd < 0)
        return -1;
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) || listen(s->lfd, 4096) ||
        getsockname(s->lfd, (struct sockaddr *)&a, &al))
        return -1;
    *bound = ntohs(a.sin_port);
    return 0;
}

static int write_ready(const char *path, int port)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%d\n", port);
    if (fclose(f))
        return -1;
    return rename(tmp, path);
}

static void serve(struct recv_state *s, double max_seconds)
{
    struct epoll_event evs[256];
    int64_t deadline = real_us() + (int64_t)(max_seconds * 1e6);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd, &lev);
    while (!stop_flag && real_us() < deadline) {
        int n = epoll_wait(s->ep, evs, 256, 200);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                accept_all(s);
                continue;
            }
            int bad = 0;
            if (evs[i].events & EPOLLOUT)
                bad = conn_flush(s, c);
            if (!bad && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                bad = conn_readable(s, c);
            if (bad)
                conn_free(s, c);
        }
    }
}

int main(int argc, char **argv)
{
    struct opts o;
    struct recv_state s;
    int port = 0;
    memset(&s, 0, sizeof(s));
    if (parse_opts(argc, argv, &o)) {
        usage(stderr);
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    if (o.secret_file && load_secret(&s, o.secret_file)) {
        fprintf(stderr, "receiver: cannot read a secret from %s\n", o.secret_file);
        return 1;
    }
    s.verify = s.secret_len && o.verify != 0;
    s.receipt = o.receipt;
    s.tolerance_s = 300;
    arrivals_clear(&s.arr);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    s.ep = epoll_create1(EPOLL_CLOEXEC);
    if (s.ep < 0 || listen_on(&s, o.port, &port)) {
        fprintf(stderr, "receiver: cannot listen on 127.0.0.1:%d: %s\n", o.port, strerror(errno));
        return 1;
    }
    if (o.ready_file && write_ready(o.ready_file, port)) {
        fprintf(stderr, "receiver: cannot write %s\n", o.ready_file);
        return 1;
    }
    fprintf(stderr, "receiver: listening on 127.0.0.1:%d (signatures %s)\n", port,
            s.verify ? "checked" : "not checked");
    serve(&s, o.max_seconds);
    struct conn out = {0};
    stats_json(&s, &out);
    fwrite(out.out, 1, out.out_len, stdout);
    free(out.out);
    free(s.arr.v);
    free(s.arr.index);
    close(s.lfd);
    close(s.ep);
    return 0;
}
