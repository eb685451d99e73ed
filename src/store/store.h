/*
 * store.h — the one contract for persistent state, implemented by SQLite (store_sqlite.c) and,
 * later, PostgreSQL. Callers use the store_* wrappers; they never see SQL.
 *
 * Guarantees every backend must give (tests/unit/test_store.c is the conformance suite):
 *  - A mutation that returns STORE_OK (or STORE_REPLAYED) is durable: it survives the process
 *    being killed the next instant (SQLite: WAL with synchronous=FULL, fsync per commit).
 *  - Each mutation appends its audit entry in the same transaction (audit/audit.h).
 *  - Report versions are immutable; amendments add a version only if the caller's expected
 *    version is still the latest (optimistic concurrency → STORE_CONFLICT).
 *  - Idempotency keys are scoped per organisation and checked in the same transaction as the
 *    create they protect.
 *  - Mechanism only (issue 9): a backend stores and fetches what it is given. The ledger's
 *    actions come from rules_reconcile, audit entries from store_audit.h, the events a write
 *    announces from store_notify.h, delivery-history texts from store_history.h, reminders
 *    from the plan reminders_scan is given (outbox_remind.c); none is re-decided in SQL.
 * Thread-safety: every function may be called from any thread concurrently.
 * Ownership: output structs are filled by the store; *_release frees what they own.
 *
 * Layout: src/store/ holds what every backend shares — store.c (store_open by URL),
 * store_types.c (the *_release functions, result names), store_backend.c (store_int.h: the
 * audit chain's next entry and other pure helpers for backends) and store_migration.h (a
 * backend's migrations, embedded from its migrations/NNNN_name.sql files); each backend lives
 * in its own folder (sqlite/; how to open it directly, for store.c and its own tests, in
 * sqlite/store_sqlite.h) and adds only mechanism.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include "../core/core.h"
#include "../core/err.h"
#include "../core/hash.h"
#include "../core/histo.h"
#include "../core/uuid.h"
#include "../account/account.h"
#include "../auth/auth.h"
#include "../audit/audit.h"
#include "../rules/rules.h"
#include "../sharing/stats.h"

enum store_result {
    STORE_REPLAYED = 1, /* idempotent replay: the original result is returned */
    STORE_OK = 0,
    STORE_NOT_FOUND = -1,
    STORE_CONFLICT = -2,      /* stale expected version */
    STORE_IDEM_MISMATCH = -3, /* Idempotency-Key reused with a different body */
    STORE_EXISTS = -4,        /* unique value taken (username, corporate number …) */
    STORE_UNAVAILABLE = -5,   /* I/O error, disk full, database busy: retry later (503) */
    STORE_INVALID = -6,       /* a reference to something that does not exist (bad org id) */
};

const char *store_result_name(int r);

/* One stored version of a report, with its incident's metadata. */
struct report_rec {
    char id[UUID_STR_LEN]; /* incident id */
    char org_id[UUID_STR_LEN];
    int version;
    int latest_version;
    int64_t created_at;         /* incident created (version 1) */
    int64_t updated_at;         /* latest version created */
    int64_t version_created_at; /* this version created */
    char author_id[UUID_STR_LEN];
    char body_sha256[HASH_SHA256_HEX];
    char phase[16];
    char tlp[20];
    bool drill;
    char categories[512];
    char *summary;        /* heap, may be NULL */
    char *change_summary; /* heap, may be NULL */
    char *body;           /* heap copy of the stored bytes (as submitted); NULL in listings */
    size_t body_len;
    int64_t withdrawn_at;   /* the incident was withdrawn (issue 10 item 4), or 0 */
    char *withdrawn_reason; /* heap: the reporter's reason, or NULL */
};
void report_rec_release(struct report_rec *r);

/* The obligations evaluated for the version being written (src/rules/). The store reconciles
 * them with the incident's ledger in the same transaction (rules_reconcile) and keeps, for each
 * obligation, the decision (deadline, anchor, variant, cap, roll) and the rules version. Full
 * explanations are recomputed when the ledger is read, from the immutable version the
 * obligation was last evaluated on — cheap writes, and the same words for everyone. */
struct ledger_input {
    const struct rules_eval *ev;
    const char *rules_version;
};

/* What a create or an amendment writes. The caller validated the body and extracted ix. */
struct report_write {
    const char *id; /* create: new UUIDv7 chosen by the caller; amend: the incident */
    const char *org_id;
    const char *author_id;
    int expected_version; /* amend only: the version the caller's If-Match named */
    const char *body;     /* exactly the bytes submitted (validated JSON) */
    size_t body_len;
    const char *body_sha256;
    const char *phase, *tlp, *summary, *change_summary, *categories; /* may be NULL */
    bool drill;
    const char *idem_key; /* create only; NULL when the client sent none */
    int64_t now_ms;
    int64_t idem_retention_ms;
    const struct ledger_input *ledger; /* NULL: no obligations evaluated */
};

struct obligation_event {
    int64_t at;
    int version;
    char event[16]; /* moved, withdrawn, reinstated (creation is the obligation itself) */
    char old_due_state[28], new_due_state[28];
    int64_t old_due_ms, new_due_ms; /* 0 when none */
};

struct obligation_rec {
    int64_t seq; /* internal row number */
    char id[UUID_STR_LEN];
    int64_t met_at;                     /* 0 until a submission was delivered/acknowledged */
    char met_submission[UUID_STR_LEN];  /* that submission, or "" */
    char live_submission[UUID_STR_LEN]; /* the newest submission not failed, or "" */
    int64_t submitted_at; /* its first submission was created then (failed or not), or 0 */
    char rule_id[80], stage_id[48], recipient_id[80], regime[16];
    bool withdrawn, mandatory;
    bool requested; /* its recipient has an open request for it (issue 10 item 7: a stage sent
                       only on request goes by default then) */
    int due_state; /* enum rules_due_state */
    int64_t due_ms;
    char kind[8];
    int64_t became_applicable_at, withdrawn_at, updated_at;
    int first_version, last_version;
    char rules_version[HASH_SHA256_HEX];
    char *explanation;      /* the decision as JSON text (heap): anchor, variant, cap, roll */
    char *withdrawn_reason; /* JSON text (heap) or NULL */
    struct obligation_event *events;
    size_t nevents;
};

struct obligation_list {
    struct obligation_rec *items;
    size_t n;
};
void obligation_list_release(struct obligation_list *l);

struct report_filter {
    const char *org_id;                   /* required: listings are always per organisation */
    const char *category;                 /* NULL = any */
    const char *phase;                    /* NULL = any */
    int drill;                            /* -1 any, 0 real only, 1 drills only */
    int64_t created_from, created_before; /* 0 = unbounded */
    const char *after_id;                 /* cursor: ids are UUIDv7, listed newest first */
    int limit;
};

struct report_list {
    struct report_rec *items;
    size_t n;
    bool more; /* another page exists */
};
void report_list_release(struct report_list *l);

/* A maturity self-assessment (src/assess/). Drafts change under optimistic concurrency
 * (version); submitting computes and freezes the scores — the row is immutable afterwards
 * (a trigger enforces it), so peer comparisons always rest on what was submitted. */
struct assessment_rec {
    char id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    char framework_id[64];
    char framework_version[16];
    char period[32]; /* the organisation's label, e.g. "FY2026" */
    char status[12]; /* draft, submitted */
    int version;
    char *answers;  /* JSON text (heap); NULL in listings */
    char *scores;   /* JSON text (heap), submitted only; NULL in listings and drafts */
    double overall; /* overall score when submitted, else -1 (listings carry it) */
    char created_by[UUID_STR_LEN];
    char submitted_by[UUID_STR_LEN];
    int64_t created_at, updated_at, submitted_at; /* submitted_at 0 while draft */
};
void assessment_rec_release(struct assessment_rec *a);

struct assessment_list {
    struct assessment_rec *items;
    size_t n;
    bool more;
};
void assessment_list_release(struct assessment_list *l);

/* One other organisation's latest submitted scores for a framework, with the attributes the
 * peer groups use. Never shown to anyone: only aggregates leave src/assess/. */
struct peer_row {
    char org_id[UUID_STR_LEN];
    char sector[32];
    char size_band[12];
    char *scores; /* JSON text (heap) */
};
struct peer_rows {
    struct peer_row *items;
    size_t n;
};
void peer_rows_release(struct peer_rows *p);

/* A versioned JSON document of an organisation: an asset inventory entry ("asset"), a loss
 * scenario ("risk_scenario") or a stored simulation result ("simulation"). */
struct orgdoc_rec {
    char id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    char kind[24];
    int version;
    char *body; /* JSON text (heap); NULL in listings when not asked for */
    char created_by[UUID_STR_LEN];
    int64_t created_at, updated_at;
};
void orgdoc_rec_release(struct orgdoc_rec *d);

struct orgdoc_list {
    struct orgdoc_rec *items;
    size_t n;
    bool more;
};
void orgdoc_list_release(struct orgdoc_list *l);

/* ---- delivery (issue 5): submissions through a transactional outbox ---- */

/* A submission's life: webhook  queued → sending → delivered | acknowledged (receipt),
 * retried from sending back to queued, failed after the maximum age;
 * inbox  available → delivered (the recipient fetched it) → acknowledged (receipt);
 * document  awaiting_filing → acknowledged (the reporter filed it and gave the reference).
 * Delivered or acknowledged makes the obligation met at that time. */
struct submission_rec {
    char id[UUID_STR_LEN]; /* also the idempotency key a receiver sees */
    char incident_id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN]; /* the reporting organisation */
    char obligation_id[UUID_STR_LEN];
    char rule_id[80], stage_id[48], recipient_id[80];
    int version;      /* the report version it carries */
    char channel[12]; /* webhook, inbox, document, exercise */
    char status[20];
    bool drill;
    char payload_sha256[HASH_SHA256_HEX];
    char *payload; /* the exact bytes (heap); NULL in listings without payloads */
    size_t payload_len;
    char *withheld; /* JSON array of the sections withheld (heap), or NULL */
    int attempts;
    int64_t created_at, next_attempt_at, sent_at, delivered_at, acknowledged_at, failed_at;
    char *last_error;            /* heap or NULL */
    char receipt_reference[520]; /* up to 128 characters of UTF-8 */
    char *receipt;               /* JSON text (heap) or NULL */
    char submitted_by[UUID_STR_LEN];
    char kind[12];                  /* stage, update (続報 of a stage sent), withdrawal */
    char previous_id[UUID_STR_LEN]; /* update: the submission it follows; else "" */
};
void submission_rec_release(struct submission_rec *r);

struct submission_list {
    struct submission_rec *items;
    size_t n;
    bool more;
};
void submission_list_release(struct submission_list *l);

struct submission_new {
    const char *id, *obligation_id, *rule_id, *stage_id, *recipient_id;
    const char *channel, *status; /* initial status for the channel */
    const char *payload;
    size_t payload_len;
    const char *payload_sha256;
    const char *withheld; /* JSON text or NULL */
    /* NULL or "stage": a stage, written only when its obligation has no live submission;
     * "update": a newer version of a stage already sent, written only when previous_id is still
     * the obligation's newest live submission (two concurrent updates of one stage: one goes);
     * "withdrawal": a withdrawal notice (store_report_withdraw). */
    const char *kind, *previous_id;
};

/* "Submit version N": the submissions to create, written in one transaction with the check
 * that N is still the latest version. */
struct submit_write {
    const char *incident_id, *org_id, *actor;
    int version;
    bool drill;
    const struct submission_new *items;
    size_t n;
    int64_t now_ms;
    /* The incident's obligations evaluated with the stages submitted now counted as
     * submitted: deadlines that waited for them are set in the same transaction. NULL: none. */
    const struct ledger_input *ledger;
};

/* Withdrawing an incident filed by mistake or twice (issue 10 item 4), in one transaction:
 * the incident is marked withdrawn with the reason (STORE_CONFLICT when it already is;
 * STORE_NOT_FOUND when it is not org_id's); its obligations that are active and not met become
 * withdrawn with reason_json as their reason (an event each; nothing is deleted); its
 * submissions that have not reached their recipient (queued, available, awaiting_filing) become
 * cancelled; then each notice of `notices` (kind "withdrawal", one per recipient) is written only
 * when its recipient has a submission of the incident that reached it, is on its way (sending,
 * delivered, acknowledged) or may have reached it (a webhook attempt was made before it was
 * cancelled: a timed-out attempt may have arrived): *written says how many. An audit entry records it. */
struct withdraw_write {
    const char *incident_id, *org_id, *actor;
    const char *reason;      /* the reporter's text */
    const char *reason_json; /* the obligations' withdrawn_reason */
    const struct submission_new *notices;
    size_t n;
    int version; /* the latest version, written on the notices */
    bool drill;
    int64_t now_ms;
};

/* Which submissions the delivery worker takes: due ones (queued, or sending with an expired
 * lease), at most per_recipient of each recipient and none of the busy recipients. */
struct claim_request {
    const char *const *busy; /* recipient ids at their concurrency limit */
    size_t nbusy;
    int per_recipient;
    int limit;
    int64_t now_ms;
    int64_t lease_ms; /* the claim's lease: unfinished after it, the submission is due again */
};

enum delivery_outcome {
    OUTCOME_DELIVERED,    /* 2xx */
    OUTCOME_ACKNOWLEDGED, /* 2xx with a receipt */
    OUTCOME_RETRY,        /* failed; due again at next_attempt_at */
    OUTCOME_FAILED,       /* given up (maximum age) */
};

struct delivery_result {
    const char *id;
    enum delivery_outcome outcome;
    int http_status;               /* 0 when there was no HTTP answer */
    const char *error;             /* RETRY/FAILED: why (no secrets) */
    const char *receipt_reference; /* ACKNOWLEDGED */
    const char *receipt;           /* ACKNOWLEDGED: JSON text */
    const char *endpoint;          /* where it was sent (kept in the history), or NULL */
    int64_t at;
    int64_t next_attempt_at; /* RETRY */
    /* A notification to add with the outcome, in its transaction and only when the outcome is
     * applied (submissions_record: the alert of a FAILED submission), or NULL. Borrowed. */
    const struct notification_new *note;
};

struct submission_filter {
    const char *org_id;            /* reporter scope: the reporting organisation's, or NULL */
    const char *incident_id;       /* or NULL */
    const char *const *recipients; /* inbox scope: these recipient ids (NULL: any) */
    size_t nrecipients;
    const char *stage_id, *status;        /* or NULL */
    bool electronic_only;                 /* only webhook and inbox submissions (an inbox's view) */
    int64_t created_from, created_before; /* 0 = unbounded */
    const char *after_id;                 /* cursor: newest first */
    int limit;
};

struct submission_event {
    int64_t at;
    char event[24]; /* created, delivered, acknowledged, retry, interrupted, failed, fetched,
                       filed */
    int http_status;
    char *detail; /* heap or NULL */
};
struct submission_events {
    struct submission_event *items;
    size_t n;
};
void submission_events_release(struct submission_events *e);

/* An organisation's reminder webhook (its own receiver): events before each deadline at the
 * lead times, when a deadline passes, and when a submission fails for good. */
#define REMINDER_LEADS_MAX 8
#define REMINDER_EMAILS_MAX 10 /* addresses an organisation's notifications are mailed to */
#define REMINDER_EMAIL_LEN 255 /* bytes of one, with its NUL (RFC 5321 §4.5.3.1.3: 254) */
struct reminder_settings {
    char org_id[UUID_STR_LEN];
    char endpoint[2049];
    unsigned char secret[256];
    size_t secret_len;
    int lead_hours[REMINDER_LEADS_MAX]; /* descending, without the implicit 0 (overdue) */
    int nleads;
    bool enabled;
    int64_t updated_at;
    /* issue 10 item 8: the addresses every notification is also mailed to (none: no e-mail);
     * endpoint may then be "" (no webhook). Each address was checked by outbox_mail_addr_check
     * before it was stored. */
    char emails[REMINDER_EMAILS_MAX][REMINDER_EMAIL_LEN];
    int nemails;
};

/* A notification (reminder or alert) for an organisation's reminder webhook. */
struct notification_rec {
    char id[40];
    char org_id[UUID_STR_LEN];
    char kind[24];   /* reminder, alert */
    char status[12]; /* queued, sending, delivered, failed */
    char *payload;   /* JSON text (heap) */
    int attempts;
    int64_t created_at, next_attempt_at, delivered_at;
    char *last_error; /* heap or NULL */
    /* for the worker (claims only): where it goes */
    char endpoint[2049];
    unsigned char secret[256];
    size_t secret_len;
    /* the e-mail channel (issue 10 item 8), its own delivery: mail_status "" when the
     * notification is not mailed, else queued, sending, delivered or failed */
    char mail_status[12];
    int mail_attempts;
    int64_t mail_delivered_at;
    char *mail_last_error; /* heap or NULL */
    char *emails;          /* mail_claim only: the addresses now, a JSON array (heap) */
};
struct notification_list {
    struct notification_rec *items;
    size_t n;
};
void notification_list_release(struct notification_list *l);

/* A notification to add to an organisation's notifications (status queued, due at `at`). The
 * store adds it only when no notification has its dedupe key yet (at most once per key); what
 * it says and when it is due is decided above the store (outbox_remind.c). */
struct notification_new {
    char id[40];
    char org_id[UUID_STR_LEN];
    char kind[24];    /* reminder, alert */
    char dedupe[160]; /* e.g. reminder:<obligation id>:<lead hours>, failed:<submission id> */
    char *payload;    /* JSON text, owned by whoever made the struct */
    int64_t at;
    bool listed_only; /* status not_sent: listed, never sent (no enabled webhook); else queued */
};

/* An obligation the reminder policy (outbox_remind.c) decides on, with its organisation's
 * reminder settings. The store fills every field from what it holds; it decides nothing. */
struct reminder_candidate {
    char obligation_id[UUID_STR_LEN], incident_id[UUID_STR_LEN], org_id[UUID_STR_LEN];
    char rule_id[80], stage_id[48], recipient_id[80], kind[8];
    char *incident_summary; /* heap or NULL */
    bool withdrawn, met, mandatory, drill, due_set;
    int64_t due_ms;                     /* due_set only */
    bool enabled;                       /* the organisation's reminder webhook */
    bool undetermined; /* a determination: depends on facts still "unknown" (issue 11 item 1) */
    int lead_hours[REMINDER_LEADS_MAX]; /* as stored: descending, without the implicit 0 */
    int nleads;
};

/* The reminder policy, called by reminders_scan inside its transaction with every candidate:
 * returns how many notifications it wrote to *out (heap array and heap payloads, both freed by
 * the store with notification_new_free). */
typedef size_t (*store_reminder_plan_fn)(const struct reminder_candidate *c, size_t n, void *arg,
                                         struct notification_new **out);
void notification_new_free(struct notification_new *v, size_t n);

/* An open obligation of an organisation (active, not met, with a deadline). */
struct open_obligation {
    char id[UUID_STR_LEN], incident_id[UUID_STR_LEN];
    char rule_id[80], stage_id[48], recipient_id[80], kind[8];
    bool mandatory;
    int64_t due_ms;
    char live_submission[UUID_STR_LEN];
    char *summary;     /* the incident's summary (heap) or NULL */
    bool undetermined; /* a determination: depends on facts still "unknown" (issue 11 item 1) */
};
struct open_obligations {
    struct open_obligation *items;
    size_t n;
};
void open_obligations_release(struct open_obligations *l);

struct recipient_binding {
    char recipient_id[80];
    char org_id[UUID_STR_LEN];
    int64_t created_at;
};

/* ---- accounts (issue 8.12) ---- */

/* An organisation's users: all of them, and its enabled ones with role org_admin / admin. */
struct org_members {
    int64_t members, org_admins, admins;
};

/* A user created or changed by an administrator (account_decide said yes), written in one
 * transaction with its audit entry and the event its organisation is told — listed in its
 * notifications and, when its reminder webhook is enabled, sent there (else kept with status
 * not_sent). Disabling a user also revokes its tokens. pre (enum account_pre) is re-checked
 * inside the transaction: STORE_CONFLICT when it no longer holds, or when keep_admin is set
 * and the change would leave the organisation without an enabled user of admin_role. */
struct user_write {
    const struct user *u; /* create: the new user; change: the user as it is to be */
    bool create;
    enum account_pre pre;
    bool keep_admin;
    enum role admin_role;
    const char *actor, *audit_action, *audit_detail;
    const char *event; /* account_event_json as text, or NULL */
    int64_t now;
};

/* One's own new password: replaces the hash, clears must_change_password and revokes every
 * token of the user (an old session, perhaps one opened with the initial password by whoever
 * set it, must not outlive the change), with the audit entry and the organisation's event. */
struct password_write {
    const char *user_id, *org_id;
    const char *password_hash;
    const char *event; /* JSON text or NULL */
    int64_t now;
};

/* ---- sign-in throttling (issue 8.13) ---- */

/* A throttle state's name: a keyed hash (auth_throttle_key_*), so the store never holds a
 * name someone typed or a client address. scope names it in the audit log. */
struct throttle_key {
    unsigned char key[AUTH_THROTTLE_KEY_LEN];
    const char *scope; /* "address", "name", "address+name" */
    const struct auth_throttle_policy *policy;
};

struct throttle_failure {
    const struct throttle_key *keys;
    size_t n;
    const char *object_id; /* audit: the user's id when the name is an account, else "" */
    const char *detail;    /* audit detail of the failure (never the password) */
    int64_t now;
    /* the policy (auth_throttle_fail), applied to each stored state */
    void (*next)(const struct auth_throttle_policy *p, struct auth_throttle_state *st, int64_t now);
    struct auth_throttle_state *out; /* n states after the failure, or NULL */
};

/* ---- the receiving side's inbox and requests (issue 10, item 7) ---- */

/* The order of an inbox page: received time newest or oldest first, or the deadline the reporter
 * is held to (the obligation's due time; none last), soonest first. Ties by submission id. */
enum inbox_sort { INBOX_RECEIVED_DESC, INBOX_RECEIVED_ASC, INBOX_DEADLINE };

/* Which submissions an inbox page lists: the electronic (webhook, inbox) submissions routed to
 * the recipients given, narrowed by the filters, in the order given. Keyset pagination: after_id
 * names the last submission of the previous page, and the page continues after that
 * submission's place in the order (its sort key read again). */
struct inbox_filter {
    const char *const *recipients; /* required, nrecipients ≥ 1 */
    size_t nrecipients;
    const char *stage_id, *status, *category, *sector; /* or NULL */
    bool unacknowledged;                                /* only those without a receipt */
    int64_t created_from, created_before;               /* 0 = unbounded */
    enum inbox_sort sort;
    const char *after_id; /* or NULL for the first page */
    int limit;
};

/* One line of the inbox: the submission (without its payload) with what the receiving side
 * works from — who reported (the reporting organisation's names, sector and prefecture), the
 * incident's title and categories, the deadline the reporter is held to. */
struct inbox_item {
    struct submission_rec s;
    char org_name_ja[ACCOUNT_NAME_BYTES], org_name_en[ACCOUNT_NAME_BYTES];
    char sector[32], prefecture[8];
    char *title;          /* the incident's summary (heap) or NULL */
    char categories[512]; /* as stored: ",a,b," */
    bool due_set;
    int64_t due_ms; /* due_set only */
};
struct inbox_page {
    struct inbox_item *items;
    size_t n;
    bool more;
};
void inbox_page_release(struct inbox_page *p);

/* A request by a receiving authority about a submission it received: more information (kind
 * "information": free text, optionally naming fields by JSON Pointer) or the intermediate report
 * of a stage sent only on request (kind "intermediate_report", NIS2 Art. 23(4)(c); obligation_id
 * and stage_id name that stage). The reporter is held to reply_by; the first submission to the
 * same recipient for the incident after the request (for an intermediate report: of that stage)
 * answers it (answered_by, answered_at), written in the submit's transaction. Never deleted;
 * only the answer is ever added. */
struct request_rec {
    char id[UUID_STR_LEN];
    char submission_id[UUID_STR_LEN], incident_id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN]; /* the reporting organisation */
    char recipient_id[80];
    char authority_org_id[UUID_STR_LEN]; /* the organisation that asked */
    char kind[24];                       /* information, intermediate_report */
    char obligation_id[UUID_STR_LEN];    /* intermediate_report: the requested stage's, else "" */
    char stage_id[48];                   /* intermediate_report: that stage, else "" */
    char *message;                       /* heap */
    char lang[4];                        /* ja, en */
    char *fields;                        /* JSON array of JSON Pointers (heap) or NULL */
    int64_t reply_by;
    char created_by[UUID_STR_LEN];
    int64_t created_at;
    char answered_by[UUID_STR_LEN]; /* the submission that answered it, or "" */
    int64_t answered_at;            /* 0 while open */
};
void request_rec_release(struct request_rec *r);

struct request_list {
    struct request_rec *items;
    size_t n;
};
void request_list_release(struct request_list *l);

/* Which requests to list (exactly one scope): of a submission, of an incident, or the open ones
 * of a reporting organisation (soonest reply-by first; the others oldest first). */
struct request_filter {
    const char *submission_id, *incident_id, *open_of_org;
    int limit;
};

/* Whether the submission n (to recipient n->recipient_id, of obligation n->obligation_id)
 * answers the open request r: a submission to the request's recipient, and for an intermediate
 * report one of the requested stage. Pure; the backend applies it in the submit's transaction
 * to the incident's open requests. */
bool store_request_answered_by(const struct request_rec *r, const char *recipient_id,
                               const char *obligation_id);

/* ---- the web UI (issue 12): two-factor sign-in and drafts ---- */

/* A user's TOTP enrolment (RFC 6238). sealed: the secret as app/ sealed it with the server key
 * "totp" (the store never sees it in clear); enabled_at 0 while enrolment is pending;
 * last_step: the newest time step whose code was accepted (a code is accepted at most once). */
#define STORE_SEALED_MAX 128
struct totp_rec {
    char user_id[UUID_STR_LEN];
    unsigned char sealed[STORE_SEALED_MAX];
    size_t sealed_len;
    int64_t created_at;
    int64_t enabled_at;
    int64_t last_step;
};

/* The one-time recovery codes of a user: SHA-256 hashes only. */
#define STORE_RECOVERY_CODES 10
struct recovery_set {
    unsigned char hash[STORE_RECOVERY_CODES][HASH_SHA256_LEN];
    size_t n;
};

/* A draft of a report (the form as last saved): body is any JSON object as text. */
struct draft_rec {
    char id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    char author_id[UUID_STR_LEN];
    char title[201];
    char incident_id[UUID_STR_LEN]; /* "" when none */
    char *body;                     /* owned; NULL in lists */
    int version;
    int64_t created_at;
    int64_t updated_at;
};
/* Frees what d owns (its body). */
void draft_rec_release(struct draft_rec *d);

/* ---- statistics for authorities (issue 13 item 7; src/sharing/stats.h) ---- */

/* Which rows stats_scan reads. Every incident in range (drills and withdrawn ones included, with
 * their flags: which count is stats_row_counts's policy, not the store's), each with its
 * reporting organisation's attributes as they are now and the anonymised_statistics consent of
 * its latest version; or, with obligations, one row per obligation with its incident's. With
 * recipients given, only incidents that have an electronic (webhook or inbox) submission to one
 * of them — exactly the incidents the recipients' inbox lists — and, for obligations, only
 * obligations owed to one of them. */
struct stats_scan_filter {
    const char *const *recipients; /* NULL: every incident of the platform */
    size_t nrecipients;
    int64_t created_from, created_before; /* the incident's first report; 0 = unbounded */
    bool obligations;
};

/* Called once per row (borrowed strings, valid during the call); non-zero stops the scan. */
typedef int (*store_stats_row_fn)(const struct stats_row *r, void *arg);
/* ---- advisories and clearances (issue 13 items 1 and 2) ---- */

/* One version of an advisory (a warning written by an authority), with the advisory's state.
 * Who may read it is decided above the store (sharing/share_policy.h) from tlp, clearance and
 * audience; the store keeps them per version, as written. */
struct advisory_rec {
    char id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];    /* the originating organisation */
    char author_id[UUID_STR_LEN]; /* who wrote this version */
    int version, latest_version;
    char tlp[20];       /* "TLP:AMBER" … as tlp_label writes it */
    char clearance[32]; /* the clearance level id it requires, or "" */
    char *audience;     /* JSON text (heap): the targeting, as app/ wrote it */
    char *title;        /* JSON text (heap): {"ja","en"} */
    char *body;         /* JSON text (heap); NULL in lists */
    char body_sha256[HASH_SHA256_HEX];
    int64_t created_at;         /* version 1 written */
    int64_t updated_at;         /* the latest version written */
    int64_t version_created_at; /* this version written */
    int64_t withdrawn_at;       /* 0 while in force */
    char *withdrawn_reason;     /* heap or NULL */
    int acked_version; /* lists with ack_org_id: the version that organisation acknowledged, 0 */
};
void advisory_rec_release(struct advisory_rec *a);

struct advisory_list {
    struct advisory_rec *items;
    size_t n;
    bool more; /* rows exist after the last one */
};
void advisory_list_release(struct advisory_list *l);

/* A page of advisories, newest first (ids are UUIDv7), each as its latest version, without
 * bodies. Filtering by reader is the caller's (share_can_read): the store lists every one. */
struct advisory_filter {
    const char *after_id;   /* cursor: the last id of the previous page, or NULL */
    const char *ack_org_id; /* fill acked_version for this organisation, or NULL */
    int limit;
};

/* A new advisory (create: version 1) or a new version of one (amend: expected_version must
 * still be the latest and the advisory in force, else STORE_CONFLICT; STORE_NOT_FOUND when it
 * is not org_id's). Audited with audit_action ("advisory.create", "advisory.amend",
 * "advisory.tlp_downgrade"), pinning the body's SHA-256; each of notes is added to its
 * organisation's notifications in the same transaction (notification_new: at most once per
 * dedupe key; sent by the organisation's channels). */
struct advisory_write {
    const char *id, *org_id, *author_id;
    int expected_version; /* amend only */
    const char *tlp, *clearance, *audience, *title, *body, *body_sha256;
    const char *audit_action;
    const struct notification_new *notes;
    size_t nnotes;
    int64_t now_ms;
};

/* An organisation's acknowledgement of an advisory. */
struct advisory_ack {
    char org_id[UUID_STR_LEN];
    char user_id[UUID_STR_LEN];
    int version;
    int64_t at;
};

/* A user's security clearance: a level of the clearance file (sharing/clearance.h) by id. */
struct clearance_rec {
    char user_id[UUID_STR_LEN];
    char level[32];
    int64_t granted_at, expires_at;
    char granted_by[UUID_STR_LEN];
    int64_t updated_at;
};
/* ---- TAXII 2.1 collections and objects (issue 13 item 5) ---- */

/* A collection (TAXII 2.1 §5.2). tlp: the enum tlp (sharing/sharing.h) of the collection, the
 * most restrictive label an object in it may carry; audience and writers are JSON texts that
 * app/ interprets (the sharing policy decides who reads, writers lists the organisation ids
 * that may add objects besides the owner). The store keeps them as given. */
#define STORE_TAXII_ALIAS_MAX 64
struct taxii_collection_rec {
    char id[UUID_STR_LEN];
    char alias[STORE_TAXII_ALIAS_MAX + 1]; /* "" when none */
    char title[201];
    char description[1001];
    char owner_org[UUID_STR_LEN];
    int tlp;
    char *audience; /* owned JSON text */
    char *writers;  /* owned JSON text: an array of organisation ids */
    int64_t created_at, updated_at;
};
void taxii_collection_rec_release(struct taxii_collection_rec *c);

/* One STIX object to add: its JSON text exactly as it will be served. */
#define STORE_STIX_ID_MAX 128
struct taxii_object_in {
    const char *id;           /* "type--UUID" */
    const char *type;         /* the STIX type */
    const char *spec_version; /* "2.1" */
    int64_t version_ms;       /* its modified (or created) time, ms since the epoch */
    const char *body;
    size_t body_len;
};

/* An envelope's objects added to a collection in one transaction, audited once
 * (taxii.objects_add). results[i]: STORE_OK (added) or STORE_REPLAYED (that id and version was
 * there already and is kept as it was); date_added[i]: the version's date added (ms). */
struct taxii_add {
    const char *collection_id, *org_id, *actor;
    const struct taxii_object_in *objs;
    size_t n;
    int64_t now_ms;
    int *results;
    int64_t *date_added;
};

/* match[version] (TAXII 2.1 §3.4.2): any combination of these bits and explicit versions;
 * none at all means last. */
enum { STORE_TAXII_V_LAST = 1, STORE_TAXII_V_FIRST = 2, STORE_TAXII_V_ALL = 4 };
struct taxii_obj_query {
    const char *collection_id;
    const char *object_id;  /* one object's versions only, or NULL */
    int64_t added_after_ms; /* only versions added after this; 0: no bound */
    const char *const *ids;
    size_t nids;
    const char *const *types;
    size_t ntypes;
    const char *const *spec_versions;
    size_t nspec;
    unsigned versions;
    const int64_t *version_ms;
    size_t nver;
    size_t limit; /* at most this many rows; more says whether there were others */
    bool bodies;  /* fill body (objects, object) or not (manifest, versions) */
    /* with bodies: at most this many bytes of them per page (the first row always; 0: no
     * bound); a page cut short says more, like one cut by limit */
    size_t max_bytes;
};
struct taxii_object_row {
    char id[STORE_STIX_ID_MAX];
    char type[STORE_STIX_ID_MAX];
    char spec_version[8];
    int64_t version_ms;
    int64_t date_added_ms;
    char *body; /* owned, NULL when not asked for */
    size_t body_len;
};
struct taxii_obj_page {
    struct taxii_object_row *items;
    size_t n;
    bool more;
};
void taxii_obj_page_release(struct taxii_obj_page *p);

struct store_stats {
    uint64_t commits;
    uint64_t writes;
    uint64_t failed_commits;
};

/* A sighting of an indicator by an organisation (issue 13 item 3): "seen" or
 * "false_positive", with how often and when, by a member of org_id. value is the canonical
 * text (src/sharing/ioc.h); the times are ms, 0 when not given. */
struct sighting_write {
    const char *id; /* new UUIDv7 chosen by the caller */
    const char *org_id, *actor;
    const char *type, *value, *kind;
    const char *note; /* or NULL */
    const char *tlp;  /* its TLP 2.0 label as tlp_label writes it ("TLP:AMBER" …) */
    int64_t count, first_seen, last_seen;
    int64_t now_ms;
};

/* The sightings of one indicator: per kind, the sum of their counts and the distinct
 * organisations behind them. Which of these a reader may see is decided above the store. */
struct sighting_counts {
    int64_t seen, seen_orgs;
    int64_t false_positive, false_positive_orgs;
};

/* One stored sighting as its own organisation reads it back (sighting_list_org): never the
 * user who recorded it nor its note, which stay in the database and the audit log. */
struct sighting_rec {
    char id[40];
    char kind[16]; /* "seen" or "false_positive" */
    char tlp[20];  /* its label */
    int64_t count, first_seen, last_seen, created_at;
};

/* ---- copying a whole store to another (issue 14 item 3: `ichigen store copy`) ---- */

/* The neutral types a column is carried as, whatever the backend calls them: SQLite INTEGER and
 * PostgreSQL BIGINT are INT, REAL / DOUBLE PRECISION are REAL, TEXT is TEXT, BLOB / BYTEA are
 * BLOB. A column of any other type is not carried (copy_tables answers STORE_INVALID). */
enum store_col_type { STORE_COL_INT, STORE_COL_REAL, STORE_COL_TEXT, STORE_COL_BLOB };

#define STORE_NAME_MAX 64       /* bytes of a table's or column's name, with its NUL */
#define STORE_TABLE_COLS_MAX 48 /* columns of one table */
#define STORE_TABLE_REFS_MAX 8  /* other tables one table references (foreign keys) */

struct store_column {
    char name[STORE_NAME_MAX];
    enum store_col_type type;
};

/* A table as the store's schema declares it (read from the schema, never from a list kept by
 * hand, so a new migration's table is carried without a change here). */
struct store_table {
    char name[STORE_NAME_MAX];
    struct store_column cols[STORE_TABLE_COLS_MAX]; /* in declared order */
    size_t ncols;
    char refs[STORE_TABLE_REFS_MAX][STORE_NAME_MAX]; /* tables its foreign keys reference */
    size_t nrefs;
    bool replace; /* copy_load only, set by its caller: the migrations fill this table (its
                     rows are replaced by the source's, not refused as data) */
};
struct store_table_list {
    struct store_table *items;
    size_t n;
};
void store_table_list_release(struct store_table_list *l);

/* One value of a row, of its column's type: null, or i (INT), d (REAL), p/len (TEXT: UTF-8
 * bytes, not NUL-terminated; BLOB: bytes). Borrowed: valid during the call it is given to. */
struct store_value {
    bool null;
    int64_t i;
    double d;
    const void *p;
    size_t len;
};

/* Called with each row (t->ncols values); 0 goes on, a negative store_result stops the scan
 * and is returned by it. */
typedef int (*store_row_fn)(const struct store_table *t, const struct store_value *row,
                            void *arg);
/* copy_load's source of rows: calls put(t, row, sink) for each row to load, t one of the
 * tables copy_load was given, table by table in their order; returns 0 or a negative
 * store_result (what put returned, or its own), which rolls the load back. It may be called
 * more than once (a load retried whole): each call gives every row again. */
typedef int (*store_copy_feed_fn)(store_row_fn put, void *sink, void *arg);

struct store;

struct store_ops {
    const char *name;
    void (*close)(struct store *s);
    int (*ready)(struct store *s);
    int (*maintain)(struct store *s, int64_t now_ms);
    /* The schema version the store is at (*out), as its backend counts them: after a
     * successful open, the version this binary migrates to (store_target_schema_version of its
     * URL). STORE_OK or STORE_UNAVAILABLE. */
    int (*schema_version)(struct store *s, int *out);

    int (*org_create)(struct store *s, const struct org *o, const char *actor, int64_t now);
    int (*org_get)(struct store *s, const char *id, struct org *out);
    int (*org_list)(struct store *s, const char *after_id, int limit, struct org **out, size_t *n,
                    bool *more);

    int (*user_create)(struct store *s, const struct user *u, const char *actor, int64_t now);
    int (*user_get)(struct store *s, const char *id, struct user *out);
    int (*user_get_by_name)(struct store *s, const char *username, struct user *out);
    int (*user_list)(struct store *s, const char *org_id, const char *after_id, int limit,
                     struct user **out, size_t *n, bool *more);
    int (*user_count_role)(struct store *s, enum role r, int64_t *n);
    /* Accounts (issue 8.12): an organisation's member counts; a user created or changed by an
     * administrator; one's own new password (struct user_write, above). */
    int (*org_members)(struct store *s, const char *org_id, struct org_members *out);
    int (*user_write)(struct store *s, const struct user_write *w);
    int (*user_password_set)(struct store *s, const struct password_write *w);

    /* Sign-in throttling (issue 8.13; struct throttle_key, above). secret: the key of the
     * keyed hashes, made once with the schema. get: the states of n keys (zero when none or
     * forgotten). fail: applies f->next to each key's state inside the write transaction (so
     * concurrent failures all count) with the audit entries. clear: forgets keys. */
    int (*throttle_secret)(struct store *s, unsigned char out[32]);
    int (*throttle_get)(struct store *s, const struct throttle_key *keys, size_t n, int64_t now,
                        struct auth_throttle_state *out);
    int (*throttle_fail)(struct store *s, const struct throttle_failure *f);
    int (*throttle_clear)(struct store *s, const struct throttle_key *keys, size_t n);

    int (*token_create)(struct store *s, const struct token_rec *t, const char *actor, int64_t now);
    int (*token_lookup)(struct store *s, const unsigned char hash[HASH_SHA256_LEN], int64_t now,
                        struct principal *out);
    int (*token_revoke)(struct store *s, const char *token_id, const char *owner_user_id,
                        const char *actor, int64_t now);
    int (*token_list)(struct store *s, const char *user_id, struct token_rec **out, size_t *n);

    int (*report_create)(struct store *s, const struct report_write *w, struct report_rec *out);
    int (*report_amend)(struct store *s, const struct report_write *w, struct report_rec *out);
    int (*report_get)(struct store *s, const char *id, int version, struct report_rec *out);
    int (*report_list)(struct store *s, const struct report_filter *f, struct report_list *out);
    int (*report_versions)(struct store *s, const char *id, struct report_list *out);
    /* The incident's obligations with their histories, in creation order. */
    int (*obligations_list)(struct store *s, const char *incident_id, struct obligation_list *out);

    /* Assessments. create: a new draft (version 1). save: replaces a draft's answers if
     * expected_version is current and it is still a draft (else STORE_CONFLICT). submit:
     * freezes it with its scores, same precondition. list: newest first, without answers. */
    int (*assessment_create)(struct store *s, const struct assessment_rec *a, const char *actor,
                             int64_t now);
    int (*assessment_get)(struct store *s, const char *id, struct assessment_rec *out);
    int (*assessment_list)(struct store *s, const char *org_id, const char *framework_id,
                           const char *after_id, int limit, struct assessment_list *out);
    int (*assessment_save)(struct store *s, const char *id, int expected_version,
                           const char *answers, const char *actor, int64_t now);
    int (*assessment_submit)(struct store *s, const char *id, int expected_version,
                             const char *scores, double overall, const char *actor, int64_t now);
    /* The latest submitted assessment of framework_id of every organisation except
     * exclude_org_id, with its sector and size band. */
    int (*assessment_peers)(struct store *s, const char *framework_id, const char *exclude_org_id,
                            struct peer_rows *out);

    /* Organisation documents. update: replaces the body if expected_version is current
     * (else STORE_CONFLICT). list: newest first; with_body false leaves bodies NULL. */
    int (*orgdoc_create)(struct store *s, const struct orgdoc_rec *d, const char *actor,
                         int64_t now);
    int (*orgdoc_get)(struct store *s, const char *id, struct orgdoc_rec *out);
    int (*orgdoc_list)(struct store *s, const char *org_id, const char *kind, const char *after_id,
                       int limit, bool with_body, struct orgdoc_list *out);
    int (*orgdoc_update)(struct store *s, const char *id, int expected_version, const char *body,
                         const char *actor, int64_t now);

    /* Delivery. submit: STORE_CONFLICT when version is no longer the latest; obligations that
     * already have a live (not failed) submission are skipped; *created says how many rows
     * were written, each with a submission.create audit entry pinning the SHA-256 of its
     * payload bytes. claim: takes due submissions for the worker (status sending, a lease, one
     * more attempt); taking one that is still sending (its lease ran out with no outcome)
     * first appends an `interrupted` event to its history, saying when that attempt started
     * and when its lease ended. record: the worker's outcomes, each applied only while the
     * submission is still sending (a lease that expired may have been taken again:
     * at-least-once). */
    int (*submit)(struct store *s, const struct submit_write *w, int *created);
    /* Withdraws an incident (issue 10 item 4; struct withdraw_write). */
    int (*report_withdraw)(struct store *s, const struct withdraw_write *w, int *notices);
    int (*submissions_claim)(struct store *s, const struct claim_request *c,
                             struct submission_list *out);
    int (*submissions_record)(struct store *s, const struct delivery_result *r, size_t n);
    int (*submissions_list)(struct store *s, const struct submission_filter *f,
                            struct submission_list *out);
    int (*submission_get)(struct store *s, const char *id, struct submission_rec *out);
    /* A submission and its history read together (one snapshot). STORE_NOT_FOUND. */
    int (*submission_history)(struct store *s, const char *id, struct submission_rec *rec,
                              struct submission_events *out);
    /* Inbox: the recipient fetched it (available → delivered, obligation met). Returns
     * STORE_OK also when it was already delivered or acknowledged. */
    int (*submission_fetched)(struct store *s, const char *id, const char *actor, int64_t now);
    /* A receipt from the recipient (inbox) or the reporter's filing reference (document):
     * → acknowledged, obligation met. STORE_CONFLICT when the status does not allow it. */
    int (*submission_receipt)(struct store *s, const char *id, const char *reference,
                              const char *receipt_json, bool filing, const char *actor,
                              int64_t now);
    /* Which organisation's users receive for a recipient (inbox). */
    int (*binding_set)(struct store *s, const char *recipient_id, const char *org_id,
                       const char *actor, int64_t now);
    int (*binding_list)(struct store *s, struct recipient_binding **out, size_t *n);

    /* Reminders. get: STORE_NOT_FOUND when none are set. claim / record: the worker's side,
     * like submissions (outcomes DELIVERED, RETRY, FAILED). The scan is reminders_scan. */
    int (*reminders_get)(struct store *s, const char *org_id, struct reminder_settings *out);
    int (*reminders_set)(struct store *s, const struct reminder_settings *r, const char *actor,
                         int64_t now);
    int (*notifications_claim)(struct store *s, int64_t now, int limit, int64_t lease_ms,
                               struct notification_list *out);
    int (*notifications_record)(struct store *s, const struct delivery_result *r, size_t n);
    int (*notifications_list)(struct store *s, const char *org_id, int limit,
                              struct notification_list *out);
    /* The e-mail channel of notifications (issue 10 item 8), a delivery of its own: a
     * notification is mailed when, as it is added, its organisation's reminder settings are
     * enabled and list addresses (store_note_channels decides). mail_claim leases the due
     * ones like notifications_claim (each item with its notification's fields, mail_* and
     * emails, the addresses as they are now); mail_record applies outcomes (DELIVERED, RETRY,
     * FAILED) to the e-mail channel only. */
    int (*mail_claim)(struct store *s, int64_t now, int limit, int64_t lease_ms,
                      struct notification_list *out);
    int (*mail_record)(struct store *s, const struct delivery_result *r, size_t n);
    /* The organisation's open obligations on real (not drill) incidents, soonest first. */
    int (*obligations_open)(struct store *s, const char *org_id, int limit,
                            struct open_obligations *out);

    int (*audit_append)(struct store *s, const char *actor, const char *action,
                        const char *object_type, const char *object_id, const char *detail,
                        int64_t now);
    int (*audit_scan)(struct store *s, int64_t from_seq, int limit,
                      int (*cb)(const struct audit_rec *r, void *arg), void *arg);
    int (*audit_head)(struct store *s, struct audit_rec *out);
    /* Every stored object whose bytes an audit entry pins (audit.h, struct audit_pin): each
     * report version, submission payload, assessment's answers (and scores once submitted)
     * and organisation document, with the SHA-256 of its bytes as stored now and the entry
     * that pins them — the first for immutable objects, the newest for ones that change;
     * then each pinning entry up to upto_seq whose object is no longer stored (present
     * false). Streams page by page, each page one snapshot, so memory does not grow with the
     * database; cb returns non-zero to stop. STORE_OK or STORE_UNAVAILABLE. */
    int (*audit_pins)(struct store *s, int64_t upto_seq,
                      int (*cb)(const struct audit_pin *p, void *arg), void *arg);

    /* Reminders, mechanism only (which reminder is due and what it says is the caller's
     * policy: outbox_remind.c). In one transaction: lists the candidates — at least every
     * obligation that is neither withdrawn nor met and has a deadline, of every organisation
     * with reminder settings (a backend may list more; plan decides) —, calls plan once with
     * them, and adds each notification plan returns unless one with its dedupe key exists;
     * *created says how many were added. */
    int (*reminders_scan)(struct store *s, store_reminder_plan_fn plan, void *arg, int *created);

    const struct histo *(*commit_latency)(struct store *s);
    void (*stats)(struct store *s, struct store_stats *out);

    /* The receiving side (issue 10, item 7). inbox_list: a page of struct inbox_filter, with
     * more set when another exists; an after_id that names no submission gives an empty page.
     * request_create: the request with its audit entry and, in the same transaction, the
     * notification its reporting organisation is told (kind "request", dedupe key
     * "request:<id>", body note; sent to the organisation's enabled reminder webhook, else only
     * listed). request_get: STORE_NOT_FOUND. requests_list: struct request_filter. */
    int (*inbox_list)(struct store *s, const struct inbox_filter *f, struct inbox_page *out);
    int (*request_create)(struct store *s, const struct request_rec *r, const char *note);
    int (*request_get)(struct store *s, const char *id, struct request_rec *out);
    int (*requests_list)(struct store *s, const struct request_filter *f,
                         struct request_list *out);

    /* The web UI (issue 12). token_touch: the token's last use is now (a cookie session's
     * quiet period starts over; no audit entry: bookkeeping, not a change of rights).
     * server_key: the 32-byte key named name ("totp"), made once with the schema.
     * totp_get: STORE_NOT_FOUND when the user has no enrolment. totp_begin: stores a pending
     * enrolment (replacing a pending one), STORE_CONFLICT when one is enabled; audited
     * two_factor.begin. totp_enable: a pending enrolment becomes enabled, its last step step,
     * and codes the user's recovery codes (the old ones go); STORE_CONFLICT when none is
     * pending; audited two_factor.enable. totp_use_step: records that the code of step was
     * accepted, only if step is newer than the last one accepted, else STORE_CONFLICT (a
     * replay; checked in the write transaction, so two requests with one code cannot both
     * pass). totp_disable: removes the enrolment and recovery codes; STORE_NOT_FOUND when
     * there is none; audited two_factor.disable. recovery_use: marks the unused code with hash
     * used, else STORE_NOT_FOUND; audited two_factor.recovery_used. recovery_set: replaces the
     * user's codes (enabled enrolment required, else STORE_CONFLICT); audited
     * two_factor.recovery_codes. */
    int (*token_touch)(struct store *s, const char *token_id, int64_t now);
    int (*server_key)(struct store *s, const char *name, unsigned char out[32]);
    int (*totp_get)(struct store *s, const char *user_id, struct totp_rec *out);
    int (*totp_begin)(struct store *s, const struct totp_rec *t, int64_t now);
    int (*totp_enable)(struct store *s, const char *user_id, int64_t step,
                       const struct recovery_set *codes, int64_t now);
    int (*totp_use_step)(struct store *s, const char *user_id, int64_t step);
    int (*totp_disable)(struct store *s, const char *user_id, const char *actor, int64_t now);
    int (*recovery_use)(struct store *s, const char *user_id,
                        const unsigned char hash[HASH_SHA256_LEN], int64_t now);
    int (*recovery_set)(struct store *s, const char *user_id, const struct recovery_set *codes,
                        int64_t now);
    /* Drafts (issue 12). create: d as given, version 1; audited draft.create. get:
     * STORE_NOT_FOUND. list: the organisation's, most recently saved first, at most limit,
     * without bodies (the caller frees *out with free after releasing each). update: replaces
     * title, incident id and body if expected_version is current (else STORE_CONFLICT), version
     * + 1; audited draft.update. delete: STORE_NOT_FOUND; audited draft.delete. */
    int (*draft_create)(struct store *s, const struct draft_rec *d, int64_t now);
    int (*draft_get)(struct store *s, const char *id, struct draft_rec *out);
    int (*draft_list)(struct store *s, const char *org_id, int limit, struct draft_rec **out,
                      size_t *n);
    int (*draft_update)(struct store *s, const struct draft_rec *d, int expected_version,
                        const char *actor, int64_t now);
    int (*draft_delete)(struct store *s, const char *id, const char *actor, int64_t now);
    /* Correlation (issue 13 item 3): every incident's latest version, in incident id order
     * (creation order), passed to cb one at a time, for the in-memory index rebuilt at start-up
     * (src/app/app_correlate.h). The record carries id, org_id, version (= latest_version),
     * created_at, updated_at, tlp, drill, withdrawn_at and body/body_len; the other fields are
     * empty. The record and its body are valid only during the call (borrowed). A non-zero
     * return from cb stops the scan (STORE_OK). STORE_OK or STORE_UNAVAILABLE. */
    int (*report_scan_latest)(struct store *s,
                              int (*cb)(const struct report_rec *r, void *arg), void *arg);
    /* Sightings (issue 13 item 3; struct sighting_write). add: stores it with the audit entry
     * sighting.create (detail kind=…; a NULL or empty tlp is stored as "TLP:AMBER"),
     * STORE_INVALID for an unknown organisation. counts: the figures of (type, value) over the
     * sightings whose label is not except_tlp (NULL: all of them), zero when none; which labels
     * others may count is decided above the store. */
    int (*sighting_add)(struct store *s, const struct sighting_write *w);
    int (*sighting_counts)(struct store *s, const char *type, const char *value,
                           const char *except_tlp, struct sighting_counts *out);
    /* The sightings organisation org_id made of (type, value), newest first, at most limit, in
     * a new array *out of *n (free it). STORE_OK (also for none) or STORE_UNAVAILABLE. */
    int (*sighting_list_org)(struct store *s, const char *org_id, const char *type,
                             const char *value, int limit, struct sighting_rec **out, size_t *n);
    /* Statistics (issue 13 item 7): the rows of f (struct stats_scan_filter), in one snapshot,
     * streamed to cb so that memory does not grow with the platform. STORE_OK (also when cb
     * stopped it) or STORE_UNAVAILABLE. */
    int (*stats_scan)(struct store *s, const struct stats_scan_filter *f, store_stats_row_fn cb,
                      void *arg);
    /* Advisories (issue 13 item 1; struct advisory_write). create: STORE_INVALID for an
     * unknown organisation. get: version 0 = the latest; STORE_NOT_FOUND. list: struct
     * advisory_filter. withdraw: the advisory of org_id (else STORE_NOT_FOUND) is withdrawn
     * with the reason, STORE_CONFLICT when it already is; audited advisory.withdraw. ack: the
     * organisation acknowledges version (replacing an older acknowledgement; STORE_NOT_FOUND
     * for no advisory); audited advisory.acknowledge. acks: every acknowledgement, oldest
     * first (*out freed with free). */
    int (*advisory_create)(struct store *s, const struct advisory_write *w);
    int (*advisory_amend)(struct store *s, const struct advisory_write *w);
    int (*advisory_get)(struct store *s, const char *id, int version, struct advisory_rec *out);
    int (*advisory_list)(struct store *s, const struct advisory_filter *f,
                         struct advisory_list *out);
    int (*advisory_withdraw)(struct store *s, const char *id, const char *org_id,
                             const char *reason, const char *actor, int64_t now);
    int (*advisory_ack)(struct store *s, const char *id, const char *org_id, const char *user_id,
                        int version, int64_t now);
    int (*advisory_acks)(struct store *s, const char *id, struct advisory_ack **out, size_t *n);
    /* Clearances (issue 13 item 2). get: STORE_NOT_FOUND when the user has none (an expired
     * one is returned: the caller decides it counts as none). set: c->level "" removes it
     * (STORE_NOT_FOUND when there was none), else replaces it; STORE_INVALID for an unknown
     * user; audited user.clearance_set / user.clearance_revoke with the level and expiry. */
    int (*clearance_get)(struct store *s, const char *user_id, struct clearance_rec *out);
    int (*clearance_set)(struct store *s, const struct clearance_rec *c, const char *actor,
                         int64_t now);
    /* TAXII 2.1 (issue 13 item 5). collection_put: creates c, or replaces its title,
     * description, alias, tlp, audience and writers if c->id exists (STORE_EXISTS: the alias is
     * another collection's); audited taxii.collection_create / taxii.collection_update.
     * collection_get: by id, or by alias when key is not a UUID. collection_list: all, by title
     * (the caller frees *out after releasing each). objects_add: see struct taxii_add
     * (STORE_NOT_FOUND: no such collection). objects_query: the versions q selects, oldest date
     * added first. object_delete: removes the versions of one object that q selects
     * (q->object_id), keeps is_last/is_first right for those left, *deleted = how many;
     * STORE_NOT_FOUND when none matched; audited taxii.object_delete. status_put/status_get:
     * a status resource as JSON text with the organisation it belongs to. */
    int (*taxii_collection_put)(struct store *s, const struct taxii_collection_rec *c,
                                const char *actor, int64_t now);
    int (*taxii_collection_get)(struct store *s, const char *key,
                                struct taxii_collection_rec *out);
    int (*taxii_collection_list)(struct store *s, struct taxii_collection_rec **out, size_t *n);
    int (*taxii_objects_add)(struct store *s, struct taxii_add *a);
    int (*taxii_objects_query)(struct store *s, const struct taxii_obj_query *q,
                               struct taxii_obj_page *out);
    int (*taxii_object_delete)(struct store *s, const struct taxii_obj_query *q, const char *actor,
                               int64_t now, size_t *deleted);
    int (*taxii_status_put)(struct store *s, const char *id, const char *collection_id,
                            const char *org_id, const char *body, int64_t now);
    int (*taxii_status_get)(struct store *s, const char *id, char org_id[UUID_STR_LEN],
                            char **body);
    /* Copying a store (issue 14 item 3; mechanism only: what to copy and the checks around it
     * are store_copy.h's). copy_tables: every table the migrations made, read from the
     * schema (the backend's own bookkeeping, such as PostgreSQL's schema_version, left out),
     * each with its columns and the tables it references, in dependency order (a table after
     * those it references); *out freed with store_table_list_release. STORE_INVALID (e says
     * which) for a column of a type store_col_type does not carry.
     * copy_scan: every row of each table of `tables` (by name, with those columns), in that
     * order, all in one snapshot, each table's rows ordered by all its columns (text and
     * bytes bytewise, nulls first) so that two stores holding the same rows give them in the
     * same order. It refuses (STORE_CONFLICT, e says why) a store another process is using
     * or writing to, and keeps every writer out while it reads (SQLite: another process has
     * the file open or holds its write lock, then the write lock is held; PostgreSQL: another
     * ichigen session is connected to the database or holds the write lock, then that lock is
     * held). cb's negative result stops the scan and is returned.
     * copy_load: in one transaction, refuses (STORE_CONFLICT, e names the table) when a table
     * of `tables` not marked replace holds a row, empties those marked replace, inserts every
     * row feed gives and moves any generated key (identity sequence) past the largest value
     * loaded, so later inserts number on. STORE_INVALID (e says which) for a table or column
     * this store does not have; feed's negative result rolls everything back and is
     * returned. */
    int (*copy_tables)(struct store *s, struct store_table_list *out, struct err *e);
    int (*copy_scan)(struct store *s, const struct store_table_list *tables, store_row_fn cb,
                     void *arg, struct err *e);
    int (*copy_load)(struct store *s, const struct store_table_list *tables,
                     store_copy_feed_fn feed, void *arg, struct err *e);
    /* The change feed (issue 14 item 2: several nodes on one database keep per-process state —
     * the token cache, the correlation index — that writes of the others make stale). The feed
     * is the audit log: every mutation appends its entry in its own transaction and entries
     * are numbered in commit order, so audit_scan from the last seq a process applied is the
     * versioned catch-up read, and nothing is missed however notifications are lost.
     * changes_wait returns *changed true as soon as it knows that an entry with seq >
     * after_seq was committed by any process sharing the store (the caller then reads
     * audit_scan), false when timeout_ms (0: do not wait) passes without such news. News
     * travels asynchronously: an entry committed an instant before the call may be reported
     * by a later call only, but is never lost. STORE_UNAVAILABLE when the backend cannot
     * listen now (retry later: a later call reports whatever was committed meanwhile). One
     * thread per store at a time.
     * PostgreSQL: a dedicated listener connection (LISTEN, §SQL-LISTEN); every batch that
     * appended entries calls pg_notify with its last seq inside its transaction, which
     * PostgreSQL delivers on COMMIT only (§SQL-NOTIFY); after each (re)connection the head is
     * read once, so a notification sent while it was down is not needed. SQLite: one process
     * owns the file, so the wake-up is in-process (the writer signals after each COMMIT); a
     * commit by another process (`ichigen admin` while serving) is seen by reading the head
     * when timeout_ms passes. */
    int (*changes_wait)(struct store *s, int64_t after_seq, int timeout_ms, bool *changed);
};

struct store {
    const struct store_ops *ops;
};

/* Opening a store by URL (store.c). */
struct store_options {
    const char *url;      /* "sqlite:PATH" (or "sqlite:///abs/path"), or postgresql://… */
    int read_pool_size;   /* backends that pool read connections */
    int commit_batch_max; /* most writes one group commit may carry */
    /* Open the store as it is (`ichigen store copy`): never create it (a missing SQLite file
     * is an error) nor migrate it, whatever its schema version (schema_version says it). Only
     * the copy_* operations are meant for a store opened so. */
    bool as_is;
};

/* Opens (creating and migrating if needed) the store the URL names. NULL with e set when the
 * URL names no backend this binary has, or the backend cannot open it. The message names the
 * URL's scheme only, never the rest (which could hold credentials). */
struct store *store_open(const struct store_options *o, struct err *e);

/* The schema version this binary migrates a store of the URL's kind to (the newest migration
 * of that backend), so that `ichigen version` can say it for the configured store without
 * opening it; 0 when the URL names no backend this binary has. A store's own version is the
 * operation schema_version. */
int store_target_schema_version(const char *url);

/*
 * The operations, called through these wrappers and never through s->ops directly: one place
 * where every backend is entered, for checks and tracing that all backends share (issue 9).
 * Each has the contract of the struct store_ops member of the same name (store_get_stats:
 * stats).
 */
static inline int store_ready(struct store *s)
{
    return s->ops->ready(s);
}

static inline int store_maintain(struct store *s, int64_t now_ms)
{
    return s->ops->maintain(s, now_ms);
}

static inline int store_schema_version(struct store *s, int *out)
{
    return s->ops->schema_version(s, out);
}

static inline int store_org_create(struct store *s, const struct org *o, const char *actor,
                                   int64_t now)
{
    return s->ops->org_create(s, o, actor, now);
}

static inline int store_org_get(struct store *s, const char *id, struct org *out)
{
    return s->ops->org_get(s, id, out);
}

static inline int store_org_list(struct store *s, const char *after_id, int limit, struct org **out,
                                 size_t *n, bool *more)
{
    return s->ops->org_list(s, after_id, limit, out, n, more);
}

static inline int store_user_create(struct store *s, const struct user *u, const char *actor,
                                    int64_t now)
{
    return s->ops->user_create(s, u, actor, now);
}

static inline int store_user_get(struct store *s, const char *id, struct user *out)
{
    return s->ops->user_get(s, id, out);
}

static inline int store_user_get_by_name(struct store *s, const char *username, struct user *out)
{
    return s->ops->user_get_by_name(s, username, out);
}

static inline int store_user_list(struct store *s, const char *org_id, const char *after_id,
                                  int limit, struct user **out, size_t *n, bool *more)
{
    return s->ops->user_list(s, org_id, after_id, limit, out, n, more);
}

static inline int store_user_count_role(struct store *s, enum role r, int64_t *n)
{
    return s->ops->user_count_role(s, r, n);
}

static inline int store_org_members(struct store *s, const char *org_id, struct org_members *out)
{
    return s->ops->org_members(s, org_id, out);
}

static inline int store_user_write(struct store *s, const struct user_write *w)
{
    return s->ops->user_write(s, w);
}

static inline int store_user_password_set(struct store *s, const struct password_write *w)
{
    return s->ops->user_password_set(s, w);
}

static inline int store_throttle_secret(struct store *s, unsigned char out[32])
{
    return s->ops->throttle_secret(s, out);
}

static inline int store_throttle_get(struct store *s, const struct throttle_key *keys, size_t n,
                                     int64_t now, struct auth_throttle_state *out)
{
    return s->ops->throttle_get(s, keys, n, now, out);
}

static inline int store_throttle_fail(struct store *s, const struct throttle_failure *f)
{
    return s->ops->throttle_fail(s, f);
}

static inline int store_throttle_clear(struct store *s, const struct throttle_key *keys, size_t n)
{
    return s->ops->throttle_clear(s, keys, n);
}

static inline int store_token_create(struct store *s, const struct token_rec *t, const char *actor,
                                     int64_t now)
{
    return s->ops->token_create(s, t, actor, now);
}

static inline int store_token_lookup(struct store *s, const unsigned char hash[HASH_SHA256_LEN],
                                     int64_t now, struct principal *out)
{
    return s->ops->token_lookup(s, hash, now, out);
}

static inline int store_token_revoke(struct store *s, const char *token_id,
                                     const char *owner_user_id, const char *actor, int64_t now)
{
    return s->ops->token_revoke(s, token_id, owner_user_id, actor, now);
}

static inline int store_token_list(struct store *s, const char *user_id, struct token_rec **out,
                                   size_t *n)
{
    return s->ops->token_list(s, user_id, out, n);
}

static inline int store_report_create(struct store *s, const struct report_write *w,
                                      struct report_rec *out)
{
    return s->ops->report_create(s, w, out);
}

static inline int store_report_amend(struct store *s, const struct report_write *w,
                                     struct report_rec *out)
{
    return s->ops->report_amend(s, w, out);
}

static inline int store_report_get(struct store *s, const char *id, int version,
                                   struct report_rec *out)
{
    return s->ops->report_get(s, id, version, out);
}

static inline int store_report_list(struct store *s, const struct report_filter *f,
                                    struct report_list *out)
{
    return s->ops->report_list(s, f, out);
}

static inline int store_report_versions(struct store *s, const char *id, struct report_list *out)
{
    return s->ops->report_versions(s, id, out);
}

static inline int store_obligations_list(struct store *s, const char *incident_id,
                                         struct obligation_list *out)
{
    return s->ops->obligations_list(s, incident_id, out);
}

static inline int store_assessment_create(struct store *s, const struct assessment_rec *a,
                                          const char *actor, int64_t now)
{
    return s->ops->assessment_create(s, a, actor, now);
}

static inline int store_assessment_get(struct store *s, const char *id, struct assessment_rec *out)
{
    return s->ops->assessment_get(s, id, out);
}

static inline int store_assessment_list(struct store *s, const char *org_id,
                                        const char *framework_id, const char *after_id, int limit,
                                        struct assessment_list *out)
{
    return s->ops->assessment_list(s, org_id, framework_id, after_id, limit, out);
}

static inline int store_assessment_save(struct store *s, const char *id, int expected_version,
                                        const char *answers, const char *actor, int64_t now)
{
    return s->ops->assessment_save(s, id, expected_version, answers, actor, now);
}

static inline int store_assessment_submit(struct store *s, const char *id, int expected_version,
                                          const char *scores, double overall, const char *actor,
                                          int64_t now)
{
    return s->ops->assessment_submit(s, id, expected_version, scores, overall, actor, now);
}

static inline int store_assessment_peers(struct store *s, const char *framework_id,
                                         const char *exclude_org_id, struct peer_rows *out)
{
    return s->ops->assessment_peers(s, framework_id, exclude_org_id, out);
}

static inline int store_orgdoc_create(struct store *s, const struct orgdoc_rec *d,
                                      const char *actor, int64_t now)
{
    return s->ops->orgdoc_create(s, d, actor, now);
}

static inline int store_orgdoc_get(struct store *s, const char *id, struct orgdoc_rec *out)
{
    return s->ops->orgdoc_get(s, id, out);
}

static inline int store_orgdoc_list(struct store *s, const char *org_id, const char *kind,
                                    const char *after_id, int limit, bool with_body,
                                    struct orgdoc_list *out)
{
    return s->ops->orgdoc_list(s, org_id, kind, after_id, limit, with_body, out);
}

static inline int store_orgdoc_update(struct store *s, const char *id, int expected_version,
                                      const char *body, const char *actor, int64_t now)
{
    return s->ops->orgdoc_update(s, id, expected_version, body, actor, now);
}

static inline int store_submit(struct store *s, const struct submit_write *w, int *created)
{
    return s->ops->submit(s, w, created);
}

static inline int store_report_withdraw(struct store *s, const struct withdraw_write *w,
                                        int *notices)
{
    return s->ops->report_withdraw(s, w, notices);
}

static inline int store_submissions_claim(struct store *s, const struct claim_request *c,
                                          struct submission_list *out)
{
    return s->ops->submissions_claim(s, c, out);
}

static inline int store_submissions_record(struct store *s, const struct delivery_result *r,
                                           size_t n)
{
    return s->ops->submissions_record(s, r, n);
}

static inline int store_submissions_list(struct store *s, const struct submission_filter *f,
                                         struct submission_list *out)
{
    return s->ops->submissions_list(s, f, out);
}

static inline int store_submission_get(struct store *s, const char *id, struct submission_rec *out)
{
    return s->ops->submission_get(s, id, out);
}

static inline int store_submission_history(struct store *s, const char *id,
                                           struct submission_rec *rec,
                                           struct submission_events *out)
{
    return s->ops->submission_history(s, id, rec, out);
}

static inline int store_submission_fetched(struct store *s, const char *id, const char *actor,
                                           int64_t now)
{
    return s->ops->submission_fetched(s, id, actor, now);
}

static inline int store_submission_receipt(struct store *s, const char *id, const char *reference,
                                           const char *receipt_json, bool filing, const char *actor,
                                           int64_t now)
{
    return s->ops->submission_receipt(s, id, reference, receipt_json, filing, actor, now);
}

static inline int store_binding_set(struct store *s, const char *recipient_id, const char *org_id,
                                    const char *actor, int64_t now)
{
    return s->ops->binding_set(s, recipient_id, org_id, actor, now);
}

static inline int store_binding_list(struct store *s, struct recipient_binding **out, size_t *n)
{
    return s->ops->binding_list(s, out, n);
}

static inline int store_reminders_get(struct store *s, const char *org_id,
                                      struct reminder_settings *out)
{
    return s->ops->reminders_get(s, org_id, out);
}

static inline int store_reminders_set(struct store *s, const struct reminder_settings *r,
                                      const char *actor, int64_t now)
{
    return s->ops->reminders_set(s, r, actor, now);
}

static inline int store_notifications_claim(struct store *s, int64_t now, int limit,
                                            int64_t lease_ms, struct notification_list *out)
{
    return s->ops->notifications_claim(s, now, limit, lease_ms, out);
}

static inline int store_notifications_record(struct store *s, const struct delivery_result *r,
                                             size_t n)
{
    return s->ops->notifications_record(s, r, n);
}

static inline int store_notifications_list(struct store *s, const char *org_id, int limit,
                                           struct notification_list *out)
{
    return s->ops->notifications_list(s, org_id, limit, out);
}

static inline int store_mail_claim(struct store *s, int64_t now, int limit, int64_t lease_ms,
                                   struct notification_list *out)
{
    return s->ops->mail_claim(s, now, limit, lease_ms, out);
}

static inline int store_mail_record(struct store *s, const struct delivery_result *r, size_t n)
{
    return s->ops->mail_record(s, r, n);
}

static inline int store_obligations_open(struct store *s, const char *org_id, int limit,
                                         struct open_obligations *out)
{
    return s->ops->obligations_open(s, org_id, limit, out);
}

static inline int store_audit_append(struct store *s, const char *actor, const char *action,
                                     const char *object_type, const char *object_id,
                                     const char *detail, int64_t now)
{
    return s->ops->audit_append(s, actor, action, object_type, object_id, detail, now);
}

static inline int store_audit_scan(struct store *s, int64_t from_seq, int limit,
                                   int (*cb)(const struct audit_rec *r, void *arg), void *arg)
{
    return s->ops->audit_scan(s, from_seq, limit, cb, arg);
}

static inline int store_audit_head(struct store *s, struct audit_rec *out)
{
    return s->ops->audit_head(s, out);
}

static inline int store_changes_wait(struct store *s, int64_t after_seq, int timeout_ms,
                                     bool *changed)
{
    return s->ops->changes_wait(s, after_seq, timeout_ms, changed);
}

static inline int store_audit_pins(struct store *s, int64_t upto_seq,
                                   int (*cb)(const struct audit_pin *p, void *arg), void *arg)
{
    return s->ops->audit_pins(s, upto_seq, cb, arg);
}

static inline const struct histo *store_commit_latency(struct store *s)
{
    return s->ops->commit_latency(s);
}

static inline void store_get_stats(struct store *s, struct store_stats *out)
{
    s->ops->stats(s, out);
}

static inline int store_reminders_scan(struct store *s, store_reminder_plan_fn plan, void *arg,
                                       int *created)
{
    return s->ops->reminders_scan(s, plan, arg, created);
}

static inline int store_inbox_list(struct store *s, const struct inbox_filter *f,
                                   struct inbox_page *out)
{
    return s->ops->inbox_list(s, f, out);
}

static inline int store_request_create(struct store *s, const struct request_rec *r,
                                       const char *note)
{
    return s->ops->request_create(s, r, note);
}

static inline int store_request_get(struct store *s, const char *id, struct request_rec *out)
{
    return s->ops->request_get(s, id, out);
}

static inline int store_requests_list(struct store *s, const struct request_filter *f,
                                      struct request_list *out)
{
    return s->ops->requests_list(s, f, out);
}

static inline int store_token_touch(struct store *s, const char *token_id, int64_t now)
{
    return s->ops->token_touch(s, token_id, now);
}

static inline int store_server_key(struct store *s, const char *name, unsigned char out[32])
{
    return s->ops->server_key(s, name, out);
}

static inline int store_totp_get(struct store *s, const char *user_id, struct totp_rec *out)
{
    return s->ops->totp_get(s, user_id, out);
}

static inline int store_totp_begin(struct store *s, const struct totp_rec *t, int64_t now)
{
    return s->ops->totp_begin(s, t, now);
}

static inline int store_totp_enable(struct store *s, const char *user_id, int64_t step,
                                    const struct recovery_set *codes, int64_t now)
{
    return s->ops->totp_enable(s, user_id, step, codes, now);
}

static inline int store_totp_use_step(struct store *s, const char *user_id, int64_t step)
{
    return s->ops->totp_use_step(s, user_id, step);
}

static inline int store_totp_disable(struct store *s, const char *user_id, const char *actor,
                                     int64_t now)
{
    return s->ops->totp_disable(s, user_id, actor, now);
}

static inline int store_recovery_use(struct store *s, const char *user_id,
                                     const unsigned char hash[HASH_SHA256_LEN], int64_t now)
{
    return s->ops->recovery_use(s, user_id, hash, now);
}

static inline int store_recovery_set(struct store *s, const char *user_id,
                                     const struct recovery_set *codes, int64_t now)
{
    return s->ops->recovery_set(s, user_id, codes, now);
}

static inline int store_draft_create(struct store *s, const struct draft_rec *d, int64_t now)
{
    return s->ops->draft_create(s, d, now);
}

static inline int store_draft_get(struct store *s, const char *id, struct draft_rec *out)
{
    return s->ops->draft_get(s, id, out);
}

static inline int store_draft_list(struct store *s, const char *org_id, int limit,
                                   struct draft_rec **out, size_t *n)
{
    return s->ops->draft_list(s, org_id, limit, out, n);
}

static inline int store_draft_update(struct store *s, const struct draft_rec *d,
                                     int expected_version, const char *actor, int64_t now)
{
    return s->ops->draft_update(s, d, expected_version, actor, now);
}

static inline int store_draft_delete(struct store *s, const char *id, const char *actor,
                                     int64_t now)
{
    return s->ops->draft_delete(s, id, actor, now);
}

static inline int store_report_scan_latest(struct store *s,
                                           int (*cb)(const struct report_rec *r, void *arg),
                                           void *arg)
{
    return s->ops->report_scan_latest(s, cb, arg);
}

static inline int store_sighting_add(struct store *s, const struct sighting_write *w)
{
    return s->ops->sighting_add(s, w);
}

static inline int store_sighting_counts(struct store *s, const char *type, const char *value,
                                        const char *except_tlp, struct sighting_counts *out)
{
    return s->ops->sighting_counts(s, type, value, except_tlp, out);
}

static inline int store_sighting_list_org(struct store *s, const char *org_id, const char *type,
                                          const char *value, int limit, struct sighting_rec **out,
                                          size_t *n)
{
    return s->ops->sighting_list_org(s, org_id, type, value, limit, out, n);
}

static inline int store_stats_scan(struct store *s, const struct stats_scan_filter *f,
                                   store_stats_row_fn cb, void *arg)
{
    return s->ops->stats_scan(s, f, cb, arg);
}

static inline int store_advisory_create(struct store *s, const struct advisory_write *w)
{
    return s->ops->advisory_create(s, w);
}

static inline int store_advisory_amend(struct store *s, const struct advisory_write *w)
{
    return s->ops->advisory_amend(s, w);
}

static inline int store_advisory_get(struct store *s, const char *id, int version,
                                     struct advisory_rec *out)
{
    return s->ops->advisory_get(s, id, version, out);
}

static inline int store_advisory_list(struct store *s, const struct advisory_filter *f,
                                      struct advisory_list *out)
{
    return s->ops->advisory_list(s, f, out);
}

static inline int store_advisory_withdraw(struct store *s, const char *id, const char *org_id,
                                          const char *reason, const char *actor, int64_t now)
{
    return s->ops->advisory_withdraw(s, id, org_id, reason, actor, now);
}

static inline int store_advisory_ack(struct store *s, const char *id, const char *org_id,
                                     const char *user_id, int version, int64_t now)
{
    return s->ops->advisory_ack(s, id, org_id, user_id, version, now);
}

static inline int store_advisory_acks(struct store *s, const char *id, struct advisory_ack **out,
                                      size_t *n)
{
    return s->ops->advisory_acks(s, id, out, n);
}

static inline int store_clearance_get(struct store *s, const char *user_id,
                                      struct clearance_rec *out)
{
    return s->ops->clearance_get(s, user_id, out);
}

static inline int store_clearance_set(struct store *s, const struct clearance_rec *c,
                                      const char *actor, int64_t now)
{
    return s->ops->clearance_set(s, c, actor, now);
}

static inline int store_taxii_collection_put(struct store *s,
                                             const struct taxii_collection_rec *c,
                                             const char *actor, int64_t now)
{
    return s->ops->taxii_collection_put(s, c, actor, now);
}

static inline int store_taxii_collection_get(struct store *s, const char *key,
                                             struct taxii_collection_rec *out)
{
    return s->ops->taxii_collection_get(s, key, out);
}

static inline int store_taxii_collection_list(struct store *s, struct taxii_collection_rec **out,
                                              size_t *n)
{
    return s->ops->taxii_collection_list(s, out, n);
}

static inline int store_taxii_objects_add(struct store *s, struct taxii_add *a)
{
    return s->ops->taxii_objects_add(s, a);
}

static inline int store_taxii_objects_query(struct store *s, const struct taxii_obj_query *q,
                                            struct taxii_obj_page *out)
{
    return s->ops->taxii_objects_query(s, q, out);
}

static inline int store_taxii_object_delete(struct store *s, const struct taxii_obj_query *q,
                                            const char *actor, int64_t now, size_t *deleted)
{
    return s->ops->taxii_object_delete(s, q, actor, now, deleted);
}

static inline int store_taxii_status_put(struct store *s, const char *id,
                                         const char *collection_id, const char *org_id,
                                         const char *body, int64_t now)
{
    return s->ops->taxii_status_put(s, id, collection_id, org_id, body, now);
}

static inline int store_taxii_status_get(struct store *s, const char *id,
                                         char org_id[UUID_STR_LEN], char **body)
{
    return s->ops->taxii_status_get(s, id, org_id, body);
}

static inline int store_copy_tables(struct store *s, struct store_table_list *out, struct err *e)
{
    return s->ops->copy_tables(s, out, e);
}

static inline int store_copy_scan(struct store *s, const struct store_table_list *tables,
                                  store_row_fn cb, void *arg, struct err *e)
{
    return s->ops->copy_scan(s, tables, cb, arg, e);
}

static inline int store_copy_load(struct store *s, const struct store_table_list *tables,
                                  store_copy_feed_fn feed, void *arg, struct err *e)
{
    return s->ops->copy_load(s, tables, feed, arg, e);
}

static inline void store_close(struct store *s)
{
    if (s)
        s->ops->close(s);
}

#endif
