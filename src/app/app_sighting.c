/*
 * app_sighting.c — sightings of indicators (app_sighting.h).
 */
#include "app_sighting.h"
#include "../core/rtime.h"
#include "../core/uuid.h"

/* The indicator types a sighting may name: those reports carry and correlation matches. */
static enum ioc_type sighting_type(const char *t)
{
    static const char *const names[] = {"ipv4",  "ipv6", "domain", "url",
                                        "email", "md5",  "sha1",   "sha256"};
    for (size_t i = 0; t && i < ARRAY_SIZE(names); i++)
        if (!strcmp(t, names[i]))
            return ioc_type_parse(t);
    return IOC_INVALID;
}

/* A string member; NULL (and a problem when required or of another type) otherwise. */
static const char *str_member(const json_t *body, const char *key, bool required,
                              struct verr_list *errs)
{
    char ptr[32];
    const json_t *v = json_object_get(body, key);
    snprintf(ptr, sizeof(ptr), "/%s", key);
    if (!v) {
        if (required)
            verr_add(errs, ptr, "required", "is required", "必須です");
        return NULL;
    }
    if (!json_is_string(v)) {
        verr_add(errs, ptr, "not_a_string", "must be a string", "文字列で指定してください");
        return NULL;
    }
    return json_string_value(v);
}

/* An optional RFC 3339 date-time member into *ms (0 when absent). */
static void time_member(const json_t *body, const char *key, int64_t *ms, struct verr_list *errs)
{
    char ptr[32];
    struct rtime_parsed t;
    const char *s = str_member(body, key, false, errs);
    *ms = 0;
    if (!s)
        return;
    snprintf(ptr, sizeof(ptr), "/%s", key);
    if (rtime_parse_rfc3339(s, strlen(s), &t))
        verr_add(errs, ptr, "not_a_date_time",
                 "must be an RFC 3339 date-time with an offset (2026-12-06T09:00:00+09:00)",
                 "RFC 3339 の日時（時差付き、例: 2026-12-06T09:00:00+09:00）で指定してください");
    else
        *ms = t.ms;
}

static void check_fields(const json_t *body, struct verr_list *errs)
{
    static const char *const known[] = {"type",       "value",     "kind", "count",
                                        "first_seen", "last_seen", "note"};
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < ARRAY_SIZE(known); i++)
            ok = ok || !strcmp(key, known[i]);
        if (!ok) {
            char ptr[80];
            snprintf(ptr, sizeof(ptr), "/%.70s", key);
            verr_add(errs, ptr, "unknown_field", "is not a member of a sighting",
                     "目撃情報にない項目です");
        }
    }
}

static void count_member(const json_t *body, int64_t *count, struct verr_list *errs)
{
    const json_t *v = json_object_get(body, "count");
    *count = 1;
    if (!v)
        return;
    if (!json_is_integer(v))
        verr_add(errs, "/count", "not_an_integer", "must be a whole number",
                 "整数で指定してください");
    else if (json_integer_value(v) < 1 || json_integer_value(v) > APP_SIGHTING_COUNT_MAX)
        verr_add(errs, "/count", "out_of_range", "must be between 1 and 1000000000",
                 "1以上1000000000以下で指定してください");
    else
        *count = json_integer_value(v);
}

static void value_members(const json_t *body, struct app_sighting_in *out, struct verr_list *errs)
{
    const char *type = str_member(body, "type", true, errs);
    const char *value = str_member(body, "value", true, errs);
    enum ioc_type t = sighting_type(type);
    if (type && t == IOC_INVALID)
        verr_add(errs, "/type", "unknown_type",
                 "must be ipv4, ipv6, domain, url, email, md5, sha1 or sha256",
                 "ipv4, ipv6, domain, url, email, md5, sha1, sha256 のいずれかです");
    if (t != IOC_INVALID && value)
        ioc_normalise(t, value, strlen(value), &out->value, errs, "/value");
}

int app_sighting_decode(const json_t *body, struct app_sighting_in *out, struct verr_list *errs)
{
    memset(out, 0, sizeof(*out));
    size_t before = errs->n + errs->dropped;
    if (!json_is_object(body)) {
        verr_add(errs, "", "not_an_object", "must be a JSON object",
                 "JSON オブジェクトで指定してください");
        return -1;
    }
    check_fields(body, errs);
    value_members(body, out, errs);
    const char *kind = str_member(body, "kind", true, errs);
    if (kind && strcmp(kind, "seen") && strcmp(kind, "false_positive"))
        verr_add(errs, "/kind", "unknown_kind", "must be seen or false_positive",
                 "seen または false_positive です");
    out->false_positive = kind && !strcmp(kind, "false_positive");
    count_member(body, &out->count, errs);
    time_member(body, "first_seen", &out->first_seen, errs);
    time_member(body, "last_seen", &out->last_seen, errs);
    if (out->first_seen && out->last_seen && out->last_seen < out->first_seen)
        verr_add(errs, "/last_seen", "time_order", "must not be before first_seen",
                 "first_seen より前にはできません");
    out->note = str_member(body, "note", false, errs);
    if (out->note && strlen(out->note) > APP_SIGHTING_NOTE_MAX)
        verr_add(errs, "/note", "too_long", "must be at most 1000 bytes",
                 "1000バイト以内で指定してください");
    return errs->n + errs->dropped > before ? -1 : 0;
}

enum app_problem app_sighting_create(const struct app_call *c, const json_t *body,
                                     char id_out[UUID_STR_LEN], struct app_result *res)
{
    struct app_sighting_in *in = xmalloc(sizeof(*in));
    enum app_problem pr = APP_OK;
    id_out[0] = '\0';
    if (c->who->role == ROLE_ADMIN) /* the platform operator reports nothing */
        pr = app_fail(res, APP_PROB_FORBIDDEN);
    else if (app_sighting_decode(body, in, &res->errs))
        pr = app_fail(res, APP_PROB_VALIDATION);
    if (pr)
        goto out;
    uuid_v7_new(id_out);
    struct sighting_write w = {.id = id_out,
                               .org_id = c->who->org_id,
                               .actor = c->who->user_id,
                               .type = ioc_type_name(in->value.type),
                               .value = in->value.text,
                               .kind = in->false_positive ? "false_positive" : "seen",
                               .note = in->note,
                               .count = in->count,
                               .first_seen = in->first_seen,
                               .last_seen = in->last_seen,
                               .now_ms = c->now_ms};
    pr = app_fail_store(res, store_sighting_add(c->app->store, &w));
out:
    free(in);
    return pr;
}

/* One kind's figures under the k rule. */
static json_t *kind_json(int64_t sightings, int64_t orgs, int64_t k)
{
    json_t *o = json_pack("{s:b}", "reported", orgs > 0);
    if (orgs >= k) {
        json_object_set_new(o, "sightings", json_integer((json_int_t)sightings));
        json_object_set_new(o, "organisations", json_integer((json_int_t)orgs));
    }
    return o;
}

enum app_problem app_sighting_counts(const struct app_call *c, const char *type, const char *value,
                                     json_t **out, struct app_result *res)
{
    struct ioc_value *v = xmalloc(sizeof(*v));
    struct sighting_counts n;
    enum ioc_type t = sighting_type(type);
    enum app_problem pr = APP_OK;
    int64_t k = c->app->cfg.sharing_k_anonymity;
    *out = NULL;
    if (c->who->role == ROLE_ADMIN)
        pr = app_fail(res, APP_PROB_FORBIDDEN);
    else if (t == IOC_INVALID)
        pr = app_fail_param(res, "type",
                            "must be ipv4, ipv6, domain, url, email, md5, sha1 or sha256",
                            "ipv4, ipv6, domain, url, email, md5, sha1, sha256 のいずれかです");
    else if (!value || ioc_normalise(t, value, strlen(value), v, NULL, ""))
        pr = app_fail_param(res, "value", "is not a valid indicator of that type",
                            "その種類の指標として正しくありません");
    else if (store_sighting_counts(c->app->store, ioc_type_name(t), v->text, &n))
        pr = app_fail_unavailable(res);
    else
        *out = json_pack("{s:s, s:s, s:o, s:o, s:b, s:I}", "type", ioc_type_name(t), "value",
                         v->text, "seen", kind_json(n.seen, n.seen_orgs, k), "false_positive",
                         kind_json(n.false_positive, n.false_positive_orgs, k), "disputed",
                         n.false_positive_orgs >= k, "k", (json_int_t)k);
    free(v);
    return pr;
}

bool app_sighting_disputed(const struct app_call *c, enum ioc_type type, const char *value)
{
    struct sighting_counts n;
    if (store_sighting_counts(c->app->store, ioc_type_name(type), value, &n))
        return false;
    return n.false_positive_orgs >= c->app->cfg.sharing_k_anonymity;
}
