/*
 * itest_nodes.c — several `ichigen serve` nodes on one PostgreSQL database (issue 14 item 2).
 *
 * Three nodes share the fixture's database, each with its own data directory and port:
 *  - what one node changes reaches the others' in-memory state through the change feed
 *    (src/app/app_changes.h): a token signed out on node 0 is refused by node 1, whose cache
 *    held it (token_cache_ms is 60 s here, so only the invalidation can explain a refusal
 *    sooner), so is a role changed there, and a report filed on node 0 counts in the
 *    correlation nodes 1 and 2 show;
 *  - one Idempotency-Key sent to two nodes at once makes one report, and two nodes amending
 *    the same version get one 201 and one 412;
 *  - kill -9 under load: clients file and submit reports against all three nodes while a
 *    real webhook receiver (fake_receiver.c) answers every delivery's first request too late;
 *    each cycle kills another node mid-load and restarts it. Then: every report answered 201
 *    reads back byte for byte, every webhook submission answered 201 is acknowledged (a
 *    surviving node takes a dead node's leased deliveries once delivery_lease_s runs out),
 *    every request with one Idempotency-Key carried the same bytes whichever node sent it,
 *    and `ichigen audit verify` passes on the database.
 *
 * PostgreSQL only (ICHIGEN_ITEST_PG_URL): on SQLite one process owns the file. Without it the
 * program reports itself skipped (TAP "1..0 # SKIP"). Every wait is a bounded poll.
 */
#include "itest.h"
#include "fake_receiver.h"
#include "core/rtime.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

#define NODES 3
#define THREADS 6
#define SECRET "nodes-webhook-secret-0123456789abcdef-N1"
#define LEASE_S "3"         /* delivery_lease_s: a dead node's claims are taken after it */
#define TOKEN_CACHE "60000" /* token_cache_ms: the most the setting allows */
#define TOKEN_CACHE_MS 60000
#define WAIT_MS 120000           /* deadline of every polling loop (sanitizer builds) */
#define INDICATOR "nodes-c2.xyz" /* the correlation test's shared indicator */

static struct itest_fixture F;
static struct itest_server extra[NODES - 1];
static struct itest_server *node[NODES];
static struct fake_receiver *RX;
static char tmpdir[256], dfile[320], dfile_set[360];
static const char *settings[ITEST_MAX_SETTINGS + 1];

static int64_t now_ms(void)
{
    return rtime_mono_ns() / 1000000;
}

/* ---- A: invalidation across nodes ---- */

static long get_on(int n, const char *token, const char *path)
{
    struct itest_resp r;
    long st = itest_get(node[n], token, path, &r);
    itest_resp_release(&r);
    return st;
}

/* Until node n answers path with want for token, at most until the cache entry taken at
 * cached_at would have expired (less a margin): the last status. */
static long wait_status_on(int n, const char *token, const char *path, long want,
                           int64_t cached_at)
{
    long st = 0;
    while ((st = get_on(n, token, path)) != want &&
           now_ms() - cached_at < TOKEN_CACHE_MS - 10000)
        itest_sleep_ms(20);
    if (st != want)
        itest_dump_logs(node[n], 4000);
    return st;
}

/* A token signed out on node 0 is refused by node 1 although node 1 had cached it. */
static void test_token_revoked_across_nodes(void **state)
{
    char tok[64];
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(itest_new_token(&F.srv, F.rep_a.username, tok), 0);
    assert_int_equal(get_on(1, tok, "/api/v1/reports?limit=1"), 200); /* node 1 caches it */
    int64_t cached_at = now_ms();
    assert_int_equal(get_on(2, tok, "/api/v1/reports?limit=1"), 200);
    assert_int_equal(
        itest_http(
            node[0],
            &(struct itest_req){.method = "POST", .path = "/api/v1/auth/logout", .token = tok}, &r),
        0);
    assert_int_equal(r.status, 204);
    itest_resp_release(&r);
    assert_int_equal(get_on(0, tok, "/api/v1/reports?limit=1"), 401);
    /* refused on the others well before their cache entries would have expired */
    for (int n = 1; n < NODES; n++)
        assert_int_equal(wait_status_on(n, tok, "/api/v1/reports?limit=1", 401, cached_at), 401);
}

/* A role changed on node 0 applies on node 1 although node 1 had cached the principal: the
 * change revokes no token, so only the invalidation can explain it. */
static void test_role_change_across_nodes(void **state)
{
    struct itest_resp r;
    struct itest_user m, oadm;
    char path[128];
    UNUSED(state);
    assert_int_equal(itest_add_user(&F.srv, F.org_b, "member-b", "reporter", &m), 0);
    assert_int_equal(itest_add_org_admin(&F.srv, F.org_b, "org-admin-b", &oadm), 0);
    assert_int_equal(get_on(1, m.token, "/api/v1/reports"), 200); /* node 1 caches it */
    int64_t cached_at = now_ms();
    snprintf(path, sizeof(path), "/api/v1/users/%s", m.id);
    assert_int_equal(itest_http(node[0],
                                &(struct itest_req){.method = "PATCH",
                                                    .path = path,
                                                    .token = oadm.token,
                                                    .body = "{\"role\":\"recipient\"}"},
                                &r),
                     0);
    assert_int_equal(r.status, 200);
    itest_resp_release(&r);
    assert_int_equal(get_on(0, m.token, "/api/v1/reports"), 403);
    assert_int_equal(wait_status_on(1, m.token, "/api/v1/reports", 403, cached_at), 403);
}

/* ---- idempotency keys and expected versions across nodes ---- */

struct keyed {
    int node;
    const char *body, *key;
    struct itest_resp r;
};

static void *create_keyed(void *arg)
{
    struct keyed *k = arg;
    char h[200];
    snprintf(h, sizeof(h), "Idempotency-Key: %s", k->key);
    itest_http(
        node[k->node],
        &(struct itest_req){
            .path = "/api/v1/reports", .token = F.rep_a.token, .body = k->body, .headers = {h}},
        &k->r);
    return NULL;
}

/* One Idempotency-Key sent to two nodes at the same instant, then to the third: one report,
 * every answer naming it, exactly one of them not a replay (the batch lock orders the key's
 * check-and-insert across nodes). Then two nodes amend version 1 with If-Match "v1": one 201,
 * one 412 — the expected version holds across nodes as it does on one. */
static void test_keys_and_versions_across_nodes(void **state)
{
    UNUSED(state);
    json_t *doc = itest_report_doc("複数ノード冪等");
    char *body = itest_dump(doc);
    struct keyed k[NODES];
    pthread_t th[2];
    for (int i = 0; i < NODES; i++)
        k[i] = (struct keyed){.node = i, .body = body, .key = "nodes-idem-0001"};
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, create_keyed, &k[i + 1]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    create_keyed(&k[0]);
    int fresh = 0;
    for (int i = 0; i < NODES; i++) {
        assert_int_equal(k[i].r.status, 201);
        assert_string_equal(itest_jstr(k[i].r.json, "/id"), itest_jstr(k[1].r.json, "/id"));
        fresh += strcmp(k[i].r.idempotent_replayed, "true") != 0;
    }
    assert_int_equal(fresh, 1);

    char path[160];
    struct itest_resp v[2];
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", itest_jstr(k[0].r.json, "/id"));
    for (int i = 0; i < 2; i++)
        itest_http(node[i + 1],
                   &(struct itest_req){.path = path,
                                       .token = F.rep_a.token,
                                       .body = body,
                                       .headers = {"If-Match: \"v1\""}},
                   &v[i]);
    assert_int_equal(v[0].status, 201);
    assert_int_equal(v[1].status, 412);
    for (int i = 0; i < NODES; i++)
        itest_resp_release(&k[i].r);
    for (int i = 0; i < 2; i++)
        itest_resp_release(&v[i]);
    free(body);
    json_decref(doc);
}

static char *report_with_indicator(const char *value)
{
    json_t *doc = itest_report_doc("複数ノード相関");
    json_t *threat = json_object_get(doc, "threat");
    if (!threat)
        json_object_set_new(doc, "threat", threat = json_object());
    json_object_set_new(
        threat, "indicators",
        json_pack("[{s:s, s:s, s:s}]", "type", "domain", "value", value, "role", "c2"));
    char *body = itest_dump(doc);
    json_decref(doc);
    return body;
}

/* Whether node n's correlation of report id (as u) says INDICATOR is seen elsewhere. */
static bool seen_elsewhere(int n, const struct itest_user *u, const char *id)
{
    struct itest_resp r;
    char path[160];
    bool seen = false;
    size_t i;
    json_t *it;
    snprintf(path, sizeof(path), "/api/v1/reports/%s/correlation", id);
    assert_int_equal(itest_get(node[n], u->token, path, &r), 200);
    json_array_foreach(json_object_get(r.json, "indicators"), i, it)
    {
        const char *v = itest_jstr(it, "/value");
        if (v && !strcmp(v, INDICATOR))
            seen = json_is_true(json_object_get(it, "seen_elsewhere"));
    }
    itest_resp_release(&r);
    return seen;
}

/* A report filed on node 0 counts in the correlation of another organisation's report on
 * nodes 1 and 2, whose indexes were built before it existed. */
static void test_correlation_across_nodes(void **state)
{
    struct itest_resp r;
    char mine[40];
    UNUSED(state);
    char *body = report_with_indicator(INDICATOR);
    assert_int_equal(itest_post(node[1], F.rep_b.token, "/api/v1/reports", body, &r), 201);
    xstrlcpy(mine, itest_jstr(r.json, "/id"), sizeof(mine));
    itest_resp_release(&r);
    for (int n = 0; n < NODES; n++)
        assert_false(seen_elsewhere(n, &F.rep_b, mine));
    assert_int_equal(itest_post(node[0], F.rep_a.token, "/api/v1/reports", body, &r), 201);
    itest_resp_release(&r);
    free(body);
    for (int n = 1; n < NODES; n++) {
        int64_t deadline = now_ms() + WAIT_MS;
        bool seen;
        while (!(seen = seen_elsewhere(n, &F.rep_b, mine)) && now_ms() < deadline)
            itest_sleep_ms(20);
        if (!seen)
            itest_dump_logs(node[n], 4000);
        assert_true(seen);
    }
}

/* ---- B: kill -9 under load ---- */

/* A report answered 201: its id, who filed it, the exact answer. */
struct ack {
    char id[40];
    const struct itest_user *by;
    char *body;
};

/* A webhook submission answered 201. */
struct sub {
    char id[40];
    const struct itest_user *by;
};

struct worker {
    pthread_t th;
    int idx, cycle;
    struct ack *acks;
    size_t n, cap;
    struct sub *subs;
    size_t nsubs, subcap;
    size_t unexpected; /* answers other than 201 (and transport errors) */
    char problem[256];
};

static struct worker workers[THREADS];
static atomic_bool stop;
static atomic_int dead = -1; /* the node being killed: its transport errors are expected */
static atomic_size_t acked;

/* docs/examples/full-report.json, submittable to the PPC (it lacks /response/other). */
static char *full_report(int cycle, int idx, unsigned seq)
{
    char summary[96];
    json_t *doc = itest_load_json("docs/examples/full-report.json");
    json_object_set_new(json_object_get(doc, "response"), "other",
                        json_string("委託先への監査を実施予定"));
    snprintf(summary, sizeof(summary), "nodes cycle %d thread %d report %u", cycle, idx, seq);
    json_object_set_new(json_object_get(doc, "description"), "summary", json_string(summary));
    char *body = itest_dump(doc);
    json_decref(doc);
    return body;
}

static void keep_ack(struct worker *w, const struct itest_user *u, struct itest_resp *r)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->acks = xrealloc(w->acks, w->cap * sizeof(*w->acks));
    }
    xstrlcpy(w->acks[w->n].id, itest_jstr(r->json, "/id"), sizeof(w->acks[0].id));
    w->acks[w->n].by = u;
    w->acks[w->n++].body = r->body; /* the exact bytes */
    r->body = NULL;
    atomic_fetch_add(&acked, 1);
}

static void keep_subs(struct worker *w, const struct itest_user *u, json_t *answer)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(answer, "submitted"), i, it)
    {
        const char *ch = itest_jstr(it, "/channel"), *id = itest_jstr(it, "/id");
        if (!ch || strcmp(ch, "webhook") || !id)
            continue;
        if (w->nsubs == w->subcap) {
            w->subcap = w->subcap ? 2 * w->subcap : 64;
            w->subs = xrealloc(w->subs, w->subcap * sizeof(*w->subs));
        }
        xstrlcpy(w->subs[w->nsubs].id, id, sizeof(w->subs[0].id));
        w->subs[w->nsubs++].by = u;
    }
}

/* An answer of node n other than the one wanted: a transport error is expected from the node
 * being killed only. */
static void unexpected(struct worker *w, int n, long status)
{
    if (status == 0 && n == atomic_load(&dead))
        return;
    w->unexpected++;
}

static void one_report(struct worker *w, int n, unsigned seq)
{
    struct itest_resp r;
    char path[160];
    const struct itest_user *u = w->idx % 2 ? &F.rep_b : &F.rep_a;
    char *body = full_report(w->cycle, w->idx, seq);
    itest_post(node[n], u->token, "/api/v1/reports", body, &r);
    free(body);
    if (r.status != 201) {
        unexpected(w, n, r.status);
        itest_resp_release(&r);
        return;
    }
    keep_ack(w, u, &r);
    snprintf(path, sizeof(path), "/api/v1/reports/%s/submit", w->acks[w->n - 1].id);
    itest_resp_release(&r);
    itest_http(
        node[n],
        &(struct itest_req){
            .method = "POST", .path = path, .token = u->token, .headers = {"If-Match: \"v1\""}},
        &r);
    if (r.status == 201)
        keep_subs(w, u, r.json);
    else
        unexpected(w, n, r.status);
    itest_resp_release(&r);
}

static void *load_loop(void *arg)
{
    struct worker *w = arg;
    for (unsigned seq = 0; !atomic_load(&stop); seq++)
        one_report(w, (int)((w->idx + seq) % NODES), seq);
    return NULL;
}

/* Waits until `more` reports were acknowledged after `from`; false at the deadline. */
static bool wait_acked(size_t from, size_t more)
{
    int64_t deadline = now_ms() + WAIT_MS;
    while (atomic_load(&acked) < from + more && now_ms() < deadline)
        itest_sleep_ms(10);
    return atomic_load(&acked) >= from + more;
}

/* The first request of each key is answered too late (after the route's 1 s timeout): at
 * any moment deliveries are in flight, leased by the node that sent them. */
static enum fake_action slow_first(size_t n, const char *key, void *arg)
{
    UNUSED(key);
    UNUSED(arg);
    return n == 0 ? FAKE_SLOW : FAKE_RECEIPT;
}

/* Whether node n answers a read of report a with the bytes it acknowledged: the stored report
 * and its hash, the id and version (the create's advice of the moment — possible_duplicate,
 * correlation — is not part of the report). */
static bool reads_back(int n, const struct ack *a)
{
    struct itest_resp r;
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/reports/%s", a->id);
    itest_get(node[n], a->by->token, path, &r);
    const char *got = r.body ? strstr(r.body, ",\"report\":") : NULL;
    const char *want = strstr(a->body, ",\"report\":");
    json_t *ack = json_loads(a->body, 0, NULL);
    bool same = r.status == 200 && got && want && !strcmp(got, want) &&
                !strcmp(itest_jstr(r.json, "/id"), a->id) &&
                itest_jint(r.json, "/version") == itest_jint(ack, "/version") &&
                !strcmp(itest_jstr(r.json, "/report_sha256"), itest_jstr(ack, "/report_sha256"));
    json_decref(ack);
    itest_resp_release(&r);
    return same;
}

static const char *sub_status(int n, const struct sub *s, json_t **view)
{
    struct itest_resp r;
    char path[96];
    static __thread char status[32];
    snprintf(path, sizeof(path), "/api/v1/submissions/%s", s->id);
    itest_get(node[n], s->by->token, path, &r);
    xstrlcpy(status, r.status == 200 ? itest_jstr(r.json, "/status") : "", sizeof(status));
    if (view)
        *view = json_incref(r.json);
    itest_resp_release(&r);
    return status;
}

/* Every acknowledged report reads back on node n, and every webhook submission is
 * acknowledged there (polled: a dead node's leases run out first). */
static void verify_all(int n)
{
    size_t reports = 0, subs = 0;
    int64_t deadline = now_ms() + WAIT_MS;
    for (int i = 0; i < THREADS; i++) {
        for (size_t k = 0; k < workers[i].n; k++, reports++)
            if (!reads_back(n, &workers[i].acks[k]))
                fail_msg("acknowledged report %s does not read back on node %d",
                         workers[i].acks[k].id, n);
        for (size_t k = 0; k < workers[i].nsubs; k++, subs++) {
            const char *st;
            while (strcmp(st = sub_status(n, &workers[i].subs[k], NULL), "acknowledged") &&
                   now_ms() < deadline)
                itest_sleep_ms(50);
            if (strcmp(st, "acknowledged")) {
                for (int d = 0; d < NODES; d++)
                    itest_dump_logs(node[d], 3000);
                fail_msg("submission %s is %s, not acknowledged", workers[i].subs[k].id, st);
            }
        }
    }
    print_message("# node %d: %zu reports read back, %zu webhook submissions acknowledged\n", n,
                  reports, subs);
}

static void kill_cycle(int victim)
{
    size_t unexpected_n = 0;
    for (int i = 0; i < THREADS; i++) {
        workers[i].idx = i;
        workers[i].cycle = victim;
    }
    size_t from = atomic_load(&acked);
    atomic_store(&stop, false);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&workers[i].th, NULL, load_loop, &workers[i]), 0);
    /* mid-load: reports being filed on every node and deliveries in flight. Nothing asserts
     * while the clients run (a failed assertion would leave them running): the outcomes are
     * checked once they are joined. */
    int64_t deadline = now_ms() + WAIT_MS;
    bool loaded = wait_acked(from, 3 * THREADS), served = false;
    while (loaded && fake_receiver_waiting(RX) == 0 && now_ms() < deadline)
        itest_sleep_ms(5);
    bool in_flight = fake_receiver_waiting(RX) > 0;
    int killed = -1;
    size_t at_kill = atomic_load(&acked);
    if (loaded && in_flight) {
        atomic_store(&dead, victim);
        killed = itest_server_stop(node[victim], SIGKILL);
        at_kill = atomic_load(&acked);
        served = wait_acked(at_kill, 2 * THREADS); /* the survivors go on serving */
    }
    atomic_store(&stop, true);
    for (int i = 0; i < THREADS; i++)
        pthread_join(workers[i].th, NULL);
    assert_true(loaded);
    assert_true(in_flight);
    assert_int_equal(killed, 128 + SIGKILL);
    assert_true(served);
    for (int i = 0; i < THREADS; i++)
        unexpected_n += workers[i].unexpected;
    print_message("# cycle %d: node %d killed after %zu acknowledged reports, %zu after\n", victim,
                  victim, at_kill - from, atomic_load(&acked) - at_kill);
    assert_int_equal(unexpected_n, 0);
    verify_all((victim + 1) % NODES); /* before the restart: the survivors alone */
    assert_int_equal(itest_server_start(node[victim]), 0);
    atomic_store(&dead, -1);
}

static void test_kill_node_0(void **state)
{
    UNUSED(state);
    kill_cycle(0);
}

static void test_kill_node_1(void **state)
{
    UNUSED(state);
    kill_cycle(1);
}

static void test_kill_node_2(void **state)
{
    UNUSED(state);
    kill_cycle(2);
}

static bool is_ours(const char *key)
{
    for (int i = 0; i < THREADS; i++)
        for (size_t k = 0; k < workers[i].nsubs; k++)
            if (!strcmp(workers[i].subs[k].id, key))
                return true;
    return false;
}

/* What the receiver saw: one set of bytes per Idempotency-Key, whichever node sent it, every
 * known submission answered 2xx at least once, and the lease takeovers the kills caused. */
static void test_receiver_saw_one_payload_per_key(void **state)
{
    struct fake_request *q;
    size_t nq = fake_receiver_snapshot(RX, 0, &q), keys = 0, delivered = 0, interrupted = 0;
    UNUSED(state);
    for (size_t i = 0; i < nq; i++) {
        if (!q[i].sig_ok)
            fail_msg("request %zu (%s): the signature does not verify", i, q[i].key);
        bool first = true, ok = false;
        for (size_t j = 0; j < nq; j++) {
            if (strcmp(q[j].key, q[i].key))
                continue;
            if (j < i)
                first = false;
            if (strcmp(q[j].body, q[i].body))
                fail_msg("%s was sent twice with different bytes", q[i].key);
            ok = ok || (q[j].answered >= 200 && q[j].answered < 300);
        }
        if (!first)
            continue;
        keys++;
        delivered += ok;
        if (is_ours(q[i].key) && !ok)
            fail_msg("submission %s was never answered 2xx", q[i].key);
    }
    fake_requests_free(q, nq);
    for (int i = 0; i < THREADS; i++)
        for (size_t k = 0; k < workers[i].nsubs; k++) {
            json_t *view = NULL;
            sub_status(0, &workers[i].subs[k], &view);
            size_t h;
            json_t *e;
            json_array_foreach(json_object_get(view, "history"), h, e)
            {
                const char *ev = itest_jstr(e, "/event");
                interrupted += ev && !strcmp(ev, "interrupted");
            }
            json_decref(view);
        }
    print_message("# %zu requests, %zu keys, %zu answered 2xx; %zu attempts interrupted by a "
                  "kill and taken over after the lease\n",
                  nq, keys, delivered, interrupted);
}

/* After every restart: each acknowledgement of every cycle holds on every node. */
static void test_everything_survived(void **state)
{
    UNUSED(state);
    for (int n = 0; n < NODES; n++)
        verify_all(n);
}

static void test_audit_chain_intact(void **state)
{
    char *out = NULL;
    long long n = 0;
    UNUSED(state);
    int rc = itest_cli(&F.srv, NULL, &out, "audit", "verify", NULL);
    if (rc != 0)
        itest_dump_logs(&F.srv, 6000);
    assert_int_equal(rc, 0);
    assert_int_equal(sscanf(out, "audit log intact: %lld entries verified", &n), 1);
    assert_true(n >= (long long)atomic_load(&acked));
    free(out);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    for (int n = NODES - 1; n >= 0; n--)
        assert_int_equal(itest_server_finish(node[n]), 0);
}

/* ---- fixture ---- */

static int write_delivery_file(void)
{
    FILE *f = fopen(dfile, "w");
    int port = fake_receiver_port(RX);
    if (!f)
        return -1;
    fprintf(f,
            "{\"format\":\"ichigen-delivery/1\",\"recipients\":{"
            "\"ppc\":{\"channel\":\"webhook\",\"endpoint\":\"http://127.0.0.1:%d/ppc\","
            "\"secret\":\"%s\",\"concurrency\":4,\"timeout_s\":1},"
            "\"mlit\":{\"channel\":\"webhook\",\"endpoint\":\"http://127.0.0.1:%d/mlit\","
            "\"secret\":\"%s\",\"concurrency\":4,\"timeout_s\":1}}}\n",
            port, SECRET, port, SECRET);
    return fclose(f);
}

static int setup(void **state)
{
    UNUSED(state);
    RX = fake_receiver_start(SECRET);
    if (!RX)
        return -1;
    fake_receiver_set_slow_ms(RX, 60000);
    fake_receiver_set_policy(RX, slow_first, NULL);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ichigen-nodes-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dfile, sizeof(dfile), "%s/delivery.json", tmpdir);
    snprintf(dfile_set, sizeof(dfile_set), "--delivery-file=%s", dfile);
    if (write_delivery_file())
        return -1;
    static const char *const fixed[] = {"--delivery-allow-http-loopback=1",
                                        "--delivery-backoff-base-ms=50",
                                        "--delivery-backoff-max-s=1",
                                        "--delivery-lease-s=" LEASE_S,
                                        "--delivery-poll-ms=50",
                                        "--token-cache-ms=" TOKEN_CACHE,
                                        NULL};
    size_t n = 0;
    settings[n++] = dfile_set;
    for (size_t i = 0; fixed[i]; i++)
        settings[n++] = fixed[i];
    settings[n] = NULL;
    if (itest_fixture_setup(&F, settings))
        return -1;
    node[0] = &F.srv;
    for (int i = 1; i < NODES; i++) {
        node[i] = &extra[i - 1];
        if (itest_server_init_node(node[i], &F.srv, settings) || itest_server_start(node[i]))
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    for (int i = 1; i < NODES; i++)
        itest_server_release(&extra[i - 1]); /* before the fixture drops the database */
    itest_fixture_teardown(&F);
    fake_receiver_stop(RX);
    for (int i = 0; i < THREADS; i++) {
        for (size_t k = 0; k < workers[i].n; k++)
            free(workers[i].acks[k].body);
        free(workers[i].acks);
        free(workers[i].subs);
    }
    unlink(dfile);
    rmdir(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_revoked_across_nodes),
        cmocka_unit_test(test_role_change_across_nodes),
        cmocka_unit_test(test_keys_and_versions_across_nodes),
        cmocka_unit_test(test_correlation_across_nodes),
        cmocka_unit_test(test_kill_node_0),
        cmocka_unit_test(test_kill_node_1),
        cmocka_unit_test(test_kill_node_2),
        cmocka_unit_test(test_receiver_saw_one_payload_per_key),
        cmocka_unit_test(test_everything_survived),
        cmocka_unit_test(test_audit_chain_intact),
        cmocka_unit_test(test_clean_shutdown),
    };
    if (!itest_on_pg()) {
        /* TAP's skip of a whole program: a plan of 0 tests with the reason */
        printf("1..0 # SKIP several nodes share a PostgreSQL database: set ICHIGEN_ITEST_PG_URL\n");
        return 0;
    }
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
