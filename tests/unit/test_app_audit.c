/*
 * test_app_audit.c — reading the audit log as a use case (app_audit.h) against a real SQLite
 * store in a temporary directory: pages and their continuation, and that only the platform
 * administrator may (every other role FORBIDDEN, as the API answers 403).
 */
#include <jansson.h>

#include "app/app_audit.h"
#include "account/account.h"
#include "core/uuid.h"
#include "unit.h"

#include <setjmp.h>
#include <cmocka.h>

#define NOW 1790000000000LL /* 2026-09-21 */

struct fx {
    char dir[64];
    struct app app;
    struct principal admin, org_admin, reporter;
};

static void make_principal(struct principal *p, const char *org, enum role role)
{
    memset(p, 0, sizeof(*p));
    uuid_v7_new(p->user_id);
    xstrlcpy(p->org_id, org, sizeof(p->org_id));
    xstrlcpy(p->username, "someone", sizeof(p->username));
    p->role = role;
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    char url[280];
    struct err e;
    if (unit_tmpdir(f->dir, "app-audit"))
        return -1;
    snprintf(url, sizeof(url), "sqlite:%s/ichigen.db", f->dir);
    struct store_options o = {.url = url, .read_pool_size = 2, .commit_batch_max = 16};
    err_init(&e);
    config_defaults(&f->app.cfg);
    schema_limits_default(&f->app.limits);
    if (!(f->app.store = store_open(&o, &e))) {
        print_error("store_open: %s\n", e.msg);
        return -1;
    }
    /* five organisations: five audit entries (organization.create), seq 1..5 */
    for (int i = 0; i < 5; i++) {
        struct org g;
        char name[16];
        snprintf(name, sizeof(name), "Org %d", i);
        json_t *doc =
            json_pack("{s:s, s:s, s:s}", "name_ja", name, "name_en", name, "kind", "company");
        account_org_from_json(doc, NOW, &g);
        json_decref(doc);
        if (store_org_create(f->app.store, &g, "test", NOW) != STORE_OK)
            return -1;
        if (i == 0) {
            make_principal(&f->org_admin, g.id, ROLE_ORG_ADMIN);
            make_principal(&f->reporter, g.id, ROLE_REPORTER);
        }
    }
    make_principal(&f->admin, f->org_admin.org_id, ROLE_ADMIN);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->app.store);
    unit_rmtree(f->dir);
    free(f);
    return 0;
}

static int collect(const struct audit_rec *a, void *arg)
{
    int64_t *seqs = arg;
    seqs[++seqs[0]] = a->seq;
    return 0;
}

/* Pages of 2 from seq 1: 1–2 then 3–4 then 5, each saying where the next one starts. */
static void test_pages(void **state)
{
    struct fx *f = *state;
    struct app_result res;
    int64_t seqs[8] = {0}, next = -1;
    app_result_init(&res, 10);
    assert_int_equal(app_audit_page(&f->app, &f->admin, 1, 2, collect, seqs, &next, &res), APP_OK);
    assert_int_equal(seqs[0], 2);
    assert_int_equal(seqs[1], 1);
    assert_int_equal(seqs[2], 2);
    assert_int_equal(next, 3);
    seqs[0] = 0;
    assert_int_equal(app_audit_page(&f->app, &f->admin, 3, 2, collect, seqs, &next, &res), APP_OK);
    assert_int_equal(seqs[0], 2);
    assert_int_equal(seqs[1], 3);
    assert_int_equal(next, 5);
    seqs[0] = 0;
    assert_int_equal(app_audit_page(&f->app, &f->admin, 5, 2, collect, seqs, &next, &res), APP_OK);
    assert_int_equal(seqs[0], 1);
    assert_int_equal(seqs[1], 5);
    assert_int_equal(next, 0); /* the end */
    app_result_release(&res);
}

/* An organisation's own administrator and a reporter are refused, and see nothing. */
static void test_roles(void **state)
{
    struct fx *f = *state;
    const struct principal *who[] = {&f->org_admin, &f->reporter};
    for (size_t i = 0; i < 2; i++) {
        struct app_result res;
        int64_t seqs[8] = {0}, next = -1;
        app_result_init(&res, 10);
        assert_int_equal(app_audit_page(&f->app, who[i], 1, 5, collect, seqs, &next, &res),
                         APP_PROB_FORBIDDEN);
        assert_int_equal(seqs[0], 0);
        assert_int_equal(next, 0);
        app_result_release(&res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
    };
    if (hash_global_init())
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
