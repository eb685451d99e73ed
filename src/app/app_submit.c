/*
 * app_submit.c — submitting a version and following its submissions (app_submit.h).
 */
#include "app_submit.h"
#include "app_authz.h"
#include "app_int.h"
#include "app_ledger.h"
#include "../core/jpatch.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../render/render.h"
#include "../report/report.h"
#include "../schema/schema.h"

/* ---- submit ---- */

struct submit_choice {
    const char **only, **updates; /* heap arrays of strings borrowed from the body */
    size_t nonly, nupdates;
};

static const struct rf_field id_item = {
    "", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 36, "義務ID", "obligation id", NULL};
static const struct rf_field submit_fields[] = {
    {"obligations", RF_ARRAY, RF_UNIQUE, &id_item, NULL, RFMT_NONE, 1, 500, "送る義務",
     "obligations to send", NULL},
    {"updates", RF_ARRAY, RF_UNIQUE, &id_item, NULL, RFMT_NONE, 1, 500, "続報を送る義務",
     "obligations to send an update of", NULL},
    {0}};
static const struct rf_field submit_root = {"", RF_OBJECT, 0,      submit_fields, NULL, RFMT_NONE,
                                            0,  0,         "提出", "submission",  NULL};

void app_submit_out_release(struct app_submit_out *o)
{
    for (size_t i = 0; i < o->nsent; i++)
        submission_rec_release(&o->sent[i]);
    free(o->sent);
    o->sent = NULL;
    o->nsent = 0;
    for (size_t i = 0; i < o->nplanned; i++) {
        buf_release(&o->planned[i].payload);
        free(o->planned[i].withheld);
    }
    free(o->planned);
    o->planned = NULL;
    o->nplanned = 0;
    outbox_plan_release(&o->plan);
    obligation_list_release(&o->obs);
}

/* The obligation ids the body names under key (heap array of borrowed strings), after checking
 * that each is an obligation of this report: a typo is an error, not an empty submission.
 * sent: each must have been sent (an update follows a stage that went). */
static void named_ids(const json_t *body, const char *key, const struct obligation_list *obs,
                      bool sent, const char ***ids, size_t *n, struct app_result *res)
{
    const json_t *arr = json_object_get(body, key);
    *ids = NULL;
    *n = 0;
    if (!arr)
        return;
    *ids = xcalloc(json_array_size(arr) + 1, sizeof(**ids));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *id = json_string_value(json_array_get(arr, i));
        const struct obligation_rec *ob = NULL;
        char ptr[48];
        for (size_t k = 0; k < obs->n && !ob; k++)
            if (!strcmp(obs->items[k].id, id))
                ob = &obs->items[k];
        snprintf(ptr, sizeof(ptr), "/%s/%zu", key, i);
        if (!ob)
            verr_add(&res->errs, ptr, "unknown_obligation", "is not an obligation of this report",
                     "この報告の義務ではありません");
        else if (sent && !ob->met_at && !ob->live_submission[0])
            verr_add(&res->errs, ptr, "not_sent",
                     "has not been sent: an update (続報) follows a stage that went; name it in "
                     "obligations to send the stage itself",
                     "まだ送られていません。続報は送った段階の後に送ります。段階そのものを送るには "
                     "obligations に指定してください");
        (*ids)[(*n)++] = id;
    }
}

/* The choice the body makes ({"obligations": [ids], "updates": [ids]}), checked: the
 * obligations to send (only; NULL: no choice) and the stages to update. An id may not be in
 * both lists. */
static enum app_problem choice_of(const struct app_call *c, const json_t *body,
                                  const struct obligation_list *obs, struct submit_choice *ch,
                                  struct app_result *res)
{
    memset(ch, 0, sizeof(*ch));
    if (!body)
        return APP_OK;
    if (app_check_fields(c, &submit_root, body, res))
        return res->problem;
    named_ids(body, "obligations", obs, false, &ch->only, &ch->nonly, res);
    named_ids(body, "updates", obs, true, &ch->updates, &ch->nupdates, res);
    /* a call that names updates only sends those: no stage goes that it did not name */
    if (ch->updates && !ch->only)
        ch->only = xcalloc(1, sizeof(*ch->only));
    for (size_t i = 0; i < ch->nupdates; i++)
        for (size_t k = 0; k < ch->nonly; k++)
            if (!strcmp(ch->updates[i], ch->only[k])) {
                char ptr[40];
                snprintf(ptr, sizeof(ptr), "/updates/%zu", i);
                verr_add(&res->errs, ptr, "named_twice",
                         "is also in obligations: a stage goes either as itself or as an update",
                         "obligations にも指定されています。段階そのものか続報のどちらかです");
            }
    return app_fail_if_errors(res, APP_PROB_VALIDATION);
}

static const char *initial_status(const char *channel)
{
    if (!strcmp(channel, "inbox"))
        return "available";
    if (!strcmp(channel, "document"))
        return "awaiting_filing";
    return "queued"; /* webhook, exercise */
}

/* The submission's id and the time its payload states, chosen so that a preview and the submit
 * that follows it (same version, nothing submitted in between) produce the same bytes (issue
 * 10 item 3). The time is the version's creation, or just after the incident's newest
 * submission when that is later, so ids (UUIDv7, RFC 9562 §5.7) still sort by submission: the
 * ledger's "newest live submission" and the newest-first listings rely on that. The 12-bit
 * rand_a field holds the item's place in the plan (the order within one submit); the rest is
 * derived from the obligation, the version and the incident's newest submission, which every
 * submit that writes anything changes, so two plans never name the same id (a failed
 * submission sent again gets a new one). */
struct plan_basis {
    int64_t t;
    char newest[UUID_STR_LEN]; /* the incident's newest submission, or "" */
};

static int64_t uuid_ms(const char *id)
{
    char hex[13];
    memcpy(hex, id, 8);
    memcpy(hex + 8, id + 9, 4);
    hex[12] = '\0';
    return (int64_t)strtoll(hex, NULL, 16);
}

/* STORE_OK, or the store's failure (the plan cannot be made without it). */
static int plan_basis(const struct app_call *c, const struct report_rec *rec, struct plan_basis *pb)
{
    struct submission_list l = {0};
    struct submission_filter f = {.incident_id = rec->id, .limit = 1};
    pb->t = rec->version_created_at;
    pb->newest[0] = '\0';
    int st = store_submissions_list(c->app->store, &f, &l);
    if (st == STORE_OK && l.n > 0) {
        const struct submission_rec *s = &l.items[0];
        xstrlcpy(pb->newest, s->id, sizeof(pb->newest));
        if (s->created_at >= pb->t)
            pb->t = s->created_at + 1;
        if (uuid_valid(s->id, strlen(s->id)) && uuid_ms(s->id) >= pb->t)
            pb->t = uuid_ms(s->id) + 1;
    }
    if (st == STORE_OK)
        submission_list_release(&l);
    return st;
}

static void planned_id(const struct plan_basis *pb, size_t index, const struct obligation_rec *ob,
                       int version, char out[UUID_STR_LEN])
{
    unsigned char h[HASH_SHA256_LEN], rnd[10];
    char key[200];
    int n = snprintf(key, sizeof(key), "ichigen/submission/%s/%d/%s", ob->id, version, pb->newest);
    hash_sha256(key, (size_t)n, h);
    memcpy(rnd, h, sizeof(rnd));
    rnd[0] = (unsigned char)((index >> 8) & 0x0f);
    rnd[1] = (unsigned char)(index & 0xff);
    uuid_v7_format(pb->t, rnd, out);
}

/* What an update follows: the stage's newest submission that went (or is on its way), and what
 * the recipient received with it. */
struct update_basis {
    struct submission_rec prev;
    json_t *payload; /* prev's payload, parsed */
    int sequence;    /* the update's: prev's + 1 */
};

/* STORE_OK with u filled (release with update_basis_release), or the store's failure. */
static int update_basis(const struct app_call *c, const struct obligation_rec *ob,
                        struct update_basis *u)
{
    const char *id = ob->live_submission[0] ? ob->live_submission : ob->met_submission;
    memset(u, 0, sizeof(*u));
    int st = store_submission_get(c->app->store, id, &u->prev);
    if (st != STORE_OK)
        return st;
    if (!(u->payload = json_loadb(u->prev.payload, u->prev.payload_len, 0, NULL)))
        BUG("stored payload of %s is not JSON", u->prev.id);
    u->sequence =
        (int)json_integer_value(jsonx_ptr_get(u->payload, "/submission/update/sequence")) + 1;
    return STORE_OK;
}

static void update_basis_release(struct update_basis *u)
{
    submission_rec_release(&u->prev);
    json_decref(u->payload);
}

/* One planned submission: its payload exactly as it would be stored and sent. u: the update's
 * basis, or NULL for a stage. Returns false (nothing planned) for an update that would carry no
 * change: what the recipient receives is what it received last. */
static bool build_one(const struct app_call *c, const struct report_rec *rec, const json_t *report,
                      const struct org *o, const struct plan_basis *pb, size_t index,
                      const struct update_basis *u, struct app_planned *b)
{
    const struct app *a = c->app;
    const struct obligation_rec *ob = b->ob;
    struct rules_recipient_view rv;
    const struct rule *rule = rules_find(a->rules, ob->rule_id);
    const struct rule_stage *st = rules_find_stage(rule, ob->stage_id);
    const struct outbox_route *route = outbox_route_of(a->delivery, ob->recipient_id);
    json_t *withheld, *changes = NULL;
    rules_recipient_get(a->rules, ob->recipient_id, &rv);
    json_t *view = outbox_project(report, rv.delivery->sections, ob->recipient_id, &withheld);
    if (u) {
        changes = jpatch_diff(json_object_get(u->payload, "report"), view);
        if (json_array_size(changes) == 0) {
            json_decref(changes);
            json_decref(view);
            json_decref(withheld);
            return false;
        }
        xstrlcpy(b->update_of, u->prev.id, sizeof(b->update_of));
        b->update_sequence = u->sequence;
        b->nchanges = json_array_size(changes);
    }
    planned_id(pb, index, ob, rec->version, b->id);
    b->name_ja = rv.name_ja;
    b->name_en = rv.name_en;
    /* a stage's name comes from the rule; one no longer in the rule set keeps its id */
    b->stage_ja = st ? rules_stage_name(st, true) : ob->stage_id;
    b->stage_en = st ? rules_stage_name(st, false) : ob->stage_id;
    b->channel = rec->drill ? "exercise" : rules_channel_name(route->channel);
    struct outbox_meta m = {.submission_id = b->id,
                            .incident_id = rec->id,
                            .obligation_id = ob->id,
                            .rule_id = ob->rule_id,
                            .stage_id = ob->stage_id,
                            .stage_name_ja = b->stage_ja,
                            .stage_name_en = b->stage_en,
                            .recipient_id = ob->recipient_id,
                            .recipient_name_ja = rv.name_ja,
                            .recipient_name_en = rv.name_en,
                            .org_id = o->id,
                            .org_name_ja = o->name_ja,
                            .org_name_en = o->name_en,
                            .corporate_number = o->corporate_number,
                            .version = rec->version,
                            .report_sha256 = rec->body_sha256,
                            .created_ms = pb->t,
                            .drill = rec->drill,
                            .update_of = u ? u->prev.id : NULL,
                            .update_of_version = u ? u->prev.version : 0,
                            .update_sequence = u ? u->sequence : 0,
                            .changes = changes};
    buf_init(&b->payload, BUF_UNLIMITED);
    outbox_payload(&m, view, withheld, &b->payload);
    hash_sha256_hex(b->payload.data, b->payload.len, b->sha);
    b->withheld = json_dumps(withheld, JSON_COMPACT);
    json_decref(changes);
    json_decref(view);
    json_decref(withheld);
    return true;
}

/* Builds the payload of every obligation the plan sends (out->planned, in plan order). An
 * update that would carry no change becomes SKIP_NO_CHANGES. */
static enum app_problem build_plan(const struct app_call *c, const struct report_rec *rec,
                                   const json_t *report, const struct org *o,
                                   struct app_submit_out *out, struct app_result *res)
{
    struct outbox_plan *plan = &out->plan;
    struct plan_basis pb;
    enum app_problem pr = app_fail_store(res, plan_basis(c, rec, &pb));
    if (pr)
        return pr;
    out->planned = xcalloc(plan->nsend + 1, sizeof(*out->planned));
    for (size_t i = 0; i < plan->n && !pr; i++) {
        struct outbox_plan_item *it = &plan->items[i];
        struct update_basis u;
        if (it->skip != SKIP_NONE)
            continue;
        struct app_planned *b = &out->planned[out->nplanned];
        b->ob = it->ob;
        if (it->update && (pr = app_fail_store(res, update_basis(c, it->ob, &u))))
            break;
        if (build_one(c, rec, report, o, &pb, out->nplanned, it->update ? &u : NULL, b)) {
            out->nplanned++;
        } else {
            it->skip = SKIP_NO_CHANGES;
            it->update = false;
            plan->nsend--;
            memset(b, 0, sizeof(*b));
        }
        if (it->update || it->skip == SKIP_NO_CHANGES)
            update_basis_release(&u);
    }
    return pr;
}

/* Reads back the submissions just written, as stored. */
static void read_back(const struct app_call *c, struct app_submit_out *out)
{
    out->sent = xcalloc(out->nplanned + 1, sizeof(*out->sent));
    for (size_t i = 0; i < out->nplanned; i++)
        if (store_submission_get(c->app->store, out->planned[i].id, &out->sent[out->nsent]) ==
            STORE_OK)
            out->nsent++;
}

/* Writes the planned submissions with the ledger re-evaluated: the stages sent now start the
 * deadlines that run from their submission (NIS2's final report, DORA's intermediate
 * report). */
static enum app_problem write_plan(const struct app_call *c, const struct report_rec *rec,
                                   const json_t *report, struct app_submit_out *out,
                                   struct app_result *res)
{
    const struct obligation_list *obs = &out->obs;
    struct submission_new *items = xcalloc(out->nplanned + 1, sizeof(*items));
    bool *send = xcalloc(obs->n + 1, sizeof(*send));
    struct app_ledger lb = {0};
    int created = 0;
    for (size_t i = 0; i < out->nplanned; i++) {
        const struct app_planned *b = &out->planned[i];
        const struct obligation_rec *ob = b->ob;
        items[i] = (struct submission_new){.id = b->id,
                                           .obligation_id = ob->id,
                                           .rule_id = ob->rule_id,
                                           .stage_id = ob->stage_id,
                                           .recipient_id = ob->recipient_id,
                                           .channel = b->channel,
                                           .status = initial_status(b->channel),
                                           .payload = b->payload.data,
                                           .payload_len = b->payload.len,
                                           .payload_sha256 = b->sha,
                                           .withheld = b->withheld,
                                           .kind = b->update_of[0] ? "update" : "stage",
                                           .previous_id = b->update_of};
        for (size_t k = 0; k < obs->n; k++)
            send[k] |= ob == &obs->items[k];
    }
    app_ledger_build(c->app, report, obs, send, c->now_ms, &lb);
    struct submit_write w = {.incident_id = rec->id,
                             .org_id = rec->org_id,
                             .actor = c->who->user_id,
                             .version = rec->version,
                             .drill = rec->drill,
                             .items = items,
                             .n = out->nplanned,
                             .now_ms = c->now_ms,
                             .ledger = &lb.in};
    int st = store_submit(c->app->store, &w, &created);
    app_ledger_release(&lb);
    enum app_problem pr;
    if (st == STORE_CONFLICT && app_incident_withdrawn(c, rec->id)) {
        pr = app_fail(res, APP_PROB_INCIDENT_WITHDRAWN);
    } else if (st == STORE_CONFLICT) { /* a newer version was saved meanwhile */
        out->latest_version = app_latest_version(c, rec->id, rec->latest_version + 1);
        pr = app_fail_precondition(res, APP_PRECOND_STALE, out->latest_version, "report", "報告");
    } else if (!(pr = app_fail_store(res, st))) {
        outbox_worker_wake(c->app->worker);
        read_back(c, out);
        out->created = created != 0;
    }
    free(send);
    free(items);
    return pr;
}

/* The caller must name the latest version: what it submits is what it has read. */
static enum app_problem submit_precondition(const struct app_submit_in *in, int latest,
                                            struct app_result *res)
{
    enum app_precond pc = app_expect_check(&in->pre, latest);
    return pc == APP_PRECOND_MATCH ? APP_OK
                                   : app_fail_precondition(res, pc, latest, "report", "報告");
}

/* What a submit and its preview share: the checks, the plan and every payload, read from the
 * store and written nowhere. On APP_OK *rec and *report are the version planned (the caller
 * releases them). */
static enum app_problem plan_submit(const struct app_call *c, const struct app_submit_in *in,
                                    struct app_submit_out *out, struct report_rec *rec,
                                    json_t **report, struct app_result *res)
{
    struct org o;
    struct submit_choice ch = {0};
    *report = NULL;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_report(c, ACT_SUBMIT, in->report_id, 0, rec, res);
    if (pr)
        return pr;
    xstrlcpy(out->incident_id, rec->id, sizeof(out->incident_id));
    out->version = rec->version;
    out->latest_version = rec->latest_version;
    if ((pr = submit_precondition(in, rec->latest_version, res)))
        goto out;
    if (rec->withdrawn_at) {
        pr = app_fail(res, APP_PROB_INCIDENT_WITHDRAWN);
        goto out;
    }
    int st = store_obligations_list(c->app->store, rec->id, &out->obs);
    if (!st)
        st = store_org_get(c->app->store, rec->org_id, &o);
    if ((pr = app_fail_store(res, st)))
        goto out;
    if ((pr = choice_of(c, in->body, &out->obs, &ch, res)))
        goto out;
    if (!(*report = json_loadb(rec->body, rec->body_len, 0, NULL)))
        BUG("stored report %s is not JSON", rec->id);
    outbox_plan_make(c->app->rules, out->obs.items, out->obs.n, *report, ch.only, ch.nonly,
                     &out->plan);
    outbox_plan_updates(&out->plan, ch.updates, ch.nupdates);
    pr = build_plan(c, rec, *report, &o, out, res);
out:
    free(ch.only);
    free(ch.updates);
    if (pr) {
        report_rec_release(rec);
        json_decref(*report);
        *report = NULL;
    }
    return pr;
}

enum app_problem app_report_submit(const struct app_call *c, const struct app_submit_in *in,
                                   struct app_submit_out *out, struct app_result *res)
{
    struct report_rec rec;
    json_t *report;
    enum app_problem pr = plan_submit(c, in, out, &rec, &report, res);
    if (pr)
        return pr;
    pr = write_plan(c, &rec, report, out, res);
    json_decref(report);
    report_rec_release(&rec);
    return pr;
}

enum app_problem app_report_submit_preview(const struct app_call *c, const struct app_submit_in *in,
                                           struct app_submit_out *out, struct app_result *res)
{
    struct report_rec rec;
    json_t *report;
    enum app_problem pr = plan_submit(c, in, out, &rec, &report, res);
    if (pr)
        return pr;
    json_decref(report);
    report_rec_release(&rec);
    return APP_OK;
}

void app_field_label(const char *pointer, bool ja, struct buf *out)
{
    schema_label_path(&report_root, pointer, ja, out);
}

/* ---- the reporter's view ---- */

enum app_problem app_report_submissions(const struct app_call *c, const char *report_id,
                                        const char *after, int limit, struct submission_list *out,
                                        struct app_result *res)
{
    struct report_rec rec;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_report(c, ACT_SUBMISSION_READ, report_id, 0, &rec, res);
    if (pr)
        return pr;
    struct submission_filter f = {.incident_id = rec.id, .after_id = after, .limit = limit};
    int st = store_submissions_list(c->app->store, &f, out);
    report_rec_release(&rec);
    return st ? app_fail_unavailable(res) : APP_OK;
}

enum app_problem app_submission_get(const struct app_call *c, const char *id,
                                    struct submission_rec *s, struct submission_events *ev,
                                    struct app_result *res)
{
    struct submission_rec first;
    memset(ev, 0, sizeof(*ev));
    memset(s, 0, sizeof(*s));
    /* the first read decides access; the second gives the consistent pair */
    enum app_problem pr = app_authz_sent(c, ACT_SUBMISSION_READ, id, &first, res);
    if (pr)
        return pr;
    int st = store_submission_history(c->app->store, first.id, s, ev);
    submission_rec_release(&first);
    return app_fail_store(res, st);
}

void app_proof_release(struct app_proof *p)
{
    submission_rec_release(&p->s);
    submission_events_release(&p->ev);
}

enum app_problem app_submission_proof(const struct app_call *c, const char *id,
                                      struct app_proof *out, struct app_result *res)
{
    struct rules_recipient_view rv;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_submission_get(c, id, &out->s, &out->ev, res);
    if (pr)
        return pr;
    /* re-hash what is stored: the proof states that these bytes are the ones recorded */
    hash_sha256_hex(out->s.payload, out->s.payload_len, out->sha);
    out->intact = !strcmp(out->sha, out->s.payload_sha256);
    if (rules_recipient_get(c->app->rules, out->s.recipient_id, &rv)) {
        out->name_ja = rv.name_ja;
        out->name_en = rv.name_en;
    }
    const struct outbox_route *route = outbox_route_of(c->app->delivery, out->s.recipient_id);
    if (!strcmp(out->s.channel, "webhook") && route && route->endpoint[0])
        out->endpoint = route->endpoint;
    return APP_OK;
}

void app_document_release(struct app_document *d)
{
    buf_release(&d->bytes);
}

/* The recipient's view (the payload's "report") rendered as a workbook or a PDF to file. */
static enum app_problem render(const struct app_call *c, const struct submission_rec *s, bool xlsx,
                               struct buf *out, struct app_result *res)
{
    struct rules_recipient_view rv;
    struct report_rec ver;
    struct err e;
    json_t *payload = json_loadb(s->payload, s->payload_len, 0, NULL);
    if (!payload)
        BUG("stored payload of %s is not JSON", s->id);
    bool known = rules_recipient_get(c->app->rules, s->recipient_id, &rv);
    int64_t created = 0;
    if (store_report_get(c->app->store, s->incident_id, s->version, &ver) == STORE_OK) {
        created = ver.version_created_at;
        report_rec_release(&ver);
    }
    /* an update is titled as the 続報 of its stage, so the filed document says what it is */
    char stage[160];
    const char *stage_ja = json_string_value(jsonx_ptr_get(payload, "/submission/stage/ja"));
    if (!strcmp(s->kind, "update") && stage_ja) {
        snprintf(
            stage, sizeof(stage), "続報 %lld（%s）",
            (long long)json_integer_value(jsonx_ptr_get(payload, "/submission/update/sequence")),
            stage_ja);
        stage_ja = stage;
    }
    const struct rule *rule = rules_find(c->app->rules, s->rule_id);
    struct render_meta m = {
        .rule_status_ja = rules_rule_status_text(rule, true),
        .rule_status_en = rules_rule_status_text(rule, false),
        .incident_id = s->incident_id,
        .version = s->version,
        .report_sha256 = json_string_value(jsonx_ptr_get(payload, "/submission/report_sha256")),
        .version_created_ms = created,
        .recipient_name_ja = known ? rv.name_ja : NULL,
        .recipient_name_en = known ? rv.name_en : NULL,
        .stage_name_ja = stage_ja,
        .ja = true,
        /* the filing (issue 10 items 5, 6): the recipient's own form, the submission, and the
         * sections its view carries, so that a section it is not given is not called unknown */
        .form = known && render_form_parse(rv.delivery->form) > 0
                    ? (enum render_form)render_form_parse(rv.delivery->form)
                    : RENDER_FORM_UNIFIED,
        .submission_id = s->id,
        .filed_ms = s->created_at,
        .sections_given =
            known ? rv.delivery->sections &
                        ~outbox_withheld(json_object_get(payload, "report"), s->recipient_id)
                  : 0};
    err_init(&e);
    json_t *view = json_object_get(payload, "report");
    int rc = xlsx ? render_xlsx(view, &m, out, &e) : render_pdf(view, &m, out, &e);
    json_decref(payload);
    if (rc == RENDER_OK)
        return APP_OK;
    char ja[800];
    snprintf(ja, sizeof(ja), "文書を作成できませんでした（%s）。運用者に連絡してください。", e.msg);
    return app_fail_detail(res, APP_PROB_RENDERING_FAILED, e.msg, ja);
}

enum app_problem app_document_of(const struct app_call *c, const struct submission_rec *s,
                                 enum app_doc_format fmt, struct app_document *out,
                                 struct app_result *res)
{
    static const unsigned want[] = {RULES_FORMAT_JSON, RULES_FORMAT_XLSX, RULES_FORMAT_PDF};
    struct rules_recipient_view rv;
    memset(out, 0, sizeof(*out));
    /* the payload as stored, whatever its size; a rendering within what render/ may produce */
    buf_init(&out->bytes, fmt == APP_DOC_JSON ? BUF_UNLIMITED : 64 << 20);
    xstrlcpy(out->id, s->id, sizeof(out->id));
    if (fmt != APP_DOC_JSON && !strcmp(s->kind, "withdrawal"))
        /* partial: a notice has no report to lay out; its JSON says everything it carries */
        return app_fail_param(res, "format",
                              "a withdrawal notice is available as JSON only (format=json)",
                              "取下げ通知は JSON 形式（format=json）だけで提供します");
    if (!rules_recipient_get(c->app->rules, s->recipient_id, &rv) ||
        !(rv.delivery->formats & want[fmt]))
        return app_fail_param(
            res, "format",
            "is not a rendering this recipient accepts (GET /api/v1/recipients lists them)",
            "この報告先が受け付ける形式ではありません（GET /api/v1/recipients を参照）");
    if (fmt == APP_DOC_JSON) {
        buf_append(&out->bytes, s->payload, s->payload_len); /* unbounded: cannot fail */
        return APP_OK;
    }
    return render(c, s, fmt == APP_DOC_XLSX, &out->bytes, res);
}

enum app_problem app_submission_document(const struct app_call *c, const char *id,
                                         enum app_doc_format fmt, struct app_document *out,
                                         struct app_result *res)
{
    struct submission_rec s;
    memset(out, 0, sizeof(*out));
    buf_init(&out->bytes, 0);
    enum app_problem pr = app_authz_sent(c, ACT_SUBMISSION_READ, id, &s, res);
    if (pr)
        return pr;
    buf_release(&out->bytes);
    pr = app_document_of(c, &s, fmt, out, res);
    submission_rec_release(&s);
    return pr;
}

/* ---- filings and receipts ---- */

static const struct rf_field filed_fields[] = {
    {"reference", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 128, "受付番号", "reference",
     NULL},
    {"note", RF_TEXT, 0, NULL, NULL, RFMT_NONE, 0, 2000, "備考", "note", NULL},
    {0}};
static const struct rf_field filed_root = {
    "", RF_OBJECT, 0, filed_fields, NULL, RFMT_NONE, 0, 0, "提出の記録", "filing", NULL};

/* The reference (and note) as stored receipt JSON. */
static char *receipt_text(const struct app_call *c, const json_t *body, const char *kind)
{
    char at[40];
    rtime_format_utc(c->now_ms, at, sizeof(at));
    json_t *rc = json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "reference",
                           json_string_value(json_object_get(body, "reference")), "by",
                           c->who->user_id, "at", at);
    if (json_object_get(body, "note"))
        json_object_set(rc, "note", json_object_get(body, "note"));
    char *t = json_dumps(rc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(rc);
    return t;
}

/* Why a filing or a receipt is refused in the submission's present state. */
static enum app_problem wrong_state(struct app_result *res, bool filing)
{
    if (filing)
        return app_fail_detail(res, APP_PROB_SUBMISSION_STATE,
                               "Only a document waiting to be filed can be confirmed as filed.",
                               "提出待ちの文書だけを提出済みにできます。");
    return app_fail_detail(res, APP_PROB_SUBMISSION_STATE,
                           "This submission already has a receipt, or has not reached you yet.",
                           "この提出には受領済みの記録があるか、まだ届いていません。");
}

enum app_problem app_receipt_record(const struct app_call *c, const struct submission_rec *s,
                                    const json_t *body, bool filing, struct submission_rec *out,
                                    struct app_result *res)
{
    memset(out, 0, sizeof(*out));
    if (app_check_fields(c, &filed_root, body, res))
        return res->problem;
    char *receipt = receipt_text(c, body, filing ? "filing" : "receipt");
    int st = store_submission_receipt(c->app->store, s->id,
                                      json_string_value(json_object_get(body, "reference")),
                                      receipt, filing, c->who->user_id, c->now_ms);
    free(receipt);
    if (st == STORE_CONFLICT)
        return wrong_state(res, filing);
    if (st)
        return app_fail_store(res, st);
    if (store_submission_get(c->app->store, s->id, out) != STORE_OK)
        return app_fail_unavailable(res);
    return APP_OK;
}

enum app_problem app_submission_file(const struct app_call *c, const char *id, const json_t *body,
                                     struct submission_rec *out, struct app_result *res)
{
    struct submission_rec s;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_sent(c, ACT_SUBMIT, id, &s, res);
    if (pr)
        return pr;
    pr = app_receipt_record(c, &s, body, true, out, res);
    submission_rec_release(&s);
    return pr;
}
