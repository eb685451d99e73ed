-- Migration 1 for PostgreSQL (issue 14): what src/store/sqlite/migrations/0001 creates, in
-- PostgreSQL 15's dialect — organisations, users, API tokens, incidents with their report
-- versions, idempotency keys and the hash-chained audit log. Translation rules, the same for every
-- file here: SQLite INTEGER is BIGINT (millisecond times, counts and 0/1 flags alike, so the
-- backend binds every integer the same way), BLOB is BYTEA, REAL is DOUBLE PRECISION, TEXT stays
-- TEXT; WITHOUT ROWID has no counterpart (every table is a heap with its primary key index,
-- PostgreSQL 15 §5.4.4); a SQLite trigger that RAISE(ABORT)s is a row trigger calling
-- ichigen_refuse() with the same message (§43.10 Trigger Functions).
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written (hence the leading spaces of continuation lines).

CREATE FUNCTION ichigen_refuse() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
  END $$;
CREATE TABLE organizations (
  id TEXT PRIMARY KEY, name_ja TEXT NOT NULL, name_en TEXT NOT NULL,
  corporate_number TEXT UNIQUE, kind TEXT NOT NULL, sector TEXT NOT NULL,
  prefecture TEXT, listed BIGINT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE users (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, role TEXT NOT NULL,
  password_hash TEXT, disabled BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL,
  failed_logins BIGINT NOT NULL DEFAULT 0, locked_until BIGINT NOT NULL DEFAULT 0);
CREATE INDEX users_org ON users(org_id, id);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
  token_hash BYTEA NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,
  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE incidents (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  latest_version BIGINT NOT NULL, phase TEXT, tlp TEXT, drill BIGINT NOT NULL,
  categories TEXT NOT NULL, summary TEXT);
CREATE INDEX incidents_org ON incidents(org_id, id);
CREATE TABLE report_versions (
  incident_id TEXT NOT NULL REFERENCES incidents(id), version BIGINT NOT NULL,
  created_at BIGINT NOT NULL, author_id TEXT NOT NULL, body_sha256 TEXT NOT NULL,
  phase TEXT, tlp TEXT, drill BIGINT NOT NULL, categories TEXT NOT NULL, summary TEXT,
  change_summary TEXT, body TEXT NOT NULL, UNIQUE (incident_id, version));
CREATE TABLE idempotency (
  org_id TEXT NOT NULL, key TEXT NOT NULL, request_sha256 TEXT NOT NULL,
  incident_id TEXT NOT NULL, expires_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, key));
CREATE INDEX idempotency_expiry ON idempotency(expires_at);
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  object_type TEXT NOT NULL, object_id TEXT NOT NULL, detail TEXT NOT NULL,
  payload_sha256 TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
-- Append-only at the database level too; the hash chain catches edits made around this.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION ichigen_refuse('audit_log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION ichigen_refuse('audit_log is append-only');
-- Report versions are immutable.
CREATE TRIGGER report_versions_no_update BEFORE UPDATE ON report_versions
  FOR EACH ROW EXECUTE FUNCTION ichigen_refuse('report versions are immutable');
CREATE TRIGGER report_versions_no_delete BEFORE DELETE ON report_versions
  FOR EACH ROW EXECUTE FUNCTION ichigen_refuse('report versions are immutable');
