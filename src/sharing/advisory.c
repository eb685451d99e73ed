/* advisory.c — the advisory format and its audience (advisory.h). */
#include "advisory.h"
#include "../core/rtime.h"
#include "../core/uuid.h"
#include "../report/report.h"
#include "../schema/schema.h"

#define PTR_MAX 160

/* The kinds of organisation an audience may name: the account kinds (account.c). */
static const struct rf_enum org_kinds[] = {REPORT_ORG_KINDS,
                                           {"authority", NULL, NULL},
                                           {"operator", NULL, NULL},
                                           {"other", NULL, NULL},
                                           {0}};
static const char *const urgency_values[] = {"immediate", "high", "medium", "low", NULL};
static const char *const importance_values[] = {"critical", "high", "medium", "low", NULL};
static const char *const confidence_values[] = {"none", "low", "moderate", "high", NULL};

static void at(char *out, const char *base, const char *key)
{
    snprintf(out, PTR_MAX, "%.90s/%.60s", base, key);
}

static void at_i(char *out, const char *base, size_t i)
{
    snprintf(out, PTR_MAX, "%.90s/%zu", base, i);
}

static void unknown_members(const json_t *o, const char *const *known, const char *base,
                            struct verr_list *errs)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        bool k = false;
        for (const char *const *p = known; *p && !k; p++)
            k = !strcmp(*p, key);
        if (!k) {
            char ptr[PTR_MAX];
            at(ptr, base, key);
            verr_add(errs, ptr, "unknown_field", "is not a field of an advisory",
                     "注意喚起にない項目です");
        }
    }
}

/* A text in both languages: {"ja"?, "en"?}, at least one non-empty, each at most max bytes. */
static void check_text(const json_t *parent, const char *base, const char *key, size_t max,
                       bool required, struct verr_list *errs)
{
    static const char *const langs[] = {"ja", "en", NULL};
    char ptr[PTR_MAX];
    const json_t *v = json_object_get(parent, key);
    at(ptr, base, key);
    if (!v || json_is_null(v)) {
        if (required)
            verr_add(errs, ptr, "required", "is required (ja and/or en)",
                     "必須です（ja・en の一方又は両方）");
        return;
    }
    if (!json_is_object(v)) {
        verr_add(errs, ptr, "type", "must be an object {\"ja\", \"en\"}",
                 "{\"ja\", \"en\"} のオブジェクトにしてください");
        return;
    }
    unknown_members(v, langs, ptr, errs);
    size_t filled = 0;
    for (const char *const *l = langs; *l; l++) {
        const json_t *s = json_object_get(v, *l);
        char lp[PTR_MAX];
        at(lp, ptr, *l);
        if (!s || json_is_null(s))
            continue;
        if (!json_is_string(s))
            verr_add(errs, lp, "type", "must be a text", "文字列にしてください");
        else if (json_string_length(s) > max)
            verr_add(errs, lp, "too_long", "is longer than allowed", "長すぎます");
        else
            filled += json_string_length(s) > 0;
    }
    if (!filled)
        verr_add(errs, ptr, "required", "needs a text in ja or en",
                 "ja 又は en の文字列が必要です");
}

static bool in_values(const char *s, const char *const *values)
{
    for (const char *const *v = values; s && *v; v++)
        if (!strcmp(*v, s))
            return true;
    return false;
}

static bool in_enum(const char *s, const struct rf_enum *values)
{
    for (const struct rf_enum *v = values; s && v->value; v++)
        if (!strcmp(v->value, s))
            return true;
    return false;
}

static void check_choice(const json_t *parent, const char *base, const char *key,
                         const char *const *values, bool required, struct verr_list *errs)
{
    char ptr[PTR_MAX];
    const json_t *v = json_object_get(parent, key);
    at(ptr, base, key);
    if (!v || json_is_null(v)) {
        if (required)
            verr_add(errs, ptr, "required", "is required", "必須です");
    } else if (!in_values(json_string_value(v), values)) {
        verr_add(errs, ptr, "enum", "is not one of the values of its scale",
                 "定められた段階のいずれかにしてください");
    }
}

/* ---- lists of strings, each item checked by a rule ---- */

enum item_rule { IT_SECTOR, IT_ORG_KIND, IT_PREFECTURE, IT_UUID, IT_CPE, IT_CVE, IT_TECHNIQUE };

/* CPE 2.3 formatted string binding (NISTIR 7695 §6.2): "cpe:2.3:" then part (a, o, h, * or
 * -) and ten more components separated by unescaped colons, none empty. */
static bool cpe23_ok(const char *s, size_t n)
{
    if (n < 10 || n > 512 || strncmp(s, "cpe:2.3:", 8) || !strchr("aoh*-", s[8]) || s[9] != ':')
        return false;
    size_t comps = 1, len = 1;
    for (size_t i = 9; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++, len++;
        } else if (s[i] == ':') {
            if (!len)
                return false;
            comps++, len = 0;
        } else if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f) {
            return false;
        } else {
            len++;
        }
    }
    return len > 0 && comps == 11;
}

static bool item_ok(enum item_rule r, const char *s)
{
    size_t n = strlen(s);
    switch (r) {
    case IT_SECTOR:
        return in_enum(s, report_ci_sector_values);
    case IT_ORG_KIND:
        return in_enum(s, org_kinds);
    case IT_PREFECTURE:
        return schema_format_check(RFMT_PREFECTURE, s, n) == FMT_OK;
    case IT_UUID:
        return uuid_valid(s, n);
    case IT_CPE:
        return cpe23_ok(s, n);
    case IT_CVE:
        return schema_format_check(RFMT_CVE, s, n) == FMT_OK;
    case IT_TECHNIQUE:
        return schema_format_check(RFMT_ATTACK_ID, s, n) == FMT_OK;
    }
    return false;
}

static const struct {
    const char *en, *ja;
} item_says[] = {
    [IT_SECTOR] = {"is not a critical-infrastructure sector", "重要インフラ分野ではありません"},
    [IT_ORG_KIND] = {"is not a kind of organisation", "組織の種別ではありません"},
    [IT_PREFECTURE] = {"is not a prefecture code JP-01 to JP-47",
                       "都道府県コード（JP-01〜JP-47）ではありません"},
    [IT_UUID] = {"is not an id", "IDではありません"},
    [IT_CPE] = {"is not a CPE 2.3 name (cpe:2.3:part:vendor:product:…, 13 components)",
                "CPE 2.3 名（cpe:2.3:part:vendor:product:…、13要素）ではありません"},
    [IT_CVE] = {"is not a CVE id (CVE-YYYY-NNNN)", "CVE ID（CVE-YYYY-NNNN）ではありません"},
    [IT_TECHNIQUE] = {"is not an ATT&CK technique id (T1234, T1234.001, ICS T0800)",
                      "ATT&CK 技術ID（T1234、T1234.001、ICS の T0800）ではありません"},
};

static void check_list(const json_t *parent, const char *base, const char *key, size_t max,
                       enum item_rule rule, struct verr_list *errs)
{
    char ptr[PTR_MAX], ip[PTR_MAX];
    const json_t *v = json_object_get(parent, key);
    at(ptr, base, key);
    if (!v || json_is_null(v))
        return;
    if (!json_is_array(v)) {
        verr_add(errs, ptr, "type", "must be an array", "配列にしてください");
        return;
    }
    if (json_array_size(v) > max) {
        verr_add(errs, ptr, "too_many", "has more entries than allowed", "要素が多すぎます");
        return;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        const char *s = json_string_value(json_array_get(v, i));
        at_i(ip, ptr, i);
        if (!s || !item_ok(rule, s))
            verr_add(errs, ip, "format", item_says[rule].en, item_says[rule].ja);
    }
}

/* ---- indicators ---- */

/* ssdeep: "blocksize:hash:hash" (the tool's own output), nothing else is checked. */
static bool ssdeep_ok(const char *s, size_t n)
{
    const char *c1 = memchr(s, ':', n);
    if (!c1 || c1 == s || n > 256)
        return false;
    for (const char *p = s; p < c1; p++)
        if (*p < '0' || *p > '9')
            return false;
    const char *c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s));
    return c2 && c2 > c1 + 1 && c2 + 1 < s + n;
}

bool advisory_indicator_ok(const char *type, const char *value)
{
    enum ioc_type t = ioc_type_parse(type);
    size_t n = value ? strlen(value) : 0;
    if (t == IOC_INVALID || n == 0 || n > 2048)
        return false;
    if (t == IOC_SSDEEP)
        return ssdeep_ok(value, n);
    return schema_indicator_check(ioc_type_name(t), value, n) == FMT_OK;
}

static void check_indicators(const json_t *doc, struct verr_list *errs)
{
    static const char *const known[] = {"type", "value", NULL};
    const json_t *v = json_object_get(doc, "indicators");
    char ptr[PTR_MAX];
    if (!v || json_is_null(v))
        return;
    if (!json_is_array(v) || json_array_size(v) > ADVISORY_INDICATORS_MAX) {
        verr_add(errs, "/indicators", "type", "must be an array of at most 500 indicators",
                 "500個以内の指標の配列にしてください");
        return;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *it = json_array_get(v, i);
        at_i(ptr, "/indicators", i);
        if (!json_is_object(it)) {
            verr_add(errs, ptr, "type", "must be {\"type\", \"value\"}",
                     "{\"type\", \"value\"} にしてください");
            continue;
        }
        unknown_members(it, known, ptr, errs);
        const char *type = json_string_value(json_object_get(it, "type"));
        const char *value = json_string_value(json_object_get(it, "value"));
        char fp[PTR_MAX];
        if (ioc_type_parse(type) == IOC_INVALID) {
            at(fp, ptr, "type");
            verr_add(errs, fp, "enum",
                     "type: one of ipv4, ipv6, domain, url, email, md5, sha1, sha256, ssdeep",
                     "type: ipv4・ipv6・domain・url・email・md5・sha1・sha256・ssdeep のいずれか"
                     "です");
        } else if (!advisory_indicator_ok(type, value)) {
            at(fp, ptr, "value");
            verr_add(errs, fp, "format", "value: is not a usable indicator of its type",
                     "value: 種別に合った指標ではありません（無害化表記は使えません）");
        }
    }
}

/* ---- the rest of the body ---- */

static int64_t check_time(const json_t *doc, const char *key, struct verr_list *errs)
{
    const json_t *v = json_object_get(doc, key);
    struct rtime_parsed p;
    char ptr[PTR_MAX];
    at(ptr, "", key);
    if (!v || json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    if (!s || rtime_parse_rfc3339(s, strlen(s), &p)) {
        verr_add(errs, ptr, "format", "must be an RFC 3339 date-time with an offset",
                 "時差付きの RFC 3339 日時にしてください");
        return 0;
    }
    return p.ms;
}

static int64_t time_of(const json_t *doc, const char *key)
{
    const char *s = json_string_value(json_object_get(doc, key));
    struct rtime_parsed p;
    return s && !rtime_parse_rfc3339(s, strlen(s), &p) ? p.ms : 0;
}

void advisory_validity(const json_t *doc, int64_t *from, int64_t *until)
{
    *from = time_of(doc, "valid_from");
    *until = time_of(doc, "valid_until");
}

bool advisory_expired(int64_t until, int64_t now_ms)
{
    return until && now_ms >= until;
}

bool advisory_in_force(int64_t from, int64_t until, int64_t now_ms)
{
    return (!from || now_ms >= from) && !advisory_expired(until, now_ms);
}

static void check_actor(const json_t *doc, struct verr_list *errs)
{
    static const char *const known[] = {"name", "attribution_confidence", NULL};
    const json_t *a = json_object_get(doc, "actor");
    if (!a || json_is_null(a))
        return;
    if (!json_is_object(a)) {
        verr_add(errs, "/actor", "type", "must be an object", "オブジェクトにしてください");
        return;
    }
    unknown_members(a, known, "/actor", errs);
    check_text(a, "/actor", "name", ADVISORY_TITLE_MAX, true, errs);
    check_choice(a, "/actor", "attribution_confidence", confidence_values, true, errs);
}

static void check_affected(const json_t *doc, struct verr_list *errs)
{
    static const char *const known[] = {"sectors", "prefectures", "products", "cves", NULL};
    const json_t *a = json_object_get(doc, "affected");
    if (!a || json_is_null(a))
        return;
    if (!json_is_object(a)) {
        verr_add(errs, "/affected", "type", "must be an object", "オブジェクトにしてください");
        return;
    }
    unknown_members(a, known, "/affected", errs);
    check_list(a, "/affected", "sectors", ADVISORY_LIST_MAX, IT_SECTOR, errs);
    check_list(a, "/affected", "prefectures", ADVISORY_LIST_MAX, IT_PREFECTURE, errs);
    check_list(a, "/affected", "products", ADVISORY_LIST_MAX, IT_CPE, errs);
    check_list(a, "/affected", "cves", ADVISORY_LIST_MAX, IT_CVE, errs);
}

static void check_audience(const json_t *doc, enum tlp t, bool clearance, struct verr_list *errs)
{
    static const char *const known[] = {
        "sectors", "org_kinds", "prefectures", "organizations", "users", "clearance_holders", NULL};
    const json_t *a = json_object_get(doc, "audience");
    if (a && !json_is_null(a) && !json_is_object(a)) {
        verr_add(errs, "/audience", "type", "must be an object", "オブジェクトにしてください");
        return;
    }
    if (a) {
        unknown_members(a, known, "/audience", errs);
        check_list(a, "/audience", "sectors", ADVISORY_LIST_MAX, IT_SECTOR, errs);
        check_list(a, "/audience", "org_kinds", ADVISORY_LIST_MAX, IT_ORG_KIND, errs);
        check_list(a, "/audience", "prefectures", ADVISORY_LIST_MAX, IT_PREFECTURE, errs);
        check_list(a, "/audience", "organizations", ADVISORY_LIST_MAX, IT_UUID, errs);
        check_list(a, "/audience", "users", ADVISORY_LIST_MAX, IT_UUID, errs);
    }
    const json_t *ch = json_object_get(a, "clearance_holders");
    if (ch && !json_is_boolean(ch))
        verr_add(errs, "/audience/clearance_holders", "type", "must be true or false",
                 "true 又は false にしてください");
    else if (json_is_true(ch) && !clearance)
        verr_add(errs, "/audience/clearance_holders", "requires",
                 "clearance holders are an audience only with required_clearance",
                 "クリアランス保有者を対象にするには required_clearance が必要です");
    if (t == TLP_RED && json_array_size(json_object_get(a, "users")) == 0)
        verr_add(errs, "/audience/users", "required",
                 "TLP:RED is for named recipients: name at least one user",
                 "TLP:RED は個人宛てです。受領者を1人以上指定してください");
}

static void check_classification(const json_t *doc, const struct clearance_catalog *levels,
                                 struct verr_list *errs)
{
    const char *tlp = json_string_value(json_object_get(doc, "tlp"));
    enum tlp t = tlp_parse(tlp);
    if (t == TLP_INVALID)
        verr_add(errs, "/tlp", tlp ? "enum" : "required",
                 "tlp: one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED",
                 "tlp: TLP:CLEAR・TLP:GREEN・TLP:AMBER・TLP:AMBER+STRICT・TLP:RED のいずれかです");
    const json_t *rc = json_object_get(doc, "required_clearance");
    bool clearance = rc && !json_is_null(rc);
    if (clearance && !clearance_find(levels, json_string_value(rc)))
        verr_add(errs, "/required_clearance", "enum", "is not a clearance level of this platform",
                 "このプラットフォームのクリアランス区分ではありません");
    check_audience(doc, t, clearance, errs);
}

int advisory_validate(const json_t *doc, const struct clearance_catalog *levels, bool amend,
                      struct verr_list *errs)
{
    static const char *const known[] = {"title",
                                        "summary",
                                        "actor",
                                        "purpose",
                                        "background",
                                        "urgency",
                                        "importance",
                                        "expected_damage",
                                        "ripple_effects",
                                        "initial_response",
                                        "mid_long_term_response",
                                        "affected",
                                        "indicators",
                                        "techniques",
                                        "sources",
                                        "valid_from",
                                        "valid_until",
                                        "tlp",
                                        "required_clearance",
                                        "audience",
                                        "change_summary",
                                        NULL};
    size_t before = errs->n + errs->dropped;
    if (!json_is_object(doc)) {
        verr_add(errs, "", "type", "an advisory is a JSON object",
                 "注意喚起はJSONオブジェクトです");
        return -1;
    }
    unknown_members(doc, known, "", errs);
    if (!amend && json_object_get(doc, "change_summary"))
        verr_add(errs, "/change_summary", "unknown_field", "is for amendments only",
                 "改訂のときだけ使えます");
    check_text(doc, "", "title", ADVISORY_TITLE_MAX, true, errs);
    check_text(doc, "", "summary", ADVISORY_TEXT_MAX, true, errs);
    static const char *const texts[] = {"purpose",          "background",
                                        "expected_damage",  "ripple_effects",
                                        "initial_response", "mid_long_term_response",
                                        "change_summary",   NULL};
    for (const char *const *k = texts; *k; k++)
        check_text(doc, "", *k, ADVISORY_TEXT_MAX, false, errs);
    check_actor(doc, errs);
    check_choice(doc, "", "urgency", urgency_values, true, errs);
    check_choice(doc, "", "importance", importance_values, true, errs);
    check_affected(doc, errs);
    check_indicators(doc, errs);
    check_list(doc, "", "techniques", ADVISORY_TECHNIQUES_MAX, IT_TECHNIQUE, errs);
    check_list(doc, "", "sources", ADVISORY_SOURCES_MAX, IT_UUID, errs);
    int64_t from = check_time(doc, "valid_from", errs),
            until = check_time(doc, "valid_until", errs);
    if (from && until && until <= from)
        verr_add(errs, "/valid_until", "order", "must be after valid_from",
                 "valid_from より後にしてください");
    check_classification(doc, levels, errs);
    return errs->n + errs->dropped > before ? -1 : 0;
}

/* ---- the audience read back ---- */

static size_t take(const json_t *a, const char *key, const char **out)
{
    const json_t *v = json_object_get(a, key);
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(v) && n < ADVISORY_LIST_MAX; i++) {
        const char *s = json_string_value(json_array_get(v, i));
        if (s)
            out[n++] = s;
    }
    return n;
}

void advisory_audience_load(struct advisory_audience *a, const char *json_text)
{
    memset(a, 0, sizeof(*a));
    a->doc = json_text ? json_loads(json_text, 0, NULL) : NULL;
    if (!json_is_object(a->doc))
        return;
    a->nsectors = take(a->doc, "sectors", a->sectors);
    a->norg_kinds = take(a->doc, "org_kinds", a->org_kinds);
    a->nprefectures = take(a->doc, "prefectures", a->prefectures);
    a->norgs = take(a->doc, "organizations", a->orgs);
    a->nusers = take(a->doc, "users", a->users);
    a->clearance_holders = json_is_true(json_object_get(a->doc, "clearance_holders"));
}

void advisory_audience_release(struct advisory_audience *a)
{
    json_decref(a->doc);
    memset(a, 0, sizeof(*a));
}

void advisory_audience_apply(const struct advisory_audience *a, struct share_audience *out)
{
    out->sectors = (struct share_list){a->sectors, a->nsectors};
    out->org_kinds = (struct share_list){a->org_kinds, a->norg_kinds};
    out->prefectures = (struct share_list){a->prefectures, a->nprefectures};
    out->orgs = (struct share_list){a->orgs, a->norgs};
    out->users = (struct share_list){a->users, a->nusers};
    out->clearance_holders = a->clearance_holders;
}

json_t *advisory_event(const char *event, const char *id, int version, enum tlp t,
                       bool clearance_required, const json_t *title)
{
    char link[96];
    snprintf(link, sizeof(link), "/api/v1/advisories/%.40s", id);
    json_t *a = json_pack("{s:s, s:i, s:s, s:s}", "id", id, "version", version, "tlp",
                          tlp_label(t) ? tlp_label(t) : "", "link", link);
    if ((t == TLP_CLEAR || t == TLP_GREEN) && !clearance_required && json_is_object(title)) {
        const char *ja = json_string_value(json_object_get(title, "ja"));
        const char *en = json_string_value(json_object_get(title, "en"));
        char text[2 * ADVISORY_TITLE_MAX + 8];
        snprintf(text, sizeof(text), "%s%s%s", ja ? ja : "", ja && en ? " / " : "", en ? en : "");
        json_object_set_new(a, "title", json_deep_copy(title));
        json_object_set_new(a, "title_text", json_string(text));
    }
    return json_pack("{s:s, s:o}", "event", event, "advisory", a);
}
