/*
 * store_history.h — the words of a submission's delivery history (store.h, submission_history)
 * that a store write records: what an interrupted attempt is known to be, where a delivered
 * one went. Backend-neutral, so every backend writes the same evidence (the history is read in
 * deadline disputes; docs/delivery.md) and none composes it in its own code.
 *
 * Who calls it: store backends (src/store/<backend>/), in their write transactions.
 */
#ifndef STORE_STORE_HISTORY_H
#define STORE_STORE_HISTORY_H

#include "store.h"

/* The detail of an "interrupted" event: a claim took a submission still "sending", so attempt
 * `attempt` (begun at began_ms when known: has_began) recorded no outcome before its lease
 * ended at lease_end_ms. The store cannot tell a crash from an attempt that outlasted its
 * lease, so the text states what is known, and that the recipient may or may not have
 * received it (at-least-once, same Idempotency-Key). Written to out (size n; 400 holds it). */
void store_history_interrupted(int attempt, bool has_began, int64_t began_ms, int64_t lease_end_ms,
                               char *out, size_t n);

/* The detail of a delivered, acknowledged, fetched or filed event: "endpoint=<url>" and/or
 * "reference=<receiver's reference>" (either may be NULL), "" when neither. */
void store_history_done(const char *endpoint, const char *reference, char *out, size_t n);

#endif
