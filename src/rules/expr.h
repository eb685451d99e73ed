/*
 * expr.h — the condition language of rule files (docs/rules-authoring.md, "Expressions").
 *
 * What it is: a small, bounded, pure language over the fields of a report: comparisons,
 * and/or/not, `in`, exists(), count(), contains(), any_in(). Conditions are compiled once when
 * the rules load (every path is checked against the report format, and every literal against
 * the field's type and allowed values), then evaluated many times without allocating.
 * What it is not: Turing-complete, or able to read anything but the report.
 * Who calls it: src/rules/ (loading and evaluation), tests and fuzz/fuzz_expr.c.
 */
#ifndef RULES_EXPR_H
#define RULES_EXPR_H

#include <jansson.h>

#include "../core/core.h"

#define EXPR_MAX_LEN 4096
#define EXPR_MAX_NODES 256
#define EXPR_MAX_DEPTH 32
#define EXPR_MAX_LIST 64

struct expr;

struct expr_error {
    int pos;         /* 0-based character offset in the source where the problem is */
    char en[256];
    char ja[256];
};

/* Compiles src. Returns 0 and a new expression in *out, or -1 with err filled. */
int expr_compile(const char *src, struct expr **out, struct expr_error *err);
void expr_free(struct expr *e);

/* The source text the expression was compiled from (borrowed). */
const char *expr_source(const struct expr *e);

/* Evaluates e against a report. When facts is not NULL, every field the evaluation read is
 * recorded in it as {"dotted.path": value or null} — the evidence for "why it applies".
 * Short-circuiting applies: facts list what was needed to decide. Never fails: a missing or
 * mistyped value makes the comparison false (see the language's rules). */
bool expr_eval(const struct expr *e, const json_t *report, json_t *facts);

#endif
