/*
 * test_app_account.c — the account use cases of src/app/ (app_account.h) against a real
 * SQLite store in a temporary directory: organisations, users (who may give an organisation
 * users, issue 8.12), tokens; the wrong organisation gets NOT_FOUND and the wrong role
 * FORBIDDEN, as the HTTP API answers 404 and 403, and the CLI (no principal) follows
 * account_decide's rules for the operator.
 */
#include <jansson.h>

#include "app/app_account.h"
#include "core/uuid.h"
#include "unit.h"

#include <setjmp.h>
#include <cmocka.h>

#define NOW 1790000000000LL

struct fx {
    char dir[64];
    struct app app;
    char op[UUID_STR_LEN], org_a[UUID_STR_LEN], org_b[UUID_STR_LEN];
    struct principal admin, rep_a; /* the platform administrator; a reporter of A */
    struct app_result res;
};

static struct app_result *fresh(struct fx *f)
{
    app_result_release(&f->res);
    app_result_init(&f->res, 100);
    return &f->res;
}

static void make_org(struct fx *f, const char *kind, char id[UUID_STR_LEN])
{
    struct org o;
    json_t *doc = json_pack("{s:s, s:s, s:s}", "name_ja", "組織", "name_en", "Org", "kind", kind);
    assert_int_equal(app_org_decode(doc, &f->app.limits, NOW, &o, fresh(f)), APP_OK);
    assert_int_equal(app_org_create(&f->app, NULL, &o, NOW, fresh(f)), APP_OK);
    xstrlcpy(id, o.id, UUID_STR_LEN);
    json_decref(doc);
}

static void principal_of(struct principal *p, const char *org, enum role role)
{
    memset(p, 0, sizeof(*p));
    uuid_v7_new(p->user_id);
    xstrlcpy(p->org_id, org, sizeof(p->org_id));
    p->role = role;
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    char url[280];
    struct err e;
    if (unit_tmpdir(f->dir, "app-account"))
        return -1;
    snprintf(url, sizeof(url), "sqlite:%s/ichigen.db", f->dir);
    struct store_options o = {.url = url, .read_pool_size = 2, .commit_batch_max = 16};
    err_init(&e);
    config_defaults(&f->app.cfg);
    f->app.cfg.password_hash_ops = 1; /* the cheapest argon2id: these tests hash many */
    f->app.cfg.password_hash_mem_kib = 8;
    schema_limits_default(&f->app.limits);
    pthread_mutex_init(&f->app.pw_lock, NULL);
    pthread_cond_init(&f->app.pw_cond, NULL);
    if (!(f->app.store = store_open(&o, &e))) {
        print_error("store_open: %s\n", e.msg);
        return -1;
    }
    app_result_init(&f->res, 100);
    make_org(f, "operator", f->op);
    make_org(f, "company", f->org_a);
    make_org(f, "company", f->org_b);
    principal_of(&f->admin, f->op, ROLE_ADMIN);
    principal_of(&f->rep_a, f->org_a, ROLE_REPORTER);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    app_result_release(&f->res);
    store_close(f->app.store);
    pthread_mutex_destroy(&f->app.pw_lock);
    pthread_cond_destroy(&f->app.pw_cond);
    unit_rmtree(f->dir);
    free(f);
    return 0;
}

/* Creates user name with role in org as who (NULL: the CLI). Returns the outcome; *u is the
 * user on APP_OK. */
static enum app_problem create(struct fx *f, const struct principal *who, const char *org,
                               const char *name, const char *role, const char *password, bool glass,
                               struct user *u)
{
    char generated[21];
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s}", "org_id", org, "username", name, "display_name",
                            name, "role", role);
    enum app_problem p = app_user_decode(doc, &f->app.limits, NOW, u, fresh(f));
    if (!p)
        p = app_user_create(&f->app, who, u, password, who == NULL, glass, NOW, generated, &f->res);
    if (!p)
        assert_int_equal(generated[0] != '\0', password == NULL);
    json_decref(doc);
    return p;
}

static void test_orgs(void **state)
{
    struct fx *f = *state;
    struct org o, *orgs;
    size_t n;
    bool more;
    json_t *bad = json_pack("{s:s}", "name_ja", "x");
    assert_int_equal(app_org_decode(bad, &f->app.limits, NOW, &o, fresh(f)), APP_PROB_VALIDATION);
    assert_true(f->res.errs.n >= 1);
    json_decref(bad);
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s}", "name_ja", "組織", "name_en", "Org", "kind",
                            "company", "corporate_number", "7000012050002");
    if (app_org_decode(doc, &f->app.limits, NOW, &o, fresh(f)))
        fail_msg("%s", f->res.errs.n ? f->res.errs.v[0].en : "?");
    assert_int_equal(app_org_create(&f->app, &f->rep_a, &o, NOW, fresh(f)), APP_PROB_FORBIDDEN);
    assert_int_equal(app_org_create(&f->app, &f->admin, &o, NOW, fresh(f)), APP_OK);
    /* the same corporate number again */
    assert_int_equal(app_org_decode(doc, &f->app.limits, NOW, &o, fresh(f)), APP_OK);
    assert_int_equal(app_org_create(&f->app, &f->admin, &o, NOW, fresh(f)),
                     APP_PROB_CONFLICT_UNIQUE);
    assert_int_equal(f->res.store, STORE_EXISTS);
    json_decref(doc);
    /* an organisation is read by its members and the platform administrator */
    assert_int_equal(app_org_get(&f->app, &f->rep_a, f->org_a, &o, fresh(f)), APP_OK);
    assert_int_equal(app_org_get(&f->app, &f->rep_a, f->org_b, &o, fresh(f)), APP_PROB_NOT_FOUND);
    assert_int_equal(app_org_get(&f->app, &f->admin, f->org_b, &o, fresh(f)), APP_OK);
    assert_int_equal(app_org_get(&f->app, &f->admin, "nope", &o, fresh(f)), APP_PROB_NOT_FOUND);
    assert_int_equal(app_org_list(&f->app, &f->rep_a, NULL, 50, &orgs, &n, &more, fresh(f)),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(app_org_list(&f->app, &f->admin, NULL, 50, &orgs, &n, &more, fresh(f)),
                     APP_OK);
    assert_int_equal(n, 4);
    free(orgs);
}

/* The platform administrator gives an organisation its first administrator and nothing more;
 * that administrator runs it; the matrix keeps every other caller out. */
static void test_users_onboarding(void **state)
{
    struct fx *f = *state;
    struct user u, oadm;
    struct principal oadm_a, oadm_b;
    assert_int_equal(create(f, &f->admin, f->org_a, "alice", "reporter", NULL, false, &u),
                     APP_PROB_ONBOARDING_ONLY);
    assert_int_equal(create(f, &f->admin, f->org_a, "anna", "org_admin", NULL, false, &oadm),
                     APP_OK);
    assert_true(oadm.must_change_password);
    assert_int_equal(create(f, &f->admin, f->org_a, "alice", "reporter", NULL, false, &u),
                     APP_PROB_ORG_HAS_ADMIN);
    /* the organisation's administrator: its own organisation only, never role admin */
    principal_of(&oadm_a, f->org_a, ROLE_ORG_ADMIN);
    xstrlcpy(oadm_a.user_id, oadm.id, sizeof(oadm_a.user_id));
    principal_of(&oadm_b, f->org_b, ROLE_ORG_ADMIN);
    assert_int_equal(
        create(f, &oadm_a, f->org_a, "alice", "reporter", "a-long-password", false, &u), APP_OK);
    assert_true(u.must_change_password); /* someone else set it */
    assert_int_equal(create(f, &oadm_b, f->org_a, "bob", "reporter", NULL, false, &u),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(create(f, &f->rep_a, f->org_a, "bob", "reporter", NULL, false, &u),
                     APP_PROB_FORBIDDEN);
    assert_int_equal(create(f, &oadm_a, f->org_a, "bob", "admin", NULL, false, &u),
                     APP_PROB_ROLE_REFUSED);
    assert_string_equal(f->res.errs.v[0].pointer, "/role");
    char nowhere[UUID_STR_LEN];
    uuid_v7_new(nowhere);
    assert_int_equal(create(f, &f->admin, nowhere, "bob", "org_admin", NULL, false, &u),
                     APP_PROB_UNKNOWN_ORGANIZATION);
    assert_string_equal(f->res.errs.v[0].pointer, "/org_id");
    /* the same name twice */
    assert_int_equal(create(f, &oadm_a, f->org_a, "alice", "reporter", NULL, false, &u),
                     APP_PROB_CONFLICT_UNIQUE);
}

/* `ichigen admin` (no principal): sets up an organisation without an administrator; once it
 * has one, only with break-glass. A password the operator passes on is the owner's own. */
static void test_users_cli(void **state)
{
    struct fx *f = *state;
    struct user u;
    assert_int_equal(create(f, NULL, f->org_b, "carol", "org_admin", "carols-own-pass", false, &u),
                     APP_OK);
    assert_false(u.must_change_password);
    assert_int_equal(create(f, NULL, f->org_b, "dave", "reporter", NULL, false, &u),
                     APP_PROB_ORG_HAS_ADMIN);
    assert_int_equal(create(f, NULL, f->org_b, "dave", "reporter", NULL, true, &u), APP_OK);
    assert_true(u.must_change_password);
    assert_int_equal(create(f, NULL, f->op, "root", "admin", NULL, false, &u), APP_OK);
    assert_int_equal(create(f, NULL, f->org_b, "eve", "admin", NULL, true, &u),
                     APP_PROB_ROLE_REFUSED);
}

static void test_users_update_and_list(void **state)
{
    struct fx *f = *state;
    struct user oadm, u, out, *users;
    struct principal oadm_a, oadm_b;
    size_t n;
    bool more;
    assert_int_equal(create(f, &f->admin, f->org_a, "anna", "org_admin", NULL, false, &oadm),
                     APP_OK);
    principal_of(&oadm_a, f->org_a, ROLE_ORG_ADMIN);
    xstrlcpy(oadm_a.user_id, oadm.id, sizeof(oadm_a.user_id));
    principal_of(&oadm_b, f->org_b, ROLE_ORG_ADMIN);
    assert_int_equal(create(f, &oadm_a, f->org_a, "alice", "reporter", NULL, false, &u), APP_OK);
    json_t *disable = json_pack("{s:b}", "disabled", 1);
    /* the last administrator cannot leave */
    assert_int_equal(app_user_update(&f->app, &oadm_a, oadm.id, disable, NOW, &out, fresh(f)),
                     APP_PROB_LAST_ADMINISTRATOR);
    assert_int_equal(app_user_update(&f->app, &oadm_b, u.id, disable, NOW, &out, fresh(f)),
                     APP_PROB_NOT_FOUND);
    assert_int_equal(app_user_update(&f->app, &f->rep_a, u.id, disable, NOW, &out, fresh(f)),
                     APP_PROB_FORBIDDEN);
    json_t *bad = json_pack("{s:s}", "role", "emperor");
    assert_int_equal(app_user_update(&f->app, &oadm_a, u.id, bad, NOW, &out, fresh(f)),
                     APP_PROB_INVALID_FIELDS);
    json_decref(bad);
    assert_int_equal(app_user_update(&f->app, &oadm_a, u.id, disable, NOW, &out, fresh(f)), APP_OK);
    assert_true(out.disabled);
    json_decref(disable);
    /* an organisation's administrator lists its own users, whatever it asks for */
    assert_int_equal(app_user_list(&f->app, &oadm_a, NULL, NULL, 50, &users, &n, &more, fresh(f)),
                     APP_OK);
    assert_int_equal(n, 2);
    free(users);
    assert_int_equal(
        app_user_list(&f->app, &oadm_b, f->org_a, NULL, 50, &users, &n, &more, fresh(f)),
        APP_PROB_NOT_FOUND);
    assert_int_equal(app_user_list(&f->app, &f->admin, NULL, NULL, 50, &users, &n, &more, fresh(f)),
                     APP_OK);
    assert_int_equal(n, 2);
    free(users);
}

static void test_tokens_and_passwords(void **state)
{
    struct fx *f = *state;
    struct user u;
    struct token_rec t;
    char token[AUTH_TOKEN_LEN + 1];
    assert_int_equal(create(f, NULL, f->org_b, "carol", "org_admin", "carols-own-pass", false, &u),
                     APP_OK);
    assert_true(app_password_verify(&f->app, u.password_hash, "carols-own-pass"));
    assert_false(app_password_verify(&f->app, u.password_hash, "wrong-password"));
    assert_false(app_password_verify(&f->app, NULL, "carols-own-pass")); /* the dummy */
    assert_int_equal(app_token_issue(&f->app, &u, "api", "ci", 86400000LL, APP_ACTOR_CLI, NOW, &t,
                                     token, fresh(f)),
                     APP_OK);
    assert_int_equal(strncmp(token, "ichi_", 5), 0);
    assert_string_equal(t.user_id, u.id);
    assert_int_equal(t.expires_at, NOW + 86400000LL);
    struct principal p;
    assert_int_equal(store_token_lookup(f->app.store, t.hash, NOW + 1, &p), STORE_OK);
    assert_string_equal(p.user_id, u.id);
}

/* ---- signing in, one's own password ---- */

static enum app_problem signin(struct fx *f, const char *name, const char *pw, int64_t now,
                               struct app_signin *out)
{
    struct app_client c = {{127, 0, 0, 1}, 4};
    json_t *body = json_pack("{s:s, s:s}", "username", name, "password", pw);
    enum app_problem p = app_signin(&f->app, &c, body, now, out, fresh(f));
    json_decref(body);
    return p;
}

static void test_signin(void **state)
{
    struct fx *f = *state;
    struct user u;
    struct app_signin out;
    f->app.cfg.login_throttle_free = 2; /* the pair's allowance: the third failure waits */
    assert_int_equal(create(f, NULL, f->org_b, "carol", "org_admin", "carols-own-pass", false, &u),
                     APP_OK);
    assert_int_equal(signin(f, "carol", "carols-own-pass", NOW, &out), APP_OK);
    assert_string_equal(out.token.kind, "session");
    assert_string_equal(out.user.id, u.id);
    assert_int_equal(strncmp(out.secret, "ichi_", 5), 0);
    /* a wrong password and an unknown name look alike */
    assert_int_equal(signin(f, "carol", "not-her-password", NOW, &out), APP_PROB_LOGIN_FAILED);
    assert_true(out.failed);
    assert_int_equal(signin(f, "nobody", "not-her-password", NOW, &out), APP_PROB_LOGIN_FAILED);
    assert_true(out.failed);
    assert_string_equal(out.user.id, "");
    assert_int_equal(signin(f, "carol", "not-her-password", NOW, &out), APP_PROB_LOGIN_FAILED);
    /* now delayed: not even the right password is looked at */
    assert_int_equal(signin(f, "carol", "carols-own-pass", NOW, &out), APP_PROB_THROTTLED);
    assert_true(out.wait_ms > 0);
    assert_false(out.failed);
    assert_int_equal(signin(f, "carol", "carols-own-pass", NOW + out.wait_ms, &out), APP_OK);
    /* a password someone else set gives a setup token */
    struct principal carol;
    principal_of(&carol, f->org_b, ROLE_ORG_ADMIN);
    xstrlcpy(carol.user_id, u.id, sizeof(carol.user_id));
    assert_int_equal(create(f, &carol, f->org_b, "dave", "reporter", "set-by-carol", false, &u),
                     APP_OK);
    assert_int_equal(signin(f, "dave", "set-by-carol", NOW, &out), APP_OK);
    assert_string_equal(out.token.kind, "setup");
    json_t *bad = json_pack("{s:s}", "username", "dave");
    struct app_client c = {{0}, 0};
    assert_int_equal(app_signin(&f->app, &c, bad, NOW, &out, fresh(f)), APP_PROB_VALIDATION);
    json_decref(bad);
}

static void test_password_change(void **state)
{
    struct fx *f = *state;
    struct user u;
    struct app_signin out;
    struct principal who;
    struct app_client c = {{10, 0, 0, 7}, 4};
    assert_int_equal(create(f, NULL, f->org_b, "carol", "org_admin", NULL, false, &u), APP_OK);
    assert_true(u.must_change_password);
    principal_of(&who, f->org_b, ROLE_ORG_ADMIN);
    xstrlcpy(who.user_id, u.id, sizeof(who.user_id));
    json_t *weak =
        json_pack("{s:s, s:s}", "current_password", "whatever-it-is", "new_password", "short");
    assert_int_equal(app_password_change(&f->app, &who, &c, weak, NOW, &out, fresh(f)),
                     APP_PROB_INVALID_FIELDS);
    assert_string_equal(f->res.errs.v[0].code, "weak_password");
    json_decref(weak);
    json_t *wrong = json_pack("{s:s, s:s}", "current_password", "not-the-current", "new_password",
                              "a-new-long-password");
    assert_int_equal(app_password_change(&f->app, &who, &c, wrong, NOW, &out, fresh(f)),
                     APP_PROB_INVALID_FIELDS);
    assert_string_equal(f->res.errs.v[0].pointer, "/current_password");
    assert_false(out.revoked);
    json_decref(wrong);
}

static void test_token_revoke(void **state)
{
    struct fx *f = *state;
    struct user u, v;
    struct token_rec t;
    struct principal pu, pv;
    char token[AUTH_TOKEN_LEN + 1];
    assert_int_equal(create(f, NULL, f->org_b, "carol", "org_admin", "carols-own-pass", false, &u),
                     APP_OK);
    assert_int_equal(create(f, NULL, f->org_b, "dave", "reporter", "daves-own-pass", true, &v),
                     APP_OK);
    principal_of(&pu, f->org_b, ROLE_ORG_ADMIN);
    xstrlcpy(pu.user_id, u.id, sizeof(pu.user_id));
    principal_of(&pv, f->org_b, ROLE_REPORTER);
    xstrlcpy(pv.user_id, v.id, sizeof(pv.user_id));
    assert_int_equal(app_token_issue(&f->app, &u, "api", "ci", 0, u.id, NOW, &t, token, fresh(f)),
                     APP_OK);
    /* another user's token is not found, even in the same organisation */
    assert_int_equal(app_token_revoke(&f->app, &pv, t.id, NOW, fresh(f)), APP_PROB_NOT_FOUND);
    assert_int_equal(app_token_revoke(&f->app, &pv, "x", NOW, fresh(f)), APP_PROB_NOT_FOUND);
    assert_int_equal(app_token_revoke(&f->app, &f->admin, t.id, NOW, fresh(f)), APP_OK);
    struct principal p;
    assert_int_not_equal(store_token_lookup(f->app.store, t.hash, NOW + 1, &p), STORE_OK);
    assert_int_equal(app_token_issue(&f->app, &u, "api", "ci", 0, u.id, NOW, &t, token, fresh(f)),
                     APP_OK);
    assert_int_equal(app_token_revoke(&f->app, &pu, t.id, NOW, fresh(f)), APP_OK);
}

static void test_token_create_and_list(void **state)
{
    struct fx *f = *state;
    struct user u, got;
    struct token_rec t, *list;
    struct principal pu, other;
    char token[AUTH_TOKEN_LEN + 1];
    size_t n;
    assert_int_equal(create(f, NULL, f->org_b, "carol", "org_admin", "carols-own-pass", false, &u),
                     APP_OK);
    principal_of(&pu, f->org_b, ROLE_ORG_ADMIN);
    xstrlcpy(pu.user_id, u.id, sizeof(pu.user_id));
    json_t *bad = json_pack("{s:i}", "expires_in_days", 0);
    assert_int_equal(app_token_create(&f->app, &pu, bad, NOW, &got, &t, token, fresh(f)),
                     APP_PROB_VALIDATION);
    json_decref(bad);
    json_t *body = json_pack("{s:s, s:i}", "name", "ci", "expires_in_days", 2);
    assert_int_equal(app_token_create(&f->app, &pu, body, NOW, &got, &t, token, fresh(f)), APP_OK);
    assert_string_equal(t.name, "ci");
    assert_int_equal(t.expires_at, NOW + 2 * 86400000LL);
    assert_string_equal(got.id, u.id);
    /* a principal whose user is gone cannot mint */
    principal_of(&other, f->org_b, ROLE_REPORTER);
    assert_int_equal(app_token_create(&f->app, &other, body, NOW, &got, &t, token, fresh(f)),
                     APP_PROB_UNAVAILABLE);
    json_decref(body);
    assert_int_equal(app_token_list(&f->app, &pu, &list, &n, fresh(f)), APP_OK);
    assert_int_equal(n, 1);
    free(list);
    assert_int_equal(app_token_list(&f->app, &other, &list, &n, fresh(f)), APP_OK);
    assert_int_equal(n, 0);
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_orgs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_onboarding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_update_and_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens_and_passwords, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_create_and_list, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
