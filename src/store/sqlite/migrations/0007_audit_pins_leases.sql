-- Migration 7 (issue 8, items 14 and 9) adds an index of the audit entries that pin bytes and a
-- claim's lease start. Why: `ichigen audit verify` looks up, for every stored object, the entry
-- that pinned its bytes: an index of only the entries that carry a payload hash, by object (a few
-- per report version, submission, assessment, document). leased_at: when a lease runs out with no
-- outcome, the history says when the interrupted attempt began.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE INDEX audit_log_pins ON audit_log(object_type, object_id, seq)
  WHERE payload_sha256 <> '';
ALTER TABLE submissions ADD COLUMN leased_at INTEGER;
