/*
 * itest_throttle.c — sign-in throttling (issue 8.13): growing delays per client address, per
 * name and per pair instead of a lockout. An attacker's failures from another address do not
 * keep the owner out; a known and an unknown name answer alike before and after 1,100 other
 * names have failed (the old 1,024-name memory table evicted unknown names and so revealed
 * which names exist); failures and delays are audited without passwords or names; a success
 * forgets the name's failures; one address spraying names is slowed; a running delay ends.
 *
 * Two servers: "long" delays (minutes) make every 429 the tests expect certain however slow
 * the machine is; "short" ones (about a second) let a test wait a delay out. Both hash
 * passwords at the cheapest argon2id cost so that 1,100 failed sign-ins take seconds.
 * Client addresses are told apart by connecting from other loopback addresses (127.x.y.z).
 */
#include "itest.h"
#include "core/rtime.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define FLOOD 1100 /* more names than the old table held (1,024) */
#define FLOOD_PER_ADDRESS 20
#define LONG_FREE 3
#define SHORT_MAX_S 2

static const char *const long_settings[] = {
    "--login-throttle-free=3",         "--login-throttle-address-free=25",
    "--login-throttle-name-free=1000", "--login-throttle-base-ms=300000",
    "--login-throttle-max-s=600",      "--password-hash-mem-kib=8",
    "--password-hash-ops=1",           NULL};
static const char *const short_settings[] = {
    "--login-throttle-free=3",      "--login-throttle-address-free=1000",
    "--login-throttle-name-free=6", "--login-throttle-base-ms=500",
    "--login-throttle-max-s=2",     "--password-hash-mem-kib=8",
    "--password-hash-ops=1",        NULL};

static struct itest_fixture L; /* long delays */
static struct itest_server S;  /* short delays */
static struct itest_user owner, victim, forgetful, s_owner;

static long sign_in(const struct itest_server *srv, const char *from, const char *name,
                    const char *password, struct itest_resp *r)
{
    char body[300];
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", name, password);
    itest_http(srv,
               &(struct itest_req){.path = "/api/v1/auth/login", .body = body, .source_addr = from},
               r);
    return r->status;
}

static long retry_after(const struct itest_resp *r)
{
    int64_t s = -1;
    if (parse_int64(r->retry_after, 1, 100000, &s))
        return -1;
    return (long)s;
}

/* Two answers a client cannot tell apart: status, problem body (but its request id), the
 * headers that matter, Retry-After within the second that may pass between them. */
static void assert_alike(struct itest_resp *a, struct itest_resp *b)
{
    assert_int_equal(a->status, b->status);
    assert_non_null(a->json);
    assert_non_null(b->json);
    json_object_del(a->json, "request_id");
    json_object_del(b->json, "request_id");
    if (!json_equal(a->json, b->json))
        fail_msg("answers differ:\n  %s\n  %s", a->body, b->body);
    assert_string_equal(a->content_type, b->content_type);
    assert_string_equal(a->www_authenticate, b->www_authenticate);
    assert_int_equal(a->retry_after[0] != '\0', b->retry_after[0] != '\0');
    if (a->retry_after[0])
        assert_true(labs(retry_after(a) - retry_after(b)) <= 1);
}

/* Fails as name from `from` until a 429 comes (at most `most` attempts); returns the number
 * of 401s before it. Delays only grow, so a 429 comes. */
static int fail_until_throttled(const struct itest_server *srv, const char *from, const char *name,
                                int most)
{
    struct itest_resp r;
    for (int i = 0; i < most; i++) {
        long st = sign_in(srv, from, name, "not-the-password", &r);
        if (st == 429) {
            assert_string_equal(itest_problem_code(&r), "throttled");
            itest_resp_release(&r);
            return i;
        }
        assert_int_equal(st, 401);
        itest_resp_release(&r);
    }
    fail_msg("no 429 after %d failures as %s from %s", most, name, from);
    return -1;
}

/* (a) An attacker at another address fails many times on the owner's name: they are slowed,
 * the owner at their own address signs in at once — no lockout of the owner. */
static void test_owner_not_kept_out(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(fail_until_throttled(&L.srv, "127.0.0.2", owner.username, 10), LONG_FREE);
    for (int i = 0; i < 5; i++) { /* the attacker keeps trying: refused without a look */
        assert_int_equal(sign_in(&L.srv, "127.0.0.2", owner.username, owner.password, &r), 429);
        assert_true(retry_after(&r) > 0 && retry_after(&r) <= 600);
        itest_resp_release(&r);
    }
    assert_int_equal(sign_in(&L.srv, "127.0.0.1", owner.username, owner.password, &r), 201);
    assert_non_null(itest_jstr(r.json, "/token"));
    itest_resp_release(&r);
}

/* A success forgets the name's failures: failing LONG_FREE - 1 times around each success
 * never starts a delay. */
static void test_success_forgets(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < LONG_FREE - 1; i++) {
            assert_int_equal(sign_in(&L.srv, "127.0.0.5", forgetful.username, "wrong-password", &r),
                             401);
            itest_resp_release(&r);
        }
        assert_int_equal(sign_in(&L.srv, "127.0.0.5", forgetful.username, forgetful.password, &r),
                         201);
        itest_resp_release(&r);
    }
}

/* One address spraying names is slowed for every name, another address is not. */
static void test_address_throttled(void **state)
{
    struct itest_resp r;
    char name[40];
    int i = 0;
    UNUSED(state);
    for (;; i++) {
        assert_true(i < 40);
        snprintf(name, sizeof(name), "spray-%d", i);
        long st = sign_in(&L.srv, "127.0.0.6", name, "not-the-password", &r);
        itest_resp_release(&r);
        if (st == 429)
            break;
        assert_int_equal(st, 401);
    }
    assert_int_equal(i, 25); /* login_throttle_address_free failures, then delays */
    assert_int_equal(sign_in(&L.srv, "127.0.0.7", name, "not-the-password", &r), 401);
    itest_resp_release(&r);
}

/* (c) Failures and delays are in the audit log, with neither the password nor the name. */
struct audit_seen {
    int failed_known, failed_unknown, throttled_pair, throttled_address;
    bool leaked;
};

static void scan_audit(struct audit_seen *a)
{
    int64_t from = 1;
    memset(a, 0, sizeof(*a));
    while (from > 0) {
        struct itest_resp r;
        char path[96];
        size_t i;
        json_t *it;
        snprintf(path, sizeof(path), "/api/v1/audit?limit=200&from_seq=%lld", (long long)from);
        assert_int_equal(itest_get(&L.srv, L.admin.token, path, &r), 200);
        json_array_foreach(json_object_get(r.json, "items"), i, it)
        {
            const char *action = itest_jstr(it, "/action"), *oid = itest_jstr(it, "/object_id");
            const char *detail = itest_jstr(it, "/detail");
            if (!strcmp(action, "auth.login_failed")) {
                a->failed_known += !strcmp(oid, owner.id);
                a->failed_unknown += !oid[0];
            }
            if (!strcmp(action, "auth.throttled")) {
                a->throttled_pair += !!strstr(detail, "scope=address+name ");
                a->throttled_address += !!strstr(detail, "scope=address ");
            }
        }
        a->leaked |= strstr(r.body, "not-the-password") || strstr(r.body, "spray-") ||
                     strstr(r.body, "127.0.0.");
        from = itest_jint(r.json, "/next_from_seq");
        itest_resp_release(&r);
    }
}

static void test_throttling_audited(void **state)
{
    struct audit_seen a;
    UNUSED(state);
    scan_audit(&a);
    assert_int_equal(a.failed_known, LONG_FREE); /* the owner's name: evaluated failures only */
    assert_true(a.failed_unknown >= 25);
    assert_true(a.throttled_pair >= 1);
    assert_true(a.throttled_address >= 1);
    assert_false(a.leaked);
}

/* ---- (b) known and unknown names alike, whatever the number of names ---- */

struct flood {
    int first, count;
};

static void *flood_main(void *arg)
{
    const struct flood *f = arg;
    for (int i = f->first; i < f->first + f->count; i++) {
        struct itest_resp r;
        char name[40], from[32];
        snprintf(name, sizeof(name), "flood-%d", i);
        /* each address stays within its allowance, so every attempt is a real failure */
        snprintf(from, sizeof(from), "127.0.%d.%d", 10 + i / (250 * FLOOD_PER_ADDRESS),
                 1 + (i / FLOOD_PER_ADDRESS) % 250);
        long st = sign_in(&L.srv, from, name, "not-the-password", &r);
        itest_resp_release(&r);
        if (st != 401)
            return (void *)1;
    }
    return NULL;
}

static void flood(void)
{
    enum { THREADS = 4 };
    pthread_t t[THREADS];
    struct flood f[THREADS];
    for (int k = 0; k < THREADS; k++) {
        f[k].first = k * (FLOOD / THREADS);
        f[k].count = FLOOD / THREADS;
        assert_int_equal(pthread_create(&t[k], NULL, flood_main, &f[k]), 0);
    }
    bool ok = true;
    for (int k = 0; k < THREADS; k++) {
        void *rc;
        pthread_join(t[k], &rc);
        ok &= rc == NULL;
    }
    assert_true(ok);
}

static void test_known_and_unknown_alike(void **state)
{
    struct itest_resp k, u;
    UNUSED(state);
    /* the same failures on a real name and on a name nobody has, from one address */
    for (int i = 0; i < LONG_FREE; i++) {
        assert_int_equal(sign_in(&L.srv, "127.0.0.3", victim.username, "not-the-password", &k),
                         401);
        assert_int_equal(sign_in(&L.srv, "127.0.0.3", "nobody-here", "not-the-password", &u), 401);
        assert_alike(&k, &u);
        itest_resp_release(&k);
        itest_resp_release(&u);
    }
    sign_in(&L.srv, "127.0.0.3", victim.username, victim.password, &k);
    sign_in(&L.srv, "127.0.0.3", "nobody-here", "not-the-password", &u);
    assert_int_equal(k.status, 429);
    assert_alike(&k, &u);
    itest_resp_release(&k);
    itest_resp_release(&u);
    /* more distinct names fail than the old table held */
    flood();
    sign_in(&L.srv, "127.0.0.3", victim.username, victim.password, &k);
    sign_in(&L.srv, "127.0.0.3", "nobody-here", "not-the-password", &u);
    assert_int_equal(k.status, 429);
    assert_alike(&k, &u);
    itest_resp_release(&k);
    itest_resp_release(&u);
    /* and from an address with no history, both are simply wrong */
    sign_in(&L.srv, "127.0.0.4", victim.username, "not-the-password", &k);
    sign_in(&L.srv, "127.0.0.4", "nobody-here", "not-the-password", &u);
    assert_int_equal(k.status, 401);
    assert_alike(&k, &u);
    itest_resp_release(&k);
    itest_resp_release(&u);
}

/* ---- short delays: the owner waits one out ---- */

/* Failures on the owner's name from many addresses start the name's own delay, which holds
 * for the owner too — but only for its short, capped length: the owner, doing what
 * Retry-After says, gets in. */
static void test_delay_ends(void **state)
{
    struct itest_resp r;
    char from[32];
    UNUSED(state);
    for (int i = 0; i < 8; i++) { /* below each address's allowance, above the name's (6) */
        snprintf(from, sizeof(from), "127.0.3.%d", i + 1);
        long st = sign_in(&S, from, s_owner.username, "not-the-password", &r);
        assert_true(st == 401 || st == 429);
        if (st == 429)
            assert_true(retry_after(&r) >= 1 && retry_after(&r) <= SHORT_MAX_S);
        itest_resp_release(&r);
    }
    int64_t deadline = rtime_now_ms() + 30000;
    long st;
    while ((st = sign_in(&S, "127.0.0.1", s_owner.username, s_owner.password, &r)) == 429) {
        long wait = retry_after(&r);
        assert_true(wait >= 1 && wait <= SHORT_MAX_S); /* never a long lockout */
        itest_resp_release(&r);
        assert_true(rtime_now_ms() < deadline);
        itest_sleep_ms((int)wait * 1000);
    }
    assert_int_equal(st, 201);
    itest_resp_release(&r);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_int_equal(itest_server_finish(&L.srv), 0);
    assert_int_equal(itest_server_finish(&S), 0);
}

static int add_users(void)
{
    char org[40];
    if (itest_fixture_setup(&L, long_settings) ||
        itest_add_user(&L.srv, L.org_a, "owner", "reporter", &owner) ||
        itest_add_user(&L.srv, L.org_a, "victim", "reporter", &victim) ||
        itest_add_user(&L.srv, L.org_a, "forgetful", "reporter", &forgetful))
        return -1;
    if (itest_server_init(&S, short_settings) || itest_add_org(&S, "組織S", "company", org) ||
        itest_add_user(&S, org, "s-owner", "reporter", &s_owner) || itest_server_start(&S))
        return -1;
    return 0;
}

static int setup(void **state)
{
    UNUSED(state);
    return add_users();
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&L);
    itest_server_release(&S);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_not_kept_out),      cmocka_unit_test(test_success_forgets),
        cmocka_unit_test(test_address_throttled),       cmocka_unit_test(test_throttling_audited),
        cmocka_unit_test(test_known_and_unknown_alike), cmocka_unit_test(test_delay_ends),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
