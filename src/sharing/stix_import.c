/*
 * stix_import.c — reading a STIX 2.1 bundle (stix.h: stix_import_bundle).
 *
 * One parse with ichigen's own JSON parser (core/jsonx.h: size, depth and duplicate keys
 * refused, positions for errors), then one walk over the objects: the common properties of
 * STIX 2.1 §3 checked, counts per type, TLP from object_marking_refs, indicators from simple
 * patterns, ATT&CK ids from attack-patterns. Nothing is stored here; the caller decides.
 */
#include <ctype.h>

#include "stix.h"
#include "stix_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

const struct stix_limits stix_default_limits = {
    .max_bytes = 64u << 20,
    .max_objects = 200000,
    .max_string = 1u << 20,
    .max_depth = 32,
    .max_errors = 200,
};

/* The TLP 1.0 marking definitions STIX 2.1 §7.2.1.4 predefines, and the TLP 2.0 label each
 * maps to: WHITE became CLEAR (TLP 2.0, "TLP:CLEAR"); GREEN, AMBER and RED kept their names
 * and meaning; AMBER+STRICT is new in 2.0, so nothing maps to it. */
static const struct {
    const char *id;
    enum tlp t;
} tlp1[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TLP_RED},
};

enum tlp stix_tlp_of_marking(const char *id)
{
    enum tlp t = tlp_from_stix_marking_id(id);
    for (size_t i = 0; id && t == TLP_INVALID && i < ARRAY_SIZE(tlp1); i++)
        if (!strcmp(id, tlp1[i].id))
            t = tlp1[i].t;
    return t;
}

/* The cyber-observable types of STIX 2.1 §6: spec_version optional, no created/modified. */
static bool is_sco(const char *t)
{
    static const char *const sco[] = {
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "email-addr",
        "email-message",
        "file",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "user-account",
        "windows-registry-key",
        "x509-certificate",
    };
    for (size_t i = 0; i < ARRAY_SIZE(sco); i++)
        if (!strcmp(t, sco[i]))
            return true;
    return false;
}

void stix_import_init(struct stix_import *r, const struct stix_limits *lim)
{
    memset(r, 0, sizeof(*r));
    r->lim = lim ? *lim : stix_default_limits;
    verr_list_init(&r->errs, r->lim.max_errors ? r->lim.max_errors : 1);
}

void stix_import_release(struct stix_import *r)
{
    for (size_t i = 0; i < r->n_types; i++)
        free(r->types[i].type);
    for (size_t i = 0; i < r->n_iocs; i++)
        free(r->iocs[i].value);
    for (size_t i = 0; i < r->n_techniques; i++)
        free(r->techniques[i]);
    free(r->types);
    free(r->iocs);
    free(r->techniques);
    verr_list_release(&r->errs);
    memset(r, 0, sizeof(*r));
}

/* A problem at /objects/<i>/<field> (i == SIZE_MAX: at /<field> of the bundle). */
static void problem(struct stix_import *r, size_t i, const char *field, const char *code,
                    const char *en, const char *ja)
{
    char ptr[96];
    if (i == SIZE_MAX)
        xsnprintf(ptr, sizeof(ptr), "%s%s", field[0] ? "/" : "", field);
    else
        xsnprintf(ptr, sizeof(ptr), "/objects/%zu%s%.40s", i, field[0] ? "/" : "", field);
    verr_add(&r->errs, ptr, code, en, ja);
}

static void count_type(struct stix_import *r, const char *type)
{
    for (size_t i = 0; i < r->n_types; i++)
        if (!strcmp(r->types[i].type, type)) {
            r->types[i].n++;
            return;
        }
    r->types = xrealloc(r->types, (r->n_types + 1) * sizeof(*r->types));
    r->types[r->n_types++] = (struct stix_type_count){xstrdup(type), 1};
}

/* Whether any string or key below j is longer than max bytes. */
static bool string_too_long(json_t *j, size_t max)
{
    const char *k;
    json_t *v;
    size_t i, kn;
    switch (json_typeof(j)) {
    case JSON_STRING:
        return json_string_length(j) > max;
    case JSON_ARRAY:
        json_array_foreach(j, i, v) if (string_too_long(v, max)) return true;
        return false;
    case JSON_OBJECT:
        json_object_keylen_foreach(j, k, kn, v)
        {
            if (kn > max || string_too_long(v, max))
                return true;
        }
        return false;
    default:
        return false;
    }
}

/* created / modified: a STIX timestamp (§3.2: RFC 3339, "Z", here to the millisecond). */
static bool timestamp(struct stix_import *r, size_t i, json_t *o, const char *field, bool required,
                      int64_t *ms)
{
    json_t *v = json_object_get(o, field);
    struct rtime_parsed t;
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    const char *dot = s ? strrchr(s, '.') : NULL;
    if (!v) {
        if (required)
            problem(r, i, field, "stix.missing", "required for this type (STIX 2.1 §3.2)",
                    "この種類では必須です (STIX 2.1 §3.2)");
        return false;
    }
    if (!s || n < 20 || s[n - 1] != 'Z' || rtime_parse_rfc3339(s, n, &t) || !dot ||
        (size_t)(s + n - 1 - dot) < 4) {
        problem(r, i, field, "stix.invalid_timestamp",
                "not a STIX timestamp: RFC 3339 in UTC with \"Z\" and milliseconds, "
                "e.g. 2026-04-01T09:30:00.000Z (STIX 2.1 §3.2)",
                "STIX のタイムスタンプではありません: UTC の RFC 3339 で \"Z\" とミリ秒を付けます "
                "(例 2026-04-01T09:30:00.000Z, STIX 2.1 §3.2)");
        return false;
    }
    *ms = t.ms;
    return true;
}

/* The most restrictive TLP among the object's markings, TLP_INVALID if none is a TLP. */
static enum tlp markings(struct stix_import *r, size_t i, json_t *o)
{
    json_t *refs = json_object_get(o, "object_marking_refs"), *m;
    enum tlp best = TLP_INVALID;
    size_t k;
    if (refs && !json_is_array(refs)) {
        problem(r, i, "object_marking_refs", "stix.invalid_type",
                "must be a list of marking-definition ids", "marking-definition の id の配列です");
        return TLP_INVALID;
    }
    json_array_foreach(refs, k, m)
    {
        const char *s = json_string_value(m);
        if (!s || !stix_ref_ok(s, "marking-definition")) {
            char f[48];
            xsnprintf(f, sizeof(f), "object_marking_refs/%zu", k);
            problem(r, i, f, "stix.invalid_ref", "not a marking-definition id",
                    "marking-definition の id ではありません");
            continue;
        }
        enum tlp t = stix_tlp_of_marking(s);
        if (t != TLP_INVALID && (best == TLP_INVALID || tlp_at_least(t, best)))
            best = t;
    }
    return best;
}

static void indicator(struct stix_import *r, const char *id, json_t *o, enum tlp t)
{
    json_t *pat = json_object_get(o, "pattern");
    const char *ptype = json_string_value(json_object_get(o, "pattern_type"));
    struct stix_pattern_ioc x;
    if (!json_is_string(pat) || !ptype || strcmp(ptype, "stix") ||
        stix_pattern_extract(json_string_value(pat), json_string_length(pat), &x)) {
        r->patterns_not_extracted++;
        return;
    }
    r->iocs = xrealloc(r->iocs, (r->n_iocs + 1) * sizeof(*r->iocs));
    struct stix_import_ioc *c = &r->iocs[r->n_iocs++];
    c->type = x.type;
    c->value = x.value;
    xstrlcpy(c->indicator_id, id, sizeof(c->indicator_id));
    c->tlp = t;
}

/* ATT&CK ids from an attack-pattern's external_references (MITRE's STIX data names the source
 * "mitre-attack" for every domain; older ICS and Mobile releases used their own names). */
static void techniques(struct stix_import *r, json_t *o)
{
    json_t *refs = json_object_get(o, "external_references"), *e;
    size_t k;
    json_array_foreach(refs, k, e)
    {
        const char *src = json_string_value(json_object_get(e, "source_name"));
        const char *ext = json_string_value(json_object_get(e, "external_id"));
        if (!src || !ext ||
            (strcmp(src, "mitre-attack") && strcmp(src, "mitre-ics-attack") &&
             strcmp(src, "mitre-mobile-attack")))
            continue;
        if (ext[0] != 'T' || strlen(ext) > 16)
            continue;
        r->techniques = xrealloc(r->techniques, (r->n_techniques + 1) * sizeof(char *));
        r->techniques[r->n_techniques++] = xstrdup(ext);
    }
}

/* type and id (§2.8, §2.9): the id's prefix is the type. Returns the type or NULL. */
static const char *type_and_id(struct stix_import *r, size_t i, json_t *o, const char **id)
{
    const char *type = json_string_value(json_object_get(o, "type"));
    size_t tn = type ? strlen(type) : 0;
    *id = json_string_value(json_object_get(o, "id"));
    bool type_ok =
        tn >= 3 && tn <= 250 && strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789-") == tn;
    if (!type_ok) {
        problem(r, i, "type", type ? "stix.invalid_type_name" : "stix.missing",
                "a type name of 3–250 characters a–z, 0–9 and '-' is required (STIX 2.1 §2.8)",
                "a–z・0–9・'-' の3〜250文字の type が必要です (STIX 2.1 §2.8)");
        return NULL;
    }
    if (!*id || !stix_ref_ok(*id, type)) {
        problem(r, i, "id", *id ? "stix.invalid_id" : "stix.missing",
                "the id must be \"<type>--<UUID>\" with this object's type (STIX 2.1 §2.9)",
                "id はこのオブジェクトの type を使った \"<type>--<UUID>\" です (STIX 2.1 §2.9)");
        *id = NULL;
    }
    return type;
}

static void check_common(struct stix_import *r, size_t i, json_t *o, const char *type)
{
    const char *sv = json_string_value(json_object_get(o, "spec_version"));
    bool sco = is_sco(type), marking = !strcmp(type, "marking-definition");
    int64_t created = 0, modified = 0;
    if ((!sco || json_object_get(o, "spec_version")) && (!sv || strcmp(sv, "2.1")))
        problem(r, i, "spec_version", sv ? "stix.spec_version" : "stix.missing",
                "spec_version must be \"2.1\" (STIX 2.1 §3.1)",
                "spec_version は \"2.1\" です (STIX 2.1 §3.1)");
    if (sco)
        return;
    bool c = timestamp(r, i, o, "created", true, &created);
    bool m = timestamp(r, i, o, "modified", !marking, &modified);
    if (c && m && modified < created)
        problem(r, i, "modified", "stix.modified_before_created",
                "modified is earlier than created (STIX 2.1 §3.2)",
                "modified が created より前です (STIX 2.1 §3.2)");
}

static void import_object(struct stix_import *r, size_t i, json_t *o)
{
    const char *id = NULL, *type;
    if (!json_is_object(o)) {
        problem(r, i, "", "stix.invalid_type", "each entry of objects must be an object",
                "objects の各要素はオブジェクトです");
        return;
    }
    if (string_too_long(o, r->lim.max_string))
        problem(r, i, "", "stix.string_too_long", "holds a string longer than the limit",
                "上限より長い文字列があります");
    if (!(type = type_and_id(r, i, o, &id)))
        return;
    count_type(r, type);
    check_common(r, i, o, type);
    enum tlp t = markings(r, i, o);
    if (t == TLP_INVALID)
        r->unmarked++;
    else
        r->tlp[t]++;
    if (!strcmp(type, "indicator") && id)
        indicator(r, id, o, t);
    else if (!strcmp(type, "attack-pattern"))
        techniques(r, o);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each technique once, sorted. */
static void unique_techniques(struct stix_import *r)
{
    size_t w = 0;
    if (r->n_techniques)
        qsort(r->techniques, r->n_techniques, sizeof(char *), cmp_str);
    for (size_t k = 0; k < r->n_techniques; k++) {
        if (w && !strcmp(r->techniques[w - 1], r->techniques[k]))
            free(r->techniques[k]);
        else
            r->techniques[w++] = r->techniques[k];
    }
    r->n_techniques = w;
}

static bool bundle_ok(struct stix_import *r, json_t *doc, json_t **objects)
{
    const char *type = json_string_value(json_object_get(doc, "type"));
    const char *id = json_string_value(json_object_get(doc, "id"));
    *objects = json_object_get(doc, "objects");
    if (!type || strcmp(type, "bundle"))
        problem(r, SIZE_MAX, "type", "stix.not_bundle", "a STIX bundle has type \"bundle\" (§8)",
                "STIX のバンドルは type が \"bundle\" です (§8)");
    if (!id || !stix_ref_ok(id, "bundle"))
        problem(r, SIZE_MAX, "id", "stix.invalid_id", "a bundle id is \"bundle--<UUID>\" (§8)",
                "バンドルの id は \"bundle--<UUID>\" です (§8)");
    if (*objects && !json_is_array(*objects)) {
        problem(r, SIZE_MAX, "objects", "stix.invalid_type", "objects must be a list",
                "objects は配列です");
        return false;
    }
    if (json_array_size(*objects) > r->lim.max_objects) {
        problem(r, SIZE_MAX, "objects", "stix.too_many_objects",
                "more objects than the import limit",
                "オブジェクト数が取り込みの上限を超えています");
        return false;
    }
    return true;
}

/* A text that cannot be read as one JSON object: one problem at "" with line and column. */
static void parse_problem(struct stix_import *r, int rc, const struct jsonx_error *e)
{
    char en[256], ja[256];
    xsnprintf(en, sizeof(en), "line %d, column %d: %s", e->line, e->column, e->text);
    xsnprintf(ja, sizeof(ja), "%d行%d列: %s", e->line, e->column, e->text_ja);
    verr_add(&r->errs, "", rc == JSONX_EDEPTH ? "stix.too_deep" : "stix.not_json", en, ja);
}

int stix_import_bundle(const char *p, size_t n, struct stix_import *r)
{
    struct jsonx_error e;
    json_t *doc = NULL, *objects, *o;
    size_t i;
    if (!r->lim.max_bytes || !r->lim.max_objects || !r->lim.max_string || r->lim.max_depth < 3)
        return -1;
    if (n > r->lim.max_bytes) {
        verr_add(&r->errs, "", "stix.too_large", "the bundle is larger than the import limit",
                 "バンドルが取り込みの上限より大きいです");
        return 1;
    }
    int rc = jsonx_load_object(p, n, r->lim.max_depth, &doc, &e);
    if (rc) {
        parse_problem(r, rc, &e);
        return 1;
    }
    if (bundle_ok(r, doc, &objects))
        json_array_foreach(objects, i, o)
        {
            r->objects++;
            import_object(r, i, o);
        }
    unique_techniques(r);
    json_decref(doc);
    return verr_any(&r->errs) ? 1 : 0;
}
