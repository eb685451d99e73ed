-- Migration 3 for PostgreSQL: what src/store/sqlite/migrations/0003 creates (assessments,
-- organisation documents, the organisation's size band), by the rules of 0001. A SQLite trigger's
-- WHEN is the trigger's WHEN (PostgreSQL 15, CREATE TRIGGER).

ALTER TABLE organizations ADD COLUMN size_band TEXT;
CREATE TABLE assessments (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  framework_id TEXT NOT NULL, framework_version TEXT NOT NULL, period TEXT NOT NULL,
  status TEXT NOT NULL, version BIGINT NOT NULL, answers TEXT NOT NULL, scores TEXT,
  overall DOUBLE PRECISION,
  created_by TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  submitted_by TEXT, submitted_at BIGINT);
CREATE INDEX assessments_org ON assessments(org_id, id);
CREATE INDEX assessments_peers ON assessments(framework_id, status, org_id, submitted_at);
CREATE TRIGGER assessments_submitted_immutable BEFORE UPDATE ON assessments
  FOR EACH ROW WHEN (OLD.status = 'submitted')
  EXECUTE FUNCTION ichigen_refuse('a submitted assessment is immutable');
CREATE TABLE org_documents (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  kind TEXT NOT NULL, version BIGINT NOT NULL, body TEXT NOT NULL,
  created_by TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE INDEX org_documents_list ON org_documents(org_id, kind, id);
