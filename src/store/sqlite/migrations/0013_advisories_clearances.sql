-- Migration 13 (issue 13 items 1 and 2) adds advisories and users' security clearances.
-- An advisory is written by an authority and read by whoever the TLP 2.0 rule lets read it
-- (src/sharing/share_policy.h, decided above the store). Its versions are immutable (a trigger
-- refuses changes), each with the label, the clearance it requires and its audience as the
-- version set them, so an amendment that narrows or widens the audience is a new version and
-- the old one stays what it was. The incident row of an advisory holds what changes: its latest
-- version and its withdrawal. An acknowledgement is an organisation's (one row, the version it
-- acknowledged). A clearance is a user's, set by the platform administrator: the level's id (the
-- levels themselves are data, data/sharing/clearance.json), when it was granted and when it
-- expires; an expired one is kept and counts as none.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE TABLE advisories (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  author_id TEXT NOT NULL, latest_version INTEGER NOT NULL, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, withdrawn_at INTEGER NOT NULL DEFAULT 0, withdrawn_reason TEXT,
  withdrawn_by TEXT);
CREATE TABLE advisory_versions (
  advisory_id TEXT NOT NULL REFERENCES advisories(id), version INTEGER NOT NULL,
  tlp TEXT NOT NULL, clearance TEXT NOT NULL DEFAULT '', audience TEXT NOT NULL,
  title TEXT NOT NULL, body TEXT NOT NULL, body_sha256 TEXT NOT NULL, author_id TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (advisory_id, version)) WITHOUT ROWID;
CREATE TRIGGER advisory_versions_immutable BEFORE UPDATE ON advisory_versions
  BEGIN SELECT RAISE(ABORT, 'advisory versions are immutable'); END;
CREATE TABLE advisory_acks (
  advisory_id TEXT NOT NULL REFERENCES advisories(id), org_id TEXT NOT NULL,
  user_id TEXT NOT NULL, version INTEGER NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (advisory_id, org_id)) WITHOUT ROWID;
CREATE TABLE user_clearances (
  user_id TEXT PRIMARY KEY REFERENCES users(id), level TEXT NOT NULL,
  granted_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, granted_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL) WITHOUT ROWID;
