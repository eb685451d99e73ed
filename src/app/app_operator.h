/*
 * app_operator.h — the platform operator's read-only views for the web UI (issue 12, item 5):
 * the audit chain's state, recomputed now from the first entry as `ichigen audit verify` does
 * (docs/architecture.md, the audit log), and the deliveries that need attention across
 * organisations — failed ones and those queued for another attempt — without payloads.
 *
 * Both need ACT_AUDIT_READ (admin only, like the audit log itself): the operator runs the
 * platform and its delivery but does not read reports, so these views carry delivery facts only.
 *
 * Layer: application (docs/architecture.md). Callers: http/h_operator.c, tests.
 */
#ifndef APP_APP_OPERATOR_H
#define APP_APP_OPERATOR_H

#include "app.h"
#include "app_call.h"
#include "app_problem.h"
#include "../audit/audit.h"
#include "../store/store.h"

struct app_chain_state {
    bool intact;
    int64_t verified;      /* entries whose hash matched, from the first */
    int64_t first_bad_seq; /* 0 while intact */
    char reason[160];      /* why first_bad_seq does not match */
    int64_t head_seq;      /* the newest entry read (0: an empty log) */
    char head_hash[HASH_SHA256_HEX];
    int64_t head_at;
};

/* Recomputes the hash chain from entry 1 (audit_verifier) up to the newest entry. FORBIDDEN
 * for roles without ACT_AUDIT_READ; UNAVAILABLE when the store fails. */
enum app_problem app_operator_audit_chain(const struct app_call *c, struct app_chain_state *out,
                                          struct app_result *res);

/* Up to limit submissions of every organisation in status `failed` (newest first) into
 * *failed, and up to limit `queued` ones that have been attempted at least once (a retry is
 * due at next_attempt_at) into *retrying. Payloads are not read. */
enum app_problem app_operator_deliveries(const struct app_call *c, int limit,
                                         struct submission_list *failed,
                                         struct submission_list *retrying, struct app_result *res);

#endif
