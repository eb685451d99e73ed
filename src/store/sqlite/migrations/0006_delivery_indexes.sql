-- Migration 6 adds indexes for delivery at scale. Why: the worker's claim reads the due submissions
-- of each recipient in deadline order (SQ_SUB_RCPS, SQ_SUB_DUE): a few index lookups per recipient
-- instead of a scan of the whole backlog. Obligations are found by id when a delivery meets them
-- (SQ_SUB_MET): without an index that was a scan of every obligation per delivery.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE INDEX submissions_due_recipient ON submissions(recipient_id, next_attempt_at, id)
  WHERE status IN ('queued', 'sending');
DROP INDEX submissions_due;
CREATE UNIQUE INDEX obligations_id ON obligations(id);
