/*
 * h_advisories.c — advisories and users' clearances over HTTP (issue 13 items 1 and 2). Each
 * handler decodes, calls one app_advisory_* / app_clearance_* use case (src/app/
 * app_advisory.c) and encodes; who may read what is decided there, by the one TLP read rule.
 * An advisory's latest version is its ETag "v<N>" (RFC 9110 §8.8.3), as for reports.
 */
#include "h_app.h"
#include "../app/app_advisory.h"
#include "../core/rtime.h"
#include "../sharing/advisory.h"
#include "../sharing/clearance.h"

static void set_etag(struct req *r, int version)
{
    char etag[24];
    snprintf(etag, sizeof(etag), "\"v%d\"", version);
    http_header(r, "ETag", etag);
}

static json_t *text_or_null(const char *json_text)
{
    json_t *j = json_text ? json_loads(json_text, 0, NULL) : NULL;
    return j ? j : json_null();
}

static json_t *time_or_null(int64_t ms)
{
    return ms ? http_time(ms) : json_null();
}

/* An advisory as the API shows it: its state, and (view non-NULL) its content as the caller
 * sees it (stolen). acked: the caller's organisation's acknowledged version, or 0. in_force:
 * within its validity period at now_ms and not withdrawn. */
static json_t *advisory_json(const struct advisory_rec *a, int acked, json_t *view, int64_t now_ms)
{
    int64_t from, until;
    app_advisory_validity(a, &from, &until);
    json_t *j = json_pack(
        "{s:s, s:i, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", a->id, "version",
        a->version, "latest_version", a->latest_version, "organization_id", a->org_id, "tlp",
        a->tlp, "required_clearance", a->clearance[0] ? json_string(a->clearance) : json_null(),
        "title", text_or_null(a->title), "created_at", http_time(a->created_at), "updated_at",
        http_time(a->updated_at), "version_created_at", http_time(a->version_created_at),
        "acknowledged_version", acked ? json_integer(acked) : json_null());
    json_object_set_new(j, "withdrawn",
                        a->withdrawn_at
                            ? json_pack("{s:o, s:s}", "at", http_time(a->withdrawn_at), "reason",
                                        a->withdrawn_reason ? a->withdrawn_reason : "")
                            : json_null());
    json_object_set_new(j, "valid_from", time_or_null(from));
    json_object_set_new(j, "valid_until", time_or_null(until));
    json_object_set_new(j, "in_force",
                        json_boolean(!a->withdrawn_at && advisory_in_force(from, until, now_ms)));
    if (view)
        json_object_set_new(j, "advisory", view);
    return j;
}

/* Answers one advisory read back for the caller. */
static void answer(struct req *r, int status, const struct advisory_rec *a, int acked)
{
    struct app_call c = http_app_call(r);
    struct app_reader rd;
    struct app_result res;
    app_result_init(&res, 4);
    if (app_share_reader(&c, &rd, &res)) {
        http_fail_result(r, &res);
    } else {
        set_etag(r, a->latest_version);
        if (status == 201) {
            char loc[96];
            snprintf(loc, sizeof(loc), "/api/v1/advisories/%s", a->id);
            http_header(r, "Location", loc);
        }
        http_json(r, status, advisory_json(a, acked, app_advisory_view(&rd, a), c.now_ms));
    }
    app_result_release(&res);
}

/* Runs a use case that writes a body and returns the advisory; answers it with status. */
static void write_call(struct req *r, int status, bool with_body,
                       enum app_problem (*fn)(const struct app_call *, const char *,
                                              const struct app_expect *, const json_t *,
                                              struct advisory_rec *, struct app_result *))
{
    struct app_call c = http_app_call(r);
    struct app_expect exp = http_expect(r);
    struct advisory_rec a;
    struct app_result res;
    json_t *doc = with_body ? http_body_json(r) : NULL;
    if (with_body && !doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (fn(&c, r->params[0], &exp, doc, &a, &res)) {
        http_fail_result(r, &res);
    } else {
        answer(r, status, &a, 0);
        advisory_rec_release(&a);
    }
    app_result_release(&res);
    json_decref(doc);
}

static enum app_problem create_fn(const struct app_call *c, const char *id,
                                  const struct app_expect *exp, const json_t *body,
                                  struct advisory_rec *out, struct app_result *res)
{
    UNUSED(id);
    UNUSED(exp);
    return app_advisory_create(c, body, out, res);
}

static enum app_problem withdraw_fn(const struct app_call *c, const char *id,
                                    const struct app_expect *exp, const json_t *body,
                                    struct advisory_rec *out, struct app_result *res)
{
    UNUSED(exp);
    return app_advisory_withdraw(c, id, body, out, res);
}

void h_advisory_create(struct req *r)
{
    write_call(r, 201, true, create_fn);
}

void h_advisory_amend(struct req *r)
{
    write_call(r, 201, true, app_advisory_amend);
}

void h_advisory_tlp(struct req *r)
{
    write_call(r, 200, true, app_advisory_downgrade);
}

void h_advisory_withdraw(struct req *r)
{
    write_call(r, 200, true, withdraw_fn);
}

void h_advisory_get(struct req *r)
{
    static const char *const allowed[] = {"version", NULL};
    struct app_call c = http_app_call(r);
    struct advisory_rec a;
    struct app_result res;
    const char *v = http_query(r, "version");
    int64_t version = 0;
    int acked = 0;
    if (!http_query_only(r, allowed))
        return;
    if (v && parse_int64(v, 1, INT32_MAX, &version))
        return http_bad_query(r, "version", "must be a version number (1, 2, …)",
                              "版番号（1, 2, …）を指定してください");
    app_result_init(&res, 4);
    if (app_advisory_get(&c, r->params[0], (int)version, &a, &acked, &res)) {
        http_fail_result(r, &res);
    } else {
        answer(r, 200, &a, acked);
        advisory_rec_release(&a);
    }
    app_result_release(&res);
}

static int query_since(struct req *r, int64_t *out)
{
    const char *s = http_query(r, "since");
    struct rtime_parsed t;
    *out = 0;
    if (!s)
        return 0;
    if (rtime_parse_rfc3339(s, strlen(s), &t)) {
        http_bad_query(r, "since", "must be an RFC 3339 date-time with offset",
                       "時差付きの日時（RFC 3339）で指定してください");
        return -1;
    }
    *out = t.ms;
    return 0;
}

void h_advisory_list(struct req *r)
{
    static const char *const allowed[] = {
        "limit", "cursor", "unacknowledged", "sector", "since", "include_expired", NULL};
    struct app_call c = http_app_call(r);
    struct app_advisory_query q = {.sector = http_query(r, "sector")};
    struct app_advisory_page page;
    struct app_result res;
    char after[UUID_STR_LEN];
    const char *un = http_query(r, "unacknowledged");
    if (!http_query_only(r, allowed) || (q.limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after) || query_since(r, &q.since))
        return;
    if (un && strcmp(un, "true") && strcmp(un, "false"))
        return http_bad_query(r, "unacknowledged", "must be true or false",
                              "true 又は false を指定してください");
    q.unacknowledged = un && !strcmp(un, "true");
    const char *ex = http_query(r, "include_expired");
    if (ex && strcmp(ex, "true") && strcmp(ex, "false"))
        return http_bad_query(r, "include_expired", "must be true or false",
                              "true 又は false を指定してください");
    q.include_expired = ex && !strcmp(ex, "true");
    q.cursor = after[0] ? after : NULL;
    app_result_init(&res, 4);
    if (app_advisory_list(&c, &q, &page, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < page.list.n; i++)
            json_array_append_new(items,
                                  advisory_json(&page.list.items[i],
                                                page.list.items[i].acked_version, NULL, c.now_ms));
        /* the count is of what the caller may read on this page, computed after filtering */
        http_json(r, 200,
                  json_pack("{s:o, s:i, s:o}", "items", items, "count", (json_int_t)page.list.n,
                            "next_cursor",
                            page.next_cursor[0] ? http_cursor(page.next_cursor) : json_null()));
    }
    app_advisory_page_release(&page);
    app_result_release(&res);
}

void h_advisory_ack(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    int version = 0;
    app_result_init(&res, 4);
    if (app_advisory_ack(&c, r->params[0], &version, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 200,
                  json_pack("{s:s, s:s, s:i}", "id", r->params[0], "organization_id", r->who.org_id,
                            "acknowledged_version", version));
    app_result_release(&res);
}

void h_advisory_acks(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    struct advisory_ack *acks = NULL;
    size_t n = 0;
    app_result_init(&res, 4);
    if (app_advisory_acks(&c, r->params[0], &acks, &n, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items,
                                  json_pack("{s:s, s:s, s:i, s:o}", "organization_id",
                                            acks[i].org_id, "user_id", acks[i].user_id, "version",
                                            acks[i].version, "at", http_time(acks[i].at)));
        http_json(r, 200, json_pack("{s:o, s:i}", "items", items, "count", (json_int_t)n));
    }
    free(acks);
    app_result_release(&res);
}

/* ---- clearances ---- */

static json_t *clearance_json(struct req *r, const char *user_id, const struct clearance_rec *c,
                              bool has)
{
    const struct clearance_level *l = has ? clearance_find(r->app->clearance, c->level) : NULL;
    if (!has || !c->level[0])
        return json_pack("{s:s, s:n, s:b}", "user_id", user_id, "level", "effective", 0);
    return json_pack(
        "{s:s, s:s, s:o, s:o, s:o, s:b}", "user_id", user_id, "level", c->level, "name",
        l ? json_pack("{s:s, s:s}", "ja", l->name_ja, "en", l->name_en) : json_null(), "granted_at",
        http_time(c->granted_at), "expires_at", http_time(c->expires_at), "effective",
        clearance_rank_at(r->app->clearance, c->level, c->expires_at, r->now_ms) > 0);
}

void h_clearance_get(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    struct clearance_rec cl;
    bool has = false;
    app_result_init(&res, 4);
    if (app_clearance_get(&c, r->params[0], &cl, &has, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 200, clearance_json(r, r->params[0], &cl, has));
    app_result_release(&res);
}

void h_clearance_set(struct req *r)
{
    struct app_call c = http_app_call(r);
    struct app_result res;
    struct clearance_rec cl;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    if (app_clearance_set(&c, r->params[0], doc, &cl, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 200, clearance_json(r, r->params[0], &cl, true));
    app_result_release(&res);
    json_decref(doc);
}
