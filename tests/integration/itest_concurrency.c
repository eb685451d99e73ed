/*
 * itest_concurrency.c — simultaneous writers. Eight clients amend one report with the same
 * If-Match at the same instant: exactly one wins, the rest get 412 (optimistic concurrency
 * holds under the group commit). Thirty-two clients create fifty reports each across two
 * organisations: all succeed with distinct ids, each organisation lists exactly its own, and
 * the audit chain stays intact.
 */
#include "itest.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#define AMENDERS 8
#define ROUNDS 3
#define CREATORS 32
#define PER_CREATOR 50

static struct itest_fixture F;
static struct itest_user rep_c; /* organisation C': the amendment race has it to itself */
static pthread_barrier_t barrier;

/* ---- the amendment race ---- */

struct amender {
    pthread_t th;
    char path[128];
    char if_match[64];
    char *body;
    long status;
    char etag[64];
};

static void *amend_once(void *arg)
{
    struct amender *a = arg;
    struct itest_resp r;
    pthread_barrier_wait(&barrier); /* everyone sends at the same instant */
    itest_http(
        &F.srv,
        &(struct itest_req){
            .path = a->path, .token = rep_c.token, .body = a->body, .headers = {a->if_match}},
        &r);
    a->status = r.status;
    xstrlcpy(a->etag, r.etag, sizeof(a->etag));
    itest_resp_release(&r);
    return NULL;
}

static void test_same_if_match_one_winner(void **state)
{
    struct amender am[AMENDERS];
    struct itest_resp r;
    char id[40], path[160], want_etag[16];
    char *winner_body[ROUNDS + 2] = {NULL};
    UNUSED(state);
    json_t *doc = itest_report_doc("amendment race");
    char *body = itest_dump(doc);
    assert_int_equal(itest_post(&F.srv, rep_c.token, "/api/v1/reports", body, &r), 201);
    xstrlcpy(id, itest_jstr(r.json, "/id"), sizeof(id));
    itest_resp_release(&r);
    free(body);

    for (int round = 1; round <= ROUNDS; round++) {
        int won = -1, lost = 0;
        assert_int_equal(pthread_barrier_init(&barrier, NULL, AMENDERS), 0);
        for (int t = 0; t < AMENDERS; t++) {
            char change[64];
            snprintf(change, sizeof(change), "round %d, client %d", round, t);
            json_object_set_new(json_object_get(doc, "envelope"), "change_summary",
                                json_string(change));
            am[t].body = itest_dump(doc);
            snprintf(am[t].path, sizeof(am[t].path), "/api/v1/reports/%s/versions", id);
            snprintf(am[t].if_match, sizeof(am[t].if_match), "If-Match: \"v%d\"", round);
            assert_int_equal(pthread_create(&am[t].th, NULL, amend_once, &am[t]), 0);
        }
        for (int t = 0; t < AMENDERS; t++)
            pthread_join(am[t].th, NULL);
        pthread_barrier_destroy(&barrier);
        snprintf(want_etag, sizeof(want_etag), "\"v%d\"", round + 1);
        for (int t = 0; t < AMENDERS; t++) {
            if (am[t].status == 201) {
                assert_int_equal(won, -1); /* a second winner would be a lost update */
                won = t;
            } else {
                assert_int_equal(am[t].status, 412);
                lost++;
            }
            assert_string_equal(am[t].etag, want_etag);
        }
        assert_int_not_equal(won, -1);
        assert_int_equal(lost, AMENDERS - 1);
        winner_body[round + 1] = am[won].body;
        for (int t = 0; t < AMENDERS; t++)
            if (t != won)
                free(am[t].body);
    }

    /* the stored versions are exactly the winners' */
    snprintf(path, sizeof(path), "/api/v1/reports/%s/versions", id);
    assert_int_equal(itest_get(&F.srv, rep_c.token, path, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), ROUNDS + 1);
    itest_resp_release(&r);
    for (int v = 2; v <= ROUNDS + 1; v++) {
        snprintf(path, sizeof(path), "/api/v1/reports/%s/versions/%d", id, v);
        assert_int_equal(itest_get(&F.srv, rep_c.token, path, &r), 200);
        json_t *want = json_loads(winner_body[v], 0, NULL);
        assert_true(json_equal(json_object_get(r.json, "report"), want));
        json_decref(want);
        itest_resp_release(&r);
        free(winner_body[v]);
    }
    json_decref(doc);
}

/* ---- many creators ---- */

struct creator {
    pthread_t th;
    int idx;
    char ids[PER_CREATOR][40];
    int created;
    long bad_status; /* the first non-201 status, 0 if none */
};

static struct creator creators[CREATORS];

static const struct itest_user *owner(int idx)
{
    return idx % 2 ? &F.rep_b : &F.rep_a;
}

static void *create_many(void *arg)
{
    struct creator *c = arg;
    char summary[64];
    json_t *doc = itest_report_doc(NULL);
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < PER_CREATOR; i++) {
        struct itest_resp r;
        snprintf(summary, sizeof(summary), "creator %d report %d", c->idx, i);
        json_object_set_new(json_object_get(doc, "description"), "summary", json_string(summary));
        char *body = itest_dump(doc);
        itest_post(&F.srv, owner(c->idx)->token, "/api/v1/reports", body, &r);
        free(body);
        const char *id = itest_jstr(r.json, "/id");
        if (r.status == 201 && id)
            xstrlcpy(c->ids[c->created++], id, sizeof(c->ids[0]));
        else if (!c->bad_status)
            c->bad_status = r.status ? r.status : -1;
        itest_resp_release(&r);
    }
    json_decref(doc);
    return NULL;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Every report id the organisation of u can list, sorted. Returns the count. */
static size_t list_org(const struct itest_user *u, char (*out)[40], size_t max)
{
    char path[256], cursor[128] = "";
    size_t n = 0;
    for (;;) {
        struct itest_resp r;
        json_t *it;
        size_t i;
        snprintf(path, sizeof(path), "/api/v1/reports?limit=200%s%s", cursor[0] ? "&cursor=" : "",
                 cursor);
        assert_int_equal(itest_get(&F.srv, u->token, path, &r), 200);
        json_array_foreach(json_object_get(r.json, "items"), i, it)
        {
            assert_true(n < max);
            xstrlcpy(out[n++], itest_jstr(it, "/id"), 40);
        }
        const char *next = itest_jstr(r.json, "/next_cursor");
        if (next)
            xstrlcpy(cursor, next, sizeof(cursor));
        itest_resp_release(&r);
        if (!next)
            break;
    }
    qsort(out, n, 40, cmp_id);
    return n;
}

static void test_many_creators(void **state)
{
    static char all[CREATORS * PER_CREATOR][40], mine[2][CREATORS * PER_CREATOR / 2][40];
    static char listed[CREATORS * PER_CREATOR][40];
    size_t n = 0, nmine[2] = {0, 0};
    UNUSED(state);
    assert_int_equal(pthread_barrier_init(&barrier, NULL, CREATORS), 0);
    for (int i = 0; i < CREATORS; i++) {
        creators[i].idx = i;
        assert_int_equal(pthread_create(&creators[i].th, NULL, create_many, &creators[i]), 0);
    }
    for (int i = 0; i < CREATORS; i++)
        pthread_join(creators[i].th, NULL);
    pthread_barrier_destroy(&barrier);
    for (int i = 0; i < CREATORS; i++) {
        if (creators[i].bad_status)
            fail_msg("creator %d got status %ld", i, creators[i].bad_status);
        assert_int_equal(creators[i].created, PER_CREATOR);
        for (int k = 0; k < PER_CREATOR; k++) {
            xstrlcpy(all[n++], creators[i].ids[k], 40);
            xstrlcpy(mine[i % 2][nmine[i % 2]++], creators[i].ids[k], 40);
        }
    }
    qsort(all, n, 40, cmp_id);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(all[i - 1], all[i]))
            fail_msg("id %s was issued twice", all[i]);

    for (int org = 0; org < 2; org++) {
        qsort(mine[org], nmine[org], 40, cmp_id);
        size_t got = list_org(org ? &F.rep_b : &F.rep_a, listed, ARRAY_SIZE(listed));
        assert_int_equal(got, nmine[org]);
        for (size_t i = 0; i < got; i++)
            assert_string_equal(listed[i], mine[org][i]);
    }
}

static void test_audit_chain_intact(void **state)
{
    char *out = NULL;
    UNUSED(state);
    int rc = itest_cli(&F.srv, NULL, &out, "audit", "verify", NULL);
    if (rc)
        fail_msg("audit verify exited %d: %s", rc, out);
    free(out);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

static int setup(void **state)
{
    char org[40];
    UNUSED(state);
    if (itest_fixture_setup(&F, NULL) || itest_add_org(&F.srv, "組織C'", "company", org) ||
        itest_add_user(&F.srv, org, "rep-c", "reporter", &rep_c))
        return -1;
    return 0;
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
        cmocka_unit_test(test_same_if_match_one_winner),
        cmocka_unit_test(test_many_creators),
        cmocka_unit_test(test_audit_chain_intact),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
