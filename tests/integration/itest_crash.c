/*
 * itest_crash.c — durability: a 201 is a promise. Sixteen clients create reports as fast as the
 * server accepts them; the server is killed with SIGKILL mid-flight and restarted on the same
 * data directory; every report it acknowledged must come back byte for byte, and the audit
 * chain must verify. Three kill cycles, each bounded by time rather than a request count so the
 * test stays short under sanitizers.
 */
#include "itest.h"
#include "core/buf.h"
#include "core/hash.h"
#include "core/jsonx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#define THREADS 16
#define RUN_MS 1500

static struct itest_fixture F;

/* One acknowledged create: the id and the exact 201 body. */
struct ack {
    char id[40];
    char *body;
};

struct worker {
    pthread_t th;
    int idx;
    int cycle;
    struct ack *acks;
    size_t n, cap;
    size_t verify_from; /* verification covers acks[verify_from..n) */
    size_t unexpected;  /* responses other than 201 while the server was up */
    char problem[256];  /* the first verification failure, if any */
};

static struct worker workers[THREADS];
static atomic_bool stop;
static size_t total_acks;

static const struct itest_user *user_for(int idx)
{
    return idx % 2 ? &F.rep_b : &F.rep_a;
}

static void record(struct worker *w, struct itest_resp *r)
{
    const char *id = itest_jstr(r->json, "/id");
    if (!id) {
        w->unexpected++;
        return;
    }
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 256;
        w->acks = xrealloc(w->acks, w->cap * sizeof(*w->acks));
    }
    xstrlcpy(w->acks[w->n].id, id, sizeof(w->acks[0].id));
    w->acks[w->n++].body = r->body; /* keep the exact bytes */
    r->body = NULL;
}

static void *create_loop(void *arg)
{
    struct worker *w = arg;
    char summary[96];
    json_t *doc = itest_report_doc(NULL);
    json_t *desc = json_object_get(doc, "description");
    for (unsigned seq = 0; !atomic_load(&stop); seq++) {
        struct itest_resp r;
        snprintf(summary, sizeof(summary), "crash cycle %d thread %d report %u", w->cycle, w->idx,
                 seq);
        json_object_set_new(desc, "summary", json_string(summary));
        char *body = itest_dump(doc);
        itest_post(&F.srv, user_for(w->idx)->token, "/api/v1/reports", body, &r);
        free(body);
        if (r.status == 201)
            record(w, &r);
        else if (r.status != 0)
            w->unexpected++; /* 0: a transport error, expected around the kill */
        itest_resp_release(&r);
    }
    json_decref(doc);
    return NULL;
}

/* The sha in the body is the SHA-256 of the canonical report it carries. */
static bool sha_consistent(const char *body)
{
    json_t *j = json_loads(body, 0, NULL);
    struct buf b;
    char hex[HASH_SHA256_HEX];
    bool ok = false;
    buf_init(&b, BUF_UNLIMITED);
    if (j && !jsonx_dump_canonical(json_object_get(j, "report"), &b)) {
        hash_sha256_hex(b.data, b.len, hex);
        const char *sha = itest_jstr(j, "/report_sha256");
        ok = sha && !strcmp(sha, hex);
    }
    buf_release(&b);
    json_decref(j);
    return ok;
}

/* Whether a read of a report (got) answers what its create acknowledged (ack): the same
 * stored bytes of the report, byte for byte, and the same metadata — except the create's
 * possible_duplicate hint (issue 10 item 4) and its correlation summary (issue 13 item 3),
 * which are advice about the moment of the create and not part of the report (every report here repeats the one before, so most carry it). */
static bool same_answer(const char *got, const char *ack)
{
    const char *gr = strstr(got, ",\"report\":"), *ar = strstr(ack, ",\"report\":");
    if (!gr || !ar || strcmp(gr, ar))
        return false;
    json_t *g = json_loads(got, 0, NULL), *a = json_loads(ack, 0, NULL);
    json_object_del(a, "possible_duplicate");
    json_object_del(a, "correlation"); /* likewise advice of the moment (issue 13 item 3) */
    bool same = g && a && json_equal(g, a);
    json_decref(g);
    json_decref(a);
    return same;
}

static void *verify_loop(void *arg)
{
    struct worker *w = arg;
    char path[96];
    for (size_t i = w->verify_from; i < w->n && !w->problem[0]; i++) {
        struct itest_resp r;
        const struct ack *a = &w->acks[i];
        snprintf(path, sizeof(path), "/api/v1/reports/%s", a->id);
        itest_get(&F.srv, user_for(w->idx)->token, path, &r);
        if (r.status != 200)
            snprintf(w->problem, sizeof(w->problem), "acknowledged report %s: GET answered %ld",
                     a->id, r.status);
        else if (!same_answer(r.body, a->body))
            snprintf(w->problem, sizeof(w->problem), "acknowledged report %s changed", a->id);
        else if (!sha_consistent(r.body))
            snprintf(w->problem, sizeof(w->problem), "report %s: report_sha256 is wrong", a->id);
        itest_resp_release(&r);
    }
    return NULL;
}

static void run_threads(void *(*fn)(void *))
{
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&workers[i].th, NULL, fn, &workers[i]), 0);
}

static void join_threads(void)
{
    for (int i = 0; i < THREADS; i++)
        pthread_join(workers[i].th, NULL);
}

/* Verifies acks[from..n) of every worker in parallel; from_start re-checks everything. */
static void verify_acks(bool from_start)
{
    for (int i = 0; i < THREADS; i++)
        if (from_start)
            workers[i].verify_from = 0;
    run_threads(verify_loop);
    join_threads();
    for (int i = 0; i < THREADS; i++)
        if (workers[i].problem[0]) {
            itest_dump_logs(&F.srv, 6000);
            fail_msg("%s", workers[i].problem);
        }
}

static void kill_cycle(int cycle)
{
    size_t before = 0, after = 0, unexpected = 0;
    for (int i = 0; i < THREADS; i++) {
        workers[i].idx = i;
        workers[i].cycle = cycle;
        workers[i].verify_from = workers[i].n;
        before += workers[i].n;
    }
    atomic_store(&stop, false);
    run_threads(create_loop);
    itest_sleep_ms(RUN_MS);
    /* the clients are still sending: requests are in flight when the server dies */
    assert_int_equal(itest_server_stop(&F.srv, SIGKILL), 128 + SIGKILL);
    atomic_store(&stop, true);
    join_threads();
    for (int i = 0; i < THREADS; i++) {
        after += workers[i].n;
        unexpected += workers[i].unexpected;
    }
    print_message("# cycle %d: %zu reports acknowledged before the kill\n", cycle, after - before);
    assert_true(after > before); /* the cycle proved something */
    assert_int_equal(unexpected, 0);
    total_acks = after;

    assert_int_equal(itest_server_start(&F.srv), 0);
    verify_acks(false);
}

static void test_kill_cycle_1(void **state)
{
    UNUSED(state);
    kill_cycle(1);
}

static void test_kill_cycle_2(void **state)
{
    UNUSED(state);
    kill_cycle(2);
}

static void test_kill_cycle_3(void **state)
{
    UNUSED(state);
    kill_cycle(3);
}

/* After the last restart every acknowledgement of every cycle still holds. */
static void test_all_cycles_survive(void **state)
{
    UNUSED(state);
    assert_true(total_acks > 0);
    verify_acks(true);
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
    assert_true(n >= (long long)total_acks); /* each create appended its entry */
    free(out);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_int_equal(itest_server_finish(&F.srv), 0);
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
    for (int i = 0; i < THREADS; i++) {
        for (size_t k = 0; k < workers[i].n; k++)
            free(workers[i].acks[k].body);
        free(workers[i].acks);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_cycle_1),       cmocka_unit_test(test_kill_cycle_2),
        cmocka_unit_test(test_kill_cycle_3),       cmocka_unit_test(test_all_cycles_survive),
        cmocka_unit_test(test_audit_chain_intact), cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
