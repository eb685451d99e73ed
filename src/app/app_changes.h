/*
 * app_changes.h — keeping this process's in-memory state current with what other processes
 * write to the same store (issue 14 item 2: several `ichigen serve` nodes on one PostgreSQL
 * database; docs/operations.md "Several nodes").
 *
 * What it is: the policy of cross-node invalidation — which audit entry makes which state of
 * this node stale, and what to do about it — and the one thread per serving process that
 * follows the store's change feed (store.h, changes_wait and audit_scan) and applies it.
 * Every write of the store appends an audit entry in its own transaction, numbered in commit
 * order, so the audit log is the feed: the thread applies every entry after the last it
 * applied, woken by the feed (PostgreSQL: NOTIFY), and reads from where it stopped after any
 * failure, so a lost notification or a broken listener loses nothing.
 *
 * The state a node keeps in memory, and what makes it stale (app_change_of):
 *  - the token cache (http/tcache.c): a token revoked (logout, DELETE /tokens/{id}), or any
 *    change of a user (role, disabled, password — which revokes its tokens —, two-factor
 *    enrolment, clearance): emptied;
 *  - the correlation index (app_correlate.h): a report filed or amended (read back and
 *    indexed, unless this node already holds that version), an incident withdrawn (leaves
 *    the index), an advisory written or withdrawn (read back and put);
 *  - the delivery worker: a submission queued on another node wakes this node's worker too
 *    (any node may deliver it; the claim's row lock decides which).
 * Nothing else needs it: the rules, frameworks, clearance levels, delivery routes and
 * warninglists are files each node loads at start-up (deploy the same files to every node and
 * restart them); settings are each node's own; sign-in throttles, idempotency keys, sessions,
 * leases and TAXII state live in the store and are read per request; the throttle's key is
 * written once by the migrations.
 *
 * Who may call it: cli/cli_serve.c (start, stop), tests (app_change_of, app_changes_apply).
 */
#ifndef APP_APP_CHANGES_H
#define APP_APP_CHANGES_H

#include "app.h"

/* What an audit entry makes stale: a set of these bits. */
enum app_change {
    APP_CHANGE_TOKENS = 1 << 0,   /* cached token lookups */
    APP_CHANGE_REPORT = 1 << 1,   /* a report version (object_id; detail "version=N") */
    APP_CHANGE_WITHDRAW = 1 << 2, /* an incident withdrawn (object_id) */
    APP_CHANGE_ADVISORY = 1 << 3, /* an advisory's latest version (object_id) */
    APP_CHANGE_DELIVERY = 1 << 4, /* a submission queued */
};

/* The set of enum app_change entry e calls for; 0: none (pure). */
unsigned app_change_of(const struct audit_rec *e);

/* Brings a's state up to date with entry e (read from the store where needed). STORE_OK, or
 * the store's error when a read failed (the entry is to be applied again later). */
int app_changes_apply(struct app *a, const struct audit_rec *e);

struct app_changes;

/* Starts following the feed after entry after_seq (the audit head read before the state was
 * built: entries committed meanwhile are applied once more, which is harmless). NULL when the
 * thread cannot start. */
struct app_changes *app_changes_start(struct app *a, int64_t after_seq);
/* Stops the thread (within one wait, CHANGES_WAIT_MS) and frees f. NULL is a no-op. */
void app_changes_stop(struct app_changes *f);

#endif
