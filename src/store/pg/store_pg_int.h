/*
 * store_pg_int.h — internals shared by the PostgreSQL backend's files (not for other modules).
 * Issue 14, in progress: see docs/operations.md "PostgreSQL (in progress)".
 *
 * Concurrency design (the SQLite backend's, store_sqlite_int.h, carried over so that every
 * operation keeps the same semantics):
 *  - One writer connection owned by one writer thread per process. Every mutation is a job
 *    queued to it; the thread takes the queued jobs (up to commit_batch_max), runs each inside
 *    its own SAVEPOINT within one transaction and COMMITs once: group commit — one WAL flush
 *    acknowledges the batch (synchronous_commit = on, PostgreSQL 15 §30.4 and §20.5.1; a 201
 *    means committed on disk).
 *  - Several processes (nodes) share one database: each batch first takes the transaction-level
 *    advisory lock PG_LOCK_WRITE (§13.3.5 Advisory Locks), so batches of all nodes run one at a
 *    time, exactly like SQLite's single writer (BEGIN IMMEDIATE). That is what keeps the audit
 *    chain one chain: the head is re-read after the lock is taken, in READ COMMITTED each
 *    statement sees everything committed before it started (§13.2.1), so no other node can
 *    append between our read of the head and our commit. It also makes every read-then-write
 *    check of a job (expected versions, idempotency keys, account pre-conditions) hold across
 *    nodes without SERIALIZABLE. A job that still fails with 40001 or 40P01 (a future job
 *    taking row locks against a process that does not take the lock) runs again from its
 *    savepoint, and a batch whose BEGIN, lock or COMMIT fails so is retried whole, each at most
 *    PG_RETRIES times (PostgreSQL 15 §13.4): jobs set their outputs from scratch on each run.
 *  - A pool of read connections (mutex + condvar, bounded: pool_size) for reads, each read in
 *    its own statement (READ COMMITTED); a multi-statement read that needs one snapshot runs in
 *    pg_read_begin/pg_read_end (REPEATABLE READ READ ONLY, §13.2.2).
 *  - A broken connection (server restart, network) is reset before its next use; the operation
 *    that met the break answers STORE_UNAVAILABLE (503, retry later).
 *
 * Writing a job: run(s, w, arg) uses w (the writer connection) only, returns a store_result;
 * a negative result rolls back the job's savepoint and nothing else. A job must not ignore a
 * failed statement (PostgreSQL aborts the transaction; the savepoint is then rolled back and
 * the job fails) — use ON CONFLICT instead of expecting a unique violation.
 */
#ifndef STORE_PG_STORE_PG_INT_H
#define STORE_PG_STORE_PG_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <libpq-fe.h>

#include "../store.h"
#include "../store_audit.h"
#include "../store_history.h"
#include "../store_notify.h"

/* Advisory lock keys (pg_advisory_xact_lock(int, int)): a class of our own, then the lock. */
#define PG_LOCK_CLASS 0x69636869 /* "ichi" */
#define PG_LOCK_MIGRATE 1
#define PG_LOCK_WRITE 2
#define PG_RETRIES 5 /* a batch failing with serialization_failure / deadlock_detected */

/* Statements prepared on one connection (PostgreSQL 15 §55.2.3 "Extended Query": a named
 * prepared statement is parsed and analysed once, and after five executions may keep a generic
 * plan, PREPARE's "plan_cache_mode"). Keyed by the statement's text, open addressing; at most
 * PG_STMT_MAX per connection — text built at run time beyond that runs unnamed, as before. */
#define PG_STMT_SLOTS 512 /* a power of two */
#define PG_STMT_MAX 384   /* ¾ of the slots */
struct pg_stmt {
    uint64_t hash;
    char *sql; /* NULL: an empty slot */
    char name[24];
};

struct pg_conn {
    PGconn *db;
    char sqlstate[6]; /* of the last failed statement, "" when none */
    struct pg_conn *next_free;
    struct pg_stmt *stmts; /* PG_STMT_SLOTS, allocated at the first statement; NULL before */
    size_t nstmts;
    uint64_t stmt_serial; /* names are never reused on a connection: "ichigen_<serial>" */
};
/* Whether pg_exec runs sql unnamed, planned with its values every time (a filtered read). */
bool pg_stmt_custom(const char *sql);
/* Forgets every statement prepared on c (after a reset the server has none; before PQfinish). */
void pg_stmts_clear(struct pg_conn *c);

struct pg_store;

struct pg_job {
    int (*run)(struct pg_store *s, struct pg_conn *w, void *arg);
    void *arg;
    int result;
    bool done;
    pthread_cond_t cond;
    struct pg_job *next;
};

struct pg_store {
    struct store base;
    char *url; /* checked: no password */
    int batch_max;

    /* writer */
    struct pg_conn w;
    pthread_t writer;
    bool writer_started;
    pthread_mutex_t qlock;
    pthread_cond_t qcond;
    struct pg_job *qhead, *qtail;
    atomic_bool stopping;
    int64_t audit_seq; /* writer thread only: chain head, re-read under the lock per batch */
    char audit_hash[HASH_SHA256_HEX];

    /* readers */
    pthread_mutex_t plock;
    pthread_cond_t pcond;
    struct pg_conn *pool_free;
    struct pg_conn **pool_all;
    int pool_n, pool_max;

    struct histo commit_hist;
    atomic_ullong commits, writes, failed_commits;

    /* the change feed (store.h, changes_wait): the listener connection, opened by the first
     * wait and again after it breaks; only the waiting thread touches it */
    struct pg_conn listen;
    int64_t listen_seen; /* the highest seq known committed: the head read on (re)connecting,
                            then each notification's */
};

/* The channel every batch that appended audit entries notifies, with its last seq. */
#define PG_CHANGES_CHANNEL "ichigen_changes"

#define PG(s) ((struct pg_store *)(s))

/* ---- statements (store_pg.c) ---- */

/* Parameters of one statement, all sent as text except bytea (binary), so an int64 is its
 * decimal text and the SQL casts where the type is not clear from context ($1::bigint). */
#define PG_PARAMS_MAX 32
struct pg_params {
    int n;
    const char *v[PG_PARAMS_MAX];
    int len[PG_PARAMS_MAX];
    int fmt[PG_PARAMS_MAX];
    char num[PG_PARAMS_MAX][24];
};
void pg_params_init(struct pg_params *p);
void pg_p_text(struct pg_params *p, const char *s);            /* NULL binds SQL NULL */
void pg_p_text_opt(struct pg_params *p, const char *s);        /* NULL or "" binds SQL NULL */
void pg_p_textn(struct pg_params *p, const char *s, size_t n); /* exactly n bytes */
void pg_p_int(struct pg_params *p, int64_t v);
void pg_p_bytea(struct pg_params *p, const void *b, size_t n);

/* Runs sql with p (NULL: none) on c. STORE_OK with *res set (the caller PQclear()s it; res
 * NULL: the result is dropped), or the store_result of the failure (pg_result_of). The
 * statement is prepared on c the first time its text is run there (struct pg_stmt) and
 * executed by name afterwards: parsing, analysis and planning were a third of the writer
 * backend's CPU on the intake path (bench/README.md, "PostgreSQL"). sql must be one statement
 * (as PQexecParams requires already). */
int pg_exec(struct pg_conn *c, const char *sql, const struct pg_params *p, PGresult **res);
/* pg_exec for a statement that changes rows: *changed = how many (PQcmdTuples). */
int pg_exec_changes(struct pg_conn *c, const char *sql, const struct pg_params *p,
                    int64_t *changed);

/* SQLSTATE (PostgreSQL 15 Appendix A) → store_result: 23505 unique_violation → STORE_EXISTS,
 * 23503 foreign_key_violation → STORE_INVALID, other class 23 (a trigger's refusal) →
 * STORE_EXISTS as SQLite's SQLITE_CONSTRAINT, anything else (connection loss class 08,
 * 40001, 40P01, 53xxx resources, 57P01 shutdown …) → STORE_UNAVAILABLE. */
int pg_result_of(const char *sqlstate);
bool pg_retryable(const char *sqlstate); /* 40001, 40P01 */

/* Result getters (text format): NULL reads as 0 / "" / NULL. */
int64_t pg_int(const PGresult *r, int row, int col);
bool pg_bool(const PGresult *r, int row, int col); /* "t", or a non-zero number */
bool pg_null(const PGresult *r, int row, int col);
void pg_copy(const PGresult *r, int row, int col, char *dst, size_t n);
char *pg_dup(const PGresult *r, int row, int col); /* heap, NULL for NULL */
/* A bytea column into dst (at most max bytes): its length, or -1 when NULL or too long. */
long pg_bytea(const PGresult *r, int row, int col, unsigned char *dst, size_t max);

/* ---- connections (store_pg.c) ---- */

/* Borrow / return a read connection (blocks while all are in use; never NULL, but its db may
 * be broken: the statement then fails with STORE_UNAVAILABLE). */
struct pg_conn *pg_read_get(struct pg_store *s);
void pg_read_put(struct pg_store *s, struct pg_conn *c);
/* One snapshot for several statements on c (§13.2.2): BEGIN ISOLATION LEVEL REPEATABLE READ
 * READ ONLY … COMMIT. */
int pg_read_begin(struct pg_conn *c);
void pg_read_end(struct pg_conn *c);

/* Queues a job to the writer and waits until its batch is committed (or failed). */
int pg_submit(struct pg_store *s, int (*run)(struct pg_store *, struct pg_conn *, void *),
              void *arg);

/* Writer-thread only: appends e (built by store_audit.h: every field but the chain) inside
 * the batch's transaction, chained and sealed (store_audit_chain). */
int pg_audit_put(struct pg_store *s, const struct audit_rec *e);

/* ---- operations, one file per area (as SQLite's), installed in pg_ops (store_pg_ops.c) ---- */

/* store_pg_q.c: housekeeping, organisations, users, tokens, reports, audit */
int pg_ready(struct store *s);
int pg_maintain(struct store *s, int64_t now_ms);
int pg_schema_version_op(struct store *s, int *out);
const struct histo *pg_commit_latency(struct store *s);
void pg_stats(struct store *s, struct store_stats *out);
void pg_close_store(struct store *s);
int pg_org_create(struct store *s, const struct org *o, const char *actor, int64_t now);
int pg_org_get(struct store *s, const char *id, struct org *out);
int pg_org_list(struct store *s, const char *after_id, int limit, struct org **out, size_t *n,
                bool *more);
int pg_user_create(struct store *s, const struct user *u, const char *actor, int64_t now);
int pg_user_get(struct store *s, const char *id, struct user *out);
int pg_user_get_by_name(struct store *s, const char *username, struct user *out);
int pg_user_list(struct store *s, const char *org_id, const char *after_id, int limit,
                 struct user **out, size_t *n, bool *more);
int pg_user_count_role(struct store *s, enum role r, int64_t *n);
int pg_token_create(struct store *s, const struct token_rec *t, const char *actor, int64_t now);
int pg_token_lookup(struct store *s, const unsigned char hash[HASH_SHA256_LEN], int64_t now,
                    struct principal *out);
int pg_token_revoke(struct store *s, const char *token_id, const char *owner_user_id,
                    const char *actor, int64_t now);
int pg_token_list(struct store *s, const char *user_id, struct token_rec **out, size_t *n);
int pg_report_create(struct store *s, const struct report_write *w, struct report_rec *out);
int pg_report_amend(struct store *s, const struct report_write *w, struct report_rec *out);
int pg_report_get(struct store *s, const char *id, int version, struct report_rec *out);
int pg_report_list(struct store *s, const struct report_filter *f, struct report_list *out);
int pg_report_versions(struct store *s, const char *id, struct report_list *out);
int pg_report_scan_latest(struct store *s, int (*cb)(const struct report_rec *r, void *arg),
                          void *arg);
int pg_audit_append(struct store *s, const char *actor, const char *action, const char *object_type,
                    const char *object_id, const char *detail, int64_t now);
int pg_audit_scan(struct store *s, int64_t from_seq, int limit,
                  int (*cb)(const struct audit_rec *r, void *arg), void *arg);
int pg_audit_head(struct store *s, struct audit_rec *out);
/* Shared row reader of users (columns as PG_USER_COLS) and the writer's insert of a user. */
#define PG_USER_COLS                                                                               \
    "id, org_id, username, display_name, role, password_hash, disabled, created_at,"               \
    " must_change_password"
void pg_read_user(const PGresult *r, int row, struct user *u);
int pg_user_insert(struct pg_conn *w, const struct user *u, int64_t now);

/* store_pg_ledger.c (built): reconciles and writes the obligations of version `version` of
 * w->id inside the writer's transaction (c: the writer connection), counting the actions by
 * enum ledger_op into counts; LEDGER_ON_VERSION for a new version, LEDGER_ON_SUBMIT for a
 * submit (store_sqlite_int.h, sq_ledger_apply). */
int pg_ledger_apply(struct pg_store *s, struct pg_conn *c, const struct report_write *w,
                    int version, enum ledger_trigger trigger, int counts[LEDGER_REINSTATE + 1]);

/* store_pg_accounts.c: accounts and sign-in throttling */
int pg_org_members(struct store *s, const char *org_id, struct org_members *out);
int pg_user_write(struct store *s, const struct user_write *w);
int pg_user_password_set(struct store *s, const struct password_write *w);
int pg_throttle_secret(struct store *s, unsigned char out[32]);
int pg_throttle_get(struct store *s, const struct throttle_key *keys, size_t n, int64_t now,
                    struct auth_throttle_state *out);
int pg_throttle_fail(struct store *s, const struct throttle_failure *f);
int pg_throttle_clear(struct store *s, const struct throttle_key *keys, size_t n);

/* store_pg_notify.c: what a write announces, in the writer's transaction (built): adds n
 * unless its dedupe key exists (*added 1 when new; NULL: not wanted), with its e-mail channel;
 * whether org_id has an enabled reminder webhook; an event for org_id's notifications. */
int pg_note_add(struct pg_store *s, struct pg_conn *w, const struct notification_new *n,
                int *added);
int pg_webhook_enabled(struct pg_conn *w, const char *org_id, bool *on);
int pg_note_event(struct pg_store *s, struct pg_conn *w, const char *org_id, const char *kind,
                  const char *event, int64_t now);
/* store_pg_web.c (built): a token's last use */
int pg_token_touch(struct store *s, const char *token_id, int64_t now);

/* store_pg_advisory.c: advisories and clearances (issue 13 items 1 and 2) */
int pg_advisory_get(struct store *s, const char *id, int version, struct advisory_rec *out);
int pg_advisory_list(struct store *s, const struct advisory_filter *f, struct advisory_list *out);
int pg_advisory_acks(struct store *s, const char *id, struct advisory_ack **out, size_t *n);
int pg_advisory_create(struct store *s, const struct advisory_write *w);
int pg_advisory_amend(struct store *s, const struct advisory_write *w);
int pg_advisory_withdraw(struct store *s, const char *id, const char *org_id, const char *reason,
                         const char *actor, int64_t now);
int pg_advisory_ack(struct store *s, const char *id, const char *org_id, const char *user_id,
                    int version, int64_t now);
int pg_clearance_get(struct store *s, const char *user_id, struct clearance_rec *out);
int pg_clearance_set(struct store *s, const struct clearance_rec *c, const char *actor,
                     int64_t now);
/* store_pg_assess.c: assessments and organisation documents */
int pg_assessment_create(struct store *s, const struct assessment_rec *a, const char *actor,
                         int64_t now);
int pg_assessment_get(struct store *s, const char *id, struct assessment_rec *out);
int pg_assessment_list(struct store *s, const char *org_id, const char *framework_id,
                       const char *after_id, int limit, struct assessment_list *out);
int pg_assessment_save(struct store *s, const char *id, int expected_version, const char *answers,
                       const char *actor, int64_t now);
int pg_assessment_submit(struct store *s, const char *id, int expected_version, const char *scores,
                         double overall, const char *actor, int64_t now);
int pg_assessment_peers(struct store *s, const char *framework_id, const char *exclude_org_id,
                        struct peer_rows *out);
int pg_orgdoc_create(struct store *s, const struct orgdoc_rec *d, const char *actor, int64_t now);
int pg_orgdoc_get(struct store *s, const char *id, struct orgdoc_rec *out);
int pg_orgdoc_list(struct store *s, const char *org_id, const char *kind, const char *after_id,
                   int limit, bool with_body, struct orgdoc_list *out);
int pg_orgdoc_update(struct store *s, const char *id, int expected_version, const char *body,
                     const char *actor, int64_t now);
/* store_pg_audit.c: the objects audit entries pin */
int pg_audit_pins(struct store *s, int64_t upto_seq,
                  int (*cb)(const struct audit_pin *p, void *arg), void *arg);
/* store_pg_inbox.c: the receiving side's inbox and requests (issue 10 item 7) */
int pg_inbox_list(struct store *s, const struct inbox_filter *f, struct inbox_page *out);
int pg_request_create(struct store *s, const struct request_rec *r, const char *note);
int pg_request_get(struct store *s, const char *id, struct request_rec *out);
int pg_requests_list(struct store *s, const struct request_filter *f, struct request_list *out);
/* store_pg_ledger.c: the obligation ledger (built) */
int pg_obligations_list(struct store *s, const char *incident_id, struct obligation_list *out);
/* store_pg_notify.c: reminders, notifications and their e-mail channel */
int pg_reminders_get(struct store *s, const char *org_id, struct reminder_settings *out);
int pg_reminders_set(struct store *s, const struct reminder_settings *r, const char *actor,
                     int64_t now);
int pg_reminders_scan(struct store *s, store_reminder_plan_fn plan, void *arg, int *created);
int pg_notifications_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                           struct notification_list *out);
int pg_mail_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                  struct notification_list *out);
int pg_notifications_record(struct store *s, const struct delivery_result *r, size_t n);
int pg_mail_record(struct store *s, const struct delivery_result *r, size_t n);
int pg_notifications_list(struct store *s, const char *org_id, int limit,
                          struct notification_list *out);
int pg_obligations_open(struct store *s, const char *org_id, int limit,
                        struct open_obligations *out);
/* store_pg_outbox.c: delivery: submissions through the transactional outbox (issue 5) */
int pg_report_submit(struct store *s, const struct submit_write *w, int *created);
int pg_report_withdraw(struct store *s, const struct withdraw_write *w, int *notices);
int pg_submissions_claim(struct store *s, const struct claim_request *c,
                         struct submission_list *out);
int pg_submissions_record(struct store *s, const struct delivery_result *r, size_t n);
int pg_submission_fetched(struct store *s, const char *id, const char *actor, int64_t now);
int pg_submission_receipt(struct store *s, const char *id, const char *reference,
                          const char *receipt_json, bool filing, const char *actor, int64_t now);
int pg_submission_get(struct store *s, const char *id, struct submission_rec *out);
int pg_submissions_list(struct store *s, const struct submission_filter *f,
                        struct submission_list *out);
int pg_submission_history(struct store *s, const char *id, struct submission_rec *rec,
                          struct submission_events *out);
int pg_binding_set(struct store *s, const char *recipient_id, const char *org_id, const char *actor,
                   int64_t now);
int pg_binding_list(struct store *s, struct recipient_binding **out, size_t *n);
/* store_pg_sharing.c: sightings (issue 13 item 3) */
int pg_sighting_add(struct store *s, const struct sighting_write *w);
int pg_sighting_counts(struct store *s, const char *type, const char *value, const char *except_tlp,
                       struct sighting_counts *out);
/* store_pg_stats.c: statistics for authorities (issue 13 item 7) */
int pg_stats_scan(struct store *s, const struct stats_scan_filter *f, store_stats_row_fn cb,
                  void *arg);
/* store_pg_taxii.c: TAXII 2.1 collections, objects and status resources (issue 13 item 5) */
int pg_taxii_collection_put(struct store *s, const struct taxii_collection_rec *c,
                            const char *actor, int64_t now);
int pg_taxii_collection_get(struct store *s, const char *key, struct taxii_collection_rec *out);
int pg_taxii_collection_list(struct store *s, struct taxii_collection_rec **out, size_t *n);
int pg_taxii_objects_add(struct store *s, struct taxii_add *a);
int pg_taxii_objects_query(struct store *s, const struct taxii_obj_query *q,
                           struct taxii_obj_page *out);
int pg_taxii_object_delete(struct store *s, const struct taxii_obj_query *q, const char *actor,
                           int64_t now, size_t *deleted);
int pg_taxii_status_put(struct store *s, const char *id, const char *collection_id,
                        const char *org_id, const char *body, int64_t now);
int pg_taxii_status_get(struct store *s, const char *id, char org_id[UUID_STR_LEN], char **body);
/* store_pg_web.c: the web UI (issue 12): two-factor sign-in and drafts */
int pg_server_key(struct store *s, const char *name, unsigned char out[32]);
int pg_totp_get(struct store *s, const char *user_id, struct totp_rec *out);
int pg_totp_begin(struct store *s, const struct totp_rec *t, int64_t now);
int pg_totp_enable(struct store *s, const char *user_id, int64_t step,
                   const struct recovery_set *codes, int64_t now);
int pg_totp_use_step(struct store *s, const char *user_id, int64_t step);
int pg_totp_disable(struct store *s, const char *user_id, const char *actor, int64_t now);
int pg_recovery_use(struct store *s, const char *user_id, const unsigned char hash[HASH_SHA256_LEN],
                    int64_t now);
int pg_recovery_set(struct store *s, const char *user_id, const struct recovery_set *codes,
                    int64_t now);
int pg_draft_create(struct store *s, const struct draft_rec *d, int64_t now);
int pg_draft_get(struct store *s, const char *id, struct draft_rec *out);
int pg_draft_list(struct store *s, const char *org_id, int limit, struct draft_rec **out,
                  size_t *n);
int pg_draft_update(struct store *s, const struct draft_rec *d, int expected_version,
                    const char *actor, int64_t now);
int pg_draft_delete(struct store *s, const char *id, const char *actor, int64_t now);
/* store_pg_copy.c: copying a store (issue 14 item 3) */
int pg_copy_tables(struct store *s, struct store_table_list *out, struct err *e);
int pg_copy_scan(struct store *s, const struct store_table_list *tables, store_row_fn cb,
                 void *arg, struct err *e);
/* store.h changes_wait (store_pg.c). */
int pg_changes_wait(struct store *s, int64_t after_seq, int timeout_ms, bool *changed);
int pg_copy_load(struct store *s, const struct store_table_list *tables, store_copy_feed_fn feed,
                 void *arg, struct err *e);

/* The ops table (store_pg_ops.c). */
extern const struct store_ops pg_ops;

/* store_pg_sharing.c: an organisation's own sightings of one value (store.h, sighting_list_org;
 * added by the sightings' port: the operation came to store.h after this table was drawn). */
int pg_sighting_list_org(struct store *s, const char *org_id, const char *type, const char *value,
                         int limit, struct sighting_rec **out, size_t *n);

/* The columns of a request row in the order pg_read_request reads them (store_pg_inbox.c; the
 * outbox's submit answers requests with the same reader). */
#define PG_REQUEST_COLS                                                                            \
    "SELECT id, submission_id, incident_id, org_id, recipient_id, authority_org_id, kind,"         \
    " obligation_id, stage_id, message, lang, fields, reply_by, created_by, created_at,"           \
    " answered_by, answered_at FROM requests"
void pg_read_request(const PGresult *res, int i, struct request_rec *r);

/* Reads on a pooled connection (store_pg_q.c), for every area file. pg_read_query: STORE_OK
 * with *res (PQclear it), or the failure. pg_read_one: row() fills out from row 0,
 * STORE_NOT_FOUND without a row. pg_read_page: a cursor-paginated listing whose statement asked
 * for limit + 1 rows — the rows up to limit into *out (calloc'd, elem_size each), *more when the
 * look-ahead row came. */
int pg_read_query(struct pg_store *s, const char *sql, const struct pg_params *p, PGresult **res);
int pg_read_one(struct pg_store *s, const char *sql, const struct pg_params *p,
                void (*row)(const PGresult *, int, void *), void *out);
int pg_read_page(struct pg_store *s, const char *sql, const struct pg_params *p, int limit,
                 size_t elem_size, void (*row)(const PGresult *, int, void *), void **out,
                 size_t *n, bool *more);

#endif
