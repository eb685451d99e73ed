/*
 * store_sqlite.c — the SQLite backend: opening and migrating the file, the connection pool, the
 * group-commit writer thread and the checkpointer. Queries live in store_sqlite_q.c.
 */
#include <unistd.h>

#include "store_sqlite.h"
#include "store_sqlite_int.h"
#include "../store_int.h"
#include "../store_migration.h"
#include "../../core/log.h"
#include "../../core/rtime.h"

/* ---- schema ---- */

/* Migrations by version (PRAGMA user_version): the files of src/store/sqlite/migrations/,
 * embedded at build time (scripts/embed_sql.py). Add a file; never edit a shipped one. */
int store_sqlite_schema_version(void)
{
    return sq_migrations[sq_migrations_count - 1].version;
}

/* The columns of a submission, in the order read_submission reads them (payload last). */
/* A notification's e-mail channel as read with it (read_note, columns 12..15). */
#define NOTE_MAIL_COLS "m.status, m.attempts, m.delivered_at, m.last_error"
#define SUBCOLS_X                                                                                  \
    "SELECT id, incident_id, org_id, obligation_id, rule_id, stage_id, recipient_id, version,"     \
    " channel, status, drill, payload_sha256, withheld, attempts, next_attempt_at, created_at,"    \
    " sent_at, delivered_at, acknowledged_at, failed_at, last_error, receipt_reference, receipt,"  \
    " submitted_by, kind, previous_id, "

/* The inbox's columns (issue 10, item 7): a submission as SUBCOLS_X without its payload, the
 * reporting organisation, the incident, the obligation's deadline, then the sort key. */
#define INBOX_COLS                                                                                 \
    "SELECT s.id, s.incident_id, s.org_id, s.obligation_id, s.rule_id, s.stage_id,"                \
    " s.recipient_id, s.version, s.channel, s.status, s.drill, s.payload_sha256, s.withheld,"      \
    " s.attempts, s.next_attempt_at, s.created_at, s.sent_at, s.delivered_at, s.acknowledged_at,"  \
    " s.failed_at, s.last_error, s.receipt_reference, s.receipt, s.submitted_by, s.kind,"          \
    " s.previous_id, NULL,"                                                                         \
    " g.name_ja, g.name_en, g.sector, g.prefecture, i.summary, i.categories,"                      \
    " o.due_state = 'set', o.due_at, "
/* no deadline sorts last: 2^53 - 1 ms is far beyond any deadline (and exact in every client) */
#define INBOX_DUE_KEY "(CASE WHEN o.due_state = 'set' THEN o.due_at ELSE 9007199254740991 END)"
#define INBOX_FROM_SUB                                                                             \
    " FROM submissions s LEFT JOIN obligations o ON o.id = s.obligation_id"                        \
    " JOIN incidents i ON i.id = s.incident_id JOIN organizations g ON g.id = s.org_id"            \
    " WHERE s.recipient_id = ?1"
#define INBOX_FROM_OB                                                                              \
    " FROM obligations o CROSS JOIN submissions s ON s.obligation_id = o.id"                       \
    " JOIN incidents i ON i.id = s.incident_id JOIN organizations g ON g.id = s.org_id"            \
    " WHERE o.recipient_id = ?1" /* a submission's recipient is its obligation's */
#define INBOX_WHERE                                                                                \
    " AND s.channel IN ('webhook', 'inbox') AND (?3 IS NULL OR s.stage_id = ?3)"                   \
    " AND (?4 IS NULL OR s.status = ?4) AND (?5 IS NULL OR instr(i.categories, ?5) > 0)"           \
    " AND (?6 IS NULL OR g.sector = ?6) AND (?7 = 0 OR s.acknowledged_at IS NULL)"                 \
    " AND (?8 = 0 OR s.created_at >= ?8) AND (?9 = 0 OR s.created_at < ?9)"
#define REQCOLS                                                                                    \
    "SELECT id, submission_id, incident_id, org_id, recipient_id, authority_org_id, kind,"         \
    " obligation_id, stage_id, message, lang, fields, reply_by, created_by, created_at,"           \
    " answered_by, answered_at FROM requests"

/* The conditions of a submissions listing after its organisation and incident (SQ_SUB_LIST*). */
#define SUB_LIST_REST                                                                              \
    " AND (?3 IS NULL OR recipient_id IN (SELECT value FROM json_each(?3)))"                       \
    " AND (?4 IS NULL OR stage_id = ?4) AND (?5 IS NULL OR status = ?5)"                           \
    " AND (?6 = 0 OR created_at >= ?6) AND (?7 = 0 OR created_at < ?7)"                            \
    " AND (?8 IS NULL OR id < ?8) AND (?10 = 0 OR channel IN ('webhook', 'inbox'))"                \
    " ORDER BY id DESC LIMIT ?9"

/* An obligation that is a determination (issue 11 item 1): its stored decision says so
 * (rules_ledger_decision writes this exact text). */
#define OB_UNDETERMINED "instr(o.explanation, '\"undetermined\":true') > 0"

static const char *const sql_text[SQ__COUNT] = {
    [SQ_ORG_INSERT] = "INSERT INTO organizations (id, name_ja, name_en, corporate_number, kind,"
                      " sector, prefecture, listed, created_at, size_band, time_zone)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    [SQ_ORG_GET] = "SELECT id, name_ja, name_en, corporate_number, kind, sector, prefecture,"
                   " listed, created_at, size_band, time_zone FROM organizations WHERE id = ?",
    [SQ_ORG_LIST] = "SELECT id, name_ja, name_en, corporate_number, kind, sector, prefecture,"
                    " listed, created_at, size_band, time_zone FROM organizations"
                    " WHERE (?1 IS NULL OR kind = ?1)"
                    " AND (?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3",
    [SQ_USER_INSERT] = "INSERT INTO users (id, org_id, username, display_name, role,"
                       " password_hash, disabled, created_at, must_change_password)"
                       " VALUES (?,?,?,?,?,?,?,?,?)",
    [SQ_USER_GET] = "SELECT id, org_id, username, display_name, role, password_hash, disabled,"
                    " created_at, must_change_password FROM users WHERE id = ?",
    [SQ_USER_GET_BY_NAME] = "SELECT id, org_id, username, display_name, role, password_hash,"
                            " disabled, created_at, must_change_password FROM users"
                            " WHERE username = ?",
    [SQ_USER_LIST] = "SELECT id, org_id, username, display_name, role, password_hash, disabled,"
                     " created_at, must_change_password FROM users"
                     " WHERE (?1 IS NULL OR org_id = ?1) AND (?2 IS NULL OR id > ?2)"
                     " ORDER BY id LIMIT ?3",
    [SQ_USER_COUNT_ROLE] = "SELECT count(*) FROM users WHERE role = ? AND disabled = 0",
    [SQ_ORG_MEMBERS] = "SELECT count(*), coalesce(sum(role = 'org_admin' AND disabled = 0), 0),"
                       " coalesce(sum(role = 'admin' AND disabled = 0), 0) FROM users"
                       " WHERE org_id = ?",
    [SQ_USER_UPDATE] = "UPDATE users SET display_name = ?2, role = ?3, disabled = ?4 WHERE id = ?1",
    [SQ_USER_PASSWORD] = "UPDATE users SET password_hash = ?2, must_change_password = 0"
                         " WHERE id = ?1",
    [SQ_TOKEN_REVOKE_USER] = "UPDATE api_tokens SET revoked_at = ?2 WHERE user_id = ?1"
                             " AND revoked_at = 0",
    [SQ_THR_SECRET] = "SELECT k FROM server_keys WHERE name = 'login_throttle'",
    [SQ_THR_GET] = "SELECT failures, last_at, blocked_until, expires_at FROM login_throttle"
                   " WHERE key = ?1 AND expires_at > ?2",
    [SQ_THR_PUT] = "INSERT INTO login_throttle (key, failures, last_at, blocked_until, expires_at)"
                   " VALUES (?1,?2,?3,?4,?5) ON CONFLICT (key) DO UPDATE SET"
                   " failures = excluded.failures, last_at = excluded.last_at,"
                   " blocked_until = excluded.blocked_until, expires_at = excluded.expires_at",
    [SQ_THR_DEL] = "DELETE FROM login_throttle WHERE key = ?",
    [SQ_THR_PURGE] = "DELETE FROM login_throttle WHERE expires_at <= ?",
    [SQ_TOKEN_INSERT] = "INSERT INTO api_tokens (id, user_id, token_hash, name, kind, created_at,"
                        " expires_at, revoked_at) VALUES (?,?,?,?,?,?,?,0)",
    [SQ_TOKEN_LOOKUP] = "SELECT t.id, t.expires_at, t.revoked_at, u.id, u.org_id, u.username,"
                        " u.role, u.disabled, t.kind, MAX(t.created_at, t.last_used_at),"
                        " EXISTS (SELECT 1 FROM user_totp z WHERE z.user_id = u.id"
                        " AND z.enabled_at > 0) FROM api_tokens t"
                        " JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
    [SQ_TOKEN_REVOKE] = "UPDATE api_tokens SET revoked_at = ?3 WHERE id = ?1"
                        " AND (?2 IS NULL OR user_id = ?2) AND revoked_at = 0",
    [SQ_TOKEN_GET] = "SELECT user_id FROM api_tokens WHERE id = ?",
    [SQ_TOKEN_LIST] = "SELECT id, user_id, name, kind, created_at, expires_at, revoked_at"
                      " FROM api_tokens WHERE user_id = ? ORDER BY id",
    [SQ_INCIDENT_INSERT] = "INSERT INTO incidents (id, org_id, created_at, updated_at,"
                           " latest_version, phase, tlp, drill, categories, summary)"
                           " VALUES (?,?,?,?,1,?,?,?,?,?)",
    [SQ_INCIDENT_GET_META] =
        "SELECT org_id, latest_version, created_at FROM incidents WHERE id = ?",
    [SQ_INCIDENT_UPDATE] = "UPDATE incidents SET updated_at = ?2, latest_version = ?3,"
                           " phase = ?4, tlp = ?5, drill = ?6, categories = ?7, summary = ?8"
                           " WHERE id = ?1",
    [SQ_VERSION_INSERT] = "INSERT INTO report_versions (incident_id, version, created_at,"
                          " author_id, body_sha256, phase, tlp, drill, categories, summary,"
                          " change_summary, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    [SQ_REPORT_GET] =
        "SELECT i.id, i.org_id, v.version, i.latest_version, i.created_at, i.updated_at,"
        " v.created_at, v.author_id, v.body_sha256, v.phase, v.tlp, v.drill, v.categories,"
        " v.summary, v.change_summary, v.body, i.withdrawn_at, i.withdrawn_reason"
        " FROM incidents i JOIN report_versions v"
        " ON v.incident_id = i.id AND v.version = (CASE WHEN ?2 > 0 THEN ?2"
        " ELSE i.latest_version END) WHERE i.id = ?1",
    [SQ_REPORT_LIST] =
        "SELECT id, org_id, latest_version, latest_version, created_at, updated_at, updated_at,"
        " '', '', phase, tlp, drill, categories, summary, NULL, NULL, withdrawn_at,"
        " withdrawn_reason FROM incidents"
        " WHERE org_id = ?1 AND (?2 IS NULL OR instr(categories, ?2) > 0)"
        " AND (?3 IS NULL OR phase = ?3) AND (?4 < 0 OR drill = ?4)"
        " AND (?5 = 0 OR created_at >= ?5) AND (?6 = 0 OR created_at < ?6)"
        " AND (?7 IS NULL OR id < ?7) ORDER BY id DESC LIMIT ?8",
    [SQ_REPORT_VERSIONS] =
        "SELECT i.id, i.org_id, v.version, i.latest_version, i.created_at, i.updated_at,"
        " v.created_at, v.author_id, v.body_sha256, v.phase, v.tlp, v.drill, v.categories,"
        " v.summary, v.change_summary, NULL, i.withdrawn_at, i.withdrawn_reason"
        " FROM incidents i JOIN report_versions v"
        " ON v.incident_id = i.id WHERE i.id = ?1 ORDER BY v.version",
    [SQ_IDEM_GET] = "SELECT request_sha256, incident_id FROM idempotency"
                    " WHERE org_id = ? AND key = ? AND expires_at > ?",
    [SQ_IDEM_INSERT] = "INSERT OR REPLACE INTO idempotency (org_id, key, request_sha256,"
                       " incident_id, expires_at) VALUES (?,?,?,?,?)",
    [SQ_IDEM_PURGE] = "DELETE FROM idempotency WHERE expires_at <= ?",
    [SQ_AUDIT_INSERT] = "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id,"
                        " detail, payload_sha256, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
    [SQ_AUDIT_SCAN] = "SELECT seq, at, actor, action, object_type, object_id, detail,"
                      " payload_sha256, prev_hash, hash FROM audit_log WHERE seq >= ?"
                      " ORDER BY seq LIMIT ?",
    [SQ_OB_ROWS] = "SELECT seq, rule_id, stage_id, state, due_state, due_at FROM obligations"
                   " WHERE incident_id = ? ORDER BY seq",
    [SQ_OB_INSERT] = "INSERT INTO obligations (id, incident_id, rule_id, stage_id, recipient_id,"
                     " regime, state, due_state, due_at, kind, mandatory, became_applicable_at,"
                     " first_version, last_version, explanation, rules_version, updated_at)"
                     " VALUES (?1,?2,?3,?4,?5,?6,'active',?7,?8,?9,?10,?11,?12,?12,?13,?14,?11)",
    [SQ_OB_UPDATE] = "UPDATE obligations SET state = 'active', withdrawn_at = NULL,"
                     " withdrawn_reason = NULL, due_state = ?2, due_at = ?3, last_version = ?4,"
                     " explanation = ?5, rules_version = ?6, updated_at = ?7 WHERE seq = ?1",
    [SQ_OB_WITHDRAW] = "UPDATE obligations SET state = 'withdrawn', withdrawn_at = ?2,"
                       " withdrawn_reason = ?3, last_version = ?4, rules_version = ?5,"
                       " updated_at = ?2 WHERE seq = ?1",
    [SQ_OB_EVENT] = "INSERT INTO obligation_events (obligation_seq, at, version, event,"
                    " old_due_state, old_due_at, new_due_state, new_due_at)"
                    " VALUES (?,?,?,?,?,?,?,?)",
    [SQ_OB_LIST] = "SELECT o.id, o.rule_id, o.stage_id, o.recipient_id, o.regime, o.state,"
                   " o.due_state, o.due_at, o.kind, o.mandatory, o.became_applicable_at,"
                   " o.withdrawn_at, o.updated_at, o.first_version, o.last_version,"
                   " o.rules_version, o.explanation, o.withdrawn_reason, o.seq, o.met_at,"
                   " o.met_submission, (SELECT s.id FROM submissions s WHERE s.obligation_id = o.id"
                   " AND s.status NOT IN ('failed', 'cancelled') AND s.kind <> 'withdrawal'"
                   " ORDER BY s.id DESC LIMIT 1),"
                   " (SELECT min(s.created_at) FROM submissions s WHERE s.obligation_id = o.id),"
                   " EXISTS (SELECT 1 FROM requests r WHERE r.obligation_id = o.id"
                   " AND r.answered_at IS NULL)"
                   " FROM obligations o WHERE o.incident_id = ? ORDER BY o.seq",
    [SQ_OB_EVENTS] = "SELECT e.obligation_seq, e.at, e.version, e.event, e.old_due_state,"
                     " e.old_due_at, e.new_due_state, e.new_due_at FROM obligation_events e"
                     " JOIN obligations o ON o.seq = e.obligation_seq WHERE o.incident_id = ?"
                     " ORDER BY e.seq",
    [SQ_AS_INSERT] = "INSERT INTO assessments (id, org_id, framework_id, framework_version, period,"
                     " status, version, answers, created_by, created_at, updated_at)"
                     " VALUES (?1,?2,?3,?4,?5,'draft',1,?6,?7,?8,?8)",
    [SQ_AS_GET] = "SELECT id, org_id, framework_id, framework_version, period, status, version,"
                  " created_by, created_at, updated_at, submitted_by, submitted_at, overall,"
                  " answers, scores FROM assessments WHERE id = ?",
    [SQ_AS_LIST] = "SELECT id, org_id, framework_id, framework_version, period, status, version,"
                   " created_by, created_at, updated_at, submitted_by, submitted_at, overall,"
                   " NULL, NULL FROM assessments WHERE org_id = ?1"
                   " AND (?2 IS NULL OR framework_id = ?2) AND (?3 IS NULL OR id < ?3)"
                   " ORDER BY id DESC LIMIT ?4",
    [SQ_AS_STATE] = "SELECT status, version, org_id FROM assessments WHERE id = ?",
    [SQ_AS_SAVE] = "UPDATE assessments SET answers = ?2, version = version + 1, updated_at = ?3"
                   " WHERE id = ?1",
    [SQ_AS_SUBMIT] = "UPDATE assessments SET scores = ?2, overall = ?3, status = 'submitted',"
                     " version = version + 1, updated_at = ?4, submitted_at = ?4,"
                     " submitted_by = ?5 WHERE id = ?1",
    /* The latest submission per organisation: ROW_NUMBER over submitted_at, ties by id. */
    [SQ_AS_PEERS] = "SELECT org_id, sector, size_band, scores FROM (SELECT a.org_id, o.sector,"
                    " o.size_band, a.scores, ROW_NUMBER() OVER (PARTITION BY a.org_id"
                    " ORDER BY a.submitted_at DESC, a.id DESC) AS rn FROM assessments a"
                    " JOIN organizations o ON o.id = a.org_id WHERE a.framework_id = ?1"
                    " AND a.status = 'submitted' AND a.org_id <> ?2) WHERE rn = 1"
                    " ORDER BY org_id",
    [SQ_DOC_INSERT] = "INSERT INTO org_documents (id, org_id, kind, version, body, created_by,"
                      " created_at, updated_at) VALUES (?1,?2,?3,1,?4,?5,?6,?6)",
    [SQ_DOC_GET] = "SELECT id, org_id, kind, version, created_by, created_at, updated_at, body"
                   " FROM org_documents WHERE id = ?",
    [SQ_DOC_LIST] = "SELECT id, org_id, kind, version, created_by, created_at, updated_at,"
                    " CASE WHEN ?5 THEN body ELSE NULL END FROM org_documents"
                    " WHERE org_id = ?1 AND kind = ?2 AND (?3 IS NULL OR id < ?3)"
                    " ORDER BY id DESC LIMIT ?4",
    [SQ_DOC_STATE] = "SELECT version, org_id, kind FROM org_documents WHERE id = ?",
    [SQ_DOC_UPDATE] = "UPDATE org_documents SET body = ?2, version = version + 1,"
                      " updated_at = ?3 WHERE id = ?1",
    [SQ_SUB_LATEST] = "SELECT org_id, latest_version, withdrawn_at IS NOT NULL FROM incidents"
                      " WHERE id = ?",
    [SQ_SUB_LIVE] = "SELECT 1 FROM submissions WHERE obligation_id = ?"
                    " AND status NOT IN ('failed', 'cancelled') AND kind <> 'withdrawal'",
    [SQ_SUB_NEWEST_LIVE] = "SELECT id FROM submissions WHERE obligation_id = ?"
                           " AND status NOT IN ('failed', 'cancelled') AND kind <> 'withdrawal'"
                           " ORDER BY id DESC LIMIT 1",
    [SQ_SUB_INSERT] = "INSERT INTO submissions (id, incident_id, org_id, obligation_id, rule_id,"
                      " stage_id, recipient_id, version, channel, status, drill, payload,"
                      " payload_sha256, withheld, next_attempt_at, created_at, submitted_by,"
                      " kind, previous_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [SQ_WD_INCIDENT] = "UPDATE incidents SET withdrawn_at = ?3, withdrawn_reason = ?4,"
                       " withdrawn_by = ?5 WHERE id = ?1 AND org_id = ?2 AND withdrawn_at IS NULL",
    [SQ_WD_OBLIGATIONS] = "UPDATE obligations SET state = 'withdrawn', withdrawn_at = ?2,"
                          " withdrawn_reason = ?3, updated_at = ?2 WHERE incident_id = ?1"
                          " AND state = 'active' AND met_at IS NULL"
                          " RETURNING seq, last_version, due_state, due_at",
    [SQ_WD_CANCEL] = "UPDATE submissions SET status = 'cancelled' WHERE incident_id = ?1"
                     " AND status IN ('queued', 'available', 'awaiting_filing') RETURNING id",
    [SQ_WD_RECEIVED] = "SELECT 1 FROM submissions WHERE incident_id = ?1 AND recipient_id = ?2"
                       " AND kind <> 'withdrawal' AND (status IN ('sending', 'delivered',"
                       " 'acknowledged') OR (status = 'cancelled' AND attempts > 0)) LIMIT 1",
    [SQ_SUB_MARK_VERSION] = "UPDATE incidents SET submitted_version = ?2 WHERE id = ?1",
    [SQ_SUB_EVENT] = "INSERT INTO submission_events (submission_id, at, event, http_status, detail)"
                     " VALUES (?,?,?,?,?)",
    /* the recipients with submissions to send: one index lookup per recipient (skip scan) */
    [SQ_SUB_RCPS] = "WITH RECURSIVE r(rid) AS (SELECT (SELECT min(recipient_id) FROM submissions"
                    " WHERE status IN ('queued', 'sending')) UNION ALL SELECT (SELECT"
                    " min(recipient_id) FROM submissions WHERE status IN ('queued', 'sending')"
                    " AND recipient_id > r.rid) FROM r WHERE r.rid IS NOT NULL)"
                    " SELECT rid FROM r WHERE rid IS NOT NULL",
    [SQ_SUB_DUE] = "SELECT id, next_attempt_at FROM submissions WHERE recipient_id = ?1"
                   " AND status IN ('queued', 'sending') AND next_attempt_at <= ?2"
                   " ORDER BY next_attempt_at, id LIMIT ?3",
    [SQ_SUB_TAKE] = "UPDATE submissions SET status = 'sending', attempts = attempts + 1,"
                    " next_attempt_at = ?2, sent_at = coalesce(sent_at, ?3), leased_at = ?3"
                    " WHERE id = ?1",
    [SQ_SUB_GET] = SUBCOLS_X "payload FROM submissions WHERE id = ?",
    [SQ_SUB_STATUS] = "SELECT status, obligation_id, attempts, next_attempt_at, leased_at"
                      " FROM submissions WHERE id = ?",
    [SQ_SUB_DONE] =
        "UPDATE submissions SET status = ?2, delivered_at = coalesce(delivered_at, ?3),"
        " acknowledged_at = CASE WHEN ?2 = 'acknowledged' THEN ?3 ELSE acknowledged_at END,"
        " receipt_reference = coalesce(?4, receipt_reference),"
        " receipt = coalesce(?5, receipt), last_error = NULL WHERE id = ?1",
    [SQ_SUB_RETRY] = "UPDATE submissions SET status = ?2, next_attempt_at = ?3, last_error = ?4,"
                     " failed_at = CASE WHEN ?2 = 'failed' THEN ?5 ELSE NULL END WHERE id = ?1",
    [SQ_SUB_MET] = "UPDATE obligations SET met_at = ?2, met_submission = ?3"
                   " WHERE id = ?1 AND met_at IS NULL"
                   " AND (SELECT kind FROM submissions WHERE id = ?3) <> 'withdrawal'",
    /* Three shapes of one listing (same parameters): with "?x IS NULL OR" on the incident or
     * the organisation SQLite cannot use their indexes and walks the whole table by id, so
     * an incident's or an organisation's own submissions are read through
     * submissions_incident / submissions_org: a page costs a page of index entries however
     * many submissions other incidents have. */
    [SQ_SUB_LIST] = SUBCOLS_X "NULL FROM submissions"
                              " WHERE (?1 IS NULL OR org_id = ?1) AND (?2 IS NULL OR incident_id = ?2)"
                              SUB_LIST_REST,
    [SQ_SUB_LIST_INCIDENT] = SUBCOLS_X "NULL FROM submissions WHERE incident_id = ?2"
                                       " AND (?1 IS NULL OR org_id = ?1)" SUB_LIST_REST,
    [SQ_SUB_LIST_ORG] = SUBCOLS_X "NULL FROM submissions WHERE org_id = ?1" SUB_LIST_REST,
    [SQ_SUB_EVENTS] = "SELECT at, event, http_status, detail FROM submission_events"
                      " WHERE submission_id = ? ORDER BY seq",
    [SQ_BIND_SET] = "INSERT INTO recipient_bindings (recipient_id, org_id, created_at)"
                    " VALUES (?1, ?2, ?3) ON CONFLICT (recipient_id) DO UPDATE SET"
                    " org_id = excluded.org_id, created_at = excluded.created_at",
    [SQ_BIND_LIST] = "SELECT recipient_id, org_id, created_at FROM recipient_bindings"
                     " ORDER BY recipient_id",
    [SQ_BIND_GET] = "SELECT org_id FROM recipient_bindings WHERE recipient_id = ?",
    [SQ_REM_GET] = "SELECT org_id, endpoint, secret, lead_hours, enabled, updated_at, emails"
                   " FROM reminder_settings WHERE org_id = ?",
    [SQ_REM_SET] = "INSERT INTO reminder_settings (org_id, endpoint, secret, lead_hours, enabled,"
                   " updated_at, emails) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT (org_id) DO"
                   " UPDATE SET endpoint = excluded.endpoint, secret = excluded.secret,"
                   " lead_hours = excluded.lead_hours, enabled = excluded.enabled,"
                   " updated_at = excluded.updated_at, emails = excluded.emails",
    [SQ_NOTE_DUE] = "SELECT id FROM notifications WHERE status IN ('queued', 'sending')"
                    " AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?2",
    [SQ_NOTE_TAKE] = "UPDATE notifications SET status = 'sending', attempts = attempts + 1,"
                     " next_attempt_at = ?2 WHERE id = ?1",
    [SQ_NOTE_GET] = "SELECT n.id, n.org_id, n.kind, n.status, n.payload, n.attempts,"
                    " n.created_at, n.next_attempt_at, n.delivered_at, n.last_error,"
                    " s.endpoint, s.secret, " NOTE_MAIL_COLS ", NULL FROM notifications n"
                    " LEFT JOIN reminder_settings s ON s.org_id = n.org_id"
                    " LEFT JOIN notification_mail m ON m.notification_id = n.id WHERE n.id = ?",
    [SQ_NOTE_DONE] = "UPDATE notifications SET status = ?2, delivered_at = ?3,"
                     " next_attempt_at = ?4, last_error = ?5 WHERE id = ?1 AND status = 'sending'",
    [SQ_NOTE_LIST] = "SELECT n.id, n.org_id, n.kind, n.status, n.payload, n.attempts,"
                     " n.created_at, n.next_attempt_at, n.delivered_at, n.last_error, NULL, NULL,"
                     " " NOTE_MAIL_COLS ", NULL FROM notifications n"
                     " LEFT JOIN notification_mail m ON m.notification_id = n.id"
                     " WHERE n.org_id = ? ORDER BY n.created_at DESC LIMIT ?",
    [SQ_OB_OPEN] = "SELECT o.id, o.incident_id, o.rule_id, o.stage_id, o.recipient_id, o.kind,"
                   " o.mandatory, o.due_at, (SELECT s.id FROM submissions s"
                   " WHERE s.obligation_id = o.id AND s.status NOT IN ('failed', 'cancelled')"
                   " AND s.kind <> 'withdrawal' ORDER BY s.id DESC"
                   " LIMIT 1), i.summary, " OB_UNDETERMINED " FROM obligations o JOIN incidents i"
                   " ON i.id = o.incident_id WHERE i.org_id = ?1 AND i.drill = 0"
                   " AND o.state = 'active' AND o.met_at IS NULL AND o.due_state = 'set'"
                   " ORDER BY o.due_at LIMIT ?2",
    [SQ_SAVEPOINT] = "SAVEPOINT job",
    [SQ_RELEASE] = "RELEASE job",
    [SQ_ROLLBACK_TO] = "ROLLBACK TO job",
    /* The reminder candidates: open obligations with a deadline, of the organisations with
     * reminder settings, and those settings. Which reminder is due, if any, is decided by the
     * caller's policy (outbox_remind.c), not here. */
    [SQ_REM_CANDIDATES] =
        "SELECT o.id, o.incident_id, i.org_id, o.rule_id, o.stage_id, o.recipient_id, o.kind,"
        " i.summary, o.state = 'withdrawn', o.met_at IS NOT NULL, o.mandatory, i.drill,"
        " o.due_state = 'set', o.due_at, s.enabled, s.lead_hours, " OB_UNDETERMINED
        " FROM obligations o JOIN incidents i ON i.id = o.incident_id"
        " JOIN reminder_settings s ON s.org_id = i.org_id"
        " WHERE o.state = 'active' AND o.met_at IS NULL AND o.due_state = 'set'",
    [SQ_NOTE_ADD] = "INSERT OR IGNORE INTO notifications (id, org_id, kind, dedupe, payload,"
                    " status, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?6, ?6)",
    /* facts for what a write announces (store_notify.h decides): an organisation's reminder
     * webhook is enabled; the organisations that submitted to a recipient; a name */
    [SQ_REM_ENABLED] = "SELECT enabled FROM reminder_settings WHERE org_id = ?",
    [SQ_BIND_SUBMITTERS] = "SELECT DISTINCT org_id FROM submissions WHERE recipient_id = ?",
    [SQ_BIND_ORG] = "SELECT id, name_ja, name_en FROM organizations WHERE id = ?",
    /* The inbox (issue 10, item 7): one recipient's page in the order asked for, the keyset
     * continuing after (?10, ?11): the previous page's last sort key and id, written as a range on
 * the key so that the index is entered there, not read from its start. ?5 is ",category,"
     * (categories are stored ",a,b,"). The deadline order walks the recipient's obligations by
     * due time (index obligations_recipient_due), the received orders its submissions by time
     * (submissions_inbox_received): either reads about a page of index entries. */
    [SQ_INBOX_RECEIVED_DESC] = INBOX_COLS "s.created_at" INBOX_FROM_SUB INBOX_WHERE
        " AND s.created_at <= ?10 AND (s.created_at < ?10 OR s.id < ?11)"
        " ORDER BY s.created_at DESC, s.id DESC LIMIT ?12",
    [SQ_INBOX_RECEIVED_ASC] = INBOX_COLS "s.created_at" INBOX_FROM_SUB INBOX_WHERE
        " AND s.created_at >= ?10 AND (s.created_at > ?10 OR s.id > ?11)"
        " ORDER BY s.created_at, s.id LIMIT ?12",
    [SQ_INBOX_DEADLINE] = INBOX_COLS INBOX_DUE_KEY INBOX_FROM_OB INBOX_WHERE
        " AND " INBOX_DUE_KEY " >= ?10 AND (" INBOX_DUE_KEY " > ?10 OR s.id > ?11)"
        " ORDER BY " INBOX_DUE_KEY ", s.id LIMIT ?12",
    [SQ_INBOX_KEY] = "SELECT s.created_at, " INBOX_DUE_KEY " FROM submissions s"
                     " LEFT JOIN obligations o ON o.id = s.obligation_id WHERE s.id = ?",
    [SQ_REQ_INSERT] = "INSERT INTO requests (id, submission_id, incident_id, org_id, recipient_id,"
                      " authority_org_id, kind, obligation_id, stage_id, message, lang, fields,"
                      " reply_by, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [SQ_REQ_GET] = REQCOLS " WHERE id = ?",
    [SQ_REQ_BY_SUB] = REQCOLS " WHERE submission_id = ?1 ORDER BY id LIMIT ?2",
    [SQ_REQ_BY_INCIDENT] = REQCOLS " WHERE incident_id = ?1 ORDER BY id LIMIT ?2",
    [SQ_REQ_OPEN] = REQCOLS " WHERE org_id = ?1 AND answered_at IS NULL AND incident_id NOT IN"
                    " (SELECT id FROM incidents WHERE org_id = ?1 AND withdrawn_at IS NOT NULL)"
                    " ORDER BY reply_by, id LIMIT ?2",
    [SQ_REQ_OPEN_INCIDENT] = REQCOLS " WHERE incident_id = ?1 AND answered_at IS NULL ORDER BY id",
    [SQ_REQ_ANSWER] = "UPDATE requests SET answered_by = ?2, answered_at = ?3"
                      " WHERE id = ?1 AND answered_at IS NULL",
    /* the e-mail channel (issue 10 item 8): the facts store_note_channels decides on, and the
     * channel's own outbox rows */
    [SQ_NOTE_FACTS] = "SELECT enabled, endpoint <> '', emails <> '[]' FROM reminder_settings"
                      " WHERE org_id = ?",
    [SQ_MAIL_ADD] = "INSERT OR IGNORE INTO notification_mail (notification_id, org_id, status,"
                    " next_attempt_at, created_at) VALUES (?1, ?2, 'queued', ?3, ?3)",
    [SQ_MAIL_DUE] = "SELECT notification_id FROM notification_mail"
                    " WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?1"
                    " ORDER BY next_attempt_at LIMIT ?2",
    [SQ_MAIL_TAKE] = "UPDATE notification_mail SET status = 'sending', attempts = attempts + 1,"
                     " next_attempt_at = ?2 WHERE notification_id = ?1",
    [SQ_MAIL_GET] = "SELECT n.id, n.org_id, n.kind, n.status, n.payload, n.attempts,"
                    " n.created_at, n.next_attempt_at, n.delivered_at, n.last_error, NULL, NULL,"
                    " " NOTE_MAIL_COLS ", s.emails FROM notification_mail m"
                    " JOIN notifications n ON n.id = m.notification_id"
                    " LEFT JOIN reminder_settings s ON s.org_id = n.org_id"
                    " WHERE m.notification_id = ?",
    [SQ_MAIL_DONE] = "UPDATE notification_mail SET status = ?2, delivered_at = ?3,"
                     " next_attempt_at = ?4, last_error = ?5"
                     " WHERE notification_id = ?1 AND status = 'sending'",
    [SQ_TOKEN_TOUCH] = "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1"
                       " AND revoked_at = 0 AND last_used_at < ?2",
    [SQ_KEY_GET] = "SELECT k FROM server_keys WHERE name = ?",
    [SQ_TOTP_GET] = "SELECT sealed, created_at, enabled_at, last_step FROM user_totp"
                    " WHERE user_id = ?",
    [SQ_TOTP_PUT] = "INSERT INTO user_totp (user_id, sealed, created_at) VALUES (?1,?2,?3)"
                    " ON CONFLICT (user_id) DO UPDATE SET sealed = excluded.sealed,"
                    " created_at = excluded.created_at WHERE user_totp.enabled_at = 0",
    [SQ_TOTP_ENABLE] = "UPDATE user_totp SET enabled_at = ?2, last_step = ?3"
                       " WHERE user_id = ?1 AND enabled_at = 0",
    [SQ_TOTP_STEP] = "UPDATE user_totp SET last_step = ?2 WHERE user_id = ?1"
                     " AND enabled_at > 0 AND last_step < ?2",
    [SQ_TOTP_DEL] = "DELETE FROM user_totp WHERE user_id = ?",
    [SQ_RC_DEL] = "DELETE FROM recovery_codes WHERE user_id = ?",
    [SQ_RC_INSERT] = "INSERT OR IGNORE INTO recovery_codes (user_id, code_hash) VALUES (?,?)",
    [SQ_RC_USE] = "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1"
                  " AND code_hash = ?2 AND used_at = 0",
    [SQ_DRAFT_INSERT] = "INSERT INTO drafts (id, org_id, author_id, title, incident_id, body,"
                        " version, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,1,?7,?7)",
    [SQ_DRAFT_GET] = "SELECT id, org_id, author_id, title, incident_id, body, version,"
                     " created_at, updated_at FROM drafts WHERE id = ?",
    [SQ_DRAFT_LIST] = "SELECT id, org_id, author_id, title, incident_id, NULL, version,"
                      " created_at, updated_at FROM drafts WHERE org_id = ?1"
                      " ORDER BY updated_at DESC, id DESC LIMIT ?2",
    [SQ_DRAFT_VERSION] = "SELECT version FROM drafts WHERE id = ?",
    [SQ_DRAFT_UPDATE] = "UPDATE drafts SET title = ?2, incident_id = ?3, body = ?4,"
                        " version = version + 1, updated_at = ?5 WHERE id = ?1 AND version = ?6",
    [SQ_DRAFT_DELETE] = "DELETE FROM drafts WHERE id = ?",
    [SQ_REPORT_SCAN_LATEST] =
        "SELECT i.id, i.org_id, i.latest_version, i.created_at, i.updated_at, v.tlp, v.drill,"
        " i.withdrawn_at, v.body FROM incidents i JOIN report_versions v"
        " ON v.incident_id = i.id AND v.version = i.latest_version ORDER BY i.id",
    [SQ_SIGHTING_INSERT] = "INSERT INTO sightings (id, org_id, user_id, ioc_type, value, kind,"
                           " count, first_seen, last_seen, note, created_at, tlp)"
                           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    [SQ_SIGHTING_COUNTS] = "SELECT kind, SUM(count), COUNT(DISTINCT org_id) FROM sightings"
                           " WHERE ioc_type = ?1 AND value = ?2 AND tlp <> ?3 GROUP BY kind",
    [SQ_SIGHTING_LIST_ORG] = "SELECT id, kind, count, first_seen, last_seen, created_at, tlp"
                             " FROM sightings WHERE ioc_type = ?1 AND value = ?2 AND org_id = ?3"
                             " ORDER BY created_at DESC, id DESC LIMIT ?4",
    [SQ_ADV_INSERT] = "INSERT INTO advisories (id, org_id, author_id, latest_version, created_at,"
                      " updated_at) VALUES (?1,?2,?3,1,?4,?4)",
    [SQ_ADV_VERSION_INSERT] = "INSERT INTO advisory_versions (advisory_id, version, tlp, clearance,"
                              " audience, title, body, body_sha256, author_id, created_at)"
                              " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    [SQ_ADV_STATE] = "SELECT org_id, latest_version, withdrawn_at FROM advisories WHERE id = ?",
    [SQ_ADV_BUMP] = "UPDATE advisories SET latest_version = ?2, updated_at = ?3"
                    " WHERE id = ?1 AND latest_version = ?2 - 1 AND withdrawn_at = 0",
    [SQ_ADV_GET] = "SELECT a.id, a.org_id, v.author_id, v.version, a.latest_version, v.tlp,"
                   " v.clearance, v.audience, v.title, v.body, v.body_sha256, a.created_at,"
                   " a.updated_at, v.created_at, a.withdrawn_at, a.withdrawn_reason, 0"
                   " FROM advisories a JOIN advisory_versions v ON v.advisory_id = a.id"
                   " AND v.version = CASE WHEN ?2 > 0 THEN ?2 ELSE a.latest_version END"
                   " WHERE a.id = ?1",
    [SQ_ADV_LIST] = "SELECT a.id, a.org_id, v.author_id, v.version, a.latest_version, v.tlp,"
                    " v.clearance, v.audience, v.title, NULL, v.body_sha256, a.created_at,"
                    " a.updated_at, v.created_at, a.withdrawn_at, a.withdrawn_reason,"
                    " COALESCE(k.version, 0) FROM advisories a JOIN advisory_versions v"
                    " ON v.advisory_id = a.id AND v.version = a.latest_version"
                    " LEFT JOIN advisory_acks k ON k.advisory_id = a.id AND k.org_id = ?2"
                    " WHERE (?1 IS NULL OR a.id < ?1) ORDER BY a.id DESC LIMIT ?3",
    [SQ_ADV_WITHDRAW] = "UPDATE advisories SET withdrawn_at = ?3, withdrawn_reason = ?4,"
                        " withdrawn_by = ?5 WHERE id = ?1 AND org_id = ?2 AND withdrawn_at = 0",
    [SQ_ADV_ACK] = "INSERT INTO advisory_acks (advisory_id, org_id, user_id, version, at)"
                   " VALUES (?1,?2,?3,?4,?5) ON CONFLICT (advisory_id, org_id) DO UPDATE SET"
                   " user_id = excluded.user_id, version = excluded.version, at = excluded.at",
    [SQ_ADV_ACKS] = "SELECT org_id, user_id, version, at FROM advisory_acks"
                    " WHERE advisory_id = ? ORDER BY at, org_id",
    [SQ_CLR_GET] = "SELECT level, granted_at, expires_at, granted_by, updated_at"
                   " FROM user_clearances WHERE user_id = ?",
    [SQ_CLR_PUT] = "INSERT INTO user_clearances (user_id, level, granted_at, expires_at,"
                   " granted_by, updated_at) VALUES (?1,?2,?3,?4,?5,?6)"
                   " ON CONFLICT (user_id) DO UPDATE SET level = excluded.level,"
                   " granted_at = excluded.granted_at, expires_at = excluded.expires_at,"
                   " granted_by = excluded.granted_by, updated_at = excluded.updated_at",
    [SQ_CLR_DEL] = "DELETE FROM user_clearances WHERE user_id = ?",
    [SQ_AUDIT_HEAD] = "SELECT seq, at, actor, action, object_type, object_id, detail,"
                      " payload_sha256, prev_hash, hash FROM audit_log"
                      " ORDER BY seq DESC LIMIT 1",
};

/* ---- helpers ---- */

int sq_result(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return STORE_OK;
    case SQLITE_CONSTRAINT:
        return STORE_EXISTS;
    default:
        return STORE_UNAVAILABLE;
    }
}

void sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

void sq_bind_text_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

void sq_col_copy(sqlite3_stmt *st, int col, char *dst, size_t dstsz)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    xstrlcpy(dst, t ? (const char *)t : "", dstsz);
}

char *sq_col_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, col)) : NULL;
}

const char *sq_sql_text(enum sq_stmt which)
{
    return (unsigned)which < SQ__COUNT ? sql_text[which] : NULL;
}

sqlite3_stmt *sq_stmt(struct sq_conn *c, enum sq_stmt which)
{
    sqlite3_stmt *st = c->st[which];
    if (!st) {
        if (sqlite3_prepare_v3(c->db, sql_text[which], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL))
            BUG("prepare %d: %s", (int)which, sqlite3_errmsg(c->db));
        c->st[which] = st;
        return st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static int exec(sqlite3 *db, const char *sql, struct err *e)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(e, STORE_UNAVAILABLE, "sqlite: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return STORE_UNAVAILABLE;
    }
    return STORE_OK;
}

static int conn_open(struct sq_conn *c, const char *path, bool writer, struct err *e)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
    memset(c, 0, sizeof(*c));
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        err_set(e, STORE_UNAVAILABLE, "cannot open %s: %s", path,
                c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        c->db = NULL;
        return STORE_UNAVAILABLE;
    }
    sqlite3_busy_timeout(c->db, 10000);
    sqlite3_extended_result_codes(c->db, 1);
    /* WAL + synchronous=FULL: a COMMIT returns only after the log is fsync'ed, which is what
     * lets a 201 promise durability (sqlite.org/pragma.html#pragma_synchronous). */
    /* 8 KiB pages (new files only) hold a typical report version in one page; mmap lets
     * readers serve hot pages without a read(2) each. temp_store=MEMORY keeps the writer's
     * sub-journal (the page images each job's SAVEPOINT may roll back to) in memory: by
     * default it spills to a temporary file past 64 KiB, and those pwrite(2) calls were about
     * a quarter of the writer thread's time (bench/README.md, "issue 9"). */
    return exec(c->db,
                writer ? "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                         " PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0;"
                         " PRAGMA journal_size_limit=67108864; PRAGMA mmap_size=268435456;"
                         " PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"
                       : "PRAGMA foreign_keys=ON; PRAGMA query_only=1;"
                         " PRAGMA mmap_size=268435456; PRAGMA cache_size=-8192;",
                e);
}

static void conn_close(struct sq_conn *c)
{
    for (int i = 0; i < SQ__COUNT; i++)
        sqlite3_finalize(c->st[i]);
    sqlite3_close(c->db);
    memset(c, 0, sizeof(*c));
}

static int migrate(sqlite3 *db, struct err *e)
{
    sqlite3_stmt *st;
    int have = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            have = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (have > store_sqlite_schema_version())
        return err_set(e, STORE_UNAVAILABLE,
                       "database schema version %d is newer than this binary (%d)", have,
                       store_sqlite_schema_version());
    for (int v = have; v < (int)sq_migrations_count; v++) {
        char bump[64];
        snprintf(bump, sizeof(bump), "PRAGMA user_version=%d;", sq_migrations[v].version);
        if (exec(db, "BEGIN IMMEDIATE", e) || exec(db, sq_migrations[v].sql, e) ||
            exec(db, bump, e)) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return STORE_UNAVAILABLE;
        }
        if (exec(db, "COMMIT", e))
            return STORE_UNAVAILABLE;
        LOG(LOG_INFO, "store.migrated", LF_I("schema_version", sq_migrations[v].version),
            LF_S("migration", sq_migrations[v].name));
    }
    return STORE_OK;
}

static int load_audit_head(struct sq_store *s)
{
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_AUDIT_HEAD);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s->audit_seq = sqlite3_column_int64(st, 0);
        sq_col_copy(st, 9, s->audit_hash, sizeof(s->audit_hash));
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        s->audit_seq = 0;
        xstrlcpy(s->audit_hash, AUDIT_GENESIS, sizeof(s->audit_hash));
        rc = SQLITE_OK;
    }
    sqlite3_reset(st);
    return sq_result(rc);
}

/* ---- audit ---- */

int sq_audit_put(struct sq_store *s, const struct audit_rec *e)
{
    struct audit_rec r = *e;
    store_audit_chain(&r, s->audit_seq, s->audit_hash);
    sqlite3_stmt *st = sq_stmt(&s->w, SQ_AUDIT_INSERT);
    sqlite3_bind_int64(st, 1, r.seq);
    sqlite3_bind_int64(st, 2, r.at);
    sq_bind_text(st, 3, r.actor);
    sq_bind_text(st, 4, r.action);
    sq_bind_text(st, 5, r.object_type);
    sq_bind_text(st, 6, r.object_id);
    sq_bind_text(st, 7, r.detail);
    sq_bind_text(st, 8, r.payload_sha256);
    sq_bind_text(st, 9, r.prev_hash);
    sq_bind_text(st, 10, r.hash);
    if (sqlite3_step(st) != SQLITE_DONE)
        return STORE_UNAVAILABLE;
    s->audit_seq = r.seq;
    xstrlcpy(s->audit_hash, r.hash, sizeof(s->audit_hash));
    return STORE_OK;
}

/* ---- writer ---- */

static int step_once(struct sq_store *s, enum sq_stmt which)
{
    return sqlite3_step(sq_stmt(&s->w, which)) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
}

static int run_batch_job(struct sq_store *s, struct wjob *j)
{
    int64_t seq = s->audit_seq;
    char hash[HASH_SHA256_HEX];
    xstrlcpy(hash, s->audit_hash, sizeof(hash));
    if (step_once(s, SQ_SAVEPOINT) != SQLITE_OK)
        return STORE_UNAVAILABLE;
    int r = j->run(s, j);
    if (r < 0) {
        step_once(s, SQ_ROLLBACK_TO);
        s->audit_seq = seq; /* the job's audit entries were rolled back with it */
        xstrlcpy(s->audit_hash, hash, sizeof(s->audit_hash));
    }
    step_once(s, SQ_RELEASE);
    return r;
}

/* ---- the change feed (store.h, changes_wait) ----
 * One process owns the file, so the wake-up is in-process: after each COMMIT the writer
 * publishes its chain head (the batch's entries, and any another process appended before it,
 * re-read under the write lock). */

static void feed_publish(struct sq_store *s)
{
    pthread_mutex_lock(&s->flock);
    if (s->audit_seq > s->feed_seq) {
        s->feed_seq = s->audit_seq;
        pthread_cond_broadcast(&s->fcond);
    }
    pthread_mutex_unlock(&s->flock);
}

int sq_changes_wait(struct store *base, int64_t after_seq, int timeout_ms, bool *changed)
{
    struct sq_store *s = (struct sq_store *)base;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    int64_t ns = until.tv_nsec + (int64_t)(timeout_ms > 0 ? timeout_ms : 0) % 1000 * 1000000;
    until.tv_sec += (timeout_ms > 0 ? timeout_ms : 0) / 1000 + ns / 1000000000;
    until.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&s->flock);
    while (s->feed_seq <= after_seq && !atomic_load(&s->stopping) &&
           pthread_cond_timedwait(&s->fcond, &s->flock, &until) == 0)
        ;
    *changed = s->feed_seq > after_seq;
    pthread_mutex_unlock(&s->flock);
    if (*changed)
        return STORE_OK;
    /* nothing committed here: another process may have written (read the head) */
    struct audit_rec head;
    int r = base->ops->audit_head(base, &head);
    if (r == STORE_NOT_FOUND)
        return STORE_OK;
    if (!r)
        *changed = head.seq > after_seq;
    return r;
}

static void run_batch(struct sq_store *s, struct wjob *batch)
{
    int64_t t0 = rtime_mono_ns();
    int rc, n = 0;
    rc = sqlite3_exec(s->w.db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    /* Re-read the chain head under the write lock: another process (ichigen admin while the
     * server runs) may have appended entries since our last batch. */
    if (rc == SQLITE_OK && load_audit_head(s))
        rc = SQLITE_ERROR;
    for (struct wjob *j = batch; j; j = j->next, n++)
        j->result = rc == SQLITE_OK ? run_batch_job(s, j) : STORE_UNAVAILABLE;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->w.db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        LOG(LOG_ERROR, "store.commit_failed", LF_S("error", sqlite3_errstr(rc)), LF_I("jobs", n));
        sqlite3_exec(s->w.db, "ROLLBACK", NULL, NULL, NULL);
        for (struct wjob *j = batch; j; j = j->next)
            j->result = STORE_UNAVAILABLE;
        atomic_fetch_add(&s->failed_commits, 1);
    } else {
        atomic_fetch_add(&s->commits, 1);
        atomic_fetch_add(&s->writes, (unsigned long long)n);
        feed_publish(s);
    }
    histo_observe_ns(&s->commit_hist, rtime_mono_ns() - t0);
}

/* The background checkpointer copies WAL frames while writes continue, but the WAL file can
 * only start over once every frame is copied, which never happens while commits keep arriving.
 * So when the WAL passes WAL_RESTART_PAGES the writer, between two batches, checkpoints the
 * (small) remainder itself; its next transaction then rewinds the WAL, and journal_size_limit
 * truncates the file. Cost: one short pause for the jobs queued meanwhile. */
#define WAL_RESTART_PAGES 4096

static void wal_restart(struct sq_store *s)
{
    if (atomic_load(&s->wal_pages) < WAL_RESTART_PAGES)
        return;
    int logsz = 0, done = 0;
    if (sqlite3_wal_checkpoint_v2(s->w.db, NULL, SQLITE_CHECKPOINT_PASSIVE, &logsz, &done) ==
        SQLITE_OK)
        atomic_store(&s->wal_pages, logsz - done);
}

static void *writer_main(void *arg)
{
    struct sq_store *s = arg;
    pthread_mutex_lock(&s->qlock);
    for (;;) {
        while (!s->qhead && !s->stopping)
            pthread_cond_wait(&s->qcond, &s->qlock);
        if (!s->qhead && s->stopping)
            break;
        /* take up to batch_max jobs */
        struct wjob *batch = s->qhead, *last = batch;
        for (int n = 1; n < s->batch_max && last->next; n++)
            last = last->next;
        s->qhead = last->next;
        if (!s->qhead)
            s->qtail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&s->qlock);

        run_batch(s, batch);
        wal_restart(s);

        pthread_mutex_lock(&s->qlock);
        for (struct wjob *j = batch, *next; j; j = next) {
            next = j->next; /* j lives on the waiter's stack: read next before signalling */
            j->done = true;
            pthread_cond_signal(&j->cond);
        }
        if (atomic_load(&s->wal_pages) > 256)
            pthread_cond_signal(&s->ckcond); /* wake the background checkpointer */
    }
    pthread_mutex_unlock(&s->qlock);
    return NULL;
}

int sq_submit(struct sq_store *s, int (*run)(struct sq_store *, struct wjob *), void *arg)
{
    struct wjob j = {.run = run, .arg = arg, .result = STORE_UNAVAILABLE};
    pthread_cond_init(&j.cond, NULL);
    pthread_mutex_lock(&s->qlock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->qlock);
        pthread_cond_destroy(&j.cond);
        return STORE_UNAVAILABLE;
    }
    if (s->qtail)
        s->qtail->next = &j;
    else
        s->qhead = &j;
    s->qtail = &j;
    pthread_cond_signal(&s->qcond);
    while (!j.done)
        pthread_cond_wait(&j.cond, &s->qlock);
    pthread_mutex_unlock(&s->qlock);
    pthread_cond_destroy(&j.cond);
    return j.result;
}

/* ---- checkpointer ---- */

static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    UNUSED(db);
    UNUSED(name);
    atomic_store(&((struct sq_store *)arg)->wal_pages, pages);
    return SQLITE_OK;
}

/* PASSIVE checkpoints copy WAL frames into the database without blocking the writer or
 * readers; running them here keeps their fsyncs out of the commit path. */
static void *ckpt_main(void *arg)
{
    struct sq_store *s = arg;
    struct sq_conn c;
    struct err e;
    /* A connection learns that the file is in WAL mode only by reading it; until then a
     * checkpoint is a silent no-op. */
    if (conn_open(&c, s->path, false, &e) || exec(c.db, "SELECT count(*) FROM sqlite_schema", &e)) {
        LOG(LOG_ERROR, "store.checkpointer_failed", LF_S("error", e.msg));
        conn_close(&c);
        return NULL;
    }
    pthread_mutex_lock(&s->cklock);
    while (!atomic_load(&s->stopping)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&s->ckcond, &s->cklock, &ts);
        if (atomic_load(&s->stopping))
            break;
        pthread_mutex_unlock(&s->cklock);
        if (atomic_load(&s->wal_pages) > 0) {
            int logsz = 0, done = 0;
            sqlite3_wal_checkpoint_v2(c.db, NULL, SQLITE_CHECKPOINT_PASSIVE, &logsz, &done);
        }
        pthread_mutex_lock(&s->cklock);
    }
    pthread_mutex_unlock(&s->cklock);
    conn_close(&c);
    return NULL;
}

/* ---- read pool ---- */

struct sq_conn *sq_read_get(struct sq_store *s)
{
    struct sq_conn *c;
    pthread_mutex_lock(&s->plock);
    while (!s->pool_free)
        pthread_cond_wait(&s->pcond, &s->plock);
    c = s->pool_free;
    s->pool_free = c->next_free;
    pthread_mutex_unlock(&s->plock);
    return c;
}

static int pool_open(struct sq_store *s, struct err *e)
{
    for (int i = 0; i < s->pool_max; i++) {
        struct sq_conn *c = xcalloc(1, sizeof(*c));
        s->pool_all[i] = c;
        s->pool_n = i + 1;
        if (conn_open(c, s->path, false, e))
            return STORE_UNAVAILABLE;
        c->next_free = s->pool_free;
        s->pool_free = c;
    }
    return STORE_OK;
}

void sq_read_put(struct sq_store *s, struct sq_conn *c)
{
    for (int i = 0; i < SQ__COUNT; i++)
        if (c->st[i])
            sqlite3_reset(c->st[i]); /* end read transactions so checkpoints can progress */
    pthread_mutex_lock(&s->plock);
    c->next_free = s->pool_free;
    s->pool_free = c;
    pthread_cond_signal(&s->pcond);
    pthread_mutex_unlock(&s->plock);
}

/* ---- open / close ---- */

void sq_close_store(struct store *base)
{
    struct sq_store *s = (struct sq_store *)base;
    if (!s)
        return;
    pthread_mutex_lock(&s->qlock);
    atomic_store(&s->stopping, true);
    pthread_cond_broadcast(&s->qcond);
    pthread_mutex_unlock(&s->qlock);
    pthread_mutex_lock(&s->cklock);
    pthread_cond_broadcast(&s->ckcond);
    pthread_mutex_unlock(&s->cklock);
    if (s->writer_started)
        pthread_join(s->writer, NULL);
    if (s->ckpt_started)
        pthread_join(s->ckpt, NULL);
    for (int i = 0; i < s->pool_n; i++) {
        if (s->pool_all[i]) {
            conn_close(s->pool_all[i]);
            free(s->pool_all[i]);
        }
    }
    free(s->pool_all);
    if (s->w.db) {
        /* a final TRUNCATE checkpoint leaves a compact file behind on clean shutdown */
        sqlite3_wal_checkpoint_v2(s->w.db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        conn_close(&s->w);
    }
    pthread_mutex_destroy(&s->qlock);
    pthread_cond_destroy(&s->qcond);
    pthread_mutex_destroy(&s->plock);
    pthread_cond_destroy(&s->pcond);
    pthread_mutex_destroy(&s->cklock);
    pthread_cond_destroy(&s->ckcond);
    pthread_mutex_destroy(&s->flock);
    pthread_cond_destroy(&s->fcond);
    free(s->path);
    free(s);
}

/* SQLite's own error log (https://sqlite.org/errlog.html) names the cause of a failure that the
 * store reports only as STORE_UNAVAILABLE: a busy timeout, an I/O error, corruption, and the
 * notice that a WAL was recovered after a crash. Constraint failures are expected (idempotency
 * keys, unique names) and schema re-preparations are routine; both are left out. */
static void sqlite_log(void *arg, int code, const char *msg)
{
    UNUSED(arg);
    int prim = code & 0xff;
    if (prim == SQLITE_CONSTRAINT || prim == SQLITE_SCHEMA)
        return;
    LOG(prim == SQLITE_NOTICE ? LOG_INFO : LOG_WARN, "store.sqlite", LF_I("code", code),
        LF_S("message", msg ? msg : ""));
}

static pthread_once_t sqlite_log_once = PTHREAD_ONCE_INIT;

/* SQLITE_CONFIG_LOG must precede sqlite3_initialize(); the first open initialises. */
static void sqlite_log_install(void)
{
    sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL);
}

struct store *store_sqlite_open(const struct store_sqlite_options *o, struct err *e)
{
    pthread_once(&sqlite_log_once, sqlite_log_install);
    struct sq_store *s = xcalloc(1, sizeof(*s));
    s->base.ops = &sq_ops;
    s->path = xstrdup(o->path);
    s->batch_max = o->commit_batch_max > 0 ? o->commit_batch_max : 512;
    s->pool_max = o->read_pool_size > 0 ? o->read_pool_size : 8;
    s->pool_all = xcalloc((size_t)s->pool_max, sizeof(*s->pool_all));
    pthread_mutex_init(&s->qlock, NULL);
    pthread_cond_init(&s->qcond, NULL);
    pthread_mutex_init(&s->plock, NULL);
    pthread_cond_init(&s->pcond, NULL);
    pthread_mutex_init(&s->cklock, NULL);
    pthread_cond_init(&s->ckcond, NULL);
    pthread_mutex_init(&s->flock, NULL);
    pthread_cond_init(&s->fcond, NULL);
    histo_init(&s->commit_hist);

    /* a store opened as it is (store copy) is never created: a missing file is an error */
    if (o->as_is && access(s->path, F_OK)) {
        err_set(e, STORE_UNAVAILABLE, "cannot open %s: %s (create and migrate it first: "
                "ichigen migrate)", s->path, strerror(errno));
        goto fail;
    }
    if (conn_open(&s->w, s->path, true, e) || (!o->as_is && migrate(s->w.db, e)) ||
        load_audit_head(s) || pool_open(s, e))
        goto fail;
    s->feed_seq = s->audit_seq;
    sqlite3_wal_hook(s->w.db, wal_hook, s);
    if (pthread_create(&s->writer, NULL, writer_main, s)) {
        err_set(e, STORE_UNAVAILABLE, "cannot start the writer thread");
        goto fail;
    }
    s->writer_started = true;
    if (pthread_create(&s->ckpt, NULL, ckpt_main, s) == 0)
        s->ckpt_started = true;
    return &s->base;
fail:
    sq_close_store(&s->base);
    return NULL;
}
