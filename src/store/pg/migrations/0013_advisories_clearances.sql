-- Migration 13 for PostgreSQL: what src/store/sqlite/migrations/0013 creates (advisories, their
-- versions and acknowledgements, users' clearances), by the rules of 0001.

CREATE TABLE advisories (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  author_id TEXT NOT NULL, latest_version BIGINT NOT NULL, created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL, withdrawn_at BIGINT NOT NULL DEFAULT 0, withdrawn_reason TEXT,
  withdrawn_by TEXT);
CREATE TABLE advisory_versions (
  advisory_id TEXT NOT NULL REFERENCES advisories(id), version BIGINT NOT NULL,
  tlp TEXT NOT NULL, clearance TEXT NOT NULL DEFAULT '', audience TEXT NOT NULL,
  title TEXT NOT NULL, body TEXT NOT NULL, body_sha256 TEXT NOT NULL, author_id TEXT NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (advisory_id, version));
CREATE TRIGGER advisory_versions_immutable BEFORE UPDATE ON advisory_versions
  FOR EACH ROW EXECUTE FUNCTION ichigen_refuse('advisory versions are immutable');
CREATE TABLE advisory_acks (
  advisory_id TEXT NOT NULL REFERENCES advisories(id), org_id TEXT NOT NULL,
  user_id TEXT NOT NULL, version BIGINT NOT NULL, at BIGINT NOT NULL,
  PRIMARY KEY (advisory_id, org_id));
CREATE TABLE user_clearances (
  user_id TEXT PRIMARY KEY REFERENCES users(id), level TEXT NOT NULL,
  granted_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, granted_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL);
