-- Migration 8 for PostgreSQL: what src/store/sqlite/migrations/0008 creates (must-change
-- password, the sign-in throttle, the server keys), by the rules of 0001. SQLite's
-- randomblob(32) has no built-in twin; gen_random_uuid() draws from the server's strong random
-- source (PostgreSQL 15 §9.14, pg_strong_random), so the key is SHA-256 (§9.5) of three of them:
-- 366 random bits folded into 32 bytes, without the pgcrypto extension.

ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
CREATE TABLE login_throttle (
  key BYTEA PRIMARY KEY, failures BIGINT NOT NULL, last_at BIGINT NOT NULL,
  blocked_until BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX login_throttle_expiry ON login_throttle(expires_at);
CREATE TABLE server_keys (name TEXT PRIMARY KEY, k BYTEA NOT NULL);
INSERT INTO server_keys (name, k) VALUES ('login_throttle', sha256(convert_to(
  gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));
