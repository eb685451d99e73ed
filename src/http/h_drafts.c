/*
 * h_drafts.c — drafts of reports over HTTP (issue 12): create, list, read, save (If-Match),
 * delete. The use cases are app_draft_* (src/app/app_drafts.c); a draft's version is its ETag
 * "v<N>" (RFC 9110 §8.8.3), as for reports and assessments.
 */
#include "h_app.h"
#include "../app/app_drafts.h"

static void set_etag(struct req *r, int version)
{
    char etag[24];
    snprintf(etag, sizeof(etag), "\"v%d\"", version);
    http_header(r, "ETag", etag);
}

/* A draft as the API shows it; with_report false leaves "report" out (lists). */
static json_t *draft_json(const struct draft_rec *d, bool with_report)
{
    json_t *j =
        json_pack("{s:s, s:s, s:o, s:o, s:i, s:o, s:s}", "id", d->id, "title", d->title,
                  "incident_id", d->incident_id[0] ? json_string(d->incident_id) : json_null(),
                  "updated_at", http_time(d->updated_at), "version", d->version, "created_at",
                  http_time(d->created_at), "author_id", d->author_id);
    if (with_report)
        json_object_set_new(j, "report",
                            d->body ? json_loads(d->body, JSON_DECODE_ANY, NULL) : json_null());
    return j;
}

static void answer_draft(struct req *r, int status, const struct draft_rec *d)
{
    set_etag(r, d->version);
    if (status == 201) {
        char loc[96];
        snprintf(loc, sizeof(loc), "/api/v1/drafts/%s", d->id);
        http_header(r, "Location", loc);
    }
    http_json(r, status, draft_json(d, true));
}

void h_draft_create(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct draft_rec d;
    struct app_result res;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_draft_create(&c, doc, &d, &res)) {
        http_fail_result(r, &res);
    } else {
        answer_draft(r, 201, &d);
        draft_rec_release(&d);
    }
    app_result_release(&res);
    json_decref(doc);
}

void h_draft_list(struct req *r)
{
    static const char *const allowed[] = {"limit", NULL};
    struct app_call c = http_app_call(r);
    struct draft_rec *d = NULL;
    struct app_result res;
    size_t n = 0;
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0)
        return;
    app_result_init(&res, 4);
    if (app_draft_list(&c, limit, &d, &n, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, draft_json(&d[i], false));
        http_json(r, 200, json_pack("{s:o}", "items", items));
    }
    free(d);
    app_result_release(&res);
}

void h_draft_get(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct draft_rec d;
    struct app_result res;
    app_result_init(&res, 4);
    if (app_draft_get(&c, r->params[0], &d, &res)) {
        http_fail_result(r, &res);
    } else {
        answer_draft(r, 200, &d);
        draft_rec_release(&d);
    }
    app_result_release(&res);
}

void h_draft_save(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_expect exp = http_expect(r);
    struct draft_rec d;
    struct app_result res;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_draft_save(&c, r->params[0], &exp, doc, &d, &res)) {
        http_fail_result(r, &res);
    } else {
        answer_draft(r, 200, &d);
        draft_rec_release(&d);
    }
    app_result_release(&res);
    json_decref(doc);
}

void h_draft_delete(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    app_result_init(&res, 4);
    if (app_draft_delete(&c, r->params[0], &res))
        http_fail_result(r, &res);
    else
        http_raw(r, 204, "application/json", "", 0);
    app_result_release(&res);
}
