-- Migration 11 (issue 10 item 8) adds e-mail to reminders and notifications: the addresses an
-- organisation's notifications are mailed to, and a second delivery row per notification for
-- the e-mail channel. Why a row of its own: the webhook and the e-mail are retried, failed and
-- delivered independently, so a receiver that is down does not hold back the e-mail or the
-- other way round; the notification id stays the one key of the event (the Message-ID is made
-- from it, so a retry carries the same Message-ID). The webhook endpoint may now be empty when
-- addresses are given (reminders by e-mail only); existing rows keep theirs.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

ALTER TABLE reminder_settings ADD COLUMN emails TEXT NOT NULL DEFAULT '[]';
CREATE TABLE notification_mail (
  notification_id TEXT PRIMARY KEY REFERENCES notifications(id), org_id TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT) WITHOUT ROWID;
CREATE INDEX notification_mail_due ON notification_mail(next_attempt_at)
  WHERE status IN ('queued', 'sending');
