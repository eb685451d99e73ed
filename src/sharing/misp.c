/* misp.c — MISP core format export and import (misp.h). */
#include "misp.h"

#include <arpa/inet.h>

#include "../core/buf.h"
#include "../core/enc.h"
#include "../core/hash.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../core/uuid.h"

/* ---- TLP and distribution ---- */

enum tlp misp_tlp_for_distribution(int d)
{
    switch (d) {
    case MISP_DIST_ORGANISATION:
        return TLP_AMBER_STRICT;
    case MISP_DIST_COMMUNITY:
        return TLP_AMBER;
    case MISP_DIST_CONNECTED:
        return TLP_GREEN;
    case MISP_DIST_ALL:
        return TLP_GREEN;
    case MISP_DIST_SHARING_GROUP:
        return TLP_AMBER_STRICT;
    default:
        return TLP_INVALID;
    }
}

enum misp_distribution misp_distribution_for_tlp(enum tlp t)
{
    switch (t) {
    case TLP_CLEAR:
        return MISP_DIST_ALL;
    case TLP_GREEN:
        return MISP_DIST_COMMUNITY;
    default:
        return MISP_DIST_ORGANISATION;
    }
}

enum tlp misp_tlp_from_tag(const char *name)
{
    if (!name || strncasecmp(name, "tlp:", 4))
        return TLP_INVALID;
    /* tlp_parse also takes the short names, "white" among them (TLP 1.0's CLEAR). */
    return tlp_parse(name + 4);
}

const char *misp_tlp_tag(enum tlp t)
{
    static const char *const tags[TLP__COUNT] = {
        [TLP_CLEAR] = "tlp:clear", [TLP_GREEN] = "tlp:green",
        [TLP_AMBER] = "tlp:amber", [TLP_AMBER_STRICT] = "tlp:amber+strict",
        [TLP_RED] = "tlp:red",
    };
    return (int)t >= 0 && t < TLP__COUNT ? tags[t] : NULL;
}

/* ---- attribute types ---- */

static bool role_is(const char *role, const char *r)
{
    return role && !strcmp(role, r);
}

const char *misp_attr_type(enum ioc_type t, const char *role)
{
    switch (t) {
    case IOC_IPV4:
    case IOC_IPV6:
        /* Where the attack came from is a source; every other role (C2, delivery,
         * exfiltration, phishing site) is a host the victim connected to. */
        return role_is(role, "attack_source") ? "ip-src" : "ip-dst";
    case IOC_DOMAIN:
        return "domain";
    case IOC_URL:
        return "url";
    case IOC_EMAIL:
        return role_is(role, "exfiltration") ? "email-dst" : "email-src";
    case IOC_MD5:
        return "md5";
    case IOC_SHA1:
        return "sha1";
    case IOC_SHA256:
        return "sha256";
    case IOC_SSDEEP:
        return "ssdeep";
    default:
        return NULL;
    }
}

const char *misp_attr_category(enum ioc_type t, const char *role)
{
    switch (t) {
    case IOC_IPV4:
    case IOC_IPV6:
    case IOC_DOMAIN:
        return "Network activity";
    case IOC_URL:
        return role_is(role, "delivery") ? "Payload delivery" : "Network activity";
    case IOC_EMAIL:
        return role_is(role, "exfiltration") ? "Network activity" : "Payload delivery";
    case IOC_MD5:
    case IOC_SHA1:
    case IOC_SHA256:
    case IOC_SSDEEP:
        return "Payload delivery";
    default:
        return NULL;
    }
}

/* ---- value shapes ---- */

static bool no_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == ' ')
            return false;
    return true;
}

static bool all_hex(const char *s, size_t want)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
              (s[n] >= 'A' && s[n] <= 'F')))
            return false;
    return n == want;
}

/* An address, optionally with a CIDR prefix length. */
static bool valid_ip(const char *s, int af)
{
    char a[64];
    unsigned char bin[16];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n >= sizeof(a))
        return false;
    memcpy(a, s, n);
    a[n] = '\0';
    if (inet_pton(af, a, bin) != 1)
        return false;
    if (slash) {
        int64_t len;
        if (parse_int64(slash + 1, 0, af == AF_INET ? 32 : 128, &len))
            return false;
    }
    return true;
}

static bool valid_value(enum ioc_type t, const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > MISP_VALUE_MAX || !no_ctl(v))
        return false;
    switch (t) {
    case IOC_IPV4:
        return valid_ip(v, AF_INET);
    case IOC_IPV6:
        return valid_ip(v, AF_INET6);
    case IOC_DOMAIN:
        return n <= 253 && strchr(v, '.') && !strpbrk(v, "/@:");
    case IOC_EMAIL: {
        const char *at = strchr(v, '@');
        return at && at != v && at[1] && !strchr(at + 1, '@');
    }
    case IOC_MD5:
        return all_hex(v, 32);
    case IOC_SHA1:
        return all_hex(v, 40);
    case IOC_SHA256:
        return all_hex(v, 64);
    case IOC_SSDEEP: {
        const char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        return c1 && c2 && c1 != v && strspn(v, "0123456789") == (size_t)(c1 - v);
    }
    case IOC_URL:
        return strchr(v, '.') || strstr(v, "://");
    default:
        return false;
    }
}

/* ---- export ---- */

/* RFC 9562 §5.8 (UUIDv8), name-based with SHA-256 as in its Appendix B.2. */
static void attr_uuid(const char *event_uuid, const char *type, const char *value,
                      char out[UUID_STR_LEN])
{
    unsigned char h[HASH_SHA256_LEN];
    struct buf b;
    char hex[33];
    buf_init(&b, BUF_UNLIMITED);
    buf_append(&b, event_uuid, strlen(event_uuid) + 1);
    buf_append(&b, type, strlen(type) + 1);
    buf_puts(&b, value);
    hash_sha256(b.data, b.len, h);
    buf_release(&b);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    enc_hex(h, 16, hex);
    snprintf(out, UUID_STR_LEN, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
             hex + 20);
}

static void eprob(struct verr_list *errs, const char *ptr, const char *code, const char *en,
                  const char *ja)
{
    verr_add(errs, ptr, code, en, ja);
}

static void check_event_in(const struct misp_event_in *in, struct verr_list *errs)
{
    if (!in->uuid || !uuid_valid(in->uuid, strlen(in->uuid)))
        eprob(errs, "/uuid", "required", "the event needs a UUID", "イベントには UUID が必要です");
    if (!in->info || !in->info[0])
        eprob(errs, "/info", "required", "the event needs a title (info)",
              "イベントには表題（info）が必要です");
    if (!misp_tlp_tag(in->tlp))
        eprob(errs, "/tlp", "invalid", "not a TLP 2.0 label", "TLP 2.0 のラベルではありません");
    if (in->threat_level < MISP_THREAT_HIGH || in->threat_level > MISP_THREAT_UNDEFINED)
        eprob(errs, "/threat_level", "invalid", "threat level must be 1 to 4",
              "脅威レベルは1〜4でなければなりません");
    if ((int)in->analysis < 0 || in->analysis > MISP_ANALYSIS_COMPLETED)
        eprob(errs, "/analysis", "invalid", "analysis must be 0 to 2",
              "分析状況は0〜2でなければなりません");
    if (in->n_iocs > MISP_EXPORT_MAX_IOCS)
        eprob(errs, "/iocs", "too_many", "more than 100,000 indicators",
              "指標が100,000件を超えています");
    for (size_t i = 0; i < in->n_iocs && i < MISP_EXPORT_MAX_IOCS; i++) {
        char ptr[48];
        const struct misp_ioc *c = &in->iocs[i];
        snprintf(ptr, sizeof(ptr), "/iocs/%zu/type", i);
        if (!misp_attr_type(c->type, c->role)) {
            eprob(errs, ptr, "invalid", "not an indicator type", "指標の種類ではありません");
            continue;
        }
        snprintf(ptr, sizeof(ptr), "/iocs/%zu/value", i);
        if (!c->value || !valid_value(c->type, c->value))
            eprob(errs, ptr, "invalid", "the value does not have the shape of its type",
                  "値が種類に合った形をしていません");
    }
}

static json_t *export_attr(const struct misp_event_in *in, const struct misp_ioc *c, const char *ts)
{
    const char *type = misp_attr_type(c->type, c->role);
    char uuid[UUID_STR_LEN];
    attr_uuid(in->uuid, type, c->value, uuid);
    /* distribution 5: as the event (draft §2.3.1.7); the tlp tag is on the event. */
    json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "uuid", uuid, "type", type,
                          "category", misp_attr_category(c->type, c->role), "value", c->value,
                          "to_ids", c->to_ids, "distribution", "5", "timestamp", ts);
    if (c->comment && c->comment[0])
        json_object_set_new(a, "comment", json_string(c->comment));
    return a;
}

int misp_export(const struct misp_event_in *in, json_t **out, struct verr_list *errs)
{
    char date[16], ts[24], num[8];
    int64_t y;
    unsigned m, d;
    size_t before = errs->n + errs->dropped;
    *out = NULL;
    check_event_in(in, errs);
    if (errs->n + errs->dropped != before)
        return -1;
    int64_t days =
        in->date_ms >= 0 ? in->date_ms / 86400000 : -((-in->date_ms + 86399999) / 86400000);
    rtime_civil_from_days(days, &y, &m, &d);
    snprintf(date, sizeof(date), "%04lld-%02u-%02u", (long long)y, m, d);
    snprintf(ts, sizeof(ts), "%lld", (long long)(in->timestamp_ms / 1000));
    json_t *ev = json_pack("{s:s, s:s, s:s, s:b, s:s}", "uuid", in->uuid, "info", in->info, "date",
                           date, "published", 0, "timestamp", ts);
    snprintf(num, sizeof(num), "%d", (int)in->threat_level);
    json_object_set_new(ev, "threat_level_id", json_string(num));
    snprintf(num, sizeof(num), "%d", (int)in->analysis);
    json_object_set_new(ev, "analysis", json_string(num));
    snprintf(num, sizeof(num), "%d", (int)misp_distribution_for_tlp(in->tlp));
    json_object_set_new(ev, "distribution", json_string(num));
    if (in->org_name || in->org_uuid) {
        json_t *org = json_object();
        if (in->org_name)
            json_object_set_new(org, "name", json_string(in->org_name));
        if (in->org_uuid)
            json_object_set_new(org, "uuid", json_string(in->org_uuid));
        json_object_set_new(ev, "Orgc", org);
    }
    json_t *tags = json_array();
    json_array_append_new(tags, json_pack("{s:s}", "name", misp_tlp_tag(in->tlp)));
    for (size_t i = 0; i < in->n_tags; i++)
        if (in->tags[i] && misp_tlp_from_tag(in->tags[i]) == TLP_INVALID)
            json_array_append_new(tags, json_pack("{s:s}", "name", in->tags[i]));
    json_object_set_new(ev, "Tag", tags);
    json_t *attrs = json_array();
    for (size_t i = 0; i < in->n_iocs; i++)
        json_array_append_new(attrs, export_attr(in, &in->iocs[i], ts));
    json_object_set_new(ev, "Attribute", attrs);
    *out = json_pack("{s:o}", "Event", ev);
    return 0;
}

/* ---- import ---- */

/* How an attribute type becomes indicators: which part of a "a|b" value, and of what kind
 * (IOC_IPV4 means "an address": v4 or v6 by its shape). */
enum part { WHOLE, LEFT, RIGHT, BOTH_DOMAIN_IP };

static const struct {
    const char *misp;
    enum ioc_type type;
    enum part part;
} import_types[] = {
    {"ip-src", IOC_IPV4, WHOLE},
    {"ip-dst", IOC_IPV4, WHOLE},
    {"ip-src|port", IOC_IPV4, LEFT},
    {"ip-dst|port", IOC_IPV4, LEFT},
    {"domain", IOC_DOMAIN, WHOLE},
    {"hostname", IOC_DOMAIN, WHOLE},
    {"domain|ip", IOC_DOMAIN, BOTH_DOMAIN_IP},
    {"url", IOC_URL, WHOLE},
    {"uri", IOC_URL, WHOLE},
    {"link", IOC_URL, WHOLE},
    {"email", IOC_EMAIL, WHOLE},
    {"email-src", IOC_EMAIL, WHOLE},
    {"email-dst", IOC_EMAIL, WHOLE},
    {"email-reply-to", IOC_EMAIL, WHOLE},
    {"md5", IOC_MD5, WHOLE},
    {"sha1", IOC_SHA1, WHOLE},
    {"sha256", IOC_SHA256, WHOLE},
    {"ssdeep", IOC_SSDEEP, WHOLE},
    {"filename|md5", IOC_MD5, RIGHT},
    {"filename|sha1", IOC_SHA1, RIGHT},
    {"filename|sha256", IOC_SHA256, RIGHT},
};

void misp_import_init(struct misp_import *r)
{
    memset(r, 0, sizeof(*r));
    r->tlp = TLP_INVALID;
}

void misp_import_release(struct misp_import *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].value);
        free(r->v[i].misp_type);
        free(r->v[i].uuid);
        free(r->v[i].comment);
        free(r->v[i].pointer);
    }
    free(r->v);
    for (size_t i = 0; i < r->n_unsupported_types; i++)
        free(r->unsupported[i].type);
    free(r->unsupported);
    free(r->uuid);
    free(r->info);
    misp_import_init(r);
}

struct imp {
    struct misp_import *r;
    struct verr_list *errs;
    const struct misp_import_limits *lim;
    size_t attributes;
    struct buf ptr;
};

static void iprob(struct imp *s, const char *suffix, const char *code, const char *en,
                  const char *ja)
{
    size_t mark = s->ptr.len;
    if (suffix)
        buf_puts(&s->ptr, suffix);
    verr_add(s->errs, buf_cstr(&s->ptr), code, en, ja);
    buf_truncate(&s->ptr, mark);
}

/* MISP writes numbers as strings ("1") and sometimes as numbers: both are read. -1 when absent,
 * -2 when not a whole number. */
static int64_t num_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    int64_t x;
    if (!v)
        return -1;
    if (json_is_integer(v))
        return json_integer_value(v) < 0 ? -2 : json_integer_value(v);
    if (json_is_string(v) && !parse_int64(json_string_value(v), 0, INT32_MAX, &x))
        return x;
    return -2;
}

/* true / false, "1" / "0", 1 / 0. -1 when absent, -2 when none of those. */
static int bool_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    const char *s = json_string_value(v);
    if (!v)
        return -1;
    if (json_is_boolean(v))
        return json_is_true(v);
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
        return (int)json_integer_value(v);
    if (s && (!strcmp(s, "0") || !strcmp(s, "1")))
        return s[0] == '1';
    if (s && (!strcmp(s, "true") || !strcmp(s, "false")))
        return s[0] == 't';
    return -2;
}

static enum tlp most_restrictive(enum tlp a, enum tlp b)
{
    if (a == TLP_INVALID)
        return b;
    if (b == TLP_INVALID)
        return a;
    return a > b ? a : b;
}

/* The most restrictive tlp tag in o.Tag[] and o.EventTag[].Tag, or TLP_INVALID. */
static enum tlp tags_tlp(struct imp *s, json_t *o)
{
    enum tlp t = TLP_INVALID;
    json_t *tags = json_object_get(o, "Tag"), *et = json_object_get(o, "EventTag"), *x;
    size_t i;
    if (tags && !json_is_array(tags))
        iprob(s, "/Tag", "invalid_type", "Tag must be an array", "Tag は配列でなければなりません");
    if (et && !json_is_array(et))
        iprob(s, "/EventTag", "invalid_type", "EventTag must be an array",
              "EventTag は配列でなければなりません");
    json_array_foreach(tags, i, x) t =
        most_restrictive(t, misp_tlp_from_tag(json_string_value(json_object_get(x, "name"))));
    json_array_foreach(et, i, x) t = most_restrictive(
        t,
        misp_tlp_from_tag(json_string_value(json_object_get(json_object_get(x, "Tag"), "name"))));
    return t;
}

/* A level's label: its tlp tags win; else its distribution; 5 or absent: the parent's. */
static enum tlp level_tlp(struct imp *s, json_t *o, enum tlp parent, bool is_event)
{
    enum tlp t = tags_tlp(s, o);
    int64_t d = num_field(o, "distribution");
    if (d == -2 || d > MISP_DIST_INHERIT || (is_event && d == MISP_DIST_INHERIT)) {
        iprob(s, "/distribution", "invalid",
              is_event ? "distribution must be 0 to 4 for an event" : "distribution must be 0 to 5",
              is_event ? "イベントの distribution は0〜4でなければなりません"
                       : "distribution は0〜5でなければなりません");
        d = -1;
    }
    if (t != TLP_INVALID)
        return t;
    if (d >= 0 && d != MISP_DIST_INHERIT)
        return misp_tlp_for_distribution((int)d);
    /* An event without a distribution: we cannot tell how far it may go, so it stays with the
     * importing organisation (the most restrictive label short of naming individuals). */
    return parent == TLP_INVALID ? TLP_AMBER_STRICT : parent;
}

static void count_unsupported(struct misp_import *r, const char *type)
{
    r->n_unsupported++;
    for (size_t i = 0; i < r->n_unsupported_types; i++)
        if (!strcmp(r->unsupported[i].type, type)) {
            r->unsupported[i].count++;
            return;
        }
    r->unsupported =
        xrealloc(r->unsupported, (r->n_unsupported_types + 1) * sizeof(*r->unsupported));
    r->unsupported[r->n_unsupported_types].type = xstrndup(type, 64);
    r->unsupported[r->n_unsupported_types++].count = 1;
}

static void add_indicator(struct imp *s, json_t *a, const char *mtype, enum ioc_type t,
                          const char *value, size_t vlen, enum tlp tlp)
{
    struct misp_import *r = s->r;
    char *v = xstrndup(value, vlen);
    if (t == IOC_IPV4 && strchr(v, ':'))
        t = IOC_IPV6;
    if (!valid_value(t, v)) {
        char en[160], ja[200];
        snprintf(en, sizeof(en), "the value is not a valid %s", ioc_type_name(t));
        snprintf(ja, sizeof(ja), "値が %s として正しい形ではありません", ioc_type_name(t));
        iprob(s, "/value", "invalid_value", en, ja);
        free(v);
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
    }
    struct misp_indicator *x = &r->v[r->n++];
    const char *uuid = json_string_value(json_object_get(a, "uuid"));
    const char *comment = json_string_value(json_object_get(a, "comment"));
    x->type = t;
    x->value = v;
    x->misp_type = xstrdup(mtype);
    x->uuid = uuid && uuid_valid(uuid, strlen(uuid)) ? xstrdup(uuid) : NULL;
    x->comment = comment && comment[0] ? xstrndup(comment, 1000) : NULL;
    x->to_ids = bool_field(a, "to_ids") == 1;
    x->tlp = tlp;
    x->pointer = xstrdup(buf_cstr(&s->ptr));
}

static void import_value(struct imp *s, json_t *a, const char *mtype, size_t k, const char *v,
                         enum tlp tlp)
{
    const char *bar = strchr(v, '|');
    enum ioc_type t = import_types[k].type;
    switch (import_types[k].part) {
    case WHOLE:
        add_indicator(s, a, mtype, t, v, strlen(v), tlp);
        return;
    case LEFT:
    case RIGHT:
    case BOTH_DOMAIN_IP:
        if (!bar) {
            iprob(s, "/value", "invalid_value", "a composite value needs its two parts a|b",
                  "複合値は a|b の2つの部分が必要です");
            return;
        }
        if (import_types[k].part != RIGHT)
            add_indicator(s, a, mtype, t, v, (size_t)(bar - v), tlp);
        if (import_types[k].part == RIGHT)
            add_indicator(s, a, mtype, t, bar + 1, strlen(bar + 1), tlp);
        else if (import_types[k].part == BOTH_DOMAIN_IP)
            add_indicator(s, a, mtype, IOC_IPV4, bar + 1, strlen(bar + 1), tlp);
        return;
    }
}

static void import_attr(struct imp *s, json_t *a, enum tlp parent)
{
    const char *type = json_string_value(json_object_get(a, "type"));
    json_t *val = json_object_get(a, "value");
    if (!json_is_object(a)) {
        iprob(s, NULL, "invalid_type", "an attribute must be an object",
              "属性はオブジェクトでなければなりません");
        return;
    }
    enum tlp tlp = most_restrictive(parent, level_tlp(s, a, parent, false));
    if (!type || !json_is_string(val)) {
        iprob(s, NULL, "required", "an attribute needs a type and a string value",
              "属性には type と文字列の value が必要です");
        return;
    }
    int del = bool_field(a, "deleted");
    if (del == 1) {
        s->r->deleted++;
        return;
    }
    for (size_t k = 0; k < ARRAY_SIZE(import_types); k++)
        if (!strcmp(type, import_types[k].misp)) {
            import_value(s, a, type, k, json_string_value(val), tlp);
            return;
        }
    count_unsupported(s->r, type);
}

static void import_attrs(struct imp *s, json_t *arr, enum tlp parent)
{
    size_t i, mark = s->ptr.len;
    json_t *a;
    if (!arr)
        return;
    buf_puts(&s->ptr, "/Attribute");
    if (!json_is_array(arr)) {
        iprob(s, NULL, "invalid_type", "Attribute must be an array",
              "Attribute は配列でなければなりません");
        buf_truncate(&s->ptr, mark);
        return;
    }
    json_array_foreach(arr, i, a)
    {
        size_t m2 = s->ptr.len;
        if (++s->attributes > s->lim->max_attributes) {
            iprob(s, NULL, "too_many", "more attributes than this server imports at once",
                  "属性の数が一度に取り込める上限を超えています");
            break;
        }
        jsonx_ptr_push_index(&s->ptr, i);
        import_attr(s, a, parent);
        buf_truncate(&s->ptr, m2);
    }
    buf_truncate(&s->ptr, mark);
}

static void import_objects(struct imp *s, json_t *arr, enum tlp event_tlp)
{
    size_t i, mark = s->ptr.len;
    json_t *o;
    if (!arr)
        return;
    buf_puts(&s->ptr, "/Object");
    if (!json_is_array(arr))
        iprob(s, NULL, "invalid_type", "Object must be an array",
              "Object は配列でなければなりません");
    json_array_foreach(arr, i, o)
    {
        size_t m2 = s->ptr.len;
        jsonx_ptr_push_index(&s->ptr, i);
        if (!json_is_object(o))
            iprob(s, NULL, "invalid_type", "an object must be a JSON object",
                  "オブジェクトは JSON オブジェクトでなければなりません");
        else
            import_attrs(s, json_object_get(o, "Attribute"),
                         most_restrictive(event_tlp, level_tlp(s, o, event_tlp, false)));
        buf_truncate(&s->ptr, m2);
    }
    buf_truncate(&s->ptr, mark);
}

static void import_event(struct imp *s, json_t *ev)
{
    const char *uuid = json_string_value(json_object_get(ev, "uuid"));
    const char *info = json_string_value(json_object_get(ev, "info"));
    if (uuid && uuid_valid(uuid, strlen(uuid)))
        s->r->uuid = xstrdup(uuid);
    else if (json_object_get(ev, "uuid"))
        iprob(s, "/uuid", "invalid", "not a UUID", "UUID ではありません");
    if (info)
        s->r->info = xstrndup(info, 1000);
    int64_t tl = num_field(ev, "threat_level_id"), an = num_field(ev, "analysis");
    if (tl == -2 || tl == 0 || tl > 4)
        iprob(s, "/threat_level_id", "invalid", "threat_level_id must be 1 to 4",
              "threat_level_id は1〜4でなければなりません");
    if (an == -2 || an > 2)
        iprob(s, "/analysis", "invalid", "analysis must be 0 to 2",
              "analysis は0〜2でなければなりません");
    s->r->tlp = level_tlp(s, ev, TLP_INVALID, true);
    import_attrs(s, json_object_get(ev, "Attribute"), s->r->tlp);
    import_objects(s, json_object_get(ev, "Object"), s->r->tlp);
}

int misp_import(const char *body, size_t n, const struct misp_import_limits *lim,
                struct misp_import *r, struct verr_list *errs)
{
    struct imp s = {.r = r, .errs = errs, .lim = lim};
    struct jsonx_error je;
    json_t *doc = NULL, *ev;
    size_t before = errs->n + errs->dropped;
    buf_init(&s.ptr, 256);
    if (n > lim->max_bytes) {
        verr_add(errs, "", "too_large", "the MISP document is larger than this server imports",
                 "MISP 文書が取り込める大きさの上限を超えています");
        goto out;
    }
    if (jsonx_load_object(body, n, lim->max_depth, &doc, &je) != JSONX_OK) {
        char en[300], ja[300];
        snprintf(en, sizeof(en), "not a JSON object at line %d, column %d: %s", je.line, je.column,
                 je.text);
        snprintf(ja, sizeof(ja), "%d 行 %d 列: JSON オブジェクトではありません（%s）", je.line,
                 je.column, je.text_ja);
        verr_add(errs, "", "bad_json", en, ja);
        goto out;
    }
    ev = json_object_get(doc, "Event");
    if (!json_is_object(ev)) {
        verr_add(errs, "/Event", "required", "a MISP event document is {\"Event\": {...}}",
                 "MISP イベント文書は {\"Event\": {...}} の形です");
        goto out;
    }
    buf_puts(&s.ptr, "/Event");
    import_event(&s, ev);
out:
    json_decref(doc);
    buf_release(&s.ptr);
    return errs->n + errs->dropped != before ? -1 : 0;
}
