/*
 * stix_advisory.c — an advisory as a STIX 2.1 bundle (stix.h: stix_advisory_bundle).
 *
 * The report (§4.14) is the advisory; what it refers to are shared entities. Techniques and
 * CVEs get ids from their global names ("attack:T0831", "cve:CVE-2024-3400"), so two advisories
 * that cite the same technique export the same attack-pattern and a consumer merges them; the
 * actor's id comes from the advisory, since the attribution confidence is this advisory's.
 */
#include <ctype.h>

#include "stix.h"
#include "stix_int.h"
#include "../schema/schema.h"

/* An ATT&CK technique or sub-technique id, as the report format checks it. */
static bool technique_ok(const char *t)
{
    return t && schema_format_check(RFMT_ATTACK_ID, t, strlen(t)) == FMT_OK;
}

/* CVE-YYYY-NNNN… as the CVE program writes it; the OASIS external-reference schema also
 * refuses a sequence number of five or more digits with a leading zero. */
static bool cve_ok(const char *c)
{
    size_t n = c ? strlen(c) : 0, d;
    if (n < 13 || n > 30 || strncmp(c, "CVE-", 4) || c[8] != '-')
        return false;
    for (size_t i = 4; i < 8; i++)
        if (!isdigit((unsigned char)c[i]))
            return false;
    d = strspn(c + 9, "0123456789");
    return d == n - 9 && d >= 4 && (d == 4 || c[9] != '0');
}

static void check_list(struct verr_list *errs, const char *field, const char *const *v, size_t n,
                       bool (*ok)(const char *), bool *all_ok)
{
    for (size_t i = 0; i < n; i++) {
        if (ok(v[i]))
            continue;
        char ptr[64];
        xsnprintf(ptr, sizeof(ptr), "/%s/%zu", field, i);
        stix_bad(errs, ptr, "stix.invalid_value",
                 ok == technique_ok ? "not an ATT&CK technique id (T0831, T1566.001)"
                                    : "not a CVE id (CVE-2024-3400)",
                 ok == technique_ok ? "ATT&CK の手法 ID (T0831, T1566.001) ではありません"
                                    : "CVE の ID (CVE-2024-3400) ではありません");
        *all_ok = false;
    }
}

static bool advisory_ok(const struct stix_advisory *a, struct verr_list *errs)
{
    bool ok = stix_check_meta(&a->m, errs);
    bool ja = a->title_ja && a->title_ja[0], en = a->title_en && a->title_en[0];
    if (!ja && !en) {
        stix_bad(errs, "/title", "stix.missing", "a title in Japanese or English is required",
                 "日本語または英語の題名が必要です");
        ok = false;
    }
    ok = stix_check_text(errs, "/title_ja", a->title_ja, false) && ok;
    ok = stix_check_text(errs, "/title_en", a->title_en, false) && ok;
    ok = stix_check_text(errs, "/description_ja", a->description_ja, false) && ok;
    ok = stix_check_text(errs, "/description_en", a->description_en, false) && ok;
    ok = stix_check_text(errs, "/actor", a->actor, false) && ok;
    if (a->actor_confidence < -1 || a->actor_confidence > 100) {
        stix_bad(errs, "/actor_confidence", "stix.invalid_value", "confidence must be 0–100",
                 "確信度は0〜100です");
        ok = false;
    }
    check_list(errs, "techniques", a->techniques, a->n_techniques, technique_ok, &ok);
    check_list(errs, "cves", a->cves, a->n_cves, cve_ok, &ok);
    return ok;
}

/* Builds the indicators, their problems under /indicators/<i>. */
static bool add_indicators(const struct stix_advisory *a, json_t *objects, struct verr_list *errs)
{
    bool ok = true;
    for (size_t i = 0; i < a->n_indicators; i++) {
        struct verr_list sub;
        verr_list_init(&sub, 20);
        json_t *o = stix_indicator(&a->indicators[i], &sub);
        if (o)
            json_array_append_new(objects, o);
        for (size_t k = 0; k < sub.n; k++) {
            char ptr[128];
            xsnprintf(ptr, sizeof(ptr), "/indicators/%zu%.80s", i, sub.v[k].pointer);
            stix_bad(errs, ptr, sub.v[k].code, sub.v[k].en, sub.v[k].ja);
        }
        ok = ok && o;
        verr_list_release(&sub);
    }
    return ok;
}

static const char *id_of(json_t *o)
{
    return json_string_value(json_object_get(o, "id"));
}

/* An attack-pattern (§4.1) named by its ATT&CK id, pointing at MITRE's page. */
static json_t *attack_pattern(const struct stix_advisory *a, const char *tech)
{
    char key[32], url[96], path[16];
    xsnprintf(key, sizeof(key), "attack:%s", tech);
    xstrlcpy(path, tech, sizeof(path));
    if (path[5] == '.')
        path[5] = '/'; /* T1566.001 → techniques/T1566/001/ */
    xsnprintf(url, sizeof(url), "https://attack.mitre.org/techniques/%s/", path);
    json_t *o = stix_common("attack-pattern", &a->m, key);
    json_object_set_new(o, "name", json_string(tech));
    json_object_set_new(o, "external_references",
                        json_pack("[{s:s, s:s, s:s}]", "source_name", "mitre-attack", "external_id",
                                  tech, "url", url));
    return o;
}

static json_t *vulnerability(const struct stix_advisory *a, const char *cve)
{
    char key[40];
    xsnprintf(key, sizeof(key), "cve:%s", cve);
    json_t *o = stix_common("vulnerability", &a->m, key);
    json_object_set_new(o, "name", json_string(cve));
    json_object_set_new(o, "external_references",
                        json_pack("[{s:s, s:s}]", "source_name", "cve", "external_id", cve));
    return o;
}

static json_t *actor(const struct stix_advisory *a)
{
    const char *type = a->actor_kind == STIX_ACTOR_INTRUSION_SET ? "intrusion-set" : "threat-actor";
    char key[600];
    xsnprintf(key, sizeof(key), "%.500s/actor", a->m.key);
    json_t *o = stix_common(type, &a->m, key);
    json_object_set_new(o, "name", json_string(a->actor));
    if (a->actor_confidence >= 0)
        json_object_set_new(o, "confidence", json_integer(a->actor_confidence));
    return o;
}

/* A relationship (§5.1) source → target, its id from the advisory and both ends. */
static json_t *relationship(const struct stix_advisory *a, const char *kind, const char *src,
                            const char *dst)
{
    struct buf key;
    buf_init(&key, BUF_UNLIMITED);
    buf_appendf(&key, "%s/%s/%s/%s", a->m.key, kind, src, dst);
    json_t *o = stix_common("relationship", &a->m, buf_cstr(&key));
    buf_release(&key);
    json_object_set_new(o, "relationship_type", json_string(kind));
    json_object_set_new(o, "source_ref", json_string(src));
    json_object_set_new(o, "target_ref", json_string(dst));
    return o;
}

/* Relationships that say what the report only lists: indicator indicates actor, actor uses
 * attack-pattern, actor targets vulnerability (§4.7, §4.16 relationship tables). */
static void add_relationships(const struct stix_advisory *a, json_t *objects, json_t *act)
{
    size_t i, n = json_array_size(objects);
    for (i = 0; i < n; i++) {
        json_t *o = json_array_get(objects, i);
        const char *t = json_string_value(json_object_get(o, "type"));
        const char *kind = !strcmp(t, "indicator")        ? "indicates"
                           : !strcmp(t, "attack-pattern") ? "uses"
                           : !strcmp(t, "vulnerability")  ? "targets"
                                                          : NULL;
        if (!kind)
            continue;
        bool from_obj = !strcmp(kind, "indicates");
        json_array_append_new(objects, relationship(a, kind, from_obj ? id_of(o) : id_of(act),
                                                    from_obj ? id_of(act) : id_of(o)));
    }
}

static json_t *the_report(const struct stix_advisory *a, json_t *objects)
{
    bool en = a->title_en && a->title_en[0];
    json_t *o = stix_common("report", &a->m, NULL), *refs = json_array(), *x;
    size_t i;
    json_object_set_new(o, "name", json_string(en ? a->title_en : a->title_ja));
    stix_set_text(o, "description", en ? a->description_en : a->description_ja);
    json_object_set_new(o, "lang", json_string(en ? "en" : "ja"));
    json_object_set_new(o, "report_types", json_pack("[s]", "threat-report"));
    stix_set_time(o, "published", a->published_ms);
    json_array_foreach(objects, i, x) json_array_append_new(refs, json_string(id_of(x)));
    if (!json_array_size(refs)) /* §4.14 wants at least one: the advisory's own marking */
        json_array_append_new(refs, json_string(tlp_stix_marking_id(a->m.tlp)));
    json_object_set_new(o, "object_refs", refs);
    return o;
}

/* The Japanese text of an English-first report (§7.1 language-content). */
static json_t *translation(const struct stix_advisory *a, json_t *report)
{
    char key[600];
    xsnprintf(key, sizeof(key), "%.500s/ja", a->m.key);
    json_t *o = stix_common("language-content", &a->m, key), *ja = json_object();
    json_object_set_new(o, "object_ref", json_string(id_of(report)));
    json_object_set(o, "object_modified", json_object_get(report, "modified"));
    json_object_set_new(ja, "name", json_string(a->title_ja));
    stix_set_text(ja, "description", a->description_ja);
    json_object_set_new(o, "contents", json_pack("{s:o}", "ja", ja));
    return o;
}

json_t *stix_advisory_bundle(const struct stix_advisory *a, struct verr_list *errs)
{
    bool ok = advisory_ok(a, errs);
    json_t *objects = json_array(), *act = NULL, *bundle = NULL;
    ok = add_indicators(a, objects, errs) && ok;
    if (!ok)
        goto out;
    for (size_t i = 0; i < a->n_techniques; i++)
        json_array_append_new(objects, attack_pattern(a, a->techniques[i]));
    for (size_t i = 0; i < a->n_cves; i++)
        json_array_append_new(objects, vulnerability(a, a->cves[i]));
    if (a->actor && a->actor[0]) {
        act = actor(a);
        add_relationships(a, objects, act);
        json_array_append_new(objects, act);
    }
    json_t *report = the_report(a, objects);
    json_array_insert_new(objects, 0, report);
    if (a->title_en && a->title_en[0] && a->title_ja && a->title_ja[0])
        json_array_insert_new(objects, 1, translation(a, report));
    bundle = stix_bundle(a->m.key, objects);
out:
    json_decref(objects);
    return bundle;
}
