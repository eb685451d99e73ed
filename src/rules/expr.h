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

/* Three-valued evaluation (issue 11 item 1, "unknown is not no"): a comparison of a yes/no/
 * unknown fact (the report format's RF_TRI fields) answered "unknown" with any answer but
 * "unknown" is itself unknown, and and/or/not follow Kleene's logic. EXPR_UNKNOWN means the
 * condition would hold or not depending on facts still unknown; u then lists them (dotted
 * paths, borrowed from e, at most EXPR_UNKNOWNS_MAX), and is empty otherwise. *two (may be
 * NULL) receives in the same pass what expr_eval_cached would answer. Facts read through
 * cache as expr_eval_cached does. */
struct expr_cache;
enum expr_tri { EXPR_FALSE, EXPR_TRUE, EXPR_UNKNOWN };
#define EXPR_UNKNOWNS_MAX 8
struct expr_unknowns {
    const char *path[EXPR_UNKNOWNS_MAX];
    size_t n;
};
enum expr_tri expr_eval_tri(const struct expr *e, const json_t *report, struct expr_cache *cache,
                            struct expr_unknowns *u, bool *two);
/* expr_eval_cached that also sets *saw_unknown when a yes/no/unknown fact it read is answered
 * "unknown". When it does not, expr_eval_tri would give the same answer (every part it skipped
 * was skipped for a decided reason), so the three-valued pass is needed only then. */
bool expr_eval_noting(const struct expr *e, const json_t *report, struct expr_cache *cache,
                      bool *saw_unknown);

/* Whether e reads any yes/no/unknown fact (only then can it be EXPR_UNKNOWN). */
bool expr_reads_tri(const struct expr *e);

/* What would make e true for report (issue 11 item 6: show your work for a rule that does not
 * apply): a new JSON array of {"condition": the leaf in the language's syntax, "must_hold":
 * whether it must become true (false: it must stop holding)}. For an `and`, each of its parts
 * that does not hold; for an `or`, each alternative (any one would do); empty when e holds.
 * Not for hot paths (allocates). */
json_t *expr_would_change(const struct expr *e, const json_t *report);

/* ---- sharing field reads between many expressions ----
 * A rule set has hundreds of conditions reading a few dozen fields. Binding every expression to
 * one registry gives each distinct single-valued path a slot; a cache then holds each field's
 * value for the document being evaluated, so it is looked up once per document. */
struct expr_slots;
struct expr_slots *expr_slots_new(void);
void expr_slots_free(struct expr_slots *r);
size_t expr_slots_count(const struct expr_slots *r);
/* Assigns slots to e's paths (registering new paths in r). */
void expr_bind(struct expr *e, struct expr_slots *r);

struct expr_cache {
    const json_t **val;
    unsigned *gen;
    unsigned cur;
    size_t n;
};
void expr_cache_init(struct expr_cache *c, size_t nslots);
void expr_cache_release(struct expr_cache *c);
/* Starts a new document: every cached value becomes stale. */
void expr_cache_next(struct expr_cache *c);

/* expr_eval reading fields through cache (which must have been sized for the registry e was
 * bound to, and advanced with expr_cache_next for this report). */
bool expr_eval_cached(const struct expr *e, const json_t *report, struct expr_cache *cache);

#endif
