/*
 * test_share_policy.c — the one TLP 2.0 read rule (sharing/share_policy.h) as a full matrix:
 * every label × every kind of reader (anonymous, the author, the owning organisation, a targeted
 * sector, another sector, a named organisation, an authority and the platform administrator
 * outside the audience, a RED-named user), each without, below, at and above a required
 * clearance; attribute targeting across dimensions; clearance holders as an audience; and the
 * clearance levels file (sharing/clearance.h) with its validation and expiry.
 */
#include "unit.h"
#include "sharing/share_policy.h"
#include "sharing/clearance.h"
#include "core/datafile.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

enum kind {
    K_ANON,
    K_AUTHOR,
    K_SAME_ORG,
    K_SAME_SECTOR,
    K_OTHER_SECTOR,
    K_NAMED_ORG,
    K_AUTHORITY,
    K_ADMIN,
    K_RED_NAMED,
    K__COUNT
};

static const struct share_reader readers[K__COUNT] = {
    [K_ANON] = {.anonymous = true},
    [K_AUTHOR] = {false, "u-author", "org-own", ROLE_AUTHORITY, "none", "authority", "JP-13", 0},
    [K_SAME_ORG] = {false, "u-same", "org-own", ROLE_RECIPIENT, "none", "authority", "JP-13", 0},
    [K_SAME_SECTOR] = {false, "u-sec", "org-sec", ROLE_REPORTER, "energy", "company", "JP-27", 0},
    [K_OTHER_SECTOR] = {false, "u-oth", "org-oth", ROLE_REPORTER, "finance", "company", "JP-13", 0},
    [K_NAMED_ORG] = {false, "u-named", "org-named", ROLE_REPORTER, "finance", "company", "", 0},
    [K_AUTHORITY] = {false, "u-gov", "org-gov", ROLE_AUTHORITY, "none", "authority", "JP-13", 0},
    [K_ADMIN] = {false, "u-admin", "org-op", ROLE_ADMIN, "none", "operator", "", 0},
    [K_RED_NAMED] = {false, "u-red", "org-oth", ROLE_REPORTER, "finance", "company", "JP-13", 0},
};

/* Expected reads without a clearance requirement: CLEAR, GREEN, AMBER, AMBER+STRICT, RED. */
static const bool expect[K__COUNT][TLP__COUNT] = {
    [K_ANON] = {1, 0, 0, 0, 0},         [K_AUTHOR] = {1, 1, 1, 1, 1},
    [K_SAME_ORG] = {1, 1, 1, 1, 0},     [K_SAME_SECTOR] = {1, 1, 1, 1, 0},
    [K_OTHER_SECTOR] = {1, 1, 0, 0, 0}, [K_NAMED_ORG] = {1, 1, 1, 1, 0},
    [K_AUTHORITY] = {1, 1, 0, 0, 0},    [K_ADMIN] = {1, 1, 0, 0, 0},
    [K_RED_NAMED] = {1, 1, 0, 0, 1},
};

static const char *const sectors[] = {"energy"}, *const orgs[] = {"org-named"},
                         *const users[] = {"u-red"};

static struct share_audience audience(enum tlp t, int required)
{
    struct share_audience a = {.tlp = t,
                               .owner_org = "org-own",
                               .author_user = "u-author",
                               .sectors = {sectors, 1},
                               .orgs = {orgs, 1},
                               .users = {users, 1},
                               .required_rank = required};
    return a;
}

static void test_matrix_without_clearance(void **state)
{
    UNUSED(state);
    for (int t = 0; t < TLP__COUNT; t++) {
        struct share_audience a = audience((enum tlp)t, 0);
        for (int k = 0; k < K__COUNT; k++) {
            bool got = share_can_read(&readers[k], &a);
            if (got != expect[k][t])
                fail_msg("%s, reader %d: got %d", tlp_label((enum tlp)t), k, got);
        }
    }
}

/* A clearance of rank 2 required: below it nobody but the author reads, at or above it the
 * TLP rule decides as before. */
static void test_matrix_with_clearance(void **state)
{
    UNUSED(state);
    static const int ranks[] = {0, 1, 2, 3};
    for (int t = 0; t < TLP__COUNT; t++) {
        struct share_audience a = audience((enum tlp)t, 2);
        for (int k = 0; k < K__COUNT; k++) {
            for (size_t i = 0; i < ARRAY_SIZE(ranks); i++) {
                struct share_reader r = readers[k];
                r.clearance_rank = ranks[i];
                bool want = k == K_AUTHOR || (expect[k][t] && ranks[i] >= 2 && k != K_ANON);
                if (share_can_read(&r, &a) != want)
                    fail_msg("%s, reader %d, rank %d: expected %d", tlp_label((enum tlp)t), k,
                             ranks[i], want);
            }
        }
    }
}

static void test_invalid_label_reads_as_nobodys(void **state)
{
    UNUSED(state);
    struct share_audience a = audience(TLP_INVALID, 0);
    for (int k = 0; k < K__COUNT; k++)
        assert_false(share_can_read(&readers[k], &a));
    a.tlp = TLP__COUNT;
    assert_false(share_can_read(&readers[K_SAME_ORG], &a));
}

/* Attribute dimensions narrow together (energy operators in JP-13), a named organisation is
 * in whatever the attributes say, and no attribute at all targets nobody by attribute. */
static void test_attribute_targeting(void **state)
{
    UNUSED(state);
    static const char *const pref[] = {"JP-13"}, *const kinds[] = {"company"};
    struct share_audience a = audience(TLP_AMBER, 0);
    a.prefectures = (struct share_list){pref, 1};
    struct share_reader osaka = readers[K_SAME_SECTOR]; /* energy, JP-27 */
    assert_false(share_can_read(&osaka, &a));
    osaka.org_prefecture = "JP-13";
    assert_true(share_can_read(&osaka, &a));
    a.org_kinds = (struct share_list){kinds, 1};
    assert_true(share_can_read(&osaka, &a));
    osaka.org_kind = "authority";
    assert_false(share_can_read(&osaka, &a));
    assert_true(share_can_read(&readers[K_NAMED_ORG], &a)); /* named: attributes do not matter */
    a.sectors.n = a.prefectures.n = a.org_kinds.n = 0;
    assert_false(share_can_read(&readers[K_SAME_SECTOR], &a));
    assert_true(share_org_targeted(&readers[K_SAME_ORG], &a)); /* the owner always is */
    assert_false(share_org_targeted(&readers[K_ANON], &a));
}

/* "clearance holders" as an AMBER audience: any holder of the required rank, whatever the
 * organisation; without a requirement it targets nobody. */
static void test_clearance_holders(void **state)
{
    UNUSED(state);
    struct share_audience a = audience(TLP_AMBER_STRICT, 1);
    a.clearance_holders = true;
    struct share_reader r = readers[K_OTHER_SECTOR];
    assert_false(share_can_read(&r, &a));
    r.clearance_rank = 1;
    assert_true(share_can_read(&r, &a));
    a.required_rank = 0;
    assert_false(share_can_read(&r, &a));
    a.tlp = TLP_RED; /* RED stays with its named users */
    a.required_rank = 1;
    assert_false(share_can_read(&r, &a));
}

static json_t *clearance_file(void)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/data/sharing/clearance.json", unit_source_root());
    json_error_t je;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    assert_non_null(doc);
    return doc;
}

static void test_clearance_file(void **state)
{
    UNUSED(state);
    struct clearance_catalog c;
    struct verr_list errs;
    verr_list_init(&errs, 32);
    json_t *doc = clearance_file();
    assert_int_equal(clearance_catalog_parse(doc, &c, &errs), 0);
    assert_int_equal(errs.n, 0);
    assert_true(c.n >= 2);
    const struct clearance_level *ceis = clearance_find(&c, "jp-ceis");
    const struct clearance_level *sds = clearance_find(&c, "jp-sds");
    assert_non_null(ceis);
    assert_non_null(sds);
    assert_int_equal(ceis->validity_years, 10); /* Act No. 27 of 2024 */
    assert_int_equal(sds->validity_years, 5);   /* Act No. 108 of 2013 */
    assert_true(sds->rank > ceis->rank);
    /* an expired clearance counts as none */
    assert_int_equal(clearance_rank_at(&c, "jp-sds", 1000, 999), sds->rank);
    assert_int_equal(clearance_rank_at(&c, "jp-sds", 1000, 1000), 0);
    assert_int_equal(clearance_rank_at(&c, "nope", 1000, 0), 0);
    assert_int_equal(clearance_rank_at(&c, "", 1000, 0), 0);
    json_decref(doc);
    verr_list_release(&errs);
}

static bool has_problem(const struct verr_list *e, const char *ptr, const char *code)
{
    for (size_t i = 0; i < e->n; i++)
        if (!strcmp(e->v[i].pointer, ptr) && !strcmp(e->v[i].code, code))
            return true;
    return false;
}

/* Every problem of a bad file at once, each at its pointer. */
static void test_clearance_file_problems(void **state)
{
    UNUSED(state);
    struct clearance_catalog c;
    struct verr_list errs;
    verr_list_init(&errs, 32);
    json_t *doc = json_loads(
        "{\"levels\":[{\"id\":\"A b\",\"rank\":0,\"name\":{\"ja\":\"x\"},\"validity_years\":99},"
        "{\"id\":\"ok\",\"rank\":5,\"name\":{\"ja\":\"x\",\"en\":\"y\"},\"validity_years\":5},"
        "{\"id\":\"ok\",\"rank\":5,\"name\":{\"ja\":\"x\",\"en\":\"y\"},\"validity_years\":5,"
        "\"extra\":1}],\"bogus\":true}",
        0, NULL);
    assert_int_equal(clearance_catalog_parse(doc, &c, &errs), -1);
    assert_int_equal(c.n, 0);
    assert_true(has_problem(&errs, "/bogus", "unknown_field"));
    assert_true(has_problem(&errs, "/levels/0/id", "format"));
    assert_true(has_problem(&errs, "/levels/0/rank", "range"));
    assert_true(has_problem(&errs, "/levels/0/name", "required"));
    assert_true(has_problem(&errs, "/levels/0/validity_years", "range"));
    assert_true(has_problem(&errs, "/levels/2/id", "duplicate"));
    assert_true(has_problem(&errs, "/levels/2/rank", "duplicate"));
    assert_true(has_problem(&errs, "/levels/2/extra", "unknown_field"));
    json_decref(doc);
    verr_list_release(&errs);
    verr_list_init(&errs, 32);
    doc = json_loads("{\"levels\":[]}", 0, NULL);
    assert_int_equal(clearance_catalog_parse(doc, &c, &errs), -1);
    assert_true(has_problem(&errs, "/levels", "required"));
    json_decref(doc);
    verr_list_release(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_without_clearance),
        cmocka_unit_test(test_matrix_with_clearance),
        cmocka_unit_test(test_invalid_label_reads_as_nobodys),
        cmocka_unit_test(test_attribute_targeting),
        cmocka_unit_test(test_clearance_holders),
        cmocka_unit_test(test_clearance_file),
        cmocka_unit_test(test_clearance_file_problems),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
