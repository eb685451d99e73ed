/*
 * conns.c — the open connections and the deadline of a request head.
 *
 * libmicrohttpd 0.9.75 restarts a connection's idle timeout on every byte it receives and puts
 * no bound on how long a request head may take, so a client that sends one header line every
 * few seconds holds a connection (and, thread-per-connection, a thread) as long as it likes;
 * enough such clients fill max_connections and everyone else is turned away ("slowloris").
 *
 * Every connection is registered here when libmicrohttpd accepts it
 * (MHD_OPTION_NOTIFY_CONNECTION). It is "in a head" from then until the access handler first
 * sees a complete request head, and again from the end of each response until the next head
 * is complete (a keep-alive connection). One thread closes a connection that stays in a head
 * longer than request_head_timeout_s: shutdown(2) on its socket wakes the connection's thread,
 * whose read then ends, and libmicrohttpd closes and frees the connection as after a client
 * hang-up. No answer is sent: nothing of a request may have arrived (an idle keep-alive
 * connection), and a client could take an unsolicited 408 for the answer to its next request.
 *
 * libmicrohttpd reports a connection closed (http_conns_remove) before it closes the
 * descriptor, and the entry is removed under the same lock the reaper holds while it calls
 * shutdown, so the reaper never touches a descriptor that was closed and reused.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include "http_int.h"
#include "../core/log.h"

struct http_conn {
    struct http_conn *prev, *next;
    int fd;
    bool in_head;     /* waiting for a request head to be complete */
    bool cut;         /* closed by the deadline */
    int64_t since_ms; /* monotonic: when the current wait for a head started */
    char addr[INET6_ADDRSTRLEN];
};

struct http_conns {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* on CLOCK_MONOTONIC; signalled only to stop */
    struct http_conn *head;
    int64_t timeout_ms;
    bool stop;
    pthread_t reaper;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* With the lock held. Closes a connection whose head is late. */
static void cut(struct http_conn *c)
{
    c->cut = true;
    shutdown(c->fd, SHUT_RDWR);
    LOG(LOG_INFO, "http.head_timeout", LF_S("client", c->addr));
}

/* With the lock held: cuts what is due; returns when the next one will be due. */
static int64_t sweep(struct http_conns *cs, int64_t now)
{
    int64_t next = now + cs->timeout_ms;
    for (struct http_conn *c = cs->head; c; c = c->next) {
        if (!c->in_head || c->cut)
            continue;
        int64_t due = c->since_ms + cs->timeout_ms;
        if (due <= now)
            cut(c);
        else if (due < next)
            next = due;
    }
    return next;
}

/* A connection that starts waiting after a sweep is due no earlier than that sweep's "next"
 * (its wait starts later and every wait is equally long), so the reaper needs no wake-up when
 * a connection is added or starts a new head. */
static void *reaper_main(void *arg)
{
    struct http_conns *cs = arg;
    pthread_mutex_lock(&cs->lock);
    while (!cs->stop) {
        int64_t next = sweep(cs, mono_ms());
        struct timespec until = {.tv_sec = next / 1000, .tv_nsec = (long)(next % 1000) * 1000000};
        pthread_cond_timedwait(&cs->wake, &cs->lock, &until);
    }
    pthread_mutex_unlock(&cs->lock);
    return NULL;
}

struct http_conns *http_conns_new(int64_t head_timeout_ms)
{
    struct http_conns *cs = xcalloc(1, sizeof(*cs));
    pthread_condattr_t ca;
    cs->timeout_ms = head_timeout_ms;
    pthread_mutex_init(&cs->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cs->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&cs->reaper, NULL, reaper_main, cs)) {
        pthread_cond_destroy(&cs->wake);
        pthread_mutex_destroy(&cs->lock);
        free(cs);
        return NULL;
    }
    return cs;
}

void http_conns_free(struct http_conns *cs)
{
    if (!cs)
        return;
    pthread_mutex_lock(&cs->lock);
    cs->stop = true;
    pthread_cond_signal(&cs->wake);
    pthread_mutex_unlock(&cs->lock);
    pthread_join(cs->reaper, NULL);
    if (cs->head)
        BUG("connections still registered after the server stopped");
    pthread_cond_destroy(&cs->wake);
    pthread_mutex_destroy(&cs->lock);
    free(cs);
}

static void format_addr(const struct sockaddr *sa, char out[INET6_ADDRSTRLEN])
{
    out[0] = '\0';
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  INET6_ADDRSTRLEN);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  INET6_ADDRSTRLEN);
}

struct http_conn *http_conns_add(struct http_conns *cs, int fd, const struct sockaddr *addr)
{
    struct http_conn *c = xcalloc(1, sizeof(*c));
    c->fd = fd;
    c->in_head = true;
    c->since_ms = mono_ms();
    format_addr(addr, c->addr);
    pthread_mutex_lock(&cs->lock);
    c->next = cs->head;
    if (cs->head)
        cs->head->prev = c;
    cs->head = c;
    pthread_mutex_unlock(&cs->lock);
    return c;
}

int http_conns_fd(const struct http_conn *c)
{
    return c->fd;
}

void http_conns_remove(struct http_conns *cs, struct http_conn *c)
{
    pthread_mutex_lock(&cs->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        cs->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&cs->lock);
    free(c);
}

bool http_conns_head_done(struct http_conns *cs, struct http_conn *c)
{
    bool alive;
    pthread_mutex_lock(&cs->lock);
    c->in_head = false;
    alive = !c->cut;
    pthread_mutex_unlock(&cs->lock);
    return alive;
}

void http_conns_head_again(struct http_conns *cs, struct http_conn *c)
{
    pthread_mutex_lock(&cs->lock);
    c->in_head = true;
    c->since_ms = mono_ms();
    pthread_mutex_unlock(&cs->lock);
}
