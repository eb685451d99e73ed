/*
 * app_sighting.c — sightings of indicators (app_sighting.h).
 */
#include "app_sighting.h"
#include "../core/rtime.h"
#include "../core/uuid.h"
#include "../sharing/stix.h"

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
                                        "first_seen", "last_seen", "note", "tlp"};
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
    const char *tlp = str_member(body, "tlp", false, errs);
    out->tlp = tlp ? tlp_parse(tlp) : TLP_AMBER;
    if (out->tlp == TLP_INVALID)
        verr_add(errs, "/tlp", "unknown_tlp",
                 "must be a TLP 2.0 label: TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or "
                 "TLP:RED",
                 "TLP 2.0 の区分（TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED）の"
                 "いずれかです");
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
                               .tlp = tlp_label(in->tlp),
                               .count = in->count,
                               .first_seen = in->first_seen,
                               .last_seen = in->last_seen,
                               .now_ms = c->now_ms};
    pr = app_fail_store(res, store_sighting_add(c->app->store, &w));
out:
    free(in);
    return pr;
}

/* The sightings others' figures leave out: TLP:RED ones are for the eyes of their own
 * organisation (FIRST TLP 2.0: "for the eyes and ears of individual recipients only"), so even a
 * count that includes them would tell others something (as for TLP:RED incidents, §3). */
#define NOT_COUNTED "TLP:RED"

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

/* The indicator a query names (?type=&value=) normalised into v, for a member of an
 * organisation: FORBIDDEN for the platform administrator, BAD_QUERY for a bad type or value. */
static enum app_problem query_indicator(const struct app_call *c, const char *type,
                                        const char *value, struct ioc_value *v,
                                        struct app_result *res)
{
    enum ioc_type t = sighting_type(type);
    if (c->who->role == ROLE_ADMIN)
        return app_fail(res, APP_PROB_FORBIDDEN);
    if (t == IOC_INVALID)
        return app_fail_param(res, "type",
                              "must be ipv4, ipv6, domain, url, email, md5, sha1 or sha256",
                              "ipv4, ipv6, domain, url, email, md5, sha1, sha256 のいずれかです");
    if (!value || ioc_normalise(t, value, strlen(value), v, NULL, ""))
        return app_fail_param(res, "value", "is not a valid indicator of that type",
                              "その種類の指標として正しくありません");
    return APP_OK;
}

enum app_problem app_sighting_counts(const struct app_call *c, const char *type, const char *value,
                                     json_t **out, struct app_result *res)
{
    struct ioc_value *v = xmalloc(sizeof(*v));
    struct sighting_counts n;
    enum ioc_type t = sighting_type(type);
    enum app_problem pr;
    int64_t k = c->app->cfg.sharing_k_anonymity;
    *out = NULL;
    pr = query_indicator(c, type, value, v, res);
    if (!pr && store_sighting_counts(c->app->store, ioc_type_name(t), v->text, NOT_COUNTED, &n))
        pr = app_fail_unavailable(res);
    else if (!pr)
        *out = json_pack("{s:s, s:s, s:o, s:o, s:b, s:I}", "type", ioc_type_name(t), "value",
                         v->text, "seen", kind_json(n.seen, n.seen_orgs, k), "false_positive",
                         kind_json(n.false_positive, n.false_positive_orgs, k), "disputed",
                         n.false_positive_orgs >= k, "k", (json_int_t)k);
    free(v);
    return pr;
}

/* ---- STIX 2.1 (app_sighting.h; docs/sharing.md §4) ---- */

#define STIX_COUNT_MAX 999999999 /* STIX 2.1 §5.2: count is 0–999,999,999 */
#define DAY_MS 86400000LL

/* What one export gathers; keys and ids live as long as the objects are built. */
struct sighting_export {
    struct ioc_value v;
    struct sighting_rec *own;
    size_t n_own;
    struct sighting_counts counts;
    char ind_key[IOC_TEXT_MAX + 32], agg_key[IOC_TEXT_MAX + 64];
    char ind_id[STIX_ID_LEN], org_id[STIX_ID_LEN];
};

static long stix_count(int64_t n)
{
    return n > STIX_COUNT_MAX ? STIX_COUNT_MAX : (long)n;
}

/* Adds o (a new reference, or NULL after a problem in errs) to objs; its id into id when asked. */
static void add_object(json_t *objs, json_t *o, char *id)
{
    if (!o)
        return;
    if (id)
        xstrlcpy(id, json_string_value(json_object_get(o, "id")), STIX_ID_LEN);
    json_array_append_new(objs, o);
}

/* The caller's organisation's identity, named only because identify asked for it (its consent
 * for this export, as GET /api/v1/reports/{id}/stix?identify=true). */
static enum app_problem add_identity(const struct app_call *c, json_t *objs,
                                     struct sighting_export *x, struct app_result *res)
{
    struct org o;
    char key[64];
    int sr = store_org_get(c->app->store, c->who->org_id, &o);
    if (sr)
        return app_fail_store(res, sr);
    snprintf(key, sizeof(key), "org:%s", o.id);
    add_object(
        objs,
        stix_identity(&(struct stix_identity_in){.m = {key, o.created_at, o.created_at, TLP_AMBER},
                                                 .name = o.name_en[0] ? o.name_en : o.name_ja},
                      true, &res->errs),
        x->org_id);
    return APP_OK;
}

/* The label a stored sighting carries (one stored before labels were kept reads TLP:AMBER). */
static enum tlp sighting_tlp(const struct sighting_rec *r)
{
    enum tlp t = tlp_parse(r->tlp);
    return t == TLP_INVALID ? TLP_AMBER : t;
}

/* The organisation's own sightings, each a full STIX sighting under its own label. */
static void add_own(json_t *objs, const struct sighting_export *x, struct verr_list *errs)
{
    const char *where[1] = {x->org_id};
    bool named = x->org_id[0] != '\0';
    for (size_t i = 0; i < x->n_own; i++) {
        const struct sighting_rec *r = &x->own[i];
        struct stix_sighting_in in = {
            .m = {r->id, r->created_at, r->created_at, sighting_tlp(r), named ? x->org_id : NULL},
            .sighting_of = x->ind_id,
            .count = stix_count(r->count),
            .first_seen_ms = r->first_seen,
            .last_seen_ms = r->last_seen,
            .where_sighted = named ? where : NULL,
            .n_where = named ? 1 : 0,
            .false_positive = !strcmp(r->kind, "false_positive")};
        add_object(objs, stix_sighting(&in, errs), NULL);
    }
}

/* The platform's figures of one kind, only from k organisations: a count, the number of
 * organisations, nobody named, no times (a first or last time would be one organisation's). */
static void add_platform(json_t *objs, struct sighting_export *x, bool fp, int64_t sum,
                         int64_t orgs, int64_t k, int64_t now, struct verr_list *errs)
{
    char day[32];
    int64_t start = now - now % DAY_MS;
    if (orgs < k)
        return;
    rtime_format_utc(start, day, sizeof(day));
    snprintf(x->agg_key, sizeof(x->agg_key), "platform:%s:%s:%s:%.10s", ioc_type_name(x->v.type),
             x->v.text, fp ? "false_positive" : "seen", day);
    struct stix_sighting_in in = {.m = {x->agg_key, start, now, TLP_AMBER, NULL},
                                  .sighting_of = x->ind_id,
                                  .count = stix_count(sum),
                                  .false_positive = fp};
    json_t *o = stix_sighting(&in, errs);
    if (o)
        json_object_set_new(o, "x_ichigen_organisations", json_integer((json_int_t)orgs));
    add_object(objs, o, NULL);
}

/* The bundle's objects: the indicator, the identity (identify), own sightings, the platform's. */
static enum app_problem sighting_objects(const struct app_call *c, struct sighting_export *x,
                                         bool identify, json_t *objs, struct app_result *res)
{
    int64_t k = c->app->cfg.sharing_k_anonymity;
    snprintf(x->ind_key, sizeof(x->ind_key), "ioc:%s:%s", ioc_type_name(x->v.type), x->v.text);
    struct stix_indicator_in ind = {.m = {x->ind_key, 0, 0, TLP_AMBER, NULL},
                                    .type = x->v.type,
                                    .value = x->v.text,
                                    .valid_from_ms = 0,
                                    .confidence = -1};
    add_object(objs, stix_indicator(&ind, &res->errs), x->ind_id);
    if (identify && add_identity(c, objs, x, res))
        return res->problem;
    add_own(objs, x, &res->errs);
    add_platform(objs, x, false, x->counts.seen, x->counts.seen_orgs, k, c->now_ms, &res->errs);
    add_platform(objs, x, true, x->counts.false_positive, x->counts.false_positive_orgs, k,
                 c->now_ms, &res->errs);
    /* a stored sighting the exporter refuses is ours to fix, not the caller's */
    return verr_any(&res->errs) ? app_fail(res, APP_PROB_RENDERING_FAILED) : APP_OK;
}

enum app_problem app_sighting_stix(const struct app_call *c, const char *type, const char *value,
                                   bool identify, json_t **bundle, struct app_result *res)
{
    struct sighting_export *x = xcalloc(1, sizeof(*x));
    json_t *objs = NULL;
    enum app_problem pr;
    *bundle = NULL;
    if ((pr = query_indicator(c, type, value, &x->v, res)))
        goto out;
    const char *t = ioc_type_name(x->v.type);
    if (store_sighting_counts(c->app->store, t, x->v.text, NOT_COUNTED, &x->counts) ||
        store_sighting_list_org(c->app->store, c->who->org_id, t, x->v.text, APP_SIGHTING_STIX_MAX,
                                &x->own, &x->n_own)) {
        pr = app_fail_unavailable(res);
        goto out;
    }
    objs = json_array();
    if ((pr = sighting_objects(c, x, identify, objs, res)))
        goto out;
    char key[IOC_TEXT_MAX + 64];
    snprintf(key, sizeof(key), "sightings:%s:%s:%lld", t, x->v.text, (long long)c->now_ms);
    *bundle = stix_bundle(key, objs); /* takes its own references */
out:
    json_decref(objs);
    free(x->own);
    free(x);
    return pr;
}

bool app_sighting_disputed(const struct app_call *c, enum ioc_type type, const char *value)
{
    struct sighting_counts n;
    if (store_sighting_counts(c->app->store, ioc_type_name(type), value, NOT_COUNTED, &n))
        return false;
    return n.false_positive_orgs >= c->app->cfg.sharing_k_anonymity;
}
