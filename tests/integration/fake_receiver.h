/*
 * fake_receiver.h — a webhook receiver for the delivery tests: a small HTTP/1.1 server on
 * 127.0.0.1 inside the test process whose behaviour the test switches at run time.
 *
 * What it is: plain sockets, one thread accepting and one thread per connection (so a slow
 * answer holds only its own connection), every request recorded (headers that matter, body,
 * arrival time, what was answered, whether the client hung up first) and its Ichigen-Signature
 * checked against the shared secret with libsodium's HMAC-SHA256, independently of the code
 * that signs (src/outbox/outbox_sign.c). It answers 200 (optionally with a receipt), 500, 503
 * with Retry-After, answers late (after the client's timeout), drops the connection without
 * an answer, or is down (its listening socket closed, connections refused) until brought
 * back on the same port. What it is not: a general HTTP server — one request per connection,
 * Content-Length bodies only, every answer closes the connection.
 *
 * Who calls it: the integration tests (itest_delivery.c). Thread-safe: the test thread
 * switches the behaviour and reads snapshots while connection threads record.
 */
#ifndef TESTS_INTEGRATION_FAKE_RECEIVER_H
#define TESTS_INTEGRATION_FAKE_RECEIVER_H

#include "core/core.h"

enum fake_action {
    FAKE_OK,      /* 200 with {} — delivered, no receipt */
    FAKE_RECEIPT, /* 200 with {"receipt":{"reference":"R-<Idempotency-Key>"}} — acknowledged */
    FAKE_FAIL,    /* 500 */
    FAKE_BUSY,    /* 503 with Retry-After (fake_receiver_set_retry_after) */
    FAKE_SLOW,    /* no answer until the client hangs up; after slow_ms a receipt after all */
    FAKE_DROP,    /* the connection is closed without an answer */
};
const char *fake_action_name(enum fake_action a);

/* Chooses the action for the n-th request (0-based over the receiver's life) with this
 * Idempotency-Key. Called with the receiver's lock held: it must not call back into it. */
typedef enum fake_action fake_policy_fn(size_t n, const char *key, void *arg);

/* One recorded request. */
struct fake_request {
    char method[8];
    char path[128];
    char content_type[64];
    char key[64];        /* Idempotency-Key */
    char sub_id[64];     /* Ichigen-Submission-Id */
    char signature[128]; /* Ichigen-Signature */
    int attempt;         /* Ichigen-Delivery-Attempt, -1 when absent */
    char *body;          /* NUL-terminated copy (heap) */
    size_t body_len;
    int64_t at_ms; /* wall clock when the whole request had arrived */
    bool sig_ok;   /* the signature verifies with the secret, timestamp within 300 s */
    enum fake_action action;
    int answered;    /* status sent (200, 500, 503), 0 when none was sent */
    bool peer_gone;  /* (FAKE_SLOW) the client hung up before an answer */
    int64_t gone_ms; /* when that was noticed */
};

struct fake_receiver;

/* Starts listening on 127.0.0.1 on a free port. secret: the shared webhook secret (copied).
 * Behaviour FAKE_RECEIPT until changed. NULL on failure. */
struct fake_receiver *fake_receiver_start(const char *secret);
/* Stops accepting, wakes slow answers, waits for every connection thread, frees. */
void fake_receiver_stop(struct fake_receiver *r);

int fake_receiver_port(const struct fake_receiver *r);

/* Every following request gets a (clears any policy). */
void fake_receiver_set(struct fake_receiver *r, enum fake_action a);
/* Every following request is decided by fn (NULL: back to the fixed action). */
void fake_receiver_set_policy(struct fake_receiver *r, fake_policy_fn *fn, void *arg);
void fake_receiver_set_retry_after(struct fake_receiver *r, int seconds);
void fake_receiver_set_slow_ms(struct fake_receiver *r, int ms);

/* Closes the listening socket (new connections are refused) / listens again on the same
 * port. Return 0 once done, -1 if the port could not be bound again within 5 s. */
int fake_receiver_down(struct fake_receiver *r);
int fake_receiver_up(struct fake_receiver *r);

/* Requests recorded so far. */
size_t fake_receiver_count(struct fake_receiver *r);
/* Connections whose request is being answered slowly and whose client is still there. */
int fake_receiver_waiting(struct fake_receiver *r);
/* A deep copy of requests [from, count) into *out (free with fake_requests_free); returns n. */
size_t fake_receiver_snapshot(struct fake_receiver *r, size_t from, struct fake_request **out);
void fake_requests_free(struct fake_request *v, size_t n);

/* Checks an Ichigen-Signature value: "t=<unix s>,v1=<hex HMAC-SHA256(secret, t "." body)>",
 * with t within tolerance_s of now_s. Recomputed here with libsodium. */
bool fake_signature_ok(const char *secret, const char *header, const char *body, size_t len,
                       int64_t now_s, int64_t tolerance_s);

#endif
