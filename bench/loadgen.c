/*
 * loadgen.c — a closed-loop HTTP/1.1 load generator for ichigen's benchmarks (bench/run.sh).
 *
 * What it is: T worker threads, each driving its share of N persistent keep-alive connections
 * through epoll. Every connection sends one request, waits for the whole response
 * (Content-Length framing; chunked answers are counted as errors because the server never
 * sends them) and sends the next at once. After a warm-up the run is measured for a fixed
 * duration: throughput from the responses completed inside the window, latency from each
 * request's first byte written to its last byte read, kept in log-linear buckets (1/64
 * relative resolution, like HdrHistogram) so p99 is exact to within ~1.6%.
 *
 * Modes:
 *   health  GET /healthz: the cost of the HTTP stack alone (no auth, no database).
 *   get     GET --path (no auth), with `Accept-Encoding: gzip` when --gzip: the web UI's
 *           static files (issue 12).
 *   read    GET /api/v1/reports/{id}, ids drawn at random from --ids-in.
 *   create  POST /api/v1/reports with the --body report; every request is distinct (a run tag
 *           and a per-connection counter go into description.summary) and carries a unique
 *           Idempotency-Key, so the server stores every one. --ids-out writes the id of every
 *           acknowledged (2xx) report, including those answered during warm-up and drain.
 *
 * What it is not: an open-loop (fixed arrival rate) generator, so latency is what a client that
 * waits for each answer sees; it does not correct for coordinated omission.
 *
 * Output: a readable summary on stderr and one JSON object (one line) on stdout.
 * It only connects to the address given (default 127.0.0.1) and always stops by itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "body_template.h"
#include "../src/core/banned.h"

#define MAX_CONNS 4096
#define MAX_THREADS 64
#define RESP_MAX (16u << 20) /* a response larger than this is an error */

/* ---- latency histogram: log-linear buckets over nanoseconds ---- */

#define H_SUB_BITS 7                   /* 128 linear sub-buckets below 128 ns … */
#define H_HALF (1 << (H_SUB_BITS - 1)) /* … then 64 per power of two */
#define H_MAX_POW 40                   /* 2^40 ns ≈ 18 min: more than any timeout */
#define H_NBUCKETS ((H_MAX_POW - H_SUB_BITS + 2) * H_HALF)

struct histo {
    uint64_t n[H_NBUCKETS];
    uint64_t count, sum_ns, max_ns, min_ns;
};

static int h_index(uint64_t v)
{
    if (v >= (1ull << H_MAX_POW))
        v = (1ull << H_MAX_POW) - 1;
    int pow = 63 - __builtin_clzll(v | (1u << (H_SUB_BITS - 1)) | 1u);
    int shift = pow - (H_SUB_BITS - 1);
    return shift * H_HALF + (int)(v >> shift);
}

/* The middle of the values bucket i holds. */
static uint64_t h_value(int i)
{
    if (i < 2 * H_HALF)
        return (uint64_t)i;
    int shift = i / H_HALF - 1;
    uint64_t sub = (uint64_t)(i - shift * H_HALF);
    return (sub << shift) + ((1ull << shift) >> 1);
}

static void h_add(struct histo *h, uint64_t ns)
{
    h->n[h_index(ns)]++;
    if (!h->count || ns < h->min_ns)
        h->min_ns = ns;
    if (ns > h->max_ns)
        h->max_ns = ns;
    h->count++;
    h->sum_ns += ns;
}

static void h_merge(struct histo *into, const struct histo *h)
{
    for (int i = 0; i < H_NBUCKETS; i++)
        into->n[i] += h->n[i];
    if (h->count && (!into->count || h->min_ns < into->min_ns))
        into->min_ns = h->min_ns;
    if (h->max_ns > into->max_ns)
        into->max_ns = h->max_ns;
    into->count += h->count;
    into->sum_ns += h->sum_ns;
}

/* The q-quantile (0..1) in nanoseconds: the smallest bucket with at least ceil(q·count)
 * observations at or below it, clipped to the true extremes. */
static uint64_t h_quantile(const struct histo *h, double q)
{
    if (!h->count)
        return 0;
    if (q >= 1)
        return h->max_ns;
    uint64_t want = (uint64_t)(q * (double)h->count + 0.999999), seen = 0;
    if (want < 1)
        want = 1;
    for (int i = 0; i < H_NBUCKETS; i++) {
        seen += h->n[i];
        if (seen >= want) {
            uint64_t v = h_value(i);
            return v > h->max_ns ? h->max_ns : v < h->min_ns ? h->min_ns : v;
        }
    }
    return h->max_ns;
}

/* ---- options ---- */

enum mode { MODE_HEALTH, MODE_READ, MODE_CREATE, MODE_VERIFY, MODE_GET };
static const char *const mode_names[] = {"health", "read", "create", "verify", "get"};

struct opts {
    const char *host;
    int port;
    enum mode mode;
    int conns, threads;
    double duration_s, warmup_s, timeout_s, drain_s;
    const char *token;
    const char *body_path, *ids_in, *ids_out, *label, *expect;
    const char *path; /* get */
    bool gzip;        /* get */
    const char *accept; /* get: "Accept: …\r\n" when --accept was given, else NULL */
    char accept_line[200];
};

/* ---- shared run state ---- */

struct run {
    struct opts o;
    struct sockaddr_in addr;
    char tag[24];              /* distinguishes this run's reports and idempotency keys */
    struct body_template body; /* create: the body around the sequence number */
    char **ids;                /* read, verify: the ids to fetch */
    size_t nids;
    atomic_size_t next_id;                                /* verify: the next id to fetch */
    int64_t t_start, t_measure, t_end, t_drain, t_finish; /* monotonic ns */
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- per-connection and per-thread state ---- */

struct worker;

struct conn {
    struct worker *w;
    int fd, idx;
    bool busy, want_out, done;
    char *req;
    size_t req_len, req_cap, req_sent;
    char *resp;
    size_t resp_len, resp_cap, hdr_len;
    long long body_len; /* -1 until the headers are in */
    int status;
    bool close_after;
    int64_t t_sent;
    uint64_t seq, rng;
};

struct stats {
    struct histo lat;               /* every response completed inside the window */
    uint64_t ok, non2xx, status[6]; /* status[k]: kxx responses inside the window */
    uint64_t sock_errors, timeouts, reconnects, bad_responses;
    uint64_t bytes_out, bytes_in;
    uint64_t acked_total; /* 2xx at any time (warm-up and drain included) */
    uint64_t first_bad_status;
    uint64_t mismatched; /* verify: 200 answers without the --expect text */
};

struct worker {
    struct run *run;
    pthread_t th;
    int ep;
    struct conn *conns;
    int nconns;
    struct stats st;
    FILE *ids; /* create: acknowledged ids (a per-thread temporary file) */
    char err[160];
};

/* ---- requests ---- */

static int req_reserve(struct conn *c, size_t n)
{
    if (n <= c->req_cap)
        return 0;
    char *p = realloc(c->req, n);
    if (!p)
        return -1;
    c->req = p;
    c->req_cap = n;
    return 0;
}

/* Builds the next request for c into c->req. Returns 0, 1 when there is no more work
 * (verify), or -1. */
static int build_request(struct conn *c)
{
    const struct run *r = c->w->run;
    const struct opts *o = &r->o;
    char head[1024], seq[64];
    int hn, sn = 0;
    c->seq++;
    if (o->mode == MODE_HEALTH) {
        hn = snprintf(head, sizeof(head), "GET /healthz HTTP/1.1\r\nHost: %s:%d\r\n\r\n", o->host,
                      o->port);
    } else if (o->mode == MODE_GET) {
        char auth[160] = "";
        if (o->token) /* a signed-in reader (the TAXII figures of issue 13) */
            snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", o->token);
        hn = snprintf(head, sizeof(head), "GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s%s%s\r\n", o->path,
                      o->host, o->port, o->gzip ? "Accept-Encoding: gzip\r\n" : "", auth,
                      o->accept ? o->accept : "");
    } else if (o->mode == MODE_READ) {
        c->rng ^= c->rng << 13, c->rng ^= c->rng >> 7, c->rng ^= c->rng << 17;
        hn = snprintf(head, sizeof(head),
                      "GET /api/v1/reports/%s HTTP/1.1\r\nHost: %s:%d\r\n"
                      "Authorization: Bearer %s\r\n\r\n",
                      r->ids[c->rng % r->nids], o->host, o->port, o->token);
    } else if (o->mode == MODE_VERIFY) {
        size_t i = atomic_fetch_add(&c->w->run->next_id, 1);
        if (i >= r->nids)
            return 1;
        hn = snprintf(head, sizeof(head),
                      "GET /api/v1/reports/%s HTTP/1.1\r\nHost: %s:%d\r\n"
                      "Authorization: Bearer %s\r\n\r\n",
                      r->ids[i], o->host, o->port, o->token);
    } else {
        sn = snprintf(seq, sizeof(seq), "%s-%d-%llu", r->tag, c->idx, (unsigned long long)c->seq);
        hn = snprintf(head, sizeof(head),
                      "POST /api/v1/reports HTTP/1.1\r\nHost: %s:%d\r\n"
                      "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                      "Idempotency-Key: lg-%s\r\nContent-Length: %zu\r\n\r\n",
                      o->host, o->port, o->token, seq,
                      r->body.pre_len + (size_t)sn + r->body.post_len);
    }
    if (hn < 0 || (size_t)hn >= sizeof(head) || sn < 0 || (size_t)sn >= sizeof(seq))
        return -1;
    size_t total =
        (size_t)hn + (o->mode == MODE_CREATE ? r->body.pre_len + (size_t)sn + r->body.post_len : 0);
    if (req_reserve(c, total))
        return -1;
    memcpy(c->req, head, (size_t)hn);
    if (o->mode == MODE_CREATE) {
        char *p = c->req + hn;
        memcpy(p, r->body.pre, r->body.pre_len);
        memcpy(p + r->body.pre_len, seq, (size_t)sn);
        memcpy(p + r->body.pre_len + (size_t)sn, r->body.post, r->body.post_len);
    }
    c->req_len = total;
    c->req_sent = 0;
    return 0;
}

static void set_events(struct conn *c, bool want_out)
{
    if (c->want_out == want_out)
        return;
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0u), .data.ptr = c};
    epoll_ctl(c->w->ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = want_out;
}

/* Writes what the socket takes. Returns 0, or -1 when the connection failed. */
static int flush_request(struct conn *c)
{
    while (c->req_sent < c->req_len) {
        ssize_t n = send(c->fd, c->req + c->req_sent, c->req_len - c->req_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_events(c, true);
            return 0;
        }
        if (n <= 0)
            return -1;
        c->req_sent += (size_t)n;
        c->w->st.bytes_out += (uint64_t)n;
    }
    set_events(c, false);
    return 0;
}

/* Returns 0 when a request is on its way, 1 when there is no more work, -1 on failure. */
static int start_request(struct conn *c)
{
    int rc = build_request(c);
    if (rc)
        return rc;
    c->resp_len = c->hdr_len = 0;
    c->body_len = -1;
    c->status = 0;
    c->close_after = false;
    c->busy = true;
    c->t_sent = mono_ns();
    return flush_request(c);
}

/* ---- connections ---- */

static int conn_open(struct conn *c)
{
    const struct run *r = c->w->run;
    int one = 1;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    if (connect(c->fd, (const struct sockaddr *)&r->addr, sizeof(r->addr))) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    c->want_out = false;
    return epoll_ctl(c->w->ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void conn_close(struct conn *c)
{
    if (c->fd >= 0) {
        epoll_ctl(c->w->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->busy = false;
}

/* Drops a broken connection and, unless the run is over, opens a new one and carries on. */
static void conn_restart(struct conn *c, int64_t now)
{
    conn_close(c);
    if (now >= c->w->run->t_end) {
        c->done = true;
        return;
    }
    c->w->st.reconnects++;
    int rc = conn_open(c) ? -1 : start_request(c);
    if (rc) {
        c->w->st.sock_errors += rc < 0;
        conn_close(c);
        c->done = true; /* the server is gone (or the work is): stop using this slot */
    }
}

/* ---- responses ---- */

static const char *find_header(const char *h, size_t n, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = h; p && p < h + n;) {
        const char *eol = memchr(p, '\n', (size_t)(h + n - p));
        if (!eol)
            return NULL;
        if ((size_t)(eol - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
            p += nl + 1;
            while (*p == ' ' || *p == '\t')
                p++;
            return p;
        }
        p = eol + 1;
    }
    return NULL;
}

/* Parses the status line and headers once "\r\n\r\n" has arrived. Returns 0 or -1. */
static int parse_head(struct conn *c)
{
    char *end = memmem(c->resp, c->resp_len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    c->hdr_len = (size_t)(end - c->resp) + 4;
    if (c->hdr_len < 13 || strncmp(c->resp, "HTTP/1.", 7) || c->resp[8] != ' ')
        return -1;
    c->status = (c->resp[9] - '0') * 100 + (c->resp[10] - '0') * 10 + (c->resp[11] - '0');
    const char *cl = find_header(c->resp, c->hdr_len, "Content-Length");
    const char *te = find_header(c->resp, c->hdr_len, "Transfer-Encoding");
    const char *cn = find_header(c->resp, c->hdr_len, "Connection");
    if (te || !cl)
        return -1; /* ichigen always sends Content-Length */
    char *e;
    errno = 0;
    c->body_len = strtoll(cl, &e, 10);
    if (errno || e == cl || c->body_len < 0 || (unsigned long long)c->body_len > RESP_MAX)
        return -1;
    c->close_after = cn && !strncasecmp(cn, "close", 5);
    return 0;
}

static void record_id(struct conn *c)
{
    const char *loc = find_header(c->resp, c->hdr_len, "Location");
    const char *pfx = "/api/v1/reports/";
    if (!c->w->ids || !loc || strncmp(loc, pfx, strlen(pfx)))
        return;
    loc += strlen(pfx);
    size_t n = strcspn(loc, "\r\n/");
    fprintf(c->w->ids, "%.*s\n", (int)n, loc);
}

/* A whole response is in: account for it, then send the next request or finish. */
static void on_response(struct conn *c, int64_t now)
{
    struct worker *w = c->w;
    const struct run *r = w->run;
    bool ok = c->status >= 200 && c->status < 300;
    c->busy = false;
    if (ok && r->o.expect &&
        !memmem(c->resp + c->hdr_len, (size_t)c->body_len, r->o.expect, strlen(r->o.expect))) {
        ok = false;
        w->st.mismatched++;
    }
    if (ok) {
        w->st.acked_total++;
        if (r->o.mode == MODE_CREATE)
            record_id(c);
    }
    if (now >= r->t_measure && now < r->t_end && c->t_sent >= r->t_start) {
        h_add(&w->st.lat, (uint64_t)(now - c->t_sent));
        if (ok) {
            w->st.ok++;
        } else {
            w->st.non2xx++;
            if (!w->st.first_bad_status)
                w->st.first_bad_status = (uint64_t)c->status;
        }
        if (c->status >= 100 && c->status < 600)
            w->st.status[c->status / 100]++;
    }
    int rc = 1;
    if (now < r->t_end && c->close_after) {
        conn_restart(c, now);
        return;
    }
    if (now < r->t_end)
        rc = start_request(c);
    if (rc > 0) {
        conn_close(c);
        c->done = true;
    } else if (rc < 0) {
        w->st.sock_errors++;
        conn_restart(c, now);
    }
}

static int resp_reserve(struct conn *c, size_t want)
{
    if (want <= c->resp_cap)
        return 0;
    size_t cap = c->resp_cap ? c->resp_cap : 16384;
    while (cap < want)
        cap *= 2;
    if (cap > RESP_MAX + 65536)
        return -1;
    char *p = realloc(c->resp, cap + 1);
    if (!p)
        return -1;
    c->resp = p;
    c->resp_cap = cap;
    return 0;
}

/* Reads what is available. Returns 0, or -1 when the connection must be dropped. */
static int on_readable(struct conn *c, int64_t now)
{
    for (;;) {
        if (resp_reserve(c, c->resp_len + 8192))
            return -1;
        ssize_t n = recv(c->fd, c->resp + c->resp_len, c->resp_cap - c->resp_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0 || !c->busy)
            return -1; /* closed, failed, or bytes nobody asked for */
        c->w->st.bytes_in += (uint64_t)n;
        c->resp_len += (size_t)n;
        c->resp[c->resp_len] = '\0';
        if (!c->hdr_len && parse_head(c)) {
            c->w->st.bad_responses++;
            return -1;
        }
        if (c->hdr_len && c->resp_len >= c->hdr_len + (size_t)c->body_len) {
            on_response(c, now);
            return 0;
        }
    }
}

/* ---- worker threads ---- */

static void check_timeouts(struct worker *w, int64_t now)
{
    int64_t limit = (int64_t)(w->run->o.timeout_s * 1e9);
    for (int i = 0; i < w->nconns; i++) {
        struct conn *c = &w->conns[i];
        if (c->fd >= 0 && c->busy && now - c->t_sent > limit) {
            w->st.timeouts++;
            conn_restart(c, now);
        }
    }
}

static bool all_done(struct worker *w, int64_t now)
{
    const struct run *r = w->run;
    int open = 0;
    for (int i = 0; i < w->nconns; i++) {
        struct conn *c = &w->conns[i];
        if (c->fd >= 0 && now >= r->t_end && !c->busy)
            conn_close(c), c->done = true;
        open += c->fd >= 0;
    }
    return open == 0 || now >= r->t_drain;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct epoll_event evs[64];
    for (int i = 0; i < w->nconns; i++) {
        int rc = start_request(&w->conns[i]);
        if (rc) {
            w->st.sock_errors += rc < 0;
            conn_close(&w->conns[i]);
        }
    }
    for (;;) {
        int n = epoll_wait(w->ep, evs, 64, 50);
        int64_t now = mono_ns();
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c->fd < 0)
                continue;
            int bad = 0;
            if (evs[i].events & EPOLLOUT)
                bad = flush_request(c);
            if (!bad && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                bad = on_readable(c, now);
            if (bad) {
                w->st.sock_errors++;
                conn_restart(c, now);
            }
        }
        check_timeouts(w, now);
        if (all_done(w, now))
            break;
    }
    for (int i = 0; i < w->nconns; i++) {
        if (w->conns[i].busy)
            w->st.timeouts++; /* still unanswered at the end of the drain */
        conn_close(&w->conns[i]);
    }
    return NULL;
}

/* ---- setup ---- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n + 65536 > cap) {
            char *q = realloc(p, cap = cap * 2 + 65536 + 1);
            if (!q)
                break;
            p = q;
        }
        size_t got = fread(p + n, 1, cap - n - 1, f);
        n += got;
        if (!got)
            break;
    }
    fclose(f);
    if (p) {
        p[n] = '\0';
        *len = n;
    }
    return p;
}

static int load_ids(struct run *r, const char *path)
{
    size_t len = 0, cap = 0;
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(stderr, "loadgen: cannot read %s\n", path);
        return -1;
    }
    for (char *p = text; *p;) {
        size_t n = strcspn(p, "\r\n");
        if (n > 0 && n < 80) {
            if (r->nids == cap) {
                cap = cap ? cap * 2 : 1024;
                r->ids = realloc(r->ids, cap * sizeof(*r->ids));
            }
            r->ids[r->nids++] = strndup(p, n);
        }
        p += n;
        p += strspn(p, "\r\n");
    }
    free(text);
    if (!r->nids)
        fprintf(stderr, "loadgen: %s holds no ids\n", path);
    return r->nids ? 0 : -1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loadgen --mode health|read|create|verify|get [options]\n"
            "  (verify: GET every id of --ids-in once, then stop)\n"
            "  --host ADDR          server address (default 127.0.0.1)\n"
            "  --port N             server port (required)\n"
            "  --connections N      keep-alive connections (default 64)\n"
            "  --threads N          worker threads sharing them (default 2)\n"
            "  --duration S         measured seconds (default 10)\n"
            "  --warmup S           seconds before measuring (default 2)\n"
            "  --timeout S          a request unanswered this long is an error (default 10)\n"
            "  --token-file F       bearer token (first line of F); read, create\n"
            "  --body F             create: the report to post (a description.summary is needed)\n"
            "  --ids-in F           read: ids to fetch, one per line\n"
            "  --ids-out F          create: write the id of every acknowledged report\n"
            "  --expect S           verify: a 200 must contain S (e.g. the creating run's tag)\n"
            "  --label S            a name carried into the JSON result\n"
            "  --path P             get: the path to fetch (e.g. /assets/index-abc.js)\n"
            "  --gzip               get: send Accept-Encoding: gzip\n"
            "  --accept T           get: send Accept: T (e.g. a TAXII media type)\n"
            "  (get sends the --token-file token as a bearer token when one is given)\n");
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (errno || e == s || *e || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static char *read_token(const char *path)
{
    size_t n = 0;
    char *t = read_file(path, &n);
    if (t)
        t[strcspn(t, "\r\n")] = '\0';
    return t;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        {"host", 1, 0, 'h'},        {"port", 1, 0, 'p'},    {"mode", 1, 0, 'm'},
        {"connections", 1, 0, 'c'}, {"threads", 1, 0, 't'}, {"duration", 1, 0, 'd'},
        {"warmup", 1, 0, 'w'},      {"timeout", 1, 0, 'T'}, {"token-file", 1, 0, 'k'},
        {"body", 1, 0, 'b'},        {"ids-in", 1, 0, 'i'},  {"ids-out", 1, 0, 'o'},
        {"label", 1, 0, 'l'},       {"expect", 1, 0, 'e'},  {"path", 1, 0, 'P'},
        {"gzip", 0, 0, 'g'},        {"help", 0, 0, 'H'},    {"accept", 1, 0, 'A'},
        {0, 0, 0, 0}};
    double v = 0;
    int ch, bad = 0;
    *o = (struct opts){.host = "127.0.0.1",
                       .conns = 64,
                       .threads = 2,
                       .duration_s = 10,
                       .warmup_s = 2,
                       .timeout_s = 10,
                       .drain_s = 10,
                       .mode = -1};
    while (!bad && (ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'h':
            o->host = optarg;
            break;
        case 'p':
            bad = parse_num(optarg, 1, 65535, &v), o->port = (int)v;
            break;
        case 'c':
            bad = parse_num(optarg, 1, MAX_CONNS, &v), o->conns = (int)v;
            break;
        case 't':
            bad = parse_num(optarg, 1, MAX_THREADS, &v), o->threads = (int)v;
            break;
        case 'd':
            bad = parse_num(optarg, 0.1, 3600, &o->duration_s);
            break;
        case 'w':
            bad = parse_num(optarg, 0, 3600, &o->warmup_s);
            break;
        case 'T':
            bad = parse_num(optarg, 0.01, 3600, &o->timeout_s);
            break;
        case 'k':
            bad = !(o->token = read_token(optarg));
            break;
        case 'b':
            o->body_path = optarg;
            break;
        case 'i':
            o->ids_in = optarg;
            break;
        case 'o':
            o->ids_out = optarg;
            break;
        case 'l':
            o->label = optarg;
            break;
        case 'e':
            o->expect = optarg;
            break;
        case 'P':
            o->path = optarg;
            break;
        case 'g':
            o->gzip = true;
            break;
        case 'A':
            if (strcspn(optarg, "\r\n") != strlen(optarg) || strlen(optarg) > 150)
                bad = 1;
            snprintf(o->accept_line, sizeof(o->accept_line), "Accept: %s\r\n", optarg);
            o->accept = o->accept_line;
            break;
        case 'H':
            usage(stdout);
            exit(0);
        case 'm':
            for (int i = 0; i < (int)(sizeof(mode_names) / sizeof(mode_names[0])); i++)
                if (!strcmp(optarg, mode_names[i]))
                    o->mode = (enum mode)i;
            bad = (int)o->mode < 0;
            break;
        default:
            bad = 1;
        }
    }
    bad = bad || optind != argc || !o->port || (int)o->mode < 0;
    bad = bad || (o->mode == MODE_GET &&
                  (!o->path || o->path[0] != '/' || strcspn(o->path, " \r\n") != strlen(o->path)));
    bad = bad || (o->mode != MODE_HEALTH && o->mode != MODE_GET && !o->token) ||
          ((o->mode == MODE_READ || o->mode == MODE_VERIFY) && !o->ids_in);
    bad = bad || (o->mode == MODE_CREATE && !o->body_path);
    if (o->threads > o->conns)
        o->threads = o->conns;
    if (o->mode == MODE_VERIFY)
        o->warmup_s = 0, o->duration_s = 3600; /* until every id has been fetched */
    if (bad)
        usage(stderr);
    return bad ? -1 : 0;
}

static int run_init(struct run *r, int argc, char **argv)
{
    memset(r, 0, sizeof(*r));
    if (parse_opts(argc, argv, &r->o))
        return -1;
    r->addr.sin_family = AF_INET;
    r->addr.sin_port = htons((uint16_t)r->o.port);
    if (inet_pton(AF_INET, r->o.host, &r->addr.sin_addr) != 1) {
        fprintf(stderr, "loadgen: --host must be an IPv4 address\n");
        return -1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(r->tag, sizeof(r->tag), "%lx%05lx", (unsigned long)ts.tv_sec,
             ((unsigned long)ts.tv_nsec ^ (unsigned long)getpid()) & 0xfffff);
    if (r->o.mode == MODE_CREATE && body_template_load(&r->body, r->o.body_path, "loadgen", NULL))
        return -1;
    if ((r->o.mode == MODE_READ || r->o.mode == MODE_VERIFY) && load_ids(r, r->o.ids_in))
        return -1;
    return 0;
}

/* ---- results ---- */

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static void report(const struct run *r, const struct stats *s, uint64_t ids_written)
{
    const struct opts *o = &r->o;
    const struct histo *h = &s->lat;
    int64_t end = r->t_finish < r->t_end ? r->t_finish : r->t_end;
    double secs = (double)(end - r->t_measure) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    double rps = (double)s->ok / secs;
    double mean = h->count ? (double)h->sum_ns / (double)h->count / 1e6 : 0;
    uint64_t errors = s->non2xx + s->mismatched + s->sock_errors + s->timeouts;
    char first[32] = "", mism[40] = "";
    if (s->first_bad_status)
        snprintf(first, sizeof(first), ", first %llu", (unsigned long long)s->first_bad_status);
    if (s->mismatched)
        snprintf(mism, sizeof(mism), ", mismatched %llu", (unsigned long long)s->mismatched);
    fprintf(stderr,
            "%-7s %-14s c=%-3d t=%d %.1fs: %9.1f req/s ok=%llu errors=%llu "
            "(non-2xx %llu%s%s, socket %llu, timeout %llu)\n"
            "        latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f"
            "  mean %.3f; client cpu %.2f s\n",
            mode_names[o->mode], o->label ? o->label : "-", o->conns, o->threads, secs, rps,
            (unsigned long long)s->ok, (unsigned long long)errors, (unsigned long long)s->non2xx,
            first, mism, (unsigned long long)s->sock_errors, (unsigned long long)s->timeouts,
            ms(h_quantile(h, 0.5)), ms(h_quantile(h, 0.9)), ms(h_quantile(h, 0.99)),
            ms(h_quantile(h, 0.999)), ms(h->max_ns), mean, cpu);
    printf("{\"mode\":\"%s\",\"label\":\"%s\",\"connections\":%d,\"threads\":%d,"
           "\"warmup_s\":%.3f,\"duration_s\":%.3f,\"requests\":%llu,\"ok\":%llu,"
           "\"errors\":%llu,\"non2xx\":%llu,\"first_bad_status\":%llu,\"socket_errors\":%llu,"
           "\"timeouts\":%llu,\"reconnects\":%llu,\"bad_responses\":%llu,\"mismatched\":%llu,"
           "\"status\":{\"1xx\":%llu,\"2xx\":%llu,\"3xx\":%llu,\"4xx\":%llu,\"5xx\":%llu},"
           "\"rps\":%.1f,\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
           "\"p999\":%.3f,\"max\":%.3f,\"min\":%.3f,\"mean\":%.3f},\"bytes_out\":%llu,"
           "\"bytes_in\":%llu,\"acknowledged_total\":%llu,\"ids_written\":%llu,\"ids_in\":%zu,"
           "\"client_cpu_s\":%.3f,\"tag\":\"%s\"}\n",
           mode_names[o->mode], o->label ? o->label : "", o->conns, o->threads, o->warmup_s, secs,
           (unsigned long long)h->count, (unsigned long long)s->ok, (unsigned long long)errors,
           (unsigned long long)s->non2xx, (unsigned long long)s->first_bad_status,
           (unsigned long long)s->sock_errors, (unsigned long long)s->timeouts,
           (unsigned long long)s->reconnects, (unsigned long long)s->bad_responses,
           (unsigned long long)s->mismatched, (unsigned long long)s->status[1],
           (unsigned long long)s->status[2], (unsigned long long)s->status[3],
           (unsigned long long)s->status[4], (unsigned long long)s->status[5], rps,
           ms(h_quantile(h, 0.5)), ms(h_quantile(h, 0.9)), ms(h_quantile(h, 0.99)),
           ms(h_quantile(h, 0.999)), ms(h->max_ns), ms(h->min_ns), mean,
           (unsigned long long)s->bytes_out, (unsigned long long)s->bytes_in,
           (unsigned long long)s->acked_total, (unsigned long long)ids_written, r->nids, cpu,
           r->tag);
    fflush(stdout);
}

static void stats_merge(struct stats *into, const struct stats *s)
{
    h_merge(&into->lat, &s->lat);
    into->ok += s->ok;
    into->non2xx += s->non2xx;
    for (int i = 0; i < 6; i++)
        into->status[i] += s->status[i];
    into->sock_errors += s->sock_errors;
    into->timeouts += s->timeouts;
    into->reconnects += s->reconnects;
    into->bad_responses += s->bad_responses;
    into->bytes_out += s->bytes_out;
    into->bytes_in += s->bytes_in;
    into->acked_total += s->acked_total;
    into->mismatched += s->mismatched;
    if (!into->first_bad_status)
        into->first_bad_status = s->first_bad_status;
}

/* Appends every worker's id file to --ids-out. Returns the number of ids written. */
static uint64_t write_ids(struct worker *ws, int nw, const char *path)
{
    FILE *out = fopen(path, "w");
    uint64_t n = 0;
    char line[128];
    if (!out) {
        fprintf(stderr, "loadgen: cannot write %s\n", path);
        return 0;
    }
    for (int i = 0; i < nw; i++) {
        if (!ws[i].ids)
            continue;
        rewind(ws[i].ids);
        while (fgets(line, sizeof(line), ws[i].ids)) {
            fputs(line, out);
            n++;
        }
        fclose(ws[i].ids);
        ws[i].ids = NULL;
    }
    if (fclose(out))
        fprintf(stderr, "loadgen: error writing %s\n", path);
    return n;
}

/* Opens every connection up front so a refused server fails the run before it starts. */
static int workers_init(struct run *r, struct worker *ws, struct conn *conns)
{
    int per = r->o.conns / r->o.threads, extra = r->o.conns % r->o.threads, next = 0;
    for (int t = 0; t < r->o.threads; t++) {
        struct worker *w = &ws[t];
        w->run = r;
        w->ep = epoll_create1(EPOLL_CLOEXEC);
        w->conns = conns + next;
        w->nconns = per + (t < extra);
        w->ids = r->o.ids_out ? tmpfile() : NULL;
        for (int i = 0; i < w->nconns; i++) {
            struct conn *c = &w->conns[i];
            c->w = w;
            c->idx = next + i;
            c->rng = 0x9e3779b97f4a7c15ull * (uint64_t)(c->idx + 1);
            if (conn_open(c)) {
                fprintf(stderr, "loadgen: cannot connect to %s:%d: %s\n", r->o.host, r->o.port,
                        strerror(errno));
                return -1;
            }
        }
        next += w->nconns;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct run r;
    struct stats total;
    signal(SIGPIPE, SIG_IGN);
    if (run_init(&r, argc, argv))
        return 2;
    struct worker *ws = calloc((size_t)r.o.threads, sizeof(*ws));
    struct conn *conns = calloc((size_t)r.o.conns, sizeof(*conns));
    for (int i = 0; i < r.o.conns; i++)
        conns[i].fd = -1;
    if (workers_init(&r, ws, conns))
        return 1;
    r.t_start = mono_ns();
    r.t_measure = r.t_start + (int64_t)(r.o.warmup_s * 1e9);
    r.t_end = r.t_measure + (int64_t)(r.o.duration_s * 1e9);
    r.t_drain = r.t_end + (int64_t)(r.o.drain_s * 1e9);
    for (int t = 0; t < r.o.threads; t++)
        pthread_create(&ws[t].th, NULL, worker_main, &ws[t]);
    memset(&total, 0, sizeof(total));
    for (int t = 0; t < r.o.threads; t++) {
        pthread_join(ws[t].th, NULL);
        r.t_finish = mono_ns();
        stats_merge(&total, &ws[t].st);
        close(ws[t].ep);
    }
    uint64_t ids = r.o.ids_out ? write_ids(ws, r.o.threads, r.o.ids_out) : 0;
    report(&r, &total, ids);
    for (int i = 0; i < r.o.conns; i++) {
        free(conns[i].req);
        free(conns[i].resp);
    }
    free(conns);
    free(ws);
    return 0;
}
