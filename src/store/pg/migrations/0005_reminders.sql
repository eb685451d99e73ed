-- Migration 5 for PostgreSQL: what src/store/sqlite/migrations/0005 creates (reminder settings
-- and notifications), by the rules of 0001.

CREATE TABLE reminder_settings (
  org_id TEXT PRIMARY KEY REFERENCES organizations(id), endpoint TEXT NOT NULL,
  secret BYTEA NOT NULL, lead_hours TEXT NOT NULL, enabled BIGINT NOT NULL,
  updated_at BIGINT NOT NULL);
CREATE TABLE notifications (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL, kind TEXT NOT NULL, dedupe TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL, status TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL, created_at BIGINT NOT NULL, delivered_at BIGINT,
  last_error TEXT);
CREATE INDEX notifications_due ON notifications(next_attempt_at)
  WHERE status IN ('queued', 'sending');
CREATE INDEX notifications_org ON notifications(org_id, id);
