/*
 * h_obligations.h — the evaluation a create or an amendment attaches to the version it writes
 * (src/http/ only).
 */
#ifndef HTTP_H_OBLIGATIONS_H
#define HTTP_H_OBLIGATIONS_H

#include "http_int.h"

struct http_ledger {
    struct rules_eval ev;
    struct ledger_input in;
    struct rules_stage_time *times; /* heap; strings borrowed from the obligations */
};

/* The incident's stages submitted so far (each obligation's first submission): the anchors of deadlines that run from a previous stage's submission. send (NULL,
 * or parallel to obs) marks the stages a submit sends now, at now_ms. Heap array (free);
 * strings borrowed from obs. */
struct rules_stage_time *http_stage_times(const struct obligation_rec *obs, size_t n,
                                          const bool *send, int64_t now_ms, size_t *count);

/* Evaluates the rule set on doc for the version about to be written. obs: the incident's
 * ledger (NULL for a new incident), which must outlive lb. */
void http_ledger_build(struct app *a, const json_t *doc, const struct obligation_list *obs,
                       struct http_ledger *lb);
void http_ledger_release(struct http_ledger *lb);

#endif
