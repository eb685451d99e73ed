/*
 * store_int.h — what the store's backends share (src/store/<backend>/), so that a second
 * backend (PostgreSQL, issue 14) adds only mechanism: how rows are read and written, never
 * how an audit entry is chained or how a stored text is shortened. Not for other modules.
 */
#ifndef STORE_STORE_INT_H
#define STORE_STORE_INT_H

#include "store.h"

/* Makes r (an entry built by store_audit.c: actor, action, object, detail, time) the entry
 * that follows the chain head (head_seq, head_hash): its seq and prev_hash, then the seal
 * (audit_seal: the hash covers the entry and head_hash). The backend writes r in the
 * transaction of the change it records and then makes r its new chain head (store.h: each
 * mutation appends its audit entry in the same transaction). */
void store_audit_chain(struct audit_rec *r, int64_t head_seq, const char *head_hash);

/* Fills out as the report version a create or an amendment just wrote from w (version
 * `version`, its incident created at created_at): the stored row is exactly what was written,
 * so a backend need not read it back. out owns heap copies (report_rec_release). */
void store_report_rec_from_write(const struct report_write *w, int version, int64_t created_at,
                                 struct report_rec *out);

/* An account write's checks on its organisation's member counts m, read by the backend under
 * its write lock (struct user_write): pre_holds before the change (w->pre still holds),
 * admin_left after it (w->keep_admin: an enabled user of w->admin_role remains). STORE_OK or
 * STORE_CONFLICT. */
int store_account_pre_holds(const struct user_write *w, const struct org_members *m);
int store_account_admin_left(const struct user_write *w, const struct org_members *m);

/* Whether a token found by its hash may be used at now (token_lookup): not revoked (revoked_at
 * 0), its user not disabled, not expired (expires_at in p, 0 = never) and with a role.
 * STORE_OK, or STORE_NOT_FOUND — the same answer as for an unknown token, so that a caller
 * cannot tell a revoked token from a guessed one. */
int store_token_usable(const struct principal *p, int64_t revoked_at, bool disabled, int64_t now);

/* Whether recipient_id is one of the claim's busy recipients (submissions_claim takes none of
 * their submissions). */
bool store_claim_busy(const struct claim_request *c, const char *recipient_id);

/* Copies at most n - 1 bytes of s into out (n > 0) without cutting a UTF-8 character, for
 * stored texts with a bounded length (a receipt reference in an audit detail). */
void store_utf8_cut(char *out, size_t n, const char *s);

/* The enum rules_due_state whose name (rules_due_state_name) a backend stored; DUE_SET for
 * NULL or a name it does not know. */
int store_due_state_parse(const char *name);

/* An organisation's reminder lead times (struct reminder_settings) as a backend stores them:
 * text such as "[72,24,4]", descending as given. format writes leads[0..n) into out (at most
 * size bytes, always terminated; 16 * REMINDER_LEADS_MAX + 4 is enough); parse reads at most
 * max numbers back into out and returns how many (0 for NULL or ""). */
void store_leads_format(const int *leads, int n, char *out, size_t size);
int store_leads_parse(const char *text, int *out, int max);

/* An organisation's e-mail addresses (struct reminder_settings, issue 10 item 8) as a backend
 * stores them: a JSON array of strings. format returns heap text ("[]" for none); parse reads
 * at most REMINDER_EMAILS_MAX strings that fit REMINDER_EMAIL_LEN into r->emails and sets
 * r->nemails (0 for NULL or text that is not such an array). */
char *store_emails_format(const struct reminder_settings *r);
void store_emails_parse(const char *text, struct reminder_settings *r);

/* A submission a claim could take (submissions_claim): up to claim->per_recipient due ones
 * of each recipient that is not busy, gathered by the backend. store_claim_earliest orders
 * them by when they are due (then id) and returns how many of the earliest the claim takes
 * (at most limit), so that one slow recipient's backlog never hides another's. */
struct store_claim_candidate {
    char id[UUID_STR_LEN];
    int64_t at; /* next attempt */
};
size_t store_claim_earliest(struct store_claim_candidate *c, size_t n, size_t limit);

/* What a delivery outcome makes of a notification (notifications_record): delivered (both
 * success outcomes, delivered_at = at), failed for good, or queued again at next_attempt_at;
 * the error kept unless it was delivered. The backend applies it only while the notification
 * is still sending. */
struct store_note_outcome {
    const char *status;      /* delivered, failed, queued */
    int64_t delivered_at;    /* 0: not delivered (stored as none) */
    int64_t next_attempt_at; /* the retry's time, else the outcome's */
    const char *last_error;  /* NULL when delivered */
};
void store_note_outcome(const struct delivery_result *d, struct store_note_outcome *out);

/* Frees the n candidates a backend read for reminders_scan (their summaries, then the array). */
void store_reminder_candidates_free(struct reminder_candidate *c, size_t n);

/* Whether a submission in status may take a receipt (submission_receipt): a filing confirms a
 * document the reporter filed (awaiting_filing); a receipt answers a delivery (available or
 * delivered). Otherwise the backend answers STORE_CONFLICT. */
bool store_receipt_allowed(const char *status, bool filing);

/* copy_tables (issue 14 item 3): orders l so that each table comes after the tables it
 * references (ties by name, so both backends give one order); a table that references one not
 * in l is refused (STORE_INVALID), as is a cycle. References of a table to itself are none. */
int store_tables_order(struct store_table_list *l, struct err *e);

#endif
