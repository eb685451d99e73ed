-- Migration 1 (accounts, reports, idempotency, audit) adds the first schema: organisations, users,
-- API tokens, incidents with their report versions, idempotency keys and the hash-chained audit
-- log. Why: a report accepted once is kept exactly as sent (report versions are immutable), a
-- retried create is recognised in the same transaction, and every change is in a log that triggers
-- keep append-only.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE TABLE organizations (
  id TEXT PRIMARY KEY, name_ja TEXT NOT NULL, name_en TEXT NOT NULL,
  corporate_number TEXT UNIQUE, kind TEXT NOT NULL, sector TEXT NOT NULL,
  prefecture TEXT, listed INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE users (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, role TEXT NOT NULL,
  password_hash TEXT, disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);
CREATE INDEX users_org ON users(org_id, id);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
  token_hash BLOB NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE incidents (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  latest_version INTEGER NOT NULL, phase TEXT, tlp TEXT, drill INTEGER NOT NULL,
  categories TEXT NOT NULL, summary TEXT);
CREATE INDEX incidents_org ON incidents(org_id, id);
-- a rowid table: bodies are several KiB, which WITHOUT ROWID tables store badly
-- (sqlite.org/withoutrowid.html §4)
CREATE TABLE report_versions (
  incident_id TEXT NOT NULL REFERENCES incidents(id), version INTEGER NOT NULL,
  created_at INTEGER NOT NULL, author_id TEXT NOT NULL, body_sha256 TEXT NOT NULL,
  phase TEXT, tlp TEXT, drill INTEGER NOT NULL, categories TEXT NOT NULL, summary TEXT,
  change_summary TEXT, body TEXT NOT NULL, UNIQUE (incident_id, version));
CREATE TABLE idempotency (
  org_id TEXT NOT NULL, key TEXT NOT NULL, request_sha256 TEXT NOT NULL,
  incident_id TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, key)) WITHOUT ROWID;
CREATE INDEX idempotency_expiry ON idempotency(expires_at);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  object_type TEXT NOT NULL, object_id TEXT NOT NULL, detail TEXT NOT NULL,
  payload_sha256 TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
-- Append-only at the database level too; the hash chain catches edits made around this.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- Report versions are immutable.
CREATE TRIGGER report_versions_no_update BEFORE UPDATE ON report_versions
  BEGIN SELECT RAISE(ABORT, 'report versions are immutable'); END;
CREATE TRIGGER report_versions_no_delete BEFORE DELETE ON report_versions
  BEGIN SELECT RAISE(ABORT, 'report versions are immutable'); END;
