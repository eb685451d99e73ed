/*
 * stix_export.c — ids, timestamps, the common properties and the builders of the STIX 2.1
 * objects ichigen exports (stix.h). The advisory bundle is in stix_advisory.c.
 */
#include <arpa/inet.h>
#include <openssl/evp.h>

#include "stix.h"
#include "stix_int.h"
#include "../core/rtime.h"
#include "../schema/schema.h"

/* ichigen's UUIDv5 namespace (RFC 9562 §5.5): a fixed random UUID, never to change, since
 * every exported id is derived from it. */
static const unsigned char ns_ichigen[16] = {0xb6, 0xad, 0xd3, 0x6e, 0xc0, 0xab, 0x48, 0xc9,
                                             0x98, 0x00, 0x3b, 0xbc, 0x1d, 0xf4, 0x37, 0xd2};

static bool type_name_ok(const char *t)
{
    size_t n = strlen(t);
    if (n < 3 || n > 250)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '-'))
            return false;
    return true;
}

int stix_id(const char *type, const char *key, char out[STIX_ID_LEN])
{
    static const char hexd[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!type || !key || !key[0] || !type_name_ok(type) || strlen(type) > STIX_ID_LEN - 40)
        return -1;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    BUG_ON(!c);
    /* SHA-1 as RFC 9562 §5.5 prescribes for v5; it names, it does not protect anything */
    BUG_ON(!EVP_DigestInit_ex(c, EVP_sha1(), NULL) ||
           !EVP_DigestUpdate(c, ns_ichigen, sizeof(ns_ichigen)) ||
           !EVP_DigestUpdate(c, type, strlen(type)) || !EVP_DigestUpdate(c, ":", 1) ||
           !EVP_DigestUpdate(c, key, strlen(key)) || !EVP_DigestFinal_ex(c, md, &mdlen));
    EVP_MD_CTX_free(c);
    md[6] = (unsigned char)(0x50 | (md[6] & 0x0f)); /* version 5 */
    md[8] = (unsigned char)(0x80 | (md[8] & 0x3f)); /* variant 10 */
    size_t o = (size_t)snprintf(out, STIX_ID_LEN, "%s--", type);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hexd[md[i] >> 4];
        out[o++] = hexd[md[i] & 15];
    }
    out[o] = '\0';
    return 0;
}

void stix_timestamp(int64_t ms, char out[32])
{
    rtime_format_utc(ms, out, 32);
}

/* ---- checks shared by the builders ---- */

void stix_bad(struct verr_list *errs, const char *ptr, const char *code, const char *en,
              const char *ja)
{
    verr_add(errs, ptr, code, en, ja);
}

bool stix_ref_ok(const char *ref, const char *type)
{
    static const char shape[] = "xxxxxxxx-xxxx-Vxxx-Rxxx-xxxxxxxxxxxx";
    const char *d = ref ? strstr(ref, "--") : NULL;
    if (!d || d == ref || strlen(d + 2) != 36)
        return false;
    if (type && ((size_t)(d - ref) != strlen(type) || strncmp(ref, type, strlen(type))))
        return false;
    for (size_t i = 0; i < 36; i++) {
        char c = d[2 + i], k = shape[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if ((k == '-' && c != '-') || (k != '-' && !hex) || (k == 'V' && (c < '1' || c > '5')) ||
            (k == 'R' && !strchr("89abAB", c)))
            return false;
    }
    return true;
}

bool stix_check_text(struct verr_list *errs, const char *ptr, const char *s, bool required)
{
    if (!s || !s[0]) {
        if (required)
            stix_bad(errs, ptr, "stix.missing", "required and empty", "必須ですが空です");
        return !required;
    }
    if (strlen(s) > STIX_TEXT_MAX) {
        stix_bad(errs, ptr, "stix.too_long", "longer than 65,536 bytes",
                 "65,536バイトを超えています");
        return false;
    }
    return true;
}

bool stix_check_meta(const struct stix_meta *m, struct verr_list *errs)
{
    size_t before = errs->n + errs->dropped;
    if (!m->key || !m->key[0])
        stix_bad(errs, "/key", "stix.missing", "the record's key is required",
                 "レコードのキーが必要です");
    if (m->created_ms < 0 || m->modified_ms < m->created_ms)
        stix_bad(errs, "/modified", "stix.invalid_time",
                 "modified must not be earlier than created (STIX 2.1 §3.2)",
                 "modified は created より前にできません (STIX 2.1 §3.2)");
    if (!tlp_stix_marking_id(m->tlp))
        stix_bad(errs, "/tlp", "stix.invalid_tlp", "not a TLP 2.0 label",
                 "TLP 2.0 のラベルではありません");
    if (m->created_by && !stix_ref_ok(m->created_by, "identity"))
        stix_bad(errs, "/created_by", "stix.invalid_ref", "not a STIX identity id",
                 "STIX の identity の id ではありません");
    return errs->n + errs->dropped == before;
}

void stix_set_time(json_t *o, const char *name, int64_t ms)
{
    char ts[32];
    stix_timestamp(ms, ts);
    json_object_set_new(o, name, json_string(ts));
}

void stix_set_text(json_t *o, const char *name, const char *s)
{
    if (s && s[0])
        json_object_set_new(o, name, json_string(s));
}

json_t *stix_common(const char *type, const struct stix_meta *m, const char *key)
{
    char id[STIX_ID_LEN];
    json_t *o = json_object();
    BUG_ON(stix_id(type, key ? key : m->key, id));
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "spec_version", json_string("2.1"));
    json_object_set_new(o, "id", json_string(id));
    if (m->created_by)
        json_object_set_new(o, "created_by_ref", json_string(m->created_by));
    stix_set_time(o, "created", m->created_ms);
    stix_set_time(o, "modified", m->modified_ms);
    json_object_set_new(o, "object_marking_refs", json_pack("[s]", tlp_stix_marking_id(m->tlp)));
    return o;
}

/* ---- indicator (§4.7) ---- */

/* An address, or a CIDR block "address/prefix" (the report format's ipv4/ipv6 allow both). */
static bool ip_ok(enum ioc_type t, const char *v)
{
    char tmp[64];
    unsigned char out[16];
    const char *slash = strchr(v, '/');
    size_t n = slash ? (size_t)(slash - v) : strlen(v);
    int64_t prefix;
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    if (inet_pton(t == IOC_IPV4 ? AF_INET : AF_INET6, tmp, out) != 1)
        return false;
    return !slash || !parse_int64(slash + 1, 0, t == IOC_IPV4 ? 32 : 128, &prefix);
}

/* ssdeep: "blocksize:hash:hash" (base64 characters). */
static bool ssdeep_ok(const char *v)
{
    size_t i = strspn(v, "0123456789");
    const char *b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (i == 0 || v[i] != ':')
        return false;
    i++;
    i += strspn(v + i, b64);
    if (v[i] != ':')
        return false;
    i++;
    i += strspn(v + i, b64);
    return v[i] == '\0' && i < 256;
}

bool stix_ioc_value_ok(enum ioc_type t, const char *v)
{
    if (!v || !v[0] || strlen(v) > 2048)
        return false;
    for (const char *c = v; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return false;
    switch (t) {
    case IOC_IPV4:
    case IOC_IPV6:
        return ip_ok(t, v);
    case IOC_SSDEEP:
        return ssdeep_ok(v);
    case IOC_DOMAIN:
    case IOC_URL:
    case IOC_EMAIL:
    case IOC_MD5:
    case IOC_SHA1:
    case IOC_SHA256:
        return schema_indicator_check(ioc_type_name(t), v, strlen(v)) == FMT_OK;
    default:
        return false;
    }
}

json_t *stix_indicator(const struct stix_indicator_in *in, struct verr_list *errs)
{
    struct buf pat;
    bool ok = stix_check_meta(&in->m, errs);
    if (!ioc_type_name(in->type) || !stix_ioc_value_ok(in->type, in->value)) {
        stix_bad(errs, "/value", "stix.invalid_value",
                 "not a valid, normalised (refanged) value of its indicator type",
                 "指標の種類に合った正規化済みの値ではありません");
        ok = false;
    }
    if (in->valid_until_ms && in->valid_until_ms <= in->valid_from_ms) {
        stix_bad(errs, "/valid_until", "stix.invalid_time",
                 "valid_until must be later than valid_from (STIX 2.1 §4.7)",
                 "valid_until は valid_from より後でなければなりません (STIX 2.1 §4.7)");
        ok = false;
    }
    if (in->confidence < -1 || in->confidence > 100) {
        stix_bad(errs, "/confidence", "stix.invalid_value", "confidence must be 0–100",
                 "確信度は0〜100です");
        ok = false;
    }
    ok = stix_check_text(errs, "/description", in->description, false) && ok;
    if (!ok)
        return NULL;
    buf_init(&pat, 8192);
    BUG_ON(stix_pattern_build(&pat, in->type, in->value, strlen(in->value)));
    json_t *o = stix_common("indicator", &in->m, NULL);
    if (in->name && in->name[0])
        json_object_set_new(o, "name", json_string(in->name));
    else
        json_object_set_new(o, "name", json_sprintf("%s %s", ioc_type_name(in->type), in->value));
    stix_set_text(o, "description", in->description);
    json_object_set_new(o, "indicator_types", json_pack("[s]", "malicious-activity"));
    json_object_set_new(o, "pattern", json_stringn(pat.data, pat.len));
    json_object_set_new(o, "pattern_type", json_string("stix"));
    json_object_set_new(o, "pattern_version", json_string("2.1"));
    stix_set_time(o, "valid_from", in->valid_from_ms);
    if (in->valid_until_ms)
        stix_set_time(o, "valid_until", in->valid_until_ms);
    if (in->confidence >= 0)
        json_object_set_new(o, "confidence", json_integer(in->confidence));
    buf_release(&pat);
    return o;
}

/* ---- sighting (§5.2) ---- */

json_t *stix_sighting(const struct stix_sighting_in *in, struct verr_list *errs)
{
    bool ok = stix_check_meta(&in->m, errs);
    if (!stix_ref_ok(in->sighting_of, NULL) || !strncmp(in->sighting_of, "sighting--", 10) ||
        !strncmp(in->sighting_of, "relationship--", 14) ||
        !strncmp(in->sighting_of, "marking-definition--", 20)) {
        stix_bad(errs, "/sighting_of", "stix.invalid_ref",
                 "must be the STIX id of an SDO (an indicator) (STIX 2.1 §5.2)",
                 "SDO(指標)の STIX id でなければなりません (STIX 2.1 §5.2)");
        ok = false;
    }
    if (in->count < -1 || in->count > 999999999) {
        stix_bad(errs, "/count", "stix.invalid_value", "count must be 0–999,999,999",
                 "count は0〜999,999,999です");
        ok = false;
    }
    if (in->first_seen_ms && in->last_seen_ms && in->last_seen_ms < in->first_seen_ms) {
        stix_bad(errs, "/last_seen", "stix.invalid_time",
                 "last_seen must not be earlier than first_seen",
                 "last_seen は first_seen より前にできません");
        ok = false;
    }
    for (size_t i = 0; i < in->n_where; i++)
        if (!stix_ref_ok(in->where_sighted[i], "identity")) {
            char ptr[48];
            xsnprintf(ptr, sizeof(ptr), "/where_sighted/%zu", i);
            stix_bad(errs, ptr, "stix.invalid_ref", "not a STIX identity id",
                     "STIX の identity の id ではありません");
            ok = false;
        }
    if (!ok)
        return NULL;
    json_t *o = stix_common("sighting", &in->m, NULL);
    json_object_set_new(o, "sighting_of_ref", json_string(in->sighting_of));
    if (in->count >= 0)
        json_object_set_new(o, "count", json_integer(in->count));
    if (in->first_seen_ms)
        stix_set_time(o, "first_seen", in->first_seen_ms);
    if (in->last_seen_ms)
        stix_set_time(o, "last_seen", in->last_seen_ms);
    if (in->n_where) {
        json_t *w = json_array();
        for (size_t i = 0; i < in->n_where; i++)
            json_array_append_new(w, json_string(in->where_sighted[i]));
        json_object_set_new(o, "where_sighted_refs", w);
    }
    /* STIX has no false-positive property; §11.1 custom properties start with x_ */
    if (in->false_positive)
        json_object_set_new(o, "x_ichigen_false_positive", json_true());
    return o;
}

/* ---- incident (§4.6), report (§4.14), identity (§4.5) ---- */

json_t *stix_incident(const struct stix_incident_in *in, struct verr_list *errs)
{
    bool ok = stix_check_meta(&in->m, errs);
    ok = stix_check_text(errs, "/name", in->name, true) && ok;
    ok = stix_check_text(errs, "/description", in->description, false) && ok;
    if (!ok)
        return NULL;
    json_t *o = stix_common("incident", &in->m, NULL);
    json_object_set_new(o, "name", json_string(in->name));
    stix_set_text(o, "description", in->description);
    stix_set_text(o, "lang", in->lang);
    stix_set_text(o, "x_ichigen_category", in->category);
    stix_set_text(o, "x_ichigen_sector", in->sector);
    return o;
}

json_t *stix_report(const struct stix_report_in *in, struct verr_list *errs)
{
    bool ok = stix_check_meta(&in->m, errs);
    ok = stix_check_text(errs, "/name", in->name, true) && ok;
    ok = stix_check_text(errs, "/description", in->description, false) && ok;
    if (!in->n_refs) {
        stix_bad(errs, "/object_refs", "stix.missing",
                 "a report refers to at least one object (STIX 2.1 §4.14)",
                 "report は1つ以上のオブジェクトを参照します (STIX 2.1 §4.14)");
        ok = false;
    }
    for (size_t i = 0; i < in->n_refs; i++)
        if (!stix_ref_ok(in->object_refs[i], NULL)) {
            char ptr[48];
            xsnprintf(ptr, sizeof(ptr), "/object_refs/%zu", i);
            stix_bad(errs, ptr, "stix.invalid_ref", "not a STIX id", "STIX の id ではありません");
            ok = false;
        }
    if (!ok)
        return NULL;
    json_t *o = stix_common("report", &in->m, NULL);
    json_object_set_new(o, "name", json_string(in->name));
    stix_set_text(o, "description", in->description);
    stix_set_text(o, "lang", in->lang);
    json_object_set_new(o, "report_types", json_pack("[s]", "threat-report"));
    stix_set_time(o, "published", in->published_ms);
    json_t *refs = json_array();
    for (size_t i = 0; i < in->n_refs; i++)
        json_array_append_new(refs, json_string(in->object_refs[i]));
    json_object_set_new(o, "object_refs", refs);
    return o;
}

json_t *stix_identity(const struct stix_identity_in *in, bool consent, struct verr_list *errs)
{
    if (!consent) {
        stix_bad(errs, "", "stix.consent_missing",
                 "the organisation has not consented to being named in shared information",
                 "組織は共有情報で名前を出すことに同意していません");
        return NULL;
    }
    bool ok = stix_check_meta(&in->m, errs);
    ok = stix_check_text(errs, "/name", in->name, true) && ok;
    ok = stix_check_text(errs, "/contact", in->contact, false) && ok;
    if (!ok)
        return NULL;
    json_t *o = stix_common("identity", &in->m, NULL);
    json_object_set_new(o, "name", json_string(in->name));
    json_object_set_new(o, "identity_class",
                        json_string(in->identity_class ? in->identity_class : "organization"));
    if (in->n_sectors) {
        json_t *s = json_array();
        for (size_t i = 0; i < in->n_sectors; i++)
            json_array_append_new(s, json_string(in->sectors[i]));
        json_object_set_new(o, "sectors", s);
    }
    stix_set_text(o, "contact_information", in->contact);
    return o;
}

/* ---- markings (§7.2) and bundles (§8) ---- */

json_t *stix_tlp_marking(enum tlp t)
{
    const char *id = tlp_stix_marking_id(t);
    if (!id)
        return NULL;
    /* The objects OASIS published with the TLP 2.0 extension (created 2022-10-01, no
     * created_by_ref): consumers compare ids, and some compare the whole object. */
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:{s:s, s:s}}}", "type", "marking-definition",
                     "spec_version", "2.1", "id", id, "created", "2022-10-01T00:00:00.000Z", "name",
                     tlp_label(t), "extensions", STIX_TLP2_EXTENSION, "extension_type",
                     "property-extension", "tlp_2_0", tlp_name(t));
}

json_t *stix_bundle(const char *key, json_t *objects)
{
    char id[STIX_ID_LEN];
    bool used[TLP__COUNT] = {false};
    size_t i;
    json_t *o, *all = json_array();
    BUG_ON(stix_id("bundle", key && key[0] ? key : "-", id));
    json_array_foreach(objects, i, o)
    {
        json_t *m = json_object_get(o, "object_marking_refs"), *r;
        size_t k;
        json_array_foreach(m, k, r)
        {
            enum tlp t = tlp_from_stix_marking_id(json_string_value(r));
            if (t != TLP_INVALID)
                used[t] = true;
        }
        json_array_append(all, o);
    }
    for (int t = 0; t < TLP__COUNT; t++)
        if (used[t])
            json_array_append_new(all, stix_tlp_marking((enum tlp)t));
    return json_pack("{s:s, s:s, s:o}", "type", "bundle", "id", id, "objects", all);
}
