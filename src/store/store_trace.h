/*
 * store_trace.h — a store that wraps another and measures it: every operation of the contract
 * (struct store_ops) delegates to the wrapped store and records, per operation, how often it
 * was called, how often it answered STORE_UNAVAILABLE and how long it took (core/histo.h).
 * Never the arguments or results: they may hold secrets (password hashes, token hashes,
 * webhook secrets) and personal data.
 *
 * Used by `ichigen serve` when the store_trace setting is on (one store.trace log line per
 * operation at shutdown) and by the conformance suite (tests/unit/test_store.c), which proves
 * with it that every operation is exercised. A new operation in struct store_ops must be
 * listed in store_trace.c too, or the build fails (a static assertion there).
 */
#ifndef STORE_STORE_TRACE_H
#define STORE_STORE_TRACE_H

#include "store.h"

/* How many operations struct store_ops has: every member after `name` is one. */
#define STORE_TRACE_NOPS                                                                           \
    ((sizeof(struct store_ops) - sizeof(const char *)) / sizeof(void (*)(void)))

struct store_trace_op {
    atomic_ullong calls;
    atomic_ullong unavailable; /* answered STORE_UNAVAILABLE (int operations only) */
    struct histo latency;      /* wall time of each call, in the wrapped store */
};

/* The figures, owned by the caller and shared by every store wrapped with it (thread-safe),
 * so that they outlive the stores: a suite of tests opens many. */
struct store_trace {
    struct store_trace_op op[STORE_TRACE_NOPS];
};

void store_trace_init(struct store_trace *t);

/* The name of operation i (0 ≤ i < STORE_TRACE_NOPS) as in struct store_ops, e.g. "report_get";
 * its figures are t->op[i]. NULL when i is out of range. */
const char *store_trace_op_name(size_t i);

/* Returns a store whose operations delegate to inner and record into t (which must outlive
 * it). The new store owns inner: store_close closes inner (counted as the operation "close")
 * and frees the wrapper. Its ops name is inner's. Never NULL. */
struct store *store_trace_wrap(struct store *inner, struct store_trace *t);

/* Logs one "store.trace" line (LOG_INFO) for each operation called at least once: op, calls,
 * unavailable, total_ms, mean_ms, p50_ms, p99_ms (bucket upper bounds, core/histo.h). */
void store_trace_log(const struct store_trace *t);

#endif
