-- Migration 12 for PostgreSQL: what src/store/sqlite/migrations/0012 creates (web sessions'
-- last use, the TOTP server key, two-factor enrolments, recovery codes, drafts), by the rules
-- of 0001; the key is made as in 0008.

ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
INSERT INTO server_keys (name, k) VALUES ('totp', sha256(convert_to(
  gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));
CREATE TABLE user_totp (
  user_id TEXT PRIMARY KEY REFERENCES users(id), sealed BYTEA NOT NULL,
  created_at BIGINT NOT NULL, enabled_at BIGINT NOT NULL DEFAULT 0,
  last_step BIGINT NOT NULL DEFAULT 0);
CREATE TABLE recovery_codes (
  user_id TEXT NOT NULL REFERENCES users(id), code_hash BYTEA NOT NULL,
  used_at BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (user_id, code_hash));
CREATE TABLE drafts (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  author_id TEXT NOT NULL, title TEXT NOT NULL, incident_id TEXT, body TEXT NOT NULL,
  version BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE INDEX drafts_org ON drafts(org_id, updated_at, id);
