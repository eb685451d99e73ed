/*
 * h_obligations.h — the evaluation a create or an amendment attaches to the version it writes
 * (src/http/ only).
 */
#ifndef HTTP_H_OBLIGATIONS_H
#define HTTP_H_OBLIGATIONS_H

#include "http_int.h"

struct http_ledger {
    struct rules_eval ev;
    char **expl; /* per result: compact JSON of rules_explain, or NULL */
    struct ledger_input in;
};

/* Evaluates the rule set on doc and explains the applicable results (all results when `all`:
 * amendments may withdraw obligations, whose reason quotes the non-applying evaluation). */
void http_ledger_build(struct app *a, const json_t *doc, int64_t now_ms, bool all,
                       struct http_ledger *lb);
void http_ledger_release(struct http_ledger *lb);

#endif
