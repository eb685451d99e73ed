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
#include "h_obligations.h"
#include "../core/jpatch.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../core/uuid.h"

/* A validated report ready to store. */
struct prepared {
    json_t *doc;
    char sha[HASH_SHA256_HEX];
    struct report_index ix;
};

static void prepared_release(struct prepared *p)
{
    json_decref(p->doc);
    p->doc = NULL;
}

/* Parses and validates the body. On failure it has answered (400/413/422) and returns false. */
static bool prepare(struct req *r, struct prepared *p)
{
    struct verr_list errs;
    memset(p, 0, sizeof(*p));
    if (!(p->doc = http_body_json(r)))
        return false;
    verr_list_init(&errs, r->app->limits.max_errors);
    if (report_validate(p->doc, &r->app->limits, r->now_ms, &errs)) {
        http_problem(r, 422, "validation", "The report has problems", "報告内容に問題があります",
                     "Every problem is listed in errors; nothing was saved.",
                     "問題点をすべて errors に示しています。保存はされていません。", &errs);
        verr_list_release(&errs);
        return false;
    }
    verr_list_release(&errs);
    hash_sha256_hex(buf_cstr(&r->body), r->body.len, p->sha);
    report_index_extract(p->doc, &p->ix);
    return true;
}

static void fill_write(struct report_write *w, struct req *r, struct prepared *p)
{
    memset(w, 0, sizeof(*w));
    w->org_id = r->who.org_id;
    w->author_id = r->who.user_id;
    w->body = buf_cstr(&r->body);
    w->body_len = r->body.len;
    w->body_sha256 = p->sha;
    w->phase = p->ix.phase;
    w->tlp = p->ix.tlp;
    w->summary = p->ix.summary;
    w->change_summary = p->ix.change_summary;
    w->categories = p->ix.categories;
    w->drill = p->ix.drill;
    w->now_ms = r->now_ms;
    w->idem_retention_ms = r->app->cfg.idempotency_retention_h * 3600000LL;
}

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

static void etag_of(const struct report_rec *rec, int version, char out[24])
{
    UNUSED(rec);
    snprintf(out, 24, "\"v%d\"", version);
}

/* Sends {meta…, "report": <the stored bytes>} without re-parsing the body. A 201 carries
 * Location: the report for a create, the new version for an amendment. */
static void send_report(struct req *r, int status, const struct report_rec *rec)
{
    struct buf out;
    char etag[24], loc[96];
    json_t *meta = meta_json(rec, true);
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
    struct verr_list errs;
    if (!doc)
        return;
    verr_list_init(&errs, r->app->limits.max_errors);
    report_validate(doc, &r->app->limits, r->now_ms, &errs);
    json_t *arr = json_array();
    for (size_t i = 0; i < errs.n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "pointer",
                                             errs.v[i].pointer, "code", errs.v[i].code, "message",
                                             r->ja ? errs.v[i].ja : errs.v[i].en, "message_en",
                                             errs.v[i].en, "message_ja", errs.v[i].ja));
    http_json(r, 200,
              json_pack("{s:b, s:o, s:I}", "valid", !verr_any(&errs), "errors", arr,
                        "errors_omitted", (json_int_t)errs.dropped));
    verr_list_release(&errs);
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
        http_problem(r, 400, "bad_idempotency_key", "Bad Idempotency-Key",
                     "Idempotency-Key が不正です",
                     "Idempotency-Key must be 1 to 200 printable ASCII characters.",
                     "Idempotency-Key は1〜200文字の表示可能なASCII文字にしてください。", NULL);
        return false;
    }
    *out = k;
    return true;
}

void h_report_create(struct req *r)
{
    struct prepared p;
    struct report_write w;
    struct report_rec rec;
    char id[UUID_STR_LEN];
    const char *key;
    struct http_ledger lb = {0};
    memset(&p, 0, sizeof(p)); /* released at out even when idem_key fails before prepare */
    memset(&rec, 0, sizeof(rec));
    if (!idem_key(r, &key) || !prepare(r, &p))
        goto out;
    uuid_v7_new(id);
    fill_write(&w, r, &p);
    w.id = id;
    w.idem_key = key;
    http_ledger_build(r->app, p.doc, NULL, &lb);
    w.ledger = &lb.in;
    int res = store_report_create(r->app->store, &w, &rec);
    if (res == STORE_IDEM_MISMATCH) {
        http_problem(r, 422, "idempotency_key_reused", "Idempotency-Key reused",
                     "Idempotency-Key が再利用されています",
                     "This Idempotency-Key was already used with a different report body.",
                     "この Idempotency-Key は別の内容の報告で使用済みです。", NULL);
    } else if (res == STORE_REPLAYED) {
        http_header(r, "Idempotent-Replayed", "true");
        send_report(r, 201, &rec);
    } else if (res) {
        http_store_error(r, res);
    } else {
        send_report(r, 201, &rec);
    }
out:
    http_ledger_release(&lb);
    prepared_release(&p);
    report_rec_release(&rec);
}

/* Fetches a report (version 0 = latest) the caller may read; answers and returns false if
 * not. The role is checked before the lookup, the organisation after it. */
static bool fetch(struct req *r, int version, struct report_rec *rec)
{
    memset(rec, 0, sizeof(*rec));
    if (!http_allow(r, ACT_REPORT_READ, NULL))
        return false;
    if (!uuid_valid(r->params[0], strlen(r->params[0]))) {
        http_not_found(r);
        return false;
    }
    int res = store_report_get(r->app->store, r->params[0], version, rec);
    if (res) {
        http_store_error(r, res);
        return false;
    }
    if (!http_allow(r, ACT_REPORT_READ, rec->org_id)) {
        report_rec_release(rec);
        return false;
    }
    return true;
}

void h_report_get(struct req *r)
{
    struct report_rec rec;
    char etag[24];
    if (!fetch(r, 0, &rec))
        return;
    etag_of(&rec, rec.version, etag);
    if (http_if_none_match_hits(http_header_in(r, "If-None-Match"), rec.version)) {
        http_header(r, "ETag", etag);
        http_raw(r, 304, "application/json", "", 0);
    } else {
        send_report(r, 200, &rec);
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
    int v = parse_version(r->params[1]);
    if (v < 0)
        return http_not_found(r);
    if (!fetch(r, v, &rec))
        return;
    send_report(r, 200, &rec);
    report_rec_release(&rec);
}

static void precondition_failed(struct req *r, int latest)
{
    char etag[24], en[256], ja[320];
    snprintf(etag, sizeof(etag), "\"v%d\"", latest);
    snprintf(en, sizeof(en),
             "The report has changed: the latest version is %d. Read it, merge, "
             "and send If-Match: %s.",
             latest, etag);
    snprintf(ja, sizeof(ja),
             "報告は更新されています（最新は第%d版）。最新版を取得して反映し、If-Match: %s "
             "を付けて送ってください。",
             latest, etag);
    http_header(r, "ETag", etag);
    http_problem(r, 412, "precondition_failed", "Precondition failed",
                 "前提条件が満たされていません", en, ja, NULL);
}

void h_report_amend(struct req *r)
{
    struct report_rec cur, rec;
    struct prepared p;
    struct report_write w;
    struct http_ledger lb = {0};
    struct obligation_list obs = {0};
    int expected = 0;
    memset(&p, 0, sizeof(p));
    memset(&rec, 0, sizeof(rec));
    if (!fetch(r, 0, &cur))
        goto out;
    if (!http_allow(r, ACT_REPORT_AMEND, cur.org_id))
        goto out_cur;
    /* Amendments must name the version they change: "*" would let a client overwrite
     * facts it has not seen, so it is refused like a missing header. */
    switch (http_if_match(http_header_in(r, "If-Match"), cur.latest_version)) {
    case IFM_ABSENT:
    case IFM_STAR:
        http_problem(
            r, 428, "precondition_required", "Precondition required", "前提条件の指定が必要です",
            "Amendments need If-Match with the ETag of the version you changed, e.g. "
            "If-Match: \"v1\" (\"*\" is not accepted).",
            "訂正・追記には、変更元の版の ETag を If-Match で指定してください（例: If-Match: "
            "\"v1\"。\"*\" は使用できません）。",
            NULL);
        goto out_cur;
    case IFM_NO_MATCH:
        precondition_failed(r, cur.latest_version);
        goto out_cur;
    case IFM_MATCH:
        expected = cur.latest_version;
        break;
    }
    if (!prepare(r, &p))
        goto out_cur;
    fill_write(&w, r, &p);
    w.id = cur.id;
    w.expected_version = expected;
    /* deadlines that run from a previous stage's submission need the submitted stages */
    if (store_obligations_list(r->app->store, cur.id, &obs)) {
        http_unavailable(r);
        goto out_cur;
    }
    http_ledger_build(r->app, p.doc, &obs, &lb);
    w.ledger = &lb.in;
    int res = store_report_amend(r->app->store, &w, &rec);
    if (res == STORE_CONFLICT) {
        struct report_rec now;
        int latest = cur.latest_version + 1;
        if (store_report_get(r->app->store, cur.id, 0, &now) == STORE_OK) {
            latest = now.latest_version;
            report_rec_release(&now);
        }
        precondition_failed(r, latest);
    } else if (res) {
        http_store_error(r, res);
    } else {
        send_report(r, 201, &rec);
    }
out_cur:
    report_rec_release(&cur);
out:
    http_ledger_release(&lb);
    obligation_list_release(&obs);
    prepared_release(&p);
    report_rec_release(&rec);
}

void h_report_versions(struct req *r)
{
    struct report_rec cur;
    struct report_list l;
    if (!fetch(r, 0, &cur))
        return;
    report_rec_release(&cur);
    if (store_report_versions(r->app->store, cur.id, &l))
        return http_unavailable(r);
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
    http_json(r, 200, json_pack("{s:s, s:o}", "id", cur.id, "items", items));
}

static json_t *load_body(const struct report_rec *rec)
{
    return json_loadb(rec->body, rec->body_len, 0, NULL);
}

void h_report_diff(struct req *r)
{
    static const char *const allowed[] = {"from", "to", NULL};
    struct report_rec cur, a, b;
    const char *fs = http_query(r, "from"), *ts = http_query(r, "to");
    int from, to;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    if (!http_query_only(r, allowed) || !fetch(r, 0, &cur))
        return;
    to = ts ? parse_version(ts) : cur.latest_version;
    from = fs ? parse_version(fs) : to - 1;
    report_rec_release(&cur);
    if (to < 1 || to > cur.latest_version)
        return http_bad_query(r, "to", "is not a version of this report",
                              "この報告に存在しない版です");
    if (from < 1 || from > cur.latest_version)
        return http_bad_query(r, "from",
                              "is not a version of this report (version 1 has no "
                              "predecessor)",
                              "この報告に存在しない版です（第1版の前の版はありません）");
    if (store_report_get(r->app->store, cur.id, from, &a) ||
        store_report_get(r->app->store, cur.id, to, &b)) {
        http_unavailable(r);
        goto out;
    }
    json_t *ja = load_body(&a), *jb = load_body(&b);
    if (!ja || !jb) {
        json_decref(ja);
        json_decref(jb);
        BUG("stored report body is not JSON");
    }
    json_t *patch = jpatch_diff(ja, jb);
    json_decref(ja);
    json_decref(jb);
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    jsonx_dump_canonical(patch, &out);
    json_decref(patch);
    char etag[48];
    snprintf(etag, sizeof(etag), "\"v%d-v%d\"", from, to);
    http_header(r, "ETag", etag);
    http_raw(r, 200, "application/json-patch+json", out.data, out.len);
    buf_release(&out);
out:
    report_rec_release(&a);
    report_rec_release(&b);
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
    if (store_report_list(r->app->store, &f, &l))
        return http_unavailable(r);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, meta_json(&l.items[i], false));
    http_page(r, items, l.more && l.n ? l.items[l.n - 1].id : NULL);
    report_list_release(&l);
}
