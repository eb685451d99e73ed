/*
 * h_delivery.c — delivery over HTTP (issue 5; docs/delivery.md): the reporter submits a
 * version, follows every submission with its history, downloads the proof of submission and
 * the documents to file, and confirms filings; the receiving side works its inbox and posts
 * receipts; the operator binds recipients to organisations.
 *
 * "Submit" is the reporter's decision: a version is never delivered by being saved. Submitting
 * version N writes, in one transaction, one submission per obligation that may go now
 * (src/outbox/outbox_plan.c), each holding the exact bytes its recipient receives.
 */
#include "http_int.h"
#include "h_obligations.h"
#include "h_govern.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../outbox/outbox.h"
#include "../render/render.h"

/* ---- views ---- */

static json_t *opt_time(int64_t ms)
{
    return ms ? http_time(ms) : json_null();
}

static json_t *parsed_or_null(const char *text)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    return j ? j : json_null();
}

/* A submission's metadata. The receiving side does not see the sender's delivery internals
 * (attempts, errors, who pressed "submit"). */
static json_t *submission_json(const struct submission_rec *s, bool sender_view)
{
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:s}", "id", s->id, "incident_id",
        s->incident_id, "obligation_id", s->obligation_id, "rule_id", s->rule_id, "stage_id",
        s->stage_id, "recipient_id", s->recipient_id, "report_version", s->version, "channel",
        s->channel, "status", s->status, "drill", s->drill, "payload_sha256", s->payload_sha256);
    json_object_set_new(j, "withheld_sections", parsed_or_null(s->withheld));
    json_object_set_new(j, "created_at", http_time(s->created_at));
    json_object_set_new(j, "delivered_at", opt_time(s->delivered_at));
    json_object_set_new(j, "acknowledged_at", opt_time(s->acknowledged_at));
    json_object_set_new(j, "receipt_reference",
                        s->receipt_reference[0] ? json_string(s->receipt_reference) : json_null());
    json_object_set_new(j, "receipt", parsed_or_null(s->receipt));
    if (sender_view) {
        json_object_set_new(j, "attempts", json_integer(s->attempts));
        json_object_set_new(j, "sent_at", opt_time(s->sent_at));
        json_object_set_new(j, "failed_at", opt_time(s->failed_at));
        json_object_set_new(j, "next_attempt_at",
                            !strcmp(s->status, "queued") ? http_time(s->next_attempt_at)
                                                         : json_null());
        json_object_set_new(j, "last_error",
                            s->last_error ? json_string(s->last_error) : json_null());
        json_object_set_new(j, "submitted_by", json_string(s->submitted_by));
    }
    return j;
}

static json_t *events_json(const struct submission_events *ev)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ev->n; i++) {
        json_t *e =
            json_pack("{s:o, s:s}", "at", http_time(ev->items[i].at), "event", ev->items[i].event);
        json_object_set_new(e, "http_status",
                            ev->items[i].http_status ? json_integer(ev->items[i].http_status)
                                                     : json_null());
        json_object_set_new(e, "detail",
                            ev->items[i].detail ? json_string(ev->items[i].detail) : json_null());
        json_array_append_new(a, e);
    }
    return a;
}

/* ---- submit ---- */

static const struct rf_field id_item = {
    "", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 36, "義務ID", "obligation id", NULL};
static const struct rf_field submit_fields[] = {{"obligations", RF_ARRAY, RF_UNIQUE, &id_item, NULL,
                                                 RFMT_NONE, 1, 500, "送る義務",
                                                 "obligations to send", NULL},
                                                {0}};
static const struct rf_field submit_root = {"", RF_OBJECT, 0,      submit_fields, NULL, RFMT_NONE,
                                            0,  0,         "提出", "submission",  NULL};

/* Optional body {"obligations": [ids]}; *only is a heap array of borrowed strings. Returns
 * false after answering. */
static bool submit_body(struct req *r, json_t **doc, const char ***only, size_t *nonly)
{
    *doc = NULL;
    *only = NULL;
    *nonly = 0;
    if (r->body.len == 0)
        return true;
    /* the route takes no body by default (a bare POST submits everything due); one that is
     * sent must be JSON */
    if (!http_require_json(r))
        return false;
    if (!(*doc = http_body_json(r)) || !http_check_body(r, &submit_root, *doc))
        return false;
    json_t *arr = json_object_get(*doc, "obligations");
    if (arr) {
        *only = xcalloc(json_array_size(arr) + 1, sizeof(**only));
        for (size_t i = 0; i < json_array_size(arr); i++)
            (*only)[(*nonly)++] = json_string_value(json_array_get(arr, i));
    }
    return true;
}

static const char *initial_status(const char *channel)
{
    if (!strcmp(channel, "inbox"))
        return "available";
    if (!strcmp(channel, "document"))
        return "awaiting_filing";
    return "queued"; /* webhook, exercise */
}

/* Everything one submission needs, owned here until the store call. */
struct built {
    char id[UUID_STR_LEN];
    char sha[HASH_SHA256_HEX];
    struct buf payload;
    char *withheld;
    const char *channel;
};

static void build_one(struct req *r, const struct report_rec *rec, const json_t *report,
                      const struct org *o, const struct obligation_rec *ob, struct built *b,
                      struct submission_new *n)
{
    struct rules_recipient_view rv;
    const struct rule *rule = rules_find(r->app->rules, ob->rule_id);
    const struct rule_stage *st = rules_find_stage(rule, ob->stage_id);
    const struct outbox_route *route = outbox_route_of(r->app->delivery, ob->recipient_id);
    json_t *withheld;
    rules_recipient_get(r->app->rules, ob->recipient_id, &rv);
    uuid_v7_new(b->id);
    b->channel = rec->drill ? "exercise" : rules_channel_name(route->channel);
    json_t *view = outbox_project(report, rv.delivery->sections, ob->recipient_id, &withheld);
    struct outbox_meta m = {.submission_id = b->id,
                            .incident_id = rec->id,
                            .obligation_id = ob->id,
                            .rule_id = ob->rule_id,
                            .stage_id = ob->stage_id,
                            .stage_name_ja = rules_stage_name(st, true),
                            .stage_name_en = rules_stage_name(st, false),
                            .recipient_id = ob->recipient_id,
                            .recipient_name_ja = rv.name_ja,
                            .recipient_name_en = rv.name_en,
                            .org_id = o->id,
                            .org_name_ja = o->name_ja,
                            .org_name_en = o->name_en,
                            .corporate_number = o->corporate_number,
                            .version = rec->version,
                            .report_sha256 = rec->body_sha256,
                            .created_ms = r->now_ms,
                            .drill = rec->drill};
    buf_init(&b->payload, BUF_UNLIMITED);
    outbox_payload(&m, view, withheld, &b->payload);
    hash_sha256_hex(b->payload.data, b->payload.len, b->sha);
    b->withheld = json_dumps(withheld, JSON_COMPACT);
    json_decref(view);
    json_decref(withheld);
    *n = (struct submission_new){.id = b->id,
                                 .obligation_id = ob->id,
                                 .rule_id = ob->rule_id,
                                 .stage_id = ob->stage_id,
                                 .recipient_id = ob->recipient_id,
                                 .channel = b->channel,
                                 .status = initial_status(b->channel),
                                 .payload = b->payload.data,
                                 .payload_len = b->payload.len,
                                 .payload_sha256 = b->sha,
                                 .withheld = b->withheld};
}

static json_t *not_sent_json(const struct outbox_plan_item *it)
{
    const struct obligation_rec *o = it->ob;
    json_t *missing = json_array();
    for (size_t k = 0; k < it->nmissing; k++)
        json_array_append_new(missing, json_string(it->missing[k]));
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "obligation_id", o->id, "rule_id",
                          o->rule_id, "stage_id", o->stage_id, "recipient_id", o->recipient_id,
                          "reason", outbox_skip_name(it->skip), "missing_fields", missing);
    json_object_set_new(j, "submission",
                        o->live_submission[0] ? json_string(o->live_submission) : json_null());
    return j;
}

/* Writes the plan's submissions and answers with what went and what did not. */
static void submit_plan(struct req *r, const struct report_rec *rec, const json_t *report,
                        const struct org *o, const struct obligation_list *obs,
                        const struct outbox_plan *plan)
{
    struct built *b = xcalloc(plan->nsend + 1, sizeof(*b));
    struct submission_new *items = xcalloc(plan->nsend + 1, sizeof(*items));
    size_t n = 0;
    int created = 0;
    for (size_t i = 0; i < plan->n; i++)
        if (plan->items[i].skip == SKIP_NONE) {
            build_one(r, rec, report, o, plan->items[i].ob, &b[n], &items[n]);
            n++;
        }
    struct submit_write w = {.incident_id = rec->id,
                             .org_id = rec->org_id,
                             .actor = r->who.user_id,
                             .version = rec->version,
                             .drill = rec->drill,
                             .items = items,
                             .n = n,
                             .now_ms = r->now_ms};
    /* the stages sent now start the deadlines that run from their submission (NIS2's final
     * report, DORA's intermediate report): evaluated with them counted as submitted */
    struct http_ledger lb = {0};
    bool *send = xcalloc(obs->n + 1, sizeof(*send));
    for (size_t i = 0; i < plan->n; i++)
        for (size_t k = 0; k < obs->n; k++)
            send[k] |= plan->items[i].ob == &obs->items[k] && plan->items[i].skip == SKIP_NONE;
    rules_eval_init(&lb.ev);
    lb.times = http_stage_times(obs->items, obs->n, send, r->now_ms, &lb.ev.ntimes);
    lb.ev.times = lb.times;
    rules_evaluate(r->app->rules, report, &lb.ev);
    lb.in = (struct ledger_input){&lb.ev, rules_version(r->app->rules)};
    w.ledger = &lb.in;
    free(send);
    int res = store_submit(r->app->store, &w, &created);
    http_ledger_release(&lb);
    if (res == STORE_CONFLICT) {
        struct report_rec now;
        int latest = rec->latest_version + 1;
        if (store_report_get(r->app->store, rec->id, 0, &now) == STORE_OK) {
            latest = now.latest_version;
            report_rec_release(&now);
        }
        http_precondition(r, IFM_NO_MATCH, latest, "report", "報告");
    } else if (res) {
        http_store_error(r, res);
    } else {
        outbox_worker_wake(r->app->worker);
        json_t *sent = json_array(), *held = json_array();
        for (size_t i = 0; i < n; i++) {
            struct submission_rec s;
            if (store_submission_get(r->app->store, b[i].id, &s) == STORE_OK) {
                json_array_append_new(sent, submission_json(&s, true));
                submission_rec_release(&s);
            }
        }
        for (size_t i = 0; i < plan->n; i++)
            if (plan->items[i].skip != SKIP_NONE)
                json_array_append_new(held, not_sent_json(&plan->items[i]));
        http_json(r, created ? 201 : 200,
                  json_pack("{s:s, s:i, s:o, s:o}", "incident_id", rec->id, "report_version",
                            rec->version, "submitted", sent, "not_submitted", held));
    }
    for (size_t i = 0; i < n; i++) {
        buf_release(&b[i].payload);
        free(b[i].withheld);
    }
    free(b);
    free(items);
}

/* The report (latest version) the caller may act on for action a; answers otherwise. */
static bool fetch_report(struct req *r, enum auth_action a, struct report_rec *rec)
{
    memset(rec, 0, sizeof(*rec));
    if (!http_allow(r, a, NULL))
        return false;
    if (!uuid_valid(r->params[0], strlen(r->params[0]))) {
        http_not_found(r);
        return false;
    }
    int res = store_report_get(r->app->store, r->params[0], 0, rec);
    if (res) {
        http_store_error(r, res);
        return false;
    }
    if (!http_allow(r, a, rec->org_id)) {
        report_rec_release(rec);
        return false;
    }
    return true;
}

/* The obligations named in the body must be this report's: a typo is an error, not an
 * empty submission. */
static bool known_obligations(struct req *r, const struct obligation_list *obs,
                              const char *const *only, size_t nonly)
{
    struct verr_list errs;
    verr_list_init(&errs, r->app->limits.max_errors);
    for (size_t i = 0; i < nonly; i++) {
        bool found = false;
        for (size_t k = 0; k < obs->n && !found; k++)
            found = !strcmp(obs->items[k].id, only[i]);
        if (!found) {
            char ptr[40];
            snprintf(ptr, sizeof(ptr), "/obligations/%zu", i);
            verr_add(&errs, ptr, "unknown_obligation", "is not an obligation of this report",
                     "この報告の義務ではありません");
        }
    }
    bool ok = !verr_any(&errs);
    if (!ok)
        http_problem(r, 422, "validation", "The request has invalid fields",
                     "入力内容に誤りがあります", "See errors: every problem is listed.",
                     "errors に問題点をすべて示しています。", &errs);
    verr_list_release(&errs);
    return ok;
}

void h_report_submit(struct req *r)
{
    struct report_rec rec;
    struct obligation_list obs = {0};
    struct outbox_plan plan = {0};
    struct org o;
    json_t *body = NULL, *report = NULL;
    const char **only = NULL;
    size_t nonly = 0;
    if (!fetch_report(r, ACT_SUBMIT, &rec))
        return;
    enum http_ifm m = http_if_match(http_header_in(r, "If-Match"), rec.latest_version);
    if (m != IFM_MATCH) {
        http_precondition(r, m, rec.latest_version, "report", "報告");
        goto out;
    }
    if (!submit_body(r, &body, &only, &nonly))
        goto out;
    int res = store_obligations_list(r->app->store, rec.id, &obs);
    if (!res)
        res = store_org_get(r->app->store, rec.org_id, &o);
    if (res) {
        http_store_error(r, res);
        goto out;
    }
    if (!(report = json_loadb(rec.body, rec.body_len, 0, NULL)))
        BUG("stored report %s is not JSON", rec.id);
    if (!known_obligations(r, &obs, only, nonly))
        goto out;
    outbox_plan_make(r->app->rules, obs.items, obs.n, report, only, nonly, &plan);
    submit_plan(r, &rec, report, &o, &obs, &plan);
out:
    outbox_plan_release(&plan);
    obligation_list_release(&obs);
    json_decref(report);
    json_decref(body);
    free(only);
    report_rec_release(&rec);
}

/* ---- the reporter's view ---- */

void h_report_submissions(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    struct report_rec rec;
    struct submission_list l;
    char after[UUID_STR_LEN];
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after) || !fetch_report(r, ACT_SUBMISSION_READ, &rec))
        return;
    struct submission_filter f = {
        .incident_id = rec.id, .after_id = after[0] ? after : NULL, .limit = limit};
    report_rec_release(&rec);
    if (store_submissions_list(r->app->store, &f, &l))
        return http_unavailable(r);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, submission_json(&l.items[i], true));
    http_page(r, items, l.more && l.n ? l.items[l.n - 1].id : NULL);
    submission_list_release(&l);
}

/* A submission of the caller's organisation (reporter side). */
static bool fetch_sent(struct req *r, enum auth_action a, struct submission_rec *s)
{
    memset(s, 0, sizeof(*s));
    if (!http_allow(r, a, NULL))
        return false;
    if (!uuid_valid(r->params[0], strlen(r->params[0]))) {
        http_not_found(r);
        return false;
    }
    int res = store_submission_get(r->app->store, r->params[0], s);
    if (res) {
        http_store_error(r, res);
        return false;
    }
    if (!http_allow(r, a, s->org_id)) {
        submission_rec_release(s);
        return false;
    }
    return true;
}

/* A submission the caller may read with its history, both from one snapshot (the first read
 * decides access; the second gives the consistent pair). Returns false after answering. */
static bool fetch_history(struct req *r, struct submission_rec *s, struct submission_events *ev)
{
    struct submission_rec first;
    if (!fetch_sent(r, ACT_SUBMISSION_READ, &first))
        return false;
    int res = store_submission_history(r->app->store, first.id, s, ev);
    submission_rec_release(&first);
    if (res)
        http_store_error(r, res);
    return res == STORE_OK;
}

void h_submission_get(struct req *r)
{
    struct submission_rec s;
    struct submission_events ev;
    if (!fetch_history(r, &s, &ev))
        return;
    json_t *j = submission_json(&s, true);
    json_object_set_new(j, "history", events_json(&ev));
    http_json(r, 200, j);
    submission_events_release(&ev);
    submission_rec_release(&s);
}

/* Where a submission went, in words a proof can state without revealing secrets. */
static json_t *destination_json(struct req *r, const struct submission_rec *s)
{
    struct rules_recipient_view rv;
    json_t *d = json_pack("{s:s, s:s}", "recipient_id", s->recipient_id, "channel", s->channel);
    if (rules_recipient_get(r->app->rules, s->recipient_id, &rv)) {
        json_object_set_new(d, "name_ja", json_string(rv.name_ja));
        json_object_set_new(d, "name_en", json_string(rv.name_en));
    }
    const struct outbox_route *route = outbox_route_of(r->app->delivery, s->recipient_id);
    if (!strcmp(s->channel, "webhook") && route && route->endpoint[0])
        json_object_set_new(d, "endpoint", json_string(route->endpoint));
    return d;
}

void h_submission_proof(struct req *r)
{
    struct submission_rec s;
    struct submission_events ev;
    char sha[HASH_SHA256_HEX];
    if (!fetch_history(r, &s, &ev))
        return;
    /* re-hash what is stored: the proof states that these bytes are the ones recorded */
    hash_sha256_hex(s.payload, s.payload_len, sha);
    json_t *proof = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:s, s:b, s:s%}", "format", "ichigen-proof-of-submission/1",
        "generated_at", http_time(r->now_ms), "submission", submission_json(&s, true),
        "destination", destination_json(r, &s), "history", events_json(&ev), "payload_sha256", sha,
        "payload_intact", !strcmp(sha, s.payload_sha256), "payload", s.payload, s.payload_len);
    char disp[96];
    snprintf(disp, sizeof(disp), "attachment; filename=\"proof-%s.json\"", s.id);
    http_header(r, "Content-Disposition", disp);
    http_json(r, 200, proof);
    submission_events_release(&ev);
    submission_rec_release(&s);
}

/* The recipient's view (the payload's "report") rendered as a workbook or a PDF to file. */
static void send_rendering(struct req *r, const struct submission_rec *s, bool xlsx)
{
    struct rules_recipient_view rv;
    struct report_rec ver;
    struct buf out;
    struct err e;
    json_t *payload = json_loadb(s->payload, s->payload_len, 0, NULL);
    if (!payload)
        BUG("stored payload of %s is not JSON", s->id);
    bool known = rules_recipient_get(r->app->rules, s->recipient_id, &rv);
    int64_t created = 0;
    if (store_report_get(r->app->store, s->incident_id, s->version, &ver) == STORE_OK) {
        created = ver.version_created_at;
        report_rec_release(&ver);
    }
    struct render_meta m = {
        .incident_id = s->incident_id,
        .version = s->version,
        .report_sha256 = json_string_value(jsonx_ptr_get(payload, "/submission/report_sha256")),
        .version_created_ms = created,
        .recipient_name_ja = known ? rv.name_ja : NULL,
        .recipient_name_en = known ? rv.name_en : NULL,
        .stage_name_ja = json_string_value(jsonx_ptr_get(payload, "/submission/stage/ja")),
        .ja = true};
    buf_init(&out, 64 << 20);
    err_init(&e);
    json_t *view = json_object_get(payload, "report");
    int rc = xlsx ? render_xlsx(view, &m, &out, &e) : render_pdf(view, &m, &out, &e);
    if (rc == RENDER_OK) {
        char disp[128];
        snprintf(disp, sizeof(disp), "attachment; filename=\"submission-%s.%s\"", s->id,
                 xlsx ? "xlsx" : "pdf");
        http_header(r, "Content-Disposition", disp);
        http_raw(r, 200,
                 xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                      : "application/pdf",
                 out.data, out.len);
    } else {
        char ja[800];
        snprintf(ja, sizeof(ja), "文書を作成できませんでした（%s）。運用者に連絡してください。",
                 e.msg);
        http_problem(r, 500, "rendering_failed", "The document could not be produced",
                     "文書を作成できませんでした", e.msg, ja, NULL);
    }
    buf_release(&out);
    json_decref(payload);
}

void h_submission_document(struct req *r)
{
    static const char *const allowed[] = {"format", NULL};
    struct submission_rec s;
    struct rules_recipient_view rv;
    const char *fmt = http_query(r, "format");
    if (!http_query_only(r, allowed))
        return;
    bool xlsx = fmt && !strcmp(fmt, "xlsx"), pdf = fmt && !strcmp(fmt, "pdf");
    if (fmt && !xlsx && !pdf && strcmp(fmt, "json"))
        return http_bad_query(r, "format", "must be json, xlsx or pdf",
                              "json、xlsx、pdf のいずれかにしてください");
    if (!fetch_sent(r, ACT_SUBMISSION_READ, &s))
        return;
    unsigned want = xlsx ? RULES_FORMAT_XLSX : pdf ? RULES_FORMAT_PDF : RULES_FORMAT_JSON;
    if (!rules_recipient_get(r->app->rules, s.recipient_id, &rv) ||
        !(rv.delivery->formats & want)) {
        submission_rec_release(&s);
        return http_bad_query(
            r, "format",
            "is not a rendering this recipient accepts "
            "(GET /api/v1/recipients lists them)",
            "この報告先が受け付ける形式ではありません（GET /api/v1/recipients を参照）");
    }
    if (xlsx || pdf) {
        send_rendering(r, &s, xlsx);
    } else {
        char disp[96];
        snprintf(disp, sizeof(disp), "attachment; filename=\"submission-%s.json\"", s.id);
        http_header(r, "Content-Disposition", disp);
        http_raw(r, 200, "application/json", s.payload, s.payload_len);
    }
    submission_rec_release(&s);
}

static const struct rf_field filed_fields[] = {
    {"reference", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 128, "受付番号", "reference",
     NULL},
    {"note", RF_TEXT, 0, NULL, NULL, RFMT_NONE, 0, 2000, "備考", "note", NULL},
    {0}};
static const struct rf_field filed_root = {
    "", RF_OBJECT, 0, filed_fields, NULL, RFMT_NONE, 0, 0, "提出の記録", "filing", NULL};

/* Shared by filings and receipts: the reference (and note) as stored receipt JSON. */
static char *receipt_text(struct req *r, const json_t *body, const char *kind)
{
    json_t *rc = json_pack("{s:s, s:s, s:s, s:o}", "kind", kind, "reference",
                           json_string_value(json_object_get(body, "reference")), "by",
                           r->who.user_id, "at", http_time(r->now_ms));
    if (json_object_get(body, "note"))
        json_object_set(rc, "note", json_object_get(body, "note"));
    char *t = json_dumps(rc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(rc);
    return t;
}

static void not_now(struct req *r, const char *en, const char *ja)
{
    http_problem(r, 409, "submission_state", "Not in this state", "この状態ではできません", en, ja,
                 NULL);
}

/* Records the body's reference on submission s as a filing (the reporter's) or a receipt (the
 * recipient's) and answers with the submission in the caller's view; conflict_en/ja say why
 * the state does not allow it. Releases s. */
static void record_receipt(struct req *r, struct submission_rec *s, bool filing,
                           const char *conflict_en, const char *conflict_ja)
{
    char *receipt = NULL;
    json_t *body = http_body_json(r);
    if (!body || !http_check_body(r, &filed_root, body))
        goto out;
    receipt = receipt_text(r, body, filing ? "filing" : "receipt");
    int res = store_submission_receipt(r->app->store, s->id,
                                       json_string_value(json_object_get(body, "reference")),
                                       receipt, filing, r->who.user_id, r->now_ms);
    struct submission_rec now;
    if (res == STORE_CONFLICT)
        not_now(r, conflict_en, conflict_ja);
    else if (res)
        http_store_error(r, res);
    else if (store_submission_get(r->app->store, s->id, &now) != STORE_OK)
        http_unavailable(r);
    else {
        http_json(r, 200, submission_json(&now, filing)); /* the sender's view for a filing */
        submission_rec_release(&now);
    }
out:
    free(receipt);
    json_decref(body);
    submission_rec_release(s);
}

void h_submission_filed(struct req *r)
{
    struct submission_rec s;
    if (fetch_sent(r, ACT_SUBMIT, &s))
        record_receipt(r, &s, true,
                       "Only a document waiting to be filed can be confirmed as filed.",
                       "提出待ちの文書だけを提出済みにできます。");
}

/* ---- the receiving side ---- */

/* The recipient ids bound to org (heap array of heap strings; *n). -1 after answering 503. */
static int bound_recipients(struct req *r, const char *org, char ***out, size_t *n)
{
    struct recipient_binding *b;
    size_t nb;
    *out = NULL;
    *n = 0;
    if (store_binding_list(r->app->store, &b, &nb)) {
        http_unavailable(r);
        return -1;
    }
    *out = xcalloc(nb + 1, sizeof(**out));
    for (size_t i = 0; i < nb; i++)
        if (!strcmp(b[i].org_id, org))
            (*out)[(*n)++] = xstrdup(b[i].recipient_id);
    free(b);
    return 0;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int time_query(struct req *r, const char *name, int64_t *out)
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

static bool status_known(const char *s)
{
    static const char *const st[] = {"queued", "sending",   "delivered",      "acknowledged",
                                     "failed", "available", "awaiting_filing"};
    for (size_t i = 0; i < ARRAY_SIZE(st); i++)
        if (!strcmp(st[i], s))
            return true;
    return false;
}

void h_inbox_list(struct req *r)
{
    static const char *const allowed[] = {"limit",        "cursor",         "stage", "status",
                                          "created_from", "created_before", NULL};
    char after[UUID_STR_LEN], **mine = NULL;
    size_t nmine = 0;
    struct submission_list l;
    struct submission_filter f = {0};
    if (!http_query_only(r, allowed) || (f.limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after) || time_query(r, "created_from", &f.created_from) ||
        time_query(r, "created_before", &f.created_before))
        return;
    f.stage_id = http_query(r, "stage");
    f.status = http_query(r, "status");
    if (f.status && !status_known(f.status))
        return http_bad_query(r, "status", "is not a submission status",
                              "提出の状態ではありません");
    if (bound_recipients(r, r->who.org_id, &mine, &nmine))
        return;
    if (!nmine) { /* the organisation receives for no recipient: an empty inbox */
        free_strs(mine, nmine);
        return http_page(r, json_array(), NULL);
    }
    f.recipients = (const char *const *)mine;
    f.nrecipients = nmine;
    f.after_id = after[0] ? after : NULL;
    f.electronic_only = true; /* documents are the reporter's to file; drills never arrive */
    int res = store_submissions_list(r->app->store, &f, &l);
    free_strs(mine, nmine);
    if (res)
        return http_unavailable(r);
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, submission_json(&l.items[i], false));
    http_page(r, items, l.more && l.n ? l.items[l.n - 1].id : NULL);
    submission_list_release(&l);
}

/* A submission routed to a recipient the caller's organisation is bound to. */
static bool fetch_received(struct req *r, enum auth_action a, struct submission_rec *s)
{
    char **mine = NULL;
    size_t nmine = 0;
    bool ok = false;
    memset(s, 0, sizeof(*s));
    if (!http_allow(r, a, NULL))
        return false;
    if (!uuid_valid(r->params[0], strlen(r->params[0]))) {
        http_not_found(r);
        return false;
    }
    int res = store_submission_get(r->app->store, r->params[0], s);
    if (res) {
        http_store_error(r, res);
        return false;
    }
    if (bound_recipients(r, r->who.org_id, &mine, &nmine))
        goto out;
    for (size_t i = 0; i < nmine && !ok; i++)
        ok = !strcmp(mine[i], s->recipient_id);
    ok = ok && strcmp(s->channel, "exercise") && strcmp(s->channel, "document");
    if (!ok) /* another recipient's: indistinguishable from one that does not exist */
        http_not_found(r);
out:
    free_strs(mine, nmine);
    if (!ok)
        submission_rec_release(s);
    return ok;
}

/* {meta…, "payload": <the exact stored bytes>} without re-serialising the payload. */
static void send_with_payload(struct req *r, const struct submission_rec *s)
{
    struct buf out;
    json_t *meta = submission_json(s, false);
    buf_init(&out, BUF_UNLIMITED);
    jsonx_dump_canonical(meta, &out);
    json_decref(meta);
    out.len--; /* the closing brace */
    buf_puts(&out, ",\"payload\":");
    buf_append(&out, s->payload, s->payload_len);
    buf_puts(&out, "}\n");
    http_raw(r, 200, "application/json", out.data, out.len);
    buf_release(&out);
}

void h_inbox_get(struct req *r)
{
    struct submission_rec s;
    if (!fetch_received(r, ACT_INBOX_READ, &s))
        return;
    /* the first read by the recipient is the delivery of an inbox submission (a HEAD
     * request reads nothing, so it delivers nothing) */
    int res = strcmp(r->method, "HEAD")
                  ? store_submission_fetched(r->app->store, s.id, r->who.user_id, r->now_ms)
                  : STORE_OK;
    if (res) {
        submission_rec_release(&s);
        return http_store_error(r, res);
    }
    if (!strcmp(s.status, "available") && strcmp(r->method, "HEAD")) {
        xstrlcpy(s.status, "delivered", sizeof(s.status));
        s.delivered_at = r->now_ms;
    }
    send_with_payload(r, &s);
    submission_rec_release(&s);
}

void h_inbox_receipt(struct req *r)
{
    struct submission_rec s;
    if (fetch_received(r, ACT_INBOX_RECEIPT, &s))
        record_receipt(r, &s, false,
                       "This submission already has a receipt, or has not reached you yet.",
                       "この提出には受領済みの記録があるか、まだ届いていません。");
}

/* ---- recipients directory and bindings ---- */

static json_t *sections_json(unsigned bits)
{
    json_t *a = json_array();
    for (unsigned b = 0; report_section_values[b].value; b++)
        if (bits & RULES_SECTION_BIT(b))
            json_array_append_new(a, json_string(report_section_values[b].value));
    return a;
}

static json_t *formats_json(unsigned bits)
{
    static const char *const names[] = {"json", "xlsx", "pdf"};
    json_t *a = json_array();
    for (unsigned b = 0; b < ARRAY_SIZE(names); b++)
        if (bits & (1u << b))
            json_array_append_new(a, json_string(names[b]));
    return a;
}

/* Which organisation receives for a recipient, shown to every organisation (issue 8.12): a
 * binding decides who reads the submissions, so who it is must not be the operator's secret. */
static json_t *binding_json(struct req *r, const struct recipient_binding *b)
{
    struct org o;
    if (!b)
        return json_null();
    json_t *j = json_pack("{s:s, s:o}", "org_id", b->org_id, "since", http_time(b->created_at));
    if (store_org_get(r->app->store, b->org_id, &o) == STORE_OK)
        json_object_set_new(j, "name", json_pack("{s:s, s:s}", "ja", o.name_ja, "en", o.name_en));
    return j;
}

void h_recipient_list(struct req *r)
{
    struct rules_recipient_view v;
    struct recipient_binding *b;
    size_t nb;
    if (store_binding_list(r->app->store, &b, &nb))
        return http_unavailable(r);
    json_t *items = json_array();
    for (size_t i = 0; rules_recipient_at(r->app->rules, i, &v); i++) {
        const struct outbox_route *route = outbox_route_of(r->app->delivery, v.id);
        const char *bound = NULL;
        const struct recipient_binding *bind = NULL;
        for (size_t k = 0; k < nb; k++)
            if (!strcmp(b[k].recipient_id, v.id))
                bind = &b[k];
        bound = bind ? bind->org_id : NULL;
        json_t *j = json_pack(
            "{s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:o, s:o, s:o}", "id", v.id, "name", "ja",
            v.name_ja, "en", v.name_en, "kind", v.kind, "jurisdiction", v.jurisdiction, "channel",
            rules_channel_name(route->channel), "sections", sections_json(v.delivery->sections),
            "formats", formats_json(v.delivery->formats), "bound_org",
            bound ? json_string(bound) : json_null());
        json_object_set_new(j, "binding", binding_json(r, bind));
        json_object_set_new(j, "webhook_configured",
                            json_boolean(route->channel == CHANNEL_WEBHOOK && route->secret_len &&
                                         route->endpoint[0]));
        json_array_append_new(items, j);
    }
    free(b);
    http_json(r, 200, json_pack("{s:o}", "items", items));
}

static const struct rf_field bind_fields[] = {{"org_id", RF_STRING, RF_REQUIRED, NULL, NULL,
                                               RFMT_NONE, 0, 36, "組織ID", "organisation id", NULL},
                                              {0}};
static const struct rf_field bind_root = {"", RF_OBJECT, 0,          bind_fields, NULL, RFMT_NONE,
                                          0,  0,         "受信組織", "binding",   NULL};

/* Only a receiving organisation (kind authority) can receive for a recipient: binding a
 * reporting company by mistake would hand it other companies' reports. */
static bool receiving_org(struct req *r, const json_t *body)
{
    const char *id = json_string_value(json_object_get(body, "org_id"));
    struct org o;
    struct verr_list errs;
    int res = uuid_valid(id, strlen(id)) ? store_org_get(r->app->store, id, &o) : STORE_NOT_FOUND;
    if (res && res != STORE_NOT_FOUND) {
        http_store_error(r, res);
        return false;
    }
    if (res == STORE_OK && !strcmp(o.kind, "authority"))
        return true;
    verr_list_init(&errs, 2);
    verr_add(&errs, "/org_id", res ? "unknown_organization" : "not_an_authority",
             res ? "is not an organisation of this service"
                 : "is not a receiving authority (organisation kind \"authority\")",
             res ? "このサービスの組織ではありません"
                 : "受領機関（種別 authority）の組織ではありません");
    http_problem(r, 422, "validation", "The request has invalid fields", "入力内容に誤りがあります",
                 "See errors: every problem is listed.", "errors に問題点をすべて示しています。",
                 &errs);
    verr_list_release(&errs);
    return false;
}

void h_recipient_bind(struct req *r)
{
    struct rules_recipient_view v;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    if (!rules_recipient_get(r->app->rules, r->params[0], &v)) {
        http_not_found(r);
    } else if (http_check_body(r, &bind_root, body) && receiving_org(r, body)) {
        const char *org = json_string_value(json_object_get(body, "org_id"));
        int res = store_binding_set(r->app->store, v.id, org, r->who.user_id, r->now_ms);
        if (res)
            http_store_error(r, res);
        else
            http_json(r, 200, json_pack("{s:s, s:s}", "recipient_id", v.id, "org_id", org));
    }
    json_decref(body);
}
