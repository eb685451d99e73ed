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
};

/* Evaluates the rule set on doc for the version about to be written. */
void http_ledger_build(struct app *a, const json_t *doc, struct http_ledger *lb);
void http_ledger_release(struct http_ledger *lb);

#endif
