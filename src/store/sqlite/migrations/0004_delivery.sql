-- Migration 4 (issue 5) adds delivery: submissions are the transactional outbox, written with the
-- submit that creates them; the worker claims due rows (next_attempt_at doubles as the lease expiry
-- while sending); obligations learn when and by which submission they were met; inbox recipients
-- are bound to organisations. Why: what was sent is evidence, so the payload and the delivery
-- history are never changed (triggers).
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

ALTER TABLE obligations ADD COLUMN met_at INTEGER;
ALTER TABLE obligations ADD COLUMN met_submission TEXT;
ALTER TABLE incidents ADD COLUMN submitted_version INTEGER;
CREATE TABLE submissions (
  id TEXT PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incidents(id),
  org_id TEXT NOT NULL, obligation_id TEXT NOT NULL, rule_id TEXT NOT NULL,
  stage_id TEXT NOT NULL, recipient_id TEXT NOT NULL, version INTEGER NOT NULL,
  channel TEXT NOT NULL, status TEXT NOT NULL, drill INTEGER NOT NULL,
  payload BLOB NOT NULL, payload_sha256 TEXT NOT NULL, withheld TEXT,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL, sent_at INTEGER, delivered_at INTEGER,
  acknowledged_at INTEGER, failed_at INTEGER, last_error TEXT, receipt_reference TEXT,
  receipt TEXT, submitted_by TEXT NOT NULL);
CREATE INDEX submissions_due ON submissions(next_attempt_at)
  WHERE status IN ('queued', 'sending');
CREATE INDEX submissions_incident ON submissions(incident_id, id);
CREATE INDEX submissions_org ON submissions(org_id, id);
CREATE INDEX submissions_recipient ON submissions(recipient_id, id);
CREATE INDEX submissions_obligation ON submissions(obligation_id, id);
CREATE TRIGGER submissions_payload_fixed BEFORE UPDATE OF payload, payload_sha256, version,
  recipient_id, obligation_id ON submissions
  BEGIN SELECT RAISE(ABORT, 'what was sent is never changed'); END;
CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
  BEGIN SELECT RAISE(ABORT, 'submissions are never deleted'); END;
CREATE TABLE submission_events (
  seq INTEGER PRIMARY KEY, submission_id TEXT NOT NULL, at INTEGER NOT NULL,
  event TEXT NOT NULL, http_status INTEGER, detail TEXT);
CREATE INDEX submission_events_sub ON submission_events(submission_id, seq);
CREATE TRIGGER submission_events_no_update BEFORE UPDATE ON submission_events
  BEGIN SELECT RAISE(ABORT, 'delivery history is append-only'); END;
CREATE TRIGGER submission_events_no_delete BEFORE DELETE ON submission_events
  BEGIN SELECT RAISE(ABORT, 'delivery history is append-only'); END;
CREATE TABLE recipient_bindings (
  recipient_id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  created_at INTEGER NOT NULL);
