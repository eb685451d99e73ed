-- Migration 12 (issue 12, the web UI) adds what the browser's pages need: the last use of a token,
-- two-factor sign-in and drafts. Why: a cookie session (a token of kind "web") ends after a
-- quiet period, so its last use is kept (written at most about once a minute per session, not
-- on every request). A user's TOTP secret (RFC 6238) is stored sealed with a key of
-- server_keys made here, once (libsodium secretbox), so that a copy of the rows alone does not
-- yield the codes; last_step is the newest time step accepted, so that a code is accepted at
-- most once. Recovery codes are kept as SHA-256 hashes only (each is 40 random bits; they are
-- looked up, not guessed against, and their use is throttled like a password). A draft is the
-- report form as it was last saved, any JSON object, versioned so that two windows cannot
-- overwrite each other (If-Match).
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
INSERT INTO server_keys (name, k) VALUES ('totp', randomblob(32));
CREATE TABLE user_totp (
  user_id TEXT PRIMARY KEY REFERENCES users(id), sealed BLOB NOT NULL,
  created_at INTEGER NOT NULL, enabled_at INTEGER NOT NULL DEFAULT 0,
  last_step INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE recovery_codes (
  user_id TEXT NOT NULL REFERENCES users(id), code_hash BLOB NOT NULL,
  used_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, code_hash)) WITHOUT ROWID;
CREATE TABLE drafts (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  author_id TEXT NOT NULL, title TEXT NOT NULL, incident_id TEXT, body TEXT NOT NULL,
  version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX drafts_org ON drafts(org_id, updated_at, id);
