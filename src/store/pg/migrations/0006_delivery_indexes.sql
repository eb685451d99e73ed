-- Migration 6 for PostgreSQL: what src/store/sqlite/migrations/0006 changes (the claim's index
-- per recipient, obligations found by id), by the rules of 0001.

CREATE INDEX submissions_due_recipient ON submissions(recipient_id, next_attempt_at, id)
  WHERE status IN ('queued', 'sending');
DROP INDEX submissions_due;
CREATE UNIQUE INDEX obligations_id ON obligations(id);
