-- Migration 9 for PostgreSQL: what src/store/sqlite/migrations/0009 creates (updates and
-- withdrawal notices, withdrawn incidents, the organisation's time zone), by the rules of 0001.

ALTER TABLE submissions ADD COLUMN kind TEXT NOT NULL DEFAULT 'stage';
ALTER TABLE submissions ADD COLUMN previous_id TEXT;
ALTER TABLE incidents ADD COLUMN withdrawn_at BIGINT;
ALTER TABLE incidents ADD COLUMN withdrawn_reason TEXT;
ALTER TABLE incidents ADD COLUMN withdrawn_by TEXT;
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
CREATE TRIGGER submissions_kind_fixed BEFORE UPDATE OF kind, previous_id ON submissions
  FOR EACH ROW EXECUTE FUNCTION ichigen_refuse('what was sent is never changed');
