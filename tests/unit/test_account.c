/*
 * test_account.c — who manages an organisation's accounts (account_decide, issue 8.12), the
 * event an organisation is told, and PATCH bodies.
 */
#include "account/account.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static struct user user_of(enum role r, bool disabled)
{
    struct user u;
    memset(&u, 0, sizeof(u));
    xstrlcpy(u.id, "0190cccc-0000-7000-8000-000000000003", sizeof(u.id));
    xstrlcpy(u.org_id, "0190aaaa-0000-7000-8000-000000000001", sizeof(u.org_id));
    xstrlcpy(u.username, "taro", sizeof(u.username));
    xstrlcpy(u.display_name, "Taro", sizeof(u.display_name));
    u.role = r;
    u.disabled = disabled;
    return u;
}

static enum account_verdict decide(struct account_scene sc, enum account_pre *pre, bool *keep)
{
    return account_decide(&sc, pre, keep);
}

/* The platform administrator, for another organisation: only its first administrator. */
static void test_platform_onboarding(void **state)
{
    enum account_pre pre;
    bool keep;
    struct user oa = user_of(ROLE_ORG_ADMIN, false), rep = user_of(ROLE_REPORTER, false);
    struct account_scene sc = {
        .who = ACCOUNT_BY_PLATFORM, .actor_role = ROLE_ADMIN, .create = true, .after = &oa};
    (void)state;
    /* an empty organisation gets its first org_admin; the store re-checks it is empty */
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_OK);
    assert_int_equal(pre, ACCOUNT_PRE_NO_MEMBERS);
    /* never a reporter (it could sign in as one), not even in an empty organisation */
    sc.after = &rep;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_ONBOARDING);
    /* an organisation with members but no administrator: no new user at all */
    sc.after = &oa;
    sc.members = 3;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_ONBOARDING);
    /* ... but an existing member may be appointed (it knows nothing of their password) */
    sc.create = false;
    sc.before = &rep;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_OK);
    assert_int_equal(pre, ACCOUNT_PRE_NO_ADMIN);
    /* anything else about the member is not the platform's business */
    struct user renamed = oa;
    xstrlcpy(renamed.display_name, "Someone else", sizeof(renamed.display_name));
    sc.after = &renamed;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_ONBOARDING);
    struct user off = user_of(ROLE_REPORTER, true);
    sc.after = &off;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_ONBOARDING);
    /* once the organisation has an administrator, nothing */
    sc.after = &oa;
    sc.administrators = 1;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_HAS_ADMIN);
    sc.create = true;
    sc.before = NULL;
    sc.members = 0;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_HAS_ADMIN);
}

static void test_member_admin(void **state)
{
    enum account_pre pre;
    bool keep;
    struct user oa = user_of(ROLE_ORG_ADMIN, false), rep = user_of(ROLE_REPORTER, false);
    struct user oa_off = user_of(ROLE_ORG_ADMIN, true), adm = user_of(ROLE_ADMIN, false);
    struct account_scene sc = {.who = ACCOUNT_BY_MEMBER_ADMIN,
                               .actor_role = ROLE_ORG_ADMIN,
                               .members = 5,
                               .administrators = 1,
                               .create = true,
                               .after = &rep};
    (void)state;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_OK);
    assert_int_equal(pre, ACCOUNT_PRE_NONE);
    assert_false(keep);
    /* the last administrator can be neither demoted nor disabled */
    sc.create = false;
    sc.before = &oa;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_LAST_ADMIN);
    sc.after = &oa_off;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_LAST_ADMIN);
    /* with another one it can, and the store re-checks one is left */
    sc.administrators = 2;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_OK);
    assert_true(keep);
    /* no platform administrators outside the operator's organisation */
    sc.create = true;
    sc.before = NULL;
    sc.after = &adm;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_ROLE_REFUSED);
    /* nor made there by an org_admin; a platform administrator makes one */
    sc.org_is_operator = true;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_ROLE_REFUSED);
    sc.actor_role = ROLE_ADMIN;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_OK);
}

static void test_cli(void **state)
{
    enum account_pre pre;
    bool keep;
    struct user rep = user_of(ROLE_REPORTER, false), adm = user_of(ROLE_ADMIN, false);
    struct account_scene sc = {.who = ACCOUNT_BY_CLI, .members = 2, .create = true, .after = &rep};
    (void)state;
    /* setting an organisation up while it has no administrator */
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_OK);
    assert_int_equal(pre, ACCOUNT_PRE_NO_ADMIN);
    /* afterwards only with --break-glass (announced by the caller) */
    sc.administrators = 1;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_HAS_ADMIN);
    sc.break_glass = true;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_OK);
    assert_int_equal(pre, ACCOUNT_PRE_NONE);
    /* platform administrators: the operator's organisation only, where the CLI may add them */
    sc.after = &adm;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_ROLE_REFUSED);
    sc.org_is_operator = true;
    sc.break_glass = false;
    assert_int_equal(decide(sc, &pre, &keep), ACCOUNT_OK);
}

static void test_event(void **state)
{
    struct user before = user_of(ROLE_REPORTER, false), after = before;
    (void)state;
    xstrlcpy(before.password_hash, "$argon2id$secret", sizeof(before.password_hash));
    xstrlcpy(after.password_hash, "$argon2id$secret", sizeof(after.password_hash));
    after.role = ROLE_ORG_ADMIN;
    json_t *j = account_event_json("account.changed", &after, &before, "platform_admin",
                                   "0190dddd-0000-7000-8000-000000000004", false, 0);
    assert_string_equal(json_string_value(json_object_get(j, "event")), "account.changed");
    assert_string_equal(json_string_value(json_object_get(j, "organization_id")), after.org_id);
    json_t *c = json_object_get(j, "changes");
    assert_int_equal(json_object_size(c), 1); /* only what changed */
    assert_string_equal(json_string_value(json_object_get(json_object_get(c, "role"), "from")),
                        "reporter");
    assert_string_equal(json_string_value(json_object_get(json_object_get(c, "role"), "to")),
                        "org_admin");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "by"), "kind")),
                        "platform_admin");
    assert_string_equal(json_string_value(json_object_get(j, "created_at")),
                        "1970-01-01T00:00:00.000Z");
    char *text = json_dumps(j, 0);
    assert_null(strstr(text, "argon2")); /* never the password hash */
    free(text);
    json_decref(j);
    j = account_event_json("account.created", &after, NULL, "operator_cli", NULL, true, 0);
    assert_null(json_object_get(j, "changes"));
    assert_true(json_is_true(json_object_get(j, "break_glass")));
    assert_true(json_is_null(json_object_get(json_object_get(j, "by"), "user_id")));
    json_decref(j);
}

/* The binding change event: the text the SQL json_object() that built it before issue 9 gave
 * for the same values, byte for byte (a public contract: docs/delivery.md). */
static void test_binding_event(void **state)
{
    struct org prev, cur;
    UNUSED(state);
    memset(&prev, 0, sizeof(prev));
    memset(&cur, 0, sizeof(cur));
    xstrlcpy(cur.id, "org-b", sizeof(cur.id));
    xstrlcpy(cur.name_ja, "個人情報保護委員会", sizeof(cur.name_ja));
    xstrlcpy(cur.name_en, "PPC \"inbox\"", sizeof(cur.name_en));
    json_t *j = account_binding_event_json("org-a", "ppc", NULL, &cur, 1797692400005LL);
    char *t = json_dumps(j, JSON_COMPACT);
    assert_string_equal(t, "{\"event\":\"recipient_binding.changed\",\"organization_id\":"
                           "\"org-a\",\"recipient_id\":\"ppc\",\"previous\":null,\"current\":"
                           "{\"org_id\":\"org-b\",\"name_ja\":\"個人情報保護委員会\","
                           "\"name_en\":\"PPC \\\"inbox\\\"\"},\"created_at\":"
                           "\"2026-12-19T15:00:00.005Z\"}");
    free(t);
    json_decref(j);
    xstrlcpy(prev.id, "org-b", sizeof(prev.id));
    xstrlcpy(prev.name_ja, "旧", sizeof(prev.name_ja));
    xstrlcpy(prev.name_en, "Old", sizeof(prev.name_en));
    xstrlcpy(cur.id, "org-c", sizeof(cur.id));
    xstrlcpy(cur.name_ja, "新", sizeof(cur.name_ja));
    xstrlcpy(cur.name_en, "New", sizeof(cur.name_en));
    j = account_binding_event_json("org-a", "ppc", &prev, &cur, 1797692400005LL);
    t = json_dumps(j, JSON_COMPACT);
    assert_string_equal(t, "{\"event\":\"recipient_binding.changed\",\"organization_id\":"
                           "\"org-a\",\"recipient_id\":\"ppc\",\"previous\":{\"org_id\":"
                           "\"org-b\",\"name_ja\":\"旧\",\"name_en\":\"Old\"},\"current\":"
                           "{\"org_id\":\"org-c\",\"name_ja\":\"新\",\"name_en\":\"New\"},"
                           "\"created_at\":\"2026-12-19T15:00:00.005Z\"}");
    free(t);
    json_decref(j);
}

static void test_patch(void **state)
{
    struct user u = user_of(ROLE_REPORTER, false);
    struct verr_list errs;
    (void)state;
    verr_list_init(&errs, 8);
    json_t *doc = json_pack("{s:s, s:b}", "role", "org_admin", "disabled", 1);
    account_user_patch(doc, &u, &errs);
    assert_false(verr_any(&errs));
    assert_int_equal(u.role, ROLE_ORG_ADMIN);
    assert_true(u.disabled);
    assert_string_equal(u.display_name, "Taro"); /* absent: unchanged */
    json_decref(doc);
    doc = json_object();
    account_user_patch(doc, &u, &errs);
    assert_true(verr_any(&errs));
    assert_string_equal(errs.v[0].code, "empty_change");
    json_decref(doc);
    verr_list_release(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_platform_onboarding),
        cmocka_unit_test(test_member_admin),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_patch),
        cmocka_unit_test(test_binding_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
