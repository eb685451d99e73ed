/*
 * test_correlate.c — the correlation service's counting and the privacy rule
 * (src/app/app_correlate.h; issue 13 item 3), on a small fixture of incidents: matching kinds
 * (exact, covering domain, block and inside), distinct incidents and organisations, the k rule
 * for counts, the 30-day window and sectors (pooled "other sectors" shown only at k), own
 * incidents apart, the authority's view, TLP:RED, drills, withdrawals, amendments replacing
 * indicators, warninglists, and no identifier of anyone else in the output.
 */
#include "app/app_correlate.h"
#include "app/app_sighting.h"
#include "core/jsonx.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define NOW 1800000000000LL
#define DAY 86400000LL

/* Organisations: A (none), B and C (finance), D (electricity), E (finance). */
#define ORG_A "019ab0b0-0000-7000-8000-00000000000a"
#define ORG_B "019ab0b0-0000-7000-8000-00000000000b"
#define ORG_C "019ab0b0-0000-7000-8000-00000000000c"
#define ORG_D "019ab0b0-0000-7000-8000-00000000000d"
#define ORG_E "019ab0b0-0000-7000-8000-00000000000e"

static json_t *report_with(const char *type, const char *value, ...)
{
    va_list ap;
    json_t *list = json_array();
    va_start(ap, value);
    while (type) {
        json_array_append_new(list, json_pack("{s:s, s:s}", "type", type, "value", value));
        type = va_arg(ap, const char *);
        if (type)
            value = va_arg(ap, const char *);
    }
    va_end(ap);
    return json_pack("{s:{s:o}}", "threat", "indicators", list);
}

static void put(struct app_correlate *cx, const char *id, const char *org, const char *sector,
                int64_t created, json_t *report)
{
    struct app_correlate_incident d = {
        .id = id, .org_id = org, .sector = sector, .created_at = created, .version = 1};
    assert_int_equal(app_correlate_put(cx, &d, report), 0);
    json_decref(report);
}

static json_t *view(struct app_correlate *cx, const char *id, const char *org, bool own, int k,
                    json_t *report)
{
    struct app_correlate_view v = {
        .incident_id = id, .org_id = org, .show_own = own, .k = k, .now_ms = NOW};
    json_t *s = app_correlate_summary(cx, &v, report);
    json_decref(report);
    return s;
}

/* The summary of the one indicator of a report. */
static json_t *one(json_t *summary)
{
    assert_int_equal(json_array_size(json_object_get(summary, "indicators")), 1);
    return json_array_get(json_object_get(summary, "indicators"), 0);
}

static json_int_t num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* Five organisations with incidents about 45.9.148.10 and friends. */
static struct app_correlate *fixture(void)
{
    struct app_correlate *cx = app_correlate_new(7, NULL);
    put(cx, "inc-a1", ORG_A, "none", NOW - DAY, report_with("ipv4", "45.9.148.10", NULL));
    put(cx, "inc-a2", ORG_A, NULL, NOW - DAY, report_with("ipv4", "45.9.148.10", NULL));
    put(cx, "inc-b1", ORG_B, "finance", NOW - 2 * DAY,
        report_with("ipv4", "45.9.148.0/24", "domain", "bad-c2.xyz", NULL));
    put(cx, "inc-b2", ORG_B, NULL, NOW - 40 * DAY, report_with("ipv4", "45.9.148.10", NULL));
    put(cx, "inc-c1", ORG_C, "finance", NOW - 3 * DAY,
        report_with("domain", "a.bad-c2.xyz", "ipv4", "45.9.148.10", NULL));
    put(cx, "inc-d1", ORG_D, "electricity", NOW - 50 * DAY,
        report_with("ipv4", "45.9.148.10", NULL));
    return cx;
}

static void test_counts_and_k(void **state)
{
    UNUSED(state);
    struct app_correlate *cx = fixture();
    /* A's first incident: others are b1 (block covering), b2, c1, d1 (exact) from 3 orgs */
    json_t *s = view(cx, "inc-a1", ORG_A, true, 3, report_with("ipv4", "45.9.148.10", NULL));
    json_t *i = one(s);
    assert_true(json_is_true(json_object_get(i, "seen_elsewhere")));
    assert_int_equal(num(i, "incidents"), 4);
    assert_int_equal(num(i, "organisations"), 3);
    assert_int_equal(num(i, "own_incidents"), 1); /* a2, never mixed with the others */
    /* last 30 days: b1, c1 — two organisations, below k: not shown */
    assert_null(json_object_get(i, "last_30_days"));
    /* by sector: finance has B and C (2 < 3), electricity D: all pooled, the pool has 3 */
    assert_int_equal(json_array_size(json_object_get(i, "by_sector")), 0);
    json_t *rest = json_object_get(i, "other_sectors");
    assert_int_equal(num(rest, "incidents"), 4);
    assert_int_equal(num(rest, "organisations"), 3);
    json_decref(s);

    /* with k = 2, finance is listed, electricity (1 org) alone cannot be pooled */
    s = view(cx, "inc-a1", ORG_A, true, 2, report_with("ipv4", "45.9.148.10", NULL));
    i = one(s);
    assert_int_equal(num(i, "last_30_days"), 2);
    json_t *bs = json_object_get(i, "by_sector");
    assert_int_equal(json_array_size(bs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(bs, 0), "sector")),
                        "finance");
    assert_int_equal(num(json_array_get(bs, 0), "incidents"), 3);
    assert_int_equal(num(json_array_get(bs, 0), "organisations"), 2);
    assert_null(json_object_get(i, "other_sectors"));
    json_decref(s);

    /* k above the organisations: only "seen elsewhere" */
    s = view(cx, "inc-a1", ORG_A, true, 4, report_with("ipv4", "45.9.148.10", NULL));
    i = one(s);
    assert_true(json_is_true(json_object_get(i, "seen_elsewhere")));
    assert_null(json_object_get(i, "incidents"));
    assert_null(json_object_get(i, "organisations"));
    assert_null(json_object_get(i, "by_sector"));
    assert_int_equal(num(i, "own_incidents"), 1);
    json_decref(s);
    app_correlate_free(cx);
}

static void test_match_kinds(void **state)
{
    UNUSED(state);
    struct app_correlate *cx = fixture();
    /* a block query finds the addresses inside it, and counts b1 once although it matches as
     * itself */
    json_t *s = view(cx, "inc-x", ORG_E, true, 2, report_with("ipv4", "45.9.148.0/24", NULL));
    json_t *i = one(s);
    assert_int_equal(num(i, "incidents"), 6); /* a1 a2 b1 b2 c1 d1 */
    assert_int_equal(num(i, "organisations"), 4);
    assert_int_equal(num(i, "own_incidents"), 0);
    json_decref(s);
    /* a subdomain finds its parent (b1) and itself (c1); a sibling name finds only the parent */
    s = view(cx, "inc-x", ORG_E, true, 2, report_with("domain", "a.bad-c2.xyz", NULL));
    assert_int_equal(num(one(s), "incidents"), 2);
    json_decref(s);
    s = view(cx, "inc-x", ORG_E, true, 2, report_with("domain", "Z.BAD-C2.XYZ.", NULL));
    i = one(s);
    assert_string_equal(json_string_value(json_object_get(i, "value")), "z.bad-c2.xyz");
    assert_true(json_is_true(json_object_get(i, "seen_elsewhere")));
    assert_null(json_object_get(i, "incidents")); /* one organisation */
    json_decref(s);
    /* an unrelated value, a type not correlated, and an invalid value */
    s = view(cx, "inc-x", ORG_E, true, 2,
             report_with("ipv4", "45.9.149.1", "file_name", "x.exe", "ipv4", "999.1.1.1", NULL));
    i = one(s);
    assert_false(json_is_true(json_object_get(i, "seen_elsewhere")));
    json_decref(s);
    app_correlate_free(cx);
}

static void test_authority_view_and_no_ids(void **state)
{
    UNUSED(state);
    struct app_correlate *cx = fixture();
    /* an authority looking at A's incident: A's other incident is neither counted nor said */
    json_t *s = view(cx, "inc-a1", ORG_A, false, 2, report_with("ipv4", "45.9.148.10", NULL));
    json_t *i = one(s);
    assert_null(json_object_get(i, "own_incidents"));
    assert_int_equal(num(i, "incidents"), 4);
    char *text = json_dumps(s, 0);
    const char *const secret[] = {ORG_A, ORG_B, ORG_C, ORG_D, "inc-"};
    for (size_t k = 0; k < ARRAY_SIZE(secret); k++)
        assert_null(strstr(text, secret[k]));
    free(text);
    json_decref(s);
    app_correlate_free(cx);
}

static void test_red_drill_withdraw_amend(void **state)
{
    UNUSED(state);
    struct app_correlate *cx = app_correlate_new(7, NULL);
    struct app_correlate_incident red = {.id = "inc-r",
                                         .org_id = ORG_B,
                                         .sector = "finance",
                                         .created_at = NOW,
                                         .version = 1,
                                         .red = true};
    json_t *r = report_with(
        "sha256", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", NULL);
    assert_int_equal(app_correlate_put(cx, &red, r), 0);
    struct app_correlate_incident drill = {.id = "inc-d",
                                           .org_id = ORG_C,
                                           .sector = "finance",
                                           .created_at = NOW,
                                           .version = 1,
                                           .drill = true};
    assert_int_equal(app_correlate_put(cx, &drill, r), 0);
    json_t *s = view(cx, "inc-x", ORG_A, true, 2, json_incref(r));
    assert_false(json_is_true(json_object_get(one(s), "seen_elsewhere"))); /* RED, drill */
    json_decref(s);
    s = view(cx, "inc-x", ORG_B, true, 2, json_incref(r)); /* RED counts for its own org */
    assert_int_equal(num(one(s), "own_incidents"), 1);
    json_decref(s);

    /* an amendment replaces the indicators; an older version arriving late changes nothing */
    put(cx, "inc-e", ORG_E, "finance", NOW, json_incref(r));
    s = view(cx, "inc-x", ORG_A, true, 2, json_incref(r));
    assert_true(json_is_true(json_object_get(one(s), "seen_elsewhere")));
    json_decref(s);
    struct app_correlate_incident e2 = {
        .id = "inc-e", .org_id = ORG_E, .created_at = NOW, .version = 2};
    json_t *other = report_with("md5", "d41d8cd98f00b204e9800998ecf8427e", NULL);
    assert_int_equal(app_correlate_put(cx, &e2, other), 0);
    struct app_correlate_incident e1 = {
        .id = "inc-e", .org_id = ORG_E, .created_at = NOW, .version = 1};
    assert_int_equal(app_correlate_put(cx, &e1, r), 0);
    s = view(cx, "inc-x", ORG_A, true, 2, json_incref(r));
    assert_false(json_is_true(json_object_get(one(s), "seen_elsewhere")));
    json_decref(s);
    s = view(cx, "inc-x", ORG_A, true, 2, json_incref(other));
    assert_true(json_is_true(json_object_get(one(s), "seen_elsewhere")));
    json_decref(s);

    /* a withdrawal removes them, for good */
    app_correlate_withdraw(cx, "inc-e");
    e2.version = 3;
    assert_int_equal(app_correlate_put(cx, &e2, other), 0);
    s = view(cx, "inc-x", ORG_A, true, 2, json_incref(other));
    assert_false(json_is_true(json_object_get(one(s), "seen_elsewhere")));
    json_decref(s);
    json_decref(other);
    json_decref(r);
    app_correlate_free(cx);
}

static void test_warninglists(void **state)
{
    UNUSED(state);
    char dir[512];
    struct diag_list d;
    struct ioc_warnlists *w = ioc_warnlists_new();
    diag_list_init(&d);
    snprintf(dir, sizeof(dir), "%s/data/sharing/warninglists", unit_source_root());
    assert_true(ioc_warnlists_load_dir(w, dir, &d) > 0);
    diag_list_release(&d);
    struct app_correlate *cx = app_correlate_new(7, w);
    put(cx, "inc-b", ORG_B, "finance", NOW, report_with("ipv4", "192.0.2.7", NULL));
    put(cx, "inc-c", ORG_C, "finance", NOW, report_with("ipv4", "192.0.2.7", NULL));
    json_t *s = view(cx, "inc-x", ORG_A, true, 2, report_with("ipv4", "192.0.2.7", NULL));
    json_t *i = one(s);
    assert_false(json_is_true(json_object_get(i, "seen_elsewhere")));
    assert_true(json_array_size(json_object_get(i, "warninglists")) >= 1);
    json_decref(s);
    struct app_correlate_stats st;
    app_correlate_stats(cx, &st);
    assert_int_equal(st.indicators, 0); /* never indexed */
    app_correlate_free(cx);
    ioc_warnlists_free(w);
}

/* The sightings body (app_sighting_decode): a full one normalised; every problem of a bad one
 * gathered with its pointer and code. */
/* ---- advisories ---- */

#define ADV_1 "019ab0b0-0000-7000-8000-0000000000f1"
#define ADV_2 "019ab0b0-0000-7000-8000-0000000000f2"

static void advise(struct app_correlate *cx, const char *id, int version, const char *tlp,
                   const char *indicators, int64_t withdrawn)
{
    char body[256];
    struct advisory_rec a;
    memset(&a, 0, sizeof(a));
    xstrlcpy(a.id, id, sizeof(a.id));
    xstrlcpy(a.org_id, ORG_E, sizeof(a.org_id));
    xstrlcpy(a.tlp, tlp, sizeof(a.tlp));
    a.version = a.latest_version = version;
    a.withdrawn_at = withdrawn;
    snprintf(body, sizeof(body), "{\"indicators\":%s}", indicators);
    a.body = body;
    a.title = (char *)"{\"ja\":\"t\",\"en\":\"t\"}";
    a.audience = (char *)"{}";
    assert_int_equal(app_correlate_put_advisory(cx, &a), 0);
}

/* The viewer may read what is not TLP:RED. */
static bool not_red(const struct advisory_rec *a, void *arg)
{
    (*(int *)arg)++;
    return strcmp(a->tlp, "TLP:RED") != 0;
}

static const char *named(json_t *s, size_t i)
{
    json_t *a = json_array_get(json_object_get(one(s), "advisories"), i);
    return a ? json_string_value(json_object_get(a, "id")) : NULL;
}

static void test_advisories(void **state)
{
    UNUSED(state);
    int asked = 0;
    struct app_correlate *cx = fixture();
    advise(cx, ADV_1, 2, "TLP:GREEN", "[{\"type\":\"domain\",\"value\":\"bad-c2.xyz\"}]", 0);
    advise(cx, ADV_1, 1, "TLP:GREEN", "[{\"type\":\"ipv4\",\"value\":\"45.9.148.10\"}]", 0);
    advise(cx, ADV_2, 1, "TLP:RED", "[{\"type\":\"domain\",\"value\":\"bad-c2.xyz\"}]", 0);
    struct app_correlate_view v = {.incident_id = "inc-a1",
                                   .org_id = ORG_A,
                                   .show_own = true,
                                   .k = 3,
                                   .now_ms = NOW,
                                   .may_read = not_red,
                                   .may_read_arg = &asked};
    /* an older version than known changes nothing: the domain only, under v2 */
    json_t *r = report_with("domain", "x.bad-c2.xyz", NULL);
    json_t *s = app_correlate_summary(cx, &v, r);
    assert_string_equal(named(s, 0), ADV_1);
    assert_null(named(s, 1)); /* the RED one: asked about, not named */
    assert_int_equal(asked, 2);
    /* advisories are not incidents: the counts are the incidents' (b1 and c1: 2 orgs < k) */
    assert_true(json_is_true(json_object_get(one(s), "seen_elsewhere")));
    assert_null(json_object_get(one(s), "incidents"));
    json_decref(s);
    json_t *ip = report_with("ipv4", "45.9.148.10", NULL);
    s = app_correlate_summary(cx, &v, ip);
    assert_null(named(s, 0));
    assert_int_equal(num(one(s), "incidents"), 4); /* as without advisories */
    json_decref(s);
    /* without may_read no "advisories" member at all */
    v.may_read = NULL;
    s = app_correlate_summary(cx, &v, r);
    assert_null(json_object_get(one(s), "advisories"));
    json_decref(s);
    /* a withdrawal is final: a later put of any version is ignored */
    v.may_read = not_red;
    advise(cx, ADV_1, 2, "TLP:GREEN", "[]", 1);
    advise(cx, ADV_1, 3, "TLP:GREEN", "[{\"type\":\"domain\",\"value\":\"bad-c2.xyz\"}]", 0);
    s = app_correlate_summary(cx, &v, r);
    assert_null(named(s, 0));
    json_decref(s);
    struct app_correlate_stats st;
    app_correlate_stats(cx, &st);
    assert_int_equal(st.advisories, 1); /* the RED one */
    json_decref(r);
    json_decref(ip);
    app_correlate_free(cx);
}

static bool has_problem(const struct verr_list *l, const char *ptr, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].pointer, ptr) && !strcmp(l->v[i].code, code))
            return true;
    return false;
}

static void test_sighting_decode(void **state)
{
    UNUSED(state);
    struct app_sighting_in in;
    struct verr_list errs;
    verr_list_init(&errs, 50);
    json_t *ok = json_loads("{\"type\":\"domain\",\"value\":\"EVIL[.]Example.net.\","
                            "\"kind\":\"false_positive\",\"count\":3,"
                            "\"first_seen\":\"2026-12-05T22:10:00+09:00\","
                            "\"last_seen\":\"2026-12-06T01:00:00Z\",\"note\":\"ours\"}",
                            0, NULL);
    assert_int_equal(app_sighting_decode(ok, &in, &errs), 0);
    assert_int_equal(errs.n, 0);
    assert_string_equal(in.value.text, "evil.example.net");
    assert_true(in.false_positive);
    assert_int_equal(in.count, 3);
    assert_int_equal(in.last_seen - in.first_seen, 12 * 3600000LL - 10 * 60000LL + 0);
    assert_string_equal(in.note, "ours");
    json_decref(ok);

    json_t *bad = json_loads("{\"type\":\"file_name\",\"kind\":\"maybe\",\"count\":0,"
                             "\"first_seen\":\"2026-12-06T00:00:00Z\","
                             "\"last_seen\":\"2026-12-05T00:00:00Z\",\"extra\":1}",
                             0, NULL);
    assert_int_equal(app_sighting_decode(bad, &in, &errs), -1);
    assert_true(has_problem(&errs, "/type", "unknown_type"));
    assert_true(has_problem(&errs, "/value", "required"));
    assert_true(has_problem(&errs, "/kind", "unknown_kind"));
    assert_true(has_problem(&errs, "/count", "out_of_range"));
    assert_true(has_problem(&errs, "/last_seen", "time_order"));
    assert_true(has_problem(&errs, "/extra", "unknown_field"));
    json_decref(bad);
    verr_list_release(&errs);
    verr_list_init(&errs, 50);
    bad = json_loads("{\"type\":\"ipv4\",\"value\":\"10.0.0.256\",\"kind\":\"seen\"}", 0, NULL);
    assert_int_equal(app_sighting_decode(bad, &in, &errs), -1);
    assert_true(errs.n >= 1);
    assert_string_equal(errs.v[0].pointer, "/value");
    json_decref(bad);
    verr_list_release(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_k),
        cmocka_unit_test(test_match_kinds),
        cmocka_unit_test(test_authority_view_and_no_ids),
        cmocka_unit_test(test_red_drill_withdraw_amend),
        cmocka_unit_test(test_warninglists),
        cmocka_unit_test(test_advisories),
        cmocka_unit_test(test_sighting_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
