/*
 * test_stix.c — sharing/stix*.c: STIX patterns and their escaping, deterministic ids, every
 * exported object type, the TLP 2.0 marking objects, the advisory bundle, import problems with
 * their JSON Pointers, TLP 1.0 → 2.0 mapping, and the real MITRE ATT&CK for ICS bundle.
 * (Validity against the OASIS JSON schemas is tests/stix/validate.mjs, suite 'stix'.)
 */
#include "unit.h"
#include "sharing/stix.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define T0 1767225600000LL /* 2026-01-01T00:00:00.000Z */

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* ---- patterns ---- */

static void test_pattern_build(void **state)
{
    static const struct {
        enum ioc_type t;
        const char *value, *want;
    } cases[] = {
        {IOC_IPV4, "198.51.100.0/24", "[ipv4-addr:value = '198.51.100.0/24']"},
        {IOC_IPV6, "2001:db8::/32", "[ipv6-addr:value = '2001:db8::/32']"},
        {IOC_DOMAIN, "evil.example", "[domain-name:value = 'evil.example']"},
        {IOC_URL, "https://x.example/it's\\here",
         "[url:value = 'https://x.example/it\\'s\\\\here']"},
        {IOC_EMAIL, "a@b.example", "[email-addr:value = 'a@b.example']"},
        {IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e",
         "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"},
        {IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
         "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"},
        {IOC_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "[file:hashes.'SHA-256' = "
         "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']"},
        {IOC_SSDEEP, "3:AXG:AXH", "[file:hashes.SSDEEP = '3:AXG:AXH']"},
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct buf b;
        struct stix_pattern_ioc x;
        buf_init(&b, 1024);
        assert_int_equal(stix_pattern_build(&b, cases[i].t, cases[i].value, strlen(cases[i].value)),
                         0);
        assert_string_equal(buf_cstr(&b), cases[i].want);
        /* and back: the importer reads what the exporter writes, unescaped */
        assert_int_equal(stix_pattern_extract(b.data, b.len, &x), 0);
        assert_int_equal(x.type, cases[i].t);
        assert_string_equal(x.value, cases[i].value);
        free(x.value);
        buf_release(&b);
    }
    struct buf small;
    buf_init(&small, 10);
    assert_int_equal(stix_pattern_build(&small, IOC_URL, "https://long.example", 20), BUF_EFULL);
    assert_int_equal(small.len, 0);
    assert_int_equal(stix_pattern_build(&small, IOC_INVALID, "x", 1), -1);
    buf_release(&small);
}

static void test_pattern_extract(void **state)
{
    static const struct {
        const char *pattern;
        enum ioc_type t; /* IOC_INVALID: not extracted */
        const char *value;
    } cases[] = {
        {"  [ ipv4-addr:value='10.0.0.1' ]  ", IOC_IPV4, "10.0.0.1"},
        {"[file:hashes.'SHA256' = 'ABCDEF']", IOC_SHA256, "abcdef"}, /* hashes lower-cased */
        {"[file:hashes.sha-1 = 'AA']", IOC_SHA1, "aa"},
        {"[file:hashes.'MD5' = 'aa']", IOC_MD5, "aa"},
        {"[url:value = 'a\\'b']", IOC_URL, "a'b"},
        {"[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '5.6.7.8']", IOC_INVALID, NULL},
        {"[ipv4-addr:value = '1.2.3.4'] OR [domain-name:value = 'x.example']", IOC_INVALID, NULL},
        {"[ipv4-addr:value != '1.2.3.4']", IOC_INVALID, NULL},
        {"[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS", IOC_INVALID, NULL},
        {"[ipv4-addr:value MATCHES '^1']", IOC_INVALID, NULL},
        {"[url:value = 'a\\x']", IOC_INVALID, NULL}, /* only \' and \\ are escapes (§9.3) */
        {"[url:value = 'open", IOC_INVALID, NULL},
        {"[url:value = '']", IOC_INVALID, NULL},
        {"[file:name = 'x.exe']", IOC_INVALID, NULL},
        {"[file:hashes.'SHA-512' = 'aa']", IOC_INVALID, NULL},
        {"[ipv4-addr:value.x = 'a']", IOC_INVALID, NULL},
        {"[ipv4-addr : value = 'a']", IOC_INVALID, NULL},
        {"", IOC_INVALID, NULL},
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct stix_pattern_ioc x;
        int rc = stix_pattern_extract(cases[i].pattern, strlen(cases[i].pattern), &x);
        if (cases[i].t == IOC_INVALID) {
            if (rc != -1)
                fail_msg("extracted %s from %s", x.value, cases[i].pattern);
            assert_null(x.value);
            continue;
        }
        if (rc)
            fail_msg("not extracted: %s", cases[i].pattern);
        assert_int_equal(x.type, cases[i].t);
        assert_string_equal(x.value, cases[i].value);
        free(x.value);
    }
}

/* ---- ids and times ---- */

static void test_ids(void **state)
{
    char a[STIX_ID_LEN], b[STIX_ID_LEN], ts[32];
    UNUSED(state);
    /* cross-checked with Python: uuid.uuid5(UUID('b6add36e-c0ab-48c9-9800-3bbc1df437d2'),
     * 'indicator:i-ipv4') */
    assert_int_equal(stix_id("indicator", "i-ipv4", a), 0);
    assert_string_equal(a, "indicator--2691e588-f437-5bac-a4a5-f8830ccf6d26");
    assert_int_equal(stix_id("indicator", "i-ipv4", b), 0);
    assert_string_equal(a, b);
    assert_int_equal(stix_id("sighting", "i-ipv4", b), 0);
    assert_string_not_equal(a + 11, b + 10);
    assert_int_equal(stix_id("Indicator", "k", a), -1);
    assert_int_equal(stix_id("indicator", "", a), -1);
    assert_int_equal(stix_id("ab", "k", a), -1);
    stix_timestamp(0, ts);
    assert_string_equal(ts, "1970-01-01T00:00:00.000Z");
    stix_timestamp(T0 + 7, ts);
    assert_string_equal(ts, "2026-01-01T00:00:00.007Z");
}

/* ---- export ---- */

static struct stix_indicator_in an_indicator(void)
{
    struct stix_indicator_in in = {
        {"k1", T0, T0 + 1, TLP_AMBER, NULL}, IOC_DOMAIN, "evil.example", NULL, NULL, T0, 0, -1};
    return in;
}

static void test_export_indicator(void **state)
{
    struct verr_list e;
    struct stix_indicator_in in = an_indicator();
    UNUSED(state);
    verr_list_init(&e, 20);
    json_t *o = stix_indicator(&in, &e);
    assert_non_null(o);
    assert_string_equal(str(o, "type"), "indicator");
    assert_string_equal(str(o, "spec_version"), "2.1");
    assert_string_equal(str(o, "pattern"), "[domain-name:value = 'evil.example']");
    assert_string_equal(str(o, "pattern_type"), "stix");
    assert_string_equal(str(o, "valid_from"), "2026-01-01T00:00:00.000Z");
    assert_string_equal(str(o, "modified"), "2026-01-01T00:00:00.001Z");
    assert_string_equal(str(o, "name"), "domain evil.example");
    assert_null(json_object_get(o, "confidence"));
    assert_null(json_object_get(o, "valid_until"));
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(o, "object_marking_refs"), 0)),
        tlp_stix_marking_id(TLP_AMBER));
    json_decref(o);

    /* every problem at once, each with its pointer */
    in.value = "evil[.]example"; /* defanged */
    in.valid_until_ms = T0;
    in.confidence = 101;
    in.m.modified_ms = T0 - 1;
    in.m.tlp = TLP_INVALID;
    assert_null(stix_indicator(&in, &e));
    const char *want[] = {"/modified", "/tlp", "/value", "/valid_until", "/confidence"};
    assert_int_equal(e.n, ARRAY_SIZE(want));
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        assert_string_equal(e.v[i].pointer, want[i]);
        assert_true(strlen(e.v[i].ja) > 0 && strlen(e.v[i].en) > 0);
    }
    verr_list_release(&e);

    static const struct {
        enum ioc_type t;
        const char *v;
        bool ok;
    } values[] = {
        {IOC_IPV4, "198.51.100.0/24", true},
        {IOC_IPV4, "198.51.100.0/33", false},
        {IOC_IPV4, "2001:db8::1", false},
        {IOC_IPV6, "2001:db8::/129", false},
        {IOC_MD5, "abc", false},
        {IOC_SSDEEP, "3:a:b", true},
        {IOC_SSDEEP, "x:a:b", false},
        {IOC_URL, "https://a.example/\x01", false},
        {IOC_EMAIL, "a@b.example", true},
        {IOC_INVALID, "x", false},
    };
    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        struct stix_indicator_in v = an_indicator();
        verr_list_init(&e, 20);
        v.type = values[i].t;
        v.value = values[i].v;
        o = stix_indicator(&v, &e);
        if ((o != NULL) != values[i].ok)
            fail_msg("%s: %s", values[i].v, o ? "accepted" : "refused");
        json_decref(o);
        verr_list_release(&e);
    }
}

static void test_export_sighting(void **state)
{
    struct verr_list e;
    char ind[STIX_ID_LEN], org[STIX_ID_LEN];
    UNUSED(state);
    stix_id("indicator", "k1", ind);
    stix_id("identity", "org", org);
    const char *where[] = {org};
    struct stix_sighting_in in = {
        {"s1", T0, T0, TLP_GREEN, NULL}, ind, 4, T0, T0 + 10, where, 1, true};
    verr_list_init(&e, 20);
    json_t *o = stix_sighting(&in, &e);
    assert_non_null(o);
    assert_string_equal(str(o, "sighting_of_ref"), ind);
    assert_int_equal(json_integer_value(json_object_get(o, "count")), 4);
    assert_string_equal(str(o, "last_seen"), "2026-01-01T00:00:00.010Z");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(o, "where_sighted_refs"), 0)), org);
    assert_true(json_is_true(json_object_get(o, "x_ichigen_false_positive")));
    assert_null(json_object_get(o, "summary")); /* summary means something else in STIX */
    json_decref(o);
    in.false_positive = false;
    in.n_where = 0;
    in.count = -1;
    o = stix_sighting(&in, &e);
    assert_null(json_object_get(o, "x_ichigen_false_positive"));
    assert_null(json_object_get(o, "count"));
    assert_null(json_object_get(o, "where_sighted_refs"));
    json_decref(o);

    const char *bad_where[] = {ind};
    in.where_sighted = bad_where;
    in.n_where = 1;
    in.sighting_of = "relationship--2691e588-f437-5bac-a4a5-f8830ccf6d26";
    in.count = 1000000000;
    in.last_seen_ms = T0 - 1;
    assert_null(stix_sighting(&in, &e));
    const char *want[] = {"/sighting_of", "/count", "/last_seen", "/where_sighted/0"};
    assert_int_equal(e.n, ARRAY_SIZE(want));
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        assert_string_equal(e.v[i].pointer, want[i]);
    verr_list_release(&e);
}

static void test_export_incident_report_identity(void **state)
{
    struct verr_list e;
    char inc[STIX_ID_LEN];
    UNUSED(state);
    verr_list_init(&e, 20);
    struct stix_incident_in i = {
        {"inc", T0, T0, TLP_AMBER_STRICT, NULL}, "被害", NULL, "ja", "ransomware", NULL};
    json_t *o = stix_incident(&i, &e);
    assert_non_null(o);
    assert_string_equal(str(o, "name"), "被害");
    assert_string_equal(str(o, "lang"), "ja");
    assert_string_equal(str(o, "x_ichigen_category"), "ransomware");
    assert_null(json_object_get(o, "description"));
    assert_null(json_object_get(o, "x_ichigen_sector"));
    json_decref(o);

    stix_id("incident", "inc", inc);
    const char *refs[] = {inc};
    struct stix_report_in r = {{"rep", T0, T0, TLP_AMBER, NULL}, "Summary", "d", NULL, T0, refs, 1};
    o = stix_report(&r, &e);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "object_refs"), 0)),
                        inc);
    assert_string_equal(str(o, "published"), "2026-01-01T00:00:00.000Z");
    json_decref(o);
    r.n_refs = 0;
    r.name = "";
    assert_null(stix_report(&r, &e));
    assert_int_equal(e.n, 2);
    assert_string_equal(e.v[0].pointer, "/name");
    assert_string_equal(e.v[1].pointer, "/object_refs");
    verr_list_release(&e);

    verr_list_init(&e, 20);
    struct stix_identity_in id = {
        {"org", T0, T0, TLP_GREEN, NULL}, "Example K.K.", NULL, NULL, 0, NULL};
    assert_null(stix_identity(&id, false, &e)); /* no consent, no identity */
    assert_int_equal(e.n, 1);
    assert_string_equal(e.v[0].code, "stix.consent_missing");
    o = stix_identity(&id, true, &e);
    assert_string_equal(str(o, "identity_class"), "organization");
    assert_null(json_object_get(o, "sectors"));
    json_decref(o);
    verr_list_release(&e);
}

/* The marking objects are OASIS's own (cti-stix-common-objects, tlp-2.0/examples). */
static void test_tlp_markings(void **state)
{
    UNUSED(state);
    json_t *want = json_loads(
        "{\"type\": \"marking-definition\", \"spec_version\": \"2.1\", \"id\": "
        "\"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003\", \"created\": "
        "\"2022-10-01T00:00:00.000Z\", \"name\": \"TLP:AMBER+STRICT\", \"extensions\": "
        "{\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\": {\"extension_type\": "
        "\"property-extension\", \"tlp_2_0\": \"amber+strict\"}}}",
        0, NULL);
    json_t *got = stix_tlp_marking(TLP_AMBER_STRICT);
    assert_true(json_equal(want, got));
    json_decref(want);
    json_decref(got);
    for (int t = 0; t < TLP__COUNT; t++) {
        json_t *m = stix_tlp_marking((enum tlp)t);
        assert_string_equal(str(m, "id"), tlp_stix_marking_id((enum tlp)t));
        assert_string_equal(str(m, "name"), tlp_label((enum tlp)t));
        assert_int_equal(stix_tlp_of_marking(str(m, "id")), t);
        json_decref(m);
    }
    assert_null(stix_tlp_marking(TLP_INVALID));
    /* TLP 1.0 (STIX 2.1 §7.2.1.4) mapped to 2.0 on import */
    assert_int_equal(
        stix_tlp_of_marking("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"), TLP_CLEAR);
    assert_int_equal(
        stix_tlp_of_marking("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"), TLP_GREEN);
    assert_int_equal(
        stix_tlp_of_marking("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"), TLP_AMBER);
    assert_int_equal(
        stix_tlp_of_marking("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"), TLP_RED);
    assert_int_equal(
        stix_tlp_of_marking("marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"),
        TLP_INVALID);
}

static struct stix_advisory an_advisory(const struct stix_indicator_in *ind, size_t n_ind)
{
    static const char *techs[] = {"T0831", "T1566.001"}, *cves[] = {"CVE-2024-3400"};
    struct stix_advisory a = {{"adv-1", T0, T0 + 1000, TLP_AMBER, NULL},
                              "題名",
                              "Title",
                              "説明",
                              "Description",
                              T0,
                              "Group X",
                              STIX_ACTOR_THREAT_ACTOR,
                              70,
                              techs,
                              2,
                              cves,
                              1,
                              ind,
                              n_ind};
    return a;
}

static size_t count_type(json_t *bundle, const char *type)
{
    size_t i, n = 0;
    json_t *o;
    json_array_foreach(json_object_get(bundle, "objects"), i, o) n += !strcmp(str(o, "type"), type);
    return n;
}

static json_t *find_type(json_t *bundle, const char *type)
{
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(bundle, "objects"), i,
                       o) if (!strcmp(str(o, "type"), type)) return o;
    return NULL;
}

static void test_advisory_bundle(void **state)
{
    struct verr_list e;
    struct stix_indicator_in ind[2] = {an_indicator(), an_indicator()};
    UNUSED(state);
    ind[1].m.key = "k2";
    ind[1].m.tlp = TLP_RED;
    ind[1].type = IOC_IPV4;
    ind[1].value = "192.0.2.1";
    struct stix_advisory a = an_advisory(ind, 2);
    verr_list_init(&e, 20);
    json_t *b = stix_advisory_bundle(&a, &e);
    assert_non_null(b);
    assert_string_equal(str(b, "type"), "bundle");
    assert_int_equal(count_type(b, "report"), 1);
    assert_int_equal(count_type(b, "language-content"), 1);
    assert_int_equal(count_type(b, "indicator"), 2);
    assert_int_equal(count_type(b, "attack-pattern"), 2);
    assert_int_equal(count_type(b, "vulnerability"), 1);
    assert_int_equal(count_type(b, "threat-actor"), 1);
    assert_int_equal(count_type(b, "relationship"), 5);       /* 2 indicates, 2 uses, 1 targets */
    assert_int_equal(count_type(b, "marking-definition"), 2); /* AMBER and RED, once each */
    json_t *rep = find_type(b, "report");
    assert_string_equal(str(rep, "name"), "Title");
    assert_string_equal(str(rep, "lang"), "en");
    /* the report refers to every object except itself, the translation and the markings */
    assert_int_equal(json_array_size(json_object_get(rep, "object_refs")),
                     json_array_size(json_object_get(b, "objects")) - 1 - 1 - 2);
    json_t *lc = find_type(b, "language-content");
    assert_string_equal(str(lc, "object_ref"), str(rep, "id"));
    assert_string_equal(str(json_object_get(json_object_get(lc, "contents"), "ja"), "name"),
                        "題名");
    json_t *ap = find_type(b, "attack-pattern");
    json_t *ref = json_array_get(json_object_get(ap, "external_references"), 0);
    assert_string_equal(str(ref, "source_name"), "mitre-attack");
    assert_string_equal(str(ref, "external_id"), "T0831");
    json_t *ta = find_type(b, "threat-actor");
    assert_int_equal(json_integer_value(json_object_get(ta, "confidence")), 70);
    json_t *vu = find_type(b, "vulnerability");
    assert_string_equal(
        str(json_array_get(json_object_get(vu, "external_references"), 0), "external_id"),
        "CVE-2024-3400");
    /* the same advisory exports the same bytes */
    json_t *again = stix_advisory_bundle(&a, &e);
    assert_true(json_equal(b, again));
    json_decref(again);
    json_decref(b);

    /* only a Japanese title: a Japanese report, no translation object; no actor */
    a.title_en = NULL;
    a.actor = NULL;
    a.n_indicators = 0;
    b = stix_advisory_bundle(&a, &e);
    assert_string_equal(str(find_type(b, "report"), "lang"), "ja");
    assert_int_equal(count_type(b, "language-content"), 0);
    assert_int_equal(count_type(b, "relationship"), 0);
    json_decref(b);
    assert_int_equal(e.n, 0);

    const char *techs[] = {"T0831", "X1"}, *cves[] = {"CVE-2024-01234"};
    ind[1].value = "not an ip";
    a = an_advisory(ind, 2);
    a.title_ja = a.title_en = NULL;
    a.techniques = techs;
    a.cves = cves;
    a.actor_confidence = 200;
    assert_null(stix_advisory_bundle(&a, &e));
    const char *want[] = {"/title", "/actor_confidence", "/techniques/1", "/cves/0",
                          "/indicators/1/value"};
    assert_int_equal(e.n, ARRAY_SIZE(want));
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        assert_string_equal(e.v[i].pointer, want[i]);
    verr_list_release(&e);
}

/* ---- import ---- */

static int import_text(const char *text, struct stix_import *r, const struct stix_limits *lim)
{
    stix_import_init(r, lim);
    return stix_import_bundle(text, strlen(text), r);
}

#define BID "\"bundle--dcf8154d-27b3-4856-94eb-29fbda777116\""
#define IND_ID "indicator--2691e588-f437-5bac-a4a5-f8830ccf6d26"
#define OBJ(extra)                                                                                 \
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" IND_ID "\","                      \
    "\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\","          \
    "\"pattern\":\"[ipv4-addr:value = '10.0.0.1']\",\"pattern_type\":\"stix\"" extra "}"

static void test_import_errors(void **state)
{
    static const struct {
        const char *text, *pointer, *code;
    } cases[] = {
        {"{", "", "stix.not_json"},
        {"[1]", "", "stix.not_json"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[[[[[[[[1]]]]]]]]}", "", "stix.too_deep"},
        {"{\"type\":\"report\",\"id\":" BID ",\"objects\":[]}", "/type", "stix.not_bundle"},
        {"{\"type\":\"bundle\",\"id\":\"bundle--x\"}", "/id", "stix.invalid_id"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":{}}", "/objects", "stix.invalid_type"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[1]}", "/objects/0", "stix.invalid_type"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[" OBJ(",\"spec_version\":\"2.0\"") "]}",
         "", "stix.not_json"}, /* a duplicate key is refused by the parser */
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[{\"type\":\"Indicator\"}]}",
         "/objects/0/type", "stix.invalid_type_name"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[{\"type\":\"indicator\",\"id\":"
         "\"malware--2691e588-f437-5bac-a4a5-f8830ccf6d26\",\"spec_version\":\"2.1\","
         "\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\"}]}",
         "/objects/0/id", "stix.invalid_id"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[{\"type\":\"malware\",\"id\":"
         "\"malware--2691e588-f437-5bac-a4a5-f8830ccf6d26\",\"spec_version\":\"2.0\","
         "\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\"}]}",
         "/objects/0/spec_version", "stix.spec_version"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[{\"type\":\"malware\",\"id\":"
         "\"malware--2691e588-f437-5bac-a4a5-f8830ccf6d26\",\"spec_version\":\"2.1\","
         "\"created\":\"2026-01-01T09:00:00.000+09:00\",\"modified\":\"2026-01-01T00:00:00.000Z\"}]"
         "}",
         "/objects/0/created", "stix.invalid_timestamp"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[{\"type\":\"malware\",\"id\":"
         "\"malware--2691e588-f437-5bac-a4a5-f8830ccf6d26\",\"spec_version\":\"2.1\","
         "\"created\":\"2026-01-01T00:00:00Z\",\"modified\":\"2026-01-01T00:00:00.000Z\"}]}",
         "/objects/0/created", "stix.invalid_timestamp"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[{\"type\":\"malware\",\"id\":"
         "\"malware--2691e588-f437-5bac-a4a5-f8830ccf6d26\",\"spec_version\":\"2.1\","
         "\"created\":\"2026-01-02T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\"}]}",
         "/objects/0/modified", "stix.modified_before_created"},
        {"{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[{\"type\":\"malware\",\"id\":"
         "\"malware--2691e588-f437-5bac-a4a5-f8830ccf6d26\",\"spec_version\":\"2.1\","
         "\"created\":\"2026-01-01T00:00:00.000Z\"}]}",
         "/objects/0/modified", "stix.missing"},
        {"{\"type\":\"bundle\",\"id\":" BID
         ",\"objects\":[" OBJ(",\"object_marking_refs\":[\"x\"]") "]}",
         "/objects/0/object_marking_refs/0", "stix.invalid_ref"},
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct stix_import r;
        struct stix_limits lim = stix_default_limits;
        lim.max_depth = 6;
        int rc = import_text(cases[i].text, &r, &lim);
        if (rc != 1 || r.errs.n < 1)
            fail_msg("case %zu: accepted", i);
        if (strcmp(r.errs.v[0].pointer, cases[i].pointer) ||
            strcmp(r.errs.v[0].code, cases[i].code))
            fail_msg("case %zu: %s [%s] %s, expected %s [%s]", i, r.errs.v[0].pointer,
                     r.errs.v[0].code, r.errs.v[0].en, cases[i].pointer, cases[i].code);
        assert_true(strlen(r.errs.v[0].ja) > 0);
        stix_import_release(&r);
    }
}

static void test_import_limits(void **state)
{
    struct stix_import r;
    struct stix_limits lim = stix_default_limits;
    const char *two = "{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[" OBJ("") "," OBJ("") "]}";
    UNUSED(state);
    lim.max_objects = 1;
    assert_int_equal(import_text(two, &r, &lim), 1);
    assert_string_equal(r.errs.v[0].code, "stix.too_many_objects");
    stix_import_release(&r);
    lim = stix_default_limits;
    lim.max_bytes = 100;
    assert_int_equal(import_text(two, &r, &lim), 1);
    assert_string_equal(r.errs.v[0].code, "stix.too_large");
    stix_import_release(&r);
    lim = stix_default_limits;
    lim.max_string = 20; /* the pattern is longer */
    assert_int_equal(import_text(two, &r, &lim), 1);
    assert_string_equal(r.errs.v[0].pointer, "/objects/0");
    assert_string_equal(r.errs.v[0].code, "stix.string_too_long");
    stix_import_release(&r);
    lim = stix_default_limits;
    lim.max_errors = 1; /* the list is bounded, the rest counted */
    assert_int_equal(import_text("{\"type\":\"x\",\"id\":\"y\",\"objects\":[1,2,3]}", &r, &lim), 1);
    assert_int_equal(r.errs.n, 1);
    assert_int_equal(r.errs.dropped, 4);
    stix_import_release(&r);
    lim.max_depth = 0;
    assert_int_equal(import_text(two, &r, &lim), -1);
    stix_import_release(&r);
    /* gathered, not stopped at the first: two objects, two problems */
    const char *bad = "{\"type\":\"bundle\",\"id\":" BID ",\"objects\":[{\"type\":\"x1\"},"
                      "{\"type\":\"malware\"}]}";
    assert_int_equal(import_text(bad, &r, NULL), 1);
    const char *want[] = {"/objects/0/type", "/objects/1/id", "/objects/1/spec_version",
                          "/objects/1/created", "/objects/1/modified"};
    assert_int_equal(r.errs.n, ARRAY_SIZE(want));
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        assert_string_equal(r.errs.v[i].pointer, want[i]);
    stix_import_release(&r);
}

static void test_import_tlp_and_indicators(void **state)
{
    struct stix_import r;
    const char
        *text = "{\"type\":\"bundle\",\"id\":" BID
                ",\"objects\":[" OBJ(",\"object_marking_refs\":[\"marking-definition--34098fce-"
                                     "860f-48ae-8e50-ebd3cc5e41da\","
                                     "\"marking-definition--e828b379-4e03-4974-9ac4-"
                                     "e53a884c97c1\"]") ","
                                                        "{\"type\":\"indicator\",\"spec_version\":"
                                                        "\"2.1\",\"id\":\"indicator--1621d4d4-b67d-"
                                                        "41e3-9670-f01faf20d111\","
                                                        "\"created\":\"2026-01-01T00:00:00.000Z\","
                                                        "\"modified\":\"2026-01-01T00:00:00.000Z\","
                                                        "\"pattern\":\"[ipv4-addr:value = "
                                                        "'1.1.1.1'] OR [ipv4-addr:value = "
                                                        "'2.2.2.2']\","
                                                        "\"pattern_type\":\"stix\",\"object_"
                                                        "marking_refs\":"
                                                        "[\"marking-definition--613f2e26-407d-48c7-"
                                                        "9eca-b8e91df99dc9\"]},"
                                                        "{\"type\":\"indicator\",\"spec_version\":"
                                                        "\"2.1\",\"id\":\"indicator--1621d4d4-b67d-"
                                                        "41e3-9670-f01faf20d112\","
                                                        "\"created\":\"2026-01-01T00:00:00.000Z\","
                                                        "\"modified\":\"2026-01-01T00:00:00.000Z\","
                                                        "\"pattern\":\"rule x "
                                                        "{}\",\"pattern_type\":\"yara\"},"
                                                        "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-"
                                                        "addr--1621d4d4-b67d-51e3-9670-"
                                                        "f01faf20d111\",\"value\":\"10.0.0.1\"}"
                                                        "]}";
    UNUSED(state);
    assert_int_equal(import_text(text, &r, NULL), 0);
    assert_int_equal(r.objects, 4);
    assert_int_equal(r.n_types, 2);
    assert_string_equal(r.types[0].type, "indicator");
    assert_int_equal(r.types[0].n, 3);
    assert_string_equal(r.types[1].type, "ipv4-addr"); /* an SCO: no spec_version needed */
    assert_int_equal(r.tlp[TLP_RED], 1);   /* the most restrictive of GREEN (TLP 1.0) and RED */
    assert_int_equal(r.tlp[TLP_CLEAR], 1); /* TLP 1.0 WHITE */
    assert_int_equal(r.unmarked, 2);
    assert_int_equal(r.n_iocs, 1);
    assert_int_equal(r.iocs[0].type, IOC_IPV4);
    assert_string_equal(r.iocs[0].value, "10.0.0.1");
    assert_string_equal(r.iocs[0].indicator_id, IND_ID);
    assert_int_equal(r.iocs[0].tlp, TLP_RED);
    assert_int_equal(r.patterns_not_extracted, 2);
    stix_import_release(&r);
}

/* What the exporter writes, the importer reads back without a problem. */
static void test_round_trip(void **state)
{
    struct verr_list e;
    struct stix_import r;
    struct stix_indicator_in ind[1] = {an_indicator()};
    struct stix_advisory a = an_advisory(ind, 1);
    UNUSED(state);
    verr_list_init(&e, 20);
    json_t *b = stix_advisory_bundle(&a, &e);
    char *text = json_dumps(b, JSON_COMPACT);
    assert_int_equal(import_text(text, &r, NULL), 0);
    assert_int_equal(r.objects, json_array_size(json_object_get(b, "objects")));
    assert_int_equal(r.n_iocs, 1);
    assert_string_equal(r.iocs[0].value, "evil.example");
    assert_int_equal(r.iocs[0].tlp, TLP_AMBER);
    assert_int_equal(r.n_techniques, 2);
    assert_string_equal(r.techniques[0], "T0831");
    assert_string_equal(r.techniques[1], "T1566.001");
    assert_int_equal(r.unmarked, 1); /* the one marking definition (AMBER) itself */
    stix_import_release(&r);
    free(text);
    json_decref(b);
    verr_list_release(&e);
}

/* MITRE ATT&CK for ICS v18.1 (../shared/data, 1,826 objects): read without a problem. */
static void test_import_attack_ics(void **state)
{
    const char *dir = getenv("ICHIGEN_SHARED_DATA");
    char path[1024];
    size_t n = 0;
    struct stix_import r;
    UNUSED(state);
    snprintf(path, sizeof(path), "%s/attack-stix-2.1/ics-attack-18.1.json", dir ? dir : "");
    char *text = dir ? unit_read_file(path, &n) : NULL;
    if (!text) {
        /* the data set is optional (not part of this repository): say so and return */
        print_message("# skipping: %s not found (set ICHIGEN_SHARED_DATA)\n", path);
        return;
    }
    stix_import_init(&r, NULL);
    assert_int_equal(stix_import_bundle(text, n, &r), 0);
    assert_int_equal(r.objects, 1826);
    assert_int_equal(r.errs.n, 0);
    size_t ap = 0, rel = 0, total = 0;
    for (size_t i = 0; i < r.n_types; i++) {
        total += r.types[i].n;
        if (!strcmp(r.types[i].type, "attack-pattern"))
            ap = r.types[i].n;
        if (!strcmp(r.types[i].type, "relationship"))
            rel = r.types[i].n;
    }
    assert_int_equal(total, 1826);
    assert_int_equal(ap, 95);
    assert_int_equal(rel, 1373);
    assert_int_equal(r.n_techniques, 95);
    assert_int_equal(r.unmarked, 1826); /* marked with MITRE's copyright statement, not a TLP */
    stix_import_release(&r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_build),
        cmocka_unit_test(test_pattern_extract),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_export_indicator),
        cmocka_unit_test(test_export_sighting),
        cmocka_unit_test(test_export_incident_report_identity),
        cmocka_unit_test(test_tlp_markings),
        cmocka_unit_test(test_advisory_bundle),
        cmocka_unit_test(test_import_errors),
        cmocka_unit_test(test_import_limits),
        cmocka_unit_test(test_import_tlp_and_indicators),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_import_attack_ics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
