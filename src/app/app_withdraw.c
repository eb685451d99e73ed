/*
 * app_withdraw.c — withdrawing an incident, and the possible-duplicate hint (app_withdraw.h).
 */
#include "app_withdraw.h"
#include "app_correlate.h"
#include "app_authz.h"
#include "app_int.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../schema/schema.h"

static const struct rf_field withdraw_fields[] = {{"reason", RF_TEXT, RF_REQUIRED, NULL, NULL,
                                                   RFMT_NONE, 1, 2000, "取下げの理由",
                                                   "reason for the withdrawal", NULL},
                                                  {0}};
static const struct rf_field withdraw_root = {
    "", RF_OBJECT, 0, withdraw_fields, NULL, RFMT_NONE, 0, 0, "取下げ", "withdrawal", NULL};

/* Per recipient, the newest submission of the incident (not itself a notice): heap array of
 * copies in l's order (newest first), *n of them. */
static int recipients_reached(const struct app_call *c, const char *incident_id,
                              struct submission_list *l, const struct submission_rec ***out,
                              size_t *n)
{
    struct submission_filter f = {.incident_id = incident_id, .limit = 100000};
    *out = NULL;
    *n = 0;
    int st = store_submissions_list(c->app->store, &f, l);
    if (st != STORE_OK)
        return st;
    *out = xcalloc(l->n + 1, sizeof(**out));
    for (size_t i = 0; i < l->n; i++) {
        const struct submission_rec *s = &l->items[i];
        bool seen = !strcmp(s->kind, "withdrawal");
        for (size_t k = 0; k < *n && !seen; k++)
            seen = !strcmp((*out)[k]->recipient_id, s->recipient_id);
        if (!seen)
            (*out)[(*n)++] = s;
    }
    return STORE_OK;
}

/* The notice for the recipient of last (its newest submission of the incident). */
static void notice_for(const struct app_call *c, const struct report_rec *rec, const struct org *o,
                       const struct submission_rec *last, const char *reason, char id[UUID_STR_LEN],
                       struct buf *payload, char sha[HASH_SHA256_HEX], struct submission_new *n)
{
    struct rules_recipient_view rv;
    bool known = rules_recipient_get(c->app->rules, last->recipient_id, &rv);
    const struct rule *rule = rules_find(c->app->rules, last->rule_id);
    const struct rule_stage *st = rules_find_stage(rule, last->stage_id);
    uuid_v7_new(id);
    struct outbox_meta m = {.submission_id = id,
                            .incident_id = rec->id,
                            .obligation_id = last->obligation_id,
                            .rule_id = last->rule_id,
                            .stage_id = last->stage_id,
                            .stage_name_ja = st ? rules_stage_name(st, true) : last->stage_id,
                            .stage_name_en = st ? rules_stage_name(st, false) : last->stage_id,
                            .recipient_id = last->recipient_id,
                            .recipient_name_ja = known ? rv.name_ja : last->recipient_id,
                            .recipient_name_en = known ? rv.name_en : last->recipient_id,
                            .org_id = o->id,
                            .org_name_ja = o->name_ja,
                            .org_name_en = o->name_en,
                            .corporate_number = o->corporate_number,
                            .version = rec->latest_version,
                            .report_sha256 = rec->body_sha256,
                            .created_ms = c->now_ms,
                            .drill = rec->drill};
    buf_init(payload, BUF_UNLIMITED);
    outbox_withdrawal_payload(&m, reason, payload);
    hash_sha256_hex(payload->data, payload->len, sha);
    /* the notice goes the way the recipient's last submission went */
    const char *channel = last->channel;
    *n = (struct submission_new){.id = id,
                                 .obligation_id = last->obligation_id,
                                 .rule_id = last->rule_id,
                                 .stage_id = last->stage_id,
                                 .recipient_id = last->recipient_id,
                                 .channel = channel,
                                 .status = !strcmp(channel, "inbox")      ? "available"
                                           : !strcmp(channel, "document") ? "awaiting_filing"
                                                                          : "queued",
                                 .payload = payload->data,
                                 .payload_len = payload->len,
                                 .payload_sha256 = sha,
                                 .kind = "withdrawal"};
}

/* The obligations' withdrawn_reason: JSON that says it was the reporter's withdrawal. */
static char *reason_json(const struct app_call *c, const char *reason)
{
    char at[40];
    rtime_format_utc(c->now_ms, at, sizeof(at));
    json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "code", "incident_withdrawn", "reason", reason,
                          "by", c->who->user_id, "at", at);
    char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return t;
}

/* Writes the withdrawal with a notice for each recipient reached. */
static enum app_problem write_withdrawal(const struct app_call *c, const struct report_rec *rec,
                                         const char *reason, struct app_withdraw_out *out,
                                         struct app_result *res)
{
    struct submission_list l = {0};
    const struct submission_rec **last = NULL;
    size_t n = 0;
    struct org o;
    int st = store_org_get(c->app->store, rec->org_id, &o);
    if (st == STORE_OK)
        st = recipients_reached(c, rec->id, &l, &last, &n);
    if (st != STORE_OK) {
        free(last);
        submission_list_release(&l);
        return app_fail_store(res, st);
    }
    char(*ids)[UUID_STR_LEN] = xcalloc(n + 1, sizeof(*ids));
    char(*shas)[HASH_SHA256_HEX] = xcalloc(n + 1, sizeof(*shas));
    struct buf *payloads = xcalloc(n + 1, sizeof(*payloads));
    struct submission_new *notices = xcalloc(n + 1, sizeof(*notices));
    for (size_t i = 0; i < n; i++)
        notice_for(c, rec, &o, last[i], reason, ids[i], &payloads[i], shas[i], &notices[i]);
    char *rj = reason_json(c, reason);
    struct withdraw_write w = {.incident_id = rec->id,
                               .org_id = rec->org_id,
                               .actor = c->who->user_id,
                               .reason = reason,
                               .reason_json = rj,
                               .notices = notices,
                               .n = n,
                               .version = rec->latest_version,
                               .drill = rec->drill,
                               .now_ms = c->now_ms};
    st = store_report_withdraw(c->app->store, &w, &out->notices);
    enum app_problem pr =
        st == STORE_CONFLICT ? app_fail(res, APP_PROB_INCIDENT_WITHDRAWN) : app_fail_store(res, st);
    if (!pr && out->notices)
        outbox_worker_wake(c->app->worker);
    if (!pr && c->app->correlate) /* its indicators no longer correlate (issue 13 item 3) */
        app_correlate_withdraw(c->app->correlate, rec->id);
    for (size_t i = 0; i < n; i++)
        buf_release(&payloads[i]);
    free(rj);
    free(notices);
    free(payloads);
    free(shas);
    free(ids);
    free(last);
    submission_list_release(&l);
    return pr;
}

enum app_problem app_report_withdraw(const struct app_call *c, const char *report_id,
                                     const json_t *body, struct app_withdraw_out *out,
                                     struct app_result *res)
{
    struct report_rec rec;
    memset(out, 0, sizeof(*out));
    enum app_problem pr = app_authz_report(c, ACT_SUBMIT, report_id, 0, &rec, res);
    if (pr)
        return pr;
    if (app_check_fields(c, &withdraw_root, body, res))
        pr = res->problem;
    else if (rec.withdrawn_at)
        pr = app_fail(res, APP_PROB_INCIDENT_WITHDRAWN);
    else
        pr =
            write_withdrawal(c, &rec, json_string_value(json_object_get(body, "reason")), out, res);
    report_rec_release(&rec);
    return pr;
}

bool app_incident_withdrawn(const struct app_call *c, const char *incident_id)
{
    struct report_rec r;
    if (store_report_get(c->app->store, incident_id, 0, &r) != STORE_OK)
        return false;
    bool w = r.withdrawn_at != 0;
    report_rec_release(&r);
    return w;
}

/* ---- possible duplicates ---- */

/* The instant of /times/aware_at, or INT64_MIN when absent or not a time. */
static int64_t aware_ms(const json_t *doc)
{
    const char *t = json_string_value(jsonx_ptr_get((json_t *)doc, "/times/aware_at"));
    struct rtime_parsed p;
    if (!t || rtime_parse_rfc3339(t, strlen(t), &p))
        return INT64_MIN;
    return p.ms;
}

/* Whether two arrays of strings hold the same set. */
static bool same_set(const json_t *a, const json_t *b)
{
    size_t i, k;
    json_t *x, *y;
    if (!json_is_array(a) || !json_is_array(b) || json_array_size(a) != json_array_size(b))
        return false;
    json_array_foreach(a, i, x)
    {
        bool found = false;
        json_array_foreach(b, k, y) found = found || json_equal(x, y);
        if (!found)
            return false;
    }
    return true;
}

/* Whether the stored incident other looks like the one just filed (doc). */
static bool looks_same(const struct app_call *c, const char *other, const json_t *doc)
{
    struct report_rec r;
    if (store_report_get(c->app->store, other, 0, &r) != STORE_OK)
        return false;
    json_t *od = r.withdrawn_at ? NULL : json_loadb(r.body, r.body_len, 0, NULL);
    bool same = od && aware_ms(od) == aware_ms(doc) && aware_ms(doc) != INT64_MIN &&
                same_set(jsonx_ptr_get(od, "/classification/categories"),
                         jsonx_ptr_get((json_t *)doc, "/classification/categories"));
    json_decref(od);
    report_rec_release(&r);
    return same;
}

void app_possible_duplicate(const struct app_call *c, const struct report_rec *rec,
                            const json_t *doc, bool *found, char out[UUID_STR_LEN])
{
    struct report_list l = {0};
    struct report_filter f = {.org_id = rec->org_id,
                              .drill = rec->drill,
                              .created_from = rec->created_at - 24 * 3600 * 1000LL,
                              .created_before = rec->created_at + 1,
                              .limit = 20};
    *found = false;
    out[0] = '\0';
    if (store_report_list(c->app->store, &f, &l) != STORE_OK)
        return;
    for (size_t i = 0; i < l.n && !*found; i++) {
        const struct report_rec *o = &l.items[i];
        if (strcmp(o->id, rec->id) && !o->withdrawn_at && looks_same(c, o->id, doc)) {
            xstrlcpy(out, o->id, UUID_STR_LEN);
            *found = true;
        }
    }
    report_list_release(&l);
}
