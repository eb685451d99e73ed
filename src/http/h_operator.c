/*
 * h_operator.c — the platform operator's read-only views for the web UI (issue 12, item 5):
 * GET /api/v1/operator/audit-chain (the hash chain recomputed now) and
 * GET /api/v1/operator/deliveries (failed and retrying submissions across organisations,
 * delivery facts only — never a payload). Use cases: app/app_operator.h.
 */
#include "http_int.h"
#include "h_app.h"
#include "../app/app_operator.h"

#define OPERATOR_LIST_MAX 200

static json_t *time_or_null(int64_t ms)
{
    return ms ? http_time(ms) : json_null();
}

void h_operator_audit_chain(struct req *r)
{
    static const char *const allowed[] = {NULL};
    struct app_chain_state st;
    struct app_result res;
    app_result_init(&res, 4);
    struct app_call c = http_app_call(r);
    if (!http_query_only(r, allowed)) {
        /* answered 400 */
    } else if (app_operator_audit_chain(&c, &st, &res)) {
        http_fail_result(r, &res);
    } else {
        json_t *head = st.head_seq ? json_pack("{s:I, s:s, s:o}", "seq", (json_int_t)st.head_seq,
                                               "hash", st.head_hash, "at", http_time(st.head_at))
                                   : json_null();
        http_json(
            r, 200,
            json_pack("{s:b, s:I, s:o, s:o, s:o}", "intact", st.intact, "verified",
                      (json_int_t)st.verified, "first_bad_seq",
                      st.first_bad_seq ? json_integer((json_int_t)st.first_bad_seq) : json_null(),
                      "reason", st.first_bad_seq ? json_string(st.reason) : json_null(), "head",
                      head));
    }
    app_result_release(&res);
}

/* A submission as the operator sees it: where it goes and how its delivery fares. */
static json_t *delivery_json(const struct submission_rec *s)
{
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b}", "id", s->id,
                  "organization_id", s->org_id, "incident_id", s->incident_id, "recipient_id",
                  s->recipient_id, "rule_id", s->rule_id, "stage_id", s->stage_id, "channel",
                  s->channel, "status", s->status, "attempts", s->attempts, "drill", s->drill);
    json_object_set_new(j, "created_at", http_time(s->created_at));
    json_object_set_new(j, "sent_at", time_or_null(s->sent_at));
    json_object_set_new(j, "failed_at", time_or_null(s->failed_at));
    json_object_set_new(j, "next_attempt_at",
                        !strcmp(s->status, "queued") ? time_or_null(s->next_attempt_at)
                                                     : json_null());
    json_object_set_new(j, "last_error", s->last_error ? json_string(s->last_error) : json_null());
    return j;
}

static json_t *deliveries_json(const struct submission_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, delivery_json(&l->items[i]));
    return a;
}

void h_operator_deliveries(struct req *r)
{
    static const char *const allowed[] = {NULL};
    struct submission_list failed, retrying;
    struct app_result res;
    app_result_init(&res, 4);
    struct app_call c = http_app_call(r);
    if (!http_query_only(r, allowed)) {
        /* answered 400 */
    } else if (app_operator_deliveries(&c, OPERATOR_LIST_MAX, &failed, &retrying, &res)) {
        http_fail_result(r, &res);
    } else {
        http_json(r, 200,
                  json_pack("{s:o, s:o, s:i}", "failed", deliveries_json(&failed), "retrying",
                            deliveries_json(&retrying), "limit", OPERATOR_LIST_MAX));
        submission_list_release(&failed);
        submission_list_release(&retrying);
    }
    app_result_release(&res);
}
