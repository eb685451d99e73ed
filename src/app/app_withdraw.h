/*
 * app_withdraw.h — withdrawing an incident filed by mistake or twice, and noticing a create that
 * looks like one already filed (issue 10 item 4; docs/delivery.md §7).
 *
 * A withdrawal keeps everything: the versions, the submissions and the ledger stay, the open
 * obligations become withdrawn with the reason (history, never deleted), deliveries not yet made
 * are cancelled, and every recipient that already received something (or to which something is
 * on its way) is sent a withdrawal notice through its own channel — the same outbox, signature
 * and receipt as any submission. A withdrawn incident cannot be amended or submitted again.
 *
 * Layer: application. Callers: http/h_reports.c, tests.
 */
#ifndef APP_APP_WITHDRAW_H
#define APP_APP_WITHDRAW_H

#include "app_call.h"
#include "../outbox/outbox.h"

struct app_withdraw_out {
    int notices; /* withdrawal notices written */
};

/* Withdraws report_id with body {"reason"} (ACT_SUBMIT on the reporter's organisation: who may
 * send may also take back). APP_OK; VALIDATION (the reason missing, empty or too long);
 * INCIDENT_WITHDRAWN (already); FORBIDDEN, NOT_FOUND, UNAVAILABLE. */
enum app_problem app_report_withdraw(const struct app_call *c, const char *report_id,
                                     const json_t *body, struct app_withdraw_out *out,
                                     struct app_result *res);

/* A possible duplicate of the incident just created (rec): the newest other incident of the
 * same organisation created in the 24 hours before it, not withdrawn, with the same categories
 * and the same awareness time (/times/aware_at, compared as instants). *found false when none;
 * a store failure counts as none (the hint is advice, the create has succeeded). out receives
 * the other incident's id. */
void app_possible_duplicate(const struct app_call *c, const struct report_rec *rec,
                            const json_t *doc, bool *found, char out[UUID_STR_LEN]);

#endif
