-- Migration 3 (issue 4) adds maturity self-assessments and organisation documents (assets, loss
-- scenarios, simulations), and organisations' size band. Why: peer comparisons must rest on what
-- was submitted, so a submitted assessment is immutable (trigger); the size band groups peers.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

ALTER TABLE organizations ADD COLUMN size_band TEXT;
CREATE TABLE assessments (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  framework_id TEXT NOT NULL, framework_version TEXT NOT NULL, period TEXT NOT NULL,
  status TEXT NOT NULL, version INTEGER NOT NULL, answers TEXT NOT NULL, scores TEXT,
  overall REAL,
  created_by TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  submitted_by TEXT, submitted_at INTEGER);
CREATE INDEX assessments_org ON assessments(org_id, id);
CREATE INDEX assessments_peers ON assessments(framework_id, status, org_id, submitted_at);
CREATE TRIGGER assessments_submitted_immutable BEFORE UPDATE ON assessments
  WHEN OLD.status = 'submitted'
  BEGIN SELECT RAISE(ABORT, 'a submitted assessment is immutable'); END;
CREATE TABLE org_documents (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  kind TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
  created_by TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX org_documents_list ON org_documents(org_id, kind, id);
