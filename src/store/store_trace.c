/*
 * store_trace.c — the tracing store (store_trace.h): one wrapper per operation of struct
 * store_ops, generated from the list below, each timing the call into the wrapped store.
 *
 * Why a list: the wrappers, the operation names and the ops table all come from it, and
 * static assertions tie it to struct store_ops — the same number of members, each at the
 * position the list gives it — so an operation added to the contract and not here, or listed
 * out of order, fails the build; one with another signature fails it too (the ops table's
 * initialiser then has incompatible pointer types, an error under -Werror).
 */
#include <stddef.h>

#include "store_trace.h"
#include "../core/log.h"
#include "../core/rtime.h"

/* Every operation, in the order of struct store_ops: kind, result type, name, parameters as
 * declared there (the store first, named s), and the call's arguments with IN for the
 * wrapped store. Kinds: I returns an int store_result, R returns something else, V returns
 * nothing, C is close (the wrapper is freed after it). */
/* clang-format off */
#define TRACE_OPS(C, I, R, V)                                                                      \
    C(void, close, (struct store *s), (IN))                                                        \
    I(int, ready, (struct store *s), (IN))                                                         \
    I(int, maintain, (struct store *s, int64_t now_ms), (IN, now_ms))                              \
    I(int, schema_version, (struct store *s, int *out), (IN, out))                                 \
    I(int, org_create, (struct store *s, const struct org *o, const char *actor, int64_t now),     \
      (IN, o, actor, now))                                                                         \
    I(int, org_get, (struct store *s, const char *id, struct org *out), (IN, id, out))             \
    I(int, org_list, (struct store *s, const char *after_id, int limit, struct org **out,          \
      size_t *n, bool *more),                                                                      \
      (IN, after_id, limit, out, n, more))                                                         \
    I(int, user_create, (struct store *s, const struct user *u, const char *actor, int64_t now),   \
      (IN, u, actor, now))                                                                         \
    I(int, user_get, (struct store *s, const char *id, struct user *out), (IN, id, out))           \
    I(int, user_get_by_name, (struct store *s, const char *username, struct user *out),            \
      (IN, username, out))                                                                         \
    I(int, user_list, (struct store *s, const char *org_id, const char *after_id, int limit,       \
      struct user **out, size_t *n, bool *more),                                                   \
      (IN, org_id, after_id, limit, out, n, more))                                                 \
    I(int, user_count_role, (struct store *s, enum role r, int64_t *n), (IN, r, n))                \
    I(int, org_members, (struct store *s, const char *org_id, struct org_members *out),            \
      (IN, org_id, out))                                                                           \
    I(int, user_write, (struct store *s, const struct user_write *w), (IN, w))                     \
    I(int, user_password_set, (struct store *s, const struct password_write *w), (IN, w))          \
    I(int, throttle_secret, (struct store *s, unsigned char out[32]), (IN, out))                   \
    I(int, throttle_get, (struct store *s, const struct throttle_key *keys, size_t n,              \
      int64_t now, struct auth_throttle_state *out),                                               \
      (IN, keys, n, now, out))                                                                     \
    I(int, throttle_fail, (struct store *s, const struct throttle_failure *f), (IN, f))            \
    I(int, throttle_clear, (struct store *s, const struct throttle_key *keys, size_t n),           \
      (IN, keys, n))                                                                               \
    I(int, token_create, (struct store *s, const struct token_rec *t, const char *actor,           \
      int64_t now),                                                                                \
      (IN, t, actor, now))                                                                         \
    I(int, token_lookup, (struct store *s, const unsigned char hash[HASH_SHA256_LEN],              \
      int64_t now, struct principal *out),                                                         \
      (IN, hash, now, out))                                                                        \
    I(int, token_revoke, (struct store *s, const char *token_id, const char *owner_user_id,        \
      const char *actor, int64_t now),                                                             \
      (IN, token_id, owner_user_id, actor, now))                                                   \
    I(int, token_list, (struct store *s, const char *user_id, struct token_rec **out, size_t *n),  \
      (IN, user_id, out, n))                                                                       \
    I(int, report_create, (struct store *s, const struct report_write *w,                          \
      struct report_rec *out),                                                                     \
      (IN, w, out))                                                                                \
    I(int, report_amend, (struct store *s, const struct report_write *w, struct report_rec *out),  \
      (IN, w, out))                                                                                \
    I(int, report_get, (struct store *s, const char *id, int version, struct report_rec *out),     \
      (IN, id, version, out))                                                                      \
    I(int, report_list, (struct store *s, const struct report_filter *f,                           \
      struct report_list *out),                                                                    \
      (IN, f, out))                                                                                \
    I(int, report_versions, (struct store *s, const char *id, struct report_list *out),            \
      (IN, id, out))                                                                               \
    I(int, obligations_list, (struct store *s, const char *incident_id,                            \
      struct obligation_list *out),                                                                \
      (IN, incident_id, out))                                                                      \
    I(int, assessment_create, (struct store *s, const struct assessment_rec *a,                    \
      const char *actor, int64_t now),                                                             \
      (IN, a, actor, now))                                                                         \
    I(int, assessment_get, (struct store *s, const char *id, struct assessment_rec *out),          \
      (IN, id, out))                                                                               \
    I(int, assessment_list, (struct store *s, const char *org_id, const char *framework_id,        \
      const char *after_id, int limit, struct assessment_list *out),                               \
      (IN, org_id, framework_id, after_id, limit, out))                                            \
    I(int, assessment_save, (struct store *s, const char *id, int expected_version,                \
      const char *answers, const char *actor, int64_t now),                                        \
      (IN, id, expected_version, answers, actor, now))                                             \
    I(int, assessment_submit, (struct store *s, const char *id, int expected_version,              \
      const char *scores, double overall, const char *actor, int64_t now),                         \
      (IN, id, expected_version, scores, overall, actor, now))                                     \
    I(int, assessment_peers, (struct store *s, const char *framework_id,                           \
      const char *exclude_org_id, struct peer_rows *out),                                          \
      (IN, framework_id, exclude_org_id, out))                                                     \
    I(int, orgdoc_create, (struct store *s, const struct orgdoc_rec *d, const char *actor,         \
      int64_t now),                                                                                \
      (IN, d, actor, now))                                                                         \
    I(int, orgdoc_get, (struct store *s, const char *id, struct orgdoc_rec *out), (IN, id, out))   \
    I(int, orgdoc_list, (struct store *s, const char *org_id, const char *kind,                    \
      const char *after_id, int limit, bool with_body, struct orgdoc_list *out),                   \
      (IN, org_id, kind, after_id, limit, with_body, out))                                         \
    I(int, orgdoc_update, (struct store *s, const char *id, int expected_version,                  \
      const char *body, const char *actor, int64_t now),                                           \
      (IN, id, expected_version, body, actor, now))                                                \
    I(int, submit, (struct store *s, const struct submit_write *w, int *created),                  \
      (IN, w, created))                                                                            \
    I(int, report_withdraw, (struct store *s, const struct withdraw_write *w, int *notices),       \
      (IN, w, notices))                                                                            \
    I(int, submissions_claim, (struct store *s, const struct claim_request *c,                     \
      struct submission_list *out),                                                                \
      (IN, c, out))                                                                                \
    I(int, submissions_record, (struct store *s, const struct delivery_result *r, size_t n),       \
      (IN, r, n))                                                                                  \
    I(int, submissions_list, (struct store *s, const struct submission_filter *f,                  \
      struct submission_list *out),                                                                \
      (IN, f, out))                                                                                \
    I(int, submission_get, (struct store *s, const char *id, struct submission_rec *out),          \
      (IN, id, out))                                                                               \
    I(int, submission_history, (struct store *s, const char *id, struct submission_rec *rec,       \
      struct submission_events *out),                                                              \
      (IN, id, rec, out))                                                                          \
    I(int, submission_fetched, (struct store *s, const char *id, const char *actor, int64_t now),  \
      (IN, id, actor, now))                                                                        \
    I(int, submission_receipt, (struct store *s, const char *id, const char *reference,            \
      const char *receipt_json, bool filing, const char *actor, int64_t now),                      \
      (IN, id, reference, receipt_json, filing, actor, now))                                       \
    I(int, binding_set, (struct store *s, const char *recipient_id, const char *org_id,            \
      const char *actor, int64_t now),                                                             \
      (IN, recipient_id, org_id, actor, now))                                                      \
    I(int, binding_list, (struct store *s, struct recipient_binding **out, size_t *n),             \
      (IN, out, n))                                                                                \
    I(int, reminders_get, (struct store *s, const char *org_id, struct reminder_settings *out),    \
      (IN, org_id, out))                                                                           \
    I(int, reminders_set, (struct store *s, const struct reminder_settings *r, const char *actor,  \
      int64_t now),                                                                                \
      (IN, r, actor, now))                                                                         \
    I(int, notifications_claim, (struct store *s, int64_t now, int limit, int64_t lease_ms,        \
      struct notification_list *out),                                                              \
      (IN, now, limit, lease_ms, out))                                                             \
    I(int, notifications_record, (struct store *s, const struct delivery_result *r, size_t n),     \
      (IN, r, n))                                                                                  \
    I(int, notifications_list, (struct store *s, const char *org_id, int limit,                    \
      struct notification_list *out),                                                              \
      (IN, org_id, limit, out))                                                                    \
    I(int, mail_claim, (struct store *s, int64_t now, int limit, int64_t lease_ms,                 \
      struct notification_list *out),                                                              \
      (IN, now, limit, lease_ms, out))                                                             \
    I(int, mail_record, (struct store *s, const struct delivery_result *r, size_t n),              \
      (IN, r, n))                                                                                  \
    I(int, obligations_open, (struct store *s, const char *org_id, int limit,                      \
      struct open_obligations *out),                                                               \
      (IN, org_id, limit, out))                                                                    \
    I(int, audit_append, (struct store *s, const char *actor, const char *action,                  \
      const char *object_type, const char *object_id, const char *detail, int64_t now),            \
      (IN, actor, action, object_type, object_id, detail, now))                                    \
    I(int, audit_scan, (struct store *s, int64_t from_seq, int limit,                              \
      int (*cb)(const struct audit_rec *r, void *arg), void *arg),                                 \
      (IN, from_seq, limit, cb, arg))                                                              \
    I(int, audit_head, (struct store *s, struct audit_rec *out), (IN, out))                        \
    I(int, audit_pins, (struct store *s, int64_t upto_seq,                                         \
      int (*cb)(const struct audit_pin *p, void *arg), void *arg),                                 \
      (IN, upto_seq, cb, arg))                                                                     \
    I(int, reminders_scan, (struct store *s, store_reminder_plan_fn plan, void *arg,             \
      int *created),                                                                             \
      (IN, plan, arg, created))                                                                  \
    R(const struct histo *, commit_latency, (struct store *s), (IN))                               \
    V(void, stats, (struct store *s, struct store_stats *out), (IN, out))                         \
    I(int, inbox_list, (struct store *s, const struct inbox_filter *f, struct inbox_page *out),    \
      (IN, f, out))                                                                                \
    I(int, request_create, (struct store *s, const struct request_rec *r, const char *note),       \
      (IN, r, note))                                                                               \
    I(int, request_get, (struct store *s, const char *id, struct request_rec *out),                \
      (IN, id, out))                                                                               \
    I(int, requests_list, (struct store *s, const struct request_filter *f,                        \
      struct request_list *out),                                                                   \
      (IN, f, out))                                                                                \
    I(int, token_touch, (struct store *s, const char *token_id, int64_t now), (IN, token_id, now)) \
    I(int, server_key, (struct store *s, const char *name, unsigned char out[32]), (IN, name, out))\
    I(int, totp_get, (struct store *s, const char *user_id, struct totp_rec *out),                 \
      (IN, user_id, out))                                                                          \
    I(int, totp_begin, (struct store *s, const struct totp_rec *t, int64_t now), (IN, t, now))     \
    I(int, totp_enable, (struct store *s, const char *user_id, int64_t step,                       \
      const struct recovery_set *codes, int64_t now),                                              \
      (IN, user_id, step, codes, now))                                                             \
    I(int, totp_use_step, (struct store *s, const char *user_id, int64_t step),                    \
      (IN, user_id, step))                                                                         \
    I(int, totp_disable, (struct store *s, const char *user_id, const char *actor, int64_t now),   \
      (IN, user_id, actor, now))                                                                   \
    I(int, recovery_use, (struct store *s, const char *user_id,                                    \
      const unsigned char hash[HASH_SHA256_LEN], int64_t now),                                     \
      (IN, user_id, hash, now))                                                                    \
    I(int, recovery_set, (struct store *s, const char *user_id, const struct recovery_set *codes,  \
      int64_t now),                                                                                \
      (IN, user_id, codes, now))                                                                   \
    I(int, draft_create, (struct store *s, const struct draft_rec *d, int64_t now), (IN, d, now))  \
    I(int, draft_get, (struct store *s, const char *id, struct draft_rec *out), (IN, id, out))     \
    I(int, draft_list, (struct store *s, const char *org_id, int limit, struct draft_rec **out,    \
      size_t *n),                                                                                  \
      (IN, org_id, limit, out, n))                                                                 \
    I(int, draft_update, (struct store *s, const struct draft_rec *d, int expected_version,        \
      const char *actor, int64_t now),                                                             \
      (IN, d, expected_version, actor, now))                                                       \
    I(int, draft_delete, (struct store *s, const char *id, const char *actor, int64_t now),        \
      (IN, id, actor, now))                                                                        \
    I(int, report_scan_latest, (struct store *s,                                                   \
      int (*cb)(const struct report_rec *r, void *arg), void *arg),                                \
      (IN, cb, arg))                                                                               \
    I(int, sighting_add, (struct store *s, const struct sighting_write *w), (IN, w))               \
    I(int, sighting_counts, (struct store *s, const char *type, const char *value,                 \
      const char *except_tlp, struct sighting_counts *out),                                        \
      (IN, type, value, except_tlp, out))                                                          \
    I(int, sighting_list_org, (struct store *s, const char *org_id, const char *type,              \
      const char *value, int limit, struct sighting_rec **out, size_t *n),                         \
      (IN, org_id, type, value, limit, out, n))                                                    \
    I(int, stats_scan, (struct store *s, const struct stats_scan_filter *f,                        \
      store_stats_row_fn cb, void *arg),                                                           \
      (IN, f, cb, arg))                                                                            \
    I(int, advisory_create, (struct store *s, const struct advisory_write *w), (IN, w))            \
    I(int, advisory_amend, (struct store *s, const struct advisory_write *w), (IN, w))             \
    I(int, advisory_get, (struct store *s, const char *id, int version,                            \
      struct advisory_rec *out),                                                                   \
      (IN, id, version, out))                                                                      \
    I(int, advisory_list, (struct store *s, const struct advisory_filter *f,                       \
      struct advisory_list *out),                                                                  \
      (IN, f, out))                                                                                \
    I(int, advisory_withdraw, (struct store *s, const char *id, const char *org_id,                \
      const char *reason, const char *actor, int64_t now),                                         \
      (IN, id, org_id, reason, actor, now))                                                        \
    I(int, advisory_ack, (struct store *s, const char *id, const char *org_id,                     \
      const char *user_id, int version, int64_t now),                                              \
      (IN, id, org_id, user_id, version, now))                                                     \
    I(int, advisory_acks, (struct store *s, const char *id, struct advisory_ack **out,             \
      size_t *n),                                                                                  \
      (IN, id, out, n))                                                                            \
    I(int, clearance_get, (struct store *s, const char *user_id, struct clearance_rec *out),       \
      (IN, user_id, out))                                                                          \
    I(int, clearance_set, (struct store *s, const struct clearance_rec *c, const char *actor,      \
      int64_t now),                                                                                \
      (IN, c, actor, now))                                                                         \
    I(int, taxii_collection_put, (struct store *s, const struct taxii_collection_rec *c,           \
      const char *actor, int64_t now),                                                             \
      (IN, c, actor, now))                                                                         \
    I(int, taxii_collection_get, (struct store *s, const char *key,                                \
      struct taxii_collection_rec *out),                                                           \
      (IN, key, out))                                                                              \
    I(int, taxii_collection_list, (struct store *s, struct taxii_collection_rec **out, size_t *n), \
      (IN, out, n))                                                                                \
    I(int, taxii_objects_add, (struct store *s, struct taxii_add *a), (IN, a))                     \
    I(int, taxii_objects_query, (struct store *s, const struct taxii_obj_query *q,                     \
      struct taxii_obj_page *out),                                                                     \
      (IN, q, out))                                                                                \
    I(int, taxii_object_delete, (struct store *s, const struct taxii_obj_query *q, const char *actor,  \
      int64_t now, size_t *deleted),                                                               \
      (IN, q, actor, now, deleted))                                                                \
    I(int, taxii_status_put, (struct store *s, const char *id, const char *collection_id,          \
      const char *org_id, const char *body, int64_t now),                                          \
      (IN, id, collection_id, org_id, body, now))                                                  \
    I(int, taxii_status_get, (struct store *s, const char *id, char org_id[UUID_STR_LEN],          \
      char **body),                                                                                \
      (IN, id, org_id, body))                                                                      \
    I(int, copy_tables, (struct store *s, struct store_table_list *out, struct err *e),            \
      (IN, out, e))                                                                                \
    I(int, copy_scan, (struct store *s, const struct store_table_list *tables, store_row_fn cb,    \
      void *arg, struct err *e),                                                                   \
      (IN, tables, cb, arg, e))                                                                    \
    I(int, copy_load, (struct store *s, const struct store_table_list *tables,                     \
      store_copy_feed_fn feed, void *arg, struct err *e),                                          \
      (IN, tables, feed, arg, e))                                                                  \
    I(int, changes_wait, (struct store *s, int64_t after_seq, int timeout_ms, bool *changed),      \
      (IN, after_seq, timeout_ms, changed))
/* clang-format on */

struct trace_store {
    struct store base;
    struct store_ops ops; /* the wrappers, named after the wrapped backend */
    struct store *inner;
    struct store_trace *t;
};

#define TS(s) ((struct trace_store *)(s))
#define IN (ts_->inner)

/* ---- the list, tied to struct store_ops ---- */

#define TRACE_ENUM(ret, name, params, args) TRACE_OP_##name,
enum trace_op { TRACE_OPS(TRACE_ENUM, TRACE_ENUM, TRACE_ENUM, TRACE_ENUM) TRACE__COUNT };

_Static_assert(TRACE__COUNT == STORE_TRACE_NOPS,
               "struct store_ops and the TRACE_OPS list of store_trace.c differ: list every "
               "operation there, in the order of store.h");

#define TRACE_AT(ret, name, params, args)                                                          \
    _Static_assert(offsetof(struct store_ops, name) ==                                             \
                       sizeof(const char *) + TRACE_OP_##name * sizeof(void (*)(void)),            \
                   "TRACE_OPS lists " #name " at another position than struct store_ops");
TRACE_OPS(TRACE_AT, TRACE_AT, TRACE_AT, TRACE_AT)

#define TRACE_NAME(ret, name, params, args) #name,
static const char *const op_names[] = {TRACE_OPS(TRACE_NAME, TRACE_NAME, TRACE_NAME, TRACE_NAME)};

/* ---- recording ---- */

static void record(struct trace_store *ts, enum trace_op op, int64_t t0, bool unavailable)
{
    struct store_trace_op *o = &ts->t->op[op];
    histo_observe_ns(&o->latency, rtime_mono_ns() - t0);
    atomic_fetch_add(&o->calls, 1);
    if (unavailable)
        atomic_fetch_add(&o->unavailable, 1);
}

/* ---- the wrappers ---- */

#define TRACE_I(ret, name, params, args)                                                           \
    static ret trace_##name params                                                                 \
    {                                                                                              \
        struct trace_store *ts_ = TS(s);                                                           \
        int64_t t0_ = rtime_mono_ns();                                                             \
        ret r_ = IN->ops->name args;                                                               \
        record(ts_, TRACE_OP_##name, t0_, r_ == STORE_UNAVAILABLE);                                \
        return r_;                                                                                 \
    }
#define TRACE_R(ret, name, params, args)                                                           \
    static ret trace_##name params                                                                 \
    {                                                                                              \
        struct trace_store *ts_ = TS(s);                                                           \
        int64_t t0_ = rtime_mono_ns();                                                             \
        ret r_ = IN->ops->name args;                                                               \
        record(ts_, TRACE_OP_##name, t0_, false);                                                  \
        return r_;                                                                                 \
    }
#define TRACE_V(ret, name, params, args)                                                           \
    static ret trace_##name params                                                                 \
    {                                                                                              \
        struct trace_store *ts_ = TS(s);                                                           \
        int64_t t0_ = rtime_mono_ns();                                                             \
        IN->ops->name args;                                                                        \
        record(ts_, TRACE_OP_##name, t0_, false);                                                  \
    }
#define TRACE_C(ret, name, params, args)                                                           \
    static ret trace_##name params                                                                 \
    {                                                                                              \
        struct trace_store *ts_ = TS(s);                                                           \
        int64_t t0_ = rtime_mono_ns();                                                             \
        IN->ops->name args;                                                                        \
        record(ts_, TRACE_OP_##name, t0_, false);                                                  \
        free(ts_);                                                                                 \
    }
TRACE_OPS(TRACE_C, TRACE_I, TRACE_R, TRACE_V)

#define TRACE_SET(ret, name, params, args) .name = trace_##name,
static const struct store_ops trace_ops = {.name = "trace",
                                           TRACE_OPS(TRACE_SET, TRACE_SET, TRACE_SET, TRACE_SET)};

/* ---- the API ---- */

void store_trace_init(struct store_trace *t)
{
    for (size_t i = 0; i < STORE_TRACE_NOPS; i++) {
        atomic_init(&t->op[i].calls, 0);
        atomic_init(&t->op[i].unavailable, 0);
        histo_init(&t->op[i].latency);
    }
}

const char *store_trace_op_name(size_t i)
{
    return i < ARRAY_SIZE(op_names) ? op_names[i] : NULL;
}

struct store *store_trace_wrap(struct store *inner, struct store_trace *t)
{
    struct trace_store *ts = xcalloc(1, sizeof(*ts));
    ts->ops = trace_ops;
    ts->ops.name = inner->ops->name;
    ts->base.ops = &ts->ops;
    ts->inner = inner;
    ts->t = t;
    return &ts->base;
}

void store_trace_log(const struct store_trace *t)
{
    for (size_t i = 0; i < STORE_TRACE_NOPS; i++) {
        const struct store_trace_op *o = &t->op[i];
        unsigned long long n = atomic_load(&o->calls);
        if (!n)
            continue;
        double total_ms = (double)atomic_load(&o->latency.sum_ns) / 1e6;
        LOG(LOG_INFO, "store.trace", LF_S("op", op_names[i]), LF_I("calls", n),
            LF_I("unavailable", atomic_load(&o->unavailable)), LF_D("total_ms", total_ms),
            LF_D("mean_ms", total_ms / (double)n),
            LF_D("p50_ms", histo_quantile_s(&o->latency, 0.5) * 1e3),
            LF_D("p99_ms", histo_quantile_s(&o->latency, 0.99) * 1e3));
    }
}
