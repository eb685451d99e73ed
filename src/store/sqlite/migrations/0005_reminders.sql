-- Migration 5 (issue 5) adds reminders: an organisation's own webhook and lead times before each
-- deadline, and the notifications it is sent. Why: a second outbox, deduplicated per (obligation,
-- lead), so a reminder is sent once however often the scan runs.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE TABLE reminder_settings (
  org_id TEXT PRIMARY KEY REFERENCES organizations(id), endpoint TEXT NOT NULL,
  secret BLOB NOT NULL, lead_hours TEXT NOT NULL, enabled INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE notifications (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL, kind TEXT NOT NULL, dedupe TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL, created_at INTEGER NOT NULL, delivered_at INTEGER,
  last_error TEXT);
CREATE INDEX notifications_due ON notifications(next_attempt_at)
  WHERE status IN ('queued', 'sending');
CREATE INDEX notifications_org ON notifications(org_id, id);
