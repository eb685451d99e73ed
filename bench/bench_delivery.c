/*
 * bench_delivery.c — the driver of the delivery benchmark (bench/run.sh, bench/README.md
 * "Delivery"), against a real `ichigen serve` and bench/receiver.
 *
 * What it is: a libcurl multi client that runs "chains": POST /api/v1/reports (the --body
 * report, made distinct per chain and given response.other so that every stage it triggers may
 * go), then POST /api/v1/reports/{id}/submit with If-Match: "v1", which sends the first stage
 * of each recipient's chain (issue 10: the 確報 waits for a later submit). The submit's 201
 * lists the submissions; those of channel "webhook" are what the receiver should see, keyed by
 * their id (the Idempotency-Key the worker sends).
 *
 * Modes:
 *   preload  --reports N chains, --connections at a time, as fast as they go (typically against
 *            a server started with --delivery-enabled=0, so the submissions wait in the outbox).
 *   latency  open loop: one chain every 1/--rate seconds for --warmup + --duration seconds
 *            (at most --connections in flight; a chain that cannot start on time is counted as
 *            late). Then it waits for the receiver to have every webhook submission (at most
 *            --wait seconds), fetches its arrivals and joins them on the submission id: latency
 *            = the receiver's arrival time − the moment this client had the submit's 201, both
 *            CLOCK_REALTIME on the same machine. Chains started during the warm-up are run but
 *            not counted.
 *   drain    waits until the receiver has seen --expect distinct submissions (or nothing new
 *            came for --idle seconds) and prints the receiver's figures: the rate the backlog
 *            drained at, duplicates, bad signatures.
 *
 * What it is not: a load generator for anything but this scenario (bench/loadgen does the
 * rest), and it links no service code: it talks HTTP only.
 *
 * Output: a readable summary on stderr and one JSON object (one line) on stdout. It only
 * connects to 127.0.0.1 and always stops by itself.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "body_template.h"
#include "../src/core/banned.h"

#define RESP_MAX (8u << 20)

/* ---- clocks ---- */

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- growable byte buffer (responses, files) ---- */

struct bytes {
    char *p;
    size_t n, cap;
};

static int bytes_add(struct bytes *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->n + n + 1)
            cap *= 2;
        if (cap > RESP_MAX + 65536)
            return -1;
        char *q = realloc(b->p, cap);
        if (!q)
            return -1;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
    return bytes_add(arg, p, size * n) ? 0 : size * n;
}

/* ---- options ---- */

enum mode { MODE_PRELOAD, MODE_LATENCY, MODE_DRAIN };
static const char *const mode_names[] = {"preload", "latency", "drain"};

struct opts {
    enum mode mode;
    int port, receiver_port, conns;
    long reports, expect;
    bool preview; /* each chain previews its submit (?dry_run=true) before submitting */
    double rate, duration_s, warmup_s, wait_s, idle_s;
    const char *token, *body_path, *label, *ids_out;
};

/* ---- one sample set: exact quantiles over a sorted copy ---- */

struct samples {
    double *v;
    size_t n, cap;
};

static void samples_add(struct samples *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        if (!s->v)
            abort();
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile (nearest rank) of s, sorting it in place; 0 when empty. */
static double quantile(struct samples *s, double q)
{
    if (!s->n)
        return 0;
    qsort(s->v, s->n, sizeof(*s->v), cmp_double);
    size_t rank = (size_t)(q * (double)s->n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > s->n)
        rank = s->n;
    return s->v[rank - 1];
}

/* ---- chains: create, then submit ---- */

enum step { STEP_IDLE, STEP_CREATE, STEP_PREVIEW, STEP_SUBMIT };

#define PLANNED_MAX 32 /* submissions one preview may announce */

struct chain {
    CURL *easy;
    struct curl_slist *headers;
    struct bytes resp;
    char *body;
    enum step step;
    long seq;
    bool measured;     /* latency: started after the warm-up */
    int64_t t_start;   /* mono µs: the create was started */
    int64_t t_created; /* mono µs: the create's 201 (or the preview's 200 with --preview) */
    char url[256];
    char planned[PLANNED_MAX][40 + 65]; /* --preview: "<submission id> <payload sha256>" */
    int nplanned;
};

/* A webhook submission and the moment its 201 was in (realtime µs). */
struct sent {
    char id[40];
    int64_t t201_us;
    bool measured;
};

struct run {
    struct opts o;
    CURLM *multi;
    struct chain *chains;
    char tag[24];
    struct body_template body;
    long started, done, failed, late;
    int64_t max_lag_us;
    struct sent *sent;
    size_t nsent, cap_sent;
    size_t webhook_total, other_total; /* submissions by channel, every chain */
    struct samples create_ms, submit_ms, preview_ms;
    long preview_mismatch; /* submits that did not send exactly what their preview announced */
    char first_error[200];
};

static void fail(struct run *r, const char *what, long status, const struct bytes *b)
{
    r->failed++;
    if (!r->first_error[0])
        snprintf(r->first_error, sizeof(r->first_error), "%s: HTTP %ld %.120s", what, status,
                 b->p ? b->p : "");
}

static void set_request(struct run *r, struct chain *c, const char *url, const char *body,
                        size_t len, const char *extra_header)
{
    char line[600];
    curl_slist_free_all(c->headers);
    c->headers = NULL;
    snprintf(line, sizeof(line), "Authorization: Bearer %s", r->o.token);
    c->headers = curl_slist_append(c->headers, line);
    c->headers = curl_slist_append(c->headers, "Content-Type: application/json");
    c->headers = curl_slist_append(c->headers, "Expect:");
    if (extra_header)
        c->headers = curl_slist_append(c->headers, extra_header);
    c->resp.n = 0;
    curl_easy_setopt(c->easy, CURLOPT_URL, url);
    curl_easy_setopt(c->easy, CURLOPT_POST, 1L);
    curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, c->headers);
    curl_multi_add_handle(r->multi, c->easy);
}

static void start_chain(struct run *r, struct chain *c, bool measured)
{
    char seq[64], url[128], key[128];
    int sn = snprintf(seq, sizeof(seq), "%s-%ld", r->tag, r->started);
    size_t len = r->body.pre_len + (size_t)sn + r->body.post_len;
    free(c->body);
    c->body = malloc(len + 1);
    memcpy(c->body, r->body.pre, r->body.pre_len);
    memcpy(c->body + r->body.pre_len, seq, (size_t)sn);
    memcpy(c->body + r->body.pre_len + sn, r->body.post, r->body.post_len + 1);
    c->seq = r->started++;
    c->measured = measured;
    c->step = STEP_CREATE;
    c->t_start = mono_us();
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/reports", r->o.port);
    snprintf(key, sizeof(key), "Idempotency-Key: bd-%s", seq);
    set_request(r, c, url, c->body, len, key);
}

static void keep_sent(struct run *r, const char *id, int64_t t201, bool measured)
{
    if (r->nsent == r->cap_sent) {
        r->cap_sent = r->cap_sent ? r->cap_sent * 2 : 4096;
        r->sent = realloc(r->sent, r->cap_sent * sizeof(*r->sent));
        if (!r->sent)
            abort();
    }
    struct sent *s = &r->sent[r->nsent++];
    snprintf(s->id, sizeof(s->id), "%s", id);
    s->t201_us = t201;
    s->measured = measured;
}

/* The create answered: submit the version it made. Returns false when the chain failed. */
static bool on_created(struct run *r, struct chain *c, long status)
{
    json_t *doc = status == 201 ? json_loadb(c->resp.p, c->resp.n, 0, NULL) : NULL;
    const char *id = json_string_value(json_object_get(doc, "id"));
    if (!id) {
        fail(r, "create", status, &c->resp);
        json_decref(doc);
        return false;
    }
    c->t_created = mono_us();
    if (c->measured)
        samples_add(&r->create_ms, (double)(c->t_created - c->t_start) / 1e3);
    snprintf(c->url, sizeof(c->url), "http://127.0.0.1:%d/api/v1/reports/%s/submit", r->o.port, id);
    json_decref(doc);
    if (r->o.preview) {
        char url[300];
        snprintf(url, sizeof(url), "%s?dry_run=true", c->url);
        c->step = STEP_PREVIEW;
        set_request(r, c, url, "", 0, "If-Match: \"v1\"");
        return true;
    }
    c->step = STEP_SUBMIT;
    set_request(r, c, c->url, "", 0, "If-Match: \"v1\"");
    return true;
}

/* The preview answered (issue 10 item 3): keep what it announced, then submit. */
static bool on_previewed(struct run *r, struct chain *c, long status)
{
    json_t *doc = status == 200 ? json_loadb(c->resp.p, c->resp.n, 0, NULL) : NULL;
    json_t *would = json_object_get(doc, "would_submit"), *w;
    size_t i;
    if (!json_is_array(would)) {
        fail(r, "preview", status, &c->resp);
        json_decref(doc);
        return false;
    }
    int64_t now = mono_us();
    if (c->measured)
        samples_add(&r->preview_ms, (double)(now - c->t_created) / 1e3);
    c->t_created = now;
    c->nplanned = 0;
    json_array_foreach(would, i, w) if (c->nplanned < PLANNED_MAX)
        snprintf(c->planned[c->nplanned++], sizeof(c->planned[0]), "%s %s",
                 json_string_value(json_object_get(w, "submission_id")),
                 json_string_value(json_object_get(w, "payload_sha256")));
    json_decref(doc);
    c->step = STEP_SUBMIT;
    set_request(r, c, c->url, "", 0, "If-Match: \"v1\"");
    return true;
}

/* Whether the submit's answer sends exactly what the preview announced (ids and SHA-256). */
static bool as_previewed(const struct chain *c, json_t *subs)
{
    size_t i;
    json_t *s;
    if ((size_t)c->nplanned != json_array_size(subs))
        return false;
    json_array_foreach(subs, i, s)
    {
        char key[40 + 65];
        bool found = false;
        snprintf(key, sizeof(key), "%s %s", json_string_value(json_object_get(s, "id")),
                 json_string_value(json_object_get(s, "payload_sha256")));
        for (int k = 0; k < c->nplanned && !found; k++)
            found = !strcmp(c->planned[k], key);
        if (!found)
            return false;
    }
    return true;
}

/* The submit answered: keep every webhook submission with the time of the 201. */
static void on_submitted(struct run *r, struct chain *c, long status, int64_t t201)
{
    json_t *doc = status == 201 ? json_loadb(c->resp.p, c->resp.n, 0, NULL) : NULL;
    json_t *subs = json_object_get(doc, "submitted"), *s;
    size_t i;
    if (!json_is_array(subs)) {
        fail(r, "submit", status, &c->resp);
        json_decref(doc);
        return;
    }
    if (c->measured)
        samples_add(&r->submit_ms, (double)(mono_us() - c->t_created) / 1e3);
    if (r->o.preview && !as_previewed(c, subs))
        r->preview_mismatch++;
    json_array_foreach(subs, i, s)
    {
        const char *id = json_string_value(json_object_get(s, "id"));
        const char *ch = json_string_value(json_object_get(s, "channel"));
        if (id && ch && !strcmp(ch, "webhook")) {
            keep_sent(r, id, t201, c->measured);
            r->webhook_total++;
        } else {
            r->other_total++;
        }
    }
    r->done++;
    json_decref(doc);
}

/* Handles every finished transfer. */
static void reap(struct run *r)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(r->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        int64_t t = real_us();
        struct chain *c = NULL;
        long status = 0;
        CURL *e = m->easy_handle;
        CURLcode rc = m->data.result;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&c);
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(r->multi, e);
        if (rc != CURLE_OK) {
            fail(r, curl_easy_strerror(rc), 0, &c->resp);
            c->step = STEP_IDLE;
        } else if (c->step == STEP_CREATE) {
            if (!on_created(r, c, status))
                c->step = STEP_IDLE;
        } else if (c->step == STEP_PREVIEW) {
            if (!on_previewed(r, c, status))
                c->step = STEP_IDLE;
        } else {
            on_submitted(r, c, status, t);
            c->step = STEP_IDLE;
        }
    }
}

static struct chain *idle_chain(struct run *r)
{
    for (int i = 0; i < r->o.conns; i++)
        if (r->chains[i].step == STEP_IDLE)
            return &r->chains[i];
    return NULL;
}

static int busy_chains(const struct run *r)
{
    int n = 0;
    for (int i = 0; i < r->o.conns; i++)
        n += r->chains[i].step != STEP_IDLE;
    return n;
}

/* Preload: keep every chain busy until --reports have started, then let them finish. */
static void drive_closed(struct run *r)
{
    struct chain *c;
    int running;
    for (;;) {
        while (r->started < r->o.reports && (c = idle_chain(r)))
            start_chain(r, c, true);
        if (r->started >= r->o.reports && !busy_chains(r))
            break;
        curl_multi_perform(r->multi, &running);
        reap(r);
        curl_multi_poll(r->multi, NULL, 0, 5, NULL);
    }
}

/* Latency: chain i starts at t0 + i / rate (as soon after as a chain is free). */
static void drive_open(struct run *r)
{
    int64_t t0 = mono_us(), period = (int64_t)(1e6 / r->o.rate);
    int64_t end = t0 + (int64_t)((r->o.warmup_s + r->o.duration_s) * 1e6);
    int64_t measure_from = t0 + (int64_t)(r->o.warmup_s * 1e6);
    int running;
    struct chain *c;
    for (;;) {
        int64_t now = mono_us(), due = t0 + r->started * period;
        while (due < end && due <= now && (c = idle_chain(r))) {
            if (now - due > r->max_lag_us)
                r->max_lag_us = now - due;
            r->late += now - due > 10000; /* more than 10 ms behind its schedule */
            start_chain(r, c, due >= measure_from);
            due = t0 + r->started * period;
        }
        if (due >= end && !busy_chains(r))
            break;
        curl_multi_perform(r->multi, &running);
        reap(r);
        int64_t wait = due < end ? (due - mono_us()) / 1000 : 5;
        curl_multi_poll(r->multi, NULL, 0, (int)(wait < 0 ? 0 : wait > 5 ? 5 : wait), NULL);
    }
}

/* ---- the receiver ---- */

/* GET http://127.0.0.1:<receiver>/<path> into out. Returns 0 or -1. */
static int receiver_get(const struct run *r, const char *path, struct bytes *out)
{
    char url[128];
    long status = 0;
    CURL *e = curl_easy_init();
    out->n = 0;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", r->o.receiver_port, path);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(e);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(e);
    return rc == CURLE_OK && status == 200 && out->p ? 0 : -1;
}

static long long stat_of(const struct bytes *b, const char *key)
{
    json_t *doc = json_loadb(b->p, b->n, 0, NULL);
    long long v = (long long)json_number_value(json_object_get(doc, key));
    json_decref(doc);
    return v;
}

/* Polls the receiver until it has `want` distinct submissions, or nothing new came for idle_s,
 * or limit_s passed. Leaves the last /_stats answer in out. Returns the count. */
static long long wait_for(const struct run *r, long long want, double idle_s, double limit_s,
                          struct bytes *out)
{
    int64_t start = mono_us(), last_change = start;
    long long seen = -1;
    for (;;) {
        long long n = receiver_get(r, "/_stats", out) ? -1 : stat_of(out, "unique");
        int64_t now = mono_us();
        if (n != seen)
            last_change = now, seen = n;
        if (n >= want || now - last_change > (int64_t)(idle_s * 1e6) ||
            now - start > (int64_t)(limit_s * 1e6))
            return seen;
        usleep(100000);
    }
}

struct arrival {
    char id[40];
    int64_t us;
};

static int cmp_arrival(const void *a, const void *b)
{
    return strcmp(((const struct arrival *)a)->id, ((const struct arrival *)b)->id);
}

/* Parses the receiver's /_arrivals ("<key> <µs> <copies>" lines), sorted by key. */
static struct arrival *parse_arrivals(const struct bytes *b, size_t *n)
{
    size_t cap = 1024;
    struct arrival *a = malloc(cap * sizeof(*a));
    *n = 0;
    for (const char *p = b->p; p && *p;) {
        const char *eol = strchr(p, '\n');
        long long us;
        char id[40];
        if (sscanf(p, "%39s %lld", id, &us) == 2) {
            if (*n == cap)
                a = realloc(a, (cap *= 2) * sizeof(*a));
            snprintf(a[*n].id, sizeof(a[*n].id), "%s", id);
            a[(*n)++].us = us;
        }
        p = eol ? eol + 1 : NULL;
    }
    qsort(a, *n, sizeof(*a), cmp_arrival);
    return a;
}

/* ---- setup ---- */

static char *read_file(const char *path, size_t *len)
{
    struct bytes b = {0};
    char chunk[65536];
    size_t got;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (bytes_add(&b, chunk, got))
            break;
    fclose(f);
    if (len)
        *len = b.n;
    return b.p;
}

/* response.other lets every stage the report triggers be submitted (the PPC's need it). */
static void with_response_other(json_t *doc)
{
    json_t *resp = json_object_get(doc, "response");
    if (!resp)
        json_object_set_new(doc, "response", resp = json_object());
    if (!json_object_get(resp, "other"))
        json_object_set_new(resp, "other", json_string("ベンチマーク (benchmark)"));
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_delivery --mode preload|latency|drain [options]\n"
            "  --port N            ichigen's port on 127.0.0.1 (preload, latency)\n"
            "  --receiver-port N   bench/receiver's port (latency, drain)\n"
            "  --token-file F      a reporter's bearer token (first line of F)\n"
            "  --body F            the report to create (default docs/examples/full-report.json)\n"
            "  --reports N         preload: reports to create and submit (default 1000)\n"
            "  --connections N     chains in flight at most (default 16; latency 64)\n"
            "  --rate R            latency: reports per second (default 100)\n"
            "  --duration S        latency: measured seconds (default 20)\n"
            "  --warmup S          latency: seconds run first and not measured (default 2)\n"
            "  --wait S            latency: longest wait for the last deliveries (default 30)\n"
            "  --expect N          drain: distinct submissions to wait for\n"
            "  --idle S            drain: stop when nothing new came for S seconds (default 10)\n"
            "  --ids-out F         preload, latency: write \"<submission id> <201 µs>\" lines\n"
            "  --preview           each chain previews its submit (?dry_run=true) first and\n"
            "                      checks that the submit sends exactly what was previewed\n"
            "  --label S           a name carried into the JSON result\n");
}

static int num(const char *s, double lo, double hi, double *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (errno || e == s || *e || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {{"mode", 1, 0, 'm'},
                                       {"port", 1, 0, 'p'},
                                       {"receiver-port", 1, 0, 'P'},
                                       {"token-file", 1, 0, 'k'},
                                       {"body", 1, 0, 'b'},
                                       {"reports", 1, 0, 'n'},
                                       {"connections", 1, 0, 'c'},
                                       {"rate", 1, 0, 'r'},
                                       {"duration", 1, 0, 'd'},
                                       {"warmup", 1, 0, 'w'},
                                       {"wait", 1, 0, 'W'},
                                       {"expect", 1, 0, 'e'},
                                       {"idle", 1, 0, 'i'},
                                       {"ids-out", 1, 0, 'o'},
                                       {"label", 1, 0, 'l'},
                                       {"preview", 0, 0, 'v'},
                                       {"help", 0, 0, 'h'},
                                       {0, 0, 0, 0}};
    double v = 0;
    int ch, bad = 0;
    *o = (struct opts){.mode = -1,
                       .reports = 1000,
                       .rate = 100,
                       .duration_s = 20,
                       .warmup_s = 2,
                       .wait_s = 30,
                       .idle_s = 10,
                       .body_path = "docs/examples/full-report.json"};
    while (!bad && (ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'm':
            for (int i = 0; i < 3; i++)
                if (!strcmp(optarg, mode_names[i]))
                    o->mode = (enum mode)i;
            bad = (int)o->mode < 0;
            break;
        case 'p':
            bad = num(optarg, 1, 65535, &v), o->port = (int)v;
            break;
        case 'P':
            bad = num(optarg, 1, 65535, &v), o->receiver_port = (int)v;
            break;
        case 'k':
            if (!(o->token = read_file(optarg, NULL)))
                bad = 1;
            else
                ((char *)o->token)[strcspn(o->token, "\r\n")] = '\0';
            break;
        case 'b':
            o->body_path = optarg;
            break;
        case 'n':
            bad = num(optarg, 1, 1e7, &v), o->reports = (long)v;
            break;
        case 'c':
            bad = num(optarg, 1, 1024, &v), o->conns = (int)v;
            break;
        case 'r':
            bad = num(optarg, 0.1, 1e5, &o->rate);
            break;
        case 'd':
            bad = num(optarg, 0.1, 3600, &o->duration_s);
            break;
        case 'w':
            bad = num(optarg, 0, 3600, &o->warmup_s);
            break;
        case 'W':
            bad = num(optarg, 0.1, 3600, &o->wait_s);
            break;
        case 'e':
            bad = num(optarg, 1, 1e9, &v), o->expect = (long)v;
            break;
        case 'i':
            bad = num(optarg, 0.1, 3600, &o->idle_s);
            break;
        case 'o':
            o->ids_out = optarg;
            break;
        case 'l':
            o->label = optarg;
            break;
        case 'v':
            o->preview = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            bad = 1;
        }
    }
    if (!o->conns)
        o->conns = o->mode == MODE_LATENCY ? 64 : 16;
    bad = bad || optind != argc || (int)o->mode < 0;
    bad = bad || (o->mode != MODE_DRAIN && (!o->port || !o->token));
    bad = bad || (o->mode != MODE_PRELOAD && !o->receiver_port);
    bad = bad || (o->mode == MODE_DRAIN && !o->expect);
    if (bad)
        usage(stderr);
    return bad ? -1 : 0;
}

static int run_init(struct run *r)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(r->tag, sizeof(r->tag), "%lx%05lx", (unsigned long)ts.tv_sec,
             ((unsigned long)ts.tv_nsec ^ (unsigned long)getpid()) & 0xfffff);
    if (body_template_load(&r->body, r->o.body_path, "bench_delivery", with_response_other))
        return -1;
    r->multi = curl_multi_init();
    curl_multi_setopt(r->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)r->o.conns);
    curl_multi_setopt(r->multi, CURLMOPT_MAXCONNECTS, (long)r->o.conns);
    r->chains = calloc((size_t)r->o.conns, sizeof(*r->chains));
    for (int i = 0; i < r->o.conns; i++) {
        struct chain *c = &r->chains[i];
        c->easy = curl_easy_init();
        curl_easy_setopt(c->easy, CURLOPT_PRIVATE, c);
        curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_write);
        curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, &c->resp);
        curl_easy_setopt(c->easy, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c->easy, CURLOPT_TCP_NODELAY, 1L);
    }
    return 0;
}

static void run_release(struct run *r)
{
    for (int i = 0; i < r->o.conns; i++) {
        curl_easy_cleanup(r->chains[i].easy);
        curl_slist_free_all(r->chains[i].headers);
        free(r->chains[i].resp.p);
        free(r->chains[i].body);
    }
    curl_multi_cleanup(r->multi);
    free(r->chains);
    free(r->sent);
    body_template_release(&r->body);
    free(r->create_ms.v);
    free(r->submit_ms.v);
}

static void write_ids(const struct run *r)
{
    FILE *f = r->o.ids_out ? fopen(r->o.ids_out, "w") : NULL;
    if (!f)
        return;
    for (size_t i = 0; i < r->nsent; i++)
        fprintf(f, "%s %lld\n", r->sent[i].id, (long long)r->sent[i].t201_us);
    fclose(f);
}

/* ---- modes ---- */

static int mode_preload(struct run *r)
{
    int64_t t0 = mono_us();
    drive_closed(r);
    double secs = (double)(mono_us() - t0) / 1e6;
    write_ids(r);
    fprintf(stderr,
            "preload %-10s c=%-3d %.1fs: %ld reports created and submitted (%.1f/s), %zu webhook "
            "submissions (%.2f per report), %zu other; %ld failed%s%s\n",
            r->o.label ? r->o.label : "-", r->o.conns, secs, r->done, (double)r->done / secs,
            r->webhook_total, r->done ? (double)r->webhook_total / (double)r->done : 0,
            r->other_total, r->failed, r->first_error[0] ? ": " : "", r->first_error);
    printf("{\"mode\":\"preload\",\"label\":\"%s\",\"connections\":%d,\"reports\":%ld,"
           "\"failed\":%ld,\"seconds\":%.3f,\"reports_per_s\":%.1f,\"webhook\":%zu,"
           "\"other\":%zu,\"create_p50\":%.3f,\"submit_p50\":%.3f}\n",
           r->o.label ? r->o.label : "", r->o.conns, r->done, r->failed, secs,
           (double)r->done / secs, r->webhook_total, r->other_total, quantile(&r->create_ms, 0.5),
           quantile(&r->submit_ms, 0.5));
    return 0;
}

static int mode_drain(struct run *r)
{
    struct bytes b = {0};
    int64_t t0 = mono_us();
    long long n = wait_for(r, r->o.expect, r->o.idle_s, 3600, &b);
    double waited = (double)(mono_us() - t0) / 1e6;
    if (!b.p) {
        fprintf(stderr, "bench_delivery: the receiver does not answer\n");
        return 1;
    }
    json_t *doc = json_loadb(b.p, b.n, 0, NULL);
    fprintf(stderr,
            "drain   %-10s %lld of %ld deliveries in %.2f s at the receiver: steady %.1f/s "
            "(overall %.1f/s, 1 s windows %lld–%lld); duplicates %lld, bad signatures %lld\n",
            r->o.label ? r->o.label : "-", n, r->o.expect,
            json_number_value(json_object_get(doc, "span_s")),
            json_number_value(json_object_get(doc, "steady_per_s")),
            json_number_value(json_object_get(doc, "overall_per_s")),
            (long long)json_number_value(json_object_get(doc, "steady_min_1s")),
            (long long)json_number_value(json_object_get(doc, "steady_max_1s")),
            (long long)json_number_value(json_object_get(doc, "duplicates")),
            (long long)json_number_value(json_object_get(doc, "bad_signature")));
    json_object_set_new(doc, "mode", json_string("drain"));
    json_object_set_new(doc, "label", json_string(r->o.label ? r->o.label : ""));
    json_object_set_new(doc, "expected", json_integer(r->o.expect));
    json_object_set_new(doc, "waited_s", json_real(waited));
    json_object_set_new(doc, "complete", json_boolean(n >= r->o.expect));
    char *line = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(16));
    printf("%s\n", line);
    free(line);
    json_decref(doc);
    free(b.p);
    return 0;
}

/* Joins the measured submissions with their arrivals: latency samples in ms. */
static size_t join(const struct run *r, const struct arrival *a, size_t na, struct samples *lat)
{
    size_t missing = 0;
    for (size_t i = 0; i < r->nsent; i++) {
        if (!r->sent[i].measured)
            continue;
        struct arrival key;
        snprintf(key.id, sizeof(key.id), "%s", r->sent[i].id);
        const struct arrival *hit = bsearch(&key, a, na, sizeof(*a), cmp_arrival);
        if (hit)
            samples_add(lat, (double)(hit->us - r->sent[i].t201_us) / 1e3);
        else
            missing++;
    }
    return missing;
}

static int mode_latency(struct run *r)
{
    struct bytes b = {0};
    struct samples lat = {0};
    size_t na = 0;
    int64_t t0 = mono_us();
    drive_open(r);
    double secs = (double)(mono_us() - t0) / 1e6;
    write_ids(r);
    long long got = wait_for(r, (long long)r->webhook_total, r->o.wait_s, r->o.wait_s, &b);
    long long dups = b.p ? stat_of(&b, "duplicates") : -1;
    long long badsig = b.p ? stat_of(&b, "bad_signature") : -1;
    if (receiver_get(r, "/_arrivals", &b)) {
        fprintf(stderr, "bench_delivery: cannot fetch the receiver's arrivals\n");
        return 1;
    }
    struct arrival *a = parse_arrivals(&b, &na);
    size_t missing = join(r, a, na, &lat);
    double p50 = quantile(&lat, 0.5), p90 = quantile(&lat, 0.9), p99 = quantile(&lat, 0.99);
    double max = quantile(&lat, 1), min = lat.n ? lat.v[0] : 0;
    double c50 = quantile(&r->create_ms, 0.5), c99 = quantile(&r->create_ms, 0.99);
    double s50 = quantile(&r->submit_ms, 0.5), s99 = quantile(&r->submit_ms, 0.99);
    double v50 = quantile(&r->preview_ms, 0.5), v99 = quantile(&r->preview_ms, 0.99);
    fprintf(stderr,
            "latency %-10s %.0f reports/s for %.0f+%.0f s (%.1f s): %ld reports, %zu webhook "
            "submissions, %lld at the receiver; measured %zu, missing %zu; late starts %ld "
            "(max lag %.1f ms); failed %ld%s%s\n"
            "        201 → receiver ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  min %.1f; "
            "create p50 %.1f p99 %.1f ms, submit p50 %.1f p99 %.1f ms; duplicates %lld, bad "
            "signatures %lld\n"
            "        preview %s: p50 %.1f p99 %.1f ms; submits that differed from their preview "
            "%ld\n",
            r->o.label ? r->o.label : "-", r->o.rate, r->o.warmup_s, r->o.duration_s, secs, r->done,
            r->webhook_total, got, lat.n, missing, r->late, (double)r->max_lag_us / 1e3, r->failed,
            r->first_error[0] ? ": " : "", r->first_error, p50, p90, p99, max, min, c50, c99, s50,
            s99, dups, badsig, r->o.preview ? "on" : "off", v50, v99, r->preview_mismatch);
    printf("{\"mode\":\"latency\",\"label\":\"%s\",\"rate\":%.1f,\"duration_s\":%.1f,"
           "\"warmup_s\":%.1f,\"reports\":%ld,\"failed\":%ld,\"webhook\":%zu,\"arrived\":%lld,"
           "\"measured\":%zu,\"missing\":%zu,\"late\":%ld,\"max_lag_ms\":%.1f,"
           "\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"min\":%.1f,"
           "\"create_p50\":%.1f,\"create_p99\":%.1f,\"submit_p50\":%.1f,\"submit_p99\":%.1f,"
           "\"duplicates\":%lld,\"bad_signature\":%lld,\"preview\":%s,\"preview_p50\":%.1f,"
           "\"preview_p99\":%.1f,\"preview_mismatch\":%ld}\n",
           r->o.label ? r->o.label : "", r->o.rate, r->o.duration_s, r->o.warmup_s, r->done,
           r->failed, r->webhook_total, got, lat.n, missing, r->late, (double)r->max_lag_us / 1e3,
           p50, p90, p99, max, min, c50, c99, s50, s99, dups, badsig,
           r->o.preview ? "true" : "false", v50, v99, r->preview_mismatch);
    free(a);
    free(lat.v);
    free(b.p);
    return 0;
}

int main(int argc, char **argv)
{
    struct run r;
    int rc;
    memset(&r, 0, sizeof(r));
    if (parse_opts(argc, argv, &r.o))
        return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (r.o.mode == MODE_DRAIN) {
        rc = mode_drain(&r);
    } else if (run_init(&r)) {
        rc = 1;
    } else {
        rc = r.o.mode == MODE_PRELOAD ? mode_preload(&r) : mode_latency(&r);
        run_release(&r);
    }
    fflush(stdout);
    curl_global_cleanup();
    return rc;
}
