/*
 * h_docs.c — an organisation's versioned documents over HTTP: the asset inventory and the
 * loss scenarios (issue 4). One set of handlers serves every kind; what differs per kind is
 * the path and the JSON key of the content (struct doc_kind) and, in the use cases
 * (app_doc_*, src/app/app_docs.c), the validation. Updates need If-Match, like report
 * amendments, so two people editing the same scenario cannot silently overwrite each other.
 */
#include "http_int.h"
#include "h_govern.h"

static const struct doc_kind kinds[] = {
    {"asset", "/api/v1/assets", "asset"},
    {"risk_scenario", "/api/v1/risk/scenarios", "scenario"},
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

static void doc_create(struct req *r, const struct doc_kind *k)
{
    struct app_result res;
    struct orgdoc_rec d;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_doc_create(r->app, &r->who, app_doc_kind(k->kind), doc, r->now_ms, &d, &res)) {
        http_fail_result(r, &res);
    } else {
        send_doc(r, 201, k, &d);
        orgdoc_rec_release(&d);
    }
    app_result_release(&res);
    json_decref(doc);
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

static void doc_update(struct req *r, const struct doc_kind *k)
{
    struct app_result res;
    struct orgdoc_rec d;
    struct app_expect exp = http_expect(r);
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_doc_update(r->app, &r->who, app_doc_kind(k->kind), r->params[0], &exp, doc, r->now_ms,
                       &d, &res)) {
        http_fail_result(r, &res);
    } else {
        send_doc(r, 200, k, &d);
        orgdoc_rec_release(&d);
    }
    app_result_release(&res);
    json_decref(doc);
}

void http_doc_list(struct req *r, const char *kind, const char *body_key, bool with_body)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    char after[UUID_STR_LEN];
    struct orgdoc_list l;
    struct app_result res;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    app_result_init(&res, 4);
    if (app_doc_list(r->app, &r->who, kind, after[0] ? after : NULL, limit, with_body, &l, &res)) {
        http_fail_result(r, &res);
        app_result_release(&res);
        return;
    }
    app_result_release(&res);
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
