/*
 * h_reports.c — the incident report API: validate, create (idempotent), read, list, amend
 * (optimistic concurrency with ETag / If-Match), versions and RFC 6902 diffs.
 *
 * A version stores exactly the bytes the reporter submitted (after they validated), with their
 * SHA-256: that is the evidence of what was filed, the Idempotency-Key fingerprint, and what
 * GET returns (embedded without re-serialising). Re-encoding would cost a third of the CPU of a
 * create and prove less.
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_report.h"
#include "../app/app_withdraw.h"
#include "../app/app_correlate.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../core/uuid.h"

static json_t *categories_json(const char *cats)
{
    json_t *a = json_array();
    const char *p = cats;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n)
            json_array_append_new(a, json_stringn(p, n));
        p += n;
        if (*p == ',')
            p++;
    }
    return a;
}

static json_t *meta_json(const struct report_rec *rec, bool with_version_info)
{
    json_t *j = json_pack("{s:s, s:i, s:o, s:o, s:s, s:b, s:o}", "id", rec->id, "latest_version",
                          rec->latest_version, "created_at", http_time(rec->created_at),
                          "updated_at", http_time(rec->updated_at), "tlp", rec->tlp, "drill",
                          rec->drill, "categories", categories_json(rec->categories));
    json_object_set_new(j, "phase", rec->phase[0] ? json_string(rec->phase) : json_null());
    json_object_set_new(j, "summary", rec->summary ? json_string(rec->summary) : json_null());
    json_object_set_new(j, "withdrawn_at",
                        rec->withdrawn_at ? http_time(rec->withdrawn_at) : json_null());
    json_object_set_new(j, "withdrawn_reason",
                        rec->withdrawn_reason ? json_string(rec->withdrawn_reason) : json_null());
    if (with_version_info) {
        json_object_set_new(j, "version", json_integer(rec->version));
        json_object_set_new(j, "version_created_at", http_time(rec->version_created_at));
        json_object_set_new(j, "version_author", json_string(rec->author_id));
        json_object_set_new(j, "report_sha256", json_string(rec->body_sha256));
        json_object_set_new(j, "change_summary",
                            rec->change_summary ? json_string(rec->change_summary) : json_null());
    }
    return j;
}

/* The hint that a create may repeat an incident filed already (issue 10 item 4): the other
 * incident and how to withdraw this one if it is a duplicate. */
static json_t *duplicate_json(const char *other)
{
    char href[96];
    snprintf(href, sizeof(href), "/api/v1/reports/%s", other);
    return json_pack(
        "{s:s, s:s, s:{s:s, s:s}}", "id", other, "href", href, "explanation", "en",
        "This organisation filed an incident with the same categories and the same time of "
        "awareness in the 24 hours before this one. If this report repeats it, withdraw this "
        "one (POST /api/v1/reports/{id}/withdraw with a reason).",
        "ja",
        "この24時間以内に、同じ種別・同じ認知日時の事案がこの組織から報告されています。同じ事案の"
        "重複であれば、この報告を取り下げてください（POST /api/v1/reports/{id}/withdraw、理由を"
        "付けて）。");
}

static void etag_of(const struct report_rec *rec, int version, char out[24])
{
    UNUSED(rec);
    snprintf(out, 24, "\"v%d\"", version);
}

static void send_report_with(struct req *r, int status, const struct report_rec *rec,
                             const char *dup, json_t *correlation);

static void send_report(struct req *r, int status, const struct report_rec *rec, const char *dup)
{
    send_report_with(r, status, rec, dup, NULL);
}

/* Sends {meta…, "report": <the stored bytes>} without re-parsing the body. A 201 carries
 * Location: the report for a create, the new version for an amendment. dup: the incident this
 * one may duplicate (app_possible_duplicate), or NULL. */
static void send_report_with(struct req *r, int status, const struct report_rec *rec,
                             const char *dup, json_t *correlation)
{
    struct buf out;
    char etag[24], loc[96];
    json_t *meta = meta_json(rec, true);
    if (dup)
        json_object_set_new(meta, "possible_duplicate", duplicate_json(dup));
    if (correlation) /* issue 13 item 3: what its indicators match elsewhere */
        json_object_set_new(meta, "correlation", correlation);
    buf_init(&out, BUF_UNLIMITED);
    jsonx_dump_canonical(meta, &out);
    json_decref(meta);
    out.len--; /* drop the closing brace */
    buf_puts(&out, ",\"report\":");
    buf_append(&out, rec->body, rec->body_len);
    buf_puts(&out, "}\n");
    etag_of(rec, rec->version, etag);
    http_header(r, "ETag", etag);
    if (status == 201 && rec->version == 1)
        snprintf(loc, sizeof(loc), "/api/v1/reports/%s", rec->id);
    else if (status == 201)
        snprintf(loc, sizeof(loc), "/api/v1/reports/%s/versions/%d", rec->id, rec->version);
    if (status == 201)
        http_header(r, "Location", loc);
    http_raw(r, status, "application/json", out.data, out.len);
    buf_release(&out);
}

void h_report_validate(struct req *r)
{
    json_t *doc = http_body_json(r);
    struct app_result res;
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    app_report_validate(&r->app->limits, doc, r->now_ms, &res);
    const struct verr_list *errs = &res.errs;
    json_t *arr = http_verr_array(r, errs);
    http_json(r, 200,
              json_pack("{s:b, s:o, s:I}", "valid", !verr_any(errs), "errors", arr,
                        "errors_omitted", (json_int_t)errs->dropped));
    app_result_release(&res);
    json_decref(doc);
}

/* Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): 1–200 printable ASCII. */
static bool idem_key(struct req *r, const char **out)
{
    const char *k = http_header_in(r, "Idempotency-Key");
    *out = NULL;
    if (!k)
        return true;
    size_t n = strlen(k);
    bool ok = n >= 1 && n <= 200;
    for (size_t i = 0; ok && i < n; i++)
        ok = k[i] > 0x20 && k[i] < 0x7f;
    if (!ok) {
        http_fail(r, APP_PROB_BAD_IDEMPOTENCY_KEY, NULL, NULL, NULL);
        return false;
    }
    *out = k;
    return true;
}

/* The report in the request body, as a use case takes it. */
static struct app_report_in report_in(struct req *r, const json_t *doc)
{
    return (struct app_report_in){.body = buf_cstr(&r->body), .body_len = r->body.len, .doc = doc};
}

void h_report_create(struct req *r)
{
    struct report_rec rec;
    struct app_result res;
    const char *key;
    bool replayed;
    json_t *doc;
    if (!idem_key(r, &key) || !(doc = http_body_json(r)))
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    struct app_report_in in = report_in(r, doc);
    in.idem_key = key;
    if (app_report_create(&c, &in, &rec, &replayed, &res)) {
        http_fail_result(r, &res);
    } else {
        char dup[UUID_STR_LEN];
        bool found = false;
        if (replayed)
            http_header(r, "Idempotent-Replayed", "true");
        /* with an Idempotency-Key a repeat is answered by the key; without one, a report sent
         * twice (a double click, a retry after a timeout) is only noticed by looking */
        if (!key)
            app_possible_duplicate(&c, &rec, doc, &found, dup);
        send_report_with(r, 201, &rec, found ? dup : NULL, app_correlate_for_report(&c, &rec, doc));
        report_rec_release(&rec);
    }
    app_result_release(&res);
    json_decref(doc);
}

void h_report_get(struct req *r)
{
    struct report_rec rec;
    struct app_result res;
    char etag[24];
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_report_get(&c, r->params[0], 0, &rec, &res))
        return http_fail_result_release(r, &res);
    etag_of(&rec, rec.version, etag);
    if (http_if_none_match_hits(http_header_in(r, "If-None-Match"), rec.version)) {
        http_header(r, "ETag", etag);
        http_raw(r, 304, "application/json", "", 0);
    } else {
        send_report(r, 200, &rec, NULL);
    }
    report_rec_release(&rec);
}

static int parse_version(const char *s)
{
    int64_t v;
    return parse_int64(s, 1, 1000000, &v) ? -1 : (int)v;
}

void h_report_version_get(struct req *r)
{
    struct report_rec rec;
    struct app_result res;
    struct app_call c = http_app_call(r);
    int v = parse_version(r->params[1]);
    if (v < 0)
        return http_not_found(r);
    app_result_init(&res, 0);
    if (app_report_get(&c, r->params[0], v, &rec, &res))
        return http_fail_result_release(r, &res);
    send_report(r, 200, &rec, NULL);
    report_rec_release(&rec);
}

void h_report_amend(struct req *r)
{
    struct report_rec rec;
    struct app_result res;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    struct app_report_in in = report_in(r, doc);
    in.report_id = r->params[0];
    in.pre = http_expect(r);
    if (app_report_amend(&c, &in, &rec, &res))
        http_fail_result(r, &res);
    else
        send_report_with(r, 201, &rec, NULL, app_correlate_for_report(&c, &rec, doc));
    report_rec_release(&rec);
    app_result_release(&res);
    json_decref(doc);
}

void h_report_versions(struct req *r)
{
    struct report_list l;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_report_versions(&c, r->params[0], &l, &res))
        return http_fail_result_release(r, &res);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const struct report_rec *v = &l.items[i];
        json_array_append_new(
            items, json_pack("{s:i, s:o, s:s, s:s, s:o, s:o}", "version", v->version, "created_at",
                             http_time(v->version_created_at), "author", v->author_id,
                             "report_sha256", v->body_sha256, "phase",
                             v->phase[0] ? json_string(v->phase) : json_null(), "change_summary",
                             v->change_summary ? json_string(v->change_summary) : json_null()));
    }
    report_list_release(&l);
    http_json(r, 200, json_pack("{s:s, s:o}", "id", r->params[0], "items", items));
}

void h_report_diff(struct req *r)
{
    static const char *const allowed[] = {"from", "to", NULL};
    const char *fs = http_query(r, "from"), *ts = http_query(r, "to");
    struct app_result res;
    json_t *patch;
    if (!http_query_only(r, allowed))
        return;
    int from = fs ? parse_version(fs) : 0, to = ts ? parse_version(ts) : 0;
    app_result_init(&res, 4);
    struct app_call c = http_app_call(r);
    if (app_report_diff(&c, r->params[0], &from, &to, &patch, &res)) {
        http_fail_result(r, &res);
    } else {
        struct buf out;
        char etag[48];
        buf_init(&out, BUF_UNLIMITED);
        jsonx_dump_canonical(patch, &out);
        json_decref(patch);
        snprintf(etag, sizeof(etag), "\"v%d-v%d\"", from, to);
        http_header(r, "ETag", etag);
        http_raw(r, 200, "application/json-patch+json", out.data, out.len);
        buf_release(&out);
    }
    app_result_release(&res);
}

/* created_from / created_before as RFC 3339. Returns 0, or -1 after answering 400. */
static int time_param(struct req *r, const char *name, int64_t *out)
{
    const char *s = http_query(r, name);
    struct rtime_parsed t;
    *out = 0;
    if (!s)
        return 0;
    if (rtime_parse_rfc3339(s, strlen(s), &t)) {
        http_bad_query(r, name, "must be an RFC 3339 date-time with offset",
                       "時差付きの日時（RFC 3339）で指定してください");
        return -1;
    }
    *out = t.ms;
    return 0;
}

static bool enum_has(const struct rf_enum *vals, const char *s)
{
    for (const struct rf_enum *e = vals; e->value; e++)
        if (!strcmp(e->value, s))
            return true;
    return false;
}

void h_report_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor",       "category",       "phase",
                                          "drill", "created_from", "created_before", NULL};
    struct report_filter f = {.org_id = r->who.org_id, .drill = -1};
    struct report_list l;
    char after[UUID_STR_LEN];
    const char *drill = http_query(r, "drill");
    const struct rf_field *phase_field = report_field_lookup("/envelope/phase");
    if (!http_query_only(r, allowed) || (f.limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after) || time_param(r, "created_from", &f.created_from) ||
        time_param(r, "created_before", &f.created_before))
        return;
    f.after_id = after[0] ? after : NULL;
    f.category = http_query(r, "category");
    f.phase = http_query(r, "phase");
    if (f.category && !enum_has(report_category_values, f.category))
        return http_bad_query(r, "category", "is not an incident category",
                              "事案の種別ではありません");
    if (f.phase && !enum_has(phase_field->values, f.phase))
        return http_bad_query(r, "phase", "is not a reporting phase", "報告の段階ではありません");
    if (drill && strcmp(drill, "true") && strcmp(drill, "false"))
        return http_bad_query(r, "drill", "must be true or false",
                              "true 又は false で指定してください");
    if (drill)
        f.drill = !strcmp(drill, "true");
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_report_list(&c, &f, &l, &res))
        return http_fail_result_release(r, &res);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, meta_json(&l.items[i], false));
    http_page(r, items, l.more && l.n ? l.items[l.n - 1].id : NULL);
    report_list_release(&l);
}

/* POST /api/v1/reports/{id}/withdraw {"reason"}: 200 with the incident as it is now and how
 * many withdrawal notices go to recipients that received something (issue 10 item 4). */
void h_report_withdraw(struct req *r)
{
    struct app_result res;
    struct app_withdraw_out out;
    struct report_rec rec;
    json_t *doc = http_body_json(r);
    if (!doc)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    if (app_report_withdraw(&c, r->params[0], doc, &out, &res) ||
        app_report_get(&c, r->params[0], 0, &rec, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *j = meta_json(&rec, false);
        json_object_set_new(j, "withdrawal_notices", json_integer(out.notices));
        http_json(r, 200, j);
        report_rec_release(&rec);
    }
    app_result_release(&res);
    json_decref(doc);
}
