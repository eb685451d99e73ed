/*
 * h_docs.c — an organisation's versioned documents over HTTP: the asset inventory and the
 * loss scenarios (issue 4). One set of handlers serves every kind; what differs per kind is
 * the path and the validation (struct doc_kind). Updates need If-Match, like report
 * amendments, so two people editing the same scenario cannot silently overwrite each other.
 */
#include "http_int.h"
#include "h_govern.h"
#include "../core/jsonx.h"
#include "../risk/risk_asset.h"

static const struct doc_kind kinds[] = {
    {"asset", "/api/v1/assets", "asset", "asset", "資産", http_check_asset},
    {"risk_scenario", "/api/v1/risk/scenarios", "scenario", "loss scenario", "損失シナリオ",
     http_check_scenario},
};

static const struct doc_kind *kind_of(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (!strcmp(kinds[i].kind, name))
            return &kinds[i];
    BUG("unknown document kind %s", name);
}

json_t *http_doc_json(const struct orgdoc_rec *d, const char *body_key)
{
    json_t *j = json_pack("{s:s, s:i, s:o, s:o, s:s}", "id", d->id, "version", d->version,
                          "created_at", http_time(d->created_at), "updated_at",
                          http_time(d->updated_at), "created_by", d->created_by);
    if (d->body) {
        json_t *b = json_loads(d->body, 0, NULL);
        if (!b)
            BUG("stored %s %s is not JSON", d->kind, d->id);
        json_object_set_new(j, body_key, b);
    }
    return j;
}

static void send_doc(struct req *r, int status, const struct doc_kind *k,
                     const struct orgdoc_rec *d)
{
    char etag[24], loc[128];
    snprintf(etag, sizeof(etag), "\"v%d\"", d->version);
    http_header(r, "ETag", etag);
    if (status == 201) {
        snprintf(loc, sizeof(loc), "%s/%s", k->path, d->id);
        http_header(r, "Location", loc);
    }
    http_json(r, status, http_doc_json(d, k->body_key));
}

/* The body as stored: canonical JSON of the validated object. */
static char *canonical(const json_t *doc)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    jsonx_dump_canonical(doc, &b);
    char *s = xstrndup(b.data, b.len);
    buf_release(&b);
    return s;
}

/* Parses and validates a document body for the document id. Returns NULL after answering. */
static json_t *doc_body(struct req *r, const struct doc_kind *k, const char *id)
{
    json_t *doc = http_body_json(r);
    if (doc && !k->check(r, doc, id)) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static void doc_create(struct req *r, const struct doc_kind *k)
{
    struct orgdoc_rec d;
    json_t *doc;
    memset(&d, 0, sizeof(d));
    uuid_v7_new(d.id);
    if (!(doc = doc_body(r, k, d.id)))
        return;
    xstrlcpy(d.org_id, r->who.org_id, sizeof(d.org_id));
    xstrlcpy(d.kind, k->kind, sizeof(d.kind));
    xstrlcpy(d.created_by, r->who.user_id, sizeof(d.created_by));
    d.body = canonical(doc);
    json_decref(doc);
    int res = store_orgdoc_create(r->app->store, &d, r->who.user_id, r->now_ms);
    if (res) {
        http_store_error(r, res);
    } else {
        d.version = 1;
        d.created_at = d.updated_at = r->now_ms;
        send_doc(r, 201, k, &d);
    }
    orgdoc_rec_release(&d);
}

bool http_doc_fetch(struct req *r, const char *kind, enum auth_action a, const char *id,
                    struct orgdoc_rec *d)
{
    struct app_result res;
    app_result_init(&res, 4);
    bool ok = app_doc_fetch(r->app, &r->who, kind, a, id, d, &res) == APP_OK;
    if (!ok)
        http_fail_result(r, &res);
    app_result_release(&res);
    return ok;
}

static void doc_get(struct req *r, const struct doc_kind *k)
{
    struct orgdoc_rec d;
    if (!http_doc_fetch(r, k->kind, ACT_RISK_READ, r->params[0], &d))
        return;
    if (http_if_none_match_hits(http_header_in(r, "If-None-Match"), d.version)) {
        char etag[24];
        snprintf(etag, sizeof(etag), "\"v%d\"", d.version);
        http_header(r, "ETag", etag);
        http_raw(r, 304, "application/json", "", 0);
    } else {
        send_doc(r, 200, k, &d);
    }
    orgdoc_rec_release(&d);
}

void http_precondition(struct req *r, enum http_ifm m, int latest, const char *what_en,
                       const char *what_ja)
{
    char etag[24], en[256], ja[320];
    snprintf(etag, sizeof(etag), "\"v%d\"", latest);
    if (m == IFM_ABSENT || m == IFM_STAR) {
        snprintf(en, sizeof(en),
                 "Name the version of the %s you mean with If-Match and the "
                 "ETag you read, e.g. If-Match: %s (\"*\" is not accepted).",
                 what_en, etag);
        snprintf(ja, sizeof(ja),
                 "対象とする%sの版を、取得した ETag を If-Match に付けて指定してください"
                 "（例: If-Match: %s。\"*\" は使用できません）。",
                 what_ja, etag);
        http_fail(r, APP_PROB_PRECONDITION_REQUIRED, en, ja, NULL);
        return;
    }
    snprintf(en, sizeof(en),
             "The %s has changed: the current version is %d. Read it again and "
             "send If-Match: %s.",
             what_en, latest, etag);
    snprintf(ja, sizeof(ja),
             "%sは更新されています（現在は第%d版）。再取得して If-Match: %s "
             "を付けて送ってください。",
             what_ja, latest, etag);
    http_header(r, "ETag", etag);
    http_fail(r, APP_PROB_PRECONDITION_FAILED, en, ja, NULL);
}

static void doc_update(struct req *r, const struct doc_kind *k)
{
    struct orgdoc_rec d, now;
    json_t *doc = NULL;
    char *body = NULL;
    if (!http_doc_fetch(r, k->kind, ACT_RISK_WRITE, r->params[0], &d))
        return;
    enum http_ifm m = http_if_match(http_header_in(r, "If-Match"), d.version);
    if (m != IFM_MATCH) {
        http_precondition(r, m, d.version, k->name_en, k->name_ja);
        goto out;
    }
    if (!(doc = doc_body(r, k, d.id)))
        goto out;
    body = canonical(doc);
    int res = store_orgdoc_update(r->app->store, d.id, d.version, body, r->who.user_id, r->now_ms);
    if (res == STORE_CONFLICT) {
        int latest = d.version + 1;
        if (store_orgdoc_get(r->app->store, d.id, &now) == STORE_OK) {
            latest = now.version;
            orgdoc_rec_release(&now);
        }
        http_precondition(r, IFM_NO_MATCH, latest, k->name_en, k->name_ja);
    } else if (res) {
        http_store_error(r, res);
    } else {
        free(d.body);
        d.body = body;
        body = NULL;
        d.version++;
        d.updated_at = r->now_ms;
        send_doc(r, 200, k, &d);
    }
out:
    free(body);
    json_decref(doc);
    orgdoc_rec_release(&d);
}

void http_doc_list(struct req *r, const char *kind, const char *body_key, bool with_body)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    char after[UUID_STR_LEN];
    struct orgdoc_list l;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    if (store_orgdoc_list(r->app->store, r->who.org_id, kind, after[0] ? after : NULL, limit,
                          with_body, &l))
        return http_unavailable(r);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, http_doc_json(&l.items[i], body_key));
    http_page(r, items, l.more && l.n ? l.items[l.n - 1].id : NULL);
    orgdoc_list_release(&l);
}

void h_asset_create(struct req *r)
{
    doc_create(r, kind_of("asset"));
}
void h_asset_list(struct req *r)
{
    http_doc_list(r, "asset", "asset", true);
}
void h_asset_get(struct req *r)
{
    doc_get(r, kind_of("asset"));
}
void h_asset_update(struct req *r)
{
    doc_update(r, kind_of("asset"));
}
void h_scenario_create(struct req *r)
{
    doc_create(r, kind_of("risk_scenario"));
}
void h_scenario_list(struct req *r)
{
    http_doc_list(r, "risk_scenario", "scenario", true);
}
void h_scenario_get(struct req *r)
{
    doc_get(r, kind_of("risk_scenario"));
}
void h_scenario_update(struct req *r)
{
    doc_update(r, kind_of("risk_scenario"));
}
