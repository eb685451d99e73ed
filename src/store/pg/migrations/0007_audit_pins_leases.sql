-- Migration 7 for PostgreSQL: what src/store/sqlite/migrations/0007 creates (the index of the
-- audit entries that pin bytes, the submission's lease time), by the rules of 0001.

CREATE INDEX audit_log_pins ON audit_log(object_type, object_id, seq)
  WHERE payload_sha256 <> '';
ALTER TABLE submissions ADD COLUMN leased_at BIGINT;
