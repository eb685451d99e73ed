-- Migration 11 for PostgreSQL: what src/store/sqlite/migrations/0011 creates (the e-mail channel
-- of notifications), by the rules of 0001.

ALTER TABLE reminder_settings ADD COLUMN emails TEXT NOT NULL DEFAULT '[]';
CREATE TABLE notification_mail (
  notification_id TEXT PRIMARY KEY REFERENCES notifications(id), org_id TEXT NOT NULL,
  status TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL, delivered_at BIGINT, last_error TEXT);
CREATE INDEX notification_mail_due ON notification_mail(next_attempt_at)
  WHERE status IN ('queued', 'sending');
