/*
 * h_delivery.c — delivery over HTTP (issue 5; docs/delivery.md): the reporter submits a
 * version, follows every submission with its history, downloads the proof of submission and
 * the documents to file, and confirms filings; the receiving side works its inbox and posts
 * receipts; the operator binds recipients to organisations.
 *
 * The handlers decode the request, call one use case of src/app/ (app_submit.h, app_inbox.h:
 * planning, payloads, the ledger and every authorisation decision live there) and encode its
 * result; a failure is answered by http_fail_result (respond.c).
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_inbox.h"
#include "../app/app_submit.h"
#include "../app/app_sequence.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../outbox/outbox.h"

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
    json_object_set_new(j, "kind", json_string(s->kind[0] ? s->kind : "stage"));
    json_object_set_new(j, "update_of",
                        s->previous_id[0] ? json_string(s->previous_id) : json_null());
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
    /* a stage that went can be sent again as an update (続報): name it in "updates" */
    json_object_set_new(
        j, "update_possible",
        json_boolean(it->skip != SKIP_NONE && (o->met_at || o->live_submission[0])));
    json_object_set_new(j, "explanation",
                        json_pack("{s:s, s:s}", "en", outbox_skip_text(it->skip, false), "ja",
                                  outbox_skip_text(it->skip, true)));
    return j;
}

/* The optional body {"obligations": [ids]}: absent (a bare POST submits everything due), or
 * JSON. Returns false after answering 415/400. */
static bool submit_body(struct req *r, json_t **doc)
{
    *doc = NULL;
    if (r->body.len == 0)
        return true;
    return http_require_json(r) && (*doc = http_body_json(r)) != NULL;
}

/* A field the stage requires, named by its pointer and by its labels in the report format, so
 * the reporter reads "影響 › 個人データ › 人数", not only "/impact/personal_data/count". */
static json_t *missing_json(const char *pointer)
{
    struct buf ja, en;
    buf_init(&ja, 1024);
    buf_init(&en, 1024);
    app_field_label(pointer, true, &ja);
    app_field_label(pointer, false, &en);
    json_t *j =
        json_pack("{s:s, s:s, s:s}", "pointer", pointer, "ja", buf_cstr(&ja), "en", buf_cstr(&en));
    buf_release(&ja);
    buf_release(&en);
    return j;
}

/* What the preview says of an obligation that would not go: what a submit says, with each
 * missing field also labelled. */
static json_t *held_preview_json(const struct outbox_plan_item *it)
{
    json_t *j = not_sent_json(it), *labelled = json_array();
    for (size_t k = 0; k < it->nmissing; k++)
        json_array_append_new(labelled, missing_json(it->missing[k]));
    json_object_set_new(j, "missing_field_labels", labelled);
    return j;
}

/* A submission the submit would write: the payload's exact bytes as a string (hashing its
 * UTF-8 gives payload_sha256), their SHA-256 and size, and what the recipient is not given. */
static json_t *planned_json(const struct app_planned *p)
{
    const struct obligation_rec *o = p->ob;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "submission_id", p->id,
                          "obligation_id", o->id, "rule_id", o->rule_id, "stage_id", o->stage_id,
                          "recipient_id", o->recipient_id, "channel", p->channel, "payload_sha256",
                          p->sha, "payload_media_type", "application/json", "payload_size",
                          (json_int_t)p->payload.len);
    json_object_set_new(j, "stage",
                        json_pack("{s:s, s:s, s:s}", "id", o->stage_id, "ja",
                                  p->stage_ja ? p->stage_ja : "", "en",
                                  p->stage_en ? p->stage_en : ""));
    json_object_set_new(j, "recipient",
                        json_pack("{s:s, s:s, s:s}", "id", o->recipient_id, "ja",
                                  p->name_ja ? p->name_ja : "", "en",
                                  p->name_en ? p->name_en : ""));
    json_object_set_new(j, "withheld_sections", parsed_or_null(p->withheld));
    json_object_set_new(j, "kind", json_string(p->update_of[0] ? "update" : "stage"));
    json_object_set_new(j, "update",
                        p->update_of[0]
                            ? json_pack("{s:s, s:i, s:I}", "of", p->update_of, "sequence",
                                        p->update_sequence, "changes", (json_int_t)p->nchanges)
                            : json_null());
    json_object_set_new(j, "payload", json_stringn((const char *)p->payload.data, p->payload.len));
    return j;
}

/* ?dry_run=true|false; false (and absent) submits. Returns -1 after answering 400. */
static int dry_run_param(struct req *r)
{
    static const char *const allowed[] = {"dry_run", NULL};
    if (!http_query_only(r, allowed))
        return -1;
    const char *d = http_query(r, "dry_run");
    if (!d || !strcmp(d, "false"))
        return 0;
    if (!strcmp(d, "true"))
        return 1;
    http_bad_query(r, "dry_run", "must be true or false", "true 又は false で指定してください");
    return -1;
}

/* The preview's answer (200): what the submit would send, and what it would hold back. */
static void preview_answer(struct req *r, const struct app_submit_out *out)
{
    json_t *would = json_array(), *held = json_array();
    for (size_t i = 0; i < out->nplanned; i++)
        json_array_append_new(would, planned_json(&out->planned[i]));
    for (size_t i = 0; i < out->plan.n; i++)
        if (out->plan.items[i].skip != SKIP_NONE)
            json_array_append_new(held, held_preview_json(&out->plan.items[i]));
    http_json(r, 200,
              json_pack("{s:s, s:i, s:b, s:o, s:o}", "incident_id", out->incident_id,
                        "report_version", out->version, "dry_run", 1, "would_submit", would,
                        "would_not_submit", held));
}

void h_report_submit(struct req *r)
{
    struct app_result res;
    struct app_submit_out out;
    json_t *body;
    int dry = dry_run_param(r);
    if (dry < 0 || !submit_body(r, &body))
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    struct app_submit_in in = {r->params[0], http_expect(r), body};
    if ((dry ? app_report_submit_preview : app_report_submit)(&c, &in, &out, &res)) {
        http_fail_result(r, &res);
    } else if (dry) {
        preview_answer(r, &out);
    } else {
        json_t *sent = json_array(), *held = json_array();
        for (size_t i = 0; i < out.nsent; i++)
            json_array_append_new(sent, submission_json(&out.sent[i], true));
        for (size_t i = 0; i < out.plan.n; i++)
            if (out.plan.items[i].skip != SKIP_NONE)
                json_array_append_new(held, not_sent_json(&out.plan.items[i]));
        http_json(r, out.created ? 201 : 200,
                  json_pack("{s:s, s:i, s:o, s:o}", "incident_id", out.incident_id,
                            "report_version", out.version, "submitted", sent, "not_submitted",
                            held));
    }
    app_submit_out_release(&out);
    app_result_release(&res);
    json_decref(body);
}

/* ---- the reporter's view ---- */

/* GET /api/v1/reports/{id}/sequence: per recipient, what it received in order (速報 → 続報 … →
 * 確報), times formatted like every other time of the API. */
void h_report_sequence(struct req *r)
{
    struct app_result res;
    json_t *seq, *g, *it;
    size_t i, k;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_report_sequence(&c, r->params[0], &seq, &res))
        return http_fail_result_release(r, &res);
    json_array_foreach(json_object_get(seq, "recipients"), i, g)
        json_array_foreach(json_object_get(g, "items"), k, it) json_object_set_new(
            it, "created_at", http_time(json_integer_value(json_object_get(it, "created_at"))));
    http_json(r, 200, seq);
    app_result_release(&res);
}

/* Answers a listing of submissions in the given view. Releases l. */
static void send_page(struct req *r, struct submission_list *l, bool sender_view)
{
    json_t *items = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(items, submission_json(&l->items[i], sender_view));
    http_page(r, items, l->more && l->n ? l->items[l->n - 1].id : NULL);
    submission_list_release(l);
}

void h_report_submissions(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    struct submission_list l;
    struct app_result res;
    char after[UUID_STR_LEN];
    int limit;
    if (!http_query_only(r, allowed) || (limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after))
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    if (app_report_submissions(&c, r->params[0], after[0] ? after : NULL, limit, &l, &res))
        http_fail_result(r, &res);
    else
        send_page(r, &l, true);
    app_result_release(&res);
}

void h_submission_get(struct req *r)
{
    struct submission_rec s;
    struct submission_events ev;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_submission_get(&c, r->params[0], &s, &ev, &res))
        return http_fail_result_release(r, &res);
    json_t *j = submission_json(&s, true);
    json_object_set_new(j, "history", events_json(&ev));
    http_json(r, 200, j);
    submission_events_release(&ev);
    submission_rec_release(&s);
}

/* Where a submission went, in words a proof can state without revealing secrets. */
static json_t *destination_json(const struct app_proof *p)
{
    json_t *d = json_pack("{s:s, s:s}", "recipient_id", p->s.recipient_id, "channel", p->s.channel);
    if (p->name_ja) {
        json_object_set_new(d, "name_ja", json_string(p->name_ja));
        json_object_set_new(d, "name_en", json_string(p->name_en));
    }
    if (p->endpoint)
        json_object_set_new(d, "endpoint", json_string(p->endpoint));
    return d;
}

void h_submission_proof(struct req *r)
{
    struct app_proof p;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_submission_proof(&c, r->params[0], &p, &res))
        return http_fail_result_release(r, &res);
    json_t *proof = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:s, s:b, s:s%}", "format", "ichigen-proof-of-submission/1",
        "generated_at", http_time(r->now_ms), "submission", submission_json(&p.s, true),
        "destination", destination_json(&p), "history", events_json(&p.ev), "payload_sha256", p.sha,
        "payload_intact", p.intact, "payload", p.s.payload, p.s.payload_len);
    char disp[96];
    snprintf(disp, sizeof(disp), "attachment; filename=\"proof-%s.json\"", p.s.id);
    http_header(r, "Content-Disposition", disp);
    http_json(r, 200, proof);
    app_proof_release(&p);
}

/* A submission's document (?format=json|xlsx|pdf) from the use case doc: the reporter's to file,
 * or the receiving side's download of what it received (issue 10 item 7). */
static void document_answer(struct req *r,
                            enum app_problem (*doc)(const struct app_call *, const char *,
                                                    enum app_doc_format, struct app_document *,
                                                    struct app_result *))
{
    static const char *const allowed[] = {"format", NULL};
    static const char *const ext[] = {"json", "xlsx", "pdf"};
    static const char *const ctype[] = {
        "application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/pdf"};
    struct app_document d;
    struct app_result res;
    const char *fmt = http_query(r, "format");
    enum app_doc_format f = APP_DOC_JSON;
    if (!http_query_only(r, allowed))
        return;
    if (fmt && !strcmp(fmt, "xlsx"))
        f = APP_DOC_XLSX;
    else if (fmt && !strcmp(fmt, "pdf"))
        f = APP_DOC_PDF;
    else if (fmt && strcmp(fmt, "json"))
        return http_bad_query(r, "format", "must be json, xlsx or pdf",
                              "json、xlsx、pdf のいずれかにしてください");
    app_result_init(&res, 4);
    struct app_call c = http_app_call(r);
    if (doc(&c, r->params[0], f, &d, &res)) {
        http_fail_result(r, &res);
    } else {
        char disp[128];
        snprintf(disp, sizeof(disp), "attachment; filename=\"submission-%s.%s\"", d.id, ext[f]);
        http_header(r, "Content-Disposition", disp);
        http_raw(r, 200, ctype[f], d.bytes.data, d.bytes.len);
    }
    app_document_release(&d);
    app_result_release(&res);
}

void h_submission_document(struct req *r)
{
    document_answer(r, app_submission_document);
}

void h_inbox_document(struct req *r)
{
    document_answer(r, app_inbox_document);
}

/* Answers a filing or a receipt: the submission as stored now, in the sender's view for a
 * filing, or the use case's failure. */
static void receipt_answer(struct req *r, const struct app_result *res, struct submission_rec *now,
                           bool filing)
{
    if (res->problem) {
        http_fail_result(r, res);
    } else {
        http_json(r, 200, submission_json(now, filing));
        submission_rec_release(now);
    }
}

void h_submission_filed(struct req *r)
{
    struct submission_rec now;
    struct app_result res;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    app_submission_file(&c, r->params[0], body, &now, &res);
    receipt_answer(r, &res, &now, true);
    app_result_release(&res);
    json_decref(body);
}

/* ---- the receiving side ---- */

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

/* "a,b" stored as ",a,b," → ["a", "b"] */
static json_t *categories_json(const char *stored)
{
    json_t *a = json_array();
    for (const char *p = stored; *p;) {
        size_t len = strcspn(p, ",");
        if (len)
            json_array_append_new(a, json_stringn(p, len));
        p += len;
        if (*p == ',')
            p++;
    }
    return a;
}

/* One line of the inbox (issue 10 item 7): the submission in the receiving side's view, who
 * reported, the incident, the stage, whether it is an update, the deadline the reporter is held
 * to, read (fetched or delivered) and acknowledged (receipt). */
static json_t *inbox_item_json(const struct inbox_item *it, const struct ruleset *rules)
{
    const struct submission_rec *s = &it->s;
    json_t *j = submission_json(s, false);
    json_object_set_new(j, "organization",
                        json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}", "id", s->org_id, "name", "ja",
                                  it->org_name_ja, "en", it->org_name_en, "sector", it->sector,
                                  "prefecture", it->prefecture));
    json_object_set_new(j, "incident",
                        json_pack("{s:s, s:o, s:o}", "id", s->incident_id, "title",
                                  it->title ? json_string(it->title) : json_null(), "categories",
                                  categories_json(it->categories)));
    /* a 続報 (issue 10 item 2): kind and update_of (submission_json) say which stage it follows */
    json_object_set_new(j, "update", json_boolean(!strcmp(s->kind, "update")));
    json_object_set_new(j, "received_at", http_time(s->created_at));
    json_object_set_new(j, "deadline", it->due_set ? http_time(it->due_ms) : json_null());
    /* the stage by its name in both languages, so a list of the inbox reads without a lookup
     * of the rule set (the stage id stays in stage_id; a stage no longer in the rules is named
     * by its id) */
    const struct rule *rule = rules_find(rules, s->rule_id);
    const struct rule_stage *st = rules_find_stage(rule, s->stage_id);
    json_object_set_new(j, "stage",
                        json_pack("{s:s, s:s, s:s}", "id", s->stage_id, "ja",
                                  st ? rules_stage_name(st, true) : s->stage_id, "en",
                                  st ? rules_stage_name(st, false) : s->stage_id));
    /* a deadline under a proposed rule holds no one (issue 11 item 4): the authority sees so */
    json_t *rs = rules_rule_status_json(rule);
    json_object_update(j, rs);
    json_decref(rs);
    json_object_set_new(j, "read", json_boolean(s->delivered_at != 0));
    json_object_set_new(j, "acknowledged", json_boolean(s->acknowledged_at != 0));
    return j;
}

/* ?unacknowledged=true|false. Returns -1 after answering 400. */
static int bool_query(struct req *r, const char *name, bool *out)
{
    const char *v = http_query(r, name);
    *out = v && !strcmp(v, "true");
    if (!v || !strcmp(v, "true") || !strcmp(v, "false"))
        return 0;
    http_bad_query(r, name, "must be true or false", "true 又は false で指定してください");
    return -1;
}

void h_inbox_list(struct req *r)
{
    static const char *const allowed[] = {
        "limit",          "cursor",   "stage", "status", "created_from", "created_before", "sector",
        "unacknowledged", "category", "sort",  NULL};
    char after[UUID_STR_LEN];
    struct inbox_page l;
    struct app_inbox_query q = {0};
    struct app_result res;
    if (!http_query_only(r, allowed) || (q.limit = http_limit(r)) < 0 ||
        http_cursor_decode(r, "cursor", after) || time_query(r, "created_from", &q.created_from) ||
        time_query(r, "created_before", &q.created_before) ||
        bool_query(r, "unacknowledged", &q.unacknowledged))
        return;
    q.stage_id = http_query(r, "stage");
    q.status = http_query(r, "status");
    q.category = http_query(r, "category");
    q.sector = http_query(r, "sector");
    q.sort = http_query(r, "sort");
    q.after = after[0] ? after : NULL;
    app_result_init(&res, 4);
    struct app_call c = http_app_call(r);
    if (app_inbox_list(&c, &q, &l, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < l.n; i++)
            json_array_append_new(items, inbox_item_json(&l.items[i], r->app->rules));
        http_page(r, items, l.more && l.n ? l.items[l.n - 1].s.id : NULL);
        inbox_page_release(&l);
    }
    app_result_release(&res);
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
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    /* a HEAD request reads nothing, so it delivers nothing */
    if (app_inbox_get(&c, r->params[0], strcmp(r->method, "HEAD") != 0, &s, &res))
        return http_fail_result_release(r, &res);
    send_with_payload(r, &s);
    submission_rec_release(&s);
}

void h_inbox_receipt(struct req *r)
{
    struct submission_rec now;
    struct app_result res;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    app_inbox_receipt(&c, r->params[0], body, &now, &res);
    receipt_answer(r, &res, &now, false);
    app_result_release(&res);
    json_decref(body);
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

/* Which organisation receives for a recipient, shown to every organisation (issue 8.12). */
static json_t *binding_json(const struct app_recipient *it)
{
    if (!it->binding)
        return json_null();
    json_t *j = json_pack("{s:s, s:o}", "org_id", it->binding->org_id, "since",
                          http_time(it->binding->created_at));
    if (it->org_known)
        json_object_set_new(j, "name",
                            json_pack("{s:s, s:s}", "ja", it->org.name_ja, "en", it->org.name_en));
    return j;
}

void h_recipient_list(struct req *r)
{
    struct app_recipients l;
    struct app_result res;
    struct app_call c = http_app_call(r);
    app_result_init(&res, 0);
    if (app_recipients_list(&c, &l, &res)) {
        app_recipients_release(&l);
        return http_fail_result_release(r, &res);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const struct app_recipient *it = &l.items[i];
        const struct rules_recipient_view *v = &it->v;
        const struct outbox_route *route = it->route;
        json_t *j = json_pack(
            "{s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:o, s:o, s:o}", "id", v->id, "name", "ja",
            v->name_ja, "en", v->name_en, "kind", v->kind, "jurisdiction", v->jurisdiction,
            "channel", rules_channel_name(route->channel), "sections",
            sections_json(v->delivery->sections), "formats", formats_json(v->delivery->formats),
            "bound_org", it->binding ? json_string(it->binding->org_id) : json_null());
        json_object_set_new(j, "binding", binding_json(it));
        /* the authority's own form its workbook follows; null: ichigen's unified layout */
        json_object_set_new(j, "form",
                            v->delivery->form ? json_string(v->delivery->form) : json_null());
        json_object_set_new(j, "webhook_configured",
                            json_boolean(route->channel == CHANNEL_WEBHOOK && route->secret_len &&
                                         route->endpoint[0]));
        json_array_append_new(items, j);
    }
    app_recipients_release(&l);
    http_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_recipient_bind(struct req *r)
{
    struct app_result res;
    json_t *body = http_body_json(r);
    if (!body)
        return;
    app_result_init(&res, r->app->limits.max_errors);
    struct app_call c = http_app_call(r);
    if (app_recipient_bind(&c, r->params[0], body, &res))
        http_fail_result(r, &res);
    else
        http_json(r, 200,
                  json_pack("{s:s, s:s}", "recipient_id", r->params[0], "org_id",
                            json_string_value(json_object_get(body, "org_id"))));
    app_result_release(&res);
    json_decref(body);
}
