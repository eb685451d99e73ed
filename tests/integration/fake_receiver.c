/*
 * fake_receiver.c — the delivery tests' webhook receiver (fake_receiver.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "fake_receiver.h"
#include "itest.h"
#include "core/rtime.h"

#define HEAD_MAX 16384
#define BODY_MAX (8 * 1024 * 1024)
#define IO_TIMEOUT_S 10

struct fake_receiver {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* listener state changes, connection threads ending, stop */
    pthread_t acceptor;
    int lfd; /* -1 while down */
    int port;
    bool want_down, stopping, bind_failed;
    int threads; /* connection threads alive */
    int waiting; /* slow answers whose client is still there */
    char secret[300];
    enum fake_action fixed;
    fake_policy_fn *policy;
    void *policy_arg;
    int retry_after_s, slow_ms;
    struct fake_request *reqs;
    size_t n, cap;
};

struct conn {
    struct fake_receiver *r;
    int fd;
};

const char *fake_action_name(enum fake_action a)
{
    static const char *const names[] = {"ok", "receipt", "500", "503", "slow", "drop"};
    return (unsigned)a < ARRAY_SIZE(names) ? names[a] : "?";
}

/* ---- signatures ---- */

bool fake_signature_ok(const char *secret, const char *header, const char *body, size_t len,
                       int64_t now_s, int64_t tolerance_s)
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1], t[24];
    const char *comma = header ? strchr(header, ',') : NULL;
    if (!header || strncmp(header, "t=", 2) || !comma ||
        (size_t)(comma - header - 2) >= sizeof(t) || comma == header + 2 ||
        strncmp(comma, ",v1=", 4) || strlen(comma + 4) != sizeof(hex) - 1)
        return false;
    memcpy(t, header + 2, (size_t)(comma - header - 2));
    t[comma - header - 2] = '\0';
    int64_t ts;
    if (parse_int64(t, 0, INT64_MAX / 2, &ts) || ts < now_s - tolerance_s ||
        ts > now_s + tolerance_s)
        return false;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)t, strlen(t));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
    return sodium_memcmp(hex, comma + 4, sizeof(hex) - 1) == 0;
}

/* ---- the listening socket ---- */

static int listen_on(int port, int *bound)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t al = sizeof(a);
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128) ||
        getsockname(fd, (struct sockaddr *)&a, &al)) {
        close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

/* ---- one connection ---- */

static ssize_t read_some(int fd, char *p, size_t n)
{
    for (;;) {
        ssize_t k = recv(fd, p, n, 0);
        if (k < 0 && errno == EINTR)
            continue;
        return k;
    }
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        p += k;
        n -= (size_t)k;
    }
}

/* The value of header name in the head (NUL-terminated copy into out), or false. */
static bool header(const char *head, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line && line[2] != '\r';
         line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, nl) || h[nl] != ':')
            continue;
        h += nl + 1;
        while (*h == ' ' || *h == '\t')
            h++;
        size_t len = strcspn(h, "\r");
        if (len >= n)
            len = n - 1;
        memcpy(out, h, len);
        out[len] = '\0';
        return true;
    }
    return false;
}

/* Reads one request: head (up to and without the blank line) and body. 0 or -1. */
static int read_request(int fd, char **head_out, char **body_out, size_t *body_len)
{
    char *buf = xmalloc(HEAD_MAX + 1), cl[32];
    size_t have = 0;
    char *end = NULL;
    *head_out = *body_out = NULL;
    while (!end) {
        if (have == HEAD_MAX)
            goto fail;
        ssize_t k = read_some(fd, buf + have, HEAD_MAX - have);
        if (k <= 0)
            goto fail;
        have += (size_t)k;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head_len = (size_t)(end - buf) + 2, extra = have - head_len - 2;
    int64_t len = 0;
    buf[head_len] = '\0'; /* keeps the last header's CRLF */
    if (header(buf, "Content-Length", cl, sizeof(cl)) && parse_int64(cl, 0, BODY_MAX, &len))
        goto fail;
    char *body = xmalloc((size_t)len + 1);
    size_t got = MIN(extra, (size_t)len);
    memcpy(body, end + 4, got);
    while (got < (size_t)len) {
        ssize_t k = read_some(fd, body + got, (size_t)len - got);
        if (k <= 0) {
            free(body);
            goto fail;
        }
        got += (size_t)k;
    }
    body[len] = '\0';
    *head_out = buf;
    *body_out = body;
    *body_len = (size_t)len;
    return 0;
fail:
    free(buf);
    return -1;
}

/* Fills q from the head and body (the body moves into q). */
static void parse_request(const char *secret, char *head, char *body, size_t len,
                          struct fake_request *q)
{
    char attempt[16];
    int64_t a;
    memset(q, 0, sizeof(*q));
    size_t m = strcspn(head, " ");
    memcpy(q->method, head, MIN(m, sizeof(q->method) - 1));
    const char *p = head + m + (head[m] == ' ');
    size_t pl = strcspn(p, " \r");
    memcpy(q->path, p, MIN(pl, sizeof(q->path) - 1));
    header(head, "Content-Type", q->content_type, sizeof(q->content_type));
    header(head, "Idempotency-Key", q->key, sizeof(q->key));
    header(head, "Ichigen-Submission-Id", q->sub_id, sizeof(q->sub_id));
    header(head, "Ichigen-Signature", q->signature, sizeof(q->signature));
    q->attempt = header(head, "Ichigen-Delivery-Attempt", attempt, sizeof(attempt)) &&
                         !parse_int64(attempt, 0, 1000000, &a)
                     ? (int)a
                     : -1;
    q->body = body;
    q->body_len = len;
    q->at_ms = rtime_now_ms();
    q->sig_ok = fake_signature_ok(secret, q->signature, body, len, q->at_ms / 1000, 300);
}

/* Records q; returns its index and the action chosen for it. */
static size_t record(struct fake_receiver *r, struct fake_request *q)
{
    size_t same = 0; /* earlier requests with this key: the policy decides per key */
    pthread_mutex_lock(&r->mu);
    for (size_t k = 0; r->policy && k < r->n; k++)
        same += !strcmp(r->reqs[k].key, q->key);
    q->action = r->policy ? r->policy(same, q->key, r->policy_arg) : r->fixed;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->reqs = xrealloc(r->reqs, r->cap * sizeof(*r->reqs));
    }
    r->reqs[r->n] = *q;
    size_t i = r->n++;
    pthread_mutex_unlock(&r->mu);
    return i;
}

static void set_outcome(struct fake_receiver *r, size_t i, int answered, bool gone)
{
    pthread_mutex_lock(&r->mu);
    r->reqs[i].answered = answered;
    r->reqs[i].peer_gone = gone;
    if (gone)
        r->reqs[i].gone_ms = rtime_now_ms();
    pthread_mutex_unlock(&r->mu);
}

static void answer(int fd, int status, const char *extra, const char *body)
{
    char out[512];
    const char *reason = status == 200   ? "OK"
                         : status == 500 ? "Internal Server Error"
                                         : "Service Unavailable";
    int n = snprintf(out, sizeof(out),
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n%s\r\n%s",
                     status, reason, strlen(body), extra, body);
    send_all(fd, out, (size_t)n);
}

static void answer_receipt(int fd, const char *key)
{
    char body[160];
    snprintf(body, sizeof(body), "{\"receipt\":{\"reference\":\"R-%s\",\"note\":\"received\"}}",
             key);
    answer(fd, 200, "", body);
}

/* FAKE_SLOW: waits for the client to hang up, up to slow_ms (or the receiver stopping).
 * Returns true when the client went away. */
static bool wait_for_hangup(struct fake_receiver *r, int fd, int slow_ms)
{
    int64_t end = rtime_now_ms() + slow_ms;
    bool gone = false, stop = false;
    pthread_mutex_lock(&r->mu);
    r->waiting++;
    pthread_mutex_unlock(&r->mu);
    while (!gone && !stop && rtime_now_ms() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
        char c;
        if (poll(&p, 1, 10) > 0 && (p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)))
            gone = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
        pthread_mutex_lock(&r->mu);
        stop = r->stopping;
        pthread_mutex_unlock(&r->mu);
    }
    pthread_mutex_lock(&r->mu);
    r->waiting--;
    pthread_mutex_unlock(&r->mu);
    return gone;
}

static void act(struct fake_receiver *r, int fd, size_t i, const struct fake_request *q)
{
    char extra[64];
    int retry_after, slow_ms;
    pthread_mutex_lock(&r->mu);
    retry_after = r->retry_after_s;
    slow_ms = r->slow_ms;
    pthread_mutex_unlock(&r->mu);
    switch (q->action) {
    case FAKE_OK:
        answer(fd, 200, "", "{}");
        set_outcome(r, i, 200, false);
        break;
    case FAKE_RECEIPT:
        answer_receipt(fd, q->key);
        set_outcome(r, i, 200, false);
        break;
    case FAKE_FAIL:
        answer(fd, 500, "", "{\"error\":\"internal\"}");
        set_outcome(r, i, 500, false);
        break;
    case FAKE_BUSY:
        snprintf(extra, sizeof(extra), "Retry-After: %d\r\n", retry_after);
        answer(fd, 503, extra, "{\"error\":\"busy\"}");
        set_outcome(r, i, 503, false);
        break;
    case FAKE_SLOW:
        if (wait_for_hangup(r, fd, slow_ms)) {
            set_outcome(r, i, 0, true);
        } else {
            answer_receipt(fd, q->key);
            set_outcome(r, i, 200, false);
        }
        break;
    case FAKE_DROP:
        set_outcome(r, i, 0, false);
        break;
    }
}

static void *serve_conn(void *arg)
{
    struct conn *c = arg;
    struct fake_receiver *r = c->r;
    struct timeval tv = {IO_TIMEOUT_S, 0};
    char *head, *body;
    size_t len;
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (!read_request(c->fd, &head, &body, &len)) {
        struct fake_request q;
        parse_request(r->secret, head, body, len, &q);
        free(head);
        size_t i = record(r, &q);
        act(r, c->fd, i, &q);
    }
    shutdown(c->fd, SHUT_RDWR);
    close(c->fd);
    free(c);
    pthread_mutex_lock(&r->mu);
    r->threads--;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* ---- the acceptor ---- */

/* With the lock held: closes or reopens the listening socket as asked. */
static void apply_listen_state(struct fake_receiver *r)
{
    if (r->want_down && r->lfd >= 0) {
        close(r->lfd);
        r->lfd = -1;
        pthread_cond_broadcast(&r->cv);
    } else if (!r->want_down && r->lfd < 0) {
        int port = 0;
        r->lfd = listen_on(r->port, &port);
        r->bind_failed = r->lfd < 0;
        pthread_cond_broadcast(&r->cv);
    }
}

static void spawn(struct fake_receiver *r, int fd)
{
    pthread_t th;
    pthread_attr_t at;
    struct conn *c = xmalloc(sizeof(*c));
    c->r = r;
    c->fd = fd;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_mutex_lock(&r->mu);
    r->threads++;
    pthread_mutex_unlock(&r->mu);
    if (pthread_create(&th, &at, serve_conn, c)) {
        close(fd);
        free(c);
        pthread_mutex_lock(&r->mu);
        r->threads--;
        pthread_mutex_unlock(&r->mu);
    }
    pthread_attr_destroy(&at);
}

static void *acceptor(void *arg)
{
    struct fake_receiver *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        if (r->stopping) {
            pthread_mutex_unlock(&r->mu);
            return NULL;
        }
        apply_listen_state(r);
        int lfd = r->lfd;
        pthread_mutex_unlock(&r->mu);
        if (lfd < 0) {
            itest_sleep_ms(10);
            continue;
        }
        struct pollfd p = {.fd = lfd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0)
            spawn(r, fd);
    }
}

/* ---- the test's side ---- */

struct fake_receiver *fake_receiver_start(const char *secret)
{
    struct fake_receiver *r = xcalloc(1, sizeof(*r));
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    xstrlcpy(r->secret, secret, sizeof(r->secret));
    r->fixed = FAKE_RECEIPT;
    r->retry_after_s = 2;
    r->slow_ms = 5000;
    r->lfd = listen_on(0, &r->port);
    if (r->lfd < 0 || pthread_create(&r->acceptor, NULL, acceptor, r)) {
        if (r->lfd >= 0)
            close(r->lfd);
        free(r);
        return NULL;
    }
    return r;
}

void fake_receiver_stop(struct fake_receiver *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stopping = true;
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->acceptor, NULL);
    pthread_mutex_lock(&r->mu);
    while (r->threads > 0)
        pthread_cond_wait(&r->cv, &r->mu);
    if (r->lfd >= 0)
        close(r->lfd);
    pthread_mutex_unlock(&r->mu);
    fake_requests_free(r->reqs, r->n);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    sodium_memzero(r->secret, sizeof(r->secret));
    free(r);
}

int fake_receiver_port(const struct fake_receiver *r)
{
    return r->port;
}

void fake_receiver_set(struct fake_receiver *r, enum fake_action a)
{
    pthread_mutex_lock(&r->mu);
    r->fixed = a;
    r->policy = NULL;
    r->policy_arg = NULL;
    pthread_mutex_unlock(&r->mu);
}

void fake_receiver_set_policy(struct fake_receiver *r, fake_policy_fn *fn, void *arg)
{
    pthread_mutex_lock(&r->mu);
    r->policy = fn;
    r->policy_arg = arg;
    pthread_mutex_unlock(&r->mu);
}

void fake_receiver_set_retry_after(struct fake_receiver *r, int seconds)
{
    pthread_mutex_lock(&r->mu);
    r->retry_after_s = seconds;
    pthread_mutex_unlock(&r->mu);
}

void fake_receiver_set_slow_ms(struct fake_receiver *r, int ms)
{
    pthread_mutex_lock(&r->mu);
    r->slow_ms = ms;
    pthread_mutex_unlock(&r->mu);
}

/* Waits (lock held) until the listener is in the wanted state; 0 or -1 after 5 s. */
static int wait_listen_state(struct fake_receiver *r, bool down)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    while (down ? r->lfd >= 0 : r->lfd < 0) {
        if (pthread_cond_timedwait(&r->cv, &r->mu, &until))
            return -1;
    }
    return 0;
}

int fake_receiver_down(struct fake_receiver *r)
{
    pthread_mutex_lock(&r->mu);
    r->want_down = true;
    int rc = wait_listen_state(r, true);
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int fake_receiver_up(struct fake_receiver *r)
{
    pthread_mutex_lock(&r->mu);
    r->want_down = false;
    int rc = wait_listen_state(r, false);
    pthread_mutex_unlock(&r->mu);
    return rc;
}

size_t fake_receiver_count(struct fake_receiver *r)
{
    pthread_mutex_lock(&r->mu);
    size_t n = r->n;
    pthread_mutex_unlock(&r->mu);
    return n;
}

int fake_receiver_waiting(struct fake_receiver *r)
{
    pthread_mutex_lock(&r->mu);
    int n = r->waiting;
    pthread_mutex_unlock(&r->mu);
    return n;
}

size_t fake_receiver_snapshot(struct fake_receiver *r, size_t from, struct fake_request **out)
{
    pthread_mutex_lock(&r->mu);
    size_t n = from < r->n ? r->n - from : 0;
    *out = xcalloc(n + 1, sizeof(**out));
    for (size_t i = 0; i < n; i++) {
        (*out)[i] = r->reqs[from + i];
        (*out)[i].body = xmalloc(r->reqs[from + i].body_len + 1);
        memcpy((*out)[i].body, r->reqs[from + i].body, r->reqs[from + i].body_len + 1);
    }
    pthread_mutex_unlock(&r->mu);
    return n;
}

void fake_requests_free(struct fake_request *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].body);
    free(v);
}
