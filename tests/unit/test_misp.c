/*
 * test_misp.c — MISP exchange (src/sharing/misp.h): the export of an advisory-like event (types,
 * categories, TLP tag, stable attribute UUIDs), the import of a realistic event written for
 * these tests (tests/data/misp/event-phishing.json: tags, distributions at three levels,
 * composite types, objects, unsupported and deleted attributes), the distribution → TLP table,
 * a round trip, and gathered errors with pointers.
 */
#include "sharing/misp.h"
#include "core/rtime.h"
#include "core/uuid.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static const struct misp_import_limits lim = {1 << 20, 10000, 32};

static bool has_error(const struct verr_list *e, const char *pointer, const char *code)
{
    for (size_t i = 0; i < e->n; i++)
        if (!strcmp(e->v[i].pointer, pointer) && !strcmp(e->v[i].code, code) && e->v[i].en[0] &&
            e->v[i].ja[0])
            return true;
    return false;
}

static void test_tlp_tags_and_distribution(void **state)
{
    UNUSED(state);
    for (int t = 0; t < TLP__COUNT; t++)
        assert_int_equal(misp_tlp_from_tag(misp_tlp_tag((enum tlp)t)), t);
    assert_string_equal(misp_tlp_tag(TLP_AMBER_STRICT), "tlp:amber+strict");
    assert_int_equal(misp_tlp_from_tag("tlp:white"), TLP_CLEAR); /* TLP 1.0 */
    assert_int_equal(misp_tlp_from_tag("TLP:AMBER"), TLP_AMBER);
    assert_int_equal(misp_tlp_from_tag("tlp:ex:chr"), TLP_INVALID);
    assert_int_equal(misp_tlp_from_tag("tlp:unclear"), TLP_INVALID);
    assert_int_equal(misp_tlp_from_tag("misp:tool=\"tlp:red\""), TLP_INVALID);
    assert_int_equal(misp_tlp_from_tag(NULL), TLP_INVALID);
    /* docs/sharing.md §6. */
    assert_int_equal(misp_tlp_for_distribution(0), TLP_AMBER_STRICT);
    assert_int_equal(misp_tlp_for_distribution(1), TLP_AMBER);
    assert_int_equal(misp_tlp_for_distribution(2), TLP_GREEN);
    assert_int_equal(misp_tlp_for_distribution(3), TLP_GREEN);
    assert_int_equal(misp_tlp_for_distribution(4), TLP_AMBER_STRICT);
    assert_int_equal(misp_tlp_for_distribution(5), TLP_INVALID);
    assert_int_equal(misp_distribution_for_tlp(TLP_CLEAR), MISP_DIST_ALL);
    assert_int_equal(misp_distribution_for_tlp(TLP_GREEN), MISP_DIST_COMMUNITY);
    assert_int_equal(misp_distribution_for_tlp(TLP_AMBER), MISP_DIST_ORGANISATION);
    assert_int_equal(misp_distribution_for_tlp(TLP_RED), MISP_DIST_ORGANISATION);
    /* Read back without its tag, an exported event is never wider than its label (RED is not
     * exported: the read rule keeps it with its named recipients). */
    for (int t = TLP_CLEAR; t < TLP_RED; t++)
        assert_true(tlp_at_least(misp_tlp_for_distribution(misp_distribution_for_tlp((enum tlp)t)),
                                 (enum tlp)t));
}

static const struct misp_ioc iocs[] = {
    {IOC_IPV4, "203.0.113.45", "c2", true, "beacon every 60 s"},
    {IOC_IPV4, "198.51.100.7", "attack_source", true, NULL},
    {IOC_IPV6, "2001:db8::1/64", NULL, false, NULL},
    {IOC_DOMAIN, "invoice-portal.example", "phishing_site", true, NULL},
    {IOC_URL, "https://invoice-portal.example/a.zip", "delivery", true, NULL},
    {IOC_EMAIL, "billing@invoice-portal.example", "sender", true, NULL},
    {IOC_EMAIL, "drop@exfil.example", "exfiltration", true, NULL},
    {IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e", "malware", true, NULL},
    {IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "malware", true, NULL},
    {IOC_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", NULL, true,
     NULL},
    {IOC_SSDEEP, "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", NULL, false, NULL},
};

static void event_in(struct misp_event_in *in, enum tlp t)
{
    static const char *tags[] = {"misp-galaxy:sector=\"Health\"", "tlp:red"};
    struct rtime_parsed p;
    memset(in, 0, sizeof(*in));
    in->uuid = "01938a2e-5b6c-7d8e-9f00-112233445566";
    in->info = "Invoice-lure phishing against hospitals";
    rtime_parse_rfc3339("2026-11-20T23:30:00+09:00", 25, &p);
    in->date_ms = p.ms; /* 14:30 UTC on the 20th */
    in->timestamp_ms = 1795132800123LL;
    in->threat_level = MISP_THREAT_MEDIUM;
    in->analysis = MISP_ANALYSIS_COMPLETED;
    in->tlp = t;
    in->org_name = "National Incident Desk";
    in->tags = tags; /* the tlp:red among them is dropped: the label is in->tlp */
    in->n_tags = 2;
    in->iocs = iocs;
    in->n_iocs = ARRAY_SIZE(iocs);
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void test_export(void **state)
{
    UNUSED(state);
    struct misp_event_in in;
    struct verr_list e;
    json_t *out, *again;
    verr_list_init(&e, 20);
    event_in(&in, TLP_AMBER);
    assert_int_equal(misp_export(&in, &out, &e), 0);
    json_t *ev = json_object_get(out, "Event");
    assert_string_equal(sget(ev, "uuid"), in.uuid);
    assert_string_equal(sget(ev, "date"), "2026-11-20");
    assert_string_equal(sget(ev, "threat_level_id"), "2");
    assert_string_equal(sget(ev, "analysis"), "2");
    assert_string_equal(sget(ev, "distribution"), "0");
    assert_string_equal(sget(ev, "timestamp"), "1795132800");
    assert_true(json_is_false(json_object_get(ev, "published")));
    assert_string_equal(sget(json_object_get(ev, "Orgc"), "name"), "National Incident Desk");
    json_t *tags = json_object_get(ev, "Tag");
    assert_int_equal(json_array_size(tags), 2);
    assert_string_equal(sget(json_array_get(tags, 0), "name"), "tlp:amber");
    json_t *a = json_object_get(ev, "Attribute");
    assert_int_equal(json_array_size(a), ARRAY_SIZE(iocs));
    static const char *types[] = {"ip-dst",    "ip-src", "ip-dst", "domain", "url",   "email-src",
                                  "email-dst", "md5",    "sha1",   "sha256", "ssdeep"};
    static const char *cats[] = {"Network activity", "Network activity", "Network activity",
                                 "Network activity", "Payload delivery", "Payload delivery",
                                 "Network activity", "Payload delivery", "Payload delivery",
                                 "Payload delivery", "Payload delivery"};
    for (size_t i = 0; i < ARRAY_SIZE(iocs); i++) {
        json_t *x = json_array_get(a, i);
        assert_string_equal(sget(x, "type"), types[i]);
        assert_string_equal(sget(x, "category"), cats[i]);
        assert_string_equal(sget(x, "value"), iocs[i].value);
        assert_string_equal(sget(x, "distribution"), "5");
        assert_int_equal(json_is_true(json_object_get(x, "to_ids")), iocs[i].to_ids);
        const char *u = sget(x, "uuid");
        assert_true(uuid_valid(u, strlen(u)));
        assert_int_equal(u[14], '8'); /* RFC 9562 version 8 */
    }
    assert_string_equal(sget(json_array_get(a, 0), "comment"), "beacon every 60 s");
    assert_null(json_object_get(json_array_get(a, 1), "comment"));
    /* The same advisory exports the same attribute UUIDs. */
    assert_int_equal(misp_export(&in, &again, &e), 0);
    assert_true(json_equal(out, again));
    assert_string_not_equal(sget(json_array_get(a, 0), "uuid"), sget(json_array_get(a, 1), "uuid"));
    json_decref(again);
    json_decref(out);
    event_in(&in, TLP_CLEAR);
    assert_int_equal(misp_export(&in, &out, &e), 0);
    assert_string_equal(sget(json_object_get(out, "Event"), "distribution"), "3");
    json_decref(out);
    verr_list_release(&e);
}

static void test_export_errors(void **state)
{
    UNUSED(state);
    struct misp_event_in in;
    struct verr_list e;
    json_t *out = (json_t *)1;
    struct misp_ioc bad[] = {
        {IOC_IPV4, "999.1.1.1", NULL, true, NULL},          {IOC_MD5, "abc", NULL, true, NULL},
        {(enum ioc_type)42, "x", NULL, true, NULL},         {IOC_URL, "", NULL, true, NULL},
        {IOC_DOMAIN, "evil example.com", NULL, true, NULL},
    };
    verr_list_init(&e, 20);
    event_in(&in, TLP_INVALID);
    in.uuid = "nope";
    in.info = "";
    in.threat_level = 0;
    in.iocs = bad;
    in.n_iocs = ARRAY_SIZE(bad);
    assert_int_equal(misp_export(&in, &out, &e), -1);
    assert_null(out);
    assert_true(has_error(&e, "/uuid", "required"));
    assert_true(has_error(&e, "/info", "required"));
    assert_true(has_error(&e, "/tlp", "invalid"));
    assert_true(has_error(&e, "/threat_level", "invalid"));
    assert_true(has_error(&e, "/iocs/0/value", "invalid"));
    assert_true(has_error(&e, "/iocs/1/value", "invalid"));
    assert_true(has_error(&e, "/iocs/2/type", "invalid"));
    assert_true(has_error(&e, "/iocs/3/value", "invalid"));
    assert_true(has_error(&e, "/iocs/4/value", "invalid"));
    assert_int_equal(e.n, 9);
    verr_list_release(&e);
}

static const struct misp_indicator *find(const struct misp_import *r, const char *value)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->v[i].value, value))
            return &r->v[i];
    fail_msg("indicator %s not imported", value);
    return NULL;
}

static size_t unsupported(const struct misp_import *r, const char *type)
{
    for (size_t i = 0; i < r->n_unsupported_types; i++)
        if (!strcmp(r->unsupported[i].type, type))
            return r->unsupported[i].count;
    return 0;
}

static void test_import_realistic_event(void **state)
{
    UNUSED(state);
    char path[512];
    size_t n = 0;
    snprintf(path, sizeof(path), "%s/tests/data/misp/event-phishing.json", unit_source_root());
    char *body = unit_read_file(path, &n);
    assert_non_null(body);
    struct misp_import r;
    struct verr_list e;
    verr_list_init(&e, 20);
    misp_import_init(&r);
    assert_int_equal(misp_import(body, n, &lim, &r, &e), 0);
    assert_int_equal(e.n, 0);
    assert_string_equal(r.uuid, "5b1f2c3e-7a4d-4e8b-9c21-0d3e4f5a6b7c");
    assert_int_equal(r.tlp, TLP_GREEN); /* the tag wins over distribution 1 (AMBER) */
    assert_int_equal(r.n, 8);
    const struct misp_indicator *x = find(&r, "billing@invoice-portal.example");
    assert_int_equal(x->type, IOC_EMAIL);
    assert_int_equal(x->tlp, TLP_GREEN);
    assert_true(x->to_ids);
    assert_string_equal(x->comment, "From: header of the lure");
    assert_string_equal(x->pointer, "/Event/Attribute/0");
    assert_string_equal(x->uuid, "0a6e1f62-3b7c-4d2a-9e5f-1c2d3e4f5a60");
    assert_int_equal(find(&r, "https://invoice-portal.example/login/hospital.php")->type, IOC_URL);
    /* domain|ip gives both; its distribution 0 is stricter than the event's GREEN. */
    x = find(&r, "invoice-portal.example");
    assert_int_equal(x->type, IOC_DOMAIN);
    assert_int_equal(x->tlp, TLP_AMBER_STRICT);
    assert_string_equal(x->misp_type, "domain|ip");
    assert_int_equal(find(&r, "203.0.113.45")->type, IOC_IPV4);
    assert_int_equal(find(&r, "203.0.113.45")->tlp, TLP_AMBER_STRICT);
    x = find(&r, "2001:db8::45");
    assert_int_equal(x->type, IOC_IPV6);
    assert_int_equal(x->tlp, TLP_GREEN);
    assert_true(x->to_ids); /* "1" */
    x = find(&r, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    assert_int_equal(x->type, IOC_SHA256);
    assert_int_equal(x->tlp, TLP_AMBER); /* its own tlp:amber tag */
    /* Inside the object (sharing group: AMBER+STRICT); TLP:WHITE on the attribute is wider
     * than its object, so the object's label holds. */
    x = find(&r, "noreply@invoice-portal.example");
    assert_int_equal(x->tlp, TLP_AMBER_STRICT);
    assert_string_equal(x->pointer, "/Event/Object/0/Attribute/0");
    x = find(&r, "198.51.100.0/24");
    assert_int_equal(x->type, IOC_IPV4);
    assert_int_equal(x->tlp, TLP_AMBER_STRICT);
    assert_int_equal(r.n_unsupported, 4);
    assert_int_equal(r.n_unsupported_types, 3);
    assert_int_equal(unsupported(&r, "text"), 2);
    assert_int_equal(unsupported(&r, "vulnerability"), 1);
    assert_int_equal(unsupported(&r, "email-subject"), 1);
    assert_int_equal(r.deleted, 1);
    misp_import_release(&r);
    verr_list_release(&e);
    free(body);
}

/* Without tags, the distribution decides, level by level, the strictest winning. */
static void test_import_distribution_levels(void **state)
{
    UNUSED(state);
    static const struct {
        const char *event, *attr;
        enum tlp event_tlp, attr_tlp;
    } cases[] = {
        {"0", "5", TLP_AMBER_STRICT, TLP_AMBER_STRICT},
        {"1", "5", TLP_AMBER, TLP_AMBER},
        {"2", "5", TLP_GREEN, TLP_GREEN},
        {"3", "5", TLP_GREEN, TLP_GREEN},
        {"4", "5", TLP_AMBER_STRICT, TLP_AMBER_STRICT},
        {"3", "0", TLP_GREEN, TLP_AMBER_STRICT},
        {"0", "3", TLP_AMBER_STRICT, TLP_AMBER_STRICT},   /* an attribute cannot widen */
        {NULL, NULL, TLP_AMBER_STRICT, TLP_AMBER_STRICT}, /* absent: the importer's org */
        {"2", NULL, TLP_GREEN, TLP_GREEN},                /* absent on the attribute: inherit */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char body[512];
        char ed[32] = "", ad[32] = "";
        if (cases[i].event)
            snprintf(ed, sizeof(ed), "\"distribution\":\"%s\",", cases[i].event);
        if (cases[i].attr)
            snprintf(ad, sizeof(ad), "\"distribution\":%s,", cases[i].attr);
        snprintf(body, sizeof(body),
                 "{\"Event\":{%s\"info\":\"t\",\"Attribute\":[{%s\"type\":\"ip-dst\","
                 "\"value\":\"192.0.2.1\"}]}}",
                 ed, ad);
        struct misp_import r;
        struct verr_list e;
        verr_list_init(&e, 20);
        misp_import_init(&r);
        assert_int_equal(misp_import(body, strlen(body), &lim, &r, &e), 0);
        assert_int_equal(r.tlp, cases[i].event_tlp);
        assert_int_equal(r.n, 1);
        assert_int_equal(r.v[0].tlp, cases[i].attr_tlp);
        assert_false(r.v[0].to_ids);
        misp_import_release(&r);
        verr_list_release(&e);
    }
}

static void test_round_trip(void **state)
{
    UNUSED(state);
    for (int t = 0; t < TLP__COUNT; t++) {
        struct misp_event_in in;
        struct verr_list e;
        struct misp_import r;
        json_t *out;
        verr_list_init(&e, 20);
        event_in(&in, (enum tlp)t);
        assert_int_equal(misp_export(&in, &out, &e), 0);
        char *s = json_dumps(out, JSON_COMPACT);
        misp_import_init(&r);
        assert_int_equal(misp_import(s, strlen(s), &lim, &r, &e), 0);
        assert_int_equal(r.tlp, t); /* the tag carries the exact label */
        assert_int_equal(r.n, ARRAY_SIZE(iocs));
        for (size_t i = 0; i < r.n; i++) {
            assert_int_equal(r.v[i].type, iocs[i].type);
            assert_string_equal(r.v[i].value, iocs[i].value);
            assert_int_equal(r.v[i].to_ids, iocs[i].to_ids);
            assert_int_equal(r.v[i].tlp, t);
        }
        misp_import_release(&r);
        free(s);
        json_decref(out);
        verr_list_release(&e);
    }
}

static void test_import_errors(void **state)
{
    UNUSED(state);
    struct misp_import r;
    struct verr_list e;
    const char *body =
        "{\"Event\":{\"uuid\":\"x\",\"info\":\"t\",\"distribution\":\"5\",\"threat_level_id\":"
        "\"9\",\"analysis\":\"x\",\"Tag\":{},\"Attribute\":["
        "{\"type\":\"md5\",\"value\":\"abc\"},"
        "{\"type\":\"ip-src\",\"value\":\"300.1.1.1\",\"distribution\":\"7\"},"
        "{\"type\":\"domain|ip\",\"value\":\"example.org\"},"
        "{\"type\":\"url\"},"
        "17,"
        "{\"type\":\"email-src\",\"value\":\"a b@c\"}],"
        "\"Object\":[{\"Attribute\":{}}, 3]}}";
    verr_list_init(&e, 50);
    misp_import_init(&r);
    assert_int_equal(misp_import(body, strlen(body), &lim, &r, &e), -1);
    assert_true(has_error(&e, "/Event/uuid", "invalid"));
    assert_true(has_error(&e, "/Event/distribution", "invalid")); /* 5 at the event */
    assert_true(has_error(&e, "/Event/threat_level_id", "invalid"));
    assert_true(has_error(&e, "/Event/analysis", "invalid"));
    assert_true(has_error(&e, "/Event/Tag", "invalid_type"));
    assert_true(has_error(&e, "/Event/Attribute/0/value", "invalid_value"));
    assert_true(has_error(&e, "/Event/Attribute/1/distribution", "invalid"));
    assert_true(has_error(&e, "/Event/Attribute/1/value", "invalid_value"));
    assert_true(has_error(&e, "/Event/Attribute/2/value", "invalid_value"));
    assert_true(has_error(&e, "/Event/Attribute/3", "required"));
    assert_true(has_error(&e, "/Event/Attribute/4", "invalid_type"));
    assert_true(has_error(&e, "/Event/Attribute/5/value", "invalid_value"));
    assert_true(has_error(&e, "/Event/Object/0/Attribute", "invalid_type"));
    assert_true(has_error(&e, "/Event/Object/1", "invalid_type"));
    assert_int_equal(r.n, 0);
    misp_import_release(&r);
    verr_list_release(&e);

    /* The document's shape and the limits. */
    static const struct {
        const char *body, *pointer, *code;
    } docs[] = {
        {"[]", "", "bad_json"},
        {"{\"Event\":", "", "bad_json"},
        {"{\"event\":{}}", "/Event", "required"},
        {"{\"Event\":[]}", "/Event", "required"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
        verr_list_init(&e, 50);
        misp_import_init(&r);
        assert_int_equal(misp_import(docs[i].body, strlen(docs[i].body), &lim, &r, &e), -1);
        assert_true(has_error(&e, docs[i].pointer, docs[i].code));
        misp_import_release(&r);
        verr_list_release(&e);
    }
    struct misp_import_limits small = {40, 1, 32};
    verr_list_init(&e, 50);
    misp_import_init(&r);
    body = "{\"Event\":{\"Attribute\":[{\"type\":\"text\",\"value\":\"a\"},"
           "{\"type\":\"text\",\"value\":\"b\"}]}}";
    assert_int_equal(misp_import(body, strlen(body), &small, &r, &e), -1);
    assert_true(has_error(&e, "", "too_large"));
    small.max_bytes = 1000;
    assert_int_equal(misp_import(body, strlen(body), &small, &r, &e), -1);
    assert_true(has_error(&e, "/Event/Attribute", "too_many"));
    assert_int_equal(r.n_unsupported, 1);
    misp_import_release(&r);
    verr_list_release(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tlp_tags_and_distribution),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_export_errors),
        cmocka_unit_test(test_import_realistic_event),
        cmocka_unit_test(test_import_distribution_levels),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_import_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
