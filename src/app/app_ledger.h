/*
 * app_ledger.h — the one evaluation of the rule set that a write attaches to the version it
 * stores (create, amend, submit): the store reconciles the incident's obligations with it in
 * the same transaction (rules_reconcile).
 *
 * Layer: application. Callers: app_report.c, app_submit.c, app_obligations.c, tests.
 */
#ifndef APP_APP_LEDGER_H
#define APP_APP_LEDGER_H

#include "app.h"

struct app_ledger {
    struct rules_eval ev;
    struct ledger_input in;
    struct rules_stage_time *times; /* heap; strings borrowed from the obligations */
};

/* The incident's stages submitted so far (each obligation's first submission): the anchors of
 * deadlines that run from a previous stage's submission (NIS2's final report, DORA's
 * intermediate report). send (NULL, or parallel to obs) marks the stages a submit sends now,
 * at now_ms. Heap array (free); strings borrowed from obs. */
struct rules_stage_time *app_stage_times(const struct obligation_rec *obs, size_t n,
                                         const bool *send, int64_t now_ms, size_t *count);

/* Evaluates the rule set on doc for the version about to be written. obs: the incident's
 * ledger (NULL for a new incident), which must outlive lb; send as for app_stage_times.
 * Release lb with app_ledger_release (also after a zero-initialised lb). */
void app_ledger_build(const struct app *a, const json_t *doc, const struct obligation_list *obs,
                      const bool *send, int64_t now_ms, struct app_ledger *lb);
void app_ledger_release(struct app_ledger *lb);

#endif
