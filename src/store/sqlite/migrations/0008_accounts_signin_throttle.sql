-- Migration 8 (issue 8.12, 8.13) adds accounts and sign-in throttling. Why: a password someone else
-- set must be changed at first sign-in (must_change_password). Sign-in throttling keeps one row per
-- keyed hash of a name, a client address or the pair — known and unknown names alike, so that no
-- state reveals which exist — deleted once forgotten (maintain). The key of those hashes is made
-- here, once, so that every process on the database names the same state. (users.failed_logins and
-- locked_until, the old lockout, are no longer used.)
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
CREATE TABLE login_throttle (
  key BLOB PRIMARY KEY, failures INTEGER NOT NULL, last_at INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX login_throttle_expiry ON login_throttle(expires_at);
CREATE TABLE server_keys (name TEXT PRIMARY KEY, k BLOB NOT NULL);
INSERT INTO server_keys (name, k) VALUES ('login_throttle', randomblob(32));
