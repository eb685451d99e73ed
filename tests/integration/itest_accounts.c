/*
 * itest_accounts.c — an organisation's accounts in its own hands (issue 8.12): its
 * administrator creates, disables and re-roles its users, and a disabled user's tokens stop at
 * once; each change is audited and told to the organisation (notifications list, and its
 * signed reminder webhook when one is set); an initial password someone else set only lets
 * its owner choose their own; the CLI no longer adds members silently; and which organisation
 * receives for a recipient is visible to every organisation, a change of it audited and
 * announced to the organisations it concerns. Who may call what is in itest_authz.c.
 */
#include "itest.h"
#include "fake_receiver.h"
#include "core/rtime.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define SECRET_HOOK "account-events-webhook-secret-0123456789abcdef"
#define WAIT_MS 30000

static struct itest_fixture F;
static struct itest_user oadm_a;   /* organisation A's administrator */
static struct fake_receiver *HOOK; /* organisation A's reminder webhook */
static const char *const settings[] = {"--delivery-allow-http-loopback=1", "--delivery-poll-ms=50",
                                       NULL};

static long call(const char *method, const char *token, const char *path, const char *body,
                 struct itest_resp *r)
{
    itest_http(&F.srv,
               &(struct itest_req){.method = method, .path = path, .token = token, .body = body},
               r);
    return r->status;
}

/* The organisation's notifications whose event is `event` (and, when set, whose user is
 * user_id); the newest is copied to *newest (new reference) when newest is not NULL. */
static int events(const char *token, const char *org, const char *event, const char *user_id,
                  json_t **newest)
{
    struct itest_resp r;
    char path[160];
    size_t i;
    json_t *it;
    int n = 0;
    snprintf(path, sizeof(path), "/api/v1/organizations/%s/notifications?limit=200", org);
    assert_int_equal(call("GET", token, path, NULL, &r), 200);
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        json_t *ev = json_object_get(it, "event");
        const char *name = itest_jstr(ev, "/event"), *uid = itest_jstr(ev, "/user/id");
        if (!name || strcmp(name, event) || (user_id && (!uid || strcmp(uid, user_id))))
            continue;
        if (n++ == 0 && newest) /* the list is newest first */
            *newest = json_incref(it);
    }
    itest_resp_release(&r);
    return n;
}

/* The audit entries with action on object_id. */
static int audited(const char *action, const char *object_id, const char *detail_part)
{
    int64_t from = 1;
    int n = 0;
    while (from > 0) {
        struct itest_resp r;
        char path[96];
        size_t i;
        json_t *it;
        snprintf(path, sizeof(path), "/api/v1/audit?limit=200&from_seq=%lld", (long long)from);
        assert_int_equal(itest_get(&F.srv, F.admin.token, path, &r), 200);
        json_array_foreach(json_object_get(r.json, "items"), i, it) n +=
            !strcmp(itest_jstr(it, "/action"), action) &&
            !strcmp(itest_jstr(it, "/object_id"), object_id) &&
            (!detail_part || strstr(itest_jstr(it, "/detail"), detail_part));
        from = itest_jint(r.json, "/next_from_seq");
        itest_resp_release(&r);
    }
    return n;
}

/* Waits until the webhook has received a request whose /event is event for user_id. */
static bool hook_got(const char *event, const char *user_id)
{
    int64_t deadline = rtime_now_ms() + WAIT_MS;
    for (;;) {
        struct fake_request *q;
        size_t nq = fake_receiver_snapshot(HOOK, 0, &q);
        bool found = false;
        for (size_t i = 0; i < nq && !found; i++) {
            json_t *b = json_loadb(q[i].body, q[i].body_len, 0, NULL);
            const char *ev = b ? itest_jstr(b, "/event") : NULL;
            const char *uid = b ? itest_jstr(b, "/user/id") : NULL;
            found = ev && !strcmp(ev, event) && uid && !strcmp(uid, user_id) && q[i].sig_ok;
            json_decref(b);
        }
        fake_requests_free(q, nq);
        if (found || rtime_now_ms() > deadline)
            return found;
        itest_sleep_ms(50);
    }
}

/* The administrator creates a member; it is audited and told to the organisation: listed,
 * and sent (signed) to its reminder webhook. */
static void test_create_is_told(void **state)
{
    struct itest_resp r;
    char body[400], path[160], id[40];
    json_t *ev = NULL;
    UNUSED(state);
    snprintf(body, sizeof(body),
             "{\"endpoint\":\"http://127.0.0.1:%d/hook\",\"secret\":\"%s\",\"lead_hours\":[24]}",
             fake_receiver_port(HOOK), SECRET_HOOK);
    snprintf(path, sizeof(path), "/api/v1/organizations/%s/reminders", F.org_a);
    assert_int_equal(call("PUT", oadm_a.token, path, body, &r), 200);
    itest_resp_release(&r);
    snprintf(body, sizeof(body),
             "{\"org_id\":\"%s\",\"username\":\"new-member\",\"display_name\":\"New\","
             "\"role\":\"reporter\"}",
             F.org_a);
    assert_int_equal(call("POST", oadm_a.token, "/api/v1/users", body, &r), 201);
    xstrlcpy(id, itest_jstr(r.json, "/id"), sizeof(id));
    assert_true(json_is_true(json_object_get(r.json, "password_change_required")));
    itest_resp_release(&r);
    assert_int_equal(events(oadm_a.token, F.org_a, "account.created", id, &ev), 1);
    assert_string_equal(itest_jstr(ev, "/event/by/kind"), "organization_admin");
    assert_string_equal(itest_jstr(ev, "/event/by/user_id"), oadm_a.id);
    assert_string_equal(itest_jstr(ev, "/event/user/role"), "reporter");
    assert_string_equal(itest_jstr(ev, "/kind"), "account");
    json_decref(ev);
    assert_true(hook_got("account.created", id));
    assert_int_equal(audited("user.create", id, "by=organization_admin"), 1);
    /* another organisation hears nothing of it */
    assert_int_equal(events(F.rep_b.token, F.org_b, "account.created", id, NULL), 0);
}

/* Disabling stops the user's tokens at once (the token cache included); re-enabling does
 * not bring them back; a role change applies to the next request. */
static void test_disable_and_role(void **state)
{
    struct itest_resp r;
    struct itest_user m;
    char path[128], token2[64];
    UNUSED(state);
    assert_int_equal(itest_add_user(&F.srv, F.org_b, "member-b", "reporter", &m), 0);
    struct itest_user oadm_b;
    assert_int_equal(itest_add_org_admin(&F.srv, F.org_b, "org-admin-b", &oadm_b), 0);
    assert_int_equal(itest_get(&F.srv, m.token, "/api/v1/reports", &r), 200); /* cached now */
    itest_resp_release(&r);
    snprintf(path, sizeof(path), "/api/v1/users/%s", m.id);
    assert_int_equal(call("PATCH", oadm_b.token, path, "{\"disabled\":true}", &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "disabled")));
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, m.token, "/api/v1/reports", &r), 401);
    itest_resp_release(&r);
    assert_int_equal(itest_login(&F.srv, &m, token2), -1); /* nor can it sign in */
    assert_int_equal(call("PATCH", oadm_b.token, path, "{\"disabled\":false}", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, m.token, "/api/v1/reports", &r), 401);
    itest_resp_release(&r);
    assert_int_equal(itest_login(&F.srv, &m, token2), 0);
    assert_int_equal(itest_get(&F.srv, token2, "/api/v1/reports", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(call("PATCH", oadm_b.token, path, "{\"role\":\"recipient\"}", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, token2, "/api/v1/reports", &r), 403);
    itest_resp_release(&r);
    json_t *ev = NULL;
    assert_int_equal(events(oadm_b.token, F.org_b, "account.changed", m.id, &ev), 3);
    assert_string_equal(itest_jstr(ev, "/event/changes/role/from"), "reporter");
    assert_string_equal(itest_jstr(ev, "/event/changes/role/to"), "recipient");
    json_decref(ev);
    assert_int_equal(audited("user.update", m.id, "disabled=0->1"), 1);
    assert_int_equal(audited("user.update", m.id, "role=reporter->recipient"), 1);
    /* the platform administrator can no longer change organisation B's users */
    assert_int_equal(call("PATCH", F.admin.token, path, "{\"role\":\"reporter\"}", &r), 403);
    itest_resp_release(&r);
}

/* The first administrator of a new organisation, created by the platform administrator with a
 * password the platform administrator saw: signing in with it only lets its owner choose
 * their own, which ends every earlier session. */
static void test_initial_password(void **state)
{
    struct itest_resp r;
    struct itest_user u;
    char org[40], body[300], setup[64], session[64], pw[64];
    UNUSED(state);
    assert_int_equal(call("POST", F.admin.token, "/api/v1/organizations",
                          "{\"name_ja\":\"新規\",\"name_en\":\"New\",\"kind\":\"company\"}", &r),
                     201);
    xstrlcpy(org, itest_jstr(r.json, "/id"), sizeof(org));
    itest_resp_release(&r);
    snprintf(body, sizeof(body),
             "{\"org_id\":\"%s\",\"username\":\"first-admin\",\"display_name\":\"First\","
             "\"role\":\"org_admin\"}",
             org);
    assert_int_equal(call("POST", F.admin.token, "/api/v1/users", body, &r), 201);
    memset(&u, 0, sizeof(u));
    xstrlcpy(u.username, "first-admin", sizeof(u.username));
    xstrlcpy(u.password, itest_jstr(r.json, "/initial_password"), sizeof(u.password));
    xstrlcpy(u.id, itest_jstr(r.json, "/id"), sizeof(u.id));
    itest_resp_release(&r);
    assert_int_equal(itest_login(&F.srv, &u, setup), 0);
    assert_int_equal(itest_get(&F.srv, setup, "/api/v1/reports", &r), 403);
    assert_string_equal(itest_problem_code(&r), "password_change_required");
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, setup, "/api/v1/users", &r), 403);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, setup, "/api/v1/me", &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "password_change_required")));
    itest_resp_release(&r);
    /* the current password must be right, the new one good */
    snprintf(body, sizeof(body), "{\"current_password\":\"%s-x\",\"new_password\":\"%s\"}",
             u.password, "my-own-password-42");
    assert_int_equal(call("POST", setup, "/api/v1/me/password", body, &r), 422);
    assert_non_null(strstr(r.body, "/current_password"));
    itest_resp_release(&r);
    snprintf(body, sizeof(body), "{\"current_password\":\"%s\",\"new_password\":\"%s\"}",
             u.password, u.password);
    assert_int_equal(call("POST", setup, "/api/v1/me/password", body, &r), 422);
    assert_non_null(strstr(r.body, "/new_password"));
    itest_resp_release(&r);
    snprintf(body, sizeof(body), "{\"current_password\":\"%s\",\"new_password\":\"%s\"}",
             u.password, "my-own-password-42");
    assert_int_equal(call("POST", setup, "/api/v1/me/password", body, &r), 201);
    xstrlcpy(session, itest_jstr(r.json, "/token"), sizeof(session));
    assert_string_equal(itest_jstr(r.json, "/kind"), "session");
    itest_resp_release(&r);
    /* the old session (whoever opened it) is over; the new one is a full one once the
     * administrator has two-factor sign-in, which the role requires (issue 12) */
    assert_int_equal(itest_get(&F.srv, setup, "/api/v1/me", &r), 401);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&F.srv, session, "/api/v1/reports", &r), 403);
    assert_string_equal(itest_problem_code(&r), "two_factor_setup_required");
    itest_resp_release(&r);
    assert_int_equal(itest_two_factor_on(&F.srv, session, &u), 0);
    assert_int_equal(itest_get(&F.srv, session, "/api/v1/reports", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(itest_login(&F.srv, &u, pw), -1); /* the initial password is gone */
    xstrlcpy(u.password, "my-own-password-42", sizeof(u.password));
    assert_int_equal(itest_login(&F.srv, &u, pw), 0);
    assert_int_equal(itest_get(&F.srv, pw, "/api/v1/me", &r), 200);
    assert_false(json_is_true(json_object_get(r.json, "password_change_required")));
    itest_resp_release(&r);
    assert_int_equal(events(pw, org, "account.password_changed", u.id, NULL), 1);
    assert_int_equal(audited("user.password_change", u.id, NULL), 1);
}

/* The CLI sets up an organisation while it has no administrator; afterwards it adds members
 * only with --break-glass, audited and announced, and mints no tokens for them. */
static void test_cli_rules(void **state)
{
    char *out = NULL;
    UNUSED(state);
    int rc = itest_cli(&F.srv, "pw-cli-member-secret\n", &out, "admin", "create-user", "--org-id",
                       F.org_a, "--username", "cli-member", "--display-name", "C", "--role",
                       "reporter", "--password-stdin", NULL);
    assert_int_not_equal(rc, 0);
    free(out);
    out = NULL;
    rc = itest_cli(&F.srv, NULL, &out, "admin", "create-token", "--username", "rep-a", NULL);
    assert_int_not_equal(rc, 0);
    free(out);
    out = NULL;
    rc = itest_cli(&F.srv, "pw-cli-member-secret\n", &out, "admin", "create-user", "--org-id",
                   F.org_a, "--username", "cli-member", "--display-name", "C", "--role", "reporter",
                   "--password-stdin", "--break-glass", NULL);
    assert_int_equal(rc, 0);
    char id[40] = "";
    const char *open = out ? strchr(out, '(') : NULL;
    assert_non_null(open);
    xstrlcpy(id, open + 1, sizeof(id));
    id[strcspn(id, ")")] = '\0';
    free(out);
    json_t *ev = NULL;
    assert_int_equal(events(oadm_a.token, F.org_a, "account.created", id, &ev), 1);
    assert_true(json_is_true(json_object_get(json_object_get(ev, "event"), "break_glass")));
    assert_string_equal(itest_jstr(ev, "/event/by/kind"), "operator_cli");
    json_decref(ev);
    assert_int_equal(audited("user.create", id, "break_glass"), 1);
}

/* Every organisation sees which organisation receives for each recipient; a change is audited
 * and announced to the organisations whose submissions the new receiver can read, and to the
 * previous and new receivers. */
static void test_binding_transparency(void **state)
{
    struct itest_resp r;
    char body[200], org_d[40];
    size_t i;
    json_t *it;
    UNUSED(state);
    snprintf(body, sizeof(body), "{\"org_id\":\"%s\"}", F.org_c);
    assert_int_equal(call("PUT", F.admin.token, "/api/v1/recipients/nco/binding", body, &r), 200);
    itest_resp_release(&r);
    /* organisation A submits to the NCO (an inbox recipient) */
    json_t *full = itest_load_json("docs/examples/full-report.json");
    char *rep = itest_dump(full);
    json_decref(full);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", rep, &r), 201);
    free(rep);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/reports/%s/submit", itest_jstr(r.json, "/id"));
    itest_resp_release(&r);
    itest_http(&F.srv,
               &(struct itest_req){.method = "POST",
                                   .path = path,
                                   .token = F.rep_a.token,
                                   .headers = {"If-Match: \"v1\""}},
               &r);
    assert_int_equal(r.status, 201);
    itest_resp_release(&r);
    /* visible to a reporter, with the receiving organisation's name */
    assert_int_equal(itest_get(&F.srv, F.rep_b.token, "/api/v1/recipients", &r), 200);
    bool seen = false;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        if (strcmp(itest_jstr(it, "/id"), "nco"))
            continue;
        assert_string_equal(itest_jstr(it, "/binding/org_id"), F.org_c);
        assert_string_equal(itest_jstr(it, "/binding/name/ja"), "受領機関C");
        seen = true;
    }
    assert_true(seen);
    itest_resp_release(&r);
    /* a new receiver: audited and announced */
    assert_int_equal(call("POST", F.admin.token, "/api/v1/organizations",
                          "{\"name_ja\":\"受領機関D\",\"name_en\":\"D\",\"kind\":\"authority\"}",
                          &r),
                     201);
    xstrlcpy(org_d, itest_jstr(r.json, "/id"), sizeof(org_d));
    itest_resp_release(&r);
    snprintf(body, sizeof(body), "{\"org_id\":\"%s\"}", org_d);
    assert_int_equal(call("PUT", F.admin.token, "/api/v1/recipients/nco/binding", body, &r), 200);
    itest_resp_release(&r);
    json_t *ev = NULL;
    assert_int_equal(events(F.rep_a.token, F.org_a, "recipient_binding.changed", NULL, &ev), 1);
    assert_string_equal(itest_jstr(ev, "/event/recipient_id"), "nco");
    assert_string_equal(itest_jstr(ev, "/event/previous/org_id"), F.org_c);
    assert_string_equal(itest_jstr(ev, "/event/current/org_id"), org_d);
    assert_string_equal(itest_jstr(ev, "/event/current/name_ja"), "受領機関D");
    json_decref(ev);
    /* the previous receiver is told too (it was also told when it became the receiver) */
    struct itest_user oadm_c;
    assert_int_equal(itest_add_org_admin(&F.srv, F.org_c, "org-admin-c", &oadm_c), 0);
    assert_int_equal(events(oadm_c.token, F.org_c, "recipient_binding.changed", NULL, NULL), 2);
    assert_int_equal(events(F.rep_b.token, F.org_b, "recipient_binding.changed", NULL, NULL), 0);
    char detail[80];
    snprintf(detail, sizeof(detail), "previous=%s", F.org_c);
    assert_int_equal(audited("recipient.bind", "nco", detail), 1);
}

static void test_clean_shutdown(void **state)
{
    UNUSED(state);
    assert_int_equal(itest_server_finish(&F.srv), 0);
}

static int setup(void **state)
{
    UNUSED(state);
    HOOK = fake_receiver_start(SECRET_HOOK);
    if (!HOOK)
        return -1;
    fake_receiver_set(HOOK, FAKE_OK);
    if (itest_fixture_setup(&F, settings) ||
        itest_add_org_admin(&F.srv, F.org_a, "org-admin-a", &oadm_a))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    itest_fixture_teardown(&F);
    fake_receiver_stop(HOOK);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_is_told),       cmocka_unit_test(test_disable_and_role),
        cmocka_unit_test(test_initial_password),     cmocka_unit_test(test_cli_rules),
        cmocka_unit_test(test_binding_transparency), cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
