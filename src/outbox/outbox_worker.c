/*
 * outbox_worker.c — the delivery worker (outbox.h): one thread driving many HTTP transfers at
 * once through libcurl's multi interface.
 *
 * Loop: claim due submissions (up to the free transfer slots, none of a recipient already at
 * its concurrency limit) → start a signed POST for each, or settle it without sending (too old:
 * failed; a drill without an exercise sink: delivered to the internal sink) → wait for
 * transfers, a wake-up (a new submit) or the poll interval → record every outcome of the round
 * in one store call (one group commit).
 *
 * Why these choices:
 *  - one thread with curl_multi: thousands of deliveries a second need concurrency, not
 *    threads; a slow recipient only holds its own slots (per-recipient limit and timeout);
 *  - at-least-once: a claim is a lease; a crash leaves rows "sending" whose lease expires and
 *    the next claim takes them again. Receivers deduplicate on Idempotency-Key (the
 *    submission id), which is the same on every attempt;
 *  - no redirects, only http(s), and the address checked when the socket is opened (after
 *    DNS) — a webhook cannot be pointed at the operator's internal network (outbox_net.c).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>

#include "outbox.h"
#include "../core/log.h"
#include "../core/rtime.h"
#include "../store/store_notify.h"

#define ROUND_MAX 256 /* outcomes recorded per store call */
#define SCAN_MS 30000 /* how often due reminders are looked for */

struct batch {
    struct delivery_result r[ROUND_MAX];
    char *strs[ROUND_MAX][3];                   /* heap strings the results point to */
    struct notification_new *alerts[ROUND_MAX]; /* heap: the alert a result carries, or NULL */
    size_t n;
    int kind; /* K_SUB, K_NOTE or K_MAIL: whose outcomes */
};

/* What a transfer carries: a submission, a notification to the organisation's webhook, or a
 * notification's e-mail (its own outbox row, so one channel never holds back the other). */
enum { K_SUB, K_NOTE, K_MAIL };

struct transfer {
    CURL *easy;
    struct curl_slist *headers;
    struct submission_rec sub; /* a notification travels in the same fields (id, payload …) */
    bool note;                 /* a reminder or alert to the organisation's own webhook */
    int kind;                  /* K_SUB, K_NOTE, K_MAIL */
    struct buf msg;            /* K_MAIL: the message (outbox_mail_compose) */
    size_t sent;               /* K_MAIL: bytes of msg handed to libcurl */
    struct curl_slist *rcpt;   /* K_MAIL: the addresses */
    struct outbox_route own;   /* its route (endpoint and secret from the organisation) */
    const struct outbox_route *route;
    const struct outbox_net_policy *net;
    struct buf resp;
    bool refused; /* the address check refused an address */
    char errbuf[CURL_ERROR_SIZE];
};

struct outbox_worker {
    struct outbox_worker_options o;
    pthread_t thread;
    CURLM *multi;
    atomic_bool stopping;
    struct transfer **slots; /* max_inflight */
    int inflight;
    struct batch subs, notes, mails; /* outcomes of the round, one store call each */
    int64_t next_scan;               /* when to look for due reminders again */
    atomic_ullong attempts, delivered, retried, failed;
    uint64_t rng;
};

static uint64_t next_rand(struct outbox_worker *w)
{
    /* xorshift64*: the jitter only needs to spread retries, not to be unpredictable */
    w->rng ^= w->rng >> 12;
    w->rng ^= w->rng << 25;
    w->rng ^= w->rng >> 27;
    return w->rng * 2685821657736338717ULL;
}

/* ---- outcomes ---- */

static void flush_batch(struct outbox_worker *w, struct batch *b)
{
    if (!b->n)
        return;
    int r = b->kind == K_MAIL   ? store_mail_record(w->o.store, b->r, b->n)
            : b->kind == K_NOTE ? store_notifications_record(w->o.store, b->r, b->n)
                                : store_submissions_record(w->o.store, b->r, b->n);
    if (r != STORE_OK)
        /* the rows stay "sending"; their leases expire and they are delivered again */
        LOG(LOG_ERROR, "delivery.record_failed", LF_S("result", store_result_name(r)),
            LF_I("outcomes", b->n));
    for (size_t i = 0; i < b->n; i++) {
        for (int k = 0; k < 3; k++) {
            free(b->strs[i][k]);
            b->strs[i][k] = NULL;
        }
        notification_new_free(b->alerts[i], b->alerts[i] ? 1 : 0);
        b->alerts[i] = NULL;
    }
    b->n = 0;
}

static void flush(struct outbox_worker *w)
{
    flush_batch(w, &w->subs);
    flush_batch(w, &w->notes);
    flush_batch(w, &w->mails);
}

static struct batch *batch_of(struct outbox_worker *w, int kind)
{
    return kind == K_MAIL ? &w->mails : kind == K_NOTE ? &w->notes : &w->subs;
}

static struct delivery_result *add_result(struct outbox_worker *w, struct batch *b, const char *id)
{
    if (b->n == ROUND_MAX)
        flush_batch(w, b);
    struct delivery_result *r = &b->r[b->n];
    memset(r, 0, sizeof(*r));
    b->strs[b->n][0] = xstrdup(id);
    r->id = b->strs[b->n][0];
    r->at = rtime_now_ms();
    b->n++;
    return r;
}

/* Keeps a copy of s with the batch's latest result (slot k). */
static const char *keep(struct batch *b, int k, const char *s)
{
    b->strs[b->n - 1][k] = s ? xstrdup(s) : NULL;
    return b->strs[b->n - 1][k];
}

/* A new notification id (the policy's new_id; outbox_remind_ctx). */
static void note_id(char id[40], void *arg)
{
    UNUSED(arg);
    store_notification_id(id);
}

/* A submission failed for good: the reporter is alerted through its reminder webhook, when it
 * has an enabled one (outbox_alert_note says what the alert says). The alert is added with the
 * failure, in its transaction. */
static void alert(struct outbox_worker *w, struct batch *b, const struct submission_rec *s,
                  const char *why, int64_t at)
{
    struct reminder_settings rs;
    char id[40];
    if (store_reminders_get(w->o.store, s->org_id, &rs) != STORE_OK || !rs.enabled)
        return;
    struct notification_new *n = xcalloc(1, sizeof(*n));
    note_id(id, NULL);
    outbox_alert_note(s, why, at, id, n);
    b->alerts[b->n - 1] = n;
    b->r[b->n - 1].note = n;
}

/* A failed attempt: again later, or failed for good once it is too old. */
static void retry_or_fail(struct outbox_worker *w, const struct submission_rec *s, int kind,
                          int http, const char *why, int64_t retry_after_ms)
{
    static const char *const failed_event[] = {"delivery.failed", "reminder.failed", "mail.failed"};
    bool note = kind != K_SUB;
    struct batch *b = batch_of(w, kind);
    struct delivery_result *r = add_result(w, b, s->id);
    r->http_status = http;
    r->error = keep(b, 1, why);
    int64_t next = r->at + outbox_backoff_ms(s->attempts, next_rand(w), w->o.backoff_base_ms,
                                             w->o.backoff_cap_ms);
    if (retry_after_ms > 0 && r->at + retry_after_ms > next)
        next = r->at + retry_after_ms;
    if (next - s->created_at > w->o.max_age_ms) {
        r->outcome = OUTCOME_FAILED;
        if (!note) {
            atomic_fetch_add(&w->failed, 1);
            alert(w, b, s, r->error, r->at);
        }
        LOG(LOG_WARN, failed_event[kind], LF_S("id", s->id), LF_S("recipient", s->recipient_id),
            LF_I("attempts", s->attempts), LF_S("error", why));
    } else {
        r->outcome = OUTCOME_RETRY;
        r->next_attempt_at = next;
        if (!note)
            atomic_fetch_add(&w->retried, 1);
    }
}

/* endpoint must outlive the round's flush: it is the route's (configuration lives longer). */
static void delivered(struct outbox_worker *w, const struct submission_rec *s, int kind, int http,
                      const char *body, size_t len, const char *endpoint)
{
    char ref[129];
    bool note = kind != K_SUB;
    struct batch *b = batch_of(w, kind);
    char *receipt = note ? NULL : outbox_receipt_parse(body, len, ref, sizeof(ref));
    struct delivery_result *r = add_result(w, b, s->id);
    r->http_status = http;
    r->outcome = receipt ? OUTCOME_ACKNOWLEDGED : OUTCOME_DELIVERED;
    r->endpoint = endpoint;
    if (receipt) {
        r->receipt_reference = keep(b, 1, ref);
        b->strs[b->n - 1][2] = receipt;
        r->receipt = receipt;
    }
    if (!note)
        atomic_fetch_add(&w->delivered, 1);
}

/* ---- transfers ---- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct transfer *t = arg;
    size_t len = size * n;
    buf_append(&t->resp, p, len); /* bounded: the rest of a long answer is not needed */
    return len;
}

static curl_socket_t on_open(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct transfer *t = arg;
    UNUSED(purpose);
    if (!outbox_addr_allowed(&a->addr, t->net)) {
        t->refused = true;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

static void transfer_free(struct transfer *t)
{
    if (!t)
        return;
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    curl_slist_free_all(t->rcpt);
    buf_release(&t->msg);
    submission_rec_release(&t->sub);
    buf_release(&t->resp);
    free(t);
}

static struct curl_slist *headers_for(const struct transfer *t)
{
    char line[256], sig[OUTBOX_SIG_MAX];
    struct curl_slist *h = NULL;
    int64_t now_s = rtime_now_ms() / 1000;
    outbox_sign(t->route->secret, t->route->secret_len, now_s, t->sub.payload, t->sub.payload_len,
                sig);
    h = curl_slist_append(h, "Content-Type: application/json");
    snprintf(line, sizeof(line), "Idempotency-Key: %s", t->sub.id);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof(line), "Ichigen-Signature: %s", sig);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof(line), "%s: %s",
             t->note ? "Ichigen-Notification-Id" : "Ichigen-Submission-Id", t->sub.id);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof(line), "Ichigen-Delivery-Attempt: %d", t->sub.attempts);
    h = curl_slist_append(h, line);
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    return curl_slist_append(h, "User-Agent: ichigen-delivery/1");
}

/* Configures an easy handle for one signed POST. */
static void setup_easy(struct transfer *t)
{
    CURL *e = t->easy;
    t->headers = headers_for(t);
    curl_easy_setopt(e, CURLOPT_URL, t->route->endpoint);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->sub.payload);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->sub.payload_len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR,
                     t->net->allow_http_loopback ? "https,http" : "https");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)t->route->timeout_s * 1000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)t->route->timeout_s * 1000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
}

/* libcurl reads the message from here (CURLOPT_READFUNCTION). */
static size_t on_read(char *p, size_t size, size_t n, void *arg)
{
    struct transfer *t = arg;
    size_t k = t->msg.len - t->sent;
    if (k > size * n)
        k = size * n;
    memcpy(p, t->msg.data + t->sent, k);
    t->sent += k;
    return k;
}

/* Configures an easy handle for one e-mail through the operator's relay (libcurl's SMTP:
 * MAIL FROM, one RCPT TO per address, DATA with the composed message; the dot-stuffing of
 * RFC 5321 §4.5.2 is libcurl's). smtp:// with require_tls refuses to go on without STARTTLS
 * (RFC 3207); credentials go only to libcurl, never into a log line. */
static void setup_mail(struct transfer *t, const struct outbox_smtp *m)
{
    CURL *e = t->easy;
    char from[OUTBOX_MAIL_ADDR_MAX + 3];
    snprintf(from, sizeof(from), "<%s>", m->from_addr);
    curl_easy_setopt(e, CURLOPT_URL, m->url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(e, CURLOPT_USE_SSL,
                     m->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    if (m->ca_file[0])
        curl_easy_setopt(e, CURLOPT_CAINFO, m->ca_file);
    if (m->user[0]) {
        curl_easy_setopt(e, CURLOPT_USERNAME, m->user);
        curl_easy_setopt(e, CURLOPT_PASSWORD, m->password);
    }
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t->rcpt);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, t);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)t->msg.len);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)m->timeout_s * 1000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)m->timeout_s * 1000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
}

/* The route a submission goes by: drills only ever to the exercise sink. */
static const struct outbox_route *route_for(const struct outbox_worker *w,
                                            const struct submission_rec *s)
{
    if (s->drill)
        return w->o.config->has_sink ? &w->o.config->sink : NULL;
    const struct outbox_route *r = outbox_route_of(w->o.config, s->recipient_id);
    return r && r->channel == CHANNEL_WEBHOOK && r->endpoint[0] && r->secret_len ? r : NULL;
}

static void start(struct outbox_worker *w, struct transfer *t);

/* Starts one claimed submission, or settles it without sending. */
static void begin(struct outbox_worker *w, struct submission_rec *s)
{
    const struct outbox_route *route = route_for(w, s);
    if (rtime_now_ms() - s->created_at > w->o.max_age_ms) {
        retry_or_fail(w, s, K_SUB, 0, "older than delivery_max_age_h", 0);
        submission_rec_release(s);
        return;
    }
    if (!route && s->drill) {
        /* no exercise sink configured: a drill is "delivered" to ichigen's own sink, and
         * never to the real recipient */
        delivered(w, s, K_SUB, 0, NULL, 0, NULL);
        submission_rec_release(s);
        return;
    }
    if (!route) {
        retry_or_fail(w, s, K_SUB, 0,
                      "no webhook endpoint and secret are configured for this recipient", 0);
        submission_rec_release(s);
        return;
    }
    struct transfer *t = xcalloc(1, sizeof(*t));
    t->sub = *s;
    memset(s, 0, sizeof(*s)); /* ownership moves to the transfer */
    t->route = route;
    start(w, t);
}

/* Starts a transfer whose route and payload are set. */
static void start(struct outbox_worker *w, struct transfer *t)
{
    t->net = &w->o.config->net;
    buf_init(&t->resp, OUTBOX_RECEIPT_MAX);
    t->easy = curl_easy_init();
    if (t->kind == K_MAIL)
        setup_mail(t, w->o.smtp);
    else
        setup_easy(t);
    for (int i = 0; i < w->o.max_inflight; i++)
        if (!w->slots[i]) {
            w->slots[i] = t;
            break;
        }
    w->inflight++;
    if (!t->note)
        atomic_fetch_add(&w->attempts, 1);
    curl_multi_add_handle(w->multi, t->easy);
}

static int64_t retry_after_ms(CURL *e)
{
    curl_off_t ra = 0;
    if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0 && ra < 86400)
        return (int64_t)ra * 1000;
    return 0;
}

static void finish(struct outbox_worker *w, CURL *e, CURLcode rc)
{
    struct transfer *t = NULL;
    long http = 0;
    char why[CURL_ERROR_SIZE + 64];
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&t);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &http);
    curl_multi_remove_handle(w->multi, e);
    if (rc == CURLE_OK && http >= 200 && http < 300) {
        delivered(w, &t->sub, t->kind, (int)http, t->resp.data, t->resp.len,
                  t->note ? NULL : t->route->endpoint);
    } else {
        if (t->refused)
            snprintf(why, sizeof(why),
                     "the endpoint's address is not allowed (private, loopback "
                     "or reserved; see delivery_allow_private)");
        else if (rc != CURLE_OK)
            snprintf(why, sizeof(why), "%s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
        else
            snprintf(why, sizeof(why), "HTTP %ld", http);
        retry_or_fail(w, &t->sub, t->kind, (int)http, why, retry_after_ms(e));
    }
    for (int i = 0; i < w->o.max_inflight; i++)
        if (w->slots[i] == t)
            w->slots[i] = NULL;
    w->inflight--;
    transfer_free(t);
}

static void reap(struct outbox_worker *w)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(w->multi, &left)))
        if (m->msg == CURLMSG_DONE)
            finish(w, m->easy_handle, m->data.result);
}

/* ---- claiming ---- */

/* Recipients whose transfers in flight reached their limit. */
static size_t busy_list(const struct outbox_worker *w, const char **busy, size_t cap)
{
    size_t n = 0;
    for (int i = 0; i < w->o.max_inflight; i++) {
        const struct transfer *t = w->slots[i];
        if (!t)
            continue;
        int count = 0;
        for (int k = 0; k < w->o.max_inflight; k++)
            count += w->slots[k] && w->slots[k]->route == t->route;
        bool listed = false;
        for (size_t k = 0; k < n; k++)
            listed |= !strcmp(busy[k], t->sub.recipient_id);
        if (!listed && count >= t->route->concurrency && n < cap)
            busy[n++] = t->sub.recipient_id;
    }
    return n;
}

/* Reminders and alerts: look for due reminders now and then, then claim what the free slots
 * allow. Submissions come first; notifications take what is left. */
static size_t claim_notes(struct outbox_worker *w, int64_t now, int64_t lease)
{
    struct notification_list l;
    int created = 0;
    if (now >= w->next_scan) {
        struct outbox_remind_ctx ctx = {now, note_id, NULL, w->o.rules};
        w->next_scan = now + SCAN_MS;
        if (store_reminders_scan(w->o.store, outbox_remind_plan, &ctx, &created) != STORE_OK)
            LOG(LOG_ERROR, "reminder.scan_failed", LF_I("at", now));
    }
    int free_slots = w->o.max_inflight - w->inflight;
    if (free_slots <= 0 ||
        store_notifications_claim(w->o.store, now, free_slots, lease, &l) != STORE_OK)
        return 0;
    for (size_t i = 0; i < l.n; i++) {
        struct notification_rec *n = &l.items[i];
        struct transfer *t = xcalloc(1, sizeof(*t));
        t->note = true;
        t->kind = K_NOTE;
        xstrlcpy(t->sub.id, n->id, sizeof(t->sub.id));
        snprintf(t->sub.recipient_id, sizeof(t->sub.recipient_id), "reminders:%.60s", n->org_id);
        t->sub.payload = n->payload;
        t->sub.payload_len = n->payload ? strlen(n->payload) : 0;
        n->payload = NULL;
        t->sub.attempts = n->attempts;
        t->sub.created_at = n->created_at;
        xstrlcpy(t->own.endpoint, n->endpoint, sizeof(t->own.endpoint));
        memcpy(t->own.secret, n->secret, n->secret_len);
        t->own.secret_len = n->secret_len;
        t->own.concurrency = 1;
        t->own.timeout_s = 10;
        t->route = &t->own;
        if (!t->own.endpoint[0] || !t->own.secret_len || !t->sub.payload) {
            retry_or_fail(w, &t->sub, K_NOTE, 0, "the reminder webhook is no longer configured", 0);
            submission_rec_release(&t->sub);
            free(t);
            continue;
        }
        start(w, t);
    }
    size_t got = l.n;
    notification_list_release(&l);
    return got;
}

/* The addresses of a notification's e-mail (its organisation's, as they are now), as a list
 * for CURLOPT_MAIL_RCPT and as the To header's; re-checked here, so a stored address that
 * would not pass today is never handed to the relay. Returns how many. */
static size_t mail_rcpts(const char *emails, struct curl_slist **rcpt, const char **to,
                         json_t **keep)
{
    size_t n = 0;
    struct err e;
    *keep = emails ? json_loads(emails, 0, NULL) : NULL;
    for (size_t i = 0; json_is_array(*keep) && i < json_array_size(*keep); i++) {
        const char *a = json_string_value(json_array_get(*keep, i));
        char line[OUTBOX_MAIL_ADDR_MAX + 3];
        if (!a || n == REMINDER_EMAILS_MAX || outbox_mail_addr_check(a, strlen(a), &e))
            continue;
        snprintf(line, sizeof(line), "<%s>", a);
        *rcpt = curl_slist_append(*rcpt, line);
        to[n++] = a;
    }
    return n;
}

/* A claimed e-mail: composed (the same bytes on every attempt) and started, or settled. */
static void begin_mail(struct outbox_worker *w, struct notification_rec *n)
{
    const char *to[REMINDER_EMAILS_MAX];
    json_t *keep = NULL;
    struct transfer *t = xcalloc(1, sizeof(*t));
    t->note = true;
    t->kind = K_MAIL;
    xstrlcpy(t->sub.id, n->id, sizeof(t->sub.id));
    snprintf(t->sub.recipient_id, sizeof(t->sub.recipient_id), "mail:%.60s", n->org_id);
    t->sub.attempts = n->mail_attempts;
    t->sub.created_at = n->created_at;
    t->own.concurrency = 1;
    t->own.timeout_s = w->o.smtp->timeout_s;
    t->route = &t->own;
    buf_init(&t->msg, OUTBOX_MAIL_MAX);
    size_t nto = mail_rcpts(n->emails, &t->rcpt, to, &keep);
    struct outbox_mail_in m = {
        n->id, n->kind, n->payload, n->created_at, w->o.smtp->from_addr, w->o.smtp->from_name,
        to,    nto,         w->o.public_url};
    const char *why = NULL;
    /* a reminder that waited longer than a delivery may (no relay configured for days) is
     * stale news: failed, not sent */
    if (rtime_now_ms() - n->created_at > w->o.max_age_ms)
        why = "older than delivery_max_age_h";
    else if (!nto)
        why = "no e-mail addresses are configured any more";
    else if (outbox_mail_compose(&m, &t->msg))
        why = "the message is too large";
    json_decref(keep);
    if (why) {
        retry_or_fail(w, &t->sub, K_MAIL, 0, why, 0);
        transfer_free(t);
        return;
    }
    start(w, t);
}

/* E-mails of notifications: claimed after the webhooks, from the slots left, and only when
 * the operator configured a relay (else they wait in their outbox). */
static size_t claim_mail(struct outbox_worker *w, int64_t now, int64_t lease)
{
    struct notification_list l;
    int free_slots = w->o.max_inflight - w->inflight;
    if (!w->o.smtp || !w->o.smtp->url[0] || free_slots <= 0)
        return 0;
    /* without an operator's lease (delivery_lease_s), one that outlasts an SMTP attempt */
    if (!w->o.lease_ms && 2000LL * w->o.smtp->timeout_s + 30000 > lease)
        lease = 2000LL * w->o.smtp->timeout_s + 30000;
    if (store_mail_claim(w->o.store, now, free_slots, lease, &l) != STORE_OK)
        return 0;
    for (size_t i = 0; i < l.n; i++)
        begin_mail(w, &l.items[i]);
    size_t got = l.n;
    notification_list_release(&l);
    return got;
}

/* Claims and starts what the free slots allow. Returns how many were claimed. */
static size_t claim(struct outbox_worker *w)
{
    int free_slots = w->o.max_inflight - w->inflight;
    struct submission_list l;
    const char **busy;
    if (free_slots <= 0)
        return 0;
    busy = xcalloc((size_t)w->o.max_inflight + 1, sizeof(*busy));
    int64_t lease = 0;
    for (size_t i = 0; i < w->o.config->nroutes; i++)
        if (w->o.config->routes[i].timeout_s * 1000LL > lease)
            lease = w->o.config->routes[i].timeout_s * 1000LL;
    struct claim_request c = {.busy = busy,
                              .nbusy = busy_list(w, busy, (size_t)w->o.max_inflight),
                              .per_recipient = 1,
                              .limit = free_slots,
                              .now_ms = rtime_now_ms(),
                              .lease_ms = w->o.lease_ms ? w->o.lease_ms : 2 * lease + 30000};
    for (size_t i = 0; i < w->o.config->nroutes; i++)
        if (w->o.config->routes[i].concurrency > c.per_recipient)
            c.per_recipient = w->o.config->routes[i].concurrency;
    int r = store_submissions_claim(w->o.store, &c, &l);
    free(busy);
    if (r != STORE_OK) {
        LOG(LOG_ERROR, "delivery.claim_failed", LF_S("result", store_result_name(r)));
        return 0;
    }
    for (size_t i = 0; i < l.n; i++)
        begin(w, &l.items[i]);
    size_t n = l.n;
    submission_list_release(&l);
    size_t notes = claim_notes(w, c.now_ms, c.lease_ms);
    return n + notes + claim_mail(w, c.now_ms, c.lease_ms);
}

static void *run(void *arg)
{
    struct outbox_worker *w = arg;
    while (!atomic_load(&w->stopping) || w->inflight > 0) {
        size_t got = atomic_load(&w->stopping) ? 0 : claim(w);
        flush(w); /* settled-without-sending outcomes of this round */
        int running = 0;
        curl_multi_perform(w->multi, &running);
        reap(w);
        flush(w);
        /* wait for network activity, a wake-up, or the poll interval; loop at once when the
         * claim filled every slot (more may be due) */
        if (!(got && w->inflight < w->o.max_inflight))
            curl_multi_poll(w->multi, NULL, 0, (int)(got ? 5 : w->o.poll_ms), NULL);
        curl_multi_perform(w->multi, &running);
        reap(w);
        flush(w);
    }
    return NULL;
}

struct outbox_worker *outbox_worker_start(const struct outbox_worker_options *o, struct err *e)
{
    struct outbox_worker *w = xcalloc(1, sizeof(*w));
    w->o = *o;
    if (w->o.max_inflight < 1)
        w->o.max_inflight = 1;
    w->slots = xcalloc((size_t)w->o.max_inflight, sizeof(*w->slots));
    w->notes.kind = K_NOTE;
    w->mails.kind = K_MAIL;
    hash_random(&w->rng, sizeof(w->rng));
    w->rng |= 1;
    if (!(w->multi = curl_multi_init())) {
        err_set(e, -1, "curl_multi_init failed");
        goto fail;
    }
    curl_multi_setopt(w->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)w->o.max_inflight);
    if (pthread_create(&w->thread, NULL, run, w)) {
        err_set(e, -1, "cannot start the delivery thread");
        goto fail;
    }
    return w;
fail:
    if (w->multi)
        curl_multi_cleanup(w->multi);
    free(w->slots);
    free(w);
    return NULL;
}

void outbox_worker_wake(struct outbox_worker *w)
{
    if (w)
        curl_multi_wakeup(w->multi);
}

void outbox_worker_stop(struct outbox_worker *w)
{
    if (!w)
        return;
    atomic_store(&w->stopping, true);
    curl_multi_wakeup(w->multi);
    pthread_join(w->thread, NULL);
    curl_multi_cleanup(w->multi);
    free(w->slots);
    free(w);
}

void outbox_worker_stats(struct outbox_worker *w, struct outbox_stats *out)
{
    out->attempts = atomic_load(&w->attempts);
    out->delivered = atomic_load(&w->delivered);
    out->retried = atomic_load(&w->retried);
    out->failed = atomic_load(&w->failed);
}
