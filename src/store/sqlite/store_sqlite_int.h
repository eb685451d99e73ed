/*
 * store_sqlite_int.h — internals shared by the SQLite backend's files (not for other modules).
 *
 * Concurrency design:
 *  - One writer connection owned by one writer thread. Every mutation is a job queued to it;
 *    the thread takes all queued jobs (up to commit_batch_max), runs each inside its own
 *    SAVEPOINT within one transaction, and COMMITs once: group commit. WAL with
 *    synchronous=FULL makes that COMMIT fsync the log, so one fsync acknowledges the batch.
 *    Callers block until their job's batch is committed, so "returned OK" means "on disk".
 *  - A pool of read connections (WAL readers never block the writer nor each other).
 *  - Checkpoints run on their own thread and connection (PASSIVE), not inside a commit, so
 *    they do not add to write latency.
 */
#ifndef STORE_STORE_SQLITE_INT_H
#define STORE_STORE_SQLITE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>

#include "../store.h"
#include "../store_audit.h"
#include "../store_history.h"
#include "../store_notify.h"

enum sq_stmt {
    SQ_ORG_INSERT,
    SQ_ORG_GET,
    SQ_ORG_LIST,
    SQ_USER_INSERT,
    SQ_USER_GET,
    SQ_USER_GET_BY_NAME,
    SQ_USER_LIST,
    SQ_USER_COUNT_ROLE,
    SQ_ORG_MEMBERS,
    SQ_USER_UPDATE,
    SQ_USER_PASSWORD,
    SQ_TOKEN_REVOKE_USER,
    SQ_THR_SECRET,
    SQ_THR_GET,
    SQ_THR_PUT,
    SQ_THR_DEL,
    SQ_THR_PURGE,
    SQ_TOKEN_INSERT,
    SQ_TOKEN_LOOKUP,
    SQ_TOKEN_REVOKE,
    SQ_TOKEN_GET,
    SQ_TOKEN_LIST,
    SQ_INCIDENT_INSERT,
    SQ_INCIDENT_GET_META,
    SQ_INCIDENT_UPDATE,
    SQ_VERSION_INSERT,
    SQ_REPORT_GET,
    SQ_REPORT_LIST,
    SQ_REPORT_VERSIONS,
    SQ_IDEM_GET,
    SQ_IDEM_INSERT,
    SQ_IDEM_PURGE,
    SQ_AUDIT_INSERT,
    SQ_AUDIT_SCAN,
    SQ_AUDIT_HEAD,
    SQ_OB_ROWS,
    SQ_OB_INSERT,
    SQ_OB_UPDATE,
    SQ_OB_WITHDRAW,
    SQ_OB_EVENT,
    SQ_OB_LIST,
    SQ_OB_EVENTS,
    SQ_AS_INSERT,
    SQ_AS_GET,
    SQ_AS_LIST,
    SQ_AS_STATE,
    SQ_AS_SAVE,
    SQ_AS_SUBMIT,
    SQ_AS_PEERS,
    SQ_DOC_INSERT,
    SQ_DOC_GET,
    SQ_DOC_LIST,
    SQ_DOC_STATE,
    SQ_DOC_UPDATE,
    SQ_SUB_LATEST,
    SQ_SUB_LIVE,
    SQ_SUB_NEWEST_LIVE,
    SQ_WD_INCIDENT,
    SQ_WD_OBLIGATIONS,
    SQ_WD_CANCEL,
    SQ_WD_RECEIVED,
    SQ_SUB_INSERT,
    SQ_SUB_MARK_VERSION,
    SQ_SUB_EVENT,
    SQ_SUB_RCPS,
    SQ_SUB_DUE,
    SQ_SUB_TAKE,
    SQ_SUB_GET,
    SQ_SUB_STATUS,
    SQ_SUB_DONE,
    SQ_SUB_RETRY,
    SQ_SUB_MET,
    SQ_SUB_LIST,
    SQ_SUB_LIST_INCIDENT,
    SQ_SUB_LIST_ORG,
    SQ_SUB_EVENTS,
    SQ_BIND_SET,
    SQ_BIND_LIST,
    SQ_BIND_GET,
    SQ_REM_GET,
    SQ_REM_SET,
    SQ_NOTE_DUE,
    SQ_NOTE_TAKE,
    SQ_NOTE_GET,
    SQ_NOTE_DONE,
    SQ_NOTE_LIST,
    SQ_OB_OPEN,
    SQ_SAVEPOINT,
    SQ_RELEASE,
    SQ_ROLLBACK_TO,
    SQ_REM_CANDIDATES,
    SQ_NOTE_ADD,
    SQ_REM_ENABLED,
    SQ_BIND_SUBMITTERS,
    SQ_BIND_ORG,
    /* the receiving side's inbox and requests (issue 10, item 7; store_sqlite_inbox.c) */
    SQ_INBOX_RECEIVED_DESC,
    SQ_INBOX_RECEIVED_ASC,
    SQ_INBOX_DEADLINE,
    SQ_INBOX_KEY,
    SQ_REQ_INSERT,
    SQ_REQ_GET,
    SQ_REQ_BY_SUB,
    SQ_REQ_BY_INCIDENT,
    SQ_REQ_OPEN,
    SQ_REQ_OPEN_INCIDENT,
    SQ_REQ_ANSWER,
    SQ_NOTE_FACTS,
    SQ_MAIL_ADD,
    SQ_MAIL_DUE,
    SQ_MAIL_TAKE,
    SQ_MAIL_GET,
    SQ_MAIL_DONE,
    /* the web UI (issue 12; store_sqlite_web.c) */
    SQ_TOKEN_TOUCH,
    SQ_KEY_GET,
    SQ_TOTP_GET,
    SQ_TOTP_PUT,
    SQ_TOTP_ENABLE,
    SQ_TOTP_STEP,
    SQ_TOTP_DEL,
    SQ_RC_DEL,
    SQ_RC_INSERT,
    SQ_RC_USE,
    SQ_DRAFT_INSERT,
    SQ_DRAFT_GET,
    SQ_DRAFT_LIST,
    SQ_DRAFT_VERSION,
    SQ_DRAFT_UPDATE,
    SQ_DRAFT_DELETE,
    SQ_REPORT_SCAN_LATEST,
    SQ_SIGHTING_INSERT,
    SQ_SIGHTING_COUNTS,
    SQ_SIGHTING_LIST_ORG,
    /* advisories and clearances (issue 13; store_sqlite_advisory.c) */
    SQ_ADV_INSERT,
    SQ_ADV_VERSION_INSERT,
    SQ_ADV_STATE,
    SQ_ADV_BUMP,
    SQ_ADV_GET,
    SQ_ADV_LIST,
    SQ_ADV_WITHDRAW,
    SQ_ADV_ACK,
    SQ_ADV_ACKS,
    SQ_CLR_GET,
    SQ_CLR_PUT,
    SQ_CLR_DEL,
    SQ__COUNT
};

struct sq_conn {
    sqlite3 *db;
    sqlite3_stmt *st[SQ__COUNT];
    struct sq_conn *next_free;
};

struct sq_store;

struct wjob {
    int (*run)(struct sq_store *s, struct wjob *j);
    void *arg;
    int result;
    bool done;
    pthread_cond_t cond;
    struct wjob *next;
};

struct sq_store {
    struct store base;
    char *path;
    int batch_max;

    /* writer */
    struct sq_conn w;
    pthread_t writer;
    bool writer_started;
    pthread_mutex_t qlock;
    pthread_cond_t qcond;
    struct wjob *qhead, *qtail;
    atomic_bool stopping;
    int64_t audit_seq; /* writer thread only: chain head, re-read at the start of each batch */
    char audit_hash[HASH_SHA256_HEX];

    /* readers */
    pthread_mutex_t plock;
    pthread_cond_t pcond;
    struct sq_conn *pool_free;
    struct sq_conn **pool_all;
    int pool_n, pool_max; /* all opened at store open */

    /* checkpointer */
    pthread_t ckpt;
    bool ckpt_started;
    pthread_mutex_t cklock;
    pthread_cond_t ckcond;
    atomic_int wal_pages;

    struct histo commit_hist;
    atomic_ullong commits, writes, failed_commits;

    /* the change feed (store.h, changes_wait): the last audit seq this process committed,
     * published by the writer after each COMMIT */
    pthread_mutex_t flock;
    pthread_cond_t fcond;
    int64_t feed_seq;
};

/* store.h changes_wait (store_sqlite.c). */
int sq_changes_wait(struct store *s, int64_t after_seq, int timeout_ms, bool *changed);

/* The SQL of a statement (tests read its query plan: test_store_sqlite.c). */
const char *sq_sql_text(enum sq_stmt which);

/* Returns the prepared statement for conn, reset and with bindings cleared. */
sqlite3_stmt *sq_stmt(struct sq_conn *c, enum sq_stmt which);

/* Borrow / return a read connection. sq_read_get returns NULL if one cannot be opened. */
struct sq_conn *sq_read_get(struct sq_store *s);
void sq_read_put(struct sq_store *s, struct sq_conn *c);

/* Queues a job to the writer and waits until its batch is committed (or failed). */
int sq_submit(struct sq_store *s, int (*run)(struct sq_store *, struct wjob *), void *arg);

/* Writer-thread only: appends e (built by store_audit.h: every field but the chain) inside the
 * current transaction, chained and sealed. The backend adds nothing to its words. */
int sq_audit_put(struct sq_store *s, const struct audit_rec *e);

/* Maps a SQLite result code to a store_result. */
int sq_result(int rc);

/* Binding helpers: NULL or "" binds SQL NULL for the _opt variant. */
void sq_bind_text(sqlite3_stmt *st, int i, const char *s);
void sq_bind_text_opt(sqlite3_stmt *st, int i, const char *s);
void sq_col_copy(sqlite3_stmt *st, int col, char *dst, size_t dstsz);
char *sq_col_dup(sqlite3_stmt *st, int col);

void sq_close_store(struct store *s);

/* Ledger (store_sqlite_ledger.c): reconciles and writes obligations for version `version` of
 * w->id inside the writer's transaction, counting the actions written by enum ledger_op into
 * counts (for the version's audit entry, store_audit_report_version); and the listing
 * operation of the ops table.
 * trigger: LEDGER_ON_VERSION for a new version, LEDGER_ON_SUBMIT for a submit (rules_reconcile
 * then returns only the deadlines that waited for a previous stage's submission). */
int sq_ledger_apply(struct sq_store *s, const struct report_write *w, int version,
                    enum ledger_trigger trigger, int counts[LEDGER_REINSTATE + 1]);
int sq_obligations_list(struct store *s, const char *incident_id, struct obligation_list *out);

/* Assessments and organisation documents (store_sqlite_assess.c), for the ops table. */
int sq_assessment_create(struct store *s, const struct assessment_rec *a, const char *actor,
                         int64_t now);
int sq_assessment_get(struct store *s, const char *id, struct assessment_rec *out);
int sq_assessment_list(struct store *s, const char *org_id, const char *framework_id,
                       const char *after_id, int limit, struct assessment_list *out);
int sq_assessment_save(struct store *s, const char *id, int expected_version,
                       const char *answers, const char *actor, int64_t now);
int sq_assessment_submit(struct store *s, const char *id, int expected_version,
                         const char *scores, double overall, const char *actor, int64_t now);
int sq_assessment_peers(struct store *s, const char *framework_id, const char *exclude_org_id,
                        struct peer_rows *out);
int sq_orgdoc_create(struct store *s, const struct orgdoc_rec *d, const char *actor, int64_t now);
int sq_orgdoc_get(struct store *s, const char *id, struct orgdoc_rec *out);
int sq_orgdoc_list(struct store *s, const char *org_id, const char *kind, const char *after_id,
                   int limit, bool with_body, struct orgdoc_list *out);
int sq_orgdoc_update(struct store *s, const char *id, int expected_version, const char *body,
                     const char *actor, int64_t now);

/* Delivery (store_sqlite_outbox.c), for the ops table. */
int sq_report_submit(struct store *s, const struct submit_write *w, int *created);
int sq_report_withdraw(struct store *s, const struct withdraw_write *w, int *notices);
int sq_submissions_claim(struct store *s, const struct claim_request *c,
                         struct submission_list *out);
int sq_submissions_record(struct store *s, const struct delivery_result *r, size_t n);
int sq_submissions_list(struct store *s, const struct submission_filter *f,
                        struct submission_list *out);
int sq_submission_get(struct store *s, const char *id, struct submission_rec *out);
int sq_submission_history(struct store *s, const char *id, struct submission_rec *rec,
                          struct submission_events *out);
int sq_submission_fetched(struct store *s, const char *id, const char *actor, int64_t now);
int sq_submission_receipt(struct store *s, const char *id, const char *reference,
                          const char *receipt_json, bool filing, const char *actor, int64_t now);
int sq_binding_set(struct store *s, const char *recipient_id, const char *org_id,
                   const char *actor, int64_t now);
int sq_binding_list(struct store *s, struct recipient_binding **out, size_t *n);
int sq_reminders_get(struct store *s, const char *org_id, struct reminder_settings *out);
int sq_reminders_set(struct store *s, const struct reminder_settings *r, const char *actor,
                     int64_t now);
int sq_reminders_scan(struct store *s, store_reminder_plan_fn plan, void *arg, int *created);
/* Adds n (INSERT OR IGNORE on its dedupe key), in the writer's transaction; *added is 1 when
 * it was new (NULL: not wanted). */
int sq_note_add(struct sq_store *s, const struct notification_new *n, int *added);
/* Writer-thread only: whether org_id has an enabled reminder webhook (*on), for the events a
 * write announces. */
int sq_webhook_enabled(struct sq_store *s, const char *org_id, bool *on);
int sq_notifications_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                           struct notification_list *out);
int sq_notifications_record(struct store *s, const struct delivery_result *r, size_t n);
int sq_notifications_list(struct store *s, const char *org_id, int limit,
                          struct notification_list *out);
int sq_mail_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                  struct notification_list *out);
int sq_mail_record(struct store *s, const struct delivery_result *r, size_t n);
int sq_obligations_open(struct store *s, const char *org_id, int limit,
                        struct open_obligations *out);

/* The objects audit entries pin (store_sqlite_audit.c), for the ops table. */
int sq_audit_pins(struct store *s, int64_t upto_seq,
                  int (*cb)(const struct audit_pin *p, void *arg), void *arg);
/* Accounts and sign-in throttling (store_sqlite_accounts.c), for the ops table. */
int sq_org_members(struct store *s, const char *org_id, struct org_members *out);
int sq_user_write(struct store *s, const struct user_write *w);
int sq_user_password_set(struct store *s, const struct password_write *w);
int sq_throttle_secret(struct store *s, unsigned char out[32]);
int sq_throttle_get(struct store *s, const struct throttle_key *keys, size_t n, int64_t now,
                    struct auth_throttle_state *out);
int sq_throttle_fail(struct store *s, const struct throttle_failure *f);
int sq_throttle_clear(struct store *s, const struct throttle_key *keys, size_t n);
/* Writer-thread only: records an event for org_id's notifications (kind "account" …). */
int sq_note_event(struct sq_store *s, const char *org_id, const char *kind, const char *event,
                  int64_t now);
/* The row reader of SQ_SUB_GET, SQ_SUB_LIST and the inbox's statements (columns SUBCOLS_X). */
void sq_read_submission(sqlite3_stmt *st, struct submission_rec *r);
/* Issue 10, item 7 (store_sqlite_inbox.c): the ops, and what a submit does for the receiving
 * side in its transaction for each submission n it wrote — the open requests of the incident
 * that n answers, and the arrival event of a recipient whose organisation subscribed. */
int sq_inbox_list(struct store *s, const struct inbox_filter *f, struct inbox_page *out);
int sq_request_create(struct store *s, const struct request_rec *r, const char *note);
int sq_request_get(struct store *s, const char *id, struct request_rec *out);
int sq_requests_list(struct store *s, const struct request_filter *f, struct request_list *out);
int sq_submit_received(struct sq_store *s, const struct submit_write *w,
                       const struct submission_new *n);
/* Shared row reader of SQ_USER_GET and friends; writer-thread insert of a user. */
void sq_read_user(sqlite3_stmt *st, struct user *u);
int sq_user_insert(struct sq_store *s, const struct user *u, int64_t now);

/* The web UI's operations (store_sqlite_web.c, issue 12), for the ops table. */
int sq_token_touch(struct store *s, const char *token_id, int64_t now);
int sq_server_key(struct store *s, const char *name, unsigned char out[32]);
int sq_totp_get(struct store *s, const char *user_id, struct totp_rec *out);
int sq_totp_begin(struct store *s, const struct totp_rec *t, int64_t now);
int sq_totp_enable(struct store *s, const char *user_id, int64_t step,
                   const struct recovery_set *codes, int64_t now);
int sq_totp_use_step(struct store *s, const char *user_id, int64_t step);
int sq_totp_disable(struct store *s, const char *user_id, const char *actor, int64_t now);
int sq_recovery_use(struct store *s, const char *user_id, const unsigned char hash[HASH_SHA256_LEN],
                    int64_t now);
int sq_recovery_set(struct store *s, const char *user_id, const struct recovery_set *codes,
                    int64_t now);
int sq_draft_create(struct store *s, const struct draft_rec *d, int64_t now);
int sq_draft_get(struct store *s, const char *id, struct draft_rec *out);
int sq_draft_list(struct store *s, const char *org_id, int limit, struct draft_rec **out,
                  size_t *n);
int sq_draft_update(struct store *s, const struct draft_rec *d, int expected_version,
                    const char *actor, int64_t now);
int sq_draft_delete(struct store *s, const char *id, const char *actor, int64_t now);
/* sharing (store_sqlite_sharing.c, issue 13 item 3) */
int sq_sighting_add(struct store *s, const struct sighting_write *w);
int sq_sighting_counts(struct store *s, const char *type, const char *value,
                       const char *except_tlp, struct sighting_counts *out);
int sq_sighting_list_org(struct store *s, const char *org_id, const char *type, const char *value,
                         int limit, struct sighting_rec **out, size_t *n);
/* Statistics (store_sqlite_stats.c). */
int sq_stats_scan(struct store *s, const struct stats_scan_filter *f, store_stats_row_fn cb,
                  void *arg);

/* Advisories and clearances (store_sqlite_advisory.c, issue 13), for the ops table. */
int sq_advisory_create(struct store *s, const struct advisory_write *w);
int sq_advisory_amend(struct store *s, const struct advisory_write *w);
int sq_advisory_get(struct store *s, const char *id, int version, struct advisory_rec *out);
int sq_advisory_list(struct store *s, const struct advisory_filter *f, struct advisory_list *out);
int sq_advisory_withdraw(struct store *s, const char *id, const char *org_id, const char *reason,
                         const char *actor, int64_t now);
int sq_advisory_ack(struct store *s, const char *id, const char *org_id, const char *user_id,
                    int version, int64_t now);
int sq_advisory_acks(struct store *s, const char *id, struct advisory_ack **out, size_t *n);
int sq_clearance_get(struct store *s, const char *user_id, struct clearance_rec *out);
int sq_clearance_set(struct store *s, const struct clearance_rec *c, const char *actor,
                     int64_t now);
/* TAXII 2.1 collections, objects and status resources (store_sqlite_taxii.c). */
int sq_taxii_collection_put(struct store *s, const struct taxii_collection_rec *c,
                            const char *actor, int64_t now);
int sq_taxii_collection_get(struct store *s, const char *key, struct taxii_collection_rec *out);
int sq_taxii_collection_list(struct store *s, struct taxii_collection_rec **out, size_t *n);
int sq_taxii_objects_add(struct store *s, struct taxii_add *a);
int sq_taxii_objects_query(struct store *s, const struct taxii_obj_query *q, struct taxii_obj_page *out);
int sq_taxii_object_delete(struct store *s, const struct taxii_obj_query *q, const char *actor,
                           int64_t now, size_t *deleted);
int sq_taxii_status_put(struct store *s, const char *id, const char *collection_id,
                        const char *org_id, const char *body, int64_t now);
int sq_taxii_status_get(struct store *s, const char *id, char org_id[UUID_STR_LEN], char **body);

/* Copying a store (store_sqlite_copy.c, issue 14 item 3), for the ops table. */
int sq_copy_tables(struct store *s, struct store_table_list *out, struct err *e);
int sq_copy_scan(struct store *s, const struct store_table_list *tables, store_row_fn cb,
                 void *arg, struct err *e);
int sq_copy_load(struct store *s, const struct store_table_list *tables, store_copy_feed_fn feed,
                 void *arg, struct err *e);

/* Query functions (store_sqlite_q.c) installed in the ops table. */
extern const struct store_ops sq_ops;

#endif
