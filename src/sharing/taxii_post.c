/* taxii_post.c — an envelope POSTed to a collection (TAXII 2.1 §5.5) and its status (§4.3)
 * (taxii.h). */
#include "taxii.h"

#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../core/uuid.h"

static void add_detail(struct taxii_status_detail **v, size_t *n, size_t *cap, const char *id,
                       const char *version, const char *en, const char *ja)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = xrealloc(*v, *cap * sizeof(**v));
    }
    struct taxii_status_detail *d = &(*v)[(*n)++];
    d->id = xstrdup(id ? id : "");
    d->version = version ? xstrdup(version) : NULL;
    d->message = NULL;
    if (en && en[0]) {
        size_t len = strlen(en) + strlen(ja ? ja : "") + 4;
        d->message = xmalloc(len);
        snprintf(d->message, len, "%s / %s", en, ja ? ja : "");
    }
}

static void record(struct taxii_status *st, enum taxii_verdict v, const char *id,
                   const char *version, const char *en, const char *ja)
{
    switch (v) {
    case TAXII_OBJ_SUCCESS:
        add_detail(&st->successes, &st->n_successes, &st->cap_s, id, version, en, ja);
        break;
    case TAXII_OBJ_PENDING:
        add_detail(&st->pendings, &st->n_pendings, &st->cap_p, id, version, en, ja);
        break;
    default:
        add_detail(&st->failures, &st->n_failures, &st->cap_f, id, version, en, ja);
    }
}

static bool valid_type(const char *s, size_t n)
{
    if (n < 3 || n > 250)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

/* The envelope's own checks of one object (STIX 2.1 §2.9 identifier, §3.2 timestamps, §3.1
 * spec_version); NULL when it passes, else the English reason (ja through *ja). */
static const char *check_object(json_t *o, const char **id, const char **version, const char **ja)
{
    const char *type = json_string_value(json_object_get(o, "type"));
    json_t *sv = json_object_get(o, "spec_version");
    json_t *ver = json_object_get(o, "modified");
    *id = json_string_value(json_object_get(o, "id"));
    *version = NULL;
    if (!json_is_object(o))
        return *ja = "オブジェクトではありません", "not a JSON object";
    if (!type || !valid_type(type, strlen(type)))
        return *ja = "type がないか STIX の型名ではありません",
               "type is missing or not a STIX type name";
    size_t tl = strlen(type);
    if (!*id || strlen(*id) != tl + 38 || strncmp(*id, type, tl) || strncmp(*id + tl, "--", 2) ||
        !uuid_valid(*id + tl + 2, 36))
        return *ja = "id がないか、型名--UUID の形ではありません",
               "id is missing or not <type>--<UUID> with the object's type";
    if (sv && (!json_is_string(sv) ||
               (strcmp(json_string_value(sv), "2.1") && strcmp(json_string_value(sv), "2.0"))))
        return *ja = "spec_version は 2.0 または 2.1 でなければなりません",
               "spec_version must be 2.0 or 2.1";
    if (!ver)
        ver = json_object_get(o, "created");
    if (ver) {
        const char *s = json_string_value(ver);
        struct rtime_parsed t;
        size_t n = s ? strlen(s) : 0;
        if (!s || n < 20 || s[n - 1] != 'Z' || rtime_parse_rfc3339(s, n, &t) != RTIME_OK)
            return *ja = "modified / created が UTC のタイムスタンプではありません",
                   "modified / created is not a timestamp in UTC";
        *version = s;
    }
    return NULL;
}

static int too_large(struct verr_list *errs, const char *en, const char *ja)
{
    verr_add(errs, "", "too_large", en, ja);
    return TAXII_POST_TOO_LARGE;
}

int taxii_envelope_post(const char *body, size_t n, const struct taxii_post_limits *lim,
                        taxii_object_fn fn, void *ctx, struct taxii_status *st,
                        struct verr_list *errs)
{
    json_t *doc = NULL, *objs;
    struct jsonx_error je;
    int rc = TAXII_POST_OK;
    if (n > lim->max_bytes)
        return too_large(errs, "the envelope is larger than the API root's max_content_length",
                         "エンベロープが API ルートの max_content_length を超えています");
    if (jsonx_load_object(body, n, lim->max_depth, &doc, &je) != JSONX_OK) {
        char en[300], ja[300];
        snprintf(en, sizeof(en), "not a JSON object at line %d, column %d: %s", je.line, je.column,
                 je.text);
        snprintf(ja, sizeof(ja), "%d 行 %d 列: JSON オブジェクトではありません（%s）", je.line,
                 je.column, je.text_ja);
        verr_add(errs, "", "bad_json", en, ja);
        return TAXII_POST_INVALID;
    }
    objs = json_object_get(doc, "objects");
    if (objs && !json_is_array(objs)) {
        verr_add(errs, "/objects", "bad_envelope", "objects must be an array",
                 "objects は配列でなければなりません");
        rc = TAXII_POST_INVALID;
        goto out;
    }
    st->total = json_array_size(objs);
    if (st->total > lim->max_objects) {
        rc = too_large(errs, "the envelope holds more objects than this server takes at once",
                       "エンベロープのオブジェクト数が本サーバの上限を超えています");
        goto out;
    }
    for (size_t i = 0; i < st->total; i++) {
        json_t *o = json_array_get(objs, i);
        const char *id, *version, *ja = NULL, *en = check_object(o, &id, &version, &ja);
        char cen[256] = "", cja[256] = "";
        if (en) {
            record(st, TAXII_OBJ_FAILURE, id, version, en, ja);
            continue;
        }
        enum taxii_verdict v = fn ? fn(o, i, id, version, ctx, cen, cja) : TAXII_OBJ_SUCCESS;
        record(st, v, id, version, cen, cja);
    }
out:
    json_decref(doc);
    return rc;
}
